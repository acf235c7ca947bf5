// Golden SDPs from real stacks (tests/files/sdp/): each parses, re-serializes
// losslessly, and — for offers — gets a correct answer from our engine.
// Malformed ones (tests/files/sdp/malformed/) fail on the line EXPECTED names.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "jsep.h"
#include "sdp.h"

using namespace gst_rtc::jsep;
namespace fs = std::filesystem;

namespace {

fs::path files_dir() {
  const char *env = std::getenv("GST_RTC_TEST_FILES");
  return fs::path(env ? env : "tests/files") / "sdp";
}

std::vector<std::string> list(const fs::path &dir, const std::string &suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().filename().string().ends_with(suffix))
      out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string test_name(const testing::TestParamInfo<std::string> &info) {
  std::string n = info.param;
  for (char &c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

Configuration answerer_config() {
  Configuration c;
  c.session_id = "3141592653589793238";
  c.ice = {"gOlD", "goldengoldengoldengolden"};
  c.fingerprints = {{"sha-256",
                     "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"}};
  return c;
}

// Port 0 rejects an m-line unless it is bundle-only (RFC 8843): then it is
// accepted and carried by the BUNDLE tag's transport.
bool bundle_only(const MediaDescription &m) {
  for (const auto &a : m.attrs.other)
    if (a.name == "bundle-only") return true;
  return false;
}
bool rejected(const MediaDescription &m) { return m.port == 0 && !bundle_only(m); }

std::set<std::string> payload_types(const MediaDescription &m) {
  return {m.formats.begin(), m.formats.end()};
}

class Golden : public testing::TestWithParam<std::string> {};
class GoldenOffer : public testing::TestWithParam<std::string> {};
class Malformed : public testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Golden, ParsesAndRoundTripsLosslessly) {
  std::string text = read_file(files_dir() / GetParam());
  ASSERT_FALSE(text.empty());
  auto sdp = parse_sdp(text);
  ASSERT_TRUE(sdp.ok()) << sdp.error().describe();
  EXPECT_FALSE(sdp->media.empty());

  std::string once = serialize_sdp(*sdp);
  auto again = parse_sdp(once);
  ASSERT_TRUE(again.ok()) << again.error().describe() << "\n" << once;
  EXPECT_EQ(*again, *sdp) << once;
  EXPECT_EQ(serialize_sdp(*again), once);

  // Nothing is dropped: every input line that is not purely ordering-
  // dependent reappears verbatim in the output (line ends normalized).
  std::multiset<std::string> in_lines, out_lines;
  std::istringstream in(text), out(once);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!l.empty()) in_lines.insert(l);
  }
  for (std::string l; std::getline(out, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!l.empty()) out_lines.insert(l);
  }
  std::vector<std::string> lost;
  std::set_difference(in_lines.begin(), in_lines.end(), out_lines.begin(), out_lines.end(),
                      std::back_inserter(lost));
  EXPECT_TRUE(lost.empty()) << "lines not reproduced verbatim, first: " << lost.front();
}

