#include <imhooks/headless.h>

#include <imhooks/detail/component_observer.h>
#include <imhooks/detail/imgui_compat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace imhooks {

namespace compat = detail::compat;

namespace {

std::string quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

// A path segment as PushID() hashes it: "$$N" is PushID(int N), anything else PushID(string).
ImGuiID hash_segment(std::string_view segment, ImGuiID seed) {
    if (segment.size() > 2 && segment.substr(0, 2) == "$$") {
        const std::string digits(segment.substr(2));
        char* end = nullptr;
        const long value = std::strtol(digits.c_str(), &end, 10);
        if (end && *end == '\0') {
            const int id = static_cast<int>(value);
            return ImHashData(&id, sizeof(id), seed);
        }
    }
    return ImHashStr(segment.data(), segment.size(), seed);
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    for (std::size_t at = 0;;) {
        const std::size_t slash = path.find('/', at);
        segments.push_back(path.substr(at, slash == std::string_view::npos ? slash : slash - at));
        if (slash == std::string_view::npos) return segments;
        at = slash + 1;
    }
}

bool in_window(ImGuiWindow* window, ImGuiID target) {
    for (; window; window = window->ParentWindow)
        if (window->ID == target) return true;
    return false;
}

}  // namespace

//----------------------------------------------------------------------------------------------
// Frames

Headless::Headless(ImVec2 display_size, RuntimeOptions options) {
    previous_ = ImGui::GetCurrentContext();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display_size;
    io.DeltaTime = 1.0f / 60.0f;
    compat::prepare_headless_renderer(io);
    compat::init_key_map(io);
    runtime_ = std::make_unique<Runtime>(context_, options);
}

Headless::~Headless() {
    ImGui::SetCurrentContext(context_);
    runtime_.reset();
    ImGui::DestroyContext(context_);
    ImGui::SetCurrentContext(previous_);
}

void Headless::frame(const Body& body) {
    ImGui::SetCurrentContext(context_);
    ImGui::NewFrame();
    struct EndFrame {
        ~EndFrame() {
            ImGui::Render();
            compat::acknowledge_textures();
        }
    } end;
    if (body) body();
    ++frames_;
}

void Headless::frames(int count, const Body& body) {
    for (int i = 0; i < count; ++i) frame(body);
}

bool Headless::frame_until(const Body& body, const std::function<bool()>& done,
                           std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        frame(body);
        if (done()) return true;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return false;
        // Wake for the runtime, and every few milliseconds to look at done() again: it may
        // depend on something (a test's event) that does not request a frame.
        runtime_->wait(
            std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                     std::chrono::milliseconds(5)));
    }
}

int Headless::settle(const Body& body, int max_frames) {
    int rendered = 0;
    while (rendered < max_frames && runtime_->needs_frame()) {
        frame(body);
        ++rendered;
    }
    return rendered;
}

void Headless::mouse_move(ImVec2 position) {
    compat::mouse_position(context_->IO, position);
}
void Headless::mouse_button(bool down) {
    compat::mouse_button(context_->IO, 0, down);
}

//----------------------------------------------------------------------------------------------
// Items

// An ID an item may have, and the window it would be submitted in.
struct Headless::Candidate {
    ImGuiID id;
    ImGuiID window;  // by ID: a window may go away while frames are rendered
};

// ImGui's navigation records the rectangle of the item whose ID is the nav ID when it is
// submitted, clipped or not: make the candidate the nav ID for one frame.
std::optional<Headless::ItemRect> Headless::probe(const Candidate& candidate, const Body& body) {
    ImGuiContext& g = *context_;
    ImGuiWindow* window = ImGui::FindWindowByID(candidate.window);
    if (!window) return std::nullopt;
    g.NavId = candidate.id;
    g.NavWindow = window;
    g.NavLayer = ImGuiNavLayer_Main;
    compat::hide_nav_cursor(g);
    for (ImRect& rect : window->NavRectRel) rect = ImRect();
    frame(body);
    if (!g.NavIdIsAlive || g.NavId != candidate.id || g.NavWindow != window ||
        ImGui::FindWindowByID(candidate.window) != window)
        return std::nullopt;
    const ImRect rect = ImGui::WindowRectRelToAbs(window, window->NavRectRel[g.NavLayer]);
    ItemRect item{rect.Min, rect.Max};
    item.clipped = !window->ClipRect.Contains(rect.GetCenter()) &&
                   !(g.NavLayer != ImGuiNavLayer_Main && window->Rect().Contains(rect.GetCenter()));
    return item;
}

