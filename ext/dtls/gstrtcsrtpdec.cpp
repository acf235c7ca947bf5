/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcsrtpdec
 * @title: rtcsrtpdec
 * @see_also: rtcsrtpenc, rtcdtlssrtpdec
 *
 * Verifies and decrypts SRTP/SRTCP with master keys given in caps or by the
 * #GstRtcSrtpDec::request-key signal, a drop-in for gst-plugins-bad's
 * `srtpdec`: same pads, caps fields (`srtp-key`, `srtp-cipher`, `srtp-auth`,
 * `srtcp-cipher`, `srtcp-auth`, `roc`, `ssrc`) and signals.
 *
 * Keys are per SSRC. Sink caps with an `ssrc` field key that SSRC; sink caps
 * without one key every SSRC that arrives (a convenience srtpdec lacks). For
 * any other SSRC the element emits #GstRtcSrtpDec::request-key. Packets that
 * fail authentication, are replayed, malformed, or have no key are dropped
 * and counted in #GstRtcSrtpDec:stats; they never stop the stream.
 *
 * SRTCP arriving on `rtp_sink` (RTP/RTCP multiplexing, RFC 5761) leaves on
 * `rtcp_src`.
 *
 * ## Example pipeline
 * |[
 * gst-launch-1.0 udpsrc address=127.0.0.1 port=5004 caps='application/x-srtp, payload=(int)0,
 *     srtp-key=(buffer)012345678901234567890123456789012345678901234567890123456789,
 *     srtp-cipher=(string)aes-128-icm, srtp-auth=(string)hmac-sha1-80,
 *     srtcp-cipher=(string)aes-128-icm, srtcp-auth=(string)hmac-sha1-80' ! rtcsrtpdec ! rtppcmudepay !
 * fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcsrtpdec.h"

#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "srtp-caps.h"
#include "srtp-engine.h"

GST_DEBUG_CATEGORY_STATIC(rtcsrtpdec_debug);
#define GST_CAT_DEFAULT rtcsrtpdec_debug

using gst_rtc::dtls::PacketKind;
using gst_rtc::dtls::SrtpConfig;
using gst_rtc::dtls::SrtpDropReason;
using gst_rtc::dtls::SrtpEngine;
namespace srtp = gst_rtc::srtp;

namespace {

constexpr unsigned kDefaultReplayWindow = 1024;
constexpr std::size_t kMaxUnkeyedSsrcs = 256;

enum { PROP_0, PROP_REPLAY_WINDOW_SIZE, PROP_STATS };
enum { SIGNAL_REQUEST_KEY, SIGNAL_CLEAR_KEYS, SIGNAL_REMOVE_KEY, N_SIGNALS };
guint signals[N_SIGNALS];

GstStaticPadTemplate rtp_sink_template =
    GST_STATIC_PAD_TEMPLATE("rtp_sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-srtp"));
GstStaticPadTemplate rtp_src_template =
    GST_STATIC_PAD_TEMPLATE("rtp_src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));
GstStaticPadTemplate rtcp_sink_template = GST_STATIC_PAD_TEMPLATE("rtcp_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                                                                  GST_STATIC_CAPS("application/x-srtcp"));
GstStaticPadTemplate rtcp_src_template =
    GST_STATIC_PAD_TEMPLATE("rtcp_src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtcp"));

struct Stream {
  srtp::CapsKeying keying;
  std::unique_ptr<SrtpEngine> engine;  // null: no crypto, packets pass as is
  uint32_t recv_count = 0;
  uint32_t recv_drop_count = 0;
};

bool same_keying(const srtp::CapsKeying &a, const srtp::CapsKeying &b) {
  return a.policy == b.policy && a.key == b.key && a.roc == b.roc;
}

}  // namespace

struct GstRtcSrtpDecPrivate {
  GstPad *rtp_sink = nullptr;
  GstPad *rtp_src = nullptr;
  GstPad *rtcp_sink = nullptr;
  GstPad *rtcp_src = nullptr;

  // Guards everything below (both sink pads stream on their own threads).
  std::mutex lock;
  unsigned replay_window = kDefaultReplayWindow;
  std::unordered_map<uint32_t, Stream> streams;
  // Keying from sink caps without an `ssrc`: applies to every new SSRC.
  std::optional<srtp::CapsKeying> any_ssrc;
  std::set<uint32_t> warned;  // SSRCs already reported as keyless
  uint32_t recv_count = 0;
  uint32_t recv_drop_count = 0;
  uint64_t dropped_auth = 0;
  uint64_t dropped_replay = 0;
  uint64_t dropped_malformed = 0;
  uint64_t dropped_no_key = 0;
};

struct _GstRtcSrtpDec {
  GstElement parent;
  GstRtcSrtpDecPrivate *priv;
};

G_DEFINE_TYPE_WITH_CODE(GstRtcSrtpDec, gst_rtc_srtp_dec, GST_TYPE_ELEMENT,
                        GST_DEBUG_CATEGORY_INIT(rtcsrtpdec_debug, "rtcsrtpdec", 0,
                                                "SRTP decoder (static keys)"));
GST_ELEMENT_REGISTER_DEFINE(rtcsrtpdec, "rtcsrtpdec", GST_RANK_NONE, GST_TYPE_RTC_SRTP_DEC);

namespace {

GstRtcSrtpDecPrivate &P(GstRtcSrtpDec *self) {
  return *self->priv;
}

// A receive engine for one SSRC (ssrc-specific, so that `roc` applies).
gst_rtc::dtls::Result<Stream> make_stream(const srtp::CapsKeying &keying, uint32_t ssrc, unsigned window) {
  if (auto problem = srtp::check_keying(keying.policy, keying.key, !keying.key.empty()))
    return gst_rtc::jsep::make_error(static_cast<gst_rtc::jsep::ErrorCode>(problem->code), problem->message);
  Stream stream;
  stream.keying = keying;
  if (!gst_rtc::dtls::srtp_policy_has_crypto(keying.policy)) return stream;
  SrtpConfig config;
  config.policy = keying.policy;
  config.rx_master = keying.key;
  config.replay_window = window;
  config.rx_ssrc = ssrc;
  config.rx_roc = keying.roc;
  auto engine = SrtpEngine::create(config);
  if (!engine.ok()) return engine.error();
  stream.engine = std::move(engine).value();
  return stream;
}

// Installs `keying` for `ssrc`, keeping the running stream (replay window,
// ROC) when nothing changed. Lock held.
std::optional<gst_rtc::dtls::Error> install_locked(GstRtcSrtpDecPrivate &p, uint32_t ssrc,
                                                   const srtp::CapsKeying &keying) {
  auto it = p.streams.find(ssrc);
  if (it != p.streams.end() && same_keying(it->second.keying, keying)) return std::nullopt;
  auto stream = make_stream(keying, ssrc, p.replay_window);
  if (!stream.ok()) return stream.error();
  p.streams[ssrc] = std::move(stream).value();
  p.warned.erase(ssrc);
  return std::nullopt;
}

// Caps from sink caps or request-key: validated, then installed per SSRC or
// kept for any SSRC. Returns the problem to report.
std::optional<srtp::Problem> apply_caps(GstRtcSrtpDec *self, const GstStructure *s,
                                        std::optional<uint32_t> ssrc) {
  srtp::CapsKeying keying;
  std::string why;
  switch (srtp::parse_caps_keying(s, &keying, &why)) {
    case srtp::CapsParse::Absent:
      return std::nullopt;
    case srtp::CapsParse::Invalid:
      return srtp::Problem{GST_RTC_ERROR_INVALID_ACCESS, why};
    case srtp::CapsParse::Ok:
      break;
  }
  if (!keying.ssrc) keying.ssrc = ssrc;
  GstRtcSrtpDecPrivate &p = P(self);
  std::lock_guard<std::mutex> guard(p.lock);
  if (!keying.ssrc) {
    if (auto problem = srtp::check_keying(keying.policy, keying.key, !keying.key.empty())) return problem;
    p.any_ssrc = keying;
    p.warned.clear();
    return std::nullopt;
  }
  if (auto err = install_locked(p, *keying.ssrc, keying))
    return srtp::Problem{static_cast<GstRtcError>(err->code), err->message};
  return std::nullopt;
}

gboolean sink_setcaps(GstRtcSrtpDec *self, GstPad *pad, GstCaps *caps, bool rtcp) {
  GstRtcSrtpDecPrivate &p = P(self);
  if (gst_caps_get_size(caps) > 0) {
    if (auto problem = apply_caps(self, gst_caps_get_structure(caps, 0), std::nullopt)) {
      GST_RTC_SRTP_ERROR(self, problem->code, "Unusable SRTP keying in caps: " + problem->message);
      return FALSE;
    }
  }
  GstCaps *out = gst_caps_copy(caps);
  for (guint i = 0; i < gst_caps_get_size(out); ++i) {
    GstStructure *s = gst_caps_get_structure(out, i);
    gst_structure_set_name(s, rtcp ? "application/x-rtcp" : "application/x-rtp");
    srtp::strip_caps_keying(s);
  }
  const gboolean ok = gst_pad_set_caps(rtcp ? p.rtcp_src : p.rtp_src, out);
  gst_caps_unref(out);
  return ok;
}

// The stream for `ssrc`, asking the application through request-key when
// neither caps nor an earlier answer keyed it. Called and returns with the
// lock held; releases it around the signal.
Stream *find_stream(GstRtcSrtpDec *self, std::unique_lock<std::mutex> &lock, uint32_t ssrc,
                    bool *provisional) {
  GstRtcSrtpDecPrivate &p = P(self);
  *provisional = false;
  auto it = p.streams.find(ssrc);
  if (it != p.streams.end()) return &it->second;
  if (p.any_ssrc) {
    if (auto err = install_locked(p, ssrc, *p.any_ssrc)) {
      GST_WARNING_OBJECT(self, "cannot key SSRC %08x: %s", ssrc, err->message.c_str());
      return nullptr;
    }
    // Kept only if its first packet authenticates: forged SSRCs must not
    // pile up streams.
    *provisional = true;
    return &p.streams.find(ssrc)->second;
  }
  if (p.warned.count(ssrc)) return nullptr;  // asked already, no answer
  // Garbage with ever new SSRCs must not grow memory or flood the bus: past
  // this many unkeyed SSRCs, packets of new ones are only counted.
  if (p.warned.size() >= kMaxUnkeyedSsrcs) return nullptr;

  lock.unlock();
  GstCaps *caps = nullptr;
  g_signal_emit(self, signals[SIGNAL_REQUEST_KEY], 0, ssrc, &caps);
  std::optional<srtp::Problem> problem;
  if (caps && gst_caps_get_size(caps) > 0) {
    GstStructure *s = gst_caps_get_structure(caps, 0);
    srtp::CapsKeying keying;
    std::string why;
    switch (srtp::parse_caps_keying(s, &keying, &why)) {
      case srtp::CapsParse::Absent:
        problem = srtp::Problem{GST_RTC_ERROR_INVALID_ACCESS, "request-key caps carry no SRTP fields"};
        break;
      case srtp::CapsParse::Invalid:
        problem = srtp::Problem{GST_RTC_ERROR_INVALID_ACCESS, why};
        break;
      case srtp::CapsParse::Ok: {
        std::lock_guard<std::mutex> guard(p.lock);
        if (auto err = install_locked(p, ssrc, keying))
          problem = srtp::Problem{static_cast<GstRtcError>(err->code), err->message};
        break;
      }
    }
  } else {
    problem =
        srtp::Problem{GST_RTC_ERROR_INVALID_ACCESS, "no key: the caps carry none and request-key gave none"};
  }
  if (caps) gst_caps_unref(caps);
  lock.lock();
  it = p.streams.find(ssrc);
  if (it != p.streams.end()) return &it->second;
  // Reported once per SSRC (until new keys arrive); each drop is counted.
  if (p.warned.insert(ssrc).second) {
    lock.unlock();
    gchar *text =
        g_strdup_printf("Dropping SRTP of SSRC %u: %s", ssrc, problem ? problem->message.c_str() : "no key");
    GST_RTC_SRTP_WARNING(self, problem ? problem->code : GST_RTC_ERROR_INVALID_ACCESS, text);
    g_free(text);
    lock.lock();
  }
  return nullptr;
}

void count_drop_locked(GstRtcSrtpDecPrivate &p, Stream *stream, std::optional<SrtpDropReason> reason) {
  ++p.recv_drop_count;
  if (stream) ++stream->recv_drop_count;
  if (!reason) {
    ++p.dropped_no_key;
    return;
  }
  switch (*reason) {
    case SrtpDropReason::AuthFailure:
      ++p.dropped_auth;
      break;
    case SrtpDropReason::Replay:
      ++p.dropped_replay;
      break;
    case SrtpDropReason::Malformed:
      ++p.dropped_malformed;
      break;
  }
}

// Unprotects `buf` in place. Takes the buffer; returns it, or nullptr when
// it was dropped (counted). `rtcp` is updated for SRTCP multiplexed on the
// RTP pad. Called with the lock held (released only for request-key).
GstBuffer *unprotect(GstRtcSrtpDec *self, std::unique_lock<std::mutex> &lock, GstBuffer *buf, bool *rtcp) {
  GstRtcSrtpDecPrivate &p = P(self);
  ++p.recv_count;
  // Mapped once, read and written in place (a shared or scattered buffer is
  // copied here, the one allocation it needs).
  buf = gst_buffer_make_writable(buf);
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READWRITE)) {
    count_drop_locked(p, nullptr, SrtpDropReason::Malformed);
    gst_buffer_unref(buf);
    return nullptr;
  }
  auto drop = [&](Stream *stream, std::optional<SrtpDropReason> reason) -> GstBuffer * {
    gst_buffer_unmap(buf, &map);
    count_drop_locked(p, stream, reason);
    gst_buffer_unref(buf);
    return nullptr;
  };
  if (!*rtcp)
    *rtcp = gst_rtc::dtls::classify(std::span<const uint8_t>(map.data, map.size)) == PacketKind::Rtcp;
  const gsize at = *rtcp ? 4 : 8;
  if (map.size < at + 4) {
    GST_DEBUG_OBJECT(self, "dropping a %" G_GSIZE_FORMAT "-byte packet: too short", map.size);
    return drop(nullptr, SrtpDropReason::Malformed);
  }
  const uint32_t ssrc = GST_READ_UINT32_BE(map.data + at);
  bool provisional = false;
  Stream *stream = find_stream(self, lock, ssrc, &provisional);
  if (!stream) {
    GST_LOG_OBJECT(self, "dropping packet of unkeyed SSRC %08x", ssrc);
    return drop(nullptr, std::nullopt);
  }
  ++stream->recv_count;
  if (!stream->engine) {
    gst_buffer_unmap(buf, &map);
    return buf;
  }
  auto n = *rtcp ? stream->engine->unprotect_rtcp(map.data, map.size)
                 : stream->engine->unprotect_rtp(map.data, map.size);
  if (!n.ok()) {
    GST_DEBUG_OBJECT(self, "dropping %s packet of SSRC %08x: %s", *rtcp ? "SRTCP" : "SRTP", ssrc,
                     n.error().message.c_str());
    const auto reason = stream->engine->last_drop_reason().value_or(SrtpDropReason::Malformed);
    if (provisional) {
      p.streams.erase(ssrc);
      return drop(nullptr, reason);
    }
    return drop(stream, reason);
  }
  gst_buffer_unmap(buf, &map);
  gst_buffer_set_size(buf, static_cast<gssize>(*n));
  return buf;
}

