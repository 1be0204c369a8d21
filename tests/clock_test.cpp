// The runtime's clock (RuntimeOptions::clock, ManualClock) and durations at the ends of their
// range: grace periods and timed frames driven without sleeping, "forever" meaning forever.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

RuntimeOptions with_clock(std::shared_ptr<Clock> clock) {
    RuntimeOptions options;
    options.clock = std::move(clock);
    return options;
}

}  // namespace

TEST_CASE("saturating_add clamps at the ends of the time point's range") {
    using Steady = std::chrono::steady_clock;
    const Steady::time_point now = Steady::now();
    CHECK(detail::saturating_add(now, test::kForever) == Steady::time_point::max());
    CHECK(detail::saturating_add(now, std::chrono::milliseconds::min()) ==
          Steady::time_point::min());
    CHECK(detail::saturating_add(Steady::time_point::max(), 1ns) == Steady::time_point::max());
    CHECK(detail::saturating_add(Steady::time_point::min(), -1ns) == Steady::time_point::min());
    CHECK(detail::saturating_add(now, std::chrono::hours::max()) == Steady::time_point::max());
    CHECK(detail::saturating_add(now, 5ms) == now + 5ms);
    CHECK(detail::saturating_add(now, -5ms) == now - 5ms);
    CHECK(detail::saturating_sub(Steady::time_point::max(), Steady::time_point::min()) ==
          Steady::duration::max());
}

TEST_CASE("a ManualClock moves only when told, and the runtime reads its time") {
    auto clock = std::make_shared<ManualClock>();
    Headless ui({800, 600}, with_clock(clock));
    const Clock::time_point start = ui.runtime().now();
    CHECK(start == clock->now());
    clock->advance(250ms);
    CHECK(ui.runtime().now() - start == 250ms);
    clock->set(start + 1h);
    CHECK(ui.runtime().now() == start + 1h);
    clock->advance(test::kForever);
    CHECK(ui.runtime().now() == Clock::time_point::max());  // saturated, not wrapped
}

TEST_CASE("a grace period runs on the runtime's clock: a ManualClock drives it without sleeping") {
    auto clock = std::make_shared<ManualClock>();
    RuntimeOptions options = with_clock(clock);
    options.unmount_grace = 200ms;
    Headless ui({800, 600}, options);
    std::atomic<int> wakes{0};
    ui.runtime().set_waker([&] { ++wakes; });
    bool show = true;
    auto body = [&] {
        if (show) component("tab", [] { use_state(0); });
    };
    ui.frame(body);
    ui.settle(body);
    show = false;
    ui.frame(body);  // its first frame away: the grace period starts
    ui.settle(body);
    CHECK(ui.runtime().stats().mounted == 1);
    REQUIRE(ui.runtime().next_timed_frame().has_value());
    CHECK(*ui.runtime().next_timed_frame() - ui.runtime().now() <= 200ms);
    CHECK_FALSE(ui.runtime().needs_frame());

    clock->advance(150ms);  // not yet
    CHECK_FALSE(ui.runtime().needs_frame());
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 1);

    const int before = wakes.load();
    clock->advance(50ms);  // the grace period is over: a frame is due, the waker says so
    CHECK(ui.runtime().needs_frame());
    CHECK(wakes.load() == before + 1);
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 0);
}

TEST_CASE("a timed frame becomes due when a ManualClock passes it: wait() wakes, the waker runs") {
    auto clock = std::make_shared<ManualClock>();
    Headless ui({800, 600}, with_clock(clock));
    ui.settle({});
    std::atomic<int> wakes{0};
    ui.runtime().set_waker([&] { ++wakes; });
    ui.runtime().request_frame_in(40ms);
    CHECK(wakes == 1);  // an earlier deadline, outside a frame
    REQUIRE(ui.runtime().next_timed_frame() == clock->now() + 40ms);
    CHECK_FALSE(ui.runtime().needs_frame());
    CHECK_FALSE(ui.runtime().wait(0ms));

    clock->advance(39ms);
    CHECK_FALSE(ui.runtime().needs_frame());
    CHECK(wakes == 1);
    // Whether the other thread moves the clock before or during the wait, the wait sees it.
    std::thread mover([&] { clock->advance(1ms); });
    CHECK(ui.runtime().wait(test::kForever));
    mover.join();
    CHECK(wakes == 2);
    ui.frame({});
    CHECK_FALSE(ui.runtime().next_timed_frame().has_value());
}

