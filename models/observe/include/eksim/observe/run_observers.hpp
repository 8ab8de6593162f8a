// The files `eksim run` writes for production tooling: VPC Flow Logs,
// Prometheus metrics, a Chrome trace of sampled requests and Envoy access
// logs, filled from a run's requests as they end (traffic::RunObserver).
//
// Each file is rendered in end(), when the run's results are final, and kept
// as text: the caller writes them only after the whole run succeeded. What
// eksim fills in where the run model knows less than a real capture (ports,
// packets, ENI ids, response flags) is documented in docs/observability.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "eksim/observe/chrome_trace.hpp"
#include "eksim/observe/flow_log.hpp"
#include "eksim/traffic/run.hpp"

namespace eksim::observe {

// Simulated time 0 is this Unix time (2026-01-01T00:00:00Z) in every file,
// so the same run gives the same bytes.
inline constexpr std::int64_t kRunEpochUnix = 1'767'225'600;
// The account id in flow log records: AWS's documentation example account.
inline constexpr const char* kFlowLogAccount = "123456789012";
// AWS's maximum aggregation interval of a flow log on Nitro instances.
inline constexpr std::int64_t kFlowLogWindowSeconds = 60;

struct RunFilesOptions {
  bool flow_logs = false;
  bool metrics = false;
  bool access_log = false;
  // Trace every Nth request by id (id % N == 0); nullopt: no trace.
  std::optional<std::uint64_t> trace_every;
};

// "eni-" and 17 hex digits (AWS's form), stable for an eksim ENI name such as
// "shop/general-1/eni-0": the digits are a hash of that name.
std::string aws_eni_id(std::string_view eksim_eni);

// Packets of `payload` bytes over a VPC path: segments of at most the MSS of
// the 9001-byte jumbo-frame MTU, each with 52 bytes of IP and TCP headers.
inline constexpr std::uint64_t kMtu = 9001;
inline constexpr std::uint64_t kTcpIpHeader = 52;  // IPv4 20 + TCP 20 + timestamps 12
std::uint64_t segments_for(std::uint64_t payload);

class RunFiles final : public traffic::RunObserver {
 public:
  explicit RunFiles(RunFilesOptions options);
  ~RunFiles() override;

  void begin(const traffic::RunContext& context) override;
  void request_done(const traffic::RequestRecord& request) override;
  void end() override;

  // The files' text, after end(); empty for those not asked for.
  [[nodiscard]] const std::string& flow_logs() const { return flow_logs_; }
  [[nodiscard]] const std::string& metrics() const { return metrics_; }
  [[nodiscard]] const std::string& trace() const { return trace_; }
  [[nodiscard]] const std::string& access_log() const { return access_log_; }

 private:
  void log_flows(const traffic::RequestRecord& r);
  void log_access(const traffic::RequestRecord& r);
  void log_trace(const traffic::RequestRecord& r);
  // A new connection takes the next port of `counter` (into next_port_); a kept-alive one reuses its port.
  std::uint16_t source_port(const traffic::RequestRecord& r, bool new_connection, std::size_t counter);

  RunFilesOptions options_;
  std::optional<traffic::RunContext> context_;
  std::unique_ptr<FlowLogAggregator> flows_;
  std::vector<std::uint32_t> pod_interface_;  // per layout pod: its ENI in flows_
  std::vector<std::uint32_t> node_interface_;  // per layout node: its primary ENI in flows_
  std::vector<std::uint16_t> next_port_;      // per layout pod, then per node (SNAT): the next ephemeral port
  std::unordered_map<std::uint64_t, std::uint16_t> open_port_;  // (client, server, port) -> last source port
  std::vector<std::string> authority_;        // per flow: :authority for access logs ("" : the endpoint's address)
  std::unique_ptr<ChromeTrace> chrome_;
  std::string flow_logs_;
  std::string metrics_;
  std::string trace_;
  std::string access_log_;
};

}  // namespace eksim::observe
