/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sctp-session.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "sctp-data-channel.h"

GST_DEBUG_CATEGORY_STATIC(gst_rtc_sctp_session_debug);
#define GST_CAT_DEFAULT gst_rtc_sctp_session_debug

namespace gst_rtc::sctp {

namespace {

// Packets that arrive before our side started (the peer's INIT when it
// connected first). A handful is plenty: the handshake is one packet each
// way and anything else is retransmitted.
constexpr std::size_t kMaxEarlyPackets = 16;

struct Registry {
  std::mutex mutex;
  std::map<guint, std::weak_ptr<Session>> sessions;
};

// Leaked on purpose: elements may be finalized from static destructors.
Registry &registry() {
  static auto *r = new Registry;
  return *r;
}

GError *make_gerror(int code, const std::string &message) {
  return g_error_new_literal(GST_RTC_ERROR, code, message.c_str());
}

// Reads an optional field of the create-data-channel options, checking its
// type. Returns false (with @error) when the field has another type.
template <class T>
bool get_field(const GstStructure *s, const char *name, GType type, T *out, bool *present, GError **error,
               bool (*read)(const GValue *, T *)) {
  *present = false;
  if (!s) return true;
  const GValue *v = gst_structure_get_value(s, name);
  if (!v) return true;
  if (!read(v, out)) {
    g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "option \"%s\" must be a %s, not a %s", name,
                g_type_name(type), G_VALUE_TYPE_NAME(v));
    return false;
  }
  *present = true;
  return true;
}

bool read_bool(const GValue *v, gboolean *out) {
  if (!G_VALUE_HOLDS_BOOLEAN(v)) return false;
  *out = g_value_get_boolean(v);
  return true;
}

bool read_int(const GValue *v, gint64 *out) {
  if (G_VALUE_HOLDS_INT(v))
    *out = g_value_get_int(v);
  else if (G_VALUE_HOLDS_UINT(v))
    *out = g_value_get_uint(v);
  else if (G_VALUE_HOLDS_INT64(v))
    *out = g_value_get_int64(v);
  else
    return false;
  return true;
}

bool read_string(const GValue *v, std::string *out) {
  if (!G_VALUE_HOLDS_STRING(v) || !g_value_get_string(v)) return false;
  *out = g_value_get_string(v);
  return true;
}

// "very-low", "low", "medium", "high" (API.md), or a GstRtcPriorityType /
// webrtcbin-style enum value (1..4).
bool read_priority(const GValue *v, GstRtcPriorityType *out) {
  if (G_VALUE_HOLDS_STRING(v) && g_value_get_string(v)) {
    static const struct {
      const char *nick;
      GstRtcPriorityType value;
    } kNames[] = {{"very-low", GST_RTC_PRIORITY_TYPE_VERY_LOW},
                  {"low", GST_RTC_PRIORITY_TYPE_LOW},
                  {"medium", GST_RTC_PRIORITY_TYPE_MEDIUM},
                  {"high", GST_RTC_PRIORITY_TYPE_HIGH}};
    for (const auto &n : kNames)
      if (g_str_equal(g_value_get_string(v), n.nick)) {
        *out = n.value;
        return true;
      }
    return false;
  }
  gint64 n;
  if (G_VALUE_HOLDS_ENUM(v))
    n = g_value_get_enum(v);
  else if (!read_int(v, &n))
    return false;
  if (n < GST_RTC_PRIORITY_TYPE_VERY_LOW || n > GST_RTC_PRIORITY_TYPE_HIGH) return false;
  *out = static_cast<GstRtcPriorityType>(n);
  return true;
}

}  // namespace

GError *to_gerror(const jsep::Error &error) {
  return make_gerror(static_cast<int>(error.code), error.describe());
}

std::shared_ptr<Session> Session::acquire(guint association_id) {
  static gsize debug_once = 0;
  if (g_once_init_enter(&debug_once)) {
    GST_DEBUG_CATEGORY_INIT(gst_rtc_sctp_session_debug, "rtcsctp", 0,
                            "SCTP association shared by rtcsctpenc/dec");
    g_once_init_leave(&debug_once, 1);
  }
  auto &r = registry();
  std::lock_guard lock(r.mutex);
  auto &slot = r.sessions[association_id];
  if (auto existing = slot.lock()) return existing;
  std::shared_ptr<Session> session(new Session(association_id));
  slot = session;
  return session;
}

