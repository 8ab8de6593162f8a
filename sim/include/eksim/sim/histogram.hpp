// Log-linear histogram of non-negative 64-bit integers (latencies in ns),
// in the style of HdrHistogram with 7 bits of sub-bucket precision.
//
// Layout. Values below 2^8 = 256 get a bucket each (exact). Above that, each
// octave [2^e, 2^(e+1)), e >= 8, is split into 2^7 = 128 equal buckets of
// width 2^(e-7). A bucket [L, L + w) above 256 therefore has L >= 128 w.
//
// Error bound. Quantiles report the midpoint L + w/2 of the bucket holding
// the sample of the requested rank, clamped to [min, max]. For any value v in
// that bucket, |reported - v| <= w/2 <= L/256 <= v/256, i.e. a relative error
// of at most 1/256 (about 0.39%), and zero below 256. count, min, max and the
// sum (hence the mean) are exact; stddev is computed from bucket midpoints
// around the exact mean, as HdrHistogram does, so it carries the same
// per-sample error.
//
// Memory. The count vector grows only to the highest bucket used: latencies
// up to 5 ms need about 2,100 buckets (17 KB), up to 1 s about 3,100 (24 KB),
// not the 7,296 (58 KB) that the full int64 range would.
//
// Merging is exact: merging A and B yields a histogram equal (operator==) to
// one that recorded both sample sets, so replications can be pooled.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <vector>

#include "eksim/sim/time.hpp"

namespace eksim::sim {

class Histogram {
 public:
  // Sub-bucket precision in bits: each octave above 2^(kPrecisionBits+1)
  // holds 2^kPrecisionBits buckets.
  static constexpr int kPrecisionBits = 7;
  static constexpr std::int64_t kSubBuckets = std::int64_t{1} << kPrecisionBits;  // 128
  // Values below this are recorded exactly.
  static constexpr std::int64_t kExactLimit = 2 * kSubBuckets;  // 256

  // One bucket, for CDF plots and exporters. Bounds are inclusive so the top
  // bucket (whose exclusive end would be 2^63) stays representable.
  struct Bucket {
    std::int64_t lower;  // smallest value mapped to this bucket
    std::int64_t upper;  // largest value mapped to this bucket
    std::uint64_t count;
    friend bool operator==(const Bucket&, const Bucket&) = default;
  };

  // Forward range over the non-empty buckets in increasing value order.
  class BucketIterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Bucket;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Bucket;

    BucketIterator() = default;
    Bucket operator*() const;
    BucketIterator& operator++();
    BucketIterator operator++(int) {
      BucketIterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const BucketIterator& a, const BucketIterator& b) {
      return a.index_ == b.index_;
    }

   private:
    friend class Histogram;
    BucketIterator(const std::vector<std::uint64_t>* counts, std::size_t index);
    void skip_empty();
    const std::vector<std::uint64_t>* counts_ = nullptr;
    std::size_t index_ = 0;
  };

  class BucketRange {
   public:
    [[nodiscard]] BucketIterator begin() const { return begin_; }
    [[nodiscard]] BucketIterator end() const { return end_; }

   private:
    friend class Histogram;
    BucketRange(BucketIterator b, BucketIterator e) : begin_(b), end_(e) {}
    BucketIterator begin_;
    BucketIterator end_;
  };

  Histogram() = default;

  // Records one value. Negative values throw std::invalid_argument: a
  // negative latency means a bug in the simulator, not data to keep.
  void record(std::int64_t value) { record_n(value, 1); }
  void record(Time value) { record_n(value.count(), 1); }
  // Records `count` copies of `value` (count 0 records nothing).
  // Inline because it runs once per simulated request; the rare paths
  // (error, growth) stay out of line.
  void record_n(std::int64_t value, std::uint64_t count) {
    if (value < 0) throw_negative(value);
    if (count == 0) return;
    const std::size_t index = bucket_index(value);
    if (index >= counts_.size()) grow_to(index);
    counts_[index] += count;
    count_ += count;
    sum_ += static_cast<Sum>(value) * count;
    min_ = value < min_ ? value : min_;
    max_ = value > max_ ? value : max_;
  }

