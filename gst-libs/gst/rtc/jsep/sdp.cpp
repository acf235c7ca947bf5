// Strict SDP parser (RFC 8866 structure, WebRTC attributes). The serializer
// lives in sdp-serialize.cpp, the model's small helpers in sdp-model.cpp.
//
// The parser is single pass and linear: every lookup that could grow with the
// input (payload types, extmap ids, mids, rids) goes through a bitset or a
// tree, never a scan of what was parsed so far, so hostile input cannot make
// it quadratic.
#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <cstddef>
#include <limits>
#include <set>

#include "sdp.h"
#include "text.h"

namespace gst_rtc::jsep {

namespace {

using namespace text;

// RFC 8866 token-char.
bool is_token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2a || u == 0x2b || u == 0x2d || u == 0x2e ||
         (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) || (u >= 0x5e && u <= 0x7e);
}
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

// RFC 8851 rid-id: 1*(alpha-numeric / "-" / "_").
bool is_rid_id(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_'; });
}

// Splits on single spaces. Returns false when a field is empty (doubled,
// leading or trailing space).
bool split_spaces(std::string_view s, std::vector<std::string_view> &out) {
  out.clear();
  while (true) {
    std::size_t sp = s.find(' ');
    std::string_view tok = s.substr(0, sp);
    if (tok.empty()) return false;
    out.push_back(tok);
    if (sp == std::string_view::npos) return true;
    s.remove_prefix(sp + 1);
  }
}

// Splits on `sep`, keeping empty pieces (callers reject them with context).
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t pos = s.find(sep);
    out.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return out;
    s.remove_prefix(pos + 1);
  }
}

// Digest sizes of the hash functions browsers use (RFC 8122); other hash
// names are accepted with any length.
std::optional<std::size_t> digest_size(std::string_view algorithm) {
  if (algorithm == "sha-1") return 20;
  if (algorithm == "sha-224") return 28;
  if (algorithm == "sha-256") return 32;
  if (algorithm == "sha-384") return 48;
  if (algorithm == "sha-512") return 64;
  if (algorithm == "md5") return 16;
  return std::nullopt;
}

enum class Attr {
  IceUfrag,
  IcePwd,
  IceOptions,
  IceLite,
  Fingerprint,
  Setup,
  SendRecv,
  SendOnly,
  RecvOnly,
  Inactive,
  Extmap,
  ExtmapAllowMixed,
  Group,
  MsidSemantic,
  Mid,
  Rtpmap,
  Fmtp,
  RtcpFb,
  Ssrc,
  SsrcGroup,
  Msid,
  Rid,
  Simulcast,
  SctpPort,
  MaxMessageSize,
  Candidate,
  EndOfCandidates,
  Rtcp,
  RtcpMux,
  RtcpMuxOnly,
  RtcpRsize,
};

enum class Scope { Both, Session, Media };

struct AttrInfo {
  std::string_view name;
  Attr kind;
  Scope scope;
  bool has_value;  // false: a flag, which must not carry ":value"
};

constexpr AttrInfo attr_table[] = {
    {"ice-ufrag", Attr::IceUfrag, Scope::Both, true},
    {"ice-pwd", Attr::IcePwd, Scope::Both, true},
    {"ice-options", Attr::IceOptions, Scope::Both, true},
    {"ice-lite", Attr::IceLite, Scope::Session, false},
    {"fingerprint", Attr::Fingerprint, Scope::Both, true},
    {"setup", Attr::Setup, Scope::Both, true},
    {"sendrecv", Attr::SendRecv, Scope::Both, false},
    {"sendonly", Attr::SendOnly, Scope::Both, false},
    {"recvonly", Attr::RecvOnly, Scope::Both, false},
    {"inactive", Attr::Inactive, Scope::Both, false},
    {"extmap", Attr::Extmap, Scope::Both, true},
    {"extmap-allow-mixed", Attr::ExtmapAllowMixed, Scope::Both, false},
    {"group", Attr::Group, Scope::Session, true},
    {"msid-semantic", Attr::MsidSemantic, Scope::Session, true},
    {"mid", Attr::Mid, Scope::Media, true},
    {"rtpmap", Attr::Rtpmap, Scope::Media, true},
    {"fmtp", Attr::Fmtp, Scope::Media, true},
    {"rtcp-fb", Attr::RtcpFb, Scope::Media, true},
    {"ssrc", Attr::Ssrc, Scope::Media, true},
    {"ssrc-group", Attr::SsrcGroup, Scope::Media, true},
    {"msid", Attr::Msid, Scope::Media, true},
    {"rid", Attr::Rid, Scope::Media, true},
    {"simulcast", Attr::Simulcast, Scope::Media, true},
    {"sctp-port", Attr::SctpPort, Scope::Media, true},
    {"max-message-size", Attr::MaxMessageSize, Scope::Media, true},
    {"candidate", Attr::Candidate, Scope::Media, true},
    {"end-of-candidates", Attr::EndOfCandidates, Scope::Media, false},
    {"rtcp", Attr::Rtcp, Scope::Media, true},
    {"rtcp-mux", Attr::RtcpMux, Scope::Media, false},
    {"rtcp-mux-only", Attr::RtcpMuxOnly, Scope::Media, false},
    {"rtcp-rsize", Attr::RtcpRsize, Scope::Media, false},
};

