#include "eksim/dns/resolv_conf.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace eksim::dns {
namespace {

template <class T>
void append_unique(std::vector<T>& to, const T& value) {
  if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
}

int option_number(const k8s::DnsOption& o, int cap) {
  int n = 0;
  const std::string& v = o.value.value_or("");
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) {
    throw std::invalid_argument("dnsConfig option " + o.name + ": expected a whole number, got '" + v + "'");
  }
  // glibc clamps rather than rejects: ndots at 15, timeout at 30, attempts at 5.
  return std::min(n, cap);
}

}  // namespace

std::string ec2_domain(std::string_view region) {
  if (region == "us-east-1") return "ec2.internal";
  return std::string(region) + ".compute.internal";
}

ResolvConf pod_resolv_conf(k8s::DnsPolicy policy, bool host_network, const std::optional<k8s::DnsConfig>& config,
                           std::string_view namespace_name, const NodeResolver& node) {
  // The kubelet gives a host-network pod with ClusterFirst the node's own
  // resolv.conf; only ClusterFirstWithHostNet keeps cluster DNS for it.
  if (policy == k8s::DnsPolicy::ClusterFirst && host_network) policy = k8s::DnsPolicy::Default;
  if (policy == k8s::DnsPolicy::ClusterFirstWithHostNet) policy = k8s::DnsPolicy::ClusterFirst;

  ResolvConf conf;
  std::vector<k8s::DnsOption> options;
  if (policy == k8s::DnsPolicy::ClusterFirst) {
    conf.nameservers = {node.cluster_dns};
    const std::string& d = node.cluster_domain;
    conf.searches = {std::string(namespace_name) + ".svc." + d, "svc." + d, d};
    if (!node.node_domain.empty()) conf.searches.push_back(node.node_domain);
    options.push_back({"ndots", "5"});
  } else if (policy == k8s::DnsPolicy::Default) {
    conf.nameservers = {node.vpc_resolver};
    if (!node.node_domain.empty()) conf.searches.push_back(node.node_domain);
  }
  if (config) {
    for (const std::string& text : config->nameservers) {
      std::string error;
      const auto ip = net::parse_ipv4(text, &error);
      if (!ip) throw std::invalid_argument("dnsConfig nameserver '" + text + "': " + error);
      append_unique(conf.nameservers, *ip);
    }
    for (const std::string& s : config->searches) {
      std::string d = s;
      std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!d.empty() && d.back() == '.') d.pop_back();
      append_unique(conf.searches, d);
    }
    // A pod's option replaces the policy's option of the same name.
    for (const k8s::DnsOption& o : config->options) {
      const auto same = std::find_if(options.begin(), options.end(), [&](const auto& x) { return x.name == o.name; });
      if (same != options.end()) {
        *same = o;
      } else {
        options.push_back(o);
      }
    }
  }
  if (conf.nameservers.empty()) {
    throw std::invalid_argument("dnsPolicy None needs at least one dnsConfig nameserver");
  }
  // glibc reads at most MAXNS = 3 nameservers.
  if (conf.nameservers.size() > 3) conf.nameservers.resize(3);
  for (const k8s::DnsOption& o : options) {
    if (o.name == "ndots") conf.ndots = option_number(o, 15);
    if (o.name == "timeout") conf.timeout = sim::Time::s(std::max(1, option_number(o, 30)));
    if (o.name == "attempts") conf.attempts = std::max(1, option_number(o, 5));
    if (o.name == "rotate") conf.rotate = true;
    if (o.name == "single-request" || o.name == "single-request-reopen") conf.single_request = true;
  }
  return conf;
}

std::string ResolvConf::text() const {
  std::string out;
  for (const auto& ns : nameservers) out += "nameserver " + ns.to_string() + "\n";
  if (!searches.empty()) {
    out += "search";
    for (const auto& s : searches) out += " " + s;
    out += "\n";
  }
  out += "options ndots:" + std::to_string(ndots) + " timeout:" + std::to_string(timeout.count() / 1'000'000'000) +
         " attempts:" + std::to_string(attempts) + (rotate ? " rotate" : "") +
         (single_request ? " single-request" : "") + "\n";
  return out;
}

}  // namespace eksim::dns
