// LookupRangeKernel's table, the holt_winters argument check, and the range
// in seconds as Go's Duration.Seconds() computes it.

#include "promql/functions/range_functions.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "promql/functions/range_kernels.h"

namespace pharos::promql {

RangeKernel LookupRangeKernel(std::string_view name) {
  using namespace internal;
  static constexpr std::pair<std::string_view, RangeKernel> kKernels[] = {
      {"avg_over_time", &AvgOverTime},
      {"changes", &Changes},
      {"count_over_time", &CountOverTime},
      {"delta", &Delta},
      {"deriv", &Deriv},
      {"holt_winters", &HoltWinters},
      {"idelta", &Idelta},
      {"increase", &Increase},
      {"irate", &Irate},
      {"last_over_time", &LastOverTime},
      {"max_over_time", &MaxOverTime},
      {"min_over_time", &MinOverTime},
      {"predict_linear", &PredictLinear},
      {"present_over_time", &PresentOverTime},
      {"quantile_over_time", &QuantileOverTime},
      {"rate", &Rate},
      {"resets", &Resets},
      {"stddev_over_time", &StddevOverTime},
      {"stdvar_over_time", &StdvarOverTime},
      {"sum_over_time", &SumOverTime},
  };
  for (const auto& [n, k] : kKernels) {
    if (n == name) return k;
  }
  return nullptr;
}

RangeBatchKernel LookupRangeBatchKernel(std::string_view name) {
  using namespace internal;
  if (name == "rate") return &RateBatch;
  if (name == "increase") return &IncreaseBatch;
  if (name == "delta") return &DeltaBatch;
  return nullptr;
}

namespace {

// Go's fmt "%f": six decimals, and "+Inf"/"-Inf"/"NaN" for the specials.
std::string GoPercentF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

}  // namespace

Status CheckHoltWintersArgs(double sf, double tf) {
  if (sf <= 0 || sf >= 1) {
    return FailedPreconditionError("invalid smoothing factor. Expected: 0 < sf < 1, got: " +
                                   GoPercentF(sf));
  }
  if (tf <= 0 || tf >= 1) {
    return FailedPreconditionError("invalid trend factor. Expected: 0 < tf < 1, got: " +
                                   GoPercentF(tf));
  }
  return Status::Ok();
}

double RangeSeconds(int64_t range_ms) {
  // Duration.Seconds(): whole seconds plus the nanosecond remainder / 1e9.
  const int64_t sec = range_ms / 1000;
  const int64_t nsec = (range_ms % 1000) * 1000000;
  return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
}

}  // namespace pharos::promql
