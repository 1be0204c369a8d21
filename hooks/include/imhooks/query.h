// use_query: a job's result cached by key and shared by every component that reads the key.
//
//   imhooks::QueryResult<Thumbnail> thumb = imhooks::use_query(
//       imhooks::key("thumb", id), [id] { return load_thumbnail(id); },
//       {.stale_time = std::chrono::minutes(10)});
//   if (const Thumbnail* t = thumb.value()) Draw(*t); else Spinner();
//
// The cache belongs to the Runtime (Runtime::queries()). Every key has one entry: one job run at
// a time for any number of readers, one value, one state. The entry outlives its readers and is
// freed gc_time after the last one unmounted, so a component that mounts on a key with data shows
// it in its first frame, with no thread started when the data is still fresh (stale_time). The
// meaning of the options follows TanStack Query's (staleTime, gcTime, enabled, retry,
// refetchInterval, initialData, placeholderData).
//
// A query's job has use_thread's forms (T(), T(std::stop_token), Generator<T>(), ...,
// T(Job<T>&)) and runs on the runtime's executor. Everything the job depends on belongs in the
// key: a key's entry keeps the job it was last fetched with, for retries, polls and invalidate().
//
// Time (stale_time, gc_time, retry delays, refetch_interval) is measured on the runtime's clock
// (RuntimeOptions::clock). Waits hold no thread: the runtime asks for a frame at the moment the
// next one ends (Runtime::request_frame_in), and starts what is due at that frame's start. No
// frame is rendered in between.
#pragma once

#include <imhooks/clock.h>
#include <imhooks/detail/core.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/runtime_service.h>
#include <imhooks/detail/thread_hook.h>
#include <imhooks/detail/typed_hook.h>
#include <imhooks/hook_error.h>
#include <imhooks/query_key.h>
#include <imhooks/result.h>
#include <imhooks/runtime.h>
#include <imhooks/thread.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

namespace imhooks {

//----------------------------------------------------------------------------------------------
// Options
//----------------------------------------------------------------------------------------------

// How a failed attempt is retried. The delay before retry n (n = 0 for the first) is
// min(base_delay * 2^n, max_delay), shortened at random by up to `jitter` of itself so that many
// clients that failed together do not retry together. Waits hold no thread and are cancelled by
// Result::cancel(), by a new fetch, and when the last reader unmounts.
struct QueryRetry {
    int retries = 3;  // failed attempts retried (TanStack's default); 0: none
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_delay{30000};
    double jitter = 0.25;  // in [0, 1]; 0: exact delays
    // Whether to retry after `failures` failed attempts ending with `error`; null: always (within
    // `retries`). Called on the job's thread, under no lock.
    std::function<bool(int failures, const std::exception_ptr& error)> retry_if{};
    // Replaces the delay formula above (jitter is not applied to it). Called like retry_if.
    std::function<std::chrono::milliseconds(int failures, const std::exception_ptr& error)> delay{};
};

namespace detail {
struct NoQueryValue {};
template <class T>
struct query_seed {
    using type = T;
};
template <>
struct query_seed<void> {
    using type = NoQueryValue;
};
}  // namespace detail

// The options of one reader of a query. QueryOptions{...} (T = void) has every option but the
// typed ones and converts to any QueryOptions<T>; use_query(key, job, {...}) builds the typed one
// directly, so `.placeholder = v` works there.
template <class T = void>
struct QueryOptions {
    // Data younger than this is fresh: mounting on it shows it and fetches nothing. 0 (default):
    // data is stale at once, and a mount shows it while it is fetched again.
    // milliseconds::max(): never stale (only invalidate() makes it so).
    std::chrono::milliseconds stale_time{0};
    // How long an entry without readers is kept (from the moment the last one unmounted) before
    // it is freed. The longest gc_time its readers asked for applies.
    std::chrono::milliseconds gc_time{std::chrono::minutes(5)};
    // false: this reader starts no fetch (the cached value, if any, still shows; other readers
    // may fetch). Turning it true fetches when the data is stale.
    bool enabled = true;
    QueryRetry retry{};
    // While this reader is mounted and enabled: fetch again this long after the last fetch ended
    // (polling). 0: never. The shortest interval of the readers applies.
    std::chrono::milliseconds refetch_interval{0};
    // Seeds a new entry with this value (as data written now: stale_time applies to it). Shown
    // stale() while the first fetch runs.
    std::optional<typename detail::query_seed<T>::type> initial_value{};
    // Shown by this reader while the entry has no value, with QueryResult::placeholder() true.
    // Never written to the cache.
    std::optional<typename detail::query_seed<T>::type> placeholder{};
    // While the entry of a new key has no value, show this reader's previous key's value as a
    // placeholder (a search box: the old results stay until the new ones arrive).
    bool keep_previous = false;
    // As ThreadOptions: cancellation, priority among queued runs, a thread of its own.
    bool intrusive_cancel = true;
    int priority = 0;
    bool dedicated_thread = false;

