/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-media.h"

#include <gst/rtp/rtp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "peer-jitterbuffer.h"
#include "peer-rtp-ext.h"
#include "peer-rtx.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

namespace {

bool link_request(GstElement *src, const char *src_name, bool src_request, GstElement *sink, const char *sink_name) {
  GstPad *sp = src_request ? gst_element_request_pad_simple(src, src_name) : gst_element_get_static_pad(src, src_name);
  GstPad *kp = gst_element_request_pad_simple(sink, sink_name);
  if (!kp) kp = gst_element_get_static_pad(sink, sink_name);
  const bool ok = sp && kp && gst_pad_link(sp, kp) == GST_PAD_LINK_OK;
  if (!ok)
    GST_WARNING("cannot link %s:%s to %s:%s", GST_ELEMENT_NAME(src), src_name, GST_ELEMENT_NAME(sink), sink_name);
  if (sp) gst_object_unref(sp);
  if (kp) gst_object_unref(kp);
  return ok;
}

}  // namespace

MediaStream *MediaStream::create(GstBin *bin, const std::string &mid, GstElement *dtlsenc, GstElement *dtlsdec,
                                 guint latency_ms, Events events, GError **error) {
  GstElement *rtpbin = gst_element_factory_make("rtpbin", ("rtpbin-" + mid).c_str());
  GstElement *funnel = gst_element_factory_make("rtpfunnel", ("rtpfunnel-" + mid).c_str());
  if (!rtpbin || !funnel) {
    if (rtpbin) gst_object_unref(gst_object_ref_sink(rtpbin));
    if (funnel) gst_object_unref(gst_object_ref_sink(funnel));
    g_set_error_literal(error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                        "media needs rtpbin and rtpfunnel (gst-plugins-good, rtpmanager)");
    return nullptr;
  }
  auto *self = new MediaStream();
  self->bin_ = bin;
  self->events_ = std::move(events);
  self->rtpbin_ = GST_ELEMENT(gst_object_ref_sink(rtpbin));
  self->funnel_ = GST_ELEMENT(gst_object_ref_sink(funnel));
  g_object_set(rtpbin, "latency", latency_ms, nullptr);
  gst_util_set_object_arg(G_OBJECT(rtpbin), "rtp-profile", "savpf");
  g_signal_connect(rtpbin, "request-pt-map", G_CALLBACK(on_request_pt_map), self);
  g_signal_connect(rtpbin, "pad-added", G_CALLBACK(on_pad_added), self);
  // Before the session exists: rtpbin asks for its aux elements when the
  // first pad of the session is requested.
  g_signal_connect(rtpbin, "request-aux-sender", G_CALLBACK(on_aux_sender), self);
  g_signal_connect(rtpbin, "request-aux-receiver", G_CALLBACK(on_aux_receiver), self);
  g_signal_connect(rtpbin, "request-jitterbuffer", G_CALLBACK(on_request_jitterbuffer), self);
  g_signal_connect(rtpbin, "new-jitterbuffer", G_CALLBACK(on_new_jitterbuffer), self);
  gst_bin_add_many(bin, rtpbin, funnel, nullptr);
  // One session (0) carries every m-line of the transport.
  bool ok = link_request(funnel, "src", false, rtpbin, "send_rtp_sink_0");
  if (GstPad *rtp_src = gst_element_get_static_pad(dtlsdec, "rtp_src")) {
    self->recv_probe_pad_ = rtp_src;  // owned ref
    self->recv_probe_ = gst_pad_add_probe(
        rtp_src, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
        [](GstPad *, GstPadProbeInfo *info, gpointer data) {
          auto *self = static_cast<MediaStream *>(data);
          if (self->recv_mid_id_.load(std::memory_order_relaxed) == 0) return GST_PAD_PROBE_OK;
          if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
            self->learn_mid(GST_PAD_PROBE_INFO_BUFFER(info));
          } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
            GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
            for (guint i = 0; i < gst_buffer_list_length(list); ++i) self->learn_mid(gst_buffer_list_get(list, i));
          }
          return GST_PAD_PROBE_OK;
        },
        self, nullptr);
  }
  ok = ok && link_request(rtpbin, "send_rtp_src_0", false, dtlsenc, "rtp_sink_%u") &&
                  link_request(rtpbin, "send_rtcp_src_0", true, dtlsenc, "rtcp_sink_%u");
  if (ok) {
    // Our NACKs join rtpbin's RTCP on the transport's RTCP input.
    GstPad *rtcp_src = gst_element_get_static_pad(rtpbin, "send_rtcp_src_0");
    self->rtcp_sink_ = rtcp_src ? gst_pad_get_peer(rtcp_src) : nullptr;  // owned ref
    if (rtcp_src) gst_object_unref(rtcp_src);
    // NACKs asked for before rtpbin's first report leave just ahead of it
    // (send_nack()).
    if (self->rtcp_sink_)
      gst_pad_add_probe(
          self->rtcp_sink_, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
          [](GstPad *, GstPadProbeInfo *, gpointer data) {
            auto *self = static_cast<MediaStream *>(data);
            // Our own NACKs pass here too while it flushes: once only.
            if (self->early_flushed_.exchange(true)) return GST_PAD_PROBE_OK;
            self->flush_early_nacks();
            return GST_PAD_PROBE_REMOVE;
          },
          self, nullptr);
  }
  ok = ok && link_request(dtlsdec, "rtp_src", false, rtpbin, "recv_rtp_sink_0") &&
                  link_request(dtlsdec, "rtcp_src", false, rtpbin, "recv_rtcp_sink_0");
  // Feedback should not wait: rtpsession (AVPF, RFC 4585) sends no early
  // RTCP before its first regular report and one per regular interval
  // after; its 5 s default delays PLIs by seconds. Regular reduced-size
  // RTCP (our SDP offers rtcp-rsize) every second, the first within half a
  // second. NACKs do not wait for it at all (send_nack()).
  GObject *session = nullptr;
  g_signal_emit_by_name(rtpbin, "get-internal-session", 0u, &session);
  self->session_ = session;  // owned ref (NACKs are sent from its internal SSRC)
  if (session) {
    // SRTP authenticates every packet and SSRCs are signalled: no probation
    // (rtpsession holds a new source's first packets until two arrive in
    // sequence, which loses the first retransmission of a stream).
    g_object_set(session, "rtcp-reduced-size", TRUE, "probation", 0u, "rtcp-min-interval",
                 guint64(GST_SECOND), nullptr);
    // transport-cc feedback on a timer (100 ms, as libwebrtc sends it), not
    // as early RTCP after every frame: that early RTCP pushed the regular
    // reports (SR/RR) back again and again, so they stopped (no round-trip
    // time, no loss reports) once video flowed.
    g_object_set(session, "twcc-feedback-interval", guint64(100 * GST_MSECOND), nullptr);
  }
  // Send-side bandwidth estimation from the remote's transport-cc
  // feedback, which the session element summarises per feedback packet.
  GstElement *session_element = nullptr;
  g_signal_emit_by_name(rtpbin, "get-session", 0u, &session_element);
  if (session_element && g_object_class_find_property(G_OBJECT_GET_CLASS(session_element), "twcc-stats")) {
    self->session_element_ = session_element;  // owned ref
    self->twcc_handler_ =
        g_signal_connect(session_element, "notify::twcc-stats", G_CALLBACK(MediaStream::on_twcc_stats), self);
  } else if (session_element) {
    gst_object_unref(session_element);
  }
  gst_element_sync_state_with_parent(rtpbin);
  gst_element_sync_state_with_parent(funnel);
  if (!ok) {
    g_set_error_literal(error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "cannot link rtpbin to the transport");
    delete self;
    return nullptr;
  }
  return self;
}

