// Retention by time and by size: whole partitions leave queries and the
// disk, the newest data stays.
#include <gtest/gtest.h>

#include <bit>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/tsdb/db_test_util.h"
#include "tsdb/db.h"

namespace pharos::tsdb {
namespace {

using testing::Collect;
using testing::M;
using testing::MustOpen;
using testing::SeriesSamples;
using testing::TempDir;
using testing::TestOptions;

constexpr int64_t kStep = 15'000;
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kWidth = 2 * kHour;                      // default partition width
constexpr int64_t kStart = 236'112 * kWidth;               // 1'700'006'400'000, aligned
constexpr int kSeries = 300;

Labels SeriesLabels(int s) {
  return Labels({{"__name__", s % 2 == 0 ? "requests_total" : "temperature"},
                 {"instance", "host-" + std::to_string(s)},
                 {"job", "job" + std::to_string(s % 7)}});
}

// Deterministic values, half counters, half gauges with noisy decimals.
double Value(int s, int64_t t) {
  int64_t k = (t - kStart) / kStep;
  if (s % 2 == 0) return static_cast<double>(k * (s + 1));
  uint64_t h = (static_cast<uint64_t>(s) * 0x9e3779b97f4a7c15ULL) ^ static_cast<uint64_t>(k);
  h *= 0xbf58476d1ce4e5b9ULL;
  return static_cast<double>(h >> 20) / 1000.0;
}

// Appends every series every 15 s over [from, to), one commit per step and
// a Maintain() every `maintain_every` steps.
void Write(Db& db, int64_t from, int64_t to, int maintain_every) {
  std::vector<SeriesRef> refs(kSeries, 0);
  std::vector<Labels> labels;
  for (int s = 0; s < kSeries; ++s) labels.push_back(SeriesLabels(s));
  int step = 0;
  for (int64_t t = from; t < to; t += kStep, ++step) {
    auto app = db.NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      auto ref = app->Append(refs[s], labels[s], t, Value(s, t));
      ASSERT_TRUE(ref.ok()) << ref.status().ToString();
      refs[s] = *ref;
    }
    ASSERT_TRUE(app->Commit().ok());
    if (step % maintain_every == maintain_every - 1) {
      Status st = db.Maintain(false);
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
  }
}

// Every series holds exactly the samples of [from, to) and nothing else.
void ExpectExactly(Db& db, int64_t from, int64_t to) {
  auto got = Collect(db, {M(MatchType::kRegexMatch, "instance", "host-.*")});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), static_cast<size_t>(kSeries));
  for (const SeriesSamples& series : *got) {
    int s = std::stoi(std::string(series.labels.Get("instance").substr(5)));
    ASSERT_EQ(series.samples.size(), static_cast<size_t>((to - from) / kStep))
        << series.labels.ToString();
    for (size_t i = 0; i < series.samples.size(); ++i) {
      int64_t t = from + static_cast<int64_t>(i) * kStep;
      ASSERT_EQ(series.samples[i], (Sample{t, Value(s, t)})) << series.labels.ToString();
    }
  }
}

// Writes `hours` of data with retention off and closes, so that the WAL is
// flushed away and SST files hold the data.
void Fill(const std::string& dir, int hours) {
  DbOptions o = TestOptions(dir);
  o.retention_ms = 0;
  auto db = MustOpen(o);
  ASSERT_NE(db, nullptr);
  Write(*db, kStart, kStart + hours * kHour, 240);
  ASSERT_TRUE(db->Maintain(true).ok());
  ASSERT_TRUE(db->Close().ok());
}

