// SubqueryExpr: `expr[range:step]` (step 0 when omitted: the engine then uses
// the default evaluation interval), with its own offset and `@`.
#pragma once

#include <cstdint>

#include "promql/ast/at_modifier.h"
#include "promql/ast/node.h"

namespace pharos::promql {

class SubqueryExpr final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kSubquery;

  SubqueryExpr(ExprPtr expr, int64_t range_ms, int64_t step_ms, PosRange pos)
      : Expr(kKind, pos), expr_(std::move(expr)), range_ms_(range_ms), step_ms_(step_ms) {}

  const Expr& expr() const { return *expr_; }
  int64_t range_ms() const { return range_ms_; }
  // 0 when the query wrote `[5m:]`.
  int64_t step_ms() const { return step_ms_; }

  const TimeModifiers& modifiers() const { return modifiers_; }
  TimeModifiers& mutable_modifiers() { return modifiers_; }

  ValueType type() const override { return ValueType::kMatrix; }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  ExprPtr expr_;
  int64_t range_ms_;
  int64_t step_ms_;
  TimeModifiers modifiers_;
};

}  // namespace pharos::promql
