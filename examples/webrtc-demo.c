/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-demo: rtcpeerbin and a web browser, with no signalling server but
 * this program. It serves a page (examples/webrtc-demo/, compiled in as a
 * GResource) and a WebSocket signalling endpoint on 127.0.0.1 with
 * libsoup-3.0. For each WebSocket connection (each open tab) it runs one
 * pipeline:
 *
 *   videotestsrc ! vp8enc ──┐
 *   audiotestsrc ! opusenc ─┤ rtcpeerbin ├─ src_%u ─ decodebin ─ video/audio sink
 *   data channel "chat" ────┘
 *
 * The pipeline offers (video, audio, data channel), the page answers with
 * the browser's camera and microphone, candidates trickle both ways. Over
 * the channel the pipeline says hello, then a counter every second, and
 * echoes each browser message back ("echo: ...").
 *
 * Signalling messages (WebSocket text frames, both directions): the first
 * line is the kind, the rest its payload.
 *
 *   offer\n<SDP>            pipeline → page
 *   answer\n<SDP>           page → pipeline
 *   candidate\n<M>\n<C>     both ways: C is the a=candidate value
 *                           ("candidate:..."), M its m-line index; an empty C
 *                           is end-of-candidates
 *   error\n<text>           pipeline → page: the session failed
 *
 * ICE addresses: the pipeline gathers host candidates only on the local
 * address the browser reached this server on (ice-local-addresses), so with
 * the default --address 127.0.0.1 every packet stays on loopback. For use
 * across a LAN run with --address 0.0.0.0 (or the LAN address) and open
 * http://<that address>:<port>/ on the other machine; browsers refuse the
 * camera on plain http from anywhere but localhost, so that page runs
 * receive-only.
 *
 *   webrtc-demo [--port N] [--address ADDR] [--no-display]
 *
 * Lines on stdout a script may rely on (the tests do):
 *   "open http://ADDR:PORT/ in a browser"
 *   "session N: first browser video frame decoded (WxH)"
 *   "session N: browser media: video F frames, audio A buffers"
 *   "session N: closed"
 */
#include <gst/gst.h>
#include <gst/rtc/rtc.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

/* From glib-compile-resources (examples/webrtc-demo/webrtc-demo.gresource.xml). */
GResource *webrtc_demo_get_resource(void);

typedef struct _Demo Demo;

/* One browser tab: its WebSocket and its pipeline. Reference counted
 * (g_atomic_rc_box): signal handlers of the bin and the data channels, and
 * the main loop callbacks they schedule, each hold a reference, so the
 * struct outlives every thread that may still call into it. Everything but
 * the outbox and the counters is touched on the main thread only. */
typedef struct {
  Demo *demo;
  guint id;
  SoupWebsocketConnection *ws;
  GstElement *pipeline, *peer;
  GstPad *sinks[2];
  GObject *channel;
  gchar *ice_address;
  gint closed; /* atomic: streaming threads look at it */
  guint tick_id, stats_id, offer_retry_id;
  guint ticks;
  gboolean offering;
  /* Signalling to the page, in the order it was produced on any thread. */
  GMutex lock;
  GQueue outbox;
  gboolean flush_scheduled;
  /* Candidates found while an offer is being set, sent after the offer. */
  gboolean holding_candidates;
  GQueue held_candidates;
  /* Browser media decoded here (streaming threads). */
  gint video_frames, audio_buffers, first_video;
} Session;

struct _Demo {
  GMainLoop *loop;
  SoupServer *server;
  GList *sessions;
  guint next_id;
  gboolean show_video, play_audio;
};

static Session *session_ref(Session *s) {
  return g_atomic_rc_box_acquire(s);
}

static void session_free_contents(gpointer data) {
  Session *s = data;
  g_queue_clear_full(&s->outbox, g_free);
  g_queue_clear_full(&s->held_candidates, g_free);
  g_mutex_clear(&s->lock);
  g_free(s->ice_address);
}

static void session_unref(gpointer s) {
  g_atomic_rc_box_release_full(s, session_free_contents);
}

static void session_closure_unref(gpointer s, GClosure *closure) {
  (void) closure;
  session_unref(s);
}

/* Connects a handler that holds a session reference for as long as it is
 * connected (until the object is finalized). */
