// Data channel throughput of the gst-rtc transport stack next to webrtcbin,
// in one run, alternating rounds, reported as medians and a ratio per
// message size.
//
// Ours: two peers in one pipeline, each wired the way
// tests/check/elements/test_stack.py (and later rtcpeerbin) wires them:
//
//   rtcsctpenc.src -> rtcdtlssrtpenc.data_sink, rtcdtlssrtpenc -> rtcicesink
//   rtcicesrc -> rtcdtlssrtpdec, rtcdtlssrtpdec.data_src -> rtcsctpdec
//
// over real UDP sockets on 127.0.0.1 (ICE local-addresses), with ICE
// credentials, candidates and DTLS fingerprints exchanged in-process.
// webrtcbin: ../shared/anchors/peer_dc_bench (given with --webrtcbin-bench),
// run as a subprocess per round, and the same harness with rtcpeerbin
// (`peer_dc_bench rtcpeerbin ...`) when that element is registered. All
// are paced the same way: one ordered channel, one-way bulk transfer, send
// while buffered-amount <= 4 MiB, resume on buffered-amount-low at 1 MiB;
// throughput counts from channel open to the last byte received, time to
// open from pipeline start.
//
// usage: dc-bench [--smoke] [--mib N] [--rounds N] [--sizes 1200,16384,65536]
//                 [--webrtcbin-bench PATH] [--max-path-mtu N] [--no-rtcpeerbin]
// --smoke: our stack only, 1 MiB per size, every message checked byte for
// byte (not how fast); exits non-zero when anything is missing or wrong.
#include <gst/gst.h>
#include <gst/rtc/rtc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool smoke = false;

struct Run {
  GMainLoop *loop = nullptr;
  GObject *channel = nullptr;
  GBytes *payload = nullptr;  // bench: one payload sent again and again
  gint64 total = 0, msg = 0, tx = 0, rx = 0;
  gint64 tx_msgs = 0, rx_msgs = 0, bad_msgs = 0;
  gint64 t0 = 0, t_open = 0, t_last = 0;
  std::string error;
};

// Smoke payload: message i, byte j = (i * 7 + j) & 0xff, so a lost,
// duplicated, reordered or corrupted message shows.
GBytes *smoke_message(gint64 index, gint64 size) {
  auto *buf = static_cast<guint8 *>(g_malloc(size));
  for (gint64 j = 0; j < size; j++) buf[j] = static_cast<guint8>((index * 7 + j) & 0xff);
  return g_bytes_new_take(buf, size);
}

bool smoke_check(gint64 index, GBytes *data) {
  gsize size = 0;
  const auto *p = static_cast<const guint8 *>(g_bytes_get_data(data, &size));
  for (gsize j = 0; j < size; j++)
    if (p[j] != static_cast<guint8>((index * 7 + j) & 0xff)) return false;
  return true;
}

gboolean pump(gpointer data) {
  auto *r = static_cast<Run *>(data);
  for (;;) {
    if (r->tx >= r->total) return G_SOURCE_REMOVE;
    guint64 buffered = 0;
    g_object_get(r->channel, "buffered-amount", &buffered, nullptr);
    if (buffered > 4 * 1024 * 1024) return G_SOURCE_REMOVE;
    if (smoke) {
      GBytes *m = smoke_message(r->tx_msgs, r->msg);
      g_signal_emit_by_name(r->channel, "send-data", m);
      g_bytes_unref(m);
    } else {
      g_signal_emit_by_name(r->channel, "send-data", r->payload);
    }
    r->tx += r->msg;
    r->tx_msgs++;
  }
}

// Channel signals come from streaming threads; sending happens on the main loop.
void on_open(GObject *, Run *r) {
  r->t_open = g_get_monotonic_time();
  g_idle_add(pump, r);
}

void on_low(GObject *, Run *r) {
  g_idle_add(pump, r);
}

