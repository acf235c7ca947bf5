/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Media of the PeerConnection: `sink_%u` request pads (application/x-rtp),
 * the transceivers their caps make, the rtpbin session of each transport
 * (peer-media.cpp) and a `src_%u` pad per received stream.
 */
#include <gst/audio/audio.h>
#include <gst/rtp/rtp.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "peer-connection.h"
#include "peer-dtmf.h"
#include "peer-rtp-ext.h"
#include "peer-rtx.h"
#include "peer-util.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

// What a linked sink pad's packets go through (streaming thread): the
// payload type rewrite and the sender's DTMF tones.
struct SendTap {
  // The sender's (first) encoding is active (W3C RTCRtpEncodingParameters):
  // while not, nothing is sent.
  std::atomic<bool> active{true};
  // A simulcast layer the bandwidth estimate cannot carry: paused too (the
  // application's `active` stays as it set it).
  std::atomic<bool> congested{false};
  std::atomic<int> out_pt{-1};  // the negotiated payload type, when it differs
  DtmfInjector dtmf;
  // Header extensions, when negotiated (one-byte ids; 0: not), written
  // into every packet of the pad before the RTP session: the MID (RFC 8843),
  // abs-send-time, and room for the transport-wide sequence number
  // (draft-holmer transport-cc). The latter is also named in the caps going
  // into the funnel, so rtpfunnel numbers all the transport's streams in one
  // sequence and rtpsession records what it sent, to match the peer's
  // feedback against (without that record rtpsession keeps every fed-back
  // packet and its statistics cost grows with the call). Retransmissions
  // copy the packet's extensions.
  // Video orientation (CVO): written into the last packet of each frame
  // (marker) once an image-orientation tag came down the pad. Audio level
  // (RFC 6464): written into packets that carry a GstAudioLevelMeta
  // (rtcaudiolevel before the encoder; encoders and payloaders keep it).
  // A simulcast layer's packets carry its RID (RFC 8852).
  // Video frames sent (W3C framesSent): packets with the marker.
  std::atomic<bool> video{false};
  std::atomic<guint64> frames{0};
  std::mutex lock;
  guint8 mid_id = 0, abs_id = 0, twcc_id = 0, cvo_id = 0, level_id = 0, rid_id = 0;
  std::string mid, rid;
  std::atomic<int> cvo{-1};  // the CVO byte of the last image-orientation tag
  void configure(guint8 mid_ext, const std::string &value, guint8 abs_ext, guint8 twcc_ext, guint8 cvo_ext,
                 guint8 level_ext, guint8 rid_ext, const std::string &rid_value) {
    std::lock_guard guard(lock);
    mid_id = value.empty() || value.size() > 16 ? 0 : mid_ext;
    mid = value;
    rid_id = rid_value.empty() || rid_value.size() > 16 ? 0 : rid_ext;
    rid = rid_value;
    abs_id = abs_ext;
    twcc_id = twcc_ext;
    cvo_id = cvo_ext;
    level_id = level_ext;
  }
};

// One requested sink pad: ghost pad → identity (held by a blocking probe
// until the transceiver is negotiated, as webrtcbin holds its pads) →
// the transport's rtpfunnel.
struct PeerConnection::SinkPad : std::enable_shared_from_this<SinkPad> {
  GstPad *ghost = nullptr;      // owned ref
  GstElement *ident = nullptr;  // owned ref
  gulong block_probe = 0;  // on tail()'s src pad
  gulong send_probe = 0;   // send_tap, while linked
  // rtcpay, inserted after the identity when the caps are encoded media
  // (owned ref; streaming thread, before the transceiver exists).
  GstElement *pay = nullptr;
  guint32 pay_ssrc = 0;
  GstElement *tail() const { return pay ? pay : ident; }
  std::optional<size_t> transceiver;
  std::string codec;  // encoding-name from the caps
  std::string rid;    // the simulcast layer it sends (its `rid`), or empty
  guint32 ssrc = 0;   // from its caps (rtcpay's for encoded media), 0: none
  guint clock_rate = 0;
  int caps_pt = -1;
  SendTap tap;
  MediaStream *media = nullptr;   // linked to it (chain only)
  GstPad *funnel_pad = nullptr;   // owned ref, the funnel's request pad
  GstRtcRtpSender *sender = nullptr;  // owned ref while linked: its parameters are watched
  gulong parameters_handler = 0;
  // W3C max-bitrate: the encoder upstream it caps (owned ref), the property
  // and the value the application had set, put back when the cap goes.
  std::mutex encoder_lock;  // the six below
  GstElement *encoder = nullptr;
  std::string encoder_property;
  GValue encoder_original = G_VALUE_INIT;
  GValue encoder_set = G_VALUE_INIT;  // what the bin last set (a change since is the application's)
  guint64 max_bitrate = 0;  // the sender's max-bitrate, 0: none
  guint64 bwe_bitrate = 0;  // its share of the bandwidth estimate, 0: none

  void unwatch_sender() {
    if (!sender) return;
    g_signal_handler_disconnect(sender, parameters_handler);
    gst_object_unref(sender);
    sender = nullptr;
    parameters_handler = 0;
  }
  ~SinkPad() {
    unwatch_sender();
    if (encoder) gst_object_unref(encoder);
    if (G_IS_VALUE(&encoder_original)) g_value_unset(&encoder_original);
    if (G_IS_VALUE(&encoder_set)) g_value_unset(&encoder_set);
    if (funnel_pad) gst_object_unref(funnel_pad);
    if (pay) gst_object_unref(pay);
    if (ident) gst_object_unref(ident);
    if (ghost) gst_object_unref(ghost);
  }
};

namespace {

GstPadProbeReturn hold_data(GstPad *, GstPadProbeInfo *, gpointer) {
  return GST_PAD_PROBE_OK;  // blocks until removed
}

// The app's payloader chose its payload type; the answer may have agreed
// another number for the same codec. Then DTMF tones replace audio packets.
GstBuffer *tap_buffer(SendTap &tap, GstBuffer *buf) {
  const int pt = tap.out_pt.load(std::memory_order_relaxed);
  if (pt >= 0) {
    buf = gst_buffer_make_writable(buf);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    if (gst_rtp_buffer_map(buf, GST_MAP_READWRITE, &rtp)) {
      gst_rtp_buffer_set_payload_type(&rtp, static_cast<guint8>(pt));
      gst_rtp_buffer_unmap(&rtp);
    }
  }
  buf = tap.dtmf.process(buf);
  ExtElement ext[6];
  guint n = 0;
  guint8 head[2];
  const bool marker = gst_buffer_extract(buf, 0, head, 2) == 2 && (head[1] & 0x80);
  if (marker && tap.video.load(std::memory_order_relaxed)) tap.frames.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard guard(tap.lock);
    if (tap.level_id)
      if (const GstAudioLevelMeta *meta = gst_buffer_get_audio_level_meta(buf)) {
        ext[n].id = tap.level_id;
        ext[n].size = 1;
        ext[n].data[0] = guint8((meta->voice_activity ? 0x80 : 0) | std::min<guint8>(meta->level, 127));
        ++n;
      }
    const int cvo = tap.cvo.load(std::memory_order_relaxed);
    if (tap.cvo_id && cvo >= 0 && marker) {
      ext[n].id = tap.cvo_id;
      ext[n].size = 1;
      ext[n].data[0] = guint8(cvo);
      ++n;
    }
    if (tap.mid_id) {
      ext[n].id = tap.mid_id;
      ext[n].size = guint8(tap.mid.size());
      std::memcpy(ext[n].data, tap.mid.data(), tap.mid.size());
      ++n;
    }
    if (tap.rid_id) {
      ext[n].id = tap.rid_id;
      ext[n].size = guint8(tap.rid.size());
      std::memcpy(ext[n].data, tap.rid.data(), tap.rid.size());
      ++n;
    }
    if (tap.abs_id) ext[n++] = abs_send_time_element(tap.abs_id);
    if (tap.twcc_id) {
      ext[n].id = tap.twcc_id;  // sequence number 0 until rtpfunnel's
      ext[n].size = 2;
      ++n;
    }
  }
  if (n) {
    buf = gst_buffer_make_writable(buf);
    put_extensions(buf, ext, n);
  }
  return buf;
}

