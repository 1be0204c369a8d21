// use_previous, and use_state with deps: the value of the previous render; state reset when
// dependencies change.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

TEST_CASE("use_previous is empty on the first render, then gives the previous render's value") {
    Headless ui;
    int value = 10;
    std::vector<std::optional<int>> seen;
    auto body = [&] {
        component("panel", [&] {
            const int* previous = use_previous(value);
            seen.push_back(previous ? std::optional<int>(*previous) : std::nullopt);
        });
    };
    for (int v : {10, 20, 20, 30}) {
        value = v;
        ui.frame(body);
    }
    CHECK(seen == std::vector<std::optional<int>>{std::nullopt, 10, 20, 20});
}

TEST_CASE("use_previous gives the component's previous render, across frames it skipped") {
    Headless ui;
    std::string value;
    bool shown = true;
    const std::string* previous = nullptr;
    std::string seen;
    auto body = [&] {
        if (!shown) return;
        component(
            "panel",
            [&] {
                previous = use_previous(value.c_str());  // C strings are kept as std::string
                seen = previous ? *previous : "(none)";
            },
            ComponentOptions{.unmount_grace = std::chrono::hours(1)});
    };
    value = "first";
    ui.frame(body);
    shown = false;
    value = "hidden";
    ui.frame(body);
    shown = true;
    value = "again";
    ui.frame(body);
    CHECK(seen == "first");
}

TEST_CASE("use_state with deps resets to initial in the frame the deps change") {
    Headless ui;
    std::string filter = "all";
    std::vector<int> seen;
    auto body = [&] {
        component("list", [&] {
            auto [page, set_page] = use_state(0, deps(filter));
            seen.push_back(page);
            set_page(page + 1);
        });
    };
    ui.frames(3, body);
    filter = "done";
    ui.frames(2, body);
    CHECK(seen == std::vector<int>{0, 1, 2, 0, 1});
}

TEST_CASE("a reset by deps wins over a set() made in the frame before it") {
    Headless ui;
    int dep = 0;
    int seen = -1;
    bool set_once = false;
    auto body = [&] {
        component("list", [&] {
            auto [value, set_value] = use_state(100, deps(dep));
            seen = value;
            if (set_once) {
                set_value(7);
                set_once = false;
            }
        });
    };
    ui.frame(body);
    set_once = true;
    ui.frame(body);  // set(7), shown from the next frame...
    dep = 1;         // ...in which the deps change
    ui.frame(body);
    CHECK(seen == 100);
    ui.frame(body);
    CHECK(seen == 100);
}

TEST_CASE("a setter obtained before a reset by deps does nothing afterwards") {
    Headless ui;
    int dep = 0;
    int seen = -1;
    Setter<int> old_setter;
    Setter<int> setter;
    auto body = [&] {
        component("list", [&] {
            auto [value, set_value] = use_state(0, deps(dep));
            seen = value;
            setter = set_value;
        });
    };
    ui.frame(body);
    old_setter = setter;
    dep = 1;
    ui.frame(body);
    // A worker still reporting for the old deps.
    std::thread worker([&] { old_setter(99); });
    worker.join();
    ui.frames(2, body);
    CHECK(seen == 0);
    setter(5);
    ui.frame(body);
    CHECK(seen == 5);
}
