/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

/**
 * GST_RTC_BUFFER_FLAG_PROBE:
 *
 * Marks a datagram that probes the path MTU (RFC 8899): a transport drops it
 * rather than fragment or relay it when it is larger than the path carries
 * whole, so that an answer to it proves the size works end to end.
 * rtcsctpenc sets it on its probes, rtcdtlssrtpenc keeps it on the record
 * that carries one, rtcicesink honours it.
 */
#define GST_RTC_BUFFER_FLAG_PROBE (GST_BUFFER_FLAG_LAST << 0)

#define GST_RTC_TYPE_ICE_TRANSPORT (gst_rtc_ice_transport_get_type())
GST_RTC_API
G_DECLARE_DERIVABLE_TYPE(GstRtcIceTransport, gst_rtc_ice_transport, GST_RTC, ICE_TRANSPORT, GstObject)

/**
 * GstRtcIceTransportClass:
 * @parent_class: the parent class
 * @gather_candidates: start gathering local candidates; new ones are
 *   announced with gst_rtc_ice_transport_new_candidate(). %NULL: not
 *   implemented (%GST_RTC_ERROR_NOT_SUPPORTED)
 * @set_local_credentials: use this ufrag/pwd for the local side (a new pair
 *   is an ICE restart)
 * @set_remote_credentials: the remote ufrag/pwd from the remote description
 * @add_remote_candidate: add a remote candidate (the a=candidate value), or
 *   end-of-candidates when the candidate is %NULL
 *
 * The ICE plugin implements these virtual methods; the base class keeps the
 * state and emits the signals. A %NULL method fails with
 * %GST_RTC_ERROR_NOT_SUPPORTED.
 */
struct _GstRtcIceTransportClass {
  GstObjectClass parent_class;

  gboolean (*gather_candidates)(GstRtcIceTransport *transport, GError **error);
  gboolean (*set_local_credentials)(GstRtcIceTransport *transport, const gchar *ufrag, const gchar *pwd,
                                    GError **error);
  gboolean (*set_remote_credentials)(GstRtcIceTransport *transport, const gchar *ufrag, const gchar *pwd,
                                     GError **error);
  gboolean (*add_remote_candidate)(GstRtcIceTransport *transport, const gchar *candidate, GError **error);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_RTC_API
GstRtcIceTransportState gst_rtc_ice_transport_get_state(GstRtcIceTransport *transport);

GST_RTC_API
GstRtcIceGatheringState gst_rtc_ice_transport_get_gathering_state(GstRtcIceTransport *transport);

GST_RTC_API
GstRtcIceRole gst_rtc_ice_transport_get_role(GstRtcIceTransport *transport);

GST_RTC_API
GstRtcIceComponent gst_rtc_ice_transport_get_component(GstRtcIceTransport *transport);

GST_RTC_API
GstStructure *gst_rtc_ice_transport_get_selected_candidate_pair(GstRtcIceTransport *transport);

GST_RTC_API
gboolean gst_rtc_ice_transport_gather_candidates(GstRtcIceTransport *transport, GError **error);

GST_RTC_API
gboolean gst_rtc_ice_transport_set_local_credentials(GstRtcIceTransport *transport, const gchar *ufrag,
                                                     const gchar *pwd, GError **error);

GST_RTC_API
gboolean gst_rtc_ice_transport_set_remote_credentials(GstRtcIceTransport *transport, const gchar *ufrag,
                                                      const gchar *pwd, GError **error);

GST_RTC_API
gboolean gst_rtc_ice_transport_add_remote_candidate(GstRtcIceTransport *transport, const gchar *candidate,
                                                    GError **error);

/* For implementations (the ICE plugin and rtcpeerbin). */

GST_RTC_API
void gst_rtc_ice_transport_set_state(GstRtcIceTransport *transport, GstRtcIceTransportState state);

GST_RTC_API
void gst_rtc_ice_transport_set_gathering_state(GstRtcIceTransport *transport, GstRtcIceGatheringState state);

GST_RTC_API
void gst_rtc_ice_transport_set_role(GstRtcIceTransport *transport, GstRtcIceRole role);

GST_RTC_API
void gst_rtc_ice_transport_set_selected_candidate_pair(GstRtcIceTransport *transport,
                                                       const GstStructure *pair);

GST_RTC_API
void gst_rtc_ice_transport_new_candidate(GstRtcIceTransport *transport, const gchar *candidate);

G_END_DECLS
