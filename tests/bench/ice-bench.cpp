// rtcicesink -> rtcicesrc next to udpsink -> udpsrc, in one process and one
// run, alternating: packets/s delivered and CPU µs per delivered packet
// (process CPU time, sender and receiver together), 1200-byte packets on
// 127.0.0.1. Prints each round, the medians and the ICE/UDP ratios.
//
//   ice-bench [--packets N] [--rounds R] [--pace-us U] [--smoke]
//
// --smoke: one short round; checks that both pairs deliver packets (not how
// fast) and exits non-zero otherwise. Only our plugins, GStreamer's
// coreelements (fakesrc, fakesink) and udp are loaded: a private plugin
// directory with links to those two keeps every other system plugin out.
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/rtc/rtc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#ifndef GST_SYSTEM_PLUGINS_DIR
#define GST_SYSTEM_PLUGINS_DIR "/usr/lib/x86_64-linux-gnu/gstreamer-1.0"
#endif

namespace {

using namespace std::chrono_literals;
constexpr int kSize = 1200;

struct Result {
  double seconds = 0;
  double cpu_us = 0;
  guint64 sent = 0;
  guint64 delivered = 0;
  guint64 lost_sending = 0;        // rtcicesink dropped (socket refused)
  guint64 lost_receiving = 0;      // receive queue full
  guint64 transport_received = 0;  // datagrams the receiving agent got
  double pps() const { return seconds > 0 ? delivered / seconds : 0; }
  double us_per_packet() const { return delivered ? cpu_us / delivered : 0; }
};

double cpu_now_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}

GstPadProbeReturn count_probe(GstPad *, GstPadProbeInfo *info, gpointer data) {
  auto *n = static_cast<std::atomic<guint64> *>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    *n += gst_buffer_list_length(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
  else
    *n += 1;
  return GST_PAD_PROBE_OK;
}

GstElement *launch(const std::string &desc) {
  GError *err = nullptr;
  GstElement *p = gst_parse_launch(desc.c_str(), &err);
  if (!p) {
    std::fprintf(stderr, "ice-bench: %s: %s\n", desc.c_str(), err ? err->message : "?");
    std::exit(2);
  }
  return p;
}

// Runs the receiver, then the sender until EOS, then waits until nothing
// more arrives for 300 ms.
Result run(GstElement *rx, GstElement *tx, guint64 packets) {
  std::atomic<guint64> delivered{0};
  GstElement *sink = gst_bin_get_by_name(GST_BIN(rx), "out");
  GstPad *pad = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    count_probe, &delivered, nullptr);
  gst_object_unref(pad);
  gst_object_unref(sink);
  gst_element_set_state(rx, GST_STATE_PLAYING);
  gst_element_get_state(rx, nullptr, nullptr, GST_CLOCK_TIME_NONE);

  Result r;
  r.sent = packets;
  double cpu0 = cpu_now_us();
  auto t0 = std::chrono::steady_clock::now();
  gst_element_set_state(tx, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus(tx);
  GstMessage *msg =
      gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError *err = nullptr;
    gst_message_parse_error(msg, &err, nullptr);
    std::fprintf(stderr, "ice-bench: sender error: %s\n", err->message);
    g_error_free(err);
  }
  if (msg) gst_message_unref(msg);
  gst_object_unref(bus);
  guint64 last = delivered.load();
  auto last_change = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - last_change < 300ms && last < packets) {
    std::this_thread::sleep_for(10ms);
    if (delivered.load() != last) {
      last = delivered.load();
      last_change = std::chrono::steady_clock::now();
    }
  }
  auto end = last >= packets ? std::chrono::steady_clock::now() : last_change;
  r.seconds = std::chrono::duration<double>(end - t0).count();
  r.cpu_us = cpu_now_us() - cpu0;
  r.delivered = delivered.load();
  gst_element_set_state(tx, GST_STATE_NULL);
  gst_element_set_state(rx, GST_STATE_NULL);
  return r;
}

// --pace-us U: identity sleeps U µs per packet (g_usleep, so in practice
// ~10k packets/s at most) so that neither receiving socket overflows. The
// default 0 sends as fast as the sender goes; what the kernel drops then is
// printed, and CPU is divided by the packets that arrived.
guint pace_us = 0;

