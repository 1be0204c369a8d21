// Internal: readable names for types and exceptions, and error reports. Not a public API.
#pragma once

#include <exception>
#include <string>
#include <typeinfo>

namespace imhooks::detail {

// A readable C++ name for `type` ("int", "std::string", "std::vector<int>").
std::string type_name(const std::type_info& type);

// A readable message for any exception: what() for std::exception (its type's name when what()
// is null), the text of a thrown string, and the type's name for everything else. A fixed text
// when the message itself cannot be built.
std::string describe_exception(const std::exception_ptr& error);

// Writes "imhooks: <what>: <error>" to stderr. Used where an error cannot reach the caller
// (effects and cleanups after the frame, wakers, detached jobs).
void report_error(const char* what, const std::exception_ptr& error) noexcept;

}  // namespace imhooks::detail
