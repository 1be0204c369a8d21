// imhooks demo: a counter whose state lives in a hook instead of a global or a member.
//
//   imhooks_demo [--print-state] [--help] [runner options: --frames N --screenshot PATH ...]
//
// Build and run it with `make demo`. Without a display, `make demo` runs it under Xvfb for a few
// frames and writes a screenshot. Esc or closing the window quits.
#include <imgui.h>
#include <imhooks/imhooks.h>
#include <imhooks/runner.h>

#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

namespace {

// Options of the demo itself (the runner parses the rest of the command line).
struct DemoOptions {
    bool print_state = false;  // print "count: N" each time a new value is shown
};

// A component: a plain function. use_state gives it a value that persists from one frame to the
// next for as long as the component is rendered; set_count() shows the new value from the next
// frame on, and asks the runner for that frame (an idle demo renders nothing).
void Counter(const DemoOptions& demo, int& last_shown) {
    auto [count, set_count] = imhooks::use_state(0);

    if (ImGui::Button("Increment", ImVec2(160, 40))) set_count(count + 1);
    ImGui::Text("count: %d", count);

    // For the end-to-end test: report every value shown. use_ref keeps a value across frames
    // without ever requesting a frame.
    int& printed = imhooks::use_ref(-1);
    if (demo.print_state && printed != count) {
        std::printf("count: %d\n", count);
        std::fflush(stdout);
        printed = count;
    }
    last_shown = count;
}

}  // namespace

int main(int argc, char** argv) {
    // Command line: take the demo's own flags out, hand the rest to the runner.
    DemoOptions demo;
    std::vector<char*> runner_args{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--print-state") {
            demo.print_state = true;
        } else if (arg == "--help" || arg == "-h") {
            std::printf(
                "usage: %s [options]\n  --print-state      print \"count: N\" when the "
                "count shown changes, and \"final count: N\" on exit\n%s",
                argv[0], imhooks::runner_usage());
            return 0;
        } else {
            runner_args.push_back(argv[i]);
        }
    }

    try {
        imhooks::RunnerOptions defaults;
        defaults.title = "imhooks demo";
        imhooks::RunnerOptions options = imhooks::parse_runner_args(
            static_cast<int>(runner_args.size()), runner_args.data(), defaults);

        // Setup: window, OpenGL 3.3 context, Dear ImGui context and backends, imhooks::Runtime
        // (attached to the ImGui context, its waker wakes the loop).
        imhooks::Runner runner(options);

        // Main loop: the runner calls this between ImGui::NewFrame() and ImGui::Render(), but only
        // when a frame is needed (input, a state change, a finished job, ...).
        int last_shown = 0;
        const int status = runner.run([&] {
            // A fixed layout (no imgui.ini): tests click the button at a known place.
            ImGui::SetNextWindowPos(ImVec2(20, 20), ImGuiCond_FirstUseEver);
            ImGui::SetNextWindowSize(ImVec2(320, 140), ImGuiCond_FirstUseEver);
            if (ImGui::Begin("Counter")) {
                // Each component() call renders one instance; its hooks are keyed by the ImGui ID
                // stack plus "counter".
                imhooks::component("counter", [&] { Counter(demo, last_shown); });
            }
            ImGui::End();

            if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) runner.close();
        });

        if (demo.print_state) std::printf("final count: %d\n", last_shown);
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "imhooks_demo: %s\n", e.what());
        return 1;
    }
}
