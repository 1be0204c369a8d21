// The runtime's rules: instances, slots, frames, wake-ups, unmount, misuse errors.
#include "bare_context.h"
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui_internal.h>

#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

// A component body whose state counts 0, 1, ... up to `limit`, one step per frame; `seen` gets
// the value each frame shows.
auto counts_to(int limit, int& seen) {
    return [limit, &seen] {
        auto [value, set_value] = use_state(0);
        seen = value;
        if (value < limit) set_value(value + 1);
    };
}

}  // namespace

TEST_CASE("state survives frames") {
    Headless ui;
    int seen = -1;
    auto body = [&] {
        component("counter", [&] {
            auto [count, set_count] = use_state(0);
            seen = count;
            set_count(count + 1);
        });
    };
    ui.frames(5, body);
    CHECK(seen == 4);
}

TEST_CASE("two instances of one component keep separate state") {
    Headless ui;
    std::vector<int> seen(2);
    auto counter = [&](int index, int step) {
        auto [count, set_count] = use_state(0);
        seen[index] = count;
        set_count(count + step);
    };
    auto body = [&] {
        component("a", [&] { counter(0, 1); });
        component("b", [&] { counter(1, 10); });
    };
    ui.frames(4, body);
    CHECK(seen[0] == 3);
    CHECK(seen[1] == 30);
}

TEST_CASE("integer keys and ID scopes make distinct instances") {
    Headless ui;
    std::vector<int> seen;
    auto body = [&] {
        seen.clear();
        for (int i = 0; i < 3; ++i)
            component(i, [&] {
                auto [value, set_value] = use_state(i * 100);
                seen.push_back(value);
            });
    };
    ui.frames(2, body);
    CHECK(seen == std::vector<int>{0, 100, 200});
}

TEST_CASE("a state change shows from the next frame, not the current one") {
    Headless ui;
    std::vector<int> seen;
    auto body = [&] {
        component("c", [&] {
            auto [value, set_value] = use_state(1);
            seen.push_back(value);
            if (value == 1) set_value(2);
            seen.push_back(value);  // unchanged within the frame
        });
    };
    ui.frames(2, body);
    CHECK(seen == std::vector<int>{1, 1, 2, 2});
}

TEST_CASE("the updater form composes concurrent increments from many threads") {
    Headless ui;
    Setter<int> set;
    int seen = 0;
    auto body = [&] {
        component("c", [&] {
            auto [value, set_value] = use_state(0);
            set = set_value;
            seen = value;
        });
    };
    ui.frame(body);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([set] {
            for (int i = 0; i < 1000; ++i) set([](int n) { return n + 1; });
        });
    for (auto& thread : threads) thread.join();
    ui.frame(body);
    CHECK(seen == 4000);
}

TEST_CASE(
    "a setter from another thread shows on a later frame and wakes the waker once per burst") {
    Headless ui;
    std::atomic<int> wakes{0};
    ui.runtime().set_waker([&] { ++wakes; });
    Setter<int> set;
    int seen = -1;
    auto body = [&] {
        component("c", [&] {
            auto [value, set_value] = use_state(0);
            set = set_value;
            seen = value;
        });
    };
    ui.frame(body);
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    const int wakes_before = wakes.load();

    std::thread worker([set] {
        for (int i = 1; i <= 50; ++i) set(i);
    });
    worker.join();
    CHECK(wakes.load() == wakes_before + 1);  // one burst, one wake
    CHECK(ui.runtime().needs_frame());
    CHECK(ui.runtime().wait(0ms));
    CHECK(seen == 0);
    ui.frame(body);
    CHECK(seen == 50);
}

TEST_CASE("changes to several components between two frames wake the waker once") {
    Headless ui;
    std::atomic<int> wakes{0};
    ui.runtime().set_waker([&] { ++wakes; });
    std::vector<Setter<int>> setters(3);
    auto body = [&] {
        for (int i = 0; i < 3; ++i)
            component(i, [&, i] {
                auto [value, set_value] = use_state(0);
                setters[i] = set_value;
            });
    };
    ui.frame(body);
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    const int before = wakes.load();
    std::thread worker([&] {
        for (int i = 0; i < 3; ++i) setters[i](i + 1);
    });
    worker.join();
    CHECK(wakes.load() == before + 1);
    CHECK(ui.settle(body) == 3);  // the frame showing the changes and the 2 extra frames
}