static void connect_session(gpointer instance, const char *signal, GCallback cb, Session *s) {
  g_signal_connect_data(instance, signal, cb, session_ref(s), session_closure_unref, 0);
}

/* Runs fn(session) on the main loop, if the session is still open then. */
typedef void (*SessionFunc)(Session *s);
typedef struct {
  Session *s;
  SessionFunc fn;
} Deferred;

static gboolean run_deferred(gpointer data) {
  Deferred *d = data;
  if (!g_atomic_int_get(&d->s->closed)) d->fn(d->s);
  return G_SOURCE_REMOVE;
}

static void free_deferred(gpointer data) {
  Deferred *d = data;
  session_unref(d->s);
  g_free(d);
}

static void defer(Session *s, SessionFunc fn) {
  Deferred *d = g_new(Deferred, 1);
  d->s = session_ref(s);
  d->fn = fn;
  g_idle_add_full(G_PRIORITY_DEFAULT, run_deferred, d, free_deferred);
}

/* ---- signalling to the page --------------------------------------------- */

static void flush_outbox(Session *s) {
  for (;;) {
    g_mutex_lock(&s->lock);
    gchar *msg = g_queue_pop_head(&s->outbox);
    if (!msg) s->flush_scheduled = FALSE;
    g_mutex_unlock(&s->lock);
    if (!msg) return;
    if (s->ws && soup_websocket_connection_get_state(s->ws) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text(s->ws, msg);
    g_free(msg);
  }
}

/* Queues one message for the page (under s->lock); TRUE: schedule a flush. */
static gboolean queue_locked(Session *s, gchar *msg /* owned */) {
  g_queue_push_tail(&s->outbox, msg);
  gboolean schedule = !s->flush_scheduled;
  s->flush_scheduled = TRUE;
  return schedule;
}

/* Queues one message for the page; callable from any thread. */
static void send_to_page(Session *s, gchar *msg /* owned */) {
  g_mutex_lock(&s->lock);
  gboolean schedule = queue_locked(s, msg);
  g_mutex_unlock(&s->lock);
  if (schedule) defer(s, flush_outbox);
}

static void session_close(Session *s, const char *why);

/* A promise reply that carries nothing but maybe an error. As with
 * webrtcbin, the reference the caller made the promise with is dropped in
 * its change function. */
static void check_reply(GstPromise *promise, gpointer what) {
  const GstStructure *reply = gst_promise_get_reply(promise);
  const GValue *v = reply ? gst_structure_get_value(reply, "error") : NULL;
  if (v && G_VALUE_HOLDS(v, G_TYPE_ERROR))
    g_printerr("%s failed: %s\n", (const char *) what, ((GError *) g_value_get_boxed(v))->message);
  gst_promise_unref(promise);
}

static GstPromise *checked_promise(const char *what) {
  return gst_promise_new_with_change_func(check_reply, (gpointer) what, NULL);
}

/* ---- the offer ------------------------------------------------------------ */

static void on_offer_created(GstPromise *promise, gpointer data) {
  Session *s = data;
  const GstStructure *reply = gst_promise_get_reply(promise);
  const GValue *v = reply ? gst_structure_get_value(reply, "offer") : NULL;
  if (!v) {
    const GValue *e = reply ? gst_structure_get_value(reply, "error") : NULL;
    gchar *msg = g_strdup_printf("create-offer failed: %s",
                                 e ? ((GError *) g_value_get_boxed(e))->message : "no reply");
    g_printerr("session %u: %s\n", s->id, msg);
    send_to_page(s, g_strconcat("error\n", msg, NULL));
    g_free(msg);
    gst_promise_unref(promise);
    return;
  }
  GstRtcSessionDescription *offer = g_value_get_boxed(v);
  gchar *text = gst_rtc_session_description_to_string(offer);
  /* set-local-description before the page sees the offer: the bin runs its
   * operations in order, so the page's answer cannot overtake it. The
   * candidates gathering finds meanwhile wait, so the page gets the offer
   * first. */
  g_mutex_lock(&s->lock);
  s->holding_candidates = TRUE;
  g_mutex_unlock(&s->lock);
  g_signal_emit_by_name(s->peer, "set-local-description", offer, checked_promise("set-local-description"));
  g_mutex_lock(&s->lock);
  gboolean schedule = queue_locked(s, g_strconcat("offer\n", text, NULL));
  for (gchar *c; (c = g_queue_pop_head(&s->held_candidates));) queue_locked(s, c);
  s->holding_candidates = FALSE;
  g_mutex_unlock(&s->lock);
  if (schedule) defer(s, flush_outbox);
  g_free(text);
  gst_promise_unref(promise);
}

static gboolean sinks_negotiable(Session *s) {
  for (guint i = 0; i < G_N_ELEMENTS(s->sinks); ++i) {
    GObject *t = NULL;
    g_object_get(s->sinks[i], "transceiver", &t, NULL);
    if (!t) return FALSE;
    g_object_unref(t);
  }
  return TRUE;
}

static gboolean retry_offer(gpointer data);

/* One offer with everything: each sink pad gets its transceiver when the
 * encoder's caps arrive, which may be after the data channel already asked
 * for negotiation, so wait for both (polling: a few ms after start). */
static void maybe_offer(Session *s) {
  GstRtcSignalingState state;
  g_object_get(s->peer, "signaling-state", &state, NULL);
  if (state != GST_RTC_SIGNALING_STATE_STABLE) return; /* the bin asks again when this negotiation ends */
  if (!sinks_negotiable(s)) {
    if (!s->offer_retry_id)
      s->offer_retry_id = g_timeout_add_full(G_PRIORITY_DEFAULT, 20, retry_offer, session_ref(s), session_unref);
    return;
  }
  printf("session %u: sending the offer\n", s->id);
  g_signal_emit_by_name(s->peer, "create-offer", NULL,
                        gst_promise_new_with_change_func(on_offer_created, session_ref(s), session_unref));
}

static gboolean retry_offer(gpointer data) {
  Session *s = data;
  s->offer_retry_id = 0;
  if (!g_atomic_int_get(&s->closed)) maybe_offer(s);
  return G_SOURCE_REMOVE;
}

static void on_negotiation_needed(GstElement *peer, gpointer data) {
  (void) peer;
  defer(data, maybe_offer);
}

static void on_ice_candidate(GstElement *peer, guint mline, gchar *candidate, gpointer data) {
  (void) peer;
  Session *s = data;
  gchar *msg = g_strdup_printf("candidate\n%u\n%s", mline, candidate ? candidate : "");
  g_mutex_lock(&s->lock);
  gboolean schedule = FALSE;
  if (s->holding_candidates)
    g_queue_push_tail(&s->held_candidates, msg);
  else
    schedule = queue_locked(s, msg);
  g_mutex_unlock(&s->lock);
  if (schedule) defer(s, flush_outbox);
}

static void on_connection_state(GObject *peer, GParamSpec *pspec, gpointer data) {
  Session *s = data;
  GstRtcPeerConnectionState state;
  g_object_get(peer, "connection-state", &state, NULL);
  GEnumValue *v = g_enum_get_value(g_type_class_peek(G_PARAM_SPEC_VALUE_TYPE(pspec)), state);
  printf("session %u: connection-state %s\n", s->id, v ? v->value_nick : "?");
}

/* ---- signalling from the page ------------------------------------------- */

static void on_ws_message(SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data) {
  (void) ws;
  Session *s = data;
  if (g_atomic_int_get(&s->closed)) return;
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    g_printerr("session %u: binary signalling message ignored\n", s->id);
    return;
  }
  gsize len;
  const gchar *bytes = g_bytes_get_data(message, &len);
  gchar *text = g_strndup(bytes, len);
  gchar *payload = strchr(text, '\n');
  payload = payload ? (*payload = '\0', payload + 1) : text + strlen(text);
  if (strcmp(text, "answer") == 0) {
    GError *err = NULL;
    GstRtcSessionDescription *answer =
        gst_rtc_session_description_new_from_string(GST_RTC_SDP_TYPE_ANSWER, payload, &err);
    if (!answer) {
      g_printerr("session %u: the page's answer does not parse: %s\n", s->id, err->message);
      g_error_free(err);
    } else {
      g_signal_emit_by_name(s->peer, "set-remote-description", answer, checked_promise("set-remote-description"));
      gst_rtc_session_description_free(answer);
    }
  } else if (strcmp(text, "candidate") == 0) {
    gchar *cand = strchr(payload, '\n');
    cand = cand ? (*cand = '\0', cand + 1) : payload + strlen(payload);
    guint64 mline = 0;
    if (!g_ascii_string_to_unsigned(payload, 10, 0, G_MAXUINT, &mline, NULL))
      g_printerr("session %u: bad candidate m-line index \"%s\"\n", s->id, payload);
    else
      g_signal_emit_by_name(s->peer, "add-ice-candidate", (guint) mline, cand, checked_promise("add-ice-candidate"));
  } else {
    g_printerr("session %u: unknown signalling message \"%s\"\n", s->id, text);
  }
  g_free(text);
}

