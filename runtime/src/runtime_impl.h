// The runtime's UI-thread side: instances, frame phases, after-frame work.
#pragma once

#include <imhooks/detail/component_observer.h>
#include <imhooks/detail/core.h>
#include <imhooks/detail/executor_state.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/runtime_service.h>
#include <imhooks/runtime.h>

#include "context_stack.h"
#include "instance_table.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace imhooks::detail {

// "#42": how components with integer keys are named in messages.
std::string int_key_name(long long key);

class RuntimeImpl {
  public:
    RuntimeImpl(Runtime& owner, ImGuiContext* context, RuntimeOptions options);
    ~RuntimeImpl();

    // The runtime attached to `context` (one that was released is no longer attached).
    static RuntimeImpl* find(ImGuiContext* context);
    // find() for the context whose frame this thread is in, without scanning its hooks.
    static RuntimeImpl* find_in_frame(ImGuiContext* context) {
        return context && context == t_frame_context ? t_frame_runtime : find(context);
    }
    // The Runtime that owns it; nullptr once released.
    Runtime* owner() const { return owner_.load(std::memory_order_acquire); }
    // ~Runtime: true when the caller must delete it now (on the UI thread, outside a frame);
    // otherwise it is deleted later on the UI thread (see ~Runtime). Any thread.
    bool release();

    // What enter() found for a key.
    struct Entered {
        Instance* instance = nullptr;  // null: the key was already rendered in this frame
        bool report = false;           // rendered twice, and not reported for this instance yet
    };
    // The instance for (`seed`, key) filed under `id`, entered. `name` is the string key
    // (`string_key`) or empty with `int_key`.
    Entered enter(ImGuiID id, ImGuiID seed, std::string_view name, long long int_key,
                  bool string_key, const ComponentOptions& options);
    // The instance for (`seed`, key) filed under `id`, or null; `relabel`: found under another
    // label of the same "###" identity.
    Instance* find_key(ImGuiID id, ImGuiID seed, std::string_view name, long long int_key,
                       bool string_key, bool& relabel) const;
    // find_key(), tried first on the instance entered next in the previous frame.
    Instance* find_in_order(ImGuiID id, ImGuiID seed, std::string_view name, long long int_key,
                            bool string_key, bool& relabel);
    // release_component(): the instance for (`seed`, key) filed under `id` is unmounted at the
    // end of the first frame that does not render it. False when there is none.
    bool release(ImGuiID id, ImGuiID seed, std::string_view name, long long int_key,
                 bool string_key);

    // Instance::grace_ms_: a grace in milliseconds, saturated at kForever; kReleased after
    // release(); -1 for the runtime's.
    static constexpr std::int32_t kForever = INT32_MAX;
    static constexpr std::int32_t kReleased = -2;
    static std::int32_t grace_ms(std::chrono::milliseconds grace) {
        return static_cast<std::int32_t>(
            std::clamp<std::chrono::milliseconds::rep>(grace.count(), 0, kForever));
    }
    SubmitBatch& frame_batch() { return frame_batch_; }
    void schedule_after_frame(Instance& instance, Slot& slot) {
        after_frame_.emplace_back(&instance, &slot);
    }
    bool in_frame() const { return in_frame_; }
    // The runtime in a frame on this thread (find_in_frame() without a context), or null.
    static RuntimeImpl* in_frame_here() {
        return t_frame_runtime && t_frame_runtime->in_frame_ ? t_frame_runtime : nullptr;
    }
    // The runtime whose frame this thread is in or beginning (applying the queued updates, before
    // components may render), or null.
    static RuntimeImpl* frame_here() { return t_frame_runtime; }
    std::size_t frame() const { return frame_; }
    std::chrono::steady_clock::time_point frame_time() const { return frame_time_; }
    void forget_after_frame(const Instance& instance) {
        std::erase_if(after_frame_, [&](const auto& work) { return work.first == &instance; });
    }
    // Hands an error that cannot propagate to the error handler (default: stderr).
    void report(const std::string& component, const char* where, std::exception_ptr error) noexcept;
    void set_error_handler(std::function<void(const ComponentError&)> handler) {
        // The handler may be running (and replacing itself): report() holds its own reference.
        error_handler_ = handler
                             ? std::make_shared<const std::function<void(const ComponentError&)>>(
                                   std::move(handler))
                             : nullptr;
    }
    // `instance` requested frames from its body or effects in options().runaway_frames frames
    // in a row: reported at the end of this frame.
    void report_render_loop(Instance& instance);
    // This frame shows user input: an active item, mouse movement, buttons, wheel or text.
    bool user_input() const;

    ComponentObserver* observer() const { return observer_; }
    void set_observer(ComponentObserver* observer) { observer_ = observer; }

