/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtcdtlssrtpenc
 * @title: rtcdtlssrtpenc
 *
 * The sending half of a DTLS-SRTP transport (RFC 5764): it runs the DTLS
 * handshake with the #GstRtcDtlsTransport it shares with the
 * `rtcdtlssrtpdec` of the same `connection-id`, protects RTP and RTCP
 * (request pads `rtp_sink_%u`, `rtcp_sink_%u`) into SRTP/SRTCP in place and
 * carries SCTP packets (`data_sink`) as DTLS application data. Everything it
 * sends, handshake included, leaves through `src`, towards `rtcicesink` or
 * any datagram sink.
 *
 * Media arriving before the handshake finished is dropped (and counted);
 * `data_sink` buffers wait for it in a bounded queue. After a failed
 * handshake (fingerprint mismatch, DTLS alert, timeout) nothing but DTLS
 * alerts is sent (RFC 8842 §5.1).
 *
 * ## Example launch line (server side, pairs with rtcdtlssrtpdec)
 * |[
 * gst-launch-1.0 audiotestsrc ! opusenc ! rtpopuspay ! rtcdtlssrtpenc connection-id=c0 \
 *   ! udpsink host=127.0.0.1 port=5002 \
 *   udpsrc port=5004 ! rtcdtlssrtpdec connection-id=c0 remote-fingerprint="sha-256 AB:..." \
 *   rtcdtlssrtpdec0.rtp_src ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcdtlssrtpenc.h"

#include <gst/rtc/rtc.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "certificate.h"
#include "dtls-connection.h"

GST_DEBUG_CATEGORY_STATIC(gst_rtc_dtls_srtp_enc_debug);
#define GST_CAT_DEFAULT gst_rtc_dtls_srtp_enc_debug

using gst_rtc::dtls::Certificate;
using gst_rtc::dtls::CertificateOptions;
using gst_rtc::dtls::Connection;
using gst_rtc::dtls::KeyType;
using gst_rtc::dtls::PadSender;
using gst_rtc::dtls::SignatureHash;

namespace {

using RtcError = gst_rtc::jsep::Error;

// Room an upstream allocator leaves after each packet so that SRTCP's index
// and the largest tag (GCM: 16) fit without a copy.
constexpr guint kSrtpPadding = 32;

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_IS_CLIENT,
  PROP_CERTIFICATE,
  PROP_FINGERPRINT,
  PROP_TRANSPORT,
  PROP_SRTP_PROFILES,
  PROP_STATS,
};

GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
GstStaticPadTemplate rtp_sink_template = GST_STATIC_PAD_TEMPLATE(
    "rtp_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS("application/x-rtp; application/x-rtcp"));
GstStaticPadTemplate rtcp_sink_template = GST_STATIC_PAD_TEMPLATE(
    "rtcp_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS("application/x-rtp; application/x-rtcp"));
GstStaticPadTemplate data_sink_template = GST_STATIC_PAD_TEMPLATE("data_sink", GST_PAD_SINK, GST_PAD_REQUEST,
                                                                  GST_STATIC_CAPS("application/x-sctp"));

// What the src pad says it carries: a datagram stream (DTLS records, SRTP,
// SRTCP), for rtcicesink or udpsink.
constexpr const char *kSrcCaps = "application/x-dtls-srtp";

struct Private {
  std::mutex lock;
  std::shared_ptr<Connection> conn;
  std::string connection_id;
  bool is_client = false;
  std::optional<std::vector<gst_rtc::dtls::SrtpProfile>> profiles;
  GstPad *src = nullptr;
  std::shared_ptr<PadSender> sender;
  // Sink pads that saw EOS; EOS goes downstream once all did.
  std::set<GstPad *> eos_pads;
  // Why the last `certificate` set was refused. While set, start fails
  // rather than run the handshake with a certificate the user did not give.
  std::optional<RtcError> certificate_error;
};

}  // namespace

struct _GstRtcDtlsSrtpEnc {
  GstElement parent;
  Private *priv;
};

G_DEFINE_TYPE(GstRtcDtlsSrtpEnc, gst_rtc_dtls_srtp_enc, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE(rtcdtlssrtpenc, "rtcdtlssrtpenc", GST_RANK_NONE, GST_RTC_TYPE_DTLS_SRTP_ENC)

static std::shared_ptr<Connection> connection_of(GstRtcDtlsSrtpEnc *self) {
  std::lock_guard<std::mutex> guard(self->priv->lock);
  return self->priv->conn;
}

static bool certificate_refused(GstRtcDtlsSrtpEnc *self) {
  std::lock_guard<std::mutex> guard(self->priv->lock);
  return self->priv->certificate_error.has_value();
}

static GstRtcError to_gst_error(gst_rtc::jsep::ErrorCode code) {
  // The JSEP core's codes equal GstRtcError one for one (rtc-error.h).
  return static_cast<GstRtcError>(code);
}

// An ERROR or WARNING message in the GST_RTC_ERROR domain with the code of `e`.
static void post_rtc_message(GstRtcDtlsSrtpEnc *self, GstMessageType type, const RtcError &e,
                             const char *text) {
  gst_element_message_full(GST_ELEMENT(self), type, GST_RTC_ERROR, to_gst_error(e.code), g_strdup(text),
                           g_strdup(e.message.c_str()), __FILE__, GST_FUNCTION, __LINE__);
}

// Moves the element (and the settings made on it) to connection `id`.
static void switch_connection(GstRtcDtlsSrtpEnc *self, const std::string &id) {
  Private *p = self->priv;
  std::shared_ptr<Connection> old;
  std::shared_ptr<Connection> conn = Connection::acquire(id);
  {
    std::lock_guard<std::mutex> guard(p->lock);
    old = p->conn;
    p->connection_id = id;
    p->conn = conn;
  }
  if (old) {
    conn->adopt_certificate_from(*old);
    old->detach_encoder(GST_ELEMENT(self));
  }
  conn->set_client(p->is_client);
  if (p->profiles) conn->set_srtp_profiles(*p->profiles);
  conn->attach_encoder(GST_ELEMENT(self), p->sender);
  GST_DEBUG_OBJECT(self, "connection-id '%s'", id.c_str());
}

static GstFlowReturn enc_chain(GstPad *pad, GstObject *parent, GstBuffer *buffer) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(parent);
  auto conn = connection_of(self);
  GstBuffer *out = conn->protect(buffer);
  if (!out) {
    GST_LOG_OBJECT(pad, "packet dropped (%s)",
                   conn->failed() ? "transport failed" : "not connected or malformed");
    return GST_FLOW_OK;
  }
  return self->priv->sender->push(out);
}

static GstFlowReturn enc_chain_list(GstPad *pad, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(parent);
  auto conn = connection_of(self);
  list = gst_buffer_list_make_writable(list);
  gst_buffer_list_foreach(
      list,
      [](GstBuffer **buffer, guint, gpointer data) -> gboolean {
        // Takes the list's reference; nullptr removes the packet from the list.
        *buffer = static_cast<Connection *>(data)->protect(*buffer);
        return TRUE;
      },
      conn.get());
  if (gst_buffer_list_length(list) == 0) {
    GST_LOG_OBJECT(pad, "every packet of the list dropped");
    gst_buffer_list_unref(list);
    return GST_FLOW_OK;
  }
  self->priv->sender->enqueue(GST_MINI_OBJECT_CAST(list));
  return self->priv->sender->drain();
}

static GstFlowReturn enc_data_chain(GstPad *, GstObject *parent, GstBuffer *buffer) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(parent);
  auto conn = connection_of(self);
  GstMapInfo map;
  if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    // A path MTU probe stays marked as one (rtcicesink drops it rather than
    // let it go out in IP fragments or through a relay).
    conn->send_application_data(map.data, map.size,
                                GstBufferFlags(GST_BUFFER_FLAGS(buffer) & GST_RTC_BUFFER_FLAG_PROBE));
    gst_buffer_unmap(buffer, &map);
  }
  gst_buffer_unref(buffer);
  return GST_FLOW_OK;
}