    template <class U>
    requires(std::is_void_v<T> && !std::is_void_v<U>) operator QueryOptions<U>() const {
        QueryOptions<U> typed;
        typed.stale_time = stale_time;
        typed.gc_time = gc_time;
        typed.enabled = enabled;
        typed.retry = retry;
        typed.refetch_interval = refetch_interval;
        typed.keep_previous = keep_previous;
        typed.intrusive_cancel = intrusive_cancel;
        typed.priority = priority;
        typed.dedicated_thread = dedicated_thread;
        return typed;
    }
};

//----------------------------------------------------------------------------------------------
// QueryResult
//----------------------------------------------------------------------------------------------

// What a query shows beyond a Result: its attempts, retries and data time.
struct QueryStatus {
    int attempt = 0;   // the attempt under way or last made in the current fetch (1: the first)
    int failures = 0;  // failed attempts in the current fetch
    // While a failed attempt waits to be retried (state Waiting, error() the failure): when the
    // next attempt starts, on the runtime's clock.
    std::optional<Clock::time_point> next_retry;
    // When the data was last written (a fetch finished, set_query_value), on the runtime's clock.
    std::optional<Clock::time_point> updated_at;
    bool invalidated = false;  // invalidate() reached it since its data was written
    bool placeholder = false;  // value() is a placeholder, not the entry's data
};

namespace detail {
template <class T>
struct QuerySnapshot : Snapshot<T> {
    QueryStatus query;
};
}  // namespace detail

// A Result with the query's status. Copy it freely; like Result it is a snapshot of the frame in
// which it was returned, readable from any thread. It converts to Result<T>.
template <class T>
class QueryResult : public Result<T> {
  public:
    QueryResult() = default;
    explicit QueryResult(std::shared_ptr<const detail::QuerySnapshot<T>> snapshot)
        : Result<T>(std::shared_ptr<const detail::Snapshot<T>>(std::move(snapshot))) {}

    const QueryStatus& status() const {
        static const QueryStatus none;
        const auto* s = static_cast<const detail::QuerySnapshot<T>*>(this->snapshot());
        return s ? s->query : none;
    }
    // value() is a placeholder (QueryOptions::placeholder, keep_previous), not the key's data.
    bool placeholder() const { return status().placeholder; }
    int attempt() const { return status().attempt; }
    int failure_count() const { return status().failures; }
    // Waiting for a retry: when it starts.
    std::optional<Clock::time_point> next_retry() const { return status().next_retry; }
    std::optional<Clock::time_point> updated_at() const { return status().updated_at; }
    // Fetches again now (a manual refresh); the same as retry(). Any thread.
    void refetch() const { this->retry(); }
};

//----------------------------------------------------------------------------------------------
// The cache, seen from outside components
//----------------------------------------------------------------------------------------------

// One entry, as listed by QueryClient::entries() (inspectors).
struct QueryInfo {
    std::string key;         // ["thumb", 42]
    std::string value_type;  // readable C++ type name
    std::size_t readers = 0;
    ResultState state = ResultState::Initial;
    bool has_value = false;
    bool stale = false;  // invalidated, or older than its readers' stale_time
    // Since the data was written; empty without data.
    std::optional<Clock::duration> age;
    QueryStatus status;
    // No readers: when it will be freed.
    std::optional<Clock::time_point> freed_at;
};

struct QueryCacheStats {
    std::size_t entries = 0;
    std::size_t runs_started = 0;  // attempts that reached job code
    std::size_t fetches = 0;       // fetches requested (each of 1 + retries attempts)
    std::size_t withdrawn = 0;     // queued runs taken back unstarted (their readers left)
    std::size_t hits = 0;          // mounts that found data
    std::size_t misses = 0;        // mounts that found none
    std::size_t freed = 0;         // entries freed after gc_time
};

namespace detail {

class QueryCacheState;

// The untyped half of a cache entry: a job hook (one run at a time, generations, cancel) with the
// query's bookkeeping. Guarded by the hook's mutex_ unless said otherwise. Lock order: an entry's
// mutex, then the cache's; the cache never calls an entry while holding its own.
class QueryEntry : public ThreadHookBase {
  public:
    // One reader's options, owned by its use_query slot.
    struct Reader {
        bool enabled = true;
        std::chrono::milliseconds stale_time{0};
        std::chrono::milliseconds gc_time{0};
        std::chrono::milliseconds refetch_interval{0};
        bool operator==(const Reader&) const = default;
    };

