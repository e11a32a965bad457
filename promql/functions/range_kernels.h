// The individual range kernels behind LookupRangeKernel(), grouped by the .cc
// file that defines them. Internal to promql/functions/; callers use
// range_functions.h. Each has the RangeKernel signature.
#pragma once

#include <optional>
#include <span>

#include "promql/functions/range_functions.h"

namespace pharos::promql::internal {

using Args = std::span<const double>;

// rate.cc: extrapolated and instant rates.
std::optional<double> Rate(const RangeWindow& w, Args args);
std::optional<double> Increase(const RangeWindow& w, Args args);
std::optional<double> Delta(const RangeWindow& w, Args args);
std::optional<double> Irate(const RangeWindow& w, Args args);
std::optional<double> Idelta(const RangeWindow& w, Args args);
// The batch kernels of rate, increase and delta.
void RateBatch(std::span<const Point> points, std::span<const WindowIndex> windows, int64_t range_ms,
               const uint32_t* drops, double* out, uint8_t* has);
void IncreaseBatch(std::span<const Point> points, std::span<const WindowIndex> windows,
                   int64_t range_ms, const uint32_t* drops, double* out, uint8_t* has);
void DeltaBatch(std::span<const Point> points, std::span<const WindowIndex> windows, int64_t range_ms,
                const uint32_t* drops, double* out, uint8_t* has);

// regression.cc: least squares and smoothing.
std::optional<double> Deriv(const RangeWindow& w, Args args);
std::optional<double> PredictLinear(const RangeWindow& w, Args args);
std::optional<double> HoltWinters(const RangeWindow& w, Args args);

// over_time.cc: aggregations over the window, changes, resets.
std::optional<double> AvgOverTime(const RangeWindow& w, Args args);
std::optional<double> MinOverTime(const RangeWindow& w, Args args);
std::optional<double> MaxOverTime(const RangeWindow& w, Args args);
std::optional<double> SumOverTime(const RangeWindow& w, Args args);
std::optional<double> CountOverTime(const RangeWindow& w, Args args);
std::optional<double> QuantileOverTime(const RangeWindow& w, Args args);
std::optional<double> StddevOverTime(const RangeWindow& w, Args args);
std::optional<double> StdvarOverTime(const RangeWindow& w, Args args);
std::optional<double> LastOverTime(const RangeWindow& w, Args args);
std::optional<double> PresentOverTime(const RangeWindow& w, Args args);
std::optional<double> Changes(const RangeWindow& w, Args args);
std::optional<double> Resets(const RangeWindow& w, Args args);

}  // namespace pharos::promql::internal
