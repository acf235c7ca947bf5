// Codecs and header extensions: defaults, SDP <-> Codec conversion, format
// matching (incl. H.264 profile-level-id, RFC 6184), intersection for
// answers and payload type / extension id assignment for offers.
#include <algorithm>
#include <array>
#include <set>

#include "jsep-private.h"

namespace gst_rtc::jsep {

namespace {

const std::vector<RtcpFeedback> kVideoFeedback = {
    {"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"},
};

Codec make_codec(std::string name, std::uint32_t clock, std::optional<std::uint32_t> channels,
                 std::vector<std::pair<std::string, std::string>> params, std::vector<RtcpFeedback> fb) {
  Codec c;
  c.name = std::move(name);
  c.clock_rate = clock;
  c.channels = channels;
  c.parameters = std::move(params);
  c.rtcp_fb = std::move(fb);
  return c;
}

Codec make_rtx() {
  return make_codec("rtx", 90000, std::nullopt, {}, {});
}

}  // namespace

std::vector<Codec> default_codecs(std::string_view kind) {
  std::vector<Codec> out;
  if (kind == "audio") {
    out.push_back(
        make_codec("opus", 48000, 2, {{"minptime", "10"}, {"useinbandfec", "1"}}, {{"transport-cc", ""}}));
    out.push_back(make_codec("PCMU", 8000, std::nullopt, {}, {}));
    out.push_back(make_codec("PCMA", 8000, std::nullopt, {}, {}));
    out.push_back(make_codec("telephone-event", 48000, std::nullopt, {}, {}));
    out.push_back(make_codec("telephone-event", 8000, std::nullopt, {}, {}));
  } else if (kind == "video") {
    out.push_back(make_codec("VP8", 90000, std::nullopt, {}, kVideoFeedback));
    out.push_back(make_rtx());
    out.push_back(make_codec("VP9", 90000, std::nullopt, {{"profile-id", "0"}}, kVideoFeedback));
    out.push_back(make_rtx());
    out.push_back(make_codec(
        "H264", 90000, std::nullopt,
        {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"}, {"profile-level-id", "42e01f"}},
        kVideoFeedback));
    out.push_back(make_rtx());
    out.push_back(make_codec(
        "H264", 90000, std::nullopt,
        {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "0"}, {"profile-level-id", "42e01f"}},
        kVideoFeedback));
    out.push_back(make_rtx());
    // Main and High too (Chromium offers them): an encoder's stream in
    // these profiles needs a receiver that takes them (RFC 6184 8.1).
    for (const char *plid : {"4d001f", "64001f"}) {
      out.push_back(make_codec(
          "H264", 90000, std::nullopt,
          {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"}, {"profile-level-id", plid}},
          kVideoFeedback));
      out.push_back(make_rtx());
    }
    out.push_back(make_codec("AV1", 90000, std::nullopt, {}, kVideoFeedback));
    out.push_back(make_rtx());
    out.push_back(make_codec("H265", 90000, std::nullopt, {{"profile-id", "1"}}, kVideoFeedback));
    out.push_back(make_rtx());
  }
  return out;
}

std::vector<HeaderExtension> default_header_extensions(std::string_view kind) {
  std::vector<HeaderExtension> out;
  auto add = [&](const char *uri) { out.push_back(HeaderExtension{uri, 0, Direction::SendRecv}); };
  if (kind == "audio") {
    add("urn:ietf:params:rtp-hdrext:ssrc-audio-level");
    add("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");
    add("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
    add("urn:ietf:params:rtp-hdrext:sdes:mid");
  } else if (kind == "video") {
    add("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");
    add("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
    add("urn:ietf:params:rtp-hdrext:sdes:mid");
    add("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
    add("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id");
    add("urn:3gpp:video-orientation");
  }
  return out;
}

namespace detail {

// ---- SDP <-> Codec -------------------------------------------------------

namespace {

struct StaticPt {
  int pt;
  const char *name;
  std::uint32_t clock;
};
// RFC 3551 table 4 entries a WebRTC peer may leave without a=rtpmap.
constexpr std::array<StaticPt, 7> kStaticPts = {{
    {0, "PCMU", 8000},
    {3, "GSM", 8000},
    {4, "G723", 8000},
    {8, "PCMA", 8000},
    {9, "G722", 8000},
    {13, "CN", 8000},
    {18, "G729", 8000},
}};

std::optional<int> static_pt_for(const Codec &c) {
  if (c.channels.value_or(1) != 1) return std::nullopt;
  for (const auto &s : kStaticPts)
    if (iequals(c.name, s.name) && c.clock_rate == s.clock) return s.pt;
  return std::nullopt;
}

bool has_feedback(const std::vector<RtcpFeedback> &list, const RtcpFeedback &fb) {
  for (const auto &f : list)
    if (iequals(f.type, fb.type) && iequals(f.subtype, fb.subtype)) return true;
  return false;
}

std::vector<RtcpFeedback> common_feedback(const std::vector<RtcpFeedback> &offered,
                                          const std::vector<RtcpFeedback> &local) {
  std::vector<RtcpFeedback> out;
  for (const auto &f : offered)
    if (has_feedback(local, f) && !has_feedback(out, f)) out.push_back(f);
  return out;
}

}  // namespace

std::optional<std::string> codec_param(const Codec &c, std::string_view key) {
  for (const auto &[k, v] : c.parameters)
    if (iequals(k, key)) return v;
  return std::nullopt;
}

void set_codec_param(Codec &c, std::string_view key, std::string value) {
  for (auto &[k, v] : c.parameters)
    if (iequals(k, key)) {
      v = std::move(value);
      return;
    }
  c.parameters.emplace_back(std::string(key), std::move(value));
}

bool is_rtx(const Codec &c) {
  return iequals(c.name, "rtx");
}

std::optional<int> rtx_apt(const Codec &c) {
  auto apt = codec_param(c, "apt");
  if (!apt) return std::nullopt;
  return parse_int(*apt, 0, 127);
}

std::optional<std::size_t> rtx_primary(const std::vector<Codec> &codecs, std::size_t rtx_index) {
  if (rtx_index >= codecs.size()) return std::nullopt;
  if (auto apt = rtx_apt(codecs[rtx_index])) {
    for (std::size_t i = 0; i < codecs.size(); i++)
      if (!is_rtx(codecs[i]) && codecs[i].payload_type == *apt) return i;
  }
  for (std::size_t i = rtx_index; i-- > 0;)
    if (!is_rtx(codecs[i])) return i;
  return std::nullopt;
}

std::vector<Codec> codecs_from_media(const MediaDescription &m) {
  std::vector<Codec> out;
  std::set<int> seen;
  for (const auto &f : m.formats) {
    auto pt = parse_int(f, 0, 127);
    if (!pt || !seen.insert(*pt).second) continue;
    Codec c;
    c.payload_type = *pt;
    if (const RtpMap *rm = m.find_rtpmap(*pt)) {
      c.name = rm->encoding;
      c.clock_rate = rm->clock_rate;
      c.channels = rm->channels;
    } else {
      auto it =
          std::find_if(kStaticPts.begin(), kStaticPts.end(), [&](const StaticPt &s) { return s.pt == *pt; });
      if (it == kStaticPts.end()) continue;  // dynamic type without rtpmap: unusable
      c.name = it->name;
      c.clock_rate = it->clock;
    }
    if (const Fmtp *fm = m.find_fmtp(*pt)) c.parameters = parse_fmtp_parameters(fm->parameters);
    for (const auto &fb : m.rtcp_fbs) {
      if (fb.payload_type && *fb.payload_type != *pt) continue;
      RtcpFeedback r{fb.type, fb.subtype};
      if (!has_feedback(c.rtcp_fb, r)) c.rtcp_fb.push_back(std::move(r));
    }
    out.push_back(std::move(c));
  }
  return out;
}

void write_codecs(MediaDescription &m, const std::vector<Codec> &codecs) {
  for (const auto &c : codecs) {
    if (c.payload_type < 0 || c.payload_type > 127) continue;
    m.formats.push_back(std::to_string(c.payload_type));
    m.rtpmaps.push_back(RtpMap{c.payload_type, c.name, c.clock_rate, c.channels});
    if (!c.parameters.empty()) m.fmtps.push_back(Fmtp{c.payload_type, format_fmtp_parameters(c.parameters)});
    for (const auto &fb : c.rtcp_fb) m.rtcp_fbs.push_back(RtcpFb{c.payload_type, fb.type, fb.subtype});
  }
}

// ---- H.264 profile-level-id ---------------------------------------------

namespace {

struct ProfilePattern {
  std::uint8_t idc;
  const char *iop;  // bit 7 first; 'x' = either
  const char *name;
};
// RFC 6184 table 5 plus Constrained High (H.264 A.2.11). Order matters: the
// constrained variants are tried before the plain ones they overlap.
constexpr std::array<ProfilePattern, 16> kProfiles = {{
    {0x42, "x1xx0000", "CB"},
    {0x4D, "1xxx0000", "CB"},
    {0x58, "11xx0000", "CB"},
    {0x42, "x0xx0000", "B"},
    {0x58, "10xx0000", "B"},
    {0x4D, "0x0x0000", "M"},
    {0x58, "00xx0000", "E"},
    {0x64, "00000000", "H"},
    {0x64, "00001100", "CH"},
    {0x6E, "00000000", "H10"},
    {0x7A, "00000000", "H42"},
    {0xF4, "00000000", "H44"},
    {0x6E, "00010000", "H10I"},
    {0x7A, "00010000", "H42I"},
    {0xF4, "00010000", "H44I"},
    {0x2C, "00010000", "C44I"},
}};

bool iop_matches(std::uint8_t iop, const char *pattern) {
  for (int i = 0; i < 8; i++) {
    bool bit = (iop >> (7 - i)) & 1;
    if (pattern[i] == '1' && !bit) return false;
    if (pattern[i] == '0' && bit) return false;
  }
  return true;
}

bool uses_constraint_set3_for_1b(std::uint8_t idc) {
  return idc == 0x42 || idc == 0x4D || idc == 0x58;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 6184 8.1: absent profile-level-id means Baseline level 1 (420010).
H264ProfileLevel h264_of(const Codec &c, bool *valid) {
  auto text = codec_param(c, "profile-level-id");
  auto pl = parse_h264_profile_level_id(text.value_or("420010"));
  *valid = pl.has_value();
  return pl.value_or(H264ProfileLevel{});
}

}  // namespace

std::optional<H264ProfileLevel> parse_h264_profile_level_id(std::string_view hex) {
  if (hex.size() != 6) return std::nullopt;
  std::uint8_t bytes[3];
  for (int i = 0; i < 3; i++) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return H264ProfileLevel{bytes[0], bytes[1], bytes[2]};
}

std::string format_h264_profile_level_id(const H264ProfileLevel &pl) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : {pl.profile_idc, pl.profile_iop, pl.level_idc}) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string h264_profile(const H264ProfileLevel &pl) {
  for (const auto &p : kProfiles)
    if (p.idc == pl.profile_idc && iop_matches(pl.profile_iop, p.iop)) return p.name;
  return {};
}

bool h264_same_profile(const H264ProfileLevel &a, const H264ProfileLevel &b) {
  std::string pa = h264_profile(a), pb = h264_profile(b);
  if (!pa.empty() || !pb.empty()) return pa == pb;
  // Neither is a known profile: only an identical idc/iop pair is safe.
  return a.profile_idc == b.profile_idc && a.profile_iop == b.profile_iop;
}

int h264_level_rank(const H264ProfileLevel &pl) {
  bool level_1b =
      (pl.level_idc == 11 && uses_constraint_set3_for_1b(pl.profile_idc) && (pl.profile_iop & 0x10)) ||
      pl.level_idc == 9;
  return level_1b ? 105 : pl.level_idc * 10;
}

namespace {

// RFC 6184 8.2.2: with level-asymmetry-allowed on both sides each side may
// receive at its own level, so the answer states ours; otherwise the lower
// of the two levels applies in both directions.
Codec negotiate_h264(const Codec &offered, const Codec &local) {
  Codec c = offered;
  c.parameters = local.parameters;
  bool ov = false, lv = false;
  H264ProfileLevel o = h264_of(offered, &ov), l = h264_of(local, &lv);
  bool asym = codec_param(offered, "level-asymmetry-allowed") == std::optional<std::string>("1") &&
              codec_param(local, "level-asymmetry-allowed") == std::optional<std::string>("1");
  const H264ProfileLevel &lvl = asym || h264_level_rank(l) <= h264_level_rank(o) ? l : o;
  H264ProfileLevel out = o;
  if (h264_level_rank(lvl) == 105) {
    if (uses_constraint_set3_for_1b(out.profile_idc)) {
      out.level_idc = 11;
      out.profile_iop |= 0x10;
    } else {
      out.level_idc = 9;
    }
  } else {
    out.level_idc = lvl.level_idc;
    if (uses_constraint_set3_for_1b(out.profile_idc)) out.profile_iop &= static_cast<std::uint8_t>(~0x10);
  }
  set_codec_param(c, "profile-level-id", format_h264_profile_level_id(out));
  if (auto pm = codec_param(offered, "packetization-mode"))
    set_codec_param(c, "packetization-mode", *pm);
  else
    std::erase_if(c.parameters, [](const auto &p) { return iequals(p.first, "packetization-mode"); });
  return c;
}

// The answer's entry for a matched primary: the offerer's payload type,
// name and clock; fmtp as we want to receive (RFC 3264 6.1); common
// feedback only.
Codec negotiate(const Codec &offered, const Codec &local) {
  Codec c;
  std::string name = to_lower(offered.name);
  if (name == "h264") {
    c = negotiate_h264(offered, local);
  } else {
    c = offered;
    // red and FEC parameters name the offerer's payload types: keep them.
    if (name != "red" && name != "ulpfec" && name != "flexfec-03" &&
        !(name == "telephone-event" && local.parameters.empty()))
      c.parameters = local.parameters;
  }
  c.rtcp_fb = common_feedback(offered.rtcp_fb, local.rtcp_fb);
  return c;
}

}  // namespace

bool same_format(const Codec &a, const Codec &b) {
  if (!iequals(a.name, b.name) || a.clock_rate != b.clock_rate) return false;
  if (a.channels.value_or(1) != b.channels.value_or(1)) return false;
  std::string name = to_lower(a.name);
  if (name == "h264") {
    if (codec_param(a, "packetization-mode").value_or("0") !=
        codec_param(b, "packetization-mode").value_or("0"))
      return false;
    bool av = false, bv = false;
    H264ProfileLevel pa = h264_of(a, &av), pb = h264_of(b, &bv);
    if (!av || !bv) return false;
    return h264_same_profile(pa, pb);
  }
  if (name == "vp9")
    return codec_param(a, "profile-id").value_or("0") == codec_param(b, "profile-id").value_or("0");
  if (name == "av1")
    return codec_param(a, "profile").value_or("0") == codec_param(b, "profile").value_or("0");
  if (name == "h265")
    return codec_param(a, "profile-id").value_or("1") == codec_param(b, "profile-id").value_or("1") &&
           codec_param(a, "tier-flag").value_or("0") == codec_param(b, "tier-flag").value_or("0");
  return true;
}

std::vector<Codec> intersect_codecs(const std::vector<Codec> &offered, const std::vector<Codec> &local,
                                    bool local_order) {
  struct Match {
    std::size_t offered, local;
  };
  std::vector<Match> matches;
  std::vector<bool> offered_used(offered.size(), false);
  if (local_order) {
    for (std::size_t li = 0; li < local.size(); li++) {
      if (is_rtx(local[li])) continue;
      for (std::size_t oi = 0; oi < offered.size(); oi++) {
        if (offered_used[oi] || is_rtx(offered[oi]) || !same_format(offered[oi], local[li])) continue;
        offered_used[oi] = true;
        matches.push_back({oi, li});
        break;
      }
    }
  } else {
    for (std::size_t oi = 0; oi < offered.size(); oi++) {
      if (is_rtx(offered[oi])) continue;
      for (std::size_t li = 0; li < local.size(); li++) {
        if (is_rtx(local[li]) || !same_format(offered[oi], local[li])) continue;
        matches.push_back({oi, li});
        break;
      }
    }
  }

  std::vector<Codec> out;
  for (const auto &m : matches) {
    const Codec &o = offered[m.offered];
    out.push_back(negotiate(o, local[m.local]));
    // rtx for it, only if we also do rtx for this primary.
    std::optional<std::size_t> local_rtx;
    for (std::size_t j = 0; j < local.size() && !local_rtx; j++)
      if (is_rtx(local[j]) && rtx_primary(local, j) == m.local) local_rtx = j;
    if (!local_rtx) continue;
    for (const auto &r : offered) {
      if (!is_rtx(r) || rtx_apt(r) != o.payload_type) continue;
      Codec c = r;
      c.rtcp_fb = common_feedback(r.rtcp_fb, local[*local_rtx].rtcp_fb);
      out.push_back(std::move(c));
      break;
    }
  }
  return out;
}

// ---- payload type assignment ---------------------------------------------

namespace {

void table_put(std::vector<Codec> &table, const Codec &c) {
  std::erase_if(table, [&](const Codec &t) { return t.payload_type == c.payload_type; });
  Codec entry = c;
  entry.rtcp_fb.clear();
  table.push_back(std::move(entry));
}

bool table_has_pt(const std::vector<Codec> &table, int pt) {
  return std::any_of(table.begin(), table.end(), [&](const Codec &t) { return t.payload_type == pt; });
}

int allocate_pt(const std::set<int> &used, const std::vector<Codec> &table) {
  // Dynamic range first, then the unassigned part of the static range that
  // browsers also use once 96-127 run out.
  for (bool allow_table : {false, true}) {
    for (int pt = 96; pt <= 127; pt++)
      if (!used.count(pt) && (allow_table || !table_has_pt(table, pt))) return pt;
    for (int pt = 35; pt <= 63; pt++)
      if (!used.count(pt) && (allow_table || !table_has_pt(table, pt))) return pt;
  }
  return -1;
}

}  // namespace

std::vector<Codec> assign_payload_types(const std::vector<Codec> &prefs, const std::vector<Codec> &negotiated,
                                        std::vector<Codec> &table) {
  std::vector<Codec> out = prefs;
  std::vector<bool> keep(out.size(), true), done(out.size(), false);
  std::set<int> used;
  auto usable = [&](int pt) { return pt >= 0 && pt <= 127 && !used.count(pt); };
  auto take = [&](std::size_t i, int pt) {
    done[i] = true;
    if (pt < 0) {
      keep[i] = false;
      return;
    }
    out[i].payload_type = pt;
    used.insert(pt);
    table_put(table, out[i]);
  };

  auto assign_primary = [&](std::size_t i) {
    const Codec &c = out[i];
    int pt = -1;
    if (usable(c.payload_type)) pt = c.payload_type;
    for (const auto &n : negotiated)
      if (pt < 0 && !is_rtx(n) && same_format(n, c) && usable(n.payload_type)) pt = n.payload_type;
    for (const auto &t : table)
      if (pt < 0 && !is_rtx(t) && same_format(t, c) && usable(t.payload_type)) pt = t.payload_type;
    if (pt < 0) {
      auto s = static_pt_for(c);
      if (s && usable(*s)) pt = *s;
    }
    if (pt < 0) pt = allocate_pt(used, table);
    take(i, pt);
  };
  auto assign_rtx = [&](std::size_t i, std::size_t prim) {
    if (!keep[prim]) return take(i, -1);
    Codec &c = out[i];
    int apt = out[prim].payload_type;
    c.clock_rate = out[prim].clock_rate;
    set_codec_param(c, "apt", std::to_string(apt));
    int pt = -1;
    if (usable(c.payload_type)) pt = c.payload_type;
    for (const auto &n : negotiated)
      if (pt < 0 && is_rtx(n) && rtx_apt(n) == apt && usable(n.payload_type)) pt = n.payload_type;
    for (const auto &t : table)
      if (pt < 0 && is_rtx(t) && rtx_apt(t) == apt && usable(t.payload_type)) pt = t.payload_type;
    if (pt < 0) pt = allocate_pt(used, table);
    take(i, pt);
  };

  // In preference order, each rtx right after its primary (as browsers
  // number them); an rtx listed before its primary waits for a second pass.
  for (std::size_t i = 0; i < out.size(); i++) {
    if (!is_rtx(out[i])) {
      assign_primary(i);
      continue;
    }
    auto prim = rtx_primary(prefs, i);
    if (!prim)
      take(i, -1);
    else if (done[*prim])
      assign_rtx(i, *prim);
  }
  for (std::size_t i = 0; i < out.size(); i++)
    if (!done[i]) assign_rtx(i, *rtx_primary(prefs, i));

  std::vector<Codec> result;
  for (std::size_t i = 0; i < out.size(); i++)
    if (keep[i]) result.push_back(std::move(out[i]));
  return result;
}

std::vector<Codec> order_like(const std::vector<Codec> &prefs, const std::vector<Codec> &negotiated) {
  // Groups: a primary and the rtx entries that repair it.
  std::vector<std::vector<std::size_t>> groups;
  std::vector<std::optional<std::size_t>> group_of(prefs.size());
  for (std::size_t i = 0; i < prefs.size(); i++)
    if (!is_rtx(prefs[i])) {
      group_of[i] = groups.size();
      groups.push_back({i});
    }
  for (std::size_t i = 0; i < prefs.size(); i++)
    if (is_rtx(prefs[i]))
      if (auto p = rtx_primary(prefs, i); p && group_of[*p]) groups[*group_of[*p]].push_back(i);

  std::vector<bool> taken(groups.size(), false);
  std::vector<std::size_t> order;
  for (const Codec &n : negotiated) {
    if (is_rtx(n)) continue;
    for (std::size_t g = 0; g < groups.size(); g++)
      if (!taken[g] && same_format(prefs[groups[g][0]], n)) {
        taken[g] = true;
        order.push_back(g);
        break;
      }
  }
  for (std::size_t g = 0; g < groups.size(); g++)
    if (!taken[g]) order.push_back(g);

  std::vector<Codec> out;
  for (std::size_t g : order)
    for (std::size_t i : groups[g]) {
      out.push_back(prefs[i]);
      // An rtx repairing "the codec before it" must keep pointing there.
      if (is_rtx(out.back()) && prefs[groups[g][0]].payload_type < 0)
        std::erase_if(out.back().parameters, [](const auto &p) { return iequals(p.first, "apt"); });
    }
  return out;
}

void keep_negotiated_feedback(std::vector<Codec> &codecs, const std::vector<Codec> &negotiated) {
  for (Codec &c : codecs)
    for (const Codec &n : negotiated)
      if (n.payload_type == c.payload_type && is_rtx(n) == is_rtx(c) && (is_rtx(c) || same_format(n, c))) {
        std::erase_if(c.rtcp_fb, [&](const RtcpFeedback &f) { return !has_feedback(n.rtcp_fb, f); });
        break;
      }
}

void remember_payload_types(std::vector<Codec> &table, const std::vector<Codec> &codecs) {
  for (const auto &c : codecs)
    if (c.payload_type >= 0 && c.payload_type <= 127) table_put(table, c);
}

// ---- header extensions ---------------------------------------------------

std::vector<HeaderExtension> extensions_from_media(const SessionDescription &sdp, const MediaDescription &m) {
  std::vector<HeaderExtension> out;
  auto add = [&](const Extmap &e) {
    for (const auto &x : out)
      if (x.id == e.id) return;  // media level wins over session level
    out.push_back(HeaderExtension{e.uri, e.id, e.direction.value_or(Direction::SendRecv)});
  };
  for (const auto &e : m.attrs.extmaps) add(e);
  for (const auto &e : sdp.attrs.extmaps) add(e);
  return out;
}

namespace {

bool valid_ext_id(int id) {
  return id >= 1 && id <= 255 && id != 15;
}

void ext_table_put(std::vector<HeaderExtension> &table, const HeaderExtension &e) {
  std::erase_if(table, [&](const HeaderExtension &t) { return t.id == e.id || t.uri == e.uri; });
  table.push_back(e);
}

}  // namespace

std::vector<HeaderExtension> assign_extension_ids(const std::vector<HeaderExtension> &prefs,
                                                  const std::vector<HeaderExtension> &negotiated,
                                                  std::vector<HeaderExtension> &table) {
  std::vector<HeaderExtension> out;
  std::set<int> used;
  auto free_id = [&](int id, const std::string &uri) {
    if (!valid_ext_id(id) || used.count(id)) return false;
    return std::none_of(table.begin(), table.end(),
                        [&](const HeaderExtension &t) { return t.id == id && t.uri != uri; });
  };
  for (const auto &p : prefs) {
    if (p.direction == Direction::Inactive || p.uri.empty()) continue;
    if (std::any_of(out.begin(), out.end(), [&](const HeaderExtension &o) { return o.uri == p.uri; }))
      continue;
    int id = 0;
    for (const auto &n : negotiated)
      if (!id && n.uri == p.uri && valid_ext_id(n.id) && !used.count(n.id)) id = n.id;
    for (const auto &t : table)
      if (!id && t.uri == p.uri && valid_ext_id(t.id) && !used.count(t.id)) id = t.id;
    if (!id && free_id(p.id, p.uri)) id = p.id;
    // One-byte ids first (RFC 8285 4.2); two-byte ones need extmap-allow-mixed,
    // which every offer carries.
    for (int cand = 1; !id && cand <= 255; cand++)
      if (free_id(cand, p.uri)) id = cand;
    if (!id) continue;
    HeaderExtension e = p;
    e.id = id;
    used.insert(id);
    ext_table_put(table, e);
    out.push_back(std::move(e));
  }
  return out;
}

void remember_extension_ids(std::vector<HeaderExtension> &table, const std::vector<HeaderExtension> &exts) {
  for (const auto &e : exts)
    if (valid_ext_id(e.id)) ext_table_put(table, e);
}

}  // namespace detail
}  // namespace gst_rtc::jsep
