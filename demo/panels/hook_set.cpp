// Panel 7: the rest of the hook set. A look (accent and zoom) provided by context to nested
// components; a todo list driven by a reducer, with actions from a worker thread too; use_previous
// noticing a change; a selection reset when the filter (its dependency) changes; and values kept
// in ImGui's .ini file across restarts.
#include "panels.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

namespace demo {

namespace {

//----------------------------------------------------------------------------------------------
// Context: the look that nested components draw with

enum class Accent { Warm, Cool };  // saved in the .ini file as its underlying integer

struct Look {
    ImVec4 accent;
    float zoom = 1.0f;
};

ImVec4 accent_colour(Accent accent) {
    return accent == Accent::Warm ? ImVec4(0.95f, 0.55f, 0.25f, 1.0f)
                                  : ImVec4(0.35f, 0.70f, 0.95f, 1.0f);
}

// A nested component: it gets the look from whatever provides it around it, not as a parameter.
void Swatch(const char* label) {
    const Look& look = imhooks::use_context<Look>();
    const float height = ImGui::GetFrameHeight() * look.zoom;
    const ImVec2 size(ImGui::CalcTextSize(label).x * look.zoom + 16.0f, height);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y), ImGui::GetColorU32(look.accent),
                        4.0f * look.zoom);
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize() * look.zoom,
                  ImVec2(at.x + 8.0f, at.y + (height - ImGui::GetFontSize() * look.zoom) * 0.5f),
                  IM_COL32(20, 20, 20, 255), label);
    ImGui::Dummy(size);
}

//----------------------------------------------------------------------------------------------
// Reducer: the todo list

struct Todo {
    std::string text;
    bool done = false;
};
struct AddTodo {
    std::string text;
};
struct ToggleTodo {
    std::size_t index;
};
struct ClearDone {};
using TodoAction = std::variant<AddTodo, ToggleTodo, ClearDone>;

// Every change to the list goes through here, on the UI thread at the start of a frame, whatever
// thread dispatched the action.
std::vector<Todo> reduce_todos(const std::vector<Todo>& todos, const TodoAction& action) {
    std::vector<Todo> next = todos;
    if (const auto* add = std::get_if<AddTodo>(&action)) {
        if (!add->text.empty()) next.push_back({add->text, false});
    } else if (const auto* toggle = std::get_if<ToggleTodo>(&action)) {
        if (toggle->index < next.size()) next[toggle->index].done = !next[toggle->index].done;
    } else {
        std::erase_if(next, [](const Todo& todo) { return todo.done; });
    }
    return next;
}

enum class Filter { All, Open, Done };

bool shows(Filter filter, const Todo& todo) {
    return filter == Filter::All || (filter == Filter::Done) == todo.done;
}

}  // namespace

