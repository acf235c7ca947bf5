#include "dtls-engine.h"

#include <algorithm>
#include <string>

#include <openssl/err.h>
#include <openssl/srtp.h>

namespace gst_rtc::dtls {

// Why retransmission does not use OpenSSL's own timer: OpenSSL 3.0 compares
// its DTLS deadlines with gettimeofday(), so a caller's clock (simulated in
// tests, a shared timer service in the plugin) could never make it fire. The
// engine therefore pushes OpenSSL's timer out of reach (timer callback) and
// resends the last flight itself, byte for byte, on the caller's schedule
// (RFC 6347 §4.2.4: 100 ms initial here, doubling to a cap). Byte-identical
// copies are dropped by the peer's replay window when they arrived before,
// so the one flight no timer covers, the final one, is resent when the peer
// retransmits its previous flight after we are connected (RFC 6347 §4.2.4.1).

namespace {

constexpr std::size_t kRecordHeader = 13;
constexpr std::size_t kMaxRecordBody = 16384 + 2048;
constexpr std::size_t kMaxPlaintext = 16384;
// ECDHE with AEAD first; CBC-SHA suites stay for older peers (RFC 8827 §6.5).
constexpr const char *kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";

// A datagram is accepted only as a whole sequence of plausible DTLS 1.x
// records; anything else never reaches OpenSSL.
// `min_protected` is the smallest body a record of a protected epoch can have
// under the negotiated cipher: OpenSSL 3.0 treats a shorter AEAD record as a
// fatal error instead of discarding it, which would let anyone who can spoof
// a datagram tear the association down.
bool well_formed(const uint8_t *p, std::size_t len, std::size_t min_protected, bool *has_handshake) {
  *has_handshake = false;
  if (!p || len < kRecordHeader) return false;
  std::size_t off = 0;
  while (off < len) {
    if (len - off < kRecordHeader) return false;
    const uint8_t type = p[off];
    if (type < 20 || type > 23) return false;
    if (p[off + 1] != 0xfe || (p[off + 2] != 0xfd && p[off + 2] != 0xff)) return false;
    const std::size_t body = (std::size_t{p[off + 11]} << 8) | p[off + 12];
    if (body == 0 || body > kMaxRecordBody || body > len - off - kRecordHeader) return false;
    const bool protected_epoch = p[off + 3] != 0 || p[off + 4] != 0;
    if (protected_epoch && body < min_protected) return false;
    if (type == 20 || type == 22) *has_handshake = true;
    off += kRecordHeader + body;
  }
  return true;
}

}  // namespace

// C callbacks OpenSSL calls back into the engine with.
struct DtlsEngine::Glue {
  static DtlsEngine *from_bio(BIO *bio) { return static_cast<DtlsEngine *>(BIO_get_data(bio)); }

  static int bio_write(BIO *bio, const char *data, int len) {
    DtlsEngine *self = from_bio(bio);
    if (!self || len < 0) return -1;
    self->queue_output(reinterpret_cast<const uint8_t *>(data), static_cast<std::size_t>(len));
    return len;
  }

  static int bio_read(BIO *bio, char *buf, int len) {
    DtlsEngine *self = from_bio(bio);
    BIO_clear_retry_flags(bio);
    if (!self || self->pending_in_.empty()) {
      BIO_set_retry_read(bio);
      return -1;
    }
    // Datagram semantics: a short read truncates, like recv() on UDP.
    const std::size_t n = std::min(self->pending_in_.size(), static_cast<std::size_t>(std::max(len, 0)));
    std::copy_n(self->pending_in_.data(), n, reinterpret_cast<uint8_t *>(buf));
    self->pending_in_.clear();
    return static_cast<int>(n);
  }

  static long bio_ctrl(BIO *, int cmd, long, void *) {
    switch (cmd) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        // config_.mtu already counts UDP payload bytes only.
        return 0;
      default:
        return 0;
    }
  }

  static int bio_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  static int verify(int, X509_STORE_CTX *store) {
    auto *ssl = static_cast<SSL *>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto *self = ssl ? static_cast<DtlsEngine *>(SSL_get_app_data(ssl)) : nullptr;
    if (!self) return 0;
    // WebRTC certificates are self-signed: trust comes from the signalled
    // fingerprint of the leaf alone, so chain errors are ignored.
    if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
    if (verify_fingerprint(X509_STORE_CTX_get_current_cert(store), self->config_.remote_fingerprints).ok())
      return 1;
    self->fingerprint_mismatch_ = true;
    return 0;
  }

