// Deployment, StatefulSet, DaemonSet, ReplicaSet (apps/v1), Job, CronJob
// (batch/v1) and bare Pods (v1): replicas, selector and pod template.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// A controller's selector must select its own template, or the API server
// refuses the object ("selector does not match template labels").
void check_selector(const Reader& r, const Field& field, const LabelSelector& selector, const PodTemplate& pod,
                    bool must_be_non_empty) {
  if (must_be_non_empty && selector.selects_everything()) {
    r.fail(field, "an empty selector is not allowed here; select the pod template's labels");
  }
  if (!selector.matches(pod.labels)) {
    r.fail(field, "the selector (" + selector.to_string() + ") does not match the pod template's labels (" +
                      (pod.labels.empty() ? std::string("none") : format_labels(pod.labels)) + ")");
  }
}

// Reads `selector` and `template` of an apps/v1 controller.
void read_controller(const Reader& r, const MapView& spec, Workload& w) {
  const Field template_field = spec.require("template");
  w.pod = read_pod_template(r, template_field);
  const Field selector = spec.require("selector");
  w.selector = read_label_selector(r, selector);
  check_selector(r, selector, w.selector, w.pod, true);
}

bool cron_field_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' || c == ',' ||
         c == '-' || c == '/' || c == '?';
}

// Five fields (minute hour day-of-month month day-of-week) or a predefined
// schedule, as the CronJob controller's parser (robfig/cron ParseStandard) takes them.
void check_schedule(const Reader& r, const Field& field, const std::string& schedule) {
  static constexpr std::array<std::string_view, 7> kMacros = {"@yearly", "@annually", "@monthly", "@weekly",
                                                              "@daily",  "@midnight", "@hourly"};
  if (!schedule.empty() && schedule.front() == '@') {
    if (std::find(kMacros.begin(), kMacros.end(), schedule) != kMacros.end()) return;
    if (schedule.rfind("@every ", 0) == 0 && schedule.size() > 7) return;
    r.fail(field, "unknown schedule " + quoted(schedule) +
                      " (expected @yearly, @monthly, @weekly, @daily, @hourly, "
                      "@every <duration> or five cron fields)" +
                      util::did_you_mean(schedule, kMacros));
  }
  if (schedule.rfind("TZ=", 0) == 0 || schedule.rfind("CRON_TZ=", 0) == 0) {
    r.fail(field, "a time zone inside the schedule is not allowed; use spec.timeZone");
  }
  int fields = 0;
  bool in_field = false;
  for (const char c : schedule) {
    if (c == ' ' || c == '\t') {
      in_field = false;
      continue;
    }
    if (!cron_field_char(c)) {
      r.fail(field, "invalid character '" + std::string(1, c) + "' in schedule " + quoted(schedule));
    }
    if (!in_field) ++fields;
    in_field = true;
  }
  if (fields != 5) {
    r.fail(field, "expected five cron fields (minute hour day-of-month month day-of-week), got " +
                      std::to_string(fields) + " in " + quoted(schedule));
  }
}

// parallelism, completions and template of a JobSpec.
void read_job_spec(const Reader& r, const MapView& spec, Workload& w) {
  spec.check_fields({"parallelism", "completions", "selector", "template", "manualSelector"},
                    {"activeDeadlineSeconds", "podFailurePolicy", "successPolicy", "backoffLimit",
                     "backoffLimitPerIndex", "maxFailedIndexes", "ttlSecondsAfterFinished", "completionMode", "suspend",
                     "podReplacementPolicy", "managedBy"});
  JobSettings job;
  if (const auto p = spec.get("parallelism"))
    job.parallelism = static_cast<std::int32_t>(read_int(r, *p, 0, kInt32Max));
  if (const auto c = spec.get("completions"))
    job.completions = static_cast<std::int32_t>(read_int(r, *c, 0, kInt32Max));
  if (const auto m = spec.get("manualSelector")) (void)read_bool(r, *m);
  w.pod = read_pod_template(r, spec.require("template"));
  if (const auto selector = spec.get("selector")) {
    w.selector = read_label_selector(r, *selector);
    check_selector(r, *selector, w.selector, w.pod, false);
  } else {
    // The Job controller adds a unique controller-uid label and selects on it;
    // the template's labels identify the same pods.
    w.selector = LabelSelector::from_labels(w.pod.labels);
  }
  w.replicas = job.completions ? std::min(job.parallelism, *job.completions) : job.parallelism;
  w.job = job;
}

}  // namespace

Workload read_workload(const Reader& r, const MapView& object, WorkloadKind kind, const ObjectMeta& meta) {
  Workload w;
  w.kind = kind;
  w.kind_name = std::string(to_string(kind));
  w.name = meta.name;
  w.namespace_name = meta.namespace_name;
  w.where = meta.where;

  if (kind == WorkloadKind::Pod) {
    w.pod = read_pod_spec(r, object.require("spec"), meta.labels, meta.annotations);
    w.selector = LabelSelector::from_labels(w.pod.labels);
    w.replicas = 1;
    return w;
  }

  const MapView spec = read_map(r, object.require("spec"));
  switch (kind) {
    case WorkloadKind::Deployment:
      spec.check_fields({"replicas", "selector", "template"},
                        {"strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds"});
      break;
    case WorkloadKind::StatefulSet:
      spec.check_fields({"replicas", "selector", "template", "serviceName"},
                        {"volumeClaimTemplates", "podManagementPolicy", "updateStrategy", "revisionHistoryLimit",
                         "minReadySeconds", "persistentVolumeClaimRetentionPolicy", "ordinals"});
      break;
    case WorkloadKind::DaemonSet:
      spec.check_fields({"selector", "template"}, {"updateStrategy", "minReadySeconds", "revisionHistoryLimit"});
      break;
    case WorkloadKind::ReplicaSet:
      spec.check_fields({"replicas", "selector", "template"}, {"minReadySeconds"});
      break;
    case WorkloadKind::CronJob:
      spec.check_fields({"schedule", "jobTemplate"},
                        {"timeZone", "startingDeadlineSeconds", "concurrencyPolicy", "suspend",
                         "successfulJobsHistoryLimit", "failedJobsHistoryLimit"});
      break;
    default:
      break;
  }

  switch (kind) {
    case WorkloadKind::Deployment:
    case WorkloadKind::StatefulSet:
    case WorkloadKind::ReplicaSet:
      if (const auto replicas = spec.get("replicas")) {
        w.replicas = static_cast<std::int32_t>(read_int(r, *replicas, 0, kInt32Max));
      }
      read_controller(r, spec, w);
      if (kind == WorkloadKind::StatefulSet) {
        if (const auto service = spec.get("serviceName")) w.service_name = read_string(r, *service);
      }
      break;
    case WorkloadKind::DaemonSet:
      read_controller(r, spec, w);
      w.replicas = 1;
      w.per_node = true;
      break;
    case WorkloadKind::Job:
      read_job_spec(r, spec, w);
      break;
    case WorkloadKind::CronJob: {
      const Field schedule = spec.require("schedule");
      w.schedule = read_string(r, schedule);
      check_schedule(r, schedule, w.schedule);
      const MapView job_template = read_map(r, spec.require("jobTemplate"));
      job_template.check_fields({"spec"}, {"metadata"});
      read_job_spec(r, read_map(r, job_template.require("spec")), w);
      break;
    }
    case WorkloadKind::Pod:
    case WorkloadKind::Other:
      break;
  }
  return w;
}

}  // namespace eksim::k8s::detail
