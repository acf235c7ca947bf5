// Checks before a description is applied (RFC 8829 5.5, 5.6, 5.8.3): a
// remote description must be complete and consistent with our offer; a
// local one must be what we created. Errors follow W3C webrtc-pc 4.4.1.5:
// invalid content -> InvalidAccess, edited local SDP -> InvalidModification.
#include <algorithm>
#include <set>

#include "jsep-private.h"

namespace gst_rtc::jsep {

using namespace detail;

namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidAccess, std::move(message));
}

std::string line_name(const MediaDescription &m, std::size_t i) {
  std::string s = "m-line " + std::to_string(i);
  if (m.mid) s += " (mid \"" + *m.mid + "\")";
  return s;
}

bool offered_feedback(const MediaDescription &offer, int pt, const RtcpFb &fb) {
  for (const auto &o : offer.rtcp_fbs)
    if ((!o.payload_type || *o.payload_type == pt) && iequals(o.type, fb.type) &&
        iequals(o.subtype, fb.subtype))
      return true;
  return false;
}

// The answer against the offer it answers (RFC 3264 6, RFC 8829 5.8.3,
// RFC 8843 7.4, RFC 8842 5.3).
Status validate_answer_against(const SessionDescription &answer, const SessionDescription &offer) {
  if (answer.media.size() != offer.media.size())
    return invalid("the answer has " + std::to_string(answer.media.size()) + " m-lines, the offer " +
                   std::to_string(offer.media.size()));
  for (std::size_t i = 0; i < answer.media.size(); i++) {
    const MediaDescription &a = answer.media[i], &o = offer.media[i];
    if (a.media != o.media || !iequals(a.proto, o.proto))
      return invalid(line_name(a, i) + " is \"" + a.media + " " + a.proto + "\" in the answer but \"" +
                     o.media + " " + o.proto + "\" in the offer");
    if (a.mid != o.mid)
      return invalid(line_name(a, i) +
                     ": the answer's m-lines must have the offer's mids in the offer's order");
    bool o_rej = is_rejected(offer, i, false), a_rej = is_rejected(answer, i, true);
    if (o_rej && !a_rej)
      return invalid(line_name(a, i) + " was rejected in the offer but accepted in the answer");
    if (a_rej) continue;
    if (a.is_rtp()) {
      for (const auto &f : a.formats)
        if (std::find(o.formats.begin(), o.formats.end(), f) == o.formats.end())
          return invalid(line_name(a, i) + ": payload type " + f + " was not offered");
      for (const auto &fb : a.rtcp_fbs) {
        bool ok = fb.payload_type ? offered_feedback(o, *fb.payload_type, fb)
                                  : std::any_of(o.rtcp_fbs.begin(), o.rtcp_fbs.end(), [&](const RtcpFb &x) {
                                      return iequals(x.type, fb.type) && iequals(x.subtype, fb.subtype);
                                    });
        if (!ok)
          return invalid(line_name(a, i) + ": rtcp-fb " + fb.type + " " + fb.subtype + " was not offered");
      }
    }
    std::optional<Setup> os = transport_attributes(offer, i, false).setup;
    std::optional<Setup> as = transport_attributes(answer, i, true).setup;
    if (os && as &&
        ((*os == Setup::Active && *as != Setup::Passive) || (*os == Setup::Passive && *as != Setup::Active)))
      return invalid(line_name(a, i) + ": a=setup:" + std::string(to_string(*as)) +
                     " contradicts the offered a=setup:" + std::string(to_string(*os)));
  }
  // An answer may only keep m-lines in the BUNDLE group the offer put them in.
  for (const auto &g : answer.groups) {
    if (!iequals(g.semantics, "BUNDLE")) continue;
    const Group *offered = g.mids.empty() ? nullptr : bundle_group_of(offer, g.mids.front());
    for (const auto &mid : g.mids) {
      if (!offered || std::find(offered->mids.begin(), offered->mids.end(), mid) == offered->mids.end())
        return invalid("the answer's BUNDLE group holds \"" + mid +
                       "\", which the offer did not bundle with it");
      auto j = find_mline(answer, mid);
      if (j && is_rejected(offer, *j, false))
        return invalid("the answer bundles \"" + mid + "\", a rejected m-line");
    }
  }
  return Ok{};
}

}  // namespace

