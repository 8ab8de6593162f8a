#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "eksim/sim/histogram.hpp"
#include "eksim/sim/random.hpp"

using eksim::sim::Histogram;
using eksim::sim::RandomStream;

namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// Nearest-rank quantile of a sorted sample for q = num / den, computed with
// integers so the reference has no rounding of its own: rank ceil(n*num/den).
std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, std::uint64_t num,
                            std::uint64_t den) {
  const std::uint64_t n = sorted.size();
  std::uint64_t rank = (n * num + den - 1) / den;
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

double relative_error(std::int64_t got, std::int64_t want) {
  return std::abs(static_cast<double>(got) - static_cast<double>(want)) / static_cast<double>(want);
}

// The bound the header documents: half a bucket width over a bucket lower
// bound of at least 128 widths. Well inside the 1% the design asks for.
constexpr double kDocumentedBound = 1.0 / 256.0;

std::vector<std::int64_t> lognormal_sample(std::size_t n) {
  RandomStream rng(20240601, 0, "histogram-test", "lognormal");
  std::vector<std::int64_t> v(n);
  // mu = ln(1 ms in ns), sigma = 1: median 1 ms, a heavy right tail.
  for (auto& x : v) x = std::llround(rng.lognormal(std::log(1e6), 1.0));
  return v;
}

std::vector<std::int64_t> pareto_sample(std::size_t n) {
  RandomStream rng(20240601, 0, "histogram-test", "pareto");
  std::vector<std::int64_t> v(n);
  // x_m = 100 us, alpha = 1.5: infinite variance, values spanning many octaves.
  for (auto& x : v) x = std::llround(rng.pareto(1e5, 1.5));
  return v;
}

void check_percentiles_against_sorted_sample(std::vector<std::int64_t> sample) {
  Histogram h;
  for (const auto x : sample) h.record(x);
  std::sort(sample.begin(), sample.end());

  struct Case {
    double percentile;
    std::uint64_t num;
    std::uint64_t den;
  };
  for (const Case c :
       {Case{50.0, 1, 2}, Case{90.0, 9, 10}, Case{99.0, 99, 100}, Case{99.9, 999, 1000}}) {
    const std::int64_t want = exact_quantile(sample, c.num, c.den);
    const std::int64_t got = h.percentile(c.percentile);
    INFO("p" << c.percentile << ": histogram " << got << ", exact " << want);
    CHECK(relative_error(got, want) < 0.01);
    CHECK(relative_error(got, want) <= kDocumentedBound);
  }
  // Every 0.1 percentile, where q * n is an integer and a float rank off by
  // one ulp would pick the next sample.
  double worst = 0.0;
  for (std::uint64_t k = 1; k <= 1000; ++k) {
    const std::int64_t want = exact_quantile(sample, k, 1000);
    const std::int64_t got = h.percentile(static_cast<double>(k) / 10.0);
    worst = std::max(worst, relative_error(got, want));
  }
  CHECK(worst <= kDocumentedBound);

  CHECK(h.count() == sample.size());
  CHECK(h.min() == sample.front());
  CHECK(h.max() == sample.back());
  CHECK(h.quantile(0.0) == sample.front());
  CHECK(h.quantile(1.0) == sample.back());
  long double sum = 0.0L;  // exact here: the sum stays far below 2^64
  for (const auto x : sample) sum += static_cast<long double>(x);
  CHECK(h.mean() == Approx(static_cast<double>(sum / sample.size())).epsilon(1e-15));
}

}  // namespace

TEST_CASE("values below 256 get one bucket each and are reported exactly", "[histogram]") {
  for (std::int64_t v = 0; v < 256; ++v) {
    const auto i = Histogram::bucket_index(v);
    CHECK(i == static_cast<std::size_t>(v));
    CHECK(Histogram::bucket_lower(i) == v);
    CHECK(Histogram::bucket_upper(i) == v);
    CHECK(Histogram::bucket_midpoint(i) == v);
  }
  Histogram h;
  for (std::int64_t v = 0; v < 256; ++v) h.record(v);
  // 256 samples 0..255: nearest rank ceil(q * 256) holds value rank - 1.
  CHECK(h.quantile(0.5) == 127);      // rank 128
  CHECK(h.quantile(0.25) == 63);      // rank 64
  CHECK(h.percentile(99.0) == 253);   // rank ceil(253.44) = 254
  CHECK(h.quantile(1.0 / 256) == 0);  // rank 1
  CHECK(h.quantile(0.001) == 0);      // rank ceil(0.256) = 1
  CHECK(h.quantile(0.999) == 255);    // rank ceil(255.744) = 256
}

