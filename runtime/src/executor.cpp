// The executor: a queue of works by priority (newest first), worker threads that take them while a
// slot is free, and a service thread that starts workers and runs housekeeping chores.
//
// Accounting, all under mutex_:
//   running_        runs holding one of the max_running slots
//   waiting_        runs executing without a slot (inside a blocking scope, or dedicated)
//   resumers_       runs leaving a blocking scope, waiting for a slot
//   owed_queue_     free slots promised to queued slot works, each with a thread on its way
//   owed_resumers_  free slots promised to resumers, notified and not yet awake
//   workers_        worker threads alive, counting those the service thread is asked to start
//   returning_      workers whose run ended, on their way back to the queue with no user code
//                   left to run (counted as coming for it)
// balance_locked() promises every free slot as soon as someone can take it. When resumers and
// queued works both want one, they take turns: runs that keep coming back from sleep_for() can
// delay a queued run by one hand-over, never indefinitely. A slot is promised to the queue only
// when a thread will take the work (this worker, an idle or starting one, or room for a new one,
// after the dedicated works' share); otherwise resumers keep it, since a promise no thread keeps
// would leave them waiting for ever. A queued slot work starts only on a promised slot; a
// dedicated one whenever a thread is free. balance_locked() then makes sure every work that can
// start has a thread: an idle worker it wakes, or a new one it asks the service thread for, up
// to max_threads.
#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/executor_state.h>
#include <imhooks/executor.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#if defined(__linux__)
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace imhooks {
namespace detail {

namespace {

// The executor whose thread this is (a worker or the service thread), and whether the run this
// worker executes holds a slot now.
constinit thread_local ExecutorState* t_executor = nullptr;
constinit thread_local bool t_holds_slot = false;
// This worker counts in returning_ until it is back in its loop (see returning()).
constinit thread_local bool t_returning = false;

// The batch of the innermost open BatchScope on this thread (null: none).
constinit thread_local SubmitBatch* t_batch = nullptr;

SubmitBatch* current_batch() noexcept {
    return t_batch ? t_batch : current_frame_batch();
}

void name_this_thread([[maybe_unused]] const char* name) {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), name);
#endif
}

// Lowers the calling thread's priority by `levels` nice levels (Linux: nice is per thread).
void lower_this_thread([[maybe_unused]] int levels) {
#if defined(__linux__)
    if (levels <= 0) return;
    const auto thread = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int current = getpriority(PRIO_PROCESS, thread);
    if (errno != 0) return;
    setpriority(PRIO_PROCESS, thread, std::min(current + levels, 19));  // best effort
#endif
}

std::exception_ptr start_error(const std::system_error& cause, std::size_t alive,
                               std::size_t max_threads) {
    return std::make_exception_ptr(std::system_error(
        cause.code(), "imhooks: could not start a worker thread (" + std::to_string(alive) +
                          " threads alive, max_threads " + std::to_string(max_threads) + ")"));
}

}  // namespace

ExecutorState::ExecutorState(const ExecutorOptions& options) : options_(options) {
    if (options_.max_running == 0)
        options_.max_running = std::max(1u, std::thread::hardware_concurrency());
}

ExecutorState::~ExecutorState() = default;

//----------------------------------------------------------------------------------------------
// Queues

void ExecutorState::push_locked(std::shared_ptr<Work> work, int priority, bool dedicated) {
    std::vector<Queue>& queues = dedicated ? dedicated_queues_ : slot_queues_;
    auto it = std::find_if(queues.begin(), queues.end(),
                           [&](const Queue& q) { return q.priority <= priority; });
    if (it == queues.end() || it->priority != priority) it = queues.insert(it, Queue{priority});
    Work& w = *work;
    w.keep_ = std::move(work);
    w.priority_ = priority;
    w.dedicated_ = dedicated;
    w.queued_ = true;
    w.prev_ = nullptr;
    w.next_ = it->head;
    if (it->head)
        it->head->prev_ = &w;
    else
        it->tail = &w;
    it->head = &w;
    ++(dedicated ? queued_dedicated_ : queued_slot_);
}

