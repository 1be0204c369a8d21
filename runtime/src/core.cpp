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

bool Core::spawn(std::function<void()> body) {
    std::lock_guard lock(threads_mutex_);
    if (closed()) return false;
    auto record = std::make_shared<Thread>();
    threads_.push_back(record);
    try {
        record->handle = std::thread([self = shared_from_this(), record, body = std::move(body)] {
            try {
                body();
            } catch (...) {
                report_error("a worker thread ended with an exception", std::current_exception());
            }
            {
                std::lock_guard done_lock(self->threads_mutex_);
                record->done = true;
                ++self->threads_done_;
            }
            self->threads_cv_.notify_all();
        });
    } catch (...) {
        threads_.pop_back();
        throw;
    }
    threads_started_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

}  // namespace imhooks::detail
