#include "runtime_impl.h"

#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/settings_store.h>
#include <imhooks/hook_error.h>
#include <imhooks/runtime.h>

#include <imgui_internal.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

namespace imhooks {
namespace detail {

constinit thread_local Instance* t_current_instance = nullptr;
constinit thread_local ImGuiContext* RuntimeImpl::t_frame_context = nullptr;
constinit thread_local RuntimeImpl* RuntimeImpl::t_frame_runtime = nullptr;

namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point from_ticks(std::int64_t ticks) {
    return Clock::time_point(Clock::duration(ticks));
}

std::string quoted(const std::string& name) {
    return "\"" + name + "\"";
}

}  // namespace

//----------------------------------------------------------------------------------------------
// Errors

const char* hook_kind_name(HookKind kind) {
    switch (kind) {
        case HookKind::State:
            return "use_state";
        case HookKind::Ref:
            return "use_ref";
        case HookKind::Memo:
            return "use_memo";
        case HookKind::Effect:
            return "use_effect";
        case HookKind::Thread:
            return "use_thread";
        case HookKind::Context:
            return "use_context";
        case HookKind::Provide:
            return "provide_context";
        case HookKind::Reducer:
            return "use_reducer";
        case HookKind::Previous:
            return "use_previous";
        case HookKind::PersistentState:
            return "use_persistent_state";
        case HookKind::Task:
            return "use_task";
    }
    return "hook";
}

void throw_outside_component(const char* hook) {
    throw HookError(std::string("imhooks: ") + hook +
                    " was called outside a component; call hooks only inside the body of "
                    "imhooks::component(key, body), between ImGui::NewFrame() and ImGui::Render()");
}

std::string hook_name(HookKind kind, const std::type_info& value_type) {
    return std::string(hook_kind_name(kind)) + "<" + type_name(value_type) + ">";
}

void Instance::throw_changed(std::size_t index, const std::string& now) const {
    std::string was;
    if (index < slots_.size()) {
        const Slot& slot = *slots_[index];
        was = hook_name(slot.kind(), slot.value_type());
        if (was == now) was += " with other dependency types";
    } else {
        was = "no hook (the previous frame called " + std::to_string(slots_.size()) + ")";
    }
    throw HookError("imhooks: hooks changed between frames in component " + quoted(name_) +
                    ": slot " + std::to_string(index) + " was " + was + ", now " + now +
                    "; call the same hooks in the same order every frame (not inside if, loops "
                    "or after an early return)");
}

//----------------------------------------------------------------------------------------------
// Instance

Instance::~Instance() = default;

namespace {

// Free blocks for instances, carved from chunks of kPerChunk. Chunks are kept for the process's
// life (reachable from here): the memory of the most components ever mounted at once.
class InstancePool {
  public:
    void* take(std::size_t size) {
        std::lock_guard lock(mutex_);
        if (!free_) grow(size);
        void* block = free_;
        free_ = *static_cast<void**>(block);
        return block;
    }
    void give_back(void* block) noexcept {
        std::lock_guard lock(mutex_);
        *static_cast<void**>(block) = free_;
        free_ = block;
    }

  private:
    static constexpr std::size_t kPerChunk = 128;
    void grow(std::size_t size) {
        auto* chunk = static_cast<char*>(
            ::operator new (size* kPerChunk, std::align_val_t{alignof(Instance)}));
        chunks_.push_back(chunk);
        for (std::size_t i = kPerChunk; i-- > 0;) {
            void* block = chunk + i * size;
            *static_cast<void**>(block) = free_;
            free_ = block;
        }
    }
    std::mutex mutex_;
    void* free_ = nullptr;
    std::vector<char*> chunks_;
};

InstancePool& instance_pool() {
    static InstancePool* pool = new InstancePool;  // never destroyed: instances may outlive main
    return *pool;
}

}  // namespace

void* Instance::operator new(std::size_t size, std::align_val_t) {
    return instance_pool().take(size);
}

void Instance::operator delete(void* block, std::align_val_t) noexcept {
    instance_pool().give_back(block);
}

void Instance::after_frame(Slot& slot) {
    runtime_.schedule_after_frame(*this, slot);
}

const std::shared_ptr<Core>& Instance::core() const {
    return runtime_.core();
}

const std::shared_ptr<ExecutorState>& Instance::executor() const {
    return runtime_.executor_state();
}

void Instance::unmount() noexcept {
    runtime_.forget_after_frame(*this);  // e.g. an effect scheduled before its body threw
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
        try {
            (*it)->unmount();
        } catch (...) {
            runtime_.report(name_, "cleanup", std::current_exception());
        }
    }
    while (!slots_.empty()) slots_.pop_back();
    committed_ = false;
    cursor_ = 0;
}

