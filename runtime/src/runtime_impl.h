// The runtime's UI-thread side: instances, frame phases, after-frame work.
#pragma once

#include <imhooks/detail/core.h>
#include <imhooks/detail/executor_state.h>
#include <imhooks/detail/instance.h>
#include <imhooks/runtime.h>

#include "context_stack.h"
#include "instance_table.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <chrono>
#include <memory>

#include <vector>

namespace imhooks::detail {

// "#42": how components with integer keys are named in messages.
std::string int_key_name(long long key);

class RuntimeImpl {
  public:
    RuntimeImpl(Runtime& owner, ImGuiContext* context, RuntimeOptions options);
    ~RuntimeImpl();

    static RuntimeImpl* find(ImGuiContext* context);
    // find() for the context whose frame this thread is in, without scanning its hooks.
    static RuntimeImpl* find_in_frame(ImGuiContext* context) {
        return context && context == t_frame_context ? t_frame_runtime : find(context);
    }
    Runtime& owner() { return owner_; }

    // The instance for `id`, entered; nullptr when it was already rendered in this frame.
    Instance* enter(ImGuiID id, std::string_view name, long long int_key,
                    const ComponentOptions& options);
    void schedule_after_frame(Instance& instance, Slot& slot) {
        after_frame_.emplace_back(&instance, &slot);
    }
    bool in_frame() const { return in_frame_; }
    // The runtime in a frame on this thread (find_in_frame() without a context), or null.
    static RuntimeImpl* in_frame_here() {
        return t_frame_runtime && t_frame_runtime->in_frame_ ? t_frame_runtime : nullptr;
    }
    std::size_t frame() const { return frame_; }
    std::chrono::steady_clock::time_point frame_time() const { return frame_time_; }
    void forget_after_frame(const Instance& instance) {
        std::erase_if(after_frame_, [&](const auto& work) { return work.first == &instance; });
    }
    // Hands an error that cannot propagate to the error handler (default: stderr).
    void report(const std::string& component, const char* where, std::exception_ptr error) noexcept;
    void set_error_handler(std::function<void(const ComponentError&)> handler) {
        error_handler_ = std::move(handler);
    }

    const std::shared_ptr<Core>& core() const { return core_; }
    Executor& executor() const { return *executor_; }
    const std::shared_ptr<ExecutorState>& executor_state() const { return executor_->state(); }
    const RuntimeOptions& options() const { return options_; }
    ContextStack& contexts() { return contexts_; }
    RuntimeStats stats() const;
    void for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                            bool with_hooks) const;
    template <class Visit>
    void for_each_instance(Visit&& visit) const {
        instances_.for_each([&](ImGuiID, const Instance& instance) { visit(instance); });
    }
    // ShowInspectorWindow's state for this runtime (inspector.cpp), made when first shown.
    std::shared_ptr<void>& inspector() { return inspector_; }
    bool wait(std::chrono::milliseconds timeout);
    void set_waker(std::function<void()> waker);
    bool needs_frame() const { return core_->needs_frame(); }
    void request_frame_in(std::chrono::milliseconds delay);
    std::optional<std::chrono::steady_clock::time_point> next_timed_frame() const;

  private:
    static void on_new_frame(ImGuiContext* context, ImGuiContextHook* hook);
    static void on_end_frame(ImGuiContext* context, ImGuiContextHook* hook);
    static void on_shutdown(ImGuiContext* context, ImGuiContextHook* hook);

    void begin_frame();
    void forget_frame();  // this thread's find_in_frame() cache no longer points here
    void end_frame();
    bool keep_unrendered(const Instance& instance);
    void unmount_all();
    void report_late();
    void shut_down_work();

    Runtime& owner_;
    static thread_local ImGuiContext* t_frame_context;
    static thread_local RuntimeImpl* t_frame_runtime;

    ImGuiContext* context_;
    RuntimeOptions options_;
    std::shared_ptr<Core> core_;
    std::shared_ptr<Executor> executor_;
    bool owns_executor_ = false;
    ImGuiID hook_ids_[3] = {};

    InstanceTable instances_;
    std::vector<std::pair<Instance*, Slot*>> after_frame_;
    ContextStack contexts_;
    std::function<void(const ComponentError&)> error_handler_;
    std::size_t frame_ = 0;
    std::size_t rendered_this_frame_ = 0;  // distinct instances entered in this frame
    std::chrono::steady_clock::time_point frame_time_{};
    std::size_t updates_applied_ = 0;
    bool in_frame_ = false;
    std::shared_ptr<void> inspector_;
};

}  // namespace imhooks::detail