const AttrInfo *find_attr(std::string_view name) {
  for (const auto &info : attr_table)
    if (info.name == name) return &info;
  return nullptr;
}

// Session-level line order of RFC 8866 section 9; r= shares t='s rank so
// that "t r r t r" is in order. -1: not a session-level line type.
int session_rank(char type) {
  constexpr std::string_view order = "vosiuepcbtzka";
  std::size_t rank = order.find(type == 'r' ? 't' : type);
  return rank == std::string_view::npos ? -1 : static_cast<int>(rank);
}

// -1: a session-only line type inside an m-section.
int media_rank(char type) {
  constexpr std::string_view order = "micbka";
  std::size_t rank = order.find(type);
  return rank == std::string_view::npos ? -1 : static_cast<int>(rank);
}

// Rank past every session-level line: where the first m= or the end of the
// description sits.
constexpr int end_of_session = 13;

constexpr std::string_view known_line_types = "vosiuepcbtrzkam";

class Parser {
 public:
  Result<SessionDescription> run(std::string_view text);

 private:
  Error fail(std::string reason) const { return make_error(ErrorCode::Syntax, what_ + ": " + reason, line_); }
  Error fail_line(std::string message) const {
    return make_error(ErrorCode::Syntax, std::move(message), line_);
  }

  Result<std::uint64_t> number(std::string_view field, std::string_view s, std::uint64_t min,
                               std::uint64_t max) const;
  Result<int> payload_type(std::string_view s) const;

  Status line(char type, std::string_view value);
  Status session_line(char type, std::string_view value);
  Status media_line(char type, std::string_view value);
  Status check_mandatory(int up_to_rank);
  Result<Origin> origin(std::string_view value);
  Result<Connection> connection(std::string_view value);
  Result<Bandwidth> bandwidth(std::string_view value);
  Result<Timing> timing(std::string_view value);
  Status start_media(std::string_view value);
  void finish_media();

  Status attribute(std::string_view text);
  Status typed_attribute(Attr kind, std::string_view value, CommonAttributes &attrs, MediaDescription *m);
  Status ice_credential(std::optional<std::string> &slot, std::string_view v, std::size_t min_len);
  Status ice_options(CommonAttributes &attrs, std::string_view v);
  Status fingerprint(CommonAttributes &attrs, std::string_view v);
  Status direction(CommonAttributes &attrs, Direction d);
  Status extmap(CommonAttributes &attrs, std::string_view v);
  Status group(std::string_view v);
  Status mid(MediaDescription &m, std::string_view v);
  Status rtpmap(MediaDescription &m, std::string_view v);
  Status fmtp(MediaDescription &m, std::string_view v);
  Status rtcp_fb(MediaDescription &m, std::string_view v);
  Status ssrc(MediaDescription &m, std::string_view v);
  Status ssrc_group(MediaDescription &m, std::string_view v);
  Status msid(MediaDescription &m, std::string_view v);
  Status rid(MediaDescription &m, std::string_view v);
  Status simulcast(MediaDescription &m, std::string_view v);
  Result<std::vector<SimulcastStream>> simulcast_list(std::string_view v);
  Status rtcp(MediaDescription &m, std::string_view v);
  Status flag(bool &slot);

  SessionDescription sdp_;
  std::size_t line_ = 0;
  std::string what_;  // "a=rtpmap", "m=", ...: prefix of error messages
  char prev_type_ = 0;
  bool in_media_ = false;
  int rank_ = -1;
  std::bitset<16> seen_;  // session line ranks seen

  std::bitset<256> session_extmap_ids_;
  std::set<std::string, std::less<>> mids_;

  // Per m-section state, reset by start_media().
  std::array<int, 128> pt_index_{};  // index in the format list, -1 if absent
  std::bitset<128> rtpmap_pts_;
  std::bitset<128> fmtp_pts_;
  std::bitset<256> media_extmap_ids_;
  std::set<std::string, std::less<>> rids_;
  std::vector<std::string_view> tokens_;  // scratch
};

Result<std::uint64_t> Parser::number(std::string_view field, std::string_view s, std::uint64_t min,
                                     std::uint64_t max) const {
  if (!all_digits(s)) return fail(std::string(field) + " " + quoted(s) + " is not a number");
  auto v = parse_uint<std::uint64_t>(s);
  if (!v || *v < min || *v > max)
    return fail(std::string(field) + " " + clipped(s) + " out of range " + std::to_string(min) + ".." +
                std::to_string(max));
  return *v;
}

Result<int> Parser::payload_type(std::string_view s) const {
  auto pt = number("payload type", s, 0, 127);
  if (!pt) return pt.error();
  int value = static_cast<int>(*pt);
  if (pt_index_[value] < 0)
    return fail("payload type " + std::to_string(value) + " is not in the m-line format list");
  return value;
}

