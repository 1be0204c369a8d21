// use_thread: one or more tests per rule of the SPEC (1-15), and ports of the original's tests.
#include "support.h"

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

namespace {

// Renders one component holding the hook under test and records what each frame showed.
template <class T>
struct Probe {
    Headless ui;
    std::vector<ResultState> states;  // each state seen, consecutive duplicates folded
    Result<T> last;
    std::function<Result<T>()> hook;
    bool mounted = true;

    Headless::Body body() {
        return [this] {
            if (!mounted) return;
            component("probe", [this] {
                last = hook();
                if (states.empty() || states.back() != last.state()) states.push_back(last.state());
            });
        };
    }
    void frame() { ui.frame(body()); }
    bool until(const std::function<bool()>& done) { return ui.frame_until(body(), done); }
    bool until_state(ResultState state) {
        return until([&] { return last.state() == state; });
    }
    // Waits until the job signalled `started`, cancels it, and renders until it shows Cancelled.
    bool cancel_after(Event& started) {
        if (!until([&] { return started.is_set(); })) return false;
        last.cancel();
        return until_state(ResultState::Cancelled);
    }
    bool saw(ResultState state) const {
        return std::find(states.begin(), states.end(), state) != states.end();
    }
};

bool live_threads_drop_to_zero(Headless& ui) {
    return ui.frame_until({}, [&] { return ui.runtime().stats().live_threads == 0; });
}

// A job whose first run blocks, ignoring its stop, until released; later runs return at once.
// Each run returns its number.
struct FirstRunBlocks {
    std::atomic<int> runs{0};
    Event first_running, release_first;

    auto job() {
        return [this](std::stop_token) {
            const int run = ++runs;
            if (run == 1) {
                first_running.set();
                release_first.wait();
            }
            return run;
        };
    }
    Result<int> use() { return use_thread(job(), ThreadOptions{.intrusive_cancel = false}); }
};

}  // namespace

//----------------------------------------------------------------------------------------------
// Rule 1

TEST_CASE("rule 1: the first frame reports Initial and the run starts right after it") {
    Probe<int> p;
    std::atomic<bool> started{false};
    Event release;
    p.hook = [&] {
        return use_thread([&] {
            started = true;
            release.wait();
            return 1;
        });
    };
    p.frame();
    CHECK(p.last.state() == ResultState::Initial);
    CHECK(p.last.value() == nullptr);
    CHECK(p.last.error() == nullptr);
    CHECK(p.ui.runtime().needs_frame());  // the start requests a frame
    REQUIRE(p.until_state(ResultState::Running));
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(started);
    CHECK(*p.last.value() == 1);
}

//----------------------------------------------------------------------------------------------
// Rules 2 and 3

TEST_CASE(
    "rule 2: a new run waits on its own thread while the previous run still executes user code") {
    Probe<int> p;
    Event first_running, release_first, second_running, release_second;
    std::atomic<int> runs{0};
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token) {
                const int run = ++runs;
                if (run == 1) {
                    first_running.set();
                    release_first.wait();  // ignores its stop on purpose
                } else {
                    second_running.set();
                    release_second.wait();
                }
                return run;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return first_running.is_set(); }));
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Waiting));  // the UI thread did not block
    CHECK(runs == 1);
    release_first.set();
    REQUIRE(
        p.until([&] { return second_running.is_set() && p.last.state() == ResultState::Running; }));
    release_second.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2);
    const std::vector<ResultState> tail(p.states.end() - 3, p.states.end());
    CHECK(tail == std::vector{ResultState::Waiting, ResultState::Running, ResultState::Finished});
}

TEST_CASE(
    "rule 3: two runs of one hook never execute user code at once and rapid retries collapse") {
    Probe<int> p;
    std::atomic<int> inside{0}, max_inside{0}, runs{0};
    Event first_running, release_first;
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token) {
                const int now = ++inside;
                int seen = max_inside.load();
                while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
                }
                const int run = ++runs;
                if (run == 1) {
                    first_running.set();
                    release_first.wait();
                }
                --inside;
                return run;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return first_running.is_set(); }));
    for (int i = 0; i < 100; ++i) p.last.retry();
    release_first.set();
    REQUIRE(p.until([&] { return p.last.state() == ResultState::Finished && runs >= 2; }));
    CHECK(max_inside == 1);
    CHECK(runs == 2);  // the 99 superseded waiting runs never ran user code
    CHECK(*p.last.value() == 2);
}

