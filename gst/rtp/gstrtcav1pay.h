/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The AV1 payloader rtcpay uses inside (GStreamer 1.22 has no rtpav1pay).
 * A GType of ours, not a registered element factory.
 */
#pragma once

#include <gst/rtp/rtp.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_AV1_PAY (gst_rtc_av1_pay_get_type())
G_DECLARE_FINAL_TYPE(GstRtcAv1Pay, gst_rtc_av1_pay, GST, RTC_AV1_PAY, GstRTPBasePayload)

#define GST_TYPE_RTC_AV1_DEPAY (gst_rtc_av1_depay_get_type())
G_DECLARE_FINAL_TYPE(GstRtcAv1Depay, gst_rtc_av1_depay, GST, RTC_AV1_DEPAY, GstRTPBaseDepayload)

G_END_DECLS
