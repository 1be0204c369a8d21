// Internal: the part of the runtime shared with worker threads and setters. Not a public API.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
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
    // Queue `update` for the next frame start and request a frame. Any thread.
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
    struct LateReport {
        std::string component;
        const char* where;
        std::exception_ptr error;
    };

    bool needs_frame() const;
    void call_waker();

    std::atomic<bool> closed_{false};
    std::atomic<bool> dirty_{true};  // the first frame is always needed
    std::atomic<int> extra_frames_{0};
    std::atomic<std::int64_t> timed_frame_ns_{0};  // steady_clock ticks; 0 = none
    std::atomic<std::size_t> wakes_{0};

    mutable std::mutex mutex_;  // guards queue_; also pairs with wake_cv_
    std::condition_variable wake_cv_;
    std::vector<std::shared_ptr<Updatable>> queue_;

    std::mutex
        waker_mutex_;  // held while the waker runs, so clearing it waits for a call in flight
    std::function<void()> waker_;
    bool waker_failed_ = false;

    std::vector<LateReport> late_reports_;  // guarded by mutex_

    std::atomic<std::size_t> active_{0};
    std::mutex active_mutex_;  // pairs with active_cv_
    std::condition_variable active_cv_;
};

}  // namespace imhooks::detail