  // Keeps OpenSSL's wall-clock timer from ever firing (see top of file).
  static unsigned int timer(SSL *, unsigned int) { return 3600u * 1000000u; }
};

Result<std::unique_ptr<DtlsEngine>> DtlsEngine::create(const Certificate &certificate, DtlsConfig config) {
  if (config.remote_fingerprints.empty())
    return jsep::make_error(ErrorCode::InvalidAccess, "no remote fingerprint to verify the peer with");
  if (config.mtu < 256 || config.mtu > 65507)
    return jsep::make_error(ErrorCode::InvalidAccess, "mtu out of range");
  std::unique_ptr<DtlsEngine> engine(new DtlsEngine(std::move(config)));
  auto st = engine->init(certificate);
  if (!st.ok()) return st.error();
  return engine;
}

DtlsEngine::~DtlsEngine() {
  // The SSL must go before the BIO method it uses; members would do it in
  // declaration order already, this only makes it explicit.
  ssl_.reset();
  ctx_.reset();
}

Status DtlsEngine::init(const Certificate &certificate) {
  ctx_.reset(SSL_CTX_new(DTLS_method()));
  if (!ctx_) return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("SSL_CTX_new"));
  SSL_CTX *ctx = ctx_.get();
  if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
      !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION))
    return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("cannot restrict to DTLS 1.2"));
  if (SSL_CTX_use_certificate(ctx, certificate.x509()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, certificate.pkey()) != 1 || SSL_CTX_check_private_key(ctx) != 1)
    return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("cannot use certificate"));
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1)
    return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("cannot set ciphers"));
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &Glue::verify);
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_read_ahead(ctx, 1);
  if (!config_.srtp_profiles.empty()) {
    std::string list;
    for (SrtpProfile p : config_.srtp_profiles) {
      if (!list.empty()) list += ':';
      list += srtp_profile_name(p);
    }
    // Returns 0 on success, unlike most of OpenSSL.
    if (SSL_CTX_set_tlsext_use_srtp(ctx, list.c_str()) != 0)
      return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("cannot set SRTP profiles"));
  }

  bio_method_.reset(BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "gst-rtc-dtls"));
  if (!bio_method_ || !BIO_meth_set_write(bio_method_.get(), &Glue::bio_write) ||
      !BIO_meth_set_read(bio_method_.get(), &Glue::bio_read) ||
      !BIO_meth_set_ctrl(bio_method_.get(), &Glue::bio_ctrl) ||
      !BIO_meth_set_create(bio_method_.get(), &Glue::bio_create))
    return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("cannot create BIO method"));

  ssl_.reset(SSL_new(ctx));
  if (!ssl_) return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("SSL_new"));
  SSL_set_app_data(ssl_.get(), this);
  BIO *bio = BIO_new(bio_method_.get());
  if (!bio) return jsep::make_error(ErrorCode::DtlsFailure, ossl_reason("BIO_new"));
  BIO_set_data(bio, this);
  // One BIO for both directions: SSL_set_bio then takes a single reference.
  SSL_set_bio(ssl_.get(), bio, bio);
  DTLS_set_link_mtu(ssl_.get(), static_cast<long>(config_.mtu));
  SSL_set_mtu(ssl_.get(), static_cast<long>(config_.mtu));
  DTLS_set_timer_cb(ssl_.get(), &Glue::timer);
  if (config_.role == DtlsRole::Client)
    SSL_set_connect_state(ssl_.get());
  else
    SSL_set_accept_state(ssl_.get());
  return Ok{};
}

Status DtlsEngine::start(TimePoint now) {
  if (state_ != DtlsState::New)
    return jsep::make_error(ErrorCode::InvalidState, "DTLS engine already started");
  state_ = DtlsState::Connecting;
  if (config_.role == DtlsRole::Client) drive(now);
  return Ok{};
}

void DtlsEngine::queue_output(const uint8_t *data, std::size_t len) {
  out_.emplace_back(data, data + len);
  ++stats_.datagrams_sent;
  if (capturing_) captured_.emplace_back(data, data + len);
}

