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
#include <imgui_internal.h>  // frame recovery, GImGui->WithinFrameScope
#include <imhooks/frame_pacer.h>

#include "png.h"

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

// GLFW key codes: GLFW_KEY_F1 is 290, GLFW_KEY_F12 301 (<GLFW/glfw3.h>).
int parse_key(std::string_view name, std::string_view text) {
    if (text == "none") return 0;
    if (text.size() >= 2 && (text[0] == 'F' || text[0] == 'f')) {
        int number = 0;
        auto [end, error] = std::from_chars(text.data() + 1, text.data() + text.size(), number);
        if (error == std::errc() && end == text.data() + text.size() && number >= 1 && number <= 12)
            return GLFW_KEY_F1 + number - 1;
    }
    throw std::invalid_argument("invalid value for " + std::string(name) + ": '" +
                                std::string(text) + "' (expected F1 to F12, or none)");
}

}  // namespace

const char* runner_usage() {
    return "  --help, -h         print these options and exit\n"
           "  --frames N         render exactly N frames without waiting, then exit\n"
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
           "  --print-ready      print \"ready after N frames\" once nothing is left to do\n"
           "  --screenshot-key K the key that writes a screenshot of the next frame: F1..F12,\n"
           "                     or none (default F12); SIGUSR1 does the same\n"
           "  --screenshot-pattern P\n"
           "                     where those screenshots go, {n} numbering them (default\n"
           "                     imhooks-screenshot-{n}.png)\n";
}

