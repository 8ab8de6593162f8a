// Envoy access log lines in Envoy's default format string:
//
//   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
//   %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
//   "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n
//
// (one line; wrapped here). START_TIME prints as %Y-%m-%dT%H:%M:%E3SZ (UTC,
// milliseconds); an unset or empty value prints as "-". Source: Envoy's
// access logging docs, "Default format string"
// (https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace eksim::observe {

struct EnvoyAccessRecord {
  std::int64_t start_unix_ms = 0;  // request start, Unix milliseconds
  std::string method;              // ":method"
  std::string path;                // X-ENVOY-ORIGINAL-PATH, else ":path"
  std::string protocol;            // "HTTP/1.1", "HTTP/2"
  int response_code = 0;           // 0: no response was sent
  std::string response_flags;      // "UT", "UF,URX", ...; "" prints "-"
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> upstream_service_time_ms;  // x-envoy-upstream-service-time
  std::string x_forwarded_for;
  std::string user_agent;
  std::string request_id;
  std::string authority;
  std::string upstream_host;  // "10.0.3.7:8080"
};

// "2016-04-15T20:17:00.310Z" for a Unix millisecond time.
std::string envoy_start_time(std::int64_t unix_ms);
// Appends one line and a newline.
void append_envoy_access_log(std::string& out, const EnvoyAccessRecord& record);

}  // namespace eksim::observe
