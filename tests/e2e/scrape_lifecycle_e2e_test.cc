// Scraping over time: stale markers for vanished series, removed and failing
// targets; file_sd files changing, breaking and vanishing; reloads by SIGHUP
// and /-/reload that keep an unchanged target's loop on its schedule.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/e2e/fixture_target.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/scrape_harness.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

std::string Job(const std::string& name, const FixtureTarget& f, const std::string& path) {
  return "  - job_name: " + name + "\n    scrape_interval: 500ms\n    metrics_path: " + path +
         "\n    static_configs: [{targets: ['" + f.address() + "']}]\n";
}

// Waits until `path` has been requested `n` more times (each request's
// samples are committed before the next one is sent, so all but the last
// are in storage), at most `timeout`.
bool WaitScrapes(const FixtureTarget& f, const std::string& path, int n, std::chrono::milliseconds timeout = 5s) {
  const int start = f.Requests(path).count;
  return Eventually([&] { return f.Requests(path).count >= start + n; }, timeout);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path + ".tmp") << text;
  fs::rename(path + ".tmp", path);
}

// The gaps between consecutive raw samples of `selector` stay within
// [lo, hi] ms and there are at least `min_samples`.
void ExpectRegular(uint16_t port, const std::string& selector, int64_t lo, int64_t hi, size_t min_samples) {
  std::vector<RangeSeries> raw = RawSamples(port, selector);
  ASSERT_EQ(raw.size(), 1u) << selector;
  const auto& s = raw[0].samples;
  EXPECT_GE(s.size(), min_samples) << selector;
  for (size_t i = 1; i < s.size(); ++i) {
    int64_t gap = s[i].first - s[i - 1].first;
    EXPECT_GE(gap, lo) << selector << " sample " << i;
    EXPECT_LE(gap, hi) << selector << " sample " << i;
  }
}

TEST(ScrapeLifecycleE2E, VanishedSeriesGetsAStaleMarker) {
  FixtureTarget fixture;
  fixture.Set("/m", {.body = "st_a 1\nst_b 2\n"});
  ScrapeServer pharos("pharos-scrape-life");
  ASSERT_TRUE(pharos.StartPharos("scrape_configs:\n" + Job("st", fixture, "/m")).ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, "st_b") == 2.0; }, 10s));

  fixture.Set("/m", {.body = "st_a 1\n"});
  ASSERT_TRUE(WaitScrapes(fixture, "/m", 2));
  EXPECT_TRUE(InstantQuery(port, "st_b").empty());
  EXPECT_EQ(QueryValue(port, "last_over_time(st_b[1m])"), 2.0);
  EXPECT_EQ(QueryValue(port, "st_a"), 1.0);
  EXPECT_EQ(QueryValue(port, "scrape_samples_scraped"), 1.0);

  // The series comes back with its next sample.
  fixture.Set("/m", {.body = "st_a 1\nst_b 3\n"});
  ASSERT_TRUE(WaitScrapes(fixture, "/m", 2));
  EXPECT_EQ(QueryValue(port, "st_b"), 3.0);
}

TEST(ScrapeLifecycleE2E, RemovedAndFailingTargetsGoStale) {
  FixtureTarget fixture;
  fixture.Set("/keep", {.body = "keep_metric 1\n"});
  fixture.Set("/gone", {.body = "gone_metric 1\n"});
  fixture.Set("/failing", {.body = "failing_metric 1\n"});
  ScrapeServer pharos("pharos-scrape-life");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" + Job("keep", fixture, "/keep") + Job("gone", fixture, "/gone") +
                               Job("failing", fixture, "/failing"))
                  .ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, "sum(up)") == 3.0; }, 10s));

  fixture.Set("/failing", {.status = 500});
  ASSERT_TRUE(WaitScrapes(fixture, "/failing", 2));
  EXPECT_TRUE(InstantQuery(port, "failing_metric").empty());
  EXPECT_EQ(QueryValue(port, "last_over_time(failing_metric[1m])"), 1.0);
  EXPECT_EQ(QueryValue(port, R"(up{job="failing"})"), 0.0);
  EXPECT_EQ(QueryValue(port, R"(scrape_samples_scraped{job="failing"})"), 0.0);
  EXPECT_EQ(LastError(port, {{"job", "failing"}}), "server returned HTTP status 500 Internal Server Error");

  pharos.WriteConfig("scrape_configs:\n" + Job("keep", fixture, "/keep") + Job("failing", fixture, "/failing"));
  ASSERT_TRUE(pharos.process().Signal(SIGHUP).ok());
  ASSERT_TRUE(Eventually([&] { return ActiveTarget(port, {{"job", "gone"}}).is_null(); }, 5s));
  // Like Prometheus, the stale markers of a removed target come a little
  // over two intervals after its last scrape; every series of the job,
  // `up` and the scrape_* series included.
  EXPECT_TRUE(Eventually([&] { return InstantQuery(port, R"({job="gone"})").empty(); }, 4s))
      << InstantQuery(port, R"({job="gone"})").size();
  EXPECT_EQ(QueryValue(port, "last_over_time(gone_metric[1m])"), 1.0);
  EXPECT_EQ(QueryValue(port, "keep_metric"), 1.0);
}

