#include "rules/recording_rule.h"

#include <algorithm>

namespace pharos::rules {

Result<promql::Vector> RecordingRule::Eval(const EvalContext& ctx) {
  ASSIGN_OR_RETURN(promql::Vector vec, ctx.query(expr(), ctx.ts_ms));
  for (promql::VectorSample& s : vec) {
    tsdb::Labels l = s.labels.With(tsdb::kMetricName, Name());
    for (const tsdb::Label& rl : labels()) l = l.With(rl.name, rl.value);
    s.labels = std::move(l);
  }
  std::vector<const tsdb::Labels*> sorted;
  sorted.reserve(vec.size());
  for (const promql::VectorSample& s : vec) sorted.push_back(&s.labels);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return *a < *b; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (*sorted[i - 1] == *sorted[i]) {
      return FailedPreconditionError(
          "vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (ctx.limit > 0 && static_cast<int64_t>(vec.size()) > ctx.limit) {
    return FailedPreconditionError("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                                   std::to_string(vec.size()) + " series");
  }
  return vec;
}

}  // namespace pharos::rules
