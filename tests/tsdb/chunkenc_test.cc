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

// A histogram's _sum: per scrape, a Poisson count of requests each taking
// about 0.12 s, the increment rounded to 6 decimals, after a long uptime.
std::vector<Sample> RunningSum(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0, 1);
  const double rate = 0.5 + 10 * uni(rng);
  double sum = 0;
  std::vector<Sample> out;
  for (size_t i = 0; i < n + 2000; ++i) {
    const double count = static_cast<double>(
        std::poisson_distribution<int64_t>(rate * 15 * (0.8 + 0.4 * uni(rng)))(rng));
    sum += std::round(count * 0.12 * (0.7 + 0.6 * uni(rng)) * 1e6) / 1e6;
    if (i >= 2000) out.push_back({kT0 + static_cast<int64_t>(out.size()) * kStep, sum});
  }
  return out;
}

// A gauge adding increments rounded to 3 decimals to a value that is not a
// decimal at all.
std::vector<Sample> FloatWalk(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0, 1);
  double size = 1000 + 4000 * uni(rng);
  std::vector<Sample> out;
  for (size_t i = 0; i < n; ++i) {
    size += std::round((uni(rng) - 0.5) * 100.0 * 1e3) / 1e3;
    out.push_back({kT0 + static_cast<int64_t>(i) * kStep, size});
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

// The state layout documented in xor_chunk.h, built by hand.
struct XorState {
  uint64_t bits = 24;
  int64_t t = 0;
  int64_t delta = 0;
  uint64_t v = 0;
  uint8_t leading = 0xff;
  uint8_t trailing = 0;
};

uint32_t DocumentedCheck(std::string_view bytes) {
  constexpr uint64_t kK = 0x9e3779b97f4a7c15ULL;
  uint64_t h = bytes.size() * kK;
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t w = 0;
    for (size_t b = 0; b < 8 && i + b < bytes.size(); ++b) {
      w |= uint64_t{static_cast<uint8_t>(bytes[i + b])} << (8 * b);
    }
    h = (h ^ w) * kK;
    h ^= h >> 32;
  }
  return static_cast<uint32_t>(h);
}

std::string EncodeState(const XorState& s, std::string_view bytes) {
  std::string out;
  const auto put = [&out](uint64_t x) {
    for (; x >= 0x80; x >>= 7) out.push_back(static_cast<char>((x & 0x7f) | 0x80));
    out.push_back(static_cast<char>(x));
  };
  const auto zz = [](int64_t x) {
    return (static_cast<uint64_t>(x) << 1) ^ (0 - (static_cast<uint64_t>(x) >> 63));
  };
  put(s.bits);
  put(zz(s.t));
  put(zz(s.delta));
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(s.v >> (8 * i)));
  out.push_back(static_cast<char>(s.leading));
  out.push_back(static_cast<char>(s.trailing));
  const uint32_t check = DocumentedCheck(bytes);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(check >> (8 * i)));
  return out;
}

std::string StateOf(const XorChunk& c) {
  std::string state;
  c.AppendState(&state);
  return state;
}

std::vector<std::vector<Sample>> RestoreCases() {
  std::vector<std::vector<Sample>> cases = {RealisticCounter(150, 5), DecimalGauge(130, 6),
                                            FloatWalk(120, 7)};
  std::vector<Sample> special = RealisticCounter(60, 8);
  special[10].v = kStaleNaN;
  special[11].v = -0.0;
  special[30].v = std::numeric_limits<double>::infinity();
  cases.push_back(special);
  cases.push_back(Regular(std::vector<double>(50, 7.0)));  // never sets a window
  cases.push_back({{std::numeric_limits<int64_t>::min(), 1},
                   {std::numeric_limits<int64_t>::max(), 2},
                   {-5, 3},
                   {0, 3}});
  std::mt19937_64 rng(9);
  std::vector<Sample> noise;
  int64_t t = kT0;
  for (int i = 0; i < 300; ++i) {
    t += static_cast<int64_t>(rng() % 100000) - 1000;
    noise.push_back({t, std::bit_cast<double>(rng())});
  }
  cases.push_back(noise);
  return cases;
}

