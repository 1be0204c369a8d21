// Task and use_task: jobs started on demand with arguments, read by any component. Among them, the
// task tests of the Python original's successor (call, call again while running, cancel, retry,
// error, latest value, several readers, several runtimes).
#include "support.h"

#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;
using imhooks::test::Event;
using imhooks::test::eventually;

namespace {

// What each frame of a reading component showed: the state and the value, consecutive repeats
// folded.
template <class T>
struct Seen {
    std::vector<std::pair<ResultState, std::optional<T>>> frames;
    void record(const Result<T>& r) {
        std::pair<ResultState, std::optional<T>> now{r.state(), std::nullopt};
        if (r.value()) now.second = *r.value();
        if (frames.empty() || frames.back() != now) frames.push_back(now);
    }
    bool saw(ResultState state) const {
        for (const auto& f : frames)
            if (f.first == state) return true;
        return false;
    }
};

// A job that blocks until released, then returns value * value.
struct Square {
    Event running, release;
    std::atomic<int> runs{0};
    Task<double(double)> task{[this](double value) {
        ++runs;
        running.set();
        release.wait();
        return value * value;
    }};
};

}  // namespace

TEST_CASE("a task is Initial until it is called, then runs with the call's arguments") {
    Headless ui;
    Square square;
    Seen<double> seen;
    double argument = 3;
    auto body = [&] {
        component("button", [&] {
            if (ImGui::Button("Run")) square.task(argument);
            seen.record(square.task.result());
        });
    };
    ui.frames(3, body);
    CHECK(seen.frames.size() == 1);
    CHECK(seen.frames[0].first == ResultState::Initial);  // "not called"
    CHECK(square.runs == 0);

    ui.click("Run", body);
    REQUIRE(ui.frame_until(body, [&] { return square.running.is_set(); }));
    square.release.set();
    REQUIRE(
        ui.frame_until(body, [&] { return seen.frames.back().first == ResultState::Finished; }));
    CHECK(seen.frames.back().second == 9.0);
    CHECK(seen.saw(ResultState::Running));
}

TEST_CASE("calling a task again keeps its latest value visible, stale, until the new run ends") {
    Headless ui;
    Event running[3], release[3];
    Task<int(int)> task([&](int n) {
        running[n].set();
        release[n].wait();
        return n * 10;
    });
    Result<int> shown;
    auto body = [&] { component("reader", [&] { shown = task.result(); }); };
    task(1);
    release[1].set();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    task(2);
    REQUIRE(ui.frame_until(body, [&] { return running[2].is_set(); }));
    ui.frame(body);
    CHECK(shown.state() == ResultState::Running);
    CHECK(*shown.value() == 10);  // the latest value stays...
    CHECK(shown.stale());         // ...marked as an earlier run's
    release[2].set();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(*shown.value() == 20);
    CHECK_FALSE(shown.stale());
}

TEST_CASE("calling a task while it runs supersedes the run: the old one never publishes") {
    Headless ui;
    Event first_running, release_first;
    std::atomic<int> inside{0}, most_inside{0};
    Task<int(int)> task([&](int n, std::stop_token) {
        const int now = ++inside;
        most_inside = std::max(most_inside.load(), now);
        if (n == 1) {
            first_running.set();
            release_first.wait();  // ignores its stop
        }
        --inside;
        return n;
    });
    Seen<int> seen;
    auto body = [&] { component("reader", [&] { seen.record(task.result()); }); };
    task(1);
    REQUIRE(ui.frame_until(body, [&] { return first_running.is_set(); }));
    task(2);
    ui.frame(body);
    CHECK(seen.frames.back().first == ResultState::Waiting);  // until the first leaves user code
    release_first.set();
    REQUIRE(
        ui.frame_until(body, [&] { return seen.frames.back().first == ResultState::Finished; }));
    CHECK(seen.frames.back().second == 2);
    for (const auto& frame : seen.frames) CHECK(frame.second != 1);  // never shown
    CHECK(most_inside == 1);
}

TEST_CASE(
    "a task can cancel itself, ends in Cancelled, and retry() runs it again with the same "
    "arguments") {
    Headless ui;
    std::atomic<bool> cancel_self{true};
    TaskHandle<int(int)> self;
    Task<int(int)> square([&](int n) {
        if (cancel_self) {
            self.cancel();
            checkpoint();
        }
        return n * n;
    });
    self = square.handle();
    Seen<int> seen;
    auto body = [&] { component("reader", [&] { seen.record(square.result()); }); };
    square(5);
    REQUIRE(
        ui.frame_until(body, [&] { return seen.frames.back().first == ResultState::Cancelled; }));
    CHECK_FALSE(seen.frames.back().second.has_value());
    cancel_self = false;
    square.retry();
    REQUIRE(
        ui.frame_until(body, [&] { return seen.frames.back().first == ResultState::Finished; }));
    CHECK(seen.frames.back().second == 25);
}

