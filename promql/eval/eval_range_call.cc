// Range functions: rate(x[5m]), avg_over_time(...), f(subquery[1h:1m]).
// Each series' points are windowed over the steps with two cursors that
// only move forward, so a point is visited a constant number of times
// however much windows overlap.
#include <algorithm>

#include "promql/engine.h"
#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/parallel.h"
#include "promql/functions/range_functions.h"
#include "tsdb/sample.h"

namespace pharos::promql {

EvalValue Evaluator::EvalRangeCall(const Call& e, size_t range_arg, const SeriesSink* sink) {
  const std::string_view name = e.func().name;
  const auto& args = e.args();
  std::vector<std::vector<double>> scalars;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i != range_arg) scalars.push_back(EvalScalarArg(*args[i]));
  }
  const bool absent = name == "absent_over_time";
  const bool holt_winters = name == "holt_winters";
  const bool keep_name = RangeFunctionKeepsName(name);
  const bool counter = name == "rate" || name == "increase";
  RangeKernel kernel = absent ? nullptr : LookupRangeKernel(name);
  const RangeBatchKernel batch = absent ? nullptr : LookupRangeBatchKernel(name);
  if (!absent && kernel == nullptr) {
    ThrowStatus(Status(StatusCode::kInternal, "function not implemented: " + std::string(name)));
  }

  const int64_t nsteps = steps_.Steps();
  std::vector<uint8_t> present(absent ? nsteps : 0, 0);
  EvalValue out;
  out.type = ValueType::kVector;

  // One series' output points; safe to run for several series at once
  // (absent excepted: it runs single-threaded).
  auto process = [&](std::vector<Point>& pts, int64_t range, const TimeModifiers& m,
                     std::vector<Point>& o) {
    std::erase_if(pts, [](const Point& p) { return tsdb::IsStaleNaN(p.v); });
    o.reserve(std::min<size_t>(static_cast<size_t>(nsteps), pts.size()));
    // For rate and increase: drops[i] counts the drops (counter resets)
    // among points 1..i, so a window's count is a difference.
    thread_local std::vector<uint32_t> drops;
    if (counter) {
      drops.resize(pts.size());
      uint32_t n = 0;
      for (size_t k = 0; k < pts.size(); ++k) {
        if (k > 0 && pts[k].v < pts[k - 1].v) ++n;
        drops[k] = n;
      }
    }
    size_t lo = 0, hi = 0;
    int64_t touched = 0;
    std::vector<double> step_args(scalars.size());
    // With a batch kernel the windows are cut first and computed in one call.
    thread_local std::vector<WindowIndex> window_buf;
    thread_local std::vector<int64_t> window_ts_buf;
    std::vector<WindowIndex>& windows = window_buf;
    std::vector<int64_t>& window_ts = window_ts_buf;
    size_t nwindows = 0;
    if (batch != nullptr) {
      windows.resize(static_cast<size_t>(nsteps));
      window_ts.resize(static_cast<size_t>(nsteps));
    }
    for (int64_t i = 0; i < nsteps; ++i) {
      // Subqueries give millions of steps: stop soon on timeout or cancel.
      if ((i & 4095) == 4095) ctx_.limits->Check();
      const int64_t ts = steps_.TimeAt(i);
      const int64_t ref = (m.at_ms ? *m.at_ms : ts) - m.offset_ms;
      while (hi < pts.size() && pts[hi].t <= ref) ++hi;
      while (lo < hi && pts[lo].t < ref - range) ++lo;
      if (lo == hi) continue;
      touched += static_cast<int64_t>(hi - lo);
      if (absent) {
        present[i] = 1;
        continue;
      }
      if (batch != nullptr) {
        windows[nwindows] = {static_cast<uint32_t>(lo), static_cast<uint32_t>(hi), ref};
        window_ts[nwindows++] = ts;
        continue;
      }
      for (size_t k = 0; k < scalars.size(); ++k) step_args[k] = scalars[k][i];
      if (holt_winters) {
        if (Status st = CheckHoltWintersArgs(step_args[0], step_args[1]); !st.ok()) {
          ThrowStatus(std::move(st));
        }
      }
      RangeWindow w{std::span<const Point>(pts.data() + lo, hi - lo), ref - range, ref, range, ts};
      if (counter) w.may_have_resets = drops[hi - 1] != drops[lo];
      if (std::optional<double> v = kernel(w, step_args)) o.push_back({ts, *v});
    }
    if (nwindows > 0) {
      thread_local std::vector<double> values;
      thread_local std::vector<uint8_t> has;
      values.resize(nwindows);
      has.resize(nwindows);
      batch(pts, std::span<const WindowIndex>(windows.data(), nwindows), range, drops.data(),
            values.data(), has.data());
      for (size_t k = 0; k < nwindows; ++k) {
        if (has[k]) o.push_back({window_ts[k], values[k]});
      }
    }
    ctx_.limits->CountTouched(touched);
  };
  const int threads = absent ? 1 : ctx_.options->parallelism;

  const Expr* arg = &Unparen(*args[range_arg]);
  tsdb::Labels absent_labels;
  if (arg->Is<MatrixSelector>()) {
    const MatrixSelector& ms = arg->As<MatrixSelector>();
    const TimeModifiers m = Resolve(ms.selector().modifiers());
    const int64_t first_ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
    const int64_t last_ref = (m.at_ms ? *m.at_ms : steps_.end) - m.offset_ms;
    const int64_t range = ms.range_ms();
    auto fn = [&](std::vector<Point>& pts, std::vector<Point>& o) { process(pts, range, m, o); };
    if (sink != nullptr) {
      MapSelected(ms.selector(), first_ref - range, last_ref, threads, fn, *sink);
      return out;
    }
    out.series =
        MapSelectedToMatrix(ms.selector(), first_ref - range, last_ref, threads, fn, !keep_name);
    if (absent) absent_labels = AbsentLabelsFor(*arg);
  } else {
    RangeSource rs = EvalSubquery(arg->As<SubqueryExpr>());
    std::vector<Series> results(rs.series.size());
    ParallelFor(rs.series.size(), threads, [&](size_t, size_t i) {
      Series& s = rs.series[i];
      const int64_t n = static_cast<int64_t>(s.points.size());
      Series& r = results[i];
      process(s.points, rs.range_ms, rs.modifiers, r.points);
      if (!r.points.empty()) {
        r.labels = keep_name ? s.labels : DropMetricName(s.labels);
        ctx_.limits->Add(static_cast<int64_t>(r.points.size()));
      }
      ctx_.limits->Release(n);
      s.points = {};
    });
    for (Series& r : results) {
      if (!r.points.empty()) out.series.push_back(std::move(r));
    }
  }

  if (absent) {
    Series s;
    s.labels = std::move(absent_labels);
    for (int64_t i = 0; i < nsteps; ++i) {
      if (!present[i]) s.points.push_back({steps_.TimeAt(i), 1.0});
    }
    if (!s.points.empty()) out.series.push_back(std::move(s));
    return out;
  }
  CheckUniqueLabelsets(out.series);
  return out;
}

}  // namespace pharos::promql