RunnerOptions parse_runner_args(int argc, char** argv, RunnerOptions defaults) {
    RunnerOptions options = std::move(defaults);
    if (argc > 0 && argv[0] && *argv[0]) options.program_name = argv[0];
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
        if (name == "--help" || name == "-h") {
            flag();
            options.help = true;
        } else if (name == "--frames") {
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
        } else if (name == "--screenshot-key") {
            options.screenshot_key = parse_key(name, value());
        } else if (name == "--screenshot-pattern") {
            options.screenshot_pattern = std::string(value());
            if (options.screenshot_pattern.empty()) {
                throw std::invalid_argument("invalid value for --screenshot-pattern: empty path");
            }
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
constexpr auto kFallbackWait = std::chrono::milliseconds(500);

// SIGINT / SIGTERM (close) and SIGUSR1 (screenshot). A signal is delivered to any thread (a job, a
// Mesa driver thread), and glfwPostEmptyEvent() is not async-signal-safe: the handlers only record
// the signal and write a byte to a pipe; a watcher thread turns that byte into a wake-up of the
// loop.
std::atomic<int> g_close_signal{0};
std::atomic<int> g_screenshot_signals{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");
std::atomic<int> g_signal_pipe{-1};  // write end; set before the handlers are installed

void wake_from_signal() {
    const char byte = 's';
    [[maybe_unused]] const ssize_t written =
        ::write(g_signal_pipe.load(std::memory_order_relaxed), &byte, 1);
}

extern "C" void on_close_signal(int signal_number) {
    const int saved_errno = errno;
    g_close_signal.store(signal_number, std::memory_order_relaxed);
    wake_from_signal();
    errno = saved_errno;
}

extern "C" void on_screenshot_signal(int) {
    const int saved_errno = errno;
    g_screenshot_signals.fetch_add(1, std::memory_order_relaxed);
    wake_from_signal();
    errno = saved_errno;
}

class SignalWatcher {
  public:
    SignalWatcher(bool close_signals, bool screenshot_signal) {
        if (::pipe2(pipe_, O_CLOEXEC) != 0) {
            throw std::system_error(errno, std::generic_category(),
                                    "imhooks::Runner: cannot create the signal pipe");
        }
        g_signal_pipe.store(pipe_[1], std::memory_order_relaxed);
        g_close_signal.store(0, std::memory_order_relaxed);
        g_screenshot_signals.store(0, std::memory_order_relaxed);
        thread_ = std::thread([fd = pipe_[0]] { watch(fd); });
        if (close_signals) {
            struct sigaction action {};
            action.sa_handler = on_close_signal;
            sigemptyset(&action.sa_mask);
            // SA_RESETHAND: a second signal gets the default action, so an application stuck in
            // a frame can still be interrupted.
            action.sa_flags = SA_RESETHAND | SA_RESTART;
            ::sigaction(SIGINT, &action, &previous_int_);
            ::sigaction(SIGTERM, &action, &previous_term_);
            close_installed_ = true;
        }
        if (screenshot_signal) {
            struct sigaction action {};
            action.sa_handler = on_screenshot_signal;
            sigemptyset(&action.sa_mask);
            action.sa_flags = SA_RESTART;
            ::sigaction(SIGUSR1, &action, &previous_usr1_);
            screenshot_installed_ = true;
        }
    }

    ~SignalWatcher() {
        if (close_installed_) {
            ::sigaction(SIGINT, &previous_int_, nullptr);
            ::sigaction(SIGTERM, &previous_term_, nullptr);
        }
        if (screenshot_installed_) ::sigaction(SIGUSR1, &previous_usr1_, nullptr);
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

    bool closed() const {
        return close_installed_ && g_close_signal.load(std::memory_order_relaxed) != 0;
    }
    // Screenshots asked for by SIGUSR1 since the last call.
    int take_screenshot_requests() const {
        return screenshot_installed_ ? g_screenshot_signals.exchange(0, std::memory_order_relaxed)
                                     : 0;
    }

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
    bool close_installed_ = false;
    bool screenshot_installed_ = false;
    struct sigaction previous_int_ {};
    struct sigaction previous_term_ {};
    struct sigaction previous_usr1_ {};
};

// "{n}" in `pattern` replaced by `number`.
std::string numbered_path(const std::string& pattern, int number) {
    std::string path = pattern;
    for (std::size_t at = path.find("{n}"); at != std::string::npos;
         at = path.find("{n}", at + 1)) {
        path.replace(at, 3, std::to_string(number));
    }
    return path;
}

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
    std::optional<FramePacer> pacer;  // when to render, how long to sleep

    std::optional<SignalWatcher> signals;  // between glfwInit() and glfwTerminate()

    bool close_requested = false;
    bool screenshot_requested = false;  // screenshot_key or SIGUSR1: capture the next frame
    int screenshots_taken = 0;
    bool ready = false;  // the application has settled once
    std::size_t frames_rendered = 0;
    std::optional<std::chrono::steady_clock::time_point> quit_at;

    int capture_width = 0;  // the last captured frame, for the screenshot
    int capture_height = 0;
    std::vector<unsigned char> capture;

#if IMGUI_VERSION_NUM < 18700
    // Before 1.87 ImGui reads key state (io.KeysDown) once per frame: a press and its release in
    // one batch of events would never be seen. Key events wait here and are handed to the
    // backend over as many frames as needed (see deliver_key_events). Since 1.87 ImGui queues
    // input events itself and spreads them over frames (io.ConfigInputTrickleEventQueue), and the
    // backend reads the modifiers' state while handling each event, so events are never held back.
    struct KeyEvent {
        int key, scancode, action, mods;
    };
    std::vector<KeyEvent> key_events;
    void deliver_key_events();
#endif

    void init();
    void init_help();
    ~Impl();

    bool should_close() const {
        return close_requested || glfwWindowShouldClose(window) != 0 ||
               (signals && signals->closed()) ||
               (quit_at && std::chrono::steady_clock::now() >= *quit_at);
    }
    void take_screenshot_requests() {
        if (signals && signals->take_screenshot_requests() > 0) screenshot_requested = true;
    }
    void wait_for_work();
    void notice_ready_once();
    void render_frame(const std::function<void()>& frame, bool capture_this_frame);
    bool write_screenshot(const std::string& path);

    static Impl* from(GLFWwindow* window) {
        return static_cast<Impl*>(glfwGetWindowUserPointer(window));
    }
    static void mark_input(GLFWwindow* window) {
        if (Impl* impl = from(window); impl && impl->pacer) impl->pacer->notify_input();
    }
    static void on_key(GLFWwindow* window, int key, int, int action, int) {
        Impl* impl = from(window);
        if (!impl) return;
        if (impl->pacer) impl->pacer->notify_input();
        if (action == GLFW_PRESS && key != 0 && key == impl->options.screenshot_key)
            impl->screenshot_requested = true;
    }
#if IMGUI_VERSION_NUM < 18700
    static void queue_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
        Impl* impl = from(window);
        if (!impl) return;
        impl->key_events.push_back({key, scancode, action, mods});
        if (impl->pacer) impl->pacer->notify_input();
    }
#endif
};

void Runner::Impl::init_help() {
    // No window: --help needs no display. The context and the Runtime keep runtime() valid.
    imgui = ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    runtime = std::make_unique<Runtime>(imgui, options.runtime);
}

void Runner::Impl::init() {
    if (g_runner_alive.exchange(true)) {
        throw std::runtime_error("imhooks::Runner: only one Runner may exist at a time");
    }
    owns_alive_flag = true;
    if (options.help) {
        init_help();
        return;
    }

    if (!glfwInit()) {
        throw std::runtime_error("imhooks::Runner: cannot initialise GLFW (" + glfw_error_text() +
                                 "). A display is needed: set DISPLAY, or run headless under "
                                 "xvfb-run -a -s \"-screen 0 1280x800x24\"");
    }
    glfw_initialized = true;
    if (options.close_on_signals || options.screenshot_on_sigusr1)
        signals.emplace(options.close_on_signals, options.screenshot_on_sigusr1);

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
    glfwSetKeyCallback(window, on_key);
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
#if IMGUI_VERSION_NUM < 18700
    // The backend's key callback now runs from deliver_key_events(), spread over frames.
    glfwSetKeyCallback(window, queue_key);
#endif
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
        throw std::runtime_error("imhooks::Runner: cannot initialise ImGui's OpenGL3 backend");
    }
    gl_backend = true;

    runtime = std::make_unique<Runtime>(imgui, options.runtime);
    // Workers wake the loop sleeping in glfwWaitEventsTimeout(). Cleared before glfwTerminate().
    runtime->set_waker([] { glfwPostEmptyEvent(); });

    FramePacerOptions pacing;
    pacing.extra_frames_after_input = std::max(0, options.extra_frames_after_input);
    pacing.max_wait = kFallbackWait;
    pacer.emplace(*runtime, pacing);
}

Runner::Impl::~Impl() {
    pacer.reset();
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

#if IMGUI_VERSION_NUM < 18700
void Runner::Impl::deliver_key_events() {
    if (key_events.empty()) return;
    // This frame takes events in order until one would change a key that already changed in it,
    // or release a key after a key was pressed in it: every press is then seen with the keys
    // (Ctrl, Shift...) held as they were when it happened, and every release is seen.
    std::vector<int> changed;
    bool pressed = false;
    std::size_t count = 0;
    for (; count < key_events.size(); ++count) {
        const KeyEvent& e = key_events[count];
        if (std::find(changed.begin(), changed.end(), e.key) != changed.end()) break;
        if (e.action == GLFW_RELEASE && pressed) break;
        changed.push_back(e.key);
        pressed |= e.action == GLFW_PRESS;
    }
    const std::vector<KeyEvent> now(key_events.begin(),
                                    key_events.begin() + static_cast<std::ptrdiff_t>(count));
    key_events.erase(key_events.begin(), key_events.begin() + static_cast<std::ptrdiff_t>(count));
    for (const KeyEvent& e : now)
        ImGui_ImplGlfw_KeyCallback(window, e.key, e.scancode, e.action, e.mods);
    // The rest in the next frame.
    if (!key_events.empty()) pacer->notify_input();
}
#endif

// Sleeps until a frame is due: input arrived, the runtime needs one, or a screenshot was asked for.
void Runner::Impl::wait_for_work() {
    glfwPollEvents();
    for (;;) {
        if (should_close()) return;
        take_screenshot_requests();
        if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
            // Nothing is visible: render nothing, and keep the components (and their jobs).
            glfwWaitEventsTimeout(std::chrono::duration<double>(kFallbackWait).count());
            continue;
        }
        if (screenshot_requested || pacer->should_render()) return;

        const auto now = std::chrono::steady_clock::now();
        if (!runtime->next_timed_frame()) {
            notice_ready_once();
            if (should_close()) return;
        }
        auto wait = pacer->wait_time().value_or(kFallbackWait);  // on the runtime's clock
        if (quit_at) wait = std::min<std::chrono::steady_clock::duration>(wait, *quit_at - now);
        // GLFW wants a positive timeout; a frame due within a millisecond is close enough.
        glfwWaitEventsTimeout(std::max(0.001, std::chrono::duration<double>(wait).count()));
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
#if IMGUI_VERSION_NUM < 18700
    deliver_key_events();
#endif
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    try {
        frame();
    } catch (...) {
        // Leave ImGui in a consistent state (Begin/End, PushID/PopID balanced, frame ended) so
        // the Runtime and the context can still be destroyed cleanly.
        if (GImGui && GImGui->WithinFrameScope) {
#if IMGUI_VERSION_NUM >= 19130  // 1.91.3 replaced ErrorCheckEndFrameRecover
            ImGui::ErrorRecoveryTryToRecoverState(&GImGui->StackSizesInNewFrame);
#else
            ImGui::ErrorCheckEndFrameRecover(nullptr);
#endif
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

bool Runner::Impl::write_screenshot(const std::string& path) {
    if (capture.empty()) {
        std::fprintf(stderr, "imhooks::Runner: no frame rendered, no screenshot written to %s\n",
                     path.c_str());
        return false;
    }
    if (!detail::write_png_rgb_bottom_up(path, capture_width, capture_height, capture.data())) {
        std::fprintf(stderr, "imhooks::Runner: cannot write the screenshot %s: %s\n", path.c_str(),
                     std::strerror(errno));
        return false;
    }
    std::printf("screenshot: %s\n", path.c_str());
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
    if (impl_->window) glfwPostEmptyEvent();
}

int Runner::run(const std::function<void()>& frame) {
    Impl& s = *impl_;
    if (s.options.help) {
        std::printf("usage: %s [options]\n%s", s.options.program_name.c_str(), runner_usage());
        std::fflush(stdout);
        return 0;
    }
    s.close_requested = false;
    const int frames = s.options.frames;
    const bool screenshot = !s.options.screenshot.empty();
    const std::size_t first = s.frames_rendered;
    s.quit_at.reset();
    if (s.options.quit_after_ms > 0) {
        s.quit_at =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(s.options.quit_after_ms);
    }

    // A screenshot asked for with the key or SIGUSR1: this frame is captured and written.
    auto render_and_answer = [&](bool capture) {
        s.take_screenshot_requests();
        const bool on_demand = std::exchange(s.screenshot_requested, false);
        s.render_frame(frame, capture || on_demand);
        if (on_demand)
            s.write_screenshot(numbered_path(s.options.screenshot_pattern, ++s.screenshots_taken));
    };

    bool captured = false;
    while (!s.should_close()) {
        const std::size_t done = s.frames_rendered - first;
        if (frames > 0) {
            // Screenshot / smoke-test mode: render continuously, never wait.
            if (done >= static_cast<std::size_t>(frames)) break;
            glfwPollEvents();
            captured = screenshot && done + 1 == static_cast<std::size_t>(frames);
            render_and_answer(captured);
        } else {
            s.wait_for_work();
            if (s.should_close()) break;
            render_and_answer(false);
        }
    }
    // The loop ended before the frame that was to be captured (closed, signalled, time is up):
    // capture the screen as it is now.
    if (screenshot && !captured) s.render_frame(frame, true);

    int status = 0;
    if (screenshot && !s.write_screenshot(s.options.screenshot)) status = 1;
    if (s.options.print_frames) {
        std::printf("frames rendered: %zu\n", s.frames_rendered - first);
        std::fflush(stdout);
    }
    return status;
}

}  // namespace imhooks
