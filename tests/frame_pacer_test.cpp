// FramePacer: when a hand-written loop renders and how long it sleeps. Deterministic: the clock is
// passed in, timed frames are either due at once or an hour away.
#include <imhooks/frame_pacer.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <stdexcept>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

// Renders `frame` while the pacer says so (at most `limit` frames); returns how many.
int render_while_due(Headless& ui, FramePacer& pacer, const Headless::Body& frame,
                     int limit = 100) {
    int rendered = 0;
    while (rendered < limit && pacer.should_render()) {
        ui.frame(frame);
        ++rendered;
    }
    return rendered;
}

const Headless::Body kNothing = [] {};

FramePacerOptions pacing(int extra_frames_after_input,
                         std::optional<std::chrono::milliseconds> max_wait = std::nullopt) {
    FramePacerOptions options;
    options.extra_frames_after_input = extra_frames_after_input;
    options.max_wait = max_wait;
    return options;
}

}  // namespace

TEST_CASE("a pacer renders the start-up frames, then nothing, and sleeps until an event") {
    Headless ui;
    ui.settle(kNothing);
    FramePacer pacer(ui.runtime(), pacing(2));
    CHECK(pacer.wait_time() == FramePacer::Clock::duration::zero());
    CHECK(render_while_due(ui, pacer, kNothing) == 3);
    CHECK_FALSE(pacer.wait_time().has_value());
    // A wake-up with nothing to show (a spurious event) renders nothing.
    CHECK_FALSE(pacer.should_render());
    CHECK_FALSE(pacer.should_render());
}

TEST_CASE("input renders its frame and the extra frames after it, then nothing") {
    Headless ui;
    FramePacer pacer(ui.runtime(), pacing(2));
    render_while_due(ui, pacer, kNothing);
    REQUIRE_FALSE(pacer.wait_time().has_value());

    pacer.notify_input();
    CHECK(pacer.wait_time() == FramePacer::Clock::duration::zero());
    CHECK(render_while_due(ui, pacer, kNothing) == 3);
    CHECK_FALSE(pacer.wait_time().has_value());

    // More input during the extra frames starts them over; it never adds up.
    pacer.notify_input();
    REQUIRE(pacer.should_render());
    pacer.notify_input();
    pacer.notify_input();
    CHECK(render_while_due(ui, pacer, kNothing) == 3);
}

TEST_CASE("with no extra frames after input, input renders exactly one frame") {
    Headless ui;
    ui.settle(kNothing);
    FramePacer pacer(ui.runtime(), pacing(0));
    CHECK(render_while_due(ui, pacer, kNothing) == 1);
    pacer.notify_input();
    CHECK(render_while_due(ui, pacer, kNothing) == 1);
}

TEST_CASE("a state change renders frames until the runtime's extra frames are done") {
    RuntimeOptions options;
    options.extra_frames_after_wake = 2;
    Headless ui({1024, 768}, options);
    std::function<void(int)> set;
    int shown = -1;
    auto frame = [&] {
        component("counter", [&] {
            auto [value, set_value] = use_state(0);
            shown = value;
            set = set_value;
        });
    };
    FramePacer pacer(ui.runtime(), pacing(0));
    ui.settle(frame);
    render_while_due(ui, pacer, frame);
    REQUIRE_FALSE(pacer.wait_time().has_value());

    set(7);  // as a worker or a callback would, outside the frame
    CHECK(pacer.wait_time() == FramePacer::Clock::duration::zero());
    // The frame showing the change, then the runtime's two extra frames.
    CHECK(render_while_due(ui, pacer, frame) == 3);
    CHECK(shown == 7);
    CHECK_FALSE(pacer.wait_time().has_value());
}

TEST_CASE("a pacer sleeps until the runtime's timed frame and renders it once it is due") {
    Headless ui;
    FramePacer pacer(ui.runtime(), pacing(0));
    render_while_due(ui, pacer, kNothing);

    ui.runtime().request_frame_in(1h);
    const auto timed = ui.runtime().next_timed_frame();
    REQUIRE(timed);
    const auto now = *timed - 40ms;
    CHECK(pacer.wait_time(now) == FramePacer::Clock::duration(40ms));
    CHECK_FALSE(pacer.should_render(now));
    // Past its time the wait is zero, never negative, and the frame is rendered.
    CHECK(pacer.wait_time(*timed + 5ms) == FramePacer::Clock::duration::zero());
    CHECK(pacer.should_render(*timed));
}

TEST_CASE("an animation asking for a frame in 16 ms gets a 16 ms sleep, not a polling timeout") {
    Headless ui;
    FramePacer pacer(ui.runtime(), pacing(0, 500ms));
    auto animation = [&] { component("spinner", [&] { ui.runtime().request_frame_in(16ms); }); };
    render_while_due(ui, pacer, animation);
    const auto timed = ui.runtime().next_timed_frame();
    REQUIRE(timed);
    const auto now = *timed - 16ms;
    CHECK(pacer.wait_time(now) == FramePacer::Clock::duration(16ms));
}

TEST_CASE("max_wait bounds the sleep when nothing or only a later frame is due") {
    Headless ui;
    FramePacer pacer(ui.runtime(), pacing(0, 500ms));
    render_while_due(ui, pacer, kNothing);
    CHECK(pacer.wait_time() == FramePacer::Clock::duration(500ms));
    ui.runtime().request_frame_in(1h);
    const auto timed = *ui.runtime().next_timed_frame();
    CHECK(pacer.wait_time(timed - 2h) == FramePacer::Clock::duration(500ms));
    CHECK(pacer.wait_time(timed - 100ms) == FramePacer::Clock::duration(100ms));
    CHECK_FALSE(pacer.should_render(timed - 100ms));
}

TEST_CASE("a negative extra frame count is rejected, naming the option") {
    Headless ui;
    CHECK_THROWS_WITH(FramePacer(ui.runtime(), pacing(-1)),
                      Catch::Contains("extra_frames_after_input must be >= 0"));
    CHECK_THROWS_WITH(FramePacer(ui.runtime(), pacing(2, -1ms)),
                      Catch::Contains("max_wait must be >= 0"));
}

TEST_CASE("a pacer reads the runtime's clock: a ManualClock moved past a timed frame renders it") {
    auto clock = std::make_shared<ManualClock>();
    RuntimeOptions options;
    options.clock = clock;
    Headless ui({1024, 768}, options);
    FramePacer pacer(ui.runtime(), pacing(0));
    render_while_due(ui, pacer, kNothing);

    ui.runtime().request_frame_in(2s);
    CHECK(pacer.wait_time() == FramePacer::Clock::duration(2s));
    CHECK_FALSE(pacer.should_render());
    clock->advance(2s);
    CHECK(pacer.wait_time() == FramePacer::Clock::duration::zero());
    CHECK(pacer.should_render());
}
