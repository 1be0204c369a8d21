// use_state's setter: which argument is an updater, where updaters run, and re-entrant calls.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

struct FromBool {
    FromBool(bool b) : value(b) {}  // implicit on purpose: a lambda converts to it through bool
    bool value;
    bool operator==(const FromBool&) const = default;
};

// One component with a state of type T; `seen` and `set` are refreshed every frame.
template <class T>
struct StateProbe {
    explicit StateProbe(T initial_value) : initial(initial_value), seen(initial_value) {}
    T initial;
    T seen;
    Setter<T> set;
    Headless::Body body() {
        return [this] {
            component("probe", [this] {
                auto [value, set_value] = use_state(T(initial));
                seen = value;
                set = set_value;
            });
        };
    }
};

}  // namespace

TEST_CASE(
    "a callable taking the current value is an updater even when T is constructible from it") {
    Headless ui;
    StateProbe<bool> flag(true);
    StateProbe<std::optional<bool>> maybe(std::optional<bool>(true));
    StateProbe<FromBool> from_bool(FromBool(true));
    auto body = [&] {
        flag.body()();
        // Three components: give each its own key.
        component("maybe", [&] { maybe.body()(); });
        component("from_bool", [&] { from_bool.body()(); });
    };
    ui.frame(body);
    // A captureless lambda converts to a function pointer, and that to bool: it must still be
    // called as an updater, never stored as `true`.
    flag.set([](bool b) { return !b; });
    maybe.set([](const std::optional<bool>& b) { return std::optional<bool>(!b.value_or(true)); });
    from_bool.set([](const FromBool& b) { return FromBool(!b.value); });
    ui.frame(body);
    CHECK(flag.seen == false);
    CHECK(maybe.seen == std::optional<bool>(false));
    CHECK(from_bool.seen.value == false);
    flag.set([](bool b) { return !b; });
    ui.frame(body);
    CHECK(flag.seen == true);
}

TEST_CASE("an updater may call the same setter: its call applies after the updater's own result") {
    Headless ui;
    StateProbe<int> probe(1);
    auto body = probe.body();
    ui.frame(body);
    test::Event done;
    std::thread caller([&] {
        probe.set([&](int v) {
            probe.set(100);                          // the same setter, from inside its updater
            probe.set([](int w) { return w + 1; });  // and an updater of it
            return v + 1;
        });
        done.set();
    });
    const bool returned = done.wait();
    REQUIRE(returned);  // never a deadlock
    caller.join();
    REQUIRE(ui.frame_until(body, [&] { return probe.seen == 101; }));
    CHECK(ui.settle(body) < 10);  // and then it rests
    CHECK(probe.seen == 101);
}

TEST_CASE("an updater runs outside any lock: another thread's set() returns while it runs") {
    Headless ui;
    StateProbe<int> probe(1);
    auto body = probe.body();
    ui.frame(body);
    test::Event in_updater, other_returned;
    bool other_returned_in_time = false;
    std::thread slow([&] {
        probe.set([&](int v) {
            in_updater.set();
            other_returned_in_time = other_returned.wait();
            return v + 1;
        });
    });
    std::thread other([&] {
        in_updater.wait();
        probe.set([](int v) { return v * 10; });  // must not wait for the slow updater
        other_returned.set();
    });
    other.join();
    slow.join();
    CHECK(other_returned_in_time);
    // Both count, in call order: (1 + 1) * 10.
    REQUIRE(ui.frame_until(body, [&] { return probe.seen == 20; }));
}

TEST_CASE("an updater called while the UI thread renders may set the state it updates") {
    Headless ui;
    int seen = 0;
    int frames = 0;
    auto body = [&] {
        component("c", [&] {
            auto [value, set_value] = use_state(0);
            seen = value;
            if (frames++ == 0)
                set_value([set_value](int v) {
                    set_value(50);  // re-entrant, on the UI thread, inside the frame
                    return v + 1;
                });
        });
    };
    ui.frame(body);
    ui.settle(body);
    CHECK(seen == 50);
}

TEST_CASE(
    "an updater that throws leaves the state unchanged and the exception reaches the caller") {
    Headless ui;
    StateProbe<int> probe(3);
    auto body = probe.body();
    ui.frame(body);
    CHECK_THROWS_AS(probe.set([](int) -> int { throw std::runtime_error("no"); }),
                    std::runtime_error);
    probe.set([](int v) { return v + 1; });  // the setter still works
    ui.frame(body);
    CHECK(probe.seen == 4);
}

TEST_CASE("updates queued by queued updaters apply in the same frame start") {
    Headless ui;
    StateProbe<int> probe(0);
    auto body = probe.body();
    ui.frame(body);
    // Each call's updater sets again from inside; after the first, the calls find the state busy
    // and are queued, so their inner calls are made at the frame start.
    for (int i = 0; i < 3; ++i)
        std::thread([set = probe.set] {
            set([set](int n) {
                set([](int v) { return v + 1; });
                return n + 1;
            });
        }).join();
    ui.frame(body);
    CHECK(probe.seen == 6);
}

TEST_CASE("an updater that always queues another does not hang the frame") {
    Headless ui;
    StateProbe<int> probe(0);
    auto body = probe.body();
    ui.frame(body);
    std::function<int(int)> forever = [&](int n) {
        probe.set(forever);  // re-queues itself: a chain without end
        return n + 1;
    };
    probe.set(forever);
    ui.frame(body);  // returns: the chain is cut per frame
    const int first = probe.seen;
    CHECK(first > 1);
    CHECK(ui.runtime().needs_frame());  // and goes on at the next frame
    ui.frame(body);
    CHECK(probe.seen > first);
}
