#include "manifest_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "api_kinds.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

// Real manifests never nest Lists; the bound stops aliases from making a
// small input expand without end.
constexpr int kMaxListDepth = 4;
// More objects than any cluster a scenario describes; reached only by inputs
// built to expand (YAML aliases repeated inside Lists).
constexpr std::size_t kMaxObjects = 200000;
constexpr std::int32_t kInt32Max = std::numeric_limits<std::int32_t>::max();

std::string base_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::optional<WorkloadKind> workload_kind(std::string_view kind) {
  for (const WorkloadKind k : {WorkloadKind::Deployment, WorkloadKind::StatefulSet, WorkloadKind::DaemonSet,
                               WorkloadKind::ReplicaSet, WorkloadKind::Job, WorkloadKind::CronJob, WorkloadKind::Pod}) {
    if (to_string(k) == kind) return k;
  }
  return std::nullopt;
}

// One YAML document's text and the number of lines before it in the file.
struct DocumentText {
  std::string text;
  int first_line = 0;
};

// A line that starts with a document marker: "---" or "..." followed by
// whitespace or nothing.
bool is_marker(std::string_view line, std::string_view marker) {
  return line.substr(0, 3) == marker &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r' || line[3] == '\n');
}

// Splits a stream into documents at "---" and "..." lines. YAML forbids
// these markers at column 0 inside any scalar, so splitting the text is
// exact. Each document is then parsed on its own with YAML::Load, because
// yaml-cpp 0.7's LoadAll can loop forever on malformed input (fixed upstream
// after 0.8 by jbeder/yaml-cpp#1319). A marker line keeps its columns: the
// marker is blanked and any content after it ("--- {a: 1}") stays in place.
std::vector<DocumentText> split_documents(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  std::vector<DocumentText> docs(1);
  // Directives ("%YAML 1.2") belong to the document their "---" opens, so a
  // chunk holding only directives and comments is not cut there.
  bool directives_only = false;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(start, end - start);
    if (is_marker(line, "---") && !directives_only) {
      docs.push_back(DocumentText{"   " + std::string(line.substr(3)), line_number});
    } else if (is_marker(line, "---")) {
      docs.back().text.append(line);
      directives_only = false;
    } else if (is_marker(line, "...")) {
      docs.push_back(DocumentText{"", line_number + 1});
      directives_only = false;
    } else {
      const std::size_t first = line.find_first_not_of(" \t\r\n");
      if (first == 0 && line[0] == '%') {
        directives_only = true;
      } else if (first != std::string_view::npos && line[first] != '#') {
        directives_only = false;
      }
      docs.back().text.append(line);
    }
    ++line_number;
    start = end;
  }
  return docs;
}

// The (line, column) of the first thing in `text` that is neither blank, a
// comment nor a null literal; nullopt when there is none.
std::optional<std::pair<int, int>> first_non_null_content(std::string_view text) {
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(start, end - start);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') {
      std::string_view value = line.substr(first);
      const std::size_t comment = value.find(" #");
      if (comment != std::string_view::npos) value = value.substr(0, comment);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
        value.remove_suffix(1);
      }
      if (value != "~" && value != "null" && value != "Null" && value != "NULL") {
        return std::pair<int, int>{line_number, static_cast<int>(first)};
      }
    }
    ++line_number;
    start = end + 1;
  }
  return std::nullopt;
}

std::string object_key(std::string_view kind, std::string_view namespace_name, std::string_view name) {
  std::string key(kind);
  key += '\n';
  key.append(namespace_name);
  key += '\n';
  key.append(name);
  return key;
}

}  // namespace

ManifestBuilder::ManifestBuilder() {
  // Calico creates the default tier itself; a Tier manifest named `default`
  // replaces this entry.
  CalicoTier tier;
  tier.name = std::string(kCalicoDefaultTier);
  tier.order = kCalicoDefaultTierOrder;
  set_.calico_tiers.push_back(std::move(tier));
}

