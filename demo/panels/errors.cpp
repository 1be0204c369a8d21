// Panel 3: a job that fails. Its exception becomes the Result's error; the last good value stays
// visible; Retry runs the same job again.
#include "panels.h"

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>

namespace demo {

namespace {

enum class Outcome { RuntimeError, SystemError, NotAnException, Success };

struct Settings {
    int entries = 0;
    std::string version;
};

// A download that fails the way it is told to. sleep_for() stands in for network time; like
// report_progress(), it is also a point where a cancelled run stops.
Settings fetch_settings(Outcome outcome) {
    using namespace std::chrono_literals;
    imhooks::report_progress(0.15f, "connecting to settings.example.org");
    imhooks::sleep_for(300ms);
    imhooks::report_progress(0.50f, "downloading settings.json");
    imhooks::sleep_for(400ms);
    imhooks::report_progress(0.85f, "parsing settings.json");
    imhooks::sleep_for(200ms);
    switch (outcome) {
        case Outcome::RuntimeError:
            throw std::runtime_error("settings.json, line 42: expected '}' after the last member");
        case Outcome::SystemError:
            throw std::system_error(ECONNRESET, std::generic_category(),
                                    "downloading settings.json");
        case Outcome::NotAnException:
            throw 404;  // error_message() still says something readable
        case Outcome::Success:
            break;
    }
    return {17, "2.4.1"};
}

}  // namespace

void ErrorPanel() {
    Note(
        "What to look for: the error stays on screen while Retry runs; the last good value stays "
        "too, marked stale.");

    auto [outcome, set_outcome] = imhooks::use_state(Outcome::RuntimeError);
    auto [attempts, set_attempts] = imhooks::use_state(0);
    // The outcome is a dependency: choosing another one starts a new run. The setter is called
    // from the worker thread; the count shows from the next frame.
    imhooks::Result<Settings> settings = imhooks::use_thread(
        [outcome, set_attempts] {
            set_attempts([](int n) { return n + 1; });
            return fetch_settings(outcome);
        },
        imhooks::deps(outcome));
    const imhooks::ResultState state = settings.state();

    ImGui::TextUnformatted("The next run will");
    int choice = static_cast<int>(outcome);
    bool changed = ImGui::RadioButton("throw std::runtime_error", &choice, 0);
    ImGui::SameLine(210.0f);
    changed |= ImGui::RadioButton("throw std::system_error", &choice, 1);
    changed |= ImGui::RadioButton("throw 404 (an int)", &choice, 2);
    ImGui::SameLine(210.0f);
    changed |= ImGui::RadioButton("succeed", &choice, 3);
    if (changed) set_outcome(static_cast<Outcome>(choice));
    ImGui::Separator();

    const bool running = state == imhooks::ResultState::Running;
    ImGui::ProgressBar(running ? settings.progress().value_or(0.0f) : 0.0f, ImVec2(-110.0f, 0.0f),
                       running ? settings.progress_text().c_str() : "");
    ImGui::SameLine();
    if (ImGui::Button("Retry", ImVec2(-1.0f, 0.0f))) settings.retry();
    ImGui::Spacing();

    // Everything the Result says this frame. error() is set when a run threw and kept while the
    // next run is under way; a successful run clears it.
    ImGui::TextDisabled("The Result, as this frame sees it");
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV;
    if (ImGui::BeginTable("result", 2, flags)) {
        ImGui::TableSetupColumn("accessor", ImGuiTableColumnFlags_WidthFixed, 112.0f);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        auto row = [](const char* accessor) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(accessor);
            ImGui::TableNextColumn();
        };
        row("state()");
        StateBadge(state);
        row("error_message()");
        if (settings.error()) {
            ImGui::PushStyleColor(ImGuiCol_Text, StateColour(imhooks::ResultState::Error));
            ImGui::TextWrapped("%s", settings.error_message().c_str());
            ImGui::PopStyleColor();
        } else {
            ImGui::TextDisabled("(no error)");
        }
        row("value()");
        if (const Settings* value = settings.value())
            ImGui::Text("%d settings, version %s", value->entries, value->version.c_str());
        else
            ImGui::TextDisabled("null: nothing loaded yet");
        row("stale()");
        if (settings.stale())
            ImGui::TextColored(ImVec4(1.0f, 0.80f, 0.30f, 1.0f), "true: from an earlier run");
        else
            ImGui::TextDisabled("false");
        row("progress()");
        if (const auto progress = settings.progress())
            ImGui::Text("%.2f  \"%s\"", *progress, settings.progress_text().c_str());
        else
            ImGui::TextDisabled("(none reported by this run)");
        row("attempts");
        ImGui::Text("%d", attempts);
        ImGui::SameLine();
        ImGui::TextDisabled("(a use_state the job increments)");
        ImGui::EndTable();
    }
}

}  // namespace demo
