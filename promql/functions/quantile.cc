// BucketQuantile and Quantile: Prometheus 2.42's bucketQuantile and quantile.

#include "promql/functions/quantile.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace pharos::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Go's sort.Search: the smallest i in [0, n) with pred(i), or n; the same
// bisection steps, so a non-monotonic predicate (NaN counts) lands where Go's
// does.
template <typename Pred>
size_t GoSearch(size_t n, Pred pred) {
  size_t i = 0, j = n;
  while (i < j) {
    const size_t h = (i + j) >> 1;
    if (!pred(h)) {
      i = h + 1;
    } else {
      j = h;
    }
  }
  return i;
}

// Merges runs of equal upper bounds (input sorted) by adding their counts.
void CoalesceBuckets(std::vector<Bucket>& buckets) {
  size_t out = 0;
  Bucket last = buckets[0];
  for (size_t i = 1; i < buckets.size(); ++i) {
    if (buckets[i].upper_bound == last.upper_bound) {
      last.count += buckets[i].count;
    } else {
      buckets[out++] = last;
      last = buckets[i];
    }
  }
  buckets[out++] = last;
  buckets.resize(out);
}

// Raises each count to the maximum seen so far (NaN counts stay NaN).
void EnsureMonotonic(std::vector<Bucket>& buckets) {
  double max = -kInf;
  for (Bucket& b : buckets) {
    if (b.count > max) {
      max = b.count;
    } else if (b.count < max) {
      b.count = max;
    }
  }
}

}  // namespace

double BucketQuantile(double q, std::vector<Bucket> buckets) {
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  if (buckets.empty()) return kNaN;
  // NaN bounds sort last here, so the comparison stays a strict weak order.
  std::sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) {
    if (std::isnan(a.upper_bound)) return false;
    if (std::isnan(b.upper_bound)) return true;
    return a.upper_bound < b.upper_bound;
  });
  const double top = buckets.back().upper_bound;
  if (!(std::isinf(top) && top > 0)) return kNaN;

  CoalesceBuckets(buckets);
  EnsureMonotonic(buckets);

  const size_t n = buckets.size();
  if (n < 2) return kNaN;
  const double observations = buckets[n - 1].count;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  const size_t b = GoSearch(n - 1, [&](size_t i) { return buckets[i].count >= rank; });

  if (b == n - 1) return buckets[n - 2].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double bucket_start = 0;
  const double bucket_end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    bucket_start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucket_start + (bucket_end - bucket_start) * (rank / count);
}

double QuantileInPlace(double q, std::span<double> values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

double Quantile(double q, std::vector<double> values) { return QuantileInPlace(q, values); }

}  // namespace pharos::promql
