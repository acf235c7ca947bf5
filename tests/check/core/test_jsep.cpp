// JSEP engine: offer and answer shape, two Sessions negotiating back to
// back, direction and codec intersection, m-line reuse and renegotiation.
// State machine, validation, candidates and text SDPs: test_jsep_state.cpp.
#include <map>
#include <set>

#include "jsep-test-util.h"

using namespace jsep_test;
namespace detail = gst_rtc::jsep::detail;

namespace {

Session offerer_with(std::vector<Transceiver> ts, bool data = false,
                     BundlePolicy policy = BundlePolicy::Balanced) {
  Session s(config_a(policy));
  for (auto &t : ts) s.add_transceiver(std::move(t));
  if (data) s.request_data_channel();
  return s;
}

std::set<int> payload_types(const MediaDescription &m) {
  std::set<int> out;
  for (const auto &f : m.formats) out.insert(std::stoi(f));
  return out;
}

}  // namespace

// ---- offer shape ---------------------------------------------------------------

TEST(JsepOffer, OneMlinePerTransceiverWithSequentialMids) {
  Session s = offerer_with({make_transceiver("audio"), make_transceiver("video"), make_transceiver("video")});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok()) << offer.error().describe();
  ASSERT_EQ(offer->media.size(), 3u);
  EXPECT_EQ(offer->media[0].media, "audio");
  EXPECT_EQ(offer->media[1].media, "video");
  EXPECT_EQ(offer->media[0].mid, "0");
  EXPECT_EQ(offer->media[1].mid, "1");
  EXPECT_EQ(offer->media[2].mid, "2");
  // mids are proposals: transceivers get them when the offer is applied.
  EXPECT_FALSE(s.transceivers()[0].mid.has_value());
  ASSERT_TRUE(s.set_local_description(SdpType::Offer, *offer).ok());
  EXPECT_EQ(s.transceivers()[2].mid, "2");
  EXPECT_EQ(s.transceivers()[2].mline, 2u);
}

TEST(JsepOffer, DtlsSrtpProfileDummyAddressAndNoCandidates) {
  Session s = offerer_with({make_transceiver("audio"), make_transceiver("video")});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  for (const auto &m : offer->media) {
    EXPECT_EQ(m.proto, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(m.port, 9);
    ASSERT_TRUE(m.connection.has_value());
    EXPECT_EQ(m.connection->address, "0.0.0.0");
    EXPECT_TRUE(m.candidates.empty());
    EXPECT_TRUE(m.rtcp_mux);
    EXPECT_TRUE(m.rtcp_rsize);
    EXPECT_EQ(m.attrs.direction, Direction::SendRecv);
  }
}

TEST(JsepOffer, SessionLevelAttributesAndIncreasingVersion) {
  Session s = offerer_with({make_transceiver("audio")});
  auto o1 = s.create_offer();
  auto o2 = s.create_offer();
  ASSERT_TRUE(o1.ok() && o2.ok());
  EXPECT_EQ(o1->origin.session_id, "1111111111");
  EXPECT_GT(o2->origin.session_version, o1->origin.session_version);
  EXPECT_TRUE(o1->attrs.extmap_allow_mixed);
  ASSERT_TRUE(o1->msid_semantic.has_value());
  EXPECT_NE(o1->msid_semantic->find("WMS"), std::string::npos);
  // Two calls in a row describe the same session.
  EXPECT_EQ(o1->media, o2->media);
}

TEST(JsepOffer, BundleGroupListsEveryMid) {
  Session s = offerer_with({make_transceiver("audio"), make_transceiver("video")}, true);
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  const Group *g = offer->bundle_group();
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->mids, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(JsepOffer, PayloadTypesUniqueAndRtxAptNamesPrimary) {
  Session s = offerer_with({make_transceiver("video")});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  const auto &m = offer->media[0];
  EXPECT_EQ(payload_types(m).size(), m.formats.size());
  int rtx = 0;
  for (const auto &r : m.rtpmaps) {
    EXPECT_GE(r.payload_type, 0);
    EXPECT_LE(r.payload_type, 127);
    if (r.encoding != "rtx") continue;
    rtx++;
    auto apt = apt_of(m, r.payload_type);
    ASSERT_TRUE(apt.has_value());
    const RtpMap *primary = m.find_rtpmap(*apt);
    ASSERT_NE(primary, nullptr);
    EXPECT_NE(primary->encoding, "rtx");
    // The rtx format directly follows its primary.
    auto pos = std::find(m.formats.begin(), m.formats.end(), std::to_string(r.payload_type));
    ASSERT_NE(pos, m.formats.begin());
    EXPECT_EQ(*(pos - 1), std::to_string(*apt));
  }
  EXPECT_EQ(rtx, 8);  // VP8, VP9, 4x H264 (CB pm=1 and pm=0, Main, High), AV1, H265
  ASSERT_NE(rtpmap_named(m, "VP8"), nullptr);
  ASSERT_NE(rtpmap_named(m, "H264"), nullptr);
  EXPECT_NE(fmtp_of(m, rtpmap_named(m, "H264")->payload_type).find("profile-level-id=42e01f"),
            std::string::npos);
  int vp8 = rtpmap_named(m, "VP8")->payload_type;
  std::set<std::string> fb;
  for (const auto &f : m.rtcp_fbs)
    if (f.payload_type == vp8) fb.insert(f.type + (f.subtype.empty() ? "" : " " + f.subtype));
  EXPECT_EQ(fb, (std::set<std::string>{"nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"}));
}

TEST(JsepOffer, AudioDefaultsOpusStereoAndStaticG711) {
  Session s = offerer_with({make_transceiver("audio")});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  const auto &m = offer->media[0];
  const RtpMap *opus = rtpmap_named(m, "opus");
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2u);
  EXPECT_EQ(m.formats.front(), std::to_string(opus->payload_type));  // preferred first
  EXPECT_NE(fmtp_of(m, opus->payload_type).find("useinbandfec=1"), std::string::npos);
  EXPECT_EQ(rtpmap_named(m, "PCMU")->payload_type, 0);
  EXPECT_EQ(rtpmap_named(m, "PCMA")->payload_type, 8);
  // DTMF at Opus' rate first (what the DTMF sender plays with Opus), then
  // the classic 8 kHz one for G.711.
  std::vector<std::uint32_t> te_rates;
  for (const auto &r : m.rtpmaps)
    if (r.encoding == "telephone-event") te_rates.push_back(r.clock_rate);
  EXPECT_EQ(te_rates, (std::vector<std::uint32_t>{48000u, 8000u}));
}

TEST(JsepOffer, FixedPayloadTypeOfALaterMlineIsNotAllocatedEarlier) {
  // An audio pad's Opus fixed at 111 with DTMF left to the engine, then a
  // video pad whose payloader fixed VP8 at 96: in one BUNDLE 96 must stay
  // VP8's (RFC 8843 9.1), so telephone-event gets another number.
  Transceiver audio = make_transceiver("audio");
  Codec opus;
  opus.name = "opus";
  opus.clock_rate = 48000;
  opus.channels = 2;
  opus.payload_type = 111;
  Codec te;
  te.name = "telephone-event";
  te.clock_rate = 48000;
  audio.codecs = {opus, te};
  Transceiver video = make_transceiver("video");
  Codec vp8;
  vp8.name = "VP8";
  vp8.payload_type = 96;
  video.codecs = {vp8};
  Session s = offerer_with({audio, video});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok()) << offer.error().describe();
  std::map<int, std::string> codec_of;
  for (const auto &m : offer->media)
    for (const auto &r : m.rtpmaps) {
      auto [it, fresh] = codec_of.emplace(r.payload_type, r.encoding);
      EXPECT_EQ(it->second, r.encoding) << "payload type " << r.payload_type << " names two codecs";
    }
  EXPECT_EQ(codec_of[96], "VP8");
  EXPECT_EQ(codec_of[111], "opus");
}

