// Stress test: components mount and unmount at random while their use_thread jobs run, throw, are
// cancelled and retried and see their dependencies change, from the UI and from other threads;
// every frame's Result is checked against the SPEC, and at the end no thread, job or cleanup is
// left behind.
//
//   imhooks_stress [--seed N] [--seconds S]
//
// The seed is printed; the run's thread timing is not reproducible, its decisions are.
#include "colliding_keys.h"
#include "result_checker.h"
#include "support.h"

#include <imhooks/detail/sanitizers.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

#if defined(IMHOOKS_STRESS_SANITIZED)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = IMHOOKS_DETAIL_TSAN || IMHOOKS_DETAIL_ASAN;
#endif

// The run is bounded by time: sanitizers make every step several times slower, so there they do
// far fewer operations; their budget leaves room for their slower settling and shutdowns and keeps
// the whole run under about 30 s.
constexpr double kDefaultSeconds = kSanitized ? 14.0 : 8.5;
constexpr int kEpochs = 5;      // runtimes created and destroyed in one run
constexpr int kSlots = 24;      // component keys that mount and unmount
constexpr int kActors = 3;      // threads that call setters, cancel() and retry()
constexpr int kDeps = 4;        // dependency values: small, so equal values come up
constexpr int kPublished = 64;  // handles kept for the actors, mounted or not
constexpr auto kShutdownTimeout = kSanitized ? 300ms : 100ms;
// Bounds for waits that end quickly when all is well.
constexpr auto kSettleTimeout = kSanitized ? 60s : 20s;

//----------------------------------------------------------------------------------------------
// Failures and figures

std::mutex g_fail_mutex;
std::vector<std::string> g_failures;  // the first ones, with their context
std::atomic<long> g_failure_count{0};

// Thread-safe: jobs and actors report too.
void fail(const std::string& what) {
    const long count = ++g_failure_count;
    std::lock_guard lock(g_fail_mutex);
    if (count <= 30) {
        g_failures.push_back(what);
        std::fprintf(stderr, "stress: FAILED CHECK: %s\n", what.c_str());
    }
}

struct Counters {
    std::atomic<long> guards_made{0}, guards_gone{0};  // a guard object inside every job
    std::atomic<long> captures_alive{0};               // copies of every job's captures
    std::atomic<long> runs{0};                         // runs that entered user code
    std::atomic<long> overlaps{0};  // two runs of one hook in user code at once (rule 3)
    std::atomic<long> thrown{0}, yields{0}, progress{0}, sleeps{0}, stop_seen{0};
    std::atomic<long> job_actions{0};        // retry/cancel/set called from inside jobs
    std::atomic<long> discarded_reports{0};  // failures of runs nobody sees, reported
    std::atomic<long> worker_ops{0};         // operations of the actor threads
    std::atomic<long> effects{0}, cleanups{0};
} g;

// Counts its constructions and destructions: one lives in every job, as a local or in a
// generator's coroutine frame, so a job whose destructors did not run shows up as a difference.
struct Guard {
    Guard() { ++g.guards_made; }
    ~Guard() { ++g.guards_gone; }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
};

// Captured by value in every job: counts the live copies of the job objects the runtime keeps.
struct Counted {
    Counted() { ++g.captures_alive; }
    Counted(const Counted&) { ++g.captures_alive; }
    Counted(Counted&&) noexcept { ++g.captures_alive; }
    Counted& operator=(const Counted&) = default;
    ~Counted() { --g.captures_alive; }
};

//----------------------------------------------------------------------------------------------
// Randomness

std::uint64_t mix(std::uint64_t x) {  // splitmix64: one seed per run, actor and epoch
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class Rng {
  public:
    explicit Rng(std::uint64_t seed) : engine_(mix(seed)) {}
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(engine_); }
    bool percent(int p) { return below(100) < p; }
    bool permille(int p) { return below(1000) < p; }

  private:
    std::mt19937_64 engine_;
};

//----------------------------------------------------------------------------------------------
// What jobs produce, and the per-mount record

// A job's value names the instance, the run, the position in the run and the dependency value it
// was started with, so the UI can tell where every value it shows came from.
struct Tag {
    int dep = -1;
    std::uint64_t mount = 0;
    std::uint64_t run = 0;
    int seq = 0;
    bool after_stop = false;  // produced after the job saw its stop request: must never show
};

enum class Form { Plain, StopToken, JobRef, Generator, GeneratorStop, Count };
const char* const kFormNames[] = {"T()", "T(stop_token)", "T(Job&)", "Generator()",
                                  "Generator(stop_token)"};

// One mounted component instance (one use_thread hook) as the test knows it.
struct Mount {
    std::uint64_t uid = 0;
    std::uint64_t seed = 0;
    Form form = Form::Plain;
    bool intrusive = true;
    bool quiet = false;       // only the UI acts on it: rule 6 is checked exactly
    bool self_actor = false;  // its jobs call retry/cancel/set on their own hook
    int fail_percent = 0;     // how many of its runs throw
    int initial_dep = 0;

