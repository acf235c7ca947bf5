// SrtpEngine (libsrtp2) and the RFC 7983 classifier, with fixed keys.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <openssl/evp.h>

#include "aes-gcm.h"
#include "srtp-engine.h"

using namespace gst_rtc::dtls;

namespace {

constexpr std::size_t kRoom = 64;

SrtpKeys keys_for(SrtpProfile profile, uint8_t seed) {
  SrtpKeys k;
  k.profile = profile;
  k.local_key.assign(srtp_key_length(profile), 0);
  k.local_salt.assign(srtp_salt_length(profile), 0);
  for (std::size_t i = 0; i < k.local_key.size(); ++i) k.local_key[i] = static_cast<uint8_t>(seed + i);
  for (std::size_t i = 0; i < k.local_salt.size(); ++i) k.local_salt[i] = static_cast<uint8_t>(seed * 3 + i);
  k.remote_key = k.local_key;
  k.remote_salt = k.local_salt;
  for (auto &b : k.remote_key) b ^= 0x5a;
  for (auto &b : k.remote_salt) b ^= 0xa5;
  return k;
}

// The peer of keys_for(): what one side sends with, the other receives with.
SrtpKeys mirror(SrtpKeys k) {
  std::swap(k.local_key, k.remote_key);
  std::swap(k.local_salt, k.remote_salt);
  return k;
}

struct Pair {
  std::unique_ptr<SrtpEngine> tx;
  std::unique_ptr<SrtpEngine> rx;
};

Pair make_pair(SrtpProfile profile = SrtpProfile::Aes128CmSha1_80) {
  const SrtpKeys k = keys_for(profile, 7);
  auto tx = SrtpEngine::create(k);
  auto rx = SrtpEngine::create(mirror(k));
  EXPECT_TRUE(tx.ok()) << (tx.ok() ? "" : tx.error().message);
  EXPECT_TRUE(rx.ok()) << (rx.ok() ? "" : rx.error().message);
  return {std::move(tx).value(), std::move(rx).value()};
}

std::vector<uint8_t> rtp(uint16_t seq, uint32_t ssrc = 0x11223344, std::size_t payload = 100) {
  std::vector<uint8_t> p = {0x80,
                            111,
                            uint8_t(seq >> 8),
                            uint8_t(seq),
                            0,
                            0,
                            uint8_t(seq >> 4),
                            uint8_t(seq),
                            uint8_t(ssrc >> 24),
                            uint8_t(ssrc >> 16),
                            uint8_t(ssrc >> 8),
                            uint8_t(ssrc)};
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(seq + i));
  return p;
}

std::vector<uint8_t> rtcp_sr(uint32_t ssrc = 0x11223344) {
  std::vector<uint8_t> p = {
      0x80, 200, 0, 6, uint8_t(ssrc >> 24), uint8_t(ssrc >> 16), uint8_t(ssrc >> 8), uint8_t(ssrc)};
  for (int i = 0; i < 20; ++i) p.push_back(static_cast<uint8_t>(i));
  return p;
}

// Protects a copy of `plain` and returns the SRTP bytes.
std::vector<uint8_t> protect(SrtpEngine &tx, const std::vector<uint8_t> &plain, bool is_rtcp = false) {
  std::vector<uint8_t> buf = plain;
  buf.resize(plain.size() + kRoom);
  auto n = is_rtcp ? tx.protect_rtcp(buf.data(), plain.size(), buf.size())
                   : tx.protect_rtp(buf.data(), plain.size(), buf.size());
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
  buf.resize(n.ok() ? *n : 0);
  return buf;
}

Result<std::size_t> unprotect(SrtpEngine &rx, std::vector<uint8_t> pkt, std::vector<uint8_t> *plain = nullptr,
                              bool is_rtcp = false) {
  auto n = is_rtcp ? rx.unprotect_rtcp(pkt.data(), pkt.size()) : rx.unprotect_rtp(pkt.data(), pkt.size());
  if (n.ok() && plain) *plain = std::vector<uint8_t>(pkt.begin(), pkt.begin() + static_cast<long>(*n));
  return n;
}

void round_trip(SrtpProfile profile) {
  Pair p = make_pair(profile);
  for (uint16_t seq = 1; seq < 5; ++seq) {
    const auto plain = rtp(seq);
    const auto srtp = protect(*p.tx, plain);
    EXPECT_EQ(srtp.size(), plain.size() + p.tx->rtp_overhead());
    EXPECT_NE(std::vector<uint8_t>(srtp.begin() + 12, srtp.begin() + 112),
              std::vector<uint8_t>(plain.begin() + 12, plain.end()));
    std::vector<uint8_t> out;
    ASSERT_TRUE(unprotect(*p.rx, srtp, &out).ok()) << srtp_profile_name(profile);
    EXPECT_EQ(out, plain);

    const auto plain_rtcp = rtcp_sr();
    const auto srtcp = protect(*p.tx, plain_rtcp, true);
    EXPECT_EQ(srtcp.size(), plain_rtcp.size() + p.tx->rtcp_overhead());
    ASSERT_TRUE(unprotect(*p.rx, srtcp, &out, true).ok()) << srtp_profile_name(profile);
    EXPECT_EQ(out, plain_rtcp);
  }
  EXPECT_EQ(p.tx->stats().rtp_protected, 4u);
  EXPECT_EQ(p.rx->stats().rtp_unprotected, 4u);
  EXPECT_EQ(p.rx->stats().rtcp_unprotected, 4u);
}

}  // namespace