namespace {

// rtpbin wants aux elements as bins with sink_<session>/src_<session> pads.
GstElement *aux_bin(GstElement *e, guint session, GstElement **inner) {
  if (!e) return nullptr;
  GstElement *bin = gst_bin_new(nullptr);
  gst_bin_add(GST_BIN(bin), e);
  for (const char *dir : {"sink", "src"}) {
    GstPad *target = gst_element_get_static_pad(e, dir);
    gchar *name = g_strdup_printf("%s_%u", dir, session);
    gst_element_add_pad(bin, gst_ghost_pad_new(name, target));
    g_free(name);
    gst_object_unref(target);
  }
  *inner = GST_ELEMENT(gst_object_ref(e));
  return bin;
}

}  // namespace

void MediaStream::learn_mid(GstBuffer *buf) {
  guint32 ssrc = 0;
  {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    if (!gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp)) return;
    ssrc = gst_rtp_buffer_get_ssrc(&rtp);
    gst_rtp_buffer_unmap(&rtp);
  }
  {
    std::lock_guard lock(lock_);
    if (learnt_mids_.count(ssrc)) return;
  }
  auto mid = read_mid(buf, recv_mid_id_.load(std::memory_order_relaxed));
  if (!mid) return;
  auto rid = read_mid(buf, recv_rid_id_.load(std::memory_order_relaxed));
  std::lock_guard lock(lock_);
  // Bounded: a peer cycling SSRCs cannot grow them without end.
  if (learnt_mids_.size() >= 1024) {
    learnt_mids_.clear();
    learnt_rids_.clear();
  }
  learnt_mids_.emplace(ssrc, *mid);
  if (rid && !rid->empty()) learnt_rids_.emplace(ssrc, *rid);
}

