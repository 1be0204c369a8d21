// ShowInspectorWindow: the component tree, hook values, jobs and their timelines, the executor,
// rates, the outline of a hovered component's window, sections added by other parts of the
// library, and that showing it disturbs nothing. The window's text is read through ImGui's own
// logging to a buffer.
#include "bare_context.h"
#include "support.h"

#include <imhooks/detail/inspect.h>
#include <imhooks/headless.h>
#include <imhooks/imhooks.h>

#include <imgui.h>
#include <imgui_internal.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cfloat>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace imhooks;
using imhooks::test::Event;
using imhooks::test::eventually;

namespace {

struct GridPoint {
    int x = 0, y = 0;
};

struct Streamed {
    int n = 0;
};
std::ostream& operator<<(std::ostream& out, const Streamed& s) {
    return out << "streamed<" << s.n << ">";
}

struct Opaque {
    int hidden = 0;
};

struct Throws {};

enum class Colour { Red, Green = 5 };

}  // namespace

template <>
struct imhooks::inspect_value<GridPoint> {
    static std::string to_string(const GridPoint& p) {
        return "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")";
    }
};

template <>
struct imhooks::inspect_value<Throws> {
    static std::string to_string(const Throws&) { throw std::runtime_error("no text for you"); }
};

namespace {

// The inspector's window, away from the test's own windows, large enough that nothing in it is
// clipped (ImGui neither renders nor logs clipped items).
const ImVec2 kInspectorAt(400, 0);
const ImVec2 kInspectorSize(1150, 1900);
const ImVec2 kDisplay(1600, 2000);

// Shows the inspector's contents in a window of the test's own and returns the text they
// rendered, as ImGui's logging writes it (one line per row, tree nodes opened and indented four
// spaces a level). Not ShowInspectorWindow: before ImGui 1.92, ending a top-level window ends
// the logging.
std::string show_inspector_logged() {
    ImGui::SetNextWindowPos(kInspectorAt);
    ImGui::SetNextWindowSize(kInspectorSize);
    ImGui::Begin("logged inspector");
    ImGui::LogToBuffer(16);
    ShowInspectorContents();
    std::string text = ImGui::GetCurrentContext()->LogBuffer.c_str();
    ImGui::LogFinish();
    ImGui::End();
    return text;
}

void show_inspector() {
    ImGui::SetNextWindowPos(kInspectorAt);
    ImGui::SetNextWindowSize(kInspectorSize);
    ShowInspectorWindow();
}

// One frame of `body` followed by the inspector; the inspector's text.
std::string inspect(Headless& ui, const std::function<void()>& body) {
    ui.mouse_move(ImVec2(-FLT_MAX, -FLT_MAX));  // a tooltip (a window of its own) ends the log
    std::string text;
    ui.frame([&] {
        body();
        text = show_inspector_logged();
    });
    return text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The first line holding each of `words`, in this order.
std::optional<std::string> line_with(const std::string& text,
                                     std::initializer_list<std::string_view> words) {
    for (const std::string& line : lines_of(text)) {
        std::size_t at = 0;
        bool all = true;
        for (std::string_view word : words) {
            at = line.find(word, at);
            if (at == std::string::npos) {
                all = false;
                break;
            }
            at += word.size();
        }
        if (all) return line;
    }
    return std::nullopt;
}

// The indentation of the tree row labelled `label` (its first word after ImGui's "|" and ">"
// markers), or -1.
int depth_of(const std::string& text, std::string_view label) {
    for (const std::string& line : lines_of(text)) {
        const std::size_t start = line.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        std::string_view rest = std::string_view(line).substr(start);
        // A table row starts with "| ", a tree node with "> ".
        while (!rest.empty() && (rest[0] == '|' || rest[0] == '>' || rest[0] == ' '))
            rest.remove_prefix(1);
        if (rest.substr(0, label.size()) == label &&
            (rest.size() == label.size() || rest[label.size()] == ' '))
            return static_cast<int>(start);
    }
    return -1;
}

const detail::InspectorFrame& last_frame(Headless& ui) {
    const detail::InspectorFrame* frame = detail::last_inspector_frame(ui.context());
    REQUIRE(frame);
    return *frame;
}

const detail::JobDescription* job_named(const detail::InspectorFrame& frame,
                                        std::string_view name) {
    for (const auto& job : frame.jobs)
        if (job.name == name) return &job;
    return nullptr;
}

// The main viewport's foreground draw list, after a frame.
const ImDrawList* foreground() {
    return ImGui::GetForegroundDrawList(ImGui::GetMainViewport());
}

ImGuiID component_id(Headless& ui, std::string_view name) {
    ImGuiID id = 0;
    ui.runtime().for_each_component([&](const ComponentInfo& info) {
        if (info.name == name) id = info.id;
    });
    return id;
}

}  // namespace

//----------------------------------------------------------------------------------------------
// Values

TEST_CASE("values print: numbers, strings quoted, enums by number, pointers, containers") {
    using detail::describe_value;
    using Kind = detail::ValueText::Kind;
    CHECK(describe_value(42).text == "42");
    CHECK(describe_value(-7L).text == "-7");
    CHECK(describe_value(0.5).text == "0.5");
    CHECK(describe_value(0.1f).text == "0.1");
    CHECK(describe_value(true).text == "true");
    CHECK(describe_value('A').text == "65");
    CHECK(describe_value(std::uint8_t{200}).text == "200");
    CHECK(describe_value(std::string("say \"hi\"\n")).text == "\"say \\\"hi\\\"\\n\"");
    CHECK(describe_value(std::string_view("view")).text == "\"view\"");
    const char* c_string = "c";
    CHECK(describe_value(c_string).text == "\"c\"");
    CHECK(describe_value(Colour::Green).text == "5");
    int x = 0;
    int* pointer = &x;
    CHECK(describe_value(pointer).text.rfind("0x", 0) == 0);
    int* null = nullptr;
    CHECK(describe_value(null).text == "null");
    CHECK(describe_value(std::vector<int>{1, 2, 3}).text == "[1, 2, 3]");
    CHECK(describe_value(std::vector<int>{}).text == "[]");
    std::vector<int> many(20);
    for (int i = 0; i < 20; ++i) many[static_cast<std::size_t>(i)] = i;
    CHECK(describe_value(many).text == "[0, 1, 2, 3, 4, 5, 6, 7, ... (20 items)]");
    CHECK(describe_value(std::optional<int>()).text == "nullopt");
    CHECK(describe_value(std::optional<int>(4)).text == "4");
    CHECK(describe_value(std::map<std::string, int>{{"a", 1}}).text == "[(\"a\", 1)]");
    CHECK(describe_value(std::vector<Opaque>(3)).text == "3 items");
    CHECK(describe_value(std::monostate{}).kind == Kind::None);
}

TEST_CASE("long text is cut to 256 bytes on a character boundary") {
    std::string text;
    for (int i = 0; i < 300; ++i) text += "\xC3\xA9";  // "é": two bytes each
    const std::string shown = detail::describe_value(text).text;
    CHECK(shown.size() <= 256 + 8);
    CHECK(shown.find("...") != std::string::npos);
    // Never half a character: every 0xC3 is followed by its continuation byte.
    for (std::size_t i = 0; i < shown.size(); ++i)
        if (static_cast<unsigned char>(shown[i]) == 0xC3) {
            REQUIRE(i + 1 < shown.size());
            CHECK(static_cast<unsigned char>(shown[i + 1]) == 0xA9);
        }
}

TEST_CASE("user types print through inspect_value or operator<<, others are not printable") {
    using Kind = detail::ValueText::Kind;
    CHECK(detail::describe_value(GridPoint{1, 2}).text == "(1, 2)");
    CHECK(detail::describe_value(Streamed{7}).text == "streamed<7>");
    CHECK(detail::describe_value(Opaque{}).kind == Kind::NotPrintable);
    const detail::ValueText thrown = detail::describe_value(Throws{});
    CHECK(thrown.kind == Kind::Text);
    CHECK(thrown.text.find("no text for you") != std::string::npos);
}

TEST_CASE("the inspector shows each hook's kind, type and value") {
    Headless ui(kDisplay);
    auto body = [&] {
        component("values", [&] {
            use_state(42);
            use_state(std::string("hello"));
            use_ref(Opaque{});
            use_state(GridPoint{1, 2});
            use_memo([] { return Streamed{7}; }, deps());
            use_state(Colour::Green);
            use_state(std::vector<GridPoint>{{1, 2}});
            use_persistent_state("inspector.test", 3);
            use_effect([] {}, deps());
            use_thread([] { return 7; });
        });
    };
    REQUIRE(ui.frame_until(body, [&] {
        return line_with(inspect(ui, body), {"use_thread", "int", "FINISHED", "7"}).has_value();
    }));
    const std::string text = inspect(ui, body);
    INFO(text);
    CHECK(line_with(text, {"values", "10 hooks"}));
    CHECK(line_with(text, {"use_state", "int", "42"}));
    CHECK(line_with(text, {"use_state", "std::string", "\"hello\""}));
    CHECK(line_with(text, {"use_ref", "Opaque", "not printable"}));
    CHECK(line_with(text, {"use_state", "GridPoint", "(1, 2)"}));
    CHECK(line_with(text, {"use_memo", "Streamed", "streamed<7>"}));
    CHECK(line_with(text, {"use_state", "Colour", "5"}));
    CHECK(line_with(text, {"use_persistent_state", "int", "3", "key \"inspector.test\""}));
    CHECK(line_with(text, {"use_effect", "void", "-"}));
    CHECK(line_with(text, {"use_state", "std::vector<GridPoint>", "[(1, 2)]"}));
    // Types are shown without the namespaces that qualify them, except std.
    CHECK(text.find("(anonymous namespace)") == std::string::npos);
}

TEST_CASE("a long hook kind deep in the tree is shown whole, not cut by its column") {
    Headless ui(kDisplay);
    auto body = [&] {
        component("a", [] {
            component("b", [] {
                component(
                    "c", [] { component("d", [] { use_persistent_state("inspector.deep", 1); }); });
            });
        });
        show_inspector();
    };
    ui.frames(3, body);
    ImGuiWindow* window = ImGui::FindWindowByName("imhooks inspector");
    REQUIRE(window);
    ImGuiTable* table = ImGui::TableFindByID(window->GetID("components"));
    REQUIRE(table);
    const ImGuiTableColumn& first = table->Columns[0];
    // The rightmost point any label in the column reached, against where the column clips.
    CHECK(first.ContentMaxXUnfrozen <= first.ClipRect.Max.x);
    CHECK(first.ClipRect.Max.x - first.ClipRect.Min.x >=
          ImGui::CalcTextSize("use_persistent_state").x);
}

TEST_CASE("HookInfo::status is a job's state, and empty for other hooks") {
    Headless ui;
    auto body = [&] {
        component("statuses", [&] {
            use_state(1);
            use_thread([] { return 2; });
        });
    };
    std::vector<HookInfo> hooks;
    REQUIRE(ui.frame_until(body, [&] {
        ui.runtime().for_each_component([&](const ComponentInfo& info) { hooks = info.hook_list; },
                                        true);
        return hooks.size() == 2 && hooks[1].status == ResultState::Finished;
    }));
    CHECK_FALSE(hooks[0].status.has_value());
}

//----------------------------------------------------------------------------------------------
// The tree

TEST_CASE("the tree shows each component nested under the one it was rendered in") {
    Headless ui(kDisplay);
    auto body = [&] {
        component("outer", [&] {
            use_state(1);
            component("inner", [&] { component("innermost", [] {}); });
        });
        component("sibling", [] {});
    };
    ui.frame(body);
    const std::string text = inspect(ui, body);
    INFO(text);
    const int outer = depth_of(text, "outer");
    const int inner = depth_of(text, "inner");
    const int innermost = depth_of(text, "innermost");
    const int sibling = depth_of(text, "sibling");
    REQUIRE(outer >= 0);
    CHECK(inner > outer);
    CHECK(innermost > inner);
    CHECK(sibling == outer);
    // The hooks of a component are listed under it, before its children.
    CHECK(depth_of(text, "use_state") > outer);
    CHECK(text.find("use_state") < text.find("inner"));
}

TEST_CASE("a component whose parent is gone is shown at the top level") {
    Headless ui(kDisplay);
    bool with_parent = true;
    auto body = [&] {
        if (with_parent)
            component("parent", [&] {
                component(
                    "kept", [] {}, ComponentOptions{.unmount_grace = std::chrono::hours(1)});
            });
    };
    ui.frame(body);
    with_parent = false;
    ui.frame(body);  // "parent" unmounts; "kept" stays for its grace period
    const std::string text = inspect(ui, body);
    INFO(text);
    CHECK(depth_of(text, "parent") == -1);
    CHECK(depth_of(text, "kept") >= 0);
}

//----------------------------------------------------------------------------------------------
// Jobs

TEST_CASE("a job's timeline lists the states its UI was shown, in order, with their frames") {
    Headless ui(kDisplay);
    Event started[2], release[2];
    int run = 0;
    std::vector<std::pair<std::size_t, ResultState>> seen;  // frame and state, repeats folded
    ResultState state = ResultState::Initial;
    auto component_body = [&] {
        component("timed", [&] {
            const Result<int> result = use_thread(
                [&, run] {
                    started[run].set();
                    release[run].wait();
                    return run;
                },
                deps(run));
            state = result.state();
            if (seen.empty() || seen.back().second != state)
                seen.emplace_back(ui.runtime().stats().frames, state);
        });
    };
    auto body = [&] {
        component_body();
        show_inspector();
    };
    REQUIRE(ui.frame_until(body, [&] { return state == ResultState::Running; }));
    release[0].set();
    REQUIRE(ui.frame_until(body, [&] { return state == ResultState::Finished; }));
    ui.settle(body);
    run = 1;  // the deps change: Starting shows in this very frame
    REQUIRE(ui.frame_until(body, [&] { return state == ResultState::Running; }));
    release[1].set();
    REQUIRE(ui.frame_until(body, [&] { return state == ResultState::Finished; }));
    ui.frame(body);

    const detail::JobDescription* job = job_named(last_frame(ui), "timed");
    REQUIRE(job);
    std::vector<std::pair<std::size_t, ResultState>> timeline;
    for (const detail::JobTransition& step : job->timeline)
        timeline.emplace_back(step.frame, step.state);
    CHECK(timeline == seen);
    CHECK(job->runs == 2);
    REQUIRE(seen.size() >= 5);
    CHECK(seen.front().second == ResultState::Initial);
    for (std::size_t i = 1; i < job->timeline.size(); ++i)
        CHECK(job->timeline[i].time >= job->timeline[i - 1].time);

    // With "show transitions" the window lists them, in the same order.
    ui.click("show transitions", body);
    const std::string text = inspect(ui, component_body);
    INFO(text);
    std::vector<std::string> listed;
    for (const std::string& line : lines_of(text))
        if (line.find(" frame ") != std::string::npos)
            for (const auto& [frame, shown] : seen)
                if (line.find(to_string(shown)) != std::string::npos &&
                    line.find("frame " + std::to_string(frame) + " ") != std::string::npos)
                    listed.push_back(to_string(shown));
    std::vector<std::string> expected;
    std::string strip;  // the timeline copied as text: "INITIAL > ... > FINISHED"
    for (const auto& each : seen) {
        expected.push_back(to_string(each.second));
        strip += std::string(strip.empty() ? "" : " > ") + to_string(each.second);
    }
    CHECK(listed == expected);
    CHECK(line_with(text, {"timed: use_thread #0", "FINISHED", strip}));
}

TEST_CASE("a job's timeline is timed on the runtime's clock") {
    using namespace std::chrono_literals;
    auto clock = std::make_shared<ManualClock>();
    RuntimeOptions options;
    options.clock = clock;
    Headless ui(kDisplay, options);
    Event release;
    ResultState state = ResultState::Initial;
    auto job_body = [&] {
        component("clocked", [&] {
            state = use_thread([&] {
                        release.wait();
                        return 1;
                    }).state();
        });
    };
    auto body = [&] {
        job_body();
        show_inspector();
    };
    const Clock::time_point start = clock->now();
    ui.frame(body);  // Initial
    clock->advance(100ms);
    REQUIRE(ui.frame_until(body, [&] { return state == ResultState::Running; }));
    clock->advance(250ms);
    release.set();
    REQUIRE(ui.frame_until(body, [&] { return state == ResultState::Finished; }));

    const detail::JobDescription* job = job_named(last_frame(ui), "clocked");
    REQUIRE(job);
    REQUIRE(job->timeline.size() >= 3);
    CHECK(job->timeline.front().state == ResultState::Initial);
    CHECK(job->timeline.front().time == start);
    for (std::size_t i = 1; i + 1 < job->timeline.size(); ++i)
        CHECK(job->timeline[i].time == start + 100ms);  // Starting, Running
    CHECK(job->timeline.back().state == ResultState::Finished);
    CHECK(job->timeline.back().time == start + 350ms);

    ui.click("show transitions", body);
    const std::string text = inspect(ui, job_body);
    INFO(text);
    CHECK(line_with(text, {"FINISHED", "frame", "+0.350 s"}));
}

TEST_CASE("a timeline keeps the last 16 transitions and counts the ones it dropped") {
    detail::JobTimeline timeline;
    const auto t0 = std::chrono::steady_clock::time_point{};
    for (std::size_t frame = 1; frame <= 40; ++frame)
        timeline.record(frame % 2 ? ResultState::Running : ResultState::Finished, frame,
                        t0 + std::chrono::milliseconds(frame));
    const auto entries = timeline.entries();
    REQUIRE(entries.size() == detail::JobTimeline::kCapacity);
    CHECK(timeline.recorded() == 40);
    CHECK(entries.front().frame == 25);
    CHECK(entries.back().frame == 40);
    CHECK(entries.back().state == ResultState::Finished);
    // A repeated state is no transition.
    timeline.record(ResultState::Finished, 41, t0 + std::chrono::milliseconds(41));
    CHECK(timeline.recorded() == 40);
}

TEST_CASE("a timeline keeps every transition in order as it grows past its first entries") {
    detail::JobTimeline timeline;
    const auto t0 = std::chrono::steady_clock::time_point{};
    const ResultState states[] = {ResultState::Initial,  ResultState::Starting,
                                  ResultState::Running,  ResultState::Finished,
                                  ResultState::Starting, ResultState::Running};
    for (std::size_t frame = 1; frame <= 6; ++frame)
        timeline.record(states[frame - 1], frame, t0 + std::chrono::milliseconds(frame));
    // The sixth is replaced within its frame, the fifth stays.
    timeline.record(ResultState::Error, 6, t0 + std::chrono::milliseconds(6));
    const auto entries = timeline.entries();
    REQUIRE(entries.size() == 6);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(entries[i].frame == i + 1);
        CHECK(entries[i].state == states[i]);
    }
    CHECK(entries[5].state == ResultState::Error);
    CHECK(timeline.recorded() == 6);
}

