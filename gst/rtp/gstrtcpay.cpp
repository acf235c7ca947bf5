/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcpay
 * @title: rtcpay
 *
 * Payloads encoded media into RTP the way WebRTC wants it, choosing the
 * payloader from the sink caps: H.264, H.265, VP8, VP9 and G.711 through the
 * gst-plugins-good payloaders, AV1 through our own (AOM "RTP Payload Format
 * for AV1"), Opus through rtpopuspay. The payloader is built when the caps
 * arrive; before that, caps queries answer with every supported format
 * (narrowed to the encoding-names downstream accepts).
 *
 * WebRTC settings: a 1200-byte MTU, SPS/PPS (and VPS) before every H.264 /
 * H.265 keyframe with parameter sets aggregated into the keyframe's STAP,
 * 15-bit picture-ids for VP8/VP9, 20 ms G.711 packets.
 *
 * Caps no codec of the table matches fail negotiation with an error message
 * in the #GST_RTC_ERROR domain (%GST_RTC_ERROR_NOT_SUPPORTED) naming them.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! x264enc tune=zerolatency ! rtcpay pt=102 ! udpsink host=127.0.0.1 port=5004
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcpay.h"

#include <gst/rtc/rtc.h>
#include <gst/rtp/rtp.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "gstrtcav1pay.h"
#include "param-sets.h"
#include "rtp-codecs.h"

GST_DEBUG_CATEGORY(gst_rtc_pay_debug);
#define GST_CAT_DEFAULT gst_rtc_pay_debug

using gst_rtc::rtp::Codec;
using gst_rtc::rtp::CodecInfo;

namespace {

constexpr guint kDefaultMtu = 1200;
constexpr gint kDefaultPt = -1;
constexpr guint kRandomSsrc = G_MAXUINT;
constexpr gint kRandomSeqnumOffset = -1;
constexpr guint kRandomTimestampOffset = G_MAXUINT;
// RFC 8285 one-byte header extension ids run 1..14.
constexpr guint kMaxExtensionId = 14;

enum {
  PROP_0,
  PROP_MTU,
  PROP_PT,
  PROP_SSRC,
  PROP_SEQNUM_OFFSET,
  PROP_TIMESTAMP_OFFSET,
  PROP_DTX,
  PROP_MID,
  PROP_MID_EXTENSION_ID,
  PROP_ENCODING_NAME,
};

struct Settings {
  guint mtu = kDefaultMtu;
  gint pt = kDefaultPt;
  guint ssrc = kRandomSsrc;
  gint seqnum_offset = kRandomSeqnumOffset;
  guint timestamp_offset = kRandomTimestampOffset;
  bool dtx = false;
  std::string mid;
  guint mid_extension_id = 0;
};

}  // namespace

struct GstRtcPayPrivate {
  std::mutex lock;
  Settings settings;
  GstPad *sinkpad = nullptr;  // ghost pads, owned by the element
  GstPad *srcpad = nullptr;
  GstElement *payloader = nullptr;  // in the bin; a ref of our own too
  const CodecInfo *codec = nullptr;
  // H.264/H.265 byte-stream: parameter sets before keyframes (streaming
  // thread only, like the two fields after it).
  std::unique_ptr<gst_rtc::rtp::ParameterSetInserter> inserter;
  bool nal_aligned = false;
  GstClockTime last_pts = GST_CLOCK_TIME_NONE;
};

struct _GstRtcPay {
  GstBin parent;
  GstRtcPayPrivate *priv;
};

#define gst_rtc_pay_parent_class parent_class
G_DEFINE_TYPE(GstRtcPay, gst_rtc_pay, GST_TYPE_BIN)
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE(rtcpay, "rtcpay", GST_RANK_NONE, GST_TYPE_RTC_PAY,
                                      GST_DEBUG_CATEGORY_INIT(gst_rtc_pay_debug, "rtcpay", 0,
                                                              "WebRTC RTP payloader"));

// Pushes the settings onto the payloader (at creation and on every change).
static void apply_settings(GstRtcPay *self, GstElement *payloader, const CodecInfo *codec) {
  Settings s;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    s = self->priv->settings;
  }
  // The base payloader adds header extensions after the payloader filled
  // the packet to its MTU: leave room for the MID (RFC 8285 header, element
  // header, value, padding to 32 bits).
  guint mtu = s.mtu;
  if (s.mid_extension_id && !s.mid.empty()) {
    const guint overhead = 4 + ((2 + guint(s.mid.size()) + 3) & ~3u);
    mtu = mtu > overhead + 64 ? mtu - overhead : 64;
  }
  g_object_set(payloader, "mtu", mtu, "pt", guint(s.pt >= 0 ? s.pt : codec->default_pt), nullptr);
  g_object_set(payloader, "ssrc", s.ssrc, "seqnum-offset", s.seqnum_offset, "timestamp-offset",
               s.timestamp_offset, nullptr);
  if (codec->codec == Codec::OPUS) g_object_set(payloader, "dtx", gboolean(s.dtx), nullptr);
}

