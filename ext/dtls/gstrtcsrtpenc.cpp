/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcsrtpenc
 * @title: rtcsrtpenc
 * @see_also: rtcsrtpdec, rtcdtlssrtpenc
 *
 * Protects RTP and RTCP with SRTP/SRTCP (RFC 3711, RFC 6188, RFC 7714) under
 * a master key given as a property: SDES/SIP use, where keys come from
 * signalling rather than a DTLS handshake. It is a drop-in for
 * gst-plugins-bad's `srtpenc`: same request pads, property names, enum nicks
 * and source caps fields, so a pipeline written for srtpenc works after
 * renaming the element.
 *
 * Each requested `rtp_sink_%u` / `rtcp_sink_%u` pad gets a matching
 * `rtp_src_%u` / `rtcp_src_%u` pad at once. Packets are protected in place
 * (on writable buffers and buffer lists); a buffer without room for the
 * trailer gets one new memory block, no other allocation.
 *
 * ## Example pipeline
 * |[
 * gst-launch-1.0 audiotestsrc ! mulawenc ! rtppcmupay ! 'application/x-rtp, ssrc=(uint)1356955624' !
 *     rtcsrtpenc key=012345678901234567890123456789012345678901234567890123456789 ! udpsink host=127.0.0.1
 * port=5004
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcsrtpenc.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "srtp-caps.h"
#include "srtp-engine.h"

GST_DEBUG_CATEGORY_STATIC(rtcsrtpenc_debug);
#define GST_CAT_DEFAULT rtcsrtpenc_debug

using gst_rtc::dtls::SrtpConfig;
using gst_rtc::dtls::SrtpEngine;
using gst_rtc::dtls::SrtpPolicy;
namespace srtp = gst_rtc::srtp;

namespace {

constexpr unsigned kDefaultReplayWindow = 1024;

enum {
  PROP_0,
  PROP_KEY,
  PROP_RTP_CIPHER,
  PROP_RTP_AUTH,
  PROP_RTCP_CIPHER,
  PROP_RTCP_AUTH,
  PROP_RANDOM_KEY,
  PROP_REPLAY_WINDOW_SIZE,
  PROP_ALLOW_REPEAT_TX,
  PROP_STATS,
};

GstStaticPadTemplate rtp_sink_template = GST_STATIC_PAD_TEMPLATE("rtp_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
                                                                 GST_STATIC_CAPS("application/x-rtp"));
GstStaticPadTemplate rtp_src_template = GST_STATIC_PAD_TEMPLATE("rtp_src_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
                                                                GST_STATIC_CAPS("application/x-srtp"));
GstStaticPadTemplate rtcp_sink_template = GST_STATIC_PAD_TEMPLATE(
    "rtcp_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS("application/x-rtcp"));
GstStaticPadTemplate rtcp_src_template = GST_STATIC_PAD_TEMPLATE(
    "rtcp_src_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS("application/x-srtcp"));

struct BufferRef {
  GstBuffer *p = nullptr;
  BufferRef() = default;
  BufferRef(const BufferRef &) = delete;
  BufferRef &operator=(const BufferRef &) = delete;
  ~BufferRef() { reset(nullptr); }
  void reset(GstBuffer *adopted) {
    if (p) gst_buffer_unref(p);
    p = adopted;
  }
};

// What one sink pad needs: its source partner and which caps it last sent.
struct PadPair {
  GstPad *src = nullptr;  // owned by the element
  bool rtcp = false;
  uint64_t caps_generation = 0;
};

}  // namespace

struct GstRtcSrtpEncPrivate {
  // Guards everything below; chains of different sink pads run on different
  // streaming threads and share one libsrtp session.
  std::mutex lock;
  BufferRef key;
  SrtpPolicy policy;
  bool random_key = false;
  unsigned replay_window = kDefaultReplayWindow;
  bool allow_repeat_tx = false;
  // Bumped by every key/policy change; the engine and each pad's caps are
  // rebuilt when they lag behind.
  uint64_t generation = 1;
  uint64_t engine_generation = 0;
  std::unique_ptr<SrtpEngine> engine;
  std::map<GstPad *, PadPair> pads;  // by sink pad
  std::vector<uint32_t> ssrcs;
  uint32_t last_ssrc = 0;
  bool have_last_ssrc = false;
  uint64_t dropped = 0;
  // Counters of engines replaced by a key change.
  uint64_t rtp_protected_before = 0;
  uint64_t rtcp_protected_before = 0;
  // The key reached its last SRTP/SRTCP index: the warning to post once the
  // lock is released (checked per chain call without the lock).
  std::optional<std::string> exhausted_message;
  std::atomic<bool> exhausted_pending{false};
};

struct _GstRtcSrtpEnc {
  GstElement parent;
  GstRtcSrtpEncPrivate *priv;
};

G_DEFINE_TYPE_WITH_CODE(GstRtcSrtpEnc, gst_rtc_srtp_enc, GST_TYPE_ELEMENT,
                        GST_DEBUG_CATEGORY_INIT(rtcsrtpenc_debug, "rtcsrtpenc", 0,
                                                "SRTP encoder (static keys)"));
GST_ELEMENT_REGISTER_DEFINE(rtcsrtpenc, "rtcsrtpenc", GST_RANK_NONE, GST_TYPE_RTC_SRTP_ENC);

namespace {

GstRtcSrtpEncPrivate &P(GstRtcSrtpEnc *self) {
  return *self->priv;
}

void random_key_locked(GstRtcSrtpEncPrivate &p) {
  const std::size_t n = gst_rtc::dtls::srtp_master_key_length(p.policy);
  GstBuffer *key = gst_buffer_new_allocate(nullptr, n, nullptr);
  GstMapInfo map;
  if (gst_buffer_map(key, &map, GST_MAP_WRITE)) {
    for (std::size_t i = 0; i < n; i += 4) {
      const guint32 r = g_random_int();
      for (std::size_t j = 0; j < 4 && i + j < n; ++j) map.data[i + j] = static_cast<guint8>(r >> (8 * j));
    }
    gst_buffer_unmap(key, &map);
  }
  p.key.reset(key);
  ++p.generation;
}

// Builds the engine for the current key/policy when it is stale. Called with
// the lock held; returns the problem to report (after unlocking) on failure.
std::optional<srtp::Problem> ensure_engine_locked(GstRtcSrtpEncPrivate &p) {
  if (p.engine && p.engine_generation == p.generation) return std::nullopt;
  if (p.random_key && !p.key.p) random_key_locked(p);
  const std::vector<uint8_t> key = srtp::buffer_bytes(p.key.p);
  if (auto problem = srtp::check_keying(p.policy, key, p.key.p != nullptr)) return problem;
  SrtpConfig config;
  config.policy = p.policy;
  config.tx_master = key;
  config.replay_window = p.replay_window;
  config.allow_repeat_tx = p.allow_repeat_tx;
  auto engine = SrtpEngine::create(config);
  if (!engine.ok())
    return srtp::Problem{static_cast<GstRtcError>(engine.error().code), engine.error().message};
  if (p.engine) {
    p.rtp_protected_before += p.engine->stats().rtp_protected;
    p.rtcp_protected_before += p.engine->stats().rtcp_protected;
  }
  p.engine = std::move(engine).value();
  p.engine_generation = p.generation;
  p.exhausted_message.reset();  // a new key may be exhausted (and told) again
  return std::nullopt;
}

// srtpenc's source caps: the sink caps renamed, plus the keying fields.
GstCaps *src_caps_locked(GstRtcSrtpEncPrivate &p, GstCaps *sink_caps, bool rtcp) {
  GstCaps *caps = gst_caps_copy(sink_caps);
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    GstStructure *s = gst_caps_get_structure(caps, i);
    gst_structure_set_name(s, rtcp ? "application/x-srtcp" : "application/x-srtp");
    srtp::set_caps_keying(s, p.policy, p.key.p);
  }
  return caps;
}

// Sends the source caps for `sinkpad` when the keying changed since it last
// did. Returns FALSE when the keying is unusable (an error was posted).
gboolean refresh_src_caps(GstRtcSrtpEnc *self, GstPad *sinkpad, GstCaps *sink_caps) {
  GstRtcSrtpEncPrivate &p = P(self);
  GstCaps *caps = nullptr;
  GstPad *src = nullptr;
  std::optional<srtp::Problem> problem;
  {
    std::lock_guard<std::mutex> guard(p.lock);
    auto it = p.pads.find(sinkpad);
    if (it == p.pads.end()) return FALSE;
    problem = ensure_engine_locked(p);
    if (!problem) {
      caps = src_caps_locked(p, sink_caps, it->second.rtcp);
      src = GST_PAD(gst_object_ref(it->second.src));
      it->second.caps_generation = p.generation;
    }
  }
  if (problem) {
    GST_RTC_SRTP_ERROR(self, problem->code,
                       "Cannot protect with this SRTP configuration: " + problem->message);
    return FALSE;
  }
  GST_DEBUG_OBJECT(sinkpad, "source caps %" GST_PTR_FORMAT, caps);
  const gboolean ok = gst_pad_set_caps(src, caps);
  gst_caps_unref(caps);
  gst_object_unref(src);
  return ok;
}

// Caps follow every key change (a receiver reads the new key from them).
// Called without the lock when the pad's caps or the engine are stale.
GstFlowReturn renegotiate(GstRtcSrtpEnc *self, GstPad *sinkpad) {
  GstCaps *caps = gst_pad_get_current_caps(sinkpad);
  if (!caps) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps on %s", GST_PAD_NAME(sinkpad)),
                      ("buffer before a caps event"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  const gboolean ok = refresh_src_caps(self, sinkpad, caps);
  gst_caps_unref(caps);
  return ok ? GST_FLOW_OK : GST_FLOW_NOT_NEGOTIATED;
}

// With the lock held: the pad pair of `sinkpad` when the engine and its caps
// are current, else nullptr and `*stale` when they need renegotiate().
PadPair *current_pair_locked(GstRtcSrtpEncPrivate &p, GstPad *sinkpad, bool *stale) {
  auto it = p.pads.find(sinkpad);
  *stale = false;
  if (it == p.pads.end()) return nullptr;
  if (it->second.caps_generation != p.generation || !p.engine || p.engine_generation != p.generation) {
    *stale = true;
    return nullptr;
  }
  return &it->second;
}

void note_ssrc_locked(GstRtcSrtpEncPrivate &p, const guint8 *data, gsize size, bool rtcp) {
  const gsize at = rtcp ? 4 : 8;
  if (size < at + 4) return;
  const uint32_t ssrc = GST_READ_UINT32_BE(data + at);
  if (p.have_last_ssrc && ssrc == p.last_ssrc) return;
  p.last_ssrc = ssrc;
  p.have_last_ssrc = true;
  if (std::find(p.ssrcs.begin(), p.ssrcs.end(), ssrc) == p.ssrcs.end()) p.ssrcs.push_back(ssrc);
}

// Protects `buf` in place, growing its single writable memory into spare
// room when there is some, else into one new memory of the protected size.
// Takes the buffer; returns it protected, or nullptr when it was dropped.
// Called with the lock held.
GstBuffer *protect_locked(GstRtcSrtpEnc *self, GstRtcSrtpEncPrivate &p, GstBuffer *buf, bool rtcp) {
  SrtpEngine &engine = *p.engine;
  if (!gst_rtc::dtls::srtp_policy_has_crypto(p.policy)) return buf;  // srtpenc passes these through
  buf = gst_buffer_make_writable(buf);
  const gsize size = gst_buffer_get_size(buf);
  const gsize room = rtcp ? engine.rtcp_overhead() : engine.rtp_overhead();

  gsize offset = 0, maxsize = 0;
  gst_buffer_get_sizes(buf, &offset, &maxsize);
  GstMemory *only = gst_buffer_n_memory(buf) == 1 ? gst_buffer_peek_memory(buf, 0) : nullptr;
  const bool in_place = only && gst_memory_is_writable(only) && maxsize >= offset + size + room;

  gst_rtc::dtls::Result<std::size_t> n = gst_rtc::jsep::make_error(gst_rtc::jsep::ErrorCode::Operation, "");
  GstMapInfo map;
  if (in_place) {
    gst_buffer_set_size(buf, static_cast<gssize>(size + room));
    if (!gst_buffer_map(buf, &map, GST_MAP_READWRITE)) {
      gst_buffer_unref(buf);
      ++p.dropped;
      return nullptr;
    }
    note_ssrc_locked(p, map.data, size, rtcp);
    n = rtcp ? engine.protect_rtcp(map.data, size, map.size) : engine.protect_rtp(map.data, size, map.size);
    gst_buffer_unmap(buf, &map);
    gst_buffer_set_size(buf, static_cast<gssize>(n.ok() ? *n : size));
  } else {
    // Protects from the plain memory straight into the new one: no copy of
    // the packet first.
    GstMapInfo plain;
    GstMemory *mem = gst_allocator_alloc(nullptr, size + room, nullptr);
    if (!mem || !gst_memory_map(mem, &map, GST_MAP_WRITE)) {
      if (mem) gst_memory_unref(mem);
      gst_buffer_unref(buf);
      ++p.dropped;
      return nullptr;
    }
    if (!gst_buffer_map(buf, &plain, GST_MAP_READ)) {
      gst_memory_unmap(mem, &map);
      gst_memory_unref(mem);
      gst_buffer_unref(buf);
      ++p.dropped;
      return nullptr;
    }
    note_ssrc_locked(p, plain.data, size, rtcp);
    n = rtcp ? engine.protect_rtcp(plain.data, size, map.data, map.size)
             : engine.protect_rtp(plain.data, size, map.data, map.size);
    gst_buffer_unmap(buf, &plain);
    gst_memory_unmap(mem, &map);
    if (n.ok()) {
      gst_memory_resize(mem, 0, *n);
      gst_buffer_replace_all_memory(buf, mem);
    } else {
      gst_memory_unref(mem);
    }
  }
  if (!n.ok()) {
    ++p.dropped;
    if (engine.stats().key_exhausted == 1 && !p.exhausted_message) {
      p.exhausted_message = n.error().message;
      p.exhausted_pending = true;
    }
    GST_DEBUG_OBJECT(self, "dropping %s packet of %" G_GSIZE_FORMAT " bytes: %s", rtcp ? "RTCP" : "RTP", size,
                     n.error().message.c_str());
    gst_buffer_unref(buf);
    return nullptr;
  }
  return buf;
}

GstPad *partner(GstRtcSrtpEnc *self, GstPad *sinkpad, bool *rtcp) {
  GstRtcSrtpEncPrivate &p = P(self);
  std::lock_guard<std::mutex> guard(p.lock);
  auto it = p.pads.find(sinkpad);
  if (it == p.pads.end()) return nullptr;
  *rtcp = it->second.rtcp;
  return GST_PAD(gst_object_ref(it->second.src));
}

// Runs `work` (protecting under the lock) for one chain call; renegotiates
// first when a key or policy changed. Returns the source pad to push to
// (a reference) or nullptr with `*ret` set.
template <class Work>
GstPad *with_engine(GstRtcSrtpEnc *self, GstPad *sinkpad, GstFlowReturn *ret, Work &&work) {
  GstRtcSrtpEncPrivate &p = P(self);
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool stale = false;
    {
      std::lock_guard<std::mutex> guard(p.lock);
      if (PadPair *pair = current_pair_locked(p, sinkpad, &stale)) {
        work(pair->rtcp);
        *ret = GST_FLOW_OK;
        return GST_PAD(gst_object_ref(pair->src));
      }
    }
    if (!stale) break;  // the pad was released
    if ((*ret = renegotiate(self, sinkpad)) != GST_FLOW_OK) return nullptr;
  }
  *ret = GST_FLOW_FLUSHING;
  return nullptr;
}

// Posts the key-exhausted warning protect_locked() noted (once per key).
void post_pending(GstRtcSrtpEnc *self) {
  GstRtcSrtpEncPrivate &p = P(self);
  if (!p.exhausted_pending.load(std::memory_order_relaxed)) return;
  std::string message;
  {
    std::lock_guard<std::mutex> guard(p.lock);
    if (!p.exhausted_pending.exchange(false) || !p.exhausted_message) return;
    message = *p.exhausted_message;
  }
  GST_ELEMENT_WARNING(self, RTC, INVALID_STATE, ("SRTP key exhausted: set a new key"),
                      ("%s", message.c_str()));
}

GstFlowReturn sink_chain(GstPad *pad, GstObject *parent, GstBuffer *buf) {
  auto *self = GST_RTC_SRTP_ENC(parent);
  GstFlowReturn ret = GST_FLOW_OK;
  GstBuffer *out = nullptr;
  GstPad *src =
      with_engine(self, pad, &ret, [&](bool rtcp) { out = protect_locked(self, P(self), buf, rtcp); });
  post_pending(self);
  if (!src) {
    gst_buffer_unref(buf);
    return ret;
  }
  ret = out ? gst_pad_push(src, out) : GST_FLOW_OK;
  gst_object_unref(src);
  return ret;
}

struct ListContext {
  GstRtcSrtpEnc *self;
  bool rtcp;
};

gboolean protect_list_item(GstBuffer **buffer, guint, gpointer user_data) {
  auto *ctx = static_cast<ListContext *>(user_data);
  // The list's reference is ours: a dropped buffer leaves the list.
  *buffer = protect_locked(ctx->self, P(ctx->self), *buffer, ctx->rtcp);
  return TRUE;
}

GstFlowReturn sink_chain_list(GstPad *pad, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_SRTP_ENC(parent);
  GstFlowReturn ret = GST_FLOW_OK;
  list = gst_buffer_list_make_writable(list);
  GstPad *src = with_engine(self, pad, &ret, [&](bool rtcp) {
    ListContext ctx{self, rtcp};
    gst_buffer_list_foreach(list, protect_list_item, &ctx);
  });
  post_pending(self);
  if (!src) {
    gst_buffer_list_unref(list);
    return ret;
  }
  if (gst_buffer_list_length(list) > 0) {
    ret = gst_pad_push_list(src, list);
  } else {
    gst_buffer_list_unref(list);
  }
  gst_object_unref(src);
  return ret;
}

gboolean sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_SRTP_ENC(parent);
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    GstCaps *caps = nullptr;
    gst_event_parse_caps(event, &caps);
    const gboolean ok = refresh_src_caps(self, pad, caps);
    gst_event_unref(event);
    return ok;
  }
  return gst_pad_event_default(pad, parent, event);
}

gboolean sink_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_SRTP_ENC(parent);
  if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS) {
    bool rtcp = false;
    GstPad *src = partner(self, pad, &rtcp);
    const gboolean ok =
        srtp::query_caps_through(pad, src, query, rtcp ? "application/x-rtcp" : "application/x-rtp",
                                 rtcp ? "application/x-srtcp" : "application/x-srtp", true);
    if (src) gst_object_unref(src);
    return ok;
  }
  return gst_pad_query_default(pad, parent, query);
}