void DtlsEngine::feed(const uint8_t *data, std::size_t len, TimePoint now) {
  ++stats_.datagrams_received;
  bool has_handshake = false;
  if (!well_formed(data, len, min_protected_body(), &has_handshake)) {
    ++stats_.malformed_dropped;
    return;
  }
  if (state_ == DtlsState::New && config_.role == DtlsRole::Server) state_ = DtlsState::Connecting;
  if (state_ != DtlsState::Connecting && state_ != DtlsState::Connected) {
    ++stats_.ignored;
    return;
  }
  const bool peer_retransmitted = state_ == DtlsState::Connected && has_handshake;
  pending_in_.assign(data, data + len);
  drive(now);
  pending_in_.clear();
  if (peer_retransmitted && state_ == DtlsState::Connected) {
    for (const auto &d : final_flight_) queue_output(d.data(), d.size());
    if (!final_flight_.empty()) ++stats_.retransmissions;
  }
}

void DtlsEngine::drive(TimePoint now) {
  if (state_ == DtlsState::Connecting) {
    capturing_ = true;
    captured_.clear();
    const int r = SSL_do_handshake(ssl_.get());
    capturing_ = false;
    const bool sent = !captured_.empty();
    if (sent) {
      // New output during the handshake is the next flight: it replaces the
      // previous one and restarts the backoff.
      flight_ = std::move(captured_);
      captured_.clear();
      arm_timer(now);
    }
    if (r == 1) {
      on_handshake_done(sent);
    } else {
      const int err = SSL_get_error(ssl_.get(), r);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        if (fingerprint_mismatch_)
          fail(ErrorCode::FingerprintFailure, ossl_reason("peer certificate matches no a=fingerprint"));
        else
          fail(ErrorCode::DtlsFailure, ossl_reason("DTLS handshake failed"));
        return;
      }
    }
  }
  if (state_ == DtlsState::Connected) drain_application_data();
}

void DtlsEngine::arm_timer(TimePoint now) {
  retransmits_ = 0;
  timeout_ = config_.initial_retransmit;
  deadline_ = now + timeout_;
}

void DtlsEngine::on_handshake_done(bool sent_last_flight) {
  final_flight_ = sent_last_flight ? std::move(flight_) : decltype(flight_){};
  flight_.clear();
  deadline_.reset();

  // Checked again after the handshake so that no path through OpenSSL's
  // verification (e.g. a resumed session) skips the fingerprint.
  auto verified = verify_fingerprint(SSL_get0_peer_certificate(ssl_.get()), config_.remote_fingerprints);
  if (!verified.ok()) {
    fail(ErrorCode::FingerprintFailure, verified.error().message);
    return;
  }

  if (const SRTP_PROTECTION_PROFILE *selected = SSL_get_selected_srtp_profile(ssl_.get())) {
    auto profile = srtp_profile_from_id(selected->id);
    if (!profile) {
      fail(ErrorCode::DtlsFailure, "peer selected an unknown SRTP profile");
      return;
    }
    const std::size_t kl = srtp_key_length(*profile);
    const std::size_t sl = srtp_salt_length(*profile);
    std::vector<uint8_t> m(2 * (kl + sl));
    static constexpr char kLabel[] = "EXTRACTOR-dtls_srtp";
    if (SSL_export_keying_material(ssl_.get(), m.data(), m.size(), kLabel, sizeof(kLabel) - 1, nullptr, 0,
                                   0) != 1) {
      fail(ErrorCode::DtlsFailure, ossl_reason("cannot export SRTP keying material"));
      return;
    }
    // RFC 5764 §4.2: client key | server key | client salt | server salt.
    auto part = [&](std::size_t off, std::size_t n) {
      return std::vector<uint8_t>(m.begin() + static_cast<long>(off), m.begin() + static_cast<long>(off + n));
    };
    SrtpKeys keys;
    keys.profile = *profile;
    const bool client = config_.role == DtlsRole::Client;
    keys.local_key = part(client ? 0 : kl, kl);
    keys.remote_key = part(client ? kl : 0, kl);
    keys.local_salt = part(2 * kl + (client ? 0 : sl), sl);
    keys.remote_salt = part(2 * kl + (client ? sl : 0), sl);
    OPENSSL_cleanse(m.data(), m.size());
    srtp_keys_ = std::move(keys);
  }
  state_ = DtlsState::Connected;
}

