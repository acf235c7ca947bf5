/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-jitterbuffer.h"

#include <gst/rtp/rtp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "peer-util.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace {

using gst_rtc::peer::JitterBufferCounters;

// Packets held behind a gap at most; past it the oldest gap is given up.
constexpr size_t kMaxHeld = 4096;
// A sequence number this far ahead of or behind the expected one is a new
// start (the sender restarted), not a gap or a late packet.
constexpr gint64 kMaxJump = 3000;
constexpr gint64 kMinRetryUs = 20000, kDefaultRetryUs = 40000;
constexpr GstClockTime kTransitWindow = 2 * GST_SECOND;
constexpr GstClockTimeDiff kTransitReset = 3 * GST_SECOND;

gint64 now_us() { return g_get_monotonic_time(); }

struct Missing {
  gint64 seen = 0;          // when the gap was found
  gint64 next_request = 0;  // when to ask (again)
  gint64 first_request = 0;
  guint requests = 0;
};

struct Request {
  guint16 seq;
  guint retry;
};

// What one pass over the state (under lock) leaves to do after it: packets
// to push, retransmissions and a key unit to ask for.
struct Outcome {
  std::vector<GstBuffer *> out;
  std::vector<Request> requests;
  std::optional<guint8> key_unit_pt;
};

constexpr gint64 kKeyUnitIntervalUs = 200000;

// A signed count of clock units as time.
GstClockTimeDiff units_to_time(gint64 units, guint rate) {
  const GstClockTimeDiff t = GstClockTimeDiff(gst_util_uint64_scale_int(guint64(units < 0 ? -units : units),
                                                                        GST_SECOND, gint(rate)));
  return units < 0 ? -t : t;
}

struct Private {
  std::function<gst_rtc::peer::PayloadInfo(guint8)> payload_info;
  std::function<std::shared_ptr<gst_rtc::peer::SyncGroup>(const std::string &)> sync_group;
  std::atomic<guint> latency_ms{200};
  std::atomic<bool> do_rtx{false};

  std::mutex push_lock;  // order of what leaves; taken before `lock`
  std::mutex lock;       // everything below
  std::condition_variable wake;
  std::thread timer;
  bool running = false;

  bool started = false;
  gint64 next = 0;  // extended sequence number expected next
  std::map<gint64, GstBuffer *> held;  // owned refs, by extended sequence number
  std::map<gint64, Missing> missing;
  bool discont = false;  // the next packet out follows packets given up
  gint64 rtt_us = 0;
  JitterBufferCounters counters;

  // Timestamps.
  guint8 rate_pt = 0xff;
  guint rate = 0;
  bool video = false;  // the last packet's payload type is video
  bool want_key_unit = false;  // video given up since the last request
  gint64 last_key_unit = 0;
  bool have_ts = false;
  gint64 ext_ts = 0;   // extended RTP timestamp of the last packet
  gint64 base_ts = 0;  // the first packet's
  gst_rtc::peer::MinTransit transit;  // of RTP times, until a sender report
  guint32 ssrc = 0;    // of the packets
  // The last sender report: NTP time (ns since 1900) of RTP time `sr_ts`
  // (extended like ext_ts), and the sender's group.
  bool have_sr = false;
  GstClockTime sr_ntp = 0;
  gint64 sr_ts = 0;
  std::shared_ptr<gst_rtc::peer::SyncGroup> group;

  gint64 retry_us() const { return rtt_us ? std::max(kMinRetryUs, rtt_us * 3 / 2) : kDefaultRetryUs; }
  gint64 deadline() const {
    return missing.empty() ? -1 : missing.begin()->second.seen + gint64(latency_ms.load()) * 1000;
  }
};

}  // namespace

struct _GstRtcPeerJitterBuffer {
  GstElement parent;
  GstPad *sinkpad, *srcpad;
  Private *priv;
};

G_DEFINE_TYPE(GstRtcPeerJitterBuffer, gst_rtc_peer_jitter_buffer, GST_TYPE_ELEMENT)

namespace {

enum { PROP_0, PROP_LATENCY, PROP_DO_RETRANSMISSION };

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));
GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));
// rtpbin links the stream's RTCP here (rtpjitterbuffer's lip-sync input).
GstStaticPadTemplate rtcp_template =
    GST_STATIC_PAD_TEMPLATE("sink_rtcp", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS("application/x-rtcp"));