TEST(JsepOffer, SamePayloadTypesAndExtmapIdsAcrossMlines) {
  Session s = offerer_with({make_transceiver("video"), make_transceiver("video"), make_transceiver("audio")});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->media[0].formats, offer->media[1].formats);
  EXPECT_EQ(offer->media[0].rtpmaps, offer->media[1].rtpmaps);
  // One id per URI in the whole offer, and no id used for two URIs.
  std::map<std::string, int> id_of;
  std::map<int, std::string> uri_of;
  for (const auto &m : offer->media)
    for (const auto &e : m.attrs.extmaps) {
      EXPECT_GE(e.id, 1);
      EXPECT_LE(e.id, 14);
      if (id_of.count(e.uri)) {
        EXPECT_EQ(id_of[e.uri], e.id) << e.uri;
      }
      if (uri_of.count(e.id)) {
        EXPECT_EQ(uri_of[e.id], e.uri);
      }
      id_of[e.uri] = e.id;
      uri_of[e.id] = e.uri;
    }
  EXPECT_TRUE(id_of.count("urn:ietf:params:rtp-hdrext:sdes:mid"));
  EXPECT_TRUE(id_of.count("urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
  EXPECT_TRUE(id_of.count("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"));
}

TEST(JsepOffer, TransportAttributesAndSetupActpass) {
  Session s = offerer_with({make_transceiver("audio"), make_transceiver("video")});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  for (const auto &m : offer->media) {
    EXPECT_EQ(m.attrs.ice_ufrag, "aAaA");
    EXPECT_EQ(m.attrs.ice_pwd, "aaaaaaaaaaaaaaaaaaaaaaaa");
    EXPECT_EQ(m.attrs.ice_options, std::vector<std::string>{"trickle"});
    ASSERT_EQ(m.attrs.fingerprints.size(), 1u);
    EXPECT_EQ(m.attrs.fingerprints[0].value, kFingerprintA);
    EXPECT_EQ(m.attrs.setup, Setup::ActPass);
  }
}

TEST(JsepOffer, MaxBundleInitialOfferMarksBundleOnly) {
  Session s =
      offerer_with({make_transceiver("audio"), make_transceiver("video")}, true, BundlePolicy::MaxBundle);
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  ASSERT_EQ(offer->media.size(), 3u);
  const auto &first = offer->media[0];
  EXPECT_EQ(first.port, 9);
  EXPECT_FALSE(has_attr(first, "bundle-only"));
  EXPECT_TRUE(first.attrs.ice_ufrag.has_value());
  EXPECT_TRUE(first.rtcp_mux);
  for (std::size_t i = 1; i < offer->media.size(); i++) {
    const auto &m = offer->media[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(m.port, 0);
    EXPECT_TRUE(has_attr(m, "bundle-only"));
    // Transport attributes repeated on bundle-only m-lines, for peers that
    // read them per m-line (webrtcbin 1.22, aiortc): the tag's values.
    EXPECT_EQ(m.attrs.ice_ufrag, first.attrs.ice_ufrag);
    EXPECT_EQ(m.attrs.fingerprints, first.attrs.fingerprints);
    EXPECT_EQ(m.attrs.setup, first.attrs.setup);
    if (m.is_rtp()) {
      EXPECT_TRUE(m.rtcp_mux);
    }
  }
  EXPECT_EQ(offer->bundle_group()->mids.size(), 3u);
  // The plan gathers on one transport only.
  auto plan = s.set_local_description(SdpType::Offer, *offer);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->transports.size(), 1u);
  EXPECT_EQ(plan->transports[0].mid, "0");
  EXPECT_EQ(plan->transports[0].mids, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(JsepOffer, DataChannelMline) {
  Session s = offerer_with({}, true);
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  ASSERT_EQ(offer->media.size(), 1u);
  const auto &m = offer->media[0];
  EXPECT_EQ(m.media, "application");
  EXPECT_EQ(m.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(m.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_EQ(m.sctp_port, 5000);
  EXPECT_EQ(m.max_message_size, 262144u);
  EXPECT_TRUE(m.is_data_channel());
  EXPECT_EQ(m.attrs.setup, Setup::ActPass);
}

TEST(JsepOffer, MsidAndSsrcOnlyWhenSending) {
  Transceiver rx = sending("video", 5000);
  rx.direction = Direction::RecvOnly;
  Session s = offerer_with({sending("audio", 1000), rx});
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  const auto &a = offer->media[0];
  ASSERT_EQ(a.msids.size(), 1u);
  EXPECT_EQ(a.msids[0].stream_id, "stream");
  EXPECT_EQ(a.msids[0].track_id, "audio-track");
  ASSERT_EQ(a.ssrc_groups.size(), 1u);
  EXPECT_EQ(a.ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(a.ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{1000, 1001}));
  bool cname = std::any_of(a.ssrcs.begin(), a.ssrcs.end(), [](const SsrcAttribute &x) {
    return x.ssrc == 1000 && x.attribute == "cname" && x.value == "cname-audio";
  });
  EXPECT_TRUE(cname);
  const auto &v = offer->media[1];
  EXPECT_EQ(v.attrs.direction, Direction::RecvOnly);
  EXPECT_TRUE(v.msids.empty());
  EXPECT_TRUE(v.ssrcs.empty());
}

TEST(JsepOffer, NeedsCredentialsAndFingerprint) {
  Configuration c = config_a();
  c.ice = {"ab", "short"};
  Session s(c);
  s.add_transceiver(make_transceiver("audio"));
  auto offer = s.create_offer();
  ASSERT_FALSE(offer.ok());
  EXPECT_EQ(offer.error().code, ErrorCode::Operation);
  c = config_a();
  c.fingerprints.clear();
  ASSERT_TRUE(s.set_configuration(c).ok());
  EXPECT_EQ(s.create_offer().error().code, ErrorCode::Operation);
}

// ---- back to back -------------------------------------------------------------------

TEST(JsepNegotiation, AudioVideoDataReachStableOnBothSides) {
  Session a = offerer_with({sending("audio", 100), sending("video", 200)}, true);
  Session b(config_b());
  Exchange x = negotiate(a, b);
  EXPECT_EQ(a.signaling_state(), SignalingState::Stable);
  EXPECT_EQ(b.signaling_state(), SignalingState::Stable);
  ASSERT_EQ(x.answer.media.size(), 3u);
  for (const auto &m : x.answer.media) EXPECT_FALSE(m.is_rejected()) << m.media;
  EXPECT_TRUE(a.current_local() && a.current_remote() && b.current_local() && b.current_remote());
  EXPECT_FALSE(a.pending_local() || a.pending_remote() || b.pending_local() || b.pending_remote());
  EXPECT_TRUE(x.offerer_remote.negotiation_complete);
  EXPECT_TRUE(x.answerer_local.negotiation_complete);
  ASSERT_TRUE(x.offerer_remote.data.has_value());
  EXPECT_EQ(x.offerer_remote.data->remote_sctp_port, 5000);
  EXPECT_EQ(x.offerer_remote.data->remote_max_message_size, 262144u);
  ASSERT_TRUE(x.answerer_local.data.has_value());
  EXPECT_EQ(x.answerer_local.data->mid, "2");
  ASSERT_EQ(b.transceivers().size(), 2u);
  EXPECT_EQ(b.transceivers()[1].mid, "1");
  EXPECT_FALSE(a.negotiation_needed());
  EXPECT_FALSE(b.negotiation_needed());
}

// a=x-sctp-max-packet-size (path MTU probing beyond 2048-byte DTLS
// datagrams) is advertised only when configured, and read from the peer.
TEST(JsepNegotiation, SctpMaxPacketSizeIsAdvertisedAndRead) {
  auto attribute = [](const SessionDescription &d) -> std::optional<std::string> {
    for (const auto &m : d.media)
      if (m.media == "application")
        for (const auto &a : m.attrs.other)
          if (a.name == kSctpMaxPacketAttribute) return a.value.value_or("");
    return std::nullopt;
  };
  Configuration ca = config_a();
  ca.sctp_max_packet_size = 16384;
  Session a(ca);
  a.request_data_channel();
  Session b(config_b());  // a peer that does not advertise it
  Exchange x = negotiate(a, b);
  EXPECT_EQ(attribute(x.offer), std::optional<std::string>("16384"));
  EXPECT_EQ(attribute(x.answer), std::nullopt);
  ASSERT_TRUE(x.answerer_local.data.has_value());
  EXPECT_EQ(x.answerer_local.data->remote_max_packet_size, std::optional<std::uint64_t>(16384));
  ASSERT_TRUE(x.offerer_remote.data.has_value());
  EXPECT_EQ(x.offerer_remote.data->remote_max_packet_size, std::nullopt);
}

TEST(JsepNegotiation, NegotiatedCodecsAndExtensionsEqualOnBothSides) {
  Session a = offerer_with({make_transceiver("audio"), make_transceiver("video")});
  Session b(config_b());
  negotiate(a, b);
  ASSERT_EQ(b.transceivers().size(), 2u);
  for (std::size_t i = 0; i < 2; i++) {
    SCOPED_TRACE(i);
    const auto &ta = a.transceivers()[i], &tb = b.transceivers()[i];
    EXPECT_FALSE(ta.negotiated_codecs.empty());
    EXPECT_EQ(ta.negotiated_codecs, tb.negotiated_codecs);
    EXPECT_EQ(ta.negotiated_extensions, tb.negotiated_extensions);
    EXPECT_EQ(ta.mid, tb.mid);
    EXPECT_EQ(ta.mline, tb.mline);
  }
  EXPECT_EQ(a.transceivers()[0].negotiated_codecs.front().name, "opus");
  EXPECT_EQ(a.transceivers()[1].negotiated_codecs.front().name, "VP8");
}

TEST(JsepNegotiation, DtlsRolesComplementaryAndIceRoles) {
  Session a = offerer_with({make_transceiver("audio")});
  Session b(config_b());
  Exchange x = negotiate(a, b);
  ASSERT_EQ(x.offerer_remote.transports.size(), 1u);
  ASSERT_EQ(x.answerer_local.transports.size(), 1u);
  const auto &ta = x.offerer_remote.transports[0], &tb = x.answerer_local.transports[0];
  EXPECT_EQ(x.answer.media[0].attrs.setup, Setup::Active);
  EXPECT_EQ(tb.dtls_role, DtlsRole::Client);
  EXPECT_EQ(ta.dtls_role, DtlsRole::Server);
  EXPECT_TRUE(ta.ice_controlling);
  EXPECT_FALSE(tb.ice_controlling);
  EXPECT_EQ(ta.local_ice, (IceCredentials{"aAaA", "aaaaaaaaaaaaaaaaaaaaaaaa"}));
  EXPECT_EQ(ta.remote_ice, (IceCredentials{"bBbB", "bbbbbbbbbbbbbbbbbbbbbbbb"}));
  EXPECT_EQ(tb.remote_ice, (IceCredentials{"aAaA", "aaaaaaaaaaaaaaaaaaaaaaaa"}));
  ASSERT_EQ(ta.remote_fingerprints.size(), 1u);
  EXPECT_EQ(ta.remote_fingerprints[0].value, kFingerprintB);
  EXPECT_EQ(tb.remote_fingerprints[0].value, kFingerprintA);
  EXPECT_FALSE(ta.ice_restart);
  // Offers already tell the transports what to gather.
  ASSERT_EQ(x.offerer_local.transports.size(), 1u);
  EXPECT_FALSE(x.offerer_local.transports[0].remote_ice.has_value());
  EXPECT_FALSE(x.offerer_local.negotiation_complete);
  EXPECT_EQ(x.offerer_local.state, SignalingState::HaveLocalOffer);
  EXPECT_EQ(x.answerer_remote.state, SignalingState::HaveRemoteOffer);
}

TEST(JsepNegotiation, MediaPlanCarriesRemoteStreams) {
  Session a = offerer_with({sending("video", 4000)});
  Session b(config_b());
  Exchange x = negotiate(a, b);
  ASSERT_EQ(x.answerer_remote.media.size(), 1u);
  const MediaPlan &mp = x.answerer_remote.media[0];
  EXPECT_EQ(mp.remote_ssrcs, (std::vector<std::uint32_t>{4000, 4001}));
  ASSERT_EQ(mp.remote_msids.size(), 1u);
  EXPECT_EQ(mp.remote_msids[0].stream_id, "stream");
  EXPECT_TRUE(mp.receiving_started);  // W3C: track event at setRemoteDescription(offer)
  EXPECT_EQ(x.answerer_remote.new_transceivers, std::vector<std::size_t>{0});
  EXPECT_TRUE(b.transceivers()[0].created_by_remote);
  EXPECT_EQ(b.transceivers()[0].direction, Direction::RecvOnly);
  // The answerer did not send, so the offerer gets no track.
  ASSERT_EQ(x.offerer_remote.media.size(), 1u);
  EXPECT_FALSE(x.offerer_remote.media[0].receiving_started);
  EXPECT_EQ(x.offerer_remote.media[0].direction, Direction::SendOnly);
  EXPECT_EQ(x.answerer_local.media[0].direction, Direction::RecvOnly);
  EXPECT_EQ(x.answerer_local.media[0].transport_mid, "0");
  EXPECT_FALSE(x.answerer_local.media[0].codecs.empty());
}

TEST(JsepNegotiation, UnbundledPolicyMaxCompatGivesTransportPerMline) {
  Session a =
      offerer_with({make_transceiver("audio"), make_transceiver("video")}, false, BundlePolicy::MaxCompat);
  Session b(config_b(BundlePolicy::MaxCompat));
  auto offer = a.create_offer();
  ASSERT_TRUE(offer.ok());
  offer->groups.clear();  // a peer without BUNDLE support
  ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->groups.empty());
  EXPECT_FALSE(answer->media[1].is_rejected());
  ASSERT_TRUE(b.set_local_description(SdpType::Answer, *answer).ok());
  auto plan = a.set_remote_description(SdpType::Answer, *answer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  ASSERT_EQ(plan->transports.size(), 2u);
  EXPECT_EQ(plan->transports[0].mid, "0");
  EXPECT_EQ(plan->transports[1].mid, "1");
  EXPECT_EQ(plan->media[1].transport_mid, "1");
}

TEST(JsepNegotiation, MaxBundleAnswererRejectsWhatIsNotBundled) {
  SessionDescription offer = remote_offer({"audio", "video"});
  offer.groups.clear();
  Session b(config_b(BundlePolicy::MaxBundle));
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(answer->media[0].is_rejected());
  EXPECT_TRUE(answer->media[1].is_rejected());

  Session c(config_b(BundlePolicy::Balanced));  // first of each type is fine
  ASSERT_TRUE(c.set_remote_description(SdpType::Offer, offer).ok());
  auto balanced = c.create_answer();
  ASSERT_TRUE(balanced.ok());
  EXPECT_FALSE(balanced->media[1].is_rejected());
}

TEST(JsepNegotiation, BundleOnlyMlinesOfOfferAreAccepted) {
  Session a =
      offerer_with({make_transceiver("audio"), make_transceiver("video")}, true, BundlePolicy::MaxBundle);
  Session b(config_b());
  Exchange x = negotiate(a, b);
  ASSERT_EQ(x.answer.media.size(), 3u);
  for (const auto &m : x.answer.media) {
    EXPECT_EQ(m.port, 9) << m.media;
    EXPECT_FALSE(has_attr(m, "bundle-only"));  // RFC 8829 5.3.1
  }
  EXPECT_EQ(x.answer.bundle_group()->mids, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_EQ(x.offerer_remote.transports.size(), 1u);
  EXPECT_EQ(x.offerer_remote.media.size(), 2u);
  EXPECT_EQ(x.offerer_remote.media[1].transport_mid, "0");
  EXPECT_TRUE(x.offerer_remote.data.has_value());
}

// ---- directions -------------------------------------------------------------------------

TEST(JsepDirection, AnswerIntersectsAllSixteenCombinations) {
  const Direction all[] = {Direction::SendRecv, Direction::SendOnly, Direction::RecvOnly,
                           Direction::Inactive};
  for (Direction offered : all)
    for (Direction ours : all) {
      SCOPED_TRACE(std::string(to_string(offered)) + " offered, " + std::string(to_string(ours)) + " local");
      Session a = offerer_with({make_transceiver("audio", offered)});
      Session b(config_b());
      auto offer = a.create_offer();
      ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
      ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
      ASSERT_EQ(b.transceivers().size(), 1u);
      b.transceivers()[0].direction = ours;
      auto answer = b.create_answer();
      ASSERT_TRUE(answer.ok());
      ASSERT_TRUE(b.set_local_description(SdpType::Answer, *answer).ok());
      ASSERT_TRUE(a.set_remote_description(SdpType::Answer, *answer).ok());
      Direction got = answer->media[0].effective_direction();
      bool send = direction_sends(ours) && direction_receives(offered);
      bool recv = direction_receives(ours) && direction_sends(offered);
      EXPECT_EQ(got, make_direction(send, recv));
      EXPECT_EQ(b.transceivers()[0].current_direction, make_direction(send, recv));
      EXPECT_EQ(a.transceivers()[0].current_direction, reverse(make_direction(send, recv)));
    }
}

TEST(JsepDirection, UnassociatedTransceiverTakenOnlyWhenRemoteReceives) {
  for (Direction offered :
       {Direction::SendRecv, Direction::RecvOnly, Direction::SendOnly, Direction::Inactive}) {
    SCOPED_TRACE(std::string(to_string(offered)));
    Session a = offerer_with({make_transceiver("audio", offered)});
    Session b(config_b());
    b.add_transceiver(make_transceiver("audio", Direction::SendRecv));
    auto offer = a.create_offer();
    ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
    bool reused = direction_receives(offered);  // W3C: the remote must want our track
    EXPECT_EQ(b.transceivers().size(), reused ? 1u : 2u);
    EXPECT_EQ(b.transceivers()[0].mid.has_value(), reused);
  }
  // A transceiver that must not be taken is left alone.
  Session a = offerer_with({make_transceiver("audio")});
  Session b(config_b());
  Transceiver own = make_transceiver("audio");
  own.reusable_by_remote = false;
  b.add_transceiver(own);
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *a.create_offer()).ok());
  EXPECT_EQ(b.transceivers().size(), 2u);
  EXPECT_FALSE(b.transceivers()[0].mid.has_value());
  EXPECT_TRUE(b.negotiation_needed() == false);  // not stable: never
}

// ---- codecs -----------------------------------------------------------------------------------

TEST(JsepCodec, H264ProfileLevelIdParsing) {
  auto cb = detail::parse_h264_profile_level_id("42e01f");
  ASSERT_TRUE(cb.has_value());
  EXPECT_EQ(detail::h264_profile(*cb), "CB");
  EXPECT_EQ(cb->level_idc, 0x1f);
  EXPECT_EQ(detail::h264_profile(*detail::parse_h264_profile_level_id("42001f")), "B");
  EXPECT_EQ(detail::h264_profile(*detail::parse_h264_profile_level_id("4d001f")), "M");
  EXPECT_EQ(detail::h264_profile(*detail::parse_h264_profile_level_id("4d801f")),
            "CB");  // constraint_set0 on Main
  EXPECT_EQ(detail::h264_profile(*detail::parse_h264_profile_level_id("640c1f")), "CH");
  EXPECT_EQ(detail::h264_profile(*detail::parse_h264_profile_level_id("64001f")), "H");
  EXPECT_FALSE(detail::parse_h264_profile_level_id("42e01").has_value());
  EXPECT_FALSE(detail::parse_h264_profile_level_id("42g01f").has_value());
  EXPECT_EQ(detail::format_h264_profile_level_id(*cb), "42e01f");
  // Level 1b (constraint_set3 with level 11) sorts between 1 and 1.1.
  auto l1b = *detail::parse_h264_profile_level_id("42f00b");
  EXPECT_GT(detail::h264_level_rank(l1b),
            detail::h264_level_rank(*detail::parse_h264_profile_level_id("42e00a")));
  EXPECT_LT(detail::h264_level_rank(l1b),
            detail::h264_level_rank(*detail::parse_h264_profile_level_id("42e00b")));
}

namespace {

Codec h264(const std::string &plid, const std::string &pm, int pt = -1, bool asym = true) {
  Codec c;
  c.name = "H264";
  c.payload_type = pt;
  if (asym) c.parameters.emplace_back("level-asymmetry-allowed", "1");
  c.parameters.emplace_back("packetization-mode", pm);
  c.parameters.emplace_back("profile-level-id", plid);
  return c;
}

}  // namespace

TEST(JsepCodec, H264MatchesOnProfileAndPacketizationMode) {
  EXPECT_TRUE(detail::same_format(h264("42e01f", "1"), h264("42e034", "1")));  // level may differ
  EXPECT_TRUE(detail::same_format(h264("42e01f", "1"), h264("42C01F", "1")));  // CB either way, hex case
  EXPECT_FALSE(detail::same_format(h264("42e01f", "1"), h264("42e01f", "0")));
  EXPECT_FALSE(detail::same_format(h264("42e01f", "1"), h264("42001f", "1")));  // CB vs B
  EXPECT_FALSE(detail::same_format(h264("42e01f", "1"), h264("640c1f", "1")));
  EXPECT_FALSE(detail::same_format(h264("42e01f", "1"), h264("zzzzzz", "1")));
  Codec no_pm = h264("42e01f", "0");
  no_pm.parameters.erase(no_pm.parameters.begin() + 1);  // absent = mode 0
  EXPECT_TRUE(detail::same_format(no_pm, h264("42e01f", "0")));
}

TEST(JsepCodec, H264AnswerLevel) {
  // Both allow level asymmetry: we answer our own level.
  auto both = detail::intersect_codecs({h264("42e034", "1", 100)}, {h264("42e01f", "1")}, false);
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].payload_type, 100);
  EXPECT_EQ(detail::codec_param(both[0], "profile-level-id"), "42e01f");
  // Without asymmetry: the lower level of the two.
  auto low = detail::intersect_codecs({h264("42e00d", "1", 100, false)}, {h264("42e01f", "1")}, false);
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(detail::codec_param(low[0], "profile-level-id"), "42e00d");
  auto high = detail::intersect_codecs({h264("42e034", "1", 100, false)}, {h264("42e01f", "1")}, false);
  EXPECT_EQ(detail::codec_param(high[0], "profile-level-id"), "42e01f");
}

TEST(JsepCodec, H264ProfileMismatchRejectsMline) {
  SessionDescription offer = remote_offer({"video"});
  auto &m = offer.media[0];
  m.formats = {"100"};
  m.rtpmaps = {{100, "H264", 90000, std::nullopt}};
  m.fmtps = {{100, "packetization-mode=1;profile-level-id=640c1f"}};
  m.rtcp_fbs.clear();
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->media[0].is_rejected());
  ASSERT_TRUE(b.set_local_description(SdpType::Answer, *answer).ok());
  EXPECT_TRUE(b.transceivers()[0].stopped);

  // The same offer with a constrained-baseline profile is taken.
  m.fmtps = {{100, "packetization-mode=1;profile-level-id=42e01f"}};
  Session c(config_b());
  ASSERT_TRUE(c.set_remote_description(SdpType::Offer, offer).ok());
  auto ok = c.create_answer();
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->media[0].is_rejected());
  EXPECT_EQ(ok->media[0].formats, std::vector<std::string>{"100"});
}

