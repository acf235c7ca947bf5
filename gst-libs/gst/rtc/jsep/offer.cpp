// createOffer (RFC 8829 5.2): m-line reuse and recycling, mids, payload
// types, extensions, BUNDLE and bundle-only, DTLS setup.
#include <algorithm>

#include "jsep-private.h"

namespace gst_rtc::jsep {

using namespace detail;

namespace detail {

void add_transport_attributes(MediaDescription &m, const Configuration &config, Setup setup, bool trickle) {
  m.attrs.ice_ufrag = config.ice.ufrag;
  m.attrs.ice_pwd = config.ice.pwd;
  if (trickle) m.attrs.ice_options = {"trickle"};
  m.attrs.fingerprints = config.fingerprints;
  m.attrs.setup = setup;
}

bool has_rid_extension(const MediaDescription &m) {
  return std::any_of(m.attrs.extmaps.begin(), m.attrs.extmaps.end(), [](const Extmap &e) {
    return e.uri == kRidExtensionUri && (!e.direction || direction_sends(*e.direction));
  });
}

void add_send_attributes(MediaDescription &m, const Transceiver &t, const std::vector<std::string> &rids) {
  std::string stream = t.stream_id.empty() ? "-" : t.stream_id;
  m.msids.push_back(Msid{stream, t.track_id});
  if (!rids.empty()) {
    Simulcast sc;
    for (const auto &rid : rids) {
      m.rids.push_back(Rid{rid, true, {}, {}});
      sc.send.push_back(SimulcastStream{SimulcastRid{rid, false}});
    }
    m.simulcast = std::move(sc);
    return;
  }
  if (!t.send_rids.empty()) return;  // layers without simulcast agreed: the SSRC is the first layer's, unknown here
  if (t.send_ssrcs.empty()) return;
  std::size_t n = std::min<std::size_t>(t.send_ssrcs.size(), 2);
  if (n == 2) m.ssrc_groups.push_back(SsrcGroup{"FID", {t.send_ssrcs[0], t.send_ssrcs[1]}});
  for (std::size_t i = 0; i < n; i++) {
    if (!t.cname.empty()) m.ssrcs.push_back(SsrcAttribute{t.send_ssrcs[i], "cname", t.cname});
    std::string msid = t.track_id.empty() ? stream : stream + " " + t.track_id;
    m.ssrcs.push_back(SsrcAttribute{t.send_ssrcs[i], "msid", msid});
  }
}

void add_extmaps(MediaDescription &m, const std::vector<HeaderExtension> &exts) {
  for (const auto &e : exts) {
    Extmap x;
    x.id = e.id;
    x.uri = e.uri;
    if (e.direction != Direction::SendRecv) x.direction = e.direction;
    m.attrs.extmaps.push_back(std::move(x));
  }
}

MediaDescription rejected_media(const MediaDescription &like) {
  MediaDescription m;
  m.media = like.media;
  m.port = 0;
  m.proto = like.proto;
  m.formats = like.formats;
  if (m.formats.empty()) m.formats.push_back(like.is_rtp() ? "0" : "webrtc-datachannel");
  m.connection = Connection{};
  m.mid = like.mid;
  return m;
}

}  // namespace detail

namespace {

Setup setup_for(std::optional<DtlsRole> role) {
  if (!role) return Setup::ActPass;
  return *role == DtlsRole::Client ? Setup::Active : Setup::Passive;
}

}  // namespace

Result<SessionDescription> Session::create_offer(const OfferOptions &opts) {
  (void)opts;  // new credentials come in through Configuration::ice
  if (state_ == SignalingState::Closed) return make_error(ErrorCode::InvalidState, "the session is closed");
  if (state_ != SignalingState::Stable && state_ != SignalingState::HaveLocalOffer)
    return make_error(ErrorCode::InvalidState,
                      "create_offer is not allowed in state " + std::string(to_string(state_)));
  if (Status s = check_config(); !s) return s.error();

  // A new offer starts from the m-lines we already have, in order
  // (RFC 8829 5.2.2): the pending offer when re-offering before an answer.
  const SessionDescription *base = state_ == SignalingState::HaveLocalOffer
                                       ? local_description()
                                       : (current_local_ ? &*current_local_ : nullptr);
  struct Line {
    Slot slot;
    std::optional<std::string> mid;
    bool reject = false;
    const MediaDescription *prev = nullptr;
  };
  std::vector<Line> lines;
  std::vector<std::string> reserved;
  std::vector<bool> placed(transceivers_.size(), false);
  bool data_placed = false;

  if (base) {
    for (std::size_t i = 0; i < base->media.size(); i++) {
      Line l;
      l.prev = &base->media[i];
      l.mid = l.prev->mid;
      auto ti = transceiver_at(i);
      if (ti) placed[*ti] = true;
      if (ti && !transceivers_[*ti].stopped) {
        l.slot = {Slot::Owner::Transceiver, *ti};
        l.mid = transceivers_[*ti].mid ? transceivers_[*ti].mid : l.mid;
        l.reject = transceivers_[*ti].stopping;
      } else if (data_mline_ == i && l.prev->media == "application" && data_wanted_ && !data_placed) {
        l.slot.owner = Slot::Owner::Data;
        data_placed = true;
        if (rejected_in_current(i)) l.mid = allocate_mid(reserved);  // re-enabled: a new mid
      } else if (data_mline_ == i && l.prev->media == "application" && !rejected_in_current(i)) {
        l.slot.owner = Slot::Owner::Data;  // negotiated data channel m-line stays
        data_placed = true;
      } else {
        l.reject = true;  // stopped or never accepted: port 0 until recycled
      }
      lines.push_back(std::move(l));
    }
  }

  // New transceivers take recycled m-lines first, then go at the end.
  std::vector<bool> recycled(lines.size(), false);
  for (std::size_t ti = 0; ti < transceivers_.size(); ti++) {
    const Transceiver &t = transceivers_[ti];
    if (placed[ti] || t.stopped || t.stopping) continue;
    Line l;
    l.slot = {Slot::Owner::Transceiver, ti};
    l.mid = allocate_mid(reserved);
    bool done = false;
    for (std::size_t i = 0; i < recycled.size() && !done; i++) {
      if (recycled[i] || lines[i].slot.owner != Slot::Owner::None || !rejected_in_current(i)) continue;
      recycled[i] = true;
      lines[i] = std::move(l);
      done = true;
    }
    if (!done) lines.push_back(std::move(l));
  }
  if (data_wanted_ && !data_placed) {
    Line l;
    l.slot.owner = Slot::Owner::Data;
    l.mid = allocate_mid(reserved);
    lines.push_back(std::move(l));
  }

  SessionDescription sdp;
  sdp.origin.session_id = config_.session_id;
  sdp.origin.session_version = ++session_version_;
  sdp.msid_semantic = "WMS *";
  sdp.attrs.extmap_allow_mixed = true;

  std::optional<std::size_t> tag;
  for (std::size_t i = 0; i < lines.size() && !tag; i++)
    if (!lines[i].reject) tag = i;
  // RFC 8843 7.2 / RFC 8829 5.2.1: only the initial max-bundle offer marks
  // m-lines bundle-only; afterwards the negotiated group carries them.
  bool initial = !current_local_;
  std::optional<DtlsRole> tag_role =
      tag && lines[*tag].mid ? negotiated_role(*lines[*tag].mid) : std::nullopt;

  const SessionDescription *current_answer = local_was_offerer_
                                                 ? (current_remote_ ? &*current_remote_ : nullptr)
                                                 : (current_local_ ? &*current_local_ : nullptr);
  std::vector<Codec> pt_table = pt_table_;
  // Payload types the application fixed (a payloader's caps) are taken
  // before any is allocated: in a BUNDLE a number means one codec on every
  // m-line (RFC 8843 9.1), so a later m-line's fixed 96 must not collide
  // with an earlier one's allocated 96.
  for (const Line &l : lines)
    if (!l.reject && l.slot.owner == Slot::Owner::Transceiver && l.slot.transceiver < transceivers_.size())
      remember_payload_types(pt_table, transceivers_[l.slot.transceiver].codecs);
  std::vector<HeaderExtension> ext_table = ext_table_;
  Group bundle{"BUNDLE", {}};
  for (std::size_t i = 0; i < lines.size(); i++) {
    const Line &l = lines[i];
    if (l.reject) {
      if (l.prev) {
        sdp.media.push_back(rejected_media(*l.prev));
      } else {
        MediaDescription like;
        like.media = transceivers_[l.slot.transceiver].kind;
        like.proto = "UDP/TLS/RTP/SAVPF";
        like.mid = l.mid;
        sdp.media.push_back(rejected_media(like));
      }
      sdp.media.back().mid = l.mid;
      // webrtcbin 1.22 reads the fingerprint of every m-line, rejected ones
      // included ("No fingerprint lines in sdp for media N"): they carry
      // the transport attributes too, which other peers ignore on port 0.
      add_transport_attributes(sdp.media.back(), config_, Setup::ActPass, config_.trickle);
      continue;
    }
    bool bundle_only = config_.bundle_policy == BundlePolicy::MaxBundle && initial && tag && i != *tag;
    std::optional<DtlsRole> role = l.mid ? negotiated_role(*l.mid) : std::nullopt;
    Setup setup = setup_for(role ? role : tag_role);

    MediaDescription m;
    m.port = bundle_only ? 0 : 9;
    m.connection = Connection{};
    m.mid = l.mid;
    if (l.slot.owner == Slot::Owner::Data) {
      m.media = "application";
      m.proto = "UDP/DTLS/SCTP";
      m.formats = {"webrtc-datachannel"};
      m.sctp_port = config_.sctp_port;
      m.max_message_size = config_.max_message_size;
      if (config_.sctp_max_packet_size)
        m.attrs.other.push_back(Attribute{kSctpMaxPacketAttribute, std::to_string(config_.sctp_max_packet_size)});
    } else {
      const Transceiver &t = transceivers_[l.slot.transceiver];
      if (!is_av_kind(t.kind))
        return make_error(ErrorCode::InvalidState, "transceiver " + std::to_string(l.slot.transceiver) +
                                                       " has kind \"" + t.kind +
                                                       "\": only audio and video can be offered");
      // Once an answer negotiated this m-line, the re-offer follows it
      // (RFC 8829 5.2.2): its format order unless the application set
      // preferences, only its extensions and feedback, its rtcp-rsize.
      const MediaDescription *answered = nullptr;
      if (t.current_direction && t.mline && current_answer && *t.mline < current_answer->media.size())
        answered = &current_answer->media[*t.mline];
      std::vector<Codec> prefs = t.codecs.empty() ? default_codecs(t.kind) : t.codecs;
      if (answered && !t.has_codec_preferences) prefs = order_like(prefs, t.negotiated_codecs);
      std::vector<Codec> codecs = assign_payload_types(prefs, t.negotiated_codecs, pt_table);
      if (codecs.empty())
        return make_error(ErrorCode::InvalidState,
                          "transceiver " + std::to_string(l.slot.transceiver) + " has no codec to offer");
      if (answered) keep_negotiated_feedback(codecs, t.negotiated_codecs);
      std::vector<HeaderExtension> ext_prefs = t.header_extensions;
      if (answered)
        std::erase_if(ext_prefs, [&](const HeaderExtension &e) {
          return std::none_of(t.negotiated_extensions.begin(), t.negotiated_extensions.end(),
                              [&](const HeaderExtension &n) { return n.uri == e.uri; });
        });
      m.media = t.kind;
      m.proto = "UDP/TLS/RTP/SAVPF";
      write_codecs(m, codecs);
      add_extmaps(m, assign_extension_ids(ext_prefs, t.negotiated_extensions, ext_table));
      m.attrs.direction = t.direction;
      if (direction_sends(t.direction))
        add_send_attributes(m, t, has_rid_extension(m) ? t.send_rids : std::vector<std::string>{});
      else if (l.prev && l.prev->mid == l.mid)
        m.msids = l.prev->msids;  // a=msid stays while the transceiver lives
      m.rtcp_mux = true;
      m.rtcp_rsize = answered ? answered->rtcp_rsize : true;
    }
    // RFC 8829 5.2.1 lets bundle-only m-lines leave out the TRANSPORT and
    // IDENTICAL attributes, but webrtcbin 1.22 ("No fingerprint lines in sdp
    // for media 1") and aiortc ("ICE username fragment or password is
    // missing") read them per m-line and reject such an offer. Every m-line
    // repeats them, as webrtcbin's own bundle-only offers do; bundle-aware
    // peers ignore the copies (interop suite: sdp-webrtcbin, sdp-aiortc).
    if (bundle_only) m.attrs.other.push_back(Attribute{"bundle-only", std::nullopt});
    add_transport_attributes(m, config_, setup, config_.trickle);
    if (m.mid) bundle.mids.push_back(*m.mid);
    sdp.media.push_back(std::move(m));
  }
  if (!bundle.mids.empty()) {
    // The tag first: the offerer-tagged m-line (RFC 8843 7.2.1).
    if (tag && lines[*tag].mid) {
      auto it = std::find(bundle.mids.begin(), bundle.mids.end(), *lines[*tag].mid);
      if (it != bundle.mids.end()) std::rotate(bundle.mids.begin(), it, it + 1);
    }
    sdp.groups.push_back(std::move(bundle));
  }

  last_offer_ = sdp;
  last_offer_slots_.clear();
  for (const auto &l : lines) last_offer_slots_.push_back(l.slot);
  return sdp;
}

}  // namespace gst_rtc::jsep