static void on_ws_closed(SoupWebsocketConnection *ws, gpointer data) {
  (void) ws;
  session_close(data, "the page went away");
}

/* ---- data channel --------------------------------------------------------- */

static gboolean send_tick(gpointer data) {
  Session *s = data;
  gchar *text = g_strdup_printf("tick %u", ++s->ticks);
  g_signal_emit_by_name(s->channel, "send-string", text);
  g_free(text);
  return G_SOURCE_CONTINUE;
}

static void channel_opened(Session *s) {
  printf("session %u: data channel open\n", s->id);
  g_signal_emit_by_name(s->channel, "send-string", "hello from gst-rtc");
  if (!s->tick_id) s->tick_id = g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, 1, send_tick, session_ref(s), session_unref);
}

static void on_channel_open(GObject *channel, gpointer data) {
  (void) channel;
  defer(data, channel_opened);
}

/* Called on the SCTP thread; sending from here is allowed (docs/sctp.md). */
static void on_channel_string(GObject *channel, gchar *text, gpointer data) {
  Session *s = data;
  printf("session %u: browser says \"%s\"\n", s->id, text ? text : "");
  gchar *reply = g_strdup_printf("echo: %s", text ? text : "");
  g_signal_emit_by_name(channel, "send-string", reply);
  g_free(reply);
}

