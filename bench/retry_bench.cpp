// Measures P7: 1,000 retry() calls in a row on one hook, counting the threads alive at once (from
// the runtime and from /proc/self/task), checking that all are joined afterwards, and timing the
// calls; against std::async re-launched on every retry, as written by hand.
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stop_token>
#include <thread>

namespace bench {

namespace {

using namespace std::chrono_literals;

int p7_retries() {
    return size(1000, 50);
}

// Counts this process's threads in a loop while it lives; max() is the largest count seen.
class ThreadSampler {
  public:
    ThreadSampler()
        : thread_([this] {
              while (running_.load()) {
                  const int count = thread_count();
                  int seen = max_.load();
                  while (count > seen && !max_.compare_exchange_weak(seen, count)) {
                  }
              }
          }) {}
    ~ThreadSampler() { stop(); }
    void stop() {
        running_.store(false);
        if (thread_.joinable()) thread_.join();
    }
    int max() const { return max_.load(); }

  private:
    std::atomic<bool> running_{true};
    std::atomic<int> max_{0};
    std::thread thread_;
};

// The job retried: 10 µs of work between checkpoints, forever (`endless`) or once.
int job(bool endless) {
    do {
        spin_for(10us);
        imhooks::checkpoint();
    } while (endless);
    return 1;
}

// Two patterns, 1,000 retries each: back to back on a job that never ends (every run but the
// last is superseded), and one per frame of a UI rendering as fast as it can on a 10 µs job (runs
// finish, their thread exits, the next retry needs a new one: the churn where two threads of one
// hook can overlap).
void P7_imhooks(benchmark::State& state, bool per_frame) {
    for (auto _ : state) {
        Context context;
        auto runtime = std::make_unique<imhooks::Runtime>();
        imhooks::Executor& executor = runtime->executor();
        imhooks::Result<int> shown;
        const bool endless = !per_frame;
        auto ui = [&] {
            imhooks::component("p7", [&] {
                shown = imhooks::use_thread([endless](std::stop_token) { return job(endless); });
                ImGui::Text("state %s", imhooks::to_string(shown.state()));
            });
        };
        const auto started = [&] {
            return endless ? shown.state() == imhooks::ResultState::Running
                           : shown.state() == imhooks::ResultState::Finished &&
                                 runtime->stats().active_work == 0;
        };
        // The process's threads before the runtime's executor started any.
        const int others = settled_thread_count();
        if (!frame_until(*runtime, "P7", ui, started)) {
            state.SkipWithError("the job did not start in 30 s");
            return;
        }
        const std::size_t started_before = executor.stats().threads_started;
        ThreadSampler sampler;
        std::size_t runtime_max = 0;
        Clock::duration in_retry{};
        for (int i = 0; i < p7_retries(); ++i) {
            const Clock::time_point before = Clock::now();
            shown.retry();
            in_retry += Clock::now() - before;
            runtime_max = std::max(runtime_max, executor.stats().threads);
            if (per_frame) frame("P7", ui);
        }
        // The last run starts; then cancel it (if still running), let every run end, and destroy
        // the runtime: its executor's threads exit.
        const bool last_ran = frame_until(*runtime, "P7", ui, [&] {
            return shown.state() == imhooks::ResultState::Running ||
                   shown.state() == imhooks::ResultState::Finished;
        });
        shown.cancel();
        const bool ended = frame_until(*runtime, "P7", ui, [&] {
            const imhooks::ResultState now = shown.state();
            return (now == imhooks::ResultState::Cancelled ||
                    now == imhooks::ResultState::Finished) &&
                   runtime->stats().active_work == 0;
        });
        const std::size_t threads_started = executor.stats().threads_started - started_before;
        runtime.reset();
        const auto deadline = Clock::now() + 10s;
        while (thread_count() > others + 1 && Clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        sampler.stop();
        const bool joined = ended && thread_count() <= others + 1;  // + the stopped sampler
        if (!last_ran) state.SkipWithError("the last retry did not run in 30 s");
        state.counters["max_threads_runtime"] = static_cast<double>(runtime_max);
        state.counters["max_threads_proc"] = static_cast<double>(sampler.max() - others - 1);
        state.counters["all_joined"] = joined ? 1 : 0;
        state.counters["threads_started"] = static_cast<double>(threads_started);
        state.counters["retry_call_us"] = micros(in_retry) / p7_retries();
    }
}

// By hand: cancel the old job and launch a new std::async. Assigning the new future destroys
// the old one, which blocks the UI thread until the old job has returned.
void P7_hand_written(benchmark::State& state, bool per_frame) {
    for (auto _ : state) {
        Context context;
        const bool endless = !per_frame;
        auto launch = [endless](const std::shared_ptr<std::atomic<bool>>& cancel) {
            return std::async(std::launch::async, [endless, cancel] {
                do {
                    spin_for(10us);
                    if (cancel->load()) return -1;
                } while (endless);
                return 1;
            });
        };
        auto cancel = std::make_shared<std::atomic<bool>>(false);
        std::future<int> running = launch(cancel);
        auto ui = [&] {
            ImGui::Text("ready %d", running.wait_for(0s) == std::future_status::ready);
        };
        if (!endless) running.wait();
        std::this_thread::sleep_for(1ms);
        // Every thread but the job's, the sampler's included (started next).
        const int others = settled_thread_count() + 1 - (endless ? 1 : 0);
        ThreadSampler sampler;
        Clock::duration in_retry{};
        for (int i = 0; i < p7_retries(); ++i) {
            const Clock::time_point before = Clock::now();
            cancel->store(true);
            cancel = std::make_shared<std::atomic<bool>>(false);
            running = launch(cancel);
            in_retry += Clock::now() - before;
            if (per_frame) frame("P7", ui);
        }
        cancel->store(true);
        running.get();
        sampler.stop();
        state.counters["max_threads_proc"] = static_cast<double>(sampler.max() - others);
        state.counters["all_joined"] = 1;  // every future was destroyed or waited for
        state.counters["threads_started"] = p7_retries();
        state.counters["retry_call_us"] = micros(in_retry) / p7_retries();
    }
}

}  // namespace

void register_retry_benchmarks() {
    using Run = void (*)(benchmark::State&, bool);
    const auto add = [](const char* name, Run run, bool per_frame) {
        benchmark::RegisterBenchmark(name, run, per_frame)
            ->Iterations(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    };
    add("P7_retry/imhooks_back_to_back", P7_imhooks, false);
    add("P7_retry/imhooks_one_per_frame", P7_imhooks, true);
    add("P7_retry/hand_written_back_to_back", P7_hand_written, false);
    add("P7_retry/hand_written_one_per_frame", P7_hand_written, true);
}

}  // namespace bench
