// Call: a function call, `rate(x[5m])`, `label_replace(...)`, `time()`.
#pragma once

#include <vector>

#include "promql/ast/node.h"
#include "promql/function_table.h"

namespace pharos::promql {

class Call final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kCall;

  Call(const FunctionInfo& func, std::vector<ExprPtr> args, PosRange pos)
      : Expr(kKind, pos), func_(&func), args_(std::move(args)) {}

  const FunctionInfo& func() const { return *func_; }
  const std::vector<ExprPtr>& args() const { return args_; }

  ValueType type() const override { return func_->return_type; }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  const FunctionInfo* func_;  // static storage: the function table
  std::vector<ExprPtr> args_;
};

}  // namespace pharos::promql
