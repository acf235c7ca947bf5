/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RTP side of one transport of an rtcpeerbin: an rtpbin session (one
 * per transport: BUNDLE puts every m-line in it, as webrtcbin does) with an
 * rtpfunnel in front of its sender, wired to the transport's
 * rtcdtlssrtpenc/rtcdtlssrtpdec (RTP and RTCP, rtcp-mux). Received streams
 * leave rtpbin per SSRC and payload type; the bin turns each into a
 * `src_%u` pad. gst-plugins-good's rtpbin and rtpfunnel are found by
 * factory name at run time.
 */
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "peer-bwe.h"

namespace gst_rtc::peer {

class SyncGroup;

class MediaStream {
 public:
  struct Events {
    // A received stream appeared (streaming thread): rtpbin's source pad;
    // `mid`, `rid`: what its packets' MID and RID (simulcast layer) header
    // extensions said, if they had them.
    std::function<void(GstPad *pad, guint32 ssrc, guint pt, const std::optional<std::string> &mid,
                       const std::optional<std::string> &rid)>
        new_stream;
    // Whether the jitter buffer of a received SSRC asks for retransmissions
    // (its m-line has RFC 4588 rtx): audio without rtx sends no NACKs.
    std::function<bool(guint32 ssrc, const std::optional<std::string> &mid)> wants_nack;
    // The send-side bandwidth estimate changed (bits per second; the RTCP
    // receiving thread): from the remote's transport-cc feedback.
    std::function<void(MediaStream *stream, guint64 bps)> bandwidth;
  };
  // Makes rtpbin + rtpfunnel in `bin`, linked to the transport's elements.
  // NULL + error when gst-plugins-good's rtpmanager is missing.
  static MediaStream *create(GstBin *bin, const std::string &mid, GstElement *dtlsenc, GstElement *dtlsdec,
                             guint latency_ms, Events events, GError **error);
  ~MediaStream();
  MediaStream(const MediaStream &) = delete;
  MediaStream &operator=(const MediaStream &) = delete;

  // Caps for each negotiated payload type (rtpbin's request-pt-map).
  void set_pt_map(std::map<guint, GstCaps *> caps);  // takes the caps
  // RFC 4588 retransmission: payload type -> its rtx payload type (both
  // directions use the negotiated map), and our SSRC -> its rtx SSRC.
  // `remote_ssrc_to_rtx`: the peer's pairs (a=ssrc-group:FID), so that its
  // first retransmission is recognised as one.
  // `rid_id`, `repaired_rid_id`: the RID extension ids (0: none), so that
  // a simulcast layer's retransmissions name it as repaired-RID.
  void set_rtx(const std::map<guint, guint> &pt_to_rtx, const std::map<guint32, guint32> &ssrc_to_rtx,
               const std::map<guint32, guint32> &remote_ssrc_to_rtx, guint8 rid_id = 0, guint8 repaired_rid_id = 0);
  // The MID and RID header extension ids negotiated on the transport (0:
  // none), read from received packets: the MID for RFC 8843
  // demultiplexing, the RID (RFC 8852) naming a simulcast layer, taken from
  // the packet that gave the SSRC's MID (browsers send both together).
  void set_recv_ids(guint8 mid_id, guint8 rid_id) {
    recv_rid_id_ = rid_id;
    recv_mid_id_ = mid_id;
  }
  // A new sink of the funnel for one sending pad's stream.
  GstPad *request_send_pad();
  void release_send_pad(GstPad *pad);
  // Stops and removes the elements.
  void teardown();
  // For stats: rtpbin (its session 0 carries every stream of the transport)
  // and the RFC 4588 elements inside it (NULL until rtpbin asked for them).
  GstElement *rtpbin() const { return rtpbin_; }
  GstElement *rtx_sender() const { return rtx_send_; }
  GstElement *rtx_receiver() const { return rtx_receive_; }
  // NACK packets sent for a received SSRC (W3C nackCount).
  guint nacks_sent(guint32 media_ssrc);
  // PLIs sent by the bin itself for a received SSRC (rtpsession counts its
  // own): part of W3C pliCount.
  guint plis_sent(guint32 media_ssrc);
  // The send-side bandwidth estimate (bits per second), 0 until the remote
  // sent transport-cc feedback (W3C availableOutgoingBitrate).
  guint64 bandwidth_estimate();

