#include "srtp-engine.h"

#include <climits>
#include <mutex>
#include <vector>

#include <srtp2/srtp.h>

namespace gst_rtc::dtls {

namespace {

// libsrtp's srtp_init()/srtp_shutdown() are process-wide; engines of many
// connections on many threads share one initialisation.
std::mutex runtime_mutex;
unsigned runtime_users = 0;

bool runtime_acquire() {
  std::lock_guard<std::mutex> lock(runtime_mutex);
  if (runtime_users == 0 && srtp_init() != srtp_err_status_ok) return false;
  ++runtime_users;
  return true;
}

void runtime_release() {
  std::lock_guard<std::mutex> lock(runtime_mutex);
  if (runtime_users > 0 && --runtime_users == 0) srtp_shutdown();
}

constexpr std::size_t kRtpHeader = 12;
constexpr std::size_t kRtcpHeader = 8;
constexpr std::size_t kSrtcpIndex = 4;

bool is_gcm(SrtpProfile p) {
  return p == SrtpProfile::AeadAes128Gcm || p == SrtpProfile::AeadAes256Gcm;
}

std::size_t rtp_tag(SrtpProfile p) {
  if (is_gcm(p)) return 16;
  return p == SrtpProfile::Aes128CmSha1_32 ? 4 : 10;
}

// RFC 5764 §4.1.2: the _32 profile still uses an 80-bit tag for SRTCP.
std::size_t rtcp_tag(SrtpProfile p) {
  return is_gcm(p) ? 16 : 10;
}

void set_policies(SrtpProfile p, srtp_policy_t *policy) {
  switch (p) {
    case SrtpProfile::AeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtcp);
      break;
    case SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtcp);
      break;
    case SrtpProfile::Aes128CmSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy->rtp);
      srtp_crypto_policy_set_rtp_default(&policy->rtcp);
      break;
    case SrtpProfile::Aes128CmSha1_80:
      srtp_crypto_policy_set_rtp_default(&policy->rtp);
      srtp_crypto_policy_set_rtp_default(&policy->rtcp);
      break;
  }
}

// Bounds of the RTP header libsrtp will walk (CSRCs and extension), so that
// no length it derives from the packet exceeds the packet.
bool rtp_header_ok(const uint8_t *buf, std::size_t len, std::size_t trailer) {
  if (len < kRtpHeader + trailer || (buf[0] >> 6) != 2) return false;
  std::size_t header = kRtpHeader + 4 * std::size_t{buf[0] & 0x0fu};
  if (buf[0] & 0x10) {
    if (len < header + 4) return false;
    header += 4 + 4 * ((std::size_t{buf[header + 2]} << 8) | buf[header + 3]);
  }
  return header + trailer <= len;
}

bool rtcp_header_ok(const uint8_t *buf, std::size_t len, std::size_t trailer) {
  return len >= kRtcpHeader + trailer && (buf[0] >> 6) == 2 && buf[1] >= 192 && buf[1] <= 223;
}

}  // namespace

PacketKind classify(std::span<const uint8_t> packet) {
  if (packet.empty()) return PacketKind::Other;
  const uint8_t b = packet[0];
  if (b <= 3) return PacketKind::Stun;
  if (b >= 20 && b <= 63) return PacketKind::Dtls;
  if (b >= 128 && b <= 191) {
    if (packet.size() < 2) return PacketKind::Other;
    return (packet[1] >= 192 && packet[1] <= 223) ? PacketKind::Rtcp : PacketKind::Rtp;
  }
  return PacketKind::Other;
}

void SrtpEngine::SessionDeleter::operator()(srtp_ctx_t_ *session) const {
  srtp_dealloc(session);
}

Result<std::unique_ptr<SrtpEngine>> SrtpEngine::create(const SrtpKeys &keys, unsigned replay_window) {
  const std::size_t kl = srtp_key_length(keys.profile);
  const std::size_t sl = srtp_salt_length(keys.profile);
  if (keys.local_key.size() != kl || keys.remote_key.size() != kl || keys.local_salt.size() != sl ||
      keys.remote_salt.size() != sl)
    return jsep::make_error(ErrorCode::InvalidAccess, "SRTP key or salt length does not match the profile");
  // libsrtp accepts 64..32768; below 1024 video bursts reorder out of the window.
  if (replay_window < 64 || replay_window > 0x8000)
    return jsep::make_error(ErrorCode::InvalidAccess, "replay window out of range");

  std::unique_ptr<SrtpEngine> engine(new SrtpEngine(keys.profile));
  if (!runtime_acquire()) return jsep::make_error(ErrorCode::Operation, "srtp_init failed");
  engine->runtime_held_ = true;

  auto make = [&](const std::vector<uint8_t> &key, const std::vector<uint8_t> &salt, srtp_ssrc_type_t type,
                  SessionPtr *out) -> bool {
    std::vector<uint8_t> master(key);
    master.insert(master.end(), salt.begin(), salt.end());
    srtp_policy_t policy{};
    set_policies(keys.profile, &policy);
    policy.ssrc.type = type;
    policy.key = master.data();
    policy.window_size = replay_window;
    // RTP retransmission without RTX resends the same packet with the same
    // sequence number; the payload is identical, so this is safe.
    policy.allow_repeat_tx = 1;
    srtp_t session = nullptr;
    const srtp_err_status_t st = srtp_create(&session, &policy);
    std::fill(master.begin(), master.end(), uint8_t{0});
    if (st != srtp_err_status_ok) return false;
    out->reset(session);
    return true;
  };
  if (!make(keys.local_key, keys.local_salt, ssrc_any_outbound, &engine->tx_) ||
      !make(keys.remote_key, keys.remote_salt, ssrc_any_inbound, &engine->rx_))
    return jsep::make_error(ErrorCode::NotSupported, std::string("libsrtp2 rejected profile ") +
                                                         std::string(srtp_profile_name(keys.profile)));
  return engine;
}