std::string source(guint64 packets) {
  std::string s = "fakesrc sizetype=fixed sizemax=" + std::to_string(kSize) +
                  " filltype=zero num-buffers=" + std::to_string(packets) + " ! ";
  if (pace_us) s += "identity sleep-time=" + std::to_string(pace_us) + " ! ";
  return s;
}

guint16 free_udp_port() {
  GSocket *s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  GSocketAddress *a = g_inet_socket_address_new(lo, 0);
  g_socket_bind(s, a, FALSE, nullptr);
  GSocketAddress *b = g_socket_get_local_address(s, nullptr);
  guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(b));
  g_object_unref(b);
  g_object_unref(a);
  g_object_unref(lo);
  g_object_unref(s);
  return port;
}

Result run_udp(guint64 packets) {
  guint16 port = free_udp_port();
  GstElement *rx = launch("udpsrc address=127.0.0.1 port=" + std::to_string(port) +
                          " ! fakesink name=out sync=false async=false");
  GstElement *tx = launch(source(packets) + "udpsink host=127.0.0.1 port=" + std::to_string(port) +
                          " sync=false async=false");
  Result r = run(rx, tx, packets);
  gst_object_unref(tx);
  gst_object_unref(rx);
  return r;
}

struct Wiring {
  GstRtcIceTransport *peer;
};

void forward(GstRtcIceTransport *, const gchar *cand, GstRtcIceTransport *peer) {
  gst_rtc_ice_transport_add_remote_candidate(peer, cand, nullptr);
}

bool is_up(GstRtcIceTransport *t) {
  auto s = gst_rtc_ice_transport_get_state(t);
  return s == GST_RTC_ICE_TRANSPORT_STATE_CONNECTED || s == GST_RTC_ICE_TRANSPORT_STATE_COMPLETED;
}

Result run_ice(guint64 packets, int round) {
  std::string tx_id = "bench-tx-" + std::to_string(round), rx_id = "bench-rx-" + std::to_string(round);
  GstElement *rx =
      launch("rtcicesrc name=src transport-id=" + rx_id + " ! fakesink name=out sync=false async=false");
  GstElement *tx = launch(source(packets) + "rtcicesink name=snk transport-id=" + tx_id + " async=false");
  GstElement *src = gst_bin_get_by_name(GST_BIN(rx), "src");
  GstElement *snk = gst_bin_get_by_name(GST_BIN(tx), "snk");
  GstRtcIceTransport *a = nullptr, *b = nullptr;
  g_object_get(snk, "transport", &a, nullptr);
  g_object_get(src, "transport", &b, nullptr);
  const gchar *lo[] = {"127.0.0.1", nullptr};
  g_object_set(a, "local-addresses", lo, "ice-tcp", FALSE, "controlling", TRUE, nullptr);
  g_object_set(b, "local-addresses", lo, "ice-tcp", FALSE, nullptr);
  gchar *ua, *pa, *ub, *pb;
  g_object_get(a, "local-ufrag", &ua, "local-pwd", &pa, nullptr);
  g_object_get(b, "local-ufrag", &ub, "local-pwd", &pb, nullptr);
  gst_rtc_ice_transport_set_remote_credentials(a, ub, pb, nullptr);
  gst_rtc_ice_transport_set_remote_credentials(b, ua, pa, nullptr);
  g_free(ua);
  g_free(pa);
  g_free(ub);
  g_free(pb);
  g_signal_connect(a, "on-new-candidate", G_CALLBACK(forward), b);
  g_signal_connect(b, "on-new-candidate", G_CALLBACK(forward), a);
  gst_rtc_ice_transport_gather_candidates(a, nullptr);
  gst_rtc_ice_transport_gather_candidates(b, nullptr);
  for (int i = 0; i < 1000 && !(is_up(a) && is_up(b)); ++i) std::this_thread::sleep_for(10ms);
  if (!(is_up(a) && is_up(b))) {
    std::fprintf(stderr, "ice-bench: ICE did not connect\n");
    std::exit(1);
  }
  Result r = run(rx, tx, packets);
  guint64 sink_dropped = 0, rx_received = 0, rx_dropped = 0;
  g_object_get(snk, "dropped", &sink_dropped, nullptr);
  g_object_get(b, "received", &rx_received, "receive-dropped", &rx_dropped, nullptr);
  r.lost_sending = sink_dropped;
  r.lost_receiving = rx_dropped;
  r.transport_received = rx_received;
  g_signal_handlers_disconnect_by_func(a, reinterpret_cast<gpointer>(forward), b);
  g_signal_handlers_disconnect_by_func(b, reinterpret_cast<gpointer>(forward), a);
  gst_object_unref(a);
  gst_object_unref(b);
  gst_object_unref(src);
  gst_object_unref(snk);
  gst_object_unref(tx);
  gst_object_unref(rx);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// GStreamer's coreelements and udp plugins only, linked into a private dir.
gchar *private_plugin_dir() {
  gchar *dir = g_dir_make_tmp("gst-rtc-bench-XXXXXX", nullptr);
  for (const char *name : {"libgstcoreelements.so", "libgstudp.so"}) {
    gchar *target = g_build_filename(GST_SYSTEM_PLUGINS_DIR, name, nullptr);
    gchar *link = g_build_filename(dir, name, nullptr);
    if (symlink(target, link) != 0) std::fprintf(stderr, "ice-bench: cannot link %s\n", target);
    g_free(target);
    g_free(link);
  }
  return dir;
}

void remove_plugin_dir(gchar *dir) {
  for (const char *name : {"libgstcoreelements.so", "libgstudp.so"}) {
    gchar *link = g_build_filename(dir, name, nullptr);
    g_unlink(link);
    g_free(link);
  }
  g_rmdir(dir);
  g_free(dir);
}

}  // namespace

