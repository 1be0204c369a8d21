// The render loop of the README, written by hand with GLFW, Dear ImGui's backends and
// imhooks::FramePacer, measured in a real window (under Xvfb):
//   1. settled, then left alone for 1 s: it must render no frame at all (a wake-up that shows
//      nothing, at the end, must not render one either);
//   2. a component animating for 1 s with request_frame_in(16 ms): no sleep of the loop may be
//      longer than the 16 ms asked for (plus 100 ms of scheduling slack for a loaded machine; a
//      loop bounded by a 0.5 s timeout sleeps 0.5 s), it must not spin (<= 130 frames a second),
//      and it must render at least MIN_FPS frames a second (the argument, default 30: the animation
//      asks for 62; sanitizer builds, whose frames are slow, pass 0);
//   3. after the animation: back to no frames within the runtime's extra frames.
// Prints its figures; exits 0 when every check passes, 1 otherwise.
//
//   hand_loop [MIN_FPS]
#include <glad/gl.h>  // glad before GLFW: GLFW must not pull in a system GL header
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imhooks/imhooks.h>

// Debian's libimgui-dev has the backend headers in /usr/include/imgui/backends, and a Dear ImGui
// source tree in backends/ next to imgui.h: <backends/...>. Where only the backends directory is
// on the include path (vcpkg, IMHOOKS_IMGUI_BACKENDS_DIR): <imgui_impl_glfw.h>.
#if __has_include(<backends/imgui_impl_glfw.h>)
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#else
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// What the loop is measuring, advanced by a timer thread that only wakes the loop.
enum Phase { kSettling, kIdle, kIdleDone, kAnimating, kAfterAnimation, kDone };
std::atomic<int> g_phase{kSettling};

imhooks::FramePacer* g_pacer = nullptr;

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
    const double min_fps = argc > 1 ? std::atof(argv[1]) : 30.0;
    if (!glfwInit()) {
        std::fprintf(stderr, "hand_loop: cannot initialise GLFW (no display?)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(640, 480, "imhooks hand loop", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "hand_loop: cannot create the window\n");
        return 1;
    }
    glfwMakeContextCurrent(window);
    gladLoadGL(glfwGetProcAddress);
    glfwSwapInterval(1);

    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;

    int failures = 0;
    {
        // --- The README's loop --------------------------------------------------------------
        imhooks::Runtime runtime;
        runtime.set_waker([] { glfwPostEmptyEvent(); });  // workers wake the sleeping loop
        imhooks::FramePacer pacer(runtime);               // when to render, how long to sleep
        g_pacer = &pacer;
        // Input means a frame (and a couple after it). Installed before ImGui's backend, which
        // calls them and then handles the event itself.
        auto input = [](GLFWwindow*, auto...) { g_pacer->notify_input(); };
        glfwSetCursorPosCallback(window, input);
        glfwSetMouseButtonCallback(window, input);
        glfwSetScrollCallback(window, input);
        glfwSetKeyCallback(window, input);
        glfwSetCharCallback(window, input);
        glfwSetWindowSizeCallback(window, input);
        glfwSetWindowRefreshCallback(window, input);
        ImGui_ImplGlfw_InitForOpenGL(window, true);
        ImGui_ImplOpenGL3_Init("#version 330 core");

        Clock::time_point animate_until{};
        int frames = 0;
        int settled_after = -1;
        Clock::time_point phase_start = Clock::now();
        int phase_frames = 0;
        double longest_wait = 0;  // seconds, while animating
        std::thread timer;
        // Moves to `next` after `after`, waking the loop without asking for a frame.
        auto advance_after = [&](Phase next, Clock::duration after) {
            if (timer.joinable()) timer.join();
            timer = std::thread([next, after] {
                std::this_thread::sleep_for(after);  // the measurement interval itself
                g_phase = next;
                glfwPostEmptyEvent();
            });
        };

        while (!glfwWindowShouldClose(window) && g_phase != kDone) {
            // --- The measurement (not part of the README's loop) ----------------------------
            const int phase = g_phase;
            if (phase == kSettling && !pacer.wait_time() && settled_after < 0) {
                settled_after = frames;
                std::printf("hand_loop: settled after %d frames\n", frames);
                g_phase = kIdle;
                phase_start = Clock::now();
                phase_frames = 0;
                advance_after(kIdleDone, 1s);
            } else if (phase == kIdleDone) {
                std::printf("hand_loop: idle for %.2f s: %d frames rendered\n",
                            seconds(Clock::now() - phase_start), phase_frames);
                if (phase_frames != 0) {
                    std::printf("hand_loop: FAIL: an idle loop must render no frame\n");
                    ++failures;
                }
                g_phase = kAnimating;
                phase_start = Clock::now();
                phase_frames = 0;
                animate_until = phase_start + 1s;
                runtime.request_frame();  // as a button starting the animation would
            } else if (phase == kAnimating && Clock::now() >= animate_until) {
                const double elapsed = seconds(Clock::now() - phase_start);
                const double fps = phase_frames / elapsed;
                std::printf(
                    "hand_loop: animating for %.2f s: %d frames rendered (%.1f a second), "
                    "longest sleep %.1f ms\n",
                    elapsed, phase_frames, fps, longest_wait * 1000);
                if (longest_wait > 0.016 + 0.1) {
                    std::printf(
                        "hand_loop: FAIL: the loop slept longer than the animation asked\n");
                    ++failures;
                }
                if (fps < min_fps || fps > 130) {
                    std::printf(
                        "hand_loop: FAIL: expected the animation's rate (%.0f to 130 "
                        "frames a second)\n",
                        min_fps);
                    ++failures;
                }
                g_phase = kAfterAnimation;
                phase_start = Clock::now();
                phase_frames = 0;
                advance_after(kDone, 500ms);
            }
            // ---------------------------------------------------------------------------------

            const auto wait = pacer.wait_time();
            const auto sleep_start = Clock::now();
            if (!wait)
                glfwWaitEvents();  // nothing due: until an event or the waker
            else if (wait->count() > 0)
                glfwWaitEventsTimeout(seconds(*wait));
            else
                glfwPollEvents();
            if (g_phase == kAnimating)
                longest_wait = std::max(longest_wait, seconds(Clock::now() - sleep_start));

            if (!pacer.should_render()) continue;  // woken by nothing that needs a frame
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            ImGui::Begin("hand loop");
            imhooks::component("spinner", [&] {
                if (Clock::now() < animate_until) {
                    ImGui::Text("animating %c", "|/-\\"[frames % 4]);
                    runtime.request_frame_in(16ms);  // the next frame of the animation
                } else {
                    ImGui::Text("still");
                }
            });
            ImGui::End();
            ImGui::Render();
            int width = 0;
            int height = 0;
            glfwGetFramebufferSize(window, &width, &height);
            glViewport(0, 0, width, height);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            glfwSwapBuffers(window);
            ++frames;
            ++phase_frames;
        }
        if (timer.joinable()) timer.join();
        std::printf("hand_loop: after the animation, %d frames in %.2f s\n", phase_frames,
                    seconds(Clock::now() - phase_start));
        // The frame after the last timed one, and the runtime's extra frames after it.
        if (phase_frames > 4) {
            std::printf("hand_loop: FAIL: the loop kept rendering after the animation\n");
            ++failures;
        }
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        runtime.set_waker({});
    }
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    std::printf("hand_loop: %s\n", failures == 0 ? "OK" : "FAILED");
    return failures == 0 ? 0 : 1;
}
