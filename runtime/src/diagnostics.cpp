#include <imhooks/detail/diagnostics.h>

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <typeinfo>

namespace imhooks::detail {

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

std::string demangle(const char* mangled) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    std::string result = status == 0 && name ? name.get() : mangled;
    replace_all(result,
                "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
                "std::string");
    replace_all(result, "std::__cxx11::", "std::");
    return result;
}

}  // namespace

std::string type_name(const std::type_info& type) {
    return demangle(type.name());
}

std::string describe_exception(const std::exception_ptr& error) {
    if (!error) return {};
    try {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            // what() may return null (it is only a virtual function): never build a string from it.
            if (const char* what = e.what()) return what;
            return "exception of type " + demangle(typeid(e).name()) + " (what() returned null)";
        } catch (const char* text) {
            return text ? text : "(null string thrown)";
        } catch (const std::string& text) {
            return text;
        } catch (...) {
            const std::type_info* type = abi::__cxa_current_exception_type();
            return "exception of type " +
                   (type ? demangle(type->name()) : std::string("(unknown)")) +
                   " (not derived from std::exception)";
        }
    } catch (...) {
        // Building the message failed (out of memory): a fixed text, never an exception.
        return "(an exception whose message could not be built)";
    }
}

void report_error(const char* what, const std::exception_ptr& error) noexcept {
    try {
        std::fprintf(stderr, "imhooks: %s: %s\n", what, describe_exception(error).c_str());
    } catch (...) {
        std::fprintf(stderr, "imhooks: %s\n", what);
    }
}

}  // namespace imhooks::detail
