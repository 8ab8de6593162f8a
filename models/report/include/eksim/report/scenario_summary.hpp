// What `eksim validate` prints of a scenario that loaded: how much of each
// thing it declares, and what its manifests held that eksim does not model.
#pragma once

#include <string>

#include "eksim/scenario/scenario.hpp"

namespace eksim::report {

std::string summary_text(const scenario::Scenario& s);
std::string summary_json(const scenario::Scenario& s);

}  // namespace eksim::report
