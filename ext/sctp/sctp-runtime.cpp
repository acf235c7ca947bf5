#include "sctp-runtime.h"

#include <usrsctp.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace gst_rtc::sctp {

namespace {

struct Registry {
  std::mutex mutex;
  std::size_t refs = 0;
  std::size_t inits = 0;
  std::unordered_map<void *, std::weak_ptr<PacketSink>> sinks;
};

// Leaked on purpose: usrsctp's thread may still run a callback while static
// destructors run at exit.
Registry &registry() {
  static auto *r = new Registry;
  return *r;
}

// Separate from the registry lock so that register/unregister (which take
// usrsctp locks) and lookups never wait on each other in a cycle.
std::mutex &lifecycle_mutex() {
  static auto *m = new std::mutex;
  return *m;
}

// The common header's checksum field (RFC 9260 §3.1).
constexpr std::size_t kChecksumOffset = 8;

#if defined(__x86_64__)
// CRC32c with the SSE4.2 instruction: usrsctp's portable table code was
// about a tenth of the SCTP layer's CPU time in sctp-bench (it also runs
// over every byte we send), the instruction does 8 bytes a cycle.
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(const uint8_t *p, std::size_t n) {
  uint64_t crc = 0xffffffffu;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc = _mm_crc32_u64(crc, word);
  }
  auto crc32 = static_cast<uint32_t>(crc);
  for (; n > 0; p++, n--) crc32 = _mm_crc32_u8(crc32, *p);
  return ~crc32;
}
#endif

using Crc32c = uint32_t (*)(const uint8_t *, std::size_t);

uint32_t crc32c_usrsctp(const uint8_t *p, std::size_t n) {
  return usrsctp_crc32c(const_cast<uint8_t *>(p), n);
}

// The fastest CRC32c the CPU has, checked once against usrsctp's own (same
// value, same byte order on little-endian machines, as stored below).
Crc32c pick_crc32c() {
#if defined(__x86_64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (__builtin_cpu_supports("sse4.2")) {
    uint8_t probe[67];
    for (std::size_t i = 0; i < sizeof(probe); i++) probe[i] = static_cast<uint8_t>(i * 37 + 11);
    bool same = true;
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, sizeof(probe)})
      same = same && crc32c_sse42(probe, n) == crc32c_usrsctp(probe, n);
    if (same) return crc32c_sse42;
  }
#endif
  return crc32c_usrsctp;
}

int conn_output(void *address, void *buffer, size_t length, uint8_t /*tos*/, uint8_t /*set_df*/) {
  auto sink = find_sink(address);
  if (!sink) return 0;
  // CRC32c "offload" is on (see tune_for_webrtc) so that usrsctp skips
  // verifying what arrives; every peer still verifies what we send, so the
  // checksum is filled in here, once, over the buffer usrsctp hands us (it
  // is ours until we return).
  auto *bytes = static_cast<uint8_t *>(buffer);
  fill_checksum(bytes, length);
  sink->on_packet(bytes, length);
  // A packet for a vanished association is dropped like one lost on the wire.
  return 0;
}

