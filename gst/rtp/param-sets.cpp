/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "param-sets.h"

namespace gst_rtc::rtp {

namespace {

struct Nal {
  size_t start;  // start code
  size_t begin;  // first byte of the NAL unit
  size_t end;
};

// NAL units of an Annex B byte stream.
std::vector<Nal> split_nals(std::span<const uint8_t> d) {
  std::vector<Nal> nals;
  size_t i = 0;
  auto find_start = [&](size_t from, size_t *code_len) -> size_t {
    for (size_t j = from; j + 3 <= d.size(); ++j) {
      if (d[j] == 0 && d[j + 1] == 0 && d[j + 2] == 1) {
        const bool four = j > 0 && d[j - 1] == 0;
        *code_len = four ? 4 : 3;
        return four ? j - 1 : j;
      }
    }
    return d.size();
  };
  size_t code_len = 0;
  i = find_start(0, &code_len);
  while (i < d.size()) {
    const size_t begin = i + code_len;
    size_t next_len = 0;
    size_t next = find_start(begin, &next_len);
    nals.push_back({i, begin, next});
    i = next;
    code_len = next_len;
  }
  return nals;
}

}  // namespace

int ParameterSetInserter::param_index(int type) const {
  if (h265_) return type >= 32 && type <= 34 ? type - 32 : -1;
  return type == 7 ? 0 : type == 8 ? 1 : -1;
}

std::optional<std::vector<uint8_t>> ParameterSetInserter::process(std::span<const uint8_t> data) {
  std::optional<std::vector<uint8_t>> out;
  size_t copied = 0;  // bytes of `data` already in *out
  for (const Nal &nal : split_nals(data)) {
    if (nal.begin >= nal.end) continue;
    const int type = nal_type(data[nal.begin]);
    const int index = param_index(type);
    if (index >= 0) {
      stored_[index].assign(data.begin() + nal.begin, data.begin() + nal.end);
      // Trailing zero bytes belong to the next start code, not the NAL.
      while (!stored_[index].empty() && stored_[index].back() == 0) stored_[index].pop_back();
      if (!vcl_seen_) seen_mask_ |= 1u << index;
      continue;
    }
    if (!is_vcl(type)) continue;
    const bool first_vcl = !vcl_seen_;
    vcl_seen_ = true;
    if (!first_vcl || !is_keyframe(type)) continue;
    const unsigned missing = required_mask() & ~seen_mask_;
    bool have_all = true;
    for (int k = 0; k < 3; ++k)
      if ((missing >> k & 1u) && stored_[k].empty()) have_all = false;
    if (!missing || !have_all) continue;
    if (!out) out.emplace();
    out->insert(out->end(), data.begin() + copied, data.begin() + nal.start);
    for (int k = 0; k < 3; ++k) {
      if (!(missing >> k & 1u)) continue;
      out->insert(out->end(), {0, 0, 0, 1});
      out->insert(out->end(), stored_[k].begin(), stored_[k].end());
    }
    copied = nal.start;
  }
  if (out) out->insert(out->end(), data.begin() + copied, data.end());
  return out;
}

}  // namespace gst_rtc::rtp
