// The SCTP association engine and data channels, two engines back to back
// in memory (see sctp-pair.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <set>

#include "sctp-pair.h"

namespace gst_rtc::sctp::test {
namespace {

using namespace std::chrono_literals;

TEST(SctpAssociation, ConnectsAndNegotiatesStreams) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  EXPECT_EQ(pair.client().state(), AssociationState::Connected);
  EXPECT_EQ(pair.server().state(), AssociationState::Connected);
  EXPECT_EQ(pair.client().max_channels(), 1024u);
  EXPECT_EQ(pair.server().max_channels(), 1024u);
}

// RFC 9260 Appendix B: CRC32c, written independently of usrsctp.
uint32_t crc32c(const uint8_t *data, std::size_t size) {
  uint32_t crc = 0xffffffffu;
  for (std::size_t i = 0; i < size; i++) {
    crc ^= data[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// The runtime lets usrsctp skip CRC32c on input ("offload") and fills the
// checksum of every output packet itself: peers that verify (every other
// SCTP stack) must get a correct one, least significant byte first on the
// wire (RFC 9260 Appendix B).
TEST(SctpAssociation, EveryPacketCarriesAValidCrc32c) {
  std::mutex mutex;
  std::vector<std::vector<uint8_t>> packets;
  AssociationCallbacks cb;
  cb.on_output = [&](const uint8_t *data, std::size_t size) {
    std::lock_guard lock(mutex);
    packets.emplace_back(data, data + size);
  };
  auto association = Association::create({}, std::move(cb));
  ASSERT_TRUE(association.ok());
  ASSERT_TRUE((*association)->connect().ok());  // emits an INIT at once
  std::lock_guard lock(mutex);
  ASSERT_FALSE(packets.empty());
  for (auto packet : packets) {
    ASSERT_GE(packet.size(), 12u);
    const uint32_t sent =
        packet[8] | packet[9] << 8 | packet[10] << 16 | static_cast<uint32_t>(packet[11]) << 24;
    std::fill(packet.begin() + 8, packet.begin() + 12, 0);
    EXPECT_EQ(sent, crc32c(packet.data(), packet.size()));
  }
}

TEST(SctpAssociation, StateSequence) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  std::lock_guard lock(pair.mutex);
  for (int side = 0; side < 2; side++) {
    std::vector<AssociationState> want = {AssociationState::Connecting, AssociationState::Connected};
    EXPECT_EQ(pair.seen[side].states, want) << "side " << side;
  }
}

TEST(SctpAssociation, CustomPorts) {
  AssociationConfig a, b;
  a.local_port = 5001;
  a.remote_port = 6001;
  b.local_port = 6001;
  b.remote_port = 5001;
  SctpPair pair(a, b);
  ASSERT_TRUE(pair.connect());
}

TEST(SctpAssociation, StreamCountIsTheSmallerOffer) {
  AssociationConfig small;
  small.streams = 64;
  SctpPair pair({}, small);
  ASSERT_TRUE(pair.connect());
  EXPECT_EQ(pair.client().max_channels(), 64u);
  EXPECT_EQ(pair.server().max_channels(), 64u);
  ChannelInit init;
  init.negotiated_id = 64;
  auto r = pair.client().open_channel(init);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Operation);
}

TEST(SctpAssociation, ConnectTwiceIsInvalidState) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  auto st = pair.client().connect();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::InvalidState);
}

TEST(SctpAssociation, SendBeforeConnectIsInvalidState) {
  SctpPair pair;
  auto st = pair.client().association().send(0, Ppid::Binary, bytes_of("x"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::InvalidState);
}

TEST(SctpAssociation, EmptyPpidsAreForEmptyMessagesOnly) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  auto &a = pair.client().association();
  auto st = a.send(0, Ppid::StringEmpty, bytes_of("x"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Type);
  st = a.send(0, Ppid::Binary, {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Type);
  EXPECT_TRUE(a.send(0, Ppid::BinaryEmpty, {}).ok());
}

TEST(SctpAssociation, StreamBeyondNegotiatedIsInvalidAccess) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  auto st = pair.client().association().send(1024, Ppid::Binary, bytes_of("x"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::InvalidAccess);
}

TEST(SctpAssociation, RawPpidsReachThePeer) {
  // Below DCEP: a message on a stream with no channel is the association's,
  // and the data channel layer must ignore it rather than invent a channel.
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.client().association().send(4, Ppid::Binary, bytes_of("orphan")).ok());
  pair.run_for(100ms);
  std::lock_guard lock(pair.mutex);
  EXPECT_TRUE(pair.seen[1].messages.empty());
  EXPECT_TRUE(pair.seen[1].channels.empty());
}

TEST(SctpAssociation, GracefulShutdownClosesBoth) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  pair.client().association().shutdown();
  EXPECT_TRUE(pair.wait_until([&] {
    return pair.seen[0].has_state(AssociationState::Closed) &&
           pair.seen[1].has_state(AssociationState::Closed);
  }));
}

