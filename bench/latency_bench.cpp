// Measures latencies the user sees: P3 (a worker's result until a UI thread blocked in
// Runtime::wait shows it) and P5 (cancel() until the UI shows Cancelled, for a job that
// checkpoints every 10 µs), each against std::async polled by a 60 Hz loop.
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <random>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

namespace {

using namespace std::chrono_literals;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

void report_latencies(benchmark::State& state, std::vector<double>& micros_samples) {
    state.counters["samples"] = static_cast<double>(micros_samples.size());
    state.counters["p50_us"] = percentile(micros_samples, 50);
    state.counters["p99_us"] = percentile(micros_samples, 99);
    state.counters["max_us"] = percentile(micros_samples, 100);
}

//----------------------------------------------------------------------------------------------
// P3: result -> visible
//----------------------------------------------------------------------------------------------

int p3_samples() {
    return size(500, 5);
}

void P3_imhooks(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        std::atomic<bool> ui_blocked{false};
        std::atomic<std::int64_t> returned_ns{0};
        std::int64_t seen_ns = 0;
        int run = 0;
        imhooks::ResultState shown = imhooks::ResultState::Initial;
        auto ui = [&] {
            imhooks::component("p3", [&] {
                imhooks::Result<int> result = imhooks::use_thread(
                    [&ui_blocked, &returned_ns](std::stop_token stop) {
                        // Return only once the UI thread has gone to sleep in Runtime::wait:
                        // it announces it just before, and 200 µs is ample to get there.
                        while (!ui_blocked.load()) {
                            if (stop.stop_requested()) return 0;
                            std::this_thread::sleep_for(20us);
                        }
                        std::this_thread::sleep_for(200us);
                        returned_ns.store(now_ns());
                        return 1;
                    },
                    imhooks::deps(run));
                shown = result.state();
                if (shown == imhooks::ResultState::Finished && !result.stale() && seen_ns == 0)
                    seen_ns = now_ns();
                ImGui::Text("run %d: %s", run, imhooks::to_string(shown));
            });
        };
        std::vector<double> latencies;
        for (int sample = 0; sample < p3_samples(); ++sample) {
            ++run;
            seen_ns = 0;
            // Until the run is in user code and no frame is due: the UI is idle.
            if (!frame_until(runtime, "P3", ui,
                             [&] { return shown == imhooks::ResultState::Running; })) {
                state.SkipWithError("the job did not start in 30 s");
                return;
            }
            while (runtime.needs_frame()) frame("P3", ui);
            while (seen_ns == 0) {
                ui_blocked.store(true);
                runtime.wait(5s);
                ui_blocked.store(false);
                frame("P3", ui);
            }
            latencies.push_back(static_cast<double>(seen_ns - returned_ns.load()) * 1e-3);
        }
        report_latencies(state, latencies);
    }
}

// The hand-written loop renders at 60 Hz and polls the future with wait_for(0) every frame; the
// job returns at a random point of the frame period.
int hand_samples() {
    return size(60, 3);
}

void P3_hand_written(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        std::mt19937 random(42);
        std::uniform_int_distribution<int> delay_us(0, 16'666);
        std::vector<double> latencies;
        std::future<std::int64_t> job;
        bool waiting = false;
        std::int64_t seen_ns = 0;
        auto ui = [&] {
            if (waiting && job.wait_for(0s) == std::future_status::ready) {
                seen_ns = now_ns();
                latencies.push_back(static_cast<double>(seen_ns - job.get()) * 1e-3);
                waiting = false;
            }
            ImGui::Text("samples %zu", latencies.size());
        };
        Pacer pacer;
        while (latencies.size() < static_cast<std::size_t>(hand_samples())) {
            if (!waiting) {
                const auto delay = std::chrono::microseconds(delay_us(random));
                job = std::async(std::launch::async, [delay] {
                    std::this_thread::sleep_for(delay);
                    return now_ns();
                });
                waiting = true;
            }
            frame("P3", ui);
            pacer.sleep();
        }
        report_latencies(state, latencies);
    }
}

