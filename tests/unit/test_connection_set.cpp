// ConnectionSet against a plain bitmap of (protocol, port): every operation
// of random sets must agree with the same operation done port by port.
#include <bitset>
#include <catch2/catch.hpp>
#include <random>

#include "eksim/reach/connection_set.hpp"

namespace {

using eksim::k8s::Protocol;
using eksim::reach::ConnectionSet;

constexpr std::size_t kPorts = 65536;
using Bitmap = std::array<std::bitset<kPorts>, 3>;

Bitmap bitmap_of(const ConnectionSet& s) {
  Bitmap b;
  for (int p = 0; p < 3; ++p) {
    for (unsigned port = 1; port < kPorts; ++port) {
      if (s.contains(static_cast<Protocol>(p), static_cast<std::uint16_t>(port))) b[p].set(port);
    }
  }
  return b;
}

// A random set of a few spans, built with |, and its bitmap built port by port.
std::pair<ConnectionSet, Bitmap> random_set(std::mt19937& rng) {
  ConnectionSet s;
  Bitmap b;
  const int spans = std::uniform_int_distribution<int>(0, 6)(rng);
  for (int i = 0; i < spans; ++i) {
    const auto p = static_cast<Protocol>(std::uniform_int_distribution<int>(0, 2)(rng));
    // Ports cluster near a few values so that spans touch and overlap often.
    const int base = std::uniform_int_distribution<int>(0, 3)(rng) * 20000 + 1;
    const int first = base + std::uniform_int_distribution<int>(0, 60)(rng);
    const int last = std::min(65535, first + std::uniform_int_distribution<int>(0, 40)(rng));
    s |= ConnectionSet::of(p, static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(last));
    for (int port = first; port <= last; ++port) b[static_cast<int>(p)].set(static_cast<std::size_t>(port));
  }
  return {s, b};
}

}  // namespace

TEST_CASE("ConnectionSet set algebra agrees with a port-by-port bitmap", "[reach]") {
  std::mt19937 rng(20261126);
  for (int round = 0; round < 60; ++round) {
    const auto [a, ba] = random_set(rng);
    const auto [b, bb] = random_set(rng);
    REQUIRE(bitmap_of(a) == ba);
    Bitmap u, n, d;
    for (int p = 0; p < 3; ++p) {
      u[p] = ba[p] | bb[p];
      n[p] = ba[p] & bb[p];
      d[p] = ba[p] & ~bb[p];
    }
    CHECK(bitmap_of(a | b) == u);
    CHECK(bitmap_of(a & b) == n);
    CHECK(bitmap_of(a - b) == d);
    const bool subset = (d[0].none() && d[1].none() && d[2].none());
    CHECK(b.includes(a) == subset);
    // Equal sets are equal values, however they were built.
    CHECK(((a | b) - b | (a & b)) == a);
  }
}

TEST_CASE("ConnectionSet prints DESIGN.md's reach notation", "[reach]") {
  CHECK(ConnectionSet::all().to_string() == "All Connections");
  CHECK(ConnectionSet().to_string() == "No Connections");
  const ConnectionSet web = ConnectionSet::of(Protocol::Tcp, 8080) | ConnectionSet::of(Protocol::Udp, 53);
  CHECK(web.to_string() == "TCP 8080,UDP 53");
  // Touching spans merge; a whole protocol prints without ports.
  const ConnectionSet merged = ConnectionSet::of(Protocol::Tcp, 80, 81) | ConnectionSet::of(Protocol::Tcp, 82, 90) |
                               ConnectionSet::all_of(Protocol::Sctp);
  CHECK(merged.to_string() == "TCP 80-90,SCTP");
  CHECK((ConnectionSet::all() - ConnectionSet::of(Protocol::Tcp, 1, 1023)).to_string() == "TCP 1024-65535,UDP,SCTP");
}
