// Jobs under hostile use: captures and stop callbacks that block, throw or call back into their
// hook; result types whose moves throw; odd progress; checkpoints during unwinding; errors of runs
// nobody sees any more.
#include "support.h"
#include "use_thread_probe.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;
using imhooks::test::eventually;
using imhooks::test::Probe;

namespace {

// Collects what reaches the runtime's error handler.
struct HandlerReports {
    std::mutex mutex;
    std::vector<ComponentError> seen;
    void attach(Runtime& runtime) {
        runtime.set_error_handler([this](const ComponentError& e) {
            std::lock_guard lock(mutex);
            seen.push_back(e);
        });
    }
    std::size_t count(const char* where) {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (const auto& e : seen) n += std::string_view(e.where) == where;
        return n;
    }
    std::vector<ComponentError> all() {
        std::lock_guard lock(mutex);
        return seen;
    }
};

// A job capture whose destructor runs `action`, but only in an object that was moved into (the
// copy use_thread keeps for the run), never in the temporary the component body builds each frame.
class OnDestroy {
  public:
    explicit OnDestroy(std::function<void()> action) : action_(std::move(action)) {}
    OnDestroy(OnDestroy&& other) noexcept : action_(std::move(other.action_)), armed_(true) {
        other.armed_ = false;
    }
    OnDestroy(const OnDestroy&) = delete;
    ~OnDestroy() {
        if (armed_ && action_) action_();
    }

  private:
    std::function<void()> action_;
    bool armed_ = false;
};

}  // namespace

//----------------------------------------------------------------------------------------------
// Captures and stop callbacks run no user code under a lock and never on the UI thread

TEST_CASE(
    "a capture whose destructor calls cancel() and retry() on its own hook does not deadlock") {
    Probe<int> p;
    int dep = 0;
    // The hook's Result, shared with the destructors (which run on an executor thread).
    struct Holder {
        std::mutex mutex;
        Result<int> result;
        Result<int> get() {
            std::lock_guard lock(mutex);
            return result;
        }
    };
    auto holder = std::make_shared<Holder>();
    auto calls = std::make_shared<std::atomic<int>>(0);
    p.hook = [&] {
        Result<int> r = use_thread([d = dep, back = OnDestroy([holder, calls, d = dep] {
                                                 if (d >= 3) return;  // the last ones end the test
                                                 ++*calls;
                                                 holder->get().cancel();
                                                 holder->get().retry();
                                             })] { return d; },
                                   deps(dep));
        std::lock_guard lock(holder->mutex);
        holder->result = r;
        return r;
    };
    REQUIRE(p.until_state(ResultState::Finished));
    for (dep = 1; dep <= 3; ++dep) p.frame();  // each change destroys the previous job
    dep = 3;
    REQUIRE(p.until([&] {
        return p.last.state() == ResultState::Finished && p.last.value() && *p.last.value() == 3 &&
               p.ui.runtime().stats().active_work == 0;
    }));
    CHECK(*calls == 3);
}

TEST_CASE("a capture whose destructor blocks does not stall the frame that changed the deps") {
    Probe<int> p;
    int dep = 0;
    auto entered = std::make_shared<Event>();
    auto release = std::make_shared<Event>();
    auto finished = std::make_shared<std::atomic<bool>>(false);
    p.hook = [&] {
        return use_thread([d = dep, slow = OnDestroy([=, d = dep] {
                                        if (d != 0) return;
                                        entered->set();
                                        release->wait();
                                        *finished = true;
                                    })] { return d; },
                          deps(dep));
    };
    REQUIRE(p.until_state(ResultState::Finished));
    dep = 1;
    p.frame();  // the first job is destroyed: on an executor thread, not in this frame
    CHECK_FALSE(*finished);
    CHECK(entered->wait());
    CHECK_FALSE(*finished);
    release->set();
    REQUIRE(eventually([&] { return finished->load(); }));
    REQUIRE(p.until([&] { return p.last.state() == ResultState::Finished; }));
}

