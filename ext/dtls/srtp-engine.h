// SRTP/SRTCP protection (RFC 3711, RFC 6188, RFC 7714) with the keys of a
// DTLS-SRTP handshake or static keys, plus the RFC 7983 demultiplexing rule.
// create(SrtpKeys) runs libsrtp2; create(SrtpConfig) runs AES-CM/HMAC-SHA1
// on OpenSSL's EVP and AES-GCM on OpenSSL's provider functions (aes-gcm.h)
// directly (byte-identical output, several times faster than Debian's
// NSS-backed libsrtp) and other policies on libsrtp2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

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
  // Packets refused because the key reached its last index (RFC 3711 §9.2:
  // 2^48 SRTP, 2^31 SRTCP packets per master key); only a new key helps.
  uint64_t key_exhausted = 0;
};

// Static-key configuration (SDES, SIP, srtpenc/srtpdec-style elements): any
// policy libsrtp runs, each direction optional.
struct SrtpConfig {
  SrtpPolicy policy;
  // Master key || salt of srtp_master_key_length(policy) bytes; empty means
  // no session in that direction (protect/unprotect then fail). Ignored when
  // the policy has no crypto.
  std::vector<uint8_t> tx_master;
  std::vector<uint8_t> rx_master;
  unsigned replay_window = 1024;
  // Protecting the same RTP sequence number twice (retransmission without
  // RTX) is allowed; the payload must then be identical.
  bool allow_repeat_tx = true;
  // Inbound: one stream for this SSRC, created now so that its rollover
  // counter can start at `rx_roc` (srtpdec's `roc` caps field); without it
  // inbound streams are created per SSRC on first use with ROC 0.
  std::optional<uint32_t> rx_ssrc;
  uint32_t rx_roc = 0;
  // AES-CM/HMAC-SHA1 and AES-GCM policies run on OpenSSL directly
  // (same wire format, several times faster than libsrtp on its NSS
  // backend); true forces libsrtp, so tests can check one against the other.
  bool force_libsrtp = false;
};

// The static-key form of DTLS-SRTP keys: create(srtp_config_for(keys)) is
// create(keys) on the OpenSSL transform.
SrtpConfig srtp_config_for(const SrtpKeys &keys, unsigned replay_window = 1024);

// One direction of the OpenSSL transform (defined in srtp-engine.cpp).
struct FastSrtp;

class SrtpEngine {
 public:
  // Outbound streams use the local key, inbound streams the remote key; both
  // are created per SSRC on first use with a replay window of `replay_window`.
  static Result<std::unique_ptr<SrtpEngine>> create(const SrtpKeys &keys, unsigned replay_window = 1024);
  // Errors: InvalidAccess (key length, window), NotSupported (a policy
  // libsrtp cannot run, see srtp_policy_unsupported()).
  static Result<std::unique_ptr<SrtpEngine>> create(const SrtpConfig &config);
  ~SrtpEngine();
  SrtpEngine(const SrtpEngine &) = delete;
  SrtpEngine &operator=(const SrtpEngine &) = delete;

  // In place: `buf` holds `len` bytes of RTP/RTCP and has room for
  // `capacity` bytes; returns the protected length. A key past its last
  // index (2^48 SRTP / 2^31 SRTCP packets) refuses every further packet with
  // InvalidState and counts it in stats().key_exhausted; the index never wraps.
  Result<std::size_t> protect_rtp(uint8_t *buf, std::size_t len, std::size_t capacity);
  Result<std::size_t> protect_rtcp(uint8_t *buf, std::size_t len, std::size_t capacity);
  // Out of place: reads the `len` plain bytes at `in` and writes the
  // protected packet to `out` (room for `capacity` bytes), which is `in` or
  // does not overlap it. Saves copying the packet first when its memory has
  // no room for the trailer.
  Result<std::size_t> protect_rtp(const uint8_t *in, std::size_t len, uint8_t *out, std::size_t capacity);
  Result<std::size_t> protect_rtcp(const uint8_t *in, std::size_t len, uint8_t *out, std::size_t capacity);
  // In place; returns the plain length. Failures are counted by reason and
  // the packet must be dropped (see last_drop_reason()).
  Result<std::size_t> unprotect_rtp(uint8_t *buf, std::size_t len);
  Result<std::size_t> unprotect_rtcp(uint8_t *buf, std::size_t len);

  // The outbound stream of `ssrc` continues after SRTP index `srtp_index`
  // (ROC << 16 | SEQ) and SRTCP index `srtcp_index`, e.g. a session moved
  // from another engine. OpenSSL transform only (NotSupported on libsrtp).
  jsep::Status resume_outbound(uint32_t ssrc, uint64_t srtp_index, uint32_t srtcp_index);

  SrtpProfile profile() const { return profile_; }
  const SrtpPolicy &policy() const { return policy_; }
  // The rollover counter of one SSRC's stream, once that stream exists.
  std::optional<uint32_t> roc(uint32_t ssrc, bool outbound) const;
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

  explicit SrtpEngine(SrtpProfile profile);
  Error drop(SrtpDropReason reason, const char *what);
  Error exhausted(const char *what);

  SrtpProfile profile_;
  SrtpPolicy policy_;
  // libsrtp allows one wildcard template per session, hence one per direction.
  SessionPtr tx_;
  SessionPtr rx_;
  // When set, these run the direction instead of libsrtp.
  std::unique_ptr<FastSrtp> fast_tx_;
  std::unique_ptr<FastSrtp> fast_rx_;
  SrtpStats stats_;
  std::optional<SrtpDropReason> last_drop_;
  bool runtime_held_ = false;
};

}  // namespace gst_rtc::dtls
