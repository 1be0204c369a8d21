#include "runtime_impl.h"

#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/imgui_build.h>
#include <imhooks/detail/settings_store.h>
#include <imhooks/hook_error.h>
#include <imhooks/runtime.h>

#include <imgui_internal.h>

#include <algorithm>
#include <bit>
#include <charconv>
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
constinit thread_local Instance* t_effect_instance = nullptr;
constinit thread_local ImGuiContext* RuntimeImpl::t_frame_context = nullptr;
constinit thread_local RuntimeImpl* RuntimeImpl::t_frame_runtime = nullptr;

namespace {

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
        case HookKind::Query:
            return "use_query";
        case HookKind::Debounced:
            return "use_debounced";
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
    if (index < slot_count_) {
        const Slot& slot = *slot_data()[index];
        was = hook_name(slot.kind(), slot.value_type());
        if (was == now) was += " with other dependency types";
    } else {
        was = "no hook (the previous frame called " + std::to_string(slot_count_) + ")";
    }
    throw HookError("imhooks: hooks changed between frames in component " + quoted(name_) +
                    ": slot " + std::to_string(index) + " was " + was + ", now " + now +
                    "; call the same hooks in the same order every frame (not inside if, loops "
                    "or after an early return)");
}

//----------------------------------------------------------------------------------------------
// Instance

Instance::Instance(RuntimeImpl& runtime, std::string_view key, long long int_key, bool string_key,
                   ImGuiID seed)
    : int_key_(int_key),
      seed_(seed),
      string_key_(string_key),
      runtime_(runtime),
      name_(string_key ? std::string(key) : int_key_name(int_key)) {}

Instance::~Instance() {
    clear_slots();
}

void Instance::push_slot(std::unique_ptr<Slot> slot) {
    const std::size_t count = slot_count_;
    if (count < kInlineSlots) {
        slots_.inline_slots[count] = slot.release();
        ++slot_count_;
        return;
    }
    const bool on_heap = count > kInlineSlots;
    if (!on_heap || std::has_single_bit(count)) {
        // Full: the inline pointers move to a heap array, or the heap array doubles.
        const std::size_t capacity = on_heap ? count * 2 : std::bit_ceil(kInlineSlots + 1);
        auto grown = std::make_unique<Slot*[]>(capacity);
        std::copy_n(slot_data(), count, grown.get());
        if (on_heap) delete[] slots_.heap;
        slots_.heap = grown.release();
    }
    slots_.heap[count] = slot.release();
    ++slot_count_;
}

void Instance::clear_slots() noexcept {
    const std::size_t count = slot_count_;
    Slot** data = slot_data();
    slot_count_ = 0;
    for (std::size_t i = count; i-- > 0;) delete data[i];
    if (count > kInlineSlots) delete[] data;
}

void Instance::throw_too_many_hooks() const {
    throw HookError("imhooks: component " + quoted(name_) + " called more than " +
                    std::to_string(kMaxSlots) +
                    " hooks in one frame; keep a component's hooks few (a loop of hooks belongs "
                    "in child components, one per item)");
}

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

void Instance::report(const char* where, std::exception_ptr error) {
    runtime_.report(name_, where, std::move(error));
}

void note_frame_request(Instance& instance, const Core& core) {
    RuntimeImpl& runtime = instance.runtime_;
    const int limit = runtime.options().runaway_frames;
    if (runtime.core().get() != &core || limit <= 0 || instance.loop_reported_) return;
    // Frames are counted plus one, so that 0 means "none yet".
    const auto frame = static_cast<std::uint32_t>(runtime.frame() + 1);
    if (instance.request_frame_ == frame) return;
    const bool consecutive = instance.request_frame_ + 1 == frame;
    instance.request_frame_ = frame;
    // A frame with user input (a slider dragged for seconds sets its state every frame) neither
    // counts nor breaks the run: the loop is the app rendering for no one but itself.
    if (runtime.user_input()) {
        if (!consecutive) instance.request_streak_ = 0;
        return;
    }
    instance.request_streak_ = consecutive ? instance.request_streak_ + 1 : 1;
    if (instance.request_streak_ >= static_cast<std::uint32_t>(limit)) {
        instance.loop_reported_ = true;
        runtime.report_render_loop(instance);
    }
}

