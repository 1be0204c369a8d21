// Stream<T> and StreamWriter<T>: a growing sequence that a job publishes at O(new items) per
// publish, and that the UI reads in a frame without a lock.
//
//   imhooks::Result<imhooks::Stream<Match>> found = imhooks::use_thread(
//       [pattern](imhooks::Job<imhooks::Stream<Match>>& job) {
//           imhooks::StreamWriter<Match> out;
//           for (const auto& file : files) {
//               for (Match& m : search(file, pattern)) out.push_back(std::move(m));
//               job.yield(out.view());          // O(1): no copy of what was published before
//           }
//           return out.view();                  // complete
//       },
//       imhooks::deps(pattern));
//   if (const imhooks::Stream<Match>* matches = found.value()) {
//       ImGuiListClipper clipper;
//       clipper.Begin(static_cast<int>(matches->size()));
//       while (clipper.Step())
//           for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) Draw((*matches)[i]);
//       if (found.partial()) ImGui::TextDisabled("searching...");
//   }
//
// The writer appends into fixed-size chunks that never move; a view is the shared storage plus
// the length it had when the view was made, so it stays valid and unchanging (an immutable
// snapshot) while the writer goes on appending behind it. Memory: the items, at most one partly
// filled chunk (about 16 KiB), and one pointer per chunk.
//
// Yielding a view through Job::yield or a Generator publishes it like any value (the state stays
// Running and Result::partial() is true); returning one finishes the run. Result::last_complete()
// keeps the previous run's complete stream readable while a new run streams.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace imhooks {

namespace detail {

// Append-only storage: chunk c holds items [c * kChunk, (c + 1) * kChunk). Chunk pointers live in
// blocks of growing size (block b holds 2^b of them), found from a fixed array: nothing is ever
// moved, so an item's address and a chunk pointer, once written, stay as they are.
template <class T>
class StreamStorage {
  public:
    // Items per chunk: a power of two, about 16 KiB of items, at least 16.
    static constexpr std::size_t kChunk =
        std::bit_floor(std::max<std::size_t>(16, 16384 / sizeof(T)));
    static constexpr unsigned kShift = std::countr_zero(kChunk);
    static constexpr std::size_t kMask = kChunk - 1;
    static constexpr unsigned kBlocks = 48;

    StreamStorage() = default;
    StreamStorage(const StreamStorage&) = delete;
    StreamStorage& operator=(const StreamStorage&) = delete;
    ~StreamStorage() {
        for (std::size_t i = 0; i < count_; ++i) item(i).~T();
        const std::size_t capacity = capacity_.load(std::memory_order_relaxed);
        for (std::size_t c = 0; c * kChunk < capacity; ++c)
            ::operator delete(chunk(c), std::align_val_t(alignof(T)));
        for (unsigned b = 0; b < kBlocks && blocks_[b]; ++b) delete[] blocks_[b];
    }

    T& item(std::size_t i) const {
        return std::launder(reinterpret_cast<T*>(chunk(i >> kShift)))[i & kMask];
    }
    std::size_t size() const { return count_; }
    // Items, chunk slack and chunk pointers. Any thread (the writer may be appending).
    std::size_t allocated_bytes() const {
        const std::size_t capacity = capacity_.load(std::memory_order_relaxed);
        const std::size_t chunks = capacity >> kShift;
        // Blocks 0..b of chunk pointers hold 2^(b+1) - 1 slots.
        const std::size_t slots = chunks ? (std::size_t(2) << block_of(chunks - 1)) - 1 : 0;
        return capacity * sizeof(T) + slots * sizeof(void*) + sizeof(*this);
    }

    // Writer only.
    template <class... A>
    T& emplace_back(A&&... args) {
        if (count_ == capacity_.load(std::memory_order_relaxed)) grow();
        T* at = reinterpret_cast<T*>(chunk(count_ >> kShift)) + (count_ & kMask);
        T* made = ::new (static_cast<void*>(at)) T(std::forward<A>(args)...);
        ++count_;
        return *made;
    }

  private:
    static unsigned block_of(std::size_t c) { return std::bit_width(c + 1) - 1; }
    std::byte*& slot(std::size_t c) const {
        const unsigned b = block_of(c);
        return blocks_[b][c + 1 - (std::size_t(1) << b)];
    }
    std::byte* chunk(std::size_t c) const { return slot(c); }

    void grow() {
        const std::size_t capacity = capacity_.load(std::memory_order_relaxed);
        const std::size_t c = capacity >> kShift;
        const unsigned b = block_of(c);
        assert(b < kBlocks);
        if (!blocks_[b]) blocks_[b] = new std::byte*[std::size_t(1) << b];
        slot(c) = static_cast<std::byte*>(
            ::operator new(kChunk * sizeof(T), std::align_val_t(alignof(T))));
        capacity_.store(capacity + kChunk, std::memory_order_relaxed);
    }

