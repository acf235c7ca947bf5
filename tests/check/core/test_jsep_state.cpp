// JSEP engine: the signaling state machine, rollback, validation of
// descriptions, trickled candidates, "negotiation needed", close(), and
// answers to offers written as text the way browsers write them.
#include <set>

#include "jsep-test-util.h"

using namespace jsep_test;

namespace {

Session audio_offerer() {
  Session s(config_a());
  s.add_transceiver(make_transceiver("audio"));
  return s;
}

// Puts `s` into `state` with real descriptions.
void drive_to(Session &s, Session &peer, SignalingState state) {
  switch (state) {
    case SignalingState::Stable:
      return;
    case SignalingState::HaveLocalOffer: {
      auto o = s.create_offer();
      ASSERT_TRUE(s.set_local_description(SdpType::Offer, *o).ok());
      return;
    }
    case SignalingState::HaveRemoteOffer: {
      auto o = peer.create_offer();
      ASSERT_TRUE(peer.set_local_description(SdpType::Offer, *o).ok());
      ASSERT_TRUE(s.set_remote_description(SdpType::Offer, *o).ok());
      return;
    }
    case SignalingState::HaveLocalPrAnswer: {
      drive_to(s, peer, SignalingState::HaveRemoteOffer);
      auto a = s.create_answer();
      ASSERT_TRUE(s.set_local_description(SdpType::PrAnswer, *a).ok());
      return;
    }
    case SignalingState::HaveRemotePrAnswer: {
      drive_to(s, peer, SignalingState::HaveLocalOffer);
      ASSERT_TRUE(peer.set_remote_description(SdpType::Offer, *s.pending_local()).ok());
      auto a = peer.create_answer();
      ASSERT_TRUE(s.set_remote_description(SdpType::PrAnswer, *a).ok());
      return;
    }
    case SignalingState::Closed:
      s.close();
      return;
  }
}

}  // namespace

// ---- state machine -----------------------------------------------------------------

TEST(JsepState, EveryTransitionFollowsTheTable) {
  using S = SignalingState;
  struct Case {
    bool local;
    SdpType type;
    std::set<S> allowed;
  };
  const Case cases[] = {
      {true, SdpType::Offer, {S::Stable, S::HaveLocalOffer}},
      {true, SdpType::PrAnswer, {S::HaveRemoteOffer, S::HaveLocalPrAnswer}},
      {true, SdpType::Answer, {S::HaveRemoteOffer, S::HaveLocalPrAnswer}},
      {true, SdpType::Rollback, {S::HaveLocalOffer, S::HaveRemoteOffer}},
      {false, SdpType::Offer, {S::Stable, S::HaveRemoteOffer}},
      {false, SdpType::PrAnswer, {S::HaveLocalOffer, S::HaveRemotePrAnswer}},
      {false, SdpType::Answer, {S::HaveLocalOffer, S::HaveRemotePrAnswer}},
      {false, SdpType::Rollback, {S::HaveLocalOffer, S::HaveRemoteOffer}},
  };
  const S states[] = {
      S::Stable, S::HaveLocalOffer, S::HaveRemoteOffer, S::HaveLocalPrAnswer, S::HaveRemotePrAnswer,
      S::Closed};
  for (const Case &c : cases)
    for (S st : states) {
      SCOPED_TRACE(std::string(c.local ? "local " : "remote ") + std::string(to_string(c.type)) + " in " +
                   std::string(to_string(st)));
      Session s = audio_offerer();
      Session peer(config_b());
      peer.add_transceiver(make_transceiver("audio"));
      drive_to(s, peer, st);
      ASSERT_EQ(s.signaling_state(), st);
      // The right description for the type, whether or not the state allows it.
      SessionDescription sdp;
      if (c.type == SdpType::Offer) {
        if (c.local) {
          auto o = s.create_offer();
          if (o) sdp = *o;
        } else {
          Session other(config_b());
          other.add_transceiver(make_transceiver("audio"));
          sdp = *other.create_offer();
        }
      } else if (c.type != SdpType::Rollback) {
        if (c.local) {
          auto a = s.create_answer();
          if (a) sdp = *a;
        } else if (s.pending_local()) {
          Session other(config_b());
          if (other.set_remote_description(SdpType::Offer, *s.pending_local())) sdp = *other.create_answer();
        }
      }
      auto r = c.local ? s.set_local_description(c.type, sdp) : s.set_remote_description(c.type, sdp);
      if (c.allowed.count(st)) {
        EXPECT_TRUE(r.ok()) << r.error().describe();
      } else {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::InvalidState) << r.error().describe();
        EXPECT_EQ(s.signaling_state(), st);  // untouched
      }
    }
}

TEST(JsepState, CreateAnswerOnlyWithRemoteOffer) {
  Session s = audio_offerer();
  auto a = s.create_answer();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::InvalidState);
  auto o = s.create_offer();
  ASSERT_TRUE(s.set_local_description(SdpType::Offer, *o).ok());
  EXPECT_EQ(s.create_answer().error().code, ErrorCode::InvalidState);
}

