// The server's alerting glue: the external URL, Alertmanager resolution
// from the config (static, file_sd, relabeling, credentials).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/alerting/alertmanager_discovery.h"
#include "server/alerting/external_url.h"

namespace pharos::server {
namespace {

namespace fs = std::filesystem;

TEST(ExternalUrl, DerivedFromHostnameAndPort) {
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
  Result<std::string> u = ExternalUrl("", "0.0.0.0:9090");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, std::string("http://") + host + ":9090");
}

TEST(ExternalUrl, TrailingSlashesGoAndBadUrlsFail) {
  EXPECT_EQ(*ExternalUrl("http://a.example:9090/", "x:1"), "http://a.example:9090");
  EXPECT_EQ(*ExternalUrl("https://a.example/prom//", "x:1"), "https://a.example/prom");
  EXPECT_EQ(*ExternalUrl("http://a.example", "x:1"), "http://a.example");
  EXPECT_EQ(ExternalUrl("\"http://a/\"", "x:1").status().message(),
            "URL must not begin or end with quotes");
  EXPECT_FALSE(ExternalUrl("a.example:9090", "x:1").ok());
  EXPECT_FALSE(ExternalUrl("ftp://a", "x:1").ok());
}

TEST(AlertsPath, JoinsLikeGo) {
  EXPECT_EQ(AlertsPath(""), "/api/v2/alerts");
  EXPECT_EQ(AlertsPath("/"), "/api/v2/alerts");
  EXPECT_EQ(AlertsPath("am"), "/am/api/v2/alerts");
  EXPECT_EQ(AlertsPath("/am//x/"), "/am/x/api/v2/alerts");
}

class AlertmanagerDiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pharos-am-disc-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<const Config> Parse(const std::string& text) {
    Result<std::shared_ptr<const Config>> c = ParseConfig(text, dir_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : std::make_shared<const Config>();
  }

  std::string dir_;
};

TEST_F(AlertmanagerDiscoveryTest, StaticTargetsRelabeledWithCredentials) {
  std::ofstream(dir_ + "/token") << "s3cret\n";
  auto cfg = Parse(R"(
alerting:
  alertmanagers:
    - scheme: https
      path_prefix: /am/
      timeout: 3s
      authorization:
        credentials_file: token
      tls_config:
        insecure_skip_verify: true
      static_configs:
        - targets: ['a:9093', 'b:9093']
          labels: {zone: x}
      relabel_configs:
        - source_labels: [__address__]
          regex: 'b:.*'
          action: drop
    - basic_auth: {username: u, password: p}
      static_configs:
        - targets: ['c:9093']
)");
  AlertmanagerDiscovery d;
  d.ApplyConfig(*cfg);
  AlertmanagerSet set = d.Resolve();
  EXPECT_TRUE(set.errors.empty());
  EXPECT_EQ(set.active_urls,
            (std::vector<std::string>{"https://a:9093/am/api/v2/alerts", "http://c:9093/api/v2/alerts"}));
  EXPECT_EQ(set.dropped_urls, (std::vector<std::string>{"https://b:9093/am/api/v2/alerts"}));
  ASSERT_EQ(set.configs.size(), 2u);
  const auto& a = set.configs[0];
  EXPECT_EQ(a.scheme, "https");
  EXPECT_EQ(a.addresses, (std::vector<std::string>{"a:9093"}));
  EXPECT_EQ(a.path_prefix, "/am");
  EXPECT_EQ(a.timeout.count(), 3000);
  EXPECT_EQ(a.authorization_type, "Bearer");
  EXPECT_EQ(a.authorization_credentials, "s3cret");
  EXPECT_TRUE(a.tls.insecure_skip_verify);
  const auto& c = set.configs[1];
  EXPECT_EQ(c.basic_auth_username, "u");
  EXPECT_EQ(c.basic_auth_password, "p");
  EXPECT_EQ(c.path_prefix, "");
}

TEST_F(AlertmanagerDiscoveryTest, FileSdTargetsAndRewrittenAddress) {
  std::ofstream(dir_ + "/am.json") << R"([{"targets": ["d:9093"], "labels": {"port": "9094"}}])";
  auto cfg = Parse(R"(
alerting:
  alertmanagers:
    - file_sd_configs:
        - files: ['am.json']
      relabel_configs:
        - source_labels: [__address__, port]
          regex: '([^:]+):\d+;(\d+)'
          replacement: '$1:$2'
          target_label: __address__
)");
  AlertmanagerDiscovery d;
  d.ApplyConfig(*cfg);
  std::vector<std::string> errors;
  EXPECT_TRUE(d.Refresh(1000, true, &errors));
  EXPECT_TRUE(errors.empty());
  AlertmanagerSet set = d.Resolve();
  EXPECT_EQ(set.active_urls, (std::vector<std::string>{"http://d:9094/api/v2/alerts"}));
  ASSERT_EQ(set.configs.size(), 1u);
  EXPECT_EQ(set.configs[0].addresses, (std::vector<std::string>{"d:9094"}));
}

TEST_F(AlertmanagerDiscoveryTest, UnreadableSecretSkipsTheEntry) {
  auto cfg = Parse(R"(
alerting:
  alertmanagers:
    - basic_auth: {username: u, password_file: missing}
      static_configs:
        - targets: ['a:9093']
)");
  AlertmanagerDiscovery d;
  d.ApplyConfig(*cfg);
  AlertmanagerSet set = d.Resolve();
  EXPECT_TRUE(set.configs.empty());
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_NE(set.errors[0].find("missing"), std::string::npos) << set.errors[0];
}

}  // namespace
}  // namespace pharos::server
