// Panel 5: the states of a use_thread hook. A cooperative job (it polls its stop token between
// steps that cannot be interrupted) makes Waiting visible; the diagram lights up the state shown
// and the transitions the UI has seen, and the list below times them.
#include "panels.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace demo {

namespace {

using imhooks::ResultState;
constexpr int kSteps = 5;

// Each step runs to its end even when a stop is requested (think of a file write that must not
// be cut short); the job looks at its stop token only between steps.
int run_steps(bool fail, std::stop_token stop) {
    for (int step = 1; step <= kSteps; ++step) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        imhooks::report_progress(static_cast<float>(step) / kSteps);
        if (stop.stop_requested()) return step;
        if (fail && step == 3) throw std::runtime_error("step 3 failed");
    }
    return kSteps;
}

struct Transition {
    double time = 0;  // seconds since the component mounted
    ResultState from = ResultState::Initial;
    ResultState to = ResultState::Initial;
};

// The diagram: where each state's box is (in units of the canvas), and the edges of the
// state machine documented in result.h.
struct Node {
    ResultState state;
    float x, y;
};
constexpr Node kNodes[] = {
    {ResultState::Initial, 0, 40},     {ResultState::Starting, 104, 40},
    {ResultState::Waiting, 104, 96},   {ResultState::Running, 208, 40},
    {ResultState::Finished, 312, 0},   {ResultState::Error, 312, 40},
    {ResultState::Cancelled, 312, 80},
};
const ImVec2 kNodeSize(86, 22);
constexpr float kCanvasHeight = 120;
constexpr ResultState kEdges[][2] = {
    {ResultState::Initial, ResultState::Starting},  {ResultState::Starting, ResultState::Running},
    {ResultState::Starting, ResultState::Waiting},  {ResultState::Waiting, ResultState::Running},
    {ResultState::Running, ResultState::Finished},  {ResultState::Running, ResultState::Error},
    {ResultState::Running, ResultState::Cancelled}, {ResultState::Starting, ResultState::Cancelled},
    {ResultState::Waiting, ResultState::Cancelled},
};

ImVec2 centre_of(ImVec2 origin, ResultState state) {
    for (const Node& node : kNodes)
        if (node.state == state)
            return ImVec2(origin.x + node.x + kNodeSize.x / 2, origin.y + node.y + kNodeSize.y / 2);
    return origin;
}

// Where the segment from `centre` towards `to` leaves the node's box.
ImVec2 border_towards(ImVec2 centre, ImVec2 to) {
    const float dx = to.x - centre.x;
    const float dy = to.y - centre.y;
    const float tx = dx != 0 ? (kNodeSize.x / 2) / std::fabs(dx) : 1e9f;
    const float ty = dy != 0 ? (kNodeSize.y / 2) / std::fabs(dy) : 1e9f;
    const float t = std::min(tx, ty);
    return ImVec2(centre.x + dx * t, centre.y + dy * t);
}

void Arrow(ImDrawList* draw, ImVec2 from, ImVec2 to, ImU32 colour, float thickness) {
    const float dx = to.x - from.x;
    const float dy = to.y - from.y;
    const float length = std::sqrt(dx * dx + dy * dy);
    if (length < 1) return;
    const ImVec2 u(dx / length, dy / length);
    const ImVec2 base(to.x - u.x * 7, to.y - u.y * 7);
    draw->AddLine(from, base, colour, thickness);
    draw->AddTriangleFilled(to, ImVec2(base.x - u.y * 4, base.y + u.x * 4),
                            ImVec2(base.x + u.y * 4, base.y - u.x * 4), colour);
}

bool is_edge(ResultState from, ResultState to) {
    for (const auto& edge : kEdges)
        if (edge[0] == from && edge[1] == to) return true;
    return false;
}

// How the diagram shows a transition the UI saw: the edge itself, or, when the state in between
// lasted less than a frame (INITIAL -> RUNNING: STARTING was never on screen), the two edges
// through it, drawn fainter.
struct Lit {
    std::vector<std::pair<ResultState, ResultState>> seen, implied;
    std::vector<ResultState> visited, passed;
};

Lit light_up(const std::vector<Transition>& log) {
    Lit lit;
    for (const Transition& t : log) {
        lit.visited.push_back(t.to);
        if (is_edge(t.from, t.to)) {
            lit.seen.emplace_back(t.from, t.to);
            continue;
        }
        for (const Node& middle : kNodes) {
            if (is_edge(t.from, middle.state) && is_edge(middle.state, t.to)) {
                lit.implied.emplace_back(t.from, middle.state);
                lit.implied.emplace_back(middle.state, t.to);
                lit.passed.push_back(middle.state);
                break;
            }
        }
    }
    return lit;
}

