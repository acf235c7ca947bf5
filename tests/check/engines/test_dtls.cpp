// DtlsEngine and Certificate: two engines back to back in memory on a
// simulated clock, so loss and retransmission take no wall-clock time.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "certificate.h"
#include "dtls-engine.h"
#include "srtp-engine.h"

using namespace gst_rtc::dtls;
using namespace std::chrono_literals;
using TimePoint = DtlsEngine::TimePoint;

namespace {

// Key generation dominates run time, so the common certificates are shared.
const Certificate &ecdsa_cert(int which) {
  static Certificate a = Certificate::generate().value();
  static Certificate b = Certificate::generate().value();
  return which == 0 ? a : b;
}

const Certificate &rsa_cert() {
  static Certificate c = Certificate::generate({.key_type = KeyType::Rsa}).value();
  return c;
}

std::vector<Fingerprint> fingerprints_of(const Certificate &c) {
  return {{"sha-256", c.fingerprint().value()}};
}

std::unique_ptr<DtlsEngine> make_engine(const Certificate &own, const Certificate &peer, DtlsRole role,
                                        std::vector<SrtpProfile> profiles = {
                                            std::begin(kDefaultSrtpProfiles),
                                            std::end(kDefaultSrtpProfiles)}) {
  DtlsConfig config;
  config.role = role;
  config.remote_fingerprints = fingerprints_of(peer);
  config.srtp_profiles = std::move(profiles);
  auto engine = DtlsEngine::create(own, std::move(config));
  EXPECT_TRUE(engine.ok()) << (engine.ok() ? "" : engine.error().message);
  return std::move(engine).value();
}

// Two engines joined by a lossy in-memory "network" and a simulated clock.
struct Link {
  std::unique_ptr<DtlsEngine> client;
  std::unique_ptr<DtlsEngine> server;
  TimePoint now{std::chrono::seconds(1000)};
  std::mt19937 rng{1};
  double loss = 0.0;
  std::size_t largest_datagram = 0;
  // Returns false to drop a datagram: (from_client, datagram).
  std::function<bool(bool, const std::vector<uint8_t> &)> filter;

  bool lose() { return loss > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng) < loss; }

  void flush() {
    for (int round = 0; round < 1000; ++round) {
      bool moved = false;
      for (bool from_client : {true, false}) {
        DtlsEngine &src = from_client ? *client : *server;
        DtlsEngine &dst = from_client ? *server : *client;
        while (auto d = src.poll_output()) {
          moved = true;
          largest_datagram = std::max(largest_datagram, d->size());
          if (lose() || (filter && !filter(from_client, *d))) continue;
          dst.feed(d->data(), d->size(), now);
        }
      }
      if (!moved) return;
    }
  }

  bool settled() const {
    auto done = [](DtlsState s) { return s != DtlsState::New && s != DtlsState::Connecting; };
    return (done(client->state()) && done(server->state())) || client->state() == DtlsState::Failed ||
           server->state() == DtlsState::Failed;
  }

  // Runs until both sides are connected or failed, advancing the clock to
  // each retransmission deadline instead of sleeping.
  bool handshake(std::chrono::seconds limit = 120s) {
    const TimePoint end = now + limit;
    EXPECT_TRUE(server->start(now).ok());
    EXPECT_TRUE(client->start(now).ok());
    flush();
    while (!settled() && now < end) {
      auto a = client->next_timeout();
      auto b = server->next_timeout();
      if (!a && !b) break;
      now = std::max(now, std::min(a.value_or(TimePoint::max()), b.value_or(TimePoint::max())));
      client->handle_timeout(now);
      server->handle_timeout(now);
      flush();
    }
    return client->state() == DtlsState::Connected && server->state() == DtlsState::Connected;
  }
};

Link make_link(std::vector<SrtpProfile> client_profiles = {std::begin(kDefaultSrtpProfiles),
                                                           std::end(kDefaultSrtpProfiles)},
               std::vector<SrtpProfile> server_profiles = {std::begin(kDefaultSrtpProfiles),
                                                           std::end(kDefaultSrtpProfiles)}) {
  Link link;
  link.client = make_engine(ecdsa_cert(0), ecdsa_cert(1), DtlsRole::Client, std::move(client_profiles));
  link.server = make_engine(ecdsa_cert(1), ecdsa_cert(0), DtlsRole::Server, std::move(server_profiles));
  return link;
}