TEST_CASE("cancel() returns at once while the job's stop callback blocks") {
    Probe<int> p;
    Event running, in_callback, release;
    std::atomic<bool> callback_done{false};
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token stop) {
                std::stop_callback wake(stop, [&] {
                    in_callback.set();
                    release.wait();
                    callback_done = true;
                });
                running.set();
                while (!stop.stop_requested()) std::this_thread::yield();
                return 1;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return running.is_set(); }));
    p.last.cancel();  // would block until `release` if the callback ran here
    CHECK_FALSE(callback_done);
    CHECK(p.last.cancel_requested());
    CHECK(in_callback.wait());
    CHECK_FALSE(callback_done);
    release.set();
    REQUIRE(p.until_state(ResultState::Cancelled));
    CHECK(callback_done);
}

TEST_CASE("the Runtime's destructor keeps to shutdown_timeout while a stop callback blocks") {
    Event running, release;
    auto callback_done = std::make_shared<std::atomic<bool>>(false);
    bool returned_before_release = false;
    {
        RuntimeOptions options;
        options.shutdown_timeout = 50ms;
        Headless ui({640, 480}, options);
        auto body = [&] {
            component("c", [&] {
                use_thread(
                    [&, callback_done](std::stop_token stop) {
                        std::stop_callback wake(stop, [&, callback_done] {
                            release.wait();
                            *callback_done = true;
                        });
                        running.set();
                        while (!stop.stop_requested()) std::this_thread::yield();
                        return 1;
                    },
                    ThreadOptions{.intrusive_cancel = false});
            });
        };
        REQUIRE(ui.frame_until(body, [&] { return running.is_set(); }));
    }
    returned_before_release = !*callback_done;
    release.set();
    CHECK(returned_before_release);
    REQUIRE(eventually([&] { return callback_done->load(); }));
}

TEST_CASE("stop callbacks and the job's captures run on an executor thread, not the UI thread") {
    Probe<int> p;
    const std::thread::id ui_thread = std::this_thread::get_id();
    int dep = 0;
    auto destroyed_on = std::make_shared<std::atomic<std::thread::id>>();
    auto callback_on = std::make_shared<std::atomic<std::thread::id>>();
    Event running;
    p.hook = [&] {
        return use_thread(
            [&, d = dep, marker = OnDestroy([destroyed_on, d = dep] {
                             if (d == 0) *destroyed_on = std::this_thread::get_id();
                         })](std::stop_token stop) {
                if (d == 0) {
                    std::stop_callback on_stop(
                        stop, [callback_on] { *callback_on = std::this_thread::get_id(); });
                    running.set();
                    while (!stop.stop_requested()) std::this_thread::yield();
                }
                return d;
            },
            deps(dep), ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return running.is_set(); }));
    dep = 1;
    REQUIRE(p.until([&] {
        return p.last.state() == ResultState::Finished && p.ui.runtime().stats().active_work == 0;
    }));
    CHECK(callback_on->load() != std::thread::id());
    CHECK(callback_on->load() != ui_thread);
    CHECK(destroyed_on->load() != std::thread::id());
    CHECK(destroyed_on->load() != ui_thread);
}

TEST_CASE("a job replaced after its run finished is destroyed on an executor thread") {
    Probe<int> p;
    const std::thread::id ui_thread = std::this_thread::get_id();
    int dep = 0;
    auto destroyed_on = std::make_shared<std::atomic<std::thread::id>>();
    p.hook = [&] {
        return use_thread([d = dep, marker = OnDestroy([destroyed_on, d = dep] {
                                        if (d == 0) *destroyed_on = std::this_thread::get_id();
                                    })] { return d; },
                          deps(dep));
    };
    REQUIRE(p.until([&] { return p.last.state() == ResultState::Finished; }));
    dep = 1;
    REQUIRE(p.until([&] {
        return p.last.state() == ResultState::Finished && *p.last.value() == 1 &&
               p.ui.runtime().stats().active_work == 0;
    }));
    REQUIRE(eventually([&] { return destroyed_on->load() != std::thread::id(); }));
    CHECK(destroyed_on->load() != ui_thread);
}

