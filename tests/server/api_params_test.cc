#include "server/api/api_params.h"

#include <gtest/gtest.h>

#include "server/api/metadata_handlers.h"

namespace pharos::server {
namespace {

Request Post(std::string target, std::string body) {
  Request req = *MakeRequest("POST", target);
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = std::move(body);
  return req;
}

TEST(ApiParams, TimesAsPrometheusParsesThem) {
  EXPECT_EQ(*ParseTime("4"), 4000);
  EXPECT_EQ(*ParseTime("4.5"), 4500);
  EXPECT_EQ(*ParseTime("-1.5"), -1500);
  EXPECT_EQ(*ParseTime("1.0005"), 1000);
  EXPECT_EQ(*ParseTime("-0.0005"), -1);
  EXPECT_EQ(*ParseTime("1e3"), 1000000);
  EXPECT_EQ(*ParseTime("+2"), 2000);
  EXPECT_EQ(*ParseTime("2015-07-01T20:10:51.781Z"), 1435781451781);
  EXPECT_EQ(*ParseTime("2015-07-01T20:10:51.123456789-02:30"), 1435781451123 + 9000000);
  EXPECT_EQ(*ParseTime("-292273086-05-16T16:47:06Z"), kApiMinTimeMs);
  EXPECT_EQ(*ParseTime("292277025-08-18T07:12:54.999999999Z"), kApiMaxTimeMs);
  EXPECT_EQ(*ParseTime("1e300"), kApiMaxTimeMs);
  EXPECT_EQ(*ParseTime("-1e300"), kApiMinTimeMs);
  for (const char* bad : {"", "abc", "2015-07-01", "2015-07-01T20:10:51", "2015-13-01T00:00:00Z",
                          "2015-07-01 20:10:51Z", "1e400", "--1"}) {
    Result<int64_t> t = ParseTime(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().message(),
              "cannot parse \"" + std::string(bad) + "\" to a valid timestamp");
  }
}

TEST(ApiParams, TimeParamDefaultsAndWrapsErrors) {
  FormValues form(*MakeRequest("GET", "/q?time=abc"));
  EXPECT_EQ(*ParseTimeParam(form, "start", 7), 7);
  EXPECT_EQ(ParseTimeParam(form, "time", 7).status().message(),
            "Invalid time value for 'time': cannot parse \"abc\" to a valid timestamp");
}

TEST(ApiParams, Durations) {
  EXPECT_EQ(*ParseDurationNs("15"), 15'000'000'000);
  EXPECT_EQ(*ParseDurationNs("0.5"), 500'000'000);
  EXPECT_EQ(*ParseDurationNs("1m30s"), 90'000'000'000);
  EXPECT_EQ(ParseDurationNs("xx").status().message(), "cannot parse \"xx\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("1e19").status().message(),
            "cannot parse \"1e19\" to a valid duration. It overflows int64");
}

TEST(ApiParams, FormBodyComesBeforeTheUrlQuery) {
  FormValues form(Post("/q?query=1&time=4&match[]=a", "query=2&match[]=b&bad=%zz"));
  EXPECT_EQ(form.Get("query"), "2");
  EXPECT_EQ(form.Get("time"), "4");
  EXPECT_EQ(form.All("match[]"), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(form.Get("bad"), "");
  // Without the form content type the body is not a form.
  Request req = *MakeRequest("POST", "/q");
  req.body = "query=3";
  EXPECT_EQ(FormValues(req).Get("query"), "");
}

TEST(ApiParams, Matchers) {
  auto sets = ParseMatchersParam({"up", "{job=\"a\"}"});
  ASSERT_TRUE(sets.ok());
  EXPECT_EQ(sets->size(), 2u);
  EXPECT_EQ(ParseMatchersParam({"{x=\"\"}"}).status().message(),
            "match[] must contain at least one non-empty matcher");
  EXPECT_EQ(ParseMatchersParam({"up)"}).status().message(),
            "1:4: parse error: unexpected right parenthesis ')'");
}

TEST(ApiParams, Limit) {
  EXPECT_EQ(ParseLimit(FormValues(*MakeRequest("GET", "/q?limit=40000"))), 40000u);
  EXPECT_EQ(ParseLimit(FormValues(*MakeRequest("GET", "/q?limit=abc"))), 0u);
  EXPECT_EQ(ParseLimit(FormValues(*MakeRequest("GET", "/q"))), 0u);
}

TEST(ApiParams, UnescapesLabelNames) {
  EXPECT_EQ(UnescapeLabelName("job"), "job");
  EXPECT_EQ(UnescapeLabelName("U__job"), "job");
  EXPECT_EQ(UnescapeLabelName("U__a_2e_b"), "a.b");
  EXPECT_EQ(UnescapeLabelName("U__a__b"), "a_b");
  EXPECT_EQ(UnescapeLabelName("U__a_zz_"), "U__a_zz_");
}

}  // namespace
}  // namespace pharos::server
