/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/rtp-transceiver.h>

#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcRtpTransceiver:
 *
 * The W3C `RTCRtpTransceiver`: a #GstRtcRtpSender and a #GstRtcRtpReceiver
 * sharing one m-line. rtcpeerbin creates them (`add-transceiver`, linking a
 * `sink_%u` pad, a remote offer); applications set
 * #GstRtcRtpTransceiver:direction and #GstRtcRtpTransceiver:codec-preferences
 * and call #GstRtcRtpTransceiver::stop. Read-only properties change through
 * the setters meant for implementations, and every change is a `notify`.
 */

namespace {

struct RtpTransceiverImpl {
  std::mutex lock;
  std::optional<std::string> mid;
  guint mlineindex = GST_RTC_RTP_TRANSCEIVER_MLINE_NONE;
  std::string kind;
  GstRtcRtpTransceiverDirection direction = GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV;
  GstRtcRtpTransceiverDirection current_direction = GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE;
  CapsRef codec_preferences;
  ObjectRef<GstRtcRtpSender> sender;
  ObjectRef<GstRtcRtpReceiver> receiver;
  bool stopped = false;
};

enum {
  PROP_0,
  PROP_MID,
  PROP_MLINEINDEX,
  PROP_KIND,
  PROP_DIRECTION,
  PROP_CURRENT_DIRECTION,
  PROP_CODEC_PREFERENCES,
  PROP_SENDER,
  PROP_RECEIVER,
  PROP_STOPPED,
  N_PROPS
};
enum { SIGNAL_STOP, N_SIGNALS };

GParamSpec *props[N_PROPS];
guint signals[N_SIGNALS];

}  // namespace

typedef struct {
  RtpTransceiverImpl *impl;
} GstRtcRtpTransceiverPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcRtpTransceiver, gst_rtc_rtp_transceiver, GST_TYPE_OBJECT)

static RtpTransceiverImpl *impl_of(GstRtcRtpTransceiver *self) {
  return static_cast<GstRtcRtpTransceiverPrivate *>(gst_rtc_rtp_transceiver_get_instance_private(self))->impl;
}

static void gst_rtc_rtp_transceiver_init(GstRtcRtpTransceiver *self) {
  static_cast<GstRtcRtpTransceiverPrivate *>(gst_rtc_rtp_transceiver_get_instance_private(self))->impl =
      new RtpTransceiverImpl();
}

