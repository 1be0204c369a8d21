#include <imhooks/detail/core.h>
#include <imhooks/detail/diagnostics.h>

namespace imhooks::detail {

namespace {
std::int64_t now_ticks() {
    return std::chrono::steady_clock::now().time_since_epoch().count();
}
}  // namespace

void Core::post(std::shared_ptr<Updatable> update) {
    if (closed()) return;
    {
        std::lock_guard lock(mutex_);
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
    if (dirty_.exchange(true, std::memory_order_acq_rel)) return;  // the burst already woke the UI
    {
        // Taking the mutex orders this notify after a waiter's predicate check.
        std::lock_guard lock(mutex_);
    }
    wake_cv_.notify_all();
    call_waker();
}

bool Core::needs_frame() const {
    if (dirty_.load(std::memory_order_acquire) || extra_frames_.load(std::memory_order_relaxed) > 0)
        return true;
    const std::int64_t timed = timed_frame_ns_.load(std::memory_order_relaxed);
    return timed != 0 && timed <= now_ticks();
}

void Core::call_waker() {
    std::lock_guard lock(waker_mutex_);
    if (!waker_) return;
    wakes_.fetch_add(1, std::memory_order_relaxed);
    try {
        waker_();
    } catch (...) {
        if (!waker_failed_)
            report_error("the waker threw (reported once, later calls go on)",
                         std::current_exception());
        waker_failed_ = true;
    }
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
