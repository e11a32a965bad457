// The variable-width integer codes of decimal chunks, shared by the encoder
// and the decoder. The format is described in tsdb/chunkenc/decimal_chunk.h.
//
// A code number is 6 bits: a family f (bit 5) and a shift s (bits 0-4).
// s = 31 in either family means "every value is 0" and takes no bits at
// all. Otherwise the code is a prefix code for unsigned integers with six
// buckets, each holding the values after those of the bucket before:
//
//   bucket  prefix   payload bits   steep (f = 0)   flat (f = 1)
//   0       0        s + w0         w0 = 0          w0 = 0
//   1       10       s + w1         w1 = 1          w1 = 0
//   2       110      s + w2         w2 = 2          w2 = 0
//   3       1110     s + w3         w3 = 4          w3 = 1
//   4       11110    s + w4         w4 = 16         w4 = 16
//   5       11111    64             any value, raw
//
// Small s spends few bits on 0; larger s suit noisier data. The steep family
// suits values that are mostly tiny (timestamp jitter), the flat one values
// spread evenly over a range (counter increments). The wide bucket 4 keeps
// a missed scrape (a 15 s timestamp dod) out of the 69-bit escape.
// VarLen, for one-off fields, is 6 bits of (bit length - 1) then the bits.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "tsdb/chunkenc/bit_stream.h"

namespace pharos::tsdb {

// Code numbers are 0..63; s = 31 (numbers 31 and 63) is the zero code.
inline constexpr int kDecimalCodeCount = 64;
inline constexpr int kDecimalZeroCode = 31;
inline constexpr int kDecimalEscapeBucket = 5;
inline constexpr std::array<std::array<uint8_t, 5>, 2> kDecimalWidthSteps = {{
    {0, 1, 2, 4, 16},  // steep
    {0, 0, 0, 1, 16},  // flat
}};

// True for the code numbers that store nothing.
constexpr bool IsDecimalZeroCode(int code) { return (code & 31) == kDecimalZeroCode; }

struct DecimalBucket {
  uint64_t base;  // first value of the bucket
  uint8_t prefix_bits;
  uint8_t width;  // payload bits
};

// How to read a code given the next five bits of the stream: one table
// load instead of a prefix lookup followed by a bucket lookup.
struct DecimalReadEntry {
  uint64_t base;        // first value of the bucket
  uint8_t prefix_bits;  // shifted out before the payload
  uint8_t skip;         // prefix_bits + width
  uint8_t rshift;       // 63 - width
  uint8_t escape;       // 1 for the 64-bit escape bucket
};

struct DecimalCode {
  std::array<DecimalBucket, 6> buckets;
  // ends[b]: one past the last value of bucket b (b < 5).
  std::array<uint64_t, kDecimalEscapeBucket> ends;
  // Total bits a value in bucket b costs.
  std::array<uint8_t, 6> bits;
  // The prefix of bucket b (b < 5), shifted above its payload.
  std::array<uint64_t, kDecimalEscapeBucket> heads;

  // Indexed by the next five bits of the stream.
  std::array<DecimalReadEntry, 32> reads;