TEST_CASE("100 rapid retries from another thread never have two runs in user code") {
    Probe<int> p;
    std::atomic<int> inside{0}, max_inside{0}, runs{0};
    p.hook = [&] {
        return use_thread([&] {
            const int now = ++inside;
            struct Leave {
                std::atomic<int>& inside;
                ~Leave() { --inside; }  // also when checkpoint() throws Cancelled
            } leave{inside};
            int seen = max_inside.load();
            while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
            }
            ++runs;
            for (int i = 0; i < 100; ++i) checkpoint();
            return 0;
        });
    };
    p.frame();
    Result<int> handle = p.last;
    std::thread retrier([handle] {
        for (int i = 0; i < 100; ++i) handle.retry();
    });
    retrier.join();
    REQUIRE(p.until(
        [&] { return p.last.state() == ResultState::Finished && !p.ui.runtime().needs_frame(); }));
    CHECK(max_inside == 1);
    CHECK(runs <= 101);
    CHECK(live_threads_drop_to_zero(p.ui));
}

//----------------------------------------------------------------------------------------------
// Rules 4 and 5

TEST_CASE("rule 4: a run that returns ends in Finished with its value and clears the error") {
    Probe<std::string> p;
    std::atomic<int> runs{0};
    p.hook = [&] {
        return use_thread([&]() -> std::string {
            if (++runs == 1) throw std::runtime_error("first run fails");
            return "ok";
        });
    };
    REQUIRE(p.until_state(ResultState::Error));
    CHECK(p.last.error() != nullptr);
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == "ok");
    CHECK(p.last.error() == nullptr);
    CHECK(p.last.error_message().empty());
    CHECK_FALSE(p.last.stale());
}

TEST_CASE("rule 5: a throwing run ends in Error and keeps the previous value") {
    Probe<int> p;
    std::atomic<int> runs{0};
    p.hook = [&] {
        return use_thread([&] {
            if (++runs == 2) throw std::invalid_argument("bad input 7");
            return 41;
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Error));
    REQUIRE(p.last.value() != nullptr);
    CHECK(*p.last.value() == 41);
    CHECK(p.last.stale());
    CHECK(p.last.error_message() == "bad input 7");
    CHECK_THROWS_AS(std::rethrow_exception(p.last.error()), std::invalid_argument);
}

TEST_CASE("rule 5: an exception not derived from std::exception still has a readable message") {
    struct DiskFull {};
    Probe<int> p;
    bool throw_int = GENERATE(true, false);
    p.hook = [&] {
        return use_thread([&]() -> int {
            if (throw_int) throw 42;
            throw DiskFull{};
        });
    };
    REQUIRE(p.until_state(ResultState::Error));
    if (throw_int)
        CHECK(p.last.error_message() == "exception of type int (not derived from std::exception)");
    else
        CHECK_THAT(p.last.error_message(), Catch::Contains("DiskFull"));
}

//----------------------------------------------------------------------------------------------
// Rule 6

TEST_CASE("rule 6: a run whose stop was requested ends in Cancelled whatever it returns") {
    Probe<int> p;
    Event running, release;
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token) {
                running.set();
                release.wait();
                report_progress(0.9f, "late");  // after the request: not shown
                return 99;                      // ignored its stop and returned: not shown
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return running.is_set() && p.last.state() == ResultState::Running; }));
    p.last.cancel();
    CHECK(p.last.cancel_requested());
    release.set();
    REQUIRE(p.until_state(ResultState::Cancelled));
    CHECK(p.last.value() == nullptr);
    CHECK_FALSE(p.last.progress().has_value());
    p.ui.settle(p.body());
    CHECK(p.last.state() == ResultState::Cancelled);
}