Status Session::validate_remote(SdpType type, const SessionDescription &sdp) const {
  bool is_answer = type != SdpType::Offer;

  std::set<std::string> mids;
  for (std::size_t i = 0; i < sdp.media.size(); i++) {
    const auto &mid = sdp.media[i].mid;
    if (!mid) continue;
    if (mid->empty()) return invalid(line_name(sdp.media[i], i) + " has an empty a=mid");
    if (!mids.insert(*mid).second) return invalid("mid \"" + *mid + "\" is used by two m-lines");
  }
  bool bundled = false;
  std::set<std::string> grouped;
  for (const auto &g : sdp.groups) {
    if (!iequals(g.semantics, "BUNDLE")) continue;
    bundled = true;
    for (const auto &mid : g.mids) {
      if (!mids.count(mid)) return invalid("the BUNDLE group names mid \"" + mid + "\", which no m-line has");
      if (!grouped.insert(mid).second) return invalid("mid \"" + mid + "\" is in two BUNDLE groups");
    }
  }

  for (std::size_t i = 0; i < sdp.media.size(); i++) {
    const MediaDescription &m = sdp.media[i];
    if (is_rejected(sdp, i, is_answer)) continue;
    bool rtp = is_av_kind(m.media) && is_supported_rtp_proto(m.proto);
    bool data = is_supported_data(m);
    // m-lines we cannot use are rejected in our answer, not an error.
    if (!rtp && !data && !is_answer) continue;
    if (bundled && !m.mid) return invalid(line_name(m, i) + " has no a=mid, which BUNDLE requires");

    TransportAttributes ta = transport_attributes(sdp, i, is_answer);
    if (!ta.ufrag || !ta.pwd) return invalid(line_name(m, i) + " has no a=ice-ufrag/a=ice-pwd");
    if (!valid_ice_ufrag(*ta.ufrag))
      return invalid(line_name(m, i) + ": a=ice-ufrag must be 4 to 256 ice-chars (RFC 8839)");
    if (!valid_ice_pwd(*ta.pwd))
      return invalid(line_name(m, i) + ": a=ice-pwd must be 22 to 256 ice-chars (RFC 8839)");
    if (ta.fingerprints.empty())
      return invalid(line_name(m, i) + " has no a=fingerprint: DTLS cannot be verified");
    for (const auto &f : ta.fingerprints)
      if (f.algorithm.empty() || f.value.empty())
        return invalid(line_name(m, i) + " has an empty a=fingerprint");
    if (!ta.setup) return invalid(line_name(m, i) + " has no a=setup");
    if (*ta.setup == Setup::HoldConn) return invalid(line_name(m, i) + ": a=setup:holdconn is not supported");
    if (is_answer && *ta.setup == Setup::ActPass)
      return invalid(line_name(m, i) + ": an answer must say a=setup:active or passive, not actpass");
    if (rtp) {
      if (!ta.rtcp_mux)
        return invalid(line_name(m, i) + " has no a=rtcp-mux, which WebRTC requires (RFC 8829 5.1.3)");
      // rtx must repair a payload type of the same m-line (RFC 8829 5.10).
      for (const Codec &c : codecs_from_media(m)) {
        if (!is_rtx(c)) continue;
        auto apt = rtx_apt(c);
        if (!apt || std::find(m.formats.begin(), m.formats.end(), std::to_string(*apt)) == m.formats.end())
          return invalid(line_name(m, i) + ": rtx payload type " + std::to_string(c.payload_type) +
                         " has no valid apt in this m-line");
      }
    }
    if (data && !remote_sctp_port(m)) return invalid(line_name(m, i) + " has no a=sctp-port");
  }

  if (is_answer) {
    if (!pending_local_) return make_error(ErrorCode::InvalidState, "there is no local offer to answer");
    return validate_answer_against(sdp, *pending_local_);
  }

  // A re-offer keeps every negotiated m-line in place; only m-lines rejected
  // in the current exchange may be recycled with a new mid (RFC 8829 5.2.2).
  if (current_local_) {
    const SessionDescription &cur = *current_local_;
    if (sdp.media.size() < cur.media.size())
      return invalid("the offer has " + std::to_string(sdp.media.size()) +
                     " m-lines; m-lines cannot be removed (" + std::to_string(cur.media.size()) +
                     " negotiated)");
    for (std::size_t i = 0; i < cur.media.size(); i++) {
      const MediaDescription &m = sdp.media[i], &c = cur.media[i];
      if (rejected_in_current(i)) continue;
      if (m.mid != c.mid || m.media != c.media)
        return invalid(line_name(m, i) + " changed its mid or media type without being rejected first");
    }
  }
  return Ok{};
}

Status Session::check_local(SdpType type, const SessionDescription &sdp) const {
  const std::optional<SessionDescription> &created = type == SdpType::Offer ? last_offer_ : last_answer_;
  if (!created)
    return make_error(ErrorCode::InvalidModification, "set_local_description(" +
                                                          std::string(to_string(type)) +
                                                          ") needs a description from create_" +
                                                          (type == SdpType::Offer ? "offer" : "answer"));
  if (created->media.size() != sdp.media.size())
    return make_error(ErrorCode::InvalidModification,
                      "the description has " + std::to_string(sdp.media.size()) +
                          " m-lines but the one created has " + std::to_string(created->media.size()));
  for (std::size_t i = 0; i < sdp.media.size(); i++) {
    const MediaDescription &a = sdp.media[i], &b = created->media[i];
    if (a.mid != b.mid || a.media != b.media || a.proto != b.proto)
      return make_error(ErrorCode::InvalidModification,
                        line_name(a, i) + " differs from the created description in mid, media or proto");
  }
  if (type == SdpType::Offer && last_offer_slots_.size() != sdp.media.size())
    return make_error(ErrorCode::InvalidModification, "the offer does not match the last create_offer");
  if (type != SdpType::Offer && pending_remote_ && pending_remote_->media.size() != sdp.media.size())
    return make_error(ErrorCode::InvalidModification, "the answer was created for another offer");
  return Ok{};
}

}  // namespace gst_rtc::jsep
