// Internal: the part of the runtime shared with worker threads and setters. Not a public API.
#pragma once

#include <imhooks/clock.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace imhooks::detail {

// Something with changes produced off the UI thread, applied on the UI thread at frame start.
class Updatable {
  public:
    virtual ~Updatable() = default;
    virtual void apply() = 0;  // UI thread, at the start of a frame
};

// Shared (through shared_ptr) by the Runtime, every setter and every worker thread, so that it
// outlives the Runtime for as long as anything can still reach it. After the Runtime is gone it is
// "closed": posts and wake-ups are dropped.
class Core : public std::enable_shared_from_this<Core> {
  public:
    // `clock`: the runtime's clock; null: std::chrono::steady_clock.
    explicit Core(std::shared_ptr<Clock> clock = nullptr) : clock_(std::move(clock)) {}

    // Queue `update` for the next frame start and request a frame; dropped once the runtime is
    // closed (checked under the queue's lock, so nothing lands in a queue already discarded).
    // Any thread.
    void post(std::shared_ptr<Updatable> update);
    // Mark the UI dirty; the first call of a burst wakes waiters and calls the waker. Any thread.
    void request_frame();
    // Start a worker thread running `body`, tracked so the Runtime can join it. Returns false
    // (and runs nothing) once the runtime is shutting down. Any thread.
    bool spawn(std::function<void()> body);
    bool closed() const { return closed_.load(std::memory_order_acquire); }
    // The runtime's clock. Any thread.
    Clock::time_point now() const {
        return clock_ ? clock_->now() : std::chrono::steady_clock::now();
    }

  private:
    friend class RuntimeImpl;
    friend class imhooks::Clock;
    struct Thread {
        std::thread handle;
        bool done = false;
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
    std::vector<std::shared_ptr<Updatable>> close_queue();
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
    std::vector<std::shared_ptr<Updatable>> queue_;
    bool queue_closed_ = false;
    std::uint64_t wake_seq_ = 0;  // bumped by every notify_waiters()

    // The waker is swapped under waker_mutex_ and called outside it, from a shared copy, so that
    // it may replace itself or call back into the runtime while it runs.
    std::mutex waker_mutex_;
    std::condition_variable waker_cv_;  // a call in flight returned
    std::shared_ptr<const std::function<void()>> waker_;
    std::size_t waker_calls_ = 0;  // calls in flight
    std::atomic<bool> waker_failed_{false};

    std::mutex threads_mutex_;
    std::condition_variable threads_cv_;
    std::list<std::shared_ptr<Thread>> threads_;
    std::size_t threads_done_ = 0;
    std::atomic<std::size_t> threads_started_{0};
};

}  // namespace imhooks::detail
