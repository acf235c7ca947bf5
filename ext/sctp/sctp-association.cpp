#include "sctp-association.h"

#include "sctp-pmtu.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace gst_rtc::sctp {

namespace {

// SCTP_INTERLEAVING_SUPPORTED: implemented by usrsctp 0.9.5 (as in FreeBSD,
// where the value comes from) but missing from its public header.
#ifdef SCTP_INTERLEAVING_SUPPORTED
constexpr int kInterleavingSupported = SCTP_INTERLEAVING_SUPPORTED;
#else
constexpr int kInterleavingSupported = 0x00001206;
#endif

}  // namespace

const char *to_string(AssociationState state) {
  switch (state) {
    case AssociationState::New:
      return "new";
    case AssociationState::Connecting:
      return "connecting";
    case AssociationState::Connected:
      return "connected";
    case AssociationState::Closed:
      return "closed";
    case AssociationState::Failed:
      return "failed";
  }
  return "unknown";
}

struct Association::Impl : PacketSink {
  struct Pending {
    Ppid ppid;
    // The message: a copy, or the caller's bytes kept alive by `owner`.
    std::vector<uint8_t> copy;
    std::shared_ptr<const void> owner;
    std::span<const uint8_t> view;
    SendOptions options;
    std::size_t offset = 0;  // bytes already handed to usrsctp

    std::span<const uint8_t> data() const { return owner ? view : std::span<const uint8_t>(copy); }
  };

  // The most handed to usrsctp in one call. Larger messages go in parts
  // (explicit EOR), so a message need not fit the socket buffer at once.
  static constexpr std::size_t kPartSize = 256 * 1024;
  struct Outgoing {
    std::deque<Pending> queue;
    std::size_t buffered = 0;
    std::size_t threshold = 0;
    bool reset_wanted = false;     // reset_stream() called, not yet handed to usrsctp
    bool reset_in_flight = false;  // handed to usrsctp, waiting for the event
  };
  struct Incoming {
    std::vector<uint8_t> data;
    std::size_t size = 0;  // received so far, kept or not
    bool discard = false;
  };

  AssociationConfig config;
  AssociationCallbacks callbacks;

  // Guards everything below. Recursive because usrsctp delivers data and
  // events synchronously from inside feed()/send() on the caller's thread.
  mutable std::recursive_mutex mutex;
  bool closed = false;  // the owner is going away: no more user callbacks
  struct socket *sock = nullptr;
  AssociationState state = AssociationState::New;
  uint16_t outbound = 0;
  uint16_t inbound = 0;
  bool interleaving = false;
  // Ordered so that flushing visits streams in a stable order.
  std::map<uint16_t, Outgoing> outgoing;
  std::unordered_map<uint16_t, Incoming> incoming;

  // Separate from `mutex`: usrsctp emits packets with its own locks held, so
  // the output path must never wait for a thread that is inside usrsctp.
  std::mutex out_mutex;
  bool out_closed = false;

  void on_packet(const uint8_t *data, std::size_t size) override {
    if (prober) prober->observe_output(data, size);
    std::lock_guard lock(out_mutex);
    if (!out_closed && callbacks.on_output) callbacks.on_output(data, size);
  }

  // Path MTU discovery; null when config.max_path_mtu does not ask for it.
  std::unique_ptr<PathMtuProber> prober;
  std::atomic<std::size_t> path_mtu{kBasePacketSize};

  // Sends the probe that is due, if any. Any thread, any lock held but
  // out_mutex (like on_packet).
  void maybe_probe() {
    if (!prober || prober->done()) return;
    auto probe = prober->poll(PathMtuProber::Clock::now());
    if (!probe) return;
    std::lock_guard lock(out_mutex);
    if (out_closed) return;
    auto &emit = callbacks.on_probe ? callbacks.on_probe : callbacks.on_output;
    if (emit) emit(probe->data(), probe->size());
  }

