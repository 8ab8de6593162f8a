#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "eksim/net/cidr.hpp"
#include "eksim/net/interval_set.hpp"
#include "eksim/net/ipv4_address.hpp"

using eksim::net::Cidr;
using eksim::net::IntervalSet;
using eksim::net::Ipv4Address;
using eksim::net::parse_cidr;
using eksim::net::parse_ipv4;

namespace {

Ipv4Address ip(const char* text) {
  const auto parsed = parse_ipv4(text);
  REQUIRE(parsed);
  return *parsed;
}

Cidr cidr(const char* text) {
  const auto parsed = parse_cidr(text);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("IPv4 addresses parse to their 32-bit value and print back", "[net]") {
  CHECK(ip("10.0.0.1").value() == 0x0A000001U);
  CHECK(ip("0.0.0.0").value() == 0U);
  CHECK(ip("255.255.255.255").value() == 0xFFFFFFFFU);
  CHECK(ip("192.168.1.20") == Ipv4Address::from_octets(192, 168, 1, 20));
  CHECK(ip("100.64.0.10").octet(1) == 64);
  for (const char* text : {"10.0.0.1", "0.0.0.0", "255.255.255.255", "172.31.255.0", "1.2.3.4"}) {
    CHECK(ip(text).to_string() == text);
    CHECK(eksim::net::format_ipv4(ip(text)) == text);
  }
}

TEST_CASE("malformed IPv4 addresses are rejected with a reason", "[net]") {
  const std::vector<std::string> bad = {"",
                                        "10.0.0",
                                        "10.0.0.0.1",
                                        "10.0.0.256",
                                        "010.0.0.1",
                                        "10.0.0.01",
                                        "10.0.0.1 ",
                                        " 10.0.0.1",
                                        "10..0.1",
                                        "a.b.c.d",
                                        "10.0.0.-1",
                                        "+10.0.0.1",
                                        "10.0.0.1/32",
                                        "1e1.0.0.1",
                                        "0x0A.0.0.1",
                                        "1234.0.0.1",
                                        "10.0.0.",
                                        ".10.0.0.1",
                                        "10.0.0.1.",
                                        "10,0,0,1",
                                        "4294967295",
                                        "10.0.0.1\n",
                                        std::string("10.0.0.1\0", 9),
                                        "10.0.0.0001"};
  for (const auto& text : bad) {
    std::string error;
    CAPTURE(text);
    CHECK_FALSE(parse_ipv4(text, &error));
    CHECK_FALSE(error.empty());
  }
  std::string error;
  CHECK_FALSE(parse_ipv4("10.0.0.256", &error));
  CHECK(error == "IPv4 address '10.0.0.256': octet 4 is 256, above 255");
  CHECK_FALSE(parse_ipv4("10.0.0", &error));
  CHECK(error == "IPv4 address '10.0.0' has 3 octet(s); expected four, as in 10.0.0.1");
  CHECK_FALSE(parse_ipv4("010.0.0.1", &error));
  CHECK(error.find("leading zero") != std::string::npos);
  // Control bytes are escaped so the message is safe to print.
  CHECK_FALSE(parse_ipv4("10.0.0.1\x1b[2J", &error));
  CHECK(error.find("\\x1b") != std::string::npos);
  CHECK(error.find('\x1b') == std::string::npos);
}

TEST_CASE("CIDR blocks parse strictly and expose their range", "[net]") {
  const Cidr vpc = cidr("10.0.0.0/16");
  CHECK(vpc.network() == ip("10.0.0.0"));
  CHECK(vpc.prefix_length() == 16);
  CHECK(vpc.netmask() == 0xFFFF0000U);
  CHECK(vpc.first() == ip("10.0.0.0"));
  CHECK(vpc.last() == ip("10.0.255.255"));
  CHECK(vpc.size() == 65536);
  CHECK(vpc.to_string() == "10.0.0.0/16");

  const Cidr all = cidr("0.0.0.0/0");
  CHECK(all.size() == 4294967296ULL);
  CHECK(all.last() == ip("255.255.255.255"));
  CHECK(all == Cidr());

  const Cidr host = cidr("10.1.2.3/32");
  CHECK(host.size() == 1);
  CHECK(host.first() == host.last());

  CHECK(cidr("10.0.0.0/28").size() == 16);  // one prefix-delegation block
  CHECK(cidr("100.64.0.0/10").last() == ip("100.127.255.255"));
}

TEST_CASE("a CIDR with host bits set names the network that was meant", "[net]") {
  std::string error;
  CHECK_FALSE(parse_cidr("10.0.0.1/16", &error));
  CHECK(error == "10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?");
  CHECK_FALSE(parse_cidr("192.168.1.130/25", &error));
  CHECK(error == "192.168.1.130/25 has host bits set; did you mean 192.168.1.128/25?");
  CHECK_FALSE(Cidr::make(ip("10.0.0.1"), 31, &error));
  CHECK(error == "10.0.0.1/31 has host bits set; did you mean 10.0.0.0/31?");
  CHECK_FALSE(Cidr::make(ip("10.0.0.0"), 33, &error));
  CHECK_FALSE(Cidr::make(ip("10.0.0.0"), -1, &error));
  CHECK(Cidr::make(ip("10.0.0.0"), 8));
}

TEST_CASE("malformed CIDR blocks are rejected with a reason", "[net]") {
  const std::vector<std::string> bad = {"",
                                        "10.0.0.0",
                                        "10.0.0.0/",
                                        "10.0.0.0/33",
                                        "10.0.0.0/016",
                                        "10.0.0.0/ 16",
                                        "10.0.0.0/-1",
                                        "10.0.0.0/16/",
                                        "/16",
                                        "10.0.0/16",
                                        "10.0.0.0/1a",
                                        "10.0.0.0/100",
                                        "10.0.0.0//16",
                                        "10.0.0.0/+8",
                                        "10.0.0.0 /16",
                                        "10.0.0.256/24",
                                        "10.0.0.0/16 "};
  for (const auto& text : bad) {
    std::string error;
    CAPTURE(text);
    CHECK_FALSE(parse_cidr(text, &error));
    CHECK_FALSE(error.empty());
  }
  std::string error;
  CHECK_FALSE(parse_cidr("10.0.0.0", &error));
  CHECK(error.find("no prefix length") != std::string::npos);
  CHECK_FALSE(parse_cidr("10.0.0.0/33", &error));
  CHECK(error.find("above 32") != std::string::npos);
  CHECK(parse_cidr("10.0.0.0/0") == std::nullopt);  // host bits set for /0
  CHECK(parse_cidr("0.0.0.0/0"));
  CHECK(parse_cidr("10.0.0.0/8"));
}

TEST_CASE("CIDR containment and overlap", "[net]") {
  const Cidr vpc = cidr("10.0.0.0/16");
  CHECK(vpc.contains(ip("10.0.0.0")));
  CHECK(vpc.contains(ip("10.0.255.255")));
  CHECK_FALSE(vpc.contains(ip("10.1.0.0")));
  CHECK_FALSE(vpc.contains(ip("9.255.255.255")));

  CHECK(vpc.contains(cidr("10.0.16.0/20")));
  CHECK(vpc.contains(vpc));
  CHECK_FALSE(vpc.contains(cidr("10.0.0.0/8")));
  CHECK_FALSE(vpc.contains(cidr("10.1.0.0/20")));

  CHECK(vpc.overlaps(cidr("10.0.0.0/8")));
  CHECK(cidr("10.0.0.0/8").overlaps(vpc));
  CHECK(cidr("10.0.0.0/20").overlaps(cidr("10.0.15.0/24")));
  CHECK_FALSE(cidr("10.0.0.0/20").overlaps(cidr("10.0.16.0/20")));
  CHECK_FALSE(cidr("100.64.0.0/10").overlaps(cidr("100.128.0.0/16")));
  CHECK(Cidr().contains(cidr("203.0.113.0/24")));

  CHECK(Cidr::containing(ip("10.0.37.9"), 20) == cidr("10.0.32.0/20"));
  CHECK(Cidr::containing(ip("10.0.37.9"), 40) == cidr("10.0.37.9/32"));
  CHECK(Cidr::containing(ip("10.0.37.9"), -3) == cidr("0.0.0.0/0"));

  // Supernets sort before their subnets, then by address.
  CHECK(cidr("10.0.0.0/8") < cidr("10.0.0.0/16"));
  CHECK(cidr("10.0.0.0/16") < cidr("10.1.0.0/16"));
}

TEST_CASE("parsers survive arbitrary bytes", "[net]") {
  // A cheap stand-in until the libFuzzer targets run: random short inputs
  // drawn mostly from the characters that matter.
  std::mt19937 rng(20240611);
  const std::string alphabet(
      "0123456789./ -+x\n\0\xff"
      "a",
      20);
  std::uniform_int_distribution<std::size_t> length(0, 24);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const std::size_t n = length(rng);
    for (std::size_t k = 0; k < n; ++k) text.push_back(alphabet[pick(rng)]);
    std::string error;
    if (const auto address = parse_ipv4(text, &error)) {
      CHECK(address->to_string() == text);  // only canonical text is accepted
    } else {
      CHECK_FALSE(error.empty());
    }
    if (const auto block = parse_cidr(text, &error)) {
      CHECK(block->to_string() == text);
    } else {
      CHECK_FALSE(error.empty());
    }
  }
}

TEST_CASE("interval sets merge, split and count", "[net]") {
  IntervalSet set;
  set.insert(10, 19);
  set.insert(20, 29);  // touches: merges
  set.insert(40, 49);
  CHECK(set.range_count() == 2);
  CHECK(set.size() == 30);
  CHECK(set.contains(10));
  CHECK(set.contains(29));
  CHECK_FALSE(set.contains(30));
  CHECK(set.contains(10, 29));
  CHECK_FALSE(set.contains(25, 45));
  CHECK(set.intersects(25, 45));
  CHECK_FALSE(set.intersects(30, 39));

  set.insert(25, 42);  // bridges both ranges
  CHECK(set.ranges() == std::vector<IntervalSet::Range>{{10, 49}});
  CHECK(set.size() == 40);

  set.erase(20, 24);
  set.erase(45);
  CHECK(set.ranges() == std::vector<IntervalSet::Range>{{10, 19}, {25, 44}, {46, 49}});
  CHECK(set.size() == 34);

  set.erase(0, 100);
  CHECK(set.empty());
  CHECK(set.size() == 0);

  set.insert(5, 3);  // inverted: ignored
  CHECK(set.empty());

  // The ends of the address space need no special handling.
  set.insert(0xFFFFFFF0U, 0xFFFFFFFFU);
  set.insert(0, 0);
  CHECK(set.size() == 17);
  CHECK(set.contains(0xFFFFFFFFU));
  set.insert(0, 0xFFFFFFFFU);
  CHECK(set.size() == 4294967296ULL);
  CHECK(set.range_count() == 1);
  set.erase(0xFFFFFFFFU);
  set.erase(0);
  CHECK(set.size() == 4294967294ULL);

  std::vector<IntervalSet::Range> seen;
  for (const auto range : set) seen.push_back(range);
  CHECK(seen == std::vector<IntervalSet::Range>{{1, 0xFFFFFFFEU}});
}

TEST_CASE("aligned free blocks: where EC2 can carve a /28 prefix", "[net]") {
  // Subnet 10.0.0.0/24. AWS reserves .0-.3 and .255; ENI primaries and
  // secondary IPs took .4-.20.
  const std::uint32_t base = ip("10.0.0.0").value();
  const IntervalSet::Range subnet{base, base + 255};
  IntervalSet used;
  used.insert(base + 0, base + 3);
  used.insert(base + 255);
  used.insert(base + 4, base + 20);
  // /28 blocks start at .0, .16, .32...: .0 and .16 hold used addresses, so .32.
  CHECK(used.find_free_aligned_block(4, subnet) == base + 32);
  // Blocks .32 ... .224 are free (13 of them); .240 holds .255.
  CHECK(used.count_free_aligned_blocks(4, subnet) == 13);
  // A /27 needs 32 aligned addresses: .32-.63.
  CHECK(used.find_free_aligned_block(5, subnet) == base + 32);
  // A single address: .21.
  CHECK(used.find_free_aligned_block(0, subnet) == base + 21);

  // Free .16-.31 is found even though .40 is taken later on.
  IntervalSet sparse;
  sparse.insert(base + 0, base + 3);
  sparse.insert(base + 40);
  sparse.insert(base + 255);
  CHECK(sparse.find_free_aligned_block(4, subnet) == base + 16);
  CHECK(sparse.count_free_aligned_blocks(4, subnet) == 13);  // .16 and .48-.224

  // Fragmentation: one used address in every /28 leaves 224 free addresses
  // and no prefix at all, the InsufficientCidrBlocks case.
  IntervalSet fragmented;
  for (std::uint32_t block = 0; block < 256; block += 16) fragmented.insert(base + block + 8);
  CHECK(subnet.size() - fragmented.size() == 240);
  CHECK(fragmented.find_free_aligned_block(4, subnet) == std::nullopt);
  CHECK(fragmented.count_free_aligned_blocks(4, subnet) == 0);
  CHECK(fragmented.find_free_aligned_block(3, subnet) == base);

  // The search respects the window: a window that is not itself aligned.
  CHECK(IntervalSet().find_free_aligned_block(4, {base + 1, base + 31}) == base + 16);
  CHECK(IntervalSet().find_free_aligned_block(4, {base + 1, base + 30}) == std::nullopt);
  CHECK(IntervalSet().find_free_aligned_block(4, {base + 20, base + 10}) == std::nullopt);
  // The whole address space as one block.
  CHECK(IntervalSet().find_free_aligned_block(32, {0, 0xFFFFFFFFU}) == 0U);
  CHECK(IntervalSet().count_free_aligned_blocks(32, {0, 0xFFFFFFFFU}) == 1);
  CHECK(IntervalSet().find_free_aligned_block(33, {0, 0xFFFFFFFFU}) == std::nullopt);
  CHECK(IntervalSet().count_free_aligned_blocks(28, {0, 0xFFFFFFFFU}) == 16);
  // Last block of the space.
  IntervalSet low;
  low.insert(0, 0xFFFFFFEFU);
  CHECK(low.find_free_aligned_block(4, {0, 0xFFFFFFFFU}) == 0xFFFFFFF0U);
  CHECK(low.gaps({0, 0xFFFFFFFFU}) == std::vector<IntervalSet::Range>{{0xFFFFFFF0U, 0xFFFFFFFFU}});
}

TEST_CASE("interval set agrees with a bitmap under random edits", "[net]") {
  constexpr std::uint32_t kSpace = 512;
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> point(0, kSpace - 1);
  std::uniform_int_distribution<std::uint32_t> span(0, 40);
  std::bernoulli_distribution add(0.55);
  IntervalSet set;
  std::vector<bool> bits(kSpace, false);
  for (int step = 0; step < 3000; ++step) {
    const std::uint32_t first = point(rng);
    const std::uint32_t last = std::min(kSpace - 1, first + span(rng));
    if (add(rng)) {
      set.insert(first, last);
      for (std::uint32_t v = first; v <= last; ++v) bits[v] = true;
    } else {
      set.erase(first, last);
      for (std::uint32_t v = first; v <= last; ++v) bits[v] = false;
    }
    if (step % 50 != 0) continue;

    std::uint64_t count = 0;
    for (std::uint32_t v = 0; v < kSpace; ++v) {
      count += bits[v] ? 1 : 0;
      REQUIRE(set.contains(v) == bits[v]);
    }
    REQUIRE(set.size() == count);
    // Ranges are maximal: no two touch.
    const auto ranges = set.ranges();
    for (std::size_t i = 1; i < ranges.size(); ++i) REQUIRE(ranges[i].first > ranges[i - 1].last + 1);

    const IntervalSet::Range window{point(rng) / 2, kSpace - 1 - point(rng) / 2};
    for (unsigned k = 0; k <= 5; ++k) {
      const std::uint32_t block = 1U << k;
      std::optional<std::uint32_t> expected;
      std::uint64_t expected_count = 0;
      for (std::uint32_t s = 0; s + block - 1 < kSpace; s += block) {
        if (s < window.first || s + block - 1 > window.last) continue;
        bool free = true;
        for (std::uint32_t v = s; v < s + block; ++v) free = free && !bits[v];
        if (free) {
          if (!expected) expected = s;
          ++expected_count;
        }
      }
      CAPTURE(k, window.first, window.last);
      REQUIRE(set.find_free_aligned_block(k, window) == expected);
      REQUIRE(set.count_free_aligned_blocks(k, window) == expected_count);
    }
  }
}
