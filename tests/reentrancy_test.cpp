// Callbacks that call back into the runtime: error handlers and wakers.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

// Sets `*destroyed` when the last copy of the callback holding it goes: tells whether a callback
// was freed while it ran.
struct Sentinel {
    bool* destroyed;
    ~Sentinel() { *destroyed = true; }
};
std::shared_ptr<Sentinel> sentinel(bool* destroyed) {
    return std::shared_ptr<Sentinel>(new Sentinel{destroyed});
}

// Runs `call` on another thread; false when it did not return within the test timeout (a
// deadlock: the thread is then left behind, and the test fails).
bool returns_on_another_thread(const std::function<void()>& call) {
    auto done = std::make_shared<test::Event>();
    std::thread thread([call, done] {
        call();
        done->set();
    });
    if (!done->wait()) {
        thread.detach();
        return false;
    }
    thread.join();
    return true;
}

}  // namespace

TEST_CASE("an error handler may replace itself while it runs (a one-shot handler)") {
    Headless ui;
    Runtime& runtime = ui.runtime();
    bool destroyed = false;
    int calls = 0;
    bool alive_after_replacing = false;
    runtime.set_error_handler([&, flag = sentinel(&destroyed)](const ComponentError&) {
        ++calls;
        runtime.set_error_handler([](const ComponentError&) {});  // one shot: replace myself
        alive_after_replacing = !destroyed;                       // my captures still live
        (void)flag;
    });
    auto failing = [] { component("boom", [] { throw std::runtime_error("boom"); }); };
    ui.frame(failing);
    CHECK(calls == 1);
    CHECK(alive_after_replacing);
    CHECK(destroyed);  // freed once it returned
    ui.frame([] {});   // the placeholder goes
    ui.frame(failing);
    CHECK(calls == 1);  // the replacement handles the second failure
}

TEST_CASE("an error handler may clear itself while it runs") {
    Headless ui;
    Runtime& runtime = ui.runtime();
    int calls = 0;
    runtime.set_error_handler([&](const ComponentError&) {
        runtime.set_error_handler(nullptr);
        ++calls;
    });
    ui.frame([] { component("boom", [] { throw std::runtime_error("boom"); }); });
    CHECK(calls == 1);
}

TEST_CASE("a waker may call request_frame_in, request_frame and set_waker") {
    Headless ui;
    ui.settle({});
    Runtime& runtime = ui.runtime();
    std::atomic<int> calls{0};
    runtime.set_waker([&] {
        if (calls++ != 0) return;
        runtime.request_frame_in(1ms);  // earlier than the pending one: calls the waker again
        runtime.request_frame();
    });
    CHECK(returns_on_another_thread([&] { runtime.request_frame_in(10s); }));
    CHECK(calls >= 2);
    CHECK(runtime.next_timed_frame().has_value());
}

TEST_CASE("a waker may replace itself while it runs (a one-shot waker)") {
    Headless ui;
    ui.settle({});
    Runtime& runtime = ui.runtime();
    bool destroyed = false;
    bool alive_after_replacing = false;
    std::atomic<int> second{0};
    runtime.set_waker([&, flag = sentinel(&destroyed)] {
        runtime.set_waker([&] { ++second; });
        alive_after_replacing = !destroyed;
        (void)flag;
    });
    CHECK(returns_on_another_thread([&] { runtime.request_frame(); }));
    CHECK(alive_after_replacing);
    ui.frame({});
    ui.settle({});
    CHECK(returns_on_another_thread([&] { runtime.request_frame(); }));
    CHECK(second == 1);
}