void expect_matching_keys(const DtlsEngine &client, const DtlsEngine &server, SrtpProfile profile) {
  ASSERT_TRUE(client.srtp_keys().has_value());
  ASSERT_TRUE(server.srtp_keys().has_value());
  const SrtpKeys &c = *client.srtp_keys();
  const SrtpKeys &s = *server.srtp_keys();
  EXPECT_EQ(c.profile, profile);
  EXPECT_EQ(s.profile, profile);
  EXPECT_EQ(c.local_key.size(), srtp_key_length(profile));
  EXPECT_EQ(c.local_salt.size(), srtp_salt_length(profile));
  EXPECT_EQ(c.local_key, s.remote_key);
  EXPECT_EQ(c.local_salt, s.remote_salt);
  EXPECT_EQ(c.remote_key, s.local_key);
  EXPECT_EQ(c.remote_salt, s.local_salt);
  EXPECT_NE(c.local_key, c.remote_key);
}

void handshake_with_profile(SrtpProfile profile) {
  Link link = make_link({profile}, {profile});
  ASSERT_TRUE(link.handshake());
  expect_matching_keys(*link.client, *link.server, profile);
}

std::vector<uint8_t> bytes(std::size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

}  // namespace

// --- Certificate ---------------------------------------------------------------

TEST(Certificate, EcdsaFingerprintIsUpperCaseSdpForm) {
  auto fp = ecdsa_cert(0).fingerprint("sha-256");
  ASSERT_TRUE(fp.ok());
  ASSERT_EQ(fp->size(), 32u * 3 - 1);
  for (std::size_t i = 0; i < fp->size(); ++i) {
    const char c = (*fp)[i];
    if (i % 3 == 2)
      EXPECT_EQ(c, ':');
    else
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) << c;
  }
  EXPECT_EQ(EVP_PKEY_get_base_id(ecdsa_cert(0).pkey()), EVP_PKEY_EC);
}

TEST(Certificate, FingerprintAlgorithms) {
  const std::pair<const char *, std::size_t> cases[] = {
      {"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"SHA-384", 48}, {"sha-512", 64}};
  for (auto [name, len] : cases) {
    auto fp = ecdsa_cert(0).fingerprint(name);
    ASSERT_TRUE(fp.ok()) << name;
    EXPECT_EQ(fp->size(), len * 3 - 1) << name;
  }
  auto bad = ecdsa_cert(0).fingerprint("md5");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::NotSupported);
}

TEST(Certificate, RsaKeyType) {
  EXPECT_EQ(EVP_PKEY_get_base_id(rsa_cert().pkey()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(rsa_cert().pkey()), 2048);
}

TEST(Certificate, DefaultValidityIsBackdatedThirtyDays) {
  const X509 *x = ecdsa_cert(0).x509();
  int days = 0, secs = 0;
  ASSERT_TRUE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)));
  EXPECT_EQ(days, 31);
  ASSERT_TRUE(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notBefore(x)));
  EXPECT_EQ(days, -1);  // a day in the past, give or take the seconds the test took
}

TEST(Certificate, CustomValidityAndCommonName) {
  auto c = Certificate::generate({.common_name = "peer", .not_before_offset = 0s, .validity = 48h});
  ASSERT_TRUE(c.ok());
  int days = 0, secs = 0;
  ASSERT_TRUE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c->x509()), X509_get0_notAfter(c->x509())));
  EXPECT_EQ(days, 2);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(c->x509()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "peer");
  X509_NAME_get_text_by_NID(X509_get_subject_name(ecdsa_cert(0).x509()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "gst-rtc");
}

TEST(Certificate, RsaOptions) {
  // Modulus length, public exponent and signature digest are what was asked.
  auto c = Certificate::generate({.key_type = KeyType::Rsa,
                                  .rsa_bits = 1024,
                                  .rsa_public_exponent = 3,
                                  .rsa_hash = SignatureHash::Sha384});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(EVP_PKEY_get_bits(c->pkey()), 1024);
  BIGNUM *e = nullptr;
  ASSERT_TRUE(EVP_PKEY_get_bn_param(c->pkey(), "e", &e));
  EXPECT_TRUE(BN_is_word(e, 3));
  BN_free(e);
  EXPECT_EQ(X509_get_signature_nid(c->x509()), NID_sha384WithRSAEncryption);
  EXPECT_EQ(X509_get_signature_nid(rsa_cert().x509()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_get_signature_nid(ecdsa_cert(0).x509()), NID_ecdsa_with_SHA256);
}

TEST(Certificate, RsaOptionsOutOfRange) {
  const CertificateOptions bad[] = {
      {.key_type = KeyType::Rsa, .rsa_bits = 512},
      {.key_type = KeyType::Rsa, .rsa_bits = 16385},
      {.key_type = KeyType::Rsa, .rsa_bits = 1024, .rsa_public_exponent = 65536},
      {.key_type = KeyType::Rsa, .rsa_bits = 1024, .rsa_public_exponent = 1},
  };
  for (const auto &o : bad) {
    auto c = Certificate::generate(o);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, ErrorCode::InvalidAccess);
  }
}

