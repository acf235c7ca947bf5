/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/rtc/ice-transport.h>

#include <gst/rtc/rtc-enumtypes.h>
#include <gst/rtc/rtc-error.h>

#include "rtc-private.h"

#define GST_CAT_DEFAULT gst_rtc_lib_debug

using namespace gst_rtc::lib;

/**
 * GstRtcIceTransport:
 *
 * The W3C `RTCIceTransport`: one ICE component's connectivity. This base
 * class holds the state and emits the signals; the ICE plugin subclasses it
 * and implements the #GstRtcIceTransportClass methods. Read-only properties
 * change through the gst_rtc_ice_transport_set_*() functions meant for
 * implementations, and every change is a `notify`.
 */

namespace {

struct IceTransportImpl {
  std::mutex lock;
  GstRtcIceTransportState state = GST_RTC_ICE_TRANSPORT_STATE_NEW;
  GstRtcIceGatheringState gathering_state = GST_RTC_ICE_GATHERING_STATE_NEW;
  GstRtcIceRole role = GST_RTC_ICE_ROLE_CONTROLLED;
  GstRtcIceComponent component = GST_RTC_ICE_COMPONENT_RTP;
  StructureBox selected_pair;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_GATHERING_STATE,
  PROP_ROLE,
  PROP_COMPONENT,
  PROP_SELECTED_CANDIDATE_PAIR,
  N_PROPS
};
enum { SIGNAL_ON_SELECTED_CANDIDATE_PAIR_CHANGE, SIGNAL_ON_NEW_CANDIDATE, N_SIGNALS };

GParamSpec *props[N_PROPS];
guint signals[N_SIGNALS];

}  // namespace

typedef struct {
  IceTransportImpl *impl;
} GstRtcIceTransportPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(GstRtcIceTransport, gst_rtc_ice_transport, GST_TYPE_OBJECT)

static IceTransportImpl *impl_of(GstRtcIceTransport *self) {
  return static_cast<GstRtcIceTransportPrivate *>(gst_rtc_ice_transport_get_instance_private(self))->impl;
}

static void gst_rtc_ice_transport_init(GstRtcIceTransport *self) {
  static_cast<GstRtcIceTransportPrivate *>(gst_rtc_ice_transport_get_instance_private(self))->impl =
      new IceTransportImpl();
}

static void gst_rtc_ice_transport_finalize(GObject *object) {
  delete impl_of(GST_RTC_ICE_TRANSPORT(object));
  G_OBJECT_CLASS(gst_rtc_ice_transport_parent_class)->finalize(object);
}

