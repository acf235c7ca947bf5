/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcsctpdec
 * @title: rtcsctpdec
 * @see_also: rtcsctpenc, rtcdtlssrtpdec
 *
 * The receiving half of one SCTP association for WebRTC data channels: it
 * takes the peer's SCTP packets (one per buffer, e.g. from rtcdtlssrtpdec's
 * data source pad) and feeds them to the association of the rtcsctpenc with
 * the same #GstRtcSctpDec:sctp-association-id. Received messages come out as
 * #GstRtcDataChannel signals, not on pads, emitted from this element's
 * streaming thread.
 *
 * Packets arriving before the rtcsctpenc started the association (the peer
 * was faster) are kept (up to 16) and fed when it starts. Malformed packets
 * are dropped by the SCTP stack like corrupted ones on a wire.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcsctpdec.h"

#include <gst/rtc/rtc.h>

#include <mutex>

#include "sctp-session.h"

using gst_rtc::sctp::Session;

GST_DEBUG_CATEGORY_STATIC(gst_rtc_sctp_dec_debug);
#define GST_CAT_DEFAULT gst_rtc_sctp_dec_debug

namespace {

constexpr guint kDefaultAssociationId = 1;
constexpr guint kDefaultPort = 5000;

enum { PROP_0, PROP_ASSOCIATION_ID, PROP_LOCAL_PORT, PROP_TRANSPORT };

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-sctp"));

}  // namespace

struct SctpDecPrivate {
  std::mutex lock;
  guint association_id = kDefaultAssociationId;
  guint local_port = kDefaultPort;
  bool local_port_set = false;
  std::shared_ptr<Session> session;
};

struct _GstRtcSctpDec {
  GstElement parent;
  GstPad *sinkpad;
  SctpDecPrivate *priv;
};

G_DEFINE_TYPE(GstRtcSctpDec, gst_rtc_sctp_dec, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE(rtcsctpdec, "rtcsctpdec", GST_RANK_NONE, GST_TYPE_RTC_SCTP_DEC)

static std::shared_ptr<Session> session_of(GstRtcSctpDec *self) {
  std::lock_guard lock(self->priv->lock);
  if (!self->priv->session) {
    self->priv->session = Session::acquire(self->priv->association_id);
    if (self->priv->local_port_set)
      self->priv->session->set_decoder_local_port(static_cast<int>(self->priv->local_port));
  }
  return self->priv->session;
}

static void feed(Session &session, GstBuffer *buffer) {
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return;
  session.feed(map.data, map.size);
  gst_buffer_unmap(buffer, &map);
}

static GstFlowReturn gst_rtc_sctp_dec_chain(GstPad *pad, GstObject *parent, GstBuffer *buffer) {
  auto *self = GST_RTC_SCTP_DEC(parent);
  auto session = session_of(self);
  feed(*session, buffer);
  gst_buffer_unref(buffer);
  // Messages, opens and closes this packet caused, emitted here: no engine
  // lock is held, so handlers may send or close.
  session->dispatch();
  return GST_FLOW_OK;
}

static GstFlowReturn gst_rtc_sctp_dec_chain_list(GstPad *pad, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_SCTP_DEC(parent);
  auto session = session_of(self);
  const guint n = gst_buffer_list_length(list);
  {
    // What the whole list causes goes out in one push.
    Session::OutputBatch batch(*session);
    for (guint i = 0; i < n; i++) feed(*session, gst_buffer_list_get(list, i));
  }
  gst_buffer_list_unref(list);
  session->dispatch();
  return GST_FLOW_OK;
}

static gboolean gst_rtc_sctp_dec_sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_SCTP_DEC(parent);
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_EOS:
      // No source pad to forward it to: as a sink, tell the pipeline.
      gst_element_post_message(GST_ELEMENT(self), gst_message_new_eos(GST_OBJECT(self)));
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_CAPS:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_SEGMENT:
      gst_event_unref(event);
      return TRUE;
    default:
      return gst_pad_event_default(pad, parent, event);
  }
}

static GstStateChangeReturn gst_rtc_sctp_dec_change_state(GstElement *element, GstStateChange transition) {
  auto *self = GST_RTC_SCTP_DEC(element);
  auto session = session_of(self);
  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !session->attach_decoder(element)) {
    GST_ELEMENT_ERROR(self, RESOURCE, BUSY, (nullptr),
                      ("another rtcsctpdec uses sctp-association-id %u", session->association_id()));
    return GST_STATE_CHANGE_FAILURE;
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_rtc_sctp_dec_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL) session->detach_decoder(element);
  return ret;
}

