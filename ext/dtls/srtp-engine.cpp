#include "srtp-engine.h"

#include "aes-gcm.h"
#include "ossl-ptr.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/crypto_types.h>
#include <srtp2/srtp.h>

namespace gst_rtc::dtls {

namespace {

// libsrtp's srtp_init()/srtp_shutdown() are process-wide, and another
// library in the process (gst-plugins-bad's srtp plugin) may have run
// srtp_init() already: a second call fails (it re-runs the self-tests), and a
// srtp_shutdown() of ours would pull the crypto kernel from under that
// library's sessions. So libsrtp is initialised once, by whoever comes first,
// and stays up for the life of the process.
std::mutex runtime_mutex;
bool runtime_up = false;

bool kernel_usable() {
  srtp_policy_t policy{};
  srtp_crypto_policy_set_rtp_default(&policy.rtp);
  srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
  uint8_t key[SRTP_AES_ICM_128_KEY_LEN_WSALT] = {};
  policy.key = key;
  policy.ssrc.type = ssrc_any_outbound;
  policy.window_size = 128;
  srtp_t session = nullptr;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) return false;
  srtp_dealloc(session);
  return true;
}

bool runtime_acquire() {
  std::lock_guard<std::mutex> lock(runtime_mutex);
  if (!runtime_up) runtime_up = srtp_init() == srtp_err_status_ok || kernel_usable();
  return runtime_up;
}

void runtime_release() {}

constexpr std::size_t kRtpHeader = 12;
constexpr std::size_t kRtcpHeader = 8;
constexpr std::size_t kSrtcpIndex = 4;

bool is_aead(SrtpCipher c) {
  return c == SrtpCipher::AesGcm128 || c == SrtpCipher::AesGcm256;
}

// Tag bytes one direction appends (RFC 5764 §4.1.2: the _32 profile keeps an
// 80-bit SRTCP tag, which srtp_policy_for() encodes).
std::size_t tag_length(const SrtpCryptoPolicy &p) {
  if (is_aead(p.cipher)) return 16;
  switch (p.auth) {
    case SrtpAuth::HmacSha1_32:
      return 4;
    case SrtpAuth::HmacSha1_80:
      return 10;
    case SrtpAuth::Null:
      break;
  }
  return 0;
}

// The same field values gst-plugins-bad's srtpenc/srtpdec give libsrtp, so
// that both derive identical session keys from one master key.
void set_crypto_policy(const SrtpCryptoPolicy &in, srtp_crypto_policy_t *out) {
  switch (in.cipher) {
    case SrtpCipher::Null:
      out->cipher_type = SRTP_NULL_CIPHER;
      break;
    case SrtpCipher::AesIcm128:
      out->cipher_type = SRTP_AES_ICM_128;
      break;
    case SrtpCipher::AesIcm256:
      out->cipher_type = SRTP_AES_ICM_256;
      break;
    case SrtpCipher::AesGcm128:
      out->cipher_type = SRTP_AES_GCM_128;
      break;
    case SrtpCipher::AesGcm256:
      out->cipher_type = SRTP_AES_GCM_256;
      break;
  }
  out->cipher_key_len = static_cast<int>(srtp_master_key_length(in.cipher));
  if (in.cipher == SrtpCipher::Null && in.auth != SrtpAuth::Null)
    out->cipher_key_len =
        SRTP_AES_ICM_128_KEY_LEN_WSALT;  // as srtp_crypto_policy_set_null_cipher_hmac_sha1_80()
  if (is_aead(in.cipher)) {
    out->auth_type = SRTP_NULL_AUTH;
    out->auth_key_len = 0;
    out->auth_tag_len = 16;
    out->sec_serv = sec_serv_conf_and_auth;
    return;
  }
  out->auth_type = in.auth == SrtpAuth::Null ? SRTP_NULL_AUTH : SRTP_HMAC_SHA1;
  out->auth_key_len = in.auth == SrtpAuth::Null ? 0 : 20;
  out->auth_tag_len = static_cast<int>(tag_length(in));
  const bool conf = in.cipher != SrtpCipher::Null;
  const bool auth = in.auth != SrtpAuth::Null;
  out->sec_serv = conf && auth ? sec_serv_conf_and_auth
                  : conf       ? sec_serv_conf
                  : auth       ? sec_serv_auth
                               : sec_serv_none;
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

// ---------------------------------------------------------------------------
// The OpenSSL transform: RFC 3711 (AES-CM, HMAC-SHA1, AES-CM PRF key
// derivation), RFC 6188 (AES-256-CM) and RFC 7714 (AES-GCM), with libsrtp's
// packet index estimation and replay rules so that both behave the same on
// the wire. One FastSrtp is one direction of one session (all SSRCs).

// Exhausted: the next index would pass the last one the key may protect.
enum class FastStatus { Ok, Replay, Auth, Malformed, Failed, Exhausted };

namespace {

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OsslDeleter<EVP_CIPHER_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OsslDeleter<EVP_MAC_CTX_free>>;

constexpr uint32_t kSeqMedian = 1u << 15;
constexpr uint64_t kMaxSrtpIndex = (uint64_t{1} << 48) - 1;
constexpr uint32_t kMaxSrtcpIndex = 0x7fffffffu;
constexpr uint64_t kSeqMax = 1u << 16;

void put_be32(uint8_t *p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
uint32_t get_be32(const uint8_t *p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::size_t rtp_header_length(const uint8_t *buf) {
  std::size_t header = kRtpHeader + 4 * std::size_t{buf[0] & 0x0fu};
  if (buf[0] & 0x10) header += 4 + 4 * ((std::size_t{buf[header + 2]} << 8) | buf[header + 3]);
  return header;
}

// libsrtp's replay database (srtp_rdbx): the highest index seen and a
// window of `size` bits behind it, as a ring indexed by packet index.
class ReplayWindow {
 public:
  explicit ReplayWindow(unsigned size) : bits_((size + 63) / 64, 0), size_(bits_.size() * 64) {}

  uint64_t highest() const { return highest_; }

  // srtp_rdbx_estimate_index(): the 48-bit index of RTP sequence number
  // `seq` and its distance from the highest index. *beyond is set when the
  // index would pass 2^48 - 1 (a ROC past 2^32 - 1): RFC 3711 §9.2 allows
  // no more packets under the key, and masking would silently reuse index 0.
  int64_t estimate(uint16_t seq, uint64_t *index, bool *beyond) const {
    *beyond = false;
    if (highest_ <= kSeqMedian) {
      *index = seq;
      return int64_t{seq} - int64_t{uint16_t(highest_)};
    }
    const uint32_t local_roc = uint32_t(highest_ >> 16);
    const uint16_t local_seq = uint16_t(highest_);
    uint32_t roc = local_roc;
    int64_t difference = int64_t{seq} - local_seq;
    if (local_seq < kSeqMedian) {
      if (seq - local_seq > int64_t{kSeqMedian}) {
        roc = local_roc - 1;
        difference -= int64_t(kSeqMax);
      }
    } else if (local_seq - kSeqMedian > seq) {
      if (local_roc == UINT32_MAX) *beyond = true;
      roc = local_roc + 1;
      difference += int64_t(kSeqMax);
    }
    *index = ((uint64_t{roc} << 16) | seq) & 0xffffffffffffull;
    return difference;
  }

  // srtp_rdbx_check(): false for an index already seen or behind the window.
  bool fresh(uint64_t index, int64_t delta) const {
    if (delta > 0) return true;
    if (delta <= -int64_t(size_)) return false;
    return !bit(index);
  }

  // srtp_rdbx_add_index().
  void add(uint64_t index, int64_t delta) {
    if (delta > 0) {
      if (uint64_t(delta) >= size_) {
        std::fill(bits_.begin(), bits_.end(), uint64_t{0});
      } else {
        for (int64_t k = 1; k < delta; ++k) clear(highest_ + uint64_t(k));
      }
      highest_ = index;
    }
    set(index);
  }

  // A stream whose ROC is known from signalling starts at this index.
  void reset_to(uint64_t index) {
    std::fill(bits_.begin(), bits_.end(), uint64_t{0});
    highest_ = index;
    set(index);
  }

 private:
  bool bit(uint64_t i) const { return (bits_[(i % size_) / 64] >> (i % 64)) & 1u; }
  void set(uint64_t i) { bits_[(i % size_) / 64] |= uint64_t{1} << (i % 64); }
  void clear(uint64_t i) { bits_[(i % size_) / 64] &= ~(uint64_t{1} << (i % 64)); }

  std::vector<uint64_t> bits_;
  uint64_t size_;
  uint64_t highest_ = 0;
};

struct StreamState {
  explicit StreamState(unsigned window) : rtp(window), rtcp(window) {}
  ReplayWindow rtp;
  ReplayWindow rtcp;
  uint32_t rtcp_sent = 0;  // last SRTCP index sent
  std::optional<uint32_t> pending_roc;
};

const EVP_CIPHER *ctr_cipher(std::size_t key_len) {
  return key_len == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
}

// RFC 3711 §4.3.1 with a key derivation rate of 0: AES-CM keystream under the
// master key, IV = (master salt XOR label << 48) << 16. The master salt is
// zero-padded to 112 bits for AEAD (RFC 7714 §12, as libsrtp does).
bool derive(const uint8_t *master_key, std::size_t key_len, const uint8_t salt14[14], uint8_t label,
            uint8_t *out, std::size_t out_len) {
  uint8_t iv[16] = {};
  std::memcpy(iv, salt14, 14);
  iv[7] ^= label;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::vector<uint8_t> zeros(out_len, 0);
  int n = 0;
  return ctx && EVP_EncryptInit_ex(ctx.get(), ctr_cipher(key_len), nullptr, master_key, iv) == 1 &&
         EVP_EncryptUpdate(ctx.get(), out, &n, zeros.data(), int(out_len)) == 1 && std::size_t(n) == out_len;
}

// Keys of RTP or RTCP in one direction.
struct TransformKeys {
  bool aead = false;
  std::size_t tag_len = 0;
  uint8_t salt[14] = {};
  CipherCtxPtr cipher;  // AES-CM
  MacCtxPtr mac;        // HMAC-SHA1
  std::unique_ptr<AesGcm> gcm;
};

}  // namespace

struct FastSrtp {
  TransformKeys rtp;
  TransformKeys rtcp;
  bool outbound = true;
  bool allow_repeat_tx = true;
  unsigned window = 1024;
  std::optional<uint32_t> only_ssrc;
  std::optional<uint32_t> initial_roc;
  std::unordered_map<uint32_t, StreamState> streams;
  // The stream of the last packet's SSRC, saving the lookup per packet of
  // the usual single stream. Streams are never erased, and an
  // unordered_map's elements keep their address when it rehashes.
  uint32_t last_ssrc = 0;
  StreamState *last_stream = nullptr;

  // The state of `ssrc`: existing, or a fresh one in `scratch` that keep()
  // stores once the packet passed (libsrtp too adds a stream only then).
  // nullptr when a receiver bound to one SSRC sees another.
  StreamState *stream(uint32_t ssrc, std::optional<StreamState> &scratch) {
    if (last_stream && last_ssrc == ssrc) return last_stream;
    auto it = streams.find(ssrc);
    if (it != streams.end()) {
      last_ssrc = ssrc;
      last_stream = &it->second;
      return last_stream;
    }
    if (only_ssrc && *only_ssrc != ssrc) return nullptr;
    scratch.emplace(window);
    if (!outbound && only_ssrc && initial_roc) scratch->pending_roc = initial_roc;
    return &*scratch;
  }

  void keep(uint32_t ssrc, std::optional<StreamState> &scratch) {
    if (scratch) streams.emplace(ssrc, std::move(*scratch));
  }

  // Outbound: the stream of `ssrc` continues after SRTP index `index` and
  // SRTCP index `rtcp_index`.
  void resume(uint32_t ssrc, uint64_t index, uint32_t rtcp_index) {
    std::optional<StreamState> scratch;
    StreamState *st = stream(ssrc, scratch);
    st->rtp.reset_to(index);
    st->rtcp_sent = rtcp_index;
    keep(ssrc, scratch);
  }

  // AES-CM IV: (salt << 16) XOR (SSRC << 64) XOR (index << 16).
  static void cm_iv(const TransformKeys &k, uint32_t ssrc, uint64_t index, uint8_t iv[16]) {
    std::memcpy(iv, k.salt, 14);
    iv[14] = iv[15] = 0;
    uint8_t s[4];
    put_be32(s, ssrc);
    for (int i = 0; i < 4; ++i) iv[4 + i] ^= s[i];
    for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(index >> (8 * (5 - i)));
  }

  // AES-GCM IVs: the 12-byte salt XOR 00 00 | SSRC | ROC | SEQ for SRTP
  // (RFC 7714 §8.1), 00 00 | SSRC | 00 00 | SRTCP index for SRTCP (§9.1).
  static void gcm_iv(const TransformKeys &k, uint32_t ssrc, uint32_t word, uint16_t last, bool rtcp,
                     uint8_t iv[12]) {
    uint8_t in[12] = {};
    put_be32(in + 2, ssrc);
    if (rtcp) {
      put_be32(in + 8, word);
    } else {
      put_be32(in + 6, word);
      in[10] = uint8_t(last >> 8);
      in[11] = uint8_t(last);
    }
    for (int i = 0; i < 12; ++i) iv[i] = k.salt[i] ^ in[i];
  }

  // AES-CM from `in` to `out` (the same or disjoint buffers).
  static bool ctr(TransformKeys &k, const uint8_t iv[16], const uint8_t *in, uint8_t *out, std::size_t len) {
    int n = 0;
    return EVP_EncryptInit_ex(k.cipher.get(), nullptr, nullptr, nullptr, iv) == 1 &&
           (len == 0 || EVP_EncryptUpdate(k.cipher.get(), out, &n, in, int(len)) == 1);
  }

  // HMAC-SHA1 over `data` (and the ROC for SRTP), full 20 bytes into `out`.
  static bool hmac(TransformKeys &k, const uint8_t *data, std::size_t len, const uint8_t *roc,
                   uint8_t out[20]) {
    std::size_t n = 0;
    return EVP_MAC_init(k.mac.get(), nullptr, 0, nullptr) == 1 &&
           EVP_MAC_update(k.mac.get(), data, len) == 1 &&
           (!roc || EVP_MAC_update(k.mac.get(), roc, 4) == 1) &&
           EVP_MAC_final(k.mac.get(), out, &n, 20) == 1 && n == 20;
  }

  // AES-GCM seal or open of `len` bytes from `in` to `out` (the same or
  // disjoint buffers); `tag` is written (seal) or checked (open).
  static bool gcm(TransformKeys &k, const uint8_t iv[12], const uint8_t *aad1, std::size_t aad1_len,
                  const uint8_t *aad2, std::size_t aad2_len, const uint8_t *in, uint8_t *out, std::size_t len,
                  uint8_t *tag) {
    return k.gcm->run(iv, aad1, aad1_len, aad2, aad2_len, in, out, len, tag);
  }

  // Reads the plain packet at `in`, writes the protected one to `buf`
  // (`in` itself, or a disjoint buffer: then no copy of the payload first).
  FastStatus protect_rtp(const uint8_t *in, uint8_t *buf, std::size_t len, std::size_t *out_len) {
    const std::size_t header = rtp_header_length(in);
    const uint32_t ssrc = get_be32(in + 8);
    const uint16_t seq = uint16_t((in[2] << 8) | in[3]);
    std::optional<StreamState> scratch;
    StreamState *st = stream(ssrc, scratch);
    uint64_t index = 0;
    bool beyond = false;
    const int64_t delta = st->rtp.estimate(seq, &index, &beyond);
    if (beyond) return FastStatus::Exhausted;
    if (st->rtp.fresh(index, delta)) {
      st->rtp.add(index, delta);
    } else if (!allow_repeat_tx || delta <= -int64_t(window)) {
      return FastStatus::Replay;
    }
    keep(ssrc, scratch);
    if (buf != in) std::memcpy(buf, in, header);
    const uint32_t roc = uint32_t(index >> 16);
    if (rtp.aead) {
      uint8_t iv[12];
      gcm_iv(rtp, ssrc, roc, seq, false, iv);
      if (!gcm(rtp, iv, buf, header, nullptr, 0, in + header, buf + header, len - header, buf + len))
        return FastStatus::Failed;
      *out_len = len + 16;
      return FastStatus::Ok;
    }
    uint8_t iv[16];
    cm_iv(rtp, ssrc, index, iv);
    if (!ctr(rtp, iv, in + header, buf + header, len - header)) return FastStatus::Failed;
    uint8_t roc_be[4], mac[20];
    put_be32(roc_be, roc);
    if (!hmac(rtp, buf, len, roc_be, mac)) return FastStatus::Failed;
    std::memcpy(buf + len, mac, rtp.tag_len);
    *out_len = len + rtp.tag_len;
    return FastStatus::Ok;
  }

  FastStatus unprotect_rtp(uint8_t *buf, std::size_t len, std::size_t *out_len) {
    const std::size_t header = rtp_header_length(buf);
    const uint32_t ssrc = get_be32(buf + 8);
    const uint16_t seq = uint16_t((buf[2] << 8) | buf[3]);
    std::optional<StreamState> scratch;
    StreamState *st = stream(ssrc, scratch);
    if (!st) return FastStatus::Malformed;  // libsrtp: no stream for this SSRC
    uint64_t index = 0;
    int64_t delta = 0;
    if (st->pending_roc) {
      index = (uint64_t{*st->pending_roc} << 16) | seq;
    } else {
      bool beyond = false;
      delta = st->rtp.estimate(seq, &index, &beyond);
      if (beyond) return FastStatus::Malformed;  // no sender may use it
      if (!st->rtp.fresh(index, delta)) return FastStatus::Replay;
    }
    const uint32_t roc = uint32_t(index >> 16);
    const std::size_t tag = rtp.aead ? 16 : rtp.tag_len;
    const std::size_t body = len - tag;
    if (rtp.aead) {
      uint8_t iv[12];
      gcm_iv(rtp, ssrc, roc, seq, false, iv);
      if (!gcm(rtp, iv, buf, header, nullptr, 0, buf + header, buf + header, body - header, buf + body))
        return FastStatus::Auth;
    } else {
      uint8_t roc_be[4], mac[20];
      put_be32(roc_be, roc);
      if (!hmac(rtp, buf, body, roc_be, mac)) return FastStatus::Failed;
      if (CRYPTO_memcmp(mac, buf + body, tag) != 0) return FastStatus::Auth;
      uint8_t iv[16];
      cm_iv(rtp, ssrc, index, iv);
      if (!ctr(rtp, iv, buf + header, buf + header, body - header)) return FastStatus::Failed;
    }
    if (st->pending_roc) {
      st->rtp.reset_to(index);
      st->pending_roc.reset();
    } else {
      st->rtp.add(index, delta);
    }
    keep(ssrc, scratch);
    *out_len = body;
    return FastStatus::Ok;
  }

  // As protect_rtp().
  FastStatus protect_rtcp(const uint8_t *in, uint8_t *buf, std::size_t len, std::size_t *out_len) {
    const uint32_t ssrc = get_be32(in + 4);
    std::optional<StreamState> scratch;
    StreamState *st = stream(ssrc, scratch);
    if (st->rtcp_sent >= kMaxSrtcpIndex) return FastStatus::Exhausted;  // 31-bit index: re-key
    const uint32_t index = ++st->rtcp_sent;
    keep(ssrc, scratch);
    uint8_t trailer[4];
    put_be32(trailer, 0x80000000u | index);  // E: encrypted
    if (buf != in) std::memcpy(buf, in, kRtcpHeader);
    if (rtcp.aead) {
      uint8_t iv[12];
      gcm_iv(rtcp, ssrc, index, 0, true, iv);
      if (!gcm(rtcp, iv, buf, kRtcpHeader, trailer, 4, in + kRtcpHeader, buf + kRtcpHeader, len - kRtcpHeader,
               buf + len))
        return FastStatus::Failed;
      std::memcpy(buf + len + 16, trailer, 4);
      *out_len = len + 20;
      return FastStatus::Ok;
    }
    uint8_t iv[16];
    cm_iv(rtcp, ssrc, index, iv);
    if (!ctr(rtcp, iv, in + kRtcpHeader, buf + kRtcpHeader, len - kRtcpHeader)) return FastStatus::Failed;
    std::memcpy(buf + len, trailer, 4);
    uint8_t mac[20];
    if (!hmac(rtcp, buf, len + 4, nullptr, mac)) return FastStatus::Failed;
    std::memcpy(buf + len + 4, mac, rtcp.tag_len);
    *out_len = len + 4 + rtcp.tag_len;
    return FastStatus::Ok;
  }

  FastStatus unprotect_rtcp(uint8_t *buf, std::size_t len, std::size_t *out_len) {
    const uint32_t ssrc = get_be32(buf + 4);
    std::optional<StreamState> scratch;
    StreamState *st = stream(ssrc, scratch);
    if (!st) return FastStatus::Malformed;
    const std::size_t tag = rtcp.aead ? 16 : rtcp.tag_len;
    // AES-CM: ... | E+index | tag; AES-GCM: ... | tag | E+index.
    const uint8_t *trailer_p = rtcp.aead ? buf + len - 4 : buf + len - tag - 4;
    uint8_t trailer[4];
    std::memcpy(trailer, trailer_p, 4);
    const uint32_t word = get_be32(trailer);
    const uint32_t index = word & 0x7fffffffu;
    const bool encrypted = (word >> 31) != 0;
    const int64_t delta = int64_t{index} - int64_t(st->rtcp.highest());
    if (!st->rtcp.fresh(index, delta)) return FastStatus::Replay;
    const std::size_t plain = len - tag - 4;
    if (rtcp.aead) {
      uint8_t iv[12];
      gcm_iv(rtcp, ssrc, index, 0, true, iv);
      // Unencrypted SRTCP authenticates the whole packet (RFC 7714 §9.3).
      const bool ok = encrypted ? gcm(rtcp, iv, buf, kRtcpHeader, trailer, 4, buf + kRtcpHeader,
                                      buf + kRtcpHeader, plain - kRtcpHeader, buf + plain)
                                : gcm(rtcp, iv, buf, plain, trailer, 4, nullptr, nullptr, 0, buf + plain);
      if (!ok) return FastStatus::Auth;
    } else {
      uint8_t mac[20];
      if (!hmac(rtcp, buf, len - tag, nullptr, mac)) return FastStatus::Failed;
      if (CRYPTO_memcmp(mac, buf + len - tag, tag) != 0) return FastStatus::Auth;
      if (encrypted) {
        uint8_t iv[16];
        cm_iv(rtcp, ssrc, index, iv);
        if (!ctr(rtcp, iv, buf + kRtcpHeader, buf + kRtcpHeader, plain - kRtcpHeader))
          return FastStatus::Failed;
      }
    }
    st->rtcp.add(index, delta);
    keep(ssrc, scratch);
    *out_len = plain;
    return FastStatus::Ok;
  }
};

namespace {

bool fast_supported(const SrtpPolicy &p) {
  auto ok = [](const SrtpCryptoPolicy &c) {
    switch (c.cipher) {
      case SrtpCipher::AesIcm128:
      case SrtpCipher::AesIcm256:
        return c.auth != SrtpAuth::Null;
      case SrtpCipher::AesGcm128:
      case SrtpCipher::AesGcm256:
        return c.auth == SrtpAuth::Null;
      case SrtpCipher::Null:
        break;
    }
    return false;
  };
  // One master key size for both: libsrtp runs a mixed pair through one KDF.
  return ok(p.rtp) && ok(p.rtcp) && p.rtp.cipher == p.rtcp.cipher;
}

EVP_MAC *hmac_algorithm() {
  static EVP_MAC *mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// Session keys for one of RTP (labels 0, 1, 2) or RTCP (3, 4, 5).
bool init_keys(TransformKeys &k, const SrtpCryptoPolicy &policy, const uint8_t *master,
               const uint8_t salt14[14], uint8_t first_label, bool outbound) {
  const bool aead = policy.cipher == SrtpCipher::AesGcm128 || policy.cipher == SrtpCipher::AesGcm256;
  const std::size_t key_len =
      (policy.cipher == SrtpCipher::AesIcm256 || policy.cipher == SrtpCipher::AesGcm256) ? 32 : 16;
  k.aead = aead;
  k.tag_len = aead ? 16 : tag_length(policy);
  uint8_t session_key[32];
  uint8_t auth_key[20];
  const std::size_t salt_len = aead ? 12 : 14;
  bool ok = derive(master, key_len, salt14, first_label, session_key, key_len) &&
            derive(master, key_len, salt14, uint8_t(first_label + 2), k.salt, salt_len);
  if (ok && aead) {
    k.gcm = AesGcm::create(session_key, key_len, outbound);
    ok = k.gcm != nullptr;
  } else if (ok) {
    k.cipher.reset(EVP_CIPHER_CTX_new());
    ok = k.cipher &&
         EVP_EncryptInit_ex(k.cipher.get(), ctr_cipher(key_len), nullptr, session_key, nullptr) == 1;
  }
  if (ok && !aead) {
    ok = derive(master, key_len, salt14, uint8_t(first_label + 1), auth_key, sizeof auth_key);
    k.mac.reset(hmac_algorithm() ? EVP_MAC_CTX_new(hmac_algorithm()) : nullptr);
    char digest[] = "SHA1";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
    ok = ok && k.mac && EVP_MAC_init(k.mac.get(), auth_key, sizeof auth_key, params) == 1;
  }
  OPENSSL_cleanse(session_key, sizeof session_key);
  OPENSSL_cleanse(auth_key, sizeof auth_key);
  return ok;
}

std::unique_ptr<FastSrtp> make_fast(const SrtpConfig &config, const std::vector<uint8_t> &master,
                                    bool outbound) {
  auto fast = std::make_unique<FastSrtp>();
  fast->outbound = outbound;
  fast->allow_repeat_tx = config.allow_repeat_tx;
  fast->window = config.replay_window;
  if (!outbound) {
    fast->only_ssrc = config.rx_ssrc;
    if (config.rx_ssrc && config.rx_roc != 0) fast->initial_roc = config.rx_roc;
  }
  const std::size_t key_len = srtp_master_key_length(config.policy.rtp.cipher) -
                              ((config.policy.rtp.cipher == SrtpCipher::AesGcm128 ||
                                config.policy.rtp.cipher == SrtpCipher::AesGcm256)
                                   ? 12
                                   : 14);
  uint8_t salt14[14] = {};
  std::copy(master.begin() + long(key_len), master.end(), salt14);
  const bool ok = init_keys(fast->rtp, config.policy.rtp, master.data(), salt14, 0x00, outbound) &&
                  init_keys(fast->rtcp, config.policy.rtcp, master.data(), salt14, 0x03, outbound);
  OPENSSL_cleanse(salt14, sizeof salt14);
  return ok ? std::move(fast) : nullptr;
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

Result<std::unique_ptr<SrtpEngine>> SrtpEngine::create(const SrtpConfig &config) {
  if (auto why = srtp_policy_unsupported(config.policy))
    return jsep::make_error(ErrorCode::NotSupported, std::string(*why));
  const bool crypto = srtp_policy_has_crypto(config.policy);
  const std::size_t kl = srtp_master_key_length(config.policy);
  auto key_ok = [&](const std::vector<uint8_t> &k) { return !crypto || k.empty() || k.size() == kl; };
  if (!key_ok(config.tx_master) || !key_ok(config.rx_master))
    return jsep::make_error(
        ErrorCode::InvalidAccess,
        "SRTP master key length does not match the policy (expected " + std::to_string(kl) + " bytes)");
  if (config.replay_window < 64 || config.replay_window > 0x8000)
    return jsep::make_error(ErrorCode::InvalidAccess, "replay window out of range");

  // profile_ only names the closest DTLS-SRTP profile; policy_ is what runs.
  std::unique_ptr<SrtpEngine> engine(new SrtpEngine(SrtpProfile::Aes128CmSha1_80));
  engine->policy_ = config.policy;
  for (SrtpProfile p : kDefaultSrtpProfiles)
    if (srtp_policy_for(p) == config.policy) engine->profile_ = p;

  auto make = [&](const std::vector<uint8_t> &master, bool inbound, SessionPtr *out) -> srtp_err_status_t {
    // libsrtp reads up to the longest key of both directions; a zeroed
    // buffer of the maximum size keeps it inside our memory whatever the mix.
    uint8_t key[SRTP_MAX_KEY_LEN] = {};
    std::copy(master.begin(), master.end(), key);
    srtp_policy_t policy{};
    set_crypto_policy(config.policy.rtp, &policy.rtp);
    set_crypto_policy(config.policy.rtcp, &policy.rtcp);
    if (inbound && config.rx_ssrc) {
      policy.ssrc.type = ssrc_specific;
      policy.ssrc.value = *config.rx_ssrc;
    } else {
      policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    }
    policy.key = key;
    policy.window_size = config.replay_window;
    policy.allow_repeat_tx = config.allow_repeat_tx ? 1 : 0;
    srtp_t session = nullptr;
    srtp_err_status_t st = srtp_create(&session, &policy);
    std::fill(std::begin(key), std::end(key), uint8_t{0});
    if (st != srtp_err_status_ok) return st;
    out->reset(session);
    if (inbound && config.rx_ssrc && config.rx_roc != 0)
      st = srtp_set_stream_roc(session, *config.rx_ssrc, config.rx_roc);
    return st;
  };
  // A direction with no key (and a policy with crypto) gets no session.
  const bool keyless = !crypto;
  bool want_tx = keyless || !config.tx_master.empty();
  bool want_rx = keyless || !config.rx_master.empty();
  if (!config.force_libsrtp && crypto && fast_supported(config.policy)) {
    if (want_tx && !(engine->fast_tx_ = make_fast(config, config.tx_master, true)))
      return jsep::make_error(ErrorCode::Operation, "OpenSSL could not set up the SRTP transform");
    if (want_rx && !(engine->fast_rx_ = make_fast(config, config.rx_master, false)))
      return jsep::make_error(ErrorCode::Operation, "OpenSSL could not set up the SRTP transform");
    want_tx = want_rx = false;
  }
  // libsrtp only for what the OpenSSL transform does not run: its
  // srtp_init() runs the crypto kernel's self-tests (~13 ms, once a process),
  // which a DTLS-SRTP handshake would otherwise wait for.
  if (want_tx || want_rx) {
    if (!runtime_acquire()) return jsep::make_error(ErrorCode::Operation, "srtp_init failed");
    engine->runtime_held_ = true;
  }
  if ((want_tx && make(config.tx_master, false, &engine->tx_) != srtp_err_status_ok) ||
      (want_rx && make(config.rx_master, true, &engine->rx_) != srtp_err_status_ok))
    return jsep::make_error(ErrorCode::NotSupported, "libsrtp2 rejected the SRTP policy");
  return engine;
}

SrtpConfig srtp_config_for(const SrtpKeys &keys, unsigned replay_window) {
  SrtpConfig c;
  c.policy = srtp_policy_for(keys.profile);
  c.tx_master = keys.local_key;
  c.tx_master.insert(c.tx_master.end(), keys.local_salt.begin(), keys.local_salt.end());
  c.rx_master = keys.remote_key;
  c.rx_master.insert(c.rx_master.end(), keys.remote_salt.begin(), keys.remote_salt.end());
  c.replay_window = replay_window;
  c.allow_repeat_tx = true;  // as create(keys)
  return c;
}

jsep::Status SrtpEngine::resume_outbound(uint32_t ssrc, uint64_t srtp_index, uint32_t srtcp_index) {
  if (srtp_index > kMaxSrtpIndex || srtcp_index > kMaxSrtcpIndex)
    return jsep::make_error(ErrorCode::InvalidAccess,
                            "SRTP index beyond 2^48 - 1 or SRTCP index beyond 2^31 - 1");
  if (!fast_tx_)
    return jsep::make_error(ErrorCode::NotSupported, "only the OpenSSL transform resumes indices");
  fast_tx_->resume(ssrc, srtp_index, srtcp_index);
  return jsep::Ok{};
}

std::optional<uint32_t> SrtpEngine::roc(uint32_t ssrc, bool outbound) const {
  if (const FastSrtp *fast = outbound ? fast_tx_.get() : fast_rx_.get()) {
    auto it = fast->streams.find(ssrc);
    if (it == fast->streams.end()) return std::nullopt;
    if (it->second.pending_roc) return it->second.pending_roc;
    return uint32_t(it->second.rtp.highest() >> 16);
  }
  srtp_ctx_t_ *session = outbound ? tx_.get() : rx_.get();
  uint32_t value = 0;
  if (!session || srtp_get_stream_roc(session, ssrc, &value) != srtp_err_status_ok) return std::nullopt;
  return value;
}

SrtpEngine::SrtpEngine(SrtpProfile profile) : profile_(profile), policy_(srtp_policy_for(profile)) {}

SrtpEngine::~SrtpEngine() {
  tx_.reset();
  rx_.reset();
  if (runtime_held_) runtime_release();
}

std::size_t SrtpEngine::rtp_overhead() const {
  return tag_length(policy_.rtp);
}
std::size_t SrtpEngine::rtcp_overhead() const {
  return kSrtcpIndex + tag_length(policy_.rtcp);
}

Error SrtpEngine::exhausted(const char *what) {
  ++stats_.key_exhausted;
  return jsep::make_error(ErrorCode::InvalidState, what);
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
  return protect_rtp(buf, len, buf, capacity);
}

Result<std::size_t> SrtpEngine::protect_rtp(const uint8_t *in, std::size_t len, uint8_t *buf,
                                            std::size_t capacity) {
  if (!in || !buf || !rtp_header_ok(in, len, 0) || len > INT_MAX)
    return jsep::make_error(ErrorCode::Syntax, "not an RTP packet");
  if (capacity < len + rtp_overhead())
    return jsep::make_error(ErrorCode::InvalidAccess, "no room for the SRTP trailer");
  if (fast_tx_) {
    std::size_t n = 0;
    switch (fast_tx_->protect_rtp(in, buf, len, &n)) {
      case FastStatus::Ok:
        ++stats_.rtp_protected;
        return n;
      case FastStatus::Replay:
        return jsep::make_error(ErrorCode::InvalidState,
                                "SRTP index already protected (repeated sequence number)");
      case FastStatus::Exhausted:
        return exhausted(
            "SRTP: the key protected its last index (2^48 packets, RFC 3711 section 9.2): re-key");
      default:
        return jsep::make_error(ErrorCode::Operation, "SRTP protection failed");
    }
  }
  if (!tx_) return jsep::make_error(ErrorCode::InvalidState, "no outbound SRTP key");
  if (buf != in) std::memcpy(buf, in, len);  // libsrtp works in place
  int n = static_cast<int>(len);
  if (const srtp_err_status_t st = srtp_protect(tx_.get(), buf, &n); st != srtp_err_status_ok)
    return st == srtp_err_status_key_expired ? exhausted("SRTP: libsrtp's key limit reached: re-key")
                                             : jsep::make_error(ErrorCode::Operation, "srtp_protect failed");
  ++stats_.rtp_protected;
  return static_cast<std::size_t>(n);
}

Result<std::size_t> SrtpEngine::protect_rtcp(uint8_t *buf, std::size_t len, std::size_t capacity) {
  return protect_rtcp(buf, len, buf, capacity);
}

Result<std::size_t> SrtpEngine::protect_rtcp(const uint8_t *in, std::size_t len, uint8_t *buf,
                                             std::size_t capacity) {
  if (!in || !buf || !rtcp_header_ok(in, len, 0) || len > INT_MAX)
    return jsep::make_error(ErrorCode::Syntax, "not an RTCP packet");
  if (capacity < len + rtcp_overhead())
    return jsep::make_error(ErrorCode::InvalidAccess, "no room for the SRTCP trailer");
  if (fast_tx_) {
    std::size_t n = 0;
    switch (fast_tx_->protect_rtcp(in, buf, len, &n)) {
      case FastStatus::Ok:
        break;
      case FastStatus::Exhausted:
        return exhausted(
            "SRTCP: the key protected its last index (2^31 packets, RFC 3711 section 9.2): re-key");
      default:
        return jsep::make_error(ErrorCode::Operation, "SRTCP protection failed");
    }
    ++stats_.rtcp_protected;
    return n;
  }
  if (!tx_) return jsep::make_error(ErrorCode::InvalidState, "no outbound SRTP key");
  if (buf != in) std::memcpy(buf, in, len);  // libsrtp works in place
  int n = static_cast<int>(len);
  if (const srtp_err_status_t st = srtp_protect_rtcp(tx_.get(), buf, &n); st != srtp_err_status_ok)
    return st == srtp_err_status_key_expired
               ? exhausted("SRTCP: libsrtp's key limit reached: re-key")
               : jsep::make_error(ErrorCode::Operation, "srtp_protect_rtcp failed");
  ++stats_.rtcp_protected;
  return static_cast<std::size_t>(n);
}

Result<std::size_t> SrtpEngine::unprotect_rtp(uint8_t *buf, std::size_t len) {
  if (!buf || len > INT_MAX || !rtp_header_ok(buf, len, rtp_overhead()))
    return drop(SrtpDropReason::Malformed, "malformed SRTP packet");
  if (fast_rx_) {
    std::size_t n = 0;
    switch (fast_rx_->unprotect_rtp(buf, len, &n)) {
      case FastStatus::Ok:
        ++stats_.rtp_unprotected;
        return n;
      case FastStatus::Auth:
        return drop(SrtpDropReason::AuthFailure, "SRTP authentication failed");
      case FastStatus::Replay:
        return drop(SrtpDropReason::Replay, "SRTP replay");
      default:
        return drop(SrtpDropReason::Malformed, "SRTP packet rejected");
    }
  }
  if (!rx_) return drop(SrtpDropReason::AuthFailure, "no inbound SRTP key");
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
  if (fast_rx_) {
    std::size_t n = 0;
    switch (fast_rx_->unprotect_rtcp(buf, len, &n)) {
      case FastStatus::Ok:
        ++stats_.rtcp_unprotected;
        return n;
      case FastStatus::Auth:
        return drop(SrtpDropReason::AuthFailure, "SRTCP authentication failed");
      case FastStatus::Replay:
        return drop(SrtpDropReason::Replay, "SRTCP replay");
      default:
        return drop(SrtpDropReason::Malformed, "SRTCP packet rejected");
    }
  }
  if (!rx_) return drop(SrtpDropReason::AuthFailure, "no inbound SRTCP key");
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
