// use_query and the query cache: keys, dedupe, entries outliving their readers, stale_time,
// gc_time, enabled, retries with backoff, polling, initial and placeholder values, invalidate,
// set_query_value, and runs withdrawn when their readers leave. Time runs on a ManualClock.
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;

namespace {

// A headless UI on a ManualClock, rendering one component per name in `mounted`, each with the
// body its test gives.
struct Ui {
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    Headless ui{{800, 600}, [this] {
                    RuntimeOptions options;
                    options.clock = clock;
                    return options;
                }()};
    std::map<std::string, std::function<void()>> mounted;
    std::vector<ComponentError> errors;

    Ui() {
        ui.runtime().set_error_handler([this](const ComponentError& e) { errors.push_back(e); });
    }
    Headless::Body body() {
        return [this] {
            for (auto& [name, render] : mounted) component(name, render);
        };
    }
    void frame() { ui.frame(body()); }
    bool until(const std::function<bool()>& done) { return ui.frame_until(body(), done); }
    // Frames while the runtime asks for them; then it must be idle.
    void settle() { ui.settle(body()); }
    QueryClient queries() { return ui.runtime().queries(); }
    QueryCacheStats stats() { return queries().stats(); }
    void advance(std::chrono::milliseconds by) { clock->advance(by); }
};

// Options with no retries (most tests fail on purpose or not at all) and exact delays.
template <class T = void>
QueryOptions<T> quiet(QueryOptions<T> options = {}) {
    options.retry.retries = 0;
    options.retry.jitter = 0;
    return options;
}

}  // namespace

//----------------------------------------------------------------------------------------------
// Keys

TEST_CASE("query keys compare part by part, whatever the integer type") {
    CHECK(key("thumb", 42) == key("thumb", 42));
    CHECK(key("thumb", 42) == key(std::string("thumb"), 42u));
    CHECK(key("thumb", 42) == key("thumb", 42LL));
    CHECK_FALSE(key("thumb", 42) == key("thumb", 43));
    CHECK_FALSE(key("thumb", 42) == key("thumb", "42"));  // a string is not an integer
    CHECK_FALSE(key("a", "bc") == key("ab", "c"));        // parts are delimited
    CHECK(key("thumb", 42).hash() == key("thumb", 42u).hash());
    CHECK(QueryKey(std::tuple{"thumb", 42}) == key("thumb", 42));
    CHECK(QueryKey("thumb") == key("thumb"));
    CHECK(key(key("thumb"), 42) == key("thumb", 42));  // a key's parts are appended
    CHECK(key("x", std::numeric_limits<std::uint64_t>::max()) ==
          key("x", std::numeric_limits<std::uint64_t>::max()));
    CHECK_FALSE(key("x", std::numeric_limits<std::uint64_t>::max()) == key("x", -1));
}

TEST_CASE("a query key matches a prefix of whole parts") {
    CHECK(key("thumb", 42).starts_with(key("thumb")));
    CHECK(key("thumb", 42).starts_with(key("thumb", 42)));
    CHECK(key("thumb", 42).starts_with(QueryKey()));
    CHECK_FALSE(key("thumb", 42).starts_with(key("thumb", 4)));
    CHECK_FALSE(key("thumbnail").starts_with(key("thumb")));
    CHECK_FALSE(key("thumb").starts_with(key("thumb", 42)));
}

TEST_CASE("a query key reads as a list of its parts") {
    CHECK(key("thumb", 42).text() == "[\"thumb\", 42]");
    CHECK(key("say \"hi\"", -7).text() == "[\"say \\\"hi\\\"\", -7]");
    CHECK(key(std::numeric_limits<std::uint64_t>::max()).text() == "[18446744073709551615]");
    CHECK(QueryKey().text() == "[]");
    CHECK(key(std::string(300, 'x')).text().size() == 304);  // a long part's length survives
}

//----------------------------------------------------------------------------------------------
// One entry per key

