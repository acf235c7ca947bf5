// The ICE agent engine: two libnice agents in one process talking over
// 127.0.0.1 only, on the shared network context thread.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ice-agent.h"
#include "ice-candidate.h"
#include "ice-context.h"
#include "ice-server.h"

namespace gst_rtc::ice {
namespace {

using namespace std::chrono_literals;
using jsep::ErrorCode;

// Records everything one agent reports, from the network thread, and lets
// the test thread wait for it.
struct Peer {
  std::unique_ptr<IceAgent> agent;
  std::mutex m;
  std::condition_variable cv;
  std::vector<TransportState> states;
  std::vector<GatheringState> gathering;
  std::vector<jsep::Candidate> candidates;
  std::vector<std::vector<std::uint8_t>> received;
  int pair_changes = 0;

  explicit Peer(IceConfig config) {
    auto r = IceAgent::create(config);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r) return;
    agent = std::move(r.value());
    agent->on_state([this](TransportState s) { record(states, s); });
    agent->on_gathering_state([this](GatheringState s) { record(gathering, s); });
    agent->on_candidate([this](const jsep::Candidate &c) { record(candidates, c); });
    agent->on_selected_pair([this](const CandidatePair &) {
      std::lock_guard lock(m);
      ++pair_changes;
      cv.notify_all();
    });
    agent->on_receive([this](const std::uint8_t *d, std::size_t n) {
      record(received, std::vector<std::uint8_t>(d, d + n));
    });
  }

  // The agent calls back into the members below until close() returns.
  ~Peer() {
    if (agent) agent->close();
  }
  Peer(const Peer &) = delete;
  Peer &operator=(const Peer &) = delete;

  template <class V, class T>
  void record(V &v, T value) {
    std::lock_guard lock(m);
    v.push_back(std::move(value));
    cv.notify_all();
  }

  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 5000ms) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, pred);
  }

  bool wait_state(TransportState s, std::chrono::milliseconds timeout = 5000ms) {
    return wait([&] { return std::find(states.begin(), states.end(), s) != states.end(); }, timeout);
  }
  bool wait_connected(std::chrono::milliseconds timeout = 5000ms) {
    return wait(
        [&] {
          return !states.empty() &&
                 (states.back() == TransportState::Connected || states.back() == TransportState::Completed);
        },
        timeout);
  }
  bool wait_gathered() {
    return wait([&] { return !gathering.empty() && gathering.back() == GatheringState::Complete; });
  }
  std::vector<std::string> candidate_strings() {
    std::lock_guard lock(m);
    std::vector<std::string> out;
    for (const auto &c : candidates) out.push_back(jsep::serialize_candidate(c));
    return out;
  }
  std::size_t received_count() {
    std::lock_guard lock(m);
    return received.size();
  }
};

IceConfig udp_config(bool controlling) {
  IceConfig c;
  c.controlling = controlling;
  return c;
}

IceConfig tcp_config(bool controlling) {
  IceConfig c;
  c.controlling = controlling;
  c.udp = false;
  c.tcp = true;
  return c;
}

void add_all(Peer &from, Peer &to) {
  for (const auto &s : from.candidate_strings()) {
    auto st = to.agent->add_remote_candidate(s);
    EXPECT_TRUE(st.ok()) << s << ": " << (st.ok() ? "" : st.error().message);
  }
}

// Offer/answer in the usual order: credentials, then trickled candidates.
void connect_pair(Peer &a, Peer &b) {
  ASSERT_TRUE(a.agent && b.agent);
  ASSERT_TRUE(a.agent->set_remote_credentials(b.agent->local_credentials()).ok());
  ASSERT_TRUE(b.agent->set_remote_credentials(a.agent->local_credentials()).ok());
  ASSERT_TRUE(a.agent->gather().ok());
  ASSERT_TRUE(b.agent->gather().ok());
  ASSERT_TRUE(a.wait_gathered());
  ASSERT_TRUE(b.wait_gathered());
  add_all(a, b);
  add_all(b, a);
  a.agent->end_of_remote_candidates();
  b.agent->end_of_remote_candidates();
  ASSERT_TRUE(a.wait_connected());
  ASSERT_TRUE(b.wait_connected());
}

// Sends `count` datagrams carrying a counter and a fill pattern, then waits
// until all have arrived and checks every byte. UDP may drop what overflows
// the receiver's socket buffer, so the sender waits for each window of 50 to
// land before sending the next: any loss left is a real one.
void exchange(Peer &from, Peer &to, int count, std::size_t size = 200) {
  constexpr int window = 50;
  std::size_t before = to.received_count();
  for (int i = 0; i < count; ++i) {
    if (i > 0 && i % window == 0) {
      ASSERT_TRUE(to.wait([&] { return to.received.size() >= before + static_cast<std::size_t>(i); }))
          << "window ending at " << i << " lost datagrams";
    }
    std::vector<std::uint8_t> d(size);
    std::memcpy(d.data(), &i, sizeof i);
    for (std::size_t k = sizeof i; k < size; ++k) d[k] = static_cast<std::uint8_t>(k * 7 + i);
    auto r = from.agent->send(d.data(), d.size());
    ASSERT_TRUE(r.ok()) << "datagram " << i;
    EXPECT_EQ(*r, size);
  }
  ASSERT_TRUE(to.wait([&] { return to.received.size() >= before + static_cast<std::size_t>(count); }))
      << "got " << to.received_count() - before << " of " << count;
  std::lock_guard lock(to.m);
  std::vector<bool> seen(count, false);
  for (std::size_t n = before; n < to.received.size(); ++n) {
    const auto &d = to.received[n];
    ASSERT_EQ(d.size(), size);
    int i = 0;
    std::memcpy(&i, d.data(), sizeof i);
    ASSERT_GE(i, 0);
    ASSERT_LT(i, count);
    EXPECT_FALSE(seen[i]) << "duplicate " << i;
    seen[i] = true;
    for (std::size_t k = sizeof i; k < size; ++k) ASSERT_EQ(d[k], static_cast<std::uint8_t>(k * 7 + i));
  }
}