static void gst_rtc_rtp_transceiver_constructed(GObject *object) {
  G_OBJECT_CLASS(gst_rtc_rtp_transceiver_parent_class)->constructed(object);
  // A transceiver always has both halves (W3C); plugins pass their own
  // subclasses as construct properties.
  RtpTransceiverImpl *impl = impl_of(GST_RTC_RTP_TRANSCEIVER(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  if (!impl->sender)
    impl->sender = ObjectRef<GstRtcRtpSender>::adopt(
        static_cast<GstRtcRtpSender *>(g_object_new(GST_RTC_TYPE_RTP_SENDER, nullptr)));
  if (!impl->receiver)
    impl->receiver = ObjectRef<GstRtcRtpReceiver>::adopt(
        static_cast<GstRtcRtpReceiver *>(g_object_new(GST_RTC_TYPE_RTP_RECEIVER, nullptr)));
}

static void gst_rtc_rtp_transceiver_dispose(GObject *object) {
  // The sender and receiver stay (W3C: they never change); only the caps go.
  RtpTransceiverImpl *impl = impl_of(GST_RTC_RTP_TRANSCEIVER(object));
  CapsRef caps;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    std::swap(caps, impl->codec_preferences);
  }
  G_OBJECT_CLASS(gst_rtc_rtp_transceiver_parent_class)->dispose(object);
}

static void gst_rtc_rtp_transceiver_finalize(GObject *object) {
  delete impl_of(GST_RTC_RTP_TRANSCEIVER(object));
  G_OBJECT_CLASS(gst_rtc_rtp_transceiver_parent_class)->finalize(object);
}

static void gst_rtc_rtp_transceiver_set_property(GObject *object, guint prop_id, const GValue *value,
                                                 GParamSpec *pspec) {
  auto *self = GST_RTC_RTP_TRANSCEIVER(object);
  RtpTransceiverImpl *impl = impl_of(self);
  switch (prop_id) {
    case PROP_KIND: {
      const gchar *kind = g_value_get_string(value);
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->kind = kind ? kind : "";
      break;
    }
    case PROP_DIRECTION: {
      ErrorBox error;
      auto direction = static_cast<GstRtcRtpTransceiverDirection>(g_value_get_enum(value));
      if (!gst_rtc_rtp_transceiver_set_direction(self, direction, error.out()))
        GST_WARNING_OBJECT(self, "ignoring direction: %s", error.get()->message);
      break;
    }
    case PROP_CODEC_PREFERENCES:
      gst_rtc_rtp_transceiver_set_codec_preferences(self, static_cast<GstCaps *>(g_value_get_boxed(value)));
      break;
    case PROP_SENDER: {
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->sender =
          ObjectRef<GstRtcRtpSender>::ref(static_cast<GstRtcRtpSender *>(g_value_get_object(value)));
      break;
    }
    case PROP_RECEIVER: {
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->receiver =
          ObjectRef<GstRtcRtpReceiver>::ref(static_cast<GstRtcRtpReceiver *>(g_value_get_object(value)));
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_rtp_transceiver_get_property(GObject *object, guint prop_id, GValue *value,
                                                 GParamSpec *pspec) {
  RtpTransceiverImpl *impl = impl_of(GST_RTC_RTP_TRANSCEIVER(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_MID:
      g_value_set_string(value, c_str(impl->mid));
      break;
    case PROP_MLINEINDEX:
      g_value_set_uint(value, impl->mlineindex);
      break;
    case PROP_KIND:
      g_value_set_string(value, impl->kind.c_str());
      break;
    case PROP_DIRECTION:
      g_value_set_enum(value, impl->direction);
      break;
    case PROP_CURRENT_DIRECTION:
      g_value_set_enum(value, impl->current_direction);
      break;
    case PROP_CODEC_PREFERENCES:
      g_value_set_boxed(value, impl->codec_preferences.get());
      break;
    case PROP_SENDER:
      g_value_set_object(value, impl->sender.get());
      break;
    case PROP_RECEIVER:
      g_value_set_object(value, impl->receiver.get());
      break;
    case PROP_STOPPED:
      g_value_set_boolean(value, impl->stopped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_rtp_transceiver_stop_default(GstRtcRtpTransceiver *self) {
  RtpTransceiverImpl *impl = impl_of(self);
  bool direction_changed;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->stopped) return;
    impl->stopped = true;
    direction_changed = impl->direction != GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED;
    impl->direction = GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED;
  }
  GST_DEBUG_OBJECT(self, "stopped");
  if (direction_changed) g_object_notify_by_pspec(G_OBJECT(self), props[PROP_DIRECTION]);
  g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STOPPED]);
}

static void gst_rtc_rtp_transceiver_class_init(GstRtcRtpTransceiverClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->constructed = gst_rtc_rtp_transceiver_constructed;
  gobject_class->dispose = gst_rtc_rtp_transceiver_dispose;
  gobject_class->finalize = gst_rtc_rtp_transceiver_finalize;
  gobject_class->set_property = gst_rtc_rtp_transceiver_set_property;
  gobject_class->get_property = gst_rtc_rtp_transceiver_get_property;
  klass->stop = gst_rtc_rtp_transceiver_stop_default;

  /**
   * GstRtcRtpTransceiver:mid:
   *
   * The W3C `RTCRtpTransceiver.mid`: the media ID negotiated for this
   * transceiver, %NULL until a description associated it with an m-line.
   */
  props[PROP_MID] = g_param_spec_string("mid", "MID", "The negotiated media ID, NULL before negotiation",
                                        nullptr, kReadable);
  /**
   * GstRtcRtpTransceiver:mlineindex:
   *
   * The index of the transceiver's m-line in the SDP, or
   * %GST_RTC_RTP_TRANSCEIVER_MLINE_NONE (G_MAXUINT) while it has none (as
   * webrtcbin's property of the same name).
   */
  props[PROP_MLINEINDEX] = g_param_spec_uint("mlineindex", "M-line index",
                                             "Index of the m-line in the SDP, G_MAXUINT while unassociated",
                                             0, G_MAXUINT, GST_RTC_RTP_TRANSCEIVER_MLINE_NONE, kReadable);
  /**
   * GstRtcRtpTransceiver:kind:
   *
   * The media kind, "audio" or "video" (the W3C `MediaStreamTrack.kind` of
   * the receiver's track), or "" while unknown.
   */
  props[PROP_KIND] = g_param_spec_string(
      "kind", "Kind", "The media kind: \"audio\", \"video\", or \"\" while unknown", "", kConstructOnly);
  /**
   * GstRtcRtpTransceiver:direction:
   *
   * The W3C `RTCRtpTransceiver.direction`: the direction the application
   * prefers. "none" and "stopped" cannot be set (use
   * #GstRtcRtpTransceiver::stop), nor can anything once the transceiver is
   * stopped; such a set is ignored with a warning in the debug log. Changing
   * it makes rtcpeerbin fire `on-negotiation-needed`.
   */
  props[PROP_DIRECTION] =
      g_param_spec_enum("direction", "Direction", "The preferred direction (W3C RTCRtpTransceiverDirection)",
                        GST_RTC_TYPE_RTP_TRANSCEIVER_DIRECTION, GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                        GParamFlags(kReadWrite | G_PARAM_CONSTRUCT));
  /**
   * GstRtcRtpTransceiver:current-direction:
   *
   * The W3C `RTCRtpTransceiver.currentDirection`: the direction the last
   * offer/answer exchange negotiated; "none" (W3C `null`) before one.
   */
  props[PROP_CURRENT_DIRECTION] = g_param_spec_enum(
      "current-direction", "Current direction", "The negotiated direction, \"none\" before",
      GST_RTC_TYPE_RTP_TRANSCEIVER_DIRECTION, GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE, kReadable);
  /**
   * GstRtcRtpTransceiver:codec-preferences:
   *
   * The W3C `RTCRtpTransceiver.setCodecPreferences()`: `application/x-rtp`
   * caps, one structure per codec in order of preference, or %NULL for the
   * defaults.
   */
  props[PROP_CODEC_PREFERENCES] = g_param_spec_boxed(
      "codec-preferences", "Codec preferences", "Codecs to negotiate, in order of preference",
      gst_caps_get_type(), GParamFlags(kReadWrite | G_PARAM_CONSTRUCT));
  /**
   * GstRtcRtpTransceiver:sender:
   *
   * The W3C `RTCRtpTransceiver.sender`. Implementations may pass their own
   * at construction; otherwise a plain #GstRtcRtpSender is made.
   */
  props[PROP_SENDER] =
      g_param_spec_object("sender", "Sender", "The RTP sender", GST_RTC_TYPE_RTP_SENDER, kConstructOnly);
  /**
   * GstRtcRtpTransceiver:receiver:
   *
   * The W3C `RTCRtpTransceiver.receiver`. Implementations may pass their own
   * at construction; otherwise a plain #GstRtcRtpReceiver is made.
   */
  props[PROP_RECEIVER] = g_param_spec_object("receiver", "Receiver", "The RTP receiver",
                                             GST_RTC_TYPE_RTP_RECEIVER, kConstructOnly);
  /**
   * GstRtcRtpTransceiver:stopped:
   *
   * %TRUE once #GstRtcRtpTransceiver::stop was called: the transceiver
   * neither sends nor receives any more. #GstRtcRtpTransceiver:current-direction
   * becomes "stopped" when the negotiation that follows completes.
   */
  props[PROP_STOPPED] =
      g_param_spec_boolean("stopped", "Stopped", "Whether the transceiver was stopped", FALSE, kReadable);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  /**
   * GstRtcRtpTransceiver::stop:
   * @transceiver: the #GstRtcRtpTransceiver
   *
   * The W3C `RTCRtpTransceiver.stop()`: stop sending and receiving for good.
   * Stopping twice does nothing.
   */
  signals[SIGNAL_STOP] = g_signal_new("stop", G_TYPE_FROM_CLASS(klass), kActionSignal,
                                      G_STRUCT_OFFSET(GstRtcRtpTransceiverClass, stop), nullptr, nullptr,
                                      nullptr, G_TYPE_NONE, 0);
}

/**
 * gst_rtc_rtp_transceiver_get_mid:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: (transfer full) (nullable): the #GstRtcRtpTransceiver:mid
 */
gchar *gst_rtc_rtp_transceiver_get_mid(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), nullptr);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return g_strdup(c_str(impl->mid));
}

/**
 * gst_rtc_rtp_transceiver_get_mlineindex:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: the #GstRtcRtpTransceiver:mlineindex
 */
guint gst_rtc_rtp_transceiver_get_mlineindex(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), GST_RTC_RTP_TRANSCEIVER_MLINE_NONE);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->mlineindex;
}

