#include "promql/ast/number_literal.h"

#include <cmath>

#include "promql/ast/print_util.h"
#include "promql/string_escape.h"

namespace pharos::promql {

std::string NumberLiteral::String() const { return FormatGoFloat(value_); }

bool NumberLiteral::Equals(const Expr& other) const {
  if (!other.Is<NumberLiteral>()) return false;
  double o = other.As<NumberLiteral>().value_;
  return value_ == o || (std::isnan(value_) && std::isnan(o));
}

std::string TightOperandString(const Expr& e) {
  if (e.Is<NumberLiteral>()) {
    double v = e.As<NumberLiteral>().value();
    if (std::isinf(v) && v > 0) return "Inf";
  }
  return e.String();
}

ExprPtr NumberLiteral::Clone() const { return std::make_unique<NumberLiteral>(value_, pos()); }

}  // namespace pharos::promql
