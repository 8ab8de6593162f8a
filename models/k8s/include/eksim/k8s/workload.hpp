// A group of pods that behave alike, named after the object that owns them:
// a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, a bare Pod,
// or the owner named in pods' ownerReferences when that owner was not imported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/label_selector.hpp"
#include "eksim/k8s/pod_template.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

enum class WorkloadKind : std::uint8_t {
  Deployment,
  StatefulSet,
  DaemonSet,
  ReplicaSet,
  Job,
  CronJob,
  Pod,
  // The owner of imported pods or controllers, of a kind not modelled here
  // (an Argo Rollout, an operator's custom resource); Workload::kind_name says which.
  Other,
};

// "Deployment", ..., "Pod"; "Other" for Other (use Workload::kind_name instead).
std::string_view to_string(WorkloadKind kind);

// Parallelism and completions of a Job, or of the Jobs a CronJob creates.
struct JobSettings {
  std::int32_t parallelism = 1;
  std::optional<std::int32_t> completions;  // unset: done when any pod succeeds
};

// An imported object folded into a workload because it is owned by it:
// a Deployment's ReplicaSets, a CronJob's Jobs. Its own pods count as the
// workload's; its replica count does not add to the owner's.
struct WorkloadMember {
  std::string kind;
  std::string name;
  scenario::SourceLocation where;
};

struct Workload {
  std::string id;  // "namespace/name[Kind]", as `eksim reach` prints it
  WorkloadKind kind = WorkloadKind::Pod;
  std::string kind_name;    // "Deployment", or an ownerReference's kind for Other
  std::string api_version;  // of the manifest, or of the ownerReference
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;

  // Pods running at once. Deployment, StatefulSet, ReplicaSet: spec.replicas
  // (default 1). Job and CronJob: parallelism, capped by completions when set.
  // Bare Pod: 1. DaemonSet: 1 on every eligible node (per_node).
  std::int32_t replicas = 1;
  bool per_node = false;

  // spec.selector of a controller; the template's labels for a bare pod or an
  // owner that was not imported.
  LabelSelector selector;
  std::optional<JobSettings> job;  // Job and CronJob
  std::string schedule;            // CronJob, as written
  std::string service_name;        // StatefulSet: its governing (headless) Service
  PodTemplate pod;

  // Made from an ownerReference whose object is not in the imported set.
  bool synthesized = false;
  std::vector<WorkloadMember> members;
  // Imported Pod manifests belonging to this workload (indices into ManifestSet::pods).
  std::vector<std::uint32_t> pods;
  // The manifest, or for a synthesized owner the first object that named it.
  scenario::SourceLocation where;
};

// "web/frontend[Deployment]".
std::string workload_id(std::string_view namespace_name, std::string_view name, std::string_view kind_name);

}  // namespace eksim::k8s