  static constexpr std::size_t kCommonHeaderSize = 12;
  // usrsctp builds packets of up to `size` bytes from now on.
  void use_path_mtu(std::size_t size) {
    struct sctp_paddrparams params;
    std::memset(&params, 0, sizeof(params));
    auto remote = address(config.remote_port);
    std::memcpy(&params.spp_address, &remote, sizeof(remote));
    params.spp_flags = SPP_PMTUD_DISABLE;
    // usrsctp's AF_CONN MTU leaves out the SCTP common header.
    params.spp_pathmtu = static_cast<uint32_t>(size - kCommonHeaderSize);
    std::lock_guard lock(mutex);
    if (!sock || usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &params, sizeof(params)) != 0)
      return;
    path_mtu = size;
  }

  void set_state(AssociationState next) {
    if (state == next) return;
    // Closed and Failed are final.
    if (state == AssociationState::Closed || state == AssociationState::Failed) return;
    state = next;
    if (!closed && callbacks.on_state) callbacks.on_state(next);
  }

  // 0 with *taken = bytes usrsctp accepted (fewer than offered when its
  // buffer filled up mid-part), or the errno of usrsctp_sendv. `eor` ends
  // the message once all of `data` is taken.
  int sendv(uint16_t stream, Ppid ppid, std::span<const uint8_t> data, const SendOptions &options, bool eor,
            std::size_t *taken) {
    struct sctp_sendv_spa spa;
    std::memset(&spa, 0, sizeof(spa));
    spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
    spa.sendv_sndinfo.snd_sid = stream;
    spa.sendv_sndinfo.snd_ppid = htonl(static_cast<uint32_t>(ppid));
    if (eor) spa.sendv_sndinfo.snd_flags = SCTP_EOR;
    if (!options.ordered) spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
    if (options.max_retransmits) {
      spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
      spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
      spa.sendv_prinfo.pr_value = *options.max_retransmits;
    } else if (options.max_packet_lifetime_ms) {
      spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
      spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
      spa.sendv_prinfo.pr_value = *options.max_packet_lifetime_ms;
    }
    // An SCTP DATA chunk cannot be empty: RFC 8831 §6.6 sends one zero byte
    // under the *Empty ppids.
    static const uint8_t zero = 0;
    const void *buf = data.empty() ? &zero : data.data();
    std::size_t len = data.empty() ? 1 : data.size();
    errno = 0;
    ssize_t sent = usrsctp_sendv(sock, buf, len, nullptr, 0, &spa, sizeof(spa), SCTP_SENDV_SPA, 0);
    if (sent < 0) return errno ? errno : EIO;
    *taken = data.empty() ? 0 : static_cast<std::size_t>(sent);
    return 0;
  }

  static bool would_block(int err) { return err == EWOULDBLOCK || err == EAGAIN || err == ENOBUFS; }

  // Hands queued messages to usrsctp, part by part, until it pushes back,
  // then requests the resets whose streams have drained.
  void flush() {
    if (state != AssociationState::Connected) return;
    bool blocked = false;
    for (auto &[stream, out] : outgoing) {
      const std::size_t before = out.buffered;
      while (!blocked && !out.queue.empty()) {
        Pending &p = out.queue.front();
        const std::span<const uint8_t> message = p.data();
        const std::size_t remaining = message.size() - p.offset;
        const std::size_t part = std::min(remaining, kPartSize);
        std::size_t taken = 0;
        int err =
            sendv(stream, p.ppid, message.subspan(p.offset, part), p.options, part == remaining, &taken);
        if (would_block(err)) {
          blocked = true;
          break;
        }
        if (err) {
          // The association is going down; the state notification reports
          // it, the message is gone with it.
          out.buffered -= remaining;
          out.queue.pop_front();
          continue;
        }
        p.offset += taken;
        out.buffered -= taken;
        if (p.offset == message.size()) {
          out.queue.pop_front();
        } else if (taken < part) {
          blocked = true;  // the socket buffer is full mid-message
          break;
        }
      }
      if (before > out.threshold && out.buffered <= out.threshold && !closed &&
          callbacks.on_buffered_amount_low)
        callbacks.on_buffered_amount_low(stream);
      if (blocked) break;
    }
    request_resets();
  }

  void request_resets() {
    std::vector<uint16_t> streams;
    for (auto &[stream, out] : outgoing)
      if (out.reset_wanted && !out.reset_in_flight && out.queue.empty()) streams.push_back(stream);
    if (streams.empty()) return;
    std::vector<uint8_t> buf(sizeof(struct sctp_reset_streams) + streams.size() * sizeof(uint16_t));
    auto *srs = reinterpret_cast<struct sctp_reset_streams *>(buf.data());
    srs->srs_assoc_id = SCTP_ALL_ASSOC;
    srs->srs_flags = SCTP_STREAM_RESET_OUTGOING;
    srs->srs_number_streams = static_cast<uint16_t>(streams.size());
    std::memcpy(srs->srs_stream_list, streams.data(), streams.size() * sizeof(uint16_t));
    // EALREADY: another reset request is outstanding; retried on its event.
    if (usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_RESET_STREAMS, buf.data(),
                           static_cast<socklen_t>(buf.size())) == 0) {
      for (uint16_t s : streams) outgoing[s].reset_in_flight = true;
    }
  }

  void handle_data(const uint8_t *data, std::size_t len, uint16_t stream, uint32_t ppid, int flags) {
    Incoming &in = incoming[stream];
    in.size += len;
    if (!in.discard) {
      // +1 leaves room for the zero byte of an empty message.
      if (config.max_message_size != 0 && in.size > config.max_message_size + 1) {
        // Larger than we advertised: refuse to buffer it.
        in.discard = true;
        in.data = {};
      } else {
        in.data.insert(in.data.end(), data, data + len);
      }
    }
    if (!(flags & MSG_EOR)) return;
    auto node = incoming.extract(stream);
    if (closed) return;
    if (node.mapped().discard) {
      if (callbacks.on_discarded) callbacks.on_discarded(stream, node.mapped().size);
      return;
    }
    if (callbacks.on_message) callbacks.on_message(stream, ppid, std::move(node.mapped().data));
  }

  // `len`: the bytes usrsctp delivered; the event's own length is not
  // trusted beyond them.
  void handle_stream_reset(const struct sctp_stream_reset_event &ev, std::size_t len) {
    const std::size_t length = std::min<std::size_t>(ev.strreset_length, len);
    const std::size_t n = length > sizeof(struct sctp_stream_reset_event)
                              ? (length - sizeof(struct sctp_stream_reset_event)) / sizeof(uint16_t)
                              : 0;
    std::vector<uint16_t> streams(ev.strreset_stream_list, ev.strreset_stream_list + n);
    if (ev.strreset_flags & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)) {
      // Ask again later for the streams we had in flight.
      for (uint16_t s : streams) {
        auto it = outgoing.find(s);
        if (it != outgoing.end()) it->second.reset_in_flight = false;
      }
      return;
    }
    if (ev.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) {
      for (uint16_t s : streams) {
        incoming.erase(s);
        if (!closed && callbacks.on_incoming_reset) callbacks.on_incoming_reset(s);
      }
    }
    if (ev.strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN) {
      for (uint16_t s : streams) {
        auto it = outgoing.find(s);
        if (it == outgoing.end() || !it->second.reset_in_flight) continue;
        outgoing.erase(it);
        if (!closed && callbacks.on_outgoing_reset) callbacks.on_outgoing_reset(s);
      }
    }
  }

  void handle_notification(const uint8_t *data, std::size_t len) {
    union sctp_notification n;
    if (len < sizeof(n.sn_header)) return;
    std::memset(&n, 0, sizeof(n));
    std::memcpy(&n, data, std::min(len, sizeof(n)));
    switch (n.sn_header.sn_type) {
      case SCTP_ASSOC_CHANGE:
        switch (n.sn_assoc_change.sac_state) {
          case SCTP_COMM_UP: {
            outbound = n.sn_assoc_change.sac_outbound_streams;
            inbound = n.sn_assoc_change.sac_inbound_streams;
            // sac_info lists what both ends support (SCTP_ASSOC_SUPPORTS_*).
            const auto *change = reinterpret_cast<const struct sctp_assoc_change *>(data);
            const std::size_t length = std::min<std::size_t>(change->sac_length, len);
            for (std::size_t i = sizeof(struct sctp_assoc_change); i < length; i++)
              if (data[i] == SCTP_ASSOC_SUPPORTS_INTERLEAVING) interleaving = true;
            set_state(AssociationState::Connected);
            if (prober) prober->start(PathMtuProber::Clock::now());
            flush();
            break;
          }
          case SCTP_COMM_LOST:
          case SCTP_CANT_STR_ASSOC:
            set_state(AssociationState::Failed);
            break;
          case SCTP_SHUTDOWN_COMP:
            set_state(AssociationState::Closed);
            break;
          default:
            break;
        }
        break;
      case SCTP_STREAM_CHANGE_EVENT:
        outbound = n.sn_strchange_event.strchange_outstrms;
        inbound = n.sn_strchange_event.strchange_instrms;
        break;
      case SCTP_STREAM_RESET_EVENT:
        if (len >= sizeof(struct sctp_stream_reset_event))
          handle_stream_reset(*reinterpret_cast<const struct sctp_stream_reset_event *>(data), len);
        flush();
        break;
      case SCTP_PARTIAL_DELIVERY_EVENT:
        // PR-SCTP abandoned a message we had half received.
        if (n.sn_pdapi_event.pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED)
          incoming.erase(static_cast<uint16_t>(n.sn_pdapi_event.pdapi_stream));
        break;
      case SCTP_SENDER_DRY_EVENT:
        flush();
        break;
      default:
        break;
    }
  }

  static std::shared_ptr<Impl> pin(void *ulp_info) {
    return std::static_pointer_cast<Impl>(find_sink(ulp_info));
  }

  static int on_receive(struct socket *, union sctp_sockstore, void *data, size_t len,
                        struct sctp_rcvinfo rcv, int flags, void *ulp_info) {
    // usrsctp hands over a malloc()ed buffer.
    std::unique_ptr<void, decltype(&std::free)> owned(data, &std::free);
    auto self = pin(ulp_info);
    if (!self) return 1;
    std::lock_guard lock(self->mutex);
    if (self->closed) return 1;
    if (!data) {
      // End of file: the peer shut the association down (an abort has
      // already made the state Failed, which is final).
      self->set_state(AssociationState::Closed);
      return 1;
    }
    const auto *bytes = static_cast<const uint8_t *>(data);
    if (flags & MSG_NOTIFICATION)
      self->handle_notification(bytes, len);
    else
      self->handle_data(bytes, len, rcv.rcv_sid, ntohl(rcv.rcv_ppid), flags);
    return 1;
  }

  static int on_writable(struct socket *, uint32_t, void *ulp_info) {
    auto self = pin(ulp_info);
    if (!self) return 0;
    std::lock_guard lock(self->mutex);
    if (!self->closed) self->flush();
    return 0;
  }

  struct sockaddr_conn address(uint16_t port) {
    struct sockaddr_conn a;
    std::memset(&a, 0, sizeof(a));
    a.sconn_family = AF_CONN;
    a.sconn_port = htons(port);
    a.sconn_addr = this;
    return a;
  }

  Status setup_socket() {
    // sb_threshold 0: told after every SACK that frees space.
    sock = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, on_receive, on_writable, 0, this);
    if (!sock) return fail("usrsctp_socket");
    if (usrsctp_set_non_blocking(sock, 1) < 0) return fail("non-blocking");
    // Closing aborts at once: the peer connection is going away, and a
    // lingering socket would keep usrsctp_finish() waiting.
    struct linger lg = {1, 0};
    if (setopt(SOL_SOCKET, SO_LINGER, lg)) return fail("SO_LINGER");
    int on = 1;
    if (setopt(IPPROTO_SCTP, SCTP_NODELAY, on)) return fail("SCTP_NODELAY");
    // Messages larger than kPartSize are handed over in parts.
    if (setopt(IPPROTO_SCTP, SCTP_EXPLICIT_EOR, on)) return fail("SCTP_EXPLICIT_EOR");
    if (setopt(IPPROTO_SCTP, SCTP_RECVRCVINFO, on)) return fail("SCTP_RECVRCVINFO");
    struct sctp_assoc_value reset = {SCTP_FUTURE_ASSOC, SCTP_ENABLE_RESET_STREAM_REQ};
    if (setopt(IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, reset)) return fail("SCTP_ENABLE_STREAM_RESET");
    if (config.interleaving) {
      // I-DATA (RFC 8260), offered and used when the peer offers it too. Both
      // options are best effort: without them the association runs on DATA.
      int level = 2;  // partial deliveries of different streams may interleave
      setopt(IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, level);
      struct sctp_assoc_value idata = {SCTP_FUTURE_ASSOC, 1};
      setopt(IPPROTO_SCTP, kInterleavingSupported, idata);
    }
    // Streams take turns on the wire, so one large message does not hold
    // back the others (with I-DATA even mid-message).
    struct sctp_assoc_value scheduler = {SCTP_FUTURE_ASSOC, SCTP_SS_ROUND_ROBIN};
    setopt(IPPROTO_SCTP, SCTP_PLUGGABLE_SS, scheduler);
    struct sctp_initmsg init;
    std::memset(&init, 0, sizeof(init));
    init.sinit_num_ostreams = config.streams;
    init.sinit_max_instreams = config.streams;
    if (setopt(IPPROTO_SCTP, SCTP_INITMSG, init)) return fail("SCTP_INITMSG");
    for (uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_SENDER_DRY_EVENT, SCTP_STREAM_RESET_EVENT,
                          SCTP_STREAM_CHANGE_EVENT, SCTP_PARTIAL_DELIVERY_EVENT}) {
      struct sctp_event ev;
      std::memset(&ev, 0, sizeof(ev));
      ev.se_assoc_id = SCTP_FUTURE_ASSOC;
      ev.se_type = type;
      ev.se_on = 1;
      if (setopt(IPPROTO_SCTP, SCTP_EVENT, ev)) return fail("SCTP_EVENT");
    }
    auto local = address(config.local_port);
    if (usrsctp_bind(sock, reinterpret_cast<struct sockaddr *>(&local), sizeof(local)) < 0)
      return fail("usrsctp_bind");
    return Ok{};
  }

  template <class T>
  int setopt(int level, int name, const T &value) {
    return usrsctp_setsockopt(sock, level, name, &value, sizeof(value));
  }

  static Error fail(const char *what) {
    return jsep::make_error(ErrorCode::SctpFailure, std::string(what) + ": " + std::strerror(errno));
  }
};