TEST_CASE("an unchanged value requests no frame") {
    Headless ui;
    std::atomic<int> wakes{0};
    ui.runtime().set_waker([&] { ++wakes; });
    Setter<std::string> set;
    auto body = [&] {
        component("c", [&] {
            auto [value, set_value] = use_state("same");
            set = set_value;
        });
    };
    ui.frame(body);
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    const int before = wakes.load();
    set("same");
    set([](const std::string& s) { return s; });
    CHECK_FALSE(ui.runtime().needs_frame());
    CHECK(wakes.load() == before);
    CHECK_FALSE(ui.runtime().wait(20ms));
}

TEST_CASE("after a wake the runtime asks for the configured extra frames, then none") {
    RuntimeOptions options;
    options.extra_frames_after_wake = 2;
    Headless ui({800, 600}, options);
    Setter<int> set;
    auto body = [&] {
        component("c", [&] {
            auto [value, set_value] = use_state(0);
            set = set_value;
        });
    };
    ui.frame(body);
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    set(7);
    CHECK(ui.settle(body) == 3);  // the frame showing the change + 2 extra
    CHECK_FALSE(ui.runtime().needs_frame());
}

TEST_CASE("use_ref keeps a value across frames and never requests a frame") {
    Headless ui;
    int seen = 0;
    auto body = [&] {
        component("c", [&] {
            int& ref = use_ref(10);
            seen = ref;
            ++ref;
        });
    };
    ui.frame(body);
    ui.settle(body);
    const std::size_t frames = ui.frames();
    ui.frame(body);
    CHECK(seen == 10 + static_cast<int>(frames));
    CHECK_FALSE(ui.runtime().needs_frame());
}

TEST_CASE("use_memo recomputes only when deps change") {
    Headless ui;
    int computations = 0;
    int input = 1;
    int seen = 0;
    auto body = [&] {
        component("c", [&] {
            seen = use_memo(
                [&] {
                    ++computations;
                    return input * 2;
                },
                deps(input));
        });
    };
    ui.frames(3, body);
    CHECK(computations == 1);
    CHECK(seen == 2);
    input = 5;
    ui.frames(3, body);
    CHECK(computations == 2);
    CHECK(seen == 10);
}

TEST_CASE("effects run after the frame, cleanup before the next effect and at unmount") {
    Headless ui;
    std::vector<std::string> log;
    int dep = 1;
    bool show = true;
    auto body = [&] {
        if (!show) return;
        component("c", [&] {
            use_effect(
                [&, d = dep] {
                    log.push_back("effect " + std::to_string(d));
                    return [&, d] { log.push_back("cleanup " + std::to_string(d)); };
                },
                deps(dep));
            log.push_back("render");
        });
    };
    ui.frame(body);
    CHECK(log == std::vector<std::string>{"render", "effect 1"});
    ui.frame(body);
    CHECK(log == std::vector<std::string>{"render", "effect 1", "render"});
    dep = 2;
    ui.frame(body);
    CHECK(log == std::vector<std::string>{"render", "effect 1", "render", "render", "cleanup 1",
                                          "effect 2"});
    show = false;
    ui.frame(body);
    CHECK(log.back() == "cleanup 2");
    CHECK(log.size() == 7);
}

