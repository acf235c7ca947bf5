/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rtcdtls plugin: DTLS-SRTP (rtcdtlssrtpenc, rtcdtlssrtpdec) and SRTP
 * with static keys (rtcsrtpenc, rtcsrtpdec).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstrtcdtlssrtpdec.h"
#include "gstrtcdtlssrtpenc.h"
#include "gstrtcsrtpdec.h"
#include "gstrtcsrtpenc.h"

static gboolean plugin_init(GstPlugin *plugin) {
  gboolean ok = TRUE;
  ok &= GST_ELEMENT_REGISTER(rtcdtlssrtpenc, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcdtlssrtpdec, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcsrtpenc, plugin);
  ok &= GST_ELEMENT_REGISTER(rtcsrtpdec, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, rtcdtls,
                  "WebRTC DTLS-SRTP and SRTP (OpenSSL 3, libsrtp2)", plugin_init, VERSION, GST_LICENSE,
                  GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
