// SDP serializer: one canonical attribute order (Chromium's), CRLF line ends.
//
// The order is part of the round-trip contract with the parser: parse_sdp()
// sorts rtpmap/fmtp/rtcp-fb by the m-line format list exactly the way this
// file writes them, so serialize(parse(x)) parses back to parse(x).
#include <bitset>
#include <charconv>

#include "sdp.h"

namespace gst_rtc::jsep {

namespace {

class Writer {
 public:
  void line(char type, std::string_view value) {
    out_ += type;
    out_ += '=';
    out_ += value;
    out_ += "\r\n";
  }
  void attr(std::string_view name) { line('a', name); }
  void attr(std::string_view name, std::string_view value) {
    out_ += "a=";
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string join(const std::vector<std::string> &items, char sep) {
  std::string out;
  for (const auto &item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::string connection_value(const Connection &c) {
  return c.net_type + ' ' + c.addr_type + ' ' + c.address;
}

void write_bandwidths(Writer &w, const std::vector<Bandwidth> &bandwidths) {
  for (const auto &b : bandwidths) w.line('b', b.type + ':' + std::to_string(b.value));
}

void write_ice(Writer &w, const CommonAttributes &a) {
  if (a.ice_ufrag) w.attr("ice-ufrag", *a.ice_ufrag);
  if (a.ice_pwd) w.attr("ice-pwd", *a.ice_pwd);
  if (!a.ice_options.empty()) w.attr("ice-options", join(a.ice_options, ' '));
  for (const auto &f : a.fingerprints) w.attr("fingerprint", f.algorithm + ' ' + f.value);
  if (a.setup) w.attr("setup", to_string(*a.setup));
}

void write_extmaps(Writer &w, const std::vector<Extmap> &extmaps) {
  for (const auto &e : extmaps) {
    std::string v = std::to_string(e.id);
    if (e.direction) {
      v += '/';
      v += to_string(*e.direction);
    }
    v += ' ';
    v += e.uri;
    if (!e.attributes.empty()) {
      v += ' ';
      v += e.attributes;
    }
    w.attr("extmap", v);
  }
}

void write_other(Writer &w, const std::vector<Attribute> &other) {
  for (const auto &a : other) {
    if (a.value)
      w.attr(a.name, *a.value);
    else
      w.attr(a.name);
  }
}

std::optional<int> format_payload_type(std::string_view fmt) {
  int pt = 0;
  auto [ptr, ec] = std::from_chars(fmt.data(), fmt.data() + fmt.size(), pt);
  if (ec != std::errc() || ptr != fmt.data() + fmt.size() || pt < 0 || pt > 127) return std::nullopt;
  return pt;
}

std::string simulcast_list(const std::vector<SimulcastStream> &streams) {
  std::string out;
  for (const auto &stream : streams) {
    if (!out.empty()) out += ';';
    bool first = true;
    for (const auto &rid : stream) {
      if (!first) out += ',';
      first = false;
      if (rid.paused) out += '~';
      out += rid.rid;
    }
  }
  return out;
}

std::string simulcast_value(const Simulcast &sc) {
  std::string send = sc.send.empty() ? std::string() : "send " + simulcast_list(sc.send);
  std::string recv = sc.recv.empty() ? std::string() : "recv " + simulcast_list(sc.recv);
  const std::string &first = sc.send_first ? send : recv;
  const std::string &second = sc.send_first ? recv : send;
  if (first.empty()) return second;
  if (second.empty()) return first;
  return first + ' ' + second;
}

std::string rid_value(const Rid &r) {
  std::string v = r.id + (r.send ? " send" : " recv");
  std::string params;
  if (!r.payload_types.empty()) {
    params = "pt=";
    for (std::size_t i = 0; i < r.payload_types.size(); ++i) {
      if (i) params += ',';
      params += std::to_string(r.payload_types[i]);
    }
  }
  for (const auto &[name, value] : r.restrictions) {
    if (!params.empty()) params += ';';
    params += name;
    if (!value.empty()) {
      params += '=';
      params += value;
    }
  }
  if (!params.empty()) v += ' ' + params;
  return v;
}

void write_rtcp_fb(Writer &w, const RtcpFb &fb) {
  std::string v = fb.payload_type ? std::to_string(*fb.payload_type) : std::string("*");
  v += ' ';
  v += fb.type;
  if (!fb.subtype.empty()) {
    v += ' ';
    v += fb.subtype;
  }
  w.attr("rtcp-fb", v);
}

// Per payload type, in m-line format order: rtpmap, its rtcp-fb lines, fmtp.
// Wildcard ("*") rtcp-fb lines follow once after the last payload type.
// Entries whose payload type is not in the format list (only possible in a
// hand-built model) are written last rather than dropped.
void write_codecs(Writer &w, const MediaDescription &m) {
  std::bitset<128> written;
  auto write_pt = [&](int pt) {
    for (const auto &r : m.rtpmaps) {
      if (r.payload_type != pt) continue;
      std::string v = std::to_string(pt) + ' ' + r.encoding + '/' + std::to_string(r.clock_rate);
      if (r.channels) v += '/' + std::to_string(*r.channels);
      w.attr("rtpmap", v);
    }
    for (const auto &fb : m.rtcp_fbs)
      if (fb.payload_type == pt) write_rtcp_fb(w, fb);
    for (const auto &f : m.fmtps)
      if (f.payload_type == pt) w.attr("fmtp", std::to_string(pt) + ' ' + f.parameters);
  };
  for (const auto &fmt : m.formats) {
    auto pt = format_payload_type(fmt);
    if (!pt || written[static_cast<std::size_t>(*pt)]) continue;
    written[static_cast<std::size_t>(*pt)] = true;
    write_pt(*pt);
  }
  for (const auto &fb : m.rtcp_fbs)
    if (!fb.payload_type) write_rtcp_fb(w, fb);

  auto unwritten = [&](int pt) { return pt < 0 || pt > 127 || !written[static_cast<std::size_t>(pt)]; };
  for (const auto &r : m.rtpmaps)
    if (unwritten(r.payload_type)) {
      std::string v = std::to_string(r.payload_type) + ' ' + r.encoding + '/' + std::to_string(r.clock_rate);
      if (r.channels) v += '/' + std::to_string(*r.channels);
      w.attr("rtpmap", v);
    }
  for (const auto &fb : m.rtcp_fbs)
    if (fb.payload_type && unwritten(*fb.payload_type)) write_rtcp_fb(w, fb);
  for (const auto &f : m.fmtps)
    if (unwritten(f.payload_type)) w.attr("fmtp", std::to_string(f.payload_type) + ' ' + f.parameters);
}

void write_media(Writer &w, const MediaDescription &m) {
  std::string mline = m.media + ' ' + std::to_string(m.port);
  if (m.port_count) mline += '/' + std::to_string(*m.port_count);
  mline += ' ';
  mline += m.proto;
  for (const auto &fmt : m.formats) {
    mline += ' ';
    mline += fmt;
  }
  w.line('m', mline);
  if (m.title) w.line('i', *m.title);
  if (m.connection) w.line('c', connection_value(*m.connection));
  write_bandwidths(w, m.bandwidths);

  const CommonAttributes &a = m.attrs;
  if (m.rtcp) w.attr("rtcp", *m.rtcp);
  write_ice(w, a);
  if (m.mid) w.attr("mid", *m.mid);
  write_extmaps(w, a.extmaps);
  if (a.extmap_allow_mixed) w.attr("extmap-allow-mixed");
  if (a.direction) w.attr(to_string(*a.direction));
  for (const auto &msid : m.msids)
    w.attr("msid", msid.track_id.empty() ? msid.stream_id : msid.stream_id + ' ' + msid.track_id);
  if (m.rtcp_mux) w.attr("rtcp-mux");
  if (m.rtcp_mux_only) w.attr("rtcp-mux-only");
  if (m.rtcp_rsize) w.attr("rtcp-rsize");
  write_codecs(w, m);
  for (const auto &g : m.ssrc_groups) {
    std::string v = g.semantics;
    for (auto ssrc : g.ssrcs) v += ' ' + std::to_string(ssrc);
    w.attr("ssrc-group", v);
  }
  for (const auto &s : m.ssrcs) {
    std::string v = std::to_string(s.ssrc) + ' ' + s.attribute;
    if (s.value) v += ':' + *s.value;
    w.attr("ssrc", v);
  }
  for (const auto &r : m.rids) w.attr("rid", rid_value(r));
  if (m.simulcast) w.attr("simulcast", simulcast_value(*m.simulcast));
  if (m.sctp_port) w.attr("sctp-port", std::to_string(*m.sctp_port));
  if (m.max_message_size) w.attr("max-message-size", std::to_string(*m.max_message_size));
  write_other(w, a.other);
  for (const auto &c : m.candidates) w.line('a', serialize_candidate(c));
  if (m.end_of_candidates) w.attr("end-of-candidates");
}

}  // namespace

std::string serialize_sdp(const SessionDescription &sdp) {
  Writer w;
  w.line('v', std::to_string(sdp.version));
  const Origin &o = sdp.origin;
  w.line('o', o.username + ' ' + o.session_id + ' ' + std::to_string(o.session_version) + ' ' + o.net_type +
                  ' ' + o.addr_type + ' ' + o.address);
  w.line('s', sdp.session_name);
  if (sdp.session_info) w.line('i', *sdp.session_info);
  if (sdp.uri) w.line('u', *sdp.uri);
  for (const auto &e : sdp.emails) w.line('e', e);
  for (const auto &p : sdp.phones) w.line('p', p);
  if (sdp.connection) w.line('c', connection_value(*sdp.connection));
  write_bandwidths(w, sdp.bandwidths);
  // RFC 8866 requires at least one t= line even if the model has none.
  if (sdp.timings.empty()) w.line('t', "0 0");
  for (const auto &t : sdp.timings) {
    w.line('t', std::to_string(t.start) + ' ' + std::to_string(t.stop));
    for (const auto &r : t.repeats) w.line('r', r);
  }
  if (sdp.zone_adjustments) w.line('z', *sdp.zone_adjustments);

  for (const auto &g : sdp.groups) {
    std::string v = g.semantics;
    for (const auto &mid : g.mids) v += ' ' + mid;
    w.attr("group", v);
  }
  if (sdp.msid_semantic) w.attr("msid-semantic", *sdp.msid_semantic);
  const CommonAttributes &a = sdp.attrs;
  if (a.ice_lite) w.attr("ice-lite");
  write_ice(w, a);
  if (a.extmap_allow_mixed) w.attr("extmap-allow-mixed");
  write_extmaps(w, a.extmaps);
  if (a.direction) w.attr(to_string(*a.direction));
  write_other(w, a.other);

  for (const auto &m : sdp.media) write_media(w, m);
  return w.take();
}

}  // namespace gst_rtc::jsep
