// Applying descriptions (RFC 8829 5.9-5.11, W3C "set the session
// description"): transceiver <-> m-line association, the negotiated state
// an answer fixes, and the Plan the transports and RTP must follow.
#include <algorithm>
#include <cstdlib>
#include <set>

#include "jsep-private.h"

namespace gst_rtc::jsep {

using namespace detail;

Result<Plan> Session::apply_local_offer(const SessionDescription &sdp) {
  // Re-offering before an answer replaces the previous offer's effects.
  if (state_ == SignalingState::HaveLocalOffer)
    restore_snapshot();
  else
    take_snapshot();

  for (std::size_t i = 0; i < last_offer_slots_.size() && i < sdp.media.size(); i++) {
    const Slot &slot = last_offer_slots_[i];
    if (slot.owner == Slot::Owner::Transceiver) {
      if (slot.transceiver >= transceivers_.size())
        return make_error(ErrorCode::InvalidModification, "a transceiver of the offer no longer exists");
      // A recycled m-line leaves its stopped transceiver without one.
      for (std::size_t t = 0; t < transceivers_.size(); t++)
        if (t != slot.transceiver && transceivers_[t].mline == i) transceivers_[t].mline.reset();
      Transceiver &t = transceivers_[slot.transceiver];
      t.mid = sdp.media[i].mid;
      t.mline = i;
    } else if (slot.owner == Slot::Owner::Data) {
      data_mid_ = sdp.media[i].mid;
      data_mline_ = i;
    }
  }
  remember_mids(sdp);
  Plan plan = make_plan(Phase::LocalOffer, &sdp, nullptr, current_local_ ? &*current_local_ : nullptr,
                        current_remote_ ? &*current_remote_ : nullptr, false);
  pending_local_ = sdp;
  state_ = plan.state = SignalingState::HaveLocalOffer;
  return plan;
}

Result<Plan> Session::apply_remote_offer(const SessionDescription &sdp) {
  if (state_ == SignalingState::HaveRemoteOffer)
    restore_snapshot();
  else
    take_snapshot();
  // Offers we created before are stale now (W3C [[LastCreatedOffer]]).
  last_answer_.reset();
  last_offer_.reset();

  std::vector<std::size_t> created;
  std::vector<std::string> reserved;  // generated mids must not clash with the offer's own
  for (const auto &m : sdp.media)
    if (m.mid) reserved.push_back(*m.mid);
  bool data_taken = false;
  for (std::size_t i = 0; i < sdp.media.size(); i++) {
    const MediaDescription &m = sdp.media[i];
    bool rejected = is_rejected(sdp, i, false);
    // An m-line whose mid changed was recycled: its old transceiver lets go.
    Transceiver *cur = nullptr;  // not kept past a push_back below
    if (auto c = transceiver_at(i)) cur = &transceivers_[*c];
    if (cur && cur->mid != m.mid && m.mid) {
      cur->mline.reset();
      cur = nullptr;
    }
    if (m.media == "application") {
      if (!rejected && is_supported_data(m) && !data_taken) {
        data_mid_ = m.mid ? *m.mid : (data_mline_ == i && data_mid_ ? *data_mid_ : allocate_mid(reserved));
        data_mline_ = i;
        data_taken = true;
      }
      continue;
    }
    if (!is_av_kind(m.media) || !is_supported_rtp_proto(m.proto)) continue;

    // RFC 8829 5.10: without a=mid the m-line keeps its index association
    // or gets a generated mid.
    std::string mid;
    if (m.mid)
      mid = *m.mid;
    else if (cur && cur->mid && cur->kind == m.media)
      mid = *cur->mid;
    else
      mid = allocate_mid(reserved);

    std::optional<std::size_t> ti;
    for (std::size_t t = 0; t < transceivers_.size() && !ti; t++)
      if (!transceivers_[t].stopped && transceivers_[t].mid == mid) ti = t;
    if (ti && transceivers_[*ti].kind != m.media)
      return make_error(ErrorCode::InvalidAccess, "mid \"" + mid + "\" is a " + transceivers_[*ti].kind +
                                                      " transceiver but the offer makes it " + m.media);
    if (!ti && !rejected) {
      // W3C: an unassociated transceiver of the kind may take a m-line
      // the remote wants to receive on; otherwise a new recvonly one.
      if (direction_receives(m.effective_direction())) {
        for (std::size_t t = 0; t < transceivers_.size() && !ti; t++) {
          const Transceiver &c = transceivers_[t];
          if (c.kind == m.media && !c.mid && !c.mline && !c.stopped && !c.stopping && c.reusable_by_remote &&
              !c.created_by_remote)
            ti = t;
        }
      }
      if (!ti) {
        Transceiver t;
        t.kind = m.media;
        t.direction = Direction::RecvOnly;
        t.codecs = default_codecs(t.kind);
        t.header_extensions = default_header_extensions(t.kind);
        t.created_by_remote = true;
        transceivers_.push_back(std::move(t));
        ti = transceivers_.size() - 1;
        created.push_back(*ti);
      }
    }
    if (!ti) continue;
    Transceiver &t = transceivers_[*ti];
    for (std::size_t o = 0; o < transceivers_.size(); o++)
      if (o != *ti && transceivers_[o].mline == i) transceivers_[o].mline.reset();
    t.mid = mid;
    t.mline = i;
    if (rejected && !t.stopped) t.stopping = true;  // W3C: a rejected m-line stops its transceiver
  }
  if (!data_taken && data_mline_ &&
      (*data_mline_ >= sdp.media.size() || sdp.media[*data_mline_].media != "application")) {
    data_mline_.reset();
    data_mid_.reset();
  }
  remember_mids(sdp);
  Plan plan = make_plan(Phase::RemoteOffer, nullptr, &sdp, current_local_ ? &*current_local_ : nullptr,
                        current_remote_ ? &*current_remote_ : nullptr, false);
  plan.new_transceivers = std::move(created);
  pending_remote_ = sdp;
  state_ = plan.state = SignalingState::HaveRemoteOffer;
  return plan;
}

Result<Plan> Session::apply_answer(SdpType type, const SessionDescription &sdp, bool local) {
  const std::optional<SessionDescription> &offer = local ? pending_remote_ : pending_local_;
  if (!offer) return make_error(ErrorCode::InvalidState, "there is no offer to answer");
  bool final_answer = type == SdpType::Answer;
  const SessionDescription *prev_local = current_local_ ? &*current_local_ : nullptr;
  const SessionDescription *prev_remote = current_remote_ ? &*current_remote_ : nullptr;
  Plan plan = local ? make_plan(Phase::LocalAnswer, &sdp, &*offer, prev_local, prev_remote, final_answer)
                    : make_plan(Phase::RemoteAnswer, &*offer, &sdp, prev_local, prev_remote, final_answer);
  if (!final_answer) {
    (local ? pending_local_ : pending_remote_) = sdp;
    state_ = plan.state = local ? SignalingState::HaveLocalPrAnswer : SignalingState::HaveRemotePrAnswer;
    return plan;
  }
  if (local) {
    current_remote_ = std::move(pending_remote_);
    current_local_ = sdp;
  } else {
    current_local_ = std::move(pending_local_);
    current_remote_ = sdp;
  }
  pending_local_.reset();
  pending_remote_.reset();
  local_was_offerer_ = !local;
  snapshot_.reset();
  last_offer_.reset();
  last_answer_.reset();
  state_ = plan.state = SignalingState::Stable;
  plan.negotiation_complete = true;
  return plan;
}

namespace {

std::vector<Msid> msids_of(const MediaDescription &m) {
  if (!m.msids.empty()) return m.msids;
  // Plan-B era peers only say it per SSRC: "a=ssrc:<n> msid:<stream> <track>".
  std::vector<Msid> out;
  for (const auto &s : m.ssrcs) {
    if (s.attribute != "msid" || !s.value) continue;
    Msid id;
    auto sp = s.value->find(' ');
    id.stream_id = s.value->substr(0, sp);
    if (sp != std::string::npos) id.track_id = s.value->substr(sp + 1);
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

std::optional<IceCredentials> creds_of(const TransportAttributes &ta) {
  if (!ta.ufrag || !ta.pwd) return std::nullopt;
  return IceCredentials{*ta.ufrag, *ta.pwd};
}

// The ufrag the previous exchange used for the transport tagged `mid`.
std::optional<std::string> previous_ufrag(const SessionDescription *prev, const std::string &mid,
                                          bool is_answer) {
  if (!prev) return std::nullopt;
  auto i = find_mline(*prev, mid);
  if (!i) return std::nullopt;
  return transport_attributes(*prev, *i, is_answer).ufrag;
}

// The simulcast layers to send after an answer: ours (`lm`, the local
// description's a=simulcast:send, in `layers` order) that the remote's
// a=simulcast:recv lists unpaused; without simulcast on both sides, the
// first layer alone (W3C: the other encodings are dropped).
std::vector<std::string> layers_taken(const MediaDescription *lm, const MediaDescription *rm,
                                      const std::vector<std::string> &layers) {
  std::vector<std::string> out;
  if (!lm || !rm || !lm->simulcast || lm->simulcast->send.empty() || !rm->simulcast || rm->simulcast->recv.empty())
    return {layers.front()};
  auto listed = [](const std::vector<SimulcastStream> &streams, const std::string &rid, bool unpaused) {
    for (const auto &stream : streams)
      for (const auto &alt : stream)
        if (alt.rid == rid && (!unpaused || !alt.paused)) return true;
    return false;
  };
  for (const auto &rid : layers)
    if (listed(lm->simulcast->send, rid, false) && listed(rm->simulcast->recv, rid, true)) out.push_back(rid);
  return out;
}

}  // namespace

Plan Session::make_plan(Phase phase, const SessionDescription *local, const SessionDescription *remote,
                        const SessionDescription *prev_local, const SessionDescription *prev_remote,
                        bool final_answer) {
  Plan plan;
  const bool has_answer = phase == Phase::LocalAnswer || phase == Phase::RemoteAnswer;
  const bool we_offer = phase == Phase::LocalOffer || phase == Phase::RemoteAnswer;
  const bool local_is_answer = phase == Phase::LocalAnswer;
  const bool remote_is_answer = phase == Phase::RemoteAnswer;
  // The answer, once there is one, decides what is bundled and rejected.
  const SessionDescription *layout_desc =
      (phase == Phase::LocalOffer || phase == Phase::LocalAnswer) ? local : remote;
  const SessionDescription *offer = we_offer ? local : remote;
  if (!layout_desc) return plan;
  const SessionDescription &desc = *layout_desc;
  TransportLayout layout = transport_layout(desc, has_answer);

  auto usable = [&](std::size_t i) {
    const MediaDescription &m = desc.media[i];
    return (is_av_kind(m.media) && is_supported_rtp_proto(m.proto)) || is_supported_data(m);
  };
  auto mid_of = [&](std::size_t i) { return desc.media[i].mid.value_or(std::to_string(i)); };

  // ---- transports
  bool remote_lite = remote && remote->attrs.ice_lite;
  std::vector<std::optional<std::string>> line_transport_mid(desc.media.size());
  for (const auto &t : layout.transports) {
    auto first_usable = std::find_if(t.lines.begin(), t.lines.end(), usable);
    if (first_usable == t.lines.end()) continue;
    // Named after its first m-line we can use (an offer's tag may be one we
    // reject); attributes still resolve through the BUNDLE tag.
    TransportPlan tp;
    tp.mid = mid_of(*first_usable);
    for (std::size_t j : t.lines) {
      if (!usable(j)) continue;
      tp.mids.push_back(mid_of(j));
      line_transport_mid[j] = tp.mid;
    }
    tp.local_ice = config_.ice;
    TransportAttributes lta, rta;
    if (local && t.tag < local->media.size()) {
      lta = transport_attributes(*local, t.tag, local_is_answer);
      if (auto c = creds_of(lta)) tp.local_ice = *c;
    }
    if (remote && t.tag < remote->media.size()) {
      rta = transport_attributes(*remote, t.tag, remote_is_answer);
      tp.remote_ice = creds_of(rta);
      tp.remote_ice_lite = remote_lite || rta.ice_lite;
      tp.remote_fingerprints = rta.fingerprints;
      std::set<std::string> seen;  // hostile SDP may repeat candidates many times
      for (std::size_t j : t.lines) {
        if (j >= remote->media.size()) continue;
        const MediaDescription &rm = remote->media[j];
        for (const auto &c : rm.candidates)
          if (seen.insert(serialize_candidate(c)).second) tp.remote_candidates.push_back(c);
        tp.remote_end_of_candidates = tp.remote_end_of_candidates || rm.end_of_candidates;
        if (is_supported_data(rm)) {
          tp.remote_sctp_port = remote_sctp_port(rm);
          tp.remote_max_message_size = rm.max_message_size;
        }
      }
    }
    // An ICE restart is a ufrag change on either side (RFC 8839 4.4.1.1.1).
    auto prev_l = previous_ufrag(prev_local, tp.mid, !local_was_offerer_);
    auto prev_r = previous_ufrag(prev_remote, tp.mid, local_was_offerer_);
    tp.ice_restart = (prev_l && *prev_l != tp.local_ice.ufrag) ||
                     (prev_r && tp.remote_ice && *prev_r != tp.remote_ice->ufrag);
    // The offerer controls; roles stay until an ICE restart; a full agent
    // always controls a lite one (RFC 8445 6.1.1).
    tp.ice_controlling = (ice_controlling_ && !tp.ice_restart) ? *ice_controlling_ : we_offer;
    if (tp.remote_ice_lite) tp.ice_controlling = true;
    if (has_answer && lta.setup) {
      if (*lta.setup == Setup::Active)
        tp.dtls_role = DtlsRole::Client;
      else if (*lta.setup == Setup::Passive)
        tp.dtls_role = DtlsRole::Server;
      else if (rta.setup == Setup::Active)
        tp.dtls_role = DtlsRole::Server;
      else if (rta.setup == Setup::Passive)
        tp.dtls_role = DtlsRole::Client;
    }
    if (final_answer) {
      ice_controlling_ = tp.ice_controlling;
      if (tp.dtls_role)
        for (const auto &mid : tp.mids) {
          std::erase_if(dtls_roles_, [&](const auto &r) { return r.first == mid; });
          dtls_roles_.emplace_back(mid, *tp.dtls_role);
        }
    }
    plan.transports.push_back(std::move(tp));
  }

  // ---- m-lines
  for (std::size_t i = 0; i < desc.media.size(); i++) {
    const MediaDescription &m = desc.media[i];
    bool rejected =
        is_rejected(desc, i, has_answer) || (offer && is_rejected(*offer, i, false)) || !usable(i);
    const MediaDescription *rm = remote && i < remote->media.size() ? &remote->media[i] : nullptr;

    if (m.media == "application") {
      if (rejected || data_mline_ != i) continue;
      DataPlan dp;
      dp.mid = mid_of(i);
      dp.mline = i;
      dp.transport_mid = line_transport_mid[i].value_or("");
      const MediaDescription *lm = local && i < local->media.size() ? &local->media[i] : nullptr;
      dp.local_sctp_port = lm && remote_sctp_port(*lm) ? *remote_sctp_port(*lm) : config_.sctp_port;
      if (rm) {
        dp.remote_sctp_port = remote_sctp_port(*rm);
        dp.remote_max_message_size = rm->max_message_size.value_or(65536);
        for (const auto &a : rm->attrs.other) {
          if (a.name != kSctpMaxPacketAttribute || !a.value) continue;
          char *end = nullptr;
          const unsigned long long v = std::strtoull(a.value->c_str(), &end, 10);
          if (end && *end == '\0' && !a.value->empty() && v <= 65535) dp.remote_max_packet_size = v;
        }
      }
      plan.data = std::move(dp);
      continue;
    }
    auto ti = transceiver_at(i);
    if (!ti) continue;
    Transceiver &t = transceivers_[*ti];
    MediaPlan mp;
    mp.transceiver = *ti;
    mp.mid = t.mid.value_or(mid_of(i));
    mp.mline = i;
    if (!rejected) mp.transport_mid = line_transport_mid[i].value_or("");
    if (has_answer) {
      Direction answered = m.effective_direction();
      Direction ours = rejected ? Direction::Inactive : (local_is_answer ? answered : reverse(answered));
      mp.direction = ours;
      if (!rejected) {
        mp.codecs = codecs_from_media(m);
        mp.extensions = extensions_from_media(desc, m);
      }
      t.current_direction = rejected ? std::nullopt : std::optional<Direction>(ours);
      t.negotiated_codecs = mp.codecs;
      t.negotiated_extensions = mp.extensions;
      if (!rejected && direction_sends(ours) && !t.send_rids.empty()) {
        const MediaDescription *lm = local && i < local->media.size() ? &local->media[i] : nullptr;
        mp.send_rids = layers_taken(lm, rm, t.send_rids);
      }
      if (final_answer) {
        remember_payload_types(pt_table_, mp.codecs);
        remember_extension_ids(ext_table_, mp.extensions);
        if (rejected) t.stopping = t.stopped = true;
      }
    } else {
      mp.direction = t.current_direction.value_or(Direction::Inactive);
      if (!rejected) {
        mp.codecs = codecs_from_media(m);
        mp.extensions = extensions_from_media(desc, m);
      }
    }
    if (rm) {
      for (const auto &s : rm->ssrcs)
        if (std::find(mp.remote_ssrcs.begin(), mp.remote_ssrcs.end(), s.ssrc) == mp.remote_ssrcs.end())
          mp.remote_ssrcs.push_back(s.ssrc);
      for (const auto &g : rm->ssrc_groups)
        if (g.semantics == "FID" && g.ssrcs.size() == 2) mp.remote_rtx_ssrcs.emplace_back(g.ssrcs[0], g.ssrcs[1]);
      mp.remote_rids = rm->rids;
      mp.remote_msids = msids_of(*rm);
    }
    // W3C "process remote tracks": does the remote send to us now?
    bool receiving = t.receiving;
    if (phase == Phase::RemoteOffer || phase == Phase::RemoteAnswer)
      receiving = !rejected && rm && direction_sends(rm->effective_direction());
    else if (phase == Phase::LocalAnswer)
      receiving = !rejected && direction_receives(m.effective_direction());
    mp.receiving_started = receiving && !t.receiving;
    mp.receiving_ended = !receiving && t.receiving;
    t.receiving = receiving;
    mp.stopped = t.stopped || rejected;
    plan.media.push_back(std::move(mp));
  }

  if (final_answer) {
    // Stopped before it ever had an m-line: nothing left to negotiate.
    for (auto &t : transceivers_)
      if (t.stopping && !t.mline) t.stopped = true;
    if (data_mline_ && *data_mline_ < desc.media.size() && is_rejected(desc, *data_mline_, true))
      data_mid_.reset();
  }
  return plan;
}

}  // namespace gst_rtc::jsep
