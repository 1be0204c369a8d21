// use_thread: unmount, superseded runs and shutdown (rules 12 and 13).
#include "support.h"
#include "use_thread_probe.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;
using imhooks::test::FirstRunBlocks;
using imhooks::test::Probe;
using imhooks::test::work_drops_to_zero;

//----------------------------------------------------------------------------------------------
// Rule 12

TEST_CASE("rule 12: unmount requests stop, nothing reaches the UI, and the thread ends") {
    Probe<int> p;
    Event running;
    std::atomic<bool> stopped{false};
    p.hook = [&] {
        return use_thread([&] {
            running.set();
            try {
                for (;;) sleep_for(10ms);
            } catch (const Cancelled&) {
                stopped = true;
                throw;
            }
            return 0;
        });
    };
    REQUIRE(p.until([&] { return running.is_set() && p.last.state() == ResultState::Running; }));
    Result<int> kept = p.last;
    p.mounted = false;
    p.frame();
    CHECK(p.ui.runtime().stats().mounted == 0);
    CHECK(work_drops_to_zero(p.ui));
    CHECK(stopped);
    CHECK(kept.state() == ResultState::Running);  // a Result outliving its component is harmless
    kept.cancel();
    kept.retry();
    CHECK(p.ui.runtime().stats().active_work == 0);
}

TEST_CASE("rule 12: unmount while Waiting never runs the waiting job") {
    Probe<int> p;
    FirstRunBlocks job;
    p.hook = [&] { return job.use(); };
    REQUIRE(p.until([&] { return job.first_running.is_set(); }));
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Waiting));
    p.mounted = false;
    p.frame();
    job.release_first.set();
    CHECK(work_drops_to_zero(p.ui));
    CHECK(job.runs == 1);
}

TEST_CASE("rule 12: destroying the Runtime while a job sleeps stops and joins it") {
    std::atomic<bool> destructor_ran{false};
    Event sleeping;
    {
        Probe<int> p;
        p.hook = [&] {
            return use_thread([&] {
                struct Guard {
                    std::atomic<bool>& ran;
                    ~Guard() { ran = true; }
                } guard{destructor_ran};
                sleeping.set();
                sleep_for(1h);
                return 0;
            });
        };
        REQUIRE(p.until([&] { return sleeping.is_set(); }));
    }  // ~Headless destroys the Runtime: stop, join
    CHECK(destructor_ran);
}

//----------------------------------------------------------------------------------------------
// Rule 13

TEST_CASE("rule 13: superseded runs never write state, value, error or progress") {
    Probe<int> p;
    int dep = 1;
    Event old_running, release_old;
    p.hook = [&] {
        return use_thread(
            [&, dep](std::stop_token) -> int {
                if (dep == 1) {
                    old_running.set();
                    release_old.wait();
                    report_progress(0.5f, "old");
                    throw std::runtime_error("old run's error");
                }
                return dep;
            },
            deps(dep), ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return old_running.is_set(); }));
    dep = 2;
    p.frame();
    REQUIRE(p.until_state(ResultState::Waiting));
    release_old.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2);
    CHECK_FALSE(p.saw(ResultState::Error));
    CHECK(p.last.error() == nullptr);
    CHECK_FALSE(p.last.progress().has_value());
}

TEST_CASE(
    "rule 13: a finished predecessor never writes a terminal state after its successor's "
    "Starting") {
    Probe<int> p;
    FirstRunBlocks job;
    p.hook = [&] { return job.use(); };
    REQUIRE(p.until([&] { return job.first_running.is_set(); }));
    p.last.retry();
    p.frame();
    job.release_first.set();  // run 1 returns now, after run 2 was requested
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2);
    const auto first_starting = std::find_if(p.states.begin(), p.states.end(), [](ResultState s) {
        return s == ResultState::Starting || s == ResultState::Waiting;
    });
    CHECK(std::count(first_starting, p.states.end(), ResultState::Finished) == 1);
}

TEST_CASE("rule 13: a superseded run's returned value never shows, not even as a stale value") {
    Probe<int> p;
    std::atomic<int> runs{0};
    Event first_running, release_first, second_running, release_second;
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token) {
                const int run = ++runs;
                if (run == 1) {
                    first_running.set();
                    release_first.wait();
                    return 111;  // returned after it was superseded
                }
                second_running.set();
                release_second.wait();
                return 222;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return first_running.is_set(); }));
    p.last.retry();
    release_first.set();
    REQUIRE(
        p.until([&] { return second_running.is_set() && p.last.state() == ResultState::Running; }));
    CHECK(p.last.value() == nullptr);
    release_second.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 222);
}

//----------------------------------------------------------------------------------------------
// Shutdown

TEST_CASE(
    "a job that ignores its stop past the shutdown timeout is detached and the Runtime returns") {
    RuntimeOptions options;
    options.shutdown_timeout = 50ms;
    // Shared with the job, which outlives this test's scope for a moment after `done`.
    struct Events {
        Event running, release, done;
    };
    auto events = std::make_shared<Events>();
    auto started = std::chrono::steady_clock::now();
    {
        Headless ui({800, 600}, options);
        auto body = [&] {
            component("stubborn", [&] {
                use_thread(
                    [events](std::stop_token) {
                        events->running.set();
                        events->release.wait();  // never looks at its stop token
                        report_progress(1.0f);   // after the Runtime is gone: touches nothing freed
                        events->done.set();
                        return 1;
                    },
                    ThreadOptions{.intrusive_cancel = false});
            });
        };
        REQUIRE(ui.frame_until(body, [&] { return events->running.is_set(); }));
        started = std::chrono::steady_clock::now();
    }
    CHECK(std::chrono::steady_clock::now() - started < 5s);  // bounded, not blocked on the job
    events->release.set();
    // The detached job finishes on its own; the sanitizer builds check it touches nothing freed.
    CHECK(events->done.wait());
}
