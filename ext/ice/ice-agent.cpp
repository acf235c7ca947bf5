#define G_LOG_DOMAIN "rtcice"

#include "ice-agent.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <utility>

#include "ice-candidate.h"

namespace gst_rtc::ice {

// Receive buffer asked for on the selected pair's socket.
constexpr int kReceiveBufferBytes = 4 * 1024 * 1024;

namespace {

constexpr guint kComponent = 1;

bool is_ice_chars(const std::string &s) {
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char ch) { return g_ascii_isalnum(ch) || ch == '+' || ch == '/'; });
}

// RFC 8445 section 5.3 / RFC 8839 section 5.4 limits.
jsep::Status check_credentials(const Credentials &c) {
  if (c.ufrag.size() < 4 || c.ufrag.size() > 256 || !is_ice_chars(c.ufrag))
    return jsep::make_error(jsep::ErrorCode::Syntax, "ice-ufrag must be 4..256 ice-chars");
  if (c.pwd.size() < 22 || c.pwd.size() > 256 || !is_ice_chars(c.pwd))
    return jsep::make_error(jsep::ErrorCode::Syntax, "ice-pwd must be 22..256 ice-chars");
  return jsep::Ok{};
}

jsep::Error closed_error() {
  return jsep::make_error(jsep::ErrorCode::InvalidState, "ICE agent is closed");
}

}  // namespace

const char *to_string(GatheringState s) {
  switch (s) {
    case GatheringState::New:
      return "new";
    case GatheringState::Gathering:
      return "gathering";
    case GatheringState::Complete:
      return "complete";
  }
  return "?";
}

const char *to_string(TransportState s) {
  switch (s) {
    case TransportState::New:
      return "new";
    case TransportState::Checking:
      return "checking";
    case TransportState::Connected:
      return "connected";
    case TransportState::Completed:
      return "completed";
    case TransportState::Failed:
      return "failed";
    case TransportState::Disconnected:
      return "disconnected";
    case TransportState::Closed:
      return "closed";
  }
  return "?";
}

IceAgent::IceAgent(std::shared_ptr<NetworkContext> ctx) : ctx_(std::move(ctx)) {}

jsep::Result<std::unique_ptr<IceAgent>> IceAgent::create(const IceConfig &config) {
  if (!config.udp && !config.tcp)
    return jsep::make_error(jsep::ErrorCode::Operation, "neither UDP nor TCP is enabled");
  if (config.local_addresses.empty())
    return jsep::make_error(jsep::ErrorCode::Operation, "no local address to gather on");
  if (config.min_port > config.max_port)
    return jsep::make_error(jsep::ErrorCode::Operation, "port range is empty");
  std::unique_ptr<IceAgent> agent(new IceAgent(NetworkContext::acquire()));
  jsep::Status status = jsep::Ok{};
  agent->ctx_->invoke_sync([&] { status = agent->init(config); });
  if (!status) return status.error();
  return agent;
}

