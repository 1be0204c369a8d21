// The render-time context stack: values provided by enclosing components (provide_context) and by
// ContextProvider scopes, searched innermost first by use_context.
#pragma once

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

    void push(const Entry& entry) { entries_.push_back(entry); }
    // Removes the entry of `owner` (normally the top one). Nothing when it is gone already.
    void pop(const void* owner) noexcept {
        for (auto it = entries_.end(); it != entries_.begin();) {
            --it;
            if (it->owner == owner) {
                entries_.erase(it);
                return;
            }
        }
    }
    // The component's body ended (returned or threw): what it pushed and did not pop goes.
    void leave(const Instance& instance) noexcept {
        while (!entries_.empty() && entries_.back().instance == &instance) entries_.pop_back();
    }
    const void* find(const std::type_info& type) const noexcept {
        for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
            if (it->type == &type || *it->type == type) return it->value;
        return nullptr;
    }
    void clear() noexcept { entries_.clear(); }

  private:
    std::vector<Entry> entries_;
};

}  // namespace imhooks::detail