GstIterator *iterate_internal_links(GstPad *pad, GstObject *parent) {
  auto *self = GST_RTC_SRTP_ENC(parent);
  GstRtcSrtpEncPrivate &p = P(self);
  GstPad *other = nullptr;
  {
    std::lock_guard<std::mutex> guard(p.lock);
    for (auto &[sink, pair] : p.pads) {
      if (sink == pad) other = pair.src;
      if (pair.src == pad) other = sink;
    }
    if (other) gst_object_ref(other);
  }
  if (!other) return nullptr;
  GValue v = G_VALUE_INIT;
  g_value_init(&v, GST_TYPE_PAD);
  g_value_take_object(&v, other);
  GstIterator *it = gst_iterator_new_single(GST_TYPE_PAD, &v);
  g_value_unset(&v);
  return it;
}

GstPad *request_new_pad(GstElement *element, GstPadTemplate *templ, const gchar *name, const GstCaps *) {
  auto *self = GST_RTC_SRTP_ENC(element);
  GstRtcSrtpEncPrivate &p = P(self);
  GstElementClass *klass = GST_ELEMENT_GET_CLASS(element);
  const bool rtcp = templ == gst_element_class_get_pad_template(klass, "rtcp_sink_%u");
  if (!rtcp && templ != gst_element_class_get_pad_template(klass, "rtp_sink_%u")) return nullptr;
  const char *sink_fmt = rtcp ? "rtcp_sink_%u" : "rtp_sink_%u";

  guint index = 0;
  if (name) {
    if (std::sscanf(name, rtcp ? "rtcp_sink_%u" : "rtp_sink_%u", &index) != 1) return nullptr;
  } else {
    // The first index whose sink and source names are both free.
    for (;; ++index) {
      gchar *n = g_strdup_printf(sink_fmt, index);
      GstPad *existing = gst_element_get_static_pad(element, n);
      g_free(n);
      if (!existing) break;
      gst_object_unref(existing);
    }
  }
  gchar *sink_name = g_strdup_printf(sink_fmt, index);
  gchar *src_name = g_strdup_printf(rtcp ? "rtcp_src_%u" : "rtp_src_%u", index);
  GstPad *clash = gst_element_get_static_pad(element, sink_name);
  if (clash) {
    gst_object_unref(clash);
    g_free(sink_name);
    g_free(src_name);
    return nullptr;
  }
  GstPad *sink = gst_pad_new_from_static_template(rtcp ? &rtcp_sink_template : &rtp_sink_template, sink_name);
  GstPad *src = gst_pad_new_from_static_template(rtcp ? &rtcp_src_template : &rtp_src_template, src_name);
  g_free(sink_name);
  g_free(src_name);
  gst_pad_set_chain_function(sink, GST_DEBUG_FUNCPTR(sink_chain));
  gst_pad_set_chain_list_function(sink, GST_DEBUG_FUNCPTR(sink_chain_list));
  gst_pad_set_event_function(sink, GST_DEBUG_FUNCPTR(sink_event));
  gst_pad_set_query_function(sink, GST_DEBUG_FUNCPTR(sink_query));
  gst_pad_set_iterate_internal_links_function(sink, GST_DEBUG_FUNCPTR(iterate_internal_links));
  gst_pad_set_iterate_internal_links_function(src, GST_DEBUG_FUNCPTR(iterate_internal_links));
  GST_PAD_SET_PROXY_ALLOCATION(sink);
  {
    std::lock_guard<std::mutex> guard(p.lock);
    p.pads[sink] = PadPair{src, rtcp, 0};
  }
  gst_pad_set_active(src, TRUE);
  gst_pad_set_active(sink, TRUE);
  gst_element_add_pad(element, src);
  gst_element_add_pad(element, sink);
  return sink;
}

