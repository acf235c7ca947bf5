/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

/**
 * GST_RTC_ERROR:
 *
 * The #GError domain of every gst-rtc error: promise replies, data channel
 * `on-error`, DTLS transport `on-error` and the library functions that take a
 * `GError **`. Codes are #GstRtcError.
 */
#define GST_RTC_ERROR (gst_rtc_error_quark())

/**
 * GstRtcError:
 * @GST_RTC_ERROR_INVALID_STATE: the object is not in a state where the
 *   operation is allowed (W3C `InvalidStateError`)
 * @GST_RTC_ERROR_INVALID_ACCESS: a parameter or object is not allowed here
 *   (W3C `InvalidAccessError`)
 * @GST_RTC_ERROR_INVALID_MODIFICATION: the change is not allowed, e.g. a
 *   modified SDP or a changed RID list (W3C `InvalidModificationError`)
 * @GST_RTC_ERROR_OPERATION: the operation failed for an operation-specific
 *   reason (W3C `OperationError`)
 * @GST_RTC_ERROR_SYNTAX: the input does not parse; for SDP the message names
 *   the line, "line 7: ..." (W3C `SyntaxError`, RTCError `sdp-syntax-error`)
 * @GST_RTC_ERROR_NOT_SUPPORTED: not supported or not implemented
 *   (W3C `NotSupportedError`)
 * @GST_RTC_ERROR_TYPE: an argument has the wrong type or is out of range
 *   (W3C `TypeError` / `RangeError`)
 * @GST_RTC_ERROR_DTLS_FAILURE: the DTLS handshake or a DTLS alert failed the
 *   transport (RTCError `dtls-failure`)
 * @GST_RTC_ERROR_FINGERPRINT_FAILURE: the remote certificate does not match
 *   any fingerprint of the remote description (RTCError `fingerprint-failure`)
 * @GST_RTC_ERROR_SCTP_FAILURE: the SCTP association failed (RTCError
 *   `sctp-failure`)
 * @GST_RTC_ERROR_DATA_CHANNEL_FAILURE: a data channel failed, e.g. DCEP
 *   negotiation or a send error (RTCError `data-channel-failure`)
 *
 * Error codes of the #GST_RTC_ERROR domain. They mirror the W3C exceptions
 * and `RTCErrorDetailType` values. The values are stable and equal the JSEP
 * core's error codes one for one.
 */
typedef enum {
  GST_RTC_ERROR_INVALID_STATE = 0,
  GST_RTC_ERROR_INVALID_ACCESS,
  GST_RTC_ERROR_INVALID_MODIFICATION,
  GST_RTC_ERROR_OPERATION,
  GST_RTC_ERROR_SYNTAX,
  GST_RTC_ERROR_NOT_SUPPORTED,
  GST_RTC_ERROR_TYPE,
  GST_RTC_ERROR_DTLS_FAILURE,
  GST_RTC_ERROR_FINGERPRINT_FAILURE,
  GST_RTC_ERROR_SCTP_FAILURE,
  GST_RTC_ERROR_DATA_CHANNEL_FAILURE,
} GstRtcError;

GST_RTC_API
GQuark gst_rtc_error_quark(void);

G_END_DECLS
