#include "promql/ast/operators.h"

#include <array>

namespace pharos::promql {
namespace {

constexpr std::array<std::string_view, 12> kAggregateNames = {
    "sum",    "avg",    "count", "min",  "max",     "group",
    "stddev", "stdvar", "topk",  "bottomk", "count_values", "quantile",
};

}  // namespace

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "^";
    case BinaryOp::kAtan2: return "atan2";
    case BinaryOp::kEql: return "==";
    case BinaryOp::kNeq: return "!=";
    case BinaryOp::kGtr: return ">";
    case BinaryOp::kLss: return "<";
    case BinaryOp::kGte: return ">=";
    case BinaryOp::kLte: return "<=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kUnless: return "unless";
  }
  return "?";
}

bool IsComparisonOp(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOp(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

int Precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr: return 1;
    case BinaryOp::kAnd:
    case BinaryOp::kUnless: return 2;
    case BinaryOp::kAdd:
    case BinaryOp::kSub: return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kAtan2: return 5;
    case BinaryOp::kPow: return 6;
    default: return 3;  // comparisons
  }
}

bool IsRightAssociative(BinaryOp op) { return op == BinaryOp::kPow; }

std::string_view AggregateOpString(AggregateOp op) {
  return kAggregateNames[static_cast<size_t>(op)];
}

std::optional<AggregateOp> AggregateOpFromString(std::string_view name) {
  for (size_t i = 0; i < kAggregateNames.size(); ++i) {
    if (kAggregateNames[i] == name) return static_cast<AggregateOp>(i);
  }
  return std::nullopt;
}

bool AggregateTakesParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
         op == AggregateOp::kCountValues || op == AggregateOp::kQuantile;
}

}  // namespace pharos::promql
