/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rtcsctp plugin: SCTP over DTLS for WebRTC data channels (rtcsctpenc,
 * rtcsctpdec), on usrsctp.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstrtcsctpdec.h"
#include "gstrtcsctpenc.h"

static gboolean plugin_init(GstPlugin *plugin) {
  gboolean ok = TRUE;
  ok &= GST_ELEMENT_REGISTER(rtcsctpenc, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcsctpdec, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, rtcsctp, "WebRTC SCTP data channels (usrsctp)",
                  plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
