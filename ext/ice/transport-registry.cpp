#include "transport-registry.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace {

struct WeakRef {
  GWeakRef ref;
  explicit WeakRef(gpointer obj) { g_weak_ref_init(&ref, obj); }
  ~WeakRef() { g_weak_ref_clear(&ref); }
  WeakRef(const WeakRef &) = delete;
  WeakRef &operator=(const WeakRef &) = delete;
};

std::mutex registry_lock;
std::map<std::string, std::unique_ptr<WeakRef>> &registry() {
  static auto *map = new std::map<std::string, std::unique_ptr<WeakRef>>();
  return *map;
}

}  // namespace

GstRtcNiceTransport *gst_rtc_nice_transport_registry_get(const gchar *id, GstRtcNiceTransport *candidate) {
  std::lock_guard guard(registry_lock);
  auto &map = registry();
  // Dead entries are dropped here rather than from a weak notify, which
  // could run on any thread in the middle of a lookup.
  for (auto it = map.begin(); it != map.end();) {
    gpointer live = g_weak_ref_get(&it->second->ref);
    if (live) {
      g_object_unref(live);
      ++it;
    } else {
      it = map.erase(it);
    }
  }
  if (auto it = map.find(id); it != map.end()) {
    if (gpointer live = g_weak_ref_get(&it->second->ref)) return GST_RTC_NICE_TRANSPORT(live);
  }
  GstRtcNiceTransport *t =
      candidate
          ? GST_RTC_NICE_TRANSPORT(gst_object_ref(candidate))
          : GST_RTC_NICE_TRANSPORT(gst_object_ref_sink(g_object_new(GST_RTC_TYPE_NICE_TRANSPORT, nullptr)));
  map[id] = std::make_unique<WeakRef>(t);
  return t;
}