static void on_channel_data(GObject *channel, GBytes *bytes, gpointer data) {
  Session *s = data;
  gsize n = bytes ? g_bytes_get_size(bytes) : 0;
  printf("session %u: browser sent %" G_GSIZE_FORMAT " bytes\n", s->id, n);
  gchar *reply = g_strdup_printf("echo: %" G_GSIZE_FORMAT " bytes", n);
  g_signal_emit_by_name(channel, "send-string", reply);
  g_free(reply);
}

static void watch_channel(Session *s, GObject *channel) {
  connect_session(channel, "on-message-string", G_CALLBACK(on_channel_string), s);
  connect_session(channel, "on-message-data", G_CALLBACK(on_channel_data), s);
}

/* A channel the page opens itself gets the same echo. */
static void on_data_channel(GstElement *peer, GObject *channel, gpointer data) {
  (void) peer;
  watch_channel(data, channel);
}

/* ---- media from the browser ---------------------------------------------- */

static GstPadProbeReturn count_video(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
  (void) info;
  Session *s = data;
  g_atomic_int_inc(&s->video_frames);
  if (g_atomic_int_compare_and_exchange(&s->first_video, 0, 1)) {
    GstCaps *caps = gst_pad_get_current_caps(pad);
    gint w = 0, h = 0;
    if (caps) {
      GstStructure *st = gst_caps_get_structure(caps, 0);
      gst_structure_get_int(st, "width", &w);
      gst_structure_get_int(st, "height", &h);
      gst_caps_unref(caps);
    }
    printf("session %u: first browser video frame decoded (%dx%d)\n", s->id, w, h);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn count_audio(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
  (void) pad;
  (void) info;
  g_atomic_int_inc(&((Session *) data)->audio_buffers);
  return GST_PAD_PROBE_OK;
}

static gboolean print_stats(gpointer data) {
  Session *s = data;
  gint v = g_atomic_int_get(&s->video_frames), a = g_atomic_int_get(&s->audio_buffers);
  if (v || a) printf("session %u: browser media: video %d frames, audio %d buffers\n", s->id, v, a);
  return G_SOURCE_CONTINUE;
}

/* decodebin found a decoder: show (or just count) what it decodes. */
static void on_decoded_pad(GstElement *decodebin, GstPad *pad, gpointer data) {
  Session *s = data;
  GstCaps *caps = gst_pad_get_current_caps(pad);
  if (!caps) caps = gst_pad_query_caps(pad, NULL);
  const gchar *name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
  gboolean video = g_str_has_prefix(name, "video/");
  gboolean audio = g_str_has_prefix(name, "audio/");
  gst_caps_unref(caps);
  if (!video && !audio) return;
  const gchar *desc;
  if (video)
    desc = s->demo->show_video ? "queue ! videoconvert ! autovideosink" : "queue ! fakesink sync=false";
  else
    desc = s->demo->play_audio ? "queue ! audioconvert ! audioresample ! autoaudiosink" : "queue ! fakesink sync=false";
  GError *err = NULL;
  GstElement *out = gst_parse_bin_from_description(desc, TRUE, &err);
  if (!out) {
    g_printerr("session %u: %s: %s\n", s->id, desc, err->message);
    g_error_free(err);
    return;
  }
  GstBin *pipeline = GST_BIN(gst_element_get_parent(decodebin));
  gst_bin_add(pipeline, out);
  gst_object_unref(pipeline);
  GstPad *sink = gst_element_get_static_pad(out, "sink");
  gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, video ? count_video : count_audio, session_ref(s), session_unref);
  gst_element_sync_state_with_parent(out);
  if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK) g_printerr("session %u: cannot link the decoded %s\n", s->id, name);
  gst_object_unref(sink);
}

