/* sdp-check: validate SDP files with libgstrtc-1.0, the way an application
 * would before handing a remote description to rtcpeerbin.
 *
 *   sdp-check FILE...       prints "FILE: ok, N m-lines" or "FILE: <error>"
 *
 * Build against an installed gst-rtc:
 *   cc sdp-check.c $(pkg-config --cflags --libs gstreamer-rtc-1.0)
 */
#include <gst/gst.h>
#include <gst/rtc/rtc.h>

int
main (int argc, char **argv)
{
  int status = 0;

  gst_init (&argc, &argv);
  for (int i = 1; i < argc; i++) {
    gchar *text = NULL;
    GError *err = NULL;
    GstRtcSessionDescription *desc;

    if (!g_file_get_contents (argv[i], &text, NULL, &err)) {
      g_printerr ("%s: %s\n", argv[i], err->message);
      g_clear_error (&err);
      status = 1;
      continue;
    }
    desc = gst_rtc_session_description_new_from_string (GST_RTC_SDP_TYPE_OFFER, text, &err);
    if (desc == NULL) {
      /* err->domain is GST_RTC_ERROR; the message names the line. */
      g_print ("%s: %s\n", argv[i], err->message);
      g_clear_error (&err);
      status = 1;
    } else {
      g_print ("%s: ok, %u m-lines\n", argv[i], gst_sdp_message_medias_len (desc->sdp));
      gst_rtc_session_description_free (desc);
    }
    g_free (text);
  }
  return status;
}
