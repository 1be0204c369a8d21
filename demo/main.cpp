// imhooks demo: pages of windows, each window a component showing one feature of imhooks, in a
// GLFW window that draws nothing while nothing happens. The menu bar switches pages.
//
//   Jobs    1 Primes         use_thread with a dependency: stale value, progress, Cancel, Retry
//           2 Mandelbrot     a Generator job streaming rows into a texture, cancelled between rows
//           3 Errors         a job that throws: its error, Retry, the last good value
//           4 Blocking call  a job stuck in a blocking call, freed by a std::stop_callback
//           5 State machine  a job's live state and the transitions the UI showed
//           6 Inspector      mounted components, their hooks and jobs, frames and wakes
//   Tasks   7 Save as        a Task called by a button with the path typed in
//           8 Save status    another window reading the same task
//   Hooks   9 Hooks          context, reducer, previous value, reset by deps, persistent state
//   Queries 10 Search        a debounced search box, its matches streamed without copies
//           11 Thumbnails    10,000 rows, a use_query each: every job starts once, kept by cache
//           12 Network       a flaky server: retries with backoff, polling, invalidate
//           13 Query cache   the entries of the runtime's query cache
//
// Build and run it with `make demo` (without a display it runs under Xvfb and writes
// screenshots). Esc, closing the window, Ctrl+C or SIGTERM quit. `imhooks_demo --help` lists the
// options; the panels are in demo/panels/.
#include <imgui.h>
#include <imhooks/imhooks.h>
#include <imhooks/runner.h>

#include "panels/panels.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A fixed layout (and no imgui.ini), so that screenshots and the clicks of the window tests are
// reproducible: below the menu bar, three columns by two rows, in a 1280 x 800 window. A panel
// shown alone (--panel) gets a window of its own size.
constexpr float kMargin = 8.0f;
const ImVec2 kPanelSize(416.0f, 388.0f);

struct Page {
    const char* name;   // for --page
    const char* title;  // in the menu bar
};
constexpr Page kPages[] = {
    {"jobs", "Jobs"},
    {"tasks", "Tasks"},
    {"hooks", "Hooks"},
    {"queries", "Queries"},
};

struct Panel {
    const char* name;   // for --panel, and the component's key
    const char* title;  // its window
    const char* page;
    int column, row;
};
constexpr Panel kPanels[] = {
    {"primes", "Primes: use_thread with a dependency", "jobs", 0, 0},
    {"mandelbrot", "Mandelbrot: a Generator streaming rows", "jobs", 1, 0},
    {"errors", "Errors: a job that throws", "jobs", 2, 0},
    {"blocking", "Blocking call: std::stop_callback", "jobs", 0, 1},
    {"states", "States: the state machine of a job", "jobs", 1, 1},
    {"inspector", "imhooks inspector", "jobs", 2, 1},  // imhooks::ShowInspectorWindow
    {"save_as", "Save as: a Task called with arguments", "tasks", 0, 0},
    {"save_status", "Save status: the same Task, read elsewhere", "tasks", 1, 0},
    {"hooks", "Hooks: context, reducer, previous, persistent", "hooks", 0, 0},
    {"search", "Search: debounce and a streamed result", "queries", 0, 0},
    {"thumbnails", "Thumbnails: 10,000 rows kept by the query cache", "queries", 1, 0},
    {"network", "Network: retries, backoff and polling", "queries", 2, 0},
    {"query_cache", "Query cache: the runtime's entries", "queries", 0, 1},
};

const char* usage() {
    return "  --page NAME        start on a page of panels (jobs, tasks, hooks, queries;\n"
           "                     default jobs)\n"
           "  --panel NAME       show one panel alone (primes, mandelbrot, errors, blocking,\n"
           "                     states, inspector, save_as, save_status, hooks, search,\n"
           "                     thumbnails, network, query_cache), in a window sized for it\n"
           "  --settings FILE    keep ImGui's settings and the hooks panel's persistent values\n"
           "                     in FILE (an .ini file) across runs\n"
           "  --print-state      print each state the primes panel and the server call show\n"
           "                     (\"primes: RUNNING\", \"call: CANCELLED after 0.52 s\")\n"
           "  --print-layout     print where tests click (\"layout: NAME X Y W H\")\n"
           "  --primes-limit N   the primes slider's first value (default 5000000)\n"
           "  --start-call       the blocking-call panel places its call at once\n"
           "  --start-save       the save-as panel starts saving at once\n";
}

// The demo's own flags; everything else goes to the runner, which rejects what it does not know.
struct CommandLine {
    demo::Options options;
    std::string panel;  // empty: all of them
    std::string page = "jobs";
    std::vector<char*> runner_args;  // --help among them: parse_runner_args sets options.help
};

