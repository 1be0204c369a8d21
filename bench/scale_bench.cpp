// Jobs at scale: P9 (10,000 components each with a ~1 ms CPU job), P10 (10,000 jobs that wait
// 20 ms) and P11 (all 10,000 re-run after a dependency change). Baselines in the same run: a
// hand-written fixed pool of one worker per core (hand_rows.h), std::async per row, and a
// std::thread per row.
//
// The UI loops of P9-P11 pace themselves like a display with vsync: a frame at most every 1/60 s;
// the imhooks loop also sleeps in Runtime::wait while nothing changed. "worst frame" is the
// longest frame (NewFrame to Render) from the first mount to the frame that shows every row
// finished; "all finished" is the wall time to that frame.
#include "hand_rows.h"
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <time.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace bench {

namespace {

using namespace std::chrono_literals;

// Minor page faults of the calling thread so far: each is the first touch of a page of fresh
// memory, several microseconds apiece on a virtual machine.
long thread_page_faults() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

// Gives the memory the allocator holds free back to the system, so that every variant of P9-P11
// starts as an application does, whatever ran before it in this process: the first touch of
// fresh memory costs the frame that mounts 10,000 rows several milliseconds on its own.
void return_free_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

// Samples the process's threads and resident memory every millisecond, sleeping in between.
// It starts once the threads of an earlier benchmark have finished exiting (the count held still
// for 100 ms): /proc/self/task lists a thread until the kernel has reaped it, after the executor
// or the pool that ran it has let it go.
class Sampler {
  public:
    Sampler() {
        settled_thread_count();
        rss_start_ = resident_kib();
        thread_ = std::thread([this] {
            while (running_.load()) {
                peak_threads_ = std::max(peak_threads_.load(), thread_count() - 1);  // not us
                peak_rss_ = std::max(peak_rss_.load(), resident_kib());
                std::this_thread::sleep_for(1ms);
            }
        });
    }
    ~Sampler() { stop(); }
    void stop() {
        running_ = false;
        if (thread_.joinable()) thread_.join();
    }
    int peak_threads() const { return peak_threads_.load(); }
    double rss_growth_mib() const {
        return static_cast<double>(std::max(0L, peak_rss_.load() - rss_start_)) / 1024.0;
    }

  private:
    long rss_start_ = 0;
    std::atomic<bool> running_{true};
    std::atomic<int> peak_threads_{0};
    std::atomic<long> peak_rss_{0};
    std::thread thread_;
};

// What a UI loop measured.
struct LoopFigures {
    double first_frame_ms = 0;
    double worst_frame_ms = 0;
    double worst_frame_cpu_ms = 0;  // the UI thread's CPU time in that frame
    long worst_frame_faults = 0;    // the UI thread's minor page faults in that frame
    double ui_cpu_ms = 0;           // the UI thread's CPU time in all frames
    double total_ms = 0;
    int frames = 0;
    bool finished = false;
};

// Renders frames of `ui` paced at 60 Hz until done() (checked after each frame) or `budget`.
// `idle_wait(until)` may sleep longer while nothing changed (the imhooks loop: Runtime::wait).
template <class Ui, class Done, class IdleWait>
LoopFigures run_loop(const char* title, Ui& ui, Done&& done, IdleWait&& idle_wait,
                     Clock::duration budget) {
    LoopFigures figures;
    const Clock::time_point start = Clock::now();
    Clock::time_point next = start;
    for (;;) {
        const Clock::time_point before = Clock::now();
        const auto cpu_before = thread_cpu_time();
        const long faults_before = thread_page_faults();
        frame(title, ui);
        const Clock::time_point after = Clock::now();
        const double cpu_ms = micros(thread_cpu_time() - cpu_before) / 1000.0;
        const long faults = thread_page_faults() - faults_before;
        const double ms = std::chrono::duration<double, std::milli>(after - before).count();
        figures.ui_cpu_ms += cpu_ms;
        if (++figures.frames == 1) figures.first_frame_ms = ms;
        if (ms > figures.worst_frame_ms) {
            figures.worst_frame_ms = ms;
            figures.worst_frame_cpu_ms = cpu_ms;
            figures.worst_frame_faults = faults;
        }
        if (done()) {
            figures.finished = true;
            figures.total_ms = std::chrono::duration<double, std::milli>(after - start).count();
            return figures;
        }
        if (after - start > budget) {
            figures.total_ms = std::chrono::duration<double, std::milli>(after - start).count();
            return figures;
        }
        next = std::max(next + Pacer::kPeriod, after);
        std::this_thread::sleep_until(next);
        idle_wait();
    }
}

void put(benchmark::State& state, const LoopFigures& loop, const Sampler& sampler) {
    state.counters["first_frame_ms"] = loop.first_frame_ms;
    state.counters["worst_frame_ms"] = loop.worst_frame_ms;
    state.counters["worst_frame_cpu_ms"] = loop.worst_frame_cpu_ms;
    state.counters["worst_frame_faults"] = static_cast<double>(loop.worst_frame_faults);
    state.counters["total_ms"] = loop.total_ms;
    state.counters["ui_cpu_ms"] = loop.ui_cpu_ms;
    state.counters["frames"] = loop.frames;
    state.counters["finished"] = loop.finished ? 1 : 0;
    state.counters["peak_threads"] = sampler.peak_threads();
    state.counters["rss_growth_mib"] = sampler.rss_growth_mib();
}

//----------------------------------------------------------------------------------------------
// P9 / P10: N rows, one job each, all mounted at once

enum class Work { Cpu1ms, Sleep20ms, Blocking20ms };

void do_work(Work work) {
    switch (work) {
        case Work::Cpu1ms:
            spin_for(1ms);
            break;
        case Work::Sleep20ms:
            imhooks::sleep_for(20ms);  // outside imhooks: a plain sleep
            break;
        case Work::Blocking20ms:
            imhooks::blocking([] { std::this_thread::sleep_for(20ms); });
            break;
    }
}

Clock::duration budget_for(Work work, bool slow_baseline) {
    if (smoke()) return 30s;
    if (work != Work::Cpu1ms && slow_baseline) return 3s;  // 10,000 x 20 ms on 2 workers: 100 s
    return 120s;
}

void Scale_imhooks(benchmark::State& state, Work work) {
    for (auto _ : state) {
        return_free_memory();
        Context context;
        imhooks::Runtime runtime;
        const int rows = scale_rows();
        std::vector<imhooks::Result<int>> shown(static_cast<std::size_t>(rows));
        int finished = 0;
        auto ui = [&] {
            finished = 0;
            for (int i = 0; i < rows; ++i)
                imhooks::component(i, [&, i] {
                    imhooks::Result<int>& r = shown[static_cast<std::size_t>(i)];
                    r = imhooks::use_thread([i, work] {
                        do_work(work);
                        return i;
                    });
                    finished += r.state() == imhooks::ResultState::Finished;
                    row_text(i, r);
                });
        };
        Sampler sampler;
        const LoopFigures loop = run_loop(
            "scale", ui, [&] { return finished == rows; },
            [&] {
                if (!runtime.needs_frame()) runtime.wait(1s);
            },
            budget_for(work, false));
        sampler.stop();
        put(state, loop, sampler);
        const imhooks::ExecutorStats stats = runtime.executor().stats();
        state.counters["executor_peak_threads"] = stats.peak_threads;
        state.counters["executor_max_threads"] = stats.max_threads;
    }
}

void Scale_pool(benchmark::State& state, Work work) {
    for (auto _ : state) {
        return_free_memory();
        Context context;
        const int rows = scale_rows();
        Sampler sampler;
        LoopFigures loop;
        {
            HandPool pool(cores());
            HandRows hand(rows);
            bool submitted = false;
            auto ui = [&] {
                if (!submitted) {
                    hand.renew();
                    for (int i = 0; i < rows; ++i)
                        pool.submit(hand.task(i, [work] {
                            if (work == Work::Cpu1ms)
                                spin_for(1ms);
                            else
                                std::this_thread::sleep_for(20ms);
                        }));
                    submitted = true;
                }
                hand.render();
            };
            loop = run_loop(
                "scale", ui, [&] { return hand.finished.load() == rows; }, [] {},
                budget_for(work, true));
            if (!loop.finished) {
                // Cut short: what is left would take this long on the pool's workers.
                state.counters["projected_ms"] =
                    static_cast<double>(rows) * 20.0 / static_cast<double>(cores());
                for (auto& job : hand.jobs) job->cancel.store(true);
            }
        }
        sampler.stop();
        put(state, loop, sampler);
    }
}

// std::async per row, or a std::thread per row: the launch happens in the mount frame.
void Scale_per_row(benchmark::State& state, Work work, bool async) {
    for (auto _ : state) {
        return_free_memory();
        Context context;
        const int rows = scale_rows();
        Sampler sampler;
        LoopFigures loop;
        {
            HandRows hand(rows);
            std::vector<std::future<void>> futures;
            std::vector<std::thread> threads;
            bool launched = false;
            auto ui = [&] {
                if (!launched) {
                    hand.renew();
                    for (int i = 0; i < rows; ++i) {
                        auto task = hand.task(i, [work] {
                            if (work == Work::Cpu1ms)
                                spin_for(1ms);
                            else
                                std::this_thread::sleep_for(20ms);
                        });
                        if (async)
                            futures.push_back(std::async(std::launch::async, std::move(task)));
                        else
                            threads.emplace_back(std::move(task));
                    }
                    launched = true;
                }
                hand.render();
            };
            loop = run_loop(
                "scale", ui, [&] { return hand.finished.load() == rows; }, [] {},
                budget_for(work, false));
            for (std::thread& t : threads) t.join();
        }
        sampler.stop();
        put(state, loop, sampler);
    }
}

// One frame of `ui`, timed by the UI thread's CPU, in microseconds.
template <class Ui>
double frame_cpu_us(const char* title, Ui& ui) {
    const auto before = thread_cpu_time();
    frame(title, ui);
    return micros(thread_cpu_time() - before);
}

// P9's worst frame is the frame that mounts all N rows and requests their runs: its UI-thread CPU
// alone, repeated on a fresh runtime (imhooks) or a fresh set of rows (the pool) each time.
void P9_mount_imhooks(benchmark::State& state) {
    const int rows = scale_rows();
    std::vector<double> us;
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime(context.get());
        auto ui = [&] {
            for (int i = 0; i < rows; ++i)
                imhooks::component(i, [i] {
                    const imhooks::Result<int> r = imhooks::use_thread([i] { return i; });
                    row_text(i, r);
                });
        };
        us.push_back(frame_cpu_us("mount", ui));
    }
    state.counters["mount_frame_us"] = percentile(us, 50);
}

void P9_mount_pool(benchmark::State& state) {
    const int rows = scale_rows();
    std::vector<double> us;
    for (auto _ : state) {
        Context context;
        HandPool pool(cores());
        HandRows hand(rows);
        auto ui = [&] {
            hand.renew();
            for (int i = 0; i < rows; ++i) pool.submit(hand.task(i, [] {}));
            hand.render();
        };
        us.push_back(frame_cpu_us("mount", ui));
    }
    state.counters["mount_frame_us"] = percentile(us, 50);
}

//----------------------------------------------------------------------------------------------
// P11: every row re-run after a dependency change

void P11_imhooks(benchmark::State& state) {
    for (auto _ : state) {
        return_free_memory();
        Context context;
        imhooks::Runtime runtime;
        const int rows = scale_rows();
        int generation = 0;
        int finished = 0;
        auto ui = [&] {
            finished = 0;
            for (int i = 0; i < rows; ++i)
                imhooks::component(i, [&, i] {
                    const int g = generation;
                    imhooks::Result<int> r = imhooks::use_thread(
                        [i, g] {
                            spin_for(100us);
                            return i + g;
                        },
                        imhooks::deps(g));
                    finished += r.state() == imhooks::ResultState::Finished && !r.stale();
                    row_text(i, r);
                });
        };
        auto idle = [&] {
            if (!runtime.needs_frame()) runtime.wait(1s);
        };
        run_loop(
            "p11", ui, [&] { return finished == rows; }, idle, 120s);
        generation = 1;  // every row's dependency changes in the next frame
        Sampler sampler;
        const LoopFigures loop = run_loop(
            "p11", ui, [&] { return finished == rows; }, idle, 120s);
        sampler.stop();
        put(state, loop, sampler);
    }
}

void P11_pool(benchmark::State& state) {
    for (auto _ : state) {
        return_free_memory();
        Context context;
        const int rows = scale_rows();
        HandPool pool(cores());
        HandRows hand(rows);
        int generation = 0;
        int submitted_for = -1;
        auto ui = [&] {
            if (submitted_for != generation) {
                hand.renew();  // cancels the old jobs
                for (int i = 0; i < rows; ++i) pool.submit(hand.task(i, [] { spin_for(100us); }));
                submitted_for = generation;
            }
            hand.render();
        };
        auto done = [&] { return hand.finished.load() == rows; };
        run_loop(
            "p11", ui, done, [] {}, 120s);
        generation = 1;
        Sampler sampler;
        const LoopFigures loop = run_loop(
            "p11", ui, done, [] {}, 120s);
        sampler.stop();
        put(state, loop, sampler);
    }
}

// P11's worst frame is the frame in which every row's dependency changes: its UI-thread CPU
// alone, repeated once every row shows the previous change finished.
void P11_change_imhooks(benchmark::State& state) {
    const int rows = scale_rows();
    Context context;
    imhooks::Runtime runtime(context.get());
    int generation = 0;
    int finished = 0;
    auto ui = [&] {
        finished = 0;
        for (int i = 0; i < rows; ++i)
            imhooks::component(i, [&, i] {
                const int g = generation;
                const imhooks::Result<int> r =
                    imhooks::use_thread([i, g] { return i + g; }, imhooks::deps(g));
                finished += r.state() == imhooks::ResultState::Finished && !r.stale();
                row_text(i, r);
            });
    };
    std::vector<double> us;
    for (auto _ : state) {
        frame_until(runtime, "change", ui, [&] { return finished == rows; });
        ++generation;
        us.push_back(frame_cpu_us("change", ui));
    }
    state.counters["change_frame_us"] = percentile(us, 50);
}

void P11_change_pool(benchmark::State& state) {
    const int rows = scale_rows();
    Context context;
    HandPool pool(cores());
    HandRows hand(rows);
    int generation = 0;
    int submitted_for = -1;
    auto ui = [&] {
        if (submitted_for != generation) {
            hand.renew();
            for (int i = 0; i < rows; ++i) pool.submit(hand.task(i, [] {}));
            submitted_for = generation;
        }
        hand.render();
    };
    std::vector<double> us;
    for (auto _ : state) {
        while (hand.finished.load() != rows) {
            frame("change", ui);
            std::this_thread::sleep_for(1ms);
        }
        ++generation;
        us.push_back(frame_cpu_us("change", ui));
    }
    state.counters["change_frame_us"] = percentile(us, 50);
}

//----------------------------------------------------------------------------------------------
// The machine's own stalls, for reading the worst frames of P9-P11

// A frame that never changes: the same serial chain of xorshift steps (a few milliseconds of
// CPU), paced at 60 Hz like the UI loops, for as many frames as P9 renders. On an idle machine
// its worst frame is its median; what the worst adds is what the machine's stalls add to any frame
// of the loops above, whatever the frame does.
void Stalls_fixed_frame(benchmark::State& state) {
    const int frames = size(330, 10);
    for (auto _ : state) {
        std::vector<double> ms;
        ms.reserve(static_cast<std::size_t>(frames));
        Clock::time_point next = Clock::now();
        std::uint64_t x = 0x9E3779B97F4A7C15ull;
        for (int i = 0; i < frames; ++i) {
            const Clock::time_point before = Clock::now();
            for (int step = 0; step < size(2'000'000, 1'000); ++step) x = work_step(x);
            benchmark::DoNotOptimize(x);
            const Clock::time_point after = Clock::now();
            ms.push_back(std::chrono::duration<double, std::milli>(after - before).count());
            next = std::max(next + Pacer::kPeriod, after);
            std::this_thread::sleep_until(next);
        }
        state.counters["median_ms"] = percentile(ms, 50);
        state.counters["p99_ms"] = percentile(ms, 99);
        state.counters["worst_ms"] = percentile(ms, 100);
    }
}

}  // namespace

void register_scale_benchmarks() {
    const auto once = [](benchmark::internal::Benchmark* b) {
        b->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
    };
    once(benchmark::RegisterBenchmark("P9_cpu/imhooks", Scale_imhooks, Work::Cpu1ms));
    once(benchmark::RegisterBenchmark("P9_cpu/pool", Scale_pool, Work::Cpu1ms));
    once(benchmark::RegisterBenchmark("P9_cpu/std_async", Scale_per_row, Work::Cpu1ms, true));
    once(benchmark::RegisterBenchmark("P9_cpu/thread_per_job", Scale_per_row, Work::Cpu1ms, false));
    benchmark::RegisterBenchmark("P9_mount/imhooks", P9_mount_imhooks)
        ->Iterations(size(10, 1))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P9_mount/pool", P9_mount_pool)
        ->Iterations(size(10, 1))
        ->Unit(benchmark::kMillisecond);
    once(
        benchmark::RegisterBenchmark("P10_wait/imhooks_sleep_for", Scale_imhooks, Work::Sleep20ms));
    once(benchmark::RegisterBenchmark("P10_wait/imhooks_blocking", Scale_imhooks,
                                      Work::Blocking20ms));
    once(benchmark::RegisterBenchmark("P10_wait/pool", Scale_pool, Work::Sleep20ms));
    once(benchmark::RegisterBenchmark("P10_wait/std_async", Scale_per_row, Work::Sleep20ms, true));
    once(benchmark::RegisterBenchmark("P10_wait/thread_per_job", Scale_per_row, Work::Sleep20ms,
                                      false));
    once(benchmark::RegisterBenchmark("P11_rerun/imhooks", P11_imhooks));
    once(benchmark::RegisterBenchmark("P11_rerun/pool", P11_pool));
    benchmark::RegisterBenchmark("P11_change/imhooks", P11_change_imhooks)
        ->Iterations(size(10, 1))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P11_change/pool", P11_change_pool)
        ->Iterations(size(10, 1))
        ->Unit(benchmark::kMillisecond);
    once(benchmark::RegisterBenchmark("Stalls/fixed_frame", Stalls_fixed_frame));
}

}  // namespace bench
