/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The W3C enumerations. Every value's nick is the W3C string ("have-local-offer",
 * "max-bundle", ...), so g_enum_get_value_by_nick() and gst-launch property
 * strings use the names a WebRTC developer knows.
 */
#pragma once

#include <gst/rtc/rtc-prelude.h>

G_BEGIN_DECLS

/**
 * GstRtcSdpType:
 * @GST_RTC_SDP_TYPE_OFFER: an offer
 * @GST_RTC_SDP_TYPE_PRANSWER: a provisional answer
 * @GST_RTC_SDP_TYPE_ANSWER: a final answer
 * @GST_RTC_SDP_TYPE_ROLLBACK: roll back the pending offer; carries no SDP
 *
 * The W3C `RTCSdpType`. Values start at 1, as webrtcbin's do.
 */
typedef enum {
  GST_RTC_SDP_TYPE_OFFER = 1,
  GST_RTC_SDP_TYPE_PRANSWER,
  GST_RTC_SDP_TYPE_ANSWER,
  GST_RTC_SDP_TYPE_ROLLBACK,
} GstRtcSdpType;

/**
 * GstRtcPeerConnectionState:
 * @GST_RTC_PEER_CONNECTION_STATE_NEW: no transport has started
 * @GST_RTC_PEER_CONNECTION_STATE_CONNECTING: a transport is connecting
 * @GST_RTC_PEER_CONNECTION_STATE_CONNECTED: every transport is connected
 * @GST_RTC_PEER_CONNECTION_STATE_DISCONNECTED: a transport lost connectivity
 * @GST_RTC_PEER_CONNECTION_STATE_FAILED: a transport failed
 * @GST_RTC_PEER_CONNECTION_STATE_CLOSED: the connection was closed
 *
 * The W3C `RTCPeerConnectionState`.
 */
typedef enum {
  GST_RTC_PEER_CONNECTION_STATE_NEW = 0,
  GST_RTC_PEER_CONNECTION_STATE_CONNECTING,
  GST_RTC_PEER_CONNECTION_STATE_CONNECTED,
  GST_RTC_PEER_CONNECTION_STATE_DISCONNECTED,
  GST_RTC_PEER_CONNECTION_STATE_FAILED,
  GST_RTC_PEER_CONNECTION_STATE_CLOSED,
} GstRtcPeerConnectionState;

/**
 * GstRtcIceConnectionState:
 * @GST_RTC_ICE_CONNECTION_STATE_NEW: no ICE transport is checking
 * @GST_RTC_ICE_CONNECTION_STATE_CHECKING: an ICE transport is checking pairs
 * @GST_RTC_ICE_CONNECTION_STATE_CONNECTED: every ICE transport has a usable pair
 * @GST_RTC_ICE_CONNECTION_STATE_COMPLETED: every ICE transport finished checking
 * @GST_RTC_ICE_CONNECTION_STATE_FAILED: an ICE transport failed
 * @GST_RTC_ICE_CONNECTION_STATE_DISCONNECTED: an ICE transport lost connectivity
 * @GST_RTC_ICE_CONNECTION_STATE_CLOSED: the connection was closed
 *
 * The W3C `RTCIceConnectionState`.
 */
typedef enum {
  GST_RTC_ICE_CONNECTION_STATE_NEW = 0,
  GST_RTC_ICE_CONNECTION_STATE_CHECKING,
  GST_RTC_ICE_CONNECTION_STATE_CONNECTED,
  GST_RTC_ICE_CONNECTION_STATE_COMPLETED,
  GST_RTC_ICE_CONNECTION_STATE_FAILED,
  GST_RTC_ICE_CONNECTION_STATE_DISCONNECTED,
  GST_RTC_ICE_CONNECTION_STATE_CLOSED,
} GstRtcIceConnectionState;

/**
 * GstRtcIceGatheringState:
 * @GST_RTC_ICE_GATHERING_STATE_NEW: gathering has not started
 * @GST_RTC_ICE_GATHERING_STATE_GATHERING: candidates are being gathered
 * @GST_RTC_ICE_GATHERING_STATE_COMPLETE: gathering finished
 *
 * The W3C `RTCIceGatheringState`.
 */
typedef enum {
  GST_RTC_ICE_GATHERING_STATE_NEW = 0,
  GST_RTC_ICE_GATHERING_STATE_GATHERING,
  GST_RTC_ICE_GATHERING_STATE_COMPLETE,
} GstRtcIceGatheringState;

/**
 * GstRtcSignalingState:
 * @GST_RTC_SIGNALING_STATE_STABLE: no offer/answer exchange is in progress
 * @GST_RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER: a local offer was applied
 * @GST_RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER: a remote offer was applied
 * @GST_RTC_SIGNALING_STATE_HAVE_LOCAL_PRANSWER: a local provisional answer was applied
 * @GST_RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER: a remote provisional answer was applied
 * @GST_RTC_SIGNALING_STATE_CLOSED: the connection was closed
 *
 * The W3C `RTCSignalingState`. The values equal the JSEP core's
 * `SignalingState`.
 */
