/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libgstrtc-1.0: error domain, enums, GstRtcSessionDescription and the base
 * classes' properties, signals and W3C checks.
 */
#include <gmodule.h>
#include <gst/check/gstcheck.h>
#include <gst/rtc/jsep/result.h>
#include <gst/rtc/rtc.h>

#include <string>
#include <vector>

namespace {

// A Chrome 120 offer (audio + video + data), trimmed, CRLF line ends.
const char kChromeOffer[] =
    "v=0\r\n"
    "o=- 849169784356078473 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS af65fc3e-a447-452c-b2fb-fed465d7d287\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 0 8 126\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:1QhM\r\n"
    "a=ice-pwd:PbuJ/FpdaR3+icaH4Rd/LNNa\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "44:39:14:3D:44:7D:4D:10:B4:37:0A:F6:6A:A1:8F:11:36:E7:87:56:D6:EE:80:6A:25:1E:AB:35:C4:C4:46:E0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendrecv\r\n"
    "a=msid:af65fc3e-a447-452c-b2fb-fed465d7d287 aeccda99-de73-4d0e-bce4-29ca3ac896e9\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "a=fmtp:63 111/111\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:2453174223 cname:e6uN7Xab5yvAXRpb\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:1QhM\r\n"
    "a=ice-pwd:PbuJ/FpdaR3+icaH4Rd/LNNa\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "44:39:14:3D:44:7D:4D:10:B4:37:0A:F6:6A:A1:8F:11:36:E7:87:56:D6:EE:80:6A:25:1E:AB:35:C4:C4:46:E0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendrecv\r\n"
    "a=msid:af65fc3e-a447-452c-b2fb-fed465d7d287 5d3653ef-b36a-40ef-8598-1d5e139cdffc\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "a=ssrc-group:FID 2601782128 2253156967\r\n"
    "a=ssrc:2601782128 cname:e6uN7Xab5yvAXRpb\r\n"
    "a=ssrc:2253156967 cname:e6uN7Xab5yvAXRpb\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:1QhM\r\n"
    "a=ice-pwd:PbuJ/FpdaR3+icaH4Rd/LNNa\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "44:39:14:3D:44:7D:4D:10:B4:37:0A:F6:6A:A1:8F:11:36:E7:87:56:D6:EE:80:6A:25:1E:AB:35:C4:C4:46:E0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:2\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

const char kMinimalOffer[] =
    "v=0\r\n"
    "o=- 1 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=mid:0\r\n";

// The lines of kMinimalOffer with line `index` (0-based) replaced.
std::string minimal_offer_with(std::size_t index, const std::string &line) {
  std::vector<std::string> lines;
  std::string text = kMinimalOffer;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find("\r\n", pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  lines.at(index) = line;
  std::string out;
  for (const auto &l : lines) out += l + "\r\n";
  return out;
}

struct Nick {
  gint value;
  const char *nick;
};

// Asserts that `type` is an enum named `type_name` whose values are exactly
// `nicks`, in that order.
void check_enum(GType type, const char *type_name, std::initializer_list<Nick> nicks) {
  fail_unless(G_TYPE_IS_ENUM(type), "%s is not an enum", type_name);
  fail_unless_equals_string(g_type_name(type), type_name);
  auto *klass = static_cast<GEnumClass *>(g_type_class_ref(type));
  fail_unless_equals_int(klass->n_values, nicks.size());
  for (const Nick &n : nicks) {
    const GEnumValue *v = g_enum_get_value_by_nick(klass, n.nick);
    fail_unless(v != nullptr, "%s has no value with nick \"%s\"", type_name, n.nick);
    fail_unless_equals_int(v->value, n.value);
    fail_unless_equals_string(gst_rtc_enum_to_string(type, n.value), n.nick);
  }
  g_type_class_unref(klass);
}

// Counts emissions of a signal or notify.
struct Counter {
  int count = 0;
  static void on_signal(gpointer, gpointer self) { static_cast<Counter *>(self)->count++; }
  static void on_notify(GObject *, GParamSpec *, gpointer self) { static_cast<Counter *>(self)->count++; }
};

// Records every on-error a data channel or DTLS transport emits.
struct ErrorRecorder {
  std::vector<std::pair<int, std::string>> errors;  // code, message
  GQuark last_domain = 0;
  static void on_error(GObject *, GError *error, gpointer self) {
    auto *r = static_cast<ErrorRecorder *>(self);
    r->last_domain = error->domain;
    r->errors.emplace_back(error->code, error->message);
  }
};

}  // namespace

GST_START_TEST(test_error_domain) {
  fail_unless_equals_int(GST_RTC_ERROR, g_quark_from_static_string("gst-rtc-error-quark"));
  fail_unless_equals_string(g_quark_to_string(gst_rtc_error_quark()), "gst-rtc-error-quark");
  // The JSEP core's ErrorCode crosses by cast: the values must agree.
  using gst_rtc::jsep::ErrorCode;
  fail_unless_equals_int(GST_RTC_ERROR_INVALID_STATE, int(ErrorCode::InvalidState));
  fail_unless_equals_int(GST_RTC_ERROR_INVALID_ACCESS, int(ErrorCode::InvalidAccess));
  fail_unless_equals_int(GST_RTC_ERROR_INVALID_MODIFICATION, int(ErrorCode::InvalidModification));
  fail_unless_equals_int(GST_RTC_ERROR_OPERATION, int(ErrorCode::Operation));
  fail_unless_equals_int(GST_RTC_ERROR_SYNTAX, int(ErrorCode::Syntax));
  fail_unless_equals_int(GST_RTC_ERROR_NOT_SUPPORTED, int(ErrorCode::NotSupported));
  fail_unless_equals_int(GST_RTC_ERROR_TYPE, int(ErrorCode::Type));
  fail_unless_equals_int(GST_RTC_ERROR_DTLS_FAILURE, int(ErrorCode::DtlsFailure));
  fail_unless_equals_int(GST_RTC_ERROR_FINGERPRINT_FAILURE, int(ErrorCode::FingerprintFailure));
  fail_unless_equals_int(GST_RTC_ERROR_SCTP_FAILURE, int(ErrorCode::SctpFailure));
  fail_unless_equals_int(GST_RTC_ERROR_DATA_CHANNEL_FAILURE, int(ErrorCode::DataChannelFailure));
}
GST_END_TEST;

GST_START_TEST(test_error_enum_registered) {
  check_enum(GST_RTC_TYPE_ERROR, "GstRtcError",
             {{0, "invalid-state"},
              {1, "invalid-access"},
              {2, "invalid-modification"},
              {3, "operation"},
              {4, "syntax"},
              {5, "not-supported"},
              {6, "type"},
              {7, "dtls-failure"},
              {8, "fingerprint-failure"},
              {9, "sctp-failure"},
              {10, "data-channel-failure"}});
}
GST_END_TEST;

GST_START_TEST(test_enum_sdp_type) {
  check_enum(GST_RTC_TYPE_SDP_TYPE, "GstRtcSdpType",
             {{1, "offer"}, {2, "pranswer"}, {3, "answer"}, {4, "rollback"}});
  fail_unless_equals_string(gst_rtc_sdp_type_to_string(GST_RTC_SDP_TYPE_PRANSWER), "pranswer");
  fail_unless(gst_rtc_sdp_type_to_string(static_cast<GstRtcSdpType>(0)) == nullptr);
  fail_unless(gst_rtc_sdp_type_to_string(static_cast<GstRtcSdpType>(9)) == nullptr);
}
GST_END_TEST;

GST_START_TEST(test_enum_signaling_state) {
  check_enum(GST_RTC_TYPE_SIGNALING_STATE, "GstRtcSignalingState",
             {{0, "stable"},
              {1, "have-local-offer"},
              {2, "have-remote-offer"},
              {3, "have-local-pranswer"},
              {4, "have-remote-pranswer"},
              {5, "closed"}});
}
GST_END_TEST;

GST_START_TEST(test_enum_connection_states) {
  check_enum(
      GST_RTC_TYPE_PEER_CONNECTION_STATE, "GstRtcPeerConnectionState",
      {{0, "new"}, {1, "connecting"}, {2, "connected"}, {3, "disconnected"}, {4, "failed"}, {5, "closed"}});
  check_enum(GST_RTC_TYPE_ICE_CONNECTION_STATE, "GstRtcIceConnectionState",
             {{0, "new"},
              {1, "checking"},
              {2, "connected"},
              {3, "completed"},
              {4, "failed"},
              {5, "disconnected"},
              {6, "closed"}});
  check_enum(GST_RTC_TYPE_ICE_GATHERING_STATE, "GstRtcIceGatheringState",
             {{0, "new"}, {1, "gathering"}, {2, "complete"}});
}
GST_END_TEST;

GST_START_TEST(test_enum_policies) {
  // W3C has no "none" bundle policy (webrtcbin does).
  check_enum(GST_RTC_TYPE_BUNDLE_POLICY, "GstRtcBundlePolicy",
             {{0, "balanced"}, {1, "max-compat"}, {2, "max-bundle"}});
  check_enum(GST_RTC_TYPE_ICE_TRANSPORT_POLICY, "GstRtcIceTransportPolicy", {{0, "all"}, {1, "relay"}});
}
GST_END_TEST;

GST_START_TEST(test_enum_transceiver_direction) {
  check_enum(
      GST_RTC_TYPE_RTP_TRANSCEIVER_DIRECTION, "GstRtcRtpTransceiverDirection",
      {{0, "none"}, {1, "sendrecv"}, {2, "sendonly"}, {3, "recvonly"}, {4, "inactive"}, {5, "stopped"}});
}
GST_END_TEST;

GST_START_TEST(test_enum_transport_states) {
  check_enum(GST_RTC_TYPE_DATA_CHANNEL_STATE, "GstRtcDataChannelState",
             {{0, "connecting"}, {1, "open"}, {2, "closing"}, {3, "closed"}});
  check_enum(GST_RTC_TYPE_DTLS_TRANSPORT_STATE, "GstRtcDtlsTransportState",
             {{0, "new"}, {1, "connecting"}, {2, "connected"}, {3, "closed"}, {4, "failed"}});
  check_enum(GST_RTC_TYPE_ICE_TRANSPORT_STATE, "GstRtcIceTransportState",
             {{0, "new"},
              {1, "checking"},
              {2, "connected"},
              {3, "completed"},
              {4, "failed"},
              {5, "disconnected"},
              {6, "closed"}});
  check_enum(GST_RTC_TYPE_SCTP_TRANSPORT_STATE, "GstRtcSctpTransportState",
             {{0, "connecting"}, {1, "connected"}, {2, "closed"}});
}
GST_END_TEST;

GST_START_TEST(test_enum_misc) {
  check_enum(GST_RTC_TYPE_ICE_ROLE, "GstRtcIceRole", {{0, "controlling"}, {1, "controlled"}});
  check_enum(GST_RTC_TYPE_ICE_COMPONENT, "GstRtcIceComponent", {{0, "rtp"}, {1, "rtcp"}});
  check_enum(GST_RTC_TYPE_TRISTATE, "GstRtcTristate", {{0, "unknown"}, {1, "true"}, {2, "false"}});
  check_enum(GST_RTC_TYPE_PRIORITY_TYPE, "GstRtcPriorityType",
             {{1, "very-low"}, {2, "low"}, {3, "medium"}, {4, "high"}});
  check_enum(GST_RTC_TYPE_DTLS_SETUP, "GstRtcDtlsSetup",
             {{0, "none"}, {1, "actpass"}, {2, "active"}, {3, "passive"}});
}
GST_END_TEST;

GST_START_TEST(test_session_description_new_copy_free) {
  GstSDPMessage *msg = nullptr;
  fail_unless_equals_int(gst_sdp_message_new_from_text(kMinimalOffer, &msg), GST_SDP_OK);
  GstRtcSessionDescription *desc = gst_rtc_session_description_new(GST_RTC_SDP_TYPE_ANSWER, msg);
  fail_unless(desc->sdp == msg);  // transfer full: no copy
  fail_unless_equals_int(desc->type, GST_RTC_SDP_TYPE_ANSWER);

  GstRtcSessionDescription *copy = gst_rtc_session_description_copy(desc);
  fail_unless(copy->sdp != desc->sdp);  // deep
  fail_unless_equals_int(copy->type, GST_RTC_SDP_TYPE_ANSWER);
  gchar *a = gst_rtc_session_description_to_string(desc);
  gst_rtc_session_description_free(desc);  // the copy must not depend on it
  gchar *b = gst_rtc_session_description_to_string(copy);
  fail_unless_equals_string(a, b);
  fail_unless_equals_string(b, kMinimalOffer);
  g_free(a);
  g_free(b);

  // The boxed type copies through GValue too.
  GValue v = G_VALUE_INIT;
  g_value_init(&v, GST_RTC_TYPE_SESSION_DESCRIPTION);
  g_value_set_boxed(&v, copy);
  fail_unless(g_value_get_boxed(&v) != copy);
  g_value_unset(&v);
  gst_rtc_session_description_free(copy);
  gst_rtc_session_description_free(nullptr);  // NULL-safe like g_free
  fail_unless_equals_string(g_type_name(GST_RTC_TYPE_SESSION_DESCRIPTION), "GstRtcSessionDescription");
}
GST_END_TEST;

GST_START_TEST(test_session_description_chrome_offer) {
  GError *error = nullptr;
  GstRtcSessionDescription *desc =
      gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_OFFER, kChromeOffer, &error);
  fail_unless(desc != nullptr, "Chrome offer rejected: %s", error ? error->message : "?");
  fail_unless(error == nullptr);
  fail_unless_equals_int(desc->type, GST_RTC_SDP_TYPE_OFFER);
  fail_unless_equals_int(gst_sdp_message_medias_len(desc->sdp), 3);
  fail_unless_equals_string(gst_sdp_media_get_media(gst_sdp_message_get_media(desc->sdp, 1)), "video");
  fail_unless_equals_string(gst_sdp_message_get_attribute_val(desc->sdp, "group"), "BUNDLE 0 1 2");
  fail_unless_equals_string(
      gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(desc->sdp, 2), "sctp-port"), "5000");

  // Browser line order is RFC order, so the text comes back byte for byte.
  gchar *text = gst_rtc_session_description_to_string(desc);
  fail_unless_equals_string(text, kChromeOffer);
  g_free(text);
  gst_rtc_session_description_free(desc);
}
GST_END_TEST;

