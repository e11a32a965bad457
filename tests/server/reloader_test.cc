// Reloader: all-or-nothing reloads, rollback when a component fails, the
// observer, and /-/reload with and without the lifecycle flag.

#include "server/config/reloader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/config/reload_handlers.h"

namespace pharos::server {
namespace {

class ReloaderTest : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    FILE* f = std::fopen(path_.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }

  ~ReloaderTest() override { std::remove(path_.c_str()); }

  // One file per process: ctest runs the tests of this suite in parallel.
  std::string path_ =
      ::testing::TempDir() + "/reloader_test_" + std::to_string(getpid()) + ".yml";
  Logger log_{LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}, {}};
};

TEST_F(ReloaderTest, GoodReloadAppliesInOrderAndBadKeepsOld) {
  Write("global:\n  scrape_interval: 15s\n");
  Reloader reloader(path_, log_);
  std::vector<std::string> calls;
  reloader.Register("a", [&](const Config& c) {
    calls.push_back("a:" + std::to_string(c.global.scrape_interval_ms));
    return Status::Ok();
  });
  reloader.Register("b", [&](const Config& c) {
    calls.push_back("b:" + std::to_string(c.global.scrape_interval_ms));
    return Status::Ok();
  });
  std::vector<bool> reports;
  reloader.SetObserver([&](bool ok, int64_t) { reports.push_back(ok); });

  ASSERT_TRUE(reloader.Reload().ok());
  EXPECT_EQ(calls, (std::vector<std::string>{"a:15000", "b:15000"}));
  EXPECT_EQ(reloader.current()->global.scrape_interval_ms, 15000);
  EXPECT_TRUE(reloader.last_reload_successful());
  EXPECT_GT(reloader.last_success_ms(), 0);

  Write("global:\n  scrape_interval: 5x\n");
  Status s = reloader.Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("couldn't load configuration (--config.file=\"" + path_ + "\"): parsing YAML file"),
            std::string::npos);
  EXPECT_EQ(reloader.current()->global.scrape_interval_ms, 15000);
  EXPECT_FALSE(reloader.last_reload_successful());
  EXPECT_EQ(calls.size(), 2u);  // no component saw the bad file
  EXPECT_EQ(reports, (std::vector<bool>{true, false}));
}

TEST_F(ReloaderTest, ComponentFailureRestoresPreviousConfig) {
  Write("global:\n  scrape_interval: 15s\n");
  Reloader reloader(path_, log_);
  int64_t a_has = 0;
  reloader.Register("a", [&](const Config& c) {
    a_has = c.global.scrape_interval_ms;
    return Status::Ok();
  });
  reloader.Register("b", [&](const Config& c) {
    if (c.global.scrape_interval_ms == 7000) return InvalidArgumentError("b refuses 7s");
    return Status::Ok();
  });
  ASSERT_TRUE(reloader.Reload().ok());
  Write("global:\n  scrape_interval: 7s\n");
  Status s = reloader.Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "one or more errors occurred while applying the new configuration (--config.file=\"" +
                             path_ + "\")");
  EXPECT_EQ(a_has, 15000);  // rolled back
  EXPECT_EQ(reloader.current()->global.scrape_interval_ms, 15000);
}

TEST_F(ReloaderTest, ReloadEndpoint) {
  Write("global:\n  scrape_interval: 15s\n");
  Reloader reloader(path_, log_);
  Router enabled, disabled;
  RegisterReloadHandlers(enabled, reloader, true);
  RegisterReloadHandlers(disabled, reloader, false);
  Result<Request> post = MakeRequest("POST", "/-/reload");
  ASSERT_TRUE(post.ok());

  Response r = disabled.Route(*post);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "Lifecycle API is not enabled.");

  r = enabled.Route(*post);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(ReloaderConfigProvider(reloader).Yaml(), "global:\n  scrape_interval: 15s\n");

  Write("scrape_configs: [{job_name: a}, {job_name: a}]\n");
  r = enabled.Route(*post);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.rfind("failed to reload config: couldn't load configuration", 0), 0u) << r.body;
  EXPECT_EQ(r.body.back(), '\n');
}

}  // namespace
}  // namespace pharos::server