TEST_CASE("effects and cleanups of any capture size run once and release their captures once") {
    // A capture that counts the live copies of itself: moving an effect around (small ones are
    // kept inline, large ones on the heap) must neither lose nor duplicate one.
    struct Tracked {
        int* live;
        explicit Tracked(int* counter) : live(counter) { ++*live; }
        Tracked(const Tracked& other) : live(other.live) { ++*live; }
        Tracked(Tracked&& other) noexcept : live(other.live) { ++*live; }
        ~Tracked() { --*live; }
    };
    struct Big {
        std::array<char, 256> bytes{};
    };
    Headless ui;
    int live = 0;
    int dep = 0;
    bool show = true;
    std::vector<std::string> log;
    auto body = [&] {
        if (!show) return;
        component("c", [&] {
            use_effect(
                [&, d = dep, tracked = Tracked(&live)] {
                    log.push_back("small effect " + std::to_string(d));
                    return [&, d, tracked] { log.push_back("small cleanup " + std::to_string(d)); };
                },
                deps(dep));
            use_effect(
                [&, d = dep, tracked = Tracked(&live), big = Big{}] {
                    log.push_back("big effect " + std::to_string(d) + big.bytes[0]);
                    return [&, d, tracked, big] {
                        log.push_back("big cleanup " + std::to_string(d) + big.bytes[1]);
                    };
                },
                deps(dep));
        });
    };
    ui.frame(body);
    CHECK(log == std::vector<std::string>{"small effect 0", std::string("big effect 0") + '\0'});
    CHECK(live == 2);  // the two cleanups' captures; the effects are gone
    dep = 1;
    ui.frame(body);
    CHECK(log.size() == 6);
    CHECK(log[2] == "small cleanup 0");
    CHECK(log[3] == "small effect 1");
    CHECK(log[4] == std::string("big cleanup 0") + '\0');
    CHECK(live == 2);
    show = false;
    ui.frame(body);
    CHECK(log.size() == 8);
    CHECK(live == 0);
}

TEST_CASE("deps() runs an effect once, on mount") {
    Headless ui;
    int runs = 0;
    auto body = [&] { component("c", [&] { use_effect([&] { ++runs; }, deps()); }); };
    ui.frames(5, body);
    CHECK(runs == 1);
}

TEST_CASE("a component not rendered in a frame is unmounted and starts fresh when it returns") {
    Headless ui;
    bool show = true;
    int seen = -1;
    auto body = [&] {
        if (show) component("c", counts_to(3, seen));
    };
    ui.frames(4, body);
    CHECK(seen == 3);
    show = false;
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 0);
    show = true;
    ui.frame(body);
    CHECK(seen == 0);
}

TEST_CASE("a collapsed window keeps its components") {
    Headless ui;
    int seen = -1;
    bool collapse = false;
    auto body = [&] {
        ImGui::SetNextWindowPos({10, 10});
        ImGui::SetNextWindowSize({300, 200});
        ImGui::SetNextWindowCollapsed(collapse);
        if (ImGui::Begin("Panel")) {
            component("c", counts_to(5, seen));
        }
        ImGui::End();
    };
    ui.frames(8, body);
    REQUIRE(seen == 5);
    collapse = true;
    ui.frames(3, body);
    CHECK(ui.runtime().stats().mounted == 1);
    collapse = false;
    seen = -1;
    ui.frames(2, body);
    CHECK(seen == 5);
}

TEST_CASE("a closed window unmounts its components") {
    Headless ui;
    bool open = true;
    auto body = [&] {
        if (!open) return;
        ImGui::Begin("Panel");
        component("c", [&] { use_state(0); });
        ImGui::End();
    };
    ui.frames(3, body);
    CHECK(ui.runtime().stats().mounted == 1);
    open = false;
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 0);
}

TEST_CASE("the grace period keeps state across a short absence, then unmounts") {
    auto clock = std::make_shared<ManualClock>();
    RuntimeOptions options;
    options.unmount_grace = 200ms;
    options.clock = clock;
    Headless ui({800, 600}, options);
    bool show = true;
    int seen = -1;
    auto body = [&] {
        if (show) component("tab", counts_to(2, seen));
    };
    ui.frames(3, body);
    REQUIRE(seen == 2);
    show = false;
    ui.frame(body);
    clock->advance(150ms);
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 1);  // within the grace period
    show = true;
    ui.frame(body);
    CHECK(seen == 2);  // state kept
    show = false;
    ui.frame(body);
    // The runtime asks for a frame at the end of the grace period, so the unmount happens even in
    // an app that renders only on demand.
    REQUIRE(ui.runtime().next_timed_frame().has_value());
    clock->advance(199ms);
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 1);
    clock->advance(1ms);
    CHECK(ui.runtime().wait(5s));
    ui.frame(body);
    CHECK(ui.runtime().stats().mounted == 0);
}

TEST_CASE("a per-component grace period overrides the runtime's") {
    Headless ui;  // runtime grace: zero
    bool show = true;
    auto body = [&] {
        if (show)
            component(
                "tab", [&] { use_state(0); }, ComponentOptions{.unmount_grace = 10s});
    };
    ui.frame(body);
    show = false;
    ui.frames(3, body);
    CHECK(ui.runtime().stats().mounted == 1);
}

