// Internal: the shared state of one use_thread hook, executed by an Executor.
//
// Generations: every requested run (first start, retry, deps change) gets the next generation
// number; unmount also bumps it. Everything a run publishes is checked, under the hook's mutex,
// against the current generation and its own stop flag, so superseded or cancelled runs never
// write (rules 6 and 13). The hook is the executor's unit of work: queued while a run is pending,
// executed by one thread at a time, newest generation first, so two runs never execute user code
// at once and rapid restarts collapse (rule 3). A run requested while another executes user code
// is Waiting; the executing one submits the hook again when it leaves user code.
//
// User code never runs under mutex_: the job (and its captures) is destroyed on the executor's
// threads (a replaced job by the thread that takes the next run), stop requests (which run
// std::stop_callbacks) are chores of the executor's service thread, and replaced values are
// released after unlocking.
#pragma once

#include <imhooks/detail/core.h>
#include <imhooks/detail/executor_state.h>
#include <imhooks/detail/inspect.h>
#include <imhooks/job.h>
#include <imhooks/result.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

namespace imhooks::detail {

// A job as given to use_thread (or a task with its arguments), type-erased. Immutable, shared by
// runs.
class ErasedJob {
  public:
    virtual ~ErasedJob() = default;
};

// How a hook schedules its runs.
struct RunPolicy {
    bool intrusive = true;
    bool dedicated = false;
    int priority = 0;
};

class ThreadHookBase : public ThreadControl,
                       public Updatable,
                       public Work,
                       public JobSource,
                       public std::enable_shared_from_this<ThreadHookBase> {
  public:
    // `name`: the component (or task) it belongs to, for reports of discarded errors.
    ThreadHookBase(std::shared_ptr<ChangeSink> sink, std::shared_ptr<ExecutorState> executor,
                   std::string name)
        : sink_(std::move(sink)), executor_(std::move(executor)), name_(std::move(name)) {}
    ~ThreadHookBase() override;

    // Requests a new run of `job` (nullptr: the current job again) with `policy` (nullopt: the
    // current one). Any thread; with `show_starting` (UI thread only) the UI's snapshot shows
    // Starting at once, before any worker can publish (rule 11). Returns false when nothing was
    // requested (detached, or no job yet).
    bool request_run(std::shared_ptr<const ErasedJob> job, std::optional<RunPolicy> policy,
                     bool show_starting = false);
    // The component unmounted (or the task is destroyed): stop the run, publish nothing more.
    // Non-blocking.
    void detach();

    // A run's partial result or progress (checked like every publication). Worker thread.
    // publish_value() returns what it did not keep, for the caller to release outside the lock:
    // the partial result it replaced (one the UI never took), or `value` itself when refused.
    [[nodiscard]] std::shared_ptr<const void> publish_value(std::uint64_t generation,
                                                            const RunSignal& signal,
                                                            std::shared_ptr<const void> value);
    void publish_progress(std::uint64_t generation, const RunSignal& signal, float fraction,
                          std::string_view text);

    const std::string& name() const { return name_; }

    void cancel() override;
    void retry() override;
    bool cancel_requested() const override {
        return cancel_requested_.load(std::memory_order_acquire);
    }

    void execute() noexcept override;
    void start_failed(std::exception_ptr error) noexcept override;

  protected:
    enum class End { Returned, Threw, Cancelled };

    // Runs user code on an executor thread; a returned value goes to `returned` (built there, so
    // a throwing move or copy of the result ends the run in Error).
    virtual End execute_job(const ErasedJob& job, std::uint64_t generation,
                            const std::shared_ptr<RunSignal>& signal, bool intrusive,
                            std::shared_ptr<const void>& returned, std::exception_ptr& error) = 0;
    // What a locked section replaced, destroyed after unlocking (it may hold the last reference
    // to a user value).
    struct Released {
        std::shared_ptr<const void> value;
        std::shared_ptr<const void> snapshot;
        std::shared_ptr<const void> complete;
        std::exception_ptr error;
    };
    // Under mutex_, UI thread: the UI's snapshot becomes the pending state, shown as Starting.
    // Returns true when that snapshot is the only place the hook is shown: a pending Starting
    // then needs no update at the next frame's start, and no frame is asked for.
    virtual bool show_starting_locked(Released& released) = 0;
    // Under mutex_: the current run ended; state_ says how (Finished, Error or Cancelled), and a
    // subclass may change what is shown (a query waiting to retry shows Waiting). Runs no user
    // code. Not called for superseded runs.
    virtual void run_ended_locked() {}
    // True when destroying a value of this hook runs no user code (a trivially destructible T):
    // the worker of an ended run then counts as coming back before it releases what the run
    // replaced.
    virtual bool values_destroy_trivially() const { return false; }

    // Under mutex_: the run may publish (current generation, not cancelled, not stopped, not
    // detached).
    bool may_publish_locked(std::uint64_t generation, const RunSignal& signal) const {
        return generation == generation_ && generation != cancelled_ && !detached_ &&
               !signal.stop_requested();
    }
    // Under mutex_: mark the hook changed and queue it for the next frame start, if it is not
    // queued yet. Returns true: the caller wakes the UI after unlocking (notify_changed()).
    bool touch_locked() {
        changed_ = true;
        progress_only_ = false;
        if (!std::exchange(queued_, true)) sink_->enqueue(shared_from_this());
        return true;
    }
    void notify_changed() { sink_->wake(); }
    // Under mutex_: a snapshot showing `state` is being built; the timeline keeps it when it
    // differs from the state before, with the frame's number and time.
    void record_shown_locked(ResultState state);
    // The job's name, runs and timeline into `out`. Takes mutex_.
    void describe_history(JobDescription& out) const;
    bool pending_locked() const { return !detached_ && taken_ != generation_; }
    // Submits the hook to the executor (outside mutex_: a failure ends the pending run in Error,
    // which takes it).
    void submit(const RunPolicy& policy);
    // submit()'s halves: queue_work() hands the hook to the executor (also under mutex_: it runs
    // no code of the hook) and returns false when the executor is shut down; submit_failed()
    // (outside mutex_) then ends the pending run in Error.
    bool queue_work(const RunPolicy& policy);
    void submit_failed();
    // Takes the value pending for the UI into value_ (UI thread, under mutex_); the replaced
    // value goes to `released`, to be destroyed after unlocking.
    void take_fresh_locked(std::shared_ptr<const void>& released) {
        if (fresh_) {
            released = std::exchange(value_, std::move(fresh_));
            fresh_.reset();
        }
    }

    // Guarded by mutex_ (but cancel_requested_). First, together in a few cache lines: what a
    // run's publications write and the UI's apply() reads, every frame of every running row.
    mutable std::mutex mutex_;
    ResultState state_ = ResultState::Initial;  // what the UI will show next
    bool partial_ = false;  // the newest value (fresh_, else value_) is a partial result
    bool changed_ = false;
    // While changed_: every change since it was set was a progress update (publish_progress).
    bool progress_only_ = false;
    bool queued_ = false;
    bool detached_ = false;
    std::atomic<bool> cancel_requested_{false};
    std::optional<ResultState> recorded_state_;  // the timeline's last state (none yet: empty)
    // Where the UI's snapshot is (ThreadHook: its slot's std::shared_ptr<const Snapshot<T>>);
    // null once the slot is gone. Written under mutex_, on the UI thread; read on the UI thread.
    void* shown_ = nullptr;
    std::optional<float> progress_;
    std::string progress_text_;
    std::uint64_t generation_ = 0;          // the latest requested run (0: none yet)
    std::uint64_t cancelled_ = 0;           // the latest run cancel() was called for
    std::uint64_t value_generation_ = 0;    // the run that produced the value
    std::shared_ptr<const void> value_;     // the value shown (a T)
    std::shared_ptr<const void> fresh_;     // a value newer than value_, not shown yet
    std::shared_ptr<const void> complete_;  // the latest value a run returned in full
    std::exception_ptr error_;
    std::shared_ptr<ChangeSink> sink_;
    // Runs.
    std::uint64_t taken_ = 0;    // the latest run an executor took (or cancel() settled)
    std::uint64_t running_ = 0;  // the run in user code (0: none)
    RunPolicy policy_;
    // The signal of the run taken last, made when an executor takes it; null while the latest
    // requested run has not been taken (stopping it then is a matter of generations), and once
    // it ended with nothing in flight.
    std::shared_ptr<RunSignal> signal_;
    std::shared_ptr<const ErasedJob> job_;
    // A job replaced by a newer one (a dependency change, a task called with new arguments),
    // released by the executor thread that takes the next run: replacing the jobs of thousands
    // of rows in one frame posts no chore for each. detach() releases it if no run comes.
    std::shared_ptr<const ErasedJob> retired_job_;
    std::shared_ptr<ExecutorState> executor_;
    std::string name_;
    JobTimeline timeline_;  // the states snapshots showed

  private:
    // Stops a run: its flag at once, its std::stop_source on the executor's service thread (that
    // runs the job's stop callbacks); `job`, if any, is released there too. Outside mutex_.
    void stop_and_release(std::shared_ptr<RunSignal> signal, std::shared_ptr<const ErasedJob> job);
};

}  // namespace imhooks::detail
