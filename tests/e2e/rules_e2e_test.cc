// Rules and alerting in the real binary: data arrives by remote write,
// alerting rules go pending then firing after `for`, reach a real
// Alertmanager (prometheus-alertmanager on 127.0.0.1:19790-19792) with
// templated annotations and resolve; a restart keeps a firing alert and its
// start; recording rules write queryable series; SIGHUP adds and removes
// groups. Skipped when a binary is missing.
#include <gtest/gtest.h>
#include <signal.h>
#include <snappy.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "server/remote/remote.pb.h"
#include "tests/e2e/eventually.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}


// The string a JSON value holds, or "" when it is not a string.
std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

json::value ParseJson(const std::string& body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  return ec ? json::value() : v;
}

// "2024-01-02T03:04:05.678Z" -> ms since the epoch (UTC).
int64_t ParseRfc3339Ms(std::string_view s) {
  std::tm tm{};
  std::string text(s);
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return -1;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  size_t dot = text.find('.');
  if (dot != std::string::npos) {
    std::string frac;
    for (size_t i = dot + 1; i < text.size() && isdigit(text[i]) && frac.size() < 3; ++i) frac += text[i];
    while (frac.size() < 3) frac += '0';
    ms += std::stoi(frac);
  }
  return ms;
}

class Alertmanager {
 public:
  explicit Alertmanager(uint16_t port) : port_(port) {
    dir_ = fs::temp_directory_path() / ("pharos-rules-am-" + std::to_string(::getpid()) + "-" + std::to_string(port));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "am.yml") << "route:\n  receiver: 'null'\nreceivers:\n- name: 'null'\n";
  }
  ~Alertmanager() {
    if (process_) {
      process_->Signal(SIGTERM).IgnoreError();
      process_->Wait(10s).IgnoreError();
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Status Start() {
    ASSIGN_OR_RETURN(process_, Process::Start(kAlertmanager, {"--config.file=" + (dir_ / "am.yml").string(),
                                                              "--storage.path=" + (dir_ / "data").string(),
                                                              "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                                              "--cluster.listen-address="}));
    if (Eventually([this] {
          auto r = HttpGet("127.0.0.1", port_, "/-/ready", 1s);
          return r.ok() && r->status == 200;
        }, 20s)) {
      return Status::Ok();
    }
    return DeadlineExceededError("alertmanager not ready: " + process_->Stderr());
  }

  // The active (unresolved) alert named `name` in GET /api/v2/alerts, or null.
  json::value Find(const std::string& name) {
    auto r = HttpGet("127.0.0.1", port_, "/api/v2/alerts", 5s);
    if (!r.ok() || r->status != 200) return nullptr;
    json::value v = ParseJson(r->body);
    if (!v.is_array()) return nullptr;
    for (const json::value& a : v.as_array()) {
      const json::object& o = a.as_object();
      if (Str(o.at("labels").as_object().at("alertname")) != name) continue;
      int64_t ends = ParseRfc3339Ms(o.at("endsAt").as_string());
      if (ends > 0 && ends <= NowMs()) continue;  // resolved
      return a;
    }
    return nullptr;
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  uint16_t port_;
  fs::path dir_;
  std::unique_ptr<Process> process_;
};

class RulesE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(PHAROS_BINARY, X_OK) != 0) GTEST_SKIP() << "no pharos binary";
    std::string tmpl = (fs::temp_directory_path() / "pharos-rules-e2e-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    fs::create_directories(dir_ + "/rules");
  }
  void TearDown() override {
    StopPharos(SIGKILL);
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ + "/" + rel) << text; }

  // pharos.yml: 1s evaluation, rules/*.yml, and `alertmanager` if set.
  void WriteConfig(const std::string& alertmanager, const std::string& extra = "") {
    std::string text =
        "global:\n  evaluation_interval: 1s\n  external_labels:\n    cluster: e2e\n"
        "rule_files:\n  - rules/*.yml\n";
    if (!alertmanager.empty()) {
      text += "alerting:\n  alert_relabel_configs:\n    - target_label: relabeled\n      replacement: 'yes'\n"
              "  alertmanagers:\n    - static_configs:\n        - targets: ['" + alertmanager + "']\n";
    }
    Write("pharos.yml", text + extra);
  }

  void StartPharos(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir_ + "/data",
                                     "--config.file=" + dir_ + "/pharos.yml", "--web.enable-remote-write-receiver",
                                     "--web.external-url=http://pharos.example:9090/"};
    args.insert(args.end(), extra.begin(), extra.end());
    Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, args);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pharos_ = std::move(*p);
    Result<uint16_t> port = WaitUntilServing(*pharos_, 30s);
    ASSERT_TRUE(port.ok()) << port.status().ToString() << pharos_->Stderr();
    port_ = *port;
  }

  void StopPharos(int sig = SIGTERM) {
    if (!pharos_) return;
    pharos_->Signal(sig).IgnoreError();
    Result<int> code = pharos_->Wait(30s);
    if (sig == SIGTERM) {
      EXPECT_TRUE(code.ok() && *code == 0) << pharos_->Stderr();
    }
    pharos_.reset();
  }

  // Remote-writes one sample per series now.
  void Push(const std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, double>>& series) {
    prometheus::WriteRequest req;
    const int64_t now = NowMs();
    for (const auto& [labels, value] : series) {
      prometheus::TimeSeries* ts = req.add_timeseries();
      for (const auto& [n, v] : labels) {
        prometheus::Label* l = ts->add_labels();
        l->set_name(n);
        l->set_value(v);
      }
      prometheus::Sample* s = ts->add_samples();
      s->set_value(value);
      s->set_timestamp(now);
    }
    std::string raw = req.SerializeAsString(), body;
    snappy::Compress(raw.data(), raw.size(), &body);
    Result<HttpConnection> conn = HttpConnection::Connect("127.0.0.1", port_);
    ASSERT_TRUE(conn.ok());
    Result<HttpResponse> r = conn->RoundTrip("POST", "/api/v1/write", body,
                                             {{"Content-Type", "application/x-protobuf"},
                                              {"Content-Encoding", "snappy"},
                                              {"X-Prometheus-Remote-Write-Version", "0.1.0"}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 204) << r->body;
  }

  json::value GetJson(const std::string& target) {
    Result<HttpResponse> r = HttpGet("127.0.0.1", port_, target, 5s);
    if (!r.ok() || r->status != 200) return nullptr;
    json::value v = ParseJson(r->body);
    if (!v.is_object() || Str(v.as_object().at("status")) != "success") return nullptr;
    return v.as_object().at("data");
  }
  std::string GetBody(const std::string& target) {
    Result<HttpResponse> r = HttpGet("127.0.0.1", port_, target, 5s);
    return r.ok() ? r->body : "";
  }

  // The alert named `name` in /api/v1/alerts, or null.
  json::value PharosAlert(const std::string& name) {
    json::value d = GetJson("/api/v1/alerts");
    if (!d.is_object()) return nullptr;
    for (const json::value& a : d.as_object().at("alerts").as_array()) {
      if (Str(a.as_object().at("labels").as_object().at("alertname")) == name) return a;
    }
    return nullptr;
  }
  std::string PharosAlertState(const std::string& name) {
    json::value a = PharosAlert(name);
    return a.is_object() ? std::string(a.as_object().at("state").as_string()) : "";
  }

  // Group names of /api/v1/rules<query>.
  std::vector<std::string> GroupNames(const std::string& query = "") {
    std::vector<std::string> out;
    json::value d = GetJson("/api/v1/rules" + query);
    if (!d.is_object()) return {"<error>"};
    for (const json::value& g : d.as_object().at("groups").as_array()) {
      out.emplace_back(g.as_object().at("name").as_string());
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<Process> pharos_;
  uint16_t port_ = 0;
};

constexpr char kAlertRules[] = R"(groups:
  - name: alerts
    rules:
      - alert: ValueHigh
        expr: cond > 0
        for: 10s
        labels:
          severity: page
        annotations:
          summary: "cond is {{ $value }} on {{ $labels.instance }}"
          cluster: "{{ $externalLabels.cluster }}"
  - name: recorded
    rules:
      - record: pharos:one
        expr: vector(1)
        labels:
          source: rule
)";

TEST_F(RulesE2E, AlertFiresAfterForReachesAlertmanagerAndResolves) {
  if (access(kAlertmanager, X_OK) != 0) GTEST_SKIP() << "no " << kAlertmanager;
  Alertmanager am(19790);
  ASSERT_TRUE(am.Start().ok());
  WriteConfig(am.address());
  Write("rules/a.yml", kAlertRules);
  ASSERT_NO_FATAL_FAILURE(StartPharos({"--rules.alert.resend-delay=1s"}));

  ASSERT_NO_FATAL_FAILURE(Push({{{{"__name__", "cond"}, {"instance", "a"}}, 1}}));
  ASSERT_TRUE(Eventually([&] { return PharosAlertState("ValueHigh") == "pending"; }, 10s)) << GetBody("/api/v1/alerts");
  json::value pending = PharosAlert("ValueHigh");
  const int64_t active_at = ParseRfc3339Ms(pending.as_object().at("activeAt").as_string());
  // Pending alerts stay away from Alertmanager.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(PharosAlertState("ValueHigh"), "pending");
  EXPECT_TRUE(am.Find("ValueHigh").is_null());

  ASSERT_TRUE(Eventually([&] { return PharosAlertState("ValueHigh") == "firing"; }, 15s));
  EXPECT_GE(NowMs() - active_at, 10'000 - 200) << "fired before `for` passed";
  ASSERT_TRUE(Eventually([&] { return !am.Find("ValueHigh").is_null(); }, 10s));
  json::object got = am.Find("ValueHigh").as_object();
  const json::object& labels = got.at("labels").as_object();
  EXPECT_EQ(Str(labels.at("severity")), "page");
  EXPECT_EQ(Str(labels.at("instance")), "a");
  EXPECT_EQ(Str(labels.at("cluster")), "e2e");       // external label
  EXPECT_EQ(Str(labels.at("relabeled")), "yes");     // alert_relabel_configs
  EXPECT_EQ(Str(got.at("annotations").as_object().at("summary")), "cond is 1 on a");
  EXPECT_EQ(Str(got.at("annotations").as_object().at("cluster")), "e2e");
  EXPECT_EQ(std::string(got.at("generatorURL").as_string()).rfind("http://pharos.example:9090/graph?g0.expr=", 0), 0u)
      << got.at("generatorURL");
  // startsAt is when the alert fired, as Prometheus sends it.
  EXPECT_GE(ParseRfc3339Ms(got.at("startsAt").as_string()), active_at + 10'000);
  EXPECT_LT(ParseRfc3339Ms(got.at("startsAt").as_string()), active_at + 12'000);

  // The recording rule's series, with its label.
  json::value q = GetJson("/api/v1/query?query=pharos:one");
  ASSERT_TRUE(q.is_object());
  ASSERT_EQ(q.as_object().at("result").as_array().size(), 1u) << json::serialize(q);
  EXPECT_EQ(Str(q.as_object().at("result").as_array()[0].as_object().at("metric").as_object().at("source")), "rule");
  EXPECT_EQ(Str(q.as_object().at("result").as_array()[0].as_object().at("value").as_array()[1]), "1");

  // The API views.
  std::string rules = GetBody("/api/v1/rules");
  EXPECT_NE(rules.find(R"("state":"firing","name":"ValueHigh","query":"cond \u003e 0","duration":10,"keepFiringFor":0,)"),
            std::string::npos)
      << rules;
  EXPECT_NE(rules.find(R"x("name":"pharos:one","query":"vector(1)","labels":{"source":"rule"},"health":"ok",)x"),
            std::string::npos)
      << rules;
  EXPECT_EQ(GroupNames("?type=record"), (std::vector<std::string>{"alerts", "recorded"}));
  EXPECT_EQ(GroupNames("?rule_name[]=pharos:one"), (std::vector<std::string>{"recorded"}));
  EXPECT_EQ(GroupNames("?rule_group[]=alerts&file[]=" + dir_ + "/rules/a.yml"), (std::vector<std::string>{"alerts"}));
  EXPECT_EQ(GetBody("/api/v1/rules?exclude_alerts=true").find("\"activeAt\""), std::string::npos);
  EXPECT_EQ(GetBody("/api/v1/alertmanagers"),
            R"({"status":"success","data":{"activeAlertmanagers":[{"url":"http://)" + am.address() +
                R"(/api/v2/alerts"}],"droppedAlertmanagers":[]}})");
  std::string metrics = GetBody("/metrics");
  EXPECT_NE(metrics.find("pharos_rule_group_iterations_total{rule_group=\"" + dir_ + "/rules/a.yml;alerts\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("pharos_notifications_sent_total{alertmanager=\"http://" + am.address() + "/api/v2/alerts\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("pharos_notifications_queue_capacity 10000"), std::string::npos);
  EXPECT_NE(metrics.find("pharos_notifications_alertmanagers_discovered 1"), std::string::npos);

  // The condition clears: the alert resolves in Pharos and Alertmanager.
  ASSERT_NO_FATAL_FAILURE(Push({{{{"__name__", "cond"}, {"instance", "a"}}, 0}}));
  EXPECT_TRUE(Eventually([&] { return PharosAlert("ValueHigh").is_null(); }, 10s));
  EXPECT_TRUE(Eventually([&] { return am.Find("ValueHigh").is_null(); }, 10s));
  std::string state = GetBody("/api/v1/query?query=ALERTS");
  EXPECT_NE(state.find(R"("result":[])"), std::string::npos) << state;
  StopPharos();
}

TEST_F(RulesE2E, RestartKeepsFiringAlertAndItsStart) {
  if (access(kAlertmanager, X_OK) != 0) GTEST_SKIP() << "no " << kAlertmanager;
  Alertmanager am(19791);
  ASSERT_TRUE(am.Start().ok());
  WriteConfig(am.address());
  Write("rules/a.yml", R"(groups:
  - name: alerts
    rules:
      - alert: Stuck
        expr: cond > 0
        for: 6s
        annotations:
          summary: "{{ $labels.instance }}"
)");
  // A grace period below `for` lets the restart restore the alert's start.
  const std::vector<std::string> flags = {"--rules.alert.resend-delay=1s", "--rules.alert.for-grace-period=1s"};
  ASSERT_NO_FATAL_FAILURE(StartPharos(flags));
  ASSERT_NO_FATAL_FAILURE(Push({{{{"__name__", "cond"}, {"instance", "b"}}, 1}}));
  ASSERT_TRUE(Eventually([&] { return PharosAlertState("Stuck") == "firing"; }, 15s));
  const int64_t active_at = ParseRfc3339Ms(PharosAlert("Stuck").as_object().at("activeAt").as_string());
  ASSERT_TRUE(Eventually([&] { return !am.Find("Stuck").is_null(); }, 10s));
  const std::string starts_at(am.Find("Stuck").as_object().at("startsAt").as_string());

  StopPharos();
  ASSERT_NO_FATAL_FAILURE(StartPharos(flags));
  const auto restarted = std::chrono::steady_clock::now();
  // Firing again well before a fresh alert could (6s): its state came back.
  ASSERT_TRUE(Eventually([&] { return PharosAlertState("Stuck") == "firing"; }, 4s)) << GetBody("/api/v1/alerts");
  EXPECT_LT(std::chrono::steady_clock::now() - restarted, 5s);
  // ALERTS_FOR_STATE keeps whole seconds, as in Prometheus.
  const int64_t restored = ParseRfc3339Ms(PharosAlert("Stuck").as_object().at("activeAt").as_string());
  EXPECT_EQ(restored, active_at / 1000 * 1000);
  std::this_thread::sleep_for(2s);
  json::value after = am.Find("Stuck");
  ASSERT_TRUE(after.is_object());
  EXPECT_EQ(Str(after.as_object().at("startsAt")), starts_at);
  StopPharos();
}

TEST_F(RulesE2E, ReloadAddsAndRemovesGroupsAndAlertmanagers) {
  WriteConfig("127.0.0.1:19792");
  Write("rules/a.yml", "groups:\n  - name: ga\n    rules:\n      - record: a:one\n        expr: vector(1)\n");
  ASSERT_NO_FATAL_FAILURE(StartPharos());
  ASSERT_TRUE(Eventually([&] { return GroupNames() == std::vector<std::string>{"ga"}; }, 5s));

  Write("rules/b.yml", "groups:\n  - name: gb\n    rules:\n      - record: b:two\n        expr: vector(2)\n");
  WriteConfig("127.0.0.1:19793");
  ASSERT_TRUE(pharos_->Signal(SIGHUP).ok());
  ASSERT_TRUE(Eventually([&] { return GroupNames() == std::vector<std::string>{"ga", "gb"}; }, 5s)) << GetBody("/api/v1/rules");
  EXPECT_NE(GetBody("/api/v1/alertmanagers").find("http://127.0.0.1:19793/api/v2/alerts"), std::string::npos);
  ASSERT_TRUE(Eventually([&] {
    json::value q = GetJson("/api/v1/query?query=b:two");
    return q.is_object() && q.as_object().at("result").as_array().size() == 1;
  }, 5s));

  fs::remove(dir_ + "/rules/a.yml");
  ASSERT_TRUE(pharos_->Signal(SIGHUP).ok());
  ASSERT_TRUE(Eventually([&] { return GroupNames() == std::vector<std::string>{"gb"}; }, 5s)) << GetBody("/api/v1/rules");
  // The removed group's series went stale.
  ASSERT_TRUE(Eventually([&] {
    json::value q = GetJson("/api/v1/query?query=a:one");
    return q.is_object() && q.as_object().at("result").as_array().empty();
  }, 5s));

  // A broken rule file rejects the reload and keeps the running groups.
  Write("rules/c.yml", "groups:\n  - name: gc\n    rules:\n      - record: c\n        expr: sum(\n");
  ASSERT_TRUE(pharos_->Signal(SIGHUP).ok());
  ASSERT_TRUE(pharos_->WaitForStderr("msg=\"Error reloading config\"", 10s).ok()) << pharos_->Stderr();
  EXPECT_EQ(GroupNames(), std::vector<std::string>{"gb"});
  StopPharos();
}

}  // namespace
}  // namespace pharos::e2e
