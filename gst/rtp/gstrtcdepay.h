/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_DEPAY (gst_rtc_depay_get_type())
G_DECLARE_FINAL_TYPE(GstRtcDepay, gst_rtc_depay, GST, RTC_DEPAY, GstBin)

GST_ELEMENT_REGISTER_DECLARE(rtcdepay);

G_END_DECLS
