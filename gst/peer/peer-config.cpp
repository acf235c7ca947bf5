/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Configuration of an rtcpeerbin: properties, get/set-configuration,
 * add-turn-server, restart-ice, generate-certificate.
 */
#include <thread>

#include "peer-connection.h"
#include "peer-util.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

void PeerConnection::restart_ice() {
  ops_.post([this] {
    if (session_.signaling_state() == jsep::SignalingState::Closed) return;
    ice_restart_requested_ = true;
    // W3C restartIce(): negotiation is needed (the next offer restarts ICE).
    if (session_.signaling_state() == jsep::SignalingState::Stable && !negotiation_needed_) {
      negotiation_needed_ = true;
      ops_.post([this] {
        if (negotiation_needed_ && session_.signaling_state() == jsep::SignalingState::Stable)
          gst_rtc_peer_bin_emit_negotiation_needed(bin_);
      });
    }
  });
}

Settings PeerConnection::settings() {
  std::lock_guard<std::mutex> guard(lock_);
  return settings_;
}

void PeerConnection::update_settings(const std::function<void(Settings &)> &change, const char *fixed_name) {
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (!fixed_name || !negotiation_started_) {
      change(settings_);
      return;
    }
  }
  refuse(GST_RTC_ERROR_INVALID_MODIFICATION, std::string(fixed_name) + " cannot change once negotiation started");
}

void PeerConnection::refuse(GstRtcError code, const std::string &message) {
  // What a W3C method would throw, for actions that return no promise.
  GST_WARNING_OBJECT(bin_, "%s", message.c_str());
  GError *error = g_error_new_literal(GST_RTC_ERROR, code, message.c_str());
  gst_element_post_message(GST_ELEMENT(bin_), gst_message_new_warning(GST_OBJECT(bin_), error, message.c_str()));
  g_error_free(error);
}

GstStructure *PeerConnection::get_configuration() {
  Settings s = settings();
  GstStructure *out = gst_structure_new("configuration", "bundle-policy", GST_RTC_TYPE_BUNDLE_POLICY,
                                        s.bundle_policy, "ice-transport-policy", GST_RTC_TYPE_ICE_TRANSPORT_POLICY,
                                        s.ice_transport_policy, "ice-candidate-pool-size", G_TYPE_UINT,
                                        s.ice_candidate_pool_size, nullptr);
  // A GStrv (as the ice-servers property): an empty GstValueArray has no
  // element type a binding could read.
  GStrv servers = g_new0(gchar *, s.ice_servers.size() + 1);
  for (size_t i = 0; i < s.ice_servers.size(); ++i) servers[i] = g_strdup(s.ice_servers[i].c_str());
  gst_structure_set(out, "ice-servers", G_TYPE_STRV, servers, nullptr);
  g_strfreev(servers);
  std::string cert;
  {
    std::lock_guard<std::mutex> guard(lock_);
    cert = s.certificate.empty() ? certificate_pem_ : s.certificate;
  }
  if (!cert.empty()) gst_structure_set(out, "certificate", G_TYPE_STRING, cert.c_str(), nullptr);
  return out;
}

gboolean PeerConnection::set_configuration(const GstStructure *config) {
  if (!config) {
    refuse(GST_RTC_ERROR_TYPE, "set-configuration needs a configuration structure");
    return FALSE;
  }
  // Checked under the lock, reported after it (a bus handler may read
  // the bin's properties).
  std::optional<std::pair<GstRtcError, std::string>> refused;
  {
    std::lock_guard<std::mutex> guard(lock_);
    refused = apply_configuration_locked(config);
  }
  if (refused) refuse(refused->first, refused->second);
  return !refused;
}