CommandLine parse_command_line(int argc, char** argv) {
    CommandLine line;
    line.runner_args.push_back(argv[0]);
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view name = arg.substr(0, arg.find('='));
        auto value = [&]() -> std::string_view {
            if (name.size() < arg.size()) return arg.substr(name.size() + 1);
            if (i + 1 >= argc) throw std::invalid_argument("missing value for " + std::string(arg));
            return argv[++i];
        };
        if (arg == "--print-state") {
            line.options.print_state = true;
        } else if (arg == "--print-layout") {
            line.options.print_layout = true;
        } else if (arg == "--start-call") {
            line.options.start_call = true;
        } else if (arg == "--start-save") {
            line.options.start_save = true;
        } else if (name == "--primes-limit") {
            const std::string_view text = value();
            int limit = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
            if (error != std::errc() || end != text.data() + text.size() || limit < 2)
                throw std::invalid_argument("invalid value for --primes-limit: '" +
                                            std::string(text) + "' (expected an integer >= 2)");
            line.options.primes_limit = limit;
        } else if (name == "--settings") {
            line.options.settings_file = std::string(value());
        } else if (name == "--page") {
            line.page = std::string(value());
            bool known = false;
            std::string names;
            for (const Page& page : kPages) {
                known |= line.page == page.name;
                names += names.empty() ? page.name : std::string(", ") + page.name;
            }
            if (!known)
                throw std::invalid_argument("unknown page: '" + line.page + "' (expected one of " +
                                            names + ")");
        } else if (name == "--panel") {
            line.panel = std::string(value());
            bool known = false;
            std::string names;
            for (const Panel& panel : kPanels) {
                known |= line.panel == panel.name;
                names += names.empty() ? panel.name : std::string(", ") + panel.name;
            }
            if (!known)
                throw std::invalid_argument("unknown panel: '" + line.panel +
                                            "' (expected one of " + names + ")");
        } else {
            line.runner_args.push_back(argv[i]);
        }
    }
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        CommandLine line = parse_command_line(argc, argv);
        const demo::Options& options = line.options;
        demo::EnableLayoutReports(options.print_layout);

        imhooks::RunnerOptions defaults;
        defaults.title = "imhooks demo";
        defaults.ini_filename = options.settings_file;
        if (!line.panel.empty()) {  // one panel: a window just around it
            defaults.width = static_cast<int>(kPanelSize.x + 2 * kMargin);
            defaults.height = static_cast<int>(kPanelSize.y + 2 * kMargin);
        }
        const imhooks::RunnerOptions runner_options = imhooks::parse_runner_args(
            static_cast<int>(line.runner_args.size()), line.runner_args.data(), defaults);
        if (runner_options.help) {
            std::printf("usage: %s [options]\n%s%s", argv[0], usage(), imhooks::runner_usage());
            return 0;
        }
        // Setup: window, OpenGL 3.3 context, Dear ImGui and its backends, and the
        // imhooks::Runtime attached to the ImGui context, whose waker wakes the loop.
        imhooks::Runner runner(runner_options);

        // The frame: called between ImGui::NewFrame() and ImGui::Render(), only when a frame is
        // needed (input, a state change, a job's result, a timed frame for an animation).
        std::string page = line.page;
        const int status = runner.run([&] {
            const bool alone = !line.panel.empty();
            float top = 0.0f;
            if (!alone && ImGui::BeginMainMenuBar()) {
                for (const Page& each : kPages)
                    if (ImGui::MenuItem(each.title, nullptr, page == each.name)) page = each.name;
                top = ImGui::GetWindowHeight();
                ImGui::EndMainMenuBar();
            }
            // Below the menu bar, two rows share what is left of the window's height.
            const ImVec2 size(
                kPanelSize.x,
                alone ? kPanelSize.y
                      : std::floor((ImGui::GetIO().DisplaySize.y - top - 3 * kMargin) / 2));
            for (const Panel& panel : kPanels) {
                if (alone ? line.panel != panel.name : page != panel.page) continue;
                const ImVec2 at(kMargin + (alone ? 0 : panel.column * (size.x + kMargin)),
                                top + kMargin + (alone ? 0 : panel.row * (size.y + kMargin)));
                ImGui::SetNextWindowPos(at, ImGuiCond_FirstUseEver);
                ImGui::SetNextWindowSize(size, ImGuiCond_FirstUseEver);

                // The inspector is a window of its own, not a component.
                if (std::string_view(panel.name) == "inspector") {
                    demo::InspectorPanel();
                    continue;
                }

                // Begin() returns false for a collapsed window: its component is then not
                // rendered, yet stays mounted and its job keeps running.
                if (ImGui::Begin(panel.title)) {
                    // Each component() call renders one instance; its hooks are keyed by the
                    // ImGui ID stack (here, the window) plus the key.
                    imhooks::component(panel.name, [&] {
                        const std::string_view name = panel.name;
                        if (name == "primes") demo::PrimesPanel(options);
                        if (name == "mandelbrot") demo::MandelbrotPanel();
                        if (name == "errors") demo::ErrorPanel();
                        if (name == "blocking") demo::BlockingCallPanel(options);
                        if (name == "states") demo::StateMachinePanel();
                        if (name == "save_as") demo::SaveAsPanel(options);
                        if (name == "save_status") demo::SaveStatusPanel();
                        if (name == "hooks") demo::HookSetPanel(options);
                        if (name == "search") demo::SearchPanel();
                        if (name == "thumbnails") demo::ThumbnailsPanel();
                        if (name == "network") demo::NetworkPanel();
                        if (name == "query_cache") demo::QueryCachePanel();
                    });
                }
                ImGui::End();
            }

#if IMGUI_VERSION_NUM >= 18700  // named keys; GetKeyIndex is gone since 1.91
            if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) runner.close();
#else
            if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) runner.close();
#endif
        });
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "imhooks_demo: %s\n", e.what());
        return 1;
    }
}