static GstFlowReturn enc_data_chain_list(GstPad *, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(parent);
  connection_of(self)->send_application_list(list);
  gst_buffer_list_unref(list);
  return GST_FLOW_OK;
}

static gboolean enc_sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(parent);
  Private *p = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_EOS: {
      // Several inputs share one output: EOS once every input ended.
      bool all = false;
      {
        GST_OBJECT_LOCK(self);
        p->eos_pads.insert(pad);
        all = true;
        for (GList *l = GST_ELEMENT(self)->sinkpads; l; l = l->next)
          if (!p->eos_pads.count(GST_PAD(l->data))) all = false;
        GST_OBJECT_UNLOCK(self);
      }
      if (all) {
        p->sender->enqueue(GST_MINI_OBJECT_CAST(event));
        p->sender->drain();
      } else {
        gst_event_unref(event);
      }
      return TRUE;
    }
    case GST_EVENT_FLUSH_STOP: {
      GST_OBJECT_LOCK(self);
      p->eos_pads.erase(pad);
      GST_OBJECT_UNLOCK(self);
      gst_event_unref(event);
      return TRUE;
    }
    default:
      // Stream-start, caps and segment of each input are not the output's:
      // the src pad has its own; other serialized events would race the
      // other inputs on the shared src pad.
      gst_event_unref(event);
      return TRUE;
  }
}

