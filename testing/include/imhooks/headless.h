// A headless harness: an ImGui context with no window and no GL, a Runtime, and helpers to step
// frames, wait for worker threads and click items by label. For tests of imhooks panels.
//
//   imhooks::Headless ui;
//   auto panel = [] { imhooks::component("primes", [] { PrimesPanel(); }); };
//   ui.frame(panel);
//   ui.click("Cancel", panel);
//   REQUIRE(ui.frame_until(panel, [&] { return seen_state == imhooks::ResultState::Cancelled; }));
//
// Everything here runs on the thread that created the harness (it is the UI thread).
#pragma once

#include <imhooks/runtime.h>

#include <imgui.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace imhooks {

class Headless {
  public:
    using Body = std::function<void()>;

    // Creates and makes current an ImGui context (no .ini file, fixed display size and time
    // step, font atlas built) and a Runtime attached to it.
    explicit Headless(ImVec2 display_size = {1024, 768}, RuntimeOptions options = {});
    // Destroys the Runtime (stopping and joining jobs), then the context.
    ~Headless();
    Headless(const Headless&) = delete;
    Headless& operator=(const Headless&) = delete;

    Runtime& runtime() { return *runtime_; }
    ImGuiContext* context() const { return context_; }
    std::size_t frames() const { return frames_; }

    // One frame: NewFrame(), body(), Render().
    void frame(const Body& body);
    // `count` frames.
    void frames(int count, const Body& body);
    // Renders frames until done() is true (checked after each frame). Between frames it waits
    // for the runtime to need one (Runtime::wait), at most 5 ms, so a condition that no frame
    // request announces is seen too. False on timeout.
    bool frame_until(const Body& body, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Renders frames while the runtime asks for them (at most `max_frames`); returns how many.
    int settle(const Body& body, int max_frames = 100);

    // Clicks the item labelled `label` (the label as passed to ImGui, "##" suffix included):
    // locates it among the items rendered directly in a window or a component's body, then
    // renders a frame with the mouse button down over it and one with it released (the frame
    // in which ImGui::Button returns true). Throws std::runtime_error naming the label when no
    // such item is rendered. Renders a few extra frames while locating.
    void click(std::string_view label, const Body& body);
    // The screen rectangle of the item labelled `label`, or an empty optional (renders frames).
    struct ItemRect {
        ImVec2 min, max;
        bool clipped = false;  // its centre is outside the window's visible area
    };
    std::optional<ItemRect> find_item(std::string_view label, const Body& body);

    // Raw mouse input for the next frames.
    void mouse_move(ImVec2 position);
    void mouse_button(bool down);

  private:
    ImGuiContext* context_ = nullptr;
    ImGuiContext* previous_ = nullptr;
    std::unique_ptr<Runtime> runtime_;
    std::size_t frames_ = 0;
};

}  // namespace imhooks