void MediaStream::update_nack(guint32 ssrc, GstElement *jitterbuffer) {
  std::optional<std::string> mid;
  {
    std::lock_guard lock(lock_);
    if (auto it = learnt_mids_.find(ssrc); it != learnt_mids_.end()) mid = it->second;
  }
  const bool nack = events_.wants_nack && events_.wants_nack(ssrc, mid);
  g_object_set(jitterbuffer, "do-retransmission", nack, nullptr);
}

void MediaStream::on_new_jitterbuffer(GstElement *, GstElement *jitterbuffer, guint, guint ssrc, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  {
    std::lock_guard lock(self->lock_);
    auto &slot = self->jitterbuffers_[ssrc];
    if (slot) gst_object_unref(slot);
    slot = GST_ELEMENT(gst_object_ref(jitterbuffer));
  }
  self->update_nack(ssrc, jitterbuffer);
  // Key unit requests for this stream (a decoder's, or the jitter buffer's
  // when it gave video up) leave as a PLI at once, not with rtpsession's
  // next early RTCP packet (25-320 ms later on loopback).
  struct Watch {
    MediaStream *self;
    guint32 ssrc;
  };
  if (GstPad *sink = gst_element_get_static_pad(jitterbuffer, "sink")) {
    gst_pad_add_probe(
        sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        [](GstPad *, GstPadProbeInfo *info, gpointer data) {
          auto *w = static_cast<Watch *>(data);
          GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
          if (GST_EVENT_TYPE(ev) != GST_EVENT_CUSTOM_UPSTREAM || !gst_event_has_name(ev, "GstForceKeyUnit"))
            return GST_PAD_PROBE_OK;
          guint pt = 0;
          const GstStructure *st = gst_event_get_structure(ev);
          if (!gst_structure_get_uint(st, "payload", &pt)) pt = G_MAXUINT;
          return w->self->send_pli(w->ssrc, pt) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
        },
        new Watch{self, ssrc}, [](gpointer data) { delete static_cast<Watch *>(data); });
    gst_object_unref(sink);
  }
}

