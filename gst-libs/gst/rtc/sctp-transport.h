/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/dtls-transport.h>
#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_SCTP_TRANSPORT (gst_rtc_sctp_transport_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcSctpTransport, gst_rtc_sctp_transport, GST_RTC, SCTP_TRANSPORT, GstObject)

/**
 * GstRtcSctpTransportClass:
 * @parent_class: the parent class
 *
 * The class of #GstRtcSctpTransport.
 */
struct _GstRtcSctpTransportClass {
  GstObjectClass parent_class;

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

/**
 * GST_RTC_SCTP_DEFAULT_MAX_MESSAGE_SIZE:
 *
 * The #GstRtcSctpTransport:max-message-size before negotiation: 65536, what
 * RFC 8841 assumes when a description has no a=max-message-size.
 */
#define GST_RTC_SCTP_DEFAULT_MAX_MESSAGE_SIZE G_GUINT64_CONSTANT(65536)

GST_RTC_API
GstRtcSctpTransportState gst_rtc_sctp_transport_get_state(GstRtcSctpTransport *transport);

GST_RTC_API
guint64 gst_rtc_sctp_transport_get_max_message_size(GstRtcSctpTransport *transport);

GST_RTC_API
guint gst_rtc_sctp_transport_get_max_channels(GstRtcSctpTransport *transport);

GST_RTC_API
GstRtcDtlsTransport *gst_rtc_sctp_transport_get_transport(GstRtcSctpTransport *transport);

/* For implementations (the SCTP plugin and rtcpeerbin). */

GST_RTC_API
void gst_rtc_sctp_transport_set_state(GstRtcSctpTransport *transport, GstRtcSctpTransportState state);

GST_RTC_API
void gst_rtc_sctp_transport_set_max_message_size(GstRtcSctpTransport *transport, guint64 size);

GST_RTC_API
void gst_rtc_sctp_transport_set_max_channels(GstRtcSctpTransport *transport, guint channels);

GST_RTC_API
void gst_rtc_sctp_transport_set_transport(GstRtcSctpTransport *transport, GstRtcDtlsTransport *dtls);

G_END_DECLS
