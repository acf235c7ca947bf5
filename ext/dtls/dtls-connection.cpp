/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtls-connection.h"

#include <algorithm>
#include <utility>
#include <cctype>

#include <openssl/crypto.h>

GST_DEBUG_CATEGORY_STATIC(rtcdtlsconnection_debug);
#define GST_CAT_DEFAULT rtcdtlsconnection_debug

namespace gst_rtc::dtls {

namespace {

// Bounds of what waits for the handshake: SCTP's INIT and a few DATA chunks
// fit easily; a sender that keeps writing into a dead handshake does not
// grow memory without limit.
constexpr std::size_t kMaxPendingApp = 256;
constexpr std::size_t kMaxPendingAppBytes = 1 << 20;
// ClientHellos kept while a server waits for the remote fingerprint; the
// client retransmits anyway, so only the latest few matter.
constexpr std::size_t kMaxWaitingDtls = 8;

std::once_flag debug_once;
void init_debug() {
  std::call_once(debug_once, [] {
    GST_DEBUG_CATEGORY_INIT(rtcdtlsconnection_debug, "rtcdtlsconnection", 0, "DTLS-SRTP connection");
  });
}

// OpenSSL keeps per-thread state (the error queue) until the thread exits.
// The system clock's thread and GStreamer's element thread pool live for the
// whole process, and a peer linked directly to our src pad runs its DTLS
// engine on them: release the state after each (rare) job there, or it is
// held, and reported as leaked, for good.
void release_openssl_thread_state() {
  OPENSSL_thread_stop();
}

std::mutex registry_lock;
std::map<std::string, std::weak_ptr<Connection>> &registry() {
  static auto *map = new std::map<std::string, std::weak_ptr<Connection>>();
  return *map;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::size_t digest_length(const std::string &algorithm) {
  if (algorithm == "sha-1") return 20;
  if (algorithm == "sha-224") return 28;
  if (algorithm == "sha-256") return 32;
  if (algorithm == "sha-384") return 48;
  if (algorithm == "sha-512") return 64;
  return 0;
}

template <class F>
void split(std::string_view text, char sep, F &&f) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    f(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

GstRtcError to_gst_error(ErrorCode code) {
  // The JSEP core's codes equal GstRtcError one for one (rtc-error.h).
  return static_cast<GstRtcError>(code);
}

}  // namespace

// ---------------------------------------------------------------- parsing

Result<std::vector<Fingerprint>> parse_fingerprints(std::string_view text) {
  std::vector<Fingerprint> out;
  std::optional<Error> error;
  split(text, ',', [&](std::string_view item) {
    if (error) return;
    std::string s = trim(item);
    if (s.empty()) return;
    if (s.rfind("a=fingerprint:", 0) == 0) s = trim(std::string_view(s).substr(14));
    const std::size_t sp = s.find_first_of(" \t");
    if (sp == std::string::npos) {
      error = jsep::make_error(ErrorCode::Syntax, "fingerprint needs \"<hash> <hex>\": " + s);
      return;
    }
    Fingerprint fp;
    fp.algorithm = s.substr(0, sp);
    std::transform(fp.algorithm.begin(), fp.algorithm.end(), fp.algorithm.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    fp.value = trim(std::string_view(s).substr(sp));
    std::transform(fp.value.begin(), fp.value.end(), fp.value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const std::size_t n = digest_length(fp.algorithm);
    if (n == 0) {
      error = jsep::make_error(ErrorCode::NotSupported, "unsupported fingerprint hash " + fp.algorithm);
      return;
    }
    bool ok = fp.value.size() == 3 * n - 1;
    for (std::size_t i = 0; ok && i < fp.value.size(); ++i)
      ok = (i % 3 == 2) ? fp.value[i] == ':' : std::isxdigit(static_cast<unsigned char>(fp.value[i])) != 0;
    if (!ok) {
      error = jsep::make_error(ErrorCode::Syntax, "malformed " + fp.algorithm + " fingerprint " + fp.value);
      return;
    }
    out.push_back(std::move(fp));
  });
  if (error) return *error;
  return out;
}

Result<std::vector<SrtpProfile>> parse_srtp_profiles(std::string_view text) {
  std::vector<SrtpProfile> out;
  std::optional<Error> error;
  split(text, ',', [&](std::string_view item) {
    if (error) return;
    std::string s = trim(item);
    if (s.empty()) return;
    for (SrtpProfile p : kDefaultSrtpProfiles) {
      if (srtp_profile_name(p) == s) {
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
        return;
      }
    }
    error = jsep::make_error(ErrorCode::NotSupported, "unknown SRTP profile " + s);
  });
  if (error) return *error;
  if (out.empty()) return jsep::make_error(ErrorCode::Syntax, "no SRTP profile given");
  return out;
}

std::string srtp_profiles_to_string(const std::vector<SrtpProfile> &profiles) {
  std::string s;
  for (SrtpProfile p : profiles) {
    if (!s.empty()) s += ',';
    s += srtp_profile_name(p);
  }
  return s;
}

// ---------------------------------------------------------------- PadSender

PadSender::PadSender(GstPad *pad, const char *caps)
    : pad_(GST_PAD(gst_object_ref(pad))), caps_(gst_caps_from_string(caps)) {}

PadSender::~PadSender() {
  for (GstMiniObject *obj : queue_) gst_mini_object_unref(obj);
  gst_caps_unref(caps_);
  gst_object_unref(pad_);
}

void PadSender::enqueue(GstMiniObject *obj) {
  std::lock_guard<std::mutex> guard(lock_);
  queue_.push_back(obj);
}

void PadSender::reset() {
  std::lock_guard<std::mutex> guard(lock_);
  sticky_sent_ = false;
  last_ = GST_FLOW_OK;
}

bool PadSender::send_sticky() {
  // gst_pad_create_stream_id() wants at most one sink pad; the encoder has
  // many, so the id is random like the one it would make.
  gchar *stream_id = g_strdup_printf("%08x%08x%08x%08x/dtls", g_random_int(), g_random_int(), g_random_int(),
                                     g_random_int());
  GstEvent *start = gst_event_new_stream_start(stream_id);
  g_free(stream_id);
  gst_event_set_group_id(start, gst_util_group_id_next());
  if (!gst_pad_push_event(pad_, start) && GST_PAD_IS_FLUSHING(pad_)) return false;
  gst_pad_push_event(pad_, gst_event_new_caps(caps_));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_pad_push_event(pad_, gst_event_new_segment(&segment));
  return true;
}

GstFlowReturn PadSender::drain() {
  std::unique_lock<std::mutex> guard(lock_);
  if (busy_) return last_;
  busy_ = true;
  GstFlowReturn ret = last_;
  while (!queue_.empty()) {
    GstMiniObject *obj = queue_.front();
    queue_.pop_front();
    const bool need_sticky = !sticky_sent_ && !GST_IS_EVENT(obj);
    guard.unlock();
    bool sticky_ok = true;
    if (need_sticky) sticky_ok = send_sticky();
    if (GST_IS_BUFFER(obj))
      ret = gst_pad_push(pad_, GST_BUFFER_CAST(obj));
    else if (GST_IS_BUFFER_LIST(obj))
      ret = gst_pad_push_list(pad_, GST_BUFFER_LIST_CAST(obj));
    else
      gst_pad_push_event(pad_, GST_EVENT_CAST(obj));
    guard.lock();
    if (need_sticky && sticky_ok) sticky_sent_ = true;
    last_ = ret;
  }
  busy_ = false;
  return ret;
}

// ---------------------------------------------------------------- Connection

std::shared_ptr<Connection> Connection::acquire(const std::string &id) {
  init_debug();
  if (id.empty()) return std::shared_ptr<Connection>(new Connection(id));
  std::lock_guard<std::mutex> guard(registry_lock);
  auto &map = registry();
  if (auto it = map.find(id); it != map.end()) {
    if (auto conn = it->second.lock()) return conn;
  }
  std::shared_ptr<Connection> conn(new Connection(id));
  map[id] = conn;
  return conn;
}

Connection::Connection(std::string id) : id_(std::move(id)) {
  transport_ = GST_RTC_DTLS_TRANSPORT(g_object_new(GST_RTC_TYPE_DTLS_TRANSPORT, nullptr));
  gst_object_ref_sink(transport_);
  g_weak_ref_init(&enc_, nullptr);
  g_weak_ref_init(&dec_, nullptr);
  clock_ = gst_system_clock_obtain();
  GST_DEBUG("new connection '%s'", id_.c_str());
}

Connection::~Connection() {
  if (!id_.empty()) {
    std::lock_guard<std::mutex> guard(registry_lock);
    auto &map = registry();
    if (auto it = map.find(id_); it != map.end() && it->second.expired()) map.erase(it);
  }
  if (timer_) {
    gst_clock_id_unschedule(timer_);
    gst_clock_id_unref(timer_);
  }
  gst_object_unref(clock_);
  g_weak_ref_clear(&enc_);
  g_weak_ref_clear(&dec_);
  gst_object_unref(transport_);
  GST_DEBUG("connection '%s' freed", id_.c_str());
}

void Connection::set_client(bool client) {
  std::lock_guard<std::mutex> guard(lock_);
  client_ = client;
}

bool Connection::client() {
  std::lock_guard<std::mutex> guard(lock_);
  return client_;
}

Status Connection::set_certificate_pem(const std::string &pem) {
  auto cert = Certificate::from_pem(pem, pem);
  if (!cert.ok()) return cert.error();
  {
    std::lock_guard<std::mutex> guard(lock_);
    cert_ = std::make_shared<Certificate>(std::move(cert.value()));
    events_.push_back(LocalCertEvent{pem});
  }
  flush();
  return Ok{};
}

Status Connection::ensure_certificate_locked() {
  if (cert_) return Ok{};
  auto cert = Certificate::generate();
  if (!cert.ok()) return cert.error();
  cert_ = std::make_shared<Certificate>(std::move(cert.value()));
  auto c = cert_->cert_pem();
  auto k = cert_->key_pem();
  if (c.ok() && k.ok()) events_.push_back(LocalCertEvent{*c + *k});
  return Ok{};
}

Result<std::string> Connection::certificate_pem() {
  Result<std::string> out = std::string();
  {
    std::lock_guard<std::mutex> guard(lock_);
    auto st = ensure_certificate_locked();
    if (!st.ok()) return st.error();
    auto c = cert_->cert_pem();
    auto k = cert_->key_pem();
    if (!c.ok()) return c.error();
    if (!k.ok()) return k.error();
    out = *c + *k;
  }
  flush();
  return out;
}

Result<std::string> Connection::local_fingerprint() {
  Result<std::string> out = std::string();
  {
    std::lock_guard<std::mutex> guard(lock_);
    auto st = ensure_certificate_locked();
    if (!st.ok()) return st.error();
    auto fp = cert_->fingerprint("sha-256");
    if (!fp.ok()) return fp.error();
    out = "sha-256 " + *fp;
  }
  flush();
  return out;
}

bool Connection::has_certificate() {
  std::lock_guard<std::mutex> guard(lock_);
  return cert_ != nullptr;
}

void Connection::adopt_certificate_from(Connection &other) {
  if (&other == this) return;
  std::shared_ptr<Certificate> cert;
  {
    std::lock_guard<std::mutex> guard(other.lock_);
    cert = other.cert_;
  }
  if (!cert) return;
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (cert_) return;
    cert_ = cert;
    auto c = cert_->cert_pem();
    auto k = cert_->key_pem();
    if (c.ok() && k.ok()) events_.push_back(LocalCertEvent{*c + *k});
  }
  flush();
}

void Connection::set_remote_fingerprints(std::vector<Fingerprint> fps) {
  {
    std::lock_guard<std::mutex> guard(lock_);
    remote_fps_ = std::move(fps);
    const auto now = Clock::now();
    maybe_start_locked(now);
    rearm_locked(now);
  }
  flush(true);
}

void Connection::set_srtp_profiles(std::vector<SrtpProfile> profiles) {
  std::lock_guard<std::mutex> guard(lock_);
  profiles_ = std::move(profiles);
}

std::vector<SrtpProfile> Connection::srtp_profiles() {
  std::lock_guard<std::mutex> guard(lock_);
  return profiles_;
}

void Connection::set_fingerprint_timeout(std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> guard(lock_);
  fingerprint_timeout_ = timeout;
}

void Connection::attach_encoder(GstElement *enc, std::shared_ptr<PadSender> sender) {
  std::lock_guard<std::mutex> guard(lock_);
  g_weak_ref_set(&enc_, enc);
  sender_ = std::move(sender);
}

void Connection::detach_encoder(GstElement *enc) {
  std::shared_ptr<PadSender> old;  // released after the lock
  std::lock_guard<std::mutex> guard(lock_);
  GstElement *cur = GST_ELEMENT(g_weak_ref_get(&enc_));
  if (cur == enc || cur == nullptr) {
    g_weak_ref_set(&enc_, nullptr);
    old = std::move(sender_);
  }
  if (cur) gst_object_unref(cur);
}

void Connection::attach_decoder(GstElement *dec) {
  std::lock_guard<std::mutex> guard(lock_);
  g_weak_ref_set(&dec_, dec);
}

void Connection::detach_decoder(GstElement *dec) {
  std::lock_guard<std::mutex> guard(lock_);
  GstElement *cur = GST_ELEMENT(g_weak_ref_get(&dec_));
  if (cur == dec || cur == nullptr) g_weak_ref_set(&dec_, nullptr);
  if (cur) gst_object_unref(cur);
}

void Connection::activate() {
  {
    std::lock_guard<std::mutex> guard(lock_);
    const auto now = Clock::now();
    const bool finished =
        phase_.load() == Phase::Failed ||
        (engine_ && (engine_->state() == DtlsState::Closed || engine_->state() == DtlsState::Failed));
    if (finished) {
      // A new handshake for a restarted pipeline: W3C transports never leave
      // closed, but an element that goes to PAUSED again starts afresh.
      engine_.reset();
      {
        std::lock_guard<std::mutex> tx(tx_lock_);
        tx_.reset();
      }
      {
        std::lock_guard<std::mutex> rx(rx_lock_);
        rx_.reset();
      }
      phase_ = Phase::Idle;
      reported_ = DtlsState::New;
      srtp_profile_name_.clear();
      set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_NEW);
    }
    want_start_ = true;
    maybe_start_locked(now);
    rearm_locked(now);
  }
  flush(true);
}

void Connection::close() {
  {
    std::lock_guard<std::mutex> guard(lock_);
    const auto now = Clock::now();
    want_start_ = false;
    fingerprint_deadline_.reset();
    waiting_in_.clear();
    app_pending_.clear();
    app_pending_bytes_ = 0;
    if (engine_) {
      engine_->close();
      after_engine_locked(now);
    } else if (reported_ != DtlsState::New && phase_.load() != Phase::Failed) {
      set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_CLOSED);
      reported_ = DtlsState::Closed;
    }
    if (phase_.load() == Phase::Connected) phase_ = Phase::Idle;
    rearm_locked(now);
  }
  flush();
}

void Connection::maybe_start_locked(Clock::time_point now) {
  if (engine_ || phase_.load() == Phase::Failed) return;
  const bool needed = client_ ? want_start_ : !waiting_in_.empty();
  if (!needed) return;
  if (reported_ == DtlsState::New) {
    set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING);
    reported_ = DtlsState::Connecting;
  }
  if (remote_fps_.empty()) {
    // The answer carrying a=fingerprint may still be on its way while the
    // peer's ClientHello already arrived: wait, but not forever.
    if (fingerprint_timeout_.count() == 0) {
      fail_locked(ErrorCode::FingerprintFailure, "no remote fingerprint to verify the peer with");
    } else if (!fingerprint_deadline_) {
      GST_DEBUG("connection '%s': handshake waits for the remote fingerprint", id_.c_str());
      fingerprint_deadline_ = now + fingerprint_timeout_;
    }
    return;
  }
  fingerprint_deadline_.reset();
  if (auto st = ensure_certificate_locked(); !st.ok()) {
    fail_locked(ErrorCode::DtlsFailure, st.error().message);
    return;
  }
  DtlsConfig config;
  config.role = client_ ? DtlsRole::Client : DtlsRole::Server;
  config.remote_fingerprints = remote_fps_;
  config.srtp_profiles = profiles_;
  auto engine = DtlsEngine::create(*cert_, std::move(config));
  if (!engine.ok()) {
    fail_locked(engine.error().code, engine.error().message);
    return;
  }
  engine_ = std::move(engine.value());
  GST_DEBUG("connection '%s': DTLS %s starts", id_.c_str(), client_ ? "client" : "server");
  if (auto st = engine_->start(now); !st.ok()) {
    fail_locked(st.error().code, st.error().message);
    return;
  }
  after_engine_locked(now);
  while (!waiting_in_.empty() && engine_) {
    auto d = std::move(waiting_in_.front());
    waiting_in_.pop_front();
    engine_->feed(d.data(), d.size(), now);
    after_engine_locked(now);
  }
}

void Connection::send_locked(std::vector<uint8_t> datagram) {
  if (!sender_) {
    // No rtcdtlssrtpenc (yet): the peer retransmits, so this is not fatal.
    ++stats_.handshake_dropped_no_pad;
    GST_DEBUG("connection '%s': no src pad, dropping %zu-byte DTLS datagram", id_.c_str(), datagram.size());
    return;
  }
  GstBuffer *buffer = gst_buffer_new_memdup(datagram.data(), datagram.size());
  if (out_flags_) GST_BUFFER_FLAG_SET(buffer, out_flags_);
  if (batch_) {
    gst_buffer_list_add(batch_, buffer);
  } else {
    sender_->enqueue(GST_MINI_OBJECT_CAST(buffer));
  }
}

void Connection::after_engine_locked(Clock::time_point now) {
  if (!engine_) return;
  while (auto d = engine_->poll_output()) send_locked(std::move(*d));
  const DtlsState s = engine_->state();
  if (s == reported_ || reported_ == DtlsState::Failed) return;
  if (reported_ == DtlsState::New && s != DtlsState::Connecting) {
    set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING);
    reported_ = DtlsState::Connecting;
  }
  switch (s) {
    case DtlsState::New:
      return;
    case DtlsState::Connecting:
      set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING);
      reported_ = s;
      return;
    case DtlsState::Failed: {
      const Error e = engine_->error() ? *engine_->error()
                                       : jsep::make_error(ErrorCode::DtlsFailure, "DTLS handshake failed");
      fail_locked(e.code, e.message);
      return;
    }
    case DtlsState::Closed:
      if (phase_.load() != Phase::Failed) phase_ = Phase::Idle;
      GST_DEBUG("connection '%s': closed", id_.c_str());
      set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_CLOSED);
      reported_ = s;
      return;
    case DtlsState::Connected:
      break;
  }
  reported_ = s;
  if (const auto &keys = engine_->srtp_keys()) {
    // The OpenSSL transform (srtp_config_for): same bytes as libsrtp2, which
    // the engine tests and the fuzz-srtp-diff target check, at a third of
    // its cost per packet.
    auto tx = SrtpEngine::create(srtp_config_for(*keys));
    auto rx = SrtpEngine::create(srtp_config_for(*keys));
    if (!tx.ok() || !rx.ok()) {
      fail_locked(ErrorCode::DtlsFailure, (tx.ok() ? rx.error() : tx.error()).message);
      return;
    }
    {
      std::lock_guard<std::mutex> g(tx_lock_);
      tx_ = std::move(tx.value());
    }
    {
      std::lock_guard<std::mutex> g(rx_lock_);
      rx_ = std::move(rx.value());
    }
    srtp_profile_name_ = srtp_profile_name(keys->profile);
  } else {
    GST_WARNING("connection '%s': peer negotiated no SRTP profile, media will be dropped", id_.c_str());
  }
  if (auto pem = pem_of(engine_->peer_certificate()); pem.ok()) events_.push_back(RemoteCertEvent{*pem});
  phase_ = Phase::Connected;
  GST_INFO("connection '%s': connected (%s)", id_.c_str(),
           srtp_profile_name_.empty() ? "no SRTP" : srtp_profile_name_.c_str());
  set_state_locked(GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED);
  while (!app_pending_.empty()) {
    auto d = std::move(app_pending_.front());
    app_pending_.pop_front();
    if (auto st = engine_->send_application_data(d.data(), d.size()); !st.ok()) {
      ++stats_.app_dropped;
      GST_DEBUG("connection '%s': queued application data dropped: %s", id_.c_str(),
                st.error().message.c_str());
    }
  }
  app_pending_bytes_ = 0;
  while (auto d = engine_->poll_output()) send_locked(std::move(*d));
  (void)now;
}

