#include "eksim/observe/run_observers.hpp"

#include <array>
#include <cstdio>
#include <string_view>

#include "eksim/dns/dns_world.hpp"
#include "eksim/observe/envoy_access_log.hpp"
#include "eksim/observe/metrics_text.hpp"
#include "eksim/reach/layout.hpp"

namespace eksim::observe {
namespace {

using traffic::RequestRecord;
using traffic::Stage;

constexpr std::uint32_t kNoPod = UINT32_MAX;
// Linux's default ephemeral range (net.ipv4.ip_local_port_range).
constexpr std::uint16_t kFirstEphemeral = 32768;
constexpr std::uint16_t kLastEphemeral = 60999;
// A SYN (and a SYN-ACK) with Linux's options: IP 20 + TCP 20 + 20 of options.
constexpr std::uint64_t kSynBytes = 60;
// Linux sends a SYN, then retransmits it after 1, 3, 7, 15, 31 and 63 s
// (initial RTO 1 s, doubling; net.ipv4.tcp_syn_retries = 6).
constexpr std::array<std::int64_t, 7> kSynOffsetsS{0, 1, 3, 7, 15, 31, 63};

constexpr std::string_view kConnectTimeout = "connect timeout: ";

std::string_view connect_timeout_reason(const RequestRecord& r) {
  const std::string_view cause = r.cause;
  return cause.substr(0, kConnectTimeout.size()) == kConnectTimeout ? cause.substr(kConnectTimeout.size())
                                                                     : std::string_view{};
}

bool is_dns_failure(const RequestRecord& r) { return r.cause == "DNS_NXDOMAIN" || r.cause == "DNS timeout"; }

// The spans of the request's last attempt: those after its last backoff.
std::size_t last_attempt_first_span(const RequestRecord& r) {
  for (std::size_t i = r.spans.size(); i-- > 0;) {
    if (r.spans[i].stage == Stage::backoff) return i + 1;
  }
  return 0;
}

std::int64_t to_ms(sim::Time t) { return t.count() / 1'000'000; }

}  // namespace

std::string aws_eni_id(std::string_view eksim_eni) {
  // FNV-1a, 64 bits: 16 hex digits after a leading 0 make AWS's 17.
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : eksim_eni) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "eni-0%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::uint64_t segments_for(std::uint64_t payload) {
  constexpr std::uint64_t mss = kMtu - kTcpIpHeader;
  return (payload + mss - 1) / mss;
}

RunFiles::RunFiles(RunFilesOptions options) : options_(options) {}
RunFiles::~RunFiles() = default;

void RunFiles::begin(const traffic::RunContext& context) {
  context_.emplace(context);
  const auto& pods = context.layout.pods;
  if (options_.flow_logs) {
    flows_ = std::make_unique<FlowLogAggregator>(kFlowLogAccount, kRunEpochUnix, kFlowLogWindowSeconds);
    pod_interface_.resize(pods.size());
    for (std::size_t i = 0; i < pods.size(); ++i) {
      // The run's DNS world names ENIs as `eksim node` does: "cluster/group-i/eni-<device>".
      pod_interface_[i] = flows_->interface(aws_eni_id(context.dns_world.pods[i].eni));
    }
    for (const auto& node : context.dns_world.nodes) {
      node_interface_.push_back(flows_->interface(aws_eni_id(node.primary_eni)));
    }
    // A counter per pod, and one per node for the connections SNATed to its address.
    next_port_.assign(pods.size() + context.layout.nodes.size(), kFirstEphemeral);
  }
  if (options_.access_log) {
    // The Host the client asks for: a Service's cluster DNS name and port, a
    // name as written; empty (the endpoint's address) for the rest.
    using Kind = scenario::FlowTarget::Kind;
    for (const auto& f : context.scenario.flows) {
      std::string& a = authority_.emplace_back();
      if (f.to.kind == Kind::service) {
        const auto& svc = context.scenario.clusters[f.to.cluster].objects.services[f.to.service];
        const std::uint16_t port = f.to.port.value_or(svc.ports.empty() ? 80 : svc.ports.front().port);
        a = svc.name + "." + svc.namespace_name + ".svc.cluster.local:" + std::to_string(port);
      } else if (f.to.kind == Kind::dns_name) {
        a = f.to.dns_name;
      }
    }
  }
  if (options_.trace_every) {
    chrome_ = std::make_unique<ChromeTrace>("eksim run " + context.scenario.name);
    // Tracks in a fixed order: the whole request first, then the stages in the order a request meets them.
    chrome_->track("request");
    for (std::size_t s = 0; s < traffic::kStages; ++s) chrome_->track(traffic::to_string(static_cast<Stage>(s)));
  }
}