/**
 * gst_rtc_rtp_transceiver_get_kind:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: (transfer full): the #GstRtcRtpTransceiver:kind
 */
gchar *gst_rtc_rtp_transceiver_get_kind(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), nullptr);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return g_strdup(impl->kind.c_str());
}

/**
 * gst_rtc_rtp_transceiver_get_direction:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: the #GstRtcRtpTransceiver:direction
 */
GstRtcRtpTransceiverDirection gst_rtc_rtp_transceiver_get_direction(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->direction;
}

/**
 * gst_rtc_rtp_transceiver_set_direction:
 * @transceiver: a #GstRtcRtpTransceiver
 * @direction: sendrecv, sendonly, recvonly or inactive
 * @error: return location for a #GError, or %NULL
 *
 * The W3C `RTCRtpTransceiver.direction` setter.
 *
 * Returns: %TRUE when @direction is now the direction; %FALSE with
 *   %GST_RTC_ERROR_TYPE for "none" or "stopped", or
 *   %GST_RTC_ERROR_INVALID_STATE once the transceiver is stopped
 */
gboolean gst_rtc_rtp_transceiver_set_direction(GstRtcRtpTransceiver *transceiver,
                                               GstRtcRtpTransceiverDirection direction, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), FALSE);
  if (direction < GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV ||
      direction > GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "direction \"%s\" cannot be set",
                GST_STR_NULL(gst_rtc_enum_to_string(GST_RTC_TYPE_RTP_TRANSCEIVER_DIRECTION, direction)));
    return FALSE;
  }
  RtpTransceiverImpl *impl = impl_of(transceiver);
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->stopped) {
      g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE, "the transceiver is stopped");
      return FALSE;
    }
    if (impl->direction == direction) return TRUE;
    impl->direction = direction;
  }
  g_object_notify_by_pspec(G_OBJECT(transceiver), props[PROP_DIRECTION]);
  return TRUE;
}

