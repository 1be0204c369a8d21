// Which hidden ImGui scopes keep a component mounted, and keeping one on purpose.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui_internal.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

// Counts a component's mounts and unmounts (its effect and the effect's cleanup), and whether
// the last frame rendered it.
struct MountProbe {
    int mounts = 0;
    int unmounts = 0;
    bool rendered = false;
    bool mounted() const { return mounts > unmounts; }
    auto body() {
        return [this] {
            rendered = true;
            use_effect(
                [this] {
                    ++mounts;
                    return [this] { ++unmounts; };
                },
                deps());
        };
    }
};

void host_window() {
    ImGui::SetNextWindowPos({10, 10});
    ImGui::SetNextWindowSize({400, 300});
    ImGui::Begin("Host", nullptr, ImGuiWindowFlags_NoSavedSettings);
}

// Renders frames until `probe` was not rendered in one; true when that frame also ended it.
bool unmounted_by_first_frame_without_it(Headless& ui, MountProbe& probe,
                                         const Headless::Body& body) {
    for (int i = 0; i < 10; ++i) {
        probe.rendered = false;
        ui.frame(body);
        if (!probe.rendered) return !probe.mounted();
    }
    FAIL("the component was still rendered after 10 frames");
    return false;
}

// Two tabs, "A" and "B", `component` in "B"; `select` names the tab to select (or nullptr).
void tabs(const char* select, const std::function<void()>& component_in_b) {
    if (ImGui::BeginTabBar("tabs")) {
        const auto flags = [&](const char* tab) {
            return select && std::string(select) == tab ? ImGuiTabItemFlags_SetSelected : 0;
        };
        if (ImGui::BeginTabItem("A", nullptr, flags("A"))) ImGui::EndTabItem();
        if (ImGui::BeginTabItem("B", nullptr, flags("B"))) {
            component_in_b();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
}

}  // namespace

TEST_CASE("a component in a tab that is not selected is unmounted at the end of that frame") {
    Headless ui;
    MountProbe probe;
    const char* select = "B";
    auto body = [&] {
        host_window();
        tabs(select, [&] { component("in B", probe.body()); });
        ImGui::End();
    };
    ui.frames(3, body);
    REQUIRE(probe.mounted());
    select = "A";
    CHECK(unmounted_by_first_frame_without_it(ui, probe, body));
    CHECK(ui.runtime().stats().mounted == 0);
}

TEST_CASE("a component in a closed tree node or collapsing header is unmounted at once") {
    Headless ui;
    MountProbe in_tree, in_header;
    bool open = true;
    auto body = [&] {
        host_window();
        ImGui::SetNextItemOpen(open);
        if (ImGui::TreeNode("node")) {
            component("in tree", in_tree.body());
            ImGui::TreePop();
        }
        ImGui::SetNextItemOpen(open);
        if (ImGui::CollapsingHeader("header")) component("in header", in_header.body());
        ImGui::End();
    };
    ui.frames(3, body);
    REQUIRE(in_tree.mounted());
    REQUIRE(in_header.mounted());
    open = false;
    CHECK(unmounted_by_first_frame_without_it(ui, in_tree, body));
    CHECK_FALSE(in_header.mounted());
    CHECK(ui.runtime().stats().mounted == 0);
}

TEST_CASE(
    "components in list rows the clipper skips are not mounted, and unmount when scrolled "
    "away") {
    Headless ui;
    MountProbe first_rows[4];
    int mounted_rows = 0;
    float scroll = 0.0f;
    auto body = [&] {
        host_window();
        ImGui::SetNextWindowScroll({0.0f, scroll});
        ImGui::BeginChild("list", ImVec2(0, 150));
        ImGuiListClipper clipper;
        clipper.Begin(1000, ImGui::GetTextLineHeightWithSpacing());
        while (clipper.Step())
            for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row)
                component(row, [&, row] {
                    if (row < 4) first_rows[row].body()();
                    ImGui::Text("row %d", row);
                });
        ImGui::EndChild();
        ImGui::End();
        mounted_rows = static_cast<int>(ui.runtime().stats().mounted);
    };
    ui.frames(3, body);
    CHECK(first_rows[3].mounted());
    CHECK(mounted_rows > 4);
    CHECK(mounted_rows < 50);  // of 1000
    scroll = 5000.0f;
    CHECK(unmounted_by_first_frame_without_it(ui, first_rows[3], body));
    CHECK(ui.runtime().stats().mounted < 50);
}

#ifdef IMGUI_HAS_DOCK
TEST_CASE("a component in a docked window whose tab is not selected stays mounted") {
    Headless ui;
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_DockingEnable;
    MountProbe probe;
    const char* focus = "B";
    auto body = [&] {
        const ImGuiID dock_space = ImGui::DockSpaceOverViewport();
        for (const char* name : {"A", "B"}) {
            ImGui::SetNextWindowDockID(dock_space, ImGuiCond_Always);
            if (focus && std::string(focus) == name) ImGui::SetNextWindowFocus();
            if (ImGui::Begin(name) && std::string(name) == "B") component("in B", probe.body());
            ImGui::End();
        }
        focus = nullptr;
    };
    ui.frames(4, body);
    REQUIRE(probe.mounted());
    focus = "A";
    for (int i = 0; i < 4; ++i) {
        probe.rendered = false;
        ui.frame(body);
    }
    CHECK_FALSE(probe.rendered);  // B's tab is not selected: its Begin() returned false
    CHECK(probe.mounted());
    focus = "B";
    ui.frames(2, body);
    CHECK(probe.rendered);
    CHECK(probe.mounts == 1);
}
#endif