TEST(Certificate, ExpiresIsNotAfter) {
  const int64_t before = int64_t(std::time(nullptr)) * 1000;
  auto c = Certificate::generate({.validity = 3600s});
  ASSERT_TRUE(c.ok());
  auto expires = c->expires_unix_ms();
  ASSERT_TRUE(expires.ok());
  EXPECT_GE(*expires, before + 3600 * 1000);
  EXPECT_LE(*expires, before + 3605 * 1000);
}

TEST(Certificate, SerialsAreRandom) {
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(ecdsa_cert(0).x509()),
                             X509_get0_serialNumber(ecdsa_cert(1).x509())),
            0);
  EXPECT_NE(ecdsa_cert(0).fingerprint().value(), ecdsa_cert(1).fingerprint().value());
}

TEST(Certificate, PemRoundTrip) {
  for (const Certificate *c : {&ecdsa_cert(0), &rsa_cert()}) {
    auto cert_pem = c->cert_pem();
    auto key_pem = c->key_pem();
    ASSERT_TRUE(cert_pem.ok() && key_pem.ok());
    EXPECT_NE(cert_pem->find("BEGIN CERTIFICATE"), std::string::npos);
    EXPECT_NE(key_pem->find("PRIVATE KEY"), std::string::npos);
    auto loaded = Certificate::from_pem(*cert_pem, *key_pem);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->fingerprint().value(), c->fingerprint().value());
  }
}

TEST(Certificate, MismatchedKeyRejected) {
  auto loaded = Certificate::from_pem(ecdsa_cert(0).cert_pem().value(), ecdsa_cert(1).key_pem().value());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::InvalidAccess);
}

TEST(Certificate, GarbagePemRejected) {
  const std::string key = ecdsa_cert(0).key_pem().value();
  const std::string cert = ecdsa_cert(0).cert_pem().value();
  EXPECT_EQ(Certificate::from_pem("", key).error().code, ErrorCode::Syntax);
  EXPECT_EQ(Certificate::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", key)
                .error()
                .code,
            ErrorCode::Syntax);
  EXPECT_EQ(Certificate::from_pem(cert, "not a key").error().code, ErrorCode::Syntax);
  EXPECT_EQ(Certificate::from_pem(cert.substr(0, cert.size() / 2), key).error().code, ErrorCode::Syntax);
}

TEST(Fingerprint, VerifyIsCaseInsensitive) {
  std::string fp = ecdsa_cert(0).fingerprint().value();
  std::transform(fp.begin(), fp.end(), fp.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_TRUE(verify_fingerprint(ecdsa_cert(0).x509(), {{"SHA-256", fp}}).ok());
}

TEST(Fingerprint, VerifyAcceptsAnyOfSeveral) {
  const std::vector<Fingerprint> list = {{"sha-256", ecdsa_cert(1).fingerprint().value()},
                                         {"sha-1", ecdsa_cert(0).fingerprint("sha-1").value()}};
  EXPECT_TRUE(verify_fingerprint(ecdsa_cert(0).x509(), list).ok());
  EXPECT_TRUE(verify_fingerprint(ecdsa_cert(1).x509(), list).ok());
}

TEST(Fingerprint, VerifyRejectsWrongOrUnknown) {
  auto wrong = verify_fingerprint(ecdsa_cert(0).x509(), fingerprints_of(ecdsa_cert(1)));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::FingerprintFailure);
  // Right value under an unknown hash name, or under the wrong hash, never matches.
  EXPECT_FALSE(verify_fingerprint(ecdsa_cert(0).x509(), {{"md5", ecdsa_cert(0).fingerprint().value()}}).ok());
  EXPECT_FALSE(
      verify_fingerprint(ecdsa_cert(0).x509(), {{"sha-384", ecdsa_cert(0).fingerprint().value()}}).ok());
  EXPECT_FALSE(verify_fingerprint(ecdsa_cert(0).x509(), {}).ok());
  EXPECT_EQ(verify_fingerprint(nullptr, fingerprints_of(ecdsa_cert(0))).error().code,
            ErrorCode::FingerprintFailure);
}

