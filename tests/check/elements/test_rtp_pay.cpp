// rtcpay with real encoders (GstHarness): packets within the MTU, marker
// bits, RTP clocks, PT/SSRC from properties, parameter sets before every
// H.264/H.265 keyframe (a forced one included), VP8/VP9 15-bit picture ids,
// Opus and G.711; then rtcdepay gives back what the encoder wrote (or frames
// a decoder decodes).
#include <algorithm>

#include "test_rtp_common.h"

using namespace rtp_test;

namespace {

constexpr guint kSsrc = 0x1234abcd;

// Input buffers as they enter rtcpay, recorded by a probe on its sink pad.
struct Recorder {
  std::vector<Bytes> frames;
  std::vector<bool> keyframes;
};

GstPadProbeReturn record_probe(GstPad *, GstPadProbeInfo *info, gpointer data) {
  auto *rec = static_cast<Recorder *>(data);
  GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
  rec->frames.push_back(bytes_of(b));
  rec->keyframes.push_back(!GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT));
  return GST_PAD_PROBE_OK;
}

void record_input(GstHarness *h, Recorder *rec) {
  GstPad *pad = gst_element_get_static_pad(h->element, "sink");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, record_probe, rec, nullptr);
  gst_object_unref(pad);
}

// One encoded frame's packets (same RTP timestamp).
using Frame = std::vector<Packet>;

std::vector<Frame> group_frames(const std::vector<Packet> &packets) {
  std::vector<Frame> frames;
  for (const Packet &p : packets) {
    if (frames.empty() || frames.back().back().ts != p.ts) frames.emplace_back();
    frames.back().push_back(p);
  }
  return frames;
}

// What every video frame of every codec must satisfy.
void check_video_frames(const std::vector<Frame> &frames, guint mtu, guint8 pt, guint32 ssrc,
                        guint32 ts_step) {
  fail_unless(!frames.empty());
  guint16 seq = frames.front().front().seq;
  for (size_t f = 0; f < frames.size(); ++f) {
    const Frame &frame = frames[f];
    for (size_t i = 0; i < frame.size(); ++i) {
      const Packet &p = frame[i];
      fail_unless(p.size <= mtu, "packet of %zu bytes above the MTU %u", p.size, mtu);
      fail_unless_equals_int(p.pt, pt);
      fail_unless_equals_int(p.ssrc, ssrc);
      fail_unless_equals_int(p.seq, seq);
      seq = guint16(seq + 1);
      // The marker ends the frame, and only there.
      fail_unless(p.marker == (i + 1 == frame.size()), "frame %zu packet %zu/%zu marker %d", f, i,
                  frame.size(), p.marker);
    }
    if (f > 0) {
      // n frame intervals, give or take the rounding of 1/30 s.
      const guint32 step = frame.front().ts - frames[f - 1].front().ts;
      const guint32 n = (step + ts_step / 2) / ts_step;
      fail_unless(n >= 1 && (step + 1 >= n * ts_step) && (step <= n * ts_step + 1),
                  "RTP timestamp step %u, expected n x %u", step, ts_step);
    }
  }
}

std::vector<Packet> parse_all(const std::vector<GstBuffer *> &buffers, guint8 mid_id = 0) {
  std::vector<Packet> out;
  for (GstBuffer *b : buffers) out.push_back(parse(b, mid_id));
  return out;
}

GstHarness *pay_harness(const char *src_launch) {
  GstHarness *h = gst_harness_new("rtcpay");
  gst_harness_add_src_parse(h, src_launch, TRUE);
  return h;
}

// Pushes `n` source buffers through rtcpay; the RTP packets pile up at the sink.
void push_frames(GstHarness *h, int n) {
  for (int i = 0; i < n; ++i) fail_unless_equals_int(gst_harness_push_from_src(h), GST_FLOW_OK);
}

GstStructure *output_caps(GstHarness *h) {
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  fail_unless(caps != nullptr);
  GstStructure *s = gst_structure_copy(gst_caps_get_structure(caps, 0));
  gst_caps_unref(caps);
  return s;
}

