/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_PAY (gst_rtc_pay_get_type())
G_DECLARE_FINAL_TYPE(GstRtcPay, gst_rtc_pay, GST, RTC_PAY, GstBin)

GST_ELEMENT_REGISTER_DECLARE(rtcpay);

G_END_DECLS