TEST(JsepState, CreateOfferNotWhileAnswering) {
  Session s(config_b());
  ASSERT_TRUE(s.set_remote_description(SdpType::Offer, remote_offer({"audio"})).ok());
  auto o = s.create_offer();
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::InvalidState);
}

TEST(JsepState, PrAnswerThenAnswerOnBothSides) {
  Session a = audio_offerer();
  Session b(config_b());
  auto offer = a.create_offer();
  ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
  auto pr = b.create_answer();
  ASSERT_TRUE(pr.ok());
  auto bp = b.set_local_description(SdpType::PrAnswer, *pr);
  ASSERT_TRUE(bp.ok()) << bp.error().describe();
  EXPECT_EQ(b.signaling_state(), SignalingState::HaveLocalPrAnswer);
  EXPECT_FALSE(bp->negotiation_complete);
  EXPECT_TRUE(b.pending_local().has_value());
  EXPECT_FALSE(b.current_local().has_value());
  auto ap = a.set_remote_description(SdpType::PrAnswer, *pr);
  ASSERT_TRUE(ap.ok()) << ap.error().describe();
  EXPECT_EQ(a.signaling_state(), SignalingState::HaveRemotePrAnswer);
  EXPECT_EQ(ap->transports[0].dtls_role, DtlsRole::Server);
  // The final answer may come from a new create_answer.
  auto fin = b.create_answer();
  ASSERT_TRUE(fin.ok());
  ASSERT_TRUE(b.set_local_description(SdpType::Answer, *fin).ok());
  auto done = a.set_remote_description(SdpType::Answer, *fin);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->negotiation_complete);
  EXPECT_EQ(a.signaling_state(), SignalingState::Stable);
  EXPECT_EQ(b.signaling_state(), SignalingState::Stable);
  EXPECT_EQ(a.current_remote()->origin.session_version, fin->origin.session_version);
}

TEST(JsepState, RollbackFromStableIsInvalid) {
  Session s = audio_offerer();
  auto r = s.set_local_description(SdpType::Rollback, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidState);
  EXPECT_EQ(s.set_remote_description(SdpType::Rollback, {}).error().code, ErrorCode::InvalidState);
}

TEST(JsepState, RollbackLocalOfferRestoresTransceivers) {
  Session a = audio_offerer();
  Session b(config_b());
  negotiate(a, b);
  a.add_transceiver(make_transceiver("video"));
  a.transceivers()[0].stopping = true;
  auto offer = a.create_offer();
  ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
  EXPECT_EQ(a.transceivers()[1].mid, "1");
  auto r = a.set_remote_description(SdpType::Rollback, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, SignalingState::Stable);
  EXPECT_EQ(a.signaling_state(), SignalingState::Stable);
  EXPECT_FALSE(a.pending_local().has_value());
  ASSERT_EQ(a.transceivers().size(), 2u);  // the application's transceiver stays
  EXPECT_FALSE(a.transceivers()[1].mid.has_value());
  EXPECT_FALSE(a.transceivers()[1].mline.has_value());
  EXPECT_EQ(a.transceivers()[0].mid, "0");
  EXPECT_FALSE(a.transceivers()[0].stopped);
  EXPECT_TRUE(a.negotiation_needed());
  // And the next offer is like the rolled-back one.
  auto again = a.create_offer();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->media.size(), 2u);
  EXPECT_EQ(again->media[1].mid, "1");
}

TEST(JsepState, RollbackRemoteOfferRemovesItsTransceivers) {
  Session b(config_b());
  b.add_transceiver(make_transceiver("audio"));  // will be taken by the offer
  auto plan = b.set_remote_description(SdpType::Offer, remote_offer({"audio", "video"}));
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(b.transceivers().size(), 2u);
  EXPECT_EQ(plan->new_transceivers, std::vector<std::size_t>{1});
  EXPECT_EQ(b.transceivers()[0].mid, "m0");
  EXPECT_TRUE(b.transceivers()[0].receiving);
  auto r = b.set_local_description(SdpType::Rollback, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(b.signaling_state(), SignalingState::Stable);
  EXPECT_FALSE(b.pending_remote().has_value());
  ASSERT_EQ(b.transceivers().size(), 1u);
  EXPECT_FALSE(b.transceivers()[0].mid.has_value());
  EXPECT_FALSE(b.transceivers()[0].receiving);
  // The same offer applies again cleanly after the rollback.
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio", "video"})).ok());
  EXPECT_EQ(b.transceivers().size(), 2u);
}

TEST(JsepState, ReplacingRemoteOfferUndoesThePreviousOne) {
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio", "video"})).ok());
  ASSERT_EQ(b.transceivers().size(), 2u);
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio"})).ok());
  EXPECT_EQ(b.transceivers().size(), 1u);
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->media.size(), 1u);
}

