// deps(...): the dependency list of use_memo, use_effect and use_thread.
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace imhooks {

namespace detail {
// C strings are compared by content: deps("a") keeps a std::string copy.
template <class T>
using dep_storage_t = std::conditional_t<std::is_same_v<std::decay_t<T>, const char*> ||
                                             std::is_same_v<std::decay_t<T>, char*>,
                                         std::string, std::decay_t<T>>;

// ==, except that two NaNs are equal: a NaN dependency would otherwise differ from itself and
// re-run its hook every frame.
template <class T>
bool dep_equal(const T& a, const T& b) {
    if constexpr (std::is_floating_point_v<T>)
        return a == b || (a != a && b != b);
    else
        return a == b;
}
}  // namespace detail

// A typed list of dependency values, compared with == (floating-point values: also equal when
// both are NaN). Holds copies of the values.
template <class... Ts>
class Deps {
  public:
    static_assert((std::equality_comparable<Ts> && ...),
                  "imhooks::deps(...): every dependency must be comparable with ==");
    static_assert((std::copy_constructible<Ts> && ...),
                  "imhooks::deps(...): every dependency must be copyable");

    Deps() = default;
    template <class... Us>
    requires(sizeof...(Us) == sizeof...(Ts) && sizeof...(Us) > 0) explicit Deps(Us&&... values)
        : values_(std::forward<Us>(values)...) {}

    bool operator==(const Deps& other) const {
        return equal(other, std::index_sequence_for<Ts...>{});
    }
    const std::tuple<Ts...>& values() const { return values_; }

  private:
    template <std::size_t... I>
    bool equal(const Deps& other, std::index_sequence<I...>) const {
        return (detail::dep_equal(std::get<I>(values_), std::get<I>(other.values_)) && ...);
    }

    std::tuple<Ts...> values_;
};

// deps(a, b, ...): the hook re-runs when any value differs (==; NaN equals NaN) from the previous
// frame's.
// deps() never changes: the hook runs once, on mount. Any thread (it only builds a value).
template <class... Ts>
Deps<detail::dep_storage_t<Ts>...> deps(Ts&&... values) {
    return Deps<detail::dep_storage_t<Ts>...>(
        detail::dep_storage_t<Ts>(std::forward<Ts>(values))...);
}

}  // namespace imhooks
