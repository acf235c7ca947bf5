/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rtcice plugin: rtcicesrc and rtcicesink, the two halves of one ICE
 * transport (GstRtcNiceTransport, a GstRtcIceTransport on libnice).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstrtcicesink.h"
#include "gstrtcicesrc.h"
#include "strv-value.h"

static gboolean plugin_init(GstPlugin *plugin) {
  gboolean ok = TRUE;
  gst_rtc_ice_register_strv_value();
  ok &= GST_ELEMENT_REGISTER(rtcicesrc, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcicesink, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, rtcice, "WebRTC ICE transport (libnice)", plugin_init,
                  VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