TEST_CASE("rule 6: a stopped job's late result never shows, even when it throws afterwards") {
    Probe<int> p;
    Event running, release;
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token stop) -> int {
                running.set();
                release.wait();
                if (stop.stop_requested()) throw std::runtime_error("cleanup failed after stop");
                return 1;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until([&] { return running.is_set(); }));
    p.last.cancel();
    release.set();
    REQUIRE(p.until_state(ResultState::Cancelled));
    CHECK(p.last.error() == nullptr);
}

//----------------------------------------------------------------------------------------------
// Rule 7 and port (b)

TEST_CASE(
    "rule 7: partial results replace the value while Running and many yields cost one frame") {
    Probe<int> p;
    std::atomic<int> wakes{0};
    p.ui.runtime().set_waker([&] { ++wakes; });
    Event yielded_all, at_release, release, finish;
    p.hook = [&] {
        return use_thread([&]() -> Generator<int> {
            co_yield 0;  // its publication (and waker call) is done before the generator resumes
            at_release.set();
            release.wait();
            for (int i = 1; i <= 10000; ++i) co_yield i;
            yielded_all.set();
            finish.wait();
        });
    };
    REQUIRE(p.until([&] { return p.last.value() && *p.last.value() == 0; }));
    REQUIRE(at_release.wait());
    p.ui.settle(p.body());
    REQUIRE_FALSE(p.ui.runtime().needs_frame());
    const int wakes_before = wakes;
    release.set();  // the generator yields 10,000 values without a frame in between
    REQUIRE(yielded_all.wait());
    CHECK(wakes == wakes_before + 1);
    p.frame();
    CHECK(p.last.state() == ResultState::Running);
    CHECK(*p.last.value() == 10000);  // the latest wins
    CHECK_FALSE(p.last.stale());
    finish.set();
    REQUIRE(p.until_state(ResultState::Finished));
}

TEST_CASE(
    "port (b): a generator that yields 1, blocks, then yields 2 shows 1 while Running, then 2, "
    "then Finished") {
    Probe<int> p;
    Event proceed;
    p.hook = [&] {
        return use_thread([&](std::stop_token) -> Generator<int> {
            co_yield 1;
            proceed.wait();
            co_yield 2;
        });
    };
    REQUIRE(p.until([&] { return p.last.value() != nullptr; }));
    CHECK(*p.last.value() == 1);
    CHECK(p.last.state() == ResultState::Running);
    proceed.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2);
}

TEST_CASE("Job::yield publishes partial results and a void job finishes with the last one") {
    Probe<int> p;
    p.hook = [&] {
        return use_thread([](Job<int>& job) {
            for (int i = 1; i <= 3; ++i) job.yield(i * 10);
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 30);
}

//----------------------------------------------------------------------------------------------
// Rule 8

TEST_CASE("rule 8: the previous value stays visible during a new run and stale says so") {
    Probe<int> p;
    std::atomic<int> runs{0};
    Event second_running, release;
    p.hook = [&] {
        return use_thread([&] {
            const int run = ++runs;
            if (run == 2) {
                second_running.set();
                release.wait();
            }
            return run * 100;
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK_FALSE(p.last.stale());
    p.last.retry();
    REQUIRE(
        p.until([&] { return second_running.is_set() && p.last.state() == ResultState::Running; }));
    REQUIRE(p.last.value() != nullptr);
    CHECK(*p.last.value() == 100);
    CHECK(p.last.stale());
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 200);
    CHECK_FALSE(p.last.stale());
}

TEST_CASE("rule 8: the previous error stays visible during a new run") {
    Probe<int> p;
    std::atomic<int> runs{0};
    Event release;
    p.hook = [&] {
        return use_thread([&]() -> int {
            if (++runs == 1) throw std::runtime_error("first");
            release.wait();
            return 2;
        });
    };
    REQUIRE(p.until_state(ResultState::Error));
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Running));
    CHECK(p.last.error_message() == "first");
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
}

//----------------------------------------------------------------------------------------------
// Rule 9

TEST_CASE("rule 9: cancel from another thread turns cancel_requested true at once") {
    Probe<int> p;
    Event running;
    p.hook = [&] {
        return use_thread([&] {
            running.set();
            for (;;) sleep_for(1ms);
            return 0;
        });
    };
    REQUIRE(p.until([&] { return running.is_set(); }));
    Result<int> handle = p.last;
    std::thread([handle] { handle.cancel(); }).join();
    CHECK(handle.cancel_requested());
    REQUIRE(p.until_state(ResultState::Cancelled));
    CHECK(p.last.cancel_requested());
}

TEST_CASE("rule 9: cancel with nothing in flight has no effect") {
    Probe<int> p;
    p.hook = [&] { return use_thread([] { return 5; }); };
    REQUIRE(p.until_state(ResultState::Finished));
    p.ui.settle(p.body());
    p.last.cancel();
    CHECK_FALSE(p.last.cancel_requested());
    CHECK_FALSE(p.ui.runtime().needs_frame());
    p.frame();
    CHECK(p.last.state() == ResultState::Finished);
}

TEST_CASE("rule 9: cancelling a waiting run ends it at once without running user code") {
    Probe<int> p;
    FirstRunBlocks job;
    p.hook = [&] { return job.use(); };
    REQUIRE(p.until([&] { return job.first_running.is_set(); }));
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Waiting));
    p.last.cancel();
    REQUIRE(p.until_state(ResultState::Cancelled));  // while the first run is still blocked
    job.release_first.set();
    CHECK(live_threads_drop_to_zero(p.ui));
    CHECK(job.runs == 1);
    CHECK(p.last.state() == ResultState::Cancelled);
}

