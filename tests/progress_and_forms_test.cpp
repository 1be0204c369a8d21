// use_thread: progress and wake-ups (rule 15), the job forms, and port (d) of the original's tests.
#include "support.h"
#include "use_thread_probe.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;
using imhooks::test::FirstRunBlocks;
using imhooks::test::Probe;
using imhooks::test::work_drops_to_zero;

//----------------------------------------------------------------------------------------------
// Rule 15 and progress

TEST_CASE("rule 15: progress shows on a later frame and every change wakes the waker") {
    Probe<int> p;
    std::atomic<int> wakes{0};
    p.ui.runtime().set_waker([&] { ++wakes; });
    Event reported, release;
    p.hook = [&] {
        return use_thread([&] {
            report_progress(0.25f, "a quarter");
            reported.set();
            release.wait();
            return 0;
        });
    };
    REQUIRE(p.until([&] { return p.last.progress().has_value(); }));
    CHECK(*p.last.progress() == 0.25f);
    CHECK(p.last.progress_text() == "a quarter");
    REQUIRE(reported.wait());  // the progress burst's waker call has returned
    p.ui.settle(p.body());
    REQUIRE_FALSE(p.ui.runtime().needs_frame());
    const int before = wakes;
    release.set();
    REQUIRE(p.ui.runtime().wait(10s));  // the Finished state wakes the UI...
    REQUIRE(imhooks::test::eventually([&] { return wakes > before; }));  // ...and calls the waker
    p.frame();
    CHECK(p.last.state() == ResultState::Finished);
    CHECK(wakes == before + 1);
}

