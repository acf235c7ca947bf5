#include "srtp-profile.h"

namespace gst_rtc::dtls {

std::string_view srtp_profile_name(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::Aes128CmSha1_80:
      return "SRTP_AES128_CM_SHA1_80";
    case SrtpProfile::Aes128CmSha1_32:
      return "SRTP_AES128_CM_SHA1_32";
    case SrtpProfile::AeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::AeadAes256Gcm:
      return "SRTP_AEAD_AES_256_GCM";
  }
  return "";
}

std::optional<SrtpProfile> srtp_profile_from_id(unsigned long id) {
  switch (id) {
    case 0x0001:
    case 0x0002:
    case 0x0007:
    case 0x0008:
      return static_cast<SrtpProfile>(id);
    default:
      return std::nullopt;
  }
}

std::size_t srtp_key_length(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes256Gcm ? 32 : 16;
}

std::size_t srtp_salt_length(SrtpProfile profile) {
  // RFC 7714 §12: AEAD profiles use a 96-bit salt, AES-CM a 112-bit one.
  return (profile == SrtpProfile::AeadAes128Gcm || profile == SrtpProfile::AeadAes256Gcm) ? 12 : 14;
}

SrtpPolicy srtp_policy_for(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::AeadAes256Gcm:
      return {{SrtpCipher::AesGcm256, SrtpAuth::Null}, {SrtpCipher::AesGcm256, SrtpAuth::Null}};
    case SrtpProfile::AeadAes128Gcm:
      return {{SrtpCipher::AesGcm128, SrtpAuth::Null}, {SrtpCipher::AesGcm128, SrtpAuth::Null}};
    case SrtpProfile::Aes128CmSha1_32:
      // RFC 5764 §4.1.2: SRTCP keeps the 80-bit tag.
      return {{SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_32}, {SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80}};
    case SrtpProfile::Aes128CmSha1_80:
      break;
  }
  return {{SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80}, {SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80}};
}

std::size_t srtp_master_key_length(SrtpCipher cipher) {
  switch (cipher) {
    case SrtpCipher::Null:
      return 0;
    case SrtpCipher::AesIcm128:
      return 16 + 14;
    case SrtpCipher::AesIcm256:
      return 32 + 14;
    case SrtpCipher::AesGcm128:
      return 16 + 12;
    case SrtpCipher::AesGcm256:
      return 32 + 12;
  }
  return 0;
}

std::size_t srtp_master_key_length(const SrtpPolicy &policy) {
  const std::size_t rtp = srtp_master_key_length(policy.rtp.cipher);
  const std::size_t rtcp = srtp_master_key_length(policy.rtcp.cipher);
  const std::size_t n = rtp > rtcp ? rtp : rtcp;
  // Authentication without encryption still derives its HMAC key from a
  // master key: libsrtp's null-cipher policies take an AES-128-CM-sized one.
  if (n == 0 && (policy.rtp.auth != SrtpAuth::Null || policy.rtcp.auth != SrtpAuth::Null)) return 16 + 14;
  return n;
}

bool srtp_policy_has_crypto(const SrtpPolicy &policy) {
  return policy.rtp.cipher != SrtpCipher::Null || policy.rtp.auth != SrtpAuth::Null ||
         policy.rtcp.cipher != SrtpCipher::Null || policy.rtcp.auth != SrtpAuth::Null;
}

namespace {
bool is_aead(SrtpCipher c) {
  return c == SrtpCipher::AesGcm128 || c == SrtpCipher::AesGcm256;
}
}  // namespace

std::optional<std::string_view> srtp_policy_unsupported(const SrtpPolicy &policy) {
  if (is_aead(policy.rtp.cipher) && policy.rtp.auth != SrtpAuth::Null)
    return "AES-GCM authenticates itself: the RTP auth must be null with an AES-GCM cipher";
  if (is_aead(policy.rtcp.cipher) && policy.rtcp.auth != SrtpAuth::Null)
    return "AES-GCM authenticates itself: the RTCP auth must be null with an AES-GCM cipher";
  if (policy.rtcp.cipher != SrtpCipher::Null && !is_aead(policy.rtcp.cipher) &&
      policy.rtcp.auth == SrtpAuth::Null)
    return "SRTCP must be authenticated when it is encrypted (RFC 3711 section 3.4)";
  return std::nullopt;
}

}  // namespace gst_rtc::dtls
