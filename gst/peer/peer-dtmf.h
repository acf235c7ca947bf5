/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DTMF of an audio sender (RFC 4733 telephone-event): the tones of the
 * sender's GstRtcDtmfSender replace the audio packets of the stream while
 * they play, one event packet for each audio packet, so the event keeps
 * the stream's SSRC, sequence numbers and timing (RFC 4733 2.5: events
 * share the audio's SSRC and sequence number space; the audio resumes
 * after them). The audio stream paces the tones: they play while audio
 * packets flow.
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/dtmf-sender.h>

#include <mutex>

namespace gst_rtc::peer {

class DtmfInjector {
 public:
  DtmfInjector() = default;
  ~DtmfInjector();
  DtmfInjector(const DtmfInjector &) = delete;
  DtmfInjector &operator=(const DtmfInjector &) = delete;

  // Any thread. `te_pt` < 0 turns it off (tones stop, can-insert-dtmf
  // goes FALSE); otherwise audio packets of `audio_pt` (with `clock_rate`,
  // telephone-event's too) carry the sender's tones.
  void configure(GstRtcDtmfSender *sender, int audio_pt, int te_pt, guint clock_rate);
  // Streaming thread: one outgoing RTP packet, possibly replaced.
  GstBuffer *process(GstBuffer *buf);

 private:
  enum class State { Idle, Tone, Ending, Gap };
  struct Header {
    guint8 pt = 0;
    guint16 seq = 0;
    guint32 ts = 0, ssrc = 0;
  };
  // The event packet that takes the place of `audio` (which it unrefs).
  GstBuffer *event_packet(GstBuffer *audio, const Header &h, bool end);

  std::mutex lock_;  // configuration
  GstRtcDtmfSender *sender_ = nullptr;  // owned ref
  int audio_pt_ = -1, te_pt_ = -1;
  guint clock_rate_ = 0;

  // Streaming thread only.
  State state_ = State::Idle;
  guint8 event_ = 0;
  bool marker_ = false;         // the next event packet starts the event
  guint32 segment_ts_ = 0;      // RTP timestamp of the event (segment) start
  guint64 played_ = 0;          // samples played in earlier segments
  guint64 tone_samples_ = 0, gap_samples_ = 0;
  guint32 duration_ = 0;        // duration field of the segment
  guint ends_sent_ = 0;
  guint32 gap_until_ = 0;
  guint32 last_ts_ = 0, packet_samples_ = 0;
  bool have_last_ = false;
};

}  // namespace gst_rtc::peer
