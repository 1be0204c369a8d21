// libFuzzer target: runs its input as a program of runtime operations and checks that nothing
// crashes, hangs or leaks and that every Result follows the SPEC's state machine.
//
// Input format: the first byte configures the runtime (bit 0: error boundaries off, bit 1: the
// ImGui context is destroyed before the Runtime at the end, bit 2: operations 18-22 are used).
// Then operations, each an opcode byte (taken modulo 23 with bit 2, else modulo 18, so that
// inputs written before operations 18-22 existed keep their meaning) followed by its argument
// bytes; missing bytes read as zero.
//   0 mount K FORM BEHAVIOUR DEP   1 unmount K            2 frame
//   3 change hook order K VARIANT CATCH_INSIDE             4 set deps from the UI K VALUE
//   5 set deps from a thread K VALUE                       6 cancel from the UI K
//   7 cancel from a thread K        8 retry from the UI K   9 retry from a thread K
//  10 wait MS                      11 recreate the Runtime FLAGS
//  12 destroy the context before the Runtime, then recreate both
//  13 render K twice in a frame CATCH_INSIDE                14 a hook outside any component
//  15 frames until every job settled                        16 frames N
//  17 increment a counter state from three threads K
//  18 odd keys MASK: which of the odd-key components render from now on (the empty and null
//     keys, a label changing before ###, two strings with one ImGui ID, an integer and a string
//     with one ImGui ID)
//  19 re-entrant callbacks FLAGS DURATION: a waker that calls request_frame_in(odd duration),
//     request_frame() and replaces itself; an error handler that replaces itself on every call
//  20 an updater that calls its own setter K FROM_THREAD
//  21 odd durations WHICH: request_frame_in and wait with 0, negative, tiny and huge durations
//  22 destroy the Runtime during a frame MODE (from a body, an effect, another thread), then
//     create a new one
// K is a component key (modulo kKeys). Jobs are short (microseconds per step) and honour their
// stop, so every input ends in milliseconds.
#include "colliding_keys.h"
#include "result_checker.h"
#include "support.h"

#include <imhooks/imhooks.h>

#include <imgui.h>
#include <imgui_internal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

constexpr int kKeys = 6;
constexpr int kBaseOpCount = 18;
constexpr int kOpCount = 23;
constexpr int kDeps = 4;
constexpr auto kSettleBound = 5s;  // jobs take microseconds: not settling by then is a hang

[[noreturn]] void violation(const char* format, ...) {
    std::va_list args;
    va_start(args, format);
    std::fputs("imhooks_fuzz: VIOLATION: ", stderr);
    std::vfprintf(stderr, format, args);
    std::fputs("\n", stderr);
    va_end(args);
    std::abort();  // libFuzzer keeps the input as a crash
}

//----------------------------------------------------------------------------------------------
// Counters that must balance at the end of every input

std::atomic<long> g_guards{0};    // locals of running jobs (constructed minus destroyed)
std::atomic<long> g_captures{0};  // copies of job objects alive
std::atomic<long> g_effects{0};   // effects run minus cleanups run
std::atomic<long> g_runs{0};

// Totals over all inputs, printed at exit when IMHOOKS_FUZZ_STATS is set (to see what a corpus
// exercises).
struct Totals {
    long inputs = 0, frames = 0, observations = 0, hook_errors = 0, runtimes = 0, settles = 0;
    long states[test::kStates] = {};
    ~Totals() {
        if (!std::getenv("IMHOOKS_FUZZ_STATS")) return;
        std::fprintf(stderr,
                     "imhooks_fuzz: %ld inputs, %ld frames, %ld runtimes, %ld settles, %ld "
                     "HookErrors, %ld job runs, %ld Results checked:",
                     inputs, frames, runtimes, settles, hook_errors, g_runs.load(), observations);
        for (std::size_t i = 0; i < test::kStates; ++i)
            std::fprintf(stderr, " %s %ld", to_string(static_cast<ResultState>(i)), states[i]);
        std::fprintf(stderr, "\n");
    }
} g_totals;

struct Guard {
    Guard() { ++g_guards; }
    ~Guard() { --g_guards; }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
};

struct Counted {
    Counted() { ++g_captures; }
    Counted(const Counted&) { ++g_captures; }
    Counted(Counted&&) noexcept { ++g_captures; }
    Counted& operator=(const Counted&) = default;
    ~Counted() { --g_captures; }
};