// The sender's encoding for simulcast layer `rid` (the first one when
// `rid` is empty or not found), a copy; nullptr when it has none.
GstStructure *pick_encoding(GstRtcRtpSender *sender, const std::string &rid) {
  GstStructure *params = gst_rtc_rtp_sender_get_parameters(sender);
  const GValue *encodings = params ? gst_structure_get_value(params, "encodings") : nullptr;
  const guint n = encodings && GST_VALUE_HOLDS_ARRAY(encodings) ? gst_value_array_get_size(encodings) : 0;
  const GstStructure *pick = nullptr;
  for (guint i = 0; i < n; ++i) {
    const GValue *v = gst_value_array_get_value(encodings, i);
    if (!GST_VALUE_HOLDS_STRUCTURE(v)) continue;
    const GstStructure *e = gst_value_get_structure(v);
    if (!pick) pick = e;
    if (!rid.empty() && g_strcmp0(gst_structure_get_string(e, "rid"), rid.c_str()) == 0) {
      pick = e;
      break;
    }
  }
  GstStructure *out = pick ? gst_structure_copy(pick) : nullptr;
  if (params) gst_structure_free(params);
  return out;
}

// Whether that encoding is active (W3C: a new sender's is), and its
// max-bitrate in bits per second (0: none).
bool encoding_active(GstRtcRtpSender *sender, const std::string &rid, guint64 *max_bitrate = nullptr) {
  GstStructure *e = pick_encoding(sender, rid);
  gboolean active = TRUE;
  guint bps = 0;
  if (e) {
    gst_structure_get_boolean(e, "active", &active);
    gst_structure_get_uint(e, "max-bitrate", &bps);
    gst_structure_free(e);
  }
  if (max_bitrate) *max_bitrate = bps;
  return active;
}

// The bitrate property of the encoders max-bitrate knows, and how many bits
// per second one unit of it is (GStreamer 1.22 and common hardware ones).
struct BitrateProperty {
  const char *factory;
  const char *property;
  guint64 unit;
};
constexpr BitrateProperty kBitrateProperties[] = {
    {"x264enc", "bitrate", 1000},      {"x265enc", "bitrate", 1000},     {"vp8enc", "target-bitrate", 1},
    {"vp9enc", "target-bitrate", 1},   {"av1enc", "target-bitrate", 1000}, {"svtav1enc", "target-bitrate", 1000},
    {"rav1enc", "bitrate", 1},         {"openh264enc", "bitrate", 1},    {"opusenc", "bitrate", 1},
    {"nvh264enc", "bitrate", 1000},    {"nvh265enc", "bitrate", 1000},   {"nvav1enc", "bitrate", 1000},
    {"vaapih264enc", "bitrate", 1000}, {"vaapih265enc", "bitrate", 1000}, {"vaapivp8enc", "bitrate", 1000},
    {"vah264enc", "bitrate", 1000},    {"vah265enc", "bitrate", 1000},   {"qsvh264enc", "bitrate", 1000},
    {"qsvh265enc", "bitrate", 1000},   {"msdkh264enc", "bitrate", 1000}, {"msdkh265enc", "bitrate", 1000},
};

// The encoder feeding `pad`: upstream through single-input elements
// (parsers, queues, capsfilters, payloaders) and bins' ghost pads, at most
// 16 steps; a new ref or nullptr.
GstElement *upstream_encoder(GstPad *pad) {
  GstPad *cur = gst_pad_get_peer(pad);
  for (int step = 0; cur && step < 16; ++step) {
    // Into a bin: the element behind its ghost pad.
    while (GST_IS_GHOST_PAD(cur)) {
      GstPad *target = gst_ghost_pad_get_target(GST_GHOST_PAD(cur));
      gst_object_unref(cur);
      cur = target;
      if (!cur) return nullptr;
    }
    GstElement *el = gst_pad_get_parent_element(cur);
    gst_object_unref(cur);
    cur = nullptr;
    if (!el) return nullptr;
    GstElementFactory *f = gst_element_get_factory(el);
    const gchar *klass = f ? gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_KLASS) : nullptr;
    if (klass && strstr(klass, "Encoder")) return el;
    if (el->numsinkpads != 1) {
      gst_object_unref(el);
      return nullptr;
    }
    GST_OBJECT_LOCK(el);
    GstPad *sink = GST_PAD(gst_object_ref(el->sinkpads->data));
    GST_OBJECT_UNLOCK(el);
    gst_object_unref(el);
    cur = gst_pad_get_peer(sink);
    gst_object_unref(sink);
  }
  if (cur) gst_object_unref(cur);
  return nullptr;
}

// The sender's encodings for simulcast layers `rids` (W3C sendEncodings):
// one each, kept as they were for a layer it had already.
void set_layer_encodings(GstRtcRtpSender *sender, const std::vector<std::string> &rids) {
  GstStructure *old = gst_rtc_rtp_sender_get_parameters(sender);
  const GValue *had = old ? gst_structure_get_value(old, "encodings") : nullptr;
  GValue encodings = G_VALUE_INIT;
  g_value_init(&encodings, GST_TYPE_ARRAY);
  for (const auto &rid : rids) {
    GstStructure *e = nullptr;
    for (guint i = 0; had && GST_VALUE_HOLDS_ARRAY(had) && i < gst_value_array_get_size(had) && !e; ++i) {
      const GValue *v = gst_value_array_get_value(had, i);
      if (GST_VALUE_HOLDS_STRUCTURE(v) && g_strcmp0(gst_structure_get_string(gst_value_get_structure(v), "rid"),
                                                    rid.c_str()) == 0)
        e = gst_structure_copy(gst_value_get_structure(v));
    }
    if (!e) e = gst_structure_new("encoding", "rid", G_TYPE_STRING, rid.c_str(), "active", G_TYPE_BOOLEAN, TRUE, nullptr);
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&v, e);
    gst_value_array_append_and_take_value(&encodings, &v);
  }
  GstStructure *params = old ? old : gst_structure_new_empty("parameters");
  gst_structure_take_value(params, "encodings", &encodings);
  GError *error = nullptr;
  if (!gst_rtc_rtp_sender_replace_parameters(sender, params, &error)) {
    GST_WARNING("cannot set the simulcast encodings: %s", error ? error->message : "?");
    g_clear_error(&error);
  }
  gst_structure_free(params);
}

GstPadProbeReturn send_tap(GstPad *, GstPadProbeInfo *info, gpointer data) {
  auto &tap = *static_cast<SendTap *>(data);
  if ((info->type & (GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST)) &&
      (!tap.active.load(std::memory_order_relaxed) || tap.congested.load(std::memory_order_relaxed)))
    return GST_PAD_PROBE_DROP;
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
    if (GST_EVENT_TYPE(ev) == GST_EVENT_TAG) {
      GstTagList *tags = nullptr;
      gst_event_parse_tag(ev, &tags);
      gchar *orientation = nullptr;
      if (tags && gst_tag_list_get_string(tags, GST_TAG_IMAGE_ORIENTATION, &orientation)) {
        tap.cvo = cvo_from_orientation(orientation);
        g_free(orientation);
      }
      return GST_PAD_PROBE_OK;
    }
    guint8 twcc = 0;
    {
      std::lock_guard guard(tap.lock);
      twcc = tap.twcc_id;
    }
    if (GST_EVENT_TYPE(ev) != GST_EVENT_CAPS || twcc == 0) return GST_PAD_PROBE_OK;
    GstCaps *caps = nullptr;
    gst_event_parse_caps(ev, &caps);
    caps = gst_caps_copy(caps);
    gst_caps_set_simple(caps, ("extmap-" + std::to_string(twcc)).c_str(), G_TYPE_STRING, kTwccExtUri, nullptr);
    info->data = gst_event_new_caps(caps);
    gst_caps_unref(caps);
    gst_event_unref(ev);
    return GST_PAD_PROBE_OK;
  }
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    info->data = tap_buffer(tap, GST_PAD_PROBE_INFO_BUFFER(info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    for (guint i = 0; i < gst_buffer_list_length(list); ++i) {
      GstBuffer *in = gst_buffer_ref(gst_buffer_list_get(list, i));
      gst_buffer_list_remove(list, i, 1);
      gst_buffer_list_insert(list, gint(i), tap_buffer(tap, in));
    }
    info->data = list;
  }
  return GST_PAD_PROBE_OK;
}

bool sends(jsep::Direction d) {
  return d == jsep::Direction::SendRecv || d == jsep::Direction::SendOnly;
}

// Video sends its retransmissions on an SSRC of their own (RFC 4588
// SSRC-multiplexed, a=ssrc-group:FID).
std::vector<std::uint32_t> with_rtx_ssrc(const std::string &kind, guint32 ssrc) {
  if (kind != "video") return {ssrc};
  guint32 rtx = 0;
  while (rtx == 0 || rtx == ssrc) rtx = g_random_int();
  return {ssrc, rtx};
}

std::string random_token() {
  return std::to_string(g_random_int()) + std::to_string(g_random_int());
}

}  // namespace

