// How a capacity plan is printed: text tables for people, JSON for tools.
#pragma once

#include <string>

#include "eksim/capacity/capacity_planner.hpp"

namespace eksim::report {

std::string capacity_text(const capacity::CapacityReport& r);
std::string capacity_json(const capacity::CapacityReport& r);

}  // namespace eksim::report
