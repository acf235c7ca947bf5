// RAII owners for OpenSSL handles: every handle the engines create lives in
// one of these, so no early return can leak it.
#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
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
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OsslDeleter<SSL_free>>;

}  // namespace gst_rtc::dtls
