/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcdepay
 * @title: rtcdepay
 *
 * Depayloads WebRTC RTP into encoded media, choosing the depayloader from
 * the caps' `encoding-name`: H.264 and H.265 (byte-stream, one access unit
 * per buffer), VP8, VP9, Opus, PCMU and PCMA through the gst-plugins-good
 * depayloaders, AV1 through our own (obu-stream, one temporal unit per
 * buffer, temporal delimiters and obu_size fields restored).
 *
 * TELEPHONE-EVENT (RFC 4733 DTMF) is depayloaded to audio by rtpdtmfdepay
 * and, what an application usually wants, reported as `dtmf-event` element
 * messages on the bus (see docs/rtp.md): `type` (1), `number` (0-15),
 * `volume` (dBm0 below 0, 0-63), `method` (1: RTP), `duration` (ms so far),
 * `end` (TRUE once the sender marked the event ended), `rtp-timestamp`.
 * One message when an event starts, one when it ends.
 *
 * Caps no depayloader matches fail negotiation with an error message in the
 * #GST_RTC_ERROR domain (%GST_RTC_ERROR_NOT_SUPPORTED) naming them.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 udpsrc port=5004
 * caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rtpjitterbuffer !
 * rtcdepay ! vp8dec ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcdepay.h"

#include <gst/rtc/rtc.h>
#include <gst/rtp/rtp.h>

#include <mutex>
#include <string>
#include <vector>

#include "gstrtcav1pay.h"
#include "rtp-codecs.h"

GST_DEBUG_CATEGORY(gst_rtc_depay_debug);
#define GST_CAT_DEFAULT gst_rtc_depay_debug

using gst_rtc::rtp::Codec;
using gst_rtc::rtp::CodecInfo;

namespace {

enum {
  PROP_0,
  PROP_REQUEST_KEYFRAME,
  PROP_ENCODING_NAME,
};

// RFC 4733 event state, touched only by the streaming thread.
struct DtmfState {
  bool have_event = false;
  guint32 timestamp = 0;
  bool end_reported = false;
  gint clock_rate = 8000;
};

}  // namespace

struct GstRtcDepayPrivate {
  std::mutex lock;
  bool request_keyframe = true;
  GstPad *sinkpad = nullptr;
  GstPad *srcpad = nullptr;
  std::vector<GstElement *> chain;  // depayloader first; refs of our own
  const CodecInfo *codec = nullptr;
  DtmfState dtmf;
};

struct _GstRtcDepay {
  GstBin parent;
  GstRtcDepayPrivate *priv;
};

#define gst_rtc_depay_parent_class parent_class
G_DEFINE_TYPE(GstRtcDepay, gst_rtc_depay, GST_TYPE_BIN)
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE(rtcdepay, "rtcdepay", GST_RANK_NONE, GST_TYPE_RTC_DEPAY,
                                      GST_DEBUG_CATEGORY_INIT(gst_rtc_depay_debug, "rtcdepay", 0,
                                                              "WebRTC RTP depayloader"));

static bool has_chain(GstRtcDepay *self) {
  std::lock_guard<std::mutex> guard(self->priv->lock);
  return !self->priv->chain.empty();
}

