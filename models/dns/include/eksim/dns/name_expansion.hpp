// Which names a resolver tries, in order, for one lookup: glibc's
// res_search. A name ending in a dot is tried as is and only so. A name with
// at least `ndots` dots is tried as is first, then with each search suffix; a
// name with fewer is tried with each suffix first and as is last. The first
// positive answer ends the lookup; NXDOMAIN and NODATA go on to the next name;
// a timeout ends it with a failure. aws-eks-facts.md 2.5 works the table out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eksim/dns/resolv_conf.hpp"

namespace eksim::dns {

// Absolute names (lower case, no trailing dot) in the order they are asked.
std::vector<std::string> candidate_names(std::string_view name, const ResolvConf& conf);

// Dots in a name as glibc counts them (a trailing dot not counted).
int count_dots(std::string_view name);

// Lower case, trailing dot removed: how names are compared and cached.
std::string canonical_name(std::string_view name);

// Whether `name` is `zone` or below it (both canonical).
bool in_zone(std::string_view name, std::string_view zone);

}  // namespace eksim::dns
