// Tests of server/scrape's ScrapeManager over real HTTP: a fixture target
// served by Pharos' own HttpServer, scraped into an in-memory appendable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.h"
#include "server/router.h"
#include "server/scrape/http_scraper.h"
#include "server/scrape/scrape_manager.h"
#include "tests/e2e/eventually.h"
#include "tsdb/sample.h"

namespace pharos::server::scrape {
namespace {

// Committed samples by series text.
class MemoryStorage : public tsdb::Appendable {
 public:
  struct Point {
    int64_t t;
    double v;
  };
  class App : public tsdb::Appender {
   public:
    explicit App(MemoryStorage* s) : s_(s) {}
    Result<tsdb::SeriesRef> Append(tsdb::SeriesRef ref, const tsdb::Labels& l, int64_t t,
                                   double v) override {
      std::string series = l.ToString();
      std::lock_guard<std::mutex> lock(s_->mu_);
      if (l.empty()) {
        auto it = s_->by_ref_.find(ref);
        if (it == s_->by_ref_.end()) return NotFoundError("unknown series ref");
        series = it->second;
      }
      tsdb::SeriesRef out = std::hash<std::string>()(series) | 1;
      s_->by_ref_[out] = series;
      rows_.emplace_back(series, Point{t, v});
      return out;
    }
    Status Commit() override {
      std::lock_guard<std::mutex> lock(s_->mu_);
      for (auto& [k, p] : rows_) s_->series_[k].push_back(p);
      return Status();
    }
    Status Rollback() override { return Status(); }

   private:
    MemoryStorage* s_;
    std::vector<std::pair<std::string, Point>> rows_;
  };
  std::unique_ptr<tsdb::Appender> NewAppender() override { return std::make_unique<App>(this); }
  std::vector<Point> Get(const std::string& series) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = series_.find(series);
    return it == series_.end() ? std::vector<Point>{} : it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<Point>> series_;
  std::map<tsdb::SeriesRef, std::string> by_ref_;  // as storage resolves refs
};

class Fixture {
 public:
  Fixture() {
    router_.Handle("GET", "/metrics", [this](const Request& r) {
      Response res;
      std::lock_guard<std::mutex> lock(mu_);
      res.body = body_;
      res.content_type = "text/plain; version=0.0.4";
      accept_ = std::string(r.Header("Accept"));
      timeout_header_ = std::string(r.Header("X-Prometheus-Scrape-Timeout-Seconds"));
      return res;
    });
    HttpServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.logger = &log_;
    server_ = std::move(HttpServer::Start(o, router_).value());
  }
  ~Fixture() { server_->Stop(); }
  void SetBody(std::string b) {
    std::lock_guard<std::mutex> lock(mu_);
    body_ = std::move(b);
  }
  std::string address() const { return server_->address(); }
  std::string accept() {
    std::lock_guard<std::mutex> lock(mu_);
    return accept_;
  }
  std::string timeout_header() {
    std::lock_guard<std::mutex> lock(mu_);
    return timeout_header_;
  }

