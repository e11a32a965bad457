#include "promql/ast/paren_expr.h"

namespace pharos::promql {

std::string ParenExpr::String() const { return "(" + expr_->String() + ")"; }

bool ParenExpr::Equals(const Expr& other) const {
  return other.Is<ParenExpr>() && expr_->Equals(other.As<ParenExpr>().expr());
}

ExprPtr ParenExpr::Clone() const { return std::make_unique<ParenExpr>(expr_->Clone(), pos()); }

}  // namespace pharos::promql
