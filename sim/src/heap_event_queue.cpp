#include "eksim/sim/heap_event_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace eksim::sim {

namespace {
constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
}

void HeapEventQueue::reserve(std::size_t pending) {
  heap_.reserve(pending);
  slab_.reserve(pending);
}

std::size_t HeapEventQueue::memory_bytes() const {
  return heap_.capacity() * sizeof(Entry) + slab_.capacity() * sizeof(Payload) +
         fifo_.capacity() * sizeof(std::uint32_t);
}

std::uint32_t HeapEventQueue::allocate_slot() {
  if (free_head_ != kNoSlot) {
    const std::uint32_t slot = free_head_;
    free_head_ = static_cast<std::uint32_t>(slab_[slot].context);
    return slot;
  }
  if (slab_.size() == kNoSlot) throw std::length_error("eksim: too many pending events");
  slab_.push_back(Payload{0, 0, 1});
  return static_cast<std::uint32_t>(slab_.size() - 1);
}

void HeapEventQueue::free_slot(std::uint32_t slot) {
  Payload& p = slab_[slot];
  // A new generation invalidates every handle to the event that just left.
  p.generation = p.generation == 0xFFFFFFFFu ? 1 : p.generation + 1;
  p.context = free_head_;
  free_head_ = slot;
}

EventHandle HeapEventQueue::push_cancellable(Time at, HandlerId handler, std::uint64_t context) {
  const std::uint32_t slot = allocate_slot();
  Payload& p = slab_[slot];
  p.context = context;
  p.handler = handler;
  ++live_;
  const EventHandle handle{slot, p.generation};

  if (at == now_) {
    fifo_.push_back(slot);
    return handle;
  }
  if (next_seq_ == 0xFFFFFFFFu) renumber();
  const Entry e{at.count(), (static_cast<std::uint64_t>(next_seq_++) << 32) | slot};
  if (root_taken_) {
    // The handler of the event at the root is scheduling: reuse the root.
    root_taken_ = false;
    sift_down(0, e);
  } else {
    heap_.push_back(e);
    sift_up(heap_.size() - 1, e);
  }
  return handle;
}

bool HeapEventQueue::cancel(EventHandle handle) {
  if (handle.slot >= slab_.size()) return false;
  Payload& p = slab_[handle.slot];
  if (p.generation != handle.generation || p.handler == kCancelled) return false;
  // Only pending events keep their generation; freed slots have moved on.
  p.handler = kCancelled;
  --live_;
  ++tombstones_;  // in the heap or the FIFO; dropped when it surfaces
  if (tombstones_ > 4096 && tombstones_ > live_) drop_tombstones();
  return true;
}

void HeapEventQueue::sift_up(std::size_t hole, Entry e) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = e;
}

void HeapEventQueue::sift_down(std::size_t hole, Entry e) {
  // Bottom-up (Wegener): walk the hole down along the smallest children to a
  // leaf without comparing against `e`, then let `e` rise. A new event lands
  // near the leaves far more often than not (three quarters of a 4-ary
  // heap's entries are leaves), so this saves a comparison and an
  // unpredictable exit branch per level.
  const std::size_t n = heap_.size();
  Entry* h = heap_.data();
  const std::size_t start = hole;
  for (;;) {
    const std::size_t first = hole * kArity + 1;
    std::size_t best;
    if (first + kArity <= n) {
      // Full set of children, the common case: a branch-free tournament.
      const std::size_t a = before(h[first + 1], h[first]) ? first + 1 : first;
      const std::size_t b = before(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
      best = before(h[b], h[a]) ? b : a;
    } else if (first < n) {
      best = first;
      for (std::size_t c = first + 1; c < n; ++c) {
        if (before(h[c], h[best])) best = c;
      }
    } else {
      break;
    }
    h[hole] = h[best];
    hole = best;
  }
  while (hole > start) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(e, h[parent])) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = e;
}