void ManifestBuilder::add_text(const std::string& text, const std::string& file) {
  set_.files.push_back(file);
  Reader r(file, &set_.warnings);
  const std::string name = base_name(file);
  const bool kustomization = name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization";
  for (const DocumentText& chunk : split_documents(text)) {
    YAML::Node doc;
    try {
      doc = YAML::Load(chunk.text);
    } catch (const YAML::Exception& e) {
      // ParserException, and DeepRecursion for pathological nesting.
      throw LoadError(SourceLocation{file, e.mark.line + 1 + chunk.first_line, e.mark.column + 1},
                      "invalid YAML: " + e.msg);
    }
    r.set_line_offset(chunk.first_line);
    if (doc.IsNull()) {
      // "---" with nothing, only comments, or an explicit null. yaml-cpp also
      // returns null for some text it cannot read at all (a stray ","); that
      // must not pass as an empty document.
      if (const auto junk = first_non_null_content(chunk.text)) {
        throw LoadError(SourceLocation{file, junk->first + 1 + chunk.first_line, junk->second + 1},
                        "invalid YAML: cannot read a document starting here");
      }
      continue;
    }
    const Field field{YAML::Node(), doc, ""};
    r.set_object("");
    if (!doc.IsMap()) {
      r.fail(field, "expected a Kubernetes object (a mapping with apiVersion and kind), got " +
                        std::string(doc.IsSequence() ? "a list" : "a single value"));
    }
    // kustomize's own file, often kept beside the manifests it lists, has no
    // apiVersion or kind in its short form.
    if (kustomization && !MapView(r, field).get("kind")) {
      skip("kustomize.config.k8s.io/v1beta1", "Kustomization", r.at(doc));
      continue;
    }
    add_object(r, field, 0, "", "");
  }
}

void ManifestBuilder::skip(const std::string& api_version, const std::string& kind, const SourceLocation& where) {
  for (SkippedKind& s : set_.skipped) {
    if (s.api_version == api_version && s.kind == kind) {
      ++s.count;
      return;
    }
  }
  set_.skipped.push_back(SkippedKind{api_version, kind, 1, where});
}

std::uint32_t ManifestBuilder::ensure_namespace(const std::string& name, const SourceLocation& where) {
  if (const auto it = namespace_index_.find(name); it != namespace_index_.end()) return it->second;
  Namespace ns;
  ns.name = name;
  ns.labels.emplace(std::string(kNamespaceNameLabel), name);
  ns.where = where;
  const auto index = static_cast<std::uint32_t>(set_.namespaces.size());
  set_.namespaces.push_back(std::move(ns));
  namespace_index_.emplace(name, index);
  return index;
}

void ManifestBuilder::check_unique(const Reader& r, const std::string& kind, const std::string& namespace_name,
                                   const std::string& name, const SourceLocation& where) {
  const auto [it, inserted] = defined_at_.emplace(object_key(kind, namespace_name, name), where);
  if (!inserted) r.fail_at(where, "", "defined twice; first at " + it->second.str());
}

template <typename T, typename Read>
void ManifestBuilder::add_namespaced(const Reader& r, const std::string& kind, const ObjectMeta& meta,
                                     const SourceLocation& where, Read read, std::vector<T>& into) {
  check_unique(r, kind, meta.namespace_name, meta.name, where);
  T item = read();
  item.id = meta.namespace_name + "/" + meta.name;
  item.namespace_index = ensure_namespace(meta.namespace_name, where);
  into.push_back(std::move(item));
}