TEST(Retention, TimeRetentionDropsOldPartitionsFromQueriesAndDisk) {
  TempDir dir;
  Fill(dir.path(), 12);
  if (HasFatalFailure()) return;

  DbOptions o = TestOptions(dir.path());
  o.retention_ms = 6 * kHour;
  {
    auto db = MustOpen(o);
    ASSERT_NE(db, nullptr);
    ExpectExactly(*db, kStart, kStart + 12 * kHour);
    uint64_t before = db->DiskBytes();
    ASSERT_TRUE(db->Maintain(false).ok());
    uint64_t after = db->DiskBytes();
    std::printf("time retention: %" PRIu64 " bytes before, %" PRIu64 " after\n", before, after);
    // The newest sample is at 12h - 15s, so data older than 6h - 15s has
    // expired: the partitions [0, 2h) and [2h, 4h) end before that and go;
    // [4h, 6h) still holds a sample inside the retention window and stays.
    ExpectExactly(*db, kStart + 4 * kHour, kStart + 12 * kHour);
    EXPECT_EQ(db->Stats().min_time, kStart + 4 * kHour);
    // A third of the data is gone, and the disk space with it.
    EXPECT_LT(after, before * 8 / 10);
    // Writing goes on; an hour later [4h, 6h) has expired too.
    Write(*db, kStart + 12 * kHour, kStart + 13 * kHour, 240);
    ExpectExactly(*db, kStart + 6 * kHour, kStart + 13 * kHour);
    ASSERT_TRUE(db->Close().ok());
  }
  // Dropped partitions stay dropped.
  auto db = MustOpen(o);
  ExpectExactly(*db, kStart + 6 * kHour, kStart + 13 * kHour);
  EXPECT_EQ(db->Stats().min_time, kStart + 6 * kHour);
}

TEST(Retention, TimeRetentionWhileWriting) {
  TempDir dir;
  DbOptions o = TestOptions(dir.path());
  o.retention_ms = 6 * kHour;
  auto db = MustOpen(o);
  ASSERT_NE(db, nullptr);
  uint64_t peak = 0;
  for (int h = 0; h < 12; ++h) {
    Write(*db, kStart + h * kHour, kStart + (h + 1) * kHour, 80);
    if (HasFatalFailure()) return;
    peak = std::max(peak, db->DiskBytes());
    // At most 6h of retention plus the partition being cut and the open ones.
    auto oldest = Collect(*db, {M(MatchType::kEqual, "instance", "host-1")});
    ASSERT_TRUE(oldest.ok());
    ASSERT_EQ(oldest->size(), 1u);
    int64_t newest = kStart + (h + 1) * kHour - kStep;
    EXPECT_GE(oldest->front().samples.front().t, newest - 6 * kHour - kWidth) << "hour " << h;
  }
  ExpectExactly(*db, kStart + 4 * kHour, kStart + 12 * kHour);
  std::printf("time retention while writing: peak %" PRIu64 " bytes, end %" PRIu64 "\n", peak,
              db->DiskBytes());
}

TEST(Retention, SizeRetentionKeepsNewestData) {
  TempDir dir;
  Fill(dir.path(), 12);
  if (HasFatalFailure()) return;
  uint64_t full;
  {
    auto db = MustOpen(TestOptions(dir.path()));
    ASSERT_NE(db, nullptr);
    full = db->DiskBytes();
  }
  DbOptions o = TestOptions(dir.path());
  o.retention_ms = 0;
  o.retention_bytes = full / 2;
  auto db = MustOpen(o);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Maintain(false).ok());
  uint64_t after = db->DiskBytes();
  std::printf("size retention: limit %" PRIu64 ", %" PRIu64 " bytes before, %" PRIu64
              " after\n",
              o.retention_bytes, full, after);
  // Oldest partitions go first, so what is left is a suffix of whole
  // partitions, including the newest data.
  int64_t min_time = db->Stats().min_time;
  EXPECT_GT(min_time, kStart);
  EXPECT_EQ(min_time % kWidth, 0);
  ExpectExactly(*db, min_time, kStart + 12 * kHour);
  // Under the limit, unless only partitions the head may still write to are
  // left: those are never dropped. The newest sample is at 12h - 15s, so
  // partitions from 10h on are open.
  EXPECT_TRUE(after <= o.retention_bytes || min_time >= kStart + 10 * kHour)
      << after << " bytes, data from " << min_time;
}

}  // namespace
}  // namespace pharos::tsdb
