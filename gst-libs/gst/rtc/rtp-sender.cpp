/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/rtp-sender.h>

#include <gst/rtc/rtc-error.h>

#include <set>
#include <vector>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcRtpSender:
 *
 * The W3C `RTCRtpSender`: the sending half of a #GstRtcRtpTransceiver.
 *
 * #GstRtcRtpSender:parameters is the W3C `RTCRtpSendParameters` as a
 * #GstStructure named "parameters" whose `encodings` field is a
 * #GstValueArray of structures named "encoding", each with:
 *
 * - `rid` (string, optional): the RID of a simulcast layer
 * - `active` (boolean): whether the encoding is sent
 * - `max-bitrate` (uint, bits per second, optional)
 * - `scale-resolution-down-by` (double >= 1.0, optional, video only)
 * - `max-framerate` (double, optional, video only)
 *
 * A new sender has one encoding, `active=true` (simulcast senders one per
 * layer). rtcpeerbin acts on each layer's encoding (the first one without
 * simulcast): while `active` is FALSE the pad sends nothing (RTCP goes on),
 * and when it turns TRUE again the pad's source is asked for a key unit;
 * `max-bitrate` caps the bitrate property of the encoder upstream of the
 * pad (x264enc, x265enc, vp8enc, vp9enc, av1enc, openh264enc, opusenc and
 * the nv/va/vaapi/qsv/msdk H.264/H.265 encoders; the application's own
 * value comes back when the cap goes), or posts a
 * %GST_RTC_ERROR_NOT_SUPPORTED warning when there is no encoder it knows.
 * `scale-resolution-down-by` and `max-framerate` are kept as given (the
 * bin receives encoded media: it cannot scale).
 */

