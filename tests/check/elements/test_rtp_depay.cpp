// rtcdepay on telephone-event (RFC 4733 dtmf-event messages), unsupported
// caps on both elements (typed errors, no crash), and caps negotiation of
// rtcpay before its payloader exists.
#include "param-sets.h"
#include "test_rtp_common.h"

using namespace rtp_test;

namespace {

GstBuffer *dtmf_packet(guint16 seq, guint32 ts, guint8 event, bool end, guint8 volume, guint16 duration,
                       bool marker) {
  GstBuffer *b = gst_rtp_buffer_new_allocate(4, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless(gst_rtp_buffer_map(b, GST_MAP_WRITE, &rtp));
  gst_rtp_buffer_set_payload_type(&rtp, 101);
  gst_rtp_buffer_set_seq(&rtp, seq);
  gst_rtp_buffer_set_timestamp(&rtp, ts);
  gst_rtp_buffer_set_ssrc(&rtp, 0x5eed);
  gst_rtp_buffer_set_marker(&rtp, marker);
  guint8 *p = static_cast<guint8 *>(gst_rtp_buffer_get_payload(&rtp));
  p[0] = event;
  p[1] = guint8((end ? 0x80 : 0) | (volume & 0x3f));
  p[2] = guint8(duration >> 8);
  p[3] = guint8(duration);
  gst_rtp_buffer_unmap(&rtp);
  GST_BUFFER_PTS(b) = gst_util_uint64_scale(ts, GST_SECOND, 8000);
  return b;
}

struct DtmfEvent {
  int number, volume;
  guint duration;
  gboolean end;
};

std::vector<DtmfEvent> dtmf_events(GstBus *bus) {
  std::vector<DtmfEvent> out;
  while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
    const GstStructure *s = gst_message_get_structure(m);
    if (gst_structure_has_name(s, "dtmf-event")) {
      DtmfEvent e{};
      int type = 0, method = 0;
      fail_unless(gst_structure_get_int(s, "type", &type) && type == 1);
      fail_unless(gst_structure_get_int(s, "method", &method) && method == 1);
      fail_unless(gst_structure_get_int(s, "number", &e.number));
      fail_unless(gst_structure_get_int(s, "volume", &e.volume));
      fail_unless(gst_structure_get_uint(s, "duration", &e.duration));
      fail_unless(gst_structure_get_boolean(s, "end", &e.end));
      out.push_back(e);
    }
    gst_message_unref(m);
  }
  return out;
}

}  // namespace