    // New runs asked for from any thread (retry, setting the dependency): counted before and
    // after the call. A request shows in the first frame that starts after it returned, at the
    // latest, and never before it began.
    std::atomic<std::uint64_t> requests_begun{0}, requests_done{0};
    std::atomic<int> inside{0};  // its runs in user code now

    // Handles for jobs and actors, guarded by handles_mutex.
    std::mutex handles_mutex;
    Result<Tag> result;
    Setter<int> set_dep;
    Setter<int> set_hits;

    // UI thread only.
    bool observed = false;
    ResultState last_state = ResultState::Initial;
    std::uint64_t done_at_frame_start = 0;  // requests_done read before this frame's NewFrame
    std::uint64_t done_before_last = 0;     // the same, for the frame of the last observation
    int last_dep = 0;
    bool had_error = false;
    bool has_tag = false;
    Tag last_tag;
    bool expect_cancelled = false;
    std::string history;             // states seen, consecutive repeats folded
    std::set<std::string> reported;  // each problem once per instance: it shows every frame

    struct Handles {
        Result<Tag> result;
        Setter<int> set_dep;
        Setter<int> set_hits;
    };
    Handles handles() {
        std::lock_guard lock(handles_mutex);
        return {result, set_dep, set_hits};
    }
};

// Asks for a new run through `call`, counted so that the checks know a run may have started.
template <class Call>
void request(Mount& mount, Call&& call) {
    ++mount.requests_begun;
    call();
    ++mount.requests_done;
}

struct Inside {  // rule 3: one run of a hook in user code at a time
    Mount& mount;
    explicit Inside(Mount& m) : mount(m) {
        if (mount.inside.fetch_add(1) != 0) ++g.overlaps;
    }
    ~Inside() { mount.inside.fetch_sub(1); }
};

std::string describe(const Mount& m) {
    return "mount " + std::to_string(m.uid) + " (" + kFormNames[static_cast<int>(m.form)] +
           (m.intrusive ? ", intrusive" : ", cooperative") + (m.quiet ? ", quiet" : "") +
           (m.self_actor ? ", self-acting" : "") + ") states " + m.history;
}

//----------------------------------------------------------------------------------------------
// Jobs

struct NotAnException {};

[[noreturn]] void throw_failure(Rng& rng, int step) {
    ++g.thrown;
    switch (rng.below(4)) {
        case 0:
            throw std::runtime_error("job failed at step " + std::to_string(step));
        case 1:
            throw 7;
        case 2:
            throw std::string("a thrown string");
        default:
            throw NotAnException{};
    }
}

// A job calls retry(), cancel() or a setter of its own hook, from its worker thread.
void act_on_self(Mount& mount, Rng& rng) {
    Mount::Handles h = mount.handles();
    ++g.job_actions;
    switch (rng.below(4)) {
        case 0:
            request(mount, [&] { h.result.retry(); });
            break;
        case 1:
            h.result.cancel();
            break;
        case 2:
            request(mount, [&] { h.set_dep(rng.below(kDeps)); });
            break;
        default:
            h.set_hits([](int n) { return n + 1; });
            break;
    }
}

// One step of a job between its partial results: the checkpoints, sleeps and progress reports
// through which an intrusive cancel arrives, some CPU work, and the misuses a job may commit.
void job_step(Mount& mount, Rng& rng, int step, int steps) {
    switch (rng.below(10)) {
        case 0:
            ++g.sleeps;
            imhooks::sleep_for(std::chrono::microseconds(rng.below(300)));
            break;
        case 1:
            imhooks::checkpoint();
            break;
        case 2:
            ++g.progress;
            imhooks::report_progress(static_cast<float>(step) / static_cast<float>(steps),
                                     "step " + std::to_string(step));
            break;
        case 3: {
            volatile unsigned sink = 0;
            for (int i = 0; i < 2000; ++i) sink = sink + static_cast<unsigned>(i);
            break;
        }
        case 4:
            // Cancelled is not a std::exception: this handler must not swallow it.
            try {
                imhooks::checkpoint();
            } catch (const std::exception&) {
                fail("Cancelled was caught as a std::exception");
            }
            break;
        case 5:
            if (mount.self_actor) act_on_self(mount, rng);
            break;
        case 6:
            ++g.sleeps;
            imhooks::sleep_for(2ms);  // a stop request wakes it at once
            break;
        case 7:
            try {
                imhooks::checkpoint();
            } catch (...) {
                throw;  // user code that cleans up and rethrows
            }
            break;
        default:
            std::this_thread::yield();
            break;
    }
}

struct RunPlan {
    Rng rng;
    int steps;
    int fail_at;
};

RunPlan plan_run(const Mount& mount, std::uint64_t run) {
    Rng rng(mount.seed ^ mix(run));
    const int steps = 1 + rng.below(10);
    const int fail_at = rng.percent(mount.fail_percent) ? rng.below(steps) : -1;
    return {rng, steps, fail_at};
}