Result<SessionDescription> Parser::run(std::string_view text) {
  sdp_.timings.clear();
  pt_index_.fill(-1);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (raw.empty()) {
      // Blank lines after the last one are harmless padding; anywhere else
      // they break the <type>=<value> structure.
      if (text.find_first_not_of("\r\n", pos) == std::string_view::npos) break;
      return fail_line("empty line");
    }
    for (char c : raw) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) {
        static constexpr char hex[] = "0123456789abcdef";
        return fail_line(std::string("control character 0x") + hex[u >> 4] + hex[u & 0xf] + " in line");
      }
    }
    if (raw.size() < 2 || raw[1] != '=' || raw[0] < 'a' || raw[0] > 'z')
      return fail_line("malformed line " + quoted(raw) + ", expected <type>=<value>");
    char type = raw[0];
    if (known_line_types.find(type) == std::string_view::npos)
      return fail_line(std::string("unknown line type '") + type + "='");
    std::string_view value = raw.substr(2);
    if (value.empty()) return fail_line(std::string(1, type) + "= line with empty value");
    what_ = std::string(1, type) + "=";
    if (auto st = line(type, value); !st) return st.error();
    prev_type_ = type;
  }
  if (prev_type_ == 0) {
    line_ = 1;
    return fail_line("empty description, expected v=0");
  }
  if (in_media_) {
    finish_media();
  } else if (auto st = check_mandatory(end_of_session); !st) {
    return st.error();
  }
  return std::move(sdp_);
}

Status Parser::line(char type, std::string_view value) {
  if (type == 'k') return fail("obsolete encryption key line is not supported");
  if (type == 'm') {
    if (in_media_) {
      finish_media();
    } else if (auto st = check_mandatory(end_of_session); !st) {
      return st;
    }
    in_media_ = true;
    return start_media(value);
  }
  return in_media_ ? media_line(type, value) : session_line(type, value);
}

// Reports the first mandatory session line (v o s t) missing before a line
// of rank `up_to_rank`.
Status Parser::check_mandatory(int up_to_rank) {
  static constexpr struct {
    int rank;
    const char *name;
  } mandatory[] = {{0, "v="}, {1, "o="}, {2, "s="}, {9, "t="}};
  for (const auto &m : mandatory)
    if (m.rank < up_to_rank && !seen_[m.rank]) return fail_line(std::string("missing ") + m.name + " line");
  return Ok{};
}

Status Parser::session_line(char type, std::string_view value) {
  if (line_ == 1 && type != 'v') return fail_line("first line must be v=0");
  int rank = session_rank(type);
  if (rank < rank_) return fail_line(what_ + " line out of order after " + prev_type_ + "=");
  bool repeatable = type == 'e' || type == 'p' || type == 'b' || type == 't' || type == 'r' || type == 'a';
  if (rank == rank_ && !repeatable) return fail_line("duplicate " + what_ + " line");
  if (type == 'r' && prev_type_ != 't' && prev_type_ != 'r') return fail_line("r= line must follow t= or r=");
  if (auto st = check_mandatory(rank); !st) return st;
  rank_ = rank;
  seen_[rank] = true;

  switch (type) {
    case 'v':
      if (value != "0") return fail("version must be 0, got " + quoted(value));
      sdp_.version = 0;
      return Ok{};
    case 'o': {
      auto o = origin(value);
      if (!o) return o.error();
      sdp_.origin = std::move(*o);
      return Ok{};
    }
    case 's':
      sdp_.session_name = std::string(value);
      return Ok{};
    case 'i':
      sdp_.session_info = std::string(value);
      return Ok{};
    case 'u':
      sdp_.uri = std::string(value);
      return Ok{};
    case 'e':
      sdp_.emails.emplace_back(value);
      return Ok{};
    case 'p':
      sdp_.phones.emplace_back(value);
      return Ok{};
    case 'c': {
      auto c = connection(value);
      if (!c) return c.error();
      sdp_.connection = std::move(*c);
      return Ok{};
    }
    case 'b': {
      auto b = bandwidth(value);
      if (!b) return b.error();
      sdp_.bandwidths.push_back(std::move(*b));
      return Ok{};
    }
    case 't': {
      auto t = timing(value);
      if (!t) return t.error();
      sdp_.timings.push_back(std::move(*t));
      return Ok{};
    }
    case 'r':
      sdp_.timings.back().repeats.emplace_back(value);
      return Ok{};
    case 'z':
      sdp_.zone_adjustments = std::string(value);
      return Ok{};
    case 'a':
      return attribute(value);
    default:
      return fail_line("unexpected " + what_ + " line");
  }
}

Status Parser::media_line(char type, std::string_view value) {
  int rank = media_rank(type);
  if (rank < 0) return fail_line(what_ + " line not allowed in a media section");
  if (rank < rank_) return fail_line(what_ + " line out of order after " + prev_type_ + "=");
  if (rank == rank_ && (type == 'i' || type == 'c')) return fail_line("duplicate " + what_ + " line");
  rank_ = rank;
  MediaDescription &m = sdp_.media.back();
  switch (type) {
    case 'i':
      m.title = std::string(value);
      return Ok{};
    case 'c': {
      auto c = connection(value);
      if (!c) return c.error();
      m.connection = std::move(*c);
      return Ok{};
    }
    case 'b': {
      auto b = bandwidth(value);
      if (!b) return b.error();
      m.bandwidths.push_back(std::move(*b));
      return Ok{};
    }
    case 'a':
      return attribute(value);
    default:
      return fail_line("unexpected " + what_ + " line");
  }
}

