// Evaluator: evaluates an AST over every step of a StepRange at once.
//
// Instant-vector expressions evaluate to a Matrix whose series carry one
// point per step they have a value at (t = the step's time); scalars to a
// dense array with one value per step; range vectors (a selector or a
// subquery) are not evaluated on their own but handed to the range
// functions as a RangeSource, except at the top of an instant query.
// Working series by series rather than step by step is what keeps label
// sets from being copied per step: grouping keys, matching signatures and
// result labels are computed once per series.
//
// Errors abort with EvalError (see eval_error.h).
//
// Thread-safety: one Evaluator per query (and per subquery level); it may
// fan per-series work out to threads internally.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "promql/ast/ast.h"
#include "promql/eval/query_limits.h"
#include "promql/eval/step_range.h"
#include "promql/value.h"
#include "tsdb/storage.h"

namespace pharos::promql {

struct EngineOptions;

// The value of one node over all steps.
struct EvalValue {
  ValueType type = ValueType::kNone;
  Matrix series;                // kVector; kMatrix at the top of an instant query
  std::vector<double> scalars;  // kScalar: one value per step
  std::string str;              // kString
};

// The series behind a range-vector argument, and how to window them.
struct RangeSource {
  Matrix series;  // raw points, ascending, without stale markers
  int64_t range_ms = 0;
  TimeModifiers modifiers;  // @ resolved to a timestamp
};

// What every level of evaluation shares.
struct EvalContext {
  tsdb::Querier* querier;
  QueryLimits* limits;
  const EngineOptions* options;
  int64_t lookback_ms;
  // The outermost query's start and end, for `@ start()` / `@ end()`.
  int64_t query_start;
  int64_t query_end;
};

// Whether Evaluator::EvalStreamed can evaluate an expression: only a
// selector or a range function over one; and whether the labels it passes
// to the sink are the output series' own or theirs without the metric name.
enum class Streaming { kNo, kKeepsName, kDropsName };
Streaming StreamingOf(const Expr& e);

// Receives one output series at a time, in series order, on the
// evaluating thread; it may take the points.
using SeriesSink = std::function<void(const tsdb::Labels&, std::vector<Point>&)>;

class Evaluator {
 public:
  Evaluator(const EvalContext& ctx, StepRange steps) : ctx_(ctx), steps_(steps) {}

  EvalValue Eval(const Expr& e);

  // Evaluates `e` into `sink` series by series without holding its whole
  // result. The output's samples stay counted against the limits as if
  // held; the caller releases them.
  // REQUIRES: StreamingOf(e) != Streaming::kNo.
  void EvalStreamed(const Expr& e, const SeriesSink& sink);

  const StepRange& steps() const { return steps_; }
  const EvalContext& context() const { return ctx_; }

  // The effective @ time of modifiers, resolving start()/end().
  TimeModifiers Resolve(const TimeModifiers& m) const;

 private:
  // With `sample_times`, each point's value is the time (in seconds) of the
  // sample the step selected, for timestamp(). With a sink the result goes
  // there and the returned value is empty.
  EvalValue EvalVectorSelector(const VectorSelector& vs, bool sample_times,
                               const SeriesSink* sink = nullptr);
  EvalValue EvalMatrixSelectorTop(const MatrixSelector& ms);
  EvalValue EvalSubqueryTop(const SubqueryExpr& sq);
  EvalValue EvalUnary(const UnaryExpr& e);
  EvalValue EvalBinary(const BinaryExpr& e);
  Matrix VectorBinop(const BinaryExpr& e, const Matrix& lhs, const Matrix& rhs);
  EvalValue EvalAggregate(const AggregateExpr& e);
  EvalValue EvalCall(const Call& e);
  // With a sink (only for a matrix selector argument whose outputs need no
  // uniqueness check) the result goes there and the returned value is empty.
  EvalValue EvalRangeCall(const Call& e, size_t range_arg, const SeriesSink* sink = nullptr);
  Matrix HistogramQuantile(const std::vector<double>& phi, const Matrix& buckets);

  // Reads every series matching `vs` with its raw points in [mint, maxt]
  // (stale markers included) and maps them through `fn` into output points,
  // on up to `threads` threads in batches, so only a batch of series'
  // samples is held at once. Each series with output points goes to `sink`
  // in series order; outputs are counted against the limits. `fn` gets an
  // empty `out` whose capacity is reused between series.
  using PointsMapFn = std::function<void(std::vector<Point>& in, std::vector<Point>& out)>;
  void MapSelected(const VectorSelector& vs, int64_t mint, int64_t maxt, int threads,
                   const PointsMapFn& fn, const SeriesSink& sink);
  // MapSelected into a matrix, the labels of each series as read or without
  // the metric name.
  Matrix MapSelectedToMatrix(const VectorSelector& vs, int64_t mint, int64_t maxt, int threads,
                             const PointsMapFn& fn, bool drop_name);
  RangeSource EvalSubquery(const SubqueryExpr& sq);

  // A scalar argument evaluated to one value per step.
  std::vector<double> EvalScalarArg(const Expr& e);

  const EvalContext& ctx_;
  StepRange steps_;
};

// absent()'s and absent_over_time()'s result labels for this argument: the
// label equality matchers of a selector, none otherwise.
tsdb::Labels AbsentLabelsFor(const Expr& arg);

// `e` without the parentheses around it.
const Expr& Unparen(const Expr& e);

// Whether range function `name` keeps the metric name of its input
// (last_over_time acts like an offset); the others drop it.
inline bool RangeFunctionKeepsName(std::string_view name) { return name == "last_over_time"; }

// Points held by a matrix.
int64_t TotalPoints(const Matrix& m);

// Errors "vector cannot contain metrics with the same labelset" when two
// series of `m` share their labels (used where Prometheus checks the whole
// matrix, after range functions).
void CheckUniqueLabelsets(const Matrix& m);

}  // namespace pharos::promql