static void post_dtmf_event(GstRtcDepay *self, guint number, guint volume, guint duration, bool end,
                            guint32 timestamp, gint clock_rate) {
  const guint duration_ms = clock_rate > 0 ? guint(guint64(duration) * 1000 / guint64(clock_rate)) : 0;
  GstStructure *s = gst_structure_new("dtmf-event", "type", G_TYPE_INT, 1, "number", G_TYPE_INT, gint(number),
                                      "volume", G_TYPE_INT, gint(volume), "method", G_TYPE_INT, 1, "duration",
                                      G_TYPE_UINT, duration_ms, "end", G_TYPE_BOOLEAN, gboolean(end),
                                      "rtp-timestamp", G_TYPE_UINT, timestamp, nullptr);
  GST_DEBUG_OBJECT(self, "DTMF event %u, volume %u, %u ms%s", number, volume, duration_ms,
                   end ? ", end" : "");
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

// One telephone-event packet (RFC 4733 section 2.3): an event starts with a
// new RTP timestamp; the end bit is sent (usually three times) when it ends.
static void handle_dtmf_packet(GstRtcDepay *self, GstBuffer *buffer) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp)) return;
  const guint len = gst_rtp_buffer_get_payload_len(&rtp);
  const guint8 *p = static_cast<const guint8 *>(gst_rtp_buffer_get_payload(&rtp));
  const guint32 ts = gst_rtp_buffer_get_timestamp(&rtp);
  if (len < 4) {
    gst_rtp_buffer_unmap(&rtp);
    GST_RTC_RTP_WARNING(self, GST_RTC_ERROR_SYNTAX, "rtcdepay: telephone-event payload shorter than 4 bytes");
    return;
  }
  const guint event = p[0];
  const bool end = p[1] & 0x80;
  const guint volume = p[1] & 0x3f;
  const guint duration = (guint(p[2]) << 8) | p[3];
  gst_rtp_buffer_unmap(&rtp);
  if (event > 15) return;  // not a DTMF digit (RFC 4733 section 3.2); rtpdtmfdepay ignores it too

  DtmfState &st = self->priv->dtmf;
  if (!st.have_event || ts != st.timestamp) {
    st.have_event = true;
    st.timestamp = ts;
    st.end_reported = end;
    post_dtmf_event(self, event, volume, duration, end, ts, st.clock_rate);
  } else if (end && !st.end_reported) {
    st.end_reported = true;
    post_dtmf_event(self, event, volume, duration, true, ts, st.clock_rate);
  }
}

static GstPadProbeReturn dtmf_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user_data) {
  auto *self = GST_RTC_DEPAY(user_data);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    handle_dtmf_packet(self, GST_PAD_PROBE_INFO_BUFFER(info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
    for (guint i = 0; i < gst_buffer_list_length(list); ++i)
      handle_dtmf_packet(self, gst_buffer_list_get(list, i));
  }
  return GST_PAD_PROBE_OK;
}

static void remove_chain(GstRtcDepay *self) {
  std::vector<GstElement *> chain;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    chain.swap(self->priv->chain);
    self->priv->codec = nullptr;
  }
  if (chain.empty()) return;
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->sinkpad), nullptr);
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->srcpad), nullptr);
  for (GstElement *e : chain) {
    gst_element_set_state(e, GST_STATE_NULL);
    gst_bin_remove(GST_BIN(self), e);
    gst_object_unref(e);
  }
  g_object_notify(G_OBJECT(self), "encoding-name");
}

static bool unsupported(GstRtcDepay *self, GstCaps *caps, const char *why) {
  gchar *text = gst_caps_to_string(caps);
  std::string message = std::string("rtcdepay cannot depayload ") + text + ": " + why;
  g_free(text);
  GST_RTC_RTP_ERROR(self, GST_RTC_ERROR_NOT_SUPPORTED, message.c_str());
  return false;
}

static std::vector<GstElement *> make_chain(GstRtcDepay *self, const CodecInfo *codec) {
  std::vector<GstElement *> chain;
  GstElement *depay = codec->depayloader ? gst_element_factory_make(codec->depayloader, nullptr)
                                         : GST_ELEMENT(g_object_new(GST_TYPE_RTC_AV1_DEPAY, nullptr));
  if (!depay) return chain;
  chain.push_back(GST_ELEMENT(gst_object_ref_sink(depay)));
  bool request_keyframe;
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    request_keyframe = self->priv->request_keyframe;
  }
  // On loss, a force-key-unit upstream: rtpbin turns it into a PLI.
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(depay), "request-keyframe"))
    g_object_set(depay, "request-keyframe", gboolean(request_keyframe), nullptr);
  if (codec->codec == Codec::H264 || codec->codec == Codec::H265) {
    // Whole access units in byte-stream: what decoders and muxers take
    // without a parser, whatever downstream would have negotiated.
    GstElement *filter = gst_element_factory_make("capsfilter", nullptr);
    GstCaps *caps =
        gst_caps_new_simple(codec->codec == Codec::H264 ? "video/x-h264" : "video/x-h265", "stream-format",
                            G_TYPE_STRING, "byte-stream", "alignment", G_TYPE_STRING, "au", nullptr);
    g_object_set(filter, "caps", caps, nullptr);
    gst_caps_unref(caps);
    chain.push_back(GST_ELEMENT(gst_object_ref_sink(filter)));
  }
  return chain;
}

