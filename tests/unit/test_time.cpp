#include <catch2/catch.hpp>

#include "eksim/sim/time.hpp"

using eksim::sim::format_duration;
using eksim::sim::parse_duration;
using eksim::sim::Time;
using namespace eksim::sim::literals;

TEST_CASE("durations parse to exact nanoseconds", "[time]") {
  CHECK(parse_duration("250us") == Time::ns(250'000));
  CHECK(parse_duration("1.5ms") == Time::ns(1'500'000));
  CHECK(parse_duration("30s") == Time::ns(30'000'000'000));
  CHECK(parse_duration("100ns") == Time::ns(100));
  CHECK(parse_duration("2m") == Time::ns(120'000'000'000));
  CHECK(parse_duration("1h") == Time::ns(3'600'000'000'000));
  CHECK(parse_duration("0.000001s") == Time::ns(1'000));
  CHECK(parse_duration(".5s") == Time::ns(500'000'000));
  CHECK(parse_duration("0") == Time::ns(0));
  CHECK(parse_duration("0ms") == Time::ns(0));
  CHECK(parse_duration("\xC2\xB5s") == std::nullopt);  // unit with no number
  CHECK(parse_duration("3\xC2\xB5s") == Time::ns(3'000));
  // 0.1 has no exact binary form; integer parsing must still give 100 ms.
  CHECK(parse_duration("0.1s") == Time::ns(100'000'000));
}

TEST_CASE("malformed durations are rejected with a reason", "[time]") {
  std::string error;
  CHECK_FALSE(parse_duration("", &error));
  CHECK_FALSE(parse_duration("10", &error));
  CHECK(error.find("needs a unit") != std::string::npos);
  CHECK_FALSE(parse_duration("10 ms", &error));
  CHECK(error.find("unknown unit") != std::string::npos);
  CHECK_FALSE(parse_duration("10sec", &error));
  CHECK_FALSE(parse_duration("-5ms", &error));
  CHECK(error.find("negative") != std::string::npos);
  CHECK_FALSE(parse_duration("1.5ns", &error));
  CHECK(error.find("finer than one nanosecond") != std::string::npos);
  CHECK_FALSE(parse_duration("1.ms", &error));
  CHECK_FALSE(parse_duration("ms", &error));
  CHECK_FALSE(parse_duration("99999999999999999999s", &error));
  CHECK(error.find("too large") != std::string::npos);
  // 2^63 ns is about 292 years: 300 years must overflow, 200 must not.
  CHECK_FALSE(parse_duration("2628000h", &error));
  CHECK(parse_duration("1752000h") == Time::ns(1'752'000LL * 3'600'000'000'000LL));
}

TEST_CASE("durations format back exactly", "[time]") {
  CHECK(format_duration(Time::ns(1'500'000)) == "1500us");
  CHECK(format_duration(30_s) == "30s");
  CHECK(format_duration(Time{}) == "0s");
  CHECK(format_duration(7_ns) == "7ns");
  CHECK(format_duration(Time::s(7200)) == "2h");
  for (const char* text : {"250us", "1500us", "30s", "2h", "17ns"}) {
    CHECK(format_duration(*parse_duration(text)) == text);
  }
}

TEST_CASE("time literals and arithmetic stay integral", "[time]") {
  CHECK((1_ms + 250_us).count() == 1'250'000);
  CHECK((1_s - 1_ns).count() == 999'999'999);
  CHECK((3_us * 4) == 12_us);
  CHECK(1_ms < 1001_us);
}
