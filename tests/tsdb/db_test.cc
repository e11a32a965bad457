#include "tsdb/db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "tests/tsdb/db_test_util.h"

namespace pharos::tsdb {
namespace {

using testing::M;
using testing::MustOpen;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

const Labels kA({{"__name__", "up"}, {"job", "a"}});
const Labels kB({{"__name__", "up"}, {"job", "b"}});

TEST(Db, AppendCommitQuery) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  auto ref = app->Append(0, kA, 1000, 1);
  ASSERT_TRUE(ref.ok());
  ASSERT_TRUE(app->Append(*ref, kA, 2000, 2).ok());
  ASSERT_TRUE(app->Append(0, kB, 1000, 5).ok());
  // Nothing visible before Commit.
  EXPECT_TRUE(ReadAll(*db, {M(MatchType::kEqual, "__name__", "up")}).empty());
  ASSERT_TRUE(app->Commit().ok());
  auto got = ReadAll(*db, {M(MatchType::kEqual, "__name__", "up")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[kA.ToString()], (std::vector<Sample>{{1000, 1}, {2000, 2}}));
  EXPECT_EQ(got[kB.ToString()], (std::vector<Sample>{{1000, 5}}));
  got = ReadAll(*db, {M(MatchType::kRegexMatch, "job", "b|c")});
  EXPECT_EQ(got.size(), 1u);
  got = ReadAll(*db, {M(MatchType::kEqual, "__name__", "up"), M(MatchType::kNotEqual, "job", "a")});
  EXPECT_EQ(got.size(), 1u);
  EXPECT_TRUE(db->Close().ok());
}

TEST(Db, AppendsByRefAloneAndReportsUnknownRefs) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  auto ref = app->Append(0, kA, 1000, 1);
  ASSERT_TRUE(ref.ok());
  ASSERT_TRUE(app->Commit().ok());
  app = db->NewAppender();
  auto again = app->Append(*ref, Labels(), 2000, 2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *ref);
  auto unknown = app->Append(*ref + 1000, Labels(), 2000, 3);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  // With its labels an unknown ref is only a hint.
  ASSERT_TRUE(app->Append(*ref + 1000, kB, 2000, 4).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto got = ReadAll(*db, {M(MatchType::kEqual, "__name__", "up")});
  EXPECT_EQ(got[kA.ToString()], (std::vector<Sample>{{1000, 1}, {2000, 2}}));
  EXPECT_EQ(got[kB.ToString()], (std::vector<Sample>{{2000, 4}}));
  EXPECT_TRUE(db->Close().ok());
}

TEST(Db, RollbackDropsBatch) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, kA, 1000, 1).ok());
  ASSERT_TRUE(app->Rollback().ok());
  EXPECT_TRUE(ReadAll(*db, {M(MatchType::kEqual, "job", "a")}).empty());
}

