#include "promql/eval/series_collector.h"

#include <algorithm>

#include "promql/eval/eval_error.h"

namespace pharos::promql {

namespace {
constexpr const char* kDuplicateLabelset = "vector cannot contain metrics with the same labelset";
}

void SeriesCollector::Add(Series s) {
  if (s.points.empty()) return;
  uint64_t h = s.labels.Hash();
  auto [first, last] = by_hash_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    Series& existing = out_[it->second];
    if (existing.labels == s.labels) {
      existing.points.insert(existing.points.end(), s.points.begin(), s.points.end());
      merged_[it->second] = true;
      return;
    }
  }
  by_hash_.emplace(h, out_.size());
  out_.push_back(std::move(s));
  merged_.push_back(false);
}

Matrix SeriesCollector::Finish() {
  for (size_t i = 0; i < out_.size(); ++i) {
    if (!merged_[i]) continue;
    auto& pts = out_[i].points;
    std::stable_sort(pts.begin(), pts.end(),
                     [](const Point& a, const Point& b) { return a.t < b.t; });
    for (size_t j = 1; j < pts.size(); ++j) {
      if (pts[j].t == pts[j - 1].t) ThrowExecError(kDuplicateLabelset);
    }
  }
  by_hash_.clear();
  merged_.clear();
  return std::move(out_);
}

}  // namespace pharos::promql
