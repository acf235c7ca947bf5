// Small helpers on the SDP model declared in sdp.h.
#include "sdp.h"

namespace gst_rtc::jsep {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::SendRecv:
      return "sendrecv";
    case Direction::SendOnly:
      return "sendonly";
    case Direction::RecvOnly:
      return "recvonly";
    case Direction::Inactive:
      return "inactive";
  }
  return "sendrecv";
}

std::optional<Direction> direction_from_string(std::string_view s) {
  if (s == "sendrecv") return Direction::SendRecv;
  if (s == "sendonly") return Direction::SendOnly;
  if (s == "recvonly") return Direction::RecvOnly;
  if (s == "inactive") return Direction::Inactive;
  return std::nullopt;
}

Direction reverse(Direction d) {
  switch (d) {
    case Direction::SendOnly:
      return Direction::RecvOnly;
    case Direction::RecvOnly:
      return Direction::SendOnly;
    default:
      return d;
  }
}

bool direction_sends(Direction d) {
  return d == Direction::SendRecv || d == Direction::SendOnly;
}
bool direction_receives(Direction d) {
  return d == Direction::SendRecv || d == Direction::RecvOnly;
}

Direction make_direction(bool send, bool recv) {
  if (send && recv) return Direction::SendRecv;
  if (send) return Direction::SendOnly;
  if (recv) return Direction::RecvOnly;
  return Direction::Inactive;
}

std::string_view to_string(Setup s) {
  switch (s) {
    case Setup::ActPass:
      return "actpass";
    case Setup::Active:
      return "active";
    case Setup::Passive:
      return "passive";
    case Setup::HoldConn:
      return "holdconn";
  }
  return "actpass";
}

std::optional<Setup> setup_from_string(std::string_view s) {
  if (s == "actpass") return Setup::ActPass;
  if (s == "active") return Setup::Active;
  if (s == "passive") return Setup::Passive;
  if (s == "holdconn") return Setup::HoldConn;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> parse_fmtp_parameters(std::string_view params) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!params.empty()) {
    std::size_t semi = params.find(';');
    std::string_view item = params.substr(0, semi);
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    item = trim(item);
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      out.emplace_back(std::string(item), std::string());
    else
      out.emplace_back(std::string(trim(item.substr(0, eq))), std::string(trim(item.substr(eq + 1))));
  }
  return out;
}

std::string format_fmtp_parameters(const std::vector<std::pair<std::string, std::string>> &params) {
  std::string out;
  for (const auto &[key, value] : params) {
    if (!out.empty()) out += ';';
    out += key;
    if (!value.empty()) {
      out += '=';
      out += value;
    }
  }
  return out;
}

bool MediaDescription::is_rtp() const {
  return proto.find("RTP/") != std::string::npos;
}

bool MediaDescription::is_data_channel() const {
  std::string_view p = proto;
  constexpr std::string_view suffix = "DTLS/SCTP";
  return media == "application" && p.size() >= suffix.size() && p.substr(p.size() - suffix.size()) == suffix;
}

const RtpMap *MediaDescription::find_rtpmap(int pt) const {
  for (const auto &r : rtpmaps)
    if (r.payload_type == pt) return &r;
  return nullptr;
}

const Fmtp *MediaDescription::find_fmtp(int pt) const {
  for (const auto &f : fmtps)
    if (f.payload_type == pt) return &f;
  return nullptr;
}

const Group *SessionDescription::bundle_group() const {
  for (const auto &g : groups)
    if (g.semantics == "BUNDLE") return &g;
  return nullptr;
}

const MediaDescription *SessionDescription::find_media(std::string_view mid) const {
  for (const auto &m : media)
    if (m.mid && *m.mid == mid) return &m;
  return nullptr;
}

}  // namespace gst_rtc::jsep
