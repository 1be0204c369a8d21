// Internal: the part of the runtime shared with worker threads and setters. Not a public API.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
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
    // Queue `update` for the next frame start and request a frame. Any thread.
    void post(std::shared_ptr<Updatable> update);
    // Mark the UI dirty; the first call of a burst wakes waiters and calls the waker. Any thread.
    void request_frame();
    // Start a worker thread running `body`, tracked so the Runtime can join it. Returns false
    // (and runs nothing) once the runtime is shutting down. Any thread.
    bool spawn(std::function<void()> body);
    bool closed() const { return closed_.load(std::memory_order_acquire); }

  private:
    friend class RuntimeImpl;
    struct Thread {
        std::thread handle;
        bool done = false;
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

    std::mutex threads_mutex_;
    std::condition_variable threads_cv_;
    std::list<std::shared_ptr<Thread>> threads_;
    std::size_t threads_done_ = 0;
    std::atomic<std::size_t> threads_started_{0};
};

}  // namespace imhooks::detail
