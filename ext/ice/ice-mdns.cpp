/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ice-mdns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace gst_rtc::ice {

namespace {

constexpr const char *kGroup = "224.0.0.251";
constexpr guint16 kPort = 5353;
// When the questions leave, in ms after the start (RFC 6762 5.2 leaves the
// schedule to the querier; a responder rate-limits a name to one answer a
// second per interface, and may miss a first question sent while it starts).
constexpr gint64 kSchedule[] = {0, 250, 1000};
constexpr guint kTickMs = 50;

guint16 read16(const std::uint8_t *p) {
  return static_cast<guint16>((p[0] << 8) | p[1]);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_name(const std::string &a, const std::string &b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Reads the (possibly compressed) name at `*offset`, leaves `*offset` after
// it; false when malformed. Pointers must go backwards, so no loop.
bool read_name(const std::uint8_t *data, std::size_t size, std::size_t *offset, std::string *out) {
  std::size_t pos = *offset;
  std::size_t end = 0;  // where the name ends in the record (after a first pointer)
  std::size_t limit = pos;  // a pointer must point before this
  out->clear();
  for (int hops = 0; hops < 128; ++hops) {
    if (pos >= size) return false;
    const std::uint8_t len = data[pos];
    if (len == 0) {
      *offset = end ? end : pos + 1;
      return true;
    }
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= size) return false;
      const std::size_t target = static_cast<std::size_t>(((len & 0x3f) << 8) | data[pos + 1]);
      if (target >= limit) return false;
      if (!end) end = pos + 2;
      limit = target;
      pos = target;
      continue;
    }
    if (len & 0xc0) return false;  // the 0x40 / 0x80 label types are obsolete
    if (pos + 1 + len > size) return false;
    if (!out->empty()) out->push_back('.');
    out->append(reinterpret_cast<const char *>(data + pos + 1), len);
    if (out->size() > 255) return false;
    pos += 1 + len;
  }
  return false;
}

}  // namespace

std::vector<std::uint8_t> mdns_query_packet(const std::string &name) {
  std::vector<std::uint8_t> out = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};  // ID 0, flags 0, one question
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    const std::size_t len = dot - start;
    if (len == 0 || len > 63) return {};
    out.push_back(static_cast<std::uint8_t>(len));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
               name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  if (out.size() - 12 > 255) return {};
  const std::uint8_t tail[] = {0, 1, 0, 1};  // type A, class IN (QM)
  out.insert(out.end(), tail, tail + 4);
  return out;
}

std::optional<std::string> mdns_find_address(const std::uint8_t *data, std::size_t size, const std::string &name) {
  if (!data || size < 12) return std::nullopt;
  if (!(data[2] & 0x80)) return std::nullopt;  // a question, not a response
  const unsigned questions = read16(data + 4);
  const unsigned records = read16(data + 6) + read16(data + 8) + read16(data + 10);
  std::size_t pos = 12;
  std::string owner;
  for (unsigned i = 0; i < questions; ++i) {
    if (!read_name(data, size, &pos, &owner) || pos + 4 > size) return std::nullopt;
    pos += 4;
  }
  for (unsigned i = 0; i < records; ++i) {
    if (!read_name(data, size, &pos, &owner) || pos + 10 > size) return std::nullopt;
    const guint16 type = read16(data + pos);
    const guint16 klass = read16(data + pos + 2) & 0x7fff;  // the top bit is cache-flush
    const guint16 rdlength = read16(data + pos + 8);
    pos += 10;
    if (pos + rdlength > size) return std::nullopt;
    if (type == 1 && klass == 1 && rdlength == 4 && same_name(owner, name)) {
      char text[INET_ADDRSTRLEN];
      if (!inet_ntop(AF_INET, data + pos, text, sizeof text)) return std::nullopt;
      return std::string(text);
    }
    pos += rdlength;
  }
  return std::nullopt;
}

std::vector<std::string> mdns_interfaces(const std::vector<std::string> &local_addresses) {
  std::vector<std::string> out;
  for (const std::string &a : local_addresses) {
    GInetAddress *addr = g_inet_address_new_from_string(a.c_str());
    if (!addr) continue;
    if (g_inet_address_get_family(addr) == G_SOCKET_FAMILY_IPV4 && !g_inet_address_get_is_loopback(addr))
      out.push_back(a);
    g_object_unref(addr);
  }
  return out;
}

