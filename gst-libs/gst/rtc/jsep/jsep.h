// JSEP (RFC 8829) offer/answer engine: sans-IO, standard C++ only.
//
// The engine is a function of its state, the transceivers the caller owns
// and the SDP it is given; it never opens sockets, reads a clock or draws
// random numbers. What it decides for the transports is returned as a Plan
// that the GStreamer layer (rtcpeerbin) applies to ICE/DTLS/SCTP/RTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "result.h"
#include "sdp.h"

namespace gst_rtc::jsep {

enum class SdpType { Offer, PrAnswer, Answer, Rollback };
std::string_view to_string(SdpType t);
std::optional<SdpType> sdp_type_from_string(std::string_view s);

// Values match GstRtcSignalingState.
enum class SignalingState {
  Stable,
  HaveLocalOffer,
  HaveRemoteOffer,
  HaveLocalPrAnswer,
  HaveRemotePrAnswer,
  Closed,
};
std::string_view to_string(SignalingState s);

enum class BundlePolicy { Balanced, MaxCompat, MaxBundle };

enum class DtlsRole { Client, Server };  // client = a=setup:active

struct RtcpFeedback {
  std::string type;     // nack, ccm, goog-remb, transport-cc
  std::string subtype;  // pli, fir, or empty
  bool operator==(const RtcpFeedback &) const = default;
};

// One codec as a transceiver offers or negotiated it. RTX entries have
// name "rtx" and an "apt" parameter naming the payload type they repair.
struct Codec {
  std::string name;  // as in rtpmap: opus, H264, VP8, VP9, AV1, H265, PCMU, rtx, red, ulpfec, telephone-event
  std::uint32_t clock_rate = 90000;
  std::optional<std::uint32_t> channels;
  std::vector<std::pair<std::string, std::string>> parameters;  // fmtp
  std::vector<RtcpFeedback> rtcp_fb;
  int payload_type = -1;  // -1: the engine assigns a free dynamic one
  bool operator==(const Codec &) const = default;
};

// A reasonable WebRTC codec list for "audio" or "video" (opus, PCMU, PCMA,
// telephone-event / VP8, VP9, H264 CB 42e01f pm=1, H264 pm=0, AV1, each
// video codec with rtx), payload types left for the engine to assign.
std::vector<Codec> default_codecs(std::string_view kind);

struct HeaderExtension {
  std::string uri;
  int id = 0;  // 0: the engine assigns
  Direction direction = Direction::SendRecv;
  bool operator==(const HeaderExtension &) const = default;
};
std::vector<HeaderExtension> default_header_extensions(std::string_view kind);

// The caller's RTCRtpTransceiver. The engine reads the caller-set fields and
// writes the negotiated ones when a description is applied.
struct Transceiver {
  // set by the caller
  std::string kind;  // "audio" or "video"
  Direction direction = Direction::SendRecv;
  std::vector<Codec> codecs;  // preferences, best first
  std::vector<HeaderExtension> header_extensions;
  std::string stream_id;                    // a=msid stream (empty: "-")
  std::string track_id;                     // a=msid track
  std::vector<std::uint32_t> send_ssrcs;    // [primary, rtx]; empty: no a=ssrc lines
  std::string cname;
  bool stopping = false;  // stop() called; the next offer rejects the m-line

