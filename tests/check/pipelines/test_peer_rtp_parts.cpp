/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtcpeerbin's own RTP parts alone, with GstHarness: the jitter buffer it
 * gives rtpbin (order, gaps, retransmission requests, deadlines,
 * timestamps) and its RFC 4588 retransmission sender. They are internal
 * (no element factory): the test compiles their sources in.
 */
// Ours (and the C++ library) before libcheck's macros.
#include <cstring>
#include <map>
#include <vector>

#include "peer-jitterbuffer.h"
#include "peer-rtx.h"

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtp/rtp.h>

GST_DEBUG_CATEGORY(gst_rtc_peer_bin_debug);

namespace {

using gst_rtc::peer::jitter_buffer_counters;
using gst_rtc::peer::jitter_buffer_new;

constexpr guint kRate = 90000;
constexpr GstClockTime kBase = 10 * GST_SECOND;

// An RTP packet (pt 96, SSRC 0x1234) with `seq`, RTP time `ts` and arrival
// running time `arrival` (DTS and PTS, as rtcicesrc stamps).
GstBuffer *packet(guint16 seq, guint32 ts, GstClockTime arrival, guint payload = 100) {
  GstBuffer *buf = gst_rtp_buffer_new_allocate(payload, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map(buf, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type(&rtp, 96);
  gst_rtp_buffer_set_seq(&rtp, seq);
  gst_rtp_buffer_set_timestamp(&rtp, ts);
  gst_rtp_buffer_set_ssrc(&rtp, 0x1234);
  memset(gst_rtp_buffer_get_payload(&rtp), seq & 0xff, payload);
  gst_rtp_buffer_unmap(&rtp);
  GST_BUFFER_PTS(buf) = GST_BUFFER_DTS(buf) = arrival;
  return buf;
}

guint16 seq_of(GstBuffer *buf) {
  guint8 head[4];
  gst_buffer_extract(buf, 0, head, 4);
  return GST_READ_UINT16_BE(head + 2);
}

GstHarness *jitter_harness(guint latency_ms, bool rtx, bool video = true) {
  GstElement *jb = jitter_buffer_new(
      [video](guint8 pt) {
        gst_rtc::peer::PayloadInfo info;
        if (pt == 96) info = {kRate, video};
        return info;
      },
      [](const std::string &) { return std::shared_ptr<gst_rtc::peer::SyncGroup>(); });
  g_object_set(jb, "latency", latency_ms, "do-retransmission", gboolean(rtx), nullptr);
  GstHarness *h = gst_harness_new_with_element(jb, "sink", "src");
  gst_harness_set_src_caps_str(h, "application/x-rtp");
  gst_harness_play(h);
  return h;
}

// Upstream retransmission requests so far: their sequence numbers; key
// unit requests counted in `key_units`.
std::vector<guint> requests(GstHarness *h, guint *key_units = nullptr) {
  std::vector<guint> seqs;
  while (GstEvent *e = gst_harness_try_pull_upstream_event(h)) {
    if (GST_EVENT_TYPE(e) == GST_EVENT_CUSTOM_UPSTREAM && gst_event_has_name(e, "GstRTPRetransmissionRequest")) {
      guint seq = 0;
      gst_structure_get_uint(gst_event_get_structure(e), "seqnum", &seq);
      seqs.push_back(seq);
    }
    if (key_units && GST_EVENT_TYPE(e) == GST_EVENT_CUSTOM_UPSTREAM && gst_event_has_name(e, "GstForceKeyUnit"))
      ++*key_units;
    gst_event_unref(e);
  }
  return seqs;
}

}  // namespace

GST_START_TEST(test_in_order_packets_leave_at_once) {
  GstHarness *h = jitter_harness(200, true);
  for (guint16 i = 0; i < 20; ++i) {
    fail_unless_equals_int(gst_harness_push(h, packet(65530 + i, i * 3000, kBase + i * 33 * GST_MSECOND)),
                           GST_FLOW_OK);
    // Out before the next one goes in: nothing waits for a timer.
    GstBuffer *out = gst_harness_try_pull(h);
    fail_unless(out != nullptr, "packet %u held", i);
    fail_unless_equals_int(seq_of(out), guint16(65530 + i));  // across the wrap
    fail_if(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT) && i > 0);
    gst_buffer_unref(out);
  }
  fail_unless(requests(h).empty(), "no request without a gap");
  fail_unless_equals_int(jitter_buffer_counters(h->element).pushed, 20);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_reordered_packets_leave_in_order) {
  GstHarness *h = jitter_harness(200, true);
  gst_harness_push(h, packet(100, 0, kBase));
  gst_buffer_unref(gst_harness_pull(h));
  gst_harness_push(h, packet(102, 6000, kBase + 66 * GST_MSECOND));
  fail_unless(gst_harness_try_pull(h) == nullptr, "102 waits for 101");
  // Asked for at once, not after a timer.
  std::vector<guint> asked = requests(h);
  fail_unless(asked.size() == 1 && asked[0] == 101, "one request for 101");
  gst_harness_push(h, packet(101, 3000, kBase + 70 * GST_MSECOND));
  for (guint16 want : {101, 102}) {
    GstBuffer *out = gst_harness_try_pull(h);
    fail_unless(out != nullptr);
    fail_unless_equals_int(seq_of(out), want);
    fail_if(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT), "a repaired gap is no discontinuity");
    gst_buffer_unref(out);
  }
  auto c = jitter_buffer_counters(h->element);
  fail_unless_equals_int(c.repaired, 1);
  fail_unless_equals_int(c.lost, 0);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_duplicates_and_late_packets_dropped) {
  GstHarness *h = jitter_harness(200, false);
  for (guint16 seq : {10, 11, 11, 10, 12}) gst_harness_push(h, packet(seq, seq * 3000u, kBase + seq * GST_MSECOND));
  std::vector<guint16> got;
  while (GstBuffer *out = gst_harness_try_pull(h)) {
    got.push_back(seq_of(out));
    gst_buffer_unref(out);
  }
  fail_unless(got == std::vector<guint16>({10, 11, 12}), "each packet once, in order");
  fail_unless_equals_int(jitter_buffer_counters(h->element).late, 2);
  fail_unless(requests(h).empty(), "do-retransmission off: no requests");
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_gap_given_up_after_latency) {
  GstHarness *h = jitter_harness(60, true);
  gst_harness_push(h, packet(1, 0, kBase));
  gst_buffer_unref(gst_harness_pull(h));
  const gint64 start = g_get_monotonic_time();
  gst_harness_push(h, packet(4, 9000, kBase + 100 * GST_MSECOND));
  gst_harness_push(h, packet(5, 12000, kBase + 133 * GST_MSECOND));
  // 2 and 3 never come: 4 and 5 leave once the latency has passed, the
  // first marked DISCONT (the depayloader drops the broken frame).
  GstBuffer *out = gst_harness_pull(h);  // waits (up to 60 s)
  const gint64 waited = g_get_monotonic_time() - start;
  fail_unless_equals_int(seq_of(out), 4);
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  fail_unless(waited >= 55000, "gave up after %" G_GINT64_FORMAT " us, before the 60 ms latency", waited);
  gst_buffer_unref(out);
  out = gst_harness_pull(h);
  fail_unless_equals_int(seq_of(out), 5);
  fail_if(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  gst_buffer_unref(out);
  fail_unless_equals_int(jitter_buffer_counters(h->element).lost, 2);
  // Asked for at once, and again while there was time (retries every 40 ms
  // before any round trip is measured); video lost: a key unit asked for.
  guint key_units = 0;
  std::vector<guint> asked = requests(h, &key_units);
  fail_unless(std::count(asked.begin(), asked.end(), 2u) >= 1 && std::count(asked.begin(), asked.end(), 3u) >= 1);
  fail_unless_equals_int(key_units, 1);
  // A packet of the given-up gap arriving now is too late.
  gst_harness_push(h, packet(2, 3000, kBase + 200 * GST_MSECOND));
  fail_unless(gst_harness_try_pull(h) == nullptr);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_audio_loss_asks_no_key_unit) {
  GstHarness *h = jitter_harness(30, false, false);
  gst_harness_push(h, packet(1, 0, kBase));
  gst_harness_push(h, packet(3, 1920, kBase + 40 * GST_MSECOND));
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 1);
  gst_buffer_unref(gst_harness_pull(h));
  gst_buffer_unref(gst_harness_pull(h));  // 3, after the latency
  guint key_units = 0;
  requests(h, &key_units);
  fail_unless_equals_int(key_units, 0);
  fail_unless_equals_int(jitter_buffer_counters(h->element).lost, 1);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_requests_repeated_until_repaired) {
  GstHarness *h = jitter_harness(1000, true);
  gst_harness_push(h, packet(1, 0, kBase));
  gst_buffer_unref(gst_harness_pull(h));
  gst_harness_push(h, packet(3, 6000, kBase + 66 * GST_MSECOND));
  // The first request at once, then one every 40 ms while 2 is missing.
  const gint64 until = g_get_monotonic_time() + 150000;
  std::vector<guint> asked;
  while (g_get_monotonic_time() < until) {
    for (guint s : requests(h)) asked.push_back(s);
    g_usleep(5000);
  }
  fail_unless(asked.size() >= 3, "%zu requests for 2 in 150 ms", asked.size());
  for (guint s : asked) fail_unless_equals_int(s, 2);
  gst_harness_push(h, packet(2, 3000, kBase + 300 * GST_MSECOND));
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 2);
  g_usleep(100000);
  requests(h);
  g_usleep(100000);
  fail_unless(requests(h).empty(), "no request once repaired");
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_timestamps_follow_rtp_time_not_arrival_jitter) {
  GstHarness *h = jitter_harness(200, false);
  // 30 frames at 30 fps, arriving up to 25 ms late (the first on time).
  const guint jitter_ms[] = {0, 12, 3, 25, 7, 18, 1, 9, 22, 4};
  for (guint i = 0; i < 30; ++i) {
    const GstClockTime arrival = kBase + gst_util_uint64_scale(i * 3000, GST_SECOND, kRate) + jitter_ms[i % 10] * GST_MSECOND;
    gst_harness_push(h, packet(guint16(i), i * 3000, arrival));
  }
  for (guint i = 0; i < 30; ++i) {
    GstBuffer *out = gst_harness_pull(h);
    const GstClockTime want = kBase + gst_util_uint64_scale(i * 3000, GST_SECOND, kRate);
    fail_unless_equals_uint64(GST_BUFFER_PTS(out), want);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
}
GST_END_TEST;

namespace {

GstBuffer *rtp_packet(guint8 pt, guint32 ssrc, guint16 seq, guint32 ts, GstClockTime arrival) {
  GstBuffer *buf = packet(seq, ts, arrival);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map(buf, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type(&rtp, pt);
  gst_rtp_buffer_set_ssrc(&rtp, ssrc);
  gst_rtp_buffer_unmap(&rtp);
  return buf;
}

// A sender report (NTP `ntp` is RTP `ts` on `ssrc`) with the SDES CNAME.
GstBuffer *sender_report(guint32 ssrc, guint64 ntp, guint32 ts, const char *cname) {
  GstBuffer *buf = gst_rtcp_buffer_new(1400);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  gst_rtcp_buffer_map(buf, GST_MAP_READWRITE, &rtcp);
  GstRTCPPacket packet;
  gst_rtcp_buffer_add_packet(&rtcp, GST_RTCP_TYPE_SR, &packet);
  gst_rtcp_packet_sr_set_sender_info(&packet, ssrc, ntp, ts, 0, 0);
  gst_rtcp_buffer_add_packet(&rtcp, GST_RTCP_TYPE_SDES, &packet);
  gst_rtcp_packet_sdes_add_item(&packet, ssrc);
  gst_rtcp_packet_sdes_add_entry(&packet, GST_RTCP_SDES_CNAME, guint8(strlen(cname)),
                                 reinterpret_cast<const guint8 *>(cname));
  gst_rtcp_buffer_unmap(&rtcp);
  return buf;
}

}  // namespace

GST_START_TEST(test_sender_reports_sync_audio_and_video) {
  // Two streams of one sender (CNAME "peer"): Opus at 48 kHz and video at
  // 90 kHz, captured together, the video arriving 60 ms later (its
  // encoder). After their sender reports both get the same PTS: lip sync.
  auto groups = std::make_shared<std::map<std::string, std::shared_ptr<gst_rtc::peer::SyncGroup>>>();
  auto group_of = [groups](const std::string &cname) {
    auto &g = (*groups)[cname];
    if (!g) g = std::make_shared<gst_rtc::peer::SyncGroup>();
    return g;
  };
  auto payload = [](guint8 pt) {
    gst_rtc::peer::PayloadInfo info;
    if (pt == 96) info = {90000, true};
    if (pt == 111) info = {48000, false};
    return info;
  };
  GstHarness *audio = gst_harness_new_with_element(jitter_buffer_new(payload, group_of), "sink", "src");
  GstHarness *video = gst_harness_new_with_element(jitter_buffer_new(payload, group_of), "sink", "src");
  GstHarness *audio_rtcp = gst_harness_new_with_element(audio->element, "sink_rtcp", nullptr);
  GstHarness *video_rtcp = gst_harness_new_with_element(video->element, "sink_rtcp", nullptr);
  for (GstHarness *h : {audio, video}) {
    gst_harness_set_src_caps_str(h, "application/x-rtp");
    gst_harness_play(h);
  }
  for (GstHarness *h : {audio_rtcp, video_rtcp}) gst_harness_set_src_caps_str(h, "application/x-rtcp");
  const guint32 a0 = 1000, v0 = 7777777;
  const guint64 t0 = G_GUINT64_CONSTANT(3900000000) << 32;  // NTP, seconds since 1900
  gst_harness_push(audio, rtp_packet(111, 0xa, 1, a0, kBase));
  gst_harness_push(video, rtp_packet(96, 0xb, 1, v0, kBase + 60 * GST_MSECOND));
  GstBuffer *a = gst_harness_pull(audio), *v = gst_harness_pull(video);
  // Before any report each is timed by its own arrival: 60 ms apart.
  fail_unless_equals_uint64(GST_BUFFER_PTS(v) - GST_BUFFER_PTS(a), 60 * GST_MSECOND);
  gst_buffer_unref(a);
  gst_buffer_unref(v);
  gst_harness_push(audio_rtcp, sender_report(0xa, t0, a0, "peer"));
  gst_harness_push(video_rtcp, sender_report(0xb, t0, v0, "peer"));
  // One second of capture later.
  gst_harness_push(audio, rtp_packet(111, 0xa, 2, a0 + 48000, kBase + GST_SECOND));
  gst_harness_push(video, rtp_packet(96, 0xb, 2, v0 + 90000, kBase + GST_SECOND + 60 * GST_MSECOND));
  a = gst_harness_pull(audio);
  v = gst_harness_pull(video);
  fail_unless_equals_uint64(GST_BUFFER_PTS(a), kBase + GST_SECOND);
  fail_unless_equals_uint64(GST_BUFFER_PTS(v), GST_BUFFER_PTS(a));
  gst_buffer_unref(a);
  gst_buffer_unref(v);
  for (GstHarness *h : {audio_rtcp, video_rtcp, audio, video}) gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_latency_query_adds_latency) {
  GstHarness *h = jitter_harness(150, false);
  // The harness's src is live with no latency of its own.
  gst_harness_set_upstream_latency(h, 10 * GST_MSECOND);
  fail_unless_equals_uint64(gst_harness_query_latency(h), 160 * GST_MSECOND);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_sender_restart_is_a_new_start) {
  GstHarness *h = jitter_harness(200, true);
  gst_harness_push(h, packet(100, 0, kBase));
  gst_buffer_unref(gst_harness_pull(h));
  gst_harness_push(h, packet(40000, 500, kBase + 10 * GST_MSECOND));
  GstBuffer *out = gst_harness_try_pull(h);
  fail_unless(out != nullptr, "a far jump is not a gap to wait for");
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  gst_buffer_unref(out);
  fail_unless(requests(h).empty());
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_eos_releases_held_packets) {
  GstHarness *h = jitter_harness(5000, false);
  gst_harness_push(h, packet(1, 0, kBase));
  gst_harness_push(h, packet(3, 6000, kBase + 66 * GST_MSECOND));
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 2);
  gst_harness_teardown(h);
}
GST_END_TEST;

namespace {

GstHarness *rtx_harness() {
  GstElement *rtx = gst_rtc::peer::rtx_send_new();
  gst_rtc::peer::rtx_send_configure(rtx, {{96, 97}}, {{0x1234, 0x5678}});
  GstHarness *h = gst_harness_new_with_element(rtx, "sink", "src");
  gst_harness_set_src_caps_str(h, "application/x-rtp");
  gst_harness_play(h);
  return h;
}

GstEvent *rtx_request(guint seq, guint ssrc) {
  return gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM,
                              gst_structure_new("GstRTPRetransmissionRequest", "seqnum", G_TYPE_UINT, seq, "ssrc",
                                                G_TYPE_UINT, ssrc, nullptr));
}

// Sends `orig` through the RTX sender, asks for packet `seq` of `ssrc`
// again and returns the retransmission.
GstBuffer *repair(GstHarness *h, GstBuffer *orig, guint seq, guint ssrc) {
  gst_harness_push(h, orig);
  gst_buffer_unref(gst_harness_pull(h));
  fail_unless(gst_harness_push_upstream_event(h, rtx_request(seq, ssrc)));
  return gst_harness_pull(h);
}

}  // namespace

