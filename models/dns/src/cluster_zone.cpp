#include "eksim/dns/cluster_zone.hpp"

#include <charconv>

#include "eksim/dns/name_expansion.hpp"

namespace eksim::dns {
namespace {

// "10-0-3-7" -> 10.0.3.7, as the kubernetes plugin reads pod names.
std::optional<net::Ipv4Address> dashed_ipv4(std::string_view label) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const auto dash = i < 3 ? label.find('-') : label.size();
    if (dash == std::string_view::npos || dash == 0) return std::nullopt;
    unsigned octet = 256;
    const auto [end, ec] = std::from_chars(label.data(), label.data() + dash, octet);
    if (ec != std::errc() || end != label.data() + dash || octet > 255) return std::nullopt;
    value = (value << 8) | octet;
    label.remove_prefix(std::min(label.size(), dash + 1));
  }
  return net::Ipv4Address(value);
}

}  // namespace

ClusterZone::ClusterZone(const DnsWorld& world, std::uint32_t cluster) : domain_(world.clusters.at(cluster).domain) {
  for (const WorldService& s : world.services) {
    if (s.cluster != cluster) continue;
    const std::string name = canonical_name(s.name + "." + s.namespace_name + ".svc." + domain_);
    Entry& e = names_[name];
    if (s.type == k8s::ServiceType::ExternalName) {
      e.cname = canonical_name(s.external_name);
    } else if (s.headless) {
      for (std::uint32_t p : s.endpoints) {
        const WorldPod& pod = world.pods[p];
        e.addresses.push_back(pod.ip);
        if (!pod.hostname.empty() && pod.subdomain == s.name) {
          names_[canonical_name(pod.hostname + "." + name)].addresses.push_back(pod.ip);
        }
      }
    } else if (s.cluster_ip) {
      e.addresses.push_back(*s.cluster_ip);
    }
  }
}

bool ClusterZone::covers(std::string_view name) const { return in_zone(name, domain_); }

Answer ClusterZone::answer(std::string_view name, RecordType type) const {
  Answer a;
  a.ttl_seconds = kTtlSeconds;
  a.authority = "kubernetes plugin (" + domain_ + ")";
  a.rcode = Rcode::NxDomain;
  if (const auto it = names_.find(name); it != names_.end()) {
    a.rcode = Rcode::NoError;
    if (!it->second.cname.empty()) {
      a.cnames.push_back(it->second.cname);
    } else if (type == RecordType::A) {
      a.addresses = it->second.addresses;
    }
    return a;
  }
  // a-b-c-d.<ns>.pod.<domain>: `pods insecure` answers without checking pods.
  const std::string pod_suffix = ".pod." + domain_;
  if (name.ends_with(pod_suffix)) {
    const std::string_view head = name.substr(0, name.size() - pod_suffix.size());
    const auto dot = head.find('.');
    if (dot != std::string_view::npos && head.find('.', dot + 1) == std::string_view::npos) {
      if (const auto ip = dashed_ipv4(head.substr(0, dot))) {
        a.rcode = Rcode::NoError;
        if (type == RecordType::A) a.addresses.push_back(*ip);
        return a;
      }
    }
  }
  return a;
}

}  // namespace eksim::dns