jsep::Status IceAgent::init(const IceConfig &config) {
  config_ = config;
  // Trickle from the start: candidates are signalled as they appear and the
  // remote may send its own after the answer (RFC 8838).
  auto options = NICE_AGENT_OPTION_ICE_TRICKLE;
  if (config.consent_freshness)
    options = static_cast<NiceAgentOption>(options | NICE_AGENT_OPTION_CONSENT_FRESHNESS);
  AgentPtr agent(nice_agent_new_full(ctx_->main_context(), NICE_COMPATIBILITY_RFC5245, options));
  if (!agent) return jsep::make_error(jsep::ErrorCode::Operation, "nice_agent_new_full failed");
  // libnice turns UPnP on by default and would multicast SSDP to the LAN;
  // port mapping is not ours to do unless asked.
  g_object_set(agent.get(), "upnp", config.upnp ? TRUE : FALSE, "ice-udp", config.udp ? TRUE : FALSE,
               "ice-tcp", config.tcp ? TRUE : FALSE, "controlling-mode", config.controlling ? TRUE : FALSE,
               "force-relay", config.relay_only ? TRUE : FALSE,
               // Ta (RFC 8445 14.2): libnice's 20 ms costs three ticks before a
               // pair is nominated (~60 ms per connection); 5 ms is the RFC's
               // floor and still paces a few pairs gently.
               "stun-pacing-timer", 5u, nullptr);
  // A server given by name is configured once its name resolves (gather()).
  if (config.stun_server && is_ip_literal(config.stun_server->host))
    g_object_set(agent.get(), "stun-server", config.stun_server->host.c_str(), "stun-server-port",
                 static_cast<guint>(config.stun_server->port), nullptr);

  for (const std::string &a : config.local_addresses) {
    NiceAddress addr;
    nice_address_init(&addr);
    if (!nice_address_set_from_string(&addr, a.c_str()))
      return jsep::make_error(jsep::ErrorCode::Operation, "local address " + a + " is not an IP literal");
    if (!nice_agent_add_local_address(agent.get(), &addr))
      return jsep::make_error(jsep::ErrorCode::Operation, "libnice refused local address " + a);
  }

  guint stream = nice_agent_add_stream(agent.get(), 1);
  if (stream == 0) return jsep::make_error(jsep::ErrorCode::Operation, "nice_agent_add_stream failed");
  if (config.max_port != 0)
    nice_agent_set_port_range(agent.get(), stream, kComponent, config.min_port, config.max_port);
  if (config.tos >= 0) nice_agent_set_stream_tos(agent.get(), stream, config.tos);
  for (const TurnServer &t : config.turn_servers) {
    if (!is_ip_literal(t.host)) continue;  // added when its name resolves
    if (auto st = add_turn(agent.get(), stream, t); !st) return st;
  }

  g_signal_connect(agent.get(), "new-candidate-full", G_CALLBACK(on_new_candidate_full), this);
  g_signal_connect(agent.get(), "candidate-gathering-done", G_CALLBACK(on_gathering_done), this);
  g_signal_connect(agent.get(), "component-state-changed", G_CALLBACK(on_component_state), this);
  g_signal_connect(agent.get(), "new-selected-pair-full", G_CALLBACK(on_selected_pair_full), this);
  if (!nice_agent_attach_recv(agent.get(), stream, kComponent, ctx_->main_context(), on_recv, this))
    return jsep::make_error(jsep::ErrorCode::Operation, "nice_agent_attach_recv failed");

  std::lock_guard lock(send_mutex_);
  agent_ = std::move(agent);
  stream_id_ = stream;
  return jsep::Ok{};
}

IceAgent::~IceAgent() {
  close();
}

void IceAgent::teardown_on_network_thread() {
  AgentPtr agent;
  {
    std::lock_guard lock(send_mutex_);
    agent = std::move(agent_);
  }
  if (!agent) return;
  // On the network thread no handler of ours can be running concurrently,
  // so after this nothing calls back into `this`.
  g_signal_handlers_disconnect_by_data(agent.get(), this);
  if (idle_timer_) {
    g_source_destroy(idle_timer_.get());
    idle_timer_.reset();
  }
  if (lookup_timer_) {
    g_source_destroy(lookup_timer_.get());
    lookup_timer_.reset();
  }
  nice_agent_attach_recv(agent.get(), stream_id_, kComponent, ctx_->main_context(), nullptr, nullptr);
  nice_agent_remove_stream(agent.get(), stream_id_);
  pending_remote_.clear();
  bridges_.clear();
  if (resolve_cancel_) g_cancellable_cancel(resolve_cancel_.get());
  mdns_queries_.clear();
  if (server_cancel_) g_cancellable_cancel(server_cancel_.get());
}

void IceAgent::close() {
  // TURN allocations are released first (Refresh with lifetime 0), so the
  // server frees the relay now rather than at expiry; bounded, because a
  // dead server never answers. Not possible from the network thread, which
  // must run the release.
  if (!config_.turn_servers.empty() && !ctx_->is_network_thread()) {
    struct Wait {
      std::mutex m;
      std::condition_variable cv;
      bool done = false;
    };
    auto wait = std::make_shared<Wait>();
    bool started = false;
    ctx_->invoke_sync([&] {
      std::lock_guard lock(send_mutex_);
      if (!agent_) return;
      started = true;
      nice_agent_close_async(
          agent_.get(),
          [](GObject *, GAsyncResult *, gpointer data) {
            std::unique_ptr<std::shared_ptr<Wait>> w(static_cast<std::shared_ptr<Wait> *>(data));
            std::lock_guard lock((*w)->m);
            (*w)->done = true;
            (*w)->cv.notify_all();
          },
          new std::shared_ptr<Wait>(wait));
    });
    if (started) {
      std::unique_lock lock(wait->m);
      if (!wait->cv.wait_for(lock, std::chrono::seconds(2), [&] { return wait->done; }))
        g_debug("%p TURN release not confirmed in 2 s", static_cast<void *>(this));
    }
  }
  ctx_->invoke_sync([&] {
    bool was_open = false;
    {
      std::lock_guard lock(send_mutex_);
      was_open = static_cast<bool>(agent_);
    }
    teardown_on_network_thread();
    // Reported on the network thread like every other state change.
    if (was_open) set_state(TransportState::Closed);
  });
}

