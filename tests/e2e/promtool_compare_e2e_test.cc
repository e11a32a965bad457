// Pharos against the real Prometheus 2.42, through promtool: both servers
// receive the same remote-written data (counters with a reset, gauges, a
// classic histogram, series ended by stale markers; 15 s samples over the
// last 55 minutes), then `promtool query instant|range|series|labels` runs
// against each and its stdout, stderr and exit code must be identical.
// Skipped when /usr/bin/prometheus or /usr/bin/promtool is missing.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <snappy.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/remote/remote.pb.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr int64_t kStepMs = 15'000;
constexpr int kSamples = 221;  // 55 minutes of 15 s samples

using LabelList = std::vector<std::pair<std::string, std::string>>;

// Prometheus' stale marker.
double StaleNaN() {
  uint64_t bits = 0x7ff0000000000002ULL;
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d;
}

// A port free right now on 127.0.0.1.
uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// The data both servers receive: whole series, each in time order.
class Dataset {
 public:
  explicit Dataset(int64_t end_ms) : end_(end_ms), start_(end_ms - (kSamples - 1) * kStepMs) {
    for (int inst = 0; inst < 10; ++inst) {
      std::string instance = "i" + std::to_string(inst);
      for (const char* method : {"GET", "POST"}) {
        for (const char* code : {"200", "500"}) {
          double rate = (inst + 1) * (code[0] == '2' ? 3.0 : 0.25) * (method[0] == 'G' ? 2 : 1);
          bool reset = inst % 4 == 1 && code[0] == '2';
          Add({{"__name__", "http_requests_total"}, {"code", code}, {"instance", instance},
               {"job", "api"}, {"method", method}},
              [&](int i) {
                int k = reset && i >= 150 ? i - 150 : i;
                return std::floor(rate * 15 * k + (i % 7 == 0 ? 1 : 0) * (k > 0));
              });
        }
      }
      for (int zone = 0; zone < 5; ++zone) {
        Add({{"__name__", "node_temperature"}, {"instance", instance},
             {"zone", "z" + std::to_string(zone)}},
            [&](int i) { return 40 + inst * 1.5 + zone * 0.25 + std::sin(i / 10.0 + zone) * 5; });
      }
      for (int cpu = 0; cpu < 2; ++cpu) {
        int m = 0;
        for (const char* mode : {"idle", "user", "system", "iowait", "steal"}) {
          double per_step = (5 - m) * 1.7 + cpu * 0.3;
          Add({{"__name__", "cpu_seconds_total"}, {"cpu", std::to_string(cpu)},
               {"instance", instance}, {"mode", mode}},
              [&](int i) { return per_step * i + (i * 13 % 5) * 0.01; });
          ++m;
        }
      }
    }
    const std::vector<std::string> les = {"0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
    for (int inst = 0; inst < 5; ++inst) {
      std::string instance = "i" + std::to_string(inst);
      for (size_t b = 0; b < les.size(); ++b) {
        double share = std::min(1.0, (b + 1) * (b + 1) / 40.0 + b * 0.1);
        if (les[b] == "+Inf") share = 1;
        Add({{"__name__", "request_duration_seconds_bucket"}, {"instance", instance},
             {"job", "api"}, {"le", les[b]}},
            [&](int i) { return std::floor(i * (10 + inst) * share); });
      }
      Add({{"__name__", "request_duration_seconds_count"}, {"instance", instance}, {"job", "api"}},
          [&](int i) { return static_cast<double>(i * (10 + inst)); });
      Add({{"__name__", "request_duration_seconds_sum"}, {"instance", instance}, {"job", "api"}},
          [&](int i) { return i * (10 + inst) * 0.37; });
    }
    // Series that end with a stale marker half-way (and one that comes back).
    for (int inst = 0; inst < 6; ++inst) {
      Add({{"__name__", "temp_stale"}, {"instance", "i" + std::to_string(inst)}}, [&](int i) {
        if (i == 110) return StaleNaN();
        if (i > 110 && (inst != 0 || i < 180)) return std::nan("");  // no sample
        return 10.0 + inst + i * 0.5;
      });
    }
  }

  int64_t start() const { return start_; }
  int64_t end() const { return end_; }

  // The write requests: about 60 series each.
  std::vector<std::string> Bodies() const {
    std::vector<std::string> out;
    for (size_t first = 0; first < series_.size(); first += 60) {
      prometheus::WriteRequest req;
      for (size_t i = first; i < std::min(series_.size(), first + 60); ++i) {
        *req.add_timeseries() = series_[i];
      }
      std::string raw = req.SerializeAsString();
      std::string compressed;
      snappy::Compress(raw.data(), raw.size(), &compressed);
      out.push_back(std::move(compressed));
    }
    return out;
  }

  size_t size() const { return series_.size(); }

 private:
  // Adds a series whose i-th sample is value(i); a quiet NaN (not the stale
  // marker) means "no sample".
  template <typename F>
  void Add(LabelList labels, F value) {
    prometheus::TimeSeries ts;
    for (const auto& [n, v] : labels) {
      prometheus::Label* l = ts.add_labels();
      l->set_name(n);
      l->set_value(v);
    }
    uint64_t stale_bits = 0x7ff0000000000002ULL;
    for (int i = 0; i < kSamples; ++i) {
      double v = value(i);
      uint64_t bits;
      std::memcpy(&bits, &v, sizeof(bits));
      if (std::isnan(v) && bits != stale_bits) continue;
      prometheus::Sample* s = ts.add_samples();
      s->set_timestamp(start_ + i * kStepMs);
      s->set_value(v);
    }
    series_.push_back(std::move(ts));
  }

  int64_t end_;
  int64_t start_;
  std::vector<prometheus::TimeSeries> series_;
};

Status PostWrite(uint16_t port, const std::string& body) {
  ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Connect("127.0.0.1", port));
  ASSIGN_OR_RETURN(HttpResponse res,
                   conn.RoundTrip("POST", "/api/v1/write", body,
                                  {{"Content-Type", "application/x-protobuf"},
                                   {"Content-Encoding", "snappy"},
                                   {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                                  10s));
  if (res.status != 204 && res.status != 200) {
    return InternalError("remote write answered " + std::to_string(res.status) + ": " + res.body);
  }
  return Status::Ok();
}

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome RunPromtool(const std::vector<std::string>& args) {
  Outcome o;
  auto p = Process::Start(kPromtool, args);
  if (!p.ok()) {
    o.err = p.status().ToString();
    return o;
  }
  Result<int> code = (*p)->Wait(30s);
  o.code = code.ok() ? *code : -1;
  o.out = (*p)->Stdout();
  o.err = (*p)->Stderr();
  return o;
}

class PromtoolCompare : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (access(kPrometheus, X_OK) != 0 || access(kPromtool, X_OK) != 0) return;
    std::string tmpl = (fs::temp_directory_path() / "pharos-promtool-e2e-XXXXXX").string();
    dir_ = new std::string(mkdtemp(tmpl.data()));
    std::ofstream(*dir_ + "/empty.yml") << "scrape_configs: []\n";

    auto pharos = Process::Start(
        PHAROS_BINARY, {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + *dir_ + "/pharos",
                        "--config.file=" + *dir_ + "/empty.yml", "--web.enable-remote-write-receiver"});
    ASSERT_TRUE(pharos.ok()) << pharos.status().ToString();
    pharos_ = pharos->release();
    auto port = WaitUntilServing(*pharos_, 60s);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    pharos_port_ = *port;

    prometheus_port_ = FreePort();
    auto prom = Process::Start(
        kPrometheus, {"--web.enable-remote-write-receiver", "--config.file=" + *dir_ + "/empty.yml",
                      "--storage.tsdb.path=" + *dir_ + "/prometheus",
                      "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_)});
    ASSERT_TRUE(prom.ok()) << prom.status().ToString();
    prometheus_ = prom->release();
    bool ready = false;
    for (auto deadline = Clock::now() + 30s; Clock::now() < deadline && !ready;) {
      auto r = HttpGet("127.0.0.1", prometheus_port_, "/-/ready", 1s);
      ready = r.ok() && r->status == 200;
      if (!ready) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(ready) << prometheus_->Stderr();

    // The last sample a whole minute before now, so every query time is in
    // the past for both servers.
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    data_ = new Dataset((now_ms - 60'000) / 60'000 * 60'000);
    for (const std::string& body : data_->Bodies()) {
      ASSERT_TRUE(PostWrite(pharos_port_, body).ok());
      Status s = PostWrite(prometheus_port_, body);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  static void TearDownTestSuite() {
    for (Process* p : {pharos_, prometheus_}) {
      if (p == nullptr) continue;
      p->Signal(SIGTERM).IgnoreError();
      p->Wait(30s).IgnoreError();
      delete p;
    }
    pharos_ = prometheus_ = nullptr;
    delete data_;
    data_ = nullptr;
    if (dir_ != nullptr) {
      std::error_code ec;
      fs::remove_all(*dir_, ec);
      delete dir_;
      dir_ = nullptr;
    }
  }

  void SetUp() override {
    if (access(kPrometheus, X_OK) != 0 || access(kPromtool, X_OK) != 0) {
      GTEST_SKIP() << "needs " << kPrometheus << " and " << kPromtool;
    }
    ASSERT_NE(data_, nullptr);
  }

  static std::string Seconds(int64_t ms) {
    std::string s = std::to_string(ms / 1000);
    if (ms % 1000 != 0) s += "." + std::to_string(1000 + ms % 1000).substr(1);
    return s;
  }

  // Runs promtool with `args`, the server URL inserted after the first
  // `words` arguments, against both servers, and expects the same outcome.
  static void Compare(std::vector<std::string> args, size_t words = 2) {
    std::vector<std::string> a = args, b = args;
    a.insert(a.begin() + words, "http://127.0.0.1:" + std::to_string(prometheus_port_));
    b.insert(b.begin() + words, "http://127.0.0.1:" + std::to_string(pharos_port_));
    Outcome want = RunPromtool(a);
    Outcome got = RunPromtool(b);
    std::string what;
    for (const std::string& s : args) what += " '" + s + "'";
    EXPECT_EQ(got.code, want.code) << what << "\nprometheus: " << want.err << "\npharos: " << got.err;
    EXPECT_EQ(got.out, want.out) << what;
    EXPECT_EQ(got.err, want.err) << what;
  }

  static void Instant(const std::string& expr, int64_t at_ms) {
    for (const char* format : {"promql", "json"}) {
      Compare({"query", "instant", "--format=" + std::string(format), "--time=" + Seconds(at_ms), expr});
    }
  }

  static void Range(const std::string& expr, int64_t start_ms, int64_t end_ms, const std::string& step) {
    for (const char* format : {"promql", "json"}) {
      Compare({"query", "range", "--format=" + std::string(format), "--start=" + Seconds(start_ms),
               "--end=" + Seconds(end_ms), "--step=" + step, expr});
    }
  }

  static inline std::string* dir_ = nullptr;
  static inline Process* pharos_ = nullptr;
  static inline Process* prometheus_ = nullptr;
  static inline uint16_t pharos_port_ = 0;
  static inline uint16_t prometheus_port_ = 0;
  static inline Dataset* data_ = nullptr;
};

TEST_F(PromtoolCompare, DatasetIsSeveralHundredSeries) { EXPECT_GE(data_->size(), 200u); }

TEST_F(PromtoolCompare, RatesAndAggregations) {
  int64_t t = data_->end();
  Instant("rate(http_requests_total[5m])", t);
  Instant("sum by (code) (rate(http_requests_total[5m]))", t - 7 * kStepMs);
  Instant("increase(http_requests_total{instance=\"i1\"}[10m])", t - 20 * 60'000);
  Instant("topk(3, node_temperature)", t);
  Instant("bottomk(2, sum without (zone) (node_temperature))", t - 90'000);
  Instant("quantile by (zone) (0.3, node_temperature)", t);
  Instant("sort_desc(avg by (instance) (node_temperature))", t);
  Instant("count_values(\"value\", round(node_temperature / 2))", t);
  Instant("stddev(rate(cpu_seconds_total[2m]))", t);
  Range("sum by (method) (rate(http_requests_total[5m]))", t - 30 * 60'000, t, "1m");
  Range("rate(cpu_seconds_total{mode=\"idle\",cpu=\"0\"}[1m])", t - 10 * 60'000, t, "30s");
}

TEST_F(PromtoolCompare, Histograms) {
  int64_t t = data_->end();
  Instant("histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[5m])))", t);
  Instant("rate(request_duration_seconds_sum[5m]) / rate(request_duration_seconds_count[5m])", t);
  Range("histogram_quantile(0.5, rate(request_duration_seconds_bucket[10m]))", t - 20 * 60'000, t,
        "2m");
  Instant("request_duration_seconds_count{instance=\"i2\"}[2m]", t);
}

TEST_F(PromtoolCompare, LabelsOffsetsSubqueriesAbsent) {
  int64_t t = data_->end();
  Instant("label_replace(node_temperature{zone=\"z1\"}, \"host\", \"h-$1\", \"instance\", \"i(.*)\")",
          t);
  Instant("label_join(cpu_seconds_total{mode=\"user\"}, \"id\", \"/\", \"instance\", \"cpu\")", t);
  Instant("node_temperature{instance=\"i3\"} offset 10m", t);
  Instant("max_over_time(rate(http_requests_total{method=\"GET\"}[5m])[30m:1m])", t);
  Instant("absent(nonexistent_metric{job=\"x\"})", t);
  Instant("absent(node_temperature)", t);
  Instant("absent_over_time(temp_stale{instance=\"i4\"}[5m])", t);
  Instant("predict_linear(node_temperature{zone=\"z0\"}[30m], 3600)", t);
  Instant("vector(1) + scalar(sum(node_temperature))", t);
  Instant("\"some text\"", t);
}

TEST_F(PromtoolCompare, BinaryOperatorsMatching) {
  int64_t t = data_->end();
  Instant("http_requests_total{code=\"500\"} / on(instance, method) http_requests_total{code=\"200\"}",
          t);
  Instant("sum by (instance) (rate(http_requests_total[5m])) / ignoring(mode) "
          "sum by (instance, mode) (rate(cpu_seconds_total{mode=\"user\"}[5m]))",
          t);
  Instant("node_temperature > on(instance) group_left avg by (instance) (node_temperature)", t);
  Instant("cpu_seconds_total * on(instance) group_left(job) max by (instance, job) "
          "(request_duration_seconds_count)",
          t);
  Instant("node_temperature > bool 45", t);
  Instant("sum(node_temperature) by (zone) unless on(zone) node_temperature{instance=\"i0\"} > 44",
          t);
}

TEST_F(PromtoolCompare, StaleMarkers) {
  int64_t t = data_->end();
  int64_t stale_at = data_->start() + 110 * kStepMs;
  Instant("temp_stale", t);
  Instant("temp_stale", stale_at - kStepMs);
  Instant("temp_stale", stale_at + 1000);
  Instant("count_over_time(temp_stale[20m])", stale_at + 60'000);
  Range("temp_stale", stale_at - 3 * 60'000, t, "45s");
}

TEST_F(PromtoolCompare, Errors) {
  int64_t t = data_->end();
  Instant("sum(rate(http_requests_total[5m])) by (job", t);
  Instant("rate(node_temperature)", t);
  Instant("http_requests_total + on(instance) node_temperature", t);
  Range("node_temperature[5m]", t - 60'000, t, "15s");
}

TEST_F(PromtoolCompare, SeriesAndLabels) {
  std::string start = Seconds(data_->start()), end = Seconds(data_->end());
  for (const char* format : {"promql", "json"}) {
    std::string f = "--format=" + std::string(format);
    Compare({"query", "series", f, "--match=node_temperature{zone=\"z1\"}", "--start=" + start,
             "--end=" + end});
    Compare({"query", "series", f, "--match=request_duration_seconds_bucket{instance=\"i0\"}",
             "--match=temp_stale", "--start=" + start, "--end=" + end});
    Compare({"query", "labels", f, "--start=" + start, "--end=" + end, "instance"});
    Compare({"query", "labels", f, "--start=" + start, "--end=" + end, "__name__"});
    Compare({"query", "labels", f, "--match=http_requests_total", "--start=" + start,
             "--end=" + end, "code"});
  }
}

}  // namespace
}  // namespace pharos::e2e
