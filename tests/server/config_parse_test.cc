// The prometheus.yml loader: defaults, inheritance, and every error class
// with Prometheus' wording and the place it went wrong.

#include <gtest/gtest.h>

#include <string>

#include "server/config/config.h"

namespace pharos::server {
namespace {

std::shared_ptr<const Config> Parse(const std::string& text) {
  Result<std::shared_ptr<const Config>> c = ParseConfig(text, "/etc/p");
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : std::make_shared<const Config>();
}

std::string Error(const std::string& text) {
  Result<std::shared_ptr<const Config>> c = ParseConfig(text, "/etc/p");
  return c.ok() ? "OK" : c.status().message();
}

TEST(ConfigParse, EmptyTextIsAllDefaults) {
  auto c = Parse("");
  EXPECT_EQ(c->global.scrape_interval_ms, 60000);
  EXPECT_EQ(c->global.scrape_timeout_ms, 10000);
  EXPECT_EQ(c->global.evaluation_interval_ms, 60000);
  EXPECT_TRUE(c->scrape_configs.empty());
  EXPECT_EQ(c->storage.max_exemplars, 100000);
  EXPECT_EQ(Parse("global:\n")->global.scrape_interval_ms, 60000);
}

TEST(ConfigParse, ScrapeConfigsInheritGlobal) {
  auto c = Parse(
      "global:\n  scrape_interval: 15s\n  scrape_timeout: 5s\n"
      "scrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 2s\n"
      "  - job_name: c\n    scrape_interval: 1m\n    scrape_timeout: 30s\n");
  ASSERT_EQ(c->scrape_configs.size(), 3u);
  const ScrapeConfig& a = c->scrape_configs[0];
  EXPECT_EQ(a.scrape_interval_ms, 15000);
  EXPECT_EQ(a.scrape_timeout_ms, 5000);
  EXPECT_EQ(a.metrics_path, "/metrics");
  EXPECT_EQ(a.scheme, "http");
  EXPECT_TRUE(a.honor_timestamps);
  EXPECT_FALSE(a.honor_labels);
  EXPECT_TRUE(a.http_client.follow_redirects);
  // A shorter interval caps the inherited timeout.
  EXPECT_EQ(c->scrape_configs[1].scrape_timeout_ms, 2000);
  EXPECT_EQ(c->scrape_configs[2].scrape_timeout_ms, 30000);
  // The global timeout defaults to min(10s, interval).
  EXPECT_EQ(Parse("global:\n  scrape_interval: 3s\n")->global.scrape_timeout_ms, 3000);
}

TEST(ConfigParse, SectionsAndRelativePaths) {
  auto c = Parse(
      "rule_files: [rules/*.yml, /abs.yml]\n"
      "global:\n  external_labels: {site: x, dc: \"1\"}\n"
      "scrape_configs:\n  - job_name: a\n    params: {m: [x, y]}\n    body_size_limit: 10MB\n"
      "    bearer_token_file: tok\n    tls_config: {ca_file: ca.pem}\n"
      "    static_configs: [{targets: ['h:1', 'h:2'], labels: {l: v}}]\n"
      "    file_sd_configs: [{files: [sd/*.json]}]\n"
      "    relabel_configs: [{action: labeldrop, regex: tmp_.*}]\n"
      "alerting:\n  alertmanagers:\n    - path_prefix: /am\n      static_configs: [{targets: ['am:9093']}]\n"
      "remote_write:\n  - url: http://x/w\n    name: w\n    headers: {X-Scope: a}\n"
      "remote_read:\n  - url: http://x/r\n"
      "storage:\n  tsdb: {out_of_order_time_window: 5m}\n");
  EXPECT_EQ(c->rule_files, (std::vector<std::string>{"/etc/p/rules/*.yml", "/abs.yml"}));
  EXPECT_EQ(c->global.external_labels.ToString(), "{dc=\"1\", site=\"x\"}");
  const ScrapeConfig& a = c->scrape_configs[0];
  EXPECT_EQ(a.params.at("m"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(a.body_size_limit, 10u << 20);
  ASSERT_TRUE(a.http_client.authorization);
  EXPECT_EQ(a.http_client.authorization->type, "Bearer");
  EXPECT_EQ(a.http_client.authorization->credentials_file, "/etc/p/tok");
  EXPECT_EQ(a.http_client.tls_config.ca_file, "/etc/p/ca.pem");
  EXPECT_EQ(a.static_configs[0].targets.size(), 2u);
  EXPECT_EQ(a.static_configs[0].labels.ToString(), "{l=\"v\"}");
  EXPECT_EQ(a.file_sd_configs[0].files[0], "/etc/p/sd/*.json");
  EXPECT_EQ(a.file_sd_configs[0].refresh_interval_ms, 300000);
  EXPECT_EQ(a.relabel_configs[0].action(), RelabelAction::kLabelDrop);
  const AlertmanagerConfig& am = c->alerting.alertmanagers[0];
  EXPECT_EQ(am.api_version, "v2");
  EXPECT_EQ(am.timeout_ms, 10000);
  EXPECT_EQ(am.path_prefix, "/am");
  EXPECT_EQ(c->remote_write[0].remote_timeout_ms, 30000);
  EXPECT_EQ(c->remote_write[0].queue_config.max_shards, 200);
  EXPECT_EQ(c->remote_read[0].remote_timeout_ms, 60000);
  EXPECT_EQ(c->storage.out_of_order_time_window_ms, 300000);
}

TEST(ConfigParse, DecodingErrorsReadAsYamlV2) {
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    foo: 1\n"),
            "yaml: unmarshal errors:\n  line 3: field foo not found in type config.ScrapeConfig");
  EXPECT_EQ(Error("foo: 1\n"), "yaml: unmarshal errors:\n  line 1: field foo not found in type config.plain");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    job_name: b\n"),
            "yaml: unmarshal errors:\n  line 3: field job_name already set in type config.ScrapeConfig");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    sample_limit: abc\n"),
            "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into uint");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    honor_labels: 1\n"),
            "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!int `1` into bool");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: [a]\n"),
            "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    static_configs:\n      - labels: {a: b, a: c}\n"),
            "yaml: unmarshal errors:\n  line 4: key \"a\" already set in map");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{role: pod}]\n"),
            "yaml: unmarshal errors:\n  line 3: field kubernetes_sd_configs not found in type config.ScrapeConfig");
  EXPECT_EQ(Error("scrape_configs: [\n").substr(0, 12), "yaml: line 2");
}