TEST(SrtpEngine, RoundTripAeadAes256Gcm) {
  round_trip(SrtpProfile::AeadAes256Gcm);
}
TEST(SrtpEngine, RoundTripAeadAes128Gcm) {
  round_trip(SrtpProfile::AeadAes128Gcm);
}
TEST(SrtpEngine, RoundTripAes128CmSha1_80) {
  round_trip(SrtpProfile::Aes128CmSha1_80);
}
TEST(SrtpEngine, RoundTripAes128CmSha1_32) {
  round_trip(SrtpProfile::Aes128CmSha1_32);
}

TEST(SrtpEngine, OverheadPerProfile) {
  EXPECT_EQ(make_pair(SrtpProfile::Aes128CmSha1_80).tx->rtp_overhead(), 10u);
  EXPECT_EQ(make_pair(SrtpProfile::Aes128CmSha1_32).tx->rtp_overhead(), 4u);
  // RFC 5764 §4.1.2: SRTCP keeps the 80-bit tag with the _32 profile.
  EXPECT_EQ(make_pair(SrtpProfile::Aes128CmSha1_32).tx->rtcp_overhead(), 14u);
  EXPECT_EQ(make_pair(SrtpProfile::AeadAes128Gcm).tx->rtp_overhead(), 16u);
  EXPECT_EQ(make_pair(SrtpProfile::AeadAes256Gcm).tx->rtcp_overhead(), 20u);
}

TEST(SrtpEngine, BadKeyLengthsRejected) {
  SrtpKeys k = keys_for(SrtpProfile::AeadAes256Gcm, 1);
  k.local_key.resize(16);
  EXPECT_EQ(SrtpEngine::create(k).error().code, ErrorCode::InvalidAccess);
  k = keys_for(SrtpProfile::Aes128CmSha1_80, 1);
  k.remote_salt.resize(12);
  EXPECT_FALSE(SrtpEngine::create(k).ok());
  EXPECT_FALSE(SrtpEngine::create(keys_for(SrtpProfile::Aes128CmSha1_80, 1), 16).ok());
}

TEST(SrtpEngine, NoRoomForTrailer) {
  Pair p = make_pair();
  auto plain = rtp(1);
  plain.resize(plain.size() + 9);
  auto n = p.tx->protect_rtp(plain.data(), plain.size() - 9, plain.size());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ErrorCode::InvalidAccess);
  auto r = rtcp_sr();
  r.resize(r.size() + 13);
  EXPECT_FALSE(p.tx->protect_rtcp(r.data(), r.size() - 13, r.size()).ok());
  EXPECT_EQ(p.tx->stats().rtp_protected, 0u);
}

TEST(SrtpEngine, ProtectRejectsNonRtp) {
  Pair p = make_pair();
  std::vector<uint8_t> junk(100, 0);
  EXPECT_EQ(p.tx->protect_rtp(junk.data(), 8, junk.size()).error().code, ErrorCode::Syntax);
  EXPECT_EQ(p.tx->protect_rtp(junk.data(), 50, junk.size()).error().code, ErrorCode::Syntax);
  auto r = rtp(1);
  r.resize(200);
  EXPECT_FALSE(p.tx->protect_rtcp(r.data(), 112, r.size()).ok());
}

TEST(SrtpEngine, TamperedPacketFailsAuthentication) {
  for (SrtpProfile profile : kDefaultSrtpProfiles) {
    Pair p = make_pair(profile);
    for (std::size_t at : {std::size_t{1}, std::size_t{20}, std::size_t{111}}) {
      auto srtp = protect(*p.tx, rtp(static_cast<uint16_t>(at)));
      srtp[at] ^= 0x01;
      auto n = unprotect(*p.rx, srtp);
      ASSERT_FALSE(n.ok());
      EXPECT_EQ(p.rx->last_drop_reason(), SrtpDropReason::AuthFailure);
    }
    auto srtp = protect(*p.tx, rtp(500));
    srtp.back() ^= 0x80;  // the tag itself
    EXPECT_FALSE(unprotect(*p.rx, srtp).ok());
    EXPECT_EQ(p.rx->stats().dropped_auth, 4u) << srtp_profile_name(profile);
    EXPECT_EQ(p.rx->stats().rtp_unprotected, 0u);
  }
}

TEST(SrtpEngine, TamperedRtcpFailsAuthentication) {
  Pair p = make_pair(SrtpProfile::AeadAes128Gcm);
  auto srtcp = protect(*p.tx, rtcp_sr(), true);
  srtcp[10] ^= 0xff;
  EXPECT_FALSE(unprotect(*p.rx, srtcp, nullptr, true).ok());
  EXPECT_EQ(p.rx->stats().dropped_auth, 1u);
}

