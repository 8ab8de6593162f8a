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
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eksim/net/ipv4_address.hpp"
#include "eksim/sim/time.hpp"

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

// Sums a run's packets into flow log records: one per (ENI, 5-tuple, action)
// per aggregation window, start and end the Unix seconds of the first and
// last packet seen in the window. Adding to a known flow allocates nothing.
class FlowLogAggregator {
 public:
  // Simulated time 0 is Unix time `epoch_unix`; windows are `window_seconds`
  // long from the epoch (AWS: at most 60 s on Nitro instances, 600 s by default).
  FlowLogAggregator(std::string account_id, std::int64_t epoch_unix, std::int64_t window_seconds = 60);

  // The index of an ENI by its id ("eni-..."), registered on first use.
  std::uint32_t interface(std::string_view eni_id);

  struct Packets {
    net::Ipv4Address src;
    net::Ipv4Address dst;
    std::uint16_t srcport = 0;
    std::uint16_t dstport = 0;
    std::uint8_t protocol = 6;
    FlowAction action = FlowAction::Accept;
  };
  // `packets` packets of `bytes` bytes in all of this flow seen on ENI `interface` at `at`.
  void add(std::uint32_t interface, const Packets& flow, sim::Time at, std::uint64_t packets, std::uint64_t bytes);

  // Records ordered by window, ENI id, then 5-tuple: the same run, the same bytes.
  [[nodiscard]] std::vector<FlowLogRecord> records() const;
  // The header line and every record.
  [[nodiscard]] std::string text() const;

 private:
  struct Key {
    std::int64_t window;
    std::uint32_t interface;
    std::uint32_t src, dst;
    std::uint16_t srcport, dstport;
    std::uint8_t protocol;
    FlowAction action;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct Totals {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::int64_t first = 0;  // Unix seconds
    std::int64_t last = 0;
  };
  std::string account_id_;
  std::int64_t epoch_unix_;
  std::int64_t window_seconds_;
  std::vector<std::string> interfaces_;
  std::unordered_map<std::string, std::uint32_t> interface_index_;
  std::unordered_map<Key, Totals, KeyHash> flows_;
};

}  // namespace eksim::observe