GST_START_TEST(test_session_description_lf_round_trip) {
  std::string lf = kChromeOffer;
  for (std::size_t pos; (pos = lf.find("\r\n")) != std::string::npos;) lf.erase(pos, 1);
  fail_unless(lf.find('\r') == std::string::npos);

  GError *error = nullptr;
  GstRtcSessionDescription *desc =
      gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_ANSWER, lf.c_str(), &error);
  fail_unless(desc != nullptr, "LF offer rejected: %s", error ? error->message : "?");
  gchar *text = gst_rtc_session_description_to_string(desc);
  // LF in, CRLF out, nothing else changed.
  fail_unless_equals_string(text, kChromeOffer);
  g_free(text);
  gst_rtc_session_description_free(desc);
}
GST_END_TEST;

GST_START_TEST(test_session_description_syntax_error_line) {
  struct Case {
    std::size_t index;  // 0-based line to replace
    const char *line;
  };
  const Case cases[] = {
      {0, "v=1"},                                  // line 1
      {2, "garbage"},                              // line 3
      {4, "m=audio 99999 UDP/TLS/RTP/SAVPF 111"},  // line 5
      {6, "a=rtpmap:300 opus/48000/2"},            // line 7
  };
  for (const Case &c : cases) {
    std::string text = minimal_offer_with(c.index, c.line);
    GError *error = nullptr;
    GstRtcSessionDescription *desc =
        gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_OFFER, text.c_str(), &error);
    fail_unless(desc == nullptr, "accepted \"%s\"", c.line);
    fail_unless(error != nullptr);
    fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX), "wrong error for \"%s\": %s",
                c.line, error->message);
    std::string prefix = "line " + std::to_string(c.index + 1) + ": ";
    fail_unless(g_str_has_prefix(error->message, prefix.c_str()),
                "\"%s\": message \"%s\" does not start with \"%s\"", c.line, error->message, prefix.c_str());
    g_error_free(error);
  }
  // The untouched text is fine: the cases above fail for their line only.
  GError *error = nullptr;
  GstRtcSessionDescription *ok =
      gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_OFFER, kMinimalOffer, &error);
  fail_unless(ok != nullptr);
  gst_rtc_session_description_free(ok);
}
GST_END_TEST;