void tune_for_webrtc() {
  // Large windows: data channels carry messages up to several hundred KiB and
  // the send buffer must hold a whole message for a non-blocking send.
  usrsctp_sysctl_set_sctp_sendspace(2 * 1024 * 1024);
  usrsctp_sysctl_set_sctp_recvspace(2 * 1024 * 1024);
  // Many small messages may be queued at once (the default is 512).
  usrsctp_sysctl_set_sctp_max_chunks_on_queue(16384);
  // Timers as browsers use them: a lost packet costs 200 ms, not 1 s.
  usrsctp_sysctl_set_sctp_rto_min_default(200);
  usrsctp_sysctl_set_sctp_rto_initial_default(1000);
  usrsctp_sysctl_set_sctp_rto_max_default(10000);
  usrsctp_sysctl_set_sctp_init_rto_max_default(10000);
  usrsctp_sysctl_set_sctp_delayed_sack_time_default(20);
  usrsctp_sysctl_set_sctp_initial_cwnd(10);
  // Bursts after a SACK as large as the initial window (usrsctp's default
  // is 4 packets), which matters on a fast path with a large window.
  usrsctp_sysctl_set_sctp_max_burst_default(10);
  // DTLS already authenticates and there is one path: ECN, ASCONF and AUTH
  // only add chunks. ASCONF must go before AUTH (ASCONF requires AUTH).
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  usrsctp_sysctl_set_sctp_asconf_enable(0);
  usrsctp_sysctl_set_sctp_auth_enable(0);
  // Partial reliability and stream reset are what data channels are made of.
  usrsctp_sysctl_set_sctp_pr_enable(1);
  usrsctp_sysctl_set_sctp_reconfig_enable(1);
  // Incoming packets are DTLS application data, already authenticated:
  // "offloading" CRC32c makes usrsctp accept them without recomputing it.
  // It would also send checksum 0, which no peer accepts without the
  // zero-checksum extension (RFC 9653, not in usrsctp 0.9.5), so
  // conn_output computes the outgoing checksum itself.
  usrsctp_enable_crc32c_offload();
  // Not settable in usrsctp 0.9.5: I-DATA (no sysctl nor socket option is
  // exported) and the zero-checksum extension (so every packet we send
  // carries a CRC32c).
}

}  // namespace

jsep::Result<RuntimeRef> RuntimeRef::acquire() {
  std::lock_guard lifecycle(lifecycle_mutex());
  auto &r = registry();
  std::size_t refs;
  {
    std::lock_guard lock(r.mutex);
    refs = r.refs;
  }
  if (refs == 0) {
    usrsctp_init(0, conn_output, nullptr);
    tune_for_webrtc();
    std::lock_guard lock(r.mutex);
    r.inits++;
  }
  std::lock_guard lock(r.mutex);
  r.refs++;
  RuntimeRef ref;
  ref.held_ = true;
  return ref;
}

RuntimeRef &RuntimeRef::operator=(RuntimeRef &&other) noexcept {
  if (this != &other) {
    release();
    held_ = other.held_;
    other.held_ = false;
  }
  return *this;
}

RuntimeRef::~RuntimeRef() {
  release();
}

void RuntimeRef::release() {
  if (!held_) return;
  held_ = false;
  std::lock_guard lifecycle(lifecycle_mutex());
  auto &r = registry();
  {
    std::lock_guard lock(r.mutex);
    if (--r.refs > 0) return;
  }
  // usrsctp_finish() refuses while closed sockets still wait for their
  // timers to free them; those go away within a few ticks.
  for (int attempt = 0; attempt < 500; attempt++) {
    if (usrsctp_finish() == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::size_t RuntimeRef::use_count() {
  auto &r = registry();
  std::lock_guard lock(r.mutex);
  return r.refs;
}

std::size_t RuntimeRef::init_count() {
  auto &r = registry();
  std::lock_guard lock(r.mutex);
  return r.inits;
}

void fill_checksum(uint8_t *packet, std::size_t size) {
  static const Crc32c crc32c = pick_crc32c();
  if (size < kChecksumOffset + 4) return;
  std::memset(packet + kChecksumOffset, 0, 4);
  uint32_t crc = crc32c(packet, size);
  std::memcpy(packet + kChecksumOffset, &crc, 4);  // usrsctp's byte order, as it would store it
}

void register_sink(void *address, std::weak_ptr<PacketSink> sink) {
  {
    auto &r = registry();
    std::lock_guard lock(r.mutex);
    r.sinks[address] = std::move(sink);
  }
  usrsctp_register_address(address);
}

void unregister_sink(void *address) {
  usrsctp_deregister_address(address);
  auto &r = registry();
  std::lock_guard lock(r.mutex);
  r.sinks.erase(address);
}

std::shared_ptr<PacketSink> find_sink(void *address) {
  auto &r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.sinks.find(address);
  return it == r.sinks.end() ? nullptr : it->second.lock();
}

}  // namespace gst_rtc::sctp