void Connection::set_state_locked(GstRtcDtlsTransportState state) {
  events_.push_back(StateEvent{state});
}

void Connection::fail_locked(ErrorCode code, std::string message) {
  GST_WARNING("connection '%s' failed: %s", id_.c_str(), message.c_str());
  phase_ = Phase::Failed;
  reported_ = DtlsState::Failed;
  fingerprint_deadline_.reset();
  waiting_in_.clear();
  app_pending_.clear();
  app_pending_bytes_ = 0;
  // report_error() moves the transport to failed after on-error.
  events_.push_back(ErrorEvent{code, std::move(message)});
}

void Connection::rearm_locked(Clock::time_point now) {
  std::optional<Clock::time_point> next;
  if (engine_ && phase_.load() != Phase::Failed) next = engine_->next_timeout();
  if (fingerprint_deadline_ && (!next || *fingerprint_deadline_ < *next)) next = fingerprint_deadline_;
  if (next == timer_at_ && (timer_ != nullptr) == next.has_value()) return;
  if (timer_) {
    gst_clock_id_unschedule(timer_);
    gst_clock_id_unref(timer_);
    timer_ = nullptr;
  }
  timer_at_ = next;
  if (!next) return;
  const auto delta = std::chrono::duration_cast<std::chrono::nanoseconds>(*next - now).count();
  const GstClockTime at = gst_clock_get_time(clock_) + static_cast<GstClockTime>(std::max<int64_t>(delta, 0));
  timer_ = gst_clock_new_single_shot_id(clock_, at);
  auto *weak = new std::weak_ptr<Connection>(weak_from_this());
  if (gst_clock_id_wait_async(timer_, &Connection::timer_cb, weak, &Connection::timer_cb_destroy) !=
      GST_CLOCK_OK) {
    GST_WARNING("connection '%s': cannot schedule the DTLS timer", id_.c_str());
  }
}

