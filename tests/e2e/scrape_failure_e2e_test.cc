// Scrapes that fail: every limit fails its scrape whole with Prometheus'
// lastError; malformed, slow, silent and huge bodies fail only their own
// target while a healthy target in the same Pharos stays on schedule and
// memory stays bounded.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/fixture_target.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/scrape_harness.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

// A job with a short instance label, so label lengths do not depend on the
// fixture's port.
std::string Job(const std::string& name, const FixtureTarget& f, const std::string& path,
                const std::string& extra = "", const std::string& interval = "500ms") {
  return "  - job_name: " + name + "\n    scrape_interval: " + interval + "\n    metrics_path: " + path +
         "\n    static_configs: [{targets: ['" + f.address() + "'], labels: {instance: i1}}]\n" + extra;
}

constexpr const char* kLimitBody = R"(lim_metric{aa="1",bb="2",longlabelname="v"} 1
lim_metric{aa="toolongvalue"} 2
lim_other 3
)";

TEST(ScrapeFailureE2E, LimitsFailTheWholeScrape) {
  FixtureTarget fixture;
  fixture.Set("/lim", {.body = kLimitBody});
  fixture.Set("/ok", {.body = "ok_metric 1\n"});
  ScrapeServer pharos("pharos-scrape-fail");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" + Job("ok", fixture, "/ok", "    sample_limit: 1\n") +
                               Job("sl", fixture, "/lim", "    sample_limit: 2\n") +
                               Job("ll", fixture, "/lim", "    label_limit: 5\n") +
                               Job("lnl", fixture, "/lim", "    label_name_length_limit: 10\n") +
                               Job("lvl", fixture, "/lim", "    label_value_length_limit: 11\n") +
                               Job("bsl", fixture, "/lim", "    body_size_limit: 20B\n") +
                               "  - job_name: tl\n    scrape_interval: 500ms\n    target_limit: 1\n"
                               "    metrics_path: /ok\n    static_configs:\n"
                               "      - {targets: ['" + fixture.address() + "'], labels: {n: '1'}}\n"
                               "      - {targets: ['" + fixture.address() + "'], labels: {n: '2'}}\n")
                  .ok());
  const uint16_t port = pharos.port();
  ASSERT_TRUE(Eventually([&] { return InstantQuery(port, "up").size() == 8; }, 10s));
  ASSERT_TRUE(Eventually([&] {
    return LastError(port, {{"job", "tl"}, {"n", "1"}}) != "" &&
           LastError(port, {{"job", "tl"}, {"n", "2"}}) != "";
  }, 5s));

  EXPECT_EQ(QueryValue(port, R"(up{job="ok"})"), 1.0);
  EXPECT_EQ(LastError(port, {{"job", "ok"}}), "");
  const std::map<std::string, std::string> want = {
      {"sl", "sample limit exceeded"},
      {"ll", "label_limit exceeded (metric: lim_metric, number of labels: 6, limit: 5)"},
      {"lnl", "label_name_length_limit exceeded (metric: lim_metric, label name: longlabelname, length: 13, "
              "limit: 10)"},
      {"lvl", "label_value_length_limit exceeded (metric: lim_metric, label name: aa, value: \"toolongvalue\", "
              "length: 12, limit: 11)"},
      {"bsl", "body size limit exceeded"},
  };
  for (const auto& [job, error] : want) {
    EXPECT_EQ(QueryValue(port, "up{job=\"" + job + "\"}"), 0.0) << job;
    EXPECT_EQ(Health(port, {{"job", job}}), "down") << job;
    EXPECT_EQ(LastError(port, {{"job", job}}), error) << job;
    // Nothing of a failed scrape is stored.
    EXPECT_TRUE(InstantQuery(port, "{__name__=~\"lim_.*\",job=\"" + job + "\"}").empty()) << job;
  }
  for (const char* n : {"1", "2"}) {
    EXPECT_EQ(LastError(port, {{"job", "tl"}, {"n", n}}), "target_limit exceeded (number of targets: 2, limit: 1)");
    EXPECT_EQ(Health(port, {{"job", "tl"}, {"n", n}}), "down");
  }
  EXPECT_EQ(QueryValue(port, R"(sum(up{job="tl"}))"), 0.0);
  EXPECT_TRUE(InstantQuery(port, R"(ok_metric{job="tl"})").empty());

  // The failures are counted on /metrics, under Prometheus' names.
  Result<HttpResponse> metrics = HttpGet("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  auto value = [&](const std::string& series) {
    size_t at = metrics->body.find("\n" + series + " ");
    if (at == std::string::npos) return -1.0;
    return std::stod(metrics->body.substr(at + series.size() + 2));
  };
  EXPECT_GE(value("pharos_target_scrapes_exceeded_sample_limit_total"), 1.0);
  EXPECT_GE(value("pharos_target_scrapes_exceeded_body_size_limit_total"), 1.0);
  EXPECT_EQ(value("pharos_target_scrape_pool_targets{scrape_job=\"tl\"}"), 2.0);
  EXPECT_EQ(value("pharos_target_scrape_pool_targets{scrape_job=\"ok\"}"), 1.0);
}

