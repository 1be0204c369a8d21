// An application with its own Dear ImGui on imhooks::Runner (whose GLFW and OpenGL3 backends were
// compiled from that same Dear ImGui): prints the Dear ImGui it ran with.
#include <imgui.h>
#include <imhooks/imhooks.h>
#include <imhooks/runner.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    try {
        imhooks::RunnerOptions defaults;
        defaults.width = 320;
        defaults.height = 200;
        imhooks::Runner runner(imhooks::parse_runner_args(argc, argv, defaults));
        const int status = runner.run([] {
            ImGui::SetNextWindowPos(ImVec2(10, 10));
            ImGui::SetNextWindowSize(ImVec2(300, 150));
            ImGui::Begin("app");
            imhooks::component("counter", [] {
                auto [count, set_count] = imhooks::use_state(0);
                ImGui::Text("Dear ImGui %s, count %d", ImGui::GetVersion(), count);
                if (count < 3) set_count(count + 1);
            });
            ImGui::End();
        });
        std::printf("runner_app: Dear ImGui %s\n", ImGui::GetVersion());
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "runner_app: %s\n", e.what());
        return 1;
    }
}
