// rtcsctpenc/rtcsctpdec driven the way rtcpeerbin drives them
// (docs/sctp.md "What rtcpeerbin uses"): channels created before the DTLS
// role is known, the W3C order of events for channels the peer opens, and
// partial reliability over a lossy link between the elements.

// First: it brings the standard headers in before gstcheck.h.
#include "test_sctp_pair.h"

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <vector>

// After the standard headers: gstcheck.h defines a `fail` macro.
#include <gst/check/gstcheck.h>
#include <gst/rtc/rtc.h>

using sctp_test::ChannelLog;
using sctp_test::Pair;

namespace {

// What an application sees on a channel the peer opened, recorded from the
// handlers it connects inside on-data-channel.
struct AppLog {
  Pair *pair = nullptr;
  std::vector<std::string> events;  // datachannel:<label>, open, m:<text>, close
  GstRtcDataChannel *channel = nullptr;
  int handler_sleep_ms = 0;
};

void app_on_open(GstRtcDataChannel *, AppLog *log) {
  std::lock_guard lock(log->pair->mutex());
  log->events.push_back("open");
  log->pair->notify_locked();
}

void app_on_string(GstRtcDataChannel *, const gchar *text, AppLog *log) {
  std::lock_guard lock(log->pair->mutex());
  log->events.push_back(std::string("m:") + text);
  log->pair->notify_locked();
}

// The application's on-data-channel handler: it takes its time (as a
// re-emitting rtcpeerbin and a slow application may) and only then connects
// to the channel. Everything the channel emits must come after.
void app_on_data_channel(GstElement *, GstRtcDataChannel *channel, AppLog *log) {
  gchar *label = nullptr;
  g_object_get(channel, "label", &label, nullptr);
  {
    std::lock_guard lock(log->pair->mutex());
    log->events.push_back(std::string("datachannel:") + (label ? label : ""));
    log->channel = static_cast<GstRtcDataChannel *>(g_object_ref(channel));
  }
  g_free(label);
  if (log->handler_sleep_ms) g_usleep(log->handler_sleep_ms * 1000);
  g_signal_connect(channel, "on-open", G_CALLBACK(app_on_open), log);
  g_signal_connect(channel, "on-message-string", G_CALLBACK(app_on_string), log);
}

// Sends `count` messages from inside the opener's on-open: the earliest an
// application can.
struct Burst {
  int count = 0;
  std::atomic<int> sent{0};
};

void burst_on_open(GstRtcDataChannel *channel, Burst *burst) {
  for (int i = 0; i < burst->count; i++)
    if (gst_rtc_data_channel_send_string(channel, ("early " + std::to_string(i)).c_str(), nullptr))
      burst->sent++;
}

std::string joined(const std::vector<std::string> &events, std::size_t max = 8) {
  std::string out;
  for (std::size_t i = 0; i < events.size() && i < max; i++) out += (i ? "," : "") + events[i];
  if (events.size() > max) out += ",...";
  return out;
}

}  // namespace

