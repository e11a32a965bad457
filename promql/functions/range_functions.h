// Range-vector function kernels: rate, irate, deriv, the *_over_time family
// and friends, with Prometheus 2.42's arithmetic.
//
// A kernel turns the samples of ONE series inside ONE window into at most one
// output value. The engine does everything around it: selecting series,
// cutting windows per step, dropping `__name__` from the result labels
// (every range function but last_over_time drops it), evaluating scalar
// arguments, and absent_over_time, which is not a kernel.
//
// Usage:
//   RangeKernel k = LookupRangeKernel("rate");
//   RangeWindow w{points, eval_ms - range_ms - offset_ms, eval_ms - offset_ms,
//                 range_ms, eval_ms};
//   std::optional<double> v = k(w, {});   // empty: no sample at this step
//
// The engine must not call a kernel with an empty window: Prometheus 2.42
// skips a series with no samples in the window before calling the function
// (kernels still answer "no sample" to an empty window, defensively).
//
// Thread-safety: kernels are pure functions (quantile_over_time uses a
// thread-local scratch buffer) and may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "promql/value.h"
#include "tsdb/status.h"

namespace pharos::promql {

// The samples of one series inside one range-function window, as the engine
// hands them over: points in [range_start_ms, range_end_ms] (both ends
// inclusive, as in Prometheus 2.x), ascending by t, stale markers removed.
struct RangeWindow {
  std::span<const Point> points;  // ascending t
  int64_t range_start_ms;         // eval time - range - offset
  int64_t range_end_ms;           // eval time - offset
  int64_t range_ms;               // the selector's (or subquery's) range
  int64_t eval_time_ms;           // the step's evaluation time (predict_linear's intercept)
  // False when the caller knows no point is lower than the one before it,
  // so rate and increase can skip their scan for counter resets.
  bool may_have_resets = true;
};

// Scalar arguments of the call, already evaluated at this step, in argument
// order with the range vector left out:
//   holt_winters(v, sf, tf)        -> {sf, tf}
//   predict_linear(v, t)           -> {t}
//   quantile_over_time(phi, v)     -> {phi}
//   every other range function     -> {}
// REQUIRES: scalar_args has at least as many values as listed above.
//
// Returns the output value, or an empty optional for "no output sample at this
// step" (e.g. rate over fewer than 2 points).
using RangeKernel = std::optional<double> (*)(const RangeWindow& w,
                                              std::span<const double> scalar_args);

// The kernel of a range function by name, or null. Known names:
//   rate increase delta    extrapolated over the window (counter resets for
//                          rate/increase; no sample with < 2 points)
//   irate idelta           the last two points (no sample with < 2 points or
//                          when they share a timestamp)
//   deriv predict_linear   least squares (no sample with < 2 points)
//   holt_winters           double exponential smoothing (< 2 points: none).
//                          The engine must call CheckHoltWintersArgs first.
//   changes resets         counts (a single point gives 0)
//   avg_over_time min_over_time max_over_time sum_over_time count_over_time
//   quantile_over_time stddev_over_time stdvar_over_time last_over_time
//   present_over_time
// absent_over_time is the engine's own (it looks at the whole selection).
RangeKernel LookupRangeKernel(std::string_view name);

// One window of a series for a batch kernel: points [lo, hi) of the
// series, a range that ends at end_ms (eval time - offset) and starts the
// selector's range before.
struct WindowIndex {
  uint32_t lo = 0, hi = 0;
  int64_t end_ms = 0;
};

// A function over every window of one series in one call, for those whose
// per-window cost is a chain of dependent divisions (rate, increase,
// delta): in one loop the chains of consecutive windows overlap. Results
// are bit for bit the kernel's: out[i] is windows[i]'s value, has[i] is 0
// where the kernel gives no sample.
//   drops: for rate and increase, drops[k] counts the points j in 1..k lower
//   than the point before (so a window's count is a difference); unused by
//   delta.
using RangeBatchKernel = void (*)(std::span<const Point> points, std::span<const WindowIndex> windows,
                                  int64_t range_ms, const uint32_t* drops, double* out, uint8_t* has);

// The batch kernel of a range function by name, or null (use the kernel).
RangeBatchKernel LookupRangeBatchKernel(std::string_view name);

// Prometheus panics (an evaluation error, HTTP 422) when holt_winters'
// factors are out of range. The engine calls this each time it is about to
// call the holt_winters kernel -- Prometheus 2.42 checks inside the function,
// so a query whose windows are all empty raises no error. Returns
// kFailedPrecondition with Prometheus' words:
//   "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000"
//   "invalid trend factor. Expected: 0 < tf < 1, got: 0.000000"
// (sf is checked first; NaN passes both checks, as in Prometheus.)
Status CheckHoltWintersArgs(double sf, double tf);

// Go's time.Duration(range).Seconds() for a range in milliseconds: the
// divisor of rate().
double RangeSeconds(int64_t range_ms);

}  // namespace pharos::promql
