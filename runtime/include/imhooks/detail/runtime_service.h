// Internal: parts of a Runtime implemented outside runtime/ (the query cache of the hooks), told
// when frames start and when the runtime shuts down. Not a public API.
#pragma once

#include <imhooks/clock.h>

#include <functional>
#include <memory>

namespace imhooks::detail {

class Core;
class ExecutorState;
class RuntimeImpl;

class RuntimeService {
  public:
    virtual ~RuntimeService() = default;
    // At NewFrame, before the queued updates are applied: what it queues shows in this frame.
    // UI thread.
    virtual void frame_starting() = 0;
    // In ~Runtime, once every component has unmounted and before the runtime waits for its jobs:
    // stop what runs, take no more work. UI thread.
    virtual void shutting_down() = 0;
};

// What the runtime gives its services.
struct ServiceHost {
    std::shared_ptr<Core> core;
    std::shared_ptr<ExecutorState> executor;
    // Asks for a frame at this time on the runtime's clock (as Runtime::request_frame_in). UI
    // thread; never called after shutting_down().
    std::function<void(Clock::time_point)> request_frame_at;
};

// Made by the hooks (hooks/src/query.cpp): the runtime's query cache.
std::shared_ptr<RuntimeService> make_query_cache(ServiceHost host);
// The query cache of `runtime`. Any thread.
const std::shared_ptr<RuntimeService>& query_cache_of(RuntimeImpl& runtime);

}  // namespace imhooks::detail
