// The error boundary's unwinding of the ImGui scopes a component body left open.
#pragma once

#include <imhooks/runtime.h>

struct ImGuiContext;

namespace imhooks::detail {

// Records where the component begins (cheap: a few loads). UI thread, inside a window.
void save_stacks(ComponentScope& scope, ImGuiContext& g);

// Ends every scope the body opened and left open when it threw, innermost first, each with its
// own closing call, back to the state save_stacks() recorded. UI thread.
void unwind_scopes(const ComponentScope& scope, ImGuiContext& g);

}  // namespace imhooks::detail
