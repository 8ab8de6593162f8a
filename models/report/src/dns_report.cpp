#include "eksim/report/dns_report.hpp"

#include "eksim/report/json_writer.hpp"
#include "eksim/report/table.hpp"

namespace eksim::report {
namespace {

using sim::format_duration_human;
using sim::Time;

std::string family_name(dns::LookupFamily f) {
  switch (f) {
    case dns::LookupFamily::A:
      return "A";
    case dns::LookupFamily::AAAA:
      return "AAAA";
    case dns::LookupFamily::Both:
      return "A+AAAA";
  }
  return "?";
}

std::string addresses(const std::vector<net::Ipv4Address>& a) {
  std::string out;
  for (const auto& ip : a) out += (out.empty() ? "" : ", ") + ip.to_string();
  return out;
}

std::string answer_of(const dns::QueryRecord& q) {
  std::string out = q.outcome;
  if (q.too_late) out += " (after the client's timeout)";
  return out;
}

std::string result_line(const dns::TracedLookup& t) {
  const dns::LookupResult& r = t.result;
  switch (r.status) {
    case dns::LookupStatus::Resolved: {
      std::string chain;
      for (const auto& c : r.cnames) chain += " -> CNAME " + c;
      return r.answered_name + chain + " A " + addresses(r.addresses);
    }
    case dns::LookupStatus::NxDomain:
      return "NXDOMAIN: no name on the search list exists";
    case dns::LookupStatus::NoData:
      return "NODATA: the name exists but has no record of the type asked";
    case dns::LookupStatus::Timeout:
      return "timeout: no answer within the resolver's timeout and attempts";
  }
  return "";
}

const char* const kQuantileNames[] = {"p50", "p90", "p99", "max"};
constexpr double kQuantiles[] = {0.5, 0.9, 0.99, 1.0};

}  // namespace

std::string dns_lookup_text(const dns::TracedLookup& t) {
  std::string out = "lookup " + t.name + " (" + family_name(t.family) + ") from " + t.from + "\n\nresolv.conf\n";
  std::string conf = t.conf.text();
  for (std::size_t at = 0; at < conf.size();) {
    const auto nl = conf.find('\n', at);
    out += "  " + conf.substr(at, nl - at) + "\n";
    at = nl + 1;
  }
  out += "\nqueries\n";
  Table table({"#", "sent", "name", "type", "try", "server", "path", "answer", "time"});
  for (std::size_t i = 0; i < t.queries.size(); ++i) {
    const auto& q = t.queries[i];
    table.add({std::to_string(i + 1), format_duration_human(q.sent - t.result.started), q.name,
               std::string(dns::to_string(q.type)), std::to_string(q.attempt), q.server, q.path, answer_of(q),
               q.answered ? format_duration_human(*q.answered - q.sent) : "-"});
  }
  out += table.str();
  for (std::size_t i = 0; i < t.queries.size(); ++i) {
    if (!t.queries[i].note.empty()) out += "  note on #" + std::to_string(i + 1) + ": " + t.queries[i].note + "\n";
  }
  out += "\nanswer  " + result_line(t) + "\n";
  for (const auto& n : t.result.notes) out += "why     " + n + "\n";
  out += "total   " + format_duration_human(t.result.finished - t.result.started) + ", " +
         std::to_string(t.result.queries) + (t.result.queries == 1 ? " query\n" : " queries\n");
  return out;
}

std::string dns_lookup_json(const dns::TracedLookup& t, const std::string& scenario) {
  JsonWriter w;
  w.begin_object();
  w.key("scenario").value(scenario);
  w.key("from").value(t.from);
  w.key("name").value(t.name);
  w.key("family").value(family_name(t.family));
  w.key("resolv_conf").begin_object();
  w.key("nameservers").begin_array();
  for (const auto& n : t.conf.nameservers) w.value(n.to_string());
  w.end_array();
  w.key("search").begin_array();
  for (const auto& s : t.conf.searches) w.value(s);
  w.end_array();
  w.key("ndots").value(t.conf.ndots);
  w.key("timeout_ns").value(t.conf.timeout.count());
  w.key("attempts").value(t.conf.attempts);
  w.end_object();
  w.key("queries").begin_array();
  for (const auto& q : t.queries) {
    w.begin_object();
    w.key("name").value(q.name);
    w.key("type").value(dns::to_string(q.type));
    w.key("attempt").value(q.attempt);
    w.key("server").value(q.server);
    w.key("path").value(q.path);
    w.key("answer").value(q.outcome);
    w.key("note").value(q.note);
    w.key("sent_ns").value((q.sent - t.result.started).count());
    w.key("answered_ns");
    if (q.answered) {
      w.value((*q.answered - t.result.started).count());
    } else {
      w.null();
    }
    w.key("after_timeout").value(q.too_late);
    w.end_object();
  }
  w.end_array();
  w.key("result").begin_object();
  w.key("status").value(dns::to_string(t.result.status));
  w.key("answered_name").value(t.result.answered_name);
  w.key("addresses").begin_array();
  for (const auto& a : t.result.addresses) w.value(a.to_string());
  w.end_array();
  w.key("cnames").begin_array();
  for (const auto& c : t.result.cnames) w.value(c);
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& n : t.result.notes) w.value(n);
  w.end_array();
  w.key("total_ns").value((t.result.finished - t.result.started).count());
  w.key("queries").value(t.result.queries);
  w.end_object();
  w.end_object();
  return w.str() + "\n";
}

