// Internal: a hook around every component body, for the test harness (it reads the text a
// component renders this way). Not a public API.
#pragma once

#include <string>

struct ImGuiContext;

namespace imhooks::detail {

class ComponentObserver {
  public:
    virtual ~ComponentObserver() = default;
    // Before the body of the component `name` runs (inside its ID scope), or before its error
    // boundary is drawn. UI thread.
    virtual void enter(const std::string& name) = 0;
    // After the body returned, or after its error boundary was drawn (the scopes the body left
    // open already ended), or before its exception propagates. UI thread.
    virtual void leave(const std::string& name) = 0;
};

// Sets the observer of the Runtime attached to `context` (nullptr: none). Returns false when no
// Runtime is attached. Costs the components one test of a pointer each when unset. UI thread.
bool set_component_observer(ImGuiContext* context, ComponentObserver* observer);

}  // namespace imhooks::detail
