/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-connection.h"

#include <gst/sdp/sdp.h>
#include <sys/random.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "candidate.h"
#include "peer-util.h"
#include "sdp.h"

GST_DEBUG_CATEGORY_EXTERN(gst_rtc_peer_bin_debug);
#define GST_CAT_DEFAULT gst_rtc_peer_bin_debug

namespace gst_rtc::peer {

namespace {

std::atomic<guint> next_association_id{0x40000000u};

GError *to_gerror(const jsep::Error &e) {
  return g_error_new_literal(GST_RTC_ERROR, static_cast<gint>(e.code), e.describe().c_str());
}

GError *closed_error() {
  return g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE, "the peer connection is closed");
}

void random_bytes(void *out, size_t n) {
  auto *p = static_cast<guint8 *>(out);
  while (n > 0) {
    ssize_t got = getrandom(p, n, 0);
    if (got <= 0) {
      // getrandom only fails before the kernel pool is ready; GLib's
      // generator is the fallback (never reached on a running system).
      for (; n > 0; --n) *p++ = static_cast<guint8>(g_random_int());
      return;
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
}

std::string random_ice_chars(size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(n, '\0');
  random_bytes(bytes.data(), n);
  std::string out;
  for (char c : bytes) out += kChars[static_cast<unsigned char>(c) % 64];
  return out;
}

GstRtcSdpType to_gst(jsep::SdpType t) {
  switch (t) {
    case jsep::SdpType::Offer: return GST_RTC_SDP_TYPE_OFFER;
    case jsep::SdpType::PrAnswer: return GST_RTC_SDP_TYPE_PRANSWER;
    case jsep::SdpType::Answer: return GST_RTC_SDP_TYPE_ANSWER;
    case jsep::SdpType::Rollback: return GST_RTC_SDP_TYPE_ROLLBACK;
  }
  return GST_RTC_SDP_TYPE_OFFER;
}

std::optional<jsep::SdpType> from_gst(GstRtcSdpType t) {
  switch (t) {
    case GST_RTC_SDP_TYPE_OFFER: return jsep::SdpType::Offer;
    case GST_RTC_SDP_TYPE_PRANSWER: return jsep::SdpType::PrAnswer;
    case GST_RTC_SDP_TYPE_ANSWER: return jsep::SdpType::Answer;
    case GST_RTC_SDP_TYPE_ROLLBACK: return jsep::SdpType::Rollback;
  }
  return std::nullopt;
}

GstRtcSignalingState to_gst(jsep::SignalingState s) {
  return static_cast<GstRtcSignalingState>(static_cast<int>(s));
}

jsep::Direction to_jsep(GstRtcRtpTransceiverDirection d) {
  switch (d) {
    case GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY: return jsep::Direction::SendOnly;
    case GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY: return jsep::Direction::RecvOnly;
    case GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE:
    case GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED: return jsep::Direction::Inactive;
    default: return jsep::Direction::SendRecv;
  }
}

GstRtcRtpTransceiverDirection to_gst(jsep::Direction d) {
  switch (d) {
    case jsep::Direction::SendOnly: return GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY;
    case jsep::Direction::RecvOnly: return GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY;
    case jsep::Direction::Inactive: return GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE;
    case jsep::Direction::SendRecv: return GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV;
  }
  return GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV;
}

// Codec preferences from caps: one codec per structure that names one
// (application/x-rtp with encoding-name, or an encoded media type).

}  // namespace

namespace {

// RFC 6184 profile-level-id (profile_idc, constraint flags, level_idc in
// hex) of an encoder's video/x-h264 caps; nullopt without a known profile.
std::optional<std::string> h264_profile_level_id(const GstStructure *s) {
  static const struct {
    const char *profile;
    guint8 idc, constraints;
  } kProfiles[] = {
      {"constrained-baseline", 0x42, 0xe0}, {"baseline", 0x42, 0x00}, {"main", 0x4d, 0x00},
      {"extended", 0x58, 0x00},            {"high", 0x64, 0x00},     {"constrained-high", 0x64, 0x0c},
      {"progressive-high", 0x64, 0x08},    {"high-10", 0x6e, 0x00},  {"high-4:2:2", 0x7a, 0x00},
      {"high-4:4:4", 0xf4, 0x00},
  };
  const gchar *profile = gst_structure_get_string(s, "profile");
  if (!profile) return std::nullopt;
  for (const auto &p : kProfiles) {
    if (g_strcmp0(profile, p.profile) != 0) continue;
    // Level "3.1" -> level_idc 31; "1b" -> 11 (the form without the
    // constraint flag); none given: 3.1, what browsers offer.
    guint level = 31;
    if (const gchar *l = gst_structure_get_string(s, "level")) {
      if (g_strcmp0(l, "1b") == 0)
        level = 11;
      else if (const double v = g_ascii_strtod(l, nullptr); v >= 1 && v <= 6.2)
        level = guint(v * 10 + 0.5);
    }
    gchar *text = g_strdup_printf("%02x%02x%02x", p.idc, p.constraints, level);
    std::string out = text;
    g_free(text);
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::vector<jsep::Codec> codecs_from_caps(GstCaps *caps, std::string &kind) {
  std::vector<jsep::Codec> out;
  if (!caps) return out;
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    const GstStructure *s = gst_caps_get_structure(caps, i);
    const std::string name = gst_structure_get_name(s);
    jsep::Codec c;
    if (name == "application/x-rtp") {
      if (const gchar *media = gst_structure_get_string(s, "media")) kind = media;
      const gchar *enc = gst_structure_get_string(s, "encoding-name");
      if (!enc) continue;
      c.name = enc;
      gint rate = 0, pt = -1;
      if (gst_structure_get_int(s, "clock-rate", &rate)) c.clock_rate = static_cast<guint32>(rate);
      if (gst_structure_get_int(s, "payload", &pt)) c.payload_type = pt;
      if (const gchar *ch = gst_structure_get_string(s, "encoding-params")) c.channels = static_cast<guint32>(atoi(ch));
      // A payloader's H.264 caps say which profile the stream is.
      for (const char *field : {"profile-level-id", "packetization-mode"})
        if (const gchar *v = gst_structure_get_string(s, field)) c.parameters.emplace_back(field, v);
    } else {
      static const struct {
        const char *type, *codec, *kind;
        guint32 rate;
        guint32 channels;
      } kMap[] = {
          {"video/x-vp8", "VP8", "video", 90000, 0},      {"video/x-vp9", "VP9", "video", 90000, 0},
          {"video/x-h264", "H264", "video", 90000, 0},    {"video/x-h265", "H265", "video", 90000, 0},
          {"video/x-av1", "AV1", "video", 90000, 0},      {"audio/x-opus", "opus", "audio", 48000, 2},
          {"audio/x-mulaw", "PCMU", "audio", 8000, 0},    {"audio/x-alaw", "PCMA", "audio", 8000, 0},
      };
      bool found = false;
      for (const auto &m : kMap) {
        if (name != m.type) continue;
        c.name = m.codec;
        c.clock_rate = m.rate;
        if (m.channels) c.channels = m.channels;
        kind = m.kind;
        found = true;
      }
      if (found && name == "video/x-h264")
        if (auto plid = h264_profile_level_id(s)) c.parameters.emplace_back("profile-level-id", *plid);
      if (!found) {
        if (name.rfind("audio/", 0) == 0) kind = "audio";
        if (name.rfind("video/", 0) == 0) kind = "video";
        continue;
      }
    }
    out.push_back(std::move(c));
  }
  // The engine's own lists carry feedback and fmtp the caps do not: use
  // them for codecs it knows, in the order the caps gave.
  if (!kind.empty()) {
    auto defaults = jsep::default_codecs(kind);
    std::vector<jsep::Codec> merged;
    for (const auto &want : out) {
      bool took = false;
      for (size_t i = 0; i < defaults.size(); ++i) {
        const auto &d = defaults[i];
        if (g_ascii_strcasecmp(d.name.c_str(), want.name.c_str()) != 0 || d.clock_rate != want.clock_rate) continue;
        jsep::Codec c = d;
        c.payload_type = want.payload_type;
        // What the caps know of the stream wins over the engine's default
        // (an encoder's H.264 profile and level, RFC 6184 profile-level-id).
        for (const auto &[k, v] : want.parameters) {
          auto same = std::find_if(c.parameters.begin(), c.parameters.end(), [&](const auto &p) { return p.first == k; });
          if (same != c.parameters.end())
            same->second = v;
          else
            c.parameters.emplace_back(k, v);
        }
        merged.push_back(c);
        // Its retransmission format (RFC 4588) when the engine pairs one
        // with it: an rtx entry repairs the codec before it.
        if (i + 1 < defaults.size() && g_ascii_strcasecmp(defaults[i + 1].name.c_str(), "rtx") == 0)
          merged.push_back(defaults[i + 1]);
        took = true;
        break;
      }
      if (!took) merged.push_back(want);
    }
    out = std::move(merged);
  }
  // Audio offers DTMF (RFC 4733) at the codec's own clock rate: the
  // pad's GstRtcDtmfSender plays tones only with such a telephone-event.
  if (kind == "audio" && !out.empty() && out.front().clock_rate > 0 &&
      std::none_of(out.begin(), out.end(), [&](const jsep::Codec &c) {
        return g_ascii_strcasecmp(c.name.c_str(), "telephone-event") == 0 && c.clock_rate == out.front().clock_rate;
      })) {
    jsep::Codec te;
    te.name = "telephone-event";
    te.clock_rate = out.front().clock_rate;
    out.push_back(std::move(te));
  }
  return out;
}

// The data channel elements: one SCTP association over the transport
// carrying the m=application section.
struct PeerConnection::SctpStream {
  GstElement *enc = nullptr, *dec = nullptr;  // owned refs; in the bin, locked until started
  GstRtcSctpTransport *transport = nullptr;
  gulong on_channel = 0;
  std::string transport_mid;  // linked to this transport, once known
  bool linked = false;
  bool started = false;
  bool role_set = false;

  ~SctpStream() {
    if (on_channel) g_signal_handler_disconnect(enc, on_channel);
    if (transport) gst_object_unref(transport);
    if (enc) gst_object_unref(enc);
    if (dec) gst_object_unref(dec);
  }
};

PeerConnection::PeerConnection(GstRtcPeerBin *bin) : bin_(bin) {
  prepare();
}

PeerConnection::~PeerConnection() {
  shutdown();
}

// ---------------------------------------------------------------------------
// Small helpers (chain)

void PeerConnection::reject(GstPromise *promise, GError *error) {
  GST_INFO_OBJECT(bin_, "operation failed: %s", error->message);
  if (promise) {
    gst_promise_reply(promise, gst_structure_new(kReplyName, "error", G_TYPE_ERROR, error, nullptr));
  } else {
    // Nobody waits on a promise: the pipeline hears of it.
    gst_element_post_message(GST_ELEMENT(bin_),
                             gst_message_new_warning(GST_OBJECT(bin_), error, "operation without a promise failed"));
  }
  g_error_free(error);
}

jsep::IceCredentials PeerConnection::fresh_credentials() {
  return jsep::IceCredentials{random_ice_chars(8), random_ice_chars(24)};
}

GError *PeerConnection::ensure_certificate() {
  if (configured_) return nullptr;  // the fingerprint is in the descriptions now
  const std::string wanted = settings().certificate;
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (!certificate_pem_.empty() && (wanted.empty() || wanted == certificate_pem_)) return nullptr;
  }
  GstElement *probe = gst_element_factory_make("rtcdtlssrtpenc", nullptr);
  if (!probe)
    return g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_OPERATION,
                               "element rtcdtlssrtpenc is not available (plugin rtcdtls missing?)");
  gst_object_ref_sink(probe);
  if (!wanted.empty()) g_object_set(probe, "certificate", wanted.c_str(), nullptr);
  gchar *pem = nullptr, *fp = nullptr;
  g_object_get(probe, "certificate", &pem, "fingerprint", &fp, nullptr);
  gst_object_unref(probe);
  GError *error = nullptr;
  if (!pem || !fp || !*fp || strchr(fp, ' ') == nullptr) {
    error = g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_INVALID_ACCESS,
                                "the certificate is not a usable PEM certificate and private key");
  } else {
    std::lock_guard<std::mutex> guard(lock_);
    certificate_pem_ = pem;
    fingerprint_ = fp;
  }
  g_free(pem);
  g_free(fp);
  return error;
}

void PeerConnection::prepare() {
  // What a browser does in the RTCPeerConnection constructor: the
  // certificate exists before the first offer. The transport plugins are
  // loaded now too, not in the middle of the first negotiation.
  for (const char *name : {"rtcicesrc", "rtcsctpenc"}) {
    if (GstElementFactory *f = gst_element_factory_find(name)) {
      if (GstPluginFeature *loaded = gst_plugin_feature_load(GST_PLUGIN_FEATURE(f))) gst_object_unref(loaded);
      gst_object_unref(f);
    }
  }
  if (GError *e = ensure_certificate()) {
    GST_DEBUG_OBJECT(bin_, "no certificate yet: %s", e->message);
    g_error_free(e);
  }
}

GError *PeerConnection::ensure_configuration() {
  if (configured_) return nullptr;
  Settings s = settings();
  if (GError *e = ensure_certificate()) return e;

  jsep::Configuration config;
  switch (s.bundle_policy) {
    case GST_RTC_BUNDLE_POLICY_BALANCED: config.bundle_policy = jsep::BundlePolicy::Balanced; break;
    case GST_RTC_BUNDLE_POLICY_MAX_COMPAT: config.bundle_policy = jsep::BundlePolicy::MaxCompat; break;
    default: config.bundle_policy = jsep::BundlePolicy::MaxBundle; break;
  }
  guint64 sid = 0;
  random_bytes(&sid, sizeof sid);
  config.session_id = std::to_string(sid & G_GUINT64_CONSTANT(0x7fffffffffffffff));
  config.ice = fresh_credentials();
  config.sctp_max_packet_size = kSctpMaxPacketSize;
  const auto space = fingerprint_.find(' ');
  if (space == std::string::npos)
    return g_error_new(GST_RTC_ERROR, GST_RTC_ERROR_OPERATION, "unexpected fingerprint form '%s'", fingerprint_.c_str());
  config.fingerprints.push_back(jsep::Fingerprint{fingerprint_.substr(0, space), fingerprint_.substr(space + 1)});
  if (auto st = session_.set_configuration(config); !st.ok()) return to_gerror(st.error());
  configured_ = true;
  std::lock_guard<std::mutex> guard(lock_);
  negotiation_started_ = true;
  return nullptr;
}

IceSettings PeerConnection::ice_settings() {
  Settings s = settings();
  IceSettings out;
  out.local_addresses = s.local_addresses;
  out.policy = s.ice_transport_policy;
  if (!s.stun_server.empty()) out.stun_server = ice_url(s.stun_server);
  if (!s.turn_server.empty()) out.turn_servers.push_back(ice_url(s.turn_server));
  for (const auto &url : s.ice_servers) {
    std::string u = ice_url(url);
    if (has_scheme(u, "stun") && out.stun_server.empty())
      out.stun_server = u;
    else if (has_scheme(u, "turn") || has_scheme(u, "turns"))
      out.turn_servers.push_back(u);
  }
  for (const auto &u : s.extra_turn_servers) out.turn_servers.push_back(ice_url(u));
  return out;
}

std::optional<guint> PeerConnection::mline_of(const std::string &mid) const {
  const jsep::SessionDescription *local = session_.local_description();
  if (!local) return std::nullopt;
  for (size_t i = 0; i < local->media.size(); ++i)
    if (local->media[i].mid && *local->media[i].mid == mid) return static_cast<guint>(i);
  return std::nullopt;
}

// W3C: localDescription carries the candidates gathered so far.
std::string PeerConnection::local_sdp_with_candidates(const jsep::SessionDescription &sdp) const {
  jsep::SessionDescription copy = sdp;
  for (const auto &stream : streams_) {
    for (auto &m : copy.media) {
      if (!m.mid || *m.mid != stream->mid()) continue;
      if (m.port == 0) continue;
      for (const auto &text : stream->local_candidates()) {
        auto c = jsep::parse_candidate(text);
        if (c.ok() && std::find(m.candidates.begin(), m.candidates.end(), c.value()) == m.candidates.end())
          m.candidates.push_back(c.value());
      }
      if (stream->gathering_complete()) m.end_of_candidates = true;
    }
  }
  return jsep::serialize_sdp(copy);
}

void PeerConnection::reply_description(GstPromise *promise, const char *field, jsep::SdpType type,
                                       const jsep::SessionDescription &sdp) {
  const std::string text = jsep::serialize_sdp(sdp);
  GstSDPMessage *msg = nullptr;
  gst_sdp_message_new_from_text(text.c_str(), &msg);
  GstRtcSessionDescription *desc = gst_rtc_session_description_new(to_gst(type), msg);
  if (promise)
    gst_promise_reply(promise,
                      gst_structure_new(kReplyName, field, GST_RTC_TYPE_SESSION_DESCRIPTION, desc, nullptr));
  gst_rtc_session_description_free(desc);
}

// ---------------------------------------------------------------------------
// Offer / answer

void PeerConnection::create_offer(const GstStructure *options, GstPromise *promise) {
  gboolean restart = FALSE;
  if (options) gst_structure_get_boolean(options, "ice-restart", &restart);
  if (promise) gst_promise_ref(promise);
  ops_.post([this, restart, promise] {
    do_create(true, restart, promise);
    if (promise) gst_promise_unref(promise);
  });
}

void PeerConnection::create_answer(const GstStructure *, GstPromise *promise) {
  if (promise) gst_promise_ref(promise);
  ops_.post([this, promise] {
    do_create(false, false, promise);
    if (promise) gst_promise_unref(promise);
  });
}

void PeerConnection::do_create(bool offer, bool ice_restart, GstPromise *promise) {
  if (session_.signaling_state() == jsep::SignalingState::Closed) return reject(promise, closed_error());
  if (GError *e = ensure_configuration()) return reject(promise, e);
  if (offer) {
    const bool restart = ice_restart || ice_restart_requested_;
    if (restart) {
      jsep::Configuration config = session_.configuration();
      config.ice = fresh_credentials();
      if (auto st = session_.set_configuration(config); !st.ok()) return reject(promise, to_gerror(st.error()));
    }
    auto sdp = session_.create_offer(jsep::OfferOptions{restart});
    if (!sdp.ok()) return reject(promise, to_gerror(sdp.error()));
    if (restart) ice_restart_requested_ = false;
    GST_DEBUG_OBJECT(bin_, "offer created%s", restart ? " (ICE restart)" : "");
    reply_description(promise, "offer", jsep::SdpType::Offer, sdp.value());
  } else {
    auto sdp = session_.create_answer();
    if (!sdp.ok()) return reject(promise, to_gerror(sdp.error()));
    GST_DEBUG_OBJECT(bin_, "answer created");
    reply_description(promise, "answer", jsep::SdpType::Answer, sdp.value());
  }
}

void PeerConnection::set_description(bool local, const GstRtcSessionDescription *desc, GstPromise *promise) {
  std::optional<jsep::SdpType> type;
  std::optional<std::string> text;
  GError *error = nullptr;
  if (desc) {
    type = from_gst(desc->type);
    if (!type)
      error = g_error_new(GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "%d is not a valid SDP type", int(desc->type));
    else if (*type != jsep::SdpType::Rollback && desc->sdp) {
      gchar *t = gst_sdp_message_as_text(desc->sdp);
      text = t ? t : "";
      g_free(t);
    }
  } else if (!local) {
    error = g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "set-remote-description needs a description");
  }
  if (promise) gst_promise_ref(promise);
  ops_.post([this, local, type, text, error, promise] {
    if (error)
      reject(promise, error);
    else
      do_set_description(local, type, text, promise);
    if (promise) gst_promise_unref(promise);
  });
}

