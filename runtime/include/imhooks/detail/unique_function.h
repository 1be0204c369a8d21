// Internal: a move-only void() callable (std::move_only_function arrives in C++23).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace imhooks::detail {

// A callable of up to kInline bytes (a few shared pointers: a stop request, a job to release) is
// kept inside the object, so that posting one allocates nothing; larger ones go to the heap.
class UniqueFunction {
  public:
    static constexpr std::size_t kInline = 48;

    UniqueFunction() = default;
    template <class F>
    requires(!std::is_same_v<std::decay_t<F>, UniqueFunction> &&
             std::is_invocable_v<std::decay_t<F>&>) UniqueFunction(F&& f) {
        using Fn = std::decay_t<F>;
        if constexpr (fits_inline<Fn>) {
            ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
            ops_ = &kInlineOps<Fn>;
        } else {
            *reinterpret_cast<Fn**>(storage_) = new Fn(std::forward<F>(f));
            ops_ = &kHeapOps<Fn>;
        }
    }
    UniqueFunction(UniqueFunction&& other) noexcept : ops_(std::exchange(other.ops_, nullptr)) {
        if (ops_) ops_->relocate(other.storage_, storage_);
    }
    UniqueFunction& operator=(UniqueFunction&& other) noexcept {
        if (this != &other) {
            reset();
            ops_ = std::exchange(other.ops_, nullptr);
            if (ops_) ops_->relocate(other.storage_, storage_);
        }
        return *this;
    }
    ~UniqueFunction() { reset(); }

    explicit operator bool() const { return ops_ != nullptr; }
    void operator()() { ops_->call(storage_); }

  private:
    struct Ops {
        void (*call)(void* storage);
        // Moves the callable from `from` to `to` and destroys what is left in `from`.
        void (*relocate)(void* from, void* to) noexcept;
        void (*destroy)(void* storage) noexcept;
    };
    template <class Fn>
    static constexpr bool fits_inline =
        sizeof(Fn) <= kInline &&
        alignof(Fn) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<Fn>;
    template <class Fn>
    static constexpr Ops kInlineOps{[](void* s) { (*static_cast<Fn*>(s))(); },
                                    [](void* from, void* to) noexcept {
                                        ::new (to) Fn(std::move(*static_cast<Fn*>(from)));
                                        static_cast<Fn*>(from)->~Fn();
                                    },
                                    [](void* s) noexcept { static_cast<Fn*>(s)->~Fn(); }};
    template <class Fn>
    static constexpr Ops kHeapOps{
        [](void* s) { (**static_cast<Fn**>(s))(); },
        [](void* from, void* to) noexcept { *static_cast<Fn**>(to) = *static_cast<Fn**>(from); },
        [](void* s) noexcept { delete *static_cast<Fn**>(s); }};

    void reset() noexcept {
        if (const Ops* ops = std::exchange(ops_, nullptr)) ops->destroy(storage_);
    }

    alignas(std::max_align_t) unsigned char storage_[kInline];
    const Ops* ops_ = nullptr;
};

}  // namespace imhooks::detail