GST_START_TEST(test_session_description_rollback) {
  for (const char *text : {static_cast<const char *>(nullptr), ""}) {
    GError *error = nullptr;
    GstRtcSessionDescription *desc =
        gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_ROLLBACK, text, &error);
    fail_unless(desc != nullptr);
    fail_unless(error == nullptr);
    fail_unless_equals_int(desc->type, GST_RTC_SDP_TYPE_ROLLBACK);
    fail_unless(desc->sdp != nullptr);
    fail_unless_equals_int(gst_sdp_message_medias_len(desc->sdp), 0);
    gchar *out = gst_rtc_session_description_to_string(desc);
    fail_unless_equals_string(out, "");
    g_free(out);
    gst_rtc_session_description_free(desc);
  }
  // A rollback with text is checked like any description.
  GError *error = nullptr;
  fail_unless(gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_ROLLBACK, "v=0\r\nbogus\r\n",
                                                          &error) == nullptr);
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX));
  g_error_free(error);
}
GST_END_TEST;

GST_START_TEST(test_session_description_type_errors) {
  GError *error = nullptr;
  // An offer needs text.
  fail_unless(gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_OFFER, nullptr, &error) ==
              nullptr);
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE));
  g_clear_error(&error);
  fail_unless(gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_ANSWER, "", &error) == nullptr);
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE));
  g_clear_error(&error);
  // Not an SDP type at all.
  fail_unless(gst_rtc_session_description_new_from_string(static_cast<GstRtcSdpType>(0), kMinimalOffer,
                                                          &error) == nullptr);
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE));
  g_clear_error(&error);
  // A NULL GError ** is allowed.
  fail_unless(gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_OFFER, "x", nullptr) == nullptr);
}
GST_END_TEST;

