#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/decimal_chunk.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/sample.h"

namespace pharos::tsdb {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // a realistic millisecond timestamp
constexpr int64_t kStep = 15'000;

std::string EncodeXor(const std::vector<Sample>& samples) {
  XorChunk c;
  for (const Sample& s : samples) c.Append(s.t, s.v);
  return std::string(c.bytes());
}

std::vector<Sample> Decode(std::string_view encoded) {
  std::vector<Sample> out;
  const Status s = DecodeAll(encoded, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Decodes whatever it can; never expects success.
std::vector<Sample> DecodeLoosely(std::string_view encoded, Status* status) {
  std::vector<Sample> out;
  *status = DecodeAll(encoded, &out);
  return out;
}

// Checks that XOR, decimal (when applicable) and EncodeBest all round-trip.
void ExpectRoundTrip(const std::vector<Sample>& samples) {
  EXPECT_EQ(Decode(EncodeXor(samples)), samples);
  if (std::optional<std::string> d = EncodeDecimal(samples)) {
    EXPECT_EQ(Decode(*d), samples);
  }
  EXPECT_EQ(Decode(EncodeBest(samples)), samples);
}

std::vector<Sample> Regular(std::vector<double> values) {
  std::vector<Sample> out;
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back({kT0 + static_cast<int64_t>(i) * kStep, values[i]});
  }
  return out;
}

// A request counter: Poisson increments whose rate drifts within [0, 150].
std::vector<Sample> RealisticCounter(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  double rate = std::uniform_real_distribution<double>(0, 150)(rng);
  double total = 0;
  std::vector<Sample> out;
  for (size_t i = 0; i < n; ++i) {
    rate = std::clamp(rate + std::uniform_real_distribution<double>(-5, 5)(rng), 0.0, 150.0);
    total += static_cast<double>(std::poisson_distribution<int64_t>(rate)(rng));
    out.push_back({kT0 + static_cast<int64_t>(i) * kStep, total});
  }
  return out;
}

// Independent, uniformly random increments in [0, 150].
std::vector<Sample> UniformCounter(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> inc(0, 150);
  double total = 1000;
  std::vector<Sample> out;
  for (size_t i = 0; i < n; ++i) {
    total += inc(rng);
    out.push_back({kT0 + static_cast<int64_t>(i) * kStep, total});
  }
  return out;
}

// A gauge with three decimals doing a random walk.
std::vector<Sample> DecimalGauge(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> step(-1000, 1000);
  int64_t milli = 50'000;
  std::vector<Sample> out;
  for (size_t i = 0; i < n; ++i) {
    milli += step(rng);
    out.push_back({kT0 + static_cast<int64_t>(i) * kStep, static_cast<double>(milli) / 1000});
  }
  return out;
}

double BytesPerSample(size_t bytes, size_t samples) {
  return static_cast<double>(bytes) / static_cast<double>(samples);
}

// ---------------------------------------------------------------- XorChunk

TEST(XorChunk, EmptyChunk) {
  XorChunk c;
  EXPECT_EQ(c.num_samples(), 0);
  EXPECT_EQ(c.bytes(), std::string_view("\x01\x00\x00", 3));
  EXPECT_TRUE(Decode(c.bytes()).empty());
  Result<XorChunk> back = XorChunk::FromBytes(c.bytes());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->num_samples(), 0);
}

// Bytes 1.. are a Prometheus XOR chunk; worked out by hand from the format.
TEST(XorChunk, GoldenBytes) {
  XorChunk c;
  c.Append(1000, 1.0);
  c.Append(2000, 1.0);
  c.Append(3000, 2.0);
  const std::string want(
      "\x01\x00\x03"                      // encoding, count
      "\xD0\x0F"                          // zigzag varint 1000
      "\x3F\xF0\x00\x00\x00\x00\x00\x00"  // 1.0
      "\xE8\x07"                          // uvarint delta 1000
      "\x30\x97\xFF\xC0",                 // '0' '0' '11' 00001 001011 11111111111
      19);
  EXPECT_EQ(c.bytes(), want);
}

TEST(XorChunk, AppendThenIterate) {
  std::vector<Sample> samples = RealisticCounter(120, 1);
  XorChunk c;
  for (const Sample& s : samples) c.Append(s.t, s.v);
  EXPECT_EQ(c.num_samples(), 120);
  EXPECT_EQ(c.min_time(), samples.front().t);
  EXPECT_EQ(c.max_time(), samples.back().t);
  EXPECT_EQ(Decode(c.bytes()), samples);
}

TEST(XorChunk, SpecialValues) {
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> values = {
      0.0,
      -0.0,
      std::numeric_limits<double>::quiet_NaN(),
      kStaleNaN,
      kInf,
      -kInf,
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::min() / 3,
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      1.0,
      kStaleNaN,
      kStaleNaN,
      std::bit_cast<double>(uint64_t{0xfff8000000000001}),  // a NaN with payload
      -1e-300,
  };
  ExpectRoundTrip(Regular(values));
  std::vector<Sample> decoded = Decode(EncodeXor(Regular(values)));
  EXPECT_TRUE(IsStaleNaN(decoded[3].v));
  EXPECT_TRUE(std::signbit(decoded[1].v));
}

TEST(XorChunk, ExtremeTimestamps) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  ExpectRoundTrip({{kMin, 1}, {kMax, 2}, {kMin, 3}, {0, 4}, {kMax, 5}, {kMax - 1, 6}});
  ExpectRoundTrip({{kMin, 1}, {kMin + 1, 2}, {kMin + 2, 3}, {kMax, 4}});
  ExpectRoundTrip({{-5, 1}, {-3, 2}, {-1, 3}, {-1, 4}, {-100, 5}});
  ExpectRoundTrip({{kMax - 2, 1}, {kMax - 1, 2}, {kMax, 3}});
}

