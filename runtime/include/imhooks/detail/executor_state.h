// Internal: the state of an Executor, shared by its handle, its threads, and the hooks and tasks
// that submit work to it. Not a public API.
#pragma once

#include <imhooks/detail/unique_function.h>
#include <imhooks/executor.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

namespace imhooks::detail {

class ExecutorState;

// Something an executor runs: a use_thread hook or a task with a run to execute. It is queued at
// most once (submitting it again moves it to the front); the queue holds a reference to it.
class Work {
  public:
    Work() = default;
    virtual ~Work() = default;
    Work(const Work&) = delete;
    Work& operator=(const Work&) = delete;

    // On an executor thread: executes the pending run, if there still is one. Holds a slot for
    // the call unless the work was submitted as dedicated. Must not throw.
    virtual void execute() noexcept = 0;
    // The work was queued but will never execute: no thread could be started for it (`error`
    // says why) or the executor shut down. Called without any executor lock held.
    virtual void start_failed(std::exception_ptr error) noexcept = 0;

  protected:
    // True from the moment a worker takes the work from the queue until execute() calls
    // execution_began(): that call executes the newest run, so a run requested meanwhile needs no
    // submission of its own (one would only queue the work again, for a thread to find nothing).
    // Read and cleared under the work's own lock, which execute() takes first.
    bool taken_by_worker() const { return taken_.load(std::memory_order_acquire); }
    void execution_began() { taken_.store(false, std::memory_order_release); }

  private:
    friend class ExecutorState;
    template <class T>
    friend struct WorkAllocator;
    std::atomic<bool> taken_{false};
    bool made_by_make_work_ = false;  // see make_work()
    std::shared_ptr<Work> keep_;      // set while queued
    Work* prev_ = nullptr;
    Work* next_ = nullptr;
    int priority_ = 0;
    bool dedicated_ = false;
    bool queued_ = false;
};

// Works and chores collected on the UI thread during a frame, handed to their executors together
// at its end: each executor's under one lock, with one look for threads and one wake of its
// service thread. A frame that starts (or restarts) thousands of runs then takes each lock once,
// and never contends with the workers and the service thread run by run.
//
// submit() and post_chore() collect into the calling thread's current batch, if it has one: the
// batch of an open BatchScope, else, inside a component's body, the frame batch of that
// component's runtime (flushed at the frame's end). UI thread only.
class SubmitBatch {
  public:
    SubmitBatch() = default;
    ~SubmitBatch() { flush(); }
    SubmitBatch(const SubmitBatch&) = delete;
    SubmitBatch& operator=(const SubmitBatch&) = delete;

    // Queues the works and posts the chores collected so far, executor by executor.
    void flush();

  private:
    friend class ExecutorState;
    // Deques: a frame that starts thousands of runs fills blocks one after the other, where a
    // vector would copy itself into fresh memory each time it doubles.
    struct Group {
        std::shared_ptr<ExecutorState> executor;
        std::deque<std::pair<std::shared_ptr<Work>, std::pair<int, bool>>> works;
        std::deque<UniqueFunction> chores;
    };
    Group& group(ExecutorState& executor);
    std::deque<Group> groups_;
};

// Makes `batch` the calling thread's current batch until the scope ends, then restores the one
// before. The owner flushes `batch` after the scope, before it waits for the work in it.
class BatchScope {
  public:
    explicit BatchScope(SubmitBatch& batch);
    ~BatchScope();
    BatchScope(const BatchScope&) = delete;
    BatchScope& operator=(const BatchScope&) = delete;

