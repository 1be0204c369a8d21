// imhooks::FramePacer: for a render loop you write yourself, whether to render a frame now and how
// long the loop may sleep, from what the Runtime knows (a change to show, the extra frames after
// it, the next timed frame of an animation) and from the input you report. Backend-neutral: it
// never sleeps itself. With it a loop renders no frame while nothing happens and animates at the
// rate the animation asks for (Runtime::request_frame_in), not at the rate of a polling timeout.
//
//     imhooks::FramePacer pacer(runtime);
//     runtime.set_waker([] { glfwPostEmptyEvent(); });       // workers wake the sleeping loop
//     // input callbacks, installed before ImGui's backend (which calls them): pacer.notify_input()
//     while (!glfwWindowShouldClose(window)) {
//         const auto wait = pacer.wait_time();
//         if (!wait) glfwWaitEvents();                          // nothing due: until an event
//         else if (wait->count() > 0)
//         glfwWaitEventsTimeout(std::chrono::duration<double>(*wait).count()); else
//         glfwPollEvents(); if (!pacer.should_render()) continue;                 // woken by
//         nothing that shows
//         /* NewFrame, components, Render, draw, swap */
//     }
//
// The runner (imhooks::Runner) runs exactly this logic. Costs: a few atomic loads per call.
#pragma once

#include <imhooks/runtime.h>

#include <atomic>
#include <chrono>
#include <optional>

namespace imhooks {

struct FramePacerOptions {
    // Frames rendered after an input event besides the one it triggers: ImGui settles hover,
    // popups and click releases over a frame or two. Must be >= 0.
    int extra_frames_after_input = 2;
    // The longest wait_time() ever returns, even with nothing due; empty (default): no limit, the
    // loop sleeps until an event or the runtime's waker.
    std::optional<std::chrono::milliseconds> max_wait;
};

class FramePacer {
  public:
    using Clock = std::chrono::steady_clock;

    // `runtime` must outlive the pacer. The first 1 + extra_frames_after_input calls of
    // should_render() return true: ImGui measures new windows in their first frame and shows
    // them in the next. Throws std::invalid_argument when extra_frames_after_input < 0.
    explicit FramePacer(Runtime& runtime, FramePacerOptions options = {});

    // An input event arrived (mouse, keyboard, resize, expose, focus...): the next call of
    // should_render() and the extra_frames_after_input after it return true. Does not wake a
    // sleeping loop: call it from the thread that waits for events (GLFW's callbacks run there),
    // or wake the loop yourself. Any thread.
    void notify_input();

    // How long the loop may sleep from now: zero when a frame is due now; the time left until
    // the runtime's next timed frame (bounded by max_wait); empty when nothing is due (sleep until
    // an event: input, or the runtime's waker). "Now" is the runtime's clock
    // (RuntimeOptions::clock, Runtime::now()); `now` gives it explicitly. UI thread.
    std::optional<Clock::duration> wait_time() const { return wait_time(runtime_.now()); }
    std::optional<Clock::duration> wait_time(Clock::time_point now) const;

    // Whether to render a frame now: after input (and its extra frames), when the runtime needs a
    // frame (a change to show, its extra frames after a wake) or its timed frame is due at
    // now (the runtime's clock, or `now`). Call it once per wake-up; a true result counts as the
    // frame being rendered. UI thread.
    bool should_render() { return should_render(runtime_.now()); }
    bool should_render(Clock::time_point now);

    const FramePacerOptions& options() const { return options_; }

  private:
    Runtime& runtime_;
    FramePacerOptions options_;
    std::atomic<int> input_frames_;  // frames still due after input (and at start-up)
};

}  // namespace imhooks
