// Processes: C++20 coroutines that live in simulated time.
//
//   Task<> request(Simulator& sim, Resource& server) {
//     co_await sim.sleep(Time::us(250));       // network
//     auto slot = co_await server.acquire();   // queue for a worker
//     co_await sim.sleep(service_time);        // work
//   }                                          // slot released here
//   sim.spawn(request(sim, server));
//
// A Task starts suspended. `co_await task` runs it as a child and resumes the
// parent when it finishes (symmetric transfer, so deep chains do not grow
// the stack); `sim.spawn(task)` detaches it as a top-level process that
// starts at the current instant and frees itself when done.
//
// Frames come from a per-thread pool of size classes, so a steady stream of
// requests reuses frames instead of calling the global allocator.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "eksim/sim/simulator.hpp"

namespace eksim::sim {

namespace detail {
void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

struct PromiseBase {
  std::coroutine_handle<> continuation;
  ProcessLink link;  // linked into a simulator while running as a top-level process
  std::exception_ptr error;

  PromiseBase() = default;
  PromiseBase(const PromiseBase&) = delete;
  PromiseBase& operator=(const PromiseBase&) = delete;
  ~PromiseBase() {
    if (link.sim != nullptr) link.sim->unlink(link);
  }

  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

  std::suspend_always initial_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }

  struct FinalAwaiter {
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) noexcept {
      PromiseBase& p = h.promise();
      if (p.link.sim != nullptr) {
        if (p.error) p.link.sim->fail(p.error);
        h.destroy();
        return std::noop_coroutine();
      }
      return p.continuation ? p.continuation : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() const noexcept { return {}; }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};
template <>
struct Promise<void> : PromiseBase {
  void return_void() const noexcept {}
};
}  // namespace detail

template <class T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::Promise<T> {
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  // Awaiting a task runs it to completion as a child of the awaiting process.
  auto operator co_await() && noexcept {
    struct Awaiter {
      std::coroutine_handle<promise_type> child;
      [[nodiscard]] bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
        child.promise().continuation = parent;
        return child;
      }
      T await_resume() {
        if (child.promise().error) std::rethrow_exception(child.promise().error);
        if constexpr (!std::is_void_v<T>) return std::move(*child.promise().value);
      }
    };
    return Awaiter{handle_};
  }

  // Hands the frame over to the simulator (used by spawn).
  std::coroutine_handle<promise_type> release() { return std::exchange(handle_, {}); }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  void reset() {
    if (handle_) handle_.destroy();
    handle_ = {};
  }
  std::coroutine_handle<promise_type> handle_;
};

// Starts `task` as a top-level process at the current instant. Its frame is
// freed when it finishes; an exception it throws stops the run and is
// rethrown from Simulator::run.
inline void spawn(Simulator& sim, Task<> task) {
  auto h = task.release();
  h.promise().link.frame = h;
  sim.adopt(h.promise().link);
  sim.resume_at(sim.now(), h);
}

}  // namespace eksim::sim
