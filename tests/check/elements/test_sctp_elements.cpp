// rtcsctpenc/rtcsctpdec: two associations of our elements linked back to
// back in one pipeline (test_sctp_pair.h), driven through the public
// GstRtcDataChannel API only.

// First: it brings the standard headers in before gstcheck.h.
#include "test_sctp_pair.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

// After the standard headers: gstcheck.h defines a `fail` macro.
#include <gst/check/gstcheck.h>
#include <gst/rtc/rtc.h>

using sctp_test::ChannelLog;
using sctp_test::Message;
using sctp_test::Pair;

namespace {

GBytes *bytes_of(const std::string &s) {
  return g_bytes_new(s.data(), s.size());
}

bool send_string(GstRtcDataChannel *channel, const std::string &s, GError **error = nullptr) {
  return gst_rtc_data_channel_send_string(channel, s.c_str(), error);
}

bool send_binary(GstRtcDataChannel *channel, const std::string &s, GError **error = nullptr) {
  GBytes *b = bytes_of(s);
  bool ok = gst_rtc_data_channel_send_data(channel, b, error);
  g_bytes_unref(b);
  return ok;
}

// fail_unless_equals_string keeps the pointers it is given: std::strings
// compared here instead, so that temporaries stay alive.
#define assert_equal_strings(a, b)                                                             \
  do {                                                                                         \
    const std::string a_ = (a), b_ = (b);                                                      \
    fail_unless(a_ == b_, "'%s' != '%s'", a_.substr(0, 80).c_str(), b_.substr(0, 80).c_str()); \
  } while (0)

std::string joined(const std::vector<std::string> &events) {
  std::string out;
  for (auto &e : events) out += (out.empty() ? "" : ",") + e;
  return out;
}

gint int_prop(gpointer object, const char *name) {
  gint v = 0;
  g_object_get(object, name, &v, nullptr);
  return v;
}

bool bool_prop(gpointer object, const char *name) {
  gboolean v = FALSE;
  g_object_get(object, name, &v, nullptr);
  return v;
}

std::string string_prop(gpointer object, const char *name) {
  gchar *v = nullptr;
  g_object_get(object, name, &v, nullptr);
  std::string s = v ? v : "";
  g_free(v);
  return s;
}

// Opens a channel on A, waits until both ends are open; returns the peer's log.
ChannelLog *open_channel(Pair &pair, GstRtcDataChannel **local, const char *label,
                         GstStructure *options = nullptr, int side = Pair::A) {
  const int other = 1 - side;
  const std::size_t before = pair.incoming_count(other);
  *local = pair.create(side, label, options);
  fail_unless(*local != nullptr);
  ChannelLog *mine = pair.log_of(*local);
  ChannelLog *remote = pair.incoming(other, before);
  fail_unless(remote != nullptr, "the peer never announced \"%s\"", label);
  fail_unless(pair.wait([&] { return mine->has("open") && remote->has("open"); }), "\"%s\" did not open",
              label);
  return remote;
}

}  // namespace