GST_START_TEST(test_transceiver_defaults) {
  auto *trans = static_cast<GstRtcRtpTransceiver *>(g_object_new(GST_RTC_TYPE_RTP_TRANSCEIVER, nullptr));
  gst_object_ref_sink(trans);
  gchar *mid = nullptr, *kind = nullptr;
  GstRtcRtpTransceiverDirection direction, current;
  guint mline;
  gboolean stopped;
  GstRtcRtpSender *sender = nullptr;
  GstRtcRtpReceiver *receiver = nullptr;
  GstCaps *prefs = nullptr;
  g_object_get(trans, "mid", &mid, "kind", &kind, "direction", &direction, "current-direction", &current,
               "mlineindex", &mline, "stopped", &stopped, "sender", &sender, "receiver", &receiver,
               "codec-preferences", &prefs, nullptr);
  fail_unless(mid == nullptr);
  fail_unless_equals_string(kind, "");
  fail_unless_equals_int(direction, GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV);
  fail_unless_equals_int(current, GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE);
  fail_unless_equals_int(mline, GST_RTC_RTP_TRANSCEIVER_MLINE_NONE);
  fail_unless(!stopped);
  fail_unless(prefs == nullptr);
  // Both halves exist even when the creator passed none.
  fail_unless(GST_RTC_IS_RTP_SENDER(sender));
  fail_unless(GST_RTC_IS_RTP_RECEIVER(receiver));
  g_free(kind);
  gst_object_unref(sender);
  gst_object_unref(receiver);

  // Construct-only halves and kind, as rtcpeerbin creates them.
  auto *my_sender = static_cast<GstRtcRtpSender *>(g_object_new(GST_RTC_TYPE_RTP_SENDER, nullptr));
  auto *trans2 = static_cast<GstRtcRtpTransceiver *>(
      g_object_new(GST_RTC_TYPE_RTP_TRANSCEIVER, "sender", my_sender, "kind", "audio", "direction",
                   GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, nullptr));
  gst_object_ref_sink(trans2);
  GstRtcRtpSender *got = gst_rtc_rtp_transceiver_get_sender(trans2);
  fail_unless(got == my_sender);
  gst_object_unref(got);
  kind = gst_rtc_rtp_transceiver_get_kind(trans2);
  fail_unless_equals_string(kind, "audio");
  g_free(kind);
  fail_unless_equals_int(gst_rtc_rtp_transceiver_get_direction(trans2),
                         GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY);
  gst_object_unref(trans2);
  gst_object_unref(my_sender);
  gst_object_unref(trans);
}
GST_END_TEST;

GST_START_TEST(test_transceiver_direction_notify) {
  auto *trans = static_cast<GstRtcRtpTransceiver *>(g_object_new(GST_RTC_TYPE_RTP_TRANSCEIVER, nullptr));
  gst_object_ref_sink(trans);
  Counter notified;
  g_signal_connect(trans, "notify::direction", G_CALLBACK(Counter::on_notify), &notified);

  g_object_set(trans, "direction", GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, nullptr);
  fail_unless_equals_int(notified.count, 1);
  fail_unless_equals_int(gst_rtc_rtp_transceiver_get_direction(trans),
                         GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY);
  // Same value: no notify (explicit notify).
  g_object_set(trans, "direction", GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, nullptr);
  fail_unless_equals_int(notified.count, 1);

  // "stopped" and "none" cannot be set: TypeError, nothing changes.
  GError *error = nullptr;
  fail_unless(
      !gst_rtc_rtp_transceiver_set_direction(trans, GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE));
  g_clear_error(&error);
  g_object_set(trans, "direction", GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE, nullptr);
  fail_unless_equals_int(gst_rtc_rtp_transceiver_get_direction(trans),
                         GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY);
  fail_unless_equals_int(notified.count, 1);

  fail_unless(
      gst_rtc_rtp_transceiver_set_direction(trans, GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, &error));
  fail_unless_equals_int(notified.count, 2);

  // Implementation setters notify their read-only properties.
  Counter mid_notified, current_notified, mline_notified;
  g_signal_connect(trans, "notify::mid", G_CALLBACK(Counter::on_notify), &mid_notified);
  g_signal_connect(trans, "notify::current-direction", G_CALLBACK(Counter::on_notify), &current_notified);
  g_signal_connect(trans, "notify::mlineindex", G_CALLBACK(Counter::on_notify), &mline_notified);
  gst_rtc_rtp_transceiver_set_mid(trans, "0");
  gst_rtc_rtp_transceiver_set_mid(trans, "0");
  gst_rtc_rtp_transceiver_set_current_direction(trans, GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY);
  gst_rtc_rtp_transceiver_set_mlineindex(trans, 0);
  fail_unless_equals_int(mid_notified.count, 1);
  fail_unless_equals_int(current_notified.count, 1);
  fail_unless_equals_int(mline_notified.count, 1);
  gchar *mid = gst_rtc_rtp_transceiver_get_mid(trans);
  fail_unless_equals_string(mid, "0");
  g_free(mid);
  fail_unless_equals_int(gst_rtc_rtp_transceiver_get_mlineindex(trans), 0);
  gst_object_unref(trans);
}
GST_END_TEST;

GST_START_TEST(test_transceiver_stop) {
  auto *trans = static_cast<GstRtcRtpTransceiver *>(g_object_new(GST_RTC_TYPE_RTP_TRANSCEIVER, nullptr));
  gst_object_ref_sink(trans);
  Counter stopped_notified;
  g_signal_connect(trans, "notify::stopped", G_CALLBACK(Counter::on_notify), &stopped_notified);

  g_signal_emit_by_name(trans, "stop");
  fail_unless(gst_rtc_rtp_transceiver_get_stopped(trans));
  fail_unless_equals_int(gst_rtc_rtp_transceiver_get_direction(trans),
                         GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED);
  fail_unless_equals_int(stopped_notified.count, 1);
  gst_rtc_rtp_transceiver_stop(trans);  // twice: nothing more
  fail_unless_equals_int(stopped_notified.count, 1);

  // A stopped transceiver's direction cannot change (InvalidStateError).
  GError *error = nullptr;
  fail_unless(
      !gst_rtc_rtp_transceiver_set_direction(trans, GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE));
  g_clear_error(&error);
  fail_unless_equals_int(gst_rtc_rtp_transceiver_get_direction(trans),
                         GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED);

  // Codec preferences are caps, notified on change.
  Counter caps_notified;
  g_signal_connect(trans, "notify::codec-preferences", G_CALLBACK(Counter::on_notify), &caps_notified);
  GstCaps *caps =
      gst_caps_from_string("application/x-rtp, media=audio, encoding-name=OPUS, clock-rate=48000");
  g_object_set(trans, "codec-preferences", caps, nullptr);
  g_object_set(trans, "codec-preferences", caps, nullptr);
  fail_unless_equals_int(caps_notified.count, 1);
  GstCaps *got = gst_rtc_rtp_transceiver_get_codec_preferences(trans);
  fail_unless(gst_caps_is_equal(got, caps));
  gst_caps_unref(got);
  gst_caps_unref(caps);
  gst_object_unref(trans);
}
GST_END_TEST;