void on_rx(GObject *, GBytes *data, Run *r) {
  if (smoke && (g_bytes_get_size(data) != static_cast<gsize>(r->msg) || !smoke_check(r->rx_msgs, data)))
    r->bad_msgs++;
  r->rx_msgs++;
  r->rx += static_cast<gint64>(g_bytes_get_size(data));
  if (r->rx >= r->total && !r->t_last) {
    r->t_last = g_get_monotonic_time();
    g_main_loop_quit(r->loop);
  }
}

void on_data_channel(GstElement *, GObject *channel, Run *r) {
  g_signal_connect(channel, "on-message-data", G_CALLBACK(on_rx), r);
}

gboolean on_bus(GstBus *, GstMessage *m, gpointer data) {
  auto *r = static_cast<Run *>(data);
  if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
    GError *err = nullptr;
    gst_message_parse_error(m, &err, nullptr);
    r->error = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(m))) + ": " + err->message;
    g_error_free(err);
    g_main_loop_quit(r->loop);
  }
  return G_SOURCE_CONTINUE;
}

gboolean give_up(gpointer data) {
  auto *r = static_cast<Run *>(data);
  r->error = "timed out";
  g_main_loop_quit(r->loop);
  return G_SOURCE_REMOVE;
}

GstElement *make(const char *factory) {
  GstElement *e = gst_element_factory_make(factory, nullptr);
  if (!e) {
    g_printerr("dc-bench: element %s not found (are our plugins built?)\n", factory);
    exit(2);
  }
  return e;
}

struct Peer {
  GstElement *icesrc, *icesink, *dtlsenc, *dtlsdec, *sctpenc, *sctpdec;
  GstRtcIceTransport *ice = nullptr;
};

// rtcsctpenc's max-path-mtu for our stack (--max-path-mtu): 0 keeps the
// 1280-byte packets webrtcbin sends, for a like-for-like comparison.
guint max_path_mtu = 16384;

void build_peer(GstElement *pipe, Peer &p, const std::string &id, guint association, bool client) {
  p.icesrc = make("rtcicesrc");
  p.icesink = make("rtcicesink");
  p.dtlsenc = make("rtcdtlssrtpenc");
  p.dtlsdec = make("rtcdtlssrtpdec");
  p.sctpenc = make("rtcsctpenc");
  p.sctpdec = make("rtcsctpdec");
  // Elements sharing an id share one ICE transport / DTLS connection / SCTP association.
  g_object_set(p.icesrc, "transport-id", id.c_str(), nullptr);
  g_object_set(p.icesink, "transport-id", id.c_str(), nullptr);
  g_object_set(p.dtlsenc, "connection-id", id.c_str(), "is-client", client, nullptr);
  g_object_set(p.dtlsdec, "connection-id", id.c_str(), nullptr);
  g_object_set(p.sctpenc, "sctp-association-id", association, "is-client", client, "max-path-mtu", max_path_mtu,
               nullptr);
  g_object_set(p.sctpdec, "sctp-association-id", association, nullptr);
  gst_bin_add_many(GST_BIN(pipe), p.icesrc, p.icesink, p.dtlsenc, p.dtlsdec, p.sctpenc, p.sctpdec, nullptr);

  GstPad *data_sink = gst_element_request_pad_simple(p.dtlsenc, "data_sink");
  GstPad *sctp_src = gst_element_get_static_pad(p.sctpenc, "src");
  bool ok = gst_pad_link(sctp_src, data_sink) == GST_PAD_LINK_OK;
  gst_object_unref(sctp_src);
  gst_object_unref(data_sink);
  ok = ok && gst_element_link(p.dtlsenc, p.icesink) && gst_element_link(p.icesrc, p.dtlsdec) &&
       gst_element_link_pads(p.dtlsdec, "data_src", p.sctpdec, "sink");
  if (!ok) {
    g_printerr("dc-bench: linking the stack failed\n");
    exit(2);
  }

  GObject *ice = nullptr;
  g_object_get(p.icesrc, "transport", &ice, nullptr);
  p.ice = GST_RTC_ICE_TRANSPORT(ice);
  const gchar *addrs[] = {"127.0.0.1", nullptr};
  g_object_set(ice, "local-addresses", addrs, "controlling", client, nullptr);
}

