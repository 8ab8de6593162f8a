// metav1.ObjectMeta, the fields the importer needs, and LabelSelector.
#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

std::string name_problem(NameRule rule, std::string_view name) {
  switch (rule) {
    case NameRule::Dns1123Subdomain:
      return dns1123_subdomain_problem(name);
    case NameRule::Dns1123Label:
      return dns1123_label_problem(name);
    case NameRule::Dns1035Label:
      return dns1035_label_problem(name);
  }
  return {};
}

std::vector<OwnerReference> read_owner_references(const Reader& r, const Field& field) {
  std::vector<OwnerReference> refs;
  bool controller_seen = false;
  for (const Field& item : read_list(r, field)) {
    const MapView ref = read_map(r, item);
    ref.check_fields({"apiVersion", "kind", "name", "controller"}, {"uid", "blockOwnerDeletion"});
    OwnerReference o;
    o.api_version = read_string(r, ref.require("apiVersion"));
    o.kind = read_string(r, ref.require("kind"));
    o.name = read_string(r, ref.require("name"));
    if (o.kind.empty()) r.fail(ref.require("kind"), "must not be empty");
    if (o.name.empty()) r.fail(ref.require("name"), "must not be empty");
    if (const auto c = ref.get("controller")) {
      o.controller = read_bool(r, *c);
      if (o.controller && controller_seen) {
        r.fail(*c, "only one ownerReference may have controller: true");
      }
      controller_seen = controller_seen || o.controller;
    }
    refs.push_back(std::move(o));
  }
  return refs;
}

}  // namespace

ObjectMeta read_metadata(Reader& r, const MapView& object, std::string_view kind, NameRule rule, bool namespaced) {
  r.set_object(std::string(kind));
  ObjectMeta meta;
  meta.where = r.at(object.self().value);
  const MapView md = read_map(r, object.require("metadata"));
  md.check_fields({"name", "namespace", "labels", "annotations", "ownerReferences"},
                  {"generateName", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
                   "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers", "managedFields", "clusterName"});
  const auto name = md.get("name");
  if (!name) {
    if (md.get("generateName")) {
      r.fail(md.self(),
             "metadata.generateName is not supported: the name would be chosen by the cluster; "
             "set metadata.name");
    }
    r.fail(md.self(), "missing required field 'name'");
  }
  meta.name = read_string(r, *name);
  if (const std::string problem = name_problem(rule, meta.name); !problem.empty()) {
    r.fail(*name, "invalid name " + quoted(meta.name) + ": " + problem);
  }
  if (namespaced) {
    meta.namespace_name = std::string(kDefaultNamespace);
    if (const auto ns = md.get("namespace")) {
      meta.namespace_name = read_string(r, *ns);
      if (meta.namespace_name.empty()) {
        meta.namespace_name = std::string(kDefaultNamespace);
      } else if (const std::string problem = dns1123_label_problem(meta.namespace_name); !problem.empty()) {
        r.fail(*ns, "invalid namespace " + quoted(meta.namespace_name) + ": " + problem);
      }
    }
    r.set_object(std::string(kind) + " '" + meta.namespace_name + "/" + meta.name + "'");
  } else {
    r.set_object(std::string(kind) + " '" + meta.name + "'");
    if (const auto ns = md.get("namespace")) {
      r.warn(*ns, std::string(kind) + " is cluster-scoped; metadata.namespace is ignored");
    }
  }
  if (const auto labels = md.get("labels")) meta.labels = read_string_map(r, *labels, true);
  if (const auto annotations = md.get("annotations")) {
    meta.annotations = read_string_map(r, *annotations, false);
    meta.annotations_field = *annotations;
  }
  if (const auto refs = md.get("ownerReferences")) meta.owner_references = read_owner_references(r, *refs);
  return meta;
}

std::optional<Field> annotation_field(const Reader& r, const ObjectMeta& meta, std::string_view key) {
  if (!meta.annotations_field) return std::nullopt;
  return read_map(r, *meta.annotations_field).get(key);
}

LabelSelector read_label_selector(const Reader& r, const Field& field,
                                  std::initializer_list<std::string_view> also_known) {
  LabelSelector selector;
  if (field.value.IsNull()) return selector;
  const MapView map = read_map(r, field);
  map.check_fields({"matchLabels", "matchExpressions"}, also_known);
  if (const auto labels = map.get("matchLabels")) selector.match_labels = read_string_map(r, *labels, true);
  if (const auto expressions = map.get("matchExpressions")) {
    for (const Field& item : read_list(r, *expressions)) {
      const MapView e = read_map(r, item);
      e.check_fields({"key", "operator", "values"}, {});
      SelectorRequirement req;
      const Field key = e.require("key");
      req.key = read_string(r, key);
      if (const std::string problem = label_key_problem(req.key); !problem.empty()) {
        r.fail(key, "invalid label key " + quoted(req.key) + ": " + problem);
      }
      const Field op = e.require("operator");
      req.op = read_enum<SelectorOperator>(r, op, {"In", "NotIn", "Exists", "DoesNotExist"});
      std::optional<Field> values = e.get("values");
      if (values) {
        for (const Field& v : read_list(r, *values)) {
          std::string value = read_string(r, v);
          if (const std::string problem = label_value_problem(value); !problem.empty()) {
            r.fail(v, "invalid label value " + quoted(value) + ": " + problem);
          }
          req.values.push_back(std::move(value));
        }
      }
      const bool needs_values = req.op == SelectorOperator::In || req.op == SelectorOperator::NotIn;
      if (needs_values && req.values.empty()) {
        r.fail(values ? *values : op,
               "operator " + std::string(to_string(req.op)) + " needs a non-empty 'values' list");
      }
      if (!needs_values && !req.values.empty()) {
        r.fail(*values, "operator " + std::string(to_string(req.op)) + " takes no values");
      }
      selector.match_expressions.push_back(std::move(req));
    }
  }
  return selector;
}

IpCidr read_ip_cidr(const Reader& r, const Field& field) {
  const std::string text = read_string(r, field);
  std::string problem;
  auto cidr = parse_ip_cidr(text, &problem);
  if (!cidr) r.fail(field, "invalid address block " + quoted(text) + ": " + problem);
  if (!cidr->ipv6 && cidr->ipv4.to_string() != text) {
    r.warn(field, text + " has host bits set; Kubernetes reads it as " + cidr->ipv4.to_string());
  }
  return *cidr;
}

}  // namespace eksim::k8s::detail
