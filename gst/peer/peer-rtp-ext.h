/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RTP header extensions (RFC 8285 one-byte form) on the packets an
 * rtcpeerbin sends and receives: the transport's writer puts the
 * negotiated abs-send-time into every outgoing packet just before SRTP
 * (retransmissions included) and the MID into retransmissions (each
 * sending pad writes its own; rtpfunnel and rtpsession the transport-wide
 * sequence number); the reader takes the MID out of a received packet for
 * RFC 8843 demultiplexing.
 */
#pragma once

#include <gst/gst.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gst_rtc::peer {

inline constexpr const char *kMidExtUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr const char *kAbsSendTimeExtUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr const char *kTwccExtUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

// What the writer puts in: negotiated ids (0: not negotiated) and the MID
// of SSRCs that carry no MID yet (RFC 4588 repair SSRCs: each sending pad
// writes its own MID, see peer-connection-media.cpp).
struct SendExtensions {
  guint8 mid = 0, abs_send_time = 0;
  std::map<guint32, std::string> ssrc_mid;
  bool empty() const { return mid == 0 && abs_send_time == 0; }
};

class HeaderExtWriter {
 public:
  void configure(SendExtensions ext);  // any thread
  // Streaming thread: writes into every packet of a buffer or buffer list
  // (made writable). A packet carrying two-byte extensions (RFC 8285 4.3)
  // keeps them and gets none of ours.
  GstPadProbeReturn probe(GstPadProbeInfo *info);

 private:
  void write(GstBuffer *buf, const SendExtensions &ext);
  std::mutex lock_;
  std::shared_ptr<const SendExtensions> ext_;
};

// Writes one-byte extension `id` into a writable RTP packet (in place when
// present at that size). FALSE when the packet is not RTP or carries
// two-byte extensions.
bool put_extension(GstBuffer *buf, guint8 id, const guint8 *data, guint size);

// The value of one-byte extension `id` of an RTP packet: the MID it names.
std::optional<std::string> read_mid(GstBuffer *buf, guint8 id);

}  // namespace gst_rtc::peer