struct Candidate {
  GstRtcIceTransport *to;
  gchar *candidate;
};

gboolean add_candidate(gpointer data) {
  auto *c = static_cast<Candidate *>(data);
  GError *err = nullptr;
  if (!gst_rtc_ice_transport_add_remote_candidate(c->to, c->candidate, &err)) {
    g_printerr("dc-bench: add-remote-candidate: %s\n", err->message);
    g_error_free(err);
  }
  gst_object_unref(c->to);
  g_free(c->candidate);
  delete c;
  return G_SOURCE_REMOVE;
}

// Trickle: gathered on one side, added on the other from the main loop.
void on_candidate(GstRtcIceTransport *, const gchar *candidate, GstRtcIceTransport *remote) {
  auto *c = new Candidate{GST_RTC_ICE_TRANSPORT(gst_object_ref(remote)), g_strdup(candidate)};
  g_idle_add(add_candidate, c);
}

void exchange(Peer &a, Peer &b) {
  for (auto [local, remote] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    gchar *ufrag = nullptr, *pwd = nullptr, *fp = nullptr;
    g_object_get(local->ice, "local-ufrag", &ufrag, "local-pwd", &pwd, nullptr);
    gst_rtc_ice_transport_set_remote_credentials(remote->ice, ufrag, pwd, nullptr);
    g_signal_connect(local->ice, "on-new-candidate", G_CALLBACK(on_candidate), remote->ice);
    g_object_get(local->dtlsenc, "fingerprint", &fp, nullptr);
    g_object_set(remote->dtlsdec, "remote-fingerprint", fp, nullptr);
    g_free(ufrag);
    g_free(pwd);
    g_free(fp);
  }
}

struct Result {
  double mbps = -1;  // negative: the transfer did not complete
  double open_ms = -1;
  // CPU seconds (user + system) of the round, both peers, set-up included:
  // less sensitive than MB/s to other processes competing for the cores.
  double cpu_s = -1;
};

