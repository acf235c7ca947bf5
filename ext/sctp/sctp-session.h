/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One SCTP association shared by the rtcsctpenc and rtcsctpdec that carry the
 * same sctp-association-id, with its data channel objects, its
 * GstRtcSctpTransport and the two queues that keep application code and
 * pad pushes away from the engine's locks:
 *
 * - packets: the engine emits SCTP packets from usrsctp's thread or from
 *   inside a call into it, with usrsctp locks held. They are only queued
 *   there; rtcsctpenc's src pad task pushes them.
 * - events: the engine's callbacks (open, message, close, state, ...) run
 *   under the association lock. They are queued too, and emitted as GObject
 *   signals by dispatch(), which runs on rtcsctpdec's streaming thread right
 *   after a packet was fed and on rtcsctpenc's task for what usrsctp's own
 *   thread produced. One thread at a time dispatches, in queue order, with
 *   no engine lock held, so a handler may call send-string or close (or
 *   create a channel) on any channel of the association.
 *
 * Lock order: the association's lock (engine callbacks run under it) ->
 * Session::mutex_ -> Session::queue_mutex_. mutex_ is never held while
 * calling into the engine.
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/rtc.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "data-channels.h"

namespace gst_rtc::sctp {

// A strong GObject reference (the plugin cannot use libgstrtc's private
// helpers). Copy refs, move steals, destruction unrefs.
template <class T>
class Ref {
 public:
  Ref() = default;
  // Takes a new reference (transfer none).
  static Ref ref(T *p) {
    Ref r;
    r.p_ = p ? static_cast<T *>(g_object_ref(p)) : nullptr;
    return r;
  }
  // Adopts a reference the caller owns (transfer full).
  static Ref adopt(T *p) {
    Ref r;
    r.p_ = p;
    return r;
  }
  Ref(const Ref &o) : p_(o.p_ ? static_cast<T *>(g_object_ref(o.p_)) : nullptr) {}
  Ref(Ref &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref &operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    if (p_) g_object_unref(p_);
  }
  T *get() const { return p_; }
  T *dup() const { return p_ ? static_cast<T *>(g_object_ref(p_)) : nullptr; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  T *p_ = nullptr;
};

// Element properties that shape the association; read when it starts.
struct SessionConfig {
  bool is_client = true;
  uint16_t local_port = 5000;
  uint16_t remote_port = 5000;
  uint64_t max_message_size = 262144;
  uint64_t remote_max_message_size = 65536;
  // RFC 8899 path MTU probing up to this SCTP packet size (0: none). 1384:
  // one Ethernet frame, which every peer takes (libwebrtc fails its DTLS
  // transport on datagrams above 2048 bytes).
  unsigned max_path_mtu = 1384;
};

// Stream counts requested in each direction. 1024 as browsers do; the
// association settles on the smaller of both offers.
inline constexpr uint16_t kDefaultStreams = 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The session of `association_id`, created on first use. Elements keep the
  // returned reference while they use the id.
  static std::shared_ptr<Session> acquire(guint association_id);
  ~Session();

  guint association_id() const { return association_id_; }
  // The SCTP packet size in use (kBasePacketSize until a probe succeeds).
  std::size_t path_mtu() const;
  // (transfer none) Alive as long as the session.
  GstRtcSctpTransport *transport() const { return transport_; }

  // One rtcsctpenc and one rtcsctpdec per association. attach_* returns
  // false when another element of that kind holds the slot.
  bool attach_encoder(GstElement *enc);
  void detach_encoder(GstElement *enc);
  bool attach_decoder(GstElement *dec);
  void detach_decoder(GstElement *dec);

  // Creates the association, starts the handshake (both peers do:
  // simultaneous open) and opens the channels created so far. Errors:
  // SCTP_FAILURE, INVALID_STATE (already started).
  bool start(const SessionConfig &config, GError **error);
  // Aborts the association (the ABORT packet is queued for the encoder to
  // push) and closes every channel.
  void stop();
  bool started() const;

  // Also applies to a running association.
  void set_remote_max_message_size(uint64_t size);
  // rtcsctpdec's local-sctp-port, when set, wins over rtcsctpenc's.
  void set_decoder_local_port(int port);
  int decoder_local_port() const;

  // One SCTP packet from the peer. Packets that arrive before start() (the
  // peer connected first) are kept, a few, and fed once it starts.
  void feed(const uint8_t *data, std::size_t size);