TEST(SctpAssociation, DestroyedPeerIsSeenAsFailure) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "a"});
  pair.destroy(SctpPair::kClient);
  EXPECT_TRUE(pair.wait_until([&] {
    return pair.seen[1].has_state(AssociationState::Failed) && Observed::contains(pair.seen[1].closed, id);
  }));
}

TEST(SctpAssociation, TwentyAssociationsInSequence) {
  const std::size_t inits = RuntimeRef::init_count();
  for (int i = 0; i < 20; i++) {
    SctpPair pair;
    ASSERT_TRUE(pair.connect()) << "round " << i;
    EXPECT_EQ(RuntimeRef::use_count(), 2u);
    ChannelInit init;
    init.negotiated_id = 0;
    pair.open(SctpPair::kClient, init);
    pair.open(SctpPair::kServer, init);
    ASSERT_TRUE(pair.client().send_string(0, "round " + std::to_string(i)).ok());
    ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 1; }));
  }
  EXPECT_EQ(RuntimeRef::use_count(), 0u);
  EXPECT_EQ(RuntimeRef::init_count(), inits + 20);
}

TEST(SctpAssociation, ConcurrentAssociationsShareTheRuntime) {
  const std::size_t inits = RuntimeRef::init_count();
  {
    SctpPair a;
    SctpPair b;
    ASSERT_TRUE(a.connect());
    ASSERT_TRUE(b.connect());
    EXPECT_EQ(RuntimeRef::use_count(), 4u);
  }
  EXPECT_EQ(RuntimeRef::init_count(), inits + 1);
}

TEST(DataChannel, DcepOpenSeenOnBothSides) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "chat", .protocol = "x-proto"});
  EXPECT_EQ(id % 2, 0);
  std::lock_guard lock(pair.mutex);
  ASSERT_EQ(pair.seen[1].channels.size(), 1u);
  const ChannelInfo &remote = pair.seen[1].channels[0];
  EXPECT_EQ(remote.id, id);
  EXPECT_EQ(remote.label, "chat");
  EXPECT_EQ(remote.protocol, "x-proto");
  EXPECT_TRUE(remote.ordered);
  EXPECT_FALSE(remote.max_retransmits);
  EXPECT_FALSE(remote.max_packet_lifetime_ms);
  EXPECT_FALSE(remote.negotiated);
  EXPECT_EQ(remote.state, ChannelState::Open);
  EXPECT_TRUE(pair.seen[0].channels.empty());
}

TEST(DataChannel, DcepCarriesUnorderedRexmit) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  pair.open(SctpPair::kClient, {.label = "u", .ordered = false, .max_retransmits = 3, .priority = 512});
  std::lock_guard lock(pair.mutex);
  ASSERT_EQ(pair.seen[1].channels.size(), 1u);
  const ChannelInfo &remote = pair.seen[1].channels[0];
  EXPECT_FALSE(remote.ordered);
  EXPECT_EQ(remote.max_retransmits, std::optional<uint16_t>(3));
  EXPECT_FALSE(remote.max_packet_lifetime_ms);
  EXPECT_EQ(remote.priority, 512);
}

TEST(DataChannel, DcepCarriesTimed) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  pair.open(SctpPair::kServer, {.label = "t", .max_packet_lifetime_ms = 1500});
  std::lock_guard lock(pair.mutex);
  ASSERT_EQ(pair.seen[0].channels.size(), 1u);
  const ChannelInfo &remote = pair.seen[0].channels[0];
  EXPECT_TRUE(remote.ordered);
  EXPECT_EQ(remote.max_packet_lifetime_ms, std::optional<uint32_t>(1500));
  EXPECT_FALSE(remote.max_retransmits);
}