TEST(IceContext, RefcountSharesOneThreadAndStopsIt) {
  ASSERT_EQ(NetworkContext::use_count(), 0u);
  std::size_t starts = NetworkContext::start_count();
  {
    auto a = NetworkContext::acquire();
    auto b = NetworkContext::acquire();
    EXPECT_EQ(a.get(), b.get());
    EXPECT_EQ(NetworkContext::use_count(), 2u);
    bool ran_on_network = false;
    a->invoke_sync([&] { ran_on_network = a->is_network_thread(); });
    EXPECT_TRUE(ran_on_network);
    EXPECT_FALSE(a->is_network_thread());
  }
  EXPECT_EQ(NetworkContext::use_count(), 0u);
  EXPECT_EQ(NetworkContext::start_count(), starts + 1);
}

TEST(IceContext, TenAgentsCreatedAndDestroyedInALoop) {
  std::size_t starts = NetworkContext::start_count();
  for (int i = 0; i < 10; ++i) {
    Peer p(udp_config(i % 2 == 0));
    ASSERT_TRUE(p.agent);
    ASSERT_TRUE(p.agent->gather().ok());
    ASSERT_TRUE(p.wait_gathered());
    EXPECT_EQ(NetworkContext::use_count(), 1u);
  }
  EXPECT_EQ(NetworkContext::use_count(), 0u);
  EXPECT_EQ(NetworkContext::start_count(), starts + 10);
}

TEST(IceContext, AgentsAliveTogetherShareTheContext) {
  std::vector<std::unique_ptr<Peer>> peers;
  for (int i = 0; i < 10; ++i) peers.push_back(std::make_unique<Peer>(udp_config(true)));
  EXPECT_EQ(NetworkContext::use_count(), 10u);
  peers.clear();
  EXPECT_EQ(NetworkContext::use_count(), 0u);
}

TEST(IceAgentCreate, RejectsNoTransport) {
  IceConfig c;
  c.udp = false;
  c.tcp = false;
  auto r = IceAgent::create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Operation);
}

TEST(IceAgentCreate, RejectsNonLiteralLocalAddress) {
  IceConfig c;
  c.local_addresses = {"localhost"};
  auto r = IceAgent::create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Operation);
  EXPECT_EQ(NetworkContext::use_count(), 0u);
}

TEST(IceAgentCreate, RejectsEmptyPortRange) {
  IceConfig c;
  c.min_port = 50010;
  c.max_port = 50000;
  auto r = IceAgent::create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Operation);
}

TEST(IceCredentials, GeneratedLocalCredentialsFollowRfc8445) {
  Peer p(udp_config(true));
  Credentials c = p.agent->local_credentials();
  EXPECT_GE(c.ufrag.size(), 4u);
  EXPECT_GE(c.pwd.size(), 22u);
}

TEST(IceCredentials, SetLocalCredentialsRoundTrips) {
  Peer p(udp_config(true));
  Credentials c{"abcd", "0123456789abcdefghij+/"};
  ASSERT_TRUE(p.agent->set_local_credentials(c).ok());
  Credentials got = p.agent->local_credentials();
  EXPECT_EQ(got.ufrag, c.ufrag);
  EXPECT_EQ(got.pwd, c.pwd);
}

TEST(IceCredentials, BadCredentialsAreSyntaxErrors) {
  Peer p(udp_config(true));
  const Credentials bad[] = {{"abc", "0123456789abcdefghij+/"},
                             {"abcd", "short"},
                             {"ab cd", "0123456789abcdefghij+/"},
                             {"abcd", "0123456789abcdefghij+/!"},
                             {std::string(257, 'a'), "0123456789abcdefghij+/"}};
  for (const auto &c : bad) {
    auto l = p.agent->set_local_credentials(c);
    ASSERT_FALSE(l.ok()) << c.ufrag << " " << c.pwd;
    EXPECT_EQ(l.error().code, ErrorCode::Syntax);
    auto r = p.agent->set_remote_credentials(c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Syntax);
  }
}

TEST(IceGathering, StatesGoNewGatheringComplete) {
  Peer p(udp_config(true));
  EXPECT_EQ(p.agent->gathering_state(), GatheringState::New);
  ASSERT_TRUE(p.agent->gather().ok());
  ASSERT_TRUE(p.wait_gathered());
  std::lock_guard lock(p.m);
  EXPECT_EQ(p.gathering, (std::vector<GatheringState>{GatheringState::Gathering, GatheringState::Complete}));
  EXPECT_EQ(p.agent->gathering_state(), GatheringState::Complete);
  EXPECT_FALSE(p.candidates.empty());
}

TEST(IceGathering, EveryLocalCandidateIsOnLoopback) {
  IceConfig c;
  c.tcp = true;  // UDP and both TCP types
  Peer p(c);
  ASSERT_TRUE(p.agent->gather().ok());
  ASSERT_TRUE(p.wait_gathered());
  std::lock_guard lock(p.m);
  ASSERT_FALSE(p.candidates.empty());
  bool udp = false, tcp = false;
  for (const auto &cand : p.candidates) {
    EXPECT_EQ(cand.address, "127.0.0.1") << jsep::serialize_candidate(cand);
    EXPECT_EQ(cand.type, jsep::CandidateType::Host);
    EXPECT_EQ(cand.component, 1u);
    (cand.is_tcp() ? tcp : udp) = true;
  }
  EXPECT_TRUE(udp);
  EXPECT_TRUE(tcp);
}

