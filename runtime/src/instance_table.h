// The runtime's index of mounted instances: an open-addressing hash table from ImGui ID to
// instance. ImGui IDs are already well-mixed hashes, and a lookup per component per frame is the
// runtime's hottest path: one probe into a flat array instead of a node-based map's chain. IDs are
// 32-bit hashes, so several instances may share one: lookups confirm the instance's key.
#pragma once

#include <imhooks/detail/instance.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace imhooks::detail {

class InstanceTable {
  public:
    InstanceTable() { entries_.resize(kInitialCapacity); }
    ~InstanceTable() { clear(); }
    InstanceTable(const InstanceTable&) = delete;
    InstanceTable& operator=(const InstanceTable&) = delete;

    std::size_t size() const { return size_; }

    // The instance filed under `id` for which is_it(instance) is true, or nullptr.
    template <class IsIt>
    Instance* find(ImGuiID id, IsIt&& is_it) const {
        const std::size_t mask = entries_.size() - 1;
        for (std::size_t i = id & mask;; i = (i + 1) & mask) {
            const Entry& entry = entries_[i];
            if (entry.instance == nullptr) return nullptr;
            if (entry.id == id && entry.instance != tombstone() && is_it(*entry.instance))
                [[likely]]
                return entry.instance;
        }
    }

    // Visits every instance filed under `id`.
    template <class Visit>
    void for_each_with(ImGuiID id, Visit&& visit) const {
        const std::size_t mask = entries_.size() - 1;
        for (std::size_t i = id & mask;; i = (i + 1) & mask) {
            const Entry& entry = entries_[i];
            if (entry.instance == nullptr) return;
            if (entry.id == id && entry.instance != tombstone()) visit(*entry.instance);
        }
    }

    // Takes ownership of `instance`, filed under `id` (other instances may have the same ID).
    Instance& insert(ImGuiID id, std::unique_ptr<Instance> instance) {
        if ((used_ + 1) * 2 > entries_.size())
            rehash(size_ * 4 > entries_.size() ? entries_.size() * 2 : entries_.size());
        Instance* raw = instance.release();
        place(id, raw);
        ++size_;
        return *raw;
    }

    // Removes `instance`, filed under `id`, and hands it back.
    std::unique_ptr<Instance> erase(ImGuiID id, const Instance& instance) {
        const std::size_t mask = entries_.size() - 1;
        for (std::size_t i = id & mask;; i = (i + 1) & mask) {
            Entry& entry = entries_[i];
            if (entry.instance == nullptr) return nullptr;
            if (entry.instance == &instance) {
                std::unique_ptr<Instance> removed(entry.instance);
                entry.instance = tombstone();
                --size_;
                return removed;
            }
        }
    }

    // Visits (id, instance) of every entry; `visit` may erase the entry it is given.
    template <class Visit>
    void for_each(Visit&& visit) const {
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            const Entry entry = entries_[i];
            if (entry.instance != nullptr && entry.instance != tombstone())
                visit(entry.id, *entry.instance);
        }
    }

    // Removes every instance and hands them back, in no particular order.
    std::vector<std::unique_ptr<Instance>> take_all() {
        std::vector<std::unique_ptr<Instance>> all;
        all.reserve(size_);
        for (Entry& entry : entries_) {
            if (entry.instance != nullptr && entry.instance != tombstone())
                all.emplace_back(entry.instance);
            entry = Entry{};
        }
        size_ = used_ = 0;
        return all;
    }

    void clear() { take_all(); }

  private:
    struct Entry {
        ImGuiID id = 0;
        Instance* instance = nullptr;  // nullptr: empty; tombstone(): erased
    };
    static constexpr std::size_t kInitialCapacity = 64;  // a power of two
    static Instance* tombstone() { return reinterpret_cast<Instance*>(alignof(Instance)); }

    void place(ImGuiID id, Instance* instance) {
        const std::size_t mask = entries_.size() - 1;
        std::size_t i = id & mask;
        while (entries_[i].instance != nullptr && entries_[i].instance != tombstone())
            i = (i + 1) & mask;
        if (entries_[i].instance == nullptr) ++used_;
        entries_[i] = Entry{id, instance};
    }

    void rehash(std::size_t capacity) {
        std::vector<Entry> old(capacity);
        old.swap(entries_);
        used_ = 0;
        for (const Entry& entry : old)
            if (entry.instance != nullptr && entry.instance != tombstone())
                place(entry.id, entry.instance);
    }

    std::vector<Entry> entries_;
    std::size_t size_ = 0;  // instances
    std::size_t used_ = 0;  // instances and tombstones
};

}  // namespace imhooks::detail
