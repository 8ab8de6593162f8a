// The top-level DNS keys of a scenario: dns, privateHostedZones, cloudMap,
// dnsTraffic. Kept apart from scenario_loader.cpp, which calls load_dns once.
#include <algorithm>
#include <map>

#include "eksim/scenario/scenario.hpp"
#include "eksim/scenario/yaml_reader.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::scenario {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string dns_name(const YamlReader& r, const YAML::Node& node, std::string_view what) {
  std::string name = lower(r.string(node, what));
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (!valid_dns_name(name)) r.fail(node, std::string(what) + ": '" + r.string(node, what) + "' is not a DNS name");
  return name;
}

bool in_zone(std::string_view name, std::string_view zone) {
  return name == zone ||
         (name.size() > zone.size() && name.ends_with(zone) && name[name.size() - zone.size() - 1] == '.');
}

std::vector<std::uint32_t> vpc_list(const YamlReader& r, const YAML::Node& node, const Scenario& s,
                                    std::string_view what) {
  r.expect_sequence(node, what);
  std::vector<std::uint32_t> out;
  for (const YAML::Node& v : node) {
    const std::string name = r.string(v, what);
    const auto i = s.network.find_vpc(name);
    if (!i) {
      std::vector<std::string> names;
      for (const auto& vpc : s.network.vpcs) names.push_back(vpc.name);
      r.fail(v, std::string(what) + ": unknown VPC '" + name + "'" + util::did_you_mean(name, names));
    }
    if (std::find(out.begin(), out.end(), *i) != out.end())
      r.fail(v, std::string(what) + ": VPC '" + name + "' listed twice");
    out.push_back(*i);
  }
  if (out.empty()) r.fail(node, std::string(what) + ": associate at least one VPC");
  return out;
}

std::int64_t ttl(const YamlReader& r, const YAML::Node& map, std::int64_t fallback, std::string_view what) {
  if (!map["ttl"]) return fallback;
  // Route 53 takes 0 to 2,147,483,647 seconds.
  return r.integer(map["ttl"], what, 0, 2'147'483'647);
}

// "cluster/namespace/name" to a cluster and a workload or Service index.
struct ObjectRef {
  std::uint32_t cluster = 0;
  std::uint32_t index = 0;
};

ObjectRef workload_ref(const YamlReader& r, const YAML::Node& node, const Scenario& s, std::string_view what) {
  const std::string text = r.string(node, what);
  std::vector<std::string> names;
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const auto& objects = s.clusters[c].objects;
    for (std::uint32_t w = 0; w < objects.workloads.size(); ++w) {
      const auto& wl = objects.workloads[w];
      const std::string name = s.clusters[c].name + "/" + wl.namespace_name + "/" + wl.name;
      if (name == text) return {c, w};
      names.push_back(name);
    }
  }
  r.fail(node,
         std::string(what) + ": unknown workload '" + text + "'" + util::did_you_mean(text, names) +
             (std::count(text.begin(), text.end(), '/') != 2 ? " (workloads are named cluster/namespace/name)" : ""));
}

ObjectRef load_balancer_ref(const YamlReader& r, const YAML::Node& node, const Scenario& s, std::string_view what) {
  const std::string text = r.string(node, what);
  std::vector<std::string> names;
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const auto& services = s.clusters[c].objects.services;
    for (std::uint32_t i = 0; i < services.size(); ++i) {
      const std::string name = s.clusters[c].name + "/" + services[i].id;
      if (name != text) {
        names.push_back(name);
        continue;
      }
      if (!services[i].load_balancer) {
        r.fail(node,
               std::string(what) + ": Service '" + text + "' is not of type LoadBalancer, so it has no load balancer");
      }
      return {c, i};
    }
  }
  r.fail(node, std::string(what) + ": unknown Service '" + text + "'" + util::did_you_mean(text, names) +
                   " (Services are named cluster/namespace/name)");
}

