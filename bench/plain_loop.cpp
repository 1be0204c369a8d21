// The P6 baseline: a plain Dear ImGui loop (GLFW + OpenGL3 backends) that renders every frame at
// 60 Hz whether anything changed or not, with the demo's counter window.
//
//   imhooks_plain_loop [--frames N] [--title T] [--print-frames] [--print-ready]
//
// Xvfb has no vertical blank, so a swap interval of 1 does not block there: the loop paces
// itself to 60 Hz after each swap, as vsync would on a display. Esc, closing the window or
// SIGTERM quit; --print-frames prints "frames rendered: N" on exit, --print-ready prints
// "ready after 3 frames" once the window has been measured and shown (as the demo does once idle).
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

namespace {

volatile std::sig_atomic_t g_quit = 0;

void on_signal(int) {
    g_quit = 1;
}

}  // namespace

int main(int argc, char** argv) {
    long frames_wanted = 0;
    std::string title = "imhooks plain loop";
    bool print_frames = false;
    bool print_ready = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--frames" && i + 1 < argc) {
            frames_wanted = std::strtol(argv[++i], nullptr, 10);
        } else if (arg == "--title" && i + 1 < argc) {
            title = argv[++i];
        } else if (arg == "--print-frames") {
            print_frames = true;
        } else if (arg == "--print-ready") {
            print_ready = true;
        } else {
            std::fprintf(stderr, "imhooks_plain_loop: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);

    if (!glfwInit()) {
        std::fprintf(stderr, "imhooks_plain_loop: cannot initialise GLFW (no display?)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(1280, 800, title.c_str(), nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "imhooks_plain_loop: cannot create an OpenGL 3.3 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    gladLoadGL(glfwGetProcAddress);
    glfwSwapInterval(1);

    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    using Clock = std::chrono::steady_clock;
    constexpr auto kPeriod = std::chrono::nanoseconds(16'666'667);
    Clock::time_point next_tick = Clock::now() + kPeriod;
    long frames = 0;
    int count = 0;  // the counter's state, kept by hand
    while (!g_quit && !glfwWindowShouldClose(window) &&
           (frames_wanted == 0 || frames < frames_wanted)) {
        glfwPollEvents();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(20, 20), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowSize(ImVec2(320, 140), ImGuiCond_FirstUseEver);
        if (ImGui::Begin("Counter")) {
            if (ImGui::Button("Increment", ImVec2(160, 40))) ++count;
            ImGui::Text("count: %d", count);
        }
        ImGui::End();
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
            glfwSetWindowShouldClose(window, GLFW_TRUE);
        ImGui::Render();
        int width = 0, height = 0;
        glfwGetFramebufferSize(window, &width, &height);
        glViewport(0, 0, width, height);
        glClearColor(0.45f, 0.55f, 0.60f, 1.00f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
        ++frames;
        if (print_ready && frames == 3) {
            std::printf("ready after %ld frames\n", frames);
            std::fflush(stdout);
        }
        // The vertical blank Xvfb lacks (a frame that overran its tick waits for the next one).
        const Clock::time_point now = Clock::now();
        while (next_tick <= now) next_tick += kPeriod;
        std::this_thread::sleep_until(next_tick);
        next_tick += kPeriod;
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    if (print_frames) std::printf("frames rendered: %ld\n", frames);
    return 0;
}
