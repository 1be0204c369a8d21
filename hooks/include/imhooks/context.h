// use_context, provide_context and ContextProvider: values handed down to every component
// rendered inside another, without passing them through each panel function.
//
//   struct Theme { ImVec4 accent; float zoom = 1.0f; };
//
//   void Settings() {                                   // a component
//       auto [zoom, set_zoom] = imhooks::use_state(1.0f);
//       imhooks::provide_context(Theme{{1, 0.6f, 0.2f, 1}, zoom});
//       imhooks::component("preview", Preview);         // and everything rendered inside it
//   }
//   void Preview() {
//       const Theme& theme = imhooks::use_context<Theme>();   // the innermost provider's value
//       ...
//   }
//
// Providers form a stack while a frame renders: provide_context pushes for the rest of the
// providing component's body (popped when its body returns or throws), a ContextProvider pushes
// for its C++ scope. use_context<T> finds the innermost value of exactly type T. As everything
// renders every frame, readers see a provider's new value the next time they render, which is
// the same frame when they are rendered inside it (they render after it).
#pragma once

#include <imhooks/detail/hook_services.h>
#include <imhooks/detail/instance.h>
#include <imhooks/inspector.h>
#include <imhooks/state.h>

#include <concepts>
#include <memory>
#include <optional>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace imhooks {

namespace detail {

template <class T>
class ProvideSlot final : public SlotOf<ProvideSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Provide;
    using value_type = T;

    template <class U>
    const T& provide(Instance& instance, U&& value) {
        if constexpr (std::is_assignable_v<T&, U&&>) {
            if (value_)
                *value_ = std::forward<U>(value);
            else
                value_.emplace(std::forward<U>(value));
        } else {
            value_.reset();
            value_.emplace(std::forward<U>(value));
        }
        push_context(instance.runtime(), typeid(T), &*value_, this);
        return *value_;
    }
    void describe(HookDescription& out) const override {
        out.value = describe_value_at(value_ ? &*value_ : nullptr);
    }

  private:
    std::optional<T> value_;
};

template <class T>
class ContextSlot final : public SlotOf<ContextSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Context;
    using value_type = T;
    void describe(HookDescription& out) const override { out.note = "from its provider"; }
};

template <class T>
class ContextOrSlot final : public SlotOf<ContextOrSlot<T>> {
  public:
    static constexpr HookKind kKind = HookKind::Context;
    using value_type = T;

    template <class U>
    const T& fallback(U&& value) {
        value_.reset();
        value_.emplace(std::forward<U>(value));
        used_fallback_ = true;
        return *value_;
    }
    void found() { used_fallback_ = false; }
    void describe(HookDescription& out) const override {
        if (used_fallback_) out.value = describe_value(*value_);
        out.note = used_fallback_ ? "no provider: the fallback" : "from its provider";
    }

  private:
    std::optional<T> value_;
    bool used_fallback_ = false;
};

}  // namespace detail

// Provides `value` as the context of type T (std::decay_t of the argument; C strings as
// std::string) to the rest of this component's body and to every component rendered in it, until
// the body ends. A copy is kept in the component; returns it. Providing again in the same frame
// (from this or an inner component) shadows it for what renders after. Costs one assignment and
// one push per frame. UI thread, inside a component.
template <class U>
const detail::state_value_t<U>& provide_context(U&& value) {
    using T = detail::state_value_t<U>;
    detail::Instance& instance = detail::current_instance("provide_context");
    auto& slot = instance.slot<detail::ProvideSlot<T>>(
        [] { return std::make_unique<detail::ProvideSlot<T>>(); });
    return slot.provide(instance, std::forward<U>(value));
}

// The value of the innermost provider of type T around this component (the provide_context of an
// enclosing component, or an enclosing ContextProvider<T> scope; also a provide_context earlier
// in this body). The reference is valid until this component's body returns: copy the value to
// keep it longer or to hand it to another thread. The type must match exactly (no conversions,
// no base classes). Throws HookError naming T and the component when no provider is found.
// Costs a search of the providers in effect (innermost first). UI thread, inside a component.
template <class T>
const T& use_context() {
    static_assert(std::is_same_v<T, std::decay_t<T>>,
                  "imhooks::use_context<T>: T must be a plain type (no const, no reference)");
    detail::Instance& instance = detail::current_instance("use_context");
    instance.slot<detail::ContextSlot<T>>(
        [] { return std::make_unique<detail::ContextSlot<T>>(); });
    const void* found = detail::find_context(instance.runtime(), typeid(T));
    if (!found) [[unlikely]]
        detail::throw_missing_context(instance, typeid(T));
    return *static_cast<const T*>(found);
}

// use_context<T>(), or `fallback` when no provider of T is found: then the component keeps a copy
// of `fallback` (made each frame in which it is used), valid until the component's next render.
// UI thread, inside a component.
template <class T, class U>
requires std::constructible_from<T, U&&>
const T& use_context(U&& fallback) {
    static_assert(std::is_same_v<T, std::decay_t<T>>,
                  "imhooks::use_context<T>: T must be a plain type (no const, no reference)");
    detail::Instance& instance = detail::current_instance("use_context");
    auto& slot = instance.slot<detail::ContextOrSlot<T>>(
        [] { return std::make_unique<detail::ContextOrSlot<T>>(); });
    if (const void* found = detail::find_context(instance.runtime(), typeid(T))) {
        slot.found();
        return *static_cast<const T*>(found);
    }
    return slot.fallback(std::forward<U>(fallback));
}

// Provides a T, built from the constructor's arguments and held by this object, to every
// component rendered during its lifetime: a scope usable anywhere between ImGui::NewFrame() and
// ImGui::Render(), also outside components (around a component() call, in a window function).
// The innermost provider wins; scopes must nest (end them in reverse order, as C++ scopes do).
// Create it after NewFrame() and let it end before Render() (a scope still alive at the next
// NewFrame() provides nothing in that frame). Throws HookError when there is no Runtime or no
// frame. Costs one push and one pop. UI thread.
//
//   {
//       imhooks::ContextProvider<Theme> theme(Theme{accent, 1.5f});
//       imhooks::component("preview", Preview);
//   }
template <class T>
class ContextProvider {
  public:
    static_assert(std::is_same_v<T, std::decay_t<T>>,
                  "imhooks::ContextProvider<T>: T must be a plain type (no const, no reference)");

    template <class... Args>
    requires std::constructible_from<T, Args&&...>
    explicit ContextProvider(Args&&... args)
        : runtime_(&detail::runtime_in_frame("ContextProvider")),
          value_(std::forward<Args>(args)...) {
        detail::push_context(*runtime_, typeid(T), &value_, this);
    }
    ~ContextProvider() { detail::pop_context(*runtime_, this); }
    ContextProvider(const ContextProvider&) = delete;
    ContextProvider& operator=(const ContextProvider&) = delete;

    // The value provided. Readers see changes made through it at once (their reference is to
    // this value).
    T& value() { return value_; }
    const T& value() const { return value_; }

  private:
    detail::RuntimeImpl* runtime_;
    T value_;
};

template <class U>
ContextProvider(U&&) -> ContextProvider<detail::state_value_t<U>>;

}  // namespace imhooks
