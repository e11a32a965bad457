#include "promql/eval/evaluator.h"

#include <optional>
#include <unordered_set>

#include "promql/engine.h"
#include "promql/eval/eval_error.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/series_collector.h"

namespace pharos::promql {

int64_t TotalPoints(const Matrix& m) {
  int64_t n = 0;
  for (const Series& s : m) n += static_cast<int64_t>(s.points.size());
  return n;
}

void CheckUniqueLabelsets(const Matrix& m) {
  std::unordered_multimap<uint64_t, size_t> seen;
  seen.reserve(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    auto [first, last] = seen.equal_range(m[i].labels.Hash());
    for (auto it = first; it != last; ++it) {
      if (m[it->second].labels == m[i].labels) {
        ThrowExecError("vector cannot contain metrics with the same labelset");
      }
    }
    seen.emplace(m[i].labels.Hash(), i);
  }
}

TimeModifiers Evaluator::Resolve(const TimeModifiers& m) const {
  TimeModifiers r = m;
  if (m.at_start_end == AtStartEnd::kStart) r.at_ms = ctx_.query_start;
  if (m.at_start_end == AtStartEnd::kEnd) r.at_ms = ctx_.query_end;
  r.at_start_end = AtStartEnd::kNone;
  return r;
}

EvalValue Evaluator::Eval(const Expr& e) {
  ctx_.limits->Check();
  switch (e.kind()) {
    case NodeKind::kNumberLiteral: {
      EvalValue v;
      v.type = ValueType::kScalar;
      v.scalars.assign(steps_.Steps(), e.As<NumberLiteral>().value());
      return v;
    }
    case NodeKind::kStringLiteral: {
      EvalValue v;
      v.type = ValueType::kString;
      v.str = e.As<StringLiteral>().value();
      return v;
    }
    case NodeKind::kParen:
      return Eval(e.As<ParenExpr>().expr());
    case NodeKind::kVectorSelector:
      return EvalVectorSelector(e.As<VectorSelector>(), /*sample_times=*/false);
    case NodeKind::kMatrixSelector:
      return EvalMatrixSelectorTop(e.As<MatrixSelector>());
    case NodeKind::kSubquery:
      return EvalSubqueryTop(e.As<SubqueryExpr>());
    case NodeKind::kUnary:
      return EvalUnary(e.As<UnaryExpr>());
    case NodeKind::kBinary:
      return EvalBinary(e.As<BinaryExpr>());
    case NodeKind::kAggregate:
      return EvalAggregate(e.As<AggregateExpr>());
    case NodeKind::kCall:
      return EvalCall(e.As<Call>());
  }
  ThrowStatus(Status(StatusCode::kInternal, "unknown expression kind"));
}

const Expr& Unparen(const Expr& e) {
  const Expr* x = &e;
  while (x->Is<ParenExpr>()) x = &x->As<ParenExpr>().expr();
  return *x;
}

namespace {

// Whether every series `vs` selects has the same metric name, so dropping
// the name cannot make two of them equal.
bool OneMetricName(const VectorSelector& vs) {
  for (const tsdb::Matcher& m : vs.matchers()) {
    if (m.name() == tsdb::kMetricName && m.type() == tsdb::MatchType::kEqual) return true;
  }
  return false;
}

// The argument of a range function that is a selector it can be streamed
// over, if any.
std::optional<size_t> StreamableRangeArg(const Call& call) {
  const std::string_view name = call.func().name;
  if (name == "absent_over_time") return std::nullopt;
  for (size_t i = 0; i < call.args().size(); ++i) {
    const Expr& arg = Unparen(*call.args()[i]);
    if (arg.Is<SubqueryExpr>()) return std::nullopt;
    if (!arg.Is<MatrixSelector>()) continue;
    // Prometheus checks a range function's whole output for series that
    // became equal without their names; streamed output is never gathered,
    // so only selectors where that cannot happen are streamed.
    if (!RangeFunctionKeepsName(name) && !OneMetricName(arg.As<MatrixSelector>().selector())) {
      return std::nullopt;
    }
    return i;
  }
  return std::nullopt;
}

}  // namespace

Streaming StreamingOf(const Expr& e) {
  const Expr& x = Unparen(e);
  if (x.Is<VectorSelector>()) return Streaming::kKeepsName;
  if (!x.Is<Call>() || !StreamableRangeArg(x.As<Call>())) return Streaming::kNo;
  return RangeFunctionKeepsName(x.As<Call>().func().name) ? Streaming::kKeepsName
                                                          : Streaming::kDropsName;
}

void Evaluator::EvalStreamed(const Expr& e, const SeriesSink& sink) {
  const Expr& x = Unparen(e);
  if (x.Is<VectorSelector>()) {
    EvalVectorSelector(x.As<VectorSelector>(), /*sample_times=*/false, &sink);
    return;
  }
  const Call& call = x.As<Call>();
  EvalRangeCall(call, StreamableRangeArg(call).value(), &sink);
}

EvalValue Evaluator::EvalUnary(const UnaryExpr& e) {
  EvalValue v = Eval(e.expr());
  if (e.op() != BinaryOp::kSub) return v;
  if (v.type == ValueType::kScalar) {
    for (double& x : v.scalars) x = -x;
    return v;
  }
  SeriesCollector out;
  for (Series& s : v.series) {
    s.labels = DropMetricName(s.labels);
    for (Point& p : s.points) p.v = -p.v;
    out.Add(std::move(s));
  }
  v.series = out.Finish();
  return v;
}

RangeSource Evaluator::EvalSubquery(const SubqueryExpr& sq) {
  TimeModifiers m = Resolve(sq.modifiers());
  const int64_t step =
      sq.step_ms() > 0 ? sq.step_ms() : ctx_.options->default_subquery_step_ms;
  const int64_t outer_start = m.at_ms ? *m.at_ms : steps_.start;
  const int64_t outer_end = m.at_ms ? *m.at_ms : steps_.end;
  StepRange inner;
  inner.interval = step;
  inner.end = outer_end - m.offset_ms;
  // The first time at or after the window's start that is a multiple of the
  // step, so subquery points line up across evaluations.
  const int64_t lo = outer_start - m.offset_ms - sq.range_ms();
  inner.start = step * (lo / step);
  if (inner.start < lo) inner.start += step;

  Evaluator sub(ctx_, inner);
  EvalValue v = sub.Eval(sq.expr());
  RangeSource rs;
  rs.range_ms = sq.range_ms();
  rs.modifiers = m;
  if (v.type == ValueType::kScalar) {
    Series s;
    s.points.reserve(v.scalars.size());
    for (int64_t i = 0; i < inner.Steps(); ++i) s.points.push_back({inner.TimeAt(i), v.scalars[i]});
    ctx_.limits->Add(static_cast<int64_t>(s.points.size()));
    rs.series.push_back(std::move(s));
  } else {
    rs.series = std::move(v.series);
  }
  return rs;
}

EvalValue Evaluator::EvalSubqueryTop(const SubqueryExpr& sq) {
  RangeSource rs = EvalSubquery(sq);
  EvalValue v;
  v.type = ValueType::kMatrix;
  for (Series& s : rs.series) {
    if (!s.points.empty()) v.series.push_back(std::move(s));
  }
  return v;
}

std::vector<double> Evaluator::EvalScalarArg(const Expr& e) {
  EvalValue v = Eval(e);
  if (v.type != ValueType::kScalar) {
    ThrowStatus(Status(StatusCode::kInternal, "expected a scalar argument"));
  }
  return std::move(v.scalars);
}

}  // namespace pharos::promql