static void add_mid_extension(GstRtcPay *self, GstElement *payloader) {
  std::string mid;
  guint id;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    mid = self->priv->settings.mid;
    id = self->priv->settings.mid_extension_id;
  }
  if (id == 0 || mid.empty()) return;
  GstRTPHeaderExtension *ext =
      gst_rtp_header_extension_create_from_uri("urn:ietf:params:rtp-hdrext:sdes:mid");
  if (!ext) {
    GST_RTC_RTP_WARNING(self, GST_RTC_ERROR_NOT_SUPPORTED,
                        "rtcpay: no RTP header extension for the MID (rtphdrextmid, gst-plugins-good)");
    return;
  }
  gst_rtp_header_extension_set_id(ext, id);
  g_object_set(ext, "mid", mid.c_str(), nullptr);
  g_signal_emit_by_name(payloader, "add-extension", ext);
  gst_object_unref(ext);
}

static GstElement *make_payloader(GstRtcPay *self, const CodecInfo *codec) {
  GstElement *payloader = codec->payloader ? gst_element_factory_make(codec->payloader, nullptr)
                                           : GST_ELEMENT(g_object_new(GST_TYPE_RTC_AV1_PAY, nullptr));
  if (!payloader) return nullptr;
  apply_settings(self, payloader, codec);
  switch (codec->codec) {
    case Codec::H264:
    case Codec::H265:
      // Parameter sets aggregated with what follows them (a STAP/AP
      // in front of the keyframe); config-interval is set per caps.
      gst_util_set_object_arg(G_OBJECT(payloader), "aggregate-mode", "zero-latency");
      break;
    case Codec::VP8:
    case Codec::VP9:
      gst_util_set_object_arg(G_OBJECT(payloader), "picture-id-mode", "15-bit");
      break;
    case Codec::PCMU:
    case Codec::PCMA:
      // 20 ms packets (160 samples), what WebRTC endpoints send and expect.
      g_object_set(payloader, "min-ptime", gint64(20 * GST_MSECOND), "max-ptime", gint64(20 * GST_MSECOND),
                   nullptr);
      break;
    default:
      break;
  }
  add_mid_extension(self, payloader);
  return payloader;
}

static GstPadProbeReturn parameter_set_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user_data) {
  auto *self = GST_RTC_PAY(user_data);
  GstRtcPayPrivate *p = self->priv;
  if (!p->inserter) return GST_PAD_PROBE_OK;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  // alignment=au: each buffer is an access unit; nal: one starts with a
  // new timestamp.
  if (!p->nal_aligned || GST_BUFFER_PTS(buffer) != p->last_pts) p->inserter->new_access_unit();
  p->last_pts = GST_BUFFER_PTS(buffer);
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return GST_PAD_PROBE_OK;
  auto rewritten = p->inserter->process({map.data, map.size});
  gst_buffer_unmap(buffer, &map);
  if (!rewritten) return GST_PAD_PROBE_OK;
  GST_LOG_OBJECT(self, "parameter sets inserted before the keyframe at %" GST_TIME_FORMAT,
                 GST_TIME_ARGS(GST_BUFFER_PTS(buffer)));
  GstBuffer *out = gst_buffer_new_memdup(rewritten->data(), rewritten->size());
  gst_buffer_copy_into(
      out, buffer,
      GstBufferCopyFlags(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_META), 0, -1);
  gst_buffer_unref(buffer);
  GST_PAD_PROBE_INFO_DATA(info) = out;
  return GST_PAD_PROBE_OK;
}

