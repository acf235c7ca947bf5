/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The codecs rtcpay/rtcdepay handle: how encoded caps map to an RTP
 * encoding, which element (de)payloads it and with which WebRTC settings.
 * One table, so both elements and docs/rtp.md agree.
 */
#pragma once

#include <gst/gst.h>

namespace gst_rtc::rtp {

enum class Codec { H264, H265, VP8, VP9, AV1, OPUS, PCMU, PCMA, TELEPHONE_EVENT };

struct CodecInfo {
  Codec codec;
  const char *media_type;     // encoded caps name, e.g. "video/x-h264"; NULL: depay only
  const char *encoding_name;  // RTP encoding-name (upper case)
  const char *media;          // "video" / "audio"
  int clock_rate;
  int default_pt;           // rtcpay `pt` = -1 uses this
  const char *payloader;    // gst-plugins-good factory; NULL: ours
  const char *depayloader;  // gst-plugins-good factory; NULL: ours
};

// The codec encoded caps `s` belong to, or NULL.
const CodecInfo *codec_for_media(const GstStructure *s);
// The codec of RTP caps `s` (by encoding-name, case-insensitive), or NULL.
const CodecInfo *codec_for_rtp(const GstStructure *s);
const CodecInfo *codec_for_encoding_name(const char *name);

// rtcpay's sink / src and rtcdepay's sink / src pad template caps.
GstCaps *pay_sink_caps();
GstCaps *pay_src_caps();
GstCaps *depay_sink_caps();
GstCaps *depay_src_caps();

// The part of pay_sink_caps() for `codec`.
GstCaps *media_caps_for(Codec codec);

// Posts an ERROR (or WARNING) message in the GST_RTC_ERROR domain.
void post_rtc_message(GstElement *element, GstMessageType type, int code, const char *text, const char *file,
                      const char *function, int line);

// rtcpay and rtcdepay are bins with one always "sink" and one always "src"
// pad: the templates (takes the caps), and the ghost pads without target
// (the inner element is chosen on caps) with the element's own functions.
void add_pad_templates(GstElementClass *klass, GstCaps *sink, GstCaps *src);
void add_ghost_pads(GstElement *element, GstPadEventFunction sink_event, GstPadQueryFunction sink_query,
                    GstPadQueryFunction src_query, GstPad **sinkpad, GstPad **srcpad);

}  // namespace gst_rtc::rtp

#define GST_RTC_RTP_ERROR(el, code, text)                                                                \
  gst_rtc::rtp::post_rtc_message(GST_ELEMENT(el), GST_MESSAGE_ERROR, code, text, __FILE__, GST_FUNCTION, \
                                 __LINE__)
#define GST_RTC_RTP_WARNING(el, code, text)                                                                \
  gst_rtc::rtp::post_rtc_message(GST_ELEMENT(el), GST_MESSAGE_WARNING, code, text, __FILE__, GST_FUNCTION, \
                                 __LINE__)
