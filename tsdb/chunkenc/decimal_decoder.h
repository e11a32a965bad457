// DecimalDecoder: the sample-by-sample decoder for decimal chunks, and the
// variable-width integer codes both the encoder and the decoder use.
// ChunkIterator drives the decoder; other code should use ChunkIterator.
//
// The format is described in tsdb/chunkenc/decimal_chunk.h.
//
// Thread-safety: plain values; one thread per object.
#pragma once

#include <array>
#include <cstdint>

#include "tsdb/chunkenc/bit_stream.h"

namespace pharos::tsdb {

// One bucket of a DecimalCode: its prefix ('0', '10', '110', '1110',
// '11110', '11111'), payload width, and the first value it holds.
struct DecimalBucket {
  uint64_t base;
  uint8_t prefix_bits;
  uint8_t width;
};

// A prefix code for unsigned integers, one of a family indexed by a shift s
// in [0, kDecimalCodeCount): bucket b < 5 holds the 2^(s + kDecimalWidthSteps[b])
// values following those of bucket b-1, bucket 5 holds any value in 64 bits.
// s = 0 spends one bit on 0; larger s suit noisier data. Code number
// kDecimalZeroCode means "every value is 0" and takes no bits at all.
inline constexpr int kDecimalCodeCount = 31;
inline constexpr int kDecimalZeroCode = 31;
inline constexpr int kDecimalEscapeBucket = 5;
// Measured on synthetic counters and gauges; the wide last step keeps a
// missed scrape (a 15 s timestamp dod) out of the 69-bit escape.
inline constexpr std::array<uint8_t, 5> kDecimalWidthSteps = {0, 1, 2, 4, 16};

struct DecimalCode {
  std::array<DecimalBucket, 6> buckets;
};

constexpr DecimalCode MakeDecimalCode(int s) {
  DecimalCode c{};
  uint64_t base = 0;
  for (int b = 0; b < kDecimalEscapeBucket; ++b) {
    const int width = s + kDecimalWidthSteps[b];
    c.buckets[b] = {base, static_cast<uint8_t>(b + 1), static_cast<uint8_t>(width)};
    base += uint64_t{1} << width;
  }
  c.buckets[kDecimalEscapeBucket] = {0, 5, 64};
  return c;
}

inline constexpr std::array<DecimalCode, kDecimalCodeCount> kDecimalCodes = [] {
  std::array<DecimalCode, kDecimalCodeCount> codes{};
  for (int s = 0; s < kDecimalCodeCount; ++s) codes[s] = MakeDecimalCode(s);
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

// The bucket `code` puts `v` in.
inline int DecimalBucketOf(const DecimalCode& code, uint64_t v) {
  for (int b = 0; b < kDecimalEscapeBucket; ++b) {
    const DecimalBucket& k = code.buckets[b];
    if (v - k.base < (uint64_t{1} << k.width)) return b;
  }
  return kDecimalEscapeBucket;
}

// Zigzag: 0, -1, 1, -2, ... <-> 0, 1, 2, 3, ...
inline uint64_t ZigZag(uint64_t x) { return (x << 1) ^ (0 - (x >> 63)); }
inline uint64_t UnZigZag(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }

class DecimalDecoder {
 public:
  static constexpr double kPow10[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

  // Reads the parameters that follow the sample count.
  // Returns nullptr on success, else a static description of the damage;
  // the caller also checks r.overrun().
  const char* Init(BitReader& r) {
    const uint64_t p = r.Read(15);
    const int scale = static_cast<int>(p >> 11);
    if (scale > 9) return "bad decimal scale";
    divisor_ = kPow10[scale];
    const bool order2 = (p >> 10) & 1;
    order_mask_ = order2 ? ~uint64_t{0} : 0;
    const int t_code = static_cast<int>((p >> 5) & 31), v_code = static_cast<int>(p & 31);
    t_zero_ = t_code == kDecimalZeroCode;
    v_zero_ = v_code == kDecimalZeroCode;
    t_code_ = &kDecimalCodes[t_zero_ ? 0 : t_code];
    v_code_ = &kDecimalCodes[v_zero_ ? 0 : v_code];
    step_ = ReadVarLen(r);
    base_ = order2 ? 0 : UnZigZag(ReadVarLen(r));
    return nullptr;
  }

  // Decodes sample number `index`; samples must be decoded in order from 0.
  // The caller checks r.overrun() afterwards.
  void Next(BitReader& r, uint32_t index) {
    if (index >= 2) [[likely]] {
      if (!t_zero_) dt_ += UnZigZag(ReadCode(r, *t_code_));
      t_ += dt_;
      const uint64_t c = v_zero_ ? 0 : UnZigZag(ReadCode(r, *v_code_));
      dx_ = (dx_ & order_mask_) + step_ * (base_ + c);
      x_ += dx_;
    } else if (index == 0) {
      t_ = UnZigZag(ReadVarLen(r));
      x_ = UnZigZag(ReadVarLen(r));
    } else {
      dt_ = UnZigZag(ReadVarLen(r));
      dx_ = UnZigZag(ReadVarLen(r));
      t_ += dt_;
      x_ += dx_;
    }
  }

  int64_t t() const { return static_cast<int64_t>(t_); }
  double v() const { return static_cast<double>(static_cast<int64_t>(x_)) / divisor_; }

  // A 6-bit length n-1, then n bits (n in 1..64).
  static uint64_t ReadVarLen(BitReader& r) {
    const int n = static_cast<int>(r.Read(6)) + 1;
    return r.ReadLong(n);
  }

  static uint64_t ReadCode(BitReader& r, const DecimalCode& code) {
    r.Refill();
    const uint64_t w = r.word();
    const int b = kDecimalPrefixBucket[w >> 59];
    const DecimalBucket& k = code.buckets[b];
    if (b != kDecimalEscapeBucket) [[likely]] {
      const uint64_t payload = ((w << k.prefix_bits) >> 1) >> (63 - k.width);
      r.Skip(k.prefix_bits + k.width);
      return payload + k.base;
    }
    r.Skip(5);
    return r.ReadLong(64);
  }

 private:
  const DecimalCode* t_code_ = &kDecimalCodes[0];
  const DecimalCode* v_code_ = &kDecimalCodes[0];
  bool t_zero_ = false;  // every timestamp dod is 0
  bool v_zero_ = false;  // every coded value is 0
  double divisor_ = 1;
  uint64_t order_mask_ = 0;  // all ones: values are delta-of-delta coded
  uint64_t step_ = 1;        // every value delta is a multiple of it
  uint64_t base_ = 0;        // added to each delta (delta order only)
  // Unsigned so corrupt input wraps instead of overflowing.
  uint64_t t_ = 0, dt_ = 0, x_ = 0, dx_ = 0;
};

}  // namespace pharos::tsdb
