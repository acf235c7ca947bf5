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

}  // namespace gst_rtc::dtls
