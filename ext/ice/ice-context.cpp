#include "ice-context.h"

#include <condition_variable>
#include <mutex>

namespace gst_rtc::ice {

namespace {

std::mutex registry_mutex;
// Weak so that the last shared_ptr holder, not a static, decides the lifetime.
std::weak_ptr<NetworkContext> registry;
std::size_t starts = 0;

}  // namespace

std::shared_ptr<NetworkContext> NetworkContext::acquire() {
  std::lock_guard lock(registry_mutex);
  if (auto live = registry.lock()) return live;
  std::shared_ptr<NetworkContext> ctx(new NetworkContext());
  registry = ctx;
  ++starts;
  return ctx;
}

std::size_t NetworkContext::use_count() {
  std::lock_guard lock(registry_mutex);
  return static_cast<std::size_t>(registry.use_count());
}

std::size_t NetworkContext::start_count() {
  std::lock_guard lock(registry_mutex);
  return starts;
}

NetworkContext::NetworkContext()
    : context_(g_main_context_new()), loop_(g_main_loop_new(context_.get(), FALSE)) {
  // The thread owns the context while it iterates it, so sources attached to
  // it from other threads wake it up and run here.
  thread_ = std::thread([this] {
    g_main_context_push_thread_default(context_.get());
    g_main_loop_run(loop_.get());
    g_main_context_pop_thread_default(context_.get());
  });
  // g_main_loop_quit before run is lost; wait until the loop is running so
  // a quick acquire/release pair cannot hang the join.
  std::mutex m;
  std::condition_variable cv;
  bool running = false;
  SourcePtr idle(g_idle_source_new());
  struct Ping {
    std::mutex *m;
    std::condition_variable *cv;
    bool *running;
  } ping{&m, &cv, &running};
  g_source_set_callback(
      idle.get(),
      [](gpointer data) -> gboolean {
        auto *p = static_cast<Ping *>(data);
        std::lock_guard lock(*p->m);
        *p->running = true;
        p->cv->notify_all();
        return G_SOURCE_REMOVE;
      },
      &ping, nullptr);
  g_source_attach(idle.get(), context_.get());
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return running; });
}

NetworkContext::~NetworkContext() {
  g_main_loop_quit(loop_.get());
  if (thread_.joinable()) thread_.join();
  // The loop and context owners drop whatever sources are still attached.
}

void NetworkContext::invoke_sync(const std::function<void()> &fn) {
  if (is_network_thread()) {
    fn();
    return;
  }
  struct Call {
    const std::function<void()> *fn;
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
  } call{&fn, {}, {}, false};
  SourcePtr src(g_idle_source_new());
  g_source_set_priority(src.get(), G_PRIORITY_DEFAULT);
  g_source_set_callback(
      src.get(),
      [](gpointer data) -> gboolean {
        auto *c = static_cast<Call *>(data);
        (*c->fn)();
        std::lock_guard lock(c->m);
        c->done = true;
        c->cv.notify_all();
        return G_SOURCE_REMOVE;
      },
      &call, nullptr);
  g_source_attach(src.get(), context_.get());
  std::unique_lock lock(call.m);
  call.cv.wait(lock, [&] { return call.done; });
}

}  // namespace gst_rtc::ice
