/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcdtlssrtpdec
 * @title: rtcdtlssrtpdec
 *
 * The receiving half of a DTLS-SRTP transport: it demultiplexes received
 * datagrams (RFC 7983) into DTLS records, handed to the handshake of the
 * #GstRtcDtlsTransport shared with the `rtcdtlssrtpenc` of the same
 * `connection-id` (decrypted application data leaves on `data_src`), and
 * SRTP/SRTCP, unprotected in place to `rtp_src` / `rtcp_src` (RFC 5761
 * tells them apart). STUN and anything else is dropped and counted.
 *
 * The remote certificate must match `remote-fingerprint`, otherwise the
 * transport fails with %GST_RTC_ERROR_FINGERPRINT_FAILURE and nothing is
 * delivered (RFC 8842 §5.1).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcdtlssrtpdec.h"

#include <gst/rtc/rtc.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "dtls-connection.h"

GST_DEBUG_CATEGORY_STATIC(gst_rtc_dtls_srtp_dec_debug);
#define GST_CAT_DEFAULT gst_rtc_dtls_srtp_dec_debug

using gst_rtc::dtls::Connection;
using gst_rtc::dtls::PacketKind;

namespace {

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_REMOTE_FINGERPRINT,
  PROP_FINGERPRINT_TIMEOUT,
  PROP_TRANSPORT,
  PROP_STATS,
};

constexpr guint kDefaultFingerprintTimeout = 10000;

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
GstStaticPadTemplate rtp_src_template =
    GST_STATIC_PAD_TEMPLATE("rtp_src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));
GstStaticPadTemplate rtcp_src_template =
    GST_STATIC_PAD_TEMPLATE("rtcp_src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtcp"));
GstStaticPadTemplate data_src_template =
    GST_STATIC_PAD_TEMPLATE("data_src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-sctp"));

enum SrcIndex { kRtp, kRtcp, kData, kNumSrc };

struct Private {
  std::mutex lock;
  std::shared_ptr<Connection> conn;
  std::string connection_id;
  std::string remote_fingerprint;
  std::vector<gst_rtc::dtls::Fingerprint> fingerprints;
  guint fingerprint_timeout = kDefaultFingerprintTimeout;
  GstPad *sink = nullptr;
  GstPad *src[kNumSrc] = {};
  // Streaming thread only: which src pads already got their sticky events.
  bool sticky[kNumSrc] = {};
  guint group_id = 0;
  GstEvent *segment = nullptr;
};

const char *const kSrcCaps[kNumSrc] = {"application/x-rtp", "application/x-rtcp", "application/x-sctp"};
const char *const kSrcStream[kNumSrc] = {"rtp", "rtcp", "data"};

}  // namespace

struct _GstRtcDtlsSrtpDec {
  GstElement parent;
  Private *priv;
};

