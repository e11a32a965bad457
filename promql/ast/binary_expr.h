// BinaryExpr: `a + b`, `a > bool b`, `a * on(job) group_left(team) b`,
// `a and b`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "promql/ast/node.h"
#include "promql/ast/operators.h"

namespace pharos::promql {

enum class VectorMatchCardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

// How the two sides of a vector/vector operation are paired.
struct VectorMatching {
  VectorMatchCardinality card = VectorMatchCardinality::kOneToOne;
  // The labels of `on(...)` or `ignoring(...)`.
  std::vector<std::string> matching_labels;
  // True for `on`, false for `ignoring` (or no clause at all).
  bool on = false;
  // `group_left(...)` / `group_right(...)` extra labels copied from the
  // "one" side.
  std::vector<std::string> include;

  friend bool operator==(const VectorMatching&, const VectorMatching&) = default;
};

class BinaryExpr final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kBinary;

  BinaryExpr(BinaryOp op, ExprPtr lhs, ExprPtr rhs, PosRange pos)
      : Expr(kKind, pos), op_(op), lhs_(std::move(lhs)), rhs_(std::move(rhs)) {}

  BinaryOp op() const { return op_; }
  const Expr& lhs() const { return *lhs_; }
  const Expr& rhs() const { return *rhs_; }

  // `bool` after a comparison operator.
  bool return_bool() const { return return_bool_; }
  void set_return_bool(bool b) { return_bool_ = b; }

  // Set when both sides are instant vectors: one-to-one by default,
  // many-to-many for and/or/unless.
  const std::optional<VectorMatching>& matching() const { return matching_; }
  void set_matching(std::optional<VectorMatching> m) { matching_ = std::move(m); }

  // Scalar when both sides are scalars, an instant vector otherwise.
  ValueType type() const override;
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  BinaryOp op_;
  ExprPtr lhs_;
  ExprPtr rhs_;
  bool return_bool_ = false;
  std::optional<VectorMatching> matching_;
};

}  // namespace pharos::promql
