// Scraping end to end: the real binary scrapes fixture targets (text format,
// OpenMetrics, gzip, credentials) and the API reads back what it stored,
// the report series, the targets and the metadata.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/e2e/fixture_target.h"
#include "tests/e2e/scrape_harness.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// One job scraping `path` on the fixture every 500 ms, plus `extra` YAML
// lines (indented 4) in the job.
std::string Job(const std::string& name, const FixtureTarget& f, const std::string& path,
                const std::string& extra = "") {
  return "  - job_name: " + name + "\n    scrape_interval: 500ms\n    metrics_path: " + path +
         "\n    static_configs: [{targets: ['" + f.address() + "']}]\n" + extra;
}

constexpr const char* kTextBody = R"(# HELP fixture_requests_total Requests handled.
# TYPE fixture_requests_total counter
fixture_requests_total{code="200",method="get"} 1027
fixture_requests_total{code="400",method="post"} 3 1600000000000
# HELP fixture_temperature A "gauge" with \\ and \n escapes.
# TYPE fixture_temperature gauge
fixture_temperature{room="a \"b\" \\ c\nd"} -12.5
fixture_special{kind="nan"} NaN
fixture_special{kind="inf"} +Inf
fixture_special{kind="ninf"} -Inf
# TYPE fixture_latency histogram
fixture_latency_bucket{le="0.1"} 5
fixture_latency_bucket{le="+Inf"} 8
fixture_latency_sum 1.5
fixture_latency_count 8
fixture_dropped 1
)";

TEST(ScrapeE2E, TextFormatValuesReportSeriesAndMetadata) {
  FixtureTarget fixture;
  fixture.Set("/metrics", {.body = kTextBody});
  ScrapeServer pharos("pharos-scrape-e2e");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" +
                               Job("text", fixture, "/metrics",
                                   "    honor_timestamps: false\n"
                                   "    metric_relabel_configs:\n"
                                   "      - {source_labels: [__name__], regex: fixture_dropped, "
                                   "action: drop}\n"))
                  .ok());
  const uint16_t port = pharos.port();
  // Two scrapes at least, so scrape_series_added has gone back to 0.
  ASSERT_TRUE(Eventually([&] { return fixture.Requests("/metrics").count >= 3; }, 10s));
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, "scrape_series_added") == 0.0; }, 5s));

  EXPECT_EQ(QueryValue(port, R"(up{job="text",instance=")" + fixture.address() + "\"}"), 1.0);
  EXPECT_EQ(QueryValue(port, R"(fixture_requests_total{code="200",method="get"})"), 1027.0);
  EXPECT_EQ(QueryValue(port, R"(fixture_requests_total{code="400"})"), 3.0);
  std::vector<VectorSample> temp = InstantQuery(port, "fixture_temperature");
  ASSERT_EQ(temp.size(), 1u);
  EXPECT_EQ(temp[0].metric["room"], "a \"b\" \\ c\nd");
  EXPECT_EQ(temp[0].value, -12.5);
  EXPECT_TRUE(std::isnan(QueryValue(port, R"(fixture_special{kind="nan"})").value_or(0)));
  EXPECT_EQ(QueryValue(port, R"(fixture_special{kind="inf"})"), HUGE_VAL);
  EXPECT_EQ(QueryValue(port, R"(fixture_special{kind="ninf"})"), -HUGE_VAL);
  EXPECT_EQ(QueryValue(port, R"(fixture_latency_bucket{le="+Inf"})"), 8.0);
  EXPECT_TRUE(InstantQuery(port, "fixture_dropped").empty());

  EXPECT_EQ(QueryValue(port, "scrape_samples_scraped"), 11.0);
  EXPECT_EQ(QueryValue(port, "scrape_samples_post_metric_relabeling"), 10.0);
  EXPECT_EQ(QueryValue(port, "max_over_time(scrape_series_added[1m])"), 10.0);
  std::optional<double> duration = QueryValue(port, "scrape_duration_seconds");
  ASSERT_TRUE(duration.has_value());
  EXPECT_GT(*duration, 0.0);
  EXPECT_LT(*duration, 0.5);
  std::vector<LabelMap> up = Series(port, "up");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], (LabelMap{{"__name__", "up"}, {"instance", fixture.address()}, {"job", "text"}}));

  // What the scraper asked for, as Prometheus 2.42 asks.
  FixtureTarget::Seen seen = fixture.Requests("/metrics");
  EXPECT_EQ(seen.last_headers["accept"],
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
            "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  EXPECT_EQ(seen.last_headers["accept-encoding"], "gzip");
  EXPECT_EQ(seen.last_headers["x-prometheus-scrape-timeout-seconds"], "0.5");

  json::value meta = ApiData(port, "/api/v1/metadata?metric=fixture_temperature");
  EXPECT_EQ(json::serialize(meta),
            R"({"fixture_temperature":[{"type":"gauge","help":"A \"gauge\" with \\ and \n escapes.","unit":""}]})");
  json::value tmeta = ApiData(
      port, "/api/v1/targets/metadata?metric=fixture_latency&match_target=" + QueryEscape("{job=\"text\"}"));
  EXPECT_EQ(json::serialize(tmeta), R"([{"target":{"instance":")" + fixture.address() +
                                        R"(","job":"text"},"type":"histogram","help":"","unit":""}])");
}

