// ShowInspectorWindow: reads the runtime's instances, their slots and jobs, and the executor; it
// calls no hook and requests no frame.
#include "runtime_impl.h"

#include <imhooks/detail/diagnostics.h>
#include <imhooks/detail/inspect.h>
#include <imhooks/inspector.h>
#include <imhooks/runtime.h>

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace imhooks {
namespace detail {

//----------------------------------------------------------------------------------------------
// Value text

namespace {

constexpr std::size_t kMaxText = 256;

// `text` cut to at most kMaxText bytes, on a UTF-8 character boundary, with "..." when cut.
std::string clip(std::string text) {
    if (text.size() <= kMaxText) return text;
    std::size_t end = kMaxText;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
    return text + "...";
}

}  // namespace

std::string quote_text(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (out.size() > kMaxText) {
            out = clip(std::move(out));
            break;
        }
        switch (c) {
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                out += c;
        }
    }
    return out + "\"";
}

std::string format_address(const volatile void* address) {
    if (!address) return "null";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "0x%" PRIxPTR, reinterpret_cast<std::uintptr_t>(address));
    return buffer;
}

std::string stream_text(void (*write)(std::ostream&, const void*), const void* value) {
    std::ostringstream out;
    write(out, value);
    return clip(std::move(out).str());
}

ValueText failed_value_text(std::exception_ptr error) {
    return {ValueText::Kind::Text, "(printing it threw: " + describe_exception(error) + ")"};
}

//----------------------------------------------------------------------------------------------
// Sections

namespace {

struct Section {
    std::string name;
    std::function<void(Runtime&)> draw;
};

class Sections {
  public:
    void add(std::shared_ptr<Section> section) {
        std::lock_guard lock(mutex_);
        sections_.push_back(std::move(section));
    }
    void remove(const void* section) {
        std::shared_ptr<Section> removed;  // destroyed after unlocking: it holds user callables
        std::lock_guard lock(mutex_);
        auto it = std::find_if(sections_.begin(), sections_.end(),
                               [&](const auto& each) { return each.get() == section; });
        if (it == sections_.end()) return;
        removed = std::move(*it);
        sections_.erase(it);
    }
    std::vector<std::shared_ptr<Section>> list() {
        std::lock_guard lock(mutex_);
        return sections_;
    }

  private:
    std::mutex mutex_;
    std::vector<std::shared_ptr<Section>> sections_;
};

Sections& sections() {
    static Sections* all = new Sections;  // never destroyed: handles may outlive main
    return *all;
}

}  // namespace

InspectorSectionHandle add_inspector_section(std::string name, std::function<void(Runtime&)> draw) {
    auto section = std::make_shared<Section>(Section{std::move(name), std::move(draw)});
    sections().add(section);
    return InspectorSectionHandle(std::move(section));
}

void InspectorSectionHandle::reset() noexcept {
    if (!entry_) return;
    try {
        sections().remove(entry_.get());
    } catch (...) {
        report_error("removing an inspector section failed", std::current_exception());
    }
    entry_.reset();
}

//----------------------------------------------------------------------------------------------
// The window

