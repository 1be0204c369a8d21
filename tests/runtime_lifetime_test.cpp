// The Runtime's own lifetime: destroyed from inside its frame or from another thread, and
// setters racing its destruction.
#include "support.h"

#include <imhooks/detail/imgui_compat.h>
#include <imhooks/imhooks.h>

#include <imgui.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace imhooks;
using namespace std::chrono_literals;

namespace {

// An ImGui context whose Runtime the test owns (Headless owns its Runtime).
class Context {
  public:
    explicit Context(RuntimeOptions options = {}) {
        previous_ = ImGui::GetCurrentContext();
        context_ = ImGui::CreateContext();
        ImGui::SetCurrentContext(context_);
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = {400, 300};
        io.DeltaTime = 1.0f / 60.0f;
        detail::compat::prepare_headless_renderer(io);
        runtime = std::make_unique<Runtime>(context_, std::move(options));
    }
    ~Context() {
        ImGui::SetCurrentContext(context_);
        runtime.reset();
        ImGui::DestroyContext(context_);
        ImGui::SetCurrentContext(previous_);
    }
    template <class Body>
    void frame(Body&& body) {
        ImGui::SetCurrentContext(context_);
        ImGui::NewFrame();
        body();
        ImGui::Render();
        detail::compat::acknowledge_textures();
    }

    std::unique_ptr<Runtime> runtime;

  private:
    ImGuiContext* context_ = nullptr;
    ImGuiContext* previous_ = nullptr;
};

// What a component's effect cleanup saw: whether it ran, and on which thread.
struct Cleanup {
    std::atomic<bool> ran{false};
    std::thread::id thread;
    void operator()() {
        thread = std::this_thread::get_id();
        ran = true;
    }
};

// A component with an effect whose cleanup reports to `cleanup`.
void with_cleanup(Cleanup& cleanup) {
    use_effect([&] { return [&] { cleanup(); }; }, deps());
}

}  // namespace

TEST_CASE("destroying the Runtime in a component body takes effect at the end of the frame") {
    Context ui;
    Cleanup cleanup, other_cleanup;
    bool reset = false;
    bool cleaned_at_reset = true;
    int after_reset = -1;
    auto body = [&] {
        component("reset button", [&] {
            with_cleanup(cleanup);
            if (reset) {
                ui.runtime.reset();  // a "Reset UI" button
                cleaned_at_reset = cleanup.ran;
            }
            after_reset = use_state(5).value;  // the rest of the body still runs
        });
        component("other", [&] { with_cleanup(other_cleanup); });
    };
    ui.frame(body);
    reset = true;
    ui.frame(body);
    CHECK_FALSE(cleaned_at_reset);
    CHECK(after_reset == 5);
    CHECK(cleanup.ran);  // unmounted at the end of that frame
    CHECK(other_cleanup.ran);
    CHECK(Runtime::current() == nullptr);
    // A new Runtime can be attached for the next frame.
    ui.runtime = std::make_unique<Runtime>();
    ui.frame([&] { component("fresh", [] { use_state(0); }); });
    CHECK(ui.runtime->stats().mounted == 1);
}

TEST_CASE("destroying the Runtime in an effect takes effect after the frame's other effects") {
    Context ui;
    Cleanup first_cleanup, second_cleanup;
    bool cleaned_at_reset = true;
    bool second_ran = false;
    ui.frame([&] {
        component("first", [&] {
            use_effect(
                [&] {
                    ui.runtime.reset();
                    cleaned_at_reset = first_cleanup.ran;
                    return [&] { first_cleanup(); };
                },
                deps());
        });
        component("second", [&] {
            use_effect(
                [&] {
                    second_ran = true;
                    return [&] { second_cleanup(); };
                },
                deps());
        });
    });
    CHECK_FALSE(cleaned_at_reset);
    CHECK(second_ran);
    CHECK(first_cleanup.ran);
    CHECK(second_cleanup.ran);
    CHECK(Runtime::current() == nullptr);
}

TEST_CASE("destroying the Runtime on another thread during a frame defers it to the UI thread") {
    Context ui;
    Cleanup cleanup;
    test::Event in_body, reset_returned;
    bool cleaned_at_reset = true;
    bool reset_returned_in_time = false;
    int after_reset = -1;
    bool reset = false;
    auto body = [&] {
        component("c", [&] {
            with_cleanup(cleanup);
            if (reset) {
                in_body.set();
                reset_returned_in_time = reset_returned.wait();
                cleaned_at_reset = cleanup.ran;
            }
            after_reset = use_state(9).value;
        });
    };
    ui.frame(body);
    reset = true;
    std::thread other([&] {
        in_body.wait();
        ui.runtime.reset();
        reset_returned.set();
    });
    ui.frame(body);
    other.join();
    CHECK(reset_returned_in_time);  // ~Runtime never waits for the UI thread's frame
    CHECK_FALSE(cleaned_at_reset);
    CHECK(after_reset == 9);
    CHECK(cleanup.ran);
    CHECK(cleanup.thread == std::this_thread::get_id());  // cleanups run on the UI thread
    CHECK(Runtime::current() == nullptr);
}