G_DEFINE_TYPE(GstRtcDtlsSrtpDec, gst_rtc_dtls_srtp_dec, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE(rtcdtlssrtpdec, "rtcdtlssrtpdec", GST_RANK_NONE, GST_RTC_TYPE_DTLS_SRTP_DEC)

static std::shared_ptr<Connection> connection_of(GstRtcDtlsSrtpDec *self) {
  std::lock_guard<std::mutex> guard(self->priv->lock);
  return self->priv->conn;
}

static void switch_connection(GstRtcDtlsSrtpDec *self, const std::string &id) {
  Private *p = self->priv;
  std::shared_ptr<Connection> old;
  std::shared_ptr<Connection> conn = Connection::acquire(id);
  std::vector<gst_rtc::dtls::Fingerprint> fps;
  guint timeout;
  {
    std::lock_guard<std::mutex> guard(p->lock);
    old = p->conn;
    p->connection_id = id;
    p->conn = conn;
    fps = p->fingerprints;
    timeout = p->fingerprint_timeout;
  }
  if (old) old->detach_decoder(GST_ELEMENT(self));
  conn->attach_decoder(GST_ELEMENT(self));
  conn->set_fingerprint_timeout(std::chrono::milliseconds(timeout));
  if (!fps.empty()) conn->set_remote_fingerprints(std::move(fps));
  GST_DEBUG_OBJECT(self, "connection-id '%s'", id.c_str());
}

static void ensure_sticky(GstRtcDtlsSrtpDec *self, int index) {
  Private *p = self->priv;
  if (p->sticky[index]) return;
  GstPad *pad = p->src[index];
  gchar *stream_id = gst_pad_create_stream_id(pad, GST_ELEMENT(self), kSrcStream[index]);
  GstEvent *start = gst_event_new_stream_start(stream_id);
  g_free(stream_id);
  if (p->group_id == 0) p->group_id = gst_util_group_id_next();
  gst_event_set_group_id(start, p->group_id);
  gst_pad_push_event(pad, start);
  GstCaps *caps = gst_caps_new_empty_simple(kSrcCaps[index]);
  gst_pad_push_event(pad, gst_event_new_caps(caps));
  gst_caps_unref(caps);
  if (p->segment) {
    gst_pad_push_event(pad, gst_event_ref(p->segment));
  } else {
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(pad, gst_event_new_segment(&segment));
  }
  p->sticky[index] = true;
}

// An unlinked output (no RTCP consumer, no SCTP), one that ended, or one
// whose consumer is not running yet (rtcpeerbin links rtpbin or the SCTP
// decoder while datagrams flow, then starts it) must not stop the others:
// only our own flushing and errors go upstream. Otherwise rtcicesrc would
// see FLUSHING and stop receiving for good.
static GstFlowReturn combine(GstRtcDtlsSrtpDec *self, GstFlowReturn ret) {
  if (ret == GST_FLOW_NOT_LINKED || ret == GST_FLOW_EOS) return GST_FLOW_OK;
  if (ret == GST_FLOW_FLUSHING && !GST_PAD_IS_FLUSHING(self->priv->sink)) return GST_FLOW_OK;
  return ret;
}

static GstFlowReturn push_to(GstRtcDtlsSrtpDec *self, int index, GstBuffer *buffer) {
  ensure_sticky(self, index);
  return combine(self, gst_pad_push(self->priv->src[index], buffer));
}

static GstFlowReturn receive_dtls(GstRtcDtlsSrtpDec *self, Connection &conn, GstBuffer *buffer) {
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref(buffer);
    return GST_FLOW_OK;
  }
  auto app = conn.receive_dtls(map.data, map.size);
  gst_buffer_unmap(buffer, &map);
  gst_buffer_unref(buffer);
  GstFlowReturn ret = GST_FLOW_OK;
  for (auto &d : app) {
    GstFlowReturn r = push_to(self, kData, gst_buffer_new_memdup(d.data(), d.size()));
    if (r != GST_FLOW_OK) ret = r;
  }
  return ret;
}

static PacketKind kind_of(GstBuffer *buffer) {
  uint8_t head[2] = {0, 0};
  const gsize got = gst_buffer_extract(buffer, 0, head, 2);
  return gst_rtc::dtls::classify(std::span<const uint8_t>(head, got));
}

static GstFlowReturn dec_chain(GstPad *, GstObject *parent, GstBuffer *buffer) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(parent);
  auto conn = connection_of(self);
  const PacketKind kind = kind_of(buffer);
  switch (kind) {
    case PacketKind::Dtls:
      return receive_dtls(self, *conn, buffer);
    case PacketKind::Rtp:
    case PacketKind::Rtcp: {
      GstBuffer *plain = conn->unprotect(buffer, kind);
      if (!plain) return GST_FLOW_OK;
      return push_to(self, kind == PacketKind::Rtp ? kRtp : kRtcp, plain);
    }
    case PacketKind::Stun:
    case PacketKind::Other:
      GST_LOG_OBJECT(self, "dropping %s datagram of %" G_GSIZE_FORMAT " bytes",
                     kind == PacketKind::Stun ? "STUN" : "unknown", gst_buffer_get_size(buffer));
      conn->count_dropped(kind);
      gst_buffer_unref(buffer);
      return GST_FLOW_OK;
  }
  gst_buffer_unref(buffer);
  return GST_FLOW_OK;
}

namespace {
struct ListContext {
  GstRtcDtlsSrtpDec *self;
  Connection *conn;
  GstBufferList *out[2];
  GstFlowReturn ret;
};
}  // namespace

static GstFlowReturn dec_chain_list(GstPad *, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(parent);
  auto conn = connection_of(self);
  // SRTP and SRTCP leave as lists again (one push per output per list).
  ListContext ctx{self, conn.get(), {gst_buffer_list_new(), gst_buffer_list_new()}, GST_FLOW_OK};
  // A writable list hands each buffer over with a single reference, so that
  // unprotecting it works in place.
  list = gst_buffer_list_make_writable(list);
  gst_buffer_list_foreach(
      list,
      [](GstBuffer **slot, guint, gpointer data) -> gboolean {
        auto *c = static_cast<ListContext *>(data);
        GstBuffer *buffer = std::exchange(*slot, nullptr);  // taken out of the list
        const PacketKind kind = kind_of(buffer);
        if (kind == PacketKind::Rtp || kind == PacketKind::Rtcp) {
          if (GstBuffer *plain = c->conn->unprotect(buffer, kind))
            gst_buffer_list_add(c->out[kind == PacketKind::Rtp ? 0 : 1], plain);
        } else if (kind == PacketKind::Dtls) {
          GstFlowReturn r = receive_dtls(c->self, *c->conn, buffer);
          if (r != GST_FLOW_OK) c->ret = r;
        } else {
          c->conn->count_dropped(kind);
          gst_buffer_unref(buffer);
        }
        return TRUE;
      },
      &ctx);
  gst_buffer_list_unref(list);
  GstFlowReturn ret = ctx.ret;
  for (int i = 0; i < 2; ++i) {
    if (gst_buffer_list_length(ctx.out[i]) == 0) {
      gst_buffer_list_unref(ctx.out[i]);
      continue;
    }
    ensure_sticky(self, i == 0 ? kRtp : kRtcp);
    GstFlowReturn r = combine(self, gst_pad_push_list(self->priv->src[i == 0 ? kRtp : kRtcp], ctx.out[i]));
    if (r != GST_FLOW_OK) ret = r;
  }
  return ret;
}

