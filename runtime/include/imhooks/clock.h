// The time source of a Runtime: grace periods, timed frames (request_frame_in) and frame times
// are measured on it. By default std::chrono::steady_clock; RuntimeOptions::clock injects
// another one, e.g. a ManualClock that tests move by hand instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <ratio>
#include <type_traits>
#include <vector>

namespace imhooks {

namespace detail {
class Core;
}  // namespace detail

class Clock {
  public:
    using time_point = std::chrono::steady_clock::time_point;
    using duration = std::chrono::steady_clock::duration;

    Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;
    virtual ~Clock();

    // The current time. Any thread, often (once per frame, per wait and per timed-frame check):
    // keep it cheap and non-blocking, and never call into a Runtime from it.
    virtual time_point now() const = 0;

  protected:
    // Tells every Runtime using this clock that now() jumped (rather than moving with real
    // time): a timed frame that became due then wakes Runtime::wait and calls the waker, as if
    // that much real time had passed. Call it after the change, not under a lock that now()
    // takes. Any thread.
    void changed() const;

  private:
    friend class detail::Core;
    // A runtime's shared state registers here; it is forgotten once it is gone.
    void watch(const std::shared_ptr<detail::Core>& core) const;

    mutable std::mutex watchers_mutex_;
    mutable std::vector<std::weak_ptr<detail::Core>> watchers_;
};

// A clock that moves only when told to: advance() and set() wake the runtimes that use it (see
// Clock::changed). For tests and simulations of time-based behaviour without sleeping.
class ManualClock final : public Clock {
  public:
    // Starts at `start` (the steady clock's epoch by default).
    explicit ManualClock(time_point start = time_point{});

    time_point now() const override;  // any thread
    // Moves the clock by `by`, any duration type (saturating at the ends of time_point's range,
    // so advance(milliseconds::max()) reaches the end of time; a negative `by` moves it back).
    // Any thread.
    template <class Rep, class Period>
    void advance(std::chrono::duration<Rep, Period> by);
    // Moves the clock to `to`. Any thread.
    void set(time_point to);

  private:
    std::atomic<duration::rep> ticks_;
};

namespace detail {

#if defined(__SIZEOF_INT128__)
__extension__ typedef __int128 Int128;  // __extension__: no -Wpedantic warning
#endif

// t + d, saturated at the ends of the time point's range instead of overflowing: a duration of
// milliseconds::max() means "never", not "a moment ago". Any duration type, any sign; exact
// (computed in 128 bits) when the compiler has them.
template <class C, class D, class Rep, class Period>
constexpr std::chrono::time_point<C, D> saturating_add(std::chrono::time_point<C, D> t,
                                                       std::chrono::duration<Rep, Period> d) {
    using Point = std::chrono::time_point<C, D>;
    using Tick = typename D::rep;
    constexpr Tick max = Point::max().time_since_epoch().count();
    constexpr Tick min = Point::min().time_since_epoch().count();
    using Ratio = std::ratio_divide<Period, typename D::period>;  // d's unit in t's ticks
#if defined(__SIZEOF_INT128__)
    if constexpr (std::is_integral_v<Rep> && std::is_integral_v<Tick>) {
        // |d.count()| and Ratio::num below 2^63: the product fits in 128 bits.
        const Int128 sum = static_cast<Int128>(t.time_since_epoch().count()) +
                           static_cast<Int128>(d.count()) * Ratio::num / Ratio::den;
        return Point(D(sum > max ? max : sum < min ? min : static_cast<Tick>(sum)));
    }
#endif
    using Step = std::chrono::duration<Rep, Period>;
    // d in the time point's units, clamped first: converting milliseconds::max() to nanoseconds
    // would overflow on its own. A clamped d saturates the result whenever t is not negative.
    D step;
    if constexpr (std::ratio_greater_equal_v<Period, typename D::period>) {
        constexpr Step high = std::chrono::duration_cast<Step>(D::max());
        constexpr Step low = std::chrono::duration_cast<Step>(D::min());
        step = d >= high ? D::max() : d <= low ? D::min() : std::chrono::duration_cast<D>(d);
    } else {
        step = std::chrono::duration_cast<D>(d);  // a finer unit only shrinks
    }
    const Tick at = t.time_since_epoch().count();
    const Tick by = step.count();
    if (by > 0 && at > max - by) return Point::max();
    if (by < 0 && at < min - by) return Point::min();
    return Point(D(at + by));
}

// to - from as a duration, saturated instead of overflowing.
template <class C, class D>
constexpr D saturating_sub(std::chrono::time_point<C, D> to, std::chrono::time_point<C, D> from) {
    using Tick = typename D::rep;
    const Tick a = to.time_since_epoch().count();
    const Tick b = from.time_since_epoch().count();
    if (b < 0 && a > D::max().count() + b) return D::max();
    if (b > 0 && a < D::min().count() + b) return D::min();
    return D(a - b);
}

}  // namespace detail

template <class Rep, class Period>
void ManualClock::advance(std::chrono::duration<Rep, Period> by) {
    duration::rep current = ticks_.load(std::memory_order_relaxed);
    while (!ticks_.compare_exchange_weak(
        current,
        detail::saturating_add(time_point(duration(current)), by).time_since_epoch().count(),
        std::memory_order_acq_rel)) {
    }
    changed();
}

}  // namespace imhooks
