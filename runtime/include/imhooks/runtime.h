// imhooks runtime: component instances, hook slots, frame phases, dirty tracking and wake-ups.
//
// A Runtime attaches to one Dear ImGui context through ImGui's context hooks, so the frames the
// application already drives with ImGui::NewFrame() / ImGui::Render() are the runtime's frames:
//   - at NewFrame: updates queued by setters and worker threads are applied (UI thread only);
//   - between NewFrame and Render: component(key, body) renders component instances;
//   - at EndFrame: components that were not rendered are unmounted, then effects run.
//
// Threads: unless a declaration says "any thread", call it from the thread that drives ImGui
// (the "UI thread"). Worker threads never call ImGui.
#pragma once

#include <imhooks/executor.h>
#include <imhooks/result_state.h>

#include <imgui.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imhooks {

namespace detail {
class RuntimeImpl;
class Instance;
}  // namespace detail

//----------------------------------------------------------------------------------------------
// Options
//----------------------------------------------------------------------------------------------

struct RuntimeOptions {
    // How long a component that was not rendered keeps its state before it is unmounted.
    // Zero (default): unmounted at the end of the first frame in which it was not rendered.
    // Components inside a collapsed or hidden (but still submitted) window are always kept.
    std::chrono::milliseconds unmount_grace{0};
    // Frames still requested after a frame that showed a change (ImGui needs them for hover and
    // popups to settle). needs_frame() stays true for this many frames after a wake.
    int extra_frames_after_wake = 2;
    // How long ~Runtime waits for jobs to honour their stop request before it detaches them.
    std::chrono::milliseconds shutdown_timeout{2000};
    // true (default): an exception escaping a component body (HookError included) is caught at
    // the component: ImGui's stacks are restored to where the component began, the error is
    // drawn in its place with a Retry button, the instance is unmounted, and the error handler
    // is called; every other component keeps running. false: the stacks are restored and the
    // exception propagates to the caller of component().
    bool error_boundaries = true;
    // Where use_thread jobs run unless a hook names another executor (ThreadOptions::executor).
    // Null (default): an Executor with default options, owned by the runtime and shut down with
    // it. Share one executor between runtimes to bound the threads of the whole application.
    std::shared_ptr<Executor> executor{};
};

// An error that could not reach the code that caused it: a component body that threw (caught
// by its error boundary), an effect or a cleanup that threw after the frame, a use_reducer
// reducer that threw (its action was dropped), a saved use_persistent_state value that did not
// parse (the initial value was used).
struct ComponentError {
    std::string component;   // the component's key ("#42" for integer keys)
    const char* where = "";  // "render", "effect", "cleanup", "reducer", "persistent_state"
    std::string message;     // readable, also for exceptions not derived from std::exception
    std::exception_ptr error;
};

struct ComponentOptions {
    // Overrides RuntimeOptions::unmount_grace for this component when set.
    std::optional<std::chrono::milliseconds> unmount_grace;
};

// Counters for inspectors and tests. Read with Runtime::stats() (UI thread).
struct RuntimeStats {
    std::size_t frames = 0;           // frames the runtime has seen (NewFrame calls)
    std::size_t wakes = 0;            // waker calls made (one per burst of changes)
    std::size_t mounted = 0;          // component instances alive now
    std::size_t active_work = 0;      // runs of this runtime queued or executing, and their
                                      // pending stop requests and destructions
    std::size_t updates_applied = 0;  // queued updates applied at frame starts
};

// One hook of a mounted component, as shown by Runtime::for_each_component.
struct HookInfo {
    const char* kind = "";   // "use_state", "use_ref", "use_memo", "use_effect", "use_thread",
                             // "use_context", "provide_context", "use_reducer", "use_previous",
                             // "use_persistent_state", "use_task"
    std::string value_type;  // readable C++ type name ("int", "std::string")
    std::optional<ResultState> status;  // use_thread, use_task: its state as shown this frame
};

// One mounted component, as shown by Runtime::for_each_component (inspectors, test harness).
struct ComponentInfo {
    ImGuiID id = 0;                   // ImGui ID stack seed inside the component's body
    ImGuiID window_id = 0;            // ID of the window it was last rendered in
    std::string_view name;            // the key it was rendered with
    std::size_t hooks = 0;            // number of hook slots
    std::vector<HookInfo> hook_list;  // filled only when for_each_component is asked for it
    std::size_t last_frame = 0;       // last frame in which it was rendered
    ImGuiID parent_id = 0;            // id of the component it was last rendered inside, or 0
};

//----------------------------------------------------------------------------------------------
// Runtime
//----------------------------------------------------------------------------------------------

class Runtime {
  public:
    // Attaches to `context` (default: ImGui::GetCurrentContext(), which must exist). One runtime
    // per context. Throws std::invalid_argument when there is no context or it already has one.
    explicit Runtime(ImGuiContext* context = nullptr, RuntimeOptions options = {});
    // Unmounts every component (effect cleanups run, jobs are asked to stop), waits up to
    // options.shutdown_timeout for its jobs to end (and for their stop callbacks and destructors
    // to run), and leaves those that ignored their stop running on their threads, with a report
    // on stderr; their results are discarded and they only ever touch memory they own. Then it
    // shuts down the executor it owns (not one given in RuntimeOptions::executor).
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // The runtime attached to the current ImGui context, or nullptr.
    static Runtime* current();

