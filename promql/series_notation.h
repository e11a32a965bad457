// Series notation: the expanding shorthand Prometheus uses to write test
// input and expectations, as in its engine tests and promtool's
// `input_series`:
//
//   name{a="b"} 0+10x3 1 _ stale 5-2x2 _x2 1e3 -Inf NaN
//
// A description is a metric (`name`, `name{labels}` or `{labels}`, label
// values quoted Go-style with "" or '' or ``; `{}` is the empty label set,
// labels with empty values are dropped) followed by whitespace-separated
// items, each expanding to one or more values:
//
//   v          one value: a number (decimal, exponent, Inf, NaN, with an
//              optional sign) or `stale` (the stale NaN of tsdb/sample.h)
//   vxN        N+1 copies of v
//   a+bxN      N+1 values a, a+b, ..., a+N*b (also `a-bxN`); computed by
//              repeated addition, as Prometheus does, so rounding matches
//   _          one missing sample (std::nullopt)
//   _xN        N missing samples
//
// Hexadecimal numbers are not allowed (`0x1` would be ambiguous with the
// repetition). A description may expand to at most kMaxSeriesValues values.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::promql {

struct SeriesDescription {
  tsdb::Labels labels;
  // One entry per step of the load interval; nullopt where no sample is.
  std::vector<std::optional<double>> values;
};

// The most values one description may expand to.
inline constexpr size_t kMaxSeriesValues = 1'000'000;

// Parses one description. Errors are kInvalidArgument with the 1-based byte
// column of the offending input: "series notation: 1:14: unexpected ...".
Result<SeriesDescription> ParseSeriesDescription(std::string_view line);

// Parses just a metric with optional labels (`name{a="b"}`, `{a="b"}`,
// `name`), all of `text`. The same errors.
Result<tsdb::Labels> ParseSeriesLabels(std::string_view text);

}  // namespace pharos::promql
