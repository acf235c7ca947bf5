/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sctp-data-channel.h"

#include "sctp-session.h"

using gst_rtc::sctp::Session;

GST_DEBUG_CATEGORY_STATIC(gst_rtc_sctp_data_channel_debug);
#define GST_CAT_DEFAULT gst_rtc_sctp_data_channel_debug

/**
 * GstRtcSctpDataChannel:
 *
 * The #GstRtcDataChannel of the rtcsctp plugin: rtcsctpenc's
 * `create-data-channel` returns one and its `on-data-channel` announces
 * those the peer opened. Messages travel on one SCTP stream of the
 * association the channel was created on; once that association is gone
 * the channel is closed and sending fails with %GST_RTC_ERROR_INVALID_STATE.
 */
struct _GstRtcSctpDataChannel {
  GstRtcDataChannel parent;
  struct SctpDataChannelPrivate *priv;
};

struct SctpDataChannelPrivate {
  // Weak: the channel may outlive the elements and their association.
  std::weak_ptr<Session> session;
};

G_DEFINE_TYPE(GstRtcSctpDataChannel, gst_rtc_sctp_data_channel, GST_RTC_TYPE_DATA_CHANNEL)

static std::shared_ptr<Session> session_of(GstRtcDataChannel *channel) {
  return GST_RTC_SCTP_DATA_CHANNEL(channel)->priv->session.lock();
}

static gboolean closed_error(GError **error) {
  g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                      "the SCTP association of this data channel is gone");
  return FALSE;
}

static gboolean gst_rtc_sctp_data_channel_send_data(GstRtcDataChannel *channel, GBytes *data,
                                                    GError **error) {
  auto session = session_of(channel);
  if (!session) return closed_error(error);
  gsize size = 0;
  const auto *bytes = static_cast<const uint8_t *>(g_bytes_get_data(data, &size));
  // GBytes are immutable: a message that has to wait keeps a reference.
  return session->send(channel, gst_rtc::sctp::MessageKind::Binary, bytes, size, error, data);
}

static gboolean gst_rtc_sctp_data_channel_send_string(GstRtcDataChannel *channel, const gchar *str,
                                                      GError **error) {
  auto session = session_of(channel);
  if (!session) return closed_error(error);
  return session->send(channel, gst_rtc::sctp::MessageKind::String, reinterpret_cast<const uint8_t *>(str),
                       strlen(str), error);
}

static void gst_rtc_sctp_data_channel_close(GstRtcDataChannel *channel) {
  gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSING);
  if (auto session = session_of(channel))
    session->close(channel);
  else
    gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSED);
}

// The engine fires its low-water callback itself, so it must know the
// threshold as soon as the application changes it.
static void gst_rtc_sctp_data_channel_notify(GObject *object, GParamSpec *pspec) {
  if (g_str_equal(pspec->name, "buffered-amount-low-threshold")) {
    if (auto session = session_of(GST_RTC_DATA_CHANNEL(object)))
      session->threshold_changed(GST_RTC_DATA_CHANNEL(object));
  }
  if (G_OBJECT_CLASS(gst_rtc_sctp_data_channel_parent_class)->notify)
    G_OBJECT_CLASS(gst_rtc_sctp_data_channel_parent_class)->notify(object, pspec);
}

static void gst_rtc_sctp_data_channel_init(GstRtcSctpDataChannel *self) {
  self->priv = new SctpDataChannelPrivate();
}

static void gst_rtc_sctp_data_channel_finalize(GObject *object) {
  delete GST_RTC_SCTP_DATA_CHANNEL(object)->priv;
  G_OBJECT_CLASS(gst_rtc_sctp_data_channel_parent_class)->finalize(object);
}

static void gst_rtc_sctp_data_channel_class_init(GstRtcSctpDataChannelClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_sctp_data_channel_debug, "rtcsctpchannel", 0, "SCTP data channels");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->finalize = gst_rtc_sctp_data_channel_finalize;
  gobject_class->notify = gst_rtc_sctp_data_channel_notify;
  auto *channel_class = GST_RTC_DATA_CHANNEL_CLASS(klass);
  channel_class->send_data = gst_rtc_sctp_data_channel_send_data;
  channel_class->send_string = gst_rtc_sctp_data_channel_send_string;
  channel_class->close = gst_rtc_sctp_data_channel_close;
}

namespace gst_rtc::sctp {

GstRtcDataChannel *new_data_channel(const std::shared_ptr<Session> &session, const ChannelParams &p) {
  auto *self = static_cast<GstRtcSctpDataChannel *>(g_object_new(
      GST_RTC_TYPE_SCTP_DATA_CHANNEL, "label", p.label, "protocol", p.protocol, "ordered", p.ordered,
      "max-packet-lifetime", p.max_packet_lifetime, "max-retransmits", p.max_retransmits, "negotiated",
      p.negotiated, "id", p.id, "priority", p.priority, nullptr));
  self->priv->session = session;
  return GST_RTC_DATA_CHANNEL(self);
}

uint16_t priority_to_wire(GstRtcPriorityType priority) {
  switch (priority) {
    case GST_RTC_PRIORITY_TYPE_VERY_LOW:
      return 128;
    case GST_RTC_PRIORITY_TYPE_MEDIUM:
      return 512;
    case GST_RTC_PRIORITY_TYPE_HIGH:
      return 1024;
    case GST_RTC_PRIORITY_TYPE_LOW:
    default:
      return 256;
  }
}

GstRtcPriorityType priority_from_wire(uint16_t priority) {
  if (priority <= 128) return GST_RTC_PRIORITY_TYPE_VERY_LOW;
  if (priority <= 256) return GST_RTC_PRIORITY_TYPE_LOW;
  if (priority <= 512) return GST_RTC_PRIORITY_TYPE_MEDIUM;
  return GST_RTC_PRIORITY_TYPE_HIGH;
}

}  // namespace gst_rtc::sctp