// SPS/PPS (and VPS) before every keyframe, once per access unit. In
// byte-stream we insert them ourselves (param-sets.h says why not
// config-interval=-1); avc/hvc1 carry them out of band, in codec_data,
// so there the payloader's config-interval=-1 writes them.
static void configure_parameter_sets(GstRtcPay *self, const CodecInfo *codec, const GstStructure *s) {
  GstRtcPayPrivate *p = self->priv;
  if (codec->codec != Codec::H264 && codec->codec != Codec::H265) {
    p->inserter.reset();
    return;
  }
  const char *format = gst_structure_get_string(s, "stream-format");
  const bool byte_stream = !format || g_str_equal(format, "byte-stream");
  const char *alignment = gst_structure_get_string(s, "alignment");
  p->nal_aligned = alignment && g_str_equal(alignment, "nal");
  p->last_pts = GST_CLOCK_TIME_NONE;
  if (byte_stream) {
    if (!p->inserter)
      p->inserter = std::make_unique<gst_rtc::rtp::ParameterSetInserter>(codec->codec == Codec::H265);
  } else {
    p->inserter.reset();
  }
  g_object_set(p->payloader, "config-interval", byte_stream ? 0 : -1, nullptr);
}

static void remove_payloader(GstRtcPay *self) {
  GstElement *old;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    old = std::exchange(self->priv->payloader, nullptr);
    self->priv->codec = nullptr;
  }
  if (!old) return;
  self->priv->inserter.reset();
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->sinkpad), nullptr);
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->srcpad), nullptr);
  gst_element_set_state(old, GST_STATE_NULL);
  gst_bin_remove(GST_BIN(self), old);
  gst_object_unref(old);
  g_object_notify(G_OBJECT(self), "encoding-name");
}

static bool unsupported(GstRtcPay *self, GstCaps *caps, const char *why) {
  gchar *text = gst_caps_to_string(caps);
  std::string message = std::string("rtcpay cannot payload ") + text + ": " + why;
  g_free(text);
  GST_RTC_RTP_ERROR(self, GST_RTC_ERROR_NOT_SUPPORTED, message.c_str());
  return false;
}

// Builds (or keeps) the payloader for `caps`. Runs in the streaming thread
// on the CAPS event, before the event goes on to the payloader.
static bool setup_payloader(GstRtcPay *self, GstCaps *caps) {
  if (gst_caps_get_size(caps) != 1) return unsupported(self, caps, "caps are not fixed");
  const GstStructure *s = gst_caps_get_structure(caps, 0);
  const CodecInfo *codec = gst_rtc::rtp::codec_for_media(s);
  if (!codec) return unsupported(self, caps, "not a supported encoding (see docs/rtp.md)");
  GstCaps *accepted = gst_rtc::rtp::media_caps_for(codec->codec);
  const bool fits = gst_caps_can_intersect(caps, accepted);
  gst_caps_unref(accepted);
  if (!fits)
    return unsupported(self, caps, "this stream-format, alignment, rate or channel count is not supported");

  if (self->priv->codec == codec) {
    configure_parameter_sets(self, codec, s);
    return true;
  }
  remove_payloader(self);
  GstElement *payloader = make_payloader(self, codec);
  if (!payloader) {
    std::string why = std::string("the payloader ") + codec->payloader + " is missing (gst-plugins-good)";
    return unsupported(self, caps, why.c_str());
  }
  GST_INFO_OBJECT(self, "payloading %s with %s", codec->encoding_name, GST_OBJECT_NAME(payloader));
  gst_object_ref(payloader);
  gst_bin_add(GST_BIN(self), payloader);
  GstPad *sink = gst_element_get_static_pad(payloader, "sink");
  GstPad *src = gst_element_get_static_pad(payloader, "src");
  if (codec->codec == Codec::H264 || codec->codec == Codec::H265)
    gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, parameter_set_probe, self, nullptr);
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->srcpad), src);
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->sinkpad), sink);
  gst_object_unref(sink);
  gst_object_unref(src);
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    self->priv->payloader = payloader;
    self->priv->codec = codec;
  }
  configure_parameter_sets(self, codec, s);
  gst_element_sync_state_with_parent(payloader);
  g_object_notify(G_OBJECT(self), "encoding-name");
  return true;
}