//----------------------------------------------------------------------------------------------
// Mounts and their jobs

// Where a value came from: the instance, the run, the step and the dependency value.
struct Tag {
    int dep = -1;
    std::uint64_t mount = 0;
    std::uint64_t run = 0;
    int seq = 0;
    bool after_stop = false;  // produced after the job saw its stop request: must never show
};

enum class Form { Plain, StopToken, JobRef, Generator, GeneratorStop };

struct Config {
    Form form = Form::Plain;
    bool intrusive = true;
    int throw_kind = 0;  // 0: never; 1, 2, 3: at the last, first or middle step
    int steps = 1;
    int actions = 0;  // two bits per step
    int initial_dep = 0;
};

// One component instance with one use_thread hook, as the fuzzer knows it.
struct Mount {
    std::uint64_t uid = 0;
    Config config;
    bool alive = true;                   // false once its instance is unmounted
    mutable std::atomic<int> inside{0};  // its runs in user code now; jobs hold it as const

    // Handles, used by the UI thread and by threads it joins at once.
    Result<Tag> result;
    Setter<int> set_dep;
    Setter<int> set_hits;

    // What the checks remember between frames.
    bool observed = false;
    ResultState last_state = ResultState::Initial;
    std::uint64_t requests = 0;  // retries and dependency sets, all done between frames
    std::uint64_t requests_seen = 0;
    int last_dep = 0;
    bool had_error = false;
    bool has_tag = false;
    Tag last_tag;
    bool expect_cancelled = false;
    int hits_expected = 0;
};

struct Inside {
    const Mount& mount;
    explicit Inside(const Mount& m) : mount(m) {
        if (mount.inside.fetch_add(1) != 0)
            violation("two runs of mount %llu execute user code at once (rule 3)",
                      static_cast<unsigned long long>(mount.uid));
    }
    ~Inside() { mount.inside.fetch_sub(1); }
};

struct NotAnException {};

void maybe_throw(const Config& c, int step) {
    const int at = c.throw_kind == 1 ? c.steps - 1 : c.throw_kind == 2 ? 0 : c.steps / 2;
    if (c.throw_kind == 0 || step != at) return;
    switch (c.throw_kind) {
        case 1:
            throw std::runtime_error("job failed");
        case 2:
            throw 42;
        default:
            throw NotAnException{};
    }
}

void job_step(const Config& c, int step) {
    switch ((c.actions >> (2 * step)) & 3) {
        case 0:
            imhooks::sleep_for(50us);
            break;
        case 1:
            imhooks::checkpoint();
            break;
        case 2:
            imhooks::report_progress(static_cast<float>(step + 1) / static_cast<float>(c.steps),
                                     "step");
            break;
        default:
            std::this_thread::yield();
            break;
    }
}

template <class StopRequested, class Yield>
Tag run_job(const Mount& m, int dep, StopRequested&& stop_requested, Yield&& yield) {
    Guard guard;
    Inside inside(m);
    Tag tag{dep, m.uid, static_cast<std::uint64_t>(++g_runs), 0, false};
    for (int i = 0; i < m.config.steps; ++i) {
        if (stop_requested()) {
            tag.after_stop = true;
            yield(tag);
            return tag;
        }
        maybe_throw(m.config, i);
        job_step(m.config, i);
        tag.seq = i + 1;
        yield(tag);
    }
    tag.after_stop = stop_requested();
    tag.seq = m.config.steps + 1;
    return tag;
}

Generator<Tag> generate(std::shared_ptr<const Mount> m, int dep, Counted /*alive*/,
                        std::stop_token stop, bool use_token) {
    Guard guard;
    Inside inside(*m);
    Tag tag{dep, m->uid, static_cast<std::uint64_t>(++g_runs), 0, false};
    for (int i = 0; i < m->config.steps; ++i) {
        if (use_token ? stop.stop_requested() : imhooks::stop_requested()) {
            tag.after_stop = true;
            co_yield tag;
            co_return;
        }
        maybe_throw(m->config, i);
        job_step(m->config, i);
        tag.seq = i + 1;
        co_yield tag;
    }
}

