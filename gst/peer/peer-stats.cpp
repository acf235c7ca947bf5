/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * get-stats: the W3C stats objects of an rtcpeerbin.
 */
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include <gst/rtp/rtp.h>

#include "candidate.h"
#include "peer-connection.h"
#include "peer-util.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

namespace {

double now_ms() {
  return g_get_real_time() / 1000.0;
}

GstStructure *stats_object(const char *type, const std::string &id, double ts) {
  return gst_structure_new(type, "type", G_TYPE_STRING, type, "id", G_TYPE_STRING, id.c_str(), "timestamp",
                           G_TYPE_DOUBLE, ts, nullptr);
}

void add_object(GstStructure *out, const std::string &id, GstStructure *obj) {
  gst_structure_set(out, id.c_str(), GST_TYPE_STRUCTURE, obj, nullptr);
  gst_structure_free(obj);
}

// A candidate as W3C RTCIceCandidateStats.
GstStructure *candidate_stats(const char *type, const std::string &id, double ts, const std::string &text,
                              const std::string &transport_id) {
  GstStructure *s = stats_object(type, id, ts);
  gst_structure_set(s, "transport-id", G_TYPE_STRING, transport_id.c_str(), nullptr);
  auto c = jsep::parse_candidate(text);
  if (c.ok()) {
    gst_structure_set(s, "address", G_TYPE_STRING, c->address.c_str(), "port", G_TYPE_UINT, guint(c->port),
                      "protocol", G_TYPE_STRING, c->is_tcp() ? "tcp" : "udp", "candidate-type", G_TYPE_STRING,
                      std::string(jsep::to_string(c->type)).c_str(), "priority", G_TYPE_UINT64,
                      guint64(c->priority), "foundation", G_TYPE_STRING, c->foundation.c_str(), nullptr);
  }
  return s;
}

// The base64 body of the first certificate in a PEM text (W3C
// RTCCertificateStats.base64Certificate: DER in base64, no armour).
std::string pem_certificate_base64(const std::string &pem) {
  const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  const auto b = pem.find(begin);
  const auto e = b == std::string::npos ? std::string::npos : pem.find(end, b);
  std::string out;
  if (e == std::string::npos) return out;
  for (char ch : pem.substr(b + begin.size(), e - b - begin.size()))
    if (!g_ascii_isspace(ch)) out += ch;
  return out;
}

// "AB:CD:..." SHA-256 of the DER a base64 text holds.
std::string sha256_fingerprint(const std::string &b64) {
  gsize len = 0;
  guchar *der = g_base64_decode(b64.c_str(), &len);
  guint8 digest[32];
  gsize n = sizeof digest;
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, der, len);
  g_checksum_get_digest(sum, digest, &n);
  g_checksum_free(sum);
  g_free(der);
  std::string out;
  char hex[4];
  for (gsize i = 0; i < n; ++i) {
    g_snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", digest[i]);
    out += hex;
  }
  return out;
}

std::string id_safe(std::string s) {
  for (char &c : s)
    if (!g_ascii_isalnum(c)) c = '_';
  return s;
}

struct StructureFree {
  void operator()(GstStructure *s) const { gst_structure_free(s); }
};
using StructurePtr = std::unique_ptr<GstStructure, StructureFree>;
struct ObjectUnref {
  void operator()(gpointer o) const { gst_object_unref(o); }
};
using PadPtr = std::unique_ptr<GstPad, ObjectUnref>;
using ElementPtr = std::unique_ptr<GstElement, ObjectUnref>;
struct CapsUnref {
  void operator()(GstCaps *c) const { gst_caps_unref(c); }
};
using CapsPtr = std::unique_ptr<GstCaps, CapsUnref>;

// Fields of rtpsession's source statistics; 0/false when absent.
guint64 get_u64(const GstStructure *s, const char *f) {
  guint64 v = 0;
  return s && gst_structure_get_uint64(s, f, &v) ? v : 0;
}
guint get_uint(const GstStructure *s, const char *f) {
  guint v = 0;
  return s && gst_structure_get_uint(s, f, &v) ? v : 0;
}
gint get_int(const GstStructure *s, const char *f) {
  gint v = 0;
  return s && gst_structure_get_int(s, f, &v) ? v : 0;
}
bool get_bool(const GstStructure *s, const char *f) {
  gboolean v = FALSE;
  return s && gst_structure_get_boolean(s, f, &v) && v;
}

// An RTCP NTP timestamp (RFC 3550 4: seconds since 1900, 32.32 fixed
// point) in ms since the Unix epoch, the unit of every W3C timestamp.
double ntp_to_unix_ms(guint64 ntp) {
  constexpr double kNtpToUnix = 2208988800.0;
  return ((ntp >> 32) - kNtpToUnix + (ntp & 0xffffffffu) / 4294967296.0) * 1000.0;
}

bool sends(jsep::Direction d) {
  return d == jsep::Direction::SendRecv || d == jsep::Direction::SendOnly;
}

