// GstRtcNiceTransport against a real TURN server: a coturn `turnserver`
// started here on 127.0.0.1 (random free ports, long-term credentials, its
// own temporary config/log/db directory and a self-signed certificate made
// here for TLS), killed at the end. Relay-only over TURN/UDP, TURN/TCP and
// TURN/TLS; a wrong password reported as candidate error 401; servers given
// by host name (a stand-in GResolver answers, so no DNS query leaves).
// Without turnserver or openssl (Debian: coturn, openssl) the coturn tests
// skip.
#include <atomic>
#include <functional>
#include <map>

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "test_ice_util.h"

using namespace ice_test;

namespace {

constexpr const char *kUser = "alice";
constexpr const char *kPass = "wonderland";

struct Coturn {
  gchar *dir = nullptr;
  GPid pid = 0;
  guint16 port = 0;      // UDP + TCP
  guint16 tls_port = 0;  // TLS (and DTLS)
  std::string cert;
  bool ok = false;

  // tls_only: no plain TCP anywhere (coturn otherwise takes plain TCP on the
  // TLS port too, which would hide a client that never speaks TLS).
  explicit Coturn(bool tls_only = false) {
    gchar *turnserver = g_find_program_in_path("turnserver");
    gchar *openssl = g_find_program_in_path("openssl");
    if (!turnserver || !openssl) {
      g_free(turnserver);
      g_free(openssl);
      return;
    }
    dir = g_dir_make_tmp("gst-rtc-coturn-XXXXXX", nullptr);
    fail_unless(dir != nullptr);
    cert = std::string(dir) + "/cert.pem";
    std::string key = std::string(dir) + "/key.pem";
    // Self-signed, valid for the IP the tests connect to.
    const gchar *gen[] = {openssl,
                          "req",
                          "-x509",
                          "-newkey",
                          "ec",
                          "-pkeyopt",
                          "ec_paramgen_curve:prime256v1",
                          "-nodes",
                          "-keyout",
                          key.c_str(),
                          "-out",
                          cert.c_str(),
                          "-days",
                          "1",
                          "-subj",
                          "/CN=127.0.0.1",
                          "-addext",
                          "subjectAltName=IP:127.0.0.1",
                          nullptr};
    gint status = 0;
    fail_unless(g_spawn_sync(nullptr, const_cast<gchar **>(gen), nullptr, G_SPAWN_STDOUT_TO_DEV_NULL, nullptr,
                             nullptr, nullptr, nullptr, &status, nullptr) &&
                    g_spawn_check_wait_status(status, nullptr),
                "openssl could not make a certificate");
    // Ports for the listener; relays get a range of their own.
    port = free_port(G_SOCKET_TYPE_STREAM);
    tls_port = free_port(G_SOCKET_TYPE_STREAM);
    guint16 relay_min = static_cast<guint16>(g_random_int_range(52000, 59000));
    std::string user = std::string(kUser) + ":" + kPass;
    std::string args[] = {"-n",
                          "--no-cli",
                          "--listening-ip=127.0.0.1",
                          "--relay-ip=127.0.0.1",
                          "--allow-loopback-peers",
                          "--listening-port=" + std::to_string(port),
                          "--tls-listening-port=" + std::to_string(tls_port),
                          "--min-port=" + std::to_string(relay_min),
                          "--max-port=" + std::to_string(relay_min + 200),
                          "--lt-cred-mech",
                          "--user=" + user,
                          "--realm=gst-rtc.test",
                          "--cert=" + cert,
                          "--pkey=" + key,
                          "--userdb=" + std::string(dir) + "/turndb",
                          "--log-file=" + std::string(dir) + "/turn.log",
                          "--pidfile=" + std::string(dir) + "/turn.pid",
                          "--no-stdout-log",
                          "--simple-log",
                          "--no-multicast-peers",
                          "--no-rfc5780",
                          "--no-dtls",
                          "--verbose"};
    std::vector<const gchar *> argv{turnserver};
    for (auto &a : args) argv.push_back(a.c_str());
    if (tls_only) argv.push_back("--no-tcp");
    argv.push_back(nullptr);
    GError *err = nullptr;
    fail_unless(g_spawn_async(dir, const_cast<gchar **>(argv.data()), nullptr,
                              GSpawnFlags(G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                          G_SPAWN_STDERR_TO_DEV_NULL),
                              nullptr, nullptr, &pid, &err),
                "cannot start turnserver: %s", err ? err->message : "?");
    g_free(turnserver);
    g_free(openssl);
    // Ready when both TCP listeners accept.
    for (int i = 0; i < 100 && !ok; ++i) {
      ok = (tls_only || accepts(port)) && accepts(tls_port);
      if (!ok) std::this_thread::sleep_for(50ms);
    }
    fail_unless(ok, "turnserver did not start (see %s/turn.log)", dir);
  }

