#include "eksim/report/latency_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "eksim/report/output_file.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::report {
namespace {

// Okabe and Ito's palette, which stays distinct for colour-blind readers;
// its yellow is left out, too faint on white. Past seven series the
// colours repeat with a dashed line.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
constexpr std::size_t kColourCount = sizeof kColours / sizeof kColours[0];

constexpr double kMarginLeft = 72;
constexpr double kMarginRight = 28;
constexpr double kMarginTop = 44;
constexpr double kAxisBand = 52;  // below the plot: tick labels and the axis label
constexpr double kLegendRow = 20;
// Tail view: the y axis goes down to 10^-kMaxTailDecades at most.
constexpr int kMaxTailDecades = 6;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  // "-0.00" and "0.00" are the same pixel; print one of them.
  return std::string_view(buf) == "-0.00" ? "0.00" : buf;
}

std::string escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        out += (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') ? ' ' : c;
    }
  }
  return out;
}

std::int64_t pow10(int k) {
  std::int64_t v = 1;
  for (int i = 0; i < k; ++i) v *= 10;
  return v;
}

// "1ns", "20us", "500ms", "10s": whole numbers only, since ticks sit at
// 1, 2 and 5 times a power of ten nanoseconds.
std::string tick_label(int decade, int mantissa) {
  static constexpr const char* kUnits[] = {"ns", "us", "ms", "s"};
  const int unit = std::min(decade / 3, 3);
  return std::to_string(pow10(decade - 3 * unit) * mantissa) + kUnits[unit];
}

// Geometry of the plot area and its two axes.
struct Frame {
  double left, right, top, bottom;
  int lo_decade, hi_decade;  // x axis: 10^lo .. 10^hi ns
  LatencyAxis y_axis;
  int tail_decades;  // tail view: y from 1 down to 10^-tail_decades

  double x(double ns) const {
    const double t = (std::log10(std::max(ns, 1.0)) - lo_decade) / (hi_decade - lo_decade);
    return left + t * (right - left);
  }
  // `fraction` is F(x) in both views.
  double y(double fraction) const {
    if (y_axis == LatencyAxis::cdf) return bottom - fraction * (bottom - top);
    const double slower = 1 - fraction;
    const double floor = std::pow(10.0, -tail_decades);
    const double t = std::log10(std::max(slower, floor)) / -tail_decades;  // 0 at top, 1 at bottom
    return top + t * (bottom - top);
  }
};

// A polyline that drops repeated points and merges runs along one pixel
// row or column, so a histogram of thousands of buckets stays a small path.
class Polyline {
 public:
  void add(double x, double y) {
    const std::string sx = num(x);
    const std::string sy = num(y);
    if (!xs_.empty() && xs_.back() == sx && ys_.back() == sy) return;
    const std::size_t n = xs_.size();
    if (n >= 2 && ((xs_[n - 1] == sx && xs_[n - 2] == sx) || (ys_[n - 1] == sy && ys_[n - 2] == sy))) {
      xs_[n - 1] = sx;
      ys_[n - 1] = sy;
      return;
    }
    xs_.push_back(sx);
    ys_.push_back(sy);
  }
  std::string d() const {
    std::string out;
    for (std::size_t i = 0; i < xs_.size(); ++i) out += (i == 0 ? "M" : " L") + xs_[i] + "," + ys_[i];
    return out;
  }

 private:
  std::vector<std::string> xs_;
  std::vector<std::string> ys_;
};

std::string text(double x, double y, std::string_view anchor, std::string_view body, std::string_view extra = "") {
  std::string out = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (anchor != "start") out += " text-anchor=\"" + std::string(anchor) + "\"";
  if (!extra.empty()) out += " " + std::string(extra);
  return out + ">" + escape(body) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\"/>\n";
}

std::string human(std::int64_t ns) { return sim::format_duration_human(sim::Time::ns(ns)); }

std::string tail_label(int k) {
  // 1, 0.1, 0.01 ... written out: readers compare them with p90, p99.
  if (k == 0) return "1";
  return "0." + std::string(static_cast<std::size_t>(k - 1), '0') + "1";
}

}  // namespace