void RunFiles::request_done(const RequestRecord& r) {
  if (flows_) log_flows(r);
  if (options_.access_log) log_access(r);
  if (chrome_ && r.id % *options_.trace_every == 0) log_trace(r);
}

std::uint16_t RunFiles::source_port(const RequestRecord& r, bool new_connection, std::size_t counter) {
  const std::uint64_t key = (static_cast<std::uint64_t>(r.client_pod) << 40) ^
                            (static_cast<std::uint64_t>(r.server_pod) << 16) ^ r.port;
  if (!new_connection) {
    if (const auto it = open_port_.find(key); it != open_port_.end()) return it->second;
  }
  std::uint16_t& next = next_port_[counter];
  const std::uint16_t port = next;
  next = next == kLastEphemeral ? kFirstEphemeral : static_cast<std::uint16_t>(next + 1);
  open_port_[key] = port;
  return port;
}

void RunFiles::log_flows(const RequestRecord& r) {
  // No server pod: an external address, a Service without endpoints (kube-proxy
  // rejects in the node) or a failed lookup; nothing pod to pod crossed an ENI.
  if (r.server_pod == kNoPod) return;
  // Through a load balancer or API Gateway the client talks to the proxy and
  // the target hears from the proxy's addresses, which eksim does not model.
  const auto& s = context_->scenario;
  using Kind = scenario::FlowTarget::Kind;
  const Kind kind = s.flows[r.flow].to.kind;
  if (kind == Kind::load_balancer || kind == Kind::ingress || kind == Kind::api_gateway) return;
  const auto& layout = context_->layout;
  const auto& client = layout.pods[r.client_pod];
  const auto& server = layout.pods[r.server_pod];
  // Pods on one node talk through the host's routes: no packet crosses an ENI.
  if (client.node == server.node) return;
  // Leaving its VPC (peering, Transit Gateway), a pod's traffic is SNATed by
  // the VPC CNI to its node's address and leaves through the node's eth0.
  const bool snat = s.clusters[client.cluster].vpc != s.clusters[server.cluster].vpc;
  const net::Ipv4Address client_address = snat ? layout.nodes[client.node].address : client.address;
  const std::uint32_t client_eni = snat ? node_interface_[client.node] : pod_interface_[r.client_pod];
  const std::uint32_t server_eni = pod_interface_[r.server_pod];
  const std::size_t port_counter = snat ? layout.pods.size() + client.node : r.client_pod;
  using Action = FlowAction;
  auto out = [&](std::uint16_t sport, Action a) {
    return FlowLogAggregator::Packets{client_address, server.address, sport, r.port, 6, a};
  };
  auto back = [&](std::uint16_t sport, Action a) {
    return FlowLogAggregator::Packets{server.address, client_address, r.port, sport, 6, a};
  };

  const std::string_view reason = connect_timeout_reason(r);
  if (!reason.empty()) {
    // The SYNs went unanswered: each attempt is a connection of its own.
    const bool egress_drop = reason == "SG_EGRESS_DENY" || reason == "NACL_EGRESS_DENY";
    const bool ingress_drop = reason == "SG_INGRESS_DENY" || reason == "NACL_INGRESS_DENY";
    const bool return_drop = reason == "NACL_RETURN_DENY";
    // Dropped inside the source node (its NetworkPolicy): the SYNs never reach its ENI.
    if (reason == "NETPOL_EGRESS_DENY") return;
    // Past the destination's security group and ACL: its node drops (NetworkPolicy) or nobody listens.
    const bool reaches_server = ingress_drop || return_drop || reason == "NETPOL_INGRESS_DENY" ||
                                reason == "TARGET_PORT_NOT_FOUND";
    for (const auto& span : r.spans) {
      if (span.stage != Stage::connect) continue;
      const std::uint16_t sport = source_port(r, true, port_counter);
      for (const std::int64_t offset : kSynOffsetsS) {
        const sim::Time at = span.start + sim::Time::s(offset);
        if (offset > 0 && at >= span.start + span.duration) break;
        flows_->add(client_eni, out(sport, egress_drop ? Action::Reject : Action::Accept), at, 1, kSynBytes);
        if (egress_drop || !reaches_server) continue;
        flows_->add(server_eni, out(sport, ingress_drop ? Action::Reject : Action::Accept), at, 1, kSynBytes);
        // Stateless ACL: the SYN-ACK leaves the server and is dropped on its way back.
        if (return_drop) flows_->add(server_eni, back(sport, Action::Reject), at, 1, kSynBytes);
      }
    }
    return;
  }

  // A connection carried the request: handshake (SYN, SYN-ACK, ACK) when it
  // was new, data in MSS-sized segments, one delayed ACK per two segments.
  const std::uint16_t sport = source_port(r, r.new_connection, port_counter);
  const std::uint64_t request_segments = segments_for(r.request_bytes);
  const std::uint64_t response_segments = segments_for(r.response_bytes);
  const std::uint64_t request_acks = (request_segments + 1) / 2;
  const std::uint64_t response_acks = (response_segments + 1) / 2;
  const std::uint64_t up_packets = (r.new_connection ? 2 : 0) + request_segments + response_acks;
  const std::uint64_t up_bytes = (r.new_connection ? kSynBytes + kTcpIpHeader : 0) + r.request_bytes +
                                 kTcpIpHeader * (request_segments + response_acks);
  const std::uint64_t down_packets = (r.new_connection ? 1 : 0) + response_segments + request_acks;
  const std::uint64_t down_bytes = (r.new_connection ? kSynBytes : 0) + r.response_bytes +
                                   kTcpIpHeader * (response_segments + request_acks);
  if (up_packets > 0) {
    flows_->add(client_eni, out(sport, Action::Accept), r.start, up_packets, up_bytes);
    flows_->add(server_eni, out(sport, Action::Accept), r.start, up_packets, up_bytes);
  }
  if (down_packets > 0) {
    flows_->add(server_eni, back(sport, Action::Accept), r.end, down_packets, down_bytes);
    flows_->add(client_eni, back(sport, Action::Accept), r.end, down_packets, down_bytes);
  }
}