// Encoded media on a sink pad: an rtcpay (the rtcrtp plugin, by factory
// name) goes between the identity and the RTP session, and the hold moves to
// its output. Runs in the streaming thread, on the caps event, before the
// caps leave the identity.
bool PeerConnection::insert_payloader(SinkPad &sp) {
  GstElement *pay = gst_element_factory_make("rtcpay", nullptr);
  if (!pay) {
    refuse(GST_RTC_ERROR_OPERATION, std::string(GST_PAD_NAME(sp.ghost)) +
                                        ": encoded media needs rtcpay (the rtcrtp plugin); link application/x-rtp");
    return false;
  }
  sp.pay = GST_ELEMENT(gst_object_ref_sink(pay));
  guint32 ssrc = 0;
  while (ssrc == 0) ssrc = g_random_int();
  sp.pay_ssrc = ssrc;
  g_object_set(pay, "ssrc", ssrc, nullptr);
  gst_bin_add(GST_BIN(bin_), pay);
  GstPad *ident_src = gst_element_get_static_pad(sp.ident, "src");
  GstPad *pay_sink = gst_element_get_static_pad(pay, "sink");
  GstPad *pay_src = gst_element_get_static_pad(pay, "src");
  const gulong hold = gst_pad_add_probe(
      pay_src, GstPadProbeType(GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      hold_data, nullptr, nullptr);
  gst_element_sync_state_with_parent(pay);
  const bool ok = gst_pad_link(ident_src, pay_sink) == GST_PAD_LINK_OK;
  if (ok) {
    if (sp.block_probe) gst_pad_remove_probe(ident_src, sp.block_probe);
    sp.block_probe = hold;
  } else {
    gst_pad_remove_probe(pay_src, hold);
  }
  gst_object_unref(ident_src);
  gst_object_unref(pay_sink);
  gst_object_unref(pay_src);
  return ok;
}

GstPad *PeerConnection::request_sink_pad(GstPadTemplate *templ, const gchar *name, const GstCaps *caps) {
  GstElement *ident = gst_element_factory_make("identity", nullptr);
  if (!ident) return nullptr;
  auto sp = std::make_shared<SinkPad>();
  sp->ident = GST_ELEMENT(gst_object_ref_sink(ident));
  g_object_set(ident, "silent", TRUE, nullptr);
  std::string pad_name;
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (closed_) {
      gst_object_unref(sp->ident);
      return nullptr;
    }
    pad_name = name ? name : "sink_" + std::to_string(next_sink_pad_);
    ++next_sink_pad_;
  }
  gst_bin_add(GST_BIN(bin_), ident);
  GstPad *target = gst_element_get_static_pad(ident, "sink");
  GstPad *src = gst_element_get_static_pad(ident, "src");
  sp->block_probe = gst_pad_add_probe(
      src, GstPadProbeType(GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      hold_data, nullptr, nullptr);
  // The caps decide the transceiver: handled on the chain.
  struct CapsWatch {
    PeerConnection *pc;
    std::weak_ptr<SinkPad> pad;
  };
  gst_pad_add_probe(
      target, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      [](GstPad *, GstPadProbeInfo *info, gpointer data) {
        GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
        if (GST_EVENT_TYPE(ev) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
        auto *watch = static_cast<CapsWatch *>(data);
        auto pad = watch->pad.lock();
        if (!pad) return GST_PAD_PROBE_OK;
        GstCaps *caps = nullptr;
        gst_event_parse_caps(ev, &caps);
        PeerConnection *pc = watch->pc;
        const GstStructure *st = gst_caps_get_size(caps) > 0 ? gst_caps_get_structure(caps, 0) : nullptr;
        if (st && !gst_structure_has_name(st, "application/x-rtp") && !pad->pay) pc->insert_payloader(*pad);
        GstCaps *copy = gst_caps_copy(caps);
        if (pad->pay && pad->pay_ssrc) gst_caps_set_simple(copy, "ssrc", G_TYPE_UINT, pad->pay_ssrc, nullptr);
        pc->ops_.post([pc, pad, copy] { pc->sink_caps(pad, copy); });
        return GST_PAD_PROBE_OK;
      },
      new CapsWatch{this, sp}, [](gpointer data) { delete static_cast<CapsWatch *>(data); });
  gst_object_unref(src);
  GstPad *ghost = GST_PAD(g_object_new(GST_TYPE_RTC_PEER_BIN_PAD, "name", pad_name.c_str(), "direction",
                                       GST_PAD_SINK, "template", templ, nullptr));
  gst_ghost_pad_set_target(GST_GHOST_PAD(ghost), target);
  gst_object_unref(target);
  sp->ghost = GST_PAD(gst_object_ref(ghost));
  {
    std::lock_guard<std::mutex> guard(lock_);
    sink_pads_.push_back(sp);
  }
  gst_element_sync_state_with_parent(ident);
  gst_pad_set_active(ghost, TRUE);
  gst_element_add_pad(GST_ELEMENT(bin_), ghost);
  if (caps && gst_caps_is_fixed(caps)) {
    GstCaps *copy = gst_caps_copy(caps);
    ops_.post([this, sp, copy] { sink_caps(sp, copy); });
  }
  return ghost;
}

void PeerConnection::release_sink_pad(GstPad *pad) {
  std::shared_ptr<SinkPad> sp;
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto it = sink_pads_.begin(); it != sink_pads_.end(); ++it) {
      if ((*it)->ghost != pad) continue;
      sp = *it;
      sink_pads_.erase(it);
      break;
    }
  }
  if (!sp) return;
  gst_element_remove_pad(GST_ELEMENT(bin_), pad);
  ops_.run_sync([&] {
    if (sp->funnel_pad && sp->media) sp->media->release_send_pad(sp->funnel_pad);
  });
  for (GstElement *e : {sp->ident, sp->pay}) {
    if (!e) continue;
    gst_element_set_locked_state(e, TRUE);
    gst_element_set_state(e, GST_STATE_NULL);
    if (GST_OBJECT_PARENT(e) == GST_OBJECT(bin_)) gst_bin_remove(GST_BIN(bin_), e);
  }
  if (sp->funnel_pad) gst_object_unref(sp->funnel_pad);
  if (sp->pay) gst_object_unref(sp->pay);
  gst_object_unref(sp->ident);
  gst_object_unref(sp->ghost);
  sp->pay = nullptr;
  sp->funnel_pad = nullptr;
  sp->ident = nullptr;
  sp->ghost = nullptr;
}

// The a=msid stream a sink pad's track goes out in: its `msid` when set,
// otherwise the bin's one stream (chain).
std::string PeerConnection::local_stream_id(const SinkPad &sp) {
  gchar *msid = nullptr;
  g_object_get(sp.ghost, "msid", &msid, nullptr);
  std::string id = msid ? msid : "";
  g_free(msid);
  if (!id.empty()) return id;
  if (local_stream_id_.empty()) local_stream_id_ = "gst-rtc-" + random_token();
  return local_stream_id_;
}