SrtpEngine::~SrtpEngine() {
  tx_.reset();
  rx_.reset();
  if (runtime_held_) runtime_release();
}

std::size_t SrtpEngine::rtp_overhead() const {
  return rtp_tag(profile_);
}
std::size_t SrtpEngine::rtcp_overhead() const {
  return kSrtcpIndex + rtcp_tag(profile_);
}

Error SrtpEngine::drop(SrtpDropReason reason, const char *what) {
  last_drop_ = reason;
  switch (reason) {
    case SrtpDropReason::AuthFailure:
      ++stats_.dropped_auth;
      return jsep::make_error(ErrorCode::InvalidAccess, what);
    case SrtpDropReason::Replay:
      ++stats_.dropped_replay;
      return jsep::make_error(ErrorCode::InvalidState, what);
    case SrtpDropReason::Malformed:
      break;
  }
  ++stats_.dropped_malformed;
  return jsep::make_error(ErrorCode::Syntax, what);
}

Result<std::size_t> SrtpEngine::protect_rtp(uint8_t *buf, std::size_t len, std::size_t capacity) {
  if (!buf || !rtp_header_ok(buf, len, 0) || len > INT_MAX)
    return jsep::make_error(ErrorCode::Syntax, "not an RTP packet");
  if (capacity < len + rtp_overhead())
    return jsep::make_error(ErrorCode::InvalidAccess, "no room for the SRTP trailer");
  int n = static_cast<int>(len);
  if (srtp_protect(tx_.get(), buf, &n) != srtp_err_status_ok)
    return jsep::make_error(ErrorCode::Operation, "srtp_protect failed");
  ++stats_.rtp_protected;
  return static_cast<std::size_t>(n);
}

Result<std::size_t> SrtpEngine::protect_rtcp(uint8_t *buf, std::size_t len, std::size_t capacity) {
  if (!buf || !rtcp_header_ok(buf, len, 0) || len > INT_MAX)
    return jsep::make_error(ErrorCode::Syntax, "not an RTCP packet");
  if (capacity < len + rtcp_overhead())
    return jsep::make_error(ErrorCode::InvalidAccess, "no room for the SRTCP trailer");
  int n = static_cast<int>(len);
  if (srtp_protect_rtcp(tx_.get(), buf, &n) != srtp_err_status_ok)
    return jsep::make_error(ErrorCode::Operation, "srtp_protect_rtcp failed");
  ++stats_.rtcp_protected;
  return static_cast<std::size_t>(n);
}

Result<std::size_t> SrtpEngine::unprotect_rtp(uint8_t *buf, std::size_t len) {
  if (!buf || len > INT_MAX || !rtp_header_ok(buf, len, rtp_overhead()))
    return drop(SrtpDropReason::Malformed, "malformed SRTP packet");
  int n = static_cast<int>(len);
  switch (srtp_unprotect(rx_.get(), buf, &n)) {
    case srtp_err_status_ok:
      ++stats_.rtp_unprotected;
      return static_cast<std::size_t>(n);
    case srtp_err_status_auth_fail:
      return drop(SrtpDropReason::AuthFailure, "SRTP authentication failed");
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return drop(SrtpDropReason::Replay, "SRTP replay");
    default:
      return drop(SrtpDropReason::Malformed, "SRTP packet rejected");
  }
}

Result<std::size_t> SrtpEngine::unprotect_rtcp(uint8_t *buf, std::size_t len) {
  if (!buf || len > INT_MAX || !rtcp_header_ok(buf, len, rtcp_overhead()))
    return drop(SrtpDropReason::Malformed, "malformed SRTCP packet");
  int n = static_cast<int>(len);
  switch (srtp_unprotect_rtcp(rx_.get(), buf, &n)) {
    case srtp_err_status_ok:
      ++stats_.rtcp_unprotected;
      return static_cast<std::size_t>(n);
    case srtp_err_status_auth_fail:
      return drop(SrtpDropReason::AuthFailure, "SRTCP authentication failed");
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return drop(SrtpDropReason::Replay, "SRTCP replay");
    default:
      return drop(SrtpDropReason::Malformed, "SRTCP packet rejected");
  }
}

}  // namespace gst_rtc::dtls
