// NumberLiteral: `1`, `0x1f`, `1e-3`, `Inf`, `NaN`. Signs are unary operators
// in the grammar, folded into the literal by the parser as Prometheus does
// (`-1` is NumberLiteral(-1)).
#pragma once

#include "promql/ast/node.h"

namespace pharos::promql {

class NumberLiteral final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kNumberLiteral;

  NumberLiteral(double value, PosRange pos) : Expr(kKind, pos), value_(value) {}

  double value() const { return value_; }

  ValueType type() const override { return ValueType::kScalar; }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  double value_;
};

}  // namespace pharos::promql