const std::shared_ptr<Core>& Instance::core() const {
    return runtime_.core();
}

const std::shared_ptr<ExecutorState>& Instance::executor() const {
    return runtime_.executor_state();
}

void Instance::unmount() noexcept {
    runtime_.forget_after_frame(*this);  // e.g. an effect scheduled before its body threw
    for (std::size_t i = slot_count_; i-- > 0;) {
        try {
            slot_data()[i]->unmount();
        } catch (...) {
            runtime_.report(name_, "cleanup", std::current_exception());
        }
    }
    clear_slots();
    committed_ = false;
    cursor_ = 0;
}

const std::shared_ptr<RuntimeService>& query_cache_of(RuntimeImpl& runtime) {
    return runtime.queries();
}

FrameRef current_frame() {
    RuntimeImpl* runtime = RuntimeImpl::in_frame_here();
    if (!runtime) return {};
    return {runtime->core(), runtime->frame()};
}

FrameTime current_frame_time() {
    // Also while the frame begins: the updates applied then build the snapshots it shows.
    RuntimeImpl* runtime = RuntimeImpl::frame_here();
    if (!runtime) return {0, std::chrono::steady_clock::now()};
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
    char text[24] = "#";  // '#', then at most 20 characters of a long long
    const auto end = std::to_chars(text + 1, text + sizeof(text), key).ptr;
    return std::string(text, end);
}

//----------------------------------------------------------------------------------------------
// RuntimeImpl

RuntimeImpl::RuntimeImpl(Runtime& owner, ImGuiContext* context, RuntimeOptions options)
    : owner_(&owner),
      context_(context),
      options_(std::move(options)),
      core_(std::make_shared<Core>(options_.clock)),
      executor_(options_.executor),
      ui_thread_(std::this_thread::get_id()) {
    if (!context_)
        throw std::invalid_argument(
            "imhooks::Runtime: no ImGui context; call ImGui::CreateContext() first");
    // Before anything reads the context through imgui_internal.h's layout.
    check_imgui_build(compiled_imgui_build(context_), running_imgui_build(context_));
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
    if (options_.runaway_frames < 0)
        throw std::invalid_argument(
            "imhooks::Runtime: RuntimeOptions::runaway_frames must be >= 0 (0: never report)");
    SettingsStore::of(context_);  // before the first NewFrame() reads the .ini file
    if (!executor_) {
        executor_ = std::make_shared<Executor>();
        owns_executor_ = true;
    }
    frame_time_ = previous_frame_time_ = core_->now();
    core_->watch_clock();
    queries_ = make_query_cache(
        {core_, executor_->state(), [this](Clock::time_point at) { request_frame_at(at); }});
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
    // Reached only on the UI thread, outside a frame (see release()).
    forget_frame();
    if (context_)
        for (ImGuiID id : hook_ids_) ImGui::RemoveContextHook(context_, id);
    {
        // Destroyed inside another runtime's component body: the stops below go to this
        // runtime's own batch, handed over before shut_down_work() waits for them.
        const BatchScope batching(frame_batch_);
        queries_->shutting_down();  // its entries stop what runs; readers unmount from them next
        unmount_all();
    }
    frame_batch_.flush();
    core_->clear_waker();
    shut_down_work();
    // Updates still queued go with the queue, destroyed here outside its lock; later posts are
    // refused, so none can keep the core alive.
    std::deque<std::shared_ptr<Updatable>> discarded = core_->close_queue();
}

bool RuntimeImpl::release() {
    owner_.store(nullptr, std::memory_order_release);
    const bool ui_thread = std::this_thread::get_id() == ui_thread_.load(std::memory_order_acquire);
    if (ui_thread && busy_ == 0) return true;
    // Deferred: the UI thread deletes it at its next frame boundary. The application's callbacks
    // may refer to the Runtime object, gone when this returns: the waker is cleared now (after
    // waking the loop, which must come to a frame boundary), the error handler is no longer
    // called (report() sees released_).
    if (!ui_thread) core_->request_frame();
    core_->clear_waker();
    released_.store(true, std::memory_order_release);  // from here on `this` may be deleted
    return false;
}

