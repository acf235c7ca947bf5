/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcpeerbin
 * @title: rtcpeerbin
 * @see_also: rtcicesrc, rtcdtlssrtpenc, rtcsctpenc
 *
 * A W3C RTCPeerConnection as a bin. JSEP negotiation is driven with action
 * signals taking a #GstPromise (#GstRtcPeerBin::create-offer,
 * #GstRtcPeerBin::set-local-description, ...), negotiation and connection
 * events are signals and property notifications, data channels are
 * #GstRtcDataChannel objects. The signal names and signatures are
 * webrtcbin's wherever webrtcbin has the same feature.
 *
 * Inside, the bin wires the gst-rtc elements for each transport it
 * negotiates: rtcicesrc/rtcicesink, rtcdtlssrtpenc/rtcdtlssrtpdec and, for
 * data channels, rtcsctpenc/rtcsctpdec. Every promise-taking action runs in
 * order on the bin's own operations thread (the W3C operations chain).
 *
 * Promises are replied with a structure holding the result (`offer`,
 * `answer`, `certificate`) or an `error` field (a #GError in the
 * %GST_RTC_ERROR domain); set-local/remote-description and
 * add-ice-candidate reply %NULL on success. A failing action called without
 * a promise posts a warning message with the error on the bus.
 *
 * ## Example: a data channel between two bins
 * See examples/ and tests/check/pipelines/ for complete programs; the
 * signalling is the application's, exactly as with webrtcbin.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcpeerbin.h"

#include <mutex>

#include <gst/rtc/rtc-enumtypes.h>

#include "peer-connection.h"

using gst_rtc::peer::PeerConnection;
using gst_rtc::peer::Settings;

GST_DEBUG_CATEGORY(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace {

enum {
  PROP_0,
  PROP_CONNECTION_STATE,
  PROP_ICE_CONNECTION_STATE,
  PROP_ICE_GATHERING_STATE,
  PROP_SIGNALING_STATE,
  PROP_LOCAL_DESCRIPTION,
  PROP_CURRENT_LOCAL_DESCRIPTION,
  PROP_PENDING_LOCAL_DESCRIPTION,
  PROP_REMOTE_DESCRIPTION,
  PROP_CURRENT_REMOTE_DESCRIPTION,
  PROP_PENDING_REMOTE_DESCRIPTION,
  PROP_CAN_TRICKLE,
  PROP_SCTP_TRANSPORT,
  PROP_ICE_SERVERS,
  PROP_STUN_SERVER,
  PROP_TURN_SERVER,
  PROP_ICE_TRANSPORT_POLICY,
  PROP_BUNDLE_POLICY,
  PROP_ICE_CANDIDATE_POOL_SIZE,
  PROP_CERTIFICATE,
  PROP_LATENCY,
  PROP_ICE_LOCAL_ADDRESSES,
  N_PROPS
};
GParamSpec *props[N_PROPS];

enum {
  SIGNAL_CREATE_OFFER,
  SIGNAL_CREATE_ANSWER,
  SIGNAL_SET_LOCAL_DESCRIPTION,
  SIGNAL_SET_REMOTE_DESCRIPTION,
  SIGNAL_ADD_ICE_CANDIDATE,
  SIGNAL_ADD_TRANSCEIVER,
  SIGNAL_GET_TRANSCEIVERS,
  SIGNAL_GET_TRANSCEIVER,
  SIGNAL_GET_SENDERS,
  SIGNAL_GET_RECEIVERS,
  SIGNAL_CREATE_DATA_CHANNEL,
  SIGNAL_GET_STATS,
  SIGNAL_RESTART_ICE,
  SIGNAL_GET_CONFIGURATION,
  SIGNAL_SET_CONFIGURATION,
  SIGNAL_GENERATE_CERTIFICATE,
  SIGNAL_ADD_TURN_SERVER,
  SIGNAL_CLOSE,
  SIGNAL_ON_NEGOTIATION_NEEDED,
  SIGNAL_ON_ICE_CANDIDATE,
  SIGNAL_ON_ICE_CANDIDATE_ERROR,
  SIGNAL_ON_DATA_CHANNEL,
  SIGNAL_ON_NEW_TRANSCEIVER,
  N_SIGNALS
};
guint signals[N_SIGNALS];

constexpr GParamFlags kReadable = GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
constexpr GParamFlags kReadWrite = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
constexpr GSignalFlags kAction = GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION);

std::vector<std::string> strv_to_vector(const GValue *value) {
  std::vector<std::string> out;
  for (auto **p = static_cast<gchar **>(g_value_get_boxed(value)); p && *p; ++p) out.emplace_back(*p);
  return out;
}

GStrv vector_to_strv(const std::vector<std::string> &v) {
  GStrv out = g_new0(gchar *, v.size() + 1);
  for (size_t i = 0; i < v.size(); ++i) out[i] = g_strdup(v[i].c_str());
  return out;
}

}  // namespace

struct _GstRtcPeerBin {
  GstBin parent;
  PeerConnection *pc;
};

G_DEFINE_TYPE(GstRtcPeerBin, gst_rtc_peer_bin, GST_TYPE_BIN)

// ---------------------------------------------------------------------------
// GstRtcPeerBinPad

/**
 * GstRtcPeerBinPad:
 *
 * A `sink_%u` or `src_%u` pad of rtcpeerbin.
 */
struct _GstRtcPeerBinPad {
  GstGhostPad parent;
  GstRtcRtpTransceiver *transceiver;  // owned ref, under the object lock
  gchar *msid;                        // under the object lock
  gchar *rid;                         // under the object lock
};

enum { PAD_PROP_0, PAD_PROP_TRANSCEIVER, PAD_PROP_MSID, PAD_PROP_RID };