TEST(SrtpEngine, WrongKeyFailsAuthentication) {
  const SrtpKeys k = keys_for(SrtpProfile::Aes128CmSha1_80, 7);
  auto tx = SrtpEngine::create(k).value();
  auto rx = SrtpEngine::create(mirror(keys_for(SrtpProfile::Aes128CmSha1_80, 8))).value();
  EXPECT_FALSE(unprotect(*rx, protect(*tx, rtp(1))).ok());
  EXPECT_EQ(rx->stats().dropped_auth, 1u);
}

TEST(SrtpEngine, ReplayedPacketDropped) {
  for (SrtpProfile profile : kDefaultSrtpProfiles) {
    Pair p = make_pair(profile);
    const auto srtp = protect(*p.tx, rtp(42));
    ASSERT_TRUE(unprotect(*p.rx, srtp).ok());
    auto again = unprotect(*p.rx, srtp);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(p.rx->last_drop_reason(), SrtpDropReason::Replay);
    EXPECT_EQ(p.rx->stats().dropped_replay, 1u);
    const auto srtcp = protect(*p.tx, rtcp_sr(), true);
    ASSERT_TRUE(unprotect(*p.rx, srtcp, nullptr, true).ok());
    EXPECT_FALSE(unprotect(*p.rx, srtcp, nullptr, true).ok());
    EXPECT_EQ(p.rx->stats().dropped_replay, 2u);
  }
}

TEST(SrtpEngine, OutOfOrderWithinWindowAccepted) {
  Pair p = make_pair();
  std::vector<std::vector<uint8_t>> pkts;
  for (uint16_t seq = 1; seq <= 1000; ++seq) pkts.push_back(protect(*p.tx, rtp(seq)));
  // Newest first, then everything older: all inside a 1024-packet window.
  for (auto it = pkts.rbegin(); it != pkts.rend(); ++it) ASSERT_TRUE(unprotect(*p.rx, *it).ok());
  EXPECT_EQ(p.rx->stats().rtp_unprotected, 1000u);
  EXPECT_EQ(p.rx->stats().dropped_replay, 0u);
}

TEST(SrtpEngine, TooOldForWindowDropped) {
  Pair p = make_pair();
  const auto old = protect(*p.tx, rtp(1));
  std::vector<uint8_t> newest;
  for (uint16_t seq = 2; seq <= 1200; ++seq) newest = protect(*p.tx, rtp(seq));
  ASSERT_TRUE(unprotect(*p.rx, newest).ok());
  EXPECT_FALSE(unprotect(*p.rx, old).ok());
  EXPECT_EQ(p.rx->last_drop_reason(), SrtpDropReason::Replay);
}

TEST(SrtpEngine, SequenceNumberWrapAdvancesRoc) {
  for (SrtpProfile profile : kDefaultSrtpProfiles) {
    Pair p = make_pair(profile);
    uint16_t seq = 65530;
    for (int i = 0; i < 12; ++i, ++seq) {
      const auto plain = rtp(seq);
      std::vector<uint8_t> out;
      ASSERT_TRUE(unprotect(*p.rx, protect(*p.tx, plain), &out).ok()) << "seq " << seq;
      EXPECT_EQ(out, plain);
    }
    EXPECT_EQ(p.rx->stats().rtp_unprotected, 12u);
  }
}

TEST(SrtpEngine, StreamsPerSsrc) {
  Pair p = make_pair(SrtpProfile::AeadAes128Gcm);
  for (uint32_t ssrc : {1u, 2u, 0xdeadbeefu}) {
    for (uint16_t seq = 10; seq < 13; ++seq) {
      const auto plain = rtp(seq, ssrc);
      std::vector<uint8_t> out;
      ASSERT_TRUE(unprotect(*p.rx, protect(*p.tx, plain), &out).ok());
      EXPECT_EQ(out, plain);
    }
  }
  // Same sequence numbers on different SSRCs are not replays of each other.
  EXPECT_EQ(p.rx->stats().dropped_replay, 0u);
}

TEST(SrtpEngine, RetransmittedPacketCanBeProtectedAgain) {
  Pair p = make_pair();
  const auto first = protect(*p.tx, rtp(9));
  const auto second = protect(*p.tx, rtp(9));
  EXPECT_EQ(first, second);
}

