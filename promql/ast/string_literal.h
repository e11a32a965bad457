// StringLiteral: `"a\n"`, `'b'`, or a raw backtick string; value() holds the
// unescaped text.
#pragma once

#include <string>

#include "promql/ast/node.h"

namespace pharos::promql {

class StringLiteral final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kStringLiteral;

  StringLiteral(std::string value, PosRange pos) : Expr(kKind, pos), value_(std::move(value)) {}

  const std::string& value() const { return value_; }

  ValueType type() const override { return ValueType::kString; }
  // Double-quoted with Go escapes, as Prometheus prints it.
  std::string String() const override;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  std::string value_;
};

}  // namespace pharos::promql
