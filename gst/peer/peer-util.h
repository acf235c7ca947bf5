/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Small helpers the rtcpeerbin sources share.
 */
#pragma once

#include <gst/gst.h>

#include <cstring>
#include <string>

namespace gst_rtc::peer {

// SCTP packet sizes for path MTU probing (rtcsctpenc max-path-mtu): what we
// take and advertise (a=x-sctp-max-packet-size, one whole DTLS record), and
// what we probe towards a peer that does not advertise it (one Ethernet
// frame: libwebrtc fails on DTLS datagrams above 2048 bytes).
inline constexpr unsigned kSctpMaxPacketSize = 16384;
inline constexpr unsigned kSctpSafePathMtu = 1384;

// Promise replies are named like webrtcbin's.
inline constexpr char kReplyName[] = "application/x-gst-promise";

// webrtcbin's stun://host:port and turn://user:pass@host:port, or the W3C
// URL forms, to the URL form the ICE transport takes.
inline std::string ice_url(const std::string &url) {
  for (const char *scheme : {"stun", "turn", "turns"}) {
    std::string prefix = std::string(scheme) + "://";
    if (url.compare(0, prefix.size(), prefix) == 0) return std::string(scheme) + ":" + url.substr(prefix.size());
  }
  return url;
}

inline bool has_scheme(const std::string &url, const char *scheme) {
  const size_t n = strlen(scheme);
  return url.size() > n && url.compare(0, n, scheme) == 0 && url[n] == ':';
}

// An upstream key unit request (what gst_video_event_new_upstream_force_key_unit
// makes: running-time none, all-headers, count 0); `payload` >= 0 names the
// payload type, as rtpptdemux adds it, for rtpsession to pick PLI or FIR.
inline GstEvent *key_unit_request(int payload = -1) {
  GstStructure *s = gst_structure_new("GstForceKeyUnit", "running-time", G_TYPE_UINT64, GST_CLOCK_TIME_NONE,
                                      "all-headers", G_TYPE_BOOLEAN, TRUE, "count", G_TYPE_UINT, 0u, nullptr);
  if (payload >= 0) gst_structure_set(s, "payload", G_TYPE_UINT, guint(payload), nullptr);
  return gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM, s);
}

}  // namespace gst_rtc::peer