TEST_CASE("a second snapshot in one frame replaces the first: that frame showed only the second") {
    detail::JobTimeline timeline;
    const auto t = [](int ms) {
        return std::chrono::steady_clock::time_point{} + std::chrono::milliseconds(ms);
    };
    timeline.record(ResultState::Finished, 1, t(1));
    timeline.record(ResultState::Running, 2, t(2));   // built at frame 2's start...
    timeline.record(ResultState::Starting, 2, t(2));  // ...then Starting as deps changed in it
    auto entries = timeline.entries();
    REQUIRE(entries.size() == 2);
    CHECK(entries[1].state == ResultState::Starting);
    CHECK(entries[1].frame == 2);
    // Back to the state before: the entry goes away.
    timeline.record(ResultState::Starting, 3, t(3));
    timeline.record(ResultState::Finished, 4, t(4));
    timeline.record(ResultState::Starting, 4, t(4));
    entries = timeline.entries();
    REQUIRE(entries.size() == 2);
    CHECK(entries.back().state == ResultState::Starting);
    CHECK(entries.back().frame == 2);
    CHECK(timeline.recorded() == 2);
}

TEST_CASE("a job's row shows its state and progress, and its hook row its value or error") {
    Headless ui(kDisplay);
    Event halfway, release;
    auto body = [&] {
        component("progress", [&] {
            use_thread([&](Job<int>& job) {
                job.progress(0.5f, "half");
                halfway.set();
                release.wait();
                return 1;
            });
            use_thread([]() -> int { throw std::runtime_error("it broke"); });
        });
    };
    REQUIRE(ui.frame_until(body, [&] {
        return halfway.is_set() && line_with(inspect(ui, body), {"RUNNING", "50%"});
    }));
    REQUIRE(ui.frame_until(body, [&] {
        return line_with(inspect(ui, body), {"use_thread", "int", "ERROR", "it broke"}).has_value();
    }));
    release.set();
    REQUIRE(ui.frame_until(body, [&] {
        return line_with(inspect(ui, body), {"use_thread", "int", "FINISHED", "1"}).has_value();
    }));
}

