// The query cache: entries by key, their readers, retries, polling and garbage collection, all
// timed on the runtime's clock through timed frames.
#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/inspect.h>
#include <imhooks/hook_error.h>
#include <imhooks/query.h>

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace imhooks {

//----------------------------------------------------------------------------------------------
// QueryKey

namespace {

enum : char { kString = 's', kInteger = 'i', kUnsigned = 'u' };

}  // namespace

QueryKey& QueryKey::add(std::string_view text) {
    encoded_ += kString;
    std::size_t length = text.size();
    do {  // a varint: 7 bits per byte, high bit set on all but the last
        encoded_ += static_cast<char>((length & 0x7f) | (length > 0x7f ? 0x80 : 0));
        length >>= 7;
    } while (length);
    encoded_ += text;
    ++parts_;
    return *this;
}

QueryKey& QueryKey::add_integer(std::int64_t value, bool unsigned_high) {
    encoded_ += unsigned_high ? kUnsigned : kInteger;
    const auto bits = static_cast<std::uint64_t>(value);
    for (int shift = 56; shift >= 0; shift -= 8)
        encoded_ += static_cast<char>((bits >> shift) & 0xff);
    ++parts_;
    return *this;
}

std::string QueryKey::text() const {
    std::string out = "[";
    std::size_t at = 0;
    bool first = true;
    while (at < encoded_.size()) {
        if (!first) out += ", ";
        first = false;
        const char tag = encoded_[at++];
        if (tag == kString) {
            std::size_t length = 0;
            for (int shift = 0;; shift += 7) {
                const auto byte = static_cast<unsigned char>(encoded_[at++]);
                length |= static_cast<std::size_t>(byte & 0x7f) << shift;
                if (!(byte & 0x80)) break;
            }
            out += '"';
            for (char c : std::string_view(encoded_).substr(at, length)) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
            at += length;
        } else {
            std::uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | static_cast<unsigned char>(encoded_[at++]);
            out += tag == kUnsigned ? std::to_string(bits)
                                    : std::to_string(static_cast<std::int64_t>(bits));
        }
    }
    return out + "]";
}

namespace detail {

namespace {

using Clock = imhooks::Clock;
using std::chrono::milliseconds;

// now + d, saturated (milliseconds::max() never comes).
Clock::time_point after(Clock::time_point now, milliseconds d) {
    return saturating_add(now, d);
}

milliseconds backoff(const QueryRetry& retry, int failures) {
    const milliseconds base = std::max(retry.base_delay, milliseconds(0));
    const milliseconds cap = std::max(retry.max_delay, milliseconds(0));
    // min(base * 2^n, cap) without overflow.
    milliseconds delay = base;
    for (int i = 0; i < failures && delay < cap; ++i) delay = delay > cap / 2 ? cap : delay * 2;
    delay = std::min(delay, cap);
    const double jitter = std::clamp(retry.jitter, 0.0, 1.0);
    if (jitter > 0 && delay.count() > 0) {
        thread_local std::minstd_rand random{std::random_device{}()};
        const double u = std::uniform_real_distribution<double>(0.0, 1.0)(random);
        delay = milliseconds(static_cast<milliseconds::rep>(
            std::ceil(static_cast<double>(delay.count()) * (1.0 - jitter * u))));
    }
    return delay;
}

std::string mismatch_message(const QueryKey& key, const std::type_info& held,
                             const std::type_info& asked, const char* hook) {
    const std::string where = hook ? std::string(hook) : std::string("the query cache");
    return "imhooks: query key " + key.text() + " holds values of type " + type_name(held) +
           ", but " + where + " used it with type " + type_name(asked) +
           "; one key must always be used with one value type (add the type to the key to keep "
           "both)";
}

}  // namespace

//----------------------------------------------------------------------------------------------
// QueryEntry

QueryEntry::QueryEntry(QueryCacheState& cache, QueryKey key, const std::type_info& type,
                       std::shared_ptr<Core> core, std::shared_ptr<ExecutorState> executor)
    : ThreadHookBase(std::move(core), std::move(executor), "query " + key.text()),
      cache_(cache),
      key_(std::move(key)),
      type_(type) {}

QueryEntry::~QueryEntry() = default;

void QueryEntry::count_run() {
    // Under the entry's lock: the cache outlives every entry that is not detached yet.
    std::lock_guard lock(mutex_);
    if (!detached_) cache_.runs_started.fetch_add(1, std::memory_order_relaxed);
}

bool QueryEntry::stale_locked(Clock::time_point now, milliseconds stale_time) const {
    if (!has_data_locked() || invalidated_ || !updated_at_) return true;
    return now >= after(*updated_at_, stale_time);
}

void QueryEntry::aggregate_readers_locked() {
    enabled_readers_ = false;
    poll_interval_ = milliseconds(0);
    stale_time_ = milliseconds::max();
    for (const Reader* reader : readers_) {
        gc_time_ = gc_time_from_reader_ ? std::max(gc_time_, reader->gc_time) : reader->gc_time;
        gc_time_from_reader_ = true;
        stale_time_ = std::min(stale_time_, reader->stale_time);
        if (!reader->enabled) continue;
        enabled_readers_ = true;
        if (reader->refetch_interval.count() > 0)
            poll_interval_ = poll_interval_.count() > 0
                                 ? std::min(poll_interval_, reader->refetch_interval)
                                 : reader->refetch_interval;
    }
    if (readers_.empty()) stale_time_ = milliseconds(0);
}

std::optional<Clock::time_point> QueryEntry::due_locked() const {
    if (detached_ || retired() || !filed_ || busy_locked())
        return std::nullopt;  // a run's end
                              // reschedules
    if (readers_.empty()) return retry_at_ ? retry_at_ : gc_at_;
    if (retry_at_) return retry_at_;
    if (enabled_readers_ && poll_interval_.count() > 0 && fetched_at_)
        return after(*fetched_at_, poll_interval_);
    return std::nullopt;
}

void QueryEntry::reschedule_locked() {
    // A detached entry has left the cache's map and timers, and may outlive the cache itself (a
    // job that ignored its stop past ~Runtime keeps it alive): it never reaches the cache again.
    if (detached_) return;
    cache_.set_due(*this, due_locked());
}

void QueryEntry::filed() {
    std::lock_guard lock(mutex_);
    filed_ = true;
    if (readers_.empty() && !gc_at_) gc_at_ = after(cache_.now(), gc_time_);
    reschedule_locked();
}

void QueryEntry::add_reader(const Reader* reader) {
    std::lock_guard lock(mutex_);
    readers_.push_back(reader);
    gc_at_.reset();
    aggregate_readers_locked();
    reschedule_locked();
}

void QueryEntry::readers_changed() {
    std::lock_guard lock(mutex_);
    aggregate_readers_locked();
    reschedule_locked();
}

void QueryEntry::remove_reader(const Reader* reader) {
    bool last;
    {
        std::lock_guard lock(mutex_);
        std::erase(readers_, reader);
        aggregate_readers_locked();
        last = readers_.empty();
        if (last) {
            gc_at_ = after(cache_.now(), gc_time_);
            if (retry_at_) {
                // Nobody waits for the retry any more: the failure stands. Queued for the next
                // frame start, without a wake: nobody shows it now.
                retry_at_.reset();
                state_ = ResultState::Error;
                touch_locked();
            }
        }
        reschedule_locked();
    }
    if (last) withdraw_queued();
}

void QueryEntry::withdraw_queued() {
    bool settled;
    {
        std::lock_guard lock(mutex_);
        // Only a run no executor thread has taken yet: it has not started user code.
        if (!pending_locked() || !readers_.empty()) return;
        taken_ = generation_;
        state_ = state_before_fetch_;
        settled = running_ == 0;
        touch_locked();  // shown from the next frame start, without a wake: nobody reads it now
        reschedule_locked();
    }
    cache_.withdrawn.fetch_add(1, std::memory_order_relaxed);
    if (settled) {
        executor_->withdraw(*this);
        sink_->work_ended();
    }
}

bool QueryEntry::has_data() {
    std::lock_guard lock(mutex_);
    return has_data_locked();
}

bool QueryEntry::wants_fetch(milliseconds stale_time) {
    const Clock::time_point now = cache_.now();
    std::lock_guard lock(mutex_);
    if (detached_ || busy_locked() || retry_at_) return false;
    return stale_locked(now, stale_time);
}

bool QueryEntry::fetch(std::shared_ptr<const ErasedJob> job, std::optional<RunPolicy> policy,
                       std::shared_ptr<const QueryRetry> retry, bool show_starting) {
    std::shared_ptr<const QueryRetry> replaced;  // released after unlocking
    {
        std::lock_guard lock(mutex_);
        if (detached_ || (!job && !job_)) return false;
        if (!busy_locked() && !retry_at_) state_before_fetch_ = state_;
        attempt_ = 1;
        failures_ = 0;
        retry_at_.reset();
        if (retry) replaced = std::exchange(retry_policy_, std::move(retry));
        cache_.fetches.fetch_add(1, std::memory_order_relaxed);
    }
    return request_run(std::move(job), policy, show_starting);
}

void QueryEntry::retry() {
    fetch(nullptr, std::nullopt, nullptr);
}

void QueryEntry::cancel() {
    bool notify = false;
    {
        std::lock_guard lock(mutex_);
        if (retry_at_ && !busy_locked()) {
            // Waiting for a retry: nothing runs, the wait just ends.
            retry_at_.reset();
            cancel_requested_.store(true, std::memory_order_release);
            state_ = ResultState::Cancelled;
            notify = touch_locked();
            reschedule_locked();
        }
    }
    if (notify) {
        notify_changed();
        return;
    }
    ThreadHookBase::cancel();
    std::lock_guard lock(mutex_);  // a run cancelled before it started: polling goes on
    reschedule_locked();
}

void QueryEntry::invalidate() {
    bool refetch;
    {
        std::lock_guard lock(mutex_);
        if (detached_) return;
        invalidated_ = true;
        touch_locked();
        refetch = enabled_readers_ && job_;
    }
    if (refetch)
        fetch(nullptr, std::nullopt, nullptr);
    else
        notify_changed();
}

QueryEntry::Write QueryEntry::set_value(std::shared_ptr<const void> value,
                                        std::optional<const void*> expected) {
    Released released;
    std::exception_ptr replaced_error;
    {
        std::lock_guard lock(mutex_);
        if (retired() || detached_) return Write::Retired;
        if (expected && (fresh_ ? fresh_ : value_).get() != *expected) return Write::Changed;
        released.value = std::exchange(fresh_, value);
        released.complete = std::exchange(complete_, std::move(value));
        value_generation_ = generation_;
        partial_ = false;
        updated_at_ = cache_.now();
        invalidated_ = false;
        replaced_error = std::exchange(error_, nullptr);
        if (!busy_locked() && !retry_at_) state_ = ResultState::Finished;
        if (readers_.empty()) gc_at_ = after(*updated_at_, gc_time_);
        touch_locked();
        reschedule_locked();
    }
    notify_changed();
    return Write::Done;
}

std::shared_ptr<const void> QueryEntry::value() {
    std::lock_guard lock(mutex_);
    return fresh_ ? fresh_ : value_;
}

void QueryEntry::decide_retry(std::uint64_t generation, const std::exception_ptr& error) {
    std::shared_ptr<const QueryRetry> policy;
    int failures;
    {
        std::lock_guard lock(mutex_);
        if (generation != generation_ || detached_) return;
        policy = retry_policy_;
        failures = failures_;
    }
    RetryDecision decision{generation, false, milliseconds(0)};
    if (policy && failures < policy->retries) {
        decision.again = true;
        try {
            if (policy->retry_if) decision.again = policy->retry_if(failures + 1, error);
            if (decision.again)
                decision.delay =
                    policy->delay ? policy->delay(failures + 1, error) : backoff(*policy, failures);
        } catch (...) {
            decision.again = false;
            report_error("a query's retry policy threw (the failure stands)",
                         std::current_exception());
        }
    }
    std::lock_guard lock(mutex_);
    decision_ = decision;
}

void QueryEntry::run_ended_locked() {
    const Clock::time_point now = cache_.now();
    switch (state_) {
        case ResultState::Finished:
            updated_at_ = now;
            fetched_at_ = now;
            invalidated_ = false;
            retry_at_.reset();
            break;
        case ResultState::Error:
            ++failures_;
            if (decision_.generation == generation_ && decision_.again && !readers_.empty()) {
                state_ = ResultState::Waiting;  // error() shows the failure meanwhile
                retry_at_ = after(now, std::max(decision_.delay, milliseconds(0)));
            } else {
                fetched_at_ = now;  // polling goes on after a final failure
            }
            break;
        default:  // Cancelled: polling resumes an interval from now
            fetched_at_ = now;
            retry_at_.reset();
            break;
    }
    reschedule_locked();
}

void QueryEntry::fill_status_locked(QueryStatus& status) const {
    status.attempt = attempt_;
    status.failures = failures_;
    status.next_retry = retry_at_;
    status.updated_at = updated_at_;
    status.invalidated = invalidated_;
}

bool QueryEntry::on_due(Clock::time_point now) {
    enum class Action { Nothing, Retry, Poll } action = Action::Nothing;
    {
        std::lock_guard lock(mutex_);
        if (detached_ || retired()) return false;
        if (busy_locked()) return false;  // its end reschedules
        if (retry_at_ && *retry_at_ <= now) {
            if (readers_.empty()) {
                retry_at_.reset();
            } else {
                retry_at_.reset();
                ++attempt_;
                action = Action::Retry;
            }
        } else if (!readers_.empty() && !retry_at_ && enabled_readers_ &&
                   poll_interval_.count() > 0 && fetched_at_ &&
                   after(*fetched_at_, poll_interval_) <= now) {
            action = Action::Poll;
        } else if (readers_.empty() && !retry_at_ && gc_at_ && *gc_at_ <= now) {
            retired_.store(true, std::memory_order_release);
            return true;
        }
        if (action == Action::Nothing) reschedule_locked();
    }
    if (action == Action::Retry) {
        if (!request_run(nullptr, std::nullopt)) {
            std::lock_guard lock(mutex_);
            reschedule_locked();
        }
    } else if (action == Action::Poll) {
        if (!fetch(nullptr, std::nullopt, nullptr)) {
            std::lock_guard lock(mutex_);
            fetched_at_ = now;  // no job to poll with: look again an interval later
            reschedule_locked();
        }
    }
    return false;
}

QueryInfo QueryEntry::info(Clock::time_point now) {
    QueryInfo info;
    info.key = key_.text();
    info.value_type = type_name(type_);
    std::lock_guard lock(mutex_);
    info.readers = readers_.size();
    info.state = state_;
    info.has_value = has_data_locked();
    info.stale = stale_locked(now, stale_time_);
    if (info.has_value && updated_at_) info.age = now - *updated_at_;
    fill_status_locked(info.status);
    if (readers_.empty()) info.freed_at = gc_at_;
    return info;
}

//----------------------------------------------------------------------------------------------
// QueryCacheState

QueryCacheState::QueryCacheState(ServiceHost host)
    : core_(std::move(host.core)),
      executor_(std::move(host.executor)),
      request_frame_at_(std::move(host.request_frame_at)),
      ui_thread_(std::this_thread::get_id()) {}

QueryCacheState::~QueryCacheState() {
    shutting_down();
}

std::shared_ptr<QueryEntry> QueryCacheState::entry(
    const QueryKey& key, const std::type_info& type,
    const std::function<std::shared_ptr<QueryEntry>()>& make, const char* hook, bool* made) {
    auto check = [&](const QueryEntry& found) {
        if (found.value_type() == type) return;
        const std::string message = mismatch_message(key, found.value_type(), type, hook);
        if (hook) throw HookError(message);
        throw std::invalid_argument(message);
    };
    {
        std::lock_guard lock(mutex_);
        if (closed_) return nullptr;
        auto it = entries_.find(key);
        if (it != entries_.end() && !it->second->retired()) {
            check(*it->second);
            if (made) *made = false;
            return it->second;
        }
    }
    std::shared_ptr<QueryEntry> created = make();  // user code (a copy of the initial value)
    std::shared_ptr<QueryEntry> result;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return nullptr;
        auto [it, inserted] = entries_.try_emplace(key, created);
        if (!inserted && it->second->retired()) {
            it->second = created;  // the retired one is on its way out
            inserted = true;
        }
        if (!inserted) {
            check(*it->second);
            result = it->second;
        } else {
            result = created;
        }
        if (made) *made = inserted;
    }
    if (result == created) {
        result->filed();
        // Made off the UI thread: a frame start asks for its timers.
        if (std::this_thread::get_id() != ui_thread_) core_->request_frame();
    } else {
        created->detach();  // lost a race with another thread making the same key
    }
    return result;
}

std::shared_ptr<QueryEntry> QueryCacheState::find(const QueryKey& key, const std::type_info& type) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second->retired()) return nullptr;
    if (it->second->value_type() != type)
        throw std::invalid_argument(mismatch_message(key, it->second->value_type(), type, nullptr));
    return it->second;
}

