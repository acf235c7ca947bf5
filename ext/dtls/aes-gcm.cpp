#include "aes-gcm.h"

#include <cstring>
#include <string_view>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "ossl-ptr.h"

namespace gst_rtc::dtls {

namespace {

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OsslDeleter<EVP_CIPHER_CTX_free>>;

// One provider's AES-GCM implementation, as its dispatch table gives it.
struct GcmFunctions {
  OSSL_FUNC_cipher_newctx_fn *newctx = nullptr;
  OSSL_FUNC_cipher_freectx_fn *freectx = nullptr;
  OSSL_FUNC_cipher_encrypt_init_fn *einit = nullptr;
  OSSL_FUNC_cipher_decrypt_init_fn *dinit = nullptr;
  OSSL_FUNC_cipher_update_fn *update = nullptr;
  OSSL_FUNC_cipher_final_fn *final = nullptr;
  OSSL_FUNC_cipher_get_ctx_params_fn *get_ctx_params = nullptr;
  OSSL_FUNC_cipher_set_ctx_params_fn *set_ctx_params = nullptr;
  void *provctx = nullptr;
  // Held for the life of the process: keeps the provider loaded.
  EVP_CIPHER *fetched = nullptr;

  bool complete() const {
    return newctx && freectx && einit && dinit && update && final && get_ctx_params && set_ctx_params &&
           provctx;
  }
};

// `names` is an OSSL_ALGORITHM name list: "AES-128-GCM:id-aes128-GCM:2.16...".
bool names_include(std::string_view names, std::string_view name) {
  while (!names.empty()) {
    const std::size_t colon = names.find(':');
    const std::string_view one = names.substr(0, colon);
    if (one.size() == name.size() && OPENSSL_strncasecmp(one.data(), name.data(), name.size()) == 0)
      return true;
    if (colon == std::string_view::npos) break;
    names.remove_prefix(colon + 1);
  }
  return false;
}

GcmFunctions lookup(const char *name) {
  GcmFunctions f;
  f.fetched = EVP_CIPHER_fetch(nullptr, name, nullptr);
  const OSSL_PROVIDER *prov = f.fetched ? EVP_CIPHER_get0_provider(f.fetched) : nullptr;
  if (!prov) return f;
  int no_cache = 0;
  const OSSL_ALGORITHM *algs = OSSL_PROVIDER_query_operation(prov, OSSL_OP_CIPHER, &no_cache);
  for (const OSSL_ALGORITHM *a = algs; a && a->algorithm_names; ++a) {
    if (!names_include(a->algorithm_names, name)) continue;
    for (const OSSL_DISPATCH *d = a->implementation; d && d->function_id; ++d) {
      switch (d->function_id) {
        case OSSL_FUNC_CIPHER_NEWCTX:
          f.newctx = OSSL_FUNC_cipher_newctx(d);
          break;
        case OSSL_FUNC_CIPHER_FREECTX:
          f.freectx = OSSL_FUNC_cipher_freectx(d);
          break;
        case OSSL_FUNC_CIPHER_ENCRYPT_INIT:
          f.einit = OSSL_FUNC_cipher_encrypt_init(d);
          break;
        case OSSL_FUNC_CIPHER_DECRYPT_INIT:
          f.dinit = OSSL_FUNC_cipher_decrypt_init(d);
          break;
        case OSSL_FUNC_CIPHER_UPDATE:
          f.update = OSSL_FUNC_cipher_update(d);
          break;
        case OSSL_FUNC_CIPHER_FINAL:
          f.final = OSSL_FUNC_cipher_final(d);
          break;
        case OSSL_FUNC_CIPHER_GET_CTX_PARAMS:
          f.get_ctx_params = OSSL_FUNC_cipher_get_ctx_params(d);
          break;
        case OSSL_FUNC_CIPHER_SET_CTX_PARAMS:
          f.set_ctx_params = OSSL_FUNC_cipher_set_ctx_params(d);
          break;
        default:
          break;
      }
    }
    break;
  }
  if (algs) OSSL_PROVIDER_unquery_operation(prov, OSSL_OP_CIPHER, algs);
  f.provctx = OSSL_PROVIDER_get0_provider_ctx(prov);
  return f;
}

const GcmFunctions *gcm_functions(std::size_t key_len) {
  static const GcmFunctions aes128 = lookup("AES-128-GCM");
  static const GcmFunctions aes256 = lookup("AES-256-GCM");
  const GcmFunctions &f = key_len == 32 ? aes256 : aes128;
  return f.complete() ? &f : nullptr;
}

}  // namespace

struct AesGcm::Impl {
  bool seal = true;
  // Direct: the provider's context; else EVP.
  const GcmFunctions *fn = nullptr;
  void *algctx = nullptr;
  CipherCtxPtr evp;

