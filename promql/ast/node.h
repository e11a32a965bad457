// Expr: the base of every PromQL AST node.
//
// Nodes are a tree of std::unique_ptr, one class per file in this directory
// (`vector_selector.h` holds VectorSelector). Each node knows its kind, the
// PromQL type it evaluates to, the byte range of the query it was parsed
// from, and prints itself as canonical PromQL: for every tree `e`,
// ParseExpr(e.String()) yields a tree that Equals(e).
//
// Thread-safety: a tree is immutable once parsed and may be read from any
// number of threads.
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <string_view>

namespace pharos::promql {

// The four PromQL value types, plus kNone for "no value" (never the type of
// a parsed expression).
enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };

// "scalar", "instant vector", "range vector", "string", as Prometheus words
// them in type errors.
std::string_view ValueTypeName(ValueType t);

// The API's "resultType": "scalar", "vector", "matrix", "string".
std::string_view ValueTypeApiName(ValueType t);

// Byte offsets [start, end) into the query text.
struct PosRange {
  int start = 0;
  int end = 0;
};

enum class NodeKind {
  kNumberLiteral,
  kStringLiteral,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
};

class Expr {
 public:
  Expr(NodeKind kind, PosRange pos) : kind_(kind), pos_(pos) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  NodeKind kind() const { return kind_; }
  PosRange pos() const { return pos_; }
  void set_pos(PosRange p) { pos_ = p; }

  // The type this expression evaluates to.
  virtual ValueType type() const = 0;

  // Canonical PromQL, as Prometheus' String() prints it.
  virtual std::string String() const = 0;

  // Structural equality, ignoring positions.
  virtual bool Equals(const Expr& other) const = 0;

  // A deep copy, positions included.
  virtual std::unique_ptr<Expr> Clone() const = 0;

  // Checked downcasts: T::kKind must equal kind().
  template <typename T>
  bool Is() const {
    return kind_ == T::kKind;
  }
  template <typename T>
  const T& As() const {
    assert(Is<T>());
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    assert(Is<T>());
    return static_cast<T&>(*this);
  }

 private:
  NodeKind kind_;
  PosRange pos_;
};

using ExprPtr = std::unique_ptr<Expr>;

// Equality of two possibly-null children.
bool ExprEquals(const Expr* a, const Expr* b);
// Clone of a possibly-null child.
ExprPtr CloneExpr(const Expr* e);

}  // namespace pharos::promql
