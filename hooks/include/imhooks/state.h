// use_state, use_ref and use_previous: persistent per-instance values.
#pragma once

#include <imhooks/deps.h>
#include <imhooks/detail/core.h>
#include <imhooks/detail/instance.h>
#include <imhooks/inspector.h>

#include <concepts>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

namespace imhooks {

namespace detail {

// The part of a use_state shared with setters on other threads. The value shown lives in the
// slot; the cell points at it while the component is mounted.
template <class T>
class StateCell final : public Updatable, public std::enable_shared_from_this<StateCell<T>> {
  public:
    StateCell(T* shown, std::shared_ptr<Core> core) : shown_(shown), core_(std::move(core)) {}

    // Any thread. `make(latest)` gives the new value from the latest one (pending or shown).
    template <class Make>
    void update(Make&& make) {
        bool post = false;
        {
            std::lock_guard lock(mutex_);
            if (!shown_) return;  // unmounted
            const T& latest = pending_ ? *pending_ : *shown_;
            T next = std::forward<Make>(make)(latest);
            if constexpr (std::equality_comparable<T>) {
                if (next == latest) return;  // unchanged: no frame
            }
            pending_.emplace(std::move(next));
            post = !queued_;
            queued_ = true;
        }
        if (post) core_->post(this->shared_from_this());
    }

    void apply() override {  // UI thread, frame start
        std::lock_guard lock(mutex_);
        if (pending_ && shown_) *shown_ = std::move(*pending_);
        pending_.reset();
        queued_ = false;
    }

    void detach() {  // UI thread: the slot holding the shown value is going away
        std::lock_guard lock(mutex_);
        shown_ = nullptr;
        pending_.reset();
    }

  private:
    std::mutex mutex_;
    T* shown_;  // the slot's value: written only by apply() (UI thread, under mutex_)
    std::optional<T> pending_;
    bool queued_ = false;
    std::shared_ptr<Core> core_;
};

template <class T>
using state_value_t = std::conditional_t<std::is_same_v<std::decay_t<T>, const char*> ||
                                             std::is_same_v<std::decay_t<T>, char*>,
                                         std::string, std::decay_t<T>>;

template <class T>
class StateSlot;

}  // namespace detail

// The setter of a use_state. Cheap to copy; keep copies in worker threads and callbacks.
// Calling it after the component unmounted (or the Runtime was destroyed) does nothing.
template <class T>
class Setter {
  public:
    Setter() = default;

    // set(value): the component shows `value` from the next frame on. A value equal (==) to the
    // latest one requests no frame. Any thread.
    template <class U>
    requires std::constructible_from<T, U&&>
    void operator()(U&& value) const {
        if (auto cell = cell_.lock())
            cell->update([&](const T&) { return T(std::forward<U>(value)); });
    }

    // set(fn): the new value is fn(latest), where latest includes updates not yet shown, so
    // concurrent set([](int n) { return n + 1; }) calls all count. Any thread.
    template <class F>
    requires(!std::constructible_from<T, F&&> && std::is_invocable_r_v<T, F&, const T&>) void
    operator()(F&& update) const {
        if (auto cell = cell_.lock())
            cell->update([&](const T& latest) { return T(update(latest)); });
    }

  private:
    template <class>
    friend class detail::StateSlot;
    explicit Setter(std::weak_ptr<detail::StateCell<T>> cell) : cell_(std::move(cell)) {}
    std::weak_ptr<detail::StateCell<T>> cell_;
};

// What use_state returns: `auto [value, set] = use_state(0);`. `value` refers to the instance's
// value for this frame; it changes only at frame starts.
template <class T>
struct State {
    const T& value;
    const Setter<T>& set;
};

namespace detail {

template <class T>
class StateSlot final : public SlotOf<StateSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::State;
    using value_type = T;

    StateSlot(T initial, std::shared_ptr<Core> core)
        : shown_(std::move(initial)),
          cell_(std::make_shared<StateCell<T>>(&shown_, std::move(core))),
          setter_(cell_) {}
    ~StateSlot() override { cell_->detach(); }
    State<T> get() const { return {shown_, setter_}; }
    // Shows the latest set() now rather than at the next frame start (for hooks built on this
    // one that must see it before an unmount). UI thread.
    void apply_pending() { cell_->apply(); }
    void describe(HookDescription& out) const override { out.value = describe_value(shown_); }