TEST(JsepCodec, RtxDroppedWhenPrimaryIsNotAccepted) {
  Codec vp8;
  vp8.name = "VP8";
  vp8.payload_type = 96;
  Codec vp9 = vp8;
  vp9.name = "VP9";
  vp9.payload_type = 98;
  Codec rtx96;
  rtx96.name = "rtx";
  rtx96.payload_type = 97;
  rtx96.parameters = {{"apt", "96"}};
  Codec rtx98 = rtx96;
  rtx98.payload_type = 99;
  rtx98.parameters = {{"apt", "98"}};
  std::vector<Codec> local = default_codecs("video");
  local.erase(local.begin() + 2, local.begin() + 4);  // no VP9 here
  auto out = detail::intersect_codecs({vp8, rtx96, vp9, rtx98}, local, false);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload_type, 96);
  EXPECT_EQ(out[1].payload_type, 97);
  EXPECT_EQ(detail::codec_param(out[1], "apt"), "96");
  // And no rtx at all when we do not do rtx.
  std::vector<Codec> plain = {local[0]};
  EXPECT_EQ(detail::intersect_codecs({vp8, rtx96}, plain, false).size(), 1u);
}

TEST(JsepCodec, OrderFollowsOffererUnlessPreferencesSet) {
  SessionDescription offer = remote_offer({"audio"});
  auto &m = offer.media[0];
  m.formats = {"0", "111"};
  m.rtpmaps = {{0, "PCMU", 8000, std::nullopt}, {111, "opus", 48000, 2}};
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media[0].formats, (std::vector<std::string>{"0", "111"}));

  Session c(config_b());
  Transceiver t = make_transceiver("audio");
  t.codecs = default_codecs("audio");  // opus first
  t.has_codec_preferences = true;
  c.add_transceiver(t);
  ASSERT_TRUE(c.set_remote_description(SdpType::Offer, offer).ok());
  auto preferred = c.create_answer();
  ASSERT_TRUE(preferred.ok());
  EXPECT_EQ(preferred->media[0].formats, (std::vector<std::string>{"111", "0"}));
}

