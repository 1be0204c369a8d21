// The executor: its bound on running jobs, its elastic threads for waiting jobs, its queue order,
// the runs that leave the queue without running, and its threads' lifetime.
#include "support.h"
#include "use_thread_probe.h"

#include <imhooks/detail/executor_state.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;
using imhooks::test::eventually;

namespace {

std::shared_ptr<Executor> executor_with(std::size_t max_running, std::size_t max_threads = 256,
                                        std::chrono::milliseconds idle_timeout = 5s) {
    ExecutorOptions options;
    options.max_running = max_running;
    options.max_threads = max_threads;
    options.idle_timeout = idle_timeout;
    return std::make_shared<Executor>(options);
}

RuntimeOptions runtime_on(std::shared_ptr<Executor> executor) {
    RuntimeOptions options;
    options.executor = std::move(executor);
    return options;
}

// The threads `executor` has started, once its service thread has handled every start asked
// for so far: it starts threads before it runs chores, so a chore that ran marks the point.
std::size_t threads_started_settled(Executor& executor) {
    Event chore_ran;
    executor.state()->post_chore([&] { chore_ran.set(); });
    REQUIRE(chore_ran.wait());
    return executor.stats().threads_started;
}

// A job that holds its slot (it waits without telling the executor) until released.
struct Gate {
    Event entered;
    Event release;
    std::atomic<int> runs{0};

    auto job() {
        return [this] {
            ++runs;
            entered.set();
            release.wait();
            return 1;
        };
    }
};

// Holds the thread that calls it, once armed, until released.
struct Hold {
    std::atomic<bool> armed{false};
    Event held, release;
    void operator()() {
        if (!armed.exchange(false)) return;
        held.set();
        release.wait();
    }
};

// N components, each with one use_thread hook; `job(i)` makes the job of component i.
template <class MakeJob>
struct Rows {
    MakeJob make_job;
    std::vector<Result<int>> shown;
    int count;
    ThreadOptions options{};

    Rows(int n, MakeJob make) : make_job(std::move(make)), shown(n), count(n) {}
    Headless::Body body() {
        return [this] {
            for (int i = 0; i < count; ++i)
                component(i, [&, i] { shown[i] = use_thread(make_job(i), options); });
        };
    }
    int in(ResultState state) const {
        int n = 0;
        for (const auto& result : shown) n += result.state() == state;
        return n;
    }
};

// Two endless jobs passing one slot back and forth. Each waits for its turn inside blocking(), so
// without a slot; the holder gives the turn to the other and goes back into blocking() only once
// the other is back from its blocking call, waiting for the slot. Every hand-over therefore finds
// a run coming back that wants the slot.
struct Relay {
    std::shared_ptr<detail::ExecutorState> executor;
    std::mutex mutex;
    std::condition_variable_any turn_changed;
    int turn = 0;  // the job whose blocking call returns
    std::atomic<int> hand_overs{0};

    explicit Relay(const Executor& on) : executor(on.state()) {}

    auto job(int me) {
        return [this, me](std::stop_token stop) {
            for (;;) {
                blocking([&] {
                    std::unique_lock lock(mutex);
                    turn_changed.wait(lock, stop, [&] { return turn == me; });
                });
                if (stop.stop_requested()) return 0;
                {
                    std::lock_guard lock(mutex);
                    turn = 1 - me;
                }
                turn_changed.notify_all();
                if (!eventually([&] {
                        return stop.stop_requested() || executor->resuming_for_testing() >= 1;
                    }))
                    return -1;  // the other job never came back: shows as a wrong value
                ++hand_overs;
            }
        };
    }

    // The UI of the relay tests: the relay's two jobs, and once `late_queued`, a late job that
    // needs the slot too.
    Result<int> first, second, late;
    bool late_queued = false;
    Event late_ran;
    void render() {
        component("first", [&] { first = use_thread(job(0)); });
        component("second", [&] { second = use_thread(job(1)); });
        if (late_queued)
            component("late", [&] {
                late = use_thread([&] {
                    late_ran.set();
                    return 1;
                });
            });
    }
};

}  // namespace

TEST_CASE("at most max_running jobs execute job code at once; the others wait in the queue") {
    auto executor = executor_with(2);
    Headless ui({1024, 768}, runtime_on(executor));
    std::vector<Gate> gates(6);
    std::atomic<int> inside{0}, most_inside{0};
    auto make = [&](int i) {
        return [&, i] {
            const int now = ++inside;
            int seen = most_inside.load();
            while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
            }
            gates[i].entered.set();
            gates[i].release.wait();
            --inside;
            return i;
        };
    };
    Rows rows(6, make);
    auto entered = [&] {
        int n = 0;
        for (auto& gate : gates) n += gate.entered.is_set();
        return n;
    };
    REQUIRE(ui.frame_until(rows.body(),
                           [&] { return entered() == 2 && rows.in(ResultState::Starting) == 4; }));
    const ExecutorStats stats = executor->stats();
    CHECK(stats.running == 2);
    CHECK(stats.queued == 4);
    for (auto& gate : gates) gate.release.set();
    REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Finished) == 6; }));
    CHECK(most_inside == 2);
}

