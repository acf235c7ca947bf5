/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasesrc.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_ICE_SRC (gst_rtc_ice_src_get_type())
G_DECLARE_FINAL_TYPE(GstRtcIceSrc, gst_rtc_ice_src, GST_RTC, ICE_SRC, GstBaseSrc)

GST_ELEMENT_REGISTER_DECLARE(rtcicesrc);

G_END_DECLS
