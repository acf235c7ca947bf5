/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_DTMF_SENDER (gst_rtc_dtmf_sender_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcDtmfSender, gst_rtc_dtmf_sender, GST_RTC, DTMF_SENDER, GstObject)

/**
 * GstRtcDtmfSenderClass:
 * @parent_class: the parent class
 * @tones_queued: called after gst_rtc_dtmf_sender_insert_dtmf() replaced the
 *   tone buffer with valid tones; the implementation starts playing them
 *   unless it already is, taking each with gst_rtc_dtmf_sender_pop_tone().
 *   Called with the tone buffer possibly empty (an `insert-dtmf` of "" cancels).
 *
 * The class of #GstRtcDtmfSender.
 */
struct _GstRtcDtmfSenderClass {
  GstObjectClass parent_class;

  void (*tones_queued)(GstRtcDtmfSender *sender);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_RTC_API
gboolean gst_rtc_dtmf_sender_insert_dtmf(GstRtcDtmfSender *sender, const gchar *tones, guint duration_ms,
                                         guint inter_tone_gap_ms, GError **error);

GST_RTC_API
gchar *gst_rtc_dtmf_sender_get_tone_buffer(GstRtcDtmfSender *sender);

GST_RTC_API
gboolean gst_rtc_dtmf_sender_get_can_insert_dtmf(GstRtcDtmfSender *sender);

/* For implementations (rtcpeerbin). */

GST_RTC_API
void gst_rtc_dtmf_sender_set_can_insert_dtmf(GstRtcDtmfSender *sender, gboolean can_insert);

GST_RTC_API
gchar gst_rtc_dtmf_sender_pop_tone(GstRtcDtmfSender *sender, guint *duration_ms, guint *inter_tone_gap_ms);

G_END_DECLS