TEST(DataChannel, MalformedOrMisplacedDcepFromThePeerIsIgnored) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  auto &raw = pair.client().association();
  // Truncated OPEN, unknown type, and a well-formed OPEN on an odd id, which
  // only the server (DTLS server) may pick.
  ASSERT_TRUE(raw.send(0, Ppid::Dcep, std::vector<uint8_t>{0x03, 0x00, 0x01}).ok());
  ASSERT_TRUE(raw.send(2, Ppid::Dcep, std::vector<uint8_t>{0x7f}).ok());
  const std::vector<uint8_t> open = {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x01, 0x00, 0x00, 'x'};
  ASSERT_TRUE(raw.send(1, Ppid::Dcep, open).ok());
  pair.run_for(100ms);
  {
    std::lock_guard lock(pair.mutex);
    EXPECT_TRUE(pair.seen[1].channels.empty());
    // Each one reported.
    EXPECT_EQ(pair.seen[1].violations, (std::vector<uint16_t>{0, 2, 1}));
  }
  // The association carries on: the same OPEN on an even id is accepted.
  ASSERT_TRUE(raw.send(4, Ppid::Dcep, open).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.has_channel(SctpPair::kServer, 4); }));
  EXPECT_EQ(pair.server().channel(4)->label, "x");
}

TEST(DataChannel, IdsFollowDtlsRole) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  EXPECT_EQ(pair.open(SctpPair::kClient, {.label = "c1"}), 0);
  EXPECT_EQ(pair.open(SctpPair::kClient, {.label = "c2"}), 2);
  EXPECT_EQ(pair.open(SctpPair::kServer, {.label = "s1"}), 1);
  EXPECT_EQ(pair.open(SctpPair::kServer, {.label = "s2"}), 3);
}

TEST(DataChannel, OpenedBeforeConnectIsAnnouncedOnConnect) {
  SctpPair pair;
  auto id = pair.client().open_channel({.label = "early"});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(pair.client().channel(*id)->state, ChannelState::Connecting);
  auto st = pair.client().send_string(*id, "too soon");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::InvalidState);
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.wait_until(
      [&] { return Observed::contains(pair.seen[0].opened, *id) && pair.has_channel(1, *id); }));
  EXPECT_EQ(pair.client().channel(*id)->state, ChannelState::Open);
}

TEST(DataChannel, StringBinaryAndEmptyMessagesKeepTheirType) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "m"});
  ASSERT_TRUE(pair.client().send_string(id, "héllo").ok());
  const std::vector<uint8_t> bin = {0, 1, 2, 0xff};
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, bin).ok());
  ASSERT_TRUE(pair.client().send_string(id, "").ok());
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, {}).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 4; }));
  std::lock_guard lock(pair.mutex);
  auto &m = pair.seen[1].messages;
  EXPECT_EQ(m[0].kind, MessageKind::String);
  EXPECT_EQ(m[0].data, bytes_of("héllo"));
  EXPECT_EQ(m[1].kind, MessageKind::Binary);
  EXPECT_EQ(m[1].data, bin);
  EXPECT_EQ(m[2].kind, MessageKind::String);
  EXPECT_TRUE(m[2].data.empty());
  EXPECT_EQ(m[3].kind, MessageKind::Binary);
  EXPECT_TRUE(m[3].data.empty());
  for (auto &r : m) EXPECT_EQ(r.id, id);
}

TEST(DataChannel, BothDirectionsAtOnce) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kServer, {.label = "duplex"});
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE(pair.client().send_string(id, "c" + std::to_string(i)).ok());
    ASSERT_TRUE(pair.server().send_string(id, "s" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(pair.wait_until(
      [&] { return pair.seen[0].messages.size() == 100 && pair.seen[1].messages.size() == 100; }));
  std::lock_guard lock(pair.mutex);
  EXPECT_EQ(pair.seen[0].messages[99].data, bytes_of("s99"));
  EXPECT_EQ(pair.seen[1].messages[99].data, bytes_of("c99"));
}

TEST(DataChannel, TenThousandOrderedMessagesInOrder) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "bulk"});
  constexpr int kCount = 10000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCount; i++) {
    ASSERT_TRUE(pair.client().send_string(id, std::to_string(i)).ok());
    if (i % 500 == 0) pair.pump();
  }
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == kCount; }, 5000ms));
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::lock_guard lock(pair.mutex);
  for (int i = 0; i < kCount; i++)
    ASSERT_EQ(pair.seen[1].messages[i].data, bytes_of(std::to_string(i))) << "message " << i;
  RecordProperty("messages_per_second", static_cast<int>(kCount / elapsed));
  std::printf("10000 small ordered messages in %.0f ms\n", elapsed * 1000);
}

