// Code running inside a use_thread job: cancellation checkpoints, sleeping, progress.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string_view>
#include <thread>
#include <utility>

namespace imhooks {

// What an intrusive cancel throws inside a job, at a checkpoint. Deliberately NOT derived from
// std::exception, so `catch (const std::exception&)` in job code does not swallow it. The
// runtime catches it; a job that catches it with `catch (...)` should rethrow.
struct Cancelled {};

namespace detail {

// The stop of one run. request_stop() sets a flag at once (checkpoints, sleep_for and
// stop_requested() see it) and wakes the run's sleep_for; the std::stop_source behind token() is
// stopped afterwards by request_source_stop(), on the executor's service thread, because that runs
// the job's std::stop_callbacks (user code).
class RunSignal {
  public:
    bool stop_requested() const { return stopped_.load(std::memory_order_acquire); }
    const std::atomic<bool>& flag() const { return stopped_; }
    // Sets the flag and wakes sleep_for. True when the std::stop_source must be stopped too
    // (request_source_stop(), elsewhere): the flag was not set before and the job has asked for
    // its token. Any thread; runs no user code.
    bool request_stop() noexcept;
    // Requests stop of token(): runs the job's stop callbacks on the calling thread.
    void request_source_stop() noexcept;
    // The job's std::stop_token. Its stop_source is made on first use (most jobs never ask), and
    // is stopped at once when the stop came first.
    std::stop_token token();
    // Sleeps for `duration` or until request_stop(); saturates durations that overflow the
    // clock (a huge duration sleeps until the stop).
    void sleep_for(std::chrono::nanoseconds duration);

  private:
    std::atomic<bool> stopped_{false};
#if defined(__linux__)
    // 1 from the stop on: the futex word sleep_for() waits on. A condition variable's wait
    // leaves its mutex marked contended, so that every sleep_for() ended with a second system
    // call to wake nobody.
    std::atomic<std::uint32_t> wake_{0};
#else
    std::condition_variable sleep_cv_;
#endif
    std::mutex sleep_mutex_;  // guards source_ (and, without futexes, the sleep)
    std::stop_source source_{std::nostopstate};
};

// One run of a job, on its executor thread. Found by the free functions below through a
// thread-local pointer.
class RunContext {
  public:
    RunContext(std::shared_ptr<RunSignal> signal, bool intrusive);
    virtual ~RunContext();
    RunContext(const RunContext&) = delete;
    RunContext& operator=(const RunContext&) = delete;

    // The job's stop token (made on first use). The run's thread only.
    const std::stop_token& stop() const {
        if (!token_.stop_possible()) token_ = signal_->token();
        return token_;
    }
    const RunSignal& signal() const { return *signal_; }
    bool intrusive() const { return intrusive_; }
    // True once a stop is requested and the job is to be aborted at its next checkpoint.
    bool must_abort() const { return abort_->load(std::memory_order_relaxed); }
    // Sleeps, giving the run's executor slot to other runs meanwhile.
    void sleep_for(std::chrono::nanoseconds duration);
    virtual void publish_progress(float fraction, std::string_view text) = 0;