// A Picture Loss Indication (RFC 4585 6.3.1) after an empty receiver
// report, the way send_nack() sends its NACK, when the stream's payload
// type negotiated `nack pli` (`pt` G_MAXUINT: the request named none, any
// of the stream's). A request within 100 ms of the
// last one for the stream is answered by that one (TRUE, nothing sent).
bool MediaStream::send_pli(guint32 media_ssrc, guint pt) {
  if (!rtcp_sink_ || !session_) return false;
  {
    std::lock_guard lock(lock_);
    bool allowed = false;
    for (const auto &[p, caps] : pt_map_) {
      if (pt != G_MAXUINT && p != pt) continue;
      gboolean pli = FALSE;
      if (caps && gst_caps_get_size(caps) > 0 &&
          gst_structure_get_boolean(gst_caps_get_structure(caps, 0), "rtcp-fb-nack-pli", &pli) && pli)
        allowed = true;
    }
    if (!allowed) return false;  // rtpsession decides (FIR, or nothing)
    const gint64 now = g_get_monotonic_time();
    gint64 &last = last_pli_[media_ssrc];
    if (last && now - last < 100 * G_TIME_SPAN_MILLISECOND) return true;
    last = now;
  }
  const GstFlowReturn ret = send_feedback(GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_PLI, media_ssrc, nullptr, 0);
  GST_DEBUG("PLI for SSRC %08x: %s", media_ssrc, gst_flow_get_name(ret));
  std::lock_guard lock(lock_);
  if (ret != GST_FLOW_OK) {
    last_pli_.erase(media_ssrc);  // not sent: rtpsession gets the request
    return false;
  }
  ++plis_sent_[media_ssrc];
  return true;
}

guint MediaStream::plis_sent(guint32 media_ssrc) {
  std::lock_guard lock(lock_);
  auto it = plis_sent_.find(media_ssrc);
  return it == plis_sent_.end() ? 0 : it->second;
}

GstFlowReturn MediaStream::send_feedback(guint8 type, guint8 fmt, guint32 media_ssrc, const guint8 *fci,
                                         gsize fci_size) {
  if (!rtcp_sink_ || !session_) return GST_FLOW_NOT_LINKED;
  // Until rtpbin started its RTCP stream on that pad (stream-start, caps,
  // segment), rtpsession sends the request itself.
  if (GstEvent *segment = gst_pad_get_sticky_event(rtcp_sink_, GST_EVENT_SEGMENT, 0))
    gst_event_unref(segment);
  else
    return GST_FLOW_NOT_NEGOTIATED;
  guint sender_ssrc = 0;
  g_object_get(session_, "internal-ssrc", &sender_ssrc, nullptr);
  // A compound packet (RFC 3550 6.1, RFC 4585 3.1): an empty receiver report,
  // then the feedback message. Room after it for SRTCP's trailer, so
  // protecting it does not copy.
  const gsize rr = 8, fb = 12 + fci_size, room = 32;
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, rr + fb + room, nullptr);
  GstMapInfo map;
  if (!buf || !gst_buffer_map(buf, &map, GST_MAP_WRITE)) {
    if (buf) gst_buffer_unref(buf);
    return GST_FLOW_ERROR;
  }
  guint8 *p = map.data;
  p[0] = 0x80;  // V=2, RC=0
  p[1] = GST_RTCP_TYPE_RR;
  GST_WRITE_UINT16_BE(p + 2, rr / 4 - 1);
  GST_WRITE_UINT32_BE(p + 4, sender_ssrc);
  p += rr;
  p[0] = 0x80 | fmt;  // V=2
  p[1] = type;
  GST_WRITE_UINT16_BE(p + 2, fb / 4 - 1);
  GST_WRITE_UINT32_BE(p + 4, sender_ssrc);
  GST_WRITE_UINT32_BE(p + 8, media_ssrc);
  if (fci_size) memcpy(p + 12, fci, fci_size);
  gst_buffer_unmap(buf, &map);
  gst_buffer_set_size(buf, rr + fb);
  // The pad's stream lock orders it with rtpbin's own RTCP.
  return gst_pad_chain(rtcp_sink_, buf);
}