double cpu_seconds(int who) {
  struct rusage u;
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Result run_ours(guint round, gint64 total, gint64 msg) {
  static guint serial = 0;
  Run r;
  r.total = total;
  r.msg = msg;
  auto *buf = static_cast<guint8 *>(g_malloc(msg));
  memset(buf, 'x', msg);
  r.payload = g_bytes_new_take(buf, msg);
  r.loop = g_main_loop_new(nullptr, FALSE);

  const double cpu0 = cpu_seconds(RUSAGE_SELF);
  GstElement *pipe = gst_pipeline_new(nullptr);
  Peer a, b;
  const guint base = (static_cast<guint>(getpid()) % 20000) * 2 + 4 * ++serial;
  build_peer(pipe, a, "dcb-a-" + std::to_string(base), base, true);
  build_peer(pipe, b, "dcb-b-" + std::to_string(base), base + 1, false);
  exchange(a, b);
  g_signal_connect(b.sctpenc, "on-data-channel", G_CALLBACK(on_data_channel), &r);
  GstBus *bus = gst_element_get_bus(pipe);
  guint bus_watch = gst_bus_add_watch(bus, on_bus, &r);

  // Like peer_dc_bench: the channel is asked for before the transports are
  // up, and opens once ICE, DTLS and SCTP are.
  r.t0 = g_get_monotonic_time();
  GstStructure *opts = gst_structure_new("o", "ordered", G_TYPE_BOOLEAN, TRUE, nullptr);
  g_signal_emit_by_name(a.sctpenc, "create-data-channel", "bench", opts, &r.channel);
  gst_structure_free(opts);
  if (!r.channel) {
    g_printerr("dc-bench: create-data-channel gave no channel\n");
    exit(2);
  }
  g_object_set(r.channel, "buffered-amount-low-threshold", (guint64)1024 * 1024, nullptr);
  g_signal_connect(r.channel, "on-open", G_CALLBACK(on_open), &r);
  g_signal_connect(r.channel, "on-buffered-amount-low", G_CALLBACK(on_low), &r);
  if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) r.error = "PLAYING failed";
  for (Peer *p : {&a, &b}) {
    GError *err = nullptr;
    if (!gst_rtc_ice_transport_gather_candidates(p->ice, &err)) {
      r.error = std::string("gather-candidates: ") + err->message;
      g_error_free(err);
    }
  }
  guint timeout = g_timeout_add_seconds(smoke ? 30 : 120, give_up, &r);
  if (r.error.empty()) g_main_loop_run(r.loop);
  if (r.error.empty()) g_source_remove(timeout);
  // Datagrams of the data direction (a -> b): what the sender's socket took,
  // what arrived; the difference is loopback loss that SCTP retransmits.
  guint64 sent = 0, sink_dropped = 0, received = 0, receive_dropped = 0;
  g_object_get(a.icesink, "sent", &sent, "dropped", &sink_dropped, nullptr);
  g_object_get(b.ice, "received", &received, "receive-dropped", &receive_dropped, nullptr);
  gst_element_set_state(pipe, GST_STATE_NULL);
  const double cpu_s = cpu_seconds(RUSAGE_SELF) - cpu0;
  g_source_remove(bus_watch);
  gst_object_unref(bus);

  Result res;
  if (r.t_open) res.open_ms = (r.t_open - r.t0) / 1000.0;
  if (r.t_last && !r.bad_msgs && r.error.empty()) res.mbps = r.rx / ((r.t_last - r.t_open) / 1e6) / 1e6;
  res.cpu_s = cpu_s;
  if (res.mbps >= 0)
    printf("gst-rtc round=%u time_to_open_ms=%.1f bytes=%" G_GINT64_FORMAT " msg=%" G_GINT64_FORMAT
           " ordered=1 throughput_MBps=%.2f cpu_s=%.2f datagrams_sent=%" G_GUINT64_FORMAT
           " received=%" G_GUINT64_FORMAT " sink_dropped=%" G_GUINT64_FORMAT
           " receive_dropped=%" G_GUINT64_FORMAT "\n",
           round, res.open_ms, r.rx, msg, res.mbps, cpu_s, sent, received, sink_dropped, receive_dropped);
  else
    printf("gst-rtc round=%u msg=%" G_GINT64_FORMAT " FAILED rx=%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
           " (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " messages, %" G_GINT64_FORMAT
           " wrong) open=%d %s\n",
           round, msg, r.rx, total, r.rx_msgs, r.tx_msgs, r.bad_msgs, r.t_open != 0, r.error.c_str());
  fflush(stdout);
  g_signal_handlers_disconnect_by_data(r.channel, &r);
  // Sources still queued refer to this round: pumps are dropped, candidates
  // (which hold their transport) run out.
  while (g_idle_remove_by_data(&r)) {
  }
  while (g_main_context_iteration(nullptr, FALSE)) {
  }
  g_object_unref(r.channel);
  for (Peer *p : {&a, &b}) {
    g_signal_handlers_disconnect_matched(p->ice, G_SIGNAL_MATCH_FUNC, 0, 0, nullptr,
                                         reinterpret_cast<gpointer>(on_candidate), nullptr);
    gst_object_unref(p->ice);
  }
  gst_object_unref(pipe);
  g_main_loop_unref(r.loop);
  g_bytes_unref(r.payload);
  return res;
}

double field(const std::string &out, const char *key) {
  auto pos = out.find(key);
  if (pos == std::string::npos) return -1;
  return atof(out.c_str() + pos + strlen(key));
}

