/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtcpeerbin's send-side bandwidth estimator (peer-bwe.h) fed reports as
 * rtpbin summarises transport-cc feedback: a steady path, a bottleneck
 * (a fluid model of a link with a drop-tail queue), loss without delay.
 * The real path (a rate-limited link between two bins) is in peer-bwe.
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "peer-bwe.h"

namespace gst_rtc::peer {
namespace {

using Report = BandwidthEstimator::Report;

constexpr std::int64_t kStep = 100000;  // a feedback report every 100 ms
constexpr double kPacketBits = 1200 * 8;

Report steady(std::int64_t now, std::uint64_t bps) {
  Report r;
  r.now_us = now;
  r.bitrate_sent = r.bitrate_recv = bps;
  r.packets_sent = r.packets_recv = unsigned(bps * 0.1 / kPacketBits) + 1;
  return r;
}

TEST(Bwe, StartsAtTheSendersRateAndGrowsBoundedByWhatIsReceived) {
  BandwidthEstimator bwe;
  EXPECT_EQ(bwe.update(steady(0, 500000)), 500000u);
  std::uint64_t last = 500000;
  for (int i = 1; i <= 100; ++i) {
    const std::uint64_t e = bwe.update(steady(i * kStep, 500000));
    EXPECT_GE(e, last) << "an uncongested path lowered the estimate at report " << i;
    last = e;
  }
  // 8 %/s for 10 s would be 1.08^10 = 2.16x; what was received caps it.
  EXPECT_GT(last, 600000u);
  EXPECT_LE(last, 760000u);
  EXPECT_EQ(bwe.last_signal(), BandwidthEstimator::Signal::Normal);
  EXPECT_FALSE(bwe.limiting()) << "an uncongested path would cap the encoders";
}

// Scheduling jitter on an idle path (what loopback shows: per-report
// averages within +-0.3 ms a packet) for ten minutes: never a decrease.
TEST(Bwe, JitterAloneIsNotCongestion) {
  BandwidthEstimator bwe;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> jitter(-300, 300);
  bwe.update(steady(0, 800000));
  std::uint64_t last = bwe.estimate();
  for (int i = 1; i <= 6000; ++i) {
    Report r = steady(i * kStep, 800000);
    r.avg_delta_of_delta_us = jitter(rng);
    const std::uint64_t e = bwe.update(r);
    ASSERT_GE(e, last) << "decreased at report " << i << " (queue " << bwe.queue_ms() << " ms)";
    last = e;
  }
}

// A lossy radio link, not a congested one: 5 % of packets lost at random,
// no queue. The estimate must not spiral down (GCC holds between 2 and
// 10 % loss).
TEST(Bwe, RandomLossWithoutAQueueIsNotCongestion) {
  BandwidthEstimator bwe;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> jitter(-300, 300);
  bwe.update(steady(0, 800000));
  const std::uint64_t start = bwe.estimate();
  for (int i = 1; i <= 600; ++i) {
    Report r = steady(i * kStep, 800000);
    r.loss_pct = 5;
    r.bitrate_recv = 760000;
    r.avg_delta_of_delta_us = jitter(rng);
    ASSERT_GE(bwe.update(r), start) << "decreased at report " << i;
  }
  EXPECT_FALSE(bwe.limiting());
}

TEST(Bwe, ReportsWithoutPacketsChangeNothing) {
  BandwidthEstimator bwe;
  bwe.update(steady(0, 800000));
  Report empty;
  empty.now_us = kStep;
  EXPECT_EQ(bwe.update(empty), 800000u);
}

TEST(Bwe, HeavyLossWithoutDelayDecreases) {
  BandwidthEstimator bwe;
  bwe.update(steady(0, 1000000));
  std::uint64_t e = 0;
  e = bwe.estimate();
  for (int i = 1; i <= 10; ++i) {
    // The sender follows the estimate; a fifth of it is lost.
    Report r = steady(i * kStep, e);
    r.loss_pct = 20;
    r.bitrate_recv = e * 8 / 10;
    e = bwe.update(r);
  }
  // Four decreases (one per 300 ms), each to what got through or less,
  // never under half of it.
  EXPECT_LT(e, 700000u);
  EXPECT_GT(e, 300000u);
  EXPECT_EQ(bwe.last_signal(), BandwidthEstimator::Signal::Overuse);
  EXPECT_TRUE(bwe.limiting());
}

// An encoder takes a while to follow a lower estimate; the loss its old
// rate still causes must not drive the estimate to the floor.
TEST(Bwe, NoSpiralWhileTheSenderCatchesUp) {
  BandwidthEstimator bwe;
  bwe.update(steady(0, 2000000));
  std::uint64_t e = 0;
  for (int i = 1; i <= 15; ++i) {  // 1.5 s of the old rate into a 600 kbit/s link
    Report r = steady(i * kStep, 2000000);
    r.bitrate_recv = 600000;
    r.loss_pct = 70;
    e = bwe.update(r);
  }
  EXPECT_GE(e, 300000u) << "one congestion event took the estimate far under what got through";
  EXPECT_LE(e, 1000000u);
}

TEST(Bwe, ModerateLossHolds) {
  BandwidthEstimator bwe;
  bwe.update(steady(0, 1000000));
  for (int i = 1; i <= 30; ++i) {
    Report r = steady(i * kStep, 1000000);
    r.loss_pct = 5;
    EXPECT_EQ(bwe.update(r), 1000000u) << i;
  }
}

// A bottleneck of `capacity` bit/s with a drop-tail queue of `queue_ms`,
// fed at min(encoder, estimate): the estimate finds the capacity and the
// queue and loss stay small once it has.
struct Link {
  double capacity, queue_limit_bits, queue_bits = 0;
};

TEST(Bwe, FindsABottleneckAndKeepsItsQueueShort) {
  for (double capacity : {300e3, 600e3, 2e6}) {
    BandwidthEstimator bwe;
    Link link{capacity, capacity * 0.1};  // 100 ms of queue, as tbf latency=100ms
    const double encoder = 4 * capacity;  // an encoder asking far more
    double lost_late = 0, sent_late = 0, estimate_late = 0, queue_late = 0;
    int late = 0;
    double rate = encoder;
    for (int i = 0; i < 600; ++i) {  // 60 s
      const double sent = rate * 0.1;
      const double before = link.queue_bits;
      double queue = before + sent - capacity * 0.1;
      double lost = 0;
      if (queue > link.queue_limit_bits) {
        lost = queue - link.queue_limit_bits;
        queue = link.queue_limit_bits;
      }
      queue = std::max(0.0, queue);
      link.queue_bits = queue;
      const double received = sent - lost - (queue - before);
      Report r;
      r.now_us = i * kStep;
      r.bitrate_sent = std::uint64_t(rate);
      r.bitrate_recv = std::uint64_t(std::max(0.0, received) / 0.1);
      r.packets_sent = unsigned(sent / kPacketBits) + 1;
      r.packets_recv = unsigned(std::max(0.0, sent - lost) / kPacketBits) + 1;
      r.loss_pct = sent > 0 ? 100.0 * lost / sent : 0;
      // The queueing delay grew by (queue - before) / capacity over the report.
      r.avg_delta_of_delta_us = std::int64_t((queue - before) / capacity * 1e6 / r.packets_recv);
      const std::uint64_t e = bwe.update(r);
      rate = std::min(encoder, double(e));
      if (i >= 300) {
        ++late;
        lost_late += lost;
        sent_late += sent;
        estimate_late += double(e);
        queue_late += queue / capacity * 1000;
      }
    }
    const double mean = estimate_late / late;
    EXPECT_GT(mean, 0.6 * capacity) << capacity << ": the estimate sits far under the link";
    EXPECT_LT(mean, 1.15 * capacity) << capacity << ": the estimate sits over the link";
    EXPECT_LT(lost_late / sent_late, 0.03) << capacity << ": loss once the estimate settled";
    EXPECT_LT(queue_late / late, 60) << capacity << ": mean queueing delay (ms) once settled";
  }
}

}  // namespace
}  // namespace gst_rtc::peer
