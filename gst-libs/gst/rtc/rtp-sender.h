/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/dtls-transport.h>
#include <gst/rtc/dtmf-sender.h>
#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_RTP_SENDER (gst_rtc_rtp_sender_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcRtpSender, gst_rtc_rtp_sender, GST_RTC, RTP_SENDER, GstObject)

/**
 * GstRtcRtpSenderClass:
 * @parent_class: the parent class
 *
 * The class of #GstRtcRtpSender. Implementations follow
 * `notify::parameters` to apply new encoding parameters.
 */
struct _GstRtcRtpSenderClass {
  GstObjectClass parent_class;

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_RTC_API
GstRtcDtlsTransport *gst_rtc_rtp_sender_get_transport(GstRtcRtpSender *sender);

GST_RTC_API
GstRtcDtmfSender *gst_rtc_rtp_sender_get_dtmf(GstRtcRtpSender *sender);

GST_RTC_API
GstStructure *gst_rtc_rtp_sender_get_parameters(GstRtcRtpSender *sender);

GST_RTC_API
gboolean gst_rtc_rtp_sender_set_parameters(GstRtcRtpSender *sender, const GstStructure *parameters,
                                           GError **error);

/* For implementations (rtcpeerbin). */

GST_RTC_API
void gst_rtc_rtp_sender_set_transport(GstRtcRtpSender *sender, GstRtcDtlsTransport *transport);

GST_RTC_API
void gst_rtc_rtp_sender_set_dtmf(GstRtcRtpSender *sender, GstRtcDtmfSender *dtmf);

GST_RTC_API
gboolean gst_rtc_rtp_sender_replace_parameters(GstRtcRtpSender *sender, const GstStructure *parameters,
                                               GError **error);

G_END_DECLS