//----------------------------------------------------------------------------------------------
// P5: cancel() -> Cancelled visible
//----------------------------------------------------------------------------------------------

constexpr auto kCheckpointEvery = 10us;

int p5_samples() {
    return size(300, 5);
}

void P5_imhooks(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        std::mt19937 random(42);
        std::uniform_int_distribution<int> offset_us(0, 100);
        int run = 0;
        imhooks::Result<int> shown;
        std::int64_t cancelled_seen_ns = 0;
        auto ui = [&] {
            imhooks::component("p5", [&] {
                shown = imhooks::use_thread(
                    [](std::stop_token) -> int {
                        for (;;) {
                            spin_for(kCheckpointEvery);
                            imhooks::checkpoint();
                        }
                    },
                    imhooks::deps(run));
                if (shown.state() == imhooks::ResultState::Cancelled && cancelled_seen_ns == 0)
                    cancelled_seen_ns = now_ns();
                ImGui::Text("run %d: %s", run, imhooks::to_string(shown.state()));
            });
        };
        std::vector<double> latencies;
        for (int sample = 0; sample < p5_samples(); ++sample) {
            ++run;
            cancelled_seen_ns = 0;
            if (!frame_until(runtime, "P5", ui,
                             [&] { return shown.state() == imhooks::ResultState::Running; })) {
                state.SkipWithError("the job did not start in 30 s");
                return;
            }
            while (runtime.needs_frame()) frame("P5", ui);
            // Land the cancel at a random point of the job's 10 µs between checkpoints.
            spin_for(std::chrono::microseconds(offset_us(random)));
            const std::int64_t cancel_ns = now_ns();
            shown.cancel();
            while (cancelled_seen_ns == 0) {
                runtime.wait(5s);
                frame("P5", ui);
            }
            latencies.push_back(static_cast<double>(cancelled_seen_ns - cancel_ns) * 1e-3);
        }
        report_latencies(state, latencies);
    }
}

// The hand-written job checks a std::atomic<bool> every 10 µs; the 60 Hz loop sets it (the
// Cancel button, below the poll in the panel) and sees the future ready at a later frame's poll.
void P5_hand_written(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        std::mt19937 random(42);
        std::uniform_int_distribution<int> frames_before_cancel(1, 3);
        std::vector<double> latencies;
        std::future<int> job;
        std::atomic<bool> cancel{false};
        bool running = false;
        int frames_left = 0;
        std::int64_t cancel_ns = 0;
        auto ui = [&] {
            if (running && job.wait_for(0s) == std::future_status::ready) {
                job.get();
                latencies.push_back(static_cast<double>(now_ns() - cancel_ns) * 1e-3);
                running = false;
            }
            ImGui::Text("samples %zu", latencies.size());
            if (running && cancel_ns == 0 && --frames_left == 0) {
                cancel.store(true);
                cancel_ns = now_ns();
            }
        };
        Pacer pacer;
        while (latencies.size() < static_cast<std::size_t>(hand_samples())) {
            if (!running) {
                cancel.store(false);
                cancel_ns = 0;
                frames_left = frames_before_cancel(random);
                job = std::async(std::launch::async, [&cancel] {
                    for (;;) {
                        spin_for(kCheckpointEvery);
                        if (cancel.load()) return -1;
                    }
                });
                running = true;
            }
            frame("P5", ui);
            pacer.sleep();
        }
        report_latencies(state, latencies);
    }
}

}  // namespace

void register_latency_benchmarks() {
    // One batch of samples per repetition; the figures are the percentile counters.
    using Run = void (*)(benchmark::State&);
    const std::pair<const char*, Run> benchmarks[] = {
        {"P3_result_latency/imhooks", P3_imhooks},
        {"P3_result_latency/hand_written_60hz", P3_hand_written},
        {"P5_cancel_latency/imhooks", P5_imhooks},
        {"P5_cancel_latency/hand_written_60hz", P5_hand_written},
    };
    for (const auto& [name, run] : benchmarks)
        benchmark::RegisterBenchmark(name, run)->Iterations(1)->UseRealTime()->Unit(
            benchmark::kMillisecond);
}

}  // namespace bench