GST_START_TEST(test_rtx_packet_per_rfc4588) {
  GstHarness *h = rtx_harness();
  // A packet with a header extension, padding and the marker.
  GstBuffer *orig = gst_rtp_buffer_new_allocate(40, 4, 0);
  {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map(orig, GST_MAP_WRITE, &rtp);
    gst_rtp_buffer_set_payload_type(&rtp, 96);
    gst_rtp_buffer_set_seq(&rtp, 777);
    gst_rtp_buffer_set_timestamp(&rtp, 123456);
    gst_rtp_buffer_set_ssrc(&rtp, 0x1234);
    gst_rtp_buffer_set_marker(&rtp, TRUE);
    guint8 mid = 'v';
    gst_rtp_buffer_add_extension_onebyte_header(&rtp, 1, &mid, 1);
    memset(gst_rtp_buffer_get_payload(&rtp), 0xab, 40);
    gst_rtp_buffer_unmap(&rtp);
  }
  GstBuffer *rtx = repair(h, orig, 777, 0x1234);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless(gst_rtp_buffer_map(rtx, GST_MAP_READ, &rtp));
  fail_unless_equals_int(gst_rtp_buffer_get_payload_type(&rtp), 97);
  fail_unless_equals_int(gst_rtp_buffer_get_ssrc(&rtp), 0x5678);
  fail_unless_equals_int(gst_rtp_buffer_get_timestamp(&rtp), 123456);
  fail_unless(gst_rtp_buffer_get_marker(&rtp));
  fail_if(gst_rtp_buffer_get_padding(&rtp), "padding is not repeated");
  gpointer ext = nullptr;
  guint ext_size = 0;
  fail_unless(gst_rtp_buffer_get_extension_onebyte_header(&rtp, 1, 0, &ext, &ext_size));
  fail_unless_equals_int(ext_size, 1);
  fail_unless_equals_int(*static_cast<guint8 *>(ext), 'v');
  // OSN, then the original payload.
  const guint8 *payload = static_cast<const guint8 *>(gst_rtp_buffer_get_payload(&rtp));
  fail_unless_equals_int(gst_rtp_buffer_get_payload_len(&rtp), 42);
  fail_unless_equals_int(GST_READ_UINT16_BE(payload), 777);
  fail_unless_equals_int(payload[2], 0xab);
  fail_unless_equals_int(payload[41], 0xab);
  const guint16 first_rtx_seq = gst_rtp_buffer_get_seq(&rtp);
  gst_rtp_buffer_unmap(&rtp);
  gst_buffer_unref(rtx);
  // Again: the next rtx sequence number.
  fail_unless(gst_harness_push_upstream_event(h, rtx_request(777, 0x1234)));
  rtx = gst_harness_pull(h);
  fail_unless(gst_rtp_buffer_map(rtx, GST_MAP_READ, &rtp));
  fail_unless_equals_int(gst_rtp_buffer_get_seq(&rtp), guint16(first_rtx_seq + 1));
  gst_rtp_buffer_unmap(&rtp);
  gst_buffer_unref(rtx);
  fail_unless_equals_int(gst_rtc::peer::rtx_send_packets(h->element), 2);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_rtx_request_for_unkept_packet) {
  GstHarness *h = rtx_harness();
  gst_harness_push(h, packet(5, 0, kBase));
  gst_buffer_unref(gst_harness_pull(h));
  fail_unless(gst_harness_push_upstream_event(h, rtx_request(4, 0x1234)));  // never sent
  fail_unless(gst_harness_try_pull(h) == nullptr);
  fail_unless_equals_int(gst_rtc::peer::rtx_send_misses(h->element), 1);
  // A packet whose payload type has no rtx is not kept.
  GstBuffer *other = packet(6, 0, kBase);
  {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map(other, GST_MAP_WRITE, &rtp);
    gst_rtp_buffer_set_payload_type(&rtp, 111);
    gst_rtp_buffer_unmap(&rtp);
  }
  gst_harness_push(h, other);
  gst_buffer_unref(gst_harness_pull(h));
  fail_unless(gst_harness_push_upstream_event(h, rtx_request(6, 0x1234)));
  fail_unless(gst_harness_try_pull(h) == nullptr);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_rtx_for_unsignalled_ssrc) {
  GstHarness *h = rtx_harness();
  GstBuffer *buf = packet(9, 0, kBase);
  {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map(buf, GST_MAP_WRITE, &rtp);
    gst_rtp_buffer_set_ssrc(&rtp, 0xabcd);
    gst_rtp_buffer_unmap(&rtp);
  }
  GstBuffer *rtx = repair(h, buf, 9, 0xabcd);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless(gst_rtp_buffer_map(rtx, GST_MAP_READ, &rtp));
  fail_unless_equals_int(gst_rtp_buffer_get_payload_type(&rtp), 97);
  fail_if(gst_rtp_buffer_get_ssrc(&rtp) == 0xabcd || gst_rtp_buffer_get_ssrc(&rtp) == 0x5678,
          "an rtx SSRC of its own");
  gst_rtp_buffer_unmap(&rtp);
  gst_buffer_unref(rtx);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_rtx_of_simulcast_layer_names_it_repaired) {
  // A layer's packet carries MID (id 1) and RID "hi" (id 10); its
  // retransmission carries the RID as repaired-RID (id 11), or, with no
  // repaired-RID negotiated, no RID at all (RFC 8852 3.2).
  for (guint8 repaired : {guint8(11), guint8(0)}) {
    GstHarness *h = rtx_harness();
    gst_rtc::peer::rtx_send_configure(h->element, {{96, 97}}, {{0x1234, 0x5678}}, 10, repaired);
    GstBuffer *orig = packet(50, 0, kBase);
    {
      GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
      gst_rtp_buffer_map(orig, GST_MAP_WRITE, &rtp);
      gst_rtp_buffer_set_ssrc(&rtp, 0x1234);
      guint8 mid = 'v';
      gst_rtp_buffer_add_extension_onebyte_header(&rtp, 1, &mid, 1);
      gst_rtp_buffer_add_extension_onebyte_header(&rtp, 10, "hi", 2);
      gst_rtp_buffer_unmap(&rtp);
    }
    GstBuffer *rtx = repair(h, orig, 50, 0x1234);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless(gst_rtp_buffer_map(rtx, GST_MAP_READ, &rtp));
    gpointer data = nullptr;
    guint size = 0;
    fail_unless(gst_rtp_buffer_get_extension_onebyte_header(&rtp, 1, 0, &data, &size), "the MID stays");
    fail_if(gst_rtp_buffer_get_extension_onebyte_header(&rtp, 10, 0, &data, &size), "no RID on a repair");
    if (repaired) {
      fail_unless(gst_rtp_buffer_get_extension_onebyte_header(&rtp, repaired, 0, &data, &size));
      fail_unless(size == 2 && memcmp(data, "hi", 2) == 0);
    }
    fail_unless_equals_int(GST_READ_UINT16_BE(gst_rtp_buffer_get_payload(&rtp)), 50);
    gst_rtp_buffer_unmap(&rtp);
    gst_buffer_unref(rtx);
    gst_harness_teardown(h);
  }
}
GST_END_TEST;