FrameRef current_frame() {
    RuntimeImpl* runtime = RuntimeImpl::in_frame_here();
    if (!runtime) return {};
    return {runtime->core(), runtime->frame()};
}

FrameTime current_frame_time() {
    RuntimeImpl* runtime = RuntimeImpl::in_frame_here();
    if (!runtime) return {0, Clock::now()};
    return {runtime->frame(), runtime->frame_time()};
}

void Instance::add_job_read(const JobSource* key, std::weak_ptr<JobSource> job) {
    if (!jobs_read_) jobs_read_ = std::make_unique<std::vector<JobRead>>();
    // Bounded: past a few entries, those not read in this render are forgotten (read again later
    // in it, they come back).
    if (jobs_read_->size() >= 8)
        std::erase_if(*jobs_read_, [&](const JobRead& read) {
            return read.frame != last_frame_ || read.job.expired();
        });
    jobs_read_->push_back({key, std::move(job), last_frame_});
}

std::vector<std::shared_ptr<JobSource>> Instance::jobs_read() const {
    std::vector<std::shared_ptr<JobSource>> jobs;
    if (jobs_read_)
        for (const JobRead& read : *jobs_read_)
            if (read.frame == last_frame_)
                if (auto job = read.job.lock()) jobs.push_back(std::move(job));
    return jobs;
}

std::string int_key_name(long long key) {
    std::string name = "#";
    name += std::to_string(key);
    return name;
}

//----------------------------------------------------------------------------------------------
// RuntimeImpl

RuntimeImpl::RuntimeImpl(Runtime& owner, ImGuiContext* context, RuntimeOptions options)
    : owner_(owner),
      context_(context),
      options_(options),
      core_(std::make_shared<Core>()),
      executor_(options_.executor) {
    if (!context_)
        throw std::invalid_argument(
            "imhooks::Runtime: no ImGui context; call ImGui::CreateContext() first");
    if (find(context_))
        throw std::invalid_argument("imhooks::Runtime: this ImGui context already has a Runtime");
    if (options_.extra_frames_after_wake < 0)
        throw std::invalid_argument(
            "imhooks::Runtime: RuntimeOptions::extra_frames_after_wake must be >= 0");
    if (options_.unmount_grace.count() < 0)
        throw std::invalid_argument("imhooks::Runtime: RuntimeOptions::unmount_grace must be >= 0");
    if (options_.shutdown_timeout.count() < 0)
        throw std::invalid_argument(
            "imhooks::Runtime: RuntimeOptions::shutdown_timeout must be >= 0");
    SettingsStore::of(context_);  // before the first NewFrame() reads the .ini file
    if (!executor_) {
        executor_ = std::make_shared<Executor>();
        owns_executor_ = true;
    }
    const std::pair<ImGuiContextHookType, ImGuiContextHookCallback> hooks[] = {
        {ImGuiContextHookType_NewFramePre, &on_new_frame},
        {ImGuiContextHookType_EndFramePost, &on_end_frame},
        {ImGuiContextHookType_Shutdown, &on_shutdown},
    };
    for (int i = 0; i < 3; ++i) {
        ImGuiContextHook hook;
        hook.Type = hooks[i].first;
        hook.Callback = hooks[i].second;
        hook.UserData = this;
        hook_ids_[i] = ImGui::AddContextHook(context_, &hook);
    }
}

RuntimeImpl::~RuntimeImpl() {
    forget_frame();
    if (context_)
        for (ImGuiID id : hook_ids_) ImGui::RemoveContextHook(context_, id);
    unmount_all();
    shut_down_work();
}

