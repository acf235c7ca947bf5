// STUN and TURN server URLs (RFC 7064 / RFC 7065, plus the user:pass@
// credential form webrtcbin and rtcpeerbin's ice-servers use) parsed into
// what libnice needs. Pure C++: no GLib, no sockets, no DNS (a host name is
// kept as text; IceAgent resolves it when it gathers).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace gst_rtc::ice {

enum class RelayTransport { Udp, Tcp, Tls };
const char *to_string(RelayTransport t);  // udp, tcp, tls
// An IPv4 or IPv6 literal (without brackets): no lookup needed.
bool is_ip_literal(const std::string &host);

struct StunServer {
  std::string host;  // IP literal (IPv6 without brackets) or host name
  std::uint16_t port = 3478;
  std::string url;  // as given, for on-ice-candidate-error
};

struct TurnServer {
  std::string host;  // IP literal (IPv6 without brackets) or host name
  std::uint16_t port = 3478;
  std::string username;
  std::string password;
  RelayTransport transport = RelayTransport::Udp;
  std::string url;  // as given, without the credentials
};

// "stun:host[:port]" (also "stun://host:port", webrtcbin's form). Syntax for
// malformed text (including a host that is neither an IP literal nor an
// RFC 1123 name). Names are not looked up here.
jsep::Result<StunServer> parse_stun_url(std::string_view url);

// "turn[s]:user:pass@host[:port][?transport=udp|tcp]" (also with "//").
// turns: is TLS over TCP (default port 5349); turn: defaults to UDP on 3478.
// The user name ends at the first ':' and the password at the last '@';
// both may be percent-encoded. Errors as parse_stun_url.
jsep::Result<TurnServer> parse_turn_url(std::string_view url);

}  // namespace gst_rtc::ice
