/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcicesrc
 * @title: rtcicesrc
 *
 * The receive half of an ICE transport: a live source that pushes every
 * datagram that arrives on the transport's selected pair as one buffer
 * (several at once as a buffer list). Its transport is shared with an
 * rtcicesink: set #GstRtcIceSrc:transport, or give both elements the same
 * #GstRtcIceSrc:transport-id. Datagrams are taken from the network thread
 * into a queue and pushed from this element's own streaming thread.
 *
 * ## Example (two pipelines on one machine, no signalling: see docs/ice.md)
 * |[
 * gst-launch-1.0 rtcicesrc transport-id=b transport::local-addresses="<127.0.0.1>" \
 *   transport::min-port=50010 transport::max-port=50010 ... ! fakesink dump=true
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcicesrc.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <gst/rtc/rtc-error.h>

#include "gstrtcnicetransport.h"
#include "transport-slot.h"

GST_DEBUG_CATEGORY_STATIC(gst_rtc_ice_src_debug);
#define GST_CAT_DEFAULT gst_rtc_ice_src_debug

using gst_rtc::ice::TransportSlot;

namespace {

// Datagrams handed downstream in one buffer list at most.
constexpr guint kMaxList = 64;

enum { PROP_0, PROP_TRANSPORT, PROP_TRANSPORT_ID, N_PROPS };
GParamSpec *props[N_PROPS];

GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

}  // namespace

struct GstRtcIceSrcPrivate {
  TransportSlot slot;
  // The transport while started (a ref, so the pop below is safe).
  GstRtcNiceTransport *active = nullptr;
  // GstBaseSrc 1.22 unrefs the (NULL) buffer of a submitted list when the
  // create() that returned it finds the source paused on return (a
  // g_critical, then the list is dropped at stop). So lists go out only
  // while PLAYING (`lists_ok`), and leaving PLAYING first waits until the
  // list in flight, if any, passed GstBaseSrc's check (get_times() is
  // called after it).
  std::mutex list_lock;
  std::condition_variable list_cv;
  bool lists_ok = false;
  bool list_in_flight = false;
};

struct _GstRtcIceSrc {
  GstBaseSrc parent;
  GstRtcIceSrcPrivate *priv;
};

static void gst_rtc_ice_src_child_proxy_init(gpointer g_iface, gpointer);

G_DEFINE_TYPE_WITH_CODE(GstRtcIceSrc, gst_rtc_ice_src, GST_TYPE_BASE_SRC,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, gst_rtc_ice_src_child_proxy_init))
GST_ELEMENT_REGISTER_DEFINE(rtcicesrc, "rtcicesrc", GST_RANK_NONE, GST_RTC_TYPE_ICE_SRC)

static GObject *child_by_name(GstChildProxy *proxy, const gchar *name) {
  if (g_strcmp0(name, "transport") != 0) return nullptr;
  return G_OBJECT(GST_RTC_ICE_SRC(proxy)->priv->slot.get_or_create());
}

static GObject *child_by_index(GstChildProxy *proxy, guint index) {
  return index == 0 ? child_by_name(proxy, "transport") : nullptr;
}

static guint children_count(GstChildProxy *) {
  return 1;
}

static void gst_rtc_ice_src_child_proxy_init(gpointer g_iface, gpointer) {
  auto *iface = static_cast<GstChildProxyInterface *>(g_iface);
  iface->get_child_by_name = child_by_name;
  iface->get_child_by_index = child_by_index;
  iface->get_children_count = children_count;
}

static gboolean gst_rtc_ice_src_start(GstBaseSrc *base) {
  auto *self = GST_RTC_ICE_SRC(base);
  GstRtcNiceTransport *t = self->priv->slot.get_or_create();
  gst_rtc_nice_transport_set_flushing(t, FALSE);
  GError *err = nullptr;
  if (!gst_rtc_nice_transport_start(t, &err)) {
    gst_rtc::ice::post_error(GST_ELEMENT(self), err);
    g_error_free(err);
    gst_object_unref(t);
    return FALSE;
  }
  GST_OBJECT_LOCK(self);
  self->priv->active = t;
  GST_OBJECT_UNLOCK(self);
  GST_DEBUG_OBJECT(self, "receiving from %" GST_PTR_FORMAT, t);
  return TRUE;
}