    QueryEntry(QueryCacheState& cache, QueryKey key, const std::type_info& type,
               std::shared_ptr<Core> core, std::shared_ptr<ExecutorState> executor);
    ~QueryEntry() override;

    const QueryKey& key() const { return key_; }
    const std::type_info& value_type() const { return type_; }

    // UI thread: readers come and go, and change their options.
    void add_reader(const Reader* reader);
    void readers_changed();  // a reader's options changed
    // The last reader leaving withdraws a run that has not started and ends a retry wait.
    void remove_reader(const Reader* reader);
    // Whether a reader with `stale_time` should start a fetch now: nothing under way or waiting,
    // and no data, invalidated data, or data older than stale_time. UI thread.
    bool wants_fetch(std::chrono::milliseconds stale_time);
    bool has_data();

    // Starts a fetch (its attempt 1) of `job` (null: the entry's last job) with `policy` and
    // `retry` (null: the last ones). Supersedes a run under way. False when the entry has no job
    // or is gone. Any thread; `show_starting` as request_run's.
    bool fetch(std::shared_ptr<const ErasedJob> job, std::optional<RunPolicy> policy,
               std::shared_ptr<const QueryRetry> retry, bool show_starting = false);
    // Marks the data stale; fetches again when an enabled reader is mounted. Any thread.
    void invalidate();
    // Writes `value` (a T) as data written now; with `expected`, only if the data is still
    // `expected` (a compare-and-set). Retired: the entry was freed meanwhile (the caller looks it
    // up again). Any thread.
    enum class Write { Done, Retired, Changed };
    Write set_value(std::shared_ptr<const void> value,
                    std::optional<const void*> expected = std::nullopt);
    // The cache filed the entry: its timers may start. Any thread.
    void filed();
    // The data (a T), or null. Any thread.
    std::shared_ptr<const void> value();
    QueryInfo info(Clock::time_point now);

    // Result::cancel() also ends a retry wait; Result::retry() is a fresh fetch.
    void cancel() override;
    void retry() override;

    // Timers (UI thread, from the cache): what is due at `now` is started. True: the entry has
    // no readers, nothing under way and its gc time has passed: it was retired, and the cache
    // frees it.
    bool on_due(Clock::time_point now);
    bool retired() const { return retired_.load(std::memory_order_acquire); }

  protected:
    QueryCacheState& cache_;

    void run_ended_locked() override;
    // After a failed attempt, on the job's thread, under no lock: asks the retry policy (user
    // code) whether and when to retry.
    void decide_retry(std::uint64_t generation, const std::exception_ptr& error);
    void fill_status_locked(QueryStatus& status) const;
    void count_run();

  private:
    friend class QueryCacheState;
    bool busy_locked() const { return pending_locked() || running_ != 0; }
    bool has_data_locked() const { return value_ || fresh_; }
    bool stale_locked(Clock::time_point now, std::chrono::milliseconds stale_time) const;
    std::optional<Clock::time_point> due_locked() const;
    void reschedule_locked();
    void aggregate_readers_locked();
    void withdraw_queued();

