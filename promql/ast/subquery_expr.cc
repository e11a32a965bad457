#include "promql/ast/subquery_expr.h"

#include "promql/ast/print_util.h"
#include "promql/parser.h"

namespace pharos::promql {

std::string SubqueryExpr::String() const {
  // Like `+Inf ^ x`: `+Inf[5m:]` would re-parse as +(Inf[5m:]).
  std::string out = TightOperandString(*expr_) + "[" + FormatDuration(range_ms_) + ":";
  if (step_ms_ != 0) out += FormatDuration(step_ms_);
  out += "]";
  out += modifiers_.String();
  return out;
}

bool SubqueryExpr::Equals(const Expr& other) const {
  if (!other.Is<SubqueryExpr>()) return false;
  const auto& o = other.As<SubqueryExpr>();
  return range_ms_ == o.range_ms_ && step_ms_ == o.step_ms_ && modifiers_ == o.modifiers_ &&
         expr_->Equals(*o.expr_);
}

ExprPtr SubqueryExpr::Clone() const {
  auto s = std::make_unique<SubqueryExpr>(expr_->Clone(), range_ms_, step_ms_, pos());
  s->mutable_modifiers() = modifiers_;
  return s;
}

}  // namespace pharos::promql
