/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

/* The library is built with hidden visibility; GST_RTC_API marks the public
 * symbols. BUILDING_GST_RTC is defined only while compiling libgstrtc. */
#ifndef GST_RTC_API
#ifdef BUILDING_GST_RTC
#define GST_RTC_API GST_API_EXPORT
#else
#define GST_RTC_API GST_API_IMPORT
#endif
#endif