// SRTCP that arrived on rtp_sink leaves on rtcp_src, which then needs the
// sticky events a stream starts with.
bool ensure_rtcp_events(GstRtcSrtpDec *self) {
  GstRtcSrtpDecPrivate &p = P(self);
  GstPad *src = p.rtcp_src;
  GstEvent *ev = gst_pad_get_sticky_event(src, GST_EVENT_STREAM_START, 0);
  if (ev) {
    gst_event_unref(ev);
  } else {
    // Derived from the RTP stream it came with (two sink pads: no
    // gst_pad_create_stream_id()).
    gchar *id = nullptr;
    if (GstEvent *rtp_start = gst_pad_get_sticky_event(p.rtp_sink, GST_EVENT_STREAM_START, 0)) {
      const gchar *rtp_id = nullptr;
      gst_event_parse_stream_start(rtp_start, &rtp_id);
      id = g_strdup_printf("%s/rtcp", rtp_id);
      gst_event_unref(rtp_start);
    } else {
      id = g_strdup_printf("%08x%08x/rtcp", g_random_int(), g_random_int());
    }
    gst_pad_push_event(src, gst_event_new_stream_start(id));
    g_free(id);
  }
  ev = gst_pad_get_sticky_event(src, GST_EVENT_CAPS, 0);
  if (ev) {
    gst_event_unref(ev);
  } else {
    GstCaps *caps = gst_caps_new_empty_simple("application/x-rtcp");
    gst_pad_set_caps(src, caps);
    gst_caps_unref(caps);
  }
  ev = gst_pad_get_sticky_event(src, GST_EVENT_SEGMENT, 0);
  if (ev) {
    gst_event_unref(ev);
    return true;
  }
  ev = gst_pad_get_sticky_event(p.rtp_sink, GST_EVENT_SEGMENT, 0);
  if (!ev) return false;
  gst_pad_push_event(src, ev);
  return true;
}

