// The transport an rtcicesrc / rtcicesink uses: given (`transport`), shared
// by id (`transport-id`, through the weak registry), or made on demand (the
// "transport" child of GstChildProxy, for gst-launch's transport::prop=...).
#pragma once

#include <gst/gst.h>
#include <gst/rtc/ice-transport.h>

#include <mutex>
#include <string>

#include "gstrtcnicetransport.h"

namespace gst_rtc::ice {

class TransportSlot {
 public:
  TransportSlot() = default;
  TransportSlot(const TransportSlot &) = delete;
  TransportSlot &operator=(const TransportSlot &) = delete;
  ~TransportSlot();

  // (transfer full) the transport, created (or looked up by id) if needed.
  GstRtcNiceTransport *get_or_create();
  // (transfer full) the transport or NULL, creating nothing.
  GstRtcNiceTransport *peek();
  // FALSE (and nothing changes) when `t` is not a transport of this plugin.
  bool set_transport(GstRtcIceTransport *t);
  // A transport made on demand before the id was set joins the registry
  // under it (or is replaced by the one already registered there).
  void set_id(const gchar *id);
  std::string id();

 private:
  std::mutex lock_;
  GstRtcNiceTransport *transport_ = nullptr;
  bool private_ = false;  // made on demand, not given by the application
  std::string id_;
};

// The `transport` (is_id false) and `transport-id` (is_id true) properties
// rtcicesrc and rtcicesink share: settable only in NULL, read as the slot
// holds them. Setting returns why nothing changed (for the element's own
// debug category), or nullptr.
const char *set_slot_property(GstElement *element, TransportSlot &slot, bool is_id, const GValue *value);
void get_slot_property(TransportSlot &slot, bool is_id, GValue *value);

// Posts an error message in the GST_RTC_ERROR domain on `element`'s bus.
void post_error(GstElement *element, const GError *error);

}  // namespace gst_rtc::ice
