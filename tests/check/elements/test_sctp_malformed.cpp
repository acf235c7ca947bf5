// Hostile input to rtcsctpdec: malformed DCEP messages (carried in real
// DATA chunks of a live association, rewritten in flight) and malformed SCTP
// packets (injected beside the real traffic). Each must end in a dropped
// packet or a channel error (a GST_RTC_ERROR warning on the bus), never a
// crash, and the association must keep working where the input was not a
// legitimate way to end it.

// First: it brings the standard headers in before gstcheck.h.
#include "test_sctp_pair.h"

#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// After the standard headers: gstcheck.h defines a `fail` macro.
#include <gst/check/gstcheck.h>
#include <gst/rtc/rtc.h>

using sctp_test::ChannelLog;
using sctp_test::Pair;

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint8_t kData = 0;
constexpr uint8_t kIData = 64;  // RFC 8260: our elements negotiate it with each other
constexpr uint32_t kPpidDcep = 50;

uint16_t rd16(const uint8_t *p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t rd32(const uint8_t *p) {
  return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}
void wr16(uint8_t *p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void wr32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

struct Chunk {
  uint8_t type, flags;
  Bytes value;  // after the 4-byte chunk header
};

// Splits an SCTP packet into chunks; false when it is not well formed.
bool split(const Bytes &packet, std::vector<Chunk> &chunks) {
  std::size_t off = 12;
  while (off + 4 <= packet.size()) {
    const uint16_t len = rd16(&packet[off + 2]);
    if (len < 4 || off + len > packet.size()) return false;
    chunks.push_back(
        {packet[off], packet[off + 1], Bytes(packet.begin() + off + 4, packet.begin() + off + len)});
    off += (len + 3u) & ~3u;
  }
  return true;
}

Bytes join(const Bytes &header, const std::vector<Chunk> &chunks) {
  Bytes out(header.begin(), header.begin() + 12);
  for (auto &c : chunks) {
    const std::size_t len = 4 + c.value.size();
    out.push_back(c.type);
    out.push_back(c.flags);
    out.push_back(static_cast<uint8_t>(len >> 8));
    out.push_back(static_cast<uint8_t>(len));
    out.insert(out.end(), c.value.begin(), c.value.end());
    while (out.size() % 4) out.push_back(0);
  }
  return out;
}

// Where the user data starts in a DATA chunk value (TSN, stream, SSN, PPID)
// or in the first fragment of an I-DATA one (TSN, stream, reserved, MID,
// PPID); 0 for other chunks.
std::size_t payload_offset(const Chunk &c) {
  if (c.type == kData) return 12;
  if (c.type == kIData && (c.flags & 0x02)) return 16;  // B: first fragment
  return 0;
}

bool is_dcep_open(const Chunk &c) {
  const std::size_t off = payload_offset(c);
  return off && c.value.size() > off && rd32(&c.value[off - 4]) == kPpidDcep && c.value[off] == 0x03;
}

// A valid DATA_CHANNEL_OPEN (reliable) with the given label and protocol.
Bytes dcep_open(const std::string &label, const std::string &protocol, uint8_t type = 0x00) {
  Bytes b = {0x03, type, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
  wr16(&b[8], static_cast<uint16_t>(label.size()));
  wr16(&b[10], static_cast<uint16_t>(protocol.size()));
  b.insert(b.end(), label.begin(), label.end());
  b.insert(b.end(), protocol.begin(), protocol.end());
  return b;
}

struct DcepCase {
  const char *name;
  // Rewrites the chunk value that carries A's OPEN: DATA or I-DATA; the
  // user data starts at `offset`.
  std::function<void(Bytes &, std::size_t offset)> rewrite;
};

void set_payload(Bytes &value, std::size_t offset, const Bytes &payload) {
  value.resize(offset);
  value.insert(value.end(), payload.begin(), payload.end());
}

std::vector<DcepCase> dcep_cases() {
  auto payload = [](Bytes p) { return [p](Bytes &v, std::size_t offset) { set_payload(v, offset, p); }; };
  Bytes trailing = dcep_open("x", "");
  trailing.push_back(0);
  Bytes long_label = dcep_open("abc", "");
  wr16(&long_label[8], 4);
  Bytes long_protocol = dcep_open("abc", "p");
  wr16(&long_protocol[10], 300);
  Bytes truncated = dcep_open("", "");
  truncated.resize(11);
  Bytes huge_lengths = dcep_open("", "");
  wr16(&huge_lengths[8], 0xffff);
  wr16(&huge_lengths[10], 0xffff);
  return {
      {"unknown message type", payload({0x05, 0, 0, 0})},
      {"message type 0", payload({0x00})},
      {"ACK with trailing byte", payload({0x02, 0x00})},
      {"OPEN type byte only", payload({0x03})},
      {"OPEN header truncated", payload(truncated)},
      {"unknown channel type 0x03", payload(dcep_open("l", "", 0x03))},
      {"unknown channel type 0x7f", payload(dcep_open("l", "", 0x7f))},
      {"unknown channel type 0xff", payload(dcep_open("l", "", 0xff))},
      {"label length past the end", payload(long_label)},
      {"protocol length past the end", payload(long_protocol)},
      {"65535 + 65535 bytes announced", payload(huge_lengths)},
      {"trailing bytes after OPEN", payload(trailing)},
      {"label not UTF-8", payload(dcep_open("\xff\xfe", ""))},
      {"overlong UTF-8 NUL", payload(dcep_open("\xc0\x80", ""))},
      {"UTF-16 surrogate", payload(dcep_open("\xed\xa0\x80", ""))},
      {"code point above U+10FFFF", payload(dcep_open("\xf4\x90\x80\x80", ""))},
      {"truncated UTF-8 sequence", payload(dcep_open("ok\xe2\x82", ""))},
      {"protocol not UTF-8", payload(dcep_open("l", "\x80"))},
      // Well formed, but on an id of the receiver's parity (RFC 8832 §6).
      {"OPEN on the peer's parity",
       [](Bytes &v, std::size_t offset) {
         wr16(&v[4], static_cast<uint16_t>(rd16(&v[4]) + 1));
         // The first message on that stream: SSN (DATA) or MID (I-DATA) 0.
         if (offset == 12)
           wr16(&v[6], 0);
         else
           wr32(&v[8], 0);
       }},
  };
}

// Rewrites, in flight, the packet of A that carries the next DCEP OPEN.
struct Rewriter {
  std::mutex mutex;
  std::function<void(Bytes &, std::size_t)> rewrite;  // armed when set; one shot
  Bytes last_header;                                  // the common header of A's last packet
  int rewritten = 0;

  static GstPadProbeReturn probe(GstPad *, GstPadProbeInfo *info, Rewriter *self) {
    if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
      GstBufferList *list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
      GST_PAD_PROBE_INFO_DATA(info) = list;
      for (guint i = 0; i < gst_buffer_list_length(list); i++) {
        GstBuffer *b = gst_buffer_list_get(list, i);
        GstBuffer *out = self->process(b);
        if (out != b) {
          gst_buffer_list_remove(list, i, 1);
          gst_buffer_list_insert(list, static_cast<gint>(i), out);
        }
      }
    } else {
      GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
      GstBuffer *out = self->process(b);
      if (out != b) {
        gst_buffer_unref(b);
        GST_PAD_PROBE_INFO_DATA(info) = out;
      }
    }
    return GST_PAD_PROBE_OK;
  }

  // Returns `b` or a new buffer (transfer full) replacing it.
  GstBuffer *process(GstBuffer *b) {
    GstMapInfo map;
    gst_buffer_map(b, &map, GST_MAP_READ);
    Bytes packet(map.data, map.data + map.size);
    gst_buffer_unmap(b, &map);
    std::lock_guard lock(mutex);
    if (packet.size() >= 12) last_header.assign(packet.begin(), packet.begin() + 12);
    if (!rewrite) return b;
    std::vector<Chunk> chunks;
    if (!split(packet, chunks)) return b;
    for (auto &c : chunks) {
      if (!is_dcep_open(c)) continue;
      rewrite(c.value, payload_offset(c));
      rewrite = nullptr;
      rewritten++;
      Bytes out = join(packet, chunks);
      return gst_buffer_new_memdup(out.data(), out.size());
    }
    return b;
  }
};

void attach(Pair &pair, Rewriter &rewriter) {
  GstPad *src = gst_element_get_static_pad(pair.enc[Pair::A], "src");
  gst_pad_add_probe(src, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    reinterpret_cast<GstPadProbeCallback>(Rewriter::probe), &rewriter, nullptr);
  gst_object_unref(src);
}

// A message each way on an open channel pair: whether the association
// still works.
bool alive(Pair &pair, GstRtcDataChannel *a, ChannelLog *b, const std::string &tag) {
  ChannelLog *la = pair.log_of(a);
  std::size_t na, nb;
  {
    auto lock = pair.lock();
    na = la->messages.size();
    nb = b->messages.size();
  }
  for (GstRtcDataChannel *ch : {a, b->channel})
    if (!gst_rtc_data_channel_send_string(ch, ("ping " + tag).c_str(), nullptr)) return false;
  return pair.wait([&] { return la->messages.size() == na + 1 && b->messages.size() == nb + 1; }, 3000);
}

void check_alive(Pair &pair, GstRtcDataChannel *a, ChannelLog *b, const std::string &tag) {
  fail_unless(alive(pair, a, b, tag), "association dead after %s", tag.c_str());
}

void push_to_b(Pair &pair, const Bytes &packet) {
  GstPad *sink = gst_element_get_static_pad(pair.dec[Pair::B], "sink");
  gst_pad_chain(sink,
                packet.empty() ? gst_buffer_new() : gst_buffer_new_memdup(packet.data(), packet.size()));
  gst_object_unref(sink);
}

GstRtcDataChannel *open_watched(Pair &pair, const char *label, ChannelLog **remote) {
  const std::size_t before = pair.incoming_count(Pair::B);
  GstRtcDataChannel *a = pair.create(Pair::A, label);
  fail_unless(a);
  *remote = pair.incoming(Pair::B, before);
  fail_unless(*remote);
  ChannelLog *la = pair.log_of(a);
  fail_unless(pair.wait([&] { return la->has("open") && (*remote)->has("open"); }));
  return a;
}

}  // namespace

GST_START_TEST(test_malformed_dcep_is_reported_and_ignored) {
  Rewriter rewriter;
  Pair pair([&](Pair &p) { attach(p, rewriter); });
  fail_unless(pair.start());
  ChannelLog *b = nullptr;
  GstRtcDataChannel *a = open_watched(pair, "control", &b);
  int warnings = 0;
  for (auto &c : dcep_cases()) {
    {
      std::lock_guard lock(rewriter.mutex);
      rewriter.rewrite = c.rewrite;
    }
    GstRtcDataChannel *victim = pair.create(Pair::A, c.name);
    fail_unless(victim);
    warnings++;
    fail_unless(
        pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_DATA_CHANNEL_FAILURE, 3000, warnings),
        "no DATA_CHANNEL_FAILURE warning for: %s", c.name);
    // Ignored: never announced on B, never acknowledged for A.
    fail_unless_equals_int(pair.incoming_count(Pair::B), 1);
    fail_unless_equals_int(gst_rtc_data_channel_get_ready_state(victim),
                           GST_RTC_DATA_CHANNEL_STATE_CONNECTING);
    check_alive(pair, a, b, c.name);
  }
  fail_unless_equals_int(rewriter.rewritten, (int)dcep_cases().size());
  // And new channels still open normally.
  ChannelLog *b2 = nullptr;
  GstRtcDataChannel *a2 = open_watched(pair, "after", &b2);
  check_alive(pair, a2, b2, "after");
}
GST_END_TEST;

