// What the runtime reports, and how: odd exceptions, failing cleanups, runaway frame loops,
// NaN dependencies, and misuse repeated every frame.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

struct NullWhat : std::exception {
    const char* what() const noexcept override { return nullptr; }
};

// Collects every error the runtime reports, until it goes.
struct Errors {
    std::vector<ComponentError> list;
    Runtime& runtime;
    explicit Errors(Runtime& r) : runtime(r) {
        runtime.set_error_handler([this](const ComponentError& e) { list.push_back(e); });
    }
    ~Errors() { runtime.set_error_handler(nullptr); }
    Errors(const Errors&) = delete;
    Errors& operator=(const Errors&) = delete;
    std::size_t count(std::string_view where) const {
        std::size_t n = 0;
        for (const auto& e : list) n += where == e.where;
        return n;
    }
};

}  // namespace

TEST_CASE("an exception whose what() is null gives a readable message at the error boundary") {
    Headless ui;
    Errors errors(ui.runtime());
    CHECK_NOTHROW(ui.frame([] { component("null", [] { throw NullWhat(); }); }));
    REQUIRE(errors.list.size() == 1);
    CHECK_THAT(errors.list[0].message, Catch::Contains("NullWhat"));
}

TEST_CASE("an exception whose what() is null gives a readable error_message() from a job") {
    Headless ui;
    Result<int> result;
    auto body = [&] {
        component("job", [&] { result = use_thread([]() -> int { throw NullWhat(); }); });
    };
    REQUIRE(ui.frame_until(body, [&] { return result.state() == ResultState::Error; }));
    std::string message;
    CHECK_NOTHROW(message = result.error_message());
    CHECK_THAT(message, Catch::Contains("NullWhat"));
}

TEST_CASE("a cleanup that throws when deps change is reported as cleanup, then the effect runs") {
    Headless ui;
    Errors errors(ui.runtime());
    int dep = 0;
    std::vector<int> effects;
    auto body = [&] {
        component("fx", [&] {
            use_effect(
                [&, d = dep] {
                    effects.push_back(d);
                    return [] { throw std::runtime_error("cleanup failed"); };
                },
                deps(dep));
        });
    };
    ui.frame(body);
    dep = 1;
    ui.frame(body);
    CHECK(effects == std::vector<int>{0, 1});
    REQUIRE(errors.list.size() == 1);
    CHECK(std::string(errors.list[0].where) == "cleanup");
    CHECK(errors.list[0].component == "fx");
    CHECK_THAT(errors.list[0].message, Catch::Contains("cleanup failed"));
}

TEST_CASE("a NaN dependency equals itself: effects and memos do not re-run every frame") {
    Headless ui;
    int effects = 0, memos = 0;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto body = [&] {
        component("nan", [&] {
            use_effect([&] { ++effects; }, deps(nan, 1.0f * static_cast<float>(nan)));
            (void)use_memo([&] { return ++memos; }, deps(nan));
        });
    };
    ui.frames(5, body);
    CHECK(effects == 1);
    CHECK(memos == 1);
}

TEST_CASE("a NaN dependency of use_thread starts one run, not one per frame") {
    Headless ui;
    std::atomic<int> runs{0};
    Result<int> result;
    auto body = [&] {
        component("job", [&] {
            result = use_thread(
                [&] {
                    ++runs;
                    return 1;
                },
                deps(std::nan("")));
        });
    };
    REQUIRE(ui.frame_until(body, [&] { return result.state() == ResultState::Finished; }));
    ui.frames(5, body);
    CHECK(runs == 1);
    CHECK(result.state() == ResultState::Finished);
}

TEST_CASE("a setter called unconditionally in render is reported once as a render loop") {
    Headless ui;
    Errors errors(ui.runtime());
    int seen = 0;
    auto body = [&] {
        component("spinner", [&] {
            auto [count, set_count] = use_state(0);
            seen = count;
            set_count(count + 1);  // every frame: the app never rests
        });
    };
    const int frames = ui.runtime().options().runaway_frames + 50;
    ui.frames(frames, body);
    CHECK(errors.count("render loop") == 1);
    REQUIRE(errors.list.size() == 1);
    CHECK(errors.list[0].component == "spinner");
    CHECK_THAT(errors.list[0].message, Catch::Contains("\"spinner\"") && Catch::Contains("frames"));
    CHECK(seen == frames - 1);  // the app keeps running
}

TEST_CASE("an effect that sets its own dependency is reported once as a render loop") {
    Headless ui;
    Errors errors(ui.runtime());
    auto body = [&] {
        component("echo", [&] {
            auto [value, set_value] = use_state(0);
            use_effect([set_value = set_value, v = value] { set_value(v + 1); }, deps(value));
        });
    };
    ui.frames(ui.runtime().options().runaway_frames + 50, body);
    CHECK(errors.count("render loop") == 1);
    REQUIRE_FALSE(errors.list.empty());
    CHECK(errors.list[0].component == "echo");
}

TEST_CASE("a component that requests frames for a while, then rests, is not reported") {
    RuntimeOptions options;
    options.runaway_frames = 20;
    Headless ui({800, 600}, options);
    Errors errors(ui.runtime());
    auto body = [&] {
        component("counter", [&] {
            auto [count, set_count] = use_state(0);
            if (count < 15) set_count(count + 1);
        });
    };
    ui.frames(60, body);
    CHECK(errors.list.empty());
}

TEST_CASE(
    "runaway_frames sets how many frames in a row make a render loop, and zero never reports") {
    for (int limit : {0, 5}) {
        RuntimeOptions options;
        options.runaway_frames = limit;
        Headless ui({800, 600}, options);
        Errors errors(ui.runtime());
        int frames = 0;
        auto body = [&] {
            component("loop", [&] {
                auto [count, set_count] = use_state(0);
                set_count(count + 1);
            });
            ++frames;
            if (frames == 4) CHECK(errors.list.empty());  // not before the limit
        };
        ui.frames(40, body);
        CHECK(errors.count("render loop") == (limit == 0 ? 0u : 1u));
    }
}

TEST_CASE("a key rendered twice every frame is reported once per instance") {
    Headless ui;
    Errors errors(ui.runtime());
    auto body = [&] {
        component("row", [] {});
        component("row", [] {});
        component("other", [] {});
        component("other", [] {});
    };
    ui.frames(5, body);
    CHECK(errors.list.size() == 2);  // "row" once, "other" once
}

TEST_CASE("a slider dragged for many frames, setting its state every frame, is not a render loop") {
    RuntimeOptions options;
    options.runaway_frames = 10;
    Headless ui({800, 600}, options);
    Errors errors(ui.runtime());
    auto body = [&] {
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize({400, 200});
        ImGui::Begin("Panel");
        component("slider", [&] {
            auto [value, set_value] = use_state(0.0f);
            float v = value;
            if (ImGui::SliderFloat("value", &v, 0.0f, 1000.0f)) set_value(v);
        });
        ImGui::End();
    };
    ui.frames(2, body);  // the window appears
    const auto rect = ui.find_item("value", body);
    REQUIRE(rect.has_value());
    ImVec2 at{rect->min.x + 2, (rect->min.y + rect->max.y) / 2};
    ui.mouse_move(at);
    ui.frame(body);
    ui.mouse_button(true);
    for (int i = 0; i < 40; ++i) {  // every frame a little further: a new value every frame
        at.x += 1.0f;
        ui.mouse_move(at);
        ui.frame(body);
    }
    ui.mouse_button(false);
    ui.frames(3, body);
    CHECK(errors.list.empty());
}