std::shared_ptr<Work> ExecutorState::unlink_locked(Work& w) {
    std::vector<Queue>& queues = w.dedicated_ ? dedicated_queues_ : slot_queues_;
    auto it = std::find_if(queues.begin(), queues.end(),
                           [&](const Queue& q) { return q.priority == w.priority_; });
    if (w.prev_)
        w.prev_->next_ = w.next_;
    else
        it->head = w.next_;
    if (w.next_)
        w.next_->prev_ = w.prev_;
    else
        it->tail = w.prev_;
    if (!it->head) queues.erase(it);
    w.prev_ = w.next_ = nullptr;
    w.queued_ = false;
    --(w.dedicated_ ? queued_dedicated_ : queued_slot_);
    return std::move(w.keep_);
}

std::shared_ptr<Work> ExecutorState::pop_locked(bool dedicated) {
    std::vector<Queue>& queues = dedicated ? dedicated_queues_ : slot_queues_;
    return unlink_locked(*queues.front().head);
}

bool ExecutorState::can_take_locked() const {
    return queued_dedicated_ > 0 || (queued_slot_ > 0 && owed_queue_ > 0);
}

std::vector<std::shared_ptr<Work>> ExecutorState::take_all_queued_locked() {
    std::vector<std::shared_ptr<Work>> all;
    all.reserve(queued_slot_ + queued_dedicated_);
    while (!slot_queues_.empty()) all.push_back(pop_locked(false));
    while (!dedicated_queues_.empty()) all.push_back(pop_locked(true));
    owed_queue_ = 0;
    return all;
}

//----------------------------------------------------------------------------------------------
// Threads

bool ExecutorState::balance_locked(std::size_t self, bool add_threads) {
    if (closed_) return false;
    const std::size_t room =
        add_threads && options_.max_threads > workers_ ? options_.max_threads - workers_ : 0;
    // Threads that can take queued works; the dedicated ones need one each, the rest can take a
    // promised slot.
    const std::size_t returning = returning_.load(std::memory_order_relaxed);
    const std::size_t threads = self + starting_ + arriving_ + returning + idle_ + room;
    const std::size_t backed = threads > queued_dedicated_ ? threads - queued_dedicated_ : 0;
    // A promise the queue can no longer keep (its work withdrawn, its thread gone to a dedicated
    // work or never started) frees the slot again.
    owed_queue_ = std::min({owed_queue_, queued_slot_, backed});
    for (std::size_t promised = running_ + owed_queue_ + owed_resumers_;
         promised < options_.max_running; ++promised) {
        const bool resumer_wants = resumers_ > owed_resumers_;
        const bool queue_wants = queued_slot_ > owed_queue_ && backed > owed_queue_;
        if (!resumer_wants && !queue_wants) break;
        const bool to_queue = queue_wants && (!resumer_wants || queue_turn_);
        if (resumer_wants && queue_wants) queue_turn_ = !to_queue;
        if (to_queue) {
            ++owed_queue_;
        } else {
            ++owed_resumers_;
            resume_cv_.notify_one();
        }
    }
    const std::size_t demand = owed_queue_ + queued_dedicated_;
    // Threads already on their way to the queue: this one, idle workers woken for it, threads
    // starting, workers coming back from a run.
    const std::size_t coming = self + wakeups_ + starting_ + arriving_ + returning;
    if (demand <= coming) return false;
    std::size_t need = demand - coming;
    const std::size_t unclaimed = idle_ > wakeups_ ? idle_ - wakeups_ : 0;
    const std::size_t wake = std::min(need, unclaimed);
    for (std::size_t i = 0; i < wake; ++i) work_cv_.notify_one();
    wakeups_ += wake;
    need -= wake;
    const std::size_t add = std::min(need, room);
    if (add == 0) return false;
    starting_ += add;
    workers_ += add;
    return wake_service_locked();
}

bool ExecutorState::wake_service_locked() {
    if (service_alive_) {
        // One notification per sleep: a burst of chores wakes the service thread once.
        if (!std::exchange(service_notified_, true)) service_cv_.notify_one();
        return false;
    }
    service_alive_ = true;
    return true;  // the caller starts it once the lock is released
}

