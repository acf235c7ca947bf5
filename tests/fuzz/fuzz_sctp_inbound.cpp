// libFuzzer target: the rtcsctpdec inbound path. What rtcsctpdec hands to
// the engine is the payload of DTLS application data records: SCTP packets
// from the peer. Here a connected pair of data channel engines (client and
// server, in memory, handshake done for each input) and the input is a
// program of steps that reach the server's inbound path:
//
//   0 raw      feed bytes as one packet, as is
//   1 chunks   feed bytes behind the peer's real common header (ports and
//              verification tag), so they get past the tag check into the
//              chunk parsers; the CRC32c is not checked on receive (DTLS
//              authenticates)
//   2 message  the client sends a message on a stream with a PPID (DCEP
//              and data, any value), ordered or not, partly reliable or not:
//              usrsctp builds real DATA/I-DATA, which the server reassembles
//              and hands to DCEP / channel delivery
//   3 mutate   as 2, but one byte of each resulting packet is XORed
//   4 open     the client opens a channel with DCEP (label from the input)
//   5 close    the client resets a stream (channel close)
//   6 send     the client sends on a channel it opened (the oracle below)
//
// Beyond "no crash, leak or sanitizer report": as long as only channel
// steps ran (4, 5, 6), a message sent on an open
// reliable channel arrives intact at the server, in order.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "data-channels.h"
#include "sctp-runtime.h"

using namespace gst_rtc::sctp;

namespace {

struct Fuzzer {
  std::mutex mutex;
  // Packets in flight: (to server?, bytes). usrsctp's timer thread may add
  // retransmissions at any time.
  std::deque<std::pair<bool, std::vector<uint8_t>>> packets;
  std::vector<uint8_t> client_header;                               // last common header client -> server
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> received;  // at the server
  std::vector<uint16_t> server_channels;
  bool client_open[8] = {};
  bool connected[2] = {};
  std::unique_ptr<DataChannels> client, server;

  DataChannelCallbacks callbacks(bool is_server) {
    DataChannelCallbacks cb;
    cb.on_output = [this, is_server](const uint8_t *data, std::size_t size) {
      std::lock_guard lock(mutex);
      packets.emplace_back(!is_server, std::vector<uint8_t>(data, data + size));
      if (!is_server && size >= 12) client_header.assign(data, data + 12);
    };
    cb.on_state = [this, is_server](AssociationState s) {
      std::lock_guard lock(mutex);
      if (s == AssociationState::Connected) connected[is_server] = true;
    };
    if (is_server) {
      cb.on_message = [this](uint16_t id, MessageKind, std::vector<uint8_t> &&data) {
        std::lock_guard lock(mutex);
        received.emplace_back(id, std::move(data));
      };
      cb.on_channel = [this](const ChannelInfo &info) {
        std::lock_guard lock(mutex);
        server_channels.push_back(info.id);
      };
    } else {
      cb.on_open = [this](uint16_t id) {
        std::lock_guard lock(mutex);
        if (id < 8) client_open[id] = true;
      };
      cb.on_close = [this](uint16_t id) {
        std::lock_guard lock(mutex);
        if (id < 8) client_open[id] = false;
      };
    }
    return cb;
  }

  // Delivers what is in flight, `mutate` applied to client packets, until
  // nothing is left (bounded: a broken association may ping-pong).
  void pump(const std::function<void(std::vector<uint8_t> &)> &mutate = nullptr) {
    for (int i = 0; i < 2000; i++) {
      std::pair<bool, std::vector<uint8_t>> p;
      {
        std::lock_guard lock(mutex);
        if (packets.empty()) return;
        p = std::move(packets.front());
        packets.pop_front();
      }
      if (p.first) {
        if (mutate) mutate(p.second);
        server->feed(p.second.data(), p.second.size());
      } else {
        client->feed(p.second.data(), p.second.size());
      }
    }
  }
};

// Holds usrsctp up between inputs: initialising it starts a thread.
RuntimeRef *runtime() {
  static RuntimeRef *r = [] {
    auto acquired = RuntimeRef::acquire();
    if (!acquired) __builtin_trap();
    return new RuntimeRef(std::move(acquired).value());
  }();
  return r;
}

class Reader {
 public:
  Reader(const uint8_t *data, std::size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ >= end_; }
  uint8_t u8() { return p_ < end_ ? *p_++ : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  std::span<const uint8_t> bytes(std::size_t n) {
    n = std::min<std::size_t>(n, static_cast<std::size_t>(end_ - p_));
    std::span<const uint8_t> s(p_, n);
    p_ += n;
    return s;
  }

 private:
  const uint8_t *p_;
  const uint8_t *end_;
};

constexpr Ppid kPpids[] = {Ppid::Dcep, Ppid::String, Ppid::Binary, Ppid::StringEmpty, Ppid::BinaryEmpty};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  runtime();
  Fuzzer f;
  AssociationConfig cc, sc;
  cc.role = Role::Client;
  sc.role = Role::Server;
  cc.streams = sc.streams = 16;
  cc.max_message_size = sc.max_message_size = 64 * 1024;
  Reader in(data, size);
  // Both with and without I-DATA: the reassembly paths differ.
  cc.interleaving = sc.interleaving = (in.u8() & 1) != 0;
  auto c = DataChannels::create(cc, f.callbacks(false));
  auto s = DataChannels::create(sc, f.callbacks(true));
  if (!c || !s) __builtin_trap();
  f.client = std::move(c).value();
  f.server = std::move(s).value();
  if (!f.client->connect() || !f.server->connect()) __builtin_trap();
  f.pump();
  {
    std::lock_guard lock(f.mutex);
    // The in-memory handshake completes synchronously.
    if (!f.connected[0] || !f.connected[1] || f.client_header.size() != 12) __builtin_trap();
  }

