// MatrixSelector: `rate(x[5m])`'s `x[5m]`, a range over a VectorSelector.
// The selector's modifiers apply: `x[5m] offset 1h` prints in that order.
#pragma once

#include <cstdint>
#include <memory>

#include "promql/ast/node.h"
#include "promql/ast/vector_selector.h"

namespace pharos::promql {

class MatrixSelector final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kMatrixSelector;

  MatrixSelector(std::unique_ptr<VectorSelector> selector, int64_t range_ms, PosRange pos)
      : Expr(kKind, pos), selector_(std::move(selector)), range_ms_(range_ms) {}

  const VectorSelector& selector() const { return *selector_; }
  VectorSelector& mutable_selector() { return *selector_; }
  int64_t range_ms() const { return range_ms_; }

  ValueType type() const override { return ValueType::kMatrix; }
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  std::unique_ptr<VectorSelector> selector_;
  int64_t range_ms_;
};

}  // namespace pharos::promql