GstFlowReturn push_muxed_rtcp(GstRtcSrtpDec *self, GstBuffer *buf) {
  if (!ensure_rtcp_events(self)) {
    gst_buffer_unref(buf);
    return GST_FLOW_OK;
  }
  const GstFlowReturn ret = gst_pad_push(P(self).rtcp_src, buf);
  // Nobody linked to rtcp_src must not stop the RTP flow.
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

GstFlowReturn chain(GstPad *pad, GstObject *parent, GstBuffer *buf) {
  auto *self = GST_RTC_SRTP_DEC(parent);
  GstRtcSrtpDecPrivate &p = P(self);
  const bool on_rtcp_pad = pad == p.rtcp_sink;
  bool rtcp = on_rtcp_pad;
  {
    std::unique_lock<std::mutex> lock(p.lock);
    buf = unprotect(self, lock, buf, &rtcp);
  }
  if (!buf) return GST_FLOW_OK;
  if (rtcp && !on_rtcp_pad) return push_muxed_rtcp(self, buf);
  return gst_pad_push(rtcp ? p.rtcp_src : p.rtp_src, buf);
}

struct ListContext {
  GstRtcSrtpDec *self;
  std::unique_lock<std::mutex> *lock;
  bool on_rtcp_pad;
  std::vector<GstBuffer *> muxed_rtcp;
};

gboolean unprotect_list_item(GstBuffer **buffer, guint, gpointer user_data) {
  auto *ctx = static_cast<ListContext *>(user_data);
  bool rtcp = ctx->on_rtcp_pad;
  GstBuffer *buf = unprotect(ctx->self, *ctx->lock, *buffer, &rtcp);
  if (buf && rtcp && !ctx->on_rtcp_pad) {
    ctx->muxed_rtcp.push_back(buf);
    buf = nullptr;
  }
  *buffer = buf;  // nullptr takes it out of the list
  return TRUE;
}

GstFlowReturn chain_list(GstPad *pad, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_SRTP_DEC(parent);
  GstRtcSrtpDecPrivate &p = P(self);
  list = gst_buffer_list_make_writable(list);
  ListContext ctx{self, nullptr, pad == p.rtcp_sink, {}};
  {
    std::unique_lock<std::mutex> lock(p.lock);
    ctx.lock = &lock;
    gst_buffer_list_foreach(list, unprotect_list_item, &ctx);
  }
  GstFlowReturn ret = GST_FLOW_OK;
  if (gst_buffer_list_length(list) > 0) {
    ret = gst_pad_push_list(ctx.on_rtcp_pad ? p.rtcp_src : p.rtp_src, list);
  } else {
    gst_buffer_list_unref(list);
  }
  for (GstBuffer *b : ctx.muxed_rtcp) {
    if (ret == GST_FLOW_OK) {
      ret = push_muxed_rtcp(self, b);
    } else {
      gst_buffer_unref(b);
    }
  }
  return ret;
}

gboolean sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_SRTP_DEC(parent);
  GstRtcSrtpDecPrivate &p = P(self);
  const bool rtcp = pad == p.rtcp_sink;
  GstPad *src = rtcp ? p.rtcp_src : p.rtp_src;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps = nullptr;
      gst_event_parse_caps(event, &caps);
      const gboolean ok = sink_setcaps(self, pad, caps, rtcp);
      gst_event_unref(event);
      return ok;
    }
    case GST_EVENT_SEGMENT:
      // Downstream sees caps before the segment even when upstream sent none.
      if (!gst_pad_has_current_caps(src)) {
        GstCaps *caps = gst_caps_new_empty_simple(rtcp ? "application/x-rtcp" : "application/x-rtp");
        gst_pad_set_caps(src, caps);
        gst_caps_unref(caps);
      }
      break;
    default:
      break;
  }
  return gst_pad_event_default(pad, parent, event);
}

