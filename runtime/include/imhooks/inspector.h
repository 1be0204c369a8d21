// ShowInspectorWindow: a devtools window for imhooks, as ImGui::ShowMetricsWindow is for Dear
// ImGui, and inspect_value<T>: how it shows the values of hooks.
//
//   static bool show_inspector = true;
//   imhooks::ShowInspectorWindow(&show_inspector);   // anywhere between NewFrame and Render
#pragma once

#include <imhooks/detail/inspect.h>

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace imhooks {

//----------------------------------------------------------------------------------------------
// The window
//----------------------------------------------------------------------------------------------

// Shows the window "imhooks inspector" for the Runtime of the current ImGui context:
//  - frames and wakes, in total and per second (over the last second of ImGui's time), the
//    components mounted, updates applied, work in flight;
//  - the tree of mounted components, nested as they were rendered, each with its window and its
//    hooks: kind, value type and value (see inspect_value<T>); a job's hook shows its state.
//    Hovering a component outlines its window on the foreground draw list;
//  - every job (use_thread, use_task, and each Task whose result() a component read in its last
//    render): state, value, progress, error, runs requested, and a timeline of the last 16 states
//    its UI was shown, with the frame and time of each (the runtime's frame times);
//  - the executor: runs executing, waiting and queued, threads alive, idle, at most, started;
//  - sections other parts of imhooks add (the query cache).
// `open`: null, or a flag the window's close button clears; while *open is false nothing is
// shown. Call it anywhere between ImGui::NewFrame() and ImGui::Render(), inside or outside a
// component body, once per frame. It is not a component and calls no hook: it mounts nothing,
// changes no state, registers no reader of a Task and requests no frame, so an idle app stays
// idle with it shown. Without a Runtime it says so. Costs, while shown and not collapsed: one
// visit of each mounted component and job, and the value printers of the rows on screen; hidden,
// nothing. UI thread.
void ShowInspectorWindow(bool* open = nullptr);

// The inspector's contents, drawn into the current window: a tab or a docked panel of your own
// tools window. ShowInspectorWindow is Begin("imhooks inspector") + this + End(). UI thread.
void ShowInspectorContents();

//----------------------------------------------------------------------------------------------
// inspect_value<T>: the customisation point
//----------------------------------------------------------------------------------------------

// How the inspector shows a value of type T. Built in:
//   - arithmetic types: numbers ("42", "0.1"; char types as numbers), bool: "true" / "false";
//   - std::string, std::string_view, C strings: quoted, escaped, shortened to 256 bytes;
//   - pointers: the address ("0x7ffd5c30", "null");
//   - enums: their number, unless they have an operator<<;
//   - std::optional, std::pair and containers (anything with begin(), end() and size()): their
//     elements, up to 8, when the elements can be shown ("[1, 2, 3]"), else their size;
//   - any class or enum with an operator<<(std::ostream&, const T&) (found by ADL).
// Anything else shows "not printable". For another type, specialise it in namespace imhooks:
//
//   template <>
//   struct imhooks::inspect_value<Point> {
//       static std::string to_string(const Point& p) {
//           return std::to_string(p.x) + ", " + std::to_string(p.y);
//       }
//   };
//
// A specialisation wins over the rest. to_string runs on the UI thread, only while the inspector
// shows the value; an exception it throws is shown in the value's place.
template <class T>
struct inspect_value {};

// A type with an inspect_value<T>::to_string.
template <class T>
concept inspectable = requires(const T& value) {
    { inspect_value<T>::to_string(value) } -> std::convertible_to<std::string>;
};

namespace detail {

// "\"text\"" with \n, \t, \" and \\ escaped, cut at 256 bytes (on a UTF-8 character boundary).
std::string quote_text(std::string_view text);
// "0x7ffd5c30", or "null".
std::string format_address(const volatile void* address);
// What `write` streams of `value`, cut at 256 bytes.
std::string stream_text(void (*write)(std::ostream&, const void*), const void* value);
// The value's text when printing it threw.
ValueText failed_value_text(std::exception_ptr error);

template <class T>
std::string format_arithmetic(T value) {
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (error != std::errc()) return "?";
    return std::string(buffer, end);
}

}  // namespace detail

template <class T>
requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) struct inspect_value<T> {
    static std::string to_string(T value) {
        if constexpr (std::is_integral_v<T> && sizeof(T) == 1)
            return detail::format_arithmetic(static_cast<int>(value));
        else if constexpr (std::is_integral_v<T> && !std::is_signed_v<T> && sizeof(T) < 4)
            return detail::format_arithmetic(static_cast<unsigned>(value));
        else if constexpr (std::is_integral_v<T> && sizeof(T) < 4)
            return detail::format_arithmetic(static_cast<int>(value));
        else
            return detail::format_arithmetic(value);
    }
};

