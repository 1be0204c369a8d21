#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/thread_hook.h>
#include <imhooks/executor.h>
#include <imhooks/job.h>
#include <imhooks/result.h>
#include <imhooks/thread.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>
#endif

namespace imhooks {

const char* to_string(ResultState state) {
    switch (state) {
        case ResultState::Initial:
            return "INITIAL";
        case ResultState::Starting:
            return "STARTING";
        case ResultState::Waiting:
            return "WAITING";
        case ResultState::Running:
            return "RUNNING";
        case ResultState::Error:
            return "ERROR";
        case ResultState::Finished:
            return "FINISHED";
        case ResultState::Cancelled:
            return "CANCELLED";
    }
    return "UNKNOWN";
}

void report_progress(float fraction, std::string_view text) {
    if (detail::RunContext* run = detail::t_current_run) run->publish_progress(fraction, text);
    checkpoint();
}

namespace detail {

constinit thread_local RunContext* t_current_run = nullptr;

void throw_cancelled() {
    if (std::uncaught_exceptions() > 0) return;  // a destructor during unwinding: no throw
    throw Cancelled{};
}

std::string describe_error(const std::exception_ptr& error) {
    return describe_exception(error);
}

//----------------------------------------------------------------------------------------------
// RunSignal and RunContext

bool RunSignal::request_stop() noexcept {
    if (stopped_.exchange(true, std::memory_order_acq_rel)) return false;
    bool has_source;
    {
        // A token made from now on is stopped at once by token(). Without futexes, taking the
        // mutex also orders the notify below after a sleeper's check of the flag.
        std::lock_guard lock(sleep_mutex_);
        has_source = source_.stop_possible();
    }
#if defined(__linux__)
    // A sleeper that has not reached the kernel yet finds the word changed and returns.
    wake_.store(1, std::memory_order_release);
    syscall(SYS_futex, &wake_, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
#else
    sleep_cv_.notify_all();
#endif
    return has_source;
}

void RunSignal::request_source_stop() noexcept {
    std::stop_source source(std::nostopstate);
    {
        std::lock_guard lock(sleep_mutex_);
        source = source_;
    }
    if (source.stop_possible()) source.request_stop();  // the stop callbacks, outside the lock
}

std::stop_token RunSignal::token() {
    std::lock_guard lock(sleep_mutex_);
    if (!source_.stop_possible()) {
        source_ = std::stop_source();
        // No callback can be registered yet: requesting the stop here runs no user code.
        if (stopped_.load(std::memory_order_acquire)) source_.request_stop();
    }
    return source_.get_token();
}

void RunSignal::sleep_for(std::chrono::nanoseconds duration) {
    using Clock = std::chrono::steady_clock;
    if (duration <= std::chrono::nanoseconds::zero()) return;
    const Clock::time_point now = Clock::now();
    const bool until_stop = duration >= Clock::time_point::max() - now;  // beyond the clock
#if defined(__linux__)
    // steady_clock is CLOCK_MONOTONIC, the clock of FUTEX_WAIT_BITSET's absolute deadline: a
    // wait cut short (a signal, a spurious wake) goes on with the deadline it had.
    timespec deadline{};
    if (!until_stop) {
        const auto since_epoch = (now + duration).time_since_epoch();
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
        deadline.tv_sec = static_cast<time_t>(seconds.count());
        deadline.tv_nsec = static_cast<long>((since_epoch - seconds).count());
    }
    while (wake_.load(std::memory_order_acquire) == 0) {
        const long r = syscall(SYS_futex, &wake_, FUTEX_WAIT_BITSET_PRIVATE, 0u,
                               until_stop ? nullptr : &deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
        // Woken (0), the word changed before the wait began (EAGAIN), or a signal (EINTR): look
        // at the word again. The deadline passed (ETIMEDOUT), or the wait cannot be made.
        if (r == -1 && errno != EAGAIN && errno != EINTR) return;
    }
#else
    auto stopped = [this] { return stopped_.load(std::memory_order_acquire); };
    std::unique_lock lock(sleep_mutex_);
    if (until_stop) {
        sleep_cv_.wait(lock, stopped);
        return;
    }
    sleep_cv_.wait_until(lock, now + duration, stopped);
#endif
}

namespace {
constinit const std::atomic<bool> kNeverAbort{false};
}  // namespace

RunContext::RunContext(std::shared_ptr<RunSignal> signal, bool intrusive)
    : signal_(std::move(signal)),
      abort_(intrusive ? &signal_->flag() : &kNeverAbort),
      intrusive_(intrusive) {}

RunContext::~RunContext() = default;

void RunContext::sleep_for(std::chrono::nanoseconds duration) {
    if (duration <= std::chrono::nanoseconds::zero()) return;
    BlockingScope blocking;  // the slot goes to another run while this one sleeps
    signal_->sleep_for(duration);
    if (!intrusive_ && signal_->stop_requested() && !stop().stop_requested()) {
        // Woken by the stop: a cooperative job checks its token next, so return once the token
        // shows the stop too (the executor's service thread requests it a moment later).
        std::mutex mutex;
        std::condition_variable_any cv;
        std::unique_lock lock(mutex);
        cv.wait(lock, stop(), [] { return false; });
    }
}

//----------------------------------------------------------------------------------------------
// ThreadHookBase

ThreadHookBase::~ThreadHookBase() = default;

void ThreadHookBase::record_shown_locked(ResultState state) {
    // The timeline keeps changes only: a snapshot showing the state recorded last (a progress
    // update) leaves it as it is, and is told apart without reading it.
    if (recorded_state_ == state) return;
    const FrameTime now = current_frame_time();
    timeline_.record(state, now.frame, now.time);
    recorded_state_ = timeline_.last_state();
}

void ThreadHookBase::describe_history(JobDescription& out) const {
    out.identity = this;
    out.name = name_;
    out.cancel_requested = cancel_requested();
    std::lock_guard lock(mutex_);
    out.runs = generation_;
    out.timeline = timeline_.entries();
    out.transitions = timeline_.recorded();
}

bool ThreadHookBase::request_run(std::shared_ptr<const ErasedJob> job,
                                 std::optional<RunPolicy> policy, bool show_starting) {
    std::shared_ptr<RunSignal> previous;
    std::shared_ptr<const ErasedJob> old_job;
    Released released;
    bool notify;
    bool submitted = true;
    {
        std::lock_guard lock(mutex_);
        if (detached_) return false;
        const bool was_dedicated = policy_.dedicated;
        if (job) old_job = std::exchange(job_, std::move(job));
        if (policy) policy_ = *policy;
        if (!job_) return false;
        const bool active = pending_locked() || running_ != 0;
        ++generation_;
        previous = std::exchange(signal_, nullptr);  // the new run's is made when it is taken
        if (!active) {
            previous.reset();  // the previous run is over: nothing to stop
            sink_->work_began();
        }
        cancel_requested_.store(false, std::memory_order_release);
        // Rule 2: wait while an earlier run still executes user code; the executing run submits
        // the hook again when it leaves user code.
        state_ = running_ != 0 ? ResultState::Waiting : ResultState::Starting;
        progress_.reset();
        progress_text_.clear();
        // Shown as it is (Starting) in this frame's only view of it: nothing for the next frame
        // to update; otherwise it is queued for the next frame, which is asked for.
        const bool shown = show_starting && show_starting_locked(released);
        notify = !(shown && state_ == ResultState::Starting) && touch_locked();
        // A worker that took the hook from the queue and has not started yet runs this one (on
        // the same kind of thread). Queued before the lock goes: no worker can take the hook and
        // begin this run in between, which would leave the hook queued again for nothing and
        // start a thread to find nothing.
        if (running_ == 0 && !(taken_by_worker() && policy_.dedicated == was_dedicated))
            submitted = queue_work(policy_);
        // The thread that takes the new run releases the replaced job (one at a time: an older
        // one still waiting goes to the service thread below).
        if (old_job && !retired_job_) retired_job_ = std::move(old_job);
    }
    stop_and_release(std::move(previous), std::move(old_job));
    if (!submitted) submit_failed();
    if (notify) notify_changed();
    return true;
}

bool ThreadHookBase::queue_work(const RunPolicy& policy) {
    return executor_->submit(std::static_pointer_cast<Work>(shared_from_this()), policy.priority,
                             policy.dedicated);
}

void ThreadHookBase::submit_failed() {
    start_failed(
        std::make_exception_ptr(std::runtime_error("imhooks: the executor was shut down")));
}

void ThreadHookBase::submit(const RunPolicy& policy) {
    if (!queue_work(policy)) submit_failed();
}

void ThreadHookBase::stop_and_release(std::shared_ptr<RunSignal> signal,
                                      std::shared_ptr<const ErasedJob> job) {
    // The flag is set here; the std::stop_source (if the job made one) on the service thread.
    if (signal && !signal->request_stop()) signal.reset();
    if (!signal && !job) return;
    sink_->work_began();
    executor_->post_chore(
        [signal = std::move(signal), job = std::move(job), sink = sink_]() mutable {
            if (signal) signal->request_source_stop();  // the job's stop callbacks run here
            job.reset();                                // and its captures' destructors
            signal.reset();
            sink->work_ended();
        });
}

void ThreadHookBase::execute() noexcept {
    std::unique_lock lock(mutex_);
    execution_began();
    // A second queue entry (submitted while the first was being taken) finds nothing to do, and
    // a run never starts while another of this hook executes user code (rule 3).
    if (!pending_locked() || running_ != 0) return;
    const std::uint64_t generation = generation_;
    taken_ = generation;
    // Made here, on the executor's thread, rather than when the run was requested: a frame that
    // requests thousands of runs allocates none of them.
    std::shared_ptr<RunSignal> signal = std::make_shared<RunSignal>();
    signal_ = signal;
    std::shared_ptr<const ErasedJob> job = job_;
    std::shared_ptr<const ErasedJob> retired = std::move(retired_job_);
    const bool intrusive = policy_.intrusive;
    running_ = generation;
    state_ = ResultState::Running;
    bool notify = touch_locked();
    lock.unlock();
    if (notify) notify_changed();
    retired.reset();  // a replaced job's captures are destroyed here, outside the lock

    std::shared_ptr<const void> returned;
    std::exception_ptr error;
    const End end = execute_job(*job, generation, signal, intrusive, returned, error);
    job.reset();  // the job's captures are destroyed here, on this thread, outside the lock

    Released released;
    std::exception_ptr discarded;
    std::exception_ptr replaced_error;
    bool resubmit = false;
    bool ended = false;
    RunPolicy policy;
    lock.lock();
    running_ = 0;
    notify = false;
    const bool cancelled = signal->stop_requested() || cancelled_ == generation;
    if (generation != generation_ || detached_) {
        released.value = std::move(returned);  // superseded runs never write (rule 13)
        if (end == End::Threw) discarded = std::move(error);
    } else if (cancelled || end == End::Cancelled) {
        released.value = std::move(returned);
        if (end == End::Threw) discarded = std::move(error);
        state_ = ResultState::Cancelled;  // rule 6, whatever the job did afterwards
        run_ended_locked();
        notify = touch_locked();
    } else if (end == End::Returned) {
        if (returned) {
            released.value = std::exchange(fresh_, std::move(returned));
            value_generation_ = generation;
            released.complete = std::exchange(complete_, fresh_);
            partial_ = false;
        } else if (value_generation_ == generation && partial_) {
            // A generator, or a Job<T>& job returning void: its last element is its result.
            released.complete = std::exchange(complete_, fresh_ ? fresh_ : value_);
            partial_ = false;
        }
        state_ = ResultState::Finished;
        replaced_error = std::exchange(error_, nullptr);
        run_ended_locked();
        notify = touch_locked();
    } else {
        state_ = ResultState::Error;
        replaced_error = std::exchange(error_, std::move(error));
        run_ended_locked();
        notify = touch_locked();
    }
    if (pending_locked()) {
        resubmit = true;  // a run requested meanwhile was Waiting for this one (rule 2)
        policy = policy_;
    } else {
        ended = true;
        // Nothing in flight: the signal is released with the run, here, rather than by the UI
        // thread when the next run is requested (`signal` holds it until after unlocking).
        signal_.reset();
    }
    // What the run replaced is destroyed first, outside the lock: user code, which may wait for
    // another run (one that may need another thread). Unless it runs none: then this thread
    // counts as coming back before the lock goes, so a run requested from now on (the lock is
    // taken to request one) already goes on it (see below).
    if (!replaced_error && values_destroy_trivially()) executor_->returning();
    lock.unlock();
    executor_->run_ended_for_testing();
    released = {};
    replaced_error = nullptr;
    // No user code is left for this thread (the waker is cheap by contract): a run requested from
    // now on (the Waiting one, a retry from a UI that saw this run end) goes on it.
    executor_->returning();
    signal.reset();
    if (notify) notify_changed();
    if (discarded) sink_->report_discarded(name_, std::move(discarded));
    if (resubmit) submit(policy);
    if (ended) sink_->work_ended();
}

void ThreadHookBase::start_failed(std::exception_ptr error) noexcept {
    std::exception_ptr replaced;
    bool notify;
    {
        std::lock_guard lock(mutex_);
        if (!pending_locked() || running_ != 0) return;
        taken_ = generation_;
        state_ = ResultState::Error;
        replaced = std::exchange(error_, std::move(error));
        notify = touch_locked();
    }
    if (notify) notify_changed();
    sink_->work_ended();
}

void ThreadHookBase::cancel() {
    std::shared_ptr<RunSignal> signal;
    bool notify = false;
    bool settled = false;
    {
        std::lock_guard lock(mutex_);
        const bool in_flight = pending_locked() || (running_ != 0 && running_ == generation_);
        if (detached_ || !in_flight || (signal_ && signal_->stop_requested())) return;
        cancel_requested_.store(true, std::memory_order_release);
        cancelled_ = generation_;
        signal = signal_;
        if (running_ != generation_) {
            // Not in user code yet (Starting or Waiting): it ends here and never runs.
            taken_ = generation_;
            state_ = ResultState::Cancelled;
            notify = touch_locked();
            settled = running_ == 0;
        }
    }
    if (settled) executor_->withdraw(*this);
    stop_and_release(std::move(signal), nullptr);
    if (notify) notify_changed();
    if (settled) sink_->work_ended();
}

void ThreadHookBase::retry() {
    request_run(nullptr, std::nullopt);
}

void ThreadHookBase::detach() {
    std::shared_ptr<RunSignal> signal;
    std::shared_ptr<const ErasedJob> job;
    std::shared_ptr<const ErasedJob> retired;  // replaced, and no run took it since
    bool settled = false;
    {
        std::lock_guard lock(mutex_);
        if (detached_) return;
        const bool pending = pending_locked();
        detached_ = true;
        ++generation_;
        job = std::move(job_);
        retired = std::move(retired_job_);
        if (pending || running_ != 0) signal = signal_;  // else the last run is over
        settled = pending && running_ == 0;
    }
    if (settled) executor_->withdraw(*this);
    stop_and_release(std::move(signal), std::move(job));
    stop_and_release(nullptr, std::move(retired));
    if (settled) sink_->work_ended();
}

std::shared_ptr<const void> ThreadHookBase::publish_value(std::uint64_t generation,
                                                          const RunSignal& signal,
                                                          std::shared_ptr<const void> value) {
    std::shared_ptr<const void> released = std::move(value);
    bool notify = false;
    {
        std::lock_guard lock(mutex_);
        if (may_publish_locked(generation, signal)) {
            released = std::exchange(fresh_, std::move(released));
            value_generation_ = generation;
            partial_ = true;
            notify = touch_locked();
        }
    }
    if (notify) notify_changed();
    return released;
}

void ThreadHookBase::publish_progress(std::uint64_t generation, const RunSignal& signal,
                                      float fraction, std::string_view text) {
    bool notify;
    {
        std::lock_guard lock(mutex_);
        if (!may_publish_locked(generation, signal)) return;
        if (std::isnan(fraction))
            progress_.reset();  // no fraction known; the text still shows
        else
            progress_ = std::clamp(fraction, 0.0f, 1.0f);
        progress_text_.assign(text);
        const bool progress_only = !changed_ || progress_only_;
        notify = touch_locked();
        progress_only_ = progress_only;
    }
    if (notify) notify_changed();
}

}  // namespace detail
}  // namespace imhooks