void RunFiles::log_access(const RequestRecord& r) {
  if (!r.client_sidecar && !r.server_sidecar) return;
  // A failed lookup: the application never sent the request to its sidecar.
  if (is_dns_failure(r)) return;
  const auto& pods = context_->layout.pods;
  EnvoyAccessRecord e;
  e.method = "GET";
  e.path = "/";
  e.protocol = "HTTP/1.1";
  e.bytes_received = r.request_bytes;
  e.bytes_sent = r.response_bytes;
  e.user_agent = "eksim";
  char id[48];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012llx", static_cast<unsigned long long>(r.id));
  e.request_id = id;
  if (r.server_pod != kNoPod) e.upstream_host = pods[r.server_pod].address.to_string() + ":" + std::to_string(r.port);
  e.authority = authority_[r.flow].empty() ? e.upstream_host : authority_[r.flow];

  // The last attempt: where it reached the server and where the server answered.
  const std::size_t first = last_attempt_first_span(r);
  sim::Time arrived = r.end, answered = r.end, upstream{};
  bool reached = false;
  for (std::size_t i = first; i < r.spans.size(); ++i) {
    const auto& s = r.spans[i];
    if (s.stage == Stage::queue || s.stage == Stage::service) {
      if (!reached) arrived = s.start;
      reached = true;
      answered = s.start + s.duration;
      upstream += s.duration;
    }
  }
  const bool overloaded = r.cause == "503 queue full";

  if (r.server_sidecar && (r.ok || overloaded || (r.cause == "timeout" && reached))) {
    // Inbound, on the server's sidecar: from the request's arrival to the answer.
    EnvoyAccessRecord in = e;
    in.start_unix_ms = kRunEpochUnix * 1000 + to_ms(arrived);
    in.response_code = r.ok ? 200 : overloaded ? 503 : 0;
    in.response_flags = r.cause == "timeout" ? "DC" : "";
    in.duration_ms = to_ms(answered - arrived);
    if (reached) in.upstream_service_time_ms = to_ms(upstream);
    if (r.cause == "timeout") in.bytes_sent = 0;
    append_envoy_access_log(access_log_, in);
  }
  if (r.client_sidecar) {
    // Outbound, on the client's sidecar: the whole request, retries included.
    EnvoyAccessRecord out = e;
    out.start_unix_ms = kRunEpochUnix * 1000 + to_ms(r.start);
    out.duration_ms = to_ms(r.end - r.start);
    if (r.ok || overloaded) {
      out.response_code = r.ok ? 200 : 503;
      // The upstream's time: the last attempt after its connection was up.
      sim::Time t{};
      for (std::size_t i = first; i < r.spans.size(); ++i) {
        const Stage st = r.spans[i].stage;
        if (st != Stage::dns && st != Stage::connect && st != Stage::kube_proxy && st != Stage::mtls) {
          t += r.spans[i].duration;
        }
      }
      out.upstream_service_time_ms = to_ms(t);
    } else if (r.cause == "timeout") {
      out.response_code = 504;
      out.response_flags = "UT";
    } else if (r.cause.rfind("504", 0) == 0) {
      out.response_code = 504;  // an ALB's own answer: the upstream responded
    } else {
      // Connection failures: no healthy upstream without endpoints, else a failed connection.
      out.response_code = 503;
      out.response_flags = r.server_pod == kNoPod && r.cause.rfind("connection refused", 0) == 0 ? "UH" : "UF";
      if (r.attempts > 1) out.response_flags += ",URX";
    }
    if (!r.ok && !overloaded) out.bytes_sent = 0;
    append_envoy_access_log(access_log_, out);
  }
}

