// rtcaudiolevel with GstHarness: the RFC 6464 level and voice flag it
// attaches to raw audio (S16 and F32), passing the samples through.
#include <gst/audio/audio.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "test_rtp_common.h"

using namespace rtp_test;

namespace {

// 10 ms of a 1 kHz sine at `amplitude` (full scale 1.0), 48 kHz stereo.
std::vector<float> sine(double amplitude) {
  std::vector<float> s(480 * 2);
  for (std::size_t i = 0; i < 480; ++i)
    s[2 * i] = s[2 * i + 1] = float(amplitude * std::sin(2 * G_PI * 1000.0 * double(i) / 48000.0));
  return s;
}

GstBuffer *buffer_of(const void *data, gsize size) {
  return gst_buffer_new_memdup(data, size);
}

// Pushes one buffer; returns (level, voice) of the meta on what came out.
std::pair<int, bool> measure(GstHarness *h, GstBuffer *in, std::vector<guint8> *out_bytes = nullptr) {
  fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  fail_unless(out != nullptr);
  GstAudioLevelMeta *meta = gst_buffer_get_audio_level_meta(out);
  fail_unless(meta != nullptr, "no GstAudioLevelMeta on the output");
  std::pair<int, bool> r{meta->level, meta->voice_activity != FALSE};
  if (out_bytes) *out_bytes = bytes_of(out);
  gst_buffer_unref(out);
  return r;
}

}  // namespace

GST_START_TEST(test_audio_level_f32_levels_and_voice) {
  GstHarness *h = gst_harness_new("rtcaudiolevel");
  gst_harness_set_src_caps_str(h, "audio/x-raw,format=" GST_AUDIO_NE(F32) ",layout=interleaved,rate=48000,channels=2");
  // A full-scale sine is -3 dBov (0 dBov is a full-scale square wave);
  // half scale -9; 1/100 -43; 1/1000 -63 (quieter than the default
  // threshold, -50: no voice).
  const struct {
    double amplitude;
    int level;
    bool voice;
  } cases[] = {{1.0, 3, true}, {0.5, 9, true}, {0.01, 43, true}, {0.001, 63, false}};
  for (const auto &c : cases) {
    auto s = sine(c.amplitude);
    std::vector<guint8> out;
    auto [level, voice] = measure(h, buffer_of(s.data(), s.size() * sizeof(float)), &out);
    fail_unless_equals_int(level, c.level);
    fail_unless(voice == c.voice, "amplitude %f: voice %d", c.amplitude, voice);
    fail_unless(out.size() == s.size() * sizeof(float) &&
                    std::memcmp(out.data(), s.data(), out.size()) == 0,
                "the samples pass unchanged");
  }
  // Digital silence: 127, never voice, whatever the threshold.
  g_object_set(h->element, "voice-threshold", 127u, nullptr);
  std::vector<float> silence(960, 0.0f);
  auto [level, voice] = measure(h, buffer_of(silence.data(), silence.size() * sizeof(float)));
  fail_unless_equals_int(level, 127);
  fail_unless(!voice);
  // The threshold moves the voice flag: -63 dBov is voice under 127.
  auto quiet = sine(0.001);
  fail_unless(measure(h, buffer_of(quiet.data(), quiet.size() * sizeof(float))).second);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_audio_level_s16_and_clipping) {
  GstHarness *h = gst_harness_new("rtcaudiolevel");
  gst_harness_set_src_caps_str(h, "audio/x-raw,format=" GST_AUDIO_NE(S16) ",layout=interleaved,rate=8000,channels=1");
  std::vector<gint16> s(80);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = gint16(16384 * std::sin(2 * G_PI * 1000.0 * double(i) / 8000.0));
  fail_unless_equals_int(measure(h, buffer_of(s.data(), s.size() * 2)).first, 9);
  // A full-scale square wave is 0 dBov, the loudest there is.
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = i % 2 ? 32767 : -32768;
  fail_unless_equals_int(measure(h, buffer_of(s.data(), s.size() * 2)).first, 0);
  gst_harness_teardown(h);
}
GST_END_TEST;

TCase *rtp_audio_level_tcase() {
  TCase *tc = tcase_create("audio-level");
  tcase_add_test(tc, test_audio_level_f32_levels_and_voice);
  tcase_add_test(tc, test_audio_level_s16_and_clipping);
  return tc;
}