void ExecutorState::start_service() {
    try {
        {
            std::lock_guard lock(mutex_);
            if (fail_starts_ > 0) {
                --fail_starts_;
                throw std::system_error(EAGAIN, std::generic_category());
            }
        }
        std::thread([self = shared_from_this()] { self->service_main(); }).detach();
        std::lock_guard lock(mutex_);
        ++threads_started_;
        peak_threads_ = std::max(peak_threads_, workers_ - starting_ + 1);
        return;
    } catch (const std::system_error& cause) {
        std::vector<std::shared_ptr<Work>> failed;
        std::deque<UniqueFunction> chores;
        std::exception_ptr error;
        {
            std::lock_guard lock(mutex_);
            service_alive_ = false;
            ++start_failures_;
            workers_ -= starting_;
            starting_ = 0;
            // No thread can take the queued works unless a worker is still alive.
            if (workers_ == 0) failed = take_all_queued_locked();
            balance_locked(0, false);  // slots promised on threads that will not come go back
            chores.swap(chores_);
            error = start_error(cause, workers_, options_.max_threads);
        }
        for (auto& work : failed) work->start_failed(error);
        failed.clear();
        for (auto& chore : chores) {
            try {
                chore();
            } catch (...) {
                report_error("a stop request or a job's destructor threw",
                             std::current_exception());
            }
        }
    }
}

void ExecutorState::service_main() {
    t_executor = this;
    name_this_thread("imhooks-service");
    std::unique_lock lock(mutex_);
    for (;;) {
        if (starting_ > 0 && !closed_) {
            // Asked for a moment ago: a worker back from its run, or one gone idle, may have taken
            // the work since. Only what the queue still needs is started.
            workers_ -= starting_;
            starting_ = 0;
            balance_locked(0);
            if (starting_ == 0) continue;
            --starting_;  // workers_ already counts it
            ++arriving_;
            bool failed_start = false;
            std::exception_ptr error;
            if (fail_starts_ > 0) {
                --fail_starts_;
                failed_start = true;
                error = start_error(std::system_error(EAGAIN, std::generic_category()),
                                    workers_ - 1, options_.max_threads);
            } else {
                lock.unlock();
                try {
                    std::thread([self = shared_from_this()] { self->worker_main(); }).detach();
                } catch (const std::system_error& cause) {
                    failed_start = true;
                    error = start_error(cause, workers_ - 1, options_.max_threads);
                }
                lock.lock();
            }
            if (!failed_start) {
                ++threads_started_;
                peak_threads_ = std::max(peak_threads_, workers_ - starting_ + 1);
                continue;
            }
            --arriving_;
            --workers_;
            ++start_failures_;
            if (workers_ == 0) {
                std::vector<std::shared_ptr<Work>> failed = take_all_queued_locked();
                lock.unlock();
                for (auto& work : failed) work->start_failed(error);
                failed.clear();
                lock.lock();
            } else {
                balance_locked(0, false);  // slots promised on this thread go back
            }
            continue;
        }
        if (!chores_.empty()) {
            // All of them at once: posting threads never wait for us chore by chore.
            std::deque<UniqueFunction> chores;
            chores.swap(chores_);
            lock.unlock();
            for (UniqueFunction& chore : chores) {
                try {
                    chore();
                } catch (...) {
                    report_error("a stop request or a job's destructor threw",
                                 std::current_exception());
                }
                chore = {};  // whatever it held is destroyed outside the lock too
            }
            chores.clear();
            lock.lock();
            continue;
        }
        const bool nothing = workers_ == 0 && queued_slot_ + queued_dedicated_ == 0;
        if (nothing && closed_) break;
        service_notified_ = false;  // from here on, the next chore or start must notify us
        if (nothing) {
            // Linger a little, so a burst of chores does not start a thread each.
            const bool more = service_cv_.wait_for(lock, options_.idle_timeout, [&] {
                return starting_ > 0 || !chores_.empty() || closed_ || workers_ > 0;
            });
            if (!more) break;
            continue;
        }
        service_cv_.wait(lock, [&] {
            return (starting_ > 0 && !closed_) || !chores_.empty() ||
                   (workers_ == 0 && queued_slot_ + queued_dedicated_ == 0);
        });
    }
    service_alive_ = false;
    service_notified_ = false;
    exit_cv_.notify_all();
    t_executor = nullptr;
}

