// Kubernetes' syntax rules for names, label keys and values, and port names
// (k8s.io/apimachinery/pkg/util/validation), and address parsing. Each check
// returns "" for a valid input, else what is wrong, ready for a message.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eksim/k8s/ip_cidr.hpp"

namespace eksim::k8s::detail {

// RFC 1123 label: 1-63 of [a-z0-9-], starting and ending alphanumeric (namespaces, container names).
std::string dns1123_label_problem(std::string_view text);
// RFC 1123 subdomain: up to 253 characters, dot-separated labels (most object names).
std::string dns1123_subdomain_problem(std::string_view text);
// "*." followed by an RFC 1123 subdomain (Ingress hosts such as *.example.com).
std::string wildcard_dns1123_subdomain_problem(std::string_view text);
// A domain-prefixed path such as ingress.k8s.aws/alb (IngressClass controllers):
// a DNS subdomain, '/', and a non-empty path; at most 250 characters.
std::string domain_prefixed_path_problem(std::string_view text);
// RFC 1035 label: a 1123 label starting with a letter (Service names, Service port names).
std::string dns1035_label_problem(std::string_view text);
// A label or annotation key: [prefix/]name, the prefix a DNS subdomain, the
// name 1-63 of [A-Za-z0-9-_.] starting and ending alphanumeric.
std::string label_key_problem(std::string_view text);
// A label value: empty, or up to 63 of [A-Za-z0-9-_.] starting and ending alphanumeric.
std::string label_value_problem(std::string_view text);
// A container port name (IANA_SVC_NAME): 1-15 of [a-z0-9-], with a letter, no
// leading, trailing or doubled hyphen.
std::string port_name_problem(std::string_view text);

// An IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);
// "a.b.c.d/n" or an IPv6 block; host bits are allowed (and cleared in
// IpCidr::ipv4), as Kubernetes' own CIDR parsing allows them.
std::optional<IpCidr> parse_ip_cidr(std::string_view text, std::string* problem);
// True when `inner` lies within `outer` and is smaller (same address family).
bool strictly_inside(const IpCidr& inner, const IpCidr& outer);

}  // namespace eksim::k8s::detail