Credentials IceAgent::local_credentials() const {
  std::lock_guard lock(send_mutex_);
  if (!agent_) return {};
  gchar *ufrag = nullptr;
  gchar *pwd = nullptr;
  if (!nice_agent_get_local_credentials(agent_.get(), stream_id_, &ufrag, &pwd)) return {};
  GCharPtr u(ufrag), p(pwd);
  return Credentials{u.get(), p.get()};
}

jsep::Status IceAgent::set_local_credentials(const Credentials &creds) {
  if (auto st = check_credentials(creds); !st) return st;
  jsep::Status status = jsep::Ok{};
  ctx_->invoke_sync([&] {
    if (!agent_) {
      status = closed_error();
    } else if (!nice_agent_set_local_credentials(agent_.get(), stream_id_, creds.ufrag.c_str(),
                                                 creds.pwd.c_str())) {
      status = jsep::make_error(jsep::ErrorCode::Operation, "libnice refused the local credentials");
    }
  });
  return status;
}

// Network thread. libnice's own TURN-TLS is not TLS: a turns:
// server goes through a bridge of ours (see ice-tls-bridge.h).
jsep::Status IceAgent::add_turn(NiceAgent *agent, guint stream, const TurnServer &t) {
  std::string host = t.host;
  guint port = t.port;
  NiceRelayType type =
      t.transport == RelayTransport::Udp ? NICE_RELAY_TYPE_TURN_UDP : NICE_RELAY_TYPE_TURN_TCP;
  if (t.transport == RelayTransport::Tls) {
    auto bridge = TlsBridge::create(t.host, t.port, config_.turn_tls_ca_file);
    if (!bridge) return bridge.error();
    host = "127.0.0.1";
    port = bridge.value()->port();
    bridges_.push_back(std::move(bridge.value()));
  }
  if (!nice_agent_set_relay_info(agent, stream, kComponent, host.c_str(), port, t.username.c_str(),
                                 t.password.c_str(), type))
    return jsep::make_error(jsep::ErrorCode::Operation, "libnice refused TURN server " + t.url);
  turn_servers_.push_back(t);
  return jsep::Ok{};
}

jsep::Status IceAgent::gather() {
  jsep::Status status = jsep::Ok{};
  ctx_->invoke_sync([&] {
    if (!agent_) {
      status = closed_error();
      return;
    }
    if (gathering_.load() != GatheringState::New) return;  // gathering is once per agent
    set_gathering(GatheringState::Gathering);
    resolve_servers_locked();
    if (pending_lookups_ > 0) return;  // libnice gathers when the last name answers
    if (!nice_agent_gather_candidates(agent_.get(), stream_id_))
      status = jsep::make_error(jsep::ErrorCode::Operation, "libnice could not gather candidates");
  });
  return status;
}

namespace {

// One server name lookup in flight; the same lifetime rule as MdnsLookup
// (below): the cancellable is checked before the agent is touched.
struct ServerLookup {
  IceAgent *agent;
  int index;
  CancellablePtr cancel;
};

}  // namespace

// Network thread. Starts one asynchronous lookup per server given by name;
// the STUN server's configuration and libnice's gathering wait for them.
void IceAgent::resolve_servers_locked() {
  std::vector<std::pair<int, std::string>> names;
  if (config_.stun_server && !is_ip_literal(config_.stun_server->host))
    names.emplace_back(-1, config_.stun_server->host);
  for (std::size_t i = 0; i < config_.turn_servers.size(); ++i)
    if (!is_ip_literal(config_.turn_servers[i].host))
      names.emplace_back(static_cast<int>(i), config_.turn_servers[i].host);
  if (names.empty()) return;
  if (!server_cancel_) server_cancel_.reset(g_cancellable_new());
  lookup_done_.assign(config_.turn_servers.size() + 1, true);
  for (const auto &n : names) lookup_done_[n.first + 1] = false;
  // GLib 2.74's resolver has no timeout: a DNS server that never answers
  // must not hold host candidates back for long.
  lookup_timer_.reset(g_timeout_source_new(kServerLookupTimeoutMs));
  g_source_set_callback(lookup_timer_.get(), on_lookup_timeout, this, nullptr);
  g_source_attach(lookup_timer_.get(), ctx_->main_context());
  GResolver *resolver = g_resolver_get_default();
  pending_lookups_ = static_cast<int>(names.size());
  for (const auto &[index, name] : names) {
    g_debug("%p resolving server %s", static_cast<void *>(this), name.c_str());
    auto *lookup = new ServerLookup{
        this, index, CancellablePtr(static_cast<GCancellable *>(g_object_ref(server_cancel_.get())))};
    // Started on the network thread (its context is the thread-default), so
    // the answer arrives there, serialized with every agent callback. GLib's
    // resolver waits for DNS on a worker thread of its own.
    g_resolver_lookup_by_name_async(
        resolver, name.c_str(), lookup->cancel.get(),
        [](GObject *source, GAsyncResult *result, gpointer data) {
          std::unique_ptr<ServerLookup> lookup(static_cast<ServerLookup *>(data));
          GError *error = nullptr;
          GList *addresses = g_resolver_lookup_by_name_finish(G_RESOLVER(source), result, &error);
          if (!g_cancellable_is_cancelled(lookup->cancel.get()))
            lookup->agent->on_server_resolved(lookup->index, addresses, error);
          g_clear_error(&error);
          g_resolver_free_addresses(addresses);
        },
        lookup);
  }
  g_object_unref(resolver);
}

