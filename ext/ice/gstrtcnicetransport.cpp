/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstrtcnicetransport
 * @title: GstRtcNiceTransport
 *
 * The ICE plugin's #GstRtcIceTransport: one libnice agent (one stream, one
 * component: max-bundle with rtcp-mux) on the process-wide network thread.
 * rtcicesrc and rtcicesink share one; rtcpeerbin drives it through the
 * #GstRtcIceTransport methods and the properties and signals below.
 *
 * Configuration properties (addresses, ports, servers, policy) are read when
 * the agent is created: at the first gather (gst_rtc_ice_transport_gather_candidates()
 * or an element going to PAUSED). Later changes are ignored with a warning,
 * except #GstRtcNiceTransport:controlling and the credentials.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcnicetransport.h"

#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>
#include <nice/interfaces.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ice-agent.h"
#include "ice-server.h"
#include "ice-turn-probe.h"

GST_DEBUG_CATEGORY_STATIC(gst_rtc_nice_transport_debug);
#define GST_CAT_DEFAULT gst_rtc_nice_transport_debug

using namespace gst_rtc;

namespace {

constexpr GParamFlags kRw = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
constexpr GParamFlags kRo = GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
// Received datagrams waiting for rtcicesrc; beyond this the newest are
// dropped (and counted) like a full socket buffer would.
constexpr std::size_t kMaxQueued = 4096;

enum {
  PROP_0,
  PROP_LOCAL_ADDRESSES,
  PROP_ICE_UDP,
  PROP_ICE_TCP,
  PROP_MIN_PORT,
  PROP_MAX_PORT,
  PROP_CONTROLLING,
  PROP_STUN_SERVER,
  PROP_TURN_SERVERS,
  PROP_TURN_TLS_CA_FILE,
  PROP_ICE_TRANSPORT_POLICY,
  PROP_UPNP,
  PROP_TOS,
  PROP_CONSENT_FRESHNESS,
  PROP_DISCONNECT_TIMEOUT,
  PROP_LOCAL_UFRAG,
  PROP_LOCAL_PWD,
  PROP_REMOTE_UFRAG,
  PROP_REMOTE_PWD,
  PROP_REMOTE_CANDIDATES,
  PROP_RECEIVED,
  PROP_RECEIVE_DROPPED,
  PROP_STATS,
  N_PROPS
};
enum { SIGNAL_ON_ICE_CANDIDATE_ERROR, N_SIGNALS };

GParamSpec *props[N_PROPS];
guint signals[N_SIGNALS];

void set_error(GError **error, const jsep::Error &e) {
  g_set_error_literal(error, GST_RTC_ERROR, static_cast<gint>(e.code), e.describe().c_str());
}

std::vector<std::string> strv_to_vector(const gchar *const *v) {
  std::vector<std::string> out;
  for (; v && *v; ++v) out.emplace_back(*v);
  return out;
}

gchar **vector_to_strv(const std::vector<std::string> &v) {
  gchar **out = g_new0(gchar *, v.size() + 1);
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = g_strdup(v[i].c_str());
  return out;
}

// RFC 8445 5.3 credentials from GLib's CSPRNG-seeded generator (libnice
// would make its own; ours are known before the agent exists, so
// local-ufrag can be read for an offer without freezing the configuration).
std::string random_ice_chars(std::size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s(n, 'A');
  for (auto &c : s) c = alphabet[g_random_int_range(0, 64)];
  return s;
}

GstRtcIceTransportState to_gst(ice::TransportState s) {
  switch (s) {
    case ice::TransportState::New:
      return GST_RTC_ICE_TRANSPORT_STATE_NEW;
    case ice::TransportState::Checking:
      return GST_RTC_ICE_TRANSPORT_STATE_CHECKING;
    case ice::TransportState::Connected:
      return GST_RTC_ICE_TRANSPORT_STATE_CONNECTED;
    case ice::TransportState::Completed:
      return GST_RTC_ICE_TRANSPORT_STATE_COMPLETED;
    case ice::TransportState::Failed:
      return GST_RTC_ICE_TRANSPORT_STATE_FAILED;
    case ice::TransportState::Disconnected:
      return GST_RTC_ICE_TRANSPORT_STATE_DISCONNECTED;
    case ice::TransportState::Closed:
      return GST_RTC_ICE_TRANSPORT_STATE_CLOSED;
  }
  return GST_RTC_ICE_TRANSPORT_STATE_NEW;
}

// Every address libnice would pick (no loopback), or loopback when that is
// the only interface: a machine alone still talks to itself (webrtcbin
// gathers nothing there).
std::vector<std::string> every_interface() {
  std::vector<std::string> out;
  GList *ips = nice_interfaces_get_local_ips(FALSE);
  for (GList *l = ips; l; l = l->next) out.emplace_back(static_cast<const char *>(l->data));
  g_list_free_full(ips, g_free);
  if (out.empty()) out.emplace_back("127.0.0.1");
  return out;
}

}  // namespace

struct GstRtcNiceTransportPrivate {
  std::mutex lock;  // guards everything below but the queue
  // Configuration, read when the agent is created.
  std::vector<std::string> local_addresses;
  bool udp = true;
  bool tcp = true;
  guint min_port = 0;
  guint max_port = 0;
  std::string stun_server;
  std::vector<std::string> turn_servers;
  std::string turn_tls_ca_file;
  GstRtcIceTransportPolicy policy = GST_RTC_ICE_TRANSPORT_POLICY_ALL;
  bool upnp = false;
  gint tos = -1;
  bool consent_freshness = true;
  guint disconnect_timeout = 6000;
  ice::Credentials local{random_ice_chars(8), random_ice_chars(24)};
  std::optional<ice::Credentials> remote;
  std::vector<std::string> remote_candidates;

  // The agent, created once and closed in dispose. Engine calls are made
  // with `lock` released: they wait for the network thread, whose callbacks
  // (and the user's notify handlers there) may call back into us.
  std::unique_ptr<ice::IceAgent> agent;
  std::atomic<ice::IceAgent *> live{nullptr};
  bool started = false;
  bool remote_applied = false;
  // Written before the agent gathers, read by its callbacks.
  std::string probe_address;
  std::string probe_ca_file;
  std::atomic<std::size_t> relay_candidates{0};