Result<Origin> Parser::origin(std::string_view value) {
  if (!split_spaces(value, tokens_) || tokens_.size() != 6)
    return fail("expected 6 fields: <username> <sess-id> <sess-version> <nettype> <addrtype> <address>");
  Origin o;
  o.username = std::string(tokens_[0]);
  if (!all_digits(tokens_[1])) return fail("session id " + quoted(tokens_[1]) + " is not a number");
  o.session_id = std::string(tokens_[1]);
  auto version = number("session version", tokens_[2], 0, std::numeric_limits<std::uint64_t>::max());
  if (!version) return version.error();
  o.session_version = *version;
  o.net_type = std::string(tokens_[3]);
  o.addr_type = std::string(tokens_[4]);
  o.address = std::string(tokens_[5]);
  return o;
}

Result<Connection> Parser::connection(std::string_view value) {
  if (!split_spaces(value, tokens_) || tokens_.size() != 3)
    return fail("expected 3 fields: <nettype> <addrtype> <connection-address>");
  return Connection{std::string(tokens_[0]), std::string(tokens_[1]), std::string(tokens_[2])};
}

Result<Bandwidth> Parser::bandwidth(std::string_view value) {
  std::size_t colon = value.find(':');
  if (colon == std::string_view::npos) return fail("expected <bwtype>:<bandwidth>");
  std::string_view type = value.substr(0, colon);
  if (!is_token(type)) return fail("bandwidth type " + quoted(type) + " is not a token");
  auto bw = number("bandwidth", value.substr(colon + 1), 0, std::numeric_limits<std::uint64_t>::max());
  if (!bw) return bw.error();
  return Bandwidth{std::string(type), *bw};
}

Result<Timing> Parser::timing(std::string_view value) {
  if (!split_spaces(value, tokens_) || tokens_.size() != 2) return fail("expected <start-time> <stop-time>");
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  auto start = number("start time", tokens_[0], 0, max);
  if (!start) return start.error();
  auto stop = number("stop time", tokens_[1], 0, max);
  if (!stop) return stop.error();
  Timing t;
  t.start = *start;
  t.stop = *stop;
  return t;
}

Status Parser::start_media(std::string_view value) {
  rank_ = 0;
  pt_index_.fill(-1);
  rtpmap_pts_.reset();
  fmtp_pts_.reset();
  media_extmap_ids_.reset();
  rids_.clear();

  if (!split_spaces(value, tokens_)) return fail("empty field (extra space)");
  if (tokens_.size() < 4) return fail("expected <media> <port> <proto> <fmt> ...");
  MediaDescription m;
  if (!is_token(tokens_[0])) return fail("media type " + quoted(tokens_[0]) + " is not a token");
  m.media = std::string(tokens_[0]);

  std::string_view port = tokens_[1];
  std::size_t slash = port.find('/');
  auto p = number("port", port.substr(0, slash), 0, 65535);
  if (!p) return p.error();
  m.port = static_cast<std::uint16_t>(*p);
  if (slash != std::string_view::npos) {
    auto count = number("port count", port.substr(slash + 1), 1, 65535);
    if (!count) return count.error();
    m.port_count = static_cast<std::uint16_t>(*count);
  }

  for (std::string_view part : split(tokens_[2], '/'))
    if (!is_token(part)) return fail("protocol " + quoted(tokens_[2]) + " is not a token list joined by '/'");
  m.proto = std::string(tokens_[2]);

  bool rtp = m.is_rtp();
  for (std::size_t i = 3; i < tokens_.size(); ++i) {
    std::string_view fmt = tokens_[i];
    if (!is_token(fmt)) return fail("format " + quoted(fmt) + " is not a token");
    if (rtp) {
      auto pt = number("payload type", fmt, 0, 127);
      if (!pt) return pt.error();
      if (pt_index_[*pt] >= 0) return fail("duplicate payload type " + std::to_string(*pt));
      pt_index_[*pt] = static_cast<int>(i - 3);
    } else if (all_digits(fmt)) {
      // Legacy "m=application 9 DTLS/SCTP 5000": numeric formats may still be
      // described by rtpmap-like lines.
      auto pt = parse_uint<unsigned>(fmt);
      if (pt && *pt <= 127 && pt_index_[*pt] < 0) pt_index_[*pt] = static_cast<int>(i - 3);
    }
    m.formats.emplace_back(fmt);
  }
  sdp_.media.push_back(std::move(m));
  return Ok{};
}

