/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A sendrecv call between two rtcpeerbins in one process (C).
 *
 * alice and bob each send VP8 video and Opus audio and decode what the
 * other sends; alice also opens a data channel that bob answers on. The
 * offer, the answer and the trickled ICE candidates travel as text through
 * send_to_peer(), the one place where a real application would use its
 * signalling channel (a WebSocket, ...). ICE stays on 127.0.0.1.
 *
 * The encoders link straight into the bins' sink_%u pads: rtcpeerbin
 * payloads encoded media itself (webrtcbin needs rtpvp8pay/rtpopuspay
 * first). Received tracks appear as src_%u pads (pad-added), decoded here by
 * rtcdepay (the depayloader is picked from the caps) and a decoder.
 *
 *   sendrecv [FRAMES]   exit status 0 once both sides decoded FRAMES video
 *                       and audio frames (default 30) and the data channel
 *                       message was answered
 */
#include <gst/gst.h>
#include <gst/rtc/rtc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_S 30

static const char *kVideo =
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! "
    "vp8enc deadline=1 keyframe-max-dist=30";
static const char *kAudio = "audiotestsrc is-live=true wave=sine ! opusenc";

typedef struct Peer Peer;
struct Peer {
  const char *name;
  GstElement *pipeline, *bin;
  GstPad *sink_pads[2];
  gboolean negotiated;
  Peer *other;
  gint video_frames, audio_frames; /* atomic: counted on streaming threads */
};

typedef struct {
  Peer alice, bob;
  GMainLoop *loop;
  GObject *channel;
  gint answered; /* atomic */
  gboolean started;
  int frames, ticks;
  guint check_id, timeout_id; /* 0 once the source is gone */
  gboolean ok;
} Call;

static void on_message(Peer *self, const char *type, guint mline, const char *text);

/* The signalling channel. A real application sends the message (three
 * plain values: easy to put in JSON) to the remote peer here, and calls
 * on_message() there when it arrives. In this process the other Peer is
 * the remote peer. */
static void send_to_peer(Peer *self, const char *type, guint mline, const char *text) {
  on_message(self->other, type, mline, text);
}

static void on_description_created(GstPromise *promise, gpointer data) {
  Peer *self = data;
  const GstStructure *reply = gst_promise_get_reply(promise);
  const char *kind = reply && gst_structure_has_field(reply, "answer") ? "answer" : "offer";
  const GValue *v = reply ? gst_structure_get_value(reply, kind) : NULL;
  if (!v) {
    const GValue *e = reply ? gst_structure_get_value(reply, "error") : NULL;
    g_printerr("%s: create-%s failed: %s\n", self->name, kind,
               e ? ((GError *)g_value_get_boxed(e))->message : "no reply");
  } else {
    GstRtcSessionDescription *description = g_value_get_boxed(v);
    /* Actions queue on the bin's operations chain, in call order. */
    g_signal_emit_by_name(self->bin, "set-local-description", description, NULL);
    self->negotiated = self->other->negotiated = TRUE;
    gchar *text = gst_rtc_session_description_to_string(description);
    send_to_peer(self, kind, 0, text);
    g_free(text);
  }
  gst_promise_unref(promise);
}

static void on_message(Peer *self, const char *type, guint mline, const char *text) {
  if (g_str_equal(type, "candidate")) {
    /* An empty candidate is end-of-candidates. */
    g_signal_emit_by_name(self->bin, "add-ice-candidate", mline, text, NULL);
    return;
  }
  GError *error = NULL;
  GstRtcSdpType sdp_type = g_str_equal(type, "offer") ? GST_RTC_SDP_TYPE_OFFER : GST_RTC_SDP_TYPE_ANSWER;
  GstRtcSessionDescription *description = gst_rtc_session_description_new_from_string(sdp_type, text, &error);
  if (!description) {
    g_printerr("%s: bad %s: %s\n", self->name, type, error->message);
    g_error_free(error);
    return;
  }
  g_signal_emit_by_name(self->bin, "set-remote-description", description, NULL);
  gst_rtc_session_description_free(description);
  if (sdp_type == GST_RTC_SDP_TYPE_OFFER)
    g_signal_emit_by_name(self->bin, "create-answer", NULL,
                          gst_promise_new_with_change_func(on_description_created, self, NULL));
}

static void offer(Peer *self) {
  printf("%s: creating an offer\n", self->name);
  g_signal_emit_by_name(self->bin, "create-offer", NULL,
                        gst_promise_new_with_change_func(on_description_created, self, NULL));
}

