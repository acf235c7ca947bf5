// rtcicesrc / rtcicesink and their GstRtcNiceTransport: two transports in
// one process, real libnice sockets on 127.0.0.1 only.
#include <atomic>
#include <functional>
#include <thread>

#include "test_ice_util.h"

using namespace ice_test;

namespace {

constexpr gsize kSize = 1200;

// Pushes `count` numbered datagrams a -> b in windows (a window waits for
// its datagrams to land, so a full socket buffer cannot fake a loss) and
// checks that they arrive complete, intact and in order.
void flow(GstHarness *sink, GstHarness *src, guint32 first, guint32 count) {
  constexpr guint32 kWindow = 50;
  guint32 expected = first;
  for (guint32 start = first; start < first + count; start += kWindow) {
    guint32 n = std::min(kWindow, first + count - start);
    for (guint32 i = 0; i < n; ++i)
      fail_unless_equals_int(gst_harness_push(sink, numbered(start + i, kSize)), GST_FLOW_OK);
    auto got = pull_n(src, n);
    fail_unless_equals_int(got.size(), n);
    for (GstBuffer *b : got) {
      gint64 seq = check_numbered(b, kSize);
      fail_unless(seq >= 0, "corrupted datagram");
      fail_unless_equals_int64(seq, expected);
      ++expected;
      gst_buffer_unref(b);
    }
  }
}

void connect_sides(Side &a, Side &b, GstHarness **a_sink, GstHarness **b_src) {
  wire(a, b);
  // Starting the elements gathers (once per transport).
  *b_src = src_harness(b.transport);
  *a_sink = sink_harness(a.transport);
  gst_harness_play(*a_sink);
  fail_unless(a.obs.wait_connected(), "a did not connect");
  fail_unless(b.obs.wait_connected(), "b did not connect");
}

void check_state_sequence(Observer &o) {
  std::lock_guard lock(o.m);
  fail_unless(o.states.size() >= 2);
  fail_unless_equals_int(o.states[0], GST_RTC_ICE_TRANSPORT_STATE_CHECKING);
  fail_unless_equals_int(o.states[1], GST_RTC_ICE_TRANSPORT_STATE_CONNECTED);
  for (std::size_t i = 2; i < o.states.size(); ++i)
    fail_unless(o.states[i] == GST_RTC_ICE_TRANSPORT_STATE_COMPLETED ||
                o.states[i] == GST_RTC_ICE_TRANSPORT_STATE_CONNECTED);
}

std::string pair_field(GstRtcIceTransport *t, const char *field) {
  GstStructure *s = gst_rtc_ice_transport_get_selected_candidate_pair(t);
  fail_unless(s != nullptr, "no selected pair");
  std::string v = gst_structure_get_string(s, field) ? gst_structure_get_string(s, field) : "";
  gst_structure_free(s);
  return v;
}

// The gst-launch command that follows `marker` in docs/ice.md, turned into
// the description gst-launch-1.0 parses: the shell splits and unquotes the
// words (g_shell_parse_argv), then gst_parse_launchv escapes the spaces
// left in each word outside double quotes and joins them.
std::string launch_line(const std::string &doc, const std::string &marker) {
  auto at = doc.find(marker);
  fail_unless(at != std::string::npos, "%s not in docs/ice.md", marker.c_str());
  auto start = doc.find("gst-launch-1.0 ", at);
  auto end = doc.find("```", start);
  std::string command = doc.substr(start, end - start);
  gint argc = 0;
  gchar **argv = nullptr;
  fail_unless(g_shell_parse_argv(command.c_str(), &argc, &argv, nullptr), "shell syntax: %s",
              command.c_str());
  std::string line;
  for (gint i = 1; i < argc; ++i) {
    if (!line.empty()) line.push_back(' ');
    bool quoted = false;
    for (const gchar *c = argv[i]; *c; ++c) {
      if (*c == '"' && (c == argv[i] || c[-1] != '\\')) quoted = !quoted;
      if (*c == ' ' && !quoted) line.push_back('\\');
      line.push_back(*c);
    }
  }
  g_strfreev(argv);
  return line;
}

// The " ! "-separated piece that starts with one of our elements: the test
// harness stands in for the fakesrc / fakesink around it (this test program
// loads no plugin but ours).
std::string our_part(const std::string &line) {
  std::size_t pos = 0;
  while (true) {
    auto next = line.find(" ! ", pos);
    std::string piece = line.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    auto first = piece.find_first_not_of(' ');
    if (first != std::string::npos && piece.compare(first, 6, "rtcice") == 0) return piece.substr(first);
    fail_unless(next != std::string::npos, "no rtcice element in: %s", line.c_str());
    pos = next + 3;
  }
}

void replace_all(std::string &s, const std::string &from, const std::string &to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

GstRtcIceTransport *transport_by_id(const char *id) {
  GstElement *probe = gst_element_factory_make("rtcicesrc", nullptr);
  g_object_set(probe, "transport-id", id, nullptr);
  GstRtcIceTransport *t = nullptr;
  g_object_get(probe, "transport", &t, nullptr);
  gst_object_unref(probe);
  return t;
}

bool wait_until(const std::function<bool()> &pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

bool is_up(GstRtcIceTransport *t) {
  auto s = gst_rtc_ice_transport_get_state(t);
  return s == GST_RTC_ICE_TRANSPORT_STATE_CONNECTED || s == GST_RTC_ICE_TRANSPORT_STATE_COMPLETED;
}

}  // namespace

GST_START_TEST(test_udp_host_bytes_in_order) {
  Side a(true), b(false);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  check_state_sequence(a.obs);
  check_state_sequence(b.obs);
  {
    std::lock_guard lock(a.obs.m);
    fail_unless(a.obs.pair_changes >= 1);
    fail_unless(a.obs.end_of_candidates);
    // gathering-state went new -> gathering -> complete
    fail_unless(a.obs.gathering.size() >= 2);
    fail_unless_equals_int(a.obs.gathering.front(), GST_RTC_ICE_GATHERING_STATE_GATHERING);
    fail_unless_equals_int(a.obs.gathering.back(), GST_RTC_ICE_GATHERING_STATE_COMPLETE);
    for (const auto &c : a.obs.candidates)
      fail_unless(c.find(" 127.0.0.1 ") != std::string::npos, "%s", c.c_str());
  }
  std::string local = pair_field(a.transport, "local");
  fail_unless(local.find(" UDP ") != std::string::npos || local.find(" udp ") != std::string::npos, "%s",
              local.c_str());
  fail_unless(pair_field(a.transport, "local-type") == "host", "%s",
              pair_field(a.transport, "local-type").c_str());
  fail_unless(pair_field(b.transport, "remote-type") == "host", "%s",
              pair_field(b.transport, "remote-type").c_str());

  flow(a_sink, b_src, 0, 500);
  GstElement *sink = a_sink->element;
  fail_unless_equals_uint64(uint64_prop(sink, "sent"), 500);
  fail_unless_equals_uint64(uint64_prop(sink, "dropped"), 0);

  // And back: b's own sink, a's own source, the same two transports.
  GstHarness *b_sink = sink_harness(b.transport);
  gst_harness_play(b_sink);
  GstHarness *a_src = src_harness(a.transport);
  flow(b_sink, a_src, 1000, 100);
  gst_harness_teardown(a_src);
  gst_harness_teardown(b_sink);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

GST_START_TEST(test_tcp_only_bytes_in_order) {
  Side a(true, false, true), b(false, false, true);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  check_state_sequence(a.obs);
  check_state_sequence(b.obs);
  std::string local = pair_field(a.transport, "local");
  fail_unless(local.find(" TCP ") != std::string::npos && local.find("tcptype") != std::string::npos, "%s",
              local.c_str());
  flow(a_sink, b_src, 0, 300);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

GST_START_TEST(test_buffer_list_is_sent_whole) {
  Side a(true), b(false);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  GstBufferList *list = gst_buffer_list_new();
  for (guint32 i = 0; i < 40; ++i) gst_buffer_list_add(list, numbered(i, kSize));
  fail_unless_equals_int(gst_pad_push_list(a_sink->srcpad, list), GST_FLOW_OK);
  auto got = pull_n(b_src, 40);
  fail_unless_equals_int(got.size(), 40);
  for (guint32 i = 0; i < got.size(); ++i) {
    fail_unless_equals_int64(check_numbered(got[i], kSize), i);
    gst_buffer_unref(got[i]);
  }
  fail_unless_equals_uint64(uint64_prop(a_sink->element, "sent"), 40);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

// A path MTU probe (GST_RTC_BUFFER_FLAG_PROBE) as large as a DTLS record
// crosses a loopback pair whole: lo's MTU is 64 KiB.
GST_START_TEST(test_large_probe_crosses_loopback) {
  Side a(true), b(false);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  GstBuffer *probe = numbered(7, 16450);
  GST_BUFFER_FLAG_SET(probe, GST_RTC_BUFFER_FLAG_PROBE);
  fail_unless_equals_int(gst_harness_push(a_sink, probe), GST_FLOW_OK);
  auto got = pull_n(b_src, 1);
  fail_unless_equals_int(got.size(), 1);
  fail_unless_equals_int64(check_numbered(got[0], 16450), 7);
  gst_buffer_unref(got[0]);
  GstStructure *stats = nullptr;
  g_object_get(a.transport, "stats", &stats, nullptr);
  guint64 dropped = 1;
  fail_unless(gst_structure_get_uint64(stats, "probes-dropped", &dropped));
  fail_unless_equals_uint64(dropped, 0);
  gst_structure_free(stats);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

// Stopping the source while datagrams pour in: GstBaseSrc 1.22 unrefs a
// NULL buffer (a g_critical, fatal in GstCheck) when a buffer list comes
// back from create() after the pause and the source then stops; rtcicesrc
// sends lists only while PLAYING. Whatever arrives comes in order, none
// twice.
GST_START_TEST(test_pause_under_load_keeps_order) {
  Side a(true), b(false);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  std::atomic<bool> stop{false};
  std::atomic<guint32> pushed{0};
  std::thread sender([&] {
    while (!stop) {
      GstBufferList *burst = gst_buffer_list_new_sized(64);
      for (int i = 0; i < 64; ++i) gst_buffer_list_add(burst, numbered(pushed++, 300));
      gst_pad_push_list(a_sink->srcpad, burst);
      std::this_thread::sleep_for(200us);
    }
  });
  gint64 last = -1;
  guint received = 0;
  auto drain = [&] {
    while (GstBuffer *buf = gst_harness_try_pull(b_src)) {
      gint64 seq = check_numbered(buf, 300);
      fail_unless(seq > last, "datagram %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT, seq, last);
      last = seq;
      ++received;
      gst_buffer_unref(buf);
    }
  };
  for (int round = 0; round < 40; ++round) {
    std::this_thread::sleep_for(3ms);
    drain();
    gst_element_set_state(b_src->element, GST_STATE_READY);
    gst_element_set_state(b_src->element, GST_STATE_PLAYING);
  }
  stop = true;
  sender.join();
  std::this_thread::sleep_for(100ms);
  drain();
  fail_unless(received > 0);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

GST_START_TEST(test_sink_drops_before_connected) {
  Side a(true);
  GstHarness *h = sink_harness(a.transport);
  gst_harness_play(h);
  for (guint32 i = 0; i < 7; ++i) fail_unless_equals_int(gst_harness_push(h, numbered(i, 100)), GST_FLOW_OK);
  fail_unless_equals_uint64(uint64_prop(h->element, "dropped"), 7);
  fail_unless_equals_uint64(uint64_prop(h->element, "sent"), 0);
  fail_unless_equals_int(gst_rtc_ice_transport_get_state(a.transport), GST_RTC_ICE_TRANSPORT_STATE_NEW);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Malformed or unusable remote candidates: each a typed GST_RTC_ERROR,
// never a crash, and the transport still connects afterwards.
GST_START_TEST(test_malformed_candidates_are_typed_errors) {
  static const char *const bad[] = {
      "",
      "candidate:",
      "candidate:1",
      "candidate:1 1",
      "candidate:1 1 UDP",
      "candidate:1 1 UDP 2130706431",
      "candidate:1 1 UDP 2130706431 127.0.0.1",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ bogus",
      "candidate:1 1 UDP 2130706431 127.0.0.1 70000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 -1 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 port typ host",
      "candidate:1 1 UDP 99999999999 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP prio 127.0.0.1 5000 typ host",
      "candidate:1 0 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 x UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 2 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 256 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 not-an-ip 5000 typ host",
      "candidate:1 1 UDP 2130706431 999.1.1.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 0 typ host",
      "candidate:1 1 TCP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 1 TCP 2130706431 127.0.0.1 5000 typ host tcptype sideways",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ srflx raddr",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ srflx raddr 1.2.3.4 rport",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ srflx raddr 1.2.3.4 rport x",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host generation",
      "candidate:@@ 1 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:123456789012345678901234567890123 1 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host ufrag",
      "candidate:1\t1 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1  1 UDP 2130706431 127.0.0.1 5000 typ host",
      "xandidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host\ncandidate:2",
      "a=candidate",
      "candidate:1 1 UDP 2130706431 [::1 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ relay raddr 1.2.3.4 rport 99999",
  };
  fail_unless(G_N_ELEMENTS(bad) >= 30);
  Side a(true), b(false);
  int syntax = 0, operation = 0;
  for (const char *c : bad) {
    GError *err = nullptr;
    // "" means end-of-candidates by the API; give it a space instead.
    const char *text = *c ? c : " ";
    gboolean ok = gst_rtc_ice_transport_add_remote_candidate(a.transport, text, &err);
    fail_if(ok, "accepted: '%s'", text);
    fail_unless(err != nullptr, "no error for '%s'", text);
    fail_unless(err->domain == GST_RTC_ERROR, "'%s': domain %s", text, g_quark_to_string(err->domain));
    fail_unless(err->code == GST_RTC_ERROR_SYNTAX || err->code == GST_RTC_ERROR_OPERATION, "'%s': code %d",
                text, err->code);
    (err->code == GST_RTC_ERROR_SYNTAX ? syntax : operation)++;
    g_error_free(err);
  }
  fail_unless(syntax > 20);
  fail_unless(operation > 0);

  // The transport is unharmed: it connects and carries data.
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  flow(a_sink, b_src, 0, 50);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

GST_START_TEST(test_transport_id_shares_one_transport) {
  GstElement *src = gst_element_factory_make("rtcicesrc", nullptr);
  GstElement *sink = gst_element_factory_make("rtcicesink", nullptr);
  GstElement *other = gst_element_factory_make("rtcicesink", nullptr);
  g_object_set(src, "transport-id", "shared-x", nullptr);
  g_object_set(sink, "transport-id", "shared-x", nullptr);
  g_object_set(other, "transport-id", "shared-y", nullptr);
  GstRtcIceTransport *t1 = nullptr, *t2 = nullptr, *t3 = nullptr;
  g_object_get(src, "transport", &t1, nullptr);
  g_object_get(sink, "transport", &t2, nullptr);
  g_object_get(other, "transport", &t3, nullptr);
  fail_unless(t1 != nullptr && t1 == t2, "same id, different transports");
  fail_unless(t3 != nullptr && t3 != t1, "different ids share a transport");
  fail_unless(g_type_is_a(G_OBJECT_TYPE(t1), GST_RTC_TYPE_ICE_TRANSPORT));

  // gst-launch's transport::prop=value reaches the shared transport.
  gst_child_proxy_set(GST_CHILD_PROXY(src), "transport::min-port", 41000, "transport::max-port", 41010,
                      nullptr);
  guint min_port = 0;
  g_object_get(t2, "min-port", &min_port, nullptr);
  fail_unless_equals_int(min_port, 41000);
  guint from_sink = 0;
  gst_child_proxy_get(GST_CHILD_PROXY(sink), "transport::max-port", &from_sink, nullptr);
  fail_unless_equals_int(from_sink, 41010);

  // The registry holds it weakly: when everyone lets go it is gone, and
  // the id names a fresh transport.
  GWeakRef weak;
  g_weak_ref_init(&weak, t1);
  gst_object_unref(t1);
  gst_object_unref(t2);
  gst_object_unref(t3);
  gst_object_unref(src);
  gst_object_unref(sink);
  gst_object_unref(other);
  gpointer still = g_weak_ref_get(&weak);
  fail_unless(still == nullptr, "transport outlived its elements");
  g_weak_ref_clear(&weak);
  GstElement *again = gst_element_factory_make("rtcicesrc", nullptr);
  g_object_set(again, "transport-id", "shared-x", nullptr);
  GstRtcIceTransport *t4 = nullptr;
  g_object_get(again, "transport", &t4, nullptr);
  min_port = 1;
  g_object_get(t4, "min-port", &min_port, nullptr);
  fail_unless_equals_int(min_port, 0);
  gst_object_unref(t4);
  gst_object_unref(again);
}
GST_END_TEST;

GST_START_TEST(test_child_before_id_joins_registry) {
  // transport::x set before transport-id: the transport made for it is the
  // one registered under the id.
  GstElement *src = gst_element_factory_make("rtcicesrc", nullptr);
  gst_child_proxy_set(GST_CHILD_PROXY(src), "transport::tos", 46, nullptr);
  g_object_set(src, "transport-id", "late-id", nullptr);
  GstElement *sink = gst_element_factory_make("rtcicesink", nullptr);
  g_object_set(sink, "transport-id", "late-id", nullptr);
  gint tos = 0;
  gst_child_proxy_get(GST_CHILD_PROXY(sink), "transport::tos", &tos, nullptr);
  fail_unless_equals_int(tos, 46);
  gst_object_unref(src);
  gst_object_unref(sink);
}
GST_END_TEST;

GST_START_TEST(test_foreign_transport_is_refused) {
  GstElement *sink = gst_element_factory_make("rtcicesink", nullptr);
  GstRtcIceTransport *mine = nullptr;
  g_object_get(sink, "transport", &mine, nullptr);
  // The libgstrtc base type itself has no sockets: not usable here.
  GstRtcIceTransport *base = GST_RTC_ICE_TRANSPORT(g_object_new(GST_RTC_TYPE_ICE_TRANSPORT, nullptr));
  gst_object_ref_sink(base);
  g_object_set(sink, "transport", base, nullptr);
  GstRtcIceTransport *now = nullptr;
  g_object_get(sink, "transport", &now, nullptr);
  fail_unless(now == mine);
  gst_object_unref(now);
  gst_object_unref(base);
  gst_object_unref(mine);
  gst_object_unref(sink);
}
GST_END_TEST;

GST_START_TEST(test_bad_configuration_is_a_typed_error) {
  Side a(true);
  const gchar *turns[] = {"turn:user@127.0.0.1", nullptr};
  g_object_set(a.transport, "turn-servers", turns, nullptr);
  GError *err = nullptr;
  fail_if(gst_rtc_ice_transport_gather_candidates(a.transport, &err));
  fail_unless(err && err->domain == GST_RTC_ERROR && err->code == GST_RTC_ERROR_SYNTAX);
  g_clear_error(&err);

  // Through the element: an error message on the bus, in GST_RTC_ERROR.
  Side b(true);
  // Neither an IP nor a host name (names themselves are resolved: test_ice_turn.cpp).
  g_object_set(b.transport, "stun-server", "stun:no_such host", nullptr);
  GstElement *sink = gst_element_factory_make("rtcicesink", nullptr);
  g_object_set(sink, "transport", b.transport, nullptr);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(sink, bus);
  fail_unless_equals_int(gst_element_set_state(sink, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  fail_unless(msg != nullptr);
  gst_message_parse_error(msg, &err, nullptr);
  fail_unless(err->domain == GST_RTC_ERROR && err->code == GST_RTC_ERROR_SYNTAX, "%s", err->message);
  g_clear_error(&err);
  gst_message_unref(msg);
  gst_element_set_state(sink, GST_STATE_NULL);
  gst_element_set_bus(sink, nullptr);
  gst_object_unref(bus);
  gst_object_unref(sink);
}
GST_END_TEST;

// Peer gone: its agent stops answering. With RFC 7675 consent freshness
// the survivor reports disconnected, then failed when consent expires.
GST_START_TEST(test_peer_gone_disconnected_then_failed) {
  Side a(true), b(false);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  flow(a_sink, b_src, 0, 20);
  unwire(a, b);
  gst_harness_teardown(b_src);
  // b's transport is dropped with its element: its agent and sockets close.
  b.obs.detach(b.transport);
  gst_object_unref(b.transport);
  b.transport = nullptr;
  gint64 gone = g_get_monotonic_time();
  // Keep sending meanwhile: the sink must neither block nor error.
  auto pushing = [&] {
    for (int i = 0; i < 10; ++i)
      fail_unless_equals_int(gst_harness_push(a_sink, numbered(i, 100)), GST_FLOW_OK);
  };
  bool disconnected = false;
  while (!disconnected && g_get_monotonic_time() - gone < 38 * G_USEC_PER_SEC) {
    pushing();
    disconnected = a.obs.wait_state(GST_RTC_ICE_TRANSPORT_STATE_DISCONNECTED, 500ms);
  }
  fail_unless(disconnected, "never disconnected");
  fail_unless(a.obs.wait_state(GST_RTC_ICE_TRANSPORT_STATE_FAILED,
                               std::chrono::milliseconds(38000 - (g_get_monotonic_time() - gone) / 1000)),
              "never failed");
  GST_INFO("disconnected then failed %.1f s after the peer went", (g_get_monotonic_time() - gone) / 1e6);
  {
    std::lock_guard lock(a.obs.m);
    auto d = std::find(a.obs.states.begin(), a.obs.states.end(), GST_RTC_ICE_TRANSPORT_STATE_DISCONNECTED);
    auto f = std::find(a.obs.states.begin(), a.obs.states.end(), GST_RTC_ICE_TRANSPORT_STATE_FAILED);
    fail_unless(d < f, "failed before disconnected");
  }
  gst_harness_teardown(a_sink);
}
GST_END_TEST;

// docs/ice.md's two gst-launch pipelines, as written there, on free ports.
GST_START_TEST(test_docs_launch_example) {
  const gchar *files = g_getenv("GST_RTC_TEST_FILES");
  fail_unless(files != nullptr, "GST_RTC_TEST_FILES not set");
  gchar *path = g_build_filename(files, "..", "..", "docs", "ice.md", nullptr);
  gchar *contents = nullptr;
  fail_unless(g_file_get_contents(path, &contents, nullptr, nullptr), "cannot read %s", path);
  std::string doc(contents);
  g_free(contents);
  g_free(path);

  std::string rx = our_part(launch_line(doc, "<!-- ice-launch-receiver -->"));
  std::string tx = our_part(launch_line(doc, "<!-- ice-launch-sender -->"));
  fail_unless(rx.rfind("rtcicesrc ", 0) == 0, "%s", rx.c_str());
  fail_unless(tx.rfind("rtcicesink ", 0) == 0, "%s", tx.c_str());
  std::string tx_port = std::to_string(free_port()), rx_port = std::to_string(free_port());
  for (std::string *l : {&rx, &tx}) {
    replace_all(*l, "50001", tx_port);
    replace_all(*l, "50002", rx_port);
  }
  GstHarness *rx_h = gst_harness_new_parse(rx.c_str());
  fail_unless(rx_h != nullptr, "cannot parse: %s", rx.c_str());
  GstHarness *tx_h = gst_harness_new_parse(tx.c_str());
  fail_unless(tx_h != nullptr, "cannot parse: %s", tx.c_str());
  gst_harness_set_src_caps_str(tx_h, "application/x-test");
  gst_harness_play(rx_h);
  gst_harness_play(tx_h);

  GstRtcIceTransport *rx_t = transport_by_id("rx");
  GstRtcIceTransport *tx_t = transport_by_id("tx");
  fail_unless(wait_until([&] { return is_up(rx_t) && is_up(tx_t); }, 10000ms),
              "the two pipelines did not connect");
  std::string local = pair_field(tx_t, "local");
  fail_unless(local.find(" " + tx_port + " ") != std::string::npos, "%s", local.c_str());

  for (guint32 i = 0; i < 100; ++i)
    fail_unless_equals_int(gst_harness_push(tx_h, numbered(i, 200)), GST_FLOW_OK);
  auto got = pull_n(rx_h, 100);
  fail_unless_equals_int(got.size(), 100);
  for (guint32 i = 0; i < got.size(); ++i) {
    fail_unless_equals_int64(check_numbered(got[i], 200), i);
    gst_buffer_unref(got[i]);
  }
  gst_object_unref(rx_t);
  gst_object_unref(tx_t);
  gst_harness_teardown(tx_h);
  gst_harness_teardown(rx_h);
}
GST_END_TEST;

// ICE restart mid-stream: new credentials on both sides, candidates
// signalled again; a packet every 5 ms keeps flowing with no gap over 1 s
// and nothing corrupted, and the transports end up connected again.
GST_START_TEST(test_restart_mid_stream_keeps_flowing) {
  Side a(true), b(false);
  GstHarness *a_sink = nullptr, *b_src = nullptr;
  connect_sides(a, b, &a_sink, &b_src);
  unwire(a, b);

  std::atomic<bool> stop{false};
  std::atomic<guint32> sent{0};
  std::thread sender([&] {
    while (!stop.load()) {
      gst_harness_push(a_sink, numbered(sent.fetch_add(1), 300));
      std::this_thread::sleep_for(5ms);
    }
  });
  std::vector<std::pair<gint64, gint64>> arrivals;  // (time µs, seq)
  std::atomic<bool> corrupted{false};
  std::thread receiver([&] {
    while (!stop.load()) {
      GstBuffer *buf = gst_harness_try_pull(b_src);
      if (!buf) {
        std::this_thread::sleep_for(1ms);
        continue;
      }
      gint64 seq = check_numbered(buf, 300);
      if (seq < 0) {
        corrupted = true;
        GstMapInfo map;
        gst_buffer_map(buf, &map, GST_MAP_READ);
        g_printerr("unexpected %zu-byte datagram %02x %02x %02x %02x %02x %02x %02x %02x\n", map.size,
                   map.size > 0 ? map.data[0] : 0, map.size > 1 ? map.data[1] : 0,
                   map.size > 2 ? map.data[2] : 0, map.size > 3 ? map.data[3] : 0,
                   map.size > 4 ? map.data[4] : 0, map.size > 5 ? map.data[5] : 0,
                   map.size > 6 ? map.data[6] : 0, map.size > 7 ? map.data[7] : 0);
        gst_buffer_unmap(buf, &map);
      }
      arrivals.emplace_back(g_get_monotonic_time(), seq);
      gst_buffer_unref(buf);
    }
  });

  std::this_thread::sleep_for(1000ms);
  std::size_t a_before = 0, b_before = 0;
  {
    std::lock_guard la(a.obs.m);
    a_before = a.obs.candidates.size();
  }
  {
    std::lock_guard lb(b.obs.m);
    b_before = b.obs.candidates.size();
  }
  std::string old_a = a.prop("local-ufrag");
  GError *err = nullptr;
  // Offerer restarts, answerer restarts, each takes the other's new ones.
  fail_unless(
      gst_rtc_ice_transport_set_local_credentials(a.transport, "RSTa", "RSTaRSTaRSTaRSTaRSTaRSTa", &err));
  fail_unless(
      gst_rtc_ice_transport_set_local_credentials(b.transport, "RSTb", "RSTbRSTbRSTbRSTbRSTbRSTb", &err));
  fail_if(a.prop("local-ufrag") == old_a);
  fail_unless(
      gst_rtc_ice_transport_set_remote_credentials(a.transport, "RSTb", "RSTbRSTbRSTbRSTbRSTbRSTb", &err));
  fail_unless(
      gst_rtc_ice_transport_set_remote_credentials(b.transport, "RSTa", "RSTaRSTaRSTaRSTaRSTaRSTa", &err));
  std::vector<std::string> a_new, b_new;
  {
    std::lock_guard la(a.obs.m);
    a_new.assign(a.obs.candidates.begin() + a_before, a.obs.candidates.end());
  }
  {
    std::lock_guard lb(b.obs.m);
    b_new.assign(b.obs.candidates.begin() + b_before, b.obs.candidates.end());
  }
  fail_if(a_new.empty(), "no candidates announced after the restart");
  fail_if(b_new.empty(), "no candidates announced after the restart");
  for (const auto &c : a_new)
    fail_unless(gst_rtc_ice_transport_add_remote_candidate(b.transport, c.c_str(), &err));
  for (const auto &c : b_new)
    fail_unless(gst_rtc_ice_transport_add_remote_candidate(a.transport, c.c_str(), &err));
  gst_rtc_ice_transport_add_remote_candidate(a.transport, nullptr, nullptr);
  gst_rtc_ice_transport_add_remote_candidate(b.transport, nullptr, nullptr);

  std::this_thread::sleep_for(1500ms);
  stop = true;
  sender.join();
  receiver.join();
  // What was still in flight when the receiver stopped: the same checks.
  for (GstBuffer *buf : pull_n(b_src, sent.load() - arrivals.size(), 300ms)) {
    gint64 seq = check_numbered(buf, 300);
    if (seq < 0) corrupted = true;
    arrivals.emplace_back(g_get_monotonic_time(), seq);
    gst_buffer_unref(buf);
  }

  fail_unless(is_up(a.transport) && is_up(b.transport), "not connected after the restart");
  fail_if(corrupted.load(), "corrupted datagram");
  fail_unless(arrivals.size() > 200, "only %zu datagrams arrived", arrivals.size());
  gint64 worst_gap = 0;
  gint64 last_seq = -1;
  for (std::size_t i = 1; i < arrivals.size(); ++i)
    worst_gap = std::max(worst_gap, arrivals[i].first - arrivals[i - 1].first);
  for (auto &[t, seq] : arrivals) {
    fail_unless(seq > last_seq, "out of order: %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT, seq, last_seq);
    last_seq = seq;
  }
  GST_INFO("restart: %zu of %u datagrams, worst gap %" G_GINT64_FORMAT " µs", arrivals.size(), sent.load(),
           worst_gap);
  fail_unless(worst_gap < G_USEC_PER_SEC, "gap of %" G_GINT64_FORMAT " µs", worst_gap);
  // Nothing lost on loopback across the restart, save the tail in flight.
  fail_unless(arrivals.size() + 5 >= sent.load(), "%zu of %u arrived", arrivals.size(), sent.load());

  // And data keeps flowing on the renewed session.
  flow(a_sink, b_src, 100000, 50);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

static Suite *ice_elements_suite() {
  Suite *s = suite_create("rtcice elements");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_udp_host_bytes_in_order);
  tcase_add_test(tc, test_tcp_only_bytes_in_order);
  tcase_add_test(tc, test_buffer_list_is_sent_whole);
  tcase_add_test(tc, test_large_probe_crosses_loopback);
  tcase_add_test(tc, test_pause_under_load_keeps_order);
  tcase_add_test(tc, test_sink_drops_before_connected);
  tcase_add_test(tc, test_malformed_candidates_are_typed_errors);
  tcase_add_test(tc, test_transport_id_shares_one_transport);
  tcase_add_test(tc, test_child_before_id_joins_registry);
  tcase_add_test(tc, test_foreign_transport_is_refused);
  tcase_add_test(tc, test_bad_configuration_is_a_typed_error);
  tcase_add_test(tc, test_peer_gone_disconnected_then_failed);
  tcase_add_test(tc, test_docs_launch_example);
  tcase_add_test(tc, test_restart_mid_stream_keeps_flowing);
  return s;
}

GST_CHECK_MAIN(ice_elements)