// The peer's report blocks on our SSRCs as they arrive. rtpsession keeps
// only the last block of each reporting source: with BUNDLE, a peer that
// reports on our audio and our video in one RTCP packet would leave one of
// them without a remote-inbound-rtp.
struct ReportBlock {
  guint8 fraction_lost = 0;
  gint32 packets_lost = 0;
  guint32 jitter = 0, lsr = 0, dlsr = 0;
  guint32 arrival = 0;  // compact NTP (16.16 s), as LSR and DLSR
};
struct ReportTable {
  std::mutex lock;
  std::map<guint32, ReportBlock> blocks;  // by the SSRC reported on
};
constexpr char kReportTableKey[] = "gst-rtc-peer-report-blocks";

// Now as compact NTP, on the clock rtpsession stamps its sender reports
// with (rtpbin's default ntp-time-source: the real-time clock).
guint32 compact_ntp_now() {
  const guint64 us = static_cast<guint64>(g_get_real_time());
  const guint64 secs = us / G_USEC_PER_SEC + 2208988800ull;
  const guint64 frac = ((us % G_USEC_PER_SEC) << 16) / G_USEC_PER_SEC;
  return static_cast<guint32>(((secs & 0xffff) << 16) | frac);
}

// rtpsession's on-receiving-rtcp (streaming thread): decrypted compound or
// reduced-size RTCP.
void on_receiving_rtcp(GObject *, GstBuffer *buffer, gpointer data) {
  auto *table = static_cast<ReportTable *>(data);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (!gst_rtcp_buffer_map(buffer, GST_MAP_READ, &rtcp)) return;
  const guint32 now = compact_ntp_now();
  GstRTCPPacket packet;
  {
    std::lock_guard<std::mutex> guard(table->lock);
    for (gboolean more = gst_rtcp_buffer_get_first_packet(&rtcp, &packet); more;
         more = gst_rtcp_packet_move_to_next(&packet)) {
      const GstRTCPType type = gst_rtcp_packet_get_type(&packet);
      if (type != GST_RTCP_TYPE_SR && type != GST_RTCP_TYPE_RR) continue;
      for (guint i = 0; i < gst_rtcp_packet_get_rb_count(&packet); ++i) {
        guint32 ssrc = 0;
        ReportBlock rb;
        guint32 highest = 0;
        gst_rtcp_packet_get_rb(&packet, i, &ssrc, &rb.fraction_lost, &rb.packets_lost, &highest, &rb.jitter,
                               &rb.lsr, &rb.dlsr);
        rb.arrival = now;
        GST_LOG("report block on %u: lost %d, fraction %u, jitter %u, lsr %u, dlsr %u, arrival %u", ssrc,
                rb.packets_lost, rb.fraction_lost, rb.jitter, rb.lsr, rb.dlsr, rb.arrival);
        table->blocks[ssrc] = rb;
      }
    }
  }
  gst_rtcp_buffer_unmap(&rtcp);
}

// The report table of an RTP session, made and watched on first use; it
// lives as long as the session (its handler goes first, in dispose).
ReportTable *report_table(GObject *session) {
  if (auto *table = static_cast<ReportTable *>(g_object_get_data(session, kReportTableKey))) return table;
  if (!g_signal_lookup("on-receiving-rtcp", G_OBJECT_TYPE(session))) return nullptr;
  auto *table = new ReportTable;
  GST_DEBUG("recording the RTCP report blocks of session %p", session);
  g_object_set_data_full(session, kReportTableKey, table,
                         [](gpointer p) { delete static_cast<ReportTable *>(p); });
  g_signal_connect(session, "on-receiving-rtcp", G_CALLBACK(on_receiving_rtcp), table);
  return table;
}

GObject *internal_session(GstElement *rtpbin) {
  GObject *session = nullptr;
  g_signal_emit_by_name(rtpbin, "get-internal-session", 0u, &session);
  return session;
}

// The per-source statistics of one transport's RTP session (rtpsession's
// "stats": our sources are "internal", the peer's are not), by SSRC, and
// the peer's latest report block on each of ours.
class SessionSources {
 public:
  explicit SessionSources(GstElement *rtpbin) {
    GObject *session = internal_session(rtpbin);
    if (!session) return;
    GstStructure *stats = nullptr;
    g_object_get(session, "stats", &stats, nullptr);
    if (ReportTable *table = report_table(session)) {
      std::lock_guard<std::mutex> guard(table->lock);
      reports_ = table->blocks;
    }
    g_object_unref(session);
    if (!stats) return;
    // rtpsession hands its sources over as a GValueArray.
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    const GValue *list = gst_structure_get_value(stats, "source-stats");
    if (list && G_VALUE_HOLDS(list, g_value_array_get_type())) {
      auto *array = static_cast<GValueArray *>(g_value_get_boxed(list));
      for (guint i = 0; array && i < array->n_values; ++i) {
        if (!GST_VALUE_HOLDS_STRUCTURE(&array->values[i])) continue;
        const GstStructure *source = gst_value_get_structure(&array->values[i]);
        guint ssrc = 0;
        if (source && gst_structure_get_uint(source, "ssrc", &ssrc))
          sources_[ssrc] = StructurePtr(gst_structure_copy(source));
      }
    }
    G_GNUC_END_IGNORE_DEPRECATIONS
    gst_structure_free(stats);
  }