static void on_negotiation_needed(GstElement *bin, gpointer data) {
  Peer *self = data;
  /* The first offer waits until both sides have linked their media
   * (check()): then it covers everything and the answerer's pads take its
   * m-lines and send too. Later changes renegotiate here. */
  GstRtcSignalingState state;
  g_object_get(bin, "signaling-state", &state, NULL);
  printf("%s: negotiation needed\n", self->name);
  if (self->negotiated && state == GST_RTC_SIGNALING_STATE_STABLE) offer(self);
}

/* Each sink pad got its caps and with them its transceiver. */
static gboolean ready(Peer *self) {
  for (int i = 0; i < 2; i++) {
    GObject *transceiver = NULL;
    g_object_get(self->sink_pads[i], "transceiver", &transceiver, NULL);
    if (!transceiver) return FALSE;
    g_object_unref(transceiver);
  }
  return TRUE;
}

static void on_ice_candidate(GstElement *bin, guint mline, gchar *candidate, gpointer data) {
  send_to_peer(data, "candidate", mline, candidate);
}

/* Media: every received track is a src pad; decode it and count frames. */
static void on_frame(GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer counter) {
  g_atomic_int_inc((gint *)counter);
}

static void on_pad_added(GstElement *bin, GstPad *pad, gpointer data) {
  Peer *self = data;
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
  GstCaps *caps = gst_pad_get_current_caps(pad);
  if (!caps) caps = gst_pad_query_caps(pad, NULL);
  const GstStructure *s = gst_caps_get_structure(caps, 0);
  gchar *encoding = g_ascii_strup(gst_structure_get_string(s, "encoding-name"), -1);
  gboolean video = g_str_equal(encoding, "VP8"), audio = g_str_equal(encoding, "OPUS");
  printf("%s: receiving %s on %s\n", self->name, encoding, GST_PAD_NAME(pad));
  if (video || audio) {
    gchar *description = g_strdup_printf("queue ! rtcdepay ! %s ! fakesink name=count signal-handoffs=true",
                                         video ? "vp8dec" : "opusdec");
    GstElement *sink = gst_parse_bin_from_description(description, TRUE, NULL);
    GstElement *count = gst_bin_get_by_name(GST_BIN(sink), "count");
    gint *counter = video ? &self->video_frames : &self->audio_frames;
    g_signal_connect(count, "handoff", G_CALLBACK(on_frame), counter);
    gst_object_unref(count);
    gst_bin_add(GST_BIN(self->pipeline), sink);
    gst_element_sync_state_with_parent(sink);
    GstPad *sinkpad = gst_element_get_static_pad(sink, "sink");
    gst_pad_link(pad, sinkpad);
    gst_object_unref(sinkpad);
    g_free(description);
  }
  g_free(encoding);
  gst_caps_unref(caps);
}

static void on_state(GstElement *bin, GParamSpec *pspec, gpointer data) {
  Peer *self = data;
  GstRtcPeerConnectionState state;
  g_object_get(bin, "connection-state", &state, NULL);
  printf("%s: connection-state = %s\n", self->name,
         gst_rtc_enum_to_string(GST_RTC_TYPE_PEER_CONNECTION_STATE, state));
}

static gboolean make_peer(Peer *self, const char *name, GstElement *pipeline) {
  self->name = name;
  self->pipeline = pipeline;
  self->bin = gst_element_factory_make("rtcpeerbin", name);
  if (!self->bin) return FALSE;
  /* Host candidates on loopback only: nothing leaves this machine. */
  const gchar *loopback[] = {"127.0.0.1", NULL};
  g_object_set(self->bin, "ice-local-addresses", loopback, NULL);
  gst_bin_add(GST_BIN(pipeline), self->bin);
  g_signal_connect(self->bin, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), self);
  g_signal_connect(self->bin, "on-ice-candidate", G_CALLBACK(on_ice_candidate), self);
  g_signal_connect(self->bin, "pad-added", G_CALLBACK(on_pad_added), self);
  g_signal_connect(self->bin, "notify::connection-state", G_CALLBACK(on_state), self);
  const char *sources[] = {kVideo, kAudio};
  for (int i = 0; i < 2; i++) {
    GstElement *source = gst_parse_bin_from_description(sources[i], TRUE, NULL);
    if (!source) return FALSE;
    gst_bin_add(GST_BIN(pipeline), source);
    if (!gst_element_link_pads(source, "src", self->bin, "sink_%u")) return FALSE;
    GstPad *src = gst_element_get_static_pad(source, "src");
    self->sink_pads[i] = gst_pad_get_peer(src);
    gst_object_unref(src);
  }
  return TRUE;
}