// --- Handshake -----------------------------------------------------------------

TEST(DtlsEngine, CreateNeedsRemoteFingerprint) {
  auto engine = DtlsEngine::create(ecdsa_cert(0), DtlsConfig{});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code, ErrorCode::InvalidAccess);
}

TEST(DtlsEngine, HandshakeStateSequenceAndDefaultProfile) {
  Link link = make_link();
  EXPECT_EQ(link.client->state(), DtlsState::New);
  EXPECT_EQ(link.server->state(), DtlsState::New);
  EXPECT_FALSE(link.client->next_timeout().has_value());
  ASSERT_TRUE(link.handshake());
  EXPECT_EQ(link.client->stats().retransmissions, 0u);
  EXPECT_FALSE(link.client->next_timeout().has_value());
  EXPECT_FALSE(link.server->next_timeout().has_value());
  // The first profile offered wins when both sides offer all four.
  expect_matching_keys(*link.client, *link.server, SrtpProfile::AeadAes256Gcm);
  EXPECT_FALSE(link.client->error().has_value());
}

TEST(DtlsEngine, PeerCertificateIsThePeers) {
  Link link = make_link();
  EXPECT_EQ(link.client->peer_certificate(), nullptr);
  ASSERT_TRUE(link.handshake());
  auto got = pem_of(link.client->peer_certificate());
  auto want = ecdsa_cert(1).cert_pem();
  ASSERT_TRUE(got.ok() && want.ok());
  EXPECT_EQ(*got, *want);
  got = pem_of(link.server->peer_certificate());
  want = ecdsa_cert(0).cert_pem();
  ASSERT_TRUE(got.ok() && want.ok());
  EXPECT_EQ(*got, *want);
  EXPECT_FALSE(pem_of(nullptr).ok());
}

TEST(DtlsEngine, StartTwiceIsInvalidState) {
  Link link = make_link();
  ASSERT_TRUE(link.client->start(link.now).ok());
  auto again = link.client->start(link.now);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::InvalidState);
}

TEST(DtlsEngine, ProfileAeadAes256Gcm) {
  handshake_with_profile(SrtpProfile::AeadAes256Gcm);
}
TEST(DtlsEngine, ProfileAeadAes128Gcm) {
  handshake_with_profile(SrtpProfile::AeadAes128Gcm);
}
TEST(DtlsEngine, ProfileAes128CmSha1_80) {
  handshake_with_profile(SrtpProfile::Aes128CmSha1_80);
}
TEST(DtlsEngine, ProfileAes128CmSha1_32) {
  handshake_with_profile(SrtpProfile::Aes128CmSha1_32);
}

TEST(DtlsEngine, ServerPreferenceSelectsProfile) {
  Link link = make_link({std::begin(kDefaultSrtpProfiles), std::end(kDefaultSrtpProfiles)},
                        {SrtpProfile::Aes128CmSha1_80, SrtpProfile::AeadAes128Gcm});
  ASSERT_TRUE(link.handshake());
  expect_matching_keys(*link.client, *link.server, SrtpProfile::Aes128CmSha1_80);
}

TEST(DtlsEngine, RolesSwappedByCertificate) {
  // The same two certificates with the other endpoint acting as client.
  Link link;
  link.client = make_engine(ecdsa_cert(1), ecdsa_cert(0), DtlsRole::Client);
  link.server = make_engine(ecdsa_cert(0), ecdsa_cert(1), DtlsRole::Server);
  ASSERT_TRUE(link.handshake());
  EXPECT_EQ(link.client->role(), DtlsRole::Client);
  EXPECT_EQ(link.server->role(), DtlsRole::Server);
  expect_matching_keys(*link.client, *link.server, SrtpProfile::AeadAes256Gcm);
}

TEST(DtlsEngine, RsaCertificates) {
  Link link;
  link.client = make_engine(rsa_cert(), ecdsa_cert(1), DtlsRole::Client);
  link.server = make_engine(ecdsa_cert(1), rsa_cert(), DtlsRole::Server);
  ASSERT_TRUE(link.handshake());
  expect_matching_keys(*link.client, *link.server, SrtpProfile::AeadAes256Gcm);

  Link both_rsa;
  both_rsa.client = make_engine(rsa_cert(), rsa_cert(), DtlsRole::Client);
  both_rsa.server = make_engine(rsa_cert(), rsa_cert(), DtlsRole::Server);
  ASSERT_TRUE(both_rsa.handshake());
  EXPECT_LE(both_rsa.largest_datagram, 1200u);
}

