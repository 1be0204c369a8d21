// Panels 10-13, the Queries page: use_query's cache, use_debounced and streams that append.
//   Search       a search box debounced, its matches streamed into a Stream without copies
//   Thumbnails   10,000 rows in a clipped list, a use_query per row: each job starts once
//   Network      a flaky server: retries with backoff, polling, invalidate, an optimistic write
//   Cache        the entries of the runtime's query cache
#include "panels.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace demo {

namespace {

using namespace std::chrono_literals;

//----------------------------------------------------------------------------------------------
// Search

// The "files" searched: 200,000 lines of text made up once, on first use.
const std::vector<std::string>& corpus() {
    static const std::vector<std::string> lines = [] {
        static const char* const words[] = {
            "imhooks", "frame",   "worker", "thread",  "query",   "cache",  "stream", "render",
            "window",  "button",  "stale",  "retry",   "backoff", "poll",   "append", "vector",
            "latency", "context", "docking", "texture", "shader", "widget", "layout", "cursor",
            "option",  "station", "motion", "version", "region",  "nation", "session", "mission"};
        std::minstd_rand random(7);
        std::vector<std::string> made;
        made.reserve(200'000);
        for (int i = 0; i < 200'000; ++i) {
            std::string line = "src/file_" + std::to_string(i / 500) + ".cpp:" +
                               std::to_string(i % 500 + 1) + ":";
            for (int w = 0; w < 6; ++w) {
                line += ' ';
                line += words[random() % std::size(words)];
            }
            made.push_back(std::move(line));
        }
        return made;
    }();
    return lines;
}

struct Match {
    int line = 0;
    int column = 0;
};

// The user's own work: scans the lines for `text`, appending each match. Every 10,000 lines it
// publishes what it found so far (O(new matches), the earlier ones are not copied) and pauses as
// a disk would.
imhooks::Stream<Match> search(const std::string& text, imhooks::Job<imhooks::Stream<Match>>& job) {
    const std::vector<std::string>& lines = corpus();
    imhooks::StreamWriter<Match> found;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!text.empty())
            for (std::size_t at = lines[i].find(text); at != std::string::npos;
                 at = lines[i].find(text, at + 1))
                found.push_back({static_cast<int>(i), static_cast<int>(at)});
        if (i % 10'000 == 9'999) {
            job.yield(found.view());
            job.progress(static_cast<float>(i + 1) / static_cast<float>(lines.size()));
            job.sleep_for(25ms);
        }
    }
    return found.view();
}

//----------------------------------------------------------------------------------------------
// Thumbnails

constexpr int kPhotos = 10'000;

struct Thumbnail {
    ImU32 colour = 0;
    int width = 0, height = 0;
};

// The user's own work: "decodes" photo `id` (a pause, then a colour from its number).
Thumbnail decode(int id) {
    imhooks::sleep_for(40ms);
    const float hue = std::fmod(static_cast<float>(id) * 0.618034f, 1.0f);
    float r, g, b;
    ImGui::ColorConvertHSVtoRGB(hue, 0.55f, 0.9f, r, g, b);
    return {ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1.0f)), 640 + id % 7 * 160,
            480 + id % 5 * 120};
}

void ThumbnailRow(int id) {
    const imhooks::QueryResult<Thumbnail> thumb =
        imhooks::use_query(imhooks::key("thumb", id), [id] { return decode(id); },
                           {.stale_time = std::chrono::milliseconds::max()});
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float side = ImGui::GetTextLineHeight();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (const Thumbnail* t = thumb.value()) {
        draw->AddRectFilled(at, ImVec2(at.x + side * 1.5f, at.y + side), t->colour, 2.0f);
        ImGui::Dummy(ImVec2(side * 1.5f, side));
        ImGui::SameLine();
        ImGui::Text("photo_%05d.jpg  %d x %d", id, t->width, t->height);
    } else {
        draw->AddRect(at, ImVec2(at.x + side * 1.5f, at.y + side),
                      ImGui::GetColorU32(ImGuiCol_TextDisabled), 2.0f);
        ImGui::Dummy(ImVec2(side * 1.5f, side));
        ImGui::SameLine();
        ImGui::TextDisabled("photo_%05d.jpg  %s", id, imhooks::to_string(thumb.state()));
    }
}