  // Received datagrams for rtcicesrc.
  std::mutex queue_lock;
  std::condition_variable queue_cv;
  std::deque<GstBuffer *> queue;
  bool flushing = false;
  guint64 received = 0;
  guint64 receive_dropped = 0;

  // W3C transport / candidate-pair counters: datagrams and bytes that went
  // to the socket, and that came from the peer (before the source queue).
  std::atomic<guint64> packets_sent{0}, bytes_sent{0}, packets_received{0}, bytes_received{0};
  std::atomic<guint64> probes_dropped{0};
};

struct _GstRtcNiceTransport {
  GstRtcIceTransport parent;
  GstRtcNiceTransportPrivate *priv;
};

G_DEFINE_TYPE(GstRtcNiceTransport, gst_rtc_nice_transport, GST_RTC_TYPE_ICE_TRANSPORT)

static void emit_candidate_error(GstRtcNiceTransport *self, const std::string &address, guint port,
                                 const std::string &url, guint code, const std::string &text) {
  GstStructure *s =
      gst_structure_new("ice-candidate-error", "address", G_TYPE_STRING, address.c_str(), "port", G_TYPE_UINT,
                        port, "url", G_TYPE_STRING, url.c_str(), "error-code", G_TYPE_UINT, code,
                        "error-text", G_TYPE_STRING, text.c_str(), nullptr);
  GST_INFO_OBJECT(self, "candidate error %u from %s: %s", code, url.c_str(), text.c_str());
  g_signal_emit(self, signals[SIGNAL_ON_ICE_CANDIDATE_ERROR], 0, s);
  gst_structure_free(s);
}

// Gathering done: a configured TURN server that gave no relay candidate is
// asked once more by a probe of ours (libnice 0.1.21 does not tell why an
// allocation failed), so on-ice-candidate-error can say 401 or 701. Runs
// on a thread of its own: the probe waits on the network.
static void finish_gathering(GstRtcNiceTransport *self, const std::vector<ice::TurnServer> &configured) {
  GstRtcNiceTransportPrivate *p = self->priv;
  std::vector<ice::TurnServer> turns;
  if (p->relay_candidates.load() < configured.size()) turns = configured;
  std::string local_address = p->probe_address;
  std::string ca_file = p->probe_ca_file;
  if (turns.empty()) {
    gst_rtc_ice_transport_set_gathering_state(GST_RTC_ICE_TRANSPORT(self),
                                              GST_RTC_ICE_GATHERING_STATE_COMPLETE);
    gst_rtc_ice_transport_new_candidate(GST_RTC_ICE_TRANSPORT(self), nullptr);
    return;
  }
  g_object_ref(self);
  std::size_t relays = p->relay_candidates.load();
  std::thread([self, turns = std::move(turns), local_address = std::move(local_address),
               ca_file = std::move(ca_file), relays] {
    std::size_t failed = 0;
    for (const auto &t : turns) {
      ice::TurnProbeResult r = ice::probe_turn_server(t, local_address, ca_file);
      if (r.ok) continue;
      ++failed;
      emit_candidate_error(self, r.local_address, r.local_port, t.url, r.error_code, r.error_text);
    }
    // Every server answers our probe, yet libnice got fewer relays: say so
    // rather than nothing (the allocation failed for a reason we cannot see).
    if (failed == 0 && relays == 0)
      emit_candidate_error(self, local_address, 0, turns.front().url, 701,
                           "the TURN server accepts the credentials but libnice got no relay candidate");
    gst_rtc_ice_transport_set_gathering_state(GST_RTC_ICE_TRANSPORT(self),
                                              GST_RTC_ICE_GATHERING_STATE_COMPLETE);
    gst_rtc_ice_transport_new_candidate(GST_RTC_ICE_TRANSPORT(self), nullptr);
    g_object_unref(self);
  }).detach();
}

// A STUN message (RFC 8489: first two bits zero, magic cookie). libnice
// passes STUN it could not authenticate up as data (seen while an ICE
// restart swaps credentials); nothing above ICE wants it (RFC 7983 demux
// would drop it too).
static bool is_stun(const std::uint8_t *d, std::size_t n) {
  return n >= 20 && d[0] < 4 && d[4] == 0x21 && d[5] == 0x12 && d[6] == 0xA4 && d[7] == 0x42;
}

static void on_receive(GstRtcNiceTransport *self, const std::uint8_t *data, std::size_t size) {
  GstRtcNiceTransportPrivate *p = self->priv;
  if (is_stun(data, size)) {
    GST_LOG_OBJECT(self, "dropping a %zu-byte STUN message libnice passed up as data", size);
    return;
  }
  p->packets_received.fetch_add(1, std::memory_order_relaxed);
  p->bytes_received.fetch_add(size, std::memory_order_relaxed);
  {
    // Checked before allocating: a stopped source costs no buffer.
    std::lock_guard guard(p->queue_lock);
    if (p->queue.size() >= kMaxQueued) {
      if (p->receive_dropped++ % 1000 == 0)
        GST_DEBUG_OBJECT(self, "receive queue full (rtcicesrc not running?): dropped %" G_GUINT64_FORMAT,
                         p->receive_dropped);
      return;
    }
  }
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, size, nullptr);
  gst_buffer_fill(buf, 0, data, size);
  std::lock_guard guard(p->queue_lock);
  p->queue.push_back(buf);
  ++p->received;
  p->queue_cv.notify_one();
}

static GstStructure *pair_structure(const ice::CandidatePair &pair) {
  std::string local = jsep::serialize_candidate(pair.local);
  std::string remote = jsep::serialize_candidate(pair.remote);
  return gst_structure_new("candidate-pair", "local", G_TYPE_STRING, local.c_str(), "remote", G_TYPE_STRING,
                           remote.c_str(), "local-type", G_TYPE_STRING,
                           std::string(jsep::to_string(pair.local.type)).c_str(), "remote-type",
                           G_TYPE_STRING, std::string(jsep::to_string(pair.remote.type)).c_str(), nullptr);
}

