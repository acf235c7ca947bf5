// Helpers for the rtcice element tests: two transports wired to each other
// in-process (credentials and trickled candidates), harnesses around
// rtcicesink / rtcicesrc, and numbered datagrams whose bytes can be checked.
// Everything stays on 127.0.0.1.
#pragma once

// The C++ headers come first: check.h defines fail() and friends as
// macros, which would rewrite std::basic_ios::fail.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtc/rtc.h>

namespace ice_test {

using namespace std::chrono_literals;

// The transport type is registered by the plugin; tests reach it only the
// way rtcpeerbin will: through an element's "transport" property.
inline GstRtcIceTransport *new_transport() {
  GstElement *src = gst_element_factory_make("rtcicesrc", nullptr);
  fail_unless(src != nullptr, "rtcicesrc not found (GST_PLUGIN_PATH?)");
  GstRtcIceTransport *t = nullptr;
  g_object_get(src, "transport", &t, nullptr);
  gst_object_unref(src);
  fail_unless(t != nullptr);
  return t;
}

// What one transport reported, recorded from the network thread.
struct Observer {
  std::mutex m;
  std::condition_variable cv;
  std::vector<GstRtcIceTransportState> states;
  std::vector<GstRtcIceGatheringState> gathering;
  std::vector<std::string> candidates;
  std::vector<GstStructure *> candidate_errors;
  bool end_of_candidates = false;
  int pair_changes = 0;
  GstRtcIceTransport *peer = nullptr;  // gets our candidates when set

  ~Observer() {
    for (auto *s : candidate_errors) gst_structure_free(s);
  }

  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 10000ms) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, pred);
  }
  bool wait_state(GstRtcIceTransportState s, std::chrono::milliseconds timeout = 10000ms) {
    return wait([&] { return std::find(states.begin(), states.end(), s) != states.end(); }, timeout);
  }
  bool wait_connected(std::chrono::milliseconds timeout = 10000ms) {
    return wait(
        [&] {
          return !states.empty() && (states.back() == GST_RTC_ICE_TRANSPORT_STATE_CONNECTED ||
                                     states.back() == GST_RTC_ICE_TRANSPORT_STATE_COMPLETED);
        },
        timeout);
  }
  bool wait_gathered(std::chrono::milliseconds timeout = 10000ms) {
    return wait([&] { return end_of_candidates; }, timeout);
  }

  static void on_state(GstRtcIceTransport *t, GParamSpec *, Observer *o) {
    std::lock_guard lock(o->m);
    o->states.push_back(gst_rtc_ice_transport_get_state(t));
    o->cv.notify_all();
  }
  static void on_gathering(GstRtcIceTransport *t, GParamSpec *, Observer *o) {
    std::lock_guard lock(o->m);
    o->gathering.push_back(gst_rtc_ice_transport_get_gathering_state(t));
    o->cv.notify_all();
  }
  static void on_candidate(GstRtcIceTransport *, const gchar *cand, Observer *o) {
    GstRtcIceTransport *peer = nullptr;
    {
      std::lock_guard lock(o->m);
      if (cand)
        o->candidates.emplace_back(cand);
      else
        o->end_of_candidates = true;
      peer = o->peer;
      o->cv.notify_all();
    }
    if (peer) {
      GError *err = nullptr;
      gboolean ok = gst_rtc_ice_transport_add_remote_candidate(peer, cand, &err);
      if (!ok) GST_ERROR("peer refused %s: %s", cand ? cand : "(eoc)", err ? err->message : "?");
      g_clear_error(&err);
    }
  }
  static void on_pair(GstRtcIceTransport *, Observer *o) {
    std::lock_guard lock(o->m);
    ++o->pair_changes;
    o->cv.notify_all();
  }
  static void on_candidate_error(GstRtcIceTransport *, const GstStructure *s, Observer *o) {
    std::lock_guard lock(o->m);
    o->candidate_errors.push_back(gst_structure_copy(s));
    o->cv.notify_all();
  }

  void attach(GstRtcIceTransport *t) {
    g_signal_connect(t, "notify::state", G_CALLBACK(on_state), this);
    g_signal_connect(t, "notify::gathering-state", G_CALLBACK(on_gathering), this);
    g_signal_connect(t, "on-new-candidate", G_CALLBACK(on_candidate), this);
    g_signal_connect(t, "on-selected-candidate-pair-change", G_CALLBACK(on_pair), this);
    g_signal_connect(t, "on-ice-candidate-error", G_CALLBACK(on_candidate_error), this);
  }
  void detach(GstRtcIceTransport *t) { g_signal_handlers_disconnect_by_data(t, this); }
};

// One side: a transport with its observer.
struct Side {
  GstRtcIceTransport *transport = nullptr;
  Observer obs;

