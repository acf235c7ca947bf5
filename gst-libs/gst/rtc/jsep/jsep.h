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
// telephone-event at 48 and 8 kHz / VP8, VP9, H264 CB 42e01f pm=1, H264 pm=0,
// H264 Main and High pm=1, AV1, H265,
// each video codec with rtx), payload types left for the engine to assign.
// In a preference list an rtx entry without a usable "apt" repairs the
// nearest non-rtx codec before it.
std::vector<Codec> default_codecs(std::string_view kind);

struct HeaderExtension {
  std::string uri;
  int id = 0;  // 0: the engine assigns
  // In preferences, Inactive means "do not negotiate" (W3C "stopped").
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
  std::string stream_id;                  // a=msid stream (empty: "-")
  std::string track_id;                   // a=msid track
  std::vector<std::uint32_t> send_ssrcs;  // [primary, rtx]; empty: no a=ssrc lines
  // Simulcast layers sent (W3C sendEncodings rids, in order): offered as
  // a=rid ... send + a=simulcast:send (RFC 8853) when the RID extension is
  // in the m-line; no a=ssrc lines then (each layer's SSRC is named by the
  // RID in its packets). Empty: one stream.
  std::vector<std::string> send_rids;
  std::string cname;
  bool stopping = false;  // stop() called; the next offer rejects the m-line
  // `codecs` were set explicitly (W3C setCodecPreferences): answers list the
  // common codecs in this order. Otherwise answers keep the offerer's order
  // (RFC 8829 5.3.1).
  bool has_codec_preferences = false;
  // While not associated with an m-line, this transceiver may be taken by a
  // new sendrecv/recvonly m-line of the same kind in a remote offer instead
  // of creating a new one (W3C: transceivers made by addTrack; webrtcbin
  // does the same for pads requested before the offer arrives).
  bool reusable_by_remote = true;

  // written by the engine
  std::optional<std::string> mid;
  std::optional<std::size_t> mline;  // index in the current SDPs
  std::optional<Direction> current_direction;
  bool stopped = false;
  bool created_by_remote = false;        // made by set_remote_description(offer)
  std::vector<Codec> negotiated_codecs;  // payload types as agreed, best first
  std::vector<HeaderExtension> negotiated_extensions;
  // The remote side sends to us on this m-line (W3C: a track event fired and
  // the track is not ended). Drives MediaPlan::receiving_started/ended.
  bool receiving = false;
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
  std::string session_id = "0";           // o= session id (digits)
  IceCredentials ice;                     // current local ICE credentials
  std::vector<Fingerprint> fingerprints;  // of the local certificate
  bool trickle = true;                    // a=ice-options:trickle
  std::uint16_t sctp_port = 5000;
  std::uint64_t max_message_size = 262144;
  // a=x-sctp-max-packet-size (kSctpMaxPacketAttribute) in our data m-line:
  // the largest SCTP packet (one DTLS record, one datagram) we take. 0:
  // not advertised.
  std::uint64_t sctp_max_packet_size = 0;
};

// Our SDP extension for RFC 8899 path MTU probing of SCTP over DTLS: a peer
// advertising it takes DTLS datagrams up to the given size. libwebrtc fails
// its DTLS transport on any datagram above 2048 bytes, so larger probes go
// only to peers that say they take them.
inline constexpr const char *kSctpMaxPacketAttribute = "x-sctp-max-packet-size";
// RFC 8852 RtpStreamId (RID) header extension: names a simulcast layer.
inline constexpr const char *kRidExtensionUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

struct OfferOptions {
  bool ice_restart = false;  // caller must have set new Configuration::ice
};
struct AnswerOptions {};

