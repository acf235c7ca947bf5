/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstRtcAv1Pay / GstRtcAv1Depay: thin GstRTPBase(De)Payload subclasses over
 * the sans-IO packetizer in av1-rtp.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcav1pay.h"

#include <gst/rtc/rtc.h>

#include <string>

#include "av1-rtp.h"
#include "rtp-codecs.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_pay_debug);
GST_DEBUG_CATEGORY_EXTERN(gst_rtc_depay_debug);

namespace av1 = gst_rtc::av1;

struct _GstRtcAv1Pay {
  GstRTPBasePayload parent;
};

G_DEFINE_TYPE(GstRtcAv1Pay, gst_rtc_av1_pay, GST_TYPE_RTP_BASE_PAYLOAD)

static GstStaticPadTemplate av1_pay_sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("video/x-av1, alignment=(string){ tu, frame }"));
static GstStaticPadTemplate av1_pay_src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                            GST_STATIC_CAPS("application/x-rtp, media=(string)video, clock-rate=(int)90000, "
                                            "encoding-name=(string)AV1"));

static gboolean av1_pay_set_caps(GstRTPBasePayload *payload, GstCaps *caps) {
  // No stream-format (what av1enc writes) means obu-stream; annexb is not
  // carried by this payload format.
  const char *format = gst_structure_get_string(gst_caps_get_structure(caps, 0), "stream-format");
  if (format && g_strcmp0(format, "obu-stream") != 0) return FALSE;
  gst_rtp_base_payload_set_options(payload, "video", TRUE, "AV1", 90000);
  return gst_rtp_base_payload_set_outcaps(payload, nullptr);
}

static GstFlowReturn av1_pay_handle_buffer(GstRTPBasePayload *payload, GstBuffer *buffer) {
  std::vector<av1::Obu> obus;
  std::optional<std::string> error;
  {
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      gst_buffer_unref(buffer);
      return GST_FLOW_ERROR;
    }
    error = av1::parse_obu_stream({map.data, map.size}, obus);
    gst_buffer_unmap(buffer, &map);
  }
  if (error) {
    // A broken temporal unit is dropped with a warning: the stream goes on.
    std::string text = "rtcpay: dropped a malformed AV1 temporal unit: " + *error;
    GST_RTC_RTP_WARNING(payload, GST_RTC_ERROR_SYNTAX, text.c_str());
    gst_buffer_unref(buffer);
    return GST_FLOW_OK;
  }
  bool has_sequence_header = false;
  for (const auto &obu : obus) has_sequence_header |= obu.type == av1::kObuSequenceHeader;
  const bool keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  const guint max_payload = gst_rtp_buffer_calc_payload_len(GST_RTP_BASE_PAYLOAD_MTU(payload), 0, 0);
  av1::Packetized packets = av1::packetize(obus, max_payload, keyframe && has_sequence_header);
  GST_LOG_OBJECT(payload, "%zu OBUs -> %zu packets", obus.size(), packets.payloads.size());
  if (packets.payloads.empty()) {
    gst_buffer_unref(buffer);
    return GST_FLOW_OK;
  }

  GstBufferList *list = gst_buffer_list_new_sized(packets.payloads.size());
  for (size_t i = 0; i < packets.payloads.size(); ++i) {
    const auto &bytes = packets.payloads[i];
    GstBuffer *out = gst_rtp_base_payload_allocate_output_buffer(payload, bytes.size(), 0, 0);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    if (gst_rtp_buffer_map(out, GST_MAP_WRITE, &rtp)) {
      memcpy(gst_rtp_buffer_get_payload(&rtp), bytes.data(), bytes.size());
      // The marker ends the temporal unit (with alignment=frame: the frame).
      gst_rtp_buffer_set_marker(&rtp, i + 1 == packets.payloads.size());
      gst_rtp_buffer_unmap(&rtp);
    }
    GST_BUFFER_PTS(out) = GST_BUFFER_PTS(buffer);
    GST_BUFFER_DTS(out) = GST_BUFFER_DTS(buffer);
    if (i == 0 && GST_BUFFER_IS_DISCONT(buffer)) GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DISCONT);
    gst_buffer_list_add(list, out);
  }
  gst_buffer_unref(buffer);
  return gst_rtp_base_payload_push_list(payload, list);
}