template <class Visit>
void QueryCacheState::each_matching(const QueryKey& key, bool exact, Visit&& visit) {
    std::vector<std::shared_ptr<QueryEntry>> matching;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        if (exact) {
            auto it = entries_.find(key);
            if (it != entries_.end()) matching.push_back(it->second);
        } else {
            for (const auto& [entry_key, entry] : entries_)
                if (entry_key.starts_with(key)) matching.push_back(entry);
        }
    }
    for (const auto& entry : matching) visit(*entry);  // no cache lock held
}

void QueryCacheState::invalidate(const QueryKey& key, bool exact) {
    each_matching(key, exact, [](QueryEntry& entry) { entry.invalidate(); });
}

void QueryCacheState::cancel(const QueryKey& key, bool exact) {
    each_matching(key, exact, [](QueryEntry& entry) { entry.cancel(); });
}

std::vector<QueryInfo> QueryCacheState::entries() {
    std::vector<QueryInfo> infos;
    const Clock::time_point now = core_->now();
    each_matching(QueryKey(), false, [&](QueryEntry& entry) {
        if (!entry.retired()) infos.push_back(entry.info(now));
    });
    std::sort(infos.begin(), infos.end(),
              [](const QueryInfo& a, const QueryInfo& b) { return a.key < b.key; });
    return infos;
}

