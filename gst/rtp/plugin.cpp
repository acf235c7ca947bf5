/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rtcrtp plugin: rtcpay and rtcdepay, RTP (de)payloading for WebRTC
 * chosen by caps (gst-plugins-good payloaders inside, AV1 our own), and
 * rtcaudiolevel, the RFC 6464 level of raw audio for the packets' header
 * extension.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstrtcaudiolevel.h"
#include "gstrtcdepay.h"
#include "gstrtcpay.h"

static gboolean plugin_init(GstPlugin *plugin) {
  gboolean ok = TRUE;
  ok &= GST_ELEMENT_REGISTER(rtcpay, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcdepay, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcaudiolevel, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, rtcrtp, "WebRTC RTP payloading (rtcpay, rtcdepay, rtcaudiolevel)",
                  plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
