// The hand-written code the benchmarks at scale (P9-P13) compare with: a fixed pool of one worker
// per core taking std::function tasks from one queue (P14's hand-written cache uses it too), and
// rows of atomics polled every frame.
#pragma once

#include "support.h"

#include <imhooks/imhooks.h>

#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bench {

// The rows of P9-P13.
inline int scale_rows() {
    return size(10'000, 60);
}

// A fixed pool of threads taking std::function tasks from one queue: what an ImGui tool writes
// when it outgrows std::async.
class HandPool {
  public:
    explicit HandPool(unsigned workers) {
        for (unsigned i = 0; i < workers; ++i)
            threads_.emplace_back([this] {
                std::unique_lock lock(mutex_);
                for (;;) {
                    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
                    if (queue_.empty()) return;
                    std::function<void()> task = std::move(queue_.front());
                    queue_.pop_front();
                    ++busy_;
                    lock.unlock();
                    task();
                    lock.lock();
                    --busy_;
                }
            });
    }
    ~HandPool() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
            queue_.clear();
        }
        cv_.notify_all();
        for (std::thread& t : threads_) t.join();
    }
    void submit(std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(task));
        }
        cv_.notify_one();
    }
    // Nothing queued and no task running.
    bool idle() {
        std::lock_guard lock(mutex_);
        return queue_.empty() && busy_ == 0;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    int busy_ = 0;
    bool stop_ = false;
    std::vector<std::thread> threads_;
};

inline unsigned cores() {
    return std::max(1u, std::thread::hardware_concurrency());
}

// One row's job, shared by the row and the task: 0 queued, 1 running, 2 finished.
struct HandJob {
    std::atomic<int> state{0};
    std::atomic<bool> cancel{false};
    std::atomic<int> value{0};
};

inline const char* hand_state(int s) {
    static const char* const names[] = {"STARTING", "RUNNING", "FINISHED"};
    return names[s];
}

// The rows of a hand-written UI: one job per row, polled every frame.
struct HandRows {
    std::vector<std::shared_ptr<HandJob>> jobs;
    std::atomic<int> finished{0};

    explicit HandRows(int n) : jobs(static_cast<std::size_t>(n)) {}
    // The task for row i: work() then publish.
    template <class Work>
    std::function<void()> task(int i, Work work) {
        auto job = jobs[static_cast<std::size_t>(i)];
        return [this, job, i, work] {
            if (job->cancel.load()) return;
            job->state.store(1);
            work();
            if (job->cancel.load()) return;
            job->value.store(i);
            job->state.store(2);
            finished.fetch_add(1);
        };
    }
    void render() const {
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            const HandJob& job = *jobs[i];
            ImGui::PushID(static_cast<int>(i));
            const int s = job.state.load(std::memory_order_relaxed);
            ImGui::Text("row %d: %s %d", static_cast<int>(i), hand_state(s),
                        s == 2 ? job.value.load(std::memory_order_relaxed) : -1);
            ImGui::PopID();
        }
    }
    void renew() {
        for (auto& job : jobs) {
            if (job) job->cancel.store(true);
            job = std::make_shared<HandJob>();
        }
        finished.store(0);
    }
};

// An imhooks row's line: the same text as a hand-written row's.
inline void row_text(int i, const imhooks::Result<int>& r) {
    ImGui::Text("row %d: %s %d", i, imhooks::to_string(r.state()), r.value() ? *r.value() : -1);
}

}  // namespace bench
