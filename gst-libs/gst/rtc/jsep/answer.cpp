// createAnswer (RFC 8829 5.3): one m-line per offered m-line, rejected
// where we cannot or may not take it, codecs and extensions intersected in
// the offerer's numbering, BUNDLE accepted, DTLS role chosen.
#include <algorithm>

#include "jsep-private.h"

namespace gst_rtc::jsep {

using namespace detail;

namespace {

// RFC 8829 5.3.1 / RFC 8842 5.3: actpass -> we take "active" (DTLS client)
// unless an existing association gave us the other role; otherwise the
// opposite of what the offer forces.
Setup answer_setup(std::optional<Setup> offered, std::optional<DtlsRole> kept) {
  if (offered == Setup::Active) return Setup::Passive;
  if (offered == Setup::Passive) return Setup::Active;
  if (kept == DtlsRole::Server) return Setup::Passive;
  return Setup::Active;
}

bool offer_has_trickle(const TransportAttributes &ta) {
  return std::find(ta.ice_options.begin(), ta.ice_options.end(), "trickle") != ta.ice_options.end();
}

// RFC 8853 / JSEP 5.3.1: an offer that sends simulcast (a=simulcast:send
// with a=rid ... send) is answered with the same layers as recv, so the
// offerer sends all of them, each on its own SSRC named by the RID header
// extension. Needs that extension in the answer (without it the layers
// cannot be told apart: the offerer then sends one). A RID restricted to
// payload types the answer left out is dropped (RFC 8851 4.3), and so is a
// simulcast alternative naming an unknown RID.
void accept_simulcast(MediaDescription &m, const MediaDescription &o, const std::vector<HeaderExtension> &exts) {
  if (!o.simulcast || o.simulcast->send.empty()) return;
  const bool rid_ext = std::any_of(exts.begin(), exts.end(), [](const HeaderExtension &e) {
    return e.uri == kRidExtensionUri && direction_receives(e.direction);
  });
  if (!rid_ext) return;
  std::vector<Rid> rids;
  for (const Rid &r : o.rids) {
    if (!r.send) continue;
    Rid a = r;
    a.send = false;
    if (!r.payload_types.empty()) {
      a.payload_types.clear();
      for (int pt : r.payload_types)
        if (std::find(m.formats.begin(), m.formats.end(), std::to_string(pt)) != m.formats.end())
          a.payload_types.push_back(pt);
      if (a.payload_types.empty()) continue;
    }
    rids.push_back(std::move(a));
  }
  Simulcast sc;
  sc.send_first = false;  // the line has a recv half only
  for (const SimulcastStream &stream : o.simulcast->send) {
    SimulcastStream kept;
    for (const SimulcastRid &alt : stream)
      if (std::any_of(rids.begin(), rids.end(), [&](const Rid &r) { return r.id == alt.rid; }))
        kept.push_back(alt);
    if (!kept.empty()) sc.recv.push_back(std::move(kept));
  }
  if (sc.recv.empty()) return;
  m.rids = std::move(rids);
  m.simulcast = std::move(sc);
}

// An offer that asks to receive simulcast (a=simulcast:recv, an SFU's)
// gets the layers of ours it lists, in its order (RFC 8853 5.3).
std::vector<std::string> simulcast_to_send(const MediaDescription &o, const Transceiver &t,
                                          const std::vector<HeaderExtension> &exts) {
  std::vector<std::string> out;
  if (!o.simulcast || o.simulcast->recv.empty() || t.send_rids.empty()) return out;
  const bool rid_ext = std::any_of(exts.begin(), exts.end(), [](const HeaderExtension &e) {
    return e.uri == kRidExtensionUri && direction_sends(e.direction);
  });
  if (!rid_ext) return out;
  for (const SimulcastStream &stream : o.simulcast->recv)
    for (const SimulcastRid &alt : stream) {
      const bool ours = std::find(t.send_rids.begin(), t.send_rids.end(), alt.rid) != t.send_rids.end();
      const bool offered = std::any_of(o.rids.begin(), o.rids.end(),
                                       [&](const Rid &r) { return r.id == alt.rid && !r.send; });
      if (ours && offered && std::find(out.begin(), out.end(), alt.rid) == out.end()) {
        out.push_back(alt.rid);
        break;  // one of a stream's alternatives
      }
    }
  return out;
}

}  // namespace

Result<SessionDescription> Session::create_answer(const AnswerOptions &opts) {
  (void)opts;
  if (state_ == SignalingState::Closed) return make_error(ErrorCode::InvalidState, "the session is closed");
  if ((state_ != SignalingState::HaveRemoteOffer && state_ != SignalingState::HaveLocalPrAnswer) ||
      !pending_remote_)
    return make_error(ErrorCode::InvalidState,
                      "create_answer needs a remote offer; the state is " + std::string(to_string(state_)));
  if (Status s = check_config(); !s) return s.error();
  const SessionDescription &offer = *pending_remote_;
  const std::size_t n = offer.media.size();

  // What each offered m-line gets, before bundle policy is applied.
  std::vector<bool> accept(n, false);
  std::vector<std::vector<Codec>> codecs(n);
  for (std::size_t i = 0; i < n; i++) {
    const MediaDescription &o = offer.media[i];
    if (is_rejected(offer, i, false)) continue;
    if (is_av_kind(o.media) && is_supported_rtp_proto(o.proto)) {
      auto ti = transceiver_at(i);
      if (!ti) continue;
      const Transceiver &t = transceivers_[*ti];
      if (t.stopped || t.stopping) continue;
      const std::vector<Codec> &local = t.codecs.empty() ? default_codecs(t.kind) : t.codecs;
      codecs[i] = intersect_codecs(codecs_from_media(o), local, t.has_codec_preferences);
      accept[i] = !codecs[i].empty();
    } else if (is_supported_data(o)) {
      accept[i] = data_mline_ == i;
    }
  }

  // RFC 8829 5.3.1: a max-bundle answerer keeps only the first m-line and
  // what is bundled with it; a balanced one the first m-line of each media
  // type and what is bundled with that.
  auto same_group = [&](std::size_t a, std::size_t b) {
    const Group *g = bundle_group_of(offer, offer.media[a].mid);
    return g && g == bundle_group_of(offer, offer.media[b].mid);
  };
  if (config_.bundle_policy != BundlePolicy::MaxCompat) {
    std::vector<std::size_t> firsts;
    for (std::size_t i = 0; i < n; i++) {
      if (!accept[i]) continue;
      bool first_of_its_kind = true;
      for (std::size_t f : firsts)
        if (config_.bundle_policy == BundlePolicy::MaxBundle || offer.media[f].media == offer.media[i].media)
          first_of_its_kind = false;
      if (first_of_its_kind) {
        firsts.push_back(i);
        continue;
      }
      bool bundled_with_first = std::any_of(firsts.begin(), firsts.end(), [&](std::size_t f) {
        return (config_.bundle_policy == BundlePolicy::MaxBundle ||
                offer.media[f].media == offer.media[i].media) &&
               same_group(f, i);
      });
      if (!bundled_with_first) accept[i] = false;
    }
  }
  // A group whose offerer-tagged m-line we reject is rejected whole
  // (RFC 8843 7.3.3).
  for (const auto &g : offer.groups) {
    if (!iequals(g.semantics, "BUNDLE") || g.mids.empty()) continue;
    auto tag = find_mline(offer, g.mids.front());
    if (tag && accept[*tag]) continue;
    for (const auto &mid : g.mids)
      if (auto j = find_mline(offer, mid)) accept[*j] = false;
  }

  SessionDescription sdp;
  sdp.origin.session_id = config_.session_id;
  sdp.origin.session_version = ++session_version_;
  sdp.msid_semantic = "WMS *";
  sdp.attrs.extmap_allow_mixed =
      offer.attrs.extmap_allow_mixed ||
      std::any_of(offer.media.begin(), offer.media.end(),
                  [](const MediaDescription &m) { return m.attrs.extmap_allow_mixed; });
  for (const auto &g : offer.groups) {
    if (!iequals(g.semantics, "BUNDLE")) continue;
    Group out{"BUNDLE", {}};
    for (const auto &mid : g.mids)
      if (auto j = find_mline(offer, mid); j && accept[*j]) out.mids.push_back(mid);
    if (!out.mids.empty()) sdp.groups.push_back(std::move(out));
  }

  for (std::size_t i = 0; i < n; i++) {
    const MediaDescription &o = offer.media[i];
    if (!accept[i]) {
      sdp.media.push_back(rejected_media(o));
      continue;
    }
    TransportAttributes ota = transport_attributes(offer, i, false);
    MediaDescription m;
    m.media = o.media;
    m.port = 9;
    m.proto = o.proto;
    m.connection = Connection{};
    m.mid = o.mid;
    if (o.media == "application") {
      m.sctp_port = config_.sctp_port;
      m.max_message_size = config_.max_message_size;
      if (config_.sctp_max_packet_size)
        m.attrs.other.push_back(Attribute{kSctpMaxPacketAttribute, std::to_string(config_.sctp_max_packet_size)});
      if (is_legacy_data(o)) {
        // Pre-RFC 8841 peers name the SCTP port as the format.
        m.formats = {std::to_string(config_.sctp_port)};
        m.attrs.other.push_back(
            Attribute{"sctpmap", std::to_string(config_.sctp_port) + " webrtc-datachannel 65535"});
      } else {
        m.formats = o.formats;
      }
    } else {
      const Transceiver &t = transceivers_[*transceiver_at(i)];
      write_codecs(m, codecs[i]);
      Direction offered = o.attrs.direction.value_or(offer.attrs.direction.value_or(Direction::SendRecv));
      Direction dir = make_direction(direction_sends(t.direction) && direction_receives(offered),
                                     direction_receives(t.direction) && direction_sends(offered));
      m.attrs.direction = dir;
      // Extensions we also know, under the offerer's ids.
      std::vector<HeaderExtension> exts;
      for (const HeaderExtension &e : extensions_from_media(offer, o)) {
        auto local = std::find_if(t.header_extensions.begin(), t.header_extensions.end(),
                                  [&](const HeaderExtension &h) { return h.uri == e.uri; });
        if (local == t.header_extensions.end() || local->direction == Direction::Inactive) continue;
        HeaderExtension x = e;
        if (e.direction != Direction::SendRecv) {
          Direction r = reverse(e.direction);
          x.direction = make_direction(direction_sends(r) && direction_sends(local->direction),
                                       direction_receives(r) && direction_receives(local->direction));
          if (x.direction == Direction::Inactive) continue;
        }
        exts.push_back(std::move(x));
      }
      add_extmaps(m, exts);
      m.rtcp_mux = true;
      // rtcp-rsize is IDENTICAL: a bundle-only m-line leaves it to the tag.
      m.rtcp_rsize = o.rtcp_rsize;
      if (!m.rtcp_rsize) {
        const Group *g = bundle_group_of(offer, o.mid);
        if (g && !g->mids.empty())
          if (auto tag = find_mline(offer, g->mids.front())) m.rtcp_rsize = offer.media[*tag].rtcp_rsize;
      }
      if (direction_sends(dir)) add_send_attributes(m, t, simulcast_to_send(o, t, exts));
      if (direction_receives(dir)) accept_simulcast(m, o, exts);
    }
    // Every accepted m-line carries the transport attributes (as browsers'
    // answers do), so a peer reading them per m-line finds them.
    std::optional<DtlsRole> kept = o.mid ? negotiated_role(*o.mid) : std::nullopt;
    add_transport_attributes(m, config_, answer_setup(ota.setup, kept),
                             config_.trickle && offer_has_trickle(ota));
    sdp.media.push_back(std::move(m));
  }

  last_answer_ = sdp;
  return sdp;
}

}  // namespace gst_rtc::jsep
