/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One-shot multicast DNS (RFC 6762) lookups of a remote peer's `.local`
 * host candidate names, without a system mDNS resolver (avahi/nss-mdns):
 * an A question to 224.0.0.251:5353 out of each non-loopback IPv4 address
 * the agent gathers on, answers read from port 5353 (browsers' responders
 * answer by multicast only).
 */
#pragma once

#include <gio/gio.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gst_rtc::ice {

// The query packet: ID 0, one question `name` A IN (QM: browsers drop
// questions with the unicast-response bit). Empty when `name` is not a
// valid DNS name (label > 63 bytes, empty label, > 255 bytes).
std::vector<std::uint8_t> mdns_query_packet(const std::string &name);

// The IPv4 address (dotted) of an A record for `name` (ASCII case-
// insensitive) in the answer or additional records of an mDNS response;
// nullopt for a question, another name, or a malformed packet (every read
// is bounded; compression pointers must point backwards).
std::optional<std::string> mdns_find_address(const std::uint8_t *data, std::size_t size, const std::string &name);

// The addresses mDNS questions may leave from: the IPv4 ones of
// `local_addresses` that are not loopback (responders never listen on lo,
// and nothing is sent from an address the caller did not name).
std::vector<std::string> mdns_interfaces(const std::vector<std::string> &local_addresses);

// One lookup, on the thread whose thread-default context is current at
// construction (the agent's network thread): questions at 0, 0.25 and 1 s,
// `done` with the address, or nullopt after `timeout_ms` or when no socket
// could be opened. Destroying it cancels: `done` is never called after.
class MdnsQuery {
 public:
  using Done = std::function<void(std::optional<std::string> address)>;
  MdnsQuery(std::string name, std::vector<std::string> interfaces, Done done, unsigned timeout_ms = 3000);
  ~MdnsQuery();
  MdnsQuery(const MdnsQuery &) = delete;
  MdnsQuery &operator=(const MdnsQuery &) = delete;

 private:
  void send_questions();
  void finish(std::optional<std::string> address);
  static gboolean on_readable(GSocket *socket, GIOCondition cond, gpointer data);
  static gboolean on_timer(gpointer data);

  std::string name_;
  std::vector<std::string> interfaces_;
  Done done_;
  GSocket *socket_ = nullptr;
  GSource *read_source_ = nullptr;
  GSource *timer_ = nullptr;
  gint64 start_us_ = 0;
  gint64 deadline_us_ = 0;
  unsigned sent_ = 0;
  bool finished_ = false;
};

}  // namespace gst_rtc::ice