    // Called when the UI must show a change: from worker threads, setters and timers, any thread.
    // Coalesced: one call per burst of changes (the burst ends with the next frame). Keep it cheap
    // and non-blocking, e.g. [] { glfwPostEmptyEvent(); }. Exceptions it throws are reported on
    // stderr and swallowed. Any thread.
    void set_waker(std::function<void()> waker);

    // True when something changed since the last frame, extra frames are still due, or a timed
    // frame (request_frame_in) is due. Any thread.
    bool needs_frame() const;

    // Blocks until needs_frame() or until `timeout` passes. Returns needs_frame(). For headless
    // loops and for tests. Any thread except inside a frame on the UI thread.
    bool wait(std::chrono::milliseconds timeout);

    // Called on the UI thread for every ComponentError. The default handler writes
    // "imhooks: component "NAME" failed in WHERE: MESSAGE" to stderr. Exceptions the handler
    // throws are reported on stderr and swallowed. UI thread.
    void set_error_handler(std::function<void(const ComponentError&)> handler);

    // Requests a frame as if something changed (wakes the waker). Any thread.
    void request_frame();

    // Requests a frame after `delay` (animations: call it every frame while animating). Only the
    // earliest pending request is kept. The runtime does not own a timer: loops read
    // next_timed_frame() to bound their wait (the GLFW runner does); called outside a frame, an
    // earlier deadline also calls the waker so such a loop recomputes its wait. Any thread.
    void request_frame_in(std::chrono::milliseconds delay);
    // The earliest pending timed frame, if any. Any thread.
    std::optional<std::chrono::steady_clock::time_point> next_timed_frame() const;

    RuntimeStats stats() const;  // UI thread
    // The executor this runtime's use_thread hooks run on by default (its stats() show threads,
    // queued and running jobs). Any thread.
    Executor& executor() const;
    const RuntimeOptions& options() const;  // any thread
                                            // Visits every mounted component (with_hooks: also
                                            // describes each hook, a few string builds
    // per hook). UI thread, also inside a component body; `visit` must not render components.
    void for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                            bool with_hooks = false) const;

  private:
    std::unique_ptr<detail::RuntimeImpl> impl_;
};

//----------------------------------------------------------------------------------------------
// Components
//----------------------------------------------------------------------------------------------

namespace detail {

// What a component saves when it starts, to restore ImGui's stacks if its body throws.
struct ComponentScope {
    Instance* instance = nullptr;  // null: nothing to render (a failed component's placeholder)
    int window_stack = 0;
    int id_stack = 0;
    int color_stack = 0, style_var_stack = 0, font_stack = 0, group_stack = 0;
    int item_flags_stack = 0, focus_scope_stack = 0, popup_stack = 0, disabled_stack = 0;
    int tree_depth = 0;
    const void* table = nullptr;
    const void* tab_bar = nullptr;
};

// Enters the instance for `key` (a string, or an integer when `name` is null): saves the stacks,
// pushes the key's ID. UI thread.
ComponentScope enter_component(std::string_view name, long long int_key, bool string_key,
                               const ComponentOptions& options);
// The body returned: pops the ID and checks it called the hooks of the previous frame.
void leave_component(ComponentScope& scope);
// The body threw: restore the stacks, then the error boundary (or rethrow).
void fail_component(ComponentScope& scope, std::exception_ptr error);

template <class Body>
void run_component(ComponentScope scope, Body&& body) {
    if (!scope.instance) return;
    try {
        std::forward<Body>(body)();
        leave_component(scope);
    } catch (...) {
        fail_component(scope, std::current_exception());
    }
}

}  // namespace detail

// Renders `body` as the component instance identified by the ImGui ID stack plus `key` (a string
// or an integer). Hooks called inside `body` belong to that instance and keep their values
// across frames. The body runs inside ImGui::PushID(key). An exception escaping the body goes to
// the error boundary (RuntimeOptions::error_boundaries). Rendering one key twice under the same
// ID stack in one frame is a HookError (handled by the error boundary too); rendering without a
// Runtime attached to the current context, or outside NewFrame()/Render(), throws HookError.
// UI thread.
template <class Body>
void component(std::string_view key, Body&& body, const ComponentOptions& options = {}) {
    detail::run_component(detail::enter_component(key, 0, true, options), std::forward<Body>(body));
}

template <class Body>
void component(const char* key, Body&& body, const ComponentOptions& options = {}) {
    component(std::string_view(key), std::forward<Body>(body), options);
}

template <class Body>
void component(long long key, Body&& body, const ComponentOptions& options = {}) {
    detail::run_component(detail::enter_component({}, key, false, options),
                          std::forward<Body>(body));
}

template <class Body>
void component(int key, Body&& body, const ComponentOptions& options = {}) {
    component(static_cast<long long>(key), std::forward<Body>(body), options);
}

}  // namespace imhooks
