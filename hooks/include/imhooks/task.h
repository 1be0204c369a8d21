// Task and use_task: a job started on demand, with arguments, whose state any component can read.
//
//   imhooks::Task<std::size_t(std::string)> save_as([](std::string path, std::stop_token stop) {
//       return write_document(path, stop);                      // the user's own work
//   });
//   ...
//   if (ImGui::Button("Save")) save_as(path);                   // a button, a worker: any thread
//   imhooks::Result<std::size_t> saved = save_as.result();      // any panel, any window
//
// A Task runs one run at a time, like a use_thread hook: calling it again supersedes the run in
// flight (the new one is Waiting until the old one leaves user code; superseded runs never
// publish). Its Result is use_thread's: state, the value (kept while a new run is under way, and
// stale() then), error, progress, cancel(), retry() (with the last arguments). Before the first
// call its state is Initial. Every runtime whose frames read result() is woken by its changes, and
// sees one value per frame.
#pragma once

#include <imhooks/deps.h>
#include <imhooks/detail/core.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/thread_hook.h>
#include <imhooks/detail/typed_hook.h>
#include <imhooks/executor.h>
#include <imhooks/generator.h>
#include <imhooks/job.h>
#include <imhooks/result.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace imhooks {

struct TaskOptions {
    // As ThreadOptions::intrusive_cancel: abort at the next checkpoint (true) or let the job poll
    // its std::stop_token (false).
    bool intrusive_cancel = true;
    // Where the runs execute. Null (default): a Task runs on shared_executor(); use_task on the
    // runtime's executor.
    std::shared_ptr<Executor> executor{};
    // As ThreadOptions::dedicated_thread and ThreadOptions::priority.
    bool dedicated_thread = false;
    int priority = 0;
    // How long ~Task waits for its run to honour the stop before it leaves it running.
    std::chrono::milliseconds shutdown_timeout{2000};
    // Names the task in reports of errors nobody saw (a run that threw after it was superseded).
    std::string name{};
};

template <class Signature>
class Task;
template <class Signature>
class TaskHandle;

namespace detail {

void report_task_left_running(const std::string& name, std::chrono::milliseconds timeout);

// Which of the five forms F is for a task of value V and arguments Args:
//   V(Args...)  V(Args..., std::stop_token)  Generator<V>(Args...)
//   Generator<V>(Args..., std::stop_token)  V(Job<V>&, Args...)
template <class V, class F, class... Args>
constexpr JobForm task_form() {
    if constexpr (std::is_invocable_v<F&, Job<V>&, Args&...>) {
        return JobForm::JobRef;
    } else if constexpr (std::is_invocable_v<F&, Args&..., std::stop_token>) {
        using R = std::invoke_result_t<F&, Args&..., std::stop_token>;
        if constexpr (std::is_same_v<R, Generator<V>>)
            return JobForm::GeneratorStopToken;
        else if constexpr (std::is_same_v<returned_value_t<R>, V> || std::is_convertible_v<R, V>)
            return JobForm::StopToken;
        else
            return JobForm::Invalid;
    } else if constexpr (std::is_invocable_v<F&, Args&...>) {
        using R = std::invoke_result_t<F&, Args&...>;
        if constexpr (std::is_same_v<R, Generator<V>>)
            return JobForm::Generator;
        else if constexpr (std::is_same_v<returned_value_t<R>, V> || std::is_convertible_v<R, V>)
            return JobForm::Plain;
        else
            return JobForm::Invalid;
    } else {
        return JobForm::Invalid;
    }
}

// One call of a task: its callable (shared by all calls) and the call's arguments.
template <class V, class F, JobForm Form, class... Args>
class BoundJob final : public TypedJob<V> {
  public:
    template <class... As>
    BoundJob(std::shared_ptr<F> f, As&&... args)
        : f_(std::move(f)), args_(std::forward<As>(args)...) {}
    void run(TypedRun<V>& run, std::shared_ptr<const void>& returned) const override {
        std::apply([&](auto&... args) { invoke_job<V, Form>(*f_, run, returned, args...); }, args_);
    }