void ManifestBuilder::add_object(Reader& r, const Field& field, int list_depth, const std::string& list_api_version,
                                 const std::string& list_item_kind) {
  r.set_object("");
  if (++objects_ > kMaxObjects) r.fail(field, "more than 200000 objects; refusing to expand further");
  if (field.value.IsNull()) r.fail(field, "expected a Kubernetes object, got nothing");
  const MapView object(r, field);
  const SourceLocation where = r.at(field.value);

  std::string kind = list_item_kind;
  std::optional<Field> kind_field = object.get("kind");
  if (kind_field) kind = read_string(r, *kind_field);
  std::string api_version = list_api_version;
  std::optional<Field> api_field = object.get("apiVersion");
  if (api_field) api_version = read_string(r, *api_field);
  if (kind.empty()) r.fail(kind_field ? *kind_field : object.self(), "missing required field 'kind'");
  if (api_version.empty()) r.fail(api_field ? *api_field : object.self(), "missing required field 'apiVersion'");

  // `kind: List` (kubectl get -o yaml) and typed lists such as DeploymentList
  // (the API's own list responses, whose items may omit kind and apiVersion).
  const bool typed_list = kind.size() > 4 && kind.ends_with("List") && object.has("items");
  if (kind == "List" || typed_list) {
    if (list_depth >= kMaxListDepth) r.fail(field, "Lists nested more than 4 deep");
    const std::string item_kind = kind == "List" ? std::string() : kind.substr(0, kind.size() - 4);
    const std::string item_api = kind == "List" ? std::string() : api_version;
    if (const auto items = object.get("items")) {
      for (const Field& item : read_list(r, *items)) {
        add_object(r, Field{item.key, item.value, ""}, list_depth + 1, item_api, item_kind);
      }
    }
    return;
  }

  const Field api_at = api_field ? *api_field : object.self();
  const Field kind_at = kind_field ? *kind_field : object.self();
  const auto modelled = classify_kind(r, api_at, api_version, kind_at, kind);
  if (!modelled) {
    skip(api_version, kind, where);
    return;
  }
  // `sepc:` must not pass for a missing spec (which, for a NetworkPolicy,
  // still means "deny all ingress").
  r.set_object(kind);
  if (*modelled == ModelledKind::ServiceAccount) {
    object.check_fields({"apiVersion", "kind", "metadata"},
                        {"secrets", "imagePullSecrets", "automountServiceAccountToken"});
  } else {
    object.check_fields({"apiVersion", "kind", "metadata", "spec"}, {"status"});
  }

  switch (*modelled) {
    case ModelledKind::Namespace: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Label, false);
      check_unique(r, kind, "", meta.name, where);
      const std::uint32_t index = ensure_namespace(meta.name, where);
      Namespace& ns = set_.namespaces[index];
      ns.labels = meta.labels;
      const auto written = ns.labels.find(kNamespaceNameLabel);
      if (written != ns.labels.end() && written->second != meta.name) {
        r.warn_at(where, "metadata.labels",
                  std::string(kNamespaceNameLabel) + " is always the namespace's name; '" + written->second +
                      "' is replaced by '" + meta.name + "'");
      }
      ns.labels.insert_or_assign(std::string(kNamespaceNameLabel), meta.name);
      ns.declared = true;
      ns.where = where;
      break;
    }
    case ModelledKind::Pod:
    case ModelledKind::Deployment:
    case ModelledKind::StatefulSet:
    case ModelledKind::DaemonSet:
    case ModelledKind::ReplicaSet:
    case ModelledKind::Job:
    case ModelledKind::CronJob: {
      const WorkloadKind wk = *workload_kind(kind);
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, true);
      check_unique(r, kind, meta.namespace_name, meta.name, where);
      Pending p;
      p.workload = read_workload(r, object, wk, meta);
      p.workload.api_version = api_version;
      p.workload.namespace_index = ensure_namespace(meta.namespace_name, where);
      p.is_pod = wk == WorkloadKind::Pod;
      p.owner_references = meta.owner_references;
      pending_.push_back(std::move(p));
      break;
    }
    case ModelledKind::Service: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1035Label, true);
      add_namespaced(
          r, kind, meta, where, [&] { return read_service(r, object, meta); }, set_.services);
      break;
    }
    case ModelledKind::Ingress: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, true);
      IngressFields fields;
      add_namespaced(
          r, kind, meta, where, [&] { return read_ingress(r, object, meta, &fields); }, set_.ingresses);
      ingress_fields_.push_back(std::move(fields));
      break;
    }
    case ModelledKind::IngressClass: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, false);
      check_unique(r, kind, "", meta.name, where);
      set_.ingress_classes.push_back(read_ingress_class(r, object, meta));
      break;
    }
    case ModelledKind::ServiceAccount: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, true);
      const auto read = [&] {
        ServiceAccount account;
        account.namespace_name = meta.namespace_name;
        account.name = meta.name;
        account.labels = meta.labels;
        account.where = meta.where;
        return account;
      };
      add_namespaced(r, kind, meta, where, read, set_.service_accounts);
      break;
    }
    case ModelledKind::NetworkPolicy: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, true);
      add_namespaced(
          r, kind, meta, where, [&] { return read_network_policy(r, object, meta); }, set_.network_policies);
      break;
    }
    case ModelledKind::AdminNetworkPolicy: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, false);
      check_unique(r, kind, "", meta.name, where);
      set_.admin_network_policies.push_back(read_admin_network_policy(r, object, meta));
      break;
    }
    case ModelledKind::BaselineAdminNetworkPolicy: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, false);
      check_unique(r, kind, "", meta.name, where);
      set_.baseline_admin_network_policy = read_baseline_admin_network_policy(r, object, meta);
      break;
    }
    case ModelledKind::CalicoTier: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Label, false);
      check_unique(r, "projectcalico.org/Tier", "", meta.name, where);
      CalicoTier tier = read_calico_tier(r, object, meta);
      if (tier.name == kCalicoDefaultTier) {
        set_.calico_tiers.front() = std::move(tier);
      } else {
        set_.calico_tiers.push_back(std::move(tier));
      }
      break;
    }
    case ModelledKind::CalicoNetworkPolicy:
    case ModelledKind::CalicoGlobalNetworkPolicy: {
      const bool global = *modelled == ModelledKind::CalicoGlobalNetworkPolicy;
      // "Calico NetworkPolicy" in messages: Kubernetes has a NetworkPolicy too.
      const std::string description = global ? kind : "Calico " + kind;
      const ObjectMeta meta = read_metadata(r, object, description, NameRule::Dns1123Subdomain, !global);
      check_unique(r, "projectcalico.org/" + kind, meta.namespace_name, meta.name, where);
      std::optional<Field> tier_field;
      CalicoPolicy p = read_calico_policy(r, object, meta, global, &tier_field);
      if (global) {
        p.id = meta.name;
      } else {
        p.id = meta.namespace_name + "/" + meta.name;
        p.namespace_index = ensure_namespace(meta.namespace_name, where);
      }
      tier_references_.push_back(
          TierReference{set_.calico_policies.size(), tier_field ? r.at(*tier_field) : where, r.object()});
      set_.calico_policies.push_back(std::move(p));
      break;
    }
    case ModelledKind::SecurityGroupPolicy: {
      const ObjectMeta meta = read_metadata(r, object, kind, NameRule::Dns1123Subdomain, true);
      add_namespaced(
          r, kind, meta, where, [&] { return read_security_group_policy(r, object, meta); },
          set_.security_group_policies);
      break;
    }
  }
}