void load_behaviour(const YamlReader& r, const YAML::Node& n, DnsBehaviour& b) {
  r.check_keys(n, {"parallelAaaa", "corednsQps", "resolverRoundTrip", "resolverBurst"}, "dns");
  if (n["parallelAaaa"]) b.parallel_aaaa = r.boolean(n["parallelAaaa"], "dns.parallelAaaa");
  if (n["corednsQps"]) b.coredns_qps = r.number(n["corednsQps"], "dns.corednsQps", 1, 1e9);
  if (n["resolverRoundTrip"]) b.resolver_round_trip = r.duration(n["resolverRoundTrip"], "dns.resolverRoundTrip");
  if (n["resolverBurst"]) b.resolver_burst = r.integer(n["resolverBurst"], "dns.resolverBurst", 1, 1'000'000);
}

// Route 53 refuses a second private zone of the same name in one VPC
// (ConflictingDomainExists); Cloud Map namespaces are such zones too.
void check_conflict(const YamlReader& r, const YAML::Node& node, const std::string& name,
                    const std::vector<std::uint32_t>& vpcs, const Scenario& s,
                    std::map<std::pair<std::string, std::uint32_t>, std::string>& seen) {
  for (std::uint32_t v : vpcs) {
    const auto [it, fresh] = seen.emplace(std::pair(name, v), r.at(node).str());
    if (!fresh) {
      r.fail(node, "a private hosted zone named '" + name + "' is already associated with VPC '" +
                       s.network.vpcs[v].name + "' (at " + it->second + "); Route 53 allows one per VPC");
    }
  }
}

}  // namespace

