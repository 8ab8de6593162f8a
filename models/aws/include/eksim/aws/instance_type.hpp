// One EC2 instance type as the VPC CNI and the network model see it.
//
// Values come from data/instance-types.csv (see data/README.md). Fields the
// upstream tables do not give for a type are empty optionals, never guesses:
// a capacity answer that depends on one says so instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eksim::aws {

enum class Hypervisor { unknown, nitro, xen };

std::string_view to_string(Hypervisor hypervisor);

struct InstanceType {
  std::string name{};  // "m5.large"
  // ENIs the VPC CNI can use: those of the default network card only.
  int max_enis = 0;
  // IPv4 addresses per ENI, the ENI's own primary address included.
  int ipv4_per_eni = 0;
  // From EC2 DescribeInstanceTypes via moto; empty for types moto lacks.
  std::optional<int> vcpus{};
  std::optional<int> network_cards{};
  std::optional<double> baseline_bandwidth_gbps{};  // whole instance, all cards
  std::optional<double> peak_bandwidth_gbps{};
  Hypervisor hypervisor = Hypervisor::unknown;  // unknown for bare metal and for types moto lacks
  std::optional<bool> bare_metal{};
  // Branch ENIs for security groups for pods (0 = not trunk-compatible). The
  // shipped tables do not carry this (it lives in the VPC resource
  // controller's code), so it stays empty unless a scenario supplies it.
  std::optional<int> branch_enis{};

  // Whether /28 prefix delegation works on this type. ipamd allows it on Nitro
  // and on bare metal, and falls back to secondary IPs elsewhere. nullopt when
  // the table cannot tell (type absent from the EC2 data).
  [[nodiscard]] std::optional<bool> prefix_delegation_supported() const;
};

}  // namespace eksim::aws
