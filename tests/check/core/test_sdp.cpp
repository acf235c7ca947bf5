// Unit tests for the strict SDP parser/serializer of the sans-IO JSEP core.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sdp.h"

using namespace gst_rtc::jsep;

namespace {

constexpr const char *kFp =
    "D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F";

std::string join_crlf(std::initializer_list<std::string> lines) {
  std::string out;
  for (const auto &l : lines) out += l + "\r\n";
  return out;
}

// Minimal valid description with one audio section; `extra_session` and
// `extra_media` lines are spliced in at the end of each level.
std::string minimal(std::initializer_list<std::string> extra_session = {},
                    std::initializer_list<std::string> extra_media = {}) {
  std::string out = join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"});
  for (const auto &l : extra_session) out += l + "\r\n";
  out += join_crlf(
      {"m=audio 9 UDP/TLS/RTP/SAVPF 111 0", "c=IN IP4 0.0.0.0", "a=mid:0", "a=rtpmap:111 opus/48000/2"});
  for (const auto &l : extra_media) out += l + "\r\n";
  return out;
}

// Chrome-shaped offer: audio + video + data channel, BUNDLE, non-trickled
// candidates in the first section.
const std::string kChromeOffer = join_crlf({
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1 2",
    "a=extmap-allow-mixed",
    "a=msid-semantic: WMS 5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=candidate:3798123463 1 udp 2122260223 b9e4f2a8-8e0b-4f7b-9c2e-7f0c3d1a2b4c.local 54321 typ host "
    "generation 0 network-id 1 network-cost 10",
    "a=candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0 generation 0 "
    "network-id 1 network-cost 10",
    "a=ice-ufrag:Vx4R",
    "a=ice-pwd:0dWlFxpFSJW3lPnsOWpV6Tz2",
    "a=ice-options:trickle",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=setup:actpass",
    "a=mid:0",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=sendrecv",
    "a=msid:5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd 3c2a8a4e-95c3-4a4f-8d7e-1d2b6c0a9e11",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:13 CN/8000",
    "a=rtpmap:110 telephone-event/48000",
    "a=rtpmap:126 telephone-event/8000",
    "a=ssrc:3411286342 cname:bVmWsvZ4cmJ0V6ZP",
    "a=ssrc:3411286342 msid:5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd 3c2a8a4e-95c3-4a4f-8d7e-1d2b6c0a9e11",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Vx4R",
    "a=ice-pwd:0dWlFxpFSJW3lPnsOWpV6Tz2",
    "a=ice-options:trickle",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=setup:actpass",
    "a=mid:1",
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:13 urn:3gpp:video-orientation",
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
    "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
    "a=sendrecv",
    "a=msid:5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd 9f1e7c3a-2b4d-4e6f-8a0b-c1d2e3f4a5b6",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=rtpmap:96 VP8/90000",
    "a=rtcp-fb:96 goog-remb",
    "a=rtcp-fb:96 transport-cc",
    "a=rtcp-fb:96 ccm fir",
    "a=rtcp-fb:96 nack",
    "a=rtcp-fb:96 nack pli",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "a=rtpmap:102 H264/90000",
    "a=rtcp-fb:102 goog-remb",
    "a=rtcp-fb:102 transport-cc",
    "a=rtcp-fb:102 ccm fir",
    "a=rtcp-fb:102 nack",
    "a=rtcp-fb:102 nack pli",
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
    "a=rtpmap:103 rtx/90000",
    "a=fmtp:103 apt=102",
    "a=rtpmap:45 AV1/90000",
    "a=rtcp-fb:45 goog-remb",
    "a=rtcp-fb:45 transport-cc",
    "a=rtcp-fb:45 ccm fir",
    "a=rtcp-fb:45 nack",
    "a=rtcp-fb:45 nack pli",
    "a=fmtp:45 level-idx=5;profile=0;tier=0",
    "a=rtpmap:46 rtx/90000",
    "a=fmtp:46 apt=45",
    "a=ssrc-group:FID 2231627014 632943048",
    "a=ssrc:2231627014 cname:bVmWsvZ4cmJ0V6ZP",
    "a=ssrc:2231627014 msid:5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd 9f1e7c3a-2b4d-4e6f-8a0b-c1d2e3f4a5b6",
    "a=ssrc:632943048 cname:bVmWsvZ4cmJ0V6ZP",
    "a=ssrc:632943048 msid:5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd 9f1e7c3a-2b4d-4e6f-8a0b-c1d2e3f4a5b6",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    "a=ice-ufrag:Vx4R",
    "a=ice-pwd:0dWlFxpFSJW3lPnsOWpV6Tz2",
    "a=ice-options:trickle",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=setup:actpass",
    "a=mid:2",
    "a=sctp-port:5000",
    "a=max-message-size:262144",
});

// Firefox-shaped offer: session-level fingerprint and ice-options, extmap
// directions, three simulcast layers, trickled TCP candidate.
const std::string kFirefoxOffer = join_crlf({
    "v=0",
    "o=mozilla...THIS_IS_SDPARTA-99.0 3286547183735064378 0 IN IP4 0.0.0.0",
    "s=-",
    "t=0 0",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=group:BUNDLE 0 1 2",
    "a=ice-options:trickle",
    "a=msid-semantic:WMS *",
    "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101",
    "c=IN IP4 0.0.0.0",
    "a=candidate:0 1 UDP 2122252543 0f6b1c4e-2d7a-4c55-9e7b-3a1f0d8c6b42.local 49203 typ host",
    "a=candidate:1 1 TCP 2105524479 0f6b1c4e-2d7a-4c55-9e7b-3a1f0d8c6b42.local 9 typ host tcptype active",
    "a=sendrecv",
    "a=end-of-candidates",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level",
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1",
    "a=fmtp:101 0-15",
    "a=ice-pwd:e6d3b6c2f1c1f0f45b5a4c1b1f1e2d3c",
    "a=ice-ufrag:9a4b2c1d",
    "a=mid:0",
    "a=msid:{7d9c1e52-6a3b-4f0e-9d21-5c8b7a6e4f30} {b3a1c2d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}",
    "a=rtcp-mux",
    "a=rtpmap:109 opus/48000/2",
    "a=rtpmap:9 G722/8000/1",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=setup:actpass",
    "a=ssrc:2655508255 cname:{6f2e8d1c-3b4a-4c5d-9e8f-7a6b5c4d3e2f}",
    "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98",
    "c=IN IP4 0.0.0.0",
    "a=sendonly",
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:5 urn:ietf:params:rtp-hdrext:toffset",
    "a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
    "a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:8/sendonly urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
    "a=extmap:9/sendonly urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
    "a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1",
    "a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1",
    "a=fmtp:120 max-fs=12288;max-fr=60",
    "a=fmtp:124 apt=120",
    "a=fmtp:121 max-fs=12288;max-fr=60",
    "a=fmtp:125 apt=121",
    "a=fmtp:127 apt=126",
    "a=fmtp:98 apt=97",
    "a=ice-pwd:e6d3b6c2f1c1f0f45b5a4c1b1f1e2d3c",
    "a=ice-ufrag:9a4b2c1d",
    "a=mid:1",
    "a=msid:{7d9c1e52-6a3b-4f0e-9d21-5c8b7a6e4f30} {0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}",
    "a=rid:a send",
    "a=rid:b send",
    "a=rid:c send",
    "a=rtcp-fb:120 nack",
    "a=rtcp-fb:120 nack pli",
    "a=rtcp-fb:120 ccm fir",
    "a=rtcp-fb:120 goog-remb",
    "a=rtcp-fb:120 transport-cc",
    "a=rtcp-fb:121 nack",
    "a=rtcp-fb:121 nack pli",
    "a=rtcp-fb:121 ccm fir",
    "a=rtcp-fb:126 nack",
    "a=rtcp-fb:126 nack pli",
    "a=rtcp-fb:97 nack",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=rtpmap:120 VP8/90000",
    "a=rtpmap:124 rtx/90000",
    "a=rtpmap:121 VP9/90000",
    "a=rtpmap:125 rtx/90000",
    "a=rtpmap:126 H264/90000",
    "a=rtpmap:127 rtx/90000",
    "a=rtpmap:97 H264/90000",
    "a=rtpmap:98 rtx/90000",
    "a=setup:actpass",
    "a=simulcast:send a;b;c",
    "a=ssrc:3229706345 cname:{6f2e8d1c-3b4a-4c5d-9e8f-7a6b5c4d3e2f}",
    "a=ssrc:1209112453 cname:{6f2e8d1c-3b4a-4c5d-9e8f-7a6b5c4d3e2f}",
    "a=ssrc-group:FID 3229706345 1209112453",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    "a=sendrecv",
    "a=ice-pwd:e6d3b6c2f1c1f0f45b5a4c1b1f1e2d3c",
    "a=ice-ufrag:9a4b2c1d",
    "a=mid:2",
    "a=setup:actpass",
    "a=sctp-port:5000",
    "a=max-message-size:1073741823",
});

// Safari-shaped offer (H.264 first, Chrome-like attribute set).
const std::string kSafariOffer = join_crlf({
    "v=0",
    "o=- 8047312012305823418 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1",
    "a=extmap-allow-mixed",
    "a=msid-semantic: WMS",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:q8Wz",
    "a=ice-pwd:XyZ0aBcDeFgHiJkLmNoPqRsT",
    "a=ice-options:trickle",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=setup:actpass",
    "a=mid:0",
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=recvonly",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=rtpmap:96 H264/90000",
    "a=rtcp-fb:96 goog-remb",
    "a=rtcp-fb:96 transport-cc",
    "a=rtcp-fb:96 ccm fir",
    "a=rtcp-fb:96 nack",
    "a=rtcp-fb:96 nack pli",
    "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "a=rtpmap:98 H264/90000",
    "a=rtcp-fb:98 nack pli",
    "a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    "a=rtpmap:99 rtx/90000",
    "a=fmtp:99 apt=98",
    "a=rtpmap:100 VP8/90000",
    "a=rtcp-fb:100 nack pli",
    "a=rtpmap:101 rtx/90000",
    "a=fmtp:101 apt=100",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:q8Wz",
    "a=ice-pwd:XyZ0aBcDeFgHiJkLmNoPqRsT",
    "a=ice-options:trickle",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=setup:actpass",
    "a=mid:1",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "a=sendonly",
    "a=msid:- 6c1a3b2d-9e8f-4a7b-b6c5-d4e3f2a1b0c9",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:0 PCMU/8000",
    "a=ssrc:1092348765 cname:Yt3hQk9PzLm2Wv5x",
    "a=ssrc:1092348765 msid:- 6c1a3b2d-9e8f-4a7b-b6c5-d4e3f2a1b0c9",
});

// webrtcbin-shaped offer: string mids, rtcp-fb before fmtp, unknown
// a=framerate, msid ids containing '@', inactive data section.
const std::string kWebrtcbinOffer = join_crlf({
    "v=0",
    "o=- 7315482919187493417 0 IN IP4 0.0.0.0",
    "s=-",
    "t=0 0",
    "a=ice-options:trickle",
    "a=group:BUNDLE video0 audio1 application2",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
    "c=IN IP4 0.0.0.0",
    "a=setup:actpass",
    "a=ice-ufrag:Zx9bQ2pLmN3kR7tWZx9bQ2pLmN3kR7tW",
    "a=ice-pwd:f0XbG7uQ9nM2hK5sJ8dL1aP4cV6yE3rT",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=sendrecv",
    "a=rtpmap:96 VP8/90000",
    "a=rtcp-fb:96 nack",
    "a=rtcp-fb:96 nack pli",
    "a=framerate:30",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "a=ssrc-group:FID 1953216349 3264710022",
    "a=ssrc:1953216349 msid:user3829146730@host-3ec9a5e1 webrtctransceiver0",
    "a=ssrc:1953216349 cname:user3829146730@host-3ec9a5e1",
    "a=ssrc:3264710022 msid:user3829146730@host-3ec9a5e1 webrtctransceiver0",
    "a=ssrc:3264710022 cname:user3829146730@host-3ec9a5e1",
    "a=mid:video0",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "a=msid:user3829146730@host-3ec9a5e1 webrtctransceiver0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "c=IN IP4 0.0.0.0",
    "a=setup:actpass",
    "a=ice-ufrag:Zx9bQ2pLmN3kR7tWZx9bQ2pLmN3kR7tW",
    "a=ice-pwd:f0XbG7uQ9nM2hK5sJ8dL1aP4cV6yE3rT",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=recvonly",
    "a=rtpmap:111 OPUS/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 sprop-maxcapturerate=48000;sprop-stereo=0",
    "a=mid:audio1",
    std::string("a=fingerprint:sha-256 ") + kFp,
    "m=application 0 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    "a=setup:actpass",
    "a=ice-ufrag:Zx9bQ2pLmN3kR7tWZx9bQ2pLmN3kR7tW",
    "a=ice-pwd:f0XbG7uQ9nM2hK5sJ8dL1aP4cV6yE3rT",
    "a=bundle-only",
    "a=mid:application2",
    "a=sctp-port:5000",
    std::string("a=fingerprint:sha-256 ") + kFp,
});

SessionDescription parse_ok(const std::string &text) {
  auto r = parse_sdp(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? r.value() : SessionDescription{};
}

// Asserts the parse fails on `line` with a message containing `needle`.
void expect_error(const std::string &text, std::size_t line, std::string_view needle) {
  auto r = parse_sdp(text);
  ASSERT_FALSE(r.ok()) << "parsed unexpectedly:\n" << text;
  EXPECT_EQ(r.error().code, ErrorCode::Syntax);
  EXPECT_EQ(r.error().line, line) << r.error().describe();
  EXPECT_NE(r.error().message.find(needle), std::string::npos)
      << "message \"" << r.error().message << "\" lacks \"" << needle << "\"";
}

// parse(serialize(parse(x))) == parse(x), and serialize is a fixed point.
void expect_round_trip(const std::string &text) {
  auto first = parse_sdp(text);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  std::string out = serialize_sdp(*first);
  auto second = parse_sdp(out);
  ASSERT_TRUE(second.ok()) << second.error().describe() << "\n" << out;
  EXPECT_TRUE(*first == *second) << "model changed through serialize:\n" << out;
  EXPECT_EQ(serialize_sdp(*second), out);
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

std::size_t index_of(const std::vector<std::string> &lines, std::string_view line) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i] == line) return i;
  ADD_FAILURE() << "line not found: " << line;
  return lines.size();
}