GST_START_TEST(test_open_state_sequence_and_ids) {
  Pair pair;
  // Created before the association exists: id unknown until it starts.
  GstRtcDataChannel *early = pair.create(Pair::A, "early");
  fail_unless_equals_int(gst_rtc_data_channel_get_id(early), -1);
  fail_unless_equals_int(gst_rtc_data_channel_get_ready_state(early), GST_RTC_DATA_CHANNEL_STATE_CONNECTING);
  fail_unless(pair.start());
  GstRtcSctpTransport *transport = nullptr;
  g_object_get(pair.enc[Pair::A], "transport", &transport, nullptr);
  fail_unless(transport);
  GstRtcSctpTransport *dec_transport = nullptr;
  g_object_get(pair.dec[Pair::A], "transport", &dec_transport, nullptr);
  fail_unless(dec_transport == transport, "enc and dec of one association share the transport");
  fail_unless(gst_rtc_sctp_transport_get_max_channels(transport) > 100);
  fail_unless_equals_uint64(gst_rtc_sctp_transport_get_max_message_size(transport), 65536);
  gst_object_unref(dec_transport);
  gst_object_unref(transport);

  ChannelLog *early_remote = pair.incoming(Pair::B, 0);
  fail_unless(early_remote);
  ChannelLog *early_log = pair.log_of(early);
  fail_unless(pair.wait([&] { return early_log->has("open"); }));
  fail_unless_equals_int(gst_rtc_data_channel_get_id(early) % 2, 0);  // DTLS client: even

  GstRtcDataChannel *from_b = nullptr;
  ChannelLog *at_a = open_channel(pair, &from_b, "from-b",
                                  gst_structure_new("options", "protocol", G_TYPE_STRING, "chat/1",
                                                    "priority", G_TYPE_STRING, "high", nullptr),
                                  Pair::B);
  fail_unless_equals_int(gst_rtc_data_channel_get_id(from_b) % 2, 1);  // DTLS server: odd
  fail_unless_equals_int(gst_rtc_data_channel_get_id(at_a->channel), gst_rtc_data_channel_get_id(from_b));
  assert_equal_strings(string_prop(at_a->channel, "label"), "from-b");
  assert_equal_strings(string_prop(at_a->channel, "protocol"), "chat/1");
  GstRtcPriorityType prio;
  g_object_get(at_a->channel, "priority", &prio, nullptr);
  fail_unless_equals_int(prio, GST_RTC_PRIORITY_TYPE_HIGH);
  fail_if(bool_prop(at_a->channel, "negotiated"));
  ChannelLog *from_b_log = pair.log_of(from_b);
  {
    auto lock = pair.lock();
    // Exactly one open each, nothing else yet.
    fail_unless(from_b_log->events == (std::vector<std::string>{"open"}));
    fail_unless(at_a->events == (std::vector<std::string>{"open"}));
  }
}
GST_END_TEST;

GST_START_TEST(test_every_reliability_mode) {
  Pair pair;
  fail_unless(pair.start());
  struct Mode {
    const char *name;
    GstStructure *options;
    bool ordered;
    int retransmits, lifetime;
  } modes[] = {
      {"reliable", nullptr, true, -1, -1},
      {"unordered", gst_structure_new("o", "ordered", G_TYPE_BOOLEAN, FALSE, nullptr), false, -1, -1},
      {"rexmit-0", gst_structure_new("o", "max-retransmits", G_TYPE_INT, 0, nullptr), true, 0, -1},
      {"rexmit-5-unordered",
       gst_structure_new("o", "max-retransmits", G_TYPE_INT, 5, "ordered", G_TYPE_BOOLEAN, FALSE, nullptr),
       false, 5, -1},
      {"lifetime-100", gst_structure_new("o", "max-packet-lifetime", G_TYPE_INT, 100, nullptr), true, -1,
       100},
      {"lifetime-50-unordered",
       gst_structure_new("o", "max-packet-lifetime", G_TYPE_INT, 50, "ordered", G_TYPE_BOOLEAN, FALSE,
                         nullptr),
       false, -1, 50},
  };
  for (auto &mode : modes) {
    GstRtcDataChannel *local = nullptr;
    ChannelLog *remote = open_channel(pair, &local, mode.name, mode.options);
    for (auto *ch : {local, remote->channel}) {
      fail_unless_equals_int(bool_prop(ch, "ordered"), mode.ordered);
      fail_unless_equals_int(int_prop(ch, "max-retransmits"), mode.retransmits);
      fail_unless_equals_int(int_prop(ch, "max-packet-lifetime"), mode.lifetime);
    }
    for (int i = 0; i < 50; i++)
      fail_unless(send_string(local, std::string(mode.name) + ":" + std::to_string(i)));
    // No loss on a direct link: all arrive, intact, whatever the mode.
    fail_unless(pair.wait([&] { return remote->messages.size() == 50; }), "%s lost messages", mode.name);
    std::set<std::string> got;
    auto lock = pair.lock();
    for (auto &m : remote->messages) got.insert(m.data);
    for (int i = 0; i < 50; i++) fail_unless(got.count(std::string(mode.name) + ":" + std::to_string(i)));
  }
}
GST_END_TEST;