void ExecutorState::worker_main() {
    using Clock = std::chrono::steady_clock;
    t_executor = this;
    name_this_thread("imhooks-worker");
    lower_this_thread(options_.worker_nice);
    std::unique_lock lock(mutex_);
    --arriving_;
    // The end of this worker's idle time, saturated (a huge idle_timeout means never).
    auto idle_deadline = [&] {
        const Clock::time_point now = Clock::now();
        return options_.idle_timeout >= Clock::time_point::max() - now
                   ? Clock::time_point::max()
                   : now + std::chrono::duration_cast<Clock::duration>(options_.idle_timeout);
    };
    Clock::time_point deadline = idle_deadline();
    // The work this worker executed last, released outside the lock (it may be the last reference)
    // once the loop has given back the run's slot: its destruction is user code that may wait for
    // a run needing that slot. Until the worker waits for work again it counts as returning, also
    // while it lets go of the work (make_work()): ending the count earlier left a window in which
    // one retry per frame (P7) started a thread.
    std::shared_ptr<Work> finished;
    for (;;) {
        // Also hands out the slot this worker's last run freed: this worker may take it for the
        // queue, or a resumer gets it.
        if (!closed_ && balance_locked(1)) {
            lock.unlock();
            start_service();
            lock.lock();
        }
        // The work it executed last goes before it takes another run: holding that run's slot
        // meanwhile would keep the slot from a run the work's destructors wait for.
        if (finished) {
            // It still counts as coming back while it lets go of the work, so a retry made
            // meanwhile goes to it; if this is the work's destruction (user code), the work ends
            // the count first (make_work()). A work made otherwise is let go of uncounted.
            if (finished->made_by_make_work_) returning();
            lock.unlock();
            finished.reset();
            lock.lock();
            end_returning_locked();
            continue;  // work may have come meanwhile
        }
        if (!closed_ && can_take_locked()) {
            bool dedicated = queued_dedicated_ > 0;
            if (dedicated && queued_slot_ > 0 && owed_queue_ > 0)
                dedicated = dedicated_queues_.front().priority >= slot_queues_.front().priority;
            std::shared_ptr<Work> work = pop_locked(dedicated);
            work->taken_.store(true, std::memory_order_relaxed);
            if (!dedicated) --owed_queue_;
            ++(dedicated ? waiting_ : running_);
            ++runs_started_;
            t_holds_slot = !dedicated;
            // This thread is taken now: a slot promised to the queue on its account may have to
            // go to another thread, or back.
            const bool start = balance_locked();
            lock.unlock();
            if (start) start_service();
            if (hold_after_take_) hold_after_take_();
            work->execute();
            finished = std::move(work);
            lock.lock();
            end_returning_locked();
            --(dedicated ? waiting_ : running_);
            t_holds_slot = false;
            deadline = idle_deadline();
            continue;
        }
        if (closed_ || Clock::now() >= deadline) break;
        ++idle_;
        // No predicate: every wake-up, for us or not, is counted against the wake-ups balance
        // asked for (a notified worker that finds its work taken by another must not leave its
        // wake-up counted forever), and the loop above looks for work again.
        if (deadline == Clock::time_point::max())
            work_cv_.wait(lock);
        else
            work_cv_.wait_until(lock, deadline);
        --idle_;
        if (wakeups_ > 0) --wakeups_;
    }
    --workers_;
    exit_cv_.notify_all();
    if (workers_ == 0) service_cv_.notify_one();
    t_executor = nullptr;
}

void ExecutorState::leave_slot() {
    bool start;
    {
        std::lock_guard lock(mutex_);
        --running_;
        ++waiting_;
        start = balance_locked();
    }
    if (start) start_service();
}

void ExecutorState::enter_slot() {
    std::unique_lock lock(mutex_);
    --waiting_;
    if (closed_) {
        ++running_;
        return;
    }
    ++resumers_;
    if (balance_locked()) {  // a free slot is promised to us at once, unless the queue's turn
        lock.unlock();
        start_service();
        lock.lock();
    }
    resume_cv_.wait(lock, [&] { return closed_ || owed_resumers_ > 0; });
    --resumers_;
    if (owed_resumers_ > 0) --owed_resumers_;
    ++running_;
}

//----------------------------------------------------------------------------------------------
// Submitting

