// Self-signed DTLS certificates and their SDP fingerprints (RFC 8122,
// RFC 8842). Sans-IO: no GLib, no GStreamer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ossl-ptr.h"
#include "result.h"

namespace gst_rtc::dtls {

using jsep::Error;
using jsep::ErrorCode;
using jsep::Ok;
using jsep::Result;
using jsep::Status;

enum class KeyType { EcdsaP256, Rsa };

enum class SignatureHash { Sha256, Sha384, Sha512 };

struct CertificateOptions {
  KeyType key_type = KeyType::EcdsaP256;
  // RSA only (RSASSA-PKCS1-v1_5): modulus bits, public exponent (odd, >= 3)
  // and the digest of the self-signature. ECDSA always signs with SHA-256.
  unsigned rsa_bits = 2048;
  uint64_t rsa_public_exponent = 65537;
  SignatureHash rsa_hash = SignatureHash::Sha256;
  std::string common_name = "gst-rtc";
  // Back-dating tolerates peers whose clock runs behind ours.
  std::chrono::seconds not_before_offset = std::chrono::hours(24);
  std::chrono::seconds validity = std::chrono::hours(24 * 30);
};

// One a=fingerprint line: hash function name ("sha-256") and "AB:CD:..." value.
struct Fingerprint {
  std::string algorithm;
  std::string value;
};

// An X.509 certificate with its private key. Move-only; DTLS engines take
// their own references to the OpenSSL objects.
class Certificate {
 public:
  // Generates a self-signed certificate with a random 64-bit serial.
  // Errors: InvalidAccess for options out of range (RSA bits outside
  // 1024..16384, an even or < 3 exponent), Operation when OpenSSL fails.
  static Result<Certificate> generate(const CertificateOptions &options = {});
  // Loads a user-supplied certificate and key; fails when they do not match.
  static Result<Certificate> from_pem(std::string_view cert_pem, std::string_view key_pem);

  Result<std::string> cert_pem() const;
  Result<std::string> key_pem() const;
  // Fingerprint in SDP form for "sha-1", "sha-224", "sha-256", "sha-384", "sha-512".
  Result<std::string> fingerprint(std::string_view algorithm = "sha-256") const;
  // notAfter in milliseconds since the Unix epoch (W3C RTCCertificate.expires).
  Result<int64_t> expires_unix_ms() const;

  X509 *x509() const { return cert_.get(); }
  EVP_PKEY *pkey() const { return key_.get(); }

 private:
  Certificate(X509Ptr cert, EvpPkeyPtr key) : cert_(std::move(cert)), key_(std::move(key)) {}

  X509Ptr cert_;
  EvpPkeyPtr key_;
};

// Digest of `cert` in SDP form ("AB:CD:..."), upper case.
Result<std::string> fingerprint_of(X509 *cert, std::string_view algorithm);

// PEM encoding of `cert` (e.g. the peer's certificate of a DTLS engine).
Result<std::string> pem_of(X509 *cert);

// Accepts `peer` when it matches any of `expected` (hash names and hex are
// compared case-insensitively; unknown hash names never match).
Status verify_fingerprint(X509 *peer, const std::vector<Fingerprint> &expected);

}  // namespace gst_rtc::dtls