static void gst_rtc_ice_transport_set_property(GObject *object, guint prop_id, const GValue *value,
                                               GParamSpec *pspec) {
  IceTransportImpl *impl = impl_of(GST_RTC_ICE_TRANSPORT(object));
  switch (prop_id) {
    case PROP_COMPONENT: {
      std::lock_guard<std::mutex> guard(impl->lock);
      impl->component = static_cast<GstRtcIceComponent>(g_value_get_enum(value));
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_ice_transport_get_property(GObject *object, guint prop_id, GValue *value,
                                               GParamSpec *pspec) {
  IceTransportImpl *impl = impl_of(GST_RTC_ICE_TRANSPORT(object));
  std::lock_guard<std::mutex> guard(impl->lock);
  switch (prop_id) {
    case PROP_STATE:
      g_value_set_enum(value, impl->state);
      break;
    case PROP_GATHERING_STATE:
      g_value_set_enum(value, impl->gathering_state);
      break;
    case PROP_ROLE:
      g_value_set_enum(value, impl->role);
      break;
    case PROP_COMPONENT:
      g_value_set_enum(value, impl->component);
      break;
    case PROP_SELECTED_CANDIDATE_PAIR:
      g_value_set_boxed(value, impl->selected_pair.get());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rtc_ice_transport_class_init(GstRtcIceTransportClass *klass) {
  init_debug();
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  gobject_class->finalize = gst_rtc_ice_transport_finalize;
  gobject_class->set_property = gst_rtc_ice_transport_set_property;
  gobject_class->get_property = gst_rtc_ice_transport_get_property;

  /**
   * GstRtcIceTransport:state:
   *
   * The W3C `RTCIceTransport.state`.
   */
  props[PROP_STATE] =
      g_param_spec_enum("state", "State", "The ICE transport state (W3C RTCIceTransportState)",
                        GST_RTC_TYPE_ICE_TRANSPORT_STATE, GST_RTC_ICE_TRANSPORT_STATE_NEW, kReadable);
  /**
   * GstRtcIceTransport:gathering-state:
   *
   * The W3C `RTCIceTransport.gatheringState`.
   */
  props[PROP_GATHERING_STATE] = g_param_spec_enum(
      "gathering-state", "Gathering state", "The candidate gathering state (W3C RTCIceGatheringState)",
      GST_RTC_TYPE_ICE_GATHERING_STATE, GST_RTC_ICE_GATHERING_STATE_NEW, kReadable);
  /**
   * GstRtcIceTransport:role:
   *
   * The W3C `RTCIceTransport.role`: controlling on the offerer's side (unless
   * the remote is ice-lite), controlled otherwise.
   */
  props[PROP_ROLE] = g_param_spec_enum("role", "Role", "The ICE role (W3C RTCIceRole)", GST_RTC_TYPE_ICE_ROLE,
                                       GST_RTC_ICE_ROLE_CONTROLLED, kReadable);
  /**
   * GstRtcIceTransport:component:
   *
   * The W3C `RTCIceTransport.component`, fixed at construction.
   */
  props[PROP_COMPONENT] =
      g_param_spec_enum("component", "Component", "The ICE component (W3C RTCIceComponent)",
                        GST_RTC_TYPE_ICE_COMPONENT, GST_RTC_ICE_COMPONENT_RTP, kConstructOnly);
  /**
   * GstRtcIceTransport:selected-candidate-pair:
   *
   * The W3C `RTCIceTransport.getSelectedCandidatePair()`, or %NULL while
   * there is none. A structure named "candidate-pair" with string fields
   * `local` and `remote` (the candidate attributes, "candidate:..."), as the
   * implementation fills it.
   */
  props[PROP_SELECTED_CANDIDATE_PAIR] =
      g_param_spec_boxed("selected-candidate-pair", "Selected candidate pair",
                         "The selected local/remote candidate pair, NULL while there is none",
                         gst_structure_get_type(), kReadable);
  g_object_class_install_properties(gobject_class, N_PROPS, props);

  /**
   * GstRtcIceTransport::on-selected-candidate-pair-change:
   * @transport: the #GstRtcIceTransport
   *
   * The W3C `selectedcandidatepairchange` event: read
   * #GstRtcIceTransport:selected-candidate-pair for the new pair.
   */
  signals[SIGNAL_ON_SELECTED_CANDIDATE_PAIR_CHANGE] =
      g_signal_new("on-selected-candidate-pair-change", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                   nullptr, nullptr, nullptr, G_TYPE_NONE, 0);
  /**
   * GstRtcIceTransport::on-new-candidate:
   * @transport: the #GstRtcIceTransport
   * @candidate: the new local candidate ("candidate:..."), or %NULL at the end
   *   of gathering
   *
   * A local candidate was gathered (webrtcbin's ICE transport signal of the
   * same name).
   */
  signals[SIGNAL_ON_NEW_CANDIDATE] =
      g_signal_new("on-new-candidate", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, nullptr, nullptr,
                   nullptr, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/**
 * gst_rtc_ice_transport_get_state:
 * @transport: a #GstRtcIceTransport
 *
 * Returns: the current #GstRtcIceTransport:state
 */
GstRtcIceTransportState gst_rtc_ice_transport_get_state(GstRtcIceTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), GST_RTC_ICE_TRANSPORT_STATE_CLOSED);
  IceTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->state;
}

/**
 * gst_rtc_ice_transport_get_gathering_state:
 * @transport: a #GstRtcIceTransport
 *
 * Returns: the current #GstRtcIceTransport:gathering-state
 */
GstRtcIceGatheringState gst_rtc_ice_transport_get_gathering_state(GstRtcIceTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), GST_RTC_ICE_GATHERING_STATE_NEW);
  IceTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->gathering_state;
}

/**
 * gst_rtc_ice_transport_get_role:
 * @transport: a #GstRtcIceTransport
 *
 * Returns: the current #GstRtcIceTransport:role
 */
GstRtcIceRole gst_rtc_ice_transport_get_role(GstRtcIceTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), GST_RTC_ICE_ROLE_CONTROLLED);
  IceTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->role;
}

/**
 * gst_rtc_ice_transport_get_component:
 * @transport: a #GstRtcIceTransport
 *
 * Returns: the #GstRtcIceTransport:component
 */
GstRtcIceComponent gst_rtc_ice_transport_get_component(GstRtcIceTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), GST_RTC_ICE_COMPONENT_RTP);
  IceTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->component;
}