namespace {

// IPv4 first (what libnice gathers on for loopback-only and most hosts),
// else the first address; as text.
std::string pick_address(GList *addresses) {
  GInetAddress *chosen = nullptr;
  for (GList *l = addresses; l; l = l->next) {
    auto *a = G_INET_ADDRESS(l->data);
    if (!chosen || (g_inet_address_get_family(a) == G_SOCKET_FAMILY_IPV4 &&
                    g_inet_address_get_family(chosen) != G_SOCKET_FAMILY_IPV4))
      chosen = a;
  }
  if (!chosen) return {};
  GCharPtr text(g_inet_address_to_string(chosen));
  return text.get();
}

}  // namespace

gboolean IceAgent::on_lookup_timeout(gpointer data) {
  auto *self = static_cast<IceAgent *>(data);
  self->lookup_timer_.reset();
  GError *error =
      g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no answer within %u ms", kServerLookupTimeoutMs);
  for (std::size_t slot = 0; slot < self->lookup_done_.size() && self->agent_; ++slot)
    if (!self->lookup_done_[slot]) self->on_server_resolved(static_cast<int>(slot) - 1, nullptr, error);
  g_error_free(error);
  return G_SOURCE_REMOVE;
}

void IceAgent::on_server_resolved(int index, GList *addresses, const GError *error) {
  if (!agent_) return;
  // A late answer after the timeout gave up on this name.
  if (lookup_done_[index + 1]) return;
  lookup_done_[index + 1] = true;
  const std::string &url = index < 0 ? config_.stun_server->url : config_.turn_servers[index].url;
  const std::string &name = index < 0 ? config_.stun_server->host : config_.turn_servers[index].host;
  std::string ip = error ? std::string() : pick_address(addresses);
  if (ip.empty()) {
    std::string text =
        "host name " + name + " did not resolve" + (error ? std::string(": ") + error->message : "");
    g_debug("%p %s", static_cast<void *>(this), text.c_str());
    if (server_error_cb_) server_error_cb_(url, text);
  } else if (index < 0) {
    g_debug("%p STUN server %s is %s", static_cast<void *>(this), name.c_str(), ip.c_str());
    g_object_set(agent_.get(), "stun-server", ip.c_str(), "stun-server-port",
                 static_cast<guint>(config_.stun_server->port), nullptr);
  } else {
    g_debug("%p TURN server %s is %s", static_cast<void *>(this), name.c_str(), ip.c_str());
    TurnServer t = config_.turn_servers[index];
    // The certificate of a turns: server names the host, not its address.
    if (t.transport != RelayTransport::Tls) t.host = ip;
    if (auto st = add_turn(agent_.get(), stream_id_, t); !st && server_error_cb_)
      server_error_cb_(t.url, st.error().message);
  }
  if (--pending_lookups_ > 0) return;
  if (lookup_timer_) {
    g_source_destroy(lookup_timer_.get());
    lookup_timer_.reset();
  }
  if (!nice_agent_gather_candidates(agent_.get(), stream_id_)) {
    g_warning("libnice could not gather candidates");
    set_gathering(GatheringState::Complete);
  }
}

std::vector<std::string> IceAgent::local_candidate_strings() const {
  std::lock_guard lock(data_mutex_);
  std::vector<std::string> out;
  out.reserve(local_candidates_.size());
  for (const auto &c : local_candidates_) out.push_back(jsep::serialize_candidate(c));
  return out;
}

