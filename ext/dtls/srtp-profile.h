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

// Cipher and authentication of one direction of an SRTP policy, as named by
// libsrtp and by the SDES crypto suites (RFC 4568, RFC 6188, RFC 7714). These
// cover what static-key users (SDES, SIP, srtpenc-style pipelines) configure;
// DTLS-SRTP only negotiates the four SrtpProfile values.
enum class SrtpCipher : uint8_t { Null, AesIcm128, AesIcm256, AesGcm128, AesGcm256 };
enum class SrtpAuth : uint8_t { Null, HmacSha1_32, HmacSha1_80 };

struct SrtpCryptoPolicy {
  SrtpCipher cipher = SrtpCipher::AesIcm128;
  SrtpAuth auth = SrtpAuth::HmacSha1_80;
  bool operator==(const SrtpCryptoPolicy &) const = default;
};

// RTP and RTCP may use different transforms under one master key.
struct SrtpPolicy {
  SrtpCryptoPolicy rtp;
  SrtpCryptoPolicy rtcp;
  bool operator==(const SrtpPolicy &) const = default;
};

// The policy a DTLS-SRTP profile stands for (RFC 5764 §4.1.2, RFC 7714 §14.2).
SrtpPolicy srtp_policy_for(SrtpProfile profile);
// Master key || master salt length for one cipher (AES-GCM: 12-byte salt,
// AES-CM: 14-byte salt; the null cipher takes none).
std::size_t srtp_master_key_length(SrtpCipher cipher);
// The master key a policy needs: the longer of its two directions (30 bytes
// for null ciphers with HMAC, as libsrtp's null-cipher policies).
std::size_t srtp_master_key_length(const SrtpPolicy &policy);
// False when neither direction encrypts nor authenticates: packets pass as is.
bool srtp_policy_has_crypto(const SrtpPolicy &policy);
// Why libsrtp cannot run this transform, or nullopt when it can. AEAD ciphers
// authenticate themselves (auth must be Null); SRTCP must be authenticated
// when it is encrypted (RFC 3711 §3.4).
std::optional<std::string_view> srtp_policy_unsupported(const SrtpPolicy &policy);

}  // namespace gst_rtc::dtls
