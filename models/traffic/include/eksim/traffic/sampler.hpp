// Draws from a scenario Distribution (durations in ns, sizes in bytes).
#pragma once

#include "eksim/scenario/traffic_scenario.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::traffic {

// One draw, never negative.
double sample(const scenario::Distribution& d, sim::RandomStream& rng);

// One draw of a duration, rounded to the nearest nanosecond.
inline sim::Time sample_time(const scenario::Distribution& d, sim::RandomStream& rng) {
  return sim::Time::ns(static_cast<std::int64_t>(sample(d, rng) + 0.5));
}

}  // namespace eksim::traffic
