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
    // per context. Throws std::invalid_argument when there is no context or it already has one.
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

    // Requests a frame as if something changed (wakes the waker). Any thread.
    void request_frame();

    // Requests a frame after `delay` (animations: call it every frame while animating). Only the
    // earliest pending request is kept. The runtime does not own a timer: loops read
    // next_timed_frame() to bound their wait (the GLFW runner does). Any thread.
    void request_frame_in(std::chrono::milliseconds delay);
    // The earliest pending timed frame, if any. Any thread.
    std::optional<std::chrono::steady_clock::time_point> next_timed_frame() const;

    RuntimeStats stats() const;             // UI thread
    const RuntimeOptions& options() const;  // any thread
    // Visits every mounted component (with_hooks: also describes each hook, a few string builds
    // per hook). UI thread, outside component bodies.
    void for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                            bool with_hooks = false) const;

  private:
    std::unique_ptr<detail::RuntimeImpl> impl_;
};

//----------------------------------------------------------------------------------------------
// Components
//----------------------------------------------------------------------------------------------

namespace detail {
// Enter/leave a component instance; used by component(). UI thread.
Instance& enter_component(ImGuiID id, std::string_view name, long long int_key,
                          const ComponentOptions& options);
// completed = false: the body threw; the instance is left as it was. completed = true: checks
// that the body called all the hooks of the previous frame (HookError otherwise).
void leave_component(Instance& instance, bool completed);
std::string int_key_name(long long key);

// Runs a component body whose ID is already pushed; pops it and leaves the instance even when
// the body throws.
template <class Body>
void run_component_body(Instance& instance, Body&& body) {
    struct Abort {
        Instance* instance;
        ~Abort() {
            if (!instance) return;
            ImGui::PopID();
            leave_component(*instance, false);
        }
    } abort{&instance};
    std::forward<Body>(body)();
    abort.instance = nullptr;
    ImGui::PopID();
    leave_component(instance, true);
}
}  // namespace detail

// Renders `body` as the component instance identified by the ImGui ID stack plus `key`. Hooks
// called inside `body` belong to that instance and keep their values across frames. The body
// runs inside ImGui::PushID(key). Rendering one key twice under the same ID stack in one frame,
// or calling it without a Runtime attached to the current context, throws HookError. UI thread.
template <class Body>
void component(std::string_view key, Body&& body, const ComponentOptions& options = {}) {
    const char* begin = key.data();
    const char* end = begin + key.size();
    detail::Instance& instance = detail::enter_component(ImGui::GetID(begin, end), key, 0, options);
    ImGui::PushID(begin, end);
    detail::run_component_body(instance, std::forward<Body>(body));
}

template <class Body>
void component(const char* key, Body&& body, const ComponentOptions& options = {}) {
    component(std::string_view(key), std::forward<Body>(body), options);
}

// Integer keys, for lists of components: component(item.id, [&] { ItemRow(item); }).
template <class Body>
void component(long long key, Body&& body, const ComponentOptions& options = {}) {
    const void* ptr_id = reinterpret_cast<const void*>(static_cast<std::intptr_t>(key));
    detail::Instance& instance = detail::enter_component(ImGui::GetID(ptr_id), {}, key, options);
    ImGui::PushID(ptr_id);
    detail::run_component_body(instance, std::forward<Body>(body));
}

template <class Body>
void component(int key, Body&& body, const ComponentOptions& options = {}) {
    component(static_cast<long long>(key), std::forward<Body>(body), options);
}

}  // namespace imhooks