TEST_CASE("cancel() stops a task's run from any thread") {
    Headless ui;
    Event running;
    Task<int()> task([&] {
        running.set();
        for (;;) sleep_for(1ms);
        return 0;
    });
    Result<int> shown;
    auto body = [&] { component("reader", [&] { shown = task.result(); }); };
    task();
    REQUIRE(ui.frame_until(body, [&] { return running.is_set(); }));
    std::thread([&] { task.cancel(); }).join();
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Cancelled; }));
}

TEST_CASE("a task that throws shows Error with the message and keeps its last value") {
    Headless ui;
    Task<int(bool)> task([](bool fail) -> int {
        if (fail) throw std::runtime_error("disk full");
        return 7;
    });
    Result<int> shown;
    auto body = [&] { component("reader", [&] { shown = task.result(); }); };
    task(false);
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    task(true);
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Error; }));
    CHECK(shown.error_message() == "disk full");
    CHECK(*shown.value() == 7);
    CHECK(shown.stale());
}

TEST_CASE("several components read one task and see the same state in the same frame") {
    Headless ui;
    Square square;
    std::vector<Seen<double>> seen(2);
    auto body = [&] {
        for (int i = 0; i < 2; ++i) {
            ImGui::PushID(i);
            component("reader", [&, i] {
                if (ImGui::Button("Run")) square.task(2.0 + i);
                seen[static_cast<std::size_t>(i)].record(square.task.result());
            });
            ImGui::PopID();
        }
    };
    ui.frames(2, body);
    square.task(2.0);
    REQUIRE(ui.frame_until(body, [&] { return square.running.is_set(); }));
    square.release.set();
    REQUIRE(
        ui.frame_until(body, [&] { return seen[0].frames.back().first == ResultState::Finished; }));
    CHECK(seen[0].frames == seen[1].frames);
    CHECK(seen[1].frames.back().second == 4.0);
}

TEST_CASE("a task's change wakes every runtime that read it, and only those") {
    Task<int(int)> task([](int n) { return n; });
    std::atomic<int> wakes_a{0}, wakes_b{0}, wakes_c{0};
    Headless a({320, 240}), b({320, 240}), c({320, 240});
    a.runtime().set_waker([&] { ++wakes_a; });
    b.runtime().set_waker([&] { ++wakes_b; });
    c.runtime().set_waker([&] { ++wakes_c; });
    Result<int> in_a, in_b;
    auto body_a = [&] { component("a", [&] { in_a = task.result(); }); };
    auto body_b = [&] { component("b", [&] { in_b = task.result(); }); };
    auto body_c = [&] { component("c", [] {}); };
    a.settle(body_a);
    b.settle(body_b);
    c.settle(body_c);
    wakes_a = wakes_b = wakes_c = 0;
    std::thread([&] { task(42); }).join();  // from a worker, as a user's thread would
    REQUIRE(a.frame_until(body_a, [&] { return in_a.state() == ResultState::Finished; }));
    REQUIRE(b.frame_until(body_b, [&] { return in_b.state() == ResultState::Finished; }));
    CHECK(*in_a.value() == 42);
    CHECK(*in_b.value() == 42);
    CHECK(wakes_a > 0);
    CHECK(wakes_b > 0);
    CHECK(wakes_c == 0);
    CHECK_FALSE(c.runtime().needs_frame());
}

TEST_CASE("a task called from a button in one window shows its progress in another window") {
    Headless ui;
    Event half, release;
    Task<std::size_t(std::string)> save_as([&](std::string path, std::stop_token) {
        report_progress(0.5f, "writing " + path);
        half.set();
        release.wait();
        return path.size();
    });
    std::string path = "report.txt";
    Result<std::size_t> status;
    auto body = [&] {
        ImGui::SetNextWindowPos({0, 0});
        ImGui::Begin("Editor");
        component("editor", [&] {
            if (ImGui::Button("Save as")) save_as(path);
        });
        ImGui::End();
        ImGui::SetNextWindowPos({400, 0});
        ImGui::Begin("Status");
        component("status", [&] { status = save_as.result(); });
        ImGui::End();
    };
    ui.frames(2, body);
    ui.click("Save as", body);
    REQUIRE(ui.frame_until(body, [&] { return half.is_set() && status.progress(); }));
    CHECK(*status.progress() == 0.5f);
    CHECK(status.progress_text() == "writing report.txt");
    release.set();
    REQUIRE(ui.frame_until(body, [&] { return status.state() == ResultState::Finished; }));
    CHECK(*status.value() == path.size());
}

TEST_CASE("destroying a Task stops its run and waits for it, bounded") {
    Event running;
    std::atomic<bool> saw_stop{false};
    {
        Task<int()> task(
            [&](std::stop_token stop) {
                running.set();
                while (!stop.stop_requested()) std::this_thread::yield();
                saw_stop = true;
                return 0;
            },
            TaskOptions{.intrusive_cancel = false});
        task();
        REQUIRE(running.wait());
    }
    CHECK(saw_stop);  // the destructor waited for the run to end
}