TEST_CASE("a Task read by components is listed under each, and once among the jobs") {
    Headless ui(kDisplay);
    Task<int(int)> doubled([](int n) { return 2 * n; }, TaskOptions{.name = "doubler"});
    auto body = [&] {
        component("reader_a", [&] { doubled.result(); });
        component("reader_b", [&] { doubled.result(); });
        component("owner", [&] { use_task([](int n) { return n + 1; }); });
    };
    doubled(21);
    REQUIRE(
        ui.frame_until(body, [&] { return doubled.result().state() == ResultState::Finished; }));
    const std::string text = inspect(ui, body);
    INFO(text);
    CHECK(line_with(text, {"reads Task", "\"doubler\"", "FINISHED", "42"}));
    CHECK(line_with(text, {"read by", "reader_a", "reader_b"}));
    CHECK(line_with(text, {"use_task", "int", "INITIAL"}));
    const detail::InspectorFrame& frame = last_frame(ui);
    int doublers = 0;
    for (const auto& job : frame.jobs) doublers += job.name == "doubler";
    CHECK(doublers == 1);
    CHECK(job_named(frame, "owner"));

    // A component that stops reading it no longer lists it.
    auto fewer = [&] {
        component("reader_a", [] {});
        component("reader_b", [&] { doubled.result(); });
    };
    ui.frame(fewer);
    const std::string after = inspect(ui, fewer);
    CHECK_FALSE(line_with(after, {"read by", "reader_a"}));
    CHECK(line_with(after, {"read by", "reader_b"}));
}