void RunFiles::log_trace(const RequestRecord& r) {
  const auto& flow = context_->result.flows[r.flow];
  const std::uint32_t category = chrome_->name(flow.name);
  const std::string title = "request " + std::to_string(r.id) + " " + flow.name + ": " + (r.ok ? "ok" : r.cause);
  chrome_->complete(chrome_->track("request"), chrome_->name(title), category, r.start, r.end - r.start, r.id);
  for (const auto& s : r.spans) {
    const std::string_view stage = traffic::to_string(s.stage);
    chrome_->complete(chrome_->track(stage), chrome_->name(stage), category, s.start, s.duration, r.id);
  }
}

void RunFiles::end() {
  if (flows_) flow_logs_ = flows_->text();
  if (chrome_) trace_ = chrome_->json();
  if (!options_.metrics) return;
  const auto& s = context_->scenario;
  const auto& result = context_->result;
  MetricsText m;
  for (std::size_t i = 0; i < result.flows.size(); ++i) {
    const auto& f = result.flows[i];
    const auto& from = s.flows[i].from;
    const auto& cluster = s.clusters[from.cluster];
    const auto& workload = cluster.objects.workloads[from.workload];
    const MetricLabels labels = flow_labels(cluster.name, workload.namespace_name, workload.name, f.name);
    m.counter("eksim_requests", "Requests started.", labels, f.requests);
    m.counter("eksim_requests_completed", "Requests answered (the run's `completed`).", labels, f.completed);
    for (const auto& err : f.errors) {
      MetricLabels with_cause = labels;
      with_cause.emplace_back("cause", err.cause);
      m.counter("eksim_requests_failed", "Requests that ended in an error after retries, by cause.", with_cause,
                err.count);
    }
    m.counter("eksim_request_retries", "Extra attempts made.", labels, f.retries);
    m.counter("eksim_payload_bytes", "Request and response payload bytes moved.", labels, f.bytes);
    m.histogram("eksim_request_duration_seconds", "Latency of answered requests, start to response.", labels,
                f.latency);
  }
  metrics_ = m.str();
}

}  // namespace eksim::observe
