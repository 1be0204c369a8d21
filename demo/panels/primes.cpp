// Panel 1: use_thread with a dependency. The slider's value is the job's dependency: each change
// stops the run in flight and starts a new one, while the last count stays on screen.
#include "panels.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace demo {

namespace {

struct PrimeCount {
    long limit = 0;
    long count = 0;
    double seconds = 0;
};

bool is_prime(long n) {
    if (n < 2) return false;
    if (n % 2 == 0) return n == 2;
    for (long d = 3; d * d <= n; d += 2)
        if (n % d == 0) return false;
    return true;
}

// The user's own work: plain CPU-bound code. Trial division is slow on purpose, so that the
// states between a slider move and its answer stay on screen for a second or two.
// report_progress() is also where a cancelled run stops (it throws imhooks::Cancelled there).
PrimeCount count_primes(long limit) {
    const auto start = std::chrono::steady_clock::now();
    constexpr int kReports = 200;
    const long chunk = limit / kReports + 1;
    long count = 0;
    char text[64];
    for (long from = 0; from < limit; from += chunk) {
        std::snprintf(text, sizeof text, "%.1fM of %.1fM numbers", from / 1e6, limit / 1e6);
        imhooks::report_progress(static_cast<float>(from) / static_cast<float>(limit), text);
        const long to = std::min(limit, from + chunk);
        for (long n = from; n < to; ++n) count += is_prime(n);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {limit, count, elapsed.count()};
}

bool in_flight(imhooks::ResultState state) {
    using imhooks::ResultState;
    return state == ResultState::Starting || state == ResultState::Waiting ||
           state == ResultState::Running;
}

}  // namespace

void PrimesPanel(const Options& options) {
    Note(
        "What to look for: drag the slider. The old count stays, marked stale, until the new one "
        "is ready.");

    auto [limit, set_limit] = imhooks::use_state(options.primes_limit);
    // Runs after the first frame and again whenever `limit` changes; the lambda is copied into
    // the run, so it captures by value.
    imhooks::Result<PrimeCount> primes =
        imhooks::use_thread([limit] { return count_primes(limit); }, imhooks::deps(limit));
    const imhooks::ResultState state = primes.state();

    int slider = limit;
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("limit").x - ImGui::GetStyle().ItemInnerSpacing.x);
    if (ImGui::SliderInt("limit", &slider, 100'000, 50'000'000, "%d",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
        set_limit(slider);  // shown from the next frame on
    ImGui::Spacing();

    // value(): the latest result, kept while a new run is under way (stale() says so).
    if (const PrimeCount* value = primes.value()) {
        ImGui::Text("%s primes below %s", WithThousands(value->count).c_str(),
                    WithThousands(value->limit).c_str());
        if (primes.stale()) {
            ImGui::TextColored(
                ImVec4(1.0f, 0.80f, 0.30f, 1.0f), "stale: %s",
                in_flight(state) ? "the new count is on its way" : "not the count for this limit");
        } else {
            ImGui::TextDisabled("counted in %.2f s", value->seconds);
        }
    } else {
        ImGui::TextDisabled("no count yet");
        ImGui::TextDisabled(" ");
    }
    ImGui::Spacing();

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("state");
    ImGui::SameLine();
    StateBadge(state);
    if (primes.cancel_requested() && in_flight(state)) {
        ImGui::SameLine();
        ImGui::TextDisabled("cancel requested");
    }

    // progress(): empty until the current run reports; reset by each new run.
    float fraction = primes.progress().value_or(0.0f);
    std::string overlay = primes.progress_text();
    if (state == imhooks::ResultState::Finished) {
        fraction = 1.0f;
        overlay = "done";
    } else if (state == imhooks::ResultState::Cancelled) {
        overlay = "cancelled at " + std::to_string(static_cast<int>(fraction * 100)) + "%";
    }
    ImGui::ProgressBar(fraction, ImVec2(-1.0f, 0.0f), overlay.c_str());
    ReportLayout("primes.progress");
    ImGui::Spacing();

    // cancel() and retry() may be called from any thread; here, from the buttons.
    const ImVec2 button(100.0f, 0.0f);
    ImGui::BeginDisabled(!in_flight(state) || primes.cancel_requested());
    if (ImGui::Button("Cancel", button)) primes.cancel();
    ReportLayout("primes.cancel");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Retry", button)) primes.retry();
    ReportLayout("primes.retry");

    // The runs that ended while on screen. Runs stopped by a newer one (a slider move) never
    // report: only the run of the limit shown can end here.
    struct Ended {
        imhooks::ResultState state;
        PrimeCount count;
    };
    auto& history = imhooks::use_ref(std::vector<Ended>{});
    auto& last_state = imhooks::use_ref(state);
    if (state != last_state) {
        last_state = state;
        if (!in_flight(state) && state != imhooks::ResultState::Initial) {
            const PrimeCount* value = primes.value();
            PrimeCount entry = value && !primes.stale() ? *value : PrimeCount{limit, -1, 0};
            history.insert(history.begin(), {state, entry});
            if (history.size() > 6) history.pop_back();
        }
    }
    ImGui::Spacing();
    ImGui::TextDisabled("Runs that ended, newest first");
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV;
    if (ImGui::BeginTable("history", 4, flags)) {
        ImGui::TableSetupColumn("limit", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthFixed, 80.0f);
        ImGui::TableSetupColumn("primes", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, 60.0f);
        ImGui::TableHeadersRow();
        for (const Ended& ended : history) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(WithThousands(ended.count.limit).c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(StateColour(ended.state), "%s", imhooks::to_string(ended.state));
            ImGui::TableNextColumn();
            if (ended.count.count >= 0)
                ImGui::TextUnformatted(WithThousands(ended.count.count).c_str());
            ImGui::TableNextColumn();
            if (ended.count.count >= 0) ImGui::Text("%.2f s", ended.count.seconds);
        }
        ImGui::EndTable();
    }

    // For the end-to-end test: every state shown, on stdout. use_ref keeps the last one printed
    // across frames without ever asking for a frame.
    auto& printed = imhooks::use_ref(std::optional<imhooks::ResultState>{});
    if (options.print_state && printed != state) {
        printed = state;
        const PrimeCount* value = primes.value();
        if (state == imhooks::ResultState::Finished && value)
            std::printf("primes: FINISHED %ld below %ld\n", value->count, value->limit);
        else
            std::printf("primes: %s\n", imhooks::to_string(state));
        std::fflush(stdout);
    }
}

}  // namespace demo
