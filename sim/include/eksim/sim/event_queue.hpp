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
//   When bucket 0 runs dry, the lowest bucket is scanned for its earliest
//   time, `last_` moves there, and its events spread into lower levels: an
//   event moves at most 16 times, in practice two or three. A level-0
//   bucket holds one exact time and is handed to bucket 0 whole.
// - Order among equal times is insertion order, with no sequence number:
//   at every moment an event's bucket is a function of its time and `last_`,
//   so events with equal times always share a bucket, every append goes to
//   the back and every spread keeps order. Bucket 0 is therefore the FIFO of
//   the current instant, and scheduling for "now" is a plain append.
// - Buckets are chains of 128-byte chunks of 6 packed 20-byte entries
//   {time, context, handler}, so spreading a bucket streams through memory
//   instead of chasing pointers, and chunks come from fixed 4 KiB pages:
//   no doubling slack, so a pending plain event costs about 21 bytes at
//   scale (see bench/kernel_bench.cpp).
// - Cancellable events keep {context, handler, generation} in a paged slab
//   and point at it; cancelling marks the record, and the entry is dropped
//   when its bucket is next spread, or in a sweep once dead entries
//   outnumber live ones.
//
// heap_event_queue.hpp holds the 4-ary heap this queue replaced; the tests
// run both against the same reference and the benchmark compares them.
#pragma once

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

  // Allocates chunk pages for `pending` plain events up front.
  void reserve(std::size_t pending);

  // `at` must not be earlier than now(); the simulator checks this.
  void push(Time at, HandlerId handler, std::uint64_t context) {
    append(bucket_of(at.count()), Entry{at.count(), context, handler});
    ++live_;
  }
  EventHandle push_cancellable(Time at, HandlerId handler, std::uint64_t context);

  // True if the event was pending and is now cancelled.
  bool cancel(EventHandle handle);

  // Takes the next event in (time, insertion) order and advances now().
  // Returns false when nothing is pending at or before `limit`.
  bool pop(Event& out, Time limit = Time::max());

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
#pragma pack(push, 4)
  struct Entry {
    std::int64_t time;
    std::uint64_t context;  // a slab slot when handler == kViaSlab
    HandlerId handler;
  };
#pragma pack(pop)
  static_assert(sizeof(Entry) == 20);
  // Two cache lines: small enough that the partly filled tail chunks of the
  // buckets in use cost little, large enough that following `next` is rare.
  static constexpr std::uint32_t kChunkEntries = 6;
  struct alignas(64) Chunk {
    Entry entries[kChunkEntries];
    std::uint32_t next;
  };
  static_assert(sizeof(Chunk) == 128);
  static constexpr std::uint32_t kChunksPerPage = 32;  // 4 KiB
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

#pragma pack(push, 2)
  struct Bucket {
    std::uint32_t head = kNone;
    std::uint32_t tail = kNone;
    std::uint8_t head_pos = 0;  // next entry to take from the head chunk
    std::uint8_t tail_pos = 0;  // entries used in the tail chunk
  };
#pragma pack(pop)
  static_assert(sizeof(Bucket) == 10);

  struct Payload {
    std::uint64_t context;  // next free slot while on the free list
    HandlerId handler;
    std::uint32_t generation;
  };
  static constexpr std::uint32_t kSlabPageBits = 12;  // 4096 records, 64 KiB
  static constexpr HandlerId kViaSlab = 0xFFFFFFFEu;
  static constexpr HandlerId kCancelled = 0xFFFFFFFFu;

  static constexpr std::size_t kDigitBits = 4;
  static constexpr std::size_t kDigits = std::size_t{1} << kDigitBits;
  static constexpr std::size_t kBuckets = 1 + 64 / kDigitBits * kDigits;  // 257

  [[nodiscard]] std::size_t bucket_of(std::int64_t t) const;
  [[nodiscard]] std::size_t lowest_bucket() const;  // 0 if none besides bucket 0
  void mark(std::size_t bucket) { nonempty_[(bucket - 1) >> 6] |= std::uint64_t{1} << ((bucket - 1) & 63); }
  void unmark(std::size_t bucket) { nonempty_[(bucket - 1) >> 6] &= ~(std::uint64_t{1} << ((bucket - 1) & 63)); }
  Chunk& chunk(std::uint32_t c) { return pages_[c / kChunksPerPage][c % kChunksPerPage]; }
  Payload& payload(std::uint32_t slot) {
    return slab_pages_[slot >> kSlabPageBits][slot & ((1u << kSlabPageBits) - 1)];
  }
  [[nodiscard]] bool cancelled(const Entry& e);
  void drop(const Entry& e);  // frees the slab record of a dead entry
  std::uint32_t allocate_chunk() {
    const std::uint32_t c = free_chunk_;
    if (c == kNone) [[unlikely]] return new_chunk();
    free_chunk_ = chunk(c).next;
    chunk(c).next = kNone;
    return c;
  }
  std::uint32_t new_chunk();
  void free_chunk(std::uint32_t c);
  void append(std::size_t bucket, const Entry& e);
  void take_front(Entry& e);  // from bucket 0, which must not be empty
  bool refill(Time limit);    // brings the earliest time into bucket 0
  void drop_dead_entries();
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t slot);

  std::vector<std::unique_ptr<Chunk[]>> pages_;
  std::uint32_t chunks_allocated_ = 0;
  std::uint32_t free_chunk_ = kNone;
  std::array<Bucket, kBuckets> buckets_{};
  std::array<std::uint64_t, 4> nonempty_{};  // bit b-1 set when bucket b (1..256) holds entries
  std::int64_t last_ = 0;       // time of the last event taken
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
  const std::size_t level = (static_cast<std::size_t>(std::bit_width(diff)) - 1) / kDigitBits;
  const std::size_t digit = (static_cast<std::uint64_t>(t) >> (level * kDigitBits)) & (kDigits - 1);
  return 1 + level * kDigits + digit;
}

inline void EventQueue::append(std::size_t bucket, const Entry& e) {
  Bucket& b = buckets_[bucket];
  if (b.tail_pos == kChunkEntries || b.tail == kNone) [[unlikely]] {
    const std::uint32_t c = allocate_chunk();
    if (b.tail == kNone) {
      b.head = c;
      b.head_pos = 0;
      if (bucket != 0) mark(bucket);
    } else {
      chunk(b.tail).next = c;
    }
    b.tail = c;
    b.tail_pos = 0;
  }
  chunk(b.tail).entries[b.tail_pos++] = e;
}

}  // namespace eksim::sim
