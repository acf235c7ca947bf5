/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/dtls-transport.h>

#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcDtlsTransport:
 *
 * The W3C `RTCDtlsTransport`: the DTLS layer over one #GstRtcIceTransport,
 * carrying SRTP keys and SCTP. Read-only properties change through the
 * gst_rtc_dtls_transport_set_*() functions meant for implementations, and
 * every change is a `notify`.
 */

namespace {

struct DtlsTransportImpl {
  std::mutex lock;
  GstRtcDtlsTransportState state = GST_RTC_DTLS_TRANSPORT_STATE_NEW;
  ObjectRef<GstRtcIceTransport> ice;
  std::optional<std::string> certificate;
  std::optional<std::string> remote_certificate;
};

enum { PROP_0, PROP_STATE, PROP_ICE_TRANSPORT, PROP_CERTIFICATE, PROP_REMOTE_CERTIFICATE, N_PROPS };
enum { SIGNAL_ON_ERROR, N_SIGNALS };

GParamSpec *props[N_PROPS];
guint signals[N_SIGNALS];

}  // namespace

typedef struct {
  DtlsTransportImpl *impl;
} GstRtcDtlsTransportPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcDtlsTransport, gst_rtc_dtls_transport, GST_TYPE_OBJECT)

static DtlsTransportImpl *impl_of(GstRtcDtlsTransport *self) {
  return static_cast<GstRtcDtlsTransportPrivate *>(gst_rtc_dtls_transport_get_instance_private(self))->impl;
}

static void gst_rtc_dtls_transport_init(GstRtcDtlsTransport *self) {
  static_cast<GstRtcDtlsTransportPrivate *>(gst_rtc_dtls_transport_get_instance_private(self))->impl =
      new DtlsTransportImpl();
}

static void gst_rtc_dtls_transport_dispose(GObject *object) {
  // Drop the ICE transport early: it may hold a reference cycle back through
  // the plugin's elements.
  DtlsTransportImpl *impl = impl_of(GST_RTC_DTLS_TRANSPORT(object));
  ObjectRef<GstRtcIceTransport> ice;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    ice = std::move(impl->ice);
  }
  G_OBJECT_CLASS(gst_rtc_dtls_transport_parent_class)->dispose(object);
}

static void gst_rtc_dtls_transport_finalize(GObject *object) {
  delete impl_of(GST_RTC_DTLS_TRANSPORT(object));
  G_OBJECT_CLASS(gst_rtc_dtls_transport_parent_class)->finalize(object);
}

static void gst_rtc_dtls_transport_set_property(GObject *object, guint prop_id, const GValue *value,
                                                GParamSpec *pspec) {
  auto *self = GST_RTC_DTLS_TRANSPORT(object);
  DtlsTransportImpl *impl = impl_of(self);
  switch (prop_id) {
    case PROP_ICE_TRANSPORT: {
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->ice =
          ObjectRef<GstRtcIceTransport>::ref(static_cast<GstRtcIceTransport *>(g_value_get_object(value)));
      break;
    }
    case PROP_CERTIFICATE:
      if (store(impl->lock, impl->certificate, opt_string(g_value_get_string(value))))
        g_object_notify_by_pspec(object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_dtls_transport_get_property(GObject *object, guint prop_id, GValue *value,
                                                GParamSpec *pspec) {
  DtlsTransportImpl *impl = impl_of(GST_RTC_DTLS_TRANSPORT(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_STATE:
      g_value_set_enum(value, impl->state);
      break;
    case PROP_ICE_TRANSPORT:
      g_value_set_object(value, impl->ice.get());
      break;
    case PROP_CERTIFICATE:
      g_value_set_string(value, c_str(impl->certificate));
      break;
    case PROP_REMOTE_CERTIFICATE:
      g_value_set_string(value, c_str(impl->remote_certificate));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_dtls_transport_class_init(GstRtcDtlsTransportClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->dispose = gst_rtc_dtls_transport_dispose;
  gobject_class->finalize = gst_rtc_dtls_transport_finalize;
  gobject_class->set_property = gst_rtc_dtls_transport_set_property;
  gobject_class->get_property = gst_rtc_dtls_transport_get_property;

  /**
   * GstRtcDtlsTransport:state:
   *
   * The W3C `RTCDtlsTransport.state`.
   */
  props[PROP_STATE] =
      g_param_spec_enum("state", "State", "The DTLS transport state (W3C RTCDtlsTransportState)",
                        GST_RTC_TYPE_DTLS_TRANSPORT_STATE, GST_RTC_DTLS_TRANSPORT_STATE_NEW, kReadable);
  /**
   * GstRtcDtlsTransport:ice-transport:
   *
   * The W3C `RTCDtlsTransport.iceTransport`: the ICE transport under this
   * one. Set at construction or by gst_rtc_dtls_transport_set_ice_transport().
   */
  props[PROP_ICE_TRANSPORT] =
      g_param_spec_object("ice-transport", "ICE transport", "The ICE transport DTLS runs over",
                          GST_RTC_TYPE_ICE_TRANSPORT, kConstructOnly);
  /**
   * GstRtcDtlsTransport:certificate:
   *
   * The local certificate and its private key, PEM encoded, or %NULL while
   * none was chosen.
   */
  props[PROP_CERTIFICATE] =
      g_param_spec_string("certificate", "Certificate", "The local certificate and private key (PEM)",
                          nullptr, GParamFlags(kReadWrite | G_PARAM_CONSTRUCT));
  /**
   * GstRtcDtlsTransport:remote-certificate:
   *
   * The W3C `RTCDtlsTransport.getRemoteCertificates()`: the peer's
   * certificate (PEM) once the handshake got it, %NULL before.
   */
  props[PROP_REMOTE_CERTIFICATE] =
      g_param_spec_string("remote-certificate", "Remote certificate",
                          "The peer's certificate (PEM), NULL until the handshake", nullptr, kReadable);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  /**
   * GstRtcDtlsTransport::on-error:
   * @transport: the #GstRtcDtlsTransport
   * @error: a #GST_RTC_ERROR: %GST_RTC_ERROR_DTLS_FAILURE or
   *   %GST_RTC_ERROR_FINGERPRINT_FAILURE
   *
   * The W3C `RTCDtlsTransport` `error` event. The transport is
   * %GST_RTC_DTLS_TRANSPORT_STATE_FAILED right after it.
   */
  signals[SIGNAL_ON_ERROR] = g_signal_new("on-error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr,
                                          nullptr, nullptr, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

/**
 * gst_rtc_dtls_transport_get_state:
 * @transport: a #GstRtcDtlsTransport
 *
 * Returns: the current #GstRtcDtlsTransport:state
 */
GstRtcDtlsTransportState gst_rtc_dtls_transport_get_state(GstRtcDtlsTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport), GST_RTC_DTLS_TRANSPORT_STATE_CLOSED);
  DtlsTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->state;
}

/**
 * gst_rtc_dtls_transport_get_ice_transport:
 * @transport: a #GstRtcDtlsTransport
 *
 * Returns: (transfer full) (nullable): the #GstRtcDtlsTransport:ice-transport
 */
GstRtcIceTransport *gst_rtc_dtls_transport_get_ice_transport(GstRtcDtlsTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport), nullptr);
  DtlsTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->ice.dup();
}

/**
 * gst_rtc_dtls_transport_get_certificate:
 * @transport: a #GstRtcDtlsTransport
 *
 * Returns: (transfer full) (nullable): the local certificate (PEM)
 */
gchar *gst_rtc_dtls_transport_get_certificate(GstRtcDtlsTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport), nullptr);
  DtlsTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return g_strdup(c_str(impl->certificate));
}

/**
 * gst_rtc_dtls_transport_get_remote_certificate:
 * @transport: a #GstRtcDtlsTransport
 *
 * Returns: (transfer full) (nullable): the peer's certificate (PEM), or %NULL
 *   before the handshake got it
 */
gchar *gst_rtc_dtls_transport_get_remote_certificate(GstRtcDtlsTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport), nullptr);
  DtlsTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return g_strdup(c_str(impl->remote_certificate));
}

