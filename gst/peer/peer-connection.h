/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RTCPeerConnection behind rtcpeerbin: the JSEP session (sans-IO core),
 * the transports it plans, data channels, transceivers, states and stats.
 * The element's action signals call the public methods from any thread;
 * everything that changes state runs on the operations chain.
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/rtc.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gstrtcpeerbin.h"
#include "jsep.h"
#include "peer-media.h"
#include "peer-ops.h"
#include "peer-transport.h"

namespace gst_rtc::peer {

// Codec preferences (and the media kind) from add-transceiver's or a sink
// pad's caps: application/x-rtp or encoded media.
std::vector<jsep::Codec> codecs_from_caps(GstCaps *caps, std::string &kind);

// The rw configuration properties of the bin.
struct Settings {
  std::vector<std::string> ice_servers;  // stun:/turn:/turns: URLs
  std::string stun_server;               // webrtcbin form stun://host:port
  std::string turn_server;               // webrtcbin form turn(s)://user:pass@host:port
  std::vector<std::string> extra_turn_servers;  // add-turn-server
  GstRtcIceTransportPolicy ice_transport_policy = GST_RTC_ICE_TRANSPORT_POLICY_ALL;
  GstRtcBundlePolicy bundle_policy = GST_RTC_BUNDLE_POLICY_MAX_BUNDLE;
  guint ice_candidate_pool_size = 0;
  std::string certificate;  // PEM cert + key; empty: generated
  guint latency = 50;
  std::vector<std::string> local_addresses;
};

class PeerConnection {
 public:
  explicit PeerConnection(GstRtcPeerBin *bin);
  ~PeerConnection();

  // Action signals (any thread).
  void create_offer(const GstStructure *options, GstPromise *promise);
  void create_answer(const GstStructure *options, GstPromise *promise);
  void set_description(bool local, const GstRtcSessionDescription *desc, GstPromise *promise);
  void add_ice_candidate(guint mline, const gchar *candidate, GstPromise *promise);
  GstRtcRtpTransceiver *add_transceiver(GstRtcRtpTransceiverDirection direction, GstCaps *caps);
  GPtrArray *transceivers();
  GPtrArray *senders();
  GPtrArray *receivers();
  GstRtcDataChannel *create_data_channel(const gchar *label, const GstStructure *options);
  void get_stats(GstPad *pad, GstPromise *promise);
  void restart_ice();
  GstStructure *get_configuration();
  gboolean set_configuration(const GstStructure *config);
  void generate_certificate(const GstStructure *params, GstPromise *promise);
  gboolean add_turn_server(const gchar *uri);
  void close();
  // A transceiver's direction changed or it was stopped (any thread).
  void transceiver_changed(GstRtcRtpTransceiver *transceiver);
  // The bin goes to NULL or is disposed: stop the chain and free everything.
  void shutdown();
  // Request pads `sink_%u` (any thread; peer-connection-media.cpp).
  GstPad *request_sink_pad(GstPadTemplate *templ, const gchar *name, const GstCaps *caps);
  void release_sink_pad(GstPad *pad);

  // Property reads (any thread).
  GstRtcPeerConnectionState connection_state();
  GstRtcIceConnectionState ice_connection_state();
  GstRtcIceGatheringState ice_gathering_state();
  GstRtcSignalingState signaling_state();
  enum class Which { Local, CurrentLocal, PendingLocal, Remote, CurrentRemote, PendingRemote };
  GstRtcSessionDescription *description(Which which);
  GstRtcTristate can_trickle();
  GstRtcSctpTransport *sctp_transport();

  // Configuration properties (any thread). A value fixed once negotiation
  // started (`fixed_name` names it) warns and keeps the old value.
  Settings settings();
  void update_settings(const std::function<void(Settings &)> &change, const char *fixed_name = nullptr);

 private:
  struct SctpStream;
  struct SinkPad;
  struct DescriptionCache {
    std::optional<std::string> current_local, pending_local, current_remote, pending_remote;
    jsep::SdpType current_local_type = jsep::SdpType::Offer, pending_local_type = jsep::SdpType::Offer,
                  current_remote_type = jsep::SdpType::Offer, pending_remote_type = jsep::SdpType::Offer;
    GstRtcTristate can_trickle = GST_RTC_TRISTATE_UNKNOWN;
  };

