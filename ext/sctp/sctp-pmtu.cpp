#include "sctp-pmtu.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "sctp-runtime.h"

namespace gst_rtc::sctp {

namespace {

constexpr std::size_t kCommonHeader = 12;
constexpr uint8_t kChunkInit = 1;
constexpr uint8_t kChunkHeartbeat = 4;
constexpr uint8_t kChunkHeartbeatAck = 5;
constexpr uint8_t kChunkPad = 0x84;  // RFC 4820; peers without it skip it (high bits 10)
constexpr uint16_t kParamHeartbeatInfo = 1;
// Heartbeat info of ours: magic, probed size, nonce. usrsctp's own heartbeats
// carry a different (larger) structure, so the two never mix up.
constexpr uint8_t kMagic[8] = {'g', 's', 't', '-', 'r', 't', 'c', 'P'};
constexpr std::size_t kInfoSize = sizeof(kMagic) + 8;
constexpr std::size_t kParamSize = 4 + kInfoSize;
constexpr std::size_t kHeartbeatSize = 4 + kParamSize;

void put16(uint8_t *p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t *p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}
uint16_t get16(const uint8_t *p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t *p) {
  return static_cast<uint32_t>(get16(p)) << 16 | get16(p + 2);
}

}  // namespace

PathMtuProber::PathMtuProber(std::size_t base, std::size_t max, uint16_t local_port, uint16_t remote_port)
    : current_(base), local_port_(local_port), remote_port_(remote_port) {
  for (std::size_t size : kSearch)
    if (size > base && size <= max) pending_.push_back(size);
  if (pending_.empty()) {
    need_tag_ = false;
    finished_ = true;
  }
  std::random_device rd;
  nonce_ = rd();
}

void PathMtuProber::observe_output(const uint8_t *packet, std::size_t size) {
  if (!need_tag_.load(std::memory_order_relaxed)) return;
  if (size < kCommonHeader + 4 || packet[kCommonHeader] == kChunkInit) return;  // INIT carries tag 0
  uint32_t tag;
  std::memcpy(&tag, packet + 4, 4);
  std::lock_guard lock(mutex_);
  if (!peer_tag_) peer_tag_ = tag;
  need_tag_ = false;
}

void PathMtuProber::start(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  started_ = true;
  sent_at_ = now;
}

std::optional<std::vector<uint8_t>> PathMtuProber::poll(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!started_ || !peer_tag_) return std::nullopt;
  if (probing_) {
    if (now - sent_at_ < kProbeTimeout) return std::nullopt;
    if (attempts_ >= kMaxProbes) {
      // The path (or the peer) does not take this size: the search ends at
      // the last confirmed one.
      probing_.reset();
      in_flight_ = false;
      pending_.clear();
      finished_ = true;
      return std::nullopt;
    }
  } else {
    if (pending_.empty()) return std::nullopt;
    probing_ = pending_.front();
    in_flight_ = true;
    attempts_ = 0;
  }
  ++attempts_;
  ++nonce_;
  sent_at_ = now;
  return build_locked(*probing_);
}

std::vector<uint8_t> PathMtuProber::build_locked(std::size_t size) {
  std::vector<uint8_t> p(size, 0);
  uint8_t *d = p.data();
  put16(d, local_port_);
  put16(d + 2, remote_port_);
  std::memcpy(d + 4, &*peer_tag_, 4);
  uint8_t *hb = d + kCommonHeader;
  hb[0] = kChunkHeartbeat;
  put16(hb + 2, static_cast<uint16_t>(kHeartbeatSize));
  put16(hb + 4, kParamHeartbeatInfo);
  put16(hb + 6, static_cast<uint16_t>(kParamSize));
  std::memcpy(hb + 8, kMagic, sizeof(kMagic));
  put32(hb + 8 + sizeof(kMagic), static_cast<uint32_t>(size));
  put32(hb + 12 + sizeof(kMagic), nonce_);
  uint8_t *pad = hb + kHeartbeatSize;
  pad[0] = kChunkPad;
  put16(pad + 2, static_cast<uint16_t>(size - kCommonHeader - kHeartbeatSize));
  fill_checksum(d, size);
  return p;
}

PathMtuProber::Filtered PathMtuProber::filter(const uint8_t *packet, std::size_t size) {
  Filtered out;
  if (!in_flight_.load(std::memory_order_relaxed)) return out;
  std::lock_guard lock(mutex_);
  if (!probing_) return out;
  std::size_t at = kCommonHeader;
  while (at + 4 <= size) {
    const std::size_t length = get16(packet + at + 2);
    if (length < 4 || at + length > size) break;
    const std::size_t padded = (length + 3) & ~std::size_t{3};
    const uint8_t *c = packet + at;
    if (c[0] == kChunkHeartbeatAck && length == kHeartbeatSize && get16(c + 4) == kParamHeartbeatInfo &&
        get16(c + 6) == kParamSize && std::memcmp(c + 8, kMagic, sizeof(kMagic)) == 0) {
      out.ours = true;
      const std::size_t size_probed = get32(c + 8 + sizeof(kMagic));
      // Only the answer to the latest try counts: an old one may be for a
      // size given up on since.
      if (get32(c + 12 + sizeof(kMagic)) == nonce_ && size_probed == *probing_) {
        current_ = std::max(current_, size_probed);
        out.confirmed = current_;
        pending_.erase(pending_.begin());
        probing_.reset();
        in_flight_ = false;
        if (pending_.empty()) finished_ = true;
      }
      out.rest.assign(packet, packet + at);
      const std::size_t after = std::min(size, at + padded);
      out.rest.insert(out.rest.end(), packet + after, packet + size);
      if (out.rest.size() <= kCommonHeader) out.rest.clear();
      return out;
    }
    at += padded;
  }
  return out;
}

std::size_t PathMtuProber::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

bool PathMtuProber::done() const {
  return finished_.load(std::memory_order_relaxed);
}

}  // namespace gst_rtc::sctp
