// SRTP protect + unprotect per 1200-byte RTP packet: rtcsrtpenc -> rtcsrtpdec
// next to gst-plugins-bad srtpenc -> srtpdec, same driver, same process.
//
// Each round pushes one pre-built buffer list (fresh plain 1200-byte
// buffers, built before the clock starts) from a pad of ours through
// enc -> dec into a counting sink pad, on the calling thread, and takes wall
// and thread-CPU time. Rounds alternate ours/theirs; medians are reported
// with the ratio ours/theirs per profile (issue goal: <= 0.5).
//
//   srtp-bench [--rounds N] [--packets N] [--profile NAME] [--smoke]
//
// --profile: only that profile (e.g. AEAD_AES_128_GCM), for a profiler.
//
// --smoke: few packets, every byte of every packet checked, exit status only
// (the meson test in suite 'bench'); it never judges speed.
#include <gst/gst.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

constexpr gsize kPacketSize = 1200;
constexpr guint32 kSsrc = 0x0badcafe;

struct Profile {
  const char *name;
  const char *cipher;
  const char *auth;
  const char *rtcp_auth;
  gsize key_len;
};

const Profile kProfiles[] = {
    {"AES_CM_128_HMAC_SHA1_80", "aes-128-icm", "hmac-sha1-80", "hmac-sha1-80", 30},
    {"AES_CM_128_HMAC_SHA1_32", "aes-128-icm", "hmac-sha1-32", "hmac-sha1-80", 30},
    {"AEAD_AES_128_GCM", "aes-128-gcm", "null", "null", 28},
    {"AEAD_AES_256_GCM", "aes-256-gcm", "null", "null", 44},
};

struct Impl {
  const char *label;
  const char *enc;
  const char *dec;
};
// The comparison pushes buffers one at a time: srtpdec (1.22) has no
// chain_list and, fed a list, decrypts a copy of each (now shared) buffer but
// pushes the original. The third chain shows ours fed whole lists.
const Impl kImpls[] = {{"gst-rtc", "rtcsrtpenc", "rtcsrtpdec"},
                       {"gst-plugins-bad", "srtpenc", "srtpdec"},
                       {"gst-rtc list", "rtcsrtpenc", "rtcsrtpdec"}};

void fill_packet(guint8 *p, guint16 seq) {
  const guint8 header[12] = {0x80,
                             96,
                             guint8(seq >> 8),
                             guint8(seq),
                             0,
                             0,
                             guint8(seq >> 8),
                             guint8(seq),
                             guint8(kSsrc >> 24),
                             guint8(kSsrc >> 16),
                             guint8(kSsrc >> 8),
                             guint8(kSsrc)};
  std::memcpy(p, header, sizeof header);
  for (gsize i = 12; i < kPacketSize; ++i) p[i] = static_cast<guint8>(seq * 13 + i);
}

struct Sink {
  guint64 received = 0;
  bool verify = false;
  guint64 corrupt = 0;
  guint16 next_seq = 0;
};

bool check_buffer(Sink *sink, GstBuffer *buf) {
  ++sink->received;
  if (!sink->verify) return true;
  guint8 want[kPacketSize];
  fill_packet(want, sink->next_seq++);
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return false;
  if (map.size != kPacketSize || std::memcmp(map.data, want, kPacketSize) != 0) ++sink->corrupt;
  gst_buffer_unmap(buf, &map);
  return true;
}

GstFlowReturn sink_chain(GstPad *pad, GstObject *, GstBuffer *buf) {
  check_buffer(static_cast<Sink *>(gst_pad_get_element_private(pad)), buf);
  gst_buffer_unref(buf);
  return GST_FLOW_OK;
}

GstFlowReturn sink_chain_list(GstPad *pad, GstObject *, GstBufferList *list) {
  auto *sink = static_cast<Sink *>(gst_pad_get_element_private(pad));
  const guint n = gst_buffer_list_length(list);
  for (guint i = 0; i < n; ++i) check_buffer(sink, gst_buffer_list_get(list, i));
  gst_buffer_list_unref(list);
  return GST_FLOW_OK;
}