TEST(JsepState, LocalDescriptionMustBeTheCreatedOne) {
  Session s = audio_offerer();
  auto never = s.set_local_description(SdpType::Offer, remote_offer({"audio"}));
  ASSERT_FALSE(never.ok());
  EXPECT_EQ(never.error().code, ErrorCode::InvalidModification);
  auto offer = s.create_offer();
  ASSERT_TRUE(offer.ok());
  SessionDescription changed = *offer;
  changed.media[0].mid = "zz";
  EXPECT_EQ(s.set_local_description(SdpType::Offer, changed).error().code, ErrorCode::InvalidModification);
  changed = *offer;
  changed.media.push_back(changed.media[0]);
  EXPECT_EQ(s.set_local_description(SdpType::Offer, changed).error().code, ErrorCode::InvalidModification);
  EXPECT_EQ(s.signaling_state(), SignalingState::Stable);
  // Compatible edits (fewer codecs, an extra attribute) are fine.
  changed = *offer;
  changed.media[0].attrs.other.push_back({"x-note", std::string("hi")});
  EXPECT_TRUE(s.set_local_description(SdpType::Offer, changed).ok());
}

TEST(JsepState, SetConfigurationBundlePolicyIsFixedOnceNegotiating) {
  Session s = audio_offerer();
  Configuration c = config_a(BundlePolicy::Balanced);
  ASSERT_TRUE(s.set_configuration(c).ok());
  auto offer = s.create_offer();
  ASSERT_TRUE(s.set_local_description(SdpType::Offer, *offer).ok());
  c.bundle_policy = BundlePolicy::MaxBundle;
  auto r = s.set_configuration(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidModification);
  c.bundle_policy = BundlePolicy::Balanced;
  c.ice = {"cHaN", "changedchangedchanged12"};
  EXPECT_TRUE(s.set_configuration(c).ok());
}

TEST(JsepState, CloseMakesEveryCallInvalidState) {
  Session a = audio_offerer();
  Session b(config_b());
  negotiate(a, b);
  a.close();
  EXPECT_EQ(a.signaling_state(), SignalingState::Closed);
  EXPECT_EQ(a.create_offer().error().code, ErrorCode::InvalidState);
  EXPECT_EQ(a.create_answer().error().code, ErrorCode::InvalidState);
  EXPECT_EQ(a.set_local_description(SdpType::Offer, {}).error().code, ErrorCode::InvalidState);
  EXPECT_EQ(a.set_remote_description(SdpType::Offer, remote_offer({"audio"})).error().code,
            ErrorCode::InvalidState);
  EXPECT_EQ(a.set_remote_description(SdpType::Rollback, {}).error().code, ErrorCode::InvalidState);
  EXPECT_EQ(a.add_remote_candidate(std::string("0"), std::nullopt, std::nullopt).error().code,
            ErrorCode::InvalidState);
  EXPECT_EQ(a.set_configuration(config_a()).error().code, ErrorCode::InvalidState);
  a.add_transceiver(make_transceiver("video"));
  EXPECT_FALSE(a.negotiation_needed());
}

// ---- remote description validation ---------------------------------------------------------

TEST(JsepValidate, RemoteOfferMissingOrBadTransportAttributes) {
  struct Case {
    const char *what;
    void (*spoil)(SessionDescription &);
  };
  const Case cases[] = {
      {"no ufrag", [](SessionDescription &s) { s.media[0].attrs.ice_ufrag.reset(); }},
      {"no pwd", [](SessionDescription &s) { s.media[0].attrs.ice_pwd.reset(); }},
      {"short ufrag", [](SessionDescription &s) { s.media[0].attrs.ice_ufrag = "abc"; }},
      {"short pwd", [](SessionDescription &s) { s.media[0].attrs.ice_pwd = "tooshort"; }},
      {"bad ufrag chars", [](SessionDescription &s) { s.media[0].attrs.ice_ufrag = "ab;cd"; }},
      {"no fingerprint", [](SessionDescription &s) { s.media[0].attrs.fingerprints.clear(); }},
      {"no setup", [](SessionDescription &s) { s.media[0].attrs.setup.reset(); }},
      {"holdconn", [](SessionDescription &s) { s.media[0].attrs.setup = Setup::HoldConn; }},
      {"no rtcp-mux", [](SessionDescription &s) { s.media[0].rtcp_mux = false; }},
      {"no mid with BUNDLE", [](SessionDescription &s) { s.media[1].mid.reset(); }},
      {"duplicate mid", [](SessionDescription &s) { s.media[1].mid = "m0"; }},
      {"BUNDLE names unknown mid", [](SessionDescription &s) { s.groups[0].mids.push_back("nope"); }},
      {"rtx apt missing",
       [](SessionDescription &s) {
         s.media[1].fmtps = {{97, "apt=120"}};
       }},
      {"no sctp-port", [](SessionDescription &s) { s.media[2].sctp_port.reset(); }},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    SessionDescription offer = remote_offer({"audio", "video", "application"});
    c.spoil(offer);
    Session b(config_b());
    auto r = b.set_remote_description(SdpType::Offer, offer);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidAccess);
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_EQ(b.signaling_state(), SignalingState::Stable);
    EXPECT_TRUE(b.transceivers().empty());
  }
}