// The serializer writes rtpmap/rtcp-fb/fmtp grouped per payload type in
// format-list order, with wildcard rtcp-fb lines after all of them; sorting
// the parsed vectors the same way makes parse(serialize(parse(x))) equal to
// parse(x) whatever order the input used.
void Parser::finish_media() {
  MediaDescription &m = sdp_.media.back();
  auto index = [this](int pt) { return pt_index_[static_cast<std::size_t>(pt)]; };
  std::stable_sort(m.rtpmaps.begin(), m.rtpmaps.end(), [&](const RtpMap &a, const RtpMap &b) {
    return index(a.payload_type) < index(b.payload_type);
  });
  std::stable_sort(m.fmtps.begin(), m.fmtps.end(), [&](const Fmtp &a, const Fmtp &b) {
    return index(a.payload_type) < index(b.payload_type);
  });
  auto fb_key = [&](const RtcpFb &fb) {
    return fb.payload_type ? index(*fb.payload_type) : std::numeric_limits<int>::max();
  };
  std::stable_sort(m.rtcp_fbs.begin(), m.rtcp_fbs.end(),
                   [&](const RtcpFb &a, const RtcpFb &b) { return fb_key(a) < fb_key(b); });
}

Status Parser::attribute(std::string_view text) {
  std::size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  if (!is_token(name)) return fail("malformed attribute name " + quoted(name));
  what_ = "a=" + std::string(name);

  MediaDescription *m = in_media_ ? &sdp_.media.back() : nullptr;
  CommonAttributes &attrs = m ? m->attrs : sdp_.attrs;
  const AttrInfo *info = find_attr(name);
  // Attributes typed at the other level are kept verbatim, not rejected:
  // some stacks put media-level attributes at session level.
  bool typed = info && (info->scope == Scope::Both || (info->scope == Scope::Media) == (m != nullptr));
  if (!typed) {
    Attribute a{std::string(name), std::nullopt};
    if (colon != std::string_view::npos) a.value = std::string(text.substr(colon + 1));
    attrs.other.push_back(std::move(a));
    return Ok{};
  }
  if (!info->has_value && colon != std::string_view::npos) return fail("takes no value");
  std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (info->has_value && value.empty()) return fail("missing value");
  return typed_attribute(info->kind, value, attrs, m);
}

Status Parser::typed_attribute(Attr kind, std::string_view v, CommonAttributes &attrs, MediaDescription *m) {
  switch (kind) {
    case Attr::IceUfrag:
      return ice_credential(attrs.ice_ufrag, v, 4);
    case Attr::IcePwd:
      return ice_credential(attrs.ice_pwd, v, 22);
    case Attr::IceOptions:
      return ice_options(attrs, v);
    case Attr::IceLite:
      return flag(attrs.ice_lite);
    case Attr::Fingerprint:
      return fingerprint(attrs, v);
    case Attr::Setup: {
      if (attrs.setup) return fail("duplicate attribute");
      auto s = setup_from_string(v);
      if (!s) return fail(quoted(v) + " is not actpass, active, passive or holdconn");
      attrs.setup = *s;
      return Ok{};
    }
    case Attr::SendRecv:
      return direction(attrs, Direction::SendRecv);
    case Attr::SendOnly:
      return direction(attrs, Direction::SendOnly);
    case Attr::RecvOnly:
      return direction(attrs, Direction::RecvOnly);
    case Attr::Inactive:
      return direction(attrs, Direction::Inactive);
    case Attr::Extmap:
      return extmap(attrs, v);
    case Attr::ExtmapAllowMixed:
      return flag(attrs.extmap_allow_mixed);
    case Attr::Group:
      return group(v);
    case Attr::MsidSemantic:
      if (sdp_.msid_semantic) return fail("duplicate attribute");
      sdp_.msid_semantic = std::string(v);  // kept as given, " WMS" included
      return Ok{};
    default:
      break;
  }
  // Only media-scoped kinds remain, and attribute() only lets them through
  // inside an m-section.
  if (!m) return fail("not allowed at session level");
  switch (kind) {
    case Attr::Mid:
      return mid(*m, v);
    case Attr::Rtpmap:
      return rtpmap(*m, v);
    case Attr::Fmtp:
      return fmtp(*m, v);
    case Attr::RtcpFb:
      return rtcp_fb(*m, v);
    case Attr::Ssrc:
      return ssrc(*m, v);
    case Attr::SsrcGroup:
      return ssrc_group(*m, v);
    case Attr::Msid:
      return msid(*m, v);
    case Attr::Rid:
      return rid(*m, v);
    case Attr::Simulcast:
      return simulcast(*m, v);
    case Attr::SctpPort: {
      if (m->sctp_port) return fail("duplicate attribute");
      auto port = number("port", v, 0, 65535);
      if (!port) return port.error();
      m->sctp_port = static_cast<std::uint16_t>(*port);
      return Ok{};
    }
    case Attr::MaxMessageSize: {
      if (m->max_message_size) return fail("duplicate attribute");
      auto size = number("size", v, 0, std::numeric_limits<std::uint64_t>::max());
      if (!size) return size.error();
      m->max_message_size = *size;
      return Ok{};
    }
    case Attr::Candidate: {
      // Re-adding the prefix makes "a=candidate:candidate:..." fail instead
      // of having parse_candidate strip a second prefix.
      auto c = parse_candidate("candidate:" + std::string(v));
      if (!c) return fail(c.error().message);
      m->candidates.push_back(std::move(*c));
      return Ok{};
    }
    case Attr::EndOfCandidates:
      return flag(m->end_of_candidates);
    case Attr::Rtcp:
      return rtcp(*m, v);
    case Attr::RtcpMux:
      return flag(m->rtcp_mux);
    case Attr::RtcpMuxOnly:
      return flag(m->rtcp_mux_only);
    case Attr::RtcpRsize:
      return flag(m->rtcp_rsize);
    default:
      return fail("unhandled attribute");
  }
}

