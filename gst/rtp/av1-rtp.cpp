/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "av1-rtp.h"

namespace gst_rtc::av1 {

namespace {

constexpr uint8_t kForbiddenBit = 0x80;
constexpr uint8_t kExtensionFlag = 0x04;
constexpr uint8_t kHasSizeField = 0x02;

uint8_t obu_type(uint8_t header) {
  return (header >> 3) & 0x0f;
}
size_t header_size(uint8_t header) {
  return (header & kExtensionFlag) ? 2 : 1;
}

// An OBU element of one packet: a whole OBU or a fragment of one.
struct Element {
  const uint8_t *data;
  size_t size;
};

class PacketBuilder {
 public:
  PacketBuilder(size_t max_payload, bool new_sequence, Packetized &out)
      : room_(max_payload - 1), new_sequence_(new_sequence), out_(out) {}

  // Bytes still free in the packet, counting a length field for every
  // element (the last one loses it on flush when W can count it).
  size_t free() const { return room_ - used_; }
  bool empty() const { return elements_.empty(); }
  // A fragment closes the packet: as the 1st-3rd element its length is
  // implicit (W counts it), so it may take every free byte.
  size_t fragment_room() const {
    const size_t f = free();
    return elements_.size() < 3 ? f : (f > leb128_size(f) ? f - leb128_size(f) : 0);
  }

  void add(const uint8_t *data, size_t size) {
    elements_.push_back({data, size});
    used_ += leb128_size(size) + size;
  }
  void add_fragment(const uint8_t *data, size_t size) {
    elements_.push_back({data, size});
    used_ = room_;
  }

  // `continues`: the last element is a fragment continued in the next packet.
  void flush(bool continues) {
    if (elements_.empty()) return;
    std::vector<uint8_t> p;
    p.reserve(room_ + 1);
    const size_t w = elements_.size() <= 3 ? elements_.size() : 0;
    uint8_t agg = uint8_t(w << 4);
    if (starts_with_fragment_) agg |= 0x80;
    if (continues) agg |= 0x40;
    if (new_sequence_ && out_.payloads.empty()) agg |= 0x08;
    p.push_back(agg);
    for (size_t i = 0; i < elements_.size(); ++i) {
      const bool implicit_length = w != 0 && i + 1 == elements_.size();
      if (!implicit_length) write_leb128(p, elements_[i].size);
      p.insert(p.end(), elements_[i].data, elements_[i].data + elements_[i].size);
    }
    out_.payloads.push_back(std::move(p));
    elements_.clear();
    used_ = 0;
    starts_with_fragment_ = continues;
  }

 private:
  size_t room_;
  size_t used_ = 0;
  bool new_sequence_;
  bool starts_with_fragment_ = false;
  std::vector<Element> elements_;
  Packetized &out_;
};

}  // namespace

void write_leb128(std::vector<uint8_t> &out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value) byte |= 0x80;
    out.push_back(byte);
  } while (value);
}

size_t leb128_size(uint64_t value) {
  size_t n = 1;
  while (value >>= 7) ++n;
  return n;
}