GST_START_TEST(test_data_channel_defaults) {
  auto *channel =
      static_cast<GstRtcDataChannel *>(g_object_new(GST_RTC_TYPE_DATA_CHANNEL, "label", "chat", nullptr));
  gchar *label = nullptr, *protocol = nullptr;
  gboolean ordered, negotiated;
  gint lifetime, retransmits, id;
  GstRtcPriorityType priority;
  GstRtcDataChannelState state;
  guint64 buffered, threshold;
  g_object_get(channel, "label", &label, "ordered", &ordered, "max-packet-lifetime", &lifetime,
               "max-retransmits", &retransmits, "protocol", &protocol, "negotiated", &negotiated, "id", &id,
               "priority", &priority, "ready-state", &state, "buffered-amount", &buffered,
               "buffered-amount-low-threshold", &threshold, nullptr);
  fail_unless_equals_string(label, "chat");
  fail_unless(ordered);
  fail_unless_equals_int(lifetime, -1);
  fail_unless_equals_int(retransmits, -1);
  fail_unless_equals_string(protocol, "");
  fail_unless(!negotiated);
  fail_unless_equals_int(id, -1);
  fail_unless_equals_int(priority, GST_RTC_PRIORITY_TYPE_LOW);
  fail_unless_equals_int(state, GST_RTC_DATA_CHANNEL_STATE_CONNECTING);
  fail_unless_equals_uint64(buffered, 0);
  fail_unless_equals_uint64(threshold, 0);
  g_free(label);
  g_free(protocol);

  // Read-only to applications: writable only at construction.
  GParamSpec *pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(channel), "ready-state");
  fail_unless(!(pspec->flags & G_PARAM_WRITABLE));
  pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(channel), "buffered-amount-low-threshold");
  fail_unless((pspec->flags & G_PARAM_WRITABLE) && !(pspec->flags & G_PARAM_CONSTRUCT_ONLY));
  g_object_unref(channel);
}
GST_END_TEST;

GST_START_TEST(test_data_channel_base_send_not_supported) {
  auto *channel =
      static_cast<GstRtcDataChannel *>(g_object_new(GST_RTC_TYPE_DATA_CHANNEL, "label", "x", nullptr));
  ErrorRecorder rec;
  g_signal_connect(channel, "on-error", G_CALLBACK(ErrorRecorder::on_error), &rec);

  g_signal_emit_by_name(channel, "send-string", "hello");
  fail_unless_equals_int(rec.errors.size(), 1);
  fail_unless_equals_int(rec.last_domain, GST_RTC_ERROR);
  fail_unless_equals_int(rec.errors[0].first, GST_RTC_ERROR_NOT_SUPPORTED);
  fail_unless(rec.errors[0].second.find("not implemented") != std::string::npos, "message: %s",
              rec.errors[0].second.c_str());

  GBytes *bytes = g_bytes_new_static("\x01\x02", 2);
  g_signal_emit_by_name(channel, "send-data", bytes);
  fail_unless_equals_int(rec.errors.size(), 2);
  fail_unless_equals_int(rec.errors[1].first, GST_RTC_ERROR_NOT_SUPPORTED);

  // The C API returns the same error instead of emitting it; even when open.
  gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_OPEN);
  GError *error = nullptr;
  fail_unless(!gst_rtc_data_channel_send_data(channel, bytes, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_NOT_SUPPORTED));
  g_clear_error(&error);
  fail_unless_equals_int(rec.errors.size(), 2);
  fail_unless_equals_uint64(gst_rtc_data_channel_get_buffered_amount(channel), 0);
  g_bytes_unref(bytes);
  g_object_unref(channel);
}
GST_END_TEST;

// A data channel with a pretend transport: records what it was asked to send.
struct TestChannel {
  GstRtcDataChannel parent;
};
struct TestChannelClass {
  GstRtcDataChannelClass parent_class;
};
static std::vector<std::string> g_sent;

static gboolean test_channel_send_string(GstRtcDataChannel *, const gchar *str, GError **) {
  g_sent.emplace_back(str);
  return TRUE;
}

static gboolean test_channel_send_data(GstRtcDataChannel *, GBytes *data, GError **) {
  gsize size;
  const char *p = static_cast<const char *>(g_bytes_get_data(data, &size));
  g_sent.emplace_back(p ? std::string(p, size) : std::string());
  return TRUE;
}

static void test_channel_class_init(TestChannelClass *klass, gpointer) {
  klass->parent_class.send_string = test_channel_send_string;
  klass->parent_class.send_data = test_channel_send_data;
}

static GType test_channel_get_type() {
  static GType type = g_type_register_static_simple(
      GST_RTC_TYPE_DATA_CHANNEL, "TestRtcDataChannel", sizeof(TestChannelClass),
      reinterpret_cast<GClassInitFunc>(test_channel_class_init), sizeof(TestChannel), nullptr, GTypeFlags(0));
  return type;
}

GST_START_TEST(test_data_channel_subclass_send_and_state) {
  g_sent.clear();
  auto *channel =
      static_cast<GstRtcDataChannel *>(g_object_new(test_channel_get_type(), "label", "y", nullptr));
  ErrorRecorder rec;
  Counter opened, closing, closed;
  g_signal_connect(channel, "on-error", G_CALLBACK(ErrorRecorder::on_error), &rec);
  g_signal_connect(channel, "on-open", G_CALLBACK(Counter::on_signal), &opened);
  g_signal_connect(channel, "on-closing", G_CALLBACK(Counter::on_signal), &closing);
  g_signal_connect(channel, "on-close", G_CALLBACK(Counter::on_signal), &closed);

  // Not open yet: InvalidStateError, nothing reaches the transport.
  g_signal_emit_by_name(channel, "send-string", "early");
  fail_unless_equals_int(rec.errors.size(), 1);
  fail_unless_equals_int(rec.errors[0].first, GST_RTC_ERROR_INVALID_STATE);
  fail_unless(g_sent.empty());

  gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_OPEN);
  fail_unless_equals_int(opened.count, 1);
  g_signal_emit_by_name(channel, "send-string", "hello");
  GBytes *bytes = g_bytes_new_static("abc", 3);
  g_signal_emit_by_name(channel, "send-data", bytes);
  g_signal_emit_by_name(channel, "send-data", nullptr);  // NULL = empty message
  g_bytes_unref(bytes);
  fail_unless_equals_int(g_sent.size(), 3);
  fail_unless_equals_string(g_sent[0].c_str(), "hello");
  fail_unless_equals_string(g_sent[1].c_str(), "abc");
  fail_unless_equals_string(g_sent[2].c_str(), "");
  fail_unless_equals_int(rec.errors.size(), 1);

  // Invalid UTF-8 is a TypeError.
  GError *error = nullptr;
  fail_unless(!gst_rtc_data_channel_send_string(channel, "\xff\xfe", &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE));
  g_clear_error(&error);

  // The remote closes: on-closing then on-close.
  gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSING);
  gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  fail_unless_equals_int(closing.count, 1);
  fail_unless_equals_int(closed.count, 1);
  // Closed is final.
  gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_OPEN);
  fail_unless_equals_int(gst_rtc_data_channel_get_ready_state(channel), GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  fail_unless_equals_int(opened.count, 1);
  g_object_unref(channel);
}
GST_END_TEST;