TEST_CASE("components reading one key share one entry and one run") {
    Ui t;
    std::atomic<int> runs{0};
    Event release;
    std::vector<QueryResult<int>> seen(3);
    for (int i = 0; i < 3; ++i)
        t.mounted["reader" + std::to_string(i)] = [&, i] {
            seen[i] = use_query(key("answer"), [&] {
                ++runs;
                release.wait();
                return 42;
            });
        };
    t.frame();
    for (const auto& r : seen) CHECK(r.state() == ResultState::Starting);
    release.set();
    REQUIRE(t.until([&] { return seen[0].state() == ResultState::Finished; }));
    for (const auto& r : seen) {
        CHECK(r.state() == ResultState::Finished);  // all in the same frame
        REQUIRE(r.value());
        CHECK(*r.value() == 42);
    }
    CHECK(runs == 1);
    CHECK(t.stats().entries == 1);
}

TEST_CASE("keys with different parts are different entries") {
    Ui t;
    QueryResult<int> a, b;
    t.mounted["a"] = [&] { a = use_query(key("thumb", 42), [] { return 42; }); };
    t.mounted["b"] = [&] { b = use_query(key("thumb", 43), [] { return 43; }); };
    REQUIRE(t.until(
        [&] { return a.state() == ResultState::Finished && b.state() == ResultState::Finished; }));
    CHECK(*a.value() == 42);
    CHECK(*b.value() == 43);
    CHECK(t.stats().entries == 2);
}

TEST_CASE("a new entry shows Starting in the frame its first reader mounts") {
    Ui t;
    Event release;
    QueryResult<int> r;
    t.mounted["row"] = [&] {
        r = use_query(key("slow"), [&] {
            release.wait();
            return 1;
        });
    };
    t.frame();
    CHECK(r.state() == ResultState::Starting);
    CHECK(r.value() == nullptr);
    CHECK(r.attempt() == 1);
    release.set();
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
}

TEST_CASE("a remount on a key with fresh data shows it in its first frame and starts no run") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<std::string> r;
    std::vector<ResultState> first_frames;
    bool first = true;
    t.mounted["row"] = [&] {
        r = use_query(key("name", 7),
                      [&] {
                          ++runs;
                          return std::string("seven");
                      },
                      {.stale_time = test::kForever});
        if (std::exchange(first, false)) first_frames.push_back(r.state());
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    t.mounted.clear();  // scrolled away: unmounted
    t.frame();
    first = true;
    t.mounted["row"] = [&] {
        r = use_query(key("name", 7),
                      [&] {
                          ++runs;
                          return std::string("seven");
                      },
                      {.stale_time = test::kForever});
        if (std::exchange(first, false)) first_frames.push_back(r.state());
    };
    const auto started = t.ui.runtime().executor().stats().runs_started;
    t.frame();
    CHECK(first_frames.back() == ResultState::Finished);  // no spinner
    REQUIRE(r.value());
    CHECK(*r.value() == "seven");
    CHECK_FALSE(r.stale());
    t.settle();
    CHECK(runs == 1);
    CHECK(t.ui.runtime().executor().stats().runs_started == started);  // no thread either
    CHECK(t.stats().hits == 1);
}

TEST_CASE("a remount on stale data shows it at once and fetches again in the background") {
    Ui t;
    std::atomic<int> runs{0};
    Event second_running, release_second;
    QueryResult<int> r;
    t.mounted["row"] = [&] {
        r = use_query(key("count"), [&] {
            const int n = ++runs;
            if (n == 2) {
                second_running.set();
                release_second.wait();
            }
            return n;
        });  // stale_time 0: stale at once
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    auto body = t.mounted["row"];
    t.mounted.clear();
    t.frame();
    t.mounted["row"] = body;
    t.frame();
    REQUIRE(r.value());
    CHECK(*r.value() == 1);  // the cached value in the first frame
    REQUIRE(t.until([&] { return second_running.is_set() && r.state() == ResultState::Running; }));
    CHECK(*r.value() == 1);
    CHECK(r.stale());  // shown while the new fetch runs
    release_second.set();
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(*r.value() == 2);
}

TEST_CASE("stale_time decides whether a mount fetches again") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    auto reader = [&] {
        r = use_query(key("config"), [&] { return ++runs; }, {.stale_time = 10s});
    };
    t.mounted["a"] = reader;
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    t.mounted.clear();
    t.frame();
    t.advance(9999ms);
    t.mounted["a"] = reader;  // still fresh
    t.frame();
    t.settle();
    CHECK(runs == 1);
    t.mounted.clear();
    t.frame();
    t.advance(1ms);  // now 10 s old: stale
    t.mounted["a"] = reader;
    // Waits for the value, not for `runs`: the job counts before the frame shows its result.
    REQUIRE(t.until([&] { return r.value() && *r.value() == 2; }));
    CHECK(r.state() == ResultState::Finished);
    t.settle();
    CHECK(runs == 2);
}

