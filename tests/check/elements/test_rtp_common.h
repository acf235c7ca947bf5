// Helpers of the rtcpay / rtcdepay tests (test_rtp_*.cpp).
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtc/rtc-error.h>
#include <gst/rtp/rtp.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace rtp_test {

using Bytes = std::vector<guint8>;

// The test programs see only our plugins (test_env); the gst-plugins-good
// (de)payloaders rtcpay drives (plugins coreelements, rtp, rtpmanager,
// always) and the encoders and decoders a test feeds and checks with
// (`names`, e.g. "x264") are loaded from the system plugin directory by the
// test itself, in its forked process: a process that loads every encoder
// library trips LeakSanitizer's dynamic-TLS scan (GCC 12, glibc 2.36).
void use_plugins(std::initializer_list<const char *> names);
bool have(const char *factory);
// Skips the calling test (returns true) with a message when a factory is
// missing, naming the Debian package.
bool missing(const char *factory, const char *package);

struct Packet {
  guint16 seq = 0;
  guint32 ts = 0;
  guint8 pt = 0;
  guint32 ssrc = 0;
  bool marker = false;
  gsize size = 0;  // whole packet
  Bytes payload;
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  bool has_mid = false;
  std::string mid;
};

Packet parse(GstBuffer *buffer, guint8 mid_id = 0);
// Every buffer waiting at the harness sink, in order (the refs move out).
std::vector<GstBuffer *> pull_all(GstHarness *h);
Bytes bytes_of(GstBuffer *buffer);
void unref_all(std::vector<GstBuffer *> &buffers);

// A bus on a harness element: messages an application would see.
GstBus *attach_bus(GstHarness *h);
// The first ERROR (or WARNING) message on `bus`, NULL if none; caller unrefs.
GstMessage *pop_message(GstBus *bus, GstMessageType type);
// Asserts `msg` carries a GST_RTC_ERROR `code` whose text contains `needle`.
void assert_rtc_error(GstMessage *msg, int code, const char *needle);

}  // namespace rtp_test
