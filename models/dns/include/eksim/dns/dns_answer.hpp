// One DNS response as the model passes it around: the response code, the
// addresses, the CNAME chain followed, the TTL a cache may keep it, and who
// answered (for `eksim dns` and for failure explanations).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eksim/net/ipv4_address.hpp"

namespace eksim::dns {

enum class Rcode : std::uint8_t {
  NoError,   // with addresses, or with none (NODATA)
  NxDomain,  // the name does not exist
};

struct Answer {
  Rcode rcode = Rcode::NxDomain;
  std::vector<net::Ipv4Address> addresses;  // empty with NoError: NODATA
  std::vector<std::string> cnames;          // the chain followed, in order
  std::int64_t ttl_seconds = 5;             // of the answer, or of the SOA for denials
  std::string authority;                    // "kubernetes plugin", "private hosted zone corp.internal", ...
  std::string note;                         // why, for denials that surprise ("zone not associated ...")
  [[nodiscard]] bool positive() const { return rcode == Rcode::NoError && !addresses.empty(); }
  [[nodiscard]] bool nodata() const { return rcode == Rcode::NoError && addresses.empty(); }
};

}  // namespace eksim::dns
