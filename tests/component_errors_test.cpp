// Misuse and failures inside components: HookError messages, error boundaries, the error handler.
#include "bare_context.h"
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui_internal.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <climits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

// The message of the HookError one frame of `body` raised: caught by a component's error
// boundary and handed to the error handler, or thrown (outside any component).
std::string hook_error_of(Headless& ui, const Headless::Body& body) {
    std::string message;
    ui.runtime().set_error_handler([&](const ComponentError& error) {
        try {
            std::rethrow_exception(error.error);
        } catch (const HookError& e) {
            message = e.what();
        } catch (...) {
        }
    });
    try {
        ui.frame(body);
    } catch (const HookError& e) {
        message = e.what();
    }
    ui.runtime().set_error_handler(nullptr);
    return message;
}

}  // namespace

TEST_CASE("a changed hook type raises HookError naming the component, the slot and both hooks") {
    Headless ui;
    bool swap = false;
    auto body = [&] {
        component("panel", [&] {
            use_state(1);
            if (swap)
                use_memo([] { return 2.0; }, deps());
            else
                use_state(2);
        });
    };
    ui.frame(body);
    swap = true;
    const std::string message = hook_error_of(ui, body);
    CHECK_THAT(message, Catch::Contains("\"panel\"") && Catch::Contains("slot 1") &&
                            Catch::Contains("use_state<int>") &&
                            Catch::Contains("use_memo<double>"));
}

TEST_CASE("a changed value type of one hook kind raises HookError") {
    Headless ui;
    bool swap = false;
    auto body = [&] {
        component("panel", [&] {
            if (swap)
                use_state(std::string("x"));
            else
                use_state(1);
        });
    };
    ui.frame(body);
    swap = true;
    const std::string message = hook_error_of(ui, body);
    CHECK_THAT(message, Catch::Contains("slot 0") && Catch::Contains("use_state<int>") &&
                            Catch::Contains("use_state<std::string>"));
}

TEST_CASE("calling fewer or more hooks than the previous frame raises HookError") {
    Headless ui;
    int hooks = 2;
    auto body = [&] {
        component("panel", [&] {
            for (int i = 0; i < hooks; ++i) use_ref(i);
        });
    };
    ui.frame(body);
    hooks = 1;
    CHECK_THAT(hook_error_of(ui, body), Catch::Contains("slot 1 was use_ref<int>, now no hook"));
    ui.click("Retry", body);  // the error boundary remounts it...
    ui.frame(body);           // ...with one hook
    hooks = 3;
    CHECK_THAT(hook_error_of(ui, body), Catch::Contains("slot 1 was no hook"));
}

TEST_CASE("a component with many hooks keeps each one's state and cleans up the last one first") {
    // 1, 3, 4, 5, 9 and 20 hooks: the slot list moves from the instance to the heap and grows.
    for (const int hooks : {1, 3, 4, 5, 9, 20}) {
        Headless ui;
        bool show = true;
        std::vector<int> seen, cleaned;
        auto body = [&] {
            if (!show) return;
            component("panel", [&] {
                seen.clear();
                for (int i = 0; i < hooks; ++i) {
                    int& count = use_ref(i * 100);
                    seen.push_back(count++);
                    use_effect([&, i] { return [&, i] { cleaned.push_back(i); }; }, deps());
                }
            });
        };
        ui.frame(body);
        ui.frame(body);
        REQUIRE(seen.size() == static_cast<std::size_t>(hooks));
        for (int i = 0; i < hooks; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i * 100 + 1);
        show = false;
        ui.frame(body);
        std::vector<int> reversed;
        for (int i = hooks; i-- > 0;) reversed.push_back(i);
        CHECK(cleaned == reversed);
    }
}