TEST_CASE("a job sleeping in sleep_for gives its slot to a queued job") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Event sleeping;
    Result<int> sleeper, other;
    bool second = false;  // mounted once the first job sleeps
    auto body = [&] {
        component("sleeper", [&] {
            sleeper = use_thread([&] {
                sleeping.set();
                sleep_for(1h);  // until cancelled
                return 0;
            });
        });
        if (second) component("other", [&] { other = use_thread([] { return 1; }); });
    };
    REQUIRE(ui.frame_until(body, [&] { return sleeping.is_set(); }));
    second = true;
    // With one slot, the second job can only run because the sleeper gave its slot away.
    REQUIRE(ui.frame_until(body, [&] { return other.state() == ResultState::Finished; }));
    CHECK(sleeper.state() == ResultState::Running);
    sleeper.cancel();
    REQUIRE(ui.frame_until(body, [&] { return sleeper.state() == ResultState::Cancelled; }));
}

TEST_CASE("blocking(fn) gives the slot to a queued job and takes it back when fn returns") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Event in_call, release;
    Result<int> caller, other;
    bool second = false;  // mounted once the first job is inside its blocking call
    auto body = [&] {
        component("caller", [&] {
            caller = use_thread([&] {
                return blocking([&] {
                    in_call.set();
                    release.wait();
                    return 7;
                });
            });
        });
        if (second) component("other", [&] { other = use_thread([] { return 1; }); });
    };
    REQUIRE(ui.frame_until(body, [&] { return in_call.is_set(); }));
    second = true;
    REQUIRE(ui.frame_until(body, [&] { return other.state() == ResultState::Finished; }));
    CHECK(caller.state() == ResultState::Running);
    // The caller holds no slot while it blocks (the other job's worker lets go of its slot just
    // after its result is published).
    CHECK(eventually([&] { return executor->stats().running == 0; }));
    CHECK(executor->stats().waiting == 1);
    release.set();
    REQUIRE(ui.frame_until(body, [&] { return caller.state() == ResultState::Finished; }));
    CHECK(*caller.value() == 7);
}

TEST_CASE("a queued job starts while runs coming back from blocking calls want every slot") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Relay relay(*executor);
    auto body = [&] { relay.render(); };
    REQUIRE(ui.frame_until(body, [&] { return relay.hand_overs >= 4; }));
    relay.late_queued = true;
    // Each time the slot frees, a relay job coming back wants it too; the late job gets it within
    // a hand-over or two rather than waiting for as long as the relay runs.
    REQUIRE(ui.frame_until(body, [&] { return relay.late_ran.is_set(); }));
    REQUIRE(ui.frame_until(body, [&] { return relay.late.state() == ResultState::Finished; }));
    // And the relay goes on once the late job has given the slot back.
    const int before = relay.hand_overs;
    REQUIRE(ui.frame_until(body, [&] { return relay.hand_overs >= before + 4; }));
    CHECK(relay.first.state() == ResultState::Running);
    CHECK(relay.second.state() == ResultState::Running);
    relay.first.cancel();
    relay.second.cancel();
    REQUIRE(ui.frame_until(body, [&] {
        return relay.first.state() == ResultState::Cancelled &&
               relay.second.state() == ResultState::Cancelled;
    }));
}

TEST_CASE(
    "runs coming back from blocking calls keep the slot when no thread is left for the queue") {
    // The relay's two jobs take both threads: the late job has none to start on. The slot must not
    // wait for it, or the relay (and with it every thread) would stop.
    auto executor = executor_with(1, 2);
    Headless ui({1024, 768}, runtime_on(executor));
    Relay relay(*executor);
    auto body = [&] { relay.render(); };
    REQUIRE(ui.frame_until(body, [&] { return relay.hand_overs >= 4; }));
    relay.late_queued = true;
    REQUIRE(ui.frame_until(body, [&] { return executor->stats().queued == 1; }));
    const int before = relay.hand_overs;
    REQUIRE(ui.frame_until(body, [&] { return relay.hand_overs >= before + 8; }));
    CHECK(relay.late.state() == ResultState::Starting);
    CHECK(!relay.late_ran.is_set());
    relay.late.cancel();  // first: a relay job cancelled first would free a thread for it
    relay.first.cancel();
    relay.second.cancel();
    REQUIRE(ui.frame_until(body, [&] {
        return relay.late.state() == ResultState::Cancelled &&
               relay.first.state() == ResultState::Cancelled &&
               relay.second.state() == ResultState::Cancelled;
    }));
    CHECK(!relay.late_ran.is_set());
}

