/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The W3C operations chain of one rtcpeerbin: a thread of its own running
 * the queued operations strictly in order, never under a pipeline's
 * streaming locks. Everything that touches the JSEP session or the bin's
 * children runs here; transport events are posted here too.
 */
#pragma once

#include <glib.h>

#include <functional>
#include <memory>

namespace gst_rtc::peer {

class OpsChain {
 public:
  OpsChain();
  ~OpsChain();
  OpsChain(const OpsChain &) = delete;
  OpsChain &operator=(const OpsChain &) = delete;

  // Queues `op` behind everything queued before it (FIFO). After shutdown
  // the operation is dropped (destroyed unrun).
  void post(std::function<void()> op);
  // Runs `op` on the chain and waits for it; runs it at once when called
  // from the chain itself.
  void run_sync(std::function<void()> op);
  bool on_chain() const;
  // The chain's context (timeouts of the bin attach here).
  GMainContext *context() const;
  // Stops the thread after the operations already queued; idempotent.
  void shutdown();

  struct State;  // shared with the thread, which may outlive the chain

 private:
  std::shared_ptr<State> state_;
  GThread *thread_ = nullptr;
};

}  // namespace gst_rtc::peer
