#include "test_sctp_pair.h"

#include <atomic>

namespace sctp_test {

namespace {

// Every pair gets fresh association ids: sessions are process-wide.
std::atomic<guint> next_association_id{1000};

}  // namespace

bool ChannelLog::has(const std::string &event) const {
  return count(event) > 0;
}

int ChannelLog::count(const std::string &event) const {
  int n = 0;
  for (auto &e : events) n += e == event;
  return n;
}

std::string bytes_string(GBytes *bytes) {
  if (!bytes) return {};
  gsize size = 0;
  const auto *data = static_cast<const char *>(g_bytes_get_data(bytes, &size));
  return std::string(data ? data : "", size);
}

struct Callbacks {
  static void record(ChannelLog *log, const std::string &event) {
    std::lock_guard lock(log->pair->mutex());
    log->events.push_back(event);
    log->pair->notify_locked();
  }
  static void on_open(GstRtcDataChannel *, ChannelLog *log) {
    std::lock_guard lock(log->pair->mutex());
    // Pair::create() may have seen the open state already (see there).
    if (log->has("open")) return;
    log->events.push_back("open");
    log->pair->notify_locked();
  }
  static void on_closing(GstRtcDataChannel *, ChannelLog *log) { record(log, "closing"); }
  static void on_close(GstRtcDataChannel *, ChannelLog *log) { record(log, "close"); }
  static void on_low(GstRtcDataChannel *, ChannelLog *log) { record(log, "low"); }
  static void on_error(GstRtcDataChannel *, GError *error, ChannelLog *log) {
    record(log, error->domain == GST_RTC_ERROR ? "error:" + std::to_string(error->code) : "error:foreign");
  }
  static void message(ChannelLog *log, Message &&m) {
    std::function<void(ChannelLog &, const Message &)> handler;
    {
      std::lock_guard lock(log->pair->mutex());
      log->messages.push_back(m);
      handler = log->on_message;
      log->pair->notify_locked();
    }
    if (handler) handler(*log, m);
  }
  static void on_string(GstRtcDataChannel *, const gchar *str, ChannelLog *log) {
    message(log, {true, str ? str : ""});
  }
  static void on_data(GstRtcDataChannel *, GBytes *data, ChannelLog *log) {
    message(log, {false, bytes_string(data)});
  }
  static void on_transport_state(GObject *, GParamSpec *, Pair *pair) {
    std::lock_guard lock(pair->mutex());
    pair->notify_locked();
  }
  static void on_data_channel(GstElement *enc, GstRtcDataChannel *channel, Pair *pair) {
    int side = g_object_get_data(G_OBJECT(enc), "side") ? Pair::B : Pair::A;
    pair->add_incoming(side, channel);
  }
};

Pair::Pair(const std::function<void(Pair &)> &setup) {
  pipeline = gst_pipeline_new(nullptr);
  const guint ids[2] = {next_association_id++, next_association_id++};
  for (int side = 0; side < 2; side++) {
    enc[side] = gst_element_factory_make("rtcsctpenc", nullptr);
    dec[side] = gst_element_factory_make("rtcsctpdec", nullptr);
    fail_unless(enc[side] && dec[side], "rtcsctp plugin not found");
    g_object_set(enc[side], "sctp-association-id", ids[side], "is-client", side == A, nullptr);
    g_object_set(dec[side], "sctp-association-id", ids[side], nullptr);
    if (side == B) g_object_set_data(G_OBJECT(enc[side]), "side", GINT_TO_POINTER(1));
    g_signal_connect(enc[side], "on-data-channel", G_CALLBACK(Callbacks::on_data_channel), this);
    gst_bin_add_many(GST_BIN(pipeline), enc[side], dec[side], nullptr);
  }
  // Waiters also wake on transport state changes.
  for (int side = 0; side < 2; side++) {
    GstRtcSctpTransport *t = nullptr;
    g_object_get(enc[side], "transport", &t, nullptr);
    g_signal_connect(t, "notify::state", G_CALLBACK(Callbacks::on_transport_state), this);
    transports_[side] = t;
  }
  fail_unless(gst_element_link(enc[A], dec[B]));
  fail_unless(gst_element_link(enc[B], dec[A]));
  if (setup) setup(*this);
}

Pair::~Pair() {
  gst_element_set_state(pipeline, GST_STATE_NULL);
  {
    std::lock_guard lock(mutex_);
    for (auto &log : logs_) {
      g_signal_handlers_disconnect_by_data(log->channel, log.get());
    }
  }
  for (auto &log : logs_) g_object_unref(log->channel);
  for (GstMessage *m : bus_messages_) gst_message_unref(m);
  for (auto *t : transports_) {
    g_signal_handlers_disconnect_by_data(t, this);
    gst_object_unref(t);
  }
  gst_object_unref(pipeline);
}

bool Pair::start() {
  if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) return false;
  GstRtcSctpTransport *transports[2];
  for (int side = 0; side < 2; side++) g_object_get(enc[side], "transport", &transports[side], nullptr);
  bool ok = wait([&] {
    return gst_rtc_sctp_transport_get_state(transports[0]) == GST_RTC_SCTP_TRANSPORT_STATE_CONNECTED &&
           gst_rtc_sctp_transport_get_state(transports[1]) == GST_RTC_SCTP_TRANSPORT_STATE_CONNECTED;
  });
  for (auto *t : transports) gst_object_unref(t);
  return ok;
}

