// libFuzzer target: differential test of the two SRTP backends. The same
// keys run on libsrtp2 (SrtpConfig::force_libsrtp) and on the OpenSSL
// transform, for every DTLS-SRTP profile; the input is a program of
// protect / unprotect steps on RTP and RTCP with fuzzer-chosen bytes. Both
// backends must accept and reject the same packets and produce the same
// bytes; what one side protects the other side's receiver must restore.
// Any difference aborts, so it is a finding, not a drop.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "srtp-engine.h"

using namespace gst_rtc::dtls;

namespace {

SrtpKeys keys_for(SrtpProfile profile, bool swapped) {
  SrtpKeys k;
  k.profile = profile;
  std::vector<uint8_t> a_key(srtp_key_length(profile), 0x11), a_salt(srtp_salt_length(profile), 0x22);
  std::vector<uint8_t> b_key(srtp_key_length(profile), 0x33), b_salt(srtp_salt_length(profile), 0x44);
  k.local_key = swapped ? b_key : a_key;
  k.local_salt = swapped ? b_salt : a_salt;
  k.remote_key = swapped ? a_key : b_key;
  k.remote_salt = swapped ? a_salt : b_salt;
  return k;
}

std::unique_ptr<SrtpEngine> make(SrtpProfile profile, bool swapped, bool libsrtp) {
  SrtpConfig config = srtp_config_for(keys_for(profile, swapped));
  config.force_libsrtp = libsrtp;
  auto engine = SrtpEngine::create(config);
  if (!engine) {
    std::fprintf(stderr, "cannot create engine: %s\n", engine.error().message.c_str());
    std::abort();
  }
  return std::move(engine).value();
}

[[noreturn]] void differ(const char *what, std::size_t step) {
  std::fprintf(stderr, "SRTP backends differ: %s (step %zu)\n", what, step);
  std::abort();
}

struct Reader {
  const uint8_t *p;
  std::size_t n;
  bool take(std::size_t len, const uint8_t **out) {
    if (len > n) return false;
    *out = p;
    p += len;
    n -= len;
    return true;
  }
  int byte() {
    const uint8_t *b;
    return take(1, &b) ? *b : -1;
  }
};

// One step on both backends: same input, same verdict, same bytes.
struct Outcome {
  bool ok = false;
  std::vector<uint8_t> bytes;
};

template <class Fn>
Outcome run(SrtpEngine &engine, const std::vector<uint8_t> &in, std::size_t extra, Fn fn) {
  std::vector<uint8_t> buf(in.size() + extra);
  if (!in.empty()) std::memcpy(buf.data(), in.data(), in.size());
  auto r = fn(engine, buf.data(), in.size(), buf.size());
  Outcome o;
  if (r) {
    o.ok = true;
    buf.resize(r.value());
    o.bytes = std::move(buf);
  }
  return o;
}

void compare(const Outcome &a, const Outcome &b, const char *what, std::size_t step) {
  if (a.ok != b.ok) differ(what, step);
  if (a.ok && a.bytes != b.bytes) differ(what, step);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < 1) return 0;
  SrtpProfile profile = kDefaultSrtpProfiles[data[0] % 4];
  // tx side (A) and rx side (B), each on both backends.
  auto a_fast = make(profile, false, false), a_lib = make(profile, false, true);
  auto b_fast = make(profile, true, false), b_lib = make(profile, true, true);

  auto protect_rtp = [](SrtpEngine &e, uint8_t *b, std::size_t l, std::size_t c) { return e.protect_rtp(b, l, c); };
  auto protect_rtcp = [](SrtpEngine &e, uint8_t *b, std::size_t l, std::size_t c) { return e.protect_rtcp(b, l, c); };
  auto unprotect_rtp = [](SrtpEngine &e, uint8_t *b, std::size_t l, std::size_t) { return e.unprotect_rtp(b, l); };
  auto unprotect_rtcp = [](SrtpEngine &e, uint8_t *b, std::size_t l, std::size_t) { return e.unprotect_rtcp(b, l); };

  Reader in{data + 1, size - 1};
  for (std::size_t step = 0; step < 64; ++step) {
    int op = in.byte();
    int len = in.byte();
    if (op < 0 || len < 0) break;
    const uint8_t *bytes;
    if (!in.take(static_cast<std::size_t>(len), &bytes)) break;
    std::vector<uint8_t> packet(bytes, bytes + len);
    bool rtcp = op & 1;
    if ((op & 2) == 0) {
      // Protect on A, then deliver to B: both backends agree, and B gets the
      // original back.
      std::size_t room = 64;
      Outcome f = run(*a_fast, packet, room, rtcp ? +protect_rtcp : +protect_rtp);
      Outcome l = run(*a_lib, packet, room, rtcp ? +protect_rtcp : +protect_rtp);
      compare(f, l, rtcp ? "protect_rtcp" : "protect_rtp", step);
      if (!f.ok || (op & 4)) continue;  // op bit 2: packet lost on the way
      if (op & 8) f.bytes[f.bytes.size() / 2] ^= 0x01;  // bit flipped on the way
      Outcome uf = run(*b_fast, f.bytes, 0, rtcp ? +unprotect_rtcp : +unprotect_rtp);
      Outcome ul = run(*b_lib, f.bytes, 0, rtcp ? +unprotect_rtcp : +unprotect_rtp);
      compare(uf, ul, rtcp ? "unprotect_rtcp (loop)" : "unprotect_rtp (loop)", step);
      if (!(op & 8) && (!uf.ok || uf.bytes != packet)) {
        // A replay of an earlier identical packet may be refused; anything
        // else must come back intact.
        if (uf.ok) differ("round trip changed the packet", step);
      }
    } else {
      // Arbitrary bytes from the network on B.
      Outcome uf = run(*b_fast, packet, 0, rtcp ? +unprotect_rtcp : +unprotect_rtp);
      Outcome ul = run(*b_lib, packet, 0, rtcp ? +unprotect_rtcp : +unprotect_rtp);
      compare(uf, ul, rtcp ? "unprotect_rtcp (raw)" : "unprotect_rtp (raw)", step);
    }
  }
  return 0;
}
