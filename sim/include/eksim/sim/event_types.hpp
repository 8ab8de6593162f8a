// What every event queue shares: handler registration, handles, events.
#pragma once

#include <cstdint>

#include "eksim/sim/time.hpp"

namespace eksim::sim {

// An event's action: a registered function called with one word of context
// (an object address, an index or a coroutine frame address). A registered
// id instead of a function pointer keeps queue entries small.
using EventFn = void (*)(std::uint64_t context);
using HandlerId = std::uint32_t;

namespace detail {
inline constexpr std::uint32_t kMaxHandlers = 4096;
HandlerId register_handler(EventFn fn);
extern EventFn g_handlers[kMaxHandlers];
}  // namespace detail

// The id of `Fn`, registered on first use. Ids are process-wide and never
// influence event order, so registration order does not affect results.
template <EventFn Fn>
HandlerId handler_id() {
  static const HandlerId id = detail::register_handler(Fn);
  return id;
}

// Refers to one cancellable event; stays safe to use after the event ran or
// was cancelled (the generation no longer matches).
struct EventHandle {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0: refers to nothing
  [[nodiscard]] bool valid() const { return generation != 0; }
};

struct Event {
  Time time;
  HandlerId handler;
  std::uint64_t context;
};

}  // namespace eksim::sim
