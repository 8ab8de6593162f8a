// Readers for each imported kind. Each takes the object's top-level mapping,
// validates what it reads the way the API server would, and returns the model
// struct; ids, namespace indices and grouping are filled in by the loader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eksim/k8s/admin_network_policy.hpp"
#include "eksim/k8s/calico_policy.hpp"
#include "eksim/k8s/ingress.hpp"
#include "eksim/k8s/label_selector.hpp"
#include "eksim/k8s/network_policy.hpp"
#include "eksim/k8s/pod.hpp"
#include "eksim/k8s/pod_template.hpp"
#include "eksim/k8s/security_group_policy.hpp"
#include "eksim/k8s/service.hpp"
#include "eksim/k8s/workload.hpp"
#include "object_reader.hpp"

namespace eksim::k8s::detail {

// Which syntax rule an object's name follows.
enum class NameRule : std::uint8_t { Dns1123Subdomain, Dns1123Label, Dns1035Label };

struct ObjectMeta {
  std::string name;
  std::string namespace_name;  // kDefaultNamespace when unset; "" for cluster-scoped objects
  Labels labels;
  Labels annotations;
  std::optional<Field> annotations_field;  // for locating annotation values in messages
  std::vector<OwnerReference> owner_references;
  SourceLocation where;  // the object
};

// Reads `metadata` and sets the reader's object description ("Deployment 'web/frontend'").
ObjectMeta read_metadata(Reader& r, const MapView& object, std::string_view kind, NameRule rule, bool namespaced);

// The annotation's value with its place, when present.
std::optional<Field> annotation_field(const Reader& r, const ObjectMeta& meta, std::string_view key);

// `also_known`: further fields of a selector type that embeds LabelSelector
// (SecurityGroupPolicy's matchNames), read by the caller.
LabelSelector read_label_selector(const Reader& r, const Field& field,
                                  std::initializer_list<std::string_view> also_known = {});

// spec of a Pod (labels and annotations come from its metadata).
PodTemplate read_pod_spec(const Reader& r, const Field& spec, Labels labels, Labels annotations);
// A PodTemplateSpec: {metadata, spec}.
PodTemplate read_pod_template(const Reader& r, const Field& field);

// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and Pod.
Workload read_workload(const Reader& r, const MapView& object, WorkloadKind kind, const ObjectMeta& meta);

Service read_service(const Reader& r, const MapView& object, const ObjectMeta& meta);
NetworkPolicy read_network_policy(const Reader& r, const MapView& object, const ObjectMeta& meta);
AdminNetworkPolicy read_admin_network_policy(const Reader& r, const MapView& object, const ObjectMeta& meta);
BaselineAdminNetworkPolicy read_baseline_admin_network_policy(const Reader& r, const MapView& object,
                                                              const ObjectMeta& meta);

// projectcalico.org/v3 Tier.
CalicoTier read_calico_tier(const Reader& r, const MapView& object, const ObjectMeta& meta);
// projectcalico.org/v3 NetworkPolicy (global = false) or GlobalNetworkPolicy.
// `tier_field` receives spec.tier's field when written, for the loader's
// check that the tier exists once every file is read.
CalicoPolicy read_calico_policy(const Reader& r, const MapView& object, const ObjectMeta& meta, bool global,
                                std::optional<Field>* tier_field);
// vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy.
SecurityGroupPolicy read_security_group_policy(const Reader& r, const MapView& object, const ObjectMeta& meta);

// Where one Ingress backend's references are written, for the warnings given
// once every Service is read.
struct IngressBackendFields {
  int rule = -1;  // -1: spec.defaultBackend
  std::size_t path = 0;
  std::string backend_path;  // "spec.rules[0].http.paths[1].backend"
  SourceLocation where;
  std::string name_path;  // "" for a resource backend
  SourceLocation name_where;
  std::string port_path;
  SourceLocation port_where;
};

// Where an Ingress's references are written.
struct IngressFields {
  std::string class_path;  // spec.ingressClassName or the annotation; "" when neither
  SourceLocation class_where;
  std::vector<IngressBackendFields> backends;  // defaultBackend first, then paths in order
};

// networking.k8s.io/v1 Ingress; class, controller and backends are resolved by the loader.
Ingress read_ingress(const Reader& r, const MapView& object, const ObjectMeta& meta, IngressFields* fields);
// networking.k8s.io/v1 IngressClass.
IngressClass read_ingress_class(const Reader& r, const MapView& object, const ObjectMeta& meta);

// An address block field ("10.0.0.0/8", "::/0").
IpCidr read_ip_cidr(const Reader& r, const Field& field);

}  // namespace eksim::k8s::detail
