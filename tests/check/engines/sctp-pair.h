// Two data channel engines wired back to back in memory. usrsctp emits
// packets from its own thread and from inside calls into the engines, so
// packets are queued here and fed from the test thread by pump(), never
// recursively from an output callback.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "data-channels.h"

namespace gst_rtc::sctp::test {

struct Received {
  uint16_t id;
  MessageKind kind;
  std::vector<uint8_t> data;
};

// What one side observed; read under SctpPair::mutex.
struct Observed {
  std::vector<AssociationState> states;
  std::vector<ChannelInfo> channels;  // on_channel
  std::vector<uint16_t> opened;       // on_open
  std::vector<uint16_t> closed;       // on_close
  std::vector<uint16_t> low;          // on_buffered_amount_low
  std::vector<uint16_t> violations;   // on_protocol_error
  std::vector<Received> messages;

  bool has_state(AssociationState s) const {
    for (auto x : states)
      if (x == s) return true;
    return false;
  }
  template <class T>
  static bool contains(const std::vector<T> &v, const T &x) {
    for (const auto &e : v)
      if (e == x) return true;
    return false;
  }
};

class SctpPair {
 public:
  static constexpr int kClient = 0;
  static constexpr int kServer = 1;

  explicit SctpPair(AssociationConfig client = {}, AssociationConfig server = {}) {
    client.role = Role::Client;
    server.role = Role::Server;
    AssociationConfig configs[2] = {client, server};
    for (int side = 0; side < 2; side++) {
      auto dc = DataChannels::create(configs[side], callbacks(side));
      EXPECT_TRUE(dc.ok()) << (dc.ok() ? "" : dc.error().describe());
      if (dc.ok()) peers_[side] = std::move(dc).value();
    }
  }

  ~SctpPair() {
    // The engines' callbacks point at this object: they go first.
    peers_[0].reset();
    peers_[1].reset();
  }

  DataChannels &client() { return *peers_[kClient]; }
  DataChannels &server() { return *peers_[kServer]; }
  DataChannels &peer(int side) { return *peers_[side]; }
  void destroy(int side) { peers_[side].reset(); }

  // Drop this fraction of packets in both directions from now on.
  void set_loss(double fraction) {
    std::lock_guard lock(mutex);
    loss_ = fraction;
  }
  // While paused, packets wait in the link instead of being delivered.
  void set_paused(bool paused) {
    std::lock_guard lock(mutex);
    paused_ = paused;
  }
  uint64_t dropped() {
    std::lock_guard lock(mutex);
    return dropped_;
  }
  // Path MTU probes: drop those larger than `mtu` (a path that takes no
  // more), or all of them (a TURN relay). Packets that are no probe but
  // larger than `mtu` are counted in oversize() (and still delivered).
  void set_link_mtu(std::size_t mtu) {
    std::lock_guard lock(mutex);
    link_mtu_ = mtu;
  }
  void set_drop_probes(bool drop) {
    std::lock_guard lock(mutex);
    drop_probes_ = drop;
  }
  uint64_t probes_sent() {
    std::lock_guard lock(mutex);
    return probes;
  }
  uint64_t oversize() {
    std::lock_guard lock(mutex);
    return oversize_;
  }
  // Largest packet (no probe) each side sent.
  std::size_t largest(int side) {
    std::lock_guard lock(mutex);
    return largest_[side];
  }

  // Delivers every queued packet; returns how many.
  std::size_t pump() {
    std::deque<std::pair<int, std::vector<uint8_t>>> batch;
    {
      std::lock_guard lock(mutex);
      if (paused_) return 0;
      batch.swap(packets_);
    }
    for (auto &[to, bytes] : batch)
      if (peers_[to]) peers_[to]->feed(bytes.data(), bytes.size());
    return batch.size();
  }

  // Pumps until `pred` (called under `mutex`) holds or `timeout` passes.
  bool wait_until(const std::function<bool()> &pred,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      pump();
      std::unique_lock lock(mutex);
      if (pred()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      cv_.wait_for(lock, std::chrono::milliseconds(2), [&] { return !packets_.empty() && !paused_; });
    }
  }

  // Pumps for a fixed time (for what must *not* happen).
  void run_for(std::chrono::milliseconds duration) {
    wait_until([] { return false; }, duration);
  }

