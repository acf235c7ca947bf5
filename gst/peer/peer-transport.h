/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One ICE + DTLS transport of an rtcpeerbin (one per BUNDLE group or
 * unbundled m-line): rtcicesrc/rtcicesink sharing a GstRtcIceTransport and
 * rtcdtlssrtpenc/rtcdtlssrtpdec sharing a GstRtcDtlsTransport, reached only
 * through factories, properties and the libgstrtc types (the bin links no
 * plugin code). Methods run on the bin's operations chain.
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/rtc.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gst_rtc::peer {

// What the bin configures on every ICE transport it makes.
struct IceSettings {
  std::vector<std::string> local_addresses;
  std::string stun_server;                // stun://host:port or empty
  std::vector<std::string> turn_servers;  // turn(s)://user:pass@host:port?transport=
  GstRtcIceTransportPolicy policy = GST_RTC_ICE_TRANSPORT_POLICY_ALL;
};

class TransportStream {
 public:
  // Events come from the network thread; the bin posts them to its chain.
  struct Events {
    // Keyed by the transport's mid: the stream may be gone when they run.
    std::function<void(const std::string &mid, const gchar *candidate)> candidate;  // NULL: gathering done
    std::function<void(const std::string &mid)> state_changed;  // ICE, DTLS or gathering state
    std::function<void(const std::string &mid, const GstStructure *error)> candidate_error;
  };

  // Makes the four elements (not yet in `bin`). NULL + error when a plugin
  // is missing.
  static TransportStream *create(GstBin *bin, std::string mid, const IceSettings &ice, const std::string &certificate,
                                 Events events, GError **error);
  ~TransportStream();
  TransportStream(const TransportStream &) = delete;
  TransportStream &operator=(const TransportStream &) = delete;

  const std::string &mid() const { return mid_; }
  GstRtcIceTransport *ice() const { return ice_; }
  GstRtcDtlsTransport *dtls() const { return dtls_; }
  GstElement *dtlsenc() const { return dtlsenc_; }
  GstElement *dtlsdec() const { return dtlsdec_; }

  gboolean set_local_credentials(const std::string &ufrag, const std::string &pwd, GError **error);
  gboolean set_remote_credentials(const std::string &ufrag, const std::string &pwd, GError **error);
  gboolean add_remote_candidate(const gchar *candidate, GError **error);  // NULL: end-of-candidates
  gboolean gather(GError **error);
  void set_controlling(bool controlling);
  void set_remote_fingerprints(const std::string &fingerprints);
  // The DTLS role is known: the elements join the bin. A client's encoder
  // stays locked until ICE connects, so its first flight is not sent into a
  // transport that cannot carry it yet (that would cost a retransmission).
  void set_dtls_client(bool client);
  bool dtls_client() const { return client_.value_or(false); }
  bool started() const { return client_.has_value(); }
  // Started and the encoder running: RTP may be linked to it (a locked
  // encoder's pads are flushing, which would stop the sender upstream).
  bool media_ready() const { return started() && !enc_locked_; }
  // Called on ICE state changes: unlocks the client's encoder when connected.
  void ice_state_changed();

  // Local candidates gathered so far (for the local description) and
  // whether gathering finished.
  const std::vector<std::string> &local_candidates() const { return local_candidates_; }
  bool gathering_complete() const { return gathering_complete_; }
  void record_local_candidate(const gchar *candidate);  // NULL: complete
  void reset_local_candidates();

  // Stops and removes the elements (the SCTP elements first, by the caller).
  void teardown();

 private:
  TransportStream() = default;

  GstBin *bin_ = nullptr;  // not owned
  std::string mid_;
  std::string id_;
  GstElement *icesrc_ = nullptr, *icesink_ = nullptr, *dtlsenc_ = nullptr, *dtlsdec_ = nullptr;  // owned refs
  GstRtcIceTransport *ice_ = nullptr;
  GstRtcDtlsTransport *dtls_ = nullptr;
  std::vector<gulong> ice_handlers_, dtls_handlers_;
  Events events_;
  std::optional<bool> client_;
  bool added_ = false;
  bool enc_locked_ = false;
  std::vector<std::string> local_candidates_;
  bool gathering_complete_ = false;
};

}  // namespace gst_rtc::peer
