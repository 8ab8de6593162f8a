// Random streams: one independent generator per (seed, replication, entity, stream).
//
// A stream's key is a hash of stable names, never of creation order or of an
// address, so adding an entity or creating entities in another order leaves
// every other stream's numbers unchanged. The generator is xoshiro256++
// (Blackman & Vigna), seeded from the key through SplitMix64 as its authors
// recommend. Distributions are implemented here rather than taken from
// <random>, whose algorithms differ between standard libraries.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "eksim/sim/detail/ziggurat_tables.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::sim {

// 64-bit FNV-1a followed by the SplitMix64 finaliser: stable across runs,
// machines and compilers (unlike std::hash).
std::uint64_t stable_hash(std::string_view text, std::uint64_t salt = 0);

// Derives the key of the stream `stream` of entity `entity` in replication
// `replication` of a run seeded with `seed`.
std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replication, std::string_view entity,
                         std::string_view stream);

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t key);
  RandomStream(std::uint64_t seed, std::uint64_t replication, std::string_view entity,
               std::string_view stream)
      : RandomStream(stream_key(seed, replication, entity, stream)) {}

  // Exact generator state, for known-answer tests and checkpoints.
  static RandomStream from_state(const std::array<std::uint64_t, 4>& state) {
    RandomStream r(0);
    for (int i = 0; i < 4; ++i) r.s_[i] = state[static_cast<std::size_t>(i)];
    return r;
  }
  [[nodiscard]] std::array<std::uint64_t, 4> state() const { return {s_[0], s_[1], s_[2], s_[3]}; }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer on [0, n), n > 0, without modulo bias (Lemire 2019).
  std::uint64_t uniform_below(std::uint64_t n);

  // Standard exponential (mean 1) by the ziggurat method (Marsaglia & Tsang
  // 2000): one 64-bit draw and a table lookup in ~99% of calls, against a
  // logarithm per sample by inversion. The draws consumed depend only on the
  // stream, never on the mean, so changing a mean between runs keeps every
  // later draw of the stream aligned.
  double standard_exponential() {
    // The common case, inline: one draw, one table lookup, one comparison.
    const std::uint64_t bits = next_u64();
    const std::size_t i = bits & 0xFF;
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * detail::kExpZigguratX[i];
    if (x < detail::kExpZigguratX[i + 1]) [[likely]] return x;
    return exponential_edge(i, x);
  }

  // Exponential with the given mean.
  double exponential(double mean) { return mean * standard_exponential(); }

  // Exponential delay rounded to whole nanoseconds.
  Time exponential(Time mean) {
    return Time::ns(static_cast<std::int64_t>(static_cast<double>(mean.count()) * standard_exponential() + 0.5));
  }

  // Standard normal by the Box-Muller transform (two uniforms per sample,
  // no cached spare, so each call consumes a fixed amount of the stream).
  double normal();
  // Log-normal: exp(mu + sigma * N(0,1)).
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  // Pareto (type I) with scale x_m > 0 and shape alpha > 0.
  double pareto(double x_m, double alpha) { return x_m / std::pow(1.0 - uniform01(), 1.0 / alpha); }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // The ziggurat's rare cases: the tail, the wedges, and rejections.
  double exponential_edge(std::size_t layer, double x);
  std::uint64_t s_[4];
};

}  // namespace eksim::sim
