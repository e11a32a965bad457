// UnaryExpr: `-expr` or `+expr` over a scalar or an instant vector. Unary
// minus on a number literal is folded into the literal by the parser.
#pragma once

#include "promql/ast/node.h"
#include "promql/ast/operators.h"

namespace pharos::promql {

class UnaryExpr final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kUnary;

  // `op` is kAdd or kSub.
  UnaryExpr(BinaryOp op, ExprPtr expr, PosRange pos)
      : Expr(kKind, pos), op_(op), expr_(std::move(expr)) {}

  BinaryOp op() const { return op_; }
  const Expr& expr() const { return *expr_; }

  ValueType type() const override { return expr_->type(); }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  BinaryOp op_;
  ExprPtr expr_;
};

}  // namespace pharos::promql
