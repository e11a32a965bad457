#include "rules/rule.h"

#include <cassert>

#include "promql/parser.h"

namespace pharos::rules {

std::string_view RuleHealthName(RuleHealth h) {
  switch (h) {
    case RuleHealth::kGood:
      return "ok";
    case RuleHealth::kBad:
      return "err";
    case RuleHealth::kUnknown:
      break;
  }
  return "unknown";
}

namespace {

tsdb::Labels ToLabels(const StringPairs& pairs) {
  std::vector<tsdb::Label> l;
  for (const auto& [k, v] : pairs) l.push_back({k, v});
  return tsdb::Labels(std::move(l));
}

}  // namespace

Rule::Rule(RuleSpec spec) : spec_(std::move(spec)), labels_(ToLabels(spec_.labels)) {
  Result<promql::ExprPtr> e = promql::ParseExpr(spec_.expr);
  assert(e.ok());
  expr_ = std::move(*e);
  query_ = expr_->String();
}

void Rule::SetResult(RuleHealth health, std::string last_error) {
  std::lock_guard lock(mu_);
  status_.health = health;
  status_.last_error = std::move(last_error);
}

void Rule::SetEvaluation(double seconds, int64_t ts_ms) {
  std::lock_guard lock(mu_);
  status_.evaluation_seconds = seconds;
  status_.last_evaluation_ms = ts_ms;
}

Rule::EvalStatus Rule::eval_status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace pharos::rules