TEST_CASE("more than 65,535 hooks in one component raise HookError naming it") {
    Headless ui;
    auto body = [&] {
        component("huge", [&] {
            for (int i = 0; i < 70'000; ++i) use_ref(0);
        });
    };
    const std::string message = hook_error_of(ui, body);
    CHECK_THAT(message, Catch::Contains("\"huge\" called more than 65535 hooks"));
}

TEST_CASE("a hook outside a component raises HookError") {
    Headless ui;
    const std::string message = hook_error_of(ui, [] { use_state(0); });
    CHECK_THAT(message, Catch::Contains("use_state") && Catch::Contains("outside a component"));
}

TEST_CASE("one key rendered twice in a frame raises HookError") {
    Headless ui;
    const std::string message = hook_error_of(ui, [] {
        component("row", [] {});
        component("row", [] {});
    });
    CHECK_THAT(message, Catch::Contains("\"row\"") && Catch::Contains("twice"));
}

TEST_CASE("the same key under different ID scopes is two instances") {
    Headless ui;
    CHECK(hook_error_of(ui, [] {
              ImGui::PushID("left");
              component("row", [] {});
              ImGui::PopID();
              ImGui::PushID("right");
              component("row", [] {});
              ImGui::PopID();
          }).empty());
    CHECK(ui.runtime().stats().mounted == 2);
}

TEST_CASE("a component without a Runtime raises HookError") {
    ImGuiContext* context = imhooks::test::create_bare_context({100, 100});
    ImGui::NewFrame();
    CHECK_THROWS_WITH(component("lonely", [] {}), Catch::Contains("without a Runtime"));
    imhooks::test::render_bare_frame();
    ImGui::DestroyContext(context);
}

TEST_CASE("an exception escaping a component is drawn in its place and the others keep running") {
    Headless ui;
    std::vector<ComponentError> errors;
    ui.runtime().set_error_handler([&](const ComponentError& error) { errors.push_back(error); });
    int healthy_count = -1;
    auto body = [&] {
        ImGui::Begin("Panels");
        component("broken", [] {
            use_state(0);
            throw std::runtime_error("disk on fire");
        });
        component("healthy", [&] {
            auto [count, set_count] = use_state(0);
            healthy_count = count;
            set_count(count + 1);
        });
        ImGui::End();
    };
    ui.frames(4, body);
    CHECK(healthy_count == 3);
    REQUIRE(errors.size() == 1);  // reported once, not every frame
    CHECK(errors[0].component == "broken");
    CHECK(std::string(errors[0].where) == "render");
    CHECK(errors[0].message == "disk on fire");
    CHECK(ui.find_item("Retry", body).has_value());  // the boundary is drawn with its Retry button
}

TEST_CASE(
    "the error boundary restores ImGui's window, ID and style stacks to where the component "
    "began") {
    Headless ui;
    ui.runtime().set_error_handler([](const ComponentError&) {});
    ui.frame([] {
        ImGui::Begin("Outer");
        ImGuiContext& g = *ImGui::GetCurrentContext();
        const ImGuiID probe = ImGui::GetID("probe");
        const int windows = g.CurrentWindowStack.Size;
        const int colors = g.ColorStack.Size;
        const int groups = g.GroupStack.Size;
        component("messy", [] {
            ImGui::PushID("left open");
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 1, 0, 1));
            ImGui::BeginGroup();
            ImGui::Begin("Inner window left open");
            ImGui::PushID(7);
            ImGui::BeginChild("child left open", ImVec2(100, 100));
            throw std::runtime_error("midway");
        });
        CHECK(ImGui::GetCurrentWindow()->Name == std::string("Outer"));
        CHECK(g.CurrentWindowStack.Size == windows);
        CHECK(ImGui::GetID("probe") == probe);
        CHECK(g.ColorStack.Size == colors);
        CHECK(g.GroupStack.Size == groups);
        ImGui::End();
    });
    ui.frame({});  // the next frame starts cleanly
}

