// The *_over_time aggregations, changes and resets: Prometheus 2.42's
// arithmetic, compensated sums included.

#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

#include "promql/functions/kahan.h"
#include "promql/functions/quantile.h"
#include "promql/functions/range_kernels.h"

namespace pharos::promql::internal {

std::optional<double> AvgOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  // An incremental mean (it cannot overflow where a plain sum would), with a
  // compensated running value. Once the mean is infinite it stays so unless
  // an opposite infinity or a NaN arrives.
  double mean = 0, count = 0, c = 0;
  for (const Point& p : w.points) {
    count++;
    if (std::isinf(mean)) {
      if (std::isinf(p.v) && (mean > 0) == (p.v > 0)) continue;
      if (!std::isinf(p.v) && !std::isnan(p.v)) continue;
    }
    KahanAdd(p.v / count - mean / count, mean, c);
  }
  if (std::isinf(mean)) return mean;
  return mean + c;
}

std::optional<double> MinOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  // NaN only wins when every value is NaN.
  double min = w.points[0].v;
  for (const Point& p : w.points) {
    if (p.v < min || std::isnan(min)) min = p.v;
  }
  return min;
}

std::optional<double> MaxOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  double max = w.points[0].v;
  for (const Point& p : w.points) {
    if (p.v > max || std::isnan(max)) max = p.v;
  }
  return max;
}

std::optional<double> SumOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  double sum = 0, c = 0;
  for (const Point& p : w.points) KahanAdd(p.v, sum, c);
  if (std::isinf(sum)) return sum;
  return sum + c;
}

std::optional<double> CountOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  return static_cast<double>(w.points.size());
}

std::optional<double> QuantileOverTime(const RangeWindow& w, Args args) {
  if (w.points.empty()) return std::nullopt;
  // One scratch buffer per thread: no allocation once it has grown.
  thread_local std::vector<double> scratch;
  scratch.clear();
  for (const Point& p : w.points) scratch.push_back(p.v);
  return QuantileInPlace(args[0], scratch);
}

namespace {

// Welford's running variance with compensated mean and sum of squares, as
// Prometheus 2.42 computes it; divided by n (population variance).
double Variance(std::span<const Point> points) {
  double count = 0;
  double mean = 0, c_mean = 0;
  double aux = 0, c_aux = 0;
  for (const Point& p : points) {
    count++;
    const double delta = p.v - (mean + c_mean);
    KahanAdd(delta / count, mean, c_mean);
    KahanAdd(delta * (p.v - (mean + c_mean)), aux, c_aux);
  }
  return (aux + c_aux) / count;
}

}  // namespace

std::optional<double> StddevOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  return std::sqrt(Variance(w.points));
}

std::optional<double> StdvarOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  return Variance(w.points);
}

std::optional<double> LastOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  return w.points.back().v;
}

std::optional<double> PresentOverTime(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  return 1.0;
}

std::optional<double> Changes(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  // NaN to NaN is no change; anything else that compares unequal is.
  int changes = 0;
  double prev = w.points[0].v;
  for (size_t i = 1; i < w.points.size(); ++i) {
    const double cur = w.points[i].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) changes++;
    prev = cur;
  }
  return static_cast<double>(changes);
}

std::optional<double> Resets(const RangeWindow& w, Args) {
  if (w.points.empty()) return std::nullopt;
  int resets = 0;
  double prev = w.points[0].v;
  for (size_t i = 1; i < w.points.size(); ++i) {
    const double cur = w.points[i].v;
    if (cur < prev) resets++;
    prev = cur;
  }
  return static_cast<double>(resets);
}

}  // namespace pharos::promql::internal