void ExecutorState::queue_locked(std::shared_ptr<Work> work, int priority, bool dedicated) {
    Work& w = *work;
    // Taken by a worker of the same kind that has not begun executing it: that worker executes
    // the newest run, requested before this submission (Work::taken_by_worker()). It holds a
    // reference to the work: dropping this one destroys nothing.
    if (w.taken_.load(std::memory_order_acquire) && w.dedicated_ == dedicated) return;
    if (w.queued_) {
        std::shared_ptr<Work> kept = unlink_locked(w);
        push_locked(std::move(kept), priority, dedicated);
    } else {
        push_locked(std::move(work), priority, dedicated);
    }
}

bool ExecutorState::submit(std::shared_ptr<Work> work, int priority, bool dedicated) {
    if (SubmitBatch* batch = current_batch()) {
        // Queued at the batch's flush (or refused then, with start_failed, if shut down by then).
        batch->group(*this).works.emplace_back(std::move(work),
                                               std::make_pair(priority, dedicated));
        return true;
    }
    bool start;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return false;
        queue_locked(std::move(work), priority, dedicated);
        start = balance_locked();
    }
    if (start) start_service();
    return true;
}

void ExecutorState::returning() {
    if (t_executor != this || std::exchange(t_returning, true)) return;
    returning_.fetch_add(1, std::memory_order_relaxed);
}

void ExecutorState::end_returning_locked() {
    if (std::exchange(t_returning, false)) returning_.fetch_sub(1, std::memory_order_relaxed);
}

void ExecutorState::stop_returning() {
    bool start;
    {
        std::lock_guard lock(mutex_);
        end_returning_locked();
        start = balance_locked();
    }
    if (start) start_service();
}

void work_destroying() noexcept {
    // A counting worker holds no executor lock: it counts from returning() (after its run's code)
    // until its loop locks again, and lets go of works unlocked.
    if (!t_returning) return;
    try {
        t_executor->stop_returning();
    } catch (...) {
        report_error("a worker could not hand back its place in the queue",
                     std::current_exception());
    }
}

void ExecutorState::take_batch(SubmitBatch::Group& group) {
    bool start = false;
    bool refused = false;
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            refused = true;
        } else {
            for (auto& [work, how] : group.works)
                queue_locked(std::move(work), how.first, how.second);
            start = balance_locked();
        }
        if (!group.chores.empty() && (!closed_ || service_alive_)) {
            if (chores_.empty()) {
                chores_.swap(group.chores);  // the group gets the empty list back
            } else {
                for (UniqueFunction& chore : group.chores) chores_.push_back(std::move(chore));
                group.chores.clear();
            }
            start = wake_service_locked() || start;
        }
    }
    if (start) start_service();
    if (refused) {
        const auto error =
            std::make_exception_ptr(std::runtime_error("imhooks: the executor was shut down"));
        for (auto& submission : group.works)
            if (submission.first) submission.first->start_failed(error);
    }
    // Shut down with no service thread left: the chores run here, as post_chore() does.
    for (UniqueFunction& chore : group.chores) {
        try {
            chore();
        } catch (...) {
            report_error("a stop request or a job's destructor threw", std::current_exception());
        }
        chore = {};
    }
    // References the queue did not take are released outside the lock.
    group.works.clear();
    group.chores.clear();
}

bool ExecutorState::withdraw(Work& work) {
    std::shared_ptr<Work> kept;
    bool start;
    {
        std::lock_guard lock(mutex_);
        if (!work.queued_) return false;
        kept = unlink_locked(work);
        start = balance_locked();  // a slot promised to the queue may have nobody left to take it
    }
    if (start) start_service();
    return true;  // `kept` is released outside the lock
}

void ExecutorState::post_chore(UniqueFunction chore) {
    if (SubmitBatch* batch = current_batch()) {
        batch->group(*this).chores.push_back(std::move(chore));
        return;
    }
    bool start = false;
    {
        std::lock_guard lock(mutex_);
        if (!closed_ || service_alive_) {
            chores_.push_back(std::move(chore));
            start = wake_service_locked();
        }
    }
    if (chore) {  // shut down with no service thread left: run it here
        try {
            chore();
        } catch (...) {
            report_error("a stop request or a job's destructor threw", std::current_exception());
        }
        return;
    }
    if (start) start_service();
}

