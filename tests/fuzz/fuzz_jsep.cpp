// libFuzzer target: hostile SDP through the whole sans-IO core.
//
// Besides "no crash, no leak, no sanitizer report", it checks the parser's
// promises: anything that parses re-serializes to text that parses to the
// same model, and every candidate line re-serializes to an equal candidate.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "candidate.h"
#include "jsep.h"
#include "sdp.h"

using namespace gst_rtc::jsep;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

Configuration answerer_config() {
  Configuration c;
  c.session_id = "4611731400430051336";
  c.ice = {"fUzZ", "fuzzfuzzfuzzfuzzfuzzfuzz"};
  c.fingerprints = {{"sha-256",
                     "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"}};
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);

  auto parsed = parse_sdp(text);
  if (!parsed) return 0;

  // Round trip: serialize is lossless at the model level and a fixed point.
  std::string once = serialize_sdp(*parsed);
  auto reparsed = parse_sdp(once);
  check(reparsed.ok());
  check(*reparsed == *parsed);
  check(serialize_sdp(*reparsed) == once);

  for (const auto &m : parsed->media)
    for (const auto &c : m.candidates) {
      auto again = parse_candidate(serialize_candidate(c));
      check(again.ok() && *again == c);
    }

  // Validate as a remote offer, answer it, apply the answer locally, then
  // try the same text as a remote answer to our own offer.
  Session answerer(answerer_config());
  auto plan = answerer.set_remote_description(SdpType::Offer, *parsed);
  if (plan) {
    auto answer = answerer.create_answer();
    if (answer) {
      auto applied = answerer.set_local_description(SdpType::Answer, *answer);
      (void)applied;
      auto text_answer = serialize_sdp(*answer);
      check(parse_sdp(text_answer).ok());
    }
    (void)answerer.negotiation_needed();
  }

  Session offerer(answerer_config());
  Transceiver audio;
  audio.kind = "audio";
  audio.codecs = default_codecs("audio");
  offerer.add_transceiver(audio);
  Transceiver video;
  video.kind = "video";
  video.codecs = default_codecs("video");
  offerer.add_transceiver(video);
  offerer.request_data_channel();
  auto offer = offerer.create_offer();
  if (offer && offerer.set_local_description(SdpType::Offer, *offer)) {
    auto r = offerer.set_remote_description(SdpType::Answer, *parsed);
    (void)r;
  }
  return 0;
}