TEST(IceGathering, LocalCandidateStringsParseBack) {
  IceConfig c;
  c.tcp = true;
  Peer p(c);
  ASSERT_TRUE(p.agent->gather().ok());
  ASSERT_TRUE(p.wait_gathered());
  auto strings = p.agent->local_candidate_strings();
  ASSERT_EQ(strings.size(), p.candidate_strings().size());
  for (const auto &s : strings) {
    EXPECT_EQ(s.rfind("candidate:", 0), 0u) << s;
    auto parsed = jsep::parse_candidate(s);
    ASSERT_TRUE(parsed.ok()) << s;
    EXPECT_EQ(jsep::serialize_candidate(*parsed), s);
    EXPECT_TRUE(to_nice(*parsed, 1).ok()) << s;
  }
}

TEST(IceGathering, PortRangeIsHonoured) {
  IceConfig c;
  c.min_port = 47200;
  c.max_port = 47299;
  Peer p(c);
  ASSERT_TRUE(p.agent->gather().ok());
  ASSERT_TRUE(p.wait_gathered());
  std::lock_guard lock(p.m);
  ASSERT_FALSE(p.candidates.empty());
  for (const auto &cand : p.candidates) {
    EXPECT_GE(cand.port, 47200);
    EXPECT_LE(cand.port, 47299);
  }
}

TEST(IceConnect, UdpHostPairConnectsOnLoopback) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  for (Peer *p : {&a, &b}) {
    ASSERT_TRUE(p->wait([&] { return p->pair_changes > 0; }));
    auto pair = p->agent->selected_pair();
    ASSERT_TRUE(pair);
    EXPECT_EQ(pair->local.address, "127.0.0.1");
    EXPECT_EQ(pair->remote.address, "127.0.0.1");
    EXPECT_EQ(pair->local.type, jsep::CandidateType::Host);
    EXPECT_EQ(pair->remote.type, jsep::CandidateType::Host);
    EXPECT_FALSE(pair->local.is_tcp());
  }
  // Each side's selected remote is the other side's selected local.
  EXPECT_EQ(a.agent->selected_pair()->remote.port, b.agent->selected_pair()->local.port);
  EXPECT_EQ(b.agent->selected_pair()->remote.port, a.agent->selected_pair()->local.port);
}

TEST(IceConnect, StatesGoThroughCheckingToConnected) {
  Peer a(udp_config(true)), b(udp_config(false));
  EXPECT_EQ(a.agent->state(), TransportState::New);
  connect_pair(a, b);
  for (Peer *p : {&a, &b}) {
    std::lock_guard lock(p->m);
    ASSERT_GE(p->states.size(), 2u);
    EXPECT_EQ(p->states.front(), TransportState::Checking);
    EXPECT_EQ(std::count(p->states.begin(), p->states.end(), TransportState::Failed), 0);
  }
}

TEST(IceConnect, ThousandDatagramsIntactBothWays) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  exchange(a, b, 1000);
  exchange(b, a, 1000);
}

TEST(IceConnect, LargeDatagramsIntact) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  exchange(a, b, 20, 1400);
  exchange(b, a, 20, 1400);
}

TEST(IceConnect, SendFromSeveralThreadsAtOnce) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  std::vector<std::thread> senders;
  for (std::uint8_t t = 0; t < 4; ++t) {
    senders.emplace_back([&a, t] {
      for (std::uint8_t i = 0; i < 25; ++i) {
        const std::uint8_t d[2] = {t, i};
        EXPECT_TRUE(a.agent->send(d, sizeof d).ok());
      }
    });
  }
  for (auto &th : senders) th.join();
  ASSERT_TRUE(b.wait([&] { return b.received.size() >= 100; }));
  std::lock_guard lock(b.m);
  std::vector<int> per_thread(4, 0);
  for (const auto &d : b.received) {
    ASSERT_EQ(d.size(), 2u);
    ASSERT_LT(d[0], 4);
    ++per_thread[d[0]];
  }
  EXPECT_EQ(per_thread, (std::vector<int>{25, 25, 25, 25}));
}

TEST(IceConnect, EchoFromTheReceiveCallback) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  // send() on the network thread, from inside libnice's receive path.
  b.agent->on_receive([&](const std::uint8_t *d, std::size_t n) { EXPECT_TRUE(b.agent->send(d, n).ok()); });
  for (std::uint8_t i = 0; i < 40; ++i) ASSERT_TRUE(a.agent->send(&i, 1).ok());
  ASSERT_TRUE(a.wait([&] { return a.received.size() >= 40; }));
  std::lock_guard lock(a.m);
  std::vector<bool> seen(40, false);
  for (const auto &d : a.received) {
    ASSERT_EQ(d.size(), 1u);
    ASSERT_LT(d[0], 40);
    seen[d[0]] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 40);
}

TEST(IceConnect, SendBeforeConnectedIsInvalidState) {
  Peer a(udp_config(true));
  std::uint8_t byte = 1;
  auto r = a.agent->send(&byte, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidState);
}

