#include "eksim/util/closest_name.hpp"

#include <algorithm>
#include <string>

namespace eksim::util {

namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

template <typename Equal>
std::size_t osa_distance(std::string_view a, std::string_view b, Equal equal) {
  // Three rolling rows (i-2, i-1, i) of the dynamic-programming table keep
  // memory at O(|b|), which matters when a fuzzer feeds long strings.
  const std::size_t n = b.size();
  std::vector<std::size_t> before(n + 1), previous(n + 1), current(n + 1);
  for (std::size_t j = 0; j <= n; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = equal(a[i - 1], b[j - 1]) ? 0 : 1;
      std::size_t best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && equal(a[i - 1], b[j - 2]) && equal(a[i - 2], b[j - 1])) {
        best = std::min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[n];
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  return osa_distance(a, b, [](char x, char y) { return x == y; });
}

std::size_t edit_distance_ignore_case(std::string_view a, std::string_view b) {
  return osa_distance(a, b, [](char x, char y) { return fold(x) == fold(y); });
}

std::size_t default_max_suggestion_distance(std::string_view query) {
  return std::max<std::size_t>(1, query.size() / 3);
}

std::optional<std::string> closest_name(std::string_view query, const std::vector<std::string_view>& candidates,
                                        std::optional<std::size_t> max_distance) {
  const std::size_t limit = max_distance.value_or(default_max_suggestion_distance(query));
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (const std::string_view candidate : candidates) {
    // Lengths differing by more than the limit cannot be within it; skipping
    // them keeps a lookup over ~1,400 instance types cheap.
    const std::size_t gap =
        candidate.size() > query.size() ? candidate.size() - query.size() : query.size() - candidate.size();
    if (gap > limit) continue;
    const std::size_t distance = edit_distance_ignore_case(query, candidate);
    if (distance > limit) continue;
    if (!best || distance < best_distance || (distance == best_distance && candidate < *best)) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (!best) return std::nullopt;
  return std::string(*best);
}

}  // namespace eksim::util
