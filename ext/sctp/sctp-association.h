// One SCTP association over usrsctp in AF_CONN mode: bytes in (feed), bytes
// out (the output callback, which the DTLS layer carries), messages on
// streams with WebRTC payload identifiers, partial reliability, per-stream
// buffered amounts and stream resets. Sans-socket: it never touches the
// network and keeps no thread of its own (usrsctp's timer thread is shared
// process-wide, see sctp-runtime.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "result.h"
#include "sctp-runtime.h"

namespace gst_rtc::sctp {

using jsep::Error;
using jsep::ErrorCode;
using jsep::Ok;
using jsep::Result;
using jsep::Status;

// The DTLS role decides who picks even or odd stream ids (RFC 8832 §6).
enum class Role { Client, Server };

enum class AssociationState { New, Connecting, Connected, Closed, Failed };

const char *to_string(AssociationState state);

// SCTP payload protocol identifiers used by WebRTC (RFC 8831 §8).
enum class Ppid : uint32_t {
  Dcep = 50,
  String = 51,
  Binary = 53,
  StringEmpty = 56,
  BinaryEmpty = 57,
};

struct SendOptions {
  bool ordered = true;
  // At most one of the two (PR-SCTP, RFC 3758): unset means fully reliable.
  std::optional<uint16_t> max_retransmits;
  std::optional<uint32_t> max_packet_lifetime_ms;
};

struct AssociationConfig {
  Role role = Role::Client;
  uint16_t local_port = 5000;
  uint16_t remote_port = 5000;
  // What we advertise in SDP (a=max-message-size): larger incoming messages
  // are discarded rather than buffered without bound. 0: no limit.
  std::size_t max_message_size = 262144;
  // What the peer advertised: larger sends are refused.
  std::size_t remote_max_message_size = 262144;
  // Streams requested in each direction; the association negotiates
  // min(ours, theirs). 65535 at most (stream 65535 is reserved by WebRTC).
  uint16_t streams = 1024;
  // Offer I-DATA (RFC 8260 interleaving); used when the peer offers it too.
  bool interleaving = true;
  // Path MTU discovery (RFC 8899, sctp-pmtu.h): once established, probe
  // packet sizes up to this many bytes and use the largest the peer
  // confirms. At or below kBasePacketSize: no probing.
  std::size_t max_path_mtu = 0;
};

// The SCTP packet size (common header included) an association starts with:
// usrsctp's for AF_CONN (an MTU of 1268 plus the 12-byte common header),
// which every WebRTC peer accepts.
inline constexpr std::size_t kBasePacketSize = 1280;

struct AssociationCallbacks {
  // A packet for the peer. Called from any thread, possibly inside feed() or
  // send(), with usrsctp locks held: must not call back into the association.
  std::function<void(const uint8_t *data, std::size_t size)> on_output;
  // A path MTU probe (same contract as on_output). The layers below must drop
  // it rather than fragment or relay it when it is larger than the path
  // carries whole. Unset: on_output.
  std::function<void(const uint8_t *data, std::size_t size)> on_probe;
  // The callbacks below run under the association's lock (re-entrant from the
  // same thread) on usrsctp's thread or inside a call into the association.
  std::function<void(AssociationState)> on_state;
  // One whole message (partial deliveries are reassembled).
  std::function<void(uint16_t stream, uint32_t ppid, std::vector<uint8_t> &&data)> on_message;
  // The peer reset its outgoing stream `stream` (our incoming one).
  std::function<void(uint16_t stream)> on_incoming_reset;
  // Our outgoing reset of `stream` completed.
  std::function<void(uint16_t stream)> on_outgoing_reset;
  // buffered_amount(stream) fell to or below its threshold.
  std::function<void(uint16_t stream)> on_buffered_amount_low;
  // A message larger than config().max_message_size was received and
  // dropped (`size` bytes).
  std::function<void(uint16_t stream, std::size_t size)> on_discarded;
};

class Association {
 public:
  // Creates the socket (unconnected). Fails with SctpFailure when usrsctp does.
  static Result<std::unique_ptr<Association>> create(const AssociationConfig &config,
                                                     AssociationCallbacks callbacks);
  ~Association();
  Association(const Association &) = delete;
  Association &operator=(const Association &) = delete;

  // Starts the handshake. Both WebRTC peers call this (simultaneous open),
  // whatever their DTLS role.
  Status connect();
  // One packet from the peer (a DTLS application data record's payload).
  void feed(const uint8_t *data, std::size_t size);

  // Queues one message. Never drops: what usrsctp cannot take now waits in
  // the association and counts in buffered_amount(). Large messages are
  // handed over in parts (explicit EOR), so any size up to the remote
  // max-message-size works whatever the socket buffer. Empty messages must use
  // the *Empty ppids and are sent as one zero byte (RFC 8831 §6.6).
  // Errors: InvalidState (not connected or stream closing), Type (larger than
  // the remote max-message-size), SctpFailure.
  // `owner`, when set, keeps `data` alive and unchanged until it is sent: a
  // message that has to wait is then queued without a copy.
  Status send(uint16_t stream, Ppid ppid, std::span<const uint8_t> data, const SendOptions &options = {},
              std::shared_ptr<const void> owner = nullptr);

  // Resets our outgoing stream once what is queued on it has left.
  Status reset_stream(uint16_t stream);
  // Graceful SHUTDOWN; the state becomes Closed when it completes.
  void shutdown();

  // Replaces config().remote_max_message_size (0: no limit).
  void set_remote_max_message_size(std::size_t size);

  std::size_t buffered_amount(uint16_t stream) const;
  void set_buffered_amount_low_threshold(uint16_t stream, std::size_t threshold);

  AssociationState state() const;
  // Negotiated stream counts; 0 before Connected.
  uint16_t outbound_streams() const;
  uint16_t inbound_streams() const;
  // Whether I-DATA was negotiated (known once Connected).
  bool interleaving() const;
  // The SCTP packet size in use: kBasePacketSize until a larger probe is
  // confirmed (config().max_path_mtu).
  std::size_t path_mtu() const;
  const AssociationConfig &config() const;

  // The lock the callbacks run under. Layers built on the association (the
  // data channel manager) guard their own state with it, so that one lock
  // order holds whether a call comes from the application or from usrsctp.
  std::unique_lock<std::recursive_mutex> lock() const;

  struct Impl;

 private:
  Association() = default;
  // Declared first so it is released last: usrsctp stays up until the socket
  // is gone.
  std::optional<RuntimeRef> runtime_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gst_rtc::sctp
