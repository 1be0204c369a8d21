// HookError: thrown for misuse of components and hooks.
#pragma once

#include <stdexcept>
#include <string>

namespace imhooks {

// Thrown on the UI thread for misuse: a hook called outside a component, hooks whose order, kind
// or type changed between frames, one component key rendered twice in a frame, or a component
// rendered without a Runtime. The message names the component, the slot and both hook kinds.
// The component's stored state is left as it was.
class HookError : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

}  // namespace imhooks
