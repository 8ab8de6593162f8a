#include "eksim/dns/scenario_world.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "eksim/reach/layout.hpp"

namespace eksim::dns {

DnsTuning dns_tuning(const scenario::Scenario& s) {
  DnsTuning t;
  t.parallel_aaaa = s.dns.behaviour.parallel_aaaa;
  t.coredns_qps = s.dns.behaviour.coredns_qps;
  t.resolver_round_trip = s.dns.behaviour.resolver_round_trip;
  t.resolver_burst = s.dns.behaviour.resolver_burst;
  // The DNS model takes one fixed latency per hop kind; a scenario's hops are
  // distributions, so DNS uses each one's mean (exact for constants). A mean
  // beyond an hour (a Pareto with alpha <= 1 has none) is taken as an hour.
  auto mean = [](const scenario::Distribution& d) {
    const double m = std::min(d.mean(), 3.6e12);
    return sim::Time::ns(static_cast<std::int64_t>(std::llround(m)));
  };
  t.same_node = mean(s.hops.same_node);
  t.same_az = mean(s.hops.same_az);
  t.cross_az = mean(s.hops.cross_az);
  return t;
}

DnsWorld dns_world(const scenario::Scenario& s) {
  DnsWorld w;
  const aws::NetworkModel& net = s.network;
  for (const aws::Vpc& v : net.vpcs) w.vpcs.push_back({v.name, net.regions[v.region].name, v.primary_cidr()});
  const reach::Layout layout = reach::lay_out(s);

  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    WorldCluster wc;
    wc.name = s.clusters[c].name;
    wc.vpc = s.clusters[c].vpc;
    wc.node_local_cache = s.clusters[c].dns.node_local_cache;
    // The kubelet's --cluster-dns: kube-dns's ClusterIP (the range's .10).
    wc.dns_service_ip = net::Ipv4Address(layout.service_cidrs[c].network().value() + 10);
    const auto& services = s.clusters[c].objects.services;
    for (std::size_t i = 0; i < services.size(); ++i) {
      if (services[i].id == "kube-system/kube-dns" && layout.cluster_ips[c][i]) {
        wc.dns_service_ip = *layout.cluster_ips[c][i];
      }
    }
    w.clusters.push_back(wc);
  }