TEST(IceTrickle, RemoteCandidatesBeforeCredentials) {
  Peer a(udp_config(true)), b(udp_config(false));
  ASSERT_TRUE(a.agent->gather().ok());
  ASSERT_TRUE(b.agent->gather().ok());
  ASSERT_TRUE(a.wait_gathered());
  ASSERT_TRUE(b.wait_gathered());
  // Candidates trickle in before the answer carrying the credentials.
  add_all(b, a);
  add_all(a, b);
  a.agent->end_of_remote_candidates();
  b.agent->end_of_remote_candidates();
  ASSERT_TRUE(a.agent->set_remote_credentials(b.agent->local_credentials()).ok());
  ASSERT_TRUE(b.agent->set_remote_credentials(a.agent->local_credentials()).ok());
  ASSERT_TRUE(a.wait_connected());
  ASSERT_TRUE(b.wait_connected());
  exchange(a, b, 50);
}

TEST(IceTrickle, CandidatesTrickleAsTheyAreGathered) {
  Peer a(udp_config(true)), b(udp_config(false));
  ASSERT_TRUE(a.agent->set_remote_credentials(b.agent->local_credentials()).ok());
  ASSERT_TRUE(b.agent->set_remote_credentials(a.agent->local_credentials()).ok());
  // Forward each candidate the moment it is found, from the network thread.
  a.agent->on_candidate([&](const jsep::Candidate &c) {
    EXPECT_TRUE(b.agent->add_remote_candidate(jsep::serialize_candidate(c)).ok());
  });
  b.agent->on_candidate([&](const jsep::Candidate &c) {
    EXPECT_TRUE(a.agent->add_remote_candidate(jsep::serialize_candidate(c)).ok());
  });
  ASSERT_TRUE(a.agent->gather().ok());
  ASSERT_TRUE(b.agent->gather().ok());
  ASSERT_TRUE(a.wait_connected());
  ASSERT_TRUE(b.wait_connected());
  exchange(b, a, 50);
}

TEST(IceTrickle, EndOfCandidatesOnBothSidesCompletes) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  EXPECT_TRUE(a.wait_state(TransportState::Completed));
  EXPECT_TRUE(b.wait_state(TransportState::Completed));
}

TEST(IceTcp, TcpOnlyConnectsAndCarriesBytes) {
  Peer a(tcp_config(true)), b(tcp_config(false));
  connect_pair(a, b);
  auto pair = a.agent->selected_pair();
  ASSERT_TRUE(pair);
  EXPECT_TRUE(pair->local.is_tcp());
  EXPECT_TRUE(pair->remote.is_tcp());
  EXPECT_EQ(pair->local.address, "127.0.0.1");
  exchange(a, b, 200, 500);
  exchange(b, a, 200, 500);
}

TEST(IceRemoteCandidates, MalformedStringsAreTypedErrors) {
  Peer p(udp_config(true));
  ASSERT_TRUE(p.agent->set_remote_credentials({"abcd", "0123456789abcdefghij+/"}).ok());
  const std::string oversize_foundation(40, 'f');
  const std::string huge(100000, 'x');
  const char *const syntax_cases[] = {
      "",
      "garbage",
      "candidate:",
      "candidate:1",
      "candidate:1 1",
      "candidate:1 1 UDP",
      "candidate:1 1 UDP 2130706431",
      "candidate:1 1 UDP 2130706431 127.0.0.1",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ banana",
      "candidate:1 1 UDP 2130706431 127.0.0.1 70000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 -1 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 port typ host",
      "candidate:1 1 SCTP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 x UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP prio 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP 99999999999 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ srflx raddr",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ srflx raddr 1.2.3.4 rport 99999",
      "candidate:1 1 TCP 2130706431 127.0.0.1 5000 typ host tcptype sideways",
      "candidate:f@o 1 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:\x01\x02 1 UDP 2130706431 127.0.0.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host generation",
      "candidate: 1 UDP 2130706431 127.0.0.1 5000 typ host",
  };
  int cases = 0;
  for (const char *s : syntax_cases) {
    auto st = p.agent->add_remote_candidate(s);
    ASSERT_FALSE(st.ok()) << "accepted: " << s;
    EXPECT_TRUE(st.error().code == ErrorCode::Syntax || st.error().code == ErrorCode::Operation)
        << s << ": " << st.error().message;
    ++cases;
  }
  // Parsed by the grammar but unusable by libnice: Operation, not a crash.
  const std::string operation_cases[] = {
      "candidate:1 1 UDP 2130706431 ::ffff:zz 5000 typ host",
      "candidate:1 1 UDP 2130706431 1::2::3 5000 typ host",
      "candidate:1 1 UDP 2130706431 [::1] 5000 typ host",
      "candidate:1 1 UDP 2130706431 fe80:::1 5000 typ host",
      "candidate:1 1 UDP 2130706431 256.1.1.1 5000 typ host",
      "candidate:1 1 UDP 2130706431 example.com 5000 typ host",
      "candidate:1 1 UDP 2130706431 127.0.0.1 0 typ host",
      "candidate:1 1 TCP 2130706431 127.0.0.1 5000 typ host",
  };
  for (const auto &s : operation_cases) {
    auto st = p.agent->add_remote_candidate(s);
    ASSERT_FALSE(st.ok()) << "accepted: " << s;
    EXPECT_TRUE(st.error().code == ErrorCode::Syntax || st.error().code == ErrorCode::Operation)
        << s << ": " << st.error().message;
    ++cases;
  }
  for (const std::string &s :
       {"candidate:" + oversize_foundation + " 1 UDP 1 127.0.0.1 5000 typ host", "candidate:" + huge, huge}) {
    auto st = p.agent->add_remote_candidate(s);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().code == ErrorCode::Syntax || st.error().code == ErrorCode::Operation);
    ++cases;
  }
  EXPECT_GE(cases, 30);
}