static gboolean enc_sink_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  if (GST_QUERY_TYPE(query) == GST_QUERY_ALLOCATION) {
    GstAllocationParams params;
    gst_allocation_params_init(&params);
    params.padding = kSrtpPadding;
    gst_query_add_allocation_param(query, nullptr, &params);
    return TRUE;
  }
  return gst_pad_query_default(pad, parent, query);
}

static GstPad *enc_request_new_pad(GstElement *element, GstPadTemplate *templ, const gchar *name,
                                   const GstCaps *) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(element);
  const bool data = g_strcmp0(GST_PAD_TEMPLATE_NAME_TEMPLATE(templ), "data_sink") == 0;
  if (data) {
    if (GstPad *existing = gst_element_get_static_pad(element, "data_sink")) {
      gst_object_unref(existing);
      GST_WARNING_OBJECT(self, "data_sink already requested");
      return nullptr;
    }
  }
  gchar *pad_name = nullptr;
  if (!data) {
    if (name) {
      pad_name = g_strdup(name);
    } else {
      // The lowest free index, as GstElement does for %u templates.
      const gchar *prefix =
          g_str_has_prefix(GST_PAD_TEMPLATE_NAME_TEMPLATE(templ), "rtcp") ? "rtcp_sink_" : "rtp_sink_";
      for (guint i = 0;; ++i) {
        pad_name = g_strdup_printf("%s%u", prefix, i);
        GstPad *taken = gst_element_get_static_pad(element, pad_name);
        if (!taken) break;
        gst_object_unref(taken);
        g_free(pad_name);
      }
    }
  }
  GstPad *pad = gst_pad_new_from_template(templ, data ? "data_sink" : pad_name);
  g_free(pad_name);
  if (data) {
    gst_pad_set_chain_function(pad, enc_data_chain);
    gst_pad_set_chain_list_function(pad, enc_data_chain_list);
  } else {
    gst_pad_set_chain_function(pad, enc_chain);
    gst_pad_set_chain_list_function(pad, enc_chain_list);
    gst_pad_set_query_function(pad, enc_sink_query);
  }
  gst_pad_set_event_function(pad, enc_sink_event);
  if (GST_STATE(element) > GST_STATE_READY || GST_STATE_TARGET(element) > GST_STATE_READY)
    gst_pad_set_active(pad, TRUE);
  if (!gst_element_add_pad(element, pad)) {
    gst_object_unref(pad);
    return nullptr;
  }
  GST_DEBUG_OBJECT(self, "new pad %s", GST_PAD_NAME(pad));
  return pad;
}

static void enc_release_pad(GstElement *element, GstPad *pad) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(element);
  GST_OBJECT_LOCK(self);
  self->priv->eos_pads.erase(pad);
  GST_OBJECT_UNLOCK(self);
  gst_pad_set_active(pad, FALSE);
  gst_element_remove_pad(element, pad);
}

