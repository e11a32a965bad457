// The real binary and its configuration file: startup with a good and a bad
// file, SIGHUP and /-/reload with good and bad files, the lifecycle flag,
// and `pharos check config`.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

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

// `pharos check config` and Debian's `promtool check config` on the same
// files: the same exit code and the same words on stdout and stderr.
TEST_F(ConfigE2E, CheckConfigAnswersAsPromtool) {
  constexpr const char* kPromtool = "/usr/bin/promtool";
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << "promtool is not installed";
  std::filesystem::create_directories(dir_ + "/rules");
  std::ofstream(dir_ + "/rules/good.yml")
      << "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by "
         "(job) (up)\n      - alert: Down\n        expr: up == 0\n        for: 5m\n";
  std::ofstream(dir_ + "/rules/bad.yml")
      << "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n";
  const std::string job = "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['h:1']}]\n";
  const std::vector<std::string> configs = {
      "",
      job,
      "global:\n  scrape_interval: 30s\n  evaluation_interval: 1m\n  external_labels: {dc: "
      "eu1}\nrule_files: [rules/good.yml]\n" + job,
      "rule_files: [rules/bad.yml]\n" + job,
      "rule_files: [rules/missing-*.yml]\n" + job,
      "scrape_configs:\n  - job_name: a\n    foo: 1\n",
      "global:\n  scrape_interval: 1x\n",
      "global:\n  scrape_interval: 10s\n  scrape_timeout: 20s\n",
      "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n",
      job + job,
      "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {source_labels: [x], "
      "regex: '(', action: keep}\n",
      "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: bogus}\n",
      "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: hashmod, "
      "target_label: t}\n",
      "scrape_configs:\n  - job_name: a\n    sample_limit: many\n",
      "scrape_configs:\n  - job_name: a\n    scheme: ftp\n",
      "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p, "
      "password_file: f}\n",
      "scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [targets.txt]}]\n",
      "scrape_configs:\n  - job_name: a\n    tls_config: {cert_file: " + dir_ + "/nope.crt, "
      "key_file: " + dir_ + "/nope.key}\n",
      "global:\n  external_labels: {\"0bad\": x}\n",
      "scrape_configs: 7\n",
      std::string("\xff\xfe\x00garbage", 10),
  };
  // Pharos adds where a value is to its validation errors; the rest of the
  // words are promtool's.
  const std::regex position(R"( \(line [0-9]+, column [0-9]+\)\n)");
  for (const std::string& text : configs) {
    WriteConfig(text);
    std::string out, err;
    int code = RunToExit({"check", "config", config_}, &out, &err);
    Result<std::unique_ptr<Process>> p = Process::Start(kPromtool, {"check", "config", config_});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    Result<int> want_code = (*p)->Wait(30s);
    ASSERT_TRUE(want_code.ok());
    EXPECT_EQ(code, *want_code) << text;
    EXPECT_EQ(out, (*p)->Stdout()) << text;
    EXPECT_EQ(std::regex_replace(err, position, "\n"), (*p)->Stderr()) << text;
  }
  // YAML that does not parse: both name the file and a line; the parsers'
  // own words differ.
  WriteConfig("scrape_configs:\n  - job_name: a\n  static_configs: [\n");
  std::string out, err;
  EXPECT_EQ(RunToExit({"check", "config", config_}, &out, &err), 1);
  EXPECT_EQ(err.rfind("  FAILED: parsing YAML file " + config_ + ": yaml: line ", 0), 0u) << err;
}

TEST_F(ConfigE2E, ExampleConfigPassesCheck) {
  std::string out, err;
  EXPECT_EQ(RunToExit({"check", "config", PHAROS_SOURCE_DIR "/configs/pharos.yml"}, &out, &err), 0) << out << err;
}

}  // namespace
}  // namespace pharos::e2e