//----------------------------------------------------------------------------------------------
// Rule 10

TEST_CASE("rule 10: retry from a finished state runs the job again with the same dependencies") {
    Probe<int> p;
    std::atomic<int> runs{0};
    const int limit = 7;
    p.hook = [&] { return use_thread([&, limit] { return limit * 10 + ++runs; }, deps(limit)); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 71);
    p.last.retry();
    REQUIRE(
        p.until([&] { return p.last.state() == ResultState::Finished && *p.last.value() == 72; }));
    CHECK(runs == 2);
}

//----------------------------------------------------------------------------------------------
// Rule 11 and port (a)

TEST_CASE("rule 11: deps change reports Starting in the same frame and stops the old run") {
    Probe<int> p;
    int limit = 1;
    std::atomic<bool> old_run_stopped{false};
    p.hook = [&] {
        return use_thread(
            [&, limit](std::stop_token stop) {
                if (limit == 1) {
                    while (!stop.stop_requested()) std::this_thread::yield();
                    old_run_stopped = true;
                }
                return limit;
            },
            deps(limit), ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.until_state(ResultState::Running));
    limit = 2;
    p.frame();
    CHECK(p.last.state() == ResultState::Starting);
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(old_run_stopped);
    CHECK(*p.last.value() == 2);
}

TEST_CASE("rule 11: the frame in which deps change never reports the old Finished") {
    Probe<int> p;
    int limit = 1;
    p.hook = [&] { return use_thread([limit] { return limit; }, deps(limit)); };
    REQUIRE(p.until_state(ResultState::Finished));
    limit = 2;
    p.frame();
    CHECK(p.last.state() == ResultState::Starting);
    CHECK(*p.last.value() == 1);
    CHECK(p.last.stale());
}

TEST_CASE("port (a): a dependency change re-runs the work and shows the new value") {
    Probe<std::string> p;
    std::string name = "first";
    p.hook = [&] { return use_thread([name] { return "hello " + name; }, deps(name)); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == "hello first");
    name = "second";
    REQUIRE(p.until([&] {
        return p.last.state() == ResultState::Finished && *p.last.value() == "hello second";
    }));
}

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
    CHECK(live_threads_drop_to_zero(p.ui));
    CHECK(stopped);
    CHECK(kept.state() == ResultState::Running);  // a Result outliving its component is harmless
    kept.cancel();
    kept.retry();
    CHECK(p.ui.runtime().stats().live_threads == 0);
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
    CHECK(live_threads_drop_to_zero(p.ui));
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

//----------------------------------------------------------------------------------------------
// Rule 14 and port (c)

TEST_CASE(
    "port (c): a loop of sleep_for that never polls is stopped by cancel, and retry runs it to the "
    "end") {
    Probe<int> p;
    std::atomic<int> iterations{0};
    Event started;
    p.hook = [&] {
        return use_thread([&] {
            iterations = 0;
            started.set();
            for (int i = 0; i < 100; ++i) {
                sleep_for(4ms);
                ++iterations;
            }
            return iterations.load();
        });
    };
    REQUIRE(p.cancel_after(started));
    CHECK(iterations < 100);
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(iterations == 100);
    CHECK(*p.last.value() == 100);
}

TEST_CASE("rule 14: intrusive cancel aborts a CPU loop at checkpoint()") {
    Probe<long> p;
    Event running;
    std::atomic<bool> after_loop{false};
    p.hook = [&] {
        return use_thread([&] {
            long n = 0;
            running.set();
            for (;;) {
                ++n;
                checkpoint();
            }
            after_loop = true;
            return n;
        });
    };
    REQUIRE(p.cancel_after(running));
    CHECK_FALSE(after_loop);
}

TEST_CASE("rule 14: report_progress and Job::yield are checkpoints") {
    Probe<int> p;
    Event running;
    const bool use_yield = GENERATE(false, true);
    p.hook = [&] {
        return use_thread([&](Job<int>& job) {
            running.set();
            for (int i = 0;; ++i) {
                if (use_yield)
                    job.yield(i);
                else
                    job.progress(0.5f);
            }
            return 0;
        });
    };
    REQUIRE(p.cancel_after(running));
}

TEST_CASE("rule 14: sleep_for wakes at once on a stop request") {
    Probe<int> p;
    Event sleeping;
    p.hook = [&] {
        return use_thread([&] {
            sleeping.set();
            sleep_for(1h);
            return 0;
        });
    };
    REQUIRE(p.until([&] { return sleeping.is_set(); }));
    p.last.cancel();
    REQUIRE(p.until_state(ResultState::Cancelled));  // within the test timeout, not an hour
}

TEST_CASE(
    "rule 14: a cancelled generator is destroyed between elements and its locals' destructors "
    "run") {
    Probe<int> p;
    std::atomic<bool> local_destroyed{false};
    Event yielded;
    p.hook = [&] {
        return use_thread([&]() -> Generator<int> {
            struct Local {
                std::atomic<bool>& destroyed;
                ~Local() { destroyed = true; }
            } local{local_destroyed};
            for (int i = 0;; ++i) {
                co_yield i;
                yielded.set();
            }
        });
    };
    REQUIRE(p.cancel_after(yielded));
    CHECK(local_destroyed);
}

TEST_CASE(
    "rule 14: with intrusive_cancel = false nothing throws, the job polls and sleep_for returns "
    "early") {
    Probe<int> p;
    Event sleeping;
    std::atomic<bool> returned_normally{false};
    p.hook = [&] {
        return use_thread(
            [&](std::stop_token stop) {
                sleeping.set();
                sleep_for(1h);  // returns early
                checkpoint();   // does not throw
                report_progress(1.0f);
                returned_normally = stop.stop_requested();
                return 1;
            },
            ThreadOptions{.intrusive_cancel = false});
    };
    REQUIRE(p.cancel_after(sleeping));
    CHECK(returned_normally);
}

TEST_CASE("Cancelled is not caught by catch (const std::exception&)") {
    Probe<int> p;
    Event running;
    std::atomic<bool> swallowed{false};
    p.hook = [&] {
        return use_thread([&] {
            running.set();
            try {
                for (;;) sleep_for(1ms);
            } catch (const std::exception&) {
                swallowed = true;
            }
            return 0;
        });
    };
    REQUIRE(p.cancel_after(running));
    CHECK_FALSE(swallowed);
}

//----------------------------------------------------------------------------------------------
// Rule 15 and progress

TEST_CASE("rule 15: progress shows on a later frame and every change wakes the waker") {
    Probe<int> p;
    std::atomic<int> wakes{0};
    p.ui.runtime().set_waker([&] { ++wakes; });
    Event reported, release;
    p.hook = [&] {
        return use_thread([&] {
            report_progress(0.25f, "a quarter");
            reported.set();
            release.wait();
            return 0;
        });
    };
    REQUIRE(p.until([&] { return p.last.progress().has_value(); }));
    CHECK(*p.last.progress() == 0.25f);
    CHECK(p.last.progress_text() == "a quarter");
    REQUIRE(reported.wait());  // the progress burst's waker call has returned
    p.ui.settle(p.body());
    REQUIRE_FALSE(p.ui.runtime().needs_frame());
    const int before = wakes;
    release.set();
    REQUIRE(p.ui.runtime().wait(10s));  // the Finished state wakes the UI...
    REQUIRE(imhooks::test::eventually([&] { return wakes > before; }));  // ...and calls the waker
    p.frame();
    CHECK(p.last.state() == ResultState::Finished);
    CHECK(wakes == before + 1);
}

TEST_CASE("progress is clamped to [0, 1] and reset by a new run") {
    Probe<int> p;
    std::atomic<int> runs{0};
    Event release;
    p.hook = [&] {
        return use_thread([&] {
            if (++runs == 1) {
                report_progress(7.0f);
                return 0;
            }
            release.wait();
            return 1;
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.progress() == 1.0f);
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Running));
    CHECK_FALSE(p.last.progress().has_value());
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
}

//----------------------------------------------------------------------------------------------
// Port (d) and job forms

TEST_CASE(
    "port (d): 256 setter calls from a worker leave other state slots intact and show the last "
    "write") {
    Headless ui;
    int seen_a = -1, seen_b = -1, seen_c = -1;
    auto body = [&] {
        component("c", [&] {
            auto [a, set_a] = use_state(1);
            auto [b, set_b] = use_state(0);
            auto [c, set_c] = use_state(3);
            seen_a = a;
            seen_b = b;
            seen_c = c;
            use_thread([set_b] {
                for (int i = 1; i <= 256; ++i) set_b(i);
                return 0;
            });
        });
    };
    REQUIRE(ui.frame_until(body, [&] { return seen_b == 256; }));
    CHECK(seen_a == 1);
    CHECK(seen_c == 3);
}

TEST_CASE("a void job gives Result<std::monostate> that finishes") {
    Probe<std::monostate> p;
    std::atomic<bool> ran{false};
    p.hook = [&] { return use_thread([&] { ran = true; }); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(ran);
    CHECK(p.last.value() != nullptr);
}

TEST_CASE("use_thread<T> names the value type for a job taking Job<T>&") {
    Probe<double> p;
    p.hook = [&] {
        return use_thread<double>([](auto& job) { return job.stop_requested() ? 0.0 : 2.5; });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2.5);
}

TEST_CASE("to_string names every state") {
    CHECK(std::string(to_string(ResultState::Initial)) == "INITIAL");
    CHECK(std::string(to_string(ResultState::Starting)) == "STARTING");
    CHECK(std::string(to_string(ResultState::Waiting)) == "WAITING");
    CHECK(std::string(to_string(ResultState::Running)) == "RUNNING");
    CHECK(std::string(to_string(ResultState::Error)) == "ERROR");
    CHECK(std::string(to_string(ResultState::Finished)) == "FINISHED");
    CHECK(std::string(to_string(ResultState::Cancelled)) == "CANCELLED");
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

TEST_CASE("a generator's elements may own memory") {
    struct Image {
        std::shared_ptr<std::vector<int>> pixels;
        int rows = 0;
    };
    Probe<Image> p;
    p.hook = [&] {
        return use_thread([]() -> Generator<Image> {
            for (int rows = 1; rows <= 3; ++rows) {
                Image image{std::make_shared<std::vector<int>>(rows * 10, rows), rows};
                co_yield std::move(
                    image);  // named: see generator.h about g++ 12 and braced temporaries
            }
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->rows == 3);
    CHECK(p.last.value()->pixels->size() == 30);
}

TEST_CASE("in_flight is true from Starting to Running and false after") {
    Probe<int> p;
    Event release;
    p.hook = [&] {
        return use_thread([&] {
            release.wait();
            return 1;
        });
    };
    p.frame();
    CHECK_FALSE(p.last.in_flight());  // Initial
    REQUIRE(p.until_state(ResultState::Running));
    CHECK(p.last.in_flight());
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK_FALSE(p.last.in_flight());
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
