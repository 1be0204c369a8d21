// use_state, use_ref and use_previous: persistent per-instance values.
#pragma once

#include <imhooks/deps.h>
#include <imhooks/detail/core.h>
#include <imhooks/detail/instance.h>

#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace imhooks {

namespace detail {

// A queued set(fn): fn kept until it runs, type-erased and move-only.
template <class T>
class Updater {
  public:
    virtual ~Updater() = default;
    virtual T operator()(const T& latest) = 0;
};

template <class T, class F>
class UpdaterOf final : public Updater<T> {
  public:
    explicit UpdaterOf(F&& f) : f_(std::move(f)) {}
    explicit UpdaterOf(const F& f) : f_(f) {}
    T operator()(const T& latest) override { return T(std::invoke(f_, latest)); }

  private:
    F f_;
};

// The part of a use_state shared with setters on other threads. The value shown lives in the
// slot; the cell points at it while the component is mounted.
//
// Updates are applied one at a time, in call order, and never under the cell's lock (an updater
// is user code: it may call the setter again, or take its time). Whoever finds the cell idle
// (nothing running, nothing queued) computes its update at once on its own thread, marking the
// cell "running"; an update arriving meanwhile is queued, and the queue is applied by the UI
// thread at the next frame start. So an uncontended set(fn) runs fn on the caller's thread and
// can tell that the value did not change (no frame), and contended calls all count, in order.
template <class T>
class StateCell final : public Updatable, public std::enable_shared_from_this<StateCell<T>> {
  public:
    StateCell(T* shown, std::shared_ptr<Core> core) : shown_(shown), core_(std::move(core)) {}

    // set(value). Any thread.
    void set_value(T next) {
        bool post;
        {
            std::lock_guard lock(mutex_);
            if (!shown_) return;  // unmounted
            if (running_ || !queue_.empty()) {
                queue_.emplace_back(std::in_place_index<0>, std::move(next));
            } else {
                const T& latest = pending_ ? *pending_ : *shown_;
                if constexpr (std::equality_comparable<T>) {
                    if (next == latest) return;  // unchanged: no frame
                }
                pending_ = std::move(next);
            }
            post = mark_queued();
        }
        if (post) core_->wake();
    }

    // set(fn): fn(latest) -> the new value. Any thread.
    template <class F>
    void update(F&& fn) {
        std::optional<T> copy;  // the shown value, when nothing is pending
        const T* latest;
        {
            std::unique_lock lock(mutex_);
            if (!shown_) return;  // unmounted
            if (running_ || !queue_.empty()) {
                queue_.emplace_back(
                    std::in_place_index<1>,
                    std::make_unique<UpdaterOf<T, std::decay_t<F>>>(std::forward<F>(fn)));
                const bool post = mark_queued();
                lock.unlock();
                if (post) core_->wake();
                return;
            }
            running_ = true;  // pending_ is ours until we are done
            if (pending_) {
                latest = &*pending_;
            } else {
                // A copy: the slot holding the shown value may go (unmount) while fn runs.
                copy.emplace(*shown_);
                latest = &*copy;
            }
        }
        std::optional<T> next;
        std::exception_ptr error;
        try {
            next.emplace(T(std::invoke(fn, *latest)));
            if constexpr (std::equality_comparable<T>) {
                if (*next == *latest) next.reset();  // unchanged: no frame
            }
        } catch (...) {
            error = std::current_exception();
        }
        finish(std::move(next));
        if (error) std::rethrow_exception(error);  // the state is unchanged
    }