gboolean sink_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_SRTP_DEC(parent);
  GstRtcSrtpDecPrivate &p = P(self);
  if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS) {
    const bool rtcp = pad == p.rtcp_sink;
    return srtp::query_caps_through(pad, rtcp ? p.rtcp_src : p.rtp_src, query,
                                    rtcp ? "application/x-srtcp" : "application/x-srtp",
                                    rtcp ? "application/x-rtcp" : "application/x-rtp", false);
  }
  return gst_pad_query_default(pad, parent, query);
}

GstIterator *iterate_internal_links(GstPad *pad, GstObject *parent) {
  GstRtcSrtpDecPrivate &p = P(GST_RTC_SRTP_DEC(parent));
  GstPad *other = pad == p.rtp_sink    ? p.rtp_src
                  : pad == p.rtp_src   ? p.rtp_sink
                  : pad == p.rtcp_sink ? p.rtcp_src
                                       : p.rtcp_sink;
  GValue v = G_VALUE_INIT;
  g_value_init(&v, GST_TYPE_PAD);
  g_value_set_object(&v, other);
  GstIterator *it = gst_iterator_new_single(GST_TYPE_PAD, &v);
  g_value_unset(&v);
  return it;
}

GstStructure *make_stats(GstRtcSrtpDecPrivate &p) {
  std::lock_guard<std::mutex> guard(p.lock);
  GstStructure *s = gst_structure_new_empty("application/x-srtp-decoder-stats");
  GValue streams = G_VALUE_INIT;
  gst_value_array_init(&streams, static_cast<guint>(p.streams.size()));
  for (auto &[ssrc, stream] : p.streams) {
    const uint32_t roc = stream.engine ? stream.engine->roc(ssrc, false).value_or(stream.keying.roc) : 0;
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(
        &v, gst_structure_new("application/x-srtp-stream", "ssrc", G_TYPE_UINT, ssrc, "roc", G_TYPE_UINT, roc,
                              "recv-count", G_TYPE_UINT, stream.recv_count, "recv-drop-count", G_TYPE_UINT,
                              stream.recv_drop_count, nullptr));
    gst_value_array_append_and_take_value(&streams, &v);
  }
  gst_structure_take_value(s, "streams", &streams);
  gst_structure_set(s, "recv-count", G_TYPE_UINT, p.recv_count, "recv-drop-count", G_TYPE_UINT,
                    p.recv_drop_count, "dropped-auth", G_TYPE_UINT64, p.dropped_auth, "dropped-replay",
                    G_TYPE_UINT64, p.dropped_replay, "dropped-malformed", G_TYPE_UINT64, p.dropped_malformed,
                    "dropped-no-key", G_TYPE_UINT64, p.dropped_no_key, nullptr);
  return s;
}

