// Path MTU discovery for SCTP over DTLS (RFC 8899, ext/sctp/sctp-pmtu.h):
// the prober's packets and its answer handling, then two associations in
// memory over links that carry different sizes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "sctp-pair.h"
#include "sctp-pmtu.h"

namespace gst_rtc::sctp::test {
namespace {

using namespace std::chrono_literals;
using Clock = PathMtuProber::Clock;

uint16_t get16(const uint8_t *p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

// A packet our association would send once established: common header with
// the peer's tag 0x11223344, one SACK-like chunk.
std::vector<uint8_t> established_packet() {
  std::vector<uint8_t> p = {0x13, 0x88, 0x13, 0x88, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 3, 0, 0, 16,
                            0,    0,    0,    1,    0,    0,    0x10, 0,    0, 0, 0, 0};
  return p;
}

// What the peer answers to `probe`: a HEARTBEAT-ACK echoing its info, with
// `before`/`after` chunks bundled around it.
std::vector<uint8_t> answer_to(const std::vector<uint8_t> &probe, const std::vector<uint8_t> &before = {},
                               const std::vector<uint8_t> &after = {}) {
  std::vector<uint8_t> a(probe.begin(), probe.begin() + 12);
  a.insert(a.end(), before.begin(), before.end());
  const uint16_t hb_len = get16(probe.data() + 14);
  std::vector<uint8_t> hb(probe.begin() + 12, probe.begin() + 12 + hb_len);
  hb[0] = 5;  // HEARTBEAT-ACK
  a.insert(a.end(), hb.begin(), hb.end());
  a.insert(a.end(), after.begin(), after.end());
  return a;
}

TEST(PathMtuProber, ProbeIsAPaddedHeartbeatOfTheProbedSize) {
  PathMtuProber prober(kBasePacketSize, 16384, 5000, 5001);
  auto now = Clock::now();
  prober.start(now);
  EXPECT_FALSE(prober.poll(now)) << "no probe before the peer's tag is known";
  prober.observe_output(established_packet().data(), established_packet().size());
  auto probe = prober.poll(now);
  ASSERT_TRUE(probe);
  ASSERT_EQ(probe->size(), 1384u);
  const uint8_t *p = probe->data();
  EXPECT_EQ(get16(p), 5000);
  EXPECT_EQ(get16(p + 2), 5001);
  EXPECT_EQ(0, std::memcmp(p + 4, "\x11\x22\x33\x44", 4)) << "the peer's verification tag";
  EXPECT_NE(0, std::memcmp(p + 8, "\0\0\0\0", 4)) << "a CRC32c is filled in";
  EXPECT_EQ(p[12], 4) << "HEARTBEAT first";
  const uint16_t hb_len = get16(p + 14);
  const uint8_t *pad = p + 12 + hb_len;
  EXPECT_EQ(pad[0], 0x84) << "then a PAD chunk (RFC 4820)";
  EXPECT_EQ(12u + hb_len + get16(pad + 2), probe->size()) << "the PAD chunk fills the packet";
  EXPECT_FALSE(prober.poll(now + 10ms)) << "one probe at a time";
}

TEST(PathMtuProber, ConfirmedSizesClimbAndBundledChunksPassOn) {
  PathMtuProber prober(kBasePacketSize, 16384, 5000, 5000);
  auto now = Clock::now();
  prober.start(now);
  prober.observe_output(established_packet().data(), established_packet().size());
  const std::vector<uint8_t> sack = {3, 0, 0, 8, 1, 2, 3, 4};
  const std::vector<uint8_t> data_chunk = {0, 3, 0, 7, 9, 9, 9, 0};  // 7 bytes, padded to 8
  std::size_t expected[] = {1384, 8884, 16384};
  for (std::size_t size : expected) {
    auto probe = prober.poll(now);
    ASSERT_TRUE(probe);
    ASSERT_EQ(probe->size(), size);
    auto answer = answer_to(*probe, sack, data_chunk);
    auto f = prober.filter(answer.data(), answer.size());
    EXPECT_TRUE(f.ours);
    ASSERT_TRUE(f.confirmed);
    EXPECT_EQ(*f.confirmed, size);
    // The chunks bundled with the answer stay, in order, behind the header.
    std::vector<uint8_t> rest(answer.begin(), answer.begin() + 12);
    rest.insert(rest.end(), sack.begin(), sack.end());
    rest.insert(rest.end(), data_chunk.begin(), data_chunk.end());
    EXPECT_EQ(f.rest, rest);
    EXPECT_EQ(prober.current(), size);
  }
  EXPECT_TRUE(prober.done());
  EXPECT_FALSE(prober.poll(now + 10s));
}

TEST(PathMtuProber, AnAnswerAloneLeavesNothingToFeed) {
  PathMtuProber prober(kBasePacketSize, 1384, 5000, 5000);
  auto now = Clock::now();
  prober.start(now);
  prober.observe_output(established_packet().data(), established_packet().size());
  auto probe = prober.poll(now);
  ASSERT_TRUE(probe);
  auto answer = answer_to(*probe);
  auto f = prober.filter(answer.data(), answer.size());
  EXPECT_TRUE(f.ours);
  EXPECT_TRUE(f.rest.empty());
  EXPECT_EQ(prober.current(), 1384u);
  EXPECT_TRUE(prober.done()) << "1384 was the largest size allowed";
}

TEST(PathMtuProber, UnansweredSizeIsTriedThreeTimesThenGivenUp) {
  PathMtuProber prober(kBasePacketSize, 16384, 5000, 5000);
  auto now = Clock::now();
  prober.start(now);
  prober.observe_output(established_packet().data(), established_packet().size());
  auto first = prober.poll(now);
  ASSERT_TRUE(first);
  EXPECT_FALSE(prober.poll(now + 999ms)) << "no retry before the timeout";
  auto second = prober.poll(now + 1000ms);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->size(), first->size());
  // An answer to the first try is stale now (another nonce): ignored.
  auto stale = answer_to(*first);
  auto f = prober.filter(stale.data(), stale.size());
  EXPECT_TRUE(f.ours) << "still ours: usrsctp must not see it";
  EXPECT_FALSE(f.confirmed);
  ASSERT_TRUE(prober.poll(now + 2000ms));
  EXPECT_FALSE(prober.poll(now + 3000ms)) << "three tries, then the search ends";
  EXPECT_TRUE(prober.done());
  EXPECT_EQ(prober.current(), kBasePacketSize);
}

TEST(PathMtuProber, OtherPacketsPassUntouched) {
  PathMtuProber prober(kBasePacketSize, 16384, 5000, 5000);
  auto now = Clock::now();
  prober.start(now);
  prober.observe_output(established_packet().data(), established_packet().size());
  ASSERT_TRUE(prober.poll(now));
  // A usrsctp heartbeat ack (other info) and truncated garbage.
  std::vector<uint8_t> other = {0x13, 0x88, 0x13, 0x88, 1, 2, 3, 4, 0, 0, 0, 0, 5, 0, 0, 12, 0, 1, 0, 8, 1, 2, 3, 4};
  EXPECT_FALSE(prober.filter(other.data(), other.size()).ours);
  std::vector<uint8_t> bad = {0x13, 0x88, 0x13, 0x88, 1, 2, 3, 4, 0, 0, 0, 0, 5, 0, 0xff, 0xff};
  EXPECT_FALSE(prober.filter(bad.data(), bad.size()).ours);
}

AssociationConfig probing(std::size_t max) {
  AssociationConfig c;
  c.max_path_mtu = max;
  c.max_message_size = 1 << 20;
  c.remote_max_message_size = 1 << 20;
  return c;
}

void expect_message_arrives(SctpPair &pair, std::size_t size) {
  uint16_t id = pair.open(SctpPair::kClient, {.label = "pmtu"});
  const auto payload = pattern(size, static_cast<uint32_t>(size));
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, payload).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 1; }, 5000ms));
  std::lock_guard lock(pair.mutex);
  EXPECT_TRUE(pair.seen[1].messages[0].data == payload);
}