void release_pad(GstElement *element, GstPad *sinkpad) {
  auto *self = GST_RTC_SRTP_ENC(element);
  GstRtcSrtpEncPrivate &p = P(self);
  GstPad *src = nullptr;
  {
    std::lock_guard<std::mutex> guard(p.lock);
    auto it = p.pads.find(sinkpad);
    if (it == p.pads.end()) return;
    src = it->second.src;
    p.pads.erase(it);
  }
  gst_pad_set_active(src, FALSE);
  gst_pad_set_active(sinkpad, FALSE);
  gst_element_remove_pad(element, src);
  gst_element_remove_pad(element, sinkpad);
}

GstStructure *make_stats(GstRtcSrtpEncPrivate &p) {
  std::lock_guard<std::mutex> guard(p.lock);
  GstStructure *s = gst_structure_new_empty("application/x-srtp-encoder-stats");
  GValue streams = G_VALUE_INIT;
  gst_value_array_init(&streams, static_cast<guint>(p.ssrcs.size()));
  for (uint32_t ssrc : p.ssrcs) {
    auto roc = p.engine ? p.engine->roc(ssrc, true) : std::nullopt;
    if (!roc) continue;
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&v, gst_structure_new("application/x-srtp-stream", "ssrc", G_TYPE_UINT, ssrc, "roc",
                                             G_TYPE_UINT, *roc, nullptr));
    gst_value_array_append_and_take_value(&streams, &v);
  }
  gst_structure_take_value(s, "streams", &streams);
  const uint64_t rtp = p.rtp_protected_before + (p.engine ? p.engine->stats().rtp_protected : 0);
  const uint64_t rtcp = p.rtcp_protected_before + (p.engine ? p.engine->stats().rtcp_protected : 0);
  gst_structure_set(s, "rtp-protected", G_TYPE_UINT64, rtp, "rtcp-protected", G_TYPE_UINT64, rtcp,
                    "send-drop-count", G_TYPE_UINT64, p.dropped, nullptr);
  return s;
}