TEST_CASE("a key used with two value types is an error naming both") {
    Ui t;
    t.mounted["ints"] = [] { use_query(key("shared"), [] { return 1; }); };
    t.mounted["strings"] = [] { use_query(key("shared"), [] { return std::string("x"); }); };
    t.frame();
    REQUIRE(t.errors.size() == 1);
    const std::string& message = t.errors[0].message;
    CHECK(message.find("[\"shared\"]") != std::string::npos);
    CHECK(message.find("int") != std::string::npos);
    CHECK(message.find("std::string") != std::string::npos);
    CHECK(t.errors[0].component == "strings");

    try {
        t.queries().set_query_value(key("shared"), 2.5);
        FAIL("set_query_value with another type must throw");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).find("double") != std::string::npos);
        CHECK(std::string(e.what()).find("int") != std::string::npos);
    }
    CHECK_THROWS_AS(t.queries().query_value<float>(key("shared")), std::invalid_argument);
}

//----------------------------------------------------------------------------------------------
// gc_time

TEST_CASE("an entry is freed gc_time after its last reader unmounted, and not before") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    auto reader = [&] {
        r = use_query(key("big"), [&] { return ++runs; },
                      {.stale_time = test::kForever, .gc_time = 60s});
    };
    t.mounted["a"] = reader;
    t.mounted["b"] = reader;
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    t.mounted.erase("a");
    t.frame();
    t.advance(10min);  // "b" still reads it
    t.settle();
    CHECK(t.stats().entries == 1);
    t.mounted.clear();
    t.frame();
    t.settle();
    CHECK_FALSE(t.ui.runtime().needs_frame());  // no frames while it waits...
    t.advance(59999ms);
    CHECK_FALSE(t.ui.runtime().needs_frame());
    CHECK(t.stats().entries == 1);
    REQUIRE(t.queries().entries().size() == 1);
    CHECK(t.queries().entries()[0].readers == 0);
    CHECK(t.queries().entries()[0].freed_at == t.ui.runtime().now() + 1ms);
    t.advance(1ms);
    CHECK(t.ui.runtime().needs_frame());  // ...and one when its time is up
    t.frame();
    CHECK(t.stats().entries == 0);
    CHECK(t.stats().freed == 1);
    t.mounted["a"] = reader;  // a miss again
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(runs == 2);
}

TEST_CASE("a reader mounting before gc_time keeps the entry") {
    Ui t;
    QueryResult<int> r;
    auto reader = [&] {
        r = use_query(key("kept"), [] { return 1; }, {.stale_time = test::kForever, .gc_time = 1s});
    };
    t.mounted["a"] = reader;
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    t.mounted.clear();
    t.frame();
    t.advance(900ms);
    t.mounted["a"] = reader;
    t.frame();
    t.advance(10s);
    t.settle();
    CHECK(t.stats().entries == 1);
    CHECK(t.stats().freed == 0);
    CHECK(*r.value() == 1);
}

//----------------------------------------------------------------------------------------------
// enabled