TEST_CASE("bucket boundaries above 256 follow the octave layout", "[histogram]") {
  // Octave [256, 512) has width 2: index 256 holds 256 and 257.
  CHECK(Histogram::bucket_index(256) == 256);
  CHECK(Histogram::bucket_index(257) == 256);
  CHECK(Histogram::bucket_index(258) == 257);
  CHECK(Histogram::bucket_index(511) == 383);
  // 1000 is in octave [512, 1024), which starts at index 256 + 128 = 384,
  // with width 512 / 128 = 4; (1000 - 512) / 4 = 122, so index 506 = [1000, 1003].
  CHECK(Histogram::bucket_index(1000) == 506);
  CHECK(Histogram::bucket_index(1003) == 506);
  CHECK(Histogram::bucket_index(999) == 505);
  CHECK(Histogram::bucket_index(1004) == 507);
  CHECK(Histogram::bucket_lower(506) == 1000);
  CHECK(Histogram::bucket_upper(506) == 1003);
  CHECK(Histogram::bucket_midpoint(506) == 1002);
  // Octave [1024, 2048) starts at index 512 with width 8.
  CHECK(Histogram::bucket_index(1023) == 511);
  CHECK(Histogram::bucket_index(1024) == 512);
  CHECK(Histogram::bucket_upper(512) == 1031);
  // 5000 in [4096, 8192): width 32, (5000 - 4096) / 32 = 28 -> [4992, 5023].
  const auto i5000 = Histogram::bucket_index(5000);
  CHECK(i5000 == 256 + 4 * 128 + 28);
  CHECK(Histogram::bucket_lower(i5000) == 4992);
  CHECK(Histogram::bucket_upper(i5000) == 5023);
  CHECK(Histogram::bucket_midpoint(i5000) == 5008);
  // 2^62 opens the top octave (e = 62): index 256 + 54 * 128, width 2^55.
  const std::int64_t two62 = std::int64_t{1} << 62;
  CHECK(Histogram::bucket_index(two62) == 256 + 54 * 128);
  CHECK(Histogram::bucket_upper(256 + 54 * 128) == two62 + (std::int64_t{1} << 55) - 1);
  // The very last bucket ends exactly at INT64_MAX without overflowing.
  CHECK(Histogram::bucket_index(kInt64Max) == 7295);
  CHECK(Histogram::bucket_lower(7295) == kInt64Max - ((std::int64_t{1} << 55) - 1));
  CHECK(Histogram::bucket_upper(7295) == kInt64Max);
}

TEST_CASE("every bucket is contiguous, bounded by 1/128 of its lower bound", "[histogram]") {
  for (std::size_t i = 1; i <= 7295; ++i) {
    INFO("bucket " << i);
    REQUIRE(Histogram::bucket_lower(i) == Histogram::bucket_upper(i - 1) + 1);
    const std::int64_t lower = Histogram::bucket_lower(i);
    const std::int64_t width = Histogram::bucket_upper(i) - lower + 1;
    REQUIRE(Histogram::bucket_index(lower) == i);
    REQUIRE(Histogram::bucket_index(Histogram::bucket_upper(i)) == i);
    if (lower >= 256) REQUIRE(width * 128 <= lower);
  }
}

TEST_CASE("quantiles report the bucket midpoint clamped to min and max", "[histogram]") {
  Histogram h;
  for (const std::int64_t v : {1000, 1001, 1002, 5000}) h.record(v);
  // Rank 2 of 4 is 1001, in bucket [1000, 1003] whose midpoint is 1002.
  CHECK(h.quantile(0.5) == 1002);
  CHECK(h.quantile(0.75) == 1002);  // rank 3 is 1002, same bucket
  CHECK(h.quantile(0.25) == 1000);  // rank 1 is the exact minimum
  CHECK(h.quantile(0.76) == 5000);  // rank 4 is the exact maximum
  CHECK(h.percentile(50) == 1002);

  Histogram clamped;
  for (const std::int64_t v : {4995, 5000, 5000}) clamped.record(v);
  // Rank 2 is 5000 in [4992, 5023]; the midpoint 5008 exceeds max, so 5000.
  CHECK(clamped.quantile(0.5) == 5000);
  Histogram low;
  for (const std::int64_t v : {4993, 4994, 5020}) low.record(v);
  // Rank 2 is 4994 in the same bucket; midpoint 5008 lies within [4993, 5020].
  CHECK(low.quantile(0.5) == 5008);
}

TEST_CASE("count, min, max and mean are exact", "[histogram]") {
  Histogram h;
  for (const std::int64_t v : {1, 2, 1000, 1000000007}) h.record(v);
  CHECK(h.count() == 4);
  CHECK(h.min() == 1);
  CHECK(h.max() == 1000000007);
  CHECK(h.mean() == 250000252.5);  // 1000001010 / 4
  CHECK(h.sum() == 1000001010.0L);

  // A 64-bit sum would wrap here; the mean is still INT64_MAX.
  Histogram big;
  big.record_n(kInt64Max, 4);
  big.record(kInt64Max);
  CHECK(big.count() == 5);
  CHECK(big.mean() == static_cast<double>(kInt64Max));
  CHECK(big.max() == kInt64Max);
  CHECK(big.quantile(0.5) == kInt64Max);

  // Mean of {0, 2^62, 2^62, 2^62, 2^62, ...}: large and exact.
  Histogram mixed;
  mixed.record(0);
  mixed.record_n(std::int64_t{1} << 62, 3);
  CHECK(mixed.mean() == 0.75 * 4611686018427387904.0);
}

