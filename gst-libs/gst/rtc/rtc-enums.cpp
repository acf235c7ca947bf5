/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/rtc-enums.h>

#include <gst/rtc/jsep/jsep.h>
#include <gst/rtc/rtc-enumtypes.h>

namespace jsep = gst_rtc::jsep;

// Enums whose values cross between the JSEP core and GObject by a cast.
static_assert(int(jsep::SignalingState::Stable) == GST_RTC_SIGNALING_STATE_STABLE);
static_assert(int(jsep::SignalingState::HaveLocalOffer) == GST_RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER);
static_assert(int(jsep::SignalingState::HaveRemoteOffer) == GST_RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
static_assert(int(jsep::SignalingState::HaveLocalPrAnswer) == GST_RTC_SIGNALING_STATE_HAVE_LOCAL_PRANSWER);
static_assert(int(jsep::SignalingState::HaveRemotePrAnswer) == GST_RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER);
static_assert(int(jsep::SignalingState::Closed) == GST_RTC_SIGNALING_STATE_CLOSED);
static_assert(int(jsep::BundlePolicy::Balanced) == GST_RTC_BUNDLE_POLICY_BALANCED);
static_assert(int(jsep::BundlePolicy::MaxCompat) == GST_RTC_BUNDLE_POLICY_MAX_COMPAT);
static_assert(int(jsep::BundlePolicy::MaxBundle) == GST_RTC_BUNDLE_POLICY_MAX_BUNDLE);
// SdpType and Direction are offset by one (GstRtc keeps 0 for "none").
static_assert(int(jsep::SdpType::Offer) + 1 == GST_RTC_SDP_TYPE_OFFER);
static_assert(int(jsep::SdpType::Rollback) + 1 == GST_RTC_SDP_TYPE_ROLLBACK);
static_assert(int(jsep::Direction::SendRecv) + 1 == GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV);
static_assert(int(jsep::Direction::Inactive) + 1 == GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE);

/**
 * gst_rtc_sdp_type_to_string:
 * @type: a #GstRtcSdpType
 *
 * The W3C name of @type: "offer", "pranswer", "answer" or "rollback".
 *
 * Returns: (nullable): a static string, or %NULL for a value outside the enum
 */
const gchar *gst_rtc_sdp_type_to_string(GstRtcSdpType type) {
  return gst_rtc_enum_to_string(GST_RTC_TYPE_SDP_TYPE, type);
}

/**
 * gst_rtc_enum_to_string:
 * @enum_type: a #GType of one of the gst-rtc (or any registered) enums
 * @value: a value of @enum_type
 *
 * The nick of @value, which for the gst-rtc enums is the W3C string, e.g.
 * `gst_rtc_enum_to_string (GST_RTC_TYPE_SIGNALING_STATE,
 * GST_RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER)` is "have-local-offer".
 *
 * Returns: (nullable): a static string, or %NULL when @value is not in the enum
 */
const gchar *gst_rtc_enum_to_string(GType enum_type, gint value) {
  g_return_val_if_fail(G_TYPE_IS_ENUM(enum_type), nullptr);
  auto *klass = static_cast<GEnumClass *>(g_type_class_ref(enum_type));
  const GEnumValue *v = g_enum_get_value(klass, value);
  const gchar *nick = v ? v->value_nick : nullptr;
  // Enum classes are never finalized once referenced, so the nick stays valid.
  g_type_class_unref(klass);
  return nick;
}