TEST(JsepValidate, SessionLevelAndBundledTransportAttributesCount) {
  SessionDescription offer = remote_offer({"audio", "video"});
  // Move credentials to the session level, and drop them from the bundled
  // second m-line entirely (RFC 8843: the tag's apply).
  offer.attrs.ice_ufrag = offer.media[0].attrs.ice_ufrag;
  offer.attrs.ice_pwd = offer.media[0].attrs.ice_pwd;
  offer.attrs.fingerprints = offer.media[0].attrs.fingerprints;
  for (auto &m : offer.media) {
    m.attrs.ice_ufrag.reset();
    m.attrs.ice_pwd.reset();
    m.attrs.fingerprints.clear();
  }
  offer.media[1].attrs.setup.reset();
  offer.media[1].rtcp_mux = false;
  Session b(config_b());
  auto r = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->transports.size(), 1u);
  EXPECT_EQ(r->transports[0].remote_ice->ufrag, "rEmO");
  EXPECT_EQ(r->transports[0].mids, (std::vector<std::string>{"m0", "m1"}));
}

TEST(JsepValidate, AnswerErrors) {
  struct Case {
    const char *what;
    void (*spoil)(SessionDescription &);
  };
  const Case cases[] = {
      {"fewer m-lines", [](SessionDescription &s) { s.media.pop_back(); }},
      {"more m-lines",
       [](SessionDescription &s) {
         s.media.push_back(s.media[0]);
         s.media.back().mid = "x";
       }},
      {"mids swapped", [](SessionDescription &s) { std::swap(s.media[0], s.media[1]); }},
      {"other mid",
       [](SessionDescription &s) {
         s.media[1].mid = "other";
         s.groups[0].mids = {"0", "other"};
       }},
      {"actpass", [](SessionDescription &s) { s.media[0].attrs.setup = Setup::ActPass; }},
      {"payload type not offered",
       [](SessionDescription &s) {
         s.media[0].formats.push_back("77");
         s.media[0].rtpmaps.push_back({77, "opus", 48000, 2});
       }},
      {"rtcp-fb not offered",
       [](SessionDescription &s) {
         s.media[0].rtcp_fbs.push_back({std::nullopt, "x-fb", ""});
       }},
      {"bundles an m-line the offer did not",
       [](SessionDescription &s) {
         s.groups[0].mids.push_back("x");
         s.media[1].mid = "x";
       }},
      {"media type changed", [](SessionDescription &s) { s.media[1].media = "audio"; }},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    Session a(config_a());
    a.add_transceiver(make_transceiver("audio"));
    a.add_transceiver(make_transceiver("video"));
    Session b(config_b());
    auto offer = a.create_offer();
    ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
    ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
    auto answer = b.create_answer();
    ASSERT_TRUE(answer.ok());
    SessionDescription bad = *answer;
    c.spoil(bad);
    auto r = a.set_remote_description(SdpType::Answer, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidAccess) << r.error().describe();
    EXPECT_EQ(a.signaling_state(), SignalingState::HaveLocalOffer);
    EXPECT_FALSE(a.transceivers()[0].current_direction.has_value());
    // The untouched answer still applies.
    EXPECT_TRUE(a.set_remote_description(SdpType::Answer, *answer).ok());
  }
}

TEST(JsepValidate, AnswerSetupMustComplementForcedRole) {
  Session a = audio_offerer();
  Session b(config_b());
  negotiate(a, b);  // a is DTLS server now: its re-offer says passive
  auto offer = a.create_offer();
  ASSERT_EQ(offer->media[0].attrs.setup, Setup::Passive);
  ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
  auto answer = b.create_answer();
  ASSERT_EQ(answer->media[0].attrs.setup, Setup::Active);
  SessionDescription bad = *answer;
  bad.media[0].attrs.setup = Setup::Passive;
  EXPECT_EQ(a.set_remote_description(SdpType::Answer, bad).error().code, ErrorCode::InvalidAccess);
}

TEST(JsepValidate, ReofferCannotDropOrReorderMlines) {
  Session b(config_b());
  Session a = audio_offerer();
  a.add_transceiver(make_transceiver("video"));
  negotiate(a, b);
  SessionDescription reoffer = *a.current_local();
  reoffer.media.pop_back();
  reoffer.groups[0].mids = {"0"};
  EXPECT_EQ(b.set_remote_description(SdpType::Offer, reoffer).error().code, ErrorCode::InvalidAccess);
  reoffer = *a.current_local();
  std::swap(reoffer.media[0], reoffer.media[1]);
  EXPECT_EQ(b.set_remote_description(SdpType::Offer, reoffer).error().code, ErrorCode::InvalidAccess);
  EXPECT_EQ(b.signaling_state(), SignalingState::Stable);
}

// ---- trickled candidates --------------------------------------------------------------------

namespace {

Candidate host(const std::string &ip, std::uint16_t port, std::optional<std::string> ufrag = std::nullopt) {
  Candidate c;
  c.foundation = "1";
  c.component = 1;
  c.transport = "UDP";
  c.priority = 2122260223;
  c.address = ip;
  c.port = port;
  c.ufrag = std::move(ufrag);
  return c;
}

}  // namespace

