/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 / H.265 parameter sets ahead of every keyframe, sans-IO.
 *
 * WebRTC receivers join late and recover from PLI at the next keyframe, so
 * every IDR/IRAP must be decodable on its own: SPS and PPS (and VPS for
 * H.265) in front of it. rtph264pay's config-interval=-1 does that per IDR
 * *slice*, which splits multi-slice keyframes into two access units at the
 * far end; this inserts them once per access unit, before its first
 * keyframe slice, and only those the encoder did not write there itself.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gst_rtc::rtp {

class ParameterSetInserter {
 public:
  explicit ParameterSetInserter(bool h265) : h265_(h265) {}

  // The next buffer starts a new access unit.
  void new_access_unit() {
    seen_mask_ = 0;
    vcl_seen_ = false;
  }
  // One byte-stream buffer (an access unit or some of its NAL units).
  // Returns the rewritten bytes when parameter sets were inserted.
  std::optional<std::vector<uint8_t>> process(std::span<const uint8_t> data);

 private:
  int nal_type(uint8_t first_byte) const { return h265_ ? (first_byte >> 1) & 0x3f : first_byte & 0x1f; }
  // Index into stored_ of a parameter set type, -1 for other NAL units.
  int param_index(int type) const;
  bool is_vcl(int type) const { return h265_ ? type < 32 : type >= 1 && type <= 5; }
  bool is_keyframe(int type) const { return h265_ ? type >= 16 && type <= 23 : type == 5; }
  unsigned required_mask() const { return h265_ ? 0x7 : 0x3; }

  bool h265_;
  std::vector<uint8_t> stored_[3];  // latest SPS, PPS (H.264) / VPS, SPS, PPS (H.265), without start code
  unsigned seen_mask_ = 0;
  bool vcl_seen_ = false;
};

}  // namespace gst_rtc::rtp
