// The one process-wide usrsctp instance behind every SCTP association.
//
// usrsctp keeps global state (its stack, a timer thread, one conn_output
// callback for all AF_CONN sockets), so associations share it through a
// reference count: the first RuntimeRef initialises usrsctp, the last one
// tears it down. Outgoing packets are routed to their association through a
// registry keyed by the AF_CONN address, so a packet emitted by usrsctp's
// thread for an association being destroyed is dropped instead of reaching
// freed memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "result.h"

namespace gst_rtc::sctp {

// What the runtime calls for every packet usrsctp emits on an AF_CONN address.
// Called from usrsctp's thread or from inside any usrsctp call, possibly with
// usrsctp locks held: implementations must not call back into usrsctp.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void on_packet(const uint8_t *data, std::size_t size) = 0;
};

// Keeps usrsctp initialised while alive. Move-only.
class RuntimeRef {
 public:
  // Initialises usrsctp (and tunes it for WebRTC) when no reference exists.
  static jsep::Result<RuntimeRef> acquire();

  RuntimeRef(RuntimeRef &&other) noexcept : held_(other.held_) { other.held_ = false; }
  RuntimeRef &operator=(RuntimeRef &&other) noexcept;
  RuntimeRef(const RuntimeRef &) = delete;
  RuntimeRef &operator=(const RuntimeRef &) = delete;
  ~RuntimeRef();

  // Number of live references (for tests and diagnostics).
  static std::size_t use_count();
  // How many times usrsctp has been initialised in this process.
  static std::size_t init_count();

 private:
  RuntimeRef() = default;
  void release();
  bool held_ = false;
};

// Computes the CRC32c of an SCTP packet into its common header (usrsctp runs
// with checksum offload: everything we send is summed here).
void fill_checksum(uint8_t *packet, std::size_t size);

// Registers `address` (the AF_CONN sconn_addr of one association) with usrsctp
// and routes its packets to `sink`. The runtime keeps only a weak reference.
void register_sink(void *address, std::weak_ptr<PacketSink> sink);
// After this returns no new lookup finds the sink; a callback already
// running keeps its shared_ptr, so sinks must also gate their own output.
void unregister_sink(void *address);
// The live sink for `address`, or null; used by usrsctp's other callbacks to
// pin their association while they run.
std::shared_ptr<PacketSink> find_sink(void *address);

}  // namespace gst_rtc::sctp