Result<Tag> use_job(const std::shared_ptr<const Mount>& m, int dep) {
    const ThreadOptions options{.intrusive_cancel = m->config.intrusive};
    Counted alive;
    switch (m->config.form) {
        case Form::Plain:
            return use_thread(
                [m, dep, alive]() -> Tag {
                    return run_job(
                        *m, dep, [] { return imhooks::stop_requested(); }, [](const Tag&) {});
                },
                deps(dep), options);
        case Form::StopToken:
            return use_thread(
                [m, dep, alive](std::stop_token stop) -> Tag {
                    return run_job(
                        *m, dep, [&] { return stop.stop_requested(); }, [](const Tag&) {});
                },
                deps(dep), options);
        case Form::JobRef:
            return use_thread(
                [m, dep, alive](Job<Tag>& job) -> Tag {
                    return run_job(
                        *m, dep, [&] { return job.stop_requested(); },
                        [&](const Tag& tag) { job.yield(tag); });
                },
                deps(dep), options);
        case Form::Generator:
            return use_thread([m, dep, alive] { return generate(m, dep, alive, {}, false); },
                              deps(dep), options);
        case Form::GeneratorStop:
            break;
    }
    return use_thread(
        [m, dep, alive](std::stop_token stop) {
            return generate(m, dep, alive, std::move(stop), true);
        },
        deps(dep), options);
}

// The checks of one frame's Result (see tests/result_checker.h for the state machine).
void observe(Mount& m, const Result<Tag>& r, int dep, int hits) {
    const ResultState state = r.state();
    const auto uid = static_cast<unsigned long long>(m.uid);
    ++g_totals.observations;
    ++g_totals.states[test::index_of(state)];
    if (std::string p = test::snapshot_problem(r); !p.empty())
        violation("mount %llu: %s", uid, p.c_str());
    if (!m.observed) {
        if (state != ResultState::Initial)
            violation("mount %llu: the first frame shows %s (rule 1)", uid, to_string(state));
    } else {
        const bool new_run = m.requests != m.requests_seen;
        if (!test::step_allowed(m.last_state, state, new_run))
            violation("mount %llu: illegal step %s -> %s %s", uid, to_string(m.last_state),
                      to_string(state), new_run ? "across a new run" : "within one run");
        if (dep != m.last_dep && state != ResultState::Starting)
            violation("mount %llu: the frame whose deps changed shows %s (rule 11)", uid,
                      to_string(state));
        if (!new_run && m.had_error && !r.error() && state != ResultState::Finished)
            violation("mount %llu: the error vanished without a Finished run (rule 8)", uid);
    }
    if (const Tag* v = r.value()) {
        if (v->mount != m.uid) violation("mount %llu: a value from another instance", uid);
        if (v->after_stop)
            violation(
                "mount %llu: a value produced after the stop request is shown (run %llu, "
                "state %s; rules 6, 13)",
                uid, static_cast<unsigned long long>(v->run), to_string(state));
        if (!r.stale() && v->dep != dep)
            violation("mount %llu: a value not stale() for deps %d, the deps are %d", uid, v->dep,
                      dep);
        if (m.has_tag &&
            (v->run < m.last_tag.run || (v->run == m.last_tag.run && v->seq < m.last_tag.seq)))
            violation("mount %llu: an older run's value replaced a newer one (rule 13)", uid);
        m.last_tag = *v;
        m.has_tag = true;
    } else if (m.has_tag) {
        violation("mount %llu: the value vanished (rule 8)", uid);
    }
    // A dependency set before cancel() starts its run in this frame, after the cancel.
    if (m.observed && dep != m.last_dep) m.expect_cancelled = false;
    if (m.expect_cancelled) {
        if (state == ResultState::Finished || state == ResultState::Error)
            violation("mount %llu: a cancelled run ended in %s (rule 6)", uid, to_string(state));
        if (state == ResultState::Cancelled) m.expect_cancelled = false;
    }
    if (hits != m.hits_expected)
        violation("mount %llu: the counter shows %d after %d increments from threads", uid, hits,
                  m.hits_expected);
    m.observed = true;
    m.last_state = state;
    m.requests_seen = m.requests;
    m.last_dep = dep;
    m.had_error = r.error() != nullptr;
}

//----------------------------------------------------------------------------------------------
// The interpreter

