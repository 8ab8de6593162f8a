#include "eksim/sim/random.hpp"

#include <numbers>

namespace eksim::sim {
namespace {

constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit integer.
__extension__ using Uint128 = unsigned __int128;

}  // namespace

std::uint64_t stable_hash(std::string_view text, std::uint64_t salt) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ splitmix64_mix(salt + kGolden);
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  // Length is mixed in so ("ab","c") and ("a","bc") give different keys below.
  return splitmix64_mix(h + text.size());
}

std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replication, std::string_view entity,
                         std::string_view stream) {
  std::uint64_t k = splitmix64_mix(seed + kGolden);
  k = splitmix64_mix(k ^ (replication + 0x632be59bd9b4e019ULL));
  k = stable_hash(entity, k);
  return stable_hash(stream, k);
}

RandomStream::RandomStream(std::uint64_t key) {
  std::uint64_t x = key;
  for (auto& word : s_) {
    x += kGolden;
    word = splitmix64_mix(x);
  }
}

std::uint64_t RandomStream::uniform_below(std::uint64_t n) {
  Uint128 m = static_cast<Uint128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double RandomStream::exponential_edge(std::size_t layer, double x) {
  using detail::kExpZigguratF;
  using detail::kExpZigguratX;
  for (;;) {
    if (layer == 0) {
      // The tail beyond R: exponential is memoryless, so R + Exp(1).
      return detail::kExpZigguratR - std::log1p(-uniform01());
    }
    // In the wedge between the layer's rectangle and the curve.
    if (kExpZigguratF[layer + 1] + uniform01() * (kExpZigguratF[layer] - kExpZigguratF[layer + 1]) < std::exp(-x)) {
      return x;
    }
    // Rejected: draw again, exactly as the inline fast path does.
    const std::uint64_t bits = next_u64();
    layer = bits & 0xFF;
    x = static_cast<double>(bits >> 11) * 0x1.0p-53 * kExpZigguratX[layer];
    if (x < kExpZigguratX[layer + 1]) return x;
  }
}

double RandomStream::normal() {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const double u1 = 1.0 - uniform01();
  const double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace eksim::sim