  const GstStructure *find(guint32 ssrc, bool internal) const {
    auto it = sources_.find(ssrc);
    if (it == sources_.end() || get_bool(it->second.get(), "internal") != internal) return nullptr;
    return it->second.get();
  }

  // The peer's latest report block on our `ssrc`: from the watched RTCP,
  // else what rtpsession kept on the reporting source.
  std::optional<ReportBlock> report_on(guint32 ssrc) const {
    if (auto it = reports_.find(ssrc); it != reports_.end()) return it->second;
    for (const auto &[_, s] : sources_) {
      if (get_bool(s.get(), "internal") || !get_bool(s.get(), "have-rb") ||
          get_uint(s.get(), "rb-ssrc") != ssrc)
        continue;
      ReportBlock rb;
      rb.fraction_lost = static_cast<guint8>(get_uint(s.get(), "rb-fractionlost"));
      rb.packets_lost = get_int(s.get(), "rb-packetslost");
      rb.jitter = get_uint(s.get(), "rb-jitter");
      rb.lsr = get_uint(s.get(), "rb-lsr");
      rb.dlsr = get_uint(s.get(), "rb-dlsr");
      rb.arrival = rb.lsr + rb.dlsr + get_uint(s.get(), "rb-round-trip");
      return rb;
    }
    return std::nullopt;
  }

 private:
  std::map<guint32, StructurePtr> sources_;
  std::map<guint32, ReportBlock> reports_;
};

// W3C RTCCodecStats of a negotiated codec.
GstStructure *codec_stats(const std::string &id, double ts, const std::string &kind, const jsep::Codec &c,
                          const std::string &transport_id) {
  GstStructure *s = stats_object("codec", id, ts);
  const std::string mime = kind + "/" + c.name;
  gst_structure_set(s, "payload-type", G_TYPE_UINT, guint(c.payload_type), "mime-type", G_TYPE_STRING,
                    mime.c_str(), "clock-rate", G_TYPE_UINT, guint(c.clock_rate), "transport-id",
                    G_TYPE_STRING, transport_id.c_str(), nullptr);
  if (c.channels) gst_structure_set(s, "channels", G_TYPE_UINT, guint(*c.channels), nullptr);
  std::string fmtp;
  for (const auto &[k, v] : c.parameters) fmtp += (fmtp.empty() ? "" : ";") + k + "=" + v;
  if (!fmtp.empty()) gst_structure_set(s, "sdp-fmtp-line", G_TYPE_STRING, fmtp.c_str(), nullptr);
  return s;
}

// The W3C stats selection algorithm: the `seeds` and every object they
// reference, directly or not (fields named "*-id").
GstStructure *select_objects(const GstStructure *all, const std::vector<std::string> &seeds) {
  GstStructure *out = gst_structure_new_empty(gst_structure_get_name(all));
  std::vector<std::string> todo(seeds);
  std::set<std::string> taken;
  while (!todo.empty()) {
    const std::string id = todo.back();
    todo.pop_back();
    if (!taken.insert(id).second) continue;
    const GValue *v = gst_structure_get_value(all, id.c_str());
    if (!v || !GST_VALUE_HOLDS_STRUCTURE(v)) continue;
    gst_structure_set_value(out, id.c_str(), v);
    gst_structure_foreach(
        gst_value_get_structure(v),
        [](GQuark field, const GValue *value, gpointer data) -> gboolean {
          if (G_VALUE_HOLDS_STRING(value) && g_value_get_string(value) &&
              g_str_has_suffix(g_quark_to_string(field), "-id"))
            static_cast<std::vector<std::string> *>(data)->emplace_back(g_value_get_string(value));
          return TRUE;
        },
        &todo);
  }
  return out;
}

}  // namespace

GstStructure *PeerConnection::build_stats() {
  return build_stats(nullptr);
}