TEST(JsepCodec, NameCaseClockAndChannelsMatter) {
  Codec opus;
  opus.name = "OPUS";
  opus.clock_rate = 48000;
  opus.channels = 2;
  opus.payload_type = 111;
  auto local = default_codecs("audio");
  auto out = detail::intersect_codecs({opus}, local, false);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "OPUS");  // the offerer's spelling
  opus.channels = 1;
  EXPECT_TRUE(detail::intersect_codecs({opus}, local, false).empty());
  Codec te;
  te.name = "telephone-event";
  te.clock_rate = 16000;
  te.payload_type = 110;
  EXPECT_TRUE(detail::intersect_codecs({te}, local, false).empty());
  te.clock_rate = 8000;
  EXPECT_EQ(detail::intersect_codecs({te}, local, false).size(), 1u);
}

TEST(JsepCodec, Vp9AndAv1ProfilesMustMatch) {
  Codec vp9;
  vp9.name = "VP9";
  vp9.payload_type = 98;
  vp9.parameters = {{"profile-id", "2"}};
  auto local = default_codecs("video");
  EXPECT_TRUE(detail::intersect_codecs({vp9}, local, false).empty());
  vp9.parameters = {};  // absent = profile 0
  EXPECT_EQ(detail::intersect_codecs({vp9}, local, false).size(), 1u);
  Codec av1;
  av1.name = "AV1";
  av1.payload_type = 45;
  av1.parameters = {{"profile", "1"}};
  EXPECT_TRUE(detail::intersect_codecs({av1}, local, false).empty());
  av1.parameters = {{"profile", "0"}, {"level-idx", "5"}};
  EXPECT_EQ(detail::intersect_codecs({av1}, local, false).size(), 1u);
}

