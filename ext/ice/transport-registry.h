// transport-id -> GstRtcNiceTransport, weakly held: elements of one process
// that name the same id share one transport (the gst-launch path), and the
// transport goes away with the last element or application ref.
#pragma once

#include "gstrtcnicetransport.h"

// Returns (transfer full) the live transport registered under `id`. When
// there is none, registers `candidate` (if not NULL) or a new transport
// and returns that.
GstRtcNiceTransport *gst_rtc_nice_transport_registry_get(const gchar *id, GstRtcNiceTransport *candidate);
