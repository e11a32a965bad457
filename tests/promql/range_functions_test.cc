// Range kernels against values computed by hand and by Prometheus 2.42
// (promtool test rules; the series notation is in the comments).

#include "promql/functions/range_functions.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace pharos::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMin = 60'000;
constexpr double kGap = -12345.678;  // marks a missing sample ("_") in Series()

// The samples of a promtool-style series: value i at i minutes.
std::vector<Point> Series(std::vector<double> values) {
  std::vector<Point> out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != kGap) out.push_back({static_cast<int64_t>(i) * kMin, values[i]});
  }
  return out;
}

// Evaluates `fn` over series[range] at eval_ms, cutting the window the way
// the engine does: [eval - range, eval], both ends inclusive.
std::optional<double> Eval(const char* fn, const std::vector<Point>& series, int64_t eval_ms,
                           int64_t range_ms, std::vector<double> args = {}) {
  RangeKernel k = LookupRangeKernel(fn);
  EXPECT_NE(k, nullptr) << fn;
  const int64_t start = eval_ms - range_ms;
  size_t b = 0, e = 0;
  while (b < series.size() && series[b].t < start) ++b;
  e = b;
  while (e < series.size() && series[e].t <= eval_ms) ++e;
  RangeWindow w{std::span<const Point>(series.data() + b, e - b), start, eval_ms, range_ms,
                eval_ms};
  return k(w, args);
}

// Equal to the last bit (NaN equals NaN, and -0 differs from +0).
void ExpectSame(std::optional<double> got, double want) {
  ASSERT_TRUE(got.has_value());
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(*got)) << *got;
  } else {
    EXPECT_EQ(*got, want);
    EXPECT_EQ(std::signbit(*got), std::signbit(want)) << *got;
  }
}

const std::vector<Point> kA = Series({0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100});  // 0+10x10
const std::vector<Point> kB = Series({5, 10, 2, 4, 1, 1, 9});
const std::vector<Point> kC = Series({kGap, kGap, kGap, 8, 18, 28});
const std::vector<Point> kG = Series({1, 2, 3, 4, 100, 1, 1, 2, 3, 4, 5});

TEST(RangeFunctions, LookupKnowsEveryKernelAndNothingElse) {
  for (const char* name :
       {"rate", "increase", "delta", "irate", "idelta", "deriv", "predict_linear", "holt_winters",
        "changes", "resets", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
        "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
        "last_over_time", "present_over_time"}) {
    EXPECT_NE(LookupRangeKernel(name), nullptr) << name;
  }
  EXPECT_EQ(LookupRangeKernel("absent_over_time"), nullptr);
  EXPECT_EQ(LookupRangeKernel("abs"), nullptr);
  EXPECT_EQ(LookupRangeKernel("Rate"), nullptr);
}