// ---------------------------------------------------------------------------
// Realistic browser descriptions

TEST(SdpChrome, SessionLevel) {
  auto sdp = parse_ok(kChromeOffer);
  EXPECT_EQ(sdp.origin.username, "-");
  EXPECT_EQ(sdp.origin.session_id, "4611731400430051336");
  EXPECT_EQ(sdp.origin.session_version, 2u);
  EXPECT_EQ(sdp.origin.address, "127.0.0.1");
  ASSERT_EQ(sdp.timings.size(), 1u);
  EXPECT_EQ(sdp.timings[0].start, 0u);
  ASSERT_NE(sdp.bundle_group(), nullptr);
  EXPECT_EQ(sdp.bundle_group()->mids, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_TRUE(sdp.msid_semantic);
  EXPECT_EQ(*sdp.msid_semantic, " WMS 5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd");
  EXPECT_TRUE(sdp.attrs.extmap_allow_mixed);
  EXPECT_TRUE(sdp.attrs.other.empty());
  ASSERT_EQ(sdp.media.size(), 3u);
}

TEST(SdpChrome, AudioSection) {
  auto sdp = parse_ok(kChromeOffer);
  const auto &a = sdp.media.at(0);
  EXPECT_EQ(a.media, "audio");
  EXPECT_EQ(a.port, 9);
  EXPECT_EQ(a.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(a.formats, (std::vector<std::string>{"111", "63", "9", "0", "8", "13", "110", "126"}));
  EXPECT_TRUE(a.is_rtp());
  EXPECT_FALSE(a.is_data_channel());
  ASSERT_TRUE(a.connection);
  EXPECT_EQ(a.connection->address, "0.0.0.0");
  EXPECT_EQ(a.rtcp, "9 IN IP4 0.0.0.0");
  EXPECT_EQ(a.attrs.ice_ufrag, "Vx4R");
  EXPECT_EQ(a.attrs.ice_pwd, "0dWlFxpFSJW3lPnsOWpV6Tz2");
  EXPECT_EQ(a.attrs.ice_options, (std::vector<std::string>{"trickle"}));
  ASSERT_EQ(a.attrs.fingerprints.size(), 1u);
  EXPECT_EQ(a.attrs.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(a.attrs.fingerprints[0].value, kFp);
  EXPECT_EQ(a.attrs.setup, Setup::ActPass);
  EXPECT_EQ(a.mid, "0");
  ASSERT_EQ(a.attrs.extmaps.size(), 4u);
  EXPECT_EQ(a.attrs.extmaps[3].id, 4);
  EXPECT_EQ(a.attrs.extmaps[3].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
  EXPECT_EQ(a.attrs.direction, Direction::SendRecv);
  ASSERT_EQ(a.msids.size(), 1u);
  EXPECT_EQ(a.msids[0].stream_id, "5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd");
  EXPECT_EQ(a.msids[0].track_id, "3c2a8a4e-95c3-4a4f-8d7e-1d2b6c0a9e11");
  EXPECT_TRUE(a.rtcp_mux);
  EXPECT_FALSE(a.rtcp_rsize);
  const RtpMap *opus = a.find_rtpmap(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->encoding, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2u);
  ASSERT_NE(a.find_fmtp(111), nullptr);
  EXPECT_EQ(a.find_fmtp(111)->parameters, "minptime=10;useinbandfec=1");
  EXPECT_EQ(a.find_rtpmap(0)->encoding, "PCMU");
  EXPECT_FALSE(a.find_rtpmap(0)->channels);
  ASSERT_EQ(a.rtcp_fbs.size(), 1u);
  EXPECT_EQ(a.rtcp_fbs[0].payload_type, 111);
  EXPECT_EQ(a.rtcp_fbs[0].type, "transport-cc");
  ASSERT_EQ(a.ssrcs.size(), 2u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 3411286342u);
  EXPECT_EQ(a.ssrcs[0].attribute, "cname");
  EXPECT_EQ(a.ssrcs[0].value, "bVmWsvZ4cmJ0V6ZP");
  EXPECT_EQ(a.ssrcs[1].attribute, "msid");
  EXPECT_EQ(a.ssrcs[1].value, "5yTZ1T1nKAvtMXTKFGGtawmR2SxuPHdEbPfd 3c2a8a4e-95c3-4a4f-8d7e-1d2b6c0a9e11");
}

TEST(SdpChrome, VideoSection) {
  auto sdp = parse_ok(kChromeOffer);
  const auto *v = sdp.find_media("1");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->media, "video");
  EXPECT_TRUE(v->rtcp_rsize);
  EXPECT_EQ(v->attrs.extmaps.size(), 8u);
  EXPECT_EQ(v->attrs.extmaps[0].id, 14);
  EXPECT_EQ(v->find_rtpmap(45)->encoding, "AV1");
  EXPECT_EQ(v->find_fmtp(97)->parameters, "apt=96");
  int fb96 = 0;
  for (const auto &fb : v->rtcp_fbs)
    if (fb.payload_type == 96) ++fb96;
  EXPECT_EQ(fb96, 5);
  ASSERT_EQ(v->ssrc_groups.size(), 1u);
  EXPECT_EQ(v->ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(v->ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{2231627014u, 632943048u}));
  EXPECT_EQ(v->ssrcs.size(), 4u);
}

TEST(SdpChrome, DataChannelSection) {
  auto sdp = parse_ok(kChromeOffer);
  const auto *d = sdp.find_media("2");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->is_data_channel());
  EXPECT_FALSE(d->is_rtp());
  EXPECT_EQ(d->formats, (std::vector<std::string>{"webrtc-datachannel"}));
  EXPECT_EQ(d->sctp_port, 5000);
  EXPECT_EQ(d->max_message_size, 262144u);
  EXPECT_FALSE(d->attrs.direction);
  EXPECT_EQ(d->effective_direction(), Direction::SendRecv);
}

TEST(SdpChrome, Candidates) {
  auto sdp = parse_ok(kChromeOffer);
  const auto &c = sdp.media.at(0).candidates;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_TRUE(c[0].is_mdns());
  EXPECT_EQ(c[0].port, 54321);
  EXPECT_EQ(c[0].type, CandidateType::Host);
  EXPECT_EQ(c[0].generation, 0u);
  EXPECT_EQ(c[0].extensions,
            (std::vector<std::pair<std::string, std::string>>{{"network-id", "1"}, {"network-cost", "10"}}));
  EXPECT_EQ(c[1].type, CandidateType::ServerReflexive);
  EXPECT_EQ(c[1].address, "203.0.113.7");
  EXPECT_EQ(c[1].related_address, "0.0.0.0");
  EXPECT_EQ(c[1].related_port, 0);
  EXPECT_TRUE(sdp.media[1].candidates.empty());
}

TEST(SdpChrome, RoundTrip) {
  expect_round_trip(kChromeOffer);
}

TEST(SdpFirefox, SessionLevelAttributes) {
  auto sdp = parse_ok(kFirefoxOffer);
  EXPECT_EQ(sdp.origin.username, "mozilla...THIS_IS_SDPARTA-99.0");
  EXPECT_EQ(sdp.origin.session_id, "3286547183735064378");
  ASSERT_EQ(sdp.attrs.fingerprints.size(), 1u);
  EXPECT_EQ(sdp.attrs.fingerprints[0].value, kFp);
  EXPECT_EQ(sdp.attrs.ice_options, (std::vector<std::string>{"trickle"}));
  EXPECT_EQ(sdp.msid_semantic, "WMS *");
  EXPECT_EQ(sdp.groups.at(0).semantics, "BUNDLE");
  EXPECT_TRUE(sdp.media[0].attrs.fingerprints.empty());
}

TEST(SdpFirefox, ExtmapDirections) {
  auto sdp = parse_ok(kFirefoxOffer);
  const auto &audio = sdp.media.at(0).attrs.extmaps;
  ASSERT_EQ(audio.size(), 3u);
  EXPECT_FALSE(audio[0].direction);
  EXPECT_EQ(audio[1].id, 2);
  EXPECT_EQ(audio[1].direction, Direction::RecvOnly);
  EXPECT_EQ(audio[1].uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  EXPECT_EQ(sdp.media.at(1).attrs.extmaps.at(5).direction, Direction::SendOnly);
}

TEST(SdpFirefox, SimulcastAndRids) {
  auto sdp = parse_ok(kFirefoxOffer);
  const auto &v = sdp.media.at(1);
  EXPECT_EQ(v.attrs.direction, Direction::SendOnly);
  ASSERT_EQ(v.rids.size(), 3u);
  EXPECT_EQ(v.rids[0].id, "a");
  EXPECT_TRUE(v.rids[2].send);
  ASSERT_TRUE(v.simulcast);
  EXPECT_TRUE(v.simulcast->send_first);
  ASSERT_EQ(v.simulcast->send.size(), 3u);
  EXPECT_EQ(v.simulcast->send[1].at(0).rid, "b");
  EXPECT_FALSE(v.simulcast->send[1].at(0).paused);
  EXPECT_TRUE(v.simulcast->recv.empty());
}

TEST(SdpFirefox, TrickleCandidatesAndEndOfCandidates) {
  auto sdp = parse_ok(kFirefoxOffer);
  const auto &a = sdp.media.at(0);
  ASSERT_EQ(a.candidates.size(), 2u);
  EXPECT_TRUE(a.candidates[1].is_tcp());
  EXPECT_EQ(a.candidates[1].port, 9);
  EXPECT_EQ(a.candidates[1].tcp_type, TcpType::Active);
  EXPECT_TRUE(a.end_of_candidates);
  EXPECT_EQ(sdp.media.at(2).max_message_size, 1073741823u);
}

TEST(SdpFirefox, RoundTrip) {
  expect_round_trip(kFirefoxOffer);
}

TEST(SdpSafari, ParsesAndRoundTrips) {
  auto sdp = parse_ok(kSafariOffer);
  EXPECT_EQ(sdp.msid_semantic, " WMS");
  ASSERT_EQ(sdp.media.size(), 2u);
  EXPECT_EQ(sdp.media[0].attrs.direction, Direction::RecvOnly);
  EXPECT_EQ(sdp.media[0].find_rtpmap(96)->encoding, "H264");
  EXPECT_EQ(sdp.media[0].find_fmtp(98)->parameters,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(sdp.media[1].msids.at(0).stream_id, "-");
  EXPECT_EQ(sdp.media[1].attrs.direction, Direction::SendOnly);
  expect_round_trip(kSafariOffer);
}

TEST(SdpWebrtcbin, ParsesAndRoundTrips) {
  auto sdp = parse_ok(kWebrtcbinOffer);
  EXPECT_EQ(sdp.bundle_group()->mids, (std::vector<std::string>{"video0", "audio1", "application2"}));
  const auto &v = sdp.media.at(0);
  EXPECT_EQ(v.mid, "video0");
  EXPECT_EQ(v.msids.at(0).stream_id, "user3829146730@host-3ec9a5e1");
  ASSERT_EQ(v.attrs.other.size(), 1u);
  EXPECT_EQ(v.attrs.other[0], (Attribute{"framerate", "30"}));
  EXPECT_EQ(sdp.media.at(1).find_rtpmap(111)->encoding, "OPUS");
  const auto &d = sdp.media.at(2);
  EXPECT_TRUE(d.is_rejected());
  EXPECT_EQ(d.attrs.other.at(0), (Attribute{"bundle-only", std::nullopt}));
  expect_round_trip(kWebrtcbinOffer);
}

TEST(SdpParse, SimulcastRecvWithRidRestrictions) {
  auto sdp = parse_ok(minimal({}, {"a=rid:f recv", "a=rid:h recv pt=111;max-width=640",
                                   "a=rid:q recv max-fps=15;depend=h", "a=simulcast:recv f;h,~q"}));
  const auto &m = sdp.media.at(0);
  ASSERT_EQ(m.rids.size(), 3u);
  EXPECT_FALSE(m.rids[1].send);
  EXPECT_EQ(m.rids[1].payload_types, (std::vector<int>{111}));
  EXPECT_EQ(m.rids[1].restrictions, (std::vector<std::pair<std::string, std::string>>{{"max-width", "640"}}));
  EXPECT_EQ(m.rids[2].restrictions.size(), 2u);
  ASSERT_TRUE(m.simulcast);
  EXPECT_FALSE(m.simulcast->send_first);
  EXPECT_TRUE(m.simulcast->send.empty());
  ASSERT_EQ(m.simulcast->recv.size(), 2u);
  ASSERT_EQ(m.simulcast->recv[1].size(), 2u);
  EXPECT_EQ(m.simulcast->recv[1][1].rid, "q");
  EXPECT_TRUE(m.simulcast->recv[1][1].paused);
  std::string out = serialize_sdp(sdp);
  EXPECT_NE(out.find("a=rid:h recv pt=111;max-width=640\r\n"), std::string::npos);
  EXPECT_NE(out.find("a=simulcast:recv f;h,~q\r\n"), std::string::npos);
  expect_round_trip(out);
}

TEST(SdpParse, SimulcastBothDirectionsKeepsOrder) {
  auto sdp = parse_ok(minimal({}, {"a=rid:1 recv", "a=rid:2 send", "a=simulcast:recv 1 send 2"}));
  EXPECT_FALSE(sdp.media[0].simulcast->send_first);
  EXPECT_NE(serialize_sdp(sdp).find("a=simulcast:recv 1 send 2\r\n"), std::string::npos);
  // The pre-RFC draft form (old Firefox) is understood and written as RFC 8853.
  auto draft = parse_ok(minimal({}, {"a=simulcast: send rid=a;b"}));
  EXPECT_EQ(draft.media[0].simulcast->send.size(), 2u);
  EXPECT_NE(serialize_sdp(draft).find("a=simulcast:send a;b\r\n"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Structure, line ends, preservation

TEST(SdpParse, AcceptsLfLineEnds) {
  std::string lf = kChromeOffer;
  std::string::size_type pos;
  while ((pos = lf.find("\r\n")) != std::string::npos) lf.erase(pos, 1);
  EXPECT_TRUE(parse_ok(lf) == parse_ok(kChromeOffer));
  // A missing final line end is fine too.
  lf.pop_back();
  EXPECT_TRUE(parse_ok(lf) == parse_ok(kChromeOffer));
}

TEST(SdpParse, TrailingBlankLinesTolerated) {
  auto sdp = parse_ok(minimal() + "\r\n\r\n");
  EXPECT_EQ(sdp.media.size(), 1u);
}

TEST(SdpParse, PortCountAndRejectedSection) {
  auto sdp = parse_ok(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0",
                                 "m=video 50000/2 RTP/AVP 31", "m=audio 0 RTP/AVP 0"}));
  EXPECT_EQ(sdp.media[0].port, 50000);
  EXPECT_EQ(sdp.media[0].port_count, 2);
  EXPECT_TRUE(sdp.media[1].is_rejected());
  EXPECT_NE(serialize_sdp(sdp).find("m=video 50000/2 RTP/AVP 31\r\n"), std::string::npos);
}

TEST(SdpParse, SessionFieldsPreserved) {
  std::string text = join_crlf({"v=0",
                                "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5",
                                "s=SDP Seminar",
                                "i=A Seminar on the session description protocol",
                                "u=http://www.example.com/seminars/sdp.pdf",
                                "e=j.doe@example.com (Jane Doe)",
                                "p=+1 617 555-6011",
                                "c=IN IP4 224.2.17.12/127",
                                "b=CT:1000",
                                "t=2873397496 2873404696",
                                "r=604800 3600 0 90000",
                                "r=7d 1h 0 25h",
                                "t=0 0",
                                "z=2882844526 -1h 2898848070 0",
                                "a=recvonly",
                                "m=audio 49170 RTP/AVP 0",
                                "i=Audio",
                                "c=IN IP4 224.2.17.12/127",
                                "b=AS:64",
                                "b=TIAS:64000"});
  auto sdp = parse_ok(text);
  EXPECT_EQ(sdp.session_name, "SDP Seminar");
  EXPECT_EQ(sdp.session_info, "A Seminar on the session description protocol");
  EXPECT_EQ(sdp.uri, "http://www.example.com/seminars/sdp.pdf");
  EXPECT_EQ(sdp.emails, (std::vector<std::string>{"j.doe@example.com (Jane Doe)"}));
  EXPECT_EQ(sdp.phones, (std::vector<std::string>{"+1 617 555-6011"}));
  EXPECT_EQ(sdp.connection->address, "224.2.17.12/127");
  EXPECT_EQ(sdp.bandwidths.at(0), (Bandwidth{"CT", 1000}));
  ASSERT_EQ(sdp.timings.size(), 2u);
  EXPECT_EQ(sdp.timings[0].start, 2873397496u);
  EXPECT_EQ(sdp.timings[0].repeats, (std::vector<std::string>{"604800 3600 0 90000", "7d 1h 0 25h"}));
  EXPECT_EQ(sdp.zone_adjustments, "2882844526 -1h 2898848070 0");
  EXPECT_EQ(sdp.attrs.direction, Direction::RecvOnly);
  const auto &m = sdp.media.at(0);
  EXPECT_EQ(m.title, "Audio");
  EXPECT_EQ(m.bandwidths, (std::vector<Bandwidth>{{"AS", 64}, {"TIAS", 64000}}));
  EXPECT_EQ(serialize_sdp(sdp), text);
  expect_round_trip(text);
}

TEST(SdpParse, UnknownAttributesKeptAtSessionLevel) {
  auto sdp = parse_ok(minimal({"a=x-custom:hello world", "a=tool:gst-rtc", "a=flagonly", "a=empty:"}));
  EXPECT_EQ(
      sdp.attrs.other,
      (std::vector<Attribute>{
          {"x-custom", "hello world"}, {"tool", "gst-rtc"}, {"flagonly", std::nullopt}, {"empty", ""}}));
  EXPECT_TRUE(sdp.media[0].attrs.other.empty());
  std::string out = serialize_sdp(sdp);
  EXPECT_LT(out.find("a=empty:\r\n"), out.find("m=audio"));
  expect_round_trip(out);
}

TEST(SdpParse, UnknownAttributesKeptAtMediaLevelInOrder) {
  auto sdp =
      parse_ok(minimal({}, {"a=ptime:20", "a=maxptime:120", "a=x-google-flag:conference", "a=label:1"}));
  const auto &other = sdp.media[0].attrs.other;
  ASSERT_EQ(other.size(), 4u);
  EXPECT_EQ(other[0], (Attribute{"ptime", "20"}));
  EXPECT_EQ(other[2], (Attribute{"x-google-flag", "conference"}));
  EXPECT_EQ(other[3], (Attribute{"label", "1"}));
  EXPECT_TRUE(sdp.attrs.other.empty());
  expect_round_trip(serialize_sdp(sdp));
}

TEST(SdpParse, MediaOnlyAttributesAtSessionLevelGoToOther) {
  auto sdp = parse_ok(minimal({"a=rtcp-mux", "a=mid:s", "a=rtpmap:300 not/validated/here",
                               "a=end-of-candidates", "a=sctp-port:5000"}));
  ASSERT_EQ(sdp.attrs.other.size(), 5u);
  EXPECT_EQ(sdp.attrs.other[0], (Attribute{"rtcp-mux", std::nullopt}));
  EXPECT_EQ(sdp.attrs.other[1], (Attribute{"mid", "s"}));
  EXPECT_EQ(sdp.attrs.other[2].name, "rtpmap");
  EXPECT_EQ(sdp.media[0].mid, "0");  // the session "mid" does not clash
  expect_round_trip(serialize_sdp(sdp));
}

TEST(SdpParse, SessionOnlyAttributesInMediaGoToOther) {
  auto sdp = parse_ok(minimal({"a=ice-lite"}, {"a=ice-lite", "a=group:LS 0", "a=msid-semantic:WMS"}));
  EXPECT_TRUE(sdp.attrs.ice_lite);
  const auto &m = sdp.media[0];
  EXPECT_FALSE(m.attrs.ice_lite);
  EXPECT_EQ(m.attrs.other, (std::vector<Attribute>{
                               {"ice-lite", std::nullopt}, {"group", "LS 0"}, {"msid-semantic", "WMS"}}));
  EXPECT_TRUE(sdp.groups.empty());
  expect_round_trip(serialize_sdp(sdp));
}

TEST(SdpParse, SessionLevelCommonAttributes) {
  auto sdp = parse_ok(
      minimal({"a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuv", "a=ice-options:trickle ice2",
               "a=setup:passive", "a=sendrecv", "a=extmap:3/sendrecv urn:x", "a=extmap-allow-mixed"}));
  EXPECT_EQ(sdp.attrs.ice_ufrag, "abcd");
  EXPECT_EQ(sdp.attrs.ice_options, (std::vector<std::string>{"trickle", "ice2"}));
  EXPECT_EQ(sdp.attrs.setup, Setup::Passive);
  EXPECT_EQ(sdp.attrs.direction, Direction::SendRecv);
  EXPECT_EQ(sdp.attrs.extmaps.at(0).direction, Direction::SendRecv);
  EXPECT_TRUE(sdp.attrs.extmap_allow_mixed);
  EXPECT_FALSE(sdp.media[0].attrs.direction);
  std::string out = serialize_sdp(sdp);
  EXPECT_NE(out.find("a=ice-options:trickle ice2\r\n"), std::string::npos);
  expect_round_trip(out);
}

TEST(SdpParse, LegacySctpmapRoundTrips) {
  std::string text =
      join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=application 9 DTLS/SCTP 5000",
                 "c=IN IP4 0.0.0.0", "a=mid:data", "a=sctpmap:5000 webrtc-datachannel 1024"});
  auto sdp = parse_ok(text);
  const auto &m = sdp.media[0];
  EXPECT_TRUE(m.is_data_channel());
  EXPECT_EQ(m.formats, (std::vector<std::string>{"5000"}));
  EXPECT_EQ(m.attrs.other.at(0), (Attribute{"sctpmap", "5000 webrtc-datachannel 1024"}));
  EXPECT_EQ(serialize_sdp(sdp), text);
}

TEST(SdpParse, ExtmapAttributesAndRtcpFbParametersVerbatim) {
  auto sdp = parse_ok(minimal({}, {"a=extmap:7 urn:ietf:params:rtp-hdrext:encrypt urn:x:inner some params",
                                   "a=rtcp-fb:111 ccm tmmbr smaxpr=120", "a=rtcp-fb:* nack"}));
  const auto &m = sdp.media[0];
  EXPECT_EQ(m.attrs.extmaps.at(0).uri, "urn:ietf:params:rtp-hdrext:encrypt");
  EXPECT_EQ(m.attrs.extmaps.at(0).attributes, "urn:x:inner some params");
  EXPECT_EQ(m.rtcp_fbs.at(0).subtype, "tmmbr smaxpr=120");
  EXPECT_FALSE(m.rtcp_fbs.at(1).payload_type);
  std::string out = serialize_sdp(sdp);
  EXPECT_NE(out.find("a=extmap:7 urn:ietf:params:rtp-hdrext:encrypt urn:x:inner some params\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("a=rtcp-fb:* nack\r\n"), std::string::npos);
  expect_round_trip(out);
}

TEST(SdpParse, FingerprintAlgorithmLowercasedAndMultipleKept) {
  auto sdp = parse_ok(
      minimal({}, {std::string("a=fingerprint:SHA-256 ") + kFp,
                   "a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB"}));
  const auto &f = sdp.media[0].attrs.fingerprints;
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].algorithm, "sha-256");
  EXPECT_EQ(f[1].algorithm, "sha-1");
  EXPECT_EQ(f[1].value, "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
}

// ---------------------------------------------------------------------------
// Serialization

TEST(SdpSerialize, CrlfAndTrailingCrlf) {
  std::string out = serialize_sdp(parse_ok(kFirefoxOffer));
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  EXPECT_EQ(out.rfind("v=0\r\n", 0), 0u);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\n') {
      ASSERT_EQ(out[i - 1], '\r') << "bare LF at " << i;
    }
}

TEST(SdpSerialize, DefaultModelIsValidSdp) {
  SessionDescription sdp;
  std::string out = serialize_sdp(sdp);
  EXPECT_EQ(out, "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
  EXPECT_TRUE(parse_ok(out) == sdp);
}

TEST(SdpSerialize, SessionAttributeOrder) {
  // Input in scrambled order; output in the documented canonical order.
  auto sdp = parse_ok(minimal({"a=x-other:1", "a=sendrecv", "a=extmap:1 urn:a", "a=extmap-allow-mixed",
                               "a=setup:actpass", std::string("a=fingerprint:sha-256 ") + kFp,
                               "a=ice-options:trickle", "a=ice-pwd:abcdefghijklmnopqrstuv",
                               "a=ice-ufrag:abcd", "a=ice-lite", "a=msid-semantic:WMS", "a=group:BUNDLE 0"}));
  auto lines = lines_of(serialize_sdp(sdp));
  std::vector<std::string> expected = {"t=0 0",
                                       "a=group:BUNDLE 0",
                                       "a=msid-semantic:WMS",
                                       "a=ice-lite",
                                       "a=ice-ufrag:abcd",
                                       "a=ice-pwd:abcdefghijklmnopqrstuv",
                                       "a=ice-options:trickle",
                                       std::string("a=fingerprint:sha-256 ") + kFp,
                                       "a=setup:actpass",
                                       "a=extmap-allow-mixed",
                                       "a=extmap:1 urn:a",
                                       "a=sendrecv",
                                       "a=x-other:1",
                                       "m=audio 9 UDP/TLS/RTP/SAVPF 111 0"};
  std::size_t start = index_of(lines, "t=0 0");
  ASSERT_LE(start + expected.size(), lines.size());
  EXPECT_EQ(std::vector<std::string>(lines.begin() + start, lines.begin() + start + expected.size()),
            expected);
}

TEST(SdpSerialize, MediaAttributeOrder) {
  std::string text = join_crlf({"v=0",
                                "o=- 1 1 IN IP4 127.0.0.1",
                                "s=-",
                                "t=0 0",
                                "m=video 9 UDP/TLS/RTP/SAVPF 97 96",
                                "c=IN IP4 0.0.0.0",
                                "b=AS:500",
                                "a=end-of-candidates",
                                "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host",
                                "a=x-custom",
                                "a=max-message-size:10",
                                "a=rid:r send",
                                "a=ssrc:1 cname:c",
                                "a=ssrc-group:FID 1 2",
                                "a=fmtp:96 x=1",
                                "a=rtcp-fb:* ccm fir",
                                "a=rtcp-fb:96 nack",
                                "a=rtpmap:96 VP8/90000",
                                "a=fmtp:97 apt=96",
                                "a=rtpmap:97 rtx/90000",
                                "a=rtcp-rsize",
                                "a=rtcp-mux-only",
                                "a=rtcp-mux",
                                "a=msid:s t",
                                "a=inactive",
                                "a=extmap-allow-mixed",
                                "a=extmap:2 urn:b",
                                "a=mid:v",
                                "a=setup:active",
                                std::string("a=fingerprint:sha-256 ") + kFp,
                                "a=ice-options:trickle",
                                "a=ice-pwd:abcdefghijklmnopqrstuv",
                                "a=ice-ufrag:abcd",
                                "a=rtcp:9 IN IP4 0.0.0.0",
                                "a=simulcast:send r"});
  std::vector<std::string> expected = {"m=video 9 UDP/TLS/RTP/SAVPF 97 96",
                                       "c=IN IP4 0.0.0.0",
                                       "b=AS:500",
                                       "a=rtcp:9 IN IP4 0.0.0.0",
                                       "a=ice-ufrag:abcd",
                                       "a=ice-pwd:abcdefghijklmnopqrstuv",
                                       "a=ice-options:trickle",
                                       std::string("a=fingerprint:sha-256 ") + kFp,
                                       "a=setup:active",
                                       "a=mid:v",
                                       "a=extmap:2 urn:b",
                                       "a=extmap-allow-mixed",
                                       "a=inactive",
                                       "a=msid:s t",
                                       "a=rtcp-mux",
                                       "a=rtcp-mux-only",
                                       "a=rtcp-rsize",
                                       "a=rtpmap:97 rtx/90000",
                                       "a=fmtp:97 apt=96",
                                       "a=rtpmap:96 VP8/90000",
                                       "a=rtcp-fb:96 nack",
                                       "a=fmtp:96 x=1",
                                       "a=rtcp-fb:* ccm fir",
                                       "a=ssrc-group:FID 1 2",
                                       "a=ssrc:1 cname:c",
                                       "a=rid:r send",
                                       "a=simulcast:send r",
                                       "a=max-message-size:10",
                                       "a=x-custom",
                                       "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host",
                                       "a=end-of-candidates"};
  auto lines = lines_of(serialize_sdp(parse_ok(text)));
  std::size_t start = index_of(lines, expected[0]);
  ASSERT_EQ(lines.size() - start, expected.size());
  EXPECT_EQ(std::vector<std::string>(lines.begin() + start, lines.end()), expected);
  expect_round_trip(text);
}

TEST(SdpSerialize, CodecVectorsFollowFormatOrder) {
  // fmtp before rtpmap and payload types out of m-line order in the input:
  // the model is normalized so that serialization round-trips to equality.
  auto sdp = parse_ok(
      join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=video 9 RTP/AVPF 100 96 97",
                 "a=fmtp:97 apt=96", "a=rtcp-fb:* nack", "a=rtcp-fb:97 nack", "a=rtpmap:97 rtx/90000",
                 "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack pli", "a=rtpmap:100 VP9/90000"}));
  const auto &m = sdp.media[0];
  ASSERT_EQ(m.rtpmaps.size(), 3u);
  EXPECT_EQ(m.rtpmaps[0].payload_type, 100);
  EXPECT_EQ(m.rtpmaps[1].payload_type, 96);
  EXPECT_EQ(m.rtpmaps[2].payload_type, 97);
  ASSERT_EQ(m.rtcp_fbs.size(), 3u);
  EXPECT_EQ(m.rtcp_fbs[0].payload_type, 96);
  EXPECT_EQ(m.rtcp_fbs[1].payload_type, 97);
  EXPECT_FALSE(m.rtcp_fbs[2].payload_type);
  expect_round_trip(serialize_sdp(sdp));
}

TEST(SdpSerialize, FixedPointForAllBrowserShapes) {
  for (const std::string *text : {&kChromeOffer, &kFirefoxOffer, &kSafariOffer, &kWebrtcbinOffer}) {
    std::string once = serialize_sdp(parse_ok(*text));
    std::string twice = serialize_sdp(parse_ok(once));
    EXPECT_EQ(once, twice);
  }
}

TEST(SdpSerialize, HandBuiltModel) {
  SessionDescription sdp;
  sdp.origin.session_id = "42";
  sdp.groups.push_back(Group{"BUNDLE", {"a"}});
  MediaDescription m;
  m.media = "audio";
  m.proto = "UDP/TLS/RTP/SAVPF";
  m.formats = {"111"};
  m.mid = "a";
  m.rtcp_mux = true;
  m.rtpmaps.push_back(RtpMap{111, "opus", 48000, 2});
  m.fmtps.push_back(Fmtp{111, format_fmtp_parameters({{"minptime", "10"}, {"useinbandfec", "1"}})});
  m.attrs.direction = Direction::SendOnly;
  sdp.media.push_back(m);
  std::string out = serialize_sdp(sdp);
  EXPECT_NE(out.find("a=fmtp:111 minptime=10;useinbandfec=1\r\n"), std::string::npos);
  EXPECT_TRUE(parse_ok(out) == sdp) << out;
}

// ---------------------------------------------------------------------------
// Helpers

TEST(SdpHelpers, Direction) {
  for (Direction d : {Direction::SendRecv, Direction::SendOnly, Direction::RecvOnly, Direction::Inactive}) {
    EXPECT_EQ(direction_from_string(to_string(d)), d);
    EXPECT_EQ(reverse(reverse(d)), d);
    EXPECT_EQ(make_direction(direction_sends(d), direction_receives(d)), d);
  }
  EXPECT_EQ(reverse(Direction::SendOnly), Direction::RecvOnly);
  EXPECT_EQ(reverse(Direction::Inactive), Direction::Inactive);
  EXPECT_TRUE(direction_sends(Direction::SendOnly));
  EXPECT_FALSE(direction_receives(Direction::SendOnly));
  EXPECT_EQ(to_string(Direction::RecvOnly), "recvonly");
  EXPECT_FALSE(direction_from_string("SENDRECV"));
  EXPECT_FALSE(direction_from_string(""));
}

TEST(SdpHelpers, Setup) {
  // gtest's Test::Setup() hides the enum name inside a TEST body.
  using gst_rtc::jsep::Setup;
  for (Setup s : {Setup::ActPass, Setup::Active, Setup::Passive, Setup::HoldConn})
    EXPECT_EQ(setup_from_string(to_string(s)), s);
  EXPECT_EQ(to_string(Setup::ActPass), "actpass");
  EXPECT_FALSE(setup_from_string("act"));
}

TEST(SdpHelpers, FmtpParameters) {
  auto p = parse_fmtp_parameters("profile-level-id=42e01f; packetization-mode=1;;flag ;apt = 96");
  EXPECT_EQ(p,
            (std::vector<std::pair<std::string, std::string>>{
                {"profile-level-id", "42e01f"}, {"packetization-mode", "1"}, {"flag", ""}, {"apt", "96"}}));
  EXPECT_EQ(format_fmtp_parameters(p), "profile-level-id=42e01f;packetization-mode=1;flag;apt=96");
  EXPECT_TRUE(parse_fmtp_parameters("").empty());
  EXPECT_EQ(parse_fmtp_parameters("0-15"), (std::vector<std::pair<std::string, std::string>>{{"0-15", ""}}));
}

TEST(SdpHelpers, Lookups) {
  auto sdp = parse_ok(kChromeOffer);
  EXPECT_EQ(sdp.find_media("2")->media, "application");
  EXPECT_EQ(sdp.find_media("9"), nullptr);
  EXPECT_EQ(sdp.media[0].find_rtpmap(127), nullptr);
  EXPECT_EQ(sdp.media[0].find_fmtp(0), nullptr);
  SessionDescription none;
  EXPECT_EQ(none.bundle_group(), nullptr);
  none.groups.push_back(Group{"LS", {"a"}});
  none.groups.push_back(Group{"BUNDLE", {"b"}});
  ASSERT_NE(none.bundle_group(), nullptr);
  EXPECT_EQ(none.bundle_group()->mids.at(0), "b");
}

TEST(SdpHelpers, ErrorDescribeHasLineNumber) {
  auto r = parse_sdp(minimal({}, {"a=rtpmap:300 foo/1"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().describe(), "line 9: a=rtpmap: payload type 300 out of range 0..127");
}

// ---------------------------------------------------------------------------
// Rejections: one rule per test, checking line number and message.

TEST(SdpReject, EmptyInput) {
  expect_error("", 1, "empty description");
  expect_error("\r\n", 1, "empty description");
}

TEST(SdpReject, VersionMustComeFirstAndBeZero) {
  expect_error(join_crlf({"o=- 1 1 IN IP4 127.0.0.1", "v=0"}), 1, "first line must be v=0");
  expect_error(join_crlf({"v=1", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"}), 1, "v=: version must be 0");
  expect_error(join_crlf({"v=0", "v=0"}), 2, "duplicate v= line");
}

TEST(SdpReject, MissingMandatoryLines) {
  expect_error(join_crlf({"v=0", "s=-", "t=0 0"}), 2, "missing o= line");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "t=0 0"}), 3, "missing s= line");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "a=sendrecv"}), 4, "missing t= line");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "m=audio 9 RTP/AVP 0"}), 4,
               "missing t= line");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-"}), 3, "missing t= line");
}