Result<std::unique_ptr<Association>> Association::create(const AssociationConfig &config,
                                                         AssociationCallbacks callbacks) {
  if (config.streams == 0) return jsep::make_error(ErrorCode::Type, "streams must be at least 1");
  auto runtime = RuntimeRef::acquire();
  if (!runtime) return runtime.error();
  std::unique_ptr<Association> self(new Association);
  self->runtime_.emplace(std::move(runtime).value());
  self->impl_ = std::make_shared<Impl>();
  self->impl_->config = config;
  self->impl_->callbacks = std::move(callbacks);
  if (config.max_path_mtu > kBasePacketSize)
    self->impl_->prober = std::make_unique<PathMtuProber>(kBasePacketSize, config.max_path_mtu, config.local_port,
                                                          config.remote_port);
  register_sink(self->impl_.get(), self->impl_);
  Status st = Ok{};
  {
    std::lock_guard lock(self->impl_->mutex);
    st = self->impl_->setup_socket();
  }
  if (!st) return st.error();  // the destructor undoes what was done
  return self;
}

Association::~Association() {
  if (!impl_) return;
  struct socket *sock;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->closed = true;
    sock = impl_->sock;
    impl_->sock = nullptr;
  }
  // Not under the lock: closing may run usrsctp callbacks on other threads
  // that wait for it.
  if (sock) usrsctp_close(sock);
  unregister_sink(impl_.get());
  {
    std::lock_guard lock(impl_->out_mutex);
    impl_->out_closed = true;
  }
  // A usrsctp callback still running keeps the Impl alive; runtime_ goes
  // last (member order) and waits for usrsctp to let go of the socket.
  impl_.reset();
}

