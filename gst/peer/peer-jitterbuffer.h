/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The jitter buffer of one received stream of an rtcpeerbin, given to
 * rtpbin through its request-jitterbuffer signal.
 *
 * A packet in sequence leaves at once, in the thread that brought it (the
 * transport's streaming thread): no hand-off to a thread of its own, which
 * rtpjitterbuffer makes for every packet. A gap holds the packets after it
 * until the missing ones arrive (in order, then) or `latency` has passed
 * since the gap was seen; then the held packets leave, the first marked
 * DISCONT. With `do-retransmission`, each missing packet is asked for at
 * once (a GstRTPRetransmissionRequest upstream, which the bin sends as a
 * NACK) and again every retry interval (1.5 round trips measured from
 * requests to repairs, 20 ms at least, 40 ms until measured) until the
 * deadline. A small timer thread per buffer handles deadlines and retries;
 * it is idle while packets come in order. Video packets given up make it
 * ask for a key unit upstream (GstForceKeyUnit, which rtpsession sends as
 * PLI), at most every 200 ms: what follows a lost packet does not decode
 * until the next key frame.
 *
 * Timestamps: each packet's PTS is its capture time mapped onto the
 * arrival clock by the smallest transit seen (arrival running time minus
 * capture time, over a sliding two-second window), so network jitter does
 * not reach the presentation times and sender clock drift is followed.
 * Until the stream's first RTCP sender report the capture time is the RTP
 * time and the transit the stream's own; from then on it is the sender's
 * NTP time the report maps RTP time to, and the smallest transit is shared
 * by every stream of that sender (its CNAME, a SyncGroup): audio and video
 * captured together get the same PTS (lip sync), whatever their encoders
 * and packetization delayed.
 */
#pragma once

#include <gst/gst.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

G_BEGIN_DECLS

#define GST_RTC_TYPE_PEER_JITTER_BUFFER (gst_rtc_peer_jitter_buffer_get_type())
G_DECLARE_FINAL_TYPE(GstRtcPeerJitterBuffer, gst_rtc_peer_jitter_buffer, GST_RTC, PEER_JITTER_BUFFER, GstElement)

G_END_DECLS

namespace gst_rtc::peer {

// What the negotiation says about a payload type (any thread): its clock
// rate (0: unknown) and whether it is video.
struct PayloadInfo {
  guint clock_rate = 0;
  bool video = false;
};
// The smallest transit (arrival minus capture time) over a sliding
// two-second window; a transit more than 3 s off starts over (the sender's
// timeline jumped).
struct MinTransit {
  bool have = false;
  GstClockTimeDiff min = 0, prev = 0;  // this window's, the last one's
  GstClockTime window_start = 0;
  // Takes one packet's transit, returns the offset to add to capture times.
  GstClockTimeDiff update(GstClockTime arrival, GstClockTimeDiff transit);
};

// The smallest transit (arrival minus sender NTP time) over the streams of
// one sender; shared by their jitter buffers (any thread).
class SyncGroup {
 public:
  GstClockTimeDiff update(GstClockTime arrival, GstClockTimeDiff transit) {
    std::lock_guard lock(lock_);
    return transit_.update(arrival, transit);
  }

 private:
  std::mutex lock_;
  MinTransit transit_;
};

// `sync_group(cname)`: the group of a sender's streams (any thread).
GstElement *jitter_buffer_new(std::function<PayloadInfo(guint8 pt)> payload_info,
                              std::function<std::shared_ptr<SyncGroup>(const std::string &cname)> sync_group);

struct JitterBufferCounters {
  guint64 pushed = 0;      // packets that left
  guint64 late = 0;        // dropped: arrived after their turn, or twice
  guint64 lost = 0;        // given up at the deadline
  guint64 requests = 0;    // retransmission requests sent (retries included)
  guint64 repaired = 0;    // missing packets that arrived before the deadline
  guint64 key_units = 0;   // key units asked for after losses
};
JitterBufferCounters jitter_buffer_counters(GstElement *jitterbuffer);

}  // namespace gst_rtc::peer
