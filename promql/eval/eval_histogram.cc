// histogram_quantile over classic `le` buckets.
#include <unordered_map>

#include "promql/eval/evaluator.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/series_collector.h"
#include "promql/functions/quantile.h"

namespace pharos::promql {

Matrix Evaluator::HistogramQuantile(const std::vector<double>& phi, const Matrix& in) {
  const int64_t nsteps = steps_.Steps();
  static const std::vector<std::string> kLe = {"le"};
  static const std::vector<std::string> kLeAndName = {"le", std::string(tsdb::kMetricName)};

  // Buckets are grouped by every label but `le` (the metric name included);
  // the result drops `le` and the name.
  struct Group {
    tsdb::Labels labels;
    std::vector<std::vector<Bucket>> at_step;
  };
  std::unordered_map<uint64_t, size_t> group_of_key;
  std::vector<Group> groups;
  for (const Series& s : in) {
    std::optional<double> upper = ParseLeValue(s.labels.Get("le"));
    if (!upper) continue;
    const uint64_t key = HashWithoutLabels(s.labels, kLe) ^
                         tsdb::HashBytes(s.labels.MetricName().data(), s.labels.MetricName().size());
    auto [it, inserted] = group_of_key.emplace(key, groups.size());
    if (inserted) {
      groups.push_back(Group{s.labels.Without(kLeAndName), {}});
      groups.back().at_step.resize(nsteps);
    }
    Group& g = groups[it->second];
    for (const Point& p : s.points) g.at_step[steps_.IndexOf(p.t)].push_back({*upper, p.v});
  }
  SeriesCollector out;
  for (Group& g : groups) {
    Series o;
    o.labels = std::move(g.labels);
    for (int64_t i = 0; i < nsteps; ++i) {
      if (g.at_step[i].empty()) continue;
      o.points.push_back({steps_.TimeAt(i), BucketQuantile(phi[i], std::move(g.at_step[i]))});
    }
    out.Add(std::move(o));
  }
  return out.Finish();
}

}  // namespace pharos::promql