bool MediaStream::send_nack(guint32 media_ssrc, guint16 seqnum) {
  // A Generic NACK (RFC 4585 6.2.1) for one packet (BLP 0).
  guint8 fci[4];
  GST_WRITE_UINT16_BE(fci, seqnum);
  GST_WRITE_UINT16_BE(fci + 2, 0);
  const GstFlowReturn ret = send_feedback(GST_RTCP_TYPE_RTPFB, GST_RTCP_RTPFB_TYPE_NACK, media_ssrc, fci, sizeof fci);
  GST_LOG("NACK %u for SSRC %08x: %s", seqnum, media_ssrc, gst_flow_get_name(ret));
  std::lock_guard lock(lock_);
  if (ret == GST_FLOW_NOT_NEGOTIATED) {
    // rtpbin's RTCP stream has not started on the transport yet (its first
    // report comes within half a second): held, and sent ahead of that
    // report, rather than handed to rtpsession, whose NACK scheduling in
    // 1.22 drops its lock inside a g_hash_table_foreach over the sources
    // (schedule_remaining_nacks) and trips GLib's iterator check when a
    // new SSRC (an RTX one, typically) arrives meanwhile.
    if (early_nacks_.size() < 512) early_nacks_.emplace_back(media_ssrc, seqnum);
    return true;
  }
  if (ret != GST_FLOW_OK) return false;
  ++nacks_sent_[media_ssrc];
  return true;
}

void MediaStream::flush_early_nacks() {
  std::vector<std::pair<guint32, guint16>> held;
  {
    std::lock_guard lock(lock_);
    held.swap(early_nacks_);
  }
  for (const auto &[ssrc, seq] : held) send_nack(ssrc, seq);
}

guint MediaStream::nacks_sent(guint32 media_ssrc) {
  std::lock_guard lock(lock_);
  auto it = nacks_sent_.find(media_ssrc);
  return it == nacks_sent_.end() ? 0 : it->second;
}

GstElement *MediaStream::on_aux_sender(GstElement *, guint session, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  std::lock_guard lock(self->lock_);
  if (self->rtx_send_) return nullptr;
  return aux_bin(rtx_send_new(), session, &self->rtx_send_);
}

GstElement *MediaStream::on_aux_receiver(GstElement *, guint session, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  std::lock_guard lock(self->lock_);
  if (self->rtx_receive_) return nullptr;
  GstElement *bin = aux_bin(gst_element_factory_make("rtprtxreceive", nullptr), session, &self->rtx_receive_);
  // The jitter buffers' retransmission requests travel upstream through
  // rtpssrcdemux (which names the SSRC) and rtprtxreceive (which notes them
  // to recognise the repair) to rtpsession. rtpsession (AVPF, RFC 4585
  // 3.5.2) sends one early RTCP per regular interval: a loss shortly after
  // another waited up to a second for its NACK, past any jitter buffer's
  // latency. Here each request leaves at once as a NACK of its own instead
  // (the jitter buffer paces retries).
  GstPad *sink = bin ? gst_element_get_static_pad(self->rtx_receive_, "sink") : nullptr;
  if (sink) {
    gst_pad_add_probe(
        sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        [](GstPad *, GstPadProbeInfo *info, gpointer data) {
          GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
          guint seqnum = 0, ssrc = 0;
          if (GST_EVENT_TYPE(event) != GST_EVENT_CUSTOM_UPSTREAM ||
              !gst_event_has_name(event, "GstRTPRetransmissionRequest") ||
              !gst_structure_get_uint(gst_event_get_structure(event), "seqnum", &seqnum) ||
              !gst_structure_get_uint(gst_event_get_structure(event), "ssrc", &ssrc))
            return GST_PAD_PROBE_OK;
          return static_cast<MediaStream *>(data)->send_nack(ssrc, guint16(seqnum)) ? GST_PAD_PROBE_DROP
                                                                                   : GST_PAD_PROBE_OK;
        },
        self, nullptr);
    gst_object_unref(sink);
  }
  return bin;
}

GstElement *MediaStream::on_request_jitterbuffer(GstElement *, guint, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  // One sync group per sender (CNAME): its streams are timed on one clock.
  auto group = [self](const std::string &cname) {
    std::lock_guard lock(self->lock_);
    auto &g = self->sync_groups_[cname];
    if (!g) g = std::make_shared<SyncGroup>();
    if (self->sync_groups_.size() > 256) {  // a peer cycling CNAMEs: bounded
      auto keep = g;
      self->sync_groups_.clear();
      self->sync_groups_[cname] = keep;
      return keep;
    }
    return g;
  };
  return jitter_buffer_new([self](guint8 pt) {
    PayloadInfo info;
    std::lock_guard lock(self->lock_);
    auto it = self->pt_map_.find(pt);
    if (it == self->pt_map_.end() || gst_caps_get_size(it->second) == 0) return info;
    const GstStructure *s = gst_caps_get_structure(it->second, 0);
    gint rate = 0;
    gst_structure_get_int(s, "clock-rate", &rate);
    info.clock_rate = guint(std::max(rate, 0));
    info.video = g_strcmp0(gst_structure_get_string(s, "media"), "video") == 0;
    return info;
  }, group);
}

