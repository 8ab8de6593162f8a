// The simulator: a clock, the pending-event set and the run loop.
//
// Two ways to act in simulated time:
// - plain events: a registered function plus one 64-bit word of context
//   (`sim.call_in<&Source::on_arrival>(delay, source)`), no allocation;
// - processes: C++20 coroutines that `co_await sim.sleep(d)` or a Resource
//   (see process.hpp), for multi-step lifecycles.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <stdexcept>

#include "eksim/sim/event_queue.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::sim {

class Simulator;

namespace detail {
template <auto Fn, class T>
void call_member(std::uint64_t context) {
  std::invoke(Fn, *reinterpret_cast<T*>(static_cast<std::uintptr_t>(context)));
}
void resume_coroutine(std::uint64_t address);

// Links a running top-level process into its simulator, so processes still
// suspended when the simulator goes away are destroyed rather than leaked.
struct ProcessLink {
  ProcessLink* prev = nullptr;
  ProcessLink* next = nullptr;
  std::coroutine_handle<> frame;
  Simulator* sim = nullptr;
};
}  // namespace detail

// Called for every event run, before its action; for traces and tests.
using TraceFn = void (*)(void* user, const Event& event);

class Simulator {
 public:
  Simulator() = default;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  // Destroys processes still suspended; their RAII guards see
  // shutting_down() and leave other entities alone.
  ~Simulator();

  [[nodiscard]] Time now() const { return queue_.now(); }

  // Schedules `handler(context)` at absolute time `at` (not in the past).
  void schedule_at(Time at, HandlerId handler, std::uint64_t context) {
    if (at < queue_.now()) throw_past(at);
    queue_.push(at, handler, context);
  }
  void schedule_in(Time delay, HandlerId handler, std::uint64_t context) {
    schedule_at(queue_.now() + delay, handler, context);
  }
  // Same, returning a handle for cancel(); costs a slab record, so plain
  // events (the great majority) use the calls above.
  EventHandle schedule_cancellable_at(Time at, HandlerId handler, std::uint64_t context) {
    if (at < queue_.now()) throw_past(at);
    return queue_.push_cancellable(at, handler, context);
  }

  // Schedules `Fn(obj)` (a member function pointer or a free function taking
  // T&) at `at` / after `delay`. `obj` must outlive the event.
  template <auto Fn, class T>
  void call_at(Time at, T& obj) {
    schedule_at(at, handler_id<&detail::call_member<Fn, T>>(), address_of(obj));
  }
  template <auto Fn, class T>
  void call_in(Time delay, T& obj) {
    call_at<Fn>(queue_.now() + delay, obj);
  }
  template <auto Fn, class T>
  EventHandle call_cancellable_at(Time at, T& obj) {
    return schedule_cancellable_at(at, handler_id<&detail::call_member<Fn, T>>(), address_of(obj));
  }
  template <auto Fn, class T>
  EventHandle call_cancellable_in(Time delay, T& obj) {
    return call_cancellable_at<Fn>(queue_.now() + delay, obj);
  }

  // Resumes a suspended coroutine at `at`; used by awaiters.
  void resume_at(Time at, std::coroutine_handle<> h) {
    schedule_at(at, handler_id<&detail::resume_coroutine>(), frame_word(h));
  }
  EventHandle resume_cancellable_at(Time at, std::coroutine_handle<> h) {
    return schedule_cancellable_at(at, handler_id<&detail::resume_coroutine>(),
                                   frame_word(h));
  }

  bool cancel(EventHandle handle) { return queue_.cancel(handle); }

  // Runs events until none is pending or stop() is called.
  void run() { run_until(Time::max()); }
  // Runs every event at or before `horizon`, then sets the clock to `horizon`
  // unless stopped early or the horizon is Time::max().
  void run_until(Time horizon);
  // Runs at most `count` events; returns how many ran.
  std::uint64_t run_events(std::uint64_t count);
  // Ends the current run after the running event returns.
  void stop() { stopped_ = true; }

  [[nodiscard]] std::uint64_t events_run() const { return events_run_; }
  [[nodiscard]] bool shutting_down() const { return shutting_down_; }
  [[nodiscard]] std::size_t live_processes() const { return live_processes_; }
  void adopt(detail::ProcessLink& link);
  void unlink(detail::ProcessLink& link) noexcept;
  [[nodiscard]] std::size_t pending() const { return queue_.size(); }
  [[nodiscard]] EventQueue& queue() { return queue_; }

  void set_trace(TraceFn fn, void* user) {
    trace_ = fn;
    trace_user_ = user;
  }

  // A process that ended with an exception stops the run; run() rethrows it.
  void fail(std::exception_ptr error) {
    if (!error_) error_ = std::move(error);
    stopped_ = true;
  }

  // `co_await sim.sleep(d)` suspends the calling process for `d`.
  struct SleepAwaiter {
    Simulator& sim;
    Time delay;
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { sim.resume_at(sim.now() + delay, h); }
    void await_resume() const noexcept {}
  };
  SleepAwaiter sleep(Time delay) {
    if (delay < Time{}) throw std::invalid_argument("eksim: negative sleep");
    return SleepAwaiter{*this, delay};
  }

 private:
  [[noreturn]] void throw_past(Time at) const;
  static std::uint64_t frame_word(std::coroutine_handle<> h) {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h.address()));
  }
  template <class T>
  static std::uint64_t address_of(T& obj) {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&obj));
  }
  void dispatch(const Event& e) {
    if (trace_ != nullptr) trace_(trace_user_, e);
    detail::g_handlers[e.handler](e.context);
    ++events_run_;
  }
  void rethrow_if_failed();

  EventQueue queue_;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
  TraceFn trace_ = nullptr;
  void* trace_user_ = nullptr;
  std::exception_ptr error_;
  detail::ProcessLink* live_head_ = nullptr;
  std::size_t live_processes_ = 0;
  bool shutting_down_ = false;
};

}  // namespace eksim::sim
