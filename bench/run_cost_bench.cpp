// The cost of one run and of one finished row: P12 (CPU per run, request -> job code -> result
// visible) and P13 (the steady frame of 10,000 components with finished hooks), each beside the
// hand-written code.
#include "hand_rows.h"
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>

#include <imgui.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace bench {

namespace {

using namespace std::chrono_literals;

// P12: CPU per run, request -> job code -> result visible

int p12_rows() {
    return size(1'000, 20);
}
int p12_rounds() {
    return size(20, 2);
}

// Rounds of `rows` runs of a trivial job; returns the process's CPU time per run, after taking
// away the CPU of as many frames of the same UI with nothing running.
template <class Round, class IdleFrame>
double cpu_per_run_us(Round&& round, IdleFrame&& idle_frame, int runs) {
    int frames = 0;
    const auto before = process_cpu_time();
    for (int r = 0; r < p12_rounds(); ++r) frames += round();
    const auto with_runs = process_cpu_time() - before;
    const auto idle_before = process_cpu_time();
    for (int f = 0; f < frames; ++f) idle_frame();
    const auto idle = process_cpu_time() - idle_before;
    return std::chrono::duration<double, std::micro>(with_runs - idle).count() / runs;
}

void P12_imhooks(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        imhooks::Runtime runtime;
        const int rows = p12_rows();
        std::vector<imhooks::Result<int>> shown(static_cast<std::size_t>(rows));
        bool retry = false;
        int finished = 0;
        auto ui = [&] {
            finished = 0;
            for (int i = 0; i < rows; ++i)
                imhooks::component(i, [&, i] {
                    imhooks::Result<int>& r = shown[static_cast<std::size_t>(i)];
                    r = imhooks::use_thread([i] { return i; });
                    if (retry) r.retry();
                    finished += r.state() == imhooks::ResultState::Finished;
                    row_text(i, r);
                });
        };
        frame_until(runtime, "p12", ui, [&] { return finished == rows; });
        auto round = [&] {
            retry = true;
            frame("p12", ui);
            retry = false;
            int frames = 1;
            while (finished != rows) {
                runtime.wait(100ms);
                frame("p12", ui);
                ++frames;
            }
            return frames;
        };
        state.counters["cpu_per_run_us"] = cpu_per_run_us(
            round, [&] { frame("p12", ui); }, rows * p12_rounds());
    }
}

void P12_pool(benchmark::State& state) {
    for (auto _ : state) {
        Context context;
        HandPool pool(cores());
        const int rows = p12_rows();
        HandRows hand(rows);
        std::mutex mutex;
        std::condition_variable changed;
        bool submit = true;
        auto ui = [&] {
            if (submit) {
                hand.renew();
                for (int i = 0; i < rows; ++i) {
                    auto job = hand.jobs[static_cast<std::size_t>(i)];
                    pool.submit([&, job, i] {
                        job->state.store(1);
                        job->value.store(i);
                        job->state.store(2);
                        if (hand.finished.fetch_add(1) + 1 == rows) {
                            std::lock_guard lock(mutex);
                            changed.notify_all();  // wakes the UI, as a waker would
                        }
                    });
                }
                submit = false;
            }
            hand.render();
        };
        auto round = [&] {
            submit = true;
            frame("p12", ui);
            int frames = 1;
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return hand.finished.load() == rows; });
            lock.unlock();
            frame("p12", ui);
            return frames + 1;
        };
        state.counters["cpu_per_run_us"] = cpu_per_run_us(
            round, [&] { frame("p12", ui); }, rows * p12_rounds());
    }
}

// P13: the steady frame of 10,000 components whose jobs have finished

void P13_paired(benchmark::State& state) {
    const int rows = scale_rows();
    Context hook_context;
    imhooks::Runtime runtime(hook_context.get());
    int finished = 0;
    auto hook_ui = [&] {
        finished = 0;
        for (int i = 0; i < rows; ++i)
            imhooks::component(i, [&, i] {
                imhooks::Result<int> r = imhooks::use_thread([i] { return i; });
                finished += r.state() == imhooks::ResultState::Finished;
                row_text(i, r);
            });
    };
    frame_until(runtime, "p13", hook_ui, [&] { return finished == rows; });

    // By hand: each row's finished future's value kept in a hash map keyed by the row's ID.
    Context hand_context;
    struct HandRow {
        std::future<int> future;
        bool ready = false;
        int value = 0;
    };
    std::unordered_map<ImGuiID, HandRow> hand_rows;
    auto hand_ui = [&] {
        for (int i = 0; i < rows; ++i) {
            ImGui::PushID(i);
            auto [it, inserted] = hand_rows.try_emplace(ImGui::GetID("row"));
            HandRow& row = it->second;
            if (inserted) {
                std::promise<int> done;
                done.set_value(i);
                row.future = done.get_future();
            }
            if (!row.ready && row.future.wait_for(0s) == std::future_status::ready) {
                row.value = row.future.get();
                row.ready = true;
            }
            ImGui::Text("row %d: %s %d", i, row.ready ? "FINISHED" : "RUNNING",
                        row.ready ? row.value : -1);
            ImGui::PopID();
        }
    };
    ImGui::SetCurrentContext(hand_context.get());
    frame("p13", hand_ui);

    alternate(
        state, "imhooks_us", [&] { return frame_block(hook_context, "p13", hook_ui); },
        "hand_written_us", [&] { return frame_block(hand_context, "p13", hand_ui); });
    ImGui::SetCurrentContext(hook_context.get());
    state.counters["components"] = rows;
}

}  // namespace

void register_run_cost_benchmarks() {
    benchmark::RegisterBenchmark("P12_cpu_per_run/imhooks", P12_imhooks)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P12_cpu_per_run/pool", P12_pool)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("P13_steady_frame/paired", P13_paired)
        ->Iterations(size(20, 2))
        ->Unit(benchmark::kMillisecond);
}

}  // namespace bench
