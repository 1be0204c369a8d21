// use_debounced: the value once stable for a delay on the runtime's clock, with no frame rendered
// while waiting except the one that shows it.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

struct Typing {
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    Headless ui{{800, 600}, [this] {
                    RuntimeOptions options;
                    options.clock = clock;
                    return options;
                }()};
    std::string text = "a";
    std::string shown;
    std::size_t frames = 0;
    std::chrono::milliseconds delay = 300ms;

    Headless::Body body() {
        return [this] {
            component("search", [this] {
                ++frames;
                shown = use_debounced(text, delay);
            });
        };
    }
    void frame() { ui.frame(body()); }
    void settle() { ui.settle(body()); }
};

}  // namespace

TEST_CASE("use_debounced returns the first value at once") {
    Typing t;
    t.frame();
    CHECK(t.shown == "a");
}

TEST_CASE("use_debounced returns a new value once it has been stable for the delay") {
    Typing t;
    t.frame();
    t.text = "ab";
    t.frame();
    CHECK(t.shown == "a");
    t.clock->advance(200ms);
    t.text = "abc";  // a change restarts the wait
    t.frame();
    CHECK(t.shown == "a");
    t.clock->advance(299ms);
    t.frame();
    CHECK(t.shown == "a");
    t.clock->advance(1ms);
    t.frame();
    CHECK(t.shown == "abc");  // "ab" was never shown
}

TEST_CASE("no frame is rendered while waiting, and one comes when the value is due") {
    Typing t;
    t.frame();
    t.text = "ab";
    t.frame();
    t.settle();  // the frames the change itself asked for
    const std::size_t settled = t.frames;
    CHECK_FALSE(t.ui.runtime().needs_frame());
    t.clock->advance(299ms);
    CHECK_FALSE(t.ui.runtime().needs_frame());
    t.clock->advance(1ms);
    REQUIRE(t.ui.runtime().needs_frame());
    t.frame();
    CHECK(t.shown == "ab");
    CHECK(t.frames == settled + 1);  // the one frame that shows it
    t.settle();
    CHECK_FALSE(t.ui.runtime().needs_frame());
}

TEST_CASE("typing back to the shown value ends the wait without a frame") {
    Typing t;
    t.frame();
    t.text = "ab";
    t.frame();
    t.text = "a";
    t.frame();
    t.settle();
    t.clock->advance(1s);
    t.settle();
    CHECK(t.shown == "a");
    // The timed frame asked for "ab" may still come once; it shows nothing new.
}

TEST_CASE("a zero delay passes values through") {
    Typing t;
    t.delay = 0ms;
    t.frame();
    t.text = "xyz";
    t.frame();
    CHECK(t.shown == "xyz");
}

TEST_CASE("a debounced search key runs the query once per pause in typing") {
    Typing t;
    std::atomic<int> runs{0};
    std::string query_text;
    QueryResult<std::string> found;
    auto body = [&] {
        component("search", [&] {
            const std::string& q = use_debounced(t.text, 300ms);
            found = use_query(key("search", q), [&runs, q] {
                ++runs;
                return "results for " + q;
            });
        });
    };
    t.ui.frame(body);
    REQUIRE(t.ui.frame_until(body, [&] { return found.state() == ResultState::Finished; }));
    for (const char* typed : {"ap", "app", "appl", "apple"}) {
        t.text = typed;
        t.ui.frame(body);
        t.clock->advance(100ms);  // a key every 100 ms
    }
    t.ui.settle(body);
    CHECK(runs == 1);  // only the first value so far
    t.clock->advance(200ms);
    REQUIRE(t.ui.frame_until(body, [&] {
        return found.state() == ResultState::Finished && found.value() &&
               *found.value() == "results for apple";
    }));
    CHECK(runs == 2);
}
