// libFuzzer target: duration parsing. Accepted values must format and parse
// back to the same number of nanoseconds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "eksim/sim/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto t = eksim::sim::parse_duration(text, &error);
  if (!t) {
    if (error.empty()) std::abort();  // a rejection always says why
    return 0;
  }
  if (*t < eksim::sim::Time{}) std::abort();
  if (eksim::sim::parse_duration(eksim::sim::format_duration(*t)) != t) std::abort();
  return 0;
}
