#include "eksim/reach/verdict.hpp"

namespace eksim::reach {

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::DNS_NXDOMAIN: return "DNS_NXDOMAIN";
    case Reason::NO_ENDPOINTS: return "NO_ENDPOINTS";
    case Reason::SERVICE_PORT_NOT_FOUND: return "SERVICE_PORT_NOT_FOUND";
    case Reason::TARGET_PORT_NOT_FOUND: return "TARGET_PORT_NOT_FOUND";
    case Reason::NO_ROUTE: return "NO_ROUTE";
    case Reason::BLACKHOLE_ROUTE: return "BLACKHOLE_ROUTE";
    case Reason::PEERING_NOT_TRANSITIVE: return "PEERING_NOT_TRANSITIVE";
    case Reason::PEERING_NO_RETURN_ROUTE: return "PEERING_NO_RETURN_ROUTE";
    case Reason::TGW_NOT_ASSOCIATED: return "TGW_NOT_ASSOCIATED";
    case Reason::TGW_NO_ROUTE: return "TGW_NO_ROUTE";
    case Reason::TGW_BLACKHOLE: return "TGW_BLACKHOLE";
    case Reason::TGW_AZ_NOT_PRESENT: return "TGW_AZ_NOT_PRESENT";
    case Reason::NO_INTERNET_ROUTE: return "NO_INTERNET_ROUTE";
    case Reason::NACL_EGRESS_DENY: return "NACL_EGRESS_DENY";
    case Reason::NACL_INGRESS_DENY: return "NACL_INGRESS_DENY";
    case Reason::NACL_RETURN_DENY: return "NACL_RETURN_DENY";
    case Reason::SG_EGRESS_DENY: return "SG_EGRESS_DENY";
    case Reason::SG_INGRESS_DENY: return "SG_INGRESS_DENY";
    case Reason::NETPOL_EGRESS_DENY: return "NETPOL_EGRESS_DENY";
    case Reason::NETPOL_INGRESS_DENY: return "NETPOL_INGRESS_DENY";
    case Reason::ANP_DENY: return "ANP_DENY";
    case Reason::BANP_DENY: return "BANP_DENY";
    case Reason::CALICO_DENY: return "CALICO_DENY";
    case Reason::CALICO_END_OF_TIER_DENY: return "CALICO_END_OF_TIER_DENY";
  }
  return "UNKNOWN";
}

}  // namespace eksim::reach
