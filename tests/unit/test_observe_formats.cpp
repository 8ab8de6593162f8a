// The observability writers, each read back by a reader written from the
// format's own specification (or by the format's own tool).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <string>
#include <vector>

#include <unistd.h>

#include "eksim/observe/chrome_trace.hpp"
#include "eksim/observe/envoy_access_log.hpp"
#include "eksim/observe/flow_log.hpp"
#include "eksim/observe/metrics_text.hpp"
#include "eksim/sim/random.hpp"

using namespace eksim;
using sim::Time;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (const char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Runs a command with `input` in a file given as its last argument; returns exit status and output.
std::pair<int, std::string> run_with_file(const std::string& command, const std::string& input) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("eksim-observe-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::ofstream(path) << input;
  std::string output;
  FILE* p = ::popen((command + " " + path.string() + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) output += buf.data();
  const int status = ::pclose(p);
  std::filesystem::remove(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

// --- VPC Flow Logs -----------------------------------------------------------

// A reader written from AWS's list of the default format's fields
// (docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html).
struct ParsedFlow {
  std::map<std::string, std::string> fields;
};
ParsedFlow read_flow_line(const std::string& line) {
  static const std::vector<std::string> kFields{"version", "account-id", "interface-id", "srcaddr", "dstaddr",
                                                "srcport", "dstport",    "protocol",     "packets", "bytes",
                                                "start",   "end",        "action",       "log-status"};
  const auto parts = split(line, ' ');
  REQUIRE(parts.size() == kFields.size());
  ParsedFlow f;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    REQUIRE_FALSE(parts[i].empty());
    f.fields[kFields[i]] = parts[i];
  }
  return f;
}

TEST_CASE("flow log records parse back field by field in AWS's default order", "[observe]") {
  observe::FlowLogRecord accept;
  accept.account_id = "123456789010";
  accept.interface_id = "eni-1235b8ca123456789";
  accept.srcaddr = net::Ipv4Address::from_octets(172, 31, 16, 139);
  accept.dstaddr = net::Ipv4Address::from_octets(172, 31, 16, 21);
  accept.srcport = 20641;
  accept.dstport = 22;
  accept.protocol = 6;
  accept.packets = 20;
  accept.bytes = 4249;
  accept.start = 1418530010;
  accept.end = 1418530070;
  observe::FlowLogRecord reject = accept;
  reject.action = observe::FlowAction::Reject;
  reject.dstport = 3389;
  observe::FlowLogRecord nodata = accept;
  nodata.log_status = observe::FlowLogStatus::NoData;

  std::string out = observe::flow_log_header();
  observe::append_flow_log(out, accept);
  observe::append_flow_log(out, reject);
  observe::append_flow_log(out, nodata);
  const auto lines = split(out, '\n');
  REQUIRE(lines.size() == 5);  // header, three records, "" after the last newline
  CHECK(lines[0] == "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
                    "action log-status");
  // AWS's own example of an accepted SSH flow, character for character.
  CHECK(lines[1] == "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
                    "1418530070 ACCEPT OK");
  const ParsedFlow a = read_flow_line(lines[1]);
  CHECK(a.fields.at("version") == "2");
  CHECK(a.fields.at("srcaddr") == "172.31.16.139");
  CHECK(a.fields.at("dstport") == "22");
  CHECK(a.fields.at("bytes") == "4249");
  CHECK(a.fields.at("action") == "ACCEPT");
  const ParsedFlow r = read_flow_line(lines[2]);
  CHECK(r.fields.at("action") == "REJECT");
  CHECK(r.fields.at("dstport") == "3389");
  CHECK(r.fields.at("log-status") == "OK");
  const ParsedFlow n = read_flow_line(lines[3]);
  CHECK(n.fields.at("log-status") == "NODATA");
  CHECK(n.fields.at("srcaddr") == "-");
  CHECK(n.fields.at("action") == "-");
  CHECK(n.fields.at("start") == "1418530010");
}

TEST_CASE("flow log aggregation sums packets per flow and window, start/end the first and last second", "[observe]") {
  observe::FlowLogAggregator agg("123456789012", 1'700'000'000, 60);
  const auto eni_a = agg.interface("eni-0aaa");
  const auto eni_b = agg.interface("eni-0bbb");
  CHECK(agg.interface("eni-0aaa") == eni_a);
  observe::FlowLogAggregator::Packets web{net::Ipv4Address::from_octets(10, 0, 0, 6),
                                          net::Ipv4Address::from_octets(10, 0, 0, 16), 40000, 8080, 6,
                                          observe::FlowAction::Accept};
  observe::FlowLogAggregator::Packets blocked = web;
  blocked.dstport = 6379;
  blocked.action = observe::FlowAction::Reject;
  // Brute force, kept by hand: (window, eni, port) -> packets, bytes, first, last second.
  struct Sum {
    std::uint64_t packets = 0, bytes = 0;
    std::int64_t first = 1LL << 62, last = -1;
  };
  std::map<std::tuple<std::int64_t, std::string, int>, Sum> expect;
  sim::RandomStream rng(3, 0, "flows", "times");
  for (int i = 0; i < 5000; ++i) {
    const Time at = Time::ms(static_cast<std::int64_t>(rng.uniform01() * 150'000));  // 2.5 windows
    const bool reject = i % 7 == 0;
    const bool on_b = i % 3 == 0;
    const std::uint64_t bytes = 100 + static_cast<std::uint64_t>(i % 50);
    agg.add(on_b ? eni_b : eni_a, reject ? blocked : web, at, 2, bytes);
    const std::int64_t second = 1'700'000'000 + at.count() / 1'000'000'000;
    Sum& e = expect[{at.count() / 60'000'000'000, on_b ? "eni-0bbb" : "eni-0aaa", reject ? 6379 : 8080}];
    e.packets += 2;
    e.bytes += bytes;
    e.first = std::min(e.first, second);
    e.last = std::max(e.last, second);
  }
  const auto records = agg.records();
  REQUIRE(records.size() == expect.size());
  std::size_t i = 0;
  for (const auto& [key, sum] : expect) {  // std::map order: window, ENI id, port, as records() orders them
    const observe::FlowLogRecord& r = records[i++];
    INFO("window " << std::get<0>(key) << " " << std::get<1>(key) << " port " << std::get<2>(key));
    CHECK(r.interface_id == std::get<1>(key));
    CHECK(r.dstport == std::get<2>(key));
    CHECK(r.packets == sum.packets);
    CHECK(r.bytes == sum.bytes);
    CHECK(r.start == sum.first);
    CHECK(r.end == sum.last);
    CHECK((r.action == observe::FlowAction::Reject) == (std::get<2>(key) == 6379));
    CHECK(r.start >= 1'700'000'000 + std::get<0>(key) * 60);
    CHECK(r.end < 1'700'000'000 + (std::get<0>(key) + 1) * 60);
  }
  // Every text line reads back with 14 fields.
  const auto lines = split(agg.text(), '\n');
  CHECK(lines.size() == expect.size() + 2);
  for (std::size_t l = 1; l + 1 < lines.size(); ++l) read_flow_line(lines[l]);
}

// --- Prometheus / OpenMetrics text --------------------------------------------

TEST_CASE("metrics: bucket counts are exact at the printed le, _count is the number of samples", "[observe]") {
  sim::Histogram h;
  std::vector<std::int64_t> samples;
  sim::RandomStream rng(7, 0, "observe-test", "latency");
  for (int i = 0; i < 20'000; ++i) {
    // Log-uniform from 1 us to 2 s, so every default bound sees samples on both sides.
    const auto v = static_cast<std::int64_t>(std::exp(std::log(1e3) + rng.uniform01() * (std::log(2e9) - std::log(1e3))));
    samples.push_back(v);
    h.record(v);
  }
  observe::MetricsText m;
  m.counter("eksim_requests", "Requests completed", observe::flow_labels("shop", "web", "frontend", "0"), 20'000);
  m.histogram("eksim_request_duration_seconds", "Request latency",
              observe::flow_labels("shop", "web", "frontend", "0"), h);
  const std::string text = m.str();

  // A reader from the text format specification: "name{labels} value" lines,
  // '#' lines are HELP/TYPE.
  std::map<std::string, double> le_counts;
  double count = -1, sum = -1, inf = -1, total = -1;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) continue;
    const auto space = line.rfind(' ');
    const std::string series = line.substr(0, space);
    const double value = std::stod(line.substr(space + 1));
    if (series.rfind("eksim_request_duration_seconds_bucket", 0) == 0) {
      const auto le = series.find("le=\"");
      const std::string bound = series.substr(le + 4, series.find('"', le + 4) - le - 4);
      if (bound == "+Inf") {
        inf = value;
      } else {
        le_counts[bound] = value;
      }
    } else if (series.rfind("eksim_request_duration_seconds_count", 0) == 0) {
      count = value;
    } else if (series.rfind("eksim_request_duration_seconds_sum", 0) == 0) {
      sum = value;
    } else if (series.rfind("eksim_requests_total", 0) == 0) {
      total = value;
    }
  }
  CHECK(count == 20'000);
  CHECK(inf == 20'000);
  CHECK(total == 20'000);
  long double expected_sum = 0;
  for (const auto v : samples) expected_sum += v;
  CHECK(sum == Approx(static_cast<double>(expected_sum) * 1e-9).epsilon(1e-12));
  REQUIRE(le_counts.size() == observe::default_latency_bounds().size());
  for (const auto& [bound, got] : le_counts) {
    // Brute force over the raw samples: how many are <= le.
    const auto le_ns = static_cast<std::int64_t>(std::llround(std::stod(bound) * 1e9));
    std::size_t at_most = 0;
    for (const auto v : samples) at_most += v <= le_ns ? 1 : 0;
    INFO("le=" << bound);
    CHECK(got == static_cast<double>(at_most));
  }
  // Each le lies at or at most 1/128 above its requested bound (one bucket width).
  for (const Time b : observe::default_latency_bounds()) {
    const std::int64_t edge = observe::histogram_edge(b);
    CHECK(edge >= b.count());
    CHECK(static_cast<double>(edge - b.count()) <= static_cast<double>(b.count()) / 128.0);
  }
  CHECK(text.find("# TYPE eksim_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(text.find("# TYPE eksim_requests_total counter\n") != std::string::npos);
}

TEST_CASE("metrics: label values are escaped and the file passes promtool check metrics", "[observe]") {
  CHECK(observe::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(observe::seconds_text(100'352) == "0.000100352");
  CHECK(observe::seconds_text(2'000'000'000) == "2");
  sim::Histogram h;
  for (int i = 1; i <= 1000; ++i) h.record(Time::us(i));
  observe::MetricsText m;
  m.counter("eksim_requests", "Requests completed", observe::flow_labels("shop", "web", "front\"end", "0"), 1000);
  m.counter("eksim_requests", "Requests completed", observe::flow_labels("shop", "web", "cart", "1"), 7);
  m.histogram("eksim_request_duration_seconds", "Request latency, from send to last byte",
              observe::flow_labels("shop", "web", "frontend", "0"), h);
  m.histogram("eksim_request_duration_seconds", "Request latency, from send to last byte",
              observe::flow_labels("shop", "web", "cart", "1"), sim::Histogram{});
  const auto [status, output] = run_with_file("promtool check metrics <", m.str());
  INFO(output);
  CHECK(status == 0);
}

// --- Chrome trace events ---------------------------------------------------------

TEST_CASE("chrome trace JSON loads with Python's json and follows the trace event schema", "[observe]") {
  observe::ChromeTrace t("quickstart");
  const auto client = t.track("web/frontend-0");
  const auto dns = t.track("coredns");
  const auto server = t.track("web/cart-0");
  const auto cat = t.name("request");
  t.complete(client, t.name("request 1"), cat, Time::us(10), Time::ns(5'123'456), 1);
  t.complete(dns, t.name("dns \"cart.web\""), cat, Time::us(10), Time::ns(250'500), 1);
  t.complete(server, t.name("serve"), cat, Time::ns(1'300'001), Time::ms(3), 1);
  CHECK(observe::microseconds_text(5'123'456) == "5123.456");
  CHECK(observe::microseconds_text(10'000) == "10");
  // The checker, in Python with its json module: every event has the keys
  // its phase requires, X events have numeric ts/dur, every tid used by an X
  // event is named by a thread_name metadata event.
  const std::string checker = R"PY(
import json, sys
doc = json.load(open(sys.argv[1]))
ev = doc["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
procs = [e for e in ev if e["ph"] == "M" and e["name"] == "process_name"]
assert len(procs) == 1 and procs[0]["args"]["name"] == "quickstart", procs
xs = [e for e in ev if e["ph"] == "X"]
for e in xs:
    for k in ("name", "cat", "ts", "dur", "pid", "tid"):
        assert k in e, (k, e)
    assert isinstance(e["ts"], (int, float)) and isinstance(e["dur"], (int, float)) and e["dur"] >= 0
    assert e["tid"] in names, e
print(len(xs), names[xs[1]["tid"]], xs[1]["name"], xs[0]["dur"], xs[2]["ts"])
)PY";
  const auto [status, output] = run_with_file("/usr/bin/python3 -c '" + checker + "'", t.json());
  INFO(output);
  REQUIRE(status == 0);
  CHECK(output == "3 coredns dns \"cart.web\" 5123.456 1300.001\n");
}

// --- Envoy access log ---------------------------------------------------------

TEST_CASE("envoy access log lines follow the default format string", "[observe]") {
  // The example line of Envoy's access logging docs, field for field.
  observe::EnvoyAccessRecord r;
  r.start_unix_ms = 1460751420310;  // 2016-04-15T20:17:00.310Z
  r.method = "POST";
  r.path = "/api/v1/locations";
  r.protocol = "HTTP/2";
  r.response_code = 204;
  r.bytes_received = 154;
  r.bytes_sent = 0;
  r.duration_ms = 226;
  r.upstream_service_time_ms = 100;
  r.x_forwarded_for = "10.0.35.28";
  r.user_agent = "nsq2http";
  r.request_id = "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2";
  r.authority = "locations";
  r.upstream_host = "tcp://10.0.2.1:80";
  std::string out;
  observe::append_envoy_access_log(out, r);
  CHECK(out == "[2016-04-15T20:17:00.310Z] \"POST /api/v1/locations HTTP/2\" 204 - 154 0 226 100 \"10.0.35.28\" "
               "\"nsq2http\" \"cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2\" \"locations\" \"tcp://10.0.2.1:80\"\n");
  // Unset values print as "-".
  observe::EnvoyAccessRecord empty;
  out.clear();
  observe::append_envoy_access_log(out, empty);
  CHECK(out == "[1970-01-01T00:00:00.000Z] \"- - -\" 0 - 0 0 0 - \"-\" \"-\" \"-\" \"-\" \"-\"\n");
  CHECK(observe::envoy_start_time(951782400000 + 86'399'999) == "2000-02-29T23:59:59.999Z");
}
