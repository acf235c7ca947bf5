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
void put(GstRTPBuffer &rtp, const ExtElement &e) {
  gpointer have = nullptr;
  guint have_size = 0;
  if (gst_rtp_buffer_get_extension_onebyte_header(&rtp, e.id, 0, &have, &have_size)) {
    if (have_size == e.size) std::memcpy(have, e.data, e.size);
    return;
  }
  gst_rtp_buffer_add_extension_onebyte_header(&rtp, e.id, e.data, e.size);
}

}  // namespace

ExtElement abs_send_time_element(guint8 id) {
  const guint64 us = static_cast<guint64>(g_get_monotonic_time());
  const guint32 t = static_cast<guint32>(((us << 18) / G_USEC_PER_SEC) & 0xffffff);
  ExtElement e;
  e.id = id;
  e.size = 3;
  e.data[0] = guint8(t >> 16);
  e.data[1] = guint8(t >> 8);
  e.data[2] = guint8(t);
  return e;
}

bool put_extensions(GstBuffer *buf, const ExtElement *elements, guint count) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buf, GST_MAP_READWRITE, &rtp)) return false;
  bool ok = true;
  if (!gst_rtp_buffer_get_extension(&rtp)) {
    // The common case: one block holding every element, padded to words.
    guint bytes = 0;
    for (guint i = 0; i < count; ++i) bytes += 1u + elements[i].size;
    if (gst_rtp_buffer_set_extension_data(&rtp, 0xBEDE, guint16((bytes + 3) / 4))) {
      guint16 bits = 0;
      gpointer data = nullptr;
      guint words = 0;
      gst_rtp_buffer_get_extension_data(&rtp, &bits, &data, &words);
      auto *p = static_cast<guint8 *>(data);
      std::memset(p, 0, words * 4);  // padding bytes are 0 (RFC 8285 4.2)
      for (guint i = 0; i < count; ++i) {
        *p++ = guint8((elements[i].id << 4) | (elements[i].size - 1));
        std::memcpy(p, elements[i].data, elements[i].size);
        p += elements[i].size;
      }
    } else {
      ok = false;
    }
  } else {
    guint16 bits = 0;
    ok = gst_rtp_buffer_get_extension_data(&rtp, &bits, nullptr, nullptr) && bits == 0xBEDE;
    for (guint i = 0; ok && i < count; ++i) put(rtp, elements[i]);
  }
  gst_rtp_buffer_unmap(&rtp);
  return ok;
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

namespace {
constexpr const char *kOrientations[8] = {"rotate-0",      "rotate-90",      "rotate-180",      "rotate-270",
                                          "flip-rotate-0", "flip-rotate-90", "flip-rotate-180", "flip-rotate-270"};
}  // namespace

int cvo_from_orientation(const char *orientation) {
  for (int i = 0; orientation && i < 8; ++i)
    if (std::strcmp(orientation, kOrientations[i]) == 0) return i;  // F = bit 2, R = bits 0-1
  return -1;
}

const char *orientation_from_cvo(guint8 cvo) { return kOrientations[cvo & 0x07]; }

}  // namespace gst_rtc::peer