//----------------------------------------------------------------------------------------------
// Executor, rates

TEST_CASE("the executor's figures are shown: running, waiting, queued, threads") {
    auto executor = std::make_shared<Executor>(ExecutorOptions{.max_running = 1, .max_threads = 8});
    Headless ui(kDisplay, RuntimeOptions{.executor = executor});
    Event release;
    std::atomic<int> started{0};
    auto job = [&] {
        ++started;
        release.wait();
        return 0;
    };
    auto body = [&] {
        component("busy", [&] {
            use_thread(job);
            use_thread(job);  // one slot: whichever goes second is queued
        });
    };
    REQUIRE(ui.frame_until(body, [&] { return started == 1; }));
    REQUIRE(eventually([&] { return executor->stats().queued == 1; }));
    const std::string text = inspect(ui, body);
    INFO(text);
    const ExecutorStats stats = executor->stats();
    CHECK(line_with(text, {"running", "1 / 1", "waiting", "0"}));
    CHECK(line_with(text, {"queued", "1", "threads", std::to_string(stats.threads) + " / 8"}));
    CHECK(line_with(text, {"peak threads", std::to_string(stats.peak_threads)}));
    CHECK(line_with(text, {"runs started", std::to_string(stats.runs_started)}));
    release.set();
    REQUIRE(ui.frame_until(
        body, [&] { return executor->stats().running == 0 && executor->stats().queued == 0; }));
}

