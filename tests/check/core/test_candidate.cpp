// Unit tests for the ICE candidate attribute parser/serializer (RFC 8839).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "candidate.h"

using namespace gst_rtc::jsep;

namespace {

Candidate parse_ok(std::string_view text) {
  auto r = parse_candidate(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Candidate{};
}

void expect_error(std::string_view text, std::string_view needle) {
  auto r = parse_candidate(text);
  ASSERT_FALSE(r.ok()) << "parsed unexpectedly: " << text;
  EXPECT_EQ(r.error().code, ErrorCode::Syntax);
  EXPECT_NE(r.error().message.find(needle), std::string::npos)
      << text << ": message \"" << r.error().message << "\" lacks \"" << needle << "\"";
}

void expect_round_trip(std::string_view text) {
  Candidate c = parse_ok(text);
  std::string out = serialize_candidate(c);
  EXPECT_EQ(out.rfind("candidate:", 0), 0u);
  EXPECT_TRUE(parse_ok(out) == c) << text << " -> " << out;
  EXPECT_EQ(serialize_candidate(parse_ok(out)), out);
}

using Extensions = std::vector<std::pair<std::string, std::string>>;

TEST(Candidate, ChromeMdnsHost) {
  auto c = parse_ok(
      "candidate:3798123463 1 udp 2122260223 b9e4f2a8-8e0b-4f7b-9c2e-7f0c3d1a2b4c.local 54321 typ host "
      "generation 0 "
      "ufrag Vx4R network-id 1 network-cost 10");
  EXPECT_EQ(c.foundation, "3798123463");
  EXPECT_EQ(c.component, 1u);
  EXPECT_EQ(c.transport, "udp");
  EXPECT_EQ(c.priority, 2122260223u);
  EXPECT_EQ(c.address, "b9e4f2a8-8e0b-4f7b-9c2e-7f0c3d1a2b4c.local");
  EXPECT_EQ(c.port, 54321);
  EXPECT_EQ(c.type, CandidateType::Host);
  EXPECT_TRUE(c.is_mdns());
  EXPECT_FALSE(c.is_tcp());
  EXPECT_EQ(c.generation, 0u);
  EXPECT_EQ(c.ufrag, "Vx4R");
  EXPECT_EQ(c.extensions, (Extensions{{"network-id", "1"}, {"network-cost", "10"}}));
  EXPECT_FALSE(c.related_address);
  EXPECT_FALSE(c.tcp_type);
}

TEST(Candidate, ServerReflexiveWithRelatedAddress) {
  auto c = parse_ok(
      "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0 generation 0");
  EXPECT_EQ(c.type, CandidateType::ServerReflexive);
  EXPECT_EQ(c.related_address, "0.0.0.0");
  EXPECT_EQ(c.related_port, 0);
  EXPECT_FALSE(c.is_mdns());
}

TEST(Candidate, RelayAndPeerReflexive) {
  auto relay =
      parse_ok("candidate:3 1 UDP 92217087 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 46154");
  EXPECT_EQ(relay.type, CandidateType::Relay);
  EXPECT_EQ(relay.related_port, 46154);
  auto prflx = parse_ok("candidate:4 2 UDP 1845501695 192.0.2.33 61000 typ prflx raddr 192.0.2.1 rport 5000");
  EXPECT_EQ(prflx.type, CandidateType::PeerReflexive);
  EXPECT_EQ(prflx.component, 2u);
}

TEST(Candidate, FirefoxTcpActiveOnPortNine) {
  auto c = parse_ok("candidate:1 1 TCP 2105524479 192.168.1.20 9 typ host tcptype active");
  EXPECT_TRUE(c.is_tcp());
  EXPECT_EQ(c.transport, "TCP");
  EXPECT_EQ(c.port, 9);
  EXPECT_EQ(c.tcp_type, TcpType::Active);
  auto passive = parse_ok("candidate:2 1 tcp 1518280447 192.168.1.20 50000 typ host tcptype passive");
  EXPECT_EQ(passive.tcp_type, TcpType::Passive);
  auto so = parse_ok("candidate:2 1 tcp 1518280447 192.168.1.20 50000 typ host tcptype so");
  EXPECT_EQ(so.tcp_type, TcpType::SimultaneousOpen);
}

TEST(Candidate, TcpWithoutTcptypeKeepsNullopt) {
  auto c = parse_ok("candidate:5 1 tcp 1518280447 10.0.0.2 443 typ host");
  EXPECT_TRUE(c.is_tcp());
  EXPECT_FALSE(c.tcp_type);
}

TEST(Candidate, AcceptsAllPrefixForms) {
  const char *body = "1 1 UDP 2122252543 192.0.2.1 5000 typ host";
  auto bare = parse_ok(body);
  EXPECT_TRUE(parse_ok(std::string("candidate:") + body) == bare);
  EXPECT_TRUE(parse_ok(std::string("a=candidate:") + body) == bare);
  EXPECT_EQ(bare.foundation, "1");
}

TEST(Candidate, IPv6Addresses) {
  EXPECT_EQ(parse_ok("candidate:1 1 udp 2122262783 2001:db8::1 50000 typ host").address, "2001:db8::1");
  EXPECT_EQ(parse_ok("candidate:1 1 udp 2122262783 fe80::1c2b:3aff:fe4d:5e6f 50000 typ host").port, 50000);
  EXPECT_EQ(parse_ok("candidate:1 1 udp 1 ::ffff:192.0.2.1 1 typ host").address, "::ffff:192.0.2.1");
  parse_ok("candidate:1 1 udp 1 1:2:3:4:5:6:7:8 1 typ host");
  parse_ok("candidate:1 1 udp 1 :: 1 typ srflx raddr ::1 rport 2");
}

TEST(Candidate, ExtensionsKeptInOrder) {
  auto c = parse_ok(
      "candidate:1 1 udp 1 192.0.2.1 1 typ host network-cost 50 x-vendor foo network-id 3 generation 2");
  EXPECT_EQ(c.extensions, (Extensions{{"network-cost", "50"}, {"x-vendor", "foo"}, {"network-id", "3"}}));
  EXPECT_EQ(c.generation, 2u);
}

TEST(Candidate, SerializeCanonicalOrder) {
  // tcptype and an extension before raddr/rport (some agents do this).
  auto c = parse_ok(
      "candidate:7 1 tcp 1 192.0.2.1 9 typ srflx tcptype active x y raddr 10.0.0.1 rport 9 ufrag abcd "
      "generation 1");
  EXPECT_EQ(serialize_candidate(c),
            "candidate:7 1 tcp 1 192.0.2.1 9 typ srflx raddr 10.0.0.1 rport 9 tcptype active generation 1 "
            "ufrag abcd "
            "x y");
}

TEST(Candidate, RoundTrips) {
  for (const char *text :
       {"candidate:3798123463 1 udp 2122260223 b9e4f2a8-8e0b-4f7b-9c2e-7f0c3d1a2b4c.local 54321 typ host "
        "generation 0 "
        "network-id 1 network-cost 10",
        "candidate:0 1 UDP 2122252543 10.0.1.5 49203 typ host",
        "candidate:1 1 TCP 2105524479 10.0.1.5 9 typ host tcptype active",
        "candidate:a0+B/z 256 udp 4294967295 host.example.com 65535 typ relay raddr 0.0.0.0 rport 0",
        // libnice
        "candidate:1 1 UDP 2015363327 192.168.1.3 36657 typ host",
        "candidate:4 1 TCP 1015021823 192.168.1.3 9 typ host tcptype active",
        // aiortc (md5 foundation, 32 hex chars)
        "candidate:0f6f1d4ce2a8b6e0c25f4cc4a1df16b7 1 udp 2130706431 192.168.1.3 53829 typ host",
        "candidate:9 2 udp 1 2001:db8::1 1 typ prflx raddr 2001:db8::2 rport 2 generation 4294967295"}) {
    SCOPED_TRACE(text);
    expect_round_trip(text);
  }
}

TEST(Candidate, EnumStrings) {
  EXPECT_EQ(to_string(CandidateType::Host), "host");
  EXPECT_EQ(to_string(CandidateType::ServerReflexive), "srflx");
  EXPECT_EQ(to_string(CandidateType::PeerReflexive), "prflx");
  EXPECT_EQ(to_string(CandidateType::Relay), "relay");
  EXPECT_EQ(to_string(TcpType::Active), "active");
  EXPECT_EQ(to_string(TcpType::Passive), "passive");
  EXPECT_EQ(to_string(TcpType::SimultaneousOpen), "so");
}

TEST(Candidate, KeywordsAreCaseInsensitive) {
  auto c = parse_ok("candidate:1 1 udp 1 192.0.2.1 1 TYP SRFLX RADDR 10.0.0.1 RPORT 2");
  EXPECT_EQ(c.type, CandidateType::ServerReflexive);
  EXPECT_EQ(c.related_port, 2);
  EXPECT_TRUE(c.extensions.empty());
  EXPECT_TRUE(parse_ok("candidate:1 1 Tcp 1 a.local 1 typ host").is_tcp());
  EXPECT_TRUE(parse_ok("candidate:1 1 udp 1 A.LOCAL 1 typ host").is_mdns());
}

TEST(CandidateReject, MissingFields) {
  expect_error("", "missing foundation");
  expect_error("candidate:", "missing foundation");
  expect_error("candidate:1", "missing component");
  expect_error("candidate:1 1", "missing transport");
  expect_error("candidate:1 1 udp", "missing priority");
  expect_error("candidate:1 1 udp 1", "missing connection address");
  expect_error("candidate:1 1 udp 1 192.0.2.1", "missing port");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1", "missing typ");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ", "missing candidate type");
}

TEST(CandidateReject, Foundation) {
  expect_error("candidate:" + std::string(33, 'a') + " 1 udp 1 192.0.2.1 1 typ host",
               "foundation longer than 32");
  expect_error("candidate:ab-c 1 udp 1 192.0.2.1 1 typ host",
               "foundation \"ab-c\" has a character outside ice-char");
  expect_error("candidate:candidate:1 1 udp 1 192.0.2.1 1 typ host", "foundation");
}

TEST(CandidateReject, Component) {
  expect_error("candidate:1 0 udp 1 192.0.2.1 1 typ host", "component 0 out of range 1..256");
  expect_error("candidate:1 257 udp 1 192.0.2.1 1 typ host", "component 257 out of range 1..256");
  expect_error("candidate:1 x udp 1 192.0.2.1 1 typ host", "component \"x\" is not a number");
  expect_error("candidate:1 -1 udp 1 192.0.2.1 1 typ host", "component");
}

TEST(CandidateReject, TransportPriorityPort) {
  expect_error("candidate:1 1 sctp 1 192.0.2.1 1 typ host", "transport \"sctp\" is neither UDP nor TCP");
  expect_error("candidate:1 1 udp 4294967296 192.0.2.1 1 typ host",
               "priority 4294967296 out of range 0..4294967295");
  expect_error("candidate:1 1 udp +1 192.0.2.1 1 typ host", "priority");
  expect_error("candidate:1 1 udp 1 192.0.2.1 65536 typ host", "port 65536 out of range 0..65535");
  expect_error("candidate:1 1 udp 1 192.0.2.1 80a typ host", "port \"80a\" is not a number");
}

TEST(CandidateReject, Address) {
  for (const char *addr :
       {"999.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1::2::3", "1:2:3", ":1::", "gggg::1", "-bad.local",
        "bad-.local", "a..local", "a.local.", "host_name!", "12345"}) {
    SCOPED_TRACE(addr);
    expect_error(std::string("candidate:1 1 udp 1 ") + addr + " 1 typ host",
                 "connection address \"" + std::string(addr) + "\" is not an IP address or hostname");
  }
  std::string long_label = std::string(64, 'a') + ".local";
  expect_error("candidate:1 1 udp 1 " + long_label + " 1 typ host", "connection address");
  std::string long_name;
  for (int i = 0; i < 26; ++i) long_name += "abcdefghi.";
  long_name += "local";  // 265 characters
  expect_error("candidate:1 1 udp 1 " + long_name + " 1 typ host", "connection address");
}

TEST(CandidateReject, Type) {
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 type host", "expected \"typ\", got \"type\"");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ fancy", "unknown candidate type \"fancy\"");
}