// Builds the engine configuration from the properties.
static jsep::Result<ice::IceConfig> build_config(GstRtcNiceTransportPrivate *p) {
  ice::IceConfig c;
  c.local_addresses = p->local_addresses.empty() ? every_interface() : p->local_addresses;
  c.udp = p->udp;
  c.tcp = p->tcp;
  if (p->min_port > p->max_port) return jsep::make_error(jsep::ErrorCode::Type, "min-port is above max-port");
  c.min_port = static_cast<std::uint16_t>(p->min_port);
  c.max_port = static_cast<std::uint16_t>(p->max_port);
  if (!p->stun_server.empty()) {
    auto s = ice::parse_stun_url(p->stun_server);
    if (!s) return s.error();
    c.stun_server = std::move(s.value());
  }
  for (const auto &url : p->turn_servers) {
    auto t = ice::parse_turn_url(url);
    if (!t) return t.error();
    c.turn_servers.push_back(std::move(t.value()));
  }
  c.turn_tls_ca_file = p->turn_tls_ca_file;
  c.relay_only = p->policy == GST_RTC_ICE_TRANSPORT_POLICY_RELAY;
  if (c.relay_only && c.turn_servers.empty())
    return jsep::make_error(jsep::ErrorCode::InvalidAccess,
                            "ice-transport-policy is relay but no TURN server is configured");
  c.upnp = p->upnp;
  c.tos = p->tos;
  c.consent_freshness = p->consent_freshness;
  c.disconnect_timeout_ms = p->disconnect_timeout;
  return c;
}

// Creates the agent under p->lock (held by the caller).
static gboolean ensure_agent_locked(GstRtcNiceTransport *self, GError **error) {
  GstRtcNiceTransportPrivate *p = self->priv;
  if (p->agent) return TRUE;
  auto config = build_config(p);
  if (!config) {
    set_error(error, config.error());
    return FALSE;
  }
  config->controlling =
      gst_rtc_ice_transport_get_role(GST_RTC_ICE_TRANSPORT(self)) == GST_RTC_ICE_ROLE_CONTROLLING;
  auto agent = ice::IceAgent::create(*config);
  if (!agent) {
    set_error(error, agent.error());
    return FALSE;
  }
  ice::IceAgent &a = *agent.value();
  // Callbacks run on the network thread and touch `self` only: the agent is
  // closed in dispose, while `self` is still alive, so none runs after it.
  a.on_candidate([self](const jsep::Candidate &c) {
    if (c.type == jsep::CandidateType::Relay) ++self->priv->relay_candidates;
    std::string text = jsep::serialize_candidate(c);
    GST_DEBUG_OBJECT(self, "local candidate %s", text.c_str());
    gst_rtc_ice_transport_new_candidate(GST_RTC_ICE_TRANSPORT(self), text.c_str());
  });
  // The callbacks are stored in the agent: `ap` outlives every call.
  ice::IceAgent *ap = &a;
  a.on_gathering_state([self, ap](ice::GatheringState s) {
    if (s == ice::GatheringState::Gathering)
      gst_rtc_ice_transport_set_gathering_state(GST_RTC_ICE_TRANSPORT(self),
                                                GST_RTC_ICE_GATHERING_STATE_GATHERING);
    else if (s == ice::GatheringState::Complete)
      finish_gathering(self, ap->turn_servers());  // only the servers whose names resolved
  });
  // A server whose name did not resolve: W3C 701, gathering goes on.
  a.on_server_error([self](const std::string &url, const std::string &text) {
    emit_candidate_error(self, self->priv->probe_address, 0, url, 701, text);
  });
  a.on_state([self](ice::TransportState s) {
    gst_rtc_ice_transport_set_state(GST_RTC_ICE_TRANSPORT(self), to_gst(s));
  });
  a.on_selected_pair([self](const ice::CandidatePair &pair) {
    GstStructure *s = pair_structure(pair);
    GST_INFO_OBJECT(self, "selected pair %" GST_PTR_FORMAT, s);
    gst_rtc_ice_transport_set_selected_candidate_pair(GST_RTC_ICE_TRANSPORT(self), s);
    gst_structure_free(s);
  });
  a.on_receive([self](const std::uint8_t *d, std::size_t n) { on_receive(self, d, n); });
  if (auto st = a.set_local_credentials(p->local); !st) {
    set_error(error, st.error());
    return FALSE;
  }
  p->probe_ca_file = config->turn_tls_ca_file;
  p->probe_address = config->local_addresses.front();
  p->agent = std::move(agent.value());
  p->live.store(p->agent.get());
  return TRUE;
}

static void warn_if_frozen(GstRtcNiceTransport *self, GParamSpec *pspec) {
  if (self->priv->agent)
    GST_WARNING_OBJECT(
        self, "%s changed after the agent was created: takes effect on the next transport only", pspec->name);
}

// Applies remote-ufrag/-pwd and remote-candidates (the static, no-signalling
// path) once, after gathering started.
static gboolean apply_remote(GstRtcNiceTransport *self, GError **error) {
  GstRtcNiceTransportPrivate *p = self->priv;
  std::optional<ice::Credentials> remote;
  std::vector<std::string> candidates;
  ice::IceAgent *agent = nullptr;
  {
    std::lock_guard guard(p->lock);
    if (!p->agent || p->remote_applied) return TRUE;
    remote = p->remote;
    candidates = p->remote_candidates;
    agent = p->agent.get();
    p->remote_applied = remote.has_value() || !candidates.empty();
  }
  if (remote) {
    if (auto st = agent->set_remote_credentials(*remote); !st) {
      set_error(error, st.error());
      return FALSE;
    }
  }
  for (const auto &c : candidates) {
    if (auto st = agent->add_remote_candidate(c); !st) {
      set_error(error, st.error());
      return FALSE;
    }
  }
  // A fixed candidate list is complete by definition.
  if (!candidates.empty()) agent->end_of_remote_candidates();
  return TRUE;
}

// The agent, created on first use (this freezes the configuration).
static ice::IceAgent *get_agent(GstRtcNiceTransport *self, GError **error) {
  std::lock_guard guard(self->priv->lock);
  if (!ensure_agent_locked(self, error)) return nullptr;
  return self->priv->agent.get();
}

static gboolean gather(GstRtcNiceTransport *self, GError **error) {
  GstRtcNiceTransportPrivate *p = self->priv;
  ice::IceAgent *agent = nullptr;
  {
    std::lock_guard guard(p->lock);
    if (!ensure_agent_locked(self, error)) return FALSE;
    if (p->started) return TRUE;
    p->started = true;
    agent = p->agent.get();
  }
  if (auto st = agent->gather(); !st) {
    set_error(error, st.error());
    return FALSE;
  }
  return TRUE;
}

