// One ICE agent (RFC 8445, trickle per RFC 8838, ICE-TCP per RFC 6544) on
// libnice: one stream with one component, as max-bundle + rtcp-mux needs.
//
// Threading: every libnice call that can emit a signal runs on the shared
// network thread (NetworkContext), so all callbacks (candidates, gathering
// state, transport state, selected pair, received data) arrive there, one at
// a time. Callbacks are plain members read there: set them before gather()
// (or while their event cannot fire), and never destroy the IceAgent from
// one. The other methods may be called from any thread, the network thread
// included; send() is safe from several threads at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "candidate.h"
#include "ice-context.h"
#include "ice-mdns.h"
#include "ice-ptr.h"
#include "ice-server.h"
#include "ice-tls-bridge.h"
#include "result.h"

namespace gst_rtc::ice {

// W3C RTCIceGatheringState.
enum class GatheringState { New, Gathering, Complete };
// W3C RTCIceTransportState.
enum class TransportState { New, Checking, Connected, Completed, Failed, Disconnected, Closed };

const char *to_string(GatheringState s);
const char *to_string(TransportState s);

struct IceConfig {
  bool controlling = true;
  // Interfaces to gather on. Default loopback only: nothing is gathered on
  // (or sent from) an address the caller did not name.
  std::vector<std::string> local_addresses{"127.0.0.1"};
  bool udp = true;
  bool tcp = false;
  // Inclusive local port range; 0/0 lets the OS pick.
  std::uint16_t min_port = 0;
  std::uint16_t max_port = 0;
  // Server-reflexive candidates through this STUN server (IP literal or a
  // host name, resolved when gathering starts).
  std::optional<StunServer> stun_server;
  // Relay candidates through these TURN servers (IP literals or names).
  std::vector<TurnServer> turn_servers;
  // PEM CA file trusted for turns: servers; empty = the system store.
  std::string turn_tls_ca_file;
  // W3C iceTransportPolicy "relay": only relay candidates are used
  // (libnice force-relay: host and srflx candidates are not signalled).
  bool relay_only = false;
  // UPnP IGD port mapping (libnice's default is on; ours is off: it sends
  // SSDP multicast on every interface).
  bool upnp = false;
  // IP TOS / DSCP byte set on every socket of the stream; -1 leaves it.
  int tos = -1;
  // RFC 7675 consent freshness: the peer must keep answering binding
  // requests or the transport fails (libnice's timers: ~5 s checks, 30 s).
  bool consent_freshness = false;
  // W3C "disconnected": no datagram from the peer for this long while
  // connected (libnice reports only connected and failed); the next
  // datagram brings the state back. 0 disables the check.
  unsigned disconnect_timeout_ms = 0;
};

struct Credentials {
  std::string ufrag;
  std::string pwd;
};

struct CandidatePair {
  jsep::Candidate local;
  jsep::Candidate remote;
};

// How long gather() waits for a STUN/TURN server name before it reports the
// name as unresolved and gathers without that server.
inline constexpr unsigned kServerLookupTimeoutMs = 5000;

class IceAgent {
 public:
  using CandidateCallback = std::function<void(const jsep::Candidate &)>;
  using GatheringCallback = std::function<void(GatheringState)>;
  using StateCallback = std::function<void(TransportState)>;
  using PairCallback = std::function<void(const CandidatePair &)>;
  using ReceiveCallback = std::function<void(const std::uint8_t *data, std::size_t size)>;
  // A STUN/TURN server that cannot be used (its name did not resolve): the
  // URL as given and why. Gathering goes on without it.
  using ServerErrorCallback = std::function<void(const std::string &url, const std::string &text)>;

  // One datagram for send_batch().
  struct Datagram {
    const std::uint8_t *data;
    std::size_t size;
  };

  // Creates the NiceAgent (RFC 5245 compatibility, trickle on, UPnP off, no
  // STUN/TURN servers) and its stream. Fails with ErrorCode::Operation when
  // libnice refuses the configuration (bad address, no transport enabled).
  static jsep::Result<std::unique_ptr<IceAgent>> create(const IceConfig &config);

  IceAgent(const IceAgent &) = delete;
  IceAgent &operator=(const IceAgent &) = delete;
  // Closes (see close()). Must not run inside one of this agent's callbacks.
  ~IceAgent();