void check_rtp_caps(GstHarness *h, const char *media, const char *encoding, int clock_rate, int pt) {
  GstStructure *s = output_caps(h);
  fail_unless_equals_string(gst_structure_get_name(s), "application/x-rtp");
  fail_unless_equals_string(gst_structure_get_string(s, "media"), media);
  fail_unless_equals_string(gst_structure_get_string(s, "encoding-name"), encoding);
  int v = 0;
  fail_unless(gst_structure_get_int(s, "clock-rate", &v));
  fail_unless_equals_int(v, clock_rate);
  fail_unless(gst_structure_get_int(s, "payload", &v));
  fail_unless_equals_int(v, pt);
  gst_structure_free(s);
}

// The RTP packets of `h` into rtcdepay (`launch` behind it): everything out.
std::vector<GstBuffer *> depay(GstHarness *pay, const std::vector<GstBuffer *> &packets, const char *launch) {
  GstHarness *d = gst_harness_new_parse(launch);
  GstCaps *caps = gst_pad_get_current_caps(pay->sinkpad);
  gst_harness_set_src_caps(d, caps);
  for (GstBuffer *b : packets) fail_unless_equals_int(gst_harness_push(d, gst_buffer_ref(b)), GST_FLOW_OK);
  fail_unless(gst_harness_push_event(d, gst_event_new_eos()));
  std::vector<GstBuffer *> out = pull_all(d);
  gst_harness_teardown(d);
  return out;
}

// H.264 NAL unit types of one frame's packets, in order (STAP-A and FU-A
// opened; a FU-A counts once, at its start).
std::vector<int> h264_nal_types(const Frame &frame) {
  std::vector<int> types;
  for (const Packet &p : frame) {
    fail_unless(!p.payload.empty());
    const int type = p.payload[0] & 0x1f;
    if (type == 24) {
      size_t pos = 1;
      while (pos + 2 < p.payload.size()) {
        const size_t len = (size_t(p.payload[pos]) << 8) | p.payload[pos + 1];
        fail_unless(pos + 2 + len <= p.payload.size(), "STAP-A overruns the packet");
        types.push_back(p.payload[pos + 2] & 0x1f);
        pos += 2 + len;
      }
    } else if (type == 28) {
      if (p.payload[1] & 0x80) types.push_back(p.payload[1] & 0x1f);
    } else {
      types.push_back(type);
    }
  }
  return types;
}

// Parameter sets (`before` types) come ahead of the first `idr` NAL.
bool params_precede(const std::vector<int> &types, std::initializer_list<int> before,
                    std::initializer_list<int> idr) {
  for (size_t i = 0; i < types.size(); ++i) {
    if (std::find(idr.begin(), idr.end(), types[i]) == idr.end()) continue;
    for (int want : before) {
      if (std::find(types.begin(), types.begin() + i, want) == types.begin() + i) return false;
    }
    return true;
  }
  return false;
}

bool has_type(const std::vector<int> &types, std::initializer_list<int> wanted) {
  for (int t : types)
    if (std::find(wanted.begin(), wanted.end(), t) != wanted.end()) return true;
  return false;
}

// The force-key-unit a PLI becomes (rtpbin sends the same event upstream),
// carried from rtcpay's src pad to the encoder the way a pipeline would.
void request_keyframe(GstHarness *h) {
  GstStructure *s = gst_structure_new("GstForceKeyUnit", "all-headers", G_TYPE_BOOLEAN, TRUE, "count",
                                      G_TYPE_UINT, 1u, nullptr);
  fail_unless(gst_harness_push_upstream_event(h, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM, s)));
  GstEvent *ev;
  bool forwarded = false;
  while ((ev = gst_harness_try_pull_upstream_event(h))) {
    if (GST_EVENT_TYPE(ev) == GST_EVENT_CUSTOM_UPSTREAM) {
      fail_unless(gst_harness_push_upstream_event(h->src_harness, ev));
      forwarded = true;
    } else {
      gst_event_unref(ev);
    }
  }
  fail_unless(forwarded, "the force-key-unit event did not come out of rtcpay's sink pad");
}

}  // namespace

