#include "eksim/report/run_report.hpp"

#include <cstdio>
#include <functional>

#include "eksim/report/json_writer.hpp"
#include "eksim/report/table.hpp"

namespace eksim::report {
namespace {

using sim::format_duration_human;
using sim::Time;
using traffic::FlowResult;
using traffic::RunResult;

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

std::string human(double ns) { return format_duration_human(Time::ns(static_cast<std::int64_t>(ns + 0.5))); }

std::string bytes_text(std::uint64_t b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? std::to_string(b) + " B" : fixed(v, 1) + " " + units[u];
}

// Every (entity, metric, value) of a run, in a fixed order.
void for_each_row(const RunResult& r, const std::function<void(const std::string&, const std::string&, double)>& row) {
  for (const FlowResult& f : r.flows) {
    const std::string entity = "flow/" + f.name;
    row(entity, "requests", static_cast<double>(f.requests));
    row(entity, "completed", static_cast<double>(f.completed));
    row(entity, "failed", static_cast<double>(f.failed));
    row(entity, "retries", static_cast<double>(f.retries));
    row(entity, "waited", static_cast<double>(f.waited));
    row(entity, "throughput_per_s", f.throughput(r.duration));
    row(entity, "error_rate", f.error_rate());
    for (const auto& q : kQuantiles) {
      row(entity, std::string("latency_") + q.name + "_ns", static_cast<double>(f.latency.quantile(q.q)));
    }
    row(entity, "latency_max_ns", static_cast<double>(f.latency.max()));
    row(entity, "latency_mean_ns", f.latency.mean());
    for (std::size_t i = 0; i < traffic::kStages; ++i) {
      row(entity, "stage_" + std::string(traffic::to_string(static_cast<traffic::Stage>(i))) + "_mean_ns",
          f.stage_mean_ns[i]);
    }
    row(entity, "new_connections", static_cast<double>(f.new_connections));
    row(entity, "bytes", static_cast<double>(f.bytes));
    row(entity, "cross_az_bytes", static_cast<double>(f.cross_az_bytes));
    row(entity, "transit_gateway_bytes", static_cast<double>(f.transit_gateway_bytes));
    row(entity, "nat_gateway_bytes", static_cast<double>(f.nat_gateway_bytes));
    row(entity, "data_cost_usd", f.data_cost_usd);
    for (const auto& e : f.errors) row(entity, "errors{" + e.cause + "}", static_cast<double>(e.count));
  }
}

}  // namespace

std::string run_text(const RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes) {
  std::string out = "scenario " + r.scenario + "  seed " + std::to_string(r.seed) + "  simulated " +
                    format_duration_human(r.duration) + "  events " + std::to_string(r.events) + "\n\n";
  Table t({"flow", "from", "to", "requests", "ok/s", "p50", "p90", "p99", "p99.9", "max", "errors"});
  for (const FlowResult& f : r.flows) {
    std::vector<std::string> row{f.name, f.from, f.to, std::to_string(f.requests), fixed(f.throughput(r.duration), 1)};
    for (const auto& q : kQuantiles) row.push_back(format_duration_human(Time::ns(f.latency.quantile(q.q))));
    row.push_back(format_duration_human(Time::ns(f.latency.max())));
    row.push_back(fixed(f.error_rate() * 100, 2) + "%");
    t.add(std::move(row));
  }
  out += t.str();

  // Where the time goes: only stages some flow spends time in.
  std::vector<std::size_t> used;
  for (std::size_t i = 0; i < traffic::kStages; ++i) {
    for (const FlowResult& f : r.flows) {
      if (f.stage_mean_ns[i] >= 0.5) {
        used.push_back(i);
        break;
      }
    }
  }
  if (!used.empty()) {
    out += "\nwhere the time goes (mean per completed request)\n";
    std::vector<std::string> header{"flow"};
    for (const std::size_t i : used) header.emplace_back(traffic::to_string(static_cast<traffic::Stage>(i)));
    Table s(header);
    for (const FlowResult& f : r.flows) {
      std::vector<std::string> row{f.name};
      for (const std::size_t i : used) row.push_back(human(f.stage_mean_ns[i]));
      s.add(std::move(row));
    }
    out += s.str();
  }

  bool any_error = false;
  for (const FlowResult& f : r.flows) any_error = any_error || !f.errors.empty();
  if (any_error) {
    out += "\nerrors\n";
    Table e({"flow", "cause", "requests"});
    for (const FlowResult& f : r.flows) {
      for (const auto& x : f.errors) e.add({f.name, x.cause, std::to_string(x.count)});
    }
    out += e.str();
  }

  out += "\ndata moved\n";
  Table d({"flow", "bytes", "cross-AZ", "transit gateway", "NAT gateway", "cost $"});
  for (const FlowResult& f : r.flows) {
    d.add({f.name, bytes_text(f.bytes), bytes_text(f.cross_az_bytes), bytes_text(f.transit_gateway_bytes),
           bytes_text(f.nat_gateway_bytes), fixed(f.data_cost_usd, 6)});
  }
  out += d.str();

  if (!outcomes.empty()) {
    out += "\nexpectations\n";
    for (const auto& o : outcomes) {
      out += std::string(o.passed ? "  PASS " : "  FAIL ") + r.flows[o.expectation->flow].name + ": " + o.detail +
             "  (" + o.expectation->where + ")\n";
    }
  }
  return out;
}

std::string run_json(const RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes) {
  JsonWriter w;
  w.begin_object();
  w.key("scenario").value(r.scenario);
  w.key("seed").value(r.seed);
  w.key("replication").value(r.replication);
  w.key("duration_ns").value(r.duration.count());
  w.key("window_ns").value(r.window.count());
  w.key("finished_at_ns").value(r.finished_at.count());
  w.key("events").value(r.events);
  w.key("flows").begin_array();
  for (const FlowResult& f : r.flows) {
    w.begin_object();
    w.key("name").value(f.name);
    w.key("from").value(f.from);
    w.key("to").value(f.to);
    w.key("offered_rate_per_s").value(f.offered_rate);
    w.key("source_pods").value(static_cast<std::uint64_t>(f.source_pods));
    w.key("destination_pods").value(static_cast<std::uint64_t>(f.destination_pods));
    w.key("requests").value(f.requests);
    w.key("completed").value(f.completed);
    w.key("failed").value(f.failed);
    w.key("retries").value(f.retries);
    w.key("waited").value(f.waited);
    w.key("throughput_per_s").value(f.throughput(r.duration));
    w.key("error_rate").value(f.error_rate());
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
    w.key("stage_mean_ns").begin_object();
    for (std::size_t i = 0; i < traffic::kStages; ++i) {
      w.key(traffic::to_string(static_cast<traffic::Stage>(i))).value(f.stage_mean_ns[i]);
    }
    w.end_object();
    w.key("errors").begin_object();
    for (const auto& e : f.errors) w.key(e.cause).value(e.count);
    w.end_object();
    w.key("new_connections").value(f.new_connections);
    w.key("bytes").value(f.bytes);
    w.key("cross_az_bytes").value(f.cross_az_bytes);
    w.key("transit_gateway_bytes").value(f.transit_gateway_bytes);
    w.key("nat_gateway_bytes").value(f.nat_gateway_bytes);
    w.key("data_cost_usd").value(f.data_cost_usd);
    w.key("windows").begin_array();
    for (const auto& win : f.windows) {
      w.begin_inline_array()
          .value(win.start.count())
          .value(win.completed)
          .value(win.failed)
          .value(win.latency.quantile(0.5))
          .value(win.latency.quantile(0.99))
          .end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("windows_columns").begin_inline_array().value("start_ns").value("completed").value("failed").value("p50_ns").value("p99_ns").end_array();
  w.key("expectations").begin_array();
  for (const auto& o : outcomes) {
    w.begin_object();
    w.key("flow").value(r.flows[o.expectation->flow].name);
    w.key("passed").value(o.passed);
    w.key("detail").value(o.detail);
    w.key("where").value(o.expectation->where);
    w.end_object();
  }
  w.end_array();
  w.key("rows").begin_array();
  for_each_row(r, [&](const std::string& entity, const std::string& metric, double v) {
    w.begin_object();
    w.key("run").value(r.replication);
    w.key("seed").value(r.seed);
    w.key("entity").value(entity);
    w.key("metric").value(metric);
    w.key("value").value(v);
    w.end_object();
  });
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

std::string run_csv(const RunResult& r) {
  std::string out = "run,seed,entity,metric,value\n";
  auto quoted = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  for_each_row(r, [&](const std::string& entity, const std::string& metric, double v) {
    char value[64];
    std::snprintf(value, sizeof value, "%.17g", v);
    out += std::to_string(r.replication) + "," + std::to_string(r.seed) + "," + quoted(entity) + "," +
           quoted(metric) + "," + value + "\n";
  });
  return out;
}

}  // namespace eksim::report