void PeerConnection::do_set_description(bool local, std::optional<jsep::SdpType> type,
                                        const std::optional<std::string> &text, GstPromise *promise) {
  if (session_.signaling_state() == jsep::SignalingState::Closed) return reject(promise, closed_error());
  if (GError *e = ensure_configuration()) return reject(promise, e);
  jsep::SdpType t;
  jsep::SessionDescription sdp;
  if (!type) {
    // W3C implicit setLocalDescription(): the answer when one is due,
    // else an offer.
    const auto st = session_.signaling_state();
    const bool answer =
        st == jsep::SignalingState::HaveRemoteOffer || st == jsep::SignalingState::HaveLocalPrAnswer;
    if (!answer && ice_restart_requested_) {
      jsep::Configuration config = session_.configuration();
      config.ice = fresh_credentials();
      if (auto s = session_.set_configuration(config); !s.ok()) return reject(promise, to_gerror(s.error()));
    }
    auto made = answer ? session_.create_answer() : session_.create_offer(jsep::OfferOptions{ice_restart_requested_});
    if (!made.ok()) return reject(promise, to_gerror(made.error()));
    if (!answer) ice_restart_requested_ = false;
    sdp = std::move(made.value());
    t = answer ? jsep::SdpType::Answer : jsep::SdpType::Offer;
  } else if (*type == jsep::SdpType::Rollback) {
    t = jsep::SdpType::Rollback;
  } else {
    if (!text || text->empty())
      return reject(promise, g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_TYPE, "the description has no SDP"));
    auto parsed = jsep::parse_sdp(*text);
    if (!parsed.ok()) return reject(promise, to_gerror(parsed.error()));
    sdp = std::move(parsed.value());
    t = *type;
  }
  auto plan = local ? session_.set_local_description(t, sdp) : session_.set_remote_description(t, sdp);
  if (!plan.ok()) return reject(promise, to_gerror(plan.error()));
  if (!local && t == jsep::SdpType::Offer) {
    // RFC 8839 4.4.1.1: a remote ICE restart gets fresh local credentials
    // in our answer.
    bool restart = std::any_of(plan->transports.begin(), plan->transports.end(),
                               [](const jsep::TransportPlan &tp) { return tp.ice_restart; });
    if (restart) {
      jsep::Configuration config = session_.configuration();
      config.ice = fresh_credentials();
      (void)session_.set_configuration(config);
    }
  }
  if (plan->negotiation_complete) local_was_offerer_ = !local;
  GError *error = apply_plan(plan.value(), local, t);
  refresh_descriptions();
  GST_DEBUG_OBJECT(bin_, "%s description (%s) applied: %s", local ? "local" : "remote",
                   std::string(jsep::to_string(t)).c_str(), std::string(jsep::to_string(session_.signaling_state())).c_str());
  if (error)
    reject(promise, error);
  else if (promise)
    gst_promise_reply(promise, nullptr);
  if (session_.signaling_state() == jsep::SignalingState::Stable) {
    negotiation_needed_ = false;
    update_negotiation_needed();
  }
}