void HeapEventQueue::remove_root() {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

void HeapEventQueue::settle_root() {
  if (root_taken_) {
    root_taken_ = false;
    remove_root();
  }
}

bool HeapEventQueue::pop(Event& out, Time limit) {
  settle_root();
  for (;;) {
    std::uint32_t slot;
    Time at = now_;
    if (fifo_head_ < fifo_.size() && (heap_.empty() || heap_[0].time > now_.count())) {
      if (now_ > limit) return false;
      slot = fifo_[fifo_head_++];
      if (fifo_head_ == fifo_.size()) {
        fifo_.clear();
        fifo_head_ = 0;
      }
    } else if (!heap_.empty()) {
      if (heap_[0].time > limit.count()) return false;
      slot = static_cast<std::uint32_t>(heap_[0].key);
      at = Time::ns(heap_[0].time);
      root_taken_ = true;
    } else {
      return false;
    }
    Payload& p = slab_[slot];
    if (p.handler == kCancelled) {
      // A cancelled event leaves the clock where it is.
      --tombstones_;
      free_slot(slot);
      settle_root();
      continue;
    }
    now_ = at;
    out = Event{now_, p.handler, p.context};
    free_slot(slot);
    --live_;
    return true;
  }
}

Time HeapEventQueue::next_time() {
  settle_root();
  // Drop cancelled events at the front so the answer is a live event's time.
  for (;;) {
    const bool from_fifo = fifo_head_ < fifo_.size() && (heap_.empty() || heap_[0].time > now_.count());
    if (from_fifo) {
      const std::uint32_t slot = fifo_[fifo_head_];
      if (slab_[slot].handler != kCancelled) return now_;
      ++fifo_head_;
      if (fifo_head_ == fifo_.size()) {
        fifo_.clear();
        fifo_head_ = 0;
      }
      --tombstones_;
      free_slot(slot);
      continue;
    }
    if (heap_.empty()) return Time::max();
    const auto slot = static_cast<std::uint32_t>(heap_[0].key);
    if (slab_[slot].handler != kCancelled) return Time::ns(heap_[0].time);
    --tombstones_;
    free_slot(slot);
    remove_root();
  }
}

void HeapEventQueue::advance_to(Time t) {
  if (t < now_) throw std::logic_error("eksim: the clock cannot go backwards");
  if (next_time() < t) throw std::logic_error("eksim: advancing the clock past pending events");
  now_ = t;
}

void HeapEventQueue::renumber() {
  // Ranks preserve the relative order of every pair, so the heap stays valid.
  std::vector<std::uint32_t> seqs;
  seqs.reserve(heap_.size());
  for (const Entry& e : heap_) seqs.push_back(static_cast<std::uint32_t>(e.key >> 32));
  std::sort(seqs.begin(), seqs.end());
  for (Entry& e : heap_) {
    const auto seq = static_cast<std::uint32_t>(e.key >> 32);
    const auto rank = static_cast<std::uint64_t>(std::lower_bound(seqs.begin(), seqs.end(), seq) - seqs.begin());
    e.key = (rank << 32) | (e.key & 0xFFFFFFFFu);
  }
  next_seq_ = static_cast<std::uint32_t>(heap_.size());
}

void HeapEventQueue::drop_tombstones() {
  settle_root();
  std::size_t kept = 0;
  for (const Entry& e : heap_) {
    const auto slot = static_cast<std::uint32_t>(e.key);
    if (slab_[slot].handler == kCancelled) {
      free_slot(slot);
    } else {
      heap_[kept++] = e;
    }
  }
  heap_.resize(kept);
  // Tombstones still in the FIFO are counted again as they drain.
  std::size_t fifo_tombstones = 0;
  for (std::size_t i = fifo_head_; i < fifo_.size(); ++i) {
    if (slab_[fifo_[i]].handler == kCancelled) ++fifo_tombstones;
  }
  tombstones_ = fifo_tombstones;
  // Floyd's bottom-up heap construction: O(n).
  for (std::size_t i = heap_.size() / kArity + 1; i-- > 0;) {
    if (i < heap_.size()) sift_down(i, heap_[i]);
  }
}

}  // namespace eksim::sim