TEST(IceRemoteCandidates, UnknownComponentIsOperationError) {
  Peer p(udp_config(true));
  for (const char *s : {"candidate:1 2 UDP 2130706431 127.0.0.1 5000 typ host",
                        "candidate:1 0 UDP 2130706431 127.0.0.1 5000 typ host",
                        "candidate:1 256 UDP 2130706431 127.0.0.1 5000 typ host"}) {
    auto st = p.agent->add_remote_candidate(s);
    ASSERT_FALSE(st.ok()) << s;
    EXPECT_TRUE(st.error().code == ErrorCode::Operation || st.error().code == ErrorCode::Syntax) << s;
  }
  auto st = p.agent->add_remote_candidate("candidate:1 2 UDP 2130706431 127.0.0.1 5000 typ host");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Operation);
}

// Stands in for the system resolver (nss-mdns) in the mDNS tests: it knows
// one name, and answers from the context the lookup started on, as GLib's
// threaded resolver does.
struct FakeResolver {
  GResolver parent;
};
struct FakeResolverClass {
  GResolverClass parent_class;
};
G_DEFINE_TYPE(FakeResolver, fake_resolver, G_TYPE_RESOLVER)

std::string fake_name, fake_address;
// Lookups of "hang.test" never answer until the test ends (a DNS server that
// does not reply).
std::vector<GTask *> hanging;

void fake_lookup_async(GResolver *resolver, const gchar *host, GCancellable *cancel, GAsyncReadyCallback cb,
                       gpointer data) {
  GTask *task = g_task_new(resolver, cancel, cb, data);
  if (std::string(host) == "hang.test") {
    hanging.push_back(task);
    return;
  }
  if (host == fake_name) {
    GList *list = g_list_append(nullptr, g_inet_address_new_from_string(fake_address.c_str()));
    g_task_return_pointer(task, list, reinterpret_cast<GDestroyNotify>(g_resolver_free_addresses));
  } else {
    g_task_return_new_error(task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no such name: %s", host);
  }
  g_object_unref(task);
}

GList *fake_lookup_finish(GResolver *, GAsyncResult *result, GError **error) {
  return static_cast<GList *>(g_task_propagate_pointer(G_TASK(result), error));
}

GList *fake_lookup_sync(GResolver *, const gchar *host, GCancellable *, GError **error) {
  g_set_error(error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "synchronous lookup of %s", host);
  return nullptr;
}

void fake_resolver_class_init(FakeResolverClass *klass) {
  auto *r = G_RESOLVER_CLASS(klass);
  r->lookup_by_name = fake_lookup_sync;
  r->lookup_by_name_async = fake_lookup_async;
  r->lookup_by_name_finish = fake_lookup_finish;
}
void fake_resolver_init(FakeResolver *) {}

// Installs the fake resolver for one test and puts the old one back.
class MdnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = g_resolver_get_default();
    GResolver *fake = G_RESOLVER(g_object_new(fake_resolver_get_type(), nullptr));
    g_resolver_set_default(fake);
    g_object_unref(fake);
    fake_name = "1f4712db-ea17-4bcf-a596-105139dfd8bf.local";
    fake_address = "127.0.0.1";
  }
  void TearDown() override {
    for (GTask *t : hanging) {
      g_task_return_new_error(t, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, "test over");
      g_object_unref(t);
    }
    hanging.clear();
    // Let the network thread run the late callbacks before the next test.
    NetworkContext::acquire()->invoke_sync([] {});
    g_resolver_set_default(previous_);
    g_object_unref(previous_);
  }
  // a's host candidates with the address replaced by `name`, as a browser
  // hiding its IP sends them.
  static std::vector<std::string> as_mdns(Peer &peer, const std::string &name) {
    std::vector<std::string> out;
    std::lock_guard lock(peer.m);
    for (auto c : peer.candidates) {
      if (c.type != jsep::CandidateType::Host || c.address != "127.0.0.1") continue;
      c.address = name;
      out.push_back(jsep::serialize_candidate(c));
    }
    return out;
  }
  GResolver *previous_ = nullptr;
};

// b learns a's candidates only by name and a learns none of b's, so the
// pair can only form if b resolved the name and checked the address.
TEST_F(MdnsTest, MdnsCandidateResolvesAndConnects) {
  Peer a(udp_config(false)), b(udp_config(true));
  ASSERT_TRUE(a.agent->set_remote_credentials(b.agent->local_credentials()).ok());
  ASSERT_TRUE(b.agent->set_remote_credentials(a.agent->local_credentials()).ok());
  ASSERT_TRUE(a.agent->gather().ok());
  ASSERT_TRUE(b.agent->gather().ok());
  ASSERT_TRUE(a.wait_gathered());
  ASSERT_TRUE(b.wait_gathered());
  auto named = as_mdns(a, fake_name);
  ASSERT_FALSE(named.empty());
  for (const auto &c : named) ASSERT_TRUE(b.agent->add_remote_candidate(c).ok()) << c;
  a.agent->end_of_remote_candidates();
  b.agent->end_of_remote_candidates();
  ASSERT_TRUE(b.wait_connected()) << "b never connected to a's resolved mDNS candidate";
  ASSERT_TRUE(a.wait_connected());
  auto pair = b.agent->selected_pair();
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->remote.address, "127.0.0.1");
  exchange(b, a, 20);
}

