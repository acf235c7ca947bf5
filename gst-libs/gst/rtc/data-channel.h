/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_DATA_CHANNEL (gst_rtc_data_channel_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcDataChannel, gst_rtc_data_channel, GST_RTC, DATA_CHANNEL, GObject)

/**
 * GstRtcDataChannelClass:
 * @parent_class: the parent class
 * @send_data: queue a binary message. Called only while the channel is open,
 *   with @data never %NULL (an empty #GBytes for an empty message). %NULL in
 *   the base class: sending fails with %GST_RTC_ERROR_NOT_SUPPORTED.
 * @send_string: queue a text message (UTF-8, never %NULL). Same rules as
 *   @send_data.
 * @close: class handler of #GstRtcDataChannel::close, called once, while the
 *   channel is connecting or open. The default has no transport to shut down:
 *   it moves the channel to closing and then closed. Implementations set
 *   closing with gst_rtc_data_channel_set_ready_state(), reset the stream and
 *   set closed when that is done.
 *
 * The class of #GstRtcDataChannel. The SCTP plugin implements it.
 */
struct _GstRtcDataChannelClass {
  GObjectClass parent_class;

  gboolean (*send_data)(GstRtcDataChannel *channel, GBytes *data, GError **error);
  gboolean (*send_string)(GstRtcDataChannel *channel, const gchar *str, GError **error);
  void (*close)(GstRtcDataChannel *channel);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_RTC_API
gboolean gst_rtc_data_channel_send_data(GstRtcDataChannel *channel, GBytes *data, GError **error);

GST_RTC_API
gboolean gst_rtc_data_channel_send_string(GstRtcDataChannel *channel, const gchar *str, GError **error);

GST_RTC_API
void gst_rtc_data_channel_close(GstRtcDataChannel *channel);

GST_RTC_API
gchar *gst_rtc_data_channel_get_label(GstRtcDataChannel *channel);

GST_RTC_API
gint gst_rtc_data_channel_get_id(GstRtcDataChannel *channel);

GST_RTC_API
GstRtcDataChannelState gst_rtc_data_channel_get_ready_state(GstRtcDataChannel *channel);

GST_RTC_API
guint64 gst_rtc_data_channel_get_buffered_amount(GstRtcDataChannel *channel);

GST_RTC_API
GstStructure *gst_rtc_data_channel_get_stats(GstRtcDataChannel *channel);

/* For implementations (the SCTP plugin and rtcpeerbin). */

GST_RTC_API
void gst_rtc_data_channel_set_ready_state(GstRtcDataChannel *channel, GstRtcDataChannelState state);

GST_RTC_API
void gst_rtc_data_channel_set_open_quietly(GstRtcDataChannel *channel);

GST_RTC_API
void gst_rtc_data_channel_set_id(GstRtcDataChannel *channel, gint id);

GST_RTC_API
void gst_rtc_data_channel_set_buffered_amount(GstRtcDataChannel *channel, guint64 amount);

GST_RTC_API
void gst_rtc_data_channel_emit_message_data(GstRtcDataChannel *channel, GBytes *data);

GST_RTC_API
void gst_rtc_data_channel_emit_message_string(GstRtcDataChannel *channel, const gchar *str);

GST_RTC_API
void gst_rtc_data_channel_emit_error(GstRtcDataChannel *channel, const GError *error);

G_END_DECLS
