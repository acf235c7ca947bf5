// DCEP (RFC 8832) wire format: exact encoding, round trips, and a table of
// malformed inputs that must come back as errors, never crashes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "dcep.h"

namespace gst_rtc::sctp::dcep {
namespace {

using Bytes = std::vector<uint8_t>;

Open parse_open(const Bytes &b) {
  auto m = parse(b);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().describe());
  if (!m.ok() || m->type != MessageType::Open) return {};
  return m->open;
}

Bytes encode_ok(const Open &open) {
  auto b = encode(open);
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : Bytes{};
}

TEST(Dcep, OpenEncodingIsByteExact) {
  Open open{ChannelType::PartialReliableRexmitUnordered, 0x0102, 0x03040506, "ab", "xyz"};
  Bytes want = {0x03, 0x81, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00,
                0x02, 0x00, 0x03, 'a',  'b',  'x',  'y',  'z'};
  EXPECT_EQ(encode_ok(open), want);
}

TEST(Dcep, AckEncodingIsOneByte) {
  EXPECT_EQ(encode(Ack{}), Bytes{0x02});
}

TEST(Dcep, AckParses) {
  auto m = parse(Bytes{0x02});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->type, MessageType::Ack);
}

TEST(Dcep, RoundTripReliable) {
  Open open{ChannelType::Reliable, 256, 0, "chat", ""};
  EXPECT_EQ(parse_open(encode_ok(open)), open);
}

TEST(Dcep, RoundTripReliableUnordered) {
  Open open{ChannelType::ReliableUnordered, 128, 0, "", "proto"};
  EXPECT_EQ(parse_open(encode_ok(open)), open);
  EXPECT_FALSE(is_ordered(open.channel_type));
}

TEST(Dcep, RoundTripRexmit) {
  Open open{ChannelType::PartialReliableRexmit, 512, 7, "r", "p"};
  EXPECT_EQ(parse_open(encode_ok(open)), open);
  EXPECT_TRUE(is_ordered(open.channel_type));
}

TEST(Dcep, RoundTripTimedUnordered) {
  Open open{ChannelType::PartialReliableTimedUnordered, 0, 0xffffffff, "t", "p"};
  EXPECT_EQ(parse_open(encode_ok(open)), open);
}

TEST(Dcep, RoundTripUtf8Label) {
  Open open{ChannelType::Reliable, 0, 0, "ünïcødé 🚀", "プロトコル"};
  EXPECT_EQ(parse_open(encode_ok(open)), open);
}

TEST(Dcep, RoundTripMaximumLengths) {
  Open open{ChannelType::Reliable, 0, 0, std::string(65535, 'l'), std::string(65535, 'p')};
  Bytes b = encode_ok(open);
  EXPECT_EQ(b.size(), 12u + 2 * 65535);
  EXPECT_EQ(parse_open(b), open);
}

TEST(Dcep, EncodeRejectsOverlongLabelOrProtocol) {
  auto a = encode(Open{ChannelType::Reliable, 0, 0, std::string(65536, 'l'), ""});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, jsep::ErrorCode::Type);
  EXPECT_FALSE(encode(Open{ChannelType::Reliable, 0, 0, "", std::string(65536, 'p')}).ok());
}

TEST(Dcep, ReliabilityParameterOfReliableChannelIsIgnored) {
  Bytes b = {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(parse_open(b).reliability, 0u);
}

struct Malformed {
  const char *name;
  Bytes bytes;
};

TEST(Dcep, MalformedInputsAreErrors) {
  const Bytes ok_header = {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  auto with = [&](std::initializer_list<std::pair<std::size_t, uint8_t>> patch, Bytes tail = {}) {
    Bytes b = ok_header;
    for (auto [i, v] : patch) b[i] = v;
    b.insert(b.end(), tail.begin(), tail.end());
    return b;
  };
  const std::vector<Malformed> table = {
      {"empty", {}},
      {"unknown type 0x00", {0x00}},
      {"unknown type 0x01", {0x01}},
      {"unknown type 0x04", {0x04, 0x00}},
      {"unknown type 0xff", {0xff, 0xff, 0xff}},
      {"ack with payload", {0x02, 0x00}},
      {"open type only", {0x03}},
      {"open truncated at 2", {0x03, 0x00}},
      {"open truncated at 8", {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
      {"open truncated at 11", {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
      {"channel type 0x03", with({{1, 0x03}})},
      {"channel type 0x7f", with({{1, 0x7f}})},
      {"channel type 0x83", with({{1, 0x83}})},
      {"channel type 0xff", with({{1, 0xff}})},
      {"label length beyond buffer", with({{9, 0x05}}, {'a', 'b'})},
      {"protocol length beyond buffer", with({{11, 0x03}}, {'a'})},
      {"label 65535 with nothing", with({{8, 0xff}, {9, 0xff}})},
      {"both lengths max with nothing", with({{8, 0xff}, {9, 0xff}, {10, 0xff}, {11, 0xff}})},
      {"lengths sum beyond buffer", with({{9, 0x02}, {11, 0x02}}, {'a', 'b', 'c'})},
      {"trailing byte", with({}, {0x00})},
      {"trailing after label", with({{9, 0x01}}, {'a', 'b'})},
      {"label invalid utf8 lead", with({{9, 0x01}}, {0xff})},
      {"label truncated utf8", with({{9, 0x01}}, {0xc3})},
      {"label overlong utf8", with({{9, 0x02}}, {0xc0, 0x80})},
      {"label utf16 surrogate", with({{9, 0x03}}, {0xed, 0xa0, 0x80})},
      {"protocol beyond U+10FFFF", with({{11, 0x04}}, {0xf4, 0x90, 0x80, 0x80})},
      {"protocol bad continuation", with({{11, 0x02}}, {0xc3, 0x41})},
  };
  ASSERT_GE(table.size(), 20u);
  for (const auto &m : table) {
    auto r = parse(m.bytes);
    EXPECT_FALSE(r.ok()) << m.name;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, jsep::ErrorCode::DataChannelFailure) << m.name;
      EXPECT_FALSE(r.error().message.empty()) << m.name;
    }
  }
}

TEST(Dcep, EveryTruncationOfAValidOpenIsAnError) {
  Bytes b = encode_ok(Open{ChannelType::PartialReliableTimed, 1, 2, "label", "protocol"});
  for (std::size_t n = 0; n < b.size(); n++) {
    Bytes cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(parse(cut).ok()) << "length " << n;
  }
  EXPECT_TRUE(parse(b).ok());
}

TEST(Dcep, RandomInputNeverCrashes) {
  std::mt19937 rng(8832);
  std::size_t accepted = 0;
  for (int i = 0; i < 50000; i++) {
    Bytes b(rng() % 40);
    for (auto &x : b) x = static_cast<uint8_t>(rng());
    // Bias towards the interesting prefix so the OPEN parser is exercised.
    if (!b.empty() && i % 2) b[0] = 0x03;
    if (b.size() > 1 && i % 4 == 1) b[1] = 0x00;
    auto r = parse(b);
    if (r.ok()) {
      accepted++;
      // Whatever parses re-encodes to the same bytes (modulo the ignored
      // reliability of reliable channels).
      if (r->type == MessageType::Open && r->open.reliability != 0) {
        auto again = encode(r->open);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, b);
      }
    }
  }
  SUCCEED() << accepted << " random inputs parsed";
}

}  // namespace
}  // namespace gst_rtc::sctp::dcep
