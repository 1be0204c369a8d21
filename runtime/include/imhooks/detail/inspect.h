// Internal: what ShowInspectorWindow reads of hooks and jobs, the sections other parts of the
// library add to it, and what it drew last (for tests). Not a public API.
#pragma once

#include <imhooks/result_state.h>

#include <imgui.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace imhooks {
class Runtime;
}  // namespace imhooks

namespace imhooks::detail {

// A hook's value as the inspector shows it.
struct ValueText {
    enum class Kind : unsigned char {
        None,          // no value held: a job before its first result, use_effect, use_context
        Text,          // `text` shows the value
        NotPrintable,  // no inspect_value<T>, no operator<<, and not a type shown by default
    };
    Kind kind = Kind::None;
    std::string text;
};

// A state a job's UI was shown, with when it was first shown.
struct JobTransition {
    std::chrono::steady_clock::time_point time{};  // the time of the frame that built it
    std::uint32_t frame = 0;  // the low bits of that runtime frame's number; 0: outside frames
    ResultState state = ResultState::Initial;
};

// The last states a job's UI was shown: a ring of fixed size (16 bytes an entry), written when a
// snapshot is built whose state differs from the one before (a few times per run, never per
// frame). Guarded by the job's lock. The first few entries are kept inline and the ring is made
// only when a job goes beyond them: a component with a job costs its runtime the inline part
// alone until its job has run a few times, which is what a frame mounting thousands of them pays.
class JobTimeline {
  public:
    static constexpr std::size_t kCapacity = 16;
    static constexpr std::size_t kInline = 4;  // Initial, Starting, Running, Finished

    void record(ResultState state, std::size_t frame, std::chrono::steady_clock::time_point time) {
        const auto frame_bits = static_cast<std::uint32_t>(frame);
        if (kept_ > 0) {
            JobTransition& last = at(recorded_ - 1);
            if (frame != 0 && last.frame == frame_bits && last.time == time) {
                // A second snapshot in one frame (built at its start, then Starting when deps
                // change): that frame's UI shows only this one.
                if (kept_ > 1 && at(recorded_ - 2).state == state) {
                    --kept_;
                    --recorded_;
                } else {
                    last.state = state;
                }
                return;
            }
            if (last.state == state) return;
        }
        if (!ring_ && recorded_ == kInline) {
            auto ring = std::make_unique<std::array<JobTransition, kCapacity>>();
            for (std::size_t i = 0; i < kInline; ++i) (*ring)[i] = inline_[i];
            ring_ = std::move(ring);
        }
        at(recorded_) = {time, frame_bits, state};
        ++recorded_;
        if (kept_ < kCapacity) ++kept_;
    }
    // Oldest first.
    std::vector<JobTransition> entries() const {
        std::vector<JobTransition> out;
        out.reserve(kept_);
        for (std::uint64_t i = recorded_ - kept_; i < recorded_; ++i) out.push_back(at(i));
        return out;
    }
    // Transitions recorded since the job was created (those before the last kCapacity are gone).
    std::uint64_t recorded() const { return recorded_; }
    // The state recorded last; none before the first.
    std::optional<ResultState> last_state() const {
        if (kept_ == 0) return std::nullopt;
        return at(recorded_ - 1).state;
    }

  private:
    // Entry `i` of all recorded: inline until the ring exists (then i < kInline).
    JobTransition& at(std::uint64_t i) {
        return ring_ ? (*ring_)[i % kCapacity] : inline_[static_cast<std::size_t>(i)];
    }
    const JobTransition& at(std::uint64_t i) const {
        return ring_ ? (*ring_)[i % kCapacity] : inline_[static_cast<std::size_t>(i)];
    }

    std::array<JobTransition, kInline> inline_{};
    std::unique_ptr<std::array<JobTransition, kCapacity>> ring_;
    std::uint64_t recorded_ = 0;
    std::uint32_t kept_ = 0;  // entries in use, the newest `kept_` recorded
};

// A job as the inspector shows it.
struct JobDescription {
    const void* identity = nullptr;  // the same for every hook and reader of one job
    std::string name;                // its component (use_thread, use_task) or TaskOptions::name
    ResultState state = ResultState::Initial;
    ValueText value;
    std::optional<float> progress;
    std::string progress_text;
    std::string error;  // the error shown (error_message()), empty when none
    bool stale = false;
    bool cancel_requested = false;
    std::uint64_t runs = 0;  // runs requested since the job was created
    std::vector<JobTransition> timeline;
    std::uint64_t transitions = 0;  // JobTimeline::recorded()
};

// A job an inspector can describe: a use_thread hook or a Task.
class JobSource {
  public:
    virtual ~JobSource() = default;
    // The job as the current frame's UI shows it. Registers no reader and requests no frame; the
    // value's printer (user code) runs outside the job's lock. UI thread.
    virtual void describe_job(JobDescription& out) = 0;
};

// A hook as the inspector shows it (Slot::describe). A job's hook describes itself through its
// job (Slot::job) instead.
struct HookDescription {
    ValueText value;
    std::string note;  // what else identifies it (a use_persistent_state's key)
};

//----------------------------------------------------------------------------------------------
// Sections added by other parts of the library
//----------------------------------------------------------------------------------------------

// Shows a section in ShowInspectorWindow while it lives (see add_inspector_section).
class InspectorSectionHandle {
  public:
    InspectorSectionHandle() = default;
    explicit InspectorSectionHandle(std::shared_ptr<void> entry) : entry_(std::move(entry)) {}
    ~InspectorSectionHandle() { reset(); }
    InspectorSectionHandle(InspectorSectionHandle&&) noexcept = default;
    InspectorSectionHandle& operator=(InspectorSectionHandle&& other) noexcept {
        if (this != &other) {
            reset();
            entry_ = std::move(other.entry_);
        }
        return *this;
    }
    // Removes the section. Any thread; a draw already running on the UI thread finishes.
    void reset() noexcept;

  private:
    std::shared_ptr<void> entry_;
};

// Adds a section to every ShowInspectorWindow, after the built-in ones and the sections added
// before, until the returned handle is destroyed: a collapsing header `name` (open at first) whose
// contents `draw` renders, given the runtime being inspected (that of the current ImGui context).
// `draw` runs on the UI thread inside the inspector's window, only while the section is open; it
// must not render components, call hooks or request frames (the inspector must not disturb what
// it shows). An exception escaping it is shown in its place. Costs nothing while no inspector is
// shown. Any thread.
[[nodiscard]] InspectorSectionHandle add_inspector_section(std::string name,
                                                           std::function<void(Runtime&)> draw);

//----------------------------------------------------------------------------------------------
// What the inspector drew (for tests)
//----------------------------------------------------------------------------------------------

struct InspectorFrame {
    std::size_t frame = 0;          // the runtime's frame in which it was drawn
    ImGuiID hovered_component = 0;  // the component whose window it outlined, 0: none
    ImVec2 outline_min, outline_max;
    struct Row {
        ImGuiID component;
        ImVec2 min, max;  // the screen rectangle of its row in the component tree
    };
    std::vector<Row> rows;
    std::vector<JobDescription> jobs;  // the jobs it listed, in the order listed
};

// What the latest ShowInspectorWindow drew for the runtime of `context`, or null when it never
// drew (closed or collapsed windows draw nothing). UI thread.
const InspectorFrame* last_inspector_frame(ImGuiContext* context);

}  // namespace imhooks::detail