  // written by the engine
  std::optional<std::string> mid;
  std::optional<std::size_t> mline;  // index in the current SDPs
  std::optional<Direction> current_direction;
  bool stopped = false;
  bool created_by_remote = false;  // made by set_remote_description(offer)
  std::vector<Codec> negotiated_codecs;  // payload types as agreed, best first
  std::vector<HeaderExtension> negotiated_extensions;
};

struct IceCredentials {
  std::string ufrag;  // 4..256 ice-chars
  std::string pwd;    // 22..256 ice-chars
  bool operator==(const IceCredentials &) const = default;
};

// Local, per-connection settings the caller provides (fresh randomness comes
// from the caller: the engine draws none).
struct Configuration {
  BundlePolicy bundle_policy = BundlePolicy::MaxBundle;
  std::string session_id = "0";  // o= session id (digits)
  IceCredentials ice;            // current local ICE credentials
  std::vector<Fingerprint> fingerprints;  // of the local certificate
  bool trickle = true;                    // a=ice-options:trickle
  std::uint16_t sctp_port = 5000;
  std::uint64_t max_message_size = 262144;
};

struct OfferOptions {
  bool ice_restart = false;  // caller must have set new Configuration::ice
};
struct AnswerOptions {};

// What one ICE + DTLS transport must do after a description is applied.
struct TransportPlan {
  std::string mid;                // the m-line owning it (BUNDLE tag or alone)
  std::vector<std::string> mids;  // all m-lines it carries
  IceCredentials local_ice;
  std::optional<IceCredentials> remote_ice;  // unknown before a remote description
  bool remote_ice_lite = false;
  bool ice_controlling = true;
  bool ice_restart = false;  // credentials changed on either side
  std::vector<Candidate> remote_candidates;
  bool remote_end_of_candidates = false;
  std::optional<DtlsRole> dtls_role;  // decided once an answer exists
  std::vector<Fingerprint> remote_fingerprints;
  std::optional<std::uint16_t> remote_sctp_port;  // data channel m-line only
  std::optional<std::uint64_t> remote_max_message_size;
};

// What one m-line's RTP must do.
struct MediaPlan {
  std::size_t transceiver = 0;  // index into the caller's transceivers
  std::string mid;
  std::size_t mline = 0;
  std::string transport_mid;  // TransportPlan::mid carrying it
  Direction direction = Direction::Inactive;  // negotiated (ours)
  std::vector<Codec> codecs;                  // agreed, best first
  std::vector<HeaderExtension> extensions;
  std::vector<std::uint32_t> remote_ssrcs;
  std::vector<Rid> remote_rids;
  std::vector<Msid> remote_msids;
  bool stopped = false;
  bool receiving_started = false;  // direction gained "recv": fire a track event
};

struct DataPlan {
  std::string mid;
  std::size_t mline = 0;
  std::string transport_mid;
  std::uint16_t local_sctp_port = 5000;
  std::optional<std::uint16_t> remote_sctp_port;
  std::uint64_t remote_max_message_size = 65536;
};

struct Plan {
  SignalingState state = SignalingState::Stable;
  bool negotiation_complete = false;  // an answer was applied
  std::vector<TransportPlan> transports;
  std::vector<MediaPlan> media;
  std::optional<DataPlan> data;
  std::vector<std::size_t> new_transceivers;  // created by a remote offer
};

// One peer connection's negotiation state. Not thread-safe: the caller's
// operations chain serializes calls.
class Session {
 public:
  explicit Session(Configuration config = {});

  const Configuration &configuration() const { return config_; }
  // New ICE credentials etc.; bundle policy cannot change after the first
  // offer/answer (INVALID_MODIFICATION).
  Status set_configuration(Configuration config);

  std::vector<Transceiver> &transceivers() { return transceivers_; }
  const std::vector<Transceiver> &transceivers() const { return transceivers_; }
  std::size_t add_transceiver(Transceiver t);  // returns its index

  // The application asked for a data channel (createDataChannel).
  void request_data_channel() { data_wanted_ = true; }

  SignalingState signaling_state() const { return state_; }

  Result<SessionDescription> create_offer(const OfferOptions &opts = {});
  Result<SessionDescription> create_answer(const AnswerOptions &opts = {});

  // type Rollback ignores sdp. Returns the new state and what the
  // transports must do, or a typed error and leaves the state untouched.
  Result<Plan> set_local_description(SdpType type, const SessionDescription &sdp);
  Result<Plan> set_remote_description(SdpType type, const SessionDescription &sdp);

  // Trickled remote candidate for the m-line `mid` (or index); nullopt
  // candidate = end-of-candidates. INVALID_STATE without a remote
  // description, OPERATION for an unknown m-line.
  Result<TransportPlan> add_remote_candidate(std::optional<std::string> mid, std::optional<std::size_t> mline,
                                             const std::optional<Candidate> &candidate);

  const std::optional<SessionDescription> &current_local() const { return current_local_; }
  const std::optional<SessionDescription> &pending_local() const { return pending_local_; }
  const std::optional<SessionDescription> &current_remote() const { return current_remote_; }
  const std::optional<SessionDescription> &pending_remote() const { return pending_remote_; }
  // pending if set, else current (W3C localDescription / remoteDescription)
  const SessionDescription *local_description() const;
  const SessionDescription *remote_description() const;

  // W3C "check if negotiation is needed" over the current state.
  bool negotiation_needed() const;

  void close();  // signaling state -> closed; every later call: INVALID_STATE

 private:
  Configuration config_;
  std::vector<Transceiver> transceivers_;
  bool data_wanted_ = false;
  SignalingState state_ = SignalingState::Stable;
  std::optional<SessionDescription> current_local_, pending_local_;
  std::optional<SessionDescription> current_remote_, pending_remote_;
  // Snapshot restored on rollback.
  std::vector<Transceiver> transceivers_before_offer_;
  std::uint64_t session_version_ = 0;
  std::optional<std::string> data_mid_;
  std::size_t next_mid_ = 0;
  // Everything the implementation needs beyond this lives in jsep-private.h
  // helpers that take the Session by reference.
  friend struct SessionAccess;
};

}  // namespace gst_rtc::jsep
