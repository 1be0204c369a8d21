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

#include <imhooks/clock.h>
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

class QueryClient;  // <imhooks/query.h>

//----------------------------------------------------------------------------------------------
// Options
//----------------------------------------------------------------------------------------------

struct RuntimeOptions {
    // How long a component that was not rendered keeps its state before it is unmounted,
    // measured on the runtime's clock. Zero (default): unmounted at the end of the first frame in
    // which it was not rendered. Components inside a collapsed or hidden (but still submitted)
    // window are always kept; see component() for which hidden scopes keep them.
    // ComponentOptions::forever (or any grace of 2^31 - 1 ms or longer) keeps every component
    // until release_component().
    std::chrono::milliseconds unmount_grace{0};
    // Frames still requested after a frame that showed a change (ImGui needs them for hover and
    // popups to settle). needs_frame() stays true for this many frames after a wake.
    int extra_frames_after_wake = 2;
    // How long ~Runtime waits for jobs to honour their stop request before it detaches them, in
    // real time (not the runtime's clock). milliseconds::max(): as long as they take.
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
    // The time source of grace periods, timed frames (request_frame_in) and frame times. Null
    // (default): std::chrono::steady_clock. A ManualClock makes them testable without sleeping.
    std::shared_ptr<Clock> clock{};
    // A component that requests a frame from its body or its effects (a setter that changes its
    // state, request_frame(), retry()) in this many frames in a row is reported once to the error
    // handler with where = "render loop": a setter called unconditionally while rendering, an
    // effect that sets its own dependency, or a dependency that never equals itself keep the app
    // rendering forever. The app keeps running. 0: never reported. Frames with user input (an
    // active item such as a dragged slider, mouse movement, buttons, wheel, text) are not
    // counted. Animations that only need frames should use request_frame_in(), which is not
    // counted either.
    int runaway_frames = 300;
};

// An error that could not reach the code that caused it: a component body that threw (caught
// by its error boundary), an effect or a cleanup that threw after the frame, a use_reducer
// reducer that threw (its action was dropped), a saved use_persistent_state value that did not
// parse (the initial value was used), or a render loop.
struct ComponentError {
    std::string component;   // the component's key ("#42" for integer keys, "" for the empty key)
    const char* where = "";  // "render", "effect", "cleanup", "reducer", "persistent_state",
                             // "render loop"
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
    // per context. Throws std::invalid_argument when there is no context, when it already has one
    // (a runtime destroyed but not yet torn down, see ~Runtime, does not count), or when the Dear
    // ImGui it runs in is not the version imhooks was compiled against or lays out its data
    // differently (another copy of ImGui linked in, or other IMGUI_* settings): the message names
    // both versions and what differs.
    explicit Runtime(ImGuiContext* context = nullptr, RuntimeOptions options = {});
    // Unmounts every component (effect cleanups run, jobs are asked to stop), waits up to
    // options.shutdown_timeout for its jobs to end (and for their stop callbacks and destructors
    // to run), and leaves those that ignored their stop running on their threads, with a report
    // on stderr; their results are discarded and they only ever touch memory they own. Then it
    // shuts down the executor it owns (not one given in RuntimeOptions::executor).
    //
    // Where it tears down: the teardown (cleanups, the wait for jobs) always runs on the UI
    // thread, outside a frame, never under code that still uses the runtime. Called on the UI
    // thread outside a frame, it happens here. Called during a frame (a "Reset UI" button in a
    // component body, an effect, an error handler), the runtime is detached at once
    // (Runtime::current() no longer returns it, a new Runtime may be created for the context) and
    // torn down at the end of that frame; the rest of the frame, including the rest of the body
    // and of the frame's effects, runs normally. Called on another thread (the declared misuse),
    // it returns at once, requests a frame, and the UI thread tears the runtime down at its next
    // frame boundary (or when the ImGui context is destroyed); until then its jobs keep running.
    // Either way, once ~Runtime returns the waker and the error handler are no longer called (a
    // waker call already running on another thread is waited for), so they may refer to this
    // object; effect cleanups run at the teardown, later: they must not use this object.
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // The runtime attached to the current ImGui context, or nullptr.
    static Runtime* current();

