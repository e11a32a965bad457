// deriv, predict_linear and holt_winters: Prometheus 2.42's linearRegression
// and double exponential smoothing.

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>

#include "promql/functions/kahan.h"
#include "promql/functions/range_kernels.h"

namespace pharos::promql::internal {
namespace {

struct Line {
  double slope;
  double intercept;  // the value at intercept_ms
};

// Least-squares fit of v over t (in seconds relative to intercept_ms), with
// compensated sums. A window of one repeated value is a flat line at that
// value -- or NaN for a repeated infinity -- without dividing 0 by 0.
// REQUIRES: points not empty.
Line LinearRegression(std::span<const Point> points, int64_t intercept_ms) {
  double n = 0;
  double sum_x = 0, c_x = 0;
  double sum_y = 0, c_y = 0;
  double sum_xy = 0, c_xy = 0;
  double sum_x2 = 0, c_x2 = 0;
  const double init_y = points[0].v;
  bool const_y = true;
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    if (const_y && i > 0 && p.v != init_y) const_y = false;
    n += 1.0;
    const double x = static_cast<double>(p.t - intercept_ms) / 1e3;
    KahanAdd(x, sum_x, c_x);
    KahanAdd(p.v, sum_y, c_y);
    KahanAdd(x * p.v, sum_xy, c_xy);
    KahanAdd(x * x, sum_x2, c_x2);
  }
  if (const_y) {
    if (std::isinf(init_y)) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      return {nan, nan};
    }
    return {0, init_y};
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;

  const double cov_xy = sum_xy - sum_x * sum_y / n;
  const double var_x = sum_x2 - sum_x * sum_x / n;
  const double slope = cov_xy / var_x;
  return {slope, sum_y / n - slope * sum_x / n};
}

}  // namespace

std::optional<double> Deriv(const RangeWindow& w, Args) {
  if (w.points.size() < 2) return std::nullopt;
  // Relative to the first sample's time, to keep x small (Prometheus #2674).
  return LinearRegression(w.points, w.points[0].t).slope;
}

std::optional<double> PredictLinear(const RangeWindow& w, Args args) {
  if (w.points.size() < 2) return std::nullopt;
  const double duration = args[0];
  const Line line = LinearRegression(w.points, w.eval_time_ms);
  return line.slope * duration + line.intercept;
}

std::optional<double> HoltWinters(const RangeWindow& w, Args args) {
  const double sf = args[0];
  const double tf = args[1];
  // The engine reports these as errors (CheckHoltWintersArgs); never compute
  // with them.
  if (sf <= 0 || sf >= 1 || tf <= 0 || tf >= 1) return std::nullopt;
  const auto& p = w.points;
  if (p.size() < 2) return std::nullopt;

  double s0 = 0;
  double s1 = p[0].v;
  double b = p[1].v - p[0].v;
  for (size_t i = 1; i < p.size(); ++i) {
    const double x = sf * p[i].v;
    // The trend at i-1; the first step keeps the initial trend.
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

}  // namespace pharos::promql::internal
