// End-to-end tests of remote-write ingest: good and corrupted payloads read
// back exactly, all-or-nothing requests, and every acknowledged sample
// surviving a SIGKILL in the middle of a write load.
#include <gtest/gtest.h>
#include <signal.h>
#include <snappy.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "server/remote/remote.pb.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

using LabelList = std::vector<std::pair<std::string, std::string>>;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AddSeries(prometheus::WriteRequest* req, const LabelList& labels,
               const std::vector<std::pair<int64_t, double>>& samples) {
  prometheus::TimeSeries* ts = req->add_timeseries();
  for (const auto& [n, v] : labels) {
    prometheus::Label* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  for (auto [t, v] : samples) {
    prometheus::Sample* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
}

std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

// A running pharos with the receiver on, over `data`.
class Server {
 public:
  explicit Server(const std::string& data) {
    auto p = Process::Start(PHAROS_BINARY, {"--web.listen-address=127.0.0.1:0",
                                            "--storage.tsdb.path=" + data,
                                            "--web.enable-remote-write-receiver"});
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return;
    process_ = std::move(*p);
    auto port = WaitUntilServing(*process_, 60s);
    EXPECT_TRUE(port.ok()) << port.status().ToString();
    if (port.ok()) port_ = *port;
  }

  Process& process() { return *process_; }
  uint16_t port() const { return port_; }

  Result<HttpResponse> Post(const std::string& path, const std::string& body) {
    ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Connect("127.0.0.1", port_));
    return conn.RoundTrip("POST", path, body,
                          {{"Content-Type", "application/x-protobuf"},
                           {"Content-Encoding", "snappy"},
                           {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                          10s);
  }
  Result<HttpResponse> Write(const prometheus::WriteRequest& req) {
    return Post("/api/v1/write", Snappy(req.SerializeAsString()));
  }

  // Every stored sample of series whose name matches `name_re`, by their
  // labels rendered "a=b,c=d".
  std::map<std::string, std::vector<std::pair<int64_t, double>>> ReadAll(
      const std::string& name_re) {
    prometheus::ReadRequest req;
    prometheus::Query* q = req.add_queries();
    q->set_start_timestamp_ms(0);
    q->set_end_timestamp_ms(WallMs() + 3600000);
    prometheus::LabelMatcher* m = q->add_matchers();
    m->set_type(prometheus::LabelMatcher::RE);
    m->set_name("__name__");
    m->set_value(name_re);
    std::map<std::string, std::vector<std::pair<int64_t, double>>> out;
    auto res = Post("/api/v1/read", Snappy(req.SerializeAsString()));
    EXPECT_TRUE(res.ok() && res->status == 200);
    if (!res.ok()) return out;
    std::string raw;
    EXPECT_TRUE(snappy::Uncompress(res->body.data(), res->body.size(), &raw));
    prometheus::ReadResponse resp;
    EXPECT_TRUE(resp.ParseFromString(raw));
    for (const auto& ts : resp.results(0).timeseries()) {
      std::string key;
      for (const auto& l : ts.labels()) key += l.name() + "=" + l.value() + ",";
      for (const auto& s : ts.samples()) out[key].emplace_back(s.timestamp(), s.value());
    }
    return out;
  }

 private:
  std::unique_ptr<Process> process_;
  uint16_t port_ = 0;
};

class IngestE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "pharos-ingest-e2e-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(IngestE2e, GoodAndCorruptedPayloads) {
  Server server(dir_ + "/data");
  const int64_t base = (WallMs() - 600000) / 1000 * 1000;
  prometheus::WriteRequest good;
  for (int i = 0; i < 3; ++i) {
    std::vector<std::pair<int64_t, double>> samples;
    for (int j = 0; j < 20; ++j) samples.emplace_back(base + j * 15000, i * 1000 + j + 0.5);
    AddSeries(&good, {{"__name__", "ingest_good"}, {"i", std::to_string(i)}}, samples);
  }
  auto res = server.Write(good);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 204) << res->body;

  // Each of these is refused whole with 400.
  std::vector<std::pair<std::string, std::string>> bad_bodies = {
      {"not snappy", "\xff\xff\xff\xff\xff\xff garbage"},
      {"snappy of garbage", Snappy("\x0a\xff\xff\xff\xff\x0f garbage")},
      {"truncated protobuf", Snappy(good.SerializeAsString().substr(0, 37))},
  };
  auto refused = [&](const LabelList& labels, std::vector<std::pair<int64_t, double>> samples) {
    prometheus::WriteRequest req;
    // A valid series first: it must not be stored either.
    AddSeries(&req, {{"__name__", "ingest_bad_batch"}}, {{base, 1}});
    AddSeries(&req, labels, samples);
    return Snappy(req.SerializeAsString());
  };
  bad_bodies.emplace_back("unsorted labels",
                          refused({{"__name__", "x"}, {"b", "1"}, {"a", "1"}}, {{base, 1}}));
  bad_bodies.emplace_back("duplicate label",
                          refused({{"__name__", "x"}, {"a", "1"}, {"a", "2"}}, {{base, 1}}));
  bad_bodies.emplace_back("invalid label name", refused({{"__name__", "x"}, {"1a", "1"}}, {{base, 1}}));
  bad_bodies.emplace_back("no metric name", refused({{"a", "1"}}, {{base, 1}}));
  bad_bodies.emplace_back("empty label set", refused({}, {{base, 1}}));
  bad_bodies.emplace_back(
      "out of order sample",
      refused({{"__name__", "ingest_good"}, {"i", "0"}}, {{base + 20 * 15000, 1}, {base, 2}}));
  for (const auto& [what, body] : bad_bodies) {
    auto r = server.Post("/api/v1/write", body);
    ASSERT_TRUE(r.ok()) << what;
    EXPECT_EQ(r->status, 400) << what << ": " << r->body;
    EXPECT_FALSE(r->body.empty()) << what;
  }
  // The same batch again: its older samples are out of order now, as in
  // Prometheus; the sender must not retry.
  auto r = server.Write(good);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, "out of order sample\n");

  auto stored = server.ReadAll("ingest_.*");
  ASSERT_EQ(stored.size(), 3u);  // nothing of the refused batches
  for (int i = 0; i < 3; ++i) {
    const auto& s = stored["__name__=ingest_good,i=" + std::to_string(i) + ","];
    ASSERT_EQ(s.size(), 20u) << i;
    for (int j = 0; j < 20; ++j) {
      EXPECT_EQ(s[j].first, base + j * 15000);
      EXPECT_EQ(s[j].second, i * 1000 + j + 0.5);
    }
  }

  // And through PromQL: the last value of each series.
  auto conn = HttpConnection::Connect("127.0.0.1", server.port());
  ASSERT_TRUE(conn.ok());
  std::string end = std::to_string((base + 19 * 15000) / 1000);
  auto q = conn->RoundTrip("GET", "/api/v1/query_range?query=sum(ingest_good)&start=" + end +
                                      "&end=" + end + "&step=15");
  ASSERT_TRUE(q.ok());
  EXPECT_NE(q->body.find("\"3058.5\""), std::string::npos) << q->body;  // 19.5+1019.5+2019.5
}