// One round of the anchor harness as a subprocess: `peer_dc_bench ELEMENT
// MiB MSG 1` for webrtcbin, or for rtcpeerbin once it is registered.
Result run_anchor(const std::string &exe, const char *element, guint round, double mib, gint64 msg) {
  std::string mib_s = std::to_string(mib), msg_s = std::to_string(msg);
  const gchar *argv[] = {exe.c_str(), element, mib_s.c_str(), msg_s.c_str(), "1", nullptr};
  gchar *out = nullptr;
  gint status = 0;
  GError *err = nullptr;
  Result res;
  const double cpu0 = cpu_seconds(RUSAGE_CHILDREN);
  if (!g_spawn_sync(nullptr, const_cast<gchar **>(argv), nullptr, G_SPAWN_DEFAULT, nullptr, nullptr, &out,
                    nullptr, &status, &err)) {
    printf("%s round=%u msg=%" G_GINT64_FORMAT " FAILED to start: %s\n", element, round, msg, err->message);
    g_error_free(err);
    return res;
  }
  std::string s = out ? out : "";
  g_free(out);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  if (g_spawn_check_wait_status(status, nullptr)) {
    res.mbps = field(s, "throughput_MBps=");
    res.open_ms = field(s, "time_to_open_ms=");
  }
  // The child's whole run: process start and plugin loading included.
  res.cpu_s = cpu_seconds(RUSAGE_CHILDREN) - cpu0;
  printf("%s round=%u cpu_s=%.2f%s\n",
         s.empty() ? (std::string(element) + " (no output)").c_str() : s.c_str(), round, res.cpu_s,
         res.mbps < 0 ? " FAILED" : "");
  fflush(stdout);
  return res;
}

// Whether an element factory is registered, without loading its plugin.
bool have_element(const char *name) {
  GstElementFactory *f = gst_element_factory_find(name);
  if (f) gst_object_unref(f);
  return f != nullptr;
}