// What one ICE + DTLS transport must do after a description is applied.
// From add_remote_candidate, remote_candidates holds only the new candidate.
struct TransportPlan {
  std::string mid;                // the m-line owning it (BUNDLE tag or alone)
  std::vector<std::string> mids;  // all m-lines it carries
  IceCredentials local_ice;
  std::optional<IceCredentials> remote_ice;  // unknown before a remote description
  bool remote_ice_lite = false;
  bool ice_controlling = true;
  // Credentials changed on either side. After a remote offer that restarts
  // ICE, set new Configuration::ice before create_answer (RFC 8839 4.4.1.1).
  bool ice_restart = false;
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
  std::string transport_mid;                  // TransportPlan::mid carrying it
  Direction direction = Direction::Inactive;  // negotiated (ours)
  std::vector<Codec> codecs;                  // agreed, best first
  std::vector<HeaderExtension> extensions;
  std::vector<std::uint32_t> remote_ssrcs;
  // a=ssrc-group:FID pairs (media SSRC, its RFC 4588 retransmission SSRC).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> remote_rtx_ssrcs;
  std::vector<Rid> remote_rids;
  std::vector<Msid> remote_msids;
  // The simulcast layers (Transceiver::send_rids) the remote takes, in our
  // order: those its a=simulcast:recv lists unpaused; without simulcast
  // agreed, the first layer alone. Empty when the transceiver has none.
  std::vector<std::string> send_rids;
  bool stopped = false;
  bool receiving_started = false;  // direction gained "recv": fire a track event
  bool receiving_ended = false;    // the remote stopped sending: end the track
};

struct DataPlan {
  std::string mid;
  std::size_t mline = 0;
  std::string transport_mid;
  std::uint16_t local_sctp_port = 5000;
  std::optional<std::uint16_t> remote_sctp_port;
  std::uint64_t remote_max_message_size = 65536;
  // The remote's a=x-sctp-max-packet-size, when it sent one.
  std::optional<std::uint64_t> remote_max_packet_size;
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
  // Returns its index. Empty codecs / header_extensions get the defaults
  // for the kind (clear header_extensions afterwards to offer none; an
  // empty codec list always means the defaults).
  std::size_t add_transceiver(Transceiver t);

  // The application asked for a data channel (createDataChannel).
  void request_data_channel() { data_wanted_ = true; }

  SignalingState signaling_state() const { return state_; }

  // INVALID_STATE when closed or (offer) while a remote offer is pending /
  // (answer) without one; OPERATION when Configuration lacks valid ICE
  // credentials or a fingerprint.
  Result<SessionDescription> create_offer(const OfferOptions &opts = {});
  Result<SessionDescription> create_answer(const AnswerOptions &opts = {});

  // type Rollback ignores sdp. Returns the new state and what the
  // transports must do, or a typed error and leaves the state untouched:
  // INVALID_STATE for a type the signaling state does not allow (rollback
  // only from have-local-offer / have-remote-offer, as in W3C; no implicit
  // rollback), INVALID_MODIFICATION for a local description that is not the
  // one create_offer/create_answer made (m-line count, mids, media, proto),
  // INVALID_ACCESS for remote content that is invalid (RFC 8829 5.8) or does
  // not answer our offer (m-lines, mids, payload types, feedback, BUNDLE,
  // a=setup). Rollback removes transceivers the rolled-back remote offer
  // created (unless the application changed their direction) and restores
  // mids, m-line indexes, directions and stop state of the others.
  Result<Plan> set_local_description(SdpType type, const SessionDescription &sdp);
  Result<Plan> set_remote_description(SdpType type, const SessionDescription &sdp);

