// SDP model for WebRTC (RFC 8866 + the attributes JSEP, RFC 8829, uses).
//
// Known attributes are parsed into typed fields; anything else is kept in
// `other` in the order it appeared, so it survives a parse/serialize round
// trip. Serialization writes attributes in one canonical order (the order
// Chromium uses), so serialize(parse(x)) is a fixed point and equal as a model
// to x, though not always byte-identical to a differently ordered input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "candidate.h"
#include "result.h"

namespace gst_rtc::jsep {

enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };
std::string_view to_string(Direction d);
std::optional<Direction> direction_from_string(std::string_view s);
// The direction the other side sees: sendonly <-> recvonly.
Direction reverse(Direction d);
bool direction_sends(Direction d);
bool direction_receives(Direction d);
Direction make_direction(bool send, bool recv);

enum class Setup { ActPass, Active, Passive, HoldConn };
std::string_view to_string(Setup s);
std::optional<Setup> setup_from_string(std::string_view s);

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
struct Origin {
  std::string username = "-";
  std::string session_id = "0";  // digits, kept as text: may exceed 64 bits
  std::uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "127.0.0.1";
  bool operator==(const Origin &) const = default;
};

// c=<nettype> <addrtype> <connection-address>
struct Connection {
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "0.0.0.0";
  bool operator==(const Connection &) const = default;
};

// b=<bwtype>:<bandwidth>
struct Bandwidth {
  std::string type;  // AS, TIAS, CT, RR, RS
  std::uint64_t value = 0;
  bool operator==(const Bandwidth &) const = default;
};

// t=<start-time> <stop-time>
struct Timing {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  std::vector<std::string> repeats;  // values of the r= lines after this t=, verbatim
  bool operator==(const Timing &) const = default;
};

// a=fingerprint:<hash-func> <fingerprint>; value is upper-case hex pairs
// joined by ':' as written on the wire.
struct Fingerprint {
  std::string algorithm;  // lower case: sha-256, sha-1, sha-384, sha-512
  std::string value;
  bool operator==(const Fingerprint &) const = default;
};

// a=group:<semantics> <mid>*
struct Group {
  std::string semantics;  // BUNDLE, LS, ...
  std::vector<std::string> mids;
  bool operator==(const Group &) const = default;
};

// a=extmap:<id>[/<direction>] <uri> [<extension attributes>]
struct Extmap {
  int id = 0;  // 1..14 one-byte, 1..255 two-byte headers
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // rest of the line after the URI, verbatim
  bool operator==(const Extmap &) const = default;
};

// a=rtpmap:<pt> <encoding>/<clock-rate>[/<channels>]
struct RtpMap {
  int payload_type = 0;  // 0..127
  std::string encoding;  // case preserved as written
  std::uint32_t clock_rate = 0;
  std::optional<std::uint32_t> channels;
  bool operator==(const RtpMap &) const = default;
};

// a=fmtp:<pt> <parameters>
struct Fmtp {
  int payload_type = 0;
  std::string parameters;  // verbatim, e.g. "minptime=10;useinbandfec=1"
  bool operator==(const Fmtp &) const = default;
};
// "a=1;b=2" -> {{"a","1"},{"b","2"}}; keys keep their case, spaces trimmed.
// A parameter without '=' gets an empty value.
std::vector<std::pair<std::string, std::string>> parse_fmtp_parameters(std::string_view params);
std::string format_fmtp_parameters(const std::vector<std::pair<std::string, std::string>> &params);

// a=rtcp-fb:<pt|*> <type> [<subtype>]
struct RtcpFb {
  std::optional<int> payload_type;  // nullopt = "*"
  std::string type;                 // nack, ccm, goog-remb, transport-cc
  std::string subtype;              // pli, fir, ... or empty
  bool operator==(const RtcpFb &) const = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>]
struct SsrcAttribute {
  std::uint32_t ssrc = 0;
  std::string attribute;  // cname, msid, ...
  std::optional<std::string> value;
  bool operator==(const SsrcAttribute &) const = default;
};

// a=ssrc-group:<semantics> <ssrc>*
struct SsrcGroup {
  std::string semantics;  // FID, SIM, FEC-FR
  std::vector<std::uint32_t> ssrcs;
  bool operator==(const SsrcGroup &) const = default;
};