TEST_CASE("wait's timeout is real time, also on a ManualClock that nobody moves") {
    auto clock = std::make_shared<ManualClock>();
    Headless ui({800, 600}, with_clock(clock));
    ui.settle({});
    ui.runtime().request_frame_in(1h);  // an hour of the manual clock: never, here
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(ui.runtime().wait(20ms));
    CHECK(std::chrono::steady_clock::now() - start >= 20ms);
}

TEST_CASE("wait(milliseconds::max()) waits until a frame is needed") {
    Headless ui;
    ui.settle({});
    std::thread requester([&] { ui.runtime().request_frame(); });
    CHECK(ui.runtime().wait(test::kForever));
    requester.join();
    ui.frame({});
    ui.settle({});
    CHECK_FALSE(ui.runtime().wait(-5ms));  // negative: only looks
}

TEST_CASE("request_frame_in(milliseconds::max()) never comes, zero and negative are due now") {
    Headless ui;
    ui.settle({});
    ui.runtime().request_frame_in(test::kForever);
    CHECK_FALSE(ui.runtime().needs_frame());
    CHECK_FALSE(ui.runtime().next_timed_frame().has_value());
    ui.runtime().request_frame_in(-10ms);
    CHECK(ui.runtime().needs_frame());
    ui.frame({});
    ui.settle({});
    ui.runtime().request_frame_in(0ms);
    CHECK(ui.runtime().needs_frame());
}

TEST_CASE("unmount_grace of milliseconds::max() keeps an absent component forever") {
    auto clock = std::make_shared<ManualClock>();
    RuntimeOptions options = with_clock(clock);
    options.unmount_grace = test::kForever;
    Headless ui({800, 600}, options);
    bool show = true;
    auto body = [&] {
        if (show) component("kept", [] { use_state(0); });
        component(
            "kept too", [] { use_state(0); },
            ComponentOptions{.unmount_grace = show ? test::kForever : test::kForever});
    };
    ui.frame(body);
    show = false;
    auto absent = [&] {};
    ui.frames(3, absent);
    clock->advance(24h * 365 * 100);  // a century later
    ui.frames(3, absent);
    CHECK(ui.runtime().stats().mounted == 2);
    CHECK_FALSE(ui.runtime().next_timed_frame().has_value());  // no pointless wake-up
    CHECK_FALSE(ui.runtime().needs_frame());
}

TEST_CASE("a per-component unmount_grace of milliseconds::max() keeps it forever") {
    auto clock = std::make_shared<ManualClock>();
    Headless ui({800, 600}, with_clock(clock));
    bool show = true;
    auto body = [&] {
        if (show)
            component(
                "kept", [] { use_state(0); }, ComponentOptions{.unmount_grace = test::kForever});
    };
    ui.frame(body);
    show = false;
    ui.frames(2, body);
    clock->advance(24h * 365 * 100);
    ui.frames(2, body);
    CHECK(ui.runtime().stats().mounted == 1);
    CHECK_FALSE(ui.runtime().next_timed_frame().has_value());
}

TEST_CASE("shutdown_timeout of milliseconds::max() waits for a job as long as it takes") {
    std::atomic<bool> finished{false};
    test::Event stop_seen, release;
    {
        RuntimeOptions options;
        options.shutdown_timeout = test::kForever;
        Headless ui({800, 600}, options);
        Result<int> result;
        auto body = [&] {
            component("job", [&] {
                result = use_thread(
                    [&](std::stop_token stop) {
                        std::stop_callback on_stop(stop, [&] { stop_seen.set(); });
                        release.wait();
                        finished = true;
                        return 1;
                    },
                    deps(), ThreadOptions{.intrusive_cancel = false});
            });
        };
        REQUIRE(ui.frame_until(body, [&] { return result.state() == ResultState::Running; }));
        std::thread releaser([&] {
            stop_seen.wait();  // ~Runtime asked it to stop: now let it finish
            release.set();
        });
        ui.frame({});  // unmounted: its stop is requested
        releaser.join();
    }  // ~Runtime waits (not detaching it at once, as an overflowed deadline did)
    CHECK(finished);
}
