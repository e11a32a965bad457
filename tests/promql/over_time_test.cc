// The *_over_time kernels, changes and resets, against Prometheus 2.42.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "promql/functions/range_functions.h"

namespace pharos::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// `fn` over all of `values` (sample i at i minutes).
std::optional<double> Over(const char* fn, std::vector<double> values,
                           std::vector<double> args = {}) {
  std::vector<Point> points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.push_back({static_cast<int64_t>(i) * 60'000, values[i]});
  }
  const int64_t end = points.empty() ? 0 : points.back().t;
  RangeWindow w{points, 0, end, end, end};
  RangeKernel k = LookupRangeKernel(fn);
  EXPECT_NE(k, nullptr) << fn;
  return k(w, args);
}

void ExpectSame(std::optional<double> got, double want) {
  ASSERT_TRUE(got.has_value());
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(*got)) << *got;
  } else {
    EXPECT_EQ(*got, want);
  }
}

const std::vector<double> kB = {5, 10, 2, 4, 1, 1, 9};
const std::vector<double> kF = {1, kNaN, 3, -kInf, 7};

TEST(OverTime, PlainValues) {
  ExpectSame(Over("avg_over_time", kB), 4.571428571428571E+00);
  ExpectSame(Over("sum_over_time", kB), 32);
  ExpectSame(Over("min_over_time", kB), 1);
  ExpectSame(Over("max_over_time", kB), 10);
  ExpectSame(Over("count_over_time", kB), 7);
  ExpectSame(Over("last_over_time", kB), 9);
  ExpectSame(Over("present_over_time", kB), 1);
  ExpectSame(Over("stddev_over_time", kB), 3.4166459266003995E+00);
  ExpectSame(Over("stdvar_over_time", kB), 1.1673469387755103E+01);
  ExpectSame(Over("quantile_over_time", kB, {0.3}), 1.7999999999999998E+00);
}

TEST(OverTime, SinglePoint) {
  for (const char* fn : {"avg_over_time", "sum_over_time", "min_over_time", "max_over_time",
                         "last_over_time"}) {
    ExpectSame(Over(fn, {42}), 42);
  }
  ExpectSame(Over("count_over_time", {42}), 1);
  ExpectSame(Over("stddev_over_time", {42}), 0);
  ExpectSame(Over("stdvar_over_time", {42}), 0);
  ExpectSame(Over("quantile_over_time", {42}, {0.9}), 42);
  ExpectSame(Over("changes", {42}), 0);
  ExpectSame(Over("resets", {42}), 0);
}

TEST(OverTime, EmptyWindowGivesNoSample) {
  for (const char* fn : {"avg_over_time", "sum_over_time", "min_over_time", "max_over_time",
                         "count_over_time", "stddev_over_time", "stdvar_over_time",
                         "last_over_time", "present_over_time", "changes", "resets"}) {
    EXPECT_FALSE(Over(fn, {}).has_value()) << fn;
  }
  EXPECT_FALSE(Over("quantile_over_time", {}, {0.5}).has_value());
}

TEST(OverTime, NaNAndInfinities) {
  ExpectSame(Over("avg_over_time", kF), kNaN);
  ExpectSame(Over("sum_over_time", kF), kNaN);
  ExpectSame(Over("min_over_time", kF), -kInf);
  ExpectSame(Over("max_over_time", kF), 7);
  ExpectSame(Over("stddev_over_time", kF), kNaN);
  ExpectSame(Over("changes", kF), 4);
  // NaN sorts below everything: {NaN, -Inf, 1, 3, 7}.
  ExpectSame(Over("quantile_over_time", kF, {0.5}), 1);
  ExpectSame(Over("quantile_over_time", kF, {0.75}), 3);
  ExpectSame(Over("quantile_over_time", kF, {0}), kNaN);
  // NaN only wins min/max when everything is NaN.
  ExpectSame(Over("min_over_time", {kNaN, 2, 1}), 1);
  ExpectSame(Over("max_over_time", {kNaN, kNaN}), kNaN);
  ExpectSame(Over("changes", {kNaN, kNaN, 1, 1}), 1);
  ExpectSame(Over("resets", {kNaN, 1, kNaN, 0}), 0);
  // An infinite mean stays infinite; stddev of infinities is NaN.
  ExpectSame(Over("avg_over_time", {kInf, kInf, kInf}), kInf);
  ExpectSame(Over("avg_over_time", {kInf, 1, 2}), kInf);
  ExpectSame(Over("avg_over_time", {kInf, -kInf}), kNaN);
  ExpectSame(Over("stddev_over_time", {kInf, kInf, kInf}), kNaN);
  ExpectSame(Over("sum_over_time", {kInf, 1, kInf}), kInf);
}

TEST(OverTime, CompensatedSums) {
  // Kahan-Neumaier summation keeps the 1 that a plain sum loses.
  ExpectSame(Over("sum_over_time", {1e100, 1, -1e100}), 1);
  ExpectSame(Over("avg_over_time", {1e100, 1, -1e100}), 0);
  // Values where plain and compensated arithmetic differ in the last bit.
  ExpectSame(Over("avg_over_time", {60370000.00000001, 0.8905000000000001, -938.8, 299.1, 0.8783,
                                    0.373, 45170000.0, -0.5566}),
             1.3192420235650003E+07);
  ExpectSame(Over("stdvar_over_time", {-25900000.0, -940.9, -38290000.0, 0.1864, 294.3, 4.5}),
             2.416990582375426E+14);
  // The incremental mean does not overflow where a sum would.
  ExpectSame(Over("avg_over_time", {1.5e308, 1.5e308}), 1.5e308);
}

TEST(OverTime, Resets) {
  ExpectSame(Over("resets", kB), 2);
  ExpectSame(Over("resets", {3, 2, 1, 0}), 3);
  ExpectSame(Over("resets", {0, 1, 1, 2}), 0);
  ExpectSame(Over("changes", {1, 1, 2, 1}), 2);
}

TEST(OverTime, QuantileBounds) {
  ExpectSame(Over("quantile_over_time", kB, {0}), 1);
  ExpectSame(Over("quantile_over_time", kB, {1}), 10);
  ExpectSame(Over("quantile_over_time", kB, {0.5}), 4);
  ExpectSame(Over("quantile_over_time", kB, {-1}), -kInf);
  ExpectSame(Over("quantile_over_time", kB, {1.01}), kInf);
  ExpectSame(Over("quantile_over_time", kB, {kNaN}), kNaN);
}

}  // namespace
}  // namespace pharos::promql