  // Trickled remote candidate for the m-line `mid` (or index; mid wins);
  // nullopt candidate = end-of-candidates (for every m-line when neither
  // mid nor index is given). The candidate is added to the remote
  // description. INVALID_STATE without a remote description, TYPE for a
  // candidate without mid and index, OPERATION for an unknown or rejected
  // m-line or a ufrag that is not the remote description's.
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
  // Which owner an m-line of an offer we created belongs to.
  struct Slot {
    enum class Owner { None, Transceiver, Data };
    Owner owner = Owner::None;
    std::size_t transceiver = 0;
  };
  // The engine-written fields of one transceiver, as rollback restores them.
  struct TransceiverState {
    std::optional<std::string> mid;
    std::optional<std::size_t> mline;
    std::optional<Direction> current_direction;
    bool stopping = false;
    bool stopped = false;
    bool receiving = false;
  };
  // Everything an offer (local or remote) changes before its answer.
  struct Snapshot {
    std::vector<TransceiverState> transceivers;
    std::optional<std::string> data_mid;
    std::optional<std::size_t> data_mline;
    std::vector<std::string> used_mids;
    std::size_t next_mid = 0;
  };
  enum class Phase { LocalOffer, RemoteOffer, LocalAnswer, RemoteAnswer };

  Status check_transition(bool local, SdpType type) const;
  Status validate_remote(SdpType type, const SessionDescription &sdp) const;
  Status check_local(SdpType type, const SessionDescription &sdp) const;
  Status check_config() const;
  Result<Plan> apply_description(bool local, SdpType type, const SessionDescription &sdp);
  Result<Plan> apply_local_offer(const SessionDescription &sdp);
  Result<Plan> apply_remote_offer(const SessionDescription &sdp);
  Result<Plan> apply_answer(SdpType type, const SessionDescription &sdp, bool local);
  Result<Plan> rollback();
  void take_snapshot();
  void restore_snapshot();
  // What the transports and m-lines must do once `local`/`remote` are the
  // descriptions of the exchange in `phase` (either may be null for an
  // offer); `prev_*` are the current ones before it, to detect ICE restarts.
  // For answers it also writes the negotiated fields into the transceivers
  // (and, when `final_answer`, stopped/roles/tables); it always updates the
  // transceivers' receiving flags.
  Plan make_plan(Phase phase, const SessionDescription *local, const SessionDescription *remote,
                 const SessionDescription *prev_local, const SessionDescription *prev_remote,
                 bool final_answer);
  std::optional<std::size_t> transceiver_at(std::size_t mline) const;
  std::optional<DtlsRole> negotiated_role(const std::string &mid) const;
  // m-line `index` is rejected in the current local or remote description
  // (port 0 and not bundled): it may be recycled (RFC 8829 5.2.2).
  bool rejected_in_current(std::size_t index) const;
  bool mid_taken(std::string_view mid, const std::vector<std::string> &reserved) const;
  std::string allocate_mid(std::vector<std::string> &reserved) const;
  void remember_mids(const SessionDescription &sdp);

  Configuration config_;
  std::vector<Transceiver> transceivers_;
  bool data_wanted_ = false;
  SignalingState state_ = SignalingState::Stable;
  std::optional<SessionDescription> current_local_, pending_local_;
  std::optional<SessionDescription> current_remote_, pending_remote_;
  // Taken when an offer leaves the stable state; restored on rollback.
  std::optional<Snapshot> snapshot_;
  std::uint64_t session_version_ = 0;
  std::optional<std::string> data_mid_;
  std::optional<std::size_t> data_mline_;
  std::size_t next_mid_ = 0;
  std::vector<std::string> used_mids_;  // never handed out again (RFC 8829 5.2.2)
  // What create_offer/create_answer produced last: set_local_description
  // accepts only these (or compatible edits), W3C [[LastCreatedOffer]].
  std::optional<SessionDescription> last_offer_, last_answer_;
  std::vector<Slot> last_offer_slots_;
  // Session-wide payload type and extension id assignments, so that a
  // format keeps its number across m-lines and renegotiations.
  std::vector<Codec> pt_table_;
  std::vector<HeaderExtension> ext_table_;
  // Negotiated DTLS role per mid, kept in re-offers (RFC 8842 5.5).
  std::vector<std::pair<std::string, DtlsRole>> dtls_roles_;
  // ICE role fixed by the first exchange, changed only by an ICE restart.
  std::optional<bool> ice_controlling_;
  bool local_was_offerer_ = false;  // current_local_ is an offer
};

}  // namespace gst_rtc::jsep
