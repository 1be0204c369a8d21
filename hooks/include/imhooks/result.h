// Result<T>: what use_thread hands the UI each frame.
#pragma once

#include <imhooks/result_state.h>

#include <exception>
#include <memory>
#include <optional>
#include <string>

namespace imhooks {

namespace detail {

// The part of a use_thread hook that Result can steer from any thread.
class ThreadControl {
  public:
    virtual ~ThreadControl() = default;
    virtual void cancel() = 0;
    virtual void retry() = 0;
    virtual bool cancel_requested() const = 0;
};

// A view of a hook, built on the UI thread and shared by Results. It never changes while a Result
// holds it; while only the hook's slot does, a frame start may update it where it is.
template <class T>
struct Snapshot {
    // What frames read and progress updates write first, next to the reference counts.
    ResultState state = ResultState::Initial;
    bool stale = false;
    bool partial = false;
    std::optional<float> progress;
    std::shared_ptr<const T> value;
    std::string progress_text;
    std::shared_ptr<const T> complete;  // the latest value a run returned in full
    std::exception_ptr error;
    std::weak_ptr<ThreadControl> control;
};

std::string describe_error(const std::exception_ptr& error);

}  // namespace detail

// A snapshot of a use_thread hook as of the current frame. Copying it is cheap (one shared
// pointer; in a use_thread's first frame also a weak one); it never copies T. The accessors read
// the snapshot and may be called from any thread; the snapshot does not change after it was
// returned. A Result may outlive its component: its accessors keep working, cancel() and retry()
// then do nothing.
template <class T>
class Result {
  public:
    Result() = default;  // Initial, attached to no hook

    ResultState state() const { return snapshot_ ? snapshot_->state : ResultState::Initial; }
    // Starting, Waiting or Running: a run is requested and has not ended.
    bool in_flight() const {
        const ResultState s = state();
        return s == ResultState::Starting || s == ResultState::Waiting || s == ResultState::Running;
    }

    // The latest result (or partial result of a generator / Job::yield), null when none yet.
    // Stays visible while a new run is under way and after an error (see stale()). Valid for as
    // long as this Result (or a copy) lives.
    const T* value() const { return snapshot_ ? snapshot_->value.get() : nullptr; }

    // The exception of the run that ended in Error; stays visible while a new run is under way,
    // cleared when a run finishes.
    std::exception_ptr error() const { return snapshot_ ? snapshot_->error : nullptr; }
    // A readable message for error() (empty when none): what() for std::exception, the text of
    // a thrown string, the type's name for anything else.
    std::string error_message() const {
        return snapshot_ ? detail::describe_error(snapshot_->error) : std::string();
    }

    // The run's last reported progress in [0, 1]; empty until the current run reports.
    std::optional<float> progress() const { return snapshot_ ? snapshot_->progress : std::nullopt; }
    const std::string& progress_text() const {
        return snapshot_ ? snapshot_->progress_text : empty_text();
    }

    // True when value() was left by an earlier run rather than produced by the current one
    // (a new run is under way, or the current run ended in Error or Cancelled).
    bool stale() const { return snapshot_ && snapshot_->stale; }

    // True when value() is a partial result: an element of a Generator or a Job::yield of a run
    // that has not returned: still running, or ended in Cancelled or Error before it finished.
    // Independent of stale(): a partial value of an earlier run is both.
    bool partial() const { return snapshot_ && snapshot_->partial; }

    // The latest value a run returned in full (value() itself unless it is partial); null until a
    // run finishes. While a new run publishes partial results into value(), and after it is
    // cancelled or fails, this still shows the last complete one.
    const T* last_complete() const { return snapshot_ ? snapshot_->complete.get() : nullptr; }

    // True from the moment cancel() is called until a new run starts (live, not a snapshot).
    // Any thread.
    bool cancel_requested() const {
        auto control = this->control();
        return control && control->cancel_requested();
    }

    // Requests stop of the run in flight: it ends in Cancelled and nothing it produces after
    // this call is shown. No effect when nothing is in flight. Non-blocking; any thread.
    void cancel() const {
        if (auto control = this->control()) control->cancel();
    }

    // Stops the run in flight, if any, and starts a new one with the same job and dependencies.
    // The new run waits on its own thread until the old one has left user code. Non-blocking;
    // any thread.
    void retry() const {
        if (auto control = this->control()) control->retry();
    }

    explicit Result(std::shared_ptr<const detail::Snapshot<T>> snapshot)
        : snapshot_(std::move(snapshot)) {}
    // A snapshot shared by many hooks (a use_thread's first frame: one Initial snapshot for all),
    // with the hook this Result steers.
    Result(std::shared_ptr<const detail::Snapshot<T>> snapshot,
           std::weak_ptr<detail::ThreadControl> control)
        : snapshot_(std::move(snapshot)), control_(std::move(control)) {}

  protected:
    // For results with more to show (QueryResult): the snapshot, or null.
    const detail::Snapshot<T>* snapshot() const { return snapshot_.get(); }

  private:
    std::shared_ptr<detail::ThreadControl> control() const {
        if (auto control = control_.lock()) return control;
        return snapshot_ ? snapshot_->control.lock() : nullptr;
    }
    static const std::string& empty_text() {
        static const std::string empty;
        return empty;
    }
    std::shared_ptr<const detail::Snapshot<T>> snapshot_;
    std::weak_ptr<detail::ThreadControl> control_;  // when the snapshot is a shared one
};

}  // namespace imhooks
