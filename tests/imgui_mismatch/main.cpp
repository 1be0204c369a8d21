// A program whose imhooks was compiled against other Dear ImGui headers (another version, or
// other IMGUI_* settings) than the ImGui library it links: creating a Runtime must throw
// std::invalid_argument naming what differs, not crash. Exits 0 when it does.
//
// Built by a compatibility check with imhooks' runtime sources and this file compiled against
// one ImGui's headers, linked with another ImGui library.
#include <imhooks/runtime.h>

#include <imgui.h>

#include <cstdio>
#include <stdexcept>
#include <string>

int main() {
    ImGui::CreateContext();
    const std::string running = ImGui::GetVersion();
    try {
        imhooks::Runtime runtime;
        std::printf("imhooks::Runtime accepted Dear ImGui %s (compiled against %s)\n",
                    running.c_str(), IMGUI_VERSION);
        return 1;
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        std::printf("%s\n", e.what());
        const bool names_versions = message.find(IMGUI_VERSION) != std::string::npos &&
                                    message.find(running) != std::string::npos;
        return names_versions ? 0 : 1;
    }
}
