// imhooks runner: GLFW window + OpenGL 3.3 core (glad) + Dear ImGui backends + imhooks::Runtime,
// and the idle-aware loop. See <imhooks/runner.h>.
#include <imhooks/runner.h>

// glad before GLFW: GLFW must not pull in a system GL header.
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>   // ErrorCheckEndFrameRecover, GImGui->WithinFrameScope
#include <stb_image_write.h>  // libstb exports stbi_write_png: no STB_IMAGE_WRITE_IMPLEMENTATION

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace imhooks {

//----------------------------------------------------------------------------------------------
// Command line
//----------------------------------------------------------------------------------------------

namespace {

int parse_int(std::string_view name, std::string_view text, int min_value) {
    int value = 0;
    const char* first = text.data();
    const char* last = first + text.size();
    auto [end, error] = std::from_chars(first, last, value);
    if (text.empty() || error != std::errc() || end != last || value < min_value) {
        throw std::invalid_argument("invalid value for " + std::string(name) + ": '" +
                                    std::string(text) +
                                    "' (expected an integer >= " + std::to_string(min_value) + ")");
    }
    return value;
}

}  // namespace

const char* runner_usage() {
    return "  --frames N         render exactly N frames without waiting, then exit\n"
           "  --screenshot PATH  write the last rendered frame to PATH (PNG)\n"
           "  --quit-after-ms T  quit T milliseconds after the start (with --screenshot: the\n"
           "                     screen as it is then)\n"
           "  --width W          window width (default 1280)\n"
           "  --height H         window height (default 800)\n"
           "  --title T          window title\n"
           "  --no-vsync         do not wait for vertical sync when swapping buffers\n"
           "  --print-frames     print \"frames rendered: N\" on exit\n"
           "  --quit-when-ready  quit once nothing is left to do (with --screenshot: the\n"
           "                     settled screen)\n"
           "  --print-ready      print \"ready after N frames\" once nothing is left to do\n";
}

RunnerOptions parse_runner_args(int argc, char** argv, RunnerOptions defaults) {
    RunnerOptions options = std::move(defaults);
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view name = arg;
        std::string_view inline_value;
        bool has_inline_value = false;
        if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
            has_inline_value = true;
        }
        // The value of an option that takes one: "--name=value" or the next argument.
        auto value = [&]() -> std::string_view {
            if (has_inline_value) return inline_value;
            if (i + 1 >= argc) {
                throw std::invalid_argument("missing value for " + std::string(name));
            }
            return argv[++i];
        };
        auto flag = [&] {
            if (has_inline_value) {
                throw std::invalid_argument(std::string(name) + " takes no value: '" +
                                            std::string(arg) + "'");
            }
        };
        if (name == "--frames") {
            options.frames = parse_int(name, value(), 0);
        } else if (name == "--screenshot") {
            options.screenshot = std::string(value());
            if (options.screenshot.empty()) {
                throw std::invalid_argument("invalid value for --screenshot: empty path");
            }
        } else if (name == "--quit-after-ms") {
            options.quit_after_ms = parse_int(name, value(), 1);
        } else if (name == "--width") {
            options.width = parse_int(name, value(), 1);
        } else if (name == "--height") {
            options.height = parse_int(name, value(), 1);
        } else if (name == "--title") {
            options.title = std::string(value());
        } else if (name == "--no-vsync") {
            flag();
            options.vsync = false;
        } else if (name == "--print-frames") {
            flag();
            options.print_frames = true;
        } else if (name == "--print-ready") {
            flag();
            options.print_ready = true;
        } else if (name == "--quit-when-ready") {
            flag();
            options.quit_when_ready = true;
        } else {
            throw std::invalid_argument("unknown argument: '" + std::string(arg) + "'");
        }
    }
    return options;
}

//----------------------------------------------------------------------------------------------
// Runner
//----------------------------------------------------------------------------------------------