 private:
  Logger log_{LogLevel::kError, LogFormat::kLogfmt};
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::string body_ = "# HELP a An a.\n# TYPE a gauge\na 1\nb 2\n";
  std::string accept_, timeout_header_;
};

Config OneJob(const std::string& address, int64_t interval_ms) {
  Config c;
  ScrapeConfig sc;
  sc.job_name = "fixture";
  sc.scrape_interval_ms = interval_ms;
  sc.scrape_timeout_ms = interval_ms;
  StaticConfig st;
  st.targets = {address};
  sc.static_configs.push_back(st);
  c.scrape_configs.push_back(sc);
  return c;
}

// Polls `cond` every 20 ms for up to `ms`.
bool WaitFor(const std::function<bool()>& cond, int ms) {
  return e2e::Eventually(cond, std::chrono::milliseconds(ms), std::chrono::milliseconds(20));
}

TEST(ScrapeManager, ScrapesReportsAndMarksStale) {
  Fixture target;
  MemoryStorage storage;
  ScrapeManager m({.storage = &storage});
  ASSERT_TRUE(m.ApplyConfig(OneJob(target.address(), 500)).ok());
  const std::string labels = "{instance=\"" + target.address() + "\", job=\"fixture\"}";
  ASSERT_TRUE(WaitFor([&] { return storage.Get("up" + labels).size() >= 1; }, 3000));
  EXPECT_EQ(storage.Get("up" + labels)[0].v, 1);
  EXPECT_EQ(storage.Get("a" + labels)[0].v, 1);
  EXPECT_EQ(storage.Get("scrape_samples_scraped" + labels)[0].v, 2);
  EXPECT_EQ(storage.Get("scrape_series_added" + labels)[0].v, 2);
  EXPECT_EQ(target.accept(), HttpScraper::kAcceptHeader);
  EXPECT_EQ(target.timeout_header(), "0.5");

  std::vector<ActiveTarget> active = m.ActiveTargets();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].health, "up");
  EXPECT_EQ(active[0].scrape_pool, "fixture");
  EXPECT_EQ(active[0].scrape_url, "http://" + target.address() + "/metrics");
  EXPECT_EQ(active[0].scrape_interval, "500ms");
  std::vector<TargetMetadata> md = m.Metadata();
  ASSERT_EQ(md.size(), 1u);
  EXPECT_EQ(md[0].metadata.metric, "a");
  EXPECT_EQ(md[0].metadata.type, "gauge");
  EXPECT_EQ(md[0].metadata.help, "An a.");

  // b vanishes: a stale marker at the next scrape.
  target.SetBody("a 1\n");
  ASSERT_TRUE(WaitFor([&] {
    auto b = storage.Get("b" + labels);
    return !b.empty() && tsdb::IsStaleNaN(b.back().v);
  }, 3000));

  // A broken body fails the scrape: up 0, the error as lastError.
  target.SetBody("a{ 1\n");
  ASSERT_TRUE(WaitFor([&] { return m.ActiveTargets()[0].health == "down"; }, 3000));
  EXPECT_EQ(m.ActiveTargets()[0].last_error, "expected label name, got \"INVALID\"");
  EXPECT_TRUE(tsdb::IsStaleNaN(storage.Get("a" + labels).back().v));

  // The target goes away: stale markers for its synthetic series ~2 intervals later.
  target.SetBody("a 1\n");
  ASSERT_TRUE(m.ApplyConfig(Config{}).ok());
  EXPECT_TRUE(m.ActiveTargets().empty());
  ASSERT_TRUE(WaitFor([&] {
    auto up = storage.Get("up" + labels);
    return !up.empty() && tsdb::IsStaleNaN(up.back().v);
  }, 3000));
  m.Stop();
}

TEST(ScrapeManager, UnchangedTargetKeepsItsLoopAcrossReload) {
  Fixture target;
  MemoryStorage storage;
  ScrapeManager m({.storage = &storage});
  Config c = OneJob(target.address(), 300);
  ASSERT_TRUE(m.ApplyConfig(c).ok());
  const std::string up = "up{instance=\"" + target.address() + "\", job=\"fixture\"}";
  ASSERT_TRUE(WaitFor([&] { return storage.Get(up).size() >= 2; }, 3000));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(m.ApplyConfig(c).ok());
  ASSERT_TRUE(WaitFor([&] { return storage.Get(up).size() >= 6; }, 4000));
  std::vector<MemoryStorage::Point> pts = storage.Get(up);
  for (size_t i = 1; i < pts.size(); ++i) {
    EXPECT_NEAR(pts[i].t - pts[i - 1].t, 300, 40) << i;  // no gap, no duplicate
    EXPECT_EQ(pts[i].v, 1);
  }
  m.Stop();
}

TEST(ScrapeManager, ConnectionRefusedIsDown) {
  MemoryStorage storage;
  ScrapeManager m({.storage = &storage});
  ASSERT_TRUE(m.ApplyConfig(OneJob("127.0.0.1:1", 200)).ok());
  ASSERT_TRUE(WaitFor([&] { return m.ActiveTargets()[0].health == "down"; }, 3000));
  EXPECT_EQ(m.ActiveTargets()[0].last_error,
            "Get \"http://127.0.0.1:1/metrics\": dial tcp 127.0.0.1:1: connect: connection refused");
  m.Stop();
}

}  // namespace
}  // namespace pharos::server::scrape