/* A src_%u pad: one track of the browser (the W3C track event). */
static void on_peer_pad(GstElement *peer, GstPad *pad, gpointer data) {
  Session *s = data;
  /* A track can still appear while the pipeline is being stopped. */
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC || g_atomic_int_get(&s->closed)) return;
  GstElement *decodebin = gst_element_factory_make("decodebin", NULL);
  if (!decodebin) {
    g_printerr("session %u: no decodebin\n", s->id);
    return;
  }
  connect_session(decodebin, "pad-added", G_CALLBACK(on_decoded_pad), s);
  GstBin *pipeline = GST_BIN(gst_element_get_parent(peer));
  gst_bin_add(pipeline, decodebin);
  gst_object_unref(pipeline);
  gst_element_sync_state_with_parent(decodebin);
  GstPad *sink = gst_element_get_static_pad(decodebin, "sink");
  if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK) g_printerr("session %u: cannot link %s\n", s->id, GST_PAD_NAME(pad));
  gst_object_unref(sink);
  printf("session %u: receiving browser track on %s\n", s->id, GST_PAD_NAME(pad));
}

/* ---- the pipeline --------------------------------------------------------- */

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data) {
  (void) bus;
  Session *s = data;
  GError *err = NULL;
  gchar *dbg = NULL;
  switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error(msg, &err, &dbg);
      g_printerr("session %u: error from %s: %s (%s)\n", s->id, GST_OBJECT_NAME(msg->src), err->message,
                 dbg ? dbg : "");
      send_to_page(s, g_strconcat("error\n", err->message, NULL));
      flush_outbox(s);
      session_close(s, "pipeline error");
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning(msg, &err, &dbg);
      g_printerr("session %u: warning from %s: %s\n", s->id, GST_OBJECT_NAME(msg->src), err->message);
      break;
    default:
      break;
  }
  g_clear_error(&err);
  g_free(dbg);
  return G_SOURCE_CONTINUE;
}

static GstPad *add_source(Session *s, const char *desc, GError **err) {
  GstElement *src = gst_parse_bin_from_description(desc, TRUE, err);
  if (!src) return NULL;
  gst_bin_add(GST_BIN(s->pipeline), src);
  GstPad *out = gst_element_get_static_pad(src, "src");
  GstPad *sink = gst_element_request_pad_simple(s->peer, "sink_%u");
  GstPadLinkReturn r = gst_pad_link(out, sink);
  gst_object_unref(out);
  if (r != GST_PAD_LINK_OK) {
    g_set_error(err, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "%s does not link to rtcpeerbin", desc);
    gst_object_unref(sink);
    return NULL;
  }
  return sink;
}

static const char *kVideo =
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=480,framerate=30/1 ! "
    "vp8enc deadline=1 keyframe-max-dist=60 target-bitrate=800000";
static const char *kAudio = "audiotestsrc is-live=true wave=ticks ! opusenc";