Status Association::connect() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != AssociationState::New)
    return jsep::make_error(ErrorCode::InvalidState, "connect() already called");
  impl_->set_state(AssociationState::Connecting);
  auto remote = impl_->address(impl_->config.remote_port);
  if (usrsctp_connect(impl_->sock, reinterpret_cast<struct sockaddr *>(&remote), sizeof(remote)) < 0 &&
      errno != EINPROGRESS) {
    auto err = Impl::fail("usrsctp_connect");
    impl_->set_state(AssociationState::Failed);
    return err;
  }
  return Ok{};
}

void Association::feed(const uint8_t *data, std::size_t size) {
  Impl &self = *impl_;
  if (self.prober) {
    // Our probe's answer is ours alone (usrsctp did not send that
    // heartbeat); whatever came bundled with it goes on to usrsctp.
    auto filtered = self.prober->filter(data, size);
    if (filtered.confirmed) self.use_path_mtu(*filtered.confirmed);
    if (filtered.ours) {
      if (!filtered.rest.empty()) usrsctp_conninput(impl_.get(), filtered.rest.data(), filtered.rest.size(), 0);
      self.maybe_probe();
      return;
    }
  }
  // No lock: usrsctp calls back into us (on_receive) from inside.
  usrsctp_conninput(impl_.get(), data, size, 0);
  self.maybe_probe();
}

