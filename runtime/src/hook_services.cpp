#include <imhooks/detail/hook_services.h>

#include <imhooks/detail/diagnostics.h>
#include <imhooks/hook_error.h>

#include "runtime_impl.h"

#include <string>

namespace imhooks::detail {

RuntimeImpl& runtime_in_frame(const char* what) {
    RuntimeImpl* runtime = RuntimeImpl::find_in_frame(ImGui::GetCurrentContext());
    if (!runtime)
        throw HookError(std::string("imhooks: ") + what +
                        " was used without a Runtime; create an imhooks::Runtime after "
                        "ImGui::CreateContext()");
    if (!runtime->in_frame())
        throw HookError(std::string("imhooks: ") + what +
                        " was used outside a frame; use it between ImGui::NewFrame() and "
                        "ImGui::Render()");
    return *runtime;
}

void push_context(RuntimeImpl& runtime, const std::type_info& type, const void* value,
                  const void* owner) {
    runtime.contexts().push({&type, value, owner, t_current_instance});
}

void pop_context(RuntimeImpl& runtime, const void* owner) noexcept {
    runtime.contexts().pop(owner);
}

const void* find_context(RuntimeImpl& runtime, const std::type_info& type) noexcept {
    return runtime.contexts().find(type);
}

void throw_missing_context(const Instance& instance, const std::type_info& type) {
    const std::string name = type_name(type);
    throw HookError("imhooks: use_context<" + name + "> in component \"" + instance.name() +
                    "\" found no provider of " + name +
                    "; provide one in an enclosing component with provide_context(value), or "
                    "around it with imhooks::ContextProvider<" +
                    name + ">, or give use_context a default: use_context<" + name + ">(fallback)");
}

void report_hook_error(Instance& instance, const char* where, std::exception_ptr error) noexcept {
    instance.runtime().report(instance.name(), where, std::move(error));
}

}  // namespace imhooks::detail