TEST_CASE("frames and wakes per second are measured on ImGui's time") {
    Headless ui(kDisplay);  // io.DeltaTime = 1/60 s
    ui.runtime().set_waker([] {});
    auto body = [&] { component("idle", [] {}); };
    std::string text;
    for (int frame = 0; frame < 90; ++frame) {
        ui.runtime().request_frame();  // one wake per frame
        text = inspect(ui, body);
    }
    INFO(text);
    CHECK(line_with(text, {"frames", "(60.0/s)", "wakes", "(60.0/s)"}));
    for (int frame = 0; frame < 90; ++frame) text = inspect(ui, body);  // no wakes any more
    CHECK(line_with(text, {"frames", "(60.0/s)", "wakes", "(0.0/s)"}));
}

//----------------------------------------------------------------------------------------------
// Hover

TEST_CASE("hovering a component's row outlines its window on the foreground draw list") {
    Headless ui(kDisplay);
    auto body = [&] {
        ImGui::SetNextWindowPos(ImVec2(10, 10));
        ImGui::SetNextWindowSize(ImVec2(200, 100));
        ImGui::Begin("Window A");
        component("in_a", [] {});
        ImGui::End();
        ImGui::SetNextWindowPos(ImVec2(10, 200));
        ImGui::SetNextWindowSize(ImVec2(220, 120));
        ImGui::Begin("Window B");
        component("in_b", [] {});
        ImGui::End();
        show_inspector();
    };
    ui.frames(2, body);
    CHECK(foreground()->VtxBuffer.Size == 0);
    CHECK(last_frame(ui).hovered_component == 0);

    const ImGuiID in_b = component_id(ui, "in_b");
    std::optional<detail::InspectorFrame::Row> row;
    for (const auto& each : last_frame(ui).rows)
        if (each.component == in_b) row = each;
    REQUIRE(row);
    ui.mouse_move(ImVec2((row->min.x + row->max.x) / 2, (row->min.y + row->max.y) / 2));
    ui.frames(2, body);
    const detail::InspectorFrame& frame = last_frame(ui);
    CHECK(frame.hovered_component == in_b);
    CHECK(frame.outline_min.x == 10);
    CHECK(frame.outline_min.y == 200);
    CHECK(frame.outline_max.x == 230);
    CHECK(frame.outline_max.y == 320);
    // The outline is drawn: vertices around window B's rectangle, none elsewhere.
    const ImDrawList* drawn = foreground();
    REQUIRE(drawn->VtxBuffer.Size > 0);
    ImVec2 min(1e9f, 1e9f), max(-1e9f, -1e9f);
    for (const ImDrawVert& vertex : drawn->VtxBuffer) {
        min = ImVec2(std::min(min.x, vertex.pos.x), std::min(min.y, vertex.pos.y));
        max = ImVec2(std::max(max.x, vertex.pos.x), std::max(max.y, vertex.pos.y));
    }
    CHECK(std::abs(min.x - 10) <= 2);
    CHECK(std::abs(min.y - 200) <= 2);
    CHECK(std::abs(max.x - 230) <= 2);
    CHECK(std::abs(max.y - 320) <= 2);

    ui.mouse_move(ImVec2(1500, 1950));  // off every row
    ui.frames(2, body);
    CHECK(last_frame(ui).hovered_component == 0);
    CHECK(foreground()->VtxBuffer.Size == 0);
}