bool RuntimeImpl::leave_busy() {
    if (--busy_ > 0 || !released_.load(std::memory_order_acquire)) return true;
    delete this;
    return false;
}

RuntimeImpl* RuntimeImpl::find(ImGuiContext* context) {
    if (!context) return nullptr;
    for (const ImGuiContextHook& hook : context->Hooks)
        if (hook.Callback == &on_new_frame && hook.Type == ImGuiContextHookType_NewFramePre) {
            auto* runtime = static_cast<RuntimeImpl*>(hook.UserData);
            if (!runtime->released_.load(std::memory_order_acquire)) return runtime;
        }
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
    if (self->in_frame_) {  // destroyed between NewFrame and Render: that frame is over
        self->in_frame_ = false;
        --self->busy_;
    }
    self->enter_busy();
    self->forget_frame();
    self->unmount_all();
    self->context_ = nullptr;  // the context is going away: never touch it again
    (void)self->leave_busy();  // released meanwhile (or before, from another thread): gone now
}

namespace {

// ImGui's identity of a string key: the text from its last "###" on (ImHashStr restarts there),
// or all of it.
std::string_view identity_of(std::string_view key) {
    const std::size_t at = key.rfind("###");
    return at == std::string_view::npos ? key : key.substr(at);
}

}  // namespace

Instance* RuntimeImpl::find_key(ImGuiID id, ImGuiID seed, std::string_view name, long long int_key,
                                bool string_key, bool& relabel) const {
    // The ID is a 32-bit hash: the key itself decides. A string key matches its exact text (the
    // common case: one comparison) or, when it holds "###", the same identity under a new label.
    relabel = false;
    return instances_.find(id, [&](const Instance& instance) {
        if (instance.seed_ != seed || instance.string_key_ != string_key) return false;
        if (!string_key) return instance.int_key_ == int_key;
        if (instance.name_ == name) return true;
        // Texts differ: the same instance only when their ### identities are equal (a text
        // without ### is its own identity, and that case was the comparison above).
        relabel = identity_of(name) == identity_of(instance.name_);
        return relabel;
    });
}

Instance* RuntimeImpl::find_in_order(ImGuiID id, ImGuiID seed, std::string_view name,
                                     long long int_key, bool string_key, bool& relabel) {
    relabel = false;
    if (order_next_ < previous_order_.size()) [[likely]] {
        // The same seed and key give the same ID: the key alone is compared, on the instance's
        // hot cache line (a string key also compares its text, rarely used).
        Instance& next = *previous_order_[order_next_];
        if (next.seed_ == seed && next.string_key_ == string_key &&
            (string_key ? next.name_ == name : next.int_key_ == int_key)) [[likely]] {
            ++order_next_;
            return &next;
        }
    }
    Instance* found = find_key(id, seed, name, int_key, string_key, relabel);
    // Rendered in the previous frame: the components after it most likely follow it again.
    if (found && found->last_frame_ + 1 == static_cast<std::uint32_t>(frame_) &&
        found->order_pos_ < previous_order_.size() && previous_order_[found->order_pos_] == found)
        order_next_ = found->order_pos_ + 1;
    return found;
}