template <>
struct inspect_value<bool> {
    static std::string to_string(bool value) { return value ? "true" : "false"; }
};

template <>
struct inspect_value<std::string> {
    static std::string to_string(const std::string& value) { return detail::quote_text(value); }
};

template <>
struct inspect_value<std::string_view> {
    static std::string to_string(std::string_view value) { return detail::quote_text(value); }
};

template <>
struct inspect_value<const char*> {
    static std::string to_string(const char* value) {
        return value ? detail::quote_text(value) : std::string("null");
    }
};

template <>
struct inspect_value<char*> : inspect_value<const char*> {};

template <class T>
struct inspect_value<T*> {
    static std::string to_string(T* value) {
        if constexpr (std::is_function_v<T>)
            return value ? "function" : "null";
        else
            return detail::format_address(value);
    }
};

template <>
struct inspect_value<std::nullptr_t> {
    static std::string to_string(std::nullptr_t) { return "null"; }
};

namespace detail {

template <class T>
concept streamable = (std::is_class_v<T> || std::is_enum_v<T>)&&requires(std::ostream& out,
                                                                         const T& value) {
    out << value;
};

template <class T>
struct optional_of {};
template <class T>
struct optional_of<std::optional<T>> {
    using type = T;
};
template <class T>
struct pair_of {};
template <class A, class B>
struct pair_of<std::pair<A, B>> {
    using first = A;
    using second = B;
};

template <class T>
concept container = requires(const T& value) {
    value.begin();
    value.end();
    value.size();
};

// Whether the inspector can show a T (a container always can: by its size at least).
template <class T>
consteval bool printable() {
    if constexpr (inspectable<T> || streamable<T> || std::is_enum_v<T> ||
                  std::is_same_v<T, std::monostate> || container<T>)
        return true;
    else if constexpr (requires { typename optional_of<T>::type; })
        return printable<typename optional_of<T>::type>();
    else if constexpr (requires { typename pair_of<T>::first; })
        return printable<std::remove_const_t<typename pair_of<T>::first>>() &&
               printable<typename pair_of<T>::second>();
    else
        return false;
}

template <class T>
void write_streamed(std::ostream& out, const void* value) {
    out << *static_cast<const T*>(value);
}

// The text of a printable value; `depth` bounds the nesting of containers shown.
template <class T>
std::string print_value(const T& value, int depth = 0) {
    constexpr std::size_t kElements = 8;
    if constexpr (inspectable<T>) {
        return std::string(inspect_value<T>::to_string(value));
    } else if constexpr (streamable<T>) {
        return stream_text(&write_streamed<T>, &value);
    } else if constexpr (std::is_enum_v<T>) {
        return inspect_value<std::underlying_type_t<T>>::to_string(
            static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (std::is_same_v<T, std::monostate>) {
        return "{}";
    } else if constexpr (requires { typename optional_of<T>::type; }) {
        return value ? print_value(*value, depth) : std::string("nullopt");
    } else if constexpr (requires { typename pair_of<T>::first; }) {
        return "(" + print_value(value.first, depth) + ", " + print_value(value.second, depth) +
               ")";
    } else {
        static_assert(container<T>);
        using Element = std::remove_cvref_t<decltype(*value.begin())>;
        const std::size_t size = static_cast<std::size_t>(value.size());
        const std::string count = std::to_string(size) + (size == 1 ? " item" : " items");
        if constexpr (!printable<Element>()) {
            return count;
        } else {
            if (size == 0) return "[]";
            if (depth >= 2) return count;
            std::string text = "[";
            std::size_t shown = 0;
            for (const auto& element : value) {
                if (shown == kElements || text.size() > 256) break;
                if (shown++ > 0) text += ", ";
                text += print_value(element, depth + 1);
            }
            if (shown < size) text += ", ... (" + count + ")";
            return text + "]";
        }
    }
}

// How the inspector shows `value`: its text, or NotPrintable. Never throws.
template <class T>
ValueText describe_value(const T& value) noexcept {
    if constexpr (std::is_same_v<T, std::monostate>) {
        return {};
    } else if constexpr (printable<T>()) {
        try {
            return {ValueText::Kind::Text, print_value(value)};
        } catch (...) {
            return failed_value_text(std::current_exception());
        }
    } else {
        return {ValueText::Kind::NotPrintable, {}};
    }
}

// describe_value of *value, or None when there is no value.
template <class T>
ValueText describe_value_at(const T* value) noexcept {
    return value ? describe_value(*value) : ValueText{};
}

}  // namespace detail

}  // namespace imhooks
