// The pending-event set: a radix queue (Ahuja, Mehlhorn, Orlin & Tarjan
// 1990) over integer nanosecond times with 4-bit digits, events stored
// inline in chunked FIFO buckets.
//
// Why this shape:
// - Simulated time only moves forward, so the queue is monotone: no event is
//   ever scheduled before the last one taken. A radix queue exploits that.
//   An event's time is compared with the time `last_` of the last event
//   taken: if the highest bit where they differ lies in hex digit `level`,
//   the event goes to bucket (level, its own digit there); bucket 0 holds
//   events at exactly `last_`. Buckets in (level, digit) order are in time
//   order, so the earliest event is in the lowest non-empty bucket (found
//   with a 256-bit mask). Scheduling is a XOR, a bit count and an append.
//   When the current window runs dry, `last_` moves to the lowest bucket's
//   lower bound (its shared digits, zeros below: no scan for the minimum)
//   and the bucket's events spread into lower levels; an event moves at
//   most 16 times, in practice two or three.
// - The current 16 ns window is one flat run: a level-1 bucket (16
//   consecutive nanoseconds) is counting-sorted on its last digit when it
//   becomes current, one pass because it counts its digits as entries
//   arrive. Events scheduled into the window afterwards go to bucket 0
//   (exactly `last_`) or their level-0 bucket and merge with the run by
//   time, the run first at equal times.
// - Order among equal times is insertion order, with no sequence number:
//   at every moment an event's bucket is a function of its time and `last_`,
//   so events with equal times always share a bucket (or the run, which
//   holds the older ones), appends go to the back and spreading and sorting
//   are stable. Scheduling for "now" is a plain append to bucket 0.
// - Buckets are chains of 128-byte chunks of seven 16-byte entries
//   {time, handler | context}, so spreading a bucket streams through memory
//   instead of chasing pointers; each chunk links to the next and to the one
//   after, so a walk has two chunks in flight (at a million pending events
//   that took the hold model from 15 to 24 M events/s). Chunks live in one contiguous arena: a
//   large virtual reservation whose pages the kernel commits on first
//   touch, so a chunk is one indexed load away, the arena never moves, and
//   there is no doubling slack: a pending plain event costs about 19 bytes
//   at scale (see docs/performance.md).
// - Cancellable events keep {context, handler, generation} in a paged slab
//   and point at it; cancelling marks the record, and the entry is dropped
//   when its bucket is next spread, or in a sweep once dead entries
//   outnumber live ones.
//
// heap_event_queue.hpp holds the 4-ary heap this queue replaced; the tests
// run both against the same reference and the benchmark compares them.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "eksim/sim/event_types.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::sim {

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue();

  // Nothing to do: the arena commits memory as it is first used. Kept so
  // both queues answer the same interface.
  void reserve(std::size_t /*pending*/) {}

  // `at` must not be earlier than now(); the simulator checks this.
  // `context` must fit in 48 bits, as user-space addresses and indices do.
  void push(Time at, HandlerId handler, std::uint64_t context) {
    if ((context >> kContextBits) != 0) [[unlikely]] throw_wide_context();
    const std::size_t bucket = bucket_of(at.count());
    append(bucket, Entry{at.count(), pack(handler, context)});
    ++live_;
    // Into the current window (bucket 0 or level 0, a few times in a hundred):
    // the run may pop on the fast path only before this event's time, or up to
    // `last_` itself, whose older events the run holds.
    if (bucket <= kDigits) [[unlikely]] fast_until_ = std::min(fast_until_, at.count() + (bucket == 0 ? 1 : 0));
  }
  EventHandle push_cancellable(Time at, HandlerId handler, std::uint64_t context);

  // True if the event was pending and is now cancelled.
  bool cancel(EventHandle handle);

  // Takes the next event in (time, insertion) order and advances now().
  // Returns false when nothing is pending at or before `limit`; the clock
  // may then have moved forward, never past `limit` or a pending event.
  bool pop(Event& out, Time limit = Time::max()) {
    // Fast path, inline: the next event is the front of the sorted run, and
    // earlier than `fast_until_`, before which nothing else of the window
    // competes with it. At a million pending events a 16 ns window holds
    // 16,000 events, some 1,000 a nanosecond, and new events reach most of its
    // level-0 buckets before the run does: a fast path that asked for them
    // all to be empty would be skipped for nearly every event.
    if (run_next_ != run_end_) {
      const Entry& e = *run_next_;
      if (e.time < fast_until_ && e.time <= limit.count() && e.handler() != kViaSlab) {
        out = Event{Time::ns(e.time), e.handler(), e.context()};
        last_ = e.time;
        now_ = out.time;
        --live_;
        ++run_next_;
        return true;
      }
    }
    return pop_slow(out, limit);
  }

  // Time of the next pending event, or Time::max() if none.
  Time next_time();

  // Moves the clock forward to `t`; nothing may be pending before `t`.
  void advance_to(Time t);

  [[nodiscard]] Time now() const { return now_; }
  [[nodiscard]] std::size_t size() const { return live_; }
  [[nodiscard]] bool empty() const { return live_ == 0; }
  // Bytes held by the queue (pages, slab, bucket table), allocated or not.
  [[nodiscard]] std::size_t memory_bytes() const;

 private:
  // 16 bytes: the handler id rides in the top 16 bits of the context word
  // (user-space addresses use 47 bits on x86-64 and 48 on AArch64).
  struct Entry {
    std::int64_t time;
    std::uint64_t word;  // handler << 48 | context; context is a slab slot for kViaSlab
    [[nodiscard]] HandlerId handler() const { return static_cast<HandlerId>(word >> kContextBits); }
    [[nodiscard]] std::uint64_t context() const { return word & kContextMask; }
  };
  static constexpr unsigned kContextBits = 48;
  static constexpr std::uint64_t kContextMask = (std::uint64_t{1} << kContextBits) - 1;
  static std::uint64_t pack(HandlerId handler, std::uint64_t context) {
    return (static_cast<std::uint64_t>(handler) << kContextBits) | context;
  }
  [[noreturn]] static void throw_wide_context();
  // A chunk is two cache lines: seven entries and the link to the next
  // chunk. Small enough that the partly filled tail chunks of the buckets in
  // use cost little, large enough that following a link is rare. The arena
  // is an array of 16-byte slots, chunk c being slots 8c to 8c + 7 with the
  // link in the last, so an entry position (chunk << 3 | slot) is a plain
  // index: one shift and one add to reach an entry, not six operations.
  static constexpr std::uint32_t kChunkEntries = 7;
  // A chunk's eighth slot links it: to the next chunk of its chain, to the one
  // after (so that a walk fetches two chunks ahead, not one: chains are
  // scattered over the arena and a walk of a large bucket otherwise waits a
  // memory latency per chunk), and back to the previous one, which appending
  // needs to set the skip link.
  struct Link {
    std::uint32_t next;
    std::uint32_t skip;
    std::uint32_t prev;
  };
  union Slot {
    Entry entry;
    Link link;  // in a chunk's eighth slot
  };
  static constexpr std::size_t kChunkBytes = (kChunkEntries + 1) * sizeof(Slot);
  static_assert(sizeof(Slot) == 16 && kChunkBytes == 128);
  // Virtual address space reserved for chunks: 2^28 chunks of 128 bytes
  // (32 GiB, 1.8 billion pending events). Only touched pages use memory.
  static constexpr std::size_t kArenaChunks = std::size_t{1} << 28;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // A bucket is a FIFO chain of chunks, given by two entry positions
  // (chunk << 3 | slot): the first entry, and the free slot after the last.
  // A full tail chunk has slot 7, and so has kNone: one test covers both.
  struct Bucket {
    std::uint32_t head = kNone;
    std::uint32_t tail = kNone;
  };
  static_assert(sizeof(Bucket) == 8);

  struct Payload {
    std::uint64_t context;  // next free slot while on the free list
    HandlerId handler;
    std::uint32_t generation;
  };
  static constexpr std::uint32_t kSlabPageBits = 12;  // 4096 records, 64 KiB
  // Handler ids are below detail::kMaxHandlers; these two are not.
  static constexpr HandlerId kViaSlab = 0xFFFEu;
  static constexpr HandlerId kCancelled = 0xFFFFu;
  static_assert(detail::kMaxHandlers <= kViaSlab);

  static constexpr std::size_t kDigitBits = 4;
  static constexpr std::size_t kDigits = std::size_t{1} << kDigitBits;
  static constexpr std::size_t kBuckets = 1 + 64 / kDigitBits * kDigits;  // 257

  [[nodiscard]] std::size_t bucket_of(std::int64_t t) const;
  [[nodiscard]] std::size_t lowest_bucket() const;  // 0 if none besides bucket 0
  Bucket take(std::size_t index);                  // empties a bucket, handing back its chain
  void mark(std::size_t bucket) { nonempty_[(bucket - 1) >> 6] |= std::uint64_t{1} << ((bucket - 1) & 63); }
  void unmark(std::size_t bucket) { nonempty_[(bucket - 1) >> 6] &= ~(std::uint64_t{1} << ((bucket - 1) & 63)); }
  Link& link_of(std::uint32_t c) { return arena_[(c << 3) | kChunkEntries].link; }
  std::uint32_t& next_of(std::uint32_t c) { return link_of(c).next; }
  Entry& entry(std::uint32_t position) { return arena_[position].entry; }
  // Calls f(entry) for every entry of `b` in order; with kFree, frees each
  // chunk once its entries are handled.
  template <bool kFree, class F>
  void walk(const Bucket& b, F f);
  Payload& payload(std::uint32_t slot) {
    return slab_pages_[slot >> kSlabPageBits][slot & ((1u << kSlabPageBits) - 1)];
  }
  [[nodiscard]] bool cancelled(const Entry& e);
  void drop(const Entry& e);  // frees the slab record of a dead entry
  std::uint32_t allocate_chunk() {
    const std::uint32_t c = free_chunk_;
    if (c == kNone) [[unlikely]] return new_chunk();
    free_chunk_ = next_of(c);
    next_of(c) = kNone;
    return c;
  }
  void prefetch_chunk(std::uint32_t c) {
    __builtin_prefetch(&arena_[c << 3]);
    __builtin_prefetch(&arena_[(c << 3) + 4]);
  }
  std::uint32_t new_chunk();
  void free_chunk(std::uint32_t c);
  void append(std::size_t bucket, const Entry& e);
  void append_chain(Bucket& b, std::size_t bucket, const Entry& e);  // append without the level-1 count
  void take_front(Entry& e);  // from bucket 0, which must not be empty
  bool pop_slow(Event& out, Time limit);  // take_slow, then a new fast_until_
  bool take_slow(Event& out, Time limit);
  bool refill(Time limit);        // fills the current window from the lowest bucket
  void spread(const Bucket& b, std::size_t level);  // re-files a bucket's entries relative to last_
  void sort_into_run(std::size_t index);
  [[nodiscard]] std::int64_t base_of(std::size_t index) const;
  // The time of the window's earliest level-0 bucket, or the window's end
  // when there is none (later than every time of the window).
  [[nodiscard]] std::int64_t level0_first() const;
  bool finish_without_event();  // always false, for `return finish_without_event();`
  static constexpr std::uint64_t kLevel0Mask = (std::uint64_t{1} << kDigits) - 1;
  void drop_dead_entries();
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t slot);

  Slot* arena_ = nullptr;  // mapped on first use
  std::uint32_t chunks_allocated_ = 0;
  std::uint32_t free_chunk_ = kNone;
  std::array<Bucket, kBuckets> buckets_{};
  std::array<std::uint64_t, 4> nonempty_{};  // bit b-1 set when bucket b (1..256) holds entries
  std::array<std::array<std::uint32_t, kDigits>, kDigits + 1> level1_digits_{};  // + the spare row
  std::int64_t last_ = 0;  // time of the last event taken, or a lower bound of all pending
  // A level-1 bucket sorted by time when its 16 ns window became current.
  // [run_next_, run_end_) is what is left of it, in a buffer reused from
  // window to window (no clearing, no per-window allocation).
  std::unique_ptr<Entry[]> run_buffer_;
  std::size_t run_capacity_ = 0;
  Entry* run_next_ = nullptr;
  Entry* run_end_ = nullptr;
  // The run's events before this time are next in order: nothing waits in
  // bucket 0 (or the run is still at `last_`, whose events it holds first),
  // and no level-0 bucket is earlier. Set by pop_slow, lowered by push.
  std::int64_t fast_until_ = 0;
  Time now_{};
  std::size_t live_ = 0;
  std::size_t dead_ = 0;  // cancelled entries still in buckets

  std::vector<std::unique_ptr<Payload[]>> slab_pages_;
  std::uint32_t slab_size_ = 0;
  std::uint32_t slab_free_ = kNone;
};