  // All below run on the chain.
  void prepare();
  GError *ensure_certificate();
  GError *ensure_configuration();
  jsep::IceCredentials fresh_credentials();
  void reply_description(GstPromise *promise, const char *field, jsep::SdpType type,
                         const jsep::SessionDescription &sdp);
  void reject(GstPromise *promise, GError *error);  // takes the error
  // A refused synchronous action: a warning message with a GST_RTC_ERROR on
  // the bus (any thread, never under lock_).
  void refuse(GstRtcError code, const std::string &message);
  std::optional<std::pair<GstRtcError, std::string>> apply_configuration_locked(const GstStructure *config);
  void do_create(bool offer, bool ice_restart, GstPromise *promise);
  // type nullopt: implicit (local only): an offer or answer made here.
  void do_set_description(bool local, std::optional<jsep::SdpType> type, const std::optional<std::string> &text,
                          GstPromise *promise);
  GError *apply_plan(const jsep::Plan &plan, bool local, jsep::SdpType type);
  GError *apply_transport(const jsep::TransportPlan &tp);
  TransportStream *stream_for(const std::string &mid);
  void apply_data(const jsep::DataPlan &dp);
  void start_sctp_if_ready();
  void sync_transceivers(const jsep::Plan *plan);
  void refresh_descriptions();
  void update_negotiation_needed();
  void on_candidate(const std::string &mid, std::optional<std::string> candidate);
  void on_transport_state(const std::string &mid);
  void update_states();
  // Moves `field` (under lock_) to `to` when it is `from` (any state when
  // from == to) and notifies `prop`.
  template <class E>
  void set_state(E &field, E from, E to, PeerProp prop);
  std::optional<guint> mline_of(const std::string &mid) const;
  std::string local_sdp_with_candidates(const jsep::SessionDescription &sdp) const;
  IceSettings ice_settings();
  GstStructure *build_stats();
  // get-stats with a selector (peer-stats.cpp): the objects of the
  // `sink_%u`/`src_%u` pad's RTP streams and those they reference (W3C
  // stats selection algorithm); every object when `selector` is NULL.
  GstStructure *build_stats(GstPad *selector);
  // The media objects (codec, RTP streams, media-source) into `out`, and
  // for each of our pads the ids of its RTP stream objects.
  void add_media_stats(GstStructure *out, double ts, std::map<GstPad *, std::vector<std::string>> &pad_streams);
  // Starts recording the peer's RTCP report blocks in a transport's RTP
  // session (peer-stats.cpp); get-stats does it on first use, a session
  // watched from its creation counts every report.
  static void watch_rtcp_reports(GstElement *rtpbin);
  void do_close();
  void ensure_sctp_locked();
  // Media (peer-connection-media.cpp), on the chain unless said otherwise.
  void sink_caps(const std::shared_ptr<SinkPad> &pad, GstCaps *caps);  // takes the caps
  void apply_media(const jsep::Plan &plan);
  void start_media_if_ready();
  void link_sink_pad(SinkPad &pad, const jsep::MediaPlan &mp, MediaStream &media);
  bool insert_payloader(SinkPad &pad);  // streaming thread
  // Streaming thread; `mid`: from the packets' MID header extension.
  void new_stream(GstPad *rtpbin_pad, guint32 ssrc, guint pt, const std::optional<std::string> &mid,
                  const std::optional<std::string> &rid);
  bool wants_nack(guint32 ssrc, const std::optional<std::string> &mid);  // any thread
  void teardown_media();
  void remove_src_pads(size_t transceiver);
  void unlink_sink_pad(SinkPad &pad, bool hold);
  void apply_max_bitrate(SinkPad &sp, guint64 bps);
  void apply_estimate(MediaStream *media, guint64 bps);
  void apply_bitrate_locked(SinkPad &sp, bool warn);
  static guint64 application_bitrate(SinkPad &sp);
  void release_encoder(SinkPad &sp);
  void watch_sender(SinkPad &pad, GstRtcRtpSender *sender);
  std::string local_stream_id(const SinkPad &pad);
  static void watch_orientation(GstPad *rtpbin_pad, guint8 cvo_id);
  // Counts a received stream's frames (video: packets with the marker)
  // and reads its audio level (RFC 6464 extension `level_id`, 0: none).
  void watch_received(GstPad *rtpbin_pad, guint32 ssrc, bool video, guint8 level_id);
  // What stats need of a sink pad: its simulcast layer (rid, SSRC; "" and 0
  // for others) and the frames it sent (video: packets with the marker).
  struct SinkPadStats {
    std::string rid;
    guint32 ssrc = 0;
    guint64 frames_sent = 0;
  };
  SinkPadStats sink_pad_stats(GstPad *ghost);
  // The transport `mid` goes away: its RTP session too; pads that sent into
  // it link again with the next plan (to the transport bundling them).
  void drop_media(const std::string &mid);
  TransportStream::Events transport_events();

