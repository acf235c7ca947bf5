/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/ice-transport.h>

G_BEGIN_DECLS

#define GST_RTC_TYPE_NICE_TRANSPORT (gst_rtc_nice_transport_get_type())
G_DECLARE_FINAL_TYPE(GstRtcNiceTransport, gst_rtc_nice_transport, GST_RTC, NICE_TRANSPORT, GstRtcIceTransport)

G_END_DECLS

/* Used by rtcicesrc / rtcicesink in this plugin only (not exported). */

// Creates the agent (from the configuration properties) if there is none,
// applies local-ufrag/local-pwd, starts gathering (once), then applies
// remote-ufrag/remote-pwd and remote-candidates if they were set. A
// configuration or candidate error fails with a GST_RTC_ERROR.
gboolean gst_rtc_nice_transport_start(GstRtcNiceTransport *self, GError **error);

// Received datagrams, oldest first. Blocks until at least one is there or
// the queue is set flushing. Returns FALSE when flushing; otherwise fills
// `list` with up to `max` buffers (each one datagram).
gboolean gst_rtc_nice_transport_pop(GstRtcNiceTransport *self, GstBufferList *list, guint max);
// Puts popped datagrams back at the front of the queue, in order (refs taken).
void gst_rtc_nice_transport_unpop(GstRtcNiceTransport *self, GstBufferList *list);
void gst_rtc_nice_transport_set_flushing(GstRtcNiceTransport *self, gboolean flushing);

// Sends one buffer / a list (each buffer one datagram) on the selected pair.
// Returns how many datagrams went out; what could not be sent (not
// connected yet, socket full) is counted in `dropped` and not an error.
guint gst_rtc_nice_transport_send(GstRtcNiceTransport *self, GstBuffer *buffer, guint *dropped);
guint gst_rtc_nice_transport_send_list(GstRtcNiceTransport *self, GstBufferList *list, guint *dropped);
