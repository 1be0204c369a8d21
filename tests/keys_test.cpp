// Component keys: empty and null keys, keys whose ImGui IDs collide, and the "###" rule.
#include "colliding_keys.h"
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui_internal.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

using namespace imhooks;

namespace {

// The errors one frame of `body` handed to the error handler.
std::vector<ComponentError> errors_of(Headless& ui, const Headless::Body& body) {
    std::vector<ComponentError> errors;
    ui.runtime().set_error_handler([&](const ComponentError& e) { errors.push_back(e); });
    ui.frame(body);
    ui.runtime().set_error_handler(nullptr);
    return errors;
}

// A component body that shows its own state: `initial` on its first frame.
auto shows(int initial, int& seen) {
    return [initial, &seen] { seen = use_state(int{initial}).value; };
}

// The seed of the ID stack where the tests' components are rendered (Headless renders outside
// any window: ImGui's implicit "Debug" window).
ImGuiID component_seed(Headless& ui) {
    ImGuiID seed = 0;
    ui.frame([&] { seed = ImGui::GetCurrentWindow()->IDStack.back(); });
    return seed;
}

}  // namespace

TEST_CASE("a null string_view key is a key of its own, distinct from every other key") {
    Headless ui;
    int empty = 0, abc = 0;
    auto body = [&] {
        component(std::string_view{}, shows(1, empty));
        component("abc", shows(2, abc));
    };
    CHECK(errors_of(ui, body).empty());
    CHECK(empty == 1);
    CHECK(abc == 2);
    CHECK(ui.runtime().stats().mounted == 2);
}

TEST_CASE("an empty view into another string is the empty key, not that string") {
    Headless ui;
    const char* text = "abc";
    int empty = 0, abc = 0;
    auto body = [&] {
        component(std::string_view(text, 0), shows(1, empty));
        component(std::string_view(text, 3), shows(2, abc));
    };
    CHECK(errors_of(ui, body).empty());
    CHECK(empty == 1);
    CHECK(abc == 2);
}

TEST_CASE("an empty view into a buffer without a terminating NUL is never read") {
    Headless ui;
    // Exactly three bytes, no NUL after them: reading past the view is a heap overflow (ASan).
    auto buffer = std::make_unique<char[]>(3);
    buffer[0] = 'x', buffer[1] = 'y', buffer[2] = 'z';
    int seen = 0;
    ui.frame([&] { component(std::string_view(buffer.get(), 0), shows(7, seen)); });
    CHECK(seen == 7);
}

TEST_CASE("the empty key is named \"\" in messages, and null and empty views are the same key") {
    Headless ui;
    const auto errors = errors_of(ui, [] {
        component("", [] {});
        component(std::string_view{}, [] {});
    });
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].component.empty());
    CHECK_THAT(errors[0].message, Catch::Contains("component \"\"") && Catch::Contains("twice"));
}

TEST_CASE("widgets inside a component with the empty key do not share IDs with its parent") {
    Headless ui;
    ImGuiID outside = 0, inside = 0;
    ui.frame([&] {
        outside = ImGui::GetID("OK");
        component("", [&] { inside = ImGui::GetID("OK"); });
    });
    CHECK(inside != outside);
}

TEST_CASE("two string keys whose ImGui IDs collide are two instances, both rendered") {
    Headless ui;
    const auto [a, b] = test::colliding_strings(component_seed(ui));
    INFO("keys \"" << a << "\" and \"" << b << "\"");
    int seen_a = 0, seen_b = 0;
    auto body = [&, a = a, b = b] {
        component(a, shows(1, seen_a));
        component(b, shows(2, seen_b));
    };
    CHECK(errors_of(ui, body).empty());  // not "rendered twice"
    CHECK(errors_of(ui, body).empty());
    CHECK(seen_a == 1);
    CHECK(seen_b == 2);
    CHECK(ui.runtime().stats().mounted == 2);
}

TEST_CASE("an integer key and a string key whose IDs collide never share state") {
    Headless ui;
    const auto [k, s] = test::colliding_int_and_string(component_seed(ui));
    INFO("keys " << k << " and \"" << s << "\"");
    int seen_int = 0, seen_string = 0;
    ui.frame([&] { component(k, shows(111, seen_int)); });
    // The string key in the next frame, alone: it must not find the integer key's instance.
    ui.frame([&, s = s] { component(s, shows(222, seen_string)); });
    CHECK(seen_int == 111);
    CHECK(seen_string == 222);
    // And both in one frame: two instances, no error.
    CHECK(errors_of(ui, [&, s = s] {
              component(k, shows(111, seen_int));
              component(s, shows(222, seen_string));
          }).empty());
    CHECK(ui.runtime().stats().mounted == 2);
}