    const std::shared_ptr<Core>& core() const { return core_; }
    const std::shared_ptr<RuntimeService>& queries() const { return queries_; }
    Executor& executor() const { return *executor_; }
    const std::shared_ptr<ExecutorState>& executor_state() const { return executor_->state(); }
    const RuntimeOptions& options() const { return options_; }
    ContextStack& contexts() { return contexts_; }
    RuntimeStats stats() const;
    // False when `visit` destroyed the runtime (then `this` is gone).
    bool for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                            bool with_hooks);
    template <class Visit>
    void for_each_instance(Visit&& visit) const {
        instances_.for_each([&](ImGuiID, const Instance& instance) { visit(instance); });
    }
    // ShowInspectorWindow's state for this runtime (inspector.cpp), made when first shown.
    std::shared_ptr<void>& inspector() { return inspector_; }
    bool wait(std::chrono::milliseconds timeout);
    void set_waker(std::function<void()> waker) { core_->set_waker(std::move(waker)); }
    bool needs_frame() const { return core_->needs_frame(); }
    void request_frame_in(std::chrono::milliseconds delay);
    std::optional<Clock::time_point> next_timed_frame() const;

  private:
    static void on_new_frame(ImGuiContext* context, ImGuiContextHook* hook);
    static void on_end_frame(ImGuiContext* context, ImGuiContextHook* hook);
    static void on_shutdown(ImGuiContext* context, ImGuiContextHook* hook);

    // Each returns false when the runtime was released meanwhile and deleted itself.
    bool begin_frame();
    void forget_frame();  // this thread's find_in_frame() cache no longer points here
    bool end_frame();
    bool keep_unrendered(const Instance& instance);
    void unmount_all();
    void report_late();
    // Waits (bounded) for the work of this runtime's jobs, then shuts down the executor it owns.
    void shut_down_work();
    // A timed frame at `at` on the runtime's clock (time_point::max(): never).
    void request_frame_at(Clock::time_point at);
    // The UI thread runs code that may release the runtime (a frame, a visitor): while busy, a
    // release only marks it, and the last leave_busy() deletes it. leave_busy() returns false
    // when it did.
    void enter_busy() { ++busy_; }
    [[nodiscard]] bool leave_busy();

    std::atomic<Runtime*> owner_;
    static thread_local ImGuiContext* t_frame_context;
    static thread_local RuntimeImpl* t_frame_runtime;

    ImGuiContext* context_;
    RuntimeOptions options_;
    std::shared_ptr<Core> core_;
    std::shared_ptr<Executor> executor_;
    bool owns_executor_ = false;
    // What components' bodies submit in a frame, queued at its end (see SubmitBatch).
    SubmitBatch frame_batch_;
    std::shared_ptr<RuntimeService> queries_;  // use_query's cache
    ImGuiID hook_ids_[3] = {};

    InstanceTable instances_;
    // The instances entered in the previous frame and in this one, in the order they were
    // entered. A frame renders its components in the order of the frame before, so the key
    // entered next is most likely the instance that came next then: enter() tries it before the
    // hash table (whose probe is a cache miss per component in a long list), and fetches the
    // instance after it ahead of time. Only instances rendered in a frame are listed for it, and
    // instances are destroyed only at a frame's end or with all others: previous_order_ points
    // at none that is gone while enter() can read it.
    std::vector<Instance*> previous_order_;
    std::vector<Instance*> order_;
    std::size_t order_next_ = 0;  // the place in previous_order_ expected next
    // A deque, as the lists a frame hands on (the updates it applies, the runs it submits): a
    // frame that mounts thousands of rows fills blocks one after the other, where a vector would
    // copy itself into fresh memory each time it doubles.
    std::deque<std::pair<Instance*, Slot*>> after_frame_;
    ContextStack contexts_;
    std::shared_ptr<const std::function<void(const ComponentError&)>> error_handler_;
    std::vector<std::string> render_loops_;  // components to report at the end of the frame
    ComponentObserver* observer_ = nullptr;
    std::size_t frame_ = 0;
    std::size_t rendered_this_frame_ = 0;  // distinct instances entered in this frame
    Clock::time_point frame_time_{};
    Clock::time_point previous_frame_time_{};
    std::size_t updates_applied_ = 0;
    bool in_frame_ = false;
    // The UI thread: the last one to begin a frame (at first, the one that created it).
    std::atomic<std::thread::id> ui_thread_;
    int busy_ = 0;                       // UI thread only
    std::atomic<bool> released_{false};  // ~Runtime ran; deleted at the next chance
    std::shared_ptr<void> inspector_;
};

}  // namespace imhooks::detail