void clear_keys(GstRtcSrtpDec *self) {
  GstRtcSrtpDecPrivate &p = P(self);
  std::lock_guard<std::mutex> guard(p.lock);
  p.streams.clear();
  p.warned.clear();
}

void remove_key(GstRtcSrtpDec *self, guint ssrc) {
  GstRtcSrtpDecPrivate &p = P(self);
  std::lock_guard<std::mutex> guard(p.lock);
  p.streams.erase(ssrc);
  p.warned.erase(ssrc);
}

void set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  GstRtcSrtpDecPrivate &p = P(GST_RTC_SRTP_DEC(object));
  if (prop_id != PROP_REPLAY_WINDOW_SIZE) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  std::lock_guard<std::mutex> guard(p.lock);
  p.replay_window = g_value_get_uint(value);
}

void get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  GstRtcSrtpDecPrivate &p = P(GST_RTC_SRTP_DEC(object));
  switch (prop_id) {
    case PROP_REPLAY_WINDOW_SIZE: {
      std::lock_guard<std::mutex> guard(p.lock);
      g_value_set_uint(value, p.replay_window);
      break;
    }
    case PROP_STATS:
      g_value_take_boxed(value, make_stats(p));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

GstStateChangeReturn change_state(GstElement *element, GstStateChange transition) {
  auto *self = GST_RTC_SRTP_DEC(element);
  GstRtcSrtpDecPrivate &p = P(self);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    std::lock_guard<std::mutex> guard(p.lock);
    p.recv_count = p.recv_drop_count = 0;
    p.dropped_auth = p.dropped_replay = p.dropped_malformed = p.dropped_no_key = 0;
  }
  const GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_rtc_srtp_dec_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    // Like srtpdec: streams (and keys from caps) belong to one run.
    std::lock_guard<std::mutex> guard(p.lock);
    p.streams.clear();
    p.any_ssrc.reset();
    p.warned.clear();
  }
  return ret;
}