Session::Session(guint association_id) : association_id_(association_id) {
  g_weak_ref_init(&encoder_, nullptr);
  g_weak_ref_init(&decoder_, nullptr);
  transport_ = static_cast<GstRtcSctpTransport *>(g_object_new(GST_RTC_TYPE_SCTP_TRANSPORT, nullptr));
  gst_object_ref_sink(transport_);
}

Session::~Session() {
  {
    auto &r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.sessions.find(association_id_);
    if (it != r.sessions.end() && it->second.expired()) r.sessions.erase(it);
  }
  // Elements stop the association before they let go; this covers a
  // session that only a channel kept alive.
  engine_.reset();
  for (auto &[id, channel] : channels_)
    gst_rtc_data_channel_set_ready_state(channel.get(), GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  for (auto &channel : pending_channels_)
    gst_rtc_data_channel_set_ready_state(channel.get(), GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  for (GstBuffer *b : packets_) gst_buffer_unref(b);
  g_weak_ref_clear(&encoder_);
  g_weak_ref_clear(&decoder_);
  gst_object_unref(transport_);
}

bool Session::attach_encoder(GstElement *enc) {
  std::lock_guard lock(mutex_);
  if (has_encoder_) return false;
  has_encoder_ = true;
  g_weak_ref_set(&encoder_, enc);
  return true;
}

void Session::detach_encoder(GstElement *enc) {
  std::lock_guard lock(mutex_);
  has_encoder_ = false;
  g_weak_ref_set(&encoder_, nullptr);
}

bool Session::attach_decoder(GstElement *dec) {
  std::lock_guard lock(mutex_);
  if (has_decoder_) return false;
  has_decoder_ = true;
  g_weak_ref_set(&decoder_, dec);
  return true;
}

void Session::detach_decoder(GstElement *dec) {
  std::lock_guard lock(mutex_);
  has_decoder_ = false;
  g_weak_ref_set(&decoder_, nullptr);
}

void Session::set_decoder_local_port(int port) {
  std::lock_guard lock(mutex_);
  decoder_local_port_ = port;
}

int Session::decoder_local_port() const {
  std::lock_guard lock(mutex_);
  return decoder_local_port_;
}

std::shared_ptr<DataChannels> Session::engine() const {
  std::lock_guard lock(mutex_);
  return engine_;
}

std::size_t Session::path_mtu() const {
  auto e = engine();
  return e ? e->path_mtu() : kBasePacketSize;
}

bool Session::started() const {
  return engine() != nullptr;
}

DataChannelCallbacks Session::make_callbacks(std::shared_ptr<DataChannels *> engine) {
  // All of these run under the association lock (see the file comment of
  // sctp-session.h): they only queue.
  DataChannelCallbacks cb;
  cb.on_output = [this](const uint8_t *data, std::size_t size) {
    GstBuffer *buffer = gst_buffer_new_memdup(data, size);
    std::lock_guard lock(queue_mutex_);
    packets_.push_back(buffer);
    wake_locked();
  };
  cb.on_probe = [this](const uint8_t *data, std::size_t size) {
    GstBuffer *buffer = gst_buffer_new_memdup(data, size);
    GST_BUFFER_FLAG_SET(buffer, GST_RTC_BUFFER_FLAG_PROBE);
    GST_DEBUG("association %u: probing a path MTU of %zu bytes", association_id_, size);
    std::lock_guard lock(queue_mutex_);
    packets_.push_back(buffer);
    wake_locked();
  };
  cb.on_state = [this](AssociationState state) {
    Event e{Event::Type::State};
    e.state = state;
    push_event(std::move(e));
  };
  cb.on_channel = [this](const ChannelInfo &info) {
    ChannelParams p;
    p.label = info.label.c_str();
    p.protocol = info.protocol.c_str();
    p.ordered = info.ordered;
    p.max_retransmits = info.max_retransmits ? *info.max_retransmits : -1;
    p.max_packet_lifetime = info.max_packet_lifetime_ms
                                ? static_cast<int>(std::min<uint32_t>(*info.max_packet_lifetime_ms, 65535))
                                : -1;
    p.negotiated = false;
    p.id = info.id;
    p.priority = priority_from_wire(info.priority);
    auto channel = Ref<GstRtcDataChannel>::adopt(new_data_channel(shared_from_this(), p));
    {
      std::lock_guard lock(mutex_);
      channels_[info.id] = channel;
    }
    Event e{Event::Type::NewChannel};
    e.channel = channel;
    e.id = info.id;
    push_event(std::move(e));
  };
  auto channel_event = [this](Event::Type type) {
    return [this, type](uint16_t id) {
      Event e{type};
      e.channel = channel_for(id);
      e.id = id;
      if (e.channel) push_event(std::move(e));
    };
  };
  cb.on_open = channel_event(Event::Type::Open);
  cb.on_closing = channel_event(Event::Type::Closing);
  cb.on_buffered_amount_low = channel_event(Event::Type::BufferedLow);
  cb.on_message = [this](uint16_t id, MessageKind kind, std::vector<uint8_t> &&data) {
    Event e{Event::Type::Message};
    e.channel = channel_for(id);
    e.id = id;
    e.kind = kind;
    e.data = std::move(data);
    if (e.channel) push_event(std::move(e));
  };
  cb.on_protocol_error = [this](uint16_t stream, const std::string &why) {
    Event e{Event::Type::ProtocolError};
    e.id = stream;
    e.error_code = GST_RTC_ERROR_DATA_CHANNEL_FAILURE;
    e.message = "message from the peer on stream " + std::to_string(stream) + " ignored: " + why;
    push_event(std::move(e));
  };
  cb.on_close = [this, engine](uint16_t id) {
    Ref<GstRtcDataChannel> channel;
    // The engine closes every channel before it reports the failure itself.
    // (Callbacks only run while their engine lives, under its lock.)
    const bool failed = *engine && (*engine)->association().state() == AssociationState::Failed;
    {
      std::lock_guard lock(mutex_);
      auto it = channels_.find(id);
      if (it == channels_.end()) return;
      channel = std::move(it->second);
      channels_.erase(it);
    }
    if (failed) {
      Event e{Event::Type::Error};
      e.channel = channel;
      e.id = id;
      e.error_code = GST_RTC_ERROR_SCTP_FAILURE;
      e.message = "the SCTP association failed";
      push_event(std::move(e));
    }
    Event e{Event::Type::Closed};
    e.channel = std::move(channel);
    e.id = id;
    push_event(std::move(e));
  };
  return cb;
}

Ref<GstRtcDataChannel> Session::channel_for(uint16_t id) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(id);
  return it == channels_.end() ? Ref<GstRtcDataChannel>() : it->second;
}

void Session::push_event(Event &&event) {
  std::lock_guard lock(queue_mutex_);
  events_.push_back(std::move(event));
  wake_locked();
}

void Session::wake_locked() {
  // A handful of threads at most: the decoder's, the application's.
  const auto self = std::this_thread::get_id();
  if (std::find(batching_.begin(), batching_.end(), self) != batching_.end())
    wake_pending_ = true;
  else
    queue_cond_.notify_all();
}

// Not a thread_local: LeakSanitizer (GCC 12) crashes walking the dynamic
// TLS of a dlopen()ed plugin, so the batching threads are listed here.
Session::OutputBatch::OutputBatch(Session &session) : session_(session) {
  std::lock_guard lock(session_.queue_mutex_);
  const auto self = std::this_thread::get_id();
  auto &threads = session_.batching_;
  outermost_ = std::find(threads.begin(), threads.end(), self) == threads.end();
  if (outermost_) threads.push_back(self);
}

Session::OutputBatch::~OutputBatch() {
  if (!outermost_) return;
  std::lock_guard lock(session_.queue_mutex_);
  auto &threads = session_.batching_;
  threads.erase(std::find(threads.begin(), threads.end(), std::this_thread::get_id()));
  if (std::exchange(session_.wake_pending_, false)) session_.queue_cond_.notify_all();
}

bool Session::start(const SessionConfig &config, GError **error) {
  AssociationConfig ac;
  ac.role = config.is_client ? Role::Client : Role::Server;
  const int dec_port = decoder_local_port();
  ac.local_port = dec_port >= 0 ? static_cast<uint16_t>(dec_port) : config.local_port;
  ac.remote_port = config.remote_port;
  ac.max_message_size = config.max_message_size;
  ac.max_path_mtu = config.max_path_mtu;
  {
    std::lock_guard lock(mutex_);
    if (engine_) {
      g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                          "the association already started");
      return false;
    }
    ac.remote_max_message_size = remote_max_message_size_;
  }
  ac.streams = kDefaultStreams;
  auto holder = std::make_shared<DataChannels *>(nullptr);
  auto created = DataChannels::create(ac, make_callbacks(holder));
  if (!created) {
    g_propagate_error(error, to_gerror(created.error()));
    return false;
  }
  std::shared_ptr<DataChannels> engine(std::move(created).value());
  *holder = engine.get();
  if (auto st = engine->connect(); !st) {
    g_propagate_error(error, to_gerror(st.error()));
    return false;
  }
  GST_INFO("association %u: %s, port %u -> %u", association_id_, config.is_client ? "client" : "server",
           ac.local_port, ac.remote_port);
  std::vector<Ref<GstRtcDataChannel>> pending;
  std::vector<std::vector<uint8_t>> early;
  {
    std::lock_guard lock(mutex_);
    engine_ = engine;
    client_ = config.is_client;
    pending.swap(pending_channels_);
    early.swap(early_packets_);
  }
  gst_rtc_sctp_transport_set_state(transport_, GST_RTC_SCTP_TRANSPORT_STATE_CONNECTING);
  gst_rtc_sctp_transport_set_max_message_size(transport_, ac.remote_max_message_size);
  for (auto &channel : pending) {
    GError *err = nullptr;
    if (!open_in_engine(*engine, channel.get(), &err)) {
      Event e{Event::Type::Error};
      e.channel = channel;
      e.error_code = err->code;
      e.message = err->message;
      push_event(std::move(e));
      Event c{Event::Type::Closed};
      c.channel = channel;
      push_event(std::move(c));
      g_error_free(err);
    }
  }
  for (auto &packet : early) engine->feed(packet.data(), packet.size());
  return true;
}