TEST_CASE("destroying the Runtime on another thread between frames happens at the next frame") {
    Context ui;
    Cleanup cleanup;
    auto body = [&] { component("c", [&] { with_cleanup(cleanup); }); };
    ui.frame(body);
    std::thread([&] { ui.runtime.reset(); }).join();
    CHECK(Runtime::current() == nullptr);  // at once for everyone
    CHECK_FALSE(cleanup.ran);              // not on that thread
    ui.frame([] {});
    CHECK(cleanup.ran);
    CHECK(cleanup.thread == std::this_thread::get_id());
}

TEST_CASE("once ~Runtime returns inside a frame, its waker and error handler are never called") {
    Context ui;
    std::atomic<int> wakes{0};
    int handled = 0;
    ui.runtime->set_waker([&] { ++wakes; });
    ui.runtime->set_error_handler([&](const ComponentError&) { ++handled; });
    Setter<int> set;
    ui.frame([&] { component("c", [&] { set = use_state(0).set; }); });
    ui.frame([&] {
        component("c", [&] {
            set = use_state(0).set;
            ui.runtime.reset();  // they may refer to the Runtime object, which is gone now
        });
        const int wakes_before = wakes.load();
        std::thread([set] { set(1); }).join();  // a change: would call the waker
        CHECK(wakes.load() == wakes_before);
        component("boom", [] { throw std::runtime_error("after the reset"); });  // on stderr
    });
    CHECK(handled == 0);
    CHECK(Runtime::current() == nullptr);
}

TEST_CASE("a setter racing the Runtime's destruction never keeps the runtime alive") {
    // Each round: a thread calls the setter as fast as it can while the UI thread renders a few
    // frames and then destroys the Runtime. A state posts itself once per frame (the frame start
    // takes it from the queue), so right after each frame a post is under way: the destruction
    // races it. Whatever the interleaving, the update either reaches the queue before the runtime
    // closes it (and is discarded with it) or is refused: nothing keeps the runtime's shared
    // state alive afterwards. That state holds the runtime's clock, so the clock tells
    // (LeakSanitizer would also report the cycle).
    for (int round = 0; round < 100; ++round) {
        auto clock = std::make_shared<ManualClock>();
        std::weak_ptr<ManualClock> clock_alive = clock;
        {
            Context ui(RuntimeOptions{.clock = std::move(clock)});
            Setter<int> set;
            auto body = [&] { component("c", [&] { set = use_state(0).set; }); };
            ui.frame(body);
            std::atomic<bool> stop{false};
            test::Event running;
            std::thread setter([&, set] {
                for (int i = 1; !stop.load(); ++i) {
                    set(i);
                    if (i == 1) running.set();
                }
            });
            REQUIRE(running.wait());
            for (int i = 0; i < 3; ++i) ui.frame(body);
            ui.runtime.reset();
            stop = true;
            setter.join();
        }
        CHECK(clock_alive.expired());
    }
}

TEST_CASE("an update queued before the Runtime is destroyed is discarded with it") {
    auto clock = std::make_shared<ManualClock>();
    std::weak_ptr<ManualClock> clock_alive = clock;
    {
        Context ui(RuntimeOptions{.clock = std::move(clock)});
        Setter<int> set;
        ui.frame([&] { component("c", [&] { set = use_state(0).set; }); });
        std::thread([set] { set(1); }).join();  // queued for the next frame, which never comes
        ui.runtime.reset();
        set(2);  // after: refused
    }
    CHECK(clock_alive.expired());
}

TEST_CASE("a Runtime destroyed in another runtime's component body stops its queries' runs first") {
    RuntimeOptions inner_options;
    inner_options.shutdown_timeout = 30s;  // a stop that never came would hold ~Runtime this long
    Context inner(inner_options);
    test::Event entered;
    std::atomic<bool> stop_seen{false};
    QueryOptions options;
    options.intrusive_cancel = false;  // the job ends when its std::stop_token says so
    auto inner_body = [&] {
        component("reader", [&] {
            use_query(
                key("endless"),
                [&](std::stop_token stop) {
                    entered.set();
                    test::wait_until_stopped(stop);
                    stop_seen = true;
                    return 0;
                },
                options);
        });
    };
    inner.frame(inner_body);  // the query's run starts after this frame
    REQUIRE(entered.wait());

    Context outer;
    bool stopped_when_destroyed = false;
    outer.frame([&] {
        component("closer", [&] {
            inner.runtime.reset();  // a tool window's runtime closed from the main one
            stopped_when_destroyed = stop_seen.load();
        });
    });
    CHECK(stopped_when_destroyed);
}