TEST(JsepCandidate, NeedsARemoteDescription) {
  Session s = audio_offerer();
  auto r = s.add_remote_candidate(std::string("0"), std::nullopt, host("192.0.2.1", 5000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidState);
}

TEST(JsepCandidate, ByMidOrIndexAppearsInRemoteDescriptionAndPlan) {
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio", "video"})).ok());
  auto r = b.add_remote_candidate(std::string("m1"), std::nullopt, host("192.0.2.1", 5000, "rEmO"));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->mid, "m0");  // bundled onto the tag's transport
  EXPECT_EQ(r->mids, (std::vector<std::string>{"m0", "m1"}));
  ASSERT_EQ(r->remote_candidates.size(), 1u);
  EXPECT_EQ(r->remote_candidates[0].address, "192.0.2.1");
  EXPECT_EQ(r->remote_ice->ufrag, "rEmO");
  EXPECT_FALSE(r->remote_end_of_candidates);
  ASSERT_EQ(b.remote_description()->media[1].candidates.size(), 1u);

  auto by_index = b.add_remote_candidate(std::nullopt, 0u, host("192.0.2.2", 6000));
  ASSERT_TRUE(by_index.ok());
  EXPECT_EQ(b.remote_description()->media[0].candidates.size(), 1u);
  // Repeating a candidate does not duplicate it.
  ASSERT_TRUE(b.add_remote_candidate(std::nullopt, 0u, host("192.0.2.2", 6000)).ok());
  EXPECT_EQ(b.remote_description()->media[0].candidates.size(), 1u);

  // It survives into the current description and the answer's plan.
  auto answer = b.create_answer();
  auto plan = b.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(b.current_remote()->media[1].candidates.size(), 1u);
  EXPECT_EQ(plan->transports[0].remote_candidates.size(), 2u);
}

TEST(JsepCandidate, UnknownMlineAndWrongUfragAreOperationErrors) {
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio"})).ok());
  EXPECT_EQ(b.add_remote_candidate(std::string("nope"), std::nullopt, host("192.0.2.1", 1)).error().code,
            ErrorCode::Operation);
  EXPECT_EQ(b.add_remote_candidate(std::nullopt, 5u, host("192.0.2.1", 1)).error().code,
            ErrorCode::Operation);
  EXPECT_EQ(
      b.add_remote_candidate(std::string("m0"), std::nullopt, host("192.0.2.1", 1, "oLdU")).error().code,
      ErrorCode::Operation);
  EXPECT_EQ(b.add_remote_candidate(std::nullopt, std::nullopt, host("192.0.2.1", 1)).error().code,
            ErrorCode::Type);
  EXPECT_TRUE(b.remote_description()->media[0].candidates.empty());
}

TEST(JsepCandidate, EndOfCandidates) {
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio", "video"})).ok());
  auto r = b.add_remote_candidate(std::string("m0"), std::nullopt, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->remote_end_of_candidates);
  EXPECT_TRUE(r->remote_candidates.empty());
  EXPECT_TRUE(b.remote_description()->media[0].end_of_candidates);
  EXPECT_FALSE(b.remote_description()->media[1].end_of_candidates);
  // Without mid or index: every m-line.
  ASSERT_TRUE(b.add_remote_candidate(std::nullopt, std::nullopt, std::nullopt).ok());
  EXPECT_TRUE(b.remote_description()->media[1].end_of_candidates);
}

TEST(JsepCandidate, CandidatesInTheOfferReachThePlan) {
  SessionDescription offer = remote_offer({"audio"});
  offer.media[0].candidates = {host("198.51.100.7", 40000)};
  offer.media[0].end_of_candidates = true;
  Session b(config_b());
  auto plan = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->transports.size(), 1u);
  ASSERT_EQ(plan->transports[0].remote_candidates.size(), 1u);
  EXPECT_EQ(plan->transports[0].remote_candidates[0].port, 40000);
  EXPECT_TRUE(plan->transports[0].remote_end_of_candidates);
  EXPECT_FALSE(plan->transports[0].ice_controlling);
}

TEST(JsepCandidate, IceLitePeerMakesUsControlling) {
  SessionDescription offer = remote_offer({"audio"});
  offer.attrs.ice_lite = true;
  Session b(config_b());
  auto plan = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->transports[0].remote_ice_lite);
  EXPECT_TRUE(plan->transports[0].ice_controlling);
  auto answer = b.create_answer();
  auto done = b.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->transports[0].ice_controlling);
  EXPECT_EQ(done->transports[0].dtls_role, DtlsRole::Client);
}

// ---- negotiation needed ------------------------------------------------------------------------