TEST_CASE("endless jobs that keep coming back from sleep_for all start, however few the slots") {
    // A list of pollers: each loops forever, working a little with its slot, then sleeping a
    // little less than that, so whenever a slot frees, others are back from their sleep and want
    // it. The pollers still queued must start all the same.
    auto executor = executor_with(2);
    Headless ui({1024, 768}, runtime_on(executor));
    constexpr int kPollers = 8;
    std::atomic<int> polls{0};
    auto make = [&](int) {
        return [&] {
            for (;;) {
                std::this_thread::sleep_for(2ms);  // work, holding the slot
                ++polls;
                report_progress(0.5f);
                sleep_for(1ms);
            }
            return 0;
        };
    };
    Rows rows(kPollers, make);
    REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Running) == kPollers; }));
    CHECK(executor->stats().queued == 0);
    for (auto& result : rows.shown) result.cancel();
    REQUIRE(
        ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Cancelled) == kPollers; }));
}

TEST_CASE("blocking(fn) outside a job just calls fn") {
    CHECK(blocking([] { return 42; }) == 42);
}

TEST_CASE("waiting jobs never take more than max_threads threads; the rest stay queued") {
    auto executor = executor_with(1, 2);
    Headless ui({1024, 768}, runtime_on(executor));
    std::atomic<int> sleeping{0};
    auto make = [&](int i) {
        return [&, i] {
            ++sleeping;
            sleep_for(1h);  // until cancelled
            return i;
        };
    };
    Rows rows(4, make);
    REQUIRE(ui.frame_until(rows.body(), [&] { return sleeping == 2; }));
    // Two threads are taken by sleeping jobs; the two other jobs have no thread.
    ui.frames(3, rows.body());
    CHECK(rows.in(ResultState::Starting) == 2);
    CHECK(sleeping == 2);
    const ExecutorStats stats = executor->stats();
    CHECK(stats.queued == 2);
    CHECK(stats.threads - 1 <= 2);  // workers, besides the service thread
    // The queued ones first: a sleeper cancelled first would free a thread for one of them.
    for (auto& result : rows.shown)
        if (result.state() == ResultState::Starting) result.cancel();
    for (auto& result : rows.shown) result.cancel();
    REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Cancelled) == 4; }));
    CHECK(sleeping == 2);  // the queued ones never ran
}

TEST_CASE("queued jobs start newest first") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Gate blocker;
    std::mutex mutex;
    std::vector<int> started;
    int mounted = 0;  // components 1..mounted are rendered; component 0 holds the slot
    auto body = [&] {
        component("blocker", [&] { use_thread(blocker.job()); });
        for (int i = 1; i <= mounted; ++i)
            component(i, [&, i] {
                use_thread([&, i] {
                    std::lock_guard lock(mutex);
                    started.push_back(i);
                    return i;
                });
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return blocker.entered.is_set(); }));
    for (mounted = 1; mounted <= 3; ++mounted) ui.frames(2, body);  // one request per frame
    mounted = 3;
    CHECK(executor->stats().queued == 3);
    blocker.release.set();
    REQUIRE(ui.frame_until(body, [&] {
        std::lock_guard lock(mutex);
        return started.size() == 3;
    }));
    CHECK(started == std::vector<int>{3, 2, 1});
}

TEST_CASE("a queued job of higher priority starts before newer jobs of lower priority") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Gate blocker;
    std::mutex mutex;
    std::vector<std::string> started;
    int mounted = 0;
    auto record = [&](const char* name) {
        return [&, name] {
            std::lock_guard lock(mutex);
            started.push_back(name);
            return 0;
        };
    };
    auto body = [&] {
        component("blocker", [&] { use_thread(blocker.job()); });
        if (mounted >= 1)
            component("urgent",
                      [&] { use_thread(record("urgent"), ThreadOptions{.priority = 1}); });
        if (mounted >= 2) component("newer", [&] { use_thread(record("newer")); });
    };
    REQUIRE(ui.frame_until(body, [&] { return blocker.entered.is_set(); }));
    mounted = 1;
    ui.frames(2, body);
    mounted = 2;
    ui.frames(2, body);
    blocker.release.set();
    REQUIRE(ui.frame_until(body, [&] {
        std::lock_guard lock(mutex);
        return started.size() == 2;
    }));
    CHECK(started == std::vector<std::string>{"urgent", "newer"});
}

TEST_CASE("a job cancelled while queued leaves the queue without running") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Gate blocker;
    std::atomic<int> runs{0};
    Result<int> queued;
    bool others = false;  // mounted once the blocker holds the slot (newer jobs go first)
    auto body = [&] {
        component("blocker", [&] { use_thread(blocker.job()); });
        if (others) component("queued", [&] { queued = use_thread([&] { return ++runs; }); });
    };
    REQUIRE(ui.frame_until(body, [&] { return blocker.entered.is_set(); }));
    others = true;
    REQUIRE(ui.frame_until(body, [&] {
        return queued.state() == ResultState::Starting && executor->stats().queued == 1;
    }));
    queued.cancel();
    CHECK(executor->stats().queued == 0);
    ui.frame(body);
    CHECK(queued.state() == ResultState::Cancelled);
    blocker.release.set();
    REQUIRE(ui.frame_until(body, [&] { return ui.runtime().stats().active_work == 0; }));
    CHECK(runs == 0);
    CHECK(queued.state() == ResultState::Cancelled);
}