void Connection::timer_cb_destroy(gpointer data) {
  delete static_cast<std::weak_ptr<Connection> *>(data);
}

gboolean Connection::timer_cb(GstClock *, GstClockTime, GstClockID id, gpointer data) {
  // Runs on the system clock's single async thread, shared by every
  // connection of the process.
  if (auto conn = static_cast<std::weak_ptr<Connection> *>(data)->lock()) {
    {
      std::lock_guard<std::mutex> guard(conn->lock_);
      if (conn->timer_ != id) return TRUE;  // superseded
      conn->timer_at_.reset();
    }
    conn->on_timer();
  }
  release_openssl_thread_state();
  return TRUE;
}

void Connection::on_timer() {
  {
    std::lock_guard<std::mutex> guard(lock_);
    const auto now = Clock::now();
    if (fingerprint_deadline_ && now >= *fingerprint_deadline_ && phase_.load() != Phase::Failed)
      fail_locked(ErrorCode::FingerprintFailure, "no remote fingerprint arrived in time to verify the peer");
    if (engine_ && phase_.load() != Phase::Failed) {
      engine_->handle_timeout(now);
      after_engine_locked(now);
    }
    rearm_locked(now);
  }
  flush(true);
}

void Connection::flush(bool async) {
  std::shared_ptr<PadSender> sender;
  GstElement *enc = nullptr;
  {
    std::lock_guard<std::mutex> guard(lock_);
    sender = sender_;
    if (async && sender) enc = GST_ELEMENT(g_weak_ref_get(&enc_));
  }
  if (enc) {
    gst_element_call_async(
        enc,
        [](GstElement *, gpointer data) {
          (*static_cast<std::shared_ptr<PadSender> *>(data))->drain();
          release_openssl_thread_state();
        },
        new std::shared_ptr<PadSender>(sender),
        [](gpointer data) { delete static_cast<std::shared_ptr<PadSender> *>(data); });
    gst_object_unref(enc);
  } else if (sender) {
    sender->drain();
  }

  std::lock_guard<std::recursive_mutex> emit(emit_lock_);
  for (;;) {
    Event e;
    {
      std::lock_guard<std::mutex> guard(lock_);
      if (events_.empty()) break;
      e = std::move(events_.front());
      events_.pop_front();
    }
    if (auto *s = std::get_if<StateEvent>(&e)) {
      gst_rtc_dtls_transport_set_state(transport_, s->state);
    } else if (auto *err = std::get_if<ErrorEvent>(&e)) {
      GError *error = g_error_new_literal(GST_RTC_ERROR, to_gst_error(err->code), err->message.c_str());
      gst_rtc_dtls_transport_report_error(transport_, error);
      g_error_free(error);
      post_error(*err);
    } else if (auto *rc = std::get_if<RemoteCertEvent>(&e)) {
      gst_rtc_dtls_transport_set_remote_certificate(transport_, rc->pem.c_str());
    } else if (auto *lc = std::get_if<LocalCertEvent>(&e)) {
      g_object_set(transport_, "certificate", lc->pem.c_str(), nullptr);
    }
  }
}

