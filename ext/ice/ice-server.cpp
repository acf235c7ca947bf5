#include "ice-server.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

namespace gst_rtc::ice {

namespace {

jsep::Error syntax(std::string_view url, const std::string &why) {
  return jsep::make_error(jsep::ErrorCode::Syntax, "ICE server URL '" + std::string(url) + "': " + why);
}

// RFC 1123 host name: dot-separated labels of letters, digits and '-', no
// label empty, starting or ending with '-'; at most 253 characters.
bool is_host_name(const std::string &host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      if (label == 0 || label > 63 || host[i - 1] == '-')
        return i == host.size() && host.back() == '.' && i > 1;
      label = 0;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(host[i]);
    if (!std::isalnum(c) && c != '-') return false;
    if (label == 0 && c == '-') return false;
    ++label;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; false on a broken escape.
bool percent_decode(std::string_view in, std::string &out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// host[:port] or [v6][:port]; port defaults to `default_port`.
jsep::Status parse_host_port(std::string_view url, std::string_view hp, std::uint16_t default_port,
                             std::string &host, std::uint16_t &port) {
  std::string_view port_text;
  if (!hp.empty() && hp.front() == '[') {
    auto close = hp.find(']');
    if (close == std::string_view::npos) return syntax(url, "unterminated IPv6 literal");
    host = std::string(hp.substr(1, close - 1));
    unsigned char v6[16];
    if (inet_pton(AF_INET6, host.c_str(), v6) != 1) return syntax(url, "not an IPv6 literal in brackets");
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return syntax(url, "junk after IPv6 literal");
      port_text = rest.substr(1);
      if (port_text.empty()) return syntax(url, "empty port");
    }
  } else {
    auto colon = hp.rfind(':');
    if (colon != std::string_view::npos) {
      if (hp.find(':') != colon) return syntax(url, "IPv6 literal must be in brackets");
      host = std::string(hp.substr(0, colon));
      port_text = hp.substr(colon + 1);
      if (port_text.empty()) return syntax(url, "empty port");
    } else {
      host = std::string(hp);
    }
  }
  if (host.empty()) return syntax(url, "no host");
  port = default_port;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535)
      return syntax(url, "bad port");
    port = static_cast<std::uint16_t>(value);
  }
  // A name is resolved (asynchronously) by the agent when it gathers.
  if (!is_ip_literal(host) && !is_host_name(host))
    return syntax(url, "host is neither an IP literal nor a name");
  return jsep::Ok{};
}

// Lower-cases the scheme and strips it plus an optional "//".
bool strip_scheme(std::string_view &rest, std::string_view scheme) {
  if (rest.size() <= scheme.size() || rest[scheme.size()] != ':') return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(rest[i])) != scheme[i]) return false;
  rest.remove_prefix(scheme.size() + 1);
  if (rest.substr(0, 2) == "//") rest.remove_prefix(2);
  return true;
}

}  // namespace

bool is_ip_literal(const std::string &host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

const char *to_string(RelayTransport t) {
  switch (t) {
    case RelayTransport::Udp:
      return "udp";
    case RelayTransport::Tcp:
      return "tcp";
    case RelayTransport::Tls:
      return "tls";
  }
  return "?";
}

jsep::Result<StunServer> parse_stun_url(std::string_view url) {
  std::string_view rest = url;
  if (!strip_scheme(rest, "stun")) return syntax(url, "not a stun: URL");
  if (rest.find_first_of("@?/") != std::string_view::npos) return syntax(url, "unexpected '@', '?' or '/'");
  StunServer s;
  s.url = std::string(url);
  if (auto st = parse_host_port(url, rest, 3478, s.host, s.port); !st) return st.error();
  return s;
}

jsep::Result<TurnServer> parse_turn_url(std::string_view url) {
  std::string_view rest = url;
  TurnServer t;
  bool tls = false;
  if (strip_scheme(rest, "turns")) {
    tls = true;
  } else if (!strip_scheme(rest, "turn")) {
    return syntax(url, "not a turn: or turns: URL");
  }
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto at = rest.rfind('@');
  if (at == std::string_view::npos) return syntax(url, "no user:password@ credentials");
  std::string_view creds = rest.substr(0, at);
  std::string_view hp = rest.substr(at + 1);
  auto colon = creds.find(':');
  if (colon == std::string_view::npos) return syntax(url, "credentials are not user:password");
  if (!percent_decode(creds.substr(0, colon), t.username) ||
      !percent_decode(creds.substr(colon + 1), t.password))
    return syntax(url, "broken percent-escape in the credentials");
  if (t.username.empty()) return syntax(url, "empty user name");
  if (t.username.size() > 512 || t.password.size() > 512) return syntax(url, "credentials too long");
  if (hp.find('/') != std::string_view::npos) return syntax(url, "unexpected '/'");

  t.transport = tls ? RelayTransport::Tls : RelayTransport::Udp;
  if (!query.empty()) {
    if (query == "transport=udp") {
      if (tls) return syntax(url, "turns: runs over TCP, not UDP");
      t.transport = RelayTransport::Udp;
    } else if (query == "transport=tcp") {
      t.transport = tls ? RelayTransport::Tls : RelayTransport::Tcp;
    } else {
      return syntax(url, "query must be transport=udp or transport=tcp");
    }
  }
  if (auto st = parse_host_port(url, hp, tls ? 5349 : 3478, t.host, t.port); !st) return st.error();
  std::string scheme = tls ? "turns:" : "turn:";
  std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  t.url =
      scheme + host + ":" + std::to_string(t.port) +
      (query.empty() ? "" : "?transport=" + std::string(t.transport == RelayTransport::Udp ? "udp" : "tcp"));
  return t;
}

}  // namespace gst_rtc::ice
