// The /api/v1 handlers over a real database in a temporary directory.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <filesystem>

#include "server/api/api_errors.h"
#include "server/api/metadata_handlers.h"
#include "server/api/provider_handlers.h"
#include "server/api/query_handlers.h"
#include "server/api/status_handlers.h"
#include "server/app_state.h"
#include "server/gzip.h"
#include "tests/server/temp_db_test.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

class ApiHandlers : public TempDbTest {
 protected:
  void SetUp() override {
    TempDbTest::SetUp();
    if (HasFatalFailure()) return;
    auto app = db_->NewAppender();
    for (int i = 0; i < 3; ++i) {
      tsdb::Labels l{{"__name__", "up"}, {"job", "j" + std::to_string(i)}};
      for (int64_t t = 0; t <= 60000; t += 15000) ASSERT_TRUE(app->Append(0, l, t, i).ok());
    }
    ASSERT_TRUE(app->Append(0, tsdb::Labels{{"__name__", "other"}, {"a_b", "x"}}, 0, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
    deps_.storage = db_.get();
    deps_.engine = &engine_;
    deps_.now_ms = [] { return int64_t{60000}; };
  }

  static Request Get(const std::string& target) { return *MakeRequest("GET", target); }
  static Request Post(const std::string& path, std::string body) {
    Request req = *MakeRequest("POST", path);
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = std::move(body);
    return req;
  }

  promql::Engine engine_;
  QueryDeps deps_;
};

TEST_F(ApiHandlers, InstantQuery) {
  Response res = HandleQuery(deps_, Get("/api/v1/query?query=up&time=60"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body,
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"__name__":"up","job":"j0"},"value":[60,"0"]},)"
            R"({"metric":{"__name__":"up","job":"j1"},"value":[60,"1"]},)"
            R"({"metric":{"__name__":"up","job":"j2"},"value":[60,"2"]}]}})");
  // Grafana's shape: a POST form; `time` defaults to now.
  res = HandleQuery(deps_, Post("/api/v1/query", "query=1%2B1&time=4"));
  EXPECT_EQ(res.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  res = HandleQuery(deps_, Get("/api/v1/query?query=time()"));
  EXPECT_EQ(res.body, R"({"status":"success","data":{"resultType":"scalar","result":[60,"60"]}})");
}

TEST_F(ApiHandlers, InstantQueryStats) {
  Response res = HandleQuery(deps_, Get("/api/v1/query?query=sum(up)&time=60&stats=all"));
  EXPECT_NE(res.body.find(R"("samples":{"totalQueryableSamples":3,"peakSamples":)"),
            std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find(R"("timings":{"evalTotalTime":)"), std::string::npos);
}

TEST_F(ApiHandlers, QueryErrors) {
  Response res = HandleQuery(deps_, Get("/api/v1/query?query=up)"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body,
            R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": )"
            R"(1:4: parse error: unexpected right parenthesis ')'"})");
  res = HandleQuery(deps_, Get("/api/v1/query?query=up&time=abc"));
  EXPECT_EQ(res.status, 400);
  res = HandleQuery(deps_, Get("/api/v1/query?query=up&timeout=-1"));
  EXPECT_EQ(res.status, 503);
  EXPECT_NE(res.body.find(R"("errorType":"timeout")"), std::string::npos);
  res = HandleQuery(deps_, Get("/api/v1/query?query=up%2Bon()%20up&time=60"));
  EXPECT_EQ(res.status, 422);
  EXPECT_NE(res.body.find(R"("errorType":"execution")"), std::string::npos);
}

TEST_F(ApiHandlers, RangeQuery) {
  Response res =
      HandleQueryRange(deps_, Post("/api/v1/query_range", "query=up{job=\"j1\"}&start=0&end=30&step=15s"));
  EXPECT_EQ(res.body,
            R"({"status":"success","data":{"resultType":"matrix","result":[)"
            R"({"metric":{"__name__":"up","job":"j1"},"values":[[0,"1"],[15,"1"],[30,"1"]]}]}})");
  res = HandleQueryRange(deps_, Get("/api/v1/query_range?query=up&start=10&end=0&step=1"));
  EXPECT_EQ(res.body,
            R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": end )"
            R"(timestamp must not be before start time"})");
  res = HandleQueryRange(deps_, Get("/api/v1/query_range?query=up&start=0&end=10&step=0"));
  EXPECT_NE(res.body.find("zero or negative query resolution step widths are not accepted. "
                          "Try a positive integer"),
            std::string::npos);
  res = HandleQueryRange(deps_, Get("/api/v1/query_range?query=up&start=0&end=100000&step=1"));
  EXPECT_NE(res.body.find("exceeded maximum resolution of 11,000 points"), std::string::npos);
  EXPECT_EQ(res.status, 400);
}

