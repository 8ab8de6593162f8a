// eksim run's VPC Flow Logs against packet and byte counts worked out by hand
// from TCP's segmentation and Linux's SYN retransmission schedule
// (docs/observability.md, "Files of a run"), on
// tests/scenarios/observe/sg-block.yaml: client on `left`, server on `right`,
// a security group admitting 8080 only.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "eksim/observe/run_observers.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/traffic/run.hpp"

using eksim::scenario::Distribution;
using eksim::sim::Time;

namespace {

eksim::scenario::Scenario sg_block(const std::string& flow) {
  auto s = eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/observe/sg-block.yaml");
  const auto it = std::find_if(s.flows.begin(), s.flows.end(), [&](const auto& f) { return f.name == flow; });
  REQUIRE(it != s.flows.end());
  s.flows = {*it};
  return s;
}

struct Line {
  std::string eni, src, dst, action;
  int sport = 0, dport = 0;
  std::uint64_t packets = 0, bytes = 0;
};

// Records after the header, split on spaces (AWS's field order).
std::vector<Line> records(const std::string& text) {
  std::istringstream in(text);
  std::string header;
  std::getline(in, header);
  std::vector<Line> out;
  std::string version, account, protocol, start, end, status;
  Line l;
  while (in >> version >> account >> l.eni >> l.src >> l.dst >> l.sport >> l.dport >> protocol >> l.packets >>
         l.bytes >> start >> end >> l.action >> status) {
    out.push_back(l);
  }
  return out;
}

std::string flow_logs(const eksim::scenario::Scenario& s) {
  eksim::observe::RunFilesOptions o;
  o.flow_logs = true;
  eksim::observe::RunFiles files(o);
  eksim::traffic::RunOptions options;
  options.observer = &files;
  const auto result = eksim::traffic::run_scenario(s, options);
  REQUIRE(result.flows.size() == 1);
  return files.flow_logs();
}

}  // namespace

TEST_CASE("flow logs: a new connection's packets and bytes, worked out by hand", "[observe][run]") {
  auto s = sg_block("allowed");
  s.flows[0].keep_alive = false;  // every request opens its own connection: one port, one record pair
  s.flows[0].request_size = Distribution::constant_of(20480);
  s.flows[0].response_size = Distribution::constant_of(1024);
  const auto lines = records(flow_logs(s));
  REQUIRE(!lines.empty());
  // Client to server: SYN (60) and ACK (52), 20480 bytes in 3 segments of at
  // most 9001 - 52 = 8949 bytes (52 bytes of headers each), and one delayed
  // ACK (52) for the response's single segment.
  //   packets 2 + 3 + 1 = 6, bytes 60 + 52 + 20480 + 3 * 52 + 52 = 20800.
  // Server to client: SYN-ACK (60), 1024 bytes in one segment (+52), and two
  // delayed ACKs for the request's three segments (2 * 52).
  //   packets 1 + 1 + 2 = 4, bytes 60 + 1024 + 52 + 104 = 1240.
  std::set<std::string> enis;
  std::set<int> ports;
  for (const auto& l : lines) {
    enis.insert(l.eni);
    CHECK(l.action == "ACCEPT");
    if (l.dport == 8080) {
      ports.insert(l.sport);
      CHECK(l.packets == 6);
      CHECK(l.bytes == 20800);
    } else {
      CHECK(l.sport == 8080);
      CHECK(l.packets == 4);
      CHECK(l.bytes == 1240);
    }
  }
  // Two ENIs, each seeing both directions of every connection.
  CHECK(enis.size() == 2);
  CHECK(lines.size() == 4 * ports.size());
  CHECK(*ports.begin() == 32768);  // Linux's first ephemeral port
}

TEST_CASE("flow logs: a security group's REJECT counts the SYNs Linux sends before the connect timeout",
          "[observe][run]") {
  auto s = sg_block("sg-blocked");
  // SYNs at 0, 1, 3 and 7 s; the next (15 s) comes after the 10 s connect timeout.
  s.flows[0].connect_timeout = Time::s(10);
  s.flows[0].timeout = Time::s(60);
  s.flows[0].retries.attempts = 0;
  const auto lines = records(flow_logs(s));
  REQUIRE(!lines.empty());
  std::set<std::string> accept_enis, reject_enis;
  std::uint64_t accepted = 0, rejected = 0;
  std::set<int> ports;
  for (const auto& l : lines) {
    CHECK(l.dport == 9090);
    ports.insert(l.sport);
    CHECK(l.bytes == 60 * l.packets);
    (l.action == "REJECT" ? reject_enis : accept_enis).insert(l.eni);
    (l.action == "REJECT" ? rejected : accepted) += l.packets;
  }
  // Out of the client's ENI (ACCEPT), dropped at the server's (REJECT).
  CHECK(accept_enis.size() == 1);
  CHECK(reject_enis.size() == 1);
  CHECK(accept_enis != reject_enis);
  // One connection per request, 4 SYNs each, on both ENIs (a record may span two 60 s windows).
  CHECK(rejected == 4 * ports.size());
  CHECK(accepted == rejected);
}

TEST_CASE("run files: the same run gives the same bytes", "[observe][run]") {
  const auto s = sg_block("mesh");
  auto once = [&] {
    eksim::observe::RunFilesOptions o;
    o.flow_logs = o.metrics = o.access_log = true;
    o.trace_every = 3;
    eksim::observe::RunFiles files(o);
    eksim::traffic::RunOptions options;
    options.observer = &files;
    eksim::traffic::run_scenario(s, options);
    return files.flow_logs() + files.metrics() + files.trace() + files.access_log();
  };
  const std::string a = once();
  CHECK(a.find("GET / HTTP/1.1") != std::string::npos);
  CHECK(a == once());
}

TEST_CASE("aws_eni_id: AWS's shape, stable and distinct per ENI", "[observe]") {
  const std::string a = eksim::observe::aws_eni_id("c/left-1/eni-0");
  CHECK(a.size() == 4 + 17);
  CHECK(a.rfind("eni-", 0) == 0);
  CHECK(a.find_first_not_of("0123456789abcdef", 4) == std::string::npos);
  CHECK(a == eksim::observe::aws_eni_id("c/left-1/eni-0"));
  CHECK(a != eksim::observe::aws_eni_id("c/left-1/eni-1"));
}
