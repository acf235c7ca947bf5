// The Data Channel Establishment Protocol wire format (RFC 8832 §5):
// DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK. Input is hostile: every field is
// bounds-checked and anything malformed is a typed error, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace gst_rtc::sctp::dcep {

enum class MessageType : uint8_t { Ack = 0x02, Open = 0x03 };

// RFC 8832 §5.1: the high bit means unordered.
enum class ChannelType : uint8_t {
  Reliable = 0x00,
  ReliableUnordered = 0x80,
  PartialReliableRexmit = 0x01,
  PartialReliableRexmitUnordered = 0x81,
  PartialReliableTimed = 0x02,
  PartialReliableTimedUnordered = 0x82,
};

bool is_ordered(ChannelType type);

struct Open {
  ChannelType channel_type = ChannelType::Reliable;
  uint16_t priority = 0;
  // Retransmissions or lifetime in ms per channel_type; 0 for reliable ones.
  uint32_t reliability = 0;
  std::string label;
  std::string protocol;

  bool operator==(const Open &) const = default;
};

struct Ack {
  bool operator==(const Ack &) const = default;
};

// A parsed message: `open` is meaningful only when type is Open. (A plain
// struct rather than a variant: g++ 12 with sanitizers warns spuriously on
// moving variants of this shape.)
struct Message {
  MessageType type = MessageType::Ack;
  Open open;
};

// Errors: Type when label or protocol exceed 65535 bytes.
jsep::Result<std::vector<uint8_t>> encode(const Open &open);
std::vector<uint8_t> encode(const Ack &ack);

// Errors: DataChannelFailure for truncated, overlong or unknown input.
jsep::Result<Message> parse(std::span<const uint8_t> data);

}  // namespace gst_rtc::sctp::dcep