TEST(SrtpEngine, GarbageRejectedWithoutCrash) {
  Pair p = make_pair(SrtpProfile::Aes128CmSha1_80);
  auto with = [](std::vector<uint8_t> v, std::size_t i, uint8_t b) {
    v[i] = b;
    return v;
  };
  const auto good = protect(*p.tx, rtp(1));
  const auto good_rtcp = protect(*p.tx, rtcp_sr(), true);
  const std::vector<std::vector<uint8_t>> rtp_cases = {
      {},
      {0x80},
      std::vector<uint8_t>(11, 0x80),
      rtp(1, 1, 0),                                        // header only, no tag
      with(good, 0, 0x00),                                 // version 0
      with(good, 0, 0x40),                                 // version 1
      with(good, 0, 0xc0),                                 // version 3
      with(good, 0, 0x8f),                                 // 15 CSRCs, too short
      with(rtp(1, 1, 10), 0, 0x90),                        // extension bit, no room
      with(with(rtp(1, 1, 20), 0, 0x90), 14, 0xff),        // extension length past end
      std::vector<uint8_t>(good.begin(), good.end() - 1),  // tag cut short
      std::vector<uint8_t>(good.begin(), good.begin() + 21),
      with(good, 8, 0x00),  // other SSRC: authentication fails
      with(good, 3, 0x02),  // other sequence number
      std::vector<uint8_t>(1500, 0x80),
      std::vector<uint8_t>(1500, 0xff),
      std::vector<uint8_t>(22, 0x80),
  };
  const std::vector<std::vector<uint8_t>> rtcp_cases = {
      {},
      {0x80, 200},
      std::vector<uint8_t>(good_rtcp.begin(), good_rtcp.begin() + 8),
      std::vector<uint8_t>(good_rtcp.begin(), good_rtcp.end() - 1),
      with(good_rtcp, 0, 0x00),
      with(good_rtcp, 1, 100),                       // not an RTCP packet type
      with(good_rtcp, good_rtcp.size() - 11, 0x00),  // SRTCP index / E flag changed
      std::vector<uint8_t>(64, 0x80),
  };
  ASSERT_GE(rtp_cases.size() + rtcp_cases.size(), 20u);
  uint64_t drops = 0;
  for (std::size_t i = 0; i < rtp_cases.size(); ++i) {
    EXPECT_FALSE(unprotect(*p.rx, rtp_cases[i]).ok()) << "rtp case " << i;
    ++drops;
  }
  for (std::size_t i = 0; i < rtcp_cases.size(); ++i) {
    EXPECT_FALSE(unprotect(*p.rx, rtcp_cases[i], nullptr, true).ok()) << "rtcp case " << i;
    ++drops;
  }
  const SrtpStats &s = p.rx->stats();
  EXPECT_EQ(s.dropped_auth + s.dropped_malformed + s.dropped_replay, drops);
  EXPECT_GE(s.dropped_malformed, 10u);
  EXPECT_EQ(s.rtp_unprotected + s.rtcp_unprotected, 0u);
  EXPECT_EQ(p.rx->unprotect_rtp(nullptr, 0).error().code, ErrorCode::Syntax);
  // The genuine packets still pass afterwards.
  EXPECT_TRUE(unprotect(*p.rx, good).ok());
  EXPECT_TRUE(unprotect(*p.rx, good_rtcp, nullptr, true).ok());
}

TEST(SrtpEngine, RuntimeSharedAcrossEnginesAndThreads) {
  auto survivor = make_pair(SrtpProfile::AeadAes128Gcm);
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 20; ++i) {
        auto e = SrtpEngine::create(keys_for(SrtpProfile::Aes128CmSha1_80, static_cast<uint8_t>(t)));
        if (e.ok()) ++ok[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto &th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 20);
  // Other engines coming and going must not shut libsrtp down under this one.
  EXPECT_TRUE(unprotect(*survivor.rx, protect(*survivor.tx, rtp(3))).ok());
}

TEST(Classify, Rfc7983Table) {
  struct Case {
    std::vector<uint8_t> bytes;
    PacketKind kind;
  };
  const Case cases[] = {
      {{}, PacketKind::Other},         {{0}, PacketKind::Stun},
      {{1, 1}, PacketKind::Stun},      {{3}, PacketKind::Stun},
      {{4}, PacketKind::Other},        {{19}, PacketKind::Other},
      {{20}, PacketKind::Dtls},        {{22, 0xfe}, PacketKind::Dtls},
      {{23}, PacketKind::Dtls},        {{63}, PacketKind::Dtls},
      {{64}, PacketKind::Other},  // TURN channel data
      {{79}, PacketKind::Other},       {{127}, PacketKind::Other},
      {{128}, PacketKind::Other},                                        // too short to tell RTP from RTCP
      {{128, 96}, PacketKind::Rtp},    {{0x80, 0xe0}, PacketKind::Rtp},  // marker bit + PT 96
      {{0x80, 191}, PacketKind::Rtp},  {{0x80, 192}, PacketKind::Rtcp},
      {{0x80, 200}, PacketKind::Rtcp},  // SR
      {{0x81, 201}, PacketKind::Rtcp},  // RR
      {{0x8f, 206}, PacketKind::Rtcp},  // PSFB
      {{0x80, 223}, PacketKind::Rtcp}, {{0x80, 224}, PacketKind::Rtp},
      {{191, 0}, PacketKind::Rtp},     {{192, 200}, PacketKind::Other},
      {{255}, PacketKind::Other},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(classify(c.bytes), c.kind) << (c.bytes.empty() ? -1 : int{c.bytes[0]});
  }
}

// ---------------------------------------------------------------------------
// Static-key policies (SrtpConfig): the OpenSSL transform against libsrtp.