void DtlsEngine::drain_application_data() {
  uint8_t buf[kMaxPlaintext];
  for (;;) {
    const int n = SSL_read(ssl_.get(), buf, sizeof(buf));
    if (n > 0) {
      app_in_.emplace_back(buf, buf + n);
      stats_.application_bytes_received += static_cast<uint64_t>(n);
      continue;
    }
    const int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_ZERO_RETURN) {
      state_ = DtlsState::Closed;
      ERR_clear_error();
    } else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
      fail(ErrorCode::DtlsFailure, ossl_reason("DTLS connection failed"));
    }
    return;
  }
}

void DtlsEngine::fail(ErrorCode code, std::string message) {
  state_ = DtlsState::Failed;
  error_ = jsep::make_error(code, std::move(message));
  deadline_.reset();
  flight_.clear();
  final_flight_.clear();
  app_in_.clear();
  ERR_clear_error();
}

std::optional<std::vector<uint8_t>> DtlsEngine::poll_output() {
  if (out_.empty()) return std::nullopt;
  auto d = std::move(out_.front());
  out_.pop_front();
  return d;
}

std::optional<std::vector<uint8_t>> DtlsEngine::poll_application_data() {
  if (app_in_.empty()) return std::nullopt;
  auto d = std::move(app_in_.front());
  app_in_.pop_front();
  return d;
}

std::optional<DtlsEngine::TimePoint> DtlsEngine::next_timeout() const {
  return state_ == DtlsState::Connecting ? deadline_ : std::nullopt;
}

void DtlsEngine::handle_timeout(TimePoint now) {
  if (state_ != DtlsState::Connecting || !deadline_ || now < *deadline_) return;
  if (retransmits_ >= config_.max_retransmits) {
    fail(ErrorCode::DtlsFailure, "DTLS handshake timed out");
    return;
  }
  for (const auto &d : flight_) queue_output(d.data(), d.size());
  ++stats_.retransmissions;
  ++retransmits_;
  timeout_ = std::min(timeout_ * 2, config_.max_retransmit);
  deadline_ = now + timeout_;
}

Status DtlsEngine::send_application_data(const uint8_t *data, std::size_t len) {
  if (state_ != DtlsState::Connected)
    return jsep::make_error(ErrorCode::InvalidState, "DTLS transport is not connected");
  if (!data || len == 0 || len > kMaxPlaintext)
    return jsep::make_error(ErrorCode::InvalidAccess, "application data must be 1..16384 bytes");
  const int n = SSL_write(ssl_.get(), data, static_cast<int>(len));
  if (n <= 0 || static_cast<std::size_t>(n) != len) {
    const std::string reason = ossl_reason("SSL_write failed");
    return jsep::make_error(ErrorCode::DtlsFailure, reason);
  }
  stats_.application_bytes_sent += len;
  return Ok{};
}

void DtlsEngine::close() {
  if (state_ == DtlsState::Connected) {
    // Only our close_notify: the peer's answer is not awaited (RFC 5246 §7.2.1).
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  if (state_ != DtlsState::Failed) state_ = DtlsState::Closed;
  deadline_.reset();
}

std::size_t DtlsEngine::min_protected_body() const {
  // Header + body of a full-MTU record minus the payload it carries is the
  // cipher's fixed overhead (explicit nonce + tag, or IV + MAC + padding).
  if (state_ == DtlsState::New || !SSL_get_current_cipher(ssl_.get())) return 1;
  const std::size_t data_mtu = DTLS_get_data_mtu(ssl_.get());
  if (data_mtu == 0 || data_mtu + kRecordHeader >= config_.mtu) return 1;
  return config_.mtu - kRecordHeader - data_mtu;
}

X509 *DtlsEngine::peer_certificate() const {
  return ssl_ ? SSL_get0_peer_certificate(ssl_.get()) : nullptr;
}

std::size_t DtlsEngine::max_application_payload() const {
  if (state_ != DtlsState::Connected) return 0;
  return DTLS_get_data_mtu(ssl_.get());
}

}  // namespace gst_rtc::dtls
