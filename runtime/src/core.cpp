#include <imhooks/detail/core.h>
#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/instance.h>

namespace imhooks::detail {

namespace {
// The waker calls in flight on this thread, and for which runtime: a waker that destroys its own
// runtime must not wait for itself.
constinit thread_local const Core* t_waker_core = nullptr;
constinit thread_local std::size_t t_waker_depth = 0;
}  // namespace

void Core::post(std::shared_ptr<Updatable> update) {
    {
        std::lock_guard lock(mutex_);
        // Under the lock: close_queue() empties the queue after setting queue_closed_, so an
        // update either lands before (and is discarded with the queue) or is refused here; none
        // is left in a dead queue holding this core alive.
        if (queue_closed_ || closed()) return;
        queue_.push_back(std::move(update));
    }
    request_frame();
}

void Core::enqueue(const std::shared_ptr<Updatable>& update) {
    std::lock_guard lock(mutex_);
    if (closed()) return;
    queue_.push_back(update);
}

void Core::request_frame() {
    // A request from a component's body or effect on the UI thread counts towards that
    // component's run of consecutive frames (a render loop is reported).
    if (Instance* requester = t_current_instance ? t_current_instance : t_effect_instance)
        [[unlikely]]
        note_frame_request(*requester, *this);
    // The burst already woke the UI. Looked at before it is written: a stream of values asks for
    // a frame millions of times a second, and a read leaves the flag's cache line shared.
    if (dirty_.load(std::memory_order_acquire) || dirty_.exchange(true, std::memory_order_acq_rel))
        return;
    notify_waiters();
    call_waker();
}

void Core::notify_waiters() {
    {
        // Under the lock: a waiter reads wake_seq_ before it looks at needs_frame(), and waits only
        // while wake_seq_ is unchanged, so no notification falls between its look and its wait.
        std::lock_guard lock(mutex_);
        ++wake_seq_;
    }
    wake_cv_.notify_all();
}

bool Core::needs_frame() const {
    if (dirty_.load(std::memory_order_acquire) || extra_frames_.load(std::memory_order_relaxed) > 0)
        return true;
    const std::int64_t timed = timed_frame_ns_.load(std::memory_order_relaxed);
    return timed != kNoTimedFrame && timed <= now().time_since_epoch().count();
}

void Core::call_waker() {
    std::shared_ptr<const std::function<void()>> waker;
    {
        std::lock_guard lock(waker_mutex_);
        if (!waker_) return;
        waker = waker_;
        ++waker_calls_;
    }
    // Kept alive by our reference while it runs: the waker may destroy its runtime.
    const std::shared_ptr<Core> self = shared_from_this();
    wakes_.fetch_add(1, std::memory_order_relaxed);
    const Core* outer_core = t_waker_core;
    const std::size_t outer_depth = t_waker_depth;
    t_waker_core = this;
    t_waker_depth = outer_core == this ? outer_depth + 1 : 1;
    try {
        (*waker)();
    } catch (...) {
        if (!waker_failed_.exchange(true, std::memory_order_relaxed))
            report_error("the waker threw (reported once, later calls go on)",
                         std::current_exception());
    }
    t_waker_core = outer_core;
    t_waker_depth = outer_depth;
    {
        std::lock_guard lock(waker_mutex_);
        --waker_calls_;
        waker_cv_.notify_all();
    }
    // `waker` goes last, outside the lock: it may be the only reference left to a waker that was
    // replaced while it ran, and its captures' destructors are user code.
}

void Core::set_waker(std::function<void()> waker) {
    auto next = waker ? std::make_shared<const std::function<void()>>(std::move(waker)) : nullptr;
    std::shared_ptr<const std::function<void()>> previous;
    {
        std::lock_guard lock(waker_mutex_);
        previous = std::exchange(waker_, std::move(next));
        waker_failed_.store(false, std::memory_order_relaxed);
    }
    // `previous` is destroyed here, outside the lock (or by a call still running it).
}

void Core::clear_waker() {
    std::shared_ptr<const std::function<void()>> previous;
    {
        std::unique_lock lock(waker_mutex_);
        previous = std::move(waker_);
        waker_ = nullptr;
        const std::size_t own = t_waker_core == this ? t_waker_depth : 0;
        waker_cv_.wait(lock, [&] { return waker_calls_ <= own; });
    }
}

std::deque<std::shared_ptr<Updatable>> Core::close_queue() {
    std::deque<std::shared_ptr<Updatable>> discarded;
    std::lock_guard lock(mutex_);
    queue_closed_ = true;
    discarded.swap(queue_);
    return discarded;
}

void Core::watch_clock() {
    if (clock_) clock_->watch(shared_from_this());
}

void Core::clock_changed() {
    notify_waiters();
    if (closed()) return;
    const std::int64_t timed = timed_frame_ns_.load(std::memory_order_relaxed);
    // As if real time had passed: a loop that waits for its next timed frame with a real timeout
    // cannot see a manual clock move, so the waker tells it (once the burst's own wake is over).
    if (timed != kNoTimedFrame && timed <= now().time_since_epoch().count() &&
        !dirty_.load(std::memory_order_acquire))
        call_waker();
}

void Core::work_ended() {
    if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // Taking the mutex orders this notify after a waiter's check of active_.
        { std::lock_guard lock(active_mutex_); }
        active_cv_.notify_all();
    }
}

void Core::report_later(std::string component, const char* where, std::exception_ptr error) {
    {
        std::lock_guard lock(mutex_);
        if (!closed()) {
            late_reports_.push_back({std::move(component), where, std::move(error)});
            error = nullptr;
        }
    }
    if (!error) {
        request_frame();
        return;
    }
    const std::string what = "component \"" + component + "\" failed in " + where;
    report_error(what.c_str(), error);
}

}  // namespace imhooks::detail
