/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_SRTP_DEC (gst_rtc_srtp_dec_get_type())
G_DECLARE_FINAL_TYPE(GstRtcSrtpDec, gst_rtc_srtp_dec, GST, RTC_SRTP_DEC, GstElement)

GST_ELEMENT_REGISTER_DECLARE(rtcsrtpdec);

G_END_DECLS
