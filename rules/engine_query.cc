#include "rules/engine_query.h"

#include <variant>

namespace pharos::rules {

QueryFunc EngineQueryFunc(const promql::Engine& engine, tsdb::Queryable& storage) {
  return [&engine, &storage](const promql::Expr& expr, int64_t t_ms) -> Result<promql::Vector> {
    ASSIGN_OR_RETURN(promql::QueryResult r, engine.Evaluate(storage, expr, t_ms, t_ms, 0));
    if (auto* v = std::get_if<promql::Vector>(&r.value.data)) return std::move(*v);
    if (auto* s = std::get_if<promql::Scalar>(&r.value.data)) {
      return promql::Vector{{tsdb::Labels(), s->t, s->v}};
    }
    return FailedPreconditionError("rule result is not a vector or scalar");
  };
}

}  // namespace pharos::rules