TEST_CASE("a job superseded while queued runs once, with the newest dependencies") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Gate blocker;
    std::mutex mutex;
    std::vector<int> ran_with;
    int dep = 0;
    Result<int> queued;
    bool others = false;
    auto body = [&] {
        component("blocker", [&] { use_thread(blocker.job()); });
        if (others)
            component("queued", [&] {
                queued = use_thread(
                    [&, d = dep] {
                        std::lock_guard lock(mutex);
                        ran_with.push_back(d);
                        return d;
                    },
                    deps(dep));
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return blocker.entered.is_set(); }));
    others = true;
    ui.frames(2, body);
    REQUIRE(queued.state() == ResultState::Starting);
    for (dep = 1; dep <= 3; ++dep) {
        ui.frame(body);
        CHECK(queued.state() == ResultState::Starting);
    }
    dep = 3;
    queued.retry();
    blocker.release.set();
    REQUIRE(ui.frame_until(body, [&] { return queued.state() == ResultState::Finished; }));
    CHECK(ran_with == std::vector<int>{3});
    CHECK(*queued.value() == 3);
}

TEST_CASE("a component unmounted while its job is queued never runs the job") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Gate blocker;
    std::atomic<int> runs{0};
    bool mounted = false;
    auto body = [&] {
        component("blocker", [&] { use_thread(blocker.job()); });
        if (mounted) component("queued", [&] { use_thread([&] { return ++runs; }); });
    };
    REQUIRE(ui.frame_until(body, [&] { return blocker.entered.is_set(); }));
    mounted = true;
    REQUIRE(ui.frame_until(body, [&] { return executor->stats().queued == 1; }));
    mounted = false;
    ui.frame(body);
    CHECK(executor->stats().queued == 0);
    blocker.release.set();
    REQUIRE(ui.frame_until(body, [&] { return ui.runtime().stats().active_work == 0; }));
    CHECK(runs == 0);
}

TEST_CASE("a dedicated-thread job takes no slot: it runs while every slot is taken") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Gate blocker;
    Result<int> dedicated;
    auto body = [&] {
        component("blocker", [&] { use_thread(blocker.job()); });
        component("dedicated", [&] {
            dedicated = use_thread([] { return 5; }, ThreadOptions{.dedicated_thread = true});
        });
    };
    REQUIRE(ui.frame_until(body, [&] {
        return blocker.entered.is_set() && dedicated.state() == ResultState::Finished;
    }));
    CHECK(!blocker.release.is_set());
    CHECK(executor->stats().running == 1);
    blocker.release.set();
}

TEST_CASE("ThreadOptions::executor runs the hook's jobs on that executor") {
    auto own = executor_with(1);
    Headless ui;
    Result<int> shown;
    auto body = [&] {
        component("c",
                  [&] { shown = use_thread([] { return 1; }, ThreadOptions{.executor = own}); });
    };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(own->stats().runs_started >= 1);
    CHECK(ui.runtime().executor().stats().runs_started == 0);
}

TEST_CASE("two runtimes sharing an executor share its bound") {
    auto shared = executor_with(1);
    Gate first, second;
    Result<int> a, b;
    Headless ui_a({640, 480}, runtime_on(shared));
    Headless ui_b({640, 480}, runtime_on(shared));
    auto body_a = [&] { component("a", [&] { a = use_thread(first.job()); }); };
    auto body_b = [&] { component("b", [&] { b = use_thread(second.job()); }); };
    ui_a.frames(2, body_a);
    ui_b.frames(2, body_b);
    REQUIRE(eventually([&] { return first.entered.is_set() || second.entered.is_set(); }));
    ui_a.frame(body_a);
    ui_b.frame(body_b);
    // One of the two holds the only slot; the other is queued.
    CHECK(shared->stats().running == 1);
    CHECK(shared->stats().queued == 1);
    first.release.set();
    second.release.set();
    REQUIRE(ui_a.frame_until(body_a, [&] { return a.state() == ResultState::Finished; }));
    REQUIRE(ui_b.frame_until(body_b, [&] { return b.state() == ResultState::Finished; }));
}

TEST_CASE("threads are reused: many short jobs in a row start few threads") {
    auto executor = executor_with(2);
    Headless ui({1024, 768}, runtime_on(executor));
    Rows rows(50, [](int i) { return [i] { return i; }; });
    REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Finished) == 50; }));
    for (auto& result : rows.shown) result.retry();
    REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Finished) == 50; }));
    // Two workers (one per slot) and the service thread; a worker that idles briefly between
    // bursts may be replaced once.
    CHECK(executor->stats().threads_started <= 5);
    CHECK(executor->stats().runs_started >= 100);
}