class Reader {
  public:
    Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool done() const { return at_ >= size_; }
    int next() { return at_ < size_ ? data_[at_++] : 0; }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

enum class Variant { None, StateType, RefInsteadOfState, NoHooks, ExtraHook };

struct KeyState {
    bool want = false;  // rendered in the next frames
    Config config;
    std::shared_ptr<Mount> mount;     // the current instance's record, or the last one's
    Variant variant = Variant::None;  // asked for the next frame
    bool twice = false;               // asked for the next frame
    bool catch_inside = false;
    // Its error boundary caught a failure: while the key is rendered, the instance only draws
    // the error (its body does not run); the first frame without it removes the instance.
    bool failed = false;
    // This frame only.
    Variant applied = Variant::None;
    bool rendered = false;
    bool errored = false;  // a HookError was attributed to it
    // With error boundaries, "rendered twice" is reported once per instance: already reported
    // for the key's current instance (which lives on as the placeholder of a failure too).
    bool twice_reported = false;
};

void ignore_log(void*, const char*, ...) {}

bool terminal(ResultState state) {
    return state == ResultState::Finished || state == ResultState::Error ||
           state == ResultState::Cancelled;
}

ImFontAtlas* g_atlas = nullptr;  // built once, shared by the contexts of all inputs
std::uint64_t g_next_uid = 0;

//----------------------------------------------------------------------------------------------
// Odd keys and odd durations

// Keys whose ImGui IDs collide inside the "fuzz" window, found once by brute force.
struct OddKeys {
    std::string colliding_a, colliding_b;  // two strings, one ID
    long long colliding_int = 0;           // an integer key and a string with one ID
    std::string colliding_string;
} g_odd;

void find_odd_keys() {
    const ImGuiID seed = ImHashStr("fuzz", 0, 0);  // the ID stack's top inside Begin("fuzz")
    std::tie(g_odd.colliding_a, g_odd.colliding_b) = test::colliding_strings(seed);
    // An integer far from the fuzzer's own integer keys.
    std::tie(g_odd.colliding_int, g_odd.colliding_string) =
        test::colliding_int_and_string(seed, 1000);
}

constexpr int kOddKeys = 6;

const std::chrono::milliseconds kOddDurations[] = {
    0ms, 1ms, -1ms, 10s, std::chrono::milliseconds::max(), std::chrono::milliseconds::min()};
constexpr int kOddDurationCount = 6;

// A waker that re-enters the runtime: a timed frame (calling this waker again when earlier), a
// frame request, and a replacement of itself, a few times over.
std::function<void()> reentrant_waker(Runtime* runtime, std::chrono::milliseconds delay,
                                      int depth) {
    return [runtime, delay, depth] {
        runtime->request_frame_in(delay);
        runtime->request_frame();
        if (depth < 3) runtime->set_waker(reentrant_waker(runtime, delay, depth + 1));
    };
}

class Program {
  public:
    explicit Program(int flags)
        : boundaries_((flags & 1) == 0),
          context_first_((flags & 2) != 0),
          op_count_((flags & 4) != 0 ? kOpCount : kBaseOpCount) {
        create_context();
        create_runtime();
    }

    ~Program() {
        if (context_first_) destroy_context();
        runtime_.reset();
        if (context_) destroy_context();
    }

    void run(Reader& in) {
        for (int ops = 0; !in.done() && ops < 400; ++ops) step(in);
        settle();
    }

  private:
    void create_context() {
        context_ = ImGui::CreateContext(g_atlas);
        ImGui::SetCurrentContext(context_);
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        io.DisplaySize = {800, 600};
        io.DeltaTime = 1.0f / 60.0f;
    }

    void destroy_context() {
        ImGui::DestroyContext(context_);  // unmounts every component if a Runtime is attached
        context_ = nullptr;
        kill_all();
    }

    void create_runtime() {
        RuntimeOptions options;
        options.error_boundaries = boundaries_;
        // Every job honours its stop: none is ever detached, and "forever" must wait for them.
        options.shutdown_timeout = forever_shutdown_ ? std::chrono::milliseconds::max() : 10s;
        runtime_ = std::make_unique<Runtime>(context_, options);
        ++g_totals.runtimes;
        install_error_handler();
    }

    // The fuzzer's checks on every reported error; with chained_handler_, through a handler that
    // replaces itself on every call (a one-shot handler, re-armed).
    void install_error_handler() {
        Runtime* runtime = runtime_.get();
        if (!chained_handler_) {
            runtime->set_error_handler([this](const ComponentError& e) { on_component_error(e); });
            return;
        }
        runtime->set_error_handler([this, runtime](const ComponentError& e) {
            runtime->set_error_handler(nullptr);  // the running handler must survive this
            on_component_error(e);
            if (runtime == runtime_.get()) install_error_handler();
        });
    }