void set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  GstRtcSrtpEncPrivate &p = P(GST_RTC_SRTP_ENC(object));
  std::lock_guard<std::mutex> guard(p.lock);
  switch (prop_id) {
    case PROP_KEY:
      p.key.reset(static_cast<GstBuffer *>(g_value_dup_boxed(value)));
      break;
    case PROP_RTP_CIPHER:
      p.policy.rtp.cipher = srtp::cipher_from_enum(g_value_get_enum(value));
      break;
    case PROP_RTP_AUTH:
      p.policy.rtp.auth = srtp::auth_from_enum(g_value_get_enum(value));
      break;
    case PROP_RTCP_CIPHER:
      p.policy.rtcp.cipher = srtp::cipher_from_enum(g_value_get_enum(value));
      break;
    case PROP_RTCP_AUTH:
      p.policy.rtcp.auth = srtp::auth_from_enum(g_value_get_enum(value));
      break;
    case PROP_RANDOM_KEY:
      p.random_key = g_value_get_boolean(value);
      break;
    case PROP_REPLAY_WINDOW_SIZE:
      p.replay_window = g_value_get_uint(value);
      break;
    case PROP_ALLOW_REPEAT_TX:
      p.allow_repeat_tx = g_value_get_boolean(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      return;
  }
  ++p.generation;
}

