// A small application on imhooks::Runner for the runner's own window tests: it prints the Dear
// ImGui version ("imgui: 18600"), each press of the A key it sees ("key: ctrl+a" when Ctrl is
// held) and draws a fixed picture (a
// magenta band at the bottom, a window with the frame count) for screenshot checks. Every runner
// option applies (--help, --print-ready, --screenshot-pattern...).
#include <imgui.h>
#include <imhooks/imhooks.h>
#include <imhooks/runner.h>

#include <cstdio>
#include <exception>

namespace {

bool a_pressed() {
#if IMGUI_VERSION_NUM >= 18700
    return ImGui::IsKeyPressed(ImGuiKey_A, false);
#else
    return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_A), false);
#endif
}

}  // namespace

int main(int argc, char** argv) {
    try {
        imhooks::RunnerOptions defaults;
        defaults.title = "imhooks runner probe";
        defaults.width = 320;
        defaults.height = 200;
        imhooks::Runner runner(imhooks::parse_runner_args(argc, argv, defaults));
        if (!runner.options().help) {
            std::printf("imgui: %d\n", IMGUI_VERSION_NUM);
            std::fflush(stdout);
        }
        return runner.run([&] {
            const ImVec2 size = ImGui::GetIO().DisplaySize;
            ImGui::GetBackgroundDrawList()->AddRectFilled(ImVec2(0, size.y - 20), size,
                                                          IM_COL32(255, 0, 255, 255));
            ImGui::SetNextWindowPos(ImVec2(10, 10));
            ImGui::SetNextWindowSize(ImVec2(300, 150));
            ImGui::Begin("probe");
            imhooks::component(
                "probe", [&] { ImGui::Text("frames rendered: %zu", runner.frames_rendered()); });
            ImGui::End();
            if (a_pressed()) {
                std::printf("key: %sa\n", ImGui::GetIO().KeyCtrl ? "ctrl+" : "");
                std::fflush(stdout);
            }
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "imhooks_runner_probe: %s\n", e.what());
        return 1;
    }
}