static GstRtcNiceTransport *take_active(GstRtcIceSrc *self) {
  GST_OBJECT_LOCK(self);
  GstRtcNiceTransport *t =
      self->priv->active ? GST_RTC_NICE_TRANSPORT(gst_object_ref(self->priv->active)) : nullptr;
  GST_OBJECT_UNLOCK(self);
  return t;
}

static gboolean gst_rtc_ice_src_stop(GstBaseSrc *base) {
  auto *self = GST_RTC_ICE_SRC(base);
  GST_OBJECT_LOCK(self);
  GstRtcNiceTransport *t = self->priv->active;
  self->priv->active = nullptr;
  GST_OBJECT_UNLOCK(self);
  if (t) {
    gst_rtc_nice_transport_set_flushing(t, TRUE);
    gst_object_unref(t);
  }
  return TRUE;
}

static gboolean gst_rtc_ice_src_unlock(GstBaseSrc *base) {
  auto *self = GST_RTC_ICE_SRC(base);
  if (GstRtcNiceTransport *t = take_active(self)) {
    gst_rtc_nice_transport_set_flushing(t, TRUE);
    gst_object_unref(t);
  }
  return TRUE;
}

// Called by GstBaseSrc under its live lock once it has accepted what
// create() returned. No clock sync: datagrams go out as they arrive.
static void gst_rtc_ice_src_get_times(GstBaseSrc *base, GstBuffer *, GstClockTime *start, GstClockTime *end) {
  GstRtcIceSrcPrivate *p = GST_RTC_ICE_SRC(base)->priv;
  *start = GST_CLOCK_TIME_NONE;
  *end = GST_CLOCK_TIME_NONE;
  std::lock_guard lock(p->list_lock);
  if (p->list_in_flight) {
    p->list_in_flight = false;
    p->list_cv.notify_all();
  }
}

static gboolean gst_rtc_ice_src_unlock_stop(GstBaseSrc *base) {
  if (GstRtcNiceTransport *t = take_active(GST_RTC_ICE_SRC(base))) {
    gst_rtc_nice_transport_set_flushing(t, FALSE);
    gst_object_unref(t);
  }
  return TRUE;
}

static GstFlowReturn gst_rtc_ice_src_create_impl(GstBaseSrc *base, guint64, guint, GstBuffer **buf) {
  auto *self = GST_RTC_ICE_SRC(base);
  GstRtcNiceTransport *t = take_active(self);
  if (!t) return GST_FLOW_FLUSHING;
  GstBufferList *list = gst_buffer_list_new_sized(kMaxList);
  gboolean ok = gst_rtc_nice_transport_pop(t, list, kMaxList);
  gst_object_unref(t);
  if (!ok) {
    gst_buffer_list_unref(list);
    return GST_FLOW_FLUSHING;
  }
  // Arrival time as running time, the way udpsrc stamps (do-timestamp).
  GstClockTime ts = GST_CLOCK_TIME_NONE;
  if (GstClock *clock = gst_element_get_clock(GST_ELEMENT(self))) {
    GstClockTime now = gst_clock_get_time(clock);
    GstClockTime base_time = gst_element_get_base_time(GST_ELEMENT(self));
    if (now >= base_time) ts = now - base_time;
    gst_object_unref(clock);
  }
  guint n = gst_buffer_list_length(list);
  for (guint i = 0; i < n; ++i) {
    GstBuffer *b = gst_buffer_list_get_writable(list, i);
    GST_BUFFER_PTS(b) = ts;
    GST_BUFFER_DTS(b) = ts;
  }
  bool as_list = false;
  if (n > 1) {
    std::lock_guard lock(self->priv->list_lock);
    as_list = self->priv->lists_ok;
    self->priv->list_in_flight = as_list;
  }
  if (!as_list) {
    // One datagram, or leaving PLAYING: the rest go back to the front of
    // the queue, in order, for the next create().
    *buf = gst_buffer_ref(gst_buffer_list_get(list, 0));
    if (n > 1) {
      gst_buffer_list_remove(list, 0, 1);
      if (GstRtcNiceTransport *back = take_active(self)) {
        gst_rtc_nice_transport_unpop(back, list);
        gst_object_unref(back);
      }
    }
    gst_buffer_list_unref(list);
    return GST_FLOW_OK;
  }
  GST_LOG_OBJECT(self, "pushing a list of %u datagrams", n);
  gst_base_src_submit_buffer_list(base, list);
  *buf = nullptr;
  return GST_FLOW_OK;
}

