/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hostile datagrams for rtcdtlssrtpdec's sink: every RFC 7983 class,
 * truncated and malformed, none of which may be delivered.
 */
#pragma once

#include <cstdint>
#include <vector>

namespace dtls_test {

inline std::vector<std::vector<uint8_t>> garbage_datagrams() {
  using B = std::vector<uint8_t>;
  std::vector<B> out;
  out.push_back(B{});  // empty
  for (uint8_t first : {0, 1, 3, 4, 19, 20, 22, 23, 24, 63, 64, 127, 128, 191, 192, 255})
    out.push_back(B{first});  // one byte of each class edge
  // STUN binding request header (20 bytes, magic cookie).
  out.push_back(B{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  // DTLS: truncated header, zero length, length beyond the datagram, bad version, epoch 1 tiny body.
  out.push_back(B{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0});
  out.push_back(B{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  out.push_back(B{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 1, 2, 3});
  out.push_back(B{22, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3});
  out.push_back(B{23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 5, 0, 2, 0xaa, 0xbb});
  out.push_back(B{21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 40});  // fatal alert, epoch 0
  out.push_back(B{20, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1});      // stray ChangeCipherSpec
  {
    // A ClientHello header with a garbage body.
    B ch{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40};
    for (int i = 0; i < 40; ++i) ch.push_back(static_cast<uint8_t>(i * 13));
    out.push_back(ch);
  }
  {
    // Two records, the second truncated.
    B two{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 2, 22, 0xfe, 0xfd, 0};
    out.push_back(two);
  }
  // RTP: short header, wrong version bits, CSRC count beyond the packet,
  // extension length beyond the packet, plausible header with a bad tag.
  out.push_back(B{0x80, 0x60, 0, 1});
  out.push_back(B{0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2});
  out.push_back(B{0x8f, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0});
  out.push_back(B{0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0xbe, 0xde, 0xff, 0xff, 1, 2, 3, 4});
  for (std::size_t len : {28u, 40u, 200u, 1200u}) {
    B rtp(len, 0x5a);
    rtp[0] = 0x80;
    rtp[1] = 0x60;
    out.push_back(rtp);
  }
  // RTCP: short, header only, SR with a bad tag, padding bit set.
  out.push_back(B{0x80, 0xc8});
  out.push_back(B{0x80, 0xc8, 0, 6, 0, 0, 0, 1});
  for (std::size_t len : {40u, 60u, 400u}) {
    B rtcp(len, 0xa5);
    rtcp[0] = 0x81;
    rtcp[1] = 0xc9;
    out.push_back(rtcp);
  }
  out.push_back(
      B{0xa0, 0xc8, 0, 1, 0, 0, 0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4});
  // Other ranges (TURN channel data, ZRTP, QUIC-ish).
  out.push_back(B{0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4});
  out.push_back(B{0x10, 0x00, 0x00, 0x00, 'Z', 'R', 'T', 'P'});
  out.push_back(B{0xc0, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8});
  // Large datagrams.
  out.push_back(B(65507, 0x80));
  out.push_back(B(9000, 22));
  return out;
}

}  // namespace dtls_test
