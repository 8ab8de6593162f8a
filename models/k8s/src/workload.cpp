#include "eksim/k8s/workload.hpp"

namespace eksim::k8s {

std::string_view to_string(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::Deployment:
      return "Deployment";
    case WorkloadKind::StatefulSet:
      return "StatefulSet";
    case WorkloadKind::DaemonSet:
      return "DaemonSet";
    case WorkloadKind::ReplicaSet:
      return "ReplicaSet";
    case WorkloadKind::Job:
      return "Job";
    case WorkloadKind::CronJob:
      return "CronJob";
    case WorkloadKind::Pod:
      return "Pod";
    case WorkloadKind::Other:
      return "Other";
  }
  return "Other";
}

std::string workload_id(std::string_view namespace_name, std::string_view name, std::string_view kind_name) {
  std::string id(namespace_name);
  id += '/';
  id.append(name);
  id += '[';
  id.append(kind_name);
  id += ']';
  return id;
}

}  // namespace eksim::k8s