void get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  GstRtcSrtpEncPrivate &p = P(GST_RTC_SRTP_ENC(object));
  if (prop_id == PROP_STATS) {
    g_value_take_boxed(value, make_stats(p));
    return;
  }
  std::lock_guard<std::mutex> guard(p.lock);
  switch (prop_id) {
    case PROP_KEY:
      g_value_set_boxed(value, p.key.p);
      break;
    case PROP_RTP_CIPHER:
      g_value_set_enum(value, srtp::cipher_to_enum(p.policy.rtp.cipher));
      break;
    case PROP_RTP_AUTH:
      g_value_set_enum(value, srtp::auth_to_enum(p.policy.rtp.auth));
      break;
    case PROP_RTCP_CIPHER:
      g_value_set_enum(value, srtp::cipher_to_enum(p.policy.rtcp.cipher));
      break;
    case PROP_RTCP_AUTH:
      g_value_set_enum(value, srtp::auth_to_enum(p.policy.rtcp.auth));
      break;
    case PROP_RANDOM_KEY:
      g_value_set_boolean(value, p.random_key);
      break;
    case PROP_REPLAY_WINDOW_SIZE:
      g_value_set_uint(value, p.replay_window);
      break;
    case PROP_ALLOW_REPEAT_TX:
      g_value_set_boolean(value, p.allow_repeat_tx);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

GstStateChangeReturn change_state(GstElement *element, GstStateChange transition) {
  GstRtcSrtpEncPrivate &p = P(GST_RTC_SRTP_ENC(element));
  const GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_rtc_srtp_enc_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    // A new run starts new streams (ROC 0) like srtpenc's session reset.
    std::lock_guard<std::mutex> guard(p.lock);
    p.engine.reset();
    p.engine_generation = 0;
    p.ssrcs.clear();
    p.have_last_ssrc = false;
  }
  return ret;
}

