/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/data-channel.h>

#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>

#include <cstring>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcDataChannel:
 *
 * The W3C `RTCDataChannel`, with webrtcbin's property and signal names.
 * rtcpeerbin hands them out (`create-data-channel`, `on-data-channel`).
 *
 * This base class holds the properties, runs the W3C checks of `send()` and
 * `close()` and emits the events; the SCTP plugin subclasses it to move the
 * messages. A base instance has no transport: #GstRtcDataChannel::send-data
 * and #GstRtcDataChannel::send-string fail with %GST_RTC_ERROR_NOT_SUPPORTED,
 * reported through #GstRtcDataChannel::on-error, and nothing is sent.
 *
 * Implementations drive the channel with gst_rtc_data_channel_set_ready_state(),
 * gst_rtc_data_channel_set_id(), gst_rtc_data_channel_set_buffered_amount(),
 * gst_rtc_data_channel_emit_message_data(),
 * gst_rtc_data_channel_emit_message_string() and
 * gst_rtc_data_channel_emit_error(). They also keep
 * #GstRtcDataChannel:buffered-amount: add a message's size when it is queued,
 * subtract it when it left.
 */

namespace {

struct DataChannelImpl {
  std::mutex lock;
  std::string label;
  bool ordered = true;
  gint max_packet_lifetime = -1;
  gint max_retransmits = -1;
  std::string protocol;
  bool negotiated = false;
  gint id = -1;
  GstRtcPriorityType priority = GST_RTC_PRIORITY_TYPE_LOW;
  GstRtcDataChannelState ready_state = GST_RTC_DATA_CHANNEL_STATE_CONNECTING;
  guint64 buffered_amount = 0;
  guint64 buffered_amount_low_threshold = 0;
  bool closing_locally = false;  // close() was called: no on-closing (W3C)
  bool open_pending = false;     // open, on-open not emitted yet (announced channel)
  // W3C RTCDataChannelStats counters (payload bytes).
  guint64 messages_sent = 0, bytes_sent = 0, messages_received = 0, bytes_received = 0;
};

enum {
  PROP_0,
  PROP_LABEL,
  PROP_ORDERED,
  PROP_MAX_PACKET_LIFETIME,
  PROP_MAX_RETRANSMITS,
  PROP_PROTOCOL,
  PROP_NEGOTIATED,
  PROP_ID,
  PROP_PRIORITY,
  PROP_READY_STATE,
  PROP_BUFFERED_AMOUNT,
  PROP_BUFFERED_AMOUNT_LOW_THRESHOLD,
  N_PROPS
};
enum {
  SIGNAL_SEND_DATA,
  SIGNAL_SEND_STRING,
  SIGNAL_CLOSE,
  SIGNAL_ON_OPEN,
  SIGNAL_ON_CLOSING,
  SIGNAL_ON_CLOSE,
  SIGNAL_ON_ERROR,
  SIGNAL_ON_MESSAGE_DATA,
  SIGNAL_ON_MESSAGE_STRING,
  SIGNAL_ON_BUFFERED_AMOUNT_LOW,
  N_SIGNALS
};

GParamSpec *props[N_PROPS];
guint signals[N_SIGNALS];

}  // namespace

typedef struct {
  DataChannelImpl *impl;
} GstRtcDataChannelPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcDataChannel, gst_rtc_data_channel, G_TYPE_OBJECT)

static DataChannelImpl *impl_of(GstRtcDataChannel *self) {
  return static_cast<GstRtcDataChannelPrivate *>(gst_rtc_data_channel_get_instance_private(self))->impl;
}

static void gst_rtc_data_channel_init(GstRtcDataChannel *self) {
  static_cast<GstRtcDataChannelPrivate *>(gst_rtc_data_channel_get_instance_private(self))->impl =
      new DataChannelImpl();
}

static void gst_rtc_data_channel_finalize(GObject *object) {
  delete impl_of(GST_RTC_DATA_CHANNEL(object));
  G_OBJECT_CLASS(gst_rtc_data_channel_parent_class)->finalize(object);
}

