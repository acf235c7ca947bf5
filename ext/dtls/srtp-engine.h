// SRTP/SRTCP protection over libsrtp2 (RFC 3711, RFC 7714) with the keys of
// a DTLS-SRTP handshake, plus the RFC 7983 demultiplexing rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "result.h"
#include "srtp-profile.h"

struct srtp_ctx_t_;

namespace gst_rtc::dtls {

using jsep::Error;
using jsep::ErrorCode;
using jsep::Result;

// RFC 7983 §7 (with RFC 5761 §4 for RTP vs RTCP).
enum class PacketKind { Stun, Dtls, Rtp, Rtcp, Other };

// Classifies one received datagram by its first (and, for RTP/RTCP, second) byte.
PacketKind classify(std::span<const uint8_t> packet);

enum class SrtpDropReason { AuthFailure, Replay, Malformed };

struct SrtpStats {
  uint64_t rtp_protected = 0;
  uint64_t rtcp_protected = 0;
  uint64_t rtp_unprotected = 0;
  uint64_t rtcp_unprotected = 0;
  uint64_t dropped_auth = 0;
  uint64_t dropped_replay = 0;
  uint64_t dropped_malformed = 0;
};

class SrtpEngine {
 public:
  // Outbound streams use the local key, inbound streams the remote key; both
  // are created per SSRC on first use with a replay window of `replay_window`.
  static Result<std::unique_ptr<SrtpEngine>> create(const SrtpKeys &keys, unsigned replay_window = 1024);
  ~SrtpEngine();
  SrtpEngine(const SrtpEngine &) = delete;
  SrtpEngine &operator=(const SrtpEngine &) = delete;

  // In place: `buf` holds `len` bytes of RTP/RTCP and has room for
  // `capacity` bytes; returns the protected length.
  Result<std::size_t> protect_rtp(uint8_t *buf, std::size_t len, std::size_t capacity);
  Result<std::size_t> protect_rtcp(uint8_t *buf, std::size_t len, std::size_t capacity);
  // In place; returns the plain length. Failures are counted by reason and
  // the packet must be dropped (see last_drop_reason()).
  Result<std::size_t> unprotect_rtp(uint8_t *buf, std::size_t len);
  Result<std::size_t> unprotect_rtcp(uint8_t *buf, std::size_t len);

  SrtpProfile profile() const { return profile_; }
  // Bytes protect_rtp()/protect_rtcp() append.
  std::size_t rtp_overhead() const;
  std::size_t rtcp_overhead() const;
  const SrtpStats &stats() const { return stats_; }
  std::optional<SrtpDropReason> last_drop_reason() const { return last_drop_; }

 private:
  struct SessionDeleter {
    void operator()(srtp_ctx_t_ *session) const;
  };
  using SessionPtr = std::unique_ptr<srtp_ctx_t_, SessionDeleter>;

  explicit SrtpEngine(SrtpProfile profile) : profile_(profile) {}
  Error drop(SrtpDropReason reason, const char *what);

  SrtpProfile profile_;
  // libsrtp allows one wildcard template per session, hence one per direction.
  SessionPtr tx_;
  SessionPtr rx_;
  SrtpStats stats_;
  std::optional<SrtpDropReason> last_drop_;
  bool runtime_held_ = false;
};

}  // namespace gst_rtc::dtls