namespace {

// GLFW is process-global: one Runner at a time.
std::atomic<bool> g_runner_alive{false};

std::string glfw_error_text() {
    const char* description = nullptr;
    const int code = glfwGetError(&description);
    if (code == GLFW_NO_ERROR) return "no error reported by GLFW";
    return description ? std::string(description) : "GLFW error " + std::to_string(code);
}

// Longest sleep without an event: a safety net, not a frame rate (waking up with nothing to do
// renders nothing).
constexpr double kFallbackWaitSeconds = 0.5;

// SIGINT / SIGTERM. A signal is delivered to any thread (a job, a Mesa driver thread), and
// glfwPostEmptyEvent() is not async-signal-safe: the handler only records the signal and writes a
// byte to a pipe; a watcher thread turns that byte into a wake-up of the loop.
std::atomic<int> g_close_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");
std::atomic<int> g_signal_pipe{-1};  // write end; set before the handlers are installed

extern "C" void on_close_signal(int signal_number) {
    const int saved_errno = errno;
    g_close_signal.store(signal_number, std::memory_order_relaxed);
    const char byte = 's';
    [[maybe_unused]] const ssize_t written =
        ::write(g_signal_pipe.load(std::memory_order_relaxed), &byte, 1);
    errno = saved_errno;
}

class SignalWatcher {
  public:
    SignalWatcher() {
        if (::pipe2(pipe_, O_CLOEXEC) != 0) {
            throw std::system_error(errno, std::generic_category(),
                                    "imhooks::Runner: cannot create the signal pipe");
        }
        g_signal_pipe.store(pipe_[1], std::memory_order_relaxed);
        g_close_signal.store(0, std::memory_order_relaxed);
        thread_ = std::thread([fd = pipe_[0]] { watch(fd); });
        struct sigaction action {};
        action.sa_handler = on_close_signal;
        sigemptyset(&action.sa_mask);
        // SA_RESETHAND: a second signal gets the default action, so an application stuck in a
        // frame can still be interrupted.
        action.sa_flags = SA_RESETHAND | SA_RESTART;
        ::sigaction(SIGINT, &action, &previous_int_);
        ::sigaction(SIGTERM, &action, &previous_term_);
    }

    ~SignalWatcher() {
        ::sigaction(SIGINT, &previous_int_, nullptr);
        ::sigaction(SIGTERM, &previous_term_, nullptr);
        const char quit = 'q';
        while (::write(pipe_[1], &quit, 1) < 0 && errno == EINTR) {
        }
        thread_.join();
        g_signal_pipe.store(-1, std::memory_order_relaxed);
        ::close(pipe_[0]);
        ::close(pipe_[1]);
    }

    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    static bool signalled() { return g_close_signal.load(std::memory_order_relaxed) != 0; }

  private:
    static void watch(int fd) {
        for (;;) {
            char byte = 0;
            const ssize_t n = ::read(fd, &byte, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0 || byte == 'q') return;
            glfwPostEmptyEvent();
        }
    }

    int pipe_[2] = {-1, -1};
    std::thread thread_;
    struct sigaction previous_int_ {};
    struct sigaction previous_term_ {};
};

}  // namespace

struct Runner::Impl {
    RunnerOptions options;
    bool owns_alive_flag = false;
    bool glfw_initialized = false;
    GLFWwindow* window = nullptr;
    ImGuiContext* imgui = nullptr;
    bool glfw_backend = false;
    bool gl_backend = false;
    std::unique_ptr<Runtime> runtime;

    std::optional<SignalWatcher> signals;  // between glfwInit() and glfwTerminate()

    bool input = false;      // an input event arrived since the last check
    int pending_frames = 0;  // frames still due after input (and at start-up)
    bool close_requested = false;
    bool ready = false;  // the application has settled once
    std::size_t frames_rendered = 0;
    std::optional<std::chrono::steady_clock::time_point> quit_at;

    int capture_width = 0;  // the last captured frame, for the screenshot
    int capture_height = 0;
    std::vector<unsigned char> capture;

    void init();
    ~Impl();

    bool should_close() const {
        return close_requested || glfwWindowShouldClose(window) != 0 ||
               (signals && SignalWatcher::signalled()) ||
               (quit_at && std::chrono::steady_clock::now() >= *quit_at);
    }
    void wait_for_work();
    void notice_ready_once();
    void render_frame(const std::function<void()>& frame, bool capture_this_frame);
    bool write_screenshot();

    static Impl* from(GLFWwindow* window) {
        return static_cast<Impl*>(glfwGetWindowUserPointer(window));
    }
    static void mark_input(GLFWwindow* window) {
        if (Impl* impl = from(window)) impl->input = true;
    }
};