TEST(SdpReject, LinesOutOfOrder) {
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "c=IN IP4 0.0.0.0"}), 5,
               "c= line out of order");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=x", "b=AS:1"}), 6,
               "b= line out of order");
  expect_error(minimal({}, {"c=IN IP4 0.0.0.0"}), 9, "c= line out of order");
  expect_error(minimal({}, {"t=0 0"}), 9, "t= line not allowed in a media section");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "b=AS:1", "r=1 2 3", "t=0 0"}), 5,
               "r= line must follow t=");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "s=-", "t=0 0"}), 4, "duplicate s= line");
}

TEST(SdpReject, UnknownLineType) {
  expect_error(minimal({"x=whatever"}), 5, "unknown line type 'x='");
  expect_error(minimal({}, {"y=1"}), 9, "unknown line type 'y='");
}

TEST(SdpReject, ObsoleteKeyLine) {
  expect_error(minimal({"k=clear:secret"}), 5, "k=: obsolete");
}

TEST(SdpReject, MalformedLines) {
  expect_error(minimal({"hello"}), 5, "expected <type>=<value>");
  expect_error(minimal({"a:foo"}), 5, "expected <type>=<value>");
  expect_error(minimal({"A=foo"}), 5, "expected <type>=<value>");
  expect_error(minimal({" a=foo"}), 5, "expected <type>=<value>");
  expect_error(minimal({"a=="}), 5, "a=: malformed attribute name");
  expect_error(minimal({"a=:x"}), 5, "a=: malformed attribute name");
  expect_error(minimal({"a=foo bar"}), 5, "malformed attribute name");
  expect_error(minimal({"a="}), 5, "a= line with empty value");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4", "s=-", "t=0 0"}), 2, "o=: expected 6 fields");
  expect_error(join_crlf({"v=0", "o=- x 1 IN IP4 127.0.0.1", "s=-", "t=0 0"}), 2,
               "o=: session id \"x\" is not a number");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0"}), 4,
               "t=: expected <start-time> <stop-time>");
  const std::string head = join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-"});
  expect_error(head + "b=AS\r\nt=0 0\r\n", 4, "b=: expected <bwtype>:<bandwidth>");
  expect_error(head + "c=IN IP4\r\nt=0 0\r\n", 4, "c=: expected 3 fields");
  expect_error(head + "t=0 0\r\nm=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0 extra\r\n", 6,
               "c=: expected 3 fields");
}

