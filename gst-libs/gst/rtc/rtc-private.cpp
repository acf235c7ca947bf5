/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "rtc-private.h"

GST_DEBUG_CATEGORY(gst_rtc_lib_debug);

namespace gst_rtc::lib {

void init_debug() {
  static std::once_flag once;
  std::call_once(once, [] {
    GST_DEBUG_CATEGORY_INIT(gst_rtc_lib_debug, "rtclib", 0, "gst-rtc public types (libgstrtc)");
  });
}

}  // namespace gst_rtc::lib
