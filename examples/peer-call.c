/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A call between two rtcpeerbins in one process, with a data channel:
 * alice creates a channel, which asks for negotiation; the application
 * carries the offer, the answer and the trickled candidates between the
 * two (the in-process stand-in for a signalling server); once the channel
 * opens, alice sends text and a 200 KiB binary message and bob answers each.
 * ICE stays on 127.0.0.1.
 *
 * The same code drives webrtcbin (pass "webrtcbin" as the first argument),
 * except for add-ice-candidate's promise argument, which webrtcbin lacks.
 *
 *   peer-call [ELEMENT]     exit status 0 when every message came back
 */
#include <gst/gst.h>
#include <gst/rtc/rtc.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  GstElement *alice, *bob;
  GMainLoop *loop;
  GObject *channel;
  gint64 t0;
  int replies;
  gboolean ok;
} Call;

static const int kTextMessages = 3;
static const gsize kBinarySize = 200 * 1024; /* under the default a=max-message-size (256 KiB) */

static double elapsed_ms(Call *call) {
  return (g_get_monotonic_time() - call->t0) / 1000.0;
}

static void fail(Call *call, const char *what, const GstStructure *reply) {
  const GValue *v = reply ? gst_structure_get_value(reply, "error") : NULL;
  g_printerr("%s failed: %s\n", what, v ? ((GError *) g_value_get_boxed(v))->message : "no reply");
  g_main_loop_quit(call->loop);
}

/* Offer/answer: alice offers, bob answers. Each step waits on its promise. */
static void on_answer(GstPromise *promise, gpointer data) {
  Call *call = data;
  const GstStructure *reply = gst_promise_get_reply(promise);
  const GValue *v = reply ? gst_structure_get_value(reply, "answer") : NULL;
  if (!v) {
    fail(call, "create-answer", reply);
  } else {
    gpointer answer = g_value_get_boxed(v);
    g_signal_emit_by_name(call->bob, "set-local-description", answer, NULL);
    g_signal_emit_by_name(call->alice, "set-remote-description", answer, NULL);
    printf("[%6.1f ms] answer applied on both sides\n", elapsed_ms(call));
  }
  gst_promise_unref(promise);
}

static void on_offer(GstPromise *promise, gpointer data) {
  Call *call = data;
  const GstStructure *reply = gst_promise_get_reply(promise);
  const GValue *v = reply ? gst_structure_get_value(reply, "offer") : NULL;
  if (!v) {
    fail(call, "create-offer", reply);
  } else {
    gpointer offer = g_value_get_boxed(v);
    gchar *text = gst_sdp_message_as_text(((GstRtcSessionDescription *) offer)->sdp);
    printf("[%6.1f ms] alice's offer:\n%s", elapsed_ms(call), text);
    g_free(text);
    g_signal_emit_by_name(call->alice, "set-local-description", offer, NULL);
    g_signal_emit_by_name(call->bob, "set-remote-description", offer, NULL);
    g_signal_emit_by_name(call->bob, "create-answer", NULL, gst_promise_new_with_change_func(on_answer, call, NULL));
  }
  gst_promise_unref(promise);
}

static void on_negotiation_needed(GstElement *alice, gpointer data) {
  Call *call = data;
  printf("[%6.1f ms] alice: negotiation needed\n", elapsed_ms(call));
  g_signal_emit_by_name(alice, "create-offer", NULL, gst_promise_new_with_change_func(on_offer, call, NULL));
}

/* Trickle ICE: every candidate goes to the other peer as it is found. */
static void on_ice_candidate(GstElement *self, guint mline, gchar *candidate, gpointer other) {
  GSignalQuery q;
  g_signal_query(g_signal_lookup("add-ice-candidate", G_OBJECT_TYPE(other)), &q);
  if (q.n_params == 3)
    g_signal_emit_by_name(other, "add-ice-candidate", mline, candidate, NULL);
  else
    g_signal_emit_by_name(other, "add-ice-candidate", mline, candidate);
}

static void on_state(GObject *peer, GParamSpec *pspec, gpointer data) {
  Call *call = data;
  GValue v = G_VALUE_INIT;
  g_value_init(&v, pspec->value_type);
  g_object_get_property(peer, pspec->name, &v);
  gchar *s = gst_value_serialize(&v);
  printf("[%6.1f ms] %s: %s = %s\n", elapsed_ms(call), GST_OBJECT_NAME(peer), pspec->name, s);
  g_free(s);
  g_value_unset(&v);
}

/* bob: answers every message it gets. */
static void bob_got_string(GObject *channel, gchar *text, gpointer data) {
  gchar *reply = g_strdup_printf("bob got \"%s\"", text);
  g_signal_emit_by_name(channel, "send-string", reply);
  g_free(reply);
}