    void kill_all() {
        for (KeyState& k : keys_) {
            if (k.mount) k.mount->alive = false;
            k.failed = false;
            k.twice_reported = false;
        }
    }

    void on_component_error(const ComponentError& e) {
        // Failures of runs nobody sees any more (superseded, cancelled, unmounted) are reported
        // as "discarded"; jobs here throw, so these are expected.
        if (std::string(e.where) == "discarded") return;
        // Otherwise only render errors are expected: the effects and cleanups here never throw.
        if (std::string(e.where) != "render")
            violation("unexpected %s error in %s: %s", e.where, e.component.c_str(),
                      e.message.c_str());
        for (int k = 0; k < kKeys; ++k)
            if (e.component == "#" + std::to_string(k)) {
                keys_[k].errored = true;
                return;
            }
        violation("an error for an unknown component %s: %s", e.component.c_str(),
                  e.message.c_str());
    }

    KeyState& key(Reader& in) { return keys_[in.next() % kKeys]; }

    // The handles of the key's instance, or of its last one (then they must do nothing).
    Mount* target(Reader& in) {
        KeyState& k = key(in);
        return k.mount.get();
    }

    static void count_request(Mount& m) {
        ++m.requests;
        m.expect_cancelled = false;
    }

    static void after_cancel(Mount& m) {
        // In flight when cancel() returned: the run must end in Cancelled (rule 6). Exact here:
        // nothing but this program starts runs.
        if (m.alive && m.result.cancel_requested()) m.expect_cancelled = true;
    }

    template <class F>
    static void on_thread(F&& f) {
        std::thread(std::forward<F>(f)).join();
    }

    void step(Reader& in) {
        const int op = in.next() % op_count_;
        switch (op) {
            case 0: {  // mount K FORM BEHAVIOUR DEP
                KeyState& k = key(in);
                const int form = in.next();
                const int behaviour = in.next();
                const int dep = in.next();
                if (k.want) break;
                k.want = true;
                if (k.mount && k.mount->alive) break;  // not unmounted yet: the same instance
                k.config.form = static_cast<Form>(form % 5);
                k.config.intrusive = (form / 5) % 2 == 0;
                k.config.throw_kind = (form / 10) % 4;
                k.config.steps = 1 + behaviour % 4;
                k.config.actions = behaviour >> 2;
                k.config.initial_dep = dep % kDeps;
                break;
            }
            case 1:  // unmount K: at the end of the next frame
                key(in).want = false;
                break;
            case 2:
                frame();
                break;
            case 3: {  // change hook order K VARIANT CATCH_INSIDE
                KeyState& k = key(in);
                k.variant = static_cast<Variant>(1 + in.next() % 4);
                k.catch_inside = in.next() % 2 == 0;
                frame();
                break;
            }
            case 4:    // set deps from the UI K VALUE
            case 5: {  // set deps from a thread K VALUE
                Mount* m = target(in);
                const int value = in.next();
                if (!m) break;
                if (m->alive) count_request(*m);
                auto set = [m, value] {
                    if (value & 0x80)
                        m->set_dep([value](int d) { return (d + value) % kDeps; });
                    else
                        m->set_dep(value % kDeps);
                };
                if (op == 5)
                    on_thread(set);
                else
                    set();
                break;
            }
            case 6:    // cancel from the UI K
            case 7: {  // cancel from a thread K
                Mount* m = target(in);
                if (!m) break;
                if (op == 7)
                    on_thread([m] { m->result.cancel(); });
                else
                    m->result.cancel();
                after_cancel(*m);
                break;
            }
            case 8:    // retry from the UI K
            case 9: {  // retry from a thread K
                Mount* m = target(in);
                if (!m) break;
                if (m->alive) count_request(*m);
                if (op == 9)
                    on_thread([m] { m->result.retry(); });
                else
                    m->result.retry();
                break;
            }
            case 10:  // wait MS
                runtime_->wait(std::chrono::milliseconds(in.next() % 3));
                break;
            case 11: {  // recreate the Runtime FLAGS
                const int flags = in.next();
                boundaries_ = (flags & 1) == 0;
                forever_shutdown_ = (flags & 2) != 0;
                runtime_.reset();
                kill_all();
                create_runtime();
                break;
            }
            case 12:  // destroy the context before the Runtime, then recreate both
                destroy_context();
                runtime_.reset();
                create_context();
                create_runtime();
                break;
            case 13: {  // render K twice in a frame CATCH_INSIDE
                KeyState& k = key(in);
                k.catch_inside = in.next() % 2 == 0;
                k.twice = k.want;
                frame();
                break;
            }
            case 14:  // a hook outside any component
                hook_outside_ = true;
                frame();
                break;
            case 15:
                settle();
                break;
            case 16: {  // frames N
                const int count = 1 + in.next() % 8;
                for (int i = 0; i < count; ++i) frame();
                break;
            }
            case 17: {  // increment a counter state from three threads K
                Mount* m = target(in);
                if (!m) break;
                std::vector<std::thread> threads;
                for (int t = 0; t < 3; ++t)
                    threads.emplace_back([m] {
                        for (int i = 0; i < 25; ++i) m->set_hits([](int n) { return n + 1; });
                    });
                for (std::thread& t : threads) t.join();
                if (m->alive) m->hits_expected += 75;
                break;
            }
            case 18:
                odd_mask_ = in.next();
                break;
            case 19:
                reentrant_callbacks(in);
                break;
            case 20:
                reentrant_updater(in);
                break;
            case 21:
                odd_durations(in);
                break;
            case 22:
                destroy_in_frame_ = 1 + in.next() % 3;
                frame();
                break;
            default:
                break;
        }
    }

