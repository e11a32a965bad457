// Encoder-side scaling of values for decimal chunks: how a value becomes an
// integer x at scale d plus a correction, under each prediction of
// tsdb/chunkenc/decimal_chunk.h, and the smallest scale ("level") at which a
// value is a decimal up to a few ULPs.
//
// The encoder may pick any x; exactness comes from computing the correction
// exactly as the decoder computes its prediction.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "tsdb/chunkenc/decimal_decoder.h"

namespace pharos::tsdb::decimal {

inline constexpr int kMaxScale = 9;
inline constexpr int kNoLevel = kMaxScale + 1;
// A value is "decimal at scale d" when its correction there is at most this
// many ULPs. Near the precision of a double, say 1234.567891 at d = 9, any
// value passes a wide threshold; a narrow one keeps levels meaningful, and
// running prediction covers the error a long running sum piles up.
inline constexpr uint64_t kLevelUlps = 16;

inline uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

// True if |c| <= limit for c read as a signed number.
inline bool Small(uint64_t c, uint64_t limit) { return c + limit <= 2 * limit; }

// Rounds s to an integer if |s| < 2^62. Ties may go either way: the encoder
// may pick any x, as the correction makes up the difference.
inline bool RoundToInt(double s, int64_t* x) {
  if (std::fabs(s) < 0x1p51) {  // false for NaN
    *x = static_cast<int64_t>((s + 0x1.8p52) - 0x1.8p52);
    return true;
  }
  if (!(std::fabs(s) < 0x1p62)) return false;
  *x = static_cast<int64_t>(s);
  return true;
}

// An integer at some scale and the correction that turns it back into v.
struct Scaled {
  int64_t x;
  uint64_t c;
};

// Direct prediction of v at scale d, if |v * 10^d| < 2^62. The decoder
// computes double(x) / 10^d; at d = 0 that is double(x) exactly.
inline bool Direct(double v, int d, Scaled* out) {
  if (!RoundToInt(v * kDecimalPow10[d], &out->x)) return false;
  const double x = static_cast<double>(out->x);
  out->c = Bits(v) - Bits(d == 0 ? x : x / kDecimalPow10[d]);
  return true;
}

// Running prediction of v from prev at scale d: the increment and the
// correction.
inline bool Running(double v, double prev, int d, Scaled* out) {
  const double p = kDecimalPow10[d];
  if (!RoundToInt((v - prev) * p, &out->x)) return false;
  out->c = Bits(v) - Bits(prev + static_cast<double>(out->x) / p);
  return true;
}

// Moves a fit at level d with x (a value or an increment) a multiple of 10
// down to d - 1 with x / 10, as often as possible: x / 10^d is the same
// number, so while double(x) is exact the prediction and the correction
// stay the same. Returns the new level.
inline int StripTrailingZeros(int d, Scaled* s) {
  if (std::abs(s->x) > (int64_t{1} << 53)) return d;
  while (d > 0 && s->x % 10 == 0) {
    s->x /= 10;
    --d;
  }
  return d;
}

// The smallest d in [0, 9] where fits(d, &scaled), with *at_level set from
// that d; kNoLevel if none fits. Searches up from `guess` (values in a chunk
// tend to share a level) and strips trailing zeros below it. Assumes that
// fitting at d implies fitting at d + 1.
template <typename Fits>
int FindLevel(int guess, Scaled* at_level, Fits fits) {
  const int start = std::min(guess, kMaxScale);
  int d = start;
  while (!fits(d, at_level)) {
    if (++d > kMaxScale) return kNoLevel;
  }
  return d == start ? StripTrailingZeros(d, at_level) : d;
}

inline int DirectLevel(double v, int guess, Scaled* at_level) {
  return FindLevel(guess, at_level,
                   [v](int d, Scaled* s) { return Direct(v, d, s) && Small(s->c, kLevelUlps); });
}

inline int RunningLevel(double v, double prev, int guess) {
  Scaled unused;
  return FindLevel(guess, &unused, [v, prev](int d, Scaled* s) {
    return Running(v, prev, d, s) && Small(s->c, kLevelUlps);
  });
}

}  // namespace pharos::tsdb::decimal