TEST_CASE("keys with the same text after ### are one instance whose label may change") {
    Headless ui;
    int seen = 0;
    auto counter = [&] {
        auto [count, set_count] = use_state(0);
        seen = count;
        set_count(count + 1);
    };
    ui.frame([&] { component("Untitled###doc", counter); });
    ui.frame([&] { component("###doc", counter); });  // no label at all: the same identity
    ui.frame([&] { component("report.txt###doc", counter); });
    CHECK(seen == 2);  // the state was kept across the label changes
    std::vector<std::string> names;
    ui.runtime().for_each_component(
        [&](const ComponentInfo& info) { names.emplace_back(info.name); });
    CHECK(names == std::vector<std::string>{"report.txt###doc"});  // shown with its latest label

    // Two labels of one identity in one frame: the second is reported, never a silent mix.
    const auto errors = errors_of(ui, [&] {
        component("A###doc", counter);
        component("B###doc", counter);
    });
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, Catch::Contains("twice"));
    // Text after ### that differs is another instance.
    CHECK(errors_of(ui, [&] {
              component("A###doc", counter);
              component("A###doc2", counter);
          }).empty());
}

TEST_CASE("release_component releases the instance of its own key, not one whose ID collides") {
    Headless ui;
    const auto [a, b] = test::colliding_strings(component_seed(ui));
    INFO("keys \"" << a << "\" and \"" << b << "\"");
    const ComponentOptions kept{.unmount_grace = ComponentOptions::forever};
    bool show = true;
    bool release_b = false;
    bool released = false;
    auto body = [&, a = a, b = b] {
        if (show) {
            component(
                a, [] { use_state(0); }, kept);
            component(
                b, [] { use_state(0); }, kept);
        }
        if (release_b) released = release_component(b);
    };
    ui.frame(body);
    REQUIRE(ui.runtime().stats().mounted == 2);
    show = false;
    release_b = true;
    ui.frame(body);
    CHECK(released);
    // Only b lost its keeping; a, kept forever, stays.
    CHECK(ui.runtime().stats().mounted == 1);
    bool a_mounted = false;
    ui.runtime().for_each_component([&](const ComponentInfo& info) { a_mounted = info.name == a; });
    CHECK(a_mounted);
}

TEST_CASE("each key finds its own instance however the order of the components changes") {
    // Every frame renders a new arrangement: the same order, reversed, rotated, shuffled, with
    // keys left out (unmounted at the frame's end) and new ones in between, integer and string
    // keys mixed, and the same keys again in a second ID scope. Each instance remembers the key
    // and scope it was created for and counts the frames it was rendered in.
    Headless ui;
    struct Seen {
        int key = 0;
        int scope = 0;
        int frames = 0;
    };
    std::unordered_map<std::string, Seen> seen;  // "scope/key" -> what its instance showed
    std::unordered_map<std::string, int> expected_frames;
    auto row = [&](int scope, int key) {
        auto body = [&, scope, key] {
            const int& own_key = use_ref(int{key});
            const int& own_scope = use_ref(int{scope});
            int& frames = use_ref(0);
            ++frames;
            seen[std::to_string(scope) + "/" + std::to_string(key)] = {own_key, own_scope, frames};
        };
        if (key % 3 == 0)
            component("row " + std::to_string(key), body);
        else
            component(key, body);
    };
    std::uint64_t random = 12345;
    auto next_random = [&](std::uint64_t bound) {
        random = random * 6364136223846793005ull + 1442695040888963407ull;
        return (random >> 33) % bound;
    };
    std::vector<int> keys;
    for (int k = 0; k < 40; ++k) keys.push_back(k);
    for (int frame = 0; frame < 120; ++frame) {
        switch (frame % 6) {
            case 0:
                break;  // as before
            case 1:
                std::reverse(keys.begin(), keys.end());
                break;
            case 2:
                std::rotate(keys.begin(), keys.begin() + 7, keys.end());
                break;
            case 3:
                for (std::size_t i = keys.size() - 1; i > 0; --i)
                    std::swap(keys[i], keys[next_random(i + 1)]);
                break;
            case 4:  // drop a few, some from the middle
                for (int n = 0; n < 3 && keys.size() > 10; ++n)
                    keys.erase(keys.begin() + static_cast<long>(next_random(keys.size())));
                break;
            case 5:  // new keys (and dropped ones back) between the others
                for (int n = 0; n < 4; ++n)
                    keys.insert(keys.begin() + static_cast<long>(next_random(keys.size() + 1)),
                                100 + frame * 4 + n);
                break;
        }
        const int scopes = frame % 4 == 3 ? 1 : 2;  // the second scope comes and goes too
        std::unordered_map<std::string, int> rendered;
        seen.clear();
        ui.frame([&] {
            for (int scope = 0; scope < scopes; ++scope) {
                ImGui::PushID(scope);
                for (int key : keys) row(scope, key);
                ImGui::PopID();
            }
        });
        for (int scope = 0; scope < scopes; ++scope)
            for (int key : keys) {
                const std::string name = std::to_string(scope) + "/" + std::to_string(key);
                rendered[name] = expected_frames[name] + 1;
            }
        expected_frames = rendered;  // the others were unmounted at the frame's end
        INFO("frame " << frame);
        REQUIRE(seen.size() == rendered.size());
        for (const auto& [name, frames] : rendered) {
            INFO("component " << name);
            const Seen& s = seen.at(name);
            CHECK(std::to_string(s.scope) + "/" + std::to_string(s.key) == name);
            CHECK(s.frames == frames);
        }
        CHECK(ui.runtime().stats().mounted == rendered.size());
    }
}