TEST(CandidateReject, RelatedAddressAndPort) {
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr", "raddr: missing value");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 300.0.0.1 rport 1", "raddr: \"300.0.0.1\"");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 10.0.0.1 rport 70000",
               "rport: 70000 out of range 0..65535");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 10.0.0.1 raddr 10.0.0.2", "raddr: duplicate");
}

TEST(CandidateReject, Extensions) {
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host generation", "generation: missing value");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host network-id 1 network-cost",
               "network-cost: missing value");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host generation -1",
               "generation: \"-1\" is not a number");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host generation 4294967296",
               "generation: 4294967296 out of range");
  expect_error("candidate:1 1 tcp 1 192.0.2.1 1 typ host tcptype both",
               "tcptype: \"both\" is not active, passive or so");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host ufrag a ufrag b", "ufrag: duplicate");
}

TEST(CandidateReject, SpacingAndControlCharacters) {
  expect_error("candidate:1  1 udp 1 192.0.2.1 1 typ host", "empty field");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host ", "empty field");
  expect_error(" candidate:1 1 udp 1 192.0.2.1 1 typ host", "empty field");
  expect_error("candidate:1 1 udp 1 192.0.2.1 1 typ host\r\n", "control character");
  expect_error(std::string_view("candidate:1 1 udp 1 192.0.2.1 1 typ host\0", 42), "control character");
  expect_error("candidate:1\t1 udp 1 192.0.2.1 1 typ host", "control character");
}

TEST(CandidateHostile, HugeInputs) {
  std::string many = "candidate:1 1 udp 1 192.0.2.1 1 typ host";
  for (int i = 0; i < 100000; ++i) many += " x-e " + std::to_string(i);
  auto c = parse_ok(many);
  EXPECT_EQ(c.extensions.size(), 100000u);
  auto r = parse_candidate("candidate:1 1 udp 1 " + std::string(1 << 20, '1') + " 1 typ host");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().message.size(), 200u);
}

}  // namespace
