/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_ICE_SINK (gst_rtc_ice_sink_get_type())
G_DECLARE_FINAL_TYPE(GstRtcIceSink, gst_rtc_ice_sink, GST_RTC, ICE_SINK, GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE(rtcicesink);

G_END_DECLS