TEST_F(IngestE2e, AcknowledgedSamplesSurviveSigkill) {
  const std::string data = dir_ + "/data";
  const int64_t base = WallMs() - 3000000;
  constexpr int kSeries = 100;
  int acknowledged = 0;  // requests answered 204; request k holds timestamp base + k*1000
  {
    Server server(data);
    std::atomic<bool> stop{false};
    std::thread killer([&] {
      std::this_thread::sleep_for(1000ms);
      server.process().Signal(SIGKILL).IgnoreError();
      stop = true;
    });
    auto deadline = std::chrono::steady_clock::now() + 20s;
    for (int k = 0; k < 20000 && std::chrono::steady_clock::now() < deadline; ++k) {
      prometheus::WriteRequest req;
      for (int i = 0; i < kSeries; ++i) {
        AddSeries(&req, {{"__name__", "crash_metric"}, {"i", std::to_string(i)}},
                  {{base + k * 1000, static_cast<double>(k)}});
      }
      auto res = server.Write(req);
      if (!res.ok() || res->status != 204) break;  // the server is gone
      acknowledged = k + 1;
    }
    killer.join();
    EXPECT_TRUE(stop);
    ASSERT_TRUE(server.process().Wait(10s).ok());
  }
  ASSERT_GT(acknowledged, 0);
  RecordProperty("acknowledged_requests", acknowledged);
  Server restarted(data);
  auto stored = restarted.ReadAll("crash_metric");
  ASSERT_EQ(stored.size(), static_cast<size_t>(kSeries));
  for (const auto& [labels, samples] : stored) {
    // Every acknowledged request's sample is there; one more may be (the
    // request in flight, committed but not yet answered when the kill came).
    ASSERT_GE(samples.size(), static_cast<size_t>(acknowledged)) << labels;
    ASSERT_LE(samples.size(), static_cast<size_t>(acknowledged) + 1) << labels;
    for (int k = 0; k < acknowledged; ++k) {
      EXPECT_EQ(samples[k].first, base + k * 1000);
      EXPECT_EQ(samples[k].second, k);
    }
  }
}

}  // namespace
}  // namespace pharos::e2e