TEST(SdpReject, BlankLineInTheMiddle) {
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "", "s=-", "t=0 0"}), 3, "empty line");
}

TEST(SdpReject, ControlCharacters) {
  std::string nul = minimal({}, {std::string("a=x-foo:a\0b", 11)});
  expect_error(nul, 9, "control character 0x00");
  expect_error(minimal({}, {"a=x-foo:a\x01"}), 9, "control character 0x01");
  expect_error(minimal({}, {"a=x-foo:a\rb"}), 9, "control character 0x0d");
  expect_error(minimal({}, {"a=x-foo:\x7f"}), 9, "control character 0x7f");
}

TEST(SdpReject, MediaLine) {
  std::string head = join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"});
  expect_error(head + "m=audio 70000 RTP/AVP 0\r\n", 5, "m=: port 70000 out of range 0..65535");
  expect_error(head + "m=audio 99999999999999999999999 RTP/AVP 0\r\n", 5, "out of range 0..65535");
  expect_error(head + "m=audio -1 RTP/AVP 0\r\n", 5, "port \"-1\" is not a number");
  expect_error(head + "m=audio 9/0 RTP/AVP 0\r\n", 5, "port count 0 out of range 1..65535");
  expect_error(head + "m=audio 9 RTP/AVP\r\n", 5, "expected <media> <port> <proto> <fmt>");
  expect_error(head + "m=audio 9 RTP/AVP 128\r\n", 5, "payload type 128 out of range 0..127");
  expect_error(head + "m=audio 9 RTP/AVP opus\r\n", 5, "payload type \"opus\" is not a number");
  expect_error(head + "m=audio 9 RTP/AVP 0 0\r\n", 5, "duplicate payload type 0");
  expect_error(head + "m=audio 9  RTP/AVP 0\r\n", 5, "empty field");
  expect_error(head + "m=audio 9 RTP//AVP 0\r\n", 5, "protocol");
}

