// Internal: component instances and their hook slots, used by the hooks. Not a public API.
#pragma once

#include <imhooks/detail/core.h>
#include <imhooks/detail/inspect.h>
#include <imhooks/result_state.h>

#include <imgui.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

namespace imhooks::detail {

class RuntimeImpl;
class ExecutorState;

enum class HookKind : unsigned char {
    State,
    Ref,
    Memo,
    Effect,
    Thread,
    Context,
    Provide,
    Reducer,
    Previous,
    PersistentState,
    Task,
    Query,
    Debounced
};
const char* hook_kind_name(HookKind kind);
// "use_state<int>": a hook as named in messages.
std::string hook_name(HookKind kind, const std::type_info& value_type);

// One hook's storage in a component instance. Created on the first frame the hook is called,
// destroyed at unmount (after unmount() ran, in reverse slot order). Each concrete slot class
// declares `static constexpr HookKind kKind` and `using value_type`.
class Slot {
  public:
    Slot() = default;
    virtual ~Slot() = default;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // Work scheduled with Instance::after_frame(): runs once after the frame's end (effects,
    // job starts). UI thread.
    virtual void after_frame() {}
    // The instance unmounts: run cleanups, stop jobs. Must not block. UI thread.
    virtual void unmount() {}
    // A job's hook (use_thread, use_task): its state as shown this frame. UI thread.
    virtual std::optional<ResultState> status() const { return std::nullopt; }
    // What the inspector shows of it: its value, printed only when asked. UI thread.
    virtual void describe(HookDescription&) const {}
    // use_thread, use_task: the job, for inspectors. UI thread.
    virtual JobSource* job() const { return nullptr; }
    // For messages and inspectors.
    virtual HookKind kind() const = 0;
    virtual const std::type_info& value_type() const = 0;

  private:
    friend class Instance;
    const std::type_info* slot_type_ = nullptr;  // the concrete Slot class, checked every frame
};

// Implements Slot's descriptions from the concrete class's kKind and value_type.
template <class Derived>
class SlotOf : public Slot {
  public:
    HookKind kind() const override { return Derived::kKind; }
    const std::type_info& value_type() const override {
        return typeid(typename Derived::value_type);
    }
};

// Aligned to a cache line: the fields read every frame come first and share one line.
class alignas(64) Instance {
  public:
    // `key`: the key it was rendered with (the text of a string key; for an integer key,
    // `int_key`), `seed`: the ID stack's top where it was rendered.
    Instance(RuntimeImpl& runtime, std::string_view key, long long int_key, bool string_key,
             ImGuiID seed);
    ~Instance();
    // Instances come from a pool of cache-line-aligned blocks: mounting thousands of components
    // in one frame must not pay for an aligned allocation each.
    static void* operator new(std::size_t size, std::align_val_t alignment);
    static void operator delete(void* block, std::align_val_t alignment) noexcept;

    // The slot for the next hook call, created by `make()` on the first frame. Throws HookError
    // when the slot at this position holds another kind or type of hook. UI thread.
    template <class S, class Make>
    S& slot(Make&& make) {
        const std::size_t index = cursor_++;
        if (index < slot_count_) [[likely]] {
            Slot& existing = *slot_data()[index];
            if (existing.slot_type_ == &typeid(S) || *existing.slot_type_ == typeid(S)) [[likely]]
                return static_cast<S&>(existing);
            throw_changed(index, hook_name(S::kKind, typeid(typename S::value_type)));
        }
        return create_slot<S>(index, std::forward<Make>(make));
    }

    // Schedule slot.after_frame() for after this frame. UI thread.
    void after_frame(Slot& slot);
    // Hands an error that cannot propagate (an effect's cleanup that threw) to the runtime's
    // error handler, naming this component; `where`: "effect", "cleanup". UI thread.
    void report(const char* where, std::exception_ptr error);

    // The key as shown in messages: the string key as last rendered, "#42" for integer keys.
    const std::string& name() const { return name_; }
    RuntimeImpl& runtime() { return runtime_; }
    ImGuiID id() const { return id_; }
    ImGuiID window_id() const { return window_id_; }
    ImGuiID parent_id() const { return parent_id_; }
    std::uint32_t last_frame() const { return last_frame_; }  // low bits of the frame number
    std::span<Slot* const> slots() const { return {slot_data(), slot_count_}; }

    // A job this instance's body read in the current render (a Task's result()), for inspectors;
    // `weak()` gives the job's weak_ptr<JobSource>, made only the first time. UI thread, inside
    // the body.
    template <class Weak>
    void note_job_read(const JobSource* job, Weak&& weak) {
        if (jobs_read_)
            for (JobRead& read : *jobs_read_)
                if (read.key == job) {
                    read.frame = last_frame_;
                    return;
                }
        add_job_read(job, std::forward<Weak>(weak)());
    }
    // The jobs its body read in its last render, alive. UI thread.
    std::vector<std::shared_ptr<JobSource>> jobs_read() const;
    const std::shared_ptr<Core>& core() const;
    const std::shared_ptr<ExecutorState>& executor() const;

  private:
    friend class RuntimeImpl;
    friend struct ComponentAccess;
    friend void note_frame_request(Instance& instance, const Core& core);

