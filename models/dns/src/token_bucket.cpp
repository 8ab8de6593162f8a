#include "eksim/dns/token_bucket.hpp"

#include <algorithm>
#include <stdexcept>

namespace eksim::dns {

TokenBucket::TokenBucket(std::int64_t rate_per_second, std::int64_t burst)
    : rate_(rate_per_second), capacity_(burst * kScale), level_(burst * kScale) {
  if (rate_per_second <= 0 || burst <= 0) throw std::invalid_argument("token bucket: rate and burst must be positive");
}

bool TokenBucket::take(sim::Time now) {
  // Refill: rate tokens per second = rate token units per ns, since a token
  // is kScale units and a second kScale ns. Cap the elapsed time first so the
  // product cannot overflow.
  const std::int64_t elapsed = std::min((now - last_).count(), capacity_ / rate_ + 1);
  last_ = now;
  level_ = std::min(capacity_, level_ + elapsed * rate_);
  if (level_ >= kScale) {
    level_ -= kScale;
    ++passed_;
    return true;
  }
  ++dropped_;
  return false;
}

}  // namespace eksim::dns