static gboolean sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_PAY(parent);
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps(event, &caps);
    if (!setup_payloader(self, caps)) {
      gst_event_unref(event);
      return FALSE;
    }
    gst_event_ref(event);
    gboolean ok = gst_pad_event_default(pad, parent, event);
    // A refused sticky event still reports success: the target's caps tell.
    GstPad *target = gst_ghost_pad_get_target(GST_GHOST_PAD(pad));
    if (target) {
      GstCaps *current = gst_pad_get_current_caps(target);
      ok = ok && current && gst_caps_is_equal(current, caps);
      if (current) gst_caps_unref(current);
      gst_object_unref(target);
    }
    if (!ok) {
      // The payloader refused what its template allows (e.g. H.264 caps
      // without codec_data in avc): still a typed error of ours.
      unsupported(self, caps, "the payloader refused these caps");
    }
    gst_event_unref(event);
    return ok;
  }
  return gst_pad_event_default(pad, parent, event);
}

// The sink caps allowed by downstream: only the codecs whose encoding-name
// it accepts (all when it does not say).
static GstCaps *downstream_media_caps(GstRtcPay *self) {
  GstCaps *all = gst_rtc::rtp::pay_sink_caps();
  GstCaps *rtp_template = gst_rtc::rtp::pay_src_caps();
  GstCaps *peer = gst_pad_peer_query_caps(self->priv->srcpad, rtp_template);
  gst_caps_unref(rtp_template);
  if (gst_caps_is_any(peer)) {
    gst_caps_unref(peer);
    return all;
  }
  GstCaps *result = gst_caps_new_empty();
  bool named = true;
  for (guint i = 0; i < gst_caps_get_size(peer) && named; ++i) {
    const GstStructure *s = gst_caps_get_structure(peer, i);
    const GValue *names = gst_structure_get_value(s, "encoding-name");
    if (!names) {
      named = false;
      break;
    }
    auto add = [&](const char *name) {
      const CodecInfo *c = gst_rtc::rtp::codec_for_encoding_name(name);
      if (c && c->media_type) result = gst_caps_merge(result, gst_rtc::rtp::media_caps_for(c->codec));
    };
    if (G_VALUE_HOLDS_STRING(names)) {
      add(g_value_get_string(names));
    } else if (GST_VALUE_HOLDS_LIST(names)) {
      for (guint j = 0; j < gst_value_list_get_size(names); ++j) {
        const GValue *v = gst_value_list_get_value(names, j);
        if (G_VALUE_HOLDS_STRING(v)) add(g_value_get_string(v));
      }
    } else {
      named = false;
    }
  }
  gst_caps_unref(peer);
  if (!named) {
    gst_caps_unref(result);
    return all;
  }
  gst_caps_unref(all);
  return gst_caps_simplify(result);
}

static gboolean sink_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_PAY(parent);
  bool have_payloader;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    have_payloader = self->priv->payloader != nullptr;
  }
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_CAPS: {
      if (have_payloader) break;
      GstCaps *filter;
      gst_query_parse_caps(query, &filter);
      GstCaps *caps = downstream_media_caps(self);
      if (filter) {
        GstCaps *tmp = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref(caps);
        caps = tmp;
      }
      gst_query_set_caps_result(query, caps);
      gst_caps_unref(caps);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:
      // Everything is accepted here so that the CAPS event reaches us and
      // unsupported caps fail with our typed error, not a bare
      // not-negotiated from upstream. The caps query says what works.
      gst_query_set_accept_caps_result(query, TRUE);
      return TRUE;
    default:
      break;
  }
  return gst_pad_query_default(pad, parent, query);
}

static gboolean src_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_PAY(parent);
  bool have_payloader;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    have_payloader = self->priv->payloader != nullptr;
  }
  if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS && !have_payloader) {
    GstCaps *filter;
    gst_query_parse_caps(query, &filter);
    GstCaps *caps = gst_rtc::rtp::pay_src_caps();
    if (filter) {
      GstCaps *tmp = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
      gst_caps_unref(caps);
      caps = tmp;
    }
    gst_query_set_caps_result(query, caps);
    gst_caps_unref(caps);
    return TRUE;
  }
  return gst_pad_query_default(pad, parent, query);
}