  private:
    std::shared_ptr<F> f_;              // runs of one task never overlap: one caller at a time
    mutable std::tuple<Args...> args_;  // kept for retry()
};

// Where a task's changes go: the runtimes that read it (woken on each change), and the runtime of
// the component that owns it (use_task), which also counts its work and hears of its discarded
// errors.
class TaskSink final : public ChangeSink {
  public:
    explicit TaskSink(std::shared_ptr<Core> owner = nullptr) : owner_(std::move(owner)) {}
    void enqueue(const std::shared_ptr<Updatable>&) override {}  // snapshots are made when read
    void wake() override;
    void work_began() override;
    void work_ended() override;
    void report_discarded(const std::string& name, std::exception_ptr error) override;
    // A runtime read the task in a frame: it is woken by later changes. Any thread.
    void add_reader(const std::shared_ptr<Core>& core);
    // Waits until no run or chore of the task is left, at most `timeout`. True when none is left.
    bool wait_idle(std::chrono::milliseconds timeout);

  private:
    std::shared_ptr<Core> owner_;
    std::mutex mutex_;
    std::condition_variable idle_cv_;
    std::vector<std::weak_ptr<Core>> readers_;
    std::size_t active_ = 0;
};

// A task's hook: its snapshot is made when it is read, once per frame per reading runtime.
template <class V>
class TaskHook final : public TypedHook<V> {
  public:
    TaskHook(std::shared_ptr<TaskSink> sink, std::shared_ptr<ExecutorState> executor,
             std::string name)
        : TypedHook<V>(sink, std::move(executor), std::move(name)), task_sink_(std::move(sink)) {}

    // The task as of this frame for a reader inside a frame (the same snapshot for the rest of
    // that runtime's frame), else as of now. Any thread.
    std::shared_ptr<const Snapshot<V>> read() {
        const FrameRef frame = current_frame();
        std::shared_ptr<const void> released_value;
        std::shared_ptr<const Snapshot<V>> released_snapshot, result;
        bool new_reader = false;
        {
            std::lock_guard lock(this->mutex_);
            refresh_locked(released_value, released_snapshot);
            if (!frame.core) return latest_;
            Reader* reader = find_locked(frame.core.get());
            if (!reader) {
                readers_.push_back({frame.core, frame.core.get(), frame.frame, latest_});
                new_reader = true;
                result = latest_;
            } else {
                if (reader->frame != frame.frame) {
                    reader->frame = frame.frame;
                    reader->shown = latest_;
                }
                result = reader->shown;
            }
        }
        if (new_reader) task_sink_->add_reader(frame.core);
        if (Instance* instance = t_current_instance)
            instance->note_job_read(
                this, [this] { return std::weak_ptr<JobSource>(this->weak_from_this()); });
        return result;
    }

    // What read() would return in this frame, without becoming a reader (no wake-ups follow).
    // UI thread.
    std::shared_ptr<const Snapshot<V>> peek() {
        const FrameRef frame = current_frame();
        std::shared_ptr<const void> released_value;
        std::shared_ptr<const Snapshot<V>> released_snapshot;
        std::lock_guard lock(this->mutex_);
        refresh_locked(released_value, released_snapshot);
        if (frame.core)
            if (Reader* reader = find_locked(frame.core.get());
                reader && reader->frame == frame.frame)
                return reader->shown;
        return latest_;
    }

    void describe_job(JobDescription& out) override {
        const std::shared_ptr<const Snapshot<V>> shown = peek();
        this->describe_shown(*shown, out);
    }

    void apply() override {}  // never queued: see read()

