// Datagram Packetization Layer Path MTU Discovery for SCTP over DTLS
// (RFC 8899 §6.2.1, which RFC 8261 now points to): the association starts
// at usrsctp's packet size and probes larger ones with a HEARTBEAT chunk
// padded by a PAD chunk (RFC 4820). The peer's HEARTBEAT-ACK confirms that
// a packet of that size crossed the whole path (DTLS, UDP, the peer's
// stack); the association then uses it. No answer after kMaxProbes tries
// ends the search at the last confirmed size.
//
// The layers below must drop a probe they cannot carry whole instead of
// fragmenting or relaying it (rtcicesink does: see GST_RTC_BUFFER_FLAG_PROBE
// in docs/sctp.md), or a probe would confirm a size the path takes only in
// IP fragments.
//
// Sans-IO and thread-safe: the association feeds it what it sends and
// receives and sends the probes it hands out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace gst_rtc::sctp {

class PathMtuProber {
 public:
  using Clock = std::chrono::steady_clock;

  // Probes the sizes of kSearch between `base` (exclusive) and `max`
  // (inclusive), SCTP packet sizes with the common header.
  PathMtuProber(std::size_t base, std::size_t max, uint16_t local_port, uint16_t remote_port);

  // Sizes tried in order: Ethernet (1500 minus IPv6, UDP and the largest
  // DTLS 1.2 record overhead), jumbo frames (9000 likewise), and the largest
  // DTLS record (2^14 bytes of plaintext).
  static constexpr std::size_t kSearch[] = {1384, 8884, 16384};
  static constexpr int kMaxProbes = 3;
  static constexpr std::chrono::milliseconds kProbeTimeout{1000};

  // A packet the association sends: teaches the peer's verification tag.
  void observe_output(const uint8_t *packet, std::size_t size);
  // The association is established: probing may start.
  void start(Clock::time_point now);

  // The next probe to send now, if any (a new size, or a retry after a
  // timeout).
  std::optional<std::vector<uint8_t>> poll(Clock::time_point now);

  struct Filtered {
    // The packet held our HEARTBEAT-ACK: feed `rest` instead (empty when
    // nothing else was bundled with it).
    bool ours = false;
    std::vector<uint8_t> rest;
    // A size the peer just confirmed: the association should use it.
    std::optional<std::size_t> confirmed;
  };
  // Checks an incoming packet for the answer to our probe. Cheap when no
  // probe is outstanding (packets then pass untouched).
  Filtered filter(const uint8_t *packet, std::size_t size);

  // The largest confirmed size (the base until a probe succeeds).
  std::size_t current() const;
  // No probe outstanding and none to come.
  bool done() const;

 private:
  std::vector<uint8_t> build_locked(std::size_t size);

  mutable std::mutex mutex_;
  std::size_t current_;
  std::vector<std::size_t> pending_;  // sizes still to try, ascending
  uint16_t local_port_;
  uint16_t remote_port_;
  std::optional<uint32_t> peer_tag_;  // network byte order, as on the wire
  // Lock-free checks for the per-packet paths.
  std::atomic<bool> need_tag_{true};
  std::atomic<bool> in_flight_{false};
  std::atomic<bool> finished_{false};
  bool started_ = false;
  // The probe in flight.
  std::optional<std::size_t> probing_;
  uint32_t nonce_ = 0;
  int attempts_ = 0;
  Clock::time_point sent_at_{};
};

}  // namespace gst_rtc::sctp
