/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/dtls-transport.h>
#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_RTP_RECEIVER (gst_rtc_rtp_receiver_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcRtpReceiver, gst_rtc_rtp_receiver, GST_RTC, RTP_RECEIVER, GstObject)

/**
 * GstRtcRtpReceiverClass:
 * @parent_class: the parent class
 *
 * The class of #GstRtcRtpReceiver.
 */
struct _GstRtcRtpReceiverClass {
  GstObjectClass parent_class;

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_RTC_API
GstRtcDtlsTransport *gst_rtc_rtp_receiver_get_transport(GstRtcRtpReceiver *receiver);

/* For implementations (rtcpeerbin). */

GST_RTC_API
void gst_rtc_rtp_receiver_set_transport(GstRtcRtpReceiver *receiver, GstRtcDtlsTransport *transport);

G_END_DECLS