namespace {

struct SctpCase {
  const char *name;
  std::function<Bytes(const Bytes &header)> make;
  bool must_survive = false;
};

Bytes packet(const Bytes &header, std::vector<Chunk> chunks) {
  return join(header, chunks);
}

Bytes with_vtag(Bytes header, uint32_t vtag) {
  wr32(&header[4], vtag);
  return header;
}

Bytes data_value(uint32_t tsn, uint16_t sid, uint16_t ssn, uint32_t ppid, const Bytes &payload) {
  Bytes v(12);
  wr32(&v[0], tsn);
  wr16(&v[4], sid);
  wr16(&v[6], ssn);
  wr32(&v[8], ppid);
  v.insert(v.end(), payload.begin(), payload.end());
  return v;
}

// An I-DATA chunk value: TSN, stream, reserved, MID, PPID or FSN, payload.
Bytes idata_value(uint32_t tsn, uint16_t sid, uint32_t mid, uint32_t ppid_or_fsn, const Bytes &payload) {
  Bytes v(16);
  wr32(&v[0], tsn);
  wr16(&v[4], sid);
  wr32(&v[8], mid);
  wr32(&v[12], ppid_or_fsn);
  v.insert(v.end(), payload.begin(), payload.end());
  return v;
}

// Packets injected beside the real traffic, built on the common header of
// A's real packets (right ports and verification tag unless said).
std::vector<SctpCase> sctp_cases() {
  auto raw = [](Bytes b) { return [b](const Bytes &) { return b; }; };
  auto chunk = [](uint8_t type, uint8_t flags, Bytes value) {
    return [=](const Bytes &h) { return packet(h, {{type, flags, value}}); };
  };
  std::vector<SctpCase> cases = {
      {"empty buffer", raw({}), true},
      {"one byte", raw({0x13}), true},
      {"11 bytes", raw(Bytes(11, 0xaa)), true},
      {"header without chunks", [](const Bytes &h) { return h; }, true},
      {"random 1200 bytes",
       [](const Bytes &h) {
         Bytes b(h);
         uint32_t x = 2463534242u;
         for (int i = 0; i < 1188; i++) {
           x ^= x << 13, x ^= x >> 17, x ^= x << 5;
           b.push_back(static_cast<uint8_t>(x));
         }
         return b;
       }},
      {"chunk length 0",
       [](const Bytes &h) {
         Bytes b(h);
         b.insert(b.end(), {kData, 0, 0, 0, 1, 2, 3, 4});
         return b;
       }},
      {"chunk length 3",
       [](const Bytes &h) {
         Bytes b(h);
         b.insert(b.end(), {kData, 0, 0, 3, 1, 2, 3, 4});
         return b;
       }},
      {"chunk length past the packet",
       [](const Bytes &h) {
         Bytes b(h);
         b.insert(b.end(), {kData, 3, 0x40, 0x00, 1, 2, 3, 4});
         return b;
       }},
      {"wrong verification tag DATA",
       [](const Bytes &h) {
         return packet(with_vtag(h, rd32(&h[4]) ^ 0x5a5a5a5a),
                       {{kData, 3, data_value(1, 0, 0, 51, {'x'})}});
       },
       true},
      {"wrong verification tag ABORT",
       [](const Bytes &h) { return packet(with_vtag(h, rd32(&h[4]) + 1), {{6, 0, {}}}); }, true},
      {"wrong verification tag SHUTDOWN",
       [](const Bytes &h) { return packet(with_vtag(h, rd32(&h[4]) + 1), {{7, 0, {0, 0, 0, 1}}}); }, true},
      {"unknown chunk type 0x3f (stop, discard)", chunk(0x3f, 0, {1, 2, 3, 4}), true},
      {"unknown chunk type 0x7f (stop, report)", chunk(0x7f, 0, {1, 2, 3, 4}), true},
      {"unknown chunk type 0xbf (skip)", chunk(0xbf, 0, {1, 2, 3, 4}), true},
      {"unknown chunk type 0xff (skip, report)", chunk(0xff, 0, {1, 2, 3, 4}), true},
      {"SACK with absurd gap blocks",
       chunk(3, 0, {0x7f, 0xff, 0xff, 0xff, 0, 0, 0x10, 0, 0, 0x40, 0, 0, 0xff, 0xff, 0x00, 0x01})},
      {"SACK truncated", chunk(3, 0, {0, 0, 0})},
      {"HEARTBEAT with overlong info", chunk(4, 0, {0, 1, 0xff, 0xff, 1, 2, 3, 4})},
      {"HEARTBEAT-ACK unknown info", chunk(5, 0, {0, 1, 0, 8, 1, 2, 3, 4})},
      {"COOKIE-ECHO garbage", chunk(10, 0, Bytes(64, 0xcc))},
      {"COOKIE-ACK unexpected", chunk(11, 0, {})},
      {"ERROR chunk with bad cause length", chunk(9, 0, {0, 1, 0xff, 0xf0})},
      {"FORWARD-TSN garbage", chunk(0xc0, 0, {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 2})},
      {"RE-CONFIG garbage parameter", chunk(130, 0, {0x00, 0x0d, 0x00, 0x05, 0xff, 0, 0, 0})},
      {"RE-CONFIG truncated request", chunk(130, 0, {0x00, 0x0d, 0x00, 0x40})},
      {"DATA far-ahead TSN, reserved stream 65535",
       chunk(kData, 3, data_value(0x40000000, 0xffff, 0, 51, {'h', 'i'}))},
      {"DATA on an unopened stream, unknown PPID",
       chunk(kData, 7, data_value(0x7ffffff0, 901, 0, 0xdeadbeef, {1, 2, 3}))},
      {"DATA without user data", chunk(kData, 3, data_value(0, 0, 0, 51, {}))},
      {"I-DATA far-ahead TSN, reserved stream 65535",
       chunk(kIData, 3, idata_value(0x40000000, 0xffff, 0, 51, {'h', 'i'}))},
      {"I-DATA middle fragment of an unknown message",
       chunk(kIData, 0, idata_value(0x7fff0000, 3, 77, 0xffffffff, {1, 2, 3, 4}))},
      {"I-DATA truncated header", chunk(kIData, 3, {0, 0, 0, 1, 0, 2})},
      {"I-DATA without user data", chunk(kIData, 3, idata_value(0, 0, 0, 51, {}))},
      {"INIT in an established association",
       [](const Bytes &h) {
         return packet(with_vtag(h, 0), {{1, 0, {0, 0, 0, 9, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 3}}});
       }},
      // Last: legitimately fatal.
      {"ABORT with the right tag", [](const Bytes &h) { return packet(h, {{6, 0, {}}}); }},
  };
  return cases;
}

}  // namespace

