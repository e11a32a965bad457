// Selectors: reading series from storage, the lookback of instant selectors,
// and range selectors at the top of an instant query.
#include <algorithm>

#include "promql/engine.h"
#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/parallel.h"
#include "tsdb/sample.h"

namespace pharos::promql {

Matrix Evaluator::MapSelected(const VectorSelector& vs, int64_t mint, int64_t maxt, int threads,
                              const SeriesMapFn& fn) {
  tsdb::SelectHints hints;
  hints.start = mint;
  hints.end = maxt;
  std::unique_ptr<tsdb::SeriesSet> set = ctx_.querier->Select(hints, vs.matchers());
  struct Item {
    tsdb::Labels labels;
    std::unique_ptr<tsdb::SampleIterator> it;
  };
  constexpr size_t kBatch = 256;
  std::vector<Item> batch;
  std::vector<std::vector<Point>> scratch(std::max(1, threads));
  Matrix out;
  auto flush = [&] {
    std::vector<Series> results(batch.size());
    ParallelFor(batch.size(), threads, [&](size_t worker, size_t i) {
      std::vector<Point>& buf = scratch[worker];
      buf.clear();
      tsdb::SampleIterator& it = *batch[i].it;
      if (it.Seek(mint)) {
        do {
          tsdb::Sample s = it.At();
          if (s.t > maxt) break;
          buf.push_back({s.t, s.v});
        } while (it.Next());
      }
      if (Status st = it.status(); !st.ok()) ThrowStatus(std::move(st));
      batch[i].it.reset();
      const int64_t n = static_cast<int64_t>(buf.size());
      ctx_.limits->Add(n);
      results[i] = fn(batch[i].labels, buf);
      ctx_.limits->Release(n);
    });
    for (Series& r : results) {
      if (!r.points.empty()) out.push_back(std::move(r));
    }
    batch.clear();
    ctx_.limits->Check();
  };
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    batch.push_back(Item{series.labels(), series.Iterator()});
    if (batch.size() >= kBatch) flush();
  }
  if (Status st = set->status(); !st.ok()) ThrowStatus(std::move(st));
  flush();
  return out;
}

Series Evaluator::Kept(Series s, const tsdb::Labels& labels) {
  if (s.points.empty()) return s;
  ctx_.limits->Add(static_cast<int64_t>(s.points.size()));
  ctx_.limits->CountTouched(static_cast<int64_t>(s.points.size()));
  s.labels = labels;
  return s;
}

EvalValue Evaluator::EvalVectorSelector(const VectorSelector& vs, bool sample_times) {
  const TimeModifiers m = Resolve(vs.modifiers());
  const int64_t lookback = ctx_.lookback_ms;
  const int64_t first_ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
  const int64_t last_ref = (m.at_ms ? *m.at_ms : steps_.end) - m.offset_ms;
  const int64_t nsteps = steps_.Steps();

  EvalValue out;
  out.type = ValueType::kVector;
  out.series = MapSelected(
      vs, first_ref - lookback, last_ref, ctx_.options->parallelism,
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
        return Kept(std::move(s), labels);
      });
  return out;
}

EvalValue Evaluator::EvalMatrixSelectorTop(const MatrixSelector& ms) {
  const TimeModifiers m = Resolve(ms.selector().modifiers());
  const int64_t ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
  EvalValue out;
  out.type = ValueType::kMatrix;
  out.series = MapSelected(ms.selector(), ref - ms.range_ms(), ref, /*threads=*/1,
                           [&](const tsdb::Labels& labels, std::vector<Point>& pts) {
                             Series s;
                             for (const Point& p : pts) {
                               if (!tsdb::IsStaleNaN(p.v)) s.points.push_back(p);
                             }
                             return Kept(std::move(s), labels);
                           });
  return out;
}

}  // namespace pharos::promql
