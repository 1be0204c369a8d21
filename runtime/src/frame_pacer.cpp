#include <imhooks/frame_pacer.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace imhooks {

FramePacer::FramePacer(Runtime& runtime, FramePacerOptions options)
    : runtime_(runtime), options_(options), input_frames_(1 + options.extra_frames_after_input) {
    if (options_.extra_frames_after_input < 0) {
        throw std::invalid_argument(
            "imhooks::FramePacer: FramePacerOptions::extra_frames_after_input must be >= 0, not " +
            std::to_string(options_.extra_frames_after_input));
    }
    if (options_.max_wait && options_.max_wait->count() < 0) {
        throw std::invalid_argument(
            "imhooks::FramePacer: FramePacerOptions::max_wait must be >= 0");
    }
}

void FramePacer::notify_input() {
    const int frames = 1 + options_.extra_frames_after_input;
    int current = input_frames_.load(std::memory_order_relaxed);
    while (current < frames &&
           !input_frames_.compare_exchange_weak(current, frames, std::memory_order_relaxed)) {
    }
}

std::optional<FramePacer::Clock::duration> FramePacer::wait_time(Clock::time_point now) const {
    if (input_frames_.load(std::memory_order_relaxed) > 0 || runtime_.needs_frame())
        return Clock::duration::zero();
    std::optional<Clock::duration> wait;
    if (options_.max_wait) wait = std::chrono::duration_cast<Clock::duration>(*options_.max_wait);
    if (const auto timed = runtime_.next_timed_frame()) {
        const Clock::duration left = std::max(Clock::duration::zero(), *timed - now);
        wait = wait ? std::min(*wait, left) : left;
    }
    return wait;
}

bool FramePacer::should_render(Clock::time_point now) {
    int frames = input_frames_.load(std::memory_order_relaxed);
    while (frames > 0) {
        if (input_frames_.compare_exchange_weak(frames, frames - 1, std::memory_order_relaxed))
            return true;
    }
    if (runtime_.needs_frame()) return true;
    const auto timed = runtime_.next_timed_frame();
    return timed && *timed <= now;
}

}  // namespace imhooks