TEST(DataChannel, UnorderedAllDelivered) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "u", .ordered = false});
  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; i++) ASSERT_TRUE(pair.client().send_string(id, std::to_string(i)).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == kCount; }));
  std::lock_guard lock(pair.mutex);
  std::set<std::string> got;
  for (auto &m : pair.seen[1].messages) got.insert(std::string(m.data.begin(), m.data.end()));
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kCount));
}

TEST(DataChannel, MaxRetransmitsZeroUnderLossLosesSomeAndNeverBlocks) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t lossy = pair.open(SctpPair::kClient, {.label = "lossy", .ordered = false, .max_retransmits = 0});
  uint16_t reliable = pair.open(SctpPair::kClient, {.label = "reliable"});
  pair.set_loss(0.10);
  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; i++) {
    ASSERT_TRUE(pair.client().send(lossy, MessageKind::Binary, pattern(200, i)).ok());
    if (i % 100 == 0) pair.pump();
  }
  // Abandoned chunks are skipped with FORWARD-TSN after one RTO at most.
  EXPECT_TRUE(pair.wait_until([&] { return pair.client().buffered_amount(lossy) == 0; }));
  pair.run_for(600ms);
  pair.set_loss(0);
  ASSERT_TRUE(pair.client().send_string(reliable, "still alive").ok());
  ASSERT_TRUE(pair.wait_until([&] {
    for (auto &m : pair.seen[1].messages)
      if (m.id == reliable) return true;
    return false;
  }));
  EXPECT_GT(pair.dropped(), 0u);
  std::lock_guard lock(pair.mutex);
  std::size_t lossy_received = 0;
  for (auto &m : pair.seen[1].messages) {
    if (m.id != lossy) continue;
    lossy_received++;
    EXPECT_EQ(m.data.size(), 200u);
  }
  EXPECT_GT(lossy_received, 0u);
  EXPECT_LT(lossy_received, static_cast<std::size_t>(kCount));
}

TEST(DataChannel, NegotiatedChannelsSkipDcep) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  ChannelInit init{.label = "neg", .negotiated_id = 7};
  EXPECT_EQ(pair.open(SctpPair::kClient, init), 7);
  EXPECT_EQ(pair.open(SctpPair::kServer, init), 7);
  ASSERT_TRUE(pair.client().send_string(7, "to server").ok());
  ASSERT_TRUE(pair.server().send_string(7, "to client").ok());
  ASSERT_TRUE(pair.wait_until(
      [&] { return pair.seen[0].messages.size() == 1 && pair.seen[1].messages.size() == 1; }));
  std::lock_guard lock(pair.mutex);
  EXPECT_TRUE(pair.seen[0].channels.empty());
  EXPECT_TRUE(pair.seen[1].channels.empty());
  EXPECT_EQ(pair.seen[1].messages[0].data, bytes_of("to server"));
  EXPECT_EQ(pair.seen[0].messages[0].data, bytes_of("to client"));
}

TEST(DataChannel, NegotiatedIdInUseIsRejected) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.client().open_channel({.negotiated_id = 3}).ok());
  auto again = pair.client().open_channel({.negotiated_id = 3});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::Operation);
  // The automatic allocator skips ids in use too.
  ASSERT_TRUE(pair.client().open_channel({.negotiated_id = 0}).ok());
  auto next = pair.client().open_channel({.label = "auto"});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 2);
}

TEST(DataChannel, ExclusiveReliabilityOptionsAreATypeError) {
  SctpPair pair;
  auto r = pair.client().open_channel({.max_retransmits = 1, .max_packet_lifetime_ms = 10});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Type);
}

TEST(DataChannel, OneMebibyteMessageArrivesWhole) {
  AssociationConfig big;
  big.max_message_size = 1 << 20;
  big.remote_max_message_size = 1 << 20;
  SctpPair pair(big, big);
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "big"});
  const auto payload = pattern(1 << 20, 7);
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, payload).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 1; }));
  std::lock_guard lock(pair.mutex);
  EXPECT_EQ(pair.seen[1].messages[0].kind, MessageKind::Binary);
  EXPECT_TRUE(pair.seen[1].messages[0].data == payload);
}