TEST_CASE("a run requested while the previous one executes goes on its worker: no thread starts") {
    // Two slots: a free one a new thread could take.
    auto executor = executor_with(2);
    Headless ui({640, 480}, runtime_on(executor));
    test::FirstRunBlocks job;
    Result<int> shown;
    auto body = [&] { component("row", [&] { shown = job.use(); }); };
    ui.frame(body);
    REQUIRE(job.first_running.wait());
    // The service thread and the worker of the first run.
    REQUIRE(eventually([&] { return executor->stats().threads_started == 2; }));
    shown.retry();  // Waiting: the first run still executes
    job.release_first.set();
    REQUIRE(ui.frame_until(body, [&] { return shown.value() && *shown.value() == 2; }));
    CHECK(threads_started_settled(*executor) == 2);
    CHECK(executor->stats().threads == 2);
}

TEST_CASE("a retry made while a worker takes the run from the queue goes with that run") {
    auto executor = executor_with(2);
    Event taken, release;
    std::atomic<int> takes{0};
    executor->state()->hold_after_take_for_testing([&] {
        if (++takes > 1) return;
        taken.set();
        release.wait();
    });
    Headless ui({640, 480}, runtime_on(executor));
    std::atomic<int> runs{0};
    Result<int> shown;
    auto body = [&] { component("row", [&] { shown = use_thread([&] { return ++runs; }); }); };
    ui.frame(body);
    REQUIRE(taken.wait());  // a worker holds the run, not started yet
    REQUIRE(eventually([&] { return executor->stats().threads_started == 2; }));
    shown.retry();
    CHECK(threads_started_settled(*executor) == 2);
    CHECK(executor->stats().queued == 0);
    release.set();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(runs == 1);  // the retry's run; the first never started
    CHECK(executor->stats().threads_started == 2);
}

TEST_CASE(
    "a run requested in a frame goes with the worker that took the hook before the frame "
    "ended") {
    // The row's run is queued behind a blocker on the only slot. A frame changes the row's deps
    // (its submission waits for the frame's end), and before that end the blocker finishes and
    // the worker takes the row from the queue: the new run goes with that worker, the row is not
    // queued a second time.
    Hold take;
    auto executor = executor_with(1);
    executor->state()->hold_after_take_for_testing([&] { take(); });
    Headless ui({640, 480}, runtime_on(executor));
    Gate gate;
    std::atomic<int> row_runs{0};
    bool show_row = false;
    int dep = 0;
    bool release_in_body = false;
    bool taken_in_body = false;
    Result<int> blocker, row;
    auto body = [&] {
        component("blocker", [&] { blocker = use_thread(gate.job()); });
        if (show_row)
            component("row", [&] {
                const int d = dep;
                row = use_thread(
                    [&row_runs, d] {
                        ++row_runs;
                        return d;
                    },
                    deps(d));
                if (std::exchange(release_in_body, false)) {
                    take.armed = true;
                    gate.release.set();
                    taken_in_body = take.held.wait();
                }
            });
    };
    ui.frame(body);
    REQUIRE(gate.entered.wait());
    show_row = true;
    ui.frame(body);
    REQUIRE(eventually([&] { return executor->stats().queued == 1; }));
    dep = 1;
    release_in_body = true;
    ui.frame(body);
    REQUIRE(taken_in_body);
    CHECK(executor->stats().queued == 0);
    take.release.set();
    REQUIRE(ui.frame_until(body, [&] { return row.state() == ResultState::Finished; }));
    CHECK(*row.value() == 1);
    CHECK(row_runs == 1);
    REQUIRE(eventually(
        [&] { return executor->stats().queued == 0 && ui.runtime().stats().active_work == 0; }));
    CHECK(executor->stats().runs_started == 2);
}

namespace {

// A row's first run ends with `hold` armed, so that its worker stops where it calls `hold` on its
// way back; a retry made meanwhile goes on that worker: no thread starts.
void check_retry_goes_on_held_worker(Executor& executor, Headless& ui, Hold& hold) {
    test::FirstRunBlocks job;
    Result<int> shown;
    auto body = [&] { component("row", [&] { shown = job.use(); }); };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Running; }));
    REQUIRE(job.first_running.wait());
    REQUIRE(eventually([&] { return executor.stats().threads_started == 2; }));
    hold.armed = true;
    job.release_first.set();
    REQUIRE(hold.held.wait());
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    shown.retry();
    CHECK(threads_started_settled(executor) == 2);
    hold.release.set();
    REQUIRE(ui.frame_until(body, [&] { return shown.value() && *shown.value() == 2; }));
    CHECK(executor.stats().threads_started == 2);
}

}  // namespace

TEST_CASE("a retry made while the ended run's worker is on its way back goes on that worker") {
    Hold hold;
    auto executor = executor_with(2);
    Headless ui({640, 480}, runtime_on(executor));
    // The waker is the last thing the worker calls for its run: held there, the worker has ended
    // the run and not yet come back to the queue.
    ui.runtime().set_waker([&] { hold(); });
    check_retry_goes_on_held_worker(*executor, ui, hold);
}

TEST_CASE("a retry made the moment a run ended goes on the worker that ran it") {
    Hold hold;
    auto executor = executor_with(2);
    // Held as soon as the run's end is published and the hook's lock is free again.
    executor->state()->hold_after_run_for_testing([&] { hold(); });
    Headless ui({640, 480}, runtime_on(executor));
    check_retry_goes_on_held_worker(*executor, ui, hold);
}

