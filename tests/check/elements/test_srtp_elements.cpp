// rtcsrtpenc / rtcsrtpdec with GstHarness: round trips per profile, keys
// from properties, caps and request-key, drops with counters, lists, errors.
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtc/rtc-error.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<guint8>;

constexpr guint32 kSsrc = 0x11223344;

struct Profile {
  const char *rtp_cipher;
  const char *rtp_auth;
  const char *rtcp_cipher;
  const char *rtcp_auth;
  gsize key_len;
  gsize rtp_overhead;
  gsize rtcp_overhead;  // SRTCP index + tag
};

// Every combination the elements run (srtpenc's nicks).
const Profile kProfiles[] = {
    {"aes-128-icm", "hmac-sha1-80", "aes-128-icm", "hmac-sha1-80", 30, 10, 14},
    {"aes-128-icm", "hmac-sha1-32", "aes-128-icm", "hmac-sha1-80", 30, 4, 14},
    {"aes-256-icm", "hmac-sha1-80", "aes-256-icm", "hmac-sha1-80", 46, 10, 14},
    {"aes-256-icm", "hmac-sha1-32", "aes-256-icm", "hmac-sha1-32", 46, 4, 8},
    {"aes-128-gcm", "null", "aes-128-gcm", "null", 28, 16, 20},
    {"aes-256-gcm", "null", "aes-256-gcm", "null", 44, 16, 20},
    {"aes-128-icm", "null", "aes-128-icm", "hmac-sha1-80", 30, 0, 14},
    {"null", "hmac-sha1-80", "null", "hmac-sha1-80", 30, 10, 14},
    {"aes-128-icm", "hmac-sha1-80", "aes-256-icm", "hmac-sha1-80", 46, 10, 14},
};

Bytes make_key(gsize n, guint8 seed = 1) {
  Bytes k(n);
  for (gsize i = 0; i < n; ++i) k[i] = static_cast<guint8>(seed * 31 + i * 7);
  return k;
}

GstBuffer *to_buffer(const Bytes &b) {
  return b.empty() ? gst_buffer_new() : gst_buffer_new_memdup(b.data(), b.size());
}

Bytes to_bytes(GstBuffer *buf) {
  Bytes out(gst_buffer_get_size(buf));
  gst_buffer_extract(buf, 0, out.data(), out.size());
  return out;
}

Bytes rtp(guint16 seq, guint32 ssrc = kSsrc, gsize payload = 160) {
  Bytes p = {0x80,
             0x00,
             guint8(seq >> 8),
             guint8(seq),
             0,
             0,
             guint8(seq >> 8),
             guint8(seq),
             guint8(ssrc >> 24),
             guint8(ssrc >> 16),
             guint8(ssrc >> 8),
             guint8(ssrc)};
  for (gsize i = 0; i < payload; ++i) p.push_back(static_cast<guint8>(seq * 3 + i));
  return p;
}

Bytes rtcp_sr(guint32 ssrc = kSsrc, guint8 fill = 0) {
  Bytes p = {0x80, 200, 0, 6, guint8(ssrc >> 24), guint8(ssrc >> 16), guint8(ssrc >> 8), guint8(ssrc)};
  for (int i = 0; i < 20; ++i) p.push_back(static_cast<guint8>(fill + i));
  return p;
}

GstElement *make_enc(const Profile &p, const Bytes &key) {
  GstElement *enc = gst_element_factory_make("rtcsrtpenc", nullptr);
  fail_unless(enc != nullptr);
  gst_util_set_object_arg(G_OBJECT(enc), "rtp-cipher", p.rtp_cipher);
  gst_util_set_object_arg(G_OBJECT(enc), "rtp-auth", p.rtp_auth);
  gst_util_set_object_arg(G_OBJECT(enc), "rtcp-cipher", p.rtcp_cipher);
  gst_util_set_object_arg(G_OBJECT(enc), "rtcp-auth", p.rtcp_auth);
  if (!key.empty()) {
    GstBuffer *k = to_buffer(key);
    g_object_set(enc, "key", k, nullptr);
    gst_buffer_unref(k);
  }
  return enc;
}

// A harness on one request pad pair of an encoder.
GstHarness *enc_harness(GstElement *enc, bool rtcp, guint index = 0) {
  gchar *sink = g_strdup_printf(rtcp ? "rtcp_sink_%u" : "rtp_sink_%u", index);
  gchar *src = g_strdup_printf(rtcp ? "rtcp_src_%u" : "rtp_src_%u", index);
  GstPad *pad = gst_element_request_pad_simple(enc, sink);
  fail_unless(pad != nullptr);
  GstHarness *h = gst_harness_new_with_element(enc, sink, src);
  gst_object_unref(pad);
  gst_harness_set_src_caps_str(
      h, rtcp ? "application/x-rtcp"
              : "application/x-rtp, media=(string)audio, payload=(int)0, "
                "clock-rate=(int)8000, encoding-name=(string)PCMU, ssrc=(uint)287454020");
  g_free(sink);
  g_free(src);
  return h;
}