static Suite *peer_rtp_parts_suite(void) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_peer_bin_debug, "rtcpeerbin", 0, "rtcpeerbin (test)");
  Suite *s = suite_create("rtcpeerbin-rtp-parts");
  TCase *tc = tcase_create("jitterbuffer");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_in_order_packets_leave_at_once);
  tcase_add_test(tc, test_reordered_packets_leave_in_order);
  tcase_add_test(tc, test_duplicates_and_late_packets_dropped);
  tcase_add_test(tc, test_gap_given_up_after_latency);
  tcase_add_test(tc, test_requests_repeated_until_repaired);
  tcase_add_test(tc, test_audio_loss_asks_no_key_unit);
  tcase_add_test(tc, test_timestamps_follow_rtp_time_not_arrival_jitter);
  tcase_add_test(tc, test_latency_query_adds_latency);
  tcase_add_test(tc, test_sender_reports_sync_audio_and_video);
  tcase_add_test(tc, test_sender_restart_is_a_new_start);
  tcase_add_test(tc, test_eos_releases_held_packets);
  TCase *rtx = tcase_create("rtx");
  tcase_set_timeout(rtx, 60);
  suite_add_tcase(s, rtx);
  tcase_add_test(rtx, test_rtx_packet_per_rfc4588);
  tcase_add_test(rtx, test_rtx_request_for_unkept_packet);
  tcase_add_test(rtx, test_rtx_for_unsignalled_ssrc);
  tcase_add_test(rtx, test_rtx_of_simulcast_layer_names_it_repaired);
  return s;
}

GST_CHECK_MAIN(peer_rtp_parts);
