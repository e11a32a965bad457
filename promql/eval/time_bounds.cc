#include "promql/eval/time_bounds.h"

#include <algorithm>
#include <limits>

#include "promql/ast/ast.h"

namespace pharos::promql {
namespace {

struct Walker {
  int64_t lookback;
  int64_t query_start;
  int64_t query_end;
  TimeBounds b{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), false};

  std::pair<int64_t, int64_t> Anchor(const TimeModifiers& m, int64_t s, int64_t e) const {
    if (m.at_start_end == AtStartEnd::kStart) return {query_start, query_start};
    if (m.at_start_end == AtStartEnd::kEnd) return {query_end, query_end};
    if (m.at_ms) return {*m.at_ms, *m.at_ms};
    return {s, e};
  }

  void Widen(int64_t lo, int64_t hi) {
    b.mint = std::min(b.mint, lo);
    b.maxt = std::max(b.maxt, hi);
    b.any_selector = true;
  }

  void Walk(const Expr& x, int64_t s, int64_t e) {
    switch (x.kind()) {
      case NodeKind::kNumberLiteral:
      case NodeKind::kStringLiteral:
        return;
      case NodeKind::kVectorSelector: {
        const TimeModifiers& m = x.As<VectorSelector>().modifiers();
        auto [a, z] = Anchor(m, s, e);
        Widen(a - m.offset_ms - lookback, z - m.offset_ms);
        return;
      }
      case NodeKind::kMatrixSelector: {
        const auto& ms = x.As<MatrixSelector>();
        const TimeModifiers& m = ms.selector().modifiers();
        auto [a, z] = Anchor(m, s, e);
        Widen(a - m.offset_ms - ms.range_ms(), z - m.offset_ms);
        return;
      }
      case NodeKind::kSubquery: {
        const auto& sq = x.As<SubqueryExpr>();
        const TimeModifiers& m = sq.modifiers();
        auto [a, z] = Anchor(m, s, e);
        Walk(sq.expr(), a - m.offset_ms - sq.range_ms(), z - m.offset_ms);
        return;
      }
      case NodeKind::kParen:
        Walk(x.As<ParenExpr>().expr(), s, e);
        return;
      case NodeKind::kUnary:
        Walk(x.As<UnaryExpr>().expr(), s, e);
        return;
      case NodeKind::kBinary:
        Walk(x.As<BinaryExpr>().lhs(), s, e);
        Walk(x.As<BinaryExpr>().rhs(), s, e);
        return;
      case NodeKind::kAggregate:
        if (x.As<AggregateExpr>().param() != nullptr) Walk(*x.As<AggregateExpr>().param(), s, e);
        Walk(x.As<AggregateExpr>().expr(), s, e);
        return;
      case NodeKind::kCall:
        for (const ExprPtr& arg : x.As<Call>().args()) Walk(*arg, s, e);
        return;
    }
  }
};

}  // namespace

TimeBounds FindTimeBounds(const Expr& e, int64_t start, int64_t end, int64_t lookback_ms,
                          int64_t query_start, int64_t query_end) {
  Walker w{lookback_ms, query_start, query_end};
  w.Walk(e, start, end);
  if (!w.b.any_selector) return TimeBounds{start, end, false};
  return w.b;
}

}  // namespace pharos::promql