void IceAgent::add_pending_locked() {
  if (pending_remote_.empty()) return;
  GSList *list = nullptr;
  for (auto &c : pending_remote_) list = g_slist_append(list, c.get());
  // libnice copies the candidates; the list cells are ours.
  int added = nice_agent_set_remote_candidates(agent_.get(), stream_id_, kComponent, list);
  g_slist_free(list);
  if (added < static_cast<int>(pending_remote_.size()))
    g_debug("libnice took %d of %zu remote candidates", added, pending_remote_.size());
  pending_remote_.clear();
}

jsep::Status IceAgent::set_remote_credentials(const Credentials &creds) {
  if (auto st = check_credentials(creds); !st) return st;
  jsep::Status status = jsep::Ok{};
  ctx_->invoke_sync([&] {
    if (!agent_) {
      status = closed_error();
      return;
    }
    if (!nice_agent_set_remote_credentials(agent_.get(), stream_id_, creds.ufrag.c_str(),
                                           creds.pwd.c_str())) {
      status = jsep::make_error(jsep::ErrorCode::Operation, "libnice refused the remote credentials");
      return;
    }
    remote_creds_set_ = true;
    add_pending_locked();
    if (remote_eoc_) nice_agent_peer_candidate_gathering_done(agent_.get(), stream_id_);
  });
  return status;
}

jsep::Status IceAgent::add_remote_candidate(std::string_view candidate) {
  // Parsed here, off the network thread: hostile text never reaches libnice.
  auto parsed = jsep::parse_candidate(candidate);
  if (!parsed) return parsed.error();
  if (parsed->is_mdns()) {
    jsep::Status status = jsep::Ok{};
    ctx_->invoke_sync([&] {
      if (!agent_) {
        status = closed_error();
        return;
      }
      resolve_mdns_locked(*parsed);
    });
    return status;
  }
  auto nc = to_nice(*parsed, stream_id_);
  if (!nc) return nc.error();

  jsep::Status status = jsep::Ok{};
  ctx_->invoke_sync([&] {
    if (!agent_) {
      status = closed_error();
      return;
    }
    add_remote_locked(std::move(nc.value()));
  });
  return status;
}

void IceAgent::add_remote_locked(NiceCandidatePtr candidate) {
  pending_remote_.push_back(std::move(candidate));
  // Without the remote ufrag/pwd checks cannot be authenticated; hold the
  // candidate until set_remote_credentials.
  if (remote_creds_set_) add_pending_locked();
}

namespace {

// One system resolver lookup in flight. It holds its own reference to the
// agent's cancellable: when the agent is torn down first, the callback sees
// the cancellation and never touches the (possibly freed) agent.
struct ResolverLookup {
  IceAgent *agent;
  std::shared_ptr<IceAgent::NameLookup> lookup;
  CancellablePtr cancel;
};

}  // namespace

void IceAgent::resolve_mdns_locked(const jsep::Candidate &candidate) {
  if (!resolve_cancel_) resolve_cancel_.reset(g_cancellable_new());
  auto lookup = std::make_shared<NameLookup>();
  lookup->candidate = candidate;
  lookup->pending = 1;
  // Our own questions where the agent gathers on a non-loopback IPv4
  // address: no avahi/nss-mdns needed (browsers' names resolve on a bare
  // host). Destroyed with the agent or on restart, so `this` outlives it.
  const std::vector<std::string> interfaces = mdns_interfaces(config_.local_addresses);
  if (!interfaces.empty()) {
    ++lookup->pending;
    const unsigned id = next_mdns_query_++;
    mdns_queries_.emplace(id, std::make_unique<MdnsQuery>(
                                  candidate.address, interfaces, [this, id, lookup](std::optional<std::string> a) {
                                    mdns_queries_.erase(id);
                                    g_debug("our mDNS question for %s: %s", lookup->candidate.address.c_str(),
                                            a ? a->c_str() : "no answer");
                                    on_mdns_resolved(lookup, a ? *a : std::string(), "no mDNS answer");
                                  }));
  }
  auto *pending = new ResolverLookup{
      this, lookup, CancellablePtr(static_cast<GCancellable *>(g_object_ref(resolve_cancel_.get())))};
  GResolver *resolver = g_resolver_get_default();
  // Started on the network thread, whose context is its thread-default: the
  // callback runs there too, serialized with every other agent callback.
  g_resolver_lookup_by_name_async(
      resolver, candidate.address.c_str(), pending->cancel.get(),
      [](GObject *source, GAsyncResult *result, gpointer data) {
        std::unique_ptr<ResolverLookup> pending(static_cast<ResolverLookup *>(data));
        GError *error = nullptr;
        GList *addresses = g_resolver_lookup_by_name_finish(G_RESOLVER(source), result, &error);
        if (!g_cancellable_is_cancelled(pending->cancel.get())) {
          // Prefer IPv4 (what libnice gathered on loopback-only hosts), else the first.
          const std::string address = error ? std::string() : pick_address(addresses);
          pending->agent->on_mdns_resolved(pending->lookup, address,
                                           error ? error->message : "the system resolver has no address");
        }
        g_clear_error(&error);
        g_resolver_free_addresses(addresses);
      },
      pending);
  g_object_unref(resolver);
}