  private:
    std::shared_ptr<RunSignal> signal_;
    const std::atomic<bool>* abort_;  // the signal's flag when intrusive, else a constant false
    mutable std::stop_token token_;
    bool intrusive_;
};

// The run executing on this thread, or nullptr outside jobs.
extern constinit thread_local RunContext* t_current_run;

// `duration` in nanoseconds, saturated: what does not fit (milliseconds::max() and the like)
// becomes nanoseconds::max(), negative durations zero.
template <class Rep, class Period>
std::chrono::nanoseconds saturated_nanoseconds(std::chrono::duration<Rep, Period> duration) {
    using std::chrono::nanoseconds;
    const double as_ns = std::chrono::duration<double, std::nano>(duration).count();
    if (!(as_ns > 0)) return nanoseconds::zero();
    if (as_ns >= static_cast<double>(nanoseconds::max().count())) return nanoseconds::max();
    return std::chrono::duration_cast<nanoseconds>(duration);
}

// Throws Cancelled, unless an exception is already unwinding the stack (a checkpoint reached
// from a destructor during unwinding must not terminate the program).
void throw_cancelled();

}  // namespace detail

//----------------------------------------------------------------------------------------------
// Free functions for code running inside a job (they find the job through the thread). Outside
// a job they do nothing (sleep_for just sleeps). Job threads only.
//----------------------------------------------------------------------------------------------

// With intrusive_cancel (the default): throws Cancelled when a stop was requested. Costs a
// thread-local load and a relaxed atomic load; call it as often as you like. It never throws while
// another exception unwinds the stack (from a destructor of a cancelled job's local), but a
// destructor that runs at a normal scope exit must not call it: a throw from a destructor
// terminates the program.
inline void checkpoint() {
    const detail::RunContext* run = detail::t_current_run;
    if (run && run->must_abort()) [[unlikely]]
        detail::throw_cancelled();
}

// Whether the job's stop was requested (cancel, retry, dependency change, unmount, shutdown).
// True at once; the std::stop_token follows a moment later (see current_stop_token()).
inline bool stop_requested() {
    const detail::RunContext* run = detail::t_current_run;
    return run && run->signal().stop_requested();
}

// The job's stop token (a token that never stops outside a job); for std::stop_callback. Its stop
// is requested on the executor's service thread right after the stop flag is set, so stop
// callbacks never run on the thread that called cancel() (often the UI thread) nor under a
// library lock. A stop callback that throws terminates the program (std::stop_callback's rule).
inline std::stop_token current_stop_token() {
    const detail::RunContext* run = detail::t_current_run;
    return run ? run->stop() : std::stop_token();
}

// Sleeps for `duration`, waking at once when a stop is requested; then a checkpoint (throws
// Cancelled with intrusive_cancel, returns early without). The run gives its executor slot to
// other runs while it sleeps. A duration too large for the clock (milliseconds::max()) sleeps
// until the stop.
template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> duration) {
    const std::chrono::nanoseconds nanoseconds = detail::saturated_nanoseconds(duration);
    if (detail::RunContext* run = detail::t_current_run)
        run->sleep_for(nanoseconds);
    else
        std::this_thread::sleep_for(nanoseconds);
    checkpoint();
}

// Publishes progress (fraction in [0, 1], clamped; NaN means "no fraction known": progress()
// becomes empty while the text still shows) to Result::progress() and progress_text();
// coalesced to one change per frame. Then a checkpoint.
void report_progress(float fraction, std::string_view text = {});

//----------------------------------------------------------------------------------------------
// Job<T>: the rich job argument, for jobs written as  T job(imhooks::Job<T>& job).
//----------------------------------------------------------------------------------------------

// Passed by reference to the job; valid for the duration of the run. Its members are for the
// job's own thread (pass values, not the Job, to other threads).
template <class T>
class Job {
  public:
    // Publishes a partial result (replaces Result::value(), state stays Running), then a
    // checkpoint. Many yields between two frames cost the UI one frame. A job returning void
    // finishes with its last yielded value.
    void yield(T value) {
        publish_(context_, std::move(value));
        imhooks::checkpoint();
    }
    // Publishes progress, then a checkpoint. See report_progress().
    void progress(float fraction, std::string_view text = {}) {
        imhooks::report_progress(fraction, text);
    }
    std::stop_token stop_token() const { return context_.stop(); }
    bool stop_requested() const { return context_.signal().stop_requested(); }
    void checkpoint() const { imhooks::checkpoint(); }
    template <class Rep, class Period>
    void sleep_for(std::chrono::duration<Rep, Period> duration) const {
        imhooks::sleep_for(duration);
    }

    Job(detail::RunContext& context, void (*publish)(detail::RunContext&, T&&))
        : context_(context), publish_(publish) {}
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

  private:
    detail::RunContext& context_;
    void (*publish_)(detail::RunContext&, T&&);
};

}  // namespace imhooks