TEST(XorChunk, RestoreThenAppendEqualsOneGo) {
  for (const std::vector<Sample>& samples : RestoreCases()) {
    XorChunk whole;
    for (const Sample& s : samples) whole.Append(s.t, s.v);
    for (size_t split = 0; split <= samples.size(); ++split) {
      XorChunk first;
      for (size_t i = 0; i < split; ++i) first.Append(samples[i].t, samples[i].v);
      const std::string bytes(first.bytes());
      const std::string state = StateOf(first);
      EXPECT_LE(state.size(), 39u);
      Result<XorChunk> restored = XorChunk::Restore(bytes, state);
      ASSERT_TRUE(restored.ok()) << split << ": " << restored.status().ToString();
      EXPECT_EQ(restored->bytes(), bytes);
      EXPECT_EQ(restored->num_samples(), split);
      if (split > 0) {
        EXPECT_EQ(restored->min_time(), samples[0].t);
        EXPECT_EQ(restored->max_time(), samples[split - 1].t);
      }
      EXPECT_EQ(StateOf(*restored), state);
      for (size_t i = split; i < samples.size(); ++i) {
        restored->Append(samples[i].t, samples[i].v);
      }
      ASSERT_EQ(restored->bytes(), whole.bytes()) << "split at " << split;
      EXPECT_EQ(StateOf(*restored), StateOf(whole));
    }
  }
}

TEST(XorChunk, StateMatchesDocumentedLayout) {
  XorChunk empty;
  EXPECT_EQ(StateOf(empty), EncodeState(XorState{}, empty.bytes()));
  XorChunk c;
  c.Append(1000, 1.0);
  XorState one{.bits = 24 + 16 + 64, .t = 1000, .delta = 0, .v = 0x3ff0000000000000};
  EXPECT_EQ(StateOf(c), EncodeState(one, c.bytes()));
  c.Append(2000, 1.0);
  // The GoldenBytes chunk: header, two varints and 1.0, then 1 + 1 + 24 bits.
  c.Append(3000, 2.0);
  XorState three{.bits = 24 + 16 + 64 + 16 + 26,
                 .t = 3000,
                 .delta = 1000,
                 .v = 0x4000000000000000,
                 .leading = 1,
                 .trailing = 52};
  EXPECT_EQ(StateOf(c), EncodeState(three, c.bytes()));
}

TEST(XorChunk, RestoreRejectsMismatchedState) {
  const std::vector<Sample> samples = RealisticCounter(120, 10);
  XorChunk c;
  for (size_t i = 0; i < 60; ++i) c.Append(samples[i].t, samples[i].v);
  const std::string stale_state = StateOf(c);
  const std::string stale_bytes(c.bytes());
  for (size_t i = 60; i < 120; ++i) c.Append(samples[i].t, samples[i].v);
  const std::string bytes(c.bytes()), state = StateOf(c);
  ASSERT_TRUE(XorChunk::Restore(bytes, state).ok());

  // Snapshots taken at different times, or of different chunks.
  EXPECT_EQ(XorChunk::Restore(bytes, stale_state).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(XorChunk::Restore(stale_bytes, state).status().code(), StatusCode::kCorruption);
  const std::string other = EncodeXor(RealisticCounter(120, 11));
  EXPECT_EQ(XorChunk::Restore(other, state).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(XorChunk::Restore(XorChunk().bytes(), state).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(XorChunk::Restore(bytes, StateOf(XorChunk())).status().code(), StatusCode::kCorruption);

  // Every cut of the state, and trailing bytes.
  for (size_t len = 0; len < state.size(); ++len) {
    const std::vector<char> cut(state.begin(), state.begin() + static_cast<ptrdiff_t>(len));
    EXPECT_EQ(XorChunk::Restore(bytes, {cut.data(), cut.size()}).status().code(),
              StatusCode::kCorruption)
        << len;
  }
  EXPECT_EQ(XorChunk::Restore(bytes, state + '\0').status().code(), StatusCode::kCorruption);

  // Any bit flipped in the bytes, or in the state's check.
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::string bad = bytes;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (0x80 >> (bit % 8)));
    EXPECT_FALSE(XorChunk::Restore(bad, state).ok()) << bit;
  }
  for (size_t bit = (state.size() - 4) * 8; bit < state.size() * 8; ++bit) {
    std::string bad = state;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (0x80 >> (bit % 8)));
    EXPECT_FALSE(XorChunk::Restore(bytes, bad).ok()) << bit;
  }
}