TEST(Db, RejectsLikePrometheus) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, kA, 10'000'000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  app = db->NewAppender();
  // Out of order.
  EXPECT_EQ(app->Append(0, kA, 9'999'000, 1).status().code(), StatusCode::kOutOfRange);
  // Same timestamp, same value: a no-op.
  EXPECT_TRUE(app->Append(0, kA, 10'000'000, 1).ok());
  // Same timestamp, another value: duplicate.
  EXPECT_EQ(app->Append(0, kA, 10'000'000, 2).status().code(), StatusCode::kOutOfRange);
  // Older than the head's max minus one hour: out of bounds, even for a new series.
  EXPECT_EQ(app->Append(0, kB, 10'000'000 - 3'600'001, 1).status().code(),
            StatusCode::kOutOfRange);
  EXPECT_TRUE(app->Append(0, kB, 10'000'000 - 3'600'000, 1).ok());
  // Bad labels.
  EXPECT_EQ(app->Append(0, Labels(), 10'000'000, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(app->Append(0, Labels({{"a", "\xff"}}), 10'000'000, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(app->Append(0, Labels({{"0a", "x"}}), 10'000'000, 1).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(app->Commit().ok());
  DbStats st = db->Stats();
  EXPECT_EQ(st.rejections.out_of_order, 1u);
  EXPECT_EQ(st.rejections.duplicate, 1u);
  EXPECT_EQ(st.rejections.out_of_bounds, 1u);
  EXPECT_EQ(st.rejections.invalid_labels, 3u);
  EXPECT_EQ(st.head_series, 2u);
}

TEST(Db, SpecialValuesRoundTrip) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  std::vector<Sample> want = {{1, kStaleNaN},
                              {2, std::numeric_limits<double>::infinity()},
                              {3, -std::numeric_limits<double>::infinity()},
                              {4, std::nan("")},
                              {5, -0.0},
                              {6, 1e308}};
  for (const Sample& s : want) ASSERT_TRUE(app->Append(0, kA, s.t, s.v).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(ReadAll(*db, {M(MatchType::kEqual, "job", "a")})[kA.ToString()], want);
}

TEST(Db, ReopenReplaysWalAndSnapshots) {
  TempDir dir;
  auto opts = TestOptions(dir.path());
  std::vector<Sample> want;
  {
    auto db = MustOpen(opts);
    for (int i = 0; i < 500; ++i) {
      auto app = db->NewAppender();
      ASSERT_TRUE(app->Append(0, kA, i * 15000, i * 1.5).ok());
      ASSERT_TRUE(app->Commit().ok());
      want.push_back({i * 15000, i * 1.5});
      if (i == 250) {
        ASSERT_TRUE(db->Maintain(true).ok());
      }
    }
    // No Close(): the destructor closes, but simulate a crash-free reopen of
    // a db whose WAL holds records after the checkpoint.
    ASSERT_TRUE(db->Maintain(false).ok());
  }
  auto db = MustOpen(opts);
  EXPECT_EQ(ReadAll(*db, {M(MatchType::kEqual, "job", "a")})[kA.ToString()], want);
  // Appending continues where it left off.
  auto app = db->NewAppender();
  EXPECT_EQ(app->Append(0, kA, 499 * 15000, 0).status().code(), StatusCode::kOutOfRange);
  ASSERT_TRUE(app->Append(0, kA, 500 * 15000, 7).ok());
  ASSERT_TRUE(app->Commit().ok());
  want.push_back({500 * 15000, 7});
  EXPECT_EQ(ReadAll(*db, {M(MatchType::kEqual, "job", "a")})[kA.ToString()], want);
}

TEST(Db, PersistsChunksAcrossPartitionsAndQueriesRanges) {
  TempDir dir;
  auto opts = TestOptions(dir.path());
  std::vector<Sample> want;
  {
    auto db = MustOpen(opts);
    // 6 hours at 15 s: three partitions, the first two closed.
    for (int i = 0; i < 1440; ++i) {
      auto app = db->NewAppender();
      ASSERT_TRUE(app->Append(0, kA, int64_t{i} * 15000, i).ok());
      ASSERT_TRUE(app->Append(0, kB, int64_t{i} * 15000, -i).ok());
      ASSERT_TRUE(app->Commit().ok());
      want.push_back({int64_t{i} * 15000, double(i)});
      if (i % 100 == 0) {
        ASSERT_TRUE(db->Maintain(false).ok());
      }
    }
    ASSERT_TRUE(db->Maintain(true).ok());
    auto got = ReadAll(*db, {M(MatchType::kEqual, "job", "a")});
    EXPECT_EQ(got[kA.ToString()], want);
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = MustOpen(opts);
  EXPECT_EQ(ReadAll(*db, {M(MatchType::kEqual, "job", "a")})[kA.ToString()], want);
  // A sub-range crossing a partition boundary.
  auto got = ReadAll(*db, {M(MatchType::kEqual, "job", "a")}, 7'000'000, 7'500'000);
  std::vector<Sample> sub;
  for (const Sample& s : want) {
    if (s.t >= 7'000'000 && s.t <= 7'500'000) sub.push_back(s);
  }
  EXPECT_EQ(got[kA.ToString()], sub);
  // Label names and values.
  auto q = db->NewQuerier(kMinTime, kMaxTime);
  ASSERT_TRUE(q.ok());
  auto names = (*q)->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "job"}));
  auto values = (*q)->LabelValues("job", {});
  EXPECT_EQ(*values, (std::vector<std::string>{"a", "b"}));
  values = (*q)->LabelValues("job", {M(MatchType::kEqual, "job", "b")});
  EXPECT_EQ(*values, (std::vector<std::string>{"b"}));
  // An old range only: served from persisted partitions.
  auto q2 = db->NewQuerier(0, 3'600'000);
  auto v2 = (*q2)->LabelValues("job", {});
  EXPECT_EQ(*v2, (std::vector<std::string>{"a", "b"}));
}

TEST(Db, DeleteSeriesRemovesSamplesDurably) {
  TempDir dir;
  auto opts = TestOptions(dir.path());
  {
    auto db = MustOpen(opts);
    for (int i = 0; i < 1000; ++i) {
      auto app = db->NewAppender();
      ASSERT_TRUE(app->Append(0, kA, int64_t{i} * 15000, i).ok());
      ASSERT_TRUE(app->Append(0, kB, int64_t{i} * 15000, i).ok());
      ASSERT_TRUE(app->Commit().ok());
    }
    ASSERT_TRUE(db->Maintain(false).ok());
    ASSERT_TRUE(db->DeleteSeries({M(MatchType::kEqual, "job", "a")}, 1'000'000, 10'000'000).ok());
  }
  auto db = MustOpen(opts);
  auto got = ReadAll(*db, {M(MatchType::kEqual, "__name__", "up")});
  for (const Sample& s : got[kA.ToString()]) {
    EXPECT_TRUE(s.t < 1'000'000 || s.t > 10'000'000) << s.t;
  }
  EXPECT_EQ(got[kA.ToString()].size(), 1000u - 600u);
  EXPECT_EQ(got[kB.ToString()].size(), 1000u);
}

// A query for many series reads whole partitions in key order, one for few
// series seeks per series: both must return the same samples.
TEST(Db, BulkAndPerSeriesReadsAgree) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  for (int i = 0; i < 1000; ++i) {
    auto app = db->NewAppender();
    for (int s = 0; s < 100; ++s) {
      Labels l({{"__name__", "m"}, {"s", std::to_string(s)}});
      ASSERT_TRUE(app->Append(0, l, int64_t{i} * 15000, i * s).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
    if (i % 200 == 0) {
      ASSERT_TRUE(db->Maintain(false).ok());
    }
  }
  ASSERT_TRUE(db->Close().ok());
  db = MustOpen(TestOptions(dir.path()));
  auto all = ReadAll(*db, {M(MatchType::kEqual, "__name__", "m")}, 1'000'000, 14'000'000);
  ASSERT_EQ(all.size(), 100u);
  for (const char* s : {"0", "7", "99"}) {
    auto one = ReadAll(*db, {M(MatchType::kEqual, "s", s)}, 1'000'000, 14'000'000);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one.begin()->second, all[one.begin()->first]) << s;
    EXPECT_EQ(one.begin()->second.size(), 13'000'000u / 15000 + 1);
  }
}

// Reading whole partitions on several threads splits the wanted series into
// slices of series ids: every series must come back whole and in order, and
// both with a cache-filling short range and a long range.
TEST(Db, BulkReadsOnSeveralThreadsAgree) {
  TempDir dir;
  constexpr int kSeries = 2400;  // 1600 wanted: three slices of 512 or more
  auto db = MustOpen(TestOptions(dir.path()));
  for (int i = 0; i < 600; ++i) {  // 10 h at 60 s: five partitions
    auto app = db->NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      // Every third series is of another metric: the slices skip them.
      Labels l({{"__name__", s % 3 ? "m" : "other"}, {"s", std::to_string(s)}});
      ASSERT_TRUE(app->Append(0, l, int64_t{i} * 60000, i + s).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
    if (i % 100 == 99) {
      ASSERT_TRUE(db->Maintain(true).ok());
    }
  }
  ASSERT_TRUE(db->Close().ok());
  db = MustOpen(TestOptions(dir.path()));
  for (auto [mint, maxt] : {std::pair<int64_t, int64_t>{3'000'000, 9'000'000},
                            std::pair<int64_t, int64_t>{0, 36'000'000}}) {
    auto q = db->NewQuerier(mint, maxt);
    ASSERT_TRUE(q.ok());
    const std::vector<Matcher> ms = {M(MatchType::kEqual, "__name__", "m")};
    auto one = testing::Collect(**q, SelectHints{mint, maxt, false, 1}, ms);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    ASSERT_EQ(one->size(), size_t{kSeries * 2 / 3});
    for (int threads : {2, 3}) {
      auto many = testing::Collect(**q, SelectHints{mint, maxt, false, threads}, ms);
      ASSERT_TRUE(many.ok()) << many.status().ToString();
      ASSERT_EQ(many->size(), one->size());
      for (size_t k = 0; k < one->size(); ++k) {
        EXPECT_EQ((*many)[k].labels, (*one)[k].labels);
        EXPECT_EQ((*many)[k].samples, (*one)[k].samples) << (*one)[k].labels.ToString();
      }
    }
    // Values as written: series s has i + s at minute i.
    const auto& first = one->front();
    const int s = std::stoi(std::string(first.labels.Get("s")));
    ASSERT_FALSE(first.samples.empty());
    EXPECT_EQ(first.samples.front().t, (mint + 59'999) / 60'000 * 60'000);
    EXPECT_EQ(first.samples.front().v, first.samples.front().t / 60'000 + s);
    EXPECT_EQ(first.samples.size(), static_cast<size_t>((std::min<int64_t>(maxt, 599 * 60'000) -
                                                         first.samples.front().t) / 60'000 + 1));
  }
}

// Enough series that checkpoints and Close() persist on two threads.
TEST(Db, ManySeriesSurviveCloseAndReopen) {
  TempDir dir;
  constexpr int kSeries = 40000;
  {
    auto db = MustOpen(TestOptions(dir.path()));
    for (int i = 0; i < 3; ++i) {
      auto app = db->NewAppender();
      for (int s = 0; s < kSeries; ++s) {
        ASSERT_TRUE(app->Append(0, Labels({{"__name__", "m"}, {"s", std::to_string(s)}}),
                                int64_t{i} * 15000, s + i)
                        .ok());
      }
      ASSERT_TRUE(app->Commit().ok());
      ASSERT_TRUE(db->Maintain(/*force_checkpoint=*/i == 1).ok());
    }
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = MustOpen(TestOptions(dir.path()));
  auto got = ReadAll(*db, {M(MatchType::kEqual, "__name__", "m")});
  ASSERT_EQ(got.size(), size_t{kSeries});
  for (int s : {0, 12345, kSeries - 1}) {
    Labels l({{"__name__", "m"}, {"s", std::to_string(s)}});
    EXPECT_EQ(got[l.ToString()],
              (std::vector<Sample>{{0, double(s)}, {15000, s + 1.0}, {30000, s + 2.0}}));
  }
}

// Series come back in label order, also when values hold NUL bytes or one
// value is a prefix of another.
TEST(Db, SelectOrdersSeriesByLabels) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  std::vector<Labels> sets;
  for (std::string v : {std::string("ab"), std::string("a"), std::string("a\0b", 3),
                        std::string("a\0", 2), std::string("b"), std::string("a\x01")}) {
    sets.push_back(Labels({{"__name__", "m"}, {"v", v}}));
    sets.push_back(Labels({{"__name__", "m"}, {"v", v}, {"w", "1"}}));
  }
  sets.push_back(Labels({{"__name__", "m"}, {"u", "x"}}));
  auto app = db->NewAppender();
  for (const Labels& l : sets) ASSERT_TRUE(app->Append(0, l, 1000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  std::sort(sets.begin(), sets.end());
  auto q = db->NewQuerier(kMinTime, kMaxTime);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({}, {M(MatchType::kEqual, "__name__", "m")});
  std::vector<Labels> got;
  while (set->Next()) got.push_back(set->At().labels());
  ASSERT_TRUE(set->status().ok());
  EXPECT_EQ(got, sets);
}

TEST(Db, StatsReportHead) {
  TempDir dir;
  auto db = MustOpen(TestOptions(dir.path()));
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, kA, 1000, 1).ok());
  ASSERT_TRUE(app->Append(0, kB, 2000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  DbStats st = db->Stats();
  EXPECT_EQ(st.head_series, 2u);
  EXPECT_EQ(st.head_min_time, 1000);
  EXPECT_EQ(st.head_max_time, 2000);
  ASSERT_FALSE(st.series_count_by_metric_name.empty());
  EXPECT_EQ(st.series_count_by_metric_name[0].name, "up");
  EXPECT_EQ(st.series_count_by_metric_name[0].value, 2u);
}

TEST(Db, QuietHeadIsCheckpointedWithoutWaitingForTheInterval) {
  // A backfill of 10 samples for each of 3 series, then nothing: the WAL
  // is truncated about kQuietMs later, not at the 60 s round or 5 min
  // checkpoint interval; a writer that keeps going is not interrupted.
  TempDir dir;
  DbOptions o = TestOptions(dir.path());
  o.background = true;
  o.maintenance_interval_ms = 60'000;
  auto db = MustOpen(o);
  const Labels series[] = {Labels({{"__name__", "a"}}), Labels({{"__name__", "b"}}),
                           Labels({{"__name__", "c"}})};
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (int i = 0; i < 10; ++i) {
    auto app = db->NewAppender();
    for (const Labels& l : series) ASSERT_TRUE(app->Append(0, l, now - 60'000 + i * 1000, i).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  EXPECT_EQ(db->Stats().wal_records, 10u);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (db->Stats().wal_records != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(db->Stats().wal_records, 0u);
  EXPECT_EQ(ReadAll(*db, {M(MatchType::kEqual, "__name__", "b")}).begin()->second.size(), 10u);
  ASSERT_TRUE(db->Close().ok());
  // Everything is still there after a reopen.
  auto again = MustOpen(TestOptions(dir.path()));
  EXPECT_EQ(ReadAll(*again, {M(MatchType::kRegexMatch, "__name__", ".*")}).size(), 3u);
  EXPECT_TRUE(again->Close().ok());
}

}  // namespace
}  // namespace pharos::tsdb