static GstStateChangeReturn enc_change_state(GstElement *element, GstStateChange transition) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(element);
  Private *p = self->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    std::optional<RtcError> refused;
    {
      std::lock_guard<std::mutex> guard(p->lock);
      refused = p->certificate_error;
    }
    if (refused) {
      // A generated certificate would give the peer another fingerprint
      // than the one the user meant to sign with: no handshake.
      post_rtc_message(self, GST_MESSAGE_ERROR, *refused, "Invalid certificate");
      return GST_STATE_CHANGE_FAILURE;
    }
  }
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    // While the src pad is still active: close_notify must get out.
    connection_of(self)->close();
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_rtc_dtls_srtp_enc_parent_class)->change_state(element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) return ret;
  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      GST_OBJECT_LOCK(self);
      p->eos_pads.clear();
      GST_OBJECT_UNLOCK(self);
      p->sender->reset();
      // A client sends its ClientHello now (or once remote-fingerprint is set).
      connection_of(self)->activate();
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      p->sender->reset();
      break;
    default:
      break;
  }
  return ret;
}

static void enc_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(object);
  Private *p = self->priv;
  switch (prop_id) {
    case PROP_CONNECTION_ID: {
      const gchar *id = g_value_get_string(value);
      switch_connection(self, id ? id : "");
      g_object_notify(object, "transport");
      break;
    }
    case PROP_IS_CLIENT:
      p->is_client = g_value_get_boolean(value);
      connection_of(self)->set_client(p->is_client);
      break;
    case PROP_CERTIFICATE: {
      const gchar *pem = g_value_get_string(value);
      {
        std::lock_guard<std::mutex> guard(p->lock);
        p->certificate_error.reset();
      }
      if (!pem) break;
      auto st = connection_of(self)->set_certificate_pem(pem);
      if (!st.ok()) {
        {
          std::lock_guard<std::mutex> guard(p->lock);
          p->certificate_error = st.error();
        }
        // Syntax: not a PEM certificate and key; InvalidAccess: the key is
        // not the certificate's.
        post_rtc_message(self, GST_MESSAGE_WARNING, st.error(), "Invalid certificate");
      } else {
        g_object_notify(object, "fingerprint");
      }
      break;
    }
    case PROP_SRTP_PROFILES: {
      const gchar *text = g_value_get_string(value);
      auto profiles = gst_rtc::dtls::parse_srtp_profiles(text ? text : "");
      if (!profiles.ok()) {
        GST_ELEMENT_WARNING(self, RTC, SYNTAX, ("Invalid srtp-profiles"),
                            ("%s", profiles.error().message.c_str()));
        break;
      }
      p->profiles = profiles.value();
      connection_of(self)->set_srtp_profiles(*p->profiles);
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void enc_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(object);
  Private *p = self->priv;
  switch (prop_id) {
    case PROP_CONNECTION_ID: {
      std::lock_guard<std::mutex> guard(p->lock);
      g_value_set_string(value, p->connection_id.empty() ? nullptr : p->connection_id.c_str());
      break;
    }
    case PROP_IS_CLIENT:
      g_value_set_boolean(value, p->is_client);
      break;
    case PROP_CERTIFICATE: {
      if (certificate_refused(self)) {
        g_value_set_string(value, nullptr);
        break;
      }
      auto pem = connection_of(self)->certificate_pem();
      g_value_set_string(value, pem.ok() ? pem->c_str() : nullptr);
      break;
    }
    case PROP_FINGERPRINT: {
      if (certificate_refused(self)) {
        g_value_set_string(value, nullptr);
        break;
      }
      auto fp = connection_of(self)->local_fingerprint();
      g_value_set_string(value, fp.ok() ? fp->c_str() : nullptr);
      break;
    }
    case PROP_TRANSPORT:
      g_value_set_object(value, connection_of(self)->transport());
      break;
    case PROP_SRTP_PROFILES:
      g_value_set_string(
          value, gst_rtc::dtls::srtp_profiles_to_string(connection_of(self)->srtp_profiles()).c_str());
      break;
    case PROP_STATS:
      g_value_take_boxed(value, connection_of(self)->stats());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

// ---------------------------------------------------------------- generate-certificate

// webrtc-pc §4.10.1 lets a user agent cap `expires`; browsers keep
// certificates for at most a year. Unset: 30 days, as browsers do.
constexpr guint64 kMaxExpiresMs = G_GUINT64_CONSTANT(365) * 24 * 3600 * 1000;
constexpr guint64 kDefaultExpiresMs = G_GUINT64_CONSTANT(30) * 24 * 3600 * 1000;

struct ParamError {
  GstRtcError code;
  std::string message;
};

// A non-negative integer field of any GLib integer type, or a double without
// fraction (Python and gst_structure_from_string() pick either).
// Absent: nullopt left in *out. Present but not such a number: a TYPE error.
static std::optional<ParamError> read_count(const GstStructure *s, const char *field,
                                            std::optional<guint64> *out) {
  const GValue *v = gst_structure_get_value(s, field);
  if (!v) return std::nullopt;
  const GType t = G_VALUE_TYPE(v);
  const auto bad = [&](const char *why) { return ParamError{GST_RTC_ERROR_TYPE, std::string(field) + why}; };
  gint64 signed_value = 0;
  if (t == G_TYPE_INT) {
    signed_value = g_value_get_int(v);
  } else if (t == G_TYPE_INT64) {
    signed_value = g_value_get_int64(v);
  } else if (t == G_TYPE_LONG) {
    signed_value = g_value_get_long(v);
  } else if (t == G_TYPE_UINT) {
    *out = g_value_get_uint(v);
    return std::nullopt;
  } else if (t == G_TYPE_UINT64) {
    *out = g_value_get_uint64(v);
    return std::nullopt;
  } else if (t == G_TYPE_ULONG) {
    *out = g_value_get_ulong(v);
    return std::nullopt;
  } else if (t == G_TYPE_DOUBLE) {
    const double d = g_value_get_double(v);
    if (!std::isfinite(d) || d < 0 || d != std::floor(d) || d >= 18446744073709551616.0)
      return bad(" is not a non-negative integer");
    *out = static_cast<guint64>(d);
    return std::nullopt;
  } else {
    return bad(" is not an integer");
  }
  if (signed_value < 0) return bad(" is negative");
  *out = static_cast<guint64>(signed_value);
  return std::nullopt;
}

// A string field. Absent: nullopt left in *out; another type: a TYPE error.
static std::optional<ParamError> read_string(const GstStructure *s, const char *field,
                                             std::optional<std::string> *out) {
  const GValue *v = gst_structure_get_value(s, field);
  if (!v) return std::nullopt;
  if (!G_VALUE_HOLDS_STRING(v) || !g_value_get_string(v))
    return ParamError{GST_RTC_ERROR_TYPE, std::string(field) + " is not a string"};
  *out = g_value_get_string(v);
  return std::nullopt;
}

// WebCrypto's publicExponent is a big-endian byte array (a BigInteger, GBytes
// or GstBuffer here); a plain integer is accepted too.
static std::optional<ParamError> read_exponent(const GstStructure *s, std::optional<guint64> *out) {
  const GValue *v = gst_structure_get_value(s, "public-exponent");
  if (!v) return std::nullopt;
  std::vector<guint8> be;
  if (G_VALUE_HOLDS(v, G_TYPE_BYTES)) {
    if (auto *bytes = static_cast<GBytes *>(g_value_get_boxed(v))) {
      gsize n = 0;
      auto *data = static_cast<const guint8 *>(g_bytes_get_data(bytes, &n));
      be.assign(data, data + n);
    }
  } else if (G_VALUE_HOLDS(v, GST_TYPE_BUFFER)) {
    if (auto *buf = static_cast<GstBuffer *>(g_value_get_boxed(v))) {
      be.resize(gst_buffer_get_size(buf));
      gst_buffer_extract(buf, 0, be.data(), be.size());
    }
  } else {
    return read_count(s, "public-exponent", out);
  }
  guint64 e = 0;
  for (guint8 b : be) {
    if (e >> 56) return ParamError{GST_RTC_ERROR_NOT_SUPPORTED, "public-exponent wider than 64 bits"};
    e = (e << 8) | b;
  }
  *out = e;
  return std::nullopt;
}

// W3C generateCertificate() keygenAlgorithm (webrtc-pc §4.10.1, WebCrypto
// names, matched case-insensitively as WebCrypto does) to key options.
static std::optional<ParamError> parse_certificate_params(const GstStructure *params, CertificateOptions *o) {
  std::optional<guint64> expires;
  if (params) {
    std::optional<std::string> name;
    if (auto e = read_string(params, "name", &name)) return e;
    if (!name) return ParamError{GST_RTC_ERROR_TYPE, "the algorithm has no name"};
    if (g_ascii_strcasecmp(name->c_str(), "ECDSA") == 0) {
      std::optional<std::string> curve;
      if (auto e = read_string(params, "named-curve", &curve)) return e;
      if (!curve) return ParamError{GST_RTC_ERROR_TYPE, "ECDSA needs named-curve"};
      if (*curve != "P-256")
        return ParamError{GST_RTC_ERROR_NOT_SUPPORTED, "named-curve " + *curve + " (only P-256)"};
      o->key_type = KeyType::EcdsaP256;
    } else if (g_ascii_strcasecmp(name->c_str(), "RSASSA-PKCS1-v1_5") == 0) {
      std::optional<guint64> bits, exponent;
      std::optional<std::string> hash;
      if (auto e = read_count(params, "modulus-length", &bits)) return e;
      if (!bits) return ParamError{GST_RTC_ERROR_TYPE, "RSASSA-PKCS1-v1_5 needs modulus-length"};
      if (*bits < 1024 || *bits > 16384)
        return ParamError{GST_RTC_ERROR_TYPE,
                          "modulus-length " + std::to_string(*bits) + " outside 1024..16384"};
      if (auto e = read_exponent(params, &exponent)) return e;
      if (exponent && (*exponent < 3 || *exponent % 2 == 0))
        return ParamError{GST_RTC_ERROR_NOT_SUPPORTED,
                          "public-exponent " + std::to_string(*exponent) + " (must be odd and >= 3)"};
      if (auto e = read_string(params, "hash", &hash)) return e;
      o->rsa_hash = SignatureHash::Sha256;
      if (hash) {
        if (g_ascii_strcasecmp(hash->c_str(), "SHA-384") == 0)
          o->rsa_hash = SignatureHash::Sha384;
        else if (g_ascii_strcasecmp(hash->c_str(), "SHA-512") == 0)
          o->rsa_hash = SignatureHash::Sha512;
        else if (g_ascii_strcasecmp(hash->c_str(), "SHA-256") != 0)
          return ParamError{GST_RTC_ERROR_NOT_SUPPORTED, "hash " + *hash + " (SHA-256, SHA-384, SHA-512)"};
      }
      o->key_type = KeyType::Rsa;
      o->rsa_bits = static_cast<unsigned>(*bits);
      o->rsa_public_exponent = exponent.value_or(65537);
    } else {
      return ParamError{GST_RTC_ERROR_NOT_SUPPORTED, "algorithm " + *name + " (ECDSA or RSASSA-PKCS1-v1_5)"};
    }
    if (auto e = read_count(params, "expires", &expires)) return e;
  }
  // Whole seconds (X.509 time), rounded up so that the certificate lives at
  // least as long as asked.
  const guint64 ms = std::min(expires.value_or(kDefaultExpiresMs), kMaxExpiresMs);
  o->validity = std::chrono::seconds((ms + 999) / 1000);
  return std::nullopt;
}

static GstStructure *error_reply(GstRtcError code, const std::string &message) {
  GError *error = g_error_new_literal(GST_RTC_ERROR, code, message.c_str());
  GstStructure *reply = gst_structure_new("generate-certificate", "error", G_TYPE_ERROR, error, nullptr);
  g_error_free(error);
  return reply;
}

// Class handler of the `generate-certificate` action signal. It touches no
// state of the element (no lock is taken), so rtcpeerbin may call it on any
// instance from any thread, in any state.
static GstStructure *enc_generate_certificate(GstRtcDtlsSrtpEnc *self, const GstStructure *params) {
  CertificateOptions options;
  if (auto e = parse_certificate_params(params, &options)) {
    GST_INFO_OBJECT(self, "generate-certificate refused: %s", e->message.c_str());
    return error_reply(e->code, e->message);
  }
  const gint64 start = g_get_monotonic_time();
  auto cert = Certificate::generate(options);
  if (!cert.ok()) return error_reply(to_gst_error(cert.error().code), cert.error().message);
  auto cert_pem = cert->cert_pem();
  auto key_pem = cert->key_pem();
  auto fingerprint = cert->fingerprint("sha-256");
  auto expires = cert->expires_unix_ms();
  for (const RtcError *e :
       {cert_pem.ok() ? nullptr : &cert_pem.error(), key_pem.ok() ? nullptr : &key_pem.error(),
        fingerprint.ok() ? nullptr : &fingerprint.error(), expires.ok() ? nullptr : &expires.error()})
    if (e) return error_reply(to_gst_error(e->code), e->message);
  GST_DEBUG_OBJECT(self, "generated a %s certificate in %" G_GINT64_FORMAT " ms",
                   options.key_type == KeyType::Rsa ? "RSA" : "ECDSA P-256",
                   (g_get_monotonic_time() - start) / 1000);
  const std::string pem = *cert_pem + *key_pem;
  const std::string fp = "sha-256 " + *fingerprint;
  return gst_structure_new("generate-certificate", "certificate", G_TYPE_STRING, pem.c_str(), "fingerprint",
                           G_TYPE_STRING, fp.c_str(), "expires", G_TYPE_UINT64,
                           static_cast<guint64>(*expires), nullptr);
}

static void gst_rtc_dtls_srtp_enc_init(GstRtcDtlsSrtpEnc *self) {
  self->priv = new Private();
  Private *p = self->priv;
  p->src = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_use_fixed_caps(p->src);
  gst_element_add_pad(GST_ELEMENT(self), p->src);
  p->sender = std::make_shared<PadSender>(p->src, kSrcCaps);
  switch_connection(self, "");
}

static void enc_dispose(GObject *object) {
  auto *self = GST_RTC_DTLS_SRTP_ENC(object);
  Private *p = self->priv;
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard<std::mutex> guard(p->lock);
    conn = std::move(p->conn);
  }
  if (conn) conn->detach_encoder(GST_ELEMENT(self));
  G_OBJECT_CLASS(gst_rtc_dtls_srtp_enc_parent_class)->dispose(object);
}

static void enc_finalize(GObject *object) {
  delete GST_RTC_DTLS_SRTP_ENC(object)->priv;
  G_OBJECT_CLASS(gst_rtc_dtls_srtp_enc_parent_class)->finalize(object);
}

static void gst_rtc_dtls_srtp_enc_class_init(GstRtcDtlsSrtpEncClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_dtls_srtp_enc_debug, "rtcdtlssrtpenc", 0, "DTLS-SRTP sender");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = enc_set_property;
  gobject_class->get_property = enc_get_property;
  gobject_class->dispose = enc_dispose;
  gobject_class->finalize = enc_finalize;
  element_class->change_state = enc_change_state;
  element_class->request_new_pad = enc_request_new_pad;
  element_class->release_pad = enc_release_pad;

  constexpr auto rw_ready = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  constexpr auto ro = GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcDtlsSrtpEnc:connection-id:
   *
   * Name of the DTLS transport shared with the `rtcdtlssrtpdec` that has
   * the same `connection-id` (process-wide). Unset: a private transport.
   */
  g_object_class_install_property(
      gobject_class, PROP_CONNECTION_ID,
      g_param_spec_string("connection-id", "Connection id",
                          "Shares one DTLS transport with the rtcdtlssrtpdec of the same id", nullptr,
                          rw_ready));
  /**
   * GstRtcDtlsSrtpEnc:is-client:
   *
   * DTLS role: %TRUE is the client (`a=setup:active`), which sends the
   * ClientHello when the element reaches PAUSED; %FALSE the server
   * (`a=setup:passive`), which answers the first ClientHello.
   */
  g_object_class_install_property(
      gobject_class, PROP_IS_CLIENT,
      g_param_spec_boolean("is-client", "Is client",
                           "DTLS client (a=setup:active) or server (a=setup:passive)", FALSE, rw_ready));
  /**
   * GstRtcDtlsSrtpEnc:certificate:
   *
   * The local certificate and its private key, PEM encoded. An ECDSA P-256
   * certificate is generated when none was set; reading gives it. A value
   * that is not a PEM certificate with its matching key is refused with a
   * #GST_RTC_ERROR warning (%GST_RTC_ERROR_SYNTAX, or
   * %GST_RTC_ERROR_INVALID_ACCESS when the key does not match); until a
   * valid one (or %NULL) is set, reading `certificate` and `fingerprint`
   * gives %NULL and going to PAUSED fails with that error.
   */
  g_object_class_install_property(
      gobject_class, PROP_CERTIFICATE,
      g_param_spec_string("certificate", "Certificate",
                          "Local certificate and private key (PEM); ECDSA P-256 generated when unset",
                          nullptr, rw_ready));
  /**
   * GstRtcDtlsSrtpEnc:fingerprint:
   *
   * The SHA-256 fingerprint of the local certificate as it goes in
   * `a=fingerprint`: "sha-256 AB:CD:...".
   */
  g_object_class_install_property(
      gobject_class, PROP_FINGERPRINT,
      g_param_spec_string("fingerprint", "Fingerprint",
                          "Fingerprint of the local certificate for a=fingerprint (\"sha-256 AB:CD:...\"); "
                          "reading it generates the certificate when unset",
                          nullptr, ro));
  /**
   * GstRtcDtlsSrtpEnc:transport:
   *
   * The #GstRtcDtlsTransport of this connection (state, certificates,
   * `on-error`), the same object the paired `rtcdtlssrtpdec` returns.
   */
  g_object_class_install_property(
      gobject_class, PROP_TRANSPORT,
      g_param_spec_object("transport", "Transport", "The GstRtcDtlsTransport of this connection",
                          GST_RTC_TYPE_DTLS_TRANSPORT, ro));
  /**
   * GstRtcDtlsSrtpEnc:srtp-profiles:
   *
   * The DTLS-SRTP protection profiles offered (client) or accepted
   * (server), in preference order, comma separated OpenSSL names:
   * SRTP_AEAD_AES_256_GCM, SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_SHA1_80,
   * SRTP_AES128_CM_SHA1_32 (the default order).
   */
  g_object_class_install_property(
      gobject_class, PROP_SRTP_PROFILES,
      g_param_spec_string(
          "srtp-profiles", "SRTP profiles",
          "Comma separated use_srtp profiles in preference order (OpenSSL names)",
          "SRTP_AEAD_AES_256_GCM,SRTP_AEAD_AES_128_GCM,SRTP_AES128_CM_SHA1_80,SRTP_AES128_CM_SHA1_32",
          rw_ready));
  /**
   * GstRtcDtlsSrtpEnc:stats:
   *
   * Counters of the connection: DTLS datagrams, retransmissions, SRTP
   * packets protected/unprotected and every drop by reason, plus `state`
   * and the negotiated `srtp-profile`.
   */
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics", "Counters of the DTLS-SRTP connection", GST_TYPE_STRUCTURE,
                         ro));

  /**
   * GstRtcDtlsSrtpEnc::generate-certificate:
   * @enc: the element
   * @params: (nullable): the W3C `keygenAlgorithm`: `name` "ECDSA" with
   *   `named-curve` "P-256", or `name` "RSASSA-PKCS1-v1_5" with
   *   `modulus-length` (1024..16384), optional `public-exponent` (integer or
   *   big-endian bytes, default 65537) and `hash` ("SHA-256", "SHA-384",
   *   "SHA-512"); optional `expires` (ms, default 30 days, capped at 365
   *   days). %NULL: ECDSA P-256.
   *
   * Generates a self-signed certificate (RTCPeerConnection.generateCertificate())
   * without touching this element's own certificate. The call blocks while
   * the key is generated (ECDSA: about a millisecond; RSA 2048: tens to
   * hundreds of milliseconds), holding no lock of the element.
   *
   * Returns: (transfer full): on success a structure with `certificate`
   * (PEM certificate + private key, for the `certificate` property),
   * `fingerprint` ("sha-256 AB:CD:...") and `expires` (guint64, notAfter in
   * ms since the Unix epoch); on failure a structure with `error` (#GError
   * of #GST_RTC_ERROR: %GST_RTC_ERROR_NOT_SUPPORTED for an unknown
   * algorithm, curve, hash or exponent, %GST_RTC_ERROR_TYPE for a missing or
   * ill-typed field or a modulus length out of range).
   */
  g_signal_new_class_handler(
      "generate-certificate", G_TYPE_FROM_CLASS(klass), GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(enc_generate_certificate), nullptr, nullptr, nullptr, gst_structure_get_type(), 1,
      gst_structure_get_type() | G_SIGNAL_TYPE_STATIC_SCOPE);

  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_add_static_pad_template(element_class, &rtp_sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_sink_template);
  gst_element_class_add_static_pad_template(element_class, &data_sink_template);
  gst_element_class_set_static_metadata(
      element_class, "DTLS-SRTP encoder", "Encoder/Network/WebRTC",
      "DTLS handshake, SRTP/SRTCP protection and DTLS application data (sender side)", "gst-rtc");
}
