// use_thread: run a job on a worker thread and show its state, value, error and progress.
#pragma once

#include <imhooks/deps.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/sanitizers.h>
#include <imhooks/detail/thread_hook.h>
#include <imhooks/detail/typed_hook.h>
#include <imhooks/executor.h>
#include <imhooks/generator.h>
#include <imhooks/job.h>
#include <imhooks/result.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace imhooks {

struct ThreadOptions {
    // true: after a stop request the job is aborted at its next checkpoint (checkpoint(),
    // sleep_for(), report_progress(), Job::yield(), between generator elements) by Cancelled.
    // false: nothing throws; the job polls its std::stop_token; sleep_for returns early.
    bool intrusive_cancel = true;
    // The executor the runs go to; null (default): the runtime's (RuntimeOptions::executor).
    // Read on the first frame only; the hook keeps the executor alive while it is mounted.
    std::shared_ptr<Executor> executor{};
    // true: each run has a thread to itself and takes no slot, as if the whole job were inside
    // blocking(): for jobs that block in ways the library cannot see (a driver call, a child
    // process). Such runs count against ExecutorOptions::max_threads only.
    bool dedicated_thread = false;
    // Runs of higher priority leave the executor's queue first; among equal priorities the newest
    // run goes first (the rows just scrolled into view). Read at every run request.
    int priority = 0;
};

namespace detail {

struct Deduce {};  // use_thread<T> was not given: T comes from the job's signature

template <class T>
struct is_job_ref : std::false_type {};
template <class T>
struct is_job_ref<Job<T>&> : std::true_type {
    using value_type = T;
};

// The parameter of a one-argument callable (non-generic lambda, function, function pointer).
template <class F>
struct single_arg {
    using type = void;
};
template <class F>
requires requires {
    &F::operator();
}
struct single_arg<F> : single_arg<decltype(&F::operator())> {};
template <class R, class A>
struct single_arg<R (*)(A)> {
    using type = A;
};
template <class R, class A>
struct single_arg<R(A)> {
    using type = A;
};
#define IMHOOKS_SINGLE_ARG_MEMBER(QUALIFIERS)   \
    template <class C, class R, class A>        \
    struct single_arg<R (C::*)(A) QUALIFIERS> { \
        using type = A;                         \
    };
IMHOOKS_SINGLE_ARG_MEMBER()
IMHOOKS_SINGLE_ARG_MEMBER(const)
IMHOOKS_SINGLE_ARG_MEMBER(noexcept)
IMHOOKS_SINGLE_ARG_MEMBER(const noexcept)
#undef IMHOOKS_SINGLE_ARG_MEMBER

// Which of the five accepted forms F is, and its value type T.
template <class Hint, class F>
struct job_traits {
    using arg = typename single_arg<F>::type;
    static constexpr bool job_ref_deduced = is_job_ref<arg>::value;

    static constexpr JobForm form = [] {
        if constexpr (!std::is_same_v<Hint, Deduce> && std::is_invocable_v<F&, Job<Hint>&>)
            return JobForm::JobRef;
        else if constexpr (job_ref_deduced)
            return JobForm::JobRef;
        else if constexpr (std::is_invocable_v<F&, std::stop_token>)
            return is_generator<std::invoke_result_t<F&, std::stop_token>>::value
                       ? JobForm::GeneratorStopToken
                       : JobForm::StopToken;
        else if constexpr (std::is_invocable_v<F&>)
            return is_generator<std::invoke_result_t<F&>>::value ? JobForm::Generator
                                                                 : JobForm::Plain;
        else
            return JobForm::Invalid;
    }();

    static auto value_type_of() {
        if constexpr (form == JobForm::JobRef) {
            if constexpr (!std::is_same_v<Hint, Deduce>)
                return std::type_identity<Hint>{};
            else
                return std::type_identity<typename is_job_ref<arg>::value_type>{};
        } else if constexpr (form == JobForm::StopToken) {
            return std::type_identity<
                returned_value_t<std::invoke_result_t<F&, std::stop_token>>>{};
        } else if constexpr (form == JobForm::GeneratorStopToken) {
            return std::type_identity<
                typename is_generator<std::invoke_result_t<F&, std::stop_token>>::value_type>{};
        } else if constexpr (form == JobForm::Plain) {
            return std::type_identity<returned_value_t<std::invoke_result_t<F&>>>{};
        } else if constexpr (form == JobForm::Generator) {
            return std::type_identity<
                typename is_generator<std::invoke_result_t<F&>>::value_type>{};
        } else {
            return std::type_identity<std::monostate>{};
        }
    }
    using value_type = typename decltype(value_type_of())::type;
};

// A use_thread job: the callable, copied when the run is requested.
template <class T, class F, JobForm Form>
class JobImpl final : public TypedJob<T> {
  public:
    template <class G>
    explicit JobImpl(G&& f) : f_(std::forward<G>(f)) {}
    void run(TypedRun<T>& run, std::shared_ptr<const void>& returned) const override {
        invoke_job<T, Form>(f_, run, returned);
    }