TransportStream *PeerConnection::stream_for(const std::string &mid) {
  for (auto &s : streams_)
    if (s->mid() == mid) return s.get();
  return nullptr;
}

TransportStream::Events PeerConnection::transport_events() {
  // Events arrive on the network thread; they are handled on the chain,
  // and only while the bin lives (a weak reference).
  auto weak = std::shared_ptr<GWeakRef>(new GWeakRef, [](GWeakRef *w) {
    g_weak_ref_clear(w);
    delete w;
  });
  g_weak_ref_init(weak.get(), bin_);
  auto post = [this, weak](std::function<void()> fn) {
    auto *bin = static_cast<GstRtcPeerBin *>(g_weak_ref_get(weak.get()));
    if (!bin) return;
    // Owned by the operation, so that one dropped unrun (the chain stops)
    // still releases the bin.
    std::shared_ptr<GstRtcPeerBin> hold(bin, [](GstRtcPeerBin *b) { gst_object_unref(b); });
    ops_.post([hold, fn = std::move(fn)] { fn(); });
  };
  TransportStream::Events ev;
  ev.candidate = [this, post](const std::string &mid, const gchar *candidate) {
    std::optional<std::string> c = candidate && *candidate ? std::optional<std::string>(candidate) : std::nullopt;
    post([this, mid, c] { on_candidate(mid, c); });
  };
  ev.state_changed = [this, post](const std::string &mid) { post([this, mid] { on_transport_state(mid); }); };
  ev.candidate_error = [this, post](const std::string &, const GstStructure *error) {
    std::shared_ptr<GstStructure> copy(gst_structure_copy(error), gst_structure_free);
    post([this, copy] { gst_rtc_peer_bin_emit_ice_candidate_error(bin_, copy.get()); });
  };
  return ev;
}

