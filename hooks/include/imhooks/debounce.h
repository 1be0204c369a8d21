// use_debounced: a value that follows another once it has been stable for a while.
//
//   auto [text, set_text] = imhooks::use_state(std::string());
//   const std::string& query = imhooks::use_debounced(text, std::chrono::milliseconds(300));
//   auto found = imhooks::use_query(imhooks::key("search", query), [query] { return search(query); });
//
// The search runs once per pause in typing, not once per key.
#pragma once

#include <imhooks/clock.h>
#include <imhooks/deps.h>
#include <imhooks/detail/instance.h>
#include <imhooks/runtime.h>

#include <chrono>
#include <concepts>
#include <memory>
#include <optional>
#include <utility>

namespace imhooks {

namespace detail {

template <class T>
class DebouncedSlot final : public SlotOf<DebouncedSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Debounced;
    using value_type = T;

    template <class V>
    explicit DebouncedSlot(V&& first) : shown_(std::forward<V>(first)) {}

    template <class V>
    const T& render(V&& value, std::chrono::milliseconds delay) {
        if (!(pending_ ? *pending_ == value : shown_ == value)) {
            if (shown_ == value) {
                pending_.reset();  // back to the value shown: nothing to wait for
                return shown_;
            }
            pending_.emplace(T(std::forward<V>(value)));
            since_ = runtime().now();
        }
        if (pending_) {
            Runtime& rt = runtime();
            const Clock::time_point due = saturating_add(since_, delay);
            const Clock::time_point now = rt.now();
            if (now >= due) {
                shown_ = std::move(*pending_);
                pending_.reset();
            } else {
                // The one frame that shows the value; none while waiting.
                rt.request_frame_in(std::chrono::ceil<std::chrono::milliseconds>(due - now));
            }
        }
        return shown_;
    }

  private:
    static Runtime& runtime() { return *Runtime::current(); }

    T shown_;
    std::optional<T> pending_;
    Clock::time_point since_{};
};

}  // namespace detail

// `value` as of the last time it stayed unchanged (==) for `delay` on the runtime's clock; on the
// first frame, `value` itself. While it changes, the previous stable value is returned, and once it
// has rested for `delay` the runtime asks for the one frame that returns it: no frame is rendered
// while waiting. C strings are kept as std::string. The reference is valid until this component's
// next frame. UI thread, inside a component.
//
// Cost per frame: one comparison; while waiting, also a clock read and a timed-frame request.
template <class V>
const auto& use_debounced(V&& value, std::chrono::milliseconds delay) {
    using T = detail::dep_storage_t<std::decay_t<V>>;
    static_assert(std::equality_comparable<T>, "use_debounced: the value must be comparable with ==");
    using Slot = detail::DebouncedSlot<T>;
    detail::Instance& instance = detail::current_instance("use_debounced");
    auto& slot = instance.slot<Slot>([&] { return std::make_unique<Slot>(T(value)); });
    return slot.render(std::forward<V>(value), delay);
}

}  // namespace imhooks
