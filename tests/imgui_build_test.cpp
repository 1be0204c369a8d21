// The Runtime refuses a Dear ImGui that is not the one imhooks was compiled against.
#include <imhooks/detail/imgui_build.h>
#include <imhooks/headless.h>

#include <imgui.h>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace imhooks;
using Catch::Contains;

TEST_CASE("a Runtime starts in the Dear ImGui imhooks was compiled against") {
    Headless ui;  // its Runtime ran the check
    const detail::ImGuiBuild compiled = detail::compiled_imgui_build(ui.context());
    const detail::ImGuiBuild running = detail::running_imgui_build(ui.context());
    CHECK(compiled.version == IMGUI_VERSION);
    CHECK(running.version == ImGui::GetVersion());
    REQUIRE(compiled.members.size() >= 3);
    REQUIRE(running.members.size() == compiled.members.size());
    for (std::size_t i = 0; i < compiled.members.size(); ++i) {
        INFO(compiled.members[i].name);
        CHECK(compiled.members[i].offset > 0);
        CHECK(compiled.members[i].offset == running.members[i].offset);
    }
    CHECK_NOTHROW(detail::check_imgui_build(compiled, running));
}

TEST_CASE("another Dear ImGui version is an invalid_argument naming both versions") {
    Headless ui;
    const detail::ImGuiBuild compiled = detail::compiled_imgui_build(ui.context());
    detail::ImGuiBuild running = detail::running_imgui_build(ui.context());
    running.version = "1.89.9";
    CHECK_THROWS_MATCHES(
        detail::check_imgui_build(compiled, running), std::invalid_argument,
        Catch::Matchers::Predicate<std::invalid_argument>(
            [](const std::invalid_argument& e) {
                return std::string(e.what()).find("compiled against Dear ImGui " IMGUI_VERSION
                                                  " but runs with Dear ImGui 1.89.9") !=
                       std::string::npos;
            },
            "names both versions"));
}

TEST_CASE("another data layout of the same version is an invalid_argument naming what differs") {
    Headless ui;
    const detail::ImGuiBuild compiled = detail::compiled_imgui_build(ui.context());
    for (std::size_t i = 0; i < compiled.members.size(); ++i) {
        detail::ImGuiBuild running = detail::running_imgui_build(ui.context());
        running.members[i].offset += 16;
        const detail::ImGuiBuild::Member& member = compiled.members[i];
        INFO(member.name);
        std::string message;
        try {
            detail::check_imgui_build(compiled, running);
        } catch (const std::invalid_argument& e) {
            message = e.what();
        }
        CHECK_THAT(message,
                   Contains("both version " IMGUI_VERSION) &&
                       Contains(std::string(member.name) + " is at byte " +
                                std::to_string(member.offset) + " in imhooks' build and at byte " +
                                std::to_string(member.offset + 16) + " in ImGui's") &&
                       Contains(member.follows));
    }
}