static void gst_rtc_sctp_dec_set_property(GObject *object, guint prop_id, const GValue *value,
                                          GParamSpec *pspec) {
  auto *self = GST_RTC_SCTP_DEC(object);
  SctpDecPrivate *priv = self->priv;
  std::shared_ptr<Session> released;
  std::lock_guard lock(priv->lock);
  switch (prop_id) {
    case PROP_ASSOCIATION_ID:
      if (priv->association_id != g_value_get_uint(value)) {
        if (GST_STATE(self) > GST_STATE_NULL) {
          GST_WARNING_OBJECT(self, "sctp-association-id can only change in the NULL state");
          break;
        }
        priv->association_id = g_value_get_uint(value);
        released = std::move(priv->session);
        priv->session.reset();
      }
      break;
    case PROP_LOCAL_PORT:
      priv->local_port = g_value_get_uint(value);
      priv->local_port_set = true;
      if (priv->session) priv->session->set_decoder_local_port(static_cast<int>(priv->local_port));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_rtc_sctp_dec_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_SCTP_DEC(object);
  if (prop_id == PROP_TRANSPORT) {
    g_value_set_object(value, session_of(self)->transport());
    return;
  }
  std::lock_guard lock(self->priv->lock);
  switch (prop_id) {
    case PROP_ASSOCIATION_ID:
      g_value_set_uint(value, self->priv->association_id);
      break;
    case PROP_LOCAL_PORT:
      g_value_set_uint(value, self->priv->local_port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_rtc_sctp_dec_init(GstRtcSctpDec *self) {
  self->priv = new SctpDecPrivate();
  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, gst_rtc_sctp_dec_chain);
  gst_pad_set_chain_list_function(self->sinkpad, gst_rtc_sctp_dec_chain_list);
  gst_pad_set_event_function(self->sinkpad, gst_rtc_sctp_dec_sink_event);
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);
  GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SINK);
}

static void gst_rtc_sctp_dec_finalize(GObject *object) {
  delete GST_RTC_SCTP_DEC(object)->priv;
  G_OBJECT_CLASS(gst_rtc_sctp_dec_parent_class)->finalize(object);
}

static void gst_rtc_sctp_dec_class_init(GstRtcSctpDecClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_sctp_dec_debug, "rtcsctpdec", 0, "WebRTC SCTP association, receiving half");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->finalize = gst_rtc_sctp_dec_finalize;
  gobject_class->set_property = gst_rtc_sctp_dec_set_property;
  gobject_class->get_property = gst_rtc_sctp_dec_get_property;
  element_class->change_state = gst_rtc_sctp_dec_change_state;

  /**
   * GstRtcSctpDec:sctp-association-id:
   *
   * The association this element receives for: the rtcsctpenc with the same
   * id owns it.
   */
  g_object_class_install_property(
      gobject_class, PROP_ASSOCIATION_ID,
      g_param_spec_uint("sctp-association-id", "SCTP association id",
                        "Pairs this element with the rtcsctpenc of the same id (set in NULL state)", 0,
                        G_MAXUINT, kDefaultAssociationId,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcSctpDec:local-sctp-port:
   *
   * Our SCTP port, as rtcsctpenc's #GstRtcSctpEnc:local-sctp-port; when
   * set here it wins over the encoder's (gst-plugins-bad's sctpdec has it
   * on the decoder).
   */
  g_object_class_install_property(
      gobject_class, PROP_LOCAL_PORT,
      g_param_spec_uint("local-sctp-port", "Local SCTP port",
                        "Our SCTP port; when set, wins over rtcsctpenc's local-sctp-port", 0, 65535,
                        kDefaultPort,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  /**
   * GstRtcSctpDec:transport:
   *
   * The association as a #GstRtcSctpTransport (the same object as the
   * paired rtcsctpenc's #GstRtcSctpEnc:transport).
   */
  g_object_class_install_property(
      gobject_class, PROP_TRANSPORT,
      g_param_spec_object("transport", "Transport", "The association as a GstRtcSctpTransport",
                          GST_RTC_TYPE_SCTP_TRANSPORT,
                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_set_static_metadata(
      element_class, "WebRTC SCTP decoder", "Decoder/Network/WebRTC",
      "Data channels over one SCTP association: takes the peer's SCTP packets", "gst-rtc");
}