TEST_CASE("a disabled reader starts nothing, shows cached data, and fetches when enabled") {
    Ui t;
    std::atomic<int> runs{0};
    bool enabled = false;
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        r = use_query(key("lazy"), [&] { return ++runs; }, {.enabled = enabled});
    };
    t.frame();
    t.settle();
    CHECK(runs == 0);
    CHECK(r.state() == ResultState::Initial);
    t.queries().set_query_value(key("lazy"), 7);
    t.settle();
    CHECK(*r.value() == 7);  // the cached value still shows
    CHECK(runs == 0);
    enabled = true;  // stale_time 0: the data is stale, so enabling fetches
    REQUIRE(t.until([&] { return r.value() && *r.value() == 1; }));
    CHECK(r.state() == ResultState::Finished);
    CHECK(runs == 1);
}

//----------------------------------------------------------------------------------------------
// Retries

TEST_CASE("a failing job is retried after 1 s, 2 s and 4 s, each wait shown, then fails") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        QueryOptions<int> options;
        options.retry.jitter = 0;
        r = use_query(
            key("flaky"),
            [&]() -> int {
                ++runs;
                throw std::runtime_error("timeout " + std::to_string(runs.load()));
            },
            options);
    };
    std::vector<std::chrono::milliseconds> waits;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        REQUIRE(t.until([&] { return r.state() == ResultState::Waiting && r.next_retry(); }));
        CHECK(r.attempt() == attempt);
        CHECK(r.failure_count() == attempt);
        CHECK(r.error_message() == "timeout " + std::to_string(attempt));
        const auto wait = *r.next_retry() - t.ui.runtime().now();
        waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
        t.settle();
        CHECK_FALSE(t.ui.runtime().needs_frame());  // no frames while waiting
        CHECK(runs == attempt);
        t.clock->advance(wait - 1ms);
        CHECK_FALSE(t.ui.runtime().needs_frame());
        t.clock->advance(1ms);
        CHECK(t.ui.runtime().needs_frame());  // the retry's frame
    }
    CHECK(waits == std::vector<std::chrono::milliseconds>{1s, 2s, 4s});
    REQUIRE(t.until([&] { return r.state() == ResultState::Error; }));
    CHECK(runs == 4);  // the first attempt and 3 retries
    CHECK(r.attempt() == 4);
    CHECK(r.failure_count() == 4);
    CHECK_FALSE(r.next_retry());
    t.advance(1h);
    t.settle();
    CHECK(runs == 4);
}

TEST_CASE("retry delays double up to max_delay") {
    Ui t;
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        QueryOptions<int> options;
        options.retry.retries = 8;
        options.retry.jitter = 0;
        r = use_query(
            key("down"), []() -> int { throw std::runtime_error("down"); }, options);
    };
    std::vector<std::chrono::milliseconds> waits;
    for (int i = 0; i < 8; ++i) {
        REQUIRE(t.until([&] { return r.state() == ResultState::Waiting && r.next_retry(); }));
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            *r.next_retry() - t.ui.runtime().now());
        waits.push_back(wait);
        t.advance(wait);
        // The retry starts (it may fail again before a frame shows it running).
        REQUIRE(t.until([&] { return r.attempt() == i + 2; }));
    }
    CHECK(waits == std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s});
    REQUIRE(t.until([&] { return r.state() == ResultState::Error; }));
}

TEST_CASE("jitter shortens each retry delay by at most its fraction") {
    for (int round = 0; round < 20; ++round) {
        Ui t;
        QueryResult<int> r;
        t.mounted["a"] = [&] {
            QueryOptions<int> options;
            options.retry.jitter = 0.5;
            r = use_query(
                key("j"), []() -> int { throw std::runtime_error("x"); }, options);
        };
        REQUIRE(t.until([&] { return r.state() == ResultState::Waiting && r.next_retry(); }));
        const auto wait = *r.next_retry() - t.ui.runtime().now();
        CHECK(wait >= 500ms);
        CHECK(wait <= 1000ms);
    }
}

TEST_CASE("cancel ends a retry wait: Cancelled, and no more attempts") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        r = use_query(key("c"), [&]() -> int {
            ++runs;
            throw std::runtime_error("no");
        });
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Waiting && r.next_retry(); }));
    r.cancel();
    REQUIRE(t.until([&] { return r.state() == ResultState::Cancelled; }));
    CHECK_FALSE(r.next_retry());
    CHECK(r.error_message() == "no");  // the last failure stays readable
    t.advance(1h);
    t.settle();
    CHECK(runs == 1);
}