static void gst_rtc_data_channel_set_property(GObject *object, guint prop_id, const GValue *value,
                                              GParamSpec *pspec) {
  auto *self = GST_RTC_DATA_CHANNEL(object);
  DataChannelImpl *impl = impl_of(self);
  if (prop_id == PROP_BUFFERED_AMOUNT_LOW_THRESHOLD) {
    if (store(impl->lock, impl->buffered_amount_low_threshold, g_value_get_uint64(value)))
      g_object_notify_by_pspec(object, pspec);
    return;
  }
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_LABEL:
      impl->label = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_ORDERED:
      impl->ordered = g_value_get_boolean(value);
      break;
    case PROP_MAX_PACKET_LIFETIME:
      impl->max_packet_lifetime = g_value_get_int(value);
      break;
    case PROP_MAX_RETRANSMITS:
      impl->max_retransmits = g_value_get_int(value);
      break;
    case PROP_PROTOCOL:
      impl->protocol = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_NEGOTIATED:
      impl->negotiated = g_value_get_boolean(value);
      break;
    case PROP_ID:
      impl->id = g_value_get_int(value);
      break;
    case PROP_PRIORITY:
      impl->priority = static_cast<GstRtcPriorityType>(g_value_get_enum(value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_data_channel_get_property(GObject *object, guint prop_id, GValue *value,
                                              GParamSpec *pspec) {
  DataChannelImpl *impl = impl_of(GST_RTC_DATA_CHANNEL(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_LABEL:
      g_value_set_string(value, impl->label.c_str());
      break;
    case PROP_ORDERED:
      g_value_set_boolean(value, impl->ordered);
      break;
    case PROP_MAX_PACKET_LIFETIME:
      g_value_set_int(value, impl->max_packet_lifetime);
      break;
    case PROP_MAX_RETRANSMITS:
      g_value_set_int(value, impl->max_retransmits);
      break;
    case PROP_PROTOCOL:
      g_value_set_string(value, impl->protocol.c_str());
      break;
    case PROP_NEGOTIATED:
      g_value_set_boolean(value, impl->negotiated);
      break;
    case PROP_ID:
      g_value_set_int(value, impl->id);
      break;
    case PROP_PRIORITY:
      g_value_set_enum(value, impl->priority);
      break;
    case PROP_READY_STATE:
      g_value_set_enum(value, impl->ready_state);
      break;
    case PROP_BUFFERED_AMOUNT:
      g_value_set_uint64(value, impl->buffered_amount);
      break;
    case PROP_BUFFERED_AMOUNT_LOW_THRESHOLD:
      g_value_set_uint64(value, impl->buffered_amount_low_threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

// Class handlers of the action signals: they have no way to return an
// error, so a failure becomes on-error (and never a silent drop).
static void send_data_action(GstRtcDataChannel *self, GBytes *data) {
  ErrorBox error;
  if (!gst_rtc_data_channel_send_data(self, data, error.out()))
    gst_rtc_data_channel_emit_error(self, error.get());
}

static void send_string_action(GstRtcDataChannel *self, const gchar *str) {
  ErrorBox error;
  if (!gst_rtc_data_channel_send_string(self, str, error.out()))
    gst_rtc_data_channel_emit_error(self, error.get());
}

static void close_action(GstRtcDataChannel *self) {
  DataChannelImpl *impl = impl_of(self);
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->ready_state == GST_RTC_DATA_CHANNEL_STATE_CLOSING ||
        impl->ready_state == GST_RTC_DATA_CHANNEL_STATE_CLOSED || impl->closing_locally)
      return;
    impl->closing_locally = true;
  }
  GST_DEBUG_OBJECT(self, "close");
  GST_RTC_DATA_CHANNEL_GET_CLASS(self)->close(self);
}

static void gst_rtc_data_channel_close_default(GstRtcDataChannel *self) {
  // No transport to shut down: the closing handshake is over at once.
  gst_rtc_data_channel_set_ready_state(self, GST_RTC_DATA_CHANNEL_STATE_CLOSING);
  gst_rtc_data_channel_set_ready_state(self, GST_RTC_DATA_CHANNEL_STATE_CLOSED);
}

static void gst_rtc_data_channel_class_init(GstRtcDataChannelClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->finalize = gst_rtc_data_channel_finalize;
  gobject_class->set_property = gst_rtc_data_channel_set_property;
  gobject_class->get_property = gst_rtc_data_channel_get_property;
  klass->close = gst_rtc_data_channel_close_default;

  /**
   * GstRtcDataChannel:label:
   *
   * The W3C `RTCDataChannel.label`.
   */
  props[PROP_LABEL] = g_param_spec_string("label", "Label", "The channel's label", "", kConstructOnly);
  /**
   * GstRtcDataChannel:ordered:
   *
   * The W3C `RTCDataChannel.ordered`: whether messages arrive in order.
   */
  props[PROP_ORDERED] = g_param_spec_boolean("ordered", "Ordered", "Whether messages are delivered in order",
                                             TRUE, kConstructOnly);
  /**
   * GstRtcDataChannel:max-packet-lifetime:
   *
   * The W3C `RTCDataChannel.maxPacketLifeTime` in milliseconds, -1 when
   * unset (W3C `null`).
   */
  props[PROP_MAX_PACKET_LIFETIME] =
      g_param_spec_int("max-packet-lifetime", "Max packet lifetime",
                       "How long (ms) an unreliable message may be retransmitted, -1 for unset", -1, 65535,
                       -1, kConstructOnly);
  /**
   * GstRtcDataChannel:max-retransmits:
   *
   * The W3C `RTCDataChannel.maxRetransmits`, -1 when unset (W3C `null`).
   */
  props[PROP_MAX_RETRANSMITS] = g_param_spec_int(
      "max-retransmits", "Max retransmits",
      "How often an unreliable message may be retransmitted, -1 for unset", -1, 65535, -1, kConstructOnly);
  /**
   * GstRtcDataChannel:protocol:
   *
   * The W3C `RTCDataChannel.protocol`: the subprotocol name, "" for none.
   */
  props[PROP_PROTOCOL] =
      g_param_spec_string("protocol", "Protocol", "The subprotocol name", "", kConstructOnly);
  /**
   * GstRtcDataChannel:negotiated:
   *
   * The W3C `RTCDataChannel.negotiated`: %TRUE when the application
   * negotiated the channel itself (no DCEP), with a fixed
   * #GstRtcDataChannel:id.
   */
  props[PROP_NEGOTIATED] =
      g_param_spec_boolean("negotiated", "Negotiated",
                           "Whether the application negotiated the channel (no DCEP)", FALSE, kConstructOnly);
  /**
   * GstRtcDataChannel:id:
   *
   * The W3C `RTCDataChannel.id`: the SCTP stream, -1 (W3C `null`) until the
   * DTLS role decided it.
   */
  props[PROP_ID] = g_param_spec_int("id", "ID", "The SCTP stream id, -1 until assigned", -1, 65534, -1,
                                    GParamFlags(kConstructOnly | G_PARAM_EXPLICIT_NOTIFY));
  /**
   * GstRtcDataChannel:priority:
   *
   * The W3C `RTCDataChannel.priority`.
   */
  props[PROP_PRIORITY] =
      g_param_spec_enum("priority", "Priority", "The channel's priority (W3C RTCPriorityType)",
                        GST_RTC_TYPE_PRIORITY_TYPE, GST_RTC_PRIORITY_TYPE_LOW, kConstructOnly);
  /**
   * GstRtcDataChannel:ready-state:
   *
   * The W3C `RTCDataChannel.readyState`.
   */
  props[PROP_READY_STATE] =
      g_param_spec_enum("ready-state", "Ready state", "The channel state (W3C RTCDataChannelState)",
                        GST_RTC_TYPE_DATA_CHANNEL_STATE, GST_RTC_DATA_CHANNEL_STATE_CONNECTING, kReadable);
  /**
   * GstRtcDataChannel:buffered-amount:
   *
   * The W3C `RTCDataChannel.bufferedAmount`: bytes queued by `send-*` and
   * not yet handed to the network.
   */
  props[PROP_BUFFERED_AMOUNT] = g_param_spec_uint64(
      "buffered-amount", "Buffered amount", "Bytes queued and not yet sent", 0, G_MAXUINT64, 0, kReadable);
  /**
   * GstRtcDataChannel:buffered-amount-low-threshold:
   *
   * The W3C `RTCDataChannel.bufferedAmountLowThreshold`:
   * #GstRtcDataChannel::on-buffered-amount-low fires when
   * #GstRtcDataChannel:buffered-amount falls from above it to or below it.
   */
  props[PROP_BUFFERED_AMOUNT_LOW_THRESHOLD] = g_param_spec_uint64(
      "buffered-amount-low-threshold", "Buffered amount low threshold",
      "The buffered amount at or below which on-buffered-amount-low fires", 0, G_MAXUINT64, 0, kReadWrite);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  /**
   * GstRtcDataChannel::send-data:
   * @channel: the #GstRtcDataChannel
   * @data: (nullable): the binary message; %NULL sends an empty one
   *
   * The W3C `RTCDataChannel.send()` of binary data, as an action signal. It
   * cannot return an error, so a failure (channel not open, no transport,
   * message too large) is emitted as #GstRtcDataChannel::on-error; use
   * gst_rtc_data_channel_send_data() to get the error back instead.
   */
  signals[SIGNAL_SEND_DATA] = g_signal_new_class_handler("send-data", G_TYPE_FROM_CLASS(klass), kActionSignal,
                                                         G_CALLBACK(send_data_action), nullptr, nullptr,
                                                         nullptr, G_TYPE_NONE, 1, G_TYPE_BYTES);
  /**
   * GstRtcDataChannel::send-string:
   * @channel: the #GstRtcDataChannel
   * @str: (nullable): the text message; %NULL sends an empty one
   *
   * The W3C `RTCDataChannel.send()` of a string, as an action signal; errors
   * as for #GstRtcDataChannel::send-data.
   */
  signals[SIGNAL_SEND_STRING] = g_signal_new_class_handler(
      "send-string", G_TYPE_FROM_CLASS(klass), kActionSignal, G_CALLBACK(send_string_action), nullptr,
      nullptr, nullptr, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * GstRtcDataChannel::close:
   * @channel: the #GstRtcDataChannel
   *
   * The W3C `RTCDataChannel.close()`: the channel becomes closing and, once
   * its stream is reset, closed (#GstRtcDataChannel::on-close). Closing a
   * closing or closed channel does nothing.
   */
  signals[SIGNAL_CLOSE] =
      g_signal_new_class_handler("close", G_TYPE_FROM_CLASS(klass), kActionSignal, G_CALLBACK(close_action),
                                 nullptr, nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcDataChannel::on-open:
   * @channel: the #GstRtcDataChannel
   *
   * The W3C `open` event: the channel can send.
   */
  signals[SIGNAL_ON_OPEN] = g_signal_new("on-open", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr,
                                         nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcDataChannel::on-closing:
   * @channel: the #GstRtcDataChannel
   *
   * The W3C `closing` event: the transport started closing the channel (the
   * remote side closed it, or the connection goes down). Not emitted for
   * #GstRtcDataChannel::close.
   */
  signals[SIGNAL_ON_CLOSING] = g_signal_new("on-closing", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                            nullptr, nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcDataChannel::on-close:
   * @channel: the #GstRtcDataChannel
   *
   * The W3C `close` event: the channel is closed.
   */
  signals[SIGNAL_ON_CLOSE] = g_signal_new("on-close", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr,
                                          nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcDataChannel::on-error:
   * @channel: the #GstRtcDataChannel
   * @error: a #GST_RTC_ERROR error
   *
   * The W3C `error` event; also how the action signals report failures.
   */
  signals[SIGNAL_ON_ERROR] = g_signal_new("on-error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr,
                                          nullptr, nullptr, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /**
   * GstRtcDataChannel::on-message-data:
   * @channel: the #GstRtcDataChannel
   * @data: (nullable): the binary message received (%NULL or empty for an
   *   empty message)
   *
   * The W3C `message` event for binary data.
   */
  signals[SIGNAL_ON_MESSAGE_DATA] =
      g_signal_new("on-message-data", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                   nullptr, G_TYPE_NONE, 1, G_TYPE_BYTES);
  /**
   * GstRtcDataChannel::on-message-string:
   * @channel: the #GstRtcDataChannel
   * @str: (nullable): the text message received
   *
   * The W3C `message` event for text.
   */
  signals[SIGNAL_ON_MESSAGE_STRING] =
      g_signal_new("on-message-string", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                   nullptr, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * GstRtcDataChannel::on-buffered-amount-low:
   * @channel: the #GstRtcDataChannel
   *
   * The W3C `bufferedamountlow` event.
   */
  signals[SIGNAL_ON_BUFFERED_AMOUNT_LOW] =
      g_signal_new("on-buffered-amount-low", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                   nullptr, G_TYPE_NONE, 0);
}

// The W3C checks every send() does before the transport sees the message.
static gboolean check_can_send(GstRtcDataChannel *channel, bool implemented, GError **error) {
  if (!implemented) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_NOT_SUPPORTED,
                "data channels are not implemented yet: %s has no transport to send on",
                G_OBJECT_TYPE_NAME(channel));
    return FALSE;
  }
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  if (impl->ready_state != GST_RTC_DATA_CHANNEL_STATE_OPEN) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE, "data channel \"%s\" is %s, not open",
                impl->label.c_str(),
                gst_rtc_enum_to_string(GST_RTC_TYPE_DATA_CHANNEL_STATE, impl->ready_state));
    return FALSE;
  }
  return TRUE;
}

// Hands an implementation's result to the caller, making sure a failure
// always carries an error (on-error needs one).
static gboolean finish_send(GstRtcDataChannel *channel, gboolean ok, ErrorBox &local, GError **error) {
  if (ok) return TRUE;
  if (!local.get())
    g_set_error(local.out(), GST_RTC_ERROR, GST_RTC_ERROR_DATA_CHANNEL_FAILURE, "%s failed to send",
                G_OBJECT_TYPE_NAME(channel));
  g_propagate_error(error, local.steal());
  return FALSE;
}

/**
 * gst_rtc_data_channel_send_data:
 * @channel: a #GstRtcDataChannel
 * @data: (nullable): the binary message; %NULL sends an empty one
 * @error: return location for a #GError, or %NULL
 *
 * The W3C `RTCDataChannel.send()` of binary data.
 *
 * Returns: %TRUE when the message was queued; %FALSE with @error set:
 *   %GST_RTC_ERROR_INVALID_STATE when the channel is not open,
 *   %GST_RTC_ERROR_NOT_SUPPORTED when the channel has no implementation (a
 *   base #GstRtcDataChannel), or what the implementation reports (e.g.
 *   %GST_RTC_ERROR_TYPE for a message larger than the SCTP transport's
 *   max-message-size)
 */
static void count_sent(GstRtcDataChannel *channel, gsize bytes) {
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  impl->messages_sent++;
  impl->bytes_sent += bytes;
}

static void count_received(GstRtcDataChannel *channel, gsize bytes) {
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  impl->messages_received++;
  impl->bytes_received += bytes;
}

gboolean gst_rtc_data_channel_send_data(GstRtcDataChannel *channel, GBytes *data, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), FALSE);
  g_return_val_if_fail(error == nullptr || *error == nullptr, FALSE);
  auto *klass = GST_RTC_DATA_CHANNEL_GET_CLASS(channel);
  if (!check_can_send(channel, klass->send_data != nullptr, error)) return FALSE;
  GBytes *empty = data ? nullptr : g_bytes_new_static("", 0);
  ErrorBox local;
  gboolean ok = klass->send_data(channel, data ? data : empty, local.out());
  if (empty) g_bytes_unref(empty);
  if (ok) count_sent(channel, data ? g_bytes_get_size(data) : 0);
  return finish_send(channel, ok, local, error);
}

/**
 * gst_rtc_data_channel_send_string:
 * @channel: a #GstRtcDataChannel
 * @str: (nullable): the text message (UTF-8); %NULL sends an empty one
 * @error: return location for a #GError, or %NULL
 *
 * The W3C `RTCDataChannel.send()` of a string.
 *
 * Returns: %TRUE when the message was queued; %FALSE with @error set as for
 *   gst_rtc_data_channel_send_data(), or %GST_RTC_ERROR_TYPE when @str is not
 *   valid UTF-8
 */
gboolean gst_rtc_data_channel_send_string(GstRtcDataChannel *channel, const gchar *str, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), FALSE);
  g_return_val_if_fail(error == nullptr || *error == nullptr, FALSE);
  auto *klass = GST_RTC_DATA_CHANNEL_GET_CLASS(channel);
  if (!check_can_send(channel, klass->send_string != nullptr, error)) return FALSE;
  if (str && !g_utf8_validate(str, -1, nullptr)) {
    g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "the string is not valid UTF-8");
    return FALSE;
  }
  ErrorBox local;
  gboolean ok = klass->send_string(channel, str ? str : "", local.out());
  if (ok) count_sent(channel, str ? strlen(str) : 0);
  return finish_send(channel, ok, local, error);
}

/**
 * gst_rtc_data_channel_close:
 * @channel: a #GstRtcDataChannel
 *
 * Emits #GstRtcDataChannel::close.
 */
void gst_rtc_data_channel_close(GstRtcDataChannel *channel) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  g_signal_emit(channel, signals[SIGNAL_CLOSE], 0);
}

/**
 * gst_rtc_data_channel_get_label:
 * @channel: a #GstRtcDataChannel
 *
 * Returns: (transfer full): the #GstRtcDataChannel:label
 */
gchar *gst_rtc_data_channel_get_label(GstRtcDataChannel *channel) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), nullptr);
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  return g_strdup(impl->label.c_str());
}