Status Parser::flag(bool &slot) {
  if (slot) return fail("duplicate attribute");
  slot = true;
  return Ok{};
}

// RFC 8839: ufrag is 4..256 ice-chars, pwd 22..256 (Chrome enforces the same).
Status Parser::ice_credential(std::optional<std::string> &slot, std::string_view v, std::size_t min_len) {
  if (slot) return fail("duplicate attribute");
  if (v.size() < min_len || v.size() > 256)
    return fail("length " + std::to_string(v.size()) + " out of range " + std::to_string(min_len) + "..256");
  if (!std::all_of(v.begin(), v.end(), is_ice_char))
    return fail(quoted(v) + " has a character outside ice-char");
  slot = std::string(v);
  return Ok{};
}

Status Parser::ice_options(CommonAttributes &attrs, std::string_view v) {
  if (!split_spaces(v, tokens_)) return fail("empty field (extra space)");
  for (std::string_view opt : tokens_) {
    if (!is_token(opt)) return fail("option " + quoted(opt) + " is not a token");
    attrs.ice_options.emplace_back(opt);
  }
  return Ok{};
}

Status Parser::fingerprint(CommonAttributes &attrs, std::string_view v) {
  if (!split_spaces(v, tokens_) || tokens_.size() != 2) return fail("expected <hash-function> <fingerprint>");
  if (!is_token(tokens_[0])) return fail("hash function " + quoted(tokens_[0]) + " is not a token");
  std::string algorithm = to_lower(tokens_[0]);
  std::string_view value = tokens_[1];
  // UPPER-HEX pairs joined by ':' (RFC 8122); lower case is seen in the wild
  // and harmless.
  if ((value.size() + 1) % 3 != 0)
    return fail("fingerprint " + quoted(value) + " is not hex pairs joined by ':'");
  for (std::size_t i = 0; i < value.size(); ++i) {
    bool ok = (i % 3 == 2) ? value[i] == ':' : is_hex(value[i]);
    if (!ok) return fail("fingerprint " + quoted(value) + " is not hex pairs joined by ':'");
  }
  std::size_t bytes = (value.size() + 1) / 3;
  if (auto expected = digest_size(algorithm); expected && *expected != bytes)
    return fail(algorithm + " fingerprint has " + std::to_string(bytes) + " bytes, expected " +
                std::to_string(*expected));
  attrs.fingerprints.push_back(Fingerprint{std::move(algorithm), std::string(value)});
  return Ok{};
}

Status Parser::direction(CommonAttributes &attrs, Direction d) {
  if (attrs.direction)
    return fail("duplicate direction attribute (a=" + std::string(to_string(*attrs.direction)) +
                " already given)");
  attrs.direction = d;
  return Ok{};
}

Status Parser::extmap(CommonAttributes &attrs, std::string_view v) {
  std::size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return fail("missing URI");
  std::string_view id_part = v.substr(0, sp);
  std::string_view rest = v.substr(sp + 1);
  std::size_t slash = id_part.find('/');
  auto id = number("id", id_part.substr(0, slash), 1, 255);
  if (!id) return id.error();
  Extmap e;
  e.id = static_cast<int>(*id);
  if (slash != std::string_view::npos) {
    std::string_view dir = id_part.substr(slash + 1);
    e.direction = direction_from_string(dir);
    if (!e.direction)
      return fail("direction " + quoted(dir) + " is not sendrecv, sendonly, recvonly or inactive");
  }
  std::size_t uri_end = rest.find(' ');
  std::string_view uri = rest.substr(0, uri_end);
  if (uri.empty()) return fail("missing URI");
  e.uri = std::string(uri);
  if (uri_end != std::string_view::npos) {
    std::string_view extra = rest.substr(uri_end + 1);
    if (extra.empty()) return fail("empty field (extra space)");
    e.attributes = std::string(extra);
  }
  auto &ids = in_media_ ? media_extmap_ids_ : session_extmap_ids_;
  if (ids[static_cast<std::size_t>(e.id)]) return fail("duplicate id " + std::to_string(e.id));
  ids[static_cast<std::size_t>(e.id)] = true;
  attrs.extmaps.push_back(std::move(e));
  return Ok{};
}

Status Parser::group(std::string_view v) {
  if (!split_spaces(v, tokens_)) return fail("empty field (extra space)");
  Group g;
  for (std::string_view tok : tokens_) {
    if (!is_token(tok)) return fail(quoted(tok) + " is not a token");
    if (g.semantics.empty())
      g.semantics = std::string(tok);
    else
      g.mids.emplace_back(tok);
  }
  sdp_.groups.push_back(std::move(g));
  return Ok{};
}

