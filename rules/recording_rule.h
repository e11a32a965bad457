// RecordingRule: evaluates its expression and returns the result renamed to
// the rule's metric name with the rule's labels set, as Prometheus'
// rules.RecordingRule. Fails when two results end up with the same labels or
// when there are more than the group's limit.
//
// Thread-safety: as Rule.
#pragma once

#include "rules/rule.h"

namespace pharos::rules {

class RecordingRule : public Rule {
 public:
  explicit RecordingRule(RuleSpec spec) : Rule(std::move(spec)) {}

  Result<promql::Vector> Eval(const EvalContext& ctx) override;
};

}  // namespace pharos::rules
