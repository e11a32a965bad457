// End-to-end tests of /metrics, /federate, remote read and the admin API:
// the real pharos binary on 127.0.0.1 over a database prepared beforehand.
#include <gtest/gtest.h>
#include <signal.h>
#include <snappy.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "server/remote/remote.pb.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"
#include "tests/e2e/suite_server.h"
#include "tsdb/db.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

int64_t& NowMsAtStart() {
  static int64_t now = 0;
  return now;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The sample value of series `i` at `t`: its step number plus 100 i.
double Value(int64_t t, int i) {
  return static_cast<double>((t - (NowMsAtStart() - 600000)) / 15000 + 100 * i);
}

class TelemetryE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SuiteServer("pharos-telemetry-e2e");
    dir_ = &server_->dir();
    // Two series, a sample every 15 s over the last 10 minutes.
    now_ = NowMs() / 1000 * 1000;
    NowMsAtStart() = now_;
    {
      tsdb::DbOptions o;
      o.path = *dir_ + "/data";
      o.background = false;
      auto db = tsdb::Db::Open(o);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      auto app = (*db)->NewAppender();
      for (int i = 0; i < 2; ++i) {
        tsdb::Labels l{{"__name__", "e2e_metric"}, {"series", std::to_string(i)}};
        for (int64_t t = now_ - 600000; t <= now_; t += 15000) {
          ASSERT_TRUE(app->Append(0, l, t, Value(t, i)).ok());
        }
      }
      ASSERT_TRUE(app->Commit().ok());
      ASSERT_TRUE((*db)->Close().ok());
    }
    {
      FILE* f = std::fopen((*dir_ + "/pharos.yml").c_str(), "w");
      ASSERT_NE(f, nullptr);
      std::fputs("global:\n  external_labels:\n    region: eu\n", f);
      std::fclose(f);
    }
    Status st = server_->Start(PHAROS_BINARY, {"--config.file=" + *dir_ + "/pharos.yml",
                                               "--storage.tsdb.path=" + *dir_ + "/data",
                                               "--web.enable-admin-api"});
    ASSERT_TRUE(st.ok()) << st.ToString();
    port_ = server_->port();
  }
  static void TearDownTestSuite() {
    Result<int> code = server_->Stop();
    EXPECT_TRUE(code.ok() && *code == 0);
    delete server_;
  }

  static HttpResponse Send(const std::string& method, const std::string& target,
                           const std::string& body = "") {
    auto conn = HttpConnection::Connect("127.0.0.1", port_);
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    auto res = conn->RoundTrip(method, target, body, {}, 20s);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : HttpResponse{};
  }

  static inline SuiteServer* server_ = nullptr;
  static inline const std::string* dir_ = nullptr;  // server_->dir()
  static inline uint16_t port_ = 0;
  static inline int64_t now_ = 0;
};

TEST_F(TelemetryE2e, MetricsPassPromtoolCheck) {
  Send("GET", "/api/v1/query?query=up");  // a request to count
  HttpResponse res = Send("GET", "/metrics");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* want :
       {"pharos_build_info{branch=", "pharos_http_requests_total{code=\"200\",handler=\"/api/v1/query\"}",
        "pharos_http_request_duration_seconds_bucket{handler=\"/api/v1/query\",le=\"+Inf\"}",
        "\npharos_tsdb_head_series 2\n", "\nprocess_resident_memory_bytes ",
        "\npharos_tsdb_out_of_order_samples_total 0\n",
        "\npharos_remote_write_requests_total 0\n",
        "\npharos_config_last_reload_successful 1\n"}) {
    EXPECT_NE(res.body.find(want), std::string::npos) << want;
  }
  std::string path = *dir_ + "/metrics.txt";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fwrite(res.body.data(), 1, res.body.size(), f);
  std::fclose(f);
  std::string cmd = "timeout 30 /usr/bin/promtool check metrics < " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  EXPECT_EQ(WEXITSTATUS(rc), 0) << out;
  EXPECT_EQ(out, "");
}

TEST_F(TelemetryE2e, Federate) {
  HttpResponse res = Send("GET", "/federate?match[]=e2e_metric");
  ASSERT_EQ(res.status, 200);
  std::string t = std::to_string(now_);
  EXPECT_EQ(res.body, "# TYPE e2e_metric untyped\n"
                      "e2e_metric{series=\"0\",instance=\"\",region=\"eu\"} 40 " + t + "\n"
                      "e2e_metric{series=\"1\",instance=\"\",region=\"eu\"} 140 " + t + "\n");
}

TEST_F(TelemetryE2e, RemoteReadRoundTrip) {
  prometheus::ReadRequest req;
  prometheus::Query* q = req.add_queries();
  q->set_start_timestamp_ms(now_ - 600000);
  q->set_end_timestamp_ms(now_);
  prometheus::LabelMatcher* m = q->add_matchers();
  m->set_type(prometheus::LabelMatcher::EQ);
  m->set_name("__name__");
  m->set_value("e2e_metric");
  req.add_accepted_response_types(prometheus::ReadRequest::SAMPLES);
  std::string raw = req.SerializeAsString(), body;
  snappy::Compress(raw.data(), raw.size(), &body);
  HttpResponse res = Send("POST", "/api/v1/read", body);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Header("Content-Encoding"), "snappy");
  std::string out;
  ASSERT_TRUE(snappy::Uncompress(res.body.data(), res.body.size(), &out));
  prometheus::ReadResponse resp;
  ASSERT_TRUE(resp.ParseFromString(out));
  ASSERT_EQ(resp.results_size(), 1);
  ASSERT_EQ(resp.results(0).timeseries_size(), 2);
  for (int i = 0; i < 2; ++i) {
    const auto& ts = resp.results(0).timeseries(i);
    ASSERT_EQ(ts.labels_size(), 3);  // the external label merged in
    EXPECT_EQ(ts.labels(1).name(), "region");
    ASSERT_EQ(ts.samples_size(), 41);
    for (int j = 0; j < 41; ++j) {
      int64_t t = now_ - 600000 + j * 15000;
      EXPECT_EQ(ts.samples(j).timestamp(), t);
      EXPECT_EQ(ts.samples(j).value(), Value(t, i));
    }
  }
  HttpResponse bad = Send("POST", "/api/v1/read", "garbage");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(TelemetryE2e, AdminApi) {
  HttpResponse snap = Send("POST", "/api/v1/admin/tsdb/snapshot");
  ASSERT_EQ(snap.status, 200) << snap.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(snap.body, m,
                               std::regex(R"re(\{"status":"success","data":\{"name":"(\d{8}T\d{6}Z-[0-9a-f]{16})"\}\})re")))
      << snap.body;
  EXPECT_TRUE(std::filesystem::is_directory(*dir_ + "/data/snapshots/" + m[1].str()));

  HttpResponse del = Send("PUT", "/api/v1/admin/tsdb/delete_series?match[]=e2e_metric{series=\"1\"}");
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(Send("POST", "/api/v1/admin/tsdb/clean_tombstones").status, 204);
  HttpResponse fed = Send("GET", "/federate?match[]=e2e_metric");
  EXPECT_EQ(fed.body.find("series=\"1\""), std::string::npos) << fed.body;
  EXPECT_NE(fed.body.find("series=\"0\""), std::string::npos) << fed.body;
}

}  // namespace
}  // namespace pharos::e2e