//----------------------------------------------------------------------------------------------
// Network

struct ServerStatus {
    int load = 0;  // percent
    int served = 0;
};

// The flaky "server": each attempt waits 300 ms, and fails as often as the slider says (the very
// first attempt always fails: the server is waking up).
std::atomic<int> g_fail_percent{40};
std::atomic<int> g_attempts{0};

ServerStatus fetch_status() {
    imhooks::sleep_for(300ms);
    const int attempt = ++g_attempts;
    static std::mutex random_mutex;
    static std::minstd_rand random(11);
    int roll;
    {
        std::lock_guard lock(random_mutex);
        roll = static_cast<int>(random() % 100);
    }
    if (attempt == 1 || roll < g_fail_percent.load())
        throw std::runtime_error("503 Service Unavailable (attempt " + std::to_string(attempt) +
                                 ")");
    return {20 + roll % 70, attempt};
}

double seconds_until(imhooks::Clock::time_point when, imhooks::Clock::time_point now) {
    return std::chrono::duration<double>(when - now).count();
}

}  // namespace

//----------------------------------------------------------------------------------------------
// Panels

void SearchPanel() {
    Note(
        "What to look for: type, and the search runs once you pause (300 ms); its matches "
        "stream in, and the previous results stay until new ones arrive.");
    auto [text, set_text] = imhooks::use_state(std::string("ion"));
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, "%s", text.c_str());
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::InputTextWithHint("##search", "search 200,000 lines", buffer, sizeof buffer))
        set_text(std::string(buffer));
    const std::string& pattern = imhooks::use_debounced(text, 300ms);
    const imhooks::QueryResult<imhooks::Stream<Match>> found = imhooks::use_query(
        imhooks::key("search", pattern),
        [pattern](imhooks::Job<imhooks::Stream<Match>>& job) { return search(pattern, job); },
        {.stale_time = std::chrono::minutes(1), .keep_previous = true});

    StateBadge(found.state());
    ImGui::SameLine();
    if (const imhooks::Stream<Match>* matches = found.value()) {
        ImGui::Text("%s matches%s%s", WithThousands(static_cast<long long>(matches->size())).c_str(),
                    found.placeholder() ? " (previous search)" : "",
                    found.partial() ? " so far" : "");
        if (found.partial() && found.progress())
            ImGui::ProgressBar(*found.progress(), ImVec2(-1.0f, 4.0f), "");
        ImGui::BeginChild("matches", ImVec2(0, 0), true);
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(matches->size()));
        const std::vector<std::string>& lines = corpus();
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const Match& m = (*matches)[static_cast<std::size_t>(i)];
                ImGui::TextUnformatted(lines[static_cast<std::size_t>(m.line)].c_str());
            }
        ImGui::EndChild();
    } else {
        ImGui::TextDisabled("searching...");
    }
}

void ThumbnailsPanel() {
    Note(
        "What to look for: 10,000 rows, a use_query each. Scroll: each row's job starts once; "
        "rows scrolled back show at once; rows that leave before their job starts never run.");
    const imhooks::QueryCacheStats stats = imhooks::use_query_client().stats();
    ImGui::Text("jobs started %s   withdrawn %s   cache hits %s",
                WithThousands(static_cast<long long>(stats.runs_started)).c_str(),
                WithThousands(static_cast<long long>(stats.withdrawn)).c_str(),
                WithThousands(static_cast<long long>(stats.hits)).c_str());
    const bool top = ImGui::Button("Top");
    ImGui::SameLine();
    const bool middle = ImGui::Button("Middle");
    ImGui::SameLine();
    const bool end = ImGui::Button("End");
    ImGui::BeginChild("rows", ImVec2(0, 0), true);
    if (top) ImGui::SetScrollY(0.0f);
    if (middle) ImGui::SetScrollY(ImGui::GetScrollMaxY() * 0.5f);
    if (end) ImGui::SetScrollY(ImGui::GetScrollMaxY());
    ImGuiListClipper clipper;
    clipper.Begin(kPhotos);
    while (clipper.Step())
        for (int id = clipper.DisplayStart; id < clipper.DisplayEnd; ++id)
            // One component per visible row: rows that scroll away unmount, their entries stay.
            imhooks::component(id, [id] { ThumbnailRow(id); });
    ImGui::EndChild();
}

