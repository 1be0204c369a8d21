#include <imhooks/clock.h>
#include <imhooks/detail/core.h>

#include <algorithm>

namespace imhooks {

Clock::~Clock() = default;

void Clock::watch(const std::shared_ptr<detail::Core>& core) const {
    std::lock_guard lock(watchers_mutex_);
    std::erase_if(watchers_, [](const auto& watcher) { return watcher.expired(); });
    watchers_.push_back(core);
}

void Clock::changed() const {
    std::vector<std::shared_ptr<detail::Core>> cores;
    {
        std::lock_guard lock(watchers_mutex_);
        std::erase_if(watchers_, [](const auto& watcher) { return watcher.expired(); });
        for (const auto& watcher : watchers_)
            if (auto core = watcher.lock()) cores.push_back(std::move(core));
    }
    // Outside the lock: a waker called from here may call back into this clock.
    for (const auto& core : cores) core->clock_changed();
}

ManualClock::ManualClock(time_point start) : ticks_(start.time_since_epoch().count()) {}

Clock::time_point ManualClock::now() const {
    return time_point(duration(ticks_.load(std::memory_order_acquire)));
}

void ManualClock::set(time_point to) {
    ticks_.store(to.time_since_epoch().count(), std::memory_order_release);
    changed();
}

}  // namespace imhooks
