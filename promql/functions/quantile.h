// Quantiles: histogram_quantile over classic `le` buckets, and the φ-quantile
// of a set of values (the quantile aggregation, quantile_over_time), with
// Prometheus 2.42's arithmetic.
//
// How the engine uses these for histogram_quantile(φ, v):
//   1. For each sample of v, parse its `le` label with ParseLeValue(); a
//      sample without `le`, or whose value does not parse, is skipped.
//   2. Group the rest by their labels without `le` (and without __name__ in
//      the output, while still keeping different metric names apart: two
//      series that differ only in __name__ are two groups).
//   3. Call BucketQuantile(φ, buckets) once per group; every group yields a
//      sample, NaN included.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace pharos::promql {

// One classic histogram bucket: the cumulative count of observations <=
// upper_bound.
struct Bucket {
  double upper_bound;
  double count;
};

// The φ-quantile estimated from one series group's buckets, as Prometheus
// 2.42's bucketQuantile:
//   - φ NaN -> NaN, φ < 0 -> -Inf, φ > 1 -> +Inf (checked first);
//   - buckets sorted by upper bound; no +Inf bucket -> NaN;
//   - buckets with equal bounds (e.g. le="1" and le="1.0") are merged by
//     adding their counts;
//   - counts forced non-decreasing (a lower count is raised to the highest
//     count seen below it), hiding scrape races between buckets;
//   - fewer than 2 buckets (after merging) -> NaN; zero observations (the
//     +Inf bucket's count) -> NaN;
//   - the rank φ·observations falls in the first bucket whose count reaches
//     it; inside it the result is linearly interpolated between the bucket's
//     lower and upper bounds. Ranks in the +Inf bucket return the highest
//     finite bound; ranks in the lowest bucket use 0 as its lower bound,
//     unless its upper bound is <= 0, which is then returned as is.
// An empty vector gives NaN. Buckets with a NaN bound give an unspecified
// (but finite-time) answer, as in Prometheus where they depend on sort order.
double BucketQuantile(double q, std::vector<Bucket> buckets);

// The φ-quantile of values, as Prometheus' quantile aggregation and
// quantile_over_time: sort ascending (NaN values sort first), rank =
// φ·(n-1), linear interpolation between the two closest ranks.
// Empty -> NaN; φ NaN -> NaN; φ < 0 -> -Inf; φ > 1 -> +Inf.
double Quantile(double q, std::vector<double> values);

// Quantile() on a caller-owned buffer, which it sorts in place (for hot
// paths that reuse a scratch buffer).
double QuantileInPlace(double q, std::span<double> values);

// An `le` label value parsed as Go's strconv.ParseFloat(s, 64) does, or
// empty where Go returns an error (and Prometheus skips the series):
//   accepted: "0.5", "1", "1.0", "1e3", "1E-3", ".5", "5.", "+2", "-1",
//             "Inf", "+Inf", "-inf", "infinity" (any case), "NaN" (any
//             case, no sign), hex floats with a 'p' exponent ("0x1p-2"),
//             underscores between digits ("1_000", "0x_1p0");
//   rejected: "", " 1" (any space), "_1", "1__0", "1_", "+NaN", "0x1" (no
//             exponent),
//             "1e400" (overflow: Go returns ±Inf with ErrRange).
// Values too small underflow to 0 or a subnormal, as in Go.
std::optional<double> ParseLeValue(std::string_view s);

}  // namespace pharos::promql