void NetworkPanel() {
    Note(
        "What to look for: a failed fetch is retried after 1, 2, 4 s (with jitter), each wait "
        "shown; the status is polled every 5 s while this window shows it.");
    int fail = g_fail_percent.load();
    ImGui::SetNextItemWidth(160.0f);
    if (ImGui::SliderInt("failures %", &fail, 0, 100)) g_fail_percent = fail;

    const imhooks::QueryResult<ServerStatus> status = imhooks::use_query(
        imhooks::key("server", "status"), [] { return fetch_status(); },
        {.refetch_interval = 5s});
    const imhooks::Clock::time_point now = imhooks::Runtime::current()->now();

    ImGui::Text("state");
    ImGui::SameLine(110.0f);
    StateBadge(status.state());
    ImGui::Text("attempt");
    ImGui::SameLine(110.0f);
    ImGui::Text("%d (%d failed)", status.attempt(), status.failure_count());
    if (const auto next = status.next_retry()) {
        ImGui::Text("next try");
        ImGui::SameLine(110.0f);
        ImGui::Text("in %.1f s", seconds_until(*next, now));
    }
    if (const ServerStatus* s = status.value()) {
        ImGui::Text("load");
        ImGui::SameLine(110.0f);
        ImGui::ProgressBar(static_cast<float>(s->load) / 100.0f, ImVec2(-1.0f, 0.0f));
        ImGui::Text("data");
        ImGui::SameLine(110.0f);
        const auto updated = status.updated_at();
        ImGui::Text("from attempt %d%s, %.1f s old", s->served, status.stale() ? " (stale)" : "",
                    updated ? -seconds_until(*updated, now) : 0.0);
    }
    if (status.error())
        ImGui::TextColored(StateColour(imhooks::ResultState::Error), "%s",
                           status.error_message().c_str());
    if (ImGui::Button("Refetch")) status.refetch();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) status.cancel();
    ImGui::SameLine();
    if (ImGui::Button("Invalidate [\"server\"]"))
        imhooks::use_query_client().invalidate(imhooks::key("server"));
    if (ImGui::Button("Set load 0 (optimistic)")) {
        ServerStatus optimistic = status.value() ? *status.value() : ServerStatus{};
        optimistic.load = 0;
        imhooks::use_query_client().set_query_value(imhooks::key("server", "status"), optimistic);
    }
}

void QueryCachePanel() {
    Note("What to look for: every entry of the runtime's query cache, its readers and age.");
    const std::vector<imhooks::QueryInfo> entries = imhooks::use_query_client().entries();
    ImGui::Text("%zu entries", entries.size());
    const imhooks::Clock::time_point now = imhooks::Runtime::current()->now();
    if (ImGui::BeginTable("entries", 5,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                              ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("key");
        ImGui::TableSetupColumn("readers", ImGuiTableColumnFlags_WidthFixed, 50.0f);
        ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthFixed, 70.0f);
        ImGui::TableSetupColumn("age", ImGuiTableColumnFlags_WidthFixed, 55.0f);
        ImGui::TableSetupColumn("freed in", ImGuiTableColumnFlags_WidthFixed, 60.0f);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(entries.size()));
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const imhooks::QueryInfo& e = entries[static_cast<std::size_t>(i)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(e.key.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%zu", e.readers);
                ImGui::TableNextColumn();
                ImGui::TextColored(StateColour(e.state), "%s", imhooks::to_string(e.state));
                ImGui::TableNextColumn();
                if (e.age)
                    ImGui::Text("%.0f s%s", std::chrono::duration<double>(*e.age).count(),
                                e.stale ? "*" : "");
                ImGui::TableNextColumn();
                if (e.freed_at) ImGui::Text("%.0f s", seconds_until(*e.freed_at, now));
            }
        ImGui::EndTable();
    }
}

}  // namespace demo