void ManifestBuilder::resolve_calico_tiers() {
  std::vector<std::string_view> names;
  for (const CalicoTier& t : set_.calico_tiers) names.push_back(t.name);
  for (const TierReference& ref : tier_references_) {
    CalicoPolicy& p = set_.calico_policies[ref.policy];
    const auto index = set_.find_calico_tier(p.tier);
    if (!index) {
      throw LoadError(ref.where, ref.object + ": spec.tier: tier " + quoted(p.tier) +
                                     " has no Tier object; Calico refuses policies in a tier that does not exist" +
                                     util::did_you_mean(p.tier, names));
    }
    p.tier_index = *index;
  }
}

void ManifestBuilder::group_workloads() {
  const std::size_t n = pending_.size();
  std::map<std::string, std::size_t, std::less<>> by_key;
  for (std::size_t i = 0; i < n; ++i) {
    const Workload& w = pending_[i].workload;
    by_key.emplace(object_key(w.kind_name, w.namespace_name, w.name), i);
  }

  // The reference an object is grouped by: its controller, else (hand-written
  // manifests often leave `controller` out) its first reference to a workload
  // kind. A Node "owns" static pods' mirrors but does not template them, so
  // such pods stay bare.
  const auto grouping_reference = [&](const Pending& p) -> std::optional<OwnerReference> {
    std::optional<OwnerReference> chosen;
    for (const OwnerReference& o : p.owner_references) {
      if (o.controller) {
        chosen = o;
        break;
      }
    }
    if (!chosen) {
      for (const OwnerReference& o : p.owner_references) {
        if (workload_kind(o.kind)) {
          chosen = o;
          break;
        }
      }
    }
    if (chosen && chosen->kind == "Node") return std::nullopt;
    return chosen;
  };

  // Each object's root: the imported object at the top of its owner chain, or
  // the first owner that was not imported (then `child` is the object that names it).
  struct Root {
    bool resolved = false;
    bool in_set = false;
    std::size_t index = 0;  // in_set: the root object
    std::string key;        // !in_set: the missing owner
    OwnerReference owner;
    std::size_t child = 0;  // !in_set: the imported object naming the owner
  };
  std::vector<Root> roots(n);
  std::vector<std::optional<OwnerReference>> references(n);
  for (std::size_t i = 0; i < n; ++i) references[i] = grouping_reference(pending_[i]);

  std::vector<char> on_path(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (roots[i].resolved) continue;
    std::vector<std::size_t> path;
    std::size_t cur = i;
    Root found;
    while (true) {
      if (roots[cur].resolved) {
        found = roots[cur];
        break;
      }
      if (on_path[cur] != 0) {
        const Workload& w = pending_[i].workload;
        throw LoadError(
            w.where, w.kind_name + " '" + w.namespace_name + "/" + w.name + "': metadata.ownerReferences form a cycle");
      }
      on_path[cur] = 1;
      path.push_back(cur);
      const auto& ref = references[cur];
      if (!ref) {
        found = Root{true, true, cur, {}, {}, 0};
        break;
      }
      const std::string key = object_key(ref->kind, pending_[cur].workload.namespace_name, ref->name);
      const auto it = by_key.find(key);
      if (it == by_key.end()) {
        found = Root{true, false, 0, key, *ref, cur};
        break;
      }
      cur = it->second;
    }
    for (const std::size_t p : path) {
      roots[p] = found;
      on_path[p] = 0;
    }
  }

  // Workloads in order of their roots' (or for missing owners, their first
  // child's) position in import order.
  std::vector<std::uint32_t> workload_of_root(n, 0);
  std::map<std::string, std::uint32_t, std::less<>> synthesized;
  std::map<std::string, std::vector<std::size_t>, std::less<>> direct_children;
  for (std::size_t i = 0; i < n; ++i) {
    const Root& root = roots[i];
    if (root.in_set) {
      if (root.index != i) continue;
      Workload w = pending_[i].workload;
      w.id = workload_id(w.namespace_name, w.name, w.kind_name);
      w.members.clear();
      w.pods.clear();
      workload_of_root[i] = static_cast<std::uint32_t>(set_.workloads.size());
      set_.workloads.push_back(std::move(w));
      continue;
    }
    auto& children = direct_children[root.key];
    if (std::find(children.begin(), children.end(), root.child) == children.end()) children.push_back(root.child);
    if (synthesized.count(root.key) != 0) continue;
    const Workload& child = pending_[root.child].workload;
    Workload w;
    const auto kind = workload_kind(root.owner.kind);
    w.kind = kind.value_or(WorkloadKind::Other);
    w.kind_name = root.owner.kind;
    w.api_version = root.owner.api_version;
    w.namespace_name = child.namespace_name;
    w.namespace_index = child.namespace_index;
    w.name = root.owner.name;
    w.id = workload_id(w.namespace_name, w.name, w.kind_name);
    w.synthesized = true;
    w.where = child.where;
    synthesized.emplace(root.key, static_cast<std::uint32_t>(set_.workloads.size()));
    set_.workloads.push_back(std::move(w));
  }

  // A missing owner runs what its imported direct children run: the sum of
  // their replicas (one per pod), with the template of the largest child (the
  // current ReplicaSet of a Deployment rather than an old, scaled-down one).
  for (const auto& [key, children] : direct_children) {
    Workload& w = set_.workloads[synthesized.at(key)];
    std::int32_t total = 0;
    std::size_t best = children.front();
    for (const std::size_t c : children) {
      const Pending& p = pending_[c];
      const std::int32_t replicas = p.is_pod ? 1 : p.workload.replicas;
      total = total > kInt32Max - replicas ? kInt32Max : total + replicas;
      const std::int32_t best_replicas = pending_[best].is_pod ? 1 : pending_[best].workload.replicas;
      if (replicas > best_replicas) best = c;
    }
    const Workload& model = pending_[best].workload;
    w.pod = model.pod;
    w.selector = model.selector;
    w.job = model.job;
    w.schedule = model.schedule;
    w.service_name = model.service_name;
    w.per_node = model.per_node;
    w.replicas = w.per_node ? 1 : total;
  }

  for (std::size_t i = 0; i < n; ++i) {
    const Root& root = roots[i];
    const std::uint32_t wi = root.in_set ? workload_of_root[root.index] : synthesized.at(root.key);
    Workload& w = set_.workloads[wi];
    const Pending& p = pending_[i];
    if (p.is_pod) {
      Pod pod;
      pod.namespace_name = p.workload.namespace_name;
      pod.namespace_index = p.workload.namespace_index;
      pod.name = p.workload.name;
      pod.id = pod.namespace_name + "/" + pod.name;
      pod.spec = p.workload.pod;
      pod.owner = references[i];
      pod.workload = wi;
      pod.where = p.workload.where;
      w.pods.push_back(static_cast<std::uint32_t>(set_.pods.size()));
      set_.pods.push_back(std::move(pod));
    } else if (!(root.in_set && root.index == i)) {
      w.members.push_back(WorkloadMember{p.workload.kind_name, p.workload.name, p.workload.where});
    }
  }
}

ManifestSet ManifestBuilder::finish() {
  group_workloads();
  resolve_calico_tiers();
  for (Service& svc : set_.services) {
    if (!svc.has_selector() || svc.type == ServiceType::ExternalName) continue;
    for (std::size_t i = 0; i < set_.workloads.size(); ++i) {
      const Workload& w = set_.workloads[i];
      if (w.namespace_index != svc.namespace_index) continue;
      if (LabelSelector::from_labels(svc.selector).matches(w.pod.labels)) {
        svc.backends.push_back(static_cast<std::uint32_t>(i));
      }
    }
  }
  resolve_ingresses();
  return std::move(set_);
}

}  // namespace eksim::k8s::detail