TEST_P(GoldenOffer, AnsweredCorrectly) {
  auto offer = parse_sdp(read_file(files_dir() / GetParam()));
  ASSERT_TRUE(offer.ok()) << offer.error().describe();

  Session s(answerer_config());
  auto plan = s.set_remote_description(SdpType::Offer, *offer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(s.signaling_state(), SignalingState::HaveRemoteOffer);
  for (auto &t : s.transceivers()) t.direction = Direction::SendRecv;

  auto answer = s.create_answer();
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  ASSERT_EQ(answer->media.size(), offer->media.size());

  const Group *offered_bundle = offer->bundle_group();
  std::set<std::string> offered_mids;
  if (offered_bundle) offered_mids.insert(offered_bundle->mids.begin(), offered_bundle->mids.end());

  std::size_t accepted = 0;
  for (std::size_t i = 0; i < offer->media.size(); i++) {
    const auto &o = offer->media[i];
    const auto &a = answer->media[i];
    SCOPED_TRACE("m-line " + std::to_string(i));
    EXPECT_EQ(a.media, o.media);
    EXPECT_EQ(a.mid, o.mid);
    if (rejected(o)) {
      EXPECT_TRUE(rejected(a)) << "an m-line offered with port 0 must stay rejected";
      continue;
    }
    if (rejected(a)) continue;
    accepted++;
    if (o.is_rtp()) {
      // Answer payload types come from the offer, never invented.
      auto offered = payload_types(o);
      for (const auto &pt : a.formats) {
        EXPECT_TRUE(offered.count(pt)) << "payload type " << pt << " not offered";
      }
      ASSERT_FALSE(a.formats.empty());
      // Direction: what we answer is allowed by what was offered.
      Direction od = o.attrs.direction.value_or(offer->attrs.direction.value_or(Direction::SendRecv));
      Direction ad = a.effective_direction();
      if (direction_sends(ad)) {
        EXPECT_TRUE(direction_receives(od)) << to_string(ad) << " vs " << to_string(od);
      }
      if (direction_receives(ad)) {
        EXPECT_TRUE(direction_sends(od)) << to_string(ad) << " vs " << to_string(od);
      }
      // rtx only with its apt.
      for (const auto &f : a.fmtps) {
        const RtpMap *rm = a.find_rtpmap(f.payload_type);
        if (!rm || rm->encoding != "rtx") continue;
        for (const auto &[k, v] : parse_fmtp_parameters(f.parameters)) {
          if (k != "apt") continue;
          EXPECT_TRUE(std::find(a.formats.begin(), a.formats.end(), v) != a.formats.end())
              << "rtx " << f.payload_type << " repairs " << v << " which the answer dropped";
        }
      }
    }
    if (o.is_data_channel()) {
      EXPECT_TRUE(a.sctp_port.has_value());
    }
    // DTLS role: never actpass in an answer.
    std::optional<gst_rtc::jsep::Setup> setup = a.attrs.setup ? a.attrs.setup : answer->attrs.setup;
    ASSERT_TRUE(setup.has_value());
    EXPECT_NE(*setup, gst_rtc::jsep::Setup::ActPass);
  }
  EXPECT_GT(accepted, 0u);

  if (const Group *g = answer->bundle_group()) {
    for (const auto &mid : g->mids) {
      EXPECT_TRUE(offered_mids.count(mid)) << "mid " << mid << " not in offered BUNDLE";
    }
  }

  auto applied = s.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_EQ(s.signaling_state(), SignalingState::Stable);
  EXPECT_FALSE(applied->transports.empty());

  // The answer survives the wire too.
  auto wire = parse_sdp(serialize_sdp(*answer));
  ASSERT_TRUE(wire.ok()) << wire.error().describe();
  EXPECT_EQ(*wire, *answer);
}

TEST_P(Malformed, RejectedOnTheRightLine) {
  std::map<std::string, std::size_t> expected;
  std::ifstream f(files_dir() / "malformed" / "EXPECTED");
  for (std::string l; std::getline(f, l);) {
    std::istringstream ls(l);
    std::string name;
    std::size_t line = 0;
    if (l.empty() || l[0] == '#' || !(ls >> name >> line)) continue;
    expected[name] = line;
  }
  ASSERT_TRUE(expected.count(GetParam())) << GetParam() << " has no entry in malformed/EXPECTED";

  auto sdp = parse_sdp(read_file(files_dir() / "malformed" / GetParam()));
  ASSERT_FALSE(sdp.ok()) << GetParam() << " parsed but is malformed";
  EXPECT_EQ(sdp.error().code, ErrorCode::Syntax);
  EXPECT_EQ(sdp.error().line, expected[GetParam()]) << sdp.error().describe();
  EXPECT_FALSE(sdp.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(Sdp, Golden, testing::ValuesIn(list(files_dir(), ".sdp")), test_name);
INSTANTIATE_TEST_SUITE_P(Sdp, GoldenOffer, testing::ValuesIn(list(files_dir(), ".offer.sdp")), test_name);
INSTANTIATE_TEST_SUITE_P(Sdp, Malformed, testing::ValuesIn(list(files_dir() / "malformed", ".sdp")), test_name);