    // Called when the UI must show a change: from worker threads, setters and timers, any thread.
    // Coalesced: one call per burst of changes (the burst ends with the next frame). Keep it cheap
    // and non-blocking, e.g. [] { glfwPostEmptyEvent(); }. It runs under no lock of the runtime:
    // it may call request_frame(), request_frame_in() and set_waker() (a one-shot waker replaces
    // itself). After set_waker() returns, a call of the previous waker already running on another
    // thread may still finish; ~Runtime waits for those. Exceptions it throws are reported on
    // stderr and swallowed. Any thread.
    void set_waker(std::function<void()> waker);

    // True when something changed since the last frame, extra frames are still due, or a timed
    // frame (request_frame_in) is due on the runtime's clock. Any thread.
    bool needs_frame() const;

    // Blocks until needs_frame() or until `timeout` passes. Returns needs_frame(). For headless
    // loops and for tests. `timeout` is real time, also with another clock (a ManualClock that
    // nobody moves must not block forever); milliseconds::max() waits as long as it takes, zero
    // or negative only looks. A timed frame that becomes due on the runtime's clock ends the wait
    // (a ManualClock's advance() wakes it). Any thread except inside a frame on the UI thread.
    bool wait(std::chrono::milliseconds timeout);

    // Called on the UI thread for every ComponentError. The default handler writes
    // "imhooks: component "NAME" failed in WHERE: MESSAGE" to stderr. Exceptions the handler
    // throws are reported on stderr and swallowed. The handler may replace or clear itself while
    // it runs (a one-shot handler): the running one lives until it returns. UI thread.
    void set_error_handler(std::function<void(const ComponentError&)> handler);

    // Requests a frame as if something changed (wakes the waker). Any thread.
    void request_frame();

    // Requests a frame after `delay` on the runtime's clock (animations: call it every frame
    // while animating). Only the earliest pending request is kept. Zero or negative: due now;
    // a delay past the clock's range (milliseconds::max()) never comes and is ignored. The
    // runtime does not own a timer: loops read next_timed_frame() to bound their wait (the GLFW
    // runner does); called outside a frame, an earlier deadline also calls the waker so such a
    // loop recomputes its wait. Any thread.
    void request_frame_in(std::chrono::milliseconds delay);
    // The earliest pending timed frame, if any, on the runtime's clock (compare it with now()).
    // Any thread.
    std::optional<std::chrono::steady_clock::time_point> next_timed_frame() const;
    // The runtime's clock's time (RuntimeOptions::clock; steady_clock by default). Any thread.
    Clock::time_point now() const;

    RuntimeStats stats() const;  // UI thread
    // The executor this runtime's use_thread hooks run on by default (its stats() show threads,
    // queued and running jobs). Any thread.
    Executor& executor() const;
    // The cache of use_query's entries, as a handle: invalidate(), set_query_value(),
    // entries(). Defined in <imhooks/query.h>. Any thread.
    QueryClient queries() const;
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
    // The instance's runtime, kept here: leaving reads it without touching the instance's colder
    // fields.
    RuntimeImpl* runtime = nullptr;
    int window_stack = 0;  // open windows
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
// the error boundary (RuntimeOptions::error_boundaries). Rendering one key twice under the same
// ID stack in one frame is a HookError (handled by the error boundary too, and reported once per
// instance even when it repeats every frame); rendering without a Runtime attached to the current
// context, or outside NewFrame()/Render(), throws HookError. UI thread.
//
// Keys. Instances are found by their 32-bit ImGui ID (the ID stack's top hashed with the key),
// then the key itself is compared exactly: two keys whose IDs collide (two strings, or a string
// and an integer) are still two instances, never one sharing state, and rendering both is no
// error (their bodies share an ID seed: widgets inside them with equal labels collide as in
// ImGui). The empty key (also a null string_view) is a key of its own, named "" in messages; its
// body gets an ID seed of its own, unlike ImGui's PushID(""), which keeps the enclosing one.
//
// "###" in a key follows ImGui's rule for labels: only the text from the last "###" on
// identifies the instance, the text before it is a label that may change between frames while
// the state is kept ("Untitled###doc", then "report.txt###doc"); messages and inspectors show the
// latest label. Two keys with the same identity in one frame are the same instance rendered
// twice: the error is reported, never a silent mix of their widgets (whose IDs would be equal).
// Cost: one hash of the key and one exact comparison per call.
//
// The error boundary ends the ImGui scopes the body left open (windows, child windows, popups,
// menus, tables, tab bars and items, tree nodes, groups, BeginDisabled, multi-selection, pushed
// IDs, styles, colours, fonts, item widths) innermost first, each with its own closing call.
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