  static bool accepts(guint16 p) {
    GSocketClient *c = g_socket_client_new();
    GSocketConnection *conn = g_socket_client_connect_to_host(c, "127.0.0.1", p, nullptr, nullptr);
    bool up = conn != nullptr;
    if (conn) g_object_unref(conn);
    g_object_unref(c);
    return up;
  }

  ~Coturn() {
    if (pid) {
      kill(pid, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(20ms);
      if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
      g_spawn_close_pid(pid);
    }
    if (dir && g_getenv("GST_RTC_KEEP_TURN_LOG")) {
      g_printerr("coturn files kept in %s\n", dir);
      g_free(dir);
      dir = nullptr;
    }
    if (dir) {
      // Only what this fixture made.
      for (const char *f : {"cert.pem", "key.pem", "turndb", "turn.log", "turn.pid"}) {
        gchar *p = g_build_filename(dir, f, nullptr);
        g_unlink(p);
        g_free(p);
      }
      // coturn appends a date to the log file name.
      if (GDir *d = g_dir_open(dir, 0, nullptr)) {
        while (const gchar *name = g_dir_read_name(d)) {
          if (g_str_has_prefix(name, "turn")) {
            gchar *p = g_build_filename(dir, name, nullptr);
            g_unlink(p);
            g_free(p);
          }
        }
        g_dir_close(d);
      }
      g_rmdir(dir);
      g_free(dir);
    }
  }

  std::string url(const char *scheme, guint16 p, const char *transport, const char *pass = kPass) const {
    std::string u = std::string(scheme) + ":" + kUser + ":" + pass + "@127.0.0.1:" + std::to_string(p);
    if (transport) u += std::string("?transport=") + transport;
    return u;
  }
};

#define SKIP_WITHOUT_COTURN(c)                                  \
  if (!(c).ok) {                                                \
    GST_WARNING("turnserver or openssl missing: test skipped"); \
    g_print("SKIP: turnserver or openssl not installed\n");     \
    return;                                                     \
  }

void set_relay(Side &s, const std::string &url, const std::string &ca) {
  const gchar *turns[] = {url.c_str(), nullptr};
  g_object_set(s.transport, "turn-servers", turns, "ice-transport-policy", GST_RTC_ICE_TRANSPORT_POLICY_RELAY,
               nullptr);
  if (!ca.empty()) g_object_set(s.transport, "turn-tls-ca-file", ca.c_str(), nullptr);
}

std::string pair_field(GstRtcIceTransport *t, const char *field) {
  GstStructure *s = gst_rtc_ice_transport_get_selected_candidate_pair(t);
  if (!s) return "";
  std::string v = gst_structure_get_string(s, field) ? gst_structure_get_string(s, field) : "";
  gst_structure_free(s);
  return v;
}

// Both sides relay-only through `url`: they connect over relay candidates
// only, both selected pairs are relay/relay, and 200 datagrams arrive intact
// and in order.
void relay_only(const Coturn &turn, const std::string &url, const std::string &ca = "") {
  Side a(true), b(false);
  set_relay(a, url, ca);
  set_relay(b, url, ca);
  wire(a, b);
  GstHarness *b_src = src_harness(b.transport);
  GstHarness *a_sink = sink_harness(a.transport);
  gst_harness_play(a_sink);
  fail_unless(a.obs.wait_gathered(15000ms) && b.obs.wait_gathered(15000ms), "gathering did not finish");
  for (Side *s : {&a, &b}) {
    std::lock_guard lock(s->obs.m);
    fail_if(s->obs.candidates.empty(), "no relay candidate from %s", url.c_str());
    for (const auto &c : s->obs.candidates)
      fail_unless(c.find(" typ relay") != std::string::npos, "%s", c.c_str());
    fail_unless(s->obs.candidate_errors.empty(), "candidate error with good credentials");
  }
  fail_unless(a.obs.wait_connected(15000ms), "a did not connect over %s", url.c_str());
  fail_unless(b.obs.wait_connected(15000ms), "b did not connect over %s", url.c_str());
  for (Side *s : {&a, &b}) {
    fail_unless(pair_field(s->transport, "local-type") == "relay", "%s",
                pair_field(s->transport, "local-type").c_str());
    fail_unless(pair_field(s->transport, "remote-type") == "relay", "%s",
                pair_field(s->transport, "remote-type").c_str());
  }
  // Windows of 10: the relays forward over UDP sockets of their own, which
  // a burst could overflow on a loaded machine.
  for (guint32 start = 0; start < 200; start += 10) {
    for (guint32 i = start; i < start + 10; ++i)
      fail_unless_equals_int(gst_harness_push(a_sink, numbered(i, 1000)), GST_FLOW_OK);
    auto got = pull_n(b_src, 10, 10000ms);
    fail_unless_equals_int(got.size(), 10);
    for (guint32 k = 0; k < got.size(); ++k) {
      fail_unless_equals_int64(check_numbered(got[k], 1000), start + k);
      gst_buffer_unref(got[k]);
    }
  }
  // A path MTU probe never goes through a relay (it could leave the relay
  // in IP fragments): dropped, counted, and what follows still arrives.
  GstBuffer *probe = numbered(500, 1400);
  GST_BUFFER_FLAG_SET(probe, GST_RTC_BUFFER_FLAG_PROBE);
  fail_unless_equals_int(gst_harness_push(a_sink, probe), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(a_sink, numbered(501, 1000)), GST_FLOW_OK);
  auto after = pull_n(b_src, 1, 10000ms);
  fail_unless_equals_int(after.size(), 1);
  fail_unless_equals_int64(check_numbered(after[0], 1000), 501);
  gst_buffer_unref(after[0]);
  GstStructure *stats = nullptr;
  g_object_get(a.transport, "stats", &stats, nullptr);
  guint64 probes_dropped = 0;
  fail_unless(gst_structure_get_uint64(stats, "probes-dropped", &probes_dropped));
  fail_unless_equals_uint64(probes_dropped, 1);
  gst_structure_free(stats);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}

// Stands in for the system resolver: it knows the names in `names` (each
// with its addresses, IPv6 first to check that IPv4 is preferred) and says
// NOT_FOUND for the rest, answering from the lookup's context as GLib's
// threaded resolver does. Nothing reaches a DNS server.
std::map<std::string, std::vector<std::string>> names;

struct TestResolver {
  GResolver parent;
};
struct TestResolverClass {
  GResolverClass parent_class;
};
G_DEFINE_TYPE(TestResolver, test_resolver, G_TYPE_RESOLVER)

void test_lookup_async(GResolver *resolver, const gchar *host, GCancellable *cancel, GAsyncReadyCallback cb,
                       gpointer data) {
  GTask *task = g_task_new(resolver, cancel, cb, data);
  auto it = names.find(host);
  if (it != names.end()) {
    GList *list = nullptr;
    for (const auto &a : it->second) list = g_list_append(list, g_inet_address_new_from_string(a.c_str()));
    g_task_return_pointer(task, list, reinterpret_cast<GDestroyNotify>(g_resolver_free_addresses));
  } else {
    g_task_return_new_error(task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no such name: %s", host);
  }
  g_object_unref(task);
}

GList *test_lookup_finish(GResolver *, GAsyncResult *result, GError **error) {
  return static_cast<GList *>(g_task_propagate_pointer(G_TASK(result), error));
}

// The transport must never block on DNS: a synchronous lookup fails loudly.
GList *test_lookup_sync(GResolver *, const gchar *host, GCancellable *, GError **error) {
  g_set_error(error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_INTERNAL, "synchronous lookup of %s", host);
  return nullptr;
}

void test_resolver_class_init(TestResolverClass *klass) {
  auto *r = G_RESOLVER_CLASS(klass);
  r->lookup_by_name = test_lookup_sync;
  r->lookup_by_name_async = test_lookup_async;
  r->lookup_by_name_finish = test_lookup_finish;
}
void test_resolver_init(TestResolver *) {}

void install_test_resolver() {
  GResolver *r = G_RESOLVER(g_object_new(test_resolver_get_type(), nullptr));
  g_resolver_set_default(r);
  g_object_unref(r);
}

}  // namespace

GST_START_TEST(test_relay_only_turn_udp) {
  Coturn turn;
  SKIP_WITHOUT_COTURN(turn);
  relay_only(turn, turn.url("turn", turn.port, "udp"));
}
GST_END_TEST;

GST_START_TEST(test_relay_only_turn_tcp) {
  Coturn turn;
  SKIP_WITHOUT_COTURN(turn);
  relay_only(turn, turn.url("turn", turn.port, "tcp"));
}
GST_END_TEST;

GST_START_TEST(test_relay_only_turn_tls) {
  Coturn turn(true);
  SKIP_WITHOUT_COTURN(turn);
  relay_only(turn, turn.url("turns", turn.tls_port, nullptr), turn.cert);
}
GST_END_TEST;

// Wrong password: on-ice-candidate-error 401 for that server, no relay
// candidate, and with policy "all" the transport still connects over host.
GST_START_TEST(test_wrong_password_is_401_and_host_still_works) {
  Coturn turn;
  SKIP_WITHOUT_COTURN(turn);
  Side a(true), b(false);
  std::string url = turn.url("turn", turn.port, "udp", "not-the-password");
  const gchar *turns[] = {url.c_str(), nullptr};
  g_object_set(a.transport, "turn-servers", turns, nullptr);
  wire(a, b);
  GstHarness *b_src = src_harness(b.transport);
  GstHarness *a_sink = sink_harness(a.transport);
  gst_harness_play(a_sink);
  fail_unless(a.obs.wait_gathered(15000ms), "gathering did not finish");
  {
    std::lock_guard lock(a.obs.m);
    fail_unless_equals_int(a.obs.candidate_errors.size(), 1);
    const GstStructure *e = a.obs.candidate_errors[0];
    guint code = 0, port = 0;
    fail_unless(gst_structure_get_uint(e, "error-code", &code));
    fail_unless_equals_int(code, 401);
    fail_unless(gst_structure_get_uint(e, "port", &port) && port > 0);
    fail_unless_equals_string(gst_structure_get_string(e, "address"), "127.0.0.1");
    std::string reported = gst_structure_get_string(e, "url");
    fail_unless(reported.find("127.0.0.1:" + std::to_string(turn.port)) != std::string::npos, "%s",
                reported.c_str());
    fail_unless(reported.find("not-the-password") == std::string::npos, "password in the url: %s",
                reported.c_str());
    fail_unless(gst_structure_get_string(e, "error-text") != nullptr);
    for (const auto &c : a.obs.candidates)
      fail_if(c.find(" typ relay") != std::string::npos, "%s", c.c_str());
  }
  fail_unless(a.obs.wait_connected(10000ms) && b.obs.wait_connected(10000ms));
  fail_unless(pair_field(a.transport, "local-type") == "host", "%s",
              pair_field(a.transport, "local-type").c_str());
  gst_harness_push(a_sink, numbered(7, 500));
  auto got = pull_n(b_src, 1);
  fail_unless_equals_int(got.size(), 1);
  fail_unless_equals_int64(check_numbered(got[0], 500), 7);
  gst_buffer_unref(got[0]);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

// A TURN server that is not there: 701, gathering still completes.
GST_START_TEST(test_unreachable_turn_is_701) {
  Side a(true);
  std::string url = "turn:u:p@127.0.0.1:" + std::to_string(free_port()) + "?transport=udp";
  const gchar *turns[] = {url.c_str(), nullptr};
  g_object_set(a.transport, "turn-servers", turns, nullptr);
  GError *err = nullptr;
  fail_unless(gst_rtc_ice_transport_gather_candidates(a.transport, &err));
  fail_unless(a.obs.wait_gathered(20000ms), "gathering did not finish");
  std::lock_guard lock(a.obs.m);
  fail_unless_equals_int(a.obs.candidate_errors.size(), 1);
  guint code = 0;
  fail_unless(gst_structure_get_uint(a.obs.candidate_errors[0], "error-code", &code));
  fail_unless_equals_int(code, 701);
  fail_if(a.obs.candidates.empty(), "host candidates were not gathered");
}
GST_END_TEST;

// turns: with a certificate nobody trusts (self-signed, no
// turn-tls-ca-file): no relay, and the candidate error says why.
GST_START_TEST(test_turn_tls_untrusted_certificate) {
  Coturn turn(true);
  SKIP_WITHOUT_COTURN(turn);
  Side a(true);
  std::string url = turn.url("turns", turn.tls_port, nullptr);
  const gchar *turns[] = {url.c_str(), nullptr};
  g_object_set(a.transport, "turn-servers", turns, nullptr);
  GError *err = nullptr;
  fail_unless(gst_rtc_ice_transport_gather_candidates(a.transport, &err));
  fail_unless(a.obs.wait_gathered(20000ms), "gathering did not finish");
  std::lock_guard lock(a.obs.m);
  for (const auto &c : a.obs.candidates) fail_if(c.find(" typ relay") != std::string::npos, "%s", c.c_str());
  fail_unless_equals_int(a.obs.candidate_errors.size(), 1);
  guint code = 0;
  fail_unless(gst_structure_get_uint(a.obs.candidate_errors[0], "error-code", &code));
  fail_unless_equals_int(code, 701);
  const gchar *text = gst_structure_get_string(a.obs.candidate_errors[0], "error-text");
  fail_unless(text && strstr(text, "TLS") != nullptr, "%s", text ? text : "(null)");
}
GST_END_TEST;

// A TURN server given by name: the name resolves (to ::1 and 127.0.0.1;
// IPv4 is used, the only family gathered on) and both sides relay through it.
GST_START_TEST(test_turn_server_by_name_relays) {
  Coturn turn;
  SKIP_WITHOUT_COTURN(turn);
  names = {{"turn.test", {"::1", "127.0.0.1"}}};
  install_test_resolver();
  std::string url = turn.url("turn", turn.port, "udp");
  url.replace(url.find("127.0.0.1"), 9, "turn.test");
  relay_only(turn, url);
}
GST_END_TEST;

// STUN and TURN servers whose names do not resolve: one 701 per server with
// its URL and "did not resolve", gathering completes with host candidates,
// and the transport connects and carries bytes.
GST_START_TEST(test_unresolvable_servers_are_701_and_host_still_works) {
  names = {};
  install_test_resolver();
  Side a(true), b(false);
  const gchar *turns[] = {"turn:u:p@nowhere-turn.test:3478?transport=udp", nullptr};
  g_object_set(a.transport, "stun-server", "stun:nowhere-stun.test:3478", "turn-servers", turns, nullptr);
  wire(a, b);
  GstHarness *b_src = src_harness(b.transport);
  GstHarness *a_sink = sink_harness(a.transport);
  gst_harness_play(a_sink);
  fail_unless(a.obs.wait_gathered(15000ms), "gathering did not finish");
  {
    std::lock_guard lock(a.obs.m);
    fail_unless_equals_int(a.obs.candidate_errors.size(), 2);
    std::vector<std::string> urls;
    for (const GstStructure *e : a.obs.candidate_errors) {
      guint code = 0;
      fail_unless(gst_structure_get_uint(e, "error-code", &code));
      fail_unless_equals_int(code, 701);
      const gchar *text = gst_structure_get_string(e, "error-text");
      fail_unless(text && strstr(text, "did not resolve"), "%s", text ? text : "(null)");
      urls.push_back(gst_structure_get_string(e, "url"));
    }
    std::sort(urls.begin(), urls.end());
    fail_unless_equals_string(urls[0].c_str(), "stun:nowhere-stun.test:3478");
    fail_unless_equals_string(urls[1].c_str(), "turn:nowhere-turn.test:3478?transport=udp");
    fail_if(a.obs.candidates.empty(), "no host candidate");
    for (const auto &c : a.obs.candidates)
      fail_unless(c.find(" typ host") != std::string::npos, "%s", c.c_str());
  }
  fail_unless(a.obs.wait_connected(10000ms) && b.obs.wait_connected(10000ms));
  gst_harness_push(a_sink, numbered(3, 400));
  auto got = pull_n(b_src, 1);
  fail_unless_equals_int(got.size(), 1);
  fail_unless_equals_int64(check_numbered(got[0], 400), 3);
  gst_buffer_unref(got[0]);
  unwire(a, b);
  gst_harness_teardown(a_sink);
  gst_harness_teardown(b_src);
}
GST_END_TEST;

// A transport disposed while its server lookups are still unanswered: the
// late answers must not touch the freed agent (ASan would see it).
GST_START_TEST(test_transport_freed_during_server_lookup) {
  names = {{"slow.test", {"127.0.0.1"}}};
  install_test_resolver();
  for (int i = 0; i < 5; ++i) {
    GstRtcIceTransport *t = new_transport();
    const gchar *locals[] = {"127.0.0.1", nullptr};
    const gchar *turns[] = {"turn:u:p@slow.test:9?transport=udp", nullptr};
    g_object_set(t, "local-addresses", locals, "stun-server", "stun:slow.test:9", "turn-servers", turns,
                 nullptr);
    GError *err = nullptr;
    fail_unless(gst_rtc_ice_transport_gather_candidates(t, &err));
    gst_object_unref(t);
  }
}
GST_END_TEST;

static Suite *ice_turn_suite() {
  Suite *s = suite_create("rtcice turn");
  TCase *tc = tcase_create("coturn");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_relay_only_turn_udp);
  tcase_add_test(tc, test_relay_only_turn_tcp);
  tcase_add_test(tc, test_relay_only_turn_tls);
  tcase_add_test(tc, test_wrong_password_is_401_and_host_still_works);
  tcase_add_test(tc, test_unreachable_turn_is_701);
  tcase_add_test(tc, test_turn_tls_untrusted_certificate);
  tcase_add_test(tc, test_turn_server_by_name_relays);
  tcase_add_test(tc, test_unresolvable_servers_are_701_and_host_still_works);
  tcase_add_test(tc, test_transport_freed_during_server_lookup);
  return s;
}

GST_CHECK_MAIN(ice_turn)
