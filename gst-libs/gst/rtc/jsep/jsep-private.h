// Internal helpers of the JSEP engine, shared by its translation units and
// the unit tests. Not installed; nothing here is part of the contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsep.h"
#include "sdp.h"
#include "text.h"

namespace gst_rtc::jsep::detail {

// ---- text ----------------------------------------------------------------

using text::iequals;
using text::to_lower;
std::optional<int> parse_int(std::string_view s, int min, int max);

// ---- SDP structure ---------------------------------------------------------

bool has_attribute(const MediaDescription &m, std::string_view name);
bool is_bundle_only(const MediaDescription &m);
// The BUNDLE group `mid` belongs to, if any.
const Group *bundle_group_of(const SessionDescription &sdp, const std::optional<std::string> &mid);
std::optional<std::size_t> find_mline(const SessionDescription &sdp, std::string_view mid);
// Port 0 means rejected, except for a bundle-only m-line inside a BUNDLE
// group in an offer and any bundled m-line in an answer (RFC 8843 6, 7.3).
bool is_rejected(const SessionDescription &sdp, std::size_t index, bool is_answer);

bool is_supported_rtp_proto(std::string_view proto);  // DTLS-SRTP profiles only
bool is_av_kind(std::string_view media);              // audio / video
// m=application over DTLS/SCTP with a webrtc-datachannel (or legacy
// "DTLS/SCTP <port>" + a=sctpmap) format.
bool is_supported_data(const MediaDescription &m);
bool is_legacy_data(const MediaDescription &m);
// SCTP port the remote listens on (a=sctp-port, or the legacy format/sctpmap).
std::optional<std::uint16_t> remote_sctp_port(const MediaDescription &m);

// Attributes that may live at the media level, in the BUNDLE-tagged m-line
// or at the session level, resolved in that order (RFC 8843 7.1.3: bundled
// m-lines may omit TRANSPORT and IDENTICAL attributes).
struct TransportAttributes {
  std::optional<std::string> ufrag;
  std::optional<std::string> pwd;
  std::vector<std::string> ice_options;
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  bool rtcp_mux = false;
  bool ice_lite = false;
};
TransportAttributes transport_attributes(const SessionDescription &sdp, std::size_t index, bool is_answer);

// Transports a description implies: one per BUNDLE group (tagged by its
// first live m-line) and one per live m-line outside any group.
struct TransportLayout {
  struct Transport {
    std::size_t tag = 0;  // m-line index owning the transport
    std::vector<std::size_t> lines;
  };
  std::vector<Transport> transports;
  std::vector<std::optional<std::size_t>> line_transport;  // per m-line index
};
TransportLayout transport_layout(const SessionDescription &sdp, bool is_answer);

bool valid_ice_ufrag(std::string_view s);
bool valid_ice_pwd(std::string_view s);

// ---- codecs ----------------------------------------------------------------

// The codec list of an RTP m-line in m= order (rtpmap/fmtp/rtcp-fb, "*"
// feedback applied to every format, static payload types filled in).
std::vector<Codec> codecs_from_media(const MediaDescription &m);
// Writes formats, rtpmap, fmtp and rtcp-fb lines for `codecs` (pts set).
void write_codecs(MediaDescription &m, const std::vector<Codec> &codecs);
std::optional<std::string> codec_param(const Codec &c, std::string_view key);
void set_codec_param(Codec &c, std::string_view key, std::string value);
bool is_rtx(const Codec &c);
std::optional<int> rtx_apt(const Codec &c);
// The primary an rtx entry repairs: the codec its apt names, or else the
// nearest non-rtx codec before it (preference lists before pts exist).
std::optional<std::size_t> rtx_primary(const std::vector<Codec> &codecs, std::size_t rtx_index);
// Same media format (name, clock rate, channels, and the fmtp parameters
// that distinguish formats: H.264 profile + packetization-mode, VP9
// profile-id, AV1 profile, H.265 profile-id/tier). Ignores pts and feedback.
bool same_format(const Codec &a, const Codec &b);
// Answerer side: the common codecs in the offerer's payload types; order
// per `local_order` (see Transceiver::has_codec_preferences). rtx kept only
// when its primary survives; feedback is the intersection.
std::vector<Codec> intersect_codecs(const std::vector<Codec> &offered, const std::vector<Codec> &local,
                                    bool local_order);
// Offerer side: gives every preference a payload type, reusing negotiated
// ones, then the session-wide table, then static ones, then free dynamic
// ones. Updates `table` with what it assigned.
std::vector<Codec> assign_payload_types(const std::vector<Codec> &prefs, const std::vector<Codec> &negotiated,
                                        std::vector<Codec> &table);
void remember_payload_types(std::vector<Codec> &table, const std::vector<Codec> &codecs);
// Preferences reordered as `negotiated` lists the formats, the others after
// (RFC 8829 5.2.2); each rtx stays right after its primary.
std::vector<Codec> order_like(const std::vector<Codec> &prefs, const std::vector<Codec> &negotiated);
// Feedback of codecs that were negotiated limited to what was negotiated.
void keep_negotiated_feedback(std::vector<Codec> &codecs, const std::vector<Codec> &negotiated);

// H.264 profile-level-id (RFC 6184 8.1): profile_idc, profile-iop, level_idc.
struct H264ProfileLevel {
  std::uint8_t profile_idc = 0x42;
  std::uint8_t profile_iop = 0x00;
  std::uint8_t level_idc = 0x0a;
};
std::optional<H264ProfileLevel> parse_h264_profile_level_id(std::string_view hex);
std::string format_h264_profile_level_id(const H264ProfileLevel &pl);
// Names the profile (RFC 6184 table 5): "CB", "B", "M", "E", "H", ... or
// empty when the idc/iop pair is not one of them.
std::string h264_profile(const H264ProfileLevel &pl);
bool h264_same_profile(const H264ProfileLevel &a, const H264ProfileLevel &b);
// Comparable level (level 1b sorts between 1 and 1.1).
int h264_level_rank(const H264ProfileLevel &pl);

// ---- building m-lines (offer.cpp) --------------------------------------------

// ice-ufrag/pwd/options, fingerprints and setup from our configuration.
void add_transport_attributes(MediaDescription &m, const Configuration &config, Setup setup, bool trickle);
// a=msid and a=ssrc / ssrc-group:FID for a sending transceiver.
// a=msid, and a=ssrc lines or, with `rids` (simulcast layers), a=rid ...
// send + a=simulcast:send instead.
void add_send_attributes(MediaDescription &m, const Transceiver &t, const std::vector<std::string> &rids = {});
// Whether the m-line has the RID header extension (one a=extmap).
bool has_rid_extension(const MediaDescription &m);
void add_extmaps(MediaDescription &m, const std::vector<HeaderExtension> &exts);
// m-line that says "rejected" and nothing else: port 0, same media, proto,
// formats and mid.
MediaDescription rejected_media(const MediaDescription &like);

// ---- header extensions -----------------------------------------------------

// extmaps of an m-line plus session-level ones it inherits.
std::vector<HeaderExtension> extensions_from_media(const SessionDescription &sdp, const MediaDescription &m);
std::vector<HeaderExtension> assign_extension_ids(const std::vector<HeaderExtension> &prefs,
                                                  const std::vector<HeaderExtension> &negotiated,
                                                  std::vector<HeaderExtension> &table);
void remember_extension_ids(std::vector<HeaderExtension> &table, const std::vector<HeaderExtension> &exts);

}  // namespace gst_rtc::jsep::detail
