#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/thread_hook.h>
#include <imhooks/job.h>
#include <imhooks/result.h>

#include <algorithm>
#include <system_error>

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
    throw Cancelled{};
}

std::string describe_error(const std::exception_ptr& error) {
    return describe_exception(error);
}

//----------------------------------------------------------------------------------------------
// RunContext

RunContext::RunContext(std::stop_token stop, bool intrusive)
    : stop_(std::move(stop)), intrusive_(intrusive) {
    on_stop_.emplace(stop_, OnStop{this});
}

RunContext::~RunContext() = default;

void RunContext::sleep_for(std::chrono::nanoseconds duration) {
    std::unique_lock lock(sleep_mutex_);
    sleep_cv_.wait_for(lock, stop_, duration, [] { return false; });
}

//----------------------------------------------------------------------------------------------
// ThreadHookBase

bool ThreadHookBase::request_run(std::shared_ptr<const ErasedJob> job, bool intrusive,
                                 bool show_starting) {
    std::stop_source previous;
    bool post_needed;
    bool spawn;
    {
        std::lock_guard lock(mutex_);
        if (detached_) return false;
        if (job) {
            job_ = std::move(job);
            intrusive_ = intrusive;
        }
        if (!job_) return false;
        ++generation_;
        previous = std::exchange(stop_, std::stop_source());
        cancel_requested_.store(false, std::memory_order_release);
        // Rule 2: wait (on the driver thread) while an earlier run still executes user code.
        state_ = running_ != 0 ? ResultState::Waiting : ResultState::Starting;
        progress_.reset();
        progress_text_.clear();
        post_needed = touch_locked();
        if (show_starting) show_starting_locked();
        spawn = !std::exchange(driver_active_, true);
    }
    previous.request_stop();  // outside the lock: it runs the job's stop callbacks
    if (spawn) spawn_driver();
    if (post_needed) post();
    return true;
}

void ThreadHookBase::spawn_driver() {
    std::exception_ptr failure;
    try {
        auto self = std::static_pointer_cast<ThreadHookBase>(shared_from_this());
        if (core_->spawn([self] { self->drive(); })) return;
    } catch (...) {
        failure = std::current_exception();  // e.g. std::system_error: no more threads
    }
    bool post_needed = false;
    {
        std::lock_guard lock(mutex_);
        driver_active_ = false;
        if (failure && !detached_) {
            taken_ = generation_;
            state_ = ResultState::Error;
            error_ = failure;
            post_needed = touch_locked();
        }
    }
    if (post_needed) post();
}

void ThreadHookBase::drive() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (detached_ || taken_ == generation_) {
            driver_active_ = false;
            return;
        }
        const std::uint64_t generation = generation_;
        taken_ = generation;
        std::stop_source stop = stop_;
        std::shared_ptr<const ErasedJob> job = job_;
        const bool intrusive = intrusive_;
        if (stop.stop_requested() || cancelled_ == generation) continue;  // cancel() published it

        running_ = generation;
        state_ = ResultState::Running;
        bool post_needed = touch_locked();
        lock.unlock();
        if (post_needed) post();

        std::exception_ptr error;
        const End end = execute(*job, generation, stop.get_token(), intrusive, error);
        job.reset();  // the job's captures are destroyed outside the lock

        lock.lock();
        running_ = 0;
        post_needed = false;
        const bool cancelled = stop.stop_requested() || cancelled_ == generation;
        if (generation != generation_ || detached_) {
            discard_returned();  // superseded runs never write (rule 13)
        } else {
            if (cancelled || end == End::Cancelled) {
                discard_returned();
                state_ = ResultState::Cancelled;  // rule 6, whatever the job did afterwards
            } else if (end == End::Returned) {
                take_returned_locked(generation);
                state_ = ResultState::Finished;
                error_ = nullptr;
            } else {
                state_ = ResultState::Error;
                error_ = std::move(error);
            }
            post_needed = touch_locked();
        }
        if (post_needed) {
            lock.unlock();
            post();
            lock.lock();
        }
    }
}

void ThreadHookBase::cancel() {
    std::stop_source stop;
    bool post_needed = false;
    {
        std::lock_guard lock(mutex_);
        const bool in_flight =
            generation_ != 0 && (taken_ != generation_ || running_ == generation_);
        if (detached_ || !in_flight || stop_.stop_requested()) return;
        cancel_requested_.store(true, std::memory_order_release);
        cancelled_ = generation_;
        stop = stop_;
        if (running_ != generation_) {
            // Not in user code yet (Starting or Waiting): it ends here and never runs.
            taken_ = generation_;
            state_ = ResultState::Cancelled;
            post_needed = touch_locked();
        }
    }
    stop.request_stop();
    if (post_needed) post();
}

void ThreadHookBase::retry() {
    request_run(nullptr, true);
}

void ThreadHookBase::detach() {
    std::stop_source stop;
    std::shared_ptr<const ErasedJob> job;
    {
        std::lock_guard lock(mutex_);
        if (detached_) return;
        detached_ = true;
        ++generation_;
        stop = stop_;
        job = std::move(job_);
    }
    stop.request_stop();
}

void ThreadHookBase::publish_progress(std::uint64_t generation, const std::stop_token& stop,
                                      float fraction, std::string_view text) {
    bool post_needed;
    {
        std::lock_guard lock(mutex_);
        if (!may_publish_locked(generation, stop)) return;
        progress_ = std::clamp(fraction, 0.0f, 1.0f);
        progress_text_.assign(text);
        post_needed = touch_locked();
    }
    if (post_needed) post();
}

}  // namespace detail
}  // namespace imhooks
