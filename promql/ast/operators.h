// The operators of PromQL: binary operators and aggregations.
#pragma once

#include <optional>
#include <string_view>

namespace pharos::promql {

enum class BinaryOp {
  kAdd,     // +
  kSub,     // -
  kMul,     // *
  kDiv,     // /
  kMod,     // %
  kPow,     // ^
  kAtan2,   // atan2
  kEql,     // ==
  kNeq,     // !=
  kGtr,     // >
  kLss,     // <
  kGte,     // >=
  kLte,     // <=
  kAnd,     // and
  kOr,      // or
  kUnless,  // unless
};

// The operator as written in PromQL: "+", "==", "and", "atan2".
std::string_view BinaryOpString(BinaryOp op);

// ==, !=, >, <, >=, <=.
bool IsComparisonOp(BinaryOp op);
// and, or, unless.
bool IsSetOp(BinaryOp op);

// Prometheus' precedence, higher binds tighter:
// or(1) < and, unless(2) < comparisons(3) < +,-(4) < *,/,%,atan2(5) < ^(6).
int Precedence(BinaryOp op);
// Only ^ is right-associative.
bool IsRightAssociative(BinaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
};

// "sum", "count_values", ...
std::string_view AggregateOpString(AggregateOp op);
std::optional<AggregateOp> AggregateOpFromString(std::string_view name);
// topk, bottomk, count_values and quantile take a parameter before the vector.
bool AggregateTakesParam(AggregateOp op);

}  // namespace pharos::promql