namespace {

std::vector<uint8_t> master_for(const SrtpPolicy &policy, uint8_t seed) {
  std::vector<uint8_t> m(srtp_master_key_length(policy));
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<uint8_t>(seed * 17 + i * 5);
  return m;
}

std::unique_ptr<SrtpEngine> engine_for(const SrtpPolicy &policy, bool libsrtp, bool tx, uint8_t seed = 1,
                                       std::optional<uint32_t> rx_ssrc = std::nullopt, uint32_t rx_roc = 0) {
  SrtpConfig c;
  c.policy = policy;
  (tx ? c.tx_master : c.rx_master) = master_for(policy, seed);
  c.force_libsrtp = libsrtp;
  c.allow_repeat_tx = false;
  c.rx_ssrc = rx_ssrc;
  c.rx_roc = rx_roc;
  auto e = SrtpEngine::create(c);
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
  return e.ok() ? std::move(e).value() : nullptr;
}

const SrtpPolicy kStaticPolicies[] = {
    srtp_policy_for(SrtpProfile::Aes128CmSha1_80),
    srtp_policy_for(SrtpProfile::Aes128CmSha1_32),
    srtp_policy_for(SrtpProfile::AeadAes128Gcm),
    srtp_policy_for(SrtpProfile::AeadAes256Gcm),
    {{SrtpCipher::AesIcm256, SrtpAuth::HmacSha1_80}, {SrtpCipher::AesIcm256, SrtpAuth::HmacSha1_80}},
    {{SrtpCipher::AesIcm256, SrtpAuth::HmacSha1_32}, {SrtpCipher::AesIcm256, SrtpAuth::HmacSha1_32}},
};

// RTP with CSRCs and a header extension: the transforms must agree on
// where encryption starts.
std::vector<uint8_t> rtp_with_extension(uint16_t seq, uint32_t ssrc) {
  std::vector<uint8_t> p = rtp(seq, ssrc, 0);
  p[0] = 0x92;  // X=1, CC=2
  const uint8_t extra[] = {0, 0, 0, 1, 0, 0, 0, 2, 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0};
  p.insert(p.end(), std::begin(extra), std::end(extra));
  for (int i = 0; i < 77; ++i) p.push_back(static_cast<uint8_t>(seq ^ i));
  return p;
}

}  // namespace

TEST(SrtpConfig, OpenSslTransformIsByteIdenticalToLibsrtp) {
  for (const SrtpPolicy &policy : kStaticPolicies) {
    auto fast = engine_for(policy, false, true);
    auto ref = engine_for(policy, true, true);
    ASSERT_TRUE(fast && ref);
    // Across a sequence number wrap, two SSRCs, with and without extension.
    uint16_t seq = 65000;
    for (int i = 0; i < 1200; ++i, ++seq) {
      for (uint32_t ssrc : {0x11223344u, 0x01020304u}) {
        const auto plain =
            (i % 3) ? rtp(seq, ssrc, 100 + static_cast<std::size_t>(i % 50)) : rtp_with_extension(seq, ssrc);
        ASSERT_EQ(protect(*fast, plain), protect(*ref, plain))
            << "RTP seq " << seq << " policy " << int(policy.rtp.cipher) << "/" << int(policy.rtp.auth);
      }
    }
    for (int i = 0; i < 300; ++i) {  // SRTCP index past 128 and 256
      const auto plain = rtcp_sr(0x11223344u);
      ASSERT_EQ(protect(*fast, plain, true), protect(*ref, plain, true)) << "RTCP " << i;
    }
    EXPECT_EQ(fast->roc(0x11223344u, true), ref->roc(0x11223344u, true));
    EXPECT_EQ(fast->roc(0x11223344u, true), 1u);
  }
}

TEST(SrtpConfig, EachBackendOpensWhatTheOtherSealed) {
  for (const SrtpPolicy &policy : kStaticPolicies) {
    for (bool fast_sends : {true, false}) {
      auto tx = engine_for(policy, !fast_sends, true);
      auto rx = engine_for(policy, fast_sends, false);
      ASSERT_TRUE(tx && rx);
      uint16_t seq = 65530;
      for (int i = 0; i < 40; ++i, ++seq) {
        const auto plain = (i % 2) ? rtp(seq) : rtp_with_extension(seq, 0x11223344u);
        std::vector<uint8_t> out;
        ASSERT_TRUE(unprotect(*rx, protect(*tx, plain), &out).ok()) << "seq " << seq;
        EXPECT_EQ(out, plain);
        const auto plain_rtcp = rtcp_sr();
        ASSERT_TRUE(unprotect(*rx, protect(*tx, plain_rtcp, true), &out, true).ok());
        EXPECT_EQ(out, plain_rtcp);
      }
      EXPECT_EQ(rx->roc(0x11223344u, false), 1u);
    }
  }
}

