#include "name_rules.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>

#include "eksim/net/ipv4_address.hpp"

namespace eksim::k8s::detail {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// One RFC 1123 label; "" when valid.
std::string label_1123(std::string_view s, const char* what) {
  if (s.empty()) return std::string(what) + " must not be empty";
  if (s.size() > 63) return std::string(what) + " must be at most 63 characters";
  for (const char c : s) {
    if (!lower_alnum(c) && c != '-') {
      return std::string(what) + " may contain only lowercase letters, digits and '-'";
    }
  }
  if (!lower_alnum(s.front()) || !lower_alnum(s.back())) {
    return std::string(what) + " must start and end with a lowercase letter or digit";
  }
  return {};
}

std::string label_charset(std::string_view s, const char* what) {
  if (s.size() > 63) return std::string(what) + " must be at most 63 characters";
  for (const char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') {
      return std::string(what) + " may contain only letters, digits, '-', '_' and '.'";
    }
  }
  if (!s.empty() && (!alnum(s.front()) || !alnum(s.back()))) {
    return std::string(what) + " must start and end with a letter or digit";
  }
  return {};
}

bool parse_prefix_length(std::string_view text, int max, int& out) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text.front() == '0')) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0 && out <= max;
}

}  // namespace

std::string dns1123_label_problem(std::string_view text) { return label_1123(text, "a name"); }

std::string dns1123_subdomain_problem(std::string_view text) {
  if (text.empty()) return "a name must not be empty";
  if (text.size() > 253) return "a name must be at most 253 characters";
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view part = text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
    if (std::string p = label_1123(part, "each dot-separated part of a name"); !p.empty()) return p;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return {};
}

std::string wildcard_dns1123_subdomain_problem(std::string_view text) {
  if (text.size() < 2 || text.substr(0, 2) != "*.") return "a wildcard name must start with '*.'";
  if (text.size() > 253) return "a name must be at most 253 characters";
  return dns1123_subdomain_problem(text.substr(2));
}

std::string domain_prefixed_path_problem(std::string_view text) {
  if (text.size() > 250) return "must be at most 250 characters";
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return "expected a domain-prefixed path such as example.com/controller";
  if (std::string p = dns1123_subdomain_problem(text.substr(0, slash)); !p.empty()) {
    return "the domain before '/' is invalid: " + p;
  }
  const std::string_view path = text.substr(slash + 1);
  if (path.empty()) return "the path after '/' must not be empty";
  // k8s.io/apimachinery IsDomainPrefixedPath: [A-Za-z0-9/\-._~%!$&'()*+,;=:]+
  constexpr std::string_view kPathChars = "/-._~%!$&'()*+,;=:";
  for (const char c : path) {
    if (!alnum(c) && kPathChars.find(c) == std::string_view::npos) {
      return "the path after '/' may not contain '" + std::string(1, c) + "'";
    }
  }
  return {};
}

std::string dns1035_label_problem(std::string_view text) {
  if (std::string p = label_1123(text, "a name"); !p.empty()) return p;
  if (!(text.front() >= 'a' && text.front() <= 'z')) return "a name must start with a lowercase letter";
  return {};
}

std::string label_key_problem(std::string_view text) {
  if (text.empty()) return "a key must not be empty";
  const std::size_t slash = text.find('/');
  std::string_view name = text;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = text.substr(0, slash);
    name = text.substr(slash + 1);
    if (prefix.empty()) return "the prefix before '/' must not be empty";
    if (std::string p = dns1123_subdomain_problem(prefix); !p.empty()) return "the prefix before '/' is invalid: " + p;
  }
  if (name.empty()) return "the name part must not be empty";
  return label_charset(name, "the name part");
}

std::string label_value_problem(std::string_view text) { return label_charset(text, "a label value"); }

std::string port_name_problem(std::string_view text) {
  if (text.empty()) return "must not be empty";
  if (text.size() > 15) return "must be at most 15 characters";
  bool letter = false;
  for (const char c : text) {
    if (!lower_alnum(c) && c != '-') return "may contain only lowercase letters, digits and '-'";
    letter = letter || (c >= 'a' && c <= 'z');
  }
  if (!letter) return "must contain at least one letter";
  if (text.front() == '-' || text.back() == '-') return "must not start or end with '-'";
  if (text.find("--") != std::string_view::npos) return "must not contain '--'";
  return {};
}

bool is_ip_address(std::string_view text) {
  if (text.size() > 45) return false;
  const std::string s(text);
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, s.c_str(), buffer.data()) == 1 || inet_pton(AF_INET6, s.c_str(), buffer.data()) == 1;
}

std::optional<IpCidr> parse_ip_cidr(std::string_view text, std::string* problem) {
  auto fail = [&](const std::string& why) -> std::optional<IpCidr> {
    if (problem != nullptr) *problem = why;
    return std::nullopt;
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fail("expected an address block such as 10.0.0.0/16, with a '/'");
  const std::string_view address = text.substr(0, slash);
  const std::string_view length = text.substr(slash + 1);
  if (address.size() > 45) return fail("not an IPv4 or IPv6 address block");
  const std::string addr(address);
  std::array<unsigned char, 16> buffer{};
  IpCidr out;
  out.text = std::string(text);
  int prefix = 0;
  if (inet_pton(AF_INET, addr.c_str(), buffer.data()) == 1) {
    if (!parse_prefix_length(length, 32, prefix)) return fail("the prefix length must be a number from 0 to 32");
    const auto ip = net::parse_ipv4(address);
    if (!ip) return fail("not an IPv4 address block");
    out.ipv4 = net::Cidr::containing(*ip, prefix);
    return out;
  }
  if (inet_pton(AF_INET6, addr.c_str(), buffer.data()) == 1) {
    if (!parse_prefix_length(length, 128, prefix)) return fail("the prefix length must be a number from 0 to 128");
    out.ipv6 = true;
    return out;
  }
  return fail("not an IPv4 or IPv6 address block");
}

bool strictly_inside(const IpCidr& inner, const IpCidr& outer) {
  if (inner.ipv6 != outer.ipv6) return false;
  if (!outer.ipv6) return outer.ipv4.contains(inner.ipv4) && inner.ipv4.prefix_length() > outer.ipv4.prefix_length();
  // IPv6: compare the leading bits of both networks.
  auto bits = [](const IpCidr& c, std::array<unsigned char, 16>& out, int& length) {
    const std::size_t slash = c.text.find('/');
    const std::string addr = c.text.substr(0, slash);
    length = std::stoi(c.text.substr(slash + 1));
    return inet_pton(AF_INET6, addr.c_str(), out.data()) == 1;
  };
  std::array<unsigned char, 16> a{}, b{};
  int la = 0, lb = 0;
  if (!bits(inner, a, la) || !bits(outer, b, lb) || la <= lb) return false;
  for (int i = 0; i < lb; ++i) {
    const int byte = i / 8;
    const int mask = 0x80 >> (i % 8);
    if ((a[byte] & mask) != (b[byte] & mask)) return false;
  }
  return true;
}

}  // namespace eksim::k8s::detail