GError *PeerConnection::apply_transport(const jsep::TransportPlan &tp) {
  GError *error = nullptr;
  TransportStream *stream = stream_for(tp.mid);
  if (!stream) {
    stream = TransportStream::create(GST_BIN(bin_), tp.mid, ice_settings(), certificate_pem_, transport_events(),
                                     &error);
    if (!stream) return error;
    streams_.emplace_back(stream);
    local_creds_[tp.mid] = tp.local_ice;
    controlling_[tp.mid] = tp.ice_controlling;
    stream->set_controlling(tp.ice_controlling);
    if (!stream->set_local_credentials(tp.local_ice.ufrag, tp.local_ice.pwd, &error) || !stream->gather(&error))
      return error;
    update_states();
  } else if (local_creds_[tp.mid] != tp.local_ice) {
    GST_INFO_OBJECT(bin_, "transport %s: ICE restart", tp.mid.c_str());
    local_creds_[tp.mid] = tp.local_ice;
    stream->reset_local_candidates();
    remote_candidates_added_[tp.mid].clear();
    remote_eoc_.erase(tp.mid);
    if (!stream->set_local_credentials(tp.local_ice.ufrag, tp.local_ice.pwd, &error)) return error;
  }
  if (controlling_[tp.mid] != tp.ice_controlling) {
    controlling_[tp.mid] = tp.ice_controlling;
    stream->set_controlling(tp.ice_controlling);
  }
  if (tp.remote_ice && remote_credentials_[tp.mid] != tp.remote_ice) {
    if (remote_credentials_[tp.mid]) {
      remote_candidates_added_[tp.mid].clear();
      remote_eoc_.erase(tp.mid);
    }
    remote_credentials_[tp.mid] = tp.remote_ice;
    if (!stream->set_remote_credentials(tp.remote_ice->ufrag, tp.remote_ice->pwd, &error)) return error;
  }
  auto &added = remote_candidates_added_[tp.mid];
  for (const auto &c : tp.remote_candidates) {
    const std::string text = jsep::serialize_candidate(c);
    if (!added.insert(text).second) continue;
    GError *e = nullptr;
    if (!stream->add_remote_candidate(text.c_str(), &e)) {
      // One candidate the transport cannot use is not the description's
      // failure (W3C: candidates are added one by one); it is reported.
      GST_INFO_OBJECT(bin_, "transport %s: remote candidate not used: %s", tp.mid.c_str(), e->message);
      g_error_free(e);
    }
  }
  if (tp.remote_end_of_candidates && remote_eoc_.insert(tp.mid).second) stream->add_remote_candidate(nullptr, nullptr);
  if (!tp.remote_fingerprints.empty()) {
    std::string fps;
    for (const auto &fp : tp.remote_fingerprints) {
      if (!fps.empty()) fps += ",";
      fps += fp.algorithm + " " + fp.value;
    }
    stream->set_remote_fingerprints(fps);
  }
  if (tp.dtls_role) stream->set_dtls_client(*tp.dtls_role == jsep::DtlsRole::Client);
  return nullptr;
}

GError *PeerConnection::apply_plan(const jsep::Plan &plan, bool local, jsep::SdpType type) {
  GError *error = nullptr;
  // Transports start with the local description (gathering) and learn the
  // remote side as it comes; with only a remote offer applied there is
  // nothing to start yet.
  const bool have_local = session_.local_description() != nullptr;
  if (have_local) {
    for (const auto &tp : plan.transports) {
      if (GError *e = apply_transport(tp)) {
        if (!error)
          error = e;
        else
          g_error_free(e);
      }
    }
  }
  if (plan.negotiation_complete) {
    // Transports no longer used (bundled away or rejected) stop.
    for (auto it = streams_.begin(); it != streams_.end();) {
      bool used = std::any_of(plan.transports.begin(), plan.transports.end(),
                              [&](const jsep::TransportPlan &tp) { return tp.mid == (*it)->mid(); });
      if (used) {
        ++it;
        continue;
      }
      GST_INFO_OBJECT(bin_, "transport %s is no longer used", (*it)->mid().c_str());
      drop_media((*it)->mid());
      (*it)->teardown();
      it = streams_.erase(it);
    }
  }
  if (plan.data && have_local) apply_data(*plan.data);
  sync_transceivers(&plan);
  if (have_local) apply_media(plan);
  (void)local;
  (void)type;
  update_states();
  return error;
}

// ---------------------------------------------------------------------------
// Data channels