// The body of the T(), T(stop_token) and T(Job&) forms; `yield` publishes a partial result
// where the form can.
template <class StopRequested, class Yield>
Tag run_job(Mount& mount, int dep, StopRequested&& stop_requested, Yield&& yield) {
    Guard guard;
    Inside inside(mount);
    Tag tag{dep, mount.uid, static_cast<std::uint64_t>(++g.runs), 0, false};
    RunPlan plan = plan_run(mount, tag.run);
    for (int i = 0; i < plan.steps; ++i) {
        if (stop_requested()) {
            // Whatever a stopped job produces is never shown (rules 6 and 13).
            ++g.stop_seen;
            tag.after_stop = true;
            yield(tag);
            return tag;
        }
        if (i == plan.fail_at) throw_failure(plan.rng, i);
        job_step(mount, plan.rng, i, plan.steps);
        if (plan.rng.percent(40)) {
            tag.seq = i + 1;
            yield(tag);
        }
    }
    tag.after_stop = stop_requested();
    tag.seq = plan.steps + 1;
    return tag;
}

Generator<Tag> generate(std::shared_ptr<Mount> mount, int dep, Counted /*alive*/,
                        std::stop_token stop, bool use_token) {
    Guard guard;  // destroyed with the coroutine frame, also when it is cancelled
    Inside inside(*mount);
    Tag tag{dep, mount->uid, static_cast<std::uint64_t>(++g.runs), 0, false};
    RunPlan plan = plan_run(*mount, tag.run);
    for (int i = 0; i < plan.steps; ++i) {
        if (use_token ? stop.stop_requested() : imhooks::stop_requested()) {
            ++g.stop_seen;
            tag.after_stop = true;
            co_yield tag;
            co_return;
        }
        if (i == plan.fail_at) throw_failure(plan.rng, i);
        job_step(*mount, plan.rng, i, plan.steps);
        tag.seq = i + 1;
        ++g.yields;
        co_yield tag;
    }
}

Result<Tag> use_job(const std::shared_ptr<Mount>& mount, int dep) {
    const ThreadOptions options{.intrusive_cancel = mount->intrusive};
    Counted alive;
    switch (mount->form) {
        case Form::Plain:
            return use_thread(
                [mount, dep, alive]() -> Tag {
                    return run_job(
                        *mount, dep, [] { return imhooks::stop_requested(); }, [](const Tag&) {});
                },
                deps(dep), options);
        case Form::StopToken:
            return use_thread(
                [mount, dep, alive](std::stop_token stop) -> Tag {
                    return run_job(
                        *mount, dep, [&] { return stop.stop_requested(); }, [](const Tag&) {});
                },
                deps(dep), options);
        case Form::JobRef:
            return use_thread(
                [mount, dep, alive](Job<Tag>& job) -> Tag {
                    return run_job(
                        *mount, dep, [&] { return job.stop_requested(); },
                        [&](const Tag& tag) {
                            ++g.yields;
                            job.yield(tag);
                        });
                },
                deps(dep), options);
        case Form::Generator:
            return use_thread(
                [mount, dep, alive] { return generate(mount, dep, alive, {}, false); }, deps(dep),
                options);
        case Form::GeneratorStop:
        case Form::Count:
            break;
    }
    return use_thread(
        [mount, dep, alive](std::stop_token stop) {
            return generate(mount, dep, alive, std::move(stop), true);
        },
        deps(dep), options);
}

//----------------------------------------------------------------------------------------------
// The checks of one frame's Result

const char* state_letter(ResultState state) {
    static const char* const letters[] = {"I", "S", "W", "R", "E", "F", "C"};
    return letters[static_cast<int>(state)];
}

struct Seen {  // figures: how often each state was observed
    long states[test::kStates] = {};
    long observations = 0;
};

