// The PromQL parser: query text to an AST, with Prometheus' grammar,
// precedence, type checks and error messages.
//
// Errors are kInvalidArgument Statuses whose message reads like Prometheus':
// "1:14: parse error: unexpected right parenthesis ')'" (line:column of the
// first offending byte, 1-based, columns in bytes). Input of any size or
// content is safe: recursion depth and length are bounded.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "promql/ast/node.h"
#include "tsdb/matcher.h"
#include "tsdb/status.h"

namespace pharos::promql {

// Parses a whole expression. Unary minus on a number literal is folded
// (`-1` is NumberLiteral(-1)), as Prometheus does; ParenExpr is kept.
Result<ExprPtr> ParseExpr(std::string_view input);

// Parses a series selector as the HTTP API's `match[]` takes it:
// `up`, `{job="api"}`, `http_requests_total{code=~"5.."}`. Returns its
// matchers (the name as a `__name__` equality matcher first).
Result<std::vector<tsdb::Matcher>> ParseMetricSelector(std::string_view input);

// Prometheus' duration syntax: `1h30m`, `5m`, `1y`, `500ms`, `1w`; units
// ms, s, m, h, d, w, y in descending order, each at most once. Milliseconds.
Result<int64_t> ParseDuration(std::string_view input);

// Prints milliseconds as Prometheus does: 5400000 -> "1h30m", 0 -> "0s".
std::string FormatDuration(int64_t ms);

}  // namespace pharos::promql
