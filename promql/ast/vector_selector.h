// VectorSelector: `http_requests_total{job="api"} offset 5m @ 1700000000`.
#pragma once

#include <string>
#include <vector>

#include "promql/ast/at_modifier.h"
#include "promql/ast/node.h"
#include "tsdb/matcher.h"

namespace pharos::promql {

class VectorSelector final : public Expr {
 public:
  static constexpr NodeKind kKind = NodeKind::kVectorSelector;

  // `matchers` includes the `__name__="name"` matcher when `name` is set, as
  // in Prometheus: evaluation uses only `matchers`.
  VectorSelector(std::string name, std::vector<tsdb::Matcher> matchers, PosRange pos)
      : Expr(kKind, pos), name_(std::move(name)), matchers_(std::move(matchers)) {}

  // The metric name written before the braces; empty for `{__name__="x"}`.
  const std::string& name() const { return name_; }
  const std::vector<tsdb::Matcher>& matchers() const { return matchers_; }

  const TimeModifiers& modifiers() const { return modifiers_; }
  TimeModifiers& mutable_modifiers() { return modifiers_; }

  ValueType type() const override { return ValueType::kVector; }
  // `name{a="b"} @ t offset d`; the name matcher is printed as the name.
  std::string String() const override;
  // The selector alone, without modifiers (shared with MatrixSelector).
  std::string SelectorString() const;
  bool Equals(const Expr& other) const override;
  ExprPtr Clone() const override;

 private:
  std::string name_;
  std::vector<tsdb::Matcher> matchers_;
  TimeModifiers modifiers_;
};

}  // namespace pharos::promql
