/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The public types of libgstrtc-1.0 (pkg-config gstreamer-rtc-1.0).
 */
#pragma once

#include <gst/rtc/rtc-prelude.h>

#include <gst/rtc/data-channel.h>
#include <gst/rtc/dtls-transport.h>
#include <gst/rtc/dtmf-sender.h>
#include <gst/rtc/ice-transport.h>
#include <gst/rtc/rtc-enums.h>
#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>
#include <gst/rtc/rtp-receiver.h>
#include <gst/rtc/rtp-sender.h>
#include <gst/rtc/rtp-transceiver.h>
#include <gst/rtc/sctp-transport.h>
#include <gst/rtc/session-description.h>