G_DEFINE_TYPE(GstRtcPeerBinPad, gst_rtc_peer_bin_pad, GST_TYPE_GHOST_PAD)

static void gst_rtc_peer_bin_pad_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec) {
  auto *pad = GST_RTC_PEER_BIN_PAD(object);
  GST_OBJECT_LOCK(pad);
  switch (id) {
    case PAD_PROP_TRANSCEIVER:
      g_value_set_object(value, pad->transceiver);
      break;
    case PAD_PROP_MSID:
      g_value_set_string(value, pad->msid);
      break;
    case PAD_PROP_RID:
      g_value_set_string(value, pad->rid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
  GST_OBJECT_UNLOCK(pad);
}

static void gst_rtc_peer_bin_pad_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec) {
  auto *pad = GST_RTC_PEER_BIN_PAD(object);
  gchar **field = id == PAD_PROP_MSID ? &pad->msid : id == PAD_PROP_RID ? &pad->rid : nullptr;
  if (!field) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    return;
  }
  GST_OBJECT_LOCK(pad);
  g_free(*field);
  *field = g_value_dup_string(value);
  GST_OBJECT_UNLOCK(pad);
}

static void gst_rtc_peer_bin_pad_finalize(GObject *object) {
  auto *pad = GST_RTC_PEER_BIN_PAD(object);
  if (pad->transceiver) gst_object_unref(pad->transceiver);
  g_free(pad->msid);
  g_free(pad->rid);
  G_OBJECT_CLASS(gst_rtc_peer_bin_pad_parent_class)->finalize(object);
}

static void gst_rtc_peer_bin_pad_init(GstRtcPeerBinPad *) {}

static void gst_rtc_peer_bin_pad_class_init(GstRtcPeerBinPadClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->get_property = gst_rtc_peer_bin_pad_get_property;
  gobject_class->set_property = gst_rtc_peer_bin_pad_set_property;
  gobject_class->finalize = gst_rtc_peer_bin_pad_finalize;
  /**
   * GstRtcPeerBinPad:transceiver:
   *
   * The transceiver this pad sends or receives for: set on a `sink_%u` pad
   * once its caps arrive (linking a pad with caps creates or takes one, as
   * webrtcbin does), on a `src_%u` pad when it is added.
   */
  g_object_class_install_property(
      gobject_class, PAD_PROP_TRANSCEIVER,
      g_param_spec_object("transceiver", "Transceiver", "The transceiver of this pad", GST_RTC_TYPE_RTP_TRANSCEIVER,
                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcPeerBinPad:msid:
   *
   * The MediaStream (a=msid stream id) of the pad's track. On a `sink_%u`
   * pad, set before its caps arrive: the stream the track is sent in
   * (webrtcbin's sink pad property); NULL: the bin's one stream, which all
   * its tracks share, so that a browser plays them in sync. On a `src_%u`
   * pad: the remote track's stream, set before `pad-added` (NULL when the
   * remote names none); the pads of one remote stream also share their
   * stream-start group id.
   */
  g_object_class_install_property(
      gobject_class, PAD_PROP_MSID,
      g_param_spec_string("msid", "MSID", "The MediaStream id (a=msid) of this pad's track", nullptr,
                          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  /**
   * GstRtcPeerBinPad:rid:
   *
   * The simulcast layer (RID, RFC 8852 RtpStreamId header extension) of
   * the pad's stream.
   *
   * On a `sink_%u` pad, set before its caps arrive (video only): the pad
   * sends that layer. Layer pads whose caps arrive before the transceiver's
   * first negotiation share one transceiver, whose sender gets one
   * encoding per layer (in pad order, the W3C `sendEncodings`); the offer
   * has a=rid ... send and a=simulcast:send for them. Each layer goes out on
   * its own SSRC with its RID in every packet (repaired-RID on its
   * retransmissions). The layers the answer leaves out (or all but the
   * first, when it takes no simulcast) are held, not sent. The source of
   * each layer (an encoder at that layer's size and bitrate) is the
   * application's.
   *
   * On a `src_%u` pad: the layer its packets carry, set before `pad-added`;
   * NULL when the remote sends no simulcast. Each layer of a simulcast
   * track the remote sends (its offer's a=simulcast:send, answered as recv)
   * comes out on a pad of its own, all with the same transceiver.
   */
  g_object_class_install_property(
      gobject_class, PAD_PROP_RID,
      g_param_spec_string("rid", "RID", "The simulcast layer (RID) of this pad's stream", nullptr,
                          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
}

void gst_rtc_peer_bin_pad_set_rid(GstRtcPeerBinPad *pad, const gchar *rid) {
  GST_OBJECT_LOCK(pad);
  g_free(pad->rid);
  pad->rid = g_strdup(rid);
  GST_OBJECT_UNLOCK(pad);
}

void gst_rtc_peer_bin_pad_set_transceiver(GstRtcPeerBinPad *pad, GstRtcRtpTransceiver *transceiver) {
  GST_OBJECT_LOCK(pad);
  GstRtcRtpTransceiver *old = pad->transceiver;
  pad->transceiver = transceiver ? GST_RTC_RTP_TRANSCEIVER(gst_object_ref(transceiver)) : nullptr;
  GST_OBJECT_UNLOCK(pad);
  if (old) gst_object_unref(old);
  g_object_notify(G_OBJECT(pad), "transceiver");
}

// RTP from an application's payloader, or encoded media that the bin
// payloads itself with rtcpay (the rtcrtp plugin).
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS("application/x-rtp; video/x-h264; video/x-h265; video/x-vp8; video/x-vp9; video/x-av1; "
                    "audio/x-opus; audio/x-mulaw; audio/x-alaw"));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS("application/x-rtp"));

static GstPad *gst_rtc_peer_bin_request_new_pad(GstElement *element, GstPadTemplate *templ, const gchar *name,
                                                const GstCaps *caps) {
  return GST_RTC_PEER_BIN(element)->pc->request_sink_pad(templ, name, caps);
}

static void gst_rtc_peer_bin_release_pad(GstElement *element, GstPad *pad) {
  GST_RTC_PEER_BIN(element)->pc->release_sink_pad(pad);
}
GST_ELEMENT_REGISTER_DEFINE(rtcpeerbin, "rtcpeerbin", GST_RANK_NONE, GST_TYPE_RTC_PEER_BIN)

// ---------------------------------------------------------------------------
// Events from the connection

void gst_rtc_peer_bin_notify(GstRtcPeerBin *self, PeerProp prop) {
  switch (prop) {
    case PeerProp::ConnectionState: g_object_notify_by_pspec(G_OBJECT(self), props[PROP_CONNECTION_STATE]); break;
    case PeerProp::IceConnectionState:
      g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ICE_CONNECTION_STATE]);
      break;
    case PeerProp::IceGatheringState:
      g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ICE_GATHERING_STATE]);
      break;
    case PeerProp::SignalingState: g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SIGNALING_STATE]); break;
    case PeerProp::Descriptions:
      for (int p = PROP_LOCAL_DESCRIPTION; p <= PROP_CAN_TRICKLE; ++p)
        g_object_notify_by_pspec(G_OBJECT(self), props[p]);
      break;
  }
}

