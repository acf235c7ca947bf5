/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-bwe.h"

#include <algorithm>
#include <cmath>

namespace gst_rtc::peer {

namespace {

constexpr std::size_t kTrendPoints = 20;       // ~2 s of 100 ms reports
constexpr std::int64_t kDecreaseGapUs = 300000;  // one decrease per ~round trip
constexpr double kBeta = 0.85;
constexpr double kGrowthPerS = 0.08;
constexpr double kDrainMsPerS = 5.0;
constexpr double kStandingQueueUs = 30000;

}  // namespace

double BandwidthEstimator::trend_ms_per_s() const {
  if (points_.size() < 4) return 0;
  double sx = 0, sy = 0;
  for (const auto &[x, y] : points_) {
    sx += x;
    sy += y;
  }
  const double n = double(points_.size()), mx = sx / n, my = sy / n;
  double num = 0, den = 0;
  for (const auto &[x, y] : points_) {
    num += (x - mx) * (y - my);
    den += (x - mx) * (x - mx);
  }
  return den > 0 ? num / den : 0;
}

std::uint64_t BandwidthEstimator::update(const Report &r) {
  if (r.packets_recv == 0 && r.packets_sent == 0) return estimate_;
  // The queue: what this report's packets added to the one-way delay. It
  // never goes below empty (a drained queue does not bank credit).
  // A slow leak (time constant ~5 s) keeps jitter from adding up to a queue
  // that is not there.
  queue_us_ = std::max(0.0, 0.98 * queue_us_ + double(r.avg_delta_of_delta_us) * r.packets_recv);
  points_.emplace_back(r.now_us / 1e6, queue_us_ / 1000.0);
  while (points_.size() > kTrendPoints) points_.pop_front();
  const double trend = trend_ms_per_s();
  const double loss = std::clamp(r.loss_pct / 100.0, 0.0, 1.0);
  // What gets through, smoothed over a few reports (one report holds only
  // a few packets).
  if (r.bitrate_recv) acked_ = acked_ > 0 ? 0.7 * acked_ + 0.3 * double(r.bitrate_recv) : double(r.bitrate_recv);

  if (estimate_ == 0) {
    // Start where the sender is: the encoders' own choice until the
    // feedback says the path cannot carry it.
    estimate_ = std::clamp<std::uint64_t>(std::max(r.bitrate_sent, r.bitrate_recv), kMinBitrate, kMaxBitrate);
    last_update_us_ = r.now_us;
    return estimate_;
  }
  const double dt = std::clamp((r.now_us - last_update_us_) / 1e6, 0.0, 1.0);
  last_update_us_ = r.now_us;

  // A queue that keeps growing; heavy loss; or a queue that stands full
  // (a drop-tail buffer filled before the trend could show it: steady
  // loss while more is sent than arrives).
  // Random loss on an uncongested path has no queue behind it.
  const bool standing = loss > 0.02 && queue_us_ > kStandingQueueUs && r.bitrate_recv &&
                        double(r.bitrate_sent) > 1.08 * double(r.bitrate_recv);
  if (trend > kOveruseMsPerS || standing || loss > 0.10)
    signal_ = Signal::Overuse;
  else if (trend < -kDrainMsPerS)
    signal_ = Signal::Underuse;
  else
    signal_ = Signal::Normal;

  double next = double(estimate_);
  // A decrease waits until the sender adopted the previous one (an encoder
  // takes a moment; loss from what it still sends above the estimate says
  // nothing new), and comes at most once per ~round trip.
  const bool adopted = double(r.bitrate_sent) <= 1.3 * double(estimate_);
  if (signal_ == Signal::Overuse && adopted && r.now_us - last_decrease_us_ >= kDecreaseGapUs) {
    last_decrease_us_ = r.now_us;
    limiting_ = true;
    const double acked = acked_ > 0 ? acked_ : next;
    // Delay: back under what got through. Loss: GCC's loss controller.
    // Never under half of what gets through (one noisy report).
    if (trend > kOveruseMsPerS || standing) next = std::min(next, kBeta * acked);
    if (loss > 0.10) {
      next = std::min(next, double(estimate_) * (1.0 - 0.5 * loss));
      if (r.bitrate_recv) next = std::min(next, double(r.bitrate_recv));  // what the lossy path carried
    }
    next = std::max(next, std::min(double(estimate_), 0.5 * acked));
    // The trend behind the decrease describes the old rate; the queue is
    // still there and drains on its own.
    points_.clear();
  } else if (signal_ == Signal::Normal && loss <= 0.02) {
    next *= std::pow(1.0 + kGrowthPerS, dt);
    const double ceiling = 1.5 * double(r.bitrate_recv) + 10000.0;
    // Growth stops there; an estimate already above it is not pulled down.
    if (r.bitrate_recv && next > ceiling) next = std::max(double(estimate_), ceiling);
  }
  estimate_ = std::clamp<std::uint64_t>(std::uint64_t(next), kMinBitrate, kMaxBitrate);
  return estimate_;
}

}  // namespace gst_rtc::peer
