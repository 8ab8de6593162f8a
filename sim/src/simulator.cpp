#include "eksim/sim/simulator.hpp"

#include <string>

namespace eksim::sim {

namespace detail {
void resume_coroutine(std::uint64_t address) {
  std::coroutine_handle<>::from_address(reinterpret_cast<void*>(static_cast<std::uintptr_t>(address))).resume();
}
}  // namespace detail

Simulator::~Simulator() {
  shutting_down_ = true;
  // Destroying a frame unlinks it (PromiseBase's destructor), so take the head each time.
  while (live_head_ != nullptr) live_head_->frame.destroy();
}

void Simulator::adopt(detail::ProcessLink& link) {
  link.sim = this;
  link.prev = nullptr;
  link.next = live_head_;
  if (live_head_ != nullptr) live_head_->prev = &link;
  live_head_ = &link;
  ++live_processes_;
}

void Simulator::unlink(detail::ProcessLink& link) noexcept {
  if (link.prev != nullptr) link.prev->next = link.next;
  else live_head_ = link.next;
  if (link.next != nullptr) link.next->prev = link.prev;
  link.sim = nullptr;
  --live_processes_;
}

void Simulator::throw_past(Time at) const {
  throw std::logic_error("eksim: event scheduled at " + format_duration(at) + ", before the current time " +
                         format_duration(queue_.now()));
}

void Simulator::rethrow_if_failed() {
  if (error_) {
    std::exception_ptr e = std::move(error_);
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

void Simulator::run_until(Time horizon) {
  stopped_ = false;
  Event e;
  while (!stopped_ && queue_.pop(e, horizon)) dispatch(e);
  rethrow_if_failed();
  if (!stopped_ && horizon != Time::max()) queue_.advance_to(horizon);
}

std::uint64_t Simulator::run_events(std::uint64_t count) {
  stopped_ = false;
  Event e;
  std::uint64_t ran = 0;
  while (ran < count && !stopped_ && queue_.pop(e)) {
    dispatch(e);
    ++ran;
  }
  rethrow_if_failed();
  return ran;
}

}  // namespace eksim::sim