  // While alive, packets and events this thread queues on `session` wake
  // the encoder's task once, when the outermost batch ends, instead of once
  // per packet: usrsctp emits a burst of packets per call, and waking the
  // task for each made it push them one by one, a context switch apiece.
  // (Output from other threads, e.g. usrsctp's timers, wakes it at once.)
  class OutputBatch {
   public:
    explicit OutputBatch(Session &session);
    ~OutputBatch();
    OutputBatch(const OutputBatch &) = delete;
    OutputBatch &operator=(const OutputBatch &) = delete;

   private:
    Session &session_;
    bool outermost_;
  };
  // Emits queued events; see the file comment.
  void dispatch();

  // rtcsctpenc's task: waits until packets or events are queued, or
  // set_flushing(true). Returns false when flushing.
  bool wait_output(std::vector<GstBuffer *> &packets);
  void set_flushing(bool flushing);
  // Waits until the encoder's task pushed every queued packet (or
  // flushing, or `timeout`).
  void wait_output_taken(std::chrono::milliseconds timeout);
  // The encoder pushed what wait_output() gave it.
  void output_pushed();

  // The create-data-channel action. (transfer full) NULL with @error on bad
  // options (TYPE), an id in use (OPERATION) or a closed association
  // (INVALID_STATE).
  GstRtcDataChannel *create_channel(const gchar *label, const GstStructure *options, GError **error);

  // For GstRtcSctpDataChannel.
  // `bytes`, when given, holds `data`: a message that has to wait in the
  // association keeps a reference to it instead of a copy.
  gboolean send(GstRtcDataChannel *channel, MessageKind kind, const uint8_t *data, std::size_t size,
                GError **error, GBytes *bytes = nullptr);
  void close(GstRtcDataChannel *channel);
  void threshold_changed(GstRtcDataChannel *channel);

 private:
  struct Event {
    enum class Type {
      Open,
      Closing,
      Closed,
      Error,
      Message,
      BufferedLow,
      NewChannel,
      State,
      ProtocolError,
    } type;
    Ref<GstRtcDataChannel> channel;
    uint16_t id = 0;
    MessageKind kind = MessageKind::Binary;
    std::vector<uint8_t> data;
    AssociationState state = AssociationState::New;
    int error_code = 0;
    std::string message;
  };

  explicit Session(guint association_id);
  DataChannelCallbacks make_callbacks(std::shared_ptr<DataChannels *> engine);
  std::shared_ptr<DataChannels> engine() const;
  Ref<GstRtcDataChannel> channel_for(uint16_t id);
  void push_event(Event &&event);
  // Wakes the encoder's task now, or at the end of this thread's batch.
  // queue_mutex_ held.
  void wake_locked();
  void emit(Event &event);
  bool open_in_engine(DataChannels &engine, GstRtcDataChannel *channel, GError **error);
  void refresh_buffered_amount(GstRtcDataChannel *channel);
  void post_warning(int code, const std::string &message, bool from_decoder = false);

  const guint association_id_;
  GstRtcSctpTransport *transport_ = nullptr;

  // Guards the fields below up to `queue_mutex_`. Never held while calling
  // into the engine; taken inside engine callbacks (a leaf lock).
  mutable std::mutex mutex_;
  GWeakRef encoder_;
  GWeakRef decoder_;
  bool has_encoder_ = false;
  bool has_decoder_ = false;
  int decoder_local_port_ = -1;
  uint64_t remote_max_message_size_ = 65536;
  std::shared_ptr<DataChannels> engine_;
  bool client_ = true;
  // Channels with a stream id in the engine.
  std::map<uint16_t, Ref<GstRtcDataChannel>> channels_;
  // Created before start(): opened in the engine when it starts.
  std::vector<Ref<GstRtcDataChannel>> pending_channels_;
  std::vector<std::vector<uint8_t>> early_packets_;

  // Guards the two queues and the dispatch token.
  std::mutex queue_mutex_;
  std::condition_variable queue_cond_;
  std::vector<GstBuffer *> packets_;
  std::deque<Event> events_;
  bool dispatching_ = false;
  bool flushing_ = false;
  bool in_flight_ = false;  // packets taken by wait_output() and not pushed yet
  bool wake_pending_ = false;              // an OutputBatch deferred a wake-up
  std::vector<std::thread::id> batching_;  // threads inside an OutputBatch
};

// GError from an engine error: the codes are the same one for one.
GError *to_gerror(const jsep::Error &error);

}  // namespace gst_rtc::sctp
