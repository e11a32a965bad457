// End-to-end tests of the /api/v1 query API: the real pharos binary on
// 127.0.0.1, asked the way Grafana and promtool ask.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"
#include "tests/e2e/suite_server.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

const char kForm[] = "application/x-www-form-urlencoded";

class ApiE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SuiteServer("pharos-api-e2e");
    Status st = server_->Start(PHAROS_BINARY, {"--storage.tsdb.path=" + server_->dir() + "/data",
                                               "--query.max-concurrency=2"});
    ASSERT_TRUE(st.ok()) << st.ToString();
    port_ = server_->port();
  }
  static void TearDownTestSuite() {
    Result<int> code = server_->Stop();
    EXPECT_TRUE(code.ok() && *code == 0);
    delete server_;
  }

  static HttpResponse Send(const std::string& method, const std::string& target,
                           const std::string& body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto conn = HttpConnection::Connect("127.0.0.1", port_);
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    if (!body.empty() && headers.empty()) headers.emplace_back("Content-Type", kForm);
    auto res = conn->RoundTrip(method, target, body, headers, 20s);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : HttpResponse{};
  }
  static HttpResponse Get(const std::string& target) { return Send("GET", target); }
  static HttpResponse Post(const std::string& target, const std::string& body) {
    return Send("POST", target, body);
  }

  // Runs promtool with `args`; returns its exit code and stdout.
  static std::pair<int, std::string> Promtool(const std::string& args) {
    std::string cmd = "timeout 30 /usr/bin/promtool " + args + " 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
    int rc = pclose(f);
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
  }
  static std::string Url() { return "http://127.0.0.1:" + std::to_string(port_); }

  static inline SuiteServer* server_ = nullptr;
  static inline uint16_t port_ = 0;
};

TEST_F(ApiE2e, GrafanaInstantQueryPost) {
  HttpResponse res = Post("/api/v1/query", "query=1%2B1&time=4");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  EXPECT_EQ(res.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
}

TEST_F(ApiE2e, GrafanaRangeQueryPost) {
  HttpResponse res = Post("/api/v1/query_range", "query=vector(1)&start=0&end=10&step=5");
  EXPECT_EQ(res.body, R"({"status":"success","data":{"resultType":"matrix","result":[)"
                      R"({"metric":{},"values":[[0,"1"],[5,"1"],[10,"1"]]}]}})");
}

TEST_F(ApiE2e, GetQueryVariants) {
  EXPECT_EQ(Get("/api/v1/query?query=vector(0.1%2B0.2)&time=-1.5").body,
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{},"value":[-1.500,"0.30000000000000004"]}]}})");
  EXPECT_EQ(Get("/api/v1/query?query=%22abc%22&time=2015-07-01T20:10:51.781Z").body,
            R"({"status":"success","data":{"resultType":"string","result":[1435781451.781,"abc"]}})");
  HttpResponse stats = Get("/api/v1/query?query=time()&stats=all");
  EXPECT_NE(stats.body.find(R"("stats":{"timings":)"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/format_query?query=sum(x)by(a)").body,
            R"j({"status":"success","data":"sum by (a) (x)"})j");
}

TEST_F(ApiE2e, BadParameters) {
  struct Case {
    std::string target;
    int status;
    std::string error;
  };
  std::vector<Case> cases = {
      {"/api/v1/query?query=up&time=abc", 400,
       R"(invalid parameter \"time\": Invalid time value for 'time': cannot parse \"abc\" to a valid timestamp)"},
      {"/api/v1/query?query=up)", 400,
       R"(invalid parameter \"query\": 1:4: parse error: unexpected right parenthesis ')')"},
      {"/api/v1/query?query=", 400,
       R"(invalid parameter \"query\": 1:1: parse error: no expression found in input)"},
      {"/api/v1/query?query=up&timeout=xx", 400,
       R"(invalid parameter \"timeout\": cannot parse \"xx\" to a valid duration)"},
      {"/api/v1/query_range?query=up&start=10&end=0&step=1", 400,
       R"(invalid parameter \"end\": end timestamp must not be before start time)"},
      {"/api/v1/query_range?query=up&start=0&end=10&step=-1", 400,
       R"(invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer)"},
      {"/api/v1/query_range?query=up&start=0&end=100000&step=1", 400,
       "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
       "resolution (?step=XX)"},
      {"/api/v1/series", 400, "no match[] parameter provided"},
      {"/api/v1/series?match[]=%7Bx=%22%22%7D", 400,
       R"(invalid parameter \"match[]\": match[] must contain at least one non-empty matcher)"},
      {"/api/v1/labels?match[]=)", 400, "1:2: parse error: unexpected right parenthesis ')'"},
      {"/api/v1/label/1x/values", 400, R"(invalid label name: \"1x\")"},
      {"/api/v1/query?query=vector(1)%2Bon()%20(label_replace(vector(1),%22a%22,%22b%22,%22%22,"
       "%22%22)%20or%20label_replace(vector(1),%22a%22,%22c%22,%22%22,%22%22))&time=1",
       422,
       R"(found duplicate series for the match group {} on the right hand-side of the operation: [{a=\"c\"}, {a=\"b\"}];many-to-many matching not allowed: matching labels must be unique on one side)"},
      {"/api/v1/query?query=1&timeout=-1", 503, "query timed out in query queue"},
  };
  for (const Case& c : cases) {
    HttpResponse res = Get(c.target);
    EXPECT_EQ(res.status, c.status) << c.target;
    EXPECT_NE(res.body.find(R"("error":")" + c.error + "\""), std::string::npos)
        << c.target << "\n"
        << res.body;
  }
}

