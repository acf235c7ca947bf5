/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcsctpenc
 * @title: rtcsctpenc
 * @see_also: rtcsctpdec, rtcdtlssrtpenc
 *
 * The sending half of one SCTP association for WebRTC data channels
 * (RFC 8831, DCEP RFC 8832) over usrsctp. It has no sink pad: data channels
 * are objects (#GstRtcDataChannel) made with #GstRtcSctpEnc::create-data-channel
 * or announced by #GstRtcSctpEnc::on-data-channel, and the association's SCTP
 * packets leave on `src`, one per buffer, for rtcdtlssrtpenc's data sink.
 * The rtcsctpdec with the same #GstRtcSctpEnc:sctp-association-id feeds the
 * packets coming back.
 *
 * The association starts (simultaneous open) when the element goes to
 * PAUSED; it is a live source there (no preroll).
 *
 * ## Example launch line (two associations back to back)
 * |[
 * gst-launch-1.0 rtcsctpenc sctp-association-id=1 ! rtcsctpdec sctp-association-id=2 \
 *     rtcsctpenc sctp-association-id=2 is-client=false ! rtcsctpdec sctp-association-id=1
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcsctpenc.h"

#include <gst/rtc/rtc.h>

#include <chrono>
#include <mutex>

#include "sctp-session.h"

using gst_rtc::sctp::Session;
using gst_rtc::sctp::SessionConfig;

GST_DEBUG_CATEGORY_STATIC(gst_rtc_sctp_enc_debug);
#define GST_CAT_DEFAULT gst_rtc_sctp_enc_debug

namespace {

constexpr guint kDefaultAssociationId = 1;
constexpr guint kDefaultPort = 5000;
constexpr guint64 kDefaultMaxMessageSize = 262144;

enum {
  PROP_0,
  PROP_ASSOCIATION_ID,
  PROP_LOCAL_PORT,
  PROP_REMOTE_PORT,
  PROP_IS_CLIENT,
  PROP_MAX_MESSAGE_SIZE,
  PROP_REMOTE_MAX_MESSAGE_SIZE,
  PROP_TRANSPORT,
  PROP_MAX_PATH_MTU,
  PROP_PATH_MTU,
};

enum { SIGNAL_CREATE_DATA_CHANNEL, SIGNAL_ON_DATA_CHANNEL, N_SIGNALS };
guint signals[N_SIGNALS];

GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-sctp"));

}  // namespace

struct SctpEncPrivate {
  std::mutex lock;
  guint association_id = kDefaultAssociationId;
  SessionConfig config;
  std::shared_ptr<Session> session;
  bool headers_sent = false;  // guarded by the src pad's stream lock
};

struct _GstRtcSctpEnc {
  GstElement parent;
  GstPad *srcpad;
  SctpEncPrivate *priv;
};

G_DEFINE_TYPE(GstRtcSctpEnc, gst_rtc_sctp_enc, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE(rtcsctpenc, "rtcsctpenc", GST_RANK_NONE, GST_TYPE_RTC_SCTP_ENC)

// The session of the current association id, acquired on first use (a
// channel may be created, or the transport read, before READY).
static std::shared_ptr<Session> session_of(GstRtcSctpEnc *self) {
  std::lock_guard lock(self->priv->lock);
  if (!self->priv->session) {
    self->priv->session = Session::acquire(self->priv->association_id);
    self->priv->session->set_remote_max_message_size(self->priv->config.remote_max_message_size);
  }
  return self->priv->session;
}

static void push_packets(GstRtcSctpEnc *self, std::vector<GstBuffer *> &packets) {
  if (packets.empty()) return;
  if (!self->priv->headers_sent) {
    gchar *stream_id = gst_pad_create_stream_id(self->srcpad, GST_ELEMENT(self), "sctp");
    gst_pad_push_event(self->srcpad, gst_event_new_stream_start(stream_id));
    g_free(stream_id);
    GstCaps *caps = gst_caps_new_empty_simple("application/x-sctp");
    gst_pad_push_event(self->srcpad, gst_event_new_caps(caps));
    gst_caps_unref(caps);
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(self->srcpad, gst_event_new_segment(&segment));
    self->priv->headers_sent = true;
  }
  GstBufferList *list = gst_buffer_list_new_sized(static_cast<guint>(packets.size()));
  for (GstBuffer *b : packets) gst_buffer_list_add(list, b);
  packets.clear();
  GstFlowReturn ret = gst_pad_push_list(self->srcpad, list);
  // Not linked: nobody carries the association; SCTP retransmits, and a
  // dead link ends in an association failure that the application sees.
  if (ret != GST_FLOW_OK && ret != GST_FLOW_NOT_LINKED && ret != GST_FLOW_FLUSHING)
    GST_DEBUG_OBJECT(self, "push: %s", gst_flow_get_name(ret));
}

static void gst_rtc_sctp_enc_loop(GstRtcSctpEnc *self) {
  auto session = session_of(self);
  std::vector<GstBuffer *> packets;
  if (!session->wait_output(packets)) {
    gst_pad_pause_task(self->srcpad);
    return;
  }
  push_packets(self, packets);
  session->output_pushed();
  // What usrsctp's own thread produced (timeouts, writable space) and what
  // the application's calls queued.
  session->dispatch();
}

static gboolean gst_rtc_sctp_enc_activate_mode(GstPad *pad, GstObject *parent, GstPadMode mode,
                                               gboolean active) {
  auto *self = GST_RTC_SCTP_ENC(parent);
  if (mode != GST_PAD_MODE_PUSH) return FALSE;
  auto session = session_of(self);
  if (active) {
    session->set_flushing(false);
    self->priv->headers_sent = false;
    return gst_pad_start_task(pad, reinterpret_cast<GstTaskFunction>(gst_rtc_sctp_enc_loop), self, nullptr);
  }
  session->set_flushing(true);
  return gst_pad_stop_task(pad);
}

static SessionConfig config_of(GstRtcSctpEnc *self) {
  std::lock_guard lock(self->priv->lock);
  return self->priv->config;
}

static GstStateChangeReturn gst_rtc_sctp_enc_change_state(GstElement *element, GstStateChange transition) {
  auto *self = GST_RTC_SCTP_ENC(element);
  auto session = session_of(self);
  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!session->attach_encoder(element)) {
        GST_ELEMENT_ERROR(self, RESOURCE, BUSY, (nullptr),
                          ("another rtcsctpenc uses sctp-association-id %u", session->association_id()));
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY: {
      // The ABORT that stopping queues should reach the peer, so that its
      // channels close now rather than after retransmission timeouts.
      session->stop();
      // The task pushes it; it is about to be stopped by the deactivation.
      session->wait_output_taken(std::chrono::milliseconds(200));
      break;
    }
    default:
      break;
  }

  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_rtc_sctp_enc_parent_class)->change_state(element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED: {
      GError *error = nullptr;
      if (!session->started() && !session->start(config_of(self), &error)) {
        gst_element_message_full(element, GST_MESSAGE_ERROR, error->domain, error->code,
                                 g_strdup(error->message), nullptr, __FILE__, GST_FUNCTION, __LINE__);
        g_error_free(error);
        return GST_STATE_CHANGE_FAILURE;
      }
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    }
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      session->detach_encoder(element);
      break;
    default:
      break;
  }
  return ret;
}

static GstRtcDataChannel *gst_rtc_sctp_enc_create_data_channel(GstRtcSctpEnc *self, const gchar *label,
                                                               GstStructure *options) {
  GError *error = nullptr;
  GstRtcDataChannel *channel = session_of(self)->create_channel(label, options, &error);
  if (!channel) {
    GST_WARNING_OBJECT(self, "create-data-channel \"%s\": %s", label ? label : "", error->message);
    gst_element_message_full(GST_ELEMENT(self), GST_MESSAGE_WARNING, error->domain, error->code,
                             g_strdup(error->message), nullptr, __FILE__, GST_FUNCTION, __LINE__);
    g_error_free(error);
  }
  return channel;
}

static void gst_rtc_sctp_enc_set_property(GObject *object, guint prop_id, const GValue *value,
                                          GParamSpec *pspec) {
  auto *self = GST_RTC_SCTP_ENC(object);
  SctpEncPrivate *priv = self->priv;
  std::shared_ptr<Session> session;
  std::shared_ptr<Session> released;
  {
    std::lock_guard lock(priv->lock);
    switch (prop_id) {
      case PROP_ASSOCIATION_ID:
        if (priv->association_id != g_value_get_uint(value)) {
          if (GST_STATE(self) > GST_STATE_NULL) {
            GST_WARNING_OBJECT(self, "sctp-association-id can only change in the NULL state");
            break;
          }
          priv->association_id = g_value_get_uint(value);
          released = std::move(priv->session);
          priv->session.reset();
        }
        break;
      case PROP_LOCAL_PORT:
        priv->config.local_port = static_cast<uint16_t>(g_value_get_uint(value));
        break;
      case PROP_REMOTE_PORT:
        priv->config.remote_port = static_cast<uint16_t>(g_value_get_uint(value));
        break;
      case PROP_IS_CLIENT:
        priv->config.is_client = g_value_get_boolean(value);
        break;
      case PROP_MAX_MESSAGE_SIZE:
        priv->config.max_message_size = g_value_get_uint64(value);
        break;
      case PROP_REMOTE_MAX_MESSAGE_SIZE:
        priv->config.remote_max_message_size = g_value_get_uint64(value);
        session = priv->session;
        break;
      case PROP_MAX_PATH_MTU:
        priv->config.max_path_mtu = g_value_get_uint(value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
        break;
    }
  }
  if (session) session->set_remote_max_message_size(g_value_get_uint64(value));
}

static void gst_rtc_sctp_enc_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_SCTP_ENC(object);
  if (prop_id == PROP_TRANSPORT) {
    g_value_set_object(value, session_of(self)->transport());
    return;
  }
  if (prop_id == PROP_PATH_MTU) {
    g_value_set_uint(value, static_cast<guint>(session_of(self)->path_mtu()));
    return;
  }
  SctpEncPrivate *priv = self->priv;
  std::lock_guard lock(priv->lock);
  switch (prop_id) {
    case PROP_ASSOCIATION_ID:
      g_value_set_uint(value, priv->association_id);
      break;
    case PROP_LOCAL_PORT:
      g_value_set_uint(value, priv->config.local_port);
      break;
    case PROP_REMOTE_PORT:
      g_value_set_uint(value, priv->config.remote_port);
      break;
    case PROP_IS_CLIENT:
      g_value_set_boolean(value, priv->config.is_client);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64(value, priv->config.max_message_size);
      break;
    case PROP_REMOTE_MAX_MESSAGE_SIZE:
      g_value_set_uint64(value, priv->config.remote_max_message_size);
      break;
    case PROP_MAX_PATH_MTU:
      g_value_set_uint(value, priv->config.max_path_mtu);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_rtc_sctp_enc_init(GstRtcSctpEnc *self) {
  self->priv = new SctpEncPrivate();
  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_activatemode_function(self->srcpad, gst_rtc_sctp_enc_activate_mode);
  gst_pad_use_fixed_caps(self->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
  GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
}

static void gst_rtc_sctp_enc_finalize(GObject *object) {
  delete GST_RTC_SCTP_ENC(object)->priv;
  G_OBJECT_CLASS(gst_rtc_sctp_enc_parent_class)->finalize(object);
}

static void gst_rtc_sctp_enc_class_init(GstRtcSctpEncClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_sctp_enc_debug, "rtcsctpenc", 0, "WebRTC SCTP association, sending half");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->finalize = gst_rtc_sctp_enc_finalize;
  gobject_class->set_property = gst_rtc_sctp_enc_set_property;
  gobject_class->get_property = gst_rtc_sctp_enc_get_property;
  element_class->change_state = gst_rtc_sctp_enc_change_state;

  const auto rw = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  const auto rw_ready = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstRtcSctpEnc:sctp-association-id:
   *
   * The association this element sends for: the rtcsctpdec with the same
   * id feeds it. One rtcsctpenc and one rtcsctpdec per id in a process.
   */
  g_object_class_install_property(
      gobject_class, PROP_ASSOCIATION_ID,
      g_param_spec_uint("sctp-association-id", "SCTP association id",
                        "Pairs this element with the rtcsctpdec of the same id (set in NULL state)", 0,
                        G_MAXUINT, kDefaultAssociationId, rw));
  /**
   * GstRtcSctpEnc:local-sctp-port:
   *
   * Our SCTP port (SDP a=sctp-port of the local description).
   */
  g_object_class_install_property(
      gobject_class, PROP_LOCAL_PORT,
      g_param_spec_uint("local-sctp-port", "Local SCTP port", "Our SCTP port (a=sctp-port we advertise)", 0,
                        65535, kDefaultPort, rw_ready));
  /**
   * GstRtcSctpEnc:remote-sctp-port:
   *
   * The peer's SCTP port (SDP a=sctp-port of the remote description).
   */
  g_object_class_install_property(
      gobject_class, PROP_REMOTE_PORT,
      g_param_spec_uint("remote-sctp-port", "Remote SCTP port", "The peer's SCTP port (its a=sctp-port)", 0,
                        65535, kDefaultPort, rw_ready));
  /**
   * GstRtcSctpEnc:is-client:
   *
   * Whether we are the DTLS client: clients open data channels on even
   * stream ids, servers on odd ones (RFC 8832 §6).
   */
  g_object_class_install_property(
      gobject_class, PROP_IS_CLIENT,
      g_param_spec_boolean("is-client", "Is client",
                           "Whether we are the DTLS client (even data channel ids) or server (odd ids)", TRUE,
                           rw_ready));
  /**
   * GstRtcSctpEnc:max-message-size:
   *
   * The largest message we accept (what we advertise as a=max-message-size);
   * a larger incoming message is dropped and reported as a
   * %GST_RTC_ERROR_DATA_CHANNEL_FAILURE warning from rtcsctpdec. 0: no limit.
   */
  g_object_class_install_property(
      gobject_class, PROP_MAX_MESSAGE_SIZE,
      g_param_spec_uint64("max-message-size", "Max message size",
                          "Largest message we accept, our a=max-message-size (0: no limit)", 0, G_MAXUINT64,
                          kDefaultMaxMessageSize, rw_ready));
  /**
   * GstRtcSctpEnc:remote-max-message-size:
   *
   * The peer's a=max-message-size: a larger send fails with
   * %GST_RTC_ERROR_TYPE and sends nothing. 65536 (RFC 8841's default)
   * until set; 0 means no limit. Can change at any time (renegotiation).
   */
  g_object_class_install_property(
      gobject_class, PROP_REMOTE_MAX_MESSAGE_SIZE,
      g_param_spec_uint64("remote-max-message-size", "Remote max message size",
                          "Largest message the peer accepts, its a=max-message-size (0: no limit)", 0,
                          G_MAXUINT64, GST_RTC_SCTP_DEFAULT_MAX_MESSAGE_SIZE,
                          GParamFlags(rw | GST_PARAM_MUTABLE_PLAYING)));
  /**
   * GstRtcSctpEnc:max-path-mtu:
   *
   * Path MTU discovery (RFC 8899, as RFC 8261 asks of SCTP over DTLS): once
   * the association is up, packets of 1384, 8884 and 16384 bytes (those up to
   * this value) are probed with a padded HEARTBEAT and the largest the peer
   * answers is used; it starts at 1280 bytes, which every WebRTC peer takes.
   * The default, 1384 (one Ethernet frame), is safe with every peer; larger
   * values only with a peer known to take DTLS datagrams that large:
   * libwebrtc (Chrome, Safari) fails its DTLS transport on any above 2048
   * bytes. rtcpeerbin raises it when the peer's SDP carries
   * `a=x-sctp-max-packet-size`. The layers below must drop a probe they
   * cannot carry whole (%GST_RTC_BUFFER_FLAG_PROBE): rtcdtlssrtpenc and
   * rtcicesink do, so with them a probe never passes as IP fragments or
   * through a TURN relay. 0 (or 1280 and less): no probing.
   */
  g_object_class_install_property(
      gobject_class, PROP_MAX_PATH_MTU,
      g_param_spec_uint("max-path-mtu", "Max path MTU",
                        "Largest SCTP packet size to probe the path for (RFC 8899); 0: no probing", 0, 65535,
                        1384, rw_ready));
  /**
   * GstRtcSctpEnc:path-mtu:
   *
   * The SCTP packet size in use: 1280 bytes until a larger probe is answered
   * (#GstRtcSctpEnc:max-path-mtu).
   */
  g_object_class_install_property(
      gobject_class, PROP_PATH_MTU,
      g_param_spec_uint("path-mtu", "Path MTU", "SCTP packet size in use, in bytes", 0, 65535, 1280,
                        GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcSctpEnc:transport:
   *
   * The association as a #GstRtcSctpTransport (W3C RTCSctpTransport):
   * state, max-message-size and max-channels are kept current, each change
   * notified.
   */
  g_object_class_install_property(
      gobject_class, PROP_TRANSPORT,
      g_param_spec_object("transport", "Transport", "The association as a GstRtcSctpTransport",
                          GST_RTC_TYPE_SCTP_TRANSPORT,
                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  /**
   * GstRtcSctpEnc::create-data-channel:
   * @enc: the #GstRtcSctpEnc
   * @label: (nullable): the channel's label
   * @options: (nullable): `ordered` (boolean), `max-packet-lifetime` (int,
   *   ms), `max-retransmits` (int), `protocol` (string), `negotiated`
   *   (boolean), `id` (int), `priority` (string: very-low, low, medium, high)
   *
   * The W3C `createDataChannel()`. The channel is connecting until the
   * association is up and the peer acknowledged it (or at once, when
   * negotiated). Without `negotiated`, its id follows #GstRtcSctpEnc:is-client
   * and is -1 until the association starts.
   *
   * Returns: (transfer full) (nullable): the new channel, or %NULL when the
   *   options are invalid (a #GST_RTC_ERROR warning on the bus says why:
   *   %GST_RTC_ERROR_TYPE, or %GST_RTC_ERROR_OPERATION for an id in use)
   */
  signals[SIGNAL_CREATE_DATA_CHANNEL] = g_signal_new_class_handler(
      "create-data-channel", G_TYPE_FROM_CLASS(klass), GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(gst_rtc_sctp_enc_create_data_channel), nullptr, nullptr, nullptr, GST_RTC_TYPE_DATA_CHANNEL,
      2, G_TYPE_STRING, GST_TYPE_STRUCTURE);
  /**
   * GstRtcSctpEnc::on-data-channel:
   * @enc: the #GstRtcSctpEnc
   * @channel: the #GstRtcDataChannel the peer opened
   *
   * The W3C `datachannel` event: the peer opened a channel with DCEP. Connect
   * to the channel's signals here: #GstRtcDataChannel::on-open follows, then
   * its messages.
   */
  signals[SIGNAL_ON_DATA_CHANNEL] =
      g_signal_new("on-data-channel", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                   nullptr, G_TYPE_NONE, 1, GST_RTC_TYPE_DATA_CHANNEL);

  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(element_class, "WebRTC SCTP encoder", "Encoder/Network/WebRTC",
                                        "Data channels over one SCTP association: emits its SCTP packets",
                                        "gst-rtc");
}
