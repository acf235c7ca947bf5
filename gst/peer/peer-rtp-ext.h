/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RTP header extensions (RFC 8285 one-byte form) on the packets an
 * rtcpeerbin sends and receives: each sending pad writes its negotiated
 * extensions (MID, abs-send-time, room for the transport-wide sequence
 * number that rtpfunnel and rtpsession fill in) into every packet in one
 * go, before the RTP session, so retransmissions copy them and nothing
 * after the session has to touch (or copy) the packet again; the reader
 * takes the MID out of a received packet for RFC 8843 demultiplexing.
 */
#pragma once

#include <gst/gst.h>

#include <optional>
#include <string>

namespace gst_rtc::peer {

inline constexpr const char *kMidExtUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr const char *kAbsSendTimeExtUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr const char *kTwccExtUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
// Coordination of video orientation (3GPP TS 26.114 7.4.5): one byte,
// 0 0 0 0 C F R1 R0 (camera, horizontal flip, clockwise rotation / 90).
inline constexpr const char *kVideoOrientationExtUri = "urn:3gpp:video-orientation";
// Client-to-mixer audio level (RFC 6464): one byte, V bit (voice) then the
// level in -dBov (0..127).
// RFC 8852 RepairedRtpStreamId: a simulcast layer's name on its
// retransmissions (the RtpStreamId itself is jsep::kRidExtensionUri).
inline constexpr const char *kRepairedRidExtUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr const char *kAudioLevelExtUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

// One one-byte element: id 1..14, 1..16 bytes.
struct ExtElement {
  guint8 id = 0, size = 0;
  guint8 data[16] = {};
};

// abs-send-time of now: seconds in 6.18 fixed point, 24 bits.
ExtElement abs_send_time_element(guint8 id);

// Writes the elements into a writable RTP packet: a packet without
// extensions gets them in one header block (one reallocation); one with
// one-byte extensions gets each set in place or appended. FALSE when the
// packet is not RTP or carries two-byte extensions (RFC 8285 4.3: they
// keep theirs).
bool put_extensions(GstBuffer *buf, const ExtElement *elements, guint count);

// The value of one-byte extension `id` of an RTP packet: the MID it names.
std::optional<std::string> read_mid(GstBuffer *buf, guint8 id);

// Video orientation between GStreamer's image-orientation tag ("rotate-90",
// "flip-rotate-270", ...: how to turn the image for display) and the CVO
// byte (camera bit 0); -1 / nullptr for what has no counterpart.
int cvo_from_orientation(const char *orientation);
const char *orientation_from_cvo(guint8 cvo);

}  // namespace gst_rtc::peer