TEST_F(MdnsTest, UnresolvableNameIsDroppedAndTheRestStillWorks) {
  Peer a(udp_config(false)), b(udp_config(true));
  ASSERT_TRUE(a.agent->set_remote_credentials(b.agent->local_credentials()).ok());
  ASSERT_TRUE(b.agent->set_remote_credentials(a.agent->local_credentials()).ok());
  ASSERT_TRUE(a.agent->gather().ok());
  ASSERT_TRUE(b.agent->gather().ok());
  ASSERT_TRUE(a.wait_gathered());
  ASSERT_TRUE(b.wait_gathered());
  // Not an error for the caller: the name may simply not be ours to resolve.
  for (const auto &c : as_mdns(a, "00000000-dead-beef-0000-000000000000.local"))
    ASSERT_TRUE(b.agent->add_remote_candidate(c).ok()) << c;
  EXPECT_FALSE(b.wait_connected(1000ms)) << "connected through a name that does not resolve";
  add_all(a, b);
  b.agent->end_of_remote_candidates();
  ASSERT_TRUE(b.wait_connected());
}

TEST_F(MdnsTest, AgentClosedWhileALookupIsInFlight) {
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_unique<Peer>(udp_config(true));
    ASSERT_TRUE(p->agent->add_remote_candidate("candidate:1 1 UDP 2130706431 " + fake_name + " 5000 typ host").ok());
    p.reset();  // the answer comes after the agent is gone: must not be used
  }
  // Let the network thread run the cancelled callbacks.
  auto ctx = NetworkContext::acquire();
  ctx->invoke_sync([] {});
}

// A STUN server of the test's own on 127.0.0.1 (Binding only). It answers
// each Binding request with the mapped address 127.0.0.2:<the requester's
// port>, so the srflx candidate differs from the host one
// (libnice drops a srflx candidate equal to a host candidate). Nothing is
// sent to 127.0.0.2: no peer checks it.
class StunResponder {
 public:
  StunResponder() {
    socket_ = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, nullptr);
    GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress *any = g_inet_socket_address_new(lo, 0);
    g_object_unref(lo);
    bool bound = socket_ && g_socket_bind(socket_, any, FALSE, nullptr);
    g_object_unref(any);
    if (!bound) return;
    GSocketAddress *local = g_socket_get_local_address(socket_, nullptr);
    port_ = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
    g_object_unref(local);
    thread_ = std::thread([this] { serve(); });
  }
  ~StunResponder() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (socket_) g_object_unref(socket_);
  }
  std::uint16_t port() const { return port_; }
  int requests() const { return requests_.load(); }

 private:
  static std::uint32_t crc32(const std::uint8_t *d, std::size_t n) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
      c ^= d[i];
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
  }
  void serve() {
    while (!stop_) {
      if (!g_socket_condition_timed_wait(socket_, G_IO_IN, 50000, nullptr, nullptr)) continue;
      std::uint8_t in[1500];
      GSocketAddress *from = nullptr;
      gssize n =
          g_socket_receive_from(socket_, &from, reinterpret_cast<gchar *>(in), sizeof in, nullptr, nullptr);
      // A Binding request (0x0001). libnice discovers with RFC 3489 requests
      // (no magic cookie): answered with a plain MAPPED-ADDRESS; an RFC 8489
      // one gets XOR-MAPPED-ADDRESS and FINGERPRINT.
      if (n >= 20 && in[0] == 0x00 && in[1] == 0x01) {
        ++requests_;
        bool rfc5389 = in[4] == 0x21 && in[5] == 0x12 && in[6] == 0xA4 && in[7] == 0x42;
        std::uint16_t port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(from));
        std::uint8_t addr[4] = {127, 0, 0, 2};
        if (rfc5389) {
          port ^= 0x2112;
          for (int k = 0; k < 4; ++k) addr[k] ^= in[4 + k];
        }
        std::uint8_t out[40] = {0x01, 0x01, 0x00, static_cast<std::uint8_t>(rfc5389 ? 20 : 12)};
        std::memcpy(out + 4, in + 4, 16);  // (cookie +) transaction id
        const std::uint8_t ma[12] = {0x00,
                                     static_cast<std::uint8_t>(rfc5389 ? 0x20 : 0x01),
                                     0x00,
                                     0x08,
                                     0x00,
                                     0x01,
                                     static_cast<std::uint8_t>(port >> 8),
                                     static_cast<std::uint8_t>(port),
                                     addr[0],
                                     addr[1],
                                     addr[2],
                                     addr[3]};
        std::memcpy(out + 20, ma, sizeof ma);
        std::size_t len = 32;
        if (rfc5389) {
          std::uint32_t fp = crc32(out, 32) ^ 0x5354554Eu;
          const std::uint8_t fpa[8] = {0x80,
                                       0x28,
                                       0x00,
                                       0x04,
                                       static_cast<std::uint8_t>(fp >> 24),
                                       static_cast<std::uint8_t>(fp >> 16),
                                       static_cast<std::uint8_t>(fp >> 8),
                                       static_cast<std::uint8_t>(fp)};
          std::memcpy(out + 32, fpa, sizeof fpa);
          len = 40;
        }
        g_socket_send_to(socket_, from, reinterpret_cast<const gchar *>(out), len, nullptr, nullptr);
      }
      if (from) g_object_unref(from);
    }
  }

  GSocket *socket_ = nullptr;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// STUN/TURN servers given by name, resolved through the stand-in resolver