    //------------------------------------------------------------------------------------------
    // Re-entrant callbacks, odd durations, odd keys, a Runtime destroyed during its frame

    void reentrant_callbacks(Reader& in) {
        const int flags = in.next();
        const auto delay = kOddDurations[in.next() % kOddDurationCount];
        chained_handler_ = (flags & 1) != 0;
        install_error_handler();
        if (flags & 2) {
            runtime_->set_waker(reentrant_waker(runtime_.get(), delay, 0));
            // Called from another thread, re-entering from there.
            Runtime* runtime = runtime_.get();
            on_thread([runtime] { runtime->request_frame(); });
        } else {
            runtime_->set_waker(nullptr);
        }
    }

    // set(fn) whose fn calls the same setter: both count, the inner one after the outer.
    void reentrant_updater(Reader& in) {
        Mount* m = target(in);
        const bool from_thread = (in.next() & 1) != 0;
        if (!m) return;
        if (m->alive) m->hits_expected += 2;
        auto call = [set = m->set_hits] {
            set([set](int n) {
                set([](int v) { return v + 1; });
                return n + 1;
            });
        };
        if (from_thread)
            on_thread(call);
        else
            call();
    }

    void odd_durations(Reader& in) {
        const int which = in.next();
        runtime_->request_frame_in(kOddDurations[which % kOddDurationCount]);
        switch ((which / kOddDurationCount) % 3) {
            case 0:  // waits that only look
                runtime_->wait(kOddDurations[(which / 18) % 3 == 0 ? 0 : 2]);
                runtime_->wait(std::chrono::milliseconds::min());
                break;
            case 1:  // "forever" with a frame needed returns at once
                runtime_->request_frame();
                if (!runtime_->wait(std::chrono::milliseconds::max()))
                    violation("wait(milliseconds::max()) returned false with a frame needed");
                break;
            default:  // only milliseconds::max() (index 4) never comes
                if (which % kOddDurationCount != 4 && !runtime_->next_timed_frame())
                    violation(
                        "request_frame_in(%lld ms) left no timed frame",
                        static_cast<long long>(kOddDurations[which % kOddDurationCount].count()));
                break;
        }
    }

    // The odd-key components of this frame: each identity keeps its own state (its initial
    // value), and two keys with one ImGui ID get bodies with different ID seeds.
    void render_odd_keys() {
        ImGuiID probe[kOddKeys] = {};
        auto body = [&](int identity) {
            return [&, identity] {
                const int seen = use_state(int{identity * 1000}).value;
                if (seen != identity * 1000)
                    violation("odd key %d shows %d: another instance's state", identity, seen);
                probe[identity] = ImGui::GetID("probe");
            };
        };
        const std::uint64_t f = g_totals.frames;
        for (int identity = 0; identity < kOddKeys; ++identity) {
            if (!(odd_mask_ & (1 << identity))) continue;
            switch (identity) {
                case 0:  // the empty key, as an empty literal and as a null view in turn
                    if (f % 2)
                        component("", body(0));
                    else
                        component(std::string_view{}, body(0));
                    break;
                case 1: {  // one identity under a changing label
                    const std::string key = "label " + std::to_string(f % 3) + "###odd";
                    component(key, body(1));
                    break;
                }
                case 2:
                    component(g_odd.colliding_a, body(2));
                    break;
                case 3:
                    component(g_odd.colliding_b, body(3));
                    break;
                case 4:
                    component(g_odd.colliding_int, body(4));
                    break;
                default:
                    component(g_odd.colliding_string, body(5));
                    break;
            }
        }
        for (int pair : {2, 4})
            if (probe[pair] != 0 && probe[pair] == probe[pair + 1])
                violation("odd keys %d and %d share an ImGui ID seed", pair, pair + 1);
    }

