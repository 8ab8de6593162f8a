#include "eksim/k8s/calico_policy.hpp"

namespace eksim::k8s {
namespace {

// Absent orders sort after every present one, as Felix treats them as infinite.
int compare_order(const std::optional<double>& a, const std::optional<double>& b) {
  if (a && b) return *a < *b ? -1 : (*b < *a ? 1 : 0);
  if (a) return -1;
  if (b) return 1;
  return 0;
}

}  // namespace

std::string_view to_string(CalicoAction action) {
  switch (action) {
    case CalicoAction::Allow:
      return "Allow";
    case CalicoAction::Deny:
      return "Deny";
    case CalicoAction::Log:
      return "Log";
    case CalicoAction::Pass:
      return "Pass";
  }
  return "Allow";
}

bool CalicoEntityRule::matches_anything() const {
  return nets.empty() && not_nets.empty() && !selector && !not_selector && !namespace_selector && ports.empty() &&
         not_ports.empty() && !service_accounts && !services;
}

bool CalicoEntityRule::restricts_endpoints() const {
  return selector || not_selector || namespace_selector || service_accounts;
}

bool calico_policy_before(const CalicoPolicy& a, const CalicoPolicy& b) {
  if (const int c = compare_order(a.order, b.order); c != 0) return c < 0;
  if (a.name != b.name) return a.name < b.name;
  return a.namespace_name < b.namespace_name;
}

bool calico_tier_before(const CalicoTier& a, const CalicoTier& b) {
  if (const int c = compare_order(a.order, b.order); c != 0) return c < 0;
  return a.name < b.name;
}

}  // namespace eksim::k8s