void PeerConnection::sink_caps(const std::shared_ptr<SinkPad> &sp, GstCaps *caps) {
  std::string kind;
  std::vector<jsep::Codec> codecs = codecs_from_caps(caps, kind);
  const GstStructure *st = gst_caps_get_size(caps) > 0 ? gst_caps_get_structure(caps, 0) : nullptr;
  guint ssrc = 0;
  const bool has_ssrc = st && gst_structure_get_uint(st, "ssrc", &ssrc);
  gst_caps_unref(caps);
  if (session_.signaling_state() == jsep::SignalingState::Closed || !sp->ghost) return;
  if (kind.empty() || codecs.empty()) {
    refuse(GST_RTC_ERROR_TYPE, "sink pad caps name no audio or video codec (application/x-rtp with media and "
                               "encoding-name)");
    return;
  }
  sp->codec = codecs.front().name;
  sp->clock_rate = codecs.front().clock_rate;
  sp->caps_pt = codecs.front().payload_type;
  if (sp->transceiver) {
    start_media_if_ready();
    return;
  }
  std::string rid;
  {
    gchar *value = nullptr;
    g_object_get(sp->ghost, "rid", &value, nullptr);
    rid = value ? value : "";
    g_free(value);
  }
  if (!rid.empty()) {
    // RFC 8851: rid-id = 1*(alpha-numeric / "-" / "_"); 16 bytes fit a
    // one-byte header extension element.
    const bool valid = rid.size() <= 16 && std::all_of(rid.begin(), rid.end(), [](char c) {
      return g_ascii_isalnum(c) || c == '-' || c == '_';
    });
    if (!valid) {
      refuse(GST_RTC_ERROR_TYPE, std::string(GST_PAD_NAME(sp->ghost)) + ": rid \"" + rid +
                                     "\" is not a RID (1 to 16 letters, digits, '-' or '_')");
      return;
    }
    if (kind != "video") {
      refuse(GST_RTC_ERROR_NOT_SUPPORTED,
             std::string(GST_PAD_NAME(sp->ghost)) + ": simulcast layers (rid) are for video, not " + kind);
      return;
    }
  }
  sp->rid = rid;
  if (has_ssrc) sp->ssrc = ssrc;
  auto &ts = session_.transceivers();
  std::optional<size_t> index;
  bool joined = false;
  {
    std::lock_guard<std::mutex> guard(lock_);
    // A simulcast layer joins the layers gathering on a transceiver of its
    // kind that was never answered and has no layer of that name yet.
    for (size_t i = ts.size(); !rid.empty() && i-- > 0 && !index;) {
      const auto &t = ts[i];
      if (t.kind != kind || t.stopped || t.stopping || t.current_direction || t.send_rids.empty()) continue;
      if (std::find(t.send_rids.begin(), t.send_rids.end(), rid) != t.send_rids.end()) continue;
      index = i;
      joined = true;
    }
    // webrtcbin's rules: a transceiver of this kind that a remote offer made
    // and no pad sends on is taken (and now sends); otherwise a new one.
    for (size_t i = 0; i < ts.size() && !index; ++i) {
      if (ts[i].kind != kind || ts[i].stopped || ts[i].stopping || !ts[i].created_by_remote) continue;
      const bool taken = std::any_of(sink_pads_.begin(), sink_pads_.end(),
                                     [&](const auto &p) { return p->transceiver == i; });
      if (!taken) index = i;
    }
  }
  if (joined) {
    ts[*index].send_rids.push_back(rid);
  } else if (index) {
    auto &t = ts[*index];
    if (!rid.empty()) t.send_rids = {rid};
    if (t.direction == jsep::Direction::RecvOnly) t.direction = jsep::Direction::SendRecv;
    if (t.direction == jsep::Direction::Inactive) t.direction = jsep::Direction::SendOnly;
    if (has_ssrc) t.send_ssrcs = with_rtx_ssrc(kind, ssrc);
    if (t.cname.empty()) t.cname = "gst-rtc-" + random_token();
    if (t.stream_id.empty()) t.stream_id = local_stream_id(*sp);
    if (t.track_id.empty()) t.track_id = "gst-rtc-" + random_token();
  } else {
    jsep::Transceiver t;
    t.kind = kind;
    t.direction = jsep::Direction::SendRecv;
    t.codecs = codecs;
    t.has_codec_preferences = true;
    if (has_ssrc) t.send_ssrcs = with_rtx_ssrc(kind, ssrc);
    if (!rid.empty()) t.send_rids = {rid};
    t.cname = "gst-rtc-" + random_token();
    t.stream_id = local_stream_id(*sp);
    t.track_id = "gst-rtc-" + random_token();
    session_.add_transceiver(std::move(t));
    sync_transceivers(nullptr);
    index = session_.transceivers().size() - 1;
  }
  GstRtcRtpTransceiver *obj = nullptr;
  {
    std::lock_guard<std::mutex> guard(lock_);
    sp->transceiver = index;
    if (*index < transceivers_.size()) obj = GST_RTC_RTP_TRANSCEIVER(gst_object_ref(transceivers_[*index]));
  }
  if (obj && !rid.empty()) {
    if (GstRtcRtpSender *sender = gst_rtc_rtp_transceiver_get_sender(obj)) {
      set_layer_encodings(sender, session_.transceivers()[*index].send_rids);
      gst_object_unref(sender);
    }
  }
  if (obj) {
    gst_rtc_rtp_transceiver_set_direction(obj,
                                          session_.transceivers()[*index].direction == jsep::Direction::SendOnly
                                              ? GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY
                                              : GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                                          nullptr);
    gst_rtc_peer_bin_pad_set_transceiver(GST_RTC_PEER_BIN_PAD(sp->ghost), obj);
    gst_object_unref(obj);
  }
  GST_INFO_OBJECT(bin_, "%s: %s %s/%u on transceiver %zu%s%s", GST_PAD_NAME(sp->ghost), kind.c_str(),
                  sp->codec.c_str(), sp->clock_rate, *index, rid.empty() ? "" : ", simulcast layer ", rid.c_str());
  update_negotiation_needed();
  start_media_if_ready();
}

void PeerConnection::remove_src_pads(size_t transceiver) {
  std::vector<GstPad *> gone;
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto it = src_pads_.begin(); it != src_pads_.end();) {
      if (it->transceiver != transceiver) {
        ++it;
        continue;
      }
      gone.push_back(it->pad);
      recv_counters_.erase(it->ssrc);
      it = src_pads_.erase(it);
    }
  }
  for (GstPad *pad : gone) {
    GST_INFO_OBJECT(bin_, "%s: transceiver %zu stopped receiving", GST_PAD_NAME(pad), transceiver);
    gst_pad_set_active(pad, FALSE);
    gst_element_remove_pad(GST_ELEMENT(bin_), pad);
    gst_object_unref(pad);
  }
}

void PeerConnection::apply_media(const jsep::Plan &plan) {
  media_plans_ = plan.media;
  // A stopped transceiver, or one the remote no longer sends on, loses its
  // src pads (W3C: the track ends).
  for (const auto &mp : media_plans_)
    if (mp.stopped || mp.receiving_ended) remove_src_pads(mp.transceiver);
  std::vector<std::shared_ptr<SinkPad>> pads;
  {
    std::lock_guard<std::mutex> guard(lock_);
    pads = sink_pads_;
  }
  for (const auto &mp : media_plans_)
    for (auto &sp : pads)
      if (sp->transceiver == mp.transceiver && (mp.stopped || !sends(mp.direction))) unlink_sink_pad(*sp, !mp.stopped);
  std::map<guint32, size_t> by_ssrc;
  std::map<guint, size_t> by_pt;
  std::map<std::string, size_t> by_mid;
  std::set<size_t> with_rtx;
  std::map<size_t, std::string> streams;
  std::map<size_t, RecvExtensions> recv_ext;
  for (const auto &mp : media_plans_) {
    if (mp.stopped) continue;
    by_mid[mp.mid] = mp.transceiver;
    for (const auto &e : mp.extensions) {
      if (e.id <= 0 || e.id >= 15) continue;
      if (e.uri == kVideoOrientationExtUri) recv_ext[mp.transceiver].cvo = guint8(e.id);
      if (e.uri == kAudioLevelExtUri) recv_ext[mp.transceiver].audio_level = guint8(e.id);
    }
    for (const auto &m : mp.remote_msids)
      if (!m.stream_id.empty() && m.stream_id != "-") streams.emplace(mp.transceiver, m.stream_id);
    for (const auto &c : mp.codecs)
      if (g_ascii_strcasecmp(c.name.c_str(), "rtx") == 0) with_rtx.insert(mp.transceiver);
    for (guint32 ssrc : mp.remote_ssrcs) by_ssrc[ssrc] = mp.transceiver;
    for (const auto &c : mp.codecs)
      if (c.payload_type >= 0) by_pt.emplace(static_cast<guint>(c.payload_type), mp.transceiver);
  }
  {
    std::lock_guard<std::mutex> guard(lock_);
    ssrc_transceiver_ = std::move(by_ssrc);
    pt_transceiver_ = std::move(by_pt);
    mid_transceiver_ = std::move(by_mid);
    rtx_transceivers_ = std::move(with_rtx);
    remote_stream_ = std::move(streams);
    recv_ext_ = std::move(recv_ext);
  }
  start_media_if_ready();
}