static void bob_got_data(GObject *channel, GBytes *bytes, gpointer data) {
  gchar *reply = g_strdup_printf("bob got %" G_GSIZE_FORMAT " bytes", g_bytes_get_size(bytes));
  g_signal_emit_by_name(channel, "send-string", reply);
  g_free(reply);
}

static void on_data_channel(GstElement *bob, GObject *channel, gpointer data) {
  Call *call = data;
  gchar *label = NULL;
  g_object_get(channel, "label", &label, NULL);
  printf("[%6.1f ms] bob: data channel \"%s\" announced\n", elapsed_ms(call), label);
  g_free(label);
  g_signal_connect(channel, "on-message-string", G_CALLBACK(bob_got_string), call);
  g_signal_connect(channel, "on-message-data", G_CALLBACK(bob_got_data), call);
}

/* alice: counts bob's replies. */
static void alice_got_string(GObject *channel, gchar *text, gpointer data) {
  Call *call = data;
  printf("[%6.1f ms] alice received: %s\n", elapsed_ms(call), text);
  if (++call->replies == kTextMessages + 1) {
    call->ok = TRUE;
    g_main_loop_quit(call->loop);
  }
}

static void on_open(GObject *channel, gpointer data) {
  Call *call = data;
  printf("[%6.1f ms] alice: data channel open\n", elapsed_ms(call));
  for (int i = 0; i < kTextMessages; ++i) {
    gchar *text = g_strdup_printf("hello %d", i);
    g_signal_emit_by_name(channel, "send-string", text);
    g_free(text);
  }
  guint8 *blob = g_malloc(kBinarySize);
  memset(blob, 0x5a, kBinarySize);
  GBytes *bytes = g_bytes_new_take(blob, kBinarySize);
  g_signal_emit_by_name(channel, "send-data", bytes);
  g_bytes_unref(bytes);
}

static gboolean on_timeout(gpointer data) {
  Call *call = data;
  g_printerr("timed out: %d of %d replies\n", call->replies, kTextMessages + 1);
  g_main_loop_quit(call->loop);
  return G_SOURCE_REMOVE;
}

static GstElement *make_peer(const char *element, const char *name, Call *call) {
  GstElement *peer = gst_element_factory_make(element, name);
  if (!peer) return NULL;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(peer), "ice-local-addresses")) {
    const gchar *loopback[] = {"127.0.0.1", NULL};
    g_object_set(peer, "ice-local-addresses", loopback, NULL);
  }
  g_signal_connect(peer, "notify::connection-state", G_CALLBACK(on_state), call);
  g_signal_connect(peer, "notify::signaling-state", G_CALLBACK(on_state), call);
  return peer;
}

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  const char *element = argc > 1 ? argv[1] : "rtcpeerbin";
  Call call = {0};
  call.loop = g_main_loop_new(NULL, FALSE);
  GstElement *pipeline = gst_pipeline_new("call");
  call.alice = make_peer(element, "alice", &call);
  call.bob = make_peer(element, "bob", &call);
  if (!call.alice || !call.bob) {
    g_printerr("no element %s (is GST_PLUGIN_PATH set to the build's gst/ and ext/?)\n", element);
    return 2;
  }
  gst_bin_add_many(GST_BIN(pipeline), call.alice, call.bob, NULL);
  g_signal_connect(call.alice, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), &call);
  g_signal_connect(call.alice, "on-ice-candidate", G_CALLBACK(on_ice_candidate), call.bob);
  g_signal_connect(call.bob, "on-ice-candidate", G_CALLBACK(on_ice_candidate), call.alice);
  g_signal_connect(call.bob, "on-data-channel", G_CALLBACK(on_data_channel), &call);

  call.t0 = g_get_monotonic_time();
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  g_signal_emit_by_name(call.alice, "create-data-channel", "chat", NULL, &call.channel);
  if (!call.channel) {
    g_printerr("create-data-channel gave no channel\n");
    return 1;
  }
  g_signal_connect(call.channel, "on-open", G_CALLBACK(on_open), &call);
  g_signal_connect(call.channel, "on-message-string", G_CALLBACK(alice_got_string), &call);
  g_timeout_add_seconds(20, on_timeout, &call);
  g_main_loop_run(call.loop);

  g_signal_emit_by_name(call.alice, "close");
  gst_element_set_state(pipeline, GST_STATE_NULL);
  g_object_unref(call.channel);
  gst_object_unref(pipeline);
  g_main_loop_unref(call.loop);
  printf("%s\n", call.ok ? "call complete: every message answered" : "call FAILED");
  return call.ok ? 0 : 1;
}
