// DTLS-SRTP protection profiles (RFC 5764, RFC 7714) and the keys a DTLS
// handshake hands to the SRTP engine. Shared by both engines so that the
// DTLS engine needs no libsrtp header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace gst_rtc::dtls {

// Values are the IANA DTLS-SRTP profile identifiers.
enum class SrtpProfile : uint16_t {
  Aes128CmSha1_80 = 0x0001,
  Aes128CmSha1_32 = 0x0002,
  AeadAes128Gcm = 0x0007,
  AeadAes256Gcm = 0x0008,
};

// The order offered in the use_srtp extension: AEAD first (RFC 8827 §6.5
// recommends GCM), then the mandatory AES_CM_128_HMAC_SHA1_80.
inline constexpr SrtpProfile kDefaultSrtpProfiles[] = {
    SrtpProfile::AeadAes256Gcm,
    SrtpProfile::AeadAes128Gcm,
    SrtpProfile::Aes128CmSha1_80,
    SrtpProfile::Aes128CmSha1_32,
};

// OpenSSL's name for the profile ("SRTP_AEAD_AES_128_GCM", ...).
std::string_view srtp_profile_name(SrtpProfile profile);
std::optional<SrtpProfile> srtp_profile_from_id(unsigned long id);
std::size_t srtp_key_length(SrtpProfile profile);
std::size_t srtp_salt_length(SrtpProfile profile);

// Master keys exported by the DTLS handshake (RFC 5764 §4.2). "local" protects
// what this endpoint sends, "remote" unprotects what it receives.
struct SrtpKeys {
  SrtpProfile profile = SrtpProfile::Aes128CmSha1_80;
  std::vector<uint8_t> local_key;
  std::vector<uint8_t> local_salt;
  std::vector<uint8_t> remote_key;
  std::vector<uint8_t> remote_salt;
};

}  // namespace gst_rtc::dtls
