/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-transport.h"

#include <atomic>

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

namespace {

std::atomic<guint> next_transport_id{1};

// Signal user data: owned by the handler's closure, so a handler still
// running on the network thread while the stream is torn down keeps it.
struct Link {
  std::string mid;
  TransportStream::Events events;
};

void free_link(gpointer data, GClosure *) {
  delete static_cast<Link *>(data);
}

void on_new_candidate(GstRtcIceTransport *, const gchar *candidate, gpointer data) {
  auto *link = static_cast<Link *>(data);
  if (link->events.candidate) link->events.candidate(link->mid, candidate);
}

void on_state(GObject *, GParamSpec *, gpointer data) {
  auto *link = static_cast<Link *>(data);
  if (link->events.state_changed) link->events.state_changed(link->mid);
}

void on_candidate_error(GObject *, const GstStructure *error, gpointer data) {
  auto *link = static_cast<Link *>(data);
  if (link->events.candidate_error) link->events.candidate_error(link->mid, error);
}

GstElement *make(const char *factory, const std::string &name, GError **error) {
  GstElement *e = gst_element_factory_make(factory, name.c_str());
  if (!e) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_OPERATION, "element %s is not available (plugin missing?)",
                factory);
    return nullptr;
  }
  return GST_ELEMENT(gst_object_ref_sink(e));
}

GStrv to_strv(const std::vector<std::string> &v) {
  GStrv out = g_new0(gchar *, v.size() + 1);
  for (size_t i = 0; i < v.size(); ++i) out[i] = g_strdup(v[i].c_str());
  return out;
}

}  // namespace

TransportStream *TransportStream::create(GstBin *bin, std::string mid, const IceSettings &ice,
                                         const std::string &certificate, Events events, GError **error) {
  auto *t = new TransportStream();
  t->bin_ = bin;
  t->mid_ = std::move(mid);
  t->events_ = std::move(events);
  const guint n = next_transport_id.fetch_add(1);
  t->id_ = std::string(GST_OBJECT_NAME(bin)) + "-" + std::to_string(n) + "-" + std::to_string(g_random_int());
  const std::string prefix = "transport" + std::to_string(n) + "-";
  if (!(t->icesrc_ = make("rtcicesrc", prefix + "icesrc", error)) ||
      !(t->icesink_ = make("rtcicesink", prefix + "icesink", error)) ||
      !(t->dtlsenc_ = make("rtcdtlssrtpenc", prefix + "dtlsenc", error)) ||
      !(t->dtlsdec_ = make("rtcdtlssrtpdec", prefix + "dtlsdec", error))) {
    delete t;
    return nullptr;
  }
  g_object_set(t->icesrc_, "transport-id", t->id_.c_str(), nullptr);
  g_object_set(t->icesink_, "transport-id", t->id_.c_str(), nullptr);
  g_object_set(t->dtlsenc_, "connection-id", t->id_.c_str(), nullptr);
  g_object_set(t->dtlsdec_, "connection-id", t->id_.c_str(), nullptr);
  if (!certificate.empty()) g_object_set(t->dtlsenc_, "certificate", certificate.c_str(), nullptr);

  g_object_get(t->icesrc_, "transport", &t->ice_, nullptr);
  g_object_get(t->dtlsenc_, "transport", &t->dtls_, nullptr);
  if (!t->ice_ || !t->dtls_) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_OPERATION, "the ICE/DTLS elements gave no transport object");
    delete t;
    return nullptr;
  }
  GStrv addrs = to_strv(ice.local_addresses);
  GStrv turns = to_strv(ice.turn_servers);
  g_object_set(t->ice_, "local-addresses", addrs, "turn-servers", turns, "ice-transport-policy", int(ice.policy),
               "upnp", FALSE, nullptr);
  if (!ice.stun_server.empty()) g_object_set(t->ice_, "stun-server", ice.stun_server.c_str(), nullptr);
  g_strfreev(addrs);
  g_strfreev(turns);
  gst_rtc_dtls_transport_set_ice_transport(t->dtls_, t->ice_);

  auto connect = [t](gpointer object, const char *signal, GCallback cb, std::vector<gulong> &ids) {
    ids.push_back(g_signal_connect_data(object, signal, cb, new Link{t->mid_, t->events_}, free_link,
                                        GConnectFlags(0)));
  };
  connect(t->ice_, "on-new-candidate", G_CALLBACK(on_new_candidate), t->ice_handlers_);
  connect(t->ice_, "notify::state", G_CALLBACK(on_state), t->ice_handlers_);
  connect(t->ice_, "notify::gathering-state", G_CALLBACK(on_state), t->ice_handlers_);
  connect(t->ice_, "on-ice-candidate-error", G_CALLBACK(on_candidate_error), t->ice_handlers_);
  connect(t->dtls_, "notify::state", G_CALLBACK(on_state), t->dtls_handlers_);
  return t;
}

