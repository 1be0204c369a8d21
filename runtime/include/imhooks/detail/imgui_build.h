// Internal: the check that imhooks runs in the Dear ImGui it was compiled against. Not a public
// API (tests call it with builds of their own making).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

struct ImGuiContext;

namespace imhooks::detail {

// The version and data layout of one Dear ImGui build, as far as a running program can see it
// without reading memory through a layout it is not sure of: where members of the context are.
struct ImGuiBuild {
    struct Member {
        const char* name;     // "ImGuiContext::Style"
        const char* follows;  // what a different offset means ("ImGuiIO differs")
        std::ptrdiff_t offset;
    };
    std::string version;  // IMGUI_VERSION
    std::vector<Member> members;
};

// imhooks' build: IMGUI_VERSION and where imgui_internal.h, as compiled into imhooks, puts the
// members in `context`.
ImGuiBuild compiled_imgui_build(ImGuiContext* context);
// The running library's: ImGui::GetVersion() and where its own accessors (GetIO(), GetStyle(),
// GetDrawListSharedData(), GetPlatformIO()) find them in `context`. Reads nothing of `context`.
ImGuiBuild running_imgui_build(ImGuiContext* context);
// Throws std::invalid_argument naming both versions and what differs when the builds differ.
void check_imgui_build(const ImGuiBuild& compiled, const ImGuiBuild& running);

}  // namespace imhooks::detail
