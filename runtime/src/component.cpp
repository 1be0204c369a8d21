// Entering and leaving component instances, and the error boundary around their bodies.
#include "runtime_impl.h"
#include "unwind.h"

#include <imhooks/detail/diagnostics.h>
#include <imhooks/hook_error.h>
#include <imhooks/runtime.h>

#include <imgui_internal.h>

#include <string>

namespace imhooks::detail {

// Private access to Instance for the functions of this file.
struct ComponentAccess {
    static Instance* parent(Instance& instance) { return instance.parent_; }
    static bool& committed(Instance& instance) { return instance.committed_; }
    static std::size_t cursor(Instance& instance) { return instance.cursor_; }
    static std::size_t slot_count(Instance& instance) { return instance.slot_count_; }
    static ImGuiID id(Instance& instance) { return instance.id_; }
    static bool own_seed(Instance& instance) { return instance.own_seed_; }
    static bool failed(Instance& instance) { return instance.failed_flag_; }
    static const std::string& failure_message(Instance& instance) {
        return instance.failed_->message;
    }
    static void set_failed(Instance& instance, std::exception_ptr error) {
        instance.failed_ = std::make_unique<Instance::Failure>(
            Instance::Failure{error, describe_exception(error)});
        instance.failed_flag_ = true;
    }
    static void clear_failed(Instance& instance) {
        instance.failed_.reset();
        instance.failed_flag_ = false;
    }
    static void unmount(Instance& instance) { instance.unmount(); }
    [[noreturn]] static void throw_changed(Instance& instance, std::size_t index,
                                           const std::string& now) {
        instance.throw_changed(index, now);
    }
};

namespace {

using Access = ComponentAccess;

const ImVec4 kErrorColor{1.0f, 0.42f, 0.38f, 1.0f};

// The error boundary drawn in place of a failed component, with the Retry button that remounts it.
void draw_failed(Instance& instance) {
    ImGui::PushOverrideID(Access::id(instance));
    ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
    ImGui::TextWrapped("component \"%s\" failed: %s", instance.name().c_str(),
                       Access::failure_message(instance).c_str());
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("Retry")) {
        Access::clear_failed(instance);  // the next frame mounts it afresh
        instance.core()->request_frame();
    }
    ImGui::PopID();
}

std::string rendered_twice_message(const std::string& name) {
    return "imhooks: component \"" + name +
           "\" was rendered twice in one frame under the same ID stack; give each instance its "
           "own key (or PushID around them; keys with the same text after \"###\" are one key)";
}

// The ID a string key adds to the ID stack: what PushID(key) pushes, except for the empty key.
// ImGui hashes an empty (or null) text as "up to the NUL", reading past the view or through a
// null pointer, and PushID("") would push the enclosing scope's own ID: the empty key hashes one
// NUL byte instead, an ID of its own (a key "\0" gets the same ID, and the key comparison still
// tells them apart).
ImGuiID string_key_id(ImGuiWindow& window, std::string_view key) {
    const ImGuiID seed = window.IDStack.back();
    if (key.empty()) return ImHashStr("", 1, seed);
    return ImHashStr(key.data(), key.size(), seed);
}

// The ID of the instance for a key in the current window: the same as PushID(key) would push
// (but for the empty key, see string_key_id), hashed once.
ImGuiID component_id(ImGuiWindow& window, std::string_view name, long long int_key,
                     bool string_key) {
    return string_key
               ? string_key_id(window, name)
               : ImGui::GetID(reinterpret_cast<const void*>(static_cast<std::intptr_t>(int_key)));
}

bool release(std::string_view name, long long int_key, bool string_key) {
    RuntimeImpl* runtime = RuntimeImpl::find_in_frame(ImGui::GetCurrentContext());
    if (!runtime || !runtime->in_frame())
        throw HookError("imhooks: release_component(\"" +
                        (string_key ? std::string(name) : int_key_name(int_key)) +
                        "\") was called without a Runtime or outside a frame; call it where the "
                        "component would be rendered, between ImGui::NewFrame() and "
                        "ImGui::Render()");
    ImGuiWindow& window = *GImGui->CurrentWindow;
    return runtime->release(component_id(window, name, int_key, string_key), window.IDStack.back(),
                            string_key ? name : std::string_view(), int_key, string_key);
}

}  // namespace

