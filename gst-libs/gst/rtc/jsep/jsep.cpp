// Session basics: the signaling state machine (RFC 8829 3.2, W3C
// webrtc-pc 4.3.1), rollback, trickled candidates and "negotiation needed".
// Offers, answers, validation and application live in offer.cpp,
// answer.cpp, validate.cpp and apply.cpp.
#include <algorithm>

#include "jsep-private.h"

namespace gst_rtc::jsep {

using namespace detail;

std::string_view to_string(SdpType t) {
  switch (t) {
    case SdpType::Offer:
      return "offer";
    case SdpType::PrAnswer:
      return "pranswer";
    case SdpType::Answer:
      return "answer";
    case SdpType::Rollback:
      return "rollback";
  }
  return "offer";
}

std::optional<SdpType> sdp_type_from_string(std::string_view s) {
  for (SdpType t : {SdpType::Offer, SdpType::PrAnswer, SdpType::Answer, SdpType::Rollback})
    if (s == to_string(t)) return t;
  return std::nullopt;
}

std::string_view to_string(SignalingState s) {
  switch (s) {
    case SignalingState::Stable:
      return "stable";
    case SignalingState::HaveLocalOffer:
      return "have-local-offer";
    case SignalingState::HaveRemoteOffer:
      return "have-remote-offer";
    case SignalingState::HaveLocalPrAnswer:
      return "have-local-pranswer";
    case SignalingState::HaveRemotePrAnswer:
      return "have-remote-pranswer";
    case SignalingState::Closed:
      return "closed";
  }
  return "stable";
}

namespace {

Error closed_error() {
  return make_error(ErrorCode::InvalidState, "the session is closed");
}

}  // namespace

Session::Session(Configuration config) : config_(std::move(config)) {}

Status Session::set_configuration(Configuration config) {
  if (state_ == SignalingState::Closed) return closed_error();
  bool negotiating = current_local_ || pending_local_ || current_remote_ || pending_remote_;
  if (negotiating && config.bundle_policy != config_.bundle_policy)
    return make_error(ErrorCode::InvalidModification,
                      "the bundle policy cannot change once negotiation started");
  config_ = std::move(config);
  return Ok{};
}

std::size_t Session::add_transceiver(Transceiver t) {
  if (t.codecs.empty()) t.codecs = default_codecs(t.kind);
  if (t.header_extensions.empty()) t.header_extensions = default_header_extensions(t.kind);
  transceivers_.push_back(std::move(t));
  return transceivers_.size() - 1;
}

const SessionDescription *Session::local_description() const {
  if (pending_local_) return &*pending_local_;
  return current_local_ ? &*current_local_ : nullptr;
}

const SessionDescription *Session::remote_description() const {
  if (pending_remote_) return &*pending_remote_;
  return current_remote_ ? &*current_remote_ : nullptr;
}

void Session::close() {
  state_ = SignalingState::Closed;
  snapshot_.reset();
}

Status Session::check_config() const {
  if (!valid_ice_ufrag(config_.ice.ufrag) || !valid_ice_pwd(config_.ice.pwd))
    return make_error(
        ErrorCode::Operation,
        "Configuration::ice needs a 4-256 character ufrag and a 22-256 character pwd (RFC 8839)");
  if (config_.fingerprints.empty())
    return make_error(ErrorCode::Operation, "Configuration::fingerprints is empty: DTLS needs one");
  if (config_.session_id.empty() || !std::all_of(config_.session_id.begin(), config_.session_id.end(),
                                                 [](char c) { return c >= '0' && c <= '9'; }))
    return make_error(ErrorCode::Operation, "Configuration::session_id must be digits");
  return Ok{};
}

// ---- state machine ---------------------------------------------------------

Status Session::check_transition(bool local, SdpType type) const {
  using S = SignalingState;
  if (state_ == S::Closed) return closed_error();
  bool ok = false;
  switch (type) {
    case SdpType::Offer:
      ok = state_ == S::Stable || state_ == (local ? S::HaveLocalOffer : S::HaveRemoteOffer);
      break;
    case SdpType::PrAnswer:
    case SdpType::Answer:
      ok = local ? (state_ == S::HaveRemoteOffer || state_ == S::HaveLocalPrAnswer)
                 : (state_ == S::HaveLocalOffer || state_ == S::HaveRemotePrAnswer);
      break;
    case SdpType::Rollback:
      // W3C: only an offer can be rolled back, from either side.
      ok = state_ == S::HaveLocalOffer || state_ == S::HaveRemoteOffer;
      break;
  }
  if (ok) return Ok{};
  return make_error(ErrorCode::InvalidState,
                    std::string(local ? "set_local_description(" : "set_remote_description(") +
                        std::string(to_string(type)) + ") is not allowed in state " +
                        std::string(to_string(state_)));
}

Result<Plan> Session::set_local_description(SdpType type, const SessionDescription &sdp) {
  return apply_description(true, type, sdp);
}

Result<Plan> Session::set_remote_description(SdpType type, const SessionDescription &sdp) {
  return apply_description(false, type, sdp);
}

Result<Plan> Session::apply_description(bool local, SdpType type, const SessionDescription &sdp) {
  if (Status s = check_transition(local, type); !s) return s.error();
  if (type == SdpType::Rollback) return rollback();
  if (Status s = local ? check_local(type, sdp) : validate_remote(type, sdp); !s) return s.error();

  // Applying is all-or-nothing (RFC 8829 5.9/5.10): keep a copy to restore.
  Session before = *this;
  Result<Plan> r = type == SdpType::Offer ? (local ? apply_local_offer(sdp) : apply_remote_offer(sdp))
                                          : apply_answer(type, sdp, local);
  if (!r) *this = std::move(before);
  return r;
}

// ---- rollback ----------------------------------------------------------------

void Session::take_snapshot() {
  Snapshot s;
  for (const auto &t : transceivers_)
    s.transceivers.push_back({t.mid, t.mline, t.current_direction, t.stopping, t.stopped, t.receiving});
  s.data_mid = data_mid_;
  s.data_mline = data_mline_;
  s.used_mids = used_mids_;
  s.next_mid = next_mid_;
  snapshot_ = std::move(s);
}

void Session::restore_snapshot() {
  if (!snapshot_) return;
  const Snapshot &s = *snapshot_;
  std::vector<Transceiver> kept;
  for (std::size_t i = 0; i < transceivers_.size(); i++) {
    Transceiver &t = transceivers_[i];
    if (i < s.transceivers.size()) {
      const TransceiverState &st = s.transceivers[i];
      t.mid = st.mid;
      t.mline = st.mline;
      t.current_direction = st.current_direction;
      t.stopping = st.stopping;
      t.stopped = st.stopped;
      t.receiving = st.receiving;
      kept.push_back(std::move(t));
      continue;
    }
    // Made by the rolled-back remote offer: removed (RFC 8829 5.7), unless
    // the application started using it, which we can only tell from a
    // direction it changed.
    if (t.created_by_remote && t.direction == Direction::RecvOnly) continue;
    t.mid.reset();
    t.mline.reset();
    t.current_direction.reset();
    t.receiving = false;
    t.created_by_remote = false;
    kept.push_back(std::move(t));
  }
  transceivers_ = std::move(kept);
  data_mid_ = s.data_mid;
  data_mline_ = s.data_mline;
  used_mids_ = s.used_mids;
  next_mid_ = s.next_mid;
}

Result<Plan> Session::rollback() {
  restore_snapshot();
  snapshot_.reset();
  pending_local_.reset();
  pending_remote_.reset();
  state_ = SignalingState::Stable;
  Plan plan;
  plan.state = state_;
  return plan;
}

// ---- mids ----------------------------------------------------------------------

bool Session::mid_taken(std::string_view mid, const std::vector<std::string> &reserved) const {
  if (std::find(used_mids_.begin(), used_mids_.end(), mid) != used_mids_.end()) return true;
  if (std::find(reserved.begin(), reserved.end(), mid) != reserved.end()) return true;
  if (data_mid_ && *data_mid_ == mid) return true;
  for (const auto &t : transceivers_)
    if (t.mid && *t.mid == mid) return true;
  for (const auto *d : {&current_local_, &pending_local_, &current_remote_, &pending_remote_})
    if (*d && find_mline(**d, mid)) return true;
  return false;
}

std::string Session::allocate_mid(std::vector<std::string> &reserved) const {
  // Continue after the last mid handed out in this call sequence, so that
  // many mid-less m-lines stay linear.
  std::size_t start = next_mid_;
  if (!reserved.empty())
    if (auto last = parse_int(reserved.back(), 0, 99999999); last && static_cast<std::size_t>(*last) >= start)
      start = *last + 1;
  for (std::size_t n = start;; n++) {
    std::string mid = std::to_string(n);
    if (!mid_taken(mid, reserved)) {
      reserved.push_back(mid);
      return mid;
    }
  }
}

void Session::remember_mids(const SessionDescription &sdp) {
  for (const auto &m : sdp.media) {
    if (!m.mid) continue;
    if (std::find(used_mids_.begin(), used_mids_.end(), *m.mid) == used_mids_.end())
      used_mids_.push_back(*m.mid);
    if (auto n = parse_int(*m.mid, 0, 99999999); n && static_cast<std::size_t>(*n) >= next_mid_)
      next_mid_ = *n + 1;
  }
}

std::optional<std::size_t> Session::transceiver_at(std::size_t mline) const {
  for (std::size_t i = 0; i < transceivers_.size(); i++)
    if (transceivers_[i].mline == mline) return i;
  return std::nullopt;
}

bool Session::rejected_in_current(std::size_t index) const {
  return (current_local_ && index < current_local_->media.size() &&
          is_rejected(*current_local_, index, !local_was_offerer_)) ||
         (current_remote_ && index < current_remote_->media.size() &&
          is_rejected(*current_remote_, index, local_was_offerer_));
}

std::optional<DtlsRole> Session::negotiated_role(const std::string &mid) const {
  for (const auto &[m, role] : dtls_roles_)
    if (m == mid) return role;
  return std::nullopt;
}

// ---- trickle -------------------------------------------------------------------

Result<TransportPlan> Session::add_remote_candidate(std::optional<std::string> mid,
                                                    std::optional<std::size_t> mline,
                                                    const std::optional<Candidate> &candidate) {
  if (state_ == SignalingState::Closed) return closed_error();
  std::optional<SessionDescription> &remote = pending_remote_ ? pending_remote_ : current_remote_;
  if (!remote)
    return make_error(ErrorCode::InvalidState, "add_remote_candidate needs a remote description first");
  if (!mid && !mline && candidate)
    return make_error(ErrorCode::Type, "a candidate needs an sdpMid or an sdpMLineIndex");

  // W3C: sdpMid wins over sdpMLineIndex when both are given.
  std::vector<std::size_t> targets;
  if (mid) {
    auto i = find_mline(*remote, *mid);
    if (!i)
      return make_error(ErrorCode::Operation,
                        "no m-line with mid \"" + *mid + "\" in the remote description");
    targets.push_back(*i);
  } else if (mline) {
    if (*mline >= remote->media.size())
      return make_error(ErrorCode::Operation, "m-line index " + std::to_string(*mline) + " is out of range");
    targets.push_back(*mline);
  } else {
    for (std::size_t i = 0; i < remote->media.size(); i++) targets.push_back(i);  // end of all candidates
  }

  // Is the remote description an answer? Then its BUNDLE groups decide.
  bool remote_is_answer = pending_remote_ ? state_ == SignalingState::HaveRemotePrAnswer : local_was_offerer_;
  std::size_t first = targets.front();
  if (candidate && is_rejected(*remote, first, remote_is_answer))
    return make_error(ErrorCode::Operation, "m-line " + std::to_string(first) + " is rejected");
  if (candidate && candidate->ufrag) {
    TransportAttributes ta = transport_attributes(*remote, first, remote_is_answer);
    const auto &own = remote->media[first].attrs.ice_ufrag;
    if (ta.ufrag != candidate->ufrag && own != candidate->ufrag)
      return make_error(ErrorCode::Operation, "candidate ufrag \"" + *candidate->ufrag +
                                                  "\" does not match the remote description");
  }

  for (std::size_t i : targets) {
    MediaDescription &m = remote->media[i];
    if (!candidate) {
      m.end_of_candidates = true;
    } else if (std::find(m.candidates.begin(), m.candidates.end(), *candidate) == m.candidates.end()) {
      m.candidates.push_back(*candidate);
    }
  }

  // The transport the candidate belongs to, as the latest exchange has it.
  const SessionDescription *local = local_description();
  TransportLayout layout = transport_layout(*remote, remote_is_answer);
  TransportPlan tp;
  std::size_t tag = first;
  if (first < layout.line_transport.size() && layout.line_transport[first]) {
    const auto &t = layout.transports[*layout.line_transport[first]];
    tag = t.tag;
    for (std::size_t j : t.lines)
      if (remote->media[j].mid) tp.mids.push_back(*remote->media[j].mid);
  }
  tp.mid = remote->media[tag].mid.value_or(std::to_string(tag));
  if (tp.mids.empty()) tp.mids.push_back(tp.mid);
  TransportAttributes rta = transport_attributes(*remote, tag, remote_is_answer);
  if (rta.ufrag && rta.pwd) tp.remote_ice = IceCredentials{*rta.ufrag, *rta.pwd};
  tp.remote_ice_lite = rta.ice_lite;
  tp.remote_fingerprints = rta.fingerprints;
  tp.local_ice = config_.ice;
  if (local && tag < local->media.size()) {
    TransportAttributes lta = transport_attributes(*local, tag, !remote_is_answer);
    if (lta.ufrag && lta.pwd) tp.local_ice = IceCredentials{*lta.ufrag, *lta.pwd};
  }
  tp.ice_controlling = ice_controlling_.value_or(remote_is_answer);
  if (tp.remote_ice_lite) tp.ice_controlling = true;
  tp.dtls_role = negotiated_role(tp.mid);
  if (candidate) tp.remote_candidates.push_back(*candidate);
  tp.remote_end_of_candidates = !candidate;
  return tp;
}

// ---- negotiation needed -----------------------------------------------------------

bool Session::negotiation_needed() const {
  if (state_ != SignalingState::Stable) return false;
  const SessionDescription *local = current_local_ ? &*current_local_ : nullptr;
  const SessionDescription *remote = current_remote_ ? &*current_remote_ : nullptr;

  if (data_wanted_) {
    bool have = local && data_mline_ && *data_mline_ < local->media.size() &&
                local->media[*data_mline_].media == "application";
    if (!have) return true;
  }
  for (const auto &t : transceivers_) {
    if (t.stopped) continue;
    if (t.stopping) return true;
    if (!t.mid || !t.mline || !local || *t.mline >= local->media.size()) return true;
    const MediaDescription &lm = local->media[*t.mline];
    if (rejected_in_current(*t.mline)) continue;  // waiting to be recycled
    if (direction_sends(t.direction) && !t.stream_id.empty()) {
      bool found = std::any_of(lm.msids.begin(), lm.msids.end(),
                               [&](const Msid &m) { return m.stream_id == t.stream_id; });
      if (!found) return true;
    }
    Direction local_dir = lm.effective_direction();
    std::optional<Direction> remote_dir;
    if (remote && *t.mline < remote->media.size()) remote_dir = remote->media[*t.mline].effective_direction();
    if (local_was_offerer_) {
      // Neither what we offered nor what was answered (reversed) is what the
      // application wants now.
      if (local_dir != t.direction && (!remote_dir || reverse(*remote_dir) != t.direction)) return true;
    } else {
      Direction offered = remote_dir ? reverse(*remote_dir) : Direction::Inactive;
      Direction wanted = make_direction(direction_sends(t.direction) && direction_sends(offered),
                                        direction_receives(t.direction) && direction_receives(offered));
      if (local_dir != wanted) return true;
    }
  }
  return false;
}

}  // namespace gst_rtc::jsep
