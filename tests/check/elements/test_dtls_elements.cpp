/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtcdtlssrtpenc / rtcdtlssrtpdec: two peers A and B, each an enc + dec
 * sharing one connection-id, wired back to back through GstHarness (A's enc
 * src feeds B's dec sink and vice versa, pumped by the test thread; the
 * retransmission timer runs on the system clock thread meanwhile).
 * Then generate-certificate and user certificates (parsed here with OpenSSL).
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtc/rtc.h>
#include <gst/rtp/rtp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "test_dtls_util.h"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytes_of(GstBuffer *b) {
  Bytes out(gst_buffer_get_size(b));
  gst_buffer_extract(b, 0, out.data(), out.size());
  return out;
}

GstBuffer *buffer_of(const Bytes &b) {
  return gst_buffer_new_memdup(b.data(), b.size());
}

GstBuffer *make_rtp(guint16 seq, guint32 ssrc, gsize payload_len) {
  GstBuffer *b = gst_rtp_buffer_new_allocate(static_cast<guint>(payload_len), 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless(gst_rtp_buffer_map(b, GST_MAP_WRITE, &rtp));
  gst_rtp_buffer_set_payload_type(&rtp, 96);
  gst_rtp_buffer_set_seq(&rtp, seq);
  gst_rtp_buffer_set_timestamp(&rtp, 90000u + seq * 3000u);
  gst_rtp_buffer_set_ssrc(&rtp, ssrc);
  auto *payload = static_cast<guint8 *>(gst_rtp_buffer_get_payload(&rtp));
  for (gsize i = 0; i < payload_len; ++i) payload[i] = static_cast<guint8>(i * 7 + seq);
  gst_rtp_buffer_unmap(&rtp);
  return b;
}

GstBuffer *make_rtcp_sr(guint32 ssrc) {
  GstBuffer *b = gst_rtcp_buffer_new(1400);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  fail_unless(gst_rtcp_buffer_map(b, GST_MAP_READWRITE, &rtcp));
  GstRTCPPacket packet;
  fail_unless(gst_rtcp_buffer_add_packet(&rtcp, GST_RTCP_TYPE_SR, &packet));
  gst_rtcp_packet_sr_set_sender_info(&packet, ssrc, G_GUINT64_CONSTANT(0x1122334455667788), 12345, 10, 1000);
  gst_rtcp_buffer_unmap(&rtcp);
  return b;
}

// One peer: an enc and a dec on one connection-id, each pad in a harness.
struct Peer {
  GstElement *enc = nullptr;
  GstElement *dec = nullptr;
  GstHarness *enc_h = nullptr;   // rtp_sink_0 -> src
  GstHarness *data_h = nullptr;  // data_sink
  GstHarness *dec_h = nullptr;   // sink -> rtp_src
  GstHarness *rtcp_h = nullptr;  // rtcp_src
  GstHarness *app_h = nullptr;   // data_src
  GstBus *bus = nullptr;
  GstRtcDtlsTransport *transport = nullptr;
  std::mutex lock;
  std::vector<GstRtcDtlsTransportState> states;
  std::vector<int> error_codes;

  std::vector<GstRtcDtlsTransportState> state_log() {
    std::lock_guard<std::mutex> g(lock);
    return states;
  }
  std::vector<int> errors() {
    std::lock_guard<std::mutex> g(lock);
    return error_codes;
  }
  GstRtcDtlsTransportState state() { return gst_rtc_dtls_transport_get_state(transport); }
};

void on_state(GObject *obj, GParamSpec *, gpointer data) {
  auto *peer = static_cast<Peer *>(data);
  std::lock_guard<std::mutex> g(peer->lock);
  peer->states.push_back(gst_rtc_dtls_transport_get_state(GST_RTC_DTLS_TRANSPORT(obj)));
}

void on_error(GstRtcDtlsTransport *, GError *error, gpointer data) {
  auto *peer = static_cast<Peer *>(data);
  std::lock_guard<std::mutex> g(peer->lock);
  fail_unless(error->domain == GST_RTC_ERROR);
  peer->error_codes.push_back(error->code);
}

std::atomic<int> id_counter{0};

struct PeerOptions {
  bool client = false;
  const char *profiles = nullptr;
  // Remote fingerprint: the peer's (default), a given one, or none.
  enum { Peers, Given, None } fingerprint = Peers;
  const char *given = nullptr;
  guint fingerprint_timeout = 10000;
  // PEM certificate + key for the enc; unset: the generated default.
  const char *certificate = nullptr;
};

// Creates A and B (elements only) so that fingerprints can be exchanged.
void create(Peer *p, const PeerOptions &o) {
  const std::string id = "test-conn-" + std::to_string(id_counter++);
  p->enc = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  p->dec = gst_element_factory_make("rtcdtlssrtpdec", nullptr);
  fail_unless(p->enc && p->dec);
  g_object_set(p->enc, "connection-id", id.c_str(), "is-client", o.client, nullptr);
  g_object_set(p->dec, "connection-id", id.c_str(), "fingerprint-timeout", o.fingerprint_timeout, nullptr);
  if (o.profiles) g_object_set(p->enc, "srtp-profiles", o.profiles, nullptr);
  if (o.certificate) g_object_set(p->enc, "certificate", o.certificate, nullptr);
  p->bus = gst_bus_new();
  gst_element_set_bus(p->enc, p->bus);
  gst_element_set_bus(p->dec, p->bus);
  g_object_get(p->enc, "transport", &p->transport, nullptr);
  fail_unless(p->transport != nullptr);
  GstRtcDtlsTransport *dec_transport = nullptr;
  g_object_get(p->dec, "transport", &dec_transport, nullptr);
  fail_unless(dec_transport == p->transport, "enc and dec of one connection-id share the transport");
  g_object_unref(dec_transport);
  g_signal_connect(p->transport, "notify::state", G_CALLBACK(on_state), p);
  g_signal_connect(p->transport, "on-error", G_CALLBACK(on_error), p);
}

gchar *fingerprint_of(Peer *p) {
  gchar *fp = nullptr;
  g_object_get(p->enc, "fingerprint", &fp, nullptr);
  fail_unless(fp && g_str_has_prefix(fp, "sha-256 "));
  return fp;
}

// Harnesses start the elements (PLAYING): a client sends its ClientHello.
void start(Peer *p) {
  p->dec_h = gst_harness_new_with_element(p->dec, "sink", "rtp_src");
  p->rtcp_h = gst_harness_new_with_element(p->dec, nullptr, "rtcp_src");
  p->app_h = gst_harness_new_with_element(p->dec, nullptr, "data_src");
  p->enc_h = gst_harness_new_with_element(p->enc, "rtp_sink_0", "src");
  gst_harness_set_src_caps_str(p->enc_h, "application/x-rtp");
  p->data_h = gst_harness_new_with_element(p->enc, "data_sink", nullptr);
  gst_harness_set_src_caps_str(p->data_h, "application/x-sctp");
  gst_harness_set_src_caps_str(p->dec_h, "application/x-dtls-srtp");
}

void destroy(Peer *p) {
  for (GstHarness *h : {p->data_h, p->enc_h, p->app_h, p->rtcp_h, p->dec_h})
    if (h) gst_harness_teardown(h);
  g_signal_handlers_disconnect_by_data(p->transport, p);
  g_object_unref(p->transport);
  gst_element_set_bus(p->enc, nullptr);
  gst_element_set_bus(p->dec, nullptr);
  gst_bus_set_flushing(p->bus, TRUE);
  gst_object_unref(p->bus);
  gst_object_unref(p->enc);
  gst_object_unref(p->dec);
}

// Moves every datagram sent by one peer to the other; returns how many.
int pump(Peer *from, Peer *to, std::vector<Bytes> *seen = nullptr) {
  int n = 0;
  while (GstBuffer *b = gst_harness_try_pull(from->enc_h)) {
    if (seen) seen->push_back(bytes_of(b));
    gst_harness_push(to->dec_h, b);
    ++n;
  }
  return n;
}

template <class Done>
bool run_until(Peer *a, Peer *b, Done done, int timeout_ms = 5000) {
  const gint64 end = g_get_monotonic_time() + gint64{timeout_ms} * 1000;
  while (g_get_monotonic_time() < end) {
    const int moved = pump(a, b) + pump(b, a);
    if (done()) return true;
    if (moved == 0) g_usleep(1000);
  }
  return done();
}

bool connected(Peer *a, Peer *b) {
  return a->state() == GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED &&
         b->state() == GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED;
}

void make_pair(Peer *a, Peer *b, PeerOptions oa, PeerOptions ob) {
  create(a, oa);
  create(b, ob);
  if (oa.fingerprint != PeerOptions::None) {
    gchar *fp = oa.fingerprint == PeerOptions::Given ? g_strdup(oa.given) : fingerprint_of(b);
    g_object_set(a->dec, "remote-fingerprint", fp, nullptr);
    g_free(fp);
  }
  if (ob.fingerprint != PeerOptions::None) {
    gchar *fp = ob.fingerprint == PeerOptions::Given ? g_strdup(ob.given) : fingerprint_of(a);
    g_object_set(b->dec, "remote-fingerprint", fp, nullptr);
    g_free(fp);
  }
  // The server first, so that the ClientHello finds it running.
  if (oa.client) {
    start(b);
    start(a);
  } else {
    start(a);
    start(b);
  }
}

void connect_pair(Peer *a, Peer *b, PeerOptions oa, PeerOptions ob) {
  make_pair(a, b, oa, ob);
  fail_unless(run_until(a, b, [&] { return connected(a, b); }), "handshake did not complete");
}

// Checks a string field of an element's stats.
#define assert_stats_string(e, field, expected)          \
  do {                                                   \
    const std::string got_ = stats_string((e), (field)); \
    fail_unless_equals_string(got_.c_str(), (expected)); \
  } while (0)

std::string stats_string(GstElement *e, const char *field) {
  GstStructure *s = nullptr;
  g_object_get(e, "stats", &s, nullptr);
  fail_unless(s != nullptr);
  const gchar *v = gst_structure_get_string(s, field);
  std::string out = v ? v : "";
  gst_structure_free(s);
  return out;
}

guint64 stats_u64(GstElement *e, const char *field) {
  GstStructure *s = nullptr;
  g_object_get(e, "stats", &s, nullptr);
  fail_unless(s != nullptr);
  guint64 v = 0;
  gst_structure_get_uint64(s, field, &v);
  gst_structure_free(s);
  return v;
}

// The next SRTP/SRTCP datagram `from` sent; handshake datagrams still in
// flight (a retransmission queued just before the handshake finished) are
// delivered to `to` on the way, as the network would.
GstBuffer *pull_media(Peer *from, Peer *to) {
  for (;;) {
    GstBuffer *b = gst_harness_pull(from->enc_h);
    fail_unless(b != nullptr);
    guint8 first = 0;
    gst_buffer_extract(b, 0, &first, 1);
    if (first < 20 || first > 63) return b;
    gst_harness_push(to->dec_h, b);
  }
}

// The next datagram `from` sent, whatever it is.
GstBuffer *pull_media_or_dtls(Peer *from) {
  GstBuffer *b = gst_harness_pull(from->enc_h);
  fail_unless(b != nullptr);
  return b;
}

void check_rtp_once(Peer *from, Peer *to, guint16 seq) {
  GstBuffer *rtp = make_rtp(seq, 0x77, 60);
  const Bytes plain = bytes_of(rtp);
  fail_unless_equals_int(gst_harness_push(from->enc_h, rtp), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(to->dec_h, pull_media(from, to)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(to->dec_h);
  fail_unless(bytes_of(out) == plain);
  gst_buffer_unref(out);
}

// Sends RTP and RTCP from `from` and checks that `to` delivers the same bytes.
void check_media(Peer *from, Peer *to, guint16 first_seq, std::size_t overhead) {
  for (guint16 i = 0; i < 5; ++i) {
    GstBuffer *rtp = make_rtp(static_cast<guint16>(first_seq + i), 0xabcdef01, 100 + i * 50);
    const Bytes plain = bytes_of(rtp);
    fail_unless_equals_int(gst_harness_push(from->enc_h, rtp), GST_FLOW_OK);
    GstBuffer *wire = pull_media(from, to);
    const Bytes protected_bytes = bytes_of(wire);
    fail_unless_equals_int(protected_bytes.size(), plain.size() + overhead);
    fail_if(std::memcmp(protected_bytes.data() + 12, plain.data() + 12, plain.size() - 12) == 0,
            "payload left in the clear");
    gst_harness_push(to->dec_h, wire);
    GstBuffer *out = gst_harness_pull(to->dec_h);
    fail_unless(bytes_of(out) == plain, "RTP bytes changed");
    gst_buffer_unref(out);
  }
  // RTCP through the same (rtcp-mux) pad.
  GstBuffer *rtcp = make_rtcp_sr(0xabcdef01);
  const Bytes plain = bytes_of(rtcp);
  fail_unless_equals_int(gst_harness_push(from->enc_h, rtcp), GST_FLOW_OK);
  GstBuffer *wire = pull_media(from, to);
  fail_unless(gst_buffer_get_size(wire) > plain.size());
  gst_harness_push(to->dec_h, wire);
  GstBuffer *out = gst_harness_pull(to->rtcp_h);
  fail_unless(bytes_of(out) == plain, "RTCP bytes changed");
  gst_buffer_unref(out);
}

}  // namespace

GST_START_TEST(test_handshake_states_both_roles) {
  for (bool a_client : {true, false}) {
    Peer a, b;
    PeerOptions oa, ob;
    oa.client = a_client;
    ob.client = !a_client;
    connect_pair(&a, &b, oa, ob);
    for (Peer *p : {&a, &b}) {
      const auto log = p->state_log();
      fail_unless(log.size() >= 2, "states: %zu", log.size());
      fail_unless_equals_int(log[0], GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING);
      fail_unless_equals_int(log.back(), GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED);
      fail_unless(p->errors().empty());
    }
    // remote-certificate is the peer's certificate.
    gchar *remote = nullptr, *peer_pem = nullptr;
    g_object_get(a.transport, "remote-certificate", &remote, nullptr);
    g_object_get(b.enc, "certificate", &peer_pem, nullptr);
    fail_unless(remote && peer_pem);
    fail_unless(g_str_has_prefix(peer_pem, remote), "remote-certificate is not B's certificate");
    g_free(remote);
    g_free(peer_pem);
    gboolean is_client = FALSE;
    g_object_get(a.enc, "is-client", &is_client, nullptr);
    fail_unless_equals_int(is_client, a_client);
    assert_stats_string(a.enc, "srtp-profile", "SRTP_AEAD_AES_256_GCM");
    // Closing A sends close_notify: both transports end closed.
    gst_element_set_state(a.enc, GST_STATE_READY);
    fail_unless(run_until(&a, &b, [&] { return b.state() == GST_RTC_DTLS_TRANSPORT_STATE_CLOSED; }));
    fail_unless_equals_int(a.state(), GST_RTC_DTLS_TRANSPORT_STATE_CLOSED);
    destroy(&a);
    destroy(&b);
  }
}
GST_END_TEST;

GST_START_TEST(test_every_profile_media_both_ways) {
  struct {
    const char *name;
    std::size_t rtp_overhead;
  } profiles[] = {
      {"SRTP_AEAD_AES_256_GCM", 16},
      {"SRTP_AEAD_AES_128_GCM", 16},
      {"SRTP_AES128_CM_SHA1_80", 10},
      {"SRTP_AES128_CM_SHA1_32", 4},
  };
  for (const auto &profile : profiles) {
    Peer a, b;
    PeerOptions oa, ob;
    oa.client = true;
    oa.profiles = profile.name;
    ob.profiles = profile.name;
    connect_pair(&a, &b, oa, ob);
    assert_stats_string(a.enc, "srtp-profile", profile.name);
    assert_stats_string(b.dec, "srtp-profile", profile.name);
    check_media(&a, &b, 100, profile.rtp_overhead);
    check_media(&b, &a, 60000, profile.rtp_overhead);
    fail_unless_equals_int(stats_u64(b.dec, "rtp-unprotected"), 5);
    fail_unless_equals_int(stats_u64(b.dec, "rtcp-unprotected"), 1);
    destroy(&a);
    destroy(&b);
  }
}
GST_END_TEST;

GST_START_TEST(test_profile_preference_server_picks) {
  // The server picks by its own preference among what the client offers
  // (OpenSSL's rule): CM-80 here although the client listed CM-32 first.
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  oa.profiles = "SRTP_AES128_CM_SHA1_32,SRTP_AES128_CM_SHA1_80";
  ob.profiles = "SRTP_AES128_CM_SHA1_80,SRTP_AES128_CM_SHA1_32";
  connect_pair(&a, &b, oa, ob);
  assert_stats_string(a.enc, "srtp-profile", "SRTP_AES128_CM_SHA1_80");
  assert_stats_string(b.enc, "srtp-profile", "SRTP_AES128_CM_SHA1_80");
  check_media(&a, &b, 1, 10);
  check_media(&b, &a, 1, 10);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_application_data_both_ways) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  make_pair(&a, &b, oa, ob);
  // Before the handshake: queued, then flushed once connected (SCTP INIT).
  const Bytes early = {0x13, 0x88, 0x13, 0x88, 1, 2, 3, 4, 5};
  fail_unless_equals_int(gst_harness_push(a.data_h, buffer_of(early)), GST_FLOW_OK);
  fail_unless(run_until(&a, &b, [&] { return connected(&a, &b); }));
  fail_unless(run_until(&a, &b, [&] { return gst_harness_buffers_in_queue(b.app_h) > 0; }));
  GstBuffer *got = gst_harness_pull(b.app_h);
  fail_unless(bytes_of(got) == early);
  gst_buffer_unref(got);

  Bytes big(1100);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i);
  for (Peer *from : {&a, &b}) {
    Peer *to = from == &a ? &b : &a;
    for (int i = 0; i < 3; ++i) {
      big[0] = static_cast<uint8_t>(i);
      fail_unless_equals_int(gst_harness_push(from->data_h, buffer_of(big)), GST_FLOW_OK);
      fail_unless(run_until(&a, &b, [&] { return gst_harness_buffers_in_queue(to->app_h) > 0; }));
      got = gst_harness_pull(to->app_h);
      fail_unless(bytes_of(got) == big);
      gst_buffer_unref(got);
    }
  }
  fail_unless_equals_int(stats_u64(a.enc, "application-queued"), 1);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

// Whatever A sends after failing must not be media or application data.
static void check_nothing_after_failure(Peer *a, Peer *b) {
  fail_unless_equals_int(gst_harness_push(a->enc_h, make_rtp(1, 1, 100)), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(a->data_h, buffer_of(Bytes(50, 0x42))), GST_FLOW_OK);
  while (GstBuffer *out = gst_harness_try_pull(a->enc_h)) {
    const Bytes bytes = bytes_of(out);
    fail_unless(!bytes.empty() && bytes[0] >= 20 && bytes[0] <= 63, "non-DTLS datagram after failure");
    gst_buffer_unref(out);
  }
  run_until(
      a, b, [] { return false; }, 300);
  fail_unless_equals_int(gst_harness_buffers_in_queue(b->app_h), 0);
  fail_unless_equals_int(gst_harness_buffers_in_queue(b->dec_h), 0);
  fail_unless_equals_int(gst_harness_buffers_in_queue(a->app_h), 0);
  fail_unless_equals_int(gst_harness_buffers_in_queue(a->dec_h), 0);
}

static void check_error_message(Peer *p, int code) {
  GstMessage *msg = gst_bus_pop_filtered(p->bus, GST_MESSAGE_ERROR);
  fail_unless(msg != nullptr, "no error message on the bus");
  GError *err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
  fail_unless(err->domain == GST_RTC_ERROR);
  fail_unless_equals_int(err->code, code);
  g_error_free(err);
  gst_message_unref(msg);
}

GST_START_TEST(test_wrong_fingerprint_fails) {
  // A wrong fingerprint on either role, written in several hashes.
  const char *wrong[] = {
      "sha-256 "
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
      "sha-1 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33",
  };
  for (bool a_client : {true, false}) {
    for (const char *fp : wrong) {
      Peer a, b;
      PeerOptions oa, ob;
      oa.client = a_client;
      ob.client = !a_client;
      oa.fingerprint = PeerOptions::Given;
      oa.given = fp;
      make_pair(&a, &b, oa, ob);
      fail_unless(run_until(&a, &b, [&] { return a.state() == GST_RTC_DTLS_TRANSPORT_STATE_FAILED; }));
      const auto errors = a.errors();
      fail_unless_equals_int(errors.size(), 1);
      fail_unless_equals_int(errors[0], GST_RTC_ERROR_FINGERPRINT_FAILURE);
      check_error_message(&a, GST_RTC_ERROR_FINGERPRINT_FAILURE);
      fail_unless(a.state_log().back() == GST_RTC_DTLS_TRANSPORT_STATE_FAILED);
      check_nothing_after_failure(&a, &b);
      fail_if(b.state() == GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED && a_client,
              "server connected to a failed client");
      destroy(&a);
      destroy(&b);
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_missing_fingerprint_fails) {
  for (bool a_client : {true, false}) {
    Peer a, b;
    PeerOptions oa, ob;
    oa.client = a_client;
    ob.client = !a_client;
    oa.fingerprint = PeerOptions::None;
    oa.fingerprint_timeout = 0;
    make_pair(&a, &b, oa, ob);
    fail_unless(run_until(&a, &b, [&] { return a.state() == GST_RTC_DTLS_TRANSPORT_STATE_FAILED; }));
    fail_unless_equals_int(a.errors().size(), 1);
    fail_unless_equals_int(a.errors()[0], GST_RTC_ERROR_FINGERPRINT_FAILURE);
    check_error_message(&a, GST_RTC_ERROR_FINGERPRINT_FAILURE);
    check_nothing_after_failure(&a, &b);
    if (a_client) fail_unless_equals_int(stats_u64(a.enc, "dtls-datagrams-sent"), 0);
    destroy(&a);
    destroy(&b);
  }
}
GST_END_TEST;

GST_START_TEST(test_late_fingerprint_connects) {
  // The offerer's answer (with a=fingerprint) arrives after the peer's
  // ClientHello: the server waits for it instead of failing.
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  ob.fingerprint = PeerOptions::None;
  make_pair(&a, &b, oa, ob);
  // The server saw the ClientHello and waits (connecting, not failed).
  auto waiting = [&] { return b.state() == GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING; };
  fail_unless(run_until(&a, &b, waiting, 3000));
  run_until(
      &a, &b, [] { return false; }, 150);
  fail_unless_equals_int(b.state(), GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING);
  gchar *fp = fingerprint_of(&a);
  g_object_set(b.dec, "remote-fingerprint", fp, nullptr);
  g_free(fp);
  fail_unless(run_until(&a, &b, [&] { return connected(&a, &b); }));
  check_media(&a, &b, 7, 16);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_fingerprint_timeout) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  ob.fingerprint = PeerOptions::None;
  ob.fingerprint_timeout = 200;
  make_pair(&a, &b, oa, ob);
  fail_unless(run_until(
      &a, &b, [&] { return b.state() == GST_RTC_DTLS_TRANSPORT_STATE_FAILED; }, 3000));
  fail_unless_equals_int(b.errors()[0], GST_RTC_ERROR_FINGERPRINT_FAILURE);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_remote_fingerprint_property) {
  GstElement *dec = gst_element_factory_make("rtcdtlssrtpdec", nullptr);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(dec, bus);
  const char *good =
      "sha-384 "
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF, sha-1 "
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33";
  g_object_set(dec, "remote-fingerprint", good, nullptr);
  gchar *back = nullptr;
  g_object_get(dec, "remote-fingerprint", &back, nullptr);
  fail_unless_equals_string(back, good);
  g_free(back);
  fail_unless(gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING) == nullptr);
  // Rejected values keep the previous one and warn with a typed error.
  for (const char *bad : {"sha-256", "md5 00:11", "sha-256 00:11:22",
                          "sha-1 zz:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33"}) {
    g_object_set(dec, "remote-fingerprint", bad, nullptr);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
    fail_unless(msg != nullptr, "no warning for %s", bad);
    GError *err = nullptr;
    gst_message_parse_warning(msg, &err, nullptr);
    fail_unless(err->domain == GST_RTC_ERROR);
    g_error_free(err);
    gst_message_unref(msg);
    g_object_get(dec, "remote-fingerprint", &back, nullptr);
    fail_unless_equals_string(back, good);
    g_free(back);
  }
  gst_element_set_bus(dec, nullptr);
  gst_object_unref(bus);
  gst_object_unref(dec);
}
GST_END_TEST;

GST_START_TEST(test_garbage_dropped) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  make_pair(&a, &b, oa, ob);
  // Garbage during the handshake and after it: nothing is delivered, the
  // transport keeps working. (During the handshake only non-DTLS garbage:
  // a spoofed plaintext alert or handshake message can legitimately end a
  // handshake in progress, see test_spoofed_alert_during_handshake.)
  auto garbage = dtls_test::garbage_datagrams();
  fail_unless(garbage.size() >= 40);
  for (const auto &g : garbage) {
    if (!g.empty() && g[0] >= 20 && g[0] <= 63) continue;
    GstBuffer *buf = g.empty() ? gst_buffer_new() : buffer_of(g);
    fail_unless_equals_int(gst_harness_push(b.dec_h, buf), GST_FLOW_OK);
  }
  fail_unless(run_until(&a, &b, [&] { return connected(&a, &b); }));
  for (int round = 0; round < 2; ++round) {
    for (const auto &g : garbage) {
      GstBuffer *buf = g.empty() ? gst_buffer_new() : buffer_of(g);
      fail_unless_equals_int(gst_harness_push(b.dec_h, buf), GST_FLOW_OK);
    }
  }
  fail_unless_equals_int(gst_harness_buffers_in_queue(b.dec_h), 0);
  fail_unless_equals_int(gst_harness_buffers_in_queue(b.rtcp_h), 0);
  fail_unless_equals_int(gst_harness_buffers_in_queue(b.app_h), 0);
  fail_unless_equals_int(b.state(), GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED);
  fail_unless(stats_u64(b.dec, "stun-dropped") > 0);
  fail_unless(stats_u64(b.dec, "other-dropped") > 0);
  fail_unless(stats_u64(b.dec, "dtls-malformed-dropped") > 0);
  fail_unless(stats_u64(b.dec, "srtp-dropped-malformed") + stats_u64(b.dec, "srtp-dropped-auth") > 0);
  check_media(&a, &b, 500, 16);
  fail_unless(b.errors().empty());
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_spoofed_alert_during_handshake) {
  // A plaintext fatal alert from a spoofer while the server waits for the
  // client's second flight: the handshake either survives it or fails as a
  // DTLS failure; it never crashes, hangs or delivers anything.
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  make_pair(&a, &b, oa, ob);
  pump(&a, &b);
  const Bytes alert = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 40};
  gst_harness_push(b.dec_h, buffer_of(alert));
  fail_unless(run_until(
      &a, &b, [&] { return connected(&a, &b) || b.state() == GST_RTC_DTLS_TRANSPORT_STATE_FAILED; }, 8000));
  if (b.state() == GST_RTC_DTLS_TRANSPORT_STATE_FAILED) {
    fail_unless_equals_int(b.errors().size(), 1);
    fail_unless_equals_int(b.errors()[0], GST_RTC_ERROR_DTLS_FAILURE);
    check_nothing_after_failure(&b, &a);
  } else {
    check_media(&a, &b, 1, 16);
  }
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_media_before_connected_dropped) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  make_pair(&a, &b, oa, ob);
  // Before the peer answered: dropped and counted, never sent in the clear.
  fail_unless_equals_int(gst_harness_push(a.enc_h, make_rtp(1, 2, 100)), GST_FLOW_OK);
  fail_unless_equals_int(stats_u64(a.enc, "media-dropped-not-connected"), 1);
  while (GstBuffer *out = gst_harness_try_pull(a.enc_h)) {
    const Bytes bytes = bytes_of(out);
    fail_unless(bytes[0] >= 20 && bytes[0] <= 63);
    gst_harness_push(b.dec_h, out);
  }
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_buffer_lists) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  connect_pair(&a, &b, oa, ob);
  GstBufferList *list = gst_buffer_list_new();
  std::vector<Bytes> plain;
  for (guint16 i = 0; i < 10; ++i) {
    GstBuffer *rtp = make_rtp(static_cast<guint16>(1000 + i), 0x11223344, 200);
    plain.push_back(bytes_of(rtp));
    gst_buffer_list_add(list, rtp);
  }
  GstBuffer *rtcp = make_rtcp_sr(0x11223344);
  const Bytes plain_rtcp = bytes_of(rtcp);
  gst_buffer_list_add(list, rtcp);
  fail_unless_equals_int(gst_pad_push_list(a.enc_h->srcpad, list), GST_FLOW_OK);
  GstBufferList *wire = gst_buffer_list_new();
  std::vector<GstMemory *> memories;
  for (int i = 0; i < 11; ++i) {
    GstBuffer *w = pull_media(&a, &b);
    memories.push_back(gst_buffer_peek_memory(w, 0));
    gst_buffer_list_add(wire, w);
  }
  fail_unless_equals_int(gst_harness_buffers_in_queue(a.enc_h), 0);
  fail_unless_equals_int(gst_pad_push_list(b.dec_h->srcpad, wire), GST_FLOW_OK);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    GstBuffer *out = gst_harness_pull(b.dec_h);
    fail_unless(bytes_of(out) == plain[i]);
    // Unprotected in the memory it arrived in: no copy for lists either.
    fail_unless(gst_buffer_n_memory(out) == 1 && gst_buffer_peek_memory(out, 0) == memories[i]);
    gst_buffer_unref(out);
  }
  GstBuffer *out = gst_harness_pull(b.rtcp_h);
  fail_unless(bytes_of(out) == plain_rtcp);
  gst_buffer_unref(out);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_protect_in_place) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  connect_pair(&a, &b, oa, ob);
  // A packet with room after it (what our allocation answer asks for) is
  // protected in its own memory.
  GstAllocationParams params;
  gst_allocation_params_init(&params);
  params.padding = 32;
  GstBuffer *rtp = gst_buffer_new_allocate(nullptr, 112, &params);
  GstBuffer *tmpl = make_rtp(5, 6, 100);
  Bytes plain = bytes_of(tmpl);
  gst_buffer_unref(tmpl);
  gst_buffer_fill(rtp, 0, plain.data(), plain.size());
  GstMemory *mem = gst_buffer_peek_memory(rtp, 0);
  fail_unless_equals_int(gst_harness_push(a.enc_h, rtp), GST_FLOW_OK);
  GstBuffer *wire = pull_media(&a, &b);
  fail_unless_equals_int(gst_buffer_n_memory(wire), 1);
  fail_unless(gst_buffer_peek_memory(wire, 0) == mem, "protect copied a packet that had room");
  fail_unless_equals_int(gst_buffer_get_size(wire), 112 + 16);
  gst_harness_push(b.dec_h, wire);
  GstBuffer *out = gst_harness_pull(b.dec_h);
  fail_unless(bytes_of(out) == plain);
  gst_buffer_unref(out);

  // The allocation query is answered with that room.
  GstQuery *q = gst_query_new_allocation(gst_caps_new_empty_simple("application/x-rtp"), TRUE);
  GstPad *sink = gst_element_get_static_pad(a.enc, "rtp_sink_0");
  fail_unless(gst_pad_query(sink, q));
  fail_unless(gst_query_get_n_allocation_params(q) >= 1);
  GstAllocationParams got;
  gst_query_parse_nth_allocation_param(q, 0, nullptr, &got);
  fail_unless(got.padding >= 20);
  gst_object_unref(sink);
  gst_query_unref(q);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_rtcp_sink_pad_and_eos) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  connect_pair(&a, &b, oa, ob);
  // gst-plugins-bad style: RTCP on its own rtcp_sink_%u pad.
  GstHarness *rtcp_in = gst_harness_new_with_element(a.enc, "rtcp_sink_0", nullptr);
  gst_harness_set_src_caps_str(rtcp_in, "application/x-rtcp");
  GstBuffer *rtcp = make_rtcp_sr(42);
  const Bytes plain = bytes_of(rtcp);
  fail_unless_equals_int(gst_harness_push(rtcp_in, rtcp), GST_FLOW_OK);
  gst_harness_push(b.dec_h, pull_media(&a, &b));
  GstBuffer *out = gst_harness_pull(b.rtcp_h);
  fail_unless(bytes_of(out) == plain);
  gst_buffer_unref(out);
  // EOS leaves src once every input ended.
  auto eos_seen = [&] {
    bool seen = false;
    while (GstEvent *ev = gst_harness_try_pull_event(a.enc_h)) {
      if (GST_EVENT_TYPE(ev) == GST_EVENT_EOS) seen = true;
      gst_event_unref(ev);
    }
    return seen;
  };
  eos_seen();
  fail_unless(gst_harness_push_event(a.enc_h, gst_event_new_eos()));
  fail_unless(gst_harness_push_event(rtcp_in, gst_event_new_eos()));
  fail_if(eos_seen(), "EOS before data_sink ended");
  fail_unless(gst_harness_push_event(a.data_h, gst_event_new_eos()));
  fail_unless(eos_seen(), "no EOS after every input ended");
  gst_harness_teardown(rtcp_in);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_unlinked_outputs_do_not_fail) {
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  connect_pair(&a, &b, oa, ob);
  // Nobody consumes B's RTCP or application data: NOT_LINKED stays inside.
  GstPad *rtcp_src = gst_element_get_static_pad(b.dec, "rtcp_src");
  GstPad *data_src = gst_element_get_static_pad(b.dec, "data_src");
  fail_unless(gst_pad_unlink(rtcp_src, b.rtcp_h->sinkpad));
  fail_unless(gst_pad_unlink(data_src, b.app_h->sinkpad));
  fail_unless_equals_int(gst_harness_push(a.enc_h, make_rtcp_sr(9)), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(b.dec_h, pull_media(&a, &b)), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(a.data_h, buffer_of(Bytes(20, 1))), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(b.dec_h, pull_media_or_dtls(&a)), GST_FLOW_OK);
  // RTP still flows.
  check_rtp_once(&a, &b, 77);
  fail_unless_equals_int(gst_pad_link(rtcp_src, b.rtcp_h->sinkpad), GST_PAD_LINK_OK);
  fail_unless_equals_int(gst_pad_link(data_src, b.app_h->sinkpad), GST_PAD_LINK_OK);
  gst_object_unref(rtcp_src);
  gst_object_unref(data_src);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

GST_START_TEST(test_directly_linked_pair) {
  // A's enc src linked straight to B's dec sink and back: handshake answers
  // are pushed synchronously into the peer, which answers from the same
  // thread, while the timer and the thread pool push too.
  GstElement *enc[2], *dec[2];
  for (int i = 0; i < 2; ++i) {
    const std::string id = "direct-" + std::to_string(id_counter++);
    enc[i] = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
    dec[i] = gst_element_factory_make("rtcdtlssrtpdec", nullptr);
    g_object_set(enc[i], "connection-id", id.c_str(), "is-client", i == 0, nullptr);
    g_object_set(dec[i], "connection-id", id.c_str(), nullptr);
  }
  for (int i = 0; i < 2; ++i) {
    gchar *fp = nullptr;
    g_object_get(enc[1 - i], "fingerprint", &fp, nullptr);
    g_object_set(dec[i], "remote-fingerprint", fp, nullptr);
    g_free(fp);
    GstPad *src = gst_element_get_static_pad(enc[i], "src");
    GstPad *sink = gst_element_get_static_pad(dec[1 - i], "sink");
    fail_unless_equals_int(gst_pad_link(src, sink), GST_PAD_LINK_OK);
    gst_object_unref(src);
    gst_object_unref(sink);
  }
  GstHarness *out[2], *in[2];
  for (int i : {1, 0}) {
    out[i] = gst_harness_new_with_element(dec[i], nullptr, "rtp_src");
    fail_unless_equals_int(gst_element_set_state(dec[i], GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
    in[i] = gst_harness_new_with_element(enc[i], "rtp_sink_0", nullptr);
    gst_harness_set_src_caps_str(in[i], "application/x-rtp");
  }
  GstRtcDtlsTransport *t[2];
  for (int i = 0; i < 2; ++i) g_object_get(enc[i], "transport", &t[i], nullptr);
  const gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
  auto both = [&] {
    return gst_rtc_dtls_transport_get_state(t[0]) == GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED &&
           gst_rtc_dtls_transport_get_state(t[1]) == GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED;
  };
  while (!both() && g_get_monotonic_time() < end) g_usleep(1000);
  fail_unless(both(), "directly linked pair did not connect");
  for (int i = 0; i < 2; ++i) {
    for (guint16 seq = 0; seq < 20; ++seq) {
      GstBuffer *rtp = make_rtp(seq, 0x100u + i, 300);
      const Bytes plain = bytes_of(rtp);
      fail_unless_equals_int(gst_harness_push(in[i], rtp), GST_FLOW_OK);
      GstBuffer *got = gst_harness_pull(out[1 - i]);
      fail_unless(got && bytes_of(got) == plain);
      gst_buffer_unref(got);
    }
  }
  for (int i = 0; i < 2; ++i) {
    gst_harness_teardown(in[i]);
    gst_harness_teardown(out[i]);
    gst_element_set_state(enc[i], GST_STATE_NULL);
    gst_element_set_state(dec[i], GST_STATE_NULL);
  }
  for (int i = 0; i < 2; ++i) {
    g_object_unref(t[i]);
    gst_object_unref(enc[i]);
    gst_object_unref(dec[i]);
  }
}
GST_END_TEST;

GST_START_TEST(test_connection_id_sharing) {
  GstElement *enc1 = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  GstElement *dec1 = gst_element_factory_make("rtcdtlssrtpdec", nullptr);
  GstElement *dec2 = gst_element_factory_make("rtcdtlssrtpdec", nullptr);
  // The certificate read before connection-id is the one kept.
  gchar *fp_before = nullptr, *fp_after = nullptr;
  g_object_get(enc1, "fingerprint", &fp_before, nullptr);
  g_object_set(enc1, "connection-id", "share-1", nullptr);
  g_object_set(dec1, "connection-id", "share-1", nullptr);
  g_object_set(dec2, "connection-id", "share-2", nullptr);
  g_object_get(enc1, "fingerprint", &fp_after, nullptr);
  fail_unless_equals_string(fp_before, fp_after);
  GstRtcDtlsTransport *t1 = nullptr, *t2 = nullptr, *t3 = nullptr;
  g_object_get(enc1, "transport", &t1, nullptr);
  g_object_get(dec1, "transport", &t2, nullptr);
  g_object_get(dec2, "transport", &t3, nullptr);
  fail_unless(t1 == t2);
  fail_unless(t1 != t3);
  gchar *cert = nullptr;
  g_object_get(t1, "certificate", &cert, nullptr);
  fail_unless(cert && strstr(cert, "BEGIN CERTIFICATE") && strstr(cert, "PRIVATE KEY"));
  g_free(cert);
  fail_unless_equals_int(gst_rtc_dtls_transport_get_state(t1), GST_RTC_DTLS_TRANSPORT_STATE_NEW);

  // A user certificate (PEM cert + key) is taken as is.
  GstElement *enc3 = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  gchar *pem = nullptr, *fp3 = nullptr;
  g_object_get(enc1, "certificate", &pem, nullptr);
  g_object_set(enc3, "certificate", pem, nullptr);
  g_object_get(enc3, "fingerprint", &fp3, nullptr);
  fail_unless_equals_string(fp3, fp_before);
  g_free(pem);
  g_free(fp3);
  for (GstRtcDtlsTransport *t : {t1, t2, t3}) g_object_unref(t);
  g_free(fp_before);
  g_free(fp_after);
  for (GstElement *e : {enc1, dec1, dec2, enc3}) gst_object_unref(e);
}
GST_END_TEST;

GST_START_TEST(test_retransmission_under_loss) {
  // Every other datagram of the first flights is lost: the 100 ms timer and
  // its backoff still complete the handshake.
  Peer a, b;
  PeerOptions oa, ob;
  oa.client = true;
  make_pair(&a, &b, oa, ob);
  int n = 0;
  const gint64 end = g_get_monotonic_time() + 8 * G_USEC_PER_SEC;
  while (!connected(&a, &b) && g_get_monotonic_time() < end) {
    bool moved = false;
    for (Peer *from : {&a, &b}) {
      Peer *to = from == &a ? &b : &a;
      while (GstBuffer *buf = gst_harness_try_pull(from->enc_h)) {
        moved = true;
        if (n++ % 2 == 0 && n < 12)
          gst_buffer_unref(buf);
        else
          gst_harness_push(to->dec_h, buf);
      }
    }
    if (!moved) g_usleep(1000);
  }
  fail_unless(connected(&a, &b));
  fail_unless(stats_u64(a.enc, "dtls-retransmissions") + stats_u64(b.enc, "dtls-retransmissions") > 0);
  destroy(&a);
  destroy(&b);
}
GST_END_TEST;

// ---------------------------------------------------------------- certificates

namespace {

// Emits generate-certificate on a fresh element; the reply is the caller's.
GstStructure *generate_certificate(const char *params_text) {
  GstElement *enc = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  GstStructure *params = params_text ? gst_structure_from_string(params_text, nullptr) : nullptr;
  fail_unless(!params_text || params, "bad test structure %s", params_text);
  GstStructure *reply = nullptr;
  g_signal_emit_by_name(enc, "generate-certificate", params, &reply);
  fail_unless(reply != nullptr);
  if (params) gst_structure_free(params);
  gst_object_unref(enc);
  return reply;
}

struct ParsedCert {
  X509 *x509 = nullptr;
  EVP_PKEY *key = nullptr;
  ~ParsedCert() {
    X509_free(x509);
    EVP_PKEY_free(key);
  }
};

void parse_pem(const char *pem, ParsedCert *out) {
  BIO *bio = BIO_new_mem_buf(pem, -1);
  out->x509 = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  bio = BIO_new_mem_buf(pem, -1);
  out->key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  fail_unless(out->x509 && out->key, "the PEM does not hold a certificate and a key");
  fail_unless_equals_int(X509_check_private_key(out->x509, out->key), 1);
}

// Seconds from now to the certificate's notAfter.
gint64 seconds_left(X509 *x509) {
  int days = 0, secs = 0;
  fail_unless(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(x509)));
  return gint64{days} * 86400 + secs;
}

// The first message of `type` on `bus` (GST_RTC_ERROR domain checked), its code.
int rtc_message_code(GstBus *bus, GstMessageType type) {
  GstMessage *msg = gst_bus_pop_filtered(bus, type);
  fail_unless(msg != nullptr, "no %s message", gst_message_type_get_name(type));
  GError *err = nullptr;
  if (type == GST_MESSAGE_ERROR)
    gst_message_parse_error(msg, &err, nullptr);
  else
    gst_message_parse_warning(msg, &err, nullptr);
  fail_unless(err->domain == GST_RTC_ERROR, "domain %s", g_quark_to_string(err->domain));
  const int code = err->code;
  g_error_free(err);
  gst_message_unref(msg);
  return code;
}

}  // namespace

GST_START_TEST(test_generate_certificate_handshake) {
  // ECDSA by default and RSA 2048 on request; either PEM, set as
  // `certificate`, is what the peer sees and verifies in the handshake.
  const char *cases[] = {
      nullptr, "p, name=(string)ECDSA, named-curve=(string)P-256",
      "p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048, public-exponent=(uint)65537"};
  for (const char *params : cases) {
    const gint64 start = g_get_monotonic_time();
    GstStructure *reply = generate_certificate(params);
    const gint64 took_ms = (g_get_monotonic_time() - start) / 1000;
    GST_INFO("%s: %" G_GINT64_FORMAT " ms", params ? params : "default", took_ms);
    fail_if(gst_structure_has_field(reply, "error"), "%s", gst_structure_to_string(reply));
    const gchar *pem = gst_structure_get_string(reply, "certificate");
    const gchar *fp = gst_structure_get_string(reply, "fingerprint");
    fail_unless(pem && fp && g_str_has_prefix(fp, "sha-256 "));
    ParsedCert parsed;
    parse_pem(pem, &parsed);
    const bool rsa = params && strstr(params, "RSA");
    fail_unless_equals_int(EVP_PKEY_get_base_id(parsed.key), rsa ? EVP_PKEY_RSA : EVP_PKEY_EC);
    fail_unless_equals_int(EVP_PKEY_get_bits(parsed.key), rsa ? 2048 : 256);
    // Default lifetime: 30 days.
    const gint64 left = seconds_left(parsed.x509);
    fail_unless(left > 30 * 86400 - 60 && left <= 30 * 86400, "notAfter in %" G_GINT64_FORMAT " s", left);
    guint64 expires = 0;
    fail_unless(gst_structure_get_uint64(reply, "expires", &expires));
    fail_unless(std::llabs(gint64(expires / 1000) - (g_get_real_time() / G_USEC_PER_SEC + left)) <= 2);

    Peer a, b;
    PeerOptions oa, ob;
    oa.client = rsa;  // both roles over the cases
    ob.client = !rsa;
    oa.certificate = pem;
    ob.fingerprint = PeerOptions::Given;
    ob.given = fp;
    connect_pair(&a, &b, oa, ob);
    gchar *own = fingerprint_of(&a);
    fail_unless_equals_string(own, fp);
    g_free(own);
    gchar *remote = nullptr;
    g_object_get(b.transport, "remote-certificate", &remote, nullptr);
    fail_unless(remote && g_str_has_prefix(pem, remote), "B did not see the generated certificate");
    g_free(remote);
    check_rtp_once(&a, &b, 1);
    destroy(&a);
    destroy(&b);
    gst_structure_free(reply);
  }
}
GST_END_TEST;

GST_START_TEST(test_generate_certificate_does_not_touch_element) {
  GstElement *enc = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  gchar *before = nullptr, *after = nullptr;
  g_object_get(enc, "fingerprint", &before, nullptr);
  GstStructure *reply = nullptr;
  g_signal_emit_by_name(enc, "generate-certificate", nullptr, &reply);
  fail_unless(reply && gst_structure_has_field(reply, "certificate"));
  g_object_get(enc, "fingerprint", &after, nullptr);
  fail_unless_equals_string(before, after);
  fail_if(g_strcmp0(before, gst_structure_get_string(reply, "fingerprint")) == 0);
  gst_structure_free(reply);
  g_free(before);
  g_free(after);
  gst_object_unref(enc);
}
GST_END_TEST;

GST_START_TEST(test_generate_certificate_bad_params) {
  const std::pair<const char *, int> cases[] = {
      {"p, named-curve=(string)P-256", GST_RTC_ERROR_TYPE},
      {"p, name=(int)5", GST_RTC_ERROR_TYPE},
      {"p, name=(string)ECDSA", GST_RTC_ERROR_TYPE},
      {"p, name=(string)ECDSA, named-curve=(int)256", GST_RTC_ERROR_TYPE},
      {"p, name=(string)ECDSA, named-curve=(string)P-384", GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)ECDSA, named-curve=(string)p-256", GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)Ed25519", GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)AES-GCM, length=(int)128", GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)RSASSA-PKCS1-v1_5", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)512", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)1023", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)16385", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)-2048", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(string)2048", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(double)2048.5", GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048, public-exponent=(int)65536",
       GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048, public-exponent=(int)1",
       GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048, public-exponent=(string)x",
       GST_RTC_ERROR_TYPE},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048, hash=(string)SHA-1",
       GST_RTC_ERROR_NOT_SUPPORTED},
      {"p, name=(string)RSASSA-PKCS1-v1_5, modulus-length=(int)2048, hash=(int)256", GST_RTC_ERROR_TYPE},
      {"p, name=(string)ECDSA, named-curve=(string)P-256, expires=(int)-1", GST_RTC_ERROR_TYPE},
      {"p, name=(string)ECDSA, named-curve=(string)P-256, expires=(string)soon", GST_RTC_ERROR_TYPE},
      {"p, name=(string)ECDSA, named-curve=(string)P-256, expires=(double)1.5", GST_RTC_ERROR_TYPE},
  };
  for (auto [params, code] : cases) {
    GstStructure *reply = generate_certificate(params);
    fail_if(gst_structure_has_field(reply, "certificate"), "%s gave a certificate", params);
    const GValue *v = gst_structure_get_value(reply, "error");
    fail_unless(v && G_VALUE_HOLDS(v, G_TYPE_ERROR), "%s: no error", params);
    auto *err = static_cast<const GError *>(g_value_get_boxed(v));
    fail_unless(err->domain == GST_RTC_ERROR, "%s", params);
    fail_unless(err->code == code, "%s: code %d, expected %d (%s)", params, err->code, code, err->message);
    gst_structure_free(reply);
  }
}
GST_END_TEST;