Status Association::send(uint16_t stream, Ppid ppid, std::span<const uint8_t> data,
                         const SendOptions &options, std::shared_ptr<const void> owner) {
  std::lock_guard lock(impl_->mutex);
  auto &self = *impl_;
  if (self.state != AssociationState::Connected)
    return jsep::make_error(ErrorCode::InvalidState, std::string("association is ") + to_string(self.state));
  if (stream >= self.outbound)
    return jsep::make_error(ErrorCode::InvalidAccess, "stream " + std::to_string(stream) + " not negotiated");
  std::size_t limit = self.config.remote_max_message_size;
  if (limit != 0 && data.size() > limit)
    return jsep::make_error(ErrorCode::Type, "message of " + std::to_string(data.size()) +
                                                 " bytes exceeds the remote max-message-size " +
                                                 std::to_string(limit));
  if (options.max_retransmits && options.max_packet_lifetime_ms)
    return jsep::make_error(ErrorCode::Type, "max-retransmits and max-packet-lifetime are exclusive");
  if ((ppid == Ppid::StringEmpty || ppid == Ppid::BinaryEmpty) != data.empty())
    return jsep::make_error(ErrorCode::Type, "empty payload ppids are for empty messages only");
  self.maybe_probe();
  auto &out = self.outgoing[stream];
  if (out.reset_wanted) return jsep::make_error(ErrorCode::InvalidState, "stream is being reset");
  std::size_t taken = 0;
  if (out.queue.empty() && data.size() <= Impl::kPartSize) {
    // The common case: the whole message goes to usrsctp without a copy.
    int err = self.sendv(stream, ppid, data, options, true, &taken);
    if (err == 0 && taken == data.size()) return Ok{};
    if (err != 0 && !Impl::would_block(err)) {
      errno = err;
      return Impl::fail("usrsctp_sendv");
    }
    if (err != 0) taken = 0;
  }
  Impl::Pending pending{ppid, {}, std::move(owner), {}, options, taken};
  // Without an owner the caller's buffer goes away on return: copy it.
  if (pending.owner)
    pending.view = data;
  else
    pending.copy.assign(data.begin(), data.end());
  out.queue.push_back(std::move(pending));
  out.buffered += data.size() - taken;
  if (out.queue.size() == 1) self.flush();
  return Ok{};
}