TEST(ScrapeFailureE2E, BadTargetsFailAloneAndMemoryStaysBounded) {
  FixtureTarget fixture;
  fixture.Set("/healthy", {.body = "healthy_metric 1\n"});
  fixture.Set("/truncated", {.body = "ok_before 1\ntrunc_metric{a=\"b"});
  fixture.Set("/bad-float", {.body = "ok_before 1\nbad_float 1.2.3\n"});
  fixture.Set("/bad-escape", {.body = "esc_metric{a=\"x\\\"} 1\n"});
  fixture.Set("/never", {.never_answer = true});
  fixture.Set("/trickle", {.body = "trickled 1\n", .trickle_ms = 1000});
  // 200 MB streamed; with and without a body size limit.
  fixture.Set("/huge", {.generated_bytes = 200ull << 20});
  ScrapeServer pharos("pharos-scrape-fail");
  ASSERT_TRUE(pharos
                  .StartPharos("scrape_configs:\n" + Job("healthy", fixture, "/healthy") +
                               Job("truncated", fixture, "/truncated") + Job("bad_float", fixture, "/bad-float") +
                               Job("bad_escape", fixture, "/bad-escape") +
                               Job("never", fixture, "/never", "", "1s") + Job("trickle", fixture, "/trickle", "", "1s") +
                               Job("huge_limited", fixture, "/huge", "    body_size_limit: 10MB\n", "2s") +
                               Job("huge", fixture, "/huge", "", "3s"))
                  .ok());
  const uint16_t port = pharos.port();
  const pid_t pid = pharos.process().pid();
  std::atomic<bool> done{false};
  std::atomic<int64_t> max_rss_kb{0};
  std::thread sampler([&] {
    while (!done) {
      max_rss_kb = std::max<int64_t>(max_rss_kb, VmRssKb(pid));
      std::this_thread::sleep_for(50ms);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return QueryValue(port, R"(up{job="huge"})") == 1.0; }, 15s));
  EXPECT_TRUE(Eventually([&] { return InstantQuery(port, "up").size() == 8; }, 5s));
  // One more round of the huge target, for the memory high-water mark.
  std::this_thread::sleep_for(3500ms);

  EXPECT_EQ(QueryValue(port, "fixture_huge_body"), 1.0);
  EXPECT_EQ(LastError(port, {{"job", "huge_limited"}}), "body size limit exceeded");
  const std::string base = "Get \"http://" + fixture.address();
  EXPECT_EQ(LastError(port, {{"job", "never"}}), base + "/never\": context deadline exceeded");
  EXPECT_EQ(LastError(port, {{"job", "trickle"}}), "context deadline exceeded");
  EXPECT_EQ(LastError(port, {{"job", "truncated"}}), "expected label value, got \"INVALID\"");
  EXPECT_EQ(LastError(port, {{"job", "bad_float"}}), "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
  EXPECT_EQ(LastError(port, {{"job", "bad_escape"}}), "expected label value, got \"INVALID\"");
  for (const char* job : {"truncated", "bad_float", "bad_escape", "never", "trickle", "huge_limited"}) {
    EXPECT_EQ(QueryValue(port, "up{job=\"" + std::string(job) + "\"}"), 0.0) << job;
    EXPECT_EQ(Health(port, {{"job", job}}), "down") << job;
  }
  EXPECT_TRUE(InstantQuery(port, "ok_before").empty());

  // The healthy target was scraped every 500 ms all along.
  const int64_t window_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  std::vector<RangeSeries> raw = RawSamples(port, "healthy_metric[" + std::to_string(window_s) + "s]");
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_GE(raw[0].samples.size(), static_cast<size_t>(window_s * 2 - 2));
  for (size_t i = 1; i < raw[0].samples.size(); ++i) {
    int64_t gap = raw[0].samples[i].first - raw[0].samples[i - 1].first;
    EXPECT_GE(gap, 400) << i;
    EXPECT_LE(gap, 600) << i;
  }
  done = true;
  sampler.join();
  // A 200 MB body is held once while it is parsed; generous headroom for
  // the buffer growing and the allocator.
  EXPECT_GT(max_rss_kb.load(), 0);
  EXPECT_LT(max_rss_kb.load(), 1000 * 1024) << "peak VmRSS " << max_rss_kb.load() << " KiB";
  EXPECT_EQ(kill(pid, 0), 0) << "Pharos is gone";
  Result<int> code = pharos.Stop();
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace pharos::e2e
