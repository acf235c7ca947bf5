// How a session description is laid out for JSEP: which m-lines are
// rejected, bundled, carried by which transport, and where their transport
// attributes come from.
#include <algorithm>

#include "jsep-private.h"

namespace gst_rtc::jsep::detail {

std::optional<int> parse_int(std::string_view s, int min, int max) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

bool has_attribute(const MediaDescription &m, std::string_view name) {
  return std::any_of(m.attrs.other.begin(), m.attrs.other.end(),
                     [&](const Attribute &a) { return iequals(a.name, name); });
}

bool is_bundle_only(const MediaDescription &m) {
  return has_attribute(m, "bundle-only");
}

const Group *bundle_group_of(const SessionDescription &sdp, const std::optional<std::string> &mid) {
  if (!mid) return nullptr;
  for (const auto &g : sdp.groups)
    if (iequals(g.semantics, "BUNDLE") && std::find(g.mids.begin(), g.mids.end(), *mid) != g.mids.end())
      return &g;
  return nullptr;
}

std::optional<std::size_t> find_mline(const SessionDescription &sdp, std::string_view mid) {
  for (std::size_t i = 0; i < sdp.media.size(); i++)
    if (sdp.media[i].mid && *sdp.media[i].mid == mid) return i;
  return std::nullopt;
}

bool is_rejected(const SessionDescription &sdp, std::size_t index, bool is_answer) {
  if (index >= sdp.media.size()) return true;
  const MediaDescription &m = sdp.media[index];
  if (m.port != 0) return false;
  if (!bundle_group_of(sdp, m.mid)) return true;
  return !is_answer && !is_bundle_only(m);
}

bool is_supported_rtp_proto(std::string_view proto) {
  for (const char *p :
       {"UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP", "TCP/DTLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVP", "RTP/SAVPF"})
    if (iequals(proto, p)) return true;
  return false;
}

bool is_av_kind(std::string_view media) {
  return media == "audio" || media == "video";
}

bool is_legacy_data(const MediaDescription &m) {
  return m.media == "application" && iequals(m.proto, "DTLS/SCTP") && m.formats.size() == 1 &&
         parse_int(m.formats[0], 1, 65535).has_value();
}

bool is_supported_data(const MediaDescription &m) {
  if (m.media != "application") return false;
  if (is_legacy_data(m)) return true;
  if (!iequals(m.proto, "UDP/DTLS/SCTP") && !iequals(m.proto, "TCP/DTLS/SCTP")) return false;
  return std::find(m.formats.begin(), m.formats.end(), "webrtc-datachannel") != m.formats.end();
}

std::optional<std::uint16_t> remote_sctp_port(const MediaDescription &m) {
  if (m.sctp_port) return m.sctp_port;
  if (is_legacy_data(m)) return static_cast<std::uint16_t>(*parse_int(m.formats[0], 1, 65535));
  return std::nullopt;
}

namespace {

// First live m-line of the BUNDLE group `m` is in: its transport is the
// group's (RFC 8843 7.4).
const MediaDescription *bundle_tag(const SessionDescription &sdp, const MediaDescription &m, bool is_answer) {
  const Group *g = bundle_group_of(sdp, m.mid);
  if (!g) return nullptr;
  for (const auto &mid : g->mids) {
    auto j = find_mline(sdp, mid);
    if (j && !is_rejected(sdp, *j, is_answer)) return &sdp.media[*j];
  }
  return nullptr;
}

}  // namespace

TransportAttributes transport_attributes(const SessionDescription &sdp, std::size_t index, bool is_answer) {
  TransportAttributes t;
  if (index >= sdp.media.size()) return t;
  const MediaDescription &m = sdp.media[index];
  const MediaDescription *tag = bundle_tag(sdp, m, is_answer);
  // A bundled m-line uses its group's transport: the tag's values first.
  std::vector<const CommonAttributes *> order;
  if (tag) order.push_back(&tag->attrs);
  order.push_back(&m.attrs);
  order.push_back(&sdp.attrs);
  for (const CommonAttributes *a : order) {
    if (!t.ufrag && a->ice_ufrag) t.ufrag = a->ice_ufrag;
    if (!t.pwd && a->ice_pwd) t.pwd = a->ice_pwd;
    if (t.ice_options.empty()) t.ice_options = a->ice_options;
    if (t.fingerprints.empty()) t.fingerprints = a->fingerprints;
    if (!t.setup && a->setup) t.setup = a->setup;
    t.ice_lite = t.ice_lite || a->ice_lite;
  }
  t.rtcp_mux = m.rtcp_mux || (tag && tag->rtcp_mux);
  return t;
}

TransportLayout transport_layout(const SessionDescription &sdp, bool is_answer) {
  TransportLayout layout;
  layout.line_transport.resize(sdp.media.size());
  for (const auto &g : sdp.groups) {
    if (!iequals(g.semantics, "BUNDLE")) continue;
    TransportLayout::Transport t;
    for (const auto &mid : g.mids) {
      auto j = find_mline(sdp, mid);
      if (!j || layout.line_transport[*j] || is_rejected(sdp, *j, is_answer)) continue;
      if (std::find(t.lines.begin(), t.lines.end(), *j) != t.lines.end()) continue;
      t.lines.push_back(*j);
    }
    if (t.lines.empty()) continue;
    t.tag = t.lines.front();
    for (std::size_t j : t.lines) layout.line_transport[j] = layout.transports.size();
    layout.transports.push_back(std::move(t));
  }
  for (std::size_t i = 0; i < sdp.media.size(); i++) {
    if (layout.line_transport[i] || is_rejected(sdp, i, is_answer)) continue;
    layout.line_transport[i] = layout.transports.size();
    layout.transports.push_back({i, {i}});
  }
  return layout;
}

namespace {

bool valid_ice_chars(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
  });
}

}  // namespace

// RFC 8839 5.4: ufrag 4..256, pwd 22..256 ice-chars.
bool valid_ice_ufrag(std::string_view s) {
  return valid_ice_chars(s, 4, 256);
}
bool valid_ice_pwd(std::string_view s) {
  return valid_ice_chars(s, 22, 256);
}

}  // namespace gst_rtc::jsep::detail