Status Association::reset_stream(uint16_t stream) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != AssociationState::Connected)
    return jsep::make_error(ErrorCode::InvalidState, "association not connected");
  auto &out = impl_->outgoing[stream];
  if (out.reset_wanted) return Ok{};
  out.reset_wanted = true;
  impl_->request_resets();
  return Ok{};
}

void Association::shutdown() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->sock && impl_->state == AssociationState::Connected) usrsctp_shutdown(impl_->sock, SHUT_WR);
}

void Association::set_remote_max_message_size(std::size_t size) {
  std::lock_guard lock(impl_->mutex);
  impl_->config.remote_max_message_size = size;
}

std::size_t Association::buffered_amount(uint16_t stream) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->outgoing.find(stream);
  return it == impl_->outgoing.end() ? 0 : it->second.buffered;
}

void Association::set_buffered_amount_low_threshold(uint16_t stream, std::size_t threshold) {
  std::lock_guard lock(impl_->mutex);
  impl_->outgoing[stream].threshold = threshold;
}

AssociationState Association::state() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state;
}

uint16_t Association::outbound_streams() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->outbound;
}

bool Association::interleaving() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->interleaving;
}

std::size_t Association::path_mtu() const {
  return impl_->path_mtu.load();
}

uint16_t Association::inbound_streams() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->inbound;
}

const AssociationConfig &Association::config() const {
  return impl_->config;
}

std::unique_lock<std::recursive_mutex> Association::lock() const {
  return std::unique_lock<std::recursive_mutex>(impl_->mutex);
}

}  // namespace gst_rtc::sctp