GST_START_TEST(test_ten_thousand_ordered_messages) {
  Pair pair;
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "bulk");
  for (int i = 0; i < 10000; i++) fail_unless(send_string(local, "message " + std::to_string(i)));
  fail_unless(pair.wait([&] { return remote->messages.size() == 10000; }, 20000));
  auto lock = pair.lock();
  for (int i = 0; i < 10000; i++) {
    fail_unless(remote->messages[i].is_string);
    assert_equal_strings(remote->messages[i].data, ("message " + std::to_string(i)));
  }
}
GST_END_TEST;

GST_START_TEST(test_unordered_all_delivered) {
  Pair pair;
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "unordered",
                                    gst_structure_new("o", "ordered", G_TYPE_BOOLEAN, FALSE, nullptr));
  std::set<std::string> sent;
  for (int i = 0; i < 3000; i++) {
    std::string payload = "u" + std::to_string(i) + std::string(i % 700, 'x');
    sent.insert(payload);
    fail_unless(send_binary(local, payload));
  }
  fail_unless(pair.wait([&] { return remote->messages.size() == sent.size(); }, 20000));
  auto lock = pair.lock();
  std::set<std::string> got;
  for (auto &m : remote->messages) got.insert(m.data);
  fail_unless(got == sent);
}
GST_END_TEST;

GST_START_TEST(test_negotiated_channels) {
  Pair pair;
  fail_unless(pair.start());
  auto options = [] {
    return gst_structure_new("o", "negotiated", G_TYPE_BOOLEAN, TRUE, "id", G_TYPE_INT, 7, nullptr);
  };
  GstRtcDataChannel *a = pair.create(Pair::A, "neg", options());
  GstRtcDataChannel *b = pair.create(Pair::B, "neg", options());
  fail_unless(a && b);
  fail_unless_equals_int(gst_rtc_data_channel_get_id(a), 7);  // odd, though A is the client
  ChannelLog *la = pair.log_of(a), *lb = pair.log_of(b);
  fail_unless(pair.wait([&] { return la->has("open") && lb->has("open"); }));
  fail_unless(send_string(a, "to b"));
  fail_unless(send_binary(b, "to a"));
  fail_unless(pair.wait([&] { return la->messages.size() == 1 && lb->messages.size() == 1; }));
  {
    auto lock = pair.lock();
    assert_equal_strings(lb->messages[0].data, "to b");
    assert_equal_strings(la->messages[0].data, "to a");
  }
  // No DCEP: no on-data-channel on either side.
  fail_unless_equals_int(pair.incoming_count(Pair::A), 0);
  fail_unless_equals_int(pair.incoming_count(Pair::B), 0);

  // The same id again is an OPERATION error; negotiated without id a TYPE error.
  fail_unless(pair.create(Pair::A, "dup", options()) == nullptr);
  fail_unless(pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_OPERATION));
  fail_unless(pair.create(Pair::A, "no-id",
                          gst_structure_new("o", "negotiated", G_TYPE_BOOLEAN, TRUE, nullptr)) == nullptr);
  fail_unless(pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_TYPE));
}
GST_END_TEST;

GST_START_TEST(test_bad_options_are_type_errors) {
  Pair pair;
  GstStructure *bad[] = {
      gst_structure_new("o", "max-retransmits", G_TYPE_INT, 1, "max-packet-lifetime", G_TYPE_INT, 1, nullptr),
      gst_structure_new("o", "ordered", G_TYPE_STRING, "yes", nullptr),
      gst_structure_new("o", "id", G_TYPE_INT, 65535, "negotiated", G_TYPE_BOOLEAN, TRUE, nullptr),
      gst_structure_new("o", "priority", G_TYPE_STRING, "urgent", nullptr),
      gst_structure_new("o", "max-retransmits", G_TYPE_INT, -5, nullptr),
      gst_structure_new("o", "protocol", G_TYPE_STRING, std::string(65536, 'p').c_str(), nullptr),
  };
  for (GstStructure *options : bad) fail_unless(pair.create(Pair::A, "bad", options) == nullptr);
  fail_unless(pair.create(Pair::A, std::string(65536, 'l').c_str()) == nullptr);
  fail_unless(pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_TYPE));
}
GST_END_TEST;