TEST(SdpReject, PayloadTypeOutOfRange) {
  expect_error(minimal({}, {"a=rtpmap:300 foo/90000"}), 9, "a=rtpmap: payload type 300 out of range 0..127");
  expect_error(minimal({}, {"a=fmtp:128 x=1"}), 9, "a=fmtp: payload type 128 out of range 0..127");
  expect_error(minimal({}, {"a=rtcp-fb:200 nack"}), 9, "a=rtcp-fb: payload type 200 out of range 0..127");
  expect_error(minimal({}, {"a=rtpmap:abc foo/90000"}), 9, "a=rtpmap: payload type \"abc\" is not a number");
}

TEST(SdpReject, PayloadTypeNotInFormatList) {
  expect_error(minimal({}, {"a=rtpmap:96 VP8/90000"}), 9,
               "a=rtpmap: payload type 96 is not in the m-line format list");
  expect_error(minimal({}, {"a=fmtp:96 apt=111"}), 9,
               "a=fmtp: payload type 96 is not in the m-line format list");
  expect_error(minimal({}, {"a=rtcp-fb:96 nack"}), 9,
               "a=rtcp-fb: payload type 96 is not in the m-line format list");
  expect_error(minimal({}, {"a=rid:h send pt=96"}), 9,
               "a=rid: payload type 96 is not in the m-line format list");
}