// Timestamp dods exactly at and just past every bucket boundary.
TEST(XorChunk, BucketBoundaries) {
  std::vector<int64_t> dods = {0,      1,       -1,      8191,   8192,    -8191,     -8192,
                               8193,   65535,   65536,   -65535, -65536,  65537,     524287,
                               524288, -524287, -524288, 524289, 1 << 30, -(1 << 30)};
  std::vector<Sample> samples = {{kT0, 0}, {kT0 + 10'000'000, 1}};
  int64_t delta = 10'000'000;
  for (int64_t dod : dods) {
    delta += dod;
    samples.push_back({samples.back().t + delta, static_cast<double>(dod)});
    delta -= dod;  // come back so deltas stay positive
    samples.push_back({samples.back().t + delta, 0.5});
  }
  ExpectRoundTrip(samples);
}

TEST(XorChunk, IrregularIntervals) {
  std::mt19937_64 rng(7);
  std::vector<Sample> samples;
  int64_t t = kT0;
  for (int i = 0; i < 2000; ++i) {
    const int magnitude = static_cast<int>(rng() % 40);
    t += 1 + static_cast<int64_t>(rng() % (uint64_t{1} << magnitude));
    samples.push_back({t, static_cast<double>(rng() % 1000)});
  }
  ExpectRoundTrip(samples);
}

TEST(XorChunk, SingleAndTwoSamples) {
  ExpectRoundTrip({{kT0, 42}});
  ExpectRoundTrip({{kT0, 42}, {kT0 + 1, 43.5}});
  ExpectRoundTrip({{-1, std::numeric_limits<double>::quiet_NaN()}});
}

TEST(XorChunk, ManyRandomSamples) {
  std::mt19937_64 rng(42);
  std::vector<Sample> samples;
  int64_t t = kT0;
  for (int i = 0; i < 10000; ++i) {
    t += kStep + static_cast<int64_t>(rng() % 21) - 10;
    const uint64_t kind = rng() % 4;
    double v = samples.empty() ? 0 : samples.back().v;  // kind 3: repeat
    if (kind == 0) v = std::bit_cast<double>(rng());    // any bits, NaNs included
    if (kind == 1) v = static_cast<double>(rng() % 100);
    if (kind == 2) v = std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
    samples.push_back({t, v});
  }
  ExpectRoundTrip(samples);
}