  bool connect() {
    if (!peers_[0] || !peers_[1]) return false;
    if (!client().connect().ok() || !server().connect().ok()) return false;
    return wait_until([&] {
      return seen[0].has_state(AssociationState::Connected) && seen[1].has_state(AssociationState::Connected);
    });
  }

  // Opens a channel on `side` and waits until both ends see it open.
  uint16_t open(int side, const ChannelInit &init) {
    const int other = 1 - side;
    std::size_t opened_before, channels_before;
    {
      std::lock_guard lock(mutex);
      opened_before = seen[side].opened.size();
      channels_before = seen[other].channels.size();
    }
    auto id = peer(side).open_channel(init);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().describe());
    if (!id.ok()) return 0;
    const uint16_t v = *id;
    // Ids are reused after a close: look only at events after this call.
    EXPECT_TRUE(wait_until([&] {
      auto fresh = [v](const auto &list, std::size_t from, auto id_of) {
        for (std::size_t i = from; i < list.size(); i++)
          if (id_of(list[i]) == v) return true;
        return false;
      };
      bool local = fresh(seen[side].opened, opened_before, [](uint16_t x) { return x; });
      bool remote = init.negotiated_id ||
                    fresh(seen[other].channels, channels_before, [](const ChannelInfo &c) { return c.id; });
      return local && remote;
    }));
    return v;
  }

  bool has_channel(int side, uint16_t id) {
    for (auto &c : seen[side].channels)
      if (c.id == id) return true;
    return false;
  }

  std::mutex mutex;
  Observed seen[2];
  uint64_t probes = 0;  // path MTU probes sent by either side

 private:
  DataChannelCallbacks callbacks(int side) {
    DataChannelCallbacks cb;
    cb.on_output = [this, side](const uint8_t *data, std::size_t size) {
      std::lock_guard lock(mutex);
      if (loss_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < loss_) {
        dropped_++;
        return;
      }
      if (size > link_mtu_) oversize_++;
      largest_[side] = std::max(largest_[side], size);
      packets_.emplace_back(1 - side, std::vector<uint8_t>(data, data + size));
      cv_.notify_all();
    };
    cb.on_probe = [this, side](const uint8_t *data, std::size_t size) {
      std::lock_guard lock(mutex);
      probes++;
      if (drop_probes_ || size > link_mtu_) return;
      packets_.emplace_back(1 - side, std::vector<uint8_t>(data, data + size));
      cv_.notify_all();
    };
    auto record = [this](auto fn) {
      return [this, fn](auto &&...args) {
        std::lock_guard lock(mutex);
        fn(args...);
        cv_.notify_all();
      };
    };
    cb.on_state = record([this, side](AssociationState s) { seen[side].states.push_back(s); });
    cb.on_channel = record([this, side](const ChannelInfo &info) { seen[side].channels.push_back(info); });
    cb.on_open = record([this, side](uint16_t id) { seen[side].opened.push_back(id); });
    cb.on_close = record([this, side](uint16_t id) { seen[side].closed.push_back(id); });
    cb.on_buffered_amount_low = record([this, side](uint16_t id) { seen[side].low.push_back(id); });
    cb.on_protocol_error = [this, side](uint16_t stream, const std::string &) {
      std::lock_guard lock(mutex);
      seen[side].violations.push_back(stream);
      cv_.notify_all();
    };
    cb.on_message = [this, side](uint16_t id, MessageKind kind, std::vector<uint8_t> &&data) {
      std::lock_guard lock(mutex);
      seen[side].messages.push_back({id, kind, std::move(data)});
      cv_.notify_all();
    };
    return cb;
  }

  std::condition_variable cv_;
  std::deque<std::pair<int, std::vector<uint8_t>>> packets_;
  double loss_ = 0;
  bool paused_ = false;
  uint64_t dropped_ = 0;
  std::size_t link_mtu_ = SIZE_MAX;
  bool drop_probes_ = false;
  uint64_t oversize_ = 0;
  std::size_t largest_[2] = {0, 0};
  std::mt19937 rng_{20260425};
  std::unique_ptr<DataChannels> peers_[2];
};

// Deterministic pseudo-random message bytes.
inline std::vector<uint8_t> pattern(std::size_t size, uint32_t seed) {
  std::vector<uint8_t> v(size);
  uint32_t x = seed * 2654435761u + 1;
  for (auto &b : v) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 16);
  }
  return v;
}

inline std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

}  // namespace gst_rtc::sctp::test