void Runner::Impl::init() {
    if (g_runner_alive.exchange(true)) {
        throw std::runtime_error("imhooks::Runner: only one Runner may exist at a time");
    }
    owns_alive_flag = true;

    if (!glfwInit()) {
        throw std::runtime_error("imhooks::Runner: cannot initialise GLFW (" + glfw_error_text() +
                                 "). A display is needed: set DISPLAY, or run headless under "
                                 "xvfb-run -a -s \"-screen 0 1280x800x24\"");
    }
    glfw_initialized = true;
    if (options.close_on_signals) signals.emplace();

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    window =
        glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
    if (!window) {
        throw std::runtime_error(
            "imhooks::Runner: cannot create a window with an OpenGL 3.3 core context (" +
            glfw_error_text() + ")");
    }
    glfwSetWindowUserPointer(window, this);
    glfwMakeContextCurrent(window);
    if (gladLoadGL(glfwGetProcAddress) == 0) {
        throw std::runtime_error("imhooks::Runner: cannot load the OpenGL 3.3 functions (glad)");
    }
    glfwSwapInterval(options.vsync ? 1 : 0);

    // Events the ImGui backend does not listen to but that must trigger a frame.
    glfwSetCursorPosCallback(window, [](GLFWwindow* w, double, double) { mark_input(w); });
    glfwSetWindowSizeCallback(window, [](GLFWwindow* w, int, int) { mark_input(w); });
    glfwSetFramebufferSizeCallback(window, [](GLFWwindow* w, int, int) { mark_input(w); });
    glfwSetWindowRefreshCallback(window, [](GLFWwindow* w) { mark_input(w); });
    glfwSetWindowIconifyCallback(window, [](GLFWwindow* w, int) { mark_input(w); });
    glfwSetWindowContentScaleCallback(window, [](GLFWwindow* w, float, float) { mark_input(w); });
    // Events the ImGui backend listens to: installed first, so that the backend (initialised with
    // install_callbacks = true below) chains them: it calls ours, then handles the event itself.
    glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int) { mark_input(w); });
    glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { mark_input(w); });
    glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int, int, int) { mark_input(w); });
    glfwSetScrollCallback(window, [](GLFWwindow* w, double, double) { mark_input(w); });
    glfwSetKeyCallback(window, [](GLFWwindow* w, int, int, int, int) { mark_input(w); });
    glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int) { mark_input(w); });

    IMGUI_CHECKVERSION();
    imgui = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = options.ini_filename.empty() ? nullptr : options.ini_filename.c_str();
    ImGui::StyleColorsDark();

    if (!ImGui_ImplGlfw_InitForOpenGL(window, true)) {
        throw std::runtime_error("imhooks::Runner: cannot initialise ImGui's GLFW backend");
    }
    glfw_backend = true;
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
        throw std::runtime_error("imhooks::Runner: cannot initialise ImGui's OpenGL3 backend");
    }
    gl_backend = true;

    runtime = std::make_unique<Runtime>(imgui, options.runtime);
    // Workers wake the loop sleeping in glfwWaitEventsTimeout(). Cleared before glfwTerminate().
    runtime->set_waker([] { glfwPostEmptyEvent(); });

    // The first frames: ImGui measures new windows in their first frame and shows them after.
    pending_frames = 1 + std::max(0, options.extra_frames_after_input);
}

Runner::Impl::~Impl() {
    if (runtime) {
        runtime->set_waker({});  // no glfwPostEmptyEvent() from a worker after glfwTerminate()
        runtime.reset();         // unmounts components, stops and joins the jobs
    }
    if (gl_backend) ImGui_ImplOpenGL3_Shutdown();
    if (glfw_backend) ImGui_ImplGlfw_Shutdown();
    if (imgui) ImGui::DestroyContext(imgui);
    if (window) glfwDestroyWindow(window);
    signals.reset();  // its thread calls glfwPostEmptyEvent(): gone before glfwTerminate()
    if (glfw_initialized) glfwTerminate();
    if (owns_alive_flag) g_runner_alive = false;
}

// Sleeps until a frame is due: input arrived, frames are pending, or the runtime needs one.
void Runner::Impl::wait_for_work() {
    glfwPollEvents();
    for (;;) {
        if (should_close()) return;
        if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
            // Nothing is visible: render nothing, and keep the components (and their jobs).
            input = false;
            glfwWaitEventsTimeout(kFallbackWaitSeconds);
            continue;
        }
        if (input) {
            input = false;
            pending_frames =
                std::max(pending_frames, 1 + std::max(0, options.extra_frames_after_input));
        }
        if (pending_frames > 0) {
            --pending_frames;
            return;
        }
        if (runtime->needs_frame()) return;

        const auto now = std::chrono::steady_clock::now();
        double timeout = kFallbackWaitSeconds;
        const auto timed = runtime->next_timed_frame();
        if (timed) {
            // On the runtime's clock (RuntimeOptions::clock), which may not be the steady one.
            const double left = std::chrono::duration<double>(*timed - runtime->now()).count();
            timeout = std::clamp(left, 0.001, timeout);
        } else {
            notice_ready_once();
            if (should_close()) return;
        }
        if (quit_at) {
            const double left = std::chrono::duration<double>(*quit_at - now).count();
            timeout = std::clamp(left, 0.001, timeout);
        }
        glfwWaitEventsTimeout(timeout);
    }
}

