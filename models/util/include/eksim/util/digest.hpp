// SHA-1 and SHA-256 (FIPS 180-4) with hex and RFC 4648 base32 encodings.
// Names that real components derive from hashes (kube-proxy's chain names,
// the VPC CNI's host-side veth names) are reproduced with these, so eksim's
// views print the names a node would show. Not for security.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace eksim::util {

std::array<std::uint8_t, 20> sha1(std::string_view data);
std::array<std::uint8_t, 32> sha256(std::string_view data);

// Lower-case hex of every byte.
std::string hex(const std::uint8_t* data, std::size_t size);
template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& bytes) {
  return hex(bytes.data(), N);
}

// RFC 4648 section 6 base32 (alphabet A-Z 2-7) with '=' padding, as Go's
// base32.StdEncoding.
std::string base32(const std::uint8_t* data, std::size_t size);
template <std::size_t N>
std::string base32(const std::array<std::uint8_t, N>& bytes) {
  return base32(bytes.data(), N);
}

}  // namespace eksim::util