GST_START_TEST(test_one_mebibyte_message) {
  Pair pair([](Pair &p) {
    for (int side = 0; side < 2; side++)
      g_object_set(p.enc[side], "max-message-size", (guint64)(8 << 20), "remote-max-message-size",
                   (guint64)(8 << 20), nullptr);
  });
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "big");
  auto make = [](std::size_t size, unsigned seed) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; i++) s[i] = static_cast<char>(((i + seed) * 7919) >> 3);
    return s;
  };
  const std::string mib = make(1 << 20, 1);
  // 5 MiB: more than usrsctp's 2 MiB send buffer, so it goes in parts.
  const std::string five = make(5 << 20, 2);
  fail_unless(send_binary(local, mib));
  fail_unless(send_binary(local, five));
  fail_unless(send_string(local, "after"));
  fail_unless(pair.wait([&] { return remote->messages.size() == 3; }, 20000));
  auto lock = pair.lock();
  fail_unless(remote->messages[0].data == mib, "the 1 MiB message changed");
  fail_unless(remote->messages[1].data == five, "the 5 MiB message changed");
  assert_equal_strings(remote->messages[2].data, "after");
}
GST_END_TEST;

GST_START_TEST(test_oversize_send_is_type_error_and_sends_nothing) {
  Pair pair;  // remote-max-message-size: 65536 until set
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "limits");
  GError *error = nullptr;
  fail_if(send_binary(local, std::string(65537, 'x'), &error));
  fail_unless(error && error->domain == GST_RTC_ERROR && error->code == GST_RTC_ERROR_TYPE);
  g_clear_error(&error);
  // The action signal reports it through on-error.
  GBytes *big = bytes_of(std::string(70000, 'y'));
  g_signal_emit_by_name(local, "send-data", big);
  g_bytes_unref(big);
  ChannelLog *mine = pair.log_of(local);
  fail_unless(pair.wait([&] { return mine->has("error:" + std::to_string(GST_RTC_ERROR_TYPE)); }));
  // Exactly at the limit passes; nothing of the refused ones arrived.
  fail_unless(send_binary(local, std::string(65536, 'z')));
  fail_unless(pair.wait([&] { return remote->messages.size() >= 1; }));
  g_usleep(100 * 1000);
  {
    auto lock = pair.lock();
    fail_unless_equals_int(remote->messages.size(), 1);
    fail_unless(remote->messages[0].data == std::string(65536, 'z'));
  }
  // Raising the limit at run time (a new remote description) applies.
  g_object_set(pair.enc[Pair::A], "remote-max-message-size", (guint64)100000, nullptr);
  fail_unless(send_binary(local, std::string(65537, 'w')));
  fail_unless(pair.wait([&] { return remote->messages.size() == 2; }));
  fail_unless(mine->channel == local);
}
GST_END_TEST;

GST_START_TEST(test_incoming_message_above_our_limit_is_reported) {
  // A peer that ignores our a=max-message-size: the message is dropped and
  // the drop reported on the bus; the channel carries on.
  Pair pair([](Pair &p) {
    g_object_set(p.enc[Pair::B], "max-message-size", (guint64)1000, nullptr);
    g_object_set(p.enc[Pair::A], "remote-max-message-size", (guint64)0, nullptr);
  });
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "limit");
  fail_unless(send_binary(local, std::string(5000, 'o')));
  fail_unless(send_string(local, "small"));
  fail_unless(pair.wait([&] { return remote->messages.size() == 1; }));
  fail_unless(pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_DATA_CHANNEL_FAILURE));
  auto lock = pair.lock();
  assert_equal_strings(remote->messages[0].data, "small");
}
GST_END_TEST;