int main(int argc, char **argv) {
  guint64 packets = 200000;
  int rounds = 5;
  bool smoke = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--packets" && i + 1 < argc)
      packets = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--rounds" && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (a == "--pace-us" && i + 1 < argc)
      pace_us = static_cast<guint>(std::atoi(argv[++i]));
    else if (a == "--smoke")
      smoke = true;
  }
  if (smoke) {
    packets = 2000;
    rounds = 1;
  }
  gchar *plugins = private_plugin_dir();
  g_setenv("GST_PLUGIN_SYSTEM_PATH_1_0", plugins, TRUE);
  gst_init(nullptr, nullptr);

  std::vector<double> ice_pps, udp_pps, ice_us, udp_us;
  bool ok = true;
  std::printf("ice-bench: %" G_GUINT64_FORMAT " packets of %d bytes per run, %d rounds, %u us pacing\n",
              packets, kSize, rounds, pace_us);
  for (int r = 0; r < rounds; ++r) {
    // Alternating, so drift on the machine hits both alike.
    Result udp = run_udp(packets);
    Result ice = run_ice(packets, r);
    std::printf("round %d: udp %9.0f pkt/s %6.2f us/pkt (%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                ")   ice %9.0f pkt/s %6.2f us/pkt (%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ")\n",
                r, udp.pps(), udp.us_per_packet(), udp.delivered, udp.sent, ice.pps(), ice.us_per_packet(),
                ice.delivered, ice.sent);
    if (ice.lost_sending || ice.lost_receiving || ice.transport_received != ice.delivered)
      std::printf("         ice: %" G_GUINT64_FORMAT " dropped by the sink, %" G_GUINT64_FORMAT
                  " reached the receiving agent, %" G_GUINT64_FORMAT " dropped from its queue\n",
                  ice.lost_sending, ice.transport_received, ice.lost_receiving);
    udp_pps.push_back(udp.pps());
    ice_pps.push_back(ice.pps());
    udp_us.push_back(udp.us_per_packet());
    ice_us.push_back(ice.us_per_packet());
    if (udp.delivered == 0 || ice.delivered == 0) ok = false;
  }
  double mu = median(udp_pps), mi = median(ice_pps), cu = median(udp_us), ci = median(ice_us);
  std::printf("median: udp %.0f pkt/s %.2f us/pkt, ice %.0f pkt/s %.2f us/pkt\n", mu, cu, mi, ci);
  std::printf("ratio ice/udp: throughput %.2f, CPU per packet %.2f\n", mu > 0 ? mi / mu : 0,
              cu > 0 ? ci / cu : 0);
  gst_deinit();
  remove_plugin_dir(plugins);
  if (!ok) {
    std::fprintf(stderr, "ice-bench: a pair delivered nothing\n");
    return 1;
  }
  return 0;
}