TEST(Rate, WindowCoveredExactly) {
  ExpectSame(Eval("rate", kA, 5 * kMin, 5 * kMin), 1.6666666666666669E-01);
  ExpectSame(Eval("increase", kA, 5 * kMin, 5 * kMin), 50);
  ExpectSame(Eval("rate", kA, 330'000, 5 * kMin), 1.6666666666666666E-01);
}

TEST(Rate, CounterResetsIncludingToAHigherValue) {
  // 5 10 2 4 1 1 9: resets after 10 and after 4; the last point climbs back
  // above the first.
  ExpectSame(Eval("rate", kB, 6 * kMin, 10 * kMin), 3.25E-02);
  ExpectSame(Eval("increase", kB, 6 * kMin, 10 * kMin), 1.95E+01);
  ExpectSame(Eval("delta", kB, 6 * kMin, 10 * kMin), 4.333333333333333E+00);
  ExpectSame(Eval("resets", kB, 6 * kMin, 10 * kMin), 2);
  ExpectSame(Eval("changes", kB, 6 * kMin, 10 * kMin), 5);
}

TEST(Rate, SeveralResetsAndAShortWindow) {
  ExpectSame(Eval("rate", kG, 10 * kMin, 20 * kMin), 8.75E-02);
  ExpectSame(Eval("rate", kG, 10 * kMin, 7 * kMin), 2.404761904761905E-01);
  ExpectSame(Eval("increase", kG, 10 * kMin, 7 * kMin), 1.01E+02);
}

TEST(Rate, DurationToZeroLimitsExtrapolationBeforeTheThreshold) {
  // _ _ _ 8 18 28: the first sample is far from the window start, but the
  // counter would reach zero 48s before it; 2.42 extrapolates those 48s.
  ExpectSame(Eval("increase", kC, 5 * kMin, 5 * kMin), 28);
  ExpectSame(Eval("rate", kC, 6 * kMin, 10 * kMin), 6.333333333333332E-02);
}

TEST(Rate, SamplesFarFromBothEdges) {
  // Two points 60s apart in the middle of a 1h window: half an interval is
  // added at each side -> 2 * (60 + 30 + 30) / 60.
  std::vector<Point> s = {{1'800'000, 10}, {1'860'000, 12}};
  ExpectSame(Eval("delta", s, 3'600'000, 3'600'000), 4);
  // For a counter, durationToZero (60 * 10/2 = 300s) is larger: no effect.
  ExpectSame(Eval("increase", s, 3'600'000, 3'600'000), 4);
  ExpectSame(Eval("rate", s, 3'600'000, 3'600'000), 4.0 / 3600);
}

TEST(Rate, FactorIsDividedByTheRangeBeforeMultiplying) {
  // _ 13.3 24.3 55.7 60.6 at 4m30s over [5m]: Prometheus multiplies by
  // (extrapolated/sampled)/range, not by extrapolated/sampled then /range.
  const auto s = Series({kGap, 13.3, 24.3, 55.7, 60.6});
  ExpectSame(Eval("rate", s, 270'000, 5 * kMin), 2.2827777777777777E-01);
}

TEST(Rate, FewerThanTwoPointsGiveNoSample) {
  EXPECT_FALSE(Eval("rate", {}, 0, kMin).has_value());
  EXPECT_FALSE(Eval("rate", Series({5}), 0, kMin).has_value());
  EXPECT_FALSE(Eval("irate", Series({5}), 0, kMin).has_value());
  EXPECT_FALSE(Eval("deriv", Series({5}), 0, kMin).has_value());
  EXPECT_FALSE(Eval("predict_linear", Series({5}), 0, kMin, {60}).has_value());
  EXPECT_FALSE(Eval("holt_winters", Series({5}), 0, kMin, {0.5, 0.5}).has_value());
}

TEST(Rate, IdenticalTimestamps) {
  // Not produced by storage, but kernels must not crash: irate drops the
  // sample, rate divides 0 by 0 as Prometheus would.
  std::vector<Point> s = {{1000, 1}, {1000, 2}};
  EXPECT_FALSE(Eval("irate", s, 1000, 60'000).has_value());
  EXPECT_FALSE(Eval("idelta", s, 1000, 60'000).has_value());
  EXPECT_TRUE(std::isnan(*Eval("rate", s, 1000, 60'000)));
}

TEST(Rate, NaNAndInfValues) {
  const auto s = Series({1, kNaN, 3});
  // NaN is never below its neighbours: no reset, and 3 - 1 is extrapolated.
  ExpectSame(Eval("rate", s, 2 * kMin, 2 * kMin), 2.0 / 120);
  ExpectSame(Eval("delta", s, 2 * kMin, 2 * kMin), 2);
  ExpectSame(Eval("increase", Series({1, kInf}), kMin, kMin), kInf);
  EXPECT_TRUE(std::isnan(*Eval("increase", Series({kInf, kInf}), kMin, kMin)));
}

TEST(Rate, LargeRanges) {
  // One sample a day over a year, window exactly covering it.
  std::vector<Point> s;
  for (int64_t d = 0; d <= 365; ++d) s.push_back({d * 86'400'000, static_cast<double>(d)});
  const int64_t range = 365 * int64_t{86'400'000};
  ExpectSame(Eval("increase", s, range, range), 365);
  ExpectSame(Eval("rate", s, range, range), 365.0 / (365 * 86400.0));
  EXPECT_EQ(RangeSeconds(range), 31'536'000.0);
  EXPECT_EQ(RangeSeconds(1500), 1.5);
}

TEST(RateBatch, AgreesWithTheKernelBitForBit) {
  // A jittered counter with resets, a NaN and repeated timestamps, cut into
  // windows at a fixed step as the engine does.
  std::vector<Point> s;
  uint64_t x = 12345;
  auto next = [&x] { return x = x * 6364136223846793005ULL + 1442695040888963407ULL; };
  double v = 0;
  int64_t t = 0;
  for (int i = 0; i < 400; ++i) {
    t += 1 + static_cast<int64_t>(next() >> 59) * 1000;  // 1 ms .. 31 s apart
    v = (next() >> 60) == 0 ? static_cast<double>(next() >> 62) : v + static_cast<double>(next() >> 54) / 7;
    s.push_back({t, i == 200 ? kNaN : v});
  }
  std::vector<uint32_t> drops(s.size());
  for (size_t k = 1; k < s.size(); ++k) drops[k] = drops[k - 1] + (s[k].v < s[k - 1].v ? 1 : 0);
  EXPECT_EQ(LookupRangeBatchKernel("irate"), nullptr);
  EXPECT_EQ(LookupRangeBatchKernel("avg_over_time"), nullptr);
  for (const char* fn : {"rate", "increase", "delta"}) {
    RangeBatchKernel batch = LookupRangeBatchKernel(fn);
    ASSERT_NE(batch, nullptr) << fn;
    for (int64_t range : {1'000, 45'000, 300'000}) {
      std::vector<WindowIndex> windows;
      size_t lo = 0, hi = 0;
      for (int64_t end = 0; end <= t + range; end += 15'000) {
        while (hi < s.size() && s[hi].t <= end) ++hi;
        while (lo < hi && s[lo].t < end - range) ++lo;
        if (lo < hi) windows.push_back({static_cast<uint32_t>(lo), static_cast<uint32_t>(hi), end});
      }
      std::vector<double> out(windows.size());
      std::vector<uint8_t> has(windows.size());
      batch(s, windows, range, drops.data(), out.data(), has.data());
      for (size_t i = 0; i < windows.size(); ++i) {
        std::optional<double> want = Eval(fn, s, windows[i].end_ms, range);
        ASSERT_EQ(has[i] != 0, want.has_value()) << fn << " " << range << " " << i;
        if (want) {
          ASSERT_EQ(std::bit_cast<uint64_t>(out[i]), std::bit_cast<uint64_t>(*want))
              << fn << " " << range << " " << i << ": " << out[i] << " vs " << *want;
        }
      }
    }
  }
}

TEST(Irate, LastTwoPoints) {
  ExpectSame(Eval("irate", kB, 6 * kMin, 10 * kMin), 1.3333333333333333E-01);
  ExpectSame(Eval("idelta", kB, 6 * kMin, 10 * kMin), 8);
  // A drop is a reset for irate (the new value counts from zero), not for idelta.
  ExpectSame(Eval("irate", kB, 4 * kMin, 10 * kMin), 1.0 / 60);
  ExpectSame(Eval("idelta", kB, 4 * kMin, 10 * kMin), -3);
}

TEST(Deriv, LeastSquares) {
  ExpectSame(Eval("deriv", kB, 6 * kMin, 10 * kMin), -4.166666666666667E-03);
  ExpectSame(Eval("predict_linear", kB, 6 * kMin, 10 * kMin, {600}), 1.3214285714285712E+00);
  ExpectSame(Eval("deriv", kG, 10 * kMin, 20 * kMin), -1.1363636363636364E-02);
  ExpectSame(Eval("predict_linear", kG, 10 * kMin, 20 * kMin, {3600}), -3.286363636363637E+01);
  ExpectSame(Eval("deriv", kA, 10 * kMin, 20 * kMin), 10.0 / 60);
}

TEST(Deriv, ConstantValues) {
  ExpectSame(Eval("deriv", Series({1, 1, 1, 1}), 3 * kMin, 5 * kMin), 0);
  ExpectSame(Eval("predict_linear", Series({1, 1, 1, 1}), 3 * kMin, 5 * kMin, {60}), 1);
  ExpectSame(Eval("deriv", Series({kInf, kInf, kInf}), 2 * kMin, 5 * kMin), kNaN);
  ExpectSame(Eval("predict_linear", Series({kInf, kInf}), kMin, 5 * kMin, {60}), kNaN);
}

TEST(HoltWinters, Smoothing) {
  ExpectSame(Eval("holt_winters", kB, 6 * kMin, 10 * kMin, {0.5, 0.3}), 6.174790625E+00);
  ExpectSame(Eval("holt_winters", kB, 6 * kMin, 10 * kMin, {0.1, 0.9}), 1.5118907156999997E+01);
  ExpectSame(Eval("holt_winters", kG, 10 * kMin, 20 * kMin, {0.3, 0.6}), 6.68397693439966E-02);
  // NaN factors pass the check and poison the result, as in Prometheus.
  ExpectSame(Eval("holt_winters", kB, 6 * kMin, 10 * kMin, {0.5, kNaN}), kNaN);
}

TEST(HoltWinters, ArgumentCheck) {
  EXPECT_TRUE(CheckHoltWintersArgs(0.5, 0.5).ok());
  EXPECT_TRUE(CheckHoltWintersArgs(kNaN, kNaN).ok());
  Status s = CheckHoltWintersArgs(1, 0.5);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
  s = CheckHoltWintersArgs(0.5, 0);
  EXPECT_EQ(s.message(), "invalid trend factor. Expected: 0 < tf < 1, got: 0.000000");
  s = CheckHoltWintersArgs(-kInf, 2);
  EXPECT_EQ(s.message(), "invalid smoothing factor. Expected: 0 < sf < 1, got: -Inf");
  s = CheckHoltWintersArgs(0.5, 1e20);
  EXPECT_EQ(s.message(),
            "invalid trend factor. Expected: 0 < tf < 1, got: 100000000000000000000.000000");
  // The kernel itself refuses bad factors instead of computing.
  EXPECT_FALSE(Eval("holt_winters", kB, 6 * kMin, 10 * kMin, {1, 0.5}).has_value());
}

}  // namespace
}  // namespace pharos::promql