/**
 * gst_rtc_ice_transport_get_selected_candidate_pair:
 * @transport: a #GstRtcIceTransport
 *
 * Returns: (transfer full) (nullable): a copy of
 *   #GstRtcIceTransport:selected-candidate-pair, or %NULL
 */
GstStructure *gst_rtc_ice_transport_get_selected_candidate_pair(GstRtcIceTransport *transport) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), nullptr);
  IceTransportImpl *impl = impl_of(transport);
  std::lock_guard<std::mutex> guard(impl->lock);
  return impl->selected_pair.copy();
}

static gboolean not_implemented(GstRtcIceTransport *transport, const char *what, GError **error) {
  g_set_error(error, GST_RTC_ERROR, GST_RTC_ERROR_NOT_SUPPORTED, "%s does not implement %s",
              G_OBJECT_TYPE_NAME(transport), what);
  return FALSE;
}

/**
 * gst_rtc_ice_transport_gather_candidates:
 * @transport: a #GstRtcIceTransport
 * @error: return location for a #GError, or %NULL
 *
 * Starts gathering local candidates (#GstRtcIceTransport::on-new-candidate).
 *
 * Returns: %TRUE when gathering started; %FALSE with @error set otherwise
 */
gboolean gst_rtc_ice_transport_gather_candidates(GstRtcIceTransport *transport, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), FALSE);
  auto *klass = GST_RTC_ICE_TRANSPORT_GET_CLASS(transport);
  if (!klass->gather_candidates) return not_implemented(transport, "gather-candidates", error);
  return klass->gather_candidates(transport, error);
}

/**
 * gst_rtc_ice_transport_set_local_credentials:
 * @transport: a #GstRtcIceTransport
 * @ufrag: the local ICE username fragment
 * @pwd: the local ICE password
 * @error: return location for a #GError, or %NULL
 *
 * Sets the local credentials; new ones on a running transport are an ICE
 * restart.
 *
 * Returns: %TRUE on success; %FALSE with @error set otherwise
 */
gboolean gst_rtc_ice_transport_set_local_credentials(GstRtcIceTransport *transport, const gchar *ufrag,
                                                     const gchar *pwd, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), FALSE);
  g_return_val_if_fail(ufrag != nullptr && pwd != nullptr, FALSE);
  auto *klass = GST_RTC_ICE_TRANSPORT_GET_CLASS(transport);
  if (!klass->set_local_credentials) return not_implemented(transport, "set-local-credentials", error);
  return klass->set_local_credentials(transport, ufrag, pwd, error);
}

/**
 * gst_rtc_ice_transport_set_remote_credentials:
 * @transport: a #GstRtcIceTransport
 * @ufrag: the remote ICE username fragment
 * @pwd: the remote ICE password
 * @error: return location for a #GError, or %NULL
 *
 * Sets the remote credentials from the remote description.
 *
 * Returns: %TRUE on success; %FALSE with @error set otherwise
 */
gboolean gst_rtc_ice_transport_set_remote_credentials(GstRtcIceTransport *transport, const gchar *ufrag,
                                                      const gchar *pwd, GError **error) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), FALSE);
  g_return_val_if_fail(ufrag != nullptr && pwd != nullptr, FALSE);
  auto *klass = GST_RTC_ICE_TRANSPORT_GET_CLASS(transport);
  if (!klass->set_remote_credentials) return not_implemented(transport, "set-remote-credentials", error);
  return klass->set_remote_credentials(transport, ufrag, pwd, error);
}

/**
 * gst_rtc_ice_transport_add_remote_candidate:
 * @transport: a #GstRtcIceTransport
 * @candidate: (nullable): the remote candidate ("candidate:..." with or
 *   without "a="), or %NULL for end-of-candidates
 * @error: return location for a #GError, or %NULL
 *
 * Adds a remote candidate. A malformed one fails with %GST_RTC_ERROR_SYNTAX
 * (or %GST_RTC_ERROR_OPERATION when the implementation cannot use it).
 *
 * Returns: %TRUE on success; %FALSE with @error set otherwise
 */