void gst_rtc_peer_bin_emit_negotiation_needed(GstRtcPeerBin *self) {
  g_signal_emit(self, signals[SIGNAL_ON_NEGOTIATION_NEEDED], 0);
}

void gst_rtc_peer_bin_emit_ice_candidate(GstRtcPeerBin *self, guint mline, const gchar *candidate) {
  g_signal_emit(self, signals[SIGNAL_ON_ICE_CANDIDATE], 0, mline, candidate);
}

void gst_rtc_peer_bin_emit_ice_candidate_error(GstRtcPeerBin *self, const GstStructure *error) {
  g_signal_emit(self, signals[SIGNAL_ON_ICE_CANDIDATE_ERROR], 0, error);
}

void gst_rtc_peer_bin_emit_data_channel(GstRtcPeerBin *self, GstRtcDataChannel *channel) {
  g_signal_emit(self, signals[SIGNAL_ON_DATA_CHANNEL], 0, channel);
}

void gst_rtc_peer_bin_emit_new_transceiver(GstRtcPeerBin *self, GstRtcRtpTransceiver *transceiver) {
  g_signal_emit(self, signals[SIGNAL_ON_NEW_TRANSCEIVER], 0, transceiver);
}

// ---------------------------------------------------------------------------
// Action signal handlers

static void create_offer(GstRtcPeerBin *self, GstStructure *options, GstPromise *promise) {
  self->pc->create_offer(options, promise);
}

static void create_answer(GstRtcPeerBin *self, GstStructure *options, GstPromise *promise) {
  self->pc->create_answer(options, promise);
}

static void set_local_description(GstRtcPeerBin *self, GstRtcSessionDescription *desc, GstPromise *promise) {
  self->pc->set_description(true, desc, promise);
}

static void set_remote_description(GstRtcPeerBin *self, GstRtcSessionDescription *desc, GstPromise *promise) {
  self->pc->set_description(false, desc, promise);
}

static void add_ice_candidate(GstRtcPeerBin *self, guint mline, const gchar *candidate, GstPromise *promise) {
  self->pc->add_ice_candidate(mline, candidate, promise);
}

static GstRtcRtpTransceiver *add_transceiver(GstRtcPeerBin *self, GstRtcRtpTransceiverDirection direction,
                                             GstCaps *caps) {
  return self->pc->add_transceiver(direction, caps);
}

static GPtrArray *get_transceivers(GstRtcPeerBin *self) {
  return self->pc->transceivers();
}

static GstRtcRtpTransceiver *get_transceiver(GstRtcPeerBin *self, guint index) {
  GPtrArray *all = self->pc->transceivers();
  GstRtcRtpTransceiver *t = nullptr;
  if (index < all->len) t = GST_RTC_RTP_TRANSCEIVER(gst_object_ref(g_ptr_array_index(all, index)));
  g_ptr_array_unref(all);
  return t;
}

static GPtrArray *get_senders(GstRtcPeerBin *self) {
  return self->pc->senders();
}

static GPtrArray *get_receivers(GstRtcPeerBin *self) {
  return self->pc->receivers();
}

static GstRtcDataChannel *create_data_channel(GstRtcPeerBin *self, const gchar *label, GstStructure *options) {
  return self->pc->create_data_channel(label, options);
}

static void get_stats(GstRtcPeerBin *self, GstPad *pad, GstPromise *promise) {
  self->pc->get_stats(pad, promise);
}

static void restart_ice(GstRtcPeerBin *self) {
  self->pc->restart_ice();
}

static GstStructure *get_configuration(GstRtcPeerBin *self) {
  return self->pc->get_configuration();
}

static gboolean set_configuration(GstRtcPeerBin *self, GstStructure *config) {
  return self->pc->set_configuration(config);
}

static void generate_certificate(GstRtcPeerBin *self, GstStructure *params, GstPromise *promise) {
  self->pc->generate_certificate(params, promise);
}

static gboolean add_turn_server(GstRtcPeerBin *self, const gchar *uri) {
  return self->pc->add_turn_server(uri);
}

static void close_connection(GstRtcPeerBin *self) {
  self->pc->close();
}

