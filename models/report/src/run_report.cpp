#include "eksim/report/run_report.hpp"

#include <cstdio>

#include "eksim/report/json_writer.hpp"
#include "eksim/report/table.hpp"

namespace eksim::report {
namespace {

using sim::format_duration_human;
using sim::Time;

struct Quantile {
  const char* name;
  double q;
};
constexpr Quantile kQuantiles[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double throughput(const traffic::RunResult& r, const traffic::FlowResult& f) {
  return static_cast<double>(f.latency.count()) / r.duration.seconds();
}

}  // namespace

std::string run_text(const traffic::RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes) {
  std::string out = "scenario " + r.scenario + "  seed " + std::to_string(r.seed) + "  simulated " +
                    format_duration_human(r.duration) + "  events " + std::to_string(r.events) + "\n\n";
  Table t({"flow", "from", "to", "requests", "req/s", "p50", "p90", "p99", "p99.9", "max", "mean"});
  for (std::size_t i = 0; i < r.flows.size(); ++i) {
    const auto& f = r.flows[i];
    std::vector<std::string> row{std::to_string(i), f.from, f.to, std::to_string(f.latency.count()),
                                 fixed(throughput(r, f), 1)};
    for (const auto& q : kQuantiles) row.push_back(format_duration_human(Time::ns(f.latency.quantile(q.q))));
    row.push_back(format_duration_human(Time::ns(f.latency.max())));
    row.push_back(format_duration_human(Time::ns(static_cast<std::int64_t>(f.latency.mean() + 0.5))));
    t.add(std::move(row));
  }
  out += t.str();
  if (!outcomes.empty()) {
    out += "\nexpectations\n";
    for (const auto& o : outcomes) {
      out += std::string(o.passed ? "  PASS " : "  FAIL ") + "flow " + std::to_string(o.expectation->flow) + ": " +
             o.detail + "  (" + o.expectation->where + ")\n";
    }
  }
  return out;
}

std::string run_json(const traffic::RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes) {
  JsonWriter w;
  w.begin_object();
  w.key("scenario").value(r.scenario);
  w.key("seed").value(r.seed);
  w.key("replication").value(r.replication);
  w.key("duration_ns").value(r.duration.count());
  w.key("events").value(r.events);
  w.key("flows").begin_array();
  for (std::size_t i = 0; i < r.flows.size(); ++i) {
    const auto& f = r.flows[i];
    w.begin_object();
    w.key("flow").value(static_cast<std::uint64_t>(i));
    w.key("from").value(f.from);
    w.key("to").value(f.to);
    w.key("offered_rate_per_s").value(f.offered_rate);
    w.key("requests").value(f.latency.count());
    w.key("throughput_per_s").value(throughput(r, f));
    w.key("latency_ns").begin_object();
    for (const auto& q : kQuantiles) w.key(q.name).value(f.latency.quantile(q.q));
    w.key("min").value(f.latency.min());
    w.key("max").value(f.latency.max());
    w.key("mean").value(f.latency.mean());
    w.end_object();
    // Non-empty buckets [lower, upper] with counts, enough to draw a CDF.
    w.key("latency_histogram").begin_array();
    for (const auto& b : f.latency.buckets()) {
      w.begin_inline_array().value(b.lower).value(b.upper).value(b.count).end_array();
    }
    w.end_array();
    w.key("source_pods").value(static_cast<std::uint64_t>(f.source_pods));
    w.key("destination_pods").value(static_cast<std::uint64_t>(f.destination_pods));
    w.key("waited").value(f.waited);
    w.key("mean_queue_wait_ns").value(f.mean_queue_wait.count());
    w.end_object();
  }
  w.end_array();
  w.key("expectations").begin_array();
  for (const auto& o : outcomes) {
    w.begin_object();
    w.key("flow").value(static_cast<std::uint64_t>(o.expectation->flow));
    w.key("passed").value(o.passed);
    w.key("detail").value(o.detail);
    w.key("where").value(o.expectation->where);
    w.end_object();
  }
  w.end_array();
  // Tidy rows: one per (entity, metric), each carrying run id and seed.
  w.key("rows").begin_array();
  for (std::size_t i = 0; i < r.flows.size(); ++i) {
    const auto& f = r.flows[i];
    const std::string entity = "flow/" + std::to_string(i);
    auto row = [&](const char* metric, double v) {
      w.begin_object();
      w.key("run").value(r.replication);
      w.key("seed").value(r.seed);
      w.key("entity").value(entity);
      w.key("metric").value(metric);
      w.key("value").value(v);
      w.end_object();
    };
    row("requests", static_cast<double>(f.latency.count()));
    row("throughput_per_s", throughput(r, f));
    for (const auto& q : kQuantiles) row((std::string("latency_") + q.name + "_ns").c_str(), static_cast<double>(f.latency.quantile(q.q)));
    row("latency_max_ns", static_cast<double>(f.latency.max()));
    row("latency_mean_ns", f.latency.mean());
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

}  // namespace eksim::report
