// Why did a TURN server give no relay candidate? libnice 0.1.21 drops a
// failed allocation silently (no signal, no error code), so W3C
// icecandidateerror needs the answer from somewhere else: this probe sends
// one TURN Allocate of its own (RFC 8656 with long-term credentials, over
// UDP, TCP or TLS as the server URL says) and reports the STUN error code,
// or 701 when the server does not answer. Blocking: run it off the network
// thread.
#pragma once

#include <cstdint>
#include <string>

#include "ice-server.h"

namespace gst_rtc::ice {

struct TurnProbeResult {
  bool ok = false;          // the server allocated a relay with these credentials
  unsigned error_code = 0;  // STUN error code (401, 403, 437, ...) or 701
  std::string error_text;
  std::string local_address;  // the local side the probe used
  std::uint16_t local_port = 0;
};

// `local_address` is the IP to bind to (one of the gathering addresses).
// Gives up after `timeout_ms` in total.
// TLS servers are checked against `tls_ca_file` (empty: the system store)
// and must name the URL's IP, as the allocation itself does.
TurnProbeResult probe_turn_server(const TurnServer &server, const std::string &local_address,
                                  const std::string &tls_ca_file = "", unsigned timeout_ms = 3000);

}  // namespace gst_rtc::ice