/**
 * gst_rtc_data_channel_get_id:
 * @channel: a #GstRtcDataChannel
 *
 * Returns: the #GstRtcDataChannel:id, -1 while unassigned
 */
gint gst_rtc_data_channel_get_id(GstRtcDataChannel *channel) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), -1);
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->id;
}

/**
 * gst_rtc_data_channel_get_ready_state:
 * @channel: a #GstRtcDataChannel
 *
 * Returns: the #GstRtcDataChannel:ready-state
 */
GstRtcDataChannelState gst_rtc_data_channel_get_ready_state(GstRtcDataChannel *channel) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->ready_state;
}

/**
 * gst_rtc_data_channel_get_buffered_amount:
 * @channel: a #GstRtcDataChannel
 *
 * Returns: the #GstRtcDataChannel:buffered-amount
 */
guint64 gst_rtc_data_channel_get_buffered_amount(GstRtcDataChannel *channel) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), 0);
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->buffered_amount;
}

/**
 * gst_rtc_data_channel_set_ready_state:
 * @channel: a #GstRtcDataChannel
 * @state: the new state
 *
 * For implementations: sets #GstRtcDataChannel:ready-state, notifies, and
 * emits the W3C event of the new state: #GstRtcDataChannel::on-open,
 * #GstRtcDataChannel::on-closing (only when the channel was not closed
 * locally with #GstRtcDataChannel::close) or #GstRtcDataChannel::on-close.
 * Closed is final: a later change is ignored with a warning in the debug log.
 */