RuntimeImpl::Entered RuntimeImpl::enter(ImGuiID id, ImGuiID seed, std::string_view name,
                                        long long int_key, bool string_key,
                                        const ComponentOptions& options) {
    bool relabel = false;
    Instance* found = find_in_order(id, seed, name, int_key, string_key, relabel);
    if (!found) {
        auto created = std::make_unique<Instance>(*this, name, int_key, string_key, seed);
        // Another key already has this ID: give this one's body a seed of its own, so that the
        // widgets inside the two never share IDs.
        ImGuiID body_id = id;
        for (std::uint32_t salt = 1;; ++salt) {
            bool taken = false;
            instances_.for_each_with(id, [&](const Instance& other) {
                taken = taken || (other.own_seed_ ? other.id_ : id) == body_id;
            });
            if (!taken) break;
            body_id = ImHashData(&salt, sizeof(salt), id);
        }
        created->id_ = body_id;
        created->own_seed_ = body_id != id;
        found = &instances_.insert(id, std::move(created));
    } else if (found->last_frame_ == static_cast<std::uint32_t>(frame_)) {
        const bool first = !found->twice_reported_;
        found->twice_reported_ = true;
        return {nullptr, first};  // rendered twice
    } else if (relabel) {
        found->name_ = name;  // "###": the same instance under its latest label
    }
    Instance& instance = *found;
    // The same parent object as in the previous frame is the same parent: its ID is looked up
    // (outside the instance's hot cache line) only when that may have changed.
    if (instance.parent_ != t_current_instance ||
        instance.last_frame_ + 1 != static_cast<std::uint32_t>(frame_))
        instance.parent_id_ = t_current_instance ? t_current_instance->id_ : 0;
    instance.last_frame_ = static_cast<std::uint32_t>(frame_);
    ++rendered_this_frame_;
    instance.window_id_ = context_->CurrentWindow ? context_->CurrentWindow->ID : 0;
    instance.grace_ms_ = options.unmount_grace ? grace_ms(*options.unmount_grace) : -1;
    instance.cursor_ = 0;
    instance.parent_ = t_current_instance;
    t_current_instance = &instance;
    // Its place, written only when it moved, so that a steady frame writes nothing outside the
    // instance's first cache line. (An instance listed in previous_order_ holds its place there.)
    const auto pos = static_cast<std::uint32_t>(order_.size());
    if (order_next_ == 0 || previous_order_[order_next_ - 1] != &instance || order_next_ - 1 != pos)
        instance.order_pos_ = pos;
    order_.push_back(&instance);
#if defined(__GNUC__)
    // Fetched ahead: the instance after the next one, and the next one's first hook (its
    // instance was fetched one component earlier).
    if (order_next_ + 1 < previous_order_.size())
        __builtin_prefetch(previous_order_[order_next_ + 1]);
    if (order_next_ < previous_order_.size()) {
        const Instance& next = *previous_order_[order_next_];
        if (next.slot_count_ > 0) __builtin_prefetch(next.slot_data()[0]);
    }
#endif
    return {&instance, false};
}

bool RuntimeImpl::release(ImGuiID id, ImGuiID seed, std::string_view name, long long int_key,
                          bool string_key) {
    bool relabel = false;
    Instance* instance = find_key(id, seed, name, int_key, string_key, relabel);
    if (!instance) return false;
    instance->grace_ms_ = kReleased;
    return true;
}

