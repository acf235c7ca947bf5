/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcaudiolevel
 * @title: rtcaudiolevel
 *
 * Measures the level of raw audio and attaches it to each buffer as a
 * #GstAudioLevelMeta: the RFC 6464 value (0 to 127, the level in -dBov:
 * the RMS of the buffer's samples relative to a full-scale square wave, so
 * a full-scale sine is 3) and a voice-activity flag, set while the level is
 * louder than #GstRtcAudioLevel:voice-threshold. The audio passes unchanged.
 *
 * Encoders and payloaders keep the meta, and `rtcpeerbin` writes it into
 * the `urn:ietf:params:rtp-hdrext:ssrc-audio-level` header extension of the
 * packets (what SFUs read to find who is speaking); the receiving
 * `rtcpeerbin` attaches the meta to the packets of its `src` pads.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 pulsesrc ! audioconvert ! rtcaudiolevel ! opusenc ! rtcpeerbin name=pc ...
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcaudiolevel.h"

#include <gst/audio/audio.h>
#include <gst/base/gstbasetransform.h>

#include <atomic>
#include <cmath>

GST_DEBUG_CATEGORY_STATIC(gst_rtc_audio_level_debug);
#define GST_CAT_DEFAULT gst_rtc_audio_level_debug

namespace {

constexpr guint kDefaultVoiceThreshold = 50;
constexpr guint kSilence = 127;  // RFC 6464: -127 dBov and below

enum { PROP_0, PROP_VOICE_THRESHOLD };

// RFC 6464 level of `n` samples whose squares sum to `sum_squares` (full
// scale 1.0): -10 log10(mean square), 0..127.
guint8 level_of(double sum_squares, std::size_t n) {
  if (n == 0 || !(sum_squares > 0.0)) return kSilence;
  const double db = -10.0 * std::log10(sum_squares / double(n));
  if (!(db > 0.0)) return 0;  // clipping: louder than full scale
  return guint8(std::min(std::lround(db), long(kSilence)));
}

}  // namespace

struct _GstRtcAudioLevel {
  GstBaseTransform parent;
  GstAudioInfo info;
  std::atomic<guint> voice_threshold;
};

G_DEFINE_TYPE(GstRtcAudioLevel, gst_rtc_audio_level, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE(rtcaudiolevel, "rtcaudiolevel", GST_RANK_NONE, GST_TYPE_RTC_AUDIO_LEVEL,
                                      GST_DEBUG_CATEGORY_INIT(gst_rtc_audio_level_debug, "rtcaudiolevel", 0,
                                                              "RFC 6464 audio level"));

#define LEVEL_CAPS                                                                                     \
  "audio/x-raw, format = (string) { " GST_AUDIO_NE(S16) ", " GST_AUDIO_NE(F32) " }, "                  \
  "layout = (string) interleaved, rate = (int) [ 1, MAX ], channels = (int) [ 1, MAX ]"

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(LEVEL_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(LEVEL_CAPS));

static gboolean gst_rtc_audio_level_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *) {
  auto *self = GST_RTC_AUDIO_LEVEL(trans);
  return gst_audio_info_from_caps(&self->info, incaps);
}

static GstFlowReturn gst_rtc_audio_level_transform_ip(GstBaseTransform *trans, GstBuffer *buf) {
  auto *self = GST_RTC_AUDIO_LEVEL(trans);
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return GST_FLOW_OK;  // nothing to measure: unchanged
  double sum = 0.0;
  std::size_t n = 0;
  if (GST_AUDIO_INFO_FORMAT(&self->info) == GST_AUDIO_FORMAT_F32) {
    n = map.size / sizeof(float);
    const auto *s = reinterpret_cast<const float *>(map.data);
    for (std::size_t i = 0; i < n; ++i) sum += double(s[i]) * double(s[i]);
  } else {
    n = map.size / sizeof(gint16);
    const auto *s = reinterpret_cast<const gint16 *>(map.data);
    for (std::size_t i = 0; i < n; ++i) sum += double(s[i]) * double(s[i]);
    sum /= 32768.0 * 32768.0;
  }
  gst_buffer_unmap(buf, &map);
  const guint8 level = level_of(sum, n);
  const bool voice = level < kSilence && level <= self->voice_threshold.load(std::memory_order_relaxed);
  if (GstAudioLevelMeta *meta = gst_buffer_get_audio_level_meta(buf)) {
    meta->level = level;
    meta->voice_activity = voice;
  } else {
    gst_buffer_add_audio_level_meta(buf, level, voice);
  }
  GST_LOG_OBJECT(self, "level -%u dBov%s", level, voice ? ", voice" : "");
  return GST_FLOW_OK;
}

static void gst_rtc_audio_level_set_property(GObject *object, guint prop_id, const GValue *value,
                                             GParamSpec *pspec) {
  auto *self = GST_RTC_AUDIO_LEVEL(object);
  switch (prop_id) {
    case PROP_VOICE_THRESHOLD:
      self->voice_threshold = g_value_get_uint(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_audio_level_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_AUDIO_LEVEL(object);
  switch (prop_id) {
    case PROP_VOICE_THRESHOLD:
      g_value_set_uint(value, self->voice_threshold.load());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_audio_level_init(GstRtcAudioLevel *self) {
  gst_audio_info_init(&self->info);
  self->voice_threshold = kDefaultVoiceThreshold;
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
}

static void gst_rtc_audio_level_class_init(GstRtcAudioLevelClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  auto *trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  gobject_class->set_property = gst_rtc_audio_level_set_property;
  gobject_class->get_property = gst_rtc_audio_level_get_property;

  /**
   * GstRtcAudioLevel:voice-threshold:
   *
   * The voice-activity flag is set on buffers at this level or louder
   * (in -dBov: 50 means -50 dBov). 0 sets it only at full scale; 127 on
   * everything but digital silence.
   */
  g_object_class_install_property(
      gobject_class, PROP_VOICE_THRESHOLD,
      g_param_spec_uint("voice-threshold", "Voice threshold",
                        "Level in -dBov at or above which a buffer is flagged as voice (RFC 6464 V bit)", 0, kSilence,
                        kDefaultVoiceThreshold,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(element_class, "WebRTC audio level", "Filter/Analyzer/Audio",
                                        "Attaches the RFC 6464 audio level (GstAudioLevelMeta) to raw audio",
                                        "gst-rtc developers");
  trans_class->set_caps = GST_DEBUG_FUNCPTR(gst_rtc_audio_level_set_caps);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR(gst_rtc_audio_level_transform_ip);
  trans_class->transform_ip_on_passthrough = FALSE;
}
