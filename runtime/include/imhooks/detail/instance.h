// Internal: component instances and their hook slots, used by the hooks. Not a public API.
#pragma once

#include <imhooks/detail/core.h>

#include <imgui.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace imhooks::detail {

class RuntimeImpl;

enum class HookKind : unsigned char { State, Ref, Memo, Effect, Thread };
const char* hook_kind_name(HookKind kind);

// One hook's storage in a component instance. Created on the first frame the hook is called,
// destroyed at unmount (after unmount() ran, in reverse slot order).
class Slot {
  public:
    Slot(HookKind kind, const std::type_info& value_type) : kind_(kind), value_type_(&value_type) {}
    virtual ~Slot() = default;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // Work scheduled with Instance::after_frame(): runs once after the frame's end (effects,
    // job starts). UI thread.
    virtual void after_frame() {}
    // The instance unmounts: run cleanups, stop jobs. Must not block. UI thread.
    virtual void unmount() {}
    // A short live status for inspectors (use_thread: its state). UI thread.
    virtual std::string status() const { return {}; }

    HookKind kind() const { return kind_; }
    const std::type_info& value_type() const { return *value_type_; }

  private:
    friend class Instance;
    HookKind kind_;
    const std::type_info* value_type_;
    const std::type_info* slot_type_ = nullptr;  // the concrete Slot class, checked every frame
};

class Instance {
  public:
    Instance(RuntimeImpl& runtime, std::string name) : runtime_(runtime), name_(std::move(name)) {}
    ~Instance();

    // The slot for the next hook call, created by `make()` on the first frame. Throws HookError
    // when the slot at this position holds another kind or type of hook. UI thread.
    template <class S, class Make>
    S& slot(HookKind kind, const std::type_info& value_type, Make&& make) {
        const std::size_t index = cursor_++;
        if (index < slots_.size()) [[likely]] {
            Slot& existing = *slots_[index];
            if (existing.slot_type_ == &typeid(S) || *existing.slot_type_ == typeid(S)) [[likely]]
                return static_cast<S&>(existing);
            throw_changed(index, kind, value_type);
        }
        if (committed_) throw_changed(index, kind, value_type);
        std::unique_ptr<S> created = std::forward<Make>(make)();
        created->slot_type_ = &typeid(S);
        S& result = *created;
        slots_.push_back(std::move(created));
        return result;
    }

    // Schedule slot.after_frame() for after this frame. UI thread.
    void after_frame(Slot& slot);

    const std::string& name() const { return name_; }
    RuntimeImpl& runtime() { return runtime_; }
    const std::shared_ptr<Core>& core() const;

  private:
    friend class RuntimeImpl;
    friend struct ComponentAccess;
    [[noreturn]] void throw_changed(std::size_t index, HookKind kind,
                                    const std::type_info& value_type) const;
    void unmount() noexcept;

    RuntimeImpl& runtime_;
    std::string name_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::size_t cursor_ = 0;
    bool committed_ = false;  // a render completed: the slot list is fixed from now on
    Instance* parent_ = nullptr;
    std::size_t last_frame_ = 0;
    std::chrono::steady_clock::time_point last_time_{};
    ImGuiID id_ = 0;
    ImGuiID window_id_ = 0;
    std::optional<std::chrono::milliseconds> grace_;
    std::exception_ptr failed_;  // its body threw: render the error boundary until Retry
    std::string failed_message_;
};

// The instance whose body is running on this thread, or nullptr.
extern constinit thread_local Instance* t_current_instance;

[[noreturn]] void throw_outside_component(const char* hook);

// The current instance; throws HookError naming `hook` when called outside a component.
inline Instance& current_instance(const char* hook) {
    Instance* instance = t_current_instance;
    if (!instance) [[unlikely]]
        throw_outside_component(hook);
    return *instance;
}

}  // namespace imhooks::detail