  private:
    SubmitBatch* previous_;
};

// Called before a work made by make_work() is destroyed, on the thread that destroys it: a worker
// that counts as coming back for the queue (ExecutorState::returning()) stops counting, since the
// destructors about to run are user code (a value's, a job capture's) and may wait for a run that
// then needs another thread. Otherwise nothing.
void work_destroying() noexcept;

// The allocator of make_work(): std::allocator, but destroy() calls work_destroying() first.
template <class T>
struct WorkAllocator {
    using value_type = T;
    WorkAllocator() = default;
    template <class U>
    WorkAllocator(const WorkAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
        if constexpr (std::is_base_of_v<Work, U>) static_cast<Work*>(p)->made_by_make_work_ = true;
    }
    template <class U>
    void destroy(U* p) noexcept {
        if constexpr (std::is_base_of_v<Work, U>) work_destroying();
        p->~U();
    }
    template <class U>
    bool operator==(const WorkAllocator<U>&) const noexcept {
        return true;
    }
};

// A work whose last reference a worker may drop while it counts as coming back for the queue:
// its destruction ends that count first. Every work the library submits is made here.
template <class W, class... Args>
std::shared_ptr<W> make_work(Args&&... args) {
    return std::allocate_shared<W>(WorkAllocator<W>{}, std::forward<Args>(args)...);
}

// The frame batch of the runtime whose component body runs on this thread, or null. Defined by the
// runtime.
SubmitBatch* current_frame_batch() noexcept;

// Hands over what the calling thread's current batch holds. Call it before waiting for work that
// may be in it (a run's stop, the release of its job): ~Task does.
void flush_current_batch();

class ExecutorState : public std::enable_shared_from_this<ExecutorState> {
  public:
    explicit ExecutorState(const ExecutorOptions& options);
    ~ExecutorState();

    // Queues `work` to run (or moves it to the front of its queue when it is queued already):
    // newest first among works of one priority, higher priorities first. `dedicated`: it runs
    // without taking a slot (a thread of its own, within max_threads). Returns false, queuing
    // nothing, once the executor is shut down; a work collected in a batch (see SubmitBatch) is
    // refused at the batch's flush instead, with start_failed. Any thread; never runs user code.
    bool submit(std::shared_ptr<Work> work, int priority, bool dedicated);
    // By the worker executing a work, once the work's run has ended and no user code is left for
    // the worker (what the run replaced is destroyed): until it is back in its loop it counts as
    // a thread coming for the queue, so a run submitted meanwhile (the hook's Waiting run, a
    // retry from a UI that saw the run end) goes on it rather than on a thread woken or started
    // for it. From any other thread: nothing.
    void returning();
    // This worker counted as returning and is about to run user code after all: it counts no
    // longer, and the queue gets another thread if it needs one (work_destroying()).
    void stop_returning();
    // Takes `work` out of the queue. True when it was queued. Any thread.
    bool withdraw(Work& work);
    // Runs `chore` on the executor's service thread (stop requests, destruction of finished jobs):
    // user code that must not run on the calling thread or under a lock. After shutdown, and when
    // the service thread cannot be started, the chore runs on the calling thread. Any thread.
    void post_chore(UniqueFunction chore);

    // Stops taking work: queued works get start_failed, idle threads exit; waits up to `timeout`
    // for the threads that are not executing a run to exit. Any thread but the executor's own.
    void shut_down(std::chrono::milliseconds timeout);

    const ExecutorOptions& options() const { return options_; }
    ExecutorStats stats() const;

    // For BlockingScope: the calling thread's run gives up / takes back its slot.
    void leave_slot();
    void enter_slot();

    // Test seam: the next `count` thread starts fail with EAGAIN, as when the process is out of
    // threads. Any thread.
    void fail_thread_starts_for_testing(int count);
    // Test seam: runs back from sleep_for() or blocking() that wait for a slot now. Any thread.
    std::size_t resuming_for_testing() const;
    // Test seam: workers call `hold` after taking a work from the queue, before executing it.
    // Set before the first work is submitted.
    void hold_after_take_for_testing(std::function<void()> hold) {
        hold_after_take_ = std::move(hold);
    }
    // Test seam: a hook's worker calls `hold` as soon as its run has ended and it let go of the
    // hook's lock, before it releases what the run replaced. Set before the first work is
    // submitted.
    void hold_after_run_for_testing(std::function<void()> hold) {
        hold_after_run_ = std::move(hold);
    }
    // Called by a hook's worker there (see hold_after_run_for_testing()).
    void run_ended_for_testing() const {
        if (hold_after_run_) hold_after_run_();
    }