    const QueryKey key_;
    const std::type_info& type_;
    std::vector<const Reader*> readers_;
    bool enabled_readers_ = false;
    std::chrono::milliseconds poll_interval_{0};  // 0: no polling
    // The longest gc_time of its readers so far; QueryOptions' default until it had one (an
    // entry written by set_query_value).
    std::chrono::milliseconds gc_time_{std::chrono::minutes(5)};
    bool gc_time_from_reader_ = false;
    std::chrono::milliseconds stale_time_{0};  // the shortest of the readers' (for entries())
    std::optional<Clock::time_point> updated_at_;
    std::optional<Clock::time_point> fetched_at_;  // when the last fetch ended
    std::optional<Clock::time_point> retry_at_;
    std::optional<Clock::time_point> gc_at_;
    bool invalidated_ = false;
    int attempt_ = 0;
    int failures_ = 0;
    ResultState state_before_fetch_ = ResultState::Initial;
    std::shared_ptr<const QueryRetry> retry_policy_;
    struct RetryDecision {
        std::uint64_t generation = 0;
        bool again = false;
        std::chrono::milliseconds delay{0};
    } decision_;
    std::atomic<bool> retired_{false};
    bool filed_ = false;  // in the cache's map: timers may be set
    // Guarded by the cache's mutex: where the entry is in the cache's timers.
    std::optional<Clock::time_point> due_;
};

// A cache entry holding values of type T; its UI snapshot is rebuilt at frame starts from the
// runtime's queue, like use_thread's.
template <class T>
class QueryHook final : public TypedHook<T, QueryEntry> {
    using Base = TypedHook<T, QueryEntry>;

  public:
    QueryHook(QueryCacheState& cache, QueryKey key, std::shared_ptr<Core> core,
              std::shared_ptr<ExecutorState> executor)
        : Base(cache, std::move(key), typeid(T), std::move(core), std::move(executor)) {}

    // This frame's snapshot. UI thread.
    const std::shared_ptr<const QuerySnapshot<T>>& ui() {
        if (!ui_) {
            std::lock_guard lock(this->mutex_);
            ui_ = snapshot_locked(std::nullopt);
        }
        return ui_;
    }

    // The entry as this frame's readers see it. UI thread.
    void describe_job(JobDescription& out) override { this->describe_shown(*ui(), out); }

    void apply() override {
        std::shared_ptr<const void> released_value;
        std::shared_ptr<const QuerySnapshot<T>> released_snapshot;
        std::lock_guard lock(this->mutex_);  // released before the objects declared above
        this->queued_ = false;
        if (!this->changed_) return;
        this->changed_ = false;
        this->take_fresh_locked(released_value);
        released_snapshot = std::exchange(ui_, snapshot_locked(std::nullopt));
    }

  protected:
    using End = typename Base::End;

    bool show_starting_locked(typename ThreadHookBase::Released& released) override {
        this->take_fresh_locked(released.value);
        released.snapshot = std::exchange(ui_, snapshot_locked(ResultState::Starting));
        return false;  // a cache entry, read by any number of rows: updated as before
    }

    End execute_job(const ErasedJob& job, std::uint64_t generation,
                    const std::shared_ptr<RunSignal>& signal, bool intrusive,
                    std::shared_ptr<const void>& returned, std::exception_ptr& error) override {
        this->count_run();
        const End end = Base::execute_job(job, generation, signal, intrusive, returned, error);
        if (end == End::Threw) this->decide_retry(generation, error);
        return end;
    }

  private:
    std::shared_ptr<const QuerySnapshot<T>> snapshot_locked(std::optional<ResultState> state) {
        auto snapshot = std::make_shared<QuerySnapshot<T>>();
        this->fill_locked(*snapshot, state);
        this->fill_status_locked(snapshot->query);
        return snapshot;
    }