/**
 * gst_rtc_rtp_transceiver_get_current_direction:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: the #GstRtcRtpTransceiver:current-direction
 */
GstRtcRtpTransceiverDirection gst_rtc_rtp_transceiver_get_current_direction(
    GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->current_direction;
}

/**
 * gst_rtc_rtp_transceiver_get_codec_preferences:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: (transfer full) (nullable): the #GstRtcRtpTransceiver:codec-preferences
 */
GstCaps *gst_rtc_rtp_transceiver_get_codec_preferences(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), nullptr);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  GstCaps *caps = impl->codec_preferences.get();
  return caps ? gst_caps_ref(caps) : nullptr;
}

/**
 * gst_rtc_rtp_transceiver_set_codec_preferences:
 * @transceiver: a #GstRtcRtpTransceiver
 * @caps: (nullable) (transfer none): `application/x-rtp` caps in order of
 *   preference, or %NULL for the defaults
 *
 * The W3C `RTCRtpTransceiver.setCodecPreferences()`; notifies
 * #GstRtcRtpTransceiver:codec-preferences when it changed.
 */
void gst_rtc_rtp_transceiver_set_codec_preferences(GstRtcRtpTransceiver *transceiver, GstCaps *caps) {
  g_return_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver));
  g_return_if_fail(caps == nullptr || GST_IS_CAPS(caps));
  RtpTransceiverImpl *impl = impl_of(transceiver);
  CapsRef old;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    GstCaps *cur = impl->codec_preferences.get();
    if (cur == caps || (cur && caps && gst_caps_is_strictly_equal(cur, caps))) return;
    old = impl->codec_preferences;
    impl->codec_preferences = CapsRef(caps ? gst_caps_ref(caps) : nullptr);
  }
  g_object_notify_by_pspec(G_OBJECT(transceiver), props[PROP_CODEC_PREFERENCES]);
}