  protected:
    bool show_starting_locked(typename ThreadHookBase::Released& released) override {
        // This frame's reader sees Starting at once (rule 11); later reads rebuild from the state.
        this->take_fresh_locked(released.value);
        auto starting = this->snapshot_locked(ResultState::Starting);
        released.snapshot = std::exchange(latest_, starting);
        const FrameRef frame = current_frame();
        if (frame.core)
            if (Reader* reader = find_locked(frame.core.get())) {
                reader->frame = frame.frame;
                reader->shown = starting;
            }
        return false;  // the other readers (other runtimes) see it at their next frame
    }

  private:
    struct Reader {
        std::weak_ptr<Core> core;
        const Core* key;
        std::size_t frame;
        std::shared_ptr<const Snapshot<V>> shown;
    };
    Reader* find_locked(const Core* core) {
        for (Reader& reader : readers_)
            if (reader.key == core && !reader.core.expired()) return &reader;
        std::erase_if(readers_, [](const Reader& r) { return r.core.expired(); });
        return nullptr;
    }
    void refresh_locked(std::shared_ptr<const void>& released_value,
                        std::shared_ptr<const Snapshot<V>>& released_snapshot) {
        if (latest_ && !this->changed_) return;
        this->take_fresh_locked(released_value);
        released_snapshot = std::exchange(latest_, this->snapshot_locked(std::nullopt));
        this->changed_ = false;
        this->queued_ = false;
    }

    std::shared_ptr<TaskSink> task_sink_;
    std::shared_ptr<const Snapshot<V>> latest_;  // guarded by mutex_
    std::vector<Reader> readers_;                // guarded by mutex_
};

// What a Task and its handles share.
template <class V, class... Args>
struct TaskCore {
    using Bind = std::function<std::shared_ptr<const ErasedJob>(Args&&...)>;

    std::shared_ptr<TaskSink> sink;
    std::shared_ptr<TaskHook<V>> hook;
    RunPolicy policy;
    std::shared_ptr<Executor> executor;  // TaskOptions::executor, kept alive with the task

    void call(Args&&... args) { hook->request_run(binder()(std::move(args)...), policy); }
    Result<V> result() { return Result<V>(hook->read()); }
    // The job one call runs; replaced when a use_task's deps change (its job captures them).
    Bind binder() {
        std::lock_guard lock(bind_mutex);
        return bind;
    }
    void set_binder(Bind next) {
        std::lock_guard lock(bind_mutex);
        std::swap(bind, next);  // the previous one is destroyed after unlocking
    }

    std::mutex bind_mutex;
    Bind bind;  // guarded by bind_mutex
};

// The binder of a job of a task of value V and arguments Args.
template <class V, class... Args, class F>
typename TaskCore<V, Args...>::Bind make_binder(F&& job) {
    using Fn = std::decay_t<F>;
    constexpr JobForm form = task_form<V, Fn, Args...>();
    return [f = std::make_shared<Fn>(std::forward<F>(job))](Args&&... args) {
        return std::make_shared<const BoundJob<V, Fn, form, std::decay_t<Args>...>>(
            f, std::move(args)...);
    };
}

template <class V, class... Args, class F>
std::shared_ptr<TaskCore<V, Args...>> make_task_core(F&& job, TaskOptions& options,
                                                     std::shared_ptr<Core> owner,
                                                     std::shared_ptr<ExecutorState> executor) {
    using Fn = std::decay_t<F>;
    constexpr JobForm form = task_form<V, Fn, Args...>();
    static_assert(form != JobForm::Invalid,
                  "Task<R(Args...)>: the job must be callable as one of: R(Args...), "
                  "R(Args..., std::stop_token), imhooks::Generator<R>(Args...), "
                  "imhooks::Generator<R>(Args..., std::stop_token), R(imhooks::Job<R>&, Args...)");
    static_assert(std::is_move_constructible_v<V>,
                  "Task<R(Args...)>: R must be move-constructible (it is moved into the Result "
                  "once, on the worker thread)");
    auto core = std::make_shared<TaskCore<V, Args...>>();
    core->sink = std::make_shared<TaskSink>(std::move(owner));
    core->executor = std::move(options.executor);
    if (!executor) executor = core->executor ? core->executor->state() : shared_executor()->state();
    core->hook = make_work<TaskHook<V>>(core->sink, std::move(executor),
                                        options.name.empty() ? "task" : options.name);
    core->policy = RunPolicy{options.intrusive_cancel, options.dedicated_thread, options.priority};
    core->bind = make_binder<V, Args...>(std::forward<F>(job));
    return core;
}

}  // namespace detail

