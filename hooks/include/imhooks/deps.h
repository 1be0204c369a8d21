// deps(...): the dependency list of use_memo, use_effect and use_thread.
#pragma once

#include <concepts>
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
}  // namespace detail

// A typed list of dependency values, compared with ==. Holds copies of the values.
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

    bool operator==(const Deps& other) const { return values_ == other.values_; }
    const std::tuple<Ts...>& values() const { return values_; }

  private:
    std::tuple<Ts...> values_;
};

// deps(a, b, ...): the hook re-runs when any value differs (==) from the previous frame's.
// deps() never changes: the hook runs once, on mount. Any thread (it only builds a value).
template <class... Ts>
Deps<detail::dep_storage_t<Ts>...> deps(Ts&&... values) {
    return Deps<detail::dep_storage_t<Ts>...>(
        detail::dep_storage_t<Ts>(std::forward<Ts>(values))...);
}

}  // namespace imhooks