namespace {

using Clock = std::chrono::steady_clock;

// One reading of the runtime's counters, at ImGui's time (which advances by io.DeltaTime, so
// idle periods count).
struct Sample {
    double time;
    std::size_t frames;
    std::size_t wakes;
};

struct InspectorState {
    std::vector<Sample> samples;  // the last second of readings, and one before it
    bool show_transitions = false;
    InspectorFrame last;
};

InspectorState& state_of(RuntimeImpl& runtime) {
    std::shared_ptr<void>& state = runtime.inspector();
    if (!state) state = std::make_shared<InspectorState>();
    return *static_cast<InspectorState*>(state.get());
}

ImVec4 state_colour(ResultState state) {
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

const ImVec4 kErrorColour(1.00f, 0.36f, 0.36f, 1.0f);

double seconds(Clock::duration duration) {
    return std::chrono::duration<double>(duration).count();
}

// A window's title as shown ("Primes" for "Primes##main"), or "?" when it is gone.
std::string window_title(ImGuiID id) {
    const ImGuiWindow* window = id ? ImGui::FindWindowByID(id) : nullptr;
    if (!window) return "?";
    const char* name = window->Name;
    return std::string(name, ImGui::FindRenderedTextEnd(name));
}

// `type` without the namespaces that qualify its names, except std ("demo::(anonymous
// namespace)::Picture" -> "Picture", "std::vector<app::Row>" -> "std::vector<Row>"), so that the
// narrow type column shows what tells types apart; the full name is in the cell's tooltip. A
// quoted task name is left alone. Default allocators, comparators and deleters are left out.
std::string short_type(std::string_view type) {
    constexpr std::string_view kAnonymous = "(anonymous namespace)::";
    if (!type.empty() && type.front() == '"') return std::string(type);
    std::string out;
    std::size_t i = 0;
    while (i < type.size()) {
        if (type.substr(i, kAnonymous.size()) == kAnonymous) {
            i += kAnonymous.size();
            continue;
        }
        if (const std::string_view rest = type.substr(i);
            rest.starts_with(", std::allocator<") || rest.starts_with(", std::less<") ||
            rest.starts_with(", std::hash<") || rest.starts_with(", std::equal_to<") ||
            rest.starts_with(", std::default_delete<")) {
            // A default template argument: skipped up to its closing '>'.
            int depth = 0;
            for (i = type.find('<', i); i < type.size(); ++i) {
                if (type[i] == '<') ++depth;
                if (type[i] == '>' && --depth == 0) break;
            }
            ++i;
            if (type.substr(i, 2) == " >") ++i;  // "std::vector<Point >"
            continue;
        }
        const char c = type[i];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            std::size_t end = i;
            while (end < type.size() &&
                   (std::isalnum(static_cast<unsigned char>(type[end])) || type[end] == '_'))
                ++end;
            const std::string_view word = type.substr(i, end - i);
            if (type.substr(end, 2) == "::" && word != "std") {
                i = end + 2;  // a qualifier: dropped
                continue;
            }
            out += word;
            i = end;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

void value_cell(const ValueText& value) {
    switch (value.kind) {
        case ValueText::Kind::Text:
            ImGui::TextUnformatted(value.text.c_str());
            if (ImGui::IsItemHovered() && value.text.size() > 24)
                ImGui::SetTooltip("%s", value.text.c_str());
            break;
        case ValueText::Kind::NotPrintable:
            ImGui::TextDisabled("not printable");
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(
                    "Specialise imhooks::inspect_value<T> or give the type an operator<< to show "
                    "its values here.");
            break;
        case ValueText::Kind::None:
            ImGui::TextDisabled("-");
            break;
    }
}

// "RUNNING 45%", coloured, and the flags that qualify it.
void job_state_text(const JobDescription& job) {
    ImGui::TextColored(state_colour(job.state), "%s", to_string(job.state));
    if (job.progress) {
        ImGui::SameLine();
        ImGui::Text("%.0f%%", static_cast<double>(*job.progress) * 100.0);
    }
    if (job.stale) {
        ImGui::SameLine();
        ImGui::TextDisabled("stale");
    }
    if (job.cancel_requested &&
        (job.state == ResultState::Starting || job.state == ResultState::Waiting ||
         job.state == ResultState::Running)) {
        ImGui::SameLine();
        ImGui::TextDisabled("cancel requested");
    }
}

void job_tooltip(const JobDescription& job) {
    ImGui::BeginTooltip();
    ImGui::Text("%s: %s", job.name.c_str(), to_string(job.state));
    if (job.value.kind == ValueText::Kind::Text)
        ImGui::Text("value: %s%s", job.value.text.c_str(), job.stale ? " (stale)" : "");
    if (job.progress)
        ImGui::Text("progress: %.1f%% %s", static_cast<double>(*job.progress) * 100.0,
                    job.progress_text.c_str());
    if (!job.error.empty()) ImGui::TextColored(kErrorColour, "error: %s", job.error.c_str());
    ImGui::Text("runs requested: %llu", static_cast<unsigned long long>(job.runs));
    if (!job.timeline.empty()) {
        const Clock::time_point first = job.timeline.front().time;
        for (const JobTransition& step : job.timeline)
            ImGui::TextColored(state_colour(step.state), "%-9s frame %u  +%.3f s",
                               to_string(step.state), step.frame, seconds(step.time - first));
    }
    ImGui::EndTooltip();
}

// The states the job's UI was shown, oldest first, as coloured blocks whose widths grow with the
// log of how long each was shown (the last one: until this frame).
void timeline_strip(const JobDescription& job, Clock::time_point now) {
    const float width = std::max(ImGui::GetContentRegionAvail().x, 40.0f);
    const float height = ImGui::GetTextLineHeight();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, height));
    if (ImGui::GetCurrentContext()->LogEnabled) {
        // Copied as text (ImGui's logging), the strip reads "INITIAL > RUNNING > FINISHED".
        std::string text;
        for (const JobTransition& step : job.timeline) {
            if (!text.empty()) text += " > ";
            text += to_string(step.state);
        }
        const std::string_view logged = text.empty() ? std::string_view("-") : text;
        ImGui::LogRenderedText(&at, logged.data(), logged.data() + logged.size());
    }
    if (job.timeline.empty() || !ImGui::IsItemVisible()) return;
    std::vector<float> weights;
    float total = 0.0f;
    for (std::size_t i = 0; i < job.timeline.size(); ++i) {
        const Clock::time_point end = i + 1 < job.timeline.size()
                                          ? job.timeline[i + 1].time
                                          : std::max(now, job.timeline[i].time);
        const double ms = std::max(0.0, seconds(end - job.timeline[i].time) * 1000.0);
        weights.push_back(1.0f + static_cast<float>(std::log10(1.0 + ms)));
        total += weights.back();
    }
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float x = at.x;
    for (std::size_t i = 0; i < job.timeline.size(); ++i) {
        const float w = width * weights[i] / total;
        const ImVec4 colour = state_colour(job.timeline[i].state);
        draw->AddRectFilled(ImVec2(x, at.y + 2), ImVec2(x + w - 1.0f, at.y + height - 2),
                            ImGui::GetColorU32(colour));
        x += w;
    }
}

// A job found in the components' hooks or reads, described once per frame.
struct JobRow {
    JobDescription description;
    std::string label;      // "primes: use_thread #1", or the task's name
    ImGuiID component = 0;  // its (first) component, outlined when hovered
    ImGuiID window = 0;
    std::vector<std::string> readers;  // components that read it (Tasks)
};

class Window {
  public:
    Window(RuntimeImpl& runtime, InspectorState& state)
        : runtime_(runtime), state_(state), now_(current_frame_time().time) {}

    void draw() {
        state_.last = InspectorFrame{};
        state_.last.frame = runtime_.frame();
        collect();
        summary();
        if (ImGui::CollapsingHeader("Components", ImGuiTreeNodeFlags_DefaultOpen)) components();
        if (ImGui::CollapsingHeader("Jobs", ImGuiTreeNodeFlags_DefaultOpen)) jobs();
        if (ImGui::CollapsingHeader("Executor", ImGuiTreeNodeFlags_DefaultOpen)) executor();
        for (const auto& section : sections().list()) {
            ImGui::PushID(section.get());
            if (ImGui::CollapsingHeader(section->name.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
                try {
                    if (Runtime* owner = runtime_.owner()) section->draw(*owner);
                } catch (...) {
                    ImGui::TextColored(kErrorColour, "this section failed: %s",
                                       describe_exception(std::current_exception()).c_str());
                }
            }
            ImGui::PopID();
        }
        outline();
        for (JobRow& row : jobs_) state_.last.jobs.push_back(std::move(row.description));
    }

  private:
    struct Node {
        const Instance* instance;
        std::vector<std::size_t> children;
        bool reached = false;
    };

    // The tree of instances (siblings by name), and every job once.
    void collect() {
        runtime_.for_each_instance([&](const Instance& instance) {
            nodes_.push_back({&instance, {}});
        });
        std::sort(nodes_.begin(), nodes_.end(), [](const Node& a, const Node& b) {
            if (a.instance->name() != b.instance->name())
                return a.instance->name() < b.instance->name();
            return a.instance->id() < b.instance->id();
        });
        std::unordered_map<ImGuiID, std::size_t> index;
        for (std::size_t i = 0; i < nodes_.size(); ++i) index.emplace(nodes_[i].instance->id(), i);
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            const ImGuiID parent = nodes_[i].instance->parent_id();
            auto found = parent ? index.find(parent) : index.end();
            if (found != index.end() && found->second != i)
                nodes_[found->second].children.push_back(i);
            else
                roots_.push_back(i);
        }
        for (std::size_t root : roots_) reach(root);
        // Parents that are each other's descendants (possible only with stale parents): shown
        // at the top level rather than lost.
        for (std::size_t i = 0; i < nodes_.size(); ++i)
            if (!nodes_[i].reached) {
                roots_.push_back(i);
                reach(i);
            }
        for (std::size_t root : roots_) collect_jobs(root);
    }

    void reach(std::size_t i) {
        if (nodes_[i].reached) return;
        nodes_[i].reached = true;
        for (std::size_t child : nodes_[i].children) reach(child);
    }

    void collect_jobs(std::size_t i) {
        const Instance& instance = *nodes_[i].instance;
        std::size_t index = 0;
        for (const auto& slot : instance.slots()) {
            if (JobSource* job = slot->job())
                add_job(*job, instance,
                        instance.name() + ": " + hook_kind_name(slot->kind()) + " #" +
                            std::to_string(index),
                        false);
            ++index;
        }
        for (const auto& job : instance.jobs_read()) add_job(*job, instance, {}, true);
        for (std::size_t child : nodes_[i].children) collect_jobs(child);
    }

    void add_job(JobSource& source, const Instance& instance, std::string label, bool read) {
        auto [it, added] = job_index_.emplace(static_cast<const void*>(&source), jobs_.size());
        if (added) {
            JobRow row;
            source.describe_job(row.description);
            row.label = label.empty() ? row.description.name : std::move(label);
            row.component = instance.id();
            row.window = instance.window_id();
            jobs_.push_back(std::move(row));
        }
        JobRow& row = jobs_[it->second];
        if (read &&
            std::find(row.readers.begin(), row.readers.end(), instance.name()) == row.readers.end())
            row.readers.push_back(instance.name());
    }

    const JobDescription* job_of(const JobSource* source) const {
        auto found = job_index_.find(source);
        return found == job_index_.end() ? nullptr : &jobs_[found->second].description;
    }

    void hovered(ImGuiID component, ImGuiID window) {
        state_.last.hovered_component = component;
        hovered_window_ = window;
    }

    //------------------------------------------------------------------------------------------

    void summary() {
        const RuntimeStats stats = runtime_.stats();
        const double time = ImGui::GetTime();
        std::vector<Sample>& samples = state_.samples;
        if (!samples.empty() &&
            (time < samples.back().time || stats.frames < samples.back().frames))
            samples.clear();  // another runtime, or another context's time
        if (samples.empty() || time > samples.back().time)
            samples.push_back({time, stats.frames, stats.wakes});
        while (samples.size() > 2 && samples[1].time <= time - 1.0) samples.erase(samples.begin());
        const Sample& first = samples.front();
        const double span = time - first.time;
        auto rate = [&](std::size_t now, std::size_t then) {
            return span > 0 ? static_cast<double>(now - then) / span : 0.0;
        };
        ImGui::Text("frames %zu (%.1f/s)   wakes %zu (%.1f/s)", stats.frames,
                    rate(stats.frames, first.frames), stats.wakes, rate(stats.wakes, first.wakes));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "Frames the runtime saw (NewFrame calls) and times a change woke the render loop, "
                "per second over the last second. At rest both stand still.");
        ImGui::Text("mounted %zu   updates applied %zu   work in flight %zu", stats.mounted,
                    stats.updates_applied, stats.active_work);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "Component instances alive; state changes applied at frame starts; runs queued or "
                "executing and their pending stop requests and destructions.");
    }

