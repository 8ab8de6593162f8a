#include <algorithm>
#include <set>
#include <stdexcept>

#include "eksim/k8s/manifest_loader.hpp"
#include "eksim/scenario/cluster.hpp"
#include "eksim/scenario/traffic_loader.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::scenario {
namespace {

int optional_count(const YamlReader& r, const YAML::Node& map, const char* key, std::string_view what, int min,
                   int max) {
  return static_cast<int>(r.integer(map[key], std::string(what) + "." + key, min, max));
}

// The index of the value among `names` (two of them); anything else fails
// with the closest name.
std::size_t one_of(const YamlReader& r, const YAML::Node& node, const std::string& what,
                   const std::vector<std::string>& names) {
  const std::string value = r.string(node, what);
  const auto it = std::find(names.begin(), names.end(), value);
  if (it == names.end()) {
    r.fail(node, what + ": expected " + names[0] + " or " + names[1] + ", got '" + value + "'" +
                     util::did_you_mean(value, names));
  }
  return static_cast<std::size_t>(it - names.begin());
}

aws::CniConfig load_cni(const YamlReader& r, const YAML::Node& cni, const std::string& where) {
  aws::CniConfig c;
  if (!cni) return c;
  r.check_keys(cni,
               {"mode", "customNetworking", "eniConfigs", "securityGroupsForPods", "warmEniTarget", "warmIpTarget",
                "minimumIpTarget", "warmPrefixTarget", "maxEni", "podSecurityGroupEnforcingMode"},
               where);
  if (const YAML::Node mode = cni["mode"]) {
    c.mode = one_of(r, mode, where + ".mode", {"secondary", "prefix"}) == 0 ? aws::IpMode::secondary_ip
                                                                             : aws::IpMode::prefix_delegation;
  }
  if (cni["customNetworking"]) c.custom_networking = r.boolean(cni["customNetworking"], where + ".customNetworking");
  if (cni["securityGroupsForPods"]) {
    c.security_groups_for_pods = r.boolean(cni["securityGroupsForPods"], where + ".securityGroupsForPods");
  }
  if (const YAML::Node mode = cni["podSecurityGroupEnforcingMode"]) {
    c.pod_security_group_mode =
        one_of(r, mode, where + ".podSecurityGroupEnforcingMode", {"strict", "standard"}) == 0
            ? aws::PodSecurityGroupMode::strict
            : aws::PodSecurityGroupMode::standard;
  }
  if (cni["warmEniTarget"]) c.warm_eni_target = optional_count(r, cni, "warmEniTarget", where, 0, 100);
  if (cni["warmIpTarget"]) c.warm_ip_target = optional_count(r, cni, "warmIpTarget", where, 0, 10'000);
  if (cni["minimumIpTarget"]) c.minimum_ip_target = optional_count(r, cni, "minimumIpTarget", where, 0, 10'000);
  if (cni["warmPrefixTarget"]) c.warm_prefix_target = optional_count(r, cni, "warmPrefixTarget", where, 0, 1'000);
  if (cni["maxEni"]) c.max_eni = optional_count(r, cni, "maxEni", where, 1, 100);
  std::string error;
  if (!aws::validate_cni_config(c, &error)) r.fail(cni, where + ": " + error);
  return c;
}

SubnetRef subnet_of(const YamlReader& r, const YAML::Node& node, const NetworkLookup& network, std::uint32_t vpc,
                    const std::string& vpc_name, const std::string& what) {
  const std::string name = r.string(node, what);
  const auto s = network.subnet(name);
  if (!s) r.fail(node, what + ": unknown subnet '" + name + "'" + util::did_you_mean(name, network.subnet_names()));
  if (s->vpc != vpc) r.fail(node, what + ": subnet '" + name + "' is not in the cluster's VPC '" + vpc_name + "'");
  return *s;
}

// Adds the group EKS creates with every cluster: inbound all traffic from
// members of the group, outbound all traffic (AWS EKS User Guide, "Amazon EKS
// security group requirements"; the extra outbound-to-self rule for EFA is
// covered by the 0.0.0.0/0 one).
std::uint32_t add_cluster_security_group(const YamlReader& r, const YAML::Node& name_node, aws::NetworkModel& net,
                                         std::uint32_t vpc, const std::string& cluster) {
  const std::string name = cluster_security_group_name(cluster);
  if (const auto existing = net.find_security_group(vpc, name)) {
    r.fail(name_node, "cluster '" + cluster + "': VPC '" + net.vpcs[vpc].name + "' already has a security group '" +
                          name + "' (at " + net.security_groups[*existing].where +
                          "); that name is the one EKS gives the cluster security group");
  }
  const auto index = static_cast<std::uint32_t>(net.security_groups.size());
  aws::SecurityGroup sg;
  sg.name = name;
  sg.vpc = vpc;
  sg.description = "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, "
                   "as well as any managed workloads.";
  aws::SecurityGroupRule from_self;
  from_self.peer.kind = aws::SecurityGroupPeer::Kind::security_group;
  from_self.peer.index = index;
  sg.ingress.push_back(from_self);
  sg.egress.push_back(aws::SecurityGroupRule{});  // all protocols to 0.0.0.0/0
  sg.implicit = true;
  sg.where = r.at(name_node).str();
  net.security_groups.push_back(std::move(sg));
  net.vpcs[vpc].security_groups.push_back(index);
  return index;
}

}  // namespace

std::string cluster_security_group_name(const std::string& cluster) { return "eks-cluster-sg-" + cluster; }

std::vector<Cluster> load_clusters(const YamlReader& r, const YAML::Node& clusters, const NetworkLookup& network,
                                   const aws::InstanceCatalog& catalog, bool read_manifests) {
  r.expect_sequence(clusters, "clusters");
  std::vector<Cluster> out;
  std::set<std::string> names;
  for (const YAML::Node& c : clusters) {
    r.check_keys(c, {"name", "vpc", "cni", "nodeGroups", "dns", "kubeProxy", "manifests"}, "cluster");
    Cluster cluster;
    cluster.name = r.string(r.required(c, "name", "cluster"), "cluster name");
    if (!names.insert(cluster.name).second) r.fail(c["name"], "cluster '" + cluster.name + "' is defined twice");
    const std::string where = "cluster '" + cluster.name + "'";
    const YAML::Node vpc_node = r.required(c, "vpc", where);
    const std::string vpc_name = r.string(vpc_node, where + " vpc");
    const auto vpc = network.vpc(vpc_name);
    if (!vpc) r.fail(vpc_node, where + ": unknown VPC '" + vpc_name + "'" + util::did_you_mean(vpc_name, network.vpc_names()));
    cluster.vpc = *vpc;
    cluster.cni = load_cni(r, c["cni"], where + " cni");
    if (network.model == nullptr) throw std::logic_error("load_clusters: NetworkLookup::model is not set");
    aws::NetworkModel& net = *network.model;
    cluster.cluster_security_group = add_cluster_security_group(r, c["name"], net, cluster.vpc, cluster.name);

    std::set<std::string> node_azs;
    const YAML::Node groups = r.required(c, "nodeGroups", where);
    r.expect_sequence(groups, where + " nodeGroups");
    std::set<std::string> group_names;
    for (const YAML::Node& g : groups) {
      r.check_keys(g, {"name", "instanceType", "count", "subnets", "maxPods", "managed", "branchEnis", "securityGroups"},
                   "node group");
      NodeGroup group;
      group.name = r.string(r.required(g, "name", "node group"), "node group name");
      if (!group_names.insert(group.name).second) r.fail(g["name"], "node group '" + group.name + "' is defined twice");
      const std::string gw = "node group '" + group.name + "'";
      const YAML::Node type_node = r.required(g, "instanceType", gw);
      std::string error;
      const aws::InstanceType* type = catalog.lookup(r.string(type_node, gw + " instanceType"), &error);
      if (type == nullptr) r.fail(type_node, gw + ": " + error);
      group.instance_type = *type;
      if (g["branchEnis"]) {
        group.instance_type.branch_enis = static_cast<int>(r.integer(g["branchEnis"], gw + " branchEnis", 0, 1000));
      }
      if (cluster.cni.mode == aws::IpMode::prefix_delegation && type->prefix_delegation_supported() == false) {
        r.fail(type_node, gw + ": " + type->name +
                              " is not a Nitro instance type; prefix delegation needs Nitro (use mode: secondary)");
      }
      group.count = static_cast<int>(r.integer(r.required(g, "count", gw), gw + " count", 0, 100'000));
      if (g["maxPods"]) group.max_pods = static_cast<int>(r.integer(g["maxPods"], gw + " maxPods", 1, 1'000));
      if (g["managed"]) group.managed = r.boolean(g["managed"], gw + " managed");
      const YAML::Node subnets = r.required(g, "subnets", gw);
      r.expect_sequence(subnets, gw + " subnets");
      if (subnets.size() == 0) r.fail(subnets, gw + ": give at least one subnet");
      for (const YAML::Node& s : subnets) {
        const SubnetRef ref = subnet_of(r, s, network, cluster.vpc, vpc_name, gw + " subnet");
        group.subnets.push_back(ref.index);
        node_azs.insert(ref.az);
      }
      if (const YAML::Node groups_node = g["securityGroups"]) {
        r.expect_sequence(groups_node, gw + " securityGroups");
        // An ENI carries 1 to 5 groups by default, 16 at most (VPC quotas).
        if (groups_node.size() == 0) r.fail(groups_node, gw + ": give at least one security group");
        if (groups_node.size() > 16) r.fail(groups_node, gw + ": an ENI carries at most 16 security groups");
        for (const YAML::Node& s : groups_node) {
          const std::string name = r.string(s, gw + " security group");
          const auto sg = net.find_security_group(cluster.vpc, name);
          if (!sg) {
            std::vector<std::string> names;
            for (const std::uint32_t i : net.vpcs[cluster.vpc].security_groups) names.push_back(net.security_groups[i].name);
            r.fail(s, gw + ": unknown security group '" + name + "' in VPC '" + vpc_name + "'" +
                          util::did_you_mean(name, names));
          }
          group.security_groups.push_back(*sg);
        }
      } else {
        group.security_groups.push_back(cluster.cluster_security_group);
      }
      std::sort(group.security_groups.begin(), group.security_groups.end());
      group.security_groups.erase(std::unique(group.security_groups.begin(), group.security_groups.end()),
                                  group.security_groups.end());
      cluster.node_groups.push_back(std::move(group));
    }

    if (c["cni"] && c["cni"]["eniConfigs"]) {
      const YAML::Node eni = c["cni"]["eniConfigs"];
      r.expect_map(eni, where + " cni.eniConfigs");
      for (const auto& kv : eni) {
        const std::string az = r.string(kv.first, "ENIConfig AZ");
        const SubnetRef ref = subnet_of(r, kv.second, network, cluster.vpc, vpc_name, "ENIConfig " + az);
        // An ENIConfig's subnet must be in the AZ of the nodes that use it.
        if (ref.az != az) {
          r.fail(kv.second, "ENIConfig " + az + ": subnet '" + kv.second.Scalar() + "' is in " + ref.az + ", not " + az);
        }
        cluster.eni_configs[az] = ref.index;
      }
    }
    if (cluster.cni.custom_networking) {
      for (const std::string& az : node_azs) {
        if (cluster.eni_configs.count(az) == 0) {
          r.fail(c["cni"], where + ": custom networking needs an ENIConfig (cni.eniConfigs) for " + az +
                               ", where its nodes run");
        }
      }
    } else if (!cluster.eni_configs.empty()) {
      r.fail(c["cni"]["eniConfigs"], where + ": eniConfigs are used only with customNetworking: true");
    }

    if (const YAML::Node dns = c["dns"]) {
      r.check_keys(dns, {"corednsReplicas", "nodeLocalCache"}, where + " dns");
      if (dns["corednsReplicas"]) {
        cluster.dns.coredns_replicas = static_cast<int>(r.integer(dns["corednsReplicas"], where + " dns.corednsReplicas", 0, 1'000));
      }
      if (dns["nodeLocalCache"]) cluster.dns.node_local_cache = r.boolean(dns["nodeLocalCache"], where + " dns.nodeLocalCache");
    }
    if (const YAML::Node kube_proxy = c["kubeProxy"]) cluster.kube_proxy = load_kube_proxy(r, kube_proxy, where);
    if (const YAML::Node manifests = c["manifests"]) {
      r.expect_sequence(manifests, where + " manifests");
      const std::filesystem::path base = std::filesystem::path(r.file()).parent_path();
      for (const YAML::Node& m : manifests) {
        const std::filesystem::path p = base / r.string(m, where + " manifest path");
        std::error_code ec;
        if (read_manifests && !std::filesystem::exists(p, ec)) {
          r.fail(m, where + ": manifest path '" + p.string() + "' does not exist");
        }
        cluster.manifests.push_back(p);
      }
    }
    if (read_manifests) {
      // What EKS runs in every cluster comes first, from real manifests.
      const std::filesystem::path addons = std::filesystem::path(EKSIM_DATA_DIR) / "eks-addons";
      std::vector<std::string> paths{(addons / "core.yaml").string()};
      if (cluster.dns.node_local_cache) paths.push_back((addons / "node-local-dns.yaml").string());
      for (const auto& p : cluster.manifests) paths.push_back(p.string());
      // Errors inside a manifest name the manifest's own file and line.
      cluster.objects = k8s::load_manifests(paths);
      const auto coredns = cluster.objects.find_workload("kube-system", "coredns", "Deployment");
      if (coredns) cluster.objects.workloads[*coredns].replicas = cluster.dns.coredns_replicas;
    }
    out.push_back(std::move(cluster));
  }
  return out;
}

}  // namespace eksim::scenario
