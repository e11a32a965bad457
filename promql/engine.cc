#include "promql/engine.h"

#include <algorithm>

#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/time_bounds.h"
#include "promql/parser.h"
#include "tsdb/storage.h"

namespace pharos::promql {
namespace {

// Prometheus' API limit on a range query's resolution.
constexpr int64_t kMaxPointsPerSeries = 11000;

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Status BadData(std::string msg) { return Status(StatusCode::kInvalidArgument, std::move(msg)); }

// Turns the evaluator's per-step representation into the API's value.
Value ToValue(EvalValue v, int64_t start, bool instant, const StepRange& steps) {
  Value out;
  switch (v.type) {
    case ValueType::kScalar:
      if (instant) {
        out.data = Scalar{start, v.scalars.empty() ? 0.0 : v.scalars[0]};
      } else {
        Series s;
        s.points.reserve(v.scalars.size());
        for (size_t i = 0; i < v.scalars.size(); ++i) {
          s.points.push_back({steps.TimeAt(static_cast<int64_t>(i)), v.scalars[i]});
        }
        out.data = Matrix{std::move(s)};
      }
      break;
    case ValueType::kString:
      out.data = StringValue{start, std::move(v.str)};
      break;
    case ValueType::kVector:
      if (instant) {
        Vector vec;
        vec.reserve(v.series.size());
        for (Series& s : v.series) vec.push_back({std::move(s.labels), start, s.points[0].v});
        out.data = std::move(vec);
      } else {
        std::sort(v.series.begin(), v.series.end(),
                  [](const Series& a, const Series& b) { return a.labels < b.labels; });
        out.data = std::move(v.series);
      }
      break;
    case ValueType::kMatrix:
    case ValueType::kNone:
      out.data = std::move(v.series);
      break;
  }
  return out;
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}
Engine::~Engine() = default;

Result<QueryResult> Engine::InstantQuery(tsdb::Queryable& storage, std::string_view query,
                                         int64_t t_ms, const QueryOptions& opts) const {
  const auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr(query));
  const double parse_seconds = SecondsSince(t0);
  ASSIGN_OR_RETURN(QueryResult r, Evaluate(storage, *expr, t_ms, t_ms, 0, opts));
  r.stats.parse_seconds = parse_seconds;
  return r;
}

Result<QueryResult> Engine::RangeQuery(tsdb::Queryable& storage, std::string_view query,
                                       int64_t start_ms, int64_t end_ms, int64_t step_ms,
                                       const QueryOptions& opts) const {
  if (end_ms < start_ms) return BadData("end timestamp must not be before start time");
  if (step_ms <= 0) {
    return BadData(
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  if ((end_ms - start_ms) / step_ms > kMaxPointsPerSeries) {
    return BadData(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
        "resolution (?step=XX)");
  }
  const auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr(query));
  const double parse_seconds = SecondsSince(t0);
  ASSIGN_OR_RETURN(QueryResult r, Evaluate(storage, *expr, start_ms, end_ms, step_ms, opts));
  r.stats.parse_seconds = parse_seconds;
  return r;
}

Result<QueryResult> Engine::Evaluate(tsdb::Queryable& storage, const Expr& expr, int64_t start_ms,
                                     int64_t end_ms, int64_t step_ms,
                                     const QueryOptions& opts) const {
  const bool instant = step_ms == 0;
  if (!instant && expr.type() != ValueType::kVector && expr.type() != ValueType::kScalar) {
    return BadData("invalid expression type \"" + std::string(ValueTypeName(expr.type())) +
                   "\" for range query, must be Scalar or instant Vector");
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto timeout = opts.timeout.value_or(options_.timeout);
  QueryLimits limits(options_.max_samples, t0 + timeout, opts.cancel);
  const int64_t lookback = opts.lookback_delta_ms.value_or(options_.lookback_delta_ms);

  StepRange steps{start_ms, end_ms, instant ? 1 : step_ms};
  const TimeBounds bounds = FindTimeBounds(expr, start_ms, end_ms, lookback, start_ms, end_ms);
  ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Querier> querier,
                   storage.NewQuerier(bounds.mint, bounds.maxt));
  EvalContext ctx{querier.get(), &limits, &options_, lookback, start_ms, end_ms};
  QueryResult result;
  result.stats.prepare_seconds = SecondsSince(t0);
  try {
    Evaluator ev(ctx, steps);
    EvalValue v = ev.Eval(expr);
    result.value = ToValue(std::move(v), start_ms, instant, steps);
  } catch (EvalError& e) {
    return e.status;
  }
  result.stats.eval_seconds = SecondsSince(t0) - result.stats.prepare_seconds;
  result.stats.total_samples = limits.touched();
  result.stats.peak_samples = limits.peak();
  return result;
}

}  // namespace pharos::promql