void Session::stop() {
  std::shared_ptr<DataChannels> engine;
  std::map<uint16_t, Ref<GstRtcDataChannel>> channels;
  {
    std::lock_guard lock(mutex_);
    engine = std::move(engine_);
    engine_.reset();
    channels.swap(channels_);
    early_packets_.clear();
  }
  if (!engine) return;
  GST_INFO("association %u: stopping", association_id_);
  // Destroying the association aborts it: the ABORT lands in the packet
  // queue for the encoder to push. (A send running on another thread may
  // hold the engine a moment longer; it then goes away there.)
  engine.reset();
  for (auto &[id, channel] : channels) {
    Event e{Event::Type::Closed};
    e.channel = std::move(channel);
    e.id = id;
    push_event(std::move(e));
  }
  gst_rtc_sctp_transport_set_state(transport_, GST_RTC_SCTP_TRANSPORT_STATE_CLOSED);
  dispatch();
}

void Session::set_remote_max_message_size(uint64_t size) {
  std::shared_ptr<DataChannels> engine;
  {
    std::lock_guard lock(mutex_);
    remote_max_message_size_ = size;
    engine = engine_;
  }
  if (engine) {
    engine->set_remote_max_message_size(size);
    gst_rtc_sctp_transport_set_max_message_size(transport_, size);
  }
}

