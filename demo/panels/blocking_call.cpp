// Panel 4: a job stuck inside a blocking call of a library that knows nothing about stop tokens.
// A std::stop_callback, registered on the job's stop token, is what gets it out.
#include "panels.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>

namespace demo {

namespace {

using namespace std::chrono_literals;
constexpr std::chrono::milliseconds kServerDelay = 4s;

// Stands in for a third-party client: receive() blocks in poll() until the server answers, and
// the only way to end it early is interrupt() from another thread (as with closing a socket).
class LegacyConnection {
  public:
    LegacyConnection() {
        if (::pipe2(wake_, O_CLOEXEC) != 0)
            throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    ~LegacyConnection() {
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    LegacyConnection(const LegacyConnection&) = delete;
    LegacyConnection& operator=(const LegacyConnection&) = delete;

    // Blocks until the reply arrives (after `delay`) or interrupt() is called.
    std::string receive(std::chrono::milliseconds delay) {
        const auto deadline = std::chrono::steady_clock::now() + delay;
        for (;;) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd fd{wake_[0], POLLIN, 0};
            const int ready = ::poll(&fd, 1, static_cast<int>(std::max(left.count(), 0L)));
            if (ready == 0) return "200 OK, 1,024 bytes";
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) throw std::system_error(errno, std::generic_category(), "poll");
            throw std::runtime_error("connection aborted");
        }
    }

    // Any thread.
    void interrupt() {
        const char byte = 1;
        while (::write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
        }
    }

  private:
    int wake_[2] = {-1, -1};
};

// The job. Cancel requests stop on `stop`; checkpoints cannot help while the thread sits in
// poll(), but a stop_callback runs on the cancelling thread and interrupts the call.
std::string call_server(bool unblock_on_stop, std::stop_token stop) {
    LegacyConnection connection;
    auto interrupt = [&connection] { connection.interrupt(); };
    std::optional<std::stop_callback<decltype(interrupt)>> unblock;
    if (unblock_on_stop) unblock.emplace(stop, interrupt);  // runs at once if already stopped
    return connection.receive(kServerDelay);
}

bool in_flight(imhooks::ResultState state) {
    using imhooks::ResultState;
    return state == ResultState::Starting || state == ResultState::Waiting ||
           state == ResultState::Running;
}

// One call, mounted by the panel when the user places it. Unmounting it ("Hang up") stops its
// job like Cancel does.
void ServerCall(bool unblock_on_stop, const imhooks::Setter<bool>& set_calling, bool print_state) {
    imhooks::Result<std::string> call = imhooks::use_thread(
        [unblock_on_stop](std::stop_token stop) { return call_server(unblock_on_stop, stop); },
        imhooks::deps(unblock_on_stop));
    const imhooks::ResultState state = call.state();

    // How long the current run has been under way, as seen by the UI.
    struct Clock {
        imhooks::ResultState last = imhooks::ResultState::Initial;
        double started = 0;
        double ended = 0;
        std::optional<imhooks::ResultState> printed;
    };
    const double now = ImGui::GetTime();
    Clock& clock = imhooks::use_ref(Clock{.started = now, .ended = now, .printed = {}});
    const bool restarted =
        state == imhooks::ResultState::Starting || state == imhooks::ResultState::Waiting;
    if (state != clock.last) {
        if ((restarted || !in_flight(clock.last)) && in_flight(state)) clock.started = now;
        if (!in_flight(state)) clock.ended = now;
        clock.last = state;
    }

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("state");
    ImGui::SameLine();
    StateBadge(state);
    if (in_flight(state)) {
        ImGui::SameLine();
        ImGui::Text("blocked for %.1f s", now - clock.started);
    } else if (state != imhooks::ResultState::Initial) {
        ImGui::SameLine();
        ImGui::TextDisabled("ended after %.1f s", clock.ended - clock.started);
    }

    // Nothing reports progress from inside poll(): the bar only says "busy", and asks for
    // frames only while the job is in flight.
    IndeterminateProgressBar(in_flight(state));
    ReportLayout("call.progress");

    if (state == imhooks::ResultState::Waiting) {
        ImGui::TextWrapped(
            "WAITING: the previous run is still inside receive(); this one starts "
            "when it leaves.");
    } else if (call.cancel_requested() && in_flight(state)) {
        ImGui::PushStyleColor(ImGuiCol_Text, StateColour(imhooks::ResultState::Cancelled));
        ImGui::TextWrapped(
            "Cancel requested, but nothing interrupts receive(): the job ends "
            "when the server answers.");
        ImGui::PopStyleColor();
    } else if (const std::string* reply = call.value()) {
        ImGui::Text("reply: %s%s", reply->c_str(), call.stale() ? " (stale)" : "");
    } else if (state == imhooks::ResultState::Cancelled) {
        ImGui::TextDisabled("cancelled: no reply");
    } else {
        ImGui::TextDisabled("waiting for the reply (the server takes %d s)",
                            static_cast<int>(kServerDelay.count() / 1000));
    }

    const ImVec2 button(100.0f, 0.0f);
    ImGui::BeginDisabled(!in_flight(state) || call.cancel_requested());
    if (ImGui::Button("Cancel", button)) call.cancel();
    ReportLayout("call.cancel");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Retry", button)) call.retry();
    ReportLayout("call.retry");
    ImGui::SameLine();
    if (ImGui::Button("Hang up", button)) set_calling(false);

    if (print_state && state != clock.printed) {
        clock.printed = state;
        std::printf("call: %s after %.2f s\n", imhooks::to_string(state), now - clock.started);
        std::fflush(stdout);
    }
}

}  // namespace

void BlockingCallPanel(const Options& options) {
    Note(
        "What to look for: Cancel a blocked call: the stop_callback frees it at once; without it, "
        "it waits 4 s.");

    auto [unblock_on_stop, set_unblock_on_stop] = imhooks::use_state(true);
    auto [calling, set_calling] = imhooks::use_state(options.start_call);

    bool checked = unblock_on_stop;
    if (ImGui::Checkbox("unblock it with a std::stop_callback", &checked))
        set_unblock_on_stop(checked);
    ImGui::TextDisabled("(changing it while a call runs starts a new call)");

    // What the job does with the box checked (call_server above).
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.0f, 0.0f, 0.0f, 0.35f));
    ImGui::BeginChild("code", ImVec2(-1.0f, ImGui::GetTextLineHeightWithSpacing() * 5 + 10), true);
    ImGui::TextUnformatted(
        "LegacyConnection connection;  // third-party\n"
        "std::stop_callback on_stop(stop, [&] {\n"
        "    connection.interrupt();   // runs on Cancel\n"
        "});\n"
        "return connection.receive();  // blocks in poll()");
    ImGui::EndChild();
    ImGui::PopStyleColor();
    ImGui::Spacing();

    // A component rendered only while `calling`: its job starts after its first frame and is
    // stopped when it unmounts.
    if (calling) {
        imhooks::component("call",
                           [&] { ServerCall(unblock_on_stop, set_calling, options.print_state); });
    } else {
        ImGui::TextDisabled("No call placed.");
        if (ImGui::Button("Call the server", ImVec2(160.0f, 0.0f))) set_calling(true);
        ReportLayout("call.start");
    }
}

}  // namespace demo
