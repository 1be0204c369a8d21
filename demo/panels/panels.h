// The demo's panels. Each one is a component (a plain function rendered through
// imhooks::component) that shows one feature of imhooks; main.cpp gives each its own window.
#pragma once

#include <imgui.h>
#include <imhooks/imhooks.h>

#include <cstddef>
#include <string>
#include <vector>

namespace demo {

// The demo's own command-line options (the runner parses the rest).
struct Options {
    bool print_state = false;   // the primes panel and the server call print each state shown
    bool print_layout = false;  // print where the buttons that tests click are on screen
    bool start_call = false;    // the blocking-call panel places its call at once
    bool start_save = false;    // the save-as panel starts saving at once
    int primes_limit = 5'000'000;
    std::string settings_file;  // --settings: the runner's ini_filename (empty: none)
};

//----------------------------------------------------------------------------------------------
// Panels (UI thread, inside a component)
//----------------------------------------------------------------------------------------------

// 1. use_thread with a dependency: counts primes below a slider's value; stale value, progress,
//    Cancel and Retry.
void PrimesPanel(const Options& options);
// 2. A Generator job that streams a Mandelbrot image row by row into a texture.
void MandelbrotPanel();
// 3. A job that fails: its error, Retry, and the last good value kept.
void ErrorPanel();
// 4. A job blocked in a system call of a "third-party" library, unblocked by a
//    std::stop_callback.
void BlockingCallPanel(const Options& options);
// 5. A job's live state on the state diagram, and the transitions the UI saw.
void StateMachinePanel();

// 7. The rest of the hook set: use_context, use_reducer, use_previous, use_state with deps,
//    use_persistent_state.
void HookSetPanel(const Options& options);

// 6. imhooks::ShowInspectorWindow, in the window "imhooks inspector" (UI thread, outside
//    components).
void InspectorPanel();

// 7. A Task called by a button with the path typed in: progress, Cancel, the saved file.
void SaveAsPanel(const Options& options);
// 8. Another window reading the same Task: its state follows every save.
void SaveStatusPanel();

// 10. A search box debounced (use_debounced), its matches streamed (Stream) by a use_query.
void SearchPanel();
// 11. 10,000 rows in a clipped list with a use_query per row: keep-alive by cache.
void ThumbnailsPanel();
// 12. A flaky server: retries with backoff, polling, invalidate, an optimistic write.
void NetworkPanel();
// 13. The entries of the runtime's query cache.
void QueryCachePanel();

//----------------------------------------------------------------------------------------------
// Widgets shared by the panels (UI thread)
//----------------------------------------------------------------------------------------------

// The "What to look for" line at the top of a panel.
void Note(const char* text);
// A colour per state, used by every panel and the state diagram.
ImVec4 StateColour(imhooks::ResultState state);
// The state as a small coloured label.
void StateBadge(imhooks::ResultState state);
// A progress bar for work of unknown length. While `animate`, it asks the runtime for the next
// frame in 16 ms; otherwise it is drawn still and costs no frames.
void IndeterminateProgressBar(bool animate, const ImVec2& size = ImVec2(-1.0f, 0.0f));
// Prints "layout: NAME X Y W H" (the last item's rectangle) when it first appears or moves, for
// tests that click it. Does nothing unless enabled.
void ReportLayout(const char* name);
void EnableLayoutReports(bool enabled);
// 1234567 -> "1,234,567".
std::string WithThousands(long long value);

}  // namespace demo
