#include "tsdb/chunkenc/decimal_chunk.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "tsdb/chunkenc/bit_stream.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/decimal_decoder.h"

namespace pharos::tsdb {
namespace {

constexpr size_t kHeaderBytes = 3;
constexpr uint64_t kParamBits = 15;
constexpr int kMaxScale = 9;

// Sets *x to v scaled by 10^d if that is exact in the sense of the format.
bool ScaleExactly(double v, int d, int64_t* x) {
  const double p = DecimalDecoder::kPow10[d];
  const double scaled = v * p;
  if (!(std::fabs(scaled) < 0x1p53)) return false;  // also rejects NaN
  const int64_t r = std::llround(scaled);
  if (std::bit_cast<uint64_t>(static_cast<double>(r) / p) != std::bit_cast<uint64_t>(v)) {
    return false;
  }
  *x = r;
  return true;
}

// The smallest scale that fits every value, filling xs; -1 if none does.
int FindScale(std::span<const Sample> samples, std::vector<int64_t>* xs) {
  // A value that fits at d also fits at any larger d below the 2^53 limit,
  // so climb once per sample; only the samples before the last climb need
  // scaling again (and are checked again, to be exact rather than clever).
  int d = 0;
  size_t scaled_from = 0;  // xs[scaled_from..] hold values scaled at d
  for (size_t i = 0; i < samples.size(); ++i) {
    while (!ScaleExactly(samples[i].v, d, &(*xs)[i])) {
      if (++d > kMaxScale) return -1;
      scaled_from = i;
    }
  }
  for (; d <= kMaxScale; ++d) {
    bool all = true;
    for (size_t i = 0; i < scaled_from && all; ++i) {
      all = ScaleExactly(samples[i].v, d, &(*xs)[i]);
    }
    if (all) return d;
    scaled_from = samples.size();
  }
  return -1;
}

int VarLenWidth(uint64_t z) { return std::max(1, static_cast<int>(std::bit_width(z))); }
uint64_t VarLenBits(uint64_t z) { return 6 + VarLenWidth(z); }

void WriteVarLen(BitWriter& w, uint64_t z) {
  const int n = VarLenWidth(z);
  w.WriteBits(static_cast<uint64_t>(n - 1), 6);
  w.WriteBits(z, n);
}

struct CodeChoice {
  uint64_t bits;
  int code;
};

// Bucket b of code s ends (exclusively) at kBucketEnds[b] << s.
constexpr std::array<uint64_t, kDecimalEscapeBucket> kBucketEnds = [] {
  std::array<uint64_t, kDecimalEscapeBucket> ends{};
  uint64_t end = 0;
  for (int b = 0; b < kDecimalEscapeBucket; ++b) {
    ends[b] = end += uint64_t{1} << kDecimalWidthSteps[b];
  }
  return ends;
}();

// The smallest shift s with z < (end << s).
int MinShift(uint64_t z, uint64_t end) {
  const int s =
      std::max(0, static_cast<int>(std::bit_width(z)) - static_cast<int>(std::bit_width(end)));
  return (end << s) <= z ? s + 1 : s;
}

// The code that stores zs in the fewest bits, exactly, in O(n).
CodeChoice BestCode(std::span<const uint64_t> zs) {
  uint64_t all = 0;
  for (uint64_t z : zs) all |= z;
  if (all == 0) return {0, kDecimalZeroCode};
  // A value sits in bucket b for the shifts in [MinShift(b), MinShift(b-1))
  // and costs (b + 1 + step_b) + s bits there, 69 bits below MinShift(4).
  // Difference arrays over s collect bits(s) = fixed[s] + per_shift[s] * s.
  constexpr int kCodes = kDecimalCodeCount;
  std::array<int64_t, kCodes + 1> fixed{}, per_shift{};
  const auto add = [&](int lo, int hi, int64_t bits, int64_t shifts) {
    lo = std::min(lo, kCodes);
    hi = std::min(hi, kCodes);
    if (lo >= hi) return;
    fixed[lo] += bits;
    fixed[hi] -= bits;
    per_shift[lo] += shifts;
    per_shift[hi] -= shifts;
  };
  const DecimalBucket& escape = kDecimalCodes[0].buckets[kDecimalEscapeBucket];
  for (uint64_t z : zs) {
    int hi = kCodes;
    for (int b = 0; b < kDecimalEscapeBucket; ++b) {
      const int lo = MinShift(z, kBucketEnds[b]);
      add(lo, hi, b + 1 + kDecimalWidthSteps[b], 1);
      hi = lo;
    }
    add(0, hi, escape.prefix_bits + escape.width, 0);
  }
  CodeChoice best{~uint64_t{0}, 0};
  int64_t f = 0, k = 0;
  for (int s = 0; s < kCodes; ++s) {
    f += fixed[s];
    k += per_shift[s];
    const uint64_t bits = static_cast<uint64_t>(f + k * s);
    if (bits < best.bits) best = {bits, s};
  }
  return best;
}

void WriteCode(BitWriter& w, int code_number, uint64_t z) {
  if (code_number == kDecimalZeroCode) return;
  const DecimalCode& code = kDecimalCodes[code_number];
  const int b = DecimalBucketOf(code, z);
  if (b == kDecimalEscapeBucket) {
    w.WriteBits(0b11111, 5);
    w.WriteBits(z, 64);
    return;
  }
  const DecimalBucket& k = code.buckets[b];
  const uint64_t prefix = ((uint64_t{1} << b) - 1) << 1;  // b ones, then a zero
  w.WriteBits((prefix << k.width) | (z - k.base), k.prefix_bits + k.width);
}

uint64_t Diff(int64_t a, int64_t b) { return static_cast<uint64_t>(a) - static_cast<uint64_t>(b); }

}  // namespace

std::optional<std::string> EncodeDecimal(std::span<const Sample> samples) {
  const size_t n = samples.size();
  if (n > 65535) return std::nullopt;
  std::vector<int64_t> xs(n);
  const int scale = FindScale(samples, &xs);
  if (scale < 0) return std::nullopt;

  // Every value delta is a multiple of `step` (4096 for page-sized gauges).
  uint64_t step = 0;
  for (size_t i = 1; i < n; ++i) {
    const int64_t d = xs[i] - xs[i - 1];  // |x| < 2^53: no overflow
    step = std::gcd(step, static_cast<uint64_t>(d < 0 ? -d : d));
  }
  if (step == 0) step = 1;
  const auto q = [&](size_t i) { return (xs[i] - xs[i - 1]) / static_cast<int64_t>(step); };

  // From sample 2 on: timestamp dods, value deltas, value dods (in steps).
  const size_t m = n > 2 ? n - 2 : 0;
  std::vector<uint64_t> zs(3 * m);
  const std::span<uint64_t> t_dod(zs.data(), m), x_d(zs.data() + m, m), x_dod(zs.data() + 2 * m, m);
  for (size_t i = 2; i < n; ++i) {
    const int64_t t2 = samples[i].t, t1 = samples[i - 1].t, t0 = samples[i - 2].t;
    t_dod[i - 2] = ZigZag(Diff(t2, t1) - Diff(t1, t0));
    x_d[i - 2] = static_cast<uint64_t>(q(i));
    x_dod[i - 2] = ZigZag(static_cast<uint64_t>(q(i) - q(i - 1)));
  }
  // Deltas are stored relative to their median, which centres a counter's
  // increments on zero.
  int64_t base = 0;
  if (m > 0) {
    std::vector<int64_t> sorted(x_d.begin(), x_d.end());
    std::nth_element(sorted.begin(), sorted.begin() + m / 2, sorted.end());
    base = sorted[m / 2];
  }
  for (uint64_t& d : x_d) d = ZigZag(d - static_cast<uint64_t>(base));

  const CodeChoice t_code = BestCode(t_dod);
  const CodeChoice d_code = BestCode(x_d);
  const CodeChoice dd_code = BestCode(x_dod);
  const uint64_t base_bits = VarLenBits(ZigZag(base));
  const bool order2 = dd_code.bits < d_code.bits + base_bits;
  const CodeChoice v_code = order2 ? dd_code : d_code;

  uint64_t bits = kParamBits + VarLenBits(step) + (order2 ? 0 : base_bits);
  bits += t_code.bits + v_code.bits;
  if (n > 0) bits += VarLenBits(ZigZag(samples[0].t)) + VarLenBits(ZigZag(xs[0]));
  if (n > 1) {
    bits += VarLenBits(ZigZag(Diff(samples[1].t, samples[0].t))) +
            VarLenBits(ZigZag(Diff(xs[1], xs[0])));
  }
  const size_t size = kHeaderBytes + (bits + 7) / 8;

  std::string out(size + BitWriter::kSlackBytes, '\0');
  out[0] = static_cast<char>(Encoding::kDecimal);
  out[1] = static_cast<char>(n >> 8);
  out[2] = static_cast<char>(n & 0xff);
  BitWriter w(reinterpret_cast<uint8_t*>(out.data()), kHeaderBytes * 8);
  w.WriteBits((static_cast<uint64_t>(scale) << 11) | (uint64_t{order2} << 10) |
                  (static_cast<uint64_t>(t_code.code) << 5) | static_cast<uint64_t>(v_code.code),
              kParamBits);
  WriteVarLen(w, step);
  if (!order2) WriteVarLen(w, ZigZag(base));
  if (n > 0) {
    WriteVarLen(w, ZigZag(samples[0].t));
    WriteVarLen(w, ZigZag(xs[0]));
  }
  if (n > 1) {
    WriteVarLen(w, ZigZag(Diff(samples[1].t, samples[0].t)));
    WriteVarLen(w, ZigZag(Diff(xs[1], xs[0])));
  }
  const std::span<const uint64_t> values = order2 ? x_dod : x_d;
  for (size_t i = 0; i < m; ++i) {
    WriteCode(w, t_code.code, t_dod[i]);
    WriteCode(w, v_code.code, values[i]);
  }
  assert(w.bit_pos() == kHeaderBytes * 8 + bits);
  out.resize(size);
  return out;
}

}  // namespace pharos::tsdb