    // slot()'s first frame, out of line so that the path taken every frame stays small enough to
    // be inlined.
    template <class S, class Make>
    [[gnu::noinline]] S& create_slot(std::size_t index, Make&& make) {
        if (committed_) throw_changed(index, hook_name(S::kKind, typeid(typename S::value_type)));
        if (index >= kMaxSlots) throw_too_many_hooks();
        std::unique_ptr<S> created = std::forward<Make>(make)();
        created->slot_type_ = &typeid(S);
        S& result = *created;
        push_slot(std::move(created));
        return result;
    }
    // The slot pointers: the first kInlineSlots inside the instance's hot cache line (most
    // components have few hooks: no allocation, no second line to read), more in a heap array
    // whose capacity is the count rounded up to a power of two.
    static constexpr std::size_t kInlineSlots = 3;
    static constexpr std::size_t kMaxSlots = 65535;
    union SlotStorage {
        Slot* inline_slots[kInlineSlots];
        Slot** heap;
    };
    Slot* const* slot_data() const {
        return slot_count_ > kInlineSlots ? slots_.heap : slots_.inline_slots;
    }
    Slot** slot_data() { return slot_count_ > kInlineSlots ? slots_.heap : slots_.inline_slots; }
    // Takes ownership of `slot` as the last slot (on std::bad_alloc, `slot` is destroyed and
    // nothing else changes).
    void push_slot(std::unique_ptr<Slot> slot);
    // Destroys the slots, last first; the instance shows none meanwhile.
    void clear_slots() noexcept;
    [[noreturn]] void throw_too_many_hooks() const;
    struct Failure {
        std::exception_ptr error;
        std::string message;
    };
    // HookError: slot `index` now holds `now` (a hook_name(), or "no hook ...").
    [[noreturn]] void throw_changed(std::size_t index, const std::string& now) const;
    void unmount() noexcept;
    struct JobRead {
        const JobSource* key;
        std::weak_ptr<JobSource> job;
        std::uint32_t frame;  // the last render that read it
    };
    void add_job_read(const JobSource* key, std::weak_ptr<JobSource> job);

    // Every frame the instance renders.
    SlotStorage slots_{};  // owned: see slot_data()
    Instance* parent_ = nullptr;
    long long int_key_ = 0;         // the key, for integer keys (compared on every lookup)
    std::uint32_t last_frame_ = 0;  // the low bits of the runtime's frame number
    ImGuiID seed_ = 0;              // the ID stack's top where it is rendered (compared too)
    ImGuiID window_id_ = 0;
    std::int32_t grace_ms_ = -1;  // ComponentOptions::unmount_grace (RuntimeImpl::grace_ms()):
                                  // -1: the runtime's; kForever; kReleased
    std::uint16_t slot_count_ = 0;
    std::uint16_t cursor_ = 0;  // the next hook call's slot
    bool committed_ = false;    // a render completed: the slot list is fixed from now on
    bool failed_flag_ = false;  // failed_ is set (checked every frame without leaving this line)
    bool string_key_ = false;
    bool own_seed_ = false;  // its body runs under id_, not under the ID it is filed under
                             // (which another instance with another key had first)
    // Rarely: string keys compare name_ on lookup.
    RuntimeImpl& runtime_;
    std::string name_;
    ImGuiID id_ = 0;  // the ID seed its body runs under
    // The time of the last frame it was rendered in, recorded at the first frame it was not.
    std::chrono::steady_clock::time_point last_time_{};
    std::unique_ptr<Failure> failed_;  // its body threw: render the error boundary until Retry
    ImGuiID parent_id_ = 0;  // the component it was last rendered inside (0: none), for inspectors
    // Frames requested from its body or effects in consecutive frames (render loops).
    std::uint32_t request_frame_ = 0;  // the last frame with a request, plus one (0: none)
    std::uint32_t request_streak_ = 0;
    bool loop_reported_ = false;
    bool twice_reported_ = false;  // "rendered twice" is reported once per instance
    // Its place in the order the runtime entered instances in its last frame (RuntimeImpl::enter).
    std::uint32_t order_pos_ = 0;
    std::unique_ptr<std::vector<JobRead>> jobs_read_;  // made when its body first reads a Task
};

// The instance whose body is running on this thread, or nullptr.
extern constinit thread_local Instance* t_current_instance;
// The instance whose effect (or other after-frame work) is running on this thread, or nullptr.
extern constinit thread_local Instance* t_effect_instance;
// A frame was requested through `core` while `instance`'s body or effect ran (UI thread): counts
// towards the render loop report.
void note_frame_request(Instance& instance, const Core& core);

[[noreturn]] void throw_outside_component(const char* hook);

// The runtime whose frame the calling thread is in (between NewFrame() and Render()), as its core
// and frame number; a null core outside frames. For state read from any component of any runtime
// (tasks): each runtime sees one value per frame.
struct FrameRef {
    std::shared_ptr<Core> core;
    std::size_t frame = 0;
};
FrameRef current_frame();

// The number and time of the frame the calling thread is in (see current_frame()), the time on
// the runtime's clock (RuntimeOptions::clock); outside frames: 0 and the steady clock's now.
struct FrameTime {
    std::size_t frame = 0;
    std::chrono::steady_clock::time_point time;
};
FrameTime current_frame_time();

// The current instance; throws HookError naming `hook` when called outside a component.
inline Instance& current_instance(const char* hook) {
    Instance* instance = t_current_instance;
    if (!instance) [[unlikely]]
        throw_outside_component(hook);
    return *instance;
}

}  // namespace imhooks::detail