RuntimeImpl* RuntimeImpl::find(ImGuiContext* context) {
    if (!context) return nullptr;
    for (const ImGuiContextHook& hook : context->Hooks)
        if (hook.Callback == &on_new_frame && hook.Type == ImGuiContextHookType_NewFramePre)
            return static_cast<RuntimeImpl*>(hook.UserData);
    return nullptr;
}

void RuntimeImpl::on_new_frame(ImGuiContext*, ImGuiContextHook* hook) {
    static_cast<RuntimeImpl*>(hook->UserData)->begin_frame();
}
void RuntimeImpl::on_end_frame(ImGuiContext*, ImGuiContextHook* hook) {
    static_cast<RuntimeImpl*>(hook->UserData)->end_frame();
}
void RuntimeImpl::on_shutdown(ImGuiContext*, ImGuiContextHook* hook) {
    auto* self = static_cast<RuntimeImpl*>(hook->UserData);
    self->forget_frame();
    self->unmount_all();
    self->context_ = nullptr;  // the context is going away: never touch it again
}

Instance* RuntimeImpl::enter(ImGuiID id, std::string_view name, long long int_key,
                             const ComponentOptions& options) {
    auto make_name = [&] { return name.empty() ? int_key_name(int_key) : std::string(name); };
    Instance* found = instances_.find(id);
    if (!found) {
        found = &instances_.insert(id, std::make_unique<Instance>(*this, make_name()));
        found->id_ = id;
    } else if (found->last_frame_ == static_cast<std::uint32_t>(frame_)) {
        return nullptr;  // rendered twice
    }
    Instance& instance = *found;
    // The same parent object as in the previous frame is the same parent: its ID is looked up
    // (outside the instance's hot cache line) only when that may have changed.
    if (instance.parent_ != t_current_instance ||
        instance.last_frame_ + 1 != static_cast<std::uint32_t>(frame_))
        instance.parent_id_ = t_current_instance ? t_current_instance->id_ : 0;
    instance.last_frame_ = static_cast<std::uint32_t>(frame_);
    ++rendered_this_frame_;
    instance.last_time_ = frame_time_;
    instance.window_id_ = context_->CurrentWindow ? context_->CurrentWindow->ID : 0;
    instance.grace_ms_ = options.unmount_grace
                             ? static_cast<std::int32_t>(std::clamp<std::chrono::milliseconds::rep>(
                                   options.unmount_grace->count(), 0, INT32_MAX))
                             : -1;
    instance.cursor_ = 0;
    instance.parent_ = t_current_instance;
    t_current_instance = &instance;
    return &instance;
}

void RuntimeImpl::report(const std::string& component, const char* where,
                         std::exception_ptr error) noexcept {
    try {
        ComponentError report{component, where, describe_exception(error), error};
        if (error_handler_) {
            try {
                error_handler_(report);
                return;
            } catch (...) {
                report_error("the error handler threw", std::current_exception());
            }
        }
        std::fprintf(stderr, "imhooks: component \"%s\" failed in %s: %s\n",
                     report.component.c_str(), where, report.message.c_str());
    } catch (...) {
        std::fprintf(stderr, "imhooks: a component failed in %s\n", where);
    }
}

void RuntimeImpl::forget_frame() {
    if (t_frame_runtime != this) return;
    t_frame_context = nullptr;
    t_frame_runtime = nullptr;
}

void RuntimeImpl::begin_frame() {
    ++frame_;
    t_frame_context = context_;
    t_frame_runtime = this;
    rendered_this_frame_ = 0;
    frame_time_ = Clock::now();
    in_frame_ = true;
    contexts_.clear();  // a ContextProvider kept past Render() provides nothing in later frames

    Core& core = *core_;
    // Clear dirty before taking the queue: a post racing with us then leaves dirty set.
    const bool woken = core.dirty_.exchange(false, std::memory_order_acq_rel);
    std::int64_t timed = core.timed_frame_ns_.load(std::memory_order_relaxed);
    if (timed != 0 && from_ticks(timed) <= frame_time_)
        core.timed_frame_ns_.compare_exchange_strong(timed, 0, std::memory_order_relaxed);
    if (woken)
        core.extra_frames_.store(options_.extra_frames_after_wake, std::memory_order_relaxed);
    else if (core.extra_frames_.load(std::memory_order_relaxed) > 0)
        core.extra_frames_.fetch_sub(1, std::memory_order_relaxed);

    std::vector<std::shared_ptr<Updatable>> updates;
    {
        std::lock_guard lock(core.mutex_);
        updates.swap(core.queue_);
    }
    for (auto& update : updates) {
        try {
            update->apply();
        } catch (...) {
            report_error("applying an update failed", std::current_exception());
        }
    }
    updates_applied_ += updates.size();
    report_late();
}

