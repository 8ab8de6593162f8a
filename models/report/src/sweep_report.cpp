#include "eksim/report/sweep_report.hpp"

#include <charconv>
#include <cstdio>

#include "eksim/report/json_writer.hpp"
#include "eksim/report/table.hpp"
#include "eksim/sweep/confidence.hpp"

namespace eksim::report {
namespace {

using sweep::KneeOptions;
using sweep::KneeResult;
using sweep::SweepResult;
using sweep::SweepSpec;

// Shortest text that reads back as the same double: machine tables.
std::string exact(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

// Five significant digits: human tables.
std::string human(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.5g", v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i == 0 ? "" : ",") + csv_field(fields[i]);
  return out + "\n";
}

std::vector<std::string> axis_values(const SweepSpec& spec, std::size_t point) {
  std::vector<std::string> out;
  const auto values = sweep::point_values(spec, point);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) out.push_back(spec.axes[a].labels[values[a]]);
  return out;
}

void axes_json(JsonWriter& w, const SweepSpec& spec) {
  w.key("axes").begin_array();
  for (const auto& a : spec.axes) {
    w.begin_object();
    w.key("path").value(a.path.text);
    w.key("values").begin_inline_array();
    for (const auto& l : a.labels) w.value(l);
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

void point_json(JsonWriter& w, const SweepSpec& spec, std::size_t point) {
  w.key("point").value(static_cast<std::uint64_t>(point));
  w.key("values").begin_object();
  const auto labels = axis_values(spec, point);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) w.key(spec.axes[a].path.text).value(labels[a]);
  w.end_object();
}

void head_json(JsonWriter& w, const SweepSpec& spec) {
  w.key("sweep").value(spec.name);
  w.key("scenario").value(spec.scenario_path);
  w.key("replications").value(static_cast<std::uint64_t>(spec.replications));
  if (spec.duration) {
    w.key("duration").value(sim::format_duration(*spec.duration));
  } else {
    w.key("duration").null();
  }
  axes_json(w, spec);
}

}  // namespace

std::vector<SummaryRow> sweep_summary(const SweepSpec& spec, const SweepResult& r) {
  std::vector<SummaryRow> out;
  const std::size_t reps = spec.replications;
  for (std::size_t first = 0; first + reps <= r.runs.size(); first += reps) {
    const auto& lead = r.runs[first].metrics;
    for (std::size_t k = 0; k < lead.metrics.size(); ++k) {
      std::vector<double> values;
      for (std::size_t i = first; i < first + reps; ++i) values.push_back(r.runs[i].metrics.metrics[k].value);
      out.push_back({r.runs[first].point, &lead.flows[lead.metrics[k].flow], &lead.metrics[k],
                     sweep::confidence_interval(values)});
    }
  }
  return out;
}

namespace {

std::string head_text(const SweepSpec& spec) {
  const std::size_t points = sweep::point_count(spec);
  return "sweep " + spec.name + "  scenario " + spec.scenario_path + "  " + std::to_string(points) +
         (points == 1 ? " point" : " points") + " x " + std::to_string(spec.replications) +
         (spec.replications == 1 ? " replication" : " replications") +
         (spec.duration ? "  simulated " + sim::format_duration_human(*spec.duration) + " each" : "") + "\n";
}

}  // namespace

std::string sweep_csv(const SweepSpec& spec, const SweepResult& r) {
  std::vector<std::string> header{"point", "replication", "seed"};
  for (const auto& a : spec.axes) header.push_back(a.path.text);
  for (const char* h : {"flow", "from", "to", "metric", "unit", "value"}) header.emplace_back(h);
  std::string out = csv_line(header);
  for (const auto& run : r.runs) {
    const auto labels = axis_values(spec, run.point);
    for (const auto& m : run.metrics.metrics) {
      std::vector<std::string> row{std::to_string(run.point), std::to_string(run.replication),
                                   std::to_string(run.seed)};
      row.insert(row.end(), labels.begin(), labels.end());
      const auto& flow = run.metrics.flows[m.flow];
      for (const std::string& f : {std::to_string(m.flow), flow.from, flow.to, m.name, m.unit, exact(m.value)}) {
        row.push_back(f);
      }
      out += csv_line(row);
    }
  }
  return out;
}

std::string sweep_json(const SweepSpec& spec, const SweepResult& r) {
  JsonWriter w;
  w.begin_object();
  head_json(w, spec);
  w.key("rows").begin_array();
  for (const auto& run : r.runs) {
    for (const auto& m : run.metrics.metrics) {
      w.begin_object();
      point_json(w, spec, run.point);
      w.key("replication").value(static_cast<std::uint64_t>(run.replication));
      w.key("seed").value(run.seed);
      w.key("flow").value(static_cast<std::uint64_t>(m.flow));
      w.key("kind").value(std::string(sweep::to_string(run.metrics.flows[m.flow].kind)));
      w.key("from").value(run.metrics.flows[m.flow].from);
      w.key("to").value(run.metrics.flows[m.flow].to);
      w.key("metric").value(m.name);
      w.key("unit").value(m.unit);
      w.key("value").value(m.value);
      w.end_object();
    }
  }
  w.end_array();
  w.key("summary").begin_array();
  for (const auto& s : sweep_summary(spec, r)) {
    w.begin_object();
    point_json(w, spec, s.point);
    w.key("flow").value(static_cast<std::uint64_t>(s.metric->flow));
    w.key("kind").value(std::string(sweep::to_string(s.flow->kind)));
    w.key("metric").value(s.metric->name);
    w.key("unit").value(s.metric->unit);
    w.key("n").value(static_cast<std::uint64_t>(s.interval.n));
    w.key("mean").value(s.interval.mean);
    if (s.interval.has_interval) {
      w.key("ci95_low").value(s.interval.low);
      w.key("ci95_high").value(s.interval.high);
    } else {
      w.key("ci95_low").null();
      w.key("ci95_high").null();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

std::string sweep_text(const SweepSpec& spec, const SweepResult& r) {
  std::string out = head_text(spec);
  out += "mean over replications, 95% confidence interval (Student t); times in ms\n\n";
  std::vector<std::string> header{"point"};
  for (const auto& a : spec.axes) header.push_back(a.path.text);
  for (const char* h : {"flow", "metric", "mean", "95% CI"}) header.emplace_back(h);
  Table t(header);
  for (const auto& s : sweep_summary(spec, r)) {
    std::vector<std::string> row{std::to_string(s.point)};
    const auto labels = axis_values(spec, s.point);
    row.insert(row.end(), labels.begin(), labels.end());
    row.push_back(std::to_string(s.metric->flow));
    row.push_back(s.metric->name);
    row.push_back(human(s.interval.mean));
    row.push_back(s.interval.has_interval ? human(s.interval.low) + " .. " + human(s.interval.high) : "-");
    t.add(std::move(row));
  }
  out += t.str();
  if (!r.runs.empty() && r.runs.front().metrics.flows.empty()) {
    out += "\nthe scenario has no traffic or dnsTraffic, so the runs measured nothing\n";
  } else if (!r.runs.empty()) {
    out += "\nflows\n";
    const auto& flows = r.runs.front().metrics.flows;
    for (std::size_t i = 0; i < flows.size(); ++i) {
      const auto& f = flows[i];
      std::string what;
      switch (f.kind) {
        case sweep::FlowKind::traffic:
          what = "traffic." + std::to_string(f.index) + "  " + f.from + " -> " + f.to;
          break;
        case sweep::FlowKind::dns:
          what = "dnsTraffic." + std::to_string(f.index) + "  " + f.from + " looks up " + f.to;
          break;
        case sweep::FlowKind::dns_servers:
          what = "DNS servers over every dnsTraffic stream (" + f.to + ")";
          break;
      }
      out += "  " + std::to_string(i) + "  " + what + "\n";
    }
  }
  return out;
}

std::string knee_csv(const KneeResult& k, const KneeOptions& o) {
  std::vector<std::string> header{"point"};
  for (const auto& a : k.grid.axes) header.push_back(a.path.text);
  for (const char* h : {"rate_path", "flow", "bound", "status", "knee_rate", "probes"}) header.emplace_back(h);
  std::string out = csv_line(header);
  for (const auto& row : k.rows) {
    std::vector<std::string> fields{std::to_string(row.point)};
    const auto labels = axis_values(k.grid, row.point);
    fields.insert(fields.end(), labels.begin(), labels.end());
    for (const std::string& f : {o.rate_path.text, std::to_string(o.flow), o.bound_text, row.status, exact(row.knee),
                                 std::to_string(row.probes.size())}) {
      fields.push_back(f);
    }
    out += csv_line(fields);
  }
  return out;
}

std::string knee_json(const KneeResult& k, const KneeOptions& o) {
  JsonWriter w;
  w.begin_object();
  head_json(w, k.grid);
  w.key("rate_path").value(o.rate_path.text);
  w.key("flow").value(static_cast<std::uint64_t>(o.flow));
  w.key("metric").value(o.metric);
  w.key("bound").value(o.bound);
  w.key("low").value(o.low);
  w.key("high").value(o.high);
  w.key("tolerance").value(o.tolerance);
  w.key("knees").begin_array();
  for (const auto& row : k.rows) {
    w.begin_object();
    point_json(w, k.grid, row.point);
    w.key("status").value(row.status);
    w.key("knee_rate").value(row.knee);
    w.key("probes").begin_array();
    for (const auto& p : row.probes) {
      w.begin_inline_array().value(p.rate).value(p.value).value(p.below).end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

std::string knee_text(const KneeResult& k, const KneeOptions& o) {
  std::string out = head_text(k.grid);
  out += "knee: highest rate at " + o.rate_path.text + " with mean " + o.bound_text + " on flow " +
         std::to_string(o.flow) + ", bisection from " + human(o.low) + "/s to " + human(o.high) + "/s to within " +
         human(o.tolerance * 100) + "%\n\n";
  std::vector<std::string> header{"point"};
  for (const auto& a : k.grid.axes) header.push_back(a.path.text);
  for (const char* h : {"knee", "status", "probes", o.metric.c_str()}) header.emplace_back(h);
  Table t(header);
  for (const auto& row : k.rows) {
    std::vector<std::string> fields{std::to_string(row.point)};
    const auto labels = axis_values(k.grid, row.point);
    fields.insert(fields.end(), labels.begin(), labels.end());
    fields.push_back(row.status == "below_low" ? "-" : human(row.knee) + "/s");
    fields.push_back(row.status == "found"        ? "found"
                     : row.status == "below_low" ? "bound crossed at the low rate"
                                                 : "bound not reached at the high rate");
    fields.push_back(std::to_string(row.probes.size()));
    // The metric at the knee (the last probe below the bound).
    std::string at_knee = "-";
    for (const auto& p : row.probes) {
      if (p.below && p.rate == row.knee) at_knee = human(p.value);
    }
    fields.push_back(at_knee);
    t.add(std::move(fields));
  }
  return out + t.str();
}

}  // namespace eksim::report