TEST_F(ApiHandlers, FormatQueryAndExemplars) {
  Response res = HandleFormatQuery(Get("/api/v1/format_query?query=sum(x)%20by%20(a)"));
  EXPECT_EQ(res.body, R"j({"status":"success","data":"sum by (a) (x)"})j");
  // Longer than 100 characters: spread over lines as Prometheus does.
  res = HandleFormatQuery(Post("/api/v1/format_query",
                               "query=sum(rate(a_rather_long_metric_name_total%7Bjob%3D%22api%22%7D"
                               "%5B5m%5D))%20/%20sum(rate(another_long_metric_name_total%5B5m%5D))"));
  EXPECT_EQ(res.body,
            R"j({"status":"success","data":"  sum(rate(a_rather_long_metric_name_total{job=\"api\"}[5m]))\n/\n  sum(rate(another_long_metric_name_total[5m]))"})j");
  res = HandleQueryExemplars(Post("/api/v1/query_exemplars",
                                  "query=up&start=1700000000000&end=1700000001000"));
  EXPECT_EQ(res.body, R"({"status":"success","data":[]})");
  EXPECT_EQ(HandleQueryExemplars(Get("/api/v1/query_exemplars?query=1")).status, 204);
}

TEST_F(ApiHandlers, Series) {
  Response res = HandleSeries(*db_, Post("/api/v1/series", "match[]=up{job=~\"j[01]\"}"));
  EXPECT_EQ(res.body, R"({"status":"success","data":[{"__name__":"up","job":"j0"},)"
                      R"({"__name__":"up","job":"j1"}]})");
  res = HandleSeries(*db_, Get("/api/v1/series?match[]=up&match[]=up{job=\"j2\"}&limit=1"));
  EXPECT_EQ(res.body, R"({"status":"success","data":[{"__name__":"up","job":"j0"}]})");
  res = HandleSeries(*db_, Get("/api/v1/series?match[]=up&start=-99999999999&end=99999999999999"));
  EXPECT_EQ(res.status, 200);
  res = HandleSeries(*db_, Get("/api/v1/series"));
  EXPECT_EQ(res.body,
            R"({"status":"error","errorType":"bad_data","error":"no match[] parameter provided"})");
}

TEST_F(ApiHandlers, LabelsAndValues) {
  Response res = HandleLabelNames(*db_, Get("/api/v1/labels"));
  EXPECT_EQ(res.body, R"({"status":"success","data":["__name__","a_b","job"]})");
  res = HandleLabelNames(*db_, Post("/api/v1/labels", "match[]=up"));
  EXPECT_EQ(res.body, R"({"status":"success","data":["__name__","job"]})");
  Request req = Get("/api/v1/label/__name__/values?limit=40000&start=0&end=100");
  req.path_params = {{"name", "__name__"}};
  EXPECT_EQ(HandleLabelValues(*db_, req).body, R"({"status":"success","data":["other","up"]})");
  req = Get("/api/v1/label/job/values?match[]=up&limit=2");
  req.path_params = {{"name", "job"}};
  EXPECT_EQ(HandleLabelValues(*db_, req).body, R"({"status":"success","data":["j0","j1"]})");
  req.path_params = {{"name", "U__a_2e_b"}};
  EXPECT_EQ(HandleLabelValues(*db_, req).status, 400);  // "a.b" is not a valid name
  req.path_params = {{"name", "1x"}};
  EXPECT_EQ(HandleLabelValues(*db_, req).body,
            R"({"status":"error","errorType":"bad_data","error":"invalid label name: \"1x\""})");
}

TEST_F(ApiHandlers, EmptyProviders) {
  EXPECT_EQ(HandleTargets(nullptr, Get("/api/v1/targets")).body,
            R"({"status":"success","data":{"activeTargets":[],"droppedTargets":[]}})");
  EXPECT_EQ(HandleMetadata(nullptr, Get("/api/v1/metadata?limit=40000")).body,
            R"({"status":"success","data":{}})");
  EXPECT_EQ(HandleTargetsMetadata(nullptr, Get("/api/v1/targets/metadata")).body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(HandleRules(nullptr, Get("/api/v1/rules")).body,
            R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(HandleAlerts(nullptr, Get("/api/v1/alerts")).body,
            R"({"status":"success","data":{"alerts":[]}})");
  EXPECT_EQ(HandleAlertmanagers(nullptr, Get("/api/v1/alertmanagers")).body,
            R"({"status":"success","data":{"activeAlertmanagers":[],"droppedAlertmanagers":[]}})");
}

class FakeRules : public RulesProvider {
 public:
  std::vector<RuleGroupInfo> RuleGroups() override {
    RuleInfo alert;
    alert.alerting = true;
    alert.name = "Down";
    alert.query = "up == 0";
    alert.duration_seconds = 60;
    alert.state = "firing";
    alert.health = "ok";
    alert.alerts.push_back({tsdb::Labels{{"alertname", "Down"}}, tsdb::Labels{}, "firing",
                            1435781451781, 0});
    RuleGroupInfo g;
    g.name = "g";
    g.file = "r.yml";
    g.interval_seconds = 15;
    g.rules.push_back(alert);
    return {g};
  }
};

TEST_F(ApiHandlers, RulesFromAProvider) {
  FakeRules rules;
  EXPECT_EQ(HandleAlerts(&rules, Get("/api/v1/alerts")).body,
            R"({"status":"success","data":{"alerts":[{"labels":{"alertname":"Down"},)"
            R"("annotations":{},"state":"firing","activeAt":"2015-07-01T20:10:51.781Z",)"
            R"("value":"0e+00"}]}})");
  std::string body = HandleRules(&rules, Get("/api/v1/rules?type=alert")).body;
  EXPECT_NE(body.find(R"("interval":15,"limit":0,"evaluationTime":0,)"
                      R"("lastEvaluation":"0001-01-01T00:00:00Z"})"),
            std::string::npos)
      << body;
  // Prometheus 2.42 keeps a group that the type filter empties.
  EXPECT_NE(HandleRules(&rules, Get("/api/v1/rules?type=record")).body.find(
                R"({"groups":[{"name":"g","file":"r.yml","rules":[],"interval":15,)"),
            std::string::npos);
  // Name filters drop the groups they empty.
  EXPECT_EQ(HandleRules(&rules, Get("/api/v1/rules?rule_name[]=Other")).body,
            R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(HandleRules(&rules, Get("/api/v1/rules?rule_group[]=h")).body,
            R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(HandleRules(&rules, Get("/api/v1/rules?file[]=s.yml")).body,
            R"({"status":"success","data":{"groups":[]}})");
  body = HandleRules(&rules, Get("/api/v1/rules?rule_name[]=Down&rule_group[]=g&file[]=r.yml")).body;
  EXPECT_NE(body.find(R"("name":"Down","query":"up == 0","duration":60,"keepFiringFor":0,)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("activeAt")"), std::string::npos);
  body = HandleRules(&rules, Get("/api/v1/rules?exclude_alerts=true")).body;
  EXPECT_NE(body.find(R"("alerts":[],)"), std::string::npos) << body;
  Response bad = HandleRules(&rules, Get("/api/v1/rules?exclude_alerts=maybe"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find(R"(invalid parameter \"exclude_alerts\")"), std::string::npos) << bad.body;
}

TEST_F(ApiHandlers, Status) {
  Logger log(LogLevel::kError, LogFormat::kLogfmt);
  Flags flags;
  flags.config_file = dir_ + "/none.yml";
  AppState app(flags, log, BuildInfo{"0.1.0", "abc", "main", "u@h", "20260101-00:00:00",
                                     "GNU 12.2.0", "linux/amd64"});
  EXPECT_EQ(HandleBuildInfo(app.build, Get("/")).body,
            R"({"status":"success","data":{"version":"2.42.0+pharos.0.1.0","revision":"abc",)"
            R"("branch":"main","buildUser":"u@h","buildDate":"20260101-00:00:00",)"
            R"("goVersion":"GNU 12.2.0"}})");
  EXPECT_EQ(HandleStatusConfig(app, Get("/")).body, R"({"status":"success","data":{"yaml":""}})");
  EXPECT_NE(HandleStatusFlags(flags, Get("/")).body.find(R"("query.max-concurrency":"20")"),
            std::string::npos);
  EXPECT_NE(HandleRuntimeInfo(app, Get("/")).body.find(R"("storageRetention":"30d"})"),
            std::string::npos);
  app.SetDb(db_.get());
  std::string tsdb = HandleTsdbStatus(app, Get("/")).body;
  EXPECT_NE(tsdb.find(R"("headStats":{"numSeries":4,"numLabelPairs":6,)"), std::string::npos)
      << tsdb;
  EXPECT_NE(tsdb.find(R"("seriesCountByMetricName":[{"name":"up","value":3})"),
            std::string::npos)
      << tsdb;
}

TEST(ApiErrors, OneTable) {
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kInvalidArgument).http_status, 400);
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kFailedPrecondition).type, "execution");
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kResourceExhausted).http_status, 422);
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kCancelled).http_status, 499);
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kDeadlineExceeded).type, "timeout");
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kNotFound).http_status, 404);
  EXPECT_EQ(ApiErrorKindFor(StatusCode::kIOError).type, "internal");
  Response res = ApiError(InternalError("boom"), {"w1"});
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body,
            R"({"status":"error","errorType":"internal","error":"boom","warnings":["w1"]})");
}

