// use_thread: rules 1-11 of the SPEC, one or more tests each, and ports (a) and (b) of the
// original's tests.
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

TEST_CASE("a Result kept from the first frame cancels and retries the runs that come later") {
    Probe<int> p;
    std::atomic<int> runs{0};
    Event first_running, second_running;
    p.hook = [&] {
        return use_thread([&](std::stop_token stop) {
            (++runs == 1 ? first_running : second_running).set();
            test::wait_until_stopped(stop);
            return 1;
        });
    };
    p.frame();
    const Result<int> first = p.last;  // Initial: no run requested yet
    REQUIRE(first.state() == ResultState::Initial);
    REQUIRE(p.until([&] { return first_running.is_set(); }));
    first.cancel();
    CHECK(first.cancel_requested());
    REQUIRE(p.until_state(ResultState::Cancelled));
    first.retry();
    REQUIRE(p.until([&] { return second_running.is_set(); }));
    CHECK(runs == 2);
    CHECK_FALSE(first.cancel_requested());
    CHECK(first.state() == ResultState::Initial);  // its own snapshot does not change
    p.last.cancel();
    CHECK(work_drops_to_zero(p.ui));
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
    CHECK(work_drops_to_zero(p.ui));
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
    CHECK(work_drops_to_zero(p.ui));
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

TEST_CASE("a dependency change asks for no frame of its own: its frame already shows Starting") {
    // One slot, held by another component's run: the new run stays queued, Starting, and nothing
    // changes until it starts. The app renders no frame meanwhile.
    Event blocker_running, release_blocker;
    Headless ui(
        {1024, 768},
        RuntimeOptions{.executor = std::make_shared<Executor>(ExecutorOptions{.max_running = 1})});
    struct Release {
        Event& event;
        ~Release() { event.set(); }  // before ~Headless waits for the runs
    } release{release_blocker};
    int limit = 1;
    bool with_blocker = false;
    Result<int> shown;
    auto body = [&] {
        component("row", [&] { shown = use_thread([limit] { return limit; }, deps(limit)); });
        if (with_blocker)
            component("blocker", [&] {
                use_thread([&] {
                    blocker_running.set();
                    return release_blocker.wait();
                });
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    with_blocker = true;
    REQUIRE(ui.frame_until(body, [&] { return blocker_running.is_set(); }));
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());

    limit = 2;
    ui.frame(body);
    CHECK(shown.state() == ResultState::Starting);
    CHECK_FALSE(ui.runtime().needs_frame());
    ui.frame(body);  // a frame rendered anyway shows the same
    CHECK(shown.state() == ResultState::Starting);
    CHECK(*shown.value() == 1);

    release_blocker.set();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(*shown.value() == 2);
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