void Connection::post_error(const ErrorEvent &e) {
  GstElement *element = GST_ELEMENT(g_weak_ref_get(&enc_));
  if (!element) element = GST_ELEMENT(g_weak_ref_get(&dec_));
  if (!element) return;
  gst_element_message_full(element, GST_MESSAGE_ERROR, GST_RTC_ERROR, to_gst_error(e.code),
                           g_strdup(e.message.c_str()),
                           g_strdup_printf("DTLS transport of connection-id '%s' failed", id_.c_str()),
                           __FILE__, GST_FUNCTION, __LINE__);
  gst_object_unref(element);
}

void Connection::post_message(GstMessageType type, const Error &e) {
  GstElement *element = GST_ELEMENT(g_weak_ref_get(&enc_));
  if (!element) return;
  gst_element_message_full(element, type, GST_RTC_ERROR, to_gst_error(e.code), g_strdup(e.message.c_str()),
                           g_strdup_printf("SRTP of connection-id '%s'", id_.c_str()), __FILE__, GST_FUNCTION,
                           __LINE__);
  gst_object_unref(element);
}

// ---------------------------------------------------------------- data

void Connection::send_application_data(const uint8_t *data, std::size_t len, GstBufferFlags flags) {
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (phase_.load() == Phase::Failed || len == 0) {
      ++stats_.app_dropped;
      return;
    }
    if (engine_ && phase_.load() == Phase::Connected && engine_->state() == DtlsState::Connected) {
      if (auto st = engine_->send_application_data(data, len); !st.ok()) {
        ++stats_.app_dropped;
        GST_DEBUG("connection '%s': application data dropped: %s", id_.c_str(), st.error().message.c_str());
      }
      out_flags_ = flags;
      after_engine_locked(Clock::now());
      out_flags_ = GstBufferFlags(0);
    } else if (engine_ && engine_->state() == DtlsState::Closed) {
      ++stats_.app_dropped;
    } else if (app_pending_.size() >= kMaxPendingApp || app_pending_bytes_ + len > kMaxPendingAppBytes) {
      ++stats_.app_dropped;
      GST_DEBUG("connection '%s': application data queue full, dropping %zu bytes", id_.c_str(), len);
    } else {
      app_pending_.emplace_back(data, data + len);
      app_pending_bytes_ += len;
      ++stats_.app_queued;
    }
  }
  flush();
}