TEST_CASE("a replaced job whose next run never starts is destroyed off the UI thread at unmount") {
    // One slot, held by a blocker while the row's new run waits in the queue: no executor thread
    // ever takes that run, so only the unmount can release the job it replaced.
    ExecutorOptions one_slot;
    one_slot.max_running = 1;
    auto executor = std::make_shared<Executor>(one_slot);
    const ThreadOptions on_it{.executor = executor};
    Probe<int> p;
    const std::thread::id ui_thread = std::this_thread::get_id();
    int dep = 0;
    bool blocker = false;
    Event blocking, release;
    auto destroyed_on = std::make_shared<std::atomic<std::thread::id>>();
    auto destroyed = std::make_shared<std::atomic<int>>(0);
    p.hook = [&] {
        if (blocker)
            component("blocker", [&] {
                use_thread(
                    [&] {
                        blocking.set();
                        release.wait();
                        return 0;
                    },
                    on_it);
            });
        return use_thread([d = dep, marker = OnDestroy([destroyed_on, destroyed, d = dep] {
                                        if (d == 0) *destroyed_on = std::this_thread::get_id();
                                        ++*destroyed;
                                    })] { return d; },
                          deps(dep), on_it);
    };
    REQUIRE(p.until([&] { return p.last.state() == ResultState::Finished; }));
    blocker = true;
    REQUIRE(p.until([&] { return blocking.is_set(); }));
    dep = 1;
    p.frame();  // the new run is queued behind the blocker
    REQUIRE(p.last.state() == ResultState::Starting);
    p.last.cancel();  // taken out of the queue: it never runs
    REQUIRE(p.until_state(ResultState::Cancelled));
    p.mounted = false;
    p.frame();
    release.set();
    CHECK(work_drops_to_zero(p.ui));
    REQUIRE(eventually([&] { return destroyed->load() == 2; }));  // both jobs, once each
    CHECK(destroyed_on->load() != ui_thread);
}

//----------------------------------------------------------------------------------------------
// Result types whose moves throw

namespace {

// Moving it throws when `fail_moves` is set.
struct Fragile {
    static inline std::atomic<bool> fail_moves{false};
    int n = 0;
    explicit Fragile(int value) : n(value) {}
    Fragile(Fragile&& other) : n(other.n) {
        if (fail_moves) throw std::runtime_error("Fragile: move failed");
    }
    Fragile(const Fragile&) = delete;
    Fragile& operator=(Fragile&&) = delete;  // not even move-assignable
    Fragile& operator=(const Fragile&) = delete;
};

// Every move after the first throws: a result may be moved once, into the Result.
struct MovableOnce {
    int n = 0;
    int moves = 0;
    explicit MovableOnce(int value) : n(value) {}
    MovableOnce(MovableOnce&& other) : n(other.n), moves(other.moves + 1) {
        if (moves > 1) throw std::runtime_error("MovableOnce: moved twice");
    }
    MovableOnce(const MovableOnce&) = delete;
    MovableOnce& operator=(MovableOnce&&) = delete;
    MovableOnce& operator=(const MovableOnce&) = delete;
};

// Moving or copying it on the UI thread throws.
struct UiThreadAllergic {
    static inline std::thread::id ui_thread;
    int n = 0;
    explicit UiThreadAllergic(int value) : n(value) {}
    UiThreadAllergic(UiThreadAllergic&& other) : n(other.n) { check(); }
    UiThreadAllergic(const UiThreadAllergic& other) : n(other.n) { check(); }
    UiThreadAllergic& operator=(const UiThreadAllergic&) = default;
    static void check() {
        if (std::this_thread::get_id() == ui_thread)
            throw std::runtime_error("UiThreadAllergic moved on the UI thread");
    }
};

}  // namespace

TEST_CASE(
    "a result whose move throws ends the run in Error with that exception; the hook goes on") {
    Probe<Fragile> p;
    Fragile::fail_moves = true;
    p.hook = [&] { return use_thread([] { return Fragile(4); }); };
    REQUIRE(p.until([&] { return p.last.state() == ResultState::Error; }));
    CHECK(p.last.error_message() == "Fragile: move failed");
    Fragile::fail_moves = false;
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->n == 4);
    Fragile::fail_moves = false;
}

