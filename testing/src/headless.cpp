#include <imhooks/headless.h>

#include <imhooks/detail/imgui_compat.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace imhooks {

Headless::Headless(ImVec2 display_size, RuntimeOptions options) {
    previous_ = ImGui::GetCurrentContext();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display_size;
    io.DeltaTime = 1.0f / 60.0f;
    detail::compat::prepare_headless_renderer(io);
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
            detail::compat::acknowledge_textures();
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
    ImGui::GetIO().MousePos = position;
}
void Headless::mouse_button(bool down) {
    ImGui::GetIO().MouseDown[0] = down;
}

std::optional<Headless::ItemRect> Headless::find_item(std::string_view label, const Body& body) {
    ImGui::SetCurrentContext(context_);
    ImGuiContext& g = *context_;
    // Items rendered directly in a component's body are hashed from the component's ID, items
    // directly in a window from the window's ID. Try each; ImGui's navigation records the
    // rectangle of the item whose ID is the nav ID when it is submitted.
    struct Candidate {
        ImGuiID id;
        ImGuiID window_id;
    };
    std::vector<Candidate> candidates;
    const char* begin = label.data();
    const char* end = begin + label.size();
    runtime_->for_each_component([&](const ComponentInfo& info) {
        candidates.push_back({ImHashStr(begin, end - begin, info.id), info.window_id});
    });
    for (ImGuiWindow* window : g.Windows)
        if (window->WasActive || window->Active)
            candidates.push_back({ImHashStr(begin, end - begin, window->ID), window->ID});

    for (const Candidate& candidate : candidates) {
        ImGuiWindow* window = ImGui::FindWindowByID(candidate.window_id);
        if (!window) continue;
        g.NavId = candidate.id;
        g.NavWindow = window;
        g.NavLayer = ImGuiNavLayer_Main;
        detail::compat::hide_nav_cursor(g);
        window->NavRectRel[ImGuiNavLayer_Main] = ImRect();
        frame(body);
        const bool found = g.NavIdIsAlive && g.NavId == candidate.id;
        const ImRect rect =
            ImGui::WindowRectRelToAbs(window, window->NavRectRel[ImGuiNavLayer_Main]);
        g.NavId = 0;
        if (found) {
            ItemRect item{rect.Min, rect.Max};
            item.clipped = !window->ClipRect.Contains(rect.GetCenter());
            return item;
        }
    }
    return std::nullopt;
}

void Headless::click(std::string_view label, const Body& body) {
    const std::optional<ItemRect> rect = find_item(label, body);
    if (!rect)
        throw std::runtime_error("imhooks::Headless::click: no item labelled \"" +
                                 std::string(label) +
                                 "\" is rendered directly in a window or component");
    if (rect->clipped)
        throw std::runtime_error("imhooks::Headless::click: the item labelled \"" +
                                 std::string(label) +
                                 "\" is outside its window's visible area; make the window larger");
    mouse_move({(rect->min.x + rect->max.x) * 0.5f, (rect->min.y + rect->max.y) * 0.5f});
    frame(body);  // hover
    mouse_button(true);
    frame(body);  // press
    mouse_button(false);
    frame(body);  // release: the button reports the click in this frame
}

}  // namespace imhooks