    std::shared_ptr<const QuerySnapshot<T>> ui_;  // UI thread; written under mutex_
};

// The cache: entries by key, and their timers.
class QueryCacheState final : public RuntimeService,
                              public std::enable_shared_from_this<QueryCacheState> {
  public:
    explicit QueryCacheState(ServiceHost host);
    ~QueryCacheState() override;

    // The entry of `key` holding values of `type`: the existing one, or one made by `make` and
    // filed (`made` says which). Null once the runtime shut down. A `key` holding values of
    // another type: HookError from a hook (`hook`), else std::invalid_argument, naming both
    // types. Any thread; `make` runs under no lock.
    std::shared_ptr<QueryEntry> entry(const QueryKey& key, const std::type_info& type,
                                      const std::function<std::shared_ptr<QueryEntry>()>& make,
                                      const char* hook, bool* made = nullptr);
    template <class T>
    std::shared_ptr<QueryHook<T>> entry_of(const QueryKey& key, const char* hook,
                                           const std::optional<T>* initial = nullptr,
                                           bool* made = nullptr) {
        return std::static_pointer_cast<QueryHook<T>>(entry(
            key, typeid(T),
            [&]() -> std::shared_ptr<QueryEntry> {
                auto created = make_work<QueryHook<T>>(*this, key, core_, executor_);
                if (initial && *initial) created->set_value(std::make_shared<const T>(**initial));
                return created;
            },
            hook, made));
    }
    // The existing entry of `key`, or null; std::invalid_argument when it holds another type.
    std::shared_ptr<QueryEntry> find(const QueryKey& key, const std::type_info& type);

    void invalidate(const QueryKey& key, bool exact);
    void cancel(const QueryKey& key, bool exact);
    std::vector<QueryInfo> entries();
    QueryCacheStats stats();

    // Under the entry's mutex: its next due time (nullopt: none).
    void set_due(QueryEntry& entry, std::optional<Clock::time_point> due);

    // UI thread, under no lock: asks the runtime for a frame at the earliest timer when the
    // timers changed (a mount, an unmount). Cheap when they did not.
    void request_timers();

    void frame_starting() override;
    void shutting_down() override;

    Clock::time_point now() const { return core_->now(); }
    const std::shared_ptr<Core>& core() const { return core_; }

    // Counters, any thread.
    std::atomic<std::size_t> runs_started{0}, fetches{0}, withdrawn{0}, hits{0}, misses{0},
        freed{0};

  private:
    template <class Visit>
    void each_matching(const QueryKey& key, bool exact, Visit&& visit);
    // Asks the runtime for a frame at `at`. UI thread.
    void request_frame_at(Clock::time_point at);

    std::shared_ptr<Core> core_;
    std::shared_ptr<ExecutorState> executor_;
    std::function<void(Clock::time_point)> request_frame_at_;  // UI thread
    const std::thread::id ui_thread_;  // the thread that created the runtime
    std::atomic<bool> timers_changed_{false};

    std::mutex mutex_;
    std::unordered_map<QueryKey, std::shared_ptr<QueryEntry>, QueryKeyHash> entries_;
    std::set<std::pair<Clock::time_point, QueryEntry*>> timers_;
    bool closed_ = false;
    // The earliest timed frame asked of the runtime and not yet seen (UI thread).
    std::optional<Clock::time_point> requested_;
};

// A use_query hook: one reader of one entry.
template <class T>
class QuerySlot final : public SlotOf<QuerySlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Query;
    using value_type = T;

    explicit QuerySlot(QueryCacheState& cache) : cache_(cache) {}
    ~QuerySlot() override { leave(); }

