#include "promql/ast/aggregate_expr.h"

namespace pharos::promql {
namespace {

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i];
  }
  return out;
}

}  // namespace

std::string AggregateExpr::String() const {
  std::string out(AggregateOpString(op_));
  if (without_) {
    out += " without (" + JoinLabels(grouping_) + ") ";
  } else if (!grouping_.empty()) {
    out += " by (" + JoinLabels(grouping_) + ") ";
  }
  out += '(';
  if (param_ != nullptr) out += param_->String() + ", ";
  out += expr_->String();
  out += ')';
  return out;
}

bool AggregateExpr::Equals(const Expr& other) const {
  if (!other.Is<AggregateExpr>()) return false;
  const auto& o = other.As<AggregateExpr>();
  return op_ == o.op_ && without_ == o.without_ && grouping_ == o.grouping_ &&
         ExprEquals(param_.get(), o.param_.get()) && expr_->Equals(*o.expr_);
}

ExprPtr AggregateExpr::Clone() const {
  return std::make_unique<AggregateExpr>(op_, expr_->Clone(), CloneExpr(param_.get()), grouping_,
                                         without_, pos());
}

}  // namespace pharos::promql
