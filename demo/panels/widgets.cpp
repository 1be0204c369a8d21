// Widgets shared by the demo's panels: notes, state colours and badges, an indeterminate
// progress bar, and layout reports for the window tests.
#include "panels.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace demo {

namespace {
ImVec2 add(ImVec2 a, ImVec2 b) {
    return ImVec2(a.x + b.x, a.y + b.y);
}

bool g_layout_reports = false;
}  // namespace

void Note(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.80f, 0.78f, 0.62f, 1.0f));
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
    ImGui::Separator();
}

ImVec4 StateColour(imhooks::ResultState state) {
    using imhooks::ResultState;
    switch (state) {
        case ResultState::Initial:
            return ImVec4(0.60f, 0.60f, 0.60f, 1.0f);
        case ResultState::Starting:
            return ImVec4(0.50f, 0.80f, 1.00f, 1.0f);
        case ResultState::Waiting:
            return ImVec4(0.78f, 0.60f, 1.00f, 1.0f);
        case ResultState::Running:
            return ImVec4(0.30f, 0.62f, 1.00f, 1.0f);
        case ResultState::Error:
            return ImVec4(1.00f, 0.36f, 0.36f, 1.0f);
        case ResultState::Finished:
            return ImVec4(0.40f, 0.85f, 0.45f, 1.0f);
        case ResultState::Cancelled:
            return ImVec4(1.00f, 0.65f, 0.25f, 1.0f);
    }
    return ImVec4(1, 1, 1, 1);
}

void StateBadge(imhooks::ResultState state) {
    const char* label = imhooks::to_string(state);
    const ImVec2 padding(6.0f, 1.0f);
    const ImVec2 text = ImGui::CalcTextSize(label);
    const ImVec2 size(text.x + 2 * padding.x, text.y + 2 * padding.y);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImVec4 colour = StateColour(state);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, add(at, size),
                        ImGui::GetColorU32(ImVec4(colour.x, colour.y, colour.z, 0.22f)), 3.0f);
    draw->AddRect(at, add(at, size), ImGui::GetColorU32(colour), 3.0f);
    draw->AddText(add(at, padding), ImGui::GetColorU32(colour), label);
    ImGui::Dummy(size);
}

void IndeterminateProgressBar(bool animate, const ImVec2& size_arg) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float width = size_arg.x > 0 ? size_arg.x : ImGui::GetContentRegionAvail().x;
    const float height = size_arg.y > 0 ? size_arg.y : ImGui::GetFrameHeight();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 end = add(at, ImVec2(width, height));
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, end, ImGui::GetColorU32(ImGuiCol_FrameBg), style.FrameRounding);
    if (animate) {
        // A block a third of the bar wide, swinging from end to end.
        const float block = width / 3.0f;
        const float phase = 0.5f + 0.5f * std::sin(static_cast<float>(ImGui::GetTime()) * 3.0f);
        const float x = at.x + phase * (width - block);
        draw->AddRectFilled(ImVec2(x, at.y), ImVec2(x + block, end.y),
                            ImGui::GetColorU32(ImGuiCol_PlotHistogram), style.FrameRounding);
        // The only thing that moves by itself: one frame every 16 ms while the job runs, none
        // once it ends.
        imhooks::Runtime::current()->request_frame_in(std::chrono::milliseconds(16));
    }
    ImGui::Dummy(ImVec2(width, height));
}

void EnableLayoutReports(bool enabled) {
    g_layout_reports = enabled;
}

void ReportLayout(const char* name) {
    if (!g_layout_reports) return;
    static std::map<std::string, ImVec4> reported;
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    const ImVec4 rect(std::round(min.x), std::round(min.y), std::round(max.x - min.x),
                      std::round(max.y - min.y));
    ImVec4& last = reported[name];
    if (last.x == rect.x && last.y == rect.y && last.z == rect.z && last.w == rect.w) return;
    last = rect;
    std::printf("layout: %s %d %d %d %d\n", name, static_cast<int>(rect.x),
                static_cast<int>(rect.y), static_cast<int>(rect.z), static_cast<int>(rect.w));
    std::fflush(stdout);
}

std::string WithThousands(long long value) {
    const std::string digits = std::to_string(value < 0 ? -value : value);
    std::string text = value < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
        text += digits[i];
    }
    return text;
}

}  // namespace demo