static bool setup_chain(GstRtcDepay *self, GstCaps *caps) {
  if (gst_caps_get_size(caps) != 1) return unsupported(self, caps, "caps are not fixed");
  const GstStructure *s = gst_caps_get_structure(caps, 0);
  if (!gst_structure_has_name(s, "application/x-rtp"))
    return unsupported(self, caps, "not application/x-rtp");
  const CodecInfo *codec = gst_rtc::rtp::codec_for_rtp(s);
  if (!codec) return unsupported(self, caps, "no depayloader for this encoding-name (see docs/rtp.md)");
  gint clock_rate = 0;
  if (codec->codec != Codec::TELEPHONE_EVENT &&
      (!gst_structure_get_int(s, "clock-rate", &clock_rate) || clock_rate != codec->clock_rate)) {
    std::string why = "clock-rate must be " + std::to_string(codec->clock_rate);
    return unsupported(self, caps, why.c_str());
  }
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    if (self->priv->codec == codec) return true;
  }
  remove_chain(self);
  std::vector<GstElement *> chain = make_chain(self, codec);
  if (chain.empty()) {
    std::string why = std::string("the depayloader ") + codec->depayloader + " is missing (gst-plugins-good)";
    return unsupported(self, caps, why.c_str());
  }
  GST_INFO_OBJECT(self, "depayloading %s with %s", codec->encoding_name, GST_OBJECT_NAME(chain.front()));
  for (GstElement *e : chain) gst_bin_add(GST_BIN(self), e);
  for (size_t i = 1; i < chain.size(); ++i) gst_element_link(chain[i - 1], chain[i]);
  GstPad *sink = gst_element_get_static_pad(chain.front(), "sink");
  GstPad *src = gst_element_get_static_pad(chain.back(), "src");
  if (codec->codec == Codec::TELEPHONE_EVENT) {
    DtmfState fresh;
    if (gst_structure_get_int(s, "clock-rate", &clock_rate) && clock_rate > 0) fresh.clock_rate = clock_rate;
    self->priv->dtmf = fresh;
    gst_pad_add_probe(sink, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                      dtmf_probe, self, nullptr);
  }
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->srcpad), src);
  gst_ghost_pad_set_target(GST_GHOST_PAD(self->priv->sinkpad), sink);
  gst_object_unref(sink);
  gst_object_unref(src);
  {
    std::lock_guard<std::mutex> guard(self->priv->lock);
    self->priv->chain = chain;
    self->priv->codec = codec;
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) gst_element_sync_state_with_parent(*it);
  g_object_notify(G_OBJECT(self), "encoding-name");
  return true;
}

static gboolean sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_DEPAY(parent);
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps(event, &caps);
    if (!setup_chain(self, caps)) {
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
    if (!ok) unsupported(self, caps, "the depayloader refused these caps");
    gst_event_unref(event);
    return ok;
  }
  return gst_pad_event_default(pad, parent, event);
}

static gboolean answer_caps_query(GstQuery *query, GstCaps *caps) {
  GstCaps *filter;
  gst_query_parse_caps(query, &filter);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(caps);
    caps = tmp;
  }
  gst_query_set_caps_result(query, caps);
  gst_caps_unref(caps);
  return TRUE;
}

static gboolean sink_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_DEPAY(parent);
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_CAPS:
      if (!has_chain(self)) return answer_caps_query(query, gst_rtc::rtp::depay_sink_caps());
      break;
    case GST_QUERY_ACCEPT_CAPS:
      // As rtcpay: let the CAPS event through so unsupported caps get our
      // typed error; the caps query says what works.
      gst_query_set_accept_caps_result(query, TRUE);
      return TRUE;
    default:
      break;
  }
  return gst_pad_query_default(pad, parent, query);
}

static gboolean src_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_DEPAY(parent);
  if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS && !has_chain(self))
    return answer_caps_query(query, gst_rtc::rtp::depay_src_caps());
  return gst_pad_query_default(pad, parent, query);
}

