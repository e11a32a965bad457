#include "rules/notifier/alert.h"

#include <gtest/gtest.h>

namespace pharos::rules::notifier {
namespace {

TEST(NotifierAlert, Rfc3339Millis) {
  EXPECT_EQ(FormatRfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339Millis(-1), "1969-12-31T23:59:59.999Z");
}

TEST(NotifierAlert, JsonAsAlertmanagerV2Takes) {
  Alert a;
  a.labels = tsdb::Labels{{"alertname", "HighLatency"}, {"job", "api"}};
  a.annotations = tsdb::Labels{{"summary", "p99 <1s & \"slow\"\n"}};
  a.starts_at_ms = 1700000000123;
  a.ends_at_ms = 1700000060000;
  a.generator_url = "http://prom:9090/graph?g0.expr=up&g0.tab=1";
  EXPECT_EQ(AlertsToJson({a}),
            R"([{"labels":{"alertname":"HighLatency","job":"api"},)"
            R"("annotations":{"summary":"p99 \u003c1s \u0026 \"slow\"\n"},)"
            R"("startsAt":"2023-11-14T22:13:20.123Z","endsAt":"2023-11-14T22:14:20.000Z",)"
            R"("generatorURL":"http://prom:9090/graph?g0.expr=up\u0026g0.tab=1"}])");
  Alert bare;
  bare.labels = tsdb::Labels{{"a", "b"}};
  EXPECT_EQ(AlertsToJson({bare, bare}),
            R"([{"labels":{"a":"b"},"annotations":{},"generatorURL":""},)"
            R"({"labels":{"a":"b"},"annotations":{},"generatorURL":""}])");
  EXPECT_EQ(AlertsToJson({}), "[]");
}

}  // namespace
}  // namespace pharos::rules::notifier