TEST(JsepNegotiationNeeded, FollowsW3cRules) {
  Session a(config_a());
  EXPECT_FALSE(a.negotiation_needed());
  a.add_transceiver(make_transceiver("audio"));
  EXPECT_TRUE(a.negotiation_needed());  // a transceiver without a mid
  Session b(config_b());
  negotiate(a, b);
  EXPECT_FALSE(a.negotiation_needed());
  EXPECT_FALSE(b.negotiation_needed());

  a.transceivers()[0].direction = Direction::SendOnly;  // answer was recvonly -> reversed sendonly
  EXPECT_FALSE(a.negotiation_needed());
  a.transceivers()[0].direction = Direction::Inactive;
  EXPECT_TRUE(a.negotiation_needed());
  a.transceivers()[0].direction = Direction::SendRecv;
  EXPECT_FALSE(a.negotiation_needed());

  // The answerer: its transceiver now wants to send what it may.
  b.transceivers()[0].direction = Direction::SendRecv;
  EXPECT_TRUE(b.negotiation_needed());
  negotiate(b, a);
  EXPECT_FALSE(b.negotiation_needed());

  a.request_data_channel();
  EXPECT_TRUE(a.negotiation_needed());
  auto offer = a.create_offer();
  ASSERT_TRUE(a.set_local_description(SdpType::Offer, *offer).ok());
  EXPECT_FALSE(a.negotiation_needed());  // never outside stable
  ASSERT_TRUE(a.set_local_description(SdpType::Rollback, {}).ok());
  negotiate(a, b);
  EXPECT_FALSE(a.negotiation_needed());

  a.transceivers()[0].stopping = true;
  EXPECT_TRUE(a.negotiation_needed());
  negotiate(a, b);
  EXPECT_FALSE(a.negotiation_needed());
}

TEST(JsepNegotiationNeeded, StreamChangeWhileSending) {
  Session a(config_a());
  a.add_transceiver(sending("video", 10));
  Session b(config_b());
  negotiate(a, b);
  EXPECT_FALSE(a.negotiation_needed());
  a.transceivers()[0].stream_id = "another";
  EXPECT_TRUE(a.negotiation_needed());
}

// ---- receiving ------------------------------------------------------------------------------------

TEST(JsepReceiving, TrackEventsFollowTheRemoteDirection) {
  Session a(config_a());
  a.add_transceiver(make_transceiver("audio"));
  Session b(config_b());
  b.add_transceiver(make_transceiver("audio"));
  Exchange x = negotiate(a, b);
  EXPECT_TRUE(x.answerer_remote.media[0].receiving_started);
  EXPECT_TRUE(x.offerer_remote.media[0].receiving_started);
  EXPECT_TRUE(a.transceivers()[0].receiving);
  // b stops sending: a's track ends when the answer says so.
  b.transceivers()[0].direction = Direction::RecvOnly;
  Exchange y = negotiate(a, b);
  EXPECT_TRUE(y.offerer_remote.media[0].receiving_ended);
  EXPECT_FALSE(a.transceivers()[0].receiving);
  EXPECT_FALSE(y.answerer_remote.media[0].receiving_started);  // b still receives, no new event
}

// ---- text SDPs ------------------------------------------------------------------------------------

