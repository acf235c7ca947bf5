/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/rtc.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_PEER_BIN (gst_rtc_peer_bin_get_type())
G_DECLARE_FINAL_TYPE(GstRtcPeerBin, gst_rtc_peer_bin, GST, RTC_PEER_BIN, GstBin)

GST_ELEMENT_REGISTER_DECLARE(rtcpeerbin);

/* The bin's `sink_%u` and `src_%u` pads: ghost pads with the transceiver
 * they belong to. */
#define GST_TYPE_RTC_PEER_BIN_PAD (gst_rtc_peer_bin_pad_get_type())
G_DECLARE_FINAL_TYPE(GstRtcPeerBinPad, gst_rtc_peer_bin_pad, GST, RTC_PEER_BIN_PAD, GstGhostPad)

G_END_DECLS

/* For peer-connection.cpp (this plugin only): events of the connection,
 * emitted on the operations chain unless said otherwise. */
enum class PeerProp {
  ConnectionState,
  IceConnectionState,
  IceGatheringState,
  SignalingState,
  Descriptions,  // every *-description property and can-trickle-ice-candidates
};
void gst_rtc_peer_bin_notify(GstRtcPeerBin *self, PeerProp prop);
void gst_rtc_peer_bin_emit_negotiation_needed(GstRtcPeerBin *self);
void gst_rtc_peer_bin_emit_ice_candidate(GstRtcPeerBin *self, guint mline, const gchar *candidate);
void gst_rtc_peer_bin_emit_ice_candidate_error(GstRtcPeerBin *self, const GstStructure *error);
// In whatever thread the SCTP plugin announces the channel, so that the
// application connects its handlers before the channel's first event.
void gst_rtc_peer_bin_emit_data_channel(GstRtcPeerBin *self, GstRtcDataChannel *channel);
void gst_rtc_peer_bin_emit_new_transceiver(GstRtcPeerBin *self, GstRtcRtpTransceiver *transceiver);
void gst_rtc_peer_bin_pad_set_transceiver(GstRtcPeerBinPad *pad, GstRtcRtpTransceiver *transceiver);
void gst_rtc_peer_bin_pad_set_rid(GstRtcPeerBinPad *pad, const gchar *rid);
