// Streams that append (Stream<T>, StreamWriter<T>) and partial results: Result::partial() and
// Result::last_complete(), for streams and for the replace-style yield.
#include "support.h"
#include "use_thread_probe.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;
using imhooks::test::Probe;

namespace {

// Counts its copies and moves.
struct Counted {
    static inline std::atomic<int> copies{0};
    static inline std::atomic<int> moves{0};
    int value = 0;
    explicit Counted(int v) : value(v) {}
    Counted(const Counted& other) : value(other.value) { ++copies; }
    Counted(Counted&& other) noexcept : value(other.value) { ++moves; }
    Counted& operator=(const Counted&) = delete;
    Counted& operator=(Counted&&) = delete;
};

}  // namespace

//----------------------------------------------------------------------------------------------
// Stream and StreamWriter

TEST_CASE("a stream view keeps showing what was appended when it was made") {
    StreamWriter<std::string> out;
    const Stream<std::string> empty = out.view();
    out.push_back("a");
    out.push_back("b");
    const Stream<std::string> two = out.view();
    for (int i = 0; i < 5000; ++i) out.push_back(std::to_string(i));  // several new chunks
    CHECK(empty.empty());
    REQUIRE(two.size() == 2);
    CHECK(two[0] == "a");
    CHECK(two[1] == "b");
    CHECK(std::vector<std::string>(two.begin(), two.end()) == std::vector<std::string>{"a", "b"});
    const Stream<std::string> all = out.view();
    REQUIRE(all.size() == 5002);
    CHECK(all[5001] == "4999");
    CHECK(all.back() == "4999");
}

