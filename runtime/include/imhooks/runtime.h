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
    // Components inside a collapsed or hidden (but still submitted) window are always kept; see
    // component() for which hidden scopes keep them. ComponentOptions::forever (or any grace of
    // 2^31 - 1 ms or longer) keeps every component until release_component().
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
};

// An error that could not reach the code that caused it: a component body that threw (caught
// by its error boundary), an effect or a cleanup that threw after the frame.
struct ComponentError {
    std::string component;   // the component's key ("#42" for integer keys)
    const char* where = "";  // "render", "effect" or "cleanup"
    std::string message;     // readable, also for exceptions not derived from std::exception
    std::exception_ptr error;
};

struct ComponentOptions {
    // How long the instance outlives the frames that do not render it, overriding
    // RuntimeOptions::unmount_grace when set. While kept, its state stays and its jobs run on;
    // rendered again, it continues where it was. ComponentOptions::forever keeps it until
    // release_component() or the Runtime's end; so does any grace of 2^31 - 1 ms (about 24.8
    // days) or longer. A grace the instance is kept by makes the runtime request the frame that
    // ends it (Runtime::next_timed_frame()); forever requests none.
    std::optional<std::chrono::milliseconds> unmount_grace;

    static constexpr std::chrono::milliseconds forever = std::chrono::milliseconds::max();
};

// Counters for inspectors and tests. Read with Runtime::stats() (UI thread).
struct RuntimeStats {
    std::size_t frames = 0;           // frames the runtime has seen (NewFrame calls)
    std::size_t wakes = 0;            // waker calls made (one per burst of changes)
    std::size_t mounted = 0;          // component instances alive now
    std::size_t live_threads = 0;     // worker threads alive now (running or finishing)
    std::size_t threads_started = 0;  // worker threads started since the runtime was created
    std::size_t updates_applied = 0;  // queued updates applied at frame starts
};

// One hook of a mounted component, as shown by Runtime::for_each_component.
struct HookInfo {
    const char* kind = "";   // "use_state", "use_ref", "use_memo", "use_effect", "use_thread"
    std::string value_type;  // readable C++ type name ("int", "std::string")
    std::string status;      // use_thread: its state as shown this frame ("RUNNING"); else empty
};

// One mounted component, as shown by Runtime::for_each_component (inspectors, test harness).
struct ComponentInfo {
    ImGuiID id = 0;                   // ImGui ID stack seed inside the component's body
    ImGuiID window_id = 0;            // ID of the window it was last rendered in
    std::string_view name;            // the key it was rendered with
    std::size_t hooks = 0;            // number of hook slots
    std::vector<HookInfo> hook_list;  // filled only when for_each_component is asked for it
    std::size_t last_frame = 0;       // last frame in which it was rendered
};

//----------------------------------------------------------------------------------------------
// Runtime
//----------------------------------------------------------------------------------------------

class Runtime {
  public:
    // Attaches to `context` (default: ImGui::GetCurrentContext(), which must exist). One runtime
    // per context. Throws std::invalid_argument when there is no context, when it already has one,
    // or when the Dear ImGui it runs in is not the version imhooks was compiled against or lays
    // out its data differently (another copy of ImGui linked in, or other IMGUI_* settings): the
    // message names both versions and what differs.
    explicit Runtime(ImGuiContext* context = nullptr, RuntimeOptions options = {});
    // Unmounts every component (effect cleanups run, jobs are asked to stop), waits up to
    // options.shutdown_timeout for the worker threads, joins them, and detaches (with a report on
    // stderr) those that ignored their stop. Detached jobs only ever touch memory they own.
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

    RuntimeStats stats() const;             // UI thread
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

// ImGui's state when a component began: what its error boundary unwinds the body's open scopes
// back to (runtime/src/unwind.cpp).
struct ComponentScope {
    Instance* instance = nullptr;  // null: nothing to render (a failed component's placeholder)
    int window_stack = 0;          // open windows
    // The current window's ID stack, tree depth, item width and text wrap stacks, and indent.
    int id_stack = 0, tree_depth = 0, item_width_stack = 0, text_wrap_stack = 0;
    float indent = 0.0f;
    // The context's stacks.
    int color_stack = 0, style_var_stack = 0, font_stack = 0, group_stack = 0;
    int item_flags_stack = 0, focus_scope_stack = 0, disabled_stack = 0;
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
// the error boundary (RuntimeOptions::error_boundaries), which ends the ImGui scopes the body left
// open (windows, child windows, popups, menus, tables, tab bars and items, tree nodes, groups,
// BeginDisabled, multi-selection, pushed IDs, styles, colours, fonts, item widths) innermost
// first, each with its own closing call. Rendering one key twice under the same ID stack in one
// frame is a HookError (handled by the error boundary too); rendering without a Runtime attached
// to the current context, or outside NewFrame()/Render(), throws HookError. UI thread.
//
// An instance lives while it is rendered. A frame that does not render it ends it (its effects'
// cleanups run, its jobs are asked to stop) unless its unmount grace keeps it, or it was last
// rendered in a window that is still submitted but hidden:
//   kept:      a collapsed window; a window whose Begin() returned false because it is hidden,
//              e.g. a docked window whose tab is not selected (docking branch).
//   unmounted: a BeginTabItem() tab that is not selected, a closed TreeNode() or
//              CollapsingHeader(), a row an ImGuiListClipper skips, a window no longer submitted,
//              any `if` that stops rendering it.
// To keep one (and its running jobs) while it is hidden, give it a grace:
//   component("report", ReportPanel, {.unmount_grace = ComponentOptions::forever});
// and end it with release_component("report") where it would be rendered.
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

// Ends the keeping of the instance component(key, ...) renders at this point of the ID stack: it
// loses its unmount grace (and the keeping of hidden windows) until it is rendered again, so the
// first frame that does not render it unmounts it at its end, this frame included. Returns false
// when no such instance is mounted. Costs one hash and one lookup. Throws HookError without a
// Runtime or outside a frame. UI thread. For a component rendered in BeginTabItem("Report") of
// BeginTabBar("tabs"), that ID stack is the window's plus PushID("tabs"), PushID("Report").
bool release_component(std::string_view key);
bool release_component(const char* key);
bool release_component(long long key);
bool release_component(int key);

}  // namespace imhooks