TEST(ScrapeE2E, OpenMetricsGzipAndContentTypes) {
  FixtureTarget fixture;
  const std::string om = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  fixture.Set("/om", {.content_type = om, .body = kOpenMetricsExample});
  // Without # EOF an OpenMetrics body is refused whole.
  fixture.Set("/om-noeof", {.content_type = om, .body = "om_partial 1\n"});
  // The same bytes as text/plain are read by the text parser (# EOF is a comment).
  fixture.Set("/om-as-text", {.body = "as_text 3\n# EOF\n"});
  fixture.Set("/gzip", {.body = "gz_metric{a=\"b\"} 5\n", .gzip = true});
  fixture.Set("/gzip-om", {.content_type = om, .body = "gz_om 6\n# EOF\n", .gzip = true});
  ScrapeServer pharos("pharos-scrape-e2e");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" + Job("om", fixture, "/om") +
                               Job("om_noeof", fixture, "/om-noeof") + Job("as_text", fixture, "/om-as-text") +
                               Job("gzip", fixture, "/gzip") + Job("gzip_om", fixture, "/gzip-om"))
                  .ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return InstantQuery(port, "up").size() == 5; }, 10s));

  EXPECT_EQ(QueryValue(port, R"(om_requests_total{path="/"})"), 7.0);
  // Prometheus 2.42 stores _created as a series of its own; exemplars are
  // not stored without the exemplar storage.
  EXPECT_EQ(QueryValue(port, "om_requests_created"), 1600000000.5);
  EXPECT_EQ(QueryValue(port, "om_size_bytes"), 42.0);
  EXPECT_EQ(QueryValue(port, R"(scrape_samples_scraped{job="om"})"), 3.0);
  EXPECT_EQ(QueryValue(port, R"(up{job="om"})"), 1.0);

  EXPECT_EQ(QueryValue(port, R"(up{job="om_noeof"})"), 0.0);
  EXPECT_TRUE(InstantQuery(port, "om_partial").empty());
  EXPECT_EQ(LastError(port, {{"job", "om_noeof"}}), "data does not end with # EOF");

  EXPECT_EQ(QueryValue(port, "as_text"), 3.0);
  EXPECT_EQ(QueryValue(port, R"(gz_metric{a="b"})"), 5.0);
  EXPECT_EQ(QueryValue(port, "gz_om"), 6.0);
  EXPECT_EQ(QueryValue(port, R"(up{job="gzip"})"), 1.0);

  json::value meta = ApiData(port, "/api/v1/metadata");
  ASSERT_TRUE(meta.is_object());
  EXPECT_EQ(json::serialize(meta.as_object()["om_requests"]), R"([{"type":"counter","help":"Requests.","unit":""}])");
  EXPECT_EQ(json::serialize(meta.as_object()["om_size_bytes"]), R"([{"type":"gauge","help":"","unit":"bytes"}])");
}

TEST(ScrapeE2E, CredentialsReachTheTarget) {
  FixtureTarget fixture;
  for (const char* p : {"/basic", "/basic-file", "/bearer", "/token-file"}) fixture.Set(p, {.body = "auth_ok 1\n"});
  fixture.Set("/denied", {.status = 401, .body = "Unauthorized\n"});
  ScrapeServer pharos("pharos-scrape-e2e");
  const std::string dir = pharos.dir();
  std::ofstream(dir + "/password") << "from-file\n";
  std::ofstream(dir + "/token") << "file-token\n";
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" +
                               Job("basic", fixture, "/basic", "    basic_auth: {username: alice, password: s3cret}\n") +
                               Job("basic_file", fixture, "/basic-file",
                                   "    basic_auth: {username: bob, password_file: " + dir + "/password}\n") +
                               Job("bearer", fixture, "/bearer", "    authorization: {credentials: tok3n}\n") +
                               Job("token_file", fixture, "/token-file",
                                   "    authorization: {type: Token, credentials_file: " + dir + "/token}\n") +
                               Job("denied", fixture, "/denied"))
                  .ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return InstantQuery(port, "up").size() == 5; }, 10s));
  EXPECT_EQ(fixture.Requests("/basic").last_headers["authorization"], "Basic YWxpY2U6czNjcmV0");
  EXPECT_EQ(fixture.Requests("/basic-file").last_headers["authorization"], "Basic Ym9iOmZyb20tZmlsZQ==");
  EXPECT_EQ(fixture.Requests("/bearer").last_headers["authorization"], "Bearer tok3n");
  EXPECT_EQ(fixture.Requests("/token-file").last_headers["authorization"], "Token file-token");
  EXPECT_EQ(fixture.Requests("/denied").last_headers.count("authorization"), 0u);
  EXPECT_EQ(QueryValue(port, "count(auth_ok)"), 4.0);
  EXPECT_EQ(QueryValue(port, R"(up{job="denied"})"), 0.0);
  EXPECT_EQ(LastError(port, {{"job", "denied"}}), "server returned HTTP status 401 Unauthorized");
  EXPECT_EQ(Health(port, {{"job", "denied"}}), "down");
}

}  // namespace
}  // namespace pharos::e2e
