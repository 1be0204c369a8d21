// A headless harness: an ImGui context with no window and no GL, a Runtime, and what a user does
// and sees: step frames, wait for worker threads, click items, type text, press keys, read the
// text a component rendered. For tests of imhooks panels, with any Dear ImGui from 1.86 to 1.92.
//
//   imhooks::Headless ui;
//   auto panel = [] { imhooks::component("search", [] { SearchPanel(); }); };
//   ui.type_into("query", "prime", panel);
//   ui.press("enter", panel);
//   REQUIRE(ui.frame_until(panel, [&] { return ui.text("search", panel).find("42 results") !=
//                                               std::string::npos; }));
//   ui.click("Cancel", panel);
//
// Everything here runs on the thread that created the harness (it is the UI thread). Every call
// that takes a `body` renders frames with it: `body` is what the application renders between
// ImGui::NewFrame() and ImGui::Render().
#pragma once

#include <imhooks/runtime.h>

#include <imgui.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace imhooks {

class Headless {
  public:
    using Body = std::function<void()>;

    // Creates and makes current an ImGui context (no .ini file, fixed display size and time
    // step, fonts ready without a renderer) and a Runtime attached to it.
    explicit Headless(ImVec2 display_size = {1024, 768}, RuntimeOptions options = {});
    // Destroys the Runtime (stopping and joining jobs), then the context.
    ~Headless();
    Headless(const Headless&) = delete;
    Headless& operator=(const Headless&) = delete;

    Runtime& runtime() { return *runtime_; }
    ImGuiContext* context() const { return context_; }
    std::size_t frames() const { return frames_; }

    //------------------------------------------------------------------------------------------
    // Frames

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

    //------------------------------------------------------------------------------------------
    // Items
    //
    // An item is named by its label as passed to ImGui ("##" and "###" parts included), or by the
    // path of ID scopes that leads to it, '/'-separated, ending with the label: "row 3/Delete" is
    // Button("Delete") inside PushID("row 3") or TreeNode("row 3"), "$$3/Delete" the same inside
    // PushID(3). The label, or the path's first scope, is looked up in every component, window
    // (child windows, popups and open menus included), tab bar, menu bar and table the last frame
    // rendered, so tab items ("first" in BeginTabItem("first")), menus and their items ("File",
    // then "Open") need no path. The whole name is tried as a label first: labels may contain
    // '/'. Locating renders one frame per place looked at (a few per component and window);
    // keyboard focus is left as it was.

    // The screen rectangle of an item, or an empty optional when none is rendered.
    struct ItemRect {
        ImVec2 min, max;
        bool clipped = false;  // its centre is outside the window's visible area
    };
    std::optional<ItemRect> find_item(std::string_view item, const Body& body);

    // Clicks an item: locates it, then renders a frame with the mouse over it, one with the left
    // button down and one with it released (the frame in which ImGui::Button() returns true).
    // Throws std::runtime_error naming the item when none is rendered or when it lies outside its
    // window's visible area.
    void click(std::string_view item, const Body& body);

    //------------------------------------------------------------------------------------------
    // Keyboard

    // Types `text` (UTF-8) into the text input being edited (the InputText() that has the
    // keyboard focus) in one frame, at its cursor. Characters only: Enter, Tab, arrows and
    // shortcuts are keys, see press(). Throws std::runtime_error when no text input is active.
    void type(std::string_view text, const Body& body);
    // Clicks the input `item` (named as for click()), selects all its text (ctrl+a) and types
    // `text` in its place: 6 frames after locating. The input stays active; press("enter") to
    // validate it. Throws std::runtime_error when `item` is not rendered or is not a text input.
    void type_into(std::string_view item, std::string_view text, const Body& body);
    // Presses a key chord and releases it: one frame with the keys down, one with them up.
    // A chord is '+'-joined, case-insensitive: modifiers (ctrl, shift, alt, super) then one key
    // (a-z, 0-9, f1-f12, enter, escape, tab, space, backspace, delete, insert, left, right, up,
    // down, home, end, pageup, pagedown): "enter", "ctrl+a", "shift+tab", "ctrl+shift+z". Sends
    // key events, no characters (type() sends those). With ImGui 1.86 the keys are written to
    // io.KeysDown[] under GLFW's key codes, mapped through io.KeyMap[] as its GLFW backend does;
    // from 1.87 they are io.AddKeyEvent() events. Throws std::invalid_argument naming an unknown
    // key or a chord without one.
    void press(std::string_view chord, const Body& body);

    //------------------------------------------------------------------------------------------
    // Reading what is shown

    // Renders one frame and returns the text the component keyed `component` rendered in it
    // (string keys as given, integer keys as "#42"), nested components and child windows
    // included, as ImGui's own text logging writes it (one line per line of items, buttons in
    // brackets, "[x]" for a checked box): `ui.text("results", frame)` contains "42 results".
    // Several instances with that key (in other ID scopes): their texts in render order. While
    // logging, ImGui also submits items it would clip (an ImGuiListClipper submits every row) and
    // never opens closed tree nodes. Throws std::runtime_error when no such component is rendered,
    // or when the component ends a top-level window of its own, which ends ImGui's logging
    // before ImGui 1.92 (read the components inside that window instead).
    std::string text(std::string_view component, const Body& body);
    // The same for the components rendered in the window titled `window` (as passed to Begin(),
    // "##" part included) and in its child windows and popups, in render order. Text the
    // window's own code renders outside components is not included. Throws std::runtime_error
    // when no component is rendered there.
    std::string window_text(std::string_view window, const Body& body);

    //------------------------------------------------------------------------------------------
    // Raw input for the next frames

    void mouse_move(ImVec2 position);
    void mouse_button(bool down);

  private:
    struct TextCapture;
    struct Candidate;
    std::optional<ItemRect> probe(const Candidate& candidate, const Body& body);
    std::string capture(TextCapture& capture, const Body& body, const std::string& what);

    ImGuiContext* context_ = nullptr;
    ImGuiContext* previous_ = nullptr;
    std::unique_ptr<Runtime> runtime_;
    std::size_t frames_ = 0;
};

}  // namespace imhooks