// a=msid:<stream-id> [<track-id>]
struct Msid {
  std::string stream_id;
  std::string track_id;  // may be empty
  bool operator==(const Msid &) const = default;
};

// a=rid:<id> send|recv [pt=<fmt>,...;<restriction>=<value>;...]
struct Rid {
  std::string id;
  bool send = true;  // false: "recv"
  std::vector<int> payload_types;
  // other restrictions (max-width=1280, ...) verbatim, in order
  std::vector<std::pair<std::string, std::string>> restrictions;
  bool operator==(const Rid &) const = default;
};

// a=simulcast:<send|recv> <list> [<send|recv> <list>] (RFC 8853)
// Each stream is a list of alternative RIDs; '~' prefix = paused.
struct SimulcastRid {
  std::string rid;
  bool paused = false;
  bool operator==(const SimulcastRid &) const = default;
};
using SimulcastStream = std::vector<SimulcastRid>;  // alternatives
struct Simulcast {
  std::vector<SimulcastStream> send;
  std::vector<SimulcastStream> recv;
  bool send_first = true;  // order of the two halves on the line
  bool operator==(const Simulcast &) const = default;
};

// Any attribute the model does not know, kept verbatim: a=<name>[:<value>].
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Attribute &) const = default;
};

// Attributes allowed at both session and media level.
struct CommonAttributes {
  std::optional<std::string> ice_ufrag;
  std::optional<std::string> ice_pwd;
  std::vector<std::string> ice_options;  // trickle, ice2, renomination
  bool ice_lite = false;                  // session level only
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  std::optional<Direction> direction;  // absent = sendrecv
  std::vector<Extmap> extmaps;
  bool extmap_allow_mixed = false;
  std::vector<Attribute> other;  // unknown attributes, in input order
  bool operator==(const CommonAttributes &) const = default;
};

struct MediaDescription {
  // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  std::string media;  // audio, video, application, or anything else
  std::uint16_t port = 9;
  std::optional<std::uint16_t> port_count;
  std::string proto;                 // UDP/TLS/RTP/SAVPF, UDP/DTLS/SCTP, ...
  std::vector<std::string> formats;  // payload types as text, or "webrtc-datachannel"

  std::optional<std::string> title;  // i=
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;

  CommonAttributes attrs;
  std::optional<std::string> mid;
  std::optional<std::string> rtcp;  // a=rtcp:<port> [...] verbatim value
  bool rtcp_mux = false;
  bool rtcp_mux_only = false;
  bool rtcp_rsize = false;
  std::vector<RtpMap> rtpmaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFb> rtcp_fbs;
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Msid> msids;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;
  std::optional<std::uint16_t> sctp_port;
  std::optional<std::uint64_t> max_message_size;
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;

  bool operator==(const MediaDescription &) const = default;

  bool is_rtp() const;           // proto contains "RTP/"
  bool is_data_channel() const;  // application + (UDP/)DTLS/SCTP
  bool is_rejected() const { return port == 0; }
  Direction effective_direction() const { return attrs.direction.value_or(Direction::SendRecv); }
  const RtpMap *find_rtpmap(int pt) const;
  const Fmtp *find_fmtp(int pt) const;
};

struct SessionDescription {
  int version = 0;
  Origin origin;
  std::string session_name = "-";
  std::optional<std::string> session_info;  // i=
  std::optional<std::string> uri;           // u=
  std::vector<std::string> emails;          // e=
  std::vector<std::string> phones;          // p=
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> timings{Timing{}};
  std::optional<std::string> zone_adjustments;  // z=, verbatim
  std::vector<Group> groups;
  std::optional<std::string> msid_semantic;  // value of a=msid-semantic
  CommonAttributes attrs;
  std::vector<MediaDescription> media;

  bool operator==(const SessionDescription &) const = default;

  // The BUNDLE group, if any (first group with semantics "BUNDLE").
  const Group *bundle_group() const;
  const MediaDescription *find_media(std::string_view mid) const;
};

// Strict parser. Accepts CRLF or LF line ends. Errors are ErrorCode::Syntax
// with the 1-based line number set.
Result<SessionDescription> parse_sdp(std::string_view text);

// Serializes with CRLF line ends in canonical attribute order.
std::string serialize_sdp(const SessionDescription &sdp);

}  // namespace gst_rtc::jsep
