// VPC Flow Logs records in AWS's default format (version 2):
//
//   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
//
// Fields are separated by single spaces; start and end are Unix seconds of
// the capture window; protocol is the IANA number (6 TCP, 17 UDP); a field
// with no value is "-" (NODATA and SKIPDATA records carry only version,
// account-id, interface-id, start, end and log-status). Source:
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
//
// A record stands for one flow (5-tuple) on one ENI in one aggregation
// window: the run aggregates packets and bytes per window and appends one
// record per flow and window, so nothing is allocated per packet.
#pragma once

#include <cstdint>
#include <string>

#include "eksim/net/ipv4_address.hpp"

namespace eksim::observe {

enum class FlowAction : std::uint8_t { Accept, Reject };
enum class FlowLogStatus : std::uint8_t { Ok, NoData, SkipData };

struct FlowLogRecord {
  std::string account_id;    // 12 digits, e.g. "123456789012"
  std::string interface_id;  // "eni-0123456789abcdef0"
  net::Ipv4Address srcaddr;
  net::Ipv4Address dstaddr;
  std::uint16_t srcport = 0;
  std::uint16_t dstport = 0;
  std::uint8_t protocol = 6;  // IANA protocol number
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::int64_t start = 0;  // Unix seconds: the window's first packet
  std::int64_t end = 0;    // Unix seconds: the window's last packet
  FlowAction action = FlowAction::Accept;
  FlowLogStatus log_status = FlowLogStatus::Ok;
};

// The header line S3 delivery writes first: the field names in order.
std::string flow_log_header();
// Appends one record and a newline.
void append_flow_log(std::string& out, const FlowLogRecord& record);

}  // namespace eksim::observe
