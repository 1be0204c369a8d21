// Internal: the part of the runtime shared with worker threads and setters. Not a public API.
#pragma once

#include <imhooks/clock.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace imhooks::detail {

// Something with changes produced off the UI thread, applied on the UI thread at frame start.
class Updatable {
  public:
    virtual ~Updatable() = default;
    virtual void apply() = 0;  // UI thread, at the start of a frame
    // Asks for the memory apply() reads beyond the object's first lines to be fetched ahead:
    // with `step` 1 a few updates before apply(), then with 0 (what step 1 fetched is in cache
    // by then, to find what lies further). UI thread, at the start of a frame; no user code.
    virtual void prefetch(int step) const { (void)step; }
};

// Where a use_thread hook's (or a task's) changes go: a runtime's frame-start queue, or the
// runtimes that read a task.
class ChangeSink {
  public:
    virtual ~ChangeSink() = default;
    // The hook has changes the UI must show: queue it for the next frame start. Called under the
    // hook's lock, so that a change is queued before the call that made it returns (a change
    // coalesced with an earlier one must not wait for that one's thread to reach its own call).
    // Runs no user code; any thread.
    virtual void enqueue(const std::shared_ptr<Updatable>& hook) = 0;
    // Then, outside the lock: request a frame (calls the waker, coalesced). Any thread.
    virtual void wake() = 0;
    // Work of the hook began or ended (a run pending or executing, a chore). Any thread.
    virtual void work_began() = 0;
    virtual void work_ended() = 0;
    // A run nobody will see threw (superseded, cancelled, unmounted). Any thread.
    virtual void report_discarded(const std::string& component, std::exception_ptr error) = 0;
};

// Shared (through shared_ptr) by the Runtime, every setter and every worker thread, so that it
// outlives the Runtime for as long as anything can still reach it. After the Runtime is gone it is
// "closed": posts and wake-ups are dropped.
class Core final : public ChangeSink, public std::enable_shared_from_this<Core> {
  public:
    // `clock`: the runtime's clock; null: std::chrono::steady_clock.
    explicit Core(std::shared_ptr<Clock> clock = nullptr) : clock_(std::move(clock)) {}

    // Queue `update` for the next frame start and request a frame; dropped once the runtime is
    // closed (checked under the queue's lock, so nothing lands in a queue already discarded).
    // Any thread.
    void post(std::shared_ptr<Updatable> update);
    // Queue `update` for the next frame start, without requesting a frame (the caller does, once
    // it has released its own locks: request_frame() calls the waker). Dropped once closed. Runs
    // no user code; any thread.
    void enqueue(const std::shared_ptr<Updatable>& update) override;
    void wake() override { request_frame(); }
    void report_discarded(const std::string& component, std::exception_ptr error) override {
        report_later(component, "discarded", std::move(error));
    }
    // Mark the UI dirty; the first call of a burst wakes waiters and calls the waker. Any thread.
    void request_frame();
    bool closed() const { return closed_.load(std::memory_order_acquire); }
    // The runtime's clock. Any thread.
    Clock::time_point now() const {
        return clock_ ? clock_->now() : std::chrono::steady_clock::now();
    }

    // Work of this runtime in flight on an executor (runs queued or executing, chores such as
    // stop requests and job destructions): the Runtime's destructor waits for it to reach zero,
    // bounded by shutdown_timeout. Any thread.
    void work_began() override { active_.fetch_add(1, std::memory_order_relaxed); }
    void work_ended() override;
    std::size_t active_work() const { return active_.load(std::memory_order_acquire); }

    // An error nobody will see (a discarded run threw): handed to the runtime's error handler at
    // the next frame start, or written to stderr once the runtime is gone. Any thread.
    void report_later(std::string component, const char* where, std::exception_ptr error);

  private:
    friend class RuntimeImpl;
    friend class imhooks::Clock;
    struct LateReport {
        std::string component;
        const char* where;
        std::exception_ptr error;
    };
    static constexpr std::int64_t kNoTimedFrame = std::numeric_limits<std::int64_t>::max();

    bool needs_frame() const;
    // Wakes Runtime::wait callers so that they look at needs_frame() again.
    void notify_waiters();
    // Calls the waker, without holding a lock while it runs: it may call back into the runtime.
    void call_waker();
    void set_waker(std::function<void()> waker);
    // Clears the waker, then waits until calls in flight on other threads have returned (a call
    // on this thread, which is destroying the runtime from inside the waker, is not waited for).
    void clear_waker();
    // No more posts from now on; hands back what the queue held, to be destroyed by the caller
    // outside the lock.
    std::deque<std::shared_ptr<Updatable>> close_queue();
    // Registers with the clock, so that its jumps reach clock_changed().
    void watch_clock();
    // The clock jumped: waiters look again, and a timed frame that became due calls the waker.
    void clock_changed();

    std::shared_ptr<Clock> clock_;
    std::atomic<bool> closed_{false};
    std::atomic<bool> dirty_{true};  // the first frame is always needed
    std::atomic<int> extra_frames_{0};
    // The earliest timed frame, in the clock's ticks; kNoTimedFrame: none.
    std::atomic<std::int64_t> timed_frame_ns_{kNoTimedFrame};
    std::atomic<std::size_t> wakes_{0};

    // Guards queue_, queue_closed_ and wake_seq_; pairs with wake_cv_. Never held while user code
    // (updates, the waker, the clock) runs.
    mutable std::mutex mutex_;
    std::condition_variable wake_cv_;
    std::deque<std::shared_ptr<Updatable>> queue_;  // a deque: see RuntimeImpl::after_frame_
    bool queue_closed_ = false;
    std::uint64_t wake_seq_ = 0;  // bumped by every notify_waiters()

    // The waker is swapped under waker_mutex_ and called outside it, from a shared copy, so that
    // it may replace itself or call back into the runtime while it runs.
    std::mutex waker_mutex_;
    std::condition_variable waker_cv_;  // a call in flight returned
    std::shared_ptr<const std::function<void()>> waker_;
    std::size_t waker_calls_ = 0;  // calls in flight
    std::atomic<bool> waker_failed_{false};

    std::vector<LateReport> late_reports_;  // guarded by mutex_

    std::atomic<std::size_t> active_{0};
    std::mutex active_mutex_;  // pairs with active_cv_
    std::condition_variable active_cv_;
};

}  // namespace imhooks::detail
