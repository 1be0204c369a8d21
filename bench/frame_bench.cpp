// Measures the UI thread's frame time: P1 (10,000 components with three hooks each, against the
// same rows with hand-kept state in a hash map) and P8 (1,000 components each with a running job,
// against the same UI whose jobs are idle).
#include "support.h"

#include <imhooks/imhooks.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stop_token>
#include <unordered_map>
#include <vector>

namespace bench {

namespace {

using namespace std::chrono_literals;

//----------------------------------------------------------------------------------------------
// P1: 10,000 rows, each a Text with a state, a ref and a memo
//----------------------------------------------------------------------------------------------

void HookRow(int i) {
    auto [count, set_count] = imhooks::use_state(i);
    float& frames_seen = imhooks::use_ref(0.0f);
    const int& twice = imhooks::use_memo([&] { return count * 2; }, imhooks::deps(count));
    frames_seen += 1.0f;
    ImGui::Text("row %d: count %d, twice %d, frames %.0f", i, count, twice, frames_seen);
}

// What the same row looks like written by hand today: its state in a hash map keyed by the
// ImGuiID of the row, the memo kept next to the value it was computed from.
struct HandRowState {
    int count = 0;
    float frames_seen = 0;
    int twice = 0;
    int twice_of = 0;
    bool has_twice = false;
};

void HandRow(std::unordered_map<ImGuiID, HandRowState>& states, int i) {
    ImGui::PushID(i);
    const ImGuiID id = ImGui::GetID("row");
    auto [it, inserted] = states.try_emplace(id);
    HandRowState& row = it->second;
    if (inserted) row.count = i;
    if (!row.has_twice || row.twice_of != row.count) {
        row.twice = row.count * 2;
        row.twice_of = row.count;
        row.has_twice = true;
    }
    row.frames_seen += 1.0f;
    ImGui::Text("row %d: count %d, twice %d, frames %.0f", i, row.count, row.twice,
                row.frames_seen);
    ImGui::PopID();
}

int p1_rows() {
    return size(10'000, 200);
}

void P1_imhooks(benchmark::State& state) {
    Context context;
    imhooks::Runtime runtime;
    const int rows = p1_rows();
    auto ui = [&] {
        for (int i = 0; i < rows; ++i) imhooks::component(i, [i] { HookRow(i); });
    };
    for (int i = 0; i < 3; ++i) frame("P1", ui);  // mount outside the timing
    for (auto _ : state) frame("P1", ui);
    state.counters["components"] = rows;
}

void P1_hand_written(benchmark::State& state) {
    Context context;
    std::unordered_map<ImGuiID, HandRowState> states;
    const int rows = p1_rows();
    auto ui = [&] {
        for (int i = 0; i < rows; ++i) HandRow(states, i);
    };
    for (int i = 0; i < 3; ++i) frame("P1", ui);
    for (auto _ : state) frame("P1", ui);
    state.counters["components"] = rows;
}

// Both UIs in one benchmark, each in its own context, in alternating blocks of frames
// (frame_block(), alternate()).
void P1_paired(benchmark::State& state) {
    Context hook_context;
    imhooks::Runtime runtime(hook_context.get());
    Context hand_context;
    std::unordered_map<ImGuiID, HandRowState> states;
    const int rows = p1_rows();
    auto hook_ui = [&] {
        for (int i = 0; i < rows; ++i) imhooks::component(i, [i] { HookRow(i); });
    };
    auto hand_ui = [&] {
        for (int i = 0; i < rows; ++i) HandRow(states, i);
    };
    auto hook_block = [&] { return frame_block(hook_context, "P1", hook_ui); };
    auto hand_block = [&] { return frame_block(hand_context, "P1", hand_ui); };
    for (int i = 0; i < 3; ++i) {
        hook_block();
        hand_block();
    }
    alternate(state, "imhooks_us", hook_block, "hand_written_us", hand_block);
    ImGui::SetCurrentContext(hook_context.get());
    state.counters["components"] = rows;
}

//----------------------------------------------------------------------------------------------
// P8: 1,000 rows, each a job's state and progress bar; the jobs report progress every 16 ms
//----------------------------------------------------------------------------------------------

constexpr auto kReportPeriod = 16ms;

int p8_rows() {
    return size(1'000, 20);
}
int p8_frames() {
    return size(60, 3);
}

void JobRow(int i, bool running) {
    imhooks::Result<int> job = imhooks::use_thread(
        [running](std::stop_token) -> int {
            if (!running) return 1;
            // Runs until stopped: sleep_for throws Cancelled when the component unmounts.
            for (int step = 0;; ++step) {
                imhooks::sleep_for(kReportPeriod);
                imhooks::report_progress(static_cast<float>(step % 100) / 100.0f);
            }
        },
        imhooks::deps());
    ImGui::Text("job %d: %s", i, imhooks::to_string(job.state()));
    ImGui::ProgressBar(job.progress().value_or(job.value() ? 1.0f : 0.0f), ImVec2(200, 0));
}

// Renders paced frames until `ready()` (every job running, or every job done), then times
// p8_frames() of them. The pacing sleep is outside the timing; cpu_time is the UI thread's.
template <class Ui, class Ready>
void time_paced_frames(benchmark::State& state, Ui& ui, Ready&& ready) {
    Pacer pacer;
    const Clock::time_point deadline = Clock::now() + 30s;
    int settled = 0;
    // Half a second of steady state after ready(): every job has reported by then.
    while (settled < 30 && Clock::now() < deadline) {
        frame("P8", ui);
        settled = ready() ? settled + 1 : 0;
        pacer.sleep();
    }
    if (settled < 30) state.SkipWithError("the jobs did not reach their steady state in 30 s");
    const std::chrono::nanoseconds cpu_before = process_cpu_time();
    const Clock::time_point wall_before = Clock::now();
    for (auto _ : state) {
        frame("P8", ui);
        state.PauseTiming();
        pacer.sleep();
        state.ResumeTiming();
    }
    state.counters["components"] = p8_rows();
    // The CPU of all the process's threads (the UI and the jobs) over the timed frames, in per
    // cent of one core.
    state.counters["process_cpu_pct"] =
        100.0 * std::chrono::duration<double>(process_cpu_time() - cpu_before).count() /
        std::chrono::duration<double>(Clock::now() - wall_before).count();
}

void P8_imhooks(benchmark::State& state, bool running) {
    Context context;
    const int rows = p8_rows();
    // Every job runs at once, each on a thread of its own, as the hand-written rows' std::async
    // jobs do: P8 times the frame that shows 1,000 running jobs, not the executor. (With the
    // default two slots, 1,000 jobs waking every 16 ms keep both slots busy with runs coming back
    // from sleep_for, and the runs still queued behind them never start.)
    imhooks::ExecutorOptions pool;
    pool.max_running = static_cast<std::size_t>(rows);
    pool.max_threads = static_cast<std::size_t>(rows) + 8;
    imhooks::RuntimeOptions options;
    options.executor = std::make_shared<imhooks::Executor>(pool);
    imhooks::Runtime runtime(ImGui::GetCurrentContext(), options);
    auto ui = [&] {
        for (int i = 0; i < rows; ++i) imhooks::component(i, [&, i] { JobRow(i, running); });
    };
    const imhooks::ResultState wanted =
        running ? imhooks::ResultState::Running : imhooks::ResultState::Finished;
    time_paced_frames(state, ui, [&] {
        // Only while settling: describing the hooks builds a few strings per component.
        int matching = 0;
        runtime.for_each_component(
            [&](const imhooks::ComponentInfo& info) {
                if (!info.hook_list.empty() && info.hook_list[0].status == wanted) ++matching;
            },
            /*with_hooks=*/true);
        return matching == rows;
    });
}

// The hand-written version: std::async per row, polled with wait_for(0) every frame, progress
// and cancel flags as atomics, state in a hash map keyed by ImGuiID.
struct HandJob {
    std::future<int> future;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<float>> progress = std::make_shared<std::atomic<float>>(0.0f);
    int value = 0;
    bool done = false;
};

void HandJobRow(std::unordered_map<ImGuiID, HandJob>& jobs, int i, bool running) {
    ImGui::PushID(i);
    const ImGuiID id = ImGui::GetID("job");
    auto [it, inserted] = jobs.try_emplace(id);
    HandJob& job = it->second;
    if (inserted) {
        job.future =
            std::async(std::launch::async, [running, cancel = job.cancel, progress = job.progress] {
                if (!running) return 1;
                for (int step = 0; !cancel->load(); ++step) {
                    std::this_thread::sleep_for(kReportPeriod);
                    progress->store(static_cast<float>(step % 100) / 100.0f);
                }
                return 0;
            });
    }
    if (!job.done && job.future.wait_for(0s) == std::future_status::ready) {
        job.value = job.future.get();
        job.done = true;
    }
    ImGui::Text("job %d: %s", i, job.done ? "FINISHED" : "RUNNING");
    ImGui::ProgressBar(job.done ? 1.0f : job.progress->load(), ImVec2(200, 0));
    ImGui::PopID();
}

void P8_hand_written(benchmark::State& state, bool running) {
    Context context;
    std::unordered_map<ImGuiID, HandJob> jobs;
    const int rows = p8_rows();
    auto ui = [&] {
        for (int i = 0; i < rows; ++i) HandJobRow(jobs, i, running);
    };
    time_paced_frames(state, ui, [&] {
        std::size_t matching = 0;
        for (const auto& [id, job] : jobs) matching += job.done != running ? 1 : 0;
        return matching == static_cast<std::size_t>(rows);
    });
    for (auto& [id, job] : jobs) job.cancel->store(true);
    jobs.clear();  // the futures' destructors join the threads
}

}  // namespace

void register_frame_benchmarks() {
    benchmark::RegisterBenchmark("P1_frame/imhooks", P1_imhooks)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("P1_frame/hand_written", P1_hand_written)
        ->Unit(benchmark::kMicrosecond);
    benchmark::internal::Benchmark* paired =
        benchmark::RegisterBenchmark("P1_frame/paired", P1_paired);
    paired->Unit(benchmark::kMillisecond);
    if (!smoke()) paired->MinTime(2.0);  // about 20 pairs of blocks per repetition
    // Paced at 60 Hz, so the iteration count is fixed rather than found from the CPU time.
    const auto p8 = [](const char* name, void (*run)(benchmark::State&, bool), bool running) {
        benchmark::RegisterBenchmark(name, run, running)
            ->Iterations(p8_frames())
            ->Unit(benchmark::kMicrosecond);
    };
    p8("P8_frame/imhooks_running", P8_imhooks, true);
    p8("P8_frame/imhooks_idle", P8_imhooks, false);
    p8("P8_frame/hand_written_running", P8_hand_written, true);
    p8("P8_frame/hand_written_idle", P8_hand_written, false);
}

}  // namespace bench
