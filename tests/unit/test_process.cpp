// Coroutine processes and FIFO resources against hand-worked timelines.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "eksim/sim/process.hpp"
#include "eksim/sim/resource.hpp"

using eksim::sim::Resource;
using eksim::sim::Simulator;
using eksim::sim::spawn;
using eksim::sim::Task;
using eksim::sim::Time;
using namespace eksim::sim::literals;

namespace {

struct Log {
  std::vector<std::string> lines;
  void add(Simulator& sim, const std::string& who, const std::string& what) {
    lines.push_back(std::to_string(sim.now().count() / 1'000) + "us " + who + " " + what);
  }
};

Task<> customer(Simulator& sim, Resource& server, Log& log, std::string name, Time arrival, Time service) {
  co_await sim.sleep(arrival);
  log.add(sim, name, "arrives");
  auto slot = co_await server.acquire();
  log.add(sim, name, "starts");
  co_await sim.sleep(service);
  log.add(sim, name, "leaves");
}

}  // namespace

TEST_CASE("a capacity-1 server serves in arrival order", "[process]") {
  // Hand-worked: service 3 ms each, arrivals at 0, 1, 2 ms.
  // C0 0-3, C1 waits 1-3 then 3-6, C2 waits 2-6 then 6-9.
  Simulator sim;
  Resource server(sim, 1);
  Log log;
  spawn(sim, customer(sim, server, log, "C0", 0_ms, 3_ms));
  spawn(sim, customer(sim, server, log, "C1", 1_ms, 3_ms));
  spawn(sim, customer(sim, server, log, "C2", 2_ms, 3_ms));
  sim.run();
  CHECK(log.lines == std::vector<std::string>{
                         "0us C0 arrives", "0us C0 starts", "1000us C1 arrives", "2000us C2 arrives",
                         "3000us C0 leaves", "3000us C1 starts", "6000us C1 leaves", "6000us C2 starts",
                         "9000us C2 leaves"});
  CHECK(sim.now() == 9_ms);
  CHECK(server.waits() == 2);
  CHECK(server.total_wait() == 2_ms + 4_ms);
  CHECK(server.in_use() == 0);
  CHECK(sim.live_processes() == 0);
}

TEST_CASE("a capacity-3 server hands freed slots to waiters first come first served", "[process]") {
  // Hand-worked: C0 (0, 4ms), C1 (0, 2ms), C2 (0, 6ms) start at once.
  // C3 arrives at 1ms, gets C1's slot at 2ms, leaves at 3ms.
  // C4 arrives at 2.5ms, gets C3's slot at 3ms, leaves at 4ms.
  Simulator sim;
  Resource server(sim, 3);
  Log log;
  spawn(sim, customer(sim, server, log, "C0", 0_ms, 4_ms));
  spawn(sim, customer(sim, server, log, "C1", 0_ms, 2_ms));
  spawn(sim, customer(sim, server, log, "C2", 0_ms, 6_ms));
  spawn(sim, customer(sim, server, log, "C3", 1_ms, 1_ms));
  spawn(sim, customer(sim, server, log, "C4", 2500_us, 1_ms));
  sim.run();
  // A free slot is taken without suspending, so arrival and start coincide.
  CHECK(log.lines == std::vector<std::string>{
                         "0us C0 arrives", "0us C0 starts", "0us C1 arrives", "0us C1 starts", "0us C2 arrives",
                         "0us C2 starts", "1000us C3 arrives", "2000us C1 leaves", "2000us C3 starts",
                         "2500us C4 arrives", "3000us C3 leaves", "3000us C4 starts", "4000us C0 leaves",
                         "4000us C4 leaves", "6000us C2 leaves"});
  CHECK(server.waits() == 2);
  CHECK(server.total_wait() == 1_ms + 500_us);
  CHECK(server.acquisitions() == 5);
}

namespace {
// Arrives at 2ms through a wake-up scheduled at 1ms, so at 2ms it runs after
// every event scheduled earlier for that instant.
Task<> late_customer(Simulator& sim, Resource& server, Log& log) {
  co_await sim.sleep(1_ms);
  co_await sim.sleep(1_ms);
  log.add(sim, "D", "arrives");
  auto slot = co_await server.acquire();
  log.add(sim, "D", "starts");
  co_await sim.sleep(1_ms);
  log.add(sim, "D", "leaves");
}
}  // namespace

TEST_CASE("an arrival never overtakes a waiter at the instant a slot is handed over", "[process]") {
  // A holds the only slot until 2ms; B waits from 1ms. At 2ms A leaves and
  // the slot passes to B, whose wake-up is queued behind D's arrival at the
  // same instant. D finds the slot promised to B and must wait.
  Simulator sim;
  Resource server(sim, 1);
  Log log;
  spawn(sim, customer(sim, server, log, "A", 0_ms, 2_ms));
  spawn(sim, customer(sim, server, log, "B", 1_ms, 1_ms));
  spawn(sim, late_customer(sim, server, log));
  sim.run();
  CHECK(log.lines == std::vector<std::string>{"0us A arrives", "0us A starts", "1000us B arrives", "2000us A leaves",
                                              "2000us D arrives", "2000us B starts", "3000us B leaves",
                                              "3000us D starts", "4000us D leaves"});
}

namespace {
Task<int> child(Simulator& sim, int x) {
  co_await sim.sleep(5_us);
  co_return x * 2;
}
Task<int> middle(Simulator& sim, int x) {
  const int a = co_await child(sim, x);
  const int b = co_await child(sim, a);
  co_return a + b;
}
Task<> parent(Simulator& sim, int& out) { out = co_await middle(sim, 10); }
Task<> thrower(Simulator& sim) {
  co_await sim.sleep(1_ms);
  throw std::runtime_error("boom");
}
Task<> sleeper(Simulator& sim, Resource& r) {
  auto slot = co_await r.acquire();
  co_await sim.sleep(1_s);
}
}  // namespace

TEST_CASE("nested tasks return values through co_await", "[process]") {
  Simulator sim;
  int out = 0;
  spawn(sim, parent(sim, out));
  sim.run();
  CHECK(out == 20 + 40);
  CHECK(sim.now() == 10_us);
}

TEST_CASE("an exception in a process stops the run and reaches the caller", "[process]") {
  Simulator sim;
  spawn(sim, thrower(sim));
  CHECK_THROWS_WITH(sim.run(), "boom");
  CHECK(sim.now() == 1_ms);
}

TEST_CASE("processes still suspended at the horizon are destroyed with the simulator", "[process]") {
  auto* sim = new Simulator;
  auto* r = new Resource(*sim, 1);
  for (int i = 0; i < 3; ++i) spawn(*sim, sleeper(*sim, *r));
  sim->run_until(10_ms);
  CHECK(sim->now() == 10_ms);
  CHECK(sim->live_processes() == 3);
  CHECK(r->queue_length() == 2);
  // The resource goes first, as it would as a later-declared member; the
  // holders' slots must not touch it during teardown (ASan checks this).
  delete r;
  delete sim;
}

TEST_CASE("plain events call member functions with no allocation", "[process]") {
  struct Ticker {
    Simulator& sim;
    std::vector<Time> ticks;
    void tick() {
      ticks.push_back(sim.now());
      if (ticks.size() < 4) sim.call_in<&Ticker::tick>(250_us, *this);
    }
  };
  Simulator sim;
  Ticker t{sim, {}};
  sim.call_at<&Ticker::tick>(1_ms, t);
  const auto cancelled = sim.call_cancellable_at<&Ticker::tick>(2_ms, t);
  CHECK(sim.cancel(cancelled));
  sim.run();
  CHECK(t.ticks == std::vector<Time>{1_ms, 1250_us, 1500_us, 1750_us});
  CHECK(sim.events_run() == 4);
}

TEST_CASE("run_until stops at the horizon and resumes later", "[process]") {
  struct Ticker {
    Simulator& sim;
    int n = 0;
    void tick() {
      ++n;
      sim.call_in<&Ticker::tick>(1_ms, *this);
    }
  };
  Simulator sim;
  Ticker t{sim};
  sim.call_at<&Ticker::tick>(0_ms, t);
  sim.run_until(5_ms);  // ticks at 0..5 inclusive
  CHECK(t.n == 6);
  CHECK(sim.now() == 5_ms);
  sim.run_until(7500_us);
  CHECK(t.n == 8);
  CHECK(sim.now() == 7500_us);
  CHECK_THROWS(sim.call_at<&Ticker::tick>(1_ms, t));  // in the past
}
