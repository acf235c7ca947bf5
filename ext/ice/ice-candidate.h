// Conversions between the JSEP candidate model (our grammar, RFC 8839) and
// libnice's NiceCandidate. Remote strings are always validated by
// jsep::parse_candidate first so libnice never parses hostile input.
#pragma once

#include <nice/agent.h>

#include "candidate.h"
#include "ice-ptr.h"
#include "result.h"

namespace gst_rtc::ice {

// A local (or selected) libnice candidate in JSEP form. TCP active
// candidates get port 9 as RFC 6544 section 4.5 asks for in signalling.
jsep::Candidate from_nice(const NiceCandidate &nc);

// Builds a remote NiceCandidate for `stream_id`. Fails with
// ErrorCode::Operation for what libnice cannot use (component other than 1,
// an address that is not an IP literal, TCP without tcptype) and
// ErrorCode::NotSupported for mDNS (.local) addresses.
jsep::Result<NiceCandidatePtr> to_nice(const jsep::Candidate &c, guint stream_id);

}  // namespace gst_rtc::ice
