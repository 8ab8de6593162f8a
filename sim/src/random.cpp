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

namespace {

// Ziggurat tables for exp(-x): 256 layers of equal area kV, the base layer
// holding the tail beyond kR (Marsaglia & Tsang 2000, table constants for
// N = 256). x_[i] is the right edge of layer i, f_[i] = exp(-x_[i]).
struct ExponentialZiggurat {
  static constexpr double kR = 7.69711747013104972;
  static constexpr double kV = 0.0039496598225815571993;
  double x[257];
  double f[257];
  ExponentialZiggurat() {
    x[0] = kV / std::exp(-kR);
    x[1] = kR;
    for (int i = 1; i < 256; ++i) x[i + 1] = -std::log(kV / x[i] + std::exp(-x[i]));
    x[256] = 0.0;
    for (int i = 0; i <= 256; ++i) f[i] = std::exp(-x[i]);
  }
};
const ExponentialZiggurat kExpZiggurat;

}  // namespace

double RandomStream::standard_exponential() {
  const ExponentialZiggurat& z = kExpZiggurat;
  for (;;) {
    const std::uint64_t bits = next_u64();
    const std::size_t i = bits & 0xFF;
    const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;
    const double x = u * z.x[i];
    if (x < z.x[i + 1]) return x;  // inside the layer above: under the curve
    if (i == 0) {
      // The tail beyond kR: exponential is memoryless, so kR + Exp(1).
      return ExponentialZiggurat::kR - std::log1p(-uniform01());
    }
    // In the wedge between the layer's rectangle and the curve.
    if (z.f[i + 1] + uniform01() * (z.f[i] - z.f[i + 1]) < std::exp(-x)) return x;
  }
}

double RandomStream::normal() {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const double u1 = 1.0 - uniform01();
  const double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace eksim::sim