TEST(ConfigParse, ValidationErrorsCarryPlace) {
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n"),
            "scrape timeout greater than scrape interval for scrape config with job name \"a\" (line 4, column 21)");
  EXPECT_EQ(Error("global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n"),
            "global scrape timeout greater than scrape interval (line 3, column 19)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n  - job_name: a\n"),
            "found multiple scrape configs with job name \"a\" (line 3, column 5)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    scrape_interval: 5x\n"),
            "not a valid duration string: \"5x\" (line 3, column 22)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    static_configs:\n      - labels: {\"1a\": b}\n"),
            "\"1a\" is not a valid label name (line 4, column 18)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: foo\n"),
            "unknown relabel action \"foo\" (line 4, column 17)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: 'a('\n        target_label: x\n"),
            "error parsing regexp: missing closing ): `^(?:a()$` (line 4, column 9)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n"),
            "relabel configuration for hashmod requires non-zero modulus (line 4, column 9)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      -\n"),
            "empty or null target relabeling rule in scrape config (line 5, column 1)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: \"\"\n"), "job_name is empty (line 2, column 15)");
  EXPECT_EQ(Error("scrape_configs:\n  -\n"), "empty or null scrape config section (line 3, column 1)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['http://a:1']}]\n"),
            "\"http://a:1\" is not a valid hostname (line 3, column 21)");
  EXPECT_EQ(Error("rule_files: ['a/*/b.yml']\n"), "invalid rule file path \"a/*/b.yml\" (line 1, column 13)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    body_size_limit: 10XB\n"),
            "units: unknown unit XB in 10XB (line 3, column 22)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    authorization: {type: basic}\n"),
            "authorization type cannot be set to \"basic\", use \"basic_auth\" instead (line 3, column 20)");
  EXPECT_EQ(Error("scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [a.txt]}]\n"),
            "path name \"a.txt\" is not valid for file discovery (line 3, column 31)");
  EXPECT_EQ(Error("alerting:\n  alertmanagers:\n    - api_version: v3\n"),
            "expected Alertmanager api version to be one of [v1 v2] but got v3 (line 3, column 20)");
  EXPECT_EQ(Error("remote_write:\n  - name: a\n"), "url for remote_write is empty (line 2, column 5)");
  EXPECT_EQ(Error("remote_write:\n  - url: http://x\n    headers: {Host: a}\n"),
            "Host is a reserved header. It must not be changed (line 3, column 14)");
}

TEST(ConfigParse, LoadConfigFileNamesTheFile) {
  Result<std::shared_ptr<const Config>> c = LoadConfigFile("/nonexistent/p.yml");
  EXPECT_FALSE(c.ok());
  std::string dir = ::testing::TempDir();
  std::string path = dir + "/bad_config.yml";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("scrape_configs:\n  - job_name: a\n    foo: 1\n", f);
  std::fclose(f);
  c = LoadConfigFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "parsing YAML file " + path +
                                      ": yaml: unmarshal errors:\n  line 3: field foo not found in type "
                                      "config.ScrapeConfig");
  f = std::fopen(path.c_str(), "w");
  std::fputs("rule_files: [r.yml]\n", f);
  std::fclose(f);
  c = LoadConfigFile(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->source_path, path);
  EXPECT_EQ((*c)->source_text, "rule_files: [r.yml]\n");
  EXPECT_EQ((*c)->rule_files[0], dir + (dir.back() == '/' ? "" : "/") + "r.yml");
}

}  // namespace
}  // namespace pharos::server