namespace {

// An offer shaped like Chromium's: audio opus/red/G722/PCMU/PCMA/CN/
// telephone-event, video VP8/VP9 (two profiles)/H264 (several profiles)/AV1
// each with rtx plus red/ulpfec, a data channel, BUNDLE and
// extmap-allow-mixed.
const char *kChromeOffer =
    "v=0\r\n"
    "o=- 4215775240449105457 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS s1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ch9e\r\n"
    "a=ice-pwd:chromepasswordchromepass\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendrecv\r\n"
    "a=msid:s1 a1\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "a=fmtp:63 111/111\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:13 CN/8000\r\n"
    "a=rtpmap:110 telephone-event/48000\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:1001 cname:c1\r\n"
    "a=ssrc:1001 msid:s1 a1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125 39 40 45 46 98 99 100 101 112 "
    "113 "
    "114\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ch9e\r\n"
    "a=ice-pwd:chromepasswordchromepass\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
    "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n"
    "a=sendrecv\r\n"
    "a=msid:s1 v1\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "a=rtpmap:102 H264/90000\r\n"
    "a=rtcp-fb:102 nack\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:103 rtx/90000\r\n"
    "a=fmtp:103 apt=102\r\n"
    "a=rtpmap:104 H264/90000\r\n"
    "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
    "a=rtpmap:105 rtx/90000\r\n"
    "a=fmtp:105 apt=104\r\n"
    "a=rtpmap:106 H264/90000\r\n"
    "a=rtcp-fb:106 goog-remb\r\n"
    "a=rtcp-fb:106 nack\r\n"
    "a=rtcp-fb:106 nack pli\r\n"
    "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:107 rtx/90000\r\n"
    "a=fmtp:107 apt=106\r\n"
    "a=rtpmap:108 H264/90000\r\n"
    "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
    "a=rtpmap:109 rtx/90000\r\n"
    "a=fmtp:109 apt=108\r\n"
    "a=rtpmap:127 H264/90000\r\n"
    "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
    "a=rtpmap:125 rtx/90000\r\n"
    "a=fmtp:125 apt=127\r\n"
    "a=rtpmap:39 H264/90000\r\n"
    "a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f\r\n"
    "a=rtpmap:40 rtx/90000\r\n"
    "a=fmtp:40 apt=39\r\n"
    "a=rtpmap:45 AV1/90000\r\n"
    "a=rtcp-fb:45 nack\r\n"
    "a=fmtp:45 level-idx=5;profile=0;tier=0\r\n"
    "a=rtpmap:46 rtx/90000\r\n"
    "a=fmtp:46 apt=45\r\n"
    "a=rtpmap:98 VP9/90000\r\n"
    "a=rtcp-fb:98 nack\r\n"
    "a=fmtp:98 profile-id=0\r\n"
    "a=rtpmap:99 rtx/90000\r\n"
    "a=fmtp:99 apt=98\r\n"
    "a=rtpmap:100 VP9/90000\r\n"
    "a=fmtp:100 profile-id=2\r\n"
    "a=rtpmap:101 rtx/90000\r\n"
    "a=fmtp:101 apt=100\r\n"
    "a=rtpmap:112 red/90000\r\n"
    "a=rtpmap:113 rtx/90000\r\n"
    "a=fmtp:113 apt=112\r\n"
    "a=rtpmap:114 ulpfec/90000\r\n"
    "a=ssrc-group:FID 2001 2002\r\n"
    "a=ssrc:2001 cname:c1\r\n"
    "a=ssrc:2001 msid:s1 v1\r\n"
    "a=ssrc:2002 cname:c1\r\n"
    "a=ssrc:2002 msid:s1 v1\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ch9e\r\n"
    "a=ice-pwd:chromepasswordchromepass\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:2\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

std::vector<std::string> split_formats(const std::string &s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t sp = s.find(' ', pos);
    if (sp == std::string::npos) sp = s.size();
    out.push_back(s.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

}  // namespace

TEST(JsepText, ChromeShapedOfferGetsACorrectAnswer) {
  auto offer = parse_sdp(kChromeOffer);
  ASSERT_TRUE(offer.ok()) << offer.error().describe();
  Session b(config_b());
  auto plan = b.set_remote_description(SdpType::Offer, *offer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(plan->new_transceivers, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ(plan->media.size(), 2u);
  EXPECT_EQ(plan->media[1].remote_ssrcs, (std::vector<std::uint32_t>{2001, 2002}));
  for (auto &t : b.transceivers()) t.direction = Direction::SendRecv;

  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  std::string text = serialize_sdp(*answer);
  auto reparsed = parse_sdp(text);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().describe() << "\n" << text;
  EXPECT_EQ(*reparsed, *answer);

  ASSERT_EQ(answer->media.size(), 3u);
  EXPECT_TRUE(answer->attrs.extmap_allow_mixed);
  ASSERT_NE(answer->bundle_group(), nullptr);
  EXPECT_EQ(answer->bundle_group()->mids, (std::vector<std::string>{"0", "1", "2"}));

  const MediaDescription &audio = answer->media[0];
  EXPECT_EQ(audio.formats, split_formats("111 0 8 110 126"));  // no red, G722 or CN
  EXPECT_EQ(audio.find_rtpmap(126)->encoding, "telephone-event");
  EXPECT_EQ(audio.attrs.direction, Direction::SendRecv);
  EXPECT_EQ(audio.attrs.extmaps.size(), 4u);
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);

  const MediaDescription &video = answer->media[1];
  // Constrained baseline and Main (42001f is Baseline: not ours), VP9
  // profile 0 only, no red/ulpfec; each with its rtx, in Chrome's order.
  EXPECT_EQ(video.formats, split_formats("96 97 106 107 108 109 127 125 45 46 98 99"));
  EXPECT_EQ(fmtp_of(video, 107), "apt=106");
  EXPECT_NE(fmtp_of(video, 106).find("packetization-mode=1"), std::string::npos);
  EXPECT_NE(fmtp_of(video, 106).find("profile-level-id=42e01f"), std::string::npos);
  std::set<int> ext_ids;
  for (const auto &e : video.attrs.extmaps) ext_ids.insert(e.id);
  EXPECT_EQ(ext_ids, (std::set<int>{2, 3, 4, 10, 11}));  // not toffset (14)
  // Feedback only where Chrome offered it: 106 has no transport-cc.
  for (const auto &fb : video.rtcp_fbs) {
    ASSERT_TRUE(fb.payload_type.has_value());
    if (*fb.payload_type == 106) {
      EXPECT_NE(fb.type, "transport-cc");
    }
  }

  const MediaDescription &data = answer->media[2];
  EXPECT_EQ(data.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);

  for (const auto &m : answer->media) {
    EXPECT_EQ(m.attrs.setup, Setup::Active);
    EXPECT_EQ(m.attrs.ice_ufrag, "bBbB");
    EXPECT_EQ(m.attrs.ice_options, std::vector<std::string>{"trickle"});
    EXPECT_EQ(m.port, 9);
  }

  auto applied = b.set_local_description(SdpType::Answer, *reparsed);
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  ASSERT_EQ(applied->transports.size(), 1u);
  const TransportPlan &tp = applied->transports[0];
  EXPECT_EQ(tp.remote_ice, (IceCredentials{"Ch9e", "chromepasswordchromepass"}));
  EXPECT_EQ(tp.dtls_role, DtlsRole::Client);
  EXPECT_FALSE(tp.ice_controlling);
  EXPECT_EQ(tp.remote_sctp_port, 5000);
  ASSERT_TRUE(applied->data.has_value());
  EXPECT_EQ(b.transceivers()[1].negotiated_codecs.front().name, "VP8");
  EXPECT_EQ(b.transceivers()[1].current_direction, Direction::SendRecv);
  EXPECT_EQ(b.signaling_state(), SignalingState::Stable);
}

TEST(JsepText, OwnOfferSurvivesTheWireAndIsAnswered) {
  Session a(config_a(BundlePolicy::MaxBundle));
  a.add_transceiver(sending("audio", 11));
  a.add_transceiver(sending("video", 21));
  a.request_data_channel();
  auto offer = a.create_offer();
  ASSERT_TRUE(offer.ok());
  std::string text = serialize_sdp(*offer);
  auto parsed = parse_sdp(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe() << "\n" << text;
  EXPECT_EQ(*parsed, *offer);
  EXPECT_NE(text.find("a=bundle-only"), std::string::npos);
  EXPECT_NE(text.find("a=group:BUNDLE 0 1 2"), std::string::npos);
  EXPECT_NE(text.find("a=extmap-allow-mixed"), std::string::npos);
  Session b(config_b());
  Exchange x = negotiate(a, b);
  EXPECT_EQ(a.signaling_state(), SignalingState::Stable);
  EXPECT_EQ(b.transceivers().size(), 2u);
}

TEST(JsepText, LegacyDataChannelOfferIsAnsweredInKind) {
  const char *offer_text =
      "v=0\r\n"
      "o=- 1 1 IN IP4 0.0.0.0\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0\r\n"
      "m=application 9 DTLS/SCTP 5000\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=mid:0\r\n"
      "a=sctpmap:5000 webrtc-datachannel 65535\r\n"
      "a=max-message-size:65536\r\n"
      "a=ice-ufrag:OSRL\r\n"
      "a=ice-pwd:D3aiVvFK59dWGA3F6dinX3\r\n"
      "a=fingerprint:sha-256 "
      "18:05:5A:BB:74:EB:04:28:C4:8E:C9:6B:FC:4B:92:A2:43:3E:14:FC:01:84:BD:34:97:0A:87:AF:83:98:22:C8\r\n"
      "a=setup:actpass\r\n";
  auto offer = parse_sdp(offer_text);
  ASSERT_TRUE(offer.ok()) << offer.error().describe();
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, *offer).ok());
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  const auto &m = answer->media[0];
  EXPECT_FALSE(m.is_rejected());
  EXPECT_EQ(m.proto, "DTLS/SCTP");
  EXPECT_EQ(m.formats, std::vector<std::string>{"5000"});
  EXPECT_TRUE(has_attr(m, "sctpmap"));
  auto plan = b.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->data.has_value());
  EXPECT_EQ(plan->data->remote_sctp_port, 5000);
  EXPECT_EQ(plan->data->remote_max_message_size, 65536u);
}

TEST(JsepText, BundleOnlyOfferFromWebrtcbinShape) {
  SessionDescription offer = remote_offer({"audio", "video", "application"});
  for (std::size_t i = 1; i < 3; i++) {
    offer.media[i].port = 0;
    offer.media[i].attrs.other.push_back({"bundle-only", std::nullopt});
    offer.media[i].attrs.ice_ufrag.reset();
    offer.media[i].attrs.ice_pwd.reset();
    offer.media[i].attrs.fingerprints.clear();
    offer.media[i].attrs.setup.reset();
    offer.media[i].rtcp_mux = false;
  }
  Session b(config_b());
  auto plan = b.set_remote_description(SdpType::Offer, offer);
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_EQ(b.transceivers().size(), 2u);
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  for (const auto &m : answer->media) {
    EXPECT_FALSE(m.is_rejected()) << m.media;
    EXPECT_EQ(m.attrs.setup, Setup::Active);
  }
  auto done = b.set_local_description(SdpType::Answer, *answer);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->transports.size(), 1u);
  EXPECT_TRUE(done->data.has_value());
}

TEST(JsepState, LocalAnswerMustMatchTheOffer) {
  Session b(config_b());
  ASSERT_TRUE(b.set_remote_description(SdpType::Offer, remote_offer({"audio", "video"})).ok());
  // No create_answer yet.
  EXPECT_EQ(b.set_local_description(SdpType::Answer, remote_offer({"audio", "video"})).error().code,
            ErrorCode::InvalidModification);
  auto answer = b.create_answer();
  ASSERT_TRUE(answer.ok());
  SessionDescription bad = *answer;
  bad.media.pop_back();
  EXPECT_EQ(b.set_local_description(SdpType::Answer, bad).error().code, ErrorCode::InvalidModification);
  EXPECT_EQ(b.signaling_state(), SignalingState::HaveRemoteOffer);
  // A stale offer is refused once the session moved on.
  Session a = audio_offerer();
  auto stale = a.create_offer();
  ASSERT_TRUE(a.set_remote_description(SdpType::Offer, remote_offer({"audio"})).ok());
  ASSERT_TRUE(a.set_local_description(SdpType::Answer, *a.create_answer()).ok());
  EXPECT_EQ(a.set_local_description(SdpType::Offer, *stale).error().code, ErrorCode::InvalidModification);
}