    void components() {
        const ImGuiTableFlags flags = ImGuiTableFlags_BordersV | ImGuiTableFlags_BordersOuterH |
                                      ImGuiTableFlags_Resizable | ImGuiTableFlags_RowBg |
                                      ImGuiTableFlags_NoBordersInBody;
        if (nodes_.empty()) {
            ImGui::TextDisabled("no component is mounted");
            return;
        }
        if (!ImGui::BeginTable("components", 3, flags)) return;
        const float em = ImGui::GetFontSize();
        // Fitted to its widest label every frame (not resizable, so it keeps fitting as deeper
        // components mount): a kind name such as "use_persistent_state" is never cut.
        ImGui::TableSetupColumn("component / hook",
                                ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoResize);
        ImGui::TableSetupColumn("type", ImGuiTableColumnFlags_WidthFixed, em * 8.0f);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (std::size_t root : roots_) component(root);
        ImGui::EndTable();
    }

    void component(std::size_t i) {
        const Instance& instance = *nodes_[i].instance;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool open =
            ImGui::TreeNodeEx(reinterpret_cast<void*>(static_cast<std::intptr_t>(instance.id())),
                              ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_SpanFullWidth,
                              "%s", instance.name().c_str());
        state_.last.rows.push_back(
            {instance.id(), ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
        if (ImGui::IsItemHovered()) hovered(instance.id(), instance.window_id());
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%zu hook%s", instance.slots().size(),
                            instance.slots().size() == 1 ? "" : "s");
        ImGui::TableNextColumn();
        ImGui::TextDisabled("in \"%s\"", window_title(instance.window_id()).c_str());
        if (!open) return;
        std::size_t index = 0;
        std::unordered_set<const void*> own_jobs;
        for (const auto& slot : instance.slots()) {
            HookDescription hook;
            JobSource* job = slot->job();
            if (job)
                own_jobs.insert(job);
            else
                slot->describe(hook);
            hook_row(index++, hook_kind_name(slot->kind()), type_name(slot->value_type()), hook,
                     job);
        }
        for (const auto& job : instance.jobs_read()) {
            if (own_jobs.count(job.get())) continue;
            const JobDescription* description = job_of(job.get());
            hook_row(index++, "reads Task", description ? quote_text(description->name) : "", {},
                     job.get());
        }
        for (std::size_t child : nodes_[i].children) component(child);
        ImGui::TreePop();
    }

    void hook_row(std::size_t index, const char* kind, const std::string& type,
                  const HookDescription& hook, const JobSource* source) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TreeNodeEx(reinterpret_cast<void*>(static_cast<std::intptr_t>(index)),
                          ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen |
                              ImGuiTreeNodeFlags_Bullet | ImGuiTreeNodeFlags_SpanFullWidth,
                          "%s", kind);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(short_type(type).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", type.c_str());
        ImGui::TableNextColumn();
        if (const JobDescription* job = source ? job_of(source) : nullptr) {
            job_state_text(*job);
            ImGui::SameLine();
            if (!job->error.empty())
                ImGui::TextColored(kErrorColour, "%s", job->error.c_str());
            else
                value_cell(job->value);
            if (ImGui::IsItemHovered()) job_tooltip(*job);
        } else {
            value_cell(hook.value);
        }
        if (!hook.note.empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s", hook.note.c_str());
        }
    }

    void jobs() {
        ImGui::Checkbox("show transitions", &state_.show_transitions);
        if (jobs_.empty()) {
            ImGui::TextDisabled("no job is mounted or read");
            return;
        }
        const ImGuiTableFlags flags =
            ImGuiTableFlags_BordersV | ImGuiTableFlags_BordersOuterH | ImGuiTableFlags_RowBg;
        if (!ImGui::BeginTable("jobs", 3, flags)) return;
        const float em = ImGui::GetFontSize();
        ImGui::TableSetupColumn("job",
                                ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoResize);
        ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthFixed, em * 7.0f);
        ImGui::TableSetupColumn("timeline", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const JobRow& row : jobs_) {
            const JobDescription& job = row.description;
            ImGui::PushID(job.identity);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Selectable(row.label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns);
            if (ImGui::IsItemHovered()) {
                hovered(row.component, row.window);
                job_tooltip(job);
            }
            ImGui::TableNextColumn();
            job_state_text(job);
            ImGui::TableNextColumn();
            timeline_strip(job, now_);
            if (ImGui::IsItemHovered()) job_tooltip(job);
            if (!row.readers.empty()) {
                std::string readers = "read by";
                for (const std::string& reader : row.readers) readers += " " + reader;
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", readers.c_str());
            }
            if (state_.show_transitions) transitions(job);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }

    void transitions(const JobDescription& job) {
        if (job.transitions > job.timeline.size()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(2);
            ImGui::TextDisabled(
                "(%llu earlier transitions not kept)",
                static_cast<unsigned long long>(job.transitions - job.timeline.size()));
        }
        const Clock::time_point first = job.timeline.empty() ? now_ : job.timeline.front().time;
        for (const JobTransition& step : job.timeline) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(2);
            ImGui::TextColored(state_colour(step.state), "%-9s", to_string(step.state));
            ImGui::SameLine();
            ImGui::TextDisabled("frame %u  +%.3f s", step.frame, seconds(step.time - first));
        }
    }