//----------------------------------------------------------------------------------------------
// Showing it disturbs nothing; closing, collapsing, churn

TEST_CASE("the inspector is not a component: inside a body it mounts nothing and adds no hook") {
    Headless ui(kDisplay);
    bool inspect_inside = true;
    auto body = [&] {
        component("host", [&] {
            use_state(0);
            if (inspect_inside) show_inspector();
        });
    };
    ui.frames(3, body);
    CHECK(ui.runtime().stats().mounted == 1);
    std::size_t hooks = 0;
    ui.runtime().for_each_component([&](const ComponentInfo& info) { hooks = info.hooks; });
    CHECK(hooks == 1);
    inspect_inside = false;  // the same hooks without it: no "hooks changed" error
    std::vector<ComponentError> errors;
    ui.runtime().set_error_handler([&](const ComponentError& e) { errors.push_back(e); });
    ui.frames(2, body);
    CHECK(errors.empty());
    CHECK(ui.runtime().stats().mounted == 1);
}

TEST_CASE("an idle app stays idle with the inspector shown") {
    Headless ui(kDisplay);
    bool finished = false;
    auto body = [&] {
        component("done", [&] {
            finished = use_thread([] { return 1; }).state() == ResultState::Finished;
        });
        show_inspector();
    };
    REQUIRE(ui.frame_until(body, [&] { return finished; }));
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    ui.frames(5, body);
    CHECK_FALSE(ui.runtime().needs_frame());
}

