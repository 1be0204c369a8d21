// use_thread: progress and wake-ups (rule 15), the job forms, and port (d) of the original's tests.
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