TEST(SdpReject, RtpmapFmtpRtcpFbShape) {
  expect_error(minimal({}, {"a=rtpmap:0 PCMU"}), 9, "a=rtpmap: expected <encoding name>/<clock rate>");
  expect_error(minimal({}, {"a=rtpmap:0 PCMU/8000/1/2"}), 9, "a=rtpmap: expected");
  expect_error(minimal({}, {"a=rtpmap:0 PCMU/fast"}), 9, "a=rtpmap: clock rate \"fast\" is not a number");
  expect_error(minimal({}, {"a=rtpmap:0 PCMU/99999999999"}), 9,
               "a=rtpmap: clock rate 99999999999 out of range");
  expect_error(minimal({}, {"a=rtpmap:111 opus/48000/2"}), 9,
               "a=rtpmap: duplicate rtpmap for payload type 111");
  expect_error(minimal({}, {"a=fmtp:111 a=1", "a=fmtp:111 b=2"}), 10,
               "a=fmtp: duplicate fmtp for payload type 111");
  expect_error(minimal({}, {"a=fmtp:111"}), 9, "a=fmtp: missing parameters");
  expect_error(minimal({}, {"a=fmtp:111 "}), 9, "a=fmtp: missing parameters");
  expect_error(minimal({}, {"a=rtcp-fb:111"}), 9, "a=rtcp-fb: missing feedback type");
  expect_error(minimal({}, {"a=rtcp-fb:111 nack "}), 9, "a=rtcp-fb: empty field");
}

