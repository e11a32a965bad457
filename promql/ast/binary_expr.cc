#include "promql/ast/binary_expr.h"

#include "promql/ast/print_util.h"

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

ValueType BinaryExpr::type() const {
  if (lhs_->type() == ValueType::kScalar && rhs_->type() == ValueType::kScalar) {
    return ValueType::kScalar;
  }
  return ValueType::kVector;
}

std::string BinaryExpr::String() const {
  std::string out = op_ == BinaryOp::kPow ? TightOperandString(*lhs_) : lhs_->String();
  out += ' ';
  out += BinaryOpString(op_);
  if (return_bool_) out += " bool";
  if (matching_.has_value()) {
    const VectorMatching& vm = *matching_;
    bool grouped =
        vm.card == VectorMatchCardinality::kManyToOne || vm.card == VectorMatchCardinality::kOneToMany;
    // Prometheus prints nothing for `ignoring () group_left ...`, which then
    // re-parses as one-to-one; print the clause whenever grouping is set.
    if (!vm.matching_labels.empty() || vm.on || grouped) {
      out += vm.on ? " on (" : " ignoring (";
      out += JoinLabels(vm.matching_labels) + ")";
      if (grouped) {
        out += vm.card == VectorMatchCardinality::kManyToOne ? " group_left (" : " group_right (";
        out += JoinLabels(vm.include) + ")";
      }
    }
  }
  out += ' ';
  out += rhs_->String();
  return out;
}

bool BinaryExpr::Equals(const Expr& other) const {
  if (!other.Is<BinaryExpr>()) return false;
  const auto& o = other.As<BinaryExpr>();
  return op_ == o.op_ && return_bool_ == o.return_bool_ && matching_ == o.matching_ &&
         lhs_->Equals(*o.lhs_) && rhs_->Equals(*o.rhs_);
}

ExprPtr BinaryExpr::Clone() const {
  auto b = std::make_unique<BinaryExpr>(op_, lhs_->Clone(), rhs_->Clone(), pos());
  b->set_return_bool(return_bool_);
  b->set_matching(matching_);
  return b;
}

}  // namespace pharos::promql