GST_START_TEST(test_generate_certificate_expires) {
  // One hour (in ms, any integer type), then beyond the one-year cap.
  for (const char *params : {"p, name=(string)ECDSA, named-curve=(string)P-256, expires=(guint64)3600000",
                             "p, name=(string)ecdsa, named-curve=(string)P-256, expires=(double)3600000",
                             "p, name=(string)ECDSA, named-curve=(string)P-256, expires=(int)3599001"}) {
    GstStructure *reply = generate_certificate(params);
    ParsedCert parsed;
    parse_pem(gst_structure_get_string(reply, "certificate"), &parsed);
    const gint64 left = seconds_left(parsed.x509);
    fail_unless(left > 3600 - 30 && left <= 3600, "%s: notAfter in %" G_GINT64_FORMAT " s", params, left);
    gst_structure_free(reply);
  }
  GstStructure *reply = generate_certificate(
      "p, name=(string)ECDSA, named-curve=(string)P-256, expires=(guint64)315360000000");  // 10 years
  ParsedCert parsed;
  parse_pem(gst_structure_get_string(reply, "certificate"), &parsed);
  const gint64 left = seconds_left(parsed.x509);
  fail_unless(left > 365 * 86400 - 30 && left <= 365 * 86400, "notAfter in %" G_GINT64_FORMAT " s", left);
  gst_structure_free(reply);
}
GST_END_TEST;

