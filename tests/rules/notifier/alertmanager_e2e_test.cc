// The notifier against a real Alertmanager (prometheus-alertmanager on
// 127.0.0.1:19490-19492), skipped when the binary is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rules/notifier/notifier.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"

namespace pharos::rules::notifier {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

class RealAlertmanager {
 public:
  fs::path dir() const { return dir_; }
  // Serves https with cert.pem/key.pem from dir() (must exist before Start).
  void EnableTls() {
    tls_ = true;
    std::ofstream(dir_ / "web.yml") << "tls_server_config:\n  cert_file: " << (dir_ / "cert.pem").string()
                                    << "\n  key_file: " << (dir_ / "key.pem").string() << "\n";
  }

  explicit RealAlertmanager(uint16_t port) : port_(port) {
    dir_ = fs::temp_directory_path() / ("pharos-am-" + std::to_string(::getpid()) + "-" + std::to_string(port));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "am.yml") << "route:\n  receiver: 'null'\nreceivers:\n- name: 'null'\n";
  }
  ~RealAlertmanager() {
    Stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Status Start() {
    std::vector<std::string> args = {"--config.file=" + (dir_ / "am.yml").string(),
                                     "--storage.path=" + (dir_ / "data").string(),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--cluster.listen-address="};
    if (tls_) args.push_back("--web.config.file=" + (dir_ / "web.yml").string());
    ASSIGN_OR_RETURN(process_, e2e::Process::Start(kAlertmanager, args));
    if (tls_) {
      ASSIGN_OR_RETURN(std::string line, process_->WaitForStderr("TLS is enabled", 10s));
      (void)line;
      return Status::Ok();
    }
    for (int i = 0; i < 200; ++i) {
      auto r = e2e::HttpGet("127.0.0.1", port_, "/-/ready", 1s);
      if (r.ok() && r->status == 200) return Status::Ok();
      std::this_thread::sleep_for(50ms);
    }
    return DeadlineExceededError("alertmanager not ready: " + process_->Stderr());
  }

  void Stop() {
    if (!process_) return;
    process_->Signal(SIGTERM).IgnoreError();
    process_->Wait(10s).IgnoreError();
    process_.reset();
  }

  // GET /api/v2/alerts, parsed.
  Result<boost::json::array> Alerts() {
    ASSIGN_OR_RETURN(e2e::HttpResponse r, e2e::HttpGet("127.0.0.1", port_, "/api/v2/alerts", 5s));
    if (r.status != 200) return UnavailableError("status " + std::to_string(r.status));
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    if (ec || !v.is_array()) return InternalError("bad json: " + r.body);
    return v.as_array();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  uint16_t port_;
  bool tls_ = false;
  fs::path dir_;
  std::unique_ptr<e2e::Process> process_;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Alert MakeAlert(const std::string& name, int64_t now) {
  Alert a;
  a.labels = tsdb::Labels{{"alertname", name}, {"severity", "page"}};
  a.annotations = tsdb::Labels{{"summary", "latency <high> & rising"}, {"value", "1.234k"}};
  a.starts_at_ms = now - 60000;
  a.ends_at_ms = now + 3600000;
  a.generator_url = "http://pharos.example:9090/graph?g0.expr=up&g0.tab=1";
  return a;
}

// The alert named `name` from GET /api/v2/alerts, or null.
const boost::json::object* Find(const boost::json::array& alerts, const std::string& name) {
  for (const auto& v : alerts) {
    const auto& o = v.as_object();
    if (o.at("labels").as_object().at("alertname").as_string() == name) return &o;
  }
  return nullptr;
}

Result<boost::json::array> WaitForAlert(RealAlertmanager& am, const std::string& name, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto alerts = am.Alerts();
    if (alerts.ok() && Find(*alerts, name) != nullptr) return alerts;
    std::this_thread::sleep_for(100ms);
  }
  return DeadlineExceededError("alert " + name + " not in alertmanager");
}

TEST(NotifierAlertmanager, AlertsArriveWithLabelsAnnotationsAndTimes) {
  if (!fs::exists(kAlertmanager)) GTEST_SKIP() << kAlertmanager << " not installed";
  RealAlertmanager am(19490);
  ASSERT_TRUE(am.Start().ok());
  NotifierOptions opts;
  opts.external_labels = tsdb::Labels{{"cluster", "eu1"}};
  Notifier n(opts);
  n.SetAlertmanagers({AlertmanagerConfig{.addresses = {am.address()}}});
  const int64_t now = NowMs();
  n.Send({MakeAlert("PharosE2E", now)});
  auto alerts = WaitForAlert(am, "PharosE2E", 10s);
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  const boost::json::object& a = *Find(*alerts, "PharosE2E");
  const auto& labels = a.at("labels").as_object();
  EXPECT_EQ(labels.at("severity").as_string(), "page");
  EXPECT_EQ(labels.at("cluster").as_string(), "eu1");
  EXPECT_EQ(labels.size(), 3u);
  const auto& ann = a.at("annotations").as_object();
  EXPECT_EQ(ann.at("summary").as_string(), "latency <high> & rising");
  EXPECT_EQ(ann.at("value").as_string(), "1.234k");
  EXPECT_EQ(a.at("startsAt").as_string(), FormatRfc3339Millis(now - 60000));
  EXPECT_EQ(a.at("endsAt").as_string(), FormatRfc3339Millis(now + 3600000));
  EXPECT_EQ(a.at("generatorURL").as_string(), "http://pharos.example:9090/graph?g0.expr=up&g0.tab=1");
  EXPECT_EQ(a.at("status").as_object().at("state").as_string(), "active");
  EXPECT_EQ(n.Stats().errors, 0u);
}

TEST(NotifierAlertmanager, QueuedAlertsArriveAfterAlertmanagerReturns) {
  if (!fs::exists(kAlertmanager)) GTEST_SKIP() << kAlertmanager << " not installed";
  RealAlertmanager am(19491);
  Notifier n(NotifierOptions{});
  n.SetAlertmanagers({AlertmanagerConfig{.addresses = {am.address()}, .timeout = 1000ms}});
  const int64_t now = NowMs();
  n.Send({MakeAlert("WhileDown1", now), MakeAlert("WhileDown2", now)});
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (n.Stats().errors == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_GE(n.Stats().errors, 1u);
  EXPECT_EQ(n.Stats().queue_length, 2u);

  ASSERT_TRUE(am.Start().ok());
  auto alerts = WaitForAlert(am, "WhileDown2", 15s);
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  EXPECT_NE(Find(*alerts, "WhileDown1"), nullptr);
  EXPECT_EQ(n.Stats().queue_length, 0u);
  EXPECT_EQ(n.Stats().sent, 2u);
}

TEST(NotifierAlertmanager, Https) {
  if (!fs::exists(kAlertmanager)) GTEST_SKIP() << kAlertmanager << " not installed";
  if (!fs::exists("/usr/bin/openssl")) GTEST_SKIP() << "openssl not installed";
  RealAlertmanager am(19492);
  const fs::path dir = am.dir();
  auto gen = e2e::Process::Start(
      "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", (dir / "key.pem").string(),
                           "-out", (dir / "cert.pem").string(), "-days", "2", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_TRUE(gen.ok());
  auto code = (*gen)->Wait(30s);
  ASSERT_TRUE(code.ok() && *code == 0) << (*gen)->Stderr();
  am.EnableTls();
  ASSERT_TRUE(am.Start().ok());

  AlertmanagerConfig trusted{.scheme = "https", .addresses = {am.address()}, .timeout = 5000ms};
  trusted.tls.ca_file = (dir / "cert.pem").string();
  Notifier good(NotifierOptions{});
  good.SetAlertmanagers({trusted});
  good.Send({MakeAlert("OverTls", NowMs())});

  // Without the CA the certificate does not verify.
  AlertmanagerConfig untrusted{.scheme = "https", .addresses = {am.address()}, .timeout = 5000ms};
  Notifier bad(NotifierOptions{});
  bad.SetAlertmanagers({untrusted});
  bad.Send({MakeAlert("Untrusted", NowMs())});

  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while ((good.Stats().sent == 0 || bad.Stats().errors == 0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(good.Stats().sent, 1u);
  EXPECT_EQ(good.Stats().errors, 0u);
  EXPECT_GE(bad.Stats().errors, 1u);
  EXPECT_EQ(bad.Stats().sent, 0u);
  EXPECT_EQ(good.AlertmanagerUrls(), std::vector<std::string>{"https://" + am.address() + "/api/v2/alerts"});
}

}  // namespace
}  // namespace pharos::rules::notifier