TEST(DtlsEngine, HandshakeDatagramsFitMtu) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  EXPECT_GT(link.largest_datagram, 0u);
  EXPECT_LE(link.largest_datagram, 1200u);
}

TEST(DtlsEngine, SmallMtuFragmentsHandshake) {
  Link link;
  DtlsConfig c;
  c.role = DtlsRole::Client;
  c.remote_fingerprints = fingerprints_of(rsa_cert());
  c.mtu = 400;
  link.client = DtlsEngine::create(ecdsa_cert(0), c).value();
  c.role = DtlsRole::Server;
  c.remote_fingerprints = fingerprints_of(ecdsa_cert(0));
  link.server = DtlsEngine::create(rsa_cert(), c).value();
  ASSERT_TRUE(link.handshake());
  EXPECT_LE(link.largest_datagram, 400u);
}

TEST(DtlsEngine, RetransmissionStartsAt100msAndDoubles) {
  Link link = make_link();
  ASSERT_TRUE(link.client->start(link.now).ok());
  auto hello = link.client->poll_output();
  ASSERT_TRUE(hello.has_value());
  ASSERT_EQ(link.client->next_timeout(), link.now + 100ms);
  link.client->handle_timeout(link.now + 99ms);
  EXPECT_FALSE(link.client->poll_output().has_value());
  link.client->handle_timeout(link.now + 100ms);
  auto again = link.client->poll_output();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *hello);
  EXPECT_EQ(link.client->next_timeout(), link.now + 300ms);
  EXPECT_EQ(link.client->stats().retransmissions, 1u);
}

TEST(DtlsEngine, HandshakeTimesOutWithoutPeer) {
  Link link = make_link();
  ASSERT_TRUE(link.client->start(link.now).ok());
  std::chrono::milliseconds longest{0};
  TimePoint last = link.now;
  while (auto t = link.client->next_timeout()) {
    longest = std::max(longest, std::chrono::duration_cast<std::chrono::milliseconds>(*t - last));
    last = *t;
    link.client->handle_timeout(*t);
    while (link.client->poll_output()) {
    }
  }
  EXPECT_EQ(link.client->state(), DtlsState::Failed);
  EXPECT_EQ(link.client->error()->code, ErrorCode::DtlsFailure);
  EXPECT_EQ(longest, 3000ms);
  EXPECT_EQ(link.client->stats().retransmissions, 10u);
}

TEST(DtlsEngine, ServerHasNoTimerBeforeInput) {
  Link link = make_link();
  ASSERT_TRUE(link.server->start(link.now).ok());
  EXPECT_FALSE(link.server->poll_output().has_value());
  EXPECT_FALSE(link.server->next_timeout().has_value());
  EXPECT_EQ(link.server->state(), DtlsState::Connecting);
}

TEST(DtlsEngine, HandshakeSurvivesTwentyPercentLoss) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    Link link = make_link();
    link.rng.seed(seed);
    link.loss = 0.2;
    ASSERT_TRUE(link.handshake()) << "seed " << seed;
    expect_matching_keys(*link.client, *link.server, SrtpProfile::AeadAes256Gcm);
  }
}

TEST(DtlsEngine, HandshakeSurvivesLossWithRsa) {
  for (unsigned seed = 100; seed < 110; ++seed) {
    Link link;
    link.client = make_engine(rsa_cert(), rsa_cert(), DtlsRole::Client);
    link.server = make_engine(rsa_cert(), rsa_cert(), DtlsRole::Server);
    link.rng.seed(seed);
    link.loss = 0.2;
    ASSERT_TRUE(link.handshake()) << "seed " << seed;
  }
}

TEST(DtlsEngine, LostFinalFlightIsResent) {
  Link link = make_link();
  int dropped = 0;
  // The server's CCS+Finished flight is the one without a timer of its own.
  link.filter = [&](bool from_client, const std::vector<uint8_t> &d) {
    if (!from_client && link.server->state() == DtlsState::Connected && dropped < 2 && d[0] == 20) {
      ++dropped;
      return false;
    }
    return true;
  };
  ASSERT_TRUE(link.handshake());
  EXPECT_EQ(dropped, 2);
  EXPECT_GE(link.server->stats().retransmissions, 2u);
}

