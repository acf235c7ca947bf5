/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 4588 retransmission sender of an rtcpeerbin: rtpbin's aux sender
 * (before rtpsession). It keeps the last packets of each stream that has
 * an rtx SSRC and answers the session's retransmission requests (received
 * NACKs) with RTX packets: the original's header and extensions on the
 * rtx SSRC and payload type, the original sequence number (OSN) first in
 * the payload, a sequence of its own.
 *
 * gst-plugins-good's rtprtxsend does the same from a thread of its own,
 * which every packet is handed to; here a packet goes on in the thread it
 * came in, and a retransmission leaves from the thread that received the
 * NACK, both under one push lock.
 */
#pragma once

#include <gst/gst.h>

#include <map>

G_BEGIN_DECLS

#define GST_RTC_TYPE_PEER_RTX_SEND (gst_rtc_peer_rtx_send_get_type())
G_DECLARE_FINAL_TYPE(GstRtcPeerRtxSend, gst_rtc_peer_rtx_send, GST_RTC, PEER_RTX_SEND, GstElement)

G_END_DECLS

namespace gst_rtc::peer {

// A new sender with always pads "sink" and "src".
GstElement *rtx_send_new();
// Payload type -> its rtx payload type; media SSRC -> its rtx SSRC. Any
// thread; packets of streams not in both maps are not kept. `rid_id`,
// `repaired_rid_id`: the one-byte ids of the RID and repaired-RID header
// extensions (0: not negotiated): a simulcast layer's retransmissions carry
// its RID as repaired-RID (RFC 8852 3.2), or none.
void rtx_send_configure(GstElement *rtx, const std::map<guint, guint> &pt_to_rtx,
                        const std::map<guint32, guint32> &ssrc_to_rtx, guint8 rid_id = 0,
                        guint8 repaired_rid_id = 0);
// Requests answered with a retransmission so far, and requests for packets
// no longer (or never) kept.
guint64 rtx_send_packets(GstElement *rtx);
// Retransmissions limited to `bps` over the last second (0: no limit; any
// thread), and the requests refused by that limit so far.
void rtx_send_limit(GstElement *rtx, guint64 bps);
guint64 rtx_send_limited(GstElement *rtx);
guint64 rtx_send_misses(GstElement *rtx);

}  // namespace gst_rtc::peer