  ~Impl() {
    if (fn && algctx) fn->freectx(algctx);
  }

  bool run_direct(const uint8_t iv[12], const uint8_t *aad1, std::size_t aad1_len, const uint8_t *aad2,
                  std::size_t aad2_len, const uint8_t *in, uint8_t *out, std::size_t len, uint8_t *tag) {
    std::size_t n = 0;
    if ((seal ? fn->einit : fn->dinit)(algctx, nullptr, 0, iv, 12, nullptr) != 1) return false;
    // For AAD (out NULL) the provider still wants `outsize` >= `inl`.
    if (aad1_len && fn->update(algctx, nullptr, &n, aad1_len, aad1, aad1_len) != 1) return false;
    if (aad2_len && fn->update(algctx, nullptr, &n, aad2_len, aad2, aad2_len) != 1) return false;
    if (len && fn->update(algctx, out, &n, len, in, len) != 1) return false;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
                           OSSL_PARAM_construct_end()};
    if (seal) return fn->final(algctx, out + len, &n, 0) == 1 && fn->get_ctx_params(algctx, params) == 1;
    return fn->set_ctx_params(algctx, params) == 1 && fn->final(algctx, out + len, &n, 0) == 1;
  }

  bool run_evp(const uint8_t iv[12], const uint8_t *aad1, std::size_t aad1_len, const uint8_t *aad2,
               std::size_t aad2_len, const uint8_t *in, uint8_t *out, std::size_t len, uint8_t *tag) {
    EVP_CIPHER_CTX *c = evp.get();
    int n = 0;
    if ((seal ? EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, iv)
              : EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, iv)) != 1)
      return false;
    auto update = [&](uint8_t *o, const uint8_t *i, std::size_t l) {
      return l == 0 ||
             (seal ? EVP_EncryptUpdate(c, o, &n, i, int(l)) : EVP_DecryptUpdate(c, o, &n, i, int(l))) == 1;
    };
    if (!update(nullptr, aad1, aad1_len) || !update(nullptr, aad2, aad2_len) || !update(out, in, len))
      return false;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
                           OSSL_PARAM_construct_end()};
    if (seal) return EVP_EncryptFinal_ex(c, out + len, &n) == 1 && EVP_CIPHER_CTX_get_params(c, params) == 1;
    return EVP_CIPHER_CTX_set_params(c, params) == 1 && EVP_DecryptFinal_ex(c, out + len, &n) == 1;
  }
};

AesGcm::AesGcm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AesGcm::~AesGcm() = default;

std::unique_ptr<AesGcm> AesGcm::create(const uint8_t *key, std::size_t key_len, bool seal) {
  if (key_len != 16 && key_len != 32) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->seal = seal;
  if (const GcmFunctions *fn = gcm_functions(key_len)) {
    // The default IV length of GCM is the 96 bits RFC 7714 uses.
    void *ctx = fn->newctx(fn->provctx);
    if (ctx && (seal ? fn->einit : fn->dinit)(ctx, key, key_len, nullptr, 0, nullptr) == 1) {
      impl->fn = fn;
      impl->algctx = ctx;
      return std::unique_ptr<AesGcm>(new AesGcm(std::move(impl)));
    }
    if (ctx) fn->freectx(ctx);
  }
  const EVP_CIPHER *cipher = key_len == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  impl->evp.reset(EVP_CIPHER_CTX_new());
  EVP_CIPHER_CTX *c = impl->evp.get();
  const bool ok = c &&
                  (seal ? EVP_EncryptInit_ex(c, cipher, nullptr, nullptr, nullptr)
                        : EVP_DecryptInit_ex(c, cipher, nullptr, nullptr, nullptr)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
                  (seal ? EVP_EncryptInit_ex(c, nullptr, nullptr, key, nullptr)
                        : EVP_DecryptInit_ex(c, nullptr, nullptr, key, nullptr)) == 1;
  if (!ok) return nullptr;
  return std::unique_ptr<AesGcm>(new AesGcm(std::move(impl)));
}

bool AesGcm::run(const uint8_t iv[12], const uint8_t *aad1, std::size_t aad1_len, const uint8_t *aad2,
                 std::size_t aad2_len, const uint8_t *in, uint8_t *out, std::size_t len, uint8_t *tag) {
  return impl_->fn ? impl_->run_direct(iv, aad1, aad1_len, aad2, aad2_len, in, out, len, tag)
                   : impl_->run_evp(iv, aad1, aad1_len, aad2, aad2_len, in, out, len, tag);
}

bool AesGcm::direct() const {
  return impl_->fn != nullptr;
}

}  // namespace gst_rtc::dtls
