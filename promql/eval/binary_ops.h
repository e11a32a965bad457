// The arithmetic and comparisons of PromQL's binary operators on two floats,
// as Prometheus' vectorElemBinop and scalarBinop compute them.
#pragma once

#include <utility>

#include "promql/ast/operators.h"

namespace pharos::promql {

// The result of `l op r`. For comparisons, `.first` is `l` and `.second`
// whether the comparison holds; for arithmetic `.second` is true.
std::pair<double, bool> ApplyBinaryOp(BinaryOp op, double l, double r);

// +, -, *, /, %, ^ drop the metric name from their result (atan2 and the
// comparisons without `bool` keep it, as in Prometheus).
bool DropsMetricName(BinaryOp op);

}  // namespace pharos::promql
