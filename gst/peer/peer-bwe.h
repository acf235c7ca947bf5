/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Send-side bandwidth estimation from transport-wide congestion control
 * feedback (the remote's transport-cc RTCP, summarised per feedback packet
 * by rtpbin's session as `twcc-stats`). Sans-IO: fed one report at a time
 * with the caller's clock; the estimate caps the encoders.
 *
 * In the spirit of Google Congestion Control (draft-ietf-rmcat-gcc-02),
 * reduced to what the per-feedback summary carries:
 * - delay: each report's average delta-of-delta (arrival spacing minus
 *   send spacing) times its packets is how much the one-way queueing delay
 *   grew over the report; their running sum is the queue, and the slope of
 *   a least-squares line through the last reports is the delay trend.
 *   A queue growing faster than `kOveruseMsPerS` is overuse;
 * - loss: over 10 % lost in a report is overuse too, and so is steady loss
 *   over 2 % with a queue while 8 % more is sent than arrives (a drop-tail queue standing
 *   full shows no delay trend); 2 % or less allows growth (the loss rules
 *   of GCC's loss controller);
 * - rate: on overuse, 0.85 x the rate the remote received (smoothed over
 *   reports; never under half of it), at most once per 300 ms and only
 *   once the sender adopted the last decrease; otherwise 8 % more per
 *   second, never beyond 1.5 x what was received plus 10 kbit/s (the
 *   estimate does not run away from an encoder that sends less than
 *   allowed).
 */
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

namespace gst_rtc::peer {

class BandwidthEstimator {
 public:
  struct Report {
    std::int64_t now_us = 0;       // when it arrived (caller's monotonic clock)
    std::uint64_t bitrate_sent = 0;  // bits/s sent in the reported span
    std::uint64_t bitrate_recv = 0;  // bits/s the remote received of it
    unsigned packets_sent = 0;
    unsigned packets_recv = 0;
    double loss_pct = 0;                // 0..100
    std::int64_t avg_delta_of_delta_us = 0;
  };
  enum class Signal { Normal, Overuse, Underuse };

  static constexpr std::uint64_t kMinBitrate = 30000;
  static constexpr std::uint64_t kMaxBitrate = 50000000;
  static constexpr double kOveruseMsPerS = 15.0;

  // Feeds one report; returns the estimate in bits per second (0 until the
  // first report that names a received rate).
  std::uint64_t update(const Report &r);
  std::uint64_t estimate() const { return estimate_; }
  // Whether the path ever showed congestion (a decrease): until then the
  // estimate only follows what the encoders send and should not cap them.
  bool limiting() const { return limiting_; }
  Signal last_signal() const { return signal_; }
  // The queueing delay the reports added up to (ms), for logs and tests.
  double queue_ms() const { return queue_us_ / 1000.0; }

 private:
  double trend_ms_per_s() const;

  std::uint64_t estimate_ = 0;
  std::int64_t last_update_us_ = 0;
  std::int64_t last_decrease_us_ = INT64_MIN / 2;
  double queue_us_ = 0;
  double acked_ = 0;  // bits/s received, smoothed
  std::deque<std::pair<double, double>> points_;  // (time s, queue ms)
  Signal signal_ = Signal::Normal;
  bool limiting_ = false;
};

}  // namespace gst_rtc::peer
