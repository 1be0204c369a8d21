// imhooks runner: a GLFW window with an OpenGL 3.3 core context, Dear ImGui (GLFW + OpenGL3
// backends), an imhooks::Runtime and an idle-aware render loop.
//
//     int main(int argc, char** argv) {
//         imhooks::Runner runner(imhooks::parse_runner_args(argc, argv));
//         return runner.run([] { imhooks::component("panel", [] { MyPanel(); }); });
//     }
//
// The loop renders a frame only when something asks for one: input events (mouse, keyboard,
// resize, expose), the runtime (a state change, a worker's result, a timed frame, the extra frames
// after a wake). Otherwise it sleeps in glfwWaitEventsTimeout(), and workers wake it through the
// runtime's waker (glfwPostEmptyEvent). An idle application renders no frames at all.
//
// Animation: a widget that moves by itself (a spinner, an indeterminate progress bar) calls
// runtime().request_frame_in(16ms) in each frame it animates; the loop sleeps until then. When the
// widget stops asking, the loop goes back to sleeping until something happens.
//
// The idle logic is imhooks::FramePacer's (<imhooks/frame_pacer.h>): a loop you write yourself
// with it behaves exactly like this one.
//
// SIGINT and SIGTERM close the window (RunnerOptions::close_on_signals): run() returns normally,
// so jobs are stopped and joined and "frames rendered: N" is still printed. F12 or SIGUSR1 write a
// screenshot of the next frame at any moment (RunnerOptions::screenshot_key, screenshot_pattern).
//
// --help: parse_runner_args sets RunnerOptions::help; a Runner made with it opens no window, and
// run() prints the usage and returns 0 without rendering. A program with options of its own checks
// options.help first and prints its usage followed by runner_usage().
//
// Keys: with Dear ImGui before 1.87 (no input queue) the runner spreads key events over frames
// (one change per key per frame, no release in the frame of a press), so a press and release
// arriving together (a fast ctrl+a) are seen, with the modifiers held at the press. Since 1.87
// ImGui's own input queue spreads a key's press and release; a modifier released in the same
// batch as the press is then seen released in that frame (ImGui's rule, left as it is).
//
// This library is separate from the headless core (imhooks::imhooks): it links GLFW, GL and the
// ImGui backends. All members are for the UI thread (the thread that created the Runner).
#pragma once

#include <imhooks/runtime.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

struct GLFWwindow;

namespace imhooks {

struct RunnerOptions {
    int width = 1280;  // window size in screen coordinates
    int height = 800;
    std::string title = "imhooks";
    bool vsync = true;
    // > 0: render exactly this many frames, continuously (no waiting), then exit. For screenshots
    // and smoke tests under Xvfb.
    int frames = 0;
    // Non-empty: write the screen as a PNG file there before exit (with `frames`, the last of
    // them; otherwise one more frame rendered when the loop ends), and print "screenshot: PATH"
    // on stdout.
    std::string screenshot;
    // > 0: end the loop this many milliseconds after run() starts. With `screenshot`, a last
    // frame is rendered and written then. For screenshots of a given moment and for tests.
    int quit_after_ms = 0;
    // Print "frames rendered: N" on stdout when run() returns.
    bool print_frames = false;
    // Print "ready after N frames" on stdout once, the first time the application has settled:
    // no frame is due, no timed frame is pending and no job is running. Tests measure what
    // happens after it (an idle application renders nothing more).
    bool print_ready = false;
    // End the loop once the application has settled (as for print_ready). With `screenshot`,
    // the settled screen is written: for screenshots that must not depend on timing.
    bool quit_when_ready = false;
    // SIGINT and SIGTERM end the loop as if the window had been closed. The handlers are
    // installed for the Runner's lifetime (the previous ones are restored after); a second signal
    // gets the default action, so a stuck application can still be interrupted.
    bool close_on_signals = true;
    // Frames rendered after an input event besides the one it triggers (ImGui settles hover,
    // popups and click releases over a frame or two).
    int extra_frames_after_input = 2;
    // Background colour behind the ImGui windows.
    ImVec4 clear_color{0.45f, 0.55f, 0.60f, 1.00f};
    // Where ImGui keeps window positions and sizes between runs; empty (default): nowhere, so
    // every run starts from the layout the code sets.
    std::string ini_filename;
    RuntimeOptions runtime{};

    // --help / -h: print the usage instead of running (see the top of this file).
    bool help = false;
    // The program's name in the usage line (parse_runner_args: argv[0]).
    std::string program_name = "imhooks";
    // The key (a GLFW key code) that writes a screenshot of the next frame; 0: none. Default
    // GLFW_KEY_F12.
    int screenshot_key = 301;
    // SIGUSR1 writes a screenshot of the next frame, even while the loop sleeps (the handler is
    // installed for the Runner's lifetime and the previous one restored after).
    bool screenshot_on_sigusr1 = true;
    // Where screenshots taken with screenshot_key or SIGUSR1 go; "{n}" is replaced by 1, 2, ...
    // Each is announced with "screenshot: PATH" on stdout.
    std::string screenshot_pattern = "imhooks-screenshot-{n}.png";
};

// Parses the runner's command line: --help (-h), --frames N, --screenshot PATH, --quit-after-ms T,
// --quit-when-ready, --width W, --height H, --title T, --no-vsync, --print-frames, --print-ready,
// --screenshot-key KEY (F1..F12 or none), --screenshot-pattern PATTERN (also in the --name=value
// form). Starts from `defaults`; sets program_name from argv[0].
// Throws std::invalid_argument naming the argument when one is unknown, lacks its value or has
// an invalid value. argv[0] is skipped.
RunnerOptions parse_runner_args(int argc, char** argv, RunnerOptions defaults = {});

// The usage text for the options above (one line per option), for --help messages.
const char* runner_usage();

class Runner {
  public:
    // Creates the window, the GL context (loaded with glad), the ImGui context with its GLFW and
    // OpenGL3 backends, and the Runtime attached to that context. Throws std::runtime_error with
    // a clear message when GLFW or OpenGL cannot be initialised (for example without a display).
    // With options.help: only the ImGui context and the Runtime, no window (needs no display).
    explicit Runner(RunnerOptions options = {});
    // Clears the waker, destroys the Runtime (stops and joins its jobs), then ImGui, the window
    // and GLFW.
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    Runtime& runtime();
    GLFWwindow* window();  // nullptr with options.help
    const RunnerOptions& options() const;

    // Runs the loop until the window is closed (or close() is called, a SIGINT or SIGTERM arrives,
    // options.frames frames were rendered, options.quit_after_ms passed, or the application
    // settled with options.quit_when_ready). Each frame: ImGui::NewFrame(), `frame()`,
    // ImGui::Render(), draw, swap. Returns the exit code: 0, or 1 when the screenshot could not
    // be written. Exceptions thrown by `frame` propagate. With options.help: prints
    // "usage: PROGRAM [options]" and runner_usage() on stdout and returns 0 at once.
    int run(const std::function<void()>& frame);

    // Asks the loop to end after the current frame. UI thread.
    void close();

    // Frames rendered so far by run() (inspectors show it; an idle application does not add any).
    std::size_t frames_rendered() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace imhooks