TEST_CASE("a task's handle does nothing once the Task is gone") {
    TaskHandle<int(int)> handle;
    std::atomic<int> runs{0};
    {
        Task<int(int)> task([&](int n) {
            ++runs;
            return n;
        });
        handle = task.handle();
        CHECK(handle);
    }
    CHECK_FALSE(handle);
    handle(3);
    handle.retry();
    CHECK(handle.result().state() == ResultState::Initial);
    CHECK(runs == 0);
}

TEST_CASE("Task forms: stop_token, Job& with yields and progress, a generator, void") {
    Headless ui;
    Task<int(int)> with_job([](Job<int>& job, int n) {
        job.yield(n);
        job.progress(0.5f);
        return n + 1;
    });
    Task<int(int)> generator([](int n) -> Generator<int> {
        for (int i = 0; i < n; ++i) co_yield i;
    });
    std::atomic<int> calls{0};
    Task<void(int)> nothing([&](int) { ++calls; });
    Result<int> a, b;
    Result<std::monostate> c;
    auto body = [&] {
        component("r", [&] {
            a = with_job.result();
            b = generator.result();
            c = nothing.result();
        });
    };
    with_job(4);
    generator(3);
    nothing(1);
    REQUIRE(ui.frame_until(body, [&] {
        return a.state() == ResultState::Finished && b.state() == ResultState::Finished &&
               c.state() == ResultState::Finished;
    }));
    CHECK(*a.value() == 5);
    CHECK(*b.value() == 2);
    CHECK(calls == 1);
}

//----------------------------------------------------------------------------------------------
// use_task

TEST_CASE("use_task runs only when called, with the call's arguments") {
    Headless ui;
    std::atomic<int> runs{0};
    TaskHandle<std::size_t(std::string)> save;
    Result<std::size_t> shown;
    auto body = [&] {
        component("panel", [&] {
            save = use_task([&](std::string path) {
                ++runs;
                return path.size();
            });
            shown = save.result();
            if (ImGui::Button("Save")) save("notes.md");
        });
    };
    ui.frames(3, body);
    CHECK(runs == 0);
    CHECK(shown.state() == ResultState::Initial);
    ui.click("Save", body);
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(*shown.value() == 8);
    CHECK(runs == 1);
}

TEST_CASE(
    "use_task with deps runs after the first frame and again, Starting at once, when they change") {
    Headless ui;
    int dep = 1;
    std::atomic<int> runs{0};
    Result<int> shown;
    auto body = [&] {
        component("panel", [&] {
            const int d = dep;
            shown = use_task(
                        [&, d] {
                            ++runs;
                            return d * 2;
                        },
                        deps(d))
                        .result();
        });
    };
    ui.frame(body);
    CHECK(shown.state() == ResultState::Initial);
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(*shown.value() == 2);
    dep = 2;
    ui.frame(body);
    CHECK(shown.state() == ResultState::Starting);  // never the old Finished
    REQUIRE(ui.frame_until(body, [&] { return shown.state() == ResultState::Finished; }));
    CHECK(*shown.value() == 4);
    CHECK(runs == 2);
}

TEST_CASE("use_task's run is stopped when its component unmounts; its handle then does nothing") {
    Headless ui;
    Event running;
    std::atomic<bool> stopped{false};
    std::atomic<int> runs{0};
    TaskHandle<int()> kept;
    bool mounted = true;
    auto body = [&] {
        if (mounted)
            component("panel", [&] {
                kept = use_task([&] {
                    ++runs;
                    running.set();
                    try {
                        for (;;) sleep_for(1ms);
                    } catch (const Cancelled&) {
                        stopped = true;
                        throw;
                    }
                    return 0;
                });
            });
    };
    ui.frame(body);
    kept();
    REQUIRE(ui.frame_until(body, [&] { return running.is_set(); }));
    mounted = false;
    ui.frame(body);
    REQUIRE(ui.frame_until(body, [&] { return ui.runtime().stats().active_work == 0; }));
    CHECK(stopped);
    kept();
    CHECK_FALSE(kept);
    CHECK(runs == 1);
}

TEST_CASE("a use_task job that throws after its component unmounted is reported as discarded") {
    Headless ui;
    std::vector<std::string> reports;
    ui.runtime().set_error_handler([&](const ComponentError& e) {
        reports.push_back(std::string(e.where) + ": " + e.component + ": " + e.message);
    });
    Event running;
    bool mounted = true;
    TaskHandle<int()> kept;
    auto body = [&] {
        if (mounted)
            component("loader", [&] {
                kept = use_task(
                    [&](std::stop_token stop) -> int {
                        running.set();
                        while (!stop.stop_requested()) std::this_thread::yield();
                        throw std::runtime_error("late");
                    },
                    TaskOptions{.intrusive_cancel = false});
            });
    };
    ui.frame(body);
    kept();
    REQUIRE(ui.frame_until(body, [&] { return running.is_set(); }));
    mounted = false;
    REQUIRE(ui.frame_until(body, [&] { return !reports.empty(); }));
    CHECK(reports == std::vector<std::string>{"discarded: loader: late"});
}