void check_frame(Mount& m, const Result<Tag>& r, int dep, Seen& seen) {
    const ResultState state = r.state();
    // Every request that began by now; equal to the requests done before the last observed
    // frame started when none can have shown since.
    const std::uint64_t begun = m.requests_begun.load();
    ++seen.observations;
    ++seen.states[test::index_of(state)];
    if (m.history.size() < 200 && (!m.observed || state != m.last_state))
        m.history += state_letter(state);

    auto problem = [&](const std::string& what) {
        if (m.reported.insert(what).second) fail(what + ": " + describe(m));
    };

    if (std::string p = test::snapshot_problem(r); !p.empty()) problem(p);
    if (!m.observed) {
        if (state != ResultState::Initial) problem("the first frame is not Initial (rule 1)");
    } else {
        const bool new_run = begun != m.done_before_last;
        if (!test::step_allowed(m.last_state, state, new_run))
            problem(std::string("illegal step ") + to_string(m.last_state) + " -> " +
                    to_string(state) + (new_run ? " across a new run" : " within one run"));
        if (dep != m.last_dep && state != ResultState::Starting)
            problem(std::string("the frame whose deps changed shows ") + to_string(state) +
                    ", not Starting (rule 11)");
        if (!new_run && m.had_error && !r.error() && state != ResultState::Finished)
            problem("the error vanished without a Finished run (rule 8)");
    }

    if (const Tag* v = r.value()) {
        if (v->mount != m.uid) problem("a value from another component instance");
        if (v->after_stop)
            problem("a value produced after its job saw the stop request is shown (rules 6, 13)");
        if (!r.stale() && v->dep != dep)
            problem("a value not stale() was computed for deps " + std::to_string(v->dep) +
                    ", the deps are " + std::to_string(dep) + " (rules 11, 13)");
        if (m.has_tag &&
            (v->run < m.last_tag.run || (v->run == m.last_tag.run && v->seq < m.last_tag.seq)))
            problem("an older run's value replaced a newer one (rule 13)");
        m.last_tag = *v;
        m.has_tag = true;
    } else if (m.has_tag) {
        problem("the value vanished (rule 8)");
    }

    // A dependency set before cancel() starts its run in the frame that shows it.
    if (m.observed && dep != m.last_dep) m.expect_cancelled = false;
    if (m.expect_cancelled) {
        if (state == ResultState::Finished || state == ResultState::Error) {
            problem(std::string("a run cancelled from the UI ended in ") + to_string(state) +
                    " (rule 6)");
            m.expect_cancelled = false;
        } else if (state == ResultState::Cancelled) {
            m.expect_cancelled = false;
        }
    }

    m.observed = true;
    m.last_state = state;
    m.done_before_last = m.done_at_frame_start;
    m.last_dep = dep;
    m.had_error = r.error() != nullptr;
}

//----------------------------------------------------------------------------------------------
// Odd keys, odd durations and callbacks that re-enter the runtime

// Keys whose ImGui IDs collide inside the "stress" window, found once by brute force.
struct OddKeys {
    std::string colliding_a, colliding_b;  // two strings, one ID
    long long colliding_int = 0;           // an integer key and a string with one ID
    std::string colliding_string;
} g_odd;

void find_odd_keys() {
    const ImGuiID seed = ImHashStr("stress", 0, 0);  // the ID stack's top inside Begin("stress")
    std::tie(g_odd.colliding_a, g_odd.colliding_b) = test::colliding_strings(seed);
    // An integer far from the slots' integer keys.
    std::tie(g_odd.colliding_int, g_odd.colliding_string) =
        test::colliding_int_and_string(seed, 1000);
}

constexpr int kOddKeys = 6;
std::atomic<long> g_odd_renders{0}, g_reentrant_calls{0};

