// Panels 7 and 8: one Task read from two windows. "Save as" writes a document to the path typed
// in, on an executor thread, with progress and Cancel; "Save status" is another window (another
// component) that shows the same task's state, value and error without being told anything.
#include "panels.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace demo {

namespace {

struct Saved {
    std::string path;
    std::uintmax_t bytes = 0;
    double seconds = 0;
};

// The user's own work: writes a 2 MB "document" in 64 chunks, pausing between chunks as a slow
// disk or a network share would. sleep_for and report_progress are where Cancel arrives.
Saved write_document(const std::string& path) {
    if (path.empty()) throw std::invalid_argument("no file name given");
    const auto start = std::chrono::steady_clock::now();
    const std::filesystem::path target(path);
    if (target.has_parent_path() && !std::filesystem::is_directory(target.parent_path()))
        throw std::runtime_error("no such folder: " + target.parent_path().string());
    const std::filesystem::path partial = target.string() + ".partial";
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + partial.string());
    struct RemovePartial {  // a cancelled or failed save leaves nothing behind
        const std::filesystem::path& file;
        bool keep = false;
        ~RemovePartial() {
            std::error_code ignored;
            if (!keep) std::filesystem::remove(file, ignored);
        }
    } cleanup{partial};
    constexpr int kChunks = 64;
    const std::string chunk(32 * 1024, 'x');
    char text[64];
    for (int i = 0; i < kChunks; ++i) {
        std::snprintf(text, sizeof text, "chunk %d of %d", i + 1, kChunks);
        imhooks::report_progress(static_cast<float>(i) / kChunks, text);
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (!out) throw std::runtime_error("write failed: " + partial.string());
        imhooks::sleep_for(std::chrono::milliseconds(40));  // gives its core to other jobs
    }
    out.close();
    std::filesystem::rename(partial, target);
    cleanup.keep = true;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {path, std::filesystem::file_size(target), elapsed.count()};
}

// One task for the whole application: any panel can call it or read it.
imhooks::Task<Saved(std::string)>& save_task() {
    static imhooks::Task<Saved(std::string)> task(
        [](std::string path) { return write_document(path); },
        imhooks::TaskOptions{.name = "save as"});
    return task;
}

std::string default_path() {
    std::error_code error;
    const auto folder = std::filesystem::temp_directory_path(error);
    return (error ? std::filesystem::path(".") : folder) / "imhooks-demo-document.txt";
}

void ShowSaved(const imhooks::Result<Saved>& saved) {
    if (const Saved* last = saved.value())
        ImGui::TextWrapped("%s: %s, %s bytes in %.2f s", saved.stale() ? "last saved" : "saved",
                           last->path.c_str(),
                           WithThousands(static_cast<long long>(last->bytes)).c_str(),
                           last->seconds);
    if (saved.state() == imhooks::ResultState::Error)
        ImGui::TextColored(StateColour(imhooks::ResultState::Error), "failed: %s",
                           saved.error_message().c_str());
}

}  // namespace

void SaveAsPanel(const Options& options) {
    Note(
        "What to look for: Save writes the file on an executor thread; the Save status window "
        "shows the same task without being told.");
    auto [path, set_path] = imhooks::use_state(default_path());
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%s", path.c_str());
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::InputText("##path", buffer, sizeof buffer)) set_path(std::string(buffer));

    imhooks::Task<Saved(std::string)>& save = save_task();
    const imhooks::Result<Saved> saved = save.result();
    bool& started = imhooks::use_ref(false);
    if (ImGui::Button("Save as") || (options.start_save && !std::exchange(started, true)))
        save(path);
    ReportLayout("save_as");
    ImGui::SameLine();
    ImGui::BeginDisabled(!saved.in_flight());
    if (ImGui::Button("Cancel")) saved.cancel();
    ReportLayout("save_cancel");
    ImGui::EndDisabled();
    ImGui::SameLine();
    StateBadge(saved.state());

    const float fraction = saved.progress().value_or(0.0f);
    ImGui::ProgressBar(fraction, ImVec2(-1.0f, 0.0f),
                       saved.progress_text().empty() ? nullptr : saved.progress_text().c_str());
    ShowSaved(saved);
}

void SaveStatusPanel() {
    Note("What to look for: this window only reads the task: its state follows every save.");
    const imhooks::Result<Saved> saved = save_task().result();
    ImGui::Text("state");
    ImGui::SameLine(120.0f);
    StateBadge(saved.state());
    if (const auto progress = saved.progress()) {
        ImGui::Text("progress");
        ImGui::SameLine(120.0f);
        ImGui::Text("%3.0f %%  %s", *progress * 100.0f, saved.progress_text().c_str());
    }
    ShowSaved(saved);
    if (saved.state() == imhooks::ResultState::Initial) ImGui::TextDisabled("not saved yet");
}

}  // namespace demo
