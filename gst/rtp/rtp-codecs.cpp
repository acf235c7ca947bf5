/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "rtp-codecs.h"

#include <gst/rtc/rtc.h>

#include <iterator>

namespace gst_rtc::rtp {

namespace {

// Default payload types: 96 for every dynamic video codec (one rtcpay carries
// one stream, the SDP maps the number), 111 for Opus (what Chromium and
// Firefox offer), the static 0/8 for G.711 and 101 for telephone-event.
constexpr CodecInfo kCodecs[] = {
    {Codec::H264, "video/x-h264", "H264", "video", 90000, 96, "rtph264pay", "rtph264depay"},
    {Codec::H265, "video/x-h265", "H265", "video", 90000, 96, "rtph265pay", "rtph265depay"},
    {Codec::VP8, "video/x-vp8", "VP8", "video", 90000, 96, "rtpvp8pay", "rtpvp8depay"},
    {Codec::VP9, "video/x-vp9", "VP9", "video", 90000, 96, "rtpvp9pay", "rtpvp9depay"},
    {Codec::AV1, "video/x-av1", "AV1", "video", 90000, 96, nullptr, nullptr},
    {Codec::OPUS, "audio/x-opus", "OPUS", "audio", 48000, 111, "rtpopuspay", "rtpopusdepay"},
    {Codec::PCMU, "audio/x-mulaw", "PCMU", "audio", 8000, 0, "rtppcmupay", "rtppcmudepay"},
    {Codec::PCMA, "audio/x-alaw", "PCMA", "audio", 8000, 8, "rtppcmapay", "rtppcmadepay"},
    {Codec::TELEPHONE_EVENT, nullptr, "TELEPHONE-EVENT", "audio", 8000, 101, nullptr, "rtpdtmfdepay"},
};

const char *media_caps_string(Codec codec) {
  switch (codec) {
    // What rtph264pay / rtph265pay take: length-prefixed streams only as
    // whole access units; no hev1 (GStreamer 1.22's rtph265pay lacks it).
    case Codec::H264:
      return "video/x-h264, stream-format=(string)byte-stream, alignment=(string){ au, nal }; "
             "video/x-h264, stream-format=(string)avc, alignment=(string)au";
    case Codec::H265:
      return "video/x-h265, stream-format=(string)byte-stream, alignment=(string){ au, nal }; "
             "video/x-h265, stream-format=(string)hvc1, alignment=(string)au";
    case Codec::VP8:
      return "video/x-vp8";
    case Codec::VP9:
      return "video/x-vp9";
    case Codec::AV1:
      return "video/x-av1, stream-format=(string)obu-stream, alignment=(string){ tu, frame }";
    case Codec::OPUS:
      return "audio/x-opus";
    case Codec::PCMU:
      return "audio/x-mulaw, channels=(int)1, rate=(int)8000";
    case Codec::PCMA:
      return "audio/x-alaw, channels=(int)1, rate=(int)8000";
    case Codec::TELEPHONE_EVENT:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

const CodecInfo *codec_for_media(const GstStructure *s) {
  for (const CodecInfo &c : kCodecs) {
    if (c.media_type && gst_structure_has_name(s, c.media_type)) return &c;
  }
  return nullptr;
}

const CodecInfo *codec_for_encoding_name(const char *name) {
  if (!name) return nullptr;
  for (const CodecInfo &c : kCodecs) {
    if (g_ascii_strcasecmp(name, c.encoding_name) == 0) return &c;
  }
  return nullptr;
}

const CodecInfo *codec_for_rtp(const GstStructure *s) {
  if (!gst_structure_has_name(s, "application/x-rtp")) return nullptr;
  return codec_for_encoding_name(gst_structure_get_string(s, "encoding-name"));
}

GstCaps *media_caps_for(Codec codec) {
  const char *text = media_caps_string(codec);
  return text ? gst_caps_from_string(text) : gst_caps_new_empty();
}

GstCaps *pay_sink_caps() {
  GstCaps *caps = gst_caps_new_empty();
  for (const CodecInfo &c : kCodecs) {
    if (c.media_type) caps = gst_caps_merge(caps, media_caps_for(c.codec));
  }
  return caps;
}

GstCaps *pay_src_caps() {
  return gst_caps_from_string(
      "application/x-rtp, media=(string)video, clock-rate=(int)90000, "
      "encoding-name=(string){ H264, H265, VP8, VP9, AV1 }, payload=(int)[ 0, 127 ]; "
      "application/x-rtp, media=(string)audio, clock-rate=(int)48000, encoding-name=(string)OPUS, "
      "payload=(int)[ 0, 127 ]; "
      "application/x-rtp, media=(string)audio, clock-rate=(int)8000, encoding-name=(string){ PCMU, PCMA }, "
      "payload=(int)[ 0, 127 ]");
}

GstCaps *depay_sink_caps() {
  return gst_caps_from_string(
      "application/x-rtp, media=(string)video, clock-rate=(int)90000, "
      "encoding-name=(string){ H264, H265, VP8, VP9, AV1 }; "
      "application/x-rtp, media=(string)audio, clock-rate=(int)48000, encoding-name=(string){ OPUS, opus }; "
      "application/x-rtp, media=(string)audio, clock-rate=(int)8000, encoding-name=(string){ PCMU, PCMA }; "
      "application/x-rtp, media=(string)audio, encoding-name=(string)TELEPHONE-EVENT");
}

GstCaps *depay_src_caps() {
  return gst_caps_from_string(
      "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au; "
      "video/x-h265, stream-format=(string)byte-stream, alignment=(string)au; "
      "video/x-vp8; video/x-vp9; video/x-av1, stream-format=(string)obu-stream, alignment=(string)tu; "
      "audio/x-opus; audio/x-mulaw, channels=(int)1, rate=(int)8000; "
      "audio/x-alaw, channels=(int)1, rate=(int)8000; audio/x-raw, format=(string)S16LE, channels=(int)1");
}

void post_rtc_message(GstElement *element, GstMessageType type, int code, const char *text, const char *file,
                      const char *function, int line) {
  gst_element_message_full(element, type, GST_RTC_ERROR, code, g_strdup(text), nullptr, file, function, line);
}

void add_pad_templates(GstElementClass *klass, GstCaps *sink, GstCaps *src) {
  gst_element_class_add_pad_template(klass, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, sink));
  gst_element_class_add_pad_template(klass, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, src));
  gst_caps_unref(sink);
  gst_caps_unref(src);
}

void add_ghost_pads(GstElement *element, GstPadEventFunction sink_event, GstPadQueryFunction sink_query,
                    GstPadQueryFunction src_query, GstPad **sinkpad, GstPad **srcpad) {
  GstElementClass *klass = GST_ELEMENT_GET_CLASS(element);
  *sinkpad = gst_ghost_pad_new_no_target_from_template("sink", gst_element_class_get_pad_template(klass, "sink"));
  gst_pad_set_event_function(*sinkpad, sink_event);
  gst_pad_set_query_function(*sinkpad, sink_query);
  gst_element_add_pad(element, *sinkpad);
  *srcpad = gst_ghost_pad_new_no_target_from_template("src", gst_element_class_get_pad_template(klass, "src"));
  gst_pad_set_query_function(*srcpad, src_query);
  gst_element_add_pad(element, *srcpad);
}

}  // namespace gst_rtc::rtp
