/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/sctp-transport.h>

#include <gst/rtc/rtc-enumtypes.h>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcSctpTransport:
 *
 * The W3C `RTCSctpTransport`: the SCTP association that carries the data
 * channels, over a #GstRtcDtlsTransport. Read-only properties change through
 * the setters meant for implementations, and every change is a `notify`.
 */

namespace {

struct SctpTransportImpl {
  std::mutex lock;
  GstRtcSctpTransportState state = GST_RTC_SCTP_TRANSPORT_STATE_CONNECTING;
  guint64 max_message_size = GST_RTC_SCTP_DEFAULT_MAX_MESSAGE_SIZE;
  guint max_channels = 0;
  ObjectRef<GstRtcDtlsTransport> transport;
};

enum { PROP_0, PROP_STATE, PROP_MAX_MESSAGE_SIZE, PROP_MAX_CHANNELS, PROP_TRANSPORT, N_PROPS };

GParamSpec *props[N_PROPS];

}  // namespace

typedef struct {
  SctpTransportImpl *impl;
} GstRtcSctpTransportPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcSctpTransport, gst_rtc_sctp_transport, GST_TYPE_OBJECT)

static SctpTransportImpl *impl_of(GstRtcSctpTransport *self) {
  return static_cast<GstRtcSctpTransportPrivate *>(gst_rtc_sctp_transport_get_instance_private(self))->impl;
}

static void gst_rtc_sctp_transport_init(GstRtcSctpTransport *self) {
  static_cast<GstRtcSctpTransportPrivate *>(gst_rtc_sctp_transport_get_instance_private(self))->impl =
      new SctpTransportImpl();
}

static void gst_rtc_sctp_transport_dispose(GObject *object) {
  SctpTransportImpl *impl = impl_of(GST_RTC_SCTP_TRANSPORT(object));
  ObjectRef<GstRtcDtlsTransport> transport;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    transport = std::move(impl->transport);
  }
  G_OBJECT_CLASS(gst_rtc_sctp_transport_parent_class)->dispose(object);
}

static void gst_rtc_sctp_transport_finalize(GObject *object) {
  delete impl_of(GST_RTC_SCTP_TRANSPORT(object));
  G_OBJECT_CLASS(gst_rtc_sctp_transport_parent_class)->finalize(object);
}

static void gst_rtc_sctp_transport_set_property(GObject *object, guint prop_id, const GValue *value,
                                                GParamSpec *pspec) {
  SctpTransportImpl *impl = impl_of(GST_RTC_SCTP_TRANSPORT(object));
  switch (prop_id) {
    case PROP_TRANSPORT: {
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->transport =
          ObjectRef<GstRtcDtlsTransport>::ref(static_cast<GstRtcDtlsTransport *>(g_value_get_object(value)));
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_sctp_transport_get_property(GObject *object, guint prop_id, GValue *value,
                                                GParamSpec *pspec) {
  SctpTransportImpl *impl = impl_of(GST_RTC_SCTP_TRANSPORT(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_STATE:
      g_value_set_enum(value, impl->state);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64(value, impl->max_message_size);
      break;
    case PROP_MAX_CHANNELS:
      g_value_set_uint(value, impl->max_channels);
      break;
    case PROP_TRANSPORT:
      g_value_set_object(value, impl->transport.get());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_sctp_transport_class_init(GstRtcSctpTransportClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->dispose = gst_rtc_sctp_transport_dispose;
  gobject_class->finalize = gst_rtc_sctp_transport_finalize;
  gobject_class->set_property = gst_rtc_sctp_transport_set_property;
  gobject_class->get_property = gst_rtc_sctp_transport_get_property;

  /**
   * GstRtcSctpTransport:state:
   *
   * The W3C `RTCSctpTransport.state`.
   */
  props[PROP_STATE] = g_param_spec_enum(
      "state", "State", "The SCTP transport state (W3C RTCSctpTransportState)",
      GST_RTC_TYPE_SCTP_TRANSPORT_STATE, GST_RTC_SCTP_TRANSPORT_STATE_CONNECTING, kReadable);
  /**
   * GstRtcSctpTransport:max-message-size:
   *
   * The W3C `RTCSctpTransport.maxMessageSize`: the largest message
   * `send-data`/`send-string` accept, from both sides' a=max-message-size;
   * 0 means no limit.
   */
  props[PROP_MAX_MESSAGE_SIZE] = g_param_spec_uint64(
      "max-message-size", "Max message size", "Largest data channel message that can be sent (0: no limit)",
      0, G_MAXUINT64, GST_RTC_SCTP_DEFAULT_MAX_MESSAGE_SIZE, kReadable);
  /**
   * GstRtcSctpTransport:max-channels:
   *
   * The W3C `RTCSctpTransport.maxChannels`: how many data channels can be
   * open at once, known once connected; 0 (W3C `null`) before.
   */
  props[PROP_MAX_CHANNELS] =
      g_param_spec_uint("max-channels", "Max channels",
                        "Data channels that can be open at once, 0 until connected", 0, 65535, 0, kReadable);
  /**
   * GstRtcSctpTransport:transport:
   *
   * The W3C `RTCSctpTransport.transport`: the DTLS transport SCTP runs over.
   */
  props[PROP_TRANSPORT] = g_param_spec_object("transport", "Transport", "The DTLS transport SCTP runs over",
                                              GST_RTC_TYPE_DTLS_TRANSPORT, kConstructOnly);
  g_object_class_install_properties(gobject_class, N_PROPS, props);
}

/**
 * gst_rtc_sctp_transport_get_state:
 * @transport: a #GstRtcSctpTransport
 *
 * Returns: the #GstRtcSctpTransport:state
 */
GstRtcSctpTransportState gst_rtc_sctp_transport_get_state(GstRtcSctpTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport), GST_RTC_SCTP_TRANSPORT_STATE_CLOSED);
  SctpTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->state;
}

/**
 * gst_rtc_sctp_transport_get_max_message_size:
 * @transport: a #GstRtcSctpTransport
 *
 * Returns: the #GstRtcSctpTransport:max-message-size
 */
guint64 gst_rtc_sctp_transport_get_max_message_size(GstRtcSctpTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport), 0);
  SctpTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->max_message_size;
}

/**
 * gst_rtc_sctp_transport_get_max_channels:
 * @transport: a #GstRtcSctpTransport
 *
 * Returns: the #GstRtcSctpTransport:max-channels
 */
guint gst_rtc_sctp_transport_get_max_channels(GstRtcSctpTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport), 0);
  SctpTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->max_channels;
}