 private:
  MediaStream() = default;
  static GstCaps *on_request_pt_map(GstElement *, guint session, guint pt, gpointer data);
  static void on_pad_added(GstElement *, GstPad *pad, gpointer data);
  static GstElement *on_aux_sender(GstElement *, guint session, gpointer data);
  static GstElement *on_aux_receiver(GstElement *, guint session, gpointer data);
  static GstElement *on_request_jitterbuffer(GstElement *, guint session, gpointer data);
  static void on_new_jitterbuffer(GstElement *, GstElement *jitterbuffer, guint session, guint ssrc, gpointer data);
  void update_nack(guint32 ssrc, GstElement *jitterbuffer);
  // Received RTP before rtpbin: the MID (RFC 8843 9.2) and RID of each new
  // SSRC.
  void learn_mid(GstBuffer *buf);
  // Sends a Generic NACK for one packet of `media_ssrc` now (any thread).
  bool send_nack(guint32 media_ssrc, guint16 seqnum);
  // Sends the NACKs held until rtpbin's RTCP stream started.
  void flush_early_nacks();
  // Sends a PLI for `media_ssrc` now when payload type `pt` allows it.
  bool send_pli(guint32 media_ssrc, guint pt);
  // An empty RR and one feedback message (RTCP `type`, `fmt`) about
  // `media_ssrc` with its FCI, into the transport's RTCP input now.
  GstFlowReturn send_feedback(guint8 type, guint8 fmt, guint32 media_ssrc, const guint8 *fci, gsize fci_size);

  GstBin *bin_ = nullptr;  // not owned
  GstElement *rtpbin_ = nullptr, *funnel_ = nullptr;  // owned refs
  GstElement *rtx_send_ = nullptr, *rtx_receive_ = nullptr;  // owned refs, inside rtpbin
  Events events_;
  std::mutex lock_;
  std::map<guint, GstCaps *> pt_map_;  // owned caps
  std::atomic<guint8> recv_mid_id_{0}, recv_rid_id_{0};
  GstPad *recv_probe_pad_ = nullptr;  // owned ref: dtlsdec's rtp_src
  gulong recv_probe_ = 0;
  std::map<guint32, std::string> learnt_mids_, learnt_rids_;  // under lock_
  std::map<guint32, GstElement *> jitterbuffers_;  // owned refs, under lock_
  std::map<guint32, guint> nacks_sent_;  // under lock_
  std::map<guint32, guint> plis_sent_;   // under lock_
  std::vector<std::pair<guint32, guint16>> early_nacks_;  // (SSRC, seq) held, under lock_
  std::atomic<bool> early_flushed_{false};
  std::map<guint32, gint64> last_pli_;   // monotonic us, under lock_
  std::map<std::string, std::shared_ptr<SyncGroup>> sync_groups_;  // by CNAME, under lock_
  GstPad *rtcp_sink_ = nullptr;  // owned ref: the transport's RTCP input, fed by rtpbin
  GObject *session_ = nullptr;  // owned ref: rtpbin's session 0
  // rtpbin's session element 0 (owned ref), whose twcc-stats summarise
  // each transport-cc feedback, and the estimator they feed.
  GstElement *session_element_ = nullptr;
  gulong twcc_handler_ = 0;
  std::mutex bwe_lock_;
  BandwidthEstimator bwe_;
  static void on_twcc_stats(GObject *session, GParamSpec *, gpointer data);
};

}  // namespace gst_rtc::peer
