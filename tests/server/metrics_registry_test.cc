// The metrics registry and its text exposition (format 0.0.4).
#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "server/metrics/metrics_handler.h"
#include "server/metrics/process_collector.h"
#include "server/metrics/registry.h"
#include "server/metrics/text_format.h"

namespace pharos::server::metrics {
namespace {

TEST(Registry, CounterAndGaugeExposition) {
  Registry r;
  r.NewCounter("pharos_b_total", "B things.").Add(3);
  Gauge& g = r.NewGauge("pharos_a_bytes", "A with \\ and\nnewline.");
  g.Set(1e6);
  EXPECT_EQ(r.Expose(),
            "# HELP pharos_a_bytes A with \\\\ and\\nnewline.\n"
            "# TYPE pharos_a_bytes gauge\n"
            "pharos_a_bytes 1e+06\n"
            "# HELP pharos_b_total B things.\n"
            "# TYPE pharos_b_total counter\n"
            "pharos_b_total 3\n");
}

TEST(Registry, LabelledFamiliesSortedAndEscaped) {
  Registry r;
  Family<Counter>& f = r.NewCounterFamily("pharos_req_total", "Requests.", {"handler", "code"});
  f.With({"/b", "200"}).Inc();
  f.With({"/a", "500"}).Add(2);
  f.With({"/q\"\\\n", "200"}).Inc();
  EXPECT_EQ(r.Expose(),
            "# HELP pharos_req_total Requests.\n"
            "# TYPE pharos_req_total counter\n"
            "pharos_req_total{code=\"200\",handler=\"/b\"} 1\n"
            "pharos_req_total{code=\"200\",handler=\"/q\\\"\\\\\\n\"} 1\n"
            "pharos_req_total{code=\"500\",handler=\"/a\"} 2\n");
}

TEST(Registry, HistogramBucketsAreCumulative) {
  Registry r;
  Histogram& h = r.NewHistogram("pharos_x_seconds", "X.", {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);  // le is inclusive
  h.Observe(0.5);
  h.Observe(7);
  EXPECT_EQ(r.Expose(),
            "# HELP pharos_x_seconds X.\n"
            "# TYPE pharos_x_seconds histogram\n"
            "pharos_x_seconds_bucket{le=\"0.1\"} 2\n"
            "pharos_x_seconds_bucket{le=\"1\"} 3\n"
            "pharos_x_seconds_bucket{le=\"+Inf\"} 4\n"
            "pharos_x_seconds_sum 7.65\n"
            "pharos_x_seconds_count 4\n");
}

TEST(Registry, RegisteringTwiceReturnsTheSameMetric) {
  Registry r;
  Counter& a = r.NewCounter("pharos_c_total", "C.");
  Counter& b = r.NewCounter("pharos_c_total", "C.");
  EXPECT_EQ(&a, &b);
}

TEST(Registry, CollectorsAreMergedInNameOrder) {
  Registry r;
  r.NewGauge("pharos_m", "M.").Set(1);
  r.AddCollector([](std::vector<FamilySnapshot>* out) {
    FamilySnapshot f{"aaa_total", "From a collector.", MetricType::kCounter, {}};
    f.samples.push_back({"", {{"k", "v"}}, 5});
    out->push_back(f);
    out->push_back({"zzz_empty", "Nothing.", MetricType::kGauge, {}});  // skipped: no samples
  });
  EXPECT_EQ(r.Expose(),
            "# HELP aaa_total From a collector.\n"
            "# TYPE aaa_total counter\n"
            "aaa_total{k=\"v\"} 5\n"
            "# HELP pharos_m M.\n"
            "# TYPE pharos_m gauge\n"
            "pharos_m 1\n");
}

TEST(Registry, SpecialValues) {
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(123456), "123456");
  EXPECT_EQ(FormatSampleValue(1234567), "1.234567e+06");
}

TEST(Registry, ConcurrentUpdatesAreCounted) {
  Registry r;
  Counter& c = r.NewCounter("pharos_n_total", "N.");
  Histogram& h = r.NewHistogram("pharos_h_seconds", "H.", DefaultBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(0.001 * (i % 100));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
  EXPECT_EQ(h.Read().count, 40000u);
}

TEST(ProcessCollector, ReportsProcessMetrics) {
  Registry r;
  r.AddCollector(ProcessCollector());
  std::string text = r.Expose();
  for (const char* name :
       {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_virtual_memory_bytes ", "process_open_fds ", "process_max_fds ",
        "process_start_time_seconds "}) {
    EXPECT_NE(text.find(std::string("\n") + name), std::string::npos) << name << "\n" << text;
  }
}

TEST(MetricsHandler, ServesTextFormat) {
  Registry r;
  r.NewCounter("pharos_x_total", "X.").Inc();
  Response res = HandleMetrics(r, Request{});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res.body.find("pharos_x_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace pharos::server::metrics