TEST_CASE("Retry on an error boundary remounts the component with fresh state") {
    Headless ui;
    ui.runtime().set_error_handler([](const ComponentError&) {});
    bool fail = false;
    int seen = -1;
    auto body = [&] {
        ImGui::SetNextWindowSize({400, 300});
        ImGui::Begin("Panel");
        component("flaky", [&] {
            auto [value, set_value] = use_state(0);
            seen = value;
            if (value < 3) set_value(value + 1);
            if (fail) throw std::runtime_error("flaked");
        });
        ImGui::End();
    };
    ui.frames(5, body);
    REQUIRE(seen == 3);
    fail = true;
    ui.frame(body);
    fail = false;
    seen = -1;
    ui.frames(2, body);
    CHECK(seen == -1);  // the boundary is shown, the body is not rendered
    ui.click("Retry", body);
    ui.frame(body);
    CHECK(seen >= 0);
    CHECK(seen < 3);  // remounted: the state started again from 0
}

TEST_CASE("a component that fails is unmounted: its effects clean up and its jobs are stopped") {
    Headless ui;
    ui.runtime().set_error_handler([](const ComponentError&) {});
    bool fail = false;
    bool cleaned_up = false;
    std::atomic<bool> job_stopped{false};
    imhooks::test::Event job_running;
    auto body = [&] {
        component("doomed", [&] {
            use_effect([&] { return [&] { cleaned_up = true; }; }, deps());
            use_thread([&] {
                job_running.set();
                try {
                    for (;;) sleep_for(5ms);
                } catch (const Cancelled&) {
                    job_stopped = true;
                    throw;
                }
                return 0;
            });
            if (fail) throw std::runtime_error("late failure");
        });
    };
    REQUIRE(ui.frame_until(body, [&] { return job_running.is_set(); }));
    fail = true;
    ui.frame(body);
    CHECK(cleaned_up);
    REQUIRE(ui.frame_until(body, [&] { return ui.runtime().stats().active_work == 0; }));
    CHECK(job_stopped);
}

TEST_CASE("with error_boundaries = false the exception propagates after the stacks are restored") {
    RuntimeOptions options;
    options.error_boundaries = false;
    Headless ui({800, 600}, options);
    ui.frame([] {
        ImGui::Begin("w");
        const ImGuiID before = ImGui::GetID("probe");
        CHECK_THROWS_AS(component("bad",
                                  [] {
                                      ImGui::PushID("x");
                                      throw std::runtime_error("boom");
                                  }),
                        std::runtime_error);
        CHECK(ImGui::GetID("probe") == before);
        ImGui::End();
    });
}

TEST_CASE("an effect that throws is handed to the error handler") {
    Headless ui;
    std::vector<ComponentError> errors;
    ui.runtime().set_error_handler([&](const ComponentError& error) { errors.push_back(error); });
    ui.frame([] { component("fx", [] { use_effect([] { throw 17; }, deps()); }); });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].component == "fx");
    CHECK(std::string(errors[0].where) == "effect");
    CHECK_THAT(errors[0].message, Catch::Contains("int"));
}

TEST_CASE("an error report names an integer-keyed component by # and its key, whatever the key") {
    Headless ui;
    std::vector<std::string> named;
    ui.runtime().set_error_handler(
        [&](const ComponentError& error) { named.push_back(error.component); });
    ui.frame([] {
        for (long long key : {0LL, 42LL, -7LL, LLONG_MAX, LLONG_MIN})
            component(key, [] { use_effect([] { throw 1; }, deps()); });
    });
    CHECK(named == std::vector<std::string>{"#0", "#42", "#-7", "#9223372036854775807",
                                            "#-9223372036854775808"});
}

TEST_CASE("an effect scheduled by a body that then throws never runs") {
    Headless ui;
    ui.runtime().set_error_handler([](const ComponentError&) {});
    bool ran = false;
    ui.frame([&] {
        component("boom", [&] {
            use_effect([&] { ran = true; }, deps());
            throw std::runtime_error("after the effect was scheduled");
        });
    });
    CHECK_FALSE(ran);
}