namespace {

// A job's value whose destructor sets `destroying` (if any), then waits for `wait_for` (if any)
// longer than the tests wait for anything: destroyed on a worker, it holds that worker.
struct Held {
    Event* destroying = nullptr;
    Event* wait_for = nullptr;
    Held(Event* d, Event* w) : destroying(d), wait_for(w) {}
    Held(Held&& other) noexcept
        : destroying(std::exchange(other.destroying, nullptr)),
          wait_for(std::exchange(other.wait_for, nullptr)) {}
    ~Held() {
        if (destroying) destroying->set();
        if (wait_for) wait_for->wait(2 * test::kTimeout);
    }
};

}  // namespace

TEST_CASE("a run requested while a worker destroys an ended run's value gets a thread of its own") {
    // A value whose destructor, run by the worker of the ended run, waits for the next run to
    // start: that run must not wait for this worker.
    auto executor = executor_with(2);
    Headless ui({640, 480}, runtime_on(executor));
    Event entered, cancelled_seen, second_entered;
    std::atomic<int> runs{0};
    Result<Held> shown;
    auto body = [&] {
        component("row", [&] {
            shown = use_thread([&] {
                if (++runs == 1) {
                    entered.set();
                    cancelled_seen.wait();
                    return Held(nullptr, &second_entered);  // cancelled: dropped on this worker
                }
                second_entered.set();
                return Held(nullptr, nullptr);
            });
        });
    };
    ui.frame(body);
    REQUIRE(entered.wait());
    shown.cancel();
    cancelled_seen.set();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Cancelled; }));
    shown.retry();
    REQUIRE(second_entered.wait());
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(runs == 2);
}

namespace {

// The row unmounts while its second run executes; the worker that ends that run drops the hook's
// last reference, and the value the hook still holds waits in its destructor for another row's
// run to start. That run must get a slot and a thread. With `queued`, a third row's run waits in
// the queue when the hook's last run ends, on an executor of one slot: the worker must let go of
// the hook before it takes that run's slot.
void check_hook_destruction_holds_back_no_run(std::size_t slots, bool queued) {
    auto executor = executor_with(slots);
    Headless ui({640, 480}, runtime_on(executor));
    Event destroying, other_entered, second_entered, release_second;
    std::atomic<int> runs{0};
    bool show_row = true;
    bool show_queued = false;
    bool show_other = false;
    Result<Held> shown;
    Result<int> queued_row, other;
    auto body = [&] {
        if (show_row)
            component("row", [&] {
                shown = use_thread([&] {
                    if (++runs == 1) return Held(&destroying, &other_entered);
                    second_entered.set();
                    release_second.wait();
                    return Held(nullptr, nullptr);
                });
            });
        if (show_queued) component("queued", [&] { queued_row = use_thread([] { return 1; }); });
        if (show_other)
            component("other", [&] {
                other = use_thread([&] {
                    other_entered.set();
                    return 2;
                });
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    shown.retry();
    REQUIRE(second_entered.wait());
    shown = {};
    show_row = false;  // unmounted: the executing run holds the hook's last reference
    show_queued = queued;
    ui.frame(body);
    if (queued) REQUIRE(eventually([&] { return executor->stats().queued == 1; }));
    release_second.set();
    REQUIRE(destroying.wait());
    show_other = true;
    CHECK(ui.frame_until(body, [&] {
        return other.state() == ResultState::Finished &&
               (!queued || queued_row.state() == ResultState::Finished);
    }));
    CHECK(other_entered.is_set());
}

}  // namespace

TEST_CASE("a worker that destroys an unmounted hook it executed never holds back another run") {
    check_hook_destruction_holds_back_no_run(2, false);
}

TEST_CASE("a worker lets go of an unmounted hook it executed before it takes a queued run") {
    check_hook_destruction_holds_back_no_run(1, true);
}

TEST_CASE(
    "a thread asked for while every worker was busy is not started once a worker took the run") {
    auto executor = executor_with(2);
    Headless ui({640, 480}, runtime_on(executor));
    Gate gate;
    Result<int> held, later;
    bool mount_later = false;
    auto body = [&] {
        component("held", [&] { held = use_thread(gate.job()); });
        if (mount_later) component("later", [&] { later = use_thread([] { return 2; }); });
    };
    ui.frame(body);
    REQUIRE(gate.entered.wait());
    REQUIRE(eventually([&] { return executor->stats().threads_started == 2; }));
    // The service thread is kept busy, so the thread asked for next is not started yet.
    Event service_busy, release_service;
    executor->state()->post_chore([&] {
        service_busy.set();
        release_service.wait();
    });
    REQUIRE(service_busy.wait());
    mount_later = true;
    ui.frame(body);  // its run is queued: a free slot, no idle worker, a thread asked for
    gate.release.set();
    // The worker of the first run comes back and takes it.
    REQUIRE(ui.frame_until(body, [&] { return later.state() == ResultState::Finished; }));
    release_service.set();
    CHECK(threads_started_settled(*executor) == 2);
    CHECK(executor->stats().threads == 2);
}

TEST_CASE("no executor thread is alive once the idle timeout passed after the last job") {
    const std::size_t before = test::baseline_thread_count();
    auto executor = executor_with(2, 256, 20ms);
    {
        Headless ui({1024, 768}, runtime_on(executor));
        Rows rows(4, [](int i) { return [i] { return i; }; });
        REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Finished) == 4; }));
        CHECK(executor->stats().threads >= 1);
        REQUIRE(eventually([&] { return executor->stats().threads == 0; }));
    }
    CHECK(test::thread_count_drops_below(before + 1));
}

