#include "eksim/sim/event_queue.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

namespace eksim::sim {

EventQueue::~EventQueue() {
  if (arena_ != nullptr) ::munmap(arena_, kArenaChunks * kChunkBytes);
}

std::size_t EventQueue::memory_bytes() const {
  // Pages of the arena that chunks have touched (4 KiB each).
  constexpr std::size_t kPage = 4096;
  const std::size_t arena = (chunks_allocated_ * kChunkBytes + kPage - 1) / kPage * kPage;
  return sizeof(*this) + arena + run_capacity_ * sizeof(Entry) +
         slab_pages_.size() * (std::size_t{1} << kSlabPageBits) * sizeof(Payload) +
         slab_pages_.capacity() * sizeof(slab_pages_[0]);
}

std::uint32_t EventQueue::new_chunk() {
  if (arena_ == nullptr) {
    // MAP_NORESERVE: address space only; pages are committed when touched.
    void* p = ::mmap(nullptr, kArenaChunks * kChunkBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    arena_ = static_cast<Slot*>(p);
  }
  if (chunks_allocated_ == kArenaChunks) throw std::length_error("eksim: too many pending events");
  const std::uint32_t c = chunks_allocated_++;
  next_of(c) = kNone;
  return c;
}

void EventQueue::free_chunk(std::uint32_t c) {
  next_of(c) = free_chunk_;
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

void EventQueue::throw_wide_context() {
  throw std::invalid_argument("eksim: an event context must fit in 48 bits");
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
  return e.handler() == kViaSlab && payload(static_cast<std::uint32_t>(e.context())).handler == kCancelled;
}

void EventQueue::drop(const Entry& e) {
  free_slot(static_cast<std::uint32_t>(e.context()));
  --dead_;
}

template <bool kFree, class F>
void EventQueue::walk(const Bucket& b, F f) {
  if (b.head == kNone) return;
  const std::uint32_t last_chunk = b.tail >> 3;
  std::uint32_t position = b.head;
  if ((position >> 3) != last_chunk) prefetch_chunk(next_of(position >> 3));
  for (;;) {
    const std::uint32_t c = position >> 3;
    const bool is_last = c == last_chunk;
    const Link link = link_of(c);
    // The next chunk was fetched a chunk ago; fetch the one after it. Near
    // the end of the chain the skip link is stale: a useless fetch, cheaper
    // than a branch.
    prefetch_chunk(link.skip);
    const Slot* const end = &arena_[is_last ? b.tail : (c << 3) + kChunkEntries];
    for (const Slot* e = &arena_[position]; e != end; ++e) f(e->entry);
    if constexpr (kFree) free_chunk(c);
    if (is_last) return;
    position = link.next << 3;
  }
}

void EventQueue::take_front(Entry& e) {
  Bucket& b = buckets_[0];
  e = entry(b.head);
  const std::uint32_t position = b.head + 1;
  if (position == b.tail) {
    free_chunk(position >> 3);
    b = Bucket{};
  } else if ((position & 7) == kChunkEntries) {
    const std::uint32_t c = position >> 3;
    b.head = next_of(c) << 3;
    free_chunk(c);
  } else {
    b.head = position;
  }
}

EventQueue::Bucket EventQueue::take(std::size_t index) {
  const Bucket b = buckets_[index];
  buckets_[index] = Bucket{};
  if (index != 0) unmark(index);
  return b;
}

std::size_t EventQueue::lowest_bucket() const {
  for (std::size_t w = 0; w < nonempty_.size(); ++w) {
    if (nonempty_[w] != 0) return 1 + w * 64 + static_cast<std::size_t>(std::countr_zero(nonempty_[w]));
  }
  return 0;
}

std::int64_t EventQueue::base_of(std::size_t index) const {
  // A bucket's entries share `last_`'s digits above its level and have the
  // bucket's digit at its level: with zeros below, a lower bound of them all.
  const std::size_t level = (index - 1) / kDigits;
  const auto shift = static_cast<unsigned>(level * kDigitBits);
  const std::uint64_t above = level + 1 == 64 / kDigitBits ? 0 : ~((std::uint64_t{1} << (shift + kDigitBits)) - 1);
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(last_) & above) |
                                   (static_cast<std::uint64_t>((index - 1) % kDigits) << shift));
}

void EventQueue::spread(const Bucket& b, std::size_t level) {
  // Every entry lands in a lower level, so the chunks freed here can be
  // reused at once. Without dead entries, `last_` being the bucket's lower
  // bound (the entries' digits from `level` up, zeros below) makes an
  // entry's digit one level down, when not zero (15 times in 16), its new
  // bucket: one shift instead of bucket_of.
  if (dead_ != 0) {
    walk<true>(b, [this](const Entry& e) {
      if (cancelled(e)) {
        drop(e);
      } else {
        append(bucket_of(e.time), e);
      }
    });
  } else if (level == 2) {
    // The common case, 256 ns into sixteen 16 ns level-1 buckets, written
    // apart so that the shift is a constant and the digit count needs no
    // range test. An entry whose level-1 digit is 0 (1 in 16) shares
    // `last_`'s window: it goes to level 1's digit-0 bucket, which
    // bucket_of never uses (a later time differs from `last_` in a digit
    // where its own is the larger), so no entry ever takes a branch here;
    // refill sorts that bucket into the run at once, before anything else
    // can be scheduled.
    walk<true>(b, [this](const Entry& e) {
      const auto digit = static_cast<std::size_t>(e.time >> kDigitBits) & (kDigits - 1);
      append_chain(buckets_[1 + kDigits + digit], 1 + kDigits + digit, e);
      ++level1_digits_[digit][static_cast<std::size_t>(e.time) & (kDigits - 1)];
    });
  } else {
    // Higher levels: the same without digit counts; digit 0 goes to the
    // level below's digit-0 bucket, which refill spreads next.
    const auto shift = static_cast<unsigned>((level - 1) * kDigitBits);
    walk<true>(b, [this, shift](const Entry& e) {
      const auto digit = static_cast<std::size_t>(e.time >> shift) & (kDigits - 1);
      const std::size_t index = 1 + shift * (kDigits / kDigitBits) + digit;
      append_chain(buckets_[index], index, e);
    });
  }
}

void EventQueue::sort_into_run(std::size_t index) {
  // A level-1 bucket spans 16 consecutive nanoseconds: a stable counting
  // sort on the last hex digit (counted as entries were appended) puts it
  // in (time, insertion) order in one flat array, instead of one level-0
  // bucket per nanosecond.
  const Bucket b = take(index);
  auto& counts = level1_digits_[index - (1 + kDigits)];
  std::array<std::uint32_t, kDigits> start{};
  std::uint32_t n = 0;
  for (std::size_t d = 0; d < kDigits; ++d) {
    start[d] = n;
    n += counts[d];
    counts[d] = 0;
  }
  if (n > run_capacity_) {
    run_capacity_ = std::max<std::size_t>(n, 2 * run_capacity_);
    run_buffer_ = std::make_unique_for_overwrite<Entry[]>(run_capacity_);
  }
  Entry* run = run_buffer_.get();
  walk<true>(b, [run, &start](const Entry& e) { run[start[static_cast<std::size_t>(e.time) & (kDigits - 1)]++] = e; });
  run_next_ = run;
  run_end_ = run + n;
}

bool EventQueue::refill(Time limit) {
  // Called when the current 16 ns window (run, bucket 0, level 0) is empty.
  for (std::size_t index = lowest_bucket(); index != 0; index = lowest_bucket()) {
    const std::int64_t base = base_of(index);
    if (base > limit.count()) return false;
    // `base` bounds every pending time from below, so `last_` may move
    // there without a scan for the minimum.
    last_ = base;
    if (index <= 2 * kDigits && index > kDigits) {
      sort_into_run(index);
      return true;
    }
    const Bucket b = take(index);
    if (index <= kDigits) {
      // Level 0 holds the single time `base`: hand the chain over.
      buckets_[0] = b;
      return true;
    }
    spread(b, (index - 1) / kDigits);
    // Entries at or just after `base` may now be in the window.
    if (buckets_[0].head != kNone || (nonempty_[0] & kLevel0Mask) != 0) return true;
  }
  return false;
}

bool EventQueue::pop_slow(Event& out, Time limit) {
  const bool taken = take_slow(out, limit);
  // Events at `last_` wait in bucket 0 behind the run's; otherwise the
  // earliest level-0 bucket, or the end of the window, bounds the run.
  fast_until_ = buckets_[0].head != kNone ? last_ + 1 : level0_first();
  return taken;
}

bool EventQueue::take_slow(Event& out, Time limit) {
  for (;;) {
    // Sources of the current window, in order: the sorted run, then bucket
    // 0 (scheduled at `last_` after the run was sorted), then level 0
    // (scheduled later in the window). At equal times the run is older.
    const bool in_run = run_next_ != run_end_;
    const std::int64_t run_time = in_run ? run_next_->time : std::numeric_limits<std::int64_t>::max();
    Entry e;
    if (buckets_[0].head != kNone && run_time != last_) {
      if (last_ > limit.count()) return finish_without_event();
      take_front(e);
    } else if (in_run && (buckets_[0].head != kNone || level0_first() >= run_time)) {
      if (run_time > limit.count()) return finish_without_event();
      e = *run_next_++;
      if (run_time != last_) {
        // `last_` moves within the window: events scheduled earlier for
        // exactly this time wait in its level-0 bucket, which by definition
        // is now bucket 0 (empty, or the branch above would have run).
        last_ = run_time;
        const std::size_t index = 1 + static_cast<std::size_t>(run_time & (kDigits - 1));
        if (buckets_[index].head != kNone) buckets_[0] = take(index);
      }
    } else if ((nonempty_[0] & kLevel0Mask) != 0) {
      // The earliest level-0 bucket becomes bucket 0.
      const std::size_t index = 1 + static_cast<std::size_t>(std::countr_zero(nonempty_[0] & kLevel0Mask));
      const std::int64_t t = base_of(index);
      if (t > limit.count()) return finish_without_event();
      buckets_[0] = take(index);
      last_ = t;
      continue;
    } else {
      if (!refill(limit)) return finish_without_event();
      continue;
    }
    HandlerId handler = e.handler();
    std::uint64_t context = e.context();
    if (handler == kViaSlab) {
      const auto slot = static_cast<std::uint32_t>(context);
      const Payload p = payload(slot);
      if (p.handler == kCancelled) {
        drop(e);
        continue;
      }
      free_slot(slot);
      handler = p.handler;
      context = p.context;
    }
    now_ = Time::ns(e.time);
    --live_;
    out = Event{now_, handler, context};
    return true;
  }
}

std::int64_t EventQueue::level0_first() const {
  // Bit 16 stands for the end of the window, so an empty level 0 needs no test.
  const std::uint64_t level0 = (nonempty_[0] & kLevel0Mask) | (kLevel0Mask + 1);
  return (last_ & ~static_cast<std::int64_t>(kDigits - 1)) + std::countr_zero(level0);
}

bool EventQueue::finish_without_event() {
  if (live_ == 0) {
    // Only dead entries may remain: drop them all. With nothing pending,
    // `last_` can return to the clock, which never moves for them.
    drop_dead_entries();
    last_ = now_.count();
  } else if (last_ > now_.count()) {
    // Refilling moved `last_` towards the next event, never past it nor
    // past the limit; the clock follows so nothing is scheduled below it.
    now_ = Time::ns(last_);
  }
  return false;
}

Time EventQueue::next_time() {
  // Rarely called (at run boundaries): a plain scan of the window and of
  // the lowest bucket for the earliest live time.
  std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
  auto consider = [&](const Entry& e) {
    if (e.time < earliest && !cancelled(e)) earliest = e.time;
  };
  for (const Entry* e = run_next_; e != run_end_; ++e) consider(*e);
  walk<false>(buckets_[0], consider);
  for (std::size_t index = 1; index < kBuckets; ++index) {
    if (buckets_[index].head == kNone) continue;
    // Buckets are in time order: once a live time is known, a later
    // bucket cannot hold an earlier one.
    if (earliest != std::numeric_limits<std::int64_t>::max() && base_of(index) > earliest) break;
    walk<false>(buckets_[index], consider);
  }
  return earliest == std::numeric_limits<std::int64_t>::max() ? Time::max() : Time::ns(earliest);
}

void EventQueue::advance_to(Time t) {
  if (t < now_) throw std::logic_error("eksim: the clock cannot go backwards");
  if (next_time() < t) throw std::logic_error("eksim: advancing the clock past pending events");
  now_ = t;
}

void EventQueue::drop_dead_entries() {
  // Rebuild every bucket, and the run, from its live entries, in order.
  for (std::size_t index = 0; index < buckets_.size(); ++index) {
    if (buckets_[index].head == kNone) continue;
    const Bucket b = take(index);
    if (index > kDigits && index <= 2 * kDigits) level1_digits_[index - (1 + kDigits)] = {};
    walk<true>(b, [this, index](const Entry& e) {
      if (cancelled(e)) {
        drop(e);
      } else {
        append(index, e);
      }
    });
  }
  Entry* kept = run_next_;
  for (const Entry* e = run_next_; e != run_end_; ++e) {
    if (cancelled(*e)) {
      drop(*e);
    } else {
      *kept++ = *e;
    }
  }
  run_end_ = kept;
}

}  // namespace eksim::sim