GST_START_TEST(test_invalid_certificate_property) {
  GstElement *enc = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  GstElement *other = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(enc, bus);
  gchar *good = nullptr, *other_pem = nullptr;
  g_object_get(enc, "certificate", &good, nullptr);
  g_object_get(other, "certificate", &other_pem, nullptr);
  // A certificate with another certificate's key.
  const std::string cert_part(good, strstr(good, "-----END CERTIFICATE-----") + 26);
  const std::string mismatched = cert_part + strstr(other_pem, "-----BEGIN PRIVATE KEY-----");
  const std::pair<std::string, int> cases[] = {
      {"garbage", GST_RTC_ERROR_SYNTAX},
      {"", GST_RTC_ERROR_SYNTAX},
      {cert_part, GST_RTC_ERROR_SYNTAX},  // no key
      {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", GST_RTC_ERROR_SYNTAX},
      {mismatched, GST_RTC_ERROR_INVALID_ACCESS},
  };
  for (const auto &[pem, code] : cases) {
    g_object_set(enc, "certificate", pem.c_str(), nullptr);
    fail_unless_equals_int(rtc_message_code(bus, GST_MESSAGE_WARNING), code);
    gchar *fp = nullptr, *cert = nullptr;
    g_object_get(enc, "fingerprint", &fp, "certificate", &cert, nullptr);
    fail_unless(fp == nullptr && cert == nullptr, "a refused certificate must not be replaced silently");
    // No handshake with a certificate other than the one the user gave.
    fail_unless_equals_int(gst_element_set_state(enc, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    fail_unless_equals_int(rtc_message_code(bus, GST_MESSAGE_ERROR), code);
    gst_element_set_state(enc, GST_STATE_NULL);
  }
  // A valid certificate (or NULL) lifts the refusal.
  g_object_set(enc, "certificate", other_pem, nullptr);
  gchar *fp = nullptr;
  g_object_get(enc, "fingerprint", &fp, nullptr);
  gchar *other_fp = nullptr;
  g_object_get(other, "fingerprint", &other_fp, nullptr);
  fail_unless_equals_string(fp, other_fp);
  fail_unless(gst_element_set_state(enc, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
  gst_element_set_state(enc, GST_STATE_NULL);
  g_object_set(enc, "certificate", "garbage", nullptr);
  g_object_set(enc, "certificate", nullptr, nullptr);
  fail_unless(gst_element_set_state(enc, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
  gst_element_set_state(enc, GST_STATE_NULL);
  g_free(fp);
  g_free(other_fp);
  g_free(good);
  g_free(other_pem);
  gst_element_set_bus(enc, nullptr);
  gst_bus_set_flushing(bus, TRUE);
  gst_object_unref(bus);
  gst_object_unref(enc);
  gst_object_unref(other);
}
GST_END_TEST;

static Suite *dtls_elements_suite() {
  Suite *s = suite_create("dtls_elements");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_handshake_states_both_roles);
  tcase_add_test(tc, test_every_profile_media_both_ways);
  tcase_add_test(tc, test_profile_preference_server_picks);
  tcase_add_test(tc, test_application_data_both_ways);
  tcase_add_test(tc, test_wrong_fingerprint_fails);
  tcase_add_test(tc, test_missing_fingerprint_fails);
  tcase_add_test(tc, test_late_fingerprint_connects);
  tcase_add_test(tc, test_fingerprint_timeout);
  tcase_add_test(tc, test_remote_fingerprint_property);
  tcase_add_test(tc, test_garbage_dropped);
  tcase_add_test(tc, test_spoofed_alert_during_handshake);
  tcase_add_test(tc, test_media_before_connected_dropped);
  tcase_add_test(tc, test_buffer_lists);
  tcase_add_test(tc, test_protect_in_place);
  tcase_add_test(tc, test_rtcp_sink_pad_and_eos);
  tcase_add_test(tc, test_unlinked_outputs_do_not_fail);
  tcase_add_test(tc, test_directly_linked_pair);
  tcase_add_test(tc, test_connection_id_sharing);
  tcase_add_test(tc, test_retransmission_under_loss);
  tcase_add_test(tc, test_generate_certificate_handshake);
  tcase_add_test(tc, test_generate_certificate_does_not_touch_element);
  tcase_add_test(tc, test_generate_certificate_bad_params);
  tcase_add_test(tc, test_generate_certificate_expires);
  tcase_add_test(tc, test_invalid_certificate_property);
  return s;
}

GST_CHECK_MAIN(dtls_elements);
