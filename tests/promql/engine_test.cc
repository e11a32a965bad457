// The engine's own behaviour beyond the script tests: limits and their
// error codes, range query validation, result shapes and order, stats, and
// evaluation over the real storage engine.
#include "promql/engine.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/promql/memory_storage.h"
#include "tsdb/db.h"

namespace pharos::promql {
namespace {

constexpr int64_t kMinute = 60'000;

// `n` series of `metric`, one sample every 15 s for `minutes` minutes, value
// = series index + sample index.
MemoryStorage MakeStorage(int n, int minutes, const std::string& metric = "m") {
  MemoryStorage s;
  for (int i = 0; i < n; ++i) {
    tsdb::Labels l{{"__name__", metric}, {"i", std::to_string(i)}, {"odd", i % 2 ? "1" : "0"}};
    for (int j = 0; j <= minutes * 4; ++j) s.Add(l, j * 15'000, i + j);
  }
  return s;
}

TEST(Engine, InstantVectorIsStampedWithTheEvaluationTime) {
  MemoryStorage s = MakeStorage(3, 10);
  Engine engine;
  auto r = engine.InstantQuery(s, "m", 5 * kMinute + 7'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Vector& v = std::get<Vector>(r->value.data);
  ASSERT_EQ(v.size(), 3u);
  for (const VectorSample& smp : v) EXPECT_EQ(smp.t, 5 * kMinute + 7'000);
  EXPECT_EQ(v[0].v, 20);  // sample at 5m of series 0
  EXPECT_EQ(r->value.type(), ValueType::kVector);
}

TEST(Engine, ScalarStringAndMatrixResults) {
  MemoryStorage s = MakeStorage(1, 10);
  Engine engine;
  auto scalar = engine.InstantQuery(s, "1 + 2", 1000);
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(std::get<Scalar>(scalar->value.data).v, 3);
  EXPECT_EQ(std::get<Scalar>(scalar->value.data).t, 1000);
  auto str = engine.InstantQuery(s, "\"hello\"", 1000);
  ASSERT_TRUE(str.ok());
  EXPECT_EQ(std::get<StringValue>(str->value.data).v, "hello");
  auto range = engine.InstantQuery(s, "m[1m]", 2 * kMinute);
  ASSERT_TRUE(range.ok());
  const Matrix& m = std::get<Matrix>(range->value.data);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].points.size(), 5u);  // both ends of [1m, 2m] included
  EXPECT_EQ(m[0].labels.MetricName(), "m");
}

TEST(Engine, RangeQueryOfScalarIsOneSeriesWithoutLabels) {
  MemoryStorage s;
  Engine engine;
  auto r = engine.RangeQuery(s, "time()", 0, 10 * kMinute, kMinute);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Matrix& m = std::get<Matrix>(r->value.data);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].labels.empty());
  ASSERT_EQ(m[0].points.size(), 11u);
  EXPECT_EQ(m[0].points[10].v, 600);
}

TEST(Engine, RangeResultsAreSortedByLabels) {
  MemoryStorage s = MakeStorage(12, 10);
  Engine engine;
  auto r = engine.RangeQuery(s, "sort_desc(m)", 0, 5 * kMinute, kMinute);
  ASSERT_TRUE(r.ok());
  const Matrix& m = std::get<Matrix>(r->value.data);
  ASSERT_EQ(m.size(), 12u);
  for (size_t i = 1; i < m.size(); ++i) EXPECT_LT(m[i - 1].labels, m[i].labels);
}

TEST(Engine, InstantSortOrdersByValue) {
  MemoryStorage s = MakeStorage(5, 10);
  Engine engine;
  auto r = engine.InstantQuery(s, "sort_desc(m)", 5 * kMinute);
  ASSERT_TRUE(r.ok());
  const Vector& v = std::get<Vector>(r->value.data);
  ASSERT_EQ(v.size(), 5u);
  for (size_t i = 1; i < v.size(); ++i) EXPECT_GE(v[i - 1].v, v[i].v);
}

TEST(Engine, RangeQueryValidation) {
  MemoryStorage s;
  Engine engine;
  auto neg = engine.RangeQuery(s, "1", 0, 100, 0);
  EXPECT_EQ(neg.status().code(), StatusCode::kInvalidArgument);
  auto back = engine.RangeQuery(s, "1", 100, 0, 1);
  EXPECT_EQ(back.status().code(), StatusCode::kInvalidArgument);
  auto too_many = engine.RangeQuery(s, "1", 0, 11'001, 1);
  EXPECT_EQ(too_many.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("11,000 points"), std::string::npos);
  EXPECT_TRUE(engine.RangeQuery(s, "1", 0, 11'000, 1).ok());
  auto matrix = engine.RangeQuery(s, "m[5m]", 0, 100, 1);
  EXPECT_EQ(matrix.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(matrix.status().message(),
            "invalid expression type \"range vector\" for range query, must be Scalar or "
            "instant Vector");
  auto str = engine.RangeQuery(s, "\"x\"", 0, 100, 1);
  EXPECT_EQ(str.status().code(), StatusCode::kInvalidArgument);
}

TEST(Engine, ParseErrorsAreInvalidArgument) {
  MemoryStorage s;
  Engine engine;
  auto r = engine.InstantQuery(s, "sum(m", 0);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("parse error"), std::string::npos);
}

TEST(Engine, TooManySamplesIsResourceExhausted) {
  MemoryStorage s = MakeStorage(50, 60);
  EngineOptions opts;
  opts.max_samples = 1000;
  Engine engine(opts);
  auto r = engine.RangeQuery(s, "m", 0, 60 * kMinute, 15'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "query processing would load too many samples into memory in query execution");
  // A query within the limit still works on the same engine.
  EXPECT_TRUE(engine.InstantQuery(s, "sum(m)", 30 * kMinute).ok());
}

TEST(Engine, TimeoutIsDeadlineExceeded) {
  MemoryStorage s = MakeStorage(20, 60);
  Engine engine;
  QueryOptions q;
  q.timeout = std::chrono::milliseconds(-1);
  auto r = engine.RangeQuery(s, "rate(m[5m])", 0, 60 * kMinute, 15'000, q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(r.status().message(), "query timed out in expression evaluation");
}

TEST(Engine, CancellationIsCancelled) {
  MemoryStorage s = MakeStorage(20, 60);
  Engine engine;
  std::atomic<bool> cancel{true};
  QueryOptions q;
  q.cancel = &cancel;
  auto r = engine.InstantQuery(s, "sum(m)", 0, q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "query was canceled in expression evaluation");
}

TEST(Engine, ExecutionErrorsAreFailedPrecondition) {
  MemoryStorage s;
  s.Add(tsdb::Labels{{"__name__", "a"}, {"x", "1"}}, 0, 1);
  s.Add(tsdb::Labels{{"__name__", "b"}, {"x", "1"}}, 0, 2);
  Engine engine;
  auto r = engine.InstantQuery(s, "-{x=\"1\"}", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset");
}

TEST(Engine, StatsCountTouchedSamples) {
  MemoryStorage s = MakeStorage(2, 10);
  Engine engine;
  auto r = engine.InstantQuery(s, "m", 5 * kMinute);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stats.total_samples, 2);
  auto range = engine.InstantQuery(s, "sum_over_time(m[1m])", 5 * kMinute);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->stats.total_samples, 10);  // 5 samples per window, 2 series
  EXPECT_GT(range->stats.peak_samples, 0);
}

// Aggregations over a selector or a range function fold their input as it
// is read, batch by batch; over many batches the answer, the samples counted
// and the peak must be those of aggregating the whole input at once (here
// forced by a binary operation in between).
TEST(Engine, StreamedAggregationEqualsTheMaterializedOne) {
  MemoryStorage s = MakeStorage(700, 30);
  Engine engine;
  const std::pair<const char*, const char*> pairs[] = {
      {"sum by (odd) (rate(m[5m]))", "sum by (odd) (rate(m[5m]) + 0)"},
      {"avg without (i) (m)", "avg without (i) (m + 0)"},
      {"stddev(irate(m[1m]))", "stddev(irate(m[1m]) - 0)"},
      {"count by (__name__) (delta(m[2m]))", "count by (__name__) (delta(m[2m]) * 1)"},
      {"max by (__name__) (last_over_time(m[2m]))",
       "max by (__name__) (last_over_time(m[2m]) or nothing)"},
  };
  for (const auto& [streamed, whole] : pairs) {
    auto a = engine.RangeQuery(s, streamed, 0, 30 * kMinute, 15'000);
    auto b = engine.RangeQuery(s, whole, 0, 30 * kMinute, 15'000);
    ASSERT_TRUE(a.ok() && b.ok()) << streamed;
    const Matrix& ma = std::get<Matrix>(a->value.data);
    const Matrix& mb = std::get<Matrix>(b->value.data);
    ASSERT_EQ(ma.size(), mb.size()) << streamed;
    ASSERT_FALSE(ma.empty()) << streamed;
    for (size_t k = 0; k < ma.size(); ++k) {
      EXPECT_EQ(ma[k].labels, mb[k].labels) << streamed;
      EXPECT_EQ(ma[k].points, mb[k].points) << streamed;  // bit for bit: same order of sums
    }
    EXPECT_EQ(a->stats.total_samples, b->stats.total_samples) << streamed;
  }
  // The metric name goes with rate, so grouping by it gives one group.
  auto by_name = engine.InstantQuery(s, "sum by (__name__) (rate(m[5m]))", 20 * kMinute);
  ASSERT_TRUE(by_name.ok());
  const Vector& v = std::get<Vector>(by_name->value.data);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(v[0].labels.empty());
}

// The input of an aggregation counts against max_samples as a whole, as in
// Prometheus, even though it is never held whole.
TEST(Engine, StreamedAggregationInputCountsAgainstMaxSamples) {
  MemoryStorage s = MakeStorage(700, 30);
  EngineOptions opts;
  opts.max_samples = 700 * 100;  // below 700 series x 121 steps
  Engine engine(opts);
  auto r = engine.RangeQuery(s, "sum(rate(m[5m]))", 0, 30 * kMinute, 15'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  auto small = engine.RangeQuery(s, "sum(rate(m{i=\"1\"}[5m]))", 0, 30 * kMinute, 15'000);
  EXPECT_TRUE(small.ok());
}

// Range functions over several metric names are not streamed: two series
// equal without their names are an error, inside an aggregation too.
TEST(Engine, RangeFunctionOverSeveralNamesStillChecksLabelsets) {
  MemoryStorage s;
  for (int j = 0; j < 20; ++j) {
    s.Add(tsdb::Labels{{"__name__", "a"}, {"x", "1"}}, j * 15'000, j);
    s.Add(tsdb::Labels{{"__name__", "b"}, {"x", "1"}}, j * 15'000, 2 * j);
  }
  Engine engine;
  auto r = engine.InstantQuery(s, "sum(rate({x=\"1\"}[1m]))", 4 * kMinute);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset");
  auto kept = engine.InstantQuery(s, "count(last_over_time({x=\"1\"}[1m]))", 4 * kMinute);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(std::get<Vector>(kept->value.data).at(0).v, 2);
}

TEST(Engine, LookbackIsConfigurablePerQuery) {
  MemoryStorage s;
  s.Add(tsdb::Labels{{"__name__", "m"}}, 0, 1);
  Engine engine;
  auto in = engine.InstantQuery(s, "m", 5 * kMinute);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(std::get<Vector>(in->value.data).size(), 1u);  // exactly 5m old: still there
  QueryOptions q;
  q.lookback_delta_ms = kMinute;
  auto out = engine.InstantQuery(s, "m", 5 * kMinute, q);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(std::get<Vector>(out->value.data).empty());
}

// The same answers over the real storage engine as over memory.
TEST(Engine, EvaluatesOverRealStorage) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("pharos-engine-test-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  tsdb::DbOptions opts;
  opts.path = dir;
  opts.background = false;
  auto db = tsdb::Db::Open(opts);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  MemoryStorage mem;
  for (int i = 0; i < 4; ++i) {
    auto app = (*db)->NewAppender();
    tsdb::Labels l{{"__name__", "reqs"}, {"code", i % 2 ? "500" : "200"}, {"i", std::to_string(i)}};
    tsdb::SeriesRef ref = 0;
    for (int j = 0; j < 240; ++j) {
      const double v = (j % 100) * (i + 1);  // resets every 100 samples
      auto r = app->Append(ref, l, j * 15'000, v);
      ASSERT_TRUE(r.ok());
      ref = *r;
      mem.Add(l, j * 15'000, v);
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  Engine engine;
  for (const char* q : {"sum by (code) (rate(reqs[5m]))", "max_over_time(reqs[10m])",
                        "reqs > 50", "topk(2, reqs)", "count(reqs offset 10m)"}) {
    auto a = engine.RangeQuery(**db, q, 10 * kMinute, 59 * kMinute, kMinute);
    auto b = engine.RangeQuery(mem, q, 10 * kMinute, 59 * kMinute, kMinute);
    ASSERT_TRUE(a.ok()) << q << ": " << a.status().ToString();
    ASSERT_TRUE(b.ok()) << q;
    const Matrix& ma = std::get<Matrix>(a->value.data);
    const Matrix& mb = std::get<Matrix>(b->value.data);
    ASSERT_EQ(ma.size(), mb.size()) << q;
    for (size_t i = 0; i < ma.size(); ++i) {
      EXPECT_EQ(ma[i].labels, mb[i].labels) << q;
      EXPECT_EQ(ma[i].points, mb[i].points) << q;
    }
  }
  ASSERT_TRUE((*db)->Close().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pharos::promql
