#include "eksim/dns/name_expansion.hpp"

#include <algorithm>

namespace eksim::dns {

std::string canonical_name(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

int count_dots(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return static_cast<int>(std::count(name.begin(), name.end(), '.'));
}

bool in_zone(std::string_view name, std::string_view zone) {
  if (zone.empty()) return true;
  if (name.size() == zone.size()) return name == zone;
  return name.size() > zone.size() && name.ends_with(zone) && name[name.size() - zone.size() - 1] == '.';
}

std::vector<std::string> candidate_names(std::string_view name, const ResolvConf& conf) {
  const bool absolute = !name.empty() && name.back() == '.';
  const std::string bare = canonical_name(name);
  if (absolute) return {bare};
  std::vector<std::string> out;
  // res_search: enough dots, try the name as is before the search list.
  const bool as_is_first = count_dots(name) >= conf.ndots;
  if (as_is_first) out.push_back(bare);
  for (const std::string& suffix : conf.searches) out.push_back(bare + "." + suffix);
  if (!as_is_first) out.push_back(bare);
  return out;
}

}  // namespace eksim::dns
