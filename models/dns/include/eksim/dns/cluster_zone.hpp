// The answers of CoreDNS's kubernetes plugin for one cluster's domain
// (cluster.local), as the EKS Corefile configures it (`pods insecure`,
// default TTL 5 s):
//   <svc>.<ns>.svc.<domain>           A: the ClusterIP; headless: the endpoint pods' IPs
//                                      ExternalName: a CNAME to the external name
//   <host>.<svc>.<ns>.svc.<domain>    A: a pod of a headless Service with that hostname
//   a-b-c-d.<ns>.pod.<domain>         A: a.b.c.d (insecure: not checked against pods)
// Anything else under the domain is NXDOMAIN; AAAA of a name that exists is
// NODATA (the clusters are IPv4). Source: CoreDNS plugin/kubernetes README.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "eksim/dns/dns_answer.hpp"
#include "eksim/dns/dns_world.hpp"

namespace eksim::dns {

class ClusterZone {
 public:
  static constexpr std::int64_t kTtlSeconds = 5;  // kubernetes plugin default `ttl`

  ClusterZone(const DnsWorld& world, std::uint32_t cluster);
  [[nodiscard]] const std::string& domain() const { return domain_; }
  // Whether this zone is authoritative for `name` (canonical).
  [[nodiscard]] bool covers(std::string_view name) const;
  // The answer for a name the zone covers. An ExternalName answer is a bare
  // CNAME (cnames holds the target, no addresses); CoreDNS chases it.
  [[nodiscard]] Answer answer(std::string_view name, RecordType type) const;

 private:
  struct Entry {
    std::vector<net::Ipv4Address> addresses;
    std::string cname;
  };
  std::string domain_;
  std::map<std::string, Entry, std::less<>> names_;
};

}  // namespace eksim::dns