void HookSetPanel(const Options& options) {
    Note(
        "What to look for: the swatches get their look by context; the worker's todos arrive one "
        "by one; a new filter clears the selection; accent, zoom and name survive a restart.");

    // Persistent state: read from the .ini file at mount, written back when they change.
    auto [accent, set_accent] = imhooks::use_persistent_state("demo.accent", Accent::Warm);
    auto [zoom, set_zoom] = imhooks::use_persistent_state("demo.zoom", 1.0f);
    auto [name, set_name] = imhooks::use_persistent_state("demo.name", std::string("guest"));

    int choice = static_cast<int>(accent);
    if (ImGui::RadioButton("warm", &choice, 0)) set_accent(Accent::Warm);
    ImGui::SameLine();
    if (ImGui::RadioButton("cool", &choice, 1)) set_accent(Accent::Cool);
    ImGui::SameLine();
    float zoom_edit = zoom;
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::SliderFloat("##zoom", &zoom_edit, 0.8f, 1.6f, "zoom %.2f")) set_zoom(zoom_edit);

    // use_previous: the zoom of the previous render, to notice a change.
    const float* previous_zoom = imhooks::use_previous(zoom);
    float& changed_from = imhooks::use_ref(zoom);
    if (previous_zoom && *previous_zoom != zoom) changed_from = *previous_zoom;
    ImGui::TextDisabled("use_previous: zoom was %.2f before its last change", changed_from);

    // Context: everything rendered in this component from here on reads this look...
    imhooks::provide_context(Look{accent_colour(accent), zoom});
    imhooks::component("swatch", [] { Swatch("from context"); });
    ImGui::SameLine();
    {
        // ...except inside this scope, whose provider is innermost.
        imhooks::ContextProvider<Look> inverted(
            Look{accent_colour(accent == Accent::Warm ? Accent::Cool : Accent::Warm), zoom});
        imhooks::component("inverted", [] { Swatch("inner provider"); });
    }
    ImGui::Separator();

    // Reducer: the list changes only through actions.
    auto [todos, dispatch] = imhooks::use_reducer(
        reduce_todos, std::vector<Todo>{{"read the README", true}, {"try use_reducer", false}});
    auto& draft = imhooks::use_ref(std::string(64, '\0'));
    ImGui::SetNextItemWidth(170.0f);
    const bool entered = ImGui::InputTextWithHint(
        "##todo", "a new todo", draft.data(), draft.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("Add") || entered) {
        dispatch(AddTodo{draft.c_str()});
        std::memset(draft.data(), 0, draft.size());
    }
    ImGui::SameLine();
    // A worker dispatches too: each click is a run that adds three todos, 0.4 s apart.
    auto [batch, set_batch] = imhooks::use_state(0);
    imhooks::Result<int> worker = imhooks::use_thread(
        [batch, dispatch](std::stop_token) {
            if (batch == 0) return 0;
            for (int i = 1; i <= 3; ++i) {
                imhooks::sleep_for(std::chrono::milliseconds(400));
                char text[48];
                std::snprintf(text, sizeof text, "from worker run %d (%d of 3)", batch, i);
                dispatch(AddTodo{text});
            }
            return 3;
        },
        imhooks::deps(batch));
    if (ImGui::Button(worker.in_flight() ? "Adding..." : "Worker adds 3"))
        set_batch([](int n) { return n + 1; });

    // State reset by dependencies: the selection belongs to one filter.
    auto [filter, set_filter] = imhooks::use_state(Filter::All);
    auto [selected, set_selected] = imhooks::use_state(-1, imhooks::deps(filter));
    int filter_choice = static_cast<int>(filter);
    const char* filters[] = {"all", "open", "done"};
    for (int i = 0; i < 3; ++i) {
        if (ImGui::RadioButton(filters[i], &filter_choice, i)) set_filter(static_cast<Filter>(i));
        ImGui::SameLine();
    }
    if (selected >= 0)
        ImGui::TextDisabled("| selected: #%d", selected + 1);
    else
        ImGui::TextDisabled("| nothing selected");

    ImGui::BeginChild("todos", ImVec2(0.0f, 92.0f), true);
    for (std::size_t i = 0; i < todos.size(); ++i) {
        const Todo& todo = todos[i];
        if (!shows(filter, todo)) continue;
        ImGui::PushID(static_cast<int>(i));
        bool done = todo.done;
        if (ImGui::Checkbox("##done", &done)) dispatch(ToggleTodo{i});
        ImGui::SameLine();
        if (ImGui::Selectable(todo.text.c_str(), selected == static_cast<int>(i)))
            set_selected(static_cast<int>(i));
        ImGui::PopID();
    }
    ImGui::EndChild();
    if (ImGui::SmallButton("Clear done")) dispatch(ClearDone{});
    ImGui::Separator();

    // A persistent text field.
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s", name.c_str());
    ImGui::SetNextItemWidth(170.0f);
    if (ImGui::InputText("your name", buffer, sizeof buffer)) set_name(std::string(buffer));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    if (options.settings_file.empty())
        ImGui::TextWrapped(
            "Hello, %s. Kept for this run only: start the demo with --settings FILE to keep "
            "accent, zoom and name across runs.",
            name.c_str());
    else
        ImGui::TextWrapped("Hello, %s. Kept in %s.", name.c_str(), options.settings_file.c_str());
    ImGui::PopStyleColor();
}

}  // namespace demo
