#include "eksim/sim/event_queue.hpp"

#include <limits>
#include <stdexcept>

namespace eksim::sim {

void EventQueue::reserve(std::size_t pending) {
  // Full chunks plus a partly filled one for each of the few buckets in use.
  const std::size_t chunks = pending / kChunkEntries + 16;
  while (pages_.size() * kChunksPerPage < chunks) {
    pages_.push_back(std::make_unique<Chunk[]>(kChunksPerPage));
  }
}

std::size_t EventQueue::memory_bytes() const {
  return sizeof(*this) + pages_.size() * kChunksPerPage * sizeof(Chunk) +
         pages_.capacity() * sizeof(pages_[0]) +
         slab_pages_.size() * (std::size_t{1} << kSlabPageBits) * sizeof(Payload) +
         slab_pages_.capacity() * sizeof(slab_pages_[0]);
}

std::uint32_t EventQueue::new_chunk() {
  if (chunks_allocated_ == pages_.size() * kChunksPerPage) {
    if (chunks_allocated_ >= kNone - kChunksPerPage) throw std::length_error("eksim: too many pending events");
    pages_.push_back(std::make_unique<Chunk[]>(kChunksPerPage));
  }
  const std::uint32_t c = chunks_allocated_++;
  chunk(c).next = kNone;
  return c;
}

void EventQueue::free_chunk(std::uint32_t c) {
  chunk(c).next = free_chunk_;
  free_chunk_ = c;
}

std::uint32_t EventQueue::allocate_slot() {
  if (slab_free_ != kNone) {
    const std::uint32_t slot = slab_free_;
    slab_free_ = static_cast<std::uint32_t>(payload(slot).context);
    return slot;
  }
  if ((slab_size_ >> kSlabPageBits) == slab_pages_.size()) {
    if (slab_size_ >= kNone - (1u << kSlabPageBits)) throw std::length_error("eksim: too many pending events");
    slab_pages_.push_back(std::make_unique<Payload[]>(std::size_t{1} << kSlabPageBits));
  }
  Payload& p = payload(slab_size_);
  p.generation = 1;
  return slab_size_++;
}

void EventQueue::free_slot(std::uint32_t slot) {
  Payload& p = payload(slot);
  // A new generation invalidates every handle to the event that just left.
  p.generation = p.generation == 0xFFFFFFFFu ? 1 : p.generation + 1;
  p.context = slab_free_;
  slab_free_ = slot;
}

EventHandle EventQueue::push_cancellable(Time at, HandlerId handler, std::uint64_t context) {
  const std::uint32_t slot = allocate_slot();
  Payload& p = payload(slot);
  p.context = context;
  p.handler = handler;
  push(at, kViaSlab, slot);
  return EventHandle{slot, p.generation};
}

bool EventQueue::cancel(EventHandle handle) {
  if (!handle.valid() || handle.slot >= slab_size_) return false;
  Payload& p = payload(handle.slot);
  if (p.generation != handle.generation || p.handler == kCancelled) return false;
  p.handler = kCancelled;
  --live_;
  ++dead_;
  if (dead_ > 4096 && dead_ > live_) drop_dead_entries();
  return true;
}

bool EventQueue::cancelled(const Entry& e) {
  return e.handler == kViaSlab && payload(static_cast<std::uint32_t>(e.context)).handler == kCancelled;
}

void EventQueue::drop(const Entry& e) {
  free_slot(static_cast<std::uint32_t>(e.context));
  --dead_;
}

void EventQueue::take_front(Entry& e) {
  Bucket& b = buckets_[0];
  Chunk& c = chunk(b.head);
  e = c.entries[b.head_pos++];
  if (b.head == b.tail && b.head_pos == b.tail_pos) {
    free_chunk(b.head);
    b = Bucket{};
  } else if (b.head_pos == kChunkEntries) {
    const std::uint32_t next = c.next;
    free_chunk(b.head);
    b.head = next;
    b.head_pos = 0;
  }
}

std::size_t EventQueue::lowest_bucket() const {
  for (std::size_t w = 0; w < nonempty_.size(); ++w) {
    if (nonempty_[w] != 0) return 1 + w * 64 + static_cast<std::size_t>(std::countr_zero(nonempty_[w]));
  }
  return 0;
}

bool EventQueue::refill(Time limit) {
  for (std::size_t index = lowest_bucket(); index != 0; index = lowest_bucket()) {
    const Bucket b = buckets_[index];
    // Pass 1: the earliest live time in the bucket. A level-0 bucket holds a
    // single time, so the first live entry settles it.
    const bool single_time = index <= kDigits;
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    bool any_live = false;
    for (std::uint32_t c = b.head; c != kNone && !(single_time && any_live); c = chunk(c).next) {
      const std::uint32_t n = c == b.tail ? b.tail_pos : kChunkEntries;
      const Entry* entries = chunk(c).entries;
      for (std::uint32_t i = 0; i < n; ++i) {
        if (entries[i].time < earliest && !cancelled(entries[i])) {
          earliest = entries[i].time;
          any_live = true;
          if (single_time) break;
        }
      }
    }
    if (any_live && earliest > limit.count()) return false;
    buckets_[index] = Bucket{};
    unmark(index);
    if (any_live && single_time) {
      // Every entry already has the earliest time: hand the chain over as is.
      last_ = earliest;
      buckets_[0] = b;
      return true;
    }
    // Pass 2: move `last_` to the earliest time and spread the bucket into
    // lower levels (dropping dead entries on the way). Every entry lands in
    // a lower level, so the chunks freed here can be reused at once.
    if (any_live) last_ = earliest;
    std::uint32_t c = b.head;
    while (c != kNone) {
      const std::uint32_t n = c == b.tail ? b.tail_pos : kChunkEntries;
      const std::uint32_t next = chunk(c).next;
      for (std::uint32_t i = 0; i < n; ++i) {
        const Entry e = chunk(c).entries[i];
        if (cancelled(e)) {
          drop(e);
        } else {
          append(bucket_of(e.time), e);
        }
      }
      free_chunk(c);
      c = next;
    }
    if (any_live) return true;
  }
  return false;
}

bool EventQueue::pop(Event& out, Time limit) {
  for (;;) {
    if (buckets_[0].head == kNone) {
      if (!refill(limit)) return false;
      continue;
    }
    if (last_ > limit.count()) return false;
    Entry e;
    take_front(e);
    if (e.handler == kViaSlab) {
      const auto slot = static_cast<std::uint32_t>(e.context);
      const Payload p = payload(slot);
      if (p.handler == kCancelled) {
        drop(e);
        continue;
      }
      free_slot(slot);
      e.handler = p.handler;
      e.context = p.context;
    }
    now_ = Time::ns(last_);
    --live_;
    out = Event{now_, e.handler, e.context};
    return true;
  }
}

Time EventQueue::next_time() {
  for (;;) {
    Bucket& b = buckets_[0];
    if (b.head != kNone) {
      const Entry& front = chunk(b.head).entries[b.head_pos];
      if (!cancelled(front)) return Time::ns(last_);
      Entry dead;
      take_front(dead);
      drop(dead);
      continue;
    }
    const std::size_t index = lowest_bucket();
    if (index == 0) return Time::max();
    // The earliest live time of the lowest bucket, without moving `last_`
    // (the clock may not advance that far: new events may still come first).
    const Bucket& low = buckets_[index];
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    for (std::uint32_t c = low.head; c != kNone; c = chunk(c).next) {
      const std::uint32_t n = c == low.tail ? low.tail_pos : kChunkEntries;
      for (std::uint32_t i = 0; i < n; ++i) {
        const Entry& e = chunk(c).entries[i];
        if (e.time < earliest && !cancelled(e)) earliest = e.time;
      }
    }
    if (earliest != std::numeric_limits<std::int64_t>::max()) return Time::ns(earliest);
    // Only dead entries: refill drops them without moving `last_`.
    refill(Time::max());
  }
}

void EventQueue::advance_to(Time t) {
  if (t < now_) throw std::logic_error("eksim: the clock cannot go backwards");
  if (next_time() < t) throw std::logic_error("eksim: advancing the clock past pending events");
  now_ = t;
}

void EventQueue::drop_dead_entries() {
  // Rebuild every bucket from its live entries, in order.
  for (std::size_t index = 0; index < buckets_.size(); ++index) {
    const Bucket b = buckets_[index];
    if (b.head == kNone) continue;
    buckets_[index] = Bucket{};
    if (index != 0) unmark(index);
    std::uint32_t c = b.head;
    std::uint32_t first = b.head_pos;
    while (c != kNone) {
      const std::uint32_t n = c == b.tail ? b.tail_pos : kChunkEntries;
      const std::uint32_t next = chunk(c).next;
      for (std::uint32_t i = first; i < n; ++i) {
        const Entry e = chunk(c).entries[i];
        if (cancelled(e)) {
          drop(e);
        } else {
          append(index, e);
        }
      }
      free_chunk(c);
      c = next;
      first = 0;
    }
  }
}

}  // namespace eksim::sim