GST_START_TEST(test_h264_mtu_marker_and_parameter_sets_before_every_idr) {
  use_plugins({"videotestsrc", "x264", "libav"});
  if (missing("x264enc", "gstreamer1.0-plugins-ugly")) return;
  GstHarness *h = pay_harness(
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "x264enc tune=zerolatency speed-preset=ultrafast bitrate=3000 key-int-max=1000");
  g_object_set(h->element, "pt", 102, "ssrc", kSsrc, nullptr);
  push_frames(h, 8);
  request_keyframe(h);
  push_frames(h, 8);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "video", "H264", 90000, 102);
  std::vector<Frame> frames = group_frames(parse_all(buffers));
  fail_unless_equals_int(frames.size(), 16);
  check_video_frames(frames, 1200, 102, kSsrc, 3000);

  std::vector<size_t> idr_frames;
  bool fragmented = false;
  for (size_t f = 0; f < frames.size(); ++f) {
    std::vector<int> types = h264_nal_types(frames[f]);
    fragmented |= frames[f].size() > 1;
    if (has_type(types, {5})) {
      idr_frames.push_back(f);
      fail_unless(params_precede(types, {7, 8}, {5}), "IDR in frame %zu without SPS+PPS ahead of it", f);
    }
  }
  fail_unless(fragmented, "no frame was larger than the MTU: the test does not exercise FU-A");
  // The first frame and the one the force-key-unit asked for (x264 answers
  // within a frame or two; key-int-max keeps it from making one itself).
  fail_unless(idr_frames.size() == 2, "%zu IDR frames", idr_frames.size());
  fail_unless_equals_int(idr_frames[0], 0);
  fail_unless(idr_frames[1] >= 8 && idr_frames[1] <= 10, "forced IDR at frame %zu", idr_frames[1]);

  // rtcdepay: byte-stream access units, each one decodes.
  std::vector<GstBuffer *> aus = depay(h, buffers, "rtcdepay");
  fail_unless_equals_int(aus.size(), 16);
  for (GstBuffer *au : aus) {
    Bytes b = bytes_of(au);
    fail_unless(b.size() > 4 && b[0] == 0 && b[1] == 0 && ((b[2] == 0 && b[3] == 1) || b[2] == 1));
  }
  unref_all(aus);
  if (!missing("avdec_h264", "gstreamer1.0-libav")) {
    std::vector<GstBuffer *> decoded = depay(h, buffers, "rtcdepay ! avdec_h264 max-threads=1");
    fail_unless_equals_int(decoded.size(), 16);
    unref_all(decoded);
  }
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_h264_avc_input) {
  use_plugins({"videotestsrc", "x264"});
  if (missing("x264enc", "gstreamer1.0-plugins-ugly")) return;
  GstHarness *h = pay_harness(
      "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=4 ! capsfilter "
      "caps=video/x-h264,stream-format=avc");
  g_object_set(h->element, "ssrc", kSsrc, "mtu", 600u, nullptr);
  push_frames(h, 9);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "video", "H264", 90000, 96);
  std::vector<Frame> frames = group_frames(parse_all(buffers));
  fail_unless_equals_int(frames.size(), 9);
  check_video_frames(frames, 600, 96, kSsrc, 3000);
  int idrs = 0;
  for (const Frame &f : frames) {
    std::vector<int> types = h264_nal_types(f);
    if (!has_type(types, {5})) continue;
    ++idrs;
    // avc carries SPS/PPS in codec_data only: the payloader must insert them.
    fail_unless(params_precede(types, {7, 8}, {5}));
  }
  fail_unless_equals_int(idrs, 3);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

// VP8 payload descriptor (RFC 7741 section 4.2): X, then I, then a 15-bit id.
static int vp8_picture_id(const Packet &p) {
  fail_unless(p.payload.size() > 4);
  fail_unless(p.payload[0] & 0x80, "X bit missing");
  fail_unless(p.payload[1] & 0x80, "I bit (picture id) missing");
  fail_unless(p.payload[2] & 0x80, "picture id is not 15-bit");
  return ((p.payload[2] & 0x7f) << 8) | p.payload[3];
}

