// The alternative pending-event set: a 4-ary min-heap of 16-byte entries
// ordered by (time, insertion sequence), payloads in a slab, and a FIFO for
// events at the current time. The simulator uses the radix queue of
// event_queue.hpp, which is faster at every size the hold benchmark tries;
// this one stays as the reference it is measured and tested against.
//
// Why this shape:
// - A heap entry is {time, seq:32 | slot:32}: four children share one 64-byte
//   cache line, so a sift level costs one line. Payloads (handler id, 64-bit
//   context, generation) sit in a slab of 16-byte records reused LIFO, so a
//   pending plain event costs 32 bytes in all and no allocation happens per
//   event once the arrays have grown.
// - Events scheduled for the current instant (wake-ups, hand-offs between
//   processes) skip the heap: every heap entry at that instant was inserted
//   earlier, so running the heap's entries for `now` first and then the FIFO
//   preserves (time, seq) order exactly.
// - The popped root stays in place until the handler runs; if it schedules an
//   event (the common case), the new entry replaces the root with a single
//   sift-down instead of a pop plus a push.
// - Cancellation marks the slab record; the heap entry is dropped when it
//   surfaces, or in a bulk rebuild when tombstones outnumber live events.
// - The sequence number is 32 bits. When it would wrap, pending entries are
//   renumbered by rank, which preserves their order and so the heap itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "eksim/sim/event_types.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::sim {

class HeapEventQueue {
 public:
  // Grows the arrays up front so a run of `pending` events never reallocates.
  void reserve(std::size_t pending);

  // `at` must not be earlier than now(); the simulator checks this.
  void push(Time at, HandlerId handler, std::uint64_t context) { push_cancellable(at, handler, context); }
  EventHandle push_cancellable(Time at, HandlerId handler, std::uint64_t context);

  // True if the event was pending and is now cancelled.
  bool cancel(EventHandle handle);

  // Takes the next event in (time, seq) order and advances now(). Returns
  // false when nothing is pending at or before `limit`.
  bool pop(Event& out, Time limit = Time::max());

  // Moves the clock forward to `t`; nothing may be pending before `t`.
  void advance_to(Time t);

  // Time of the next pending event, or Time::max() if none.
  Time next_time();

  [[nodiscard]] Time now() const { return now_; }
  [[nodiscard]] std::size_t size() const { return live_; }
  [[nodiscard]] bool empty() const { return live_ == 0; }
  // Bytes held by the queue's arrays (capacity, not just use).
  [[nodiscard]] std::size_t memory_bytes() const;

  // Test hook: sets the next sequence number, to test wrapping.
  void debug_set_sequence(std::uint32_t next) { next_seq_ = next; }

 private:
  struct Entry {
    std::int64_t time;
    std::uint64_t key;  // seq << 32 | slot: ordering by key orders by seq
  };
  struct Payload {
    std::uint64_t context;  // next free slot while on the free list
    HandlerId handler;
    std::uint32_t generation;
  };
  static constexpr HandlerId kCancelled = 0xFFFFFFFFu;
  static constexpr std::size_t kArity = 4;

  // One 128-bit comparison instead of two 64-bit ones: compiles to a
  // compare-with-borrow, with no branch to mispredict. Times are never
  // negative (the clock starts at 0 and only moves forward).
  __extension__ using Ordinal = unsigned __int128;
  static Ordinal ordinal(const Entry& e) {
    return (static_cast<Ordinal>(static_cast<std::uint64_t>(e.time)) << 64) | e.key;
  }
  static bool before(const Entry& a, const Entry& b) { return ordinal(a) < ordinal(b); }
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t slot);
  void sift_up(std::size_t hole, Entry e);
  void sift_down(std::size_t hole, Entry e);
  void remove_root();
  void settle_root();
  void renumber();
  void drop_tombstones();

  std::vector<Entry> heap_;
  std::vector<Payload> slab_;
  std::vector<std::uint32_t> fifo_;  // slots, consumed from fifo_head_
  std::size_t fifo_head_ = 0;
  std::uint32_t free_head_ = 0xFFFFFFFFu;
  std::uint32_t next_seq_ = 0;
  std::size_t live_ = 0;
  std::size_t tombstones_ = 0;
  bool root_taken_ = false;  // heap_[0] was handed out but not yet removed
  Time now_{};
};

}  // namespace eksim::sim