// Each packet is injected into a live association. Packets RFC 9260 says
// to discard (too short, wrong verification tag, skippable unknown chunks)
// must leave it working; for the others an ABORT is a legitimate answer, so
// the association either keeps working or ends cleanly: transport closed,
// every channel closed with SCTP_FAILURE. A fresh pair replaces a dead one.
static void run_sctp_cases(const std::vector<SctpCase> &cases, int *fatal) {
  std::unique_ptr<Rewriter> rewriter;
  std::unique_ptr<Pair> pair;
  GstRtcDataChannel *a = nullptr;
  ChannelLog *b = nullptr;
  Bytes header;
  for (auto &c : cases) {
    if (!pair) {
      rewriter = std::make_unique<Rewriter>();
      pair = std::make_unique<Pair>([&](Pair &p) { attach(p, *rewriter); });
      fail_unless(pair->start());
      a = open_watched(*pair, "control", &b);
      std::lock_guard lock(rewriter->mutex);
      header = rewriter->last_header;
      fail_unless_equals_int(header.size(), 12);
    }
    push_to_b(*pair, c.make(header));
    if (alive(*pair, a, b, c.name)) {
      auto lock = pair->lock();
      fail_unless(b->events == (std::vector<std::string>{"open"}), "%s: the channel saw more than its open",
                  c.name);
      continue;
    }
    fail_if(c.must_survive, "%s killed the association", c.name);
    GST_INFO("ended the association: %s", c.name);
    (*fatal)++;
    GstRtcSctpTransport *transport = nullptr;
    g_object_get(pair->enc[Pair::B], "transport", &transport, nullptr);
    const bool closed = pair->wait(
        [&] { return gst_rtc_sctp_transport_get_state(transport) == GST_RTC_SCTP_TRANSPORT_STATE_CLOSED; },
        3000);
    gst_object_unref(transport);
    fail_unless(closed, "%s: the association neither works nor closed", c.name);
    fail_unless(pair->wait([&] { return b->has("close"); }), "%s: closed transport, open channel", c.name);
    {
      auto lock = pair->lock();
      fail_unless(b->has("error:" + std::to_string(GST_RTC_ERROR_SCTP_FAILURE)), "%s: no SCTP_FAILURE",
                  c.name);
    }
    pair.reset();
  }
}

GST_START_TEST(test_malformed_sctp_packets) {
  const auto cases = sctp_cases();
  fail_unless(cases.size() >= 25);
  int fatal = 0;
  run_sctp_cases(cases, &fatal);
  GST_INFO("%d of %zu malformed packets ended the association", fatal, cases.size());
}
GST_END_TEST;

TCase *sctp_malformed_tcase() {
  TCase *tc = tcase_create("malformed");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_malformed_dcep_is_reported_and_ignored);
  tcase_add_test(tc, test_malformed_sctp_packets);
  return tc;
}