  std::vector<const scenario::NodeGroup*> group_of_node;
  for (const reach::LaidOutNode& n : layout.nodes) {
    WorldNode node;
    node.cluster = n.cluster;
    node.name = s.clusters[n.cluster].name + "/" + n.name;
    node.az = net.availability_zones[net.subnets[n.subnet].az].name;
    node.ip = n.address;
    node.primary_eni = node.name + "/eni-0";
    w.nodes.push_back(node);
    // Layout names nodes "<group>-<i>".
    const std::string group = n.name.substr(0, n.name.rfind('-'));
    const scenario::NodeGroup* found = nullptr;
    for (const auto& g : s.clusters[n.cluster].node_groups) {
      if (g.name == group) found = &g;
    }
    group_of_node.push_back(found);
  }

  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::uint32_t>> pods_of;  // (cluster, workload)
  std::vector<int> pod_slots_used(w.nodes.size(), 0);
  for (const reach::LaidOutPod& lp : layout.pods) {
    const scenario::Cluster& cl = s.clusters[lp.cluster];
    const k8s::Workload& wl = cl.objects.workloads[lp.workload];
    WorldPod p;
    p.cluster = lp.cluster;
    p.namespace_name = wl.namespace_name;
    p.name = lp.name.substr(lp.name.find('/') + 1);
    p.workload = wl.namespace_name + "/" + wl.name;
    p.node = lp.node;
    p.ip = lp.address;
    p.host_network = wl.pod.host_network;
    p.dns_policy = wl.pod.dns_policy;
    p.dns_config = wl.pod.dns_config;
    const WorldNode& node = w.nodes[lp.node];
    if (p.host_network) {
      p.eni = node.primary_eni;
    } else {
      const scenario::NodeGroup* g = group_of_node[lp.node];
      const int per_eni_ips = g != nullptr ? std::max(1, g->instance_type.ipv4_per_eni - 1) : 1;
      const int per_eni = cl.cni.mode == aws::IpMode::prefix_delegation ? per_eni_ips * 16 : per_eni_ips;
      const int first = cl.cni.custom_networking ? 1 : 0;
      p.eni = node.name + "/eni-" + std::to_string(first + pod_slots_used[lp.node]++ / per_eni);
    }
    if (wl.kind == k8s::WorkloadKind::StatefulSet && !wl.service_name.empty()) {
      p.hostname = p.name;
      p.subdomain = wl.service_name;
    }
    const auto index = static_cast<std::uint32_t>(w.pods.size());
    pods_of[{lp.cluster, lp.workload}].push_back(index);
    if (wl.namespace_name == "kube-system" && wl.name == "coredns")
      w.clusters[lp.cluster].coredns_pods.push_back(index);
    w.pods.push_back(std::move(p));
  }

  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<net::Ipv4Address>> lb_ips;  // (cluster, service)
  std::map<aws::EntityIndex, std::uint32_t> lb_taken;  // per subnet, addresses taken from its top
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const auto& services = s.clusters[c].objects.services;
    for (std::uint32_t i = 0; i < services.size(); ++i) {
      const k8s::Service& svc = services[i];
      WorldService ws;
      ws.cluster = c;
      ws.namespace_name = svc.namespace_name;
      ws.name = svc.name;
      ws.type = svc.type;
      ws.headless = svc.headless;
      ws.external_name = svc.external_name;
      ws.cluster_ip = layout.cluster_ips[c][i];
      for (std::uint32_t b : svc.backends) {
        for (std::uint32_t p : pods_of[{c, b}]) ws.endpoints.push_back(p);
      }
      if (svc.load_balancer) {
        std::vector<std::string> azs;
        for (std::size_t n = 0; n < w.nodes.size(); ++n) {
          if (w.nodes[n].cluster != c || std::find(azs.begin(), azs.end(), w.nodes[n].az) != azs.end()) continue;
          azs.push_back(w.nodes[n].az);
          // From the top of the node's subnet, below the broadcast address AWS keeps.
          const aws::EntityIndex subnet = layout.nodes[n].subnet;
          const std::uint32_t k = ++lb_taken[subnet];
          ws.load_balancer_ips.push_back(net::Ipv4Address(net.subnets[subnet].cidr.last().value() - k));
        }
        lb_ips[{c, i}] = ws.load_balancer_ips;
      }
      w.services.push_back(std::move(ws));
    }
  }

  for (const auto& z : s.dns.private_zones) {
    PrivateZone zone{z.name, "private hosted zone " + z.name, z.vpcs, {}};
    for (const auto& r : z.records) {
      zone.records.push_back(
          {r.name, r.cname ? RecordType::CNAME : RecordType::A, r.addresses, r.target, r.ttl_seconds});
    }
    w.zones.push_back(std::move(zone));
  }
  for (const auto& ns : s.dns.cloud_map) {
    PrivateZone zone{ns.name, "Cloud Map namespace " + ns.name + " (its private hosted zone)", ns.vpcs, {}};
    for (const auto& sv : ns.services) {
      ZoneRecord rec{sv.name + "." + ns.name, RecordType::A, {}, {}, sv.ttl_seconds};
      if (sv.workload) {
        for (std::uint32_t p : pods_of[{sv.cluster, *sv.workload}]) rec.addresses.push_back(w.pods[p].ip);
      } else {
        rec.addresses = lb_ips[{sv.cluster, *sv.load_balancer}];
      }
      zone.records.push_back(std::move(rec));
    }
    w.zones.push_back(std::move(zone));
  }
  return w;
}

}  // namespace eksim::dns