TEST(SrtpConfig, ReplayAuthAndGarbageCountedOnBothBackends) {
  for (const SrtpPolicy &policy : kStaticPolicies) {
    for (bool libsrtp : {false, true}) {
      auto tx = engine_for(policy, libsrtp, true);
      auto rx = engine_for(policy, libsrtp, false);
      auto wrong = engine_for(policy, libsrtp, false, 2);
      const auto srtp = protect(*tx, rtp(7));
      ASSERT_TRUE(unprotect(*rx, srtp).ok());
      EXPECT_FALSE(unprotect(*rx, srtp).ok());
      EXPECT_EQ(rx->last_drop_reason(), SrtpDropReason::Replay);
      EXPECT_FALSE(unprotect(*wrong, srtp).ok());
      EXPECT_EQ(wrong->last_drop_reason(), SrtpDropReason::AuthFailure);
      auto tampered = protect(*tx, rtp(8));
      tampered[30] ^= 4;
      EXPECT_FALSE(unprotect(*rx, tampered).ok());
      EXPECT_EQ(rx->last_drop_reason(), SrtpDropReason::AuthFailure);
      auto srtcp = protect(*tx, rtcp_sr(), true);
      srtcp[srtcp.size() - 1] ^= 1;
      EXPECT_FALSE(unprotect(*rx, srtcp, nullptr, true).ok());
      // Too old for the window.
      std::vector<uint8_t> old = protect(*tx, rtp(100));
      std::vector<uint8_t> latest;
      for (uint16_t s = 101; s < 1300; ++s) latest = protect(*tx, rtp(s));
      ASSERT_TRUE(unprotect(*rx, latest).ok());
      EXPECT_FALSE(unprotect(*rx, old).ok());
      EXPECT_EQ(rx->last_drop_reason(), SrtpDropReason::Replay);
      // The sender refuses an index twice unless allowed.
      auto again = rtp(1299);
      again.resize(again.size() + 64);
      EXPECT_FALSE(tx->protect_rtp(again.data(), again.size() - 64, again.size()).ok());
      EXPECT_EQ(rx->stats().dropped_replay, 2u) << libsrtp;
      EXPECT_EQ(rx->stats().dropped_auth, 2u) << libsrtp;
    }
  }
}

TEST(SrtpConfig, InboundSsrcWithRolloverCounterFromSignalling) {
  for (bool libsrtp : {false, true}) {
    const SrtpPolicy policy = srtp_policy_for(SrtpProfile::AeadAes128Gcm);
    auto tx = engine_for(policy, libsrtp, true);
    std::vector<uint8_t> srtp;
    for (uint32_t i = 0; i < 65536 + 10; i += (i + 4000 < 65530 ? 4000 : 1))
      srtp = protect(*tx, rtp(uint16_t(i)));
    ASSERT_EQ(tx->roc(0x11223344u, true), 1u);
    auto late = engine_for(policy, libsrtp, false, 1, 0x11223344u, 1);
    std::vector<uint8_t> out;
    ASSERT_TRUE(unprotect(*late, srtp, &out).ok()) << libsrtp;
    EXPECT_EQ(out, rtp(9));
    EXPECT_EQ(late->roc(0x11223344u, false), 1u);
    // Other SSRCs have no stream in such an engine.
    EXPECT_FALSE(unprotect(*late, protect(*tx, rtp(5, 0x99))).ok());
    // Without the ROC the same packet does not authenticate.
    auto naive = engine_for(policy, libsrtp, false, 1, 0x11223344u, 0);
    EXPECT_FALSE(unprotect(*naive, srtp).ok());
  }
}

TEST(SrtpConfig, KeyHardLimitsRefuseWithoutWrapping) {
  // RFC 3711 §9.2: at most 2^48 SRTP and 2^31 SRTCP packets per master key.
  constexpr uint32_t kSsrc = 0x11223344u;
  for (SrtpProfile profile : {SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}) {
    SCOPED_TRACE(srtp_profile_name(profile));
    const SrtpPolicy policy = srtp_policy_for(profile);
    auto tx = engine_for(policy, false, true);
    ASSERT_TRUE(tx->resume_outbound(kSsrc, (uint64_t{0xffffffffu} << 16) | 0xfff0u, 0x7ffffffdu).ok());
    std::vector<uint8_t> last;
    for (uint32_t seq = 0xfff1; seq <= 0xffff; ++seq) last = protect(*tx, rtp(uint16_t(seq)));
    EXPECT_EQ(tx->roc(kSsrc, true), 0xffffffffu);
    // The last index is usable: a receiver told the ROC opens it.
    auto rx = engine_for(policy, false, false, 1, kSsrc, 0xffffffffu);
    std::vector<uint8_t> out;
    ASSERT_TRUE(unprotect(*rx, last, &out).ok());
    EXPECT_EQ(out, rtp(0xffff));
    // The next sequence number would need ROC 2^32: refused, typed, counted.
    for (uint16_t seq : {0, 1, 0x7ffe}) {
      auto buf = rtp(seq);
      const std::size_t len = buf.size();
      buf.resize(len + kRoom);
      auto n = tx->protect_rtp(buf.data(), len, buf.size());
      ASSERT_FALSE(n.ok()) << seq;
      EXPECT_EQ(n.error().code, ErrorCode::InvalidState);
    }
    EXPECT_EQ(tx->stats().key_exhausted, 3u);
    EXPECT_EQ(tx->roc(kSsrc, true), 0xffffffffu);
    // A receiver at the last index takes nothing past it either.
    auto fresh_tx = engine_for(policy, false, true);
    EXPECT_FALSE(unprotect(*rx, protect(*fresh_tx, rtp(5))).ok());
    EXPECT_EQ(rx->stats().dropped_malformed, 1u);

    // SRTCP: indices 0x7ffffffe and 0x7fffffff, then nothing.
    auto rtcp_rx = engine_for(policy, false, false);
    for (uint32_t index : {0x7ffffffeu, 0x7fffffffu}) {
      const auto srtcp = protect(*tx, rtcp_sr(), true);
      ASSERT_FALSE(srtcp.empty());
      const std::size_t at = srtcp.size() - (policy.rtcp.cipher == SrtpCipher::AesGcm128 ? 4 : 14);
      EXPECT_EQ(uint32_t{srtcp[at]} << 24 | uint32_t{srtcp[at + 1]} << 16 | uint32_t{srtcp[at + 2]} << 8 |
                    srtcp[at + 3],
                0x80000000u | index);
      ASSERT_TRUE(unprotect(*rtcp_rx, srtcp, &out, true).ok());
      EXPECT_EQ(out, rtcp_sr());
    }
    auto buf = rtcp_sr();
    const std::size_t len = buf.size();
    buf.resize(len + kRoom);
    auto n = tx->protect_rtcp(buf.data(), len, buf.size());
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().code, ErrorCode::InvalidState);
    EXPECT_EQ(tx->stats().key_exhausted, 4u);
  }
}