// The hot paths, inline: scheduling is an append, nothing more.

inline std::size_t EventQueue::bucket_of(std::int64_t t) const {
  const auto diff = static_cast<std::uint64_t>(t ^ last_);
  if (diff == 0) return 0;
  // The highest differing bit is 63 - countl_zero, written as a XOR so that
  // compilers emit one bsr; rounded down to a digit boundary, it is the
  // shift of the bucket's digit, and a quarter of the level's first bucket.
  const unsigned shift = static_cast<unsigned>(std::countl_zero(diff) ^ 63) & ~static_cast<unsigned>(kDigitBits - 1);
  const std::size_t digit = (static_cast<std::uint64_t>(t) >> shift) & (kDigits - 1);
  return 1 + shift * (kDigits / kDigitBits) + digit;
}

inline void EventQueue::append(std::size_t bucket, const Entry& e) {
  append_chain(buckets_[bucket], bucket, e);
  // Level-1 buckets keep a histogram of their last digit, so sorting one
  // into the run needs a single pass over its chain instead of two.
  // Other buckets count into a spare row that nothing reads: an unpredictable branch
  // (a new event lands in level 1 a few times in a hundred) costs more than the add.
  const std::size_t row = bucket - (1 + kDigits);
  ++level1_digits_[row < kDigits ? row : kDigits][static_cast<std::size_t>(e.time) & (kDigits - 1)];
}

inline void EventQueue::append_chain(Bucket& b, std::size_t bucket, const Entry& e) {
  std::uint32_t tail = b.tail;
  if ((tail & 7) == kChunkEntries) [[unlikely]] {  // full tail chunk, or empty bucket
    const std::uint32_t c = allocate_chunk();
    if (tail == kNone) {
      b.head = c << 3;
      // A first chunk is its own "previous": the second chunk sets its skip
      // link to itself, and the third overwrites it, with no branch.
      link_of(c).prev = c;
      if (bucket != 0) mark(bucket);
    } else {
      // Skip links are only read for prefetching: one written into a chunk
      // that bucket 0 has since freed (it drops chunks from its front) is harmless.
      const std::uint32_t last = tail >> 3;
      Link& l = link_of(last);
      l.next = c;
      link_of(l.prev).skip = c;
      link_of(c).prev = last;
    }
    tail = c << 3;
  }
  entry(tail) = e;
  b.tail = tail + 1;
}

}  // namespace eksim::sim
