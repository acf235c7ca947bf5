#include "ice-turn-probe.h"

#include "ice-tls-bridge.h"

#include <gio/gio.h>

#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace gst_rtc::ice {

namespace {

constexpr std::uint32_t kMagic = 0x2112A442;
constexpr std::uint16_t kAllocate = 0x0003;
constexpr std::uint16_t kAllocateSuccess = 0x0103;
constexpr std::uint16_t kAllocateError = 0x0113;
constexpr std::uint16_t kRefresh = 0x0004;
constexpr std::uint16_t kAttrUsername = 0x0006;
constexpr std::uint16_t kAttrIntegrity = 0x0008;
constexpr std::uint16_t kAttrErrorCode = 0x0009;
constexpr std::uint16_t kAttrLifetime = 0x000D;
constexpr std::uint16_t kAttrRealm = 0x0014;
constexpr std::uint16_t kAttrNonce = 0x0015;
constexpr std::uint16_t kAttrRequestedTransport = 0x0019;

struct GObjectDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};
template <class T>
using GPtr = std::unique_ptr<T, GObjectDeleter>;
struct ErrorDeleter {
  void operator()(GError *e) const { g_error_free(e); }
};

// One STUN message being built (RFC 8489 section 5/14).
class Message {
 public:
  explicit Message(std::uint16_t type) {
    put16(type);
    put16(0);
    put32(kMagic);
    for (int i = 0; i < 12; ++i) bytes_.push_back(static_cast<std::uint8_t>(g_random_int_range(0, 256)));
  }
  void attr(std::uint16_t type, const void *data, std::size_t len) {
    put16(type);
    put16(static_cast<std::uint16_t>(len));
    auto *p = static_cast<const std::uint8_t *>(data);
    bytes_.insert(bytes_.end(), p, p + len);
    while (bytes_.size() % 4) bytes_.push_back(0);
    set_length(bytes_.size() - 20);
  }
  void attr(std::uint16_t type, const std::string &s) { attr(type, s.data(), s.size()); }
  // MESSAGE-INTEGRITY: HMAC-SHA1 over the message with the length already
  // counting the integrity attribute (RFC 8489 14.5).
  void integrity(const std::array<std::uint8_t, 16> &key) {
    set_length(bytes_.size() - 20 + 24);
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA1, key.data(), key.size());
    g_hmac_update(h, bytes_.data(), bytes_.size());
    std::uint8_t digest[20];
    gsize len = sizeof digest;
    g_hmac_get_digest(h, digest, &len);
    g_hmac_unref(h);
    attr(kAttrIntegrity, digest, sizeof digest);
  }
  const std::vector<std::uint8_t> &bytes() const { return bytes_; }
  const std::uint8_t *txid() const { return bytes_.data() + 8; }

 private:
  void put16(std::uint16_t v) {
    bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(v));
  }
  void put32(std::uint32_t v) {
    put16(static_cast<std::uint16_t>(v >> 16));
    put16(static_cast<std::uint16_t>(v));
  }
  void set_length(std::size_t n) {
    bytes_[2] = static_cast<std::uint8_t>(n >> 8);
    bytes_[3] = static_cast<std::uint8_t>(n);
  }
  std::vector<std::uint8_t> bytes_;
};

struct Response {
  std::uint16_t type = 0;
  unsigned error_code = 0;
  std::string reason;
  std::string realm;
  std::string nonce;
};

// Bounds-checked parse of a response to `txid`; nullopt for anything else.
std::optional<Response> parse(const std::uint8_t *d, std::size_t n, const std::uint8_t *txid) {
  if (n < 20) return std::nullopt;
  std::size_t len = (std::size_t(d[2]) << 8) | d[3];
  std::uint32_t magic =
      (std::uint32_t(d[4]) << 24) | (std::uint32_t(d[5]) << 16) | (std::uint32_t(d[6]) << 8) | d[7];
  if (magic != kMagic || 20 + len > n || std::memcmp(d + 8, txid, 12) != 0) return std::nullopt;
  Response r;
  r.type = static_cast<std::uint16_t>((d[0] << 8) | d[1]);
  std::size_t off = 20;
  while (off + 4 <= 20 + len) {
    std::uint16_t at = static_cast<std::uint16_t>((d[off] << 8) | d[off + 1]);
    std::size_t al = (std::size_t(d[off + 2]) << 8) | d[off + 3];
    if (off + 4 + al > 20 + len) return std::nullopt;
    const std::uint8_t *v = d + off + 4;
    if (at == kAttrErrorCode && al >= 4) {
      r.error_code = (v[2] & 0x7) * 100 + v[3] % 100;
      r.reason.assign(reinterpret_cast<const char *>(v + 4), al - 4);
    } else if (at == kAttrRealm) {
      r.realm.assign(reinterpret_cast<const char *>(v), al);
    } else if (at == kAttrNonce) {
      r.nonce.assign(reinterpret_cast<const char *>(v), al);
    }
    off += 4 + ((al + 3) & ~std::size_t(3));
  }
  return r;
}