void PeerConnection::start_media_if_ready() {
  for (const auto &mp : media_plans_) {
    if (mp.stopped) continue;
    TransportStream *stream = stream_for(mp.transport_mid);
    if (!stream || !stream->media_ready()) continue;
    auto &media = media_[mp.transport_mid];
    if (!media) {
      MediaStream::Events ev;
      ev.new_stream = [this](GstPad *pad, guint32 ssrc, guint pt, const std::optional<std::string> &mid,
                             const std::optional<std::string> &rid) {
        new_stream(pad, ssrc, pt, mid, rid);
      };
      ev.wants_nack = [this](guint32 ssrc, const std::optional<std::string> &mid) { return wants_nack(ssrc, mid); };
      ev.bandwidth = [this](MediaStream *stream, guint64 bps) { apply_estimate(stream, bps); };
      GError *error = nullptr;
      media.reset(MediaStream::create(GST_BIN(bin_), mp.transport_mid, stream->dtlsenc(), stream->dtlsdec(),
                                      settings().latency, ev, &error));
      if (media) watch_rtcp_reports(media->rtpbin());  // remote-inbound-rtp from the first report on
      if (!media) {
        GST_ELEMENT_WARNING(bin_, CORE, MISSING_PLUGIN, ("%s", error ? error->message : "no media"), (nullptr));
        g_clear_error(&error);
        media_.erase(mp.transport_mid);
        return;
      }
    }
    // rtpbin's payload type map: every codec negotiated on this transport.
    std::map<guint, GstCaps *> pt_map;
    for (const auto &other : media_plans_) {
      if (other.stopped || other.transport_mid != mp.transport_mid) continue;
      const auto &ts = session_.transceivers();
      const std::string kind = other.transceiver < ts.size() ? ts[other.transceiver].kind : "video";
      for (const auto &c : other.codecs) {
        if (c.payload_type < 0 || pt_map.count(static_cast<guint>(c.payload_type))) continue;
        std::string name = c.name;
        std::transform(name.begin(), name.end(), name.begin(), ::toupper);
        GstCaps *caps = gst_caps_new_simple("application/x-rtp", "media", G_TYPE_STRING, kind.c_str(),
                                            "encoding-name", G_TYPE_STRING, name.c_str(), "clock-rate", G_TYPE_INT,
                                            gint(c.clock_rate), "payload", G_TYPE_INT, c.payload_type, nullptr);
        if (c.channels)
          gst_caps_set_simple(caps, "encoding-params", G_TYPE_STRING, std::to_string(*c.channels).c_str(), nullptr);
        for (const auto &[k, v] : c.parameters) gst_caps_set_simple(caps, k.c_str(), G_TYPE_STRING, v.c_str(), nullptr);
        // rtpsession reads the negotiated feedback from these fields: a
        // decoder's key unit request becomes a PLI (or FIR), NACKs are sent
        // only when agreed.
        for (const auto &fb : c.rtcp_fb) {
          std::string field = "rtcp-fb-" + fb.type + (fb.subtype.empty() ? "" : "-" + fb.subtype);
          gst_caps_set_simple(caps, field.c_str(), G_TYPE_BOOLEAN, TRUE, nullptr);
        }
        // The m-line's header extensions (RFC 8285 in caps form): rtpsession
        // answers transport-wide-cc sequence numbers with feedback, and
        // depayloaders find the extensions they know.
        for (const auto &e : other.extensions)
          if (e.id > 0)
            gst_caps_set_simple(caps, ("extmap-" + std::to_string(e.id)).c_str(), G_TYPE_STRING, e.uri.c_str(),
                                nullptr);
        pt_map[static_cast<guint>(c.payload_type)] = caps;
      }
    }
    media->set_pt_map(std::move(pt_map));
    std::map<guint, guint> pt_to_rtx;
    std::map<guint32, guint32> ssrc_to_rtx, remote_ssrc_to_rtx;
    for (const auto &other : media_plans_) {
      if (other.stopped || other.transport_mid != mp.transport_mid) continue;
      for (const auto &c : other.codecs) {
        if (g_ascii_strcasecmp(c.name.c_str(), "rtx") != 0 || c.payload_type < 0) continue;
        for (const auto &[k, v] : c.parameters)
          if (k == "apt") pt_to_rtx[static_cast<guint>(atoi(v.c_str()))] = static_cast<guint>(c.payload_type);
      }
      for (const auto &[media_ssrc, rtx_ssrc] : other.remote_rtx_ssrcs) remote_ssrc_to_rtx[media_ssrc] = rtx_ssrc;
      const auto &ts = session_.transceivers();
      if (other.transceiver < ts.size() && ts[other.transceiver].send_ssrcs.size() == 2)
        ssrc_to_rtx[ts[other.transceiver].send_ssrcs[0]] = ts[other.transceiver].send_ssrcs[1];
    }
    // Received packets name their m-line with the MID extension (BUNDLE:
    // one id per URI on all the transport's m-lines, RFC 8843 9.2);
    // simulcast layers name themselves with the RID extension (RFC 8852).
    guint8 recv_mid = 0, recv_rid = 0, repaired_rid = 0;
    for (const auto &other : media_plans_) {
      if (other.stopped || other.transport_mid != mp.transport_mid) continue;
      for (const auto &e : other.extensions) {
        if (e.id <= 0 || e.id >= 15) continue;
        if (e.uri == kMidExtUri) recv_mid = guint8(e.id);
        if (e.uri == jsep::kRidExtensionUri) recv_rid = guint8(e.id);
        if (e.uri == kRepairedRidExtUri) repaired_rid = guint8(e.id);
      }
    }
    media->set_rtx(pt_to_rtx, ssrc_to_rtx, remote_ssrc_to_rtx, recv_rid, repaired_rid);
    media->set_recv_ids(recv_mid, recv_rid);
    if (!sends(mp.direction)) continue;
    std::vector<std::shared_ptr<SinkPad>> pads;
    {
      std::lock_guard<std::mutex> guard(lock_);
      pads = sink_pads_;
    }
    for (auto &sp : pads)
      if (sp->transceiver == mp.transceiver && !sp->funnel_pad && !sp->codec.empty())
        link_sink_pad(*sp, mp, *media);
  }
}

void PeerConnection::link_sink_pad(SinkPad &sp, const jsep::MediaPlan &mp, MediaStream &media) {
  if (!sp.rid.empty() && std::find(mp.send_rids.begin(), mp.send_rids.end(), sp.rid) == mp.send_rids.end()) {
    // W3C: the answer dropped the encoding. Held: its source waits.
    GST_INFO_OBJECT(bin_, "%s: simulcast layer %s not taken by the remote: not sent", GST_PAD_NAME(sp.ghost),
                    sp.rid.c_str());
    return;
  }
  int pt = -1;
  for (const auto &c : mp.codecs) {
    if (g_ascii_strcasecmp(c.name.c_str(), sp.codec.c_str()) == 0 && c.clock_rate == sp.clock_rate) {
      pt = c.payload_type;
      break;
    }
  }
  if (pt < 0) {
    refuse(GST_RTC_ERROR_OPERATION, std::string(GST_PAD_NAME(sp.ghost)) + ": the negotiated codecs leave out " +
                                        sp.codec + ": nothing is sent");
    return;
  }
  GstPad *funnel_pad = media.request_send_pad();
  GstPad *src = gst_element_get_static_pad(sp.tail(), "src");
  // rtcpay writes the negotiated number itself; RTP from the app is
  // rewritten when the answer chose another.
  if (sp.pay) g_object_set(sp.pay, "pt", pt, nullptr);
  if (!funnel_pad || gst_pad_link(src, funnel_pad) != GST_PAD_LINK_OK) {
    GST_ELEMENT_WARNING(bin_, CORE, NEGOTIATION, ("cannot link %s to the RTP session", GST_PAD_NAME(sp.ghost)),
                        (nullptr));
    if (funnel_pad) media.release_send_pad(funnel_pad);
    gst_object_unref(src);
    return;
  }
  sp.tap.out_pt = !sp.pay && pt != sp.caps_pt ? pt : -1;
  // RFC 4733 events at the audio's clock rate (W3C: telephone-event is
  // sent only with a codec of the same rate).
  int te_pt = -1;
  for (const auto &c : mp.codecs)
    if (g_ascii_strcasecmp(c.name.c_str(), "telephone-event") == 0 && c.clock_rate == sp.clock_rate)
      te_pt = c.payload_type;
  GstRtcDtmfSender *dtmf = nullptr;
  GstRtcRtpSender *sender = nullptr;
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (mp.transceiver < transceivers_.size())
      sender = gst_rtc_rtp_transceiver_get_sender(transceivers_[mp.transceiver]);
  }
  if (sender) {
    dtmf = gst_rtc_rtp_sender_get_dtmf(sender);
    watch_sender(sp, sender);
    gst_object_unref(sender);
  }
  sp.tap.dtmf.configure(dtmf, pt, dtmf ? te_pt : -1, sp.clock_rate);
  if (dtmf) gst_object_unref(dtmf);
  guint8 mid_id = 0, abs_id = 0, twcc_id = 0, cvo_id = 0, level_id = 0, rid_id = 0;
  for (const auto &e : mp.extensions) {
    if (e.id <= 0 || e.id >= 15) continue;  // one-byte form only
    if (e.uri == kMidExtUri) mid_id = guint8(e.id);
    if (e.uri == kAbsSendTimeExtUri) abs_id = guint8(e.id);
    if (e.uri == kTwccExtUri) twcc_id = guint8(e.id);
    if (e.uri == kVideoOrientationExtUri) cvo_id = guint8(e.id);
    if (e.uri == kAudioLevelExtUri) level_id = guint8(e.id);
    if (e.uri == jsep::kRidExtensionUri) rid_id = guint8(e.id);
  }
  sp.tap.configure(mid_id, mp.mid, abs_id, twcc_id, cvo_id, level_id, rid_id, sp.rid);
  sp.tap.video = mp.transceiver < session_.transceivers().size() &&
                 session_.transceivers()[mp.transceiver].kind == "video";
  // Linked above: the pad's sticky caps reach the funnel through the probe
  // with the data the hold releases.
  sp.send_probe = gst_pad_add_probe(
        src,
        GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST |
                        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
        send_tap, &sp.tap, nullptr);
  sp.funnel_pad = funnel_pad;
  sp.media = &media;
  if (sp.block_probe) {
    gst_pad_remove_probe(src, sp.block_probe);
    sp.block_probe = 0;
  }
  gst_object_unref(src);
  GST_INFO_OBJECT(bin_, "%s sends %s as payload type %d on transport %s", GST_PAD_NAME(sp.ghost), sp.codec.c_str(),
                  pt, mp.transport_mid.c_str());
}