  void on_candidate(CandidateCallback cb) { candidate_cb_ = std::move(cb); }
  void on_gathering_state(GatheringCallback cb) { gathering_cb_ = std::move(cb); }
  void on_state(StateCallback cb) { state_cb_ = std::move(cb); }
  void on_selected_pair(PairCallback cb) { pair_cb_ = std::move(cb); }
  void on_receive(ReceiveCallback cb) { receive_cb_ = std::move(cb); }
  void on_server_error(ServerErrorCallback cb) { server_error_cb_ = std::move(cb); }

  Credentials local_credentials() const;
  // RFC 8445 5.3: ufrag 4..256 ice-chars, pwd 22..256. ErrorCode::Syntax if not.
  jsep::Status set_local_credentials(const Credentials &creds);

  // Starts gathering host candidates on the configured addresses. Each
  // candidate is reported through on_candidate, then the gathering state
  // goes to Complete.
  //
  // STUN/TURN servers given by name are first resolved with the default
  // GResolver, asynchronously on the network thread (IPv4 preferred); libnice
  // gathers once every lookup has answered, so the state goes to Complete
  // only after every server's outcome is known. A name that does not
  // resolve (or gives no answer within kServerLookupTimeoutMs) is reported
  // through on_server_error and left out.
  jsep::Status gather();
  // The TURN servers libnice was given, with resolved addresses (network
  // thread only; complete once gathering is Complete).
  const std::vector<TurnServer> &turn_servers() const { return turn_servers_; }
  // The candidates gathered so far, in "candidate:..." form.
  std::vector<std::string> local_candidate_strings() const;

  // Remote candidates added before this are kept and handed to libnice here,
  // so trickled candidates may come before the answer's credentials.
  jsep::Status set_remote_credentials(const Credentials &creds);
  // Validates `candidate` (a=candidate value, with or without "candidate:")
  // with the JSEP grammar; Syntax for malformed text, Operation for an
  // unknown component or unusable address. An mDNS (.local) candidate
  // returns success at once and is resolved asynchronously with the system
  // resolver (GResolver: nss-mdns where installed); it joins the checks when
  // its name resolves and is dropped with a debug message when it does not.
  jsep::Status add_remote_candidate(std::string_view candidate);
  // The remote sent end-of-candidates (RFC 8838 section 8).
  void end_of_remote_candidates();

  TransportState state() const { return state_.load(); }
  GatheringState gathering_state() const { return gathering_.load(); }
  std::optional<CandidatePair> selected_pair() const;
  // Cheap check for the send path: a pair has been selected (it survives an
  // ICE restart until a new one replaces it).
  bool has_selected_pair() const { return has_selected_.load(std::memory_order_relaxed); }

  // The largest path MTU probe (RFC 8899) the selected pair may carry: 0
  // through a TURN relay on either side (the relay may fragment or refuse
  // it: no probe passes), 65535 on ICE-TCP (frames cross whole), and on UDP
  // the kernel's path MTU to the remote address (route MTU, or less once
  // ICMP said so) minus the IP and UDP headers. 0 without a selected pair.
  std::size_t max_probe_size() const;
  // Sends one datagram (one RFC 4571 frame on ICE-TCP) on the selected pair.
  // Returns the bytes sent; ErrorCode::InvalidState when not connected or
  // closed, Operation when the socket refuses it.
  jsep::Result<std::size_t> send(const std::uint8_t *data, std::size_t size);
  // Sends several datagrams with one libnice call (one agent lock, one
  // sendmmsg-style pass). Returns how many were sent; errors as send().
  jsep::Result<std::size_t> send_batch(const Datagram *datagrams, std::size_t count);

  // Switches the ICE role (before or during checks: libnice re-resolves a
  // role conflict either way).
  void set_controlling(bool controlling);
  // True on the shared network thread (where callbacks run).
  bool on_network_thread() const { return ctx_->is_network_thread(); }
  // The configuration this agent was created with.
  const IceConfig &config() const { return config_; }

  // ICE restart (RFC 8445 section 9): new local credentials (generated when
  // `creds` is empty), remote credentials and candidates forgotten until the
  // peer's new ones are set. Local candidates are kept, so no new gathering.
  jsep::Status restart(const std::optional<Credentials> &creds = std::nullopt);

  // Stops the agent: state becomes Closed (the last on_state call), and no
  // callback runs after this returns. Idempotent.
  void close();

 private:
  explicit IceAgent(std::shared_ptr<NetworkContext> ctx);
  jsep::Status init(const IceConfig &config);
  void teardown_on_network_thread();
  void set_state(TransportState s);
  void set_gathering(GatheringState s);
  void add_pending_locked();
  void add_remote_locked(NiceCandidatePtr candidate);
  void resolve_mdns_locked(const jsep::Candidate &candidate);
  jsep::Status add_turn(NiceAgent *agent, guint stream, const TurnServer &t);
  void resolve_servers_locked();

