#include "eksim/observe/chrome_trace.hpp"

#include "eksim/report/json_writer.hpp"

namespace eksim::observe {
namespace {

// json_escape returns the string quoted.
std::string quoted(std::string_view s) { return report::json_escape(s); }

}  // namespace

std::string microseconds_text(std::int64_t ns) {
  const bool negative = ns < 0;
  const std::uint64_t v = negative ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  std::string frac = std::to_string(v % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return (negative ? "-" : "") + std::to_string(v / 1000) + (frac.empty() ? "" : "." + frac);
}

ChromeTrace::ChromeTrace(std::string process_name) : process_name_(std::move(process_name)) {}

std::uint32_t ChromeTrace::Table::intern(std::string_view s) {
  const auto [it, added] = index.emplace(std::string(s), static_cast<std::uint32_t>(text.size()));
  if (added) text.emplace_back(s);
  return it->second;
}

std::uint32_t ChromeTrace::track(std::string_view component) { return tracks_.intern(component); }
std::uint32_t ChromeTrace::name(std::string_view text) { return names_.intern(text); }

void ChromeTrace::complete(std::uint32_t track, std::uint32_t name, std::uint32_t category, sim::Time start,
                           sim::Time duration, std::uint64_t request_id) {
  events_.push_back({track, name, category, start.count(), duration.count(), request_id});
}

std::string ChromeTrace::json() const {
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  out += "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":" + quoted(process_name_) + "}}";
  for (std::size_t t = 0; t < tracks_.text.size(); ++t) {
    const std::string tid = std::to_string(t + 1);
    out += ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + tid + ",\"args\":{\"name\":" +
           quoted(tracks_.text[t]) + "}}";
    // Keeps the tracks in order of first use in the viewer.
    out += ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":" + tid +
           ",\"args\":{\"sort_index\":" + tid + "}}";
  }
  for (const Event& e : events_) {
    out += ",\n{\"name\":" + quoted(names_.text[e.name]) + ",\"cat\":" + quoted(names_.text[e.category]) +
           ",\"ph\":\"X\",\"ts\":" + microseconds_text(e.start_ns) + ",\"dur\":" + microseconds_text(e.duration_ns) +
           ",\"pid\":1,\"tid\":" + std::to_string(e.track + 1) + ",\"args\":{\"request\":" +
           std::to_string(e.request_id) + "}}";
  }
  out += "\n]}\n";
  return out;
}

}  // namespace eksim::observe
