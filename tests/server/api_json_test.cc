#include "server/api/api_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pharos::server {
namespace {

TEST(ApiJson, SampleValuesAsPrometheusWritesThem) {
  EXPECT_EQ(FormatSampleValue(1), "1");
  EXPECT_EQ(FormatSampleValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatSampleValue(1e-7), "1e-07");
  EXPECT_EQ(FormatSampleValue(1e21), "1e+21");
  EXPECT_EQ(FormatSampleValue(123456789012345678.0), "123456789012345680");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(-0.5), "-0.5");
}

TEST(ApiJson, ScalarValuesNeverUseExponents) {
  EXPECT_EQ(FormatFloatF(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatFloatF(1e-7), "0.0000001");
  EXPECT_EQ(FormatFloatE(1), "1e+00");
  EXPECT_EQ(FormatFloatE(2.5e-7), "2.5e-07");
}

TEST(ApiJson, SampleTimesKeepThreeDigitMilliseconds) {
  EXPECT_EQ(FormatSampleTime(4000), "4");
  EXPECT_EQ(FormatSampleTime(4500), "4.500");
  EXPECT_EQ(FormatSampleTime(1001), "1.001");
  EXPECT_EQ(FormatSampleTime(-1500), "-1.500");
  EXPECT_EQ(FormatSampleTime(1), "0.001");
  EXPECT_EQ(FormatSampleTime(std::numeric_limits<int64_t>::min()), "-9223372036854775.808");
}

TEST(ApiJson, GoJsonFloats) {
  EXPECT_EQ(FormatGoJsonFloat(4.5), "4.5");
  EXPECT_EQ(FormatGoJsonFloat(9.61e-07), "9.61e-07");
  EXPECT_EQ(FormatGoJsonFloat(0.000046218), "0.000046218");
  EXPECT_EQ(FormatGoJsonFloat(std::nan("")), "null");
}

TEST(ApiJson, Rfc3339) {
  EXPECT_EQ(FormatRfc3339(0), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1435781451781), "2015-07-01T20:10:51.781Z");
  EXPECT_EQ(FormatRfc3339(1435781451500), "2015-07-01T20:10:51.5Z");
  EXPECT_EQ(FormatRfc3339(-1000), "1969-12-31T23:59:59Z");
}

TEST(ApiJson, SamplePairsSpellTimeAndValueAsTheFormatters) {
  JsonWriter w;
  w.BeginArray();
  const std::pair<int64_t, double> samples[] = {
      {4500, 1.5}, {-1, -0.0}, {1795449540000, 1e21}, {7, std::nan("")}, {1, -1e-7},
      {std::numeric_limits<int64_t>::min(), -std::numeric_limits<double>::infinity()}};
  std::string want = "[";
  for (const auto& [t, v] : samples) {
    w.SamplePair(t, v);
    if (want.size() > 1) want += ",";
    want += "[" + FormatSampleTime(t) + ",\"" + FormatSampleValue(v) + "\"]";
  }
  w.EndArray();
  EXPECT_EQ(w.Take(), want + "]");
  EXPECT_EQ(want.substr(0, 16), "[[4.500,\"1.5\"],[");
}

TEST(ApiJson, WriterPlacesCommasAndEscapesLikeGo) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.String("x\"<&>\n\x01");
  w.Null();
  w.EndArray();
  w.Key("b");
  w.Bool(true);
  w.Key("c");
  w.String("\xff\xe2\x80\xa8\xc3\xa9");
  w.EndObject();
  EXPECT_EQ(w.Take(),
            R"({"a":[1,"x\"\u003c\u0026\u003e\n\u0001",null],"b":true,"c":"\ufffd\u2028é"})");
}

}  // namespace
}  // namespace pharos::server