// A handle to a Task (or a use_task): calls it and reads it while the Task exists; after that its
// calls do nothing and result() is an Initial Result. Copy it freely, into workers and callbacks.
template <class R, class... Args>
class TaskHandle<R(Args...)> {
  public:
    using value_type = detail::returned_value_t<R>;

    TaskHandle() = default;

    // Starts a run with these arguments; see Task::operator(). Any thread.
    void operator()(Args... args) const {
        if (auto core = core_.lock()) core->call(std::move(args)...);
    }
    // See Task::result(). Any thread.
    Result<value_type> result() const {
        auto core = core_.lock();
        return core ? core->result() : Result<value_type>();
    }
    void cancel() const { result().cancel(); }
    void retry() const { result().retry(); }
    // False once the Task is gone.
    explicit operator bool() const { return !core_.expired(); }

    explicit TaskHandle(std::weak_ptr<detail::TaskCore<value_type, Args...>> core)
        : core_(std::move(core)) {}

  private:
    std::weak_ptr<detail::TaskCore<value_type, Args...>> core_;
};

// A long-lived job: a global, or a member of the application's state. Move-only.
template <class R, class... Args>
class Task<R(Args...)> {
  public:
    using value_type = detail::returned_value_t<R>;

    // `job` in one of the forms listed above (checked at compile time). Nothing runs until the
    // task is called.
    template <class F>
    requires(!std::is_same_v<std::decay_t<F>, Task>) explicit Task(F&& job,
                                                                   TaskOptions options = {})
        : shutdown_timeout_(options.shutdown_timeout),
          core_(detail::make_task_core<value_type, Args...>(std::forward<F>(job), options, nullptr,
                                                            nullptr)) {}

    // Stops the run in flight (its stop is requested, nothing it produces is shown) and waits up
    // to TaskOptions::shutdown_timeout for it to end, then leaves it running with a report on
    // stderr. Handles stop working. Any thread but the task's own runs.
    ~Task() { stop(); }
    Task(Task&& other) noexcept = default;
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            stop();
            core_ = std::move(other.core_);
            shutdown_timeout_ = other.shutdown_timeout_;
        }
        return *this;
    }

    // Starts a run with these arguments (copied into the run) and supersedes the run in flight,
    // as retry() does. Returns at once; any thread (a button, a worker, another task's job).
    void operator()(Args... args) const {
        if (core_) core_->call(std::move(args)...);
    }

    // The task's state, value, error and progress. Inside a frame: as of that frame (the same for
    // the rest of the frame) and the frame's runtime is woken by the task's later changes; from
    // other threads: as of now. Any thread.
    Result<value_type> result() const { return core_ ? core_->result() : Result<value_type>(); }

    // Stops the run in flight; see Result::cancel(). Any thread.
    void cancel() const { result().cancel(); }
    // Runs again with the last call's arguments; see Result::retry(). Any thread.
    void retry() const { result().retry(); }

    TaskHandle<R(Args...)> handle() const { return TaskHandle<R(Args...)>(core_); }

  private:
    void stop() {
        if (!core_) return;
        core_->hook->detach();
        // Destroyed during a frame: the stop must reach the executor before we wait for it.
        detail::flush_current_batch();
        if (!core_->sink->wait_idle(shutdown_timeout_))
            detail::report_task_left_running(core_->hook->name(), shutdown_timeout_);
        core_.reset();
    }

    std::chrono::milliseconds shutdown_timeout_;
    std::shared_ptr<detail::TaskCore<value_type, Args...>> core_;
};

