/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-prelude.h>
#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

/**
 * GstRtcSessionDescription:
 * @type: the #GstRtcSdpType
 * @sdp: the #GstSDPMessage (an empty message for a rollback)
 *
 * The W3C `RTCSessionDescription`: an SDP message and what it is for. A
 * boxed type; copy with gst_rtc_session_description_copy(), free with
 * gst_rtc_session_description_free().
 */
typedef struct _GstRtcSessionDescription GstRtcSessionDescription;

struct _GstRtcSessionDescription {
  GstRtcSdpType type;
  GstSDPMessage *sdp;
};

#define GST_RTC_TYPE_SESSION_DESCRIPTION (gst_rtc_session_description_get_type())

GST_RTC_API
GType gst_rtc_session_description_get_type(void);

GST_RTC_API
GstRtcSessionDescription *gst_rtc_session_description_new(GstRtcSdpType type, GstSDPMessage *sdp);

GST_RTC_API
GstRtcSessionDescription *gst_rtc_session_description_new_from_string(GstRtcSdpType type, const gchar *text,
                                                                      GError **error);

GST_RTC_API
GstRtcSessionDescription *gst_rtc_session_description_copy(const GstRtcSessionDescription *src);

GST_RTC_API
void gst_rtc_session_description_free(GstRtcSessionDescription *desc);

GST_RTC_API
gchar *gst_rtc_session_description_to_string(const GstRtcSessionDescription *desc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GstRtcSessionDescription, gst_rtc_session_description_free)

G_END_DECLS
