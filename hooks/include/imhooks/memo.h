// use_memo and use_effect: derived values and side effects keyed by dependencies.
#pragma once

#include <imhooks/deps.h>
#include <imhooks/detail/instance.h>
#include <imhooks/detail/unique_function.h>
#include <imhooks/inspector.h>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace imhooks {

namespace detail {

template <class T, class D>
class MemoSlot final : public SlotOf<MemoSlot<T, D>> {
  public:
    static constexpr HookKind kKind = HookKind::Memo;
    using value_type = T;

    template <class F>
    const T& get(F& compute, D&& deps) {
        if (!value_ || !(deps_ == deps)) {
            value_.emplace(compute());  // throws: the previous value and deps stay
            deps_ = std::move(deps);
        }
        return *value_;
    }
    void describe(HookDescription& out) const override {
        out.value = describe_value_at(value_ ? &*value_ : nullptr);
    }

  private:
    std::optional<T> value_;
    D deps_{};
};

template <class D>
class EffectSlot final : public SlotOf<EffectSlot<D>> {
  public:
    static constexpr HookKind kKind = HookKind::Effect;
    using value_type = void;

    template <class F>
    void render(Instance& instance, F&& effect, D&& deps) {
        if (has_deps_ && deps_ == deps) return;
        deps_ = std::move(deps);
        has_deps_ = true;
        instance_ = &instance;
        if (!pending_) instance.after_frame(*this);
        pending_ = [this, effect = std::forward<F>(effect)]() mutable {
            using R = std::invoke_result_t<std::decay_t<F>&>;
            if constexpr (std::is_void_v<R>) {
                (void)this;  // used by the other branch only
                effect();
            } else {
                static_assert(std::is_invocable_v<R&>,
                              "use_effect: the effect must return nothing or a cleanup callable");
                cleanup_ = effect();
            }
        };
    }

    void after_frame() override {
        UniqueFunction effect = std::move(pending_);
        pending_ = {};
        // The previous effect's cleanup failing is its own error: reported as such, and the new
        // effect still runs (its deps changed whatever the old cleanup did).
        try {
            run_cleanup();
        } catch (...) {
            instance_->report("cleanup", std::current_exception());
        }
        effect();
    }

    void unmount() override {
        pending_ = {};
        run_cleanup();
    }
    void describe(HookDescription& out) const override {
        if (pending_)
            out.note = "runs after this frame";
        else if (cleanup_)
            out.note = "cleanup kept";
    }

  private:
    void run_cleanup() {
        UniqueFunction cleanup = std::move(cleanup_);
        cleanup_ = {};
        if (cleanup) cleanup();
    }

    D deps_{};
    bool has_deps_ = false;
    Instance* instance_ = nullptr;  // its component (slots never outlive their instance)
    UniqueFunction pending_;
    UniqueFunction cleanup_;
};

}  // namespace detail

// Returns compute()'s value, computed on the first frame and again on frames where `deps`
// differ from the previous ones. If compute() throws, the previous value and deps are kept and
// the exception propagates. UI thread, inside a component.
template <class F, class... Ds>
const std::decay_t<std::invoke_result_t<F&>>& use_memo(F&& compute, Deps<Ds...> deps) {
    using T = std::decay_t<std::invoke_result_t<F&>>;
    using Slot = detail::MemoSlot<T, Deps<Ds...>>;
    detail::Instance& instance = detail::current_instance("use_memo");
    auto& slot = instance.slot<Slot>([] { return std::make_unique<Slot>(); });
    return slot.get(compute, std::move(deps));
}

// Runs effect() after the frame in which the component first renders and after every frame in
// which `deps` changed. effect() may return a cleanup callable: it runs before the next effect of
// this hook and when the component unmounts. Effects run on the UI thread after the frame's end,
// outside any ImGui window; an exception an effect or a cleanup throws goes to the error handler
// (where = "effect" or "cleanup"; default: stderr). A cleanup that throws when deps change does
// not stop the new effect. UI thread, inside a component.
template <class F, class... Ds>
void use_effect(F&& effect, Deps<Ds...> deps) {
    using Slot = detail::EffectSlot<Deps<Ds...>>;
    detail::Instance& instance = detail::current_instance("use_effect");
    auto& slot = instance.slot<Slot>([] { return std::make_unique<Slot>(); });
    slot.render(instance, std::forward<F>(effect), std::move(deps));
}

}  // namespace imhooks
