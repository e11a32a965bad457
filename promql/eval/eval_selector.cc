// Selectors: reading series from storage, the lookback of instant selectors,
// and range selectors at the top of an instant query.
#include <algorithm>

#include "promql/engine.h"
#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/parallel.h"
#include "tsdb/sample.h"

namespace pharos::promql {

void Evaluator::MapSelected(const VectorSelector& vs, int64_t mint, int64_t maxt, int threads,
                            const PointsMapFn& fn, const SeriesSink& sink) {
  tsdb::SelectHints hints;
  hints.start = mint;
  hints.end = maxt;
  hints.threads = threads;
  std::unique_ptr<tsdb::SeriesSet> set = ctx_.querier->Select(hints, vs.matchers());
  struct Item {
    tsdb::Labels labels;
    std::unique_ptr<tsdb::SampleIterator> it;
  };
  constexpr size_t kBatch = 256;
  std::vector<Item> batch;
  std::vector<std::vector<Point>> scratch(std::max(1, threads));
  // One output buffer per batch slot, kept across batches unless the sink
  // takes the points.
  std::vector<std::vector<Point>> outs;
  auto flush = [&] {
    if (outs.size() < batch.size()) outs.resize(batch.size());
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
      outs[i].clear();
      fn(buf, outs[i]);
      ctx_.limits->Add(static_cast<int64_t>(outs[i].size()));
      ctx_.limits->Release(n);
    });
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!outs[i].empty()) sink(batch[i].labels, outs[i]);
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
}

Matrix Evaluator::MapSelectedToMatrix(const VectorSelector& vs, int64_t mint, int64_t maxt,
                                      int threads, const PointsMapFn& fn, bool drop_name) {
  Matrix out;
  MapSelected(vs, mint, maxt, threads, fn,
              [&](const tsdb::Labels& labels, std::vector<Point>& points) {
                out.push_back(Series{drop_name ? DropMetricName(labels) : labels,
                                     std::move(points)});
              });
  return out;
}

EvalValue Evaluator::EvalVectorSelector(const VectorSelector& vs, bool sample_times,
                                        const SeriesSink* sink) {
  const TimeModifiers m = Resolve(vs.modifiers());
  const int64_t lookback = ctx_.lookback_ms;
  const int64_t first_ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
  const int64_t last_ref = (m.at_ms ? *m.at_ms : steps_.end) - m.offset_ms;
  const int64_t nsteps = steps_.Steps();

  auto at_steps = [&](std::vector<Point>& pts, std::vector<Point>& out) {
    size_t j = 0;
    for (int64_t i = 0; i < nsteps; ++i) {
      const int64_t ts = steps_.TimeAt(i);
      const int64_t ref = (m.at_ms ? *m.at_ms : ts) - m.offset_ms;
      while (j < pts.size() && pts[j].t <= ref) ++j;
      if (j == 0) continue;
      const Point& p = pts[j - 1];
      // Prometheus 2.x: a sample exactly lookback old still counts.
      if (p.t < ref - lookback || tsdb::IsStaleNaN(p.v)) continue;
      out.push_back({ts, sample_times ? static_cast<double>(p.t) / 1000.0 : p.v});
    }
    ctx_.limits->CountTouched(static_cast<int64_t>(out.size()));
  };
  EvalValue out;
  out.type = ValueType::kVector;
  const int threads = ctx_.options->parallelism;
  if (sink != nullptr) {
    MapSelected(vs, first_ref - lookback, last_ref, threads, at_steps, *sink);
  } else {
    out.series = MapSelectedToMatrix(vs, first_ref - lookback, last_ref, threads, at_steps,
                                     /*drop_name=*/false);
  }
  return out;
}

EvalValue Evaluator::EvalMatrixSelectorTop(const MatrixSelector& ms) {
  const TimeModifiers m = Resolve(ms.selector().modifiers());
  const int64_t ref = (m.at_ms ? *m.at_ms : steps_.start) - m.offset_ms;
  EvalValue out;
  out.type = ValueType::kMatrix;
  out.series = MapSelectedToMatrix(
      ms.selector(), ref - ms.range_ms(), ref, /*threads=*/1,
      [&](std::vector<Point>& pts, std::vector<Point>& kept) {
        for (const Point& p : pts) {
          if (!tsdb::IsStaleNaN(p.v)) kept.push_back(p);
        }
        ctx_.limits->CountTouched(static_cast<int64_t>(kept.size()));
      },
      /*drop_name=*/false);
  return out;
}

}  // namespace pharos::promql
