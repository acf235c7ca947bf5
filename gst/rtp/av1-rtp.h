/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * AV1 over RTP (AOM "RTP Payload Format for AV1", v1.0), sans-IO: bytes of a
 * temporal unit in, RTP payloads out, and back. No GLib, no GStreamer, so the
 * packetization rules are testable on hand-built OBU streams.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace gst_rtc::av1 {

// OBU types of the AV1 bitstream spec (section 6.2.2) that packetization
// treats specially.
enum ObuType : uint8_t {
  kObuSequenceHeader = 1,
  kObuTemporalDelimiter = 2,
  kObuFrameHeader = 3,
  kObuTileGroup = 4,
  kObuMetadata = 5,
  kObuFrame = 6,
  kObuRedundantFrameHeader = 7,
  kObuTileList = 8,
  kObuPadding = 15,
};

// One OBU without its obu_size field: the header byte (obu_has_size_field
// cleared), the extension byte when present, then the payload.
struct Obu {
  uint8_t type = 0;
  std::vector<uint8_t> bytes;
};

// Writes `value` as minimal LEB128 (what libaom and the spec's
// leb128() writers produce).
void write_leb128(std::vector<uint8_t> &out, uint64_t value);
size_t leb128_size(uint64_t value);
// Reads LEB128 at data[*pos]; at most 8 bytes, value < 2^32 (spec 4.10.5).
std::optional<uint64_t> read_leb128(std::span<const uint8_t> data, size_t *pos);

// Splits a low-overhead bitstream ("obu-stream": every OBU has a size field,
// except that the last one may run to the end) into OBUs with the size field
// removed. Returns an error text for a malformed stream.
std::optional<std::string> parse_obu_stream(std::span<const uint8_t> data, std::vector<Obu> &out);

// The RTP payloads of one temporal unit (or frame).
struct Packetized {
  std::vector<std::vector<uint8_t>> payloads;
};

// Packetizes `obus` into payloads of at most `max_payload` bytes each
// (aggregation header included). Temporal delimiters, tile lists and padding
// are dropped (spec 5: SHOULD be removed). `new_sequence` sets N on the first
// packet (a keyframe starting a coded video sequence). Returns nothing when
// there is nothing to send.
Packetized packetize(const std::vector<Obu> &obus, size_t max_payload, bool new_sequence);

// Reassembles OBUs from RTP payloads of one temporal unit and writes them
// back as an obu-stream temporal unit: a temporal delimiter first, then every
// OBU with obu_has_size_field set and a minimal obu_size.
class Depacketizer {
 public:
  // Feeds one payload. `discontinuity` says a packet was lost before this
  // one (a pending fragment is then dropped). Returns an error text for a
  // malformed payload (the packet is ignored).
  std::optional<std::string> push(std::span<const uint8_t> payload, bool discontinuity);
  // True when the last payload's N bit was set in this temporal unit.
  bool new_sequence() const { return new_sequence_; }
  bool has_sequence_header() const { return has_sequence_header_; }
  bool empty() const { return obus_.empty(); }
  // The temporal unit so far (fragment in progress excluded); resets.
  std::vector<uint8_t> take_temporal_unit();
  // Drops everything (lost start of a temporal unit).
  void reset();

 private:
  void finish_obu();

  std::vector<std::vector<uint8_t>> obus_;
  std::vector<uint8_t> fragment_;
  bool in_fragment_ = false;
  bool new_sequence_ = false;
  bool has_sequence_header_ = false;
};

}  // namespace gst_rtc::av1
