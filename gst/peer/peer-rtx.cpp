/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-rtx.h"

#include <gst/rtp/rtp.h>

#include <array>
#include <deque>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace {

// Packets kept per stream: 1024 covers ~0.5 s of 20 Mbit/s video, longer
// than any jitter buffer waits for a retransmission.
constexpr guint kHistory = 1024;

struct Stream {
  guint32 rtx_ssrc = 0;
  guint16 rtx_seq = 0;
  std::array<GstBuffer *, kHistory> packets{};  // owned refs, by seq % kHistory
  std::array<guint16, kHistory> seqs{};
  ~Stream() {
    for (GstBuffer *b : packets)
      if (b) gst_buffer_unref(b);
  }
};

constexpr size_t kMaxStreams = 64;

std::unique_ptr<Stream> new_stream(guint32 ssrc) {
  auto s = std::make_unique<Stream>();
  s->rtx_seq = guint16(g_random_int());  // RFC 3550 5.1: a random start
  while (s->rtx_ssrc == 0 || s->rtx_ssrc == ssrc) s->rtx_ssrc = g_random_int();
  return s;
}

struct Private {
  std::mutex lock;  // everything below
  std::map<guint, guint> pt_to_rtx;
  guint8 rid_id = 0, repaired_rid_id = 0;
  std::unordered_map<guint32, std::unique_ptr<Stream>> streams;  // by media SSRC
  guint64 sent = 0, misses = 0, limited = 0;
  // Retransmissions at most `limit_bps` over the last second (0: no limit):
  // under congestion they would add to what the path cannot carry.
  guint64 limit_bps = 0;
  std::deque<std::pair<gint64, gsize>> window;  // (monotonic us, bytes) sent
  gsize window_bytes = 0;
  // Held while pushing: data and retransmissions come from two threads.
  std::mutex push_lock;
};

// The fixed RTP header fields read from a packet.
struct Header {
  guint8 pt = 0;
  guint16 seq = 0;
  guint32 ssrc = 0;
};

bool read_header(GstBuffer *buf, Header *h) {
  guint8 head[12];
  if (gst_buffer_extract(buf, 0, head, sizeof head) != sizeof head || (head[0] >> 6) != 2) return false;
  h->pt = head[1] & 0x7f;
  h->seq = GST_READ_UINT16_BE(head + 2);
  h->ssrc = GST_READ_UINT32_BE(head + 8);
  return true;
}

}  // namespace

struct _GstRtcPeerRtxSend {
  GstElement parent;
  GstPad *sinkpad, *srcpad;
  Private *priv;
};

G_DEFINE_TYPE(GstRtcPeerRtxSend, gst_rtc_peer_rtx_send, GST_TYPE_ELEMENT)

namespace {

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));
GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));

// Keeps `buf` (a new ref) when its stream has an rtx SSRC.
void remember(GstRtcPeerRtxSend *self, GstBuffer *buf) {
  Header h;
  if (!read_header(buf, &h)) return;
  Private *p = self->priv;
  std::lock_guard lock(p->lock);
  if (!p->pt_to_rtx.count(h.pt)) return;
  auto it = p->streams.find(h.ssrc);
  if (it == p->streams.end()) {
    // A stream whose SSRC was not signalled (application/x-rtp without
    // one): repaired on an rtx SSRC of its own, as rtprtxsend does; the
    // receiver pairs them by payload type. Bounded.
    if (p->streams.size() >= kMaxStreams) return;
    it = p->streams.emplace(h.ssrc, new_stream(h.ssrc)).first;
  }
  Stream &s = *it->second;
  GstBuffer *&slot = s.packets[h.seq % kHistory];
  if (slot) gst_buffer_unref(slot);
  slot = gst_buffer_ref(buf);
  s.seqs[h.seq % kHistory] = h.seq;
}

GstFlowReturn push(GstRtcPeerRtxSend *self, GstBuffer *buf) {
  std::lock_guard lock(self->priv->push_lock);
  return gst_pad_push(self->srcpad, buf);
}

GstFlowReturn sink_chain(GstPad *, GstObject *parent, GstBuffer *buf) {
  auto *self = GST_RTC_PEER_RTX_SEND(parent);
  remember(self, buf);
  return push(self, buf);
}

GstFlowReturn sink_chain_list(GstPad *, GstObject *parent, GstBufferList *list) {
  auto *self = GST_RTC_PEER_RTX_SEND(parent);
  for (guint i = 0; i < gst_buffer_list_length(list); ++i) remember(self, gst_buffer_list_get(list, i));
  std::lock_guard lock(self->priv->push_lock);
  return gst_pad_push_list(self->srcpad, list);
}

