// The process-wide network context shared by every ICE agent.
//
// One GMainContext iterated by one thread serves all NiceAgents in the
// process (ARCHITECTURE.md: one network thread for many connections instead
// of one per connection). The context is reference counted: the first
// acquire() starts the thread, the release of the last reference stops and
// joins it.
#pragma once

#include <glib.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>

#include "ice-ptr.h"

namespace gst_rtc::ice {

class NetworkContext {
 public:
  // Returns the live context, starting its thread if no one holds it.
  static std::shared_ptr<NetworkContext> acquire();

  // Number of live references and how many threads were started so far
  // (tests use these to prove the refcount works).
  static std::size_t use_count();
  static std::size_t start_count();

  NetworkContext(const NetworkContext &) = delete;
  NetworkContext &operator=(const NetworkContext &) = delete;
  // Quits the loop and joins the thread. Must not run on the network thread
  // itself (do not drop the last reference from inside an agent callback).
  ~NetworkContext();

  GMainContext *main_context() const { return context_.get(); }
  bool is_network_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // Runs `fn` on the network thread and waits for it to finish; runs inline
  // when already on it. Used so libnice emits its signals only there.
  void invoke_sync(const std::function<void()> &fn);

 private:
  NetworkContext();

  MainContextPtr context_;
  MainLoopPtr loop_;
  std::thread thread_;
};

}  // namespace gst_rtc::ice
