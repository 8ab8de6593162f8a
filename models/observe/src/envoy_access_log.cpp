#include "eksim/observe/envoy_access_log.hpp"

#include <cstdio>

namespace eksim::observe {
namespace {

const std::string& or_dash(const std::string& s) {
  static const std::string kDash = "-";
  return s.empty() ? kDash : s;
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

std::string envoy_start_time(std::int64_t unix_ms) {
  const std::int64_t days = floor_div(unix_ms, 86'400'000);
  const std::int64_t in_day = unix_ms - days * 86'400'000;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(in_day / 3'600'000), static_cast<long long>(in_day / 60'000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return buf;
}

void append_envoy_access_log(std::string& out, const EnvoyAccessRecord& r) {
  out += '[' + envoy_start_time(r.start_unix_ms) + "] \"" + or_dash(r.method) + ' ' + or_dash(r.path) + ' ' +
         or_dash(r.protocol) + "\" " + std::to_string(r.response_code) + ' ' + or_dash(r.response_flags) + ' ' +
         std::to_string(r.bytes_received) + ' ' + std::to_string(r.bytes_sent) + ' ' + std::to_string(r.duration_ms) +
         ' ' + (r.upstream_service_time_ms ? std::to_string(*r.upstream_service_time_ms) : std::string("-")) + " \"" +
         or_dash(r.x_forwarded_for) + "\" \"" + or_dash(r.user_agent) + "\" \"" + or_dash(r.request_id) + "\" \"" +
         or_dash(r.authority) + "\" \"" + or_dash(r.upstream_host) + "\"\n";
}

}  // namespace eksim::observe
