/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcicesink
 * @title: rtcicesink
 *
 * The send half of an ICE transport: every buffer is one datagram (one
 * RFC 4571 frame on ICE-TCP) sent on the selected candidate pair; buffer
 * lists go out with one libnice call. Before the transport is connected
 * (and after it failed) buffers are dropped and counted in
 * #GstRtcIceSink:dropped, never queued or waited on: a real-time stream
 * wants fresh data once the path is up. Shares its transport with an
 * rtcicesrc through #GstRtcIceSink:transport or #GstRtcIceSink:transport-id.
 * Not synchronised to the clock by default (sync=false).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcicesink.h"

#include <gst/rtc/rtc-enumtypes.h>

#include <atomic>

#include "gstrtcnicetransport.h"
#include "transport-slot.h"

GST_DEBUG_CATEGORY_STATIC(gst_rtc_ice_sink_debug);
#define GST_CAT_DEFAULT gst_rtc_ice_sink_debug

using gst_rtc::ice::TransportSlot;

namespace {

enum { PROP_0, PROP_TRANSPORT, PROP_TRANSPORT_ID, PROP_SENT, PROP_DROPPED, N_PROPS };
GParamSpec *props[N_PROPS];

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

}  // namespace

struct GstRtcIceSinkPrivate {
  TransportSlot slot;
  GstRtcNiceTransport *active = nullptr;  // while started; streaming thread only
  std::atomic<guint64> sent{0};
  std::atomic<guint64> dropped{0};
};

struct _GstRtcIceSink {
  GstBaseSink parent;
  GstRtcIceSinkPrivate *priv;
};

static void gst_rtc_ice_sink_child_proxy_init(gpointer g_iface, gpointer);

G_DEFINE_TYPE_WITH_CODE(GstRtcIceSink, gst_rtc_ice_sink, GST_TYPE_BASE_SINK,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, gst_rtc_ice_sink_child_proxy_init))
GST_ELEMENT_REGISTER_DEFINE(rtcicesink, "rtcicesink", GST_RANK_NONE, GST_RTC_TYPE_ICE_SINK)

static GObject *child_by_name(GstChildProxy *proxy, const gchar *name) {
  if (g_strcmp0(name, "transport") != 0) return nullptr;
  return G_OBJECT(GST_RTC_ICE_SINK(proxy)->priv->slot.get_or_create());
}

static GObject *child_by_index(GstChildProxy *proxy, guint index) {
  return index == 0 ? child_by_name(proxy, "transport") : nullptr;
}

static guint children_count(GstChildProxy *) {
  return 1;
}

static void gst_rtc_ice_sink_child_proxy_init(gpointer g_iface, gpointer) {
  auto *iface = static_cast<GstChildProxyInterface *>(g_iface);
  iface->get_child_by_name = child_by_name;
  iface->get_child_by_index = child_by_index;
  iface->get_children_count = children_count;
}

static gboolean gst_rtc_ice_sink_start(GstBaseSink *base) {
  auto *self = GST_RTC_ICE_SINK(base);
  GstRtcNiceTransport *t = self->priv->slot.get_or_create();
  GError *err = nullptr;
  if (!gst_rtc_nice_transport_start(t, &err)) {
    gst_rtc::ice::post_error(GST_ELEMENT(self), err);
    g_error_free(err);
    gst_object_unref(t);
    return FALSE;
  }
  self->priv->active = t;
  return TRUE;
}

static gboolean gst_rtc_ice_sink_stop(GstBaseSink *base) {
  auto *self = GST_RTC_ICE_SINK(base);
  if (self->priv->active) gst_object_unref(self->priv->active);
  self->priv->active = nullptr;
  return TRUE;
}

static void account(GstRtcIceSink *self, guint sent, guint dropped) {
  self->priv->sent += sent;
  if (dropped == 0) return;
  guint64 before = self->priv->dropped.fetch_add(dropped);
  // One line per hundred drops: before connection this is every buffer.
  if (before / 100 != (before + dropped) / 100 || before == 0)
    GST_DEBUG_OBJECT(
        self, "dropped %" G_GUINT64_FORMAT " datagrams so far (transport %s)", before + dropped,
        gst_rtc_enum_to_string(GST_RTC_TYPE_ICE_TRANSPORT_STATE,
                               gst_rtc_ice_transport_get_state(GST_RTC_ICE_TRANSPORT(self->priv->active))));
}

static GstFlowReturn gst_rtc_ice_sink_render(GstBaseSink *base, GstBuffer *buffer) {
  auto *self = GST_RTC_ICE_SINK(base);
  if (!self->priv->active) return GST_FLOW_FLUSHING;
  guint dropped = 0;
  guint sent = gst_rtc_nice_transport_send(self->priv->active, buffer, &dropped);
  account(self, sent, dropped);
  return GST_FLOW_OK;
}