static void gst_rtc_av1_pay_class_init(GstRtcAv1PayClass *klass) {
  auto *element_class = GST_ELEMENT_CLASS(klass);
  auto *payload_class = GST_RTP_BASE_PAYLOAD_CLASS(klass);
  gst_element_class_add_static_pad_template(element_class, &av1_pay_sink_template);
  gst_element_class_add_static_pad_template(element_class, &av1_pay_src_template);
  gst_element_class_set_static_metadata(
      element_class, "AV1 RTP payloader (rtcpay internal)", "Codec/Payloader/Network/RTP",
      "Payloads AV1 temporal units per the AOM AV1 RTP payload format", "gst-rtc");
  payload_class->set_caps = av1_pay_set_caps;
  payload_class->handle_buffer = av1_pay_handle_buffer;
}

static void gst_rtc_av1_pay_init(GstRtcAv1Pay *self) {}

// ---------------------------------------------------------------------------

struct _GstRtcAv1Depay {
  GstRTPBaseDepayload parent;
  av1::Depacketizer *depacketizer;
  guint32 timestamp;
  gboolean have_timestamp;
  guint16 next_seqnum;
  gboolean have_seqnum;
  // Packets of a temporal unit whose start was lost are dropped up to its
  // marker; the next unit goes out flagged DISCONT.
  gboolean skipping;
  gboolean discont;
};

G_DEFINE_TYPE(GstRtcAv1Depay, gst_rtc_av1_depay, GST_TYPE_RTP_BASE_DEPAYLOAD)

static GstStaticPadTemplate av1_depay_sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                            GST_STATIC_CAPS("application/x-rtp, media=(string)video, clock-rate=(int)90000, "
                                            "encoding-name=(string)AV1"));
static GstStaticPadTemplate av1_depay_src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                            GST_STATIC_CAPS("video/x-av1, stream-format=(string)obu-stream, "
                                            "alignment=(string)tu"));

static gboolean av1_depay_set_caps(GstRTPBaseDepayload *depay, GstCaps *caps) {
  depay->clock_rate = 90000;
  GstCaps *src = gst_caps_new_simple("video/x-av1", "stream-format", G_TYPE_STRING, "obu-stream", "alignment",
                                     G_TYPE_STRING, "tu", nullptr);
  gboolean ok = gst_pad_set_caps(GST_RTP_BASE_DEPAYLOAD_SRCPAD(depay), src);
  gst_caps_unref(src);
  return ok;
}

static void av1_depay_reset(GstRtcAv1Depay *self) {
  self->depacketizer->reset();
  self->have_timestamp = FALSE;
  self->have_seqnum = FALSE;
  self->skipping = FALSE;
  self->discont = FALSE;
}