gboolean gst_rtc_nice_transport_start(GstRtcNiceTransport *self, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_NICE_TRANSPORT(self), FALSE);
  return gather(self, error) && apply_remote(self, error);
}

static gboolean gather_candidates_impl(GstRtcIceTransport *transport, GError **error) {
  auto *self = GST_RTC_NICE_TRANSPORT(transport);
  return gather(self, error) && apply_remote(self, error);
}

static gboolean set_local_credentials_impl(GstRtcIceTransport *transport, const gchar *ufrag,
                                           const gchar *pwd, GError **error) {
  auto *self = GST_RTC_NICE_TRANSPORT(transport);
  GstRtcNiceTransportPrivate *p = self->priv;
  ice::Credentials creds{ufrag, pwd};
  ice::IceAgent *agent = nullptr;
  bool restart = false;
  {
    std::lock_guard guard(p->lock);
    if (creds.ufrag == p->local.ufrag && creds.pwd == p->local.pwd) return TRUE;
    agent = p->agent.get();
    restart = agent && p->started;
  }
  if (!agent) {
    // Checked in full when the agent takes them; the lengths now, so a bad
    // pair fails where it is set.
    if (creds.ufrag.size() < 4 || creds.ufrag.size() > 256 || creds.pwd.size() < 22 ||
        creds.pwd.size() > 256) {
      g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_SYNTAX,
                  "ice-ufrag must be 4..256 and ice-pwd 22..256 ice-chars");
      return FALSE;
    }
  } else if (!restart) {
    if (auto st = agent->set_local_credentials(creds); !st) {
      set_error(error, st.error());
      return FALSE;
    }
  } else {
    // New credentials on a running agent: an ICE restart (RFC 8445 9).
    // libnice keeps sending on the selected pair until a new one is chosen.
    if (auto st = agent->restart(creds); !st) {
      set_error(error, st.error());
      return FALSE;
    }
    GST_INFO_OBJECT(self, "ICE restart with ufrag %s", ufrag);
  }
  {
    std::lock_guard guard(p->lock);
    p->local = creds;
    if (restart) {
      p->remote.reset();
      p->remote_candidates.clear();
    }
  }
  g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LOCAL_UFRAG]);
  g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LOCAL_PWD]);
  if (restart) {
    // libnice keeps the gathered candidates over a restart; the peer forgot
    // them with our old ufrag, so they are announced again as a new
    // gathering round (W3C: gathering -> complete, then end-of-candidates).
    GstRtcIceTransport *base = GST_RTC_ICE_TRANSPORT(self);
    gst_rtc_ice_transport_set_gathering_state(base, GST_RTC_ICE_GATHERING_STATE_GATHERING);
    for (const std::string &c : agent->local_candidate_strings())
      gst_rtc_ice_transport_new_candidate(base, c.c_str());
    gst_rtc_ice_transport_set_gathering_state(base, GST_RTC_ICE_GATHERING_STATE_COMPLETE);
    gst_rtc_ice_transport_new_candidate(base, nullptr);
  }
  return TRUE;
}

static gboolean set_remote_credentials_impl(GstRtcIceTransport *transport, const gchar *ufrag,
                                            const gchar *pwd, GError **error) {
  auto *self = GST_RTC_NICE_TRANSPORT(transport);
  ice::IceAgent *agent = get_agent(self, error);
  if (!agent) return FALSE;
  if (auto st = agent->set_remote_credentials({ufrag, pwd}); !st) {
    set_error(error, st.error());
    return FALSE;
  }
  std::lock_guard guard(self->priv->lock);
  self->priv->remote = ice::Credentials{ufrag, pwd};
  return TRUE;
}

static gboolean add_remote_candidate_impl(GstRtcIceTransport *transport, const gchar *candidate,
                                          GError **error) {
  auto *self = GST_RTC_NICE_TRANSPORT(transport);
  ice::IceAgent *agent = get_agent(self, error);
  if (!agent) return FALSE;
  if (!candidate || !*candidate) {
    agent->end_of_remote_candidates();
    return TRUE;
  }
  // a=candidate:... is accepted as the base class documents.
  std::string_view text(candidate);
  if (text.substr(0, 2) == "a=") text.remove_prefix(2);
  if (auto st = agent->add_remote_candidate(text); !st) {
    set_error(error, st.error());
    return FALSE;
  }
  return TRUE;
}

static void on_role_changed(GstRtcNiceTransport *self, GParamSpec *, gpointer) {
  bool controlling =
      gst_rtc_ice_transport_get_role(GST_RTC_ICE_TRANSPORT(self)) == GST_RTC_ICE_ROLE_CONTROLLING;
  ice::IceAgent *agent = self->priv->live.load();
  if (agent) agent->set_controlling(controlling);
}

gboolean gst_rtc_nice_transport_pop(GstRtcNiceTransport *self, GstBufferList *list, guint max) {
  GstRtcNiceTransportPrivate *p = self->priv;
  std::unique_lock lock(p->queue_lock);
  p->queue_cv.wait(lock, [p] { return p->flushing || !p->queue.empty(); });
  if (p->flushing) return FALSE;
  for (guint i = 0; i < max && !p->queue.empty(); ++i) {
    gst_buffer_list_add(list, p->queue.front());
    p->queue.pop_front();
  }
  return TRUE;
}

void gst_rtc_nice_transport_unpop(GstRtcNiceTransport *self, GstBufferList *list) {
  GstRtcNiceTransportPrivate *p = self->priv;
  std::lock_guard lock(p->queue_lock);
  for (guint i = gst_buffer_list_length(list); i > 0; --i)
    p->queue.push_front(gst_buffer_ref(gst_buffer_list_get(list, i - 1)));
  p->queue_cv.notify_one();
}

void gst_rtc_nice_transport_set_flushing(GstRtcNiceTransport *self, gboolean flushing) {
  GstRtcNiceTransportPrivate *p = self->priv;
  std::lock_guard guard(p->queue_lock);
  p->flushing = flushing;
  p->queue_cv.notify_all();
}