TEST_F(ApiE2e, MethodsAndBodies) {
  EXPECT_EQ(Send("DELETE", "/api/v1/query").status, 405);
  EXPECT_EQ(Send("PUT", "/api/v1/labels").status, 405);
  EXPECT_EQ(Send("OPTIONS", "/api/v1/query").status, 204);
  EXPECT_EQ(Get("/api/v1/nope").status, 404);
  // Form values win over the URL's, as in Go's FormValue.
  EXPECT_EQ(Post("/api/v1/query?query=1&time=4", "query=2&time=5").body,
            R"({"status":"success","data":{"resultType":"scalar","result":[5,"2"]}})");
  // A huge query is a parse error, not a crash.
  std::string huge = "query=" + std::string(2 << 20, '(');
  HttpResponse res = Post("/api/v1/query", huge);
  EXPECT_EQ(res.status, 400);
  // A body over the limit is refused before it is read.
  auto conn = HttpConnection::Connect("127.0.0.1", port_);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->Send("POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         "application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\n\r\n")
                  .ok());
  auto big = conn->ReadResponse(false);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Get("/-/healthy").status, 200);
}

TEST_F(ApiE2e, GzipWhenAccepted) {
  HttpResponse res = Send("GET", "/api/v1/query?query=1&time=1", "",
                          {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Content-Encoding"), "gzip");
  ASSERT_GE(res.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(res.body[0]), 0x1f);
  EXPECT_EQ(Get("/api/v1/query?query=1&time=1").Header("Content-Encoding"), "");
}

TEST_F(ApiE2e, GrafanaMetadataShapes) {
  EXPECT_EQ(Get("/api/v1/label/__name__/values?limit=40000&start=1700000000&end=1700003600").body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(Get("/api/v1/metadata?limit=40000").body, R"({"status":"success","data":{}})");
  EXPECT_EQ(Post("/api/v1/labels", "match[]=up&start=1700000000&end=1700003600").body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(Post("/api/v1/series", "match[]=up&start=1700000000&end=1700003600").body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(Post("/api/v1/query_exemplars", "query=up&start=1700000000000&end=1700003600000").body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(Get("/api/v1/rules").body, R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(Get("/api/v1/alerts").body, R"({"status":"success","data":{"alerts":[]}})");
  EXPECT_EQ(Get("/api/v1/targets").body,
            R"({"status":"success","data":{"activeTargets":[],"droppedTargets":[]}})");
  EXPECT_EQ(Get("/api/v1/alertmanagers").body,
            R"({"status":"success","data":{"activeAlertmanagers":[],"droppedAlertmanagers":[]}})");
  EXPECT_EQ(Get("/api/v1/targets/metadata").body, R"({"status":"success","data":[]})");
}

TEST_F(ApiE2e, StatusEndpoints) {
  HttpResponse build = Get("/api/v1/status/buildinfo");
  EXPECT_TRUE(std::regex_search(build.body, std::regex(R"("version":"2\.42\.0\+pharos\.)")))
      << build.body;
  EXPECT_EQ(build.body.find("features"), std::string::npos);
  EXPECT_NE(Get("/api/v1/status/flags").body.find(R"("query.max-concurrency":"2")"),
            std::string::npos);
  EXPECT_NE(Get("/api/v1/status/runtimeinfo").body.find(R"("storageRetention":"30d")"),
            std::string::npos);
  EXPECT_NE(Get("/api/v1/status/tsdb").body.find(R"({"headStats":{"numSeries":)"),
            std::string::npos);
  EXPECT_NE(Get("/api/v1/status/config").body.find(R"({"yaml":)"), std::string::npos);
}

TEST_F(ApiE2e, PromtoolAsAClient) {
  if (access("/usr/bin/promtool", X_OK) != 0) GTEST_SKIP() << "promtool is not installed";
  auto [rc, out] = Promtool("query instant " + Url() + " 'vector(7)'");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("{} => 7 @["), std::string::npos) << out;
  std::tie(rc, out) = Promtool("query range --start=2023-01-01T00:00:00Z "
                               "--end=2023-01-01T00:01:00Z --step=30s " +
                               Url() + " 'vector(3)'");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("{} =>"), std::string::npos) << out;
  std::tie(rc, out) = Promtool("query series --match=up " + Url());
  EXPECT_EQ(rc, 0) << out;
  std::tie(rc, out) = Promtool("query labels " + Url() + " __name__");
  EXPECT_EQ(rc, 0) << out;
  std::tie(rc, out) = Promtool("query instant " + Url() + " 'up)'");
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("parse error"), std::string::npos) << out;
}

}  // namespace
}  // namespace pharos::e2e