bool valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (++label > 63 || !(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return label > 0;
}

void load_dns(const YamlReader& r, const YAML::Node& root, Scenario& s) {
  DnsScenario& d = s.dns;
  if (const YAML::Node n = root["dns"]) load_behaviour(r, n, d.behaviour);
  std::map<std::pair<std::string, std::uint32_t>, std::string> associated;

  if (const YAML::Node zones = root["privateHostedZones"]) {
    r.expect_sequence(zones, "privateHostedZones");
    for (const YAML::Node& z : zones) {
      r.check_keys(z, {"name", "vpcs", "records"}, "private hosted zone");
      PrivateHostedZoneSpec zone;
      zone.where = r.at(z).str();
      zone.name = dns_name(r, r.required(z, "name", "private hosted zone"), "private hosted zone name");
      zone.vpcs = vpc_list(r, r.required(z, "vpcs", "private hosted zone"), s, "private hosted zone vpcs");
      check_conflict(r, z, zone.name, zone.vpcs, s, associated);
      if (const YAML::Node records = z["records"]) {
        r.expect_sequence(records, "records");
        for (const YAML::Node& rec : records) {
          r.check_keys(rec, {"name", "type", "values", "ttl"}, "record");
          DnsRecordSpec out;
          out.where = r.at(rec).str();
          const YAML::Node name = r.required(rec, "name", "record");
          const std::string written = r.string(name, "record name");
          out.name = dns_name(r, name, "record name");
          // A relative name lives under the zone, as in a zone file.
          if (written.back() != '.' && !in_zone(out.name, zone.name)) out.name += "." + zone.name;
          if (!in_zone(out.name, zone.name)) {
            r.fail(name, "record name '" + written + "' is not in zone '" + zone.name + "'");
          }
          const std::string type = rec["type"] ? r.string(rec["type"], "record type") : "A";
          if (type != "A" && type != "CNAME") {
            r.fail(rec["type"], "record type: expected A or CNAME, got '" + type + "'" +
                                    util::did_you_mean(type, std::vector<std::string>{"A", "CNAME"}));
          }
          out.cname = type == "CNAME";
          const YAML::Node values = r.required(rec, "values", "record");
          r.expect_sequence(values, "record values");
          if (values.size() == 0) r.fail(values, "record values: give at least one");
          if (out.cname) {
            if (values.size() != 1) r.fail(values, "record values: a CNAME has exactly one target");
            out.target = dns_name(r, values[0], "CNAME target");
          } else {
            for (const YAML::Node& v : values) {
              std::string error;
              const auto ip = net::parse_ipv4(r.string(v, "record value"), &error);
              if (!ip) r.fail(v, "record value: " + error);
              out.addresses.push_back(*ip);
            }
          }
          out.ttl_seconds = ttl(r, rec, 300, "record ttl");
          zone.records.push_back(std::move(out));
        }
      }
      d.private_zones.push_back(std::move(zone));
    }
  }

  if (const YAML::Node namespaces = root["cloudMap"]) {
    r.expect_sequence(namespaces, "cloudMap");
    for (const YAML::Node& n : namespaces) {
      r.check_keys(n, {"namespace", "vpcs", "services"}, "Cloud Map namespace");
      CloudMapNamespaceSpec ns;
      ns.where = r.at(n).str();
      ns.name = dns_name(r, r.required(n, "namespace", "Cloud Map namespace"), "Cloud Map namespace");
      ns.vpcs = vpc_list(r, r.required(n, "vpcs", "Cloud Map namespace"), s, "Cloud Map namespace vpcs");
      check_conflict(r, n, ns.name, ns.vpcs, s, associated);
      const YAML::Node services = r.required(n, "services", "Cloud Map namespace");
      r.expect_sequence(services, "Cloud Map services");
      for (const YAML::Node& sv : services) {
        r.check_keys(sv, {"name", "workload", "loadBalancer", "ttl"}, "Cloud Map service");
        CloudMapServiceSpec out;
        out.where = r.at(sv).str();
        const YAML::Node name = r.required(sv, "name", "Cloud Map service");
        out.name = dns_name(r, name, "Cloud Map service name");
        if (out.name.find('.') != std::string::npos) r.fail(name, "Cloud Map service name: one label, no dots");
        for (const auto& other : ns.services) {
          if (other.name == out.name)
            r.fail(name, "Cloud Map service '" + out.name + "' already defined at " + other.where);
        }
        if (sv["workload"].IsDefined() == sv["loadBalancer"].IsDefined()) {
          r.fail(sv, "Cloud Map service '" + out.name + "': give either workload (its pods register) or loadBalancer");
        }
        if (sv["workload"]) {
          const ObjectRef ref = workload_ref(r, sv["workload"], s, "Cloud Map service workload");
          out.cluster = ref.cluster;
          out.workload = ref.index;
        } else {
          const ObjectRef ref = load_balancer_ref(r, sv["loadBalancer"], s, "Cloud Map service loadBalancer");
          out.cluster = ref.cluster;
          out.load_balancer = ref.index;
        }
        out.ttl_seconds = ttl(r, sv, 60, "Cloud Map service ttl");
        ns.services.push_back(std::move(out));
      }
      d.cloud_map.push_back(std::move(ns));
    }
  }

  if (const YAML::Node traffic = root["dnsTraffic"]) {
    r.expect_sequence(traffic, "dnsTraffic");
    for (const YAML::Node& t : traffic) {
      r.check_keys(t, {"from", "name", "rate", "names"}, "DNS traffic");
      DnsTrafficSpec out;
      out.where = r.at(t).str();
      const ObjectRef from = workload_ref(r, r.required(t, "from", "DNS traffic"), s, "DNS traffic from");
      out.cluster = from.cluster;
      out.workload = from.index;
      const YAML::Node name = r.required(t, "name", "DNS traffic");
      out.name = r.string(name, "DNS traffic name");
      std::string probe = lower(out.name);
      if (const auto at = probe.find("{i}"); at != std::string::npos) probe.replace(at, 3, "0");
      if (!probe.empty() && probe.back() == '.') probe.pop_back();
      if (!valid_dns_name(probe)) r.fail(name, "DNS traffic name: '" + out.name + "' is not a DNS name");
      out.rate_per_second = r.rate(r.required(t, "rate", "DNS traffic"), "DNS traffic rate");
      if (out.rate_per_second <= 0 || out.rate_per_second > 1e7) {
        r.fail(t["rate"], "DNS traffic rate: must be above 0/s and at most 10000000/s");
      }
      if (t["names"]) {
        if (out.name.find("{i}") == std::string::npos)
          r.fail(t["names"], "DNS traffic names: the name has no {i} to vary");
        out.names = static_cast<std::uint64_t>(r.integer(t["names"], "DNS traffic names", 1, INT64_MAX));
      }
      d.traffic.push_back(std::move(out));
    }
  }
}

}  // namespace eksim::scenario
