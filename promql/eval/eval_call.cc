// Function calls over instant vectors and scalars. Range functions (a range
// vector argument) are in eval_range_call.cc.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/series_collector.h"
#include "promql/functions/instant_functions.h"
#include "promql/functions/label_functions.h"
#include "promql/functions/quantile.h"

namespace pharos::promql {
namespace {

bool IsRangeArg(const Expr& e) {
  const Expr& x = Unparen(e);
  return x.Is<MatrixSelector>() || x.Is<SubqueryExpr>();
}

// Applies `f(value, step)` to every point, dropping the metric name.
template <typename F>
Matrix MapPoints(Matrix& in, const StepRange& steps, F&& f) {
  SeriesCollector out;
  for (Series& s : in) {
    Series o;
    o.labels = DropMetricName(s.labels);
    o.points.reserve(s.points.size());
    for (const Point& p : s.points) {
      std::optional<double> v = f(p.v, steps.IndexOf(p.t));
      if (v) o.points.push_back({p.t, *v});
    }
    out.Add(std::move(o));
  }
  return out.Finish();
}

// absent()'s labels: the equality matchers of a selector argument, except
// a label matched more than once or by another matcher type.
tsdb::Labels AbsentLabels(const Expr& arg) {
  const Expr& x = Unparen(arg);
  const VectorSelector* vs = nullptr;
  if (x.Is<VectorSelector>()) vs = &x.As<VectorSelector>();
  if (x.Is<MatrixSelector>()) vs = &x.As<MatrixSelector>().selector();
  if (vs == nullptr) return tsdb::Labels();
  std::vector<tsdb::Label> out;
  std::vector<std::string> dropped;
  for (const tsdb::Matcher& m : vs->matchers()) {
    if (m.name() == tsdb::kMetricName) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& l) { return l.name == m.name(); });
    const bool was_dropped = std::find(dropped.begin(), dropped.end(), m.name()) != dropped.end();
    if (m.type() == tsdb::MatchType::kEqual && it == out.end() && !was_dropped) {
      out.push_back({m.name(), m.value()});
    } else {
      if (it != out.end()) out.erase(it);
      dropped.push_back(m.name());
    }
  }
  return tsdb::Labels(std::move(out));
}

}  // namespace

tsdb::Labels AbsentLabelsFor(const Expr& arg) { return AbsentLabels(arg); }

