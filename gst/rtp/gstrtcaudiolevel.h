/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_RTC_AUDIO_LEVEL (gst_rtc_audio_level_get_type())
G_DECLARE_FINAL_TYPE(GstRtcAudioLevel, gst_rtc_audio_level, GST, RTC_AUDIO_LEVEL, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(rtcaudiolevel);

G_END_DECLS