double median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  double mib = 32;
  int rounds = 3;
  std::string webrtcbin;
  bool no_peerbin = false;
  std::vector<gint64> sizes = {1200, 16384, 65536};
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--smoke") {
      smoke = true;
    } else if (a == "--mib" && i + 1 < argc) {
      mib = atof(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = atoi(argv[++i]);
    } else if (a == "--webrtcbin-bench" && i + 1 < argc) {
      webrtcbin = argv[++i];
    } else if (a == "--max-path-mtu" && i + 1 < argc) {
      max_path_mtu = static_cast<guint>(atoi(argv[++i]));
    } else if (a == "--no-rtcpeerbin") {
      no_peerbin = true;
    } else if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      gchar **s = g_strsplit(argv[++i], ",", -1);
      for (gchar **p = s; *p; p++) sizes.push_back(atoll(*p));
      g_strfreev(s);
    } else {
      g_printerr("usage: %s [--smoke] [--mib N] [--rounds N] [--sizes a,b,c] [--webrtcbin-bench PATH]\n"
                 "          [--max-path-mtu N] [--no-rtcpeerbin]\n",
                 argv[0]);
      return 2;
    }
  }
  if (smoke) {
    mib = 1;
    rounds = 1;
    webrtcbin.clear();
  }
  if (!webrtcbin.empty() && !g_file_test(webrtcbin.c_str(), G_FILE_TEST_IS_EXECUTABLE)) {
    printf("dc-bench: %s not found: gst-rtc only\n", webrtcbin.c_str());
    webrtcbin.clear();
  }
  // rtcpeerbin (gst/peer/) driven by the same anchor harness as webrtcbin,
  // when it is built and registered.
  const bool peerbin = !webrtcbin.empty() && !no_peerbin && have_element("rtcpeerbin");
  if (!webrtcbin.empty() && !peerbin && !no_peerbin) printf("dc-bench: rtcpeerbin not built: its column is empty\n");
  printf("dc-bench: gst-rtc stack with max-path-mtu=%u (%s)\n", max_path_mtu,
         max_path_mtu > 1280 ? "RFC 8899 probing: large packets where the path takes them"
                             : "no probing: 1280-byte SCTP packets, as webrtcbin");
  const gint64 total = static_cast<gint64>(mib * 1024 * 1024);
  int failures = 0;
  struct Row {
    gint64 msg;
    double ours, theirs, ours_open, theirs_open, peer, peer_open;
    double ours_cpu, theirs_cpu, peer_cpu;
  };
  std::vector<Row> table;
  for (gint64 msg : sizes) {
    std::vector<double> ours, theirs, ours_open, theirs_open, peer, peer_open, ours_cpu, theirs_cpu, peer_cpu;
    for (int round = 0; round < rounds; round++) {
      Result o = run_ours(round, total, msg);
      if (o.mbps < 0) {
        failures++;
      } else {
        ours.push_back(o.mbps);
        ours_open.push_back(o.open_ms);
        ours_cpu.push_back(o.cpu_s);
      }
      if (webrtcbin.empty()) continue;
      Result w = run_anchor(webrtcbin, "webrtcbin", round, mib, msg);
      if (w.mbps >= 0) {
        theirs.push_back(w.mbps);
        theirs_open.push_back(w.open_ms);
        theirs_cpu.push_back(w.cpu_s);
      }
      if (!peerbin) continue;
      Result p = run_anchor(webrtcbin, "rtcpeerbin", round, mib, msg);
      if (p.mbps >= 0) {
        peer.push_back(p.mbps);
        peer_open.push_back(p.open_ms);
        peer_cpu.push_back(p.cpu_s);
      }
    }
    table.push_back({msg, median(ours), median(theirs), median(ours_open), median(theirs_open), median(peer),
                     median(peer_open), median(ours_cpu), median(theirs_cpu), median(peer_cpu)});
  }
  printf("\n%.0f MiB per round, %d rounds, one ordered channel, medians:\n", mib, rounds);
  // Ratios are against webrtcbin: the element pair (gst-rtc) and, in the
  // anchor harness exactly as webrtcbin, rtcpeerbin.
  printf("%8s %14s %16s %7s %16s %7s %14s %16s %17s\n", "msg", "gst-rtc MB/s", "webrtcbin MB/s", "ratio",
         "rtcpeerbin MB/s", "ratio", "gst-rtc open", "webrtcbin open", "rtcpeerbin open");
  auto num = [](double v, const char *fmt) {
    char b[32];
    if (v < 0) return std::string("-");
    snprintf(b, sizeof(b), fmt, v);
    return std::string(b);
  };
  auto ratio = [&](double a, double b) { return a > 0 && b > 0 ? num(a / b, "%.2fx") : std::string("-"); };
  for (const Row &r : table) {
    const std::string peer_mbps =
        peerbin ? (r.peer > 0 ? num(r.peer, "%.2f") : "FAILED") : (webrtcbin.empty() || no_peerbin ? "-" : "not built");
    printf("%8" G_GINT64_FORMAT " %14s %16s %7s %16s %7s %14s %16s %17s\n", r.msg,
           r.ours > 0 ? num(r.ours, "%.2f").c_str() : "FAILED", num(r.theirs, "%.2f").c_str(),
           ratio(r.ours, r.theirs).c_str(), peer_mbps.c_str(), ratio(r.peer, r.theirs).c_str(),
           num(r.ours_open, "%.0f ms").c_str(), num(r.theirs_open, "%.0f ms").c_str(),
           peerbin ? num(r.peer_open, "%.0f ms").c_str() : "-");
  }
  if (!webrtcbin.empty()) {
    // CPU per round (both peers, set-up included; webrtcbin's and
    // rtcpeerbin's also count their process start): what each costs the
    // machine, whatever else runs on it.
    printf("\nCPU seconds per round (user + system), medians:\n");
    printf("%8s %10s %12s %7s %13s %7s\n", "msg", "gst-rtc", "webrtcbin", "ratio", "rtcpeerbin", "ratio");
    for (const Row &r : table)
      printf("%8" G_GINT64_FORMAT " %10s %12s %7s %13s %7s\n", r.msg, num(r.ours_cpu, "%.2f").c_str(),
             num(r.theirs_cpu, "%.2f").c_str(), ratio(r.theirs_cpu, r.ours_cpu).c_str(),
             peerbin ? num(r.peer_cpu, "%.2f").c_str() : "-", ratio(r.theirs_cpu, r.peer_cpu).c_str());
  }
  fflush(stdout);
  gst_deinit();
  return failures ? 1 : 0;
}