Status Parser::mid(MediaDescription &m, std::string_view v) {
  if (m.mid) return fail("duplicate attribute");
  if (!is_token(v)) return fail(quoted(v) + " is not a token");
  // RFC 5888: identification tags are unique within the whole description.
  if (mids_.find(v) != mids_.end()) return fail("mid " + quoted(v) + " already used by another m-section");
  mids_.emplace(v);
  m.mid = std::string(v);
  return Ok{};
}

Status Parser::rtpmap(MediaDescription &m, std::string_view v) {
  if (!split_spaces(v, tokens_) || tokens_.size() != 2)
    return fail("expected <payload type> <encoding name>/<clock rate>[/<channels>]");
  auto pt = payload_type(tokens_[0]);
  if (!pt) return pt.error();
  std::vector<std::string_view> parts = split(tokens_[1], '/');
  if (parts.size() < 2 || parts.size() > 3) return fail("expected <encoding name>/<clock rate>[/<channels>]");
  if (!is_token(parts[0])) return fail("encoding name " + quoted(parts[0]) + " is not a token");
  RtpMap r;
  r.payload_type = *pt;
  r.encoding = std::string(parts[0]);
  auto rate = number("clock rate", parts[1], 0, std::numeric_limits<std::uint32_t>::max());
  if (!rate) return rate.error();
  r.clock_rate = static_cast<std::uint32_t>(*rate);
  if (parts.size() == 3) {
    auto channels = number("channels", parts[2], 0, std::numeric_limits<std::uint32_t>::max());
    if (!channels) return channels.error();
    r.channels = static_cast<std::uint32_t>(*channels);
  }
  if (rtpmap_pts_[static_cast<std::size_t>(*pt)])
    return fail("duplicate rtpmap for payload type " + std::to_string(*pt));
  rtpmap_pts_[static_cast<std::size_t>(*pt)] = true;
  m.rtpmaps.push_back(std::move(r));
  return Ok{};
}

Status Parser::fmtp(MediaDescription &m, std::string_view v) {
  std::size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return fail("missing parameters");
  auto pt = payload_type(v.substr(0, sp));
  if (!pt) return pt.error();
  std::string_view params = v.substr(sp + 1);
  if (params.empty()) return fail("missing parameters");
  if (fmtp_pts_[static_cast<std::size_t>(*pt)])
    return fail("duplicate fmtp for payload type " + std::to_string(*pt));
  fmtp_pts_[static_cast<std::size_t>(*pt)] = true;
  m.fmtps.push_back(Fmtp{*pt, std::string(params)});
  return Ok{};
}

Status Parser::rtcp_fb(MediaDescription &m, std::string_view v) {
  std::size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return fail("missing feedback type");
  RtcpFb fb;
  std::string_view pt_text = v.substr(0, sp);
  if (pt_text != "*") {
    auto pt = payload_type(pt_text);
    if (!pt) return pt.error();
    fb.payload_type = *pt;
  }
  std::string_view rest = v.substr(sp + 1);
  std::size_t type_end = rest.find(' ');
  std::string_view type = rest.substr(0, type_end);
  if (!is_token(type)) return fail("feedback type " + quoted(type) + " is not a token");
  fb.type = std::string(type);
  if (type_end != std::string_view::npos) {
    // Subtype plus any parameters ("ccm tmmbr smaxpr=120"), verbatim.
    std::string_view subtype = rest.substr(type_end + 1);
    if (subtype.empty()) return fail("empty field (extra space)");
    fb.subtype = std::string(subtype);
  }
  m.rtcp_fbs.push_back(std::move(fb));
  return Ok{};
}

Status Parser::ssrc(MediaDescription &m, std::string_view v) {
  std::size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return fail("missing <attribute>[:<value>] after the SSRC");
  auto id = number("ssrc", v.substr(0, sp), 0, std::numeric_limits<std::uint32_t>::max());
  if (!id) return id.error();
  std::string_view rest = v.substr(sp + 1);
  std::size_t colon = rest.find(':');
  std::string_view name = rest.substr(0, colon);
  if (!is_token(name)) return fail("attribute name " + quoted(name) + " is not a token");
  SsrcAttribute a;
  a.ssrc = static_cast<std::uint32_t>(*id);
  a.attribute = std::string(name);
  if (colon != std::string_view::npos) a.value = std::string(rest.substr(colon + 1));
  m.ssrcs.push_back(std::move(a));
  return Ok{};
}

Status Parser::ssrc_group(MediaDescription &m, std::string_view v) {
  if (!split_spaces(v, tokens_)) return fail("empty field (extra space)");
  if (!is_token(tokens_[0])) return fail("semantics " + quoted(tokens_[0]) + " is not a token");
  SsrcGroup g;
  g.semantics = std::string(tokens_[0]);
  for (std::size_t i = 1; i < tokens_.size(); ++i) {
    auto id = number("ssrc", tokens_[i], 0, std::numeric_limits<std::uint32_t>::max());
    if (!id) return id.error();
    g.ssrcs.push_back(static_cast<std::uint32_t>(*id));
  }
  m.ssrc_groups.push_back(std::move(g));
  return Ok{};
}

