// Uses an installed imhooks headless (no window, no GL): a component whose use_state value must
// persist across frames. Exits 0 when it does.
#include <imgui.h>
#include <imhooks/imhooks.h>

#include <cstdio>

int main() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(640, 480);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int width = 0;
    int height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);

    int shown = -1;
    {
        imhooks::Runtime runtime;
        for (int frame = 0; frame < 5; ++frame) {
            ImGui::NewFrame();
            ImGui::Begin("consumer");
            imhooks::component("counter", [&] {
                auto [count, set_count] = imhooks::use_state(0);
                shown = count;
                if (count < 3) set_count(count + 1);  // shows from the next frame
            });
            ImGui::End();
            ImGui::Render();
        }
    }
    ImGui::DestroyContext();

    std::printf("consumer: count %d after 5 frames\n", shown);
    return shown == 3 ? 0 : 1;
}
