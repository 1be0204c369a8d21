// Internal: the typed half of a job's hook, shared by use_thread and Task: running a job of any of
// the five forms, publishing its values, building snapshots. Not a public API.
#pragma once

#include <imhooks/detail/thread_hook.h>
#include <imhooks/generator.h>
#include <imhooks/inspector.h>
#include <imhooks/job.h>
#include <imhooks/result.h>

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace imhooks::detail {

template <class T>
struct is_generator : std::false_type {};
template <class T>
struct is_generator<Generator<T>> : std::true_type {
    using value_type = T;
};

// A job returning void shows std::monostate as its value when it finishes.
template <class R>
using returned_value_t = std::conditional_t<std::is_void_v<R>, std::monostate, std::decay_t<R>>;

enum class JobForm { Plain, StopToken, Generator, GeneratorStopToken, JobRef, Invalid };

// The run-time side of one run: publishes into its hook.
template <class T>
class TypedRun final : public RunContext {
  public:
    TypedRun(ThreadHookBase& hook, std::uint64_t generation, std::shared_ptr<RunSignal> signal,
             bool intrusive)
        : RunContext(std::move(signal), intrusive), hook_(hook), generation_(generation) {}
    // A partial result, built here, on the worker, before the hook's lock is taken: in the block
    // of the partial result it replaced last time when nothing but this run holds that one (the
    // UI never took it), else in a new block. A generator that yields faster than the UI shows
    // then allocates nothing per element. A throwing assignment ends the run as a throwing move
    // does; the block it left is never shown.
    void publish_value(T&& value) {
        std::shared_ptr<T> block;
        if constexpr (std::is_move_assignable_v<T>) {
            if (spare_) {
                *spare_ = std::move(value);
                block = std::move(spare_);
            }
        }
        if (!block) block = std::make_shared<T>(std::move(value));
        std::shared_ptr<const void> replaced =
            hook_.publish_value(generation_, signal(), std::move(block));
        if constexpr (std::is_move_assignable_v<T>) {
            // Blocks are made as a non-const T: assigning to one is writing a T.
            if (replaced.use_count() == 1)
                spare_ = std::const_pointer_cast<T>(
                    std::static_pointer_cast<const T>(std::move(replaced)));
        }
        // Anything else replaced is released here, outside the hook's lock.
    }
    void publish_progress(float fraction, std::string_view text) override {
        hook_.publish_progress(generation_, signal(), fraction, text);
    }
    static void publish(RunContext& run, T&& value) {
        static_cast<TypedRun&>(run).publish_value(std::move(value));
    }

  private:
    ThreadHookBase& hook_;
    std::uint64_t generation_;
    std::shared_ptr<T> spare_;  // a block for the next partial result (see publish_value())
};

template <class T>
class TypedJob : public ErasedJob {
  public:
    // Runs the job; a returned value goes to `returned` (a T, built on this thread, so that a
    // throwing move or copy of the result ends the run in Error).
    virtual void run(TypedRun<T>& run, std::shared_ptr<const void>& returned) const = 0;
};

// Calls `f` in the form `Form`, with `args` first (Task's arguments; none for use_thread).
template <class T, JobForm Form, class F, class... Args>
void invoke_job(F& f, TypedRun<T>& run, std::shared_ptr<const void>& returned, Args&... args) {
    auto store = [&](auto&& call) {
        if constexpr (std::is_void_v<decltype(call())>) {
            call();
            if constexpr (std::is_same_v<T, std::monostate>) returned = std::make_shared<const T>();
        } else {
            returned = std::make_shared<const T>(call());
        }
    };
    if constexpr (Form == JobForm::Plain) {
        store([&] { return f(args...); });
    } else if constexpr (Form == JobForm::StopToken) {
        store([&] { return f(args..., run.stop()); });
    } else if constexpr (Form == JobForm::JobRef) {
        Job<T> job(run, &TypedRun<T>::publish);
        store([&] { return f(job, args...); });
    } else {
        auto generator = [&] {
            if constexpr (Form == JobForm::Generator)
                return f(args...);
            else
                return f(args..., run.stop());
        }();
        while (generator.next()) {
            run.publish_value(std::move(generator.value()));
            checkpoint();  // the generator is destroyed by the unwinding
        }
    }
}

// `Base`: ThreadHookBase, or a class derived from it that adds behaviour shared by every value
// type (a query's cache entry).
template <class T, class Base = ThreadHookBase>
class TypedHook : public Base {
  public:
    using Base::Base;

  protected:
    using End = typename Base::End;

    bool values_destroy_trivially() const override { return std::is_trivially_destructible_v<T>; }

    End execute_job(const ErasedJob& job, std::uint64_t generation,
                    const std::shared_ptr<RunSignal>& signal, bool intrusive,
                    std::shared_ptr<const void>& returned, std::exception_ptr& error) override {
        TypedRun<T> run(*this, generation, signal, intrusive);
        struct Current {
            RunContext* previous = t_current_run;
            explicit Current(RunContext* run) { t_current_run = run; }
            ~Current() { t_current_run = previous; }
        } current(&run);
        try {
            static_cast<const TypedJob<T>&>(job).run(run, returned);
            return End::Returned;
        } catch (const Cancelled&) {
            return End::Cancelled;
        } catch (...) {
            error = std::current_exception();
            return End::Threw;
        }
    }

    // Under mutex_: a snapshot of the pending state (`state` overrides the state shown).
    std::shared_ptr<const Snapshot<T>> snapshot_locked(std::optional<ResultState> state) {
        auto snapshot = std::make_shared<Snapshot<T>>();
        fill_locked(*snapshot, state);
        return snapshot;
    }
    // Under mutex_: fills a new `snapshot` with the pending state (for snapshot types derived
    // from Snapshot<T>), and records the state shown in the job's history.
    void fill_locked(Snapshot<T>& snapshot, std::optional<ResultState> state) {
        typename Base::Released none;  // a new snapshot replaces nothing
        refill_locked(snapshot, none, state);
        snapshot.control = std::static_pointer_cast<ThreadControl>(
            std::static_pointer_cast<ThreadHookBase>(this->shared_from_this()));
    }

    // Under mutex_: brings `snapshot` up to the pending state (`state` overrides the state
    // shown); what it replaced goes to `released`, destroyed after unlocking. Fields that did not
    // change are not written. For a snapshot nothing but the UI's slot holds, or a new one.
    void refill_locked(Snapshot<T>& snapshot, typename Base::Released& released,
                       std::optional<ResultState> state = std::nullopt) {
        snapshot.state = state.value_or(this->state_);
        this->record_shown_locked(snapshot.state);
        if (snapshot.value.get() != this->value_.get())
            released.value =
                std::exchange(snapshot.value, std::static_pointer_cast<const T>(this->value_));
        if (snapshot.complete.get() != this->complete_.get())
            released.complete = std::exchange(snapshot.complete,
                                              std::static_pointer_cast<const T>(this->complete_));
        if (snapshot.error != this->error_)
            released.error = std::exchange(snapshot.error, this->error_);
        refill_progress_locked(snapshot);
        snapshot.stale = this->value_ && this->value_generation_ != this->generation_;
        snapshot.partial = this->value_ && this->partial_;
    }

    // Under mutex_: refill_locked() when only progress changed since `snapshot` was filled.
    void refill_progress_locked(Snapshot<T>& snapshot) {
        snapshot.progress = this->progress_;
        if (snapshot.progress_text != this->progress_text_)
            snapshot.progress_text = this->progress_text_;
    }

    // The job as `shown` shows it, and its history. The value is printed outside mutex_. UI
    // thread.
    void describe_shown(const Snapshot<T>& shown, JobDescription& out) const {
        this->describe_history(out);
        out.state = shown.state;
        out.value = describe_value_at(shown.value.get());
        out.progress = shown.progress;
        out.progress_text = shown.progress_text;
        out.error = describe_error(shown.error);
        out.stale = shown.stale;
    }
};

}  // namespace imhooks::detail