TEST(SrtpConfig, ResumeOutboundChecksItsArguments) {
  const SrtpPolicy policy = srtp_policy_for(SrtpProfile::AeadAes128Gcm);
  auto tx = engine_for(policy, false, true);
  EXPECT_EQ(tx->resume_outbound(1, uint64_t{1} << 48, 0).error().code, ErrorCode::InvalidAccess);
  EXPECT_EQ(tx->resume_outbound(1, 0, 0x80000000u).error().code, ErrorCode::InvalidAccess);
  auto libsrtp = engine_for(policy, true, true);
  EXPECT_EQ(libsrtp->resume_outbound(1, 5, 5).error().code, ErrorCode::NotSupported);
}

// AesGcm runs on the provider's functions directly; it must equal EVP's
// one-shot AES-GCM for every length, open what it sealed, refuse a bad tag
// and keep working after a refusal.
TEST(AesGcm, DirectProviderPathEqualsEvp) {
  for (std::size_t key_len : {16u, 32u}) {
    std::vector<uint8_t> key(key_len);
    for (std::size_t i = 0; i < key_len; ++i) key[i] = uint8_t(i * 7 + 1);
    auto seal = AesGcm::create(key.data(), key_len, true);
    auto open = AesGcm::create(key.data(), key_len, false);
    ASSERT_TRUE(seal && open);
    EXPECT_TRUE(seal->direct() && open->direct()) << "OpenSSL's EVP fallback in use";
    for (std::size_t len : {0u, 1u, 15u, 16u, 17u, 300u, 1188u}) {
      SCOPED_TRACE(len);
      uint8_t iv[12], aad1[12], aad2[4], tag[16], evp_tag[16];
      for (int i = 0; i < 12; ++i) {
        iv[i] = uint8_t(len + i);
        aad1[i] = uint8_t(0x80 + i);
      }
      for (int i = 0; i < 4; ++i) aad2[i] = uint8_t(0xf0 + i);
      std::vector<uint8_t> plain(len), sealed(len + 16), evp_out(len + 16);
      for (std::size_t i = 0; i < len; ++i) plain[i] = uint8_t(i * 13);
      ASSERT_TRUE(seal->run(iv, aad1, 12, aad2, 4, plain.data(), sealed.data(), len, tag));

      EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
      int n = 0;
      ASSERT_EQ(EVP_EncryptInit_ex(c, key_len == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), nullptr,
                                   key.data(), iv),
                1);
      ASSERT_EQ(EVP_EncryptUpdate(c, nullptr, &n, aad1, 12), 1);
      ASSERT_EQ(EVP_EncryptUpdate(c, nullptr, &n, aad2, 4), 1);
      if (len) {
        ASSERT_EQ(EVP_EncryptUpdate(c, evp_out.data(), &n, plain.data(), int(len)), 1);
      }
      ASSERT_EQ(EVP_EncryptFinal_ex(c, evp_out.data() + len, &n), 1);
      ASSERT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, evp_tag), 1);
      EVP_CIPHER_CTX_free(c);
      EXPECT_EQ(std::memcmp(sealed.data(), evp_out.data(), len), 0);
      EXPECT_EQ(std::memcmp(tag, evp_tag, 16), 0);

      std::vector<uint8_t> opened(len + 16);
      tag[len % 16] ^= 1;
      EXPECT_FALSE(open->run(iv, aad1, 12, aad2, 4, sealed.data(), opened.data(), len, tag));
      tag[len % 16] ^= 1;
      aad2[0] ^= 1;
      EXPECT_FALSE(open->run(iv, aad1, 12, aad2, 4, sealed.data(), opened.data(), len, tag));
      aad2[0] ^= 1;
      ASSERT_TRUE(open->run(iv, aad1, 12, aad2, 4, sealed.data(), opened.data(), len, tag));
      EXPECT_EQ(std::vector<uint8_t>(opened.begin(), opened.begin() + long(len)), plain);
    }
  }
  EXPECT_EQ(AesGcm::create(std::vector<uint8_t>(24).data(), 24, true), nullptr);
}

