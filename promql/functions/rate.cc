// rate, increase, delta, irate, idelta: Prometheus 2.42's extrapolatedRate
// and instantValue.

#include <cstddef>
#include <optional>
#include <span>

#include "promql/functions/range_kernels.h"

namespace pharos::promql::internal {
namespace {

// The increase of the series over the window, extrapolated towards the window
// edges, optionally per second of the range (range_seconds; 0 for none). The
// order of operations follows Prometheus so that results agree to the last
// bit. Inline: the batch kernels below loop over it.
inline std::optional<double> ExtrapolatedRate(std::span<const Point> p, int64_t range_start_ms,
                                              int64_t range_end_ms, bool is_counter,
                                              bool may_have_resets, double range_seconds) {
  const size_t n = p.size();
  if (n < 2) return std::nullopt;
  const Point& first = p.front();
  const Point& last = p.back();

  double result = last.v - first.v;
  if (is_counter && may_have_resets) {
    // A drop is a counter reset: the counter restarted from zero, so the value
    // before the drop was lost from the increase.
    double prev = first.v;
    for (size_t i = 1; i < n; ++i) {
      if (p[i].v < prev) result += prev;
      prev = p[i].v;
    }
  }

  double duration_to_start = static_cast<double>(first.t - range_start_ms) / 1000;
  const double duration_to_end = static_cast<double>(range_end_ms - last.t) / 1000;
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
  if (range_seconds != 0) factor /= range_seconds;
  return result * factor;
}

std::optional<double> ExtrapolatedRate(const RangeWindow& w, bool is_counter, bool is_rate) {
  return ExtrapolatedRate(w.points, w.range_start_ms, w.range_end_ms, is_counter, w.may_have_resets,
                          is_rate ? RangeSeconds(w.range_ms) : 0);
}

template <bool kCounter, bool kRate>
void ExtrapolatedRates(std::span<const Point> points, std::span<const WindowIndex> windows,
                       int64_t range_ms, const uint32_t* drops, double* out, uint8_t* has) {
  const double range_seconds = kRate ? RangeSeconds(range_ms) : 0;
  for (size_t i = 0; i < windows.size(); ++i) {
    const WindowIndex& w = windows[i];
    const bool resets = kCounter && w.hi > w.lo && drops[w.hi - 1] != drops[w.lo];
    std::optional<double> v = ExtrapolatedRate(points.subspan(w.lo, w.hi - w.lo), w.end_ms - range_ms,
                                               w.end_ms, kCounter, resets, range_seconds);
    has[i] = v.has_value();
    out[i] = v.value_or(0);
  }
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

void RateBatch(std::span<const Point> points, std::span<const WindowIndex> windows, int64_t range_ms,
               const uint32_t* drops, double* out, uint8_t* has) {
  ExtrapolatedRates<true, true>(points, windows, range_ms, drops, out, has);
}
void IncreaseBatch(std::span<const Point> points, std::span<const WindowIndex> windows,
                   int64_t range_ms, const uint32_t* drops, double* out, uint8_t* has) {
  ExtrapolatedRates<true, false>(points, windows, range_ms, drops, out, has);
}
void DeltaBatch(std::span<const Point> points, std::span<const WindowIndex> windows, int64_t range_ms,
                const uint32_t* drops, double* out, uint8_t* has) {
  ExtrapolatedRates<false, false>(points, windows, range_ms, drops, out, has);
}

}  // namespace pharos::promql::internal