static void check_close(int closer) {
  Pair pair;
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "to-close");
  ChannelLog *mine = pair.log_of(local);
  ChannelLog *logs[2] = {mine, remote};  // opener, receiver
  fail_unless(send_string(local, "before close"));
  ChannelLog *c = logs[closer], *other = logs[1 - closer];
  gst_rtc_data_channel_close(c->channel);
  fail_unless(gst_rtc_data_channel_get_ready_state(c->channel) == GST_RTC_DATA_CHANNEL_STATE_CLOSING ||
              gst_rtc_data_channel_get_ready_state(c->channel) == GST_RTC_DATA_CHANNEL_STATE_CLOSED);
  fail_unless(pair.wait([&] { return c->has("close") && other->has("close"); }));
  {
    auto lock = pair.lock();
    // W3C: the side that called close() gets no closing event; the other
    // side sees closing, then close.
    fail_unless(c->events == (std::vector<std::string>{"open", "close"}), "closer saw %s",
                joined(c->events).c_str());
    fail_unless(other->events == (std::vector<std::string>{"open", "closing", "close"}), "other side saw %s",
                joined(other->events).c_str());
    fail_unless_equals_int(remote->messages.size(), 1);
  }
  for (ChannelLog *l : logs) {
    fail_unless_equals_int(gst_rtc_data_channel_get_ready_state(l->channel),
                           GST_RTC_DATA_CHANNEL_STATE_CLOSED);
    GError *error = nullptr;
    fail_if(send_string(l->channel, "late", &error));
    fail_unless(error && error->code == GST_RTC_ERROR_INVALID_STATE);
    g_clear_error(&error);
  }
  // The id is free again: a new channel works.
  GstRtcDataChannel *again = nullptr;
  ChannelLog *again_remote = open_channel(pair, &again, "again");
  fail_unless(send_string(again, "hi"));
  fail_unless(pair.wait([&] { return again_remote->messages.size() == 1; }));
}

GST_START_TEST(test_close_by_opener) {
  check_close(0);
}
GST_END_TEST;

GST_START_TEST(test_close_by_receiver) {
  check_close(1);
}
GST_END_TEST;

GST_START_TEST(test_hundred_channels) {
  Pair pair;
  fail_unless(pair.start());
  std::vector<GstRtcDataChannel *> channels;
  for (int i = 0; i < 100; i++) {
    std::string label = "ch" + std::to_string(i);
    channels.push_back(pair.create(i % 2 ? Pair::B : Pair::A, label.c_str()));
    fail_unless(channels.back());
  }
  fail_unless(pair.incoming(Pair::A, 49) && pair.incoming(Pair::B, 49));
  std::set<int> ids;
  for (auto *ch : channels) {
    ChannelLog *l = pair.log_of(ch);
    fail_unless(pair.wait([&] { return l->has("open"); }));
    ids.insert(gst_rtc_data_channel_get_id(ch));
    std::string label = string_prop(ch, "label");
    fail_unless(send_string(ch, "via " + label));
  }
  fail_unless_equals_int(ids.size(), 100);
  for (int side = 0; side < 2; side++) {
    for (int i = 0; i < 50; i++) {
      ChannelLog *in = pair.incoming(side, i);
      fail_unless(pair.wait([&] { return in->messages.size() == 1; }));
      auto lock = pair.lock();
      assert_equal_strings(in->messages[0].data, ("via " + string_prop(in->channel, "label")));
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_string_binary_and_empty_messages) {
  Pair pair;
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "kinds");
  fail_unless(send_string(local, "h\xc3\xa9llo"));
  fail_unless(send_binary(local, std::string("\x00\x01\xff", 3)));
  fail_unless(send_string(local, ""));
  fail_unless(send_binary(local, ""));
  fail_unless(gst_rtc_data_channel_send_data(local, nullptr, nullptr));    // NULL: empty binary
  fail_unless(gst_rtc_data_channel_send_string(local, nullptr, nullptr));  // NULL: empty string
  GError *error = nullptr;
  fail_if(gst_rtc_data_channel_send_string(local, "\xff\xfe", &error));  // not UTF-8
  fail_unless(error && error->code == GST_RTC_ERROR_TYPE);
  g_clear_error(&error);
  fail_unless(pair.wait([&] { return remote->messages.size() == 6; }));
  auto lock = pair.lock();
  const std::vector<std::pair<bool, std::string>> expected = {{true, "h\xc3\xa9llo"},
                                                              {false, std::string("\x00\x01\xff", 3)},
                                                              {true, ""},
                                                              {false, ""},
                                                              {false, ""},
                                                              {true, ""}};
  for (std::size_t i = 0; i < expected.size(); i++) {
    fail_unless_equals_int(remote->messages[i].is_string, expected[i].first);
    fail_unless(remote->messages[i].data == expected[i].second, "message %zu differs", i);
  }
}
GST_END_TEST;

GST_START_TEST(test_send_and_close_from_inside_on_message) {
  Pair pair;
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "echo");
  // B answers from inside its on-message handler, on the streaming thread,
  // opens a channel of its own there and closes when told.
  remote->on_message = [&pair](ChannelLog &log, const Message &m) {
    if (m.data == "bye") {
      gst_rtc_data_channel_close(log.channel);
      return;
    }
    fail_unless(send_string(log.channel, "echo:" + m.data));
    if (m.data == "3") fail_unless(pair.create(Pair::B, "made-in-handler") != nullptr);
  };
  ChannelLog *mine = pair.log_of(local);
  // A sends the next one from inside its own handler: ping-pong to 20.
  mine->on_message = [](ChannelLog &log, const Message &m) {
    int n = std::stoi(m.data.substr(5));
    fail_unless(send_string(log.channel, n < 20 ? std::to_string(n + 1) : "bye"));
  };
  fail_unless(send_string(local, "0"));
  fail_unless(pair.wait([&] { return mine->has("close") && remote->has("close"); }, 10000));
  ChannelLog *made = pair.incoming(Pair::A, 0);
  fail_unless(made);
  assert_equal_strings(string_prop(made->channel, "label"), "made-in-handler");
  auto lock = pair.lock();
  fail_unless_equals_int(mine->messages.size(), 21);
  for (int i = 0; i <= 20; i++) assert_equal_strings(mine->messages[i].data, ("echo:" + std::to_string(i)));
}
GST_END_TEST;

