#include "eksim/sim/event_types.hpp"

#include <mutex>
#include <stdexcept>

namespace eksim::sim::detail {

EventFn g_handlers[kMaxHandlers];

HandlerId register_handler(EventFn fn) {
  static std::mutex mutex;
  static std::uint32_t count = 0;
  const std::lock_guard lock(mutex);
  if (count == kMaxHandlers) throw std::length_error("eksim: too many distinct event handlers");
  g_handlers[count] = fn;
  return count++;
}

}  // namespace eksim::sim::detail
