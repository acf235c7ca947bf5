/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One DTLS-SRTP transport shared by an rtcdtlssrtpenc and an rtcdtlssrtpdec:
 * the DTLS engine, the SRTP engines of both directions, the public
 * GstRtcDtlsTransport and the pad the handshake goes out on. Elements find
 * it through a process-wide registry keyed by their `connection-id`.
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtc/rtc.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dtls-engine.h"
#include "srtp-engine.h"

namespace gst_rtc::dtls {

// Serialises every push on one src pad without holding a lock across
// gst_pad_push(): the first thread to arrive pushes what every other thread
// queued meanwhile (in order), so a DTLS flight answered synchronously by a
// directly linked peer, or the retransmission timer racing the streaming
// threads, can neither deadlock nor reorder. Sticky events (stream-start,
// caps, segment) go out before the first buffer.
class PadSender {
 public:
  PadSender(GstPad *pad, const char *caps);
  ~PadSender();
  PadSender(const PadSender &) = delete;
  PadSender &operator=(const PadSender &) = delete;

  // Takes ownership of a buffer, buffer list or event. Queueing may happen
  // under a caller's lock (it keeps the caller's order); drain() never.
  void enqueue(GstMiniObject *obj);
  // Pushes everything queued unless another thread already does; returns
  // this drain's last flow, or the last one seen by the other thread.
  GstFlowReturn drain();
  GstFlowReturn push(GstBuffer *buffer) {
    enqueue(GST_MINI_OBJECT_CAST(buffer));
    return drain();
  }
  // Forget the sticky events: the next buffer re-sends them (new stream).
  void reset();

 private:
  bool send_sticky();

  GstPad *pad_;
  GstCaps *caps_;
  std::mutex lock_;
  std::deque<GstMiniObject *> queue_;
  bool busy_ = false;
  bool sticky_sent_ = false;
  GstFlowReturn last_ = GST_FLOW_OK;
};

// Counters of one connection, exposed through the elements' `stats`.
// Updated from several streaming threads, hence atomics.
struct ConnectionStats {
  std::atomic<uint64_t> media_dropped_not_connected{0};
  std::atomic<uint64_t> media_dropped_failed{0};
  std::atomic<uint64_t> media_dropped_malformed{0};
  std::atomic<uint64_t> stun_dropped{0};
  std::atomic<uint64_t> other_dropped{0};
  std::atomic<uint64_t> dtls_dropped{0};
  std::atomic<uint64_t> app_queued{0};
  std::atomic<uint64_t> app_dropped{0};
  std::atomic<uint64_t> handshake_dropped_no_pad{0};
};

// Splits "sha-256 AB:CD:..,sha-1 12:.." (comma separated, as many as the
// remote description has) into fingerprints; validates hash names (sha-1,
// sha-224, sha-256, sha-384, sha-512) and that the hex has the hash's length.
Result<std::vector<Fingerprint>> parse_fingerprints(std::string_view text);
// "SRTP_AEAD_AES_256_GCM,SRTP_AES128_CM_SHA1_80" (OpenSSL names, in order).
Result<std::vector<SrtpProfile>> parse_srtp_profiles(std::string_view text);
std::string srtp_profiles_to_string(const std::vector<SrtpProfile> &profiles);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = DtlsEngine::Clock;

  // The connection registered as `id`, created on first use; an empty id
  // gives a new private connection.
  static std::shared_ptr<Connection> acquire(const std::string &id);
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  const std::string &id() const { return id_; }
  GstRtcDtlsTransport *transport() const { return transport_; }

  // --- settings (apply to the next handshake) ---
  void set_client(bool client);
  bool client();
  // PEM holding a certificate and its private key.
  Status set_certificate_pem(const std::string &pem);
  // Generates the ECDSA P-256 default on first use.
  Result<std::string> certificate_pem();
  Result<std::string> local_fingerprint();
  bool has_certificate();
  // Moves a certificate chosen on a previous (private) connection.
  void adopt_certificate_from(Connection &other);
  void set_remote_fingerprints(std::vector<Fingerprint> fps);
  void set_srtp_profiles(std::vector<SrtpProfile> profiles);
  std::vector<SrtpProfile> srtp_profiles();
  void set_fingerprint_timeout(std::chrono::milliseconds timeout);

  // --- elements ---
  void attach_encoder(GstElement *enc, std::shared_ptr<PadSender> sender);
  void detach_encoder(GstElement *enc);
  void attach_decoder(GstElement *dec);
  void detach_decoder(GstElement *dec);

  // enc READY→PAUSED: a finished (closed/failed) handshake is reset, and a
  // client starts (once the remote fingerprint is known).
  void activate();
  // enc PAUSED→READY: close_notify, transport closed.
  void close();

