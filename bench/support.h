// Shared pieces of the benchmarks: a headless ImGui context, a 60 Hz frame pacer, clocks,
// memory and thread counts, percentiles, and the smoke switch that shrinks every problem.
#pragma once

#include <imhooks/runtime.h>

#include <imgui.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// --smoke: every benchmark runs a tiny version of itself (ctest keeps them compiling and
// running; no figure means anything then).
bool smoke();
void set_smoke(bool on);
// `full` normally, `tiny` under --smoke.
template <class T>
T size(T full, T tiny) {
    return smoke() ? tiny : full;
}

// An ImGui context without window or GL, made current for its lifetime: display size set, font
// atlas built, no .ini file, a fixed 60 Hz time step. Both the imhooks UIs and the hand-written
// ones draw into one of these, so they pay the same ImGui costs.
class Context {
  public:
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ImGuiContext* get() const { return context_; }

  private:
    ImGuiContext* context_;
};

// NewFrame(), one full-screen window named `title` with `body` in it, Render().
template <class Body>
void frame(const char* title, Body&& body) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoSavedSettings);
    body();
    ImGui::End();
    ImGui::Render();
}

// Renders frames of `body` until done() (checked after each frame), sleeping in Runtime::wait
// between frames as an idle-aware loop does (at most 5 ms, so a condition that requests no frame
// is seen too). False after `timeout`.
template <class Body, class Done>
bool frame_until(imhooks::Runtime& runtime, const char* title, Body& body, Done&& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
        frame(title, body);
        if (done()) return true;
        if (Clock::now() >= deadline) return false;
        runtime.wait(std::chrono::milliseconds(5));
    }
}

// A display's vertical blank, which Xvfb and a headless context lack: sleep() returns at the next
// 1/60 s tick, as glfwSwapBuffers with vsync does.
class Pacer {
  public:
    static constexpr auto kPeriod = std::chrono::nanoseconds(16'666'667);
    Pacer() : next_(Clock::now() + kPeriod) {}
    void sleep();

  private:
    Clock::time_point next_;
};

// CPU time consumed by the calling thread.
std::chrono::nanoseconds thread_cpu_time();
// CPU time consumed by every thread of this process.
std::chrono::nanoseconds process_cpu_time();
// Resident set size of this process, in KiB (from /proc/self/statm).
long resident_kib();
// Threads of this process (from /proc/self/task).
int thread_count();
// thread_count() once it held still for 100 ms (at most 10 s): threads of an earlier benchmark
// may still be exiting.
int settled_thread_count();
// Spins (no sleep, no syscall) for `duration`: work of a known length.
void spin_for(std::chrono::nanoseconds duration);

// One step of xorshift64: a serial chain of a few cycles that nothing can vectorise away, for
// work of a fixed amount.
inline std::uint64_t work_step(std::uint64_t x) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

// The p-th percentile (0..100, nearest rank) of `samples` (reordered).
double percentile(std::vector<double>& samples, double p);

double micros(Clock::duration duration);

// Paired UIs, each in its own context: on a shared machine the load changes from second to second,
// and a ratio of two runs taken seconds apart measures the neighbours as much as the code.

// A block of frames of `ui` in `context`: one frame to warm the caches with its own data, then
// four timed by the UI thread's CPU time. Returns microseconds per frame.
template <class Ui>
double frame_block(Context& context, const char* title, Ui& ui) {
    ImGui::SetCurrentContext(context.get());
    frame(title, ui);
    const auto before = thread_cpu_time();
    for (int i = 0; i < 4; ++i) frame(title, ui);
    return micros(thread_cpu_time() - before) / 4;
}

// Two variants measured in pairs: each iteration runs `first()` and `second()` once, the one
// first that went second in the previous iteration, and the counters `first_name`, `second_name`
// and "ratio" get the medians of their figures and of the per-iteration ratios first / second. A
// run that failed returns std::nullopt, having called state.SkipWithError(): the pairs end there.
template <class First, class Second>
void alternate(benchmark::State& state, const char* first_name, First&& first,
               const char* second_name, Second&& second) {
    std::vector<double> firsts, seconds, ratios;
    bool first_first = true;
    for (auto _ : state) {
        std::optional<double> a, b;
        if (first_first) {
            a = first();
            if (a) b = second();
        } else {
            b = second();
            if (b) a = first();
        }
        if (!a || !b) return;
        first_first = !first_first;
        firsts.push_back(*a);
        seconds.push_back(*b);
        ratios.push_back(*a / *b);
    }
    state.counters[first_name] = percentile(firsts, 50);
    state.counters[second_name] = percentile(seconds, 50);
    state.counters["ratio"] = percentile(ratios, 50);
}

// Registration, one function per source file.
void register_frame_benchmarks();
void register_job_benchmarks();
void register_latency_benchmarks();
void register_retry_benchmarks();
void register_scale_benchmarks();
void register_run_cost_benchmarks();
void register_query_benchmarks();

}  // namespace bench
