// Data channel throughput over the rtcsctp element pair: rtcsctpenc ->
// rtcsctpdec in both directions in one pipeline (two associations in one
// process, no DTLS, no sockets), one ordered channel, one-way bulk transfer,
// paced exactly like ../shared/anchors/peer_dc_bench.c (send while
// buffered-amount <= 4 MiB, resume on buffered-amount-low at 1 MiB), so the
// figures sit next to that harness's webrtcbin ones.
//
// usage: sctp-bench [--smoke] [--mib N] [--rounds N] [--sizes 1200,16384,65536]
// prints one line per round and a median per message size.
#include <gst/gst.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Run {
  GMainLoop *loop = nullptr;
  GObject *channel = nullptr;
  GBytes *payload = nullptr;
  gint64 total = 0, msg = 0, tx = 0, rx = 0;
  gint64 t0 = 0, t_open = 0, t_last = 0;
  bool pumping = false;
};

gboolean pump(gpointer data) {
  auto *r = static_cast<Run *>(data);
  r->pumping = false;
  for (;;) {
    if (r->tx >= r->total) return G_SOURCE_REMOVE;
    guint64 buffered = 0;
    g_object_get(r->channel, "buffered-amount", &buffered, nullptr);
    if (buffered > 4 * 1024 * 1024) return G_SOURCE_REMOVE;
    g_signal_emit_by_name(r->channel, "send-data", r->payload);
    r->tx += r->msg;
  }
}

void schedule_pump(Run *r) {
  // Signals come from streaming threads; sending happens on the main loop.
  g_idle_add(pump, r);
}

void on_open(GObject *, Run *r) {
  r->t_open = g_get_monotonic_time();
  schedule_pump(r);
}

void on_low(GObject *, Run *r) {
  schedule_pump(r);
}

void on_rx(GObject *, GBytes *data, Run *r) {
  r->rx += static_cast<gint64>(g_bytes_get_size(data));
  if (r->rx >= r->total && !r->t_last) {
    r->t_last = g_get_monotonic_time();
    g_main_loop_quit(r->loop);
  }
}

void on_data_channel(GstElement *, GObject *channel, Run *r) {
  g_signal_connect(channel, "on-message-data", G_CALLBACK(on_rx), r);
}

gboolean give_up(gpointer data) {
  g_main_loop_quit(static_cast<Run *>(data)->loop);
  return G_SOURCE_REMOVE;
}

// MB/s of one transfer, or a negative value when it did not complete.
double run_once(guint round, gint64 total, gint64 msg, double *open_ms) {
  static guint association_id = 100;
  Run r;
  r.total = total;
  r.msg = msg;
  auto *buf = static_cast<guint8 *>(g_malloc(msg));
  memset(buf, 'x', msg);
  r.payload = g_bytes_new_take(buf, msg);
  r.loop = g_main_loop_new(nullptr, FALSE);

  GstElement *pipe = gst_pipeline_new(nullptr);
  GstElement *enc[2], *dec[2];
  for (int side = 0; side < 2; side++) {
    enc[side] = gst_element_factory_make("rtcsctpenc", nullptr);
    dec[side] = gst_element_factory_make("rtcsctpdec", nullptr);
    if (!enc[side] || !dec[side]) {
      g_printerr("rtcsctp plugin not found\n");
      exit(2);
    }
    const guint id = association_id + side;
    g_object_set(enc[side], "sctp-association-id", id, "is-client", side == 0, nullptr);
    g_object_set(dec[side], "sctp-association-id", id, nullptr);
    gst_bin_add_many(GST_BIN(pipe), enc[side], dec[side], nullptr);
  }
  association_id += 2;
  gst_element_link(enc[0], dec[1]);
  gst_element_link(enc[1], dec[0]);
  g_signal_connect(enc[1], "on-data-channel", G_CALLBACK(on_data_channel), &r);

  r.t0 = g_get_monotonic_time();
  GstStructure *opts = gst_structure_new("o", "ordered", G_TYPE_BOOLEAN, TRUE, nullptr);
  g_signal_emit_by_name(enc[0], "create-data-channel", "bench", opts, &r.channel);
  gst_structure_free(opts);
  g_object_set(r.channel, "buffered-amount-low-threshold", (guint64)1024 * 1024, nullptr);
  g_signal_connect(r.channel, "on-open", G_CALLBACK(on_open), &r);
  g_signal_connect(r.channel, "on-buffered-amount-low", G_CALLBACK(on_low), &r);
  gst_element_set_state(pipe, GST_STATE_PLAYING);
  guint timeout = g_timeout_add_seconds(120, give_up, &r);
  g_main_loop_run(r.loop);
  g_source_remove(timeout);
  gst_element_set_state(pipe, GST_STATE_NULL);

  double mbps = -1;
  if (r.t_last) mbps = r.rx / ((r.t_last - r.t_open) / 1e6) / 1e6;
  *open_ms = (r.t_open - r.t0) / 1000.0;
  printf("rtcsctp round=%u time_to_open_ms=%.1f bytes=%" G_GINT64_FORMAT " msg=%" G_GINT64_FORMAT
         " ordered=1 throughput_MBps=%.2f\n",
         round, *open_ms, r.rx, msg, mbps);
  fflush(stdout);
  g_signal_handlers_disconnect_by_data(r.channel, &r);
  g_object_unref(r.channel);
  gst_object_unref(pipe);
  g_main_loop_unref(r.loop);
  g_bytes_unref(r.payload);
  return mbps;
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  bool smoke = false;
  double mib = 32;
  int rounds = 3;
  std::vector<gint64> sizes = {1200, 16384, 65536};
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--smoke") {
      smoke = true;
    } else if (a == "--mib" && i + 1 < argc) {
      mib = atof(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = atoi(argv[++i]);
    } else if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      gchar **list = g_strsplit(argv[++i], ",", -1);
      for (gchar **p = list; *p; p++) sizes.push_back(atoll(*p));
      g_strfreev(list);
    } else {
      g_printerr("usage: %s [--smoke] [--mib N] [--rounds N] [--sizes a,b,c]\n", argv[0]);
      return 2;
    }
  }
  if (smoke) {
    mib = 1;
    rounds = 1;
  }
  int failures = 0;
  for (gint64 msg : sizes) {
    std::vector<double> results;
    for (int round = 0; round < rounds; round++) {
      double open_ms = 0;
      double mbps = run_once(round, static_cast<gint64>(mib * 1024 * 1024), msg, &open_ms);
      if (mbps < 0)
        failures++;
      else
        results.push_back(mbps);
    }
    if (results.empty()) continue;
    std::sort(results.begin(), results.end());
    printf("rtcsctp msg=%" G_GINT64_FORMAT " median_throughput_MBps=%.2f (%zu rounds)\n", msg,
           results[results.size() / 2], results.size());
  }
  gst_deinit();
  return failures ? 1 : 0;
}