GST_START_TEST(test_telephone_event_posts_dtmf_messages) {
  use_plugins({"dtmf"});
  if (missing("rtpdtmfdepay", "gstreamer1.0-plugins-good")) return;
  GstHarness *h = gst_harness_new("rtcdepay");
  GstBus *bus = attach_bus(h);
  gst_harness_set_src_caps_str(h,
                               "application/x-rtp, media=(string)audio, clock-rate=(int)8000, "
                               "encoding-name=(string)TELEPHONE-EVENT, payload=(int)101");
  guint16 seq = 100;
  // Digit 5 for 100 ms: start (marker), two updates, the end sent three times.
  fail_unless_equals_int(gst_harness_push(h, dtmf_packet(seq++, 8000, 5, false, 10, 160, true)), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(h, dtmf_packet(seq++, 8000, 5, false, 10, 320, false)),
                         GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(h, dtmf_packet(seq++, 8000, 5, false, 10, 640, false)),
                         GST_FLOW_OK);
  for (int i = 0; i < 3; ++i)
    fail_unless_equals_int(gst_harness_push(h, dtmf_packet(seq++, 8000, 5, true, 10, 800, false)),
                           GST_FLOW_OK);
  // '#' (11) for 50 ms, its start lost: only end packets arrive.
  for (int i = 0; i < 3; ++i)
    fail_unless_equals_int(gst_harness_push(h, dtmf_packet(seq++, 16000, 11, true, 7, 400, false)),
                           GST_FLOW_OK);

  std::vector<DtmfEvent> events = dtmf_events(bus);
  fail_unless_equals_int(events.size(), 3);
  fail_unless_equals_int(events[0].number, 5);
  fail_unless_equals_int(events[0].volume, 10);
  fail_unless_equals_int(events[0].end, FALSE);
  fail_unless_equals_int(events[0].duration, 20);
  fail_unless_equals_int(events[1].number, 5);
  fail_unless_equals_int(events[1].end, TRUE);
  fail_unless_equals_int(events[1].duration, 100);
  fail_unless_equals_int(events[2].number, 11);
  fail_unless_equals_int(events[2].volume, 7);
  fail_unless_equals_int(events[2].end, TRUE);
  fail_unless_equals_int(events[2].duration, 50);

  // The tone itself comes out as audio (rtpdtmfdepay).
  std::vector<GstBuffer *> audio = pull_all(h);
  fail_unless(!audio.empty(), "no tone audio");
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  fail_unless(gst_structure_has_name(gst_caps_get_structure(caps, 0), "audio/x-raw"));
  gst_caps_unref(caps);
  unref_all(audio);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Unsupported caps: the CAPS event fails (upstream sees not-negotiated) and
// the bus gets our GST_RTC_ERROR_NOT_SUPPORTED naming the caps.
static void check_refused(const char *element, const char *caps_str, const char *needle) {
  GstHarness *h = gst_harness_new(element);
  GstBus *bus = attach_bus(h);
  GstCaps *caps = gst_caps_from_string(caps_str);
  // A refused sticky event still reports success to the pusher; the
  // buffer after it does not.
  gst_harness_push_event(h, gst_event_new_caps(caps));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_harness_push_event(h, gst_event_new_segment(&segment));
  GstMessage *msg = pop_message(bus, GST_MESSAGE_ERROR);
  assert_rtc_error(msg, GST_RTC_ERROR_NOT_SUPPORTED, needle);
  gst_message_unref(msg);
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 100, nullptr)),
                         GST_FLOW_NOT_NEGOTIATED);
  fail_unless(gst_harness_try_pull(h) == nullptr);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}

GST_START_TEST(test_unsupported_caps_are_typed_errors) {
  use_plugins({});
  check_refused("rtcpay", "audio/x-raw, format=(string)S16LE, rate=(int)48000, channels=(int)2",
                "audio/x-raw");
  check_refused("rtcpay", "video/x-theora", "video/x-theora");
  check_refused("rtcpay", "audio/x-mulaw, rate=(int)16000, channels=(int)1", "rate");
  check_refused("rtcpay", "video/x-av1, stream-format=(string)annexb, alignment=(string)tu", "annexb");
  check_refused("rtcpay", "video/x-h265, stream-format=(string)hev1, alignment=(string)au", "hev1");
  check_refused(
      "rtcdepay",
      "application/x-rtp, media=(string)video, clock-rate=(int)90000, encoding-name=(string)THEORA, "
      "payload=(int)96",
      "THEORA");
  check_refused("rtcdepay", "application/x-rtp, media=(string)video, clock-rate=(int)90000, payload=(int)96",
                "application/x-rtp");
  check_refused("rtcdepay",
                "application/x-rtp, media=(string)audio, clock-rate=(int)8000, encoding-name=(string)OPUS, "
                "payload=(int)111",
                "clock-rate");
  check_refused("rtcdepay", "video/x-vp8", "video/x-vp8");
}
GST_END_TEST;

static GstCaps *query_sink_caps(GstElement *element) {
  GstPad *pad = gst_element_get_static_pad(element, "sink");
  GstCaps *caps = gst_pad_query_caps(pad, nullptr);
  gst_object_unref(pad);
  return caps;
}