GST_START_TEST(test_data_channel_local_close) {
  auto *channel = static_cast<GstRtcDataChannel *>(g_object_new(GST_RTC_TYPE_DATA_CHANNEL, nullptr));
  Counter closing, closed, state_notified;
  g_signal_connect(channel, "on-closing", G_CALLBACK(Counter::on_signal), &closing);
  g_signal_connect(channel, "on-close", G_CALLBACK(Counter::on_signal), &closed);
  g_signal_connect(channel, "notify::ready-state", G_CALLBACK(Counter::on_notify), &state_notified);

  g_signal_emit_by_name(channel, "close");
  fail_unless_equals_int(gst_rtc_data_channel_get_ready_state(channel), GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  fail_unless_equals_int(closing.count, 0);  // W3C: no closing event for close()
  fail_unless_equals_int(closed.count, 1);
  fail_unless_equals_int(state_notified.count, 2);  // closing, closed
  gst_rtc_data_channel_close(channel);
  fail_unless_equals_int(closed.count, 1);
  g_object_unref(channel);
}
GST_END_TEST;

GST_START_TEST(test_data_channel_buffered_amount_low) {
  auto *channel = static_cast<GstRtcDataChannel *>(g_object_new(GST_RTC_TYPE_DATA_CHANNEL, nullptr));
  g_object_set(channel, "buffered-amount-low-threshold", G_GUINT64_CONSTANT(100), nullptr);
  Counter low, amount_notified;
  g_signal_connect(channel, "on-buffered-amount-low", G_CALLBACK(Counter::on_signal), &low);
  g_signal_connect(channel, "notify::buffered-amount", G_CALLBACK(Counter::on_notify), &amount_notified);

  const struct {
    guint64 amount;
    int low_after;
  } steps[] = {{200, 0}, {150, 0}, {100, 1}, {50, 1}, {300, 1}, {101, 1}, {0, 2}, {0, 2}};
  for (const auto &s : steps) {
    gst_rtc_data_channel_set_buffered_amount(channel, s.amount);
    fail_unless_equals_int(low.count, s.low_after);
    fail_unless_equals_uint64(gst_rtc_data_channel_get_buffered_amount(channel), s.amount);
  }
  fail_unless_equals_int(amount_notified.count, 7);  // the repeated 0 does not notify
  g_object_unref(channel);
}
GST_END_TEST;

GST_START_TEST(test_dtmf_base_cannot_insert) {
  auto *dtmf = static_cast<GstRtcDtmfSender *>(g_object_new(GST_RTC_TYPE_DTMF_SENDER, nullptr));
  gst_object_ref_sink(dtmf);
  gboolean ret = TRUE;
  g_signal_emit_by_name(dtmf, "insert-dtmf", "123", 100u, 70u, &ret);
  fail_unless(!ret);
  GError *error = nullptr;
  fail_unless(!gst_rtc_dtmf_sender_insert_dtmf(dtmf, "123", 100, 70, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE));
  g_clear_error(&error);
  gchar *buffer = gst_rtc_dtmf_sender_get_tone_buffer(dtmf);
  fail_unless_equals_string(buffer, "");
  g_free(buffer);
  gst_object_unref(dtmf);
}
GST_END_TEST;

static void record_tone(GstRtcDtmfSender *, const gchar *tone, gpointer user_data) {
  static_cast<std::vector<std::string> *>(user_data)->emplace_back(tone);
}

GST_START_TEST(test_dtmf_validation_and_playout) {
  auto *dtmf = static_cast<GstRtcDtmfSender *>(g_object_new(GST_RTC_TYPE_DTMF_SENDER, nullptr));
  gst_object_ref_sink(dtmf);
  gst_rtc_dtmf_sender_set_can_insert_dtmf(dtmf, TRUE);
  gboolean can = FALSE;
  g_object_get(dtmf, "can-insert-dtmf", &can, nullptr);
  fail_unless(can);

  // Invalid characters: InvalidCharacterError, buffer untouched.
  gboolean ret = TRUE;
  g_signal_emit_by_name(dtmf, "insert-dtmf", "12E", 100u, 70u, &ret);
  fail_unless(!ret);
  GError *error = nullptr;
  fail_unless(!gst_rtc_dtmf_sender_insert_dtmf(dtmf, "1 2", 100, 70, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX));
  g_clear_error(&error);

  // Lower case is accepted and stored upper case; the values are clamped.
  g_signal_emit_by_name(dtmf, "insert-dtmf", "1a#,*d", 10u, 0u, &ret);
  fail_unless(ret);
  gchar *buffer = nullptr;
  g_object_get(dtmf, "tone-buffer", &buffer, nullptr);
  fail_unless_equals_string(buffer, "1A#,*D");
  g_free(buffer);

  std::vector<std::string> tones;
  g_signal_connect(dtmf, "on-tone-change", G_CALLBACK(record_tone), &tones);
  guint duration = 0, gap = 0;
  fail_unless_equals_int(gst_rtc_dtmf_sender_pop_tone(dtmf, &duration, &gap), '1');
  fail_unless_equals_int(duration, 40);
  fail_unless_equals_int(gap, 30);
  while (gst_rtc_dtmf_sender_pop_tone(dtmf, nullptr, nullptr) != 0) {
  }
  fail_unless_equals_int(gst_rtc_dtmf_sender_pop_tone(dtmf, nullptr, nullptr), 0);
  // Each tone, then "" once when the buffer ran empty.
  const std::vector<std::string> expected = {"1", "A", "#", ",", "*", "D", ""};
  fail_unless(tones == expected);

  // Upper clamps.
  fail_unless(gst_rtc_dtmf_sender_insert_dtmf(dtmf, "9", 100000, 100000, nullptr));
  fail_unless_equals_int(gst_rtc_dtmf_sender_pop_tone(dtmf, &duration, &gap), '9');
  fail_unless_equals_int(duration, 6000);
  fail_unless_equals_int(gap, 6000);
  // "" cancels what is left.
  fail_unless(gst_rtc_dtmf_sender_insert_dtmf(dtmf, "123", 100, 70, nullptr));
  fail_unless(gst_rtc_dtmf_sender_insert_dtmf(dtmf, "", 100, 70, nullptr));
  buffer = gst_rtc_dtmf_sender_get_tone_buffer(dtmf);
  fail_unless_equals_string(buffer, "");
  g_free(buffer);
  gst_object_unref(dtmf);
}
GST_END_TEST;

static GstStructure *parameters_from_string(const char *s) {
  GstStructure *st = gst_structure_from_string(s, nullptr);
  fail_unless(st != nullptr, "bad test structure %s", s);
  return st;
}

GST_START_TEST(test_rtp_sender_parameters) {
  auto *sender = static_cast<GstRtcRtpSender *>(g_object_new(GST_RTC_TYPE_RTP_SENDER, nullptr));
  gst_object_ref_sink(sender);
  fail_unless(gst_rtc_rtp_sender_get_transport(sender) == nullptr);
  fail_unless(gst_rtc_rtp_sender_get_dtmf(sender) == nullptr);

  // Default: one active encoding.
  GstStructure *params = gst_rtc_rtp_sender_get_parameters(sender);
  const GValue *encodings = gst_structure_get_value(params, "encodings");
  fail_unless(encodings && GST_VALUE_HOLDS_ARRAY(encodings));
  fail_unless_equals_int(gst_value_array_get_size(encodings), 1);
  gboolean active = FALSE;
  fail_unless(gst_structure_get_boolean(gst_value_get_structure(gst_value_array_get_value(encodings, 0)),
                                        "active", &active));
  fail_unless(active);
  gst_structure_free(params);

  Counter notified;
  g_signal_connect(sender, "notify::parameters", G_CALLBACK(Counter::on_notify), &notified);
  GError *error = nullptr;

  // A bitrate cap given as a plain int is stored as uint.
  params = parameters_from_string(
      "parameters, encodings=(structure)<[encoding, active=true, max-bitrate=500000]>");
  fail_unless(gst_rtc_rtp_sender_set_parameters(sender, params, &error));
  gst_structure_free(params);
  fail_unless_equals_int(notified.count, 1);
  GstStructure *got = nullptr;
  g_object_get(sender, "parameters", &got, nullptr);
  guint bitrate = 0;
  fail_unless(gst_structure_get_uint(
      gst_value_get_structure(gst_value_array_get_value(gst_structure_get_value(got, "encodings"), 0)),
      "max-bitrate", &bitrate));
  fail_unless_equals_int(bitrate, 500000);
  gst_structure_free(got);

  // Two encodings where there is one: InvalidModificationError.
  params = parameters_from_string(
      "parameters, encodings=(structure)<[encoding, rid=h, active=true], [encoding, rid=l, active=true]>");
  fail_unless(!gst_rtc_rtp_sender_set_parameters(sender, params, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_MODIFICATION));
  g_clear_error(&error);
  // The implementation may change the layout (simulcast negotiated).
  fail_unless(gst_rtc_rtp_sender_replace_parameters(sender, params, &error));
  gst_structure_free(params);
  fail_unless_equals_int(notified.count, 2);

  // Changing a rid is refused; scaling below 1.0 is a RangeError.
  params = parameters_from_string(
      "parameters, encodings=(structure)<[encoding, rid=h, active=true], [encoding, rid=x, active=true]>");
  fail_unless(!gst_rtc_rtp_sender_set_parameters(sender, params, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_MODIFICATION));
  g_clear_error(&error);
  gst_structure_free(params);
  params = parameters_from_string(
      "parameters, encodings=(structure)<[encoding, rid=h, active=true], "
      "[encoding, rid=l, active=false, scale-resolution-down-by=0.5]>");
  fail_unless(!gst_rtc_rtp_sender_set_parameters(sender, params, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE));
  g_clear_error(&error);
  gst_structure_free(params);
  // Through the property an invalid value is ignored, not applied.
  params = parameters_from_string("parameters, encodings=(string)nope");
  g_object_set(sender, "parameters", params, nullptr);
  gst_structure_free(params);
  fail_unless_equals_int(notified.count, 2);
  gst_object_unref(sender);
}
GST_END_TEST;

GST_START_TEST(test_transports) {
  auto *ice = static_cast<GstRtcIceTransport *>(
      g_object_new(GST_RTC_TYPE_ICE_TRANSPORT, "component", GST_RTC_ICE_COMPONENT_RTCP, nullptr));
  gst_object_ref_sink(ice);
  fail_unless_equals_int(gst_rtc_ice_transport_get_component(ice), GST_RTC_ICE_COMPONENT_RTCP);
  fail_unless_equals_int(gst_rtc_ice_transport_get_state(ice), GST_RTC_ICE_TRANSPORT_STATE_NEW);
  // No ICE implementation in the base class: it says so.
  GError *error = nullptr;
  fail_unless(!gst_rtc_ice_transport_gather_candidates(ice, &error));
  fail_unless(g_error_matches(error, GST_RTC_ERROR, GST_RTC_ERROR_NOT_SUPPORTED));
  g_clear_error(&error);

  Counter pair_changed;
  g_signal_connect(ice, "on-selected-candidate-pair-change", G_CALLBACK(Counter::on_signal), &pair_changed);
  GstStructure *pair =
      gst_structure_new("candidate-pair", "local", G_TYPE_STRING, "candidate:1 1 udp 1 127.0.0.1 1 typ host",
                        "remote", G_TYPE_STRING, "candidate:2 1 udp 1 127.0.0.1 2 typ host", nullptr);
  gst_rtc_ice_transport_set_selected_candidate_pair(ice, pair);
  gst_rtc_ice_transport_set_selected_candidate_pair(ice, pair);
  fail_unless_equals_int(pair_changed.count, 1);
  GstStructure *got = nullptr;
  g_object_get(ice, "selected-candidate-pair", &got, nullptr);
  fail_unless(gst_structure_is_equal(got, pair));
  gst_structure_free(got);
  gst_structure_free(pair);

  // DTLS: on-error comes before the failed state (W3C order).
  auto *dtls = static_cast<GstRtcDtlsTransport *>(
      g_object_new(GST_RTC_TYPE_DTLS_TRANSPORT, "ice-transport", ice, nullptr));
  gst_object_ref_sink(dtls);
  GstRtcIceTransport *got_ice = gst_rtc_dtls_transport_get_ice_transport(dtls);
  fail_unless(got_ice == ice);
  gst_object_unref(got_ice);
  ErrorRecorder rec;
  g_signal_connect(dtls, "on-error", G_CALLBACK(ErrorRecorder::on_error), &rec);
  GError *fp = g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_FINGERPRINT_FAILURE, "fingerprint mismatch");
  gst_rtc_dtls_transport_report_error(dtls, fp);
  g_error_free(fp);
  fail_unless_equals_int(rec.errors.size(), 1);
  fail_unless_equals_int(rec.errors[0].first, GST_RTC_ERROR_FINGERPRINT_FAILURE);
  fail_unless_equals_int(gst_rtc_dtls_transport_get_state(dtls), GST_RTC_DTLS_TRANSPORT_STATE_FAILED);

  // SCTP: defaults and the transport it runs over.
  auto *sctp = static_cast<GstRtcSctpTransport *>(
      g_object_new(GST_RTC_TYPE_SCTP_TRANSPORT, "transport", dtls, nullptr));
  gst_object_ref_sink(sctp);
  guint64 max_message_size = 0;
  guint max_channels = 1;
  GstRtcSctpTransportState state;
  g_object_get(sctp, "max-message-size", &max_message_size, "max-channels", &max_channels, "state", &state,
               nullptr);
  fail_unless_equals_uint64(max_message_size, 65536);
  fail_unless_equals_int(max_channels, 0);
  fail_unless_equals_int(state, GST_RTC_SCTP_TRANSPORT_STATE_CONNECTING);
  GstRtcDtlsTransport *got_dtls = gst_rtc_sctp_transport_get_transport(sctp);
  fail_unless(got_dtls == dtls);
  gst_object_unref(got_dtls);

  gst_object_unref(sctp);
  gst_object_unref(dtls);
  gst_object_unref(ice);
}
GST_END_TEST;