gboolean gst_rtc_ice_transport_add_remote_candidate(GstRtcIceTransport *transport, const gchar *candidate,
                                                    GError **error) {
  g_return_val_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport), FALSE);
  auto *klass = GST_RTC_ICE_TRANSPORT_GET_CLASS(transport);
  if (!klass->add_remote_candidate) return not_implemented(transport, "add-remote-candidate", error);
  return klass->add_remote_candidate(transport, candidate, error);
}

/**
 * gst_rtc_ice_transport_set_state:
 * @transport: a #GstRtcIceTransport
 * @state: the new state
 *
 * For implementations: sets #GstRtcIceTransport:state and notifies when it
 * changed.
 */
void gst_rtc_ice_transport_set_state(GstRtcIceTransport *transport, GstRtcIceTransportState state) {
  g_return_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->state, state)) {
    GST_DEBUG_OBJECT(transport, "state %s", gst_rtc_enum_to_string(GST_RTC_TYPE_ICE_TRANSPORT_STATE, state));
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_STATE]);
  }
}

/**
 * gst_rtc_ice_transport_set_gathering_state:
 * @transport: a #GstRtcIceTransport
 * @state: the new gathering state
 *
 * For implementations: sets #GstRtcIceTransport:gathering-state and notifies
 * when it changed.
 */
void gst_rtc_ice_transport_set_gathering_state(GstRtcIceTransport *transport, GstRtcIceGatheringState state) {
  g_return_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->gathering_state, state)) {
    GST_DEBUG_OBJECT(transport, "gathering state %s",
                     gst_rtc_enum_to_string(GST_RTC_TYPE_ICE_GATHERING_STATE, state));
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_GATHERING_STATE]);
  }
}

/**
 * gst_rtc_ice_transport_set_role:
 * @transport: a #GstRtcIceTransport
 * @role: the new role
 *
 * For implementations (rtcpeerbin decides the role from offer/answer and
 * ice-lite; the ICE plugin follows `notify::role`): sets
 * #GstRtcIceTransport:role and notifies when it changed.
 */
void gst_rtc_ice_transport_set_role(GstRtcIceTransport *transport, GstRtcIceRole role) {
  g_return_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport));
  if (store(impl_of(transport)->lock, impl_of(transport)->role, role))
    g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_ROLE]);
}

/**
 * gst_rtc_ice_transport_set_selected_candidate_pair:
 * @transport: a #GstRtcIceTransport
 * @pair: (nullable): the new pair (copied), or %NULL when there is none
 *
 * For implementations: sets #GstRtcIceTransport:selected-candidate-pair,
 * notifies and emits #GstRtcIceTransport::on-selected-candidate-pair-change
 * when it changed.
 */
void gst_rtc_ice_transport_set_selected_candidate_pair(GstRtcIceTransport *transport,
                                                       const GstStructure *pair) {
  g_return_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport));
  IceTransportImpl *impl = impl_of(transport);
  {
    std::lock_guard<std::mutex> guard(impl->lock);
    const GstStructure *old = impl->selected_pair.get();
    if (old == pair || (old && pair && gst_structure_is_equal(old, pair))) return;
    impl->selected_pair = StructureBox(pair ? gst_structure_copy(pair) : nullptr);
  }
  g_object_notify_by_pspec(G_OBJECT(transport), props[PROP_SELECTED_CANDIDATE_PAIR]);
  g_signal_emit(transport, signals[SIGNAL_ON_SELECTED_CANDIDATE_PAIR_CHANGE], 0);
}

/**
 * gst_rtc_ice_transport_new_candidate:
 * @transport: a #GstRtcIceTransport
 * @candidate: (nullable): the gathered local candidate, or %NULL at the end
 *   of gathering
 *
 * For implementations: emits #GstRtcIceTransport::on-new-candidate.
 */
void gst_rtc_ice_transport_new_candidate(GstRtcIceTransport *transport, const gchar *candidate) {
  g_return_if_fail(GST_RTC_IS_ICE_TRANSPORT(transport));
  g_signal_emit(transport, signals[SIGNAL_ON_NEW_CANDIDATE], 0, candidate);
}