TransportStream::~TransportStream() {
  teardown();
  for (gulong id : ice_handlers_) g_signal_handler_disconnect(ice_, id);
  for (gulong id : dtls_handlers_) g_signal_handler_disconnect(dtls_, id);
  if (ice_) gst_object_unref(ice_);
  if (dtls_) gst_object_unref(dtls_);
  for (GstElement *e : {icesrc_, icesink_, dtlsenc_, dtlsdec_})
    if (e) gst_object_unref(e);
}

gboolean TransportStream::set_local_credentials(const std::string &ufrag, const std::string &pwd, GError **error) {
  return gst_rtc_ice_transport_set_local_credentials(ice_, ufrag.c_str(), pwd.c_str(), error);
}

gboolean TransportStream::set_remote_credentials(const std::string &ufrag, const std::string &pwd, GError **error) {
  return gst_rtc_ice_transport_set_remote_credentials(ice_, ufrag.c_str(), pwd.c_str(), error);
}

gboolean TransportStream::add_remote_candidate(const gchar *candidate, GError **error) {
  return gst_rtc_ice_transport_add_remote_candidate(ice_, candidate, error);
}

gboolean TransportStream::gather(GError **error) {
  return gst_rtc_ice_transport_gather_candidates(ice_, error);
}

void TransportStream::set_controlling(bool controlling) {
  gst_rtc_ice_transport_set_role(ice_, controlling ? GST_RTC_ICE_ROLE_CONTROLLING : GST_RTC_ICE_ROLE_CONTROLLED);
}

void TransportStream::set_remote_fingerprints(const std::string &fingerprints) {
  g_object_set(dtlsdec_, "remote-fingerprint", fingerprints.c_str(), nullptr);
}

void TransportStream::set_dtls_client(bool client) {
  if (client_) {
    if (*client_ != client)
      GST_WARNING_OBJECT(bin_, "transport %s: the DTLS role cannot change on a running transport", mid_.c_str());
    return;
  }
  client_ = client;
  g_object_set(dtlsenc_, "is-client", client, nullptr);
  // Not floating (we hold a reference): the bin takes one of its own.
  gst_bin_add_many(bin_, icesrc_, dtlsdec_, dtlsenc_, icesink_, nullptr);
  added_ = true;
  if (!gst_element_link(icesrc_, dtlsdec_) || !gst_element_link(dtlsenc_, icesink_))
    GST_ERROR_OBJECT(bin_, "transport %s: could not link the transport elements", mid_.c_str());
  const auto ice_state = gst_rtc_ice_transport_get_state(ice_);
  const bool ice_up = ice_state == GST_RTC_ICE_TRANSPORT_STATE_CONNECTED ||
                      ice_state == GST_RTC_ICE_TRANSPORT_STATE_COMPLETED;
  if (client && !ice_up) {
    gst_element_set_locked_state(dtlsenc_, TRUE);
    enc_locked_ = true;
  }
  // Downstream first: datagrams may already wait in the ICE transport (a
  // DTLS client's first flight), and rtcicesrc pushing into a decoder that
  // is not active yet gets FLUSHING and stops for good.
  for (GstElement *e : {icesink_, dtlsdec_, icesrc_})
    gst_element_sync_state_with_parent(e);
  if (!enc_locked_) gst_element_sync_state_with_parent(dtlsenc_);
}

void TransportStream::ice_state_changed() {
  if (!enc_locked_) return;
  const auto state = gst_rtc_ice_transport_get_state(ice_);
  if (state != GST_RTC_ICE_TRANSPORT_STATE_CONNECTED && state != GST_RTC_ICE_TRANSPORT_STATE_COMPLETED) return;
  enc_locked_ = false;
  gst_element_set_locked_state(dtlsenc_, FALSE);
  gst_element_sync_state_with_parent(dtlsenc_);
}

void TransportStream::record_local_candidate(const gchar *candidate) {
  if (!candidate || !*candidate) {
    gathering_complete_ = true;
    return;
  }
  local_candidates_.emplace_back(candidate);
}

void TransportStream::reset_local_candidates() {
  local_candidates_.clear();
  gathering_complete_ = false;
}

void TransportStream::teardown() {
  if (!added_) return;
  added_ = false;
  // Encoder first: DTLS close_notify leaves while the ICE sink still runs.
  for (GstElement *e : {dtlsenc_, dtlsdec_, icesrc_, icesink_}) {
    gst_element_set_locked_state(e, TRUE);
    gst_element_set_state(e, GST_STATE_NULL);
  }
  for (GstElement *e : {dtlsenc_, dtlsdec_, icesrc_, icesink_})
    if (GST_OBJECT_PARENT(e) == GST_OBJECT(bin_)) gst_bin_remove(bin_, e);
}

}  // namespace gst_rtc::peer