GST_START_TEST(test_vp8_picture_id_and_round_trip) {
  use_plugins({"videotestsrc", "vpx"});
  if (missing("vp8enc", "gstreamer1.0-plugins-good")) return;
  GstHarness *h = pay_harness(
      "videotestsrc is-live=true pattern=snow ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 lag-in-frames=0 target-bitrate=3000000 keyframe-max-dist=1000");
  g_object_set(h->element, "pt", 100, "ssrc", kSsrc, "mid", "video0", "mid-extension-id", 3u, nullptr);
  Recorder rec;
  record_input(h, &rec);
  push_frames(h, 12);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "video", "VP8", 90000, 100);
  std::vector<Packet> packets = parse_all(buffers, 3);
  std::vector<Frame> frames = group_frames(packets);
  fail_unless_equals_int(frames.size(), 12);
  check_video_frames(frames, 1200, 100, kSsrc, 3000);
  bool fragmented = false;
  for (size_t f = 0; f < frames.size(); ++f) {
    fragmented |= frames[f].size() > 1;
    const int id = vp8_picture_id(frames[f].front());
    for (const Packet &p : frames[f]) {
      fail_unless_equals_int(vp8_picture_id(p), id);
      fail_unless(p.has_mid, "no MID header extension");
      fail_unless_equals_string(p.mid.c_str(), "video0");
    }
    if (f > 0) fail_unless_equals_int(id, (vp8_picture_id(frames[f - 1].front()) + 1) & 0x7fff);
  }
  fail_unless(fragmented);

  std::vector<GstBuffer *> out = depay(h, buffers, "rtcdepay");
  fail_unless_equals_int(out.size(), rec.frames.size());
  for (size_t i = 0; i < out.size(); ++i)
    fail_unless(bytes_of(out[i]) == rec.frames[i], "frame %zu differs", i);
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_vp9_picture_id_and_round_trip) {
  use_plugins({"videotestsrc", "vpx"});
  if (missing("vp9enc", "gstreamer1.0-plugins-good")) return;
  GstHarness *h = pay_harness(
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp9enc deadline=1 lag-in-frames=0 target-bitrate=3000000 keyframe-max-dist=1000 cpu-used=8");
  g_object_set(h->element, "ssrc", kSsrc, nullptr);
  Recorder rec;
  record_input(h, &rec);
  push_frames(h, 8);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "video", "VP9", 90000, 96);
  std::vector<Frame> frames = group_frames(parse_all(buffers));
  fail_unless_equals_int(frames.size(), 8);
  check_video_frames(frames, 1200, 96, kSsrc, 3000);
  for (const Frame &f : frames) {
    for (const Packet &p : f) {
      // VP9 descriptor (RFC 9628 section 4.2): I, then M for a 15-bit id.
      fail_unless(p.payload.size() > 3 && (p.payload[0] & 0x80) && (p.payload[1] & 0x80));
    }
  }
  std::vector<GstBuffer *> out = depay(h, buffers, "rtcdepay");
  fail_unless_equals_int(out.size(), rec.frames.size());
  for (size_t i = 0; i < out.size(); ++i)
    fail_unless(bytes_of(out[i]) == rec.frames[i], "frame %zu differs", i);
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_opus_stereo_clock_and_round_trip) {
  use_plugins({"audiotestsrc", "opus"});
  if (missing("opusenc", "gstreamer1.0-plugins-base")) return;
  GstHarness *h = pay_harness(
      "audiotestsrc is-live=true samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=2 ! opusenc");
  g_object_set(h->element, "ssrc", kSsrc, nullptr);
  Recorder rec;
  record_input(h, &rec);
  push_frames(h, 10);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "audio", "OPUS", 48000, 111);
  GstStructure *s = output_caps(h);
  // Stereo input is announced for the SDP (RFC 7587 sprop-stereo).
  fail_unless_equals_string(gst_structure_get_string(s, "sprop-stereo"), "1");
  gst_structure_free(s);
  std::vector<Packet> packets = parse_all(buffers);
  fail_unless(packets.size() >= 9);
  // 20 ms apart (the first packet is early by the encoder's pre-skip).
  for (size_t i = 2; i < packets.size(); ++i) {
    fail_unless_equals_int(packets[i].ts - packets[i - 1].ts, 960);
    fail_unless_equals_int(packets[i].ssrc, kSsrc);
  }
  std::vector<GstBuffer *> out = depay(h, buffers, "rtcdepay");
  fail_unless_equals_int(out.size(), rec.frames.size());
  for (size_t i = 0; i < out.size(); ++i)
    fail_unless(bytes_of(out[i]) == rec.frames[i], "packet %zu differs", i);
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