    template <class MakeJob>
    QueryResult<T> render(const QueryKey& key, MakeJob&& make_job, QueryOptions<T>& options) {
        const QueryEntry::Reader reader{options.enabled, options.stale_time, options.gc_time,
                                        options.refetch_interval};
        const RunPolicy policy{options.intrusive_cancel, options.dedicated_thread,
                               options.priority};
        if (!entry_ || !(key == entry_->key())) {
            if (entry_ && options.keep_previous && ui_value()) previous_ = shown_;
            leave();
            bool made = false;
            auto entry = cache_.entry_of<T>(key, "use_query", &options.initial_value, &made);
            if (!entry) return QueryResult<T>();  // the runtime is shutting down
            entry_ = std::move(entry);
            reader_ = reader;
            const bool hit = entry_->has_data();
            (hit ? cache_.hits : cache_.misses).fetch_add(1, std::memory_order_relaxed);
            entry_->add_reader(&reader_);
            if (reader_.enabled && entry_->wants_fetch(reader_.stale_time))
                entry_->fetch(make_job(), policy, make_retry(options), /*show_starting=*/made);
        } else if (!(reader == reader_)) {
            const bool enabling = reader.enabled && !reader_.enabled;
            reader_ = reader;
            entry_->readers_changed();
            if (enabling && entry_->wants_fetch(reader_.stale_time))
                entry_->fetch(make_job(), policy, make_retry(options));
        }
        if (options.placeholder && !placeholder_)
            placeholder_ = std::make_shared<const T>(std::move(*options.placeholder));
        cache_.request_timers();
        return QueryResult<T>(shown());
    }

    void unmount() override {
        leave();
        cache_.request_timers();
    }
    std::optional<ResultState> status() const override {
        if (!entry_) return std::nullopt;
        return entry_->ui()->state;
    }
    void describe(HookDescription& out) const override {
        if (entry_) out.note = entry_->key().text();
    }
    JobSource* job() const override { return entry_.get(); }

  private:
    static std::shared_ptr<const QueryRetry> make_retry(QueryOptions<T>& options) {
        return std::make_shared<const QueryRetry>(std::move(options.retry));
    }
    const T* ui_value() const { return shown_ ? shown_->value.get() : nullptr; }

    // The entry's snapshot, or one showing a placeholder while the entry has no value.
    const std::shared_ptr<const QuerySnapshot<T>>& shown() {
        const auto& current = entry_->ui();
        const std::shared_ptr<const T> stand_in =
            placeholder_ ? placeholder_ : (previous_ ? previous_->value : nullptr);
        if (current->value || !stand_in) {
            if (current->value) previous_.reset();
            shown_ = current;
            return shown_;
        }
        if (derived_from_ != current || !shown_ || shown_->value != stand_in) {
            auto derived = std::make_shared<QuerySnapshot<T>>(*current);
            derived->value = stand_in;
            derived->query.placeholder = true;
            derived_from_ = current;
            shown_ = std::move(derived);
        }
        return shown_;
    }

    void leave() {
        if (entry_) entry_->remove_reader(&reader_);
        entry_.reset();
        derived_from_.reset();
    }

    QueryCacheState& cache_;
    std::shared_ptr<QueryHook<T>> entry_;
    QueryEntry::Reader reader_;
    std::shared_ptr<const T> placeholder_;
    std::shared_ptr<const QuerySnapshot<T>> previous_;  // keep_previous: the old key's
    std::shared_ptr<const QuerySnapshot<T>> derived_from_;
    std::shared_ptr<const QuerySnapshot<T>> shown_;
};

QueryCacheState& query_cache(Instance& instance);

}  // namespace detail

//----------------------------------------------------------------------------------------------
// use_query
//----------------------------------------------------------------------------------------------

// The entry of `key` as of this frame. On mount (and when the key changes, or `enabled` turns
// true), fetches with `job` when the entry has no data or stale data and nothing is under way. A
// new entry shows Starting in this frame; one with data shows it at once (stale() while it is
// fetched again). While the entry has no value, options.placeholder (or, with keep_previous, the
// previous key's value) shows with placeholder() true. A key already holding another value type
// is a HookError naming both. UI thread, inside a component.
//
// Costs per frame once mounted: a comparison of the key and of the options, and no allocation;
// a mount costs one hash lookup (and the entry and the job on a miss).
template <class T = detail::Deduce, class F,
          class V = typename detail::job_traits<T, std::decay_t<F>>::value_type>