  // Adds every sample of `other` to this histogram.
  void merge(const Histogram& other);

  // Forgets all samples but keeps the allocated buckets, so a histogram reset
  // after warm-up does not reallocate.
  void reset();

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  // Exact. An empty histogram reports 0 for min, max, mean, stddev and
  // every quantile; check empty() where that matters.
  [[nodiscard]] std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  [[nodiscard]] std::int64_t max() const { return count_ == 0 ? 0 : max_; }
  // Sum of all samples, rounded once to long double from the exact sum.
  [[nodiscard]] long double sum() const { return static_cast<long double>(sum_); }
  // Exact sum divided by count in long double, then rounded to double.
  [[nodiscard]] double mean() const;
  // Population standard deviation from bucket midpoints (see header note).
  [[nodiscard]] double stddev() const;

  // Nearest-rank quantile: the sample of 1-based rank ceil(q * count()),
  // reported as its bucket's midpoint clamped to [min, max]. A product
  // q * count() within a few ulps of an integer counts as that integer, so
  // percentile(99.9) of 1000 samples is the 999th despite 0.999 being
  // inexact in binary. Ranks 1 and count() (including q = 0 and q = 1)
  // return min() and max() exactly. q outside [0, 1] or NaN throws
  // std::invalid_argument.
  [[nodiscard]] std::int64_t quantile(double q) const;
  // quantile(p / 100), p in [0, 100].
  [[nodiscard]] std::int64_t percentile(double p) const { return quantile(p / 100.0); }

  // The non-empty buckets, lowest first.
  [[nodiscard]] BucketRange buckets() const;

  // Bucket arithmetic, public so exporters and tests can reason about
  // bucket boundaries without recording anything.
  [[nodiscard]] static constexpr std::size_t bucket_index(std::int64_t value) {
    // shift = log2 of the bucket width: 0 below 256, else e - 7 for v in
    // octave [2^e, 2^(e+1)). Then v >> shift lies in [128, 256) above 256,
    // so shift * 128 + (v >> shift) numbers the buckets densely.
    const auto v = static_cast<std::uint64_t>(value);
    const int bits = static_cast<int>(std::bit_width(v)) - (kPrecisionBits + 1);
    const int shift = bits > 0 ? bits : 0;
    return static_cast<std::size_t>(shift) * static_cast<std::size_t>(kSubBuckets) +
           static_cast<std::size_t>(v >> shift);
  }
  [[nodiscard]] static std::int64_t bucket_lower(std::size_t index);
  [[nodiscard]] static std::int64_t bucket_upper(std::size_t index);
  [[nodiscard]] static std::int64_t bucket_midpoint(std::size_t index);

  // Equal when both hold the same multiset of bucketed samples with the same
  // exact count, min, max and sum; allocated capacity does not matter.
  friend bool operator==(const Histogram& a, const Histogram& b);

 private:
  // GCC/Clang extension; __extension__ keeps -Wpedantic quiet. The sum of
  // up to 2^64 samples below 2^63 fits in 127 bits, so it never overflows.
  __extension__ using Sum = unsigned __int128;

  // Buckets needed for the whole int64 range: the top octave 2^62 has
  // shift 62 - kPrecisionBits, and its last bucket index is shift * 128 + 255.
  static constexpr std::size_t kMaxBuckets =
      static_cast<std::size_t>((62 - kPrecisionBits) * kSubBuckets + kExactLimit);

  [[noreturn]] static void throw_negative(std::int64_t value);
  void grow_to(std::size_t index);

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  // Sentinels let record() update min/max with plain std::min/std::max.
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
  Sum sum_ = 0;
};

}  // namespace eksim::sim