TEST(DtlsEngine, DuplicatedDatagramsAreHarmless) {
  Link link = make_link();
  link.filter = [&](bool from_client, const std::vector<uint8_t> &d) {
    (from_client ? *link.server : *link.client).feed(d.data(), d.size(), link.now);
    return true;
  };
  ASSERT_TRUE(link.handshake());
  expect_matching_keys(*link.client, *link.server, SrtpProfile::AeadAes256Gcm);
}

TEST(DtlsEngine, WrongFingerprintAtClient) {
  Link link;
  link.client = make_engine(ecdsa_cert(0), rsa_cert(), DtlsRole::Client);  // expects the wrong peer
  link.server = make_engine(ecdsa_cert(1), ecdsa_cert(0), DtlsRole::Server);
  EXPECT_FALSE(link.handshake());
  EXPECT_EQ(link.client->state(), DtlsState::Failed);
  EXPECT_EQ(link.client->error()->code, ErrorCode::FingerprintFailure);
  EXPECT_NE(link.server->state(), DtlsState::Connected);
  EXPECT_FALSE(link.client->srtp_keys().has_value());
  const auto payload = bytes(10, 1);
  EXPECT_FALSE(link.client->send_application_data(payload.data(), payload.size()).ok());
  EXPECT_FALSE(link.server->send_application_data(payload.data(), payload.size()).ok());
  link.flush();
  EXPECT_FALSE(link.client->poll_application_data().has_value());
  EXPECT_FALSE(link.server->poll_application_data().has_value());
}

TEST(DtlsEngine, WrongFingerprintAtServer) {
  Link link;
  link.client = make_engine(ecdsa_cert(0), ecdsa_cert(1), DtlsRole::Client);
  link.server = make_engine(ecdsa_cert(1), rsa_cert(), DtlsRole::Server);
  EXPECT_FALSE(link.handshake());
  EXPECT_EQ(link.server->state(), DtlsState::Failed);
  EXPECT_EQ(link.server->error()->code, ErrorCode::FingerprintFailure);
  // The client learns of it through the server's alert.
  EXPECT_EQ(link.client->state(), DtlsState::Failed);
  EXPECT_EQ(link.client->error()->code, ErrorCode::DtlsFailure);
  const auto payload = bytes(10, 1);
  EXPECT_FALSE(link.client->send_application_data(payload.data(), payload.size()).ok());
  EXPECT_EQ(link.server->stats().application_bytes_received, 0u);
  EXPECT_FALSE(link.server->poll_application_data().has_value());
}

// --- Application data ----------------------------------------------------------

TEST(DtlsEngine, ApplicationDataBothWays) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  for (std::size_t size : {1u, 2u, 100u, 1000u, 1200u}) {
    const auto to_server = bytes(size, 3);
    const auto to_client = bytes(size, 5);
    ASSERT_TRUE(link.client->send_application_data(to_server.data(), to_server.size()).ok());
    ASSERT_TRUE(link.server->send_application_data(to_client.data(), to_client.size()).ok());
    link.flush();
    EXPECT_EQ(link.server->poll_application_data(), to_server) << size;
    EXPECT_EQ(link.client->poll_application_data(), to_client) << size;
    EXPECT_FALSE(link.server->poll_application_data().has_value());
  }
  EXPECT_EQ(link.client->stats().application_bytes_received, 1u + 2 + 100 + 1000 + 1200);
}

TEST(DtlsEngine, ApplicationDataKeepsOrderAndBoundaries) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  for (uint8_t i = 0; i < 20; ++i) {
    const auto p = bytes(i + 1u, i);
    ASSERT_TRUE(link.client->send_application_data(p.data(), p.size()).ok());
  }
  link.flush();
  for (uint8_t i = 0; i < 20; ++i) EXPECT_EQ(link.server->poll_application_data(), bytes(i + 1u, i));
}

TEST(DtlsEngine, ApplicationPayloadLimits) {
  Link link = make_link();
  const auto early = bytes(10, 0);
  auto not_yet = link.client->send_application_data(early.data(), early.size());
  ASSERT_FALSE(not_yet.ok());
  EXPECT_EQ(not_yet.error().code, ErrorCode::InvalidState);
  ASSERT_TRUE(link.handshake());
  const std::size_t max = link.client->max_application_payload();
  EXPECT_GT(max, 1100u);
  EXPECT_LT(max, 1200u);
  const auto fits = bytes(max, 9);
  ASSERT_TRUE(link.client->send_application_data(fits.data(), fits.size()).ok());
  auto d = link.client->poll_output();
  ASSERT_TRUE(d.has_value());
  EXPECT_LE(d->size(), 1200u);
  const auto big = bytes(16384, 1);
  EXPECT_TRUE(link.client->send_application_data(big.data(), big.size()).ok());
  const auto too_big = bytes(16385, 1);
  EXPECT_EQ(link.client->send_application_data(too_big.data(), too_big.size()).error().code,
            ErrorCode::InvalidAccess);
  EXPECT_FALSE(link.client->send_application_data(nullptr, 0).ok());
}