TEST_CASE("stddev is exact for values below 256", "[histogram]") {
  Histogram h;
  for (const std::int64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) h.record(v);
  CHECK(h.mean() == 5.0);
  CHECK(h.stddev() == Approx(2.0).epsilon(1e-12));  // population stddev
  Histogram one;
  one.record(123456789);
  CHECK(one.stddev() == 0.0);
}

TEST_CASE("record_n equals repeated record, and zero copies record nothing", "[histogram]") {
  Histogram a;
  Histogram b;
  a.record_n(777, 3);
  for (int i = 0; i < 3; ++i) b.record(777);
  CHECK(a == b);
  Histogram none;
  none.record_n(5000, 0);
  CHECK(none == Histogram{});
  CHECK(none.empty());
}

TEST_CASE("negative values and quantiles outside [0, 1] are rejected", "[histogram]") {
  Histogram h;
  CHECK_THROWS_AS(h.record(-1), std::invalid_argument);
  CHECK_THROWS_AS(h.record_n(std::numeric_limits<std::int64_t>::min(), 2), std::invalid_argument);
  CHECK(h.empty());
  h.record(10);
  CHECK_THROWS_AS(h.quantile(-0.01), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(1.01), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(h.percentile(101), std::invalid_argument);
}

TEST_CASE("an empty histogram reports zeros", "[histogram]") {
  const Histogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.stddev() == 0.0);
  CHECK(h.quantile(0.5) == 0);
  CHECK(h.buckets().begin() == h.buckets().end());
}

TEST_CASE("iteration visits the non-empty buckets in order", "[histogram]") {
  Histogram h;
  for (const std::int64_t v : {1004, 3, 1000, 3, 1003}) h.record(v);
  std::vector<Histogram::Bucket> seen;
  for (const auto b : h.buckets()) seen.push_back(b);
  const std::vector<Histogram::Bucket> want{{3, 3, 2}, {1000, 1003, 2}, {1004, 1007, 1}};
  CHECK(seen == want);
}

TEST_CASE("percentiles of 1e6 lognormal samples are within 1% of the exact ones", "[histogram]") {
  check_percentiles_against_sorted_sample(lognormal_sample(1'000'000));
}

TEST_CASE("percentiles of 1e6 Pareto samples are within 1% of the exact ones", "[histogram]") {
  check_percentiles_against_sorted_sample(pareto_sample(1'000'000));
}

TEST_CASE("percentile 99.9 of 1000 samples is the 999th, despite binary rounding", "[histogram]") {
  // 99.9 / 100 * 1000 is 999.0000000000001 in doubles; a plain ceil would
  // return the 1000th sample.
  Histogram h;
  h.record_n(7, 999);
  h.record(200);
  CHECK(h.percentile(99.9) == 7);
  CHECK(h.quantile(0.999) == 7);
  CHECK(h.percentile(99.91) == 200);  // rank ceil(999.1) = 1000
}

TEST_CASE("merging two halves equals recording the whole", "[histogram]") {
  const auto sample = pareto_sample(200'000);
  Histogram whole;
  Histogram first;
  Histogram second;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    whole.record(sample[i]);
    (i < sample.size() / 2 ? first : second).record(sample[i]);
  }
  REQUIRE_FALSE(first == whole);
  Histogram merged = first;
  merged.merge(second);
  CHECK(merged == whole);
  CHECK(merged.count() == sample.size());
  CHECK(merged.min() == *std::min_element(sample.begin(), sample.end()));
  CHECK(merged.max() == *std::max_element(sample.begin(), sample.end()));
  for (const double p : {50.0, 90.0, 99.0, 99.9})
    CHECK(merged.percentile(p) == whole.percentile(p));
  // Merging in the other direction, and into an empty histogram, too.
  Histogram reverse = second;
  reverse.merge(first);
  CHECK(reverse == whole);
  Histogram empty;
  empty.merge(whole);
  CHECK(empty == whole);
  whole.merge(Histogram{});
  CHECK(empty == whole);
}

TEST_CASE("reset forgets samples and equality ignores spare capacity", "[histogram]") {
  Histogram h;
  h.record(5'000'000'000);  // 5 s: grows the bucket vector far
  h.record(17);
  h.reset();
  CHECK(h == Histogram{});
  CHECK(h.empty());
  CHECK(h.max() == 0);
  h.record(300);
  Histogram fresh;
  fresh.record(300);
  CHECK(h == fresh);
  CHECK(h.min() == 300);
  CHECK(h.quantile(0.5) == 300);
  // Same bucket, different value: the exact sum and extremes tell them apart.
  Histogram other;
  other.record(301);
  CHECK_FALSE(h == other);
  // Same count, min, max and sum (1200), different samples: buckets decide.
  Histogram p;
  Histogram q;
  for (const std::int64_t v : {100, 300, 300, 500}) p.record(v);
  for (const std::int64_t v : {100, 200, 400, 500}) q.record(v);
  CHECK_FALSE(p == q);
}
