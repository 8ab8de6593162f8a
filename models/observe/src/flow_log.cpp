#include "eksim/observe/flow_log.hpp"

namespace eksim::observe {

std::string flow_log_header() {
  return "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
         "log-status\n";
}

void append_flow_log(std::string& out, const FlowLogRecord& r) {
  out += "2 ";
  out += r.account_id.empty() ? "-" : r.account_id;
  out += ' ';
  out += r.interface_id.empty() ? "-" : r.interface_id;
  if (r.log_status == FlowLogStatus::Ok) {
    out += ' ' + r.srcaddr.to_string() + ' ' + r.dstaddr.to_string() + ' ' + std::to_string(r.srcport) + ' ' +
           std::to_string(r.dstport) + ' ' + std::to_string(r.protocol) + ' ' + std::to_string(r.packets) + ' ' +
           std::to_string(r.bytes);
  } else {
    out += " - - - - - - -";
  }
  out += ' ' + std::to_string(r.start) + ' ' + std::to_string(r.end) + ' ';
  switch (r.log_status) {
    case FlowLogStatus::Ok:
      out += r.action == FlowAction::Accept ? "ACCEPT OK\n" : "REJECT OK\n";
      break;
    case FlowLogStatus::NoData:
      out += "- NODATA\n";
      break;
    case FlowLogStatus::SkipData:
      out += "- SKIPDATA\n";
      break;
  }
}

}  // namespace eksim::observe