// (it knows "stun.test"): no DNS query leaves the test.
class ServerNameTest : public MdnsTest {
 protected:
  void SetUp() override {
    MdnsTest::SetUp();
    fake_name = "stun.test";
  }
  // Collects on_server_error reports (set before gather()).
  static void collect_errors(Peer &p, std::vector<std::pair<std::string, std::string>> &out) {
    p.agent->on_server_error([&p, &out](const std::string &url, const std::string &text) {
      std::lock_guard lock(p.m);
      out.emplace_back(url, text);
    });
  }
};

TEST_F(ServerNameTest, StunServerByNameGivesSrflxCandidates) {
  StunResponder stun;
  ASSERT_NE(stun.port(), 0);
  IceConfig c = udp_config(true);
  auto url = parse_stun_url("stun:stun.test:" + std::to_string(stun.port()));
  ASSERT_TRUE(url.ok());
  c.stun_server = url.value();
  std::vector<std::pair<std::string, std::string>> errors;  // outlives the agent
  Peer p(c);
  collect_errors(p, errors);
  ASSERT_TRUE(p.agent->gather().ok());
  ASSERT_TRUE(p.wait_gathered());
  EXPECT_GT(stun.requests(), 0) << "libnice never asked the resolved STUN server";
  std::lock_guard lock(p.m);
  EXPECT_TRUE(errors.empty());
  bool srflx = false, host = false;
  for (const auto &cand : p.candidates) {
    if (cand.type == jsep::CandidateType::ServerReflexive && cand.address == "127.0.0.2") srflx = true;
    if (cand.type == jsep::CandidateType::Host) host = true;
  }
  EXPECT_TRUE(srflx) << "no srflx candidate from the STUN server found by name";
  EXPECT_TRUE(host);
}

// An unresolvable STUN and TURN name: each reported once with its URL, the
// gathering completes with host candidates, and the agent still connects.
TEST_F(ServerNameTest, UnresolvableServerNamesAreReportedAndHostStillConnects) {
  IceConfig c = udp_config(true);
  c.stun_server = parse_stun_url("stun:nowhere.test").value();
  c.turn_servers.push_back(parse_turn_url("turn:u:p@turn.nowhere.test:3478?transport=udp").value());
  std::vector<std::pair<std::string, std::string>> errors;  // outlives the agent
  Peer a(c), b(udp_config(false));
  collect_errors(a, errors);
  connect_pair(a, b);
  {
    std::lock_guard lock(a.m);
    ASSERT_EQ(errors.size(), 2u);
    std::sort(errors.begin(), errors.end());
    EXPECT_EQ(errors[0].first, "stun:nowhere.test");
    EXPECT_EQ(errors[1].first, "turn:turn.nowhere.test:3478?transport=udp");
    for (const auto &e : errors) EXPECT_NE(e.second.find("did not resolve"), std::string::npos) << e.second;
    for (const auto &cand : a.candidates) EXPECT_EQ(cand.type, jsep::CandidateType::Host);
  }
  exchange(a, b, 20);
}

// A name whose lookup never answers: given up after kServerLookupTimeoutMs,
// reported, and the host candidates come then.
TEST_F(ServerNameTest, ServerNameWithoutAnAnswerTimesOut) {
  IceConfig c = udp_config(true);
  c.stun_server = parse_stun_url("stun:hang.test").value();
  std::vector<std::pair<std::string, std::string>> errors;  // outlives the agent
  Peer p(c);
  collect_errors(p, errors);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.agent->gather().ok());
  ASSERT_TRUE(p.wait([&] { return !p.gathering.empty() && p.gathering.back() == GatheringState::Complete; },
                     std::chrono::milliseconds(kServerLookupTimeoutMs + 5000)));
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(kServerLookupTimeoutMs - 100));
  std::lock_guard lock(p.m);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].first, "stun:hang.test");
  EXPECT_NE(errors[0].second.find("did not resolve"), std::string::npos) << errors[0].second;
  EXPECT_FALSE(p.candidates.empty());
}

TEST_F(ServerNameTest, AgentClosedWhileAServerLookupIsInFlight) {
  for (int i = 0; i < 5; ++i) {
    IceConfig c = udp_config(true);
    c.stun_server = parse_stun_url("stun:stun.test:9").value();
    c.turn_servers.push_back(parse_turn_url("turn:u:p@stun.test:9?transport=udp").value());
    c.turn_servers.push_back(parse_turn_url("turn:u:p@hang.test:9?transport=udp").value());
    auto p = std::make_unique<Peer>(c);
    ASSERT_TRUE(p->agent->gather().ok());
    p.reset();  // the answers come after the agent is gone: must not be used
  }
  auto ctx = NetworkContext::acquire();
  ctx->invoke_sync([] {});
}

TEST(IceRemoteCandidates, AcceptsValidForms) {
  Peer p(udp_config(true));
  for (const char *s : {"candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host",
                        "a=candidate:2 1 udp 2130706431 127.0.0.1 5001 typ host generation 0",
                        "3 1 UDP 1694498815 127.0.0.1 5002 typ srflx raddr 127.0.0.1 rport 5000",
                        "candidate:4 1 TCP 1518280447 127.0.0.1 9 typ host tcptype active",
                        "candidate:5 1 TCP 1518280447 127.0.0.1 5003 typ host tcptype passive",
                        "candidate:6 1 UDP 2130706431 ::1 5004 typ host"}) {
    auto st = p.agent->add_remote_candidate(s);
    EXPECT_TRUE(st.ok()) << s << ": " << (st.ok() ? "" : st.error().message);
  }
}