  GstRtcPeerBin *bin_;  // owns this
  OpsChain ops_;
  jsep::Session session_;
  bool configured_ = false;
  bool ice_restart_requested_ = false;
  std::string certificate_pem_, fingerprint_;  // written under lock_
  std::vector<std::unique_ptr<TransportStream>> streams_;
  std::map<std::string, std::set<std::string>> remote_candidates_added_;
  std::map<std::string, std::optional<jsep::IceCredentials>> remote_credentials_;
  std::map<std::string, jsep::IceCredentials> local_creds_;
  std::map<std::string, bool> controlling_;
  std::set<std::string> remote_eoc_;  // end-of-candidates given to the transport
  bool local_was_offerer_ = false;     // the last completed exchange was our offer
  bool negotiation_needed_ = false;

  // Guarded by lock_: read by property getters and action signals.
  std::mutex lock_;
  Settings settings_;
  bool closed_ = false;
  bool negotiation_started_ = false;
  GstRtcPeerConnectionState connection_state_ = GST_RTC_PEER_CONNECTION_STATE_NEW;
  GstRtcIceConnectionState ice_connection_state_ = GST_RTC_ICE_CONNECTION_STATE_NEW;
  GstRtcIceGatheringState ice_gathering_state_ = GST_RTC_ICE_GATHERING_STATE_NEW;
  GstRtcSignalingState signaling_state_ = GST_RTC_SIGNALING_STATE_STABLE;
  DescriptionCache descriptions_;
  std::unique_ptr<SctpStream> sctp_;
  std::vector<GstRtcRtpTransceiver *> transceivers_;  // owned refs, parallel to session_.transceivers()
  std::vector<GstRtcDataChannel *> channels_;         // owned refs, for stats and close
  std::vector<std::shared_ptr<SinkPad>> sink_pads_;
  guint next_sink_pad_ = 0, next_src_pad_ = 0;
  // Received streams: which transceiver an SSRC (a=ssrc) or payload type
  // belongs to, from the last applied plan.
  std::map<guint32, size_t> ssrc_transceiver_;
  std::map<guint, size_t> pt_transceiver_;
  std::map<std::string, size_t> mid_transceiver_;
  std::set<size_t> rtx_transceivers_;  // m-lines with RFC 4588 rtx agreed
  // The remote a=msid stream of each receiving transceiver, and the
  // stream-start group id of each remote stream (src pads of one stream
  // share it).
  std::map<size_t, std::string> remote_stream_;
  std::map<std::string, guint> stream_groups_;
  // The header extensions read from received packets (one-byte ids, 0:
  // not negotiated) of each m-line; per received SSRC, the last audio level
  // (RFC 6464, -1: none yet) and the frames received (video).
  struct RecvExtensions {
    guint8 cvo = 0, audio_level = 0;
  };
  std::map<size_t, RecvExtensions> recv_ext_;
  struct RecvCounters {
    std::atomic<int> audio_level{-1};
    std::atomic<guint64> frames{0};
  };
  std::map<guint32, std::shared_ptr<RecvCounters>> recv_counters_;  // by SSRC
  // The a=msid stream of what this bin sends (a pad's `msid` overrides):
  // one stream, so a browser plays the bin's audio and video in sync.
  std::string local_stream_id_;
  // The src_%u pads made so far (owned refs) and their transceiver.
  struct SrcPad {
    GstPad *pad;
    std::optional<size_t> transceiver;
    guint32 ssrc;
  };
  std::vector<SrcPad> src_pads_;

  // On the chain only.
  std::vector<jsep::MediaPlan> media_plans_;
  std::map<std::string, std::unique_ptr<MediaStream>> media_;  // by transport mid
};

}  // namespace gst_rtc::peer
