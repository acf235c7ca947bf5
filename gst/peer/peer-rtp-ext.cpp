/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-rtp-ext.h"

#include <gst/rtp/rtp.h>

#include <cstring>

namespace gst_rtc::peer {

namespace {

// Sets one-byte extension `id` to `data`: in place when the packet has it
// at that size already (an app's payloader may write the MID itself),
// appended otherwise.
void put(GstRTPBuffer &rtp, guint8 id, const guint8 *data, guint size) {
  gpointer have = nullptr;
  guint have_size = 0;
  if (gst_rtp_buffer_get_extension_onebyte_header(&rtp, id, 0, &have, &have_size)) {
    if (have_size == size) std::memcpy(have, data, size);
    return;
  }
  gst_rtp_buffer_add_extension_onebyte_header(&rtp, id, data, size);
}

// abs-send-time: seconds in 6.18 fixed point, 24 bits, wrapping every 64 s.
guint32 abs_send_time_now() {
  const guint64 us = static_cast<guint64>(g_get_monotonic_time());
  return static_cast<guint32>(((us << 18) / G_USEC_PER_SEC) & 0xffffff);
}

// RFC 8285: ours are one-byte elements; a packet with the two-byte form
// keeps its own.
bool one_byte_form(GstRTPBuffer &rtp) {
  guint16 bits = 0;
  return !gst_rtp_buffer_get_extension(&rtp) ||
         (gst_rtp_buffer_get_extension_data(&rtp, &bits, nullptr, nullptr) && bits == 0xBEDE);
}

}  // namespace

bool put_extension(GstBuffer *buf, guint8 id, const guint8 *data, guint size) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buf, GST_MAP_READWRITE, &rtp)) return false;
  const bool ok = one_byte_form(rtp);
  if (ok) put(rtp, id, data, size);
  gst_rtp_buffer_unmap(&rtp);
  return ok;
}

void HeaderExtWriter::configure(SendExtensions ext) {
  auto next = ext.empty() ? nullptr : std::make_shared<const SendExtensions>(std::move(ext));
  std::lock_guard lock(lock_);
  ext_ = std::move(next);
}

void HeaderExtWriter::write(GstBuffer *buf, const SendExtensions &ext) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buf, GST_MAP_READWRITE, &rtp)) return;
  if (!one_byte_form(rtp)) {
    gst_rtp_buffer_unmap(&rtp);
    return;
  }
  if (ext.mid) {
    auto it = ext.ssrc_mid.find(gst_rtp_buffer_get_ssrc(&rtp));
    // One-byte elements carry 1..16 bytes; a MID is at most 16 (RFC 8843).
    if (it != ext.ssrc_mid.end() && !it->second.empty() && it->second.size() <= 16)
      put(rtp, ext.mid, reinterpret_cast<const guint8 *>(it->second.data()), guint(it->second.size()));
  }
  if (ext.abs_send_time) {
    const guint32 t = abs_send_time_now();
    const guint8 data[3] = {guint8(t >> 16), guint8(t >> 8), guint8(t)};
    put(rtp, ext.abs_send_time, data, sizeof data);
  }
  gst_rtp_buffer_unmap(&rtp);
}

GstPadProbeReturn HeaderExtWriter::probe(GstPadProbeInfo *info) {
  std::shared_ptr<const SendExtensions> ext;
  {
    std::lock_guard lock(lock_);
    ext = ext_;
  }
  if (!ext) return GST_PAD_PROBE_OK;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    write(buf, *ext);
    info->data = buf;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    for (guint i = 0; i < gst_buffer_list_length(list); ++i) write(gst_buffer_list_get_writable(list, i), *ext);
    info->data = list;
  }
  return GST_PAD_PROBE_OK;
}

std::optional<std::string> read_mid(GstBuffer *buf, guint8 id) {
  if (id == 0) return std::nullopt;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp)) return std::nullopt;
  std::optional<std::string> out;
  gpointer data = nullptr;
  guint size = 0;
  if (gst_rtp_buffer_get_extension_onebyte_header(&rtp, id, 0, &data, &size) && size > 0)
    out.emplace(static_cast<const char *>(data), size);
  gst_rtp_buffer_unmap(&rtp);
  return out;
}

}  // namespace gst_rtc::peer