void Connection::send_application_list(GstBufferList *list) {
  const guint n = gst_buffer_list_length(list);
  bool connected = false;
  {
    std::lock_guard<std::mutex> guard(lock_);
    connected = sender_ && engine_ && phase_.load() == Phase::Connected && engine_->state() == DtlsState::Connected;
    if (connected) {
      batch_ = gst_buffer_list_new_sized(n);
      const auto now = Clock::now();
      for (guint i = 0; i < n; ++i) {
        GstBuffer *buffer = gst_buffer_list_get(list, i);
        GstMapInfo map;
        if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
          ++stats_.app_dropped;
          continue;
        }
        if (map.size == 0) {
          ++stats_.app_dropped;
        } else if (auto st = engine_->send_application_data(map.data, map.size); !st.ok()) {
          ++stats_.app_dropped;
          GST_DEBUG("connection '%s': application data dropped: %s", id_.c_str(), st.error().message.c_str());
        }
        gst_buffer_unmap(buffer, &map);
        out_flags_ = GstBufferFlags(GST_BUFFER_FLAGS(buffer) & GST_RTC_BUFFER_FLAG_PROBE);
        after_engine_locked(now);
        out_flags_ = GstBufferFlags(0);
      }
      GstBufferList *out = std::exchange(batch_, nullptr);
      if (gst_buffer_list_length(out) > 0)
        sender_->enqueue(GST_MINI_OBJECT_CAST(out));
      else
        gst_buffer_list_unref(out);
    }
  }
  if (connected) {
    flush();
    return;
  }
  // Not connected yet (or failed): the one-by-one path queues or counts.
  for (guint i = 0; i < n; ++i) {
    GstBuffer *buffer = gst_buffer_list_get(list, i);
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) continue;
    send_application_data(map.data, map.size, GstBufferFlags(GST_BUFFER_FLAGS(buffer) & GST_RTC_BUFFER_FLAG_PROBE));
    gst_buffer_unmap(buffer, &map);
  }
}