static void check_g711(const char *encoder, const char *encoding, int pt) {
  gchar *launch = g_strdup_printf(
      "audiotestsrc is-live=true samplesperbuffer=400 ! audio/x-raw,rate=8000,channels=1 ! %s", encoder);
  GstHarness *h = pay_harness(launch);
  g_free(launch);
  Recorder rec;
  record_input(h, &rec);
  push_frames(h, 8);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "audio", encoding, 8000, pt);
  std::vector<Packet> packets = parse_all(buffers);
  // 3200 samples in, 20 ms (160 byte) packets out.
  fail_unless_equals_int(packets.size(), 20);
  for (size_t i = 0; i < packets.size(); ++i) {
    fail_unless_equals_int(packets[i].payload.size(), 160);
    if (i > 0) fail_unless_equals_int(packets[i].ts - packets[i - 1].ts, 160);
  }
  Bytes in;
  for (const Bytes &b : rec.frames) in.insert(in.end(), b.begin(), b.end());
  std::vector<GstBuffer *> out = depay(h, buffers, "rtcdepay");
  Bytes back;
  for (GstBuffer *b : out) {
    Bytes x = bytes_of(b);
    back.insert(back.end(), x.begin(), x.end());
  }
  fail_unless(back == in, "G.711 bytes differ after the round trip");
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(h);
}

GST_START_TEST(test_pcmu_pcma_20ms_packets) {
  use_plugins({"audiotestsrc", "mulaw", "alaw"});
  if (missing("mulawenc", "gstreamer1.0-plugins-good")) return;
  check_g711("mulawenc", "PCMU", 0);
  check_g711("alawenc", "PCMA", 8);
}
GST_END_TEST;

