#include "eksim/dns/vpc_resolver_zones.hpp"

#include <algorithm>
#include <array>

#include "eksim/dns/name_expansion.hpp"
#include "eksim/dns/resolv_conf.hpp"
#include "eksim/sim/random.hpp"

namespace eksim::dns {
namespace {

// Top-level names that never exist on the public Internet (RFC 6761, RFC
// 6762, the ICANN-reserved .internal), so nothing answers them publicly.
bool never_public(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kPrivate{"internal", "local",   "localhost", "test",
                                                            "invalid",  "example", "lan",       "home.arpa"};
  for (std::string_view tld : kPrivate) {
    if (in_zone(name, tld)) return true;
  }
  return false;
}

// ip-10-0-3-7: EC2's private DNS host name of 10.0.3.7.
std::optional<net::Ipv4Address> ec2_host_address(std::string_view label) {
  if (!label.starts_with("ip-")) return std::nullopt;
  std::string dotted(label.substr(3));
  for (char& c : dotted) {
    if (c == '-') c = '.';
  }
  return net::parse_ipv4(dotted);
}

// Top-level domains under which the model answers public names. eksim holds
// no Internet DNS: a name elsewhere (a typo, or the bare 'svc.ns' a search
// list ends with) is NXDOMAIN, as it would be on the Internet.
bool public_tld(std::string_view name) {
  static constexpr std::array<std::string_view, 36> kPublic{
      "com", "net", "org", "io", "dev", "app", "ai", "co", "cloud", "info", "biz", "edu",
      "gov", "mil", "int", "me", "tv",  "us",  "uk", "de", "fr",    "jp",   "cn",  "in",
      "au",  "ca",  "eu",  "nl", "se",  "ch",  "es", "it", "br",    "kr",   "sg",  "aws"};
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;  // a bare TLD, or a single label
  const std::string_view tld = name.substr(dot + 1);
  return std::find(kPublic.begin(), kPublic.end(), tld) != kPublic.end();
}

}  // namespace

Answer vpc_resolver_answer(const DnsWorld& world, std::uint32_t vpc, std::string_view name, RecordType type) {
  Answer a;
  a.rcode = Rcode::NxDomain;
  a.ttl_seconds = kNegativeTtlSeconds;

  // The most specific zone associated with this VPC answers; others are invisible.
  const PrivateZone* best = nullptr;
  const PrivateZone* hidden = nullptr;
  for (const PrivateZone& z : world.zones) {
    if (!in_zone(name, z.name)) continue;
    const bool associated = std::find(z.vpcs.begin(), z.vpcs.end(), vpc) != z.vpcs.end();
    const PrivateZone*& slot = associated ? best : hidden;
    if (slot == nullptr || z.name.size() > slot->name.size()) slot = &z;
  }
  if (best != nullptr) {
    a.authority = best->origin;
    for (const ZoneRecord& r : best->records) {
      if (r.name != name) continue;
      a.rcode = Rcode::NoError;
      a.ttl_seconds = r.ttl_seconds;
      if (r.type == RecordType::CNAME) {
        a.cnames.push_back(r.target);
        // The Resolver follows a CNAME inside what it can see.
        Answer next = vpc_resolver_answer(world, vpc, r.target, type);
        a.rcode = next.rcode;
        a.addresses = next.addresses;
        a.cnames.insert(a.cnames.end(), next.cnames.begin(), next.cnames.end());
        a.ttl_seconds = std::min(a.ttl_seconds, next.ttl_seconds);
        return a;
      }
      if (r.type == type) a.addresses.insert(a.addresses.end(), r.addresses.begin(), r.addresses.end());
    }
    return a;
  }
  if (hidden != nullptr) {
    std::string associated;
    for (std::uint32_t v : hidden->vpcs) associated += (associated.empty() ? "" : ", ") + world.vpcs[v].name;
    a.authority = "VPC resolver of " + world.vpcs[vpc].name;
    a.note = hidden->origin + " holds " + std::string(name) + " but is not associated with VPC " +
             world.vpcs[vpc].name + " (associated: " + (associated.empty() ? "none" : associated) +
             "); associate the zone with " + world.vpcs[vpc].name + " to resolve it there";
    return a;
  }
  const std::string& region = world.vpcs[vpc].region;
  const std::string domain = ec2_domain(region);
  if (in_zone(name, domain)) {
    a.authority = "EC2 private DNS (" + domain + ")";
    const std::string_view host = name.substr(0, name.find('.'));
    if (name.size() == host.size() + 1 + domain.size()) {
      if (const auto ip = ec2_host_address(host); ip && world.vpcs[vpc].primary_cidr.contains(*ip)) {
        a.rcode = Rcode::NoError;
        a.ttl_seconds = kPublicTtlSeconds;
        if (type == RecordType::A) a.addresses.push_back(*ip);
      }
    }
    return a;
  }
  a.authority = "public DNS (modelled)";
  if (never_public(name)) return a;
  if (!public_tld(name)) {
    a.note = "eksim answers public names only under common top-level domains (com, net, org, io, ...); " +
             std::string(name) + " is NXDOMAIN";
    return a;
  }
  a.rcode = Rcode::NoError;
  a.ttl_seconds = kPublicTtlSeconds;
  if (type == RecordType::A) {
    // A stable made-up address in 203.0.113.0/24 (RFC 5737 documentation range).
    const auto host = static_cast<std::uint8_t>(1 + sim::stable_hash(name) % 254);
    a.addresses.push_back(net::Ipv4Address::from_octets(203, 0, 113, host));
  }
  return a;
}

}  // namespace eksim::dns