// rtcpeerbin may call create-data-channel before it knows the DTLS role, in
// NULL or READY (as ../shared/anchors/peer_dc_bench.c does), and sets
// is-client, the ports and remote-max-message-size afterwards. Both sides
// start out as "client" here; B learns it is the server only after its
// channels exist.
GST_START_TEST(test_channels_created_before_the_role_is_known) {
  Pair pair([](Pair &p) {
    for (int side = 0; side < 2; side++)
      g_object_set(p.enc[side], "is-client", TRUE, "local-sctp-port", 5000, "remote-sctp-port", 5000,
                   nullptr);
  });
  GstRtcDataChannel *a_null = pair.create(Pair::A, "a-null");
  GstRtcDataChannel *b_null = pair.create(Pair::B, "b-null");
  fail_unless(a_null && b_null);
  fail_unless_equals_int(gst_element_set_state(pair.pipeline, GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  GstRtcDataChannel *a_ready = pair.create(Pair::A, "a-ready");
  GstRtcDataChannel *b_ready =
      pair.create(Pair::B, "b-ready", gst_structure_new("o", "ordered", G_TYPE_BOOLEAN, FALSE, nullptr));
  fail_unless(a_ready && b_ready);
  for (auto *ch : {a_null, b_null, a_ready, b_ready}) {
    fail_unless_equals_int(gst_rtc_data_channel_get_id(ch), -1);
    fail_unless_equals_int(gst_rtc_data_channel_get_ready_state(ch), GST_RTC_DATA_CHANNEL_STATE_CONNECTING);
    // Not open yet: a send is an INVALID_STATE error, not a silent drop.
    GError *err = nullptr;
    fail_if(gst_rtc_data_channel_send_string(ch, "too early", &err));
    fail_unless(err && err->domain == GST_RTC_ERROR && err->code == GST_RTC_ERROR_INVALID_STATE);
    g_error_free(err);
  }
  // The DTLS handshake decided: B is the server. The SDP exchange gave the
  // peer's a=max-message-size.
  g_object_set(pair.enc[Pair::B], "is-client", FALSE, nullptr);
  for (int side = 0; side < 2; side++)
    g_object_set(pair.enc[side], "remote-max-message-size", static_cast<guint64>(262144), nullptr);
  fail_unless(pair.start());

  std::set<std::string> labels[2];
  for (int side = 0; side < 2; side++) {
    for (std::size_t i = 0; i < 2; i++) {
      ChannelLog *in = pair.incoming(side, i);
      fail_unless(in, "side %d: only %zu channels announced", side, i);
      gchar *label = nullptr;
      g_object_get(in->channel, "label", &label, nullptr);
      labels[side].insert(label);
      g_free(label);
    }
  }
  fail_unless(labels[Pair::A] == (std::set<std::string>{"b-null", "b-ready"}));
  fail_unless(labels[Pair::B] == (std::set<std::string>{"a-null", "a-ready"}));
  for (auto *ch : {a_null, b_null, a_ready, b_ready}) {
    ChannelLog *log = pair.log_of(ch);
    fail_unless(pair.wait([&] { return log->has("open"); }), "a channel created early never opened");
  }
  // Ids follow the role set last: A (client) even, B (server) odd, distinct.
  const gint ids[4] = {gst_rtc_data_channel_get_id(a_null), gst_rtc_data_channel_get_id(a_ready),
                       gst_rtc_data_channel_get_id(b_null), gst_rtc_data_channel_get_id(b_ready)};
  fail_unless(ids[0] >= 0 && ids[0] % 2 == 0 && ids[1] >= 0 && ids[1] % 2 == 0 && ids[0] != ids[1]);
  fail_unless(ids[2] % 2 == 1 && ids[3] % 2 == 1 && ids[2] != ids[3]);
  GstRtcSctpTransport *transport = nullptr;
  g_object_get(pair.enc[Pair::A], "transport", &transport, nullptr);
  fail_unless_equals_uint64(gst_rtc_sctp_transport_get_max_message_size(transport), 262144);
  gst_object_unref(transport);

  // Each early channel carries messages both ways, ids matching the peer's.
  for (int side = 0; side < 2; side++) {
    for (std::size_t i = 0; i < 2; i++) {
      ChannelLog *in = pair.incoming(side, i);
      GstRtcDataChannel *origin = nullptr;
      for (auto *ch : {a_null, b_null, a_ready, b_ready})
        if (gst_rtc_data_channel_get_id(ch) == gst_rtc_data_channel_get_id(in->channel)) origin = ch;
      fail_unless(origin, "announced id %d matches no created channel",
                  gst_rtc_data_channel_get_id(in->channel));
      ChannelLog *out = pair.log_of(origin);
      fail_unless(gst_rtc_data_channel_send_string(origin, "to the answerer", nullptr));
      fail_unless(gst_rtc_data_channel_send_string(in->channel, "to the opener", nullptr));
      fail_unless(pair.wait([&] { return in->messages.size() == 1 && out->messages.size() == 1; }));
      auto lock = pair.lock();
      fail_unless(in->messages[0].data == "to the answerer" && out->messages[0].data == "to the opener");
    }
  }
}
GST_END_TEST;

// W3C: the datachannel event comes first, then the channel's open, then its
// messages. An application that connects on-open and on-message-* inside
// its on-data-channel handler sees all of them, even when the opener sends
// from its own on-open (before our handler returned) and the handler is slow.
GST_START_TEST(test_on_data_channel_comes_before_open_and_messages) {
  Pair pair;
  AppLog app;
  app.pair = &pair;
  app.handler_sleep_ms = 300;
  g_signal_connect(pair.enc[Pair::B], "on-data-channel", G_CALLBACK(app_on_data_channel), &app);
  Burst burst;
  burst.count = 50;
  // Created before the association, so that on-open is connected in time.
  GstRtcDataChannel *a = pair.create(Pair::A, "eager");
  fail_unless(a);
  g_signal_connect(a, "on-open", G_CALLBACK(burst_on_open), &burst);
  fail_unless(pair.start());
  fail_unless(pair.wait([&] { return app.events.size() == 2u + burst.count; }, 5000),
              "the application saw %s", joined(app.events).c_str());
  fail_unless_equals_int(burst.sent.load(), burst.count);
  // Then messages sent by the test thread once everything is open.
  for (int i = 0; i < 10; i++)
    fail_unless(gst_rtc_data_channel_send_string(a, ("late " + std::to_string(i)).c_str(), nullptr));
  fail_unless(pair.wait([&] { return app.events.size() == 12u + burst.count; }, 5000));
  {
    auto lock = pair.lock();
    fail_unless(app.events[0] == "datachannel:eager", "first event: %s", app.events[0].c_str());
    fail_unless(app.events[1] == "open", "second event: %s", app.events[1].c_str());
    for (int i = 0; i < burst.count; i++)
      fail_unless(app.events[2 + i] == "m:early " + std::to_string(i), "event %d: %s", 2 + i,
                  app.events[2 + i].c_str());
    for (int i = 0; i < 10; i++)
      fail_unless(app.events[2 + burst.count + i] == "m:late " + std::to_string(i));
  }
  // Only one announcement, and the channel the application got is the one
  // that carries the messages.
  fail_unless_equals_int(pair.incoming_count(Pair::B), 1);
  fail_unless(pair.incoming(Pair::B, 0)->channel == app.channel);
  g_signal_handlers_disconnect_by_data(app.channel, &app);
  g_object_unref(app.channel);
  g_signal_handlers_disconnect_by_data(a, &burst);
}
GST_END_TEST;

// The same order for channels opened while the association is up: for
// each, datachannel, then open, then its message.
GST_START_TEST(test_on_data_channel_order_on_a_running_association) {
  Pair pair;
  fail_unless(pair.start());
  AppLog app;
  app.pair = &pair;
  g_signal_connect(pair.enc[Pair::B], "on-data-channel", G_CALLBACK(app_on_data_channel), &app);
  for (int round = 0; round < 5; round++) {
    const std::string label = "round " + std::to_string(round);
    GstRtcDataChannel *a = pair.create(Pair::A, label.c_str());
    fail_unless(a);
    ChannelLog *la = pair.log_of(a);
    fail_unless(pair.wait([&] { return la->has("open"); }));
    fail_unless(gst_rtc_data_channel_send_string(a, label.c_str(), nullptr));
    fail_unless(pair.wait([&] {
      for (auto &e : app.events)
        if (e == "m:" + label) return true;
      return false;
    }));
    auto lock = pair.lock();
    // datachannel, open, message for this round, in that order.
    const std::size_t base = static_cast<std::size_t>(round) * 3;
    fail_unless(app.events.size() == base + 3, "%s", joined(app.events, 20).c_str());
    fail_unless(app.events[base] == "datachannel:" + label);
    fail_unless(app.events[base + 1] == "open");
    fail_unless(app.events[base + 2] == "m:" + label);
    lock.unlock();
    g_signal_handlers_disconnect_by_data(app.channel, &app);
    g_object_unref(app.channel);
    app.channel = nullptr;
  }
}
GST_END_TEST;

namespace {

// Drops every `period`-th SCTP packet crossing a pad, counting from when it
// is armed, deterministically. rtcsctpenc pushes buffer lists.
struct LossyLink {
  std::atomic<bool> armed{false};
  std::atomic<unsigned> seen{0};
  std::atomic<unsigned> dropped{0};
  unsigned period = 10;

  bool drop_next() {
    if (!armed) return false;
    if (++seen % period != 0) return false;
    dropped++;
    return true;
  }

  static GstPadProbeReturn probe(GstPad *, GstPadProbeInfo *info, LossyLink *self) {
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
      return self->drop_next() ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
    const guint n = gst_buffer_list_length(list);
    std::vector<bool> drop(n);
    bool any = false;
    for (guint i = 0; i < n; i++) any |= (drop[i] = self->drop_next());
    if (!any) return GST_PAD_PROBE_OK;
    GstBufferList *kept = gst_buffer_list_new_sized(n);
    for (guint i = 0; i < n; i++)
      if (!drop[i]) gst_buffer_list_add(kept, gst_buffer_ref(gst_buffer_list_get(list, i)));
    gst_buffer_list_unref(list);
    if (gst_buffer_list_length(kept) == 0) {
      gst_buffer_list_unref(kept);
      GST_PAD_PROBE_INFO_DATA(info) = nullptr;
      return GST_PAD_PROBE_HANDLED;
    }
    GST_PAD_PROBE_INFO_DATA(info) = kept;
    return GST_PAD_PROBE_OK;
  }

  void attach(GstElement *enc) {
    GstPad *src = gst_element_get_static_pad(enc, "src");
    gst_pad_add_probe(src, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                      reinterpret_cast<GstPadProbeCallback>(probe), this, nullptr);
    gst_object_unref(src);
  }
};

// For conditions nothing notifies the pair about.
bool poll_until(const std::function<bool()> &pred, int timeout_ms) {
  const gint64 deadline = g_get_monotonic_time() + timeout_ms * G_TIME_SPAN_MILLISECOND;
  while (!pred()) {
    if (g_get_monotonic_time() > deadline) return false;
    g_usleep(10000);
  }
  return true;
}

guint64 buffered_amount(GstRtcDataChannel *channel) {
  guint64 v = 0;
  g_object_get(channel, "buffered-amount", &v, nullptr);
  return v;
}

}  // namespace

// max-retransmits=0 over a link that loses every 10th packet both ways:
// some messages are lost, sending never blocks or fails, later messages
// still arrive, and an ordered reliable channel on the same association
// delivers everything intact and in order.
GST_START_TEST(test_max_retransmits_zero_under_ten_percent_loss) {
  // Before the pair: its teardown may still push through the probes.
  LossyLink a_to_b, b_to_a;
  Pair pair;
  a_to_b.attach(pair.enc[Pair::A]);
  b_to_a.attach(pair.enc[Pair::B]);
  fail_unless(pair.start());
  auto open = [&](const char *label, GstStructure *options, ChannelLog **remote) {
    const std::size_t before = pair.incoming_count(Pair::B);
    GstRtcDataChannel *local = pair.create(Pair::A, label, options);
    fail_unless(local);
    *remote = pair.incoming(Pair::B, before);
    fail_unless(*remote);
    ChannelLog *mine = pair.log_of(local);
    fail_unless(pair.wait([&] { return mine->has("open") && (*remote)->has("open"); }));
    return local;
  };
  ChannelLog *lossy_in = nullptr, *reliable_in = nullptr;
  GstRtcDataChannel *lossy = open(
      "lossy",
      gst_structure_new("o", "ordered", G_TYPE_BOOLEAN, FALSE, "max-retransmits", G_TYPE_INT, 0, nullptr),
      &lossy_in);
  GstRtcDataChannel *reliable = open("reliable", nullptr, &reliable_in);
  a_to_b.armed = true;
  b_to_a.armed = true;

  constexpr int kCount = 600;
  auto payload = [](const char *tag, int i) {
    // ~1 KiB: about one message per packet, so packet loss is message loss.
    std::string s = std::string(tag) + " " + std::to_string(i) + " ";
    s += std::string(1000 - s.size(), static_cast<char>('a' + i % 26));
    return s;
  };
  const gint64 start = g_get_monotonic_time();
  for (int i = 0; i < kCount; i++) {
    GError *err = nullptr;
    fail_unless(gst_rtc_data_channel_send_string(lossy, payload("lossy", i).c_str(), &err),
                "lossy send %d: %s", i, err ? err->message : "?");
    fail_unless(gst_rtc_data_channel_send_string(reliable, payload("reliable", i).c_str(), &err),
                "reliable send %d: %s", i, err ? err->message : "?");
    // Paced a little, so that the loss hits the whole run, not one burst.
    if (i % 50 == 49) g_usleep(5000);
  }
  // Sending never blocked on the lossy link.
  fail_unless(g_get_monotonic_time() - start < 5 * G_TIME_SPAN_SECOND);
  fail_unless(
      pair.wait([&] { return reliable_in->messages.size() == static_cast<std::size_t>(kCount); }, 20000),
      "reliable: %zu of %d", reliable_in->messages.size(), kCount);
  // Abandoned messages leave the buffer: the lossy channel drains.
  fail_unless(poll_until([&] { return buffered_amount(lossy) == 0; }, 10000),
              "lossy buffered-amount stays %" G_GUINT64_FORMAT, buffered_amount(lossy));

  // The lossy channel still carries messages sent after the losses.
  const std::size_t before_tail = [&] {
    auto lock = pair.lock();
    return lossy_in->messages.size();
  }();
  for (int i = kCount; i < kCount + 100; i++)
    fail_unless(gst_rtc_data_channel_send_string(lossy, payload("lossy", i).c_str(), nullptr));
  fail_unless(pair.wait([&] { return lossy_in->messages.size() > before_tail + 50; }, 5000),
              "lossy: %zu of 100 late messages", lossy_in->messages.size() - before_tail);
  // Let stragglers in, then compare.
  pair.wait([] { return false; }, 300);

  auto lock = pair.lock();
  fail_unless(a_to_b.dropped > 50, "only %u packets dropped", a_to_b.dropped.load());
  for (int i = 0; i < kCount; i++)
    fail_unless(reliable_in->messages[i].data == payload("reliable", i), "reliable message %d differs", i);
  std::set<int> got;
  for (auto &m : lossy_in->messages) {
    const int i = std::stoi(m.data.substr(6));
    fail_unless(m.data == payload("lossy", i), "lossy message %d corrupt", i);
    fail_unless(got.insert(i).second, "lossy message %d twice", i);
  }
  int lost = 0;
  for (int i = 0; i < kCount; i++) lost += !got.count(i);
  fail_unless(lost > 0, "max-retransmits=0 lost nothing under loss");
  fail_unless(lost < kCount / 2, "lost %d of %d", lost, kCount);
  GST_INFO("dropped %u/%u packets a->b, %u/%u b->a; lossy lost %d of %d", a_to_b.dropped.load(),
           a_to_b.seen.load(), b_to_a.dropped.load(), b_to_a.seen.load(), lost, kCount);
  a_to_b.armed = false;
  b_to_a.armed = false;
}
GST_END_TEST;

TCase *sctp_usage_tcase() {
  TCase *tc = tcase_create("usage");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_channels_created_before_the_role_is_known);
  tcase_add_test(tc, test_on_data_channel_comes_before_open_and_messages);
  tcase_add_test(tc, test_on_data_channel_order_on_a_running_association);
  tcase_add_test(tc, test_max_retransmits_zero_under_ten_percent_loss);
  return tc;
}