template <class T>
bool contains(const std::vector<T>& list, const T& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

void StateDiagram(ResultState current, const std::vector<Transition>& log) {
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImU32 dim = ImGui::GetColorU32(ImVec4(0.45f, 0.45f, 0.50f, 0.55f));
    const ImU32 faint = ImGui::GetColorU32(ImVec4(0.75f, 0.75f, 0.80f, 0.80f));
    const ImU32 bright = ImGui::GetColorU32(ImVec4(0.95f, 0.95f, 0.98f, 1.0f));
    const Lit lit = light_up(log);
    for (const auto& edge : kEdges) {
        const auto pair = std::make_pair(edge[0], edge[1]);
        const bool seen = contains(lit.seen, pair);
        const bool implied = !seen && contains(lit.implied, pair);
        const ImVec2 a = centre_of(origin, edge[0]);
        const ImVec2 b = centre_of(origin, edge[1]);
        Arrow(draw, border_towards(a, b), border_towards(b, a),
              seen      ? bright
              : implied ? faint
                        : dim,
              seen      ? 2.0f
              : implied ? 1.5f
                        : 1.0f);
    }
    for (const Node& node : kNodes) {
        const ImVec2 min(origin.x + node.x, origin.y + node.y);
        const ImVec2 max(min.x + kNodeSize.x, min.y + kNodeSize.y);
        ImVec4 colour = StateColour(node.state);
        const bool is_current = node.state == current;
        const bool visited = contains(lit.visited, node.state);
        if (!is_current && !visited) colour.w = contains(lit.passed, node.state) ? 0.75f : 0.40f;
        const float fill = is_current ? 0.45f : visited ? 0.15f : 0.06f;
        draw->AddRectFilled(min, max,
                            ImGui::GetColorU32(ImVec4(colour.x, colour.y, colour.z, fill)), 4.0f);
        draw->AddRect(min, max, ImGui::GetColorU32(colour), 4.0f, 0, is_current ? 2.5f : 1.0f);
        const char* label = imhooks::to_string(node.state);
        const ImVec2 text = ImGui::CalcTextSize(label);
        draw->AddText(
            ImVec2(min.x + (kNodeSize.x - text.x) / 2, min.y + (kNodeSize.y - text.y) / 2),
            ImGui::GetColorU32(is_current ? ImVec4(1, 1, 1, 1) : colour), label);
    }
    // Edges not drawn, to keep the diagram readable.
    const ImU32 note = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    draw->AddText(ImVec2(origin.x + 4, origin.y + 72), note, "retry, deps:");
    draw->AddText(ImVec2(origin.x + 4, origin.y + 86), note, "any->STARTING");
    ImGui::Dummy(ImVec2(kNodes[4].x + kNodeSize.x, kCanvasHeight));
}

}  // namespace

void StateMachinePanel() {
    Note(
        "What to look for: Retry while it runs: WAITING until the old run ends its step. Retry x3 "
        "runs once.");

    auto [fail, set_fail] = imhooks::use_state(false);
    imhooks::Result<int> steps =
        imhooks::use_thread([fail](std::stop_token stop) { return run_steps(fail, stop); },
                            imhooks::deps(fail), imhooks::ThreadOptions{.intrusive_cancel = false});
    const ResultState state = steps.state();

    // The UI sees one snapshot per frame: a state that lasted less than a frame is never shown,
    // so the log holds what was on screen, not every internal step.
    const double now = ImGui::GetTime();
    const double& mounted_at = imhooks::use_ref(now);
    std::vector<Transition>& log = imhooks::use_ref(std::vector<Transition>{});
    if (log.empty() || log.back().to != state) {
        if (log.size() >= 200) log.erase(log.begin());
        log.push_back({now - mounted_at, log.empty() ? state : log.back().to, state});
    }

    StateDiagram(state, log);

    ImGui::ProgressBar(steps.progress().value_or(0.0f), ImVec2(150.0f, 0.0f));
    ImGui::SameLine();
    if (ImGui::Button("Retry")) steps.retry();
    ImGui::SameLine();
    if (ImGui::Button("Retry x3"))
        for (int i = 0; i < 3; ++i) steps.retry();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) steps.cancel();
    ImGui::SameLine();
    bool checked = fail;
    if (ImGui::Checkbox("fail", &checked)) set_fail(checked);

    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("transitions", 3, flags, ImVec2(-1.0f, -1.0f))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, 60.0f);
        ImGui::TableSetupColumn("from", ImGuiTableColumnFlags_WidthFixed, 90.0f);
        ImGui::TableSetupColumn("to", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const Transition& t : log) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%6.2f s", t.time);
            ImGui::TableNextColumn();
            if (&t != &log.front())
                ImGui::TextColored(StateColour(t.from), "%s", imhooks::to_string(t.from));
            ImGui::TableNextColumn();
            ImGui::TextColored(StateColour(t.to), "%s", imhooks::to_string(t.to));
        }
        // Follow the newest entry unless the user scrolled up.
        if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f) ImGui::SetScrollHereY(1.0f);
        ImGui::EndTable();
    }
}

}  // namespace demo
