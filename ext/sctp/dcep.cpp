#include "dcep.h"

namespace gst_rtc::sctp::dcep {

namespace {

constexpr std::size_t kOpenHeaderSize = 12;

jsep::Error malformed(const std::string &why) {
  return jsep::make_error(jsep::ErrorCode::DataChannelFailure, "malformed DCEP message: " + why);
}

uint16_t read16(const uint8_t *p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t read32(const uint8_t *p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

void write16(std::vector<uint8_t> &out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

bool valid_channel_type(uint8_t t) {
  switch (static_cast<ChannelType>(t)) {
    case ChannelType::Reliable:
    case ChannelType::ReliableUnordered:
    case ChannelType::PartialReliableRexmit:
    case ChannelType::PartialReliableRexmitUnordered:
    case ChannelType::PartialReliableTimed:
    case ChannelType::PartialReliableTimedUnordered:
      return true;
  }
  return false;
}

// RFC 8832 §5.1: label and protocol are UTF-8. Rejects overlong forms,
// surrogates and code points above U+10FFFF.
bool valid_utf8(const uint8_t *p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    std::size_t len;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (p[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace

bool is_ordered(ChannelType type) {
  return (static_cast<uint8_t>(type) & 0x80) == 0;
}

jsep::Result<std::vector<uint8_t>> encode(const Open &open) {
  if (open.label.size() > 0xffff || open.protocol.size() > 0xffff)
    return jsep::make_error(jsep::ErrorCode::Type, "label and protocol are limited to 65535 bytes");
  std::vector<uint8_t> out;
  out.reserve(kOpenHeaderSize + open.label.size() + open.protocol.size());
  out.push_back(static_cast<uint8_t>(MessageType::Open));
  out.push_back(static_cast<uint8_t>(open.channel_type));
  write16(out, open.priority);
  write16(out, static_cast<uint16_t>(open.reliability >> 16));
  write16(out, static_cast<uint16_t>(open.reliability));
  write16(out, static_cast<uint16_t>(open.label.size()));
  write16(out, static_cast<uint16_t>(open.protocol.size()));
  out.insert(out.end(), open.label.begin(), open.label.end());
  out.insert(out.end(), open.protocol.begin(), open.protocol.end());
  return out;
}

std::vector<uint8_t> encode(const Ack &) {
  return {static_cast<uint8_t>(MessageType::Ack)};
}

jsep::Result<Message> parse(std::span<const uint8_t> data) {
  if (data.empty()) return malformed("empty");
  switch (data[0]) {
    case static_cast<uint8_t>(MessageType::Ack):
      // The ACK is exactly its type byte.
      if (data.size() != 1) return malformed("DATA_CHANNEL_ACK of " + std::to_string(data.size()) + " bytes");
      return Message{MessageType::Ack, {}};
    case static_cast<uint8_t>(MessageType::Open):
      break;
    default:
      return malformed("unknown message type " + std::to_string(data[0]));
  }
  if (data.size() < kOpenHeaderSize)
    return malformed("DATA_CHANNEL_OPEN header truncated at " + std::to_string(data.size()) + " bytes");
  if (!valid_channel_type(data[1])) return malformed("unknown channel type " + std::to_string(data[1]));
  Open open;
  open.channel_type = static_cast<ChannelType>(data[1]);
  open.priority = read16(&data[2]);
  open.reliability = read32(&data[4]);
  const std::size_t label_len = read16(&data[8]);
  const std::size_t protocol_len = read16(&data[10]);
  // Sizes are at most 2 * 65535 + 12: no overflow in size_t.
  const std::size_t expected = kOpenHeaderSize + label_len + protocol_len;
  if (data.size() < expected)
    return malformed("label/protocol lengths (" + std::to_string(label_len) + ", " +
                     std::to_string(protocol_len) + ") run past the end of " + std::to_string(data.size()) +
                     " bytes");
  if (data.size() > expected)
    return malformed(std::to_string(data.size() - expected) + " trailing bytes after DATA_CHANNEL_OPEN");
  if (!valid_utf8(data.data() + kOpenHeaderSize, label_len)) return malformed("label is not UTF-8");
  if (!valid_utf8(data.data() + kOpenHeaderSize + label_len, protocol_len))
    return malformed("protocol is not UTF-8");
  const auto *p = reinterpret_cast<const char *>(data.data()) + kOpenHeaderSize;
  open.label.assign(p, label_len);
  open.protocol.assign(p + label_len, protocol_len);
  // RFC 8832 §5.1: reliable channels carry no reliability parameter; it is
  // ignored rather than rejected, as the receiver must.
  if (open.channel_type == ChannelType::Reliable || open.channel_type == ChannelType::ReliableUnordered)
    open.reliability = 0;
  return Message{MessageType::Open, std::move(open)};
}

}  // namespace gst_rtc::sctp::dcep