void Session::feed(const uint8_t *data, std::size_t size) {
  std::shared_ptr<DataChannels> engine;
  {
    std::lock_guard lock(mutex_);
    engine = engine_;
    if (!engine) {
      if (early_packets_.size() < kMaxEarlyPackets) early_packets_.emplace_back(data, data + size);
      return;
    }
  }
  OutputBatch batch(*this);
  engine->feed(data, size);
}

bool Session::wait_output(std::vector<GstBuffer *> &packets) {
  std::unique_lock lock(queue_mutex_);
  queue_cond_.wait(lock,
                   [&] { return flushing_ || !packets_.empty() || (!events_.empty() && !dispatching_); });
  if (flushing_) return false;
  packets.swap(packets_);
  in_flight_ = !packets.empty();
  return true;
}

void Session::output_pushed() {
  std::lock_guard lock(queue_mutex_);
  in_flight_ = false;
  queue_cond_.notify_all();  // wait_output_taken()
}

void Session::wait_output_taken(std::chrono::milliseconds timeout) {
  // Pushed, not only taken: the pad is deactivated right after this, and a
  // push then would be refused (the peer would never see the ABORT).
  std::unique_lock lock(queue_mutex_);
  queue_cond_.wait_for(lock, timeout, [&] { return flushing_ || (packets_.empty() && !in_flight_); });
}

