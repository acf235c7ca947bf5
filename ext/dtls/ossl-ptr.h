// RAII owners for OpenSSL handles (every handle the engines create lives in
// one of these, so no early return can leak it) and OpenSSL's error text.
#pragma once

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace gst_rtc::dtls {

template <auto FreeFn>
struct OsslDeleter {
  template <class T>
  void operator()(T *p) const {
    FreeFn(p);
  }
};

using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO_free_all>>;
using BioMethodPtr = std::unique_ptr<BIO_METHOD, OsslDeleter<BIO_meth_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OsslDeleter<SSL_free>>;

// `what`, followed by the reason OpenSSL queued for the last failure, if any.
// Clears the queue: leftover errors would be misattributed to the next call.
inline std::string ossl_reason(std::string what) {
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    what += ": ";
    what += buf;
  }
  ERR_clear_error();
  return what;
}

}  // namespace gst_rtc::dtls