void PeerConnection::ensure_sctp_locked() {
  if (sctp_) return;
  GstElement *enc = gst_element_factory_make("rtcsctpenc", "data-sctpenc");
  GstElement *dec = gst_element_factory_make("rtcsctpdec", "data-sctpdec");
  if (!enc || !dec) {
    if (enc) gst_object_unref(gst_object_ref_sink(enc));
    if (dec) gst_object_unref(gst_object_ref_sink(dec));
    return;
  }
  auto s = std::make_unique<SctpStream>();
  s->enc = GST_ELEMENT(gst_object_ref_sink(enc));
  s->dec = GST_ELEMENT(gst_object_ref_sink(dec));
  const guint id = next_association_id.fetch_add(1);
  g_object_set(s->enc, "sctp-association-id", id, nullptr);
  g_object_set(s->dec, "sctp-association-id", id, nullptr);
  g_object_get(s->enc, "transport", &s->transport, nullptr);
  s->on_channel = g_signal_connect(s->enc, "on-data-channel",
                                   G_CALLBACK(+[](GstElement *, GstRtcDataChannel *channel, gpointer data) {
                                     auto *self = static_cast<PeerConnection *>(data);
                                     {
                                       std::lock_guard<std::mutex> guard(self->lock_);
                                       self->channels_.push_back(GST_RTC_DATA_CHANNEL(g_object_ref(channel)));
                                     }
                                     gst_rtc_peer_bin_emit_data_channel(self->bin_, channel);
                                   }),
                                   this);
  // In the bin from now on, but started only once they are linked to the
  // DTLS transport and know their role.
  for (GstElement *e : {s->enc, s->dec}) {
    gst_element_set_locked_state(e, TRUE);
    gst_bin_add(GST_BIN(bin_), e);  // not floating: the bin takes its own reference
  }
  sctp_ = std::move(s);
}

GstRtcDataChannel *PeerConnection::create_data_channel(const gchar *label, const GstStructure *options) {
  GstRtcDataChannel *channel = nullptr;
  ops_.run_sync([&] {
    if (session_.signaling_state() == jsep::SignalingState::Closed) {
      refuse(GST_RTC_ERROR_INVALID_STATE, "create-data-channel on a closed connection");
      return;
    }
    {
      std::lock_guard<std::mutex> guard(lock_);
      ensure_sctp_locked();
      if (!sctp_) {
        refuse(GST_RTC_ERROR_OPERATION, "create-data-channel: rtcsctpenc/rtcsctpdec are not available");
        return;
      }
    }
    g_signal_emit_by_name(sctp_->enc, "create-data-channel", label ? label : "", options, &channel);
    if (!channel) return;
    {
      std::lock_guard<std::mutex> guard(lock_);
      channels_.push_back(GST_RTC_DATA_CHANNEL(g_object_ref(channel)));
    }
    session_.request_data_channel();
    update_negotiation_needed();
  });
  return channel;
}

void PeerConnection::apply_data(const jsep::DataPlan &dp) {
  {
    std::lock_guard<std::mutex> guard(lock_);
    ensure_sctp_locked();
  }
  if (!sctp_) {
    GST_ELEMENT_WARNING(bin_, CORE, MISSING_PLUGIN, ("data channels need the rtcsctp plugin"), (nullptr));
    return;
  }
  // Path MTU probing (RFC 8899) beyond one Ethernet frame only towards a
  // peer that said it takes large DTLS datagrams: libwebrtc (Chrome, Safari,
  // most native apps) fails its DTLS transport on any above 2048 bytes.
  const guint max_path_mtu = dp.remote_max_packet_size
                                 ? guint(std::min<std::uint64_t>(*dp.remote_max_packet_size, kSctpMaxPacketSize))
                                 : kSctpSafePathMtu;
  g_object_set(sctp_->enc, "local-sctp-port", guint(dp.local_sctp_port), "remote-max-message-size",
               guint64(dp.remote_max_message_size), "max-path-mtu", max_path_mtu, nullptr);
  if (dp.remote_sctp_port) g_object_set(sctp_->enc, "remote-sctp-port", guint(*dp.remote_sctp_port), nullptr);
  sctp_->transport_mid = dp.transport_mid;
  start_sctp_if_ready();
}

void PeerConnection::start_sctp_if_ready() {
  if (!sctp_ || sctp_->started || sctp_->transport_mid.empty()) return;
  TransportStream *stream = stream_for(sctp_->transport_mid);
  // Linked once the DTLS elements are in the bin (their role is known).
  if (!stream || !stream->started()) return;
  if (!sctp_->linked) {
    GstPad *sink = gst_element_request_pad_simple(stream->dtlsenc(), "data_sink");
    GstPad *src = gst_element_get_static_pad(sctp_->enc, "src");
    GstPad *dsrc = gst_element_get_static_pad(stream->dtlsdec(), "data_src");
    GstPad *dsink = gst_element_get_static_pad(sctp_->dec, "sink");
    const bool ok = sink && src && dsrc && dsink && gst_pad_link(src, sink) == GST_PAD_LINK_OK &&
                    gst_pad_link(dsrc, dsink) == GST_PAD_LINK_OK;
    for (GstPad *p : {sink, src, dsrc, dsink})
      if (p) gst_object_unref(p);
    if (!ok) {
      GST_ELEMENT_ERROR(bin_, CORE, NEGOTIATION, ("could not link the data channel elements"),
                        ("transport %s", sctp_->transport_mid.c_str()));
      return;
    }
    sctp_->linked = true;
    gst_rtc_sctp_transport_set_transport(sctp_->transport, stream->dtls());
  }
  // The association's role follows the DTLS role (RFC 8832 6: the client
  // uses even stream ids). Started now: SCTP packets sent before DTLS is up
  // wait in the DTLS connection.
  g_object_set(sctp_->enc, "is-client", gboolean(stream->dtls_client()), nullptr);
  sctp_->started = true;
  for (GstElement *e : {sctp_->dec, sctp_->enc}) {
    gst_element_set_locked_state(e, FALSE);
    gst_element_sync_state_with_parent(e);
  }
}

GstRtcSctpTransport *PeerConnection::sctp_transport() {
  std::lock_guard<std::mutex> guard(lock_);
  if (!sctp_ || !sctp_->transport) return nullptr;
  return GST_RTC_SCTP_TRANSPORT(gst_object_ref(sctp_->transport));
}

// ---------------------------------------------------------------------------
// Transceivers

namespace {

void on_transceiver_changed(GstRtcRtpTransceiver *, GParamSpec *, gpointer data);
void on_transceiver_stop(GstRtcRtpTransceiver *, gpointer data);

}  // namespace

GstRtcRtpTransceiver *PeerConnection::add_transceiver(GstRtcRtpTransceiverDirection direction, GstCaps *caps) {
  GstRtcRtpTransceiver *result = nullptr;
  std::string kind;
  std::vector<jsep::Codec> codecs = codecs_from_caps(caps, kind);
  if (kind.empty()) {
    refuse(GST_RTC_ERROR_TYPE, "add-transceiver: the caps name no audio or video media");
    return nullptr;
  }
  if (direction == GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE || direction == GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED) {
    refuse(GST_RTC_ERROR_TYPE, "add-transceiver: invalid direction");
    return nullptr;
  }
  ops_.run_sync([&] {
    if (session_.signaling_state() == jsep::SignalingState::Closed) {
      refuse(GST_RTC_ERROR_INVALID_STATE, "add-transceiver on a closed connection");
      return;
    }
    jsep::Transceiver t;
    t.kind = kind;
    t.direction = to_jsep(direction);
    t.codecs = codecs;
    t.has_codec_preferences = !codecs.empty();
    t.reusable_by_remote = false;  // W3C addTransceiver: never taken by a remote offer
    session_.add_transceiver(std::move(t));
    sync_transceivers(nullptr);
    std::lock_guard<std::mutex> guard(lock_);
    result = GST_RTC_RTP_TRANSCEIVER(gst_object_ref(transceivers_.back()));
    gst_rtc_rtp_transceiver_set_direction(result, direction, nullptr);
    if (caps) gst_rtc_rtp_transceiver_set_codec_preferences(result, caps);
  });
  ops_.post([this] { update_negotiation_needed(); });
  return result;
}