static GstStateChangeReturn gst_rtc_ice_src_change_state(GstElement *element, GstStateChange transition) {
  GstRtcIceSrcPrivate *p = GST_RTC_ICE_SRC(element)->priv;
  if (transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED) {
    std::unique_lock lock(p->list_lock);
    p->lists_ok = false;
    // Bounded: GstBaseSrc leaves a list on its EOS path without get_times().
    p->list_cv.wait_for(lock, std::chrono::milliseconds(200), [p] { return !p->list_in_flight; });
    p->list_in_flight = false;
  }
  GstStateChangeReturn ret = GST_ELEMENT_CLASS(gst_rtc_ice_src_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING && ret != GST_STATE_CHANGE_FAILURE) {
    std::lock_guard lock(p->list_lock);
    p->lists_ok = true;
  }
  return ret;
}

static void gst_rtc_ice_src_init(GstRtcIceSrc *self) {
  self->priv = new GstRtcIceSrcPrivate();
  gst_base_src_set_live(GST_BASE_SRC(self), TRUE);
  gst_base_src_set_format(GST_BASE_SRC(self), GST_FORMAT_TIME);
}

static void gst_rtc_ice_src_finalize(GObject *object) {
  auto *self = GST_RTC_ICE_SRC(object);
  if (self->priv->active) gst_object_unref(self->priv->active);
  delete self->priv;
  G_OBJECT_CLASS(gst_rtc_ice_src_parent_class)->finalize(object);
}

static void gst_rtc_ice_src_set_property(GObject *object, guint prop_id, const GValue *value,
                                         GParamSpec *pspec) {
  auto *self = GST_RTC_ICE_SRC(object);
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

static void gst_rtc_ice_src_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_ICE_SRC(object);
  switch (prop_id) {
    case PROP_TRANSPORT:
    case PROP_TRANSPORT_ID:
      gst_rtc::ice::get_slot_property(self->priv->slot, prop_id == PROP_TRANSPORT_ID, value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_ice_src_class_init(GstRtcIceSrcClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_ice_src_debug, "rtcicesrc", 0, "gst-rtc ICE receive element");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS(klass);
  gobject_class->finalize = gst_rtc_ice_src_finalize;
  gobject_class->set_property = gst_rtc_ice_src_set_property;
  gobject_class->get_property = gst_rtc_ice_src_get_property;
  basesrc_class->start = gst_rtc_ice_src_start;
  basesrc_class->stop = gst_rtc_ice_src_stop;
  basesrc_class->unlock = gst_rtc_ice_src_unlock;
  basesrc_class->unlock_stop = gst_rtc_ice_src_unlock_stop;
  basesrc_class->create = gst_rtc_ice_src_create_impl;
  basesrc_class->get_times = gst_rtc_ice_src_get_times;
  element_class->change_state = gst_rtc_ice_src_change_state;

  /**
   * GstRtcIceSrc:transport:
   *
   * The ICE transport to receive from (a GstRtcNiceTransport of this
   * plugin, e.g. the one an rtcicesink uses). Reading it when none is set
   * creates one (shared under #GstRtcIceSrc:transport-id when that is set),
   * which is how an application gets a transport without linking this
   * plugin. Set in the NULL state.
   */
  props[PROP_TRANSPORT] = g_param_spec_object("transport", "Transport",
                                              "The ICE transport to receive from (GstRtcNiceTransport); "
                                              "reading it creates one if none. Set in NULL state",
                                              GST_RTC_TYPE_ICE_TRANSPORT,
                                              GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstRtcIceSrc:transport-id:
   *
   * Elements of one process with the same id share one transport (created
   * by the first). Set in the NULL state, before `transport::` children.
   */
  props[PROP_TRANSPORT_ID] = g_param_spec_string(
      "transport-id", "Transport id",
      "Elements with the same id share one transport. Set in NULL state, before transport:: properties",
      nullptr, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(element_class, "ICE source", "Source/Network/WebRTC",
                                        "Receives datagrams on an ICE transport (libnice)",
                                        "gst-rtc <gst-rtc@example.invalid>");
  gst_type_mark_as_plugin_api(GST_RTC_TYPE_NICE_TRANSPORT, GstPluginAPIFlags(0));
}