  private:
    mutable F f_;  // a job is run by one thread at a time
};

// use_thread's hook: the UI's snapshot is rebuilt at frame starts, from the runtime's queue, into
// the slot that shows it (read every frame: it lives next to the slot's other fields).
template <class T>
class ThreadHook final : public TypedHook<T> {
  public:
    using TypedHook<T>::TypedHook;

    // Shows the first snapshot (Initial) in `*shown`, where apply() and a dependency change write
    // the snapshot to show from now on. The Initial snapshot is one for every hook of this type,
    // since it shows nothing of its own; the Results of the first frame name their hook apart
    // (ThreadSlot::render). Mounting thousands of rows in one frame then builds none. UI thread,
    // before the hook is handed to any other object or thread: it takes no lock.
    void attach(std::shared_ptr<const Snapshot<T>>* shown) {
        static const std::shared_ptr<const Snapshot<T>> shared = std::make_shared<Snapshot<T>>();
        *shown = shared;
        this->shown_ = shown;
        this->record_shown_locked(ResultState::Initial);
    }
    // Where the snapshot is shown from now on; null: the slot is gone. UI thread.
    void show_in(std::shared_ptr<const Snapshot<T>>* shown) {
        std::lock_guard lock(this->mutex_);
        this->shown_ = shown;
    }

    void describe_job(JobDescription& out) override {
        std::shared_ptr<const Snapshot<T>> shown;
        {
            std::lock_guard lock(this->mutex_);
            if (this->shown_) shown = *this->shown();
        }
        if (!shown) {  // its slot is gone: only its history is left
            this->describe_history(out);
            if (!out.timeline.empty()) out.state = out.timeline.back().state;
            return;
        }
        this->describe_shown(*shown, out);  // prints the value outside the lock
    }

    // Frame start: show the pending changes. UI thread.
    void apply() override {
        typename ThreadHookBase::Released released;
        std::shared_ptr<const Snapshot<T>> released_snapshot;
        std::lock_guard lock(this->mutex_);  // released before the objects declared above
        this->queued_ = false;
        if (!this->changed_ || !this->shown_) return;
        this->changed_ = false;
        // When no Result holds the snapshot shown, it is updated where it is: a running row's
        // progress then costs no allocation, no reference count of this hook, and a read of the
        // few fields a progress update writes.
        Snapshot<T>* own = sole_owner(*shown());
        if (own && this->progress_only_) {
            this->refill_progress_locked(*own);
            return;
        }
        this->take_fresh_locked(released.value);
        if (own) {
            this->refill_locked(*own, released);
            return;
        }
        released_snapshot = std::exchange(*shown(), this->snapshot_locked(std::nullopt));
    }

    // The slot's line, then the snapshot it shows (the slot's line is in cache by then).
    void prefetch(int step) const override {
#if defined(__GNUC__)
        if (!this->shown_) return;
        if (step == 1) {
            __builtin_prefetch(this->shown_);
        } else if (const Snapshot<T>* snapshot = shown()->get()) {
            // Its reference counts lie just before it (std::make_shared).
            __builtin_prefetch(reinterpret_cast<const char*>(snapshot) - 16, 1);
            __builtin_prefetch(reinterpret_cast<const char*>(snapshot) + 48, 1);
        }
#else
        (void)step;
#endif
    }

  protected:
    bool show_starting_locked(typename ThreadHookBase::Released& released) override {
        if (!this->shown_) return false;
        this->take_fresh_locked(released.value);
        released.snapshot = std::exchange(*shown(), this->snapshot_locked(ResultState::Starting));
        return true;
    }

  private:
    // The snapshot, when the slot's reference is its only one: no Result shows it, and none can
    // come to but through the slot, on this thread. A Result released on another thread released
    // its reference with a release decrement; the acquire fence puts that thread's reads of the
    // snapshot before the writes that update it. ThreadSanitizer does not model fences: there a
    // new snapshot is always built.
    static Snapshot<T>* sole_owner(const std::shared_ptr<const Snapshot<T>>& shown) {
        if (IMHOOKS_DETAIL_TSAN || shown.use_count() != 1) return nullptr;
        std::atomic_thread_fence(std::memory_order_acquire);
        return const_cast<Snapshot<T>*>(shown.get());
    }