void gst_rtc_data_channel_set_ready_state(GstRtcDataChannel *channel, GstRtcDataChannelState state) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  DataChannelImpl *impl = impl_of(channel);
  bool announce_closing;
  bool notify = false;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (state == GST_RTC_DATA_CHANNEL_STATE_OPEN && impl->ready_state == GST_RTC_DATA_CHANNEL_STATE_OPEN &&
        impl->open_pending) {
      // gst_rtc_data_channel_set_open_quietly() opened it: now the event.
      impl->open_pending = false;
      announce_closing = false;
    } else if (state == GST_RTC_DATA_CHANNEL_STATE_OPEN &&
               impl->ready_state != GST_RTC_DATA_CHANNEL_STATE_CONNECTING) {
      return;  // closed (or closing) before its open event: no open any more
    } else {
      if (impl->ready_state == state) return;
      if (impl->ready_state == GST_RTC_DATA_CHANNEL_STATE_CLOSED) {
        GST_WARNING_OBJECT(channel, "ignoring ready-state %s: the channel is closed",
                           gst_rtc_enum_to_string(GST_RTC_TYPE_DATA_CHANNEL_STATE, state));
        return;
      }
      impl->ready_state = state;
      impl->open_pending = false;
      announce_closing = !impl->closing_locally;
      notify = true;
    }
  }
  if (notify) {
    GST_DEBUG_OBJECT(channel, "ready-state %s", gst_rtc_enum_to_string(GST_RTC_TYPE_DATA_CHANNEL_STATE, state));
    g_object_notify_by_pspec(G_OBJECT(channel), props[PROP_READY_STATE]);
  }
  switch (state) {
    case GST_RTC_DATA_CHANNEL_STATE_OPEN:
      g_signal_emit(channel, signals[SIGNAL_ON_OPEN], 0);
      break;
    case GST_RTC_DATA_CHANNEL_STATE_CLOSING:
      if (announce_closing) g_signal_emit(channel, signals[SIGNAL_ON_CLOSING], 0);
      break;
    case GST_RTC_DATA_CHANNEL_STATE_CLOSED:
      g_signal_emit(channel, signals[SIGNAL_ON_CLOSE], 0);
      break;
    default:
      break;
  }
}