MdnsQuery::MdnsQuery(std::string name, std::vector<std::string> interfaces, Done done, unsigned timeout_ms)
    : name_(std::move(name)), interfaces_(std::move(interfaces)), done_(std::move(done)) {
  GMainContext *ctx = g_main_context_get_thread_default();
  start_us_ = g_get_monotonic_time();
  deadline_us_ = start_us_ + gint64(timeout_ms) * 1000;
  timer_ = g_timeout_source_new(kTickMs);
  g_source_set_callback(timer_, on_timer, this, nullptr);
  g_source_attach(timer_, ctx);

  socket_ = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, nullptr);
  if (!socket_ || interfaces_.empty()) return;  // the timer reports the failure
  g_socket_set_blocking(socket_, FALSE);
  // Port 5353 shared with any responder on this host (GIO sets
  // SO_REUSEADDR and SO_REUSEPORT): browsers answer to the group's port
  // only. Where it is taken without sharing, an ephemeral port still gets
  // unicast answers from responders that honour one-shot queries.
  GInetAddress *any = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
  GSocketAddress *bind_to = g_inet_socket_address_new(any, kPort);
  if (!g_socket_bind(socket_, bind_to, TRUE, nullptr)) {
    g_object_unref(bind_to);
    bind_to = g_inet_socket_address_new(any, 0);
    g_socket_bind(socket_, bind_to, TRUE, nullptr);
  }
  g_object_unref(bind_to);
  g_object_unref(any);
  const int fd = g_socket_get_fd(socket_);
  for (const std::string &iface : interfaces_) {
    ip_mreqn mreq{};
    inet_pton(AF_INET, kGroup, &mreq.imr_multiaddr);
    inet_pton(AF_INET, iface.c_str(), &mreq.imr_address);
    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq);
  }
  const int ttl = 255;  // RFC 6762 11
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  read_source_ = g_socket_create_source(socket_, G_IO_IN, nullptr);
  g_source_set_callback(read_source_, reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(on_readable)),
                        this, nullptr);
  g_source_attach(read_source_, ctx);
  send_questions();
}

MdnsQuery::~MdnsQuery() {
  for (GSource **s : {&read_source_, &timer_}) {
    if (!*s) continue;
    g_source_destroy(*s);
    g_source_unref(*s);
    *s = nullptr;
  }
  if (socket_) {
    g_socket_close(socket_, nullptr);
    g_object_unref(socket_);
  }
}

void MdnsQuery::send_questions() {
  ++sent_;
  const std::vector<std::uint8_t> packet = mdns_query_packet(name_);
  if (packet.empty()) return;
  GInetAddress *group = g_inet_address_new_from_string(kGroup);
  GSocketAddress *to = g_inet_socket_address_new(group, kPort);
  const int fd = g_socket_get_fd(socket_);
  for (const std::string &iface : interfaces_) {
    in_addr out{};
    if (inet_pton(AF_INET, iface.c_str(), &out) != 1) continue;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof out) != 0) continue;
    GError *error = nullptr;
    if (g_socket_send_to(socket_, to, reinterpret_cast<const gchar *>(packet.data()), packet.size(), nullptr,
                         &error) < 0) {
      g_debug("mDNS question for %s from %s: %s", name_.c_str(), iface.c_str(), error->message);
      g_error_free(error);
    }
  }
  g_object_unref(to);
  g_object_unref(group);
}

void MdnsQuery::finish(std::optional<std::string> address) {
  if (finished_) return;
  finished_ = true;
  for (GSource **s : {&read_source_, &timer_}) {
    if (!*s) continue;
    g_source_destroy(*s);
    g_source_unref(*s);
    *s = nullptr;
  }
  // The callback may destroy this object: nothing of it is used after.
  Done done = std::move(done_);
  if (done) done(std::move(address));
}

gboolean MdnsQuery::on_readable(GSocket *socket, GIOCondition, gpointer data) {
  auto *self = static_cast<MdnsQuery *>(data);
  std::uint8_t buf[9000];
  // A bounded batch a wake-up: a flood of other names cannot hold the thread.
  for (int i = 0; i < 64; ++i) {
    const gssize n =
        g_socket_receive_from(socket, nullptr, reinterpret_cast<gchar *>(buf), sizeof buf, nullptr, nullptr);
    if (n <= 0) break;
    if (auto address = mdns_find_address(buf, static_cast<std::size_t>(n), self->name_)) {
      self->finish(std::move(address));
      return G_SOURCE_REMOVE;
    }
  }
  return G_SOURCE_CONTINUE;
}

gboolean MdnsQuery::on_timer(gpointer data) {
  auto *self = static_cast<MdnsQuery *>(data);
  const gint64 now = g_get_monotonic_time();
  if (now >= self->deadline_us_ || !self->read_source_) {
    self->finish(std::nullopt);
    return G_SOURCE_REMOVE;
  }
  if (self->sent_ < G_N_ELEMENTS(kSchedule) && now - self->start_us_ >= kSchedule[self->sent_] * 1000)
    self->send_questions();
  return G_SOURCE_CONTINUE;
}

}  // namespace gst_rtc::ice