TEST_CASE("retry_if decides which failures are retried") {
    Ui t;
    std::atomic<int> runs{0};
    std::atomic<int> asked{0};
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        QueryOptions<int> options;
        options.retry.retry_if = [&](int failures, const std::exception_ptr& error) {
            ++asked;
            CHECK(failures == 1);
            try {
                std::rethrow_exception(error);
            } catch (const std::invalid_argument&) {
                return false;  // a bad request: retrying cannot help
            } catch (...) {
                return true;
            }
        };
        r = use_query(
            key("bad"),
            [&]() -> int {
                ++runs;
                throw std::invalid_argument("bad request");
            },
            options);
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Error; }));
    CHECK(runs == 1);
    CHECK(asked == 1);
    CHECK_FALSE(r.next_retry());
}

TEST_CASE("a retry that succeeds shows the value and clears the failure") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        r = use_query(key("second time lucky"),
                      [&]() -> int {
                          if (++runs == 1) throw std::runtime_error("first");
                          return 2;
                      },
                      {.retry = {.retries = 1, .jitter = 0}});
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Waiting && r.next_retry(); }));
    t.advance(1s);
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(*r.value() == 2);
    CHECK(r.error() == nullptr);
    CHECK(r.attempt() == 2);
}

TEST_CASE("the last reader leaving ends a retry wait") {
    Ui t;
    std::atomic<int> runs{0};
    t.mounted["a"] = [&] {
        use_query(key("gone"), [&]() -> int {
            ++runs;
            throw std::runtime_error("x");
        });
    };
    REQUIRE(t.until([&] {
        auto all = t.queries().entries();
        return !all.empty() && all[0].status.next_retry.has_value();
    }));
    t.mounted.clear();
    t.frame();
    t.advance(1min);  // past any retry delay, before its gc time
    t.settle();
    CHECK(runs == 1);
    REQUIRE(t.queries().entries().size() == 1);
    CHECK(t.queries().entries()[0].state == ResultState::Error);
}

//----------------------------------------------------------------------------------------------
// Polling

TEST_CASE("refetch_interval polls while mounted, with no frames between polls") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    std::size_t frames = 0;
    t.mounted["a"] = [&] {
        ++frames;
        r = use_query(
            key("poll"), [&] { return ++runs; }, quiet<int>({.refetch_interval = 5s}));
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    for (int poll = 2; poll <= 4; ++poll) {
        t.settle();
        const std::size_t before = frames;
        t.advance(4999ms);
        CHECK_FALSE(t.ui.runtime().needs_frame());
        CHECK(frames == before);
        t.advance(1ms);
        REQUIRE(t.until([&] { return r.value() && *r.value() == poll; }));
        CHECK(r.state() == ResultState::Finished);
    }
    t.mounted.clear();  // polling stops with the last reader
    t.frame();
    t.advance(1min);
    t.settle();
    CHECK(runs == 4);
}

//----------------------------------------------------------------------------------------------
// Initial and placeholder values

TEST_CASE("initial_value seeds a new entry and shows stale while the first fetch runs") {
    Ui t;
    Event release;
    QueryResult<std::string> r;
    t.mounted["a"] = [&] {
        r = use_query(key("title"),
                      [&] {
                          release.wait();
                          return std::string("fetched");
                      },
                      {.initial_value = "seed"});
    };
    t.frame();
    REQUIRE(r.value());
    CHECK(*r.value() == "seed");
    CHECK(r.stale());
    CHECK_FALSE(r.placeholder());
    CHECK(r.state() == ResultState::Starting);
    release.set();
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(*r.value() == "fetched");
    CHECK_FALSE(r.stale());
}