void Session::set_flushing(bool flushing) {
  std::lock_guard lock(queue_mutex_);
  flushing_ = flushing;
  queue_cond_.notify_all();
}

void Session::dispatch() {
  {
    std::lock_guard lock(queue_mutex_);
    if (dispatching_) return;  // that thread picks up what we queued
    dispatching_ = true;
  }
  for (;;) {
    Event event{Event::Type::State};
    {
      std::lock_guard lock(queue_mutex_);
      if (events_.empty()) {
        dispatching_ = false;
        queue_cond_.notify_all();
        return;
      }
      event = std::move(events_.front());
      events_.pop_front();
    }
    emit(event);
  }
}

void Session::refresh_buffered_amount(GstRtcDataChannel *channel) {
  auto engine = this->engine();
  const gint id = gst_rtc_data_channel_get_id(channel);
  if (!engine || id < 0 || channel_for(static_cast<uint16_t>(id)).get() != channel) {
    gst_rtc_data_channel_set_buffered_amount(channel, 0);
    return;
  }
  gst_rtc_data_channel_set_buffered_amount(channel, engine->buffered_amount(static_cast<uint16_t>(id)));
}

void Session::post_warning(int code, const std::string &message, bool from_decoder) {
  auto *element = static_cast<GstElement *>(g_weak_ref_get(from_decoder ? &decoder_ : &encoder_));
  if (!element) return;
  gst_element_message_full(element, GST_MESSAGE_WARNING, GST_RTC_ERROR, code, g_strdup(message.c_str()),
                           nullptr, __FILE__, GST_FUNCTION, __LINE__);
  gst_object_unref(element);
}