namespace {

struct RtpSenderImpl {
  std::mutex lock;
  ObjectRef<GstRtcDtlsTransport> transport;
  ObjectRef<GstRtcDtmfSender> dtmf;
  StructureBox parameters;
};

enum { PROP_0, PROP_TRANSPORT, PROP_DTMF, PROP_PARAMETERS, N_PROPS };

GParamSpec *props[N_PROPS];

GstStructure *default_parameters() {
  GValue encodings = G_VALUE_INIT;
  g_value_init(&encodings, GST_TYPE_ARRAY);
  GValue encoding = G_VALUE_INIT;
  g_value_init(&encoding, GST_TYPE_STRUCTURE);
  g_value_take_boxed(&encoding, gst_structure_new("encoding", "active", G_TYPE_BOOLEAN, TRUE, nullptr));
  gst_value_array_append_and_take_value(&encodings, &encoding);
  GstStructure *params = gst_structure_new_empty("parameters");
  gst_structure_take_value(params, "encodings", &encodings);
  return params;
}

// RFC 8851 rid-syntax: 1*(ALPHA / DIGIT / "-" / "_"), at most 255 long (W3C).
bool is_valid_rid(const gchar *rid) {
  if (!rid || !*rid || strlen(rid) > 255) return false;
  for (const gchar *p = rid; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') return false;
  return true;
}

gboolean fail(GError **error, GstRtcError code, const char *message) {
  g_set_error_literal(error, GST_RTC_ERROR, code, message);
  return FALSE;
}

// Reads a number field of any integer or floating type as a double.
// Returns false when the field is absent; sets *valid to false when it is
// present but not a number.
bool get_number(const GstStructure *s, const char *field, double *out, bool *valid) {
  const GValue *v = gst_structure_get_value(s, field);
  if (!v) return false;
  *valid = true;
  switch (G_VALUE_TYPE(v)) {
    case G_TYPE_INT:
      *out = g_value_get_int(v);
      break;
    case G_TYPE_UINT:
      *out = g_value_get_uint(v);
      break;
    case G_TYPE_INT64:
      *out = double(g_value_get_int64(v));
      break;
    case G_TYPE_UINT64:
      *out = double(g_value_get_uint64(v));
      break;
    case G_TYPE_DOUBLE:
      *out = g_value_get_double(v);
      break;
    case G_TYPE_FLOAT:
      *out = g_value_get_float(v);
      break;
    default:
      *valid = false;
  }
  return true;
}

// Number fields of an encoding: accepted range and the type they are stored as.
struct NumberField {
  const char *name;
  double min, max;
  GType type;
  const char *problem;
};
const NumberField kNumberFields[] = {
    {"max-bitrate", 0, G_MAXUINT, G_TYPE_UINT, "an encoding's max-bitrate must be 0..2^32-1 bits per second"},
    {"scale-resolution-down-by", 1.0, G_MAXDOUBLE, G_TYPE_DOUBLE,
     "an encoding's scale-resolution-down-by must be a number >= 1.0"},
    {"max-framerate", 0, G_MAXDOUBLE, G_TYPE_DOUBLE, "an encoding's max-framerate must be a number >= 0"},
};

// Checks one encoding and writes its canonical form into `out` (a copy of
// it). Returns what is wrong, or nullptr.
const char *check_encoding(const GstStructure *enc, GstStructure *out, bool need_rid,
                           std::set<std::string> &seen, std::string *rid) {
  gst_structure_set_name(out, "encoding");
  if (gst_structure_has_field(enc, "rid")) {
    const gchar *r = gst_structure_get_string(enc, "rid");
    if (!is_valid_rid(r)) return "an encoding's rid must be 1-255 letters, digits, '-' or '_'";
    if (!seen.insert(r).second) return "two encodings have the same rid";
    *rid = r;
  } else if (need_rid) {
    return "every encoding needs a rid when there are several";
  }
  gboolean active = TRUE;
  if (gst_structure_has_field(enc, "active") && !gst_structure_get_boolean(enc, "active", &active))
    return "an encoding's active must be a boolean";
  gst_structure_set(out, "active", G_TYPE_BOOLEAN, active, nullptr);
  for (const NumberField &f : kNumberFields) {
    double num = 0;
    bool valid = false;
    if (!get_number(enc, f.name, &num, &valid)) continue;
    if (!valid || !(num >= f.min && num <= f.max)) return f.problem;
    if (f.type == G_TYPE_UINT)
      gst_structure_set(out, f.name, G_TYPE_UINT, guint(num), nullptr);
    else
      gst_structure_set(out, f.name, G_TYPE_DOUBLE, num, nullptr);
  }
  return nullptr;
}

// Validates `in` and returns its canonical form (numbers in their documented
// types), or nullptr with `error` set. `rids_out` receives each encoding's RID
// ("" for none).
GstStructure *normalize(const GstStructure *in, std::vector<std::string> *rids_out, GError **error) {
  const GValue *encodings = gst_structure_get_value(in, "encodings");
  if (!encodings || !(GST_VALUE_HOLDS_ARRAY(encodings) || GST_VALUE_HOLDS_LIST(encodings))) {
    fail(error, GST_RTC_ERROR_TYPE, "parameters need an \"encodings\" array");
    return nullptr;
  }
  const bool is_array = GST_VALUE_HOLDS_ARRAY(encodings);
  const guint n = is_array ? gst_value_array_get_size(encodings) : gst_value_list_get_size(encodings);
  if (n == 0) {
    fail(error, GST_RTC_ERROR_TYPE, "parameters need at least one encoding");
    return nullptr;
  }

  StructureBox out(gst_structure_copy(in));
  gst_structure_set_name(out.get_mutable(), "parameters");
  GValue out_encodings = G_VALUE_INIT;
  g_value_init(&out_encodings, GST_TYPE_ARRAY);
  std::set<std::string> seen;
  for (guint i = 0; i < n; i++) {
    const GValue *ev =
        is_array ? gst_value_array_get_value(encodings, i) : gst_value_list_get_value(encodings, i);
    const GstStructure *enc = GST_VALUE_HOLDS_STRUCTURE(ev) ? gst_value_get_structure(ev) : nullptr;
    StructureBox copy(enc ? gst_structure_copy(enc) : nullptr);
    std::string rid;
    const char *problem = enc ? check_encoding(enc, copy.get_mutable(), n > 1, seen, &rid)
                              : "each encoding must be a structure";
    if (problem) {
      g_value_unset(&out_encodings);
      g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "encoding %u: %s", i, problem);
      return nullptr;
    }
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&v, copy.release());
    gst_value_array_append_and_take_value(&out_encodings, &v);
    if (rids_out) rids_out->push_back(rid);
  }
  gst_structure_take_value(out.get_mutable(), "encodings", &out_encodings);
  return out.release();
}

