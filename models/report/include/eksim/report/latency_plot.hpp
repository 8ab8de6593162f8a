// A latency CDF picture as a standalone SVG 1.1 file: one step line per
// series (a flow's latency histogram), latency on a log axis, the
// cumulative fraction of requests (or, in the tail view, the fraction
// slower than x on a log axis) upwards, a legend with each series' p50 and
// p99. No external tool draws it, and the bytes depend only on the input
// (fixed-point coordinates, no timestamps), so a golden test can diff it.
//
// Each histogram bucket is drawn at the value Histogram::quantile reports
// for it (its midpoint, clamped to the series' min and max), so the line
// crosses fraction q exactly at x = quantile(q). Latencies below 1 ns are
// drawn at 1 ns, the left end of a log axis. The x axis spans whole
// decades from the smallest to the largest latency of all series.
#pragma once

#include <span>
#include <string>

#include "eksim/sim/histogram.hpp"

namespace eksim::report {

struct LatencySeries {
  std::string name;                              // legend text, e.g. "frontend -> cart"
  const sim::Histogram* histogram = nullptr;     // latencies in ns; not owned, not null
};

enum class LatencyAxis {
  cdf,   // y = F(x), linear 0..1
  tail,  // y = 1 - F(x), log from 1 down to 1/count: the tail (p99, p99.9) spread out
};

struct LatencyPlotOptions {
  std::string title = "Request latency";
  LatencyAxis y_axis = LatencyAxis::cdf;
  bool markers = true;  // a dot at each series' p50 and p99
  int width = 800;      // pixels, the whole picture
  int plot_height = 400;  // pixels, the plot area alone; the legend adds a row per series
};

// The SVG document. A series with no samples is listed in the legend as
// such and draws no line. Throws std::invalid_argument for a null
// histogram or a picture too small to hold the axes.
std::string latency_plot_svg(std::span<const LatencySeries> series, const LatencyPlotOptions& options = {});

// Writes latency_plot_svg(...) to `path` atomically (write_file_atomically).
void write_latency_plot_svg(const std::string& path, std::span<const LatencySeries> series,
                            const LatencyPlotOptions& options = {});

}  // namespace eksim::report
