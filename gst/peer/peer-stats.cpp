/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * get-stats: the W3C stats objects of an rtcpeerbin.
 */
#include <map>

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

}  // namespace

GstStructure *PeerConnection::build_stats() {
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
    g_object_get(c, "ready-state", &state, "label", &label, "protocol", &protocol, "id", &id, "buffered-amount",
                 &buffered, nullptr);
    if (state != GST_RTC_DATA_CHANNEL_STATE_CONNECTING) ++opened;
    if (state == GST_RTC_DATA_CHANNEL_STATE_CLOSED) ++closed;
    const std::string sid = "D" + std::to_string(reinterpret_cast<guintptr>(c) & 0xffffff);
    GstStructure *s = stats_object("data-channel", sid, ts);
    gst_structure_set(s, "label", G_TYPE_STRING, label ? label : "", "protocol", G_TYPE_STRING,
                      protocol ? protocol : "", "data-channel-identifier", G_TYPE_INT, id, "state", G_TYPE_STRING,
                      gst_rtc_enum_to_string(GST_RTC_TYPE_DATA_CHANNEL_STATE, state), "buffered-amount", G_TYPE_UINT64, buffered, nullptr);
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
  gst_structure_set(pc, "data-channels-opened", G_TYPE_UINT, opened, "data-channels-closed", G_TYPE_UINT, closed,
                    nullptr);
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
    gst_structure_set(t, "ice-state", G_TYPE_STRING, gst_rtc_enum_to_string(GST_RTC_TYPE_ICE_TRANSPORT_STATE, gst_rtc_ice_transport_get_state(ice)),
                      "dtls-state", G_TYPE_STRING, gst_rtc_enum_to_string(GST_RTC_TYPE_DTLS_TRANSPORT_STATE, gst_rtc_dtls_transport_get_state(dtls)),
                      "ice-role", G_TYPE_STRING,
                      gst_rtc_ice_transport_get_role(ice) == GST_RTC_ICE_ROLE_CONTROLLING ? "controlling"
                                                                                          : "controlled",
                      "local-certificate-id", G_TYPE_STRING, "CERTlocal", nullptr);
    if (stream->started())
      gst_structure_set(t, "dtls-role", G_TYPE_STRING, stream->dtls_client() ? "client" : "server", nullptr);
    auto creds = local_creds_.find(stream->mid());
    if (creds != local_creds_.end())
      gst_structure_set(t, "ice-local-username-fragment", G_TYPE_STRING, creds->second.ufrag.c_str(), nullptr);
    // Wire counters (the ICE transport's) on the transport and its pair.
    GstStructure *counters = nullptr;
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "stats")) g_object_get(ice, "stats", &counters, nullptr);
    auto copy_counters = [counters](GstStructure *to) {
      if (!counters) return;
      for (const char *f : {"bytes-sent", "bytes-received", "packets-sent", "packets-received"})
        if (const GValue *v = gst_structure_get_value(counters, f)) gst_structure_set_value(to, f, v);
    };
    copy_counters(t);
    gchar *remote_pem = gst_rtc_dtls_transport_get_remote_certificate(dtls);
    if (remote_pem) {
      gst_structure_set(t, "remote-certificate-id", G_TYPE_STRING, ("CERTremote" + id_safe(stream->mid())).c_str(),
                        nullptr);
      GstStructure *rc = stats_object("certificate", "CERTremote" + id_safe(stream->mid()), ts);
      const std::string b64 = pem_certificate_base64(remote_pem);
      gst_structure_set(rc, "base64-certificate", G_TYPE_STRING, b64.c_str(), "fingerprint", G_TYPE_STRING,
                        sha256_fingerprint(b64).c_str(), "fingerprint-algorithm", G_TYPE_STRING, "sha-256", nullptr);
      add_object(out, "CERTremote" + id_safe(stream->mid()), rc);
      g_free(remote_pem);
    }
    // One object per candidate, keyed by what identifies it on the wire
    // (the selected pair names the same objects; a peer-reflexive one
    // learned from checks gets its own).
    std::map<std::string, std::string> ids;  // "L|R" + address/port/transport -> id
    auto candidate_id = [&](const char *type, char side, const std::string &text) {
      auto c = jsep::parse_candidate(text);
      const std::string key = c.ok() ? std::string(1, side) + c->address + "/" + std::to_string(c->port) + "/" +
                                           (c->is_tcp() ? "tcp" : "udp")
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
                        lid.c_str(), "remote-candidate-id", G_TYPE_STRING, rid.c_str(), "state", G_TYPE_STRING,
                        "succeeded", "nominated", G_TYPE_BOOLEAN, TRUE, nullptr);
      copy_counters(cp);
      for (const char *f : {"local-type", "remote-type"})
        if (const gchar *v = gst_structure_get_string(pair, f)) gst_structure_set(cp, f, G_TYPE_STRING, v, nullptr);
      add_object(out, pid, cp);
      gst_structure_set(t, "selected-candidate-pair-id", G_TYPE_STRING, pid.c_str(), nullptr);
      gst_structure_free(pair);
    }
    if (counters) gst_structure_free(counters);
    add_object(out, tid, t);
  }
  return out;
}

void PeerConnection::get_stats(GstPad *, GstPromise *promise) {
  if (!promise) return;
  gst_promise_ref(promise);
  ops_.post([this, promise] {
    gst_promise_reply(promise, build_stats());
    gst_promise_unref(promise);
  });
}

}  // namespace gst_rtc::peer