void IceAgent::on_mdns_resolved(const std::shared_ptr<NameLookup> &lookup, const std::string &address,
                                const char *failure) {
  --lookup->pending;
  if (!agent_ || lookup->settled) return;
  const std::string &name = lookup->candidate.address;
  if (address.empty()) {
    if (lookup->pending == 0) g_debug("dropping mDNS candidate %s: %s", name.c_str(), failure);
    return;
  }
  lookup->settled = true;
  g_debug("mDNS candidate %s is %s", name.c_str(), address.c_str());
  jsep::Candidate candidate = lookup->candidate;
  candidate.address = address;
  auto nc = to_nice(candidate, stream_id_);
  if (!nc) {
    g_debug("dropping mDNS candidate: %s", nc.error().message.c_str());
    return;
  }
  add_remote_locked(std::move(nc.value()));
}

void IceAgent::end_of_remote_candidates() {
  ctx_->invoke_sync([&] {
    if (!agent_) return;
    remote_eoc_ = true;
    if (remote_creds_set_) nice_agent_peer_candidate_gathering_done(agent_.get(), stream_id_);
  });
}

std::size_t IceAgent::max_probe_size() const {
  auto pair = selected_pair();
  if (!pair) return 0;
  if (pair->local.type == jsep::CandidateType::Relay || pair->remote.type == jsep::CandidateType::Relay) return 0;
  if (pair->local.is_tcp()) return 65535;
  // A connected UDP socket asks the routing table (and the PMTU cache)
  // without sending anything.
  sockaddr_storage ss{};
  socklen_t len = 0;
  bool v6 = false;
  auto *in4 = reinterpret_cast<sockaddr_in *>(&ss);
  auto *in6 = reinterpret_cast<sockaddr_in6 *>(&ss);
  if (inet_pton(AF_INET, pair->remote.address.c_str(), &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(pair->remote.port);
    len = sizeof(*in4);
  } else if (inet_pton(AF_INET6, pair->remote.address.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(pair->remote.port);
    len = sizeof(*in6);
    v6 = true;
  } else {
    return 0;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  int mtu = 0;
  socklen_t mtu_len = sizeof(mtu);
  bool ok = connect(fd, reinterpret_cast<sockaddr *>(&ss), len) == 0 &&
            getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MTU : IP_MTU, &mtu, &mtu_len) == 0;
  ::close(fd);
  const int headers = v6 ? 48 : 28;
  return ok && mtu > headers ? static_cast<std::size_t>(mtu - headers) : 0;
}

std::optional<CandidatePair> IceAgent::selected_pair() const {
  std::lock_guard lock(data_mutex_);
  return selected_;
}

jsep::Result<std::size_t> IceAgent::send(const std::uint8_t *data, std::size_t size) {
  if (size > G_MAXUINT) return jsep::make_error(jsep::ErrorCode::Operation, "datagram too large");
  std::lock_guard lock(send_mutex_);
  if (!agent_) return closed_error();
  gint n = nice_agent_send(agent_.get(), stream_id_, kComponent, static_cast<guint>(size),
                           reinterpret_cast<const gchar *>(data));
  if (n < 0) {
    TransportState s = state_.load();
    if (s != TransportState::Connected && s != TransportState::Completed)
      return jsep::make_error(jsep::ErrorCode::InvalidState, "ICE transport is not connected");
    return jsep::make_error(jsep::ErrorCode::Operation, "send failed");
  }
  note_sent();
  return static_cast<std::size_t>(n);
}

jsep::Result<std::size_t> IceAgent::send_batch(const Datagram *datagrams, std::size_t count) {
  if (count == 0) return std::size_t{0};
  // Small batches on the stack; libnice reads the vectors during the call.
  constexpr std::size_t kMax = 64;
  GOutputVector vecs[kMax];
  NiceOutputMessage msgs[kMax];
  std::size_t done = 0;
  std::lock_guard lock(send_mutex_);
  if (!agent_) return closed_error();
  while (done < count) {
    std::size_t n = std::min(kMax, count - done);
    for (std::size_t i = 0; i < n; ++i) {
      vecs[i].buffer = datagrams[done + i].data;
      vecs[i].size = datagrams[done + i].size;
      msgs[i].buffers = &vecs[i];
      msgs[i].n_buffers = 1;
    }
    gint sent = nice_agent_send_messages_nonblocking(agent_.get(), stream_id_, kComponent, msgs,
                                                     static_cast<guint>(n), nullptr, nullptr);
    if (sent < 0) {
      if (done > 0) return done;
      TransportState s = state_.load();
      if (s != TransportState::Connected && s != TransportState::Completed)
        return jsep::make_error(jsep::ErrorCode::InvalidState, "ICE transport is not connected");
      return jsep::make_error(jsep::ErrorCode::Operation, "send failed");
    }
    done += static_cast<std::size_t>(sent);
    // A short count means the socket would block: what is left is dropped
    // like any datagram the network loses.
    if (static_cast<std::size_t>(sent) < n) break;
  }
  if (done > 0) note_sent();
  return done;
}

void IceAgent::set_controlling(bool controlling) {
  ctx_->invoke_sync([&] {
    config_.controlling = controlling;
    if (agent_) g_object_set(agent_.get(), "controlling-mode", controlling ? TRUE : FALSE, nullptr);
  });
}

jsep::Status IceAgent::restart(const std::optional<Credentials> &creds) {
  if (creds) {
    if (auto st = check_credentials(*creds); !st) return st;
  }
  jsep::Status status = jsep::Ok{};
  ctx_->invoke_sync([&] {
    if (!agent_) {
      status = closed_error();
      return;
    }
    // restart_stream generates fresh credentials and drops the remote ones
    // and the remote candidates; ours are set over the generated ones.
    if (!nice_agent_restart_stream(agent_.get(), stream_id_)) {
      status = jsep::make_error(jsep::ErrorCode::Operation, "libnice could not restart the stream");
      return;
    }
    if (creds && !nice_agent_set_local_credentials(agent_.get(), stream_id_, creds->ufrag.c_str(),
                                                   creds->pwd.c_str())) {
      status = jsep::make_error(jsep::ErrorCode::Operation, "libnice refused the local credentials");
      return;
    }
    remote_creds_set_ = false;
    remote_eoc_ = false;
    pending_remote_.clear();
    // Names of the old generation resolve to candidates nobody wants now.
    if (resolve_cancel_) g_cancellable_cancel(resolve_cancel_.get());
    resolve_cancel_.reset();
    mdns_queries_.clear();
  });
  return status;
}

void IceAgent::set_state(TransportState s) {
  if (state_.exchange(s) == s) return;
  g_debug("%p state %s", static_cast<void *>(this), to_string(s));
  if (state_cb_) state_cb_(s);
}

void IceAgent::set_gathering(GatheringState s) {
  if (gathering_.exchange(s) == s) return;
  if (gathering_cb_) gathering_cb_(s);
}

void IceAgent::on_new_candidate_full(NiceAgent *, NiceCandidate *cand, gpointer data) {
  auto *self = static_cast<IceAgent *>(data);
  jsep::Candidate c = from_nice(*cand);
  {
    std::lock_guard lock(self->data_mutex_);
    self->local_candidates_.push_back(c);
  }
  if (self->candidate_cb_) self->candidate_cb_(c);
}

void IceAgent::on_gathering_done(NiceAgent *, guint, gpointer data) {
  static_cast<IceAgent *>(data)->set_gathering(GatheringState::Complete);
}

void IceAgent::on_component_state(NiceAgent *, guint, guint, guint state, gpointer data) {
  auto *self = static_cast<IceAgent *>(data);
  switch (static_cast<NiceComponentState>(state)) {
    case NICE_COMPONENT_STATE_DISCONNECTED:
      // libnice starts here too; only a loss after success is "disconnected".
      if (self->was_connected_) self->set_state(TransportState::Disconnected);
      break;
    case NICE_COMPONENT_STATE_GATHERING:
      break;
    case NICE_COMPONENT_STATE_CONNECTING:
      self->set_state(TransportState::Checking);
      break;
    case NICE_COMPONENT_STATE_CONNECTED:
      self->was_connected_ = true;
      self->live_state_ = TransportState::Connected;
      self->idle_disconnected_ = false;
      self->note_received();
      self->start_idle_timer();
      self->set_state(TransportState::Connected);
      break;
    case NICE_COMPONENT_STATE_READY:
      self->was_connected_ = true;
      // W3C "completed": checks done and neither side has more candidates.
      if (self->remote_eoc_ && self->gathering_.load() == GatheringState::Complete)
        self->live_state_ = TransportState::Completed;
      else
        self->live_state_ = TransportState::Connected;
      self->idle_disconnected_ = false;
      self->note_received();
      self->start_idle_timer();
      self->set_state(self->live_state_);
      break;
    case NICE_COMPONENT_STATE_FAILED:
      self->set_state(TransportState::Failed);
      break;
    default:
      break;
  }
}

void IceAgent::on_selected_pair_full(NiceAgent *agent, guint stream_id, guint component, NiceCandidate *local,
                                     NiceCandidate *remote, gpointer data) {
  auto *self = static_cast<IceAgent *>(data);
  // The default receive buffer (≈ 208 KiB on Linux) overflows under bulk
  // data-channel bursts; the kernel caps the request at net.core.rmem_max.
  if (GSocket *socket = nice_agent_get_selected_socket(agent, stream_id, component)) {
    int size = kReceiveBufferBytes;
    if (setsockopt(g_socket_get_fd(socket), SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0)
      g_debug("SO_RCVBUF %d refused: %s", size, g_strerror(errno));
    g_object_unref(socket);
  }
  CandidatePair pair{from_nice(*local), from_nice(*remote)};
  {
    std::lock_guard lock(self->data_mutex_);
    self->selected_ = pair;
  }
  self->has_selected_.store(true);
  if (self->pair_cb_) self->pair_cb_(pair);
}

void IceAgent::start_idle_timer() {
  if (idle_timer_ || config_.disconnect_timeout_ms == 0) return;
  idle_timer_.reset(g_timeout_source_new(std::max(100u, config_.disconnect_timeout_ms / 4)));
  g_source_set_callback(idle_timer_.get(), on_idle_tick, this, nullptr);
  g_source_attach(idle_timer_.get(), ctx_->main_context());
}

void IceAgent::note_received() {
  last_rx_.store(g_get_monotonic_time(), std::memory_order_relaxed);
  first_unanswered_tx_.store(0, std::memory_order_relaxed);
}

void IceAgent::note_sent() {
  // A datagram sent soon after one arrived answers it (an ACK, a SACK):
  // only one sent after a pause is a question that wants an answer.
  if (first_unanswered_tx_.load(std::memory_order_relaxed) != 0) return;
  const gint64 now = g_get_monotonic_time();
  if (now - last_rx_.load(std::memory_order_relaxed) > kReplyWindow)
    first_unanswered_tx_.store(now, std::memory_order_relaxed);
}

gboolean IceAgent::on_idle_tick(gpointer data) {
  auto *self = static_cast<IceAgent *>(data);
  TransportState s = self->state_.load();
  // Silence alone is not a loss: libnice answers the peer's consent checks
  // and never shows us its answers, so a link idle both ways would look
  // dead. Disconnected means: nothing heard for the timeout although we
  // spoke (not merely acknowledged what came last) and got no answer
  // within the grace time. A data channel's SCTP heartbeats are such
  // speech on an idle channel.
  const gint64 now = g_get_monotonic_time();
  const gint64 timeout = gint64(self->config_.disconnect_timeout_ms) * 1000;
  const gint64 asked = self->first_unanswered_tx_.load(std::memory_order_relaxed);
  if ((s == TransportState::Connected || s == TransportState::Completed) &&
      now - self->last_rx_.load(std::memory_order_relaxed) > timeout && asked != 0 &&
      now - asked > std::min<gint64>(timeout / 2, kAnswerGrace)) {
    g_debug("%p nothing received for %u ms: disconnected", static_cast<void *>(self),
            self->config_.disconnect_timeout_ms);
    self->idle_disconnected_ = true;
    self->set_state(TransportState::Disconnected);
  }
  return G_SOURCE_CONTINUE;
}

void IceAgent::on_recv(NiceAgent *, guint, guint, guint len, gchar *buf, gpointer data) {
  auto *self = static_cast<IceAgent *>(data);
  self->note_received();
  if (self->idle_disconnected_ && self->state_.load() == TransportState::Disconnected) {
    self->idle_disconnected_ = false;
    self->set_state(self->live_state_);
  }
  if (self->receive_cb_) self->receive_cb_(reinterpret_cast<const std::uint8_t *>(buf), len);
}

}  // namespace gst_rtc::ice
