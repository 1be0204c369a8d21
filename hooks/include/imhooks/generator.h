// Generator<T>: a C++20 coroutine that co_yields partial results of a use_thread job.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
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
template <class T>
class Generator {
  public:
    static_assert(!std::is_reference_v<T> && !std::is_void_v<T>,
                  "Generator<T>: T must be a value type");

    struct promise_type {
        T* current = nullptr;  // points into the coroutine frame while suspended at co_yield
        std::exception_ptr error;

        Generator get_return_object() {
            return Generator(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(T& value) noexcept {
            current = std::addressof(value);
            return {};
        }
        std::suspend_always yield_value(T&& value) noexcept {
            current = std::addressof(value);
            return {};
        }
        // Values of other types (co_yield 1 for a Generator<long>) are converted first.
        template <class U>
        requires(
            !std::is_same_v<std::remove_cvref_t<U>, T> &&
            std::is_convertible_v<
                U&&, T>) auto yield_value(U&& value) noexcept(std::is_nothrow_convertible_v<U&&,
                                                                                            T>) {
            struct Holder {
                T value;
                promise_type* promise;
                bool await_ready() noexcept { return false; }
                void await_suspend(std::coroutine_handle<>) noexcept {
                    promise->current = std::addressof(value);
                }
                void await_resume() noexcept {}
            };
            return Holder{T(std::forward<U>(value)), this};
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
        handle_.promise().current = nullptr;
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