// The odd-key components of one frame, a random subset: the empty key (as "" and as a null view
// in turn), one identity under a changing label before "###", two strings with one ImGui ID, an
// integer and a string with one ImGui ID. Each identity must keep its own state, and keys sharing
// an ID must get bodies with different ID seeds.
void render_odd_keys(Rng& rng, long frame) {
    ImGuiID probe[kOddKeys] = {};
    auto body = [&](int identity) {
        return [&, identity] {
            auto [value, set_value] = use_state(long{identity * 1000});
            if (value / 1000 != identity)
                fail("odd key " + std::to_string(identity) + " shows " + std::to_string(value) +
                     ": another instance's state");
            if (rng.percent(3)) set_value(value + 1);  // now and then: never a render loop
            probe[identity] = ImGui::GetID("probe");
            ++g_odd_renders;
        };
    };
    for (int identity = 0; identity < kOddKeys; ++identity) {
        if (!rng.percent(80)) continue;
        switch (identity) {
            case 0:
                if (frame % 2)
                    component("", body(0));
                else
                    component(std::string_view{}, body(0));
                break;
            case 1:
                component("label " + std::to_string(frame % 5) + "###odd", body(1));
                break;
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
            fail("odd keys " + std::to_string(pair) + " and " + std::to_string(pair + 1) +
                 " share an ImGui ID seed");
}

const std::chrono::milliseconds kOddDurations[] = {
    0ms, 1ms, -1ms, 5ms, std::chrono::milliseconds::max(), std::chrono::milliseconds::min()};

// A waker that re-enters the runtime from whichever thread calls it: a timed frame of an odd
// duration (calling this waker again when earlier), a frame request, and now and then a
// replacement of itself.
std::function<void()> reentrant_waker(Runtime* runtime, std::uint64_t seed) {
    return [runtime, seed, calls = std::make_shared<std::atomic<std::uint64_t>>(0)] {
        const std::uint64_t n = mix(seed + calls->fetch_add(1));
        ++g_reentrant_calls;
        runtime->request_frame_in(kOddDurations[n % 6]);
        if (n % 3 == 0) runtime->request_frame();
        if (n % 7 == 0) runtime->set_waker(reentrant_waker(runtime, n));
    };
}

// A set(fn) whose fn calls the same setter: both count.
void reentrant_increment(const Setter<long>& set) {
    set([set](long n) {
        set([](long v) { return v + 1; });
        return n + 1;
    });
    ++g_reentrant_calls;
}

//----------------------------------------------------------------------------------------------
// The run

struct Figures {
    long frames = 0, mounts = 0, unmounts = 0, regained = 0, ui_ops = 0, post_shutdown_ops = 0;
    long threads_started = 0, peak_threads = 0, peak_executor_threads = 0, peak_active_work = 0;
    long detached_epochs = 0;
    double longest_shutdown_ms = 0;
    Seen seen;
};

class Stress {
  public:
    Stress(std::uint64_t seed, double seconds) : seed_(seed), seconds_(seconds), rng_(seed) {}

    void run(std::size_t baseline_threads) {
        const auto per_epoch = std::chrono::duration<double>(seconds_ / kEpochs);
        for (int epoch = 0; epoch < kEpochs; ++epoch) {
            run_epoch(epoch, std::chrono::duration_cast<SteadyClock::duration>(per_epoch));
            if (!test::thread_count_drops_below(baseline_threads + 1))
                fail("epoch " + std::to_string(epoch) + ": " +
                     std::to_string(test::thread_count()) + " threads remain, " +
                     std::to_string(baseline_threads) + " before");
        }
    }

    const Figures& figures() const { return fig_; }

  private:
    struct SlotState {
        bool rendered = false;
        std::shared_ptr<Mount> candidate;  // the record for a fresh instance, or the kept one
        ComponentOptions options;
    };

    std::shared_ptr<Mount> make_mount() {
        auto m = std::make_shared<Mount>();
        m->uid = ++next_uid_;
        m->seed = mix(seed_ ^ mix(m->uid));
        m->form = static_cast<Form>(rng_.below(static_cast<int>(Form::Count)));
        m->intrusive = rng_.percent(60);
        m->quiet = rng_.percent(30);
        m->self_actor = !m->quiet && rng_.percent(25);
        m->fail_percent = rng_.percent(50) ? rng_.below(40) : 0;
        m->initial_dep = rng_.below(kDeps);
        return m;
    }

    void publish(const std::shared_ptr<Mount>& m) {
        std::lock_guard lock(published_mutex_);
        published_.push_back(m);
        if (published_.size() > kPublished) published_.pop_front();
    }

    // One slot's component body: the hooks of a panel, then the checks, then a UI action.
    void render_slot(SlotState& slot) {
        std::uint64_t& uid = use_ref(slot.candidate->uid);
        std::shared_ptr<Mount> m = slot.candidate;
        if (uid != slot.candidate->uid) {
            // Rendered again within its grace period: the same instance, the same record.
            auto it = mounts_.find(uid);
            if (it == mounts_.end()) {
                fail("a kept instance holds a uid that was never handed out");
            } else {
                m = it->second;
                slot.candidate = m;
                ++fig_.regained;
            }
        }
        const bool fresh = !m->observed;
        if (fresh) mounts_.emplace(m->uid, m);

        auto [dep, set_dep] = use_state(int{m->initial_dep});
        auto [hits, set_hits] = use_state(0);
        const int d = dep;  // clang 14 cannot capture a structured binding
        if (use_memo([d] { return d * 7 + 1; }, deps(d)) != d * 7 + 1)
            fail("use_memo kept a value for other deps");
        use_effect(
            [] {
                ++g.effects;
                return [] { ++g.cleanups; };
            },
            deps(dep));
        Result<Tag> r = use_job(m, dep);
        (void)hits;

        check_frame(*m, r, dep, fig_.seen);
        // Half the frames keep no Result of the row until the next: its next frame start then
        // updates the snapshot in place (once the other threads let go of their copies), the
        // other half builds a new one.
        const bool keep_result = rng_.percent(50);
        {
            std::lock_guard lock(m->handles_mutex);
            m->result = keep_result ? r : Result<Tag>();
            m->set_dep = set_dep;
            m->set_hits = set_hits;
        }
        if (fresh && !m->quiet) publish(m);

        const int action = rng_.below(1000);
        if (action < 8) {
            m->expect_cancelled = false;
            request(*m, [&] { r.retry(); });
        } else if (action < 16) {
            r.cancel();
            // In flight at that moment: it must end in Cancelled (rule 6). Only exact when no
            // other thread can start a run of this hook.
            if (m->quiet && r.cancel_requested()) m->expect_cancelled = true;
        } else if (action < 26) {
            m->expect_cancelled = false;
            request(*m, [&] { set_dep(rng_.below(kDeps)); });
        } else if (action < 30) {
            m->expect_cancelled = false;
            request(*m, [&] { set_dep([](int d) { return (d + 1) % kDeps; }); });
        } else if (action < 34) {
            set_hits([](int n) { return n + 1; });
        } else {
            return;
        }
        ++fig_.ui_ops;
    }

    // Calls setters, cancel() and retry() of recent instances, mounted or not, from its thread.
    void actor(int index) {
        Rng rng(seed_ ^ mix(0xac70 + index + 100 * epoch_));
        while (!stop_actors_.load()) {
            std::shared_ptr<Mount> m;
            {
                std::lock_guard lock(published_mutex_);
                if (!published_.empty())
                    m = published_[rng.below(static_cast<int>(published_.size()))];
            }
            const int op = rng.below(12);
            if (op == 10) {
                counter_issued_ += 2;
                reentrant_increment(counter_set_);
            } else if (op == 11) {
                // Odd durations from a thread; the runtime outlives the actors.
                runtime_->request_frame_in(kOddDurations[rng.below(6)]);
                (void)runtime_->wait(rng.percent(50) ? 0ms : -3ms);
            } else if (op == 8) {
                // The counter every actor increments: concurrent set(fn) calls all count.
                ++counter_issued_;
                counter_set_([](long n) { return n + 1; });
            } else if (m) {
                Mount::Handles h = m->handles();
                switch (op) {
                    case 0:
                    case 1:
                        request(*m, [&] { h.result.retry(); });
                        break;
                    case 2:
                    case 3:
                        h.result.cancel();
                        break;
                    case 4:
                    case 5:
                        request(*m, [&] { h.set_dep(rng.below(kDeps)); });
                        break;
                    case 6:
                        request(*m, [&] { h.set_dep([](int d) { return (d + 3) % kDeps; }); });
                        break;
                    case 7:
                        h.set_hits([](int n) { return n + 1; });
                        break;
                    default: {
                        // Result's accessors may be read from any thread.
                        volatile bool sink = h.result.cancel_requested() || h.result.stale();
                        (void)sink;
                        if (const Tag* v = h.result.value(); v && v->mount != m->uid)
                            fail("an actor saw a value from another instance");
                        (void)h.result.error_message();
                        (void)h.result.progress_text();
                        break;
                    }
                }
            }
            ++g.worker_ops;
            // Paced, so that the UI thread keeps rendering frames on two cores.
            std::this_thread::sleep_for(std::chrono::microseconds(20 + rng.below(180)));
        }
    }

    void run_epoch(int epoch, SteadyClock::duration length) {
        epoch_ = epoch;
        RuntimeOptions options;
        options.shutdown_timeout = kShutdownTimeout;
        auto ui = std::make_unique<Headless>(ImVec2{1280, 800}, options);
        // Error boundaries are on: an exception in a body (a HookError included) arrives here.
        // Failures of runs nobody sees any more (superseded, cancelled, unmounted) are reported
        // as "discarded": expected, counted.
        ui->runtime().set_error_handler([](const ComponentError& e) {
            if (std::string_view(e.where) == "discarded") {
                ++g.discarded_reports;
                return;
            }
            fail("component " + e.component + " failed in " + e.where + ": " + e.message);
        });
        runtime_ = &ui->runtime();
        ui->runtime().set_waker(reentrant_waker(runtime_, seed_ ^ mix(epoch)));
        std::vector<SlotState> slots(kSlots);
        mounts_.clear();
        {
            std::lock_guard lock(published_mutex_);
            published_.clear();
        }
        counter_issued_ = 0;
        long counter_value = 0;
        auto ignorer_release = std::make_shared<test::Event>();
        // Shared with the ignoring job, which outlives this function.
        auto ignorer_running = std::make_shared<std::atomic<bool>>(false);
        bool render_slots = true;

        const Headless::Body body = [&] {
            ImGui::SetNextWindowPos({0, 0});
            ImGui::SetNextWindowSize({1200, 780});
            ImGui::Begin("stress");
            component("counter", [&] {
                auto [count, set_count] = use_state(0L);
                counter_value = count;
                if (!counter_set_ready_) {
                    counter_set_ = set_count;
                    counter_set_ready_ = true;
                }
            });
            // A job that ignores its stop: the Runtime's destructor must detach it after
            // shutdown_timeout; it is released afterwards so that it ends cleanly.
            component("ignorer", [&] {
                Counted alive;
                use_thread(
                    [ignorer_release, ignorer_running, alive](std::stop_token) {
                        Guard guard;
                        *ignorer_running = true;
                        ignorer_release->wait(kSettleTimeout);
                        return 0;
                    },
                    ThreadOptions{.intrusive_cancel = false});
            });
            if (render_slots) {
                for (int key = 0; key < kSlots; ++key)
                    if (slots[key].rendered)
                        component(
                            key, [&] { render_slot(slots[key]); }, slots[key].options);
                render_odd_keys(rng_, static_cast<long>(ui->frames()));
            }
            ImGui::End();
        };

        counter_set_ready_ = false;
        ui->frame(body);  // the counter's setter exists from here on
        stop_actors_ = false;
        std::vector<std::thread> actors;
        for (int i = 0; i < kActors; ++i) actors.emplace_back([this, i] { actor(i); });

        const auto end = SteadyClock::now() + length;
        long frames = 0;
        while (SteadyClock::now() < end) {
            // Mount and unmount at random; now and then everything at once.
            const bool burst = rng_.permille(2);
            for (SlotState& slot : slots) {
                if (slot.rendered && (burst || rng_.permille(3))) {
                    slot.rendered = false;
                    ++fig_.unmounts;
                } else if (!slot.rendered && !burst && rng_.percent(2)) {
                    slot.rendered = true;
                    slot.candidate = make_mount();
                    slot.options = {};
                    if (rng_.percent(20))
                        slot.options.unmount_grace = std::chrono::milliseconds(rng_.below(4));
                    ++fig_.mounts;
                }
            }
            for (auto& [uid, m] : mounts_) m->done_at_frame_start = m->requests_done.load();
            ui->frame(body);
            ++frames;
            if (frames % 32 == 0) sample(*ui);
            if (rng_.percent(50)) ui->runtime().wait(std::chrono::milliseconds(rng_.below(2)));
        }

        stop_actors_ = true;
        for (std::thread& t : actors) t.join();

        // Settle: every slot unmounted, every job of theirs ended, every counter increment shown.
        render_slots = false;
        const bool settled = ui->frame_until(
            body,
            [&] {
                const RuntimeStats s = ui->runtime().stats();
                return counter_value == counter_issued_.load() && s.mounted == 2 &&
                       s.active_work == 1 && ignorer_running->load();
            },
            std::chrono::duration_cast<std::chrono::milliseconds>(kSettleTimeout));
        const RuntimeStats stats = ui->runtime().stats();
        if (!settled)
            fail("epoch " + std::to_string(epoch) + " did not settle: counter " +
                 std::to_string(counter_value) + " of " + std::to_string(counter_issued_.load()) +
                 " increments, " + std::to_string(stats.mounted) + " mounted, " +
                 std::to_string(stats.active_work) + " runs and chores in flight");
        if (g.effects.load() != g.cleanups.load())
            fail("after unmount, " + std::to_string(g.effects.load()) + " effects ran but " +
                 std::to_string(g.cleanups.load()) + " cleanups");
        if (g.guards_made.load() - g.guards_gone.load() != 1)
            fail("with only the ignoring job left, " +
                 std::to_string(g.guards_made.load() - g.guards_gone.load()) +
                 " jobs' locals are alive");
        if (g.overlaps.load() != 0) fail("two runs of one hook executed user code at once");
        fig_.frames += static_cast<long>(stats.frames);
        fig_.threads_started += static_cast<long>(ui->runtime().executor().stats().threads_started);

        // Shutdown: the ignoring job is detached after shutdown_timeout, never waited for longer.
        const auto before = SteadyClock::now();
        ui.reset();
        const double shutdown_ms =
            std::chrono::duration<double, std::milli>(SteadyClock::now() - before).count();
        fig_.longest_shutdown_ms = std::max(fig_.longest_shutdown_ms, shutdown_ms);
        if (shutdown_ms >
            std::chrono::duration<double, std::milli>(kShutdownTimeout).count() + 2000)
            fail("the Runtime's destructor took " + std::to_string(shutdown_ms) + " ms");
        ++fig_.detached_epochs;
        ignorer_release->set();

        // Handles that outlive their Runtime do nothing, from the UI thread and from another.
        auto poke = [this](Rng& rng, Mount& m) {
            Mount::Handles h = m.handles();
            const ResultState before_state = h.result.state();
            h.result.retry();
            h.result.cancel();
            h.set_dep(rng.below(kDeps));
            h.set_hits([](int n) { return n + 1; });
            if (h.result.state() != before_state) fail("a Result snapshot changed");
            ++fig_.post_shutdown_ops;
        };
        for (auto& [uid, m] : mounts_) poke(rng_, *m);
        std::thread([&] {
            Rng rng(seed_ ^ 0x5eed);
            for (auto& [uid, m] : mounts_) poke(rng, *m);
        }).join();
        counter_set_(1L);

        mounts_.clear();
        slots.clear();
        {
            std::lock_guard lock(published_mutex_);
            published_.clear();
        }
        counter_set_ = {};
        if (!poll([] { return g.guards_made.load() == g.guards_gone.load(); }))
            fail("the detached job's locals were not destroyed after it was released");
    }

    static bool poll(const std::function<bool()>& done) {
        const auto deadline = SteadyClock::now() + kSettleTimeout;
        while (!done()) {
            if (SteadyClock::now() > deadline) return false;
            std::this_thread::sleep_for(1ms);
        }
        return true;
    }

    void sample(Headless& ui) {
        const ExecutorStats executor = ui.runtime().executor().stats();
        fig_.peak_threads = std::max(fig_.peak_threads, static_cast<long>(test::thread_count()));
        fig_.peak_executor_threads =
            std::max(fig_.peak_executor_threads, static_cast<long>(executor.threads));
        fig_.peak_active_work =
            std::max(fig_.peak_active_work, static_cast<long>(ui.runtime().stats().active_work));
        // Liveness: a queued run, a free slot and an idle worker together mean that worker is
        // about to take the run; seen uninterrupted for a whole second, it never will.
        const bool stuck = executor.queued > 0 && executor.running < executor.max_running &&
                           executor.idle_threads > 0;
        const SteadyClock::time_point now = SteadyClock::now();
        if (!stuck) {
            stuck_since_.reset();
        } else if (!stuck_since_) {
            stuck_since_ = now;
        } else if (now - *stuck_since_ > kStuckBound && !reported_stuck_) {
            reported_stuck_ = true;
            fail("queued runs did not start for " +
                 std::to_string(
                     std::chrono::duration_cast<std::chrono::milliseconds>(now - *stuck_since_)
                         .count()) +
                 " ms while a slot was free and " + std::to_string(executor.idle_threads) +
                 " worker(s) idle");
        }
    }
    static constexpr auto kStuckBound = std::chrono::seconds(1);
    std::optional<SteadyClock::time_point> stuck_since_;
    bool reported_stuck_ = false;

    std::uint64_t seed_;
    double seconds_;
    Rng rng_;  // UI thread
    int epoch_ = 0;
    std::uint64_t next_uid_ = 0;
    Figures fig_;
    std::map<std::uint64_t, std::shared_ptr<Mount>> mounts_;  // this epoch's, by uid

    std::mutex published_mutex_;
    std::deque<std::shared_ptr<Mount>> published_;
    std::atomic<bool> stop_actors_{false};
    Setter<long> counter_set_;    // written before the actors start, read by them
    Runtime* runtime_ = nullptr;  // this epoch's: outlives the actors
    bool counter_set_ready_ = false;
    std::atomic<long> counter_issued_{0};
};

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t seed = std::random_device{}();
    double seconds = kDefaultSeconds;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--seed" && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--seconds" && i + 1 < argc) {
            seconds = std::strtod(argv[++i], nullptr);
        } else {
            std::fprintf(stderr, "usage: %s [--seed N] [--seconds S]\n", argv[0]);
            return 2;
        }
    }
    std::printf("stress: seed %llu, %.1f s of random operations in %d runtimes%s\n",
                static_cast<unsigned long long>(seed), seconds, kEpochs,
                kSanitized ? " (sanitizer build)" : "");
    std::fflush(stdout);

    const auto start = SteadyClock::now();
    const std::size_t baseline_threads = test::baseline_thread_count();
    find_odd_keys();
    Stress stress(seed, seconds);
    stress.run(baseline_threads);

    // Every thread gone, every job object and every local of every job destroyed.
    if (!test::thread_count_drops_below(baseline_threads + 1))
        fail(std::to_string(test::thread_count()) + " threads at the end, " +
             std::to_string(baseline_threads) + " at the start");
    if (g.captures_alive.load() != 0)
        fail(std::to_string(g.captures_alive.load()) + " copies of job objects were never freed");
    if (g.guards_made.load() != g.guards_gone.load())
        fail(std::to_string(g.guards_made.load() - g.guards_gone.load()) +
             " jobs never destroyed their locals");
    if (g.effects.load() != g.cleanups.load()) fail("some effect cleanups never ran");
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();

    const Figures& f = stress.figures();
    const long ops = f.mounts + f.unmounts + f.ui_ops + g.worker_ops.load() + g.job_actions.load() +
                     f.post_shutdown_ops;
    std::printf(
        "stress: %.1f s, %ld frames, %ld operations (%ld mounts, %ld unmounts, %ld kept by "
        "grace, %ld UI actions, %ld actor operations, %ld from inside jobs, %ld after "
        "shutdown)\n",
        elapsed, f.frames, ops, f.mounts, f.unmounts, f.regained, f.ui_ops, g.worker_ops.load(),
        g.job_actions.load(), f.post_shutdown_ops);
    std::printf(
        "stress: %ld runs started, %ld worker threads started, peak %ld threads in the "
        "process (%zu at start), peak %ld executor threads, peak %ld runs and chores in flight\n",
        g.runs.load(), f.threads_started, f.peak_threads, baseline_threads, f.peak_executor_threads,
        f.peak_active_work);
    std::printf(
        "stress: jobs yielded %ld, reported progress %ld, slept %ld, threw %ld (%ld of them "
        "reported as discarded), saw their stop %ld times; %ld guards made and destroyed; %ld "
        "effects and cleanups\n",
        g.yields.load(), g.progress.load(), g.sleeps.load(), g.thrown.load(),
        g.discarded_reports.load(), g.stop_seen.load(), g.guards_made.load(), g.effects.load());
    std::printf(
        "stress: %ld odd-key renders (empty, null, ###, colliding IDs), %ld re-entrant waker and "
        "updater calls\n",
        g_odd_renders.load(), g_reentrant_calls.load());
    std::printf("stress: %ld Results checked:", f.seen.observations);
    for (std::size_t s = 0; s < test::kStates; ++s)
        std::printf(" %s %ld", to_string(static_cast<ResultState>(s)), f.seen.states[s]);
    std::printf(
        "\nstress: %ld runtimes shut down with a stop-ignoring job detached (longest "
        "shutdown %.0f ms)\n",
        f.detached_epochs, f.longest_shutdown_ms);

    const long failures = g_failure_count.load();
    if (failures != 0) {
        std::printf("stress: FAILED: %ld checks failed (seed %llu); the first ones:\n", failures,
                    static_cast<unsigned long long>(seed));
        for (const std::string& what : g_failures) std::printf("  - %s\n", what.c_str());
        return 1;
    }
    std::printf("stress: all checks passed\n");
    return 0;
}
