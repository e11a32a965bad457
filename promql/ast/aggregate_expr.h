// AggregateExpr: `sum by (job) (x)`, `topk(5, x)`, `count_values("v", x)`.
// `by`/`without` may be written before or after the arguments; String()
// prints them before, as Prometheus does.
#pragma once

#include <string>
#include <vector>

#include "promql/ast/node.h"
#include "promql/ast/operators.h"

namespace pharos::promql {

class AggregateExpr final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kAggregate;

  // `param` is null unless AggregateTakesParam(op).
  AggregateExpr(AggregateOp op, ExprPtr expr, ExprPtr param, std::vector<std::string> grouping,
                bool without, PosRange pos)
      : Expr(kKind, pos),
        op_(op),
        expr_(std::move(expr)),
        param_(std::move(param)),
        grouping_(std::move(grouping)),
        without_(without) {}

  AggregateOp op() const { return op_; }
  const Expr& expr() const { return *expr_; }
  // The k of topk/bottomk, the φ of quantile, the label of count_values.
  const Expr* param() const { return param_.get(); }
  // Labels of `by (...)` or `without (...)`, in the order written.
  const std::vector<std::string>& grouping() const { return grouping_; }
  bool without() const { return without_; }

  ValueType type() const override { return ValueType::kVector; }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  AggregateOp op_;
  ExprPtr expr_;
  ExprPtr param_;
  std::vector<std::string> grouping_;
  bool without_;
};

}  // namespace pharos::promql
