// ParenExpr: `(expr)`, kept in the tree so String() reproduces the query.
#pragma once

#include "promql/ast/node.h"

namespace pharos::promql {

class ParenExpr final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kParen;

  ParenExpr(ExprPtr expr, PosRange pos) : Expr(kKind, pos), expr_(std::move(expr)) {}

  const Expr& expr() const { return *expr_; }

  ValueType type() const override { return expr_->type(); }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  ExprPtr expr_;
};

}  // namespace pharos::promql