std::optional<Headless::ItemRect> Headless::find_item(std::string_view item, const Body& body) {
    ImGui::SetCurrentContext(context_);
    ImGuiContext& g = *context_;
    if (frames_ == 0) frame(body);

    // The scopes items are hashed in: components, tab bars, windows (front-most first) and their
    // menu bars, tables.
    std::vector<Candidate> scopes;
    runtime_->for_each_component([&](const ComponentInfo& info) {
        if (info.window_id) scopes.push_back({info.id, info.window_id});
    });
    for (int n = 0; n < g.TabBars.GetMapSize(); ++n)
        if (ImGuiTabBar* bar = g.TabBars.TryGetMapData(n))
            if (bar->PrevFrameVisible >= g.FrameCount - 1)
                if (ImGuiWindow* window = compat::tab_bar_window(g, bar))
                    scopes.push_back({bar->ID, window->ID});
    for (int i = g.Windows.Size - 1; i >= 0; --i) {
        ImGuiWindow* window = g.Windows[i];
        if (!window->WasActive && !window->Active) continue;
        scopes.push_back({window->ID, window->ID});
        if (window->Flags & ImGuiWindowFlags_MenuBar)
            for (const char* bar : {"##menubar", "##MenuBar"})
                scopes.push_back({ImHashStr(bar, 0, window->ID), window->ID});
    }
    for (int n = 0; n < g.Tables.GetMapSize(); ++n)
        if (ImGuiTable* table = g.Tables.TryGetMapData(n))
            if (table->LastFrameActive >= g.FrameCount - 1 && table->InnerWindow)
                scopes.push_back({table->ID, table->InnerWindow->ID});

    std::vector<Candidate> candidates;
    auto add = [&](const Candidate& candidate) {
        for (const Candidate& seen : candidates)
            if (seen.id == candidate.id && seen.window == candidate.window) return;
        candidates.push_back(candidate);
    };
    for (const Candidate& scope : scopes)
        add({ImHashStr(item.data(), item.size(), scope.id), scope.window});
    if (item.find('/') != std::string_view::npos) {
        const std::vector<std::string_view> path = split_path(item);
        for (const Candidate& scope : scopes) {
            ImGuiID id = scope.id;
            for (std::string_view segment : path) id = hash_segment(segment, id);
            add({id, scope.window});
        }
    }

    // Probing moves the keyboard focus; put it back.
    const ImGuiID nav_id = g.NavId;
    ImGuiWindow* const nav_window = g.NavWindow;
    const ImGuiNavLayer nav_layer = g.NavLayer;
    std::optional<ItemRect> found;
    for (const Candidate& candidate : candidates)
        if ((found = probe(candidate, body))) break;
    g.NavId = nav_id;
    g.NavWindow = nav_window;
    g.NavLayer = nav_layer;
    return found;
}

void Headless::click(std::string_view item, const Body& body) {
    const std::optional<ItemRect> rect = find_item(item, body);
    if (!rect)
        throw std::runtime_error(
            "imhooks::Headless::click: no item " + quoted(item) +
            " is rendered in a component, window, tab bar, menu or table; name the ID scopes "
            "that lead to it, e.g. \"row 3/Delete\" or \"$$3/Delete\" for PushID(3)");
    if (rect->clipped)
        throw std::runtime_error("imhooks::Headless::click: the item " + quoted(item) +
                                 " is outside its window's visible area; make the window larger "
                                 "or scroll to it");
    mouse_move({(rect->min.x + rect->max.x) * 0.5f, (rect->min.y + rect->max.y) * 0.5f});
    frame(body);  // hover
    mouse_button(true);
    frame(body);  // press
    mouse_button(false);
    frame(body);  // release: the button reports the click in this frame
}

//----------------------------------------------------------------------------------------------
// Keyboard

void Headless::type(std::string_view text, const Body& body) {
    ImGuiContext& g = *context_;
    if (g.ActiveId == 0 || g.InputTextState.ID != g.ActiveId)
        throw std::runtime_error("imhooks::Headless::type: no text input is being edited to type " +
                                 quoted(text) + " into; click one first, or use type_into()");
    g.IO.AddInputCharactersUTF8(std::string(text).c_str());
    frame(body);
}