TEST_CASE("destroying the Runtime shuts down its own executor's threads") {
    const std::size_t before = test::baseline_thread_count();
    {
        Headless ui;
        Rows rows(4, [](int i) { return [i] { return i; }; });
        REQUIRE(ui.frame_until(rows.body(), [&] { return rows.in(ResultState::Finished) == 4; }));
        CHECK(ui.runtime().executor().stats().threads >= 1);
    }
    CHECK(test::thread_count_drops_below(before + 1));
}

TEST_CASE("a thread that cannot be started ends the run in Error saying so, and retry works") {
    auto executor = executor_with(1);
    executor->state()->fail_thread_starts_for_testing(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Result<int> shown;
    auto body = [&] { component("c", [&] { shown = use_thread([] { return 3; }); }); };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Error; }));
    CHECK_THAT(shown.error_message(), Catch::Contains("could not start a worker thread") &&
                                          Catch::Contains("Resource temporarily unavailable"));
    shown.retry();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(*shown.value() == 3);
    CHECK(executor->stats().start_failures == 1);
}

TEST_CASE("the Runtime's destructor ends queued jobs without running them") {
    auto executor = executor_with(1);
    Gate blocker;
    std::atomic<int> runs{0};
    {
        RuntimeOptions options = runtime_on(executor);
        options.shutdown_timeout = 20ms;  // the blocker ignores its stop: leave it running
        Headless ui({1024, 768}, options);
        bool others = false;
        auto body = [&] {
            component("blocker", [&] { use_thread(blocker.job()); });
            if (others)
                for (int i = 0; i < 5; ++i)
                    component(i, [&] { use_thread([&] { return ++runs; }); });
        };
        REQUIRE(ui.frame_until(body, [&] { return blocker.entered.is_set(); }));
        others = true;
        REQUIRE(ui.frame_until(body, [&] { return executor->stats().queued == 5; }));
    }
    CHECK(executor->stats().queued == 0);
    blocker.release.set();  // its slot frees up: nothing queued may take it
    REQUIRE(eventually([&] { return executor->stats().running == 0; }));
    CHECK(runs == 0);
}

TEST_CASE("Executor options are checked: max_threads 0 and a negative idle timeout are named") {
    CHECK_THROWS_WITH(Executor(ExecutorOptions{.max_threads = 0}), Catch::Contains("max_threads"));
    CHECK_THROWS_WITH(Executor(ExecutorOptions{.idle_timeout = -1ms}),
                      Catch::Contains("idle_timeout"));
    CHECK_THROWS_WITH(Executor(ExecutorOptions{.worker_nice = 20}), Catch::Contains("worker_nice"));
    CHECK(Executor(ExecutorOptions{}).options().max_running >= 1);
}

TEST_CASE("worker threads run below the UI thread's priority (Linux)") {
    Headless ui;
    std::atomic<int> nice_in_job{-100};
    Result<int> shown;
    auto body = [&] {
        component("c", [&] {
            shown = use_thread([&] {
                errno = 0;
                nice_in_job = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
                return 0;
            });
        });
    };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    const int ui_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    CHECK(nice_in_job == std::min(ui_nice + ExecutorOptions{}.worker_nice, 19));
}

TEST_CASE("jobs keep starting after many were cancelled before an idle worker reached them") {
    // One slot, workers that never time out: a job that is not taken now is never taken.
    auto executor = executor_with(1, 2, std::chrono::hours(1));
    Headless ui({1024, 768}, runtime_on(executor));
    std::atomic<int> runs{0};
    Result<int> shown;
    auto body = [&] { component("c", [&] { shown = use_thread([&] { return ++runs; }); }); };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    // Each retry wakes the idle worker; each cancel right after takes the job back out of the
    // queue, mostly before the worker looks at it (a run the worker already finished stays
    // finished: cancel has nothing left to stop).
    for (int i = 0; i < 50; ++i) {
        shown.retry();
        shown.cancel();
    }
    REQUIRE(ui.frame_until(body, [&] {
        return shown.state() == ResultState::Cancelled || shown.state() == ResultState::Finished;
    }));
    // A job now must still wake the idle worker, and its own run is the one shown.
    const int before = runs.load();
    shown.retry();
    REQUIRE(ui.frame_until(
        body, [&] { return shown.state() == ResultState::Finished && *shown.value() > before; }));
}