/**
 * gst_rtc_dtls_transport_set_state:
 * @transport: a #GstRtcDtlsTransport
 * @state: the new state
 *
 * For implementations: sets #GstRtcDtlsTransport:state and notifies when it
 * changed.
 */
void gst_rtc_dtls_transport_set_state(GstRtcDtlsTransport *transport, GstRtcDtlsTransportState state) {
  g_return_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->state, state)) {
    GST_DEBUG_OBJECT(transport, "state %s", gst_rtc_enum_to_string(GST_RTC_TYPE_DTLS_TRANSPORT_STATE, state));
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_STATE]);
  }
}

/**
 * gst_rtc_dtls_transport_set_ice_transport:
 * @transport: a #GstRtcDtlsTransport
 * @ice: (nullable): the ICE transport
 *
 * For implementations: sets #GstRtcDtlsTransport:ice-transport and notifies
 * when it changed.
 */
void gst_rtc_dtls_transport_set_ice_transport(GstRtcDtlsTransport *transport, GstRtcIceTransport *ice) {
  g_return_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport));
  g_return_if_fail(ice == nullptr || GST_RTC_IS_ICE_TRANSPORT(ice));
  DtlsTransportImpl *impl = impl_of(transport);
  ObjectRef<GstRtcIceTransport> old;  // released after the lock
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->ice == ice) return;
    old = std::move(impl->ice);
    impl->ice = ObjectRef<GstRtcIceTransport>::ref(ice);
  }
  g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_ICE_TRANSPORT]);
}

/**
 * gst_rtc_dtls_transport_set_remote_certificate:
 * @transport: a #GstRtcDtlsTransport
 * @pem: (nullable): the peer's certificate, PEM encoded
 *
 * For implementations: sets #GstRtcDtlsTransport:remote-certificate and
 * notifies when it changed.
 */
void gst_rtc_dtls_transport_set_remote_certificate(GstRtcDtlsTransport *transport, const gchar *pem) {
  g_return_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->remote_certificate, opt_string(pem)))
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_REMOTE_CERTIFICATE]);
}

/**
 * gst_rtc_dtls_transport_report_error:
 * @transport: a #GstRtcDtlsTransport
 * @error: the failure, normally %GST_RTC_ERROR_DTLS_FAILURE or
 *   %GST_RTC_ERROR_FINGERPRINT_FAILURE
 *
 * For implementations: emits #GstRtcDtlsTransport::on-error with @error and
 * then moves the transport to %GST_RTC_DTLS_TRANSPORT_STATE_FAILED, the W3C
 * order of events.
 */
void gst_rtc_dtls_transport_report_error(GstRtcDtlsTransport *transport, const GError *error) {
  g_return_if_fail(GST_RTC_IS_DTLS_TRANSPORT(transport));
  g_return_if_fail(error != nullptr);
  GST_WARNING_OBJECT(transport, "DTLS error: %s", error->message);
  g_signal_emit(transport, signals[SIGNAL_ON_ERROR], 0, error);
  gst_rtc_dtls_transport_set_state(transport, GST_RTC_DTLS_TRANSPORT_STATE_FAILED);
}