  explicit Side(bool controlling, bool udp = true, bool tcp = false) {
    transport = new_transport();
    const gchar *addrs[] = {"127.0.0.1", nullptr};
    g_object_set(transport, "local-addresses", addrs, "controlling", controlling, "ice-udp", udp, "ice-tcp",
                 tcp, nullptr);
    obs.attach(transport);
  }
  ~Side() {
    if (transport) {
      obs.detach(transport);
      gst_object_unref(transport);
    }
  }
  Side(const Side &) = delete;
  Side &operator=(const Side &) = delete;

  std::string prop(const char *name) {
    gchar *v = nullptr;
    g_object_get(transport, name, &v, nullptr);
    std::string s = v ? v : "";
    g_free(v);
    return s;
  }
};

// Credentials first, then both gather and trickle their candidates to the
// other (end-of-candidates included), as an application would signal.
inline void wire(Side &a, Side &b) {
  GError *err = nullptr;
  fail_unless(gst_rtc_ice_transport_set_remote_credentials(a.transport, b.prop("local-ufrag").c_str(),
                                                           b.prop("local-pwd").c_str(), &err));
  fail_unless(gst_rtc_ice_transport_set_remote_credentials(b.transport, a.prop("local-ufrag").c_str(),
                                                           a.prop("local-pwd").c_str(), &err));
  {
    std::lock_guard la(a.obs.m);
    a.obs.peer = b.transport;
  }
  {
    std::lock_guard lb(b.obs.m);
    b.obs.peer = a.transport;
  }
}

inline void unwire(Side &a, Side &b) {
  {
    std::lock_guard la(a.obs.m);
    a.obs.peer = nullptr;
  }
  std::lock_guard lb(b.obs.m);
  b.obs.peer = nullptr;
}

// A datagram carrying `seq` and a pattern that depends on it.
inline GstBuffer *numbered(guint32 seq, gsize size) {
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, size, nullptr);
  GstMapInfo map;
  gst_buffer_map(buf, &map, GST_MAP_WRITE);
  std::memcpy(map.data, &seq, sizeof seq);
  for (gsize k = sizeof seq; k < size; ++k) map.data[k] = static_cast<guint8>(k * 7 + seq);
  gst_buffer_unmap(buf, &map);
  return buf;
}

// The sequence number, or -1 when any byte is wrong.
inline gint64 check_numbered(GstBuffer *buf, gsize size) {
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return -1;
  gint64 result = -1;
  if (map.size == size) {
    guint32 seq = 0;
    std::memcpy(&seq, map.data, sizeof seq);
    result = seq;
    for (gsize k = sizeof seq; k < size; ++k)
      if (map.data[k] != static_cast<guint8>(k * 7 + seq)) {
        result = -1;
        break;
      }
  }
  gst_buffer_unmap(buf, &map);
  return result;
}

// Harness around an rtcicesink / rtcicesrc on `transport`.
inline GstHarness *sink_harness(GstRtcIceTransport *transport) {
  GstElement *sink = gst_element_factory_make("rtcicesink", nullptr);
  g_object_set(sink, "transport", transport, nullptr);
  GstHarness *h = gst_harness_new_with_element(sink, "sink", nullptr);
  gst_object_unref(sink);
  gst_harness_set_src_caps_str(h, "application/x-test");
  return h;
}

inline GstHarness *src_harness(GstRtcIceTransport *transport) {
  GstElement *src = gst_element_factory_make("rtcicesrc", nullptr);
  g_object_set(src, "transport", transport, nullptr);
  GstHarness *h = gst_harness_new_with_element(src, nullptr, "src");
  gst_object_unref(src);
  gst_harness_play(h);
  return h;
}

// Pulls until `count` buffers arrived or `timeout` passed.
inline std::vector<GstBuffer *> pull_n(GstHarness *h, std::size_t count,
                                       std::chrono::milliseconds timeout = 10000ms) {
  std::vector<GstBuffer *> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    GstBuffer *b = gst_harness_try_pull(h);
    if (b)
      out.push_back(b);
    else
      std::this_thread::sleep_for(2ms);
  }
  return out;
}

inline guint64 uint64_prop(gpointer obj, const char *name) {
  guint64 v = 0;
  g_object_get(obj, name, &v, nullptr);
  return v;
}

// A free local port of `type` on 127.0.0.1 (closed again: a small race).
inline guint16 free_port(GSocketType type = G_SOCKET_TYPE_DATAGRAM) {
  GSocket *s = g_socket_new(G_SOCKET_FAMILY_IPV4, type, G_SOCKET_PROTOCOL_DEFAULT, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new(lo, 0);
  g_socket_bind(s, any, FALSE, nullptr);
  GSocketAddress *bound = g_socket_get_local_address(s, nullptr);
  guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_object_unref(bound);
  g_object_unref(any);
  g_object_unref(lo);
  g_object_unref(s);
  return port;
}

}  // namespace ice_test