typedef enum {
  GST_RTC_SIGNALING_STATE_STABLE = 0,
  GST_RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER,
  GST_RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER,
  GST_RTC_SIGNALING_STATE_HAVE_LOCAL_PRANSWER,
  GST_RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER,
  GST_RTC_SIGNALING_STATE_CLOSED,
} GstRtcSignalingState;

/**
 * GstRtcBundlePolicy:
 * @GST_RTC_BUNDLE_POLICY_BALANCED: one transport per media kind
 * @GST_RTC_BUNDLE_POLICY_MAX_COMPAT: one transport per m-line
 * @GST_RTC_BUNDLE_POLICY_MAX_BUNDLE: one transport for everything
 *
 * The W3C `RTCBundlePolicy`. Unlike webrtcbin there is no "none": the W3C
 * default is balanced.
 */
typedef enum {
  GST_RTC_BUNDLE_POLICY_BALANCED = 0,
  GST_RTC_BUNDLE_POLICY_MAX_COMPAT,
  GST_RTC_BUNDLE_POLICY_MAX_BUNDLE,
} GstRtcBundlePolicy;

/**
 * GstRtcIceTransportPolicy:
 * @GST_RTC_ICE_TRANSPORT_POLICY_ALL: use every candidate
 * @GST_RTC_ICE_TRANSPORT_POLICY_RELAY: use only relay (TURN) candidates
 *
 * The W3C `RTCIceTransportPolicy`.
 */
typedef enum {
  GST_RTC_ICE_TRANSPORT_POLICY_ALL = 0,
  GST_RTC_ICE_TRANSPORT_POLICY_RELAY,
} GstRtcIceTransportPolicy;

/**
 * GstRtcRtpTransceiverDirection:
 * @GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE: no direction: the value of
 *   #GstRtcRtpTransceiver:current-direction before the first negotiation
 *   (W3C `null`); never a valid #GstRtcRtpTransceiver:direction
 * @GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV: send and receive
 * @GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY: send only
 * @GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY: receive only
 * @GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE: neither send nor receive
 * @GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED: the transceiver was stopped
 *
 * The W3C `RTCRtpTransceiverDirection`, plus "none" for an unset current
 * direction. The order after "none" is the W3C order and equals the JSEP
 * core's `Direction` plus one (sendrecv, sendonly, recvonly, inactive).
 */
typedef enum {
  GST_RTC_RTP_TRANSCEIVER_DIRECTION_NONE = 0,
  GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
  GST_RTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY,
  GST_RTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY,
  GST_RTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE,
  GST_RTC_RTP_TRANSCEIVER_DIRECTION_STOPPED,
} GstRtcRtpTransceiverDirection;

/**
 * GstRtcDataChannelState:
 * @GST_RTC_DATA_CHANNEL_STATE_CONNECTING: not yet open
 * @GST_RTC_DATA_CHANNEL_STATE_OPEN: open: messages can be sent
 * @GST_RTC_DATA_CHANNEL_STATE_CLOSING: closing down
 * @GST_RTC_DATA_CHANNEL_STATE_CLOSED: closed, or could not be opened
 *
 * The W3C `RTCDataChannelState`.
 */
typedef enum {
  GST_RTC_DATA_CHANNEL_STATE_CONNECTING = 0,
  GST_RTC_DATA_CHANNEL_STATE_OPEN,
  GST_RTC_DATA_CHANNEL_STATE_CLOSING,
  GST_RTC_DATA_CHANNEL_STATE_CLOSED,
} GstRtcDataChannelState;

/**
 * GstRtcDtlsTransportState:
 * @GST_RTC_DTLS_TRANSPORT_STATE_NEW: the handshake has not started
 * @GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING: the handshake is in progress
 * @GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED: the handshake completed and the
 *   remote fingerprint was verified
 * @GST_RTC_DTLS_TRANSPORT_STATE_CLOSED: closed (close_notify sent or received)
 * @GST_RTC_DTLS_TRANSPORT_STATE_FAILED: failed: an alert, a handshake error or
 *   a fingerprint mismatch
 *
 * The W3C `RTCDtlsTransportState`.
 */
typedef enum {
  GST_RTC_DTLS_TRANSPORT_STATE_NEW = 0,
  GST_RTC_DTLS_TRANSPORT_STATE_CONNECTING,
  GST_RTC_DTLS_TRANSPORT_STATE_CONNECTED,
  GST_RTC_DTLS_TRANSPORT_STATE_CLOSED,
  GST_RTC_DTLS_TRANSPORT_STATE_FAILED,
} GstRtcDtlsTransportState;

/**
 * GstRtcIceTransportState:
 * @GST_RTC_ICE_TRANSPORT_STATE_NEW: gathering or waiting for remote candidates
 * @GST_RTC_ICE_TRANSPORT_STATE_CHECKING: checking candidate pairs
 * @GST_RTC_ICE_TRANSPORT_STATE_CONNECTED: a usable pair was found; checks may go on
 * @GST_RTC_ICE_TRANSPORT_STATE_COMPLETED: checking finished with a usable pair
 * @GST_RTC_ICE_TRANSPORT_STATE_FAILED: no usable pair
 * @GST_RTC_ICE_TRANSPORT_STATE_DISCONNECTED: the selected pair stopped working
 * @GST_RTC_ICE_TRANSPORT_STATE_CLOSED: closed
 *
 * The W3C `RTCIceTransportState`.
 */