std::vector<std::vector<uint8_t>> Connection::receive_dtls(const uint8_t *data, std::size_t len) {
  std::vector<std::vector<uint8_t>> app;
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (phase_.load() == Phase::Failed) {
      ++stats_.dtls_dropped;
      return app;
    }
    const auto now = Clock::now();
    if (engine_) {
      engine_->feed(data, len, now);
      after_engine_locked(now);
      while (auto a = engine_->poll_application_data()) app.push_back(std::move(*a));
    } else if (!client_) {
      if (waiting_in_.size() >= kMaxWaitingDtls) {
        waiting_in_.pop_front();
        ++stats_.dtls_dropped;
      }
      waiting_in_.emplace_back(data, data + len);
      maybe_start_locked(now);
      if (engine_)
        while (auto a = engine_->poll_application_data()) app.push_back(std::move(*a));
    } else {
      // A client that has not started cannot expect DTLS yet.
      ++stats_.dtls_dropped;
    }
    rearm_locked(now);
    if (phase_.load() == Phase::Failed) app.clear();
  }
  flush();
  return app;
}

void Connection::count_dropped(PacketKind kind) {
  switch (kind) {
    case PacketKind::Stun:
      ++stats_.stun_dropped;
      break;
    case PacketKind::Rtp:
    case PacketKind::Rtcp:
      if (phase_.load() == Phase::Failed)
        ++stats_.media_dropped_failed;
      else
        ++stats_.media_dropped_not_connected;
      break;
    case PacketKind::Dtls:
      ++stats_.dtls_dropped;
      break;
    case PacketKind::Other:
      ++stats_.other_dropped;
      break;
  }
}

