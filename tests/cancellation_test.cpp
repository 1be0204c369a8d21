// use_thread: intrusive and cooperative cancellation (rule 14) and port (c) of the original's
// tests.
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
