// Mean and confidence interval of a few replications' values.
#pragma once

#include <cstddef>
#include <vector>

namespace eksim::sweep {

struct Interval {
  std::size_t n = 0;
  double mean = 0;
  // Student t interval: mean -+ t(1 - (1-level)/2, n-1) * s / sqrt(n),
  // s the sample standard deviation. Undefined (has_interval false) below
  // two values.
  bool has_interval = false;
  double low = 0;
  double high = 0;
};

// Exact quantile of Student's t distribution with `df` degrees of freedom
// (Boost.Math's inverse of the regularised incomplete beta function), so
// small replication counts get their true, wide intervals.
double student_t_quantile(double p, double df);

Interval confidence_interval(const std::vector<double>& values, double level = 0.95);

}  // namespace eksim::sweep