static ice::IceAgent *connected_agent(GstRtcNiceTransport *self) {
  // The agent lives until dispose, and elements hold a ref while sending,
  // so the pointer stays valid without a lock on the hot path.
  ice::IceAgent *a = self->priv->live.load(std::memory_order_acquire);
  if (!a) return nullptr;
  // A selected pair is usable while checks run again (ICE restart: libnice
  // keeps it until a new one is chosen) and while disconnected (it may come
  // back); not once failed or closed.
  ice::TransportState s = a->state();
  if (!a->has_selected_pair() || s == ice::TransportState::Failed || s == ice::TransportState::Closed)
    return nullptr;
  return a;
}

// A path MTU probe larger than the selected pair carries whole is dropped
// here: the prober then sees no answer and keeps the smaller size.
static bool probe_too_large(GstRtcNiceTransport *self, ice::IceAgent *agent, GstBuffer *buffer) {
  if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_RTC_BUFFER_FLAG_PROBE)) return false;
  const gsize size = gst_buffer_get_size(buffer);
  const std::size_t limit = agent->max_probe_size();
  if (size <= limit) return false;
  GST_DEBUG_OBJECT(self, "dropping a %" G_GSIZE_FORMAT "-byte path MTU probe (the path takes %zu)", size, limit);
  self->priv->probes_dropped.fetch_add(1, std::memory_order_relaxed);
  return true;
}

guint gst_rtc_nice_transport_send(GstRtcNiceTransport *self, GstBuffer *buffer, guint *dropped) {
  ice::IceAgent *agent = connected_agent(self);
  if (!agent) {
    ++*dropped;
    return 0;
  }
  if (probe_too_large(self, agent, buffer)) return 0;
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    ++*dropped;
    return 0;
  }
  auto r = agent->send(map.data, map.size);
  gst_buffer_unmap(buffer, &map);
  if (!r) {
    ++*dropped;
    return 0;
  }
  self->priv->packets_sent.fetch_add(1, std::memory_order_relaxed);
  self->priv->bytes_sent.fetch_add(map.size, std::memory_order_relaxed);
  return 1;
}

guint gst_rtc_nice_transport_send_list(GstRtcNiceTransport *self, GstBufferList *list, guint *dropped) {
  guint n = gst_buffer_list_length(list);
  ice::IceAgent *agent = connected_agent(self);
  if (!agent) {
    *dropped += n;
    return 0;
  }
  constexpr guint kBatch = 64;
  GstMapInfo maps[kBatch];
  GstBuffer *bufs[kBatch];
  ice::IceAgent::Datagram grams[kBatch];
  guint sent_total = 0;
  for (guint start = 0; start < n; start += kBatch) {
    guint count = std::min(kBatch, n - start);
    guint mapped = 0;
    for (guint i = 0; i < count; ++i) {
      GstBuffer *b = gst_buffer_list_get(list, start + i);
      if (probe_too_large(self, agent, b)) continue;
      if (!gst_buffer_map(b, &maps[mapped], GST_MAP_READ)) {
        ++*dropped;
        continue;
      }
      bufs[mapped] = b;
      grams[mapped] = {maps[mapped].data, maps[mapped].size};
      ++mapped;
    }
    auto r = agent->send_batch(grams, mapped);
    for (guint k = 0; k < mapped; ++k) gst_buffer_unmap(bufs[k], &maps[k]);
    guint sent = r ? static_cast<guint>(*r) : 0;
    guint64 bytes = 0;
    for (guint i = 0; i < sent; ++i) bytes += grams[i].size;
    self->priv->packets_sent.fetch_add(sent, std::memory_order_relaxed);
    self->priv->bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
    sent_total += sent;
    *dropped += mapped - sent;
  }
  return sent_total;
}

static void gst_rtc_nice_transport_init(GstRtcNiceTransport *self) {
  self->priv = new GstRtcNiceTransportPrivate();
  g_signal_connect(self, "notify::role", G_CALLBACK(on_role_changed), nullptr);
}

static void gst_rtc_nice_transport_dispose(GObject *object) {
  auto *self = GST_RTC_NICE_TRANSPORT(object);
  std::unique_ptr<ice::IceAgent> agent;
  {
    std::lock_guard guard(self->priv->lock);
    self->priv->live.store(nullptr);
    agent = std::move(self->priv->agent);
  }
  if (agent) {
    // Closing runs on the network thread; from it (a last unref in a signal
    // handler) close() runs inline, so no callback can reach `self` after
    // this. Destroying the agent may end the network thread itself (it
    // holds a context reference), which that thread cannot do: elsewhere.
    agent->close();
    if (agent->on_network_thread()) std::thread([a = std::move(agent)]() mutable { a.reset(); }).detach();
  }
  gst_rtc_nice_transport_set_flushing(self, TRUE);
  G_OBJECT_CLASS(gst_rtc_nice_transport_parent_class)->dispose(object);
}

static void gst_rtc_nice_transport_finalize(GObject *object) {
  auto *self = GST_RTC_NICE_TRANSPORT(object);
  for (GstBuffer *b : self->priv->queue) gst_buffer_unref(b);
  delete self->priv;
  G_OBJECT_CLASS(gst_rtc_nice_transport_parent_class)->finalize(object);
}