/**
 * gst_rtc_rtp_transceiver_get_sender:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: (transfer full): the #GstRtcRtpTransceiver:sender
 */
GstRtcRtpSender *gst_rtc_rtp_transceiver_get_sender(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), nullptr);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->sender.dup();
}

/**
 * gst_rtc_rtp_transceiver_get_receiver:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: (transfer full): the #GstRtcRtpTransceiver:receiver
 */
GstRtcRtpReceiver *gst_rtc_rtp_transceiver_get_receiver(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), nullptr);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->receiver.dup();
}

/**
 * gst_rtc_rtp_transceiver_get_stopped:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Returns: the #GstRtcRtpTransceiver:stopped
 */
gboolean gst_rtc_rtp_transceiver_get_stopped(GstRtcRtpTransceiver *transceiver) {
  g_return_val_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver), FALSE);
  RtpTransceiverImpl *impl = impl_of(transceiver);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->stopped;
}

/**
 * gst_rtc_rtp_transceiver_stop:
 * @transceiver: a #GstRtcRtpTransceiver
 *
 * Emits #GstRtcRtpTransceiver::stop.
 */
void gst_rtc_rtp_transceiver_stop(GstRtcRtpTransceiver *transceiver) {
  g_return_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver));
  g_signal_emit(transceiver, signals[SIGNAL_STOP], 0);
}

/**
 * gst_rtc_rtp_transceiver_set_mid:
 * @transceiver: a #GstRtcRtpTransceiver
 * @mid: (nullable): the negotiated media ID
 *
 * For implementations: sets #GstRtcRtpTransceiver:mid and notifies when it
 * changed.
 */
void gst_rtc_rtp_transceiver_set_mid(GstRtcRtpTransceiver *transceiver, const gchar *mid) {
  g_return_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver));
  if (store(impl_of(transceiver)->lock, impl_of(transceiver)->mid, opt_string(mid)))
    g_object_notify_by_pspec(G_OBJECT(transceiver), props[PROP_MID]);
}

/**
 * gst_rtc_rtp_transceiver_set_mlineindex:
 * @transceiver: a #GstRtcRtpTransceiver
 * @mlineindex: the m-line index, or %GST_RTC_RTP_TRANSCEIVER_MLINE_NONE
 *
 * For implementations: sets #GstRtcRtpTransceiver:mlineindex and notifies
 * when it changed.
 */
void gst_rtc_rtp_transceiver_set_mlineindex(GstRtcRtpTransceiver *transceiver, guint mlineindex) {
  g_return_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver));
  if (store(impl_of(transceiver)->lock, impl_of(transceiver)->mlineindex, mlineindex))
    g_object_notify_by_pspec(G_OBJECT(transceiver), props[PROP_MLINEINDEX]);
}

/**
 * gst_rtc_rtp_transceiver_set_kind:
 * @transceiver: a #GstRtcRtpTransceiver
 * @kind: (nullable): "audio", "video", or %NULL / "" for unknown
 *
 * For implementations (the kind becomes known from caps or a remote offer):
 * sets #GstRtcRtpTransceiver:kind and notifies when it changed.
 */
void gst_rtc_rtp_transceiver_set_kind(GstRtcRtpTransceiver *transceiver, const gchar *kind) {
  g_return_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver));
  if (store(impl_of(transceiver)->lock, impl_of(transceiver)->kind, std::string(kind ? kind : "")))
    g_object_notify_by_pspec(G_OBJECT(transceiver), props[PROP_KIND]);
}

/**
 * gst_rtc_rtp_transceiver_set_current_direction:
 * @transceiver: a #GstRtcRtpTransceiver
 * @direction: the negotiated direction
 *
 * For implementations, after an offer/answer exchange: sets
 * #GstRtcRtpTransceiver:current-direction and notifies when it changed.
 */
void gst_rtc_rtp_transceiver_set_current_direction(GstRtcRtpTransceiver *transceiver,
                                                   GstRtcRtpTransceiverDirection direction) {
  g_return_if_fail(GST_RTC_IS_RTP_TRANSCEIVER(transceiver));
  if (store(impl_of(transceiver)->lock, impl_of(transceiver)->current_direction, direction))
    g_object_notify_by_pspec(G_OBJECT(transceiver), props[PROP_CURRENT_DIRECTION]);
}
