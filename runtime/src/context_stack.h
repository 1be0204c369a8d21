// The render-time context stack: values provided by enclosing components (provide_context) and by
// ContextProvider scopes, searched innermost first by use_context.
#pragma once

#include <cstddef>
#include <typeinfo>
#include <vector>

namespace imhooks::detail {

class Instance;

class ContextStack {
  public:
    struct Entry {
        const std::type_info* type;
        const void* value;
        const void* owner;         // what pops it: a ContextProvider, or a provide_context slot
        const Instance* instance;  // the component whose body pushed it; null outside components
    };

    ~ContextStack() { t_entries -= entries_.size(); }

    // Whether any stack of this thread holds an entry: leave() is skipped without touching the
    // instance when none does (the components of most frames provide nothing).
    static bool any() noexcept { return t_entries != 0; }

    void push(const Entry& entry) {
        entries_.push_back(entry);
        ++t_entries;
    }
    // Removes the entry of `owner` (normally the top one). Nothing when it is gone already.
    void pop(const void* owner) noexcept {
        for (auto it = entries_.end(); it != entries_.begin();) {
            --it;
            if (it->owner == owner) {
                entries_.erase(it);
                --t_entries;
                return;
            }
        }
    }
    // The component's body ended (returned or threw): what it pushed and did not pop goes.
    void leave(const Instance& instance) noexcept {
        while (!entries_.empty() && entries_.back().instance == &instance) {
            entries_.pop_back();
            --t_entries;
        }
    }
    const void* find(const std::type_info& type) const noexcept {
        for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
            if (it->type == &type || *it->type == type) return it->value;
        return nullptr;
    }
    void clear() noexcept {
        t_entries -= entries_.size();
        entries_.clear();
    }

  private:
    static inline thread_local std::size_t t_entries = 0;
    std::vector<Entry> entries_;
};

}  // namespace imhooks::detail