void Session::emit(Event &e) {
  GstRtcDataChannel *channel = e.channel.get();
  switch (e.type) {
    case Event::Type::State: {
      GST_INFO("association %u: %s", association_id_, to_string(e.state));
      if (e.state == AssociationState::Connected) {
        if (auto engine = this->engine())
          gst_rtc_sctp_transport_set_max_channels(
              transport_, static_cast<guint>(std::min<std::size_t>(engine->max_channels(), 65535)));
        gst_rtc_sctp_transport_set_state(transport_, GST_RTC_SCTP_TRANSPORT_STATE_CONNECTED);
      } else if (e.state == AssociationState::Closed || e.state == AssociationState::Failed) {
        gst_rtc_sctp_transport_set_state(transport_, GST_RTC_SCTP_TRANSPORT_STATE_CLOSED);
        if (e.state == AssociationState::Failed)
          post_warning(GST_RTC_ERROR_SCTP_FAILURE, "SCTP association " + std::to_string(association_id_) +
                                                       " failed (aborted or timed out)");
      }
      break;
    }
    case Event::Type::NewChannel: {
      // W3C: open before the datachannel event (the handler may send), the
      // open event after it.
      gst_rtc_data_channel_set_open_quietly(channel);
      if (auto *enc = static_cast<GstElement *>(g_weak_ref_get(&encoder_))) {
        g_signal_emit_by_name(enc, "on-data-channel", channel);
        gst_object_unref(enc);
      }
      gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_OPEN);
      break;
    }
    case Event::Type::Open:
      gst_rtc_data_channel_set_id(channel, e.id);
      gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_OPEN);
      break;
    case Event::Type::Closing:
      gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSING);
      break;
    case Event::Type::Closed:
      gst_rtc_data_channel_set_buffered_amount(channel, 0);
      if (gst_rtc_data_channel_get_ready_state(channel) != GST_RTC_DATA_CHANNEL_STATE_CLOSED) {
        gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSING);
        gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSED);
      }
      break;
    case Event::Type::Error: {
      GError *err = make_gerror(e.error_code, e.message);
      gst_rtc_data_channel_emit_error(channel, err);
      g_error_free(err);
      break;
    }
    case Event::Type::BufferedLow:
      refresh_buffered_amount(channel);
      break;
    case Event::Type::ProtocolError:
      GST_WARNING("association %u: %s", association_id_, e.message.c_str());
      post_warning(e.error_code, e.message, true);
      break;
    case Event::Type::Message: {
      const auto state = gst_rtc_data_channel_get_ready_state(channel);
      if (state != GST_RTC_DATA_CHANNEL_STATE_OPEN && state != GST_RTC_DATA_CHANNEL_STATE_CLOSING) break;
      if (e.kind == MessageKind::String) {
        // W3C decodes text as UTF-8 with replacement characters; a NUL ends
        // the C string the signal carries.
        std::string text(e.data.begin(), e.data.end());
        if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
          gst_rtc_data_channel_emit_message_string(channel, text.c_str());
        } else {
          gchar *valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
          gst_rtc_data_channel_emit_message_string(channel, valid);
          g_free(valid);
        }
      } else {
        auto *owned = new std::vector<uint8_t>(std::move(e.data));
        GBytes *bytes = g_bytes_new_with_free_func(
            owned->data(), owned->size(), [](gpointer p) { delete static_cast<std::vector<uint8_t> *>(p); },
            owned);
        gst_rtc_data_channel_emit_message_data(channel, bytes);
        g_bytes_unref(bytes);
      }
      break;
    }
  }
}

bool Session::open_in_engine(DataChannels &engine, GstRtcDataChannel *channel, GError **error) {
  gchar *label = nullptr, *protocol = nullptr;
  gboolean ordered = TRUE, negotiated = FALSE;
  gint max_packet_lifetime = -1, max_retransmits = -1, id = -1;
  GstRtcPriorityType priority = GST_RTC_PRIORITY_TYPE_LOW;
  g_object_get(channel, "label", &label, "protocol", &protocol, "ordered", &ordered, "negotiated",
               &negotiated, "max-packet-lifetime", &max_packet_lifetime, "max-retransmits", &max_retransmits,
               "id", &id, "priority", &priority, nullptr);
  ChannelInit init;
  init.label = label ? label : "";
  init.protocol = protocol ? protocol : "";
  g_free(label);
  g_free(protocol);
  init.ordered = ordered;
  if (max_retransmits >= 0) init.max_retransmits = static_cast<uint16_t>(max_retransmits);
  if (max_packet_lifetime >= 0) init.max_packet_lifetime_ms = static_cast<uint32_t>(max_packet_lifetime);
  init.priority = priority_to_wire(priority);
  if (negotiated) init.negotiated_id = static_cast<uint16_t>(id);

  // Under the association lock, so that no callback about the new stream
  // runs before the stream maps to this channel.
  auto association_lock = engine.association().lock();
  if (negotiated) {
    std::lock_guard lock(mutex_);
    if (channels_.count(static_cast<uint16_t>(id))) {
      g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_OPERATION, "data channel id %d is in use", id);
      return false;
    }
    channels_[static_cast<uint16_t>(id)] = Ref<GstRtcDataChannel>::ref(channel);
  }
  auto opened = engine.open_channel(init);
  if (!opened) {
    if (negotiated) {
      std::lock_guard lock(mutex_);
      channels_.erase(static_cast<uint16_t>(id));
    }
    g_propagate_error(error, to_gerror(opened.error()));
    return false;
  }
  if (!negotiated) {
    // The OPEN could not be queued (the engine already forgot the stream).
    if (!engine.channel(*opened)) {
      g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_DATA_CHANNEL_FAILURE,
                          "could not send DATA_CHANNEL_OPEN");
      return false;
    }
    std::lock_guard lock(mutex_);
    channels_[*opened] = Ref<GstRtcDataChannel>::ref(channel);
  }
  association_lock.unlock();
  if (!negotiated) gst_rtc_data_channel_set_id(channel, *opened);
  return true;
}