// The sequence number `seq` extended to 64 bits near `ref`.
gint64 extend_seq(guint16 seq, gint64 ref) { return ref + gint16(guint16(seq - guint16(ref))); }

// Sets `buf`'s PTS from its RTP timestamp mapped onto the arrival clock
// (under lock). Leaves the arrival time when the clock rate is unknown.
void stamp(Private *p, GstBuffer *buf, guint8 pt, guint32 ts) {
  const GstClockTime arrival = GST_BUFFER_DTS_OR_PTS(buf);
  if (pt != p->rate_pt) {
    const auto info = p->payload_info ? p->payload_info(pt) : gst_rtc::peer::PayloadInfo{};
    p->rate = info.clock_rate;
    p->video = info.video;
    p->rate_pt = pt;
  }
  if (!GST_CLOCK_TIME_IS_VALID(arrival) || p->rate == 0) return;
  if (!p->have_ts) {
    p->ext_ts = p->base_ts = ts;
    p->have_ts = true;
  } else {
    p->ext_ts += gint32(ts - guint32(p->ext_ts));
  }
  GstClockTimeDiff pts;
  if (p->have_sr && p->group) {
    // The sender's capture time, on the clock its other streams share.
    const GstClockTimeDiff ntp = GstClockTimeDiff(p->sr_ntp) + units_to_time(p->ext_ts - p->sr_ts, p->rate);
    pts = ntp + p->group->update(arrival, GstClockTimeDiff(arrival) - ntp);
  } else {
    // RTP time since the first packet (earlier for reordered timestamps).
    const GstClockTimeDiff rtp_time = units_to_time(p->ext_ts - p->base_ts, p->rate);
    pts = rtp_time + p->transit.update(arrival, GstClockTimeDiff(arrival) - rtp_time);
  }
  GST_BUFFER_PTS(buf) = GstClockTime(std::max<GstClockTimeDiff>(pts, 0));
  GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;  // the arrival time: no decoding time
}

// Takes the held packets that are next in sequence (under lock).
void take_ready(Private *p, std::vector<GstBuffer *> &out) {
  while (!p->held.empty() && p->held.begin()->first == p->next) {
    GstBuffer *buf = p->held.begin()->second;
    p->held.erase(p->held.begin());
    if (p->discont) {
      GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
      p->discont = false;
    }
    out.push_back(buf);
    ++p->next;
  }
  while (!p->missing.empty() && p->missing.begin()->first < p->next) p->missing.erase(p->missing.begin());
}

// Gives up the missing packets before the first held one (under lock).
void give_up_head(Private *p, std::vector<GstBuffer *> &out) {
  if (p->held.empty()) {
    p->missing.clear();
    return;
  }
  const gint64 first = p->held.begin()->first;
  p->counters.lost += guint64(first - p->next);
  if (p->video) p->want_key_unit = true;
  GST_DEBUG("gave up %" G_GINT64_FORMAT " packet(s) before #%u", first - p->next, guint16(first));
  p->next = first;
  p->discont = true;
  take_ready(p, out);
}

// Everything held leaves (a restart, EOS), gaps given up (under lock).
void take_all(Private *p, std::vector<GstBuffer *> &out) {
  while (!p->held.empty()) give_up_head(p, out);
  p->missing.clear();
}

void clear(Private *p) {
  for (auto &[seq, buf] : p->held) gst_buffer_unref(buf);
  p->held.clear();
  p->missing.clear();
  p->started = false;
  p->have_ts = p->have_sr = false;
  p->transit = gst_rtc::peer::MinTransit();
  p->discont = false;
}

GstFlowReturn push_out(GstRtcPeerJitterBuffer *self, std::vector<GstBuffer *> &out) {
  GstFlowReturn ret = GST_FLOW_OK;
  if (out.size() == 1) {
    ret = gst_pad_push(self->srcpad, out.front());
  } else if (!out.empty()) {
    GstBufferList *list = gst_buffer_list_new_sized(guint(out.size()));
    for (GstBuffer *b : out) gst_buffer_list_add(list, b);
    ret = gst_pad_push_list(self->srcpad, list);
  }
  {
    std::lock_guard lock(self->priv->lock);
    self->priv->counters.pushed += out.size();
  }
  out.clear();
  return ret;
}