// rtpdtmfdepay posts a `dtmf-event` of its own per event start: ours (start
// and end, with the duration) replaces it so the application sees one kind.
static void gst_rtc_depay_handle_message(GstBin *bin, GstMessage *message) {
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ELEMENT && GST_MESSAGE_SRC(message) != GST_OBJECT(bin) &&
      gst_message_has_name(message, "dtmf-event")) {
    gst_message_unref(message);
    return;
  }
  GST_BIN_CLASS(parent_class)->handle_message(bin, message);
}

static void gst_rtc_depay_set_property(GObject *object, guint prop_id, const GValue *value,
                                       GParamSpec *pspec) {
  auto *self = GST_RTC_DEPAY(object);
  switch (prop_id) {
    case PROP_REQUEST_KEYFRAME: {
      GstElement *depay = nullptr;
      {
        std::lock_guard<std::mutex> guard(self->priv->lock);
        self->priv->request_keyframe = g_value_get_boolean(value);
        if (!self->priv->chain.empty()) depay = GST_ELEMENT(gst_object_ref(self->priv->chain.front()));
      }
      if (depay) {
        if (g_object_class_find_property(G_OBJECT_GET_CLASS(depay), "request-keyframe"))
          g_object_set_property(G_OBJECT(depay), "request-keyframe", value);
        gst_object_unref(depay);
      }
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_rtc_depay_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_DEPAY(object);
  std::lock_guard<std::mutex> guard(self->priv->lock);
  switch (prop_id) {
    case PROP_REQUEST_KEYFRAME:
      g_value_set_boolean(value, self->priv->request_keyframe);
      break;
    case PROP_ENCODING_NAME:
      g_value_set_string(value, self->priv->codec ? self->priv->codec->encoding_name : nullptr);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_rtc_depay_dispose(GObject *object) {
  auto *self = GST_RTC_DEPAY(object);
  for (GstElement *e : self->priv->chain) gst_object_unref(e);
  self->priv->chain.clear();
  G_OBJECT_CLASS(parent_class)->dispose(object);
}

static void gst_rtc_depay_finalize(GObject *object) {
  delete GST_RTC_DEPAY(object)->priv;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static void gst_rtc_depay_class_init(GstRtcDepayClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = gst_rtc_depay_set_property;
  gobject_class->get_property = gst_rtc_depay_get_property;
  gobject_class->dispose = gst_rtc_depay_dispose;
  gobject_class->finalize = gst_rtc_depay_finalize;
  GST_BIN_CLASS(klass)->handle_message = gst_rtc_depay_handle_message;

  /**
   * GstRtcDepay:request-keyframe:
   *
   * Video: on packet loss, send a force-key-unit event upstream (rtpbin
   * turns it into an RTCP PLI) so the stream recovers at the next keyframe.
   */
  g_object_class_install_property(
      gobject_class, PROP_REQUEST_KEYFRAME,
      g_param_spec_boolean(
          "request-keyframe", "Request keyframe",
          "Video: ask upstream for a keyframe (PLI) when packets are lost", TRUE,
          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  /**
   * GstRtcDepay:encoding-name:
   *
   * The RTP encoding-name being depayloaded (e.g. "VP8"), NULL before caps.
   */
  g_object_class_install_property(
      gobject_class, PROP_ENCODING_NAME,
      g_param_spec_string("encoding-name", "Encoding name", "RTP encoding-name in use (NULL before caps)",
                          nullptr, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_rtc::rtp::add_pad_templates(element_class, gst_rtc::rtp::depay_sink_caps(), gst_rtc::rtp::depay_src_caps());
  gst_element_class_set_static_metadata(
      element_class, "WebRTC RTP depayloader", "Codec/Depayloader/Network/RTP/WebRTC",
      "Depayloads H.264, H.265, VP8, VP9, AV1, Opus, G.711 and telephone-event RTP, choosing the depayloader "
      "by caps",
      "gst-rtc");
}

static void gst_rtc_depay_init(GstRtcDepay *self) {
  self->priv = new GstRtcDepayPrivate();
  gst_rtc::rtp::add_ghost_pads(GST_ELEMENT(self), sink_event, sink_query, src_query, &self->priv->sinkpad,
                               &self->priv->srcpad);
}