namespace detail {

// The signature R(Args...) of a task made from a non-generic callable: its parameters without a
// leading Job<R>& or a trailing std::stop_token, its result (a Generator<T>'s T).
template <class F>
struct call_signature : call_signature<decltype(&F::operator())> {};
template <class R, class... P>
struct call_signature<R (*)(P...)> {
    using result = R;
    using params = std::tuple<P...>;
};
template <class R, class... P>
struct call_signature<R(P...)> : call_signature<R (*)(P...)> {};
#define IMHOOKS_CALL_SIGNATURE_MEMBER(QUALIFIERS) \
    template <class C, class R, class... P>       \
    struct call_signature<R (C::*)(P...) QUALIFIERS> : call_signature<R (*)(P...)> {};
IMHOOKS_CALL_SIGNATURE_MEMBER()
IMHOOKS_CALL_SIGNATURE_MEMBER(const)
IMHOOKS_CALL_SIGNATURE_MEMBER(noexcept)
IMHOOKS_CALL_SIGNATURE_MEMBER(const noexcept)
#undef IMHOOKS_CALL_SIGNATURE_MEMBER

template <class Tuple>
struct drop_stop_token;
template <>
struct drop_stop_token<std::tuple<>> {
    using type = std::tuple<>;
};
template <class... P>
struct drop_stop_token<std::tuple<P...>> {
    using all = std::tuple<P...>;
    static constexpr std::size_t n = sizeof...(P);
    using last = std::decay_t<std::tuple_element_t<n - 1, all>>;
    template <std::size_t... I>
    static auto first(std::index_sequence<I...>) -> std::tuple<std::tuple_element_t<I, all>...>;
    using type = std::conditional_t<std::is_same_v<last, std::stop_token>,
                                    decltype(first(std::make_index_sequence<n - 1>())), all>;
};

template <class T>
struct job_ref_value {
    static constexpr bool value = false;
};
template <class T>
struct job_ref_value<Job<T>&> {
    static constexpr bool value = true;
    using type = T;
};

// Whether a parameter list starts with Job<T>& (and the rest of it).
template <class Tuple>
struct leading_job_ref : std::false_type {};
template <class First, class... Rest>
requires job_ref_value<First>::value struct leading_job_ref<std::tuple<First, Rest...>>
    : std::true_type {
    using value = typename job_ref_value<First>::type;
    using rest = std::tuple<Rest...>;
};

template <class F>
struct deduced_task {
    using traits = call_signature<std::decay_t<F>>;
    using raw_params = typename traits::params;
    static auto value_of() {
        using R = typename traits::result;
        if constexpr (leading_job_ref<raw_params>::value)
            return std::type_identity<typename leading_job_ref<raw_params>::value>{};
        else if constexpr (is_generator<R>::value)
            return std::type_identity<typename is_generator<R>::value_type>{};
        else
            return std::type_identity<R>{};
    }
    static auto params_of() {
        if constexpr (leading_job_ref<raw_params>::value)
            return std::type_identity<typename leading_job_ref<raw_params>::rest>{};
        else
            return std::type_identity<typename drop_stop_token<raw_params>::type>{};
    }
    using value = typename decltype(value_of())::type;
    using params = typename decltype(params_of())::type;
    template <class Tuple>
    struct make;
    template <class... P>
    struct make<std::tuple<P...>> {
        using type = value(std::decay_t<P>...);
    };
    using signature = typename make<params>::type;
};

// Sig, or the signature deduced from F when Sig is void.
template <class Sig, class F>
struct task_signature {
    using type = Sig;
};
template <class F>
struct task_signature<void, F> {
    using type = typename deduced_task<F>::signature;
};
template <class Sig>
struct takes_no_arguments : std::false_type {};
template <class R>
struct takes_no_arguments<R()> : std::true_type {};

template <class Sig, class D>
class TaskSlot;

template <class R, class... Args, class D>
class TaskSlot<R(Args...), D> final : public SlotOf<TaskSlot<R(Args...), D>> {
  public:
    static constexpr HookKind kKind = HookKind::Task;
    using value_type = returned_value_t<R>;

