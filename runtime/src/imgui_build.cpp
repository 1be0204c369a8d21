// Is the Dear ImGui this program runs the one imhooks was compiled against? A second copy of
// ImGui linked in, or imhooks compiled with another version or configuration, makes imhooks read
// ImGui's context through the wrong layout: a crash, or worse. Dear ImGui's own check
// (IMGUI_CHECKVERSION) asserts; this one throws, and reads nothing before it knows the layout.
#include <imhooks/detail/imgui_build.h>

#include <imhooks/detail/imgui_compat.h>

#include <stdexcept>

namespace imhooks::detail {

namespace {

std::ptrdiff_t offset_in(const ImGuiContext* context, const void* member) {
    return static_cast<const char*>(member) - reinterpret_cast<const char*>(context);
}

#if IMGUI_VERSION_NUM >= 19110 || defined(IMGUI_HAS_DOCK)
#define IMHOOKS_IMGUI_PLATFORM_IO 1  // ImGui::GetPlatformIO(), in master since 1.91.1
#else
#define IMHOOKS_IMGUI_PLATFORM_IO 0
#endif

constexpr const char* kBeforeIo = "what precedes ImGuiIO in ImGuiContext differs";
constexpr const char* kIo = "ImGuiIO differs";
constexpr const char* kStyle = "ImGuiStyle or what follows it in ImGuiContext differs";

}  // namespace

ImGuiBuild compiled_imgui_build(ImGuiContext* context) {
    return {IMGUI_VERSION,
            {
                {"ImGuiContext::IO", kBeforeIo, offset_in(context, &context->IO)},
#if IMHOOKS_IMGUI_PLATFORM_IO
                {"ImGuiContext::PlatformIO", kIo, offset_in(context, &context->PlatformIO)},
#endif
                {"ImGuiContext::Style", kIo, offset_in(context, &context->Style)},
                {"ImGuiContext::DrawListSharedData", kStyle,
                 offset_in(context, &context->DrawListSharedData)},
            }};
}

ImGuiBuild running_imgui_build(ImGuiContext* context) {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(context);
    ImGuiBuild build{
        ImGui::GetVersion(),
        {
            {"ImGuiContext::IO", kBeforeIo, offset_in(context, &ImGui::GetIO())},
#if IMHOOKS_IMGUI_PLATFORM_IO
            {"ImGuiContext::PlatformIO", kIo, offset_in(context, &ImGui::GetPlatformIO())},
#endif
            {"ImGuiContext::Style", kIo, offset_in(context, &ImGui::GetStyle())},
            {"ImGuiContext::DrawListSharedData", kStyle,
             offset_in(context, ImGui::GetDrawListSharedData())},
        }};
    ImGui::SetCurrentContext(previous);
    return build;
}

void check_imgui_build(const ImGuiBuild& compiled, const ImGuiBuild& running) {
    if (compiled.version != running.version)
        throw std::invalid_argument(
            "imhooks::Runtime: imhooks was compiled against Dear ImGui " + compiled.version +
            " but runs with Dear ImGui " + running.version +
            " (ImGui::GetVersion()); compile imhooks with the headers of the ImGui your program "
            "links, and link one copy of ImGui only");
    for (std::size_t i = 0; i < compiled.members.size() && i < running.members.size(); ++i) {
        const ImGuiBuild::Member& ours = compiled.members[i];
        const ImGuiBuild::Member& theirs = running.members[i];
        if (ours.offset == theirs.offset) continue;
        throw std::invalid_argument(
            "imhooks::Runtime: imhooks and the Dear ImGui it runs with are both version " +
            compiled.version + " but lay out ImGui's data differently: " + ours.name +
            " is at byte " + std::to_string(ours.offset) + " in imhooks' build and at byte " +
            std::to_string(theirs.offset) + " in ImGui's (" + ours.follows +
            "); compile both with the same imconfig.h or IMGUI_USER_CONFIG and the same IMGUI_* "
            "definitions (docking or not, IMGUI_DISABLE_OBSOLETE_FUNCTIONS, ...)");
    }
}

}  // namespace imhooks::detail