static void gst_rtc_nice_transport_set_property(GObject *object, guint prop_id, const GValue *value,
                                                GParamSpec *pspec) {
  auto *self = GST_RTC_NICE_TRANSPORT(object);
  GstRtcNiceTransportPrivate *p = self->priv;
  switch (prop_id) {
    case PROP_CONTROLLING:
      gst_rtc_ice_transport_set_role(GST_RTC_ICE_TRANSPORT(self), g_value_get_boolean(value)
                                                                      ? GST_RTC_ICE_ROLE_CONTROLLING
                                                                      : GST_RTC_ICE_ROLE_CONTROLLED);
      return;
    case PROP_LOCAL_UFRAG:
    case PROP_LOCAL_PWD: {
      const gchar *v = g_value_get_string(value);
      std::string ufrag, pwd;
      {
        std::lock_guard guard(p->lock);
        // Before the agent exists the pair is only stored (one half may be
        // set before the other); the agent validates it when it takes it.
        if (!p->agent) {
          (prop_id == PROP_LOCAL_UFRAG ? p->local.ufrag : p->local.pwd) = v ? v : "";
          return;
        }
        ufrag = p->local.ufrag;
        pwd = p->local.pwd;
      }
      (prop_id == PROP_LOCAL_UFRAG ? ufrag : pwd) = v ? v : "";
      GError *err = nullptr;
      if (!set_local_credentials_impl(GST_RTC_ICE_TRANSPORT(self), ufrag.c_str(), pwd.c_str(), &err)) {
        GST_WARNING_OBJECT(self, "%s: %s", pspec->name, err ? err->message : "refused");
        g_clear_error(&err);
      }
      return;
    }
    default:
      break;
  }

  std::lock_guard guard(p->lock);
  switch (prop_id) {
    case PROP_LOCAL_ADDRESSES:
      warn_if_frozen(self, pspec);
      p->local_addresses = strv_to_vector(static_cast<const gchar *const *>(g_value_get_boxed(value)));
      break;
    case PROP_ICE_UDP:
      warn_if_frozen(self, pspec);
      p->udp = g_value_get_boolean(value);
      break;
    case PROP_ICE_TCP:
      warn_if_frozen(self, pspec);
      p->tcp = g_value_get_boolean(value);
      break;
    case PROP_MIN_PORT:
      warn_if_frozen(self, pspec);
      p->min_port = g_value_get_uint(value);
      break;
    case PROP_MAX_PORT:
      warn_if_frozen(self, pspec);
      p->max_port = g_value_get_uint(value);
      break;
    case PROP_STUN_SERVER:
      warn_if_frozen(self, pspec);
      p->stun_server = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_TURN_SERVERS:
      warn_if_frozen(self, pspec);
      p->turn_servers = strv_to_vector(static_cast<const gchar *const *>(g_value_get_boxed(value)));
      break;
    case PROP_TURN_TLS_CA_FILE:
      warn_if_frozen(self, pspec);
      p->turn_tls_ca_file = g_value_get_string(value) ? g_value_get_string(value) : "";
      break;
    case PROP_ICE_TRANSPORT_POLICY:
      warn_if_frozen(self, pspec);
      p->policy = static_cast<GstRtcIceTransportPolicy>(g_value_get_enum(value));
      break;
    case PROP_UPNP:
      warn_if_frozen(self, pspec);
      p->upnp = g_value_get_boolean(value);
      break;
    case PROP_TOS:
      warn_if_frozen(self, pspec);
      p->tos = g_value_get_int(value);
      break;
    case PROP_CONSENT_FRESHNESS:
      warn_if_frozen(self, pspec);
      p->consent_freshness = g_value_get_boolean(value);
      break;
    case PROP_DISCONNECT_TIMEOUT:
      warn_if_frozen(self, pspec);
      p->disconnect_timeout = g_value_get_uint(value);
      break;
    case PROP_REMOTE_UFRAG:
    case PROP_REMOTE_PWD: {
      ice::Credentials r = p->remote.value_or(ice::Credentials{});
      (prop_id == PROP_REMOTE_UFRAG ? r.ufrag : r.pwd) =
          g_value_get_string(value) ? g_value_get_string(value) : "";
      p->remote = r;
      p->remote_applied = false;
      break;
    }
    case PROP_REMOTE_CANDIDATES:
      p->remote_candidates = strv_to_vector(static_cast<const gchar *const *>(g_value_get_boxed(value)));
      p->remote_applied = false;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_nice_transport_get_property(GObject *object, guint prop_id, GValue *value,
                                                GParamSpec *pspec) {
  auto *self = GST_RTC_NICE_TRANSPORT(object);
  GstRtcNiceTransportPrivate *p = self->priv;
  if (prop_id == PROP_CONTROLLING) {
    g_value_set_boolean(
        value, gst_rtc_ice_transport_get_role(GST_RTC_ICE_TRANSPORT(self)) == GST_RTC_ICE_ROLE_CONTROLLING);
    return;
  }
  if (prop_id == PROP_STATS) {
    g_value_take_boxed(value, gst_structure_new("ice-transport-stats", "packets-sent", G_TYPE_UINT64,
                                                p->packets_sent.load(), "bytes-sent", G_TYPE_UINT64,
                                                p->bytes_sent.load(), "packets-received", G_TYPE_UINT64,
                                                p->packets_received.load(), "bytes-received", G_TYPE_UINT64,
                                                p->bytes_received.load(), "probes-dropped", G_TYPE_UINT64,
                                                p->probes_dropped.load(), nullptr));
    return;
  }
  if (prop_id == PROP_RECEIVED || prop_id == PROP_RECEIVE_DROPPED) {
    std::lock_guard guard(p->queue_lock);
    g_value_set_uint64(value, prop_id == PROP_RECEIVED ? p->received : p->receive_dropped);
    return;
  }
  std::lock_guard guard(p->lock);
  switch (prop_id) {
    case PROP_LOCAL_ADDRESSES:
      g_value_take_boxed(value, p->local_addresses.empty() ? nullptr : vector_to_strv(p->local_addresses));
      break;
    case PROP_ICE_UDP:
      g_value_set_boolean(value, p->udp);
      break;
    case PROP_ICE_TCP:
      g_value_set_boolean(value, p->tcp);
      break;
    case PROP_MIN_PORT:
      g_value_set_uint(value, p->min_port);
      break;
    case PROP_MAX_PORT:
      g_value_set_uint(value, p->max_port);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string(value, p->stun_server.empty() ? nullptr : p->stun_server.c_str());
      break;
    case PROP_TURN_SERVERS:
      g_value_take_boxed(value, p->turn_servers.empty() ? nullptr : vector_to_strv(p->turn_servers));
      break;
    case PROP_TURN_TLS_CA_FILE:
      g_value_set_string(value, p->turn_tls_ca_file.empty() ? nullptr : p->turn_tls_ca_file.c_str());
      break;
    case PROP_ICE_TRANSPORT_POLICY:
      g_value_set_enum(value, p->policy);
      break;
    case PROP_UPNP:
      g_value_set_boolean(value, p->upnp);
      break;
    case PROP_TOS:
      g_value_set_int(value, p->tos);
      break;
    case PROP_CONSENT_FRESHNESS:
      g_value_set_boolean(value, p->consent_freshness);
      break;
    case PROP_DISCONNECT_TIMEOUT:
      g_value_set_uint(value, p->disconnect_timeout);
      break;
    case PROP_LOCAL_UFRAG:
      g_value_set_string(value, p->local.ufrag.c_str());
      break;
    case PROP_LOCAL_PWD:
      g_value_set_string(value, p->local.pwd.c_str());
      break;
    case PROP_REMOTE_UFRAG:
      g_value_set_string(value, p->remote ? p->remote->ufrag.c_str() : nullptr);
      break;
    case PROP_REMOTE_PWD:
      g_value_set_string(value, p->remote ? p->remote->pwd.c_str() : nullptr);
      break;
    case PROP_REMOTE_CANDIDATES:
      g_value_take_boxed(value,
                         p->remote_candidates.empty() ? nullptr : vector_to_strv(p->remote_candidates));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_nice_transport_class_init(GstRtcNiceTransportClass *klass) {
  GST_DEBUG_CATEGORY_INIT(gst_rtc_nice_transport_debug, "rtcice", 0, "gst-rtc ICE transport (libnice)");
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstRtcIceTransportClass *ice_class = GST_RTC_ICE_TRANSPORT_CLASS(klass);
  gobject_class->dispose = gst_rtc_nice_transport_dispose;
  gobject_class->finalize = gst_rtc_nice_transport_finalize;
  gobject_class->set_property = gst_rtc_nice_transport_set_property;
  gobject_class->get_property = gst_rtc_nice_transport_get_property;
  ice_class->gather_candidates = gather_candidates_impl;
  ice_class->set_local_credentials = set_local_credentials_impl;
  ice_class->set_remote_credentials = set_remote_credentials_impl;
  ice_class->add_remote_candidate = add_remote_candidate_impl;

  /**
   * GstRtcNiceTransport:local-addresses:
   *
   * Gather host candidates only on these local IP addresses (rtcpeerbin's
   * `ice-local-addresses`). Empty (the default): every interface libnice
   * finds, and loopback when loopback is the only one. Set before gathering.
   */
  props[PROP_LOCAL_ADDRESSES] = g_param_spec_boxed(
      "local-addresses", "Local addresses",
      "Gather only on these local IP addresses; empty = every interface (loopback when it is the only one). "
      "Set before gathering",
      G_TYPE_STRV, kRw);
  /**
   * GstRtcNiceTransport:ice-udp:
   *
   * Gather UDP host candidates. Set before gathering.
   */
  props[PROP_ICE_UDP] =
      g_param_spec_boolean("ice-udp", "ICE UDP", "Gather UDP candidates. Set before gathering", TRUE, kRw);
  /**
   * GstRtcNiceTransport:ice-tcp:
   *
   * Gather ICE-TCP (RFC 6544) active and passive host candidates. Set before
   * gathering.
   */
  props[PROP_ICE_TCP] = g_param_spec_boolean(
      "ice-tcp", "ICE TCP", "Gather ICE-TCP (RFC 6544) candidates. Set before gathering", TRUE, kRw);
  /**
   * GstRtcNiceTransport:min-port:
   *
   * Lowest local port for host candidates (0 with max-port 0: any).
   */
  props[PROP_MIN_PORT] =
      g_param_spec_uint("min-port", "Minimum port",
                        "Lowest local port (0 and max-port 0: any). Set before gathering", 0, 65535, 0, kRw);
  /**
   * GstRtcNiceTransport:max-port:
   *
   * Highest local port for host candidates (0: any).
   */
  props[PROP_MAX_PORT] = g_param_spec_uint(
      "max-port", "Maximum port", "Highest local port (0: any). Set before gathering", 0, 65535, 0, kRw);
  /**
   * GstRtcNiceTransport:controlling:
   *
   * The ICE role, the same as #GstRtcIceTransport:role: %TRUE is
   * controlling (the offerer's side). May change at any time.
   */
  props[PROP_CONTROLLING] =
      g_param_spec_boolean("controlling", "Controlling", "Controlling ICE role (mirrors the role property)",
                           FALSE, GParamFlags(kRw | G_PARAM_EXPLICIT_NOTIFY));
  /**
   * GstRtcNiceTransport:stun-server:
   *
   * STUN server for server-reflexive candidates: `stun:host[:port]`, the
   * host an IP literal or a name (resolved asynchronously when gathering
   * starts; one that does not resolve is #GstRtcNiceTransport::on-ice-candidate-error
   * 701). Set before gathering.
   */
  props[PROP_STUN_SERVER] = g_param_spec_string(
      "stun-server", "STUN server",
      "stun:host[:port] (IP or name) for server-reflexive candidates. Set before gathering", nullptr, kRw);
  /**
   * GstRtcNiceTransport:turn-servers:
   *
   * TURN servers for relay candidates, each
   * `turn[s]:user:pass@host[:port][?transport=udp|tcp]` (turns: is TLS;
   * host an IP literal or a name, resolved as for
   * #GstRtcNiceTransport:stun-server). Set before gathering.
   */
  props[PROP_TURN_SERVERS] = g_param_spec_boxed(
      "turn-servers", "TURN servers",
      "turn[s]:user:pass@host[:port][?transport=udp|tcp] relay servers (IP or name). Set before gathering",
      G_TYPE_STRV, kRw);
  /**
   * GstRtcNiceTransport:turn-tls-ca-file:
   *
   * PEM file of the certificate authorities that `turns:` servers must be
   * signed by, instead of the system's trust store (e.g. a private or
   * self-signed server). The server's certificate must also name the IP of
   * the URL. Set before gathering.
   */
  props[PROP_TURN_TLS_CA_FILE] = g_param_spec_string(
      "turn-tls-ca-file", "TURN TLS CA file",
      "PEM CA certificates trusted for turns: servers instead of the system store. Set before gathering",
      nullptr, kRw);
  /**
   * GstRtcNiceTransport:ice-transport-policy:
   *
   * W3C `iceTransportPolicy`: `relay` gathers and uses relay candidates
   * only (needs #GstRtcNiceTransport:turn-servers). Set before gathering.
   */
  props[PROP_ICE_TRANSPORT_POLICY] =
      g_param_spec_enum("ice-transport-policy", "ICE transport policy",
                        "all, or relay: only relay candidates. Set before gathering",
                        GST_RTC_TYPE_ICE_TRANSPORT_POLICY, GST_RTC_ICE_TRANSPORT_POLICY_ALL, kRw);
  /**
   * GstRtcNiceTransport:upnp:
   *
   * UPnP IGD port mapping. Off by default (libnice would multicast SSDP on
   * every interface).
   */
  props[PROP_UPNP] =
      g_param_spec_boolean("upnp", "UPnP", "UPnP IGD port mapping. Set before gathering", FALSE, kRw);
  /**
   * GstRtcNiceTransport:tos:
   *
   * IP TOS byte (DSCP << 2) for every socket of the transport; -1 leaves
   * the system default.
   */
  props[PROP_TOS] = g_param_spec_int(
      "tos", "TOS", "IP TOS / DSCP<<2 byte of the sockets, -1 = system default. Set before gathering", -1,
      255, -1, kRw);
  /**
   * GstRtcNiceTransport:consent-freshness:
   *
   * RFC 7675 consent freshness: the transport fails when the peer stops
   * answering (libnice's timers: a check every ~5 s, consent expires after
   * 30 s). Set before gathering.
   */
  props[PROP_CONSENT_FRESHNESS] =
      g_param_spec_boolean("consent-freshness", "Consent freshness",
                           "RFC 7675 consent freshness. Set before gathering", TRUE, kRw);
  /**
   * GstRtcNiceTransport:disconnect-timeout:
   *
   * W3C `disconnected`: nothing received from the peer for this many
   * milliseconds while connected and sending (libnice itself reports only
   * connected and failed, and answers consent checks without telling us, so
   * a link idle both ways stays connected). The next datagram makes the transport connected again; consent
   * expiry still fails it. 0 disables. Set before gathering.
   */
  props[PROP_DISCONNECT_TIMEOUT] = g_param_spec_uint("disconnect-timeout", "Disconnect timeout",
                                                     "Milliseconds without a received datagram while sending "
                                                     "before a connected transport reports disconnected (0 = never). "
                                                     "Set before gathering",
                                                     0, G_MAXUINT, 6000, kRw);
  /**
   * GstRtcNiceTransport:local-ufrag:
   *
   * The local ICE username fragment (generated at construction). Writing it
   * (with #GstRtcNiceTransport:local-pwd) fixes the credentials, e.g. for a
   * signalling-free gst-launch pipeline; a new pair on a running transport
   * is an ICE restart.
   */
  props[PROP_LOCAL_UFRAG] =
      g_param_spec_string("local-ufrag", "Local ufrag",
                          "The local ICE username fragment (generated at construction; set it to fix it, or "
                          "to restart ICE on a running transport)",
                          nullptr, kRw);
  /**
   * GstRtcNiceTransport:local-pwd:
   *
   * The local ICE password (22+ ice-chars).
   */
  props[PROP_LOCAL_PWD] =
      g_param_spec_string("local-pwd", "Local password",
                          "The local ICE password (generated at construction; set it to fix it, or "
                          "to restart ICE on a running transport)",
                          nullptr, kRw);
  /**
   * GstRtcNiceTransport:remote-ufrag:
   *
   * The remote ICE username fragment, applied when the transport starts
   * (the signalling-free path; rtcpeerbin uses
   * gst_rtc_ice_transport_set_remote_credentials()).
   */
  props[PROP_REMOTE_UFRAG] = g_param_spec_string(
      "remote-ufrag", "Remote ufrag", "Remote ICE username fragment, applied at start", nullptr, kRw);
  /**
   * GstRtcNiceTransport:remote-pwd:
   *
   * The remote ICE password, applied when the transport starts.
   */
  props[PROP_REMOTE_PWD] = g_param_spec_string("remote-pwd", "Remote password",
                                               "Remote ICE password, applied at start", nullptr, kRw);
  /**
   * GstRtcNiceTransport:remote-candidates:
   *
   * Remote candidates ("candidate:..." each), applied when the transport
   * starts, followed by end-of-candidates. A malformed one fails the start
   * with %GST_RTC_ERROR_SYNTAX.
   */
  props[PROP_REMOTE_CANDIDATES] =
      g_param_spec_boxed("remote-candidates", "Remote candidates",
                         "Remote candidates, applied at start (then end-of-candidates)", G_TYPE_STRV, kRw);
  /**
   * GstRtcNiceTransport:received:
   *
   * Datagrams received so far.
   */
  props[PROP_RECEIVED] =
      g_param_spec_uint64("received", "Received", "Datagrams received", 0, G_MAXUINT64, 0, kRo);
  /**
   * GstRtcNiceTransport:receive-dropped:
   *
   * Datagrams dropped because rtcicesrc did not take them (queue full).
   */
  /**
   * GstRtcNiceTransport:stats:
   *
   * Counters for W3C transport and candidate-pair stats: `packets-sent`,
   * `bytes-sent` (datagrams the socket took), `packets-received`,
   * `bytes-received` (datagrams from the peer, STUN excluded),
   * `probes-dropped` (path MTU probes, %GST_RTC_BUFFER_FLAG_PROBE, larger than
   * the selected pair carries whole: through a TURN relay, any), all
   * #guint64.
   */
  props[PROP_STATS] = g_param_spec_boxed("stats", "Statistics",
                                         "Datagrams and bytes sent and received (W3C transport counters)",
                                         gst_structure_get_type(), kRo);
  props[PROP_RECEIVE_DROPPED] =
      g_param_spec_uint64("receive-dropped", "Receive dropped",
                          "Datagrams dropped because no rtcicesrc took them", 0, G_MAXUINT64, 0, kRo);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  /**
   * GstRtcNiceTransport::on-ice-candidate-error:
   * @transport: the transport
   * @error: a structure "ice-candidate-error" with `address` (string),
   *   `port` (uint), `url` (string), `error-code` (uint: STUN error code
   *   such as 401, or 701 when the server did not answer or its host name
   *   did not resolve) and `error-text`
   *
   * The W3C `icecandidateerror` event: a STUN/TURN server could not give a
   * candidate. Gathering goes on with the other servers.
   */
  signals[SIGNAL_ON_ICE_CANDIDATE_ERROR] =
      g_signal_new("on-ice-candidate-error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                   nullptr, G_TYPE_NONE, 1, GST_TYPE_STRUCTURE | G_SIGNAL_TYPE_STATIC_SCOPE);
}
