#include "ice-candidate.h"

#include <cstring>
#include <string>

namespace gst_rtc::ice {

namespace {

jsep::CandidateType type_from_nice(NiceCandidateType t) {
  switch (t) {
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return jsep::CandidateType::ServerReflexive;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return jsep::CandidateType::PeerReflexive;
    case NICE_CANDIDATE_TYPE_RELAYED:
      return jsep::CandidateType::Relay;
    case NICE_CANDIDATE_TYPE_HOST:
    default:
      return jsep::CandidateType::Host;
  }
}

NiceCandidateType type_to_nice(jsep::CandidateType t) {
  switch (t) {
    case jsep::CandidateType::ServerReflexive:
      return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
    case jsep::CandidateType::PeerReflexive:
      return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
    case jsep::CandidateType::Relay:
      return NICE_CANDIDATE_TYPE_RELAYED;
    case jsep::CandidateType::Host:
    default:
      return NICE_CANDIDATE_TYPE_HOST;
  }
}

std::string address_string(const NiceAddress &a) {
  char buf[NICE_ADDRESS_STRING_LEN] = {};
  nice_address_to_string(&a, buf);
  return buf;
}

}  // namespace

jsep::Candidate from_nice(const NiceCandidate &nc) {
  jsep::Candidate c;
  c.foundation = nc.foundation;
  c.component = nc.component_id;
  c.priority = nc.priority;
  c.address = address_string(nc.addr);
  c.port = static_cast<std::uint16_t>(nice_address_get_port(&nc.addr));
  c.type = type_from_nice(nc.type);
  switch (nc.transport) {
    case NICE_CANDIDATE_TRANSPORT_UDP:
      c.transport = "UDP";
      break;
    case NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE:
      c.transport = "TCP";
      c.tcp_type = jsep::TcpType::Active;
      // An active endpoint has no listening port; RFC 6544 says signal 9.
      if (c.port == 0) c.port = 9;
      break;
    case NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE:
      c.transport = "TCP";
      c.tcp_type = jsep::TcpType::Passive;
      break;
    case NICE_CANDIDATE_TRANSPORT_TCP_SO:
      c.transport = "TCP";
      c.tcp_type = jsep::TcpType::SimultaneousOpen;
      break;
  }
  // Non-host candidates carry their base as raddr/rport (RFC 8839 5.1).
  if (nc.type != NICE_CANDIDATE_TYPE_HOST && nice_address_is_valid(&nc.base_addr)) {
    c.related_address = address_string(nc.base_addr);
    c.related_port = static_cast<std::uint16_t>(nice_address_get_port(&nc.base_addr));
  }
  return c;
}

jsep::Result<NiceCandidatePtr> to_nice(const jsep::Candidate &c, guint stream_id) {
  // max-bundle with rtcp-mux: the stream has exactly one component.
  if (c.component != 1)
    return jsep::make_error(jsep::ErrorCode::Operation,
                            "candidate component " + std::to_string(c.component) + " does not exist");
  if (c.is_mdns())
    return jsep::make_error(jsep::ErrorCode::NotSupported,
                            "mDNS candidate " + c.address + " is not resolved yet");
  if (c.foundation.empty() || c.foundation.size() >= NICE_CANDIDATE_MAX_FOUNDATION)
    return jsep::make_error(jsep::ErrorCode::Syntax, "foundation length out of range");

  NiceCandidateTransport transport = NICE_CANDIDATE_TRANSPORT_UDP;
  if (c.is_tcp()) {
    if (!c.tcp_type) return jsep::make_error(jsep::ErrorCode::Operation, "TCP candidate without tcptype");
    switch (*c.tcp_type) {
      case jsep::TcpType::Active:
        transport = NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE;
        break;
      case jsep::TcpType::Passive:
        transport = NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE;
        break;
      case jsep::TcpType::SimultaneousOpen:
        transport = NICE_CANDIDATE_TRANSPORT_TCP_SO;
        break;
    }
  }

  NiceCandidatePtr nc(nice_candidate_new(type_to_nice(c.type)));
  nc->transport = transport;
  nc->stream_id = stream_id;
  nc->component_id = c.component;
  nc->priority = c.priority;
  std::memcpy(nc->foundation, c.foundation.data(), c.foundation.size());
  nc->foundation[c.foundation.size()] = '\0';
  // Only IP literals: any other name would make libnice resolve it, and
  // nothing here may touch DNS.
  if (!nice_address_set_from_string(&nc->addr, c.address.c_str()))
    return jsep::make_error(jsep::ErrorCode::Operation, "address " + c.address + " is not an IP literal");
  nice_address_set_port(&nc->addr, c.port);
  if (c.port == 0 && transport != NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE)
    return jsep::make_error(jsep::ErrorCode::Operation, "port 0 is not reachable");
  if (c.related_address) {
    // A bad raddr is harmless for connectivity; keep base_addr unset then.
    if (nice_address_set_from_string(&nc->base_addr, c.related_address->c_str()))
      nice_address_set_port(&nc->base_addr, c.related_port.value_or(0));
  }
  return nc;
}

}  // namespace gst_rtc::ice