    mutable std::byte** blocks_[kBlocks] = {};
    std::size_t count_ = 0;                 // items constructed (writer only)
    std::atomic<std::size_t> capacity_{0};  // items the chunks can hold (written by the writer)
};

}  // namespace detail

// An immutable view of the first size() items of a stream: what a StreamWriter had appended when
// view() was called. Copying it is cheap (one shared pointer); it never copies items. Any thread.
template <class T>
class Stream {
  public:
    using value_type = T;
    using size_type = std::size_t;

    class iterator {
      public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;

        iterator() = default;
        reference operator*() const { return storage_->item(index_); }
        pointer operator->() const { return &storage_->item(index_); }
        reference operator[](difference_type n) const { return storage_->item(index_ + n); }
        iterator& operator++() { return ++index_, *this; }
        iterator operator++(int) { return iterator(storage_, index_++); }
        iterator& operator--() { return --index_, *this; }
        iterator operator--(int) { return iterator(storage_, index_--); }
        iterator& operator+=(difference_type n) { return index_ += n, *this; }
        iterator& operator-=(difference_type n) { return index_ -= n, *this; }
        friend iterator operator+(iterator it, difference_type n) { return it += n; }
        friend iterator operator+(difference_type n, iterator it) { return it += n; }
        friend iterator operator-(iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const iterator& a, const iterator& b) {
            return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
        }
        friend bool operator==(const iterator& a, const iterator& b) {
            return a.index_ == b.index_;
        }
        friend auto operator<=>(const iterator& a, const iterator& b) {
            return a.index_ <=> b.index_;
        }

      private:
        friend class Stream;
        iterator(const detail::StreamStorage<T>* storage, std::size_t index)
            : storage_(storage), index_(index) {}
        const detail::StreamStorage<T>* storage_ = nullptr;
        std::size_t index_ = 0;
    };
    using const_iterator = iterator;

    Stream() = default;  // empty

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Item `i` (i < size()). O(1): two dependent loads.
    const T& operator[](std::size_t i) const {
        assert(i < size_);
        return storage_->item(i);
    }
    const T& front() const { return (*this)[0]; }
    const T& back() const { return (*this)[size_ - 1]; }
    iterator begin() const { return iterator(storage_.get(), 0); }
    iterator end() const { return iterator(storage_.get(), size_); }

    // Bytes the whole stream's storage holds now (items, chunk slack, chunk pointers), shared by
    // every view of it and its writer. For inspectors and benchmarks.
    std::size_t allocated_bytes() const { return storage_ ? storage_->allocated_bytes() : 0; }

    // Views of one stream compare equal when they show the same items (the same length).
    friend bool operator==(const Stream& a, const Stream& b) {
        return a.size_ == b.size_ && (a.size_ == 0 || a.storage_ == b.storage_);
    }

  private:
    template <class U>
    friend class StreamWriter;
    Stream(std::shared_ptr<const detail::StreamStorage<T>> storage, std::size_t size)
        : storage_(std::move(storage)), size_(size) {}

    std::shared_ptr<const detail::StreamStorage<T>> storage_;
    std::size_t size_ = 0;
};

// Appends items to a stream; view() shows what was appended so far. One thread at a time (the
// job's); move-only. Appending never moves or copies earlier items, and views made earlier keep
// showing what they showed.
template <class T>
class StreamWriter {
  public:
    static_assert(!std::is_reference_v<T> && std::is_destructible_v<T>,
                  "StreamWriter<T>: T must be a destructible value type");

    StreamWriter() : storage_(std::make_shared<detail::StreamStorage<T>>()) {}
    StreamWriter(StreamWriter&&) noexcept = default;
    StreamWriter& operator=(StreamWriter&&) noexcept = default;

    // Appends one item. O(1); allocates one chunk every ~16 KiB of items.
    void push_back(const T& item) { storage_->emplace_back(item); }
    void push_back(T&& item) { storage_->emplace_back(std::move(item)); }
    template <class... A>
    T& emplace_back(A&&... args) {
        return storage_->emplace_back(std::forward<A>(args)...);
    }
    template <class It>
    void append(It first, It last) {
        for (; first != last; ++first) storage_->emplace_back(*first);
    }

    std::size_t size() const { return storage_->size(); }
    // Item `i` (i < size()), for the writer's own use.
    const T& operator[](std::size_t i) const { return storage_->item(i); }

    // The items appended so far, as an immutable view. O(1): no item is copied.
    Stream<T> view() const { return Stream<T>(storage_, storage_->size()); }

  private:
    std::shared_ptr<detail::StreamStorage<T>> storage_;
};

}  // namespace imhooks
