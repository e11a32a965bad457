// rate, increase, delta, irate, idelta: Prometheus 2.42's extrapolatedRate
// and instantValue.

#include <cstddef>
#include <optional>

#include "promql/functions/range_kernels.h"

namespace pharos::promql::internal {
namespace {

// The increase of the series over the window, extrapolated towards the window
// edges, optionally per second of the range. The order of operations follows
// Prometheus so that results agree to the last bit.
std::optional<double> ExtrapolatedRate(const RangeWindow& w, bool is_counter, bool is_rate) {
  const auto& p = w.points;
  const size_t n = p.size();
  if (n < 2) return std::nullopt;
  const Point& first = p.front();
  const Point& last = p.back();

  double result = last.v - first.v;
  if (is_counter && w.may_have_resets) {
    // A drop is a counter reset: the counter restarted from zero, so the value
    // before the drop was lost from the increase.
    double prev = first.v;
    for (size_t i = 1; i < n; ++i) {
      if (p[i].v < prev) result += prev;
      prev = p[i].v;
    }
  }

  double duration_to_start = static_cast<double>(first.t - w.range_start_ms) / 1000;
  const double duration_to_end = static_cast<double>(w.range_end_ms - last.t) / 1000;
  const double sampled_interval = static_cast<double>(last.t - first.t) / 1000;
  const double average_between = sampled_interval / static_cast<double>(n - 1);

  // A counter cannot go below zero: do not extrapolate past the point where
  // the line through the samples would reach zero. (2.42 applies this before
  // the threshold test below, unlike later versions.)
  if (is_counter && result > 0 && first.v >= 0) {
    const double duration_to_zero = sampled_interval * (first.v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }

  // Extrapolate to an edge only when the samples plausibly reach it (within
  // 110% of the average spacing); otherwise by half a spacing.
  const double threshold = average_between * 1.1;
  double extrapolate_to = sampled_interval;
  extrapolate_to += duration_to_start < threshold ? duration_to_start : average_between / 2;
  extrapolate_to += duration_to_end < threshold ? duration_to_end : average_between / 2;

  double factor = extrapolate_to / sampled_interval;
  if (is_rate) factor /= RangeSeconds(w.range_ms);
  return result * factor;
}

// irate and idelta: the last two points only.
std::optional<double> InstantValue(const RangeWindow& w, bool is_rate) {
  const auto& p = w.points;
  if (p.size() < 2) return std::nullopt;
  const Point& last = p[p.size() - 1];
  const Point& previous = p[p.size() - 2];

  double result;
  if (is_rate && last.v < previous.v) {
    result = last.v;  // counter reset
  } else {
    result = last.v - previous.v;
  }
  const int64_t interval_ms = last.t - previous.t;
  if (interval_ms == 0) return std::nullopt;
  if (is_rate) result /= static_cast<double>(interval_ms) / 1000;
  return result;
}

}  // namespace

std::optional<double> Rate(const RangeWindow& w, Args) { return ExtrapolatedRate(w, true, true); }
std::optional<double> Increase(const RangeWindow& w, Args) {
  return ExtrapolatedRate(w, true, false);
}
std::optional<double> Delta(const RangeWindow& w, Args) {
  return ExtrapolatedRate(w, false, false);
}
std::optional<double> Irate(const RangeWindow& w, Args) { return InstantValue(w, true); }
std::optional<double> Idelta(const RangeWindow& w, Args) { return InstantValue(w, false); }

}  // namespace pharos::promql::internal
