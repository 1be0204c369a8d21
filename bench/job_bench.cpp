// Measures the worker side of use_thread: P2 (a CPU-bound job calling checkpoint() every
// iteration, intrusive against cooperative stop_token polling) and P4 (a generator yielding 10 M
// values to a 60 Hz UI: yields per second, UI work per frame, memory).
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

namespace bench {

namespace {

using namespace std::chrono_literals;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

//----------------------------------------------------------------------------------------------
// P2: a tight CPU loop with a stop check in every iteration
//----------------------------------------------------------------------------------------------

// Each iteration is one work_step(): so short that the stop check is a large share of it (the
// worst case for its cost).
std::uint64_t p2_iterations() {
    return size<std::uint64_t>(std::uint64_t{1} << 25, std::uint64_t{1} << 12);
}

// The job of P2: n steps with a stop check in each, checkpoint() (intrusive) or the
// std::stop_token (cooperative). Stores the CPU time of its own thread in `job_ns`: thread start
// and frame scheduling are not part of it, and neither is the time other processes on a shared
// machine take the core away.
template <bool Intrusive>
auto p2_job(std::uint64_t n, std::atomic<std::int64_t>& job_ns) {
    if constexpr (Intrusive) {
        return [n, &job_ns] {
            const auto start = thread_cpu_time();
            std::uint64_t x = 0x9E3779B97F4A7C15ull;
            for (std::uint64_t i = 0; i < n; ++i) {
                x = work_step(x);
                imhooks::checkpoint();
            }
            job_ns.store((thread_cpu_time() - start).count());
            return x;
        };
    } else {
        return [n, &job_ns](std::stop_token stop) {
            const auto start = thread_cpu_time();
            std::uint64_t x = 0x9E3779B97F4A7C15ull;
            for (std::uint64_t i = 0; i < n; ++i) {
                x = work_step(x);
                if (stop.stop_requested()) break;
            }
            job_ns.store((thread_cpu_time() - start).count());
            return x;
        };
    }
}

// A component running p2_job<Intrusive> again whenever `run` changes; `finished`: the run of
// this `run` has finished.
template <bool Intrusive>
void p2_component(const char* key, std::uint64_t n, std::atomic<std::int64_t>& job_ns, int run,
                  bool& finished) {
    imhooks::component(key, [&] {
        const auto result =
            imhooks::use_thread(p2_job<Intrusive>(n, job_ns), imhooks::deps(run),
                                imhooks::ThreadOptions{.intrusive_cancel = Intrusive});
        finished = result.state() == imhooks::ResultState::Finished && !result.stale();
        ImGui::Text("%s %s", key, imhooks::to_string(result.state()));
    });
}

// Runs one job per benchmark iteration inside use_thread; the manual time is the job's CPU time.
template <bool Intrusive>
void P2_imhooks(benchmark::State& state) {
    Context context;
    imhooks::Runtime runtime;
    const std::uint64_t n = p2_iterations();
    std::atomic<std::int64_t> job_ns{0};
    int run = 0;
    bool finished = false;
    auto ui = [&] { p2_component<Intrusive>("p2", n, job_ns, run, finished); };
    for (auto _ : state) {
        ++run;
        if (!frame_until(runtime, "P2", ui, [&] { return finished; })) {
            state.SkipWithError("the job did not finish in 30 s");
            break;
        }
        state.SetIterationTime(static_cast<double>(job_ns.load()) * 1e-9);
    }
    state.counters["ns_per_iteration"] =
        benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// P2's ratio: each iteration runs the intrusive and the cooperative job once, one after the
// other, in alternating order, and takes their ratio; the counters are the medians. A slow period
// of a shared machine then falls on both jobs of a pair rather than on one variant's runs.
void P2_paired(benchmark::State& state) {
    Context context;
    imhooks::Runtime runtime;
    const std::uint64_t n = p2_iterations();
    std::atomic<std::int64_t> intrusive_ns{0}, cooperative_ns{0};
    int intrusive_run = 0, cooperative_run = 0;
    bool intrusive_done = false, cooperative_done = false;
    auto ui = [&] {
        p2_component<true>("intrusive", n, intrusive_ns, intrusive_run, intrusive_done);
        p2_component<false>("cooperative", n, cooperative_ns, cooperative_run, cooperative_done);
    };
    // The first runs (both at once, on mounting) are not measured.
    if (!frame_until(runtime, "P2", ui, [&] { return intrusive_done && cooperative_done; })) {
        state.SkipWithError("the jobs did not finish in 30 s");
        return;
    }
    // One run of a variant: its job's CPU time in milliseconds.
    const auto run_one = [&](bool intrusive) -> std::optional<double> {
        ++(intrusive ? intrusive_run : cooperative_run);
        const bool& done = intrusive ? intrusive_done : cooperative_done;
        if (!frame_until(runtime, "P2", ui, [&] { return done; })) {
            state.SkipWithError("a job did not finish in 30 s");
            return std::nullopt;
        }
        return static_cast<double>((intrusive ? intrusive_ns : cooperative_ns).load()) / 1e6;
    };
    alternate(
        state, "intrusive_ms", [&] { return run_one(true); }, "cooperative_ms",
        [&] { return run_one(false); });
}

// The hand-written job: std::async, a std::atomic<bool> cancel flag read every iteration.
// `check` false: no stop check at all, the floor every variant is compared with.
void P2_hand_written(benchmark::State& state, bool check) {
    const std::uint64_t n = p2_iterations();
    std::atomic<bool> cancel{false};
    for (auto _ : state) {
        std::future<std::int64_t> job = std::async(std::launch::async, [n, check, &cancel] {
            const auto start = thread_cpu_time();
            std::uint64_t x = 0x9E3779B97F4A7C15ull;
            if (check) {
                for (std::uint64_t i = 0; i < n; ++i) {
                    x = work_step(x);
                    if (cancel.load()) break;
                }
            } else {
                for (std::uint64_t i = 0; i < n; ++i) x = work_step(x);
            }
            benchmark::DoNotOptimize(x);
            return (thread_cpu_time() - start).count();
        });
        state.SetIterationTime(static_cast<double>(job.get()) * 1e-9);
    }
    state.counters["ns_per_iteration"] =
        benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

//----------------------------------------------------------------------------------------------
// P4: a generator streaming 10 M values to a UI paced at 60 Hz
//----------------------------------------------------------------------------------------------

long p4_values() {
    return size(10'000'000L, 100'000L);
}

struct StreamTiming {
    std::atomic<std::int64_t> start_ns{0};
    std::atomic<std::int64_t> end_ns{0};
};

imhooks::Generator<long> count_to(long n, StreamTiming& timing) {
    timing.start_ns.store(now_ns());
    for (long i = 0; i < n; ++i) co_yield i;
    timing.end_ns.store(now_ns());
}

// What one run of the UI loop saw, frame by frame.
struct FrameLog {
    std::vector<double> ui_us;  // UI thread CPU time of each frame
    std::vector<long> rss_kib;  // resident memory after each frame
    std::vector<long> updates;  // updates the runtime applied at each frame's start
    long rss_before_kib = 0;

    void report(benchmark::State& state, long values, const StreamTiming& timing) const {
        const double seconds =
            static_cast<double>(timing.end_ns.load() - timing.start_ns.load()) * 1e-9;
        state.counters["yields_per_s"] = static_cast<double>(values) / seconds;
        state.counters["frames"] = static_cast<double>(ui_us.size());
        std::vector<double> all = ui_us;
        state.counters["ui_us_per_frame"] = percentile(all, 50);
        // Flat: the second half of the run costs the UI what the first half did.
        const std::size_t half = ui_us.size() / 2;
        std::vector<double> first(ui_us.begin(), ui_us.begin() + half);
        std::vector<double> second(ui_us.begin() + half, ui_us.end());
        const double first_median = percentile(first, 50);
        state.counters["ui_second_half_vs_first"] =
            first_median > 0 ? percentile(second, 50) / first_median : 0;
        state.counters["rss_growth_kib"] =
            rss_kib.empty()
                ? 0
                : static_cast<double>(*std::max_element(rss_kib.begin(), rss_kib.end()) -
                                      rss_before_kib);
        state.counters["updates_per_frame_max"] =
            updates.empty()
                ? 0
                : static_cast<double>(*std::max_element(updates.begin(), updates.end()));
    }
};

void P4_imhooks(benchmark::State& state) {
    const long n = p4_values();
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        StreamTiming timing;
        bool finished = false;
        auto ui = [&] {
            imhooks::component("p4", [&] {
                imhooks::Result<long> latest = imhooks::use_thread(
                    [n, &timing](std::stop_token) { return count_to(n, timing); });
                const long shown = latest.value() ? *latest.value() : -1;
                ImGui::Text("state %s, latest %ld", imhooks::to_string(latest.state()), shown);
                ImGui::ProgressBar(static_cast<float>(shown + 1) / static_cast<float>(n));
                finished = latest.state() == imhooks::ResultState::Finished;
            });
        };
        FrameLog log;
        log.rss_before_kib = resident_kib();
        Pacer pacer;
        const Clock::time_point deadline = Clock::now() + 60s;
        while (!finished && Clock::now() < deadline) {
            // An idle-aware 60 Hz loop: sleep until the runtime needs a frame, render it, then
            // wait for the next vertical blank.
            if (!runtime.wait(100ms)) continue;
            const std::size_t applied_before = runtime.stats().updates_applied;
            const auto cpu_before = thread_cpu_time();
            frame("P4", ui);
            log.ui_us.push_back(micros(thread_cpu_time() - cpu_before));
            log.updates.push_back(
                static_cast<long>(runtime.stats().updates_applied - applied_before));
            log.rss_kib.push_back(resident_kib());
            pacer.sleep();
        }
        if (!finished) {
            state.SkipWithError("the generator did not finish in 60 s");
            break;
        }
        log.report(state, n, timing);
    }
}

// The hand-written stream: std::async writes the latest value under a mutex, the UI reads it
// every frame at 60 Hz and polls the future with wait_for(0).
void P4_hand_written(benchmark::State& state) {
    const long n = p4_values();
    for (auto _ : state) {
        Context context;
        StreamTiming timing;
        std::mutex mutex;
        long latest = -1;
        std::atomic<bool> cancel{false};
        std::future<void> job = std::async(std::launch::async, [&] {
            timing.start_ns.store(now_ns());
            for (long i = 0; i < n; ++i) {
                {
                    std::lock_guard lock(mutex);
                    latest = i;
                }
                if (cancel.load()) return;
            }
            timing.end_ns.store(now_ns());
        });
        bool finished = false;
        auto ui = [&] {
            if (!finished && job.wait_for(0s) == std::future_status::ready) {
                job.get();
                finished = true;
            }
            long shown;
            {
                std::lock_guard lock(mutex);
                shown = latest;
            }
            ImGui::Text("state %s, latest %ld", finished ? "FINISHED" : "RUNNING", shown);
            ImGui::ProgressBar(static_cast<float>(shown + 1) / static_cast<float>(n));
        };
        FrameLog log;
        log.rss_before_kib = resident_kib();
        Pacer pacer;
        const Clock::time_point deadline = Clock::now() + 60s;
        while (!finished && Clock::now() < deadline) {
            const auto cpu_before = thread_cpu_time();
            frame("P4", ui);
            log.ui_us.push_back(micros(thread_cpu_time() - cpu_before));
            log.updates.push_back(1);
            log.rss_kib.push_back(resident_kib());
            pacer.sleep();
        }
        if (!finished) {
            cancel.store(true);
            state.SkipWithError("the producer did not finish in 60 s");
            break;
        }
        log.report(state, n, timing);
    }
}

}  // namespace

void register_job_benchmarks() {
    // Pairs of runs; the figures are the counters.
    benchmark::RegisterBenchmark("P2_checkpoint/paired", P2_paired)
        ->Iterations(size(12, 2))
        ->Unit(benchmark::kMillisecond);
    // Manual time: the job's own duration. Enough runs for a stable median per repetition.
    benchmark::RegisterBenchmark("P2_checkpoint/imhooks_intrusive", P2_imhooks<true>)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P2_checkpoint/imhooks_cooperative", P2_imhooks<false>)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P2_checkpoint/hand_written_atomic_flag", P2_hand_written, true)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P2_checkpoint/no_stop_check", P2_hand_written, false)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    // One stream per repetition: the figures are the counters, not the iteration time.
    benchmark::RegisterBenchmark("P4_generator/imhooks", P4_imhooks)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P4_generator/hand_written", P4_hand_written)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

}  // namespace bench
