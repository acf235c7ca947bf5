// libFuzzer target: what a transport receives from the network, through the
// RFC 7983 demultiplexer into the DTLS engine (a server mid-handshake) or
// the SRTP engine (SRTP and SRTCP unprotect with fixed keys, every profile).
// No crash, leak or sanitizer report; every failure is a counted drop.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "certificate.h"
#include "dtls-engine.h"
#include "srtp-engine.h"

using namespace gst_rtc::dtls;

namespace {

const Certificate &certificate() {
  static Certificate cert = Certificate::generate().value();
  return cert;
}

SrtpKeys keys_for(SrtpProfile profile) {
  SrtpKeys k;
  k.profile = profile;
  k.local_key.assign(srtp_key_length(profile), 0x11);
  k.local_salt.assign(srtp_salt_length(profile), 0x22);
  k.remote_key.assign(srtp_key_length(profile), 0x33);
  k.remote_salt.assign(srtp_salt_length(profile), 0x44);
  return k;
}

// 0..3: libsrtp2, 4..7: the OpenSSL transform, one per profile.
SrtpEngine &srtp(std::size_t which) {
  static std::unique_ptr<SrtpEngine> engines[8];
  if (!engines[which]) {
    SrtpKeys keys = keys_for(kDefaultSrtpProfiles[which % 4]);
    engines[which] = (which < 4 ? SrtpEngine::create(keys) : SrtpEngine::create(srtp_config_for(keys))).value();
  }
  return *engines[which];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the SRTP profile and backend; the rest is one datagram.
  std::size_t profile = data[0] % 8;
  std::vector<std::uint8_t> packet(data + 1, data + size);
  if (packet.empty()) return 0;

  switch (classify(packet)) {
    case PacketKind::Rtp:
      (void)srtp(profile).unprotect_rtp(packet.data(), packet.size());
      break;
    case PacketKind::Rtcp:
      (void)srtp(profile).unprotect_rtcp(packet.data(), packet.size());
      break;
    case PacketKind::Dtls: {
      DtlsConfig config;
      config.role = (data[0] & 0x80) ? DtlsRole::Client : DtlsRole::Server;
      config.remote_fingerprints = {{"sha-256", certificate().fingerprint().value()}};
      auto engine = DtlsEngine::create(certificate(), config);
      if (!engine) __builtin_trap();
      auto now = DtlsEngine::Clock::time_point{} + std::chrono::seconds(1);
      if (config.role == DtlsRole::Client) (void)(*engine)->start(now);
      (*engine)->feed(packet.data(), packet.size(), now);
      while ((*engine)->poll_output()) {
      }
      (*engine)->handle_timeout(now + std::chrono::seconds(5));
      break;
    }
    case PacketKind::Stun:
    case PacketKind::Other:
      break;
  }
  return 0;
}