void Headless::type_into(std::string_view item, std::string_view text, const Body& body) {
    click(item, body);
    ImGuiContext& g = *context_;
    if (g.ActiveId == 0 || g.InputTextState.ID != g.ActiveId)
        throw std::runtime_error("imhooks::Headless::type_into: the item " + quoted(item) +
                                 " is not a text input (clicking it did not start editing)");
    press("ctrl+a", body);
    type(text, body);
}

void Headless::press(std::string_view chord, const Body& body) {
    int modifiers = 0;
    const compat::Key* key = nullptr;
    std::string lower(chord);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::size_t at = 0;
    for (;;) {
        const std::size_t plus = lower.find('+', at);
        const std::string part = lower.substr(at, plus == std::string::npos ? plus : plus - at);
        if (part == "ctrl" || part == "control") {
            modifiers |= compat::Ctrl;
        } else if (part == "shift") {
            modifiers |= compat::Shift;
        } else if (part == "alt") {
            modifiers |= compat::Alt;
        } else if (part == "super" || part == "cmd") {
            modifiers |= compat::Super;
        } else if (const compat::Key* found = compat::find_key(part); found && !key) {
            key = found;
        } else {
            throw std::invalid_argument(
                "imhooks::Headless::press: " + quoted(part) + " in " + quoted(chord) +
                (key ? " is a second key; a chord has modifiers and one key"
                     : " is not a key; keys are a-z, 0-9, f1-f12, enter, escape, tab, space, "
                       "backspace, delete, insert, left, right, up, down, home, end, pageup, "
                       "pagedown, after modifiers ctrl, shift, alt, super"));
        }
        if (plus == std::string::npos) break;
        at = plus + 1;
    }
    if (!key)
        throw std::invalid_argument("imhooks::Headless::press: " + quoted(chord) +
                                    " has no key, only modifiers");
    ImGuiIO& io = context_->IO;
    compat::modifiers(io, modifiers);
    compat::key(io, *key, true);
    frame(body);
    compat::key(io, *key, false);
    compat::modifiers(io, 0);
    frame(body);
}

//----------------------------------------------------------------------------------------------
// Reading what is shown

// Logs the text of the components it is after to a buffer, from their enter to their leave.
struct Headless::TextCapture final : detail::ComponentObserver {
    std::string component;  // the key of the components to read, or
    ImGuiID window = 0;     // the window whose components to read
    int nested = 0;         // components entered inside the one being read
    bool reading = false;
    bool found = false;
    bool cut_short = false;  // ImGui stopped logging inside the component
    std::string text;

    void enter(const std::string& name) override {
        if (reading) {
            ++nested;
            return;
        }
        ImGuiContext& g = *GImGui;
        const bool wanted = window ? in_window(g.CurrentWindow, window) : name == component;
        if (!wanted || g.LogEnabled) return;
        found = true;
        reading = true;
        nested = 0;
        ImGui::LogToBuffer(0);  // depth 0: closed tree nodes stay closed
    }

    void leave(const std::string&) override {
        if (!reading) return;
        if (nested > 0) {
            --nested;
            return;
        }
        reading = false;
        ImGuiContext& g = *GImGui;
        if (!g.LogEnabled) {
            cut_short = true;
            return;
        }
        text += g.LogBuffer.c_str();
        ImGui::LogFinish();
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        text += '\n';
    }
};

std::string Headless::capture(TextCapture& capture, const Body& body, const std::string& what) {
    ImGui::SetCurrentContext(context_);
    detail::set_component_observer(context_, &capture);
    struct Unset {
        ImGuiContext* context;
        ~Unset() { detail::set_component_observer(context, nullptr); }
    } unset{context_};
    frame(body);
    if (capture.cut_short)
        throw std::runtime_error(
            "imhooks::Headless::text: ImGui stopped logging inside " + what +
            ", at the end of a top-level window it began (before ImGui 1.92, ending a window "
            "ends ImGui's logging); read the components inside that window instead");
    if (!capture.found)
        throw std::runtime_error("imhooks::Headless::text: no " + what + " was rendered");
    return capture.text;
}

std::string Headless::text(std::string_view component, const Body& body) {
    TextCapture capture;
    capture.component = component;
    return this->capture(capture, body, "component keyed " + quoted(component));
}

std::string Headless::window_text(std::string_view window, const Body& body) {
    TextCapture capture;
    capture.window = ImHashStr(window.data(), window.size());
    return this->capture(capture, body, "component in the window " + quoted(window));
}

}  // namespace imhooks