    void executor() {
        const ExecutorStats stats = runtime_.executor().stats();
        const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV;
        if (!ImGui::BeginTable("executor", 4, flags)) return;
        // Labels fitted to the longest ("threads started"), figures sharing the rest.
        for (int column = 0; column < 4; ++column)
            ImGui::TableSetupColumn(nullptr, column % 2 == 0 ? ImGuiTableColumnFlags_WidthFixed
                                                             : ImGuiTableColumnFlags_WidthStretch);
        auto figure = [](const char* label, const char* help, const char* format, auto... values) {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(label);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
            ImGui::TableNextColumn();
            ImGui::Text(format, values...);
        };
        figure("running", "runs executing job code, each holding one of the executor's slots",
               "%zu / %zu", stats.running, stats.max_running);
        figure("waiting", "runs in sleep_for() or blocking(), and runs on dedicated threads", "%zu",
               stats.waiting);
        figure("queued", "runs waiting for a slot or a thread", "%zu", stats.queued);
        figure("threads", "threads alive now (workers and the service thread), and the bound",
               "%zu / %zu", stats.threads, stats.max_threads);
        figure("idle threads", "workers waiting for work", "%zu", stats.idle_threads);
        figure("peak threads", "most threads alive at once", "%zu", stats.peak_threads);
        figure("threads started", "threads started since the executor was created", "%zu",
               stats.threads_started);
        figure("runs started", "runs that reached job code", "%zu", stats.runs_started);
        figure("housekeeping", "stop requests and job destructions not yet done", "%zu",
               stats.housekeeping);
        figure("start failures", "threads that could not be started", "%zu", stats.start_failures);
        ImGui::EndTable();
    }