TEST(IceClose, CloseReportsClosedAndRefusesFurtherUse) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  a.agent->close();
  EXPECT_EQ(a.agent->state(), TransportState::Closed);
  {
    std::lock_guard lock(a.m);
    EXPECT_EQ(a.states.back(), TransportState::Closed);
  }
  std::uint8_t byte = 0;
  auto r = a.agent->send(&byte, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidState);
  auto st = a.agent->add_remote_candidate("candidate:1 1 UDP 2130706431 127.0.0.1 5000 typ host");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::InvalidState);
  EXPECT_FALSE(a.agent->gather().ok());
  a.agent->close();  // idempotent
}

// On ICE-TCP the peer's close tears the connection down, which libnice
// reports at once. (Over UDP only consent freshness could notice, and
// libnice's timers need more than 10 s: not tested here.)
TEST(IceClose, TcpPeerClosedMakesTheOtherFail) {
  Peer a(tcp_config(true)), b(tcp_config(false));
  connect_pair(a, b);
  b.agent->close();
  ASSERT_TRUE(a.wait([&] {
    return a.states.back() == TransportState::Failed || a.states.back() == TransportState::Disconnected;
  })) << "state "
      << to_string(a.agent->state());
  std::uint8_t byte = 0;
  EXPECT_FALSE(a.agent->send(&byte, 1).ok());
}

TEST(IceRestart, NewCredentialsReconnectAndBytesFlowAgain) {
  Peer a(udp_config(true)), b(udp_config(false));
  connect_pair(a, b);
  exchange(a, b, 20);

  const Credentials ca{"rstA", "restartpasswordaaaaaaa"};
  const Credentials cb{"rstB", "restartpasswordbbbbbbb"};
  ASSERT_TRUE(a.agent->restart(ca).ok());
  ASSERT_TRUE(b.agent->restart(cb).ok());
  EXPECT_EQ(a.agent->local_credentials().ufrag, "rstA");
  EXPECT_EQ(b.agent->local_credentials().pwd, cb.pwd);
  ASSERT_TRUE(a.agent->set_remote_credentials(cb).ok());
  ASSERT_TRUE(b.agent->set_remote_credentials(ca).ok());
  add_all(a, b);
  add_all(b, a);
  a.agent->end_of_remote_candidates();
  b.agent->end_of_remote_candidates();
  ASSERT_TRUE(a.wait_connected());
  ASSERT_TRUE(b.wait_connected());
  exchange(a, b, 100);
  exchange(b, a, 100);
}

TEST(IceRestart, RestartRejectsBadCredentials) {
  Peer a(udp_config(true));
  auto st = a.agent->restart(Credentials{"x", "y"});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Syntax);
  EXPECT_TRUE(a.agent->restart().ok());
}

TEST(IceServerUrl, StunForms) {
  auto s = parse_stun_url("stun:127.0.0.1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_EQ(s->port, 3478);
  s = parse_stun_url("STUN://[::1]:19302");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->host, "::1");
  EXPECT_EQ(s->port, 19302);
}

TEST(IceServerUrl, TurnForms) {
  auto t = parse_turn_url("turn:alice:s3cr%40t@127.0.0.1:3479?transport=tcp");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->username, "alice");
  EXPECT_EQ(t->password, "s3cr@t");
  EXPECT_EQ(t->port, 3479);
  EXPECT_EQ(t->transport, RelayTransport::Tcp);
  EXPECT_EQ(t->url.find("alice"), std::string::npos) << "credentials leak into the url: " << t->url;
  t = parse_turn_url("turns:u:p:with:colons@127.0.0.1");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->password, "p:with:colons");
  EXPECT_EQ(t->port, 5349);
  EXPECT_EQ(t->transport, RelayTransport::Tls);
  t = parse_turn_url("turn://u:p@[::1]");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->transport, RelayTransport::Udp);
}

TEST(IceServerUrl, BadUrlsAreTypedErrors) {
  for (const char *bad : {"", "stun:", "stun:1.2.3.4:", "stun:1.2.3.4:0", "stun:1.2.3.4:65536",
                          "stun:u@1.2.3.4", "stn:1.2.3.4", "stun:::1", "stun:[::1", "stun:1.2.3.4:12x"}) {
    auto r = parse_stun_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::Syntax) << bad;
  }
  for (const char *bad :
       {"turn:127.0.0.1", "turn:user@127.0.0.1", "turn::p@127.0.0.1", "turn:u:p@127.0.0.1?x=y",
        "turns:u:p@127.0.0.1?transport=udp", "turn:u:p%4@127.0.0.1", "turn:u:p@", "turn:u:p@127.0.0.1/path",
        "turnx:u:p@127.0.0.1"}) {
    auto r = parse_turn_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::Syntax) << bad;
  }
  for (const char *bad : {"stun:-bad.example.org", "stun:bad-.example.org", "stun:a..b",
                          "stun:under_score.org", "stun:[stun.example.org]:3478", "stun:caf\xc3\xa9.org"}) {
    auto r = parse_stun_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::Syntax) << bad;
  }
}

// Names are kept for the agent to resolve when it gathers.
TEST(IceServerUrl, HostNamesAreAccepted) {
  auto s = parse_stun_url("stun:stun.example.org:3478");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->host, "stun.example.org");
  EXPECT_FALSE(is_ip_literal(s->host));
  auto t = parse_turn_url("turns:u:p@turn.example.org");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->host, "turn.example.org");
  EXPECT_EQ(t->port, 5349);
  EXPECT_EQ(t->url, "turns:turn.example.org:5349");
  EXPECT_TRUE(parse_stun_url("stun:localhost").ok());
}

}  // namespace
}  // namespace gst_rtc::ice
