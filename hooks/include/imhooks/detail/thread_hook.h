// Internal: the shared state of one use_thread hook and its worker ("driver") thread.
//
// Generations: every requested run (first start, retry, deps change) gets the next generation
// number; unmount also bumps it. Everything a worker publishes is checked, under the hook's mutex,
// against the current generation and its own stop token, so superseded or cancelled runs never
// write (rules 6 and 13). One driver thread at a time executes runs, newest generation first, so
// two runs never execute user code at once and rapid restarts collapse (rule 3); the driver exits
// when nothing is pending and a new one is spawned on demand.
#pragma once

#include <imhooks/detail/core.h>
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

// A job as given to use_thread, type-erased. Immutable, shared by runs.
class ErasedJob {
  public:
    virtual ~ErasedJob() = default;
};

class ThreadHookBase : public ThreadControl,
                       public Updatable,
                       public std::enable_shared_from_this<ThreadHookBase> {
  public:
    explicit ThreadHookBase(std::shared_ptr<Core> core) : core_(std::move(core)) {}

    // Requests a new run of `job` (nullptr: the current job again). Any thread; with
    // `show_starting` (UI thread only) the UI's snapshot shows Starting at once, before any
    // worker can publish (rule 11). Returns false when nothing was requested (detached, or no
    // job yet).
    bool request_run(std::shared_ptr<const ErasedJob> job, bool intrusive,
                     bool show_starting = false);
    // The component unmounted: stop the run, publish nothing more. Non-blocking.
    void detach();

    // A run's progress report (checked like every publication). Any thread.
    void publish_progress(std::uint64_t generation, const std::stop_token& stop, float fraction,
                          std::string_view text);

    void cancel() override;
    void retry() override;
    bool cancel_requested() const override {
        return cancel_requested_.load(std::memory_order_acquire);
    }

  protected:
    enum class End { Returned, Threw, Cancelled };

    // Runs user code on the driver thread; the typed part keeps what the job returned.
    virtual End execute(const ErasedJob& job, std::uint64_t generation, std::stop_token stop,
                        bool intrusive, std::exception_ptr& error) = 0;
    // Under mutex_: the run `generation` returned; make its value the result.
    virtual void take_returned_locked(std::uint64_t generation) = 0;
    // The run's returned value is not to be shown (superseded, cancelled). Driver thread.
    virtual void discard_returned() = 0;
    // Under mutex_, UI thread: the UI's snapshot becomes the pending state, shown as Starting.
    virtual void show_starting_locked() = 0;

    // Under mutex_: the run may publish (current generation, not cancelled, not stopped, not
    // detached). cancelled_ closes the window between cancel() and its stop request, which is
    // made after unlocking (it runs the job's stop callbacks).
    bool may_publish_locked(std::uint64_t generation, const std::stop_token& stop) const {
        return generation == generation_ && generation != cancelled_ && !detached_ &&
               !stop.stop_requested();
    }
    // Under mutex_: mark the hook changed; true when the caller must post it (after unlocking).
    bool touch_locked() {
        changed_ = true;
        return !std::exchange(queued_, true);
    }
    void post() { core_->post(shared_from_this()); }

    std::shared_ptr<Core> core_;
    mutable std::mutex mutex_;
    // What the UI will show next, guarded by mutex_.
    ResultState state_ = ResultState::Initial;
    std::exception_ptr error_;
    std::optional<float> progress_;
    std::string progress_text_;
    std::uint64_t value_generation_ = 0;  // the run that produced the value
    bool changed_ = false;
    bool queued_ = false;
    // Runs, guarded by mutex_.
    std::uint64_t generation_ = 0;  // the latest requested run (0: none yet)
    std::uint64_t taken_ = 0;       // the latest run a driver took (or cancel() settled)
    std::uint64_t running_ = 0;     // the run in user code (0: none)
    std::uint64_t cancelled_ = 0;   // the latest run cancel() was called for
    bool detached_ = false;
    bool driver_active_ = false;
    bool intrusive_ = true;
    std::stop_source stop_;
    std::shared_ptr<const ErasedJob> job_;
    std::atomic<bool> cancel_requested_{false};

  private:
    void drive();
    void spawn_driver();
};

}  // namespace imhooks::detail
