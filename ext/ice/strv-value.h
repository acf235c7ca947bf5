// gst-launch can set GStrv properties (local-addresses, turn-servers,
// remote-candidates) only if GStreamer can deserialize a GStrv from text,
// which 1.22 cannot. When the running GStreamer lacks it, the plugin
// registers a GstValueTable for G_TYPE_STRV that reads
//   <"a", "b">   (GStreamer's array syntax)   or   a,b   (comma-separated)
// and writes the first form.
#pragma once

void gst_rtc_ice_register_strv_value();