/* The data channel: alice opens it, bob answers each message. */
static void bob_got_string(GObject *channel, gchar *text, gpointer data) {
  gchar *reply = g_strdup_printf("bob got \"%s\"", text);
  g_signal_emit_by_name(channel, "send-string", reply);
  g_free(reply);
}

static void on_data_channel(GstElement *bin, GObject *channel, gpointer data) {
  gchar *label = NULL;
  g_object_get(channel, "label", &label, NULL);
  printf("bob: data channel \"%s\"\n", label);
  g_free(label);
  g_signal_connect(channel, "on-message-string", G_CALLBACK(bob_got_string), NULL);
}

static void on_open(GObject *channel, gpointer data) {
  g_signal_emit_by_name(channel, "send-string", "hello bob");
}

static void alice_got_string(GObject *channel, gchar *text, gpointer data) {
  Call *call = data;
  printf("alice: data channel message: %s\n", text);
  g_atomic_int_set(&call->answered, 1);
}

static gboolean check(gpointer data) {
  Call *call = data;
  if (!call->started && ready(&call->alice) && ready(&call->bob)) {
    call->started = TRUE;
    offer(&call->alice);
  }
  int av = g_atomic_int_get(&call->alice.video_frames), aa = g_atomic_int_get(&call->alice.audio_frames);
  int bv = g_atomic_int_get(&call->bob.video_frames), ba = g_atomic_int_get(&call->bob.audio_frames);
  if (++call->ticks % 5 == 0)
    printf("decoded frames: alice video %d audio %d, bob video %d audio %d\n", av, aa, bv, ba);
  if (MIN(MIN(av, aa), MIN(bv, ba)) >= call->frames && g_atomic_int_get(&call->answered)) {
    call->ok = TRUE;
    call->check_id = 0;
    g_main_loop_quit(call->loop);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean on_bus(GstBus *bus, GstMessage *message, gpointer data) {
  Call *call = data;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    gst_message_parse_error(message, &error, NULL);
    g_printerr("error from %s: %s\n", GST_OBJECT_NAME(message->src), error->message);
    g_error_free(error);
    g_main_loop_quit(call->loop);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean on_timeout(gpointer data) {
  Call *call = data;
  g_printerr("timed out after %d s\n", TIMEOUT_S);
  call->timeout_id = 0;
  g_main_loop_quit(call->loop);
  return G_SOURCE_REMOVE;
}

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  Call call = {0};
  call.frames = argc > 1 ? atoi(argv[1]) : 30;
  call.loop = g_main_loop_new(NULL, FALSE);
  GstElement *pipeline = gst_pipeline_new("call");
  if (!make_peer(&call.alice, "alice", pipeline) || !make_peer(&call.bob, "bob", pipeline)) {
    g_printerr(
        "cannot build the pipeline: rtcpeerbin, vp8enc or opusenc missing "
        "(run inside `meson devenv -C build`)\n");
    gst_object_unref(pipeline);
    return 2;
  }
  call.alice.other = &call.bob;
  call.bob.other = &call.alice;
  g_signal_connect(call.bob.bin, "on-data-channel", G_CALLBACK(on_data_channel), NULL);
  g_signal_emit_by_name(call.alice.bin, "create-data-channel", "chat", NULL, &call.channel);
  g_signal_connect(call.channel, "on-open", G_CALLBACK(on_open), NULL);
  g_signal_connect(call.channel, "on-message-string", G_CALLBACK(alice_got_string), &call);

  GstBus *bus = gst_element_get_bus(pipeline);
  guint watch = gst_bus_add_watch(bus, on_bus, &call);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  call.check_id = g_timeout_add(100, check, &call);
  call.timeout_id = g_timeout_add_seconds(TIMEOUT_S, on_timeout, &call);
  g_main_loop_run(call.loop);

  g_signal_emit_by_name(call.alice.bin, "close");
  g_signal_emit_by_name(call.bob.bin, "close");
  gst_element_set_state(pipeline, GST_STATE_NULL);
  if (call.check_id) g_source_remove(call.check_id);
  if (call.timeout_id) g_source_remove(call.timeout_id);
  g_source_remove(watch);
  for (int i = 0; i < 2; i++) {
    g_clear_object(&call.alice.sink_pads[i]);
    g_clear_object(&call.bob.sink_pads[i]);
  }
  gst_object_unref(bus);
  g_object_unref(call.channel);
  gst_object_unref(pipeline);
  g_main_loop_unref(call.loop);
  printf("%s\n", call.ok ? "call complete: media decoded both ways, data channel answered" : "call FAILED");
  return call.ok ? 0 : 1;
}
