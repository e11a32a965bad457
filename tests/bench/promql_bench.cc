// The engine over the shared benchmark's dashboard queries: the 13 queries
// of the query suite as range queries over 1 h at 15 s and 24 h at 60 s
// steps, on the benchmark series model (10k series x 24 h at 15 s by
// default) stored in a real Db. Measures the engine directly, without HTTP.
//
//   promql_bench [--series=N] [--hours=H] [--data=DIR] [benchmark flags]
//
// The data directory is reused when it already holds the same data set
// (loading 10k x 24 h takes about a minute), so repeated runs only query.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "promql/engine.h"
#include "server/bench_series_model.h"
#include "tsdb/db.h"

namespace {

using pharos::Status;
namespace tsdb = pharos::tsdb;
namespace promql = pharos::promql;

constexpr int64_t kStart = 1'700'000'000'000;  // fixed: runs are comparable
constexpr int64_t kIntervalMs = 15'000;

struct Args {
  int series = 10'000;
  int hours = 24;
  std::string data = "/tmp/pharos-promql-bench";
};

const std::vector<std::pair<std::string, std::string>> kQueries = {
    {"rate_sum", "sum(rate(bench_http_requests_total[5m]))"},
    {"rate_by_code", "sum by (code) (rate(bench_http_requests_total[5m]))"},
    {"irate_by_service", "sum by (service) (irate(bench_http_requests_total[1m]))"},
    {"increase_by_instance", "sum by (instance) (increase(bench_http_requests_total[1h]))"},
    {"topk_5xx_handler",
     "topk(5, sum by (handler) (rate(bench_http_requests_total{code=~\"5..\"}[5m])))"},
    {"hist_p95",
     "histogram_quantile(0.95, sum by (le) (rate(bench_http_request_duration_seconds_bucket[5m])))"},
    {"hist_p99_by_service",
     "histogram_quantile(0.99, sum by (le, service) "
     "(rate(bench_http_request_duration_seconds_bucket{method=\"GET\"}[5m])))"},
    {"avg_over_time",
     "avg_over_time(bench_http_inflight_requests{instance=\"gen-0\",service=\"checkout\"}[10m])"},
    {"count_by_instance", "count by (instance) (bench_http_requests_total)"},
    {"error_ratio_regex",
     "sum by (service) (rate(bench_http_requests_total{code=~\"4..|5..\"}[5m])) / sum by "
     "(service) (rate(bench_http_requests_total[5m]))"},
    {"avg_latency",
     "sum(rate(bench_http_request_duration_seconds_sum[5m])) / "
     "sum(rate(bench_http_request_duration_seconds_count[5m]))"},
    {"max_gauge_regex", "max by (service) (bench_response_size_bytes{handler=~\"/api/v1/.*\"})"},
    {"single_series",
     "bench_http_inflight_requests{instance=\"gen-3\",service=\"auth\",handler=\"/api/v1/"
     "orders\",method=\"GET\"}"},
};

bool Fail(const std::string& what, const Status& s) {
  std::cerr << what << ": " << s.ToString() << "\n";
  return false;
}

// Writes the model into a fresh Db at args.data unless a marker says it is
// already there.
bool Load(const Args& a) {
  const std::string marker = a.data + "/loaded-" + std::to_string(a.series) + "x" +
                             std::to_string(a.hours) + "h";
  if (std::filesystem::exists(marker)) return true;
  std::filesystem::remove_all(a.data);
  std::filesystem::create_directories(a.data);
  tsdb::DbOptions opts;
  opts.path = a.data + "/db";
  opts.background = false;
  auto opened = tsdb::Db::Open(opts);
  if (!opened.ok()) return Fail("open", opened.status());
  std::unique_ptr<tsdb::Db> db = std::move(opened).value();
  // The same instance count as the shared harness: one per 1,000 series.
  pharos::server::BenchSeriesModel model(a.series, std::max(1, a.series / 1000));
  const auto& labels = model.labels();
  std::vector<tsdb::SeriesRef> refs(labels.size(), 0);
  std::vector<double> values;
  const int scrapes = a.hours * 3600 * 1000 / kIntervalMs;
  std::cerr << "loading " << labels.size() << " series x " << scrapes << " samples\n";
  for (int s = 0; s < scrapes; ++s) {
    model.Step(kIntervalMs / 1000.0, &values);
    auto app = db->NewAppender();
    for (size_t i = 0; i < labels.size(); ++i) {
      auto ref = app->Append(refs[i], labels[i], kStart + s * kIntervalMs, values[i]);
      if (!ref.ok()) return Fail("append", ref.status());
      refs[i] = *ref;
    }
    if (Status c = app->Commit(); !c.ok()) return Fail("commit", c);
    if (s % 8 == 7) {
      if (Status m = db->Maintain(false); !m.ok()) return Fail("maintain", m);
    }
  }
  if (Status c = db->Close(); !c.ok()) return Fail("close", c);
  std::ofstream(marker) << "ok\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--series=", 0) == 0) {
      a.series = std::stoi(arg.substr(9));
    } else if (arg.rfind("--hours=", 0) == 0) {
      a.hours = std::stoi(arg.substr(8));
    } else if (arg.rfind("--data=", 0) == 0) {
      a.data = arg.substr(7);
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!Load(a)) return 1;
  tsdb::DbOptions opts;
  opts.path = a.data + "/db";
  auto opened = tsdb::Db::Open(opts);
  if (!opened.ok()) return Fail("reopen", opened.status()) ? 0 : 1;
  std::unique_ptr<tsdb::Db> db = std::move(opened).value();
  promql::Engine engine;

  const int64_t data_end = kStart + (static_cast<int64_t>(a.hours) * 3600 * 1000 - kIntervalMs);
  struct Window {
    const char* name;
    int64_t span_ms;
    int64_t step_ms;
  };
  for (Window w : {Window{"1h", 3600'000, 15'000}, Window{"24h", 86'400'000, 60'000}}) {
    if (w.span_ms > static_cast<int64_t>(a.hours) * 3600 * 1000) continue;
    for (const auto& [name, query] : kQueries) {
      benchmark::RegisterBenchmark(
          (std::string(w.name) + "/" + name).c_str(),
          [&, w, query](benchmark::State& state) {
            // Aligned to the step as Grafana sends it.
            const int64_t end = data_end / w.step_ms * w.step_ms;
            int64_t points = 0;
            for (auto _ : state) {
              auto r = engine.RangeQuery(*db, query, end - w.span_ms, end, w.step_ms);
              if (!r.ok()) {
                state.SkipWithError(r.status().ToString().c_str());
                return;
              }
              points = 0;
              for (const auto& s : std::get<promql::Matrix>(r->value.data)) points += s.points.size();
            }
            state.counters["points"] = static_cast<double>(points);
          })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return db->Close().ok() ? 0 : 1;
}