TEST_CASE("ComponentOptions::forever keeps a component and its running job in a hidden tab") {
    Headless ui;
    MountProbe probe;
    test::Event started, finish;
    std::atomic<bool> stop_seen{false};
    int shown = 0;
    const char* select = "B";
    auto body = [&] {
        host_window();
        tabs(select, [&] {
            component("report",
                      [&] {
                          probe.body()();
                          Result<int> result = use_thread([&](std::stop_token stop) {
                              started.set();
                              while (!finish.wait(2ms))
                                  if (stop.stop_requested()) {
                                      stop_seen = true;
                                      return -1;
                                  }
                              return 42;
                          });
                          if (const int* value = result.value()) shown = *value;
                      },
                      {.unmount_grace = ComponentOptions::forever});
        });
        ImGui::End();
        select = nullptr;
    };
    REQUIRE(ui.frame_until(body, [&] { return started.is_set(); }));
    select = "A";
    ui.frame(body);
    probe.rendered = false;
    ui.frames(5, body);
    CHECK_FALSE(probe.rendered);
    CHECK(probe.mounted());
    CHECK_FALSE(ui.runtime().next_timed_frame().has_value());  // forever needs no timed frame
    finish.set();
    REQUIRE(test::eventually([&] { return ui.runtime().stats().active_work == 0; }));
    CHECK_FALSE(stop_seen);
    select = "B";
    REQUIRE(ui.frame_until(body, [&] { return shown == 42; }));
    CHECK(probe.mounts == 1);
}

TEST_CASE("release_component ends a kept component at the end of the first frame without it") {
    Headless ui;
    MountProbe probe;
    bool show = true;
    bool release = false;
    bool released = false;
    auto body = [&] {
        host_window();
        if (show) component("kept", probe.body(), {.unmount_grace = ComponentOptions::forever});
        if (release) released = release_component("kept");
        ImGui::End();
    };
    ui.frames(2, body);
    show = false;
    ui.frames(3, body);
    REQUIRE(probe.mounted());
    release = true;
    ui.frame(body);
    CHECK(released);
    CHECK_FALSE(probe.mounted());
    ui.frame(body);
    CHECK_FALSE(released);  // nothing left to release
}

TEST_CASE("release_component in a tab's ID scope ends a component kept in the hidden tab") {
    Headless ui;
    MountProbe probe;
    const char* select = "B";
    bool released = false;
    auto body = [&] {
        host_window();
        tabs(select, [&] {
            component("in B", probe.body(), {.unmount_grace = ComponentOptions::forever});
        });
        if (!select) {
            // The IDs the tab bar and the tab pushed where the component was rendered.
            ImGui::PushID("tabs");
            ImGui::PushID("B");
            released = release_component("in B") || released;
            ImGui::PopID();
            ImGui::PopID();
        }
        ImGui::End();
    };
    ui.frames(3, body);
    select = "A";
    ui.frame(body);
    select = nullptr;
    ui.frames(2, body);
    CHECK(released);
    CHECK_FALSE(probe.mounted());
}

TEST_CASE("a released component rendered again is kept by its grace again") {
    Headless ui;
    MountProbe probe;
    bool show = true;
    bool release = false;
    auto body = [&] {
        host_window();
        if (release) release_component("kept");
        if (show) component("kept", probe.body(), {.unmount_grace = ComponentOptions::forever});
        ImGui::End();
    };
    ui.frames(2, body);
    release = true;
    ui.frame(body);  // released, then rendered in the same frame: still mounted
    release = false;
    CHECK(probe.mounted());
    ui.frame(body);
    show = false;
    ui.frames(3, body);
    CHECK(probe.mounted());
}

TEST_CASE("graces too long for a deadline saturate to forever, without overflow") {
    RuntimeOptions options;
    options.unmount_grace = std::chrono::milliseconds::max();  // the runtime's default grace
    Headless ui({800, 600}, options);
    MountProbe by_default, for_30_days, for_a_day;
    bool show = true;
    auto body = [&] {
        if (!show) return;
        component("by default", by_default.body());
        component("30 days", for_30_days.body(), {.unmount_grace = std::chrono::hours(24 * 30)});
        component("a day", for_a_day.body(), {.unmount_grace = std::chrono::hours(24)});
    };
    ui.frames(2, body);
    show = false;
    const auto hidden_at = std::chrono::steady_clock::now();
    ui.frames(3, body);
    CHECK(by_default.mounted());
    CHECK(for_30_days.mounted());
    CHECK(for_a_day.mounted());
    // Only the finite grace asks for the frame that will end it, a day from now.
    const auto next = ui.runtime().next_timed_frame();
    REQUIRE(next.has_value());
    CHECK(*next > hidden_at + std::chrono::hours(23));
    CHECK(*next < hidden_at + std::chrono::hours(25));
}
