#include "eksim/sim/histogram.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>

namespace eksim::sim {

static_assert(Histogram::bucket_index(Histogram::kExactLimit - 1) == 255);
static_assert(Histogram::bucket_index(Histogram::kExactLimit) == 256);
static_assert(Histogram::bucket_index(1000) == 506);

namespace {

// 1-based nearest rank ceil(q * n), clamped to [0, n]. A product within a
// few ulps of an integer is taken as that integer: 99.9 / 100 * 1000 is
// 999.0000000000001 in binary, and the 99.9th percentile of 1000 samples
// must still be the 999th, not the 1000th.
std::uint64_t nearest_rank(double q, std::uint64_t n) {
  const double x = q * static_cast<double>(n);
  const double nearest = std::round(x);
  const double rank = std::abs(x - nearest) <= 8.0 * DBL_EPSILON * x ? nearest : std::ceil(x);
  if (rank <= 0.0) return 0;
  if (rank >= static_cast<double>(n)) return n;
  return static_cast<std::uint64_t>(rank);
}

}  // namespace

void Histogram::throw_negative(std::int64_t value) {
  throw std::invalid_argument("Histogram: negative value " + std::to_string(value));
}

void Histogram::grow_to(std::size_t index) {
  static_assert(bucket_index(std::numeric_limits<std::int64_t>::max()) + 1 == kMaxBuckets);
  // One octave of slack: growth happens once per new octave reached rather
  // than once per new bucket, yet a histogram never holds much more than
  // the range it has seen.
  if (index >= counts_.capacity()) {
    counts_.reserve(std::min(index + 1 + static_cast<std::size_t>(kSubBuckets), kMaxBuckets));
  }
  counts_.resize(index + 1, 0);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  // Other's vector may be longer than its data after a reset; only copy up
  // to its highest used bucket.
  const std::size_t top = bucket_index(other.max_);
  if (top >= counts_.size()) grow_to(top);
  for (std::size_t i = bucket_index(other.min_); i <= top; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = std::numeric_limits<std::int64_t>::max();
  max_ = 0;
  sum_ = 0;
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  return static_cast<double>(static_cast<long double>(sum_) / static_cast<long double>(count_));
}

double Histogram::stddev() const {
  if (count_ == 0) return 0.0;
  const long double mu = static_cast<long double>(sum_) / static_cast<long double>(count_);
  long double acc = 0.0L;
  for (const Bucket b : buckets()) {
    // The same representative as quantile(): midpoint clamped to the exact
    // extremes, so a histogram of one repeated value has zero spread.
    const std::int64_t rep = std::clamp(b.lower + (b.upper - b.lower + 1) / 2, min_, max_);
    const long double d = static_cast<long double>(rep) - mu;
    acc += d * d * static_cast<long double>(b.count);
  }
  return static_cast<double>(std::sqrt(acc / static_cast<long double>(count_)));
}

std::int64_t Histogram::quantile(double q) const {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw std::invalid_argument("Histogram::quantile: q must be in [0, 1], got " +
                                std::to_string(q));
  }
  if (count_ == 0) return 0;
  const std::uint64_t rank = nearest_rank(q, count_);
  // The extreme ranks are known exactly; no need to approximate them.
  if (rank <= 1) return min_;
  if (rank >= count_) return max_;
  std::uint64_t seen = 0;
  const std::size_t top = bucket_index(max_);
  for (std::size_t i = bucket_index(min_); i <= top; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_midpoint(i), min_, max_);
  }
  return max_;  // unreachable: the buckets sum to count_ >= rank
}

Histogram::BucketRange Histogram::buckets() const {
  return BucketRange(BucketIterator(&counts_, 0), BucketIterator(&counts_, counts_.size()));
}

std::int64_t Histogram::bucket_lower(std::size_t index) {
  // Inverse of bucket_index: index = shift * 128 + sub with sub in
  // [128, 256) once shift > 0, so index >> 7 is shift + 1 (or 0/1 below 256).
  const std::size_t octave = index >> kPrecisionBits;
  const std::size_t shift = octave > 0 ? octave - 1 : 0;
  const std::size_t sub = index - shift * static_cast<std::size_t>(kSubBuckets);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(sub) << shift);
}

std::int64_t Histogram::bucket_upper(std::size_t index) {
  const std::size_t octave = index >> kPrecisionBits;
  const std::size_t shift = octave > 0 ? octave - 1 : 0;
  return bucket_lower(index) + static_cast<std::int64_t>((std::uint64_t{1} << shift) - 1);
}

std::int64_t Histogram::bucket_midpoint(std::size_t index) {
  const std::size_t octave = index >> kPrecisionBits;
  const std::size_t shift = octave > 0 ? octave - 1 : 0;
  return bucket_lower(index) + static_cast<std::int64_t>((std::uint64_t{1} << shift) >> 1);
}

bool operator==(const Histogram& a, const Histogram& b) {
  if (a.count_ != b.count_ || a.min_ != b.min_ || a.max_ != b.max_ || a.sum_ != b.sum_) {
    return false;
  }
  if (a.count_ == 0) return true;
  // Equal max means equal highest used bucket; anything beyond is zero in
  // both (slack from growth or reset) and irrelevant.
  const std::size_t n = Histogram::bucket_index(a.max_) + 1;
  return std::equal(a.counts_.begin(), a.counts_.begin() + static_cast<std::ptrdiff_t>(n),
                    b.counts_.begin());
}

Histogram::BucketIterator::BucketIterator(const std::vector<std::uint64_t>* counts,
                                          std::size_t index)
    : counts_(counts), index_(index) {
  skip_empty();
}

void Histogram::BucketIterator::skip_empty() {
  while (index_ < counts_->size() && (*counts_)[index_] == 0) ++index_;
}

Histogram::Bucket Histogram::BucketIterator::operator*() const {
  return Bucket{bucket_lower(index_), bucket_upper(index_), (*counts_)[index_]};
}

Histogram::BucketIterator& Histogram::BucketIterator::operator++() {
  ++index_;
  skip_empty();
  return *this;
}

}  // namespace eksim::sim