QueryCacheStats QueryCacheState::stats() {
    QueryCacheStats stats;
    {
        std::lock_guard lock(mutex_);
        stats.entries = entries_.size();
    }
    stats.runs_started = runs_started.load(std::memory_order_relaxed);
    stats.fetches = fetches.load(std::memory_order_relaxed);
    stats.withdrawn = withdrawn.load(std::memory_order_relaxed);
    stats.hits = hits.load(std::memory_order_relaxed);
    stats.misses = misses.load(std::memory_order_relaxed);
    stats.freed = freed.load(std::memory_order_relaxed);
    return stats;
}

void QueryCacheState::set_due(QueryEntry& entry, std::optional<Clock::time_point> due) {
    bool earlier = false;
    {
        std::lock_guard lock(mutex_);
        if (entry.due_ == due) return;
        if (entry.due_) timers_.erase({*entry.due_, &entry});
        entry.due_.reset();
        if (closed_ || !due) return;
        entry.due_ = due;
        timers_.emplace(*due, &entry);
        earlier = timers_.begin()->second == &entry;
    }
    // Called under the entry's lock: the timed frame is asked for later, by request_timers() on
    // the UI thread, or at the start of the frame that a change on another thread requests.
    if (earlier) timers_changed_.store(true, std::memory_order_release);
}