void send_requests(GstRtcPeerJitterBuffer *self, const std::vector<Request> &requests) {
  Private *p = self->priv;
  const guint latency = p->latency_ms.load();
  guint rtt_ms = 0;
  {
    std::lock_guard lock(p->lock);
    rtt_ms = guint(p->rtt_us / 1000);
  }
  for (const Request &r : requests) {
    // What rtpjitterbuffer sends: rtpssrcdemux adds the SSRC on the way up,
    // rtprtxreceive notes it, the bin turns it into a NACK.
    GstStructure *s = gst_structure_new("GstRTPRetransmissionRequest", "seqnum", G_TYPE_UINT, guint(r.seq), "retry",
                                        G_TYPE_UINT, r.retry, "deadline", G_TYPE_UINT, latency, "avg-rtt", G_TYPE_UINT,
                                        rtt_ms, nullptr);
    gst_pad_push_event(self->sinkpad, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM, s));
  }
}

// The payload type to ask a key unit for now, if any (under lock): video
// was given up and the last request is old enough.
std::optional<guint8> take_key_unit(Private *p, gint64 now) {
  if (!p->want_key_unit || (p->last_key_unit && now - p->last_key_unit < kKeyUnitIntervalUs)) return std::nullopt;
  p->want_key_unit = false;
  p->last_key_unit = now;
  ++p->counters.key_units;
  return p->rate_pt;
}

// rtpsession sends PLI (or FIR) for it when the payload type's rtcp-fb
// allows: "payload" names it (rtpptdemux adds it to a decoder's request).
void send_key_unit(GstRtcPeerJitterBuffer *self, guint8 pt) {
  GST_DEBUG_OBJECT(self, "video lost: asking for a key unit (payload type %u)", pt);
  gst_pad_push_event(self->sinkpad, gst_rtc::peer::key_unit_request(pt));
}

void ask(GstRtcPeerJitterBuffer *self, const Outcome &o) {
  if (!o.requests.empty()) send_requests(self, o.requests);
  if (o.key_unit_pt) send_key_unit(self, *o.key_unit_pt);
}

GstFlowReturn sink_chain(GstPad *, GstObject *parent, GstBuffer *buf) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(parent);
  Private *p = self->priv;
  guint8 head[12];
  if (gst_buffer_extract(buf, 0, head, sizeof head) != sizeof head || (head[0] >> 6) != 2) {
    // rtpsession only lets RTP through; nothing else can come here.
    gst_buffer_unref(buf);
    return GST_FLOW_OK;
  }
  const guint16 seq = GST_READ_UINT16_BE(head + 2);
  Outcome o;
  auto &out = o.out;
  auto &requests = o.requests;
  std::lock_guard push(p->push_lock);
  {
    std::lock_guard lock(p->lock);
    const gint64 now = now_us();
    if (!p->started) {
      p->started = true;
      p->next = gint64(seq) + (gint64(1) << 32);
    }
    const gint64 ext = extend_seq(seq, p->next);
    if (ext < p->next - kMaxJump || ext > p->next + kMaxJump) {
      GST_DEBUG_OBJECT(self, "sequence jumped from #%u to #%u: new start", guint16(p->next), seq);
      take_all(p, out);
      p->next = ext;
      p->discont = true;
      // Its timestamps start over too: timed anew until its next report.
      p->have_ts = p->have_sr = false;
      p->transit = gst_rtc::peer::MinTransit();
    } else if (ext < p->next || p->held.count(ext)) {
      ++p->counters.late;
      gst_buffer_unref(buf);
      return GST_FLOW_OK;  // late or a duplicate: its turn has passed
    }
    buf = gst_buffer_make_writable(buf);
    p->ssrc = GST_READ_UINT32_BE(head + 8);
    stamp(p, buf, head[1] & 0x7f, GST_READ_UINT32_BE(head + 4));
    if (auto m = p->missing.find(ext); m != p->missing.end()) {
      ++p->counters.repaired;
      if (m->second.requests == 1) {
        const gint64 sample = now - m->second.first_request;
        p->rtt_us = p->rtt_us ? (7 * p->rtt_us + sample) / 8 : sample;
      }
      p->missing.erase(m);
    }
    const bool was_idle = p->missing.empty();
    p->held.emplace(ext, buf);
    if (ext > p->next && ext == p->held.rbegin()->first) {
      // A gap: the packets between the newest one held before and this one
      // (a packet filling an older hole opens none).
      const gint64 from = p->held.size() > 1 ? std::prev(p->held.end(), 2)->first + 1 : p->next;
      const bool ask = p->do_rtx.load();
      for (gint64 s = from; s < ext; ++s) {
        if (p->held.count(s) || p->missing.count(s)) continue;
        Missing m;
        m.seen = now;
        if (ask) {
          m.requests = 1;
          m.first_request = now;
          m.next_request = now + p->retry_us();
          requests.push_back({guint16(s), 0});
          ++p->counters.requests;
        }
        p->missing.emplace(s, m);
      }
      if (p->held.size() > kMaxHeld) give_up_head(p, out);
    }
    take_ready(p, out);
    if (was_idle && !p->missing.empty()) p->wake.notify_one();
    o.key_unit_pt = take_key_unit(p, now);
  }
  ask(self, o);
  return push_out(self, out);
}