// W3C setParameters(): the first encoding's `active` pauses and resumes
// what the pad sends (RTCP goes on). On resume the source is asked for a
// key unit (upstream GstForceKeyUnit), so the far side decodes at once.
// Its `max-bitrate` caps the encoder upstream (apply_max_bitrate).
void PeerConnection::watch_sender(SinkPad &sp, GstRtcRtpSender *sender) {
  sp.unwatch_sender();
  sp.sender = GST_RTC_RTP_SENDER(gst_object_ref(sender));
  guint64 max_bitrate = 0;
  sp.tap.active = encoding_active(sender, sp.rid, &max_bitrate);
  apply_max_bitrate(sp, max_bitrate);
  struct Watch {
    PeerConnection *pc;
    std::weak_ptr<SinkPad> pad;
  };
  sp.parameters_handler = g_signal_connect_data(
      sender, "notify::parameters",
      G_CALLBACK(+[](GstRtcRtpSender *sender, GParamSpec *, gpointer data) {
        auto *watch = static_cast<Watch *>(data);
        auto pad = watch->pad.lock();
        if (!pad) return;
        guint64 max_bitrate = 0;
        const bool active = encoding_active(sender, pad->rid, &max_bitrate);
        const bool resumed = active && !pad->tap.active.exchange(active);
        if (!active) pad->tap.active = false;
        GST_INFO("%s: sender %s", GST_PAD_NAME(pad->ghost), active ? "active" : "inactive: nothing sent");
        if (resumed) gst_pad_push_event(pad->ghost, key_unit_request());
        watch->pc->apply_max_bitrate(*pad, max_bitrate);
      }),
      new Watch{this, sp.weak_from_this()}, [](gpointer data, GClosure *) { delete static_cast<Watch *>(data); },
      GConnectFlags(0));
}

// Gives the capped encoder its own bitrate back and forgets it.
void PeerConnection::release_encoder(SinkPad &sp) {
  if (!sp.encoder) return;
  if (G_IS_VALUE(&sp.encoder_original)) {
    // Unless the application set another value meanwhile.
    GValue current = G_VALUE_INIT;
    g_value_init(&current, G_VALUE_TYPE(&sp.encoder_original));
    g_object_get_property(G_OBJECT(sp.encoder), sp.encoder_property.c_str(), &current);
    GParamSpec *ps = g_object_class_find_property(G_OBJECT_GET_CLASS(sp.encoder), sp.encoder_property.c_str());
    if (!G_IS_VALUE(&sp.encoder_set) || g_param_values_cmp(ps, &current, &sp.encoder_set) == 0)
      g_object_set_property(G_OBJECT(sp.encoder), sp.encoder_property.c_str(), &sp.encoder_original);
    g_value_unset(&current);
    g_value_unset(&sp.encoder_original);
  }
  if (G_IS_VALUE(&sp.encoder_set)) g_value_unset(&sp.encoder_set);
  gst_object_unref(sp.encoder);
  sp.encoder = nullptr;
  sp.encoder_property.clear();
}

// W3C max-bitrate (bits per second, 0: none) on the encoder feeding the
// pad: its bitrate property becomes min(what the application set, cap);
// without a cap the application's value comes back. No encoder upstream,
// or one whose bitrate property is not known: a GST_RTC_ERROR_NOT_SUPPORTED
// warning on the bus, so the cap is not silently ignored.
void PeerConnection::apply_max_bitrate(SinkPad &sp, guint64 bps) {
  std::lock_guard<std::mutex> guard(sp.encoder_lock);
  const bool changed = bps != sp.max_bitrate;
  sp.max_bitrate = bps;
  apply_bitrate_locked(sp, changed);
}

// The send-side bandwidth estimate of one transport once the path showed
// congestion (RTCP thread). 85 % of it (audio, RTCP, retransmissions and
// packet overhead take the rest) is shared equally by the video
// transceivers; within a simulcast one, the layers the share carries at
// the bitrates their encoders were given, lowest first, and the rest
// paused until it grows (the lowest layer always sends, capped to the
// share if need be); any other pad's encoder is capped to its share.
void PeerConnection::apply_estimate(MediaStream *media, guint64 bps) {
  // Retransmissions get half of it: repairing what a congested path lost
  // must not keep it congested, and repairs of random loss still fit.
  if (GstElement *rtx = media->rtx_sender()) rtx_send_limit(rtx, bps / 2);
  std::map<size_t, std::vector<std::shared_ptr<SinkPad>>> by_transceiver;
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (const auto &sp : sink_pads_)
      if (sp->media == media && sp->tap.video.load() && sp->transceiver) by_transceiver[*sp->transceiver].push_back(sp);
  }
  if (by_transceiver.empty()) return;
  const guint64 share = std::max<guint64>(bps * 85 / 100 / by_transceiver.size(), 1);
  GST_DEBUG_OBJECT(bin_, "bandwidth estimate %" G_GUINT64_FORMAT " bit/s: %" G_GUINT64_FORMAT
                   " for each of %zu video transceivers", bps, share, by_transceiver.size());
  for (auto &[index, pads] : by_transceiver) {
    std::vector<std::pair<guint64, std::shared_ptr<SinkPad>>> layers;  // (application bitrate, pad)
    for (auto &sp : pads) {
      std::lock_guard<std::mutex> guard(sp->encoder_lock);
      layers.emplace_back(sp->rid.empty() ? 0 : application_bitrate(*sp), sp);
    }
    std::sort(layers.begin(), layers.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    guint64 budget = share;
    for (size_t i = 0; i < layers.size(); ++i) {
      auto &[want, sp] = layers[i];
      const bool simulcast = layers.size() > 1 && want > 0;
      // A layer above the lowest that does not fit: paused.
      const bool pause = simulcast && i > 0 && want > budget;
      guint64 cap = share;
      if (simulcast) {
        cap = pause ? 0 : std::min(want, budget);
        budget = budget > cap ? budget - cap : 0;
      }
      if (sp->tap.congested.exchange(pause) != pause) {
        GST_INFO_OBJECT(bin_, "%s (rid %s): %s", GST_PAD_NAME(sp->ghost), sp->rid.c_str(),
                        pause ? "paused: the bandwidth estimate cannot carry it" : "resumed");
        if (!pause) gst_pad_push_event(sp->ghost, key_unit_request());
      }
      if (pause) continue;
      std::lock_guard<std::mutex> guard(sp->encoder_lock);
      // Down at once; up in steps of 5 % (not an encoder reconfiguration
      // every report).
      const guint64 prev = sp->bwe_bitrate;
      if (prev && cap >= prev && cap < prev + prev / 20) continue;
      sp->bwe_bitrate = cap;
      apply_bitrate_locked(*sp, false);
    }
  }
}

// What the application set the encoder feeding `sp` to send, in bits per
// second (0: unknown), under sp.encoder_lock: its value before any cap.
guint64 PeerConnection::application_bitrate(SinkPad &sp) {
  GstElement *enc = sp.encoder ? GST_ELEMENT(gst_object_ref(sp.encoder)) : upstream_encoder(sp.ghost);
  if (!enc) return 0;
  guint64 bps = 0;
  GstElementFactory *f = gst_element_get_factory(enc);
  for (const auto &known : kBitrateProperties) {
    if (!f || g_strcmp0(GST_OBJECT_NAME(f), known.factory) != 0) continue;
    GParamSpec *ps = g_object_class_find_property(G_OBJECT_GET_CLASS(enc), known.property);
    if (!ps) break;
    GValue v = G_VALUE_INIT, wide = G_VALUE_INIT;
    g_value_init(&v, ps->value_type);
    if (sp.encoder && G_IS_VALUE(&sp.encoder_original))
      g_value_copy(&sp.encoder_original, &v);
    else
      g_object_get_property(G_OBJECT(enc), known.property, &v);
    g_value_init(&wide, G_TYPE_UINT64);
    if (g_value_transform(&v, &wide)) bps = g_value_get_uint64(&wide) * known.unit;
    g_value_unset(&wide);
    g_value_unset(&v);
    break;
  }
  gst_object_unref(enc);
  return bps;
}