// A blocking request/response channel with a deadline.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual bool send(const std::vector<std::uint8_t> &m) = 0;
  // Reads one STUN message (datagram, or header + length on a stream).
  virtual bool receive(std::vector<std::uint8_t> &out) = 0;
  std::string local_address;
  std::uint16_t local_port = 0;
};

void note_local(Channel &c, GSocketAddress *addr) {
  if (!addr || !G_IS_INET_SOCKET_ADDRESS(addr)) return;
  auto *isa = G_INET_SOCKET_ADDRESS(addr);
  gchar *s = g_inet_address_to_string(g_inet_socket_address_get_address(isa));
  c.local_address = s;
  g_free(s);
  c.local_port = g_inet_socket_address_get_port(isa);
}

class UdpChannel : public Channel {
 public:
  bool open(GSocketAddress *server, const std::string &local, unsigned timeout_ms) {
    sock_.reset(g_socket_new(g_socket_address_get_family(server), G_SOCKET_TYPE_DATAGRAM,
                             G_SOCKET_PROTOCOL_UDP, nullptr));
    if (!sock_) return false;
    g_socket_set_timeout(sock_.get(), (timeout_ms + 999) / 1000);
    GPtr<GInetAddress> la(g_inet_address_new_from_string(local.c_str()));
    if (!la) return false;
    GPtr<GSocketAddress> bind(g_inet_socket_address_new(la.get(), 0));
    if (!g_socket_bind(sock_.get(), bind.get(), FALSE, nullptr)) return false;
    GPtr<GSocketAddress> l(g_socket_get_local_address(sock_.get(), nullptr));
    note_local(*this, l.get());
    server_ = server;
    return true;
  }
  bool send(const std::vector<std::uint8_t> &m) override {
    return g_socket_send_to(sock_.get(), server_, reinterpret_cast<const gchar *>(m.data()), m.size(),
                            nullptr, nullptr) == static_cast<gssize>(m.size());
  }
  bool receive(std::vector<std::uint8_t> &out) override {
    out.resize(2048);
    gssize n =
        g_socket_receive(sock_.get(), reinterpret_cast<gchar *>(out.data()), out.size(), nullptr, nullptr);
    if (n <= 0) return false;
    out.resize(static_cast<std::size_t>(n));
    return true;
  }

 private:
  GPtr<GSocket> sock_;
  GSocketAddress *server_ = nullptr;
};

class StreamChannel : public Channel {
 public:
  bool open(GSocketConnectable *server, const std::string &local, bool tls, const std::string &ca_file,
            unsigned timeout_ms, std::string &why) {
    GPtr<GSocketClient> client(g_socket_client_new());
    g_socket_client_set_timeout(client.get(), (timeout_ms + 999) / 1000);
    GPtr<GInetAddress> la(g_inet_address_new_from_string(local.c_str()));
    if (!la) return false;
    GPtr<GSocketAddress> bind(g_inet_socket_address_new(la.get(), 0));
    g_socket_client_set_local_address(client.get(), bind.get());
    conn_.reset(g_socket_client_connect(client.get(), server, nullptr, nullptr));
    if (!conn_) return false;
    GPtr<GSocketAddress> l(g_socket_connection_get_local_address(conn_.get(), nullptr));
    note_local(*this, l.get());
    stream_ = G_IO_STREAM(conn_.get());
    if (tls) {
      // The same checks as the allocation's bridge, so a certificate
      // problem is what the probe reports.
      auto db = tls_database_for(ca_file);
      if (!db) {
        why = db.error().message;
        return false;
      }
      GPtr<GTlsDatabase> database(db.value());
      tls_.reset(g_tls_client_connection_new(G_IO_STREAM(conn_.get()), server, nullptr));
      if (!tls_) {
        why = "no TLS backend";
        return false;
      }
      if (database) g_tls_connection_set_database(G_TLS_CONNECTION(tls_.get()), database.get());
      GError *err = nullptr;
      if (!g_tls_connection_handshake(G_TLS_CONNECTION(tls_.get()), nullptr, &err)) {
        why = std::string("TLS handshake failed: ") + (err ? err->message : "?");
        g_clear_error(&err);
        return false;
      }
      stream_ = tls_.get();
    }
    return true;
  }
  bool send(const std::vector<std::uint8_t> &m) override {
    gsize written = 0;
    return g_output_stream_write_all(g_io_stream_get_output_stream(stream_), m.data(), m.size(), &written,
                                     nullptr, nullptr) &&
           written == m.size();
  }
  bool receive(std::vector<std::uint8_t> &out) override {
    GInputStream *in = g_io_stream_get_input_stream(stream_);
    out.resize(20);
    gsize got = 0;
    if (!g_input_stream_read_all(in, out.data(), 20, &got, nullptr, nullptr) || got != 20) return false;
    std::size_t len = (std::size_t(out[2]) << 8) | out[3];
    out.resize(20 + len);
    return len == 0 ||
           (g_input_stream_read_all(in, out.data() + 20, len, &got, nullptr, nullptr) && got == len);
  }

 private:
  GPtr<GSocketConnection> conn_;
  GPtr<GIOStream> tls_;
  GIOStream *stream_ = nullptr;
};

