// histogram_quantile's BucketQuantile, Quantile and ParseLeValue, against
// Prometheus 2.42 (promtool) results.

#include "promql/functions/quantile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pharos::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// h{le="0.1"} 2, h{le="1"} 10, h{le="1.0"} 1, h{le="10"} 12, h{le="+Inf"} 14,
// unsorted, "1" and "1.0" the same bound after parsing.
std::vector<Bucket> H() { return {{1, 10}, {0.1, 2}, {kInf, 14}, {1.0, 1}, {10, 12}}; }

TEST(BucketQuantile, InterpolatesInsideTheBucket) {
  EXPECT_EQ(BucketQuantile(0.5, H()), 0.6);  // rank 7 in (0.1, 1], merged count 11
  EXPECT_EQ(BucketQuantile(0.9, H()), 10);
  EXPECT_EQ(BucketQuantile(0.99, H()), 10);  // in the +Inf bucket: highest finite bound
  EXPECT_EQ(BucketQuantile(0, H()), 0);
  EXPECT_EQ(BucketQuantile(1, H()), 10);
}

TEST(BucketQuantile, QuantileOutOfRange) {
  EXPECT_EQ(BucketQuantile(-0.5, H()), -kInf);
  EXPECT_EQ(BucketQuantile(1.5, H()), kInf);
  EXPECT_TRUE(std::isnan(BucketQuantile(kNaN, H())));
  // Checked before anything else: even without a +Inf bucket.
  EXPECT_EQ(BucketQuantile(2, {{1, 1}}), kInf);
}

TEST(BucketQuantile, NaNCases) {
  // All-zero counts.
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, {{0.1, 0}, {1, 0}, {kInf, 0}})));
  // No +Inf bucket.
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, {{1, 1}, {2, 2}})));
  // Only the +Inf bucket, or +Inf twice (merged into one).
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, {{kInf, 4}})));
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, {{kInf, 4}, {kInf, 1}})));
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, {})));
}

TEST(BucketQuantile, NonPositiveLowestBucket) {
  // z{le="-1"} 5, z{le="0"} 6, z{le="+Inf"} 10
  const std::vector<Bucket> z = {{-1, 5}, {0, 6}, {kInf, 10}};
  EXPECT_EQ(BucketQuantile(0.3, z), -1);    // lowest bucket, bound <= 0: the bound
  EXPECT_EQ(BucketQuantile(0.55, z), -0.5);
  EXPECT_EQ(BucketQuantile(0.8, z), 0);
  // A positive lowest bucket interpolates from 0.
  EXPECT_EQ(BucketQuantile(0.25, {{4, 2}, {kInf, 2}}), 1);
}

TEST(BucketQuantile, NonMonotonicCountsAreRaised) {
  // n{le="1"} 5, n{le="2"} 4, n{le="+Inf"} 9 -> counts 5 5 9.
  EXPECT_EQ(BucketQuantile(0.5, {{1, 5}, {2, 4}, {kInf, 9}}), 0.9);
  EXPECT_EQ(BucketQuantile(0.5, {{1, 3}, {2, 8}, {kInf, 10}}), 1.4);
}

TEST(Quantile, LinearInterpolationBetweenRanks) {
  EXPECT_EQ(Quantile(0.5, {3, 1, 2}), 2);
  EXPECT_EQ(Quantile(0.5, {4, 1, 2, 3}), 2.5);
  EXPECT_EQ(Quantile(0, {4, 1, 2, 3}), 1);
  EXPECT_EQ(Quantile(1, {4, 1, 2, 3}), 4);
  EXPECT_EQ(Quantile(0.3, {5, 10, 2, 4, 1, 1, 9}), 1.7999999999999998);
  EXPECT_EQ(Quantile(0.5, {7}), 7);
  EXPECT_EQ(Quantile(-0.1, {1}), -kInf);
  EXPECT_EQ(Quantile(1.1, {1}), kInf);
  EXPECT_TRUE(std::isnan(Quantile(kNaN, {1, 2})));
  EXPECT_TRUE(std::isnan(Quantile(0.5, {})));
  EXPECT_TRUE(std::isnan(Quantile(-1, {})));  // empty wins
  // NaN sorts first; an infinity next to the rank poisons the interpolation.
  EXPECT_EQ(Quantile(0.5, {1, kNaN, 3, -kInf, 7}), 1);
  EXPECT_EQ(Quantile(0.1, {1, 2, kInf, -kInf}), -kInf);
  EXPECT_TRUE(std::isnan(Quantile(0, {1, kInf})));  // 1*1 + Inf*0
}

TEST(ParseLeValue, WhatGoParseFloatAccepts) {
  EXPECT_EQ(ParseLeValue("0.5"), 0.5);
  EXPECT_EQ(ParseLeValue("1"), 1.0);
  EXPECT_EQ(ParseLeValue("1.0"), 1.0);
  EXPECT_EQ(ParseLeValue("1e3"), 1000.0);
  EXPECT_EQ(ParseLeValue("1E1"), 10.0);
  EXPECT_EQ(ParseLeValue("1e+2"), 100.0);
  EXPECT_EQ(ParseLeValue(".5"), 0.5);
  EXPECT_EQ(ParseLeValue("5."), 5.0);
  EXPECT_EQ(ParseLeValue("00.5"), 0.5);
  EXPECT_EQ(ParseLeValue("+2"), 2.0);
  EXPECT_EQ(ParseLeValue("-0.25"), -0.25);
  EXPECT_EQ(ParseLeValue("0.1"), 0.1);
  EXPECT_EQ(ParseLeValue("+Inf"), kInf);
  EXPECT_EQ(ParseLeValue("Inf"), kInf);
  EXPECT_EQ(ParseLeValue("INF"), kInf);
  EXPECT_EQ(ParseLeValue("infinity"), kInf);
  EXPECT_EQ(ParseLeValue("+infinity"), kInf);
  EXPECT_EQ(ParseLeValue("-inf"), -kInf);
  EXPECT_TRUE(std::isnan(*ParseLeValue("NaN")));
  EXPECT_TRUE(std::isnan(*ParseLeValue("nan")));
  EXPECT_EQ(ParseLeValue("0x1p-1"), 0.5);
  EXPECT_EQ(ParseLeValue("0x1.8p1"), 3.0);
  EXPECT_EQ(ParseLeValue("0x_1p1"), 2.0);
  EXPECT_EQ(ParseLeValue("1_0"), 10.0);
  EXPECT_EQ(ParseLeValue("1_0e1_0"), 1e11);
  EXPECT_EQ(ParseLeValue("1e-400"), 0.0);  // underflow is not an error
  EXPECT_EQ(ParseLeValue("4.9e-324"), 4.9e-324);
}

TEST(ParseLeValue, WhatGoParseFloatRejects) {
  for (const char* s : {"", " 1", "1 ", "1__0", "_1", "1_", "1e400", "-1e400", "0x1", "0x1p_1",
                        "infin", "1e", "0b1", "+NaN", "-nan", "abc", "1.2.3", "--1", "+", ".",
                        "e5", "1e5.5", "0x"}) {
    EXPECT_FALSE(ParseLeValue(s).has_value()) << '"' << s << '"';
  }
}

}  // namespace
}  // namespace pharos::promql