GstRtcDataChannel *Session::create_channel(const gchar *label, const GstStructure *options, GError **error) {
  ChannelParams p;
  std::string protocol;
  gboolean ordered = TRUE, negotiated = FALSE;
  gint64 lifetime = -1, retransmits = -1, id = -1;
  GstRtcPriorityType priority = GST_RTC_PRIORITY_TYPE_LOW;
  bool has_ordered, has_lifetime, has_retransmits, has_protocol, has_negotiated, has_id, has_priority;
  if (!get_field(options, "ordered", G_TYPE_BOOLEAN, &ordered, &has_ordered, error, read_bool) ||
      !get_field(options, "max-packet-lifetime", G_TYPE_INT, &lifetime, &has_lifetime, error, read_int) ||
      !get_field(options, "max-retransmits", G_TYPE_INT, &retransmits, &has_retransmits, error, read_int) ||
      !get_field(options, "protocol", G_TYPE_STRING, &protocol, &has_protocol, error, read_string) ||
      !get_field(options, "negotiated", G_TYPE_BOOLEAN, &negotiated, &has_negotiated, error, read_bool) ||
      !get_field(options, "id", G_TYPE_INT, &id, &has_id, error, read_int) ||
      !get_field(options, "priority", G_TYPE_STRING, &priority, &has_priority, error, read_priority))
    return nullptr;
  // webrtcbin's options use -1 for "unset".
  if (has_lifetime && lifetime == -1) has_lifetime = false;
  if (has_retransmits && retransmits == -1) has_retransmits = false;
  if (has_id && id == -1) has_id = false;
  const std::string label_text = label ? label : "";
  auto type_error = [error](const char *message) {
    g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_TYPE, message);
    return nullptr;
  };
  if (label_text.size() > 65535 || protocol.size() > 65535)
    return type_error("label and protocol are limited to 65535 bytes");
  if (!g_utf8_validate(label_text.data(), static_cast<gssize>(label_text.size()), nullptr) ||
      !g_utf8_validate(protocol.data(), static_cast<gssize>(protocol.size()), nullptr))
    return type_error("label and protocol must be UTF-8");
  if (has_lifetime && has_retransmits)
    return type_error("max-packet-lifetime and max-retransmits are mutually exclusive");
  if ((has_lifetime && lifetime < 0) || (has_retransmits && retransmits < 0))
    return type_error("max-packet-lifetime and max-retransmits cannot be negative");
  if (negotiated && !has_id) return type_error("a negotiated data channel needs an id");
  if (has_id && (id < 0 || id > 65534)) return type_error("id must be within 0..65534");
  // Not under mutex_: the engine's lock comes first (see make_callbacks).
  if (auto engine = this->engine()) {
    const auto state = engine->state();
    if (state == AssociationState::Closed || state == AssociationState::Failed) {
      g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                          "the SCTP association is closed");
      return nullptr;
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (negotiated) {
      auto same_id = [id](const Ref<GstRtcDataChannel> &c) {
        return gst_rtc_data_channel_get_id(c.get()) == id;
      };
      bool in_use = channels_.count(static_cast<uint16_t>(id)) > 0;
      for (auto &c : pending_channels_) in_use = in_use || same_id(c);
      if (in_use) {
        g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_OPERATION, "data channel id %d is in use",
                    static_cast<int>(id));
        return nullptr;
      }
    }
  }
  p.label = label_text.c_str();
  p.protocol = protocol.c_str();
  p.ordered = ordered;
  // W3C clamps both to what the implementation supports (unsigned short).
  p.max_packet_lifetime = has_lifetime ? static_cast<int>(std::min<gint64>(lifetime, 65535)) : -1;
  p.max_retransmits = has_retransmits ? static_cast<int>(std::min<gint64>(retransmits, 65535)) : -1;
  p.negotiated = negotiated;
  // Only a negotiated channel has its id before the DTLS role decides.
  p.id = negotiated ? static_cast<int>(id) : -1;
  p.priority = priority;
  auto channel = Ref<GstRtcDataChannel>::adopt(new_data_channel(shared_from_this(), p));
  std::shared_ptr<DataChannels> engine;
  {
    std::lock_guard lock(mutex_);
    engine = engine_;
    if (!engine) pending_channels_.push_back(channel);
  }
  if (engine && !open_in_engine(*engine, channel.get(), error)) return nullptr;
  GST_INFO("association %u: created data channel \"%s\"", association_id_, p.label);
  return channel.dup();
}

