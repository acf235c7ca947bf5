/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_DTLS_SRTP_ENC (gst_rtc_dtls_srtp_enc_get_type())
G_DECLARE_FINAL_TYPE(GstRtcDtlsSrtpEnc, gst_rtc_dtls_srtp_enc, GST_RTC, DTLS_SRTP_ENC, GstElement)

GST_ELEMENT_REGISTER_DECLARE(rtcdtlssrtpenc);

G_END_DECLS