EvalValue Evaluator::EvalCall(const Call& e) {
  const std::string_view name = e.func().name;
  const auto& args = e.args();
  for (size_t i = 0; i < args.size(); ++i) {
    if (IsRangeArg(*args[i])) return EvalRangeCall(e, i);
  }
  const int64_t nsteps = steps_.Steps();
  EvalValue out;
  out.type = e.type();

  // Scalar-valued and argument-free functions.
  if (name == "time" || name == "pi") {
    out.scalars.resize(nsteps);
    for (int64_t i = 0; i < nsteps; ++i) {
      out.scalars[i] = name == "pi" ? M_PI : static_cast<double>(steps_.TimeAt(i)) / 1000.0;
    }
    return out;
  }
  if (name == "scalar") {
    EvalValue v = Eval(*args[0]);
    std::vector<uint32_t> count(nsteps, 0);
    out.scalars.assign(nsteps, std::nan(""));
    for (const Series& s : v.series) {
      for (const Point& p : s.points) {
        const int64_t i = steps_.IndexOf(p.t);
        out.scalars[i] = ++count[i] == 1 ? p.v : std::nan("");
      }
    }
    ctx_.limits->Release(TotalPoints(v.series));
    return out;
  }
  if (name == "vector") {
    std::vector<double> sc = EvalScalarArg(*args[0]);
    Series s;
    for (int64_t i = 0; i < nsteps; ++i) s.points.push_back({steps_.TimeAt(i), sc[i]});
    ctx_.limits->Add(nsteps);
    out.series.push_back(std::move(s));
    return out;
  }
  if (MathKernel date = LookupDateKernel(name); date != nullptr && args.empty()) {
    // vector(time()) in whole seconds, as Prometheus does.
    Series s;
    for (int64_t i = 0; i < nsteps; ++i) {
      s.points.push_back({steps_.TimeAt(i), date(static_cast<double>(steps_.TimeAt(i) / 1000))});
    }
    ctx_.limits->Add(nsteps);
    out.series.push_back(std::move(s));
    return out;
  }
  if (name == "timestamp") {
    // Of a selector, the time of the sample each step picked; of anything
    // else, the step's own time.
    const Expr& arg = Unparen(*args[0]);
    const bool selector = arg.Is<VectorSelector>();
    EvalValue v = selector ? EvalVectorSelector(arg.As<VectorSelector>(), /*sample_times=*/true)
                           : Eval(arg);
    out.series = MapPoints(v.series, steps_, [&](double x, int64_t i) {
      return selector ? x : static_cast<double>(steps_.TimeAt(i)) / 1000.0;
    });
    return out;
  }

  // The remaining functions take an instant vector first (histogram_quantile
  // second) and scalars or strings after it.
  if (name == "histogram_quantile") {
    std::vector<double> phi = EvalScalarArg(*args[0]);
    EvalValue v = Eval(*args[1]);
    out.series = HistogramQuantile(phi, v.series);
    ctx_.limits->Add(TotalPoints(out.series));
    ctx_.limits->Release(TotalPoints(v.series));
    return out;
  }
  EvalValue v = Eval(*args[0]);
  const int64_t in_points = TotalPoints(v.series);
  std::vector<std::vector<double>> scalar_args;
  std::vector<std::string> string_args;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i]->type() == ValueType::kString) {
      string_args.push_back(Eval(*args[i]).str);
    } else {
      scalar_args.push_back(EvalScalarArg(*args[i]));
    }
  }

  if (MathKernel f = LookupMathKernel(name); f != nullptr) {
    out.series = MapPoints(v.series, steps_, [f](double x, int64_t) { return f(x); });
  } else if (MathKernel date = LookupDateKernel(name); date != nullptr) {
    out.series = MapPoints(v.series, steps_, [date](double x, int64_t) { return date(x); });
  } else if (name == "clamp") {
    const auto& lo = scalar_args[0];
    const auto& hi = scalar_args[1];
    out.series = MapPoints(v.series, steps_, [&](double x, int64_t i) -> std::optional<double> {
      if (hi[i] < lo[i]) return std::nullopt;
      return Clamp(x, lo[i], hi[i]);
    });
  } else if (name == "clamp_min") {
    const auto& lo = scalar_args[0];
    out.series = MapPoints(v.series, steps_, [&](double x, int64_t i) { return ClampMin(x, lo[i]); });
  } else if (name == "clamp_max") {
    const auto& hi = scalar_args[0];
    out.series = MapPoints(v.series, steps_, [&](double x, int64_t i) { return ClampMax(x, hi[i]); });
  } else if (name == "round") {
    const std::vector<double>* to = scalar_args.empty() ? nullptr : &scalar_args[0];
    out.series = MapPoints(v.series, steps_, [&](double x, int64_t i) {
      return Round(x, to == nullptr ? 1.0 : (*to)[i]);
    });
  } else if (name == "absent") {
    std::vector<uint8_t> present(nsteps, 0);
    for (const Series& s : v.series)
      for (const Point& p : s.points) present[steps_.IndexOf(p.t)] = 1;
    Series s;
    s.labels = AbsentLabels(*args[0]);
    for (int64_t i = 0; i < nsteps; ++i) {
      if (!present[i]) s.points.push_back({steps_.TimeAt(i), 1.0});
    }
    if (!s.points.empty()) out.series.push_back(std::move(s));
  } else if (name == "sort" || name == "sort_desc") {
    // Ordering matters for instant queries only; range results are sorted
    // by labels at the end.
    const bool desc = name == "sort_desc";
    out.series = std::move(v.series);
    if (nsteps == 1) {
      std::stable_sort(out.series.begin(), out.series.end(), [desc](const Series& a, const Series& b) {
        const double x = a.points[0].v, y = b.points[0].v;
        if (std::isnan(x)) return false;
        if (std::isnan(y)) return true;
        return desc ? x > y : x < y;
      });
    }
  } else if (name == "label_replace") {
    LabelReplacer r = ValueOrThrow(
        LabelReplacer::Make(string_args[0], string_args[1], string_args[2], string_args[3]));
    SeriesCollector collect;
    for (Series& s : v.series) {
      s.labels = r.Apply(s.labels);
      collect.Add(std::move(s));
    }
    out.series = collect.Finish();
  } else if (name == "label_join") {
    const std::string& dst = string_args[0];
    const std::string& sep = string_args[1];
    std::vector<std::string> srcs(string_args.begin() + 2, string_args.end());
    if (Status st = CheckLabelJoinArgs(dst, srcs); !st.ok()) ThrowStatus(std::move(st));
    SeriesCollector collect;
    for (Series& s : v.series) {
      s.labels = LabelJoin(s.labels, dst, sep, srcs);
      collect.Add(std::move(s));
    }
    out.series = collect.Finish();
  } else if (name == "histogram_count" || name == "histogram_sum" || name == "histogram_fraction") {
    // Native histograms only: float series have none.
  } else {
    ThrowStatus(Status(StatusCode::kInternal, "function not implemented: " + std::string(name)));
  }
  ctx_.limits->Add(TotalPoints(out.series));
  ctx_.limits->Release(in_points);
  return out;
}

}  // namespace pharos::promql
