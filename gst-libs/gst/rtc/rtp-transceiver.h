/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-prelude.h>
#include <gst/rtc/rtp-receiver.h>
#include <gst/rtc/rtp-sender.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_RTP_TRANSCEIVER (gst_rtc_rtp_transceiver_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcRtpTransceiver, gst_rtc_rtp_transceiver, GST_RTC, RTP_TRANSCEIVER, GstObject)

/**
 * GstRtcRtpTransceiverClass:
 * @parent_class: the parent class
 * @stop: class handler of #GstRtcRtpTransceiver::stop. The default marks the
 *   transceiver stopped (direction "stopped", #GstRtcRtpTransceiver:stopped
 *   %TRUE); implementations chain up and then renegotiate.
 *
 * The class of #GstRtcRtpTransceiver.
 */
struct _GstRtcRtpTransceiverClass {
  GstObjectClass parent_class;

  void (*stop)(GstRtcRtpTransceiver *transceiver);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

/**
 * GST_RTC_RTP_TRANSCEIVER_MLINE_NONE:
 *
 * The #GstRtcRtpTransceiver:mlineindex of a transceiver that is not
 * associated with an m-line (yet).
 */
#define GST_RTC_RTP_TRANSCEIVER_MLINE_NONE G_MAXUINT

GST_RTC_API
gchar *gst_rtc_rtp_transceiver_get_mid(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
guint gst_rtc_rtp_transceiver_get_mlineindex(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
gchar *gst_rtc_rtp_transceiver_get_kind(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
GstRtcRtpTransceiverDirection gst_rtc_rtp_transceiver_get_direction(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
gboolean gst_rtc_rtp_transceiver_set_direction(GstRtcRtpTransceiver *transceiver,
                                               GstRtcRtpTransceiverDirection direction, GError **error);

GST_RTC_API
GstRtcRtpTransceiverDirection gst_rtc_rtp_transceiver_get_current_direction(
    GstRtcRtpTransceiver *transceiver);

GST_RTC_API
GstCaps *gst_rtc_rtp_transceiver_get_codec_preferences(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
void gst_rtc_rtp_transceiver_set_codec_preferences(GstRtcRtpTransceiver *transceiver, GstCaps *caps);

GST_RTC_API
GstRtcRtpSender *gst_rtc_rtp_transceiver_get_sender(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
GstRtcRtpReceiver *gst_rtc_rtp_transceiver_get_receiver(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
gboolean gst_rtc_rtp_transceiver_get_stopped(GstRtcRtpTransceiver *transceiver);

GST_RTC_API
void gst_rtc_rtp_transceiver_stop(GstRtcRtpTransceiver *transceiver);

/* For implementations (rtcpeerbin). */

GST_RTC_API
void gst_rtc_rtp_transceiver_set_mid(GstRtcRtpTransceiver *transceiver, const gchar *mid);

GST_RTC_API
void gst_rtc_rtp_transceiver_set_mlineindex(GstRtcRtpTransceiver *transceiver, guint mlineindex);

GST_RTC_API
void gst_rtc_rtp_transceiver_set_kind(GstRtcRtpTransceiver *transceiver, const gchar *kind);

GST_RTC_API
void gst_rtc_rtp_transceiver_set_current_direction(GstRtcRtpTransceiver *transceiver,
                                                   GstRtcRtpTransceiverDirection direction);

G_END_DECLS
