/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/dtmf-sender.h>

#include <gst/rtc/rtc-error.h>

#include <algorithm>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcDtmfSender:
 *
 * The W3C `RTCDTMFSender` of an audio #GstRtcRtpSender. The base class
 * implements `insertDTMF()`'s checks and the tone buffer; the implementation
 * (rtcpeerbin) plays the tones, taking them one by one with
 * gst_rtc_dtmf_sender_pop_tone(), and says when inserting is possible with
 * gst_rtc_dtmf_sender_set_can_insert_dtmf(). A base instance never can.
 */

namespace {

// W3C RTCDTMFSender limits, in milliseconds.
constexpr guint kMinDuration = 40;
constexpr guint kMaxDuration = 6000;
constexpr guint kMinGap = 30;
constexpr guint kMaxGap = 6000;
constexpr guint kDefaultDuration = 100;
constexpr guint kDefaultGap = 70;

struct DtmfSenderImpl {
  std::mutex lock;
  std::string tone_buffer;
  guint duration = kDefaultDuration;
  guint gap = kDefaultGap;
  bool can_insert = false;
  bool playing = false;  // the last pop returned a tone: the next empty pop ends the run
};

enum { PROP_0, PROP_TONE_BUFFER, PROP_CAN_INSERT_DTMF, N_PROPS };
enum { SIGNAL_INSERT_DTMF, SIGNAL_ON_TONE_CHANGE, N_SIGNALS };

GParamSpec *props[N_PROPS];
guint signals[N_SIGNALS];

}  // namespace

typedef struct {
  DtmfSenderImpl *impl;
} GstRtcDtmfSenderPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcDtmfSender, gst_rtc_dtmf_sender, GST_TYPE_OBJECT)

static DtmfSenderImpl *impl_of(GstRtcDtmfSender *self) {
  return static_cast<GstRtcDtmfSenderPrivate *>(gst_rtc_dtmf_sender_get_instance_private(self))->impl;
}

static void gst_rtc_dtmf_sender_init(GstRtcDtmfSender *self) {
  static_cast<GstRtcDtmfSenderPrivate *>(gst_rtc_dtmf_sender_get_instance_private(self))->impl =
      new DtmfSenderImpl();
}

static void gst_rtc_dtmf_sender_finalize(GObject *object) {
  delete impl_of(GST_RTC_DTMF_SENDER(object));
  G_OBJECT_CLASS(gst_rtc_dtmf_sender_parent_class)->finalize(object);
}

