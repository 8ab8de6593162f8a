// eksim.Histogram: a latency histogram of a run or a DNS load run (values in
// nanoseconds), its buckets as numpy arrays and its quantiles exactly as the
// CLI's report computes them.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "eksim/sim/histogram.hpp"
#include "numpy_array.hpp"

namespace eksim::python {
namespace {

struct Buckets {
  std::vector<std::int64_t> lower;
  std::vector<std::int64_t> upper;
  std::vector<std::uint64_t> counts;
};

// The non-empty buckets, in increasing order.
Buckets buckets_of(const sim::Histogram& h) {
  Buckets b;
  for (const auto& bucket : h.buckets()) {
    b.lower.push_back(bucket.lower);
    b.upper.push_back(bucket.upper);
    b.counts.push_back(bucket.count);
  }
  return b;
}

void check_quantile(double q) {
  if (!(q >= 0.0 && q <= 1.0)) throw py::value_error("quantile: q must be between 0 and 1, got " + std::to_string(q));
}

}  // namespace

void bind_histogram(py::module_& m) {
  py::class_<sim::Histogram>(m, "Histogram",
                             "A log-linear histogram of latencies in nanoseconds (relative error below 1/128). Its "
                             "non-empty buckets are numpy arrays: `lower`, `upper` (inclusive bounds) and `counts`.")
      .def_property_readonly("count", &sim::Histogram::count, "Values recorded.")
      .def_property_readonly("min", &sim::Histogram::min, "Smallest value (exact); 0 when empty.")
      .def_property_readonly("max", &sim::Histogram::max, "Largest value (exact); 0 when empty.")
      .def_property_readonly("mean", &sim::Histogram::mean, "Mean value (exact).")
      .def_property_readonly("stddev", &sim::Histogram::stddev, "Standard deviation, from the buckets.")
      .def(
          "quantile",
          [](const sim::Histogram& h, double q) {
            check_quantile(q);
            return h.quantile(q);
          },
          py::arg("q"), "The q-quantile (0 <= q <= 1) in nanoseconds, as `eksim run` reports p50/p99.")
      .def(
          "quantile",
          [](const sim::Histogram& h, const std::vector<double>& qs) {
            std::vector<std::int64_t> out;
            out.reserve(qs.size());
            for (const double q : qs) {
              check_quantile(q);
              out.push_back(h.quantile(q));
            }
            return to_numpy(std::move(out));
          },
          py::arg("q"), "Several quantiles at once, as a numpy int64 array.")
      .def_property_readonly("lower", [](const sim::Histogram& h) { return to_numpy(buckets_of(h).lower); },
                             "Smallest value of each non-empty bucket (numpy int64, ns).")
      .def_property_readonly("upper", [](const sim::Histogram& h) { return to_numpy(buckets_of(h).upper); },
                             "Largest value of each non-empty bucket (numpy int64, ns).")
      .def_property_readonly("counts", [](const sim::Histogram& h) { return to_numpy(buckets_of(h).counts); },
                             "Values in each non-empty bucket (numpy uint64).")
      .def(
          "cdf",
          [](const sim::Histogram& h) {
            Buckets b = buckets_of(h);
            std::vector<double> fraction(b.counts.size());
            std::uint64_t running = 0;
            for (std::size_t i = 0; i < b.counts.size(); ++i) {
              running += b.counts[i];
              fraction[i] = static_cast<double>(running) / static_cast<double>(h.count());
            }
            return py::make_tuple(to_numpy(std::move(b.upper)), to_numpy(std::move(fraction)));
          },
          "(values, fractions): the fraction of values at or below each bucket's upper bound, for plotting a CDF.")
      .def("__len__", [](const sim::Histogram& h) { return h.count(); })
      .def("__repr__", [](const sim::Histogram& h) {
        return "<eksim.Histogram count=" + std::to_string(h.count()) + " p50=" + std::to_string(h.quantile(0.5)) +
               "ns p99=" + std::to_string(h.quantile(0.99)) + "ns>";
      });
}

}  // namespace eksim::python