void ExecutorState::shut_down(std::chrono::milliseconds timeout) {
    std::vector<std::shared_ptr<Work>> failed;
    {
        std::lock_guard lock(mutex_);
        if (!closed_) {
            closed_ = true;
            failed = take_all_queued_locked();
            workers_ -= starting_;
            starting_ = 0;
        }
        work_cv_.notify_all();
        resume_cv_.notify_all();
        service_cv_.notify_all();
    }
    if (!failed.empty()) {
        const auto error =
            std::make_exception_ptr(std::runtime_error("imhooks: the executor was shut down"));
        for (auto& work : failed) work->start_failed(error);
        failed.clear();
    }
    if (t_executor == this) return;  // never wait for ourselves
    std::unique_lock lock(mutex_);
    exit_cv_.wait_for(lock, timeout, [&] {
        const std::size_t busy = running_ + waiting_ + resumers_;
        return workers_ <= busy && (workers_ > 0 || !service_alive_);
    });
}

ExecutorStats ExecutorState::stats() const {
    std::lock_guard lock(mutex_);
    ExecutorStats stats;
    stats.running = running_;
    stats.waiting = waiting_ + resumers_;
    stats.queued = queued_slot_ + queued_dedicated_;
    stats.threads = (workers_ - starting_) + (service_alive_ ? 1 : 0);
    stats.idle_threads = idle_;
    stats.peak_threads = peak_threads_;
    stats.threads_started = threads_started_;
    stats.runs_started = runs_started_;
    stats.start_failures = start_failures_;
    stats.housekeeping = chores_.size();
    stats.max_running = options_.max_running;
    stats.max_threads = options_.max_threads;
    return stats;
}

void ExecutorState::fail_thread_starts_for_testing(int count) {
    std::lock_guard lock(mutex_);
    fail_starts_ = count;
}

std::size_t ExecutorState::resuming_for_testing() const {
    std::lock_guard lock(mutex_);
    return resumers_;
}

//----------------------------------------------------------------------------------------------
// Batches

SubmitBatch::Group& SubmitBatch::group(ExecutorState& executor) {
    for (Group& g : groups_)
        if (g.executor.get() == &executor) return g;
    groups_.push_back(Group{executor.shared_from_this(), {}, {}});
    return groups_.back();
}

void SubmitBatch::flush() {
    // Taken first: a chore run here (a shut-down executor) may submit again, into a new batch.
    while (!groups_.empty()) {
        std::deque<Group> groups;
        groups.swap(groups_);
        for (Group& g : groups) g.executor->take_batch(g);
    }
}

BatchScope::BatchScope(SubmitBatch& batch) : previous_(std::exchange(t_batch, &batch)) {}

BatchScope::~BatchScope() {
    t_batch = previous_;
}

void flush_current_batch() {
    if (SubmitBatch* batch = current_batch()) batch->flush();
}

//----------------------------------------------------------------------------------------------
// Blocking scopes

BlockingScope::BlockingScope() {
    if (t_executor && t_holds_slot) {
        state_ = t_executor;
        t_holds_slot = false;
        state_->leave_slot();
    }
}

BlockingScope::~BlockingScope() {
    if (state_) {
        state_->enter_slot();
        t_holds_slot = true;
    }
}

}  // namespace detail

//----------------------------------------------------------------------------------------------
// Executor

Executor::Executor(ExecutorOptions options) {
    if (options.max_threads == 0)
        throw std::invalid_argument("imhooks::Executor: ExecutorOptions::max_threads must be >= 1");
    if (options.idle_timeout.count() < 0)
        throw std::invalid_argument(
            "imhooks::Executor: ExecutorOptions::idle_timeout must be >= 0");
    if (options.worker_nice < 0 || options.worker_nice > 19)
        throw std::invalid_argument(
            "imhooks::Executor: ExecutorOptions::worker_nice must be in 0..19, not " +
            std::to_string(options.worker_nice));
    state_ = std::make_shared<detail::ExecutorState>(options);
}

Executor::~Executor() {
    state_->shut_down(std::chrono::seconds(2));
}

std::shared_ptr<Executor> shared_executor() {
    static const std::shared_ptr<Executor> executor = std::make_shared<Executor>();
    return executor;
}

const ExecutorOptions& Executor::options() const {
    return state_->options();
}

ExecutorStats Executor::stats() const {
    return state_->stats();
}

}  // namespace imhooks