    // The slot's snapshot (ThreadHookBase::shown_).
    std::shared_ptr<const Snapshot<T>>* shown() const {
        return static_cast<std::shared_ptr<const Snapshot<T>>*>(this->shown_);
    }
};

template <class T, class D>
class ThreadSlot final : public SlotOf<ThreadSlot<T, D>> {
  public:
    static constexpr HookKind kKind = HookKind::Thread;
    using value_type = T;
    ThreadSlot(Instance& instance, std::shared_ptr<Executor> executor)
        : hook_(make_work<ThreadHook<T>>(instance.core(),
                                         executor ? executor->state() : instance.executor(),
                                         instance.name())),
          executor_(std::move(executor)) {
        hook_->attach(&shown_);
    }
    ~ThreadSlot() override { hook_->show_in(nullptr); }

    template <class Make>
    Result<T> render(Instance& instance, Make&& make_job, D&& deps, const RunPolicy& policy) {
        if (!mounted_) {
            mounted_ = true;
            deps_ = std::move(deps);
            first_job_ = make_job();
            policy_ = policy;
            instance.after_frame(*this);  // rule 1: start right after the first frame
        } else if (!(deps_ == deps)) {
            deps_ = std::move(deps);
            hook_->request_run(make_job(), policy, /*show_starting=*/true);
        }
        // The shared Initial snapshot names no hook: this Result steers its own (kept, it cancels
        // and retries the runs that come later).
        if (shown_->state == ResultState::Initial) [[unlikely]]
            return Result<T>(shown_, hook_);
        return Result<T>(shown_);
    }

    void after_frame() override {
        if (first_job_) hook_->request_run(std::move(first_job_), policy_);
        first_job_.reset();
    }
    void unmount() override {
        hook_->show_in(nullptr);
        hook_->detach();
    }
    std::optional<ResultState> status() const override { return shown_->state; }
    JobSource* job() const override { return hook_.get(); }

  private:
    // Read every frame: first.
    std::shared_ptr<const Snapshot<T>> shown_;  // written by the hook, under its lock, UI thread
    D deps_{};
    bool mounted_ = false;
    std::shared_ptr<ThreadHook<T>> hook_;
    // Rarely.
    std::shared_ptr<Executor> executor_;  // ThreadOptions::executor, kept alive while mounted
    RunPolicy policy_;
    std::shared_ptr<const ErasedJob> first_job_;
};

}  // namespace detail

// Runs `job` on an executor after the first frame, and again when `deps` change (the old run is
// stopped first), and returns this frame's Result. Accepted job forms, chosen at compile time:
//   T()   T(std::stop_token)   Generator<T>()   Generator<T>(std::stop_token)   T(Job<T>&)
// (a job returning void gives Result<std::monostate>). The job is copied when the run is
// requested; retry() re-runs that copy. The job and its captures are destroyed on an executor
// thread, never on the UI thread. Jobs never call ImGui. UI thread, inside a component.
template <class T = detail::Deduce, class F, class... Ds>
auto use_thread(F&& job, Deps<Ds...> deps = {}, ThreadOptions options = {}) {
    using Fn = std::decay_t<F>;
    using Traits = detail::job_traits<T, Fn>;
    static_assert(
        Traits::form != detail::JobForm::Invalid,
        "use_thread: the job must be callable as one of: T(), T(std::stop_token), "
        "imhooks::Generator<T>(), imhooks::Generator<T>(std::stop_token), "
        "T(imhooks::Job<T>&) (for a generic lambda taking Job, name T: use_thread<T>(...))");
    using V = typename Traits::value_type;
    static_assert(std::is_move_constructible_v<V> && std::is_destructible_v<V>,
                  "use_thread: the job's result type must be move-constructible (it is moved "
                  "into the Result once, on the worker thread)");
    using D = Deps<Ds...>;
    using Slot = detail::ThreadSlot<V, D>;
    detail::Instance& instance = detail::current_instance("use_thread");
    auto& slot = instance.slot<Slot>(
        [&] { return std::make_unique<Slot>(instance, std::move(options.executor)); });
    auto make_job = [&]() -> std::shared_ptr<const detail::ErasedJob> {
        return std::make_shared<const detail::JobImpl<V, Fn, Traits::form>>(std::forward<F>(job));
    };
    return slot.render(
        instance, make_job, std::move(deps),
        detail::RunPolicy{options.intrusive_cancel, options.dedicated_thread, options.priority});
}

// use_thread(job, options): run once on mount, with options.
template <class T = detail::Deduce, class F>
auto use_thread(F&& job, ThreadOptions options) {
    return use_thread<T>(std::forward<F>(job), Deps<>{}, std::move(options));
}

}  // namespace imhooks
