// Rule: what a rule group evaluates, a recording or an alerting rule.
//
// A group calls Eval() once per round with the round's timestamp; the
// result is the samples to append to storage. Health, last error and timing
// are recorded by the group and read by the API.
//
// Thread-safety: Eval() is called by the group's thread only; the status
// accessors and the alerting rule's snapshots may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "promql/ast/node.h"
#include "promql/value.h"
#include "rules/rule_file.h"
#include "rules/template_hooks.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::rules {

// Evaluates an expression at one instant (ms) and returns an instant vector
// (a scalar result becomes one sample without labels, as Prometheus'
// EngineQueryFunc does).
using QueryFunc = std::function<Result<promql::Vector>(const promql::Expr& expr, int64_t t_ms)>;

enum class RuleHealth { kUnknown, kGood, kBad };
// "unknown", "ok", "err".
std::string_view RuleHealthName(RuleHealth h);

// What one evaluation needs besides the rule itself.
struct EvalContext {
  const QueryFunc& query;
  int64_t ts_ms;
  int64_t limit;  // the group's limit; 0 = none
  const ExpandFunc& expand;
  const tsdb::Labels& external_labels;
  const std::string& external_url;
};

class Rule {
 public:
  // REQUIRES: spec.expr parses (the rule file was validated).
  explicit Rule(RuleSpec spec);
  virtual ~Rule() = default;

  const RuleSpec& spec() const { return spec_; }
  // The alert name or the recorded metric name.
  const std::string& Name() const { return spec_.alert.empty() ? spec_.record : spec_.alert; }
  bool alerting() const { return !spec_.alert.empty(); }
  // The rule's labels as written (templates unexpanded).
  const tsdb::Labels& labels() const { return labels_; }
  const promql::Expr& expr() const { return *expr_; }
  // The expression as Prometheus prints it.
  const std::string& query() const { return query_; }

  virtual Result<promql::Vector> Eval(const EvalContext& ctx) = 0;

  void SetResult(RuleHealth health, std::string last_error);
  void SetEvaluation(double seconds, int64_t ts_ms);

  struct EvalStatus {
    RuleHealth health = RuleHealth::kUnknown;
    std::string last_error;
    double evaluation_seconds = 0;
    int64_t last_evaluation_ms = 0;
  };
  EvalStatus eval_status() const;

 private:
  RuleSpec spec_;
  tsdb::Labels labels_;
  promql::ExprPtr expr_;
  std::string query_;

  mutable std::mutex mu_;
  EvalStatus status_;  // GUARDED_BY(mu_)
};

}  // namespace pharos::rules
