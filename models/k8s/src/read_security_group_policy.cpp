// vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy, following the CRD of
// amazon-vpc-resource-controller-k8s: metav1 LabelSelectors and 1 to 5
// security groups.
#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

constexpr std::size_t kMaxGroups = 5;  // GroupIds: MinItems=1, MaxItems=5

}  // namespace

SecurityGroupPolicy read_security_group_policy(const Reader& r, const MapView& object, const ObjectMeta& meta) {
  SecurityGroupPolicy sgp;
  sgp.name = meta.name;
  sgp.namespace_name = meta.namespace_name;
  sgp.where = meta.where;
  const MapView spec = read_map(r, object.require("spec"));
  spec.check_fields({"podSelector", "serviceAccountSelector", "securityGroups"}, {});
  if (const auto f = spec.get("podSelector")) sgp.pod_selector = read_label_selector(r, *f);
  if (const auto f = spec.get("serviceAccountSelector")) {
    // The first v1beta1 schema also had matchNames (service account names).
    sgp.service_account_selector = read_label_selector(r, *f, {"matchNames"});
    if (const auto names = read_map(r, *f).get("matchNames")) {
      for (const Field& item : read_list(r, *names)) {
        std::string name = read_string(r, item);
        if (const std::string problem = dns1123_subdomain_problem(name); !problem.empty()) {
          r.fail(item, "invalid service account name " + quoted(name) + ": " + problem);
        }
        sgp.service_account_names.push_back(std::move(name));
      }
    }
  }
  if (!sgp.selects_pods()) {
    r.warn(spec.self(), "neither podSelector nor serviceAccountSelector is set, so no pod gets these security groups");
  }

  const MapView groups = read_map(r, spec.require("securityGroups"));
  groups.check_fields({"groupIds"}, {});
  const Field ids = groups.require("groupIds");
  const std::vector<Field> items = read_list(r, ids);
  if (items.empty()) r.fail(ids, "groupIds needs at least 1 security group");
  if (items.size() > kMaxGroups) r.fail(items[kMaxGroups], "groupIds takes at most 5 security groups");
  for (const Field& item : items) {
    std::string id = read_string(r, item);
    if (id.empty()) r.fail(item, "a security group id or name must not be empty");
    for (const std::string& seen : sgp.security_group_ids) {
      if (seen == id) r.fail(item, quoted(id) + " is listed twice");
    }
    sgp.security_group_ids.push_back(std::move(id));
  }
  return sgp;
}

}  // namespace eksim::k8s::detail
