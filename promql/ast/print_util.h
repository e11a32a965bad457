// Printing helpers shared by the AST nodes' String(). Internal.
#pragma once

#include <string>

#include "promql/ast/node.h"

namespace pharos::promql {

// e.String(), except that +Inf prints as the bare word `Inf`: where an
// operand binds tighter than a unary sign (the left side of `^`, the inner
// expression of a subquery), Prometheus' "+Inf" would re-parse as a unary
// plus over the whole operation.
std::string TightOperandString(const Expr& e);

}  // namespace pharos::promql