TEST(XorChunk, SnapshotOfBytesDecodesPrefix) {
  std::vector<Sample> samples = DecimalGauge(200, 3);
  XorChunk c;
  for (size_t i = 0; i < samples.size(); ++i) {
    c.Append(samples[i].t, samples[i].v);
    const std::string snapshot(c.bytes());
    std::vector<Sample> want(samples.begin(), samples.begin() + i + 1);
    ASSERT_EQ(Decode(snapshot), want) << "after " << i + 1 << " appends";
  }
}

TEST(XorChunk, FromBytesThenContinueAppending) {
  std::vector<Sample> samples = RealisticCounter(150, 5);
  samples[70].v = kStaleNaN;
  const std::string whole = EncodeXor(samples);
  for (size_t split : {0, 1, 2, 3, 10, 69, 70, 71, 149, 150}) {
    XorChunk first;
    for (size_t i = 0; i < split; ++i) first.Append(samples[i].t, samples[i].v);
    Result<XorChunk> reopened = XorChunk::FromBytes(first.bytes());
    ASSERT_TRUE(reopened.ok()) << split << ": " << reopened.status().ToString();
    EXPECT_EQ(reopened->num_samples(), split);
    if (split > 0) {
      EXPECT_EQ(reopened->min_time(), samples[0].t);
      EXPECT_EQ(reopened->max_time(), samples[split - 1].t);
    }
    for (size_t i = split; i < samples.size(); ++i) reopened->Append(samples[i].t, samples[i].v);
    EXPECT_EQ(reopened->bytes(), whole) << "split at " << split;
  }
}

TEST(XorChunk, FromBytesRejectsDamage) {
  const std::string good = EncodeXor(RealisticCounter(120, 9));
  ASSERT_TRUE(XorChunk::FromBytes(good).ok());
  for (size_t len = 0; len < good.size(); ++len) {
    const std::vector<char> cut(good.begin(), good.begin() + static_cast<ptrdiff_t>(len));
    EXPECT_FALSE(XorChunk::FromBytes({cut.data(), cut.size()}).ok()) << "prefix " << len;
  }
  EXPECT_FALSE(XorChunk::FromBytes(good + '\0').ok());
  std::string wrong_encoding = good;
  wrong_encoding[0] = static_cast<char>(Encoding::kDecimal);
  EXPECT_EQ(XorChunk::FromBytes(wrong_encoding).status().code(), StatusCode::kCorruption);

  // Random garbage must fail cleanly or yield a chunk that re-encodes itself.
  std::mt19937_64 rng(11);
  for (int i = 0; i < 5000; ++i) {
    std::vector<char> junk(rng() % 64);  // exactly sized, for the sanitizers
    for (char& ch : junk) ch = static_cast<char>(rng());
    if (!junk.empty()) junk[0] = static_cast<char>(Encoding::kXor);
    const std::string_view view(junk.data(), junk.size());
    Result<XorChunk> c = XorChunk::FromBytes(view);
    if (c.ok()) {
      EXPECT_EQ(c->bytes(), view);
    }
  }
}

TEST(XorChunk, MemoryIsSmall) {
  EXPECT_LE(sizeof(XorChunk), 64u);
  XorChunk empty;
  EXPECT_EQ(empty.MemoryBytes(), sizeof(XorChunk));
  XorChunk c;
  for (const Sample& s : RealisticCounter(120, 2)) c.Append(s.t, s.v);
  const size_t used = c.bytes().size();
  EXPECT_LE(c.MemoryBytes(), sizeof(XorChunk) + used + used / 4 + 64);
  c.ShrinkToFit();
  EXPECT_EQ(c.MemoryBytes(), sizeof(XorChunk) + used);
  c.Append(kT0 + 121 * kStep, 1);  // still appendable after shrinking
  EXPECT_EQ(c.num_samples(), 121);
}

TEST(XorChunk, MoveLeavesEmptyChunk) {
  XorChunk a;
  a.Append(1, 1);
  XorChunk b = std::move(a);
  EXPECT_EQ(b.num_samples(), 1);
  EXPECT_EQ(a.num_samples(), 0);  // NOLINT: moved-from is specified empty
  a.Append(5, 5);
  EXPECT_EQ(Decode(a.bytes()), (std::vector<Sample>{{5, 5}}));
}

// ------------------------------------------------------------ DecimalChunk