static gboolean session_start(Session *s, GError **err) {
  s->pipeline = gst_pipeline_new(NULL);
  s->peer = gst_element_factory_make("rtcpeerbin", "peer");
  if (!s->peer) {
    g_set_error(err, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                "no element rtcpeerbin (is GST_PLUGIN_PATH set to the build's gst/ and ext/?)");
    return FALSE;
  }
  const gchar *addrs[] = {s->ice_address, NULL};
  g_object_set(s->peer, "ice-local-addresses", addrs, NULL);
  gst_bin_add(GST_BIN(s->pipeline), s->peer);
  connect_session(s->peer, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), s);
  connect_session(s->peer, "on-ice-candidate", G_CALLBACK(on_ice_candidate), s);
  connect_session(s->peer, "notify::connection-state", G_CALLBACK(on_connection_state), s);
  connect_session(s->peer, "on-data-channel", G_CALLBACK(on_data_channel), s);
  connect_session(s->peer, "pad-added", G_CALLBACK(on_peer_pad), s);
  if (!(s->sinks[0] = add_source(s, kVideo, err)) || !(s->sinks[1] = add_source(s, kAudio, err))) return FALSE;

  GstBus *bus = gst_pipeline_get_bus(GST_PIPELINE(s->pipeline));
  gst_bus_add_watch_full(bus, G_PRIORITY_DEFAULT, on_bus, session_ref(s), session_unref);
  gst_object_unref(bus);
  if (gst_element_set_state(s->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error(err, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE, "the pipeline does not start");
    return FALSE;
  }
  g_signal_emit_by_name(s->peer, "create-data-channel", "chat", NULL, &s->channel);
  if (!s->channel) {
    g_set_error(err, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "create-data-channel gave no channel");
    return FALSE;
  }
  connect_session(s->channel, "on-open", G_CALLBACK(on_channel_open), s);
  watch_channel(s, s->channel);
  s->stats_id = g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, 5, print_stats, session_ref(s), session_unref);
  return TRUE;
}

/* Main thread. Idempotent: the socket's "closed", a pipeline error and
 * Ctrl-C may each get here. */