QueryResult<V> use_query(const QueryKey& key, F&& job,
                         std::type_identity_t<QueryOptions<V>> options = {}) {
    using Fn = std::decay_t<F>;
    using Traits = detail::job_traits<T, Fn>;
    static_assert(
        Traits::form != detail::JobForm::Invalid,
        "use_query: the job must be callable as one of: T(), T(std::stop_token), "
        "imhooks::Generator<T>(), imhooks::Generator<T>(std::stop_token), T(imhooks::Job<T>&)");
    static_assert(std::is_move_constructible_v<V>,
                  "use_query: the job's result type must be move-constructible");
    using Slot = detail::QuerySlot<V>;
    detail::Instance& instance = detail::current_instance("use_query");
    auto& slot =
        instance.slot<Slot>([&] { return std::make_unique<Slot>(detail::query_cache(instance)); });
    auto make_job = [&]() -> std::shared_ptr<const detail::ErasedJob> {
        return std::make_shared<const detail::JobImpl<V, Fn, Traits::form>>(std::forward<F>(job));
    };
    return slot.render(key, make_job, options);
}

//----------------------------------------------------------------------------------------------
// QueryClient: the cache from anywhere
//----------------------------------------------------------------------------------------------

// A handle to a runtime's query cache (Runtime::queries()). Copy it into workers, tasks and
// callbacks: every member may be called from any thread. Once the runtime is gone its calls do
// nothing (and query_value() gives null).
class QueryClient {
  public:
    QueryClient() = default;
    explicit QueryClient(std::shared_ptr<detail::QueryCacheState> cache)
        : cache_(std::move(cache)) {}

    // Marks every entry whose key starts with `prefix` stale (key("thumb") reaches every
    // key("thumb", n); a full key reaches itself and longer keys), and fetches again, now, those
    // with an enabled reader mounted (a fetch under way is superseded). The others fetch at their
    // next mount.
    void invalidate(const QueryKey& prefix) const {
        if (cache_) cache_->invalidate(prefix, false);
    }
    // The same for the entry of exactly `key`.
    void invalidate_exact(const QueryKey& key) const {
        if (cache_) cache_->invalidate(key, true);
    }
    // Cancels what runs or waits to retry for entries whose key starts with `prefix`.
    void cancel(const QueryKey& prefix) const {
        if (cache_) cache_->cancel(prefix, false);
    }

    // Writes `value` into the entry of `key` (made when missing), as data written now: readers
    // show it from the next frame, not stale, not partial; the error is cleared. A fetch under way
    // is not stopped (cancel() first for an optimistic update it must not overwrite). A key
    // holding another value type: std::invalid_argument naming both.
    template <class T>
    void set_query_value(const QueryKey& key, T value) const {
        if (!cache_) return;
        auto shared = std::make_shared<const T>(std::move(value));
        for (;;) {
            auto entry = cache_->entry_of<T>(key, nullptr);
            if (!entry || entry->set_value(shared) != detail::QueryEntry::Write::Retired) return;
        }
    }
    // Writes updater(current) (current: the entry's value or null) into the entry of `key`. The
    // updater runs under no lock and may run again if another write came first.
    template <class T, class F>
    void update_query_value(const QueryKey& key, F&& updater) const {
        if (!cache_) return;
        for (;;) {
            auto entry = cache_->entry_of<T>(key, nullptr);
            if (!entry) return;
            const auto before = std::static_pointer_cast<const T>(entry->value());
            auto next = std::make_shared<const T>(updater(before.get()));
            if (entry->set_value(std::move(next), before.get()) == detail::QueryEntry::Write::Done)
                return;
        }
    }
    // The data of `key`, or null (no entry, or no data yet). std::invalid_argument when the key
    // holds another type.
    template <class T>
    std::shared_ptr<const T> query_value(const QueryKey& key) const {
        if (!cache_) return nullptr;
        auto entry = cache_->find(key, typeid(T));
        return entry ? std::static_pointer_cast<const T>(entry->value()) : nullptr;
    }

    // Every entry, for inspectors: key, value type, readers, state, age, staleness, retries.
    std::vector<QueryInfo> entries() const {
        return cache_ ? cache_->entries() : std::vector<QueryInfo>();
    }
    QueryCacheStats stats() const { return cache_ ? cache_->stats() : QueryCacheStats(); }

    explicit operator bool() const { return cache_ != nullptr; }

  private:
    std::shared_ptr<detail::QueryCacheState> cache_;
};

// The current runtime's query cache, for components and code running on the UI thread. Throws
// HookError without a Runtime. UI thread.
QueryClient use_query_client();

}  // namespace imhooks
