// Parsing of the HTTP API's parameters exactly as Prometheus' web/api/v1
// parses them: form values, timestamps, durations, series selectors, limits.
//
//   FormValues form(request);               // body (urlencoded) + URL query
//   ASSIGN_OR_RETURN(int64_t t, ParseTimeParam(form, "time", now_ms));
//
// Error messages are Prometheus' own; callers add the
// `invalid parameter "<name>": ` prefix where Prometheus does.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"
#include "tsdb/matcher.h"
#include "tsdb/status.h"

namespace pharos::server {

// The times Prometheus uses for "no start" and "no end" (Go's time.Time
// bounds that survive conversion to milliseconds), in ms.
inline constexpr int64_t kApiMinTimeMs = (INT64_MIN / 1000 + 62135596801LL) * 1000;
inline constexpr int64_t kApiMaxTimeMs = (INT64_MAX / 1000 - 62135596801LL) * 1000 + 999;

// A request's form like Go's r.Form after ParseForm: the values of an
// application/x-www-form-urlencoded body (POST, PUT, PATCH) first, then the
// URL query's. Pairs that do not decode are skipped, as Go's FormValue
// ignores parse errors.
class FormValues {
 public:
  explicit FormValues(const Request& request);

  // The first value of `name`, or "" (Go's FormValue).
  std::string_view Get(std::string_view name) const;
  // Every value of `name`, in order.
  std::vector<std::string> All(std::string_view name) const;

 private:
  void AddEncoded(std::string_view text);

  HttpFields values_;
};

// A timestamp: unix seconds with an optional fraction (rounded to the
// millisecond, as Prometheus does), RFC 3339 with optional fractional
// seconds, or Prometheus' formatted min/max times. Values beyond the range
// Prometheus can represent are clamped to it. Error:
// `cannot parse "<s>" to a valid timestamp`.
Result<int64_t> ParseTime(std::string_view s);

// The form value `name` as a timestamp, or `default_ms` when empty. Error:
// `Invalid time value for '<name>': cannot parse ...`.
Result<int64_t> ParseTimeParam(const FormValues& form, std::string_view name, int64_t default_ms);

// A duration in nanoseconds: float seconds ("15", "0.5") or a Prometheus
// duration ("1m30s"). Errors: `cannot parse "<s>" to a valid duration`,
// and `... It overflows int64` for too many seconds.
Result<int64_t> ParseDurationNs(std::string_view s);

// Every `match[]` selector parsed; each set must have a matcher that does
// not match the empty string ("match[] must contain at least one non-empty
// matcher"). Parse errors are PromQL's.
Result<std::vector<std::vector<tsdb::Matcher>>> ParseMatchersParam(
    const std::vector<std::string>& selectors);

// The `limit` parameter: a positive integer, or 0 (no limit) when absent,
// not a positive integer, or 0. Prometheus 2.42 ignores the parameter;
// Pharos applies it without ever failing a request over it.
size_t ParseLimit(const FormValues& form);

// The request's time in ms, for defaults ("now").
int64_t NowMs();

}  // namespace pharos::server