static void gst_rtc_pay_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_PAY(object);
  GstElement *payloader = nullptr;
  const CodecInfo *codec = nullptr;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    Settings &s = self->priv->settings;
    switch (prop_id) {
      case PROP_MTU:
        s.mtu = g_value_get_uint(value);
        break;
      case PROP_PT:
        s.pt = g_value_get_int(value);
        break;
      case PROP_SSRC:
        s.ssrc = g_value_get_uint(value);
        break;
      case PROP_SEQNUM_OFFSET:
        s.seqnum_offset = g_value_get_int(value);
        break;
      case PROP_TIMESTAMP_OFFSET:
        s.timestamp_offset = g_value_get_uint(value);
        break;
      case PROP_DTX:
        s.dtx = g_value_get_boolean(value);
        break;
      case PROP_MID: {
        const char *mid = g_value_get_string(value);
        s.mid = mid ? mid : "";
        break;
      }
      case PROP_MID_EXTENSION_ID:
        s.mid_extension_id = g_value_get_uint(value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
        return;
    }
    if (self->priv->payloader) {
      payloader = GST_ELEMENT(gst_object_ref(self->priv->payloader));
      codec = self->priv->codec;
    }
  }
  // A running payloader follows (the MID extension only at creation).
  if (payloader) {
    if (prop_id != PROP_MID && prop_id != PROP_MID_EXTENSION_ID) apply_settings(self, payloader, codec);
    gst_object_unref(payloader);
  }
}