/**
 * gst_rtc_data_channel_set_id:
 * @channel: a #GstRtcDataChannel
 * @id: the SCTP stream id, 0..65534, or -1 for none
 *
 * For implementations, once the DTLS role picked the stream: sets
 * #GstRtcDataChannel:id and notifies when it changed.
 */
void gst_rtc_data_channel_set_id(GstRtcDataChannel *channel, gint id) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  g_return_if_fail(id >= -1 && id <= 65534);
  if (store(impl_of(channel)->lock, impl_of(channel)->id, id))
    g_object_notify_by_pspec(G_OBJECT(channel), props[PROP_ID]);
}

/**
 * gst_rtc_data_channel_set_buffered_amount:
 * @channel: a #GstRtcDataChannel
 * @amount: bytes queued and not yet sent
 *
 * For implementations: sets #GstRtcDataChannel:buffered-amount and notifies
 * when it changed; emits #GstRtcDataChannel::on-buffered-amount-low when the
 * amount falls from above #GstRtcDataChannel:buffered-amount-low-threshold to
 * or below it.
 */
void gst_rtc_data_channel_set_buffered_amount(GstRtcDataChannel *channel, guint64 amount) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  DataChannelImpl *impl = impl_of(channel);
  bool crossed_low;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->buffered_amount == amount) return;
    const guint64 threshold = impl->buffered_amount_low_threshold;
    crossed_low = impl->buffered_amount > threshold && amount <= threshold;
    impl->buffered_amount = amount;
  }
  g_object_notify_by_pspec(G_OBJECT(channel), props[PROP_BUFFERED_AMOUNT]);
  if (crossed_low) g_signal_emit(channel, signals[SIGNAL_ON_BUFFERED_AMOUNT_LOW], 0);
}