TEST(Gzip, AcceptEncodingAndRoundTrip) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=1.0, *;q=0.5"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  Response res = Response::Text(200, std::string(1000, 'a'));
  GzipResponse(res);
  EXPECT_EQ(res.Header("Content-Encoding"), "gzip");
  EXPECT_LT(res.body.size(), 100u);
  EXPECT_EQ(static_cast<unsigned char>(res.body[0]), 0x1f);
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "<inflate failed>";
}

// The deflate state is reused per thread: every stream must still stand
// alone, whatever came before it.
TEST(Gzip, SuccessiveBodiesEachDecompressToThemselves) {
  std::string big;
  for (int i = 0; big.size() < 300'000; ++i) big += "[" + std::to_string(i * 15) + ",\"1.5\"],";
  const std::string bodies[] = {big, "x", std::string(70'000, 'q'), big.substr(1000, 5000), ""};
  for (const std::string& b : bodies) EXPECT_EQ(Gunzip(GzipCompress(b)), b);
}

TEST(Router, LanesFollowRoutes) {
  Router router;
  router.Handle("GET", "/api/v1/query", [](const Request&) { return Response(); }, Lane::kQuery);
  router.Handle("GET", "/-/healthy", [](const Request&) { return Response(); });
  EXPECT_EQ(router.LaneFor("GET", "/api/v1/query"), Lane::kQuery);
  EXPECT_EQ(router.LaneFor("HEAD", "/api/v1/query"), Lane::kQuery);
  EXPECT_EQ(router.LaneFor("GET", "/-/healthy"), Lane::kFast);
  EXPECT_EQ(router.LaneFor("GET", "/nope"), Lane::kFast);
}

}  // namespace
}  // namespace pharos::server