TEST(ScrapeLifecycleE2E, FileSdFollowsItsFiles) {
  FixtureTarget fixture;
  for (const char* p : {"/one", "/two", "/three"}) {
    fixture.Set(p, {.body = std::string(p + 1) + "_metric 1\n"});
  }
  ScrapeServer pharos("pharos-scrape-life");
  const std::string sd = pharos.dir() + "/sd";
  fs::create_directories(sd);
  const std::string addr = fixture.address();
  auto json_group = [&](const std::string& path) {
    return R"({"targets": [")" + addr + R"("], "labels": {"__metrics_path__": ")" + path + R"(", "src": "json"}})";
  };
  WriteFile(sd + "/a.json", "[" + json_group("/one") + "]");
  WriteFile(sd + "/b.yml", "- targets: ['" + addr + "']\n  labels: {__metrics_path__: /two, src: yaml}\n");
  WriteFile(sd + "/ignored.txt", "- targets: ['" + addr + "']\n  labels: {__metrics_path__: /three}\n");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n  - job_name: sd\n    scrape_interval: 500ms\n"
                               "    file_sd_configs:\n      - files: ['" + sd + "/*.json', '" + sd +
                               "/*.yml']\n        refresh_interval: 1m\n")
                  .ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, "sum(up)") == 2.0; }, 10s));
  EXPECT_EQ(QueryValue(port, R"(one_metric{src="json",job="sd"})"), 1.0);
  EXPECT_EQ(QueryValue(port, R"(two_metric{src="yaml"})"), 1.0);
  json::value one = ActiveTarget(port, {{"src", "json"}});
  ASSERT_TRUE(one.is_object());
  EXPECT_EQ(ToLabelMap(one.as_object()["discoveredLabels"])["__meta_filepath"], sd + "/a.json");

  // A target added to a file.
  WriteFile(sd + "/a.json", "[" + json_group("/one") + ", " + json_group("/three") + "]");
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, "three_metric") == 1.0; }, 5s));

  // A target removed from a file: gone from the targets, its series stale.
  WriteFile(sd + "/a.json", "[" + json_group("/three") + "]");
  EXPECT_TRUE(Eventually([&] { return QueryValue(port, "count(up)") == 2.0; }, 5s));
  EXPECT_TRUE(Eventually([&] { return InstantQuery(port, "one_metric").empty(); }, 5s));
  EXPECT_EQ(QueryValue(port, "three_metric"), 1.0);

  // A broken file keeps its last good targets.
  WriteFile(sd + "/b.yml", "- targets: ['" + addr + "'\n  labels: {{{\n");
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(Health(port, {{"src", "yaml"}}), "up");
  EXPECT_TRUE(WaitScrapes(fixture, "/two", 2));
  EXPECT_EQ(QueryValue(port, "two_metric"), 1.0);

  // A deleted file takes its targets with it.
  fs::remove(sd + "/b.yml");
  EXPECT_TRUE(Eventually([&] { return ActiveTarget(port, {{"src", "yaml"}}).is_null(); }, 5s));
  EXPECT_TRUE(Eventually([&] { return InstantQuery(port, "two_metric").empty(); }, 5s));
}

TEST(ScrapeLifecycleE2E, ReloadKeepsTheUnchangedLoopOnSchedule) {
  FixtureTarget fixture;
  for (const char* p : {"/steady", "/old", "/new", "/new2"}) {
    fixture.Set(p, {.body = std::string(p + 1) + "_metric 1\n"});
  }
  ScrapeServer pharos("pharos-scrape-life");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" + Job("steady", fixture, "/steady") + Job("old", fixture, "/old"),
                               {"--web.enable-lifecycle"})
                  .ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, "sum(up)") == 2.0; }, 10s));
  const auto start = std::chrono::steady_clock::now();

  // SIGHUP: one target added, one removed, one unchanged.
  pharos.WriteConfig("scrape_configs:\n" + Job("steady", fixture, "/steady") + Job("new", fixture, "/new"));
  ASSERT_TRUE(pharos.process().Signal(SIGHUP).ok());
  EXPECT_TRUE(Eventually([&] { return QueryValue(port, R"(up{job="new"})") == 1.0; }, 5s));
  EXPECT_TRUE(ActiveTarget(port, {{"job", "old"}}).is_null());

  // /-/reload: another one added.
  pharos.WriteConfig("scrape_configs:\n" + Job("steady", fixture, "/steady") + Job("new", fixture, "/new") +
                     Job("new2", fixture, "/new2"));
  Result<HttpResponse> r = HttpRequest("127.0.0.1", port, "POST", "/-/reload");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(Eventually([&] { return QueryValue(port, R"(up{job="new2"})") == 1.0; }, 5s));

  // A bad config: refused, the old one keeps running.
  pharos.WriteConfig("scrape_configs:\n  - job_name: steady\n    scrape_interval: 5x\n");
  r = HttpRequest("127.0.0.1", port, "POST", "/-/reload");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("failed to reload config"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("not a valid duration string"), std::string::npos) << r->body;
  Result<HttpResponse> metrics = HttpGet("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("\npharos_config_last_reload_successful 0\n"), std::string::npos);
  EXPECT_TRUE(WaitScrapes(fixture, "/new2", 2));
  EXPECT_EQ(QueryValue(port, "sum(up)"), 3.0);

  // Every scrape of the unchanged target across the reloads, one interval
  // apart: no gap, no duplicate.
  std::this_thread::sleep_for(600ms);
  const int64_t window_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count() + 1;
  ExpectRegular(port, "steady_metric[" + std::to_string(window_s) + "s]", 400, 600,
                static_cast<size_t>(window_s * 2 - 3));
  ExpectRegular(port, R"(up{job="steady"}[)" + std::to_string(window_s) + "s]", 400, 600,
                static_cast<size_t>(window_s * 2 - 3));
}

}  // namespace
}  // namespace pharos::e2e
