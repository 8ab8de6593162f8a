// A request timeline in the Chrome trace event format (JSON object form),
// which Perfetto (ui.perfetto.dev) and chrome://tracing open: complete events
// (ph "X") with ts and dur in microseconds, one process for the run and one
// thread (track) per component, named by metadata events (ph "M",
// process_name / thread_name). Source: "Trace Event Format" (Google,
// docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU).
//
// Times are integer nanoseconds (sim::Time) printed as exact decimal
// microseconds ("12.345"). Events are kept as small PODs with indices into a
// name table, so sampled requests append without building strings per event.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eksim/sim/time.hpp"

namespace eksim::observe {

class ChromeTrace {
 public:
  explicit ChromeTrace(std::string process_name = "eksim");

  // The track of a component ("web/frontend-0", "coredns", "vpc-resolver"),
  // created on first use; tids count from 1 in order of first use.
  std::uint32_t track(std::string_view component);
  // An interned event name or category ("dns", "connect", "request 17").
  std::uint32_t name(std::string_view text);

  // A complete event on a track, from start for duration.
  void complete(std::uint32_t track, std::uint32_t name, std::uint32_t category, sim::Time start, sim::Time duration,
                std::uint64_t request_id);

  [[nodiscard]] std::size_t size() const { return events_.size(); }
  [[nodiscard]] std::string json() const;

 private:
  struct Event {
    std::uint32_t track;
    std::uint32_t name;
    std::uint32_t category;
    std::int64_t start_ns;
    std::int64_t duration_ns;
    std::uint64_t request_id;
  };
  std::string process_name_;
  // Text by id, and id by text, for tracks and for names.
  struct Table {
    std::vector<std::string> text;
    std::unordered_map<std::string, std::uint32_t> index;
    std::uint32_t intern(std::string_view s);
  };
  Table tracks_;
  Table names_;
  std::vector<Event> events_;
};

// Nanoseconds as exact decimal microseconds: 12345 -> "12.345", 5000 -> "5".
std::string microseconds_text(std::int64_t ns);

}  // namespace eksim::observe
