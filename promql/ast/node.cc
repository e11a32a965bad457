#include "promql/ast/node.h"

namespace pharos::promql {

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone: return "none";
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "instant vector";
    case ValueType::kMatrix: return "range vector";
    case ValueType::kString: return "string";
  }
  return "none";
}

std::string_view ValueTypeApiName(ValueType t) {
  switch (t) {
    case ValueType::kNone: return "none";
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "vector";
    case ValueType::kMatrix: return "matrix";
    case ValueType::kString: return "string";
  }
  return "none";
}

bool ExprEquals(const Expr* a, const Expr* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a->Equals(*b);
}

ExprPtr CloneExpr(const Expr* e) { return e == nullptr ? nullptr : e->Clone(); }

}  // namespace pharos::promql