    TaskSlot(Instance& instance, std::shared_ptr<TaskCore<value_type, Args...>> core)
        : instance_(instance), core_(std::move(core)) {}

    template <class F>
    TaskHandle<R(Args...)> render(F&& job, D&& deps, bool runs_on_deps) {
        if constexpr (sizeof...(Args) == 0) {
            if (runs_on_deps) {
                if (!mounted_) {
                    instance_.after_frame(*this);  // as use_thread: after the first frame
                } else if (!(deps_ == deps)) {
                    // This frame's job: it captures the new dependencies.
                    core_->set_binder(make_binder<value_type>(std::forward<F>(job)));
                    core_->hook->request_run(core_->binder()(), core_->policy,
                                             /*show_starting=*/true);
                }
            }
        }
        mounted_ = true;
        deps_ = std::move(deps);
        return TaskHandle<R(Args...)>(core_);
    }
    void after_frame() override {
        if constexpr (sizeof...(Args) == 0)
            core_->hook->request_run(core_->binder()(), core_->policy);
    }
    void unmount() override { core_->hook->detach(); }  // the runtime waits for it at shutdown
    // peek(), not result(): inspecting the task must not make this runtime one of its readers.
    std::optional<ResultState> status() const override { return core_->hook->peek()->state; }
    JobSource* job() const override { return core_->hook.get(); }

  private:
    Instance& instance_;
    std::shared_ptr<TaskCore<value_type, Args...>> core_;
    D deps_{};
    bool mounted_ = false;
};

template <class Sig, class F, class D>
TaskHandle<Sig> use_task_impl(F&& job, D&& deps, bool runs_on_deps, TaskOptions& options) {
    return [&]<class R, class... Args>(R (*)(Args...)) {
        using V = returned_value_t<R>;
        using Slot = TaskSlot<R(Args...), std::decay_t<D>>;
        Instance& instance = current_instance("use_task");
        auto& slot = instance.slot<Slot>([&] {
            auto executor = options.executor ? options.executor->state() : instance.executor();
            if (options.name.empty()) options.name = instance.name();
            return std::make_unique<Slot>(
                instance, make_task_core<V, Args...>(std::forward<F>(job), options, instance.core(),
                                                     std::move(executor)));
        });
        return slot.render(std::forward<F>(job), std::forward<D>(deps), runs_on_deps);
    }(static_cast<Sig*>(nullptr));
}

}  // namespace detail

// A Task owned by the current component: it runs only when called (handle(args...)), and is
// stopped when the component unmounts. Its signature comes from `job` (a non-generic lambda or a
// function; for a generic lambda name it: use_task<R(Args...)>(job)). The handle can be copied
// into workers and callbacks; it does nothing once the component is gone. UI thread, inside a
// component.
template <class Sig = void, class F>
auto use_task(F&& job, TaskOptions options = {}) {
    using S = typename detail::task_signature<Sig, F>::type;
    return detail::use_task_impl<S>(std::forward<F>(job), Deps<>{}, false, options);
}

// A component's Task that also runs after the first frame and whenever `deps` change (the frame
// in which they change already shows Starting), as use_thread does; it can still be called. Its
// job takes no arguments. UI thread, inside a component.
template <class Sig = void, class F, class... Ds>
auto use_task(F&& job, Deps<Ds...> deps, TaskOptions options = {}) {
    using S = typename detail::task_signature<Sig, F>::type;
    static_assert(detail::takes_no_arguments<S>::value,
                  "use_task(job, deps(...)): a job that runs when its dependencies change takes "
                  "no arguments (capture what it needs)");
    return detail::use_task_impl<S>(std::forward<F>(job), std::move(deps), true, options);
}

}  // namespace imhooks