void RuntimeImpl::report_late() {
    std::vector<Core::LateReport> reports;
    {
        std::lock_guard lock(core_->mutex_);
        if (core_->late_reports_.empty()) return;
        reports.swap(core_->late_reports_);
    }
    for (auto& late : reports) report(late.component, late.where, late.error);
}

bool RuntimeImpl::keep_unrendered(const Instance& instance) {
    // A collapsed or hidden window that was still submitted keeps its components alive.
    for (ImGuiWindow* window = ImGui::FindWindowByID(instance.window_id_); window;
         window = window->ParentWindow) {
        if (window->Active) {
            if (window->Collapsed || window->Hidden || window->SkipItems) return true;
            break;
        }
    }
    const auto grace = instance.grace_ms_ >= 0 ? std::chrono::milliseconds(instance.grace_ms_)
                                               : options_.unmount_grace;
    if (grace.count() > 0) {
        const Clock::time_point deadline = instance.last_time_ + grace;
        if (frame_time_ < deadline) {
            // Make sure a frame comes to unmount it once the grace period is over.
            request_frame_in(std::chrono::ceil<std::chrono::milliseconds>(deadline - frame_time_));
            return true;
        }
    }
    return false;
}

void RuntimeImpl::end_frame() {
    // Unmount first (their cleanups run before this frame's new effects), then after-frame work.
    // When every instance was rendered there is nothing to look at.
    in_frame_ = false;
    forget_frame();
    if (rendered_this_frame_ < instances_.size()) {
        std::vector<std::unique_ptr<Instance>> gone;
        instances_.for_each([&](ImGuiID id, Instance& instance) {
            if (instance.last_frame_ != static_cast<std::uint32_t>(frame_) &&
                !keep_unrendered(instance))
                gone.push_back(instances_.erase(id));
        });
        for (auto& instance : gone) instance->unmount();
    }
    std::vector<std::pair<Instance*, Slot*>> work;
    work.swap(after_frame_);
    for (auto [instance, slot] : work) {
        try {
            slot->after_frame();
        } catch (...) {
            report(instance->name(), "effect", std::current_exception());
        }
    }
}

void RuntimeImpl::unmount_all() {
    after_frame_.clear();
    for (auto& instance : instances_.take_all()) instance->unmount();
}

void RuntimeImpl::shut_down_work() {
    Core& core = *core_;
    {
        std::lock_guard lock(core.waker_mutex_);
        core.waker_ = nullptr;
    }
    // Jobs were asked to stop by unmount_all(); their stop requests and destructions run on the
    // executor. Wait for them, bounded.
    bool done;
    {
        std::unique_lock lock(core.active_mutex_);
        done = core.active_cv_.wait_for(lock, options_.shutdown_timeout,
                                        [&] { return core.active_work() == 0; });
    }
    const std::size_t left = core.active_work();
    std::vector<Core::LateReport> reports;
    {
        std::lock_guard lock(core.mutex_);
        core.closed_.store(true, std::memory_order_release);
        core.queue_.clear();
        reports.swap(core.late_reports_);
    }
    for (auto& late : reports) report(late.component, late.where, late.error);
    if (!done && left > 0)
        std::fprintf(stderr,
                     "imhooks: %zu job(s) still running %lld ms after their stop was requested at "
                     "Runtime shutdown; left them running (their results are discarded)\n",
                     left, static_cast<long long>(options_.shutdown_timeout.count()));
    if (owns_executor_) executor_->state()->shut_down(std::chrono::seconds(2));
    executor_.reset();
}

RuntimeStats RuntimeImpl::stats() const {
    RuntimeStats stats;
    stats.frames = frame_;
    stats.wakes = core_->wakes_.load(std::memory_order_relaxed);
    stats.mounted = instances_.size();
    stats.active_work = core_->active_work();
    stats.updates_applied = updates_applied_;
    return stats;
}

