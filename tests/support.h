// Test support: events with timeouts, so concurrency tests never hope on a sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <thread>

namespace imhooks::test {

constexpr std::chrono::seconds kTimeout{
    10};  // a generous bound; tests never wait this long when passing
// A duration no clock reaches: saturates every deadline it is added to.
constexpr auto kForever = std::chrono::milliseconds::max();

// A one-shot event: set() once, wait() until set or timeout.
class Event {
  public:
    void set() {
        // Notify under the lock: a waiter that returns may destroy the event right after.
        std::lock_guard lock(mutex_);
        set_ = true;
        cv_.notify_all();
    }
    bool wait(std::chrono::milliseconds timeout = kTimeout) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return set_; });
    }
    bool is_set() {
        std::lock_guard lock(mutex_);
        return set_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool set_ = false;
};

// Polls `done` until it is true, bounded by kTimeout. For conditions no event announces.
template <class Done>
bool eventually(Done&& done) {
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

// Blocks until a stop is requested on `stop`: a cooperative job that runs until it is stopped.
inline void wait_until_stopped(std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait(lock, stop, [] { return false; });
}

// Threads of this process, from /proc/self/task.
inline std::size_t thread_count() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task"))
        ++count;
    return count;
}

// The process's thread count before a test starts threads of its own. A sanitizer runtime starts
// its own helper thread with the first thread the process creates, so one thread is started and
// joined first: that helper is then part of the baseline rather than counted as a leak.
inline std::size_t baseline_thread_count() {
    std::thread([] {}).join();
    return thread_count();
}

// Polls until fewer than `count` threads are left, bounded by kTimeout.
inline bool thread_count_drops_below(std::size_t count) {
    return eventually([&] { return thread_count() < count; });
}

}  // namespace imhooks::test
