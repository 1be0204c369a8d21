// Generator<T>: a C++20 coroutine that co_yields partial results of a use_thread job.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace imhooks {

// The return type of a job that streams values:
//
//   imhooks::Generator<int> count(std::stop_token stop) {
//       for (int i = 0; i < 10; ++i) co_yield i;
//   }
//
// use_thread runs it on a worker thread: each co_yield replaces Result::value() while the state
// stays Running; the last one is the final value. Between two elements the job can be cancelled
// intrusively: the coroutine is destroyed and the destructors of its locals run. A Generator is
// move-only and single-pass; it can also be iterated by hand with next() and value().
//
// g++ 12 destroys a braced aggregate temporary in a co_yield twice (`co_yield Image{pixels, n};`
// runs ~Image on one object two times): yield a named value (`Image image{pixels, n};
// co_yield std::move(image);`) or a constructor call instead.
template <class T>
class Generator {
  public:
    static_assert(!std::is_reference_v<T> && !std::is_void_v<T>,
                  "Generator<T>: T must be a value type");

    struct promise_type {
        // The element, moved (or copied) in from the co_yield operand.
        std::optional<T> current;
        std::exception_ptr error;

        Generator get_return_object() {
            return Generator(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        template <class U>
        requires std::is_convertible_v<U&&, T> std::suspend_always yield_value(U&& value)
        noexcept(std::is_nothrow_constructible_v<T, U&&>) {
            current.emplace(std::forward<U>(value));
            return {};
        }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
        template <class U>
        U&& await_transform(U&&) = delete;  // generators do not co_await
    };

    Generator(Generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Generator& operator=(Generator&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    ~Generator() { reset(); }

    // Runs the coroutine to its next co_yield. Returns false when it finished; rethrows what the
    // coroutine threw. Call from one thread at a time.
    bool next() {
        if (!handle_ || handle_.done()) return false;
        handle_.promise().current.reset();
        handle_.resume();
        if (handle_.promise().error)
            std::rethrow_exception(std::exchange(handle_.promise().error, nullptr));
        return !handle_.done();
    }

    // The element produced by the last successful next(); may be moved from.
    T& value() { return *handle_.promise().current; }

  private:
    explicit Generator(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
    void reset() {
        if (handle_) handle_.destroy();
        handle_ = {};
    }
    std::coroutine_handle<promise_type> handle_;
};

}  // namespace imhooks
