/* gst-rtc: WebRTC for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peer-ops.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

namespace gst_rtc::peer {

struct OpsChain::State {
  std::mutex lock;
  std::deque<std::function<void()>> queue;
  bool stopping = false;
  bool wake_pending = false;
  GMainContext *context = g_main_context_new();
  GMainLoop *loop = g_main_loop_new(context, FALSE);
  GThread *thread = nullptr;  // the running thread, for on_chain()

  ~State() {
    g_main_loop_unref(loop);
    g_main_context_unref(context);
  }

  // Drains the queue in order; runs on the chain's thread.
  static gboolean drain(gpointer data) {
    auto *self = static_cast<State *>(data);
    for (;;) {
      std::function<void()> op;
      {
        std::lock_guard<std::mutex> guard(self->lock);
        if (self->queue.empty()) {
          self->wake_pending = false;
          if (self->stopping) g_main_loop_quit(self->loop);
          return G_SOURCE_REMOVE;
        }
        op = std::move(self->queue.front());
        self->queue.pop_front();
      }
      op();
    }
  }

  void wake_locked() {
    if (wake_pending) return;
    wake_pending = true;
    GSource *source = g_idle_source_new();
    g_source_set_priority(source, G_PRIORITY_DEFAULT);
    g_source_set_callback(source, drain, this, nullptr);
    g_source_attach(source, context);
    g_source_unref(source);
  }
};

namespace {

gpointer chain_main(gpointer data) {
  // The thread owns a reference to the state: it may outlive the OpsChain
  // when the last reference to the bin is dropped by an operation.
  auto *holder = static_cast<std::shared_ptr<OpsChain::State> *>(data);
  std::shared_ptr<OpsChain::State> state = std::move(*holder);
  delete holder;
  g_main_context_push_thread_default(state->context);
  g_main_loop_run(state->loop);
  g_main_context_pop_thread_default(state->context);
  // Operations queued after the loop stopped are destroyed unrun here.
  std::deque<std::function<void()>> rest;
  {
    std::lock_guard<std::mutex> guard(state->lock);
    rest.swap(state->queue);
  }
  return nullptr;
}

}  // namespace

OpsChain::OpsChain() : state_(std::make_shared<State>()) {
  auto *holder = new std::shared_ptr<State>(state_);
  std::lock_guard<std::mutex> guard(state_->lock);
  thread_ = g_thread_new("rtcpeerbin-ops", chain_main, holder);
  state_->thread = thread_;
}

OpsChain::~OpsChain() {
  shutdown();
}

void OpsChain::post(std::function<void()> op) {
  std::lock_guard<std::mutex> guard(state_->lock);
  if (state_->stopping) return;
  state_->queue.push_back(std::move(op));
  state_->wake_locked();
}

bool OpsChain::on_chain() const {
  std::lock_guard<std::mutex> guard(state_->lock);
  return g_thread_self() == state_->thread;
}

GMainContext *OpsChain::context() const {
  return state_->context;
}

void OpsChain::run_sync(std::function<void()> op) {
  if (on_chain()) {
    op();
    return;
  }
  std::mutex done_lock;
  std::condition_variable done_cond;
  bool done = false;
  bool queued = false;
  {
    std::lock_guard<std::mutex> guard(state_->lock);
    if (!state_->stopping) {
      queued = true;
      state_->queue.push_back([&] {
        op();
        std::lock_guard<std::mutex> g(done_lock);
        done = true;
        done_cond.notify_one();
      });
      state_->wake_locked();
    }
  }
  if (!queued) return;
  std::unique_lock<std::mutex> wait(done_lock);
  done_cond.wait(wait, [&] { return done; });
}

void OpsChain::shutdown() {
  GThread *thread = nullptr;
  bool self_join = false;
  {
    std::lock_guard<std::mutex> guard(state_->lock);
    if (!thread_) return;
    state_->stopping = true;
    state_->wake_locked();
    thread = std::exchange(thread_, nullptr);
    self_join = g_thread_self() == state_->thread;
  }
  // The last reference to the bin may be dropped by an operation: the
  // thread cannot join itself, it ends after the current operation.
  if (self_join)
    g_thread_unref(thread);
  else
    g_thread_join(thread);
}

}  // namespace gst_rtc::peer