// The timer thread: deadlines and repeated requests.
void timer_loop(GstRtcPeerJitterBuffer *self) {
  Private *p = self->priv;
  std::unique_lock lk(p->lock);
  while (p->running) {
    const gint64 now = now_us();
    gint64 due = p->deadline();
    if (p->do_rtx.load())
      for (const auto &[seq, m] : p->missing)
        if (m.requests && (due < 0 || m.next_request < due)) due = m.next_request;
    if (due < 0) {
      p->wake.wait(lk);
      continue;
    }
    if (due > now) {
      p->wake.wait_for(lk, std::chrono::microseconds(due - now));
      continue;
    }
    lk.unlock();
    Outcome o;
    {
      std::lock_guard push(p->push_lock);
      {
        std::lock_guard lock(p->lock);
        const gint64 t = now_us();
        while (!p->missing.empty() && p->deadline() <= t) give_up_head(p, o.out);
        o.key_unit_pt = take_key_unit(p, t);
        if (p->do_rtx.load())
          for (auto &[seq, m] : p->missing)
            if (m.requests && m.next_request <= t) {
              o.requests.push_back({guint16(seq), m.requests++});
              m.next_request = t + p->retry_us();
              ++p->counters.requests;
            }
      }
      push_out(self, o.out);
    }
    ask(self, o);
    lk.lock();
  }
}

gboolean sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(parent);
  Private *p = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_FLUSH_START:
      return gst_pad_event_default(pad, parent, event);
    case GST_EVENT_FLUSH_STOP: {
      std::lock_guard push(p->push_lock);
      {
        std::lock_guard lock(p->lock);
        clear(p);
      }
      return gst_pad_event_default(pad, parent, event);
    }
    case GST_EVENT_EOS: {
      std::lock_guard push(p->push_lock);
      std::vector<GstBuffer *> out;
      {
        std::lock_guard lock(p->lock);
        take_all(p, out);
      }
      push_out(self, out);
      return gst_pad_event_default(pad, parent, event);
    }
    default:
      break;
  }
  if (gst_event_type_get_flags(GST_EVENT_TYPE(event)) & GST_EVENT_TYPE_SERIALIZED) {
    std::lock_guard push(p->push_lock);
    return gst_pad_event_default(pad, parent, event);
  }
  return gst_pad_event_default(pad, parent, event);
}

gboolean src_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(parent);
  if (GST_QUERY_TYPE(query) != GST_QUERY_LATENCY) return gst_pad_query_default(pad, parent, query);
  if (!gst_pad_peer_query(self->sinkpad, query)) return FALSE;
  gboolean live = FALSE;
  GstClockTime min = 0, max = 0;
  gst_query_parse_latency(query, &live, &min, &max);
  // Packets wait up to `latency` behind a gap.
  const GstClockTime ours = GstClockTime(self->priv->latency_ms.load()) * GST_MSECOND;
  gst_query_set_latency(query, live, min + ours, GST_CLOCK_TIME_IS_VALID(max) ? max + ours : max);
  return TRUE;
}

// Events and queries cross between sink and src only (not to sink_rtcp:
// a key unit request would otherwise also go up the RTCP branch).
GstIterator *internal_links(GstPad *pad, GstObject *parent) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(parent);
  GstPad *other = pad == self->srcpad ? self->sinkpad : pad == self->sinkpad ? self->srcpad : nullptr;
  GValue v = G_VALUE_INIT;
  g_value_init(&v, GST_TYPE_PAD);
  g_value_set_object(&v, other);
  GstIterator *it = gst_iterator_new_single(GST_TYPE_PAD, other ? &v : nullptr);
  g_value_unset(&v);
  return it;
}

