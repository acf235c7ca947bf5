// Shared fixtures for the JSEP engine tests: configurations, transceivers
// and a back-to-back offer/answer between two Sessions.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "jsep-private.h"
#include "jsep.h"
#include "sdp.h"

namespace jsep_test {

using namespace gst_rtc::jsep;

inline const char *kFingerprintA =
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
inline const char *kFingerprintB =
    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";

inline Configuration config_a(BundlePolicy policy = BundlePolicy::MaxBundle) {
  Configuration c;
  c.bundle_policy = policy;
  c.session_id = "1111111111";
  c.ice = {"aAaA", "aaaaaaaaaaaaaaaaaaaaaaaa"};
  c.fingerprints = {{"sha-256", kFingerprintA}};
  return c;
}

inline Configuration config_b(BundlePolicy policy = BundlePolicy::MaxBundle) {
  Configuration c;
  c.bundle_policy = policy;
  c.session_id = "2222222222";
  c.ice = {"bBbB", "bbbbbbbbbbbbbbbbbbbbbbbb"};
  c.fingerprints = {{"sha-256", kFingerprintB}};
  return c;
}

inline Transceiver make_transceiver(const std::string &kind, Direction dir = Direction::SendRecv) {
  Transceiver t;
  t.kind = kind;
  t.direction = dir;
  return t;
}

// A sending transceiver with msid and SSRCs, as rtcpeerbin sets them.
inline Transceiver sending(const std::string &kind, std::uint32_t ssrc) {
  Transceiver t = make_transceiver(kind);
  t.stream_id = "stream";
  t.track_id = kind + "-track";
  t.cname = "cname-" + kind;
  t.send_ssrcs = {ssrc, ssrc + 1};
  return t;
}

// Serialize and parse again, so every exchange also crosses the wire.
inline SessionDescription wire(const SessionDescription &sdp) {
  auto text = serialize_sdp(sdp);
  auto parsed = parse_sdp(text);
  EXPECT_TRUE(parsed.ok()) << parsed.error().describe() << "\n" << text;
  return parsed.ok() ? *parsed : sdp;
}

struct Exchange {
  SessionDescription offer, answer;
  Plan offerer_local, answerer_remote, answerer_local, offerer_remote;
};

// a offers, b answers, both through text. Fails the test on any error.
inline Exchange negotiate(Session &a, Session &b) {
  Exchange x;
  auto offer = a.create_offer();
  EXPECT_TRUE(offer.ok()) << offer.error().describe();
  if (!offer) return x;
  x.offer = *offer;
  auto p1 = a.set_local_description(SdpType::Offer, x.offer);
  EXPECT_TRUE(p1.ok()) << p1.error().describe();
  auto p2 = b.set_remote_description(SdpType::Offer, wire(x.offer));
  EXPECT_TRUE(p2.ok()) << p2.error().describe();
  if (!p1 || !p2) return x;
  auto answer = b.create_answer();
  EXPECT_TRUE(answer.ok()) << answer.error().describe();
  if (!answer) return x;
  x.answer = *answer;
  auto p3 = b.set_local_description(SdpType::Answer, x.answer);
  EXPECT_TRUE(p3.ok()) << p3.error().describe();
  auto p4 = a.set_remote_description(SdpType::Answer, wire(x.answer));
  EXPECT_TRUE(p4.ok()) << p4.error().describe();
  if (!p3 || !p4) return x;
  x.offerer_local = *p1;
  x.answerer_remote = *p2;
  x.answerer_local = *p3;
  x.offerer_remote = *p4;
  return x;
}

inline const RtpMap *rtpmap_named(const MediaDescription &m, const std::string &name) {
  for (const auto &r : m.rtpmaps)
    if (gst_rtc::jsep::detail::iequals(r.encoding, name)) return &r;
  return nullptr;
}

inline std::string fmtp_of(const MediaDescription &m, int pt) {
  const Fmtp *f = m.find_fmtp(pt);
  return f ? f->parameters : std::string();
}

inline std::optional<int> apt_of(const MediaDescription &m, int rtx_pt) {
  for (const auto &[k, v] : parse_fmtp_parameters(fmtp_of(m, rtx_pt)))
    if (k == "apt") return std::stoi(v);
  return std::nullopt;
}

inline bool has_format(const MediaDescription &m, int pt) {
  return std::find(m.formats.begin(), m.formats.end(), std::to_string(pt)) != m.formats.end();
}

inline bool has_attr(const MediaDescription &m, const std::string &name) {
  return std::any_of(m.attrs.other.begin(), m.attrs.other.end(),
                     [&](const Attribute &a) { return a.name == name; });
}

// A minimal valid remote offer with one m-line per kind, built as a model so
// tests can break one thing at a time.
inline SessionDescription remote_offer(const std::vector<std::string> &kinds) {
  SessionDescription sdp;
  sdp.origin.session_id = "9999";
  Group bundle{"BUNDLE", {}};
  for (std::size_t i = 0; i < kinds.size(); i++) {
    MediaDescription m;
    m.media = kinds[i];
    m.port = 9;
    m.connection = Connection{};
    m.mid = "m" + std::to_string(i);
    m.attrs.ice_ufrag = "rEmO";
    m.attrs.ice_pwd = "remoteremoteremoteremote";
    m.attrs.ice_options = {"trickle"};
    m.attrs.fingerprints = {{"sha-256", kFingerprintB}};
    m.attrs.setup = Setup::ActPass;
    m.attrs.direction = Direction::SendRecv;
    if (kinds[i] == "application") {
      m.proto = "UDP/DTLS/SCTP";
      m.formats = {"webrtc-datachannel"};
      m.sctp_port = 5000;
    } else {
      m.proto = "UDP/TLS/RTP/SAVPF";
      m.rtcp_mux = true;
      if (kinds[i] == "audio") {
        m.formats = {"111"};
        m.rtpmaps = {{111, "opus", 48000, 2}};
      } else {
        m.formats = {"96", "97"};
        m.rtpmaps = {{96, "VP8", 90000, std::nullopt}, {97, "rtx", 90000, std::nullopt}};
        m.fmtps = {{97, "apt=96"}};
        m.rtcp_fbs = {{96, "nack", ""}, {96, "nack", "pli"}};
      }
    }
    bundle.mids.push_back(*m.mid);
    sdp.media.push_back(std::move(m));
  }
  sdp.groups.push_back(bundle);
  return sdp;
}

}  // namespace jsep_test