    // The hovered component's window, outlined over everything.
    void outline() {
        if (!state_.last.hovered_component) return;
        ImGuiWindow* window = hovered_window_ ? ImGui::FindWindowByID(hovered_window_) : nullptr;
        if (!window || !(window->Active || window->WasActive)) return;
        const ImVec2 min = window->Pos;
        const ImVec2 max(window->Pos.x + window->Size.x, window->Pos.y + window->Size.y);
        ImDrawList* draw = ImGui::GetForegroundDrawList(window);  // its viewport's, with docking
        const ImU32 yellow = IM_COL32(255, 255, 0, 255);
#if IMGUI_VERSION_NUM >= 19280  // 1.92.8 swapped AddRect's flags and thickness
        draw->AddRect(min, max, yellow, 0.0f, 2.0f);
#else
        draw->AddRect(min, max, yellow, 0.0f, 0, 2.0f);
#endif
        state_.last.outline_min = min;
        state_.last.outline_max = max;
    }

    RuntimeImpl& runtime_;
    InspectorState& state_;
    Clock::time_point now_;
    std::vector<Node> nodes_;
    std::vector<std::size_t> roots_;
    std::vector<JobRow> jobs_;
    std::unordered_map<const void*, std::size_t> job_index_;
    ImGuiID hovered_window_ = 0;
};

}  // namespace

const InspectorFrame* last_inspector_frame(ImGuiContext* context) {
    RuntimeImpl* runtime = RuntimeImpl::find(context);
    if (!runtime || !runtime->inspector()) return nullptr;
    return &static_cast<InspectorState*>(runtime->inspector().get())->last;
}

}  // namespace detail

void ShowInspectorContents() {
    ImGuiContext* context = ImGui::GetCurrentContext();
    IM_ASSERT(context && "imhooks::ShowInspectorContents: no current ImGui context");
    detail::RuntimeImpl* runtime = detail::RuntimeImpl::find_in_frame(context);
    if (!runtime) {
        ImGui::TextWrapped(
            "No imhooks::Runtime is attached to this ImGui context: create one after "
            "ImGui::CreateContext().");
        return;
    }
    detail::Window window(*runtime, detail::state_of(*runtime));
    window.draw();
}

void ShowInspectorWindow(bool* open) {
    if (open && !*open) return;
    struct End {
        ~End() { ImGui::End(); }
    };
    const bool expanded = ImGui::Begin("imhooks inspector", open);
    End end;
    if (expanded) ShowInspectorContents();
}

}  // namespace imhooks