// The encoder's bitrate from the sender's max-bitrate and the estimate,
// whichever is lower (under sp.encoder_lock). `warn`: the max-bitrate is
// new, report it when it cannot be applied.
void PeerConnection::apply_bitrate_locked(SinkPad &sp, bool warn) {
  guint64 bps = sp.max_bitrate;
  if (sp.bwe_bitrate && (!bps || sp.bwe_bitrate < bps)) bps = sp.bwe_bitrate;
  // Looked up each time: replaceTrack may have linked another source.
  GstElement *enc = bps ? upstream_encoder(sp.ghost) : nullptr;
  if (sp.encoder && enc != sp.encoder) release_encoder(sp);
  if (!bps) return;
  if (!sp.encoder) {
    GstElementFactory *f = enc ? gst_element_get_factory(enc) : nullptr;
    const char *factory = f ? GST_OBJECT_NAME(f) : nullptr;
    for (const auto &known : kBitrateProperties) {
      GParamSpec *ps = factory && g_strcmp0(factory, known.factory) == 0
                           ? g_object_class_find_property(G_OBJECT_GET_CLASS(enc), known.property)
                           : nullptr;
      if (!ps) continue;
      sp.encoder = GST_ELEMENT(gst_object_ref(enc));
      sp.encoder_property = known.property;
      g_value_init(&sp.encoder_original, ps->value_type);
      g_object_get_property(G_OBJECT(enc), known.property, &sp.encoder_original);
      break;
    }
    if (!sp.encoder) {
      const std::string message =
          std::string(GST_PAD_NAME(sp.ghost)) + ": max-bitrate cannot be applied: " +
          (enc ? std::string("the bitrate property of ") + (factory ? factory : "this encoder") + " is not known"
               : std::string("no encoder upstream"));
      if (enc) gst_object_unref(enc);
      // Once per max-bitrate value; the estimate alone is no request of
      // the application's.
      if (warn && sp.max_bitrate) refuse(GST_RTC_ERROR_NOT_SUPPORTED, message);
      return;
    }
  }
  if (enc) gst_object_unref(enc);
  const std::string &prop = sp.encoder_property;
  GParamSpec *ps = g_object_class_find_property(G_OBJECT_GET_CLASS(sp.encoder), prop.c_str());
  guint64 unit = 1;
  for (const auto &known : kBitrateProperties)
    if (prop == known.property && g_strcmp0(GST_OBJECT_NAME(gst_element_get_factory(sp.encoder)), known.factory) == 0)
      unit = known.unit;
  GValue current = G_VALUE_INIT;
  g_value_init(&current, ps->value_type);
  g_object_get_property(G_OBJECT(sp.encoder), prop.c_str(), &current);
  if (G_IS_VALUE(&sp.encoder_set) && g_param_values_cmp(ps, &current, &sp.encoder_set) != 0) {
    // The application gave the encoder a new bitrate while capped: that
    // is its own value from now on.
    g_value_unset(&sp.encoder_original);
    g_value_init(&sp.encoder_original, ps->value_type);
    g_value_copy(&current, &sp.encoder_original);
  }
  GValue original = G_VALUE_INIT, wide = G_VALUE_INIT, value = G_VALUE_INIT;
  g_value_init(&wide, G_TYPE_UINT64);
  g_value_init(&original, G_TYPE_UINT64);
  g_value_transform(&sp.encoder_original, &original);
  guint64 want = g_value_get_uint64(&original);
  // The application's own value when no cap (or a higher one) is set;
  // 0 in a property means the encoder's default: the cap replaces it.
  if (bps && (want == 0 || bps / unit < want)) want = std::max<guint64>(bps / unit, 1);
  g_value_set_uint64(&wide, want);
  g_value_init(&value, ps->value_type);
  g_value_transform(&wide, &value);
  g_param_value_validate(ps, &value);  // clamped to the property's range
  const bool same = g_param_values_cmp(ps, &current, &value) == 0;
  g_value_unset(&current);
  if (G_IS_VALUE(&sp.encoder_set)) g_value_unset(&sp.encoder_set);
  g_value_init(&sp.encoder_set, ps->value_type);
  g_value_copy(&value, &sp.encoder_set);
  if (same) {
    g_value_unset(&value);
    g_value_unset(&wide);
    g_value_unset(&original);
    return;
  }
  g_object_set_property(G_OBJECT(sp.encoder), prop.c_str(), &value);
  GST_INFO_OBJECT(bin_, "%s: bitrate cap %" G_GUINT64_FORMAT " (max-bitrate %" G_GUINT64_FORMAT
                  ", estimate share %" G_GUINT64_FORMAT "): %s %s = %" G_GUINT64_FORMAT,
                  GST_PAD_NAME(sp.ghost), bps, sp.max_bitrate, sp.bwe_bitrate, GST_OBJECT_NAME(sp.encoder),
                  prop.c_str(), want);
  g_value_unset(&value);
  g_value_unset(&wide);
  g_value_unset(&original);
}

// Video orientation (CVO) in the last packet of received frames: a change
// goes downstream first as an image-orientation tag, which videoflip
// (video-direction=auto) and sinks that rotate act on.
void PeerConnection::watch_orientation(GstPad *rtpbin_pad, guint8 cvo_id) {
  struct Watch {
    guint8 id;
    int last = -1;
  };
  gst_pad_add_probe(
      rtpbin_pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      [](GstPad *pad, GstPadProbeInfo *info, gpointer data) {
        auto *w = static_cast<Watch *>(data);
        auto check = [&](GstBuffer *buf) {
          guint8 head[2];
          if (gst_buffer_extract(buf, 0, head, 2) != 2 || !(head[1] & 0x80) || !(head[0] & 0x10)) return;
          GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
          if (!gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp)) return;
          gpointer value = nullptr;
          guint size = 0;
          int cvo = -1;
          if (gst_rtp_buffer_get_extension_onebyte_header(&rtp, w->id, 0, &value, &size) && size >= 1)
            cvo = *static_cast<guint8 *>(value) & 0x07;  // the camera bit is not an orientation
          gst_rtp_buffer_unmap(&rtp);
          if (cvo < 0 || cvo == w->last) return;
          w->last = cvo;
          gst_pad_push_event(pad, gst_event_new_tag(gst_tag_list_new(GST_TAG_IMAGE_ORIENTATION,
                                                                     orientation_from_cvo(guint8(cvo)), nullptr)));
        };
        if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
          check(GST_PAD_PROBE_INFO_BUFFER(info));
        } else {
          GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
          for (guint i = 0; i < gst_buffer_list_length(list); ++i) check(gst_buffer_list_get(list, i));
        }
        return GST_PAD_PROBE_OK;
      },
      new Watch{cvo_id}, [](gpointer data) { delete static_cast<Watch *>(data); });
}

PeerConnection::SinkPadStats PeerConnection::sink_pad_stats(GstPad *ghost) {
  std::lock_guard<std::mutex> guard(lock_);
  for (const auto &sp : sink_pads_)
    if (sp->ghost == ghost) return {sp->rid, sp->rid.empty() ? 0 : sp->ssrc, sp->tap.frames.load()};
  return {};
}

// What received packets tell the stats: video frames (the marker ends
// one) and the audio level (RFC 6464): each packet carrying it leaves with
// a GstAudioLevelMeta, and the last level is the stream's `audio-level`.
void PeerConnection::watch_received(GstPad *rtpbin_pad, guint32 ssrc, bool video, guint8 level_id) {
  struct Watch {
    bool video;
    guint8 id;
    std::shared_ptr<RecvCounters> counters;
  };
  auto counters = std::make_shared<RecvCounters>();
  {
    std::lock_guard<std::mutex> guard(lock_);
    recv_counters_[ssrc] = counters;
  }
  gst_pad_add_probe(
      rtpbin_pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      [](GstPad *, GstPadProbeInfo *info, gpointer data) {
        auto *w = static_cast<Watch *>(data);
        auto tag = [&](GstBuffer *buf) -> GstBuffer * {
          guint8 head[2];
          if (gst_buffer_extract(buf, 0, head, 2) != 2) return buf;
          if (w->video && (head[1] & 0x80)) w->counters->frames.fetch_add(1, std::memory_order_relaxed);
          if (!w->id || !(head[0] & 0x10)) return buf;
          GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
          if (!gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp)) return buf;
          gpointer value = nullptr;
          guint size = 0;
          int byte = -1;
          if (gst_rtp_buffer_get_extension_onebyte_header(&rtp, w->id, 0, &value, &size) && size >= 1)
            byte = *static_cast<guint8 *>(value);
          gst_rtp_buffer_unmap(&rtp);
          if (byte < 0) return buf;
          w->counters->audio_level.store(byte & 0x7f, std::memory_order_relaxed);
          buf = gst_buffer_make_writable(buf);
          gst_buffer_add_audio_level_meta(buf, guint8(byte & 0x7f), (byte & 0x80) != 0);
          return buf;
        };
        if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
          info->data = tag(GST_PAD_PROBE_INFO_BUFFER(info));
        } else {
          GstBufferList *list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
          for (guint i = 0; i < gst_buffer_list_length(list); ++i) {
            GstBuffer *in = gst_buffer_ref(gst_buffer_list_get(list, i));
            gst_buffer_list_remove(list, i, 1);
            gst_buffer_list_insert(list, gint(i), tag(in));
          }
          info->data = list;
        }
        return GST_PAD_PROBE_OK;
      },
      new Watch{video, level_id, std::move(counters)}, [](gpointer data) { delete static_cast<Watch *>(data); });
}