  private:
    struct Queue {  // one priority level, newest at head
        int priority = 0;
        Work* head = nullptr;
        Work* tail = nullptr;
    };

    void worker_main();
    void service_main();

    void push_locked(std::shared_ptr<Work> work, int priority, bool dedicated);
    void queue_locked(std::shared_ptr<Work> work, int priority, bool dedicated);
    // A batch's share: its works queued and its chores posted under one lock.
    friend class SubmitBatch;
    void take_batch(SubmitBatch::Group& group);
    std::shared_ptr<Work> unlink_locked(Work& work);
    std::shared_ptr<Work> pop_locked(bool dedicated);
    bool can_take_locked() const;
    // Under mutex_: the calling worker no longer counts as returning, if it did.
    void end_returning_locked();
    // Hands the free slots out, to runs coming back and to queued works in turn, then wakes idle
    // workers and asks for new threads so that every queued work that can start now has a thread.
    // `self`: the calling worker is free to take a work (it counts as a thread for the queue).
    // `add_threads`: false after a thread failed to start, so that no slot waits for a new one.
    // Returns true when the service thread must be started by the caller.
    bool balance_locked(std::size_t self = 0, bool add_threads = true);
    bool wake_service_locked();
    void start_service();
    std::vector<std::shared_ptr<Work>> take_all_queued_locked();

    ExecutorOptions options_;

    mutable std::mutex mutex_;
    std::condition_variable work_cv_;     // idle workers
    std::condition_variable resume_cv_;   // runs leaving a blocking scope, waiting for a slot
    std::condition_variable service_cv_;  // the service thread
    std::condition_variable exit_cv_;     // shut_down() waiting for threads to exit

    std::vector<Queue> slot_queues_;       // by priority, highest first
    std::vector<Queue> dedicated_queues_;  // by priority, highest first
    std::size_t queued_slot_ = 0;
    std::size_t queued_dedicated_ = 0;

    std::size_t running_ = 0;   // runs holding a slot
    std::size_t waiting_ = 0;   // runs executing without a slot (blocking scope, dedicated)
    std::size_t resumers_ = 0;  // runs waiting to take a slot back
    // Free slots promised: to queued slot works (a thread is on its way for each), and to
    // resumers (notified, not yet awake). Nobody else takes them.
    std::size_t owed_queue_ = 0;
    std::size_t owed_resumers_ = 0;
    bool queue_turn_ = false;   // whether the next slot both want goes to the queue
    std::size_t workers_ = 0;   // worker threads alive or being started
    std::size_t starting_ = 0;  // worker threads asked of the service thread, not yet started
    std::size_t arriving_ = 0;  // worker threads started, not yet in their loop
    // Workers on their way back to their loop with no user code left to run (see returning()).
    // Counted up without mutex_, by the worker; down under it.
    std::atomic<std::size_t> returning_{0};
    std::function<void()> hold_after_take_;  // test seam
    std::function<void()> hold_after_run_;   // test seam
    std::size_t idle_ = 0;                   // workers waiting for work
    std::size_t wakeups_ = 0;                // idle workers notified that have not woken yet
    bool service_alive_ = false;
    bool service_notified_ = false;  // notified since it last looked at its work
    bool closed_ = false;
    std::deque<UniqueFunction> chores_;
    int fail_starts_ = 0;

    std::size_t peak_threads_ = 0;
    std::size_t threads_started_ = 0;
    std::size_t runs_started_ = 0;
    std::size_t start_failures_ = 0;
};

}  // namespace imhooks::detail