gboolean sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_PEER_RTX_SEND(parent);
  if (gst_event_type_get_flags(GST_EVENT_TYPE(event)) & GST_EVENT_TYPE_SERIALIZED) {
    // In order with the packets (a retransmission may be on its way).
    std::lock_guard lock(self->priv->push_lock);
    return gst_pad_event_default(pad, parent, event);
  }
  return gst_pad_event_default(pad, parent, event);
}

// The RFC 4588 packet repairing `orig` (seq `h.seq`): its header (CSRCs,
// extensions) with the rtx payload type, SSRC and sequence number, then the
// original sequence number and payload (padding dropped).
// In a one-byte header extension block (RFC 8285 4.2), the element `id`
// becomes `new_id` (same length), or padding when `new_id` is 0.
void rename_extension(guint8 *block, gsize len, guint8 id, guint8 new_id) {
  gsize i = 0;
  while (i < len) {
    if (block[i] == 0) {  // padding
      ++i;
      continue;
    }
    const guint8 el = block[i] >> 4;
    const gsize size = gsize(block[i] & 0x0f) + 1;
    if (el == 15 || i + 1 + size > len) return;
    if (el == id) {
      if (new_id)
        block[i] = guint8((new_id << 4) | (block[i] & 0x0f));
      else
        std::memset(block + i, 0, 1 + size);
      return;
    }
    i += 1 + size;
  }
}

GstBuffer *rtx_packet(GstBuffer *orig, const Header &h, guint8 rtx_pt, guint32 rtx_ssrc, guint16 rtx_seq,
                      guint8 rid_id, guint8 repaired_rid_id) {
  GstMapInfo in;
  if (!gst_buffer_map(orig, &in, GST_MAP_READ)) return nullptr;
  gsize header = 12 + 4 * gsize(in.data[0] & 0x0f);
  if (in.size >= header + 4 && (in.data[0] & 0x10)) header += 4 + 4 * gsize(GST_READ_UINT16_BE(in.data + header + 2));
  gsize end = in.size;
  if ((in.data[0] & 0x20) && end > header) end -= std::min<gsize>(in.data[end - 1], end - header);
  if (header > end) {
    gst_buffer_unmap(orig, &in);
    return nullptr;
  }
  GstBuffer *out = gst_buffer_new_allocate(nullptr, end + 2, nullptr);
  GstMapInfo o;
  if (!out || !gst_buffer_map(out, &o, GST_MAP_WRITE)) {
    if (out) gst_buffer_unref(out);
    gst_buffer_unmap(orig, &in);
    return nullptr;
  }
  memcpy(o.data, in.data, header);
  o.data[0] &= ~0x20;  // no padding
  o.data[1] = guint8((in.data[1] & 0x80) | rtx_pt);
  GST_WRITE_UINT16_BE(o.data + 2, rtx_seq);
  GST_WRITE_UINT32_BE(o.data + 8, rtx_ssrc);
  GST_WRITE_UINT16_BE(o.data + header, h.seq);
  memcpy(o.data + header + 2, in.data + header, end - header);
  const gsize fixed = 12 + 4 * gsize(o.data[0] & 0x0f);
  if (rid_id && (o.data[0] & 0x10) && header >= fixed + 4 && GST_READ_UINT16_BE(o.data + fixed) == 0xBEDE)
    rename_extension(o.data + fixed + 4, header - fixed - 4, rid_id, repaired_rid_id);
  gst_buffer_unmap(out, &o);
  gst_buffer_unmap(orig, &in);
  gst_buffer_copy_into(out, orig, GstBufferCopyFlags(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS), 0, -1);
  return out;
}

// A retransmission request from rtpsession (a NACK received): the packet
// again on the rtx SSRC, if kept. TRUE: handled.
bool retransmit(GstRtcPeerRtxSend *self, const GstStructure *s) {
  guint seqnum = 0, ssrc = 0;
  if (!gst_structure_get_uint(s, "seqnum", &seqnum) || !gst_structure_get_uint(s, "ssrc", &ssrc)) return false;
  Private *p = self->priv;
  GstBuffer *out = nullptr;
  {
    std::lock_guard lock(p->lock);
    auto it = p->streams.find(ssrc);
    if (it == p->streams.end()) return false;  // not ours to repair: upstream may know it
    Stream &st = *it->second;
    const guint16 seq = guint16(seqnum);
    GstBuffer *orig = st.packets[seq % kHistory];
    Header h;
    bool over = false;
    if (orig && st.seqs[seq % kHistory] == seq && p->limit_bps) {
      const gint64 now = g_get_monotonic_time();
      while (!p->window.empty() && now - p->window.front().first > G_USEC_PER_SEC) {
        p->window_bytes -= p->window.front().second;
        p->window.pop_front();
      }
      const gsize size = gst_buffer_get_size(orig) + 2;
      over = (p->window_bytes + size) * 8 > p->limit_bps;
      if (!over) {
        p->window.emplace_back(now, size);
        p->window_bytes += size;
      }
    }
    if (over) {
      ++p->limited;
    } else if (orig && st.seqs[seq % kHistory] == seq && read_header(orig, &h)) {
      auto pt = p->pt_to_rtx.find(h.pt);
      if (pt != p->pt_to_rtx.end())
        out = rtx_packet(orig, h, guint8(pt->second), st.rtx_ssrc, st.rtx_seq, p->rid_id, p->repaired_rid_id);
    }
    if (out) {
      ++st.rtx_seq;
      ++p->sent;
    } else if (!over) {
      ++p->misses;
    }
  }
  GST_LOG_OBJECT(self, "retransmission of %u on SSRC %08x: %s", seqnum, ssrc, out ? "sent" : "not kept or over the limit");
  if (out) push(self, out);
  return true;
}

