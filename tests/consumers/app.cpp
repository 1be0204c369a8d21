// An application with its own Dear ImGui that uses imhooks: the Dear ImGui running is its own (the
// version of the header it was compiled with, and the one its build expects), and a component
// keeps its state across frames in imhooks' headless harness. Exits 0 when both hold.
#include <imgui.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <cstdio>
#include <cstring>

#ifndef EXPECTED_IMGUI_VERSION
#define EXPECTED_IMGUI_VERSION IMGUI_VERSION
#endif

int main() {
    const char* running = ImGui::GetVersion();
    std::printf("app: Dear ImGui %s running (header %s, expected %s)\n", running, IMGUI_VERSION,
                EXPECTED_IMGUI_VERSION);
    if (std::strcmp(running, IMGUI_VERSION) != 0 ||
        std::strcmp(running, EXPECTED_IMGUI_VERSION) != 0) {
        std::printf("app: FAIL: another Dear ImGui than the application's is linked\n");
        return 1;
    }

    int shown = -1;
    {
        imhooks::Headless ui;
        ui.frames(5, [&] {
            imhooks::component("counter", [&] {
                auto [count, set_count] = imhooks::use_state(0);
                shown = count;
                if (count < 3) set_count(count + 1);  // shows from the next frame
            });
        });
    }
    std::printf("app: count %d after 5 frames\n", shown);
    return shown == 3 ? 0 : 1;
}