GST_START_TEST(test_caps_queries_before_the_payloader_exists) {
  use_plugins({});
  // Alone: every supported format.
  GstElement *pay = gst_element_factory_make("rtcpay", nullptr);
  GstCaps *caps = query_sink_caps(pay);
  for (const char *name : {"video/x-h264", "video/x-h265", "video/x-vp8", "video/x-vp9", "video/x-av1",
                           "audio/x-opus", "audio/x-mulaw", "audio/x-alaw"}) {
    GstCaps *one = gst_caps_new_empty_simple(name);
    fail_unless(gst_caps_can_intersect(caps, one), "%s missing from the sink caps", name);
    gst_caps_unref(one);
  }
  gst_caps_unref(caps);
  gchar *encoding = nullptr;
  g_object_get(pay, "encoding-name", &encoding, nullptr);
  fail_unless(encoding == nullptr);
  gst_object_unref(pay);

  // Downstream that takes only VP8 RTP: upstream is told to make VP8.
  GstHarness *h = gst_harness_new("rtcpay");
  gst_harness_set_sink_caps_str(h, "application/x-rtp, media=(string)video, encoding-name=(string)VP8");
  caps = query_sink_caps(h->element);
  GstCaps *vp8 = gst_caps_from_string("video/x-vp8");
  fail_unless(gst_caps_is_equal(caps, vp8), "sink caps %" GST_PTR_FORMAT, caps);
  gst_caps_unref(vp8);
  gst_caps_unref(caps);

  // After caps the payloader answers, and the element says what it does.
  gst_harness_set_src_caps_str(h, "video/x-vp8, width=(int)64, height=(int)64, framerate=(fraction)30/1");
  g_object_get(h->element, "encoding-name", &encoding, nullptr);
  fail_unless_equals_string(encoding, "VP8");
  g_free(encoding);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_codec_change_rebuilds_the_payloader) {
  use_plugins({"mulaw"});
  GstHarness *h = gst_harness_new("rtcpay");
  g_object_set(h->element, "pt", 120, "mtu", 500u, nullptr);
  gst_harness_set_src_caps_str(h, "audio/x-mulaw, rate=(int)8000, channels=(int)1");
  gchar *encoding = nullptr;
  g_object_get(h->element, "encoding-name", &encoding, nullptr);
  fail_unless_equals_string(encoding, "PCMU");
  g_free(encoding);
  gst_harness_set_src_caps_str(h, "audio/x-alaw, rate=(int)8000, channels=(int)1");
  g_object_get(h->element, "encoding-name", &encoding, nullptr);
  fail_unless_equals_string(encoding, "PCMA");
  g_free(encoding);
  GstBuffer *b = gst_buffer_new_allocate(nullptr, 320, nullptr);
  gst_buffer_memset(b, 0, 0xd5, 320);
  GST_BUFFER_PTS(b) = 0;
  fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
  std::vector<GstBuffer *> out = pull_all(h);
  fail_unless_equals_int(out.size(), 2);
  // The random SSRC reads back as the one on the wire.
  guint ssrc = 0;
  g_object_get(h->element, "ssrc", &ssrc, nullptr);
  for (GstBuffer *o : out) {
    Packet p = parse(o);
    fail_unless_equals_int(p.ssrc, ssrc);
    fail_unless_equals_int(p.pt, 120);
    fail_unless_equals_int(p.payload.size(), 160);
  }
  unref_all(out);
  // Only one payloader lives in the bin.
  fail_unless_equals_int(GST_BIN(h->element)->numchildren, 1);
  gst_harness_teardown(h);
}
GST_END_TEST;

// H.264 parameter sets once per keyframe access unit, before its first
// slice; nothing added when the encoder wrote them, nor before P frames.
GST_START_TEST(test_parameter_sets_once_per_keyframe) {
  const Bytes sps = {0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e};
  const Bytes pps = {0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80};
  const Bytes idr1 = {0, 0, 0, 1, 0x65, 0x88, 0x80, 0x10};
  const Bytes idr2 = {0, 0, 1, 0x65, 0x00, 0x81, 0x20};
  const Bytes p_slice = {0, 0, 0, 1, 0x41, 0x9a, 0x02};
  auto cat = [](std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes &b : parts) out.insert(out.end(), b.begin(), b.end());
    return out;
  };
  gst_rtc::rtp::ParameterSetInserter ins(false);
  // An IDR before any parameter set was seen: nothing to insert yet.
  ins.new_access_unit();
  fail_unless(!ins.process(cat({idr1})));
  // The encoder's own SPS/PPS: left alone (and remembered).
  ins.new_access_unit();
  fail_unless(!ins.process(cat({sps, pps, idr1, idr2})));
  ins.new_access_unit();
  fail_unless(!ins.process(cat({p_slice})));
  // A two-slice IDR without them: inserted once, ahead of the first slice.
  ins.new_access_unit();
  auto out = ins.process(cat({idr1, idr2}));
  fail_unless(out.has_value());
  fail_unless(*out == cat({sps, pps, idr1, idr2}));
  // alignment=nal: the second slice of the same access unit gets nothing.
  ins.new_access_unit();
  out = ins.process(idr1);
  fail_unless(out && *out == cat({sps, pps, idr1}));
  fail_unless(!ins.process(idr2));
  // H.265: VPS/SPS/PPS (32/33/34) before a CRA (21).
  gst_rtc::rtp::ParameterSetInserter h265(true);
  const Bytes vps = {0, 0, 0, 1, 0x40, 0x01, 0x0c}, hsps = {0, 0, 0, 1, 0x42, 0x01, 0x01},
              hpps = {0, 0, 0, 1, 0x44, 0x01, 0xc1}, cra = {0, 0, 0, 1, 0x2a, 0x01, 0xaf};
  h265.new_access_unit();
  fail_unless(!h265.process(cat({vps, hsps, hpps, cra})));
  h265.new_access_unit();
  out = h265.process(cra);
  fail_unless(out && *out == cat({vps, hsps, hpps, cra}));
}
GST_END_TEST;

