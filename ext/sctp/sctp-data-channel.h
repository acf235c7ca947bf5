/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstRtcSctpDataChannel: the GstRtcDataChannel that rtcsctpenc hands out,
 * sending on one stream of the association of its Session.
 */
#pragma once

#include <gst/rtc/rtc.h>

#include <memory>

G_BEGIN_DECLS

#define GST_RTC_TYPE_SCTP_DATA_CHANNEL (gst_rtc_sctp_data_channel_get_type())
G_DECLARE_FINAL_TYPE(GstRtcSctpDataChannel, gst_rtc_sctp_data_channel, GST_RTC, SCTP_DATA_CHANNEL,
                     GstRtcDataChannel)

G_END_DECLS

namespace gst_rtc::sctp {

class Session;

// The channel's W3C attributes, fixed at creation.
struct ChannelParams {
  const char *label = "";
  const char *protocol = "";
  bool ordered = true;
  int max_packet_lifetime = -1;
  int max_retransmits = -1;
  bool negotiated = false;
  int id = -1;
  GstRtcPriorityType priority = GST_RTC_PRIORITY_TYPE_LOW;
};

// (transfer full) A connecting channel of `session`.
GstRtcDataChannel *new_data_channel(const std::shared_ptr<Session> &session, const ChannelParams &params);

// The DCEP/SCTP priority of a W3C priority (RFC 8831 §6.4) and back.
uint16_t priority_to_wire(GstRtcPriorityType priority);
GstRtcPriorityType priority_from_wire(uint16_t priority);

}  // namespace gst_rtc::sctp
