/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Our own mDNS questions for remote `.local` candidates (ice-mdns.h): the
 * packets on the wire, answers as browsers' responders send them, hostile
 * packets, and the query's lifetime. The end-to-end lookup against a real
 * responder is in the browser suite (Chromium's mDNS host candidates).
 */
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ice-mdns.h"

namespace gst_rtc::ice {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_name(Bytes &b, const std::string &name) {
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    b.push_back(static_cast<std::uint8_t>(dot - start));
    b.insert(b.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  b.push_back(0);
}

void put16(Bytes &b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

// What Chromium's responder multicasts for one of its names: ID 0, QR|AA,
// no question, the A record with the cache-flush class, an NSEC record in
// the additional section (its next-domain name a pointer to the owner).
Bytes chromium_answer(const std::string &name, const std::uint8_t ip[4]) {
  Bytes b;
  put16(b, 0);
  put16(b, 0x8400);
  put16(b, 0);
  put16(b, 1);
  put16(b, 0);
  put16(b, 1);
  put_name(b, name);
  put16(b, 1);       // A
  put16(b, 0x8001);  // IN, cache flush
  put16(b, 0);
  put16(b, 120);
  put16(b, 4);
  b.insert(b.end(), ip, ip + 4);
  put_name(b, name);
  put16(b, 47);  // NSEC
  put16(b, 0x8001);
  put16(b, 0);
  put16(b, 120);
  put16(b, 5);
  b.push_back(0xc0);
  b.push_back(12);
  b.push_back(0);
  b.push_back(1);
  b.push_back(0x40);
  return b;
}

const std::string kName = "1f4712db-ea17-4bcf-a596-105139dfd8bf.local";
const std::uint8_t kIp[4] = {10, 99, 0, 1};

TEST(MdnsPacket, QuestionIsOneQmAQuestionWithIdZero) {
  Bytes q = mdns_query_packet("ab.local");
  Bytes want = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 'a', 'b', 5, 'l', 'o', 'c', 'a', 'l', 0, 0, 1, 0, 1};
  EXPECT_EQ(q, want);
  // The unicast-response bit stays clear: Chromium drops a question whose
  // class is not exactly IN.
  EXPECT_EQ(mdns_query_packet(kName).back(), 1);
}

TEST(MdnsPacket, InvalidNamesMakeNoQuestion) {
  EXPECT_TRUE(mdns_query_packet("").empty());
  EXPECT_TRUE(mdns_query_packet("a..local").empty());
  EXPECT_TRUE(mdns_query_packet(".local").empty());
  EXPECT_TRUE(mdns_query_packet(std::string(64, 'a') + ".local").empty());
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  EXPECT_TRUE(mdns_query_packet(long_name + "local").empty());
}

TEST(MdnsAnswer, ChromiumsAnswerGivesTheAddress) {
  Bytes a = chromium_answer(kName, kIp);
  EXPECT_EQ(mdns_find_address(a.data(), a.size(), kName), std::optional<std::string>("10.99.0.1"));
  // DNS names compare without case.
  std::string upper = kName;
  for (char &c : upper) c = static_cast<char>(toupper(c));
  EXPECT_EQ(mdns_find_address(a.data(), a.size(), upper), std::optional<std::string>("10.99.0.1"));
}

TEST(MdnsAnswer, OtherNamesQuestionsAndOtherTypesGiveNothing) {
  Bytes a = chromium_answer(kName, kIp);
  EXPECT_EQ(mdns_find_address(a.data(), a.size(), "00000000-dead-beef-0000-000000000000.local"), std::nullopt);
  Bytes question = mdns_query_packet(kName);
  EXPECT_EQ(mdns_find_address(question.data(), question.size(), kName), std::nullopt);
  // A question with an A record in its known-answer section is still a question.
  Bytes asked = a;
  asked[2] = 0;
  EXPECT_EQ(mdns_find_address(asked.data(), asked.size(), kName), std::nullopt);
  // Chromium's negative answer (an AAAA question for an IPv4 name): the A
  // record comes in the additional section and is used.
  Bytes b;
  put16(b, 0);
  put16(b, 0x8400);
  put16(b, 0);
  put16(b, 0);
  put16(b, 0);
  put16(b, 1);
  put_name(b, kName);
  put16(b, 28);  // AAAA with 4 bytes of data: not an IPv4 address
  put16(b, 1);
  put16(b, 0);
  put16(b, 120);
  put16(b, 4);
  b.insert(b.end(), kIp, kIp + 4);
  EXPECT_EQ(mdns_find_address(b.data(), b.size(), kName), std::nullopt);
}

// A unicast-style answer (avahi to a one-shot question): the question
// echoed, the answer's name a pointer to it.
TEST(MdnsAnswer, CompressedNameIsFollowed) {
  Bytes b;
  put16(b, 0);
  put16(b, 0x8400);
  put16(b, 1);
  put16(b, 1);
  put16(b, 0);
  put16(b, 0);
  put_name(b, kName);
  put16(b, 1);
  put16(b, 1);
  b.push_back(0xc0);
  b.push_back(12);
  put16(b, 1);
  put16(b, 1);
  put16(b, 0);
  put16(b, 10);
  put16(b, 4);
  b.insert(b.end(), kIp, kIp + 4);
  EXPECT_EQ(mdns_find_address(b.data(), b.size(), kName), std::optional<std::string>("10.99.0.1"));
  // A pointer forwards or to itself is refused, not followed.
  Bytes loop = b;
  const std::size_t ptr = b.size() - 16;
  loop[ptr + 1] = static_cast<std::uint8_t>(ptr);
  EXPECT_EQ(mdns_find_address(loop.data(), loop.size(), kName), std::nullopt);
  Bytes forward = b;
  forward[ptr + 1] = static_cast<std::uint8_t>(ptr + 2);
  EXPECT_EQ(mdns_find_address(forward.data(), forward.size(), kName), std::nullopt);
}

// Every truncation and random corruption of an answer is read within its
// bounds (ASan checks) and never yields an address for a broken record.
TEST(MdnsAnswer, HostilePacketsAreReadSafely) {
  Bytes a = chromium_answer(kName, kIp);
  for (std::size_t n = 0; n < a.size(); ++n) {
    Bytes cut(a.begin(), a.begin() + static_cast<long>(n));
    auto got = mdns_find_address(cut.empty() ? nullptr : cut.data(), cut.size(), kName);
    // The A record ends at byte 12 + name + 14: shorter cuts have no address.
    if (n < 12 + kName.size() + 2 + 14) {
      EXPECT_EQ(got, std::nullopt) << n;
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    Bytes b = a;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    (void)mdns_find_address(b.data(), b.size(), kName);
  }
  Bytes noise(512);
  for (int i = 0; i < 2000; ++i) {
    for (auto &x : noise) x = static_cast<std::uint8_t>(rng());
    noise[2] |= 0x80;
    (void)mdns_find_address(noise.data(), 12 + rng() % 500, kName);
  }
}

TEST(MdnsInterfaces, OnlyNonLoopbackIpv4AddressesAsk) {
  EXPECT_EQ(mdns_interfaces({"127.0.0.1", "::1", "fe80::1", "10.99.0.2", "not an address", "192.168.1.4"}),
            (std::vector<std::string>{"10.99.0.2", "192.168.1.4"}));
  EXPECT_TRUE(mdns_interfaces({"127.0.0.1"}).empty());
}

// Nothing to ask from (loopback-only agents, as every test here): the
// lookup fails on its own, asynchronously, and sends nothing.
TEST(MdnsQueryLifetime, NoInterfaceFailsAsynchronously) {
  GMainContext *ctx = g_main_context_new();
  g_main_context_push_thread_default(ctx);
  int calls = 0;
  std::optional<std::string> got = std::string("unset");
  {
    MdnsQuery q(kName, {}, [&](std::optional<std::string> a) {
      ++calls;
      got = a;
    });
    EXPECT_EQ(calls, 0) << "called back from the constructor";
    const gint64 until = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    while (calls == 0 && g_get_monotonic_time() < until) g_main_context_iteration(ctx, TRUE);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got, std::nullopt);
  g_main_context_pop_thread_default(ctx);
  g_main_context_unref(ctx);
}

// Destroyed while waiting: never called back, its sources are gone.
TEST(MdnsQueryLifetime, DestroyedQueryNeverCallsBack) {
  GMainContext *ctx = g_main_context_new();
  g_main_context_push_thread_default(ctx);
  int calls = 0;
  {
    MdnsQuery q(kName, {}, [&](std::optional<std::string>) { ++calls; });
  }
  const gint64 until = g_get_monotonic_time() + 300 * 1000;
  while (g_get_monotonic_time() < until) g_main_context_iteration(ctx, FALSE);
  EXPECT_EQ(calls, 0);
  g_main_context_pop_thread_default(ctx);
  g_main_context_unref(ctx);
}

}  // namespace
}  // namespace gst_rtc::ice