TEST(JsepCodec, FeedbackIsTheIntersection) {
  Codec vp8;
  vp8.name = "VP8";
  vp8.payload_type = 96;
  vp8.rtcp_fb = {{"nack", ""}, {"nack", "pli"}, {"goog-lntf", ""}, {"ccm", "fir"}};
  Codec local = default_codecs("video")[0];
  local.rtcp_fb = {{"nack", "pli"}, {"ccm", "fir"}, {"transport-cc", ""}};
  auto out = detail::intersect_codecs({vp8}, {local}, false);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rtcp_fb, (std::vector<RtcpFeedback>{{"nack", "pli"}, {"ccm", "fir"}}));
}

TEST(JsepCodec, RedAndUlpfecKeptOnlyWhenSupported) {
  SessionDescription offer = remote_offer({"video"});
  auto &m = offer.media[0];
  m.formats = {"96", "97", "112", "114"};
  m.rtpmaps.push_back({112, "red", 90000, std::nullopt});
  m.rtpmaps.push_back({114, "ulpfec", 90000, std::nullopt});
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto plain = b.create_answer();
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->media[0].formats, (std::vector<std::string>{"96", "97"}));

  Session c(config_b());
  Transceiver t = make_transceiver("video");
  t.codecs = default_codecs("video");
  Codec red, fec;
  red.name = "red";
  fec.name = "ulpfec";
  t.codecs.push_back(red);
  t.codecs.push_back(fec);
  c.add_transceiver(t);
  ASSERT_TRUE(c.set_remote_description(SdpType::Offer, offer).ok());
  auto with_fec = c.create_answer();
  ASSERT_TRUE(with_fec.ok());
  EXPECT_EQ(with_fec->media[0].formats, (std::vector<std::string>{"96", "97", "112", "114"}));
}