std::string dns_load_text(const dns::DnsLoadResult& r) {
  std::string out = "scenario " + r.scenario + "  seed " + std::to_string(r.seed) + "  arrivals " +
                    format_duration_human(r.duration) + "  events " + std::to_string(r.events) + "\n\n";
  Table flows({"flow", "from", "name", "pods", "lookups", "resolved", "NXDOMAIN", "NODATA", "timeout", "queries", ">1s",
               "p50", "p90", "p99", "max"});
  for (std::size_t i = 0; i < r.flows.size(); ++i) {
    const auto& f = r.flows[i];
    std::vector<std::string> row{std::to_string(i),
                                 f.from,
                                 f.name,
                                 std::to_string(f.source_pods),
                                 std::to_string(f.lookups),
                                 std::to_string(f.resolved),
                                 std::to_string(f.nxdomain),
                                 std::to_string(f.nodata),
                                 std::to_string(f.timeouts),
                                 std::to_string(f.queries),
                                 std::to_string(f.slower_than_1s)};
    for (double q : kQuantiles) row.push_back(format_duration_human(Time::ns(f.latency.quantile(q))));
    flows.add(std::move(row));
  }
  out += flows.str();
  out += "\nVPC resolver: packets by ENI (limit 1024/s each)\n";
  Table enis({"eni", "passed", "dropped"});
  for (const auto& e : r.resolver) enis.add({e.eni, std::to_string(e.passed), std::to_string(e.dropped)});
  out += enis.str();
  out += "\nDNS servers\n";
  Table servers({"server", "queries", "cache hits", "cache misses", "waited"});
  for (const auto* list : {&r.coredns, &r.node_local}) {
    for (const auto& s : *list) {
      servers.add({s.name, std::to_string(s.queries), std::to_string(s.cache.hits), std::to_string(s.cache.misses),
                   std::to_string(s.waited)});
    }
  }
  out += servers.str();
  return out;
}

std::string dns_load_json(const dns::DnsLoadResult& r) {
  JsonWriter w;
  w.begin_object();
  w.key("scenario").value(r.scenario);
  w.key("seed").value(r.seed);
  w.key("duration_ns").value(r.duration.count());
  w.key("events").value(r.events);
  w.key("flows").begin_array();
  for (const auto& f : r.flows) {
    w.begin_object();
    w.key("from").value(f.from);
    w.key("name").value(f.name);
    w.key("rate_per_second").value(f.rate_per_second);
    w.key("source_pods").value(static_cast<std::uint64_t>(f.source_pods));
    w.key("lookups").value(f.lookups);
    w.key("resolved").value(f.resolved);
    w.key("nxdomain").value(f.nxdomain);
    w.key("nodata").value(f.nodata);
    w.key("timeouts").value(f.timeouts);
    w.key("queries").value(f.queries);
    w.key("slower_than_1s").value(f.slower_than_1s);
    for (std::size_t q = 0; q < 4; ++q) {
      w.key(std::string(kQuantileNames[q]) + "_ns").value(f.latency.quantile(kQuantiles[q]));
    }
    w.key("latency_histogram").begin_array();
    for (const auto& b : f.latency.buckets()) {
      w.begin_inline_array().value(b.lower).value(b.upper).value(b.count).end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("resolver").begin_array();
  for (const auto& e : r.resolver) {
    w.begin_object().key("eni").value(e.eni).key("passed").value(e.passed).key("dropped").value(e.dropped).end_object();
  }
  w.end_array();
  w.key("servers").begin_array();
  for (const auto* list : {&r.coredns, &r.node_local}) {
    for (const auto& s : *list) {
      w.begin_object();
      w.key("name").value(s.name);
      w.key("queries").value(s.queries);
      w.key("cache_hits").value(s.cache.hits);
      w.key("cache_misses").value(s.cache.misses);
      w.key("waited").value(s.waited);
      w.end_object();
    }
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

}  // namespace eksim::report