static void gst_rtc_dtmf_sender_get_property(GObject *object, guint prop_id, GValue *value,
                                             GParamSpec *pspec) {
  DtmfSenderImpl *impl = impl_of(GST_RTC_DTMF_SENDER(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_TONE_BUFFER:
      g_value_set_string(value, impl->tone_buffer.c_str());
      break;
    case PROP_CAN_INSERT_DTMF:
      g_value_set_boolean(value, impl->can_insert);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static gboolean insert_dtmf_action(GstRtcDtmfSender *sender, const gchar *tones, guint duration_ms,
                                   guint inter_tone_gap_ms) {
  ErrorBox error;
  if (gst_rtc_dtmf_sender_insert_dtmf(sender, tones, duration_ms, inter_tone_gap_ms, error.out()))
    return TRUE;
  GST_INFO_OBJECT(sender, "insert-dtmf refused: %s", error.get()->message);
  return FALSE;
}

static void gst_rtc_dtmf_sender_class_init(GstRtcDtmfSenderClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->finalize = gst_rtc_dtmf_sender_finalize;
  gobject_class->get_property = gst_rtc_dtmf_sender_get_property;

  /**
   * GstRtcDtmfSender:tone-buffer:
   *
   * The W3C `RTCDTMFSender.toneBuffer`: the tones still to be played.
   */
  props[PROP_TONE_BUFFER] =
      g_param_spec_string("tone-buffer", "Tone buffer", "The DTMF tones still to be played", "", kReadable);
  /**
   * GstRtcDtmfSender:can-insert-dtmf:
   *
   * The W3C `RTCDTMFSender.canInsertDTMF`: %TRUE while the sender's
   * transceiver sends audio with telephone-event negotiated.
   */
  props[PROP_CAN_INSERT_DTMF] = g_param_spec_boolean(
      "can-insert-dtmf", "Can insert DTMF", "Whether insert-dtmf can queue tones now", FALSE, kReadable);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  /**
   * GstRtcDtmfSender::insert-dtmf:
   * @sender: the #GstRtcDtmfSender
   * @tones: the tones: 0-9, A-D (any case), # and *, and ',' for a 2 s pause
   * @duration_ms: duration of each tone, clamped to 40..6000 ms (W3C default 100)
   * @inter_tone_gap_ms: gap after each tone, clamped to 30..6000 ms (W3C default 70)
   *
   * The W3C `RTCDTMFSender.insertDTMF()` as an action signal; see
   * gst_rtc_dtmf_sender_insert_dtmf(), which also says why it failed.
   *
   * Returns: %TRUE when the tones replaced the tone buffer; %FALSE when
   *   #GstRtcDtmfSender:can-insert-dtmf is %FALSE or @tones holds an invalid
   *   character
   */
  signals[SIGNAL_INSERT_DTMF] = g_signal_new_class_handler(
      "insert-dtmf", G_TYPE_FROM_CLASS(klass), kActionSignal, G_CALLBACK(insert_dtmf_action), nullptr,
      nullptr, nullptr, G_TYPE_BOOLEAN, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  /**
   * GstRtcDtmfSender::on-tone-change:
   * @sender: the #GstRtcDtmfSender
   * @tone: the tone that starts playing (one character, "," for a pause), or
   *   "" once the tone buffer ran empty
   *
   * The W3C `tonechange` event.
   */
  signals[SIGNAL_ON_TONE_CHANGE] = g_signal_new("on-tone-change", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                0, nullptr, nullptr, nullptr, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static bool is_dtmf_tone(char c) {
  return g_ascii_isdigit(c) || (c >= 'A' && c <= 'D') || c == '#' || c == '*' || c == ',';
}

/**
 * gst_rtc_dtmf_sender_insert_dtmf:
 * @sender: a #GstRtcDtmfSender
 * @tones: the tones: 0-9, A-D (any case, stored upper case), # and *, and ','
 *   for a 2 s pause; "" cancels the tones not yet played
 * @duration_ms: duration of each tone, clamped to 40..6000 ms
 * @inter_tone_gap_ms: gap after each tone, clamped to 30..6000 ms
 * @error: return location for a #GError, or %NULL
 *
 * The W3C `RTCDTMFSender.insertDTMF()`: replaces #GstRtcDtmfSender:tone-buffer
 * with @tones and lets the implementation play them.
 *
 * Returns: %TRUE on success; %FALSE with %GST_RTC_ERROR_INVALID_STATE when
 *   #GstRtcDtmfSender:can-insert-dtmf is %FALSE (always so for a base
 *   instance), or %GST_RTC_ERROR_SYNTAX when @tones holds a character outside
 *   the set above (W3C `InvalidCharacterError`)
 */
gboolean gst_rtc_dtmf_sender_insert_dtmf(GstRtcDtmfSender *sender, const gchar *tones, guint duration_ms,
                                         guint inter_tone_gap_ms, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_DTMF_SENDER(sender), FALSE);
  g_return_val_if_fail(error == nullptr || *error == nullptr, FALSE);
  DtmfSenderImpl *impl = impl_of(sender);

  std::string upper = tones ? tones : "";
  for (char &c : upper) c = g_ascii_toupper(c);
  // W3C checks the state before the characters.
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (!impl->can_insert) {
      g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                          "cannot insert DTMF: the sender does not send audio with telephone-event");
      return FALSE;
    }
  }
  auto bad = std::find_if_not(upper.begin(), upper.end(), is_dtmf_tone);
  if (bad != upper.end()) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX, "invalid DTMF tone '%c' at position %u", *bad,
                guint(bad - upper.begin()));
    return FALSE;
  }

  {
    std::lock_guard<std::mutex> guard(impl->lock);
    impl->tone_buffer = std::move(upper);
    impl->duration = std::clamp(duration_ms, kMinDuration, kMaxDuration);
    impl->gap = std::clamp(inter_tone_gap_ms, kMinGap, kMaxGap);
  }
  g_object_notify_by_pspec(G_OBJECT(sender), props[PROP_TONE_BUFFER]);
  auto *klass = GST_RTC_DTMF_SENDER_GET_CLASS(sender);
  if (klass->tones_queued) klass->tones_queued(sender);
  return TRUE;
}

/**
 * gst_rtc_dtmf_sender_get_tone_buffer:
 * @sender: a #GstRtcDtmfSender
 *
 * Returns: (transfer full): the #GstRtcDtmfSender:tone-buffer
 */
gchar *gst_rtc_dtmf_sender_get_tone_buffer(GstRtcDtmfSender *sender) {
  g_return_val_if_fail(GST_RTC_IS_DTMF_SENDER(sender), nullptr);
  DtmfSenderImpl *impl = impl_of(sender);
  std::lock_guard<std::mutex> guard(impl->lock);
  return g_strdup(impl->tone_buffer.c_str());
}

/**
 * gst_rtc_dtmf_sender_get_can_insert_dtmf:
 * @sender: a #GstRtcDtmfSender
 *
 * Returns: the #GstRtcDtmfSender:can-insert-dtmf
 */
gboolean gst_rtc_dtmf_sender_get_can_insert_dtmf(GstRtcDtmfSender *sender) {
  g_return_val_if_fail(GST_RTC_IS_DTMF_SENDER(sender), FALSE);
  DtmfSenderImpl *impl = impl_of(sender);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->can_insert;
}

/**
 * gst_rtc_dtmf_sender_set_can_insert_dtmf:
 * @sender: a #GstRtcDtmfSender
 * @can_insert: whether tones can be inserted now
 *
 * For implementations: sets #GstRtcDtmfSender:can-insert-dtmf and notifies
 * when it changed. Turning it off does not clear the tone buffer.
 */
void gst_rtc_dtmf_sender_set_can_insert_dtmf(GstRtcDtmfSender *sender, gboolean can_insert) {
  g_return_if_fail(GST_RTC_IS_DTMF_SENDER(sender));
  if (store(impl_of(sender)->lock, impl_of(sender)->can_insert, bool(can_insert)))
    g_object_notify_by_pspec(G_OBJECT(sender), props[PROP_CAN_INSERT_DTMF]);
}

/**
 * gst_rtc_dtmf_sender_pop_tone:
 * @sender: a #GstRtcDtmfSender
 * @duration_ms: (out) (optional): how long to play the tone
 * @inter_tone_gap_ms: (out) (optional): the gap to leave after it
 *
 * For implementations: takes the next tone off the tone buffer, notifies
 * #GstRtcDtmfSender:tone-buffer and emits #GstRtcDtmfSender::on-tone-change
 * with it. A ',' is a pause: play nothing for 2000 ms. Call it again when the
 * tone plus the gap are over. When the buffer is empty it returns 0 and, the
 * first time after a tone, emits #GstRtcDtmfSender::on-tone-change with "".
 *
 * Returns: the tone character, or 0 when the buffer is empty
 */
gchar gst_rtc_dtmf_sender_pop_tone(GstRtcDtmfSender *sender, guint *duration_ms, guint *inter_tone_gap_ms) {
  g_return_val_if_fail(GST_RTC_IS_DTMF_SENDER(sender), 0);
  DtmfSenderImpl *impl = impl_of(sender);
  gchar tone = 0;
  bool ended = false;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (duration_ms) *duration_ms = impl->duration;
    if (inter_tone_gap_ms) *inter_tone_gap_ms = impl->gap;
    if (!impl->tone_buffer.empty()) {
      tone = impl->tone_buffer.front();
      impl->tone_buffer.erase(0, 1);
      impl->playing = true;
    } else if (impl->playing) {
      impl->playing = false;
      ended = true;
    }
  }
  if (tone) {
    const gchar text[2] = {tone, '\0'};
    g_object_notify_by_pspec(G_OBJECT(sender), props[PROP_TONE_BUFFER]);
    g_signal_emit(sender, signals[SIGNAL_ON_TONE_CHANGE], 0, text);
  } else if (ended) {
    g_signal_emit(sender, signals[SIGNAL_ON_TONE_CHANGE], 0, "");
  }
  return tone;
}
