#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "eksim/sim/random.hpp"

using eksim::sim::RandomStream;
using eksim::sim::Time;

TEST_CASE("seeding follows SplitMix64 and output follows xoshiro256++", "[random]") {
  // Published SplitMix64 outputs for seed 0 (Vigna's splitmix64.c).
  const RandomStream zero(0);
  CHECK(zero.state() == std::array<std::uint64_t, 4>{0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
                                                     0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL});
  // xoshiro256++ by hand from state {1,2,3,4}: rotl(1 + 4, 23) + 1.
  auto r = RandomStream::from_state({1, 2, 3, 4});
  CHECK(r.next_u64() == (5ULL << 23) + 1);
  // Second output, state after one step is {7, 0, 262146, 211106232532992}:
  // rotl(7 + 211106232532992, 23) + 7.
  const std::uint64_t x = 7ULL + 211106232532992ULL;
  CHECK(r.next_u64() == ((x << 23) | (x >> 41)) + 7);
}

TEST_CASE("a stream depends on names, not on the order streams are created", "[random]") {
  const std::vector<std::string> entities{"web/frontend", "web/cart", "kube-system/coredns-0"};
  auto draw = [](const std::string& entity) {
    RandomStream s(42, 3, entity, "arrivals");
    std::vector<std::uint64_t> v;
    for (int i = 0; i < 16; ++i) v.push_back(s.next_u64());
    return v;
  };
  std::map<std::string, std::vector<std::uint64_t>> forward;
  for (const auto& e : entities) forward[e] = draw(e);
  std::map<std::string, std::vector<std::uint64_t>> backward;
  for (auto it = entities.rbegin(); it != entities.rend(); ++it) backward[*it] = draw(*it);
  CHECK(forward == backward);
  // And the streams differ from each other, by replication and by stream name.
  CHECK(forward["web/frontend"] != forward["web/cart"]);
  CHECK(RandomStream(42, 3, "web/cart", "arrivals").next_u64() !=
        RandomStream(42, 4, "web/cart", "arrivals").next_u64());
  CHECK(RandomStream(42, 3, "web/cart", "arrivals").next_u64() !=
        RandomStream(42, 3, "web/cart", "service").next_u64());
  CHECK(RandomStream(42, 3, "ab", "c").next_u64() != RandomStream(42, 3, "a", "bc").next_u64());
}

TEST_CASE("distributions have their textbook moments", "[random]") {
  RandomStream r(1, 0, "moments", "x");
  constexpr int kN = 400'000;
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < kN; ++i) {
    const double v = r.exponential(2.0);
    sum += v;
    sum_sq += v * v;
  }
  // Exp(mean 2): mean 2, variance 4; the standard error of the mean is 2/sqrt(N) ~ 0.003.
  CHECK(sum / kN == Approx(2.0).margin(0.02));
  CHECK(sum_sq / kN - (sum / kN) * (sum / kN) == Approx(4.0).epsilon(0.03));

  sum = sum_sq = 0;
  for (int i = 0; i < kN; ++i) {
    const double v = r.normal();
    sum += v;
    sum_sq += v * v;
  }
  CHECK(sum / kN == Approx(0.0).margin(0.01));
  CHECK(sum_sq / kN == Approx(1.0).epsilon(0.01));

  // Log-normal median is exp(mu); Pareto(x_m, alpha) median is x_m * 2^(1/alpha).
  std::vector<double> ln, pa;
  for (int i = 0; i < 100'001; ++i) {
    ln.push_back(r.lognormal(1.0, 0.5));
    pa.push_back(r.pareto(3.0, 2.0));
  }
  std::nth_element(ln.begin(), ln.begin() + 50'000, ln.end());
  std::nth_element(pa.begin(), pa.begin() + 50'000, pa.end());
  CHECK(ln[50'000] == Approx(std::exp(1.0)).epsilon(0.01));
  CHECK(pa[50'000] == Approx(3.0 * std::sqrt(2.0)).epsilon(0.01));

  // uniform_below is unbiased: each of 6 faces ~1/6.
  std::array<int, 6> faces{};
  for (int i = 0; i < 600'000; ++i) ++faces[r.uniform_below(6)];
  for (int f : faces) CHECK(f == Approx(100'000).epsilon(0.01));

  // Exponential delays in whole nanoseconds keep the mean.
  double total = 0;
  for (int i = 0; i < kN; ++i) total += static_cast<double>(r.exponential(Time::us(1)).count());
  CHECK(total / kN == Approx(1'000.0).epsilon(0.01));
}

TEST_CASE("the exponential ziggurat has the right tail", "[random]") {
  // P(X > t) = exp(-t): checked in the body, past the wedges, and beyond the
  // ziggurat's base layer (R = 7.697), where only the tail path can reach.
  RandomStream r(5, 0, "ziggurat", "tail");
  constexpr int kN = 2'000'000;
  int above1 = 0;
  int above3 = 0;
  int above8 = 0;
  for (int i = 0; i < kN; ++i) {
    const double v = r.standard_exponential();
    above1 += v > 1.0;
    above3 += v > 3.0;
    above8 += v > 8.0;
  }
  // Binomial standard deviations: 680, 308 and 26 samples; allow 4 of them.
  CHECK(std::abs(above1 - kN * std::exp(-1.0)) < 4 * 680);
  CHECK(std::abs(above3 - kN * std::exp(-3.0)) < 4 * 308);
  CHECK(std::abs(above8 - kN * std::exp(-8.0)) < 4 * 26);
}