void PeerConnection::sync_transceivers(const jsep::Plan *plan) {
  auto &ts = session_.transceivers();
  std::vector<GstRtcRtpTransceiver *> created;
  {
    std::lock_guard<std::mutex> guard(lock_);
    // A rollback removes the transceivers a remote offer made (the last ones).
    while (transceivers_.size() > ts.size()) {
      GstRtcRtpTransceiver *gone = transceivers_.back();
      transceivers_.pop_back();
      g_signal_handlers_disconnect_by_data(gone, this);
      gst_object_unref(gone);
    }
    while (transceivers_.size() < ts.size()) {
      auto *t = GST_RTC_RTP_TRANSCEIVER(g_object_new(GST_RTC_TYPE_RTP_TRANSCEIVER, nullptr));
      gst_object_ref_sink(t);
      gst_rtc_rtp_transceiver_set_kind(t, ts[transceivers_.size()].kind.c_str());
      // W3C RTCRtpSender.dtmf: audio senders have one; it can insert tones
      // once a pad sends audio with telephone-event agreed.
      if (ts[transceivers_.size()].kind == "audio") {
        GstRtcRtpSender *sender = gst_rtc_rtp_transceiver_get_sender(t);
        auto *dtmf = GST_RTC_DTMF_SENDER(gst_object_ref_sink(g_object_new(GST_RTC_TYPE_DTMF_SENDER, nullptr)));
        gst_rtc_rtp_sender_set_dtmf(sender, dtmf);
        gst_object_unref(dtmf);
        gst_object_unref(sender);
      }
      transceivers_.push_back(t);
      created.push_back(t);
    }
  }
  for (size_t i = 0; i < ts.size(); ++i) {
    GstRtcRtpTransceiver *obj = transceivers_[i];
    const auto &t = ts[i];
    gst_rtc_rtp_transceiver_set_mid(obj, t.mid ? t.mid->c_str() : nullptr);
    gst_rtc_rtp_transceiver_set_mlineindex(obj, t.mline ? guint(*t.mline) : GST_RTC_RTP_TRANSCEIVER_MLINE_NONE);
    if (t.current_direction)
      gst_rtc_rtp_transceiver_set_current_direction(
          obj, t.stopped ? GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED : to_gst(*t.current_direction));
    if (std::find(created.begin(), created.end(), obj) != created.end()) {
      if (t.created_by_remote) gst_rtc_rtp_transceiver_set_direction(obj, to_gst(t.direction), nullptr);
      g_signal_connect(obj, "notify::direction", G_CALLBACK(on_transceiver_changed), this);
      g_signal_connect_after(obj, "stop", G_CALLBACK(on_transceiver_stop), this);
    }
    // The senders and receivers use the transport carrying their m-line.
    if (plan) {
      for (const auto &mp : plan->media) {
        if (mp.transceiver != i) continue;
        if (TransportStream *stream = stream_for(mp.transport_mid)) {
          GstRtcRtpSender *sender = gst_rtc_rtp_transceiver_get_sender(obj);
          GstRtcRtpReceiver *receiver = gst_rtc_rtp_transceiver_get_receiver(obj);
          gst_rtc_rtp_sender_set_transport(sender, stream->dtls());
          gst_rtc_rtp_receiver_set_transport(receiver, stream->dtls());
          gst_object_unref(sender);
          gst_object_unref(receiver);
        }
      }
    }
  }
  if (plan) {
    for (size_t idx : plan->new_transceivers)
      if (idx < transceivers_.size()) gst_rtc_peer_bin_emit_new_transceiver(bin_, transceivers_[idx]);
  }
}

namespace {

void on_transceiver_changed(GstRtcRtpTransceiver *t, GParamSpec *, gpointer data) {
  auto *self = static_cast<PeerConnection *>(data);
  self->transceiver_changed(t);
}

void on_transceiver_stop(GstRtcRtpTransceiver *t, gpointer data) {
  auto *self = static_cast<PeerConnection *>(data);
  self->transceiver_changed(t);
}

}  // namespace

void PeerConnection::transceiver_changed(GstRtcRtpTransceiver *t) {
  GstRtcRtpTransceiverDirection dir = gst_rtc_rtp_transceiver_get_direction(t);
  const bool stopped = gst_rtc_rtp_transceiver_get_stopped(t);
  gst_object_ref(t);
  ops_.post([this, t, dir, stopped] {
    std::optional<size_t> index;
    {
      std::lock_guard<std::mutex> guard(lock_);
      for (size_t i = 0; i < transceivers_.size(); ++i)
        if (transceivers_[i] == t) index = i;
    }
    if (index && *index < session_.transceivers().size()) {
      auto &st = session_.transceivers()[*index];
      if (stopped)
        st.stopping = true;
      else
        st.direction = to_jsep(dir);
      update_negotiation_needed();
    }
    gst_object_unref(t);
  });
}

static GPtrArray *collect(std::mutex &lock, const std::vector<GstRtcRtpTransceiver *> &ts, int what) {
  std::lock_guard<std::mutex> guard(lock);
  GPtrArray *out = g_ptr_array_new_with_free_func(gst_object_unref);
  for (GstRtcRtpTransceiver *t : ts) {
    if (what == 0)
      g_ptr_array_add(out, gst_object_ref(t));
    else if (what == 1)
      g_ptr_array_add(out, gst_rtc_rtp_transceiver_get_sender(t));
    else
      g_ptr_array_add(out, gst_rtc_rtp_transceiver_get_receiver(t));
  }
  return out;
}

GPtrArray *PeerConnection::transceivers() {
  return collect(lock_, transceivers_, 0);
}
GPtrArray *PeerConnection::senders() {
  return collect(lock_, transceivers_, 1);
}
GPtrArray *PeerConnection::receivers() {
  return collect(lock_, transceivers_, 2);
}

// ---------------------------------------------------------------------------
// Candidates and states

void PeerConnection::add_ice_candidate(guint mline, const gchar *candidate, GstPromise *promise) {
  std::optional<std::string> text;
  if (candidate && *candidate) text = candidate;
  if (promise) gst_promise_ref(promise);
  ops_.post([this, mline, text, promise] {
    auto done = [promise] {
      if (promise) gst_promise_unref(promise);
    };
    if (session_.signaling_state() == jsep::SignalingState::Closed) {
      reject(promise, closed_error());
      return done();
    }
    if (!session_.remote_description()) {
      // W3C: checked before the candidate is looked at.
      reject(promise, g_error_new_literal(GST_RTC_ERROR, GST_RTC_ERROR_INVALID_STATE,
                                          "add-ice-candidate before a remote description"));
      return done();
    }
    std::optional<jsep::Candidate> cand;
    if (text) {
      auto parsed = jsep::parse_candidate(*text);
      if (!parsed.ok()) {
        // W3C: a candidate that cannot be parsed is an OperationError.
        reject(promise, g_error_new(GST_RTC_ERROR, GST_RTC_ERROR_OPERATION, "bad candidate: %s",
                                    parsed.error().describe().c_str()));
        return done();
      }
      cand = parsed.value();
    }
    auto tp = session_.add_remote_candidate(std::nullopt, text ? std::optional<size_t>(mline) : std::nullopt, cand);
    if (!tp.ok()) {
      reject(promise, to_gerror(tp.error()));
      return done();
    }
    if (TransportStream *stream = stream_for(tp->mid)) {
      if (cand) {
        const std::string s = jsep::serialize_candidate(*cand);
        if (remote_candidates_added_[tp->mid].insert(s).second) {
          GError *e = nullptr;
          if (!stream->add_remote_candidate(s.c_str(), &e)) {
            reject(promise, e);
            return done();
          }
        }
      } else if (remote_eoc_.insert(tp->mid).second) {
        stream->add_remote_candidate(nullptr, nullptr);
      }
    }
    // Else the transport starts with the local description and takes the
    // candidate from the remote description then.
    refresh_descriptions();
    if (promise) gst_promise_reply(promise, nullptr);
    done();
  });
}