TEST(SctpAssociation, InterleavingNegotiatedOnlyWhenBothOffer) {
  {
    SctpPair pair;
    ASSERT_TRUE(pair.connect());
    EXPECT_TRUE(pair.client().association().interleaving());
    EXPECT_TRUE(pair.server().association().interleaving());
  }
  AssociationConfig without;
  without.interleaving = false;
  SctpPair pair({}, without);
  ASSERT_TRUE(pair.connect());
  EXPECT_FALSE(pair.client().association().interleaving());
  EXPECT_FALSE(pair.server().association().interleaving());
}

// With I-DATA and round-robin streams, a small message sent right after a
// large one on another channel arrives first, intact, as does the large one.
TEST(DataChannel, LargeMessageDoesNotBlockAnotherChannel) {
  AssociationConfig big;
  big.max_message_size = 4 << 20;
  big.remote_max_message_size = 4 << 20;
  SctpPair pair(big, big);
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(pair.client().association().interleaving());
  uint16_t bulk = pair.open(SctpPair::kClient, {.label = "bulk"});
  uint16_t chat = pair.open(SctpPair::kClient, {.label = "chat"});
  const auto payload = pattern(4 << 20, 11);  // twice the socket buffer: sent in parts
  ASSERT_TRUE(pair.client().send(bulk, MessageKind::Binary, payload).ok());
  ASSERT_TRUE(pair.client().send_string(chat, "hello").ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 2; }, 10s));
  std::lock_guard lock(pair.mutex);
  EXPECT_EQ(pair.seen[1].messages[0].id, chat);
  EXPECT_EQ(pair.seen[1].messages[1].id, bulk);
  EXPECT_TRUE(pair.seen[1].messages[1].data == payload);
}

TEST(DataChannel, MessageAboveLocalLimitIsDiscarded) {
  // The sender was told a larger limit than the receiver really takes.
  AssociationConfig sender, receiver;
  sender.remote_max_message_size = 100000;
  receiver.max_message_size = 50000;
  SctpPair pair(sender, receiver);
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "x"});
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, pattern(80000, 1)).ok());
  ASSERT_TRUE(pair.client().send_string(id, "after").ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() >= 1; }));
  pair.run_for(50ms);
  std::lock_guard lock(pair.mutex);
  ASSERT_EQ(pair.seen[1].messages.size(), 1u);
  EXPECT_EQ(pair.seen[1].messages[0].data, bytes_of("after"));
  // Reported, not silent.
  EXPECT_EQ(pair.seen[1].violations, std::vector<uint16_t>{id});
}

TEST(DataChannel, ZeroMaxMessageSizeMeansNoLimit) {
  AssociationConfig unlimited;
  unlimited.max_message_size = 0;
  unlimited.remote_max_message_size = 0;
  SctpPair pair(unlimited, unlimited);
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "x"});
  const auto payload = pattern(300000, 5);
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, payload).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 1; }));
  std::lock_guard lock(pair.mutex);
  EXPECT_TRUE(pair.seen[1].messages[0].data == payload);
}

TEST(DataChannel, OversizeSendIsATypeErrorAndSendsNothing) {
  AssociationConfig client;
  client.remote_max_message_size = 1000;
  SctpPair pair(client, {});
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "small"});
  auto st = pair.client().send(id, MessageKind::Binary, pattern(1001, 3));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Type);
  EXPECT_EQ(pair.client().buffered_amount(id), 0u);
  ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, pattern(1000, 4)).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 1; }));
  pair.run_for(50ms);
  std::lock_guard lock(pair.mutex);
  ASSERT_EQ(pair.seen[1].messages.size(), 1u);
  EXPECT_EQ(pair.seen[1].messages[0].data, pattern(1000, 4));
}

TEST(DataChannel, CloseByOpenerIsSeenByPeer) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "bye"});
  ASSERT_TRUE(pair.client().close_channel(id).ok());
  EXPECT_EQ(pair.client().channel(id)->state, ChannelState::Closing);
  ASSERT_TRUE(pair.wait_until([&] {
    return Observed::contains(pair.seen[0].closed, id) && Observed::contains(pair.seen[1].closed, id);
  }));
  EXPECT_FALSE(pair.client().channel(id));
  EXPECT_FALSE(pair.server().channel(id));
  auto st = pair.client().send_string(id, "gone");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::InvalidState);
}