void QueryCacheState::request_timers() {
    if (!timers_changed_.load(std::memory_order_relaxed) ||
        !timers_changed_.exchange(false, std::memory_order_acq_rel))
        return;
    std::optional<Clock::time_point> next;
    {
        std::lock_guard lock(mutex_);
        if (!timers_.empty()) next = timers_.begin()->first;
    }
    if (next && (!requested_ || *next < *requested_)) request_frame_at(*next);
}

void QueryCacheState::request_frame_at(Clock::time_point at) {
    requested_ = at;
    if (request_frame_at_) request_frame_at_(at);
}

void QueryCacheState::frame_starting() {
    const Clock::time_point now = core_->now();
    timers_changed_.store(false, std::memory_order_relaxed);
    requested_.reset();
    std::vector<std::shared_ptr<QueryEntry>> due;
    std::optional<Clock::time_point> next;
    {
        std::lock_guard lock(mutex_);
        if (closed_ || timers_.empty()) return;
        while (!timers_.empty() && timers_.begin()->first <= now) {
            QueryEntry* entry = timers_.begin()->second;
            timers_.erase(timers_.begin());
            entry->due_.reset();
            auto it = entries_.find(entry->key());
            if (it != entries_.end() && it->second.get() == entry) due.push_back(it->second);
        }
    }
    std::vector<std::shared_ptr<QueryEntry>> retired;
    for (const auto& entry : due)
        if (entry->on_due(now)) retired.push_back(entry);
    if (!retired.empty()) {
        {
            std::lock_guard lock(mutex_);
            for (const auto& entry : retired) {
                auto it = entries_.find(entry->key());
                if (it != entries_.end() && it->second == entry) entries_.erase(it);
            }
        }
        for (const auto& entry : retired) entry->detach();  // its job is released on the executor
        freed.fetch_add(retired.size(), std::memory_order_relaxed);
    }
    {
        std::lock_guard lock(mutex_);
        if (!timers_.empty()) next = timers_.begin()->first;
    }
    // Every frame start asks again: the runtime keeps only the earliest timed frame, and another
    // one may have replaced ours.
    if (next) request_frame_at(*next);
}