void PeerConnection::on_candidate(const std::string &mid, std::optional<std::string> candidate) {
  TransportStream *stream = stream_for(mid);
  if (!stream || session_.signaling_state() == jsep::SignalingState::Closed) return;
  stream->record_local_candidate(candidate ? candidate->c_str() : nullptr);
  refresh_descriptions();
  const auto mline = mline_of(mid);
  if (!mline) return;
  // End of candidates is an empty candidate (W3C: the null candidate; a
  // browser's addIceCandidate takes {candidate: ""} for it).
  gst_rtc_peer_bin_emit_ice_candidate(bin_, *mline, candidate ? candidate->c_str() : "");
  update_states();
}

void PeerConnection::on_transport_state(const std::string &mid) {
  if (TransportStream *stream = stream_for(mid)) stream->ice_state_changed();
  start_sctp_if_ready();
  start_media_if_ready();
  update_states();
}

void PeerConnection::update_states() {
  GstRtcIceConnectionState ice;
  GstRtcPeerConnectionState pc;
  GstRtcIceGatheringState gathering;
  const bool closed = session_.signaling_state() == jsep::SignalingState::Closed;
  if (closed) {
    ice = GST_RTC_ICE_CONNECTION_STATE_CLOSED;
    pc = GST_RTC_PEER_CONNECTION_STATE_CLOSED;
    gathering = ice_gathering_state();
  } else {
    size_t n = 0, ice_new = 0, ice_checking = 0, ice_connected = 0, ice_completed = 0, ice_failed = 0,
           ice_disconnected = 0, dtls_new = 0, dtls_connecting = 0, dtls_connected = 0, dtls_failed = 0;
    size_t g_new = 0, g_gathering = 0, g_complete = 0;
    for (const auto &s : streams_) {
      ++n;
      switch (gst_rtc_ice_transport_get_state(s->ice())) {
        case GST_RTC_ICE_TRANSPORT_STATE_NEW: ++ice_new; break;
        case GST_RTC_ICE_TRANSPORT_STATE_CHECKING: ++ice_checking; break;
        case GST_RTC_ICE_TRANSPORT_STATE_CONNECTED: ++ice_connected; break;
        case GST_RTC_ICE_TRANSPORT_STATE_COMPLETED: ++ice_completed; break;
        case GST_RTC_ICE_TRANSPORT_STATE_FAILED: ++ice_failed; break;
        case GST_RTC_ICE_TRANSPORT_STATE_DISCONNECTED: ++ice_disconnected; break;
        case GST_RTC_ICE_TRANSPORT_STATE_CLOSED: break;
      }
      switch (gst_rtc_dtls_transport_get_state(s->dtls())) {
        case GST_RTC_DTLS_TRANSPORT_STATE_NEW: ++dtls_new; break;
        case GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING: ++dtls_connecting; break;
        case GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED: ++dtls_connected; break;
        case GST_RTC_DTLS_TRANSPORT_STATE_FAILED: ++dtls_failed; break;
        case GST_RTC_DTLS_TRANSPORT_STATE_CLOSED: break;
      }
      // Complete once its end-of-candidates was handled here, so that the
      // local description holds every candidate when the state says so.
      if (s->gathering_complete())
        ++g_complete;
      else if (gst_rtc_ice_transport_get_gathering_state(s->ice()) == GST_RTC_ICE_GATHERING_STATE_NEW)
        ++g_new;
      else
        ++g_gathering;
    }
    // W3C RTCIceConnectionState / RTCPeerConnectionState / RTCIceGatheringState.
    if (ice_failed)
      ice = GST_RTC_ICE_CONNECTION_STATE_FAILED;
    else if (ice_disconnected)
      ice = GST_RTC_ICE_CONNECTION_STATE_DISCONNECTED;
    else if (ice_new == n)  // also: no transport yet
      ice = GST_RTC_ICE_CONNECTION_STATE_NEW;
    else if (ice_new + ice_checking > 0)
      ice = GST_RTC_ICE_CONNECTION_STATE_CHECKING;
    else if (ice_completed == n)
      ice = GST_RTC_ICE_CONNECTION_STATE_COMPLETED;
    else
      ice = GST_RTC_ICE_CONNECTION_STATE_CONNECTED;

    if (ice_failed || dtls_failed)
      pc = GST_RTC_PEER_CONNECTION_STATE_FAILED;
    else if (ice_disconnected)
      pc = GST_RTC_PEER_CONNECTION_STATE_DISCONNECTED;
    else if (n == 0 || (ice_new == n && dtls_new == n))
      pc = GST_RTC_PEER_CONNECTION_STATE_NEW;
    else if (ice_new + ice_checking + dtls_new + dtls_connecting > 0)
      pc = GST_RTC_PEER_CONNECTION_STATE_CONNECTING;
    else
      pc = GST_RTC_PEER_CONNECTION_STATE_CONNECTED;
    (void)dtls_connected;

    if (g_gathering)
      gathering = GST_RTC_ICE_GATHERING_STATE_GATHERING;
    else if (n > 0 && g_complete == n)
      gathering = GST_RTC_ICE_GATHERING_STATE_COMPLETE;
    else if (g_complete > 0)
      gathering = GST_RTC_ICE_GATHERING_STATE_GATHERING;
    else
      gathering = GST_RTC_ICE_GATHERING_STATE_NEW;
  }
  // Events are handled after the fact, so a transport may have passed a
  // state by the time it is looked at (gathering -> complete within a
  // millisecond): the W3C sequences keep their intermediate step.
  if (gathering == GST_RTC_ICE_GATHERING_STATE_COMPLETE)
    set_state(ice_gathering_state_, GST_RTC_ICE_GATHERING_STATE_NEW, GST_RTC_ICE_GATHERING_STATE_GATHERING,
              PeerProp::IceGatheringState);
  set_state(ice_gathering_state_, gathering, gathering, PeerProp::IceGatheringState);
  if (ice == GST_RTC_ICE_CONNECTION_STATE_CONNECTED || ice == GST_RTC_ICE_CONNECTION_STATE_COMPLETED)
    set_state(ice_connection_state_, GST_RTC_ICE_CONNECTION_STATE_NEW, GST_RTC_ICE_CONNECTION_STATE_CHECKING,
              PeerProp::IceConnectionState);
  set_state(ice_connection_state_, ice, ice, PeerProp::IceConnectionState);
  if (pc == GST_RTC_PEER_CONNECTION_STATE_CONNECTED)
    set_state(connection_state_, GST_RTC_PEER_CONNECTION_STATE_NEW, GST_RTC_PEER_CONNECTION_STATE_CONNECTING,
              PeerProp::ConnectionState);
  set_state(connection_state_, pc, pc, PeerProp::ConnectionState);
}

template <class E>
void PeerConnection::set_state(E &field, E from, E to, PeerProp prop) {
  // `from == to`: from any other state.
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (field == to || (from != to && field != from)) return;
    field = to;
  }
  gst_rtc_peer_bin_notify(bin_, prop);
}

