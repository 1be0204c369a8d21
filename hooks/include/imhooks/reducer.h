// use_reducer: state changed only by actions, applied in order by a reducer on the UI thread.
//
//   struct Add { std::string text; };
//   struct Toggle { int index; };
//   using Action = std::variant<Add, Toggle>;
//   Todos reduce(const Todos& todos, const Action& action);   // returns the next state
//
//   auto [todos, dispatch] = imhooks::use_reducer(reduce, Todos{});
//   if (ImGui::Button("Add")) dispatch(Add{"write tests"});   // or from any thread
#pragma once

#include <imhooks/detail/core.h>
#include <imhooks/detail/hook_services.h>
#include <imhooks/detail/instance.h>
#include <imhooks/state.h>

#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace imhooks {

namespace detail {

// Where a use_reducer's queued actions go at frame start: its slot, while mounted.
template <class A>
class ActionSink {
  public:
    virtual void reduce(std::vector<A>& actions) = 0;  // UI thread, frame start, no lock held

  protected:
    ~ActionSink() = default;
};

// The part of a use_reducer shared with Dispatch copies on other threads.
template <class A>
class ActionQueue final : public Updatable, public std::enable_shared_from_this<ActionQueue<A>> {
  public:
    ActionQueue(ActionSink<A>* sink, std::shared_ptr<Core> core)
        : sink_(sink), core_(std::move(core)) {}

    // Any thread.
    void push(A&& action) {
        bool post = false;
        {
            std::lock_guard lock(mutex_);
            if (!open_) return;  // unmounted
            actions_.push_back(std::move(action));
            post = !queued_;
            queued_ = true;
        }
        if (post) core_->post(this->shared_from_this());
    }

    void apply() override {  // UI thread, frame start
        std::vector<A> actions;
        {
            std::lock_guard lock(mutex_);
            actions.swap(actions_);
            queued_ = false;
        }
        // The reducer is user code: it runs without the lock, so it may dispatch again (those
        // actions wait for the next frame).
        if (sink_ && !actions.empty()) sink_->reduce(actions);
    }

    void detach() {  // UI thread: the slot is going away
        sink_ = nullptr;
        std::vector<A> dropped;  // destroyed outside the lock: actions are user types
        std::lock_guard lock(mutex_);
        open_ = false;
        dropped.swap(actions_);
    }

  private:
    ActionSink<A>* sink_;  // UI thread only
    std::mutex mutex_;
    std::vector<A> actions_;
    bool queued_ = false;
    bool open_ = true;
    std::shared_ptr<Core> core_;
};

template <class S, class A, class R>
class ReducerSlot;

// The action type of a reducer callable as S(const S&, A): the decayed second parameter of a
// function (pointer) or of a class's single, non-template operator().
template <class F>
struct reducer_action {};
template <class S, class P, class A>
struct reducer_action<S (*)(P, A)> {
    using type = std::decay_t<A>;
};
template <class S, class P, class A>
struct reducer_action<S (*)(P, A) noexcept> {
    using type = std::decay_t<A>;
};
template <class C, class S, class P, class A>
struct reducer_action<S (C::*)(P, A) const> {
    using type = std::decay_t<A>;
};
template <class C, class S, class P, class A>
struct reducer_action<S (C::*)(P, A) const noexcept> {
    using type = std::decay_t<A>;
};
template <class C, class S, class P, class A>
struct reducer_action<S (C::*)(P, A)> {
    using type = std::decay_t<A>;
};
template <class C, class S, class P, class A>
struct reducer_action<S (C::*)(P, A) noexcept> {
    using type = std::decay_t<A>;
};
template <class F>
requires requires {
    &F::operator();
}
struct reducer_action<F> : reducer_action<decltype(&F::operator())> {};
template <class S, class P, class A>
struct reducer_action<S(P, A)> : reducer_action<S (*)(P, A)> {};

struct deduce_action {};

template <class R, class A>
struct action_type {
    using type = A;
};
template <class R>
struct action_type<R, deduce_action> {
    static_assert(
        requires { typename reducer_action<R>::type; },
        "imhooks::use_reducer: the action type cannot be deduced from this reducer (a "
        "generic lambda, or an overloaded call operator); give it: "
        "use_reducer<Action>(reducer, initial)");
    using type = typename reducer_action<R>::type;
};

}  // namespace detail

