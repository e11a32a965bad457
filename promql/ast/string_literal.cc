#include "promql/ast/string_literal.h"

#include "promql/string_escape.h"

namespace pharos::promql {

std::string StringLiteral::String() const { return GoQuote(value_); }

bool StringLiteral::Equals(const Expr& other) const {
  return other.Is<StringLiteral>() && other.As<StringLiteral>().value_ == value_;
}

ExprPtr StringLiteral::Clone() const { return std::make_unique<StringLiteral>(value_, pos()); }

}  // namespace pharos::promql
