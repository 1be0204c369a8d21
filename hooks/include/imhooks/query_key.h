// QueryKey: the typed key of a use_query cache entry: a list of parts, each a string or an
// integer, compared with == and hashed. key("thumb", 42) and key("thumb", 43) are two entries;
// key("thumb") is a prefix of both (invalidate(key("thumb")) reaches every thumbnail).
#pragma once

#include <climits>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace imhooks {

class QueryKey;

namespace detail {
template <class P>
concept key_text = std::is_convertible_v<const P&, std::string_view>;
template <class P>
concept key_integer = std::integral<P> && !std::same_as<P, bool> && !std::same_as<P, char>;
template <class P>
concept key_part = key_text<P> || key_integer<P> || std::same_as<P, QueryKey>;
}  // namespace detail

// A sequence of parts, each a string or an integer (any integer type: 42, 42u and 42LL are the
// same part; "42" is another). Stored as one encoded string: building one allocates at most
// once, comparing and hashing it reads it once. Values, copyable; any thread.
class QueryKey {
  public:
    // The empty key: no parts, a prefix of every key.
    QueryKey() = default;
    // A key of one part, or a tuple's parts in order (std::tuple{"thumb", 42}).
    QueryKey(std::string_view text) { add(text); }
    QueryKey(const char* text) { add(std::string_view(text)); }
    QueryKey(const std::string& text) { add(std::string_view(text)); }
    template <detail::key_integer I>
    QueryKey(I value) {
        add(value);
    }
    template <class... Ps>
    requires(detail::key_part<std::decay_t<Ps>>&&...) QueryKey(const std::tuple<Ps...>& parts) {
        std::apply([this](const auto&... p) { (add(p), ...); }, parts);
    }

    // Appends one part (a key appends all of its parts). Returns *this.
    QueryKey& add(std::string_view text);
    template <detail::key_integer I>
    QueryKey& add(I value) {
        if constexpr (std::is_signed_v<I>)
            return add_integer(static_cast<std::int64_t>(value), false);
        else if (static_cast<std::uint64_t>(value) <= static_cast<std::uint64_t>(INT64_MAX))
            return add_integer(static_cast<std::int64_t>(value), false);
        else
            return add_integer(static_cast<std::int64_t>(value), true);
    }
    QueryKey& add(const QueryKey& parts) {
        encoded_ += parts.encoded_;
        parts_ += parts.parts_;
        return *this;
    }
    QueryKey& add(const char* text) { return add(std::string_view(text)); }
    QueryKey& add(const std::string& text) { return add(std::string_view(text)); }

    // Number of parts.
    std::size_t size() const { return parts_; }
    bool empty() const { return parts_ == 0; }
    // Whether this key's first prefix.size() parts are prefix's parts. Every key starts with the
    // empty key and with itself. Parts are compared whole: key("thumb", 42) does not start with
    // key("thumb", 4), nor key("thumbnail") with key("thumb").
    bool starts_with(const QueryKey& prefix) const {
        return std::string_view(encoded_).starts_with(prefix.encoded_);
    }
    // The key as text, for messages and inspectors: ["thumb", 42].
    std::string text() const;
    std::size_t hash() const { return std::hash<std::string_view>()(encoded_); }

    friend bool operator==(const QueryKey& a, const QueryKey& b) {
        return a.encoded_ == b.encoded_;
    }
    // An order of keys (by encoding, not readable): keys can be map keys.
    friend std::strong_ordering operator<=>(const QueryKey& a, const QueryKey& b) {
        return a.encoded_.compare(b.encoded_) <=> 0;
    }

  private:
    QueryKey& add_integer(std::int64_t value, bool unsigned_high);
    // Each part: a tag byte, then for an integer 8 bytes, for a string its length (a varint)
    // and its bytes. Self-delimiting, so a prefix of parts is a prefix of the encoding.
    std::string encoded_;
    std::size_t parts_ = 0;
};

// key("thumb", 42): a QueryKey of these parts (strings, integers, or keys whose parts are
// appended). Any thread.
template <class... Ps>
requires(detail::key_part<std::decay_t<Ps>>&&...) QueryKey key(const Ps&... parts) {
    QueryKey made;
    (made.add(parts), ...);
    return made;
}

struct QueryKeyHash {
    std::size_t operator()(const QueryKey& key) const { return key.hash(); }
};

}  // namespace imhooks

template <>
struct std::hash<imhooks::QueryKey> {
    std::size_t operator()(const imhooks::QueryKey& key) const { return key.hash(); }
};