void RuntimeImpl::for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                                     bool with_hooks) const {
    instances_.for_each([&](ImGuiID id, const Instance& instance) {
        ComponentInfo info;
        info.id = id;
        info.window_id = instance.window_id_;
        info.name = instance.name_;
        info.hooks = instance.slots_.size();
        info.last_frame = instance.last_frame_;
        info.parent_id = instance.parent_id_;
        if (with_hooks)
            for (const auto& slot : instance.slots_)
                info.hook_list.push_back(
                    {hook_kind_name(slot->kind()), type_name(slot->value_type()), slot->status()});
        visit(info);
    });
}

bool RuntimeImpl::wait(std::chrono::milliseconds timeout) {
    Core& core = *core_;
    const Clock::time_point deadline = Clock::now() + timeout;
    std::unique_lock lock(core.mutex_);
    while (!core.needs_frame()) {
        Clock::time_point until = deadline;
        if (const std::int64_t timed = core.timed_frame_ns_.load(std::memory_order_relaxed))
            until = std::min(until, from_ticks(timed));
        if (Clock::now() >= deadline) return false;
        core.wake_cv_.wait_until(lock, until);
    }
    return true;
}

void RuntimeImpl::set_waker(std::function<void()> waker) {
    std::lock_guard lock(core_->waker_mutex_);
    core_->waker_ = std::move(waker);
    core_->waker_failed_ = false;
}

void RuntimeImpl::request_frame_in(std::chrono::milliseconds delay) {
    const std::int64_t at =
        (Clock::now() + std::max(delay, std::chrono::milliseconds(0))).time_since_epoch().count();
    std::int64_t current = core_->timed_frame_ns_.load(std::memory_order_relaxed);
    bool earlier = false;
    while ((current == 0 || at < current) &&
           !(earlier = core_->timed_frame_ns_.compare_exchange_weak(current, at,
                                                                    std::memory_order_relaxed))) {
    }
    // A loop waiting with a longer timeout must recompute it; within a frame on the UI thread the
    // loop reads next_timed_frame() after the frame anyway.
    if (earlier && t_frame_runtime != this) core_->call_waker();
    { std::lock_guard lock(core_->mutex_); }
    core_->wake_cv_.notify_all();  // waiters recompute their deadline
}

std::optional<Clock::time_point> RuntimeImpl::next_timed_frame() const {
    const std::int64_t timed = core_->timed_frame_ns_.load(std::memory_order_relaxed);
    if (timed == 0) return std::nullopt;
    return from_ticks(timed);
}

}  // namespace detail

//----------------------------------------------------------------------------------------------
// Runtime

Runtime::Runtime(ImGuiContext* context, RuntimeOptions options)
    : impl_(std::make_unique<detail::RuntimeImpl>(
          *this, context ? context : ImGui::GetCurrentContext(), options)) {}

Runtime::~Runtime() = default;

Runtime* Runtime::current() {
    detail::RuntimeImpl* impl = detail::RuntimeImpl::find(ImGui::GetCurrentContext());
    return impl ? &impl->owner() : nullptr;
}

void Runtime::set_error_handler(std::function<void(const ComponentError&)> handler) {
    impl_->set_error_handler(std::move(handler));
}
void Runtime::set_waker(std::function<void()> waker) {
    impl_->set_waker(std::move(waker));
}
bool Runtime::needs_frame() const {
    return impl_->needs_frame();
}
bool Runtime::wait(std::chrono::milliseconds timeout) {
    return impl_->wait(timeout);
}
void Runtime::request_frame() {
    impl_->core()->request_frame();
}
void Runtime::request_frame_in(std::chrono::milliseconds delay) {
    impl_->request_frame_in(delay);
}
std::optional<std::chrono::steady_clock::time_point> Runtime::next_timed_frame() const {
    return impl_->next_timed_frame();
}
RuntimeStats Runtime::stats() const {
    return impl_->stats();
}
Executor& Runtime::executor() const {
    return impl_->executor();
}
const RuntimeOptions& Runtime::options() const {
    return impl_->options();
}
void Runtime::for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                                 bool with_hooks) const {
    impl_->for_each_component(visit, with_hooks);
}

}  // namespace imhooks
