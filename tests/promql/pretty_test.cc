// Expected texts are what Prometheus 2.42's /api/v1/format_query answers.
#include "promql/ast/pretty.h"

#include <gtest/gtest.h>

#include "promql/parser.h"

namespace pharos::promql {
namespace {

std::string PrettyOf(const std::string& q) {
  auto e = ParseExpr(q);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? Pretty(**e) : "";
}

TEST(Pretty, ShortQueriesStayOnOneLine) {
  EXPECT_EQ(PrettyOf("sum by(job)(rate(x[5m]))"), "sum by (job) (rate(x[5m]))");
  EXPECT_EQ(PrettyOf("x[5m:1m]"), "x[5m:1m]");
  EXPECT_EQ(PrettyOf("-x"), "-x");
}

TEST(Pretty, BinaryWithGroupLeft) {
  EXPECT_EQ(PrettyOf("sum by (job, instance) (rate(http_requests_total{job=\"api-server\","
                     "handler=~\"/api/v1/.*\",code=~\"5..\"}[5m])) / ignoring (code) group_left "
                     "sum by (job, instance) (rate(http_requests_total[5m]))"),
            "  sum by (job, instance) (\n"
            "    rate(http_requests_total{code=~\"5..\",handler=~\"/api/v1/.*\",job=\"api-server\"}"
            "[5m])\n"
            "  )\n"
            "/ ignoring (code) group_left ()\n"
            "  sum by (job, instance) (rate(http_requests_total[5m]))");
}

TEST(Pretty, CallWithAggregateArgument) {
  EXPECT_EQ(PrettyOf("histogram_quantile(0.99, sum by (le, service, handler, method) "
                     "(rate(bench_http_request_duration_seconds_bucket{method=\"GET\","
                     "service=\"checkout\"}[5m])))"),
            "histogram_quantile(\n"
            "  0.99,\n"
            "  sum by (le, service, handler, method) (\n"
            "    rate(bench_http_request_duration_seconds_bucket{method=\"GET\","
            "service=\"checkout\"}[5m])\n"
            "  )\n"
            ")");
}

TEST(Pretty, UnaryParenAndSubquery) {
  EXPECT_EQ(PrettyOf("topk(5, -(avg_over_time(some_really_long_metric_name_for_testing_purposes"
                     "{label_one=\"value_one\",label_two=\"value_two\"}[1h:5m] offset 1h)))"),
            "topk(\n"
            "  5,\n"
            "  -(\n"
            "    avg_over_time(\n"
            "      some_really_long_metric_name_for_testing_purposes{label_one=\"value_one\","
            "label_two=\"value_two\"}[1h:5m] offset 1h\n"
            "    )\n"
            "  )\n"
            ")");
}

TEST(Pretty, ComparisonSplitsBothSides) {
  EXPECT_EQ(PrettyOf("label_replace(up{job=\"prometheus\",instance=\"localhost:9090\","
                     "some_other_label=\"with a long value\"}, \"foo\", \"$1\", \"instance\", "
                     "\"(.*):.*\") > 0"),
            "  label_replace(\n"
            "    up{instance=\"localhost:9090\",job=\"prometheus\",some_other_label=\"with a long "
            "value\"},\n"
            "    \"foo\",\n"
            "    \"$1\",\n"
            "    \"instance\",\n"
            "    \"(.*):.*\"\n"
            "  )\n"
            ">\n"
            "  0");
}

TEST(Pretty, ReparsesToTheSameTree) {
  for (const char* q :
       {"sum by (job, instance) (rate(http_requests_total{job=\"api-server\",code=~\"5..\"}[5m])) "
        "/ on (job, instance) group_left (team) max by (job, instance, team) (team_info)",
        "topk(5, -(avg_over_time(some_really_long_metric_name_for_testing_purposes{a=\"b\"}"
        "[1h:5m] offset 1h))) and on () vector(1) > bool 0.5"}) {
    auto e = ParseExpr(q);
    ASSERT_TRUE(e.ok());
    auto again = ParseExpr(Pretty(**e));
    ASSERT_TRUE(again.ok()) << Pretty(**e);
    EXPECT_TRUE((*again)->Equals(**e)) << Pretty(**e);
  }
}

}  // namespace
}  // namespace pharos::promql