static GstBuffer *av1_depay_process(GstRTPBaseDepayload *depay, GstRTPBuffer *rtp) {
  auto *self = GST_RTC_AV1_DEPAY(depay);
  const guint32 ts = gst_rtp_buffer_get_timestamp(rtp);
  const guint16 seq = gst_rtp_buffer_get_seq(rtp);
  const bool lost = (self->have_seqnum && seq != self->next_seqnum) || GST_BUFFER_IS_DISCONT(rtp->buffer);
  const bool new_unit = !self->have_timestamp || ts != self->timestamp;
  self->next_seqnum = guint16(seq + 1);
  self->have_seqnum = TRUE;

  if (new_unit) {
    if (!self->depacketizer->empty())
      GST_DEBUG_OBJECT(self, "temporal unit %u lost its marker packet, dropped", self->timestamp);
    self->depacketizer->reset();
    self->skipping = FALSE;
    self->timestamp = ts;
    self->have_timestamp = TRUE;
  }
  if (lost) {
    self->discont = TRUE;
    if (!new_unit) {
      // A hole inside this unit: what follows cannot be trusted to decode.
      self->depacketizer->reset();
      self->skipping = TRUE;
    }
  }
  const bool marker = gst_rtp_buffer_get_marker(rtp);
  if (self->skipping) {
    if (marker) {
      self->skipping = FALSE;
      self->have_timestamp = FALSE;
    }
    return nullptr;
  }
  auto error = self->depacketizer->push(
      {static_cast<const uint8_t *>(gst_rtp_buffer_get_payload(rtp)), gst_rtp_buffer_get_payload_len(rtp)},
      lost);
  if (error) {
    std::string text = "rtcdepay: dropped a malformed AV1 RTP packet: " + *error;
    GST_RTC_RTP_WARNING(self, GST_RTC_ERROR_SYNTAX, text.c_str());
    self->depacketizer->reset();
    self->skipping = !marker;
    self->discont = TRUE;
    return nullptr;
  }
  if (!marker) return nullptr;

  const bool keyframe = self->depacketizer->has_sequence_header() || self->depacketizer->new_sequence();
  std::vector<uint8_t> tu = self->depacketizer->take_temporal_unit();
  self->have_timestamp = FALSE;
  if (tu.empty()) return nullptr;
  GstBuffer *out = gst_buffer_new_memdup(tu.data(), tu.size());
  if (!keyframe) GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DELTA_UNIT);
  if (self->discont) {
    GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  return out;
}

static GstStateChangeReturn av1_depay_change_state(GstElement *element, GstStateChange transition) {
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) av1_depay_reset(GST_RTC_AV1_DEPAY(element));
  return GST_ELEMENT_CLASS(gst_rtc_av1_depay_parent_class)->change_state(element, transition);
}

static gboolean av1_depay_packet_lost(GstRTPBaseDepayload *depay, GstEvent *event) {
  auto *self = GST_RTC_AV1_DEPAY(depay);
  self->depacketizer->reset();
  self->skipping = self->have_timestamp;
  self->discont = TRUE;
  return GST_RTP_BASE_DEPAYLOAD_CLASS(gst_rtc_av1_depay_parent_class)->packet_lost(depay, event);
}

static void av1_depay_finalize(GObject *object) {
  delete GST_RTC_AV1_DEPAY(object)->depacketizer;
  G_OBJECT_CLASS(gst_rtc_av1_depay_parent_class)->finalize(object);
}

static void gst_rtc_av1_depay_class_init(GstRtcAv1DepayClass *klass) {
  auto *element_class = GST_ELEMENT_CLASS(klass);
  auto *depay_class = GST_RTP_BASE_DEPAYLOAD_CLASS(klass);
  G_OBJECT_CLASS(klass)->finalize = av1_depay_finalize;
  element_class->change_state = av1_depay_change_state;
  gst_element_class_add_static_pad_template(element_class, &av1_depay_sink_template);
  gst_element_class_add_static_pad_template(element_class, &av1_depay_src_template);
  gst_element_class_set_static_metadata(element_class, "AV1 RTP depayloader (rtcdepay internal)",
                                        "Codec/Depayloader/Network/RTP",
                                        "Reassembles AV1 temporal units (obu-stream) from RTP", "gst-rtc");
  depay_class->set_caps = av1_depay_set_caps;
  depay_class->process_rtp_packet = av1_depay_process;
  depay_class->packet_lost = av1_depay_packet_lost;
}

static void gst_rtc_av1_depay_init(GstRtcAv1Depay *self) {
  self->depacketizer = new av1::Depacketizer();
  av1_depay_reset(self);
}