static GstFlowReturn gst_rtc_ice_sink_render_list(GstBaseSink *base, GstBufferList *list) {
  auto *self = GST_RTC_ICE_SINK(base);
  if (!self->priv->active) return GST_FLOW_FLUSHING;
  guint dropped = 0;
  guint sent = gst_rtc_nice_transport_send_list(self->priv->active, list, &dropped);
  account(self, sent, dropped);
  return GST_FLOW_OK;
}

static void gst_rtc_ice_sink_init(GstRtcIceSink *self) {
  self->priv = new GstRtcIceSinkPrivate();
  gst_base_sink_set_sync(GST_BASE_SINK(self), FALSE);
  // A network sink has nothing to preroll: waiting for a first buffer would
  // hold DTLS handshake flights pushed while the pipeline is still PAUSED.
  gst_base_sink_set_async_enabled(GST_BASE_SINK(self), FALSE);
}

static void gst_rtc_ice_sink_finalize(GObject *object) {
  auto *self = GST_RTC_ICE_SINK(object);
  if (self->priv->active) gst_object_unref(self->priv->active);
  delete self->priv;
  G_OBJECT_CLASS(gst_rtc_ice_sink_parent_class)->finalize(object);
}

static void gst_rtc_ice_sink_set_property(GObject *object, guint prop_id, const GValue *value,
                                          GParamSpec *pspec) {
  auto *self = GST_RTC_ICE_SINK(object);
  switch (prop_id) {
    case PROP_TRANSPORT:
    case PROP_TRANSPORT_ID:
      if (const char *why = gst_rtc::ice::set_slot_property(GST_ELEMENT(self), self->priv->slot,
                                                            prop_id == PROP_TRANSPORT_ID, value))
        GST_WARNING_OBJECT(self, "%s %s", pspec->name, why);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_ice_sink_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_ICE_SINK(object);
  switch (prop_id) {
    case PROP_TRANSPORT:
    case PROP_TRANSPORT_ID:
      gst_rtc::ice::get_slot_property(self->priv->slot, prop_id == PROP_TRANSPORT_ID, value);
      break;
    case PROP_SENT:
      g_value_set_uint64(value, self->priv->sent.load());
      break;
    case PROP_DROPPED:
      g_value_set_uint64(value, self->priv->dropped.load());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_ice_sink_class_init(GstRtcIceSinkClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_ice_sink_debug, "rtcicesink", 0, "gst-rtc ICE send element");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS(klass);
  gobject_class->finalize = gst_rtc_ice_sink_finalize;
  gobject_class->set_property = gst_rtc_ice_sink_set_property;
  gobject_class->get_property = gst_rtc_ice_sink_get_property;
  basesink_class->start = gst_rtc_ice_sink_start;
  basesink_class->stop = gst_rtc_ice_sink_stop;
  basesink_class->render = gst_rtc_ice_sink_render;
  basesink_class->render_list = gst_rtc_ice_sink_render_list;

  /**
   * GstRtcIceSink:transport:
   *
   * The ICE transport to send on (a GstRtcNiceTransport of this plugin).
   * Reading it when none is set creates one (shared under
   * #GstRtcIceSink:transport-id when that is set). Set in the NULL state.
   */
  props[PROP_TRANSPORT] = g_param_spec_object(
      "transport", "Transport",
      "The ICE transport to send on (GstRtcNiceTransport); reading it creates one if none. Set in NULL state",
      GST_RTC_TYPE_ICE_TRANSPORT, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstRtcIceSink:transport-id:
   *
   * Elements of one process with the same id share one transport. Set in
   * the NULL state, before `transport::` children.
   */
  props[PROP_TRANSPORT_ID] = g_param_spec_string(
      "transport-id", "Transport id",
      "Elements with the same id share one transport. Set in NULL state, before transport:: properties",
      nullptr, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstRtcIceSink:sent:
   *
   * Datagrams handed to the socket.
   */
  props[PROP_SENT] = g_param_spec_uint64("sent", "Sent", "Datagrams handed to the socket", 0, G_MAXUINT64, 0,
                                         GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * GstRtcIceSink:dropped:
   *
   * Datagrams dropped: no connected pair yet (or any more), or the socket
   * refused them.
   */
  props[PROP_DROPPED] = g_param_spec_uint64(
      "dropped", "Dropped", "Datagrams dropped (not connected, or the socket refused them)", 0, G_MAXUINT64,
      0, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_set_static_metadata(element_class, "ICE sink", "Sink/Network/WebRTC",
                                        "Sends datagrams on an ICE transport (libnice)",
                                        "gst-rtc <gst-rtc@example.invalid>");
}
