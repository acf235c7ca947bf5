/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The floor under ../shared/anchors/peer_media_bench: what its own parts
 * cost with no WebRTC stack in between. The same packets (1200-byte
 * payload, VP8 caps, paced by a feeder thread into a blocking live appsrc,
 * counted in an appsink callback) and the same accounting (process CPU
 * from the start of sending, per delivered packet), through
 *   direct: appsrc ! appsink
 *   udp:    appsrc ! udpsink 127.0.0.1 … udpsrc ! appsink (one UDP
 *           datagram per packet over loopback, as any stack sends them)
 * usage: media-floor MODE PACKETS RATE_PPS
 * prints: floor-MODE time_to_connected_ms=0 sent=… delivered=… loss=…% rx_pps=… cpu_us_per_pkt=…
 */
#include <gst/app/app.h>
#include <gst/gst.h>
#include <gst/rtp/rtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static GstElement *appsrc;
static GMainLoop *loop;
static guint64 packets, rate;
static volatile guint64 sent, received;
static gint64 first_rx, last_rx;

static double process_cpu(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static GstFlowReturn on_sample(GstAppSink *sink, gpointer data) {
  (void) data;
  GstSample *sample = gst_app_sink_pull_sample(sink);
  const gint64 now = g_get_monotonic_time();
  if (received == 0) first_rx = now;
  last_rx = now;
  received++;
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

static gpointer feed(gpointer data) {
  (void) data;
  guint8 payload[1200];
  memset(payload, 0x5a, sizeof payload);
  const gint64 start = g_get_monotonic_time();
  for (guint64 i = 0; i < packets; i++) {
    const gint64 due = start + (gint64) (i * 1e6 / rate), now = g_get_monotonic_time();
    if (due > now) g_usleep(due - now);
    GstBuffer *buf = gst_rtp_buffer_new_allocate(sizeof payload, 0, 0);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map(buf, GST_MAP_WRITE, &rtp);
    gst_rtp_buffer_set_payload_type(&rtp, 96);
    gst_rtp_buffer_set_seq(&rtp, (guint16) i);
    gst_rtp_buffer_set_timestamp(&rtp, (guint32) (i / 10 * 3000));
    gst_rtp_buffer_set_ssrc(&rtp, 0x1234);
    gst_rtp_buffer_set_marker(&rtp, i % 10 == 9);
    memcpy(gst_rtp_buffer_get_payload(&rtp), payload, sizeof payload);
    gst_rtp_buffer_unmap(&rtp);
    if (gst_app_src_push_buffer(GST_APP_SRC(appsrc), buf) != GST_FLOW_OK) break;
    sent++;
  }
  return NULL;
}

/* Done once everything is sent and nothing arrived for a second. */
static gboolean check_done(gpointer data) {
  (void) data;
  static guint64 seen;
  static gint64 changed;
  if (received != seen || changed == 0) {
    seen = received;
    changed = g_get_monotonic_time();
  }
  if (sent >= packets && g_get_monotonic_time() - changed > G_USEC_PER_SEC) {
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  if (argc < 4 || (strcmp(argv[1], "direct") && strcmp(argv[1], "udp"))) {
    g_printerr("usage: %s direct|udp PACKETS RATE_PPS\n", argv[0]);
    return 2;
  }
  packets = g_ascii_strtoull(argv[2], NULL, 10);
  rate = g_ascii_strtoull(argv[3], NULL, 10);
  loop = g_main_loop_new(NULL, FALSE);
  GstElement *pipeline = gst_pipeline_new(NULL);
  appsrc = gst_element_factory_make("appsrc", NULL);
  GstElement *appsink = gst_element_factory_make("appsink", NULL);
  GstCaps *caps = gst_caps_from_string("application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
  g_object_set(appsrc, "caps", caps, "is-live", TRUE, "format", GST_FORMAT_TIME, "max-bytes", (guint64) 4000000,
               "block", TRUE, NULL);
  gst_caps_unref(caps);
  g_object_set(appsink, "sync", FALSE, "emit-signals", FALSE, NULL);
  GstAppSinkCallbacks callbacks = {0};
  callbacks.new_sample = on_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(appsink), &callbacks, NULL, NULL);
  gst_bin_add_many(GST_BIN(pipeline), appsrc, appsink, NULL);
  gboolean linked;
  if (!strcmp(argv[1], "direct")) {
    linked = gst_element_link(appsrc, appsink);
  } else {
    GstElement *udpsink = gst_element_factory_make("udpsink", NULL);
    GstElement *udpsrc = gst_element_factory_make("udpsrc", NULL);
    /* udpsrc on a free port of 127.0.0.1, udpsink sending there. */
    g_object_set(udpsrc, "address", "127.0.0.1", "port", 0, "buffer-size", 4 << 20, NULL);
    gst_bin_add_many(GST_BIN(pipeline), udpsink, udpsrc, NULL);
    linked = gst_element_link(appsrc, udpsink) && gst_element_link(udpsrc, appsink);
    gst_element_set_state(udpsrc, GST_STATE_READY);
    gint port = 0;
    g_object_get(udpsrc, "port", &port, NULL);
    g_object_set(udpsink, "host", "127.0.0.1", "port", port, "sync", FALSE, "async", FALSE, NULL);
  }
  if (!linked) {
    g_printerr("cannot link the %s pipeline\n", argv[1]);
    return 2;
  }
  /* Live: the sink completes its state change with the first packet. */
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  const double cpu_start = process_cpu();
  GThread *feeder = g_thread_new("feeder", feed, NULL);
  g_timeout_add(100, check_done, NULL);
  g_main_loop_run(loop);
  const double cpu = process_cpu() - cpu_start;
  g_thread_join(feeder);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  if (!received) {
    printf("floor-%s FAILED sent=%" G_GUINT64_FORMAT "\n", argv[1], (guint64) sent);
    return 1;
  }
  const double secs = (last_rx - first_rx) / 1e6;
  printf("floor-%s time_to_connected_ms=0.0 sent=%" G_GUINT64_FORMAT " delivered=%" G_GUINT64_FORMAT
         " loss=%.2f%% rx_pps=%.0f cpu_us_per_pkt=%.2f\n",
         argv[1], (guint64) sent, (guint64) received, 100.0 * (sent - received) / sent,
         secs > 0 ? received / secs : 0.0, cpu * 1e6 / received);
  return 0;
}
