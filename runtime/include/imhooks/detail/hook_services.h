// Internal: what hooks need from the runtime beyond their slots: the render-time context stack and
// error reports. Not a public API.
#pragma once

#include <exception>
#include <typeinfo>

namespace imhooks::detail {

class RuntimeImpl;
class Instance;

// The runtime of the current ImGui context, inside a frame. Throws HookError naming `what` when
// there is no Runtime or no frame (before NewFrame() or after Render()). UI thread.
RuntimeImpl& runtime_in_frame(const char* what);

// Pushes `value` (of type `type`) on the context stack until pop_context(owner), or until the
// current component's body ends. UI thread, inside a frame.
void push_context(RuntimeImpl& runtime, const std::type_info& type, const void* value,
                  const void* owner);
void pop_context(RuntimeImpl& runtime, const void* owner) noexcept;
// The innermost value of `type` on the stack, or nullptr.
const void* find_context(RuntimeImpl& runtime, const std::type_info& type) noexcept;
// HookError: use_context<type> in `instance` found no provider.
[[noreturn]] void throw_missing_context(const Instance& instance, const std::type_info& type);

// Hands an error that cannot propagate to the runtime's error handler, naming the instance.
void report_hook_error(Instance& instance, const char* where, std::exception_ptr error) noexcept;

}  // namespace imhooks::detail
