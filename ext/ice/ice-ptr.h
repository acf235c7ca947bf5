// RAII owners for the GLib and libnice handles the ICE engine holds, so no
// early-return path leaks or double-frees one (STYLE.md).
#pragma once

#include <glib-object.h>
#include <glib.h>
#include <nice/agent.h>

#include <memory>

#include <gio/gio.h>

namespace gst_rtc::ice {

struct MainContextDeleter {
  void operator()(GMainContext *c) const { g_main_context_unref(c); }
};
using MainContextPtr = std::unique_ptr<GMainContext, MainContextDeleter>;

struct MainLoopDeleter {
  void operator()(GMainLoop *l) const { g_main_loop_unref(l); }
};
using MainLoopPtr = std::unique_ptr<GMainLoop, MainLoopDeleter>;

struct SourceDeleter {
  void operator()(GSource *s) const { g_source_unref(s); }
};
using SourcePtr = std::unique_ptr<GSource, SourceDeleter>;

struct AgentDeleter {
  void operator()(NiceAgent *a) const { g_object_unref(a); }
};
using AgentPtr = std::unique_ptr<NiceAgent, AgentDeleter>;

struct CandidateDeleter {
  void operator()(NiceCandidate *c) const { nice_candidate_free(c); }
};
using NiceCandidatePtr = std::unique_ptr<NiceCandidate, CandidateDeleter>;

struct ObjectDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};
using CancellablePtr = std::unique_ptr<GCancellable, ObjectDeleter>;

struct GFreeDeleter {
  void operator()(gchar *p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

// A GSList of NiceCandidate* as returned by nice_agent_get_local_candidates.
struct CandidateListDeleter {
  void operator()(GSList *l) const {
    g_slist_free_full(l, reinterpret_cast<GDestroyNotify>(nice_candidate_free));
  }
};
using CandidateListPtr = std::unique_ptr<GSList, CandidateListDeleter>;

}  // namespace gst_rtc::ice