std::string latency_plot_svg(std::span<const LatencySeries> series, const LatencyPlotOptions& options) {
  for (const auto& s : series) {
    if (s.histogram == nullptr) throw std::invalid_argument("latency plot: series '" + s.name + "' has no histogram");
  }
  if (options.width < 300 || options.plot_height < 150) {
    throw std::invalid_argument("latency plot: the picture must be at least 300 pixels wide and its plot 150 high");
  }

  // The x axis covers whole decades from the fastest to the slowest sample.
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::uint64_t most = 0;
  bool any = false;
  for (const auto& s : series) {
    const auto& h = *s.histogram;
    if (h.empty()) continue;
    lo = any ? std::min(lo, h.min()) : h.min();
    hi = any ? std::max(hi, h.max()) : h.max();
    most = std::max(most, h.count());
    any = true;
  }
  Frame f{};
  if (any) {
    f.lo_decade = static_cast<int>(std::floor(std::log10(static_cast<double>(std::max<std::int64_t>(lo, 1)))));
    f.hi_decade = static_cast<int>(std::ceil(std::log10(static_cast<double>(std::max<std::int64_t>(hi, 1)))));
    // log10 of an exact power of ten can land a hair off; integers settle it.
    while (f.lo_decade > 0 && pow10(f.lo_decade) > std::max<std::int64_t>(lo, 1)) --f.lo_decade;
    while (f.hi_decade < 18 && pow10(f.hi_decade) < hi) ++f.hi_decade;
    if (f.hi_decade <= f.lo_decade) f.hi_decade = f.lo_decade + 1;
  } else {
    f.lo_decade = 3;  // 1us .. 1s when there is nothing to show
    f.hi_decade = 9;
  }
  f.y_axis = options.y_axis;
  f.tail_decades = std::clamp(static_cast<int>(std::ceil(std::log10(static_cast<double>(std::max<std::uint64_t>(most, 1))))),
                              2, kMaxTailDecades);
  f.left = kMarginLeft;
  f.right = options.width - kMarginRight;
  f.top = kMarginTop;
  f.bottom = kMarginTop + options.plot_height;
  const double height = f.bottom + kAxisBand + kLegendRow * static_cast<double>(std::max<std::size_t>(series.size(), 1)) + 12;

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + std::to_string(options.width) +
         "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + std::to_string(options.width) + " " + num(height) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  out += "<title>" + escape(options.title) + "</title>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  out += text(options.width / 2.0, 26, "middle", options.title, "font-size=\"16\" font-weight=\"bold\"");

  // Grid: every 1..9 times a decade on x, light; the decades darker.
  const int decades = f.hi_decade - f.lo_decade;
  out += "<g id=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n";
  for (int d = f.lo_decade; d < f.hi_decade; ++d) {
    for (int m = 2; m <= 9; ++m) {
      const double x = f.x(static_cast<double>(pow10(d) * m));
      out += line(x, f.top, x, f.bottom);
    }
  }
  out += "</g>\n<g id=\"grid-major\" stroke=\"#c8c8c8\" stroke-width=\"1\">\n";
  for (int d = f.lo_decade + 1; d < f.hi_decade; ++d) {
    const double x = f.x(static_cast<double>(pow10(d)));
    out += line(x, f.top, x, f.bottom);
  }
  if (f.y_axis == LatencyAxis::cdf) {
    for (int i = 1; i < 10; ++i) out += line(f.left, f.y(i / 10.0), f.right, f.y(i / 10.0));
  } else {
    for (int k = 1; k < f.tail_decades; ++k) {
      const double y = f.y(1 - std::pow(10.0, -k));
      out += line(f.left, y, f.right, y);
    }
  }
  out += "</g>\n";
  out += "<rect id=\"plot-area\" x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.right - f.left) +
         "\" height=\"" + num(f.bottom - f.top) + "\" fill=\"none\" stroke=\"#404040\" stroke-width=\"1\"/>\n";

  // Tick labels: decades always, 2 and 5 too when there are few decades.
  out += "<g id=\"x-ticks\" fill=\"#202020\">\n";
  for (int d = f.lo_decade; d <= f.hi_decade; ++d) {
    for (const int m : {1, 2, 5}) {
      if (m != 1 && (decades > 3 || d == f.hi_decade)) continue;
      out += text(f.x(static_cast<double>(pow10(d) * m)), f.bottom + 18, "middle", tick_label(d, m));
    }
  }
  out += "</g>\n";
  out += text((f.left + f.right) / 2, f.bottom + 40, "middle", "latency (log scale)", "fill=\"#202020\"");
  out += "<g id=\"y-ticks\" fill=\"#202020\">\n";
  if (f.y_axis == LatencyAxis::cdf) {
    for (int i = 0; i <= 10; i += 2) {
      char label[8];
      std::snprintf(label, sizeof label, "%.1f", i / 10.0);
      out += text(f.left - 8, f.y(i / 10.0) + 4, "end", label);
    }
  } else {
    for (int k = 0; k <= f.tail_decades; ++k) out += text(f.left - 8, f.y(1 - std::pow(10.0, -k)) + 4, "end", tail_label(k));
  }
  out += "</g>\n";
  const double mid_y = (f.top + f.bottom) / 2;
  out += text(18, mid_y, "middle",
              f.y_axis == LatencyAxis::cdf ? "fraction of requests at most x" : "fraction of requests slower than x",
              "fill=\"#202020\" transform=\"rotate(-90 18 " + num(mid_y) + ")\"");

  // The lines: a vertical rise at each bucket by its share of the samples.
  out += "<g id=\"series\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"miter\">\n";
  std::string markers;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& h = *series[i].histogram;
    if (h.empty()) continue;
    const std::string colour = kColours[i % kColourCount];
    const bool dashed = i >= kColourCount;
    Polyline p;
    const double total = static_cast<double>(h.count());
    std::uint64_t seen = 0;
    for (const auto& b : h.buckets()) {
      const std::int64_t mid = std::clamp(b.lower + (b.upper - b.lower + 1) / 2, h.min(), h.max());
      const double x = f.x(static_cast<double>(mid));
      p.add(x, f.y(static_cast<double>(seen) / total));
      seen += b.count;
      p.add(x, f.y(static_cast<double>(seen) / total));
    }
    out += "<path class=\"series\" data-series=\"" + escape(series[i].name) + "\" stroke=\"" + colour + "\"" +
           (dashed ? " stroke-dasharray=\"7 4\"" : "") + " d=\"" + p.d() + "\"/>\n";
    if (options.markers) {
      for (const double q : {0.5, 0.99}) {
        markers += "<circle cx=\"" + num(f.x(static_cast<double>(h.quantile(q)))) + "\" cy=\"" + num(f.y(q)) +
                   "\" r=\"3.5\" fill=\"" + colour + "\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n";
      }
    }
  }
  out += "</g>\n";
  if (!markers.empty()) out += "<g id=\"markers\">\n" + markers + "</g>\n";

  out += "<g id=\"legend\" fill=\"#202020\">\n";
  double y = f.bottom + kAxisBand + kLegendRow / 2;
  for (std::size_t i = 0; i < series.size(); ++i, y += kLegendRow) {
    const auto& h = *series[i].histogram;
    out += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.left + 28) + "\" y2=\"" + num(y) +
           "\" stroke=\"" + kColours[i % kColourCount] + "\" stroke-width=\"2\"" +
           (i >= kColourCount ? " stroke-dasharray=\"7 4\"" : "") + "/>\n";
    std::string label = series[i].name;
    if (h.empty()) {
      label += "  (no samples)";
    } else {
      label += "  p50 " + human(h.quantile(0.5)) + "  p99 " + human(h.quantile(0.99)) + "  max " + human(h.max()) +
               "  n=" + std::to_string(h.count());
    }
    // Two spaces between the figures: kept, where SVG would fold them to one.
    out += text(f.left + 36, y + 4, "start", label, "xml:space=\"preserve\"");
  }
  out += "</g>\n</svg>\n";
  return out;
}

void write_latency_plot_svg(const std::string& path, std::span<const LatencySeries> series,
                            const LatencyPlotOptions& options) {
  write_file_atomically(path, latency_plot_svg(series, options));
}

}  // namespace eksim::report