TEST(DataChannel, CloseByReceiverAndIdReuse) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "first"});
  ASSERT_TRUE(pair.server().close_channel(id).ok());
  ASSERT_TRUE(pair.wait_until([&] {
    return Observed::contains(pair.seen[0].closed, id) && Observed::contains(pair.seen[1].closed, id);
  }));
  // Both directions were reset, so the id opens again with fresh sequence numbers.
  uint16_t again = pair.open(SctpPair::kClient, {.label = "second"});
  EXPECT_EQ(again, id);
  auto sent = pair.client().send_string(again, "fresh");
  ASSERT_TRUE(sent.ok()) << sent.error().describe();
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 1; }));
}

TEST(DataChannel, MessagesQueuedBeforeCloseStillArrive) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "flush"});
  for (int i = 0; i < 200; i++)
    ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, pattern(4000, i)).ok());
  ASSERT_TRUE(pair.client().close_channel(id).ok());
  ASSERT_TRUE(pair.wait_until([&] { return Observed::contains(pair.seen[1].closed, id); }));
  std::lock_guard lock(pair.mutex);
  ASSERT_EQ(pair.seen[1].messages.size(), 200u);
  EXPECT_EQ(pair.seen[1].messages[199].data, pattern(4000, 199));
}

TEST(DataChannel, HundredChannelsAtOnce) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  std::vector<uint16_t> ids;
  for (int i = 0; i < 100; i++) {
    auto id = pair.client().open_channel({.label = "ch" + std::to_string(i)});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_TRUE(pair.wait_until(
      [&] { return pair.seen[0].opened.size() == 100 && pair.seen[1].channels.size() == 100; }));
  for (uint16_t id : ids) ASSERT_TRUE(pair.client().send_string(id, "on " + std::to_string(id)).ok());
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == 100; }));
  {
    std::lock_guard lock(pair.mutex);
    for (auto &c : pair.seen[1].channels) EXPECT_EQ(c.label, "ch" + std::to_string(c.id / 2));
    for (auto &m : pair.seen[1].messages) EXPECT_EQ(m.data, bytes_of("on " + std::to_string(m.id)));
  }
  for (uint16_t id : ids) ASSERT_TRUE(pair.client().close_channel(id).ok());
  ASSERT_TRUE(pair.wait_until(
      [&] { return pair.seen[0].closed.size() == 100 && pair.seen[1].closed.size() == 100; }));
}

TEST(DataChannel, BufferedAmountCountsQueuedBytesAndSignalsLow) {
  SctpPair pair;
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "flow"});
  pair.client().set_buffered_amount_low_threshold(id, 100000);
  // With the link paused nothing is acknowledged: usrsctp's 2 MiB send
  // buffer fills and the rest waits in the engine.
  pair.set_paused(true);
  constexpr int kCount = 64;
  constexpr std::size_t kSize = 64 * 1024;
  for (int i = 0; i < kCount; i++)
    ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, pattern(kSize, i)).ok());
  const std::size_t queued = pair.client().buffered_amount(id);
  EXPECT_GT(queued, 0u);
  EXPECT_EQ(queued % kSize, 0u);
  EXPECT_LE(queued, kCount * kSize);
  pair.set_paused(false);
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == kCount; }, 5000ms));
  EXPECT_EQ(pair.client().buffered_amount(id), 0u);
  std::lock_guard lock(pair.mutex);
  EXPECT_TRUE(Observed::contains(pair.seen[0].low, id));
  for (int i = 0; i < kCount; i++) ASSERT_EQ(pair.seen[1].messages[i].data, pattern(kSize, i));
}

TEST(DataChannel, BulkThroughputOfTheInMemoryPair) {
  AssociationConfig big;
  big.max_message_size = 1 << 20;
  big.remote_max_message_size = 1 << 20;
  SctpPair pair(big, big);
  ASSERT_TRUE(pair.connect());
  uint16_t id = pair.open(SctpPair::kClient, {.label = "bulk"});
  constexpr int kCount = 128;
  constexpr std::size_t kSize = 64 * 1024;
  const auto payload = pattern(kSize, 9);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCount; i++) {
    ASSERT_TRUE(pair.client().send(id, MessageKind::Binary, payload).ok());
    pair.pump();
  }
  ASSERT_TRUE(pair.wait_until([&] { return pair.seen[1].messages.size() == kCount; }, 5000ms));
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::lock_guard lock(pair.mutex);
  for (auto &m : pair.seen[1].messages) ASSERT_TRUE(m.data == payload);
  std::printf("%d x 64 KiB in %.0f ms: %.0f Mbit/s\n", kCount, elapsed * 1000,
              kCount * kSize * 8 / elapsed / 1e6);
}

}  // namespace
}  // namespace gst_rtc::sctp::test