std::optional<std::pair<GstRtcError, std::string>> PeerConnection::apply_configuration_locked(
    const GstStructure *config) {
  if (closed_) {
    return std::make_pair(GST_RTC_ERROR_INVALID_STATE, std::string("set-configuration on a closed connection"));
  }
  Settings next = settings_;
  gint e = 0;
  if (gst_structure_get_enum(config, "bundle-policy", GST_RTC_TYPE_BUNDLE_POLICY, &e)) {
    if (negotiation_started_ && GstRtcBundlePolicy(e) != settings_.bundle_policy) {
      return std::make_pair(GST_RTC_ERROR_INVALID_MODIFICATION, std::string("set-configuration: bundle-policy cannot change"));
    }
    next.bundle_policy = GstRtcBundlePolicy(e);
  }
  if (gst_structure_get_enum(config, "ice-transport-policy", GST_RTC_TYPE_ICE_TRANSPORT_POLICY, &e))
    next.ice_transport_policy = GstRtcIceTransportPolicy(e);
  guint pool = 0;
  if (gst_structure_get_uint(config, "ice-candidate-pool-size", &pool)) {
    if (negotiation_started_ && pool != settings_.ice_candidate_pool_size) {
      return std::make_pair(GST_RTC_ERROR_INVALID_MODIFICATION,
                            std::string("set-configuration: ice-candidate-pool-size cannot change after negotiation started"));
    }
    next.ice_candidate_pool_size = pool;
  }
  if (const gchar *cert = gst_structure_get_string(config, "certificate")) {
    const std::string current = settings_.certificate.empty() ? certificate_pem_ : settings_.certificate;
    if ((negotiation_started_ || !current.empty()) && cert != current) {
      return std::make_pair(GST_RTC_ERROR_INVALID_MODIFICATION, std::string("set-configuration: certificates cannot change"));
    }
    next.certificate = cert;
  }
  if (const GValue *v = gst_structure_get_value(config, "ice-servers")) {
    next.ice_servers.clear();
    if (GST_VALUE_HOLDS_ARRAY(v) || GST_VALUE_HOLDS_LIST(v)) {
      const guint n = GST_VALUE_HOLDS_ARRAY(v) ? gst_value_array_get_size(v) : gst_value_list_get_size(v);
      for (guint i = 0; i < n; ++i) {
        const GValue *item = GST_VALUE_HOLDS_ARRAY(v) ? gst_value_array_get_value(v, i) : gst_value_list_get_value(v, i);
        if (G_VALUE_HOLDS_STRING(item) && g_value_get_string(item)) next.ice_servers.emplace_back(g_value_get_string(item));
      }
    } else if (G_VALUE_HOLDS(v, G_TYPE_STRV)) {
      for (auto **p = static_cast<gchar **>(g_value_get_boxed(v)); p && *p; ++p) next.ice_servers.emplace_back(*p);
    } else if (G_VALUE_HOLDS_STRING(v) && g_value_get_string(v)) {
      next.ice_servers.emplace_back(g_value_get_string(v));
    }
    for (const auto &u : next.ice_servers) {
      const std::string url = ice_url(u);
      if (!has_scheme(url, "stun") && !has_scheme(url, "turn") && !has_scheme(url, "turns")) {
        return std::make_pair(GST_RTC_ERROR_SYNTAX, "set-configuration: \'" + u + "\' is not a stun:/turn:/turns: URL");
      }
    }
  }
  settings_ = std::move(next);
  return std::nullopt;
}

gboolean PeerConnection::add_turn_server(const gchar *uri) {
  if (!uri) return FALSE;
  const std::string url = ice_url(uri);
  if (!has_scheme(url, "turn") && !has_scheme(url, "turns")) {
    refuse(GST_RTC_ERROR_SYNTAX, std::string("add-turn-server: '") + uri + "' is not a turn(s):// URL");
    return FALSE;
  }
  std::lock_guard<std::mutex> guard(lock_);
  settings_.extra_turn_servers.emplace_back(uri);
  return TRUE;
}

void PeerConnection::generate_certificate(const GstStructure *params, GstPromise *promise) {
  GstStructure *copy = params ? gst_structure_copy(params) : nullptr;
  if (promise) gst_promise_ref(promise);
  // W3C generateCertificate is independent of the connection's operations:
  // an RSA key takes a quarter of a second, which the chain must not wait
  // for. The thread holds the bin until it has replied.
  gst_object_ref(bin_);
  std::thread([this, copy, promise] {
    GstElement *enc = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
    GstStructure *reply = nullptr;
    if (enc) {
      gst_object_ref_sink(enc);
      if (g_signal_lookup("generate-certificate", G_OBJECT_TYPE(enc)))
        g_signal_emit_by_name(enc, "generate-certificate", copy, &reply);
      gst_object_unref(enc);
    }
    if (copy) gst_structure_free(copy);
    GError *error = nullptr;
    if (!reply)
      error = g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_NOT_SUPPORTED,
                                  "certificate generation needs rtcdtlssrtpenc's generate-certificate");
    else if (gst_structure_has_field(reply, "error"))
      gst_structure_get(reply, "error", G_TYPE_ERROR, &error, nullptr);
    if (error) {
      if (reply) gst_structure_free(reply);
      reject(promise, error);
    } else if (promise) {
      gst_structure_set_name(reply, kReplyName);
      gst_promise_reply(promise, reply);
    } else {
      gst_structure_free(reply);
    }
    if (promise) gst_promise_unref(promise);
    gst_object_unref(bin_);
  }).detach();
}

}  // namespace gst_rtc::peer
