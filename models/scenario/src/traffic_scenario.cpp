#include <cmath>
#include <limits>

#include "eksim/scenario/traffic_scenario.hpp"

namespace eksim::scenario {

double Distribution::mean() const {
  switch (kind) {
    case Kind::constant:
    case Kind::exponential:
    case Kind::gamma:  // parameterised by its mean, not its scale
      return shift + a;
    case Kind::lognormal:  // median e^mu, so the mean is e^(mu + sigma^2/2)
      return shift + a * std::exp(b * b / 2);
    case Kind::uniform:
      return shift + (a + b) / 2;
    case Kind::pareto:  // alpha * xm / (alpha - 1), unbounded for alpha <= 1
      return b > 1 ? shift + b * a / (b - 1) : std::numeric_limits<double>::infinity();
  }
  return shift + a;
}

}  // namespace eksim::scenario