GstStructure *PeerConnection::build_stats(GstPad *selector) {
  const double ts = now_ms();
  GstStructure *out = gst_structure_new_empty("application/x-rtc-stats");
  std::vector<GstRtcDataChannel *> channels;
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto *c : channels_) channels.push_back(GST_RTC_DATA_CHANNEL(g_object_ref(c)));
  }
  guint opened = 0, closed = 0;
  for (auto *c : channels) {
    GstRtcDataChannelState state;
    gchar *label = nullptr, *protocol = nullptr;
    gint id = -1;
    guint64 buffered = 0;
    g_object_get(c, "ready-state", &state, "label", &label, "protocol", &protocol, "id", &id,
                 "buffered-amount", &buffered, nullptr);
    if (state != GST_RTC_DATA_CHANNEL_STATE_CONNECTING) ++opened;
    if (state == GST_RTC_DATA_CHANNEL_STATE_CLOSED) ++closed;
    const std::string sid = "D" + std::to_string(reinterpret_cast<guintptr>(c) & 0xffffff);
    GstStructure *s = stats_object("data-channel", sid, ts);
    gst_structure_set(s, "label", G_TYPE_STRING, label ? label : "", "protocol", G_TYPE_STRING,
                      protocol ? protocol : "", "data-channel-identifier", G_TYPE_INT, id, "state",
                      G_TYPE_STRING, gst_rtc_enum_to_string(GST_RTC_TYPE_DATA_CHANNEL_STATE, state),
                      "buffered-amount", G_TYPE_UINT64, buffered, nullptr);
    if (GstStructure *counters = gst_rtc_data_channel_get_stats(c)) {
      for (const char *f : {"messages-sent", "bytes-sent", "messages-received", "bytes-received"})
        if (const GValue *cv = gst_structure_get_value(counters, f)) gst_structure_set_value(s, f, cv);
      gst_structure_free(counters);
    }
    g_free(label);
    g_free(protocol);
    add_object(out, sid, s);
    g_object_unref(c);
  }
  GstStructure *pc = stats_object("peer-connection", "P", ts);
  gst_structure_set(pc, "data-channels-opened", G_TYPE_UINT, opened, "data-channels-closed", G_TYPE_UINT,
                    closed, nullptr);
  add_object(out, "P", pc);

  if (!fingerprint_.empty()) {
    GstStructure *cert = stats_object("certificate", "CERTlocal", ts);
    const auto space = fingerprint_.find(' ');
    const std::string der = pem_certificate_base64(certificate_pem_);
    gst_structure_set(cert, "fingerprint", G_TYPE_STRING, fingerprint_.substr(space + 1).c_str(),
                      "fingerprint-algorithm", G_TYPE_STRING, fingerprint_.substr(0, space).c_str(),
                      "base64-certificate", G_TYPE_STRING, der.c_str(), nullptr);
    add_object(out, "CERTlocal", cert);
  }

  for (const auto &stream : streams_) {
    const std::string tid = "T" + id_safe(stream->mid());
    GstStructure *t = stats_object("transport", tid, ts);
    GstRtcIceTransport *ice = stream->ice();
    GstRtcDtlsTransport *dtls = stream->dtls();
    gst_structure_set(
        t, "ice-state", G_TYPE_STRING,
        gst_rtc_enum_to_string(GST_RTC_TYPE_ICE_TRANSPORT_STATE, gst_rtc_ice_transport_get_state(ice)),
        "dtls-state", G_TYPE_STRING,
        gst_rtc_enum_to_string(GST_RTC_TYPE_DTLS_TRANSPORT_STATE, gst_rtc_dtls_transport_get_state(dtls)),
        "ice-role", G_TYPE_STRING,
        gst_rtc_ice_transport_get_role(ice) == GST_RTC_ICE_ROLE_CONTROLLING ? "controlling" : "controlled",
        "local-certificate-id", G_TYPE_STRING, "CERTlocal", nullptr);
    if (stream->started())
      gst_structure_set(t, "dtls-role", G_TYPE_STRING, stream->dtls_client() ? "client" : "server", nullptr);
    auto creds = local_creds_.find(stream->mid());
    if (creds != local_creds_.end())
      gst_structure_set(t, "ice-local-username-fragment", G_TYPE_STRING, creds->second.ufrag.c_str(),
                        nullptr);
    // Wire counters (the ICE transport's) on the transport and its pair.
    GstStructure *counters = nullptr;
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "stats"))
      g_object_get(ice, "stats", &counters, nullptr);
    auto copy_counters = [counters](GstStructure *to) {
      if (!counters) return;
      for (const char *f : {"bytes-sent", "bytes-received", "packets-sent", "packets-received"})
        if (const GValue *v = gst_structure_get_value(counters, f)) gst_structure_set_value(to, f, v);
    };
    copy_counters(t);
    gchar *remote_pem = gst_rtc_dtls_transport_get_remote_certificate(dtls);
    if (remote_pem) {
      gst_structure_set(t, "remote-certificate-id", G_TYPE_STRING,
                        ("CERTremote" + id_safe(stream->mid())).c_str(), nullptr);
      GstStructure *rc = stats_object("certificate", "CERTremote" + id_safe(stream->mid()), ts);
      const std::string b64 = pem_certificate_base64(remote_pem);
      gst_structure_set(rc, "base64-certificate", G_TYPE_STRING, b64.c_str(), "fingerprint", G_TYPE_STRING,
                        sha256_fingerprint(b64).c_str(), "fingerprint-algorithm", G_TYPE_STRING, "sha-256",
                        nullptr);
      add_object(out, "CERTremote" + id_safe(stream->mid()), rc);
      g_free(remote_pem);
    }
    // One object per candidate, keyed by what identifies it on the wire
    // (the selected pair names the same objects; a peer-reflexive one
    // learned from checks gets its own).
    std::map<std::string, std::string> ids;  // "L|R" + address/port/transport -> id
    auto candidate_id = [&](const char *type, char side, const std::string &text) {
      auto c = jsep::parse_candidate(text);
      const std::string key = c.ok() ? std::string(1, side) + c->address + "/" + std::to_string(c->port) +
                                           "/" + (c->is_tcp() ? "tcp" : "udp")
                                     : std::string(1, side) + text;
      auto it = ids.find(key);
      if (it != ids.end()) return it->second;
      const std::string id = std::string(1, side) + id_safe(stream->mid()) + "_" + std::to_string(ids.size());
      ids.emplace(key, id);
      add_object(out, id, candidate_stats(type, id, ts, text, tid));
      return id;
    };
    for (const auto &c : stream->local_candidates()) candidate_id("local-candidate", 'L', c);
    for (const auto &c : remote_candidates_added_[stream->mid()]) candidate_id("remote-candidate", 'R', c);
    if (GstStructure *pair = gst_rtc_ice_transport_get_selected_candidate_pair(ice)) {
      const std::string pid = "CP" + id_safe(stream->mid());
      const gchar *local = gst_structure_get_string(pair, "local");
      const gchar *remote = gst_structure_get_string(pair, "remote");
      const std::string lid = local ? candidate_id("local-candidate", 'L', local) : "";
      const std::string rid = remote ? candidate_id("remote-candidate", 'R', remote) : "";
      GstStructure *cp = stats_object("candidate-pair", pid, ts);
      gst_structure_set(cp, "transport-id", G_TYPE_STRING, tid.c_str(), "local-candidate-id", G_TYPE_STRING,
                        lid.c_str(), "remote-candidate-id", G_TYPE_STRING, rid.c_str(), "state",
                        G_TYPE_STRING, "succeeded", "nominated", G_TYPE_BOOLEAN, TRUE, nullptr);
      copy_counters(cp);
      // W3C availableOutgoingBitrate: the send-side estimate from the
      // remote's transport-cc feedback (absent until there is one).
      if (auto m = media_.find(stream->mid()); m != media_.end() && m->second)
        if (const guint64 bps = m->second->bandwidth_estimate())
          gst_structure_set(cp, "available-outgoing-bitrate", G_TYPE_DOUBLE, double(bps), nullptr);
      for (const char *f : {"local-type", "remote-type"})
        if (const gchar *v = gst_structure_get_string(pair, f))
          gst_structure_set(cp, f, G_TYPE_STRING, v, nullptr);
      add_object(out, pid, cp);
      gst_structure_set(t, "selected-candidate-pair-id", G_TYPE_STRING, pid.c_str(), nullptr);
      gst_structure_free(pair);
    }
    if (counters) gst_structure_free(counters);
    add_object(out, tid, t);
  }
  std::map<GstPad *, std::vector<std::string>> pad_streams;
  add_media_stats(out, ts, pad_streams);
  if (!selector) return out;
  auto it = pad_streams.find(selector);
  GstStructure *selected =
      select_objects(out, it == pad_streams.end() ? std::vector<std::string>{} : it->second);
  gst_structure_free(out);
  return selected;
}

