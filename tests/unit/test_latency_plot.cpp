#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eksim/report/latency_plot.hpp"
#include "eksim/sim/histogram.hpp"
#include "eksim/sim/random.hpp"

using eksim::report::LatencyAxis;
using eksim::report::LatencyPlotOptions;
using eksim::report::LatencySeries;
using eksim::sim::Histogram;

namespace {

constexpr std::int64_t kMs = 1'000'000;

struct Checked {
  int status;
  std::string output;
};

// Writes the picture with the atomic writer and has
// tests/unit/check_latency_svg.py parse it with Python's XML parser.
Checked check(const std::vector<LatencySeries>& series, const LatencyPlotOptions& options, std::size_t paths,
              const std::string& args) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("eksim-latency-plot-" + std::to_string(::getpid()) + ".svg");
  eksim::report::write_latency_plot_svg(file.string(), series, options);
  const std::string command = "/usr/bin/python3 " EKSIM_SOURCE_DIR "/tests/unit/check_latency_svg.py " +
                              file.string() + " " + std::to_string(paths) + " " + args + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  const int status = ::pclose(pipe);
  std::filesystem::remove(file);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Nearest-rank quantile of the raw samples: rank ceil(q n), with q given
// as num / den so that the reference itself has no rounding.
std::int64_t exact_quantile(std::vector<std::int64_t> v, std::uint64_t num, std::uint64_t den) {
  std::sort(v.begin(), v.end());
  const std::uint64_t rank = std::max<std::uint64_t>(1, (v.size() * num + den - 1) / den);
  return v[rank - 1];
}

}  // namespace

TEST_CASE("latency CDF: uniform 1..100 ms crosses 0.5 at the pixel of 50 ms", "[latency_plot]") {
  Histogram uniform;
  for (std::int64_t ms = 1; ms <= 100; ++ms) uniform.record(ms * kMs);
  // A second, skewed series: exponential, mean 5 ms, over 100 us.
  Histogram expo;
  std::vector<std::int64_t> raw;
  eksim::sim::RandomStream rng(3, 0, "latency-plot-test", "expo");
  for (int i = 0; i < 20000; ++i) {
    raw.push_back(100'000 + static_cast<std::int64_t>(rng.exponential(5e6)));
    expo.record(raw.back());
  }
  const std::vector<LatencySeries> series{{"uniform 1..100 ms", &uniform}, {"exponential", &expo}};
  const std::string marks = "0:0.5:" + std::to_string(50 * kMs) + " 0:0.99:" + std::to_string(99 * kMs) +
                            " 1:0.5:" + std::to_string(exact_quantile(raw, 1, 2)) +
                            " 1:0.99:" + std::to_string(exact_quantile(raw, 99, 100));
  SECTION("CDF view") {
    const Checked c = check(series, {}, 2, marks);
    INFO(c.output);
    CHECK(c.status == 0);
  }
  SECTION("tail view") {
    LatencyPlotOptions o;
    o.y_axis = LatencyAxis::tail;
    const Checked c = check(series, o, 2, marks + " --tail");
    INFO(c.output);
    CHECK(c.status == 0);
  }
}

TEST_CASE("latency CDF: four samples make four even steps", "[latency_plot]") {
  Histogram h;
  for (std::int64_t ms = 1; ms <= 4; ++ms) h.record(ms * kMs);
  const std::vector<LatencySeries> series{{"four", &h}};
  const Checked c = check(series, {}, 1,
                          "0:0.25:" + std::to_string(1 * kMs) + " 0:0.5:" + std::to_string(2 * kMs) +
                              " 0:0.75:" + std::to_string(3 * kMs) + " 0:1:" + std::to_string(4 * kMs));
  INFO(c.output);
  CHECK(c.status == 0);
}

TEST_CASE("latency CDF: names are escaped, empty series listed without a line", "[latency_plot]") {
  Histogram some;
  some.record(250'000);
  some.record(1'500'000);
  Histogram none;
  const std::vector<LatencySeries> series{{"a<b & \"c\"", &some}, {"idle flow", &none}};
  const std::string svg = eksim::report::latency_plot_svg(series);
  CHECK(svg.find("a&lt;b &amp; &quot;c&quot;") != std::string::npos);
  CHECK(svg.find("idle flow  (no samples)") != std::string::npos);
  const Checked c = check(series, {}, 1, "");
  INFO(c.output);
  CHECK(c.status == 0);
  // 250 us .. 1.5 ms: the axis spans the decades 100 us .. 10 ms.
  CHECK(svg.find(">100us</text>") != std::string::npos);
  CHECK(svg.find(">10ms</text>") != std::string::npos);
  CHECK(svg.find(">1s</text>") == std::string::npos);
}

TEST_CASE("latency CDF: same input, same bytes", "[latency_plot]") {
  Histogram h;
  eksim::sim::RandomStream rng(11, 0, "latency-plot-test", "bytes");
  for (int i = 0; i < 5000; ++i) h.record(static_cast<std::int64_t>(rng.exponential(2e6)));
  const std::vector<LatencySeries> series{{"flow", &h}};
  Histogram copy;
  copy.merge(h);
  const std::vector<LatencySeries> again{{"flow", &copy}};
  CHECK(eksim::report::latency_plot_svg(series) == eksim::report::latency_plot_svg(again));
}

TEST_CASE("latency CDF: bad input is refused", "[latency_plot]") {
  const std::vector<LatencySeries> null_series{{"x", nullptr}};
  CHECK_THROWS_WITH(eksim::report::latency_plot_svg(null_series), Catch::Contains("series 'x' has no histogram"));
  LatencyPlotOptions tiny;
  tiny.width = 100;
  CHECK_THROWS_AS(eksim::report::latency_plot_svg({}, tiny), std::invalid_argument);
  Histogram h;
  h.record(1);
  const std::vector<LatencySeries> series{{"x", &h}};
  CHECK_THROWS_AS(eksim::report::write_latency_plot_svg("/nonexistent-dir/plot.svg", series), std::runtime_error);
}