/**
 * gst_rtc_data_channel_emit_message_data:
 * @channel: a #GstRtcDataChannel
 * @data: (nullable): the binary message received
 *
 * For implementations: emits #GstRtcDataChannel::on-message-data.
 */
void gst_rtc_data_channel_emit_message_data(GstRtcDataChannel *channel, GBytes *data) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  count_received(channel, data ? g_bytes_get_size(data) : 0);
  g_signal_emit(channel, signals[SIGNAL_ON_MESSAGE_DATA], 0, data);
}

/**
 * gst_rtc_data_channel_emit_message_string:
 * @channel: a #GstRtcDataChannel
 * @str: (nullable): the text message received
 *
 * For implementations: emits #GstRtcDataChannel::on-message-string.
 */
void gst_rtc_data_channel_emit_message_string(GstRtcDataChannel *channel, const gchar *str) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  count_received(channel, str ? strlen(str) : 0);
  g_signal_emit(channel, signals[SIGNAL_ON_MESSAGE_STRING], 0, str);
}

/**
 * gst_rtc_data_channel_emit_error:
 * @channel: a #GstRtcDataChannel
 * @error: the error, normally in the #GST_RTC_ERROR domain
 *
 * For implementations: emits #GstRtcDataChannel::on-error. Closing the
 * channel afterwards, where W3C asks for it, is up to the caller.
 */