TEST_CASE("a placeholder shows while there is no data, flagged, and never enters the cache") {
    Ui t;
    Event release;
    QueryResult<std::string> r;
    t.mounted["a"] = [&] {
        r = use_query(key("avatar"),
                      [&] {
                          release.wait();
                          return std::string("picture");
                      },
                      {.placeholder = "grey square"});
    };
    t.frame();
    REQUIRE(r.value());
    CHECK(*r.value() == "grey square");
    CHECK(r.placeholder());
    CHECK(t.queries().query_value<std::string>(key("avatar")) == nullptr);
    release.set();
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(*r.value() == "picture");
    CHECK_FALSE(r.placeholder());
}

TEST_CASE("keep_previous shows the previous key's value until the new key's arrives") {
    Ui t;
    std::string search = "ab";
    std::map<std::string, std::unique_ptr<Event>> release;
    release["ab"] = std::make_unique<Event>();
    release["abc"] = std::make_unique<Event>();
    release["ab"]->set();
    QueryResult<std::string> r;
    t.mounted["a"] = [&] {
        r = use_query(key("search", search),
                      [&, s = search] {
                          release[s]->wait();
                          return "results for " + s;
                      },
                      {.keep_previous = true});
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    search = "abc";
    t.frame();
    REQUIRE(r.value());
    CHECK(*r.value() == "results for ab");
    CHECK(r.placeholder());
    CHECK(r.state() == ResultState::Starting);
    release["abc"]->set();
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(*r.value() == "results for abc");
    CHECK_FALSE(r.placeholder());
}

//----------------------------------------------------------------------------------------------
// invalidate and set_query_value

TEST_CASE("invalidate(prefix) fetches mounted matching entries again and marks the others") {
    Ui t;
    std::map<int, std::atomic<int>> runs;
    for (int id : {1, 2}) runs[id] = 0;
    runs[99] = 0;
    std::map<int, QueryResult<int>> r;
    auto row = [&](int id, const char* kind) {
        return [&, id, kind] {
            r[id] = use_query(key(kind, id), [&, id] { return ++runs[id]; },
                              {.stale_time = test::kForever});
        };
    };
    t.mounted["1"] = row(1, "thumb");
    t.mounted["2"] = row(2, "thumb");
    t.mounted["99"] = row(99, "user");
    REQUIRE(t.until([&] {
        return r[1].state() == ResultState::Finished && r[2].state() == ResultState::Finished &&
               r[99].state() == ResultState::Finished;
    }));
    t.queries().set_query_value(key("thumb", 3), 30);  // an entry nobody reads
    t.mounted.erase("2");
    t.frame();

    t.queries().invalidate(key("thumb"));
    REQUIRE(t.until([&] { return runs[1] == 2 && r[1].state() == ResultState::Finished; }));
    t.settle();
    CHECK(runs[2] == 1);   // not mounted: fetched at its next mount...
    CHECK(runs[99] == 1);  // another prefix: untouched
    for (const QueryInfo& info : t.queries().entries())
        if (info.key == "[\"thumb\", 2]" || info.key == "[\"thumb\", 3]") CHECK(info.stale);
    t.mounted["2"] = row(2, "thumb");  // ...even within its stale_time
    REQUIRE(t.until([&] { return runs[2] == 2 && r[2].state() == ResultState::Finished; }));
}

TEST_CASE("invalidate_exact reaches only the key itself") {
    Ui t;
    std::atomic<int> a{0}, b{0};
    t.mounted["a"] = [&] {
        use_query(key("doc"), [&] { return ++a; }, {.stale_time = test::kForever});
    };
    t.mounted["b"] = [&] {
        use_query(key("doc", 1), [&] { return ++b; }, {.stale_time = test::kForever});
    };
    REQUIRE(t.until([&] { return a == 1 && b == 1; }));
    t.settle();
    t.queries().invalidate_exact(key("doc"));
    REQUIRE(t.until([&] { return a == 2; }));
    t.settle();
    CHECK(b == 1);
}

TEST_CASE("invalidate and set_query_value work from another thread") {
    Ui t;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        r = use_query(key("remote"), [&] { return ++runs; }, {.stale_time = test::kForever});
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    QueryClient client = t.queries();
    std::thread([client] { client.invalidate(key("remote")); }).join();
    REQUIRE(t.until([&] { return r.value() && *r.value() == 2; }));
    std::thread([client] { client.set_query_value(key("remote"), 100); }).join();
    REQUIRE(t.until([&] { return r.value() && *r.value() == 100; }));
    CHECK_FALSE(r.stale());
    CHECK_FALSE(r.partial());
    CHECK(r.state() == ResultState::Finished);
}

TEST_CASE("set_query_value writes an entry a later mount shows in its first frame") {
    Ui t;
    std::atomic<int> runs{0};
    t.queries().set_query_value(key("saved", 5), std::string("optimistic"));
    QueryResult<std::string> r;
    t.mounted["a"] = [&] {
        r = use_query(key("saved", 5),
                      [&] {
                          ++runs;
                          return std::string("server");
                      },
                      {.stale_time = 1min});
    };
    t.frame();
    REQUIRE(r.value());
    CHECK(*r.value() == "optimistic");
    CHECK(r.state() == ResultState::Finished);
    t.settle();
    CHECK(runs == 0);
}

TEST_CASE("set_query_value clears an error and update_query_value reads the current value") {
    Ui t;
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        r = use_query(
            key("n"), []() -> int { throw std::runtime_error("broken"); }, quiet());
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Error; }));
    t.queries().set_query_value(key("n"), 1);
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    CHECK(r.error() == nullptr);
    for (int i = 0; i < 5; ++i)
        t.queries().update_query_value<int>(key("n"), [](const int* n) { return *n * 2; });
    REQUIRE(t.until([&] { return *r.value() == 32; }));
    CHECK(*t.queries().query_value<int>(key("n")) == 32);
}