bool PeerConnection::wants_nack(guint32 ssrc, const std::optional<std::string> &mid) {
  std::lock_guard<std::mutex> guard(lock_);
  std::optional<size_t> index;
  if (mid)
    if (auto it = mid_transceiver_.find(*mid); it != mid_transceiver_.end()) index = it->second;
  if (!index)
    if (auto it = ssrc_transceiver_.find(ssrc); it != ssrc_transceiver_.end()) index = it->second;
  // Not known yet (no a=ssrc, no MID seen): ask when any m-line repairs.
  if (!index) return !rtx_transceivers_.empty();
  return rtx_transceivers_.count(*index) > 0;
}

void PeerConnection::new_stream(GstPad *rtpbin_pad, guint32 ssrc, guint pt, const std::optional<std::string> &mid,
                                const std::optional<std::string> &rid) {
  GstRtcRtpTransceiver *transceiver = nullptr;
  std::string name, stream;
  guint group_id = 0;
  RecvExtensions ext;
  std::optional<size_t> index;
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (closed_) return;
    // RFC 8843 9.2: the MID in the packets first, then the signalled SSRC,
    // then a payload type only one m-line uses.
    if (mid)
      if (auto it = mid_transceiver_.find(*mid); it != mid_transceiver_.end()) index = it->second;
    if (!index)
      if (auto it = ssrc_transceiver_.find(ssrc); it != ssrc_transceiver_.end()) index = it->second;
    if (!index)
      if (auto it = pt_transceiver_.find(pt); it != pt_transceiver_.end()) index = it->second;
    if (index && *index < transceivers_.size())
      transceiver = GST_RTC_RTP_TRANSCEIVER(gst_object_ref(transceivers_[*index]));
    name = "src_" + std::to_string(next_src_pad_++);
    if (index)
      if (auto it = recv_ext_.find(*index); it != recv_ext_.end()) ext = it->second;
    if (index)
      if (auto it = remote_stream_.find(*index); it != remote_stream_.end()) {
        stream = it->second;
        auto [group, added] = stream_groups_.emplace(stream, 0);
        if (added) group->second = gst_util_group_id_next();
        group_id = group->second;
      }
  }
  GstPadTemplate *templ = gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(bin_), "src_%u");
  GstPad *ghost = GST_PAD(g_object_new(GST_TYPE_RTC_PEER_BIN_PAD, "name", name.c_str(), "direction", GST_PAD_SRC,
                                       "template", templ, nullptr));
  gst_ghost_pad_set_target(GST_GHOST_PAD(ghost), rtpbin_pad);
  if (!stream.empty()) {
    // W3C: the track's MediaStream. Its pads' stream-start share a group
    // id, as a demuxer's streams do: they belong together (lip sync).
    g_object_set(ghost, "msid", stream.c_str(), nullptr);
    gst_pad_add_probe(
        rtpbin_pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        [](GstPad *, GstPadProbeInfo *info, gpointer data) {
          GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
          if (GST_EVENT_TYPE(ev) != GST_EVENT_STREAM_START) return GST_PAD_PROBE_OK;
          ev = gst_event_make_writable(ev);
          gst_event_set_group_id(ev, GPOINTER_TO_UINT(data));
          info->data = ev;
          return GST_PAD_PROBE_OK;
        },
        GUINT_TO_POINTER(group_id), nullptr);
  }
  if (rid) gst_rtc_peer_bin_pad_set_rid(GST_RTC_PEER_BIN_PAD(ghost), rid->c_str());
  if (ext.cvo) watch_orientation(rtpbin_pad, ext.cvo);
  {
    GstCaps *caps = gst_pad_get_current_caps(rtpbin_pad);
    const GstStructure *st = caps && gst_caps_get_size(caps) > 0 ? gst_caps_get_structure(caps, 0) : nullptr;
    const bool video = st && g_strcmp0(gst_structure_get_string(st, "media"), "video") == 0;
    if (caps) gst_caps_unref(caps);
    if (video || ext.audio_level) watch_received(rtpbin_pad, ssrc, video, ext.audio_level);
  }
  if (transceiver) {
    gst_rtc_peer_bin_pad_set_transceiver(GST_RTC_PEER_BIN_PAD(ghost), transceiver);
    gst_object_unref(transceiver);
  }
  GST_INFO_OBJECT(bin_, "received stream ssrc %u payload type %u%s%s: %s", ssrc, pt, rid ? " rid " : "",
                  rid ? rid->c_str() : "", name.c_str());
  {
    std::lock_guard<std::mutex> guard(lock_);
    src_pads_.push_back({GST_PAD(gst_object_ref(ghost)), index, ssrc});
  }
  gst_pad_set_active(ghost, TRUE);
  // The stream's caps (and stream-start) are on rtpbin's pad already: on
  // ours too before pad-added, so a handler can read get_current_caps().
  struct Copy {
    GstPad *pad;
    guint group_id;
  } copy{ghost, group_id};
  gst_pad_sticky_events_foreach(
      rtpbin_pad,
      [](GstPad *, GstEvent **event, gpointer data) -> gboolean {
        auto *c = static_cast<Copy *>(data);
        if (c->group_id && GST_EVENT_TYPE(*event) == GST_EVENT_STREAM_START) {
          GstEvent *ev = gst_event_copy(*event);
          gst_event_set_group_id(ev, c->group_id);
          gst_pad_store_sticky_event(c->pad, ev);
          gst_event_unref(ev);
        } else {
          gst_pad_store_sticky_event(c->pad, *event);
        }
        return TRUE;
      },
      &copy);
  gst_element_add_pad(GST_ELEMENT(bin_), ghost);  // pad-added: the W3C track event
}

void PeerConnection::unlink_sink_pad(SinkPad &sp, bool hold) {
  if (!sp.funnel_pad) return;
  GstPad *src = gst_element_get_static_pad(sp.tail(), "src");
  gst_pad_unlink(src, sp.funnel_pad);
  if (sp.send_probe) gst_pad_remove_probe(src, sp.send_probe);
  sp.send_probe = 0;
  sp.tap.dtmf.configure(nullptr, -1, -1, 0);
  sp.unwatch_sender();
  {
    std::lock_guard<std::mutex> guard(sp.encoder_lock);
    release_encoder(sp);  // its own bitrate back while nothing caps it
    sp.max_bitrate = 0;
    sp.bwe_bitrate = 0;
  }
  sp.tap.congested = false;
  // Held again until linked to the next session, or dropped for good (a
  // stopped transceiver sends nothing more; its source must not block).
  sp.block_probe = gst_pad_add_probe(
      src,
      GstPadProbeType((hold ? GST_PAD_PROBE_TYPE_BLOCK : GST_PAD_PROBE_TYPE_INVALID) | GST_PAD_PROBE_TYPE_BUFFER |
                      GST_PAD_PROBE_TYPE_BUFFER_LIST),
      hold ? hold_data : [](GstPad *, GstPadProbeInfo *, gpointer) { return GST_PAD_PROBE_DROP; }, nullptr, nullptr);
  gst_object_unref(src);
  sp.media->release_send_pad(sp.funnel_pad);
  gst_object_unref(sp.funnel_pad);
  sp.funnel_pad = nullptr;
  sp.media = nullptr;
}

void PeerConnection::drop_media(const std::string &mid) {
  auto m = media_.find(mid);
  if (m == media_.end()) return;
  std::vector<std::shared_ptr<SinkPad>> pads;
  {
    std::lock_guard<std::mutex> guard(lock_);
    pads = sink_pads_;
  }
  for (auto &sp : pads)
    if (sp->media == m->second.get()) unlink_sink_pad(*sp, true);
  m->second->teardown();
  media_.erase(m);
}

void PeerConnection::teardown_media() {
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto &sp : src_pads_) gst_object_unref(sp.pad);
    src_pads_.clear();
    recv_counters_.clear();
  }
  std::vector<std::shared_ptr<SinkPad>> pads;
  {
    std::lock_guard<std::mutex> guard(lock_);
    pads = sink_pads_;
  }
  for (auto &sp : pads) {
    if (sp->funnel_pad && sp->media) sp->media->release_send_pad(sp->funnel_pad);
    if (sp->funnel_pad) gst_object_unref(sp->funnel_pad);
    sp->funnel_pad = nullptr;
    sp->media = nullptr;
  }
  for (auto &[mid, media] : media_) media->teardown();
  media_.clear();
}

}  // namespace gst_rtc::peer