GST_START_TEST(test_h265_parameter_sets_before_keyframes) {
  use_plugins({"videotestsrc", "x265"});
  // x265enc is gst-plugins-bad: a test-only encoder here.
  if (missing("x265enc", "gstreamer1.0-plugins-bad")) return;
  GstHarness *h = pay_harness(
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "x265enc tune=zerolatency speed-preset=ultrafast bitrate=3000 key-int-max=5");
  g_object_set(h->element, "ssrc", kSsrc, nullptr);
  push_frames(h, 11);
  std::vector<GstBuffer *> buffers = pull_all(h);
  check_rtp_caps(h, "video", "H265", 90000, 96);
  std::vector<Frame> frames = group_frames(parse_all(buffers));
  fail_unless_equals_int(frames.size(), 11);
  check_video_frames(frames, 1200, 96, kSsrc, 3000);
  int keyframes = 0;
  for (const Frame &frame : frames) {
    // H.265 NAL types (RFC 7798): AP 48, FU 49 (type in the FU header).
    std::vector<int> types;
    for (const Packet &p : frame) {
      const int type = (p.payload[0] >> 1) & 0x3f;
      if (type == 48) {
        size_t pos = 2;
        while (pos + 2 < p.payload.size()) {
          const size_t len = (size_t(p.payload[pos]) << 8) | p.payload[pos + 1];
          types.push_back((p.payload[pos + 2] >> 1) & 0x3f);
          pos += 2 + len;
        }
      } else if (type == 49) {
        if (p.payload[2] & 0x80) types.push_back(p.payload[2] & 0x3f);
      } else {
        types.push_back(type);
      }
    }
    if (!has_type(types, {19, 20, 21})) continue;
    ++keyframes;
    std::string list;
    for (int t : types) list += std::to_string(t) + " ";
    fail_unless(params_precede(types, {32, 33, 34}, {19, 20, 21}), "keyframe without VPS+SPS+PPS ahead: %s",
                list.c_str());
  }
  fail_unless(keyframes >= 2, "%d keyframes", keyframes);
  // One access unit per frame at the far end (avdec_h264 decodes the H.264
  // test's; libav is slow to load under ASan, once is enough).
  std::vector<GstBuffer *> aus = depay(h, buffers, "rtcdepay");
  fail_unless_equals_int(aus.size(), 11);
  unref_all(aus);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Loss on the receive side asks for a keyframe: rtcdepay sends the
// force-key-unit upstream that rtpbin turns into a PLI.
GST_START_TEST(test_depay_requests_keyframe_on_loss) {
  use_plugins({"videotestsrc", "vpx"});
  if (missing("vp8enc", "gstreamer1.0-plugins-good")) return;
  GstHarness *h = pay_harness(
      "videotestsrc is-live=true pattern=snow ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 lag-in-frames=0 target-bitrate=3000000 keyframe-max-dist=1000");
  push_frames(h, 4);
  std::vector<GstBuffer *> buffers = pull_all(h);
  fail_unless(buffers.size() > 6);
  GstHarness *d = gst_harness_new("rtcdepay");
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  gst_harness_set_src_caps(d, caps);
  auto keyframe_requested = [&d]() {
    bool found = false;
    while (GstEvent *ev = gst_harness_try_pull_upstream_event(d)) {
      found |= gst_event_has_name(ev, "GstForceKeyUnit");
      gst_event_unref(ev);
    }
    return found;
  };
  // The keyframe's first packet, then its third: the second is lost.
  fail_unless(parse(buffers[0]).ts == parse(buffers[2]).ts, "the keyframe is not 3 packets or more");
  gst_harness_push(d, gst_buffer_ref(buffers[0]));
  fail_unless(!keyframe_requested());
  gst_harness_push(d, gst_buffer_ref(buffers[2]));
  fail_unless(keyframe_requested(), "no force-key-unit upstream after a loss");
  gst_harness_teardown(d);

  // request-keyframe=false: nothing.
  d = gst_harness_new("rtcdepay");
  g_object_set(d->element, "request-keyframe", FALSE, nullptr);
  gst_harness_set_src_caps(d, gst_pad_get_current_caps(h->sinkpad));
  gst_harness_push(d, gst_buffer_ref(buffers[0]));
  gst_harness_push(d, gst_buffer_ref(buffers[2]));
  fail_unless(!keyframe_requested());
  gst_harness_teardown(d);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

TCase *rtp_av1_tcase();
TCase *rtp_depay_tcase();
TCase *rtp_audio_level_tcase();

static Suite *rtp_suite() {
  Suite *s = suite_create("rtcrtp");
  TCase *tc = tcase_create("pay");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_h264_mtu_marker_and_parameter_sets_before_every_idr);
  tcase_add_test(tc, test_h264_avc_input);
  tcase_add_test(tc, test_vp8_picture_id_and_round_trip);
  tcase_add_test(tc, test_vp9_picture_id_and_round_trip);
  tcase_add_test(tc, test_opus_stereo_clock_and_round_trip);
  tcase_add_test(tc, test_pcmu_pcma_20ms_packets);
  tcase_add_test(tc, test_h265_parameter_sets_before_keyframes);
  tcase_add_test(tc, test_depay_requests_keyframe_on_loss);
  suite_add_tcase(s, rtp_av1_tcase());
  suite_add_tcase(s, rtp_depay_tcase());
  suite_add_tcase(s, rtp_audio_level_tcase());
  return s;
}

int main(int argc, char **argv) {
  gst_check_init(&argc, &argv);
  Suite *s = rtp_suite();
  return gst_check_run_suite(s, "rtcrtp", __FILE__);
}