gboolean src_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto *self = GST_RTC_PEER_RTX_SEND(parent);
  if (GST_EVENT_TYPE(event) == GST_EVENT_CUSTOM_UPSTREAM && gst_event_has_name(event, "GstRTPRetransmissionRequest") &&
      retransmit(self, gst_event_get_structure(event))) {
    gst_event_unref(event);
    return TRUE;
  }
  return gst_pad_event_default(pad, parent, event);
}

GstStateChangeReturn change_state(GstElement *element, GstStateChange transition) {
  GstStateChangeReturn ret = GST_ELEMENT_CLASS(gst_rtc_peer_rtx_send_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    Private *p = GST_RTC_PEER_RTX_SEND(element)->priv;
    std::lock_guard lock(p->lock);
    for (auto &[ssrc, s] : p->streams) {
      for (GstBuffer *&b : s->packets)
        if (b) gst_buffer_unref(std::exchange(b, nullptr));
    }
  }
  return ret;
}

}  // namespace

static void gst_rtc_peer_rtx_send_init(GstRtcPeerRtxSend *self) {
  self->priv = new Private();
  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, sink_chain);
  gst_pad_set_chain_list_function(self->sinkpad, sink_chain_list);
  gst_pad_set_event_function(self->sinkpad, sink_event);
  GST_PAD_SET_PROXY_CAPS(self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION(self->sinkpad);
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);
  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_event_function(self->srcpad, src_event);
  GST_PAD_SET_PROXY_CAPS(self->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}

static void gst_rtc_peer_rtx_send_finalize(GObject *object) {
  delete GST_RTC_PEER_RTX_SEND(object)->priv;
  G_OBJECT_CLASS(gst_rtc_peer_rtx_send_parent_class)->finalize(object);
}

static void gst_rtc_peer_rtx_send_class_init(GstRtcPeerRtxSendClass *klass) {
  G_OBJECT_CLASS(klass)->finalize = gst_rtc_peer_rtx_send_finalize;
  auto *element_class = GST_ELEMENT_CLASS(klass);
  element_class->change_state = change_state;
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(element_class, "rtcpeerbin RTX sender", "Codec/Network/RTP",
                                        "RFC 4588 retransmissions of an rtcpeerbin (internal)", "gst-rtc");
}

namespace gst_rtc::peer {

GstElement *rtx_send_new() { return GST_ELEMENT(g_object_new(GST_RTC_TYPE_PEER_RTX_SEND, nullptr)); }

void rtx_send_limit(GstElement *rtx, guint64 bps) {
  Private *p = GST_RTC_PEER_RTX_SEND(rtx)->priv;
  std::lock_guard lock(p->lock);
  p->limit_bps = bps;
}

guint64 rtx_send_limited(GstElement *rtx) {
  Private *p = GST_RTC_PEER_RTX_SEND(rtx)->priv;
  std::lock_guard lock(p->lock);
  return p->limited;
}

void rtx_send_configure(GstElement *rtx, const std::map<guint, guint> &pt_to_rtx,
                        const std::map<guint32, guint32> &ssrc_to_rtx, guint8 rid_id, guint8 repaired_rid_id) {
  Private *p = GST_RTC_PEER_RTX_SEND(rtx)->priv;
  std::lock_guard lock(p->lock);
  p->pt_to_rtx = pt_to_rtx;
  p->rid_id = rid_id;
  p->repaired_rid_id = repaired_rid_id;
  for (const auto &[ssrc, rtx_ssrc] : ssrc_to_rtx) {
    auto &s = p->streams[ssrc];
    if (!s) s = new_stream(ssrc);
    s->rtx_ssrc = rtx_ssrc;
  }
}

guint64 rtx_send_packets(GstElement *rtx) {
  Private *p = GST_RTC_PEER_RTX_SEND(rtx)->priv;
  std::lock_guard lock(p->lock);
  return p->sent;
}

guint64 rtx_send_misses(GstElement *rtx) {
  Private *p = GST_RTC_PEER_RTX_SEND(rtx)->priv;
  std::lock_guard lock(p->lock);
  return p->misses;
}

}  // namespace gst_rtc::peer
