#include "eksim/traffic/sampler.hpp"

#include <cmath>

namespace eksim::traffic {
namespace {

// Marsaglia and Tsang (2000), "A simple method for generating gamma
// variables", for shape >= 1; shape < 1 boosted by U^(1/shape).
double standard_gamma(double shape, sim::RandomStream& rng) {
  if (shape < 1.0) return standard_gamma(shape + 1.0, rng) * std::pow(rng.uniform01(), 1.0 / shape);
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0;
    double v = 0;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = rng.uniform01();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace

double sample(const scenario::Distribution& d, sim::RandomStream& rng) {
  using Kind = scenario::Distribution::Kind;
  double v = 0;
  switch (d.kind) {
    case Kind::constant: v = d.a; break;
    case Kind::exponential: v = rng.exponential(d.a); break;
    case Kind::lognormal: v = d.a * std::exp(d.b * rng.normal()); break;
    case Kind::uniform: v = d.a + (d.b - d.a) * rng.uniform01(); break;
    case Kind::pareto: v = rng.pareto(d.a, d.b); break;
    case Kind::gamma: v = d.a / d.b * standard_gamma(d.b, rng); break;
  }
  return d.shift + v;
}

}  // namespace eksim::traffic