TEST(DtlsEngine, CloseNotifyClosesPeer) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  link.client->close();
  EXPECT_EQ(link.client->state(), DtlsState::Closed);
  link.flush();
  EXPECT_EQ(link.server->state(), DtlsState::Closed);
  EXPECT_FALSE(link.server->error().has_value());
  const auto p = bytes(5, 0);
  EXPECT_FALSE(link.server->send_application_data(p.data(), p.size()).ok());
  EXPECT_FALSE(link.client->send_application_data(p.data(), p.size()).ok());
}

TEST(DtlsEngine, ServerCloseNotifyClosesClient) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  const auto p = bytes(50, 2);
  ASSERT_TRUE(link.server->send_application_data(p.data(), p.size()).ok());
  link.server->close();
  link.flush();
  // Data sent before close_notify is still delivered.
  EXPECT_EQ(link.client->poll_application_data(), p);
  EXPECT_EQ(link.client->state(), DtlsState::Closed);
}

// --- Hostile input -------------------------------------------------------------

TEST(DtlsEngine, MalformedDatagramsAreCountedAndDropped) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  auto record = [](uint8_t type, uint8_t v1, uint8_t v2, uint16_t len, std::size_t body) {
    std::vector<uint8_t> r = {type, v1, v2, 0, 1, 0, 0, 0, 0, 0, 9, uint8_t(len >> 8), uint8_t(len)};
    r.resize(r.size() + body, 0xab);
    return r;
  };
  auto concat = [](std::vector<uint8_t> a, const std::vector<uint8_t> &b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::vector<std::vector<uint8_t>> cases = {
      {},
      {0x17},
      {0x16, 0xfe, 0xfd},
      std::vector<uint8_t>(12, 0x17),
      record(0, 0xfe, 0xfd, 4, 4),
      record(19, 0xfe, 0xfd, 4, 4),
      record(24, 0xfe, 0xfd, 4, 4),
      record(0xff, 0xfe, 0xfd, 4, 4),
      record(0x80, 0xfe, 0xfd, 4, 4),
      record(23, 0x03, 0x03, 4, 4),
      record(23, 0xfe, 0xfe, 4, 4),
      record(23, 0xfe, 0x00, 4, 4),
      record(22, 0x00, 0x00, 4, 4),
      record(23, 0xfe, 0xfd, 0, 0),
      record(22, 0xfe, 0xfd, 10, 9),
      record(23, 0xfe, 0xfd, 0xffff, 100),
      record(23, 0xfe, 0xfd, 20000, 20000),
      concat(record(23, 0xfe, 0xfd, 4, 4), {0x17, 0xfe}),
      concat(record(23, 0xfe, 0xfd, 4, 4), record(30, 0xfe, 0xfd, 4, 4)),
      concat(record(23, 0xfe, 0xfd, 4, 4), record(23, 0xfe, 0xfd, 8, 2)),
      record(23, 0xfe, 0xfd, 4, 5),
      std::vector<uint8_t>(1500, 0),
      std::vector<uint8_t>(1500, 0xff),
  };
  ASSERT_GE(cases.size(), 20u);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const uint64_t before = link.server->stats().malformed_dropped;
    link.server->feed(cases[i].data(), cases[i].size(), link.now);
    EXPECT_EQ(link.server->stats().malformed_dropped, before + 1) << "case " << i;
    EXPECT_EQ(link.server->state(), DtlsState::Connected) << "case " << i;
  }
  link.server->feed(nullptr, 0, link.now);
  EXPECT_EQ(link.server->stats().malformed_dropped, cases.size() + 1);
  // The connection is unharmed.
  const auto p = bytes(64, 4);
  ASSERT_TRUE(link.client->send_application_data(p.data(), p.size()).ok());
  link.flush();
  EXPECT_EQ(link.server->poll_application_data(), p);
}

