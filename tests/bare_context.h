// A bare ImGui context, without imhooks::Headless, for tests of what happens without one.
#pragma once

#include <imhooks/detail/imgui_compat.h>

namespace imhooks::test {

// Creates an ImGui context, makes it current and readies it for frames without a window or a
// renderer (no .ini file, a display size, the font atlas or texture protocol handled).
inline ImGuiContext* create_bare_context(ImVec2 display_size) {
    ImGuiContext* context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = display_size;
    detail::compat::prepare_headless_renderer(io);
    return context;
}

// Ends a frame begun with ImGui::NewFrame() on such a context.
inline void render_bare_frame() {
    ImGui::Render();
    detail::compat::acknowledge_textures();
}

}  // namespace imhooks::test