// Ids are any non-space text: applications choose stream and track ids, and
// browsers emit them as given.
Status Parser::msid(MediaDescription &m, std::string_view v) {
  if (!split_spaces(v, tokens_) || tokens_.size() > 2) return fail("expected <stream-id> [<track-id>]");
  Msid id;
  id.stream_id = std::string(tokens_[0]);
  if (tokens_.size() == 2) id.track_id = std::string(tokens_[1]);
  m.msids.push_back(std::move(id));
  return Ok{};
}

Status Parser::rid(MediaDescription &m, std::string_view v) {
  std::size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return fail("missing direction (send or recv)");
  std::string_view id = v.substr(0, sp);
  if (!is_rid_id(id)) return fail("id " + quoted(id) + " is not alphanumeric, '-' or '_'");
  std::string_view rest = v.substr(sp + 1);
  std::size_t dir_end = rest.find(' ');
  std::string_view dir = rest.substr(0, dir_end);
  Rid r;
  r.id = std::string(id);
  if (dir == "send")
    r.send = true;
  else if (dir == "recv")
    r.send = false;
  else
    return fail("direction " + quoted(dir) + " is neither send nor recv");

  if (dir_end != std::string_view::npos) {
    std::string_view params = rest.substr(dir_end + 1);
    if (params.empty() || params.find(' ') != std::string_view::npos)
      return fail("parameters " + quoted(params) + " must be one ';'-separated list without spaces");
    bool have_pt = false;
    for (std::string_view param : split(params, ';')) {
      std::size_t eq = param.find('=');
      std::string_view name = param.substr(0, eq);
      if (!is_token(name)) return fail("parameter name " + quoted(name) + " is not a token");
      std::string_view value = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
      if (eq != std::string_view::npos && value.empty())
        return fail("parameter " + quoted(name) + " has an empty value");
      if (name == "pt") {
        if (have_pt) return fail("duplicate pt parameter");
        have_pt = true;
        if (value.empty()) return fail("pt parameter without payload types");
        for (std::string_view fmt : split(value, ',')) {
          auto pt = payload_type(fmt);
          if (!pt) return pt.error();
          r.payload_types.push_back(*pt);
        }
      } else {
        r.restrictions.emplace_back(std::string(name), std::string(value));
      }
    }
  }
  if (rids_.find(id) != rids_.end()) return fail("duplicate rid " + quoted(id));
  rids_.emplace(id);
  m.rids.push_back(std::move(r));
  return Ok{};
}

Result<std::vector<SimulcastStream>> Parser::simulcast_list(std::string_view v) {
  // draft-ietf-mmusic-sdp-simulcast up to -13 (old Firefox) wrote "rid=".
  if (v.substr(0, 4) == "rid=") v.remove_prefix(4);
  std::vector<SimulcastStream> streams;
  for (std::string_view alternatives : split(v, ';')) {
    SimulcastStream stream;
    for (std::string_view id : split(alternatives, ',')) {
      SimulcastRid rid;
      if (!id.empty() && id.front() == '~') {
        rid.paused = true;
        id.remove_prefix(1);
      }
      if (!is_rid_id(id)) return fail("rid " + quoted(id) + " is not alphanumeric, '-' or '_'");
      rid.rid = std::string(id);
      stream.push_back(std::move(rid));
    }
    streams.push_back(std::move(stream));
  }
  return streams;
}

Status Parser::simulcast(MediaDescription &m, std::string_view v) {
  if (m.simulcast) return fail("duplicate attribute");
  // The draft syntax also had a space after the colon.
  if (v.front() == ' ') v.remove_prefix(1);
  if (!split_spaces(v, tokens_) || (tokens_.size() != 2 && tokens_.size() != 4))
    return fail("expected send|recv <streams> [send|recv <streams>]");
  std::vector<std::string_view> tokens = tokens_;
  Simulcast sc;
  bool have_send = false, have_recv = false;
  for (std::size_t i = 0; i < tokens.size(); i += 2) {
    bool send;
    if (tokens[i] == "send")
      send = true;
    else if (tokens[i] == "recv")
      send = false;
    else
      return fail("direction " + quoted(tokens[i]) + " is neither send nor recv");
    bool &have = send ? have_send : have_recv;
    if (have) return fail(std::string(tokens[i]) + " given twice");
    have = true;
    if (i == 0) sc.send_first = send;
    auto list = simulcast_list(tokens[i + 1]);
    if (!list) return list.error();
    (send ? sc.send : sc.recv) = std::move(*list);
  }
  m.simulcast = std::move(sc);
  return Ok{};
}

Status Parser::rtcp(MediaDescription &m, std::string_view v) {
  if (m.rtcp) return fail("duplicate attribute");
  if (!split_spaces(v, tokens_) || (tokens_.size() != 1 && tokens_.size() != 4))
    return fail("expected <port> [<nettype> <addrtype> <connection-address>]");
  auto port = number("port", tokens_[0], 0, 65535);
  if (!port) return port.error();
  m.rtcp = std::string(v);
  return Ok{};
}

}  // namespace

Result<SessionDescription> parse_sdp(std::string_view text) {
  return Parser().run(text);
}

}  // namespace gst_rtc::jsep