    // A component that destroys the Runtime from its body, from its effect, or (mode 3) from
    // another thread while the body waits: the teardown happens at the end of the frame.
    void render_destroyer() {
        const int mode = destroy_in_frame_;
        component("destroyer", [this, mode] {
            if (mode == 2) {
                use_effect(
                    [this] {
                        runtime_.reset();
                        destroyed_ = true;
                    },
                    deps());
                return;
            }
            if (mode == 1) {
                runtime_.reset();
            } else {
                Runtime* runtime = runtime_.release();
                std::thread([runtime] { delete runtime; }).join();
            }
            destroyed_ = true;
            (void)use_state(0);  // the rest of the body still runs
        });
    }

    // After a frame that destroyed its Runtime: it is gone, and a new one takes over.
    void recreate_after_destroy() {
        destroy_in_frame_ = 0;
        if (!std::exchange(destroyed_, false)) return;  // a HookError left the window first
        if (Runtime::current() != nullptr)
            violation("the Runtime destroyed during a frame is still attached after it");
        runtime_.reset();
        kill_all();
        create_runtime();
    }

    void render_body(KeyState& k, Variant variant) {
        if (k.failed) violation("a component whose error boundary caught a failure ran its body");
        const std::shared_ptr<Mount> m = k.mount;
        // Each variant breaks the previous frames' hook order at another place.
        if (variant == Variant::NoHooks) return;
        if (variant == Variant::StateType) {
            (void)use_state(0L);
            return;
        }
        auto [dep, set_dep] = use_state(int{m->config.initial_dep});
        if (variant == Variant::RefInsteadOfState) {
            (void)use_ref(0);
            return;
        }
        auto [hits, set_hits] = use_state(0);
        int& renders = use_ref(0);
        ++renders;
        const int d = dep;  // clang 14 cannot capture a structured binding
        if (use_memo([d] { return d * 7 + 1; }, deps(d)) != d * 7 + 1)
            violation("use_memo kept a value for other deps");
        use_effect(
            [] {
                ++g_effects;
                return [] { --g_effects; };
            },
            deps(dep));
        Result<Tag> r = use_job(m, dep);
        observe(*m, r, dep, hits);
        m->result = r;
        m->set_dep = set_dep;
        m->set_hits = set_hits;
        if (variant == Variant::ExtraHook) (void)use_state(0);
    }

    void render_key(int index, KeyState& k, Variant variant) {
        k.rendered = true;
        auto body = [&] { render_body(k, variant); };
        if (!boundaries_ && k.catch_inside) {
            try {
                component(index, body);
            } catch (const HookError&) {
                k.errored = true;
            }
        } else {
            component(index, body);  // with boundaries off, a HookError leaves the window
        }
    }