// ---------------------------------------------------------------------------
// GObject

static void gst_rtc_peer_bin_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_PEER_BIN(object);
  PeerConnection *pc = self->pc;
  switch (id) {
    case PROP_ICE_SERVERS: {
      auto v = strv_to_vector(value);
      pc->update_settings([&](Settings &s) { s.ice_servers = v; });
      break;
    }
    case PROP_STUN_SERVER: {
      std::string v = g_value_get_string(value) ? g_value_get_string(value) : "";
      pc->update_settings([&](Settings &s) { s.stun_server = v; });
      break;
    }
    case PROP_TURN_SERVER: {
      std::string v = g_value_get_string(value) ? g_value_get_string(value) : "";
      pc->update_settings([&](Settings &s) { s.turn_server = v; });
      break;
    }
    case PROP_ICE_TRANSPORT_POLICY: {
      auto v = GstRtcIceTransportPolicy(g_value_get_enum(value));
      pc->update_settings([&](Settings &s) { s.ice_transport_policy = v; });
      break;
    }
    case PROP_BUNDLE_POLICY: {
      auto v = GstRtcBundlePolicy(g_value_get_enum(value));
      pc->update_settings([&](Settings &s) { s.bundle_policy = v; }, "bundle-policy");
      break;
    }
    case PROP_ICE_CANDIDATE_POOL_SIZE: {
      guint v = g_value_get_uint(value);
      pc->update_settings([&](Settings &s) { s.ice_candidate_pool_size = v; });
      break;
    }
    case PROP_CERTIFICATE: {
      std::string v = g_value_get_string(value) ? g_value_get_string(value) : "";
      pc->update_settings([&](Settings &s) { s.certificate = v; }, "certificate");
      break;
    }
    case PROP_LATENCY: {
      guint v = g_value_get_uint(value);
      pc->update_settings([&](Settings &s) { s.latency = v; });
      break;
    }
    case PROP_ICE_LOCAL_ADDRESSES: {
      auto v = strv_to_vector(value);
      pc->update_settings([&](Settings &s) { s.local_addresses = v; });
      break;
    }
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec); break;
  }
}

static void gst_rtc_peer_bin_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_PEER_BIN(object);
  PeerConnection *pc = self->pc;
  using Which = PeerConnection::Which;
  switch (id) {
    case PROP_CONNECTION_STATE: g_value_set_enum(value, pc->connection_state()); break;
    case PROP_ICE_CONNECTION_STATE: g_value_set_enum(value, pc->ice_connection_state()); break;
    case PROP_ICE_GATHERING_STATE: g_value_set_enum(value, pc->ice_gathering_state()); break;
    case PROP_SIGNALING_STATE: g_value_set_enum(value, pc->signaling_state()); break;
    case PROP_LOCAL_DESCRIPTION: g_value_take_boxed(value, pc->description(Which::Local)); break;
    case PROP_CURRENT_LOCAL_DESCRIPTION: g_value_take_boxed(value, pc->description(Which::CurrentLocal)); break;
    case PROP_PENDING_LOCAL_DESCRIPTION: g_value_take_boxed(value, pc->description(Which::PendingLocal)); break;
    case PROP_REMOTE_DESCRIPTION: g_value_take_boxed(value, pc->description(Which::Remote)); break;
    case PROP_CURRENT_REMOTE_DESCRIPTION: g_value_take_boxed(value, pc->description(Which::CurrentRemote)); break;
    case PROP_PENDING_REMOTE_DESCRIPTION: g_value_take_boxed(value, pc->description(Which::PendingRemote)); break;
    case PROP_CAN_TRICKLE: g_value_set_enum(value, pc->can_trickle()); break;
    case PROP_SCTP_TRANSPORT: g_value_take_object(value, pc->sctp_transport()); break;
    case PROP_ICE_SERVERS: g_value_take_boxed(value, vector_to_strv(pc->settings().ice_servers)); break;
    case PROP_STUN_SERVER: {
      Settings s = pc->settings();
      g_value_set_string(value, s.stun_server.empty() ? nullptr : s.stun_server.c_str());
      break;
    }
    case PROP_TURN_SERVER: {
      Settings s = pc->settings();
      g_value_set_string(value, s.turn_server.empty() ? nullptr : s.turn_server.c_str());
      break;
    }
    case PROP_ICE_TRANSPORT_POLICY: g_value_set_enum(value, pc->settings().ice_transport_policy); break;
    case PROP_BUNDLE_POLICY: g_value_set_enum(value, pc->settings().bundle_policy); break;
    case PROP_ICE_CANDIDATE_POOL_SIZE: g_value_set_uint(value, pc->settings().ice_candidate_pool_size); break;
    case PROP_CERTIFICATE: {
      GstStructure *config = pc->get_configuration();
      g_value_set_string(value, gst_structure_get_string(config, "certificate"));
      gst_structure_free(config);
      break;
    }
    case PROP_LATENCY: g_value_set_uint(value, pc->settings().latency); break;
    case PROP_ICE_LOCAL_ADDRESSES: g_value_take_boxed(value, vector_to_strv(pc->settings().local_addresses)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec); break;
  }
}

static void gst_rtc_peer_bin_dispose(GObject *object) {
  auto *self = GST_RTC_PEER_BIN(object);
  if (self->pc) self->pc->shutdown();
  G_OBJECT_CLASS(gst_rtc_peer_bin_parent_class)->dispose(object);
}

static void gst_rtc_peer_bin_finalize(GObject *object) {
  auto *self = GST_RTC_PEER_BIN(object);
  delete self->pc;
  self->pc = nullptr;
  G_OBJECT_CLASS(gst_rtc_peer_bin_parent_class)->finalize(object);
}

