// Checks a use_thread hook's Results frame by frame against the SPEC's state machine; shared by
// the stress test and the fuzzer.
#pragma once

#include <imhooks/result.h>

#include <array>
#include <cstddef>
#include <string>

namespace imhooks::test {

constexpr std::size_t kStates = 7;

constexpr std::size_t index_of(ResultState state) {
    return static_cast<std::size_t>(state);
}

// The transitions one run makes (result.h and SPEC rules 1, 2, 4-6, 9):
//   Initial  -> Starting                        the first run starts after the first frame
//   Starting -> Running | Waiting               Waiting while the previous run is in user code
//   Waiting  -> Running
//   Running  -> Finished | Error | Cancelled
//   Starting | Waiting -> Cancelled             cancel() before the run reached user code
//   Starting -> Error                           no thread could be started for it
// A new run (retry, dependency change) is not part of this table: it may lead anywhere.
constexpr std::array<std::array<bool, kStates>, kStates> run_edges() {
    std::array<std::array<bool, kStates>, kStates> edge{};
    auto add = [&](ResultState from, ResultState to) { edge[index_of(from)][index_of(to)] = true; };
    using S = ResultState;
    add(S::Initial, S::Starting);
    add(S::Starting, S::Running);
    add(S::Starting, S::Waiting);
    add(S::Waiting, S::Running);
    add(S::Running, S::Finished);
    add(S::Running, S::Error);
    add(S::Running, S::Cancelled);
    add(S::Starting, S::Cancelled);
    add(S::Waiting, S::Cancelled);
    add(S::Starting, S::Error);
    return edge;
}

// Frames coalesce: between two frames a worker may pass through several of those transitions,
// so what two consecutive frames may show is the reflexive-transitive closure of run_edges().
constexpr std::array<std::array<bool, kStates>, kStates> within_run() {
    auto reach = run_edges();
    for (std::size_t s = 0; s < kStates; ++s) reach[s][s] = true;
    for (std::size_t k = 0; k < kStates; ++k)
        for (std::size_t i = 0; i < kStates; ++i)
            for (std::size_t j = 0; j < kStates; ++j)
                if (reach[i][k] && reach[k][j]) reach[i][j] = true;
    return reach;
}

// Whether a frame may show `next` after the previous frame showed `prev`.
//   new_run: a run was requested in between (retry() from any thread, a dependency change):
//            then any state but Initial may follow.
//   Otherwise only the closure above. Initial shows in the first frame only: the first run is
//   requested right after it (rule 1), so Initial never follows anything.
// In particular a terminal state (Finished, Error, Cancelled) never changes without a new run.
constexpr bool step_allowed(ResultState prev, ResultState next, bool new_run) {
    if (next == ResultState::Initial) return false;
    if (new_run) return true;
    return within_run()[index_of(prev)][index_of(next)];
}

// The relation written out, so a change of the table above is a visible change of this file.
static_assert(step_allowed(ResultState::Initial, ResultState::Finished, false));
static_assert(step_allowed(ResultState::Starting, ResultState::Waiting, false));
static_assert(step_allowed(ResultState::Running, ResultState::Cancelled, false));
static_assert(!step_allowed(ResultState::Running, ResultState::Starting, false));
static_assert(!step_allowed(ResultState::Running, ResultState::Waiting, false));
static_assert(!step_allowed(ResultState::Finished, ResultState::Running, false));
static_assert(!step_allowed(ResultState::Cancelled, ResultState::Finished, false));
static_assert(!step_allowed(ResultState::Error, ResultState::Cancelled, false));
static_assert(!step_allowed(ResultState::Initial, ResultState::Initial, false));
static_assert(step_allowed(ResultState::Finished, ResultState::Finished, true));
static_assert(!step_allowed(ResultState::Finished, ResultState::Initial, true));

// What one frame's Result must satisfy whatever came before (rules 1, 4, 5, 8 and result.h).
// Returns an empty string when it holds, else what is wrong.
template <class T>
std::string snapshot_problem(const Result<T>& result) {
    const ResultState state = result.state();
    const bool has_value = result.value() != nullptr;
    if (result.stale() && !has_value) return "stale() without a value";
    if (const auto progress = result.progress(); progress && !(*progress >= 0 && *progress <= 1))
        return "progress() outside [0, 1]";
    switch (state) {
        case ResultState::Initial:
            if (has_value || result.error() || result.progress() || result.stale())
                return "Initial with a value, an error, progress or stale()";
            break;
        case ResultState::Starting:
        case ResultState::Waiting:
            // A new run has produced nothing yet: what is shown is an earlier run's.
            if (result.progress() || !result.progress_text().empty())
                return "Starting/Waiting with the progress of an earlier run";
            if (has_value && !result.stale()) return "Starting/Waiting with a value not stale()";
            break;
        case ResultState::Finished:
            if (!has_value) return "Finished without a value";
            if (result.stale()) return "Finished with a stale() value";
            if (result.error()) return "Finished with an error";
            break;
        case ResultState::Error:
            if (!result.error()) return "Error without error()";
            if (result.error_message().empty()) return "Error with an empty error_message()";
            break;
        case ResultState::Running:
        case ResultState::Cancelled:
            break;
    }
    return {};
}

}  // namespace imhooks::test
