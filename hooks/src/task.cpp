#include <imhooks/detail/diagnostics.h>
#include <imhooks/task.h>

#include <cstdio>

namespace imhooks::detail {

void TaskSink::wake() {
    std::vector<std::shared_ptr<Core>> readers;
    {
        std::lock_guard lock(mutex_);
        readers.reserve(readers_.size());
        for (const auto& reader : readers_)
            if (auto core = reader.lock()) readers.push_back(std::move(core));
    }
    for (const auto& core : readers) core->request_frame();  // calls wakers: outside the lock
}

void TaskSink::work_began() {
    {
        std::lock_guard lock(mutex_);
        ++active_;
    }
    if (owner_) owner_->work_began();
}

void TaskSink::work_ended() {
    {
        std::lock_guard lock(mutex_);
        if (--active_ == 0) idle_cv_.notify_all();
    }
    if (owner_) owner_->work_ended();
}

void TaskSink::report_discarded(const std::string& name, std::exception_ptr error) {
    std::shared_ptr<Core> target = owner_;
    if (!target) {
        std::lock_guard lock(mutex_);
        for (const auto& reader : readers_)
            if ((target = reader.lock())) break;
    }
    if (target) {
        target->report_later(name, "discarded", std::move(error));
        return;
    }
    const std::string what = "task \"" + name + "\": a run nobody sees any more failed";
    report_error(what.c_str(), error);
}

void TaskSink::add_reader(const std::shared_ptr<Core>& core) {
    std::lock_guard lock(mutex_);
    std::erase_if(readers_, [](const std::weak_ptr<Core>& r) { return r.expired(); });
    for (const auto& reader : readers_)
        if (reader.lock() == core) return;
    readers_.push_back(core);
}

bool TaskSink::wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_cv_.wait_for(lock, timeout, [&] { return active_ == 0; });
}

void report_task_left_running(const std::string& name, std::chrono::milliseconds timeout) {
    std::fprintf(stderr,
                 "imhooks: task \"%s\" still running %lld ms after its stop was requested when "
                 "it was destroyed; left it running (its results are discarded)\n",
                 name.c_str(), static_cast<long long>(timeout.count()));
}

}  // namespace imhooks::detail
