// libFuzzer target: DCEP messages (RFC 8832) as the peer sends them on an
// SCTP stream. Whatever parses must re-encode to bytes that parse equal.
#include <cstdint>
#include <span>

#include "dcep.h"

using namespace gst_rtc::sctp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  auto msg = dcep::parse(std::span<const std::uint8_t>(data, size));
  if (!msg) return 0;
  if (msg->type == dcep::MessageType::Open) {
    auto bytes = dcep::encode(msg->open);
    if (!bytes) __builtin_trap();
    auto again = dcep::parse(*bytes);
    if (!again || again->type != dcep::MessageType::Open || !(again->open == msg->open)) __builtin_trap();
  }
  return 0;
}