TEST_CASE("inspecting a use_task its component never reads requests no frame when it changes") {
    Headless ui(kDisplay);
    TaskHandle<int()> handle;
    auto body = [&] {
        component("owner", [&] { handle = use_task([] { return 5; }); });
        show_inspector();
        ui.runtime().for_each_component([](const ComponentInfo&) {}, /*with_hooks=*/true);
    };
    ui.frames(3, body);
    ui.settle(body);
    REQUIRE_FALSE(ui.runtime().needs_frame());
    handle();
    REQUIRE(eventually([&] { return handle.result().state() == ResultState::Finished; }));
    CHECK_FALSE(ui.runtime().needs_frame());
    // Shown when a frame comes for another reason.
    CHECK(line_with(
        inspect(ui, [&] { component("owner", [&] { handle = use_task([] { return 5; }); }); }),
        {"use_task", "int", "FINISHED", "5"}));
}

TEST_CASE("a closed inspector shows nothing, a collapsed one draws nothing, and both recover") {
    Headless ui(kDisplay);
    bool open = false;
    bool collapse = false;
    int count = 1;
    auto body = [&] {
        for (int i = 0; i < count; ++i) component(i, [] { use_thread([] { return 0; }); });
        ImGui::SetNextWindowPos(kInspectorAt);
        ImGui::SetNextWindowSize(kInspectorSize);
        ImGui::SetNextWindowCollapsed(collapse);
        ShowInspectorWindow(&open);
    };
    ui.frames(2, body);
    CHECK(detail::last_inspector_frame(ui.context()) == nullptr);
    const ImGuiWindow* window = ImGui::FindWindowByName("imhooks inspector");
    CHECK((window == nullptr || !window->Active));

    open = true;
    ui.frames(2, body);
    const std::size_t shown_at = last_frame(ui).frame;
    CHECK(shown_at == ui.runtime().stats().frames);

    collapse = true;
    count = 5;  // components come and go while it is collapsed
    ui.frames(3, body);
    count = 0;
    ui.frames(3, body);
    CHECK(last_frame(ui).frame == shown_at);

    collapse = false;
    count = 3;
    ui.frames(2, body);
    CHECK(last_frame(ui).frame == ui.runtime().stats().frames);
    CHECK(last_frame(ui).jobs.size() == 3);
}