int DecimalScale(const std::string& encoded) { return static_cast<uint8_t>(encoded[3]) >> 4; }

TEST(DecimalChunk, PicksSmallestScale) {
  struct Case {
    std::vector<double> values;
    int scale;
  };
  const std::vector<Case> cases = {
      {{12345, 0, -7}, 0},  {{0.25, 1, 2}, 2}, {{1234.567, 1.5}, 3},      {{98.123456, 3}, 6},
      {{0.1, 0.2, 0.3}, 1}, {{1e-9, 2}, 9},    {{9007199254740991.0}, 0}, {{-0.5, 0.5, 100.0}, 1},
  };
  for (const Case& c : cases) {
    std::optional<std::string> d = EncodeDecimal(Regular(c.values));
    ASSERT_TRUE(d.has_value()) << c.values[0];
    EXPECT_EQ(DecimalScale(*d), c.scale) << c.values[0];
    EXPECT_EQ(Decode(*d), Regular(c.values));
  }
}

TEST(DecimalChunk, NotApplicable) {
  const double kInf = std::numeric_limits<double>::infinity();
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), kStaleNaN, kInf, -kInf, -0.0, 1.0 / 3,
        9007199254740992.0, 1e300, 1e-10, 0x1p-20, std::numeric_limits<double>::denorm_min()}) {
    EXPECT_FALSE(EncodeDecimal(Regular({1, bad, 2})).has_value()) << bad;
    // EncodeBest still works, via XOR.
    const std::string best = EncodeBest(Regular({1, bad, 2}));
    EXPECT_EQ(best[0], static_cast<char>(Encoding::kXor));
    EXPECT_EQ(Decode(best), Regular({1, bad, 2}));
  }
}

TEST(DecimalChunk, RoundTrips) {
  ExpectRoundTrip(RealisticCounter(120, 1));
  ExpectRoundTrip(UniformCounter(120, 1));
  ExpectRoundTrip(DecimalGauge(120, 1));
  ExpectRoundTrip(Regular({1}));
  ExpectRoundTrip(Regular({1, 2}));
  ExpectRoundTrip(Regular({5, 5, 5, 5, 5}));
  ExpectRoundTrip(Regular({-1.5, 2.25, -1e6, 1e9, 0, 123456.789}));
  ExpectRoundTrip(Regular({9e15, -9e15, 9e15, 0, 1, 9e15}));  // 64-bit escapes
  ExpectRoundTrip(Regular({4096 * 1000.0, 4096 * 1003.0, 4096 * 999.0, 4096 * 1010.0}));
  std::vector<Sample> empty;
  std::optional<std::string> d = EncodeDecimal(empty);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(Decode(*d).empty());
}

TEST(DecimalChunk, ExtremeAndIrregularTimestamps) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<Sample> s = {{kMin, 1}, {kMax, 2}, {kMin, 3}, {0, 4}, {kMax, 5}, {-7, 6}};
  ASSERT_TRUE(EncodeDecimal(s).has_value());
  EXPECT_EQ(Decode(*EncodeDecimal(s)), s);

  std::mt19937_64 rng(8);
  std::vector<Sample> irregular;
  int64_t t = -kT0;
  for (int i = 0; i < 3000; ++i) {
    t += static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 45)));
    irregular.push_back(
        {t, static_cast<double>(static_cast<int64_t>(rng() % 2'000'001) - 1'000'000) / 100});
  }
  ASSERT_TRUE(EncodeDecimal(irregular).has_value());
  EXPECT_EQ(Decode(*EncodeDecimal(irregular)), irregular);
}

TEST(DecimalChunk, ManySamples) {
  std::vector<Sample> counter = RealisticCounter(10000, 4);
  std::optional<std::string> d = EncodeDecimal(counter);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(Decode(*d), counter);
  EXPECT_FALSE(EncodeDecimal(RealisticCounter(65536, 4)).has_value());
}

