// Panel 6: the inspector. What the runtime knows: mounted components and their hooks, the jobs
// and their states, frames and wakes. At rest, every number here stands still.
#include "panels.h"

#include <imgui_internal.h>  // ImGui::FindWindowByID: the name of a component's window

#include <algorithm>
#include <string>
#include <tuple>

namespace demo {

namespace {

// "demo::(anonymous namespace)::PrimeCount" -> "PrimeCount"
std::string short_type(std::string type) {
    for (const char* noise : {"(anonymous namespace)::", "demo::", "imhooks::"})
        for (std::size_t at; (at = type.find(noise)) != std::string::npos;)
            type.erase(at, std::char_traits<char>::length(noise));
    return type;
}

std::string window_title(ImGuiID id) {
    const ImGuiWindow* window = ImGui::FindWindowByID(id);
    if (!window) return "?";
    std::string name = window->Name;
    return name.substr(0, name.find(':'));  // the short name before the title's description
}

imhooks::ResultState parse_state(const std::string& status) {
    for (int i = 0; i <= static_cast<int>(imhooks::ResultState::Cancelled); ++i) {
        const auto state = static_cast<imhooks::ResultState>(i);
        if (status == imhooks::to_string(state)) return state;
    }
    return imhooks::ResultState::Initial;
}

void Stat(const char* label, std::size_t value, const char* help) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(label);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    ImGui::TableNextColumn();
    ImGui::Text("%zu", value);
}

}  // namespace

InspectorSnapshot inspect(const imhooks::Runtime& runtime, std::size_t frames_rendered) {
    InspectorSnapshot snapshot;
    snapshot.stats = runtime.stats();
    snapshot.executor = runtime.executor().stats();
    snapshot.frames_rendered = frames_rendered;
    runtime.for_each_component(
        [&](const imhooks::ComponentInfo& info) {
            snapshot.components.push_back(
                {std::string(info.name), window_title(info.window_id), info.hook_list});
        },
        /*with_hooks=*/true);
    std::sort(snapshot.components.begin(), snapshot.components.end(),
              [](const auto& a, const auto& b) {
                  return std::tie(a.window, a.name) < std::tie(b.window, b.name);
              });
    return snapshot;
}

void InspectorPanel(const InspectorSnapshot& snapshot) {
    Note(
        "What to look for: at rest these counters stand still. Collapsed windows keep their "
        "components mounted.");

    const imhooks::RuntimeStats& stats = snapshot.stats;
    if (ImGui::BeginTable("stats", 4, ImGuiTableFlags_BordersInnerV)) {
        for (int column = 0; column < 4; ++column)
            ImGui::TableSetupColumn(nullptr,
                                    column % 2 == 0 ? ImGuiTableColumnFlags_WidthFixed
                                                    : ImGuiTableColumnFlags_WidthStretch,
                                    column % 2 == 0 ? 112.0f : 0.0f);
        Stat("frames rendered", snapshot.frames_rendered, "frames the runner drew");
        Stat("wakes", stats.wakes, "times a change woke the render loop");
        Stat("mounted", stats.mounted, "component instances alive");
        Stat("jobs in flight", stats.active_work, "jobs queued or running, and their clean-up");
        Stat("threads", snapshot.executor.threads, "the executor's threads alive now");
        Stat("running", snapshot.executor.running,
             "jobs executing job code (at most one per core)");
        Stat("queued", snapshot.executor.queued, "jobs waiting for a free core");
        Stat("updates applied", stats.updates_applied, "state changes applied at frame starts");
        ImGui::EndTable();
    }
    ImGui::Spacing();

    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV;
    if (ImGui::BeginTable("components", 3, flags, ImVec2(-1.0f, -1.0f))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("component", ImGuiTableColumnFlags_WidthFixed, 110.0f);
        ImGui::TableSetupColumn("hook", ImGuiTableColumnFlags_WidthFixed, 80.0f);
        ImGui::TableSetupColumn("type / state", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const auto& component : snapshot.components) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%s", component.name.empty() ? "(int key)" : component.name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%zu hooks", component.hooks.size());
            ImGui::TableNextColumn();
            ImGui::TextDisabled("in %s", component.window.c_str());
            for (const imhooks::HookInfo& hook : component.hooks) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(hook.kind);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(short_type(hook.value_type).c_str());
                if (!hook.status.empty()) {
                    ImGui::SameLine();
                    ImGui::TextColored(StateColour(parse_state(hook.status)), "%s",
                                       hook.status.c_str());
                }
            }
        }
        ImGui::EndTable();
    }
}

}  // namespace demo
