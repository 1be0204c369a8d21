// Internal: a move-only void() callable (std::move_only_function arrives in C++23).
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace imhooks::detail {

class UniqueFunction {
  public:
    UniqueFunction() = default;
    template <class F>
    requires(!std::is_same_v<std::decay_t<F>, UniqueFunction> &&
             std::is_invocable_v<std::decay_t<F>&>) UniqueFunction(F&& f)
        : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}

    explicit operator bool() const { return impl_ != nullptr; }
    void operator()() { impl_->call(); }

  private:
    struct Base {
        virtual ~Base() = default;
        virtual void call() = 0;
    };
    template <class F>
    struct Impl final : Base {
        explicit Impl(F&& f) : f(std::move(f)) {}
        explicit Impl(const F& f) : f(f) {}
        void call() override { f(); }
        F f;
    };
    std::unique_ptr<Base> impl_;
};

}  // namespace imhooks::detail
