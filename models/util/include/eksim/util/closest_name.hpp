// "Did you mean ...?" for misspelled names: instance types, scenario keys,
// subnet and VPC names, manifest references.
//
// Distance is the optimal-string-alignment variant of Damerau-Levenshtein:
// insertions, deletions, substitutions and swaps of two adjacent characters
// each cost one, because a swapped pair ("m5.lagre") is the commonest typo
// after a single wrong key.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eksim::util {

// Edit distance between `a` and `b` (case-sensitive), as described above.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Same, ignoring ASCII case: "M5.Large" is distance 0 from "m5.large".
std::size_t edit_distance_ignore_case(std::string_view a, std::string_view b);

// The largest distance still worth suggesting for a query of this length:
// one edit for short names, up to a third of the length for long ones. Beyond
// that the "suggestion" is usually an unrelated name and misleads more than it helps.
std::size_t default_max_suggestion_distance(std::string_view query);

// The candidate closest to `query` (case-insensitively), or nullopt when none is
// within `max_distance` (default: default_max_suggestion_distance(query)). Ties
// go to the lexicographically smallest candidate, so the answer does not depend
// on the order candidates come in. A candidate equal to `query` is returned as is.
std::optional<std::string> closest_name(std::string_view query, const std::vector<std::string_view>& candidates,
                                        std::optional<std::size_t> max_distance = std::nullopt);

// Convenience for any range of strings (std::vector<std::string>, a map's keys
// copied out, std::array of literals...).
template <typename Range>
std::optional<std::string> closest_name_in(std::string_view query, const Range& candidates,
                                           std::optional<std::size_t> max_distance = std::nullopt) {
  std::vector<std::string_view> views;
  if constexpr (requires { std::size(candidates); }) views.reserve(std::size(candidates));
  for (const auto& candidate : candidates) views.emplace_back(candidate);
  return closest_name(query, views, max_distance);
}

// " (did you mean 'm5.large'?)" or "" when there is no close candidate; ready
// to append to an error message.
template <typename Range>
std::string did_you_mean(std::string_view query, const Range& candidates) {
  const auto best = closest_name_in(query, candidates);
  return best ? " (did you mean '" + *best + "'?)" : std::string();
}

}  // namespace eksim::util