std::vector<std::string> rids_of(const GstStructure *params) {
  std::vector<std::string> rids;
  const GValue *encodings = gst_structure_get_value(params, "encodings");
  for (guint i = 0; encodings && i < gst_value_array_get_size(encodings); i++) {
    const GstStructure *enc = gst_value_get_structure(gst_value_array_get_value(encodings, i));
    const gchar *rid = gst_structure_get_string(enc, "rid");
    rids.push_back(rid ? rid : "");
  }
  return rids;
}

}  // namespace

typedef struct {
  RtpSenderImpl *impl;
} GstRtcRtpSenderPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcRtpSender, gst_rtc_rtp_sender, GST_TYPE_OBJECT)

static RtpSenderImpl *impl_of(GstRtcRtpSender *self) {
  return static_cast<GstRtcRtpSenderPrivate *>(gst_rtc_rtp_sender_get_instance_private(self))->impl;
}

static void gst_rtc_rtp_sender_init(GstRtcRtpSender *self) {
  auto *impl = new RtpSenderImpl();
  impl->parameters = StructureBox(default_parameters());
  static_cast<GstRtcRtpSenderPrivate *>(gst_rtc_rtp_sender_get_instance_private(self))->impl = impl;
}

static void gst_rtc_rtp_sender_dispose(GObject *object) {
  RtpSenderImpl *impl = impl_of(GST_RTC_RTP_SENDER(object));
  ObjectRef<GstRtcDtlsTransport> transport;
  ObjectRef<GstRtcDtmfSender> dtmf;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    transport = std::move(impl->transport);
    dtmf = std::move(impl->dtmf);
  }
  G_OBJECT_CLASS(gst_rtc_rtp_sender_parent_class)->dispose(object);
}

static void gst_rtc_rtp_sender_finalize(GObject *object) {
  delete impl_of(GST_RTC_RTP_SENDER(object));
  G_OBJECT_CLASS(gst_rtc_rtp_sender_parent_class)->finalize(object);
}