void MediaStream::set_rtx(const std::map<guint, guint> &pt_to_rtx, const std::map<guint32, guint32> &ssrc_to_rtx,
                          const std::map<guint32, guint32> &remote_ssrc_to_rtx, guint8 rid_id,
                          guint8 repaired_rid_id) {
  GstStructure *pts = gst_structure_new_empty("application/x-rtp-pt-map");
  for (const auto &[pt, rtx] : pt_to_rtx) gst_structure_set(pts, std::to_string(pt).c_str(), G_TYPE_UINT, rtx, nullptr);
  GstStructure *remote = gst_structure_new_empty("application/x-rtp-ssrc-map");
  for (const auto &[ssrc, rtx] : remote_ssrc_to_rtx)
    gst_structure_set(remote, std::to_string(ssrc).c_str(), G_TYPE_UINT, rtx, nullptr);
  {
    std::lock_guard lock(lock_);
    if (rtx_send_) rtx_send_configure(rtx_send_, pt_to_rtx, ssrc_to_rtx, rid_id, repaired_rid_id);
    if (rtx_receive_) {
      g_object_set(rtx_receive_, "payload-type-map", pts, nullptr);
      if (!remote_ssrc_to_rtx.empty()) g_object_set(rtx_receive_, "ssrc-map", remote, nullptr);
    }
  }
  gst_structure_free(remote);
  // Jitter buffers ask for what is missing (NACK) when their m-line has rtx
  // (set per jitter buffer: rtpbin's own switch would make audio ask too).
  std::map<guint32, GstElement *> jitterbuffers;
  {
    std::lock_guard lock(lock_);
    for (auto &[ssrc, jb] : jitterbuffers_) jitterbuffers[ssrc] = GST_ELEMENT(gst_object_ref(jb));
  }
  for (auto &[ssrc, jb] : jitterbuffers) {
    update_nack(ssrc, jb);
    gst_object_unref(jb);
  }
  gst_structure_free(pts);
}

MediaStream::~MediaStream() {
  teardown();
  std::lock_guard lock(lock_);
  for (auto &[pt, caps] : pt_map_) gst_caps_unref(caps);
  pt_map_.clear();
}

void MediaStream::teardown() {
  if (recv_probe_pad_) {
    gst_pad_remove_probe(recv_probe_pad_, recv_probe_);
    gst_object_unref(recv_probe_pad_);
    recv_probe_pad_ = nullptr;
  }
  {
    std::lock_guard lock(lock_);
    for (auto &[ssrc, jb] : jitterbuffers_) gst_object_unref(jb);
    jitterbuffers_.clear();
    for (GstElement **e : {&rtx_send_, &rtx_receive_})
      if (*e) {
        gst_object_unref(*e);
        *e = nullptr;
      }
  }
  for (GstElement **e : {&rtpbin_, &funnel_}) {
    if (!*e) continue;
    gst_element_set_locked_state(*e, TRUE);
    gst_element_set_state(*e, GST_STATE_NULL);
    g_signal_handlers_disconnect_by_data(*e, this);
    if (GST_OBJECT_PARENT(*e) == GST_OBJECT(bin_)) gst_bin_remove(bin_, *e);
    gst_object_unref(*e);
    *e = nullptr;
  }
  // After rtpbin stopped: no jitter buffer sends a NACK any more.
  if (rtcp_sink_) {
    gst_object_unref(rtcp_sink_);
    rtcp_sink_ = nullptr;
  }
  if (session_) {
    g_object_unref(session_);
    session_ = nullptr;
  }
  if (session_element_) {
    g_signal_handler_disconnect(session_element_, twcc_handler_);
    gst_object_unref(session_element_);
    session_element_ = nullptr;
  }
}

