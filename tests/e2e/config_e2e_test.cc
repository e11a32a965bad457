// The real binary and its configuration file: startup with a good and a bad
// file, SIGHUP and /-/reload with good and bad files, the lifecycle flag,
// and `pharos check config`.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

class ConfigE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pharos-config-e2e-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    config_ = dir_ + "/pharos.yml";
  }
  void TearDown() override {
    if (process_) {
      process_->Signal(SIGKILL).IgnoreError();
      process_->Wait(10s).IgnoreError();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void WriteConfig(const std::string& text) { std::ofstream(config_) << text; }

  std::vector<std::string> Args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir_ + "/data",
                                     "--config.file=" + config_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Starts the server and waits until it is ready.
  void Start(std::vector<std::string> extra = {}) {
    Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, Args(std::move(extra)));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    process_ = std::move(*p);
    Result<uint16_t> port = WaitUntilServing(*process_, 30s);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }

  HttpResponse Request(const std::string& method, const std::string& target) {
    Result<HttpResponse> r = HttpRequest("127.0.0.1", port_, method, target);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }

  // The config text /api/v1/status/config reports.
  std::string ConfigYaml() { return Request("GET", "/api/v1/status/config").body; }

  std::string dir_;
  std::string config_;
  std::unique_ptr<Process> process_;
  uint16_t port_ = 0;
};

TEST_F(ConfigE2E, StartupWithBadConfigExits) {
  WriteConfig("scrape_configs:\n  - job_name: a\n    scrape_interval: 5x\n");
  Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, Args());
  ASSERT_TRUE(p.ok());
  Result<int> code = (*p)->Wait(30s);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 2);
  EXPECT_NE((*p)->Stderr().find("Error loading config"), std::string::npos) << (*p)->Stderr();
  EXPECT_NE((*p)->Stderr().find("not a valid duration string"), std::string::npos);
}

TEST_F(ConfigE2E, SighupReloadsGoodAndKeepsOldOnBad) {
  WriteConfig("global:\n  scrape_interval: 15s\n");
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_NE(ConfigYaml().find("15s"), std::string::npos);

  WriteConfig("global:\n  scrape_interval: 20s\n");
  ASSERT_TRUE(process_->Signal(SIGHUP).ok());
  ASSERT_TRUE(process_->WaitForStderr("msg=\"Completed loading of configuration file\"", 10s).ok());
  // The startup load logged one too; wait until the text changes.
  for (int i = 0; i < 100 && ConfigYaml().find("20s") == std::string::npos; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_NE(ConfigYaml().find("20s"), std::string::npos);

  WriteConfig("global:\n  scrape_interval: nope\n");
  ASSERT_TRUE(process_->Signal(SIGHUP).ok());
  ASSERT_TRUE(process_->WaitForStderr("msg=\"Error reloading config\"", 10s).ok());
  EXPECT_NE(ConfigYaml().find("20s"), std::string::npos);
  EXPECT_EQ(Request("GET", "/-/healthy").status, 200);
}

TEST_F(ConfigE2E, ReloadEndpointWithLifecycle) {
  WriteConfig("global:\n  scrape_interval: 15s\n");
  ASSERT_NO_FATAL_FAILURE(Start({"--web.enable-lifecycle"}));
  WriteConfig("global:\n  scrape_interval: 30s\n");
  HttpResponse r = Request("POST", "/-/reload");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(ConfigYaml().find("30s"), std::string::npos);

  WriteConfig("scrape_configs:\n  - job_name: a\n  - job_name: a\n");
  r = Request("PUT", "/-/reload");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("failed to reload config: couldn't load configuration"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("found multiple scrape configs with job name \"a\""), std::string::npos) << r.body;
  EXPECT_NE(ConfigYaml().find("30s"), std::string::npos);
}

TEST_F(ConfigE2E, ReloadEndpointWithoutLifecycleIsForbidden) {
  WriteConfig("global:\n  scrape_interval: 15s\n");
  ASSERT_NO_FATAL_FAILURE(Start());
  HttpResponse r = Request("POST", "/-/reload");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "Lifecycle API is not enabled.");
}

int RunToExit(const std::vector<std::string>& args, std::string* out, std::string* err) {
  Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, args);
  EXPECT_TRUE(p.ok());
  if (!p.ok()) return -1;
  Result<int> code = (*p)->Wait(30s);
  *out = (*p)->Stdout();
  *err = (*p)->Stderr();
  return code.ok() ? *code : -1;
}

TEST_F(ConfigE2E, CheckConfigGoodAndBad) {
  std::filesystem::create_directories(dir_ + "/rules");
  std::ofstream(dir_ + "/rules/a.yml") << "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: up\n";
  WriteConfig("rule_files: [rules/*.yml]\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['h:1']}]\n");
  std::string out, err;
  EXPECT_EQ(RunToExit({"check", "config", config_}, &out, &err), 0) << err;
  EXPECT_EQ(out, "Checking " + config_ + "\n  SUCCESS: 1 rule files found\n SUCCESS: " + config_ +
                     " is valid prometheus config file syntax\n\nChecking " + dir_ +
                     "/rules/a.yml\n  SUCCESS: 1 rules found\n\n");

  WriteConfig("scrape_configs:\n  - job_name: a\n    foo: 1\n");
  EXPECT_EQ(RunToExit({"check", "config", config_}, &out, &err), 1);
  EXPECT_EQ(out, "Checking " + config_ + "\n\n");
  EXPECT_EQ(err, "  FAILED: parsing YAML file " + config_ +
                     ": yaml: unmarshal errors:\n  line 3: field foo not found in type config.ScrapeConfig\n");

  EXPECT_EQ(RunToExit({"check", "config", dir_ + "/missing.yml"}, &out, &err), 1);
}

TEST_F(ConfigE2E, ExampleConfigPassesCheck) {
  std::string out, err;
  EXPECT_EQ(RunToExit({"check", "config", PHAROS_SOURCE_DIR "/configs/pharos.yml"}, &out, &err), 0) << out << err;
}

}  // namespace
}  // namespace pharos::e2e
