#include "promql/series_notation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tsdb/sample.h"

namespace pharos::promql {
namespace {

std::vector<std::optional<double>> Values(std::string_view line) {
  auto d = ParseSeriesDescription(line);
  EXPECT_TRUE(d.ok()) << line << ": " << d.status().ToString();
  return d.ok() ? d->values : std::vector<std::optional<double>>{};
}

using V = std::vector<std::optional<double>>;

TEST(SeriesNotation, LabelsAndPlainValues) {
  auto d = ParseSeriesDescription(R"(http_requests{job="api", instance='0',x=`a\b`} 1 2.5 -3 1e3)");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->labels, (tsdb::Labels{{"__name__", "http_requests"}, {"job", "api"},
                                     {"instance", "0"}, {"x", "a\\b"}}));
  EXPECT_EQ(d->values, (V{1, 2.5, -3, 1000}));
}

TEST(SeriesNotation, MetricForms) {
  EXPECT_EQ(ParseSeriesDescription("up 1")->labels, (tsdb::Labels{{"__name__", "up"}}));
  EXPECT_EQ(ParseSeriesDescription("{a=\"b\",} 1")->labels, (tsdb::Labels{{"a", "b"}}));
  EXPECT_EQ(ParseSeriesDescription("a:b_c{} 1")->labels, (tsdb::Labels{{"__name__", "a:b_c"}}));
  EXPECT_EQ(ParseSeriesDescription(R"({a="\"\n\x41\u00e9\101"} 1)")->labels,
            (tsdb::Labels{{"a", "\"\nA\xc3\xa9" "A"}}));
  EXPECT_TRUE(ParseSeriesDescription("up")->values.empty());
  EXPECT_TRUE(ParseSeriesDescription("{} 1")->labels.empty());
  EXPECT_TRUE(ParseSeriesDescription("{a=\"\"} 1")->labels.empty());
}

TEST(SeriesNotation, Expansions) {
  EXPECT_EQ(Values("m 0+10x3"), (V{0, 10, 20, 30}));
  EXPECT_EQ(Values("m 1-1x3"), (V{1, 0, -1, -2}));
  EXPECT_EQ(Values("m -1-1x2"), (V{-1, -2, -3}));
  EXPECT_FALSE(ParseSeriesDescription("m -1+-1x2").ok());  // as Prometheus
  EXPECT_EQ(Values("m 5x2"), (V{5, 5, 5}));
  EXPECT_EQ(Values("m 5x0"), (V{5}));
  EXPECT_EQ(Values("m _x3 1"), (V{std::nullopt, std::nullopt, std::nullopt, 1}));
  EXPECT_EQ(Values("m _ 1 _"), (V{std::nullopt, 1, std::nullopt}));
  EXPECT_EQ(Values("m 1 +2x1"), (V{1, 2, 2}));
  EXPECT_EQ(Values("m  1   2  "), (V{1, 2}));
  EXPECT_EQ(Values("m .5 1.e2"), (V{0.5, 100}));
}

TEST(SeriesNotation, RepeatedAdditionRoundsLikePrometheus) {
  auto v = Values("m 0+0.1x3");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(*v[3], 0.1 + 0.1 + 0.1);
}

TEST(SeriesNotation, SpecialValues) {
  auto v = Values("m stale Inf -Inf NaN +inf nan 1");
  ASSERT_EQ(v.size(), 7u);
  EXPECT_TRUE(tsdb::IsStaleNaN(*v[0]));
  EXPECT_EQ(*v[1], INFINITY);
  EXPECT_EQ(*v[2], -INFINITY);
  EXPECT_TRUE(std::isnan(*v[3]) && !tsdb::IsStaleNaN(*v[3]));
  EXPECT_EQ(*v[4], INFINITY);
  EXPECT_TRUE(std::isnan(*v[5]));
}

TEST(SeriesNotation, BadInput) {
  for (const char* bad : {
           "",                      // nothing
           "m{",                    // truncated
           "m{a=\"b\"",             // no closing brace
           "m{a=\"b} 1",            // unterminated string
           "m{a=b} 1",              // unquoted value
           "m{a=~\"b\"} 1",         // a matcher, not a label
           "m{a=\"x\",a=\"y\"} 1",  // duplicate
           "m{1a=\"b\"} 1",         // bad label name
           "m 1 2 foo",             // garbage value
           "m 1x",                  // missing count
           "m 1xa",                 // bad count
           "m 1x1.5",               // fractional count
           "m 1+2",                 // increment without count
           "m 1+x3",                // increment without a number
           "m 0x1F",                // hex is ambiguous, not allowed
           "m 1..2",                // bad number
           "m 1e",                  // bad exponent
           "m _y",                  // garbage after blank
           "m Infx3",               // an identifier, not Inf
           "m stalex3",             // an identifier
           "m -stale",              // sign on stale
           "m 1x99999999999999999999",  // count overflows
           "m 1x1000000",           // 1e6+1 values
           "m 1x500000 1x500000",   // more than 1e6 in total
           "m _x1000001",           // too many blanks
           "m{a=\"\\q\"} 1",        // unknown escape
           "m{a=\"\\uD800\"} 1",    // surrogate
           "m{a=\"b\"}1",           // no space before values
           "m 1 ~",                 // unexpected character
       }) {
    auto d = ParseSeriesDescription(bad);
    EXPECT_FALSE(d.ok()) << "accepted: " << bad;
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << bad;
      EXPECT_NE(d.status().message().find("1:"), std::string::npos) << d.status().message();
    }
  }
}

TEST(SeriesNotation, ErrorsNameTheColumn) {
  auto d = ParseSeriesDescription("m 1 2 foo");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("1:7:"), std::string::npos) << d.status().message();
}

TEST(SeriesNotation, AtTheCap) {
  auto d = ParseSeriesDescription("m 1x999999");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->values.size(), kMaxSeriesValues);
}

TEST(SeriesNotation, LabelsOnly) {
  EXPECT_EQ(*ParseSeriesLabels("up{a=\"1\"}"), (tsdb::Labels{{"__name__", "up"}, {"a", "1"}}));
  EXPECT_FALSE(ParseSeriesLabels("up{a=\"1\"} 1").ok());
}

}  // namespace
}  // namespace pharos::promql
