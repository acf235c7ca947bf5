#include "transport-slot.h"

#include "transport-registry.h"

namespace gst_rtc::ice {

TransportSlot::~TransportSlot() {
  if (transport_) gst_object_unref(transport_);
}

GstRtcNiceTransport *TransportSlot::get_or_create() {
  std::lock_guard guard(lock_);
  if (!transport_) {
    if (!id_.empty()) {
      transport_ = gst_rtc_nice_transport_registry_get(id_.c_str(), nullptr);
      private_ = false;
    } else {
      transport_ =
          GST_RTC_NICE_TRANSPORT(gst_object_ref_sink(g_object_new(GST_RTC_TYPE_NICE_TRANSPORT, nullptr)));
      private_ = true;
    }
  }
  return GST_RTC_NICE_TRANSPORT(gst_object_ref(transport_));
}

GstRtcNiceTransport *TransportSlot::peek() {
  std::lock_guard guard(lock_);
  return transport_ ? GST_RTC_NICE_TRANSPORT(gst_object_ref(transport_)) : nullptr;
}

bool TransportSlot::set_transport(GstRtcIceTransport *t) {
  if (t && !GST_RTC_IS_NICE_TRANSPORT(t)) return false;
  std::lock_guard guard(lock_);
  GstRtcNiceTransport *old = transport_;
  transport_ = t ? GST_RTC_NICE_TRANSPORT(gst_object_ref(t)) : nullptr;
  private_ = false;
  if (old) gst_object_unref(old);
  return true;
}

void TransportSlot::set_id(const gchar *id) {
  std::lock_guard guard(lock_);
  id_ = id ? id : "";
  if (id_.empty() || !transport_ || !private_) return;
  GstRtcNiceTransport *shared = gst_rtc_nice_transport_registry_get(id_.c_str(), transport_);
  gst_object_unref(transport_);
  transport_ = shared;
  private_ = false;
}

std::string TransportSlot::id() {
  std::lock_guard guard(lock_);
  return id_;
}

const char *set_slot_property(GstElement *element, TransportSlot &slot, bool is_id, const GValue *value) {
  if (GST_STATE(element) != GST_STATE_NULL || GST_STATE_PENDING(element) != GST_STATE_VOID_PENDING)
    return "can only be set in the NULL state";
  if (is_id) {
    slot.set_id(g_value_get_string(value));
    return nullptr;
  }
  if (!slot.set_transport(static_cast<GstRtcIceTransport *>(g_value_get_object(value))))
    return "must be a GstRtcNiceTransport (from this plugin)";
  return nullptr;
}

void get_slot_property(TransportSlot &slot, bool is_id, GValue *value) {
  if (!is_id) {
    g_value_take_object(value, slot.get_or_create());
    return;
  }
  std::string id = slot.id();
  g_value_set_string(value, id.empty() ? nullptr : id.c_str());
}

void post_error(GstElement *element, const GError *error) {
  gst_element_message_full(element, GST_MESSAGE_ERROR, error->domain, error->code, g_strdup(error->message),
                           nullptr, __FILE__, GST_FUNCTION, __LINE__);
}

}  // namespace gst_rtc::ice