void finalize(GObject *object) {
  auto *self = GST_RTC_SRTP_DEC(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_rtc_srtp_dec_parent_class)->finalize(object);
}

GstPad *add_pad(GstRtcSrtpDec *self, GstStaticPadTemplate *templ, const char *name, bool sink) {
  GstPad *pad = gst_pad_new_from_static_template(templ, name);
  gst_pad_set_iterate_internal_links_function(pad, GST_DEBUG_FUNCPTR(iterate_internal_links));
  if (sink) {
    gst_pad_set_chain_function(pad, GST_DEBUG_FUNCPTR(chain));
    gst_pad_set_chain_list_function(pad, GST_DEBUG_FUNCPTR(chain_list));
    gst_pad_set_event_function(pad, GST_DEBUG_FUNCPTR(sink_event));
    gst_pad_set_query_function(pad, GST_DEBUG_FUNCPTR(sink_query));
  }
  gst_element_add_pad(GST_ELEMENT(self), pad);
  return pad;
}

}  // namespace

static void gst_rtc_srtp_dec_class_init(GstRtcSrtpDecClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  gobject_class->finalize = finalize;
  element_class->change_state = GST_DEBUG_FUNCPTR(change_state);

  /**
   * GstRtcSrtpDec:replay-window-size:
   *
   * Replay window (packets) of streams keyed from now on.
   */
  g_object_class_install_property(
      gobject_class, PROP_REPLAY_WINDOW_SIZE,
      g_param_spec_uint("replay-window-size", "Replay window size",
                        "Size of the replay protection window in packets (streams keyed afterwards)", 64,
                        0x8000, kDefaultReplayWindow,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcSrtpDec:stats:
   *
   * `application/x-srtp-decoder-stats` as srtpdec's: `streams` (array of
   * `application/x-srtp-stream`: `ssrc`, `roc`, `recv-count`,
   * `recv-drop-count`), `recv-count`, `recv-drop-count`; plus why packets
   * were dropped: `dropped-auth`, `dropped-replay`, `dropped-malformed`,
   * `dropped-no-key`.
   */
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics",
                         "streams (ssrc, roc, recv-count, recv-drop-count), recv-count, recv-drop-count, "
                         "dropped-auth, dropped-replay, dropped-malformed, dropped-no-key",
                         gst_structure_get_type(), GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  /**
   * GstRtcSrtpDec::request-key:
   * @dec: the element
   * @ssrc: the SSRC without a key
   *
   * Emitted from the streaming thread for an SSRC that neither the sink caps
   * nor an earlier answer keyed. Return caps carrying `srtp-key`,
   * `srtp-cipher`, `srtp-auth`, `srtcp-cipher`, `srtcp-auth` (and optionally
   * `roc`), or NULL to drop that SSRC's packets (reported once with a warning
   * message, counted in `dropped-no-key`).
   *
   * Returns: (transfer full) (nullable): the keying caps
   */
  signals[SIGNAL_REQUEST_KEY] = g_signal_new("request-key", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                             nullptr, nullptr, nullptr, gst_caps_get_type(), 1, G_TYPE_UINT);
  /**
   * GstRtcSrtpDec::clear-keys:
   * @dec: the element
   *
   * Forgets every per-SSRC key; the next packet of each SSRC is keyed again
   * (sink caps without `ssrc`, else request-key).
   */
  signals[SIGNAL_CLEAR_KEYS] = g_signal_new_class_handler(
      "clear-keys", G_TYPE_FROM_CLASS(klass), GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(clear_keys), nullptr, nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcSrtpDec::remove-key:
   * @dec: the element
   * @ssrc: the SSRC to forget
   *
   * Forgets the key of one SSRC.
   */
  signals[SIGNAL_REMOVE_KEY] = g_signal_new_class_handler(
      "remove-key", G_TYPE_FROM_CLASS(klass), GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(remove_key), nullptr, nullptr, nullptr, G_TYPE_NONE, 1, G_TYPE_UINT);

  gst_element_class_add_static_pad_template(element_class, &rtp_sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtp_src_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_src_template);
  gst_element_class_set_static_metadata(
      element_class, "SRTP decoder (static keys)", "Filter/Network/SRTP",
      "Verifies and decrypts SRTP/SRTCP with keys from caps or the request-key "
      "signal (SDES/SIP); srtpdec compatible",
      "gst-rtc");
}

static void gst_rtc_srtp_dec_init(GstRtcSrtpDec *self) {
  self->priv = new GstRtcSrtpDecPrivate();
  GstRtcSrtpDecPrivate &p = P(self);
  p.rtp_sink = add_pad(self, &rtp_sink_template, "rtp_sink", true);
  p.rtp_src = add_pad(self, &rtp_src_template, "rtp_src", false);
  p.rtcp_sink = add_pad(self, &rtcp_sink_template, "rtcp_sink", true);
  p.rtcp_src = add_pad(self, &rtcp_src_template, "rtcp_src", false);
}