GST_START_TEST(test_gtype_names_beside_webrtcbin) {
  const GType ours[] = {
      GST_RTC_TYPE_SESSION_DESCRIPTION, GST_RTC_TYPE_RTP_TRANSCEIVER,
      GST_RTC_TYPE_RTP_SENDER,          GST_RTC_TYPE_RTP_RECEIVER,
      GST_RTC_TYPE_DTLS_TRANSPORT,      GST_RTC_TYPE_ICE_TRANSPORT,
      GST_RTC_TYPE_SCTP_TRANSPORT,      GST_RTC_TYPE_DATA_CHANNEL,
      GST_RTC_TYPE_DTMF_SENDER,         GST_RTC_TYPE_SDP_TYPE,
      GST_RTC_TYPE_SIGNALING_STATE,     GST_RTC_TYPE_ERROR,
  };
  for (GType t : ours) fail_unless(g_str_has_prefix(g_type_name(t), "GstRtc"), "%s", g_type_name(t));

  // Load gst-plugins-bad's libgstwebrtc into this process when it is
  // installed: both sets of types must register side by side.
  GModule *webrtc = g_module_open("libgstwebrtc-1.0.so.0", G_MODULE_BIND_LOCAL);
  if (!webrtc) {
    GST_INFO("libgstwebrtc-1.0 not installed: %s", g_module_error());
    return;
  }
  gpointer sym = nullptr;
  fail_unless(g_module_symbol(webrtc, "gst_webrtc_data_channel_get_type", &sym));
  GType theirs = reinterpret_cast<GType (*)()>(sym)();
  fail_unless(theirs != 0);
  fail_unless_equals_int(g_type_from_name("GstWebRTCDataChannel"), theirs);
  fail_unless(theirs != GST_RTC_TYPE_DATA_CHANNEL);
  fail_unless(!g_type_is_a(GST_RTC_TYPE_DATA_CHANNEL, theirs));
  fail_unless_equals_int(g_type_from_name("GstRtcDataChannel"), GST_RTC_TYPE_DATA_CHANNEL);
  fail_unless(g_module_symbol(webrtc, "gst_webrtc_session_description_get_type", &sym));
  fail_unless(reinterpret_cast<GType (*)()>(sym)() != GST_RTC_TYPE_SESSION_DESCRIPTION);
  g_module_close(webrtc);
}
GST_END_TEST;