/**
 * gst_rtc_sctp_transport_get_transport:
 * @transport: a #GstRtcSctpTransport
 *
 * Returns: (transfer full) (nullable): the #GstRtcSctpTransport:transport
 */
GstRtcDtlsTransport *gst_rtc_sctp_transport_get_transport(GstRtcSctpTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport), nullptr);
  SctpTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->transport.dup();
}

/**
 * gst_rtc_sctp_transport_set_state:
 * @transport: a #GstRtcSctpTransport
 * @state: the new state
 *
 * For implementations: sets #GstRtcSctpTransport:state and notifies when it
 * changed.
 */
void gst_rtc_sctp_transport_set_state(GstRtcSctpTransport *transport, GstRtcSctpTransportState state) {
  g_return_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->state, state)) {
    GST_DEBUG_OBJECT(transport, "state %s", gst_rtc_enum_to_string(GST_RTC_TYPE_SCTP_TRANSPORT_STATE, state));
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_STATE]);
  }
}

/**
 * gst_rtc_sctp_transport_set_max_message_size:
 * @transport: a #GstRtcSctpTransport
 * @size: the largest message in bytes, 0 for no limit
 *
 * For implementations: sets #GstRtcSctpTransport:max-message-size and
 * notifies when it changed.
 */
void gst_rtc_sctp_transport_set_max_message_size(GstRtcSctpTransport *transport, guint64 size) {
  g_return_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->max_message_size, size))
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_MAX_MESSAGE_SIZE]);
}

/**
 * gst_rtc_sctp_transport_set_max_channels:
 * @transport: a #GstRtcSctpTransport
 * @channels: the number of streams negotiated, at most 65535
 *
 * For implementations: sets #GstRtcSctpTransport:max-channels and notifies
 * when it changed.
 */
void gst_rtc_sctp_transport_set_max_channels(GstRtcSctpTransport *transport, guint channels) {
  g_return_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport));
  g_return_if_fail(channels <= 65535);
  if (store(impl_of(transport)->lock, impl_of(transport)->max_channels, channels))
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_MAX_CHANNELS]);
}

/**
 * gst_rtc_sctp_transport_set_transport:
 * @transport: a #GstRtcSctpTransport
 * @dtls: (nullable): the DTLS transport
 *
 * For implementations: sets #GstRtcSctpTransport:transport and notifies when
 * it changed.
 */
void gst_rtc_sctp_transport_set_transport(GstRtcSctpTransport *transport, GstRtcDtlsTransport *dtls) {
  g_return_if_fail(GST_RTC_IS_SCTP_TRANSPORT(transport));
  g_return_if_fail(dtls == nullptr || GST_RTC_IS_DTLS_TRANSPORT(dtls));
  SctpTransportImpl *impl = impl_of(transport);
  ObjectRef<GstRtcDtlsTransport> old;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->transport == dtls) return;
    old = std::move(impl->transport);
    impl->transport = ObjectRef<GstRtcDtlsTransport>::ref(dtls);
  }
  g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_TRANSPORT]);
}