// The stream's RTCP (rtpbin routes each SSRC's here): its sender report
// maps RTP time to the sender's NTP time; its SDES CNAME names the sender.
GstFlowReturn rtcp_chain(GstPad *, GstObject *parent, GstBuffer *buf) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(parent);
  Private *p = self->priv;
  guint32 ssrc = 0;
  {
    std::lock_guard lock(p->lock);
    ssrc = p->ssrc;
  }
  bool have_sr = false;
  guint64 ntp = 0;
  guint32 rtp_ts = 0;
  std::string cname;
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (ssrc && gst_rtcp_buffer_map(buf, GST_MAP_READ, &rtcp)) {
    GstRTCPPacket packet;
    for (gboolean more = gst_rtcp_buffer_get_first_packet(&rtcp, &packet); more;
         more = gst_rtcp_packet_move_to_next(&packet)) {
      if (gst_rtcp_packet_get_type(&packet) == GST_RTCP_TYPE_SR) {
        guint32 sender = 0, packets = 0, octets = 0;
        guint64 ntptime = 0;
        guint32 rtptime = 0;
        gst_rtcp_packet_sr_get_sender_info(&packet, &sender, &ntptime, &rtptime, &packets, &octets);
        if (sender == ssrc) {
          have_sr = true;
          ntp = ntptime;
          rtp_ts = rtptime;
        }
      } else if (gst_rtcp_packet_get_type(&packet) == GST_RTCP_TYPE_SDES) {
        for (gboolean chunk = gst_rtcp_packet_sdes_first_entry(&packet); chunk;
             chunk = gst_rtcp_packet_sdes_next_entry(&packet)) {
          if (gst_rtcp_packet_sdes_get_ssrc(&packet) != ssrc) continue;
          GstRTCPSDESType type;
          guint8 len = 0;
          guint8 *data = nullptr;
          if (gst_rtcp_packet_sdes_get_entry(&packet, &type, &len, &data) && type == GST_RTCP_SDES_CNAME)
            cname.assign(reinterpret_cast<const char *>(data), len);
        }
      }
    }
    gst_rtcp_buffer_unmap(&rtcp);
  }
  gst_buffer_unref(buf);
  std::shared_ptr<gst_rtc::peer::SyncGroup> group;
  if (!cname.empty() && p->sync_group) group = p->sync_group(cname);
  std::lock_guard lock(p->lock);
  if (group) p->group = group;
  if (have_sr && p->have_ts && p->rate) {
    // NTP (RFC 3550: seconds since 1900, 32.32 fixed point) in ns.
    p->sr_ntp = gst_util_uint64_scale(ntp, GST_SECOND, G_GUINT64_CONSTANT(1) << 32);
    p->sr_ts = p->ext_ts + gint32(rtp_ts - guint32(p->ext_ts));
    if (!p->have_sr) GST_DEBUG_OBJECT(self, "SSRC %08x: first sender report, timed by the sender's clock", ssrc);
    p->have_sr = true;
  }
  return GST_FLOW_OK;
}

gboolean rtcp_event(GstPad *, GstObject *, GstEvent *event) {
  gst_event_unref(event);
  return TRUE;
}

GstPad *request_new_pad(GstElement *element, GstPadTemplate *templ, const gchar *, const GstCaps *) {
  if (GstPad *existing = gst_element_get_static_pad(element, "sink_rtcp")) {  // one only
    gst_object_unref(existing);
    return nullptr;
  }
  GstPad *pad = gst_pad_new_from_template(templ, "sink_rtcp");
  gst_pad_set_chain_function(pad, rtcp_chain);
  gst_pad_set_event_function(pad, rtcp_event);
  gst_pad_set_iterate_internal_links_function(pad, internal_links);
  gst_pad_set_active(pad, TRUE);
  gst_element_add_pad(element, pad);
  return pad;
}

void release_pad(GstElement *element, GstPad *pad) {
  gst_pad_set_active(pad, FALSE);
  gst_element_remove_pad(element, pad);
}

GstStateChangeReturn change_state(GstElement *element, GstStateChange transition) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(element);
  Private *p = self->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    std::lock_guard lock(p->lock);
    clear(p);
    if (!p->running) {
      p->running = true;
      p->timer = std::thread(timer_loop, self);
    }
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_rtc_peer_jitter_buffer_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    // The pads are flushing now: a push of the timer thread returns.
    {
      std::lock_guard lock(p->lock);
      p->running = false;
      p->wake.notify_all();
    }
    if (p->timer.joinable()) p->timer.join();
    std::lock_guard lock(p->lock);
    clear(p);
  }
  return ret;
}