void RuntimeImpl::report(const std::string& component, const char* where,
                         std::exception_ptr error) noexcept {
    try {
        ComponentError report{component, where, describe_exception(error), error};
        // Our own reference: the handler may replace itself while it runs. Once the Runtime is
        // destroyed (its teardown deferred), the handler, which may refer to it, is not called.
        const auto handler = released_.load(std::memory_order_acquire) ? nullptr : error_handler_;
        if (handler) {
            try {
                (*handler)(report);
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

bool RuntimeImpl::user_input() const {
    if (!context_) return false;
    const ImGuiContext& g = *context_;
    const ImGuiIO& io = g.IO;
    if (g.ActiveId != 0 || io.MouseWheel != 0.0f || io.MouseWheelH != 0.0f ||
        !io.InputQueueCharacters.empty())
        return true;
    if (ImGui::IsMousePosValid(&io.MousePos) &&
        (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f))
        return true;
    for (bool down : io.MouseDown)
        if (down) return true;
    return false;
}

void RuntimeImpl::report_render_loop(Instance& instance) {
    render_loops_.push_back(instance.name());
}

void RuntimeImpl::forget_frame() {
    if (t_frame_runtime != this) return;
    t_frame_context = nullptr;
    t_frame_runtime = nullptr;
}

bool RuntimeImpl::begin_frame() {
    ui_thread_.store(std::this_thread::get_id(), std::memory_order_release);
    // A frame that began and never ended (the app threw between NewFrame and Render) is over.
    if (in_frame_) {
        in_frame_ = false;
        --busy_;
    }
    frame_batch_.flush();  // what a frame that never ended requested
    // Released from another thread, or during a frame that never ended: tear down here.
    enter_busy();
    if (!leave_busy()) return false;
    enter_busy();
    ++frame_;
    t_frame_context = context_;
    t_frame_runtime = this;
    rendered_this_frame_ = 0;
    previous_order_.swap(order_);
    order_.clear();
    order_next_ = 0;
    previous_frame_time_ = frame_time_;
    frame_time_ = core_->now();
    contexts_.clear();  // a ContextProvider kept past Render() provides nothing in later frames

    Core& core = *core_;
    // Clear dirty before taking the queue: a post racing with us then leaves dirty set.
    const bool woken = core.dirty_.exchange(false, std::memory_order_acq_rel);
    std::int64_t timed = core.timed_frame_ns_.load(std::memory_order_relaxed);
    if (timed != Core::kNoTimedFrame && from_ticks(timed) <= frame_time_)
        core.timed_frame_ns_.compare_exchange_strong(timed, Core::kNoTimedFrame,
                                                     std::memory_order_relaxed);
    if (woken)
        core.extra_frames_.store(options_.extra_frames_after_wake, std::memory_order_relaxed);
    else if (core.extra_frames_.load(std::memory_order_relaxed) > 0)
        core.extra_frames_.fetch_sub(1, std::memory_order_relaxed);

    queries_->frame_starting();  // what its timers start shows in this frame
    std::deque<std::shared_ptr<Updatable>> updates;
    {
        std::lock_guard lock(core.mutex_);
        updates.swap(core.queue_);
    }
    // Outside the lock: applying runs user code (use_state's queued updaters).
    // The updates are hooks that workers wrote since the last frame, in no cache of this core:
    // each is fetched ahead, its first lines (where a hook keeps what apply() reads) four
    // updates before its turn, what they point to in two steps after that.
    const std::size_t count = updates.size();
    for (std::size_t i = 0; i < count; ++i) {
        const std::shared_ptr<Updatable>& update = updates[i];
#if defined(__GNUC__)
        if (i + 4 < count) {
            const char* object = reinterpret_cast<const char*>(updates[i + 4].get());
            for (int line = -1; line < 4; ++line) __builtin_prefetch(object + line * 64, 1);
        }
        if (i + 2 < count) updates[i + 2]->prefetch(1);
        if (i + 1 < count) updates[i + 1]->prefetch(0);
#endif
        try {
            update->apply();
        } catch (...) {
            report_error("applying an update failed", std::current_exception());
        }
    }
    updates_applied_ += count;
    report_late();
    // Components may render from here on (not from the updates above).
    in_frame_ = true;
    return true;
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
    if (instance.grace_ms_ == kReleased) return false;
    // A collapsed or hidden window that was still submitted keeps its components alive.
    for (ImGuiWindow* window = ImGui::FindWindowByID(instance.window_id_); window;
         window = window->ParentWindow) {
        if (window->Active) {
            if (window->Collapsed || window->Hidden || window->SkipItems) return true;
            break;
        }
    }
    const std::int32_t grace =
        instance.grace_ms_ >= 0 ? instance.grace_ms_ : grace_ms(options_.unmount_grace);
    if (grace == kForever) return true;  // until release_component() or the runtime goes
    if (grace > 0) {
        const std::chrono::milliseconds grace_period(grace);
        const Clock::time_point deadline = saturating_add(instance.last_time_, grace_period);
        if (deadline == Clock::time_point::max()) return true;  // forever: no frame to ask for
        if (frame_time_ < deadline) {
            // Make sure a frame comes to unmount it once the grace period is over.
            request_frame_at(deadline);
            return true;
        }
    }
    return false;
}

bool RuntimeImpl::end_frame() {
    if (!in_frame_) return true;  // attached during this frame: its first frame is the next one
    // Unmount first (their cleanups run before this frame's new effects), then after-frame work.
    // When every instance was rendered there is nothing to look at.
    in_frame_ = false;
    forget_frame();
    {
        // The runs this frame requested, the runs its effects request and the stops of what
        // unmounts are handed to the executors together, once the frame's work is done.
        const BatchScope batching(frame_batch_);
        if (rendered_this_frame_ < instances_.size()) {
            std::vector<std::unique_ptr<Instance>> gone;
            const auto previous = static_cast<std::uint32_t>(frame_ - 1);
            instances_.for_each([&](ImGuiID id, Instance& instance) {
                if (instance.last_frame_ == static_cast<std::uint32_t>(frame_)) return;
                // Its first frame away: the grace period counts from its last frame.
                if (instance.last_frame_ == previous) instance.last_time_ = previous_frame_time_;
                if (!keep_unrendered(instance)) gone.push_back(instances_.erase(id, instance));
            });
            for (auto& instance : gone) instance->unmount();
        }
        std::deque<std::pair<Instance*, Slot*>> work;
        work.swap(after_frame_);
        for (auto [instance, slot] : work) {
            t_effect_instance = instance;
            try {
                slot->after_frame();
            } catch (...) {
                report(instance->name(), "effect", std::current_exception());
            }
            t_effect_instance = nullptr;
        }
    }
    frame_batch_.flush();
    if (!render_loops_.empty()) {
        std::vector<std::string> loops;
        loops.swap(render_loops_);
        for (const std::string& name : loops) {
            const std::string message =
                "imhooks: component \"" + name + "\" requested a frame from its body or its " +
                "effects in each of the last " + std::to_string(options_.runaway_frames) +
                " frames, so the app never rests: a setter called unconditionally while " +
                "rendering, an effect that sets its own dependency, or a dependency that never " +
                "equals itself? (reported once; the app keeps running)";
            report(name, "render loop", std::make_exception_ptr(std::runtime_error(message)));
        }
    }
    return leave_busy();
}

void RuntimeImpl::unmount_all() {
    after_frame_.clear();
    previous_order_.clear();
    order_.clear();
    {
        const BatchScope batching(frame_batch_);
        for (auto& instance : instances_.take_all()) instance->unmount();
    }
    frame_batch_.flush();  // with what an unfinished frame left in it
}

SubmitBatch* current_frame_batch() noexcept {
    Instance* instance = t_current_instance;
    return instance ? &instance->runtime().frame_batch() : nullptr;
}

void RuntimeImpl::shut_down_work() {
    Core& core = *core_;
    // Jobs were asked to stop by unmount_all(); their stop requests and destructions run on the
    // executor. Wait for them, bounded (in real time, not the runtime's clock).
    bool done;
    {
        const auto deadline =
            saturating_add(std::chrono::steady_clock::now(), options_.shutdown_timeout);
        std::unique_lock lock(core.active_mutex_);
        done = core.active_cv_.wait_until(lock, deadline, [&] { return core.active_work() == 0; });
    }
    const std::size_t left = core.active_work();
    std::vector<Core::LateReport> reports;
    {
        std::lock_guard lock(core.mutex_);
        core.closed_.store(true, std::memory_order_release);
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

bool RuntimeImpl::for_each_component(const std::function<void(const ComponentInfo&)>& visit,
                                     bool with_hooks) {
    // The visitor may release the runtime: the visit ends, then it goes.
    enter_busy();
    instances_.for_each([&](ImGuiID, const Instance& instance) {
        if (released_.load(std::memory_order_relaxed)) return;
        ComponentInfo info;
        info.id = instance.id_;
        info.window_id = instance.window_id_;
        info.name = instance.name_;
        info.hooks = instance.slot_count_;
        info.last_frame = instance.last_frame_;
        info.parent_id = instance.parent_id_;
        if (with_hooks)
            for (const Slot* slot : instance.slots())
                info.hook_list.push_back(
                    {hook_kind_name(slot->kind()), type_name(slot->value_type()), slot->status()});
        visit(info);
    });
    return leave_busy();
}

bool RuntimeImpl::wait(std::chrono::milliseconds timeout) {
    // Our own reference: the runtime may be destroyed on the UI thread while we wait.
    const std::shared_ptr<Core> core = core_;
    using Steady = std::chrono::steady_clock;
    const Steady::time_point deadline = saturating_add(Steady::now(), timeout);
    for (;;) {
        std::uint64_t seq;
        {
            std::lock_guard lock(core->mutex_);
            seq = core->wake_seq_;
        }
        // Outside the lock: needs_frame() reads the runtime's clock, which is user code.
        if (core->needs_frame()) return true;
        const Steady::time_point now = Steady::now();
        if (now >= deadline) return false;
        Steady::time_point until = deadline;
        if (const std::int64_t timed = core->timed_frame_ns_.load(std::memory_order_relaxed);
            timed != Core::kNoTimedFrame) {
            // The timed frame is on the runtime's clock: wait as long in real time, then look
            // again (a clock that jumps wakes us through notify_waiters()).
            const auto left = saturating_sub(from_ticks(timed), core->now());
            until = std::min(until, saturating_add(now, left));
        }
        std::unique_lock lock(core->mutex_);
        core->wake_cv_.wait_until(lock, until, [&] { return core->wake_seq_ != seq; });
    }
}

void RuntimeImpl::request_frame_in(std::chrono::milliseconds delay) {
    request_frame_at(saturating_add(core_->now(), std::max(delay, std::chrono::milliseconds(0))));
}

void RuntimeImpl::request_frame_at(Clock::time_point at) {
    if (at == Clock::time_point::max()) return;  // never due
    // Our own reference, and no member used after the waker: it may destroy the runtime.
    const std::shared_ptr<Core> core = core_;
    const std::int64_t ticks = at.time_since_epoch().count();
    std::int64_t current = core->timed_frame_ns_.load(std::memory_order_relaxed);
    bool earlier = false;
    while (ticks < current && !(earlier = core->timed_frame_ns_.compare_exchange_weak(
                                    current, ticks, std::memory_order_relaxed))) {
    }
    if (!earlier) return;
    core->notify_waiters();  // waiters recompute their deadline
    // A loop waiting with a longer timeout must recompute it; within a frame on the UI thread the
    // loop reads next_timed_frame() after the frame anyway.
    if (t_frame_runtime != this) core->call_waker();
}

std::optional<Clock::time_point> RuntimeImpl::next_timed_frame() const {
    const std::int64_t timed = core_->timed_frame_ns_.load(std::memory_order_relaxed);
    if (timed == Core::kNoTimedFrame) return std::nullopt;
    return from_ticks(timed);
}

bool set_component_observer(ImGuiContext* context, ComponentObserver* observer) {
    RuntimeImpl* runtime = RuntimeImpl::find(context);
    if (!runtime) return false;
    runtime->set_observer(observer);
    return true;
}

}  // namespace detail

//----------------------------------------------------------------------------------------------
// Runtime

Runtime::Runtime(ImGuiContext* context, RuntimeOptions options)
    : impl_(std::make_unique<detail::RuntimeImpl>(
          *this, context ? context : ImGui::GetCurrentContext(), std::move(options))) {}

Runtime::~Runtime() {
    // From inside a frame, or from another thread, the teardown is deferred: see runtime.h.
    // impl_ keeps pointing at it during an immediate teardown: a waker still running on another
    // thread may call this Runtime until the teardown has waited for it.
    detail::RuntimeImpl* impl = impl_.get();
    if (impl->release()) delete impl;
    (void)impl_.release();
}

Runtime* Runtime::current() {
    detail::RuntimeImpl* impl = detail::RuntimeImpl::find(ImGui::GetCurrentContext());
    return impl ? impl->owner() : nullptr;
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
    // Our own reference: the waker it may call may destroy this runtime.
    const std::shared_ptr<detail::Core> core = impl_->core();
    core->request_frame();
}
void Runtime::request_frame_in(std::chrono::milliseconds delay) {
    impl_->request_frame_in(delay);
}
std::optional<std::chrono::steady_clock::time_point> Runtime::next_timed_frame() const {
    return impl_->next_timed_frame();
}
Clock::time_point Runtime::now() const {
    return impl_->core()->now();
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
    (void)impl_->for_each_component(visit, with_hooks);
}

}  // namespace imhooks
