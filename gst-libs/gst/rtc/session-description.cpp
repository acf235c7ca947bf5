/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/session-description.h>

#include <gst/rtc/jsep/sdp.h>
#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>

#include <cstring>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

namespace jsep = gst_rtc::jsep;

G_DEFINE_BOXED_TYPE(GstRtcSessionDescription, gst_rtc_session_description, gst_rtc_session_description_copy,
                    gst_rtc_session_description_free)

static bool sdp_type_is_valid(GstRtcSdpType type) {
  return type >= GST_RTC_SDP_TYPE_OFFER && type <= GST_RTC_SDP_TYPE_ROLLBACK;
}

static GstSDPMessage *empty_sdp_message() {
  GstSDPMessage *msg = nullptr;
  gst_sdp_message_new(&msg);
  return msg;
}

/**
 * gst_rtc_session_description_new:
 * @type: the #GstRtcSdpType
 * @sdp: (transfer full) (nullable): the SDP; %NULL stands for an empty message
 *   (what a rollback carries)
 *
 * Wraps @sdp without checking it. Use
 * gst_rtc_session_description_new_from_string() for text from the network or
 * the application: it validates.
 *
 * Returns: (transfer full): a new #GstRtcSessionDescription
 */
GstRtcSessionDescription *gst_rtc_session_description_new(GstRtcSdpType type, GstSDPMessage *sdp) {
  auto *desc = g_new0(GstRtcSessionDescription, 1);
  desc->type = type;
  desc->sdp = sdp ? sdp : empty_sdp_message();
  return desc;
}

/**
 * gst_rtc_session_description_new_from_string:
 * @type: the #GstRtcSdpType
 * @text: (nullable): the SDP text (CRLF or LF line ends); may be %NULL or
 *   empty only for %GST_RTC_SDP_TYPE_ROLLBACK
 * @error: return location for a #GError, or %NULL
 *
 * Parses and validates @text with the strict WebRTC SDP parser (RFC 8866 plus
 * the JSEP attributes). On failure @error is set in the #GST_RTC_ERROR domain:
 * %GST_RTC_ERROR_SYNTAX with the 1-based line in the message
 * ("line 7: a=rtpmap: ..."), or %GST_RTC_ERROR_TYPE for an invalid @type or
 * missing text. A rollback with no text gets an empty #GstSDPMessage; a
 * rollback with text is validated like any other description.
 *
 * The resulting #GstSDPMessage holds @text as written, so
 * gst_rtc_session_description_to_string() returns it with CRLF line ends.
 *
 * Returns: (transfer full) (nullable): a new #GstRtcSessionDescription, or
 *   %NULL with @error set
 */
GstRtcSessionDescription *gst_rtc_session_description_new_from_string(GstRtcSdpType type, const gchar *text,
                                                                      GError **error) {
  g_return_val_if_fail(error == nullptr || *error == nullptr, nullptr);
  gst_rtc::lib::init_debug();

  if (!sdp_type_is_valid(type)) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "%d is not a valid SDP type", int(type));
    return nullptr;
  }
  if (!text || !*text) {
    if (type == GST_RTC_SDP_TYPE_ROLLBACK) return gst_rtc_session_description_new(type, nullptr);
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "an SDP %s needs SDP text",
                gst_rtc_sdp_type_to_string(type));
    return nullptr;
  }

  const std::size_t len = std::strlen(text);
  if (len > G_MAXUINT) {
    g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX, "SDP text too long");
    return nullptr;
  }

  jsep::Result<jsep::SessionDescription> parsed = jsep::parse_sdp(std::string_view(text, len));
  if (!parsed) {
    const jsep::Error &err = parsed.error();
    GST_DEBUG("rejected SDP %s: %s", gst_rtc_sdp_type_to_string(type), err.describe().c_str());
    g_set_error_literal(error, GST_RTC_ERROR, static_cast<GstRtcError>(err.code), err.describe().c_str());
    return nullptr;
  }

  GstSDPMessage *msg = empty_sdp_message();
  if (gst_sdp_message_parse_buffer(reinterpret_cast<const guint8 *>(text), guint(len), msg) != GST_SDP_OK) {
    // The strict parser accepted what GstSDP's lenient one refused: report it
    // rather than hand out a half-filled message.
    gst_sdp_message_free(msg);
    g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX, "GstSDPMessage could not parse the SDP");
    return nullptr;
  }
  return gst_rtc_session_description_new(type, msg);
}

/**
 * gst_rtc_session_description_copy:
 * @src: (transfer none): a #GstRtcSessionDescription
 *
 * Returns: (transfer full): a deep copy of @src
 */
GstRtcSessionDescription *gst_rtc_session_description_copy(const GstRtcSessionDescription *src) {
  g_return_val_if_fail(src != nullptr, nullptr);
  GstSDPMessage *sdp = nullptr;
  if (src->sdp) gst_sdp_message_copy(src->sdp, &sdp);
  return gst_rtc_session_description_new(src->type, sdp);
}

/**
 * gst_rtc_session_description_free:
 * @desc: (transfer full) (nullable): a #GstRtcSessionDescription
 *
 * Frees @desc and its #GstSDPMessage.
 */
void gst_rtc_session_description_free(GstRtcSessionDescription *desc) {
  if (!desc) return;
  if (desc->sdp) gst_sdp_message_free(desc->sdp);
  g_free(desc);
}

/**
 * gst_rtc_session_description_to_string:
 * @desc: a #GstRtcSessionDescription
 *
 * The SDP text of @desc, as gst_sdp_message_as_text() writes it: CRLF line
 * ends, lines in RFC 8866 order. For a description made from text in that
 * order (every browser's) this is the text itself, with LF turned to CRLF.
 * A rollback without SDP gives "".
 *
 * Returns: (transfer full): the SDP text
 */
gchar *gst_rtc_session_description_to_string(const GstRtcSessionDescription *desc) {
  g_return_val_if_fail(desc != nullptr, nullptr);
  // GstSDP prints "t=0 0" even for a message that was never filled (a
  // rollback's): nothing in, nothing out.
  if (!desc->sdp || (!gst_sdp_message_get_version(desc->sdp) && gst_sdp_message_medias_len(desc->sdp) == 0))
    return g_strdup("");
  return gst_sdp_message_as_text(desc->sdp);
}
