// gst-rtc-jsep: the sans-IO JSEP core on the command line.
//
//   gst-rtc-jsep demo                         two in-process peers negotiate; prints both SDPs
//   gst-rtc-jsep offer [--audio] [--video] [--data]    our offer on stdout
//   gst-rtc-jsep answer < offer.sdp           our answer to a remote offer on stdout
//   gst-rtc-jsep check-answer OFFER < answer  apply OFFER as ours and the answer as remote
//
// `check-answer` expects OFFER to be what `offer` printed. Errors go to stderr with exit status 1.
// Used by the SDP interop tests against webrtcbin and aiortc, and as the
// demo until rtcpeerbin carries a real call.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "jsep.h"
#include "sdp.h"

using namespace gst_rtc::jsep;

namespace {

std::string random_chars(std::size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> bytes(n);
  RAND_bytes(bytes.data(), static_cast<int>(n));
  std::string out;
  for (unsigned char b : bytes) out += alphabet[b % 64];
  return out;
}

std::string random_digits(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  RAND_bytes(bytes.data(), static_cast<int>(n));
  std::string out;
  for (unsigned char b : bytes) out += static_cast<char>('0' + b % 10);
  if (out[0] == '0') out[0] = '1';
  return out;
}

// A SHA-256 fingerprint of fresh random bytes: the tool negotiates SDP only,
// no DTLS handshake ever runs against it, so no certificate is needed.
Fingerprint random_fingerprint() {
  unsigned char seed[32], digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  RAND_bytes(seed, sizeof seed);
  EVP_Digest(seed, sizeof seed, digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  char buf[4];
  for (unsigned int i = 0; i < len; i++) {
    std::snprintf(buf, sizeof buf, i ? ":%02X" : "%02X", digest[i]);
    hex += buf;
  }
  return {"sha-256", hex};
}

Configuration fresh_configuration() {
  Configuration c;
  c.session_id = random_digits(18);
  c.ice = {random_chars(8), random_chars(24)};
  c.fingerprints = {random_fingerprint()};
  return c;
}

std::uint32_t random_ssrc() {
  std::uint32_t v = 0;
  RAND_bytes(reinterpret_cast<unsigned char *>(&v), sizeof v);
  return v ? v : 1;
}

Transceiver make_transceiver(const std::string &kind, const std::string &cname) {
  Transceiver t;
  t.kind = kind;
  t.codecs = default_codecs(kind);
  t.header_extensions = default_header_extensions(kind);
  t.stream_id = "gst-rtc";
  t.track_id = kind + "-" + random_chars(6);
  t.cname = cname;
  t.send_ssrcs = {random_ssrc()};
  if (kind == "video") t.send_ssrcs.push_back(random_ssrc());
  return t;
}

struct Wanted {
  bool audio = false, video = false, data = false;
};

void setup_offerer(Session &s, const Wanted &w) {
  std::string cname = random_chars(16);
  if (w.audio) s.add_transceiver(make_transceiver("audio", cname));
  if (w.video) s.add_transceiver(make_transceiver("video", cname));
  if (w.data) s.request_data_channel();
}

std::string read_all(std::istream &in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int fail(const char *what, const Error &e) {
  std::cerr << "gst-rtc-jsep: " << what << ": " << e.describe() << "\n";
  return 1;
}

std::string codec_text(const Codec &c) {
  std::string s = c.name + "/" + std::to_string(c.clock_rate);
  if (c.channels) s += "/" + std::to_string(*c.channels);
  return s + " pt " + std::to_string(c.payload_type);
}

// One line per m-line and transport: what a user of the call would see.
void print_plan(std::ostream &out, const Session &s, const Plan &plan) {
  for (const auto &m : plan.media) {
    const Transceiver &t = s.transceivers().at(m.transceiver);
    out << "mid " << m.mid << " " << t.kind << " " << to_string(m.direction);
    if (m.stopped) out << " stopped";
    for (const auto &c : m.codecs)
      if (c.name != "rtx") out << " " << codec_text(c);
    out << "\n";
  }
  if (plan.data)
    out << "mid " << plan.data->mid << " data sctp-port " << plan.data->local_sctp_port << " -> "
        << (plan.data->remote_sctp_port ? std::to_string(*plan.data->remote_sctp_port) : "?") << "\n";
  for (const auto &tp : plan.transports) {
    out << "transport " << tp.mid << " ice " << (tp.ice_controlling ? "controlling" : "controlled");
    if (tp.dtls_role) out << " dtls " << (*tp.dtls_role == DtlsRole::Client ? "client" : "server");
    out << " carries";
    for (const auto &mid : tp.mids) out << " " << mid;
    out << "\n";
  }
}

Wanted wanted_from_args(int argc, char **argv, int first) {
  Wanted w;
  for (int i = first; i < argc; i++) {
    if (!std::strcmp(argv[i], "--audio")) w.audio = true;
    if (!std::strcmp(argv[i], "--video")) w.video = true;
    if (!std::strcmp(argv[i], "--data")) w.data = true;
  }
  if (!w.audio && !w.video && !w.data) w = {true, true, true};
  return w;
}

// A remote offer of ours (from `offer`) carries its own shape: rebuild a
// session with the same transceivers so the answer can be checked against it.
Wanted wanted_from_sdp(const SessionDescription &sdp) {
  Wanted w;
  for (const auto &m : sdp.media) {
    if (m.media == "audio") w.audio = true;
    if (m.media == "video") w.video = true;
    if (m.is_data_channel()) w.data = true;
  }
  return w;
}

int cmd_offer(const Wanted &w) {
  Session s(fresh_configuration());
  setup_offerer(s, w);
  auto offer = s.create_offer();
  if (!offer) return fail("create-offer", offer.error());
  std::cout << serialize_sdp(*offer);
  return 0;
}

int cmd_answer() {
  auto offer = parse_sdp(read_all(std::cin));
  if (!offer) return fail("parsing the offer", offer.error());
  Session s(fresh_configuration());
  auto plan = s.set_remote_description(SdpType::Offer, *offer);
  if (!plan) return fail("set-remote-description(offer)", plan.error());
  // Answer with what a sending peer would: make the remote-created
  // transceivers sendrecv so directions are negotiated, not just accepted.
  for (auto &t : s.transceivers()) t.direction = Direction::SendRecv;
  auto answer = s.create_answer();
  if (!answer) return fail("create-answer", answer.error());
  auto applied = s.set_local_description(SdpType::Answer, *answer);
  if (!applied) return fail("set-local-description(answer)", applied.error());
  std::cout << serialize_sdp(*answer);
  return 0;
}

// The tool is stateless between runs, so `check-answer` rebuilds the offerer
// that printed OFFER: the same ICE credentials, fingerprint and session id,
// the same kinds of m-lines. The core only applies offers it created itself,
// so it creates the offer again and checks that it has OFFER's shape (mids,
// kinds, payload types) before applying the answer to it.
int cmd_check_answer(const char *offer_path) {
  std::ifstream f(offer_path, std::ios::binary);
  if (!f) {
    std::cerr << "gst-rtc-jsep: cannot read " << offer_path << "\n";
    return 1;
  }
  auto offer = parse_sdp(read_all(f));
  if (!offer) return fail("parsing our offer", offer.error());
  auto answer = parse_sdp(read_all(std::cin));
  if (!answer) return fail("parsing the answer", answer.error());

  Configuration c = fresh_configuration();
  c.session_id = offer->origin.session_id;
  const CommonAttributes *transport = &offer->attrs;
  for (const auto &m : offer->media)
    if (m.attrs.ice_ufrag) {
      transport = &m.attrs;
      break;
    }
  if (transport->ice_ufrag) c.ice = {*transport->ice_ufrag, transport->ice_pwd.value_or("")};
  if (!transport->fingerprints.empty()) c.fingerprints = transport->fingerprints;
  else if (!offer->attrs.fingerprints.empty()) c.fingerprints = offer->attrs.fingerprints;

  Session s(c);
  setup_offerer(s, wanted_from_sdp(*offer));
  auto recreated = s.create_offer();
  if (!recreated) return fail("create-offer", recreated.error());
  if (recreated->media.size() != offer->media.size()) {
    std::cerr << "gst-rtc-jsep: " << offer_path << " is not an offer this tool made\n";
    return 1;
  }
  for (std::size_t i = 0; i < offer->media.size(); i++) {
    const auto &a = offer->media[i], &b = recreated->media[i];
    if (a.media != b.media || a.mid != b.mid || a.formats != b.formats) {
      std::cerr << "gst-rtc-jsep: m-line " << i << " of " << offer_path << " differs from what this tool offers\n";
      return 1;
    }
  }
  auto local = s.set_local_description(SdpType::Offer, *recreated);
  if (!local) return fail("set-local-description(offer)", local.error());
  auto plan = s.set_remote_description(SdpType::Answer, *answer);
  if (!plan) return fail("set-remote-description(answer)", plan.error());
  std::cout << "ok\n";
  print_plan(std::cout, s, *plan);
  return 0;
}

int cmd_demo() {
  Session alice(fresh_configuration()), bob(fresh_configuration());
  setup_offerer(alice, {true, true, true});

  auto offer = alice.create_offer();
  if (!offer) return fail("alice create-offer", offer.error());
  auto a1 = alice.set_local_description(SdpType::Offer, *offer);
  if (!a1) return fail("alice set-local-description", a1.error());
  std::string offer_text = serialize_sdp(*offer);

  // Bob receives the text, as over a real signalling channel.
  auto received = parse_sdp(offer_text);
  if (!received) return fail("bob parsing the offer", received.error());
  auto b1 = bob.set_remote_description(SdpType::Offer, *received);
  if (!b1) return fail("bob set-remote-description", b1.error());
  for (auto &t : bob.transceivers()) t.direction = Direction::SendRecv;
  auto answer = bob.create_answer();
  if (!answer) return fail("bob create-answer", answer.error());
  auto b2 = bob.set_local_description(SdpType::Answer, *answer);
  if (!b2) return fail("bob set-local-description", b2.error());
  std::string answer_text = serialize_sdp(*answer);

  auto answer_received = parse_sdp(answer_text);
  if (!answer_received) return fail("alice parsing the answer", answer_received.error());
  auto a2 = alice.set_remote_description(SdpType::Answer, *answer_received);
  if (!a2) return fail("alice set-remote-description", a2.error());

  std::cout << "=== alice's offer ===\n" << offer_text << "\n=== bob's answer ===\n" << answer_text;
  std::cout << "\n=== negotiated, as alice sees it (signaling-state " << to_string(alice.signaling_state())
            << ") ===\n";
  print_plan(std::cout, alice, *a2);
  std::cout << "\n=== negotiated, as bob sees it (signaling-state " << to_string(bob.signaling_state())
            << ") ===\n";
  print_plan(std::cout, bob, *b2);
  std::cout << "\nThis demo negotiates SDP only; media flows once rtcpeerbin lands (see README).\n";
  return 0;
}

void usage() {
  std::cerr << "usage: gst-rtc-jsep demo | offer [--audio] [--video] [--data] | answer < OFFER | "
               "check-answer OFFER < ANSWER\n";
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "demo") return cmd_demo();
  if (cmd == "offer") return cmd_offer(wanted_from_args(argc, argv, 2));
  if (cmd == "answer") return cmd_answer();
  if (cmd == "check-answer" && argc == 3) return cmd_check_answer(argv[2]);
  usage();
  return 2;
}
