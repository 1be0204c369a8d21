// Test support for use_thread: a component holding the hook under test, frame by frame.
#pragma once

#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <vector>

namespace imhooks::test {

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

inline bool work_drops_to_zero(Headless& ui) {
    return ui.frame_until({}, [&] { return ui.runtime().stats().active_work == 0; });
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

}  // namespace imhooks::test