TEST_CASE("a second Runtime on one context is refused") {
    Headless ui;
    CHECK_THROWS_AS(Runtime(ui.context()), std::invalid_argument);
    CHECK(Runtime::current() == &ui.runtime());
}

TEST_CASE("wait returns at once when a frame is needed and times out otherwise") {
    Headless ui;
    CHECK(ui.runtime().wait(0ms));  // the first frame is always needed
    ui.settle({});
    CHECK_FALSE(ui.runtime().needs_frame());
    CHECK_FALSE(ui.runtime().wait(10ms));
    std::thread waker([&] { ui.runtime().request_frame(); });
    CHECK(ui.runtime().wait(10s));
    waker.join();
}

TEST_CASE("an earlier timed frame requested outside a frame calls the waker") {
    Headless ui;
    ui.settle({});
    std::atomic<int> wakes{0};
    ui.runtime().set_waker([&] { ++wakes; });
    std::thread([&] { ui.runtime().request_frame_in(10s); }).join();
    CHECK(wakes == 1);
    std::thread([&] { ui.runtime().request_frame_in(20s); }).join();  // later: nothing to recompute
    CHECK(wakes == 1);
    REQUIRE(ui.runtime().next_timed_frame().has_value());
    CHECK(*ui.runtime().next_timed_frame() - std::chrono::steady_clock::now() > 5s);
}

TEST_CASE("a waker that throws is reported, not propagated") {
    Headless ui;
    ui.settle({});
    ui.runtime().set_waker([] { throw std::runtime_error("display gone"); });
    CHECK_NOTHROW(ui.runtime().request_frame());
    CHECK(ui.runtime().needs_frame());
}

TEST_CASE("the headless harness clicks a button by its label") {
    Headless ui;
    int clicks = 0;
    int shown = 0;
    auto body = [&] {
        ImGui::Begin("Counter");
        component("counter", [&] {
            auto [count, set_count] = use_state(0);
            shown = count;
            if (ImGui::Button("Increment")) {
                ++clicks;
                set_count(count + 1);
            }
        });
        if (ImGui::Button("Reset window button")) clicks += 100;
        ImGui::End();
    };
    ui.frames(2, body);
    ui.click("Increment", body);
    ui.click("Increment", body);
    ui.frame(body);
    CHECK(clicks == 2);
    CHECK(shown == 2);
    ui.click("Reset window button", body);
    CHECK(clicks == 102);
    CHECK_THROWS_WITH(ui.click("Nope", body), Catch::Contains("\"Nope\""));
}

TEST_CASE("for_each_component describes mounted components and their hooks for inspectors") {
    Headless ui;
    auto body = [&] {
        component("inspected", [&] {
            use_state(1);
            use_thread([] { return std::string("done"); });
        });
    };
    REQUIRE(ui.frame_until(body, [&] {
        bool finished = false;
        ui.runtime().for_each_component(
            [&](const ComponentInfo& info) {
                finished =
                    info.hook_list.size() == 2 && info.hook_list[1].status == ResultState::Finished;
            },
            true);
        return finished;
    }));
    std::vector<ComponentInfo> seen;
    ui.runtime().for_each_component([&](const ComponentInfo& info) { seen.push_back(info); }, true);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].name == "inspected");
    CHECK(seen[0].hooks == 2);
    CHECK(std::string(seen[0].hook_list[0].kind) == "use_state");
    CHECK(seen[0].hook_list[0].value_type == "int");
    CHECK(std::string(seen[0].hook_list[1].kind) == "use_thread");
    CHECK(seen[0].hook_list[1].value_type == "std::string");
}

TEST_CASE(
    "destroying the ImGui context first unmounts the components and leaves the Runtime safe to "
    "destroy") {
    bool cleaned_up = false;
    ImGuiContext* context = imhooks::test::create_bare_context({200, 200});
    auto runtime = std::make_unique<Runtime>(context);
    ImGui::NewFrame();
    component("c", [&] { use_effect([&] { return [&] { cleaned_up = true; }; }, deps()); });
    imhooks::test::render_bare_frame();
    ImGui::DestroyContext(context);
    CHECK(cleaned_up);
    runtime.reset();  // must not touch the destroyed context
}
