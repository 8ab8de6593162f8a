#include "api_kinds.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace eksim::k8s::detail {
namespace {

struct RemovedVersion {
  std::string_view api_version;
  std::string_view removed_in;
  // Skip the object with a warning rather than fail: these kinds were skipped
  // before they were modelled, so directories of old manifests keep loading.
  bool skip = false;
};

struct KindSpec {
  ModelledKind kind;
  std::string_view name;
  std::string_view api_version;
  std::array<RemovedVersion, 3> removed;  // unused slots have an empty api_version
  // Another version read the same way: Calico's resources as the
  // crd.projectcalico.org/v1 CRDs store them (what `kubectl get -o yaml` prints
  // without the Calico API server).
  std::string_view also = {};
};

// Served versions as of Kubernetes 1.25+, and the versions removed before
// (Kubernetes deprecated-API migration guide).
constexpr std::array<KindSpec, 19> kKinds = {{
    {ModelledKind::Namespace, "Namespace", "v1", {}},
    {ModelledKind::Pod, "Pod", "v1", {}},
    {ModelledKind::Service, "Service", "v1", {}},
    {ModelledKind::ServiceAccount, "ServiceAccount", "v1", {}},
    {ModelledKind::Deployment,
     "Deployment",
     "apps/v1",
     {{{"extensions/v1beta1", "1.16"}, {"apps/v1beta1", "1.16"}, {"apps/v1beta2", "1.16"}}}},
    {ModelledKind::StatefulSet, "StatefulSet", "apps/v1", {{{"apps/v1beta1", "1.16"}, {"apps/v1beta2", "1.16"}}}},
    {ModelledKind::DaemonSet, "DaemonSet", "apps/v1", {{{"extensions/v1beta1", "1.16"}, {"apps/v1beta2", "1.16"}}}},
    {ModelledKind::ReplicaSet,
     "ReplicaSet",
     "apps/v1",
     {{{"extensions/v1beta1", "1.16"}, {"apps/v1beta1", "1.16"}, {"apps/v1beta2", "1.16"}}}},
    {ModelledKind::Job, "Job", "batch/v1", {}},
    {ModelledKind::CronJob, "CronJob", "batch/v1", {{{"batch/v1beta1", "1.25"}, {"batch/v2alpha1", "1.21"}}}},
    {ModelledKind::NetworkPolicy, "NetworkPolicy", "networking.k8s.io/v1", {{{"extensions/v1beta1", "1.16"}}}},
    {ModelledKind::AdminNetworkPolicy, "AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", {}},
    {ModelledKind::BaselineAdminNetworkPolicy, "BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", {}},
    {ModelledKind::CalicoNetworkPolicy, "NetworkPolicy", "projectcalico.org/v3", {}, "crd.projectcalico.org/v1"},
    {ModelledKind::CalicoGlobalNetworkPolicy,
     "GlobalNetworkPolicy",
     "projectcalico.org/v3",
     {},
     "crd.projectcalico.org/v1"},
    {ModelledKind::CalicoTier, "Tier", "projectcalico.org/v3", {}, "crd.projectcalico.org/v1"},
    {ModelledKind::SecurityGroupPolicy, "SecurityGroupPolicy", "vpcresources.k8s.aws/v1beta1", {}},
    {ModelledKind::Ingress,
     "Ingress",
     "networking.k8s.io/v1",
     {{{"extensions/v1beta1", "1.22", true}, {"networking.k8s.io/v1beta1", "1.22", true}}}},
    {ModelledKind::IngressClass,
     "IngressClass",
     "networking.k8s.io/v1",
     {{{"networking.k8s.io/v1beta1", "1.22", true}}}},
}};

struct BuiltInGroup {
  std::string_view group;
  std::vector<std::string_view> kinds;  // every kind the group serves, modelled or not
};

// Groups whose kinds are fully known, so an unknown kind there is a mistake
// rather than a custom resource.
const std::vector<BuiltInGroup>& built_in_groups() {
  static const std::vector<BuiltInGroup> groups = {
      {"",
       {"Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
        "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota",
        "Secret", "Service", "ServiceAccount", "List", "Status"}},
      {"apps", {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"}},
      {"batch", {"CronJob", "Job"}},
      {"networking.k8s.io", {"Ingress", "IngressClass", "NetworkPolicy", "IPAddress", "ServiceCIDR"}},
      {"extensions", {"DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "PodSecurityPolicy", "ReplicaSet"}},
      {"policy.networking.k8s.io", {"AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"}},
      // Calico's API group and its CRDs' group: every kind they serve, so a
      // misspelt policy kind is caught rather than skipped.
      {"projectcalico.org",
       {"BGPConfiguration",
        "BGPFilter",
        "BGPPeer",
        "BlockAffinity",
        "CalicoNodeStatus",
        "ClusterInformation",
        "FelixConfiguration",
        "GlobalNetworkPolicy",
        "GlobalNetworkSet",
        "HostEndpoint",
        "IPAMConfiguration",
        "IPPool",
        "IPReservation",
        "KubeControllersConfiguration",
        "NetworkPolicy",
        "NetworkSet",
        "Profile",
        "StagedGlobalNetworkPolicy",
        "StagedKubernetesNetworkPolicy",
        "StagedNetworkPolicy",
        "Tier"}},
      {"crd.projectcalico.org",
       {"BGPConfiguration",
        "BGPFilter",
        "BGPPeer",
        "BlockAffinity",
        "CalicoNodeStatus",
        "ClusterInformation",
        "FelixConfiguration",
        "GlobalNetworkPolicy",
        "GlobalNetworkSet",
        "HostEndpoint",
        "IPAMBlock",
        "IPAMConfig",
        "IPAMHandle",
        "IPPool",
        "IPReservation",
        "KubeControllersConfiguration",
        "NetworkPolicy",
        "NetworkSet",
        "StagedGlobalNetworkPolicy",
        "StagedKubernetesNetworkPolicy",
        "StagedNetworkPolicy",
        "Tier"}},
      {"vpcresources.k8s.aws", {"SecurityGroupPolicy", "CNINode"}},
  };
  return groups;
}

std::string_view group_of(std::string_view api_version) {
  const std::size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

const BuiltInGroup* built_in_group(std::string_view api_version) {
  const std::string_view group = group_of(api_version);
  for (const BuiltInGroup& g : built_in_groups()) {
    if (g.group == group) return &g;
  }
  return nullptr;
}

}  // namespace

std::optional<ModelledKind> classify_kind(const Reader& r, const Field& api_version_field,
                                          const std::string& api_version, const Field& kind_field,
                                          const std::string& kind) {
  // NetworkPolicy is both Kubernetes' and Calico's: match the pair first.
  for (const KindSpec& k : kKinds) {
    if (k.name == kind && (k.api_version == api_version || (!k.also.empty() && k.also == api_version))) return k.kind;
  }
  const auto spec = std::find_if(kKinds.begin(), kKinds.end(), [&](const KindSpec& k) { return k.name == kind; });
  if (spec != kKinds.end()) {
    for (const RemovedVersion& removed : spec->removed) {
      if (!removed.api_version.empty() && removed.api_version == api_version) {
        if (removed.skip) {
          r.warn(api_version_field, kind + " " + api_version + " was removed in Kubernetes " +
                                        std::string(removed.removed_in) + "; not imported (use apiVersion " +
                                        std::string(spec->api_version) + ")");
          return std::nullopt;
        }
        r.fail(api_version_field, kind + " " + api_version + " was removed in Kubernetes " +
                                      std::string(removed.removed_in) + "; use apiVersion " +
                                      std::string(spec->api_version));
      }
    }
    std::vector<std::string_view> served;
    for (const KindSpec& k : kKinds) {
      if (k.name != kind) continue;
      served.push_back(k.api_version);
      if (!k.also.empty()) served.push_back(k.also);
    }
    const std::string hint = util::did_you_mean(api_version, served);
    if (built_in_group(api_version) != nullptr || !hint.empty()) {
      std::string expected;
      for (std::size_t i = 0; i < served.size(); ++i) {
        if (i > 0) expected += i + 1 == served.size() ? " or " : ", ";
        expected += served[i];
      }
      r.fail(api_version_field,
             "apiVersion " + quoted(api_version) + " does not serve " + kind + "; expected " + expected + hint);
    }
    return std::nullopt;  // a custom resource named like a built-in kind
  }
  const BuiltInGroup* group = built_in_group(api_version);
  if (group == nullptr) return std::nullopt;
  if (std::find(group->kinds.begin(), group->kinds.end(), kind) != group->kinds.end()) return std::nullopt;
  std::vector<std::string_view> modelled;
  for (const KindSpec& k : kKinds) modelled.push_back(k.name);
  if (const auto best = util::closest_name(kind, modelled)) {
    r.fail(kind_field, "unknown kind " + quoted(kind) + " (did you mean " + quoted(*best) + "?)");
  }
  return std::nullopt;
}

}  // namespace eksim::k8s::detail
