// A token bucket in integer arithmetic: `rate` tokens per second, at most
// `burst` held, one token per packet; a packet that finds no token is
// dropped. Used for the Route 53 Resolver's limit of 1,024 packets per second
// per network interface (aws-eks-facts.md 2.5). AWS does not publish how the
// limit handles bursts; the model lets a quiet interface send one second's
// worth (1,024 packets) at once, the usual reading of a per-second allowance
// and consistent with Stripe's measured 1,023 replies/s at saturation.
// See docs/dns.md.
#pragma once

#include <cstdint>

#include "eksim/sim/time.hpp"

namespace eksim::dns {

class TokenBucket {
 public:
  TokenBucket(std::int64_t rate_per_second, std::int64_t burst);
  // Takes a token at `now` (non-decreasing across calls) if one is there.
  bool take(sim::Time now);
  [[nodiscard]] std::uint64_t passed() const { return passed_; }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  static constexpr std::int64_t kScale = 1'000'000'000;  // token units per token: one per ns of refill
  std::int64_t rate_;
  std::int64_t capacity_;  // burst x kScale
  std::int64_t level_;     // token units held
  sim::Time last_{};
  std::uint64_t passed_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace eksim::dns
