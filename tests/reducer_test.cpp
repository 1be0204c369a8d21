// use_reducer: actions queued from any thread, applied in order by the reducer at frame start.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

std::vector<int> append(const std::vector<int>& state, int action) {
    std::vector<int> next = state;
    next.push_back(action);
    return next;
}

}  // namespace

TEST_CASE("dispatched actions are applied in order at the next frame start") {
    Headless ui;
    std::vector<std::vector<int>> seen;
    bool send = true;
    auto body = [&] {
        component("list", [&] {
            auto [state, dispatch] = use_reducer(append, std::vector<int>{});
            seen.push_back(state);
            if (send) {
                dispatch(1);
                dispatch(2);
                dispatch(3);
                send = false;
            }
        });
    };
    ui.frame(body);
    REQUIRE(ui.runtime().needs_frame());  // a dispatch requests the frame that applies it
    ui.frame(body);
    CHECK(seen == std::vector<std::vector<int>>{{}, {1, 2, 3}});
}

TEST_CASE("actions dispatched from worker threads are all applied, each thread's in its order") {
    Headless ui;
    constexpr int kThreads = 4;
    constexpr int kActions = 200;
    Dispatch<int> dispatch;
    std::vector<int> state;
    auto body = [&] {
        component("list", [&] {
            auto reduced = use_reducer(append, std::vector<int>{});
            state = reduced.state;
            dispatch = reduced.dispatch;
        });
    };
    ui.frame(body);
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t)
        workers.emplace_back([send = dispatch, t] {
            for (int i = 0; i < kActions; ++i) send(t * 1000 + i);
        });
    // Frames render while the workers dispatch: actions of one burst are split over frames.
    REQUIRE(ui.frame_until(body, [&] { return state.size() == kThreads * kActions; }));
    for (auto& worker : workers) worker.join();
    std::vector<int> next(kThreads, 0);  // the next action expected from each thread
    for (int action : state) {
        const int thread = action / 1000;
        REQUIRE(action % 1000 == next[thread]);
        ++next[thread];
    }
}

TEST_CASE("a dispatch from another thread wakes a waiting UI thread") {
    Headless ui;
    Dispatch<int> dispatch;
    auto body = [&] {
        component("list", [&] { dispatch = use_reducer(append, std::vector<int>{}).dispatch; });
    };
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    std::thread worker([&] { dispatch(1); });
    CHECK(ui.runtime().wait(test::kTimeout));
    worker.join();
}

TEST_CASE("a reducer that throws drops its action and reports it, and the other actions apply") {
    Headless ui;
    std::vector<ComponentError> errors;
    ui.runtime().set_error_handler([&](const ComponentError& error) { errors.push_back(error); });
    auto checked = [](const std::vector<int>& state, int action) {
        if (action < 0) throw std::invalid_argument("negative action");
        return append(state, action);
    };
    std::vector<int> state;
    bool send = true;
    auto body = [&] {
        component("list", [&] {
            auto [value, dispatch] = use_reducer(checked, std::vector<int>{});
            state = value;
            if (send) {
                dispatch(1);
                dispatch(-1);
                dispatch(2);
                send = false;
            }
        });
    };
    ui.frames(2, body);
    CHECK(state == std::vector<int>{1, 2});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].component == "list");
    CHECK(std::string(errors[0].where) == "reducer");
    CHECK(errors[0].message == "negative action");
}

TEST_CASE("the reducer passed in the latest render is the one applied") {
    Headless ui;
    int step = 1;
    int state = 0;
    Dispatch<int> dispatch;
    auto body = [&] {
        component("counter", [&] {
            auto reduced =
                use_reducer([step](int total, int times) { return total + step * times; }, 0);
            state = reduced.state;
            dispatch = reduced.dispatch;
        });
    };
    ui.frame(body);
    step = 10;
    ui.frame(body);  // this render's reducer adds 10 per time
    dispatch(2);
    ui.frame(body);
    CHECK(state == 20);
}

TEST_CASE("a reducer runs on the UI thread without library locks: it may dispatch again") {
    Headless ui;
    const auto ui_thread = std::this_thread::get_id();
    bool on_ui_thread = true;
    Dispatch<std::string> dispatch;
    std::vector<std::string> state;
    auto reduce = [&](const std::vector<std::string>& log, const std::string& action) {
        on_ui_thread = on_ui_thread && std::this_thread::get_id() == ui_thread;
        if (action == "start") dispatch("follow-up");  // deadlocks if the queue's lock were held
        std::vector<std::string> next = log;
        next.push_back(action);
        return next;
    };
    auto body = [&] {
        component("log", [&] {
            auto reduced = use_reducer(reduce, std::vector<std::string>{});
            state = reduced.state;
            dispatch = reduced.dispatch;
        });
    };
    ui.frame(body);
    std::thread worker([&] { dispatch("start"); });
    worker.join();
    ui.frame(body);
    CHECK(state == std::vector<std::string>{"start"});
    ui.frame(body);  // the follow-up waited for the next frame
    CHECK(state == std::vector<std::string>{"start", "follow-up"});
    CHECK(on_ui_thread);
}

TEST_CASE("dispatch after the component unmounted does nothing and requests no frame") {
    Headless ui;
    Dispatch<int> dispatch;
    bool shown = true;
    auto body = [&] {
        if (shown)
            component("list", [&] { dispatch = use_reducer(append, std::vector<int>{}).dispatch; });
    };
    ui.frame(body);
    shown = false;
    ui.settle(body);
    dispatch(1);
    CHECK_FALSE(ui.runtime().needs_frame());
}

TEST_CASE("the action type is deduced from the reducer, or given for a generic one") {
    Headless ui;
    struct Add {
        int amount;
    };
    struct Reset {};
    using Action = std::variant<Add, Reset>;
    int total = -1;
    std::string text;
    bool send = true;
    auto body = [&] {
        component("counter", [&] {
            auto [value, dispatch] = use_reducer(
                [](int sum, const Action& action) {
                    if (const Add* add = std::get_if<Add>(&action)) return sum + add->amount;
                    return 0;
                },
                0);
            auto [joined, append_text] = use_reducer<std::string>(
                [](const std::string& all, const auto& piece) { return all + piece; }, "");
            total = value;
            text = joined;
            if (send) {
                dispatch(Add{5});
                dispatch(Reset{});
                dispatch(Add{2});
                append_text("ab");
                append_text("c");
                send = false;
            }
        });
    };
    ui.frames(2, body);
    CHECK(total == 2);
    CHECK(text == "abc");
}