    void frame() {
        ImGui::SetCurrentContext(context_);
        for (KeyState& k : keys_) {
            k.rendered = false;
            k.errored = false;
            // Only an instance that completed a frame has an order to break: on its first
            // frame a "changed" order would simply be its order.
            k.applied = k.want && k.mount && k.mount->alive && k.mount->observed ? k.variant
                                                                                 : Variant::None;
            k.variant = Variant::None;
            if (k.want && !k.failed && (!k.mount || !k.mount->alive)) {
                k.twice_reported = false;  // a new instance
                k.mount = std::make_shared<Mount>();
                k.mount->uid = ++g_next_uid;
                k.mount->config = k.config;
            }
            // Mounts of even uid hold no Result across the frame start (their body keeps this
            // frame's again): the hook then updates the snapshot its slot shows in place, where
            // a kept Result makes it build a new one. Only for instances rendered again in the
            // same order, whose body sets the handle before anything reads it.
            Mount* m = k.mount.get();
            if (m && m->alive && m->observed && m->uid % 2 == 0 && k.want && !k.failed &&
                k.applied == Variant::None && !k.twice)
                m->result = Result<Tag>{};
        }
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize({780, 580});
        ImGui::Begin("fuzz");
        int current = -1;
        try {
            for (int i = 0; i < kKeys; ++i) {
                KeyState& k = keys_[i];
                if (!k.want) continue;
                current = i;
                render_key(i, k, k.applied);
                if (k.twice) render_key(i, k, Variant::None);
            }
            current = -1;
            render_odd_keys();
            if (destroy_in_frame_) render_destroyer();
            if (hook_outside_) {
                hook_outside_ = false;
                try {
                    (void)use_state(0);
                    violation("a hook outside any component did not throw HookError");
                } catch (const HookError&) {
                    ++g_totals.hook_errors;
                }
            }
            ImGui::End();
        } catch (const HookError&) {
            // Error boundaries are off and nobody caught it inside the window: ImGui's stacks
            // are left as the component restored them, the window is still open.
            if (current < 0) violation("a HookError escaped outside any component");
            keys_[current].errored = true;
            ImGui::ErrorCheckEndFrameRecover(ignore_log);
        }
        ImGui::Render();
        ++g_totals.frames;

        for (int i = 0; i < kKeys; ++i) {
            KeyState& k = keys_[i];
            if (k.errored) ++g_totals.hook_errors;
            const bool twice_error = k.twice && (!boundaries_ || !k.twice_reported);
            const bool expected = k.rendered && (k.applied != Variant::None || twice_error);
            if (k.rendered && k.twice && boundaries_) k.twice_reported = true;
            if (expected && !k.errored)
                violation(
                    "component #%d: a changed hook order or a second rendering raised no "
                    "HookError (variant %d, twice %d, boundaries %d)",
                    i, static_cast<int>(k.applied), k.twice, boundaries_);
            if (!expected && k.errored) violation("component #%d: an unexpected HookError", i);
            if (k.mount && k.mount->alive) {
                if (!k.rendered) {
                    k.mount->alive = false;  // unmounted at the end of this frame
                } else if (boundaries_ && k.applied != Variant::None) {
                    k.mount->alive = false;  // the boundary unmounted it
                    k.failed = true;
                }
            } else if (k.failed && !k.rendered) {
                k.failed = false;
            }
            k.twice = false;
        }
        if (destroy_in_frame_) recreate_after_destroy();
    }

    // Frames until every mounted job shows a terminal state and no frame is needed.
    void settle() {
        ++g_totals.settles;
        const auto deadline = std::chrono::steady_clock::now() + kSettleBound;
        for (;;) {
            frame();
            bool busy = runtime_->needs_frame();
            for (const KeyState& k : keys_)
                if (k.want && k.mount && k.mount->alive && !terminal(k.mount->last_state))
                    busy = true;
            if (!busy) return;
            if (std::chrono::steady_clock::now() > deadline) {
                std::string states;
                for (const KeyState& k : keys_)
                    if (k.want && k.mount)
                        states += std::string(" ") + to_string(k.mount->last_state);
                violation("the jobs did not settle within %lld s:%s",
                          static_cast<long long>(kSettleBound.count()), states.c_str());
            }
            runtime_->wait(1ms);
        }
    }

    bool boundaries_;
    bool context_first_;
    int op_count_;
    bool forever_shutdown_ = false;
    bool chained_handler_ = false;
    int odd_mask_ = 0;
    int destroy_in_frame_ = 0;  // 1: from a body, 2: from an effect, 3: from another thread
    bool destroyed_ = false;
    ImGuiContext* context_ = nullptr;
    std::unique_ptr<Runtime> runtime_;
    std::array<KeyState, kKeys> keys_;
    bool hook_outside_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    find_odd_keys();
    g_atlas = new ImFontAtlas();
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    g_atlas->GetTexDataAsRGBA32(&pixels, &width, &height);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader in(data, size);
    ++g_totals.inputs;
    const std::size_t threads_before = test::thread_count();
    {
        Program program(in.next());
        program.run(in);
    }
    if (g_guards.load() != 0) violation("%ld jobs did not destroy their locals", g_guards.load());
    if (g_captures.load() != 0)
        violation("%ld copies of job objects were never freed", g_captures.load());
    if (g_effects.load() != 0) violation("%ld effect cleanups never ran", g_effects.load());
    if (!test::thread_count_drops_below(threads_before + 1))
        violation("%zu threads remain, %zu before the input", test::thread_count(), threads_before);
    return 0;
}