void PeerConnection::refresh_descriptions() {
  DescriptionCache c;
  if (const auto &d = session_.current_local()) c.current_local = local_sdp_with_candidates(*d);
  if (const auto &d = session_.pending_local()) c.pending_local = local_sdp_with_candidates(*d);
  if (const auto &d = session_.current_remote()) c.current_remote = jsep::serialize_sdp(*d);
  if (const auto &d = session_.pending_remote()) c.pending_remote = jsep::serialize_sdp(*d);
  // Types: a current description is the answer of the last exchange or the
  // offer it answered; pending ones are what the state says.
  const auto st = session_.signaling_state();
  c.pending_local_type = st == jsep::SignalingState::HaveLocalPrAnswer ? jsep::SdpType::PrAnswer : jsep::SdpType::Offer;
  c.pending_remote_type =
      st == jsep::SignalingState::HaveRemotePrAnswer ? jsep::SdpType::PrAnswer : jsep::SdpType::Offer;
  c.current_local_type = local_was_offerer_ ? jsep::SdpType::Offer : jsep::SdpType::Answer;
  c.current_remote_type = local_was_offerer_ ? jsep::SdpType::Answer : jsep::SdpType::Offer;
  if (const jsep::SessionDescription *r = session_.remote_description()) {
    bool trickle = std::find(r->attrs.ice_options.begin(), r->attrs.ice_options.end(), "trickle") !=
                   r->attrs.ice_options.end();
    for (const auto &m : r->media)
      if (std::find(m.attrs.ice_options.begin(), m.attrs.ice_options.end(), "trickle") != m.attrs.ice_options.end())
        trickle = true;
    c.can_trickle = trickle ? GST_RTC_TRISTATE_TRUE : GST_RTC_TRISTATE_FALSE;
  }
  bool state_changed;
  {
    std::lock_guard<std::mutex> guard(lock_);
    descriptions_ = std::move(c);
    state_changed = signaling_state_ != to_gst(st);
    signaling_state_ = to_gst(st);
  }
  gst_rtc_peer_bin_notify(bin_, PeerProp::Descriptions);
  if (state_changed) gst_rtc_peer_bin_notify(bin_, PeerProp::SignalingState);
}

void PeerConnection::update_negotiation_needed() {
  // W3C "update the negotiation-needed flag": only in stable (re-checked
  // when negotiation ends), fired once per need, after the operations
  // queued so far.
  if (session_.signaling_state() != jsep::SignalingState::Stable) return;
  if (!session_.negotiation_needed()) {
    negotiation_needed_ = false;
    return;
  }
  if (negotiation_needed_) return;
  negotiation_needed_ = true;
  ops_.post([this] {
    if (!negotiation_needed_ || session_.signaling_state() != jsep::SignalingState::Stable ||
        !session_.negotiation_needed())
      return;
    gst_rtc_peer_bin_emit_negotiation_needed(bin_);
  });
}

// ---------------------------------------------------------------------------
// Close and shutdown

void PeerConnection::close() {
  ops_.run_sync([this] { do_close(); });
}

void PeerConnection::do_close() {
  if (session_.signaling_state() == jsep::SignalingState::Closed) return;
  {
    std::lock_guard<std::mutex> guard(lock_);
    closed_ = true;
  }
  session_.close();
  negotiation_needed_ = false;
  // SCTP first (its ABORT/SHUTDOWN leaves through DTLS), then DTLS
  // (close_notify) and ICE.
  std::unique_ptr<SctpStream> sctp;
  std::vector<GstRtcDataChannel *> channels;
  {
    std::lock_guard<std::mutex> guard(lock_);
    sctp = std::move(sctp_);
    channels.swap(channels_);
  }
  for (auto *c : channels) {
    // W3C close(): every channel is closed, without events of its own.
    gst_rtc_data_channel_set_ready_state(c, GST_RTC_DATA_CHANNEL_STATE_CLOSED);
    g_object_unref(c);
  }
  if (sctp) {
    for (GstElement *e : {sctp->enc, sctp->dec}) {
      gst_element_set_locked_state(e, TRUE);
      gst_element_set_state(e, GST_STATE_NULL);
      if (GST_OBJECT_PARENT(e) == GST_OBJECT(bin_)) gst_bin_remove(GST_BIN(bin_), e);
    }
    if (sctp->transport) gst_rtc_sctp_transport_set_state(sctp->transport, GST_RTC_SCTP_TRANSPORT_STATE_CLOSED);
  }
  teardown_media();
  for (auto &s : streams_) {
    s->teardown();
    gst_rtc_ice_transport_set_state(s->ice(), GST_RTC_ICE_TRANSPORT_STATE_CLOSED);
    if (gst_rtc_dtls_transport_get_state(s->dtls()) != GST_RTC_DTLS_TRANSPORT_STATE_FAILED)
      gst_rtc_dtls_transport_set_state(s->dtls(), GST_RTC_DTLS_TRANSPORT_STATE_CLOSED);
  }
  streams_.clear();
  {
    std::lock_guard<std::mutex> guard(lock_);
    for (auto *t : transceivers_) {
      g_signal_handlers_disconnect_by_data(t, this);
      gst_rtc_rtp_transceiver_set_current_direction(t, GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED);
    }
  }
  refresh_descriptions();
  update_states();
}

void PeerConnection::shutdown() {
  ops_.run_sync([this] { do_close(); });
  ops_.shutdown();
  std::lock_guard<std::mutex> guard(lock_);
  for (auto *t : transceivers_) {
    g_signal_handlers_disconnect_by_data(t, this);
    gst_object_unref(t);
  }
  transceivers_.clear();
}

// ---------------------------------------------------------------------------
// Property reads

GstRtcPeerConnectionState PeerConnection::connection_state() {
  std::lock_guard<std::mutex> guard(lock_);
  return connection_state_;
}
GstRtcIceConnectionState PeerConnection::ice_connection_state() {
  std::lock_guard<std::mutex> guard(lock_);
  return ice_connection_state_;
}
GstRtcIceGatheringState PeerConnection::ice_gathering_state() {
  std::lock_guard<std::mutex> guard(lock_);
  return ice_gathering_state_;
}
GstRtcSignalingState PeerConnection::signaling_state() {
  std::lock_guard<std::mutex> guard(lock_);
  return signaling_state_;
}
GstRtcTristate PeerConnection::can_trickle() {
  std::lock_guard<std::mutex> guard(lock_);
  return descriptions_.can_trickle;
}

GstRtcSessionDescription *PeerConnection::description(Which which) {
  std::optional<std::string> text;
  jsep::SdpType type = jsep::SdpType::Offer;
  {
    std::lock_guard<std::mutex> guard(lock_);
    const auto &d = descriptions_;
    switch (which) {
      case Which::Local:
        text = d.pending_local ? d.pending_local : d.current_local;
        type = d.pending_local ? d.pending_local_type : d.current_local_type;
        break;
      case Which::CurrentLocal: text = d.current_local; type = d.current_local_type; break;
      case Which::PendingLocal: text = d.pending_local; type = d.pending_local_type; break;
      case Which::Remote:
        text = d.pending_remote ? d.pending_remote : d.current_remote;
        type = d.pending_remote ? d.pending_remote_type : d.current_remote_type;
        break;
      case Which::CurrentRemote: text = d.current_remote; type = d.current_remote_type; break;
      case Which::PendingRemote: text = d.pending_remote; type = d.pending_remote_type; break;
    }
  }
  if (!text) return nullptr;
  GstSDPMessage *msg = nullptr;
  gst_sdp_message_new_from_text(text->c_str(), &msg);
  return gst_rtc_session_description_new(to_gst(type), msg);
}

}  // namespace gst_rtc::peer