static gboolean dec_sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(parent);
  Private *p = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
      // The outputs are streams of their own with their own caps.
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_SEGMENT:
      gst_event_replace(&p->segment, event);
      for (int i = 0; i < kNumSrc; ++i)
        if (p->sticky[i]) gst_pad_push_event(p->src[i], gst_event_ref(event));
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_EOS:
      for (int i = 0; i < kNumSrc; ++i) ensure_sticky(self, i);
      return gst_pad_event_default(pad, parent, event);
    default:
      return gst_pad_event_default(pad, parent, event);
  }
}

static GstStateChangeReturn dec_change_state(GstElement *element, GstStateChange transition) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(element);
  Private *p = self->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    for (bool &s : p->sticky) s = false;
    p->group_id = 0;
    gst_event_replace(&p->segment, nullptr);
  }
  return GST_ELEMENT_CLASS(gst_rtc_dtls_srtp_dec_parent_class)->change_state(element, transition);
}

static void dec_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(object);
  Private *p = self->priv;
  switch (prop_id) {
    case PROP_CONNECTION_ID: {
      const gchar *id = g_value_get_string(value);
      switch_connection(self, id ? id : "");
      g_object_notify(object, "transport");
      break;
    }
    case PROP_REMOTE_FINGERPRINT: {
      const gchar *text = g_value_get_string(value);
      auto fps = gst_rtc::dtls::parse_fingerprints(text ? text : "");
      if (!fps.ok()) {
        GST_ELEMENT_WARNING(self, RTC, SYNTAX, ("Invalid remote-fingerprint"),
                            ("%s", fps.error().message.c_str()));
        break;
      }
      {
        std::lock_guard<std::mutex> guard(p->lock);
        p->remote_fingerprint = text ? text : "";
        p->fingerprints = fps.value();
      }
      // May start a handshake waiting for it: sends through the paired enc.
      connection_of(self)->set_remote_fingerprints(std::move(fps.value()));
      break;
    }
    case PROP_FINGERPRINT_TIMEOUT: {
      {
        std::lock_guard<std::mutex> guard(p->lock);
        p->fingerprint_timeout = g_value_get_uint(value);
      }
      connection_of(self)->set_fingerprint_timeout(std::chrono::milliseconds(g_value_get_uint(value)));
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void dec_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(object);
  Private *p = self->priv;
  switch (prop_id) {
    case PROP_CONNECTION_ID: {
      std::lock_guard<std::mutex> guard(p->lock);
      g_value_set_string(value, p->connection_id.empty() ? nullptr : p->connection_id.c_str());
      break;
    }
    case PROP_REMOTE_FINGERPRINT: {
      std::lock_guard<std::mutex> guard(p->lock);
      g_value_set_string(value, p->remote_fingerprint.empty() ? nullptr : p->remote_fingerprint.c_str());
      break;
    }
    case PROP_FINGERPRINT_TIMEOUT: {
      std::lock_guard<std::mutex> guard(p->lock);
      g_value_set_uint(value, p->fingerprint_timeout);
      break;
    }
    case PROP_TRANSPORT:
      g_value_set_object(value, connection_of(self)->transport());
      break;
    case PROP_STATS:
      g_value_take_boxed(value, connection_of(self)->stats());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_dtls_srtp_dec_init(GstRtcDtlsSrtpDec *self) {
  self->priv = new Private();
  Private *p = self->priv;
  p->sink = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(p->sink, dec_chain);
  gst_pad_set_chain_list_function(p->sink, dec_chain_list);
  gst_pad_set_event_function(p->sink, dec_sink_event);
  gst_element_add_pad(GST_ELEMENT(self), p->sink);
  GstStaticPadTemplate *templates[kNumSrc] = {&rtp_src_template, &rtcp_src_template, &data_src_template};
  for (int i = 0; i < kNumSrc; ++i) {
    p->src[i] = gst_pad_new_from_static_template(templates[i], templates[i]->name_template);
    gst_pad_use_fixed_caps(p->src[i]);
    gst_element_add_pad(GST_ELEMENT(self), p->src[i]);
  }
  switch_connection(self, "");
}

static void dec_dispose(GObject *object) {
  auto *self = GST_RTC_DTLS_SRTP_DEC(object);
  Private *p = self->priv;
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard<std::mutex> guard(p->lock);
    conn = std::move(p->conn);
  }
  if (conn) conn->detach_decoder(GST_ELEMENT(self));
  gst_event_replace(&p->segment, nullptr);
  G_OBJECT_CLASS(gst_rtc_dtls_srtp_dec_parent_class)->dispose(object);
}

static void dec_finalize(GObject *object) {
  delete GST_RTC_DTLS_SRTP_DEC(object)->priv;
  G_OBJECT_CLASS(gst_rtc_dtls_srtp_dec_parent_class)->finalize(object);
}

static void gst_rtc_dtls_srtp_dec_class_init(GstRtcDtlsSrtpDecClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_dtls_srtp_dec_debug, "rtcdtlssrtpdec", 0, "DTLS-SRTP receiver");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = dec_set_property;
  gobject_class->get_property = dec_get_property;
  gobject_class->dispose = dec_dispose;
  gobject_class->finalize = dec_finalize;
  element_class->change_state = dec_change_state;

  constexpr auto rw = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  constexpr auto rw_ready = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  constexpr auto ro = GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcDtlsSrtpDec:connection-id:
   *
   * Name of the DTLS transport shared with the `rtcdtlssrtpenc` that has
   * the same `connection-id` (process-wide). Unset: a private transport,
   * which cannot answer a handshake (it has no pad to send on).
   */
  g_object_class_install_property(
      gobject_class, PROP_CONNECTION_ID,
      g_param_spec_string("connection-id", "Connection id",
                          "Shares one DTLS transport with the rtcdtlssrtpenc of the same id", nullptr,
                          rw_ready));
  /**
   * GstRtcDtlsSrtpDec:remote-fingerprint:
   *
   * The peer's `a=fingerprint` value(s): "sha-256 AB:CD:..", several
   * separated by commas; sha-1, sha-224, sha-256, sha-384 and sha-512 are
   * accepted. The peer's certificate must match one of them. It may be set
   * while the handshake already runs (the answer arriving after the peer's
   * ClientHello): the handshake waits for it up to `fingerprint-timeout`.
   */
  g_object_class_install_property(
      gobject_class, PROP_REMOTE_FINGERPRINT,
      g_param_spec_string("remote-fingerprint", "Remote fingerprint",
                          "The peer's a=fingerprint values (\"sha-256 AB:CD:..\", comma separated)", nullptr,
                          rw));
  /**
   * GstRtcDtlsSrtpDec:fingerprint-timeout:
   *
   * How long (ms) a handshake that has to start waits for
   * `remote-fingerprint` before the transport fails with
   * %GST_RTC_ERROR_FINGERPRINT_FAILURE; 0 fails at once.
   */
  g_object_class_install_property(
      gobject_class, PROP_FINGERPRINT_TIMEOUT,
      g_param_spec_uint(
          "fingerprint-timeout", "Fingerprint timeout",
          "Milliseconds a handshake waits for remote-fingerprint before failing (0: fail at once)", 0,
          G_MAXUINT, kDefaultFingerprintTimeout, rw_ready));
  /**
   * GstRtcDtlsSrtpDec:transport:
   *
   * The #GstRtcDtlsTransport of this connection, the same object the
   * paired `rtcdtlssrtpenc` returns.
   */
  g_object_class_install_property(
      gobject_class, PROP_TRANSPORT,
      g_param_spec_object("transport", "Transport", "The GstRtcDtlsTransport of this connection",
                          GST_RTC_TYPE_DTLS_TRANSPORT, ro));
  /**
   * GstRtcDtlsSrtpDec:stats:
   *
   * Counters of the connection (see #GstRtcDtlsSrtpEnc:stats).
   */
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics", "Counters of the DTLS-SRTP connection", GST_TYPE_STRUCTURE,
                         ro));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtp_src_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_src_template);
  gst_element_class_add_static_pad_template(element_class, &data_src_template);
  gst_element_class_set_static_metadata(
      element_class, "DTLS-SRTP decoder", "Decoder/Network/WebRTC",
      "RFC 7983 demultiplexing, DTLS handshake, SRTP/SRTCP unprotection and "
      "DTLS application data (receiver side)",
      "gst-rtc");
}