GstBuffer *Connection::protect(GstBuffer *buffer) {
  uint8_t head[2] = {0, 0};
  const gsize got = gst_buffer_extract(buffer, 0, head, 2);
  const PacketKind kind = classify(std::span<const uint8_t>(head, got));
  if (kind != PacketKind::Rtp && kind != PacketKind::Rtcp) {
    ++stats_.media_dropped_malformed;
    gst_buffer_unref(buffer);
    return nullptr;
  }
  if (phase_.load() != Phase::Connected) {
    count_dropped(kind);
    gst_buffer_unref(buffer);
    return nullptr;
  }
  std::unique_lock<std::mutex> guard(tx_lock_);
  if (!tx_) {
    ++stats_.media_dropped_not_connected;
    gst_buffer_unref(buffer);
    return nullptr;
  }
  const std::size_t overhead = kind == PacketKind::Rtcp ? tx_->rtcp_overhead() : tx_->rtp_overhead();
  buffer = gst_buffer_make_writable(buffer);
  gsize offset = 0, maxsize = 0;
  const gsize size = gst_buffer_get_sizes(buffer, &offset, &maxsize);
  if (gst_buffer_n_memory(buffer) == 1 && maxsize - offset >= size + overhead) {
    // Room after the packet (e.g. allocation padding we proposed): no copy.
    gst_buffer_set_size(buffer, static_cast<gssize>(size + overhead));
  } else {
    GstMemory *mem = gst_allocator_alloc(nullptr, size + overhead, nullptr);
    GstMapInfo m;
    if (!mem || !gst_memory_map(mem, &m, GST_MAP_WRITE)) {
      if (mem) gst_memory_unref(mem);
      gst_buffer_unref(buffer);
      ++stats_.media_dropped_malformed;
      return nullptr;
    }
    gst_buffer_extract(buffer, 0, m.data, size);
    gst_memory_unmap(mem, &m);
    gst_buffer_replace_all_memory(buffer, mem);
  }
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READWRITE)) {
    gst_buffer_unref(buffer);
    ++stats_.media_dropped_malformed;
    return nullptr;
  }
  const uint64_t exhausted_before = tx_->stats().key_exhausted;
  auto r = kind == PacketKind::Rtcp ? tx_->protect_rtcp(map.data, size, map.size)
                                    : tx_->protect_rtp(map.data, size, map.size);
  gst_buffer_unmap(buffer, &map);
  if (!r.ok()) {
    GST_LOG("connection '%s': protect failed: %s", id_.c_str(), r.error().message.c_str());
    const bool exhausted = tx_->stats().key_exhausted != exhausted_before;
    const bool first_exhausted = exhausted && exhausted_before == 0;
    if (!exhausted) ++stats_.media_dropped_malformed;
    guard.unlock();
    gst_buffer_unref(buffer);
    // Told once: DTLS-SRTP cannot re-key this session, nothing more is sent.
    if (first_exhausted) post_message(GST_MESSAGE_WARNING, r.error());
    return nullptr;
  }
  gst_buffer_set_size(buffer, static_cast<gssize>(*r));
  return buffer;
}