static void session_close(Session *s, const char *why) {
  if (g_atomic_int_get(&s->closed)) return;
  g_atomic_int_set(&s->closed, TRUE);
  printf("session %u: closing (%s)\n", s->id, why);
  if (s->tick_id) g_source_remove(s->tick_id);
  if (s->stats_id) g_source_remove(s->stats_id);
  if (s->offer_retry_id) g_source_remove(s->offer_retry_id);
  s->tick_id = s->stats_id = s->offer_retry_id = 0;
  if (s->pipeline) {
    if (s->peer) g_signal_emit_by_name(s->peer, "close");
    gst_element_set_state(s->pipeline, GST_STATE_NULL);
    GstBus *bus = gst_pipeline_get_bus(GST_PIPELINE(s->pipeline));
    gst_bus_remove_watch(bus);
    gst_object_unref(bus);
  }
  for (guint i = 0; i < G_N_ELEMENTS(s->sinks); ++i)
    if (s->sinks[i]) {
      gst_element_release_request_pad(s->peer, s->sinks[i]);
      gst_object_unref(s->sinks[i]);
      s->sinks[i] = NULL;
    }
  g_clear_object(&s->channel);
  g_clear_object(&s->pipeline);
  s->peer = NULL;
  if (s->ws) {
    g_signal_handlers_disconnect_by_data(s->ws, s);
    if (soup_websocket_connection_get_state(s->ws) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close(s->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_clear_object(&s->ws);
    session_unref(s); /* the socket's reference */
  }
  printf("session %u: closed\n", s->id);
  s->demo->sessions = g_list_remove(s->demo->sessions, s);
  session_unref(s); /* the demo's list */
}

/* ---- HTTP and WebSocket ----------------------------------------------------- */

static void serve_file(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                       gpointer data) {
  (void) server;
  (void) query;
  (void) data;
  const char *method = soup_server_message_get_method(msg);
  if (strcmp(method, SOUP_METHOD_GET) != 0 && strcmp(method, SOUP_METHOD_HEAD) != 0) {
    soup_server_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    return;
  }
  const char *file = NULL, *type = NULL;
  if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
    file = "index.html", type = "text/html; charset=utf-8";
  else if (strcmp(path, "/demo.js") == 0)
    file = "demo.js", type = "text/javascript; charset=utf-8";
  if (!file) {
    soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, NULL);
    return;
  }
  gchar *res = g_strconcat("/org/gstreamer/rtc/webrtc-demo/", file, NULL);
  GBytes *bytes = g_resources_lookup_data(res, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_free(res);
  if (!bytes) {
    soup_server_message_set_status(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
    return;
  }
  soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Cache-Control", "no-store");
  soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, g_bytes_get_data(bytes, NULL),
                                   g_bytes_get_size(bytes));
  soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
  g_bytes_unref(bytes);
}

/* Another web site's page must not drive the camera pipeline through
 * ws://127.0.0.1: only a page this server served (Origin = its Host) may
 * connect, and only by an address or "localhost" (no DNS rebinding). */
static gboolean origin_allowed(SoupServerMessage *msg) {
  SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
  const char *origin = soup_message_headers_get_one(h, "Origin");
  const char *host = soup_message_headers_get_one(h, "Host");
  if (!origin || !host) return FALSE;
  gchar *expected = g_strconcat("http://", host, NULL);
  gboolean same = g_ascii_strcasecmp(origin, expected) == 0;
  g_free(expected);
  if (!same) return FALSE;
  GUri *uri = g_uri_parse(origin, G_URI_FLAGS_NONE, NULL);
  if (!uri) return FALSE;
  const char *name = g_uri_get_host(uri);
  gboolean ok = name && (g_hostname_is_ip_address(name) || g_ascii_strcasecmp(name, "localhost") == 0);
  g_uri_unref(uri);
  return ok;
}

/* The address ICE gathers on: the one the browser reached us by (loopback
 * for a page opened on 127.0.0.1 or localhost). */
static gchar *ice_address_for(SoupServerMessage *msg) {
  GSocketAddress *local = soup_server_message_get_local_address(msg);
  if (!G_IS_INET_SOCKET_ADDRESS(local)) return g_strdup("127.0.0.1");
  GInetAddress *a = g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(local));
  if (g_inet_address_get_is_loopback(a)) return g_strdup("127.0.0.1");
  return g_inet_address_to_string(a);
}

static void on_websocket(SoupServer *server, SoupServerMessage *msg, const char *path,
                         SoupWebsocketConnection *ws, gpointer data) {
  (void) server;
  (void) path;
  Demo *demo = data;
  if (!origin_allowed(msg)) {
    g_printerr("refused a WebSocket from origin %s\n",
               soup_message_headers_get_one(soup_server_message_get_request_headers(msg), "Origin"));
    soup_websocket_connection_close(ws, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "origin not allowed");
    return;
  }
  Session *s = g_atomic_rc_box_new0(Session);
  g_mutex_init(&s->lock);
  g_queue_init(&s->outbox);
  g_queue_init(&s->held_candidates);
  s->demo = demo;
  s->id = ++demo->next_id;
  s->ice_address = ice_address_for(msg);
  s->ws = g_object_ref(ws);
  demo->sessions = g_list_append(demo->sessions, s); /* the list holds the first reference */
  session_ref(s);                                    /* the socket's: dropped in session_close */
  g_signal_connect(ws, "message", G_CALLBACK(on_ws_message), s);
  g_signal_connect(ws, "closed", G_CALLBACK(on_ws_closed), s);
  printf("session %u: browser connected (ICE on %s)\n", s->id, s->ice_address);
  GError *err = NULL;
  if (!session_start(s, &err)) {
    g_printerr("session %u: %s\n", s->id, err->message);
    send_to_page(s, g_strconcat("error\n", err->message, NULL));
    flush_outbox(s);
    g_error_free(err);
    session_close(s, "could not start");
  }
}

/* Whether an auto sink finds a device (a display, a sound server). */
static gboolean sink_works(const char *factory) {
  GstElement *sink = gst_element_factory_make(factory, NULL);
  if (!sink) return FALSE;
  gboolean ok = gst_element_set_state(sink, GST_STATE_READY) != GST_STATE_CHANGE_FAILURE;
  gst_element_set_state(sink, GST_STATE_NULL);
  gst_object_unref(sink);
  return ok;
}

static gboolean on_signal(gpointer data) {
  Demo *demo = data;
  printf("stopping\n");
  while (demo->sessions) session_close(demo->sessions->data, "interrupted");
  g_main_loop_quit(demo->loop);
  return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv) {
  gint port = 8080;
  gchar *address = NULL;
  gboolean no_display = FALSE;
  GOptionEntry entries[] = {
      {"port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port to serve on (0: any free one)", "N"},
      {"address", 'a', 0, G_OPTION_ARG_STRING, &address,
       "Address to serve on (default 127.0.0.1; 0.0.0.0 or a LAN address for other machines)", "ADDR"},
      {"no-display", 0, 0, G_OPTION_ARG_NONE, &no_display, "Decode the browser's media without showing it", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = g_option_context_new("- rtcpeerbin and a web browser, signalling included");
  g_option_context_set_summary(
      ctx, "Serves a page and its WebSocket signalling; each browser tab that opens it gets an rtcpeerbin\n"
           "sending test video, audio and a data channel and receiving the camera and microphone.\n"
           "ICE gathers only on the address the browser reached this server on: 127.0.0.1 by default,\n"
           "so nothing leaves the machine. For a browser on another machine serve on 0.0.0.0 (or the\n"
           "LAN address) and open http://<LAN address>:PORT/ there (receive-only: browsers allow the\n"
           "camera only on https or localhost).");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, gst_init_get_option_group());
  GError *err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    g_printerr("%s\n", err->message);
    g_error_free(err);
    g_option_context_free(ctx);
    return 2;
  }
  g_option_context_free(ctx);
  if (port < 0 || port > 65535) {
    g_printerr("--port: %d is not a TCP port\n", port);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time, also into a pipe */
  gst_init(NULL, NULL);

  Demo demo = {0};
  if (!no_display && (g_getenv("DISPLAY") || g_getenv("WAYLAND_DISPLAY"))) {
    demo.show_video = sink_works("autovideosink");
    demo.play_audio = sink_works("autoaudiosink");
  }
  demo.loop = g_main_loop_new(NULL, FALSE);
  g_resources_register(webrtc_demo_get_resource());
  demo.server = soup_server_new("server-header", "gst-rtc-webrtc-demo ", NULL);
  const gchar *addr = address ? address : "127.0.0.1";
  GInetAddress *inet = g_inet_address_new_from_string(addr);
  int rc = 0;
  if (!inet) {
    g_printerr("--address: %s is not an IP address\n", addr);
    rc = 2;
    goto out;
  }
  GSocketAddress *sa = g_inet_socket_address_new(inet, (guint16) port);
  g_object_unref(inet);
  gboolean listening = soup_server_listen(demo.server, sa, 0, &err);
  g_object_unref(sa);
  if (!listening) {
    g_printerr("cannot serve on %s port %d: %s\n", addr, port, err->message);
    g_error_free(err);
    rc = 1;
    goto out;
  }
  soup_server_add_handler(demo.server, "/", serve_file, NULL, NULL);
  soup_server_add_websocket_handler(demo.server, "/ws", NULL, NULL, on_websocket, &demo, NULL);
  GSList *uris = soup_server_get_uris(demo.server);
  guint actual = uris ? (guint) g_uri_get_port(uris->data) : (guint) port;
  g_slist_free_full(uris, (GDestroyNotify) g_uri_unref);
  if (strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0)
    printf("serving on every interface, port %u: open http://127.0.0.1:%u/ in a browser here, or "
           "http://<this machine's LAN address>:%u/ on another machine (no camera there: browsers allow it "
           "only on https or localhost)\n", actual, actual, actual);
  else if (strchr(addr, ':'))
    printf("open http://[%s]:%u/ in a browser\n", addr, actual);
  else
    printf("open http://%s:%u/ in a browser\n", addr, actual);
  printf("(Ctrl-C stops. The browser's camera is %s, its sound %s)\n",
         demo.show_video ? "shown in a window" : "decoded and counted, not shown",
         demo.play_audio ? "played" : "decoded and counted, not played");

  guint sigint = g_unix_signal_add(SIGINT, on_signal, &demo);
  guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &demo);
  g_main_loop_run(demo.loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);

out:
  while (demo.sessions) session_close(demo.sessions->data, "exiting");
  /* Callbacks the closed sessions still had queued drop their references. */
  while (g_main_context_iteration(NULL, FALSE)) {
  }
  soup_server_disconnect(demo.server);
  g_object_unref(demo.server);
  g_resources_unregister(webrtc_demo_get_resource());
  g_main_loop_unref(demo.loop);
  g_free(address);
  gst_deinit();
  return rc;
}