TEST(DecimalChunk, RealisticCounterUnderOneBytePerSample) {
  size_t bytes = 0, xor_bytes = 0, samples = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::vector<Sample> s = RealisticCounter(120, seed);
    const std::string best = EncodeBest(s);
    EXPECT_EQ(best[0], static_cast<char>(Encoding::kDecimal));
    EXPECT_EQ(Decode(best), s);
    bytes += best.size();
    xor_bytes += EncodeXor(s).size();
    samples += s.size();
  }
  const double per_sample = BytesPerSample(bytes, samples);
  RecordProperty("decimal_bytes_per_sample", std::to_string(per_sample));
  RecordProperty("xor_bytes_per_sample", std::to_string(BytesPerSample(xor_bytes, samples)));
  EXPECT_LE(per_sample, 1.0);
}

// Independent uniform increments carry log2(151) = 7.24 bits each, so no
// encoding gets this under ~1.03 bytes/sample; check we stay close.
TEST(DecimalChunk, UniformCounterNearEntropy) {
  size_t bytes = 0, samples = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::vector<Sample> s = UniformCounter(120, seed);
    bytes += EncodeBest(s).size();
    samples += s.size();
  }
  EXPECT_LE(BytesPerSample(bytes, samples), 1.25);
}

TEST(DecimalChunk, DecimalGaugeSmallerThanXor) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<Sample> s = DecimalGauge(120, seed);
    std::optional<std::string> d = EncodeDecimal(s);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(DecimalScale(*d), 3);
    EXPECT_LT(d->size(), EncodeXor(s).size());
    EXPECT_EQ(EncodeBest(s), *d);
  }
}

TEST(DecimalChunk, ConstantSeriesIsTiny) {
  std::vector<double> ones(120, 1.0);
  std::optional<std::string> d = EncodeDecimal(Regular(ones));
  ASSERT_TRUE(d.has_value());
  EXPECT_LE(d->size(), 20u);  // header only: regular times, constant value
}

// ------------------------------------------------------------ ChunkIterator

TEST(ChunkIterator, SeekSemantics) {
  std::vector<Sample> samples = Regular({1, 2, 3, 4, 5});  // t = kT0 + 15000*i
  for (const std::string& encoded : {EncodeXor(samples), *EncodeDecimal(samples)}) {
    ChunkIterator it(encoded);
    ASSERT_TRUE(it.Seek(kT0 - 100));
    EXPECT_EQ(it.At(), samples[0]);
    ASSERT_TRUE(it.Seek(kT0));  // the current sample qualifies: stays
    EXPECT_EQ(it.At(), samples[0]);
    ASSERT_TRUE(it.Seek(kT0 + 1));  // between samples: the next one
    EXPECT_EQ(it.At(), samples[1]);
    ASSERT_TRUE(it.Seek(kT0 + 2 * kStep));  // exact
    EXPECT_EQ(it.At(), samples[2]);
    ASSERT_TRUE(it.Seek(kT0));  // never backwards
    EXPECT_EQ(it.At(), samples[2]);
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.At(), samples[3]);
    EXPECT_FALSE(it.Seek(kT0 + 100 * kStep));  // past the end
    EXPECT_FALSE(it.Seek(kT0));                // exhausted stays exhausted
    EXPECT_FALSE(it.Next());
    EXPECT_TRUE(it.status().ok());
  }
  ChunkIterator empty;
  EXPECT_FALSE(empty.Next());
  EXPECT_FALSE(empty.Seek(0));
  EXPECT_TRUE(empty.status().ok());
}

TEST(ChunkIterator, ResetReuses) {
  const std::string a = EncodeXor(Regular({1, 2}));
  const std::string b = *EncodeDecimal(Regular({3, 4, 5}));
  ChunkIterator it(a);
  ASSERT_TRUE(it.Next());
  it.Reset(b);
  std::vector<Sample> got;
  while (it.Next()) got.push_back(it.At());
  EXPECT_EQ(got, Regular({3, 4, 5}));
  it.Reset("\x07\x00\x01");
  EXPECT_FALSE(it.Next());
  EXPECT_EQ(it.status().code(), StatusCode::kCorruption);
  it.Reset(a);
  EXPECT_TRUE(it.Next());
  EXPECT_TRUE(it.status().ok());
}