 public:
  // One remote `.local` name being resolved by the system resolver and, in
  // parallel, our own mDNS questions: the first address wins.
  struct NameLookup {
    jsep::Candidate candidate;
    int pending = 0;
    bool settled = false;
  };
  // The end of one of a name's lookups (network thread), `address` empty
  // when it failed. Not for callers.
  void on_mdns_resolved(const std::shared_ptr<NameLookup> &lookup, const std::string &address,
                        const char *failure);
  // The end of a STUN/TURN server name lookup (network thread). `index` is
  // -1 for the STUN server, else the TURN server's. Not for callers.
  void on_server_resolved(int index, GList *addresses, const GError *error);

 private:
  void start_idle_timer();
  static gboolean on_idle_tick(gpointer self);
  static gboolean on_lookup_timeout(gpointer self);

  static void on_new_candidate_full(NiceAgent *agent, NiceCandidate *cand, gpointer self);
  static void on_gathering_done(NiceAgent *agent, guint stream_id, gpointer self);
  static void on_component_state(NiceAgent *agent, guint stream_id, guint component, guint state,
                                 gpointer self);
  static void on_selected_pair_full(NiceAgent *agent, guint stream_id, guint component, NiceCandidate *local,
                                    NiceCandidate *remote, gpointer self);
  static void on_recv(NiceAgent *agent, guint stream_id, guint component, guint len, gchar *buf,
                      gpointer self);

  std::shared_ptr<NetworkContext> ctx_;
  IceConfig config_;
  // Guards agent_ against close() while send() uses it from another thread.
  mutable std::mutex send_mutex_;
  AgentPtr agent_;
  guint stream_id_ = 0;

  // Touched on the network thread only (through invoke_sync).
  bool remote_creds_set_ = false;
  bool remote_eoc_ = false;
  bool was_connected_ = false;
  // The connected state to return to when data flows again after an idle
  // "disconnected" (Connected or Completed).
  TransportState live_state_ = TransportState::Connected;
  bool idle_disconnected_ = false;
  SourcePtr idle_timer_;
  // One per turns: server (network thread only).
  std::vector<std::unique_ptr<TlsBridge>> bridges_;
  std::vector<NiceCandidatePtr> pending_remote_;
  // Cancels the remote mDNS lookups in flight when the agent is torn down.
  CancellablePtr resolve_cancel_;
  // Our own mDNS questions in flight (network thread), by lookup id;
  // cleared with resolve_cancel_.
  std::map<unsigned, std::unique_ptr<MdnsQuery>> mdns_queries_;
  unsigned next_mdns_query_ = 0;
  // Cancels the server name lookups in flight when the agent is torn down
  // (not on ICE restart, unlike resolve_cancel_).
  CancellablePtr server_cancel_;
  // Server name lookups still running; libnice gathers when it reaches 0.
  int pending_lookups_ = 0;
  // Per server (0 = STUN, 1 + i = TURN i): its lookup has answered or was
  // given up by lookup_timer_ (network thread).
  std::vector<bool> lookup_done_;
  SourcePtr lookup_timer_;
  // The TURN servers handed to libnice (resolved), see turn_servers().
  std::vector<TurnServer> turn_servers_;
  // Monotonic µs of the last datagram received.
  std::atomic<gint64> last_rx_{0};
  // Monotonic µs of the first datagram sent after a pause of kReplyWindow
  // since the last one received, 0 once the peer was heard again (sending
  // threads and the network thread).
  std::atomic<gint64> first_unanswered_tx_{0};
  static constexpr gint64 kReplyWindow = 500 * 1000;
  static constexpr gint64 kAnswerGrace = 2000 * 1000;
  void note_received();
  void note_sent();

  std::atomic<TransportState> state_{TransportState::New};
  std::atomic<GatheringState> gathering_{GatheringState::New};
  std::atomic<bool> has_selected_{false};
  mutable std::mutex data_mutex_;  // guards the two below
  std::vector<jsep::Candidate> local_candidates_;
  std::optional<CandidatePair> selected_;

  CandidateCallback candidate_cb_;
  GatheringCallback gathering_cb_;
  StateCallback state_cb_;
  PairCallback pair_cb_;
  ReceiveCallback receive_cb_;
  ServerErrorCallback server_error_cb_;
};

}  // namespace gst_rtc::ice