TEST(SdpReject, ExtmapIdOutOfRange) {
  expect_error(minimal({}, {"a=extmap:0 urn:x"}), 9, "a=extmap: id 0 out of range 1..255");
  expect_error(minimal({}, {"a=extmap:256 urn:x"}), 9, "a=extmap: id 256 out of range 1..255");
  expect_error(minimal({"a=extmap:1000 urn:x"}), 5, "a=extmap: id 1000 out of range 1..255");
  EXPECT_TRUE(parse_sdp(minimal({}, {"a=extmap:255 urn:x", "a=extmap:15 urn:y"})).ok());
}

TEST(SdpReject, ExtmapShape) {
  expect_error(minimal({}, {"a=extmap:1"}), 9, "a=extmap: missing URI");
  expect_error(minimal({}, {"a=extmap:1  urn:x"}), 9, "a=extmap: missing URI");
  expect_error(minimal({}, {"a=extmap:1/sendmostly urn:x"}), 9, "a=extmap: direction \"sendmostly\"");
  expect_error(minimal({}, {"a=extmap:1 urn:x", "a=extmap:1 urn:y"}), 10, "a=extmap: duplicate id 1");
}

TEST(SdpReject, MalformedFingerprint) {
  expect_error(minimal({}, {"a=fingerprint:sha-256 D2FA0EC3"}), 9,
               "a=fingerprint: fingerprint \"D2FA0EC3\" is not hex pairs");
  expect_error(minimal({}, {"a=fingerprint:sha-256 D2:FA:0G"}), 9, "is not hex pairs joined by ':'");
  expect_error(minimal({}, {"a=fingerprint:sha-256 D2:FA:"}), 9, "is not hex pairs joined by ':'");
  expect_error(minimal({}, {"a=fingerprint:sha-256 D2:FA:0E"}), 9,
               "sha-256 fingerprint has 3 bytes, expected 32");
  expect_error(minimal({}, {"a=fingerprint:sha-256"}), 9,
               "a=fingerprint: expected <hash-function> <fingerprint>");
  expect_error(minimal({"a=fingerprint:" + std::string(kFp)}), 5, "a=fingerprint: expected");
}

TEST(SdpReject, BadSetupValue) {
  expect_error(minimal({}, {"a=setup:both"}), 9,
               "a=setup: \"both\" is not actpass, active, passive or holdconn");
  expect_error(minimal({}, {"a=setup:active", "a=setup:passive"}), 10, "a=setup: duplicate attribute");
}

TEST(SdpReject, DuplicateDirection) {
  expect_error(minimal({}, {"a=sendrecv", "a=recvonly"}), 10,
               "a=recvonly: duplicate direction attribute (a=sendrecv already given)");
  expect_error(minimal({"a=inactive", "a=inactive"}), 6, "a=inactive: duplicate direction");
  EXPECT_TRUE(parse_sdp(minimal({"a=sendrecv"}, {"a=sendonly"})).ok());
}

TEST(SdpReject, DuplicateMid) {
  expect_error(minimal({}, {"a=mid:1"}), 9, "a=mid: duplicate attribute");
  expect_error(minimal({}, {"m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0"}), 10,
               "a=mid: mid \"0\" already used by another m-section");
  expect_error(minimal({}, {"m=video 9 RTP/AVP 96", "a=mid:a b"}), 10, "a=mid: \"a b\" is not a token");
}

TEST(SdpReject, BadCandidate) {
  expect_error(minimal({}, {"a=candidate:1 1 udp 100 192.0.2.1 5000 typ fancy"}), 9,
               "a=candidate: unknown candidate type \"fancy\"");
  expect_error(minimal({}, {"a=candidate:1 1 udp 100 192.0.2.1"}), 9, "a=candidate: missing port");
  expect_error(minimal({}, {"a=candidate:candidate:1 1 udp 100 192.0.2.1 5000 typ host"}), 9,
               "a=candidate: foundation");
}