// Media objects. Ids are stable for a stream's life: RTP streams by SSRC
// ("OUT"/"IN" ours and the peer's, "RIN"/"ROUT" what the peer reports on
// them), codecs by transport and payload type, media sources by pad name.
void PeerConnection::add_media_stats(GstStructure *out, double ts,
                                     std::map<GstPad *, std::vector<std::string>> &pad_streams) {
  const auto &transceivers = session_.transceivers();
  std::map<std::string, SessionSources> sessions;  // by transport mid
  for (const auto &[mid, media] : media_)
    if (media && media->rtpbin()) sessions.try_emplace(mid, media->rtpbin());
  auto plan_of = [this](size_t transceiver) -> const jsep::MediaPlan * {
    for (const auto &mp : media_plans_)
      if (mp.transceiver == transceiver && !mp.stopped) return &mp;
    return nullptr;
  };
  auto index_of = [this](GstPad *pad) -> std::optional<size_t> {
    if (!g_object_class_find_property(G_OBJECT_GET_CLASS(pad), "transceiver")) return std::nullopt;
    GstRtcRtpTransceiver *t = nullptr;
    g_object_get(pad, "transceiver", &t, nullptr);
    if (!t) return std::nullopt;
    std::optional<size_t> index;
    {
      std::lock_guard<std::mutex> guard(lock_);
      for (size_t i = 0; i < transceivers_.size() && !index; ++i)
        if (transceivers_[i] == t) index = i;
    }
    gst_object_unref(t);
    return index;
  };
  // A codec object exists while a stream refers to it (W3C).
  auto codec_id = [&](const jsep::MediaPlan &mp, const std::string &kind, int pt) -> std::string {
    for (const auto &c : mp.codecs) {
      if (c.payload_type != pt || pt < 0) continue;
      const std::string id = "CODEC" + id_safe(mp.transport_mid) + "_" + std::to_string(pt);
      if (!gst_structure_has_field(out, id.c_str()))
        add_object(out, id, codec_stats(id, ts, kind, c, "T" + id_safe(mp.transport_mid)));
      return id;
    }
    return {};
  };
  auto clock_rate = [](const jsep::MediaPlan &mp, int pt) -> guint {
    for (const auto &c : mp.codecs)
      if (c.payload_type == pt) return c.clock_rate;
    return 0;
  };

  // What we send: one outbound-rtp per sink pad's SSRC, its media-source,
  // and the peer's receiver report on it (remote-inbound-rtp).
  std::vector<PadPtr> sink_pads;
  GST_OBJECT_LOCK(bin_);
  for (GList *l = GST_ELEMENT(bin_)->sinkpads; l; l = l->next)
    sink_pads.emplace_back(GST_PAD(gst_object_ref(l->data)));
  GST_OBJECT_UNLOCK(bin_);
  for (const auto &pad : sink_pads) {
    const auto index = index_of(pad.get());
    const jsep::MediaPlan *mp = index ? plan_of(*index) : nullptr;
    if (!mp || *index >= transceivers.size() || !sends(mp->direction)) continue;
    const jsep::Transceiver &t = transceivers[*index];
    const std::string tid = "T" + id_safe(mp->transport_mid);
    const std::string msid = "MS" + id_safe(GST_PAD_NAME(pad.get()));
    GstStructure *source = stats_object("media-source", msid, ts);
    gst_structure_set(source, "kind", G_TYPE_STRING, t.kind.c_str(), "track-identifier", G_TYPE_STRING,
                      (t.track_id.empty() ? GST_PAD_NAME(pad.get()) : t.track_id.c_str()), nullptr);
    add_object(out, msid, source);

    // The pad's SSRC is signalled (a=ssrc, from its caps); its payload type
    // is the negotiated one of its caps' codec (as link_sink_pad picks it).
    CapsPtr caps(gst_pad_get_current_caps(pad.get()));
    // A simulcast layer's pad: its own SSRC, named by its RID.
    const SinkPadStats pad_stats = sink_pad_stats(pad.get());
    const std::string &layer = pad_stats.rid;
    guint32 ssrc = !layer.empty() ? pad_stats.ssrc : t.send_ssrcs.empty() ? 0 : t.send_ssrcs[0];
    if (!ssrc && caps && gst_caps_get_size(caps.get()) > 0)
      gst_structure_get_uint(gst_caps_get_structure(caps.get(), 0), "ssrc", &ssrc);
    auto session = sessions.find(mp->transport_mid);
    const GstStructure *s = ssrc && session != sessions.end() ? session->second.find(ssrc, true) : nullptr;
    if (!s) continue;  // nothing sent yet
    int pt = -1;
    std::string caps_kind;
    const auto caps_codecs = codecs_from_caps(caps.get(), caps_kind);
    for (const auto &c : mp->codecs)
      if (!caps_codecs.empty() && g_ascii_strcasecmp(c.name.c_str(), caps_codecs.front().name.c_str()) == 0 &&
          c.clock_rate == caps_codecs.front().clock_rate) {
        pt = c.payload_type;
        break;
      }
    const std::string cid = codec_id(*mp, t.kind, pt);
    const std::string oid = "OUT" + std::to_string(ssrc);
    GstStructure *o = stats_object("outbound-rtp", oid, ts);
    guint64 packets = get_u64(s, "packets-sent"), bytes = get_u64(s, "octets-sent");
    // RFC 4588 retransmissions leave on their own SSRC; W3C counts them in
    // the stream's totals too. Their payload starts with the 2-byte
    // original sequence number.
    const bool rtx =
        t.send_ssrcs.size() == 2 && ssrc == t.send_ssrcs[0] &&
        std::any_of(mp->codecs.begin(), mp->codecs.end(), [](const auto &c) {
          return g_ascii_strcasecmp(c.name.c_str(), "rtx") == 0;
        });
    if (rtx) {
      const GstStructure *r = session->second.find(t.send_ssrcs[1], true);
      const guint64 rtx_packets = get_u64(r, "packets-sent");
      const guint64 rtx_bytes =
          get_u64(r, "octets-sent") - std::min(get_u64(r, "octets-sent"), 2 * rtx_packets);
      packets += rtx_packets;
      bytes += rtx_bytes;
      gst_structure_set(o, "rtx-ssrc", G_TYPE_UINT, t.send_ssrcs[1], "retransmitted-packets-sent",
                        G_TYPE_UINT64, rtx_packets, "retransmitted-bytes-sent", G_TYPE_UINT64, rtx_bytes,
                        nullptr);
    }
    gst_structure_set(o, "ssrc", G_TYPE_UINT, ssrc, "kind", G_TYPE_STRING, t.kind.c_str(), "mid",
                      G_TYPE_STRING, mp->mid.c_str(), "transport-id", G_TYPE_STRING, tid.c_str(),
                      "media-source-id", G_TYPE_STRING, msid.c_str(), "packets-sent", G_TYPE_UINT64, packets,
                      "bytes-sent", G_TYPE_UINT64, bytes, "nack-count", G_TYPE_UINT,
                      get_uint(s, "recv-nack-count"), nullptr);
    if (t.kind == "video")
      gst_structure_set(o, "pli-count", G_TYPE_UINT, get_uint(s, "recv-pli-count"), "fir-count", G_TYPE_UINT,
                        get_uint(s, "recv-fir-count"), "frames-sent", G_TYPE_UINT64, pad_stats.frames_sent, nullptr);
    if (!layer.empty()) gst_structure_set(o, "rid", G_TYPE_STRING, layer.c_str(), nullptr);
    if (!cid.empty()) gst_structure_set(o, "codec-id", G_TYPE_STRING, cid.c_str(), nullptr);
    if (const auto rb = session->second.report_on(ssrc)) {
      const std::string rid = "RIN" + std::to_string(ssrc);
      GstStructure *ri = stats_object("remote-inbound-rtp", rid, ts);
      gst_structure_set(ri, "ssrc", G_TYPE_UINT, ssrc, "kind", G_TYPE_STRING, t.kind.c_str(), "transport-id",
                        G_TYPE_STRING, tid.c_str(), "local-id", G_TYPE_STRING, oid.c_str(), "packets-lost",
                        G_TYPE_INT64, gint64(rb->packets_lost), "fraction-lost", G_TYPE_DOUBLE,
                        rb->fraction_lost / 256.0, nullptr);
      if (const guint rate = clock_rate(*mp, pt))
        gst_structure_set(ri, "jitter", G_TYPE_DOUBLE, double(rb->jitter) / rate, nullptr);
      // RFC 3550 6.4.1: arrival - LSR - DLSR, none before the peer has seen
      // one of our sender reports (LSR 0). Compact NTP: 16.16 seconds.
      const auto rtt = static_cast<gint32>(rb->arrival - rb->lsr - rb->dlsr);
      if (rb->lsr && rtt >= 0)
        gst_structure_set(ri, "round-trip-time", G_TYPE_DOUBLE, rtt / 65536.0, nullptr);
      if (!cid.empty()) gst_structure_set(ri, "codec-id", G_TYPE_STRING, cid.c_str(), nullptr);
      add_object(out, rid, ri);
      gst_structure_set(o, "remote-id", G_TYPE_STRING, rid.c_str(), nullptr);
    }
    add_object(out, oid, o);
    pad_streams[pad.get()].push_back(oid);
  }

  // What we receive: one inbound-rtp per src pad (rtpbin's
  // recv_rtp_src_<session>_<ssrc>_<pt> behind it) and the peer's sender
  // report on it (remote-outbound-rtp).
  std::vector<std::pair<PadPtr, std::optional<size_t>>> src_pads;
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (const auto &sp : src_pads_) src_pads.emplace_back(GST_PAD(gst_object_ref(sp.pad)), sp.transceiver);
  }
  for (const auto &[pad, index] : src_pads) {
    PadPtr target(gst_ghost_pad_get_target(GST_GHOST_PAD(pad.get())));
    if (!target) continue;
    guint session_id = 0, ssrc = 0, pt = 0;
    if (std::sscanf(GST_PAD_NAME(target.get()), "recv_rtp_src_%u_%u_%u", &session_id, &ssrc, &pt) != 3)
      continue;
    ElementPtr rtpbin(gst_pad_get_parent_element(target.get()));
    std::string transport;
    MediaStream *stream = nullptr;
    for (const auto &[mid, media] : media_)
      if (media && rtpbin && media->rtpbin() == rtpbin.get()) {
        transport = mid;
        stream = media.get();
      }
    auto session = sessions.find(transport);
    const GstStructure *s = session != sessions.end() ? session->second.find(ssrc, false) : nullptr;
    if (!s) continue;
    const jsep::MediaPlan *mp = index ? plan_of(*index) : nullptr;
    if (!mp) {  // unsignalled: the plan on that transport with the payload type
      for (const auto &p : media_plans_)
        if (!p.stopped && p.transport_mid == transport && clock_rate(p, int(pt))) mp = &p;
    }
    std::string kind = mp && mp->transceiver < transceivers.size() ? transceivers[mp->transceiver].kind : "";
    if (kind.empty()) {
      CapsPtr caps(gst_pad_get_current_caps(pad.get()));
      const gchar *media = caps && gst_caps_get_size(caps.get()) > 0
                               ? gst_structure_get_string(gst_caps_get_structure(caps.get(), 0), "media")
                               : nullptr;
      kind = media ? media : "";
    }
    const std::string tid = "T" + id_safe(transport);
    const std::string cid = mp ? codec_id(*mp, kind, int(pt)) : "";
    const std::string iid = "IN" + std::to_string(ssrc);
    GstStructure *in = stats_object("inbound-rtp", iid, ts);
    guint64 packets = get_u64(s, "packets-received"), bytes = get_u64(s, "octets-received");
    if (mp) {
      for (const auto &[media_ssrc, rtx_ssrc] : mp->remote_rtx_ssrcs) {
        if (media_ssrc != ssrc) continue;
        const GstStructure *r = session->second.find(rtx_ssrc, false);
        const guint64 rtx_packets = get_u64(r, "packets-received");
        const guint64 rtx_bytes =
            get_u64(r, "octets-received") - std::min(get_u64(r, "octets-received"), 2 * rtx_packets);
        packets += rtx_packets;
        bytes += rtx_bytes;
        gst_structure_set(in, "rtx-ssrc", G_TYPE_UINT, rtx_ssrc, "retransmitted-packets-received",
                          G_TYPE_UINT64, rtx_packets, "retransmitted-bytes-received", G_TYPE_UINT64,
                          rtx_bytes, nullptr);
      }
      gst_structure_set(in, "mid", G_TYPE_STRING, mp->mid.c_str(), nullptr);
      for (const auto &msid : mp->remote_msids)
        if (!msid.track_id.empty())
          gst_structure_set(in, "track-identifier", G_TYPE_STRING, msid.track_id.c_str(), nullptr);
    }
    // packets-lost is RFC 3550's (expected - received on the media SSRC):
    // losses on the wire, whether a retransmission repaired them or not.
    gst_structure_set(in, "ssrc", G_TYPE_UINT, ssrc, "kind", G_TYPE_STRING, kind.c_str(), "transport-id",
                      G_TYPE_STRING, tid.c_str(), "packets-received", G_TYPE_UINT64, packets,
                      "bytes-received", G_TYPE_UINT64, bytes, "packets-lost", G_TYPE_INT64,
                      gint64(get_int(s, "packets-lost")), "nack-count", G_TYPE_UINT,
                      stream ? stream->nacks_sent(ssrc) : 0u, nullptr);
    if (kind == "video")
      gst_structure_set(in, "pli-count", G_TYPE_UINT,
                        get_uint(s, "sent-pli-count") + (stream ? stream->plis_sent(ssrc) : 0u), "fir-count", G_TYPE_UINT,
                        get_uint(s, "sent-fir-count"), nullptr);
    {
      // W3C audioLevel: linear, 1.0 = 0 dBov, from the RFC 6464 level.
      std::lock_guard<std::mutex> guard(lock_);
      if (auto it = recv_counters_.find(ssrc); it != recv_counters_.end()) {
        if (const int level = it->second->audio_level.load(std::memory_order_relaxed); level >= 0)
          gst_structure_set(in, "audio-level", G_TYPE_DOUBLE, level >= 127 ? 0.0 : std::pow(10.0, -level / 20.0),
                            nullptr);
        if (kind == "video")
          gst_structure_set(in, "frames-received", G_TYPE_UINT64, it->second->frames.load(), nullptr);
      }
    }
    if (const guint rate = mp ? clock_rate(*mp, int(pt)) : 0)
      gst_structure_set(in, "jitter", G_TYPE_DOUBLE, double(get_uint(s, "jitter")) / rate, nullptr);
    if (!cid.empty()) gst_structure_set(in, "codec-id", G_TYPE_STRING, cid.c_str(), nullptr);
    if (get_bool(s, "have-sr")) {
      const std::string rid = "ROUT" + std::to_string(ssrc);
      GstStructure *ro = stats_object("remote-outbound-rtp", rid, ts);
      gst_structure_set(ro, "ssrc", G_TYPE_UINT, ssrc, "kind", G_TYPE_STRING, kind.c_str(), "transport-id",
                        G_TYPE_STRING, tid.c_str(), "local-id", G_TYPE_STRING, iid.c_str(), "packets-sent",
                        G_TYPE_UINT64, guint64(get_uint(s, "sr-packet-count")), "bytes-sent", G_TYPE_UINT64,
                        guint64(get_uint(s, "sr-octet-count")), "remote-timestamp", G_TYPE_DOUBLE,
                        ntp_to_unix_ms(get_u64(s, "sr-ntptime")), nullptr);
      if (!cid.empty()) gst_structure_set(ro, "codec-id", G_TYPE_STRING, cid.c_str(), nullptr);
      add_object(out, rid, ro);
      gst_structure_set(in, "remote-id", G_TYPE_STRING, rid.c_str(), nullptr);
    }
    add_object(out, iid, in);
    pad_streams[pad.get()].push_back(iid);
  }
}