static void gst_rtc_pay_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_PAY(object);
  std::lock_guard<std::mutex> guard(self->priv->lock);
  const Settings &s = self->priv->settings;
  switch (prop_id) {
    case PROP_MTU:
      g_value_set_uint(value, s.mtu);
      break;
    case PROP_PT:
      g_value_set_int(value, s.pt);
      break;
    case PROP_SSRC:
      // Once payloading, the SSRC in use (the random one when unset).
      g_value_set_uint(value, s.ssrc);
      if (self->priv->payloader && s.ssrc == kRandomSsrc) {
        GstStructure *stats = nullptr;
        guint ssrc = 0;
        g_object_get(self->priv->payloader, "stats", &stats, nullptr);
        if (stats && gst_structure_get_uint(stats, "ssrc", &ssrc)) g_value_set_uint(value, ssrc);
        if (stats) gst_structure_free(stats);
      }
      break;
    case PROP_SEQNUM_OFFSET:
      g_value_set_int(value, s.seqnum_offset);
      break;
    case PROP_TIMESTAMP_OFFSET:
      g_value_set_uint(value, s.timestamp_offset);
      break;
    case PROP_DTX:
      g_value_set_boolean(value, s.dtx);
      break;
    case PROP_MID:
      g_value_set_string(value, s.mid.empty() ? nullptr : s.mid.c_str());
      break;
    case PROP_MID_EXTENSION_ID:
      g_value_set_uint(value, s.mid_extension_id);
      break;
    case PROP_ENCODING_NAME:
      g_value_set_string(value, self->priv->codec ? self->priv->codec->encoding_name : nullptr);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_rtc_pay_dispose(GObject *object) {
  auto *self = GST_RTC_PAY(object);
  if (self->priv->payloader) {
    gst_object_unref(self->priv->payloader);
    self->priv->payloader = nullptr;
  }
  G_OBJECT_CLASS(parent_class)->dispose(object);
}

static void gst_rtc_pay_finalize(GObject *object) {
  delete GST_RTC_PAY(object)->priv;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static void gst_rtc_pay_class_init(GstRtcPayClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = gst_rtc_pay_set_property;
  gobject_class->get_property = gst_rtc_pay_get_property;
  gobject_class->dispose = gst_rtc_pay_dispose;
  gobject_class->finalize = gst_rtc_pay_finalize;
  const auto rw = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  const auto rw_ready = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcPay:mtu:
   *
   * Largest RTP packet written, RTP header included. 1200 leaves room for
   * SRTP, TURN and IPv6 headers under a 1280-byte path MTU.
   */
  g_object_class_install_property(
      gobject_class, PROP_MTU,
      g_param_spec_uint("mtu", "MTU", "Largest RTP packet in bytes, RTP header included", 28, G_MAXUINT16,
                        kDefaultMtu, rw));
  /**
   * GstRtcPay:pt:
   *
   * RTP payload type. -1 takes the codec's default: 96 for H.264, H.265,
   * VP8, VP9 and AV1, 111 for Opus, 0 for PCMU, 8 for PCMA.
   */
  g_object_class_install_property(
      gobject_class, PROP_PT,
      g_param_spec_int("pt", "Payload type",
                       "RTP payload type (-1: codec default, 96 video, 111 Opus, 0 PCMU, 8 PCMA)", -1, 127,
                       kDefaultPt, rw));
  /**
   * GstRtcPay:ssrc:
   *
   * RTP SSRC. 4294967295 (the default) picks a random one; reading the
   * property while payloading gives the SSRC in use.
   */
  g_object_class_install_property(
      gobject_class, PROP_SSRC,
      g_param_spec_uint("ssrc", "SSRC", "RTP SSRC (4294967295: random); while payloading, the SSRC in use", 0,
                        G_MAXUINT, kRandomSsrc, rw));
  /**
   * GstRtcPay:seqnum-offset:
   *
   * First RTP sequence number; -1 (the default) picks a random one.
   */
  g_object_class_install_property(
      gobject_class, PROP_SEQNUM_OFFSET,
      g_param_spec_int("seqnum-offset", "Sequence number offset", "First RTP sequence number (-1: random)",
                       -1, G_MAXUINT16, kRandomSeqnumOffset, rw_ready));
  /**
   * GstRtcPay:timestamp-offset:
   *
   * RTP timestamp of running time 0; 4294967295 (the default) picks a
   * random one.
   */
  g_object_class_install_property(
      gobject_class, PROP_TIMESTAMP_OFFSET,
      g_param_spec_uint("timestamp-offset", "Timestamp offset", "RTP timestamp offset (4294967295: random)",
                        0, G_MAXUINT, kRandomTimestampOffset, rw_ready));
  /**
   * GstRtcPay:dtx:
   *
   * Opus only: do not send the tiny packets an encoder with DTX writes for
   * silence (RFC 7587 discontinuous transmission).
   */
  g_object_class_install_property(
      gobject_class, PROP_DTX,
      g_param_spec_boolean("dtx", "DTX", "Opus: drop the packets an encoder with DTX writes for silence",
                           FALSE, rw));
  /**
   * GstRtcPay:mid:
   *
   * The media id (SDP `a=mid`) written into every packet as the RFC 8843
   * MID header extension when #GstRtcPay:mid-extension-id is set. Read
   * when the payloader is built (on caps).
   */
  g_object_class_install_property(
      gobject_class, PROP_MID,
      g_param_spec_string("mid", "MID", "Media id written as the RFC 8843 MID header extension", nullptr,
                          rw_ready));
  /**
   * GstRtcPay:mid-extension-id:
   *
   * The RFC 8285 one-byte header extension id (1-14) negotiated for
   * `urn:ietf:params:rtp-hdrext:sdes:mid`; 0 (the default) writes no MID.
   */
  g_object_class_install_property(gobject_class, PROP_MID_EXTENSION_ID,
                                  g_param_spec_uint("mid-extension-id", "MID extension id",
                                                    "RTP header extension id of the MID (1-14; 0: none)", 0,
                                                    kMaxExtensionId, 0, rw_ready));
  /**
   * GstRtcPay:encoding-name:
   *
   * The RTP encoding-name being payloaded (e.g. "H264"), NULL before caps.
   */
  g_object_class_install_property(
      gobject_class, PROP_ENCODING_NAME,
      g_param_spec_string("encoding-name", "Encoding name", "RTP encoding-name in use (NULL before caps)",
                          nullptr, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_rtc::rtp::add_pad_templates(element_class, gst_rtc::rtp::pay_sink_caps(), gst_rtc::rtp::pay_src_caps());
  gst_element_class_set_static_metadata(
      element_class, "WebRTC RTP payloader", "Codec/Payloader/Network/RTP/WebRTC",
      "Payloads H.264, H.265, VP8, VP9, AV1, Opus and G.711 into RTP for WebRTC, "
      "choosing the payloader by caps",
      "gst-rtc");
}

static void gst_rtc_pay_init(GstRtcPay *self) {
  self->priv = new GstRtcPayPrivate();
  gst_rtc::rtp::add_ghost_pads(GST_ELEMENT(self), sink_event, sink_query, src_query, &self->priv->sinkpad,
                               &self->priv->srcpad);
}