void dispose(GObject *object) {
  auto *self = GST_RTC_SRTP_ENC(object);
  // Release request pads (and their partners) while the element is intact.
  for (;;) {
    GstPad *sink = nullptr;
    {
      std::lock_guard<std::mutex> guard(P(self).lock);
      if (P(self).pads.empty()) break;
      sink = P(self).pads.begin()->first;
    }
    release_pad(GST_ELEMENT(self), sink);
  }
  G_OBJECT_CLASS(gst_rtc_srtp_enc_parent_class)->dispose(object);
}

void finalize(GObject *object) {
  auto *self = GST_RTC_SRTP_ENC(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_rtc_srtp_enc_parent_class)->finalize(object);
}

}  // namespace

static void gst_rtc_srtp_enc_class_init(GstRtcSrtpEncClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  gobject_class->dispose = dispose;
  gobject_class->finalize = finalize;
  element_class->request_new_pad = GST_DEBUG_FUNCPTR(request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR(release_pad);
  element_class->change_state = GST_DEBUG_FUNCPTR(change_state);

  const auto rw = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRtcSrtpEnc:key:
   *
   * Master key followed by master salt: 30 bytes for aes-128-icm, 46 for
   * aes-256-icm, 28 for aes-128-gcm, 44 for aes-256-gcm (the longer of the
   * RTP and RTCP ciphers). Changing it while playing re-keys from the next
   * packet and sends new source caps.
   */
  g_object_class_install_property(
      gobject_class, PROP_KEY,
      g_param_spec_boxed("key", "Key",
                         "Master key || master salt (30 bytes for aes-128-icm, 46 for aes-256-icm, 28 for "
                         "aes-128-gcm, 44 for aes-256-gcm)",
                         GST_TYPE_BUFFER, rw));
  /**
   * GstRtcSrtpEnc:rtp-cipher:
   *
   * SRTP cipher; AES-GCM needs #GstRtcSrtpEnc:rtp-auth `null`.
   */
  g_object_class_install_property(
      gobject_class, PROP_RTP_CIPHER,
      g_param_spec_enum("rtp-cipher", "RTP cipher", "SRTP cipher (AES-GCM requires rtp-auth=null)",
                        GST_RTC_TYPE_SRTP_CIPHER_TYPE, GST_RTC_SRTP_CIPHER_AES_128_ICM, rw));
  /**
   * GstRtcSrtpEnc:rtp-auth:
   *
   * SRTP authentication tag.
   */
  g_object_class_install_property(
      gobject_class, PROP_RTP_AUTH,
      g_param_spec_enum("rtp-auth", "RTP authentication", "SRTP authentication (null with AES-GCM ciphers)",
                        GST_RTC_TYPE_SRTP_AUTH_TYPE, GST_RTC_SRTP_AUTH_HMAC_SHA1_80, rw));
  /**
   * GstRtcSrtpEnc:rtcp-cipher:
   *
   * SRTCP cipher; AES-GCM needs #GstRtcSrtpEnc:rtcp-auth `null`.
   */
  g_object_class_install_property(
      gobject_class, PROP_RTCP_CIPHER,
      g_param_spec_enum("rtcp-cipher", "RTCP cipher", "SRTCP cipher (AES-GCM requires rtcp-auth=null)",
                        GST_RTC_TYPE_SRTP_CIPHER_TYPE, GST_RTC_SRTP_CIPHER_AES_128_ICM, rw));
  /**
   * GstRtcSrtpEnc:rtcp-auth:
   *
   * SRTCP authentication tag (mandatory with AES-CM encryption).
   */
  g_object_class_install_property(
      gobject_class, PROP_RTCP_AUTH,
      g_param_spec_enum("rtcp-auth", "RTCP authentication",
                        "SRTCP authentication (null with AES-GCM ciphers, mandatory with AES-CM)",
                        GST_RTC_TYPE_SRTP_AUTH_TYPE, GST_RTC_SRTP_AUTH_HMAC_SHA1_80, rw));
  /**
   * GstRtcSrtpEnc:random-key:
   *
   * Generate a random master key when none is set.
   */
  g_object_class_install_property(
      gobject_class, PROP_RANDOM_KEY,
      g_param_spec_boolean(
          "random-key", "Random key",
          "Generate a random master key of the right length when no key is set (read it back "
          "from the key property or the source caps)",
          FALSE, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcSrtpEnc:replay-window-size:
   *
   * Replay window of the session (kept for srtpenc compatibility; only a
   * receiver checks it).
   */
  g_object_class_install_property(
      gobject_class, PROP_REPLAY_WINDOW_SIZE,
      g_param_spec_uint("replay-window-size", "Replay window size",
                        "Size of the replay window in packets (kept for srtpenc compatibility)", 64, 0x8000,
                        kDefaultReplayWindow, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcSrtpEnc:allow-repeat-tx:
   *
   * Whether a packet with an already protected sequence number may be
   * protected again (RTP retransmission without RTX). Such a packet must
   * carry the same payload, or the keystream is reused.
   */
  g_object_class_install_property(
      gobject_class, PROP_ALLOW_REPEAT_TX,
      g_param_spec_boolean(
          "allow-repeat-tx", "Allow repeated transmission",
          "Allow protecting a sequence number again (retransmission); the payload must then be "
          "identical or the keystream is reused. Otherwise such packets are dropped and counted",
          FALSE, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcSrtpEnc:stats:
   *
   * `application/x-srtp-encoder-stats`: `streams` (array of
   * `application/x-srtp-stream` with `ssrc`, `roc`), `rtp-protected`,
   * `rtcp-protected`, `send-drop-count` (packets that could not be protected:
   * not RTP/RTCP, repeated sequence number).
   */
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics",
                         "streams (ssrc, roc), rtp-protected, rtcp-protected, send-drop-count",
                         gst_structure_get_type(), GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template(element_class, &rtp_sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtp_src_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_src_template);
  gst_element_class_set_static_metadata(
      element_class, "SRTP encoder (static keys)", "Filter/Network/SRTP",
      "Protects RTP/RTCP with SRTP/SRTCP under a master key given as a property "
      "(SDES/SIP); srtpenc compatible",
      "gst-rtc");
  gst_type_mark_as_plugin_api(GST_RTC_TYPE_SRTP_CIPHER_TYPE, GstPluginAPIFlags(0));
  gst_type_mark_as_plugin_api(GST_RTC_TYPE_SRTP_AUTH_TYPE, GstPluginAPIFlags(0));
}

static void gst_rtc_srtp_enc_init(GstRtcSrtpEnc *self) {
  self->priv = new GstRtcSrtpEncPrivate();
}