// Sends `m` and waits for its response; UDP retransmits (RFC 8489 6.2.1).
std::optional<Response> transact(Channel &ch, const Message &m, bool udp, gint64 deadline) {
  int tries = 0;
  while (g_get_monotonic_time() < deadline) {
    if (tries == 0 || udp) {
      if (!ch.send(m.bytes())) return std::nullopt;
      ++tries;
    }
    std::vector<std::uint8_t> buf;
    if (!ch.receive(buf)) {
      if (!udp) return std::nullopt;
      continue;  // timeout: retransmit
    }
    if (auto r = parse(buf.data(), buf.size(), m.txid())) return r;
  }
  return std::nullopt;
}

}  // namespace

TurnProbeResult probe_turn_server(const TurnServer &server, const std::string &local_address,
                                  const std::string &tls_ca_file, unsigned timeout_ms) {
  TurnProbeResult result;
  result.local_address = local_address;
  auto fail = [&](unsigned code, std::string text) {
    result.ok = false;
    result.error_code = code;
    result.error_text = std::move(text);
    return result;
  };
  GPtr<GInetAddress> ip(g_inet_address_new_from_string(server.host.c_str()));
  bool tls = server.transport == RelayTransport::Tls;
  // Only a turns: server keeps its name (IceAgent resolved the others): its
  // certificate is checked against the name. This runs on the probe's own
  // thread, so the blocking lookup in g_socket_client_connect is harmless.
  if (!ip && !tls) return fail(701, "TURN server address is not an IP literal");
  GPtr<GSocketAddress> addr(ip ? g_inet_socket_address_new(ip.get(), server.port) : nullptr);
  GPtr<GSocketConnectable> target(ip ? G_SOCKET_CONNECTABLE(g_object_ref(addr.get()))
                                     : g_network_address_new(server.host.c_str(), server.port));
  gint64 deadline = g_get_monotonic_time() + gint64(timeout_ms) * 1000;

  std::unique_ptr<Channel> ch;
  bool udp = server.transport == RelayTransport::Udp;
  if (udp) {
    auto u = std::make_unique<UdpChannel>();
    // Short socket timeouts so UDP can retransmit inside the deadline.
    if (!u->open(addr.get(), local_address, 500))
      return fail(701, "cannot open a UDP socket to the TURN server");
    ch = std::move(u);
  } else {
    auto s = std::make_unique<StreamChannel>();
    std::string why;
    if (!s->open(target.get(), local_address, tls, tls_ca_file, timeout_ms, why))
      return fail(701, why.empty() ? std::string("cannot connect to the TURN server over ") +
                                         to_string(server.transport)
                                   : why);
    ch = std::move(s);
  }
  result.local_address = ch->local_address.empty() ? local_address : ch->local_address;
  result.local_port = ch->local_port;

  const std::uint8_t udp_transport[4] = {17, 0, 0, 0};
  Message first(kAllocate);
  first.attr(kAttrRequestedTransport, udp_transport, 4);
  auto r = transact(*ch, first, udp, deadline);
  if (!r) return fail(701, "TURN server did not answer");
  std::string realm, nonce;
  for (int round = 0; round < 2; ++round) {
    if (r->type == kAllocateSuccess) {
      result.ok = true;
      return result;
    }
    if (r->type != kAllocateError) return fail(701, "unexpected TURN response");
    // The first 401 only hands out realm and nonce; a 438 a fresh nonce.
    bool challenge = (r->error_code == 401 && round == 0) || r->error_code == 438;
    if (!challenge || r->realm.empty() || r->nonce.empty())
      return fail(r->error_code, r->reason.empty() ? "TURN allocation refused" : r->reason);
    realm = r->realm;
    nonce = r->nonce;
    std::string key_text = server.username + ":" + realm + ":" + server.password;
    std::array<std::uint8_t, 16> key{};
    gsize key_len = key.size();
    GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(md5, reinterpret_cast<const guchar *>(key_text.data()), key_text.size());
    g_checksum_get_digest(md5, key.data(), &key_len);
    g_checksum_free(md5);
    Message auth(kAllocate);
    auth.attr(kAttrRequestedTransport, udp_transport, 4);
    auth.attr(kAttrUsername, server.username);
    auth.attr(kAttrRealm, realm);
    auth.attr(kAttrNonce, nonce);
    auth.integrity(key);
    r = transact(*ch, auth, udp, deadline);
    if (!r) return fail(701, "TURN server did not answer the authenticated request");
    if (r->type == kAllocateSuccess) {
      // Free the probe's allocation at once (Refresh with lifetime 0).
      Message release(kRefresh);
      const std::uint8_t zero[4] = {0, 0, 0, 0};
      release.attr(kAttrLifetime, zero, 4);
      release.attr(kAttrUsername, server.username);
      release.attr(kAttrRealm, realm);
      release.attr(kAttrNonce, nonce);
      release.integrity(key);
      ch->send(release.bytes());
      result.ok = true;
      return result;
    }
  }
  return fail(r->error_code ? r->error_code : 701, r->reason.empty() ? "TURN allocation refused" : r->reason);
}

}  // namespace gst_rtc::ice