GST_START_TEST(test_buffered_amount_low) {
  Pair pair([](Pair &p) {
    for (int side = 0; side < 2; side++)
      g_object_set(p.enc[side], "max-message-size", (guint64)(1 << 20), "remote-max-message-size",
                   (guint64)(1 << 20), nullptr);
  });
  fail_unless(pair.start());
  GstRtcDataChannel *local = nullptr;
  ChannelLog *remote = open_channel(pair, &local, "flow");
  g_object_set(local, "buffered-amount-low-threshold", (guint64)(256 * 1024), nullptr);
  ChannelLog *mine = pair.log_of(local);
  // 16 MiB at once: far beyond the socket buffer, so it queues in the channel.
  const std::string chunk(256 * 1024, 'b');
  guint64 peak = 0;
  for (int i = 0; i < 64; i++) {
    fail_unless(send_binary(local, chunk));
    peak = std::max(peak, gst_rtc_data_channel_get_buffered_amount(local));
  }
  fail_unless(peak > 256 * 1024, "nothing was ever buffered (peak %" G_GUINT64_FORMAT ")", peak);
  fail_unless(pair.wait([&] { return mine->has("low"); }, 20000));
  fail_unless(pair.wait([&] { return remote->messages.size() == 64; }, 20000));
  fail_unless(gst_rtc_data_channel_get_buffered_amount(local) <= 256 * 1024);
  auto lock = pair.lock();
  for (auto &m : remote->messages) fail_unless(m.data == chunk);
}
GST_END_TEST;