// States with a valid check but impossible fields.
TEST(XorChunk, RestoreRejectsImpossibleState) {
  XorChunk c;
  for (const Sample& s : RealisticCounter(120, 12)) c.Append(s.t, s.v);
  const std::string bytes(c.bytes());
  Result<XorChunk> reference = XorChunk::Restore(bytes, StateOf(c));
  ASSERT_TRUE(reference.ok());
  const XorState good{.bits = 0,  // filled below
                      .t = reference->max_time(),
                      .delta = kStep,
                      .v = std::bit_cast<uint64_t>(RealisticCounter(120, 12).back().v)};
  // Find the window and bit count by trying the documented ranges.
  std::optional<XorState> valid;
  for (uint64_t bits = (bytes.size() - 1) * 8 + 1; bits <= bytes.size() * 8 && !valid; ++bits) {
    for (int lead = 0; lead < 32 && !valid; ++lead) {
      for (int trail = 0; lead + trail < 64 && !valid; ++trail) {
        XorState s = good;
        s.bits = bits;
        s.leading = static_cast<uint8_t>(lead);
        s.trailing = static_cast<uint8_t>(trail);
        if (EncodeState(s, bytes) == StateOf(c)) valid = s;
      }
    }
  }
  ASSERT_TRUE(valid.has_value()) << "the state did not follow the documented layout";
  EXPECT_TRUE(XorChunk::Restore(bytes, EncodeState(*valid, bytes)).ok());

  std::vector<XorState> bad(12, *valid);
  bad[0].leading = 32;
  bad[1].trailing = 64;
  bad[2].leading = 31, bad[2].trailing = 33;  // no significant bits
  bad[3].leading = 0xff, bad[3].trailing = 1;
  bad[4].leading = 0xfe;
  bad[5].bits = bytes.size() * 8 + 1;
  bad[6].bits = (bytes.size() - 1) * 8;
  bad[7].bits = 24;
  bad[8].bits = 0;
  bad[9].bits = uint64_t{1} << 40;
  bad[10].bits = ~uint64_t{0};
  bad[11].bits = 24 + 8 + 64;  // fits only one sample
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(XorChunk::Restore(bytes, EncodeState(bad[i], bytes)).status().code(),
              StatusCode::kCorruption)
        << i;
  }

  // A one-sample chunk's state must match its sample.
  XorChunk one;
  one.Append(kT0, 2.5);
  const XorState one_state{.bits = 24 + 48 + 64, .t = kT0, .v = std::bit_cast<uint64_t>(2.5)};
  ASSERT_EQ(StateOf(one), EncodeState(one_state, one.bytes()));
  std::vector<XorState> bad_one(4, one_state);
  bad_one[0].t = kT0 + 1;
  bad_one[1].delta = 5;
  bad_one[2].v = std::bit_cast<uint64_t>(2.0);
  bad_one[3].leading = 3;
  for (size_t i = 0; i < bad_one.size(); ++i) {
    EXPECT_EQ(XorChunk::Restore(one.bytes(), EncodeState(bad_one[i], one.bytes())).status().code(),
              StatusCode::kCorruption)
        << i;
  }
  // The empty chunk has exactly one state.
  XorState empty_but_t;
  empty_but_t.t = 1;
  EXPECT_FALSE(
      XorChunk::Restore(XorChunk().bytes(), EncodeState(empty_but_t, XorChunk().bytes())).ok());
  Result<XorChunk> empty = XorChunk::Restore(XorChunk().bytes(), StateOf(XorChunk()));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->num_samples(), 0);
  empty->Append(5, 5);
  EXPECT_EQ(Decode(empty->bytes()), (std::vector<Sample>{{5, 5}}));
}

