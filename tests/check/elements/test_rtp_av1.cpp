// AV1 over RTP (AOM "RTP Payload Format for AV1"): the sans-IO packetizer
// on hand-built OBU streams (aggregation header bits, OBU size fields and
// temporal delimiters, fragmentation and bit-exact reassembly, malformed
// packets), then rtcpay/rtcdepay with the same streams and with av1enc.
#include "av1-rtp.h"
#include "test_rtp_common.h"

using namespace rtp_test;
namespace av1 = gst_rtc::av1;

namespace {

Bytes pattern(size_t n, guint8 seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = guint8(seed + i * 13 + (i >> 8));
  return b;
}

// An OBU as an encoder writes it in obu-stream: header, optional extension,
// obu_size (minimal LEB128), payload.
Bytes obu(guint8 type, const Bytes &payload, bool extension = false) {
  Bytes b;
  b.push_back(guint8(type << 3) | 0x02 | (extension ? 0x04 : 0));
  if (extension) b.push_back(guint8((2 << 5) | (1 << 3)));  // temporal id 2, spatial id 1
  av1::write_leb128(b, payload.size());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes &p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Bytes kTd = {0x12, 0x00};

std::vector<av1::Obu> parse_ok(const Bytes &tu) {
  std::vector<av1::Obu> obus;
  auto error = av1::parse_obu_stream(tu, obus);
  fail_unless(!error, "parse failed: %s", error ? error->c_str() : "");
  return obus;
}

Bytes depacketize(const av1::Packetized &p) {
  av1::Depacketizer d;
  for (const auto &payload : p.payloads) fail_unless(!d.push(payload, false));
  return d.take_temporal_unit();
}

struct Agg {
  bool z, y, n;
  int w;
};
Agg agg(const Bytes &payload) {
  const guint8 a = payload[0];
  return {bool(a & 0x80), bool(a & 0x40), bool(a & 0x08), (a >> 4) & 3};
}

}  // namespace

GST_START_TEST(test_av1_fragmentation_is_bit_exact) {
  const Bytes sh = obu(av1::kObuSequenceHeader, pattern(12, 1));
  const Bytes frame = obu(av1::kObuFrame, pattern(5000, 7));
  const Bytes tu = concat({kTd, sh, frame});
  av1::Packetized p = av1::packetize(parse_ok(tu), 1188, true);
  fail_unless(p.payloads.size() >= 5);
  for (size_t i = 0; i < p.payloads.size(); ++i) {
    const Bytes &payload = p.payloads[i];
    fail_unless(payload.size() <= 1188, "payload %zu is %zu bytes", i, payload.size());
    const Agg a = agg(payload);
    const bool is_first = i == 0, is_last = i + 1 == p.payloads.size();
    fail_unless_equals_int(a.z, !is_first);  // every later packet continues the frame OBU
    fail_unless_equals_int(a.y, !is_last);
    fail_unless_equals_int(a.n, is_first);  // a keyframe with a sequence header starts a sequence
    if (is_first) {
      // Sequence header + the start of the frame, the last without a length.
      fail_unless_equals_int(a.w, 2);
      fail_unless_equals_int(payload[1], 12 + 1);  // LEB128 length of the sequence header element
      fail_unless_equals_int(payload[2], av1::kObuSequenceHeader << 3);  // size field bit cleared, no TD
    } else {
      fail_unless_equals_int(a.w, 1);
    }
  }
  fail_unless(depacketize(p) == tu, "reassembled temporal unit differs");
}
GST_END_TEST;

GST_START_TEST(test_av1_aggregation_with_length_fields_and_extensions) {
  // Five OBUs in one packet: W=0, every element with its length.
  Bytes tu = kTd;
  for (int i = 0; i < 4; ++i) tu = concat({tu, obu(av1::kObuMetadata, pattern(10 + i, guint8(i)), i % 2)});
  tu = concat({tu, obu(av1::kObuFrame, pattern(40, 9), true)});
  av1::Packetized p = av1::packetize(parse_ok(tu), 1188, false);
  fail_unless_equals_int(p.payloads.size(), 1);
  const Agg a = agg(p.payloads[0]);
  fail_unless(!a.z && !a.y && !a.n);
  fail_unless_equals_int(a.w, 0);
  fail_unless(depacketize(p) == tu);

  // Padding and tile list OBUs are not sent; a stream without a temporal
  // delimiter gets one back.
  const Bytes frame = obu(av1::kObuFrame, pattern(30, 3));
  const Bytes with_padding =
      concat({frame, obu(av1::kObuPadding, pattern(20, 0)), obu(av1::kObuTileList, {1, 2})});
  av1::Packetized q = av1::packetize(parse_ok(with_padding), 1188, false);
  fail_unless_equals_int(q.payloads.size(), 1);
  fail_unless(depacketize(q) == concat({kTd, frame}));

  // Every MTU from tiny to large splits and joins the same bytes.
  const Bytes big =
      concat({kTd, obu(av1::kObuSequenceHeader, pattern(9, 4)), obu(av1::kObuFrame, pattern(700, 5)),
              obu(av1::kObuFrame, pattern(130, 6), true)});
  for (size_t mtu = 3; mtu < 900; mtu += 37) {
    av1::Packetized r = av1::packetize(parse_ok(big), mtu, true);
    for (const auto &payload : r.payloads) fail_unless(payload.size() <= mtu);
    fail_unless(depacketize(r) == big, "mtu %zu", mtu);
  }
}
GST_END_TEST;

GST_START_TEST(test_av1_malformed_input) {
  std::vector<av1::Obu> obus;
  fail_unless(av1::parse_obu_stream(Bytes{0x80, 0x00}, obus).has_value());        // forbidden bit
  fail_unless(av1::parse_obu_stream(Bytes{0x32, 0x05, 1, 2}, obus).has_value());  // size past the end
  fail_unless(
      av1::parse_obu_stream(Bytes{0x32, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, obus).has_value());
  av1::Depacketizer d;
  fail_unless(d.push(Bytes{}, false).has_value());
  fail_unless(d.push(Bytes{0x20, 0x30, 0x01}, false).has_value());            // W=2, one element
  fail_unless(d.push(Bytes{0x00, 0x09, 0x30, 0x01}, false).has_value());      // length past the end
  fail_unless(d.push(Bytes{0x10, 0x30, 0x01, 0x02}, false) == std::nullopt);  // fine
  // A continuation whose start was lost is dropped, the rest kept.
  d.reset();
  fail_unless(!d.push(Bytes{0x90, 0x01, 0x02}, false));
  fail_unless(d.empty());
  fail_unless(!d.push(Bytes{0x10, 0x30, 0xaa}, false));
  fail_unless(d.take_temporal_unit() == (Bytes{0x12, 0x00, 0x32, 0x01, 0xaa}));
}
GST_END_TEST;

namespace {

struct Tu {
  Bytes bytes;
  bool key;
};

GstHarness *av1_pay(guint ssrc = G_MAXUINT) {
  GstHarness *h = gst_harness_new("rtcpay");
  g_object_set(h->element, "ssrc", ssrc, nullptr);
  gst_harness_set_src_caps_str(h,
                               "video/x-av1, stream-format=(string)obu-stream, alignment=(string)tu, "
                               "width=(int)320, height=(int)240, framerate=(fraction)30/1");
  return h;
}

void push_tu(GstHarness *h, const Tu &tu, int index) {
  GstBuffer *b = gst_buffer_new_memdup(tu.bytes.data(), tu.bytes.size());
  GST_BUFFER_PTS(b) = GST_BUFFER_DTS(b) = gst_util_uint64_scale(index, GST_SECOND, 30);
  if (!tu.key) GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
  fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
}

std::vector<Tu> sample_stream() {
  return {
      {concat({kTd, obu(av1::kObuSequenceHeader, pattern(11, 1)), obu(av1::kObuFrame, pattern(4000, 2))}),
       true},
      {concat({kTd, obu(av1::kObuFrame, pattern(500, 3))}), false},
      {concat({kTd, obu(av1::kObuFrameHeader, pattern(20, 4)), obu(av1::kObuTileGroup, pattern(1500, 5))}),
       false},
  };
}

GstHarness *av1_depay(GstHarness *pay) {
  GstHarness *d = gst_harness_new("rtcdepay");
  GstCaps *caps = gst_pad_get_current_caps(pay->sinkpad);
  gst_harness_set_src_caps(d, caps);
  return d;
}

}  // namespace

GST_START_TEST(test_av1_elements_round_trip) {
  use_plugins({});
  GstHarness *h = av1_pay(77);
  const std::vector<Tu> tus = sample_stream();
  for (size_t i = 0; i < tus.size(); ++i) push_tu(h, tus[i], int(i));
  std::vector<GstBuffer *> buffers = pull_all(h);
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  GstStructure *s = gst_caps_get_structure(caps, 0);
  fail_unless_equals_string(gst_structure_get_string(s, "encoding-name"), "AV1");
  int clock_rate = 0, pt = 0;
  fail_unless(gst_structure_get_int(s, "clock-rate", &clock_rate) && clock_rate == 90000);
  fail_unless(gst_structure_get_int(s, "payload", &pt) && pt == 96);
  gst_caps_unref(caps);

  guint32 first_ts = 0;
  size_t markers = 0;
  for (size_t i = 0; i < buffers.size(); ++i) {
    Packet p = parse(buffers[i]);
    fail_unless(p.size <= 1200);
    fail_unless_equals_int(p.ssrc, 77);
    if (i == 0) first_ts = p.ts;
    const guint32 off = (p.ts - first_ts) % 3000;
    fail_unless(off <= 1 || off >= 2999, "RTP timestamps not 1/30 s apart");
    if (p.marker) ++markers;
    const bool last_of_tu = i + 1 == buffers.size() || parse(buffers[i + 1]).ts != p.ts;
    fail_unless_equals_int(p.marker, last_of_tu);
  }
  fail_unless_equals_int(markers, 3);
  fail_unless(buffers.size() >= 6);

  GstHarness *d = av1_depay(h);
  for (GstBuffer *b : buffers) fail_unless_equals_int(gst_harness_push(d, gst_buffer_ref(b)), GST_FLOW_OK);
  std::vector<GstBuffer *> out = pull_all(d);
  fail_unless_equals_int(out.size(), 3);
  for (size_t i = 0; i < out.size(); ++i) {
    fail_unless(bytes_of(out[i]) == tus[i].bytes, "temporal unit %zu differs", i);
    fail_unless_equals_int(GST_BUFFER_FLAG_IS_SET(out[i], GST_BUFFER_FLAG_DELTA_UNIT), !tus[i].key);
  }
  GstCaps *out_caps = gst_pad_get_current_caps(d->sinkpad);
  fail_unless(out_caps != nullptr);
  GstCaps *want = gst_caps_from_string("video/x-av1, stream-format=(string)obu-stream, alignment=(string)tu");
  fail_unless(gst_caps_is_equal(out_caps, want));
  gst_caps_unref(want);
  gst_caps_unref(out_caps);
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(d);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_av1_loss_drops_the_broken_unit_only) {
  use_plugins({});
  GstHarness *h = av1_pay();
  const std::vector<Tu> tus = sample_stream();
  for (size_t i = 0; i < tus.size(); ++i) push_tu(h, tus[i], int(i));
  std::vector<GstBuffer *> buffers = pull_all(h);
  GstHarness *d = av1_depay(h);
  // The second packet of the keyframe never arrives.
  for (size_t i = 0; i < buffers.size(); ++i)
    if (i != 1) fail_unless_equals_int(gst_harness_push(d, gst_buffer_ref(buffers[i])), GST_FLOW_OK);
  std::vector<GstBuffer *> out = pull_all(d);
  fail_unless_equals_int(out.size(), 2);
  fail_unless(bytes_of(out[0]) == tus[1].bytes);
  fail_unless(GST_BUFFER_IS_DISCONT(out[0]), "the unit after the loss is not flagged DISCONT");
  fail_unless(bytes_of(out[1]) == tus[2].bytes);
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(d);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_av1_malformed_unit_is_a_warning) {
  use_plugins({});
  GstHarness *h = av1_pay();
  GstBus *bus = attach_bus(h);
  push_tu(h, {Bytes{0x80, 0x01, 0x02}, true}, 0);  // forbidden bit
  fail_unless(gst_harness_try_pull(h) == nullptr);
  GstMessage *msg = pop_message(bus, GST_MESSAGE_WARNING);
  assert_rtc_error(msg, GST_RTC_ERROR_SYNTAX, "AV1");
  gst_message_unref(msg);
  // The stream goes on.
  push_tu(h, sample_stream()[0], 1);
  std::vector<GstBuffer *> buffers = pull_all(h);
  fail_unless(buffers.size() >= 4);
  unref_all(buffers);
  fail_unless(pop_message(bus, GST_MESSAGE_ERROR) == nullptr);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}
GST_END_TEST;

static GstPadProbeReturn record_tu(GstPad *, GstPadProbeInfo *info, gpointer data) {
  static_cast<std::vector<Bytes> *>(data)->push_back(bytes_of(GST_PAD_PROBE_INFO_BUFFER(info)));
  return GST_PAD_PROBE_OK;
}

// The OBUs of a temporal unit, temporal delimiters aside (compared as OBUs:
// an encoder may write obu_size with more LEB128 bytes than needed).
static std::vector<Bytes> obus_of(const Bytes &tu) {
  std::vector<Bytes> out;
  for (const av1::Obu &o : parse_ok(tu))
    if (o.type != av1::kObuTemporalDelimiter) out.push_back(o.bytes);
  return out;
}

GST_START_TEST(test_av1_encoder_round_trip) {
  use_plugins({"videotestsrc", "aom"});
  // av1enc (libaom) is gst-plugins-bad: a test-only encoder here.
  if (missing("av1enc", "gstreamer1.0-plugins-bad")) return;
  GstHarness *h = gst_harness_new("rtcpay");
  gst_harness_add_src_parse(
      h,
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! "
      "av1enc usage-profile=realtime cpu-used=10 lag-in-frames=0 target-bitrate=2000 "
      "keyframe-max-dist=4 threads=1",
      TRUE);
  std::vector<Bytes> in;
  GstPad *pad = gst_element_get_static_pad(h->element, "sink");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, record_tu, &in, nullptr);
  gst_object_unref(pad);
  for (int i = 0; i < 6; ++i) fail_unless_equals_int(gst_harness_push_from_src(h), GST_FLOW_OK);
  std::vector<GstBuffer *> buffers = pull_all(h);
  for (GstBuffer *b : buffers) fail_unless(gst_buffer_get_size(b) <= 1200);
  GstHarness *d = av1_depay(h);
  for (GstBuffer *b : buffers) fail_unless_equals_int(gst_harness_push(d, gst_buffer_ref(b)), GST_FLOW_OK);
  std::vector<GstBuffer *> out = pull_all(d);
  fail_unless_equals_int(out.size(), in.size());
  for (size_t i = 0; i < out.size(); ++i)
    fail_unless(obus_of(bytes_of(out[i])) == obus_of(in[i]), "TU %zu", i);
  gst_harness_teardown(d);
  if (!missing("av1dec", "gstreamer1.0-plugins-bad")) {
    GstHarness *dec = gst_harness_new_parse("rtcdepay ! av1dec");
    GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
    gst_harness_set_src_caps(dec, caps);
    for (GstBuffer *b : buffers)
      fail_unless_equals_int(gst_harness_push(dec, gst_buffer_ref(b)), GST_FLOW_OK);
    fail_unless(gst_harness_push_event(dec, gst_event_new_eos()));
    std::vector<GstBuffer *> frames = pull_all(dec);
    fail_unless_equals_int(frames.size(), in.size());
    unref_all(frames);
    gst_harness_teardown(dec);
  }
  unref_all(out);
  unref_all(buffers);
  gst_harness_teardown(h);
}
GST_END_TEST;

TCase *rtp_av1_tcase() {
  TCase *tc = tcase_create("av1");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_av1_fragmentation_is_bit_exact);
  tcase_add_test(tc, test_av1_aggregation_with_length_fields_and_extensions);
  tcase_add_test(tc, test_av1_malformed_input);
  tcase_add_test(tc, test_av1_elements_round_trip);
  tcase_add_test(tc, test_av1_loss_drops_the_broken_unit_only);
  tcase_add_test(tc, test_av1_malformed_unit_is_a_warning);
  tcase_add_test(tc, test_av1_encoder_round_trip);
  return tc;
}
