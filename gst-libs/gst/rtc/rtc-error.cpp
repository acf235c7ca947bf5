/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/rtc-error.h>

#include <gst/rtc/jsep/result.h>

using gst_rtc::jsep::ErrorCode;

// The JSEP core's errors cross into GLib by a plain cast.
static_assert(int(ErrorCode::InvalidState) == GST_RTC_ERROR_INVALID_STATE);
static_assert(int(ErrorCode::InvalidAccess) == GST_RTC_ERROR_INVALID_ACCESS);
static_assert(int(ErrorCode::InvalidModification) == GST_RTC_ERROR_INVALID_MODIFICATION);
static_assert(int(ErrorCode::Operation) == GST_RTC_ERROR_OPERATION);
static_assert(int(ErrorCode::Syntax) == GST_RTC_ERROR_SYNTAX);
static_assert(int(ErrorCode::NotSupported) == GST_RTC_ERROR_NOT_SUPPORTED);
static_assert(int(ErrorCode::Type) == GST_RTC_ERROR_TYPE);
static_assert(int(ErrorCode::DtlsFailure) == GST_RTC_ERROR_DTLS_FAILURE);
static_assert(int(ErrorCode::FingerprintFailure) == GST_RTC_ERROR_FINGERPRINT_FAILURE);
static_assert(int(ErrorCode::SctpFailure) == GST_RTC_ERROR_SCTP_FAILURE);
static_assert(int(ErrorCode::DataChannelFailure) == GST_RTC_ERROR_DATA_CHANNEL_FAILURE);

/**
 * gst_rtc_error_quark:
 *
 * The quark of the #GST_RTC_ERROR domain, "gst-rtc-error-quark".
 *
 * Returns: the error domain
 */
GQuark gst_rtc_error_quark(void) {
  return g_quark_from_static_string("gst-rtc-error-quark");
}