TEST(SrtpConfig, PoliciesLibsrtpRunsAlone) {
  // Null cipher with HMAC, AES-CM without RTP auth, mixed RTP/RTCP ciphers.
  const SrtpPolicy policies[] = {
      {{SrtpCipher::Null, SrtpAuth::HmacSha1_80}, {SrtpCipher::Null, SrtpAuth::HmacSha1_80}},
      {{SrtpCipher::AesIcm128, SrtpAuth::Null}, {SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80}},
      {{SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80}, {SrtpCipher::AesIcm256, SrtpAuth::HmacSha1_80}},
  };
  for (const SrtpPolicy &policy : policies) {
    auto tx = engine_for(policy, false, true);
    auto rx = engine_for(policy, false, false);
    ASSERT_TRUE(tx && rx);
    const auto plain = rtp(3);
    std::vector<uint8_t> out;
    ASSERT_TRUE(unprotect(*rx, protect(*tx, plain), &out).ok());
    EXPECT_EQ(out, plain);
    ASSERT_TRUE(unprotect(*rx, protect(*tx, rtcp_sr(), true), &out, true).ok());
    EXPECT_EQ(out, rtcp_sr());
  }
}

TEST(SrtpConfig, RejectsWhatCannotRun) {
  SrtpConfig c;
  c.policy = {{SrtpCipher::AesGcm128, SrtpAuth::HmacSha1_80}, {SrtpCipher::AesGcm128, SrtpAuth::Null}};
  c.tx_master.assign(28, 1);
  EXPECT_EQ(SrtpEngine::create(c).error().code, ErrorCode::NotSupported);
  c.policy = {{SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80}, {SrtpCipher::AesIcm128, SrtpAuth::Null}};
  c.tx_master.assign(30, 1);
  EXPECT_EQ(SrtpEngine::create(c).error().code, ErrorCode::NotSupported);  // unauthenticated SRTCP
  c.policy = srtp_policy_for(SrtpProfile::Aes128CmSha1_80);
  c.tx_master.assign(29, 1);
  EXPECT_EQ(SrtpEngine::create(c).error().code, ErrorCode::InvalidAccess);
  c.tx_master.assign(30, 1);
  c.replay_window = 10;
  EXPECT_EQ(SrtpEngine::create(c).error().code, ErrorCode::InvalidAccess);
  EXPECT_EQ(srtp_master_key_length(srtp_policy_for(SrtpProfile::AeadAes256Gcm)), 44u);
  EXPECT_EQ(srtp_master_key_length(SrtpPolicy{{SrtpCipher::AesIcm128, SrtpAuth::HmacSha1_80},
                                              {SrtpCipher::AesIcm256, SrtpAuth::HmacSha1_80}}),
            46u);
  // A direction without a key refuses to work instead of guessing.
  c.replay_window = 1024;
  auto tx_only = SrtpEngine::create(c).value();
  EXPECT_FALSE(unprotect(*tx_only, protect(*tx_only, rtp(1))).ok());
}

TEST(SrtpConfig, DtlsKeysOnEitherBackendInteroperate) {
  // srtp_config_for(): a DTLS-SRTP endpoint on the OpenSSL transform talks to
  // one on libsrtp (create(keys)), every profile, both ways.
  for (SrtpProfile profile : kDefaultSrtpProfiles) {
    const SrtpKeys k = keys_for(profile, 11);
    auto fast = SrtpEngine::create(srtp_config_for(k)).value();
    auto lib = SrtpEngine::create(mirror(k)).value();
    for (uint16_t seq = 65534; seq != 4; ++seq) {
      const auto plain = rtp(seq);
      std::vector<uint8_t> out;
      ASSERT_TRUE(unprotect(*lib, protect(*fast, plain), &out).ok()) << srtp_profile_name(profile);
      EXPECT_EQ(out, plain);
      ASSERT_TRUE(unprotect(*fast, protect(*lib, plain), &out).ok()) << srtp_profile_name(profile);
      EXPECT_EQ(out, plain);
      ASSERT_TRUE(unprotect(*lib, protect(*fast, rtcp_sr(), true), &out, true).ok());
      ASSERT_TRUE(unprotect(*fast, protect(*lib, rtcp_sr(), true), &out, true).ok());
    }
    // Retransmission of a sequence number is allowed, as with create(keys).
    EXPECT_EQ(protect(*fast, rtp(1)), protect(*fast, rtp(1)));
  }
}