  bool well_formed = true;
  struct Expected {
    uint16_t id;
    std::vector<uint8_t> data;
  };
  std::vector<Expected> expected;
  for (int step = 0; step < 64 && !in.empty(); step++) {
    const uint8_t op = in.u8() % 7;
    switch (op) {
      case 0:
      case 1: {
        auto body = in.bytes(in.u16() % 2048);
        std::vector<uint8_t> packet;
        if (op == 1) {
          std::lock_guard lock(f.mutex);
          packet = f.client_header;
          packet[8] = packet[9] = packet[10] = packet[11] = 0;
        }
        packet.insert(packet.end(), body.begin(), body.end());
        f.server->feed(packet.data(), packet.size());
        well_formed = false;
        break;
      }
      case 2:
      case 3: {
        const uint8_t stream = in.u8() % 16;
        const uint8_t selector = in.u8();
        const uint8_t flags = in.u8();
        const uint8_t xor_at = op == 3 ? in.u8() : 0;
        const uint8_t xor_with = op == 3 ? in.u8() : 0;
        auto body = in.bytes(in.u16() % 4096);
        Ppid ppid = selector < 200 ? kPpids[selector % 5] : static_cast<Ppid>(selector);
        // Raw sends bypass the channel layer's bookkeeping (and its PPID
        // rules): the oracle below only covers channel sends.
        well_formed = false;
        SendOptions o;
        o.ordered = !(flags & 1);
        if (flags & 2) o.max_retransmits = static_cast<uint16_t>(flags >> 4);
        if ((ppid == Ppid::StringEmpty || ppid == Ppid::BinaryEmpty) && !body.empty()) body = {};
        (void)f.client->association().send(stream, ppid, body, o);
        if (op == 3)
          f.pump([&](std::vector<uint8_t> &p) {
            if (!p.empty()) p[(12 + xor_at) % p.size()] ^= xor_with;
          });
        else
          f.pump();
        break;
      }
      case 4: {
        ChannelInit init;
        auto label = in.bytes(in.u8());
        init.label.assign(label.begin(), label.end());
        const uint8_t flags = in.u8();
        init.ordered = !(flags & 1);
        if (flags & 2) init.max_retransmits = flags >> 4;
        (void)f.client->open_channel(init);
        f.pump();
        break;
      }
      case 5:
        (void)f.client->close_channel(in.u8() % 16);
        f.pump();
        break;
      case 6: {
        const uint16_t id = in.u8() % 8;
        auto body = in.bytes(in.u16() % 4096);
        auto info = f.client->channel(id);
        const bool open = info && info->state == ChannelState::Open;
        auto st = f.client->send(id, MessageKind::Binary, body);
        if (open && st && well_formed && info->ordered && !info->max_retransmits &&
            !info->max_packet_lifetime_ms)
          expected.push_back({id, std::vector<uint8_t>(body.begin(), body.end())});
        f.pump();
        break;
      }
    }
  }
  f.pump();
  // FUZZ_SCTP_VERBOSE=1: what the oracle compared, to see that it does.
  static const bool verbose = getenv("FUZZ_SCTP_VERBOSE") != nullptr;
  if (verbose) {
    std::lock_guard lock(f.mutex);
    fprintf(stderr, "fuzz-sctp-inbound: well_formed=%d expected=%zu received=%zu channels=%zu\n", well_formed,
            expected.size(), f.received.size(), f.server_channels.size());
  }
  if (well_formed) {
    // Every reliable message sent on an open channel arrived, in order
    // per channel, byte for byte.
    std::lock_guard lock(f.mutex);
    for (uint16_t id = 0; id < 8; id++) {
      std::vector<const std::vector<uint8_t> *> got;
      for (auto &[rid, bytes] : f.received)
        if (rid == id) got.push_back(&bytes);
      std::size_t next = 0;
      for (auto &e : expected) {
        if (e.id != id) continue;
        // Empty binary messages arrive empty; a reset in between may have
        // ended the stream, so what arrived must be a prefix of what was sent.
        if (next >= got.size()) break;
        if (*got[next] != e.data) __builtin_trap();
        next++;
      }
    }
  }
  // The engines go first: their callbacks point into `f`.
  f.client.reset();
  f.server.reset();
  return 0;
}