ChannelLog *Pair::watch(GstRtcDataChannel *channel) {
  auto log = std::make_unique<ChannelLog>();
  log->pair = this;
  log->channel = static_cast<GstRtcDataChannel *>(g_object_ref(channel));
  g_signal_connect(channel, "on-open", G_CALLBACK(Callbacks::on_open), log.get());
  g_signal_connect(channel, "on-closing", G_CALLBACK(Callbacks::on_closing), log.get());
  g_signal_connect(channel, "on-close", G_CALLBACK(Callbacks::on_close), log.get());
  g_signal_connect(channel, "on-error", G_CALLBACK(Callbacks::on_error), log.get());
  g_signal_connect(channel, "on-buffered-amount-low", G_CALLBACK(Callbacks::on_low), log.get());
  g_signal_connect(channel, "on-message-string", G_CALLBACK(Callbacks::on_string), log.get());
  g_signal_connect(channel, "on-message-data", G_CALLBACK(Callbacks::on_data), log.get());
  logs_.push_back(std::move(log));
  return logs_.back().get();
}

void Pair::add_incoming(int side, GstRtcDataChannel *channel) {
  std::lock_guard lock(mutex_);
  incoming_[side].push_back(watch(channel));
  cv_.notify_all();
}

GstRtcDataChannel *Pair::create(int side, const char *label, GstStructure *options) {
  GstRtcDataChannel *channel = nullptr;
  // Watch before the association can report anything about it: the log
  // is created under the lock the callbacks take.
  std::lock_guard lock(mutex_);
  g_signal_emit_by_name(enc[side], "create-data-channel", label, options, &channel);
  if (options) gst_structure_free(options);
  if (!channel) return nullptr;
  ChannelLog *log = watch(channel);
  g_object_unref(channel);  // the log holds it
  // The association runs on other threads: a channel can open (negotiated,
  // or a fast ACK) before its creator had a chance to connect to on-open.
  // Applications do what this does: look at ready-state after connecting.
  if (gst_rtc_data_channel_get_ready_state(channel) == GST_RTC_DATA_CHANNEL_STATE_OPEN)
    log->events.push_back("open");
  return channel;
}

ChannelLog *Pair::log_of(GstRtcDataChannel *channel) {
  std::lock_guard lock(mutex_);
  for (auto &log : logs_)
    if (log->channel == channel) return log.get();
  return nullptr;
}

ChannelLog *Pair::incoming(int side, std::size_t index) {
  if (!wait([&] { return incoming_[side].size() > index; })) return nullptr;
  std::lock_guard lock(mutex_);
  return incoming_[side][index];
}

std::size_t Pair::incoming_count(int side) {
  std::lock_guard lock(mutex_);
  return incoming_[side].size();
}

bool Pair::wait(const std::function<bool()> &pred, int timeout_ms) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), pred);
}

bool Pair::bus_has_rtc_message(GstMessageType type, int code, int timeout_ms, int at_least) {
  GstBus *bus = gst_element_get_bus(pipeline);
  auto matches = [&](GstMessage *m) {
    if (GST_MESSAGE_TYPE(m) != type) return false;
    GError *err = nullptr;
    if (type == GST_MESSAGE_WARNING)
      gst_message_parse_warning(m, &err, nullptr);
    else
      gst_message_parse_error(m, &err, nullptr);
    bool ok = err && err->domain == GST_RTC_ERROR && err->code == code;
    g_clear_error(&err);
    return ok;
  };
  int count = 0;
  for (GstMessage *m : bus_messages_) count += matches(m);
  bool found = count >= at_least;
  const gint64 deadline = g_get_monotonic_time() + timeout_ms * G_TIME_SPAN_MILLISECOND;
  while (!found) {
    const gint64 left = deadline - g_get_monotonic_time();
    if (left <= 0) break;
    GstMessage *m = gst_bus_timed_pop_filtered(bus, left * GST_USECOND,
                                               GstMessageType(GST_MESSAGE_WARNING | GST_MESSAGE_ERROR));
    if (!m) break;
    count += matches(m);
    found = count >= at_least;
    bus_messages_.push_back(m);
  }
  gst_object_unref(bus);
  return found;
}

}  // namespace sctp_test
