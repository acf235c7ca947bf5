// AES-GCM seal/open of one packet at a time with the key set once and a
// fresh 96-bit IV per packet (RFC 7714's SRTP/SRTCP AEAD). Sans-IO.
//
// OpenSSL 3.0's EVP asks the provider for the IV length through
// OSSL_PARAMs on every EVP_CipherInit_ex() that sets an IV (3.1 caches it),
// which at one init per packet is about a fifth of the AES-GCM time of a
// 1200-byte packet. So the provider's cipher functions are called directly:
// the same implementation EVP_CIPHER_fetch() picks (configuration and
// property queries honoured), looked up once through the public provider
// API; EVP is the fallback when that lookup fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace gst_rtc::dtls {

class AesGcm {
 public:
  // `key_len` 16 or 32; nullptr when OpenSSL cannot set the cipher up.
  static std::unique_ptr<AesGcm> create(const uint8_t *key, std::size_t key_len, bool seal);
  ~AesGcm();
  AesGcm(const AesGcm &) = delete;
  AesGcm &operator=(const AesGcm &) = delete;

  // AAD = aad1 ‖ aad2; `len` bytes from `in` to `out` (the same buffer or
  // disjoint ones). Seal writes the 16-byte tag to `tag`; open checks it.
  // false: the tag did not match (open) or OpenSSL failed.
  bool run(const uint8_t iv[12], const uint8_t *aad1, std::size_t aad1_len, const uint8_t *aad2,
           std::size_t aad2_len, const uint8_t *in, uint8_t *out, std::size_t len, uint8_t *tag);

  // True when the provider functions run it (false: the EVP fallback).
  bool direct() const;

 private:
  struct Impl;
  explicit AesGcm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gst_rtc::dtls