static Suite *rtclib_suite(void) {
  Suite *s = suite_create("rtclib");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_error_domain);
  tcase_add_test(tc, test_error_enum_registered);
  tcase_add_test(tc, test_enum_sdp_type);
  tcase_add_test(tc, test_enum_signaling_state);
  tcase_add_test(tc, test_enum_connection_states);
  tcase_add_test(tc, test_enum_policies);
  tcase_add_test(tc, test_enum_transceiver_direction);
  tcase_add_test(tc, test_enum_transport_states);
  tcase_add_test(tc, test_enum_misc);
  tcase_add_test(tc, test_session_description_new_copy_free);
  tcase_add_test(tc, test_session_description_chrome_offer);
  tcase_add_test(tc, test_session_description_lf_round_trip);
  tcase_add_test(tc, test_session_description_syntax_error_line);
  tcase_add_test(tc, test_session_description_rollback);
  tcase_add_test(tc, test_session_description_type_errors);
  tcase_add_test(tc, test_transceiver_defaults);
  tcase_add_test(tc, test_transceiver_direction_notify);
  tcase_add_test(tc, test_transceiver_stop);
  tcase_add_test(tc, test_data_channel_defaults);
  tcase_add_test(tc, test_data_channel_base_send_not_supported);
  tcase_add_test(tc, test_data_channel_subclass_send_and_state);
  tcase_add_test(tc, test_data_channel_local_close);
  tcase_add_test(tc, test_data_channel_buffered_amount_low);
  tcase_add_test(tc, test_dtmf_base_cannot_insert);
  tcase_add_test(tc, test_dtmf_validation_and_playout);
  tcase_add_test(tc, test_rtp_sender_parameters);
  tcase_add_test(tc, test_transports);
  tcase_add_test(tc, test_gtype_names_beside_webrtcbin);
  return s;
}

GST_CHECK_MAIN(rtclib);