    // UI thread, at the start of a frame: applies the queue, then shows the pending value.
    void apply() override {
        {
            std::lock_guard lock(mutex_);
            queued_ = false;
            if (!shown_) return;
            if (running_) return;  // an update computed on another thread; it posts when done
            if (queue_.empty()) {
                if (pending_) {
                    *shown_ = std::move(*pending_);
                    pending_.reset();
                }
                return;
            }
            running_ = true;
        }
        // Alone (running_), outside the lock: the queued updaters are user code. Updates queued
        // meanwhile (an updater calling its own setter, another thread) are applied too, in
        // order, for a bounded number of rounds: an updater that always queues another cannot
        // hang the frame, its chain goes on at the next frame start.
        T* latest = pending_ ? &*pending_ : shown_;
        std::exception_ptr error;
        for (int round = 0; round < kRoundsPerFrame; ++round) {
            std::vector<Item> items;  // destroyed outside the lock
            {
                std::lock_guard lock(mutex_);
                items.swap(queue_);
            }
            if (items.empty()) break;
            for (Item& item : items) {
                try {
                    if (item.index() == 0) {
                        *latest = std::move(std::get<0>(item));
                    } else {
                        T next = (*std::get<1>(item))(*latest);
                        *latest = std::move(next);
                    }
                } catch (...) {
                    if (!error) error = std::current_exception();  // the others still apply
                }
            }
        }
        bool post;
        {
            std::lock_guard lock(mutex_);
            running_ = false;
            if (pending_) {
                *shown_ = std::move(*pending_);
                pending_.reset();
            }
            post = !queue_.empty() && mark_queued();
        }
        if (post) core_->wake();
        if (error) std::rethrow_exception(error);  // reported by the runtime
    }

    void detach() {  // UI thread: the slot holding the shown value is going away
        std::optional<T> pending;
        std::vector<Item> queue;  // destroyed after the lock is released
        std::lock_guard lock(mutex_);
        shown_ = nullptr;
        if (running_) return;  // the update in flight drops them when it finishes
        pending.swap(pending_);
        queue.swap(queue_);
    }

  private:
    using Item = std::variant<T, std::unique_ptr<Updater<T>>>;
    static constexpr int kRoundsPerFrame = 64;

    // Under mutex_: queues the cell for the next frame start unless it already is, so that an
    // update is queued before the call that made it returns (a set() that coalesces with another
    // thread's still shows at the next frame). True: the caller wakes the UI after unlocking.
    bool mark_queued() {
        if (queued_) return false;
        queued_ = true;
        core_->enqueue(this->shared_from_this());
        return true;
    }

    // An update computed by update() outside the lock: store it, and post what is left to show.
    void finish(std::optional<T> next) {
        std::optional<T> dropped;
        std::vector<Item> dropped_queue;
        bool post = false;
        {
            std::lock_guard lock(mutex_);
            running_ = false;
            if (!shown_) {  // unmounted meanwhile: nothing will show any of it
                dropped.swap(pending_);
                dropped_queue.swap(queue_);
            } else {
                if (next) pending_ = std::move(*next);
                post = (pending_ || !queue_.empty()) && mark_queued();
            }
        }
        if (post) core_->wake();
    }

    std::mutex mutex_;
    T* shown_;                  // the slot's value: written by apply() (UI thread) only
    std::optional<T> pending_;  // the next value to show; while running_, the runner's alone
    std::vector<Item> queue_;   // updates that arrived while one ran, in call order
    bool running_ = false;      // an update is being computed outside the lock
    bool queued_ = false;       // in the core's queue
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
    requires(std::constructible_from<T, U&&> && !std::is_invocable_v<U&, const T&>) void operator()(
        U&& value) const {
        if (auto cell = cell_.lock()) cell->set_value(T(std::forward<U>(value)));
    }

    // set(fn): the new value is fn(latest), where latest includes updates not yet shown, so
    // concurrent set([](int n) { return n + 1; }) calls all count, in call order. Any callable
    // that accepts the current value is an updater, even when T could also be built from it
    // (set([](bool b) { return !b; }) toggles a bool); to store such a callable as the value,
    // return it from an updater.
    //
    // Where fn runs: never under a lock of the runtime, so it may call set() again (that update
    // applies after fn's own result). When no other update of this state is running or queued,
    // fn runs at once on the calling thread, and an exception it throws propagates to the caller
    // with the state unchanged. Otherwise (a concurrent or re-entrant set()) it is queued and runs
    // on the UI thread at the next frame start, with what it queues in turn (up to 64 rounds per
    // frame); an exception it throws there is reported on stderr and the other updates still
    // apply. Keep fn pure: which thread runs it depends on timing. Any thread.
    template <class F>
    requires std::is_invocable_v<F&, const T&>
    void operator()(F&& update) const {
        static_assert(std::is_constructible_v<T, std::invoke_result_t<F&, const T&>>,
                      "imhooks: set(fn): fn(const T& latest) must return the new value (a T)");
        if (auto cell = cell_.lock()) cell->update(std::forward<F>(update));
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