GstBuffer *Connection::unprotect(GstBuffer *buffer, PacketKind kind) {
  if (phase_.load() != Phase::Connected) {
    count_dropped(kind);
    gst_buffer_unref(buffer);
    return nullptr;
  }
  std::lock_guard<std::mutex> guard(rx_lock_);
  if (!rx_) {
    ++stats_.media_dropped_not_connected;
    gst_buffer_unref(buffer);
    return nullptr;
  }
  buffer = gst_buffer_make_writable(buffer);
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READWRITE)) {
    gst_buffer_unref(buffer);
    ++stats_.media_dropped_malformed;
    return nullptr;
  }
  auto r = kind == PacketKind::Rtcp ? rx_->unprotect_rtcp(map.data, map.size)
                                    : rx_->unprotect_rtp(map.data, map.size);
  gst_buffer_unmap(buffer, &map);
  if (!r.ok()) {
    // Counted by reason in the SRTP engine's stats.
    GST_LOG("connection '%s': unprotect dropped a packet: %s", id_.c_str(), r.error().message.c_str());
    gst_buffer_unref(buffer);
    return nullptr;
  }
  gst_buffer_set_size(buffer, static_cast<gssize>(*r));
  return buffer;
}

GstStructure *Connection::stats() {
  GstRtcDtlsTransportState state = gst_rtc_dtls_transport_get_state(transport_);
  GstStructure *s = gst_structure_new_empty("application/x-rtc-dtls-srtp-stats");
  {
    std::lock_guard<std::mutex> guard(lock_);
    gst_structure_set(s, "connection-id", G_TYPE_STRING, id_.c_str(), "state", G_TYPE_STRING,
                      gst_rtc_enum_to_string(GST_RTC_TYPE_DTLS_TRANSPORT_STATE, state), "srtp-profile",
                      G_TYPE_STRING, srtp_profile_name_.c_str(), "is-client", G_TYPE_BOOLEAN, client_,
                      nullptr);
    if (engine_) {
      const DtlsStats &d = engine_->stats();
      gst_structure_set(s, "dtls-datagrams-received", G_TYPE_UINT64, d.datagrams_received,
                        "dtls-datagrams-sent", G_TYPE_UINT64, d.datagrams_sent, "dtls-malformed-dropped",
                        G_TYPE_UINT64, d.malformed_dropped, "dtls-retransmissions", G_TYPE_UINT64,
                        d.retransmissions, "application-bytes-sent", G_TYPE_UINT64, d.application_bytes_sent,
                        "application-bytes-received", G_TYPE_UINT64, d.application_bytes_received, nullptr);
    }
  }
  {
    std::lock_guard<std::mutex> guard(tx_lock_);
    if (tx_)
      gst_structure_set(s, "rtp-protected", G_TYPE_UINT64, tx_->stats().rtp_protected, "rtcp-protected",
                        G_TYPE_UINT64, tx_->stats().rtcp_protected, "srtp-key-exhausted", G_TYPE_UINT64,
                        tx_->stats().key_exhausted, nullptr);
  }
  {
    std::lock_guard<std::mutex> guard(rx_lock_);
    if (rx_) {
      const SrtpStats &r = rx_->stats();
      gst_structure_set(s, "rtp-unprotected", G_TYPE_UINT64, r.rtp_unprotected, "rtcp-unprotected",
                        G_TYPE_UINT64, r.rtcp_unprotected, "srtp-dropped-auth", G_TYPE_UINT64, r.dropped_auth,
                        "srtp-dropped-replay", G_TYPE_UINT64, r.dropped_replay, "srtp-dropped-malformed",
                        G_TYPE_UINT64, r.dropped_malformed, nullptr);
    }
  }
  gst_structure_set(
      s, "media-dropped-not-connected", G_TYPE_UINT64, stats_.media_dropped_not_connected.load(),
      "media-dropped-failed", G_TYPE_UINT64, stats_.media_dropped_failed.load(), "media-dropped-malformed",
      G_TYPE_UINT64, stats_.media_dropped_malformed.load(), "stun-dropped", G_TYPE_UINT64,
      stats_.stun_dropped.load(), "other-dropped", G_TYPE_UINT64, stats_.other_dropped.load(), "dtls-dropped",
      G_TYPE_UINT64, stats_.dtls_dropped.load(), "application-queued", G_TYPE_UINT64,
      stats_.app_queued.load(), "application-dropped", G_TYPE_UINT64, stats_.app_dropped.load(),
      "handshake-dropped-no-pad", G_TYPE_UINT64, stats_.handshake_dropped_no_pad.load(), nullptr);
  return s;
}

}  // namespace gst_rtc::dtls
