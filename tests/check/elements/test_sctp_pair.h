// Two SCTP associations made of our elements in one pipeline, linked
// directly: A.rtcsctpenc -> B.rtcsctpdec and B.rtcsctpenc -> A.rtcsctpdec
// (no DTLS in between). Records what the data channels of both sides emit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// After the standard headers: gstcheck.h defines a `fail` macro.
#include <gst/check/gstcheck.h>
#include <gst/rtc/rtc.h>

namespace sctp_test {

struct Message {
  bool is_string;
  std::string data;  // bytes as received (string or binary)
};

class Pair;

// Everything one GstRtcDataChannel emitted, in order.
struct ChannelLog {
  Pair *pair = nullptr;
  GstRtcDataChannel *channel = nullptr;  // owned (a ref)
  std::vector<std::string> events;       // open, closing, close, error:<code>, low
  std::vector<Message> messages;
  // Called (on the emitting thread, without the log lock) for each message.
  std::function<void(ChannelLog &, const Message &)> on_message;

  bool has(const std::string &event) const;
  int count(const std::string &event) const;
};

class Pair {
 public:
  static constexpr int A = 0;  // DTLS client: even ids
  static constexpr int B = 1;  // DTLS server: odd ids

  // `setup` may set properties on the four elements before they start.
  explicit Pair(const std::function<void(Pair &)> &setup = nullptr);
  ~Pair();

  // PLAYING, then waits until both transports are connected.
  bool start();

  GstRtcDataChannel *create(int side, const char *label, GstStructure *options = nullptr);
  // The log of a channel (created or announced), started at its creation.
  ChannelLog *log_of(GstRtcDataChannel *channel);
  // The `index`-th channel the peer announced on `side`, waiting for it.
  ChannelLog *incoming(int side, std::size_t index);
  std::size_t incoming_count(int side);

  // Waits (under the lock) until `pred` holds.
  bool wait(const std::function<bool()> &pred, int timeout_ms = 5000);
  // Locks the recorded state for reading.
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }

  // At least `at_least` GST_MESSAGE_WARNING/ERROR messages in GST_RTC_ERROR
  // with `code` were posted on the bus (waits up to `timeout_ms`).
  bool bus_has_rtc_message(GstMessageType type, int code, int timeout_ms = 2000, int at_least = 1);

  GstElement *pipeline = nullptr;
  GstElement *enc[2] = {nullptr, nullptr};
  GstElement *dec[2] = {nullptr, nullptr};

 private:
  friend struct Callbacks;
  ChannelLog *watch(GstRtcDataChannel *channel);  // takes a ref; lock held by caller

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<ChannelLog>> logs_;
  std::vector<ChannelLog *> incoming_[2];
  std::vector<GstMessage *> bus_messages_;
  GstRtcSctpTransport *transports_[2] = {nullptr, nullptr};

 public:
  // For the C callbacks.
  void notify_locked() { cv_.notify_all(); }
  std::mutex &mutex() { return mutex_; }
  void add_incoming(int side, GstRtcDataChannel *channel);
};

// Bytes of a GBytes / string for comparisons.
std::string bytes_string(GBytes *bytes);

}  // namespace sctp_test
