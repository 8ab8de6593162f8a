// libFuzzer target: IPv4 and CIDR parsing. Accepted blocks must print and
// parse back to the same block; rejections must say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (const auto c = eksim::net::parse_cidr(text, &error)) {
    const auto again = eksim::net::parse_cidr(c->to_string());
    if (!again || *again != *c || !c->contains(c->first()) || !c->contains(c->last())) std::abort();
  } else if (error.empty()) {
    std::abort();
  }
  error.clear();
  if (const auto a = eksim::net::parse_ipv4(text, &error)) {
    if (eksim::net::parse_ipv4(eksim::net::format_ipv4(*a)) != a) std::abort();
  } else if (error.empty()) {
    std::abort();
  }
  return 0;
}
