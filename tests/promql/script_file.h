// ScriptFile: the PromQL script test format, parsed into commands.
//
//   # comment
//   load 5m
//     http_requests{job="api"} 0+10x10
//   clear
//   eval instant at 50m sum by (job) (http_requests)
//     {job="api"} 100
//   eval_ordered instant at 50m sort_desc(http_requests)
//     ...
//   eval_fail instant at 0m foo{
//     expected_fail_message <exact error text>     (optional)
//     expected_fail_regexp <RE2 pattern>           (optional)
//   eval range from 0 to 10m step 1m rate(x[5m])
//     {a="b"} 0+1x10
//
// Commands start in column 0; the lines under a command are indented.
// Expectations of an instant eval are a series description with one value
// per line (series notation, promql/series_notation.h), or one bare number
// for a scalar result; a range eval's are series descriptions with one value
// per step (`_` where the series has no point). No expectation lines means
// an empty result. Times are durations from 0 (`0`, `50m`, `1h30m`, `90s`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "promql/series_notation.h"
#include "tsdb/status.h"

namespace pharos::promql {

struct ScriptLoad {
  int64_t interval_ms = 0;
  std::vector<SeriesDescription> series;
};

struct ScriptEval {
  enum class Kind { kInstant, kRange };
  Kind kind = Kind::kInstant;
  bool ordered = false;
  bool expect_fail = false;
  std::string query;
  int64_t start_ms = 0;  // the instant of an instant eval
  int64_t end_ms = 0;
  int64_t step_ms = 0;
  std::optional<double> scalar;              // a bare number line
  std::vector<SeriesDescription> expected;   // series lines
  std::optional<std::string> fail_message;   // expected_fail_message
  std::optional<std::string> fail_regexp;    // expected_fail_regexp
};

struct ScriptCommand {
  int line = 0;  // 1-based line of the command in the file
  enum class Kind { kLoad, kClear, kEval };
  Kind kind = Kind::kClear;
  ScriptLoad load;
  ScriptEval eval;
};

// Parses a whole script; errors name the line ("12: unknown command ...").
Result<std::vector<ScriptCommand>> ParseScript(const std::string& text);

// `0`, `90s`, `1h30m`, `500ms`: units ms, s, m, h, d, w, y.
Result<int64_t> ParseScriptDuration(std::string_view text);

}  // namespace pharos::promql
