// Helpers of the rtcpay / rtcdepay tests.
#include "test_rtp_common.h"

#include <cstdlib>

namespace rtp_test {

static void load_plugin(const char *dir, const char *name) {
  gchar *path = g_strdup_printf("%s/libgst%s.so", dir, name);
  if (g_file_test(path, G_FILE_TEST_EXISTS)) {
    GError *error = nullptr;
    GstPlugin *plugin = gst_plugin_load_file(path, &error);
    if (plugin) gst_object_unref(plugin);
    if (error) {
      g_printerr("could not load %s: %s\n", path, error->message);
      g_error_free(error);
    }
  }
  g_free(path);
}

void use_plugins(std::initializer_list<const char *> names) {
  const char *dir = g_getenv("GST_RTC_SYSTEM_PLUGIN_DIR");
  if (!dir) return;
  // core and good for the product; ugly (x264), libav and bad (aom, x265)
  // only as test encoders and decoders.
  for (const char *name : {"coreelements", "rtp", "rtpmanager"}) load_plugin(dir, name);
  for (const char *name : names) load_plugin(dir, name);
}

bool have(const char *factory) {
  GstElementFactory *f = gst_element_factory_find(factory);
  if (!f) return false;
  gst_object_unref(f);
  return true;
}

bool missing(const char *factory, const char *package) {
  if (have(factory)) return false;
  g_print("SKIP: element %s missing (Debian package %s)\n", factory, package);
  return true;
}

Packet parse(GstBuffer *buffer, guint8 mid_id) {
  Packet p;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless(gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp), "not an RTP packet");
  p.seq = gst_rtp_buffer_get_seq(&rtp);
  p.ts = gst_rtp_buffer_get_timestamp(&rtp);
  p.pt = gst_rtp_buffer_get_payload_type(&rtp);
  p.ssrc = gst_rtp_buffer_get_ssrc(&rtp);
  p.marker = gst_rtp_buffer_get_marker(&rtp);
  p.size = gst_buffer_get_size(buffer);
  const guint8 *data = static_cast<const guint8 *>(gst_rtp_buffer_get_payload(&rtp));
  p.payload.assign(data, data + gst_rtp_buffer_get_payload_len(&rtp));
  if (mid_id) {
    gpointer ext = nullptr;
    guint size = 0;
    if (gst_rtp_buffer_get_extension_onebyte_header(&rtp, mid_id, 0, &ext, &size)) {
      p.has_mid = true;
      p.mid.assign(static_cast<const char *>(ext), size);
    }
  }
  gst_rtp_buffer_unmap(&rtp);
  p.pts = GST_BUFFER_PTS(buffer);
  return p;
}

std::vector<GstBuffer *> pull_all(GstHarness *h) {
  std::vector<GstBuffer *> out;
  while (GstBuffer *b = gst_harness_try_pull(h)) out.push_back(b);
  return out;
}

Bytes bytes_of(GstBuffer *buffer) {
  Bytes out(gst_buffer_get_size(buffer));
  gst_buffer_extract(buffer, 0, out.data(), out.size());
  return out;
}

void unref_all(std::vector<GstBuffer *> &buffers) {
  for (GstBuffer *b : buffers) gst_buffer_unref(b);
  buffers.clear();
}

GstBus *attach_bus(GstHarness *h) {
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  return bus;
}

GstMessage *pop_message(GstBus *bus, GstMessageType type) {
  return gst_bus_pop_filtered(bus, type);
}

void assert_rtc_error(GstMessage *msg, int code, const char *needle) {
  fail_unless(msg != nullptr, "no message on the bus");
  GError *error = nullptr;
  gchar *debug = nullptr;
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error(msg, &error, &debug);
  else
    gst_message_parse_warning(msg, &error, &debug);
  fail_unless(error != nullptr);
  fail_unless(error->domain == GST_RTC_ERROR, "error domain %s, not GST_RTC_ERROR",
              g_quark_to_string(error->domain));
  fail_unless_equals_int(error->code, code);
  fail_unless(strstr(error->message, needle) != nullptr, "\"%s\" lacks \"%s\"", error->message, needle);
  g_error_free(error);
  g_free(debug);
}

}  // namespace rtp_test