void MediaStream::on_twcc_stats(GObject *session, GParamSpec *, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  GstStructure *st = nullptr;
  g_object_get(session, "twcc-stats", &st, nullptr);
  if (!st) return;
  BandwidthEstimator::Report r;
  r.now_us = g_get_monotonic_time();
  guint sent = 0, recv = 0, packets_sent = 0, packets_recv = 0;
  gst_structure_get_uint(st, "bitrate-sent", &sent);
  gst_structure_get_uint(st, "bitrate-recv", &recv);
  gst_structure_get_uint(st, "packets-sent", &packets_sent);
  gst_structure_get_uint(st, "packets-recv", &packets_recv);
  gst_structure_get_double(st, "packet-loss-pct", &r.loss_pct);
  gint64 dod = 0;  // ns; G_MININT64 when the report had too few packets
  if (gst_structure_get_int64(st, "avg-delta-of-delta", &dod) && dod != G_MININT64) r.avg_delta_of_delta_us = dod / 1000;
  gst_structure_free(st);
  r.bitrate_sent = sent;
  r.bitrate_recv = recv;
  r.packets_sent = packets_sent;
  r.packets_recv = packets_recv;
  // The first reports of a stream know packets but no rate yet.
  if (!sent && !recv) return;
  guint64 before, after;
  bool limiting;
  {
    std::lock_guard lock(self->bwe_lock_);
    before = self->bwe_.limiting() ? self->bwe_.estimate() : 0;
    after = self->bwe_.update(r);
    limiting = self->bwe_.limiting();
  }
  GST_LOG("twcc: sent %u recv %u bit/s, %u/%u packets, %.1f %% lost, dod %" G_GINT64_FORMAT
          " us: estimate %" G_GUINT64_FORMAT,
          sent, recv, packets_recv, packets_sent, r.loss_pct, r.avg_delta_of_delta_us, after);
  // The encoders are capped only once the path showed congestion.
  if (limiting && after != before && self->events_.bandwidth) self->events_.bandwidth(self, after);
}

guint64 MediaStream::bandwidth_estimate() {
  std::lock_guard lock(bwe_lock_);
  return bwe_.estimate();
}

void MediaStream::set_pt_map(std::map<guint, GstCaps *> caps) {
  std::lock_guard lock(lock_);
  for (auto &[pt, c] : pt_map_) gst_caps_unref(c);
  pt_map_ = std::move(caps);
}

GstPad *MediaStream::request_send_pad() {
  return funnel_ ? gst_element_request_pad_simple(funnel_, "sink_%u") : nullptr;
}

void MediaStream::release_send_pad(GstPad *pad) {
  if (funnel_) gst_element_release_request_pad(funnel_, pad);
}

GstCaps *MediaStream::on_request_pt_map(GstElement *, guint, guint pt, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  std::lock_guard lock(self->lock_);
  auto it = self->pt_map_.find(pt);
  if (it == self->pt_map_.end()) {
    GST_DEBUG("no negotiated codec for payload type %u", pt);
    return nullptr;
  }
  return gst_caps_ref(it->second);
}

void MediaStream::on_pad_added(GstElement *, GstPad *pad, gpointer data) {
  auto *self = static_cast<MediaStream *>(data);
  guint session = 0, ssrc = 0, pt = 0;
  gchar *name = gst_pad_get_name(pad);
  const bool rtp = std::sscanf(name, "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) == 3;
  g_free(name);
  if (!rtp || !self->events_.new_stream) return;
  std::optional<std::string> mid, rid;
  {
    std::lock_guard lock(self->lock_);
    if (auto it = self->learnt_mids_.find(ssrc); it != self->learnt_mids_.end()) mid = it->second;
    if (auto it = self->learnt_rids_.find(ssrc); it != self->learnt_rids_.end()) rid = it->second;
  }
  self->events_.new_stream(pad, ssrc, pt, mid, rid);
}

}  // namespace gst_rtc::peer
