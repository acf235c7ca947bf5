/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_SRTP_ENC (gst_rtc_srtp_enc_get_type())
G_DECLARE_FINAL_TYPE(GstRtcSrtpEnc, gst_rtc_srtp_enc, GST, RTC_SRTP_ENC, GstElement)

GST_ELEMENT_REGISTER_DECLARE(rtcsrtpenc);

G_END_DECLS
