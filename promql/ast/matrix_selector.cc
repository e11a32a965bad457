#include "promql/ast/matrix_selector.h"

#include "promql/parser.h"

namespace pharos::promql {

std::string MatrixSelector::String() const {
  return selector_->SelectorString() + "[" + FormatDuration(range_ms_) + "]" +
         selector_->modifiers().String();
}

bool MatrixSelector::Equals(const Expr& other) const {
  if (!other.Is<MatrixSelector>()) return false;
  const auto& o = other.As<MatrixSelector>();
  return range_ms_ == o.range_ms_ && selector_->Equals(*o.selector_);
}

ExprPtr MatrixSelector::Clone() const {
  std::unique_ptr<VectorSelector> sel(static_cast<VectorSelector*>(selector_->Clone().release()));
  return std::make_unique<MatrixSelector>(std::move(sel), range_ms_, pos());
}

}  // namespace pharos::promql
