#include "eksim/sweep/confidence.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace eksim::sweep {

double student_t_quantile(double p, double df) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

Interval confidence_interval(const std::vector<double>& values, double level) {
  Interval out;
  out.n = values.size();
  if (values.empty()) return out;
  // Summed in the given order (replication order), so every rank and every
  // run order prints the same bytes.
  double sum = 0;
  for (const double v : values) sum += v;
  out.mean = sum / static_cast<double>(out.n);
  out.low = out.high = out.mean;
  if (out.n < 2) return out;
  double squares = 0;
  for (const double v : values) squares += (v - out.mean) * (v - out.mean);
  const double s = std::sqrt(squares / static_cast<double>(out.n - 1));
  const double half =
      student_t_quantile(1 - (1 - level) / 2, static_cast<double>(out.n - 1)) * s / std::sqrt(static_cast<double>(out.n));
  out.has_interval = true;
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

}  // namespace eksim::sweep