// Garbage must fail cleanly or restore a chunk that is exactly the bytes.
TEST(XorChunk, RestoreGarbageNeverCrashes) {
  std::mt19937_64 rng(14);
  const std::string good = EncodeXor(RealisticCounter(40, 14));
  for (int i = 0; i < 20000; ++i) {
    std::vector<char> bytes(i % 3 == 0 ? good.size() : rng() % 64);
    if (i % 3 == 0) {
      std::copy(good.begin(), good.end(), bytes.begin());
      bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
    } else {
      for (char& ch : bytes) ch = static_cast<char>(rng());
      if (!bytes.empty()) bytes[0] = static_cast<char>(Encoding::kXor);
    }
    std::vector<char> state(rng() % 48);
    for (char& ch : state) ch = static_cast<char>(rng());
    const std::string_view view(bytes.data(), bytes.size());
    if (i % 2 == 0 && !state.empty()) {
      // A plausible state: a valid check for these bytes.
      XorState s{.bits = rng() % (bytes.size() * 8 + 2),
                 .t = static_cast<int64_t>(rng()),
                 .delta = static_cast<int64_t>(rng() % 3),
                 .v = rng(),
                 .leading = static_cast<uint8_t>(rng() % 40),
                 .trailing = static_cast<uint8_t>(rng() % 70)};
      const std::string encoded = EncodeState(s, view);
      state.assign(encoded.begin(), encoded.end());
    }
    Result<XorChunk> c = XorChunk::Restore(view, {state.data(), state.size()});
    if (c.ok()) {
      EXPECT_EQ(c->bytes(), view);
      c->Append(kT0, 1.5);  // and stays appendable
    } else {
      EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(XorChunk, PrefetchAnyTime) {
  XorChunk c;
  c.Prefetch();
  for (const Sample& s : RealisticCounter(120, 15)) {
    c.Prefetch();
    c.Append(s.t, s.v);
  }
  c.ShrinkToFit();
  c.Prefetch();
  XorChunk moved = std::move(c);
  c.Prefetch();  // NOLINT: moved-from is specified empty
  moved.Prefetch();
  EXPECT_EQ(Decode(moved.bytes()), RealisticCounter(120, 15));
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

// Values no scale fits exactly are exceptions or corrections: the decimal
// encoding still applies and round-trips bit for bit, and EncodeBest keeps
// whichever encoding is smaller.
TEST(DecimalChunk, ValuesOffTheGrid) {
  const double kInf = std::numeric_limits<double>::infinity();
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), kStaleNaN, kInf, -kInf, -0.0, 1.0 / 3,
        9007199254740992.0, 1e300, 1e-10, 0x1p-20, std::numeric_limits<double>::denorm_min()}) {
    const std::vector<Sample> samples = Regular({1, bad, 2});
    std::optional<std::string> d = EncodeDecimal(samples);
    ASSERT_TRUE(d.has_value()) << bad;
    EXPECT_EQ(Decode(*d), samples) << bad;
    const std::string best = EncodeBest(samples);
    EXPECT_EQ(Decode(best), samples) << bad;
    EXPECT_EQ(best.size(), std::min(d->size(), EncodeXor(samples).size())) << bad;
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

// Encodes 50 seeded 120-sample chunks made by make(seed) with EncodeBest,
// checks that each round-trips and took the decimal encoding, runs
// check(best, seed) on each, records decimal and XOR bytes/sample as test
// properties and returns the decimal one.
template <typename Make, typename Check>
double DecimalBytesPerSample(Make&& make, Check&& check) {
  size_t bytes = 0, xor_bytes = 0, samples = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const std::vector<Sample> s = make(seed);
    const std::string best = EncodeBest(s);
    EXPECT_EQ(Decode(best), s) << seed;
    EXPECT_EQ(best[0], static_cast<char>(Encoding::kDecimal)) << seed;
    check(best, seed);
    bytes += best.size();
    xor_bytes += EncodeXor(s).size();
    samples += s.size();
  }
  const double per_sample = BytesPerSample(bytes, samples);
  ::testing::Test::RecordProperty("decimal_bytes_per_sample", std::to_string(per_sample));
  ::testing::Test::RecordProperty("xor_bytes_per_sample",
                                  std::to_string(BytesPerSample(xor_bytes, samples)));
  return per_sample;
}

TEST(DecimalChunk, RealisticCounterUnderOneBytePerSample) {
  EXPECT_LE(DecimalBytesPerSample([](uint64_t seed) { return RealisticCounter(120, seed); },
                                  [](const std::string&, uint64_t) {}),
            1.0);
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

// ------------------------------------------------- Near-decimal values

// The fixed parameters in byte 3 of a decimal chunk.
struct DecimalParams {
  int scale;
  bool order2;
  bool running;
  int correction_form;
};

DecimalParams ParamsOf(const std::string& encoded) {
  const auto b = static_cast<uint8_t>(encoded[3]);
  return {b >> 4, ((b >> 3) & 1) != 0, ((b >> 2) & 1) != 0, b & 3};
}

// v moved by `ulps` units in the last place (through zero and into NaNs
// too: any bit pattern is a valid test value).
double NudgeUlps(double v, int64_t ulps) {
  return std::bit_cast<double>(std::bit_cast<uint64_t>(v) + static_cast<uint64_t>(ulps));
}

// Checks that both EncodeDecimal and EncodeBest round-trip; returns the
// decimal encoding.
std::string ExpectDecimalRoundTrip(const std::vector<Sample>& samples) {
  std::optional<std::string> d = EncodeDecimal(samples);
  EXPECT_TRUE(d.has_value());
  if (!d.has_value()) return "";
  EXPECT_EQ(Decode(*d), samples);
  const std::string best = EncodeBest(samples);
  EXPECT_EQ(Decode(best), samples);
  EXPECT_EQ(best.size(), std::min(d->size(), EncodeXor(samples).size()));
  return *d;
}

TEST(NearDecimal, RunningSumIsCompact) {
  const double per_sample = DecimalBytesPerSample(
      [](uint64_t seed) { return RunningSum(120, seed); },
      [](const std::string& best, uint64_t seed) {
        EXPECT_TRUE(ParamsOf(best).running) << seed;
        EXPECT_EQ(ParamsOf(best).scale, 6) << seed;
      });
  // The increments alone carry about 23 bits, and a chunk's first value and
  // timestamp some 90 more: 3.13 bytes/sample measured, XOR takes 6.4.
  EXPECT_LE(per_sample, 3.2);
}

TEST(NearDecimal, FloatWalkIsCompact) {
  const double per_sample = DecimalBytesPerSample(
      [](uint64_t seed) { return FloatWalk(120, seed); },
      [](const std::string& best, uint64_t seed) {
        EXPECT_TRUE(ParamsOf(best).running) << seed;
        EXPECT_EQ(ParamsOf(best).scale, 3) << seed;
      });
  EXPECT_LE(per_sample, 2.5);
}

// Decimals at every scale, both signs and many magnitudes, each off by ULP
// noise from none to enormous.
TEST(NearDecimal, NoisyWalksRoundTrip) {
  std::mt19937_64 rng(21);
  for (int chunk = 0; chunk < 3000; ++chunk) {
    const int digits = static_cast<int>(rng() % 10);
    const double scale = std::pow(10.0, digits);
    const int64_t magnitude = int64_t{1} << (rng() % 50);
    const int noise_bits = static_cast<int>(rng() % 64);
    const size_t n = 1 + rng() % 200;
    int64_t x =
        static_cast<int64_t>(rng() % (2 * static_cast<uint64_t>(magnitude) + 1)) - magnitude;
    std::vector<Sample> samples;
    for (size_t i = 0; i < n; ++i) {
      x += static_cast<int64_t>(rng() % 2001) - 1000;
      double v = static_cast<double>(x) / scale;
      if (noise_bits > 0 && rng() % 4 != 0) {
        const int64_t ulps = static_cast<int64_t>(rng() >> (64 - noise_bits)) >> 1;
        v = NudgeUlps(v, rng() % 2 ? ulps : -ulps);
      }
      samples.push_back({kT0 + static_cast<int64_t>(i) * kStep, v});
    }
    ExpectDecimalRoundTrip(samples);
    if (HasFailure()) {
      ADD_FAILURE() << "chunk " << chunk;
      return;
    }
  }
}

// Running sums of increments rounded to d decimals, up and down.
TEST(NearDecimal, SumsOfRoundedDecimals) {
  std::mt19937_64 rng(22);
  std::uniform_real_distribution<double> uni(-1, 1);
  for (int digits = 0; digits <= 9; ++digits) {
    const double scale = std::pow(10.0, digits);
    for (double start : {0.0, 0.1, -12345.678, 1e9 / 7, 123456789.125}) {
      double sum = start;
      std::vector<Sample> samples;
      for (int i = 0; i < 120; ++i) {
        sum += std::round(uni(rng) * 1000 * scale) / scale;
        samples.push_back({kT0 + i * kStep, sum});
      }
      const std::string d = ExpectDecimalRoundTrip(samples);
      EXPECT_LT(d.size(), EncodeXor(samples).size()) << digits << " " << start;
    }
  }
}

// Magnitudes where x = v * 10^d leaves the exactly representable range.
TEST(NearDecimal, ValuesNearTheLimits) {
  const double kMax = std::numeric_limits<double>::max();
  const double kMinNormal = std::numeric_limits<double>::min();
  std::vector<double> edges = {0x1p53, 0x1p53 + 2, 0x1p53 - 1, 0x1p62,     0x1p62 - 1024,
                               0x1p63, 0x1p64,     kMax,       kMinNormal, kMinNormal * 3,
                               1e-300, 4e18,       4.6e18,     4.7e18,     9.2e18,
                               1e17,   1e16 + 2,   0.1,        1.5,        123456.789012345};
  std::vector<double> values;
  for (double e : edges) {
    values.push_back(e);
    values.push_back(-e);
    values.push_back(NudgeUlps(e, 1));
    values.push_back(NudgeUlps(e, -3));
  }
  ExpectDecimalRoundTrip(Regular(values));
  // Each edge among decimals with 9 digits, where it overflows x.
  for (double e : edges) {
    for (double sign : {1.0, -1.0}) {
      std::vector<double> mixed = {0.123456789, 1.000000001, sign * e, 2.5, sign * e, 3.000000007};
      ExpectDecimalRoundTrip(Regular(mixed));
    }
  }
}

TEST(NearDecimal, SignOfZero) {
  const std::vector<std::vector<double>> cases = {
      {-0.0},
      {0.0, -0.0},
      {-0.0, 0.0, -0.0, -0.0, 0.0},
      {1.5, -0.0, 2.5, -0.0},
      {-0.3, 0.1, 0.2, -0.0, 0.0, -0.1, 0.1},
      {0.1 + 0.2 - 0.3, -0.0, 0.0, -(0.1 + 0.2 - 0.3)},
  };
  for (const std::vector<double>& values : cases) {
    const std::vector<Sample> samples = Regular(values);
    const std::string d = ExpectDecimalRoundTrip(samples);
    const std::vector<Sample> back = Decode(d);
    ASSERT_EQ(back.size(), values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(std::signbit(back[i].v), std::signbit(values[i])) << i;
    }
  }
  // A running sum that crosses zero: 0.1 + 0.2 - 0.3 is not 0.
  double sum = 0;
  std::vector<Sample> samples;
  for (int i = 0; i < 60; ++i) {
    sum += (i % 3 == 2) ? -0.3 : (i % 3 == 0 ? 0.1 : 0.2);
    samples.push_back({kT0 + i * kStep, sum});
  }
  ExpectDecimalRoundTrip(samples);
}

// Corrections just inside and outside the limits the encoder uses.
TEST(NearDecimal, CorrectionSizes) {
  for (int64_t ulps :
       {int64_t{1}, int64_t{15}, int64_t{16}, int64_t{17}, int64_t{4096}, (int64_t{1} << 20) - 1,
        int64_t{1} << 20, (int64_t{1} << 20) + 1, int64_t{1} << 30, int64_t{1} << 45}) {
    for (int64_t sign : {1, -1}) {
      std::vector<Sample> counter = RealisticCounter(120, 3);
      for (size_t i = 0; i < counter.size(); i += 7) {
        counter[i].v = NudgeUlps(counter[i].v, sign * ulps);
      }
      std::vector<Sample> all = UniformCounter(50, 4);
      for (Sample& s : all) s.v = NudgeUlps(s.v / 1000, sign * ulps);
      ExpectDecimalRoundTrip(counter);
      ExpectDecimalRoundTrip(all);
    }
  }
}

// Any bit patterns at all, mixed with decimals.
TEST(NearDecimal, AnyBitsRoundTrip) {
  std::mt19937_64 rng(23);
  for (int chunk = 0; chunk < 3000; ++chunk) {
    const size_t n = rng() % 130;
    const int mix = static_cast<int>(rng() % 4);
    std::vector<Sample> samples;
    double walk = static_cast<double>(rng() % 1000) / 10;
    for (size_t i = 0; i < n; ++i) {
      walk += static_cast<double>(rng() % 100) / 10;
      const bool random_bits = mix == 3 || (mix > 0 && rng() % (mix * 4) == 0);
      const double v = random_bits ? std::bit_cast<double>(rng()) : walk;
      samples.push_back({kT0 + static_cast<int64_t>(i) * kStep, v});
    }
    ExpectDecimalRoundTrip(samples);
    if (HasFailure()) {
      ADD_FAILURE() << "chunk " << chunk;
      return;
    }
  }
}

// ----------------------------------------------------------- Exceptions

TEST(DecimalExceptions, StaleMarkerKeepsCounterCompact) {
  size_t bytes = 0, samples = 0;
  int64_t extra = 0;
  const int kSeeds = 50;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    std::vector<Sample> s = RealisticCounter(120, seed);
    const size_t clean = EncodeBest(s).size();
    s.back().v = kStaleNaN;
    const std::string best = EncodeBest(s);
    ASSERT_EQ(best[0], static_cast<char>(Encoding::kDecimal)) << seed;
    const std::vector<Sample> back = Decode(best);
    ASSERT_EQ(back, s);
    EXPECT_TRUE(IsStaleNaN(back.back().v));
    // Estimated code choices may differ by a few bytes from the clean chunk.
    EXPECT_LE(best.size(), clean + 16) << seed;
    extra += static_cast<int64_t>(best.size()) - static_cast<int64_t>(clean);
    bytes += best.size();
    samples += s.size();
  }
  // Flag, count, position and 64 raw bits: 79 bits.
  EXPECT_LE(static_cast<double>(extra) / kSeeds, 11.0);
  const double per_sample = BytesPerSample(bytes, samples);
  RecordProperty("decimal_bytes_per_sample", std::to_string(per_sample));
  EXPECT_LE(per_sample, 1.0);
}

TEST(DecimalExceptions, SpecialValuesAnywhere) {
  const double kInf = std::numeric_limits<double>::infinity();
  const std::vector<double> specials = {
      kStaleNaN,
      std::numeric_limits<double>::quiet_NaN(),
      kInf,
      -kInf,
      -0.0,
      std::bit_cast<double>(uint64_t{0xfff8000000000001}),  // a NaN with payload
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min()};
  const size_t n = 40;
  const std::vector<std::vector<size_t>> placements = {
      {0}, {1}, {2}, {n - 1}, {n - 2}, {0, 1}, {0, 1, 2, 3}, {5, 6, 7}, {0, n - 1}, {}};
  for (double special : specials) {
    for (const std::vector<size_t>& at : placements) {
      for (bool walk : {false, true}) {
        std::vector<Sample> s = walk ? FloatWalk(n, 5) : RealisticCounter(n, 5);
        for (size_t i : at) s[i].v = special;
        const std::string d = ExpectDecimalRoundTrip(s);
        // Seek lands on and past the exceptions.
        for (size_t i : at) {
          ChunkIterator it(d);
          ASSERT_TRUE(it.Seek(s[i].t));
          EXPECT_EQ(it.At(), s[i]);
          if (i + 1 < n) {
            ASSERT_TRUE(it.Next());
            EXPECT_EQ(it.At(), s[i + 1]);
          }
        }
      }
    }
    // Every other value, and every value.
    std::vector<Sample> alternate = RealisticCounter(n, 6), all = RealisticCounter(n, 6);
    for (size_t i = 0; i < n; ++i) {
      if (i % 2 == 1) alternate[i].v = special;
      all[i].v = special;
    }
    ExpectDecimalRoundTrip(alternate);
    ExpectDecimalRoundTrip(all);
  }
}

// A series that resets to a value off the grid keeps compact running
// prediction from there on.
TEST(DecimalExceptions, ResetOffTheGrid) {
  std::vector<Sample> s = FloatWalk(120, 7);
  for (size_t i = 60; i < s.size(); ++i) s[i].v -= 1000.123456789;
  const std::string d = ExpectDecimalRoundTrip(s);
  EXPECT_TRUE(ParamsOf(d).running);
  EXPECT_LE(d.size(), 120 * 3u);
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

// DecodeAll's batch loops must agree with ChunkIterator, sample for sample
// and error for error, on every encoding variant: XOR, plain decimal with
// and without timestamp jitter, delta-of-delta values, corrections,
// running prediction and exceptions; and on damaged copies of each.
TEST(ChunkIterator, DecodeAllMatchesIterator) {
  std::mt19937_64 rng(15);
  const auto check = [](std::string_view bytes) {
    std::vector<Sample> want;
    ChunkIterator it(bytes);
    while (it.Next()) want.push_back(it.At());
    const Status want_status = it.status();
    std::vector<Sample> got = {{-1, -1}};
    const Status s = DecodeAll(bytes, &got);
    EXPECT_EQ(s.code(), want_status.code());
    if (s.ok()) {
      ASSERT_EQ(got.size(), want.size() + 1);
      EXPECT_EQ(got[0], (Sample{-1, -1}));
      EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin() + 1));
    } else {
      EXPECT_EQ(got, (std::vector<Sample>{{-1, -1}}));  // left as it was
    }
  };
  for (int i = 0; i < 600; ++i) {
    const size_t n = rng() % 3 == 0 ? rng() % 4 : 1 + rng() % 300;
    std::vector<Sample> s;
    switch (i % 8) {
      case 0: s = RealisticCounter(n, rng()); break;
      case 1: s = UniformCounter(n, rng()); break;
      case 2: s = DecimalGauge(n, rng()); break;
      case 3: s = RunningSum(n, rng()); break;
      case 4: s = FloatWalk(n, rng()); break;
      case 5: s = Regular(std::vector<double>(n, 42.5)); break;
      case 6: {
        s = RealisticCounter(n, rng());
        for (Sample& x : s) {
          if (rng() % 10 == 0) x.v = kStaleNaN;
          if (rng() % 20 == 0) x.v = std::numeric_limits<double>::infinity();
        }
        break;
      }
      default: {
        s = DecimalGauge(n, rng());
        for (Sample& x : s) x.v = x.v * 1e6 + 0.1;  // off the grid
        break;
      }
    }
    if (rng() % 3 == 0) {  // timestamp jitter, now and then a missed scrape
      for (size_t k = 1; k < s.size(); ++k) {
        s[k].t = s[k - 1].t + kStep + static_cast<int64_t>(rng() % 50) - 25 +
                 (rng() % 30 == 0 ? kStep : 0);
      }
    }
    std::vector<std::string> encodings = {EncodeXor(s), EncodeBest(s)};
    if (auto d = EncodeDecimal(s)) encodings.push_back(*d);
    for (const std::string& e : encodings) {
      check(e);
      EXPECT_EQ(Decode(e), s);
      // Damaged copies: truncated, and with a few bits flipped.
      const std::vector<char> cut(e.begin(), e.begin() + static_cast<ptrdiff_t>(rng() % e.size()));
      check({cut.data(), cut.size()});
      std::vector<char> bad(e.begin(), e.end());
      for (int f = 0; f < 3; ++f) bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
      check({bad.data(), bad.size()});
    }
  }
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
      RealisticCounter(120, 12),
      DecimalGauge(50, 12),
      Regular({1}),
      Regular({1.5, 2.5}),
      Regular({std::numeric_limits<double>::quiet_NaN(), 1e300, -0.0, kStaleNaN}),
      RunningSum(40, 12),
      FloatWalk(40, 12),
      Regular({1, kStaleNaN, 2, 3, kStaleNaN, 4.5})};
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
  std::vector<Sample> stale = samples;
  stale[50].v = kStaleNaN;
  stale[119].v = kStaleNaN;
  for (const std::string& good :
       {EncodeXor(samples), *EncodeDecimal(samples), *EncodeDecimal(stale),
        *EncodeDecimal(RunningSum(120, 14)), *EncodeDecimal(FloatWalk(120, 14))}) {
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
