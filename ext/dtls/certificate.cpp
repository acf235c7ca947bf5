#include "certificate.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "text.h"

namespace gst_rtc::dtls {

namespace {

Error ossl_error(ErrorCode code, std::string what) {
  return jsep::make_error(code, ossl_reason(std::move(what)));
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

const EVP_MD *digest_for(std::string_view algorithm) {
  const std::string name = jsep::text::to_lower(algorithm);
  if (name == "sha-1") return EVP_sha1();
  if (name == "sha-224") return EVP_sha224();
  if (name == "sha-256") return EVP_sha256();
  if (name == "sha-384") return EVP_sha384();
  if (name == "sha-512") return EVP_sha512();
  return nullptr;
}

Result<std::string> bio_to_string(BIO *bio) {
  char *data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || !data) return ossl_error(ErrorCode::Operation, "empty PEM output");
  return std::string(data, static_cast<size_t>(len));
}

Result<EvpPkeyPtr> generate_rsa_key(unsigned bits, uint64_t exponent) {
  if (bits < 1024 || bits > 16384)
    return jsep::make_error(ErrorCode::InvalidAccess, "RSA modulus length out of 1024..16384");
  if (exponent < 3 || exponent % 2 == 0)
    return jsep::make_error(ErrorCode::InvalidAccess, "RSA public exponent must be odd and >= 3");
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  BignumPtr e(BN_new());
  if (!ctx || !e || !BN_set_word(e.get(), static_cast<BN_ULONG>(exponent)) ||
      EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) <= 0 ||
      EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) <= 0)
    return ossl_error(ErrorCode::Operation, "cannot set up RSA key generation");
  EVP_PKEY *key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &key) <= 0 || !key)
    return ossl_error(ErrorCode::Operation, "RSA key generation failed");
  return EvpPkeyPtr(key);
}

const EVP_MD *signature_digest(const CertificateOptions &options) {
  if (options.key_type != KeyType::Rsa) return EVP_sha256();
  switch (options.rsa_hash) {
    case SignatureHash::Sha384:
      return EVP_sha384();
    case SignatureHash::Sha512:
      return EVP_sha512();
    case SignatureHash::Sha256:
      break;
  }
  return EVP_sha256();
}

}  // namespace

Result<Certificate> Certificate::generate(const CertificateOptions &options) {
  EvpPkeyPtr key;
  if (options.key_type == KeyType::Rsa) {
    auto rsa = generate_rsa_key(options.rsa_bits, options.rsa_public_exponent);
    if (!rsa.ok()) return rsa.error();
    key = std::move(rsa.value());
  } else {
    key.reset(EVP_EC_gen("P-256"));
  }
  if (!key) return ossl_error(ErrorCode::Operation, "key generation failed");

  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  if (!cert || !serial) return ossl_error(ErrorCode::Operation, "out of memory");
  // Random serials keep two certificates of one process distinguishable to peers.
  if (!X509_set_version(cert.get(), 2) || !BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
    return ossl_error(ErrorCode::Operation, "cannot set serial");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()),
                       -static_cast<long>(options.not_before_offset.count())) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(options.validity.count())))
    return ossl_error(ErrorCode::Operation, "cannot set validity");
  X509_NAME *name = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char *>(options.common_name.c_str()), -1,
                                  -1, 0) ||
      !X509_set_issuer_name(cert.get(), name) || !X509_set_pubkey(cert.get(), key.get()))
    return ossl_error(ErrorCode::Operation, "cannot set name or key");
  if (X509_sign(cert.get(), key.get(), signature_digest(options)) <= 0)
    return ossl_error(ErrorCode::Operation, "cannot sign");
  return Certificate(std::move(cert), std::move(key));
}

Result<Certificate> Certificate::from_pem(std::string_view cert_pem, std::string_view key_pem) {
  BioPtr cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  if (!cert_bio || !key_bio) return ossl_error(ErrorCode::Operation, "out of memory");
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return ossl_error(ErrorCode::Syntax, "cannot parse PEM certificate");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) return ossl_error(ErrorCode::Syntax, "cannot parse PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return ossl_error(ErrorCode::InvalidAccess, "private key does not match certificate");
  return Certificate(std::move(cert), std::move(key));
}

Result<std::string> Certificate::cert_pem() const {
  return pem_of(cert_.get());
}

Result<std::string> pem_of(X509 *cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!cert || !bio || !PEM_write_bio_X509(bio.get(), cert))
    return ossl_error(ErrorCode::Operation, "cannot write certificate");
  return bio_to_string(bio.get());
}

Result<std::string> Certificate::key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return ossl_error(ErrorCode::Operation, "cannot write private key");
  return bio_to_string(bio.get());
}

Result<std::string> Certificate::fingerprint(std::string_view algorithm) const {
  return fingerprint_of(cert_.get(), algorithm);
}

Result<int64_t> Certificate::expires_unix_ms() const {
  struct tm tm {};
  if (!ASN1_TIME_to_tm(X509_get0_notAfter(cert_.get()), &tm))
    return ossl_error(ErrorCode::Operation, "cannot read notAfter");
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

Result<std::string> fingerprint_of(X509 *cert, std::string_view algorithm) {
  const EVP_MD *md = digest_for(algorithm);
  if (!md)
    return jsep::make_error(ErrorCode::NotSupported, "unknown hash function " + std::string(algorithm));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!cert || !X509_digest(cert, md, digest, &len)) return ossl_error(ErrorCode::Operation, "digest failed");
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 3);
  for (unsigned int i = 0; i < len; ++i) {
    if (i) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

Status verify_fingerprint(X509 *peer, const std::vector<Fingerprint> &expected) {
  if (!peer) return jsep::make_error(ErrorCode::FingerprintFailure, "peer sent no certificate");
  for (const auto &fp : expected) {
    auto actual = fingerprint_of(peer, fp.algorithm);
    if (actual.ok() && *actual == to_upper(fp.value)) return Ok{};
  }
  return jsep::make_error(ErrorCode::FingerprintFailure, "peer certificate matches no a=fingerprint");
}

}  // namespace gst_rtc::dtls