static void count_handoff(GstElement *, GstBuffer *, GstPad *, gpointer data) {
  ++*static_cast<int *>(data);
}

// gst-launch style: encoder ! rtcpay ! rtcdepay ! decoder negotiates before
// either bin has its inner element, and every frame comes out decoded.
static void run_pipeline(const char *launch, int frames, bool exact = true) {
  GError *error = nullptr;
  GstElement *pipeline = gst_parse_launch(launch, &error);
  fail_unless(pipeline != nullptr, "%s", error ? error->message : "");
  GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  int count = 0;
  g_signal_connect(sink, "handoff", G_CALLBACK(count_handoff), &count);
  fail_unless(gst_element_set_state(pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  GstBus *bus = gst_element_get_bus(pipeline);
  GstMessage *msg =
      gst_bus_timed_pop_filtered(bus, 20 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  fail_unless(msg != nullptr, "timeout");
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError *err = nullptr;
    gst_message_parse_error(msg, &err, nullptr);
    fail("pipeline error: %s", err->message);
  }
  gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  if (exact) {
    fail_unless_equals_int(count, frames);
  } else {
    fail_unless(count >= frames, "%d buffers decoded, %d expected", count, frames);
  }
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

GST_START_TEST(test_launch_lines_negotiate) {
  use_plugins({"videotestsrc", "audiotestsrc", "vpx", "opus", "x264"});
  if (!missing("vp8enc", "gstreamer1.0-plugins-good"))
    run_pipeline(
        "videotestsrc num-buffers=10 ! video/x-raw,width=160,height=120 ! vp8enc deadline=1 ! rtcpay ! "
        "rtcdepay ! vp8dec ! fakesink name=sink signal-handoffs=true",
        10);
  if (!missing("opusenc", "gstreamer1.0-plugins-base"))
    run_pipeline(
        "audiotestsrc num-buffers=10 samplesperbuffer=960 ! opusenc ! rtcpay ! rtcdepay ! opusdec ! "
        "fakesink name=sink signal-handoffs=true",
        10, false);  // the encoder's pre-skip adds a packet
  // H.264: access units out, one per frame (decoding is test_rtp_pay's).
  if (!missing("x264enc", "gstreamer1.0-plugins-ugly"))
    run_pipeline(
        "videotestsrc num-buffers=10 ! video/x-raw,width=160,height=120 ! x264enc ! rtcpay ! rtcdepay ! "
        "video/x-h264,stream-format=byte-stream,alignment=au ! fakesink name=sink signal-handoffs=true",
        10);
}
GST_END_TEST;

TCase *rtp_depay_tcase() {
  TCase *tc = tcase_create("depay-and-errors");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_telephone_event_posts_dtmf_messages);
  tcase_add_test(tc, test_unsupported_caps_are_typed_errors);
  tcase_add_test(tc, test_caps_queries_before_the_payloader_exists);
  tcase_add_test(tc, test_codec_change_rebuilds_the_payloader);
  tcase_add_test(tc, test_parameter_sets_once_per_keyframe);
  tcase_add_test(tc, test_launch_lines_negotiate);
  return tc;
}