TEST_CASE("appending never moves or copies items already in the stream") {
    Counted::copies = 0;
    Counted::moves = 0;
    StreamWriter<Counted> out;
    out.emplace_back(0);
    const Counted* first = &out.view()[0];
    std::vector<Stream<Counted>> views;
    for (int i = 1; i < 100'000; ++i) {
        out.emplace_back(i);
        if (i % 1000 == 0) views.push_back(out.view());  // publishing copies nothing either
    }
    CHECK(Counted::copies == 0);
    CHECK(Counted::moves == 0);
    CHECK(&out.view()[0] == first);  // the first item never moved
    const Stream<Counted> all = out.view();
    for (std::size_t i = 0; i < all.size(); ++i) REQUIRE(all[i].value == static_cast<int>(i));
    CHECK(views.back().size() == 99'001);
}

TEST_CASE("a stream of many items takes at most 1.2 times the items' own size") {
    StreamWriter<std::uint64_t> out;
    for (std::uint64_t i = 0; i < 1'000'000; ++i) out.push_back(i);
    const Stream<std::uint64_t> all = out.view();
    const double own = 1'000'000.0 * sizeof(std::uint64_t);
    CHECK(static_cast<double>(all.allocated_bytes()) <= 1.2 * own);
    CHECK(static_cast<double>(all.allocated_bytes()) >= own);
}

TEST_CASE("stream iterators are random access and compare by position") {
    StreamWriter<int> out;
    for (int i = 0; i < 3000; ++i) out.push_back(i);
    const Stream<int> all = out.view();
    auto it = all.begin();
    it += 2500;
    CHECK(*it == 2500);
    CHECK(it[10] == 2510);
    CHECK(all.end() - it == 500);
    CHECK(std::lower_bound(all.begin(), all.end(), 1234) - all.begin() == 1234);
    CHECK(out.view() == all);
    out.push_back(3000);
    CHECK_FALSE(out.view() == all);  // another length: not the same items
}

//----------------------------------------------------------------------------------------------
// Partial results in a use_thread hook

TEST_CASE("a streamed value is partial while the job runs and complete once it returns") {
    Probe<Stream<int>> p;
    Event published, release;
    p.hook = [&] {
        return use_thread([&](Job<Stream<int>>& job) {
            StreamWriter<int> out;
            for (int i = 0; i < 10; ++i) out.push_back(i);
            job.yield(out.view());
            published.set();
            release.wait();
            for (int i = 10; i < 20; ++i) out.push_back(i);
            return out.view();
        });
    };
    REQUIRE(p.until([&] { return p.last.value() && p.last.value()->size() == 10; }));
    CHECK(p.last.state() == ResultState::Running);
    CHECK(p.last.partial());
    CHECK_FALSE(p.last.stale());               // the current run's own value...
    CHECK(p.last.last_complete() == nullptr);  // ...and no run has finished yet
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
    REQUIRE(p.last.value()->size() == 20);
    CHECK_FALSE(p.last.partial());
    REQUIRE(p.last.last_complete() != nullptr);
    CHECK(p.last.last_complete()->size() == 20);
    CHECK((*p.last.value())[19] == 19);
}

TEST_CASE("a partial value stays marked partial after the run is cancelled") {
    Probe<Stream<int>> p;
    Event published;
    p.hook = [&] {
        return use_thread([&](Job<Stream<int>>& job) {
            StreamWriter<int> out;
            out.push_back(1);
            job.yield(out.view());
            published.set();
            job.sleep_for(1h);  // until cancelled
            return out.view();
        });
    };
    REQUIRE(p.until([&] { return p.last.value() != nullptr; }));
    REQUIRE(published.wait());
    p.last.cancel();
    REQUIRE(p.until_state(ResultState::Cancelled));
    REQUIRE(p.last.value() != nullptr);
    CHECK(p.last.value()->size() == 1);
    CHECK(p.last.partial());  // the UI can tell it is incomplete
    CHECK_FALSE(p.last.stale());
}

TEST_CASE("a partial value stays marked partial after the run fails") {
    Probe<int> p;
    p.hook = [&] {
        return use_thread([&](Job<int>& job) -> int {
            job.yield(7);
            throw std::runtime_error("disk gone");
        });
    };
    REQUIRE(p.until_state(ResultState::Error));
    REQUIRE(p.last.value() != nullptr);
    CHECK(*p.last.value() == 7);
    CHECK(p.last.partial());
    CHECK(p.last.error_message() == "disk gone");
}

TEST_CASE("the last complete result stays readable while a new run streams") {
    Probe<Stream<int>> p;
    std::atomic<int> run{0};
    Event second_published, release_second;
    p.hook = [&] {
        return use_thread([&](Job<Stream<int>>& job) {
            const int n = ++run;
            StreamWriter<int> out;
            for (int i = 0; i < n * 100; ++i) out.push_back(n);
            if (n == 2) {
                job.yield(out.view());
                second_published.set();
                release_second.wait();
            }
            return out.view();
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    REQUIRE(p.last.value()->size() == 100);
    p.last.retry();
    REQUIRE(p.until([&] { return p.last.value() && p.last.value()->size() == 200; }));
    CHECK(p.last.partial());
    REQUIRE(p.last.last_complete() != nullptr);
    CHECK(p.last.last_complete()->size() == 100);  // the first run's full result
    CHECK((*p.last.last_complete())[0] == 1);
    release_second.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.last_complete()->size() == 200);
    CHECK_FALSE(p.last.partial());
}

TEST_CASE("a generator's elements are partial until it ends, then its last one is complete") {
    Probe<int> p;
    Event yielded, release;
    p.hook = [&] {
        return use_thread([&]() -> Generator<int> {
            co_yield 1;
            yielded.set();
            release.wait();
            co_yield 2;
        });
    };
    REQUIRE(p.until([&] { return p.last.value() && *p.last.value() == 1; }));
    CHECK(p.last.partial());
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2);
    CHECK_FALSE(p.last.partial());
    REQUIRE(p.last.last_complete() != nullptr);
    CHECK(*p.last.last_complete() == 2);
}

TEST_CASE("a job returning a value is never partial") {
    Probe<int> p;
    p.hook = [&] { return use_thread([] { return 5; }); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK_FALSE(p.last.partial());
    REQUIRE(p.last.last_complete() != nullptr);
    CHECK(*p.last.last_complete() == 5);
}

TEST_CASE("the UI reads every item of each frame's stream while the job appends") {
    // Under ThreadSanitizer this is the check that a view needs no lock.
    Probe<Stream<std::uint32_t>> p;
    constexpr std::uint32_t kItems = 200'000;
    p.hook = [&] {
        return use_thread([](Job<Stream<std::uint32_t>>& job) {
            StreamWriter<std::uint32_t> out;
            for (std::uint32_t i = 0; i < kItems; ++i) {
                out.push_back(i);
                if (i % 997 == 0) job.yield(out.view());
            }
            return out.view();
        });
    };
    std::size_t frames_with_items = 0;
    bool ordered = true;
    REQUIRE(p.until([&] {
        if (const Stream<std::uint32_t>* items = p.last.value()) {
            ++frames_with_items;
            std::uint32_t expected = 0;
            for (std::uint32_t item : *items) ordered &= item == expected++;
        }
        return p.last.state() == ResultState::Finished;
    }));
    CHECK(ordered);
    CHECK(frames_with_items >= 1);
    CHECK(p.last.value()->size() == kItems);
}
