// Sans-IO DTLS 1.2 endpoint for WebRTC (RFC 6347, RFC 5764, RFC 8842):
// datagrams and a caller-supplied monotonic time in, datagrams, application
// data and SRTP keys out. No sockets, threads or clocks of its own; one
// engine is used from one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "certificate.h"
#include "ossl-ptr.h"
#include "srtp-profile.h"

namespace gst_rtc::dtls {

// From a=setup: "active" is the DTLS client, "passive" the server.
enum class DtlsRole { Client, Server };

enum class DtlsState { New, Connecting, Connected, Closed, Failed };

struct DtlsConfig {
  DtlsRole role = DtlsRole::Client;
  // The peer's a=fingerprint lines; the handshake fails unless one matches.
  std::vector<Fingerprint> remote_fingerprints;
  // Offered (client) or accepted in this preference (server); empty disables use_srtp.
  std::vector<SrtpProfile> srtp_profiles{std::begin(kDefaultSrtpProfiles), std::end(kDefaultSrtpProfiles)};
  // Largest handshake datagram, UDP payload bytes (RFC 8831 suggests 1200).
  std::size_t mtu = 1200;
  std::chrono::milliseconds initial_retransmit{100};
  std::chrono::milliseconds max_retransmit{3000};
  // Retransmissions of one flight before the handshake is declared failed.
  unsigned max_retransmits = 10;
};

struct DtlsStats {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  // Datagrams that were not a well-formed sequence of DTLS records.
  uint64_t malformed_dropped = 0;
  // Datagrams arriving when the engine is closed or failed, or before start().
  uint64_t ignored = 0;
  uint64_t retransmissions = 0;
  uint64_t application_bytes_sent = 0;
  uint64_t application_bytes_received = 0;
};

class DtlsEngine {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // Creates an engine in state New that authenticates with `certificate`.
  static Result<std::unique_ptr<DtlsEngine>> create(const Certificate &certificate, DtlsConfig config);
  ~DtlsEngine();
  DtlsEngine(const DtlsEngine &) = delete;
  DtlsEngine &operator=(const DtlsEngine &) = delete;

  // Enters Connecting; a client queues its ClientHello. A server also starts
  // implicitly on its first datagram.
  Status start(TimePoint now);
  // One received datagram. Malformed input is counted and dropped.
  void feed(const uint8_t *data, std::size_t len, TimePoint now);
  // The next datagram to send, oldest first.
  std::optional<std::vector<uint8_t>> poll_output();
  // The next received application-data record (for SCTP), oldest first.
  std::optional<std::vector<uint8_t>> poll_application_data();
  // When handle_timeout() must be called next; nullopt when no timer runs.
  std::optional<TimePoint> next_timeout() const;
  // Retransmits the current flight when its deadline has passed.
  void handle_timeout(TimePoint now);
  // Encrypts one record of up to 16384 bytes. Payloads above
  // max_application_payload() produce datagrams above the MTU.
  Status send_application_data(const uint8_t *data, std::size_t len);
  // Sends close_notify when connected and enters Closed.
  void close();

  DtlsState state() const { return state_; }
  DtlsRole role() const { return config_.role; }
  // Why the engine failed; empty unless state() is Failed.
  const std::optional<Error> &error() const { return error_; }
  // Negotiated profile and keys, set when Connected with use_srtp.
  const std::optional<SrtpKeys> &srtp_keys() const { return srtp_keys_; }
  // Largest application payload that fits one MTU-sized datagram.
  std::size_t max_application_payload() const;
  const DtlsStats &stats() const { return stats_; }
  // The peer's leaf certificate once it was received (owned by the engine),
  // for RTCDtlsTransport.getRemoteCertificates().
  X509 *peer_certificate() const;

 private:
  struct Glue;
  friend struct Glue;

  explicit DtlsEngine(DtlsConfig config) : config_(std::move(config)) {}
  Status init(const Certificate &certificate);
  void drive(TimePoint now);
  void on_handshake_done(bool sent_last_flight);
  void drain_application_data();
  void arm_timer(TimePoint now);
  void fail(ErrorCode code, std::string message);
  void queue_output(const uint8_t *data, std::size_t len);
  std::size_t min_protected_body() const;

  DtlsConfig config_;
  // Declaration order matters: the BIO method must outlive the SSL using it.
  BioMethodPtr bio_method_;
  SslCtxPtr ctx_;
  SslPtr ssl_;

  DtlsState state_ = DtlsState::New;
  std::optional<Error> error_;
  std::optional<SrtpKeys> srtp_keys_;
  DtlsStats stats_;
  bool fingerprint_mismatch_ = false;

  // The datagram OpenSSL reads next; one at a time keeps datagram boundaries.
  std::vector<uint8_t> pending_in_;
  std::deque<std::vector<uint8_t>> out_;
  std::deque<std::vector<uint8_t>> app_in_;

  // Retransmission runs on the caller's clock (see dtls-engine.cpp).
  bool capturing_ = false;
  std::vector<std::vector<uint8_t>> captured_;
  std::vector<std::vector<uint8_t>> flight_;
  std::vector<std::vector<uint8_t>> final_flight_;
  std::optional<TimePoint> deadline_;
  std::chrono::milliseconds timeout_{0};
  unsigned retransmits_ = 0;
};

}  // namespace gst_rtc::dtls