TEST(ChunkIterator, NumSamplesAndTimeRange) {
  std::vector<Sample> samples = RealisticCounter(120, 6);
  for (const std::string& encoded : {EncodeXor(samples), EncodeBest(samples)}) {
    Result<uint16_t> n = ChunkIterator::NumSamples(encoded);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 120);
    Result<std::pair<int64_t, int64_t>> range = ChunkIterator::TimeRange(encoded);
    ASSERT_TRUE(range.ok());
    EXPECT_EQ(range->first, samples.front().t);
    EXPECT_EQ(range->second, samples.back().t);
  }
  EXPECT_EQ(ChunkIterator::NumSamples("\x01\x00").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ChunkIterator::NumSamples(std::string("\x09\x00\x01", 3)).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ChunkIterator::TimeRange(XorChunk().bytes()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ChunkIterator::TimeRange("\x01\x00\x05").status().code(), StatusCode::kCorruption);
}

TEST(ChunkIterator, DecodeAllAppends) {
  std::vector<Sample> out = {{1, 1}};
  ASSERT_TRUE(DecodeAll(EncodeXor(Regular({7, 8})), &out).ok());
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], (Sample{1, 1}));
  EXPECT_EQ(out[2].v, 8);
}

TEST(ChunkIterator, WrongEncodingByte) {
  const std::string good = EncodeXor(Regular({1, 2, 3}));
  for (int enc : {0, 3, 0x7f, 0xff}) {
    std::string bad = good;
    bad[0] = static_cast<char>(enc);
    Status s;
    EXPECT_TRUE(DecodeLoosely(bad, &s).empty());
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << enc;
  }
}

// Every strict prefix of a valid chunk is damaged: the samples that decode
// are a prefix of the original and the status is kCorruption.
TEST(ChunkIterator, TruncatedInput) {
  std::vector<std::vector<Sample>> inputs = {
      RealisticCounter(120, 12), DecimalGauge(50, 12), Regular({1}), Regular({1.5, 2.5}),
      Regular({std::numeric_limits<double>::quiet_NaN(), 1e300, -0.0, kStaleNaN})};
  for (const std::vector<Sample>& samples : inputs) {
    std::vector<std::string> encodings = {EncodeXor(samples)};
    if (auto d = EncodeDecimal(samples)) encodings.push_back(*d);
    for (const std::string& full : encodings) {
      for (size_t len = 0; len < full.size(); ++len) {
        // An exactly sized heap copy, so the sanitizers see any overread.
        const std::vector<char> cut(full.begin(), full.begin() + static_cast<ptrdiff_t>(len));
        Status s;
        std::vector<Sample> got = DecodeLoosely({cut.data(), cut.size()}, &s);
        EXPECT_EQ(s.code(), StatusCode::kCorruption) << "len " << len;
        ASSERT_LE(got.size(), samples.size());
        EXPECT_TRUE(std::equal(got.begin(), got.end(), samples.begin())) << "len " << len;
      }
    }
  }
}

TEST(ChunkIterator, GarbageNeverCrashes) {
  std::mt19937_64 rng(13);
  for (int i = 0; i < 20000; ++i) {
    std::vector<char> junk(rng() % 80);  // exactly sized, for the sanitizers
    for (char& ch : junk) ch = static_cast<char>(rng());
    if (junk.size() > 0 && (i % 4) != 0) junk[0] = static_cast<char>(1 + (i & 1));
    const std::string_view view(junk.data(), junk.size());
    Status s;
    std::vector<Sample> got = DecodeLoosely(view, &s);
    EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption);
    EXPECT_LE(got.size(), 65535u);
    ChunkIterator it(view);
    it.Seek(static_cast<int64_t>(rng()));
    it.status().IgnoreError();
  }
}

// Flipping any single bit of a valid chunk must not crash or hang.
TEST(ChunkIterator, BitFlipsNeverCrash) {
  std::vector<Sample> samples = RealisticCounter(120, 14);
  for (const std::string& good : {EncodeXor(samples), *EncodeDecimal(samples)}) {
    for (size_t bit = 0; bit < good.size() * 8; ++bit) {
      std::vector<char> bad(good.begin(), good.end());
      bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (0x80 >> (bit % 8)));
      const std::string_view view(bad.data(), bad.size());
      Status s;
      DecodeLoosely(view, &s);
      EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption);
      XorChunk::FromBytes(view).status().IgnoreError();
    }
  }
}

}  // namespace
}  // namespace pharos::tsdb