  private:
    T shown_;
    std::shared_ptr<StateCell<T>> cell_;
    Setter<T> setter_;
};

template <class T>
class RefSlot final : public SlotOf<RefSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Ref;
    using value_type = T;
    explicit RefSlot(T initial) : value(std::move(initial)) {}
    void describe(HookDescription& out) const override { out.value = describe_value(value); }
    T value;
};

}  // namespace detail

// Persistent state of the current component instance. `initial` is used on the first frame only.
// C strings are stored as std::string. UI thread, inside a component.
template <class T>
State<detail::state_value_t<T>> use_state(T&& initial) {
    using V = detail::state_value_t<T>;
    detail::Instance& instance = detail::current_instance("use_state");
    auto& slot = instance.slot<detail::StateSlot<V>>([&] {
        return std::make_unique<detail::StateSlot<V>>(V(std::forward<T>(initial)), instance.core());
    });
    return slot.get();
}

// A persistent mutable value of the current instance. Writing it never requests a frame.
// `initial` is used on the first frame only. UI thread, inside a component.
template <class T>
detail::state_value_t<T>& use_ref(T&& initial) {
    using V = detail::state_value_t<T>;
    detail::Instance& instance = detail::current_instance("use_ref");
    return instance
        .slot<detail::RefSlot<V>>(
            [&] { return std::make_unique<detail::RefSlot<V>>(V(std::forward<T>(initial))); })
        .value;
}

namespace detail {

// use_state with deps: a use_state that is remounted (new value, new setter) when deps change.
template <class T, class D>
class StateWithDepsSlot final : public SlotOf<StateWithDepsSlot<T, D>> {
  public:
    static constexpr HookKind kKind = HookKind::State;
    using value_type = T;

    template <class Make>
    State<T> get(Instance& instance, Make&& initial, D&& deps) {
        if (!state_ || !(deps_ == deps)) {
            T value = std::forward<Make>(initial)();  // throws: the previous state and deps stay
            state_.reset();                           // its setters stop working
            state_.emplace(std::move(value), instance.core());
            deps_ = std::move(deps);
        }
        return state_->get();
    }
    void describe(HookDescription& out) const override {
        if (state_) state_->describe(out);
    }

  private:
    std::optional<StateSlot<T>> state_;
    D deps_{};
};

template <class T>
class PreviousSlot final : public SlotOf<PreviousSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Previous;
    using value_type = T;

    template <class U>
    const T* get(U&& value) {
        previous_ = std::move(current_);
        current_.emplace(std::forward<U>(value));
        return previous_ ? &*previous_ : nullptr;
    }
    void describe(HookDescription& out) const override {
        out.value = describe_value_at(previous_ ? &*previous_ : nullptr);
    }

  private:
    std::optional<T> previous_, current_;
};

}  // namespace detail

// use_state whose value is reset to `initial` whenever `deps` differ (==) from the previous
// frame's, like a component remounted under a new key: the reset value shows in that same frame,
// and setters obtained before the reset do nothing any more (a worker still writing for the old
// deps cannot overwrite the new state). On the first frame it is use_state(initial). `initial` is
// used only on those frames. Costs use_state's plus one deps comparison per frame. UI thread,
// inside a component.
template <class T, class... Ds>
State<detail::state_value_t<T>> use_state(T&& initial, Deps<Ds...> deps) {
    using V = detail::state_value_t<T>;
    using Slot = detail::StateWithDepsSlot<V, Deps<Ds...>>;
    detail::Instance& instance = detail::current_instance("use_state");
    auto& slot = instance.slot<Slot>([] { return std::make_unique<Slot>(); });
    return slot.get(
        instance, [&] { return V(std::forward<T>(initial)); }, std::move(deps));
}

// The value passed to use_previous in this component's previous render (the last frame in which
// it was rendered), or nullptr in its first render. The pointer stays valid until the component's
// next render. Costs one copy of `value` per frame. C strings are stored as std::string. UI
// thread, inside a component.
//
//   const int* before = use_previous(count);
//   if (before && *before != count) ImGui::Text("changed from %d", *before);
template <class T>
const detail::state_value_t<T>* use_previous(T&& value) {
    using V = detail::state_value_t<T>;
    using Slot = detail::PreviousSlot<V>;
    detail::Instance& instance = detail::current_instance("use_previous");
    return instance.slot<Slot>([] { return std::make_unique<Slot>(); }).get(std::forward<T>(value));
}

}  // namespace imhooks