TEST(SctpPathMtu, RisesToTheLargestSizeAnOpenPathCarries) {
  SctpPair pair(probing(16384), probing(16384));
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.wait_until([&] { return pair.client().path_mtu() == 16384 && pair.server().path_mtu() == 16384; }))
      << "client " << pair.client().path_mtu() << ", server " << pair.server().path_mtu();
  expect_message_arrives(pair, 1 << 20);
  EXPECT_GT(pair.largest(SctpPair::kClient), 8884u) << "the data went in large packets";
  EXPECT_LE(pair.largest(SctpPair::kClient), 16384u);
}

TEST(SctpPathMtu, StopsAtTheLargestProbeThePathLetThrough) {
  SctpPair pair(probing(16384), probing(16384));
  pair.set_link_mtu(9000);
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.wait_until([&] { return pair.client().path_mtu() == 8884; }));
  pair.run_for(200ms);
  EXPECT_EQ(pair.client().path_mtu(), 8884u);
  expect_message_arrives(pair, 256 * 1024);
  EXPECT_EQ(pair.oversize(), 0u) << "no packet larger than the path carries";
  EXPECT_GT(pair.largest(SctpPair::kClient), 1384u);
}

TEST(SctpPathMtu, ProbesThatNeverArriveKeepTheBaseSize) {
  SctpPair pair(probing(16384), probing(16384));
  pair.set_drop_probes(true);  // what a TURN relay path gets from rtcicesink
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.wait_until([&] { return pair.probes >= 1; }));
  expect_message_arrives(pair, 256 * 1024);
  EXPECT_EQ(pair.client().path_mtu(), kBasePacketSize);
  EXPECT_LE(pair.largest(SctpPair::kClient), kBasePacketSize);
}

TEST(SctpPathMtu, NoProbingUnlessAskedFor) {
  SctpPair pair(probing(0), probing(0));
  ASSERT_TRUE(pair.connect());
  expect_message_arrives(pair, 64 * 1024);
  EXPECT_EQ(pair.probes_sent(), 0u);
  EXPECT_EQ(pair.client().path_mtu(), kBasePacketSize);
  EXPECT_LE(pair.largest(SctpPair::kClient), kBasePacketSize);
}

TEST(SctpPathMtu, OnlyOneSideProbing) {
  // A peer that does not probe (webrtcbin, browsers) still answers ours.
  SctpPair pair(probing(16384), probing(0));
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.wait_until([&] { return pair.client().path_mtu() == 16384; }));
  EXPECT_EQ(pair.server().path_mtu(), kBasePacketSize);
  expect_message_arrives(pair, 1 << 20);
}

}  // namespace
}  // namespace gst_rtc::sctp::test