  // --- send (enc streaming threads) ---
  // SRTP/SRTCP protect in place (RFC 5761 decides which); returns nullptr
  // when the packet is dropped (not connected, failed, malformed).
  GstBuffer *protect(GstBuffer *buffer);
  // One DTLS application-data record per call, queued until connected.
  // `flags` go on the record(s) that carry it (GST_RTC_BUFFER_FLAG_PROBE).
  void send_application_data(const uint8_t *data, std::size_t len, GstBufferFlags flags = GstBufferFlags(0));
  // Every buffer of `list` (not consumed) as application data, the records
  // pushed downstream as one buffer list: one lock, one push, one batch for
  // the ICE transport.
  void send_application_list(GstBufferList *list);

  // --- receive (dec streaming thread) ---
  // One datagram of DTLS records; returns the decrypted application data.
  std::vector<std::vector<uint8_t>> receive_dtls(const uint8_t *data, std::size_t len);
  // Unprotects in place; nullptr when dropped.
  GstBuffer *unprotect(GstBuffer *buffer, PacketKind kind);
  void count_dropped(PacketKind kind);

  bool failed() const { return phase_.load() == Phase::Failed; }
  bool connected() const { return phase_.load() == Phase::Connected; }
  GstStructure *stats();

 private:
  enum class Phase { Idle, Connected, Failed };
  struct StateEvent {
    GstRtcDtlsTransportState state;
  };
  struct ErrorEvent {
    ErrorCode code;
    std::string message;
  };
  struct RemoteCertEvent {
    std::string pem;
  };
  struct LocalCertEvent {
    std::string pem;
  };
  using Event = std::variant<StateEvent, ErrorEvent, RemoteCertEvent, LocalCertEvent>;

  explicit Connection(std::string id);

  // All *_locked run under lock_ and leave datagrams in out_ and
  // notifications in events_; flush() sends and emits them afterwards.
  Status ensure_certificate_locked();
  void maybe_start_locked(Clock::time_point now);
  void after_engine_locked(Clock::time_point now);
  void fail_locked(ErrorCode code, std::string message);
  void set_state_locked(GstRtcDtlsTransportState state);
  void rearm_locked(Clock::time_point now);
  void send_locked(std::vector<uint8_t> datagram);
  // Flags for the datagrams send_locked() makes (under lock_).
  GstBufferFlags out_flags_ = GstBufferFlags(0);
  // While set, send_locked() collects datagrams here instead of queueing
  // each (under lock_).
  GstBufferList *batch_ = nullptr;
  void on_timer();
  // Sends what the engine queued and emits the notifications. `async`
  // drains the src pad from GStreamer's thread pool instead: the state
  // change thread, an application thread or the shared timer thread must
  // not block in a downstream sink that waits for preroll.
  void flush(bool async = false);
  void post_error(const ErrorEvent &e);
  // A message of the enc (GST_RTC_ERROR domain, the code of `e`).
  void post_message(GstMessageType type, const Error &e);

  static void timer_cb_destroy(gpointer data);
  static gboolean timer_cb(GstClock *clock, GstClockTime time, GstClockID id, gpointer data);

  const std::string id_;
  GstRtcDtlsTransport *transport_ = nullptr;

  std::mutex lock_;
  bool client_ = false;
  std::shared_ptr<Certificate> cert_;
  std::vector<Fingerprint> remote_fps_;
  std::vector<SrtpProfile> profiles_{std::begin(kDefaultSrtpProfiles), std::end(kDefaultSrtpProfiles)};
  std::chrono::milliseconds fingerprint_timeout_{10000};
  std::unique_ptr<DtlsEngine> engine_;
  DtlsState reported_ = DtlsState::New;
  bool want_start_ = false;
  std::optional<Clock::time_point> fingerprint_deadline_;
  // Server: DTLS datagrams that arrived before the remote fingerprint.
  std::deque<std::vector<uint8_t>> waiting_in_;
  // Application data sent before the handshake finished.
  std::deque<std::vector<uint8_t>> app_pending_;
  std::size_t app_pending_bytes_ = 0;
  std::deque<Event> events_;
  std::shared_ptr<PadSender> sender_;
  GWeakRef enc_;
  GWeakRef dec_;
  ConnectionStats stats_;
  std::string srtp_profile_name_;
  GstClock *clock_ = nullptr;
  GstClockID timer_ = nullptr;
  std::optional<Clock::time_point> timer_at_;

  // SRTP of each direction has its own engine and lock, so the send and
  // receive streaming threads never wait for each other.
  std::atomic<Phase> phase_{Phase::Idle};
  std::mutex tx_lock_;
  std::unique_ptr<SrtpEngine> tx_;
  std::mutex rx_lock_;
  std::unique_ptr<SrtpEngine> rx_;

  // Notifications leave in the order they were queued: one emitter at a time.
  std::recursive_mutex emit_lock_;
};

}  // namespace gst_rtc::dtls
