// Damaged data on disk: values overwritten behind the Db's back must come
// out of queries as kCorruption (from the SeriesSet or the SampleIterator),
// never as a crash, a hang or made-up samples of other series.
//
// The test opens the RocksDB directory itself while the Db is closed and
// rewrites values in place; see tsdb/rocks/keys.h for the layouts.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/tsdb/db_test_util.h"
#include "tsdb/db.h"
#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/keys.h"

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

Labels Job(const std::string& job) { return Labels({{"__name__", "up"}, {"job", job}}); }

// Writes jobs a..e for [0, 4h) and "keeper" for [0, 8h): the partitions
// [0, 2h) and [2h, 4h) close, and a..e leave the head, so reading them
// needs their labels from the partition index and their chunks from disk.
void WritePersisted(const std::string& dir) {
  auto db = MustOpen(TestOptions(dir));
  ASSERT_NE(db, nullptr);
  for (int64_t t = 0; t < 8 * kHour; t += kStep) {
    auto app = db->NewAppender();
    if (t < 4 * kHour) {
      for (const char* job : {"a", "b", "c", "d", "e"}) {
        ASSERT_TRUE(app->Append(0, Job(job), t, static_cast<double>(t / kStep) + 0.25).ok());
      }
    }
    ASSERT_TRUE(app->Append(0, Job("keeper"), t, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
    if (t % kHour == 0) {
      ASSERT_TRUE(db->Maintain(false).ok());
    }
  }
  ASSERT_TRUE(db->Maintain(true).ok());
  ASSERT_TRUE(db->Close().ok());
}

// The RocksDB underneath a closed Db, with every column family open.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies({}, path, &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const std::string& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    s = rocksdb::DB::Open({}, path, cfs, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
    for (size_t i = 0; i < handles_.size(); ++i) by_name_[names[i]] = handles_[i];
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
  }

  rocksdb::ColumnFamilyHandle* cf(const std::string& name) { return by_name_.at(name); }

  // (key, value) of every entry of a column family.
  std::vector<std::pair<std::string, std::string>> Scan(const std::string& cf_name) {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(cf_name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  void Put(const std::string& cf_name, const std::string& key, const std::string& value) {
    rocksdb::Status s = db_->Put({}, cf(cf_name), key, value);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Id of the series with `labels` in the index of partition `p`.
  uint64_t SeriesId(int64_t p, const Labels& labels) {
    std::string prefix = keys::PartitionPrefix(p) + keys::kSeriesKind;
    for (auto& [k, v] : Scan(keys::kIndexCf)) {
      if (!k.starts_with(prefix)) continue;
      auto l = keys::DecodeLabels(v);
      if (l.ok() && *l == labels) return keys::DecodeU64Key(std::string_view(k).substr(9));
    }
    ADD_FAILURE() << "no index entry for " << labels.ToString() << " in partition " << p;
    return 0;
  }

  // Keys of the chunks of series `id` in partition `p`, oldest first.
  std::vector<std::string> ChunkKeys(int64_t p, uint64_t id) {
    std::vector<std::string> out;
    std::string prefix = keys::ChunkSeriesPrefix(p, id);
    for (auto& [k, v] : Scan(keys::kChunksCf)) {
      if (k.starts_with(prefix)) out.push_back(k);
    }
    return out;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

// A chunk value as PersistSeries writes it: uvarint span, then the chunk.
std::string ChunkValue(uint64_t span, const std::string& chunk) {
  std::string v;
  coding::PutVarint(v, span);
  return v + chunk;
}

void ExpectIntact(Db& db, const std::string& job, int64_t from, int64_t to) {
  auto got = Collect(db, {M(MatchType::kEqual, "job", job)});
  ASSERT_TRUE(got.ok()) << job << ": " << got.status().ToString();
  ASSERT_EQ(got->size(), 1u) << job;
  const std::vector<Sample>& s = got->front().samples;
  ASSERT_EQ(s.size(), static_cast<size_t>((to - from) / kStep)) << job;
  for (size_t i = 0; i < s.size(); ++i) {
    int64_t t = from + static_cast<int64_t>(i) * kStep;
    double v = job == "keeper" ? 1 : static_cast<double>(t / kStep) + 0.25;
    ASSERT_EQ(s[i], (Sample{t, v})) << job;
  }
}

void ExpectCorruption(Db& db, const std::vector<Matcher>& ms, const std::string& what,
                      int64_t mint = kMinTime, int64_t maxt = kMaxTime) {
  auto got = Collect(db, ms, mint, maxt);
  ASSERT_FALSE(got.ok()) << what << ": no error reading damaged data";
  EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << what << ": "
                                                          << got.status().ToString();
}

TEST(Corruption, DamagedChunkAndLabelsAreReportedNotFollowed) {
  TempDir dir;
  WritePersisted(dir.path());
  if (HasFatalFailure()) return;
  std::vector<std::string> chunk_keys;
  {
    RawDb raw(dir.path());
    // Job a: each chunk of partition 0 damaged another way.
    chunk_keys = raw.ChunkKeys(0, raw.SeriesId(0, Job("a")));
    ASSERT_GE(chunk_keys.size(), 4u);
    std::mt19937 rng(42);
    std::string noise(64, '\0');
    for (char& c : noise) c = static_cast<char>(rng());
    std::string unknown_encoding = "\x7f\x00\x78" + noise;  // encoding 127, 120 samples
    std::string truncated = "\x01\x00\x78\x80\x01";          // XOR, 120 samples, 2 bytes of bits
    std::string too_many = "\x01\xff\xff" + noise;           // XOR, 65535 samples in 64 bytes
    raw.Put(keys::kChunksCf, chunk_keys[0], ChunkValue(1000, unknown_encoding));
    raw.Put(keys::kChunksCf, chunk_keys[1], ChunkValue(1000, truncated));
    raw.Put(keys::kChunksCf, chunk_keys[2], ChunkValue(1000, too_many));
    raw.Put(keys::kChunksCf, chunk_keys[3], std::string(12, '\xff'));  // not even a span
    // Job b: garbage where its labels are in the partition index.
    uint64_t b = raw.SeriesId(0, Job("b"));
    raw.Put(keys::kIndexCf, keys::IndexSeriesKey(0, b), "\x01\x05garbage");
    // Job c: labels that claim far more pairs than there are bytes.
    uint64_t c = raw.SeriesId(1, Job("c"));
    raw.Put(keys::kIndexCf, keys::IndexSeriesKey(1, c), std::string("\x01\xff\xff\x03", 4));
  }
  auto db = MustOpen(TestOptions(dir.path()));
  ASSERT_NE(db, nullptr);
  ExpectCorruption(*db, {M(MatchType::kEqual, "job", "a")}, "job a");
  ExpectCorruption(*db, {M(MatchType::kEqual, "job", "b")}, "job b");
  // (Over the whole range, job c's labels come from the intact [0, 2h)
  // index; only [2h, 4h) needs the damaged entry.)
  ExpectCorruption(*db, {M(MatchType::kEqual, "job", "c")}, "job c", 2 * kHour, 4 * kHour);
  ExpectCorruption(*db, {M(MatchType::kEqual, "__name__", "up")}, "all of up");
  // Only within the damaged partition: job c's labels are bad in [2h, 4h)
  // alone, and job a's damage is in [0, 2h).
  ExpectIntact(*db, "d", 0, 4 * kHour);
  ExpectIntact(*db, "keeper", 0, 8 * kHour);
  {
    auto got = Collect(*db, {M(MatchType::kEqual, "job", "c")}, 0, 2 * kHour - 1);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), 1u);
    EXPECT_EQ(got->front().samples.size(), static_cast<size_t>(2 * kHour / kStep));
  }
  // Each damaged chunk alone, through a range covering just that chunk.
  for (int i = 0; i < 4; ++i) {
    keys::ChunkKeyParts parts;
    ASSERT_TRUE(keys::DecodeChunkKey(chunk_keys[i], &parts));
    ExpectCorruption(*db, {M(MatchType::kEqual, "job", "a")}, "job a chunk " + std::to_string(i),
                     parts.mint, parts.mint + 1000);
  }
  {
    auto got = Collect(*db, {M(MatchType::kEqual, "job", "a")}, 2 * kHour, 4 * kHour);
    ASSERT_TRUE(got.ok()) << "job a after its damaged partition: " << got.status().ToString();
  }
  // Label queries and deletes that need the damaged labels fail the same way.
  auto q = db->NewQuerier(0, 2 * kHour);
  ASSERT_TRUE(q.ok());
  auto values = (*q)->LabelValues("job", {M(MatchType::kRegexMatch, "job", "b|d")});
  EXPECT_EQ(values.status().code(), StatusCode::kCorruption) << values.status().ToString();
  auto names = (*q)->LabelNames({M(MatchType::kEqual, "job", "b")});
  EXPECT_EQ(names.status().code(), StatusCode::kCorruption) << names.status().ToString();
  Status del = db->DeleteSeries({M(MatchType::kEqual, "job", "d")}, 0, kHour);
  EXPECT_EQ(del.code(), StatusCode::kCorruption) << del.ToString();
  EXPECT_TRUE(db->Close().ok());
}

class RandomDamage : public ::testing::TestWithParam<uint64_t> {};

TEST_P(RandomDamage, NeverCrashes) {
  TempDir dir;
  WritePersisted(dir.path());
  if (HasFatalFailure()) return;
  std::mt19937_64 rng(GetParam());
  int damaged = 0;
  {
    RawDb raw(dir.path());
    for (auto& [key, value] : raw.Scan(keys::kChunksCf)) {
      std::string v = value;
      switch (rng() % 4) {
        case 0:  // flip a few bits
          for (int i = 0; i < 3; ++i) v[rng() % v.size()] ^= static_cast<char>(1 << (rng() % 8));
          break;
        case 1:  // cut short
          v.resize(rng() % v.size());
          break;
        case 2:  // overwrite a run with noise
          for (size_t i = rng() % v.size(), n = 0; i < v.size() && n < 8; ++i, ++n) {
            v[i] = static_cast<char>(rng());
          }
          break;
        default:  // leave alone
          continue;
      }
      raw.Put(keys::kChunksCf, key, v);
      ++damaged;
    }
  }
  ASSERT_GT(damaged, 10);
  auto db = MustOpen(TestOptions(dir.path()));
  ASSERT_NE(db, nullptr);
  int errors = 0;
  for (const char* job : {"a", "b", "c", "d", "e", "keeper"}) {
    for (int64_t from = 0; from < 8 * kHour; from += kHour / 2) {
      auto q = db->NewQuerier(from, from + kHour);
      ASSERT_TRUE(q.ok());
      auto set = (*q)->Select({from, from + kHour}, {M(MatchType::kEqual, "job", job)});
      while (set->Next()) {
        auto it = set->At().Iterator();
        // Bounded: a chunk holds at most 65535 samples.
        for (int n = 0; n < 1'000'000 && it->Next(); ++n) {
        }
        if (!it->status().ok()) {
          EXPECT_EQ(it->status().code(), StatusCode::kCorruption) << it->status().ToString();
          ++errors;
        }
        // Seek on a damaged chunk must not misbehave either.
        auto it2 = set->At().Iterator();
        if (!it2->Seek(from + kHour / 3) && !it2->status().ok()) {
          EXPECT_EQ(it2->status().code(), StatusCode::kCorruption) << it2->status().ToString();
        }
      }
      if (!set->status().ok()) {
        EXPECT_EQ(set->status().code(), StatusCode::kCorruption) << set->status().ToString();
        ++errors;
      }
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_TRUE(db->Close().ok());
}

INSTANTIATE_TEST_SUITE_P(Corruption, RandomDamage, ::testing::Values(7, 8, 9, 10));

TEST(Corruption, DamagedHeadStateFailsOpen) {
  // The head series, their snapshots and the WAL are read at Open: damage
  // there fails Open with kCorruption.
  for (const char* cf : {keys::kSeriesCf, keys::kHeadCf, keys::kWalCf}) {
    SCOPED_TRACE(cf);
    TempDir dir;
    {
      auto db = MustOpen(TestOptions(dir.path()));
      ASSERT_NE(db, nullptr);
      for (int64_t t = 0; t < kHour; t += kStep) {
        auto app = db->NewAppender();
        ASSERT_TRUE(app->Append(0, Job("a"), t, 1).ok());
        ASSERT_TRUE(app->Commit().ok());
      }
      ASSERT_TRUE(db->Close().ok());
    }
    {
      RawDb raw(dir.path());
      std::string key;
      if (std::string(cf) == keys::kWalCf) {
        // Close() checkpointed: the next record replayed is the one the
        // checkpoint names.
        auto meta = raw.Scan(rocksdb::kDefaultColumnFamilyName);
        for (auto& [k, v] : meta) {
          if (k == keys::kMetaCheckpoint) key = v;
        }
        ASSERT_EQ(key.size(), 8u);
      } else {
        auto entries = raw.Scan(cf);
        ASSERT_FALSE(entries.empty());
        key = entries.front().first;
      }
      raw.Put(cf, key, std::string("\x01\xff\xff\xff", 4));
    }
    auto db = Db::Open(TestOptions(dir.path()));
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().ToString();
  }
}

}  // namespace
}  // namespace pharos::tsdb
