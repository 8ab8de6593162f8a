#include "eksim/observe/metrics_text.hpp"

#include <algorithm>

namespace eksim::observe {

MetricLabels flow_labels(std::string cluster, std::string namespace_name, std::string workload, std::string flow) {
  return {{"cluster", std::move(cluster)},
          {"namespace", std::move(namespace_name)},
          {"workload", std::move(workload)},
          {"flow", std::move(flow)}};
}

const std::vector<sim::Time>& default_latency_bounds() {
  using sim::Time;
  static const std::vector<Time> kBounds = [] {
    std::vector<Time> b;
    for (std::int64_t decade = 100'000; decade <= 1'000'000'000; decade *= 10) {
      b.push_back(Time::ns(decade));
      b.push_back(Time::ns(decade * 5 / 2));
      b.push_back(Time::ns(decade * 5));
    }
    b.push_back(Time::s(10));
    return b;
  }();
  return kBounds;
}

std::int64_t histogram_edge(sim::Time bound) {
  const std::int64_t ns = std::max<std::int64_t>(0, bound.count());
  // Samples are integer ns and a bucket holds [lower, upper], so the count of
  // samples <= upper is a sum of whole buckets.
  return sim::Histogram::bucket_upper(sim::Histogram::bucket_index(ns));
}

namespace {

// Backslash and newline escape in HELP text and label values; double quotes
// only in label values.
std::string escape(std::string_view v, bool quotes) {
  std::string out;
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view v) { return escape(v, false); }

}  // namespace

std::string escape_label_value(std::string_view v) { return escape(v, true); }

namespace {

std::string label_text(const MetricLabels& labels, const std::string& extra_name = {}, const std::string& extra = {}) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=\"" + escape_label_value(v) + "\"";
  if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra + "\"";
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::string seconds_text(std::int64_t ns) {
  const bool negative = ns < 0;
  const std::uint64_t v = negative ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  std::string frac = std::to_string(v % 1'000'000'000);
  frac.insert(0, 9 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return (negative ? "-" : "") + std::to_string(v / 1'000'000'000) + (frac.empty() ? "" : "." + frac);
}

MetricsText::Family& MetricsText::family(std::string name, std::string_view help, const char* type) {
  for (Family& f : families_) {
    if (f.name == name) return f;
  }
  families_.push_back({std::move(name), std::string(help), type, {}});
  return families_.back();
}

void MetricsText::counter(std::string_view name, std::string_view help, const MetricLabels& labels,
                          std::uint64_t value) {
  std::string n(name);
  if (n.size() < 6 || n.compare(n.size() - 6, 6, "_total") != 0) n += "_total";
  Family& f = family(n, help, "counter");
  f.samples += n + label_text(labels) + " " + std::to_string(value) + "\n";
}

void MetricsText::histogram(std::string_view name, std::string_view help, const MetricLabels& labels,
                            const sim::Histogram& h, const std::vector<sim::Time>& bounds) {
  const std::string n(name);
  Family& f = family(n, help, "histogram");
  std::vector<std::int64_t> edges;
  for (const sim::Time b : bounds) edges.push_back(histogram_edge(b));
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::uint64_t cumulative = 0;
  auto bucket = h.buckets().begin();
  const auto end = h.buckets().end();
  for (const std::int64_t edge : edges) {
    // Every histogram bucket lies wholly below an edge or wholly at or above it.
    while (bucket != end && (*bucket).upper <= edge) {
      cumulative += (*bucket).count;
      ++bucket;
    }
    f.samples += n + "_bucket" + label_text(labels, "le", seconds_text(edge)) + " " + std::to_string(cumulative) + "\n";
  }
  f.samples += n + "_bucket" + label_text(labels, "le", "+Inf") + " " + std::to_string(h.count()) + "\n";
  f.samples += n + "_sum" + label_text(labels) + " " +
               seconds_text(static_cast<std::int64_t>(h.sum())) + "\n";
  f.samples += n + "_count" + label_text(labels) + " " + std::to_string(h.count()) + "\n";
}

std::string MetricsText::str() const {
  std::string out;
  for (const Family& f : families_) {
    out += "# HELP " + f.name + " " + escape_help(f.help) + "\n# TYPE " + f.name + " " + f.type + "\n" + f.samples;
  }
  return out;
}

}  // namespace eksim::observe
