/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_SCTP_DEC (gst_rtc_sctp_dec_get_type())
G_DECLARE_FINAL_TYPE(GstRtcSctpDec, gst_rtc_sctp_dec, GST, RTC_SCTP_DEC, GstElement)

GST_ELEMENT_REGISTER_DECLARE(rtcsctpdec);

G_END_DECLS