// Sends actions to a use_reducer. Cheap to copy; keep copies in worker threads and callbacks.
// Calling it after the component unmounted (or the Runtime was destroyed) does nothing.
template <class A>
class Dispatch {
  public:
    Dispatch() = default;

    // Queues `action`. At the next frame start the reducer applies the queued actions on the UI
    // thread, in the order they were dispatched (from one thread; calls racing on several threads
    // are applied in the order they took the queue's lock). Requests a frame. Costs a lock and a
    // move into a vector; the first action of a burst also posts the queue. Any thread.
    void operator()(A action) const {
        if (auto queue = queue_.lock()) queue->push(std::move(action));
    }

  private:
    template <class, class, class>
    friend class detail::ReducerSlot;
    explicit Dispatch(std::weak_ptr<detail::ActionQueue<A>> queue) : queue_(std::move(queue)) {}
    std::weak_ptr<detail::ActionQueue<A>> queue_;
};

// What use_reducer returns: `auto [state, dispatch] = use_reducer(reduce, initial);`. `state`
// refers to the instance's state for this frame; it changes only at frame starts.
template <class S, class A>
struct ReducerState {
    const S& state;
    const Dispatch<A>& dispatch;
};

namespace detail {

template <class S, class A, class R>
class ReducerSlot final : public SlotOf<ReducerSlot<S, A, R>>, private ActionSink<A> {
  public:
    static constexpr HookKind kKind = HookKind::Reducer;
    using value_type = S;

    ReducerSlot(Instance& instance, S initial)
        : instance_(instance),
          state_(std::move(initial)),
          queue_(
              std::make_shared<ActionQueue<A>>(static_cast<ActionSink<A>*>(this), instance.core())),
          dispatch_(queue_) {}
    ~ReducerSlot() override { queue_->detach(); }

    template <class F>
    ReducerState<S, A> render(F&& reducer) {
        // The reducer of the latest render is the one applied (it may capture this frame's
        // values).
        reducer_.reset();
        reducer_.emplace(std::forward<F>(reducer));
        return {state_, dispatch_};
    }
    void describe(HookDescription& out) const override { out.value = describe_value(state_); }

  private:
    void reduce(std::vector<A>& actions) override {
        for (A& action : actions) {
            try {
                S next = std::invoke(*reducer_, std::as_const(state_), std::move(action));
                state_ = std::move(next);
            } catch (...) {
                // The action is dropped, the state stays; the rest still apply.
                report_hook_error(instance_, "reducer", std::current_exception());
            }
        }
    }

    Instance& instance_;
    S state_;
    std::optional<R> reducer_;
    std::shared_ptr<ActionQueue<A>> queue_;
    Dispatch<A> dispatch_;
};

}  // namespace detail

// State of the current component instance changed only through actions: `dispatch(action)`
// (any thread) queues an action; at the next frame start, on the UI thread, each queued action is
// applied in order as `state = reducer(state, action)`, and the frame shows the result.
// `reducer` is callable as S(const S&, A) and must return the next state rather than modify it;
// the reducer passed in the latest render is the one applied. The action type A is deduced from a
// function or a lambda with one non-template call operator, or given: use_reducer<A>(...).
// A reducer that throws drops that action (the state stays as it was before it) and the
// exception goes to the runtime's error handler (ComponentError::where == "reducer", naming the
// component); the following actions still apply. No library lock is held while it runs.
// `initial` is used on the first frame only; C strings are stored as std::string. Costs a copy of
// the reducer per frame (a pointer for functions and capture-less lambdas). UI thread, inside a
// component.
template <class A = detail::deduce_action, class R, class T>
auto use_reducer(R&& reducer, T&& initial) {
    using S = detail::state_value_t<T>;
    using Reducer = std::decay_t<R>;
    using Action = typename detail::action_type<Reducer, A>::type;
    static_assert(std::is_invocable_r_v<S, Reducer&, const S&, Action&&>,
                  "imhooks::use_reducer: the reducer must be callable as S(const S& state, A "
                  "action) and return the next state");
    static_assert(std::is_move_constructible_v<Action>,
                  "imhooks::use_reducer: the action type must be movable");
    using Slot = detail::ReducerSlot<S, Action, Reducer>;
    detail::Instance& instance = detail::current_instance("use_reducer");
    auto& slot = instance.slot<Slot>(
        [&] { return std::make_unique<Slot>(instance, S(std::forward<T>(initial))); });
    return slot.render(std::forward<R>(reducer));
}

}  // namespace imhooks