std::optional<uint64_t> read_leb128(std::span<const uint8_t> data, size_t *pos) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    if (*pos >= data.size()) return std::nullopt;
    const uint8_t byte = data[(*pos)++];
    value |= uint64_t(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      if (value > 0xffffffffu) return std::nullopt;
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> parse_obu_stream(std::span<const uint8_t> data, std::vector<Obu> &out) {
  size_t pos = 0;
  while (pos < data.size()) {
    const uint8_t header = data[pos];
    if (header & kForbiddenBit) return "OBU forbidden bit set at offset " + std::to_string(pos);
    const size_t hsize = header_size(header);
    if (pos + hsize > data.size()) return "OBU header truncated at offset " + std::to_string(pos);
    size_t payload_pos = pos + hsize;
    size_t payload_size = 0;
    if (header & kHasSizeField) {
      auto size = read_leb128(data, &payload_pos);
      if (!size) return "bad obu_size at offset " + std::to_string(pos);
      if (*size > data.size() - payload_pos) return "obu_size past the end at offset " + std::to_string(pos);
      payload_size = size_t(*size);
    } else {
      payload_size = data.size() - payload_pos;
    }
    Obu obu;
    obu.type = obu_type(header);
    obu.bytes.reserve(hsize + payload_size);
    obu.bytes.push_back(uint8_t(header & ~kHasSizeField));
    if (hsize == 2) obu.bytes.push_back(data[pos + 1]);
    obu.bytes.insert(obu.bytes.end(), data.begin() + payload_pos, data.begin() + payload_pos + payload_size);
    out.push_back(std::move(obu));
    pos = payload_pos + payload_size;
  }
  return std::nullopt;
}

Packetized packetize(const std::vector<Obu> &obus, size_t max_payload, bool new_sequence) {
  Packetized out;
  // An aggregation header, a length byte and one payload byte at least.
  if (max_payload < 3) return out;
  PacketBuilder packet(max_payload, new_sequence, out);
  for (const Obu &obu : obus) {
    if (obu.type == kObuTemporalDelimiter || obu.type == kObuTileList || obu.type == kObuPadding) continue;
    const uint8_t *data = obu.bytes.data();
    size_t remaining = obu.bytes.size();
    while (remaining > 0) {
      const size_t free = packet.free();
      if (leb128_size(remaining) + remaining <= free) {
        packet.add(data, remaining);
        remaining = 0;
        break;
      }
      // Too big for what is left: fill the packet with a fragment, unless so
      // little is left that a fresh packet is better.
      const size_t part = packet.fragment_room();
      if (part < 2 && !packet.empty()) {
        packet.flush(false);
        continue;
      }
      if (part >= remaining) {
        // Fits whole as the packet's last element, without a length.
        packet.add_fragment(data, remaining);
        packet.flush(false);
        remaining = 0;
        break;
      }
      packet.add_fragment(data, part);
      packet.flush(true);
      data += part;
      remaining -= part;
    }
  }
  packet.flush(false);
  return out;
}

std::optional<std::string> Depacketizer::push(std::span<const uint8_t> payload, bool discontinuity) {
  if (payload.empty()) return "empty AV1 payload";
  if (discontinuity) {
    in_fragment_ = false;
    fragment_.clear();
  }
  const uint8_t agg = payload[0];
  const bool z = agg & 0x80;
  const bool y = agg & 0x40;
  const size_t w = (agg >> 4) & 0x03;
  if (agg & 0x08) new_sequence_ = true;

  // Check the framing first so a malformed packet changes nothing.
  struct Span {
    size_t pos, size;
  };
  std::vector<Span> elements;
  size_t pos = 1;
  while (pos < payload.size()) {
    size_t size = 0;
    if (w == 0 || elements.size() + 1 < w) {
      auto len = read_leb128(payload, &pos);
      if (!len) return "bad OBU element length";
      if (*len > payload.size() - pos) return "OBU element length past the end of the packet";
      size = size_t(*len);
    } else {
      size = payload.size() - pos;
    }
    elements.push_back({pos, size});
    pos += size;
    if (w != 0 && elements.size() == w && pos != payload.size()) return "data after the last OBU element";
  }
  if (w != 0 && elements.size() != w) return "fewer OBU elements than W says";

  for (size_t i = 0; i < elements.size(); ++i) {
    const uint8_t *data = payload.data() + elements[i].pos;
    const size_t size = elements[i].size;
    const bool first = i == 0;
    const bool last = i + 1 == elements.size();
    if (first && z) {
      // A continuation whose start was lost is dropped (in_fragment_ false).
      if (in_fragment_) fragment_.insert(fragment_.end(), data, data + size);
    } else {
      fragment_.assign(data, data + size);
      in_fragment_ = true;
    }
    if (last && y) continue;
    if (in_fragment_) finish_obu();
    in_fragment_ = false;
    fragment_.clear();
  }
  return std::nullopt;
}

void Depacketizer::finish_obu() {
  if (fragment_.empty()) return;
  const uint8_t header = fragment_[0];
  if (header & kForbiddenBit) return;
  const size_t hsize = header_size(header);
  if (fragment_.size() < hsize) return;
  std::vector<uint8_t> obu(fragment_.begin(), fragment_.begin() + hsize);
  size_t payload_pos = hsize;
  size_t payload_size = fragment_.size() - hsize;
  if (header & kHasSizeField) {
    // Senders SHOULD clear obu_has_size_field; one that did not keeps a size
    // we honour (bounded by the element).
    auto size = read_leb128(fragment_, &payload_pos);
    if (!size || *size > fragment_.size() - payload_pos) return;
    payload_size = size_t(*size);
    obu[0] &= uint8_t(~kHasSizeField);
  }
  const uint8_t type = obu_type(header);
  if (type == kObuTemporalDelimiter || type == kObuTileList || type == kObuPadding) return;
  if (type == kObuSequenceHeader) has_sequence_header_ = true;
  obu.insert(obu.end(), fragment_.begin() + payload_pos, fragment_.begin() + payload_pos + payload_size);
  obus_.push_back(std::move(obu));
}

std::vector<uint8_t> Depacketizer::take_temporal_unit() {
  std::vector<uint8_t> out;
  if (obus_.empty()) {
    reset();
    return out;
  }
  out.push_back(uint8_t(kObuTemporalDelimiter << 3) | kHasSizeField);
  out.push_back(0);
  for (const auto &obu : obus_) {
    const size_t hsize = header_size(obu[0]);
    out.push_back(obu[0] | kHasSizeField);
    if (hsize == 2) out.push_back(obu[1]);
    write_leb128(out, obu.size() - hsize);
    out.insert(out.end(), obu.begin() + hsize, obu.end());
  }
  reset();
  return out;
}

void Depacketizer::reset() {
  obus_.clear();
  fragment_.clear();
  in_fragment_ = false;
  new_sequence_ = false;
  has_sequence_header_ = false;
}

}  // namespace gst_rtc::av1