void Runner::Impl::notice_ready_once() {
    if (ready || !(options.print_ready || options.quit_when_ready)) return;
    // A job still queued or running will show something later: not settled yet. Its end wakes
    // the loop, and the fallback timeout looks again once its work is done.
    if (runtime->stats().active_work != 0) return;
    ready = true;
    if (options.print_ready) {
        std::printf("ready after %zu frames\n", frames_rendered);
        std::fflush(stdout);
    }
    if (options.quit_when_ready) close_requested = true;
}

void Runner::Impl::render_frame(const std::function<void()>& frame, bool capture_this_frame) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    try {
        frame();
    } catch (...) {
        // Leave ImGui in a consistent state (Begin/End, PushID/PopID balanced, frame ended) so
        // the Runtime and the context can still be destroyed cleanly.
        if (GImGui && GImGui->WithinFrameScope) {
            ImGui::ErrorCheckEndFrameRecover(nullptr);
            ImGui::EndFrame();
        }
        throw;
    }
    ImGui::Render();

    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    const ImVec4& c = options.clear_color;
    glClearColor(c.x * c.w, c.y * c.w, c.z * c.w, c.w);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (capture_this_frame && width > 0 && height > 0) {
        capture.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadBuffer(GL_BACK);
        glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, capture.data());
        capture_width = width;
        capture_height = height;
    }
    glfwSwapBuffers(window);
    ++frames_rendered;
}

bool Runner::Impl::write_screenshot() {
    if (capture.empty()) {
        std::fprintf(stderr, "imhooks::Runner: no frame rendered, no screenshot written to %s\n",
                     options.screenshot.c_str());
        return false;
    }
    stbi_flip_vertically_on_write(1);  // GL rows go bottom-up
    if (!stbi_write_png(options.screenshot.c_str(), capture_width, capture_height, 3,
                        capture.data(), capture_width * 3)) {
        std::fprintf(stderr, "imhooks::Runner: cannot write the screenshot %s\n",
                     options.screenshot.c_str());
        return false;
    }
    std::printf("screenshot: %s\n", options.screenshot.c_str());
    std::fflush(stdout);
    return true;
}

Runner::Runner(RunnerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->init();  // on failure, ~Impl releases what was created
}

Runner::~Runner() = default;

Runtime& Runner::runtime() {
    return *impl_->runtime;
}
GLFWwindow* Runner::window() {
    return impl_->window;
}
const RunnerOptions& Runner::options() const {
    return impl_->options;
}
std::size_t Runner::frames_rendered() const {
    return impl_->frames_rendered;
}

void Runner::close() {
    impl_->close_requested = true;
    glfwPostEmptyEvent();
}

int Runner::run(const std::function<void()>& frame) {
    Impl& s = *impl_;
    s.close_requested = false;
    const int frames = s.options.frames;
    const bool screenshot = !s.options.screenshot.empty();
    const std::size_t first = s.frames_rendered;
    s.quit_at.reset();
    if (s.options.quit_after_ms > 0) {
        s.quit_at =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(s.options.quit_after_ms);
    }

    bool captured = false;
    while (!s.should_close()) {
        const std::size_t done = s.frames_rendered - first;
        if (frames > 0) {
            // Screenshot / smoke-test mode: render continuously, never wait.
            if (done >= static_cast<std::size_t>(frames)) break;
            glfwPollEvents();
            captured = screenshot && done + 1 == static_cast<std::size_t>(frames);
            s.render_frame(frame, captured);
        } else {
            s.wait_for_work();
            if (s.should_close()) break;
            s.render_frame(frame, false);
        }
    }
    // The loop ended before the frame that was to be captured (closed, signalled, time is up):
    // capture the screen as it is now.
    if (screenshot && !captured) s.render_frame(frame, true);

    int status = 0;
    if (screenshot && !s.write_screenshot()) status = 1;
    if (s.options.print_frames) {
        std::printf("frames rendered: %zu\n", s.frames_rendered - first);
        std::fflush(stdout);
    }
    return status;
}

}  // namespace imhooks