ComponentScope enter_component(std::string_view name, long long int_key, bool string_key,
                               const ComponentOptions& options) {
    RuntimeImpl* runtime = RuntimeImpl::find_in_frame(ImGui::GetCurrentContext());
    auto display_name = [&] { return string_key ? std::string(name) : int_key_name(int_key); };
    if (!runtime)
        throw HookError("imhooks: component \"" + display_name() +
                        "\" was rendered without a Runtime; create an imhooks::Runtime after "
                        "ImGui::CreateContext()");
    if (!runtime->in_frame())
        throw HookError("imhooks: component \"" + display_name() +
                        "\" was rendered outside a frame; render components between "
                        "ImGui::NewFrame() and ImGui::Render()");

    ImGuiContext& g = *GImGui;
    ComponentScope scope;
    save_stacks(scope, g);
    ImGuiWindow& window = *g.CurrentWindow;
    const ImGuiID seed = window.IDStack.back();
    const ImGuiID id = component_id(window, name, int_key, string_key);

    const RuntimeImpl::Entered entered = runtime->enter(
        id, seed, string_key ? name : std::string_view(), int_key, string_key, options);
    Instance* instance = entered.instance;
    if (!instance) {
        const std::string message = rendered_twice_message(display_name());
        if (!runtime->options().error_boundaries) throw HookError(message);
        // Drawn every frame, reported once per instance: the misuse repeats with each frame.
        if (entered.report)
            runtime->report(display_name(), "render", std::make_exception_ptr(HookError(message)));
        ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
        ImGui::TextWrapped("%s", message.c_str());
        ImGui::PopStyleColor();
        return {};
    }
    ComponentObserver* observer = runtime->observer();
    if (Access::failed(*instance)) {
        t_current_instance = Access::parent(*instance);
        if (observer) observer->enter(instance->name());
        draw_failed(*instance);
        if (observer) observer->leave(instance->name());
        return {};
    }
    // Its body's ID seed: the key's ID, unless another key had that ID first.
    ImGui::PushOverrideID(Access::own_seed(*instance) ? Access::id(*instance) : id);
    scope.instance = instance;
    scope.runtime = runtime;
    if (observer) observer->enter(instance->name());
    return scope;
}

void leave_component(ComponentScope& scope) {
    Instance& instance = *scope.instance;
    const std::size_t cursor = Access::cursor(instance);
    const std::size_t slots = Access::slot_count(instance);
    if (Access::committed(instance) && cursor < slots)
        Access::throw_changed(instance, cursor,
                              "no hook (this frame called " + std::to_string(cursor) + " of " +
                                  std::to_string(slots) + ")");
    Access::committed(instance) = true;
    ImGui::PopID();
    RuntimeImpl& runtime = *scope.runtime;
    if (ContextStack::any()) runtime.contexts().leave(instance);
    t_current_instance = Access::parent(instance);
    if (ComponentObserver* observer = runtime.observer()) observer->leave(instance.name());
}

void fail_component(ComponentScope& scope, std::exception_ptr error) {
    Instance& instance = *scope.instance;
    RuntimeImpl& runtime = *scope.runtime;
    runtime.contexts().leave(instance);  // what its body provided
    t_current_instance = Access::parent(instance);
    unwind_scopes(scope, *GImGui);
    ComponentObserver* observer = runtime.observer();
    if (!runtime.options().error_boundaries) {
        if (observer) observer->leave(instance.name());
        std::rethrow_exception(error);
    }
    // Like an unmount: cleanups run, jobs stop; the placeholder keeps the instance's place.
    Access::unmount(instance);
    Access::set_failed(instance, error);
    runtime.report(instance.name(), "render", error);
    draw_failed(instance);
    if (observer) observer->leave(instance.name());
}

}  // namespace imhooks::detail

namespace imhooks {

bool release_component(std::string_view key) {
    return detail::release(key, 0, true);
}
bool release_component(const char* key) {
    return detail::release(key, 0, true);
}
bool release_component(long long key) {
    return detail::release({}, key, false);
}
bool release_component(int key) {
    return detail::release({}, key, false);
}

}  // namespace imhooks
