/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_DTLS_SRTP_DEC (gst_rtc_dtls_srtp_dec_get_type())
G_DECLARE_FINAL_TYPE(GstRtcDtlsSrtpDec, gst_rtc_dtls_srtp_dec, GST_RTC, DTLS_SRTP_DEC, GstElement)

GST_ELEMENT_REGISTER_DECLARE(rtcdtlssrtpdec);

G_END_DECLS
