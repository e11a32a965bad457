// WAL records: every sample round-trips bit for bit, batches of counters
// take a few bytes a sample, version 1 records are still read, and damaged
// records are errors, never crashes.
#include "tsdb/wal/wal_record.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "tsdb/rocks/coding.h"

namespace pharos::tsdb {
namespace {

bool SameSamples(const std::vector<WalSample>& a, const std::vector<WalSample>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].series_id != b[i].series_id || a[i].t != b[i].t ||
        std::bit_cast<uint64_t>(a[i].v) != std::bit_cast<uint64_t>(b[i].v)) {
      return false;
    }
  }
  return true;
}

// A remote-write-shaped batch: `series` counters with `per_series` samples
// each, 15 s apart.
std::vector<WalSample> CounterBatch(int series, int per_series) {
  std::vector<WalSample> out;
  for (int s = 0; s < series; ++s) {
    double v = 1000.0 * s;
    for (int i = 0; i < per_series; ++i) {
      v += (s * 7 + i * 3) % 11;
      out.push_back({static_cast<uint64_t>(s + 1), 1'700'000'000'000 + i * 15'000, v});
    }
  }
  return out;
}

TEST(WalRecord, RoundTripsEverySampleBitForBit) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<WalSample> samples = {
      {7, 1000, 1.5},   {7, 1000, 1.5},  {7, 999, -0.0},  {7, kMax, 0.0},
      {3, kMin, std::nan("")},  {3, 5, std::bit_cast<double>(uint64_t{0x7ff0000000000002})},  // stale marker
      {7, -1, std::numeric_limits<double>::infinity()},  {1ull << 63, 0, 1e-310},
      {1ull << 63, 1, std::numeric_limits<double>::max()}, {0, 2, -1.0},
  };
  std::string rec;
  EncodeWalRecord(samples, &rec);
  std::vector<WalSample> got;
  ASSERT_TRUE(DecodeWalRecord(rec, &got).ok());
  EXPECT_TRUE(SameSamples(got, samples));

  std::string empty;
  EncodeWalRecord({}, &empty);
  ASSERT_TRUE(DecodeWalRecord(empty, &got).ok());
  EXPECT_TRUE(got.empty());
}

TEST(WalRecord, CountersTakeAFewBytesASample) {
  const std::vector<WalSample> batch = CounterBatch(200, 10);
  std::string rec;
  EncodeWalRecord(batch, &rec);
  EXPECT_LT(rec.size(), batch.size() * 6) << rec.size();
  std::vector<WalSample> got;
  ASSERT_TRUE(DecodeWalRecord(rec, &got).ok());
  EXPECT_TRUE(SameSamples(got, batch));
}

TEST(WalRecord, ReadsVersionOneRecords) {
  // version 1 | count | base_t | count x (id | t - base_t | f64)
  const std::vector<WalSample> samples = {{4, 1000, 2.5}, {9, 900, -1}, {4, 2000, 3.5}};
  std::string rec(1, '\x01');
  coding::PutVarint(rec, samples.size());
  coding::PutVarsint(rec, 1000);
  for (const WalSample& s : samples) {
    coding::PutVarint(rec, s.series_id);
    coding::PutVarsint(rec, s.t - 1000);
    coding::PutFixedDouble(rec, s.v);
  }
  std::vector<WalSample> got;
  ASSERT_TRUE(DecodeWalRecord(rec, &got).ok());
  EXPECT_TRUE(SameSamples(got, samples));
}

TEST(WalRecord, DamageIsCorruptionNeverACrash) {
  std::string rec;
  EncodeWalRecord(CounterBatch(5, 4), &rec);
  std::vector<WalSample> got;
  // Every truncation loses samples the count promises.
  for (size_t n = 0; n < rec.size(); ++n) {
    Status st = DecodeWalRecord(std::string_view(rec).substr(0, n), &got);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << n;
  }
  EXPECT_EQ(DecodeWalRecord(rec + "x", &got).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeWalRecord(std::string("\x03\x01\x00", 3), &got).code(), StatusCode::kCorruption);
  // A run of zero samples, a run longer than the count, a value header
  // claiming more than 8 zero bytes, a count no record of this size holds.
  EXPECT_EQ(DecodeWalRecord(std::string("\x02\x01\x00\x05\x00", 5), &got).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeWalRecord(std::string("\x02\x01\x00\x05\x02\x00\xff\x00\xff", 9), &got).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeWalRecord(std::string("\x02\x01\x00\x05\x01\x00\x44\x01", 8), &got).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeWalRecord(std::string("\x02\xff\xff\xff\xff\x0f\x00", 7), &got).code(),
            StatusCode::kCorruption);
  // Every single-byte change decodes or fails cleanly.
  for (size_t i = 0; i < rec.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      std::string bad = rec;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      Status st = DecodeWalRecord(bad, &got);
      if (!st.ok()) {
        EXPECT_EQ(st.code(), StatusCode::kCorruption);
      }
    }
  }
}

}  // namespace
}  // namespace pharos::tsdb
