#include "eksim/sim/resource.hpp"

#include <stdexcept>

namespace eksim::sim {

Resource::Resource(Simulator& sim, std::size_t capacity) : sim_(sim), capacity_(capacity) {
  if (capacity == 0) throw std::invalid_argument("eksim: a resource needs at least one slot");
}

bool Resource::try_take() noexcept {
  // Arrivals never overtake waiters, even when a slot is momentarily free
  // because it is being handed to the first waiter.
  if (in_use_ < capacity_ && head_ == nullptr) {
    ++in_use_;
    ++acquisitions_;
    return true;
  }
  return false;
}

void Resource::enqueue(Awaiter& a, std::coroutine_handle<> h) noexcept {
  a.waiting = h;
  a.enqueued = sim_.now();
  a.next = nullptr;
  if (tail_ != nullptr) tail_->next = &a;
  else head_ = &a;
  tail_ = &a;
  ++waiting_;
}

void Resource::release() {
  if (in_use_ == 0) throw std::logic_error("eksim: resource released more often than acquired");
  if (head_ == nullptr) {
    --in_use_;
    return;
  }
  // The slot passes to the first waiter; in_use_ is unchanged.
  Awaiter* a = head_;
  head_ = a->next;
  if (head_ == nullptr) tail_ = nullptr;
  --waiting_;
  ++waits_;
  ++acquisitions_;
  total_wait_ += sim_.now() - a->enqueued;
  sim_.resume_at(sim_.now(), a->waiting);
}

void ResourceSlot::release() {
  if (resource_ == nullptr) return;
  Resource* r = std::exchange(resource_, nullptr);
  // While the simulator tears down suspended processes, entities may already
  // be gone; nothing will run again, so there is nothing to hand over.
  if (sim_->shutting_down()) return;
  r->release();
}

}  // namespace eksim::sim