//----------------------------------------------------------------------------------------------
// Runs withdrawn when their readers leave: the keep-alive list

TEST_CASE("a queued run whose readers all left before it started never runs") {
    auto executor = std::make_shared<Executor>(ExecutorOptions{.max_running = 1});
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    RuntimeOptions options;
    options.executor = executor;
    options.clock = clock;
    Headless ui({800, 600}, options);
    Event blocker_running, release_blocker;
    std::set<int> ran;
    std::mutex ran_mutex;
    std::vector<int> rows{0, 1, 2, 3, 4};
    auto body = [&] {
        for (int id : rows)
            component(id, [&, id] {
                use_query(key("row", id),
                          [&, id] {
                              {
                                  std::lock_guard lock(ran_mutex);
                                  ran.insert(id);
                              }
                              if (id == 0) {
                                  blocker_running.set();
                                  release_blocker.wait();
                              }
                              return id;
                          },
                          {.stale_time = test::kForever});
            });
    };
    rows = {0};
    ui.frame(body);  // row 0 takes the only slot
    REQUIRE(ui.frame_until(body, [&] { return blocker_running.is_set(); }));
    rows = {0, 1, 2, 3, 4};
    ui.frame(body);  // rows 1-4 queue behind it
    rows = {0, 4};
    ui.frame(body);  // 1-3 scroll away before they start
    CHECK(ui.runtime().queries().stats().withdrawn == 3);
    release_blocker.set();
    REQUIRE(ui.frame_until(body, [&] {
        std::lock_guard lock(ran_mutex);
        return ran.count(4) == 1;
    }));
    ui.settle(body);
    {
        std::lock_guard lock(ran_mutex);
        CHECK(ran == std::set<int>{0, 4});
    }
    // They fetch when they come back.
    rows = {0, 1, 2, 3, 4};
    REQUIRE(ui.frame_until(body, [&] {
        std::lock_guard lock(ran_mutex);
        return ran.size() == 5;
    }));
    CHECK(ui.runtime().queries().stats().runs_started == 5);
}

TEST_CASE("a run whose reader left keeps running and its value waits in the cache") {
    Ui t;
    Event running, release;
    std::atomic<int> runs{0};
    QueryResult<int> r;
    auto reader = [&] {
        r = use_query(key("row", 1),
                      [&] {
                          ++runs;
                          running.set();
                          release.wait();
                          return 11;
                      },
                      {.stale_time = test::kForever});
    };
    t.mounted["row"] = reader;
    REQUIRE(t.until([&] { return running.is_set(); }));
    t.mounted.clear();
    t.frame();
    release.set();
    REQUIRE(t.until([&] { return t.queries().query_value<int>(key("row", 1)) != nullptr; }));
    t.mounted["row"] = reader;
    t.frame();
    REQUIRE(r.value());
    CHECK(*r.value() == 11);  // in its first frame back
    CHECK(runs == 1);
}