gboolean Session::send(GstRtcDataChannel *channel, MessageKind kind, const uint8_t *data, std::size_t size,
                       GError **error, GBytes *bytes) {
  auto engine = this->engine();
  const gint id = gst_rtc_data_channel_get_id(channel);
  if (!engine || id < 0) {
    g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                        "the SCTP association is not running");
    return FALSE;
  }
  Status status = Ok{};
  {
    // Declared before the lock: the wake-up comes after it is released.
    OutputBatch batch(*this);
    auto association_lock = engine->association().lock();
    // The stream may already belong to a newer channel (ids are reused once
    // a close completed, possibly before this channel saw its close event).
    if (channel_for(static_cast<uint16_t>(id)).get() != channel) {
      g_set_error_literal(error, GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE, "the data channel is closed");
      return FALSE;
    }
    std::shared_ptr<const void> owner;
    if (bytes)
      owner = std::shared_ptr<const void>(g_bytes_ref(bytes), [](const void *b) {
        g_bytes_unref(static_cast<GBytes *>(const_cast<void *>(b)));
      });
    status =
        engine->send(static_cast<uint16_t>(id), kind, std::span<const uint8_t>(data, size), std::move(owner));
  }
  if (!status) {
    g_propagate_error(error, to_gerror(status.error()));
    return FALSE;
  }
  refresh_buffered_amount(channel);
  return TRUE;
}

void Session::close(GstRtcDataChannel *channel) {
  std::shared_ptr<DataChannels> engine;
  bool was_pending = false;
  {
    std::lock_guard lock(mutex_);
    engine = engine_;
    for (auto it = pending_channels_.begin(); it != pending_channels_.end(); ++it)
      if (it->get() == channel) {
        pending_channels_.erase(it);
        was_pending = true;
        break;
      }
  }
  const gint id = gst_rtc_data_channel_get_id(channel);
  bool closed_now = was_pending || !engine || id < 0;
  if (!closed_now) {
    auto association_lock = engine->association().lock();
    if (channel_for(static_cast<uint16_t>(id)).get() != channel)
      closed_now = true;
    else if (auto st = engine->close_channel(static_cast<uint16_t>(id)); !st)
      closed_now = true;
  }
  // Otherwise the engine reports on_close once both directions are reset.
  if (closed_now) gst_rtc_data_channel_set_ready_state(channel, GST_RTC_DATA_CHANNEL_STATE_CLOSED);
}

void Session::threshold_changed(GstRtcDataChannel *channel) {
  auto engine = this->engine();
  const gint id = gst_rtc_data_channel_get_id(channel);
  if (!engine || id < 0) return;
  guint64 threshold = 0;
  g_object_get(channel, "buffered-amount-low-threshold", &threshold, nullptr);
  auto association_lock = engine->association().lock();
  if (channel_for(static_cast<uint16_t>(id)).get() == channel)
    engine->set_buffered_amount_low_threshold(static_cast<uint16_t>(id), threshold);
}

}  // namespace gst_rtc::sctp