static void gst_rtc_rtp_sender_set_property(GObject *object, guint prop_id, const GValue *value,
                                            GParamSpec *pspec) {
  auto *self = GST_RTC_RTP_SENDER(object);
  switch (prop_id) {
    case PROP_DTMF: {
      RtpSenderImpl *impl = impl_of(self);
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->dtmf =
          ObjectRef<GstRtcDtmfSender>::ref(static_cast<GstRtcDtmfSender *>(g_value_get_object(value)));
      break;
    }
    case PROP_PARAMETERS: {
      const auto *params = static_cast<const GstStructure *>(g_value_get_boxed(value));
      ErrorBox error;
      if (!params)
        GST_WARNING_OBJECT(self, "ignoring NULL parameters");
      else if (!gst_rtc_rtp_sender_set_parameters(self, params, error.out()))
        GST_WARNING_OBJECT(self, "ignoring parameters: %s", error.get()->message);
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_rtp_sender_get_property(GObject *object, guint prop_id, GValue *value,
                                            GParamSpec *pspec) {
  RtpSenderImpl *impl = impl_of(GST_RTC_RTP_SENDER(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_TRANSPORT:
      g_value_set_object(value, impl->transport.get());
      break;
    case PROP_DTMF:
      g_value_set_object(value, impl->dtmf.get());
      break;
    case PROP_PARAMETERS:
      g_value_set_boxed(value, impl->parameters.get());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_rtp_sender_class_init(GstRtcRtpSenderClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->dispose = gst_rtc_rtp_sender_dispose;
  gobject_class->finalize = gst_rtc_rtp_sender_finalize;
  gobject_class->set_property = gst_rtc_rtp_sender_set_property;
  gobject_class->get_property = gst_rtc_rtp_sender_get_property;

  /**
   * GstRtcRtpSender:transport:
   *
   * The W3C `RTCRtpSender.transport`: the DTLS transport RTP is sent over,
   * %NULL until negotiation chose one.
   */
  props[PROP_TRANSPORT] = g_param_spec_object("transport", "Transport", "The DTLS transport RTP is sent over",
                                              GST_RTC_TYPE_DTLS_TRANSPORT, kReadable);
  /**
   * GstRtcRtpSender:dtmf:
   *
   * The W3C `RTCRtpSender.dtmf`: the DTMF sender of an audio sender, %NULL
   * for video. Set at construction by the implementation.
   */
  props[PROP_DTMF] = g_param_spec_object("dtmf", "DTMF", "The DTMF sender (audio only, else NULL)",
                                         GST_RTC_TYPE_DTMF_SENDER, kConstructOnly);
  /**
   * GstRtcRtpSender:parameters:
   *
   * The W3C `RTCRtpSender.getParameters()` / `setParameters()`; see
   * #GstRtcRtpSender for the structure. Setting it follows
   * gst_rtc_rtp_sender_set_parameters(): an invalid structure is ignored
   * with a warning in the debug log (the function says why).
   */
  props[PROP_PARAMETERS] =
      g_param_spec_boxed("parameters", "Parameters", "Encoding parameters (W3C RTCRtpSendParameters)",
                         gst_structure_get_type(), kReadWrite);
  g_object_class_install_properties(gobject_class, N_PROPS, props);
}

/**
 * gst_rtc_rtp_sender_get_transport:
 * @sender: a #GstRtcRtpSender
 *
 * Returns: (transfer full) (nullable): the #GstRtcRtpSender:transport
 */
GstRtcDtlsTransport *gst_rtc_rtp_sender_get_transport(GstRtcRtpSender *sender) {
  g_return_val_if_fail(GST_RTC_IS_RTP_SENDER(sender), nullptr);
  RtpSenderImpl *impl = impl_of(sender);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->transport.dup();
}

/**
 * gst_rtc_rtp_sender_get_dtmf:
 * @sender: a #GstRtcRtpSender
 *
 * Returns: (transfer full) (nullable): the #GstRtcRtpSender:dtmf
 */
GstRtcDtmfSender *gst_rtc_rtp_sender_get_dtmf(GstRtcRtpSender *sender) {
  g_return_val_if_fail(GST_RTC_IS_RTP_SENDER(sender), nullptr);
  RtpSenderImpl *impl = impl_of(sender);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->dtmf.dup();
}

/**
 * gst_rtc_rtp_sender_get_parameters:
 * @sender: a #GstRtcRtpSender
 *
 * Returns: (transfer full): a copy of #GstRtcRtpSender:parameters
 */
GstStructure *gst_rtc_rtp_sender_get_parameters(GstRtcRtpSender *sender) {
  g_return_val_if_fail(GST_RTC_IS_RTP_SENDER(sender), nullptr);
  RtpSenderImpl *impl = impl_of(sender);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->parameters.copy();
}

static gboolean store_parameters(GstRtcRtpSender *sender, const GstStructure *parameters, bool keep_layout,
                                 GError **error) {
  RtpSenderImpl *impl = impl_of(sender);
  std::vector<std::string> rids;
  StructureBox normalized(normalize(parameters, &rids, error));
  if (!normalized.get()) return FALSE;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (keep_layout && rids != rids_of(impl->parameters.get()))
      return fail(error, GST_RTC_ERROR_INVALID_MODIFICATION,
                  "setParameters cannot change the number of encodings or their rids");
    if (gst_structure_is_equal(normalized.get(), impl->parameters.get())) return TRUE;
    impl->parameters = normalized;
  }
  GST_DEBUG_OBJECT(sender, "parameters %" GST_PTR_FORMAT, normalized.get());
  g_object_notify_by_pspec(G_OBJECT(sender), props[PROP_PARAMETERS]);
  return TRUE;
}

/**
 * gst_rtc_rtp_sender_set_parameters:
 * @sender: a #GstRtcRtpSender
 * @parameters: the new parameters (see #GstRtcRtpSender)
 * @error: return location for a #GError, or %NULL
 *
 * The W3C `RTCRtpSender.setParameters()`: checks @parameters and makes them
 * the #GstRtcRtpSender:parameters. The number of encodings and their rids
 * cannot change (%GST_RTC_ERROR_INVALID_MODIFICATION); a field of the wrong
 * type or out of range (e.g. scale-resolution-down-by below 1.0) fails with
 * %GST_RTC_ERROR_TYPE.
 *
 * Returns: %TRUE when the parameters were applied; %FALSE with @error set
 */
gboolean gst_rtc_rtp_sender_set_parameters(GstRtcRtpSender *sender, const GstStructure *parameters,
                                           GError **error) {
  g_return_val_if_fail(GST_RTC_IS_RTP_SENDER(sender), FALSE);
  g_return_val_if_fail(parameters != nullptr, FALSE);
  return store_parameters(sender, parameters, true, error);
}

/**
 * gst_rtc_rtp_sender_replace_parameters:
 * @sender: a #GstRtcRtpSender
 * @parameters: the new parameters (see #GstRtcRtpSender)
 * @error: return location for a #GError, or %NULL
 *
 * For implementations: like gst_rtc_rtp_sender_set_parameters() but the
 * encodings may change, as when `add-transceiver` sets up simulcast layers or
 * negotiation removed some.
 *
 * Returns: %TRUE when the parameters were applied; %FALSE with @error set
 */
gboolean gst_rtc_rtp_sender_replace_parameters(GstRtcRtpSender *sender, const GstStructure *parameters,
                                               GError **error) {
  g_return_val_if_fail(GST_RTC_IS_RTP_SENDER(sender), FALSE);
  g_return_val_if_fail(parameters != nullptr, FALSE);
  return store_parameters(sender, parameters, false, error);
}

/**
 * gst_rtc_rtp_sender_set_transport:
 * @sender: a #GstRtcRtpSender
 * @transport: (nullable): the DTLS transport
 *
 * For implementations: sets #GstRtcRtpSender:transport and notifies when it
 * changed.
 */
void gst_rtc_rtp_sender_set_transport(GstRtcRtpSender *sender, GstRtcDtlsTransport *transport) {
  g_return_if_fail(GST_RTC_IS_RTP_SENDER(sender));
  g_return_if_fail(transport == nullptr || GST_RTC_IS_DTLS_TRANSPORT(transport));
  RtpSenderImpl *impl = impl_of(sender);
  ObjectRef<GstRtcDtlsTransport> old;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->transport == transport) return;
    old = std::move(impl->transport);
    impl->transport = ObjectRef<GstRtcDtlsTransport>::ref(transport);
  }
  g_object_notify_by_pspec(G_OBJECT(sender), props[PROP_TRANSPORT]);
}

/**
 * gst_rtc_rtp_sender_set_dtmf:
 * @sender: a #GstRtcRtpSender
 * @dtmf: (nullable): the DTMF sender
 *
 * For implementations: sets #GstRtcRtpSender:dtmf and notifies when it
 * changed.
 */
void gst_rtc_rtp_sender_set_dtmf(GstRtcRtpSender *sender, GstRtcDtmfSender *dtmf) {
  g_return_if_fail(GST_RTC_IS_RTP_SENDER(sender));
  g_return_if_fail(dtmf == nullptr || GST_RTC_IS_DTMF_SENDER(dtmf));
  RtpSenderImpl *impl = impl_of(sender);
  ObjectRef<GstRtcDtmfSender> old;
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    if (impl->dtmf == dtmf) return;
    old = std::move(impl->dtmf);
    impl->dtmf = ObjectRef<GstRtcDtmfSender>::ref(dtmf);
  }
  g_object_notify_by_pspec(G_OBJECT(sender), props[PROP_DTMF]);
}