GstHarness *dec_harness(bool rtcp) {
  return gst_harness_new_with_padnames("rtcsrtpdec", rtcp ? "rtcp_sink" : "rtp_sink",
                                       rtcp ? "rtcp_src" : "rtp_src");
}

// The decoder gets the caps the encoder produced (keys travel in caps).
void pass_caps(GstHarness *enc_h, GstHarness *dec_h) {
  GstCaps *caps = gst_pad_get_current_caps(enc_h->sinkpad);
  fail_unless(caps != nullptr);
  gst_harness_set_src_caps(dec_h, caps);
}

GstStructure *stats(GstElement *e) {
  GstStructure *s = nullptr;
  g_object_get(e, "stats", &s, nullptr);
  fail_unless(s != nullptr);
  return s;
}

guint64 stat_u64(GstElement *e, const char *field) {
  GstStructure *s = stats(e);
  guint64 v = 0;
  fail_unless(gst_structure_get_uint64(s, field, &v), "no %s", field);
  gst_structure_free(s);
  return v;
}

guint stat_uint(GstElement *e, const char *field) {
  GstStructure *s = stats(e);
  guint v = 0;
  fail_unless(gst_structure_get_uint(s, field, &v), "no %s", field);
  gst_structure_free(s);
  return v;
}

// Pushes one packet through enc, returns the protected bytes.
Bytes protect(GstHarness *enc_h, const Bytes &plain) {
  fail_unless_equals_int(gst_harness_push(enc_h, to_buffer(plain)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_try_pull(enc_h);
  fail_unless(out != nullptr);
  Bytes b = to_bytes(out);
  gst_buffer_unref(out);
  return b;
}

// Pushes protected bytes through dec; true and `plain` when one came out.
bool unprotect(GstHarness *dec_h, const Bytes &srtp, Bytes *plain = nullptr) {
  fail_unless_equals_int(gst_harness_push(dec_h, to_buffer(srtp)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_try_pull(dec_h);
  if (!out) return false;
  if (plain) *plain = to_bytes(out);
  gst_buffer_unref(out);
  return true;
}

// Caps the element must refuse: stored as sticky, they fail again before
// every buffer.
void push_refused_caps(GstHarness *h, GstCaps *caps) {
  gst_pad_push_event(h->srcpad, gst_event_new_caps(caps));
  gst_caps_unref(caps);
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_pad_push_event(h->srcpad, gst_event_new_segment(&segment));
}

// Bus on a harnessed element, to read the messages it posts.
GstBus *watch_bus(GstHarness *h) {
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  return bus;
}

// The first error/warning of `type` on the bus in the GST_RTC_ERROR domain.
gint rtc_code(GstBus *bus, GstMessageType type) {
  gint code = -1;
  while (GstMessage *m = gst_bus_pop(bus)) {
    if (GST_MESSAGE_TYPE(m) == type && code < 0) {
      GError *err = nullptr;
      if (type == GST_MESSAGE_ERROR)
        gst_message_parse_error(m, &err, nullptr);
      else
        gst_message_parse_warning(m, &err, nullptr);
      if (err->domain == GST_RTC_ERROR) code = err->code;
      g_error_free(err);
    }
    gst_message_unref(m);
  }
  return code;
}

}  // namespace

GST_START_TEST(test_round_trip_every_profile) {
  for (const Profile &p : kProfiles) {
    for (bool rtcp : {false, true}) {
      const Bytes key = make_key(p.key_len);
      GstElement *enc = make_enc(p, key);
      GstHarness *enc_h = enc_harness(enc, rtcp);
      GstHarness *dec_h = dec_harness(rtcp);
      for (guint16 seq = 1; seq <= 5; ++seq) {
        const Bytes plain = rtcp ? rtcp_sr(kSsrc, static_cast<guint8>(seq)) : rtp(seq);
        const Bytes srtp = protect(enc_h, plain);
        if (seq == 1) pass_caps(enc_h, dec_h);
        fail_unless_equals_int(srtp.size(), plain.size() + (rtcp ? p.rtcp_overhead : p.rtp_overhead));
        const bool encrypted = std::strcmp(rtcp ? p.rtcp_cipher : p.rtp_cipher, "null") != 0;
        const gsize clear = rtcp ? 8 : 12;
        fail_unless_equals_int(std::memcmp(srtp.data(), plain.data(), clear), 0);  // header in clear
        fail_unless(
            (std::memcmp(srtp.data() + clear, plain.data() + clear, plain.size() - clear) != 0) == encrypted,
            "%s/%s %s payload", p.rtp_cipher, p.rtp_auth, rtcp ? "RTCP" : "RTP");
        Bytes out;
        fail_unless(unprotect(dec_h, srtp, &out), "%s/%s seq %u not decoded", p.rtp_cipher, p.rtp_auth, seq);
        fail_unless(out == plain, "%s/%s seq %u altered", p.rtp_cipher, p.rtp_auth, seq);
      }
      fail_unless_equals_int(stat_u64(enc, rtcp ? "rtcp-protected" : "rtp-protected"), 5);
      fail_unless_equals_int(stat_uint(dec_h->element, "recv-count"), 5);
      fail_unless_equals_int(stat_uint(dec_h->element, "recv-drop-count"), 0);
      gst_harness_teardown(dec_h);
      gst_harness_teardown(enc_h);
      gst_object_unref(enc);
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_src_caps_carry_srtpenc_fields) {
  const Profile &p = kProfiles[4];  // aes-128-gcm
  const Bytes key = make_key(p.key_len, 9);
  GstElement *enc = make_enc(p, key);
  GstHarness *h = enc_harness(enc, false);
  protect(h, rtp(1));
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  GstStructure *s = gst_caps_get_structure(caps, 0);
  fail_unless(gst_structure_has_name(s, "application/x-srtp"));
  fail_unless_equals_string(gst_structure_get_string(s, "srtp-cipher"), "aes-128-gcm");
  fail_unless_equals_string(gst_structure_get_string(s, "srtp-auth"), "null");
  fail_unless_equals_string(gst_structure_get_string(s, "srtcp-cipher"), "aes-128-gcm");
  fail_unless_equals_string(gst_structure_get_string(s, "srtcp-auth"), "null");
  guint ssrc = 0;
  fail_unless(gst_structure_get_uint(s, "ssrc", &ssrc));
  fail_unless_equals_int(ssrc, kSsrc);
  const GValue *v = gst_structure_get_value(s, "srtp-key");
  fail_unless(v && GST_VALUE_HOLDS_BUFFER(v));
  fail_unless(to_bytes(gst_value_get_buffer(v)) == key);
  gst_caps_unref(caps);
  // The enum GTypes are ours, with srtpenc's nicks.
  GParamSpec *ps = g_object_class_find_property(G_OBJECT_GET_CLASS(enc), "rtp-cipher");
  fail_unless_equals_string(g_type_name(ps->value_type), "GstRtcSrtpCipherType");
  ps = g_object_class_find_property(G_OBJECT_GET_CLASS(enc), "rtcp-auth");
  fail_unless_equals_string(g_type_name(ps->value_type), "GstRtcSrtpAuthType");
  gst_harness_teardown(h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_request_pads_pair_up) {
  GstElement *enc = gst_element_factory_make("rtcsrtpenc", nullptr);
  GstPad *a = gst_element_request_pad_simple(enc, "rtp_sink_%u");
  GstPad *b = gst_element_request_pad_simple(enc, "rtp_sink_%u");
  GstPad *c = gst_element_request_pad_simple(enc, "rtcp_sink_%u");
  fail_unless_equals_string(GST_PAD_NAME(a), "rtp_sink_0");
  fail_unless_equals_string(GST_PAD_NAME(b), "rtp_sink_1");
  fail_unless_equals_string(GST_PAD_NAME(c), "rtcp_sink_0");
  for (const char *name : {"rtp_src_0", "rtp_src_1", "rtcp_src_0"}) {
    GstPad *src = gst_element_get_static_pad(enc, name);
    fail_unless(src != nullptr, "%s missing", name);
    gst_object_unref(src);
  }
  gst_element_release_request_pad(enc, b);
  GstPad *gone = gst_element_get_static_pad(enc, "rtp_src_1");
  fail_unless(gone == nullptr);
  gst_object_unref(a);
  gst_object_unref(b);
  gst_object_unref(c);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_key_from_request_key_signal) {
  const Profile &p = kProfiles[5];  // aes-256-gcm
  const Bytes key = make_key(p.key_len, 3);
  GstElement *enc = make_enc(p, key);
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  gst_harness_set_src_caps_str(dec_h, "application/x-srtp, payload=(int)0");
  struct Ctx {
    Bytes key;
    guint asked_ssrc = 0;
    int calls = 0;
  } ctx{key};
  g_signal_connect(
      dec_h->element, "request-key", G_CALLBACK(+[](GstElement *, guint ssrc, Ctx *c) -> GstCaps * {
        c->asked_ssrc = ssrc;
        ++c->calls;
        GstBuffer *k = gst_buffer_new_memdup(c->key.data(), c->key.size());
        GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, k,
                                            "srtp-cipher", G_TYPE_STRING, "aes-256-gcm", "srtp-auth",
                                            G_TYPE_STRING, "null", "srtcp-cipher", G_TYPE_STRING,
                                            "aes-256-gcm", "srtcp-auth", G_TYPE_STRING, "null", nullptr);
        gst_buffer_unref(k);
        return caps;
      }),
      &ctx);
  for (guint16 seq = 100; seq < 104; ++seq) {
    const Bytes plain = rtp(seq);
    Bytes out;
    fail_unless(unprotect(dec_h, protect(enc_h, plain), &out));
    fail_unless(out == plain);
  }
  fail_unless_equals_int(ctx.calls, 1);  // asked once per SSRC
  fail_unless_equals_int(ctx.asked_ssrc, kSsrc);
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_no_key_dropped_with_warning) {
  const Profile &p = kProfiles[0];
  GstElement *enc = make_enc(p, make_key(p.key_len));
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  GstBus *bus = watch_bus(dec_h);
  gst_harness_set_src_caps_str(dec_h, "application/x-srtp, payload=(int)0");
  int calls = 0;
  g_signal_connect(dec_h->element, "request-key", G_CALLBACK(+[](GstElement *, guint, int *n) -> GstCaps * {
                     ++*n;
                     return nullptr;
                   }),
                   &calls);
  for (guint16 seq = 1; seq <= 3; ++seq) fail_if(unprotect(dec_h, protect(enc_h, rtp(seq))));
  fail_unless_equals_int(calls, 1);
  fail_unless_equals_int(stat_u64(dec_h->element, "dropped-no-key"), 3);
  fail_unless_equals_int(stat_uint(dec_h->element, "recv-drop-count"), 3);
  fail_unless_equals_int(rtc_code(bus, GST_MESSAGE_WARNING), GST_RTC_ERROR_INVALID_ACCESS);
  // Ever new SSRCs (garbage) are asked about a bounded number of times.
  for (guint32 ssrc = 1000; ssrc < 1400; ++ssrc) fail_if(unprotect(dec_h, protect(enc_h, rtp(1, ssrc))));
  fail_unless(calls <= 257, "request-key emitted %d times", calls);
  fail_unless_equals_int(stat_u64(dec_h->element, "dropped-no-key"), 403);
  // clear-keys lets it ask again.
  g_signal_emit_by_name(dec_h->element, "clear-keys");
  const int before = calls;
  fail_if(unprotect(dec_h, protect(enc_h, rtp(4))));
  fail_unless_equals_int(calls, before + 1);
  gst_element_set_bus(dec_h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_caps_without_ssrc_key_every_ssrc) {
  const Profile &p = kProfiles[0];
  const Bytes key = make_key(p.key_len, 5);
  GstElement *enc = make_enc(p, key);
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  GstBuffer *k = to_buffer(key);
  GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, k, nullptr);
  gst_buffer_unref(k);
  gst_harness_set_src_caps(dec_h, caps);  // cipher/auth default to srtpenc's
  for (guint32 ssrc : {1u, 2u, 0xdeadbeefu}) {
    const Bytes plain = rtp(7, ssrc);
    Bytes out;
    fail_unless(unprotect(dec_h, protect(enc_h, plain), &out), "ssrc %08x", ssrc);
    fail_unless(out == plain);
  }
  // Forged packets under new SSRCs leave no stream behind.
  for (guint32 ssrc = 100; ssrc < 150; ++ssrc) {
    Bytes forged = protect(enc_h, rtp(8, ssrc));
    forged[20] ^= 0xff;
    fail_if(unprotect(dec_h, forged));
  }
  GstStructure *s = stats(dec_h->element);
  const GValue *streams = gst_structure_get_value(s, "streams");
  fail_unless_equals_int(gst_value_array_get_size(streams), 3);
  guint64 auth = 0;
  fail_unless(gst_structure_get_uint64(s, "dropped-auth", &auth));
  fail_unless_equals_int(auth, 50);
  gst_structure_free(s);
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_wrong_key_dropped_and_counted) {
  for (const Profile &p : {kProfiles[0], kProfiles[4]}) {
    GstElement *enc = make_enc(p, make_key(p.key_len, 1));
    GstHarness *enc_h = enc_harness(enc, false);
    GstHarness *dec_h = dec_harness(false);
    GstBuffer *k = to_buffer(make_key(p.key_len, 2));
    GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, k, "srtp-cipher",
                                        G_TYPE_STRING, p.rtp_cipher, "srtp-auth", G_TYPE_STRING, p.rtp_auth,
                                        "srtcp-cipher", G_TYPE_STRING, p.rtcp_cipher, "srtcp-auth",
                                        G_TYPE_STRING, p.rtcp_auth, "ssrc", G_TYPE_UINT, kSsrc, nullptr);
    gst_buffer_unref(k);
    gst_harness_set_src_caps(dec_h, caps);
    for (guint16 seq = 1; seq <= 4; ++seq) fail_if(unprotect(dec_h, protect(enc_h, rtp(seq))));
    fail_unless_equals_int(stat_u64(dec_h->element, "dropped-auth"), 4);
    GstStructure *s = stats(dec_h->element);
    const GValue *streams = gst_structure_get_value(s, "streams");
    fail_unless_equals_int(gst_value_array_get_size(streams), 1);
    const GstStructure *st = gst_value_get_structure(gst_value_array_get_value(streams, 0));
    guint drops = 0;
    fail_unless(gst_structure_get_uint(st, "recv-drop-count", &drops));
    fail_unless_equals_int(drops, 4);
    gst_structure_free(s);
    gst_harness_teardown(dec_h);
    gst_harness_teardown(enc_h);
    gst_object_unref(enc);
  }
}
GST_END_TEST;

GST_START_TEST(test_replayed_packet_dropped) {
  const Profile &p = kProfiles[0];
  GstElement *enc = make_enc(p, make_key(p.key_len));
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  const Bytes srtp = protect(enc_h, rtp(42));
  pass_caps(enc_h, dec_h);
  fail_unless(unprotect(dec_h, srtp));
  fail_if(unprotect(dec_h, srtp));
  fail_unless_equals_int(stat_u64(dec_h->element, "dropped-replay"), 1);
  fail_unless(unprotect(dec_h, protect(enc_h, rtp(43))));  // the stream goes on
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_sequence_wrap) {
  for (const Profile &p : {kProfiles[0], kProfiles[5]}) {
    GstElement *enc = make_enc(p, make_key(p.key_len));
    GstHarness *enc_h = enc_harness(enc, false);
    GstHarness *dec_h = dec_harness(false);
    guint16 seq = 65530;
    for (int i = 0; i < 14; ++i, ++seq) {
      const Bytes plain = rtp(seq);
      const Bytes srtp = protect(enc_h, plain);
      if (i == 0) pass_caps(enc_h, dec_h);
      Bytes out;
      fail_unless(unprotect(dec_h, srtp, &out), "seq %u", seq);
      fail_unless(out == plain);
    }
    // Both sides moved to rollover counter 1.
    GstStructure *s = stats(dec_h->element);
    const GstStructure *st =
        gst_value_get_structure(gst_value_array_get_value(gst_structure_get_value(s, "streams"), 0));
    guint roc = 0;
    fail_unless(gst_structure_get_uint(st, "roc", &roc));
    fail_unless_equals_int(roc, 1);
    gst_structure_free(s);
    s = stats(enc);
    st = gst_value_get_structure(gst_value_array_get_value(gst_structure_get_value(s, "streams"), 0));
    fail_unless(gst_structure_get_uint(st, "roc", &roc));
    fail_unless_equals_int(roc, 1);
    gst_structure_free(s);
    gst_harness_teardown(dec_h);
    gst_harness_teardown(enc_h);
    gst_object_unref(enc);
  }
}
GST_END_TEST;

GST_START_TEST(test_roc_from_caps) {
  // A receiver joining late learns the ROC from signalling (srtpdec's `roc`).
  const Profile &p = kProfiles[0];
  const Bytes key = make_key(p.key_len);
  GstElement *enc = make_enc(p, key);
  GstHarness *enc_h = enc_harness(enc, false);
  Bytes last;
  for (guint32 i = 0; i < 65536 + 5; i += 1) {
    const guint16 seq = static_cast<guint16>(i);
    if (i < 65536 - 3 && i % 4096 != 0) continue;  // libsrtp only needs the index to move forward
    last = protect(enc_h, rtp(seq));
  }
  GstHarness *dec_h = dec_harness(false);
  GstBuffer *k = to_buffer(key);
  GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, k, "ssrc",
                                      G_TYPE_UINT, kSsrc, "roc", G_TYPE_UINT, 1u, nullptr);
  gst_buffer_unref(k);
  gst_harness_set_src_caps(dec_h, caps);
  Bytes out;
  fail_unless(unprotect(dec_h, last, &out));
  fail_unless(out == rtp(4));
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_garbage_dropped_without_crash) {
  const Profile &p = kProfiles[0];
  GstElement *enc = make_enc(p, make_key(p.key_len));
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  const Bytes good = protect(enc_h, rtp(1));
  pass_caps(enc_h, dec_h);
  auto with = [](Bytes v, gsize i, guint8 b) {
    v[i] = b;
    return v;
  };
  auto cut = [](const Bytes &v, gsize n) { return Bytes(v.begin(), v.begin() + static_cast<long>(n)); };
  const std::vector<Bytes> cases = {
      {},
      {0x80},
      Bytes(11, 0x80),
      cut(good, 12),
      cut(good, 21),
      cut(good, good.size() - 1),
      with(good, 0, 0x00),
      with(good, 0, 0x40),
      with(good, 0, 0xc0),
      with(good, 0, 0x8f),  // 15 CSRCs
      with(good, 0, 0x90),  // extension bit
      with(good, 1, 0x60),  // other payload type: authentication fails
      with(good, 3, 0x07),  // other sequence number
      with(good, 20, good[20] ^ 1),
      with(good, good.size() - 1, good.back() ^ 0x80),
      with(good, 11, 0x45),  // other SSRC: not keyed by the caps
      Bytes(1500, 0x80),
      Bytes(1500, 0xff),
      Bytes(64, 0x00),
      with(Bytes(40, 0x80), 1, 200),  // looks like SRTCP on the RTP pad
      cut(with(Bytes(40, 0x80), 1, 201), 9),
      Bytes(3000, 0x80),
  };
  fail_unless(cases.size() >= 20);
  for (gsize i = 0; i < cases.size(); ++i) {
    GstBuffer *buf = to_buffer(cases[i]);
    fail_unless_equals_int(gst_harness_push(dec_h, buf), GST_FLOW_OK);
    GstBuffer *out = gst_harness_try_pull(dec_h);
    fail_unless(out == nullptr, "garbage case %u came out", static_cast<unsigned>(i));
  }
  GstStructure *s = stats(dec_h->element);
  guint64 auth = 0, replay = 0, malformed = 0, nokey = 0;
  gst_structure_get(s, "dropped-auth", G_TYPE_UINT64, &auth, "dropped-replay", G_TYPE_UINT64, &replay,
                    "dropped-malformed", G_TYPE_UINT64, &malformed, "dropped-no-key", G_TYPE_UINT64, &nokey,
                    nullptr);
  guint drops = 0;
  gst_structure_get_uint(s, "recv-drop-count", &drops);
  gst_structure_free(s);
  fail_unless_equals_int(auth + replay + malformed + nokey, cases.size());
  fail_unless_equals_int(drops, cases.size());
  fail_unless(malformed >= 8);
  fail_unless(unprotect(dec_h, good));  // the genuine packet still passes
  // Not RTP at all on the encoder side: dropped and counted, never sent.
  for (const Bytes &junk : {Bytes{}, Bytes(5, 0x80), Bytes(40, 0x00)}) {
    fail_unless_equals_int(gst_harness_push(enc_h, to_buffer(junk)), GST_FLOW_OK);
    fail_unless(gst_harness_try_pull(enc_h) == nullptr);
  }
  fail_unless_equals_int(stat_u64(enc, "send-drop-count"), 3);
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_buffer_lists_in_place) {
  for (const Profile &p : {kProfiles[0], kProfiles[4]}) {
    GstElement *enc = make_enc(p, make_key(p.key_len));
    GstHarness *enc_h = enc_harness(enc, false);
    GstHarness *dec_h = dec_harness(false);
    std::vector<Bytes> plain;
    GstBufferList *list = gst_buffer_list_new();
    std::vector<GstMemory *> mems;
    for (guint16 seq = 10; seq < 30; ++seq) {
      plain.push_back(rtp(seq, kSsrc, 1188));
      // Room for the tag behind the packet: protected without a new memory.
      GstAllocationParams params;
      gst_allocation_params_init(&params);
      params.padding = 32;
      GstBuffer *b = gst_buffer_new_allocate(nullptr, plain.back().size(), &params);
      gst_buffer_fill(b, 0, plain.back().data(), plain.back().size());
      mems.push_back(gst_buffer_peek_memory(b, 0));
      gst_buffer_list_add(list, b);
    }
    fail_unless_equals_int(gst_pad_push_list(enc_h->srcpad, list), GST_FLOW_OK);
    GstBufferList *srtp = gst_buffer_list_new();
    for (gsize i = 0; i < plain.size(); ++i) {
      GstBuffer *out = gst_harness_pull(enc_h);
      fail_unless(gst_buffer_n_memory(out) == 1 && gst_buffer_peek_memory(out, 0) == mems[i], "not in place");
      fail_unless_equals_int(gst_buffer_get_size(out), plain[i].size() + p.rtp_overhead);
      gst_buffer_list_add(srtp, out);
    }
    pass_caps(enc_h, dec_h);
    // One forged packet in the middle leaves the list, the rest pass.
    GstBuffer *forged = gst_buffer_copy_deep(gst_buffer_list_get(srtp, 5));
    gst_buffer_memset(forged, 40, 0xab, 4);
    gst_buffer_list_insert(srtp, 6, forged);
    fail_unless_equals_int(gst_pad_push_list(dec_h->srcpad, srtp), GST_FLOW_OK);
    for (gsize i = 0; i < plain.size(); ++i) {
      GstBuffer *out = gst_harness_pull(dec_h);
      fail_unless(to_bytes(out) == plain[i], "packet %u", static_cast<unsigned>(i));
      fail_unless(gst_buffer_peek_memory(out, 0) == mems[i], "not decrypted in place");
      gst_buffer_unref(out);
    }
    fail_unless(gst_harness_try_pull(dec_h) == nullptr);
    fail_unless_equals_int(stat_uint(dec_h->element, "recv-drop-count"), 1);
    gst_harness_teardown(dec_h);
    gst_harness_teardown(enc_h);
    gst_object_unref(enc);
  }
}
GST_END_TEST;

GST_START_TEST(test_unsupported_or_bad_keying_errors) {
  struct Case {
    const char *cipher;
    const char *auth;
    gsize key_len;
    gint code;
  };
  const Case cases[] = {
      {"aes-128-gcm", "hmac-sha1-80", 28, GST_RTC_ERROR_NOT_SUPPORTED},   // GCM carries its own tag
      {"aes-128-icm", "hmac-sha1-80", 16, GST_RTC_ERROR_INVALID_ACCESS},  // key without salt
      {"aes-256-icm", "hmac-sha1-80", 30, GST_RTC_ERROR_INVALID_ACCESS},
      {"aes-128-icm", "hmac-sha1-80", 0, GST_RTC_ERROR_INVALID_ACCESS},  // no key at all
  };
  for (const Case &c : cases) {
    const Profile p{c.cipher, c.auth, c.cipher, c.auth, c.key_len, 0, 0};
    GstElement *enc = make_enc(p, make_key(c.key_len));
    GstPad *pad = gst_element_request_pad_simple(enc, "rtp_sink_0");
    GstHarness *h = gst_harness_new_with_element(enc, "rtp_sink_0", "rtp_src_0");
    gst_object_unref(pad);
    GstBus *bus = watch_bus(h);
    push_refused_caps(h, gst_caps_from_string("application/x-rtp, payload=(int)0, clock-rate=(int)8000"));
    fail_unless(gst_harness_push(h, to_buffer(rtp(1))) != GST_FLOW_OK);
    fail_unless(gst_harness_try_pull(h) == nullptr);
    fail_unless_equals_int(rtc_code(bus, GST_MESSAGE_ERROR), c.code);
    gst_element_set_bus(h->element, nullptr);
    gst_object_unref(bus);
    gst_harness_teardown(h);
    gst_object_unref(enc);
  }
  // The decoder refuses caps it cannot run.
  GstHarness *dec_h = dec_harness(false);
  GstBus *bus = watch_bus(dec_h);
  GstBuffer *k = to_buffer(make_key(30));
  GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, k, "srtp-cipher",
                                      G_TYPE_STRING, "aes-512-icm", "ssrc", G_TYPE_UINT, kSsrc, nullptr);
  gst_buffer_unref(k);
  push_refused_caps(dec_h, caps);
  fail_unless_equals_int(rtc_code(bus, GST_MESSAGE_ERROR), GST_RTC_ERROR_INVALID_ACCESS);
  gst_element_set_bus(dec_h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(dec_h);
}
GST_END_TEST;

GST_START_TEST(test_rekey_while_playing_updates_caps) {
  const Profile &p = kProfiles[0];
  GstElement *enc = make_enc(p, make_key(p.key_len, 1));
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  Bytes srtp = protect(enc_h, rtp(1));
  pass_caps(enc_h, dec_h);
  fail_unless(unprotect(dec_h, srtp));
  const Bytes key2 = make_key(p.key_len, 2);
  GstBuffer *k = to_buffer(key2);
  g_object_set(enc, "key", k, nullptr);
  gst_buffer_unref(k);
  srtp = protect(enc_h, rtp(2));
  GstCaps *caps = gst_pad_get_current_caps(enc_h->sinkpad);
  const GValue *v = gst_structure_get_value(gst_caps_get_structure(caps, 0), "srtp-key");
  fail_unless(to_bytes(gst_value_get_buffer(v)) == key2);
  gst_harness_set_src_caps(dec_h, caps);  // new key for the same SSRC
  Bytes out;
  fail_unless(unprotect(dec_h, srtp, &out));
  fail_unless(out == rtp(2));
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_random_key) {
  const Profile &p = kProfiles[2];  // aes-256-icm: 46 bytes
  GstElement *enc = make_enc(p, {});
  g_object_set(enc, "random-key", TRUE, nullptr);
  GstHarness *enc_h = enc_harness(enc, false);
  GstHarness *dec_h = dec_harness(false);
  const Bytes srtp = protect(enc_h, rtp(1));
  GstBuffer *key = nullptr;
  g_object_get(enc, "key", &key, nullptr);
  fail_unless(key != nullptr);
  fail_unless_equals_int(gst_buffer_get_size(key), 46);
  gst_buffer_unref(key);
  pass_caps(enc_h, dec_h);
  Bytes out;
  fail_unless(unprotect(dec_h, srtp, &out));
  fail_unless(out == rtp(1));
  gst_harness_teardown(dec_h);
  gst_harness_teardown(enc_h);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_muxed_srtcp_leaves_on_rtcp_src) {
  // RFC 5761: SRTCP arriving on rtp_sink is unprotected and sent on rtcp_src.
  const Profile &p = kProfiles[4];
  GstElement *enc = make_enc(p, make_key(p.key_len));
  GstHarness *rtp_h = enc_harness(enc, false);
  GstHarness *rtcp_h = enc_harness(enc, true);
  GstHarness *dec_h = dec_harness(false);
  GstHarness *dec_rtcp = gst_harness_new_with_element(dec_h->element, nullptr, "rtcp_src");
  const Bytes srtp = protect(rtp_h, rtp(1));
  pass_caps(rtp_h, dec_h);
  const Bytes srtcp = protect(rtcp_h, rtcp_sr());
  fail_unless(unprotect(dec_h, srtp));
  fail_unless_equals_int(gst_harness_push(dec_h, to_buffer(srtcp)), GST_FLOW_OK);
  fail_unless(gst_harness_try_pull(dec_h) == nullptr);
  GstBuffer *out = gst_harness_pull(dec_rtcp);
  fail_unless(to_bytes(out) == rtcp_sr());
  gst_buffer_unref(out);
  GstCaps *caps = gst_pad_get_current_caps(dec_rtcp->sinkpad);
  fail_unless(gst_structure_has_name(gst_caps_get_structure(caps, 0), "application/x-rtcp"));
  gst_caps_unref(caps);
  gst_harness_teardown(dec_rtcp);
  gst_harness_teardown(dec_h);
  gst_harness_teardown(rtcp_h);
  gst_harness_teardown(rtp_h);
  gst_object_unref(enc);
}
GST_END_TEST;

static Suite *srtp_elements_suite(void) {
  Suite *s = suite_create("rtcsrtp");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_round_trip_every_profile);
  tcase_add_test(tc, test_src_caps_carry_srtpenc_fields);
  tcase_add_test(tc, test_request_pads_pair_up);
  tcase_add_test(tc, test_key_from_request_key_signal);
  tcase_add_test(tc, test_no_key_dropped_with_warning);
  tcase_add_test(tc, test_caps_without_ssrc_key_every_ssrc);
  tcase_add_test(tc, test_wrong_key_dropped_and_counted);
  tcase_add_test(tc, test_replayed_packet_dropped);
  tcase_add_test(tc, test_sequence_wrap);
  tcase_add_test(tc, test_roc_from_caps);
  tcase_add_test(tc, test_garbage_dropped_without_crash);
  tcase_add_test(tc, test_buffer_lists_in_place);
  tcase_add_test(tc, test_unsupported_or_bad_keying_errors);
  tcase_add_test(tc, test_rekey_while_playing_updates_caps);
  tcase_add_test(tc, test_random_key);
  tcase_add_test(tc, test_muxed_srtcp_leaves_on_rtcp_src);
  return s;
}

GST_CHECK_MAIN(srtp_elements);