double now_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// One encoder -> decoder chain between two pads of ours.
struct Chain {
  GstElement *enc = nullptr;
  GstElement *dec = nullptr;
  GstPad *enc_sink = nullptr;
  GstPad *src = nullptr;
  GstPad *sink = nullptr;
  Sink counter;
  guint16 seq = 0;

  bool setup(const Impl &impl, const Profile &p) {
    enc = gst_element_factory_make(impl.enc, nullptr);
    dec = gst_element_factory_make(impl.dec, nullptr);
    if (!enc || !dec) return false;
    gst_object_ref_sink(enc);
    gst_object_ref_sink(dec);
    std::vector<guint8> key(p.key_len);
    for (gsize i = 0; i < key.size(); ++i) key[i] = static_cast<guint8>(i * 29 + 3);
    GstBuffer *k = gst_buffer_new_memdup(key.data(), key.size());
    g_object_set(enc, "key", k, nullptr);
    gst_buffer_unref(k);
    gst_util_set_object_arg(G_OBJECT(enc), "rtp-cipher", p.cipher);
    gst_util_set_object_arg(G_OBJECT(enc), "rtp-auth", p.auth);
    gst_util_set_object_arg(G_OBJECT(enc), "rtcp-cipher", p.cipher);
    gst_util_set_object_arg(G_OBJECT(enc), "rtcp-auth", p.rtcp_auth);
    g_object_set(dec, "replay-window-size", 1024u, nullptr);

    enc_sink = gst_element_request_pad_simple(enc, "rtp_sink_%u");
    GstPad *enc_src = gst_element_get_static_pad(enc, "rtp_src_0");
    GstPad *dec_sink = gst_element_get_static_pad(dec, "rtp_sink");
    GstPad *dec_src = gst_element_get_static_pad(dec, "rtp_src");
    src = gst_pad_new("src", GST_PAD_SRC);
    sink = gst_pad_new("sink", GST_PAD_SINK);
    gst_pad_set_element_private(sink, &counter);
    gst_pad_set_chain_function(sink, sink_chain);
    gst_pad_set_chain_list_function(sink, sink_chain_list);
    const bool linked = enc_sink && enc_src && gst_pad_link(src, enc_sink) == GST_PAD_LINK_OK &&
                        gst_pad_link(enc_src, dec_sink) == GST_PAD_LINK_OK &&
                        gst_pad_link(dec_src, sink) == GST_PAD_LINK_OK;
    if (enc_src) gst_object_unref(enc_src);
    gst_object_unref(dec_sink);
    gst_object_unref(dec_src);
    if (!linked) return false;
    gst_pad_set_active(sink, TRUE);
    gst_pad_set_active(src, TRUE);
    if (gst_element_set_state(enc, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE ||
        gst_element_set_state(dec, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
      return false;
    gst_pad_push_event(src, gst_event_new_stream_start("srtp-bench"));
    GstCaps *caps = gst_caps_new_simple("application/x-rtp", "media", G_TYPE_STRING, "video", "clock-rate",
                                        G_TYPE_INT, 90000, "encoding-name", G_TYPE_STRING, "VP8", "payload",
                                        G_TYPE_INT, 96, "ssrc", G_TYPE_UINT, kSsrc, nullptr);
    gst_pad_push_event(src, gst_event_new_caps(caps));
    gst_caps_unref(caps);
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(src, gst_event_new_segment(&segment));
    return true;
  }

  std::vector<GstBuffer *> build(guint n) {
    std::vector<GstBuffer *> out;
    out.reserve(n);
    for (guint i = 0; i < n; ++i) {
      GstBuffer *b = gst_buffer_new_allocate(nullptr, kPacketSize, nullptr);
      GstMapInfo map;
      gst_buffer_map(b, &map, GST_MAP_WRITE);
      fill_packet(map.data, seq++);
      gst_buffer_unmap(b, &map);
      out.push_back(b);
    }
    return out;
  }

  ~Chain() {
    if (enc) gst_element_set_state(enc, GST_STATE_NULL);
    if (dec) gst_element_set_state(dec, GST_STATE_NULL);
    if (src) {
      gst_pad_set_active(src, FALSE);
      gst_object_unref(src);
    }
    if (sink) {
      gst_pad_set_active(sink, FALSE);
      gst_object_unref(sink);
    }
    if (enc_sink) {
      gst_element_release_request_pad(enc, enc_sink);
      gst_object_unref(enc_sink);
    }
    if (enc) gst_object_unref(enc);
    if (dec) gst_object_unref(dec);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const gsize n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  int rounds = 21;
  guint packets = 2000;
  bool smoke = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--smoke") {
      smoke = true;
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--profile" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--packets" && i + 1 < argc) {
      packets = static_cast<guint>(std::max(1, std::atoi(argv[++i])));
    } else {
      std::fprintf(stderr, "usage: %s [--rounds N] [--packets N] [--profile NAME] [--smoke]\n", argv[0]);
      return 2;
    }
  }
  if (smoke) {
    rounds = 2;
    packets = 64;
  }
  for (const Impl &impl : kImpls) {
    if (!gst_element_factory_find(impl.enc) || !gst_element_factory_find(impl.dec)) {
      std::fprintf(stderr, "SKIP: %s/%s not available\n", impl.enc, impl.dec);
      return 77;
    }
  }

  std::printf(
      "SRTP protect+unprotect, %zu-byte RTP packets, %u packets per round, %d rounds per side, medians\n",
      kPacketSize, packets, rounds);
  std::printf("%-24s %16s %16s %8s %16s %16s %8s %16s\n", "profile", "gst-rtc wall", "plugins-bad wall",
              "ratio", "gst-rtc cpu", "plugins-bad cpu", "ratio", "gst-rtc list wall");
  int failures = 0;
  for (const Profile &p : kProfiles) {
    if (!only.empty() && only != p.name) continue;
    Chain chains[3];
    for (int k = 0; k < 3; ++k) {
      if (!chains[k].setup(kImpls[k], p)) {
        std::fprintf(stderr, "%s: cannot build %s -> %s\n", p.name, kImpls[k].enc, kImpls[k].dec);
        return 1;
      }
    }
    std::vector<double> wall[3], cpu[3];
    // One untimed warm-up round each, checked byte for byte.
    for (int r = -1; r < rounds; ++r) {
      for (int k : {r % 2 == 0 ? 0 : 1, r % 2 == 0 ? 1 : 0, 2}) {  // alternate who goes first
        Chain &c = chains[k];
        const bool verify = smoke || r < 0;
        c.counter.verify = verify;
        c.counter.next_seq = c.seq;
        const guint64 before = c.counter.received;
        std::vector<GstBuffer *> bufs = c.build(packets);
        GstBufferList *list = nullptr;
        if (k == 2) {
          list = gst_buffer_list_new_sized(packets);
          for (GstBuffer *b : bufs) gst_buffer_list_add(list, b);
        }
        GstFlowReturn ret = GST_FLOW_OK;
        const double w0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
        if (list) {
          ret = gst_pad_push_list(c.src, list);
        } else {
          for (GstBuffer *b : bufs)
            if (ret == GST_FLOW_OK)
              ret = gst_pad_push(c.src, b);
            else
              gst_buffer_unref(b);
        }
        const double w1 = now_ns(CLOCK_MONOTONIC), c1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
        const guint64 got = c.counter.received - before;
        if (ret != GST_FLOW_OK || got != packets || c.counter.corrupt) {
          std::fprintf(stderr,
                       "%s %s: flow %s, %" G_GUINT64_FORMAT "/%u packets, %" G_GUINT64_FORMAT " corrupt\n",
                       p.name, kImpls[k].label, gst_flow_get_name(ret), got, packets, c.counter.corrupt);
          ++failures;
        }
        if (r >= 0) {
          wall[k].push_back((w1 - w0) / packets);
          cpu[k].push_back((c1 - c0) / packets);
        }
      }
    }
    const double ow = median(wall[0]), tw = median(wall[1]), oc = median(cpu[0]), tc = median(cpu[1]);
    std::printf("%-24s %13.0f ns %13.0f ns %8.2f %13.0f ns %13.0f ns %8.2f %13.0f ns\n", p.name, ow, tw,
                ow / tw, oc, tc, oc / tc, median(wall[2]));
  }
  if (failures) std::fprintf(stderr, "%d round(s) lost or altered packets\n", failures);
  return failures ? 1 : 0;
}
