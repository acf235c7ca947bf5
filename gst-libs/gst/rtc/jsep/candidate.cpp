// ICE candidate attribute parser/serializer (RFC 8839 section 5.1).
#include "candidate.h"

#include "text.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace gst_rtc::jsep {

namespace {

using namespace text;

Error syntax(std::string message) {
  return make_error(ErrorCode::Syntax, std::move(message));
}

// Parses a decimal field in [min, max]; on failure returns the message
// ("port \"x\" is not a number", "port 70000 out of range 0..65535").
template <class T>
std::optional<std::string> number(std::string_view field, std::string_view s, std::uint64_t min,
                                  std::uint64_t max, T &out) {
  if (!all_digits(s)) return std::string(field) + " " + quoted(s) + " is not a number";
  auto v = parse_uint<std::uint64_t>(s);
  if (!v || *v < min || *v > max) {
    return std::string(field) + " " + clipped(s) + " out of range " + std::to_string(min) + ".." +
           std::to_string(max);
  }
  out = static_cast<T>(*v);
  return std::nullopt;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    // Leading zeros are ambiguous (octal in inet_aton), so refuse them.
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    auto v = parse_uint<unsigned>(part);
    if (!v || *v > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool valid_ipv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t end = s.find(':', i);
    std::string_view group = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && group.find('.') != std::string_view::npos) {
      // Embedded IPv4 (::ffff:1.2.3.4) stands for the last two groups.
      if (!valid_ipv4(group)) return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    for (char c : group)
      if (!is_hex(c)) return false;
    ++groups;
    if (end == std::string_view::npos) break;
    if (end + 1 == s.size()) {
      return false;  // single trailing ':'
    }
    if (s[end + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      i = end + 2;
      if (i == s.size()) break;
    } else {
      i = end + 1;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool valid_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label_len = 0;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (label_len == 0 || prev == '-') return false;
      label_len = 0;
    } else if (is_alpha(c) || is_digit(c) || c == '-' || c == '_') {
      if (label_len == 0 && c == '-') return false;
      if (++label_len > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return label_len > 0 && prev != '-';
}

// IPv4 literal, IPv6 literal, or a DNS name (mDNS "<uuid>.local").
bool valid_address(std::string_view s) {
  if (s.find(':') != std::string_view::npos) return valid_ipv6(s);
  bool numeric = true;
  for (char c : s)
    if (!is_digit(c) && c != '.') numeric = false;
  // All digits and dots can only be meant as IPv4; "1.2.3.999" is an error,
  // not a hostname.
  if (numeric) return valid_ipv4(s);
  return valid_hostname(s);
}

std::optional<CandidateType> type_from_string(std::string_view s) {
  if (iequals(s, "host")) return CandidateType::Host;
  if (iequals(s, "srflx")) return CandidateType::ServerReflexive;
  if (iequals(s, "prflx")) return CandidateType::PeerReflexive;
  if (iequals(s, "relay")) return CandidateType::Relay;
  return std::nullopt;
}

std::optional<TcpType> tcp_type_from_string(std::string_view s) {
  if (iequals(s, "active")) return TcpType::Active;
  if (iequals(s, "passive")) return TcpType::Passive;
  if (iequals(s, "so")) return TcpType::SimultaneousOpen;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(CandidateType t) {
  switch (t) {
    case CandidateType::Host:
      return "host";
    case CandidateType::ServerReflexive:
      return "srflx";
    case CandidateType::PeerReflexive:
      return "prflx";
    case CandidateType::Relay:
      return "relay";
  }
  return "host";
}

std::string_view to_string(TcpType t) {
  switch (t) {
    case TcpType::Active:
      return "active";
    case TcpType::Passive:
      return "passive";
    case TcpType::SimultaneousOpen:
      return "so";
  }
  return "active";
}

bool Candidate::is_tcp() const {
  return iequals(transport, "TCP");
}

bool Candidate::is_mdns() const {
  return ends_with_ci(address, ".local");
}

Result<Candidate> parse_candidate(std::string_view text) {
  if (text.substr(0, 2) == "a=") text.remove_prefix(2);
  if (text.substr(0, 10) == "candidate:") text.remove_prefix(10);
  if (text.empty()) return syntax("missing foundation");
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return syntax("control character in candidate");
  }

  // Single spaces only: an empty token means a doubled, leading or trailing
  // space, which no ICE agent emits.
  std::vector<std::string_view> tokens;
  while (true) {
    std::size_t sp = text.find(' ');
    std::string_view tok = text.substr(0, sp);
    if (tok.empty()) return syntax("empty field (extra space) in candidate");
    tokens.push_back(tok);
    if (sp == std::string_view::npos) break;
    text.remove_prefix(sp + 1);
  }

  static constexpr const char *field_names[] = {"foundation", "component",          "transport",
                                                "priority",   "connection address", "port",
                                                "typ",        "candidate type"};
  if (tokens.size() < 8) return syntax("missing " + std::string(field_names[tokens.size()]));

  Candidate c;
  std::string_view foundation = tokens[0];
  if (foundation.size() > 32) return syntax("foundation longer than 32 characters");
  for (char ch : foundation)
    if (!is_ice_char(ch))
      return syntax("foundation " + quoted(foundation) + " has a character outside ice-char");
  c.foundation = std::string(foundation);

  if (auto err = number("component", tokens[1], 1, 256, c.component)) return syntax(*err);

  if (!iequals(tokens[2], "UDP") && !iequals(tokens[2], "TCP"))
    return syntax("transport " + quoted(tokens[2]) + " is neither UDP nor TCP");
  c.transport = std::string(tokens[2]);

  if (auto err = number("priority", tokens[3], 0, std::numeric_limits<std::uint32_t>::max(), c.priority))
    return syntax(*err);

  if (!valid_address(tokens[4]))
    return syntax("connection address " + quoted(tokens[4]) + " is not an IP address or hostname");
  c.address = std::string(tokens[4]);

  if (auto err = number("port", tokens[5], 0, 65535, c.port)) return syntax(*err);

  if (!iequals(tokens[6], "typ")) return syntax("expected \"typ\", got " + quoted(tokens[6]));
  auto type = type_from_string(tokens[7]);
  if (!type) return syntax("unknown candidate type " + quoted(tokens[7]));
  c.type = *type;

  // raddr/rport belong right after typ in the grammar; they are accepted
  // anywhere among the extensions because the model does not keep the
  // position and some agents put tcptype first.
  for (std::size_t i = 8; i < tokens.size(); i += 2) {
    std::string_view name = tokens[i];
    if (i + 1 >= tokens.size()) return syntax(std::string(name) + ": missing value");
    std::string_view value = tokens[i + 1];
    if (iequals(name, "raddr")) {
      if (c.related_address) return syntax("raddr: duplicate");
      if (!valid_address(value))
        return syntax("raddr: " + quoted(value) + " is not an IP address or hostname");
      c.related_address = std::string(value);
    } else if (iequals(name, "rport")) {
      if (c.related_port) return syntax("rport: duplicate");
      std::uint16_t rport = 0;
      if (auto err = number("rport:", value, 0, 65535, rport)) return syntax(*err);
      c.related_port = rport;
    } else if (iequals(name, "tcptype")) {
      if (c.tcp_type) return syntax("tcptype: duplicate");
      auto tcp_type = tcp_type_from_string(value);
      if (!tcp_type) return syntax("tcptype: " + quoted(value) + " is not active, passive or so");
      c.tcp_type = *tcp_type;
    } else if (iequals(name, "generation")) {
      if (c.generation) return syntax("generation: duplicate");
      std::uint32_t generation = 0;
      if (auto err = number("generation:", value, 0, std::numeric_limits<std::uint32_t>::max(), generation))
        return syntax(*err);
      c.generation = generation;
    } else if (iequals(name, "ufrag")) {
      if (c.ufrag) return syntax("ufrag: duplicate");
      c.ufrag = std::string(value);
    } else {
      c.extensions.emplace_back(std::string(name), std::string(value));
    }
  }
  return c;
}

std::string serialize_candidate(const Candidate &c) {
  std::string out = "candidate:";
  out += c.foundation;
  out += ' ';
  out += std::to_string(c.component);
  out += ' ';
  out += c.transport;
  out += ' ';
  out += std::to_string(c.priority);
  out += ' ';
  out += c.address;
  out += ' ';
  out += std::to_string(c.port);
  out += " typ ";
  out += to_string(c.type);
  if (c.related_address) out += " raddr " + *c.related_address;
  if (c.related_port) out += " rport " + std::to_string(*c.related_port);
  if (c.tcp_type) {
    out += " tcptype ";
    out += to_string(*c.tcp_type);
  }
  if (c.generation) out += " generation " + std::to_string(*c.generation);
  if (c.ufrag) out += " ufrag " + *c.ufrag;
  for (const auto &[name, value] : c.extensions) {
    out += ' ';
    out += name;
    out += ' ';
    out += value;
  }
  return out;
}

}  // namespace gst_rtc::jsep
