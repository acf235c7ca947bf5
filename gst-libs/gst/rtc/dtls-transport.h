/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/ice-transport.h>
#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_DTLS_TRANSPORT (gst_rtc_dtls_transport_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcDtlsTransport, gst_rtc_dtls_transport, GST_RTC, DTLS_TRANSPORT, GstObject)

/**
 * GstRtcDtlsTransportClass:
 * @parent_class: the parent class
 *
 * The class of #GstRtcDtlsTransport. The DTLS plugin drives the state
 * through gst_rtc_dtls_transport_set_state() and friends.
 */
struct _GstRtcDtlsTransportClass {
  GstObjectClass parent_class;

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_RTC_API
GstRtcDtlsTransportState gst_rtc_dtls_transport_get_state(GstRtcDtlsTransport *transport);

GST_RTC_API
GstRtcIceTransport *gst_rtc_dtls_transport_get_ice_transport(GstRtcDtlsTransport *transport);

GST_RTC_API
gchar *gst_rtc_dtls_transport_get_certificate(GstRtcDtlsTransport *transport);

GST_RTC_API
gchar *gst_rtc_dtls_transport_get_remote_certificate(GstRtcDtlsTransport *transport);

/* For implementations (the DTLS plugin and rtcpeerbin). */

GST_RTC_API
void gst_rtc_dtls_transport_set_state(GstRtcDtlsTransport *transport, GstRtcDtlsTransportState state);

GST_RTC_API
void gst_rtc_dtls_transport_set_ice_transport(GstRtcDtlsTransport *transport, GstRtcIceTransport *ice);

GST_RTC_API
void gst_rtc_dtls_transport_set_remote_certificate(GstRtcDtlsTransport *transport, const gchar *pem);

GST_RTC_API
void gst_rtc_dtls_transport_report_error(GstRtcDtlsTransport *transport, const GError *error);

G_END_DECLS
