/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/rtp-receiver.h>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcRtpReceiver:
 *
 * The W3C `RTCRtpReceiver`: the receiving half of a #GstRtcRtpTransceiver.
 * The received media comes out of rtcpeerbin's `src_%u` pads.
 */

namespace {

struct RtpReceiverImpl {
  std::mutex lock;
  ObjectRef<GstRtcDtlsTransport> transport;
};

enum { PROP_0, PROP_TRANSPORT, N_PROPS };

GParamSpec *props[N_PROPS];

}  // namespace

typedef struct {
  RtpReceiverImpl *impl;
} GstRtcRtpReceiverPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcRtpReceiver, gst_rtc_rtp_receiver, GST_TYPE_OBJECT)

static RtpReceiverImpl *impl_of(GstRtcRtpReceiver *self) {
  return static_cast<GstRtcRtpReceiverPrivate *>(gst_rtc_rtp_receiver_get_instance_private(self))->impl;
}

static void gst_rtc_rtp_receiver_init(GstRtcRtpReceiver *self) {
  static_cast<GstRtcRtpReceiverPrivate *>(gst_rtc_rtp_receiver_get_instance_private(self))->impl =
      new RtpReceiverImpl();
}

static void gst_rtc_rtp_receiver_dispose(GObject *object) {
  RtpReceiverImpl *impl = impl_of(GST_RTC_RTP_RECEIVER(object));
  ObjectRef<GstRtcDtlsTransport> transport;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    transport = std::move(impl->transport);
  }
  G_OBJECT_CLASS(gst_rtc_rtp_receiver_parent_class)->dispose(object);
}

static void gst_rtc_rtp_receiver_finalize(GObject *object) {
  delete impl_of(GST_RTC_RTP_RECEIVER(object));
  G_OBJECT_CLASS(gst_rtc_rtp_receiver_parent_class)->finalize(object);
}

static void gst_rtc_rtp_receiver_get_property(GObject *object, guint prop_id, GValue *value,
                                              GParamSpec *pspec) {
  RtpReceiverImpl *impl = impl_of(GST_RTC_RTP_RECEIVER(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_TRANSPORT:
      g_value_set_object(value, impl->transport.get());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_rtp_receiver_class_init(GstRtcRtpReceiverClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->dispose = gst_rtc_rtp_receiver_dispose;
  gobject_class->finalize = gst_rtc_rtp_receiver_finalize;
  gobject_class->get_property = gst_rtc_rtp_receiver_get_property;

  /**
   * GstRtcRtpReceiver:transport:
   *
   * The W3C `RTCRtpReceiver.transport`: the DTLS transport RTP arrives on,
   * %NULL until negotiation chose one.
   */
  props[PROP_TRANSPORT] = g_param_spec_object("transport", "Transport", "The DTLS transport RTP arrives on",
                                              GST_RTC_TYPE_DTLS_TRANSPORT, kReadable);
  g_object_class_install_properties(gobject_class, N_PROPS, props);
}

/**
 * gst_rtc_rtp_receiver_get_transport:
 * @receiver: a #GstRtcRtpReceiver
 *
 * Returns: (transfer full) (nullable): the #GstRtcRtpReceiver:transport
 */
GstRtcDtlsTransport *gst_rtc_rtp_receiver_get_transport(GstRtcRtpReceiver *receiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_RECEIVER(receiver), nullptr);
  RtpReceiverImpl *impl = impl_of(receiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->transport.dup();
}

/**
 * gst_rtc_rtp_receiver_set_transport:
 * @receiver: a #GstRtcRtpReceiver
 * @transport: (nullable): the DTLS transport
 *
 * For implementations: sets #GstRtcRtpReceiver:transport and notifies when it
 * changed.
 */
void gst_rtc_rtp_receiver_set_transport(GstRtcRtpReceiver *receiver, GstRtcDtlsTransport *transport) {
  g_return_if_fail(GST_RTC_IS_RTP_RECEIVER(receiver));
  g_return_if_fail(transport == nullptr || GST_RTC_IS_DTLS_TRANSPORT(transport));
  RtpReceiverImpl *impl = impl_of(receiver);
  ObjectRef<GstRtcDtlsTransport> old;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->transport == transport) return;
    old = std::move(impl->transport);
    impl->transport = ObjectRef<GstRtcDtlsTransport>::ref(transport);
  }
  g_object_notify_by_pspec(G_OBJECT(receiver), props[PROP_TRANSPORT]);
}