void set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec) {
  Private *p = GST_RTC_PEER_JITTER_BUFFER(object)->priv;
  switch (id) {
    case PROP_LATENCY: {
      p->latency_ms = g_value_get_uint(value);
      std::lock_guard lock(p->lock);
      p->wake.notify_all();
      break;
    }
    case PROP_DO_RETRANSMISSION:
      p->do_rtx = g_value_get_boolean(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
}

void get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec) {
  Private *p = GST_RTC_PEER_JITTER_BUFFER(object)->priv;
  switch (id) {
    case PROP_LATENCY:
      g_value_set_uint(value, p->latency_ms.load());
      break;
    case PROP_DO_RETRANSMISSION:
      g_value_set_boolean(value, p->do_rtx.load());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
}

}  // namespace

static void gst_rtc_peer_jitter_buffer_init(GstRtcPeerJitterBuffer *self) {
  self->priv = new Private();
  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, sink_chain);
  gst_pad_set_event_function(self->sinkpad, sink_event);
  gst_pad_set_iterate_internal_links_function(self->sinkpad, internal_links);
  GST_PAD_SET_PROXY_CAPS(self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION(self->sinkpad);
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);
  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_query_function(self->srcpad, src_query);
  gst_pad_set_iterate_internal_links_function(self->srcpad, internal_links);
  GST_PAD_SET_PROXY_CAPS(self->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}

static void gst_rtc_peer_jitter_buffer_finalize(GObject *object) {
  Private *p = GST_RTC_PEER_JITTER_BUFFER(object)->priv;
  clear(p);
  delete p;
  G_OBJECT_CLASS(gst_rtc_peer_jitter_buffer_parent_class)->finalize(object);
}

static void gst_rtc_peer_jitter_buffer_class_init(GstRtcPeerJitterBufferClass *klass) {
  auto *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->finalize = gst_rtc_peer_jitter_buffer_finalize;
  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  g_object_class_install_property(
      gobject_class, PROP_LATENCY,
      g_param_spec_uint("latency", "Latency", "How long (ms) packets behind a gap wait for the missing ones", 0,
                        G_MAXUINT, 200, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property(
      gobject_class, PROP_DO_RETRANSMISSION,
      g_param_spec_boolean("do-retransmission", "Do retransmission", "Ask for missing packets (RFC 4588)", FALSE,
                           GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  // rtpbin connects to it where the jitter buffer has it (lip sync from
  // RTCP sender reports, which this one does not do): never emitted.
  g_signal_new("handle-sync", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr, nullptr, G_TYPE_NONE,
               1, GST_TYPE_STRUCTURE | G_SIGNAL_TYPE_STATIC_SCOPE);
  auto *element_class = GST_ELEMENT_CLASS(klass);
  element_class->change_state = change_state;
  element_class->request_new_pad = request_new_pad;
  element_class->release_pad = release_pad;
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_template);
  gst_element_class_set_static_metadata(element_class, "rtcpeerbin jitter buffer", "Filter/Network/RTP",
                                        "Reorders one received RTP stream, asks for what is missing (internal)",
                                        "gst-rtc");
}

namespace gst_rtc::peer {

GstElement *jitter_buffer_new(std::function<PayloadInfo(guint8 pt)> payload_info,
                              std::function<std::shared_ptr<SyncGroup>(const std::string &cname)> sync_group) {
  auto *self = GST_RTC_PEER_JITTER_BUFFER(g_object_new(GST_RTC_TYPE_PEER_JITTER_BUFFER, nullptr));
  self->priv->payload_info = std::move(payload_info);
  self->priv->sync_group = std::move(sync_group);
  return GST_ELEMENT(self);
}

GstClockTimeDiff MinTransit::update(GstClockTime arrival, GstClockTimeDiff transit) {
  const GstClockTimeDiff offset = std::min(min, prev);
  if (!have || transit < offset - kTransitReset || transit > offset + kTransitReset) {
    min = prev = transit;
    window_start = arrival;
    have = true;
  } else {
    if (arrival - window_start >= kTransitWindow) {
      prev = min;
      min = transit;
      window_start = arrival;
    }
    min = std::min(min, transit);
  }
  return std::min(min, prev);
}

JitterBufferCounters jitter_buffer_counters(GstElement *jitterbuffer) {
  Private *p = GST_RTC_PEER_JITTER_BUFFER(jitterbuffer)->priv;
  std::lock_guard lock(p->lock);
  return p->counters;
}

}  // namespace gst_rtc::peer