TEST(SdpReject, EmptyValueWhereOneIsNeeded) {
  expect_error(minimal({}, {"a=mid:"}), 9, "a=mid: missing value");
  expect_error(minimal({}, {"a=ice-ufrag"}), 9, "a=ice-ufrag: missing value");
  expect_error(minimal({}, {"a=rtpmap:"}), 9, "a=rtpmap: missing value");
  expect_error(minimal({"a=group:"}), 5, "a=group: missing value");
  expect_error(minimal({"a=msid-semantic"}), 5, "a=msid-semantic: missing value");
}

TEST(SdpReject, FlagWithValueOrRepeated) {
  expect_error(minimal({}, {"a=rtcp-mux:yes"}), 9, "a=rtcp-mux: takes no value");
  expect_error(minimal({}, {"a=sendrecv:"}), 9, "a=sendrecv: takes no value");
  expect_error(minimal({"a=ice-lite:1"}), 5, "a=ice-lite: takes no value");
  expect_error(minimal({}, {"a=rtcp-mux", "a=rtcp-mux"}), 10, "a=rtcp-mux: duplicate attribute");
}

TEST(SdpReject, IceCredentials) {
  expect_error(minimal({}, {"a=ice-ufrag:abc"}), 9, "a=ice-ufrag: length 3 out of range 4..256");
  expect_error(minimal({}, {"a=ice-pwd:short"}), 9, "a=ice-pwd: length 5 out of range 22..256");
  expect_error(minimal({}, {"a=ice-ufrag:ab:cd"}), 9,
               "a=ice-ufrag: \"ab:cd\" has a character outside ice-char");
  expect_error(minimal({}, {"a=ice-ufrag:abcd", "a=ice-ufrag:efgh"}), 10, "a=ice-ufrag: duplicate attribute");
  expect_error(minimal({}, {"a=ice-options:trickle  ice2"}), 9, "a=ice-options: empty field");
}

TEST(SdpReject, NumbersOverflowAndRanges) {
  expect_error(join_crlf({"v=0", "o=- 1 18446744073709551616 IN IP4 127.0.0.1", "s=-", "t=0 0"}), 2,
               "o=: session version 18446744073709551616 out of range");
  expect_error(minimal({}, {"a=ssrc:4294967296 cname:x"}), 9,
               "a=ssrc: ssrc 4294967296 out of range 0..4294967295");
  expect_error(minimal({}, {"a=sctp-port:65536"}), 9, "a=sctp-port: port 65536 out of range 0..65535");
  expect_error(minimal({}, {"a=max-message-size:99999999999999999999"}), 9, "a=max-message-size: size");
  expect_error(minimal({}, {"a=max-message-size:-1"}), 9, "a=max-message-size: size \"-1\" is not a number");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "b=AS:+5", "t=0 0"}), 4,
               "b=: bandwidth \"+5\" is not a number");
  expect_error(join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 99999999999999999999"}), 4,
               "t=: stop time 99999999999999999999 out of range");
  expect_error(minimal({}, {"a=rtcp:65536 IN IP4 0.0.0.0"}), 9, "a=rtcp: port 65536 out of range");
  expect_error(minimal({}, {"a=ssrc-group:FID 1 x"}), 9, "a=ssrc-group: ssrc \"x\" is not a number");
}

TEST(SdpReject, SsrcAndMsidShape) {
  expect_error(minimal({}, {"a=ssrc:1234"}), 9, "a=ssrc: missing <attribute>");
  expect_error(minimal({}, {"a=ssrc:1234 :x"}), 9, "a=ssrc: attribute name \"\" is not a token");
  expect_error(minimal({}, {"a=msid:a b c"}), 9, "a=msid: expected <stream-id> [<track-id>]");
  expect_error(minimal({}, {"a=rtcp:9 IN IP4"}), 9, "a=rtcp: expected <port>");
}

TEST(SdpReject, RidAndSimulcast) {
  expect_error(minimal({}, {"a=rid:h"}), 9, "a=rid: missing direction");
  expect_error(minimal({}, {"a=rid:h both"}), 9, "a=rid: direction \"both\" is neither send nor recv");
  expect_error(minimal({}, {"a=rid:h! send"}), 9, "a=rid: id \"h!\"");
  expect_error(minimal({}, {"a=rid:h send max-width=;x=1"}), 9,
               "a=rid: parameter \"max-width\" has an empty value");
  expect_error(minimal({}, {"a=rid:h send pt=111;pt=0"}), 9, "a=rid: duplicate pt parameter");
  expect_error(minimal({}, {"a=rid:h send", "a=rid:h recv"}), 10, "a=rid: duplicate rid \"h\"");
  expect_error(minimal({}, {"a=simulcast:send"}), 9, "a=simulcast: expected send|recv");
  expect_error(minimal({}, {"a=simulcast:send a send b"}), 9, "a=simulcast: send given twice");
  expect_error(minimal({}, {"a=simulcast:sendrecv a"}), 9, "a=simulcast: direction \"sendrecv\"");
  expect_error(minimal({}, {"a=simulcast:send a;;b"}), 9, "a=simulcast: rid \"\"");
  expect_error(minimal({}, {"a=simulcast:send a", "a=simulcast:recv b"}), 10,
               "a=simulcast: duplicate attribute");
}

// ---------------------------------------------------------------------------
// Hostile input

// Deterministic xorshift so failures reproduce.
struct Rng {
  std::uint64_t s = 0x9e3779b97f4a7c15ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
};

TEST(SdpHostile, MutatedBrowserOffersNeverBreakTheRoundTrip) {
  Rng rng;
  const std::string alphabet = "0123456789abcz =:/;,*~-.\r\n\t\x01";
  const std::string *bases[] = {&kChromeOffer, &kFirefoxOffer, &kSafariOffer, &kWebrtcbinOffer};
  int parsed = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text = *bases[rng.below(4)];
    int edits = 1 + static_cast<int>(rng.below(4));
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = rng.below(text.size());
      switch (rng.below(4)) {
        case 0:
          text[pos] = alphabet[rng.below(alphabet.size())];
          break;
        case 1:
          text.erase(pos, 1 + rng.below(8));
          break;
        case 2:
          text.insert(pos, 1, alphabet[rng.below(alphabet.size())]);
          break;
        default: {
          // Duplicate a whole line somewhere else.
          std::size_t start = text.rfind('\n', pos);
          start = start == std::string::npos ? 0 : start + 1;
          std::size_t end = text.find('\n', pos);
          std::string line =
              text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
          text.insert(rng.below(text.size()), line);
        }
      }
    }
    auto r = parse_sdp(text);
    if (!r.ok()) {
      EXPECT_GE(r.error().line, 1u);
      EXPECT_EQ(r.error().code, ErrorCode::Syntax);
      continue;
    }
    ++parsed;
    std::string out = serialize_sdp(*r);
    auto again = parse_sdp(out);
    ASSERT_TRUE(again.ok()) << again.error().describe() << "\ninput:\n" << text;
    ASSERT_TRUE(*again == *r) << "input:\n" << text << "\noutput:\n" << out;
    ASSERT_EQ(serialize_sdp(*again), out);
  }
  EXPECT_GT(parsed, 100);  // the mutations must exercise the success path too
}

TEST(SdpHostile, LargeInputsStayLinear) {
  // Each of these would take minutes if any per-line step scanned what was
  // parsed before.
  std::string many_fbs = minimal();
  many_fbs.reserve(many_fbs.size() + 200000 * 24);
  for (int i = 0; i < 200000; ++i) many_fbs += "a=rtcp-fb:111 nack pli\r\n";
  auto r = parse_sdp(many_fbs);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->media[0].rtcp_fbs.size(), 200000u);

  std::string many_sections = join_crlf({"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"});
  for (int i = 0; i < 50000; ++i)
    many_sections += "m=audio 9 RTP/AVP 0\r\na=mid:m" + std::to_string(i) + "\r\na=rtpmap:0 PCMU/8000\r\n";
  auto s = parse_sdp(many_sections);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(s->media.size(), 50000u);
  EXPECT_TRUE(parse_sdp(serialize_sdp(*s)).value() == *s);

  std::string long_line = minimal({}, {"a=x-long:" + std::string(4 << 20, 'z')});
  EXPECT_TRUE(parse_sdp(long_line).ok());
  std::string bad_tail = many_fbs + "a=rtcp-fb:96 nack\r\n";
  auto bad = parse_sdp(bad_tail);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().line, 200009u);
  // An error quoting a huge field keeps its message short.
  auto huge = parse_sdp(minimal({}, {"a=setup:" + std::string(1 << 20, 'x')}));
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.error().message.size(), 200u);
}

}  // namespace