GST_START_TEST(test_abort_closes_every_channel_with_error) {
  Pair pair;
  fail_unless(pair.start());
  std::vector<ChannelLog *> remote;
  for (int i = 0; i < 3; i++) {
    GstRtcDataChannel *local = nullptr;
    remote.push_back(open_channel(pair, &local, ("doomed" + std::to_string(i)).c_str()));
  }
  // A goes away: its association aborts, B learns it from the ABORT.
  fail_unless(gst_element_set_state(pair.enc[Pair::A], GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  for (ChannelLog *l : remote) {
    fail_unless(pair.wait([&] { return l->has("close"); }));
    auto lock = pair.lock();
    fail_unless(l->has("error:" + std::to_string(GST_RTC_ERROR_SCTP_FAILURE)));
  }
  GstRtcSctpTransport *transport = nullptr;
  g_object_get(pair.enc[Pair::B], "transport", &transport, nullptr);
  fail_unless_equals_int(gst_rtc_sctp_transport_get_state(transport), GST_RTC_SCTP_TRANSPORT_STATE_CLOSED);
  gst_object_unref(transport);
  fail_unless(pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_SCTP_FAILURE));
  // A closed association refuses new channels.
  fail_unless(pair.create(Pair::B, "too-late") == nullptr);
  fail_unless(pair.bus_has_rtc_message(GST_MESSAGE_WARNING, GST_RTC_ERROR_INVALID_STATE));
}
GST_END_TEST;

GST_START_TEST(test_restart_after_ready) {
  // PAUSED -> READY -> PLAYING: a fresh association on both sides.
  Pair pair;
  fail_unless(pair.start());
  GstRtcDataChannel *first = nullptr;
  open_channel(pair, &first, "first");
  gst_element_set_state(pair.pipeline, GST_STATE_READY);
  ChannelLog *l = pair.log_of(first);
  fail_unless(pair.wait([&] { return l->has("close"); }));
  fail_unless(pair.start());
  GstRtcDataChannel *second = nullptr;
  ChannelLog *remote = open_channel(pair, &second, "second");
  fail_unless(send_string(second, "again"));
  fail_unless(pair.wait([&] { return remote->messages.size() == 1; }));
}
GST_END_TEST;

GST_START_TEST(test_second_encoder_on_one_id_fails) {
  GstElement *a = gst_element_factory_make("rtcsctpenc", nullptr);
  GstElement *b = gst_element_factory_make("rtcsctpenc", nullptr);
  g_object_set(a, "sctp-association-id", 77u, nullptr);
  g_object_set(b, "sctp-association-id", 77u, nullptr);
  fail_unless_equals_int(gst_element_set_state(a, GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int(gst_element_set_state(b, GST_STATE_READY), GST_STATE_CHANGE_FAILURE);
  gst_element_set_state(a, GST_STATE_NULL);
  gst_element_set_state(b, GST_STATE_NULL);
  gst_object_unref(a);
  gst_object_unref(b);
}
GST_END_TEST;

// Defined in test_sctp_malformed.cpp and test_sctp_usage.cpp.
TCase *sctp_malformed_tcase();
TCase *sctp_usage_tcase();

static Suite *sctp_elements_suite() {
  Suite *s = suite_create("rtcsctp");
  TCase *tc = tcase_create("pair");
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_open_state_sequence_and_ids);
  tcase_add_test(tc, test_every_reliability_mode);
  tcase_add_test(tc, test_ten_thousand_ordered_messages);
  tcase_add_test(tc, test_unordered_all_delivered);
  tcase_add_test(tc, test_negotiated_channels);
  tcase_add_test(tc, test_bad_options_are_type_errors);
  tcase_add_test(tc, test_one_mebibyte_message);
  tcase_add_test(tc, test_oversize_send_is_type_error_and_sends_nothing);
  tcase_add_test(tc, test_incoming_message_above_our_limit_is_reported);
  tcase_add_test(tc, test_close_by_opener);
  tcase_add_test(tc, test_close_by_receiver);
  tcase_add_test(tc, test_hundred_channels);
  tcase_add_test(tc, test_string_binary_and_empty_messages);
  tcase_add_test(tc, test_send_and_close_from_inside_on_message);
  tcase_add_test(tc, test_buffered_amount_low);
  tcase_add_test(tc, test_abort_closes_every_channel_with_error);
  tcase_add_test(tc, test_restart_after_ready);
  tcase_add_test(tc, test_second_encoder_on_one_id_fails);
  suite_add_tcase(s, sctp_malformed_tcase());
  suite_add_tcase(s, sctp_usage_tcase());
  return s;
}

GST_CHECK_MAIN(sctp_elements);
