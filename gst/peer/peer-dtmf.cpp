/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-dtmf.h"

#include <gst/rtp/rtp.h>

#include <algorithm>

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

namespace {

// RFC 4733 3.2 event codes.
guint8 event_code(char tone) {
  if (tone >= '0' && tone <= '9') return guint8(tone - '0');
  if (tone == '*') return 10;
  if (tone == '#') return 11;
  return guint8(12 + (tone - 'A'));  // A..D
}

constexpr guint8 kVolume = 10;  // -10 dBm0, what browsers send
constexpr guint kEndPackets = 3;  // RFC 4733 2.5.1.4: the end is sent three times
constexpr guint kPauseMs = 2000;  // W3C: ',' pauses two seconds

}  // namespace

DtmfInjector::~DtmfInjector() {
  if (sender_) gst_object_unref(sender_);
}

void DtmfInjector::configure(GstRtcDtmfSender *sender, int audio_pt, int te_pt, guint clock_rate) {
  GstRtcDtmfSender *old = nullptr;
  {
    std::lock_guard lock(lock_);
    old = sender_;
    sender_ = sender ? GST_RTC_DTMF_SENDER(gst_object_ref(sender)) : nullptr;
    audio_pt_ = audio_pt;
    te_pt_ = te_pt;
    clock_rate_ = clock_rate;
  }
  if (sender) gst_rtc_dtmf_sender_set_can_insert_dtmf(sender, te_pt >= 0 && clock_rate > 0);
  if (old && old != sender) gst_rtc_dtmf_sender_set_can_insert_dtmf(old, FALSE);
  if (old) gst_object_unref(old);
}

GstBuffer *DtmfInjector::event_packet(GstBuffer *audio, const Header &h, bool end) {
  GstBuffer *out = gst_rtp_buffer_new_allocate(4, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(out, GST_MAP_WRITE, &rtp)) {
    gst_buffer_unref(out);
    return audio;
  }
  gst_rtp_buffer_set_seq(&rtp, h.seq);
  gst_rtp_buffer_set_ssrc(&rtp, h.ssrc);
  gst_rtp_buffer_set_timestamp(&rtp, segment_ts_);
  gst_rtp_buffer_set_payload_type(&rtp, guint8(te_pt_));
  gst_rtp_buffer_set_marker(&rtp, marker_);
  auto *payload = static_cast<guint8 *>(gst_rtp_buffer_get_payload(&rtp));
  payload[0] = event_;
  payload[1] = guint8((end ? 0x80 : 0) | kVolume);
  payload[2] = guint8(duration_ >> 8);
  payload[3] = guint8(duration_);
  gst_rtp_buffer_unmap(&rtp);
  gst_buffer_copy_into(out, audio, GstBufferCopyFlags(GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_FLAGS), 0, 0);
  marker_ = false;
  gst_buffer_unref(audio);
  return out;
}

GstBuffer *DtmfInjector::process(GstBuffer *buf) {
  Header h;
  {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    if (!gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp)) return buf;
    h.pt = gst_rtp_buffer_get_payload_type(&rtp);
    h.ts = gst_rtp_buffer_get_timestamp(&rtp);
    h.seq = gst_rtp_buffer_get_seq(&rtp);
    h.ssrc = gst_rtp_buffer_get_ssrc(&rtp);
    gst_rtp_buffer_unmap(&rtp);
  }
  const guint8 pt = h.pt;
  const guint32 ts = h.ts;
  GstRtcDtmfSender *sender = nullptr;
  guint rate = 0;
  {
    std::lock_guard lock(lock_);
    if (sender_ && te_pt_ >= 0 && clock_rate_ > 0 && pt == audio_pt_) {
      sender = GST_RTC_DTMF_SENDER(gst_object_ref(sender_));
      rate = clock_rate_;
    }
  }
  if (!sender) {
    if (state_ != State::Idle) GST_DEBUG("telephone-event no longer negotiated: tone cut short");
    state_ = State::Idle;
    return buf;
  }
  // The audio packet interval, for the duration each event packet covers.
  if (have_last_ && ts != last_ts_) {
    const guint32 d = ts - last_ts_;
    if (d < rate) packet_samples_ = d;
  }
  if (packet_samples_ == 0) packet_samples_ = rate / 50;  // 20 ms
  last_ts_ = ts;
  have_last_ = true;

  GstBuffer *out = buf;
  if (state_ == State::Gap && gint32(ts - gap_until_) >= 0) state_ = State::Idle;
  if (state_ == State::Idle) {
    guint duration_ms = 0, gap_ms = 0;
    const gchar tone = gst_rtc_dtmf_sender_pop_tone(sender, &duration_ms, &gap_ms);
    if (tone == ',') {
      gap_until_ = ts + guint32(guint64(kPauseMs) * rate / 1000);
      state_ = State::Gap;
    } else if (tone) {
      event_ = event_code(tone);
      tone_samples_ = guint64(duration_ms) * rate / 1000;
      gap_samples_ = guint64(gap_ms) * rate / 1000;
      segment_ts_ = ts;
      played_ = 0;
      marker_ = true;
      state_ = State::Tone;
    }
  }
  if (state_ == State::Tone) {
    guint64 elapsed = guint64(guint32(ts - segment_ts_)) + packet_samples_;
    // RFC 4733 2.5.2.3: the 16-bit duration field would overflow: a new
    // segment of the same event starts at this packet.
    if (elapsed > 0xffff && played_ + elapsed < tone_samples_) {
      played_ += guint32(ts - segment_ts_);
      segment_ts_ = ts;
      elapsed = packet_samples_;
    }
    if (played_ + elapsed >= tone_samples_) {
      duration_ = guint32(std::min<guint64>(tone_samples_ - std::min(played_, tone_samples_), 0xffff));
      ends_sent_ = 0;
      state_ = State::Ending;
    } else {
      duration_ = guint32(elapsed);
      out = event_packet(buf, h, false);
    }
  }
  if (state_ == State::Ending) {
    out = event_packet(buf, h, true);
    if (++ends_sent_ >= kEndPackets) {
      gap_until_ = segment_ts_ + duration_ + guint32(gap_samples_);
      state_ = State::Gap;
    }
  }
  gst_object_unref(sender);
  return out;
}

}  // namespace gst_rtc::peer
