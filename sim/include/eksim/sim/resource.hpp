// A FIFO server with `capacity` identical slots: CPU workers of a pod,
// CoreDNS replicas' query slots, a load balancer's connection budget.
//
//   auto slot = co_await server.acquire();  // waits in FIFO order when full
//   ...                                     // slot returned when `slot` dies
//
// Waiters are an intrusive list threaded through the awaiters, which live in
// the waiting coroutines' frames, so queueing never allocates. A released
// slot passes straight to the first waiter, resumed at the current instant
// through the event queue (not inline), so order stays (time, seq) and the
// stack does not grow with the queue.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "eksim/sim/simulator.hpp"

namespace eksim::sim {

class Resource;

// Holds one slot; returns it on destruction unless released earlier.
class [[nodiscard]] ResourceSlot {
 public:
  ResourceSlot() = default;
  ResourceSlot(Resource* r, Simulator* sim) : resource_(r), sim_(sim) {}
  ResourceSlot(ResourceSlot&& o) noexcept : resource_(std::exchange(o.resource_, nullptr)), sim_(o.sim_) {}
  ResourceSlot& operator=(ResourceSlot&& o) noexcept {
    if (this != &o) {
      release();
      resource_ = std::exchange(o.resource_, nullptr);
      sim_ = o.sim_;
    }
    return *this;
  }
  ResourceSlot(const ResourceSlot&) = delete;
  ResourceSlot& operator=(const ResourceSlot&) = delete;
  ~ResourceSlot() { release(); }
  void release();
  [[nodiscard]] bool held() const { return resource_ != nullptr; }

 private:
  Resource* resource_ = nullptr;
  // Kept apart from the resource: during simulator teardown the resource
  // may already be destroyed, the simulator not.
  Simulator* sim_ = nullptr;
};

class Resource {
 public:
  Resource(Simulator& sim, std::size_t capacity);
  Resource(const Resource&) = delete;
  Resource& operator=(const Resource&) = delete;

  struct Awaiter {
    Resource& resource;
    Awaiter* next = nullptr;
    std::coroutine_handle<> waiting;
    Time enqueued{};

    [[nodiscard]] bool await_ready() noexcept { return resource.try_take(); }
    void await_suspend(std::coroutine_handle<> h) noexcept { resource.enqueue(*this, h); }
    ResourceSlot await_resume() noexcept { return ResourceSlot(&resource, &resource.sim_); }
  };
  // Waits for a free slot, first come first served.
  Awaiter acquire() { return Awaiter{*this, nullptr, {}, {}}; }

  // Returns a slot taken by acquire(); prefer letting ResourceSlot do it.
  void release();

  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] std::size_t in_use() const { return in_use_; }
  [[nodiscard]] std::size_t queue_length() const { return waiting_; }
  // Acquisitions that had to wait, and their total wait.
  [[nodiscard]] std::uint64_t waits() const { return waits_; }
  [[nodiscard]] Time total_wait() const { return total_wait_; }
  [[nodiscard]] std::uint64_t acquisitions() const { return acquisitions_; }
  [[nodiscard]] Simulator& simulator() const { return sim_; }

 private:
  bool try_take() noexcept;
  void enqueue(Awaiter& a, std::coroutine_handle<> h) noexcept;

  Simulator& sim_;
  std::size_t capacity_;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
  Awaiter* head_ = nullptr;
  Awaiter* tail_ = nullptr;
  std::uint64_t waits_ = 0;
  std::uint64_t acquisitions_ = 0;
  Time total_wait_{};
};

}  // namespace eksim::sim