void gst_rtc_data_channel_emit_error(GstRtcDataChannel *channel, const GError *error) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  g_return_if_fail(error != nullptr);
  GST_INFO_OBJECT(channel, "error: %s", error->message);
  g_signal_emit(channel, signals[SIGNAL_ON_ERROR], 0, error);
}

/**
 * gst_rtc_data_channel_get_stats:
 * @channel: a #GstRtcDataChannel
 *
 * The counters of W3C `RTCDataChannelStats`: messages and payload bytes
 * sent (accepted by send-data / send-string) and received (delivered by
 * on-message-data / on-message-string).
 *
 * Returns: (transfer full): a structure `data-channel-counters` with
 *   #guint64 fields `messages-sent`, `bytes-sent`, `messages-received`,
 *   `bytes-received`
 */
GstStructure *gst_rtc_data_channel_get_stats(GstRtcDataChannel *channel) {
  g_return_val_if_fail(GST_RTC_IS_DATA_CHANNEL(channel), nullptr);
  DataChannelImpl *impl = impl_of(channel);
  std::lock_guard<std::mutex> guard(impl->lock);
  return gst_structure_new("data-channel-counters", "messages-sent", G_TYPE_UINT64, impl->messages_sent,
                           "bytes-sent", G_TYPE_UINT64, impl->bytes_sent, "messages-received", G_TYPE_UINT64,
                           impl->messages_received, "bytes-received", G_TYPE_UINT64, impl->bytes_received, nullptr);
}

/**
 * gst_rtc_data_channel_set_open_quietly:
 * @channel: a #GstRtcDataChannel
 *
 * For implementations announcing a channel the peer opened (W3C "announce
 * the data channel"): the channel becomes open (notify::ready-state) without
 * #GstRtcDataChannel::on-open, so that the application may send from its
 * on-data-channel handler; the next
 * gst_rtc_data_channel_set_ready_state (%GST_RTC_DATA_CHANNEL_STATE_OPEN)
 * emits on-open, unless the channel was closed in between.
 */
void gst_rtc_data_channel_set_open_quietly(GstRtcDataChannel *channel) {
  g_return_if_fail(GST_RTC_IS_DATA_CHANNEL(channel));
  DataChannelImpl *impl = impl_of(channel);
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->ready_state != GST_RTC_DATA_CHANNEL_STATE_CONNECTING) return;
    impl->ready_state = GST_RTC_DATA_CHANNEL_STATE_OPEN;
    impl->open_pending = true;
  }
  GST_DEBUG_OBJECT(channel, "ready-state open (on-open pending)");
  g_object_notify_by_pspec(G_OBJECT(channel), props[PROP_READY_STATE]);
}