TEST(DtlsEngine, ForgedRecordsDoNotBreakConnection) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    // Well-formed headers around random bodies: OpenSSL must discard them.
    const uint8_t type = static_cast<uint8_t>(20 + i % 4);
    const uint16_t len = static_cast<uint16_t>(1 + rng() % 300);
    std::vector<uint8_t> r = {type,
                              0xfe,
                              0xfd,
                              0,
                              static_cast<uint8_t>(i % 3),
                              0,
                              0,
                              0,
                              0,
                              static_cast<uint8_t>(i),
                              static_cast<uint8_t>(rng()),
                              uint8_t(len >> 8),
                              uint8_t(len)};
    for (uint16_t k = 0; k < len; ++k) r.push_back(static_cast<uint8_t>(rng()));
    link.client->feed(r.data(), r.size(), link.now);
    while (link.client->poll_output()) {
    }
    ASSERT_EQ(link.client->state(), DtlsState::Connected) << "record " << i;
  }
  EXPECT_EQ(link.client->state(), DtlsState::Connected);
  EXPECT_FALSE(link.client->poll_application_data().has_value());
  const auto p = bytes(300, 8);
  ASSERT_TRUE(link.server->send_application_data(p.data(), p.size()).ok());
  link.flush();
  EXPECT_EQ(link.client->poll_application_data(), p);
}

TEST(DtlsEngine, GarbageBeforeHandshakeLeavesServerUsable) {
  Link link = make_link();
  const std::vector<uint8_t> junk = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3};
  link.server->feed(junk.data(), 5, link.now);
  EXPECT_EQ(link.server->stats().malformed_dropped, 1u);
  EXPECT_EQ(link.server->state(), DtlsState::New);
  ASSERT_TRUE(link.handshake());
}

TEST(DtlsEngine, DatagramsAfterCloseAreIgnored) {
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  link.server->close();
  const auto p = bytes(10, 1);
  ASSERT_TRUE(link.client->send_application_data(p.data(), p.size()).ok());
  auto d = link.client->poll_output();
  ASSERT_TRUE(d.has_value());
  link.server->feed(d->data(), d->size(), link.now);
  EXPECT_EQ(link.server->stats().ignored, 1u);
  EXPECT_FALSE(link.server->poll_application_data().has_value());
}

// --- DTLS-SRTP end to end --------------------------------------------------------

TEST(DtlsEngine, ExportedKeysDriveSrtp) {
  for (SrtpProfile profile : kDefaultSrtpProfiles) {
    Link link = make_link({profile}, {profile});
    ASSERT_TRUE(link.handshake());
    auto tx = SrtpEngine::create(*link.client->srtp_keys());
    auto rx = SrtpEngine::create(*link.server->srtp_keys());
    ASSERT_TRUE(tx.ok() && rx.ok());
    std::vector<uint8_t> pkt = {0x80, 96, 0, 1, 0, 0, 0, 100, 0x11, 0x22, 0x33, 0x44};
    const auto payload = bytes(160, 1);
    pkt.insert(pkt.end(), payload.begin(), payload.end());
    const auto plain = pkt;
    pkt.resize(pkt.size() + 64);
    auto n = (*tx)->protect_rtp(pkt.data(), plain.size(), pkt.size());
    ASSERT_TRUE(n.ok());
    auto m = (*rx)->unprotect_rtp(pkt.data(), *n);
    ASSERT_TRUE(m.ok()) << srtp_profile_name(profile);
    EXPECT_EQ(std::vector<uint8_t>(pkt.begin(), pkt.begin() + static_cast<long>(*m)), plain);
  }
}
TEST(DtlsEngine, ShortProtectedRecordsAreDropped) {
  // Epoch-1 records too short for the cipher's nonce and tag.
  Link link = make_link();
  ASSERT_TRUE(link.handshake());
  uint64_t fed = 0;
  for (uint8_t type = 20; type <= 23; ++type) {
    for (uint16_t len = 1; len < 24; ++len) {
      std::vector<uint8_t> r = {type, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 50, uint8_t(len >> 8), uint8_t(len)};
      r.resize(13 + len, 0x33);
      link.client->feed(r.data(), r.size(), link.now);
      ++fed;
      ASSERT_EQ(link.client->state(), DtlsState::Connected) << int{type} << " " << len;
    }
  }
  EXPECT_EQ(link.client->stats().malformed_dropped, fed);
  const auto p = bytes(20, 1);
  ASSERT_TRUE(link.server->send_application_data(p.data(), p.size()).ok());
  link.flush();
  EXPECT_EQ(link.client->poll_application_data(), p);
}