TEST_CASE("a job's result is moved once: a type whose later moves throw still finishes") {
    Probe<MovableOnce> p;
    p.hook = [&] { return use_thread([] { return MovableOnce(6); }); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->n == 6);
    p.last.retry();  // the hook goes on working
    REQUIRE(p.until([&] { return p.ui.runtime().stats().active_work == 0; }));
    p.frame();
    CHECK(p.last.state() == ResultState::Finished);
}

TEST_CASE("a yielded value whose move throws ends the run in Error, not a stuck Running") {
    Probe<Fragile> p;
    Fragile::fail_moves = true;
    p.hook = [&] {
        return use_thread<Fragile>([](Job<Fragile>& job) {
            job.yield(Fragile(1));
            return Fragile(2);
        });
    };
    REQUIRE(p.until([&] { return p.last.state() == ResultState::Error; }));
    CHECK(p.last.error_message() == "Fragile: move failed");
    Fragile::fail_moves = false;
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->n == 2);
}

TEST_CASE("a result is never moved or copied on the UI thread: Finished always shows") {
    UiThreadAllergic::ui_thread = std::this_thread::get_id();
    Probe<UiThreadAllergic> p;
    p.hook = [&] {
        return use_thread<UiThreadAllergic>([](Job<UiThreadAllergic>& job) {
            job.yield(UiThreadAllergic(1));
            return UiThreadAllergic(2);
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->n == 2);
}

//----------------------------------------------------------------------------------------------
// Progress and checkpoints

TEST_CASE("report_progress(NaN) leaves progress() empty, never NaN, and still shows the text") {
    Probe<int> p;
    Event reported, release;
    p.hook = [&] {
        return use_thread([&] {
            report_progress(0.5f, "half");
            report_progress(std::numeric_limits<float>::quiet_NaN(), "unknown");
            reported.set();
            release.wait();
            return 1;
        });
    };
    REQUIRE(p.until([&] { return reported.is_set() && p.last.progress_text() == "unknown"; }));
    CHECK_FALSE(p.last.progress().has_value());
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
}

TEST_CASE("progress and its text stay visible after the run ends, until the next run starts") {
    Probe<int> p;
    bool fail = false;
    p.hook = [&] {
        return use_thread(
            [f = fail]() -> int {
                report_progress(0.4f, "parsing");
                if (f) throw std::runtime_error("bad input");
                report_progress(0.9f, "almost");
                return 1;
            },
            deps(fail));
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.progress() == 0.9f);
    CHECK(p.last.progress_text() == "almost");
    fail = true;
    p.frame();
    CHECK_FALSE(p.last.progress().has_value());  // a new run starts afresh
    REQUIRE(p.until_state(ResultState::Error));
    CHECK(p.last.progress() == 0.4f);
    CHECK(p.last.progress_text() == "parsing");  // where the failed run got to
}

TEST_CASE("a checkpoint reached from a destructor while a cancelled job unwinds does not throw") {
    Probe<int> p;
    Event running;
    std::atomic<int> guards_done{0};
    struct ProgressGuard {
        std::atomic<int>& done;
        ~ProgressGuard() {
            report_progress(1.0f, "cleaning up");  // a checkpoint: must not throw while unwinding
            checkpoint();
            ++done;
        }
    };
    p.hook = [&] {
        return use_thread([&] {
            ProgressGuard guard{guards_done};
            running.set();
            for (;;) sleep_for(1ms);
            return 0;
        });
    };
    REQUIRE(p.cancel_after(running));
    CHECK(guards_done == 1);
}

TEST_CASE("sleep_for(milliseconds::max()) in a job sleeps until the stop, never returns at once") {
    Probe<int> p;
    Event sleeping;
    std::atomic<bool> woke_by_stop{false};
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token stop) {
                sleeping.set();
                sleep_for(std::chrono::milliseconds::max());
                woke_by_stop = stop.stop_requested();
                return 1;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.cancel_after(sleeping));
    CHECK(woke_by_stop);
}

TEST_CASE("sleep_for without a stop returns once its duration has passed, never before") {
    using Clock = std::chrono::steady_clock;
    Probe<std::vector<Clock::duration>> p;
    p.hook = [&] {
        return use_thread([] {
            std::vector<Clock::duration> slept;
            for (auto d : {30ms, 1ms, 20ms}) {
                const Clock::time_point start = Clock::now();
                sleep_for(d);
                slept.push_back(Clock::now() - start);
            }
            return slept;
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    const std::vector<Clock::duration>& slept = *p.last.value();
    REQUIRE(slept.size() == 3);
    CHECK(slept[0] >= 30ms);
    CHECK(slept[1] >= 1ms);
    CHECK(slept[2] >= 20ms);
}

TEST_CASE("sleep_for(hours::max()) and other huge durations saturate instead of overflowing") {
    Probe<int> p;
    Event sleeping;
    p.hook = [&] {
        return use_thread([&] {
            sleeping.set();
            sleep_for(std::chrono::hours::max());
            return 1;
        });
    };
    REQUIRE(p.cancel_after(sleeping));
}

//----------------------------------------------------------------------------------------------
// Errors of runs nobody sees

TEST_CASE("a job that throws after its component unmounted is reported once as discarded") {
    Headless ui;
    HandlerReports reports;
    reports.attach(ui.runtime());
    Event running;
    bool mounted = true;
    auto body = [&] {
        if (mounted)
            component("loader", [&] {
                use_thread(
                    [&](std::stop_token stop) -> int {
                        running.set();
                        while (!stop.stop_requested()) std::this_thread::yield();
                        throw std::runtime_error("failed while stopping");
                    },
                    ThreadOptions{.intrusive_cancel = false});
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return running.is_set(); }));
    mounted = false;
    REQUIRE(ui.frame_until(body, [&] { return reports.count("discarded") == 1; }));
    ui.frames(3, body);
    const auto all = reports.all();
    REQUIRE(all.size() == 1);
    CHECK(all[0].component == "loader");
    CHECK(all[0].message == "failed while stopping");
}

TEST_CASE("a job that throws after cancel() is reported once as discarded, never shown") {
    Probe<int> p;
    HandlerReports reports;
    reports.attach(p.ui.runtime());
    Event running;
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token stop) -> int {
                running.set();
                while (!stop.stop_requested()) std::this_thread::yield();
                throw 42;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.cancel_after(running));
    REQUIRE(p.until([&] { return reports.count("discarded") == 1; }));
    p.ui.frames(3, p.body());
    CHECK(reports.all().size() == 1);
    CHECK(p.last.state() == ResultState::Cancelled);
    CHECK_FALSE(p.last.error());
}

TEST_CASE("a cancelled job that ends by Cancelled is not reported") {
    Probe<int> p;
    HandlerReports reports;
    reports.attach(p.ui.runtime());
    Event running;
    p.hook = [&] {
        return use_thread([&] {
            running.set();
            for (;;) sleep_for(1ms);
            return 0;
        });
    };
    REQUIRE(p.cancel_after(running));
    REQUIRE(p.until([&] { return p.ui.runtime().stats().active_work == 0; }));
    p.ui.frames(2, p.body());
    CHECK(reports.all().empty());
}

TEST_CASE("a job that throws Cancelled itself, with no stop requested, ends in Cancelled") {
    Probe<int> p;
    p.hook = [&] { return use_thread([]() -> int { throw Cancelled{}; }); };
    REQUIRE(p.until_state(ResultState::Cancelled));
    CHECK_FALSE(p.last.error());
    CHECK_FALSE(p.last.cancel_requested());
}

TEST_CASE("a result type that is not assignable works: it is moved into the Result once") {
    Probe<Fragile> p;
    p.hook = [&] { return use_thread([] { return Fragile(9); }); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->n == 9);
}