// ---- header extensions --------------------------------------------------------------------------

TEST(JsepExtmap, AnswerKeepsKnownUrisWithOffererIds) {
  SessionDescription offer = remote_offer({"audio"});
  auto &m = offer.media[0];
  m.attrs.extmaps = {
      {7, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", ""},
      {3, std::nullopt, "urn:example:unknown", ""},
      {12, std::nullopt, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", ""},
  };
  // Session-level extmaps apply to every m-line.
  offer.attrs.extmaps = {{9, std::nullopt, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", ""}};
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  std::map<int, std::string> got;
  for (const auto &e : answer->media[0].attrs.extmaps) got[e.id] = e.uri;
  EXPECT_EQ(got,
            (std::map<int, std::string>{{7, "urn:ietf:params:rtp-hdrext:sdes:mid"},
                                        {12, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"},
                                        {9, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"}}));
  ASSERT_TRUE(b.set_local_description(SdpType::Answer, *answer).ok());
  EXPECT_EQ(b.transceivers()[0].negotiated_extensions.size(), 3u);
}

TEST(JsepExtmap, SendonlyOfferedExtensionAnsweredRecvonly) {
  SessionDescription offer = remote_offer({"audio"});
  offer.media[0].attrs.extmaps = {
      {5, Direction::SendOnly, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", ""}};
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->media[0].attrs.extmaps.size(), 1u);
  EXPECT_EQ(answer->media[0].attrs.extmaps[0].direction, Direction::RecvOnly);
}

TEST(JsepAnswer, SimulcastOfferIsAnsweredWithTheLayersAsRecv) {
  // A browser's addTransceiver(track, {sendEncodings: [{rid: "h"}, {rid:
  // "l", scaleResolutionDownBy: 2}]}): the answer takes both layers.
  auto offer = remote_offer({"video"});
  auto &m = offer.media[0];
  m.attrs.extmaps = {{4, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", ""},
                     {10, std::nullopt, gst_rtc::jsep::kRidExtensionUri, ""},
                     {11, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", ""}};
  m.rids = {{"h", true, {}, {}}, {"l", true, {96}, {{"max-width", "640"}}}, {"x", true, {45}, {}}};
  Simulcast sc;
  sc.send = {{{"h", false}}, {{"l", false}, {"x", false}}};
  m.simulcast = sc;
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  const auto answer_sdp = wire(*answer);
  const auto &a = answer_sdp.media[0];
  // "x" names only payload type 45, which the answer does not have.
  ASSERT_EQ(a.rids.size(), 2u) << serialize_sdp(*answer);
  EXPECT_EQ(a.rids[0].id, "h");
  EXPECT_FALSE(a.rids[0].send);
  EXPECT_EQ(a.rids[1].id, "l");
  EXPECT_FALSE(a.rids[1].send);
  EXPECT_EQ(a.rids[1].payload_types, std::vector<int>{96});
  ASSERT_TRUE(a.simulcast.has_value());
  EXPECT_TRUE(a.simulcast->send.empty());
  ASSERT_EQ(a.simulcast->recv.size(), 2u);
  EXPECT_EQ(a.simulcast->recv[0], (SimulcastStream{{"h", false}}));
  EXPECT_EQ(a.simulcast->recv[1], (SimulcastStream{{"l", false}}));
  const bool rid_ext = std::any_of(a.attrs.extmaps.begin(), a.attrs.extmaps.end(), [](const Extmap &e) {
    return e.uri == gst_rtc::jsep::kRidExtensionUri && e.id == 10;
  });
  EXPECT_TRUE(rid_ext);

  // Without the RID extension the layers cannot be told apart: no simulcast
  // in the answer (the offerer then sends its first layer only).
  m.attrs.extmaps.resize(1);
  Session c(config_b());
  ASSERT_TRUE(c.set_remote_description(SdpType::Offer, offer).ok());
  auto plain = c.create_answer();
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->media[0].rids.empty());
  EXPECT_FALSE(plain->media[0].simulcast.has_value());
}

TEST(JsepNegotiation, SimulcastLayersOfferedAndTaken) {
  Transceiver t = sending("video", 1000);
  t.send_rids = {"l", "h"};
  Session a = offerer_with({t});
  Session b(config_b());
  auto x = negotiate(a, b);
  const auto &o = x.offer.media[0];
  ASSERT_EQ(o.rids.size(), 2u) << serialize_sdp(x.offer);
  EXPECT_EQ(o.rids[0], (Rid{"l", true, {}, {}}));
  EXPECT_EQ(o.rids[1], (Rid{"h", true, {}, {}}));
  ASSERT_TRUE(o.simulcast.has_value());
  EXPECT_EQ(o.simulcast->send.size(), 2u);
  EXPECT_TRUE(o.ssrcs.empty()) << "layers are named by RID, not a=ssrc";
  EXPECT_TRUE(o.ssrc_groups.empty());
  EXPECT_FALSE(o.msids.empty());
  // b (one of ours) answers recv l;h: a sends both, in its order.
  ASSERT_EQ(x.offerer_remote.media.size(), 1u);
  EXPECT_EQ(x.offerer_remote.media[0].send_rids, (std::vector<std::string>{"l", "h"}));
  EXPECT_EQ(x.answerer_remote.media[0].remote_rids.size(), 2u);

  // A remote that pauses "l" (a=simulcast:recv ~l;h) gets "h" alone.
  Session c = offerer_with({t});
  auto offer = c.create_offer();
  ASSERT_TRUE(offer.ok());
  ASSERT_TRUE(c.set_local_description(SdpType::Offer, *offer).ok());
  Session d(config_b());
  ASSERT_TRUE(d.set_remote_description(SdpType::Offer, wire(*offer)).ok());
  auto answer = d.create_answer();
  ASSERT_TRUE(answer.ok());
  answer->media[0].simulcast->recv[0][0].paused = true;
  auto plan = c.set_remote_description(SdpType::Answer, wire(*answer));
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(plan->media[0].send_rids, std::vector<std::string>{"h"});

  // A remote without simulcast (no a=simulcast in its answer): the first
  // layer alone.
  Session e = offerer_with({t});
  offer = e.create_offer();
  ASSERT_TRUE(e.set_local_description(SdpType::Offer, *offer).ok());
  Session f(config_b());
  ASSERT_TRUE(f.set_remote_description(SdpType::Offer, wire(*offer)).ok());
  answer = f.create_answer();
  ASSERT_TRUE(answer.ok());
  answer->media[0].simulcast.reset();
  answer->media[0].rids.clear();
  plan = e.set_remote_description(SdpType::Answer, wire(*answer));
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(plan->media[0].send_rids, std::vector<std::string>{"l"});
}

TEST(JsepAnswer, OfferToReceiveSimulcastGetsTheLayersItLists) {
  // An SFU's offer asking for simulcast (a=rid:... recv, a=simulcast:recv):
  // the answer sends the layers of ours it lists, in its order.
  auto offer = remote_offer({"video"});
  auto &m = offer.media[0];
  m.attrs.extmaps = {{10, std::nullopt, gst_rtc::jsep::kRidExtensionUri, ""}};
  m.rids = {{"h", false, {}, {}}, {"q", false, {}, {}}, {"l", false, {}, {}}};
  Simulcast sc;
  sc.send_first = false;
  sc.recv = {{{"h", false}}, {{"q", false}}, {{"l", false}}};
  m.simulcast = sc;
  Session b(config_b());
  Transceiver t = sending("video", 2000);
  t.send_rids = {"l", "h"};
  b.add_transceiver(std::move(t));
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  ASSERT_EQ(b.transceivers().size(), 1u) << "the offer took our transceiver";
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  const auto sdp = wire(*answer);
  const auto &a = sdp.media[0];
  ASSERT_TRUE(a.simulcast.has_value()) << serialize_sdp(*answer);
  ASSERT_EQ(a.simulcast->send.size(), 2u);
  EXPECT_EQ(a.simulcast->send[0][0].rid, "h");
  EXPECT_EQ(a.simulcast->send[1][0].rid, "l");
  auto plan = b.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(plan->media[0].send_rids, (std::vector<std::string>{"l", "h"}));
}

// ---- rejection --------------------------------------------------------------------------------------

TEST(JsepReject, UnknownMediaAndProtocolsGetPortZero) {
  SessionDescription offer = remote_offer({"audio", "video"});
  MediaDescription text;
  text.media = "text";
  text.port = 9;
  text.proto = "UDP/TLS/RTP/SAVPF";
  text.formats = {"98"};
  text.mid = "t";
  offer.media.push_back(text);
  MediaDescription plain = offer.media[0];
  plain.proto = "RTP/AVP";  // no encryption: not WebRTC
  plain.mid = "p";
  offer.media.push_back(plain);
  Session b(config_b(BundlePolicy::MaxCompat));
  auto plan = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(b.transceivers().size(), 2u);  // none made for what we cannot take
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->media.size(), 4u);
  EXPECT_FALSE(answer->media[0].is_rejected());
  EXPECT_FALSE(answer->media[1].is_rejected());
  EXPECT_TRUE(answer->media[2].is_rejected());
  EXPECT_EQ(answer->media[2].media, "text");
  EXPECT_EQ(answer->media[2].mid, "t");
  EXPECT_TRUE(answer->media[3].is_rejected());
  EXPECT_EQ(answer->media[3].proto, "RTP/AVP");
  EXPECT_EQ(answer->bundle_group()->mids, (std::vector<std::string>{"m0", "m1"}));
  auto wired = wire(*answer);
  EXPECT_EQ(wired, *answer);
}

TEST(JsepReject, OfferedPortZeroStaysRejected) {
  SessionDescription offer = remote_offer({"audio", "video"});
  offer.media[1].port = 0;
  offer.groups[0].mids = {"m0"};
  Session b(config_b());
  auto plan = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(b.transceivers().size(), 1u);
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->media[1].is_rejected());
  EXPECT_EQ(answer->media[1].mid, "m1");
  EXPECT_FALSE(answer->media[0].is_rejected());
}

TEST(JsepReject, RejectedOffererTagRejectsItsWholeGroup) {
  SessionDescription offer = remote_offer({"text", "audio"});
  offer.media[0].proto = "UDP/TLS/RTP/SAVPF";
  offer.media[0].formats = {"98"};
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->media[0].is_rejected());
  EXPECT_TRUE(answer->media[1].is_rejected());
  EXPECT_TRUE(answer->groups.empty());
}

// ---- m-line reuse and renegotiation -------------------------------------------------------------

TEST(JsepRenegotiation, StoppedTransceiverMlineGoesToPortZero) {
  Session a = offerer_with({make_transceiver("audio"), make_transceiver("video")});
  Session b(config_b());
  negotiate(a, b);
  a.transceivers()[1].stopping = true;
  EXPECT_TRUE(a.negotiation_needed());
  Exchange x = negotiate(a, b);
  ASSERT_EQ(x.offer.media.size(), 2u);
  EXPECT_TRUE(x.offer.media[1].is_rejected());
  EXPECT_EQ(x.offer.media[1].mid, "1");
  EXPECT_TRUE(x.offer.media[1].msids.empty());
  EXPECT_EQ(x.offer.bundle_group()->mids, std::vector<std::string>{"0"});
  EXPECT_TRUE(x.answer.media[1].is_rejected());
  EXPECT_TRUE(a.transceivers()[1].stopped);
  EXPECT_TRUE(b.transceivers()[1].stopped);
  EXPECT_TRUE(x.offerer_remote.media[1].stopped);
  EXPECT_FALSE(a.negotiation_needed());
  // The stopped m-line stays as a placeholder in later offers.
  auto again = a.create_offer();
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->media.size(), 2u);
  EXPECT_TRUE(again->media[1].is_rejected());
}

TEST(JsepRenegotiation, NewTransceiverRecyclesRejectedMline) {
  Session a = offerer_with({make_transceiver("audio"), make_transceiver("video")});
  Session b(config_b());
  negotiate(a, b);
  a.transceivers()[1].stopping = true;
  negotiate(a, b);
  a.add_transceiver(make_transceiver("audio"));
  Exchange x = negotiate(a, b);
  ASSERT_EQ(x.offer.media.size(), 2u);  // recycled, not appended
  EXPECT_EQ(x.offer.media[1].media, "audio");
  EXPECT_EQ(x.offer.media[1].port, 9);
  EXPECT_EQ(x.offer.media[1].mid, "2");  // a new mid, never "1" again
  EXPECT_EQ(a.transceivers()[2].mline, 1u);
  EXPECT_FALSE(a.transceivers()[1].mline.has_value());
  EXPECT_FALSE(x.answer.media[1].is_rejected());
  // The answerer found the m-line recycled and made a new transceiver.
  ASSERT_EQ(b.transceivers().size(), 3u);
  EXPECT_EQ(b.transceivers()[2].mid, "2");
  EXPECT_EQ(b.transceivers()[2].mline, 1u);
  EXPECT_EQ(a.signaling_state(), SignalingState::Stable);
}

TEST(JsepRenegotiation, AddingTransceiverKeepsMidsPayloadTypesAndExtmapIds) {
  Session a = offerer_with({make_transceiver("audio"), make_transceiver("video")});
  Session b(config_b());
  Exchange first = negotiate(a, b);
  a.add_transceiver(make_transceiver("video"));
  EXPECT_TRUE(a.negotiation_needed());
  Exchange second = negotiate(a, b);
  ASSERT_EQ(second.offer.media.size(), 3u);
  for (std::size_t i = 0; i < 2; i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(second.offer.media[i].mid, first.offer.media[i].mid);
    EXPECT_EQ(second.offer.media[i].formats, first.answer.media[i].formats);  // answer order, answer pts
    EXPECT_EQ(second.offer.media[i].attrs.extmaps, first.answer.media[i].attrs.extmaps);
  }
  EXPECT_EQ(second.offer.media[2].mid, "2");
  // The new video m-line numbers its formats like the existing one.
  EXPECT_EQ(second.offer.media[2].formats, second.offer.media[1].formats);
  EXPECT_EQ(second.offer.media[2].attrs.extmaps, second.offer.media[1].attrs.extmaps);
  EXPECT_EQ(a.transceivers()[2].negotiated_codecs, b.transceivers()[2].negotiated_codecs);
  EXPECT_GT(second.offer.origin.session_version, first.offer.origin.session_version);
}

TEST(JsepRenegotiation, AnswererReofferKeepsOffererPayloadTypes) {
  Session a = offerer_with({make_transceiver("video")});
  Session b(config_b());
  Exchange first = negotiate(a, b);
  // Now b offers: its m-line numbers come from what was negotiated.
  Exchange second = negotiate(b, a);
  ASSERT_EQ(second.offer.media.size(), 1u);
  EXPECT_EQ(second.offer.media[0].mid, "0");
  EXPECT_EQ(second.offer.media[0].formats, first.answer.media[0].formats);
  EXPECT_EQ(a.signaling_state(), SignalingState::Stable);
  EXPECT_EQ(b.transceivers()[0].negotiated_codecs, a.transceivers()[0].negotiated_codecs);
}

TEST(JsepRenegotiation, ReofferKeepsNegotiatedDtlsRole) {
  Session a = offerer_with({make_transceiver("audio")});
  Session b(config_b());
  negotiate(a, b);  // a: actpass -> b active (client), a passive (server)
  auto reoffer = a.create_offer();
  ASSERT_TRUE(reoffer.ok());
  EXPECT_EQ(reoffer->media[0].attrs.setup, Setup::Passive);
  // b re-offers in its role, and a's answer keeps the association.
  Exchange x = negotiate(b, a);
  EXPECT_EQ(x.offer.media[0].attrs.setup, Setup::Active);
  EXPECT_EQ(x.answer.media[0].attrs.setup, Setup::Passive);
  EXPECT_EQ(x.offerer_remote.transports[0].dtls_role, DtlsRole::Client);
  EXPECT_EQ(x.answerer_local.transports[0].dtls_role, DtlsRole::Server);
  // ICE roles stay too: a was controlling and still is, though b offered.
  EXPECT_FALSE(x.offerer_remote.transports[0].ice_controlling);
  EXPECT_TRUE(x.answerer_local.transports[0].ice_controlling);
}

TEST(JsepRenegotiation, IceRestartChangesUfragAndFlagsThePlan) {
  Session a = offerer_with({make_transceiver("audio")});
  Session b(config_b());
  negotiate(a, b);
  Configuration c = a.configuration();
  c.ice = {"nEwU", "newpasswordnewpassword"};
  ASSERT_TRUE(a.set_configuration(c).ok());
  auto offer = a.create_offer({.ice_restart = true});
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->media[0].attrs.ice_ufrag, "nEwU");
  auto local = a.set_local_description(SdpType::Offer, *offer);
  ASSERT_TRUE(local.ok());
  EXPECT_TRUE(local->transports[0].ice_restart);
  auto remote = b.set_remote_description(SdpType::Offer, *offer);
  ASSERT_TRUE(remote.ok());
  EXPECT_TRUE(remote->transports[0].ice_restart);
  Configuration cb = b.configuration();
  cb.ice = {"nEwB", "newbpasswordnewbpassword"};
  ASSERT_TRUE(b.set_configuration(cb).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media[0].attrs.ice_ufrag, "nEwB");
  ASSERT_TRUE(b.set_local_description(SdpType::Answer, *answer).ok());
  auto done = a.set_remote_description(SdpType::Answer, *answer);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->transports[0].ice_restart);
  EXPECT_EQ(done->transports[0].remote_ice->ufrag, "nEwB");
  EXPECT_EQ(done->transports[0].local_ice.ufrag, "nEwU");
  // A plain renegotiation afterwards is not a restart.
  Exchange x = negotiate(a, b);
  EXPECT_FALSE(x.offerer_remote.transports[0].ice_restart);
}

TEST(JsepRenegotiation, MaxBundleReofferKeepsBundledMlines) {
  Session a =
      offerer_with({make_transceiver("audio"), make_transceiver("video")}, true, BundlePolicy::MaxBundle);
  Session b(config_b());
  negotiate(a, b);
  a.add_transceiver(make_transceiver("video"));
  auto reoffer = a.create_offer();
  ASSERT_TRUE(reoffer.ok());
  ASSERT_EQ(reoffer->media.size(), 4u);
  // Bundle-only marks only the initial offer; the data m-line keeps its
  // place and mid, the new m-line comes last with the next free mid.
  const char *mids[] = {"0", "1", "2", "3"};
  for (std::size_t i = 0; i < 4; i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(reoffer->media[i].mid, mids[i]);
    EXPECT_EQ(reoffer->media[i].port, 9);
    EXPECT_FALSE(has_attr(reoffer->media[i], "bundle-only"));
    EXPECT_EQ(reoffer->media[i].attrs.setup, Setup::Passive);
  }
  EXPECT_EQ(reoffer->media[2].media, "application");
  EXPECT_EQ(reoffer->bundle_group()->mids, (std::vector<std::string>{"0", "1", "2", "3"}));
  Exchange x = negotiate(a, b);
  EXPECT_EQ(x.offerer_remote.transports.size(), 1u);
  EXPECT_EQ(b.transceivers().size(), 3u);
}

TEST(JsepNegotiation, RemoteOfferWithoutMidsOrBundle) {
  SessionDescription offer = remote_offer({"audio"});
  offer.groups.clear();
  offer.media[0].mid.reset();
  Session b(config_b());
  auto plan = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  ASSERT_EQ(b.transceivers().size(), 1u);
  ASSERT_TRUE(b.transceivers()[0].mid.has_value());  // generated (RFC 8829 5.10)
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(answer->media[0].mid.has_value());  // only if offered
  EXPECT_TRUE(answer->groups.empty());
  auto done = b.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->transports.size(), 1u);
  EXPECT_FALSE(done->media[0].codecs.empty());
  // Our re-offer names the m-line by the generated mid.
  auto reoffer = b.create_offer();
  ASSERT_TRUE(reoffer.ok());
  EXPECT_EQ(reoffer->media[0].mid, b.transceivers()[0].mid);
}

TEST(JsepRenegotiation, ReofferFollowsTheMostRecentAnswer) {
  Session a = offerer_with({make_transceiver("video")});
  auto offer = a.create_offer();
  ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  // A peer that prefers VP9, knows fewer extensions and no nack, and does
  // not use reduced-size RTCP.
  MediaDescription &m = answer->media[0];
  int vp9 = rtpmap_named(m, "VP9")->payload_type;
  auto pos = std::find(m.formats.begin(), m.formats.end(), std::to_string(vp9));
  std::rotate(m.formats.begin(), pos, pos + 2);  // VP9 and its rtx first
  m.attrs.extmaps.resize(1);
  std::erase_if(m.rtcp_fbs, [](const RtcpFb &f) { return f.type == "nack"; });
  m.rtcp_rsize = false;
  ASSERT_TRUE(a.set_remote_description(SdpType::Answer, wire(*answer)).ok());

  auto reoffer = a.create_offer();
  ASSERT_TRUE(reoffer.ok());
  const MediaDescription &r = reoffer->media[0];
  EXPECT_EQ(r.formats[0], std::to_string(vp9));
  EXPECT_EQ(apt_of(r, std::stoi(r.formats[1])), vp9);
  EXPECT_EQ(r.formats.size(), offer->media[0].formats.size());  // nothing lost
  EXPECT_EQ(r.attrs.extmaps, m.attrs.extmaps);
  for (const auto &f : r.rtcp_fbs) EXPECT_NE(f.type, "nack");
  EXPECT_FALSE(r.rtcp_rsize);
  // Explicit preferences win over the answer's order.
  a.transceivers()[0].has_codec_preferences = true;
  auto preferred = a.create_offer();
  ASSERT_TRUE(preferred.ok());
  EXPECT_EQ(preferred->media[0].formats[0], std::to_string(rtpmap_named(r, "VP8")->payload_type));
}
