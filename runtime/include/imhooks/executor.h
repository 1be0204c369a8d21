// Executor: where jobs run. A pool of threads, bounded by cores for job code and elastic for runs
// that wait.
//
//   - At most `max_running` runs execute job code at once (default: one per core). Runs beyond
//     that wait in a queue, newest first (their Result shows Starting); a run whose hook was
//     superseded, cancelled or unmounted while queued leaves the queue without running.
//   - A run that waits — in imhooks::sleep_for(), or inside blocking(fn) around a blocking call —
//     gives its slot to another run meanwhile, up to `max_threads` threads in all. Coming back,
//     it waits for a free slot; runs coming back and queued runs take turns for the slots that
//     free up, so neither can hold the other off.
//   - Threads are reused. The UI thread never creates or joins one: a service thread starts them
//     and runs the executor's housekeeping (stop requests, destruction of finished jobs). The UI
//     thread only starts that service thread when the executor has no thread at all (once after
//     each idle period). Threads idle for `idle_timeout` exit, so none are alive when nothing runs.
//
// Every Runtime owns one (RuntimeOptions::executor replaces it); one Executor can be shared by
// several runtimes and tasks, and a hook can choose another one (ThreadOptions::executor).
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace imhooks {

namespace detail {
class ExecutorState;
}  // namespace detail

struct ExecutorOptions {
    // Runs executing job code at once. 0 (default): std::thread::hardware_concurrency(), at
    // least 1.
    std::size_t max_running = 0;
    // Threads at most, counting those whose run waits in sleep_for() or blocking() and those of
    // dedicated runs (ThreadOptions::dedicated_thread). Runs beyond it wait in the queue.
    std::size_t max_threads = 512;
    // A thread with nothing to do for this long exits.
    std::chrono::milliseconds idle_timeout{5000};
    // Linux: worker threads run this many nice levels below the process (0: the same), so that
    // when jobs and the UI thread both want a core the frame gets it first and a pool busy with
    // CPU-bound jobs does not stutter the UI. Jobs still use every idle core. Elsewhere ignored.
    int worker_nice = 5;
};

// What an executor is doing, for inspectors and tests. A consistent snapshot.
struct ExecutorStats {
    std::size_t running = 0;          // runs executing job code, each holding a slot
    std::size_t waiting = 0;          // runs in sleep_for()/blocking() or on dedicated threads
    std::size_t queued = 0;           // runs waiting for a slot or a thread
    std::size_t threads = 0;          // threads alive now (workers, and the service thread)
    std::size_t idle_threads = 0;     // workers waiting for work
    std::size_t peak_threads = 0;     // most threads alive at once since creation
    std::size_t threads_started = 0;  // since creation
    std::size_t runs_started = 0;     // runs that reached job code, since creation
    std::size_t start_failures = 0;   // threads that could not be started
    std::size_t housekeeping = 0;     // stop requests and destructions not yet done
    std::size_t max_running = 0;      // the resolved options
    std::size_t max_threads = 0;
};

class Executor {
  public:
    // Throws std::invalid_argument when max_threads is 0 or idle_timeout is negative.
    explicit Executor(ExecutorOptions options = {});
    // Stops taking work; queued runs end in Error. Idle threads exit and are waited for (briefly);
    // threads still executing a job finish it and exit on their own. Any thread but the
    // executor's own.
    ~Executor();
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;

    const ExecutorOptions& options() const;  // resolved (max_running is never 0); any thread
    ExecutorStats stats() const;             // any thread

    // Internal: the shared state hooks and tasks hold.
    const std::shared_ptr<detail::ExecutorState>& state() const { return state_; }

  private:
    std::shared_ptr<detail::ExecutorState> state_;
};

// The executor Tasks run on unless TaskOptions::executor names another: one for the whole
// process, with default options, made on first use. Any thread.
std::shared_ptr<Executor> shared_executor();

namespace detail {
// Gives the calling run's slot to other runs until the returned guard is destroyed (which may wait
// for a slot to free up). Does nothing outside an executor's slot-holding run.
class BlockingScope {
  public:
    BlockingScope();
    ~BlockingScope();
    BlockingScope(const BlockingScope&) = delete;
    BlockingScope& operator=(const BlockingScope&) = delete;

  private:
    ExecutorState* state_ = nullptr;
};
}  // namespace detail

// Runs fn() — a call that blocks without the library seeing it (a network read, a lock, a child
// process) — inside a job, giving the run's executor slot to other runs meanwhile, and returns
// what fn returns. When fn returns (or throws) the run takes a slot again, waiting for one if
// every slot is taken (in turn with queued runs, see Executor). Outside a job, or on a dedicated
// thread, it just calls fn(). Job threads.
template <class F>
decltype(auto) blocking(F&& fn) {
    detail::BlockingScope scope;
    return std::forward<F>(fn)();
}

}  // namespace imhooks
