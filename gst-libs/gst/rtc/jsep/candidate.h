// ICE candidate attribute (RFC 8839 section 5.1 grammar, plus the extensions
// browsers send: tcptype, generation, ufrag, network-id, network-cost).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace gst_rtc::jsep {

enum class CandidateType { Host, ServerReflexive, PeerReflexive, Relay };
std::string_view to_string(CandidateType t);  // host, srflx, prflx, relay

enum class TcpType { Active, Passive, SimultaneousOpen };
std::string_view to_string(TcpType t);  // active, passive, so

struct Candidate {
  std::string foundation;  // 1..32 ice-chars
  std::uint32_t component = 1;
  std::string transport;  // "UDP" / "TCP" as written (compared case-insensitively)
  std::uint32_t priority = 0;
  std::string address;  // IPv4, IPv6, or an FQDN such as <uuid>.local
  std::uint16_t port = 0;
  CandidateType type = CandidateType::Host;
  std::optional<std::string> related_address;  // raddr
  std::optional<std::uint16_t> related_port;   // rport
  std::optional<TcpType> tcp_type;
  std::optional<std::uint32_t> generation;
  std::optional<std::string> ufrag;
  // Unknown extension attributes (name, value), in order, kept for round trip.
  std::vector<std::pair<std::string, std::string>> extensions;

  bool operator==(const Candidate &) const = default;

  bool is_tcp() const;
  bool is_mdns() const;  // address ends in ".local"
};

// Parses the value of a=candidate (with or without a leading "candidate:"
// or "a=candidate:"). Errors are ErrorCode::Syntax naming the bad field.
Result<Candidate> parse_candidate(std::string_view text);

// "candidate:<foundation> <component> ..." (without "a=").
std::string serialize_candidate(const Candidate &c);

}  // namespace gst_rtc::jsep
