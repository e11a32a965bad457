#include "promql/ast/unary_expr.h"

namespace pharos::promql {

std::string UnaryExpr::String() const {
  return std::string(BinaryOpString(op_)) + expr_->String();
}

bool UnaryExpr::Equals(const Expr& other) const {
  if (!other.Is<UnaryExpr>()) return false;
  const auto& o = other.As<UnaryExpr>();
  return op_ == o.op_ && expr_->Equals(*o.expr_);
}

ExprPtr UnaryExpr::Clone() const {
  return std::make_unique<UnaryExpr>(op_, expr_->Clone(), pos());
}

}  // namespace pharos::promql
