#include "eksim/k8s/admin_network_policy.hpp"

namespace eksim::k8s {

std::string_view to_string(AdminAction action) {
  switch (action) {
    case AdminAction::Allow:
      return "Allow";
    case AdminAction::Deny:
      return "Deny";
    case AdminAction::Pass:
      return "Pass";
  }
  return "Allow";
}

}  // namespace eksim::k8s
