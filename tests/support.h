// Test support: events with timeouts, so concurrency tests never hope on a sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace imhooks::test {

constexpr std::chrono::seconds kTimeout{
    10};  // a generous bound; tests never wait this long when passing

// A one-shot event: set() once, wait() until set or timeout.
class Event {
  public:
    void set() {
        {
            std::lock_guard lock(mutex_);
            set_ = true;
        }
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

}  // namespace imhooks::test
