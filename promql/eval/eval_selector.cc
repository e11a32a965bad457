// Selectors: reading series from storage, the lookback of instant selectors,
// and range selectors at the top of an instant query.
#include <algorithm>

#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "tsdb/sample.h"

namespace pharos::promql {

void Evaluator::SelectSeries(const VectorSelector& vs, int64_t mint, int64_t maxt,
                             const SeriesFn& fn) {
  tsdb::SelectHints hints;
  hints.start = mint;
  hints.end = maxt;
  std::unique_ptr<tsdb::SeriesSet> set = ctx_.querier->Select(hints, vs.matchers());
  std::vector<Point> buf;
  int64_t n = 0;
  while (set->Next()) {
    if ((++n & 63) == 0) ctx_.limits->Check();
    const tsdb::Series& series = set->At();
    buf.clear();
    std::unique_ptr<tsdb::SampleIterator> it = series.Iterator();
    if (it->Seek(mint)) {
      do {
        tsdb::Sample s = it->At();
        if (s.t > maxt) break;
        buf.push_back({s.t, s.v});
      } while (it->Next());
    }
    if (Status st = it->status(); !st.ok()) ThrowStatus(std::move(st));
    fn(series.labels(), buf);
  }
  if (Status st = set->status(); !st.ok()) ThrowStatus(std::move(st));
}

EvalValue Evaluator::EvalVectorSelector(const VectorSelector& vs, bool sample_times) {
  const TimeModifiers m = Resolve(vs.modifiers());
  const int64_t lookback = ctx_.lookback_ms;
  const int64_t first_ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
  const int64_t last_ref = (m.at_ms ? *m.at_ms : steps_.end) - m.offset_ms;
  const int64_t nsteps = steps_.Steps();

  EvalValue out;
  out.type = ValueType::kVector;
  SelectSeries(vs, first_ref - lookback, last_ref,
               [&](const tsdb::Labels& labels, std::vector<Point>& pts) {
                 Series s;
                 size_t j = 0;
                 for (int64_t i = 0; i < nsteps; ++i) {
                   const int64_t ts = steps_.TimeAt(i);
                   const int64_t ref = (m.at_ms ? *m.at_ms : ts) - m.offset_ms;
                   while (j < pts.size() && pts[j].t <= ref) ++j;
                   if (j == 0) continue;
                   const Point& p = pts[j - 1];
                   // Prometheus 2.x: a sample exactly lookback old still counts.
                   if (p.t < ref - lookback || tsdb::IsStaleNaN(p.v)) continue;
                   s.points.push_back({ts, sample_times ? static_cast<double>(p.t) / 1000.0 : p.v});
                 }
                 if (s.points.empty()) return;
                 ctx_.limits->Add(static_cast<int64_t>(s.points.size()));
                 ctx_.limits->CountTouched(static_cast<int64_t>(s.points.size()));
                 s.labels = labels;
                 out.series.push_back(std::move(s));
               });
  return out;
}

EvalValue Evaluator::EvalMatrixSelectorTop(const MatrixSelector& ms) {
  const TimeModifiers m = Resolve(ms.selector().modifiers());
  const int64_t ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
  EvalValue out;
  out.type = ValueType::kMatrix;
  SelectSeries(ms.selector(), ref - ms.range_ms(), ref,
               [&](const tsdb::Labels& labels, std::vector<Point>& pts) {
                 Series s;
                 s.labels = labels;
                 for (const Point& p : pts) {
                   if (!tsdb::IsStaleNaN(p.v)) s.points.push_back(p);
                 }
                 if (s.points.empty()) return;
                 ctx_.limits->Add(static_cast<int64_t>(s.points.size()));
                 ctx_.limits->CountTouched(static_cast<int64_t>(s.points.size()));
                 out.series.push_back(std::move(s));
               });
  return out;
}

}  // namespace pharos::promql
