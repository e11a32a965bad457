// Per-sample kernels of the instant-vector functions: math, dates, clamp and
// round, with Prometheus 2.42's (Go's) results.
//
// The engine applies a kernel to every sample of the argument vector and
// drops `__name__` from the result labels (every function here drops it).
// Date kernels with no argument (`hour()`) are applied by the engine to
// time() -- the evaluation time in seconds -- and yield a label-less sample.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace pharos::promql {

using MathKernel = double (*)(double);

// abs ceil exp floor ln log2 log10 sqrt sgn deg rad, and the trig functions
// acos acosh asin asinh atan atanh cos cosh sin sinh tan tanh; null for any
// other name. NaN in gives NaN out; domain errors give NaN (ln(-1)), poles
// give ±Inf (ln(0) = -Inf). sgn keeps NaN and the sign of zero.
// The transcendental functions reproduce Go's math package on amd64 (its
// algorithms, coefficients and operation order, exp's FMA variant chosen by
// CPU like Go), so results equal Prometheus' to the last bit rather than
// the C library's (often more exact) ones. Exceptions: sin, cos and tan of
// |x| >= 2^29 use the C library.
MathKernel LookupMathKernel(std::string_view name);

// day_of_month day_of_week day_of_year days_in_month hour minute month year;
// null for any other name. The value is a Unix time in seconds, UTC,
// truncated toward zero to whole seconds (Go's int64(v)). Like Prometheus on
// amd64, NaN, ±Inf and values beyond ±2^63 become the time -2^63 s, so
// year(NaN) = 292277026596, hour(NaN) = 15, day_of_week(NaN) = 0, and other
// far-off times wrap exactly as Go's time package does.
MathKernel LookupDateKernel(std::string_view name);

// clamp(v, min, max) for one sample: Go's math.Max(min, math.Min(max, v)).
// REQUIRES (engine): when min > max, clamp() returns an EMPTY vector and this
// is not called. A NaN min or max is not "min > max": every sample becomes
// NaN. Note Go's rules: Min(x, -Inf) = -Inf and Max(x, +Inf) = +Inf even for
// NaN x; otherwise any NaN gives NaN.
double Clamp(double v, double min, double max);
// clamp_min(v, min) = math.Max(min, v); clamp_max(v, max) = math.Min(max, v).
// No min > max rule; NaN as above.
double ClampMin(double v, double min);
double ClampMax(double v, double max);

// round(v, to_nearest) = floor(v * (1/to_nearest) + 0.5) / (1/to_nearest):
// ties round up (round(-2.5) = -2). The engine passes to_nearest = 1 when the
// argument is left out.
double Round(double v, double to_nearest);

// Go's math.Max and math.Min (also what the engine needs for min/max-like
// arithmetic that must match Prometheus): ±Inf beats NaN as described above,
// and +0 is greater than -0.
double GoMax(double x, double y);
double GoMin(double x, double y);

}  // namespace pharos::promql
