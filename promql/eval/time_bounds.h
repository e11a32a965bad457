// The time range a query reads from storage, over every selector in it
// (Prometheus' FindMinMaxTime): offsets, `@`, ranges, the lookback and
// nested subqueries all widen or move it.
#pragma once

#include <cstdint>

#include "promql/ast/node.h"

namespace pharos::promql {

struct TimeBounds {
  int64_t mint;
  int64_t maxt;
  bool any_selector;
};

// For evaluation at times [start, end] of a query whose `@ start()` and
// `@ end()` are query_start and query_end.
TimeBounds FindTimeBounds(const Expr& e, int64_t start, int64_t end, int64_t lookback_ms,
                          int64_t query_start, int64_t query_end);

}  // namespace pharos::promql
