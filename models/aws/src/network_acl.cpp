#include "eksim/aws/network_acl.hpp"

namespace eksim::aws {

std::string_view to_string(NaclAction action) { return action == NaclAction::allow ? "allow" : "deny"; }

}  // namespace eksim::aws