//----------------------------------------------------------------------------------------------
// Control, inspection, shutdown

TEST_CASE("refetch() on a query fetches again, cancel() stops its run") {
    Ui t;
    std::atomic<int> runs{0};
    Event started;
    QueryResult<int> r;
    t.mounted["a"] = [&] {
        r = use_query(key("manual"),
                      [&](std::stop_token stop) {
                          const int n = ++runs;
                          if (n == 2) {
                              started.set();
                              while (!stop.stop_requested()) std::this_thread::yield();
                          }
                          return n;
                      },
                      {.stale_time = test::kForever, .intrusive_cancel = false});
    };
    REQUIRE(t.until([&] { return r.state() == ResultState::Finished; }));
    r.refetch();
    REQUIRE(t.until([&] { return started.is_set(); }));
    r.cancel();
    REQUIRE(t.until([&] { return r.state() == ResultState::Cancelled; }));
    CHECK(*r.value() == 1);
    CHECK(runs == 2);
}

TEST_CASE("the cache lists its entries for inspectors") {
    Ui t;
    t.mounted["a"] = [&] {
        use_query(key("thumb", 42), [] { return std::string("x"); }, {.stale_time = 1min});
    };
    REQUIRE(t.until([&] {
        auto all = t.queries().entries();
        return all.size() == 1 && all[0].state == ResultState::Finished;
    }));
    t.advance(30s);
    const QueryInfo info = t.queries().entries().at(0);
    CHECK(info.key == "[\"thumb\", 42]");
    CHECK(info.value_type == "std::string");
    CHECK(info.readers == 1);
    CHECK(info.has_value);
    REQUIRE(info.age);
    CHECK(*info.age == 30s);
    CHECK_FALSE(info.stale);
    t.advance(30s);
    CHECK(t.queries().entries().at(0).stale);
    CHECK_FALSE(t.queries().entries().at(0).freed_at);
}

TEST_CASE("destroying the runtime stops running queries, and its client then does nothing") {
    QueryClient client;
    Event running;
    {
        Ui t;
        t.mounted["a"] = [&] {
            use_query(key("endless"), [&] {
                running.set();
                sleep_for(1h);
                return 0;
            });
        };
        REQUIRE(t.until([&] { return running.is_set(); }));
        client = t.queries();
    }  // bounded: the job is stopped in its sleep
    client.invalidate(key("endless"));
    client.set_query_value(key("endless"), 1);
    CHECK(client.query_value<int>(key("endless")) == nullptr);
    CHECK(client.entries().empty());
}

TEST_CASE("a query's Result outliving its runtime and a job that ignored the stop does nothing") {
    Event running, release, returned;
    QueryResult<int> r;
    {
        auto clock = std::make_shared<ManualClock>();
        RuntimeOptions options;
        options.clock = clock;
        options.shutdown_timeout = 1ms;  // the job below outlives ~Runtime
        Headless ui({800, 600}, options);
        auto body = [&] {
            component("a", [&] {
                r = use_query(key("stubborn"), [&] {
                    running.set();
                    release.wait();  // never checks its stop
                    returned.set();
                    return 1;
                });
            });
        };
        REQUIRE(ui.frame_until(body, [&] { return running.is_set(); }));
    }  // the cache is gone; the entry lives on with its job
    r.cancel();
    r.refetch();
    release.set();
    REQUIRE(returned.wait());
    CHECK_FALSE(r.cancel_requested());  // the detached entry took no cancel
}

TEST_CASE("use_query outside a component is a HookError") {
    Ui t;
    t.ui.frame([] { CHECK_THROWS_AS(use_query(key("x"), [] { return 1; }), HookError); });
}