TEST_CASE("components mounting and unmounting every frame, nested, with jobs and tasks") {
    Headless ui(kDisplay);
    Task<int(int)> shared([](int n) { return n; }, TaskOptions{.name = "shared"});
    shared(1);
    std::uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 16;
    };
    for (int frame = 0; frame < 150; ++frame) {
        const unsigned pattern = next();
        const bool inside = pattern & 1;
        std::size_t expected = 0;
        auto body = [&] {
            for (int i = 0; i < 6; ++i) {
                if (!(pattern >> (i + 1) & 1)) continue;
                ++expected;
                component(i, [&, i] {
                    use_state(i);
                    use_thread([i] { return i; }, deps(pattern >> 8 & 3));
                    if (i % 2) shared.result();
                    if (pattern >> (i + 7) & 1) {
                        ++expected;
                        component("child", [&] {
                            use_state(std::string("nested"));
                            if (inside && i == 5) show_inspector();
                        });
                    }
                });
            }
            if (!inside || !(pattern >> 6 & 1)) {
                show_inspector();
                // Drawn after every component: it listed exactly the instances alive now.
                std::size_t alive = 0;
                ui.runtime().for_each_component([&](const ComponentInfo&) { ++alive; });
                CHECK(detail::last_inspector_frame(ui.context())->rows.size() == alive);
                CHECK(alive >= expected);
            }
        };
        ui.frame(body);
    }
    ui.frames(2, [] { show_inspector(); });
    CHECK(ui.runtime().stats().mounted == 0);
    CHECK(last_frame(ui).rows.empty());
}

TEST_CASE("without a Runtime the inspector says so") {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGuiContext* context = test::create_bare_context(kDisplay);
    std::string text;
    for (int i = 0; i < 2; ++i) {
        ImGui::NewFrame();
        text = show_inspector_logged();
        test::render_bare_frame();
    }
    ImGui::DestroyContext(context);
    ImGui::SetCurrentContext(previous);
    CHECK(text.find("No imhooks::Runtime") != std::string::npos);
}

//----------------------------------------------------------------------------------------------
// Sections

TEST_CASE("a section added by another part of the library is shown until its handle goes") {
    Headless ui(kDisplay);
    Runtime* drawn_for = nullptr;
    auto failing = detail::add_inspector_section(
        "Failing", [](Runtime&) { throw std::runtime_error("boom"); });
    auto cache = detail::add_inspector_section("Extra section", [&](Runtime& runtime) {
        drawn_for = &runtime;
        ImGui::Text("entries 3");
    });
    auto body = [] { component("any", [] {}); };
    std::string text = inspect(ui, body);
    INFO(text);
    CHECK(line_with(text, {"Extra section"}));
    CHECK(line_with(text, {"entries 3"}));
    CHECK(line_with(text, {"this section failed: boom"}));
    CHECK(text.find("Executor") < text.find("Extra section"));
    CHECK(drawn_for == &ui.runtime());

    cache.reset();
    failing = {};
    text = inspect(ui, body);
    CHECK_FALSE(line_with(text, {"Extra section"}));
    CHECK_FALSE(line_with(text, {"Failing"}));
}

TEST_CASE("the query cache's entries are listed with their key, readers, state and freshness") {
    RuntimeOptions options;
    options.clock = std::make_shared<ManualClock>();  // ages and gc times that do not move
    Headless ui(kDisplay, options);
    bool shown = true;
    Result<int> answer;
    auto body = [&] {
        if (shown)
            component("reader", [&] {
                answer = use_query(
                    key("thumb", 42), [] { return 42; },
                    QueryOptions<int>{.stale_time = std::chrono::hours(1)});
            });
    };
    REQUIRE(ui.frame_until(body, [&] { return answer.state() == ResultState::Finished; }));
    std::string text = inspect(ui, body);
    INFO(text);
    CHECK(line_with(text, {"Query cache"}));
    CHECK(line_with(text, {"1 entries"}));
    CHECK(line_with(text, {"[\"thumb\", 42]", "int", "1", "FINISHED", "fresh"}));
    // Without readers it stays cached (gc_time, 5 minutes by default) and says when it goes.
    shown = false;
    ui.frame(body);
    text = inspect(ui, body);
    INFO(text);
    CHECK(line_with(text, {"[\"thumb\", 42]", "int", "0", "FINISHED", "300.0 s"}));
}