TEST_CASE("progress is clamped to [0, 1] and reset by a new run") {
    Probe<int> p;
    std::atomic<int> runs{0};
    Event release;
    p.hook = [&] {
        return use_thread([&] {
            if (++runs == 1) {
                report_progress(7.0f);
                return 0;
            }
            release.wait();
            return 1;
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.progress() == 1.0f);
    p.last.retry();
    REQUIRE(p.until_state(ResultState::Running));
    CHECK_FALSE(p.last.progress().has_value());
    release.set();
    REQUIRE(p.until_state(ResultState::Finished));
}

//----------------------------------------------------------------------------------------------
// The snapshot a frame shows: updated where it is when no Result holds it, rebuilt when one does

namespace {

// What one frame's Result showed, kept as plain values so that the Result itself can go.
struct Seen {
    ResultState state = ResultState::Initial;
    std::optional<int> value;
    std::optional<float> progress;
    std::string text;
    bool stale = false;
    bool partial = false;
    std::optional<int> complete;
    std::string error;

    static Seen of(const Result<int>& r) {
        Seen s;
        s.state = r.state();
        if (r.value()) s.value = *r.value();
        s.progress = r.progress();
        s.text = r.progress_text();
        s.stale = r.stale();
        s.partial = r.partial();
        if (r.last_complete()) s.complete = *r.last_complete();
        s.error = r.error_message();
        return s;
    }
    bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
    os << to_string(s.state) << " value " << (s.value ? std::to_string(*s.value) : "-")
       << " progress " << (s.progress ? std::to_string(*s.progress) : "-") << " '" << s.text
       << "' stale " << s.stale << " partial " << s.partial << " complete "
       << (s.complete ? std::to_string(*s.complete) : "-") << " error '" << s.error << "'";
    return os;
}

}  // namespace

TEST_CASE(
    "frames that keep no Result show every progress update, value and error as frames that keep "
    "one do") {
    // Two rows run the same script, step by step. The first row's Result is kept from frame to
    // frame, so each frame builds it a new snapshot; the second row's is dropped within its
    // frame, so its snapshot is updated where it is. Both must show the same thing every frame.
    constexpr int kSteps = 8;
    Event go[kSteps];
    std::atomic<int> done[kSteps] = {};
    auto script = [&](std::shared_ptr<std::atomic<int>> runs) {
        return [&go, &done, runs](Job<int>& job) -> int {
            auto wait = [&](int i) { go[i].wait(); };
            auto mark = [&](int i) { done[i].fetch_add(1); };
            if (++*runs == 1) {
                wait(0);
                job.progress(0.25f, "a quarter");
                mark(0);
                wait(1);
                job.progress(0.5f);  // the text goes
                mark(1);
                wait(2);
                job.yield(7);
                mark(2);
                wait(3);
                job.progress(0.75f, "three quarters");  // progress, then a value, in one frame
                job.yield(8);
                mark(3);
                wait(4);
                job.yield(9);  // a value, then progress, in one frame
                job.progress(0.875f, "nearly");
                mark(4);
                wait(5);
                return 10;
            }
            wait(6);
            job.progress(0.125f, "again");
            mark(6);
            wait(7);
            throw std::runtime_error("broken");
        };
    };
    Headless ui;
    int generation = 0;  // step 6 changes it: both rows run again
    Result<int> kept;
    Seen dropped;
    auto kept_runs = std::make_shared<std::atomic<int>>(0);
    auto dropped_runs = std::make_shared<std::atomic<int>>(0);
    auto body = [&] {
        component("kept", [&] { kept = use_thread(script(kept_runs), deps(generation)); });
        component("dropped",
                  [&] { dropped = Seen::of(use_thread(script(dropped_runs), deps(generation))); });
    };
    std::vector<Seen> shown;
    for (int i = 0; i < kSteps; ++i) {
        if (i == 6) generation = 1;
        go[i].set();
        auto step_done = [&] {
            if (i == 5) return kept.state() == ResultState::Finished;
            if (i == 7) return kept.state() == ResultState::Error;
            return done[i].load() == 2;
        };
        REQUIRE(ui.frame_until(body, step_done));
        if (i == 5 || i == 7)
            REQUIRE(ui.frame_until(body, [&] { return dropped.state == kept.state(); }));
        ui.frame(body);  // shows all that the step published
        INFO("step " << i);
        CHECK(dropped == Seen::of(kept));
        shown.push_back(dropped);
    }
    // And what they showed is the script.
    CHECK(shown[0].progress == 0.25f);
    CHECK(shown[0].text == "a quarter");
    CHECK(shown[1].progress == 0.5f);
    CHECK(shown[1].text.empty());
    CHECK(shown[2].value == 7);
    CHECK(shown[2].partial);
    CHECK(shown[3].value == 8);
    CHECK(shown[3].progress == 0.75f);
    CHECK(shown[3].text == "three quarters");
    CHECK(shown[4].value == 9);
    CHECK(shown[4].progress == 0.875f);
    CHECK(shown[4].text == "nearly");
    CHECK(shown[5].state == ResultState::Finished);
    CHECK(shown[5].value == 10);
    CHECK_FALSE(shown[5].partial);
    CHECK(shown[5].complete == 10);
    CHECK(shown[6].state == ResultState::Running);
    CHECK(shown[6].value == 10);
    CHECK(shown[6].stale);
    CHECK(shown[6].progress == 0.125f);
    CHECK(shown[7].state == ResultState::Error);
    CHECK(shown[7].error == "broken");
    CHECK(shown[7].value == 10);
    CHECK(shown[7].stale);
}

TEST_CASE("a Result kept from an earlier frame still shows that frame after the job reports more") {
    Probe<int> p;
    Event step[3];
    std::atomic<int> reached{0};
    p.hook = [&] {
        return use_thread<int>([&](Job<int>& job) {
            job.progress(0.25f, "a quarter");
            reached = 1;
            step[0].wait();
            job.yield(7);
            reached = 2;
            step[1].wait();
            job.progress(0.5f, "a half");
            reached = 3;
            step[2].wait();
            return 8;
        });
    };
    // Frames that keep nothing else: the Probe's last Result is dropped before each frame.
    auto frame_without_kept_result = [&] {
        p.last = Result<int>();
        p.frame();
    };
    auto settle_at = [&](int r) {
        REQUIRE(imhooks::test::eventually([&] { return reached.load() == r; }));
        frame_without_kept_result();
    };
    p.frame();  // mounts: the run starts after it
    settle_at(1);
    const Result<int> quarter = p.last;  // kept from here on
    step[0].set();
    settle_at(2);
    const Result<int> seven = p.last;
    step[1].set();
    settle_at(3);
    CHECK(p.last.progress() == 0.5f);
    CHECK(p.last.progress_text() == "a half");
    step[2].set();
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 8);

    CHECK(quarter.state() == ResultState::Running);
    CHECK(quarter.progress() == 0.25f);
    CHECK(quarter.progress_text() == "a quarter");
    CHECK(quarter.value() == nullptr);
    CHECK(*seven.value() == 7);
    CHECK(seven.partial());
    CHECK(seven.progress() == 0.25f);
}

//----------------------------------------------------------------------------------------------
// Port (d) and job forms

TEST_CASE(
    "port (d): 256 setter calls from a worker leave other state slots intact and show the last "
    "write") {
    Headless ui;
    int seen_a = -1, seen_b = -1, seen_c = -1;
    auto body = [&] {
        component("c", [&] {
            auto [a, set_a] = use_state(1);
            auto [b, set_b] = use_state(0);
            auto [c, set_c] = use_state(3);
            seen_a = a;
            seen_b = b;
            seen_c = c;
            use_thread([set_b] {
                for (int i = 1; i <= 256; ++i) set_b(i);
                return 0;
            });
        });
    };
    REQUIRE(ui.frame_until(body, [&] { return seen_b == 256; }));
    CHECK(seen_a == 1);
    CHECK(seen_c == 3);
}

TEST_CASE("a void job gives Result<std::monostate> that finishes") {
    Probe<std::monostate> p;
    std::atomic<bool> ran{false};
    p.hook = [&] { return use_thread([&] { ran = true; }); };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(ran);
    CHECK(p.last.value() != nullptr);
}

TEST_CASE("use_thread<T> names the value type for a job taking Job<T>&") {
    Probe<double> p;
    p.hook = [&] {
        return use_thread<double>([](auto& job) { return job.stop_requested() ? 0.0 : 2.5; });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == 2.5);
}

TEST_CASE("to_string names every state") {
    CHECK(std::string(to_string(ResultState::Initial)) == "INITIAL");
    CHECK(std::string(to_string(ResultState::Starting)) == "STARTING");
    CHECK(std::string(to_string(ResultState::Waiting)) == "WAITING");
    CHECK(std::string(to_string(ResultState::Running)) == "RUNNING");
    CHECK(std::string(to_string(ResultState::Error)) == "ERROR");
    CHECK(std::string(to_string(ResultState::Finished)) == "FINISHED");
    CHECK(std::string(to_string(ResultState::Cancelled)) == "CANCELLED");
}

TEST_CASE("a generator's elements may own memory") {
    struct Image {
        std::shared_ptr<std::vector<int>> pixels;
        int rows = 0;
    };
    Probe<Image> p;
    p.hook = [&] {
        return use_thread([]() -> Generator<Image> {
            for (int rows = 1; rows <= 3; ++rows) {
                Image image{std::make_shared<std::vector<int>>(rows * 10, rows), rows};
                co_yield std::move(
                    image);  // named: see generator.h about g++ 12 and braced temporaries
            }
        });
    };
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(p.last.value()->rows == 3);
    CHECK(p.last.value()->pixels->size() == 30);
}

TEST_CASE(
    "partial results the UI never showed are overwritten and the ones it showed never change") {
    // Two elements per frame: the first of each pair is replaced before the UI takes it, and its
    // block carries the next element. The Results kept from each frame must keep their values.
    Probe<std::string> p;
    Event next[4];
    std::atomic<int> pairs{0};
    p.hook = [&] {
        return use_thread<std::string>([&](Job<std::string>& job) {
            for (int pair = 0; pair < 4; ++pair) {
                job.yield(std::string(40, static_cast<char>('a' + 2 * pair)));
                job.yield(std::string(40, static_cast<char>('b' + 2 * pair)));
                pairs = pair + 1;
                next[pair].wait();
            }
            return std::string("done");
        });
    };
    p.frame();
    std::vector<Result<std::string>> kept;
    for (int pair = 0; pair < 4; ++pair) {
        REQUIRE(imhooks::test::eventually([&] { return pairs.load() == pair + 1; }));
        p.last = Result<std::string>();
        p.frame();
        kept.push_back(p.last);
        next[pair].set();
    }
    REQUIRE(p.until_state(ResultState::Finished));
    CHECK(*p.last.value() == "done");
    for (int pair = 0; pair < 4; ++pair) {
        INFO("pair " << pair);
        REQUIRE(kept[pair].value() != nullptr);
        CHECK(*kept[pair].value() == std::string(40, static_cast<char>('b' + 2 * pair)));
        CHECK(kept[pair].partial());
    }
}

TEST_CASE("a partial result whose assignment throws ends the run in Error with that exception") {
    // The second element replaces the first before any frame: the third is assigned into the
    // first one's block, and that assignment throws.
    struct Picky {
        int n = 0;
        explicit Picky(int value) : n(value) {}
        Picky(Picky&&) = default;
        Picky& operator=(Picky&& other) {
            if (other.n == 3) throw std::runtime_error("Picky refuses 3");
            n = other.n;
            return *this;
        }
    };
    Probe<Picky> p;
    std::atomic<bool> ended{false};
    p.hook = [&] {
        return use_thread<Picky>([&](Job<Picky>& job) {
            struct Ended {
                std::atomic<bool>& flag;
                ~Ended() { flag = true; }
            } mark{ended};
            for (int i = 1; i <= 4; ++i) job.yield(Picky(i));
            return Picky(5);
        });
    };
    p.frame();
    REQUIRE(imhooks::test::eventually([&] { return ended.load(); }));
    REQUIRE(p.until_state(ResultState::Error));
    REQUIRE(p.last.error());
    CHECK_THROWS_WITH(std::rethrow_exception(p.last.error()), "Picky refuses 3");
    REQUIRE(p.last.value() != nullptr);
    CHECK(p.last.value()->n == 2);
}