// What components' bodies request while a frame renders reaches the executor when the frame ends,
// all of it at once: the workers do not compete with the frame that started them, and a frame
// that restarts thousands of runs takes the executor's lock once.
TEST_CASE("runs requested while a frame renders reach the executor when the frame ends") {
    auto executor = executor_with(2);
    Headless ui({1024, 768}, runtime_on(executor));
    constexpr int kRows = 3;
    std::atomic<int> runs{0};
    int generation = 0;
    bool retry_first = false;
    std::vector<Result<int>> shown(kRows);
    // Runs the executor had started or held when the body's last component was rendered.
    std::size_t seen_in_frame = 0;
    auto reached = [&] {
        const ExecutorStats stats = executor->stats();
        return stats.runs_started + stats.queued;
    };
    auto body = [&] {
        for (int i = 0; i < kRows; ++i)
            component(i, [&, i] {
                shown[i] = use_thread(
                    [&, g = generation] {
                        ++runs;
                        return g;
                    },
                    deps(generation));
                if (i == 0 && std::exchange(retry_first, false)) shown[i].retry();
            });
        seen_in_frame = reached();
    };
    auto all_show = [&](int g) {
        for (const auto& r : shown)
            if (r.state() != ResultState::Finished || *r.value() != g) return false;
        return true;
    };
    REQUIRE(ui.frame_until(body, [&] { return all_show(0); }));

    const std::size_t before = reached();
    generation = 1;  // every row's dependency changes in the next frame
    ui.frame(body);
    CHECK(seen_in_frame == before);
    for (const auto& r : shown) CHECK(r.state() == ResultState::Starting);  // rule 11
    CHECK(reached() == before + kRows);
    REQUIRE(ui.frame_until(body, [&] { return all_show(1); }));

    const std::size_t before_retry = reached();
    retry_first = true;  // retry() from a component's body
    ui.frame(body);
    CHECK(seen_in_frame == before_retry);
    CHECK(reached() == before_retry + 1);
    REQUIRE(ui.frame_until(body, [&] { return all_show(1); }));
    CHECK(runs == 2 * kRows + 1);  // mount, the change, one retry
}

TEST_CASE("a task called from a component's body starts its run when the frame ends") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Task<int(int)> twice([](int x) { return 2 * x; }, TaskOptions{.executor = executor});
    bool call = false;
    std::size_t started_in_frame = 0;
    auto body = [&] {
        component("caller", [&] {
            if (std::exchange(call, false)) twice(21);
            started_in_frame = executor->stats().runs_started + executor->stats().queued;
        });
    };
    ui.frame(body);
    const std::size_t before = executor->stats().runs_started;
    call = true;
    ui.frame(body);
    CHECK(started_in_frame == before);
    REQUIRE(ui.frame_until(body, [&] { return twice.result().state() == ResultState::Finished; }));
    CHECK(*twice.result().value() == 42);
}

TEST_CASE("a frame that unmounts many components with runs in flight stops all of them") {
    auto executor = executor_with(2);
    Headless ui({1024, 768}, runtime_on(executor));
    constexpr int kRows = 50;
    std::atomic<int> entered{0};
    std::atomic<int> stopped{0};
    bool mounted = true;
    ThreadOptions cooperative;
    cooperative.intrusive_cancel = false;  // sleep_for returns at the stop instead of throwing
    auto body = [&] {
        if (!mounted) return;
        for (int i = 0; i < kRows; ++i)
            component(i, [&] {
                use_thread(
                    [&](std::stop_token stop) {
                        ++entered;
                        sleep_for(std::chrono::hours(1));  // gives the slot away
                        if (stop.stop_requested()) ++stopped;
                        return 0;
                    },
                    cooperative);
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return entered == kRows; }));
    mounted = false;
    ui.frame(body);
    REQUIRE(ui.frame_until(body, [&] { return ui.runtime().stats().active_work == 0; }));
    CHECK(stopped == kRows);
}

TEST_CASE("a Task destroyed in a component's body stops its run before ~Task returns") {
    auto executor = executor_with(1);
    Headless ui({1024, 768}, runtime_on(executor));
    Event entered;
    std::atomic<bool> stop_seen{false};
    TaskOptions options;
    options.executor = executor;
    options.intrusive_cancel = false;  // the job ends when its std::stop_token says so
    options.shutdown_timeout = std::chrono::seconds(30);
    auto task = std::make_unique<Task<int()>>(
        [&](std::stop_token stop) {
            entered.set();
            test::wait_until_stopped(stop);
            stop_seen = true;
            return 0;
        },
        options);
    (*task)();
    REQUIRE(ui.frame_until([] {}, [&] { return entered.is_set(); }));
    bool stopped_when_destroyed = false;
    ui.frame([&] {
        component("owner", [&] {
            task.reset();  // waits (bounded) for the run to honour the stop
            stopped_when_destroyed = stop_seen.load();
        });
    });
    CHECK(stopped_when_destroyed);
}