void QueryCacheState::shutting_down() {
    std::unordered_map<QueryKey, std::shared_ptr<QueryEntry>, QueryKeyHash> entries;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        closed_ = true;
        timers_.clear();
        entries.swap(entries_);
    }
    for (auto& [key, entry] : entries) entry->detach();
    request_frame_at_ = nullptr;
}

QueryCacheState& query_cache(Instance& instance) {
    return static_cast<QueryCacheState&>(*query_cache_of(instance.runtime()));
}

namespace {

// The inspector's "Query cache" section: every entry of the runtime's cache.
void draw_query_cache(Runtime& runtime) {
    const std::vector<QueryInfo> entries = runtime.queries().entries();
    const Clock::time_point now = runtime.now();
    ImGui::Text("%zu entries", entries.size());
    if (entries.empty()) return;
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
    const float height = ImGui::GetTextLineHeightWithSpacing() *
                         static_cast<float>(std::min<std::size_t>(entries.size(), 12) + 1);
    if (!ImGui::BeginTable("query cache", 7, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* column : {"key", "type", "readers", "state", "age", "stale", "freed in"})
        ImGui::TableSetupColumn(column);
    ImGui::TableHeadersRow();
    const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(entries.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const QueryInfo& entry = entries[static_cast<std::size_t>(row)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.key.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.value_type.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%zu", entry.readers);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(to_string(entry.state));
            ImGui::TableNextColumn();
            if (entry.age)
                ImGui::Text("%.1f s", seconds(*entry.age));
            else
                ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.stale ? "stale" : "fresh");
            ImGui::TableNextColumn();
            if (entry.freed_at)
                ImGui::Text("%.1f s", seconds(*entry.freed_at - now));
            else
                ImGui::TextDisabled("-");
        }
    }
    ImGui::EndTable();
}

}  // namespace

std::shared_ptr<RuntimeService> make_query_cache(ServiceHost host) {
    // Shown in every runtime's inspector from the first cache on, until the program ends (the
    // inspector's registry, made by this first call, outlives this static).
    static const InspectorSectionHandle section =
        add_inspector_section("Query cache", draw_query_cache);
    return std::make_shared<QueryCacheState>(std::move(host));
}

}  // namespace detail

//----------------------------------------------------------------------------------------------
// Runtime::queries and use_query_client

QueryClient Runtime::queries() const {
    return QueryClient(
        std::static_pointer_cast<detail::QueryCacheState>(detail::query_cache_of(*impl_)));
}

QueryClient use_query_client() {
    Runtime* runtime = Runtime::current();
    if (!runtime)
        throw HookError(
            "imhooks: use_query_client() was called without a Runtime; create an "
            "imhooks::Runtime after ImGui::CreateContext()");
    return runtime->queries();
}

}  // namespace imhooks