void PeerConnection::watch_rtcp_reports(GstElement *rtpbin) {
  if (GObject *session = internal_session(rtpbin)) {
    report_table(session);
    g_object_unref(session);
  }
}

void PeerConnection::get_stats(GstPad *pad, GstPromise *promise) {
  if (!promise) return;
  // W3C getStats(selector): a sender or receiver of this connection, or
  // InvalidAccessError.
  if (pad && GST_OBJECT_PARENT(pad) != GST_OBJECT(bin_)) {
    gchar *name = gst_object_get_path_string(GST_OBJECT(pad));
    GError *error = g_error_new(GST_RTC_ERROR, GST_RTC_ERROR_INVALID_ACCESS,
                                "get-stats: %s is not a pad of this rtcpeerbin", name);
    g_free(name);
    reject(promise, error);
    return;
  }
  // Owns the references; an operation dropped by a shut-down chain still
  // answers (and frees them).
  struct Request {
    GstPromise *promise = nullptr;
    GstPad *pad = nullptr;
    bool replied = false;
    Request(GstPromise *p, GstPad *selector)
        : promise(gst_promise_ref(p)), pad(selector ? GST_PAD(gst_object_ref(selector)) : nullptr) {}
    Request(const Request &) = delete;
    Request &operator=(const Request &) = delete;
    ~Request() {
      if (!replied) {
        GError *error = g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                                            "get-stats: the connection is shut down");
        gst_promise_reply(promise, gst_structure_new(kReplyName, "error", G_TYPE_ERROR, error, nullptr));
        g_error_free(error);
      }
      gst_promise_unref(promise);
      if (pad) gst_object_unref(pad);
    }
  };
  auto request = std::make_shared<Request>(promise, pad);
  ops_.post([this, request] {
    gst_promise_reply(request->promise, build_stats(request->pad));
    request->replied = true;
  });
}

}  // namespace gst_rtc::peer