static void gst_rtc_peer_bin_init(GstRtcPeerBin *self) {
  // The media path's gst-plugins-good plugins (rtpbin, rtpfunnel: plugin
  // rtpmanager; rtcpay's payloaders: plugin rtp) are loaded once, here,
  // rather than by the first description with media: loading them there
  // held the first call's answer up by ~6 ms (webrtcbin loads rtpmanager at
  // construction too, making its rtpbin).
  static std::once_flag once;
  std::call_once(once, [] {
    for (const char *name : {"rtpmanager", "rtp"})
      if (GstPlugin *p = gst_plugin_load_by_name(name)) gst_object_unref(p);
  });
  self->pc = new PeerConnection(self);
}

static void gst_rtc_peer_bin_class_init(GstRtcPeerBinClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  GST_DEBUG_CATEGORY_INIT(gst_rtc_peer_bin_debug, "rtcpeerbin", 0, "gst-rtc RTCPeerConnection bin");

  gobject_class->set_property = gst_rtc_peer_bin_set_property;
  gobject_class->get_property = gst_rtc_peer_bin_get_property;
  gobject_class->dispose = gst_rtc_peer_bin_dispose;
  gobject_class->finalize = gst_rtc_peer_bin_finalize;

  const GType desc_type = GST_RTC_TYPE_SESSION_DESCRIPTION;
  const GType structure_type = gst_structure_get_type();
  const GType promise_type = gst_promise_get_type();
  const GType caps_type = gst_caps_get_type();

  props[PROP_CONNECTION_STATE] =
      g_param_spec_enum("connection-state", "Connection state", "W3C RTCPeerConnectionState",
                        GST_RTC_TYPE_PEER_CONNECTION_STATE, GST_RTC_PEER_CONNECTION_STATE_NEW, kReadable);
  props[PROP_ICE_CONNECTION_STATE] =
      g_param_spec_enum("ice-connection-state", "ICE connection state", "W3C RTCIceConnectionState",
                        GST_RTC_TYPE_ICE_CONNECTION_STATE, GST_RTC_ICE_CONNECTION_STATE_NEW, kReadable);
  props[PROP_ICE_GATHERING_STATE] =
      g_param_spec_enum("ice-gathering-state", "ICE gathering state", "W3C RTCIceGatheringState",
                        GST_RTC_TYPE_ICE_GATHERING_STATE, GST_RTC_ICE_GATHERING_STATE_NEW, kReadable);
  props[PROP_SIGNALING_STATE] =
      g_param_spec_enum("signaling-state", "Signaling state", "W3C RTCSignalingState", GST_RTC_TYPE_SIGNALING_STATE,
                        GST_RTC_SIGNALING_STATE_STABLE, kReadable);
  props[PROP_LOCAL_DESCRIPTION] =
      g_param_spec_boxed("local-description", "Local description",
                         "The pending local description if any, else the current one (with the candidates "
                         "gathered so far); NULL when unset",
                         desc_type, kReadable);
  props[PROP_CURRENT_LOCAL_DESCRIPTION] =
      g_param_spec_boxed("current-local-description", "Current local description",
                         "The local description of the last completed exchange", desc_type, kReadable);
  props[PROP_PENDING_LOCAL_DESCRIPTION] =
      g_param_spec_boxed("pending-local-description", "Pending local description",
                         "The local description of the exchange in progress", desc_type, kReadable);
  props[PROP_REMOTE_DESCRIPTION] =
      g_param_spec_boxed("remote-description", "Remote description",
                         "The pending remote description if any, else the current one", desc_type, kReadable);
  props[PROP_CURRENT_REMOTE_DESCRIPTION] =
      g_param_spec_boxed("current-remote-description", "Current remote description",
                         "The remote description of the last completed exchange", desc_type, kReadable);
  props[PROP_PENDING_REMOTE_DESCRIPTION] =
      g_param_spec_boxed("pending-remote-description", "Pending remote description",
                         "The remote description of the exchange in progress", desc_type, kReadable);
  props[PROP_CAN_TRICKLE] = g_param_spec_enum(
      "can-trickle-ice-candidates", "Can trickle ICE candidates",
      "Whether the remote side takes trickled candidates (a=ice-options:trickle); unknown before a remote "
      "description",
      GST_RTC_TYPE_TRISTATE, GST_RTC_TRISTATE_UNKNOWN, kReadable);
  props[PROP_SCTP_TRANSPORT] =
      g_param_spec_object("sctp-transport", "SCTP transport",
                          "The SCTP transport of the data channels, NULL before any data channel",
                          GST_RTC_TYPE_SCTP_TRANSPORT, kReadable);
  props[PROP_ICE_SERVERS] = g_param_spec_boxed(
      "ice-servers", "ICE servers",
      "STUN/TURN servers: stun:host[:port], turn[s]:user:pass@host[:port][?transport=udp|tcp]", G_TYPE_STRV,
      kReadWrite);
  props[PROP_STUN_SERVER] = g_param_spec_string("stun-server", "STUN server",
                                                "STUN server as stun://host:port (webrtcbin form)", nullptr,
                                                kReadWrite);
  props[PROP_TURN_SERVER] =
      g_param_spec_string("turn-server", "TURN server",
                          "TURN server as turn(s)://user:pass@host:port (webrtcbin form)", nullptr, kReadWrite);
  props[PROP_ICE_TRANSPORT_POLICY] =
      g_param_spec_enum("ice-transport-policy", "ICE transport policy", "all, or relay (TURN candidates only)",
                        GST_RTC_TYPE_ICE_TRANSPORT_POLICY, GST_RTC_ICE_TRANSPORT_POLICY_ALL, kReadWrite);
  props[PROP_BUNDLE_POLICY] = g_param_spec_enum(
      "bundle-policy", "Bundle policy", "balanced, max-compat or max-bundle; fixed once negotiation started",
      GST_RTC_TYPE_BUNDLE_POLICY, GST_RTC_BUNDLE_POLICY_MAX_BUNDLE, kReadWrite);
  props[PROP_ICE_CANDIDATE_POOL_SIZE] =
      g_param_spec_uint("ice-candidate-pool-size", "ICE candidate pool size",
                        "W3C iceCandidatePoolSize: accepted; no candidates are gathered before the local description is set",
                        0, 255, 0, kReadWrite);
  props[PROP_CERTIFICATE] = g_param_spec_string(
      "certificate", "Certificate",
      "PEM certificate and private key of the DTLS transports; ECDSA P-256 generated when unset", nullptr,
      kReadWrite);
  props[PROP_LATENCY] = g_param_spec_uint("latency", "Latency", "Jitter buffer latency of received media (ms)", 0,
                                          G_MAXUINT, 50, kReadWrite);
  props[PROP_ICE_LOCAL_ADDRESSES] = g_param_spec_boxed(
      "ice-local-addresses", "ICE local addresses",
      "Gather host candidates only on these local addresses (e.g. 127.0.0.1); empty: every interface",
      G_TYPE_STRV, kReadWrite);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  const GType t = G_TYPE_FROM_CLASS(klass);
  /**
   * GstRtcPeerBin::create-offer:
   * @object: the #GstRtcPeerBin
   * @options: (nullable): #GstStructure of options: `ice-restart` (boolean)
   * @promise: a #GstPromise replied with a structure whose `offer` field is a
   *   #GstRtcSessionDescription, or with an `error` field (a #GError of
   *   %GST_RTC_ERROR) on failure
   *
   * The W3C `createOffer()`: runs on the operations chain after what was
   * queued before it.
   */
  signals[SIGNAL_CREATE_OFFER] = g_signal_new_class_handler(
      "create-offer", t, kAction, G_CALLBACK(create_offer), nullptr, nullptr, nullptr, G_TYPE_NONE, 2,
      structure_type, promise_type);
  /**
   * GstRtcPeerBin::create-answer:
   * @object: the #GstRtcPeerBin
   * @options: (nullable): #GstStructure of options (none are read yet)
   * @promise: a #GstPromise replied with `answer` (a
   *   #GstRtcSessionDescription) or `error`; %GST_RTC_ERROR_INVALID_STATE
   *   without a remote offer
   *
   * The W3C `createAnswer()`.
   */
  signals[SIGNAL_CREATE_ANSWER] = g_signal_new_class_handler(
      "create-answer", t, kAction, G_CALLBACK(create_answer), nullptr, nullptr, nullptr, G_TYPE_NONE, 2,
      structure_type, promise_type);
  /**
   * GstRtcPeerBin::set-local-description:
   * @object: the #GstRtcPeerBin
   * @desc: (nullable): the #GstRtcSessionDescription; %NULL makes the offer or
   *   answer the signaling state calls for (W3C implicit description); type
   *   rollback undoes a pending local offer
   * @promise: (nullable): a #GstPromise replied with an empty structure, or
   *   with `error`
   *
   * The W3C `setLocalDescription()`. ICE gathering starts when it succeeds.
   */
  signals[SIGNAL_SET_LOCAL_DESCRIPTION] =
      g_signal_new_class_handler("set-local-description", t, kAction, G_CALLBACK(set_local_description), nullptr,
                                 nullptr, nullptr, G_TYPE_NONE, 2, desc_type, promise_type);
  /**
   * GstRtcPeerBin::set-remote-description:
   * @object: the #GstRtcPeerBin
   * @desc: the #GstRtcSessionDescription; type rollback undoes a pending remote
   *   offer
   * @promise: (nullable): a #GstPromise replied with an empty structure, or
   *   with `error` (%GST_RTC_ERROR_SYNTAX with the line for a malformed
   *   description, %GST_RTC_ERROR_INVALID_STATE out of turn)
   *
   * The W3C `setRemoteDescription()`. New transceivers of a remote offer are
   * announced by #GstRtcPeerBin::on-new-transceiver.
   */
  signals[SIGNAL_SET_REMOTE_DESCRIPTION] =
      g_signal_new_class_handler("set-remote-description", t, kAction, G_CALLBACK(set_remote_description),
                                 nullptr, nullptr, nullptr, G_TYPE_NONE, 2, desc_type, promise_type);
  /**
   * GstRtcPeerBin::add-ice-candidate:
   * @object: the #GstRtcPeerBin
   * @mline_index: the m-line the candidate belongs to
   * @candidate: (nullable): the `candidate:` attribute value (with or without
   *   the `a=` prefix); "" or %NULL: end of candidates for that m-line
   * @promise: (nullable): a #GstPromise replied with an empty structure, or
   *   with `error` (%GST_RTC_ERROR_INVALID_STATE before a remote description,
   *   %GST_RTC_ERROR_SYNTAX for a malformed candidate)
   *
   * The W3C `addIceCandidate()`.
   */
  signals[SIGNAL_ADD_ICE_CANDIDATE] =
      g_signal_new_class_handler("add-ice-candidate", t, kAction, G_CALLBACK(add_ice_candidate), nullptr, nullptr,
                                 nullptr, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, promise_type);
  /**
   * GstRtcPeerBin::add-transceiver:
   * @object: the #GstRtcPeerBin
   * @direction: the #GstRtcRtpTransceiverDirection
   * @caps: (nullable): caps naming the kind and codecs (application/x-rtp or
   *   encoded media such as video/x-vp8); they become its codec preferences
   *
   * The W3C `addTransceiver()`. Pads requested later take it when their caps
   * match its kind.
   *
   * Returns: (transfer full) (nullable): the new #GstRtcRtpTransceiver, %NULL
   *   (with a warning on the bus) for caps naming no media
   */
  signals[SIGNAL_ADD_TRANSCEIVER] = g_signal_new_class_handler(
      "add-transceiver", t, kAction, G_CALLBACK(add_transceiver), nullptr, nullptr, nullptr,
      GST_RTC_TYPE_RTP_TRANSCEIVER, 2, GST_RTC_TYPE_RTP_TRANSCEIVER_DIRECTION, caps_type);
  /**
   * GstRtcPeerBin::get-transceivers:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `getTransceivers()`.
   *
   * Returns: (transfer full) (element-type GstRtcRtpTransceiver): the
   *   transceivers, in creation order
   */
  signals[SIGNAL_GET_TRANSCEIVERS] =
      g_signal_new_class_handler("get-transceivers", t, kAction, G_CALLBACK(get_transceivers), nullptr, nullptr,
                                 nullptr, G_TYPE_PTR_ARRAY, 0);
  /**
   * GstRtcPeerBin::get-transceiver:
   * @object: the #GstRtcPeerBin
   * @index: the transceiver's index in #GstRtcPeerBin::get-transceivers
   *
   * Returns: (transfer full) (nullable): the #GstRtcRtpTransceiver, %NULL when
   *   there is none at @index
   */
  signals[SIGNAL_GET_TRANSCEIVER] =
      g_signal_new_class_handler("get-transceiver", t, kAction, G_CALLBACK(get_transceiver), nullptr, nullptr,
                                 nullptr, GST_RTC_TYPE_RTP_TRANSCEIVER, 1, G_TYPE_UINT);
  /**
   * GstRtcPeerBin::get-senders:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `getSenders()`: the sender of every transceiver.
   *
   * Returns: (transfer full) (element-type GstRtcRtpSender): the senders
   */
  signals[SIGNAL_GET_SENDERS] = g_signal_new_class_handler(
      "get-senders", t, kAction, G_CALLBACK(get_senders), nullptr, nullptr, nullptr, G_TYPE_PTR_ARRAY, 0);
  /**
   * GstRtcPeerBin::get-receivers:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `getReceivers()`: the receiver of every transceiver.
   *
   * Returns: (transfer full) (element-type GstRtcRtpReceiver): the receivers
   */
  signals[SIGNAL_GET_RECEIVERS] = g_signal_new_class_handler(
      "get-receivers", t, kAction, G_CALLBACK(get_receivers), nullptr, nullptr, nullptr, G_TYPE_PTR_ARRAY, 0);
  /**
   * GstRtcPeerBin::create-data-channel:
   * @object: the #GstRtcPeerBin
   * @label: the channel's label
   * @options: (nullable): #GstStructure with `ordered` (boolean),
   *   `max-packet-lifetime` / `max-retransmits` (int), `protocol` (string),
   *   `negotiated` (boolean), `id` (int), `priority` (string: very-low, low,
   *   medium, high)
   *
   * The W3C `createDataChannel()`; possible before any negotiation (the
   * first channel makes the data m-line).
   *
   * Returns: (transfer full) (nullable): the #GstRtcDataChannel, %NULL (with
   *   a warning on the bus) for invalid options or a closed connection
   */
  signals[SIGNAL_CREATE_DATA_CHANNEL] = g_signal_new_class_handler(
      "create-data-channel", t, kAction, G_CALLBACK(create_data_channel), nullptr, nullptr, nullptr,
      GST_RTC_TYPE_DATA_CHANNEL, 2, G_TYPE_STRING, structure_type);
  /**
   * GstRtcPeerBin::get-stats:
   * @object: the #GstRtcPeerBin
   * @pad: (nullable): a `sink_%u` or `src_%u` pad: only the stats of its
   *   stream and what they reference; %NULL: everything
   * @promise: a #GstPromise replied with a structure of W3C stats objects
   *   (each a #GstStructure with `type`, `id` and `timestamp`) keyed by id
   *
   * The W3C `getStats()`.
   */
  signals[SIGNAL_GET_STATS] = g_signal_new_class_handler("get-stats", t, kAction, G_CALLBACK(get_stats), nullptr,
                                                         nullptr, nullptr, G_TYPE_NONE, 2, GST_TYPE_PAD,
                                                         promise_type);
  /**
   * GstRtcPeerBin::restart-ice:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `restartIce()`: the next offer carries new ICE credentials;
   * #GstRtcPeerBin::on-negotiation-needed fires.
   */
  signals[SIGNAL_RESTART_ICE] = g_signal_new_class_handler("restart-ice", t, kAction, G_CALLBACK(restart_ice),
                                                           nullptr, nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcPeerBin::get-configuration:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `getConfiguration()`.
   *
   * Returns: (transfer full): a #GstStructure with `ice-servers`,
   *   `ice-transport-policy`, `bundle-policy`, `ice-candidate-pool-size` and
   *   `certificate`
   */
  signals[SIGNAL_GET_CONFIGURATION] =
      g_signal_new_class_handler("get-configuration", t, kAction, G_CALLBACK(get_configuration), nullptr, nullptr,
                                 nullptr, structure_type, 0);
  /**
   * GstRtcPeerBin::set-configuration:
   * @object: the #GstRtcPeerBin
   * @configuration: a #GstStructure with the fields of
   *   #GstRtcPeerBin::get-configuration
   *
   * The W3C `setConfiguration()`, with its rules: the bundle policy and the
   * certificate cannot change once set.
   *
   * Returns: %TRUE when applied; %FALSE with a %GST_RTC_ERROR warning on the
   *   bus otherwise
   */
  signals[SIGNAL_SET_CONFIGURATION] =
      g_signal_new_class_handler("set-configuration", t, kAction, G_CALLBACK(set_configuration), nullptr, nullptr,
                                 nullptr, G_TYPE_BOOLEAN, 1, structure_type);
  /**
   * GstRtcPeerBin::generate-certificate:
   * @object: the #GstRtcPeerBin
   * @keygen: (nullable): #GstStructure with `name` ("ECDSA" with
   *   `named-curve` "P-256", or "RSASSA-PKCS1-v1_5" with `modulus-length`,
   *   `public-exponent`, `hash`) and `expires` (ms); %NULL: ECDSA P-256
   * @promise: a #GstPromise replied with `certificate` (PEM of certificate
   *   and key, for #GstRtcPeerBin:certificate) or `error`
   *
   * The W3C `RTCPeerConnection.generateCertificate()`.
   */
  signals[SIGNAL_GENERATE_CERTIFICATE] =
      g_signal_new_class_handler("generate-certificate", t, kAction, G_CALLBACK(generate_certificate), nullptr,
                                 nullptr, nullptr, G_TYPE_NONE, 2, structure_type, promise_type);
  /**
   * GstRtcPeerBin::add-turn-server:
   * @object: the #GstRtcPeerBin
   * @uri: turn(s)://user:pass@host:port (webrtcbin's form)
   *
   * Adds a TURN server to #GstRtcPeerBin:ice-servers (webrtcbin's signal).
   *
   * Returns: %TRUE when @uri parses
   */
  signals[SIGNAL_ADD_TURN_SERVER] =
      g_signal_new_class_handler("add-turn-server", t, kAction, G_CALLBACK(add_turn_server), nullptr, nullptr,
                                 nullptr, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  /**
   * GstRtcPeerBin::close:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `close()`: transports, data channels and transceivers stop; the
   * signaling state becomes closed and no action works afterwards.
   */
  signals[SIGNAL_CLOSE] = g_signal_new_class_handler("close", t, kAction, G_CALLBACK(close_connection), nullptr,
                                                     nullptr, nullptr, G_TYPE_NONE, 0);

  /**
   * GstRtcPeerBin::on-negotiation-needed:
   * @object: the #GstRtcPeerBin
   *
   * The W3C `negotiationneeded` event: a new offer is due (a pad, transceiver
   * or first data channel was added, a direction changed, ICE restarts).
   * Emitted from the operations chain while the signaling state is stable.
   */
  signals[SIGNAL_ON_NEGOTIATION_NEEDED] = g_signal_new("on-negotiation-needed", t, G_SIGNAL_RUN_LAST, 0, nullptr,
                                                       nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcPeerBin::on-ice-candidate:
   * @object: the #GstRtcPeerBin
   * @mline_index: the m-line of the candidate
   * @candidate: the `candidate:` attribute value; "" once gathering ended
   *   for that m-line
   *
   * The W3C `icecandidate` event: a local candidate to signal to the peer.
   */
  signals[SIGNAL_ON_ICE_CANDIDATE] = g_signal_new("on-ice-candidate", t, G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                                                  nullptr, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /**
   * GstRtcPeerBin::on-ice-candidate-error:
   * @object: the #GstRtcPeerBin
   * @error: #GstStructure with `address`, `port`, `url`, `error-code` (STUN
   *   error code, 701 when a server cannot be reached) and `error-text`
   *
   * The W3C `icecandidateerror` event.
   */
  signals[SIGNAL_ON_ICE_CANDIDATE_ERROR] = g_signal_new("on-ice-candidate-error", t, G_SIGNAL_RUN_LAST, 0, nullptr,
                                                        nullptr, nullptr, G_TYPE_NONE, 1, structure_type);
  /**
   * GstRtcPeerBin::on-data-channel:
   * @object: the #GstRtcPeerBin
   * @channel: the #GstRtcDataChannel the peer opened
   *
   * The W3C `datachannel` event.
   */
  signals[SIGNAL_ON_DATA_CHANNEL] = g_signal_new("on-data-channel", t, G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                                                 nullptr, G_TYPE_NONE, 1, GST_RTC_TYPE_DATA_CHANNEL);
  /**
   * GstRtcPeerBin::on-new-transceiver:
   * @object: the #GstRtcPeerBin
   * @transceiver: the #GstRtcRtpTransceiver
   *
   * A transceiver was created, by #GstRtcPeerBin::add-transceiver, a
   * requested pad or a remote offer (webrtcbin's signal).
   */
  signals[SIGNAL_ON_NEW_TRANSCEIVER] = g_signal_new("on-new-transceiver", t, G_SIGNAL_RUN_LAST, 0, nullptr,
                                                    nullptr, nullptr, G_TYPE_NONE, 1, GST_RTC_TYPE_RTP_TRANSCEIVER);

  gst_element_class_add_static_pad_template_with_gtype(element_class, &sink_template, GST_TYPE_RTC_PEER_BIN_PAD);
  gst_element_class_add_static_pad_template_with_gtype(element_class, &src_template, GST_TYPE_RTC_PEER_BIN_PAD);
  element_class->request_new_pad = gst_rtc_peer_bin_request_new_pad;
  element_class->release_pad = gst_rtc_peer_bin_release_pad;
  gst_element_class_set_static_metadata(element_class, "WebRTC peer connection", "Filter/Network/WebRTC",
                                        "A W3C RTCPeerConnection: JSEP negotiation, ICE, DTLS-SRTP and SCTP data "
                                        "channels from the gst-rtc elements",
                                        "gst-rtc");
}