  // The bucket holding v.
  int BucketOf(uint64_t v) const {
    return (v >= ends[0]) + (v >= ends[1]) + (v >= ends[2]) + (v >= ends[3]) + (v >= ends[4]);
  }
};

constexpr DecimalCode MakeDecimalCode(int code) {
  DecimalCode c{};
  if (IsDecimalZeroCode(code)) return c;  // never used to read or write
  const int s = code & 31;
  const std::array<uint8_t, 5>& steps = kDecimalWidthSteps[code >> 5];
  uint64_t base = 0;
  for (int b = 0; b < kDecimalEscapeBucket; ++b) {
    const int width = s + steps[b];
    c.buckets[b] = {base, static_cast<uint8_t>(b + 1), static_cast<uint8_t>(width)};
    c.bits[b] = static_cast<uint8_t>(b + 1 + width);
    c.heads[b] = (((uint64_t{1} << b) - 1) << 1) << width;  // b ones, then a zero
    base += uint64_t{1} << width;
    c.ends[b] = base;
  }
  c.buckets[kDecimalEscapeBucket] = {0, 5, 64};
  c.bits[kDecimalEscapeBucket] = 5 + 64;
  for (int i = 0; i < 32; ++i) {
    int b = 0;
    while (b < 5 && (i & (16 >> b))) ++b;
    const DecimalBucket& k = c.buckets[b];
    c.reads[i] = {k.base, k.prefix_bits, static_cast<uint8_t>(k.prefix_bits + k.width),
                  static_cast<uint8_t>(63 - k.width),
                  static_cast<uint8_t>(b == kDecimalEscapeBucket ? 1 : 0)};
  }
  return c;
}

inline constexpr std::array<DecimalCode, kDecimalCodeCount> kDecimalCodes = [] {
  std::array<DecimalCode, kDecimalCodeCount> codes{};
  for (int c = 0; c < kDecimalCodeCount; ++c) codes[c] = MakeDecimalCode(c);
  return codes;
}();

// Bucket index from the next five bits of the stream.
inline constexpr std::array<uint8_t, 32> kDecimalPrefixBucket = [] {
  std::array<uint8_t, 32> t{};
  for (int i = 0; i < 32; ++i) {
    int ones = 0;
    while (ones < 5 && (i & (16 >> ones))) ++ones;
    t[i] = static_cast<uint8_t>(ones);
  }
  return t;
}();

// Zigzag: 0, -1, 1, -2, ... <-> 0, 1, 2, 3, ...
inline uint64_t ZigZag(uint64_t x) { return (x << 1) ^ (0 - (x >> 63)); }
inline uint64_t UnZigZag(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }

// Bits code number `code` spends on v (0 for a zero code).
inline uint64_t DecimalCodeBits(int code, uint64_t v) {
  if (IsDecimalZeroCode(code)) return 0;
  const DecimalCode& c = kDecimalCodes[code];
  return c.bits[c.BucketOf(v)];
}

inline void WriteDecimalCode(BitWriter& w, int code, uint64_t v) {
  if (IsDecimalZeroCode(code)) return;
  const DecimalCode& c = kDecimalCodes[code];
  const int b = c.BucketOf(v);
  if (b == kDecimalEscapeBucket) [[unlikely]] {
    w.WriteBits(0b11111, 5);
    w.WriteBits(v, 64);
    return;
  }
  w.WriteBits(c.heads[b] | (v - c.buckets[b].base), c.bits[b]);
}

// Reads one code without refilling first, for batch loops that refill once for
// several codes. REQUIRES: code is not a zero code, and r holds at least
// code.bits[4] bits unless the input is exhausted (which then shows as
// r.overrun()). After an escape it refills, so the requirement holds again.
[[gnu::always_inline]] inline uint64_t ReadDecimalCodeNoRefill(BitReader& r,
                                                                const DecimalCode& code) {
  const uint64_t w = r.word();
  const DecimalReadEntry& e = code.reads[w >> 59];
  if (!e.escape) [[likely]] {
    const uint64_t payload = ((w << e.prefix_bits) >> 1) >> e.rshift;
    r.Skip(e.skip);
    return payload + e.base;
  }
  r.Skip(5);
  const uint64_t v = r.ReadLong(64);
  r.Refill();
  return v;
}

// REQUIRES: code is not a zero code. The caller checks r.overrun().
[[gnu::always_inline]] inline uint64_t ReadDecimalCode(BitReader& r, const DecimalCode& code) {
  r.Refill();
  return ReadDecimalCodeNoRefill(r, code);
}

inline int VarLenWidth(uint64_t v) { return std::max(1, static_cast<int>(std::bit_width(v))); }
inline uint64_t VarLenBits(uint64_t v) { return 6 + static_cast<uint64_t>(VarLenWidth(v)); }

inline void WriteVarLen(BitWriter& w, uint64_t v) {
  const int n = VarLenWidth(v);
  w.WriteBits(static_cast<uint64_t>(n - 1), 6);
  w.WriteBits(v, n);
}

inline uint64_t ReadVarLen(BitReader& r) {
  const int n = static_cast<int>(r.Read(6)) + 1;
  return r.ReadLong(n);
}

}  // namespace pharos::tsdb