typedef enum {
  GST_RTC_ICE_TRANSPORT_STATE_NEW = 0,
  GST_RTC_ICE_TRANSPORT_STATE_CHECKING,
  GST_RTC_ICE_TRANSPORT_STATE_CONNECTED,
  GST_RTC_ICE_TRANSPORT_STATE_COMPLETED,
  GST_RTC_ICE_TRANSPORT_STATE_FAILED,
  GST_RTC_ICE_TRANSPORT_STATE_DISCONNECTED,
  GST_RTC_ICE_TRANSPORT_STATE_CLOSED,
} GstRtcIceTransportState;

/**
 * GstRtcIceRole:
 * @GST_RTC_ICE_ROLE_CONTROLLING: the controlling agent (nominates pairs)
 * @GST_RTC_ICE_ROLE_CONTROLLED: the controlled agent
 *
 * The W3C `RTCIceRole` (without "unknown": a transport always has a role).
 */
typedef enum {
  GST_RTC_ICE_ROLE_CONTROLLING = 0,
  GST_RTC_ICE_ROLE_CONTROLLED,
} GstRtcIceRole;

/**
 * GstRtcIceComponent:
 * @GST_RTC_ICE_COMPONENT_RTP: component 1, RTP (and everything when rtcp-mux)
 * @GST_RTC_ICE_COMPONENT_RTCP: component 2, RTCP without rtcp-mux
 *
 * The W3C `RTCIceComponent`.
 */
typedef enum {
  GST_RTC_ICE_COMPONENT_RTP = 0,
  GST_RTC_ICE_COMPONENT_RTCP,
} GstRtcIceComponent;

/**
 * GstRtcSctpTransportState:
 * @GST_RTC_SCTP_TRANSPORT_STATE_CONNECTING: the association is being set up
 * @GST_RTC_SCTP_TRANSPORT_STATE_CONNECTED: the association is up
 * @GST_RTC_SCTP_TRANSPORT_STATE_CLOSED: the association was closed or failed
 *
 * The W3C `RTCSctpTransportState`.
 */
typedef enum {
  GST_RTC_SCTP_TRANSPORT_STATE_CONNECTING = 0,
  GST_RTC_SCTP_TRANSPORT_STATE_CONNECTED,
  GST_RTC_SCTP_TRANSPORT_STATE_CLOSED,
} GstRtcSctpTransportState;

/**
 * GstRtcTristate:
 * @GST_RTC_TRISTATE_UNKNOWN: not known (yet); W3C `null`
 * @GST_RTC_TRISTATE_TRUE: true
 * @GST_RTC_TRISTATE_FALSE: false
 *
 * A nullable boolean, e.g. `can-trickle-ice-candidates`, which is unknown
 * until a remote description was applied.
 */
typedef enum {
  GST_RTC_TRISTATE_UNKNOWN = 0,
  GST_RTC_TRISTATE_TRUE,
  GST_RTC_TRISTATE_FALSE,
} GstRtcTristate;

/**
 * GstRtcPriorityType:
 * @GST_RTC_PRIORITY_TYPE_VERY_LOW: very low
 * @GST_RTC_PRIORITY_TYPE_LOW: low (the default)
 * @GST_RTC_PRIORITY_TYPE_MEDIUM: medium
 * @GST_RTC_PRIORITY_TYPE_HIGH: high
 *
 * The W3C `RTCPriorityType` of a data channel or an encoding. Values start at
 * 1, as webrtcbin's do.
 */
typedef enum {
  GST_RTC_PRIORITY_TYPE_VERY_LOW = 1,
  GST_RTC_PRIORITY_TYPE_LOW,
  GST_RTC_PRIORITY_TYPE_MEDIUM,
  GST_RTC_PRIORITY_TYPE_HIGH,
} GstRtcPriorityType;

/**
 * GstRtcDtlsSetup:
 * @GST_RTC_DTLS_SETUP_NONE: not negotiated yet
 * @GST_RTC_DTLS_SETUP_ACTPASS: either role (offerer)
 * @GST_RTC_DTLS_SETUP_ACTIVE: DTLS client
 * @GST_RTC_DTLS_SETUP_PASSIVE: DTLS server
 *
 * The SDP `a=setup` value (RFC 4145, RFC 5763) a transport negotiated.
 */
typedef enum {
  GST_RTC_DTLS_SETUP_NONE = 0,
  GST_RTC_DTLS_SETUP_ACTPASS,
  GST_RTC_DTLS_SETUP_ACTIVE,
  GST_RTC_DTLS_SETUP_PASSIVE,
} GstRtcDtlsSetup;

GST_RTC_API
const gchar *gst_rtc_sdp_type_to_string(GstRtcSdpType type);

GST_RTC_API
const gchar *gst_rtc_enum_to_string(GType enum_type, gint value);

G_END_DECLS
