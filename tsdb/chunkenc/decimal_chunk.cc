#include "tsdb/chunkenc/decimal_chunk.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "tsdb/chunkenc/bit_stream.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/decimal_code.h"
#include "tsdb/chunkenc/decimal_decoder.h"
#include "tsdb/chunkenc/decimal_stats.h"

namespace pharos::tsdb {
namespace {

constexpr size_t kHeaderBytes = 3;
constexpr size_t kMaxSamples = 65535;
constexpr int kMaxScale = 9;
constexpr int kNoLevel = kMaxScale + 1;
// A value is "decimal at scale d" when its correction there is at most this
// many ULPs. Near the precision of a double, say 1234.567891 at d = 9, any
// value passes a wide threshold; a narrow one keeps levels meaningful, and
// running prediction covers the error a long running sum piles up.
constexpr uint64_t kLevelUlps = 16;
// Values whose correction would be larger become exceptions.
constexpr uint64_t kMaxCorrection = uint64_t{1} << 20;
// Estimates, in 1/16 bit, for choosing the scale.
constexpr uint64_t kExceptionBits16 = 16 * 72;
constexpr uint64_t kDigitBits16 = 53;  // log2(10)

constexpr std::array<int64_t, 10> kPow10Int = {
    1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000};
// kExactBelow[k] * 10^k <= 2^53: the x whose double stays exact scaled up k
// digits.
constexpr std::array<int64_t, 10> kExactBelow = [] {
  std::array<int64_t, 10> limits{};
  for (int k = 0; k < 10; ++k) limits[k] = (int64_t{1} << 53) / kPow10Int[k];
  return limits;
}();

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }
uint64_t Diff(int64_t a, int64_t b) { return static_cast<uint64_t>(a) - static_cast<uint64_t>(b); }
uint64_t ZigZagSigned(int64_t x) { return ZigZag(static_cast<uint64_t>(x)); }
int PositionBits(size_t n) { return n > 1 ? static_cast<int>(std::bit_width(n - 1)) : 0; }

// True if |c| <= limit for c read as a signed number.
bool Small(uint64_t c, uint64_t limit) { return c + limit <= 2 * limit; }

// Rounds s to an integer if |s| < 2^62. Ties may go either way: the encoder
// may pick any x, as the correction makes up the difference.
bool RoundToInt(double s, int64_t* x) {
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
bool Direct(double v, int d, Scaled* out) {
  if (!RoundToInt(v * kDecimalPow10[d], &out->x)) return false;
  const double x = static_cast<double>(out->x);
  out->c = Bits(v) - Bits(d == 0 ? x : x / kDecimalPow10[d]);
  return true;
}

// Running prediction of v from prev at scale d: the increment and the
// correction.
bool Running(double v, double prev, int d, Scaled* out) {
  const double p = kDecimalPow10[d];
  if (!RoundToInt((v - prev) * p, &out->x)) return false;
  out->c = Bits(v) - Bits(prev + static_cast<double>(out->x) / p);
  return true;
}

// The smallest d in [0, 9] where fits(d, &scaled), searching from `guess`
// (values in a chunk tend to share a level), with *at_level set from that
// d; kNoLevel if none fits. Assumes that fitting at d implies fitting at
// d + 1.
template <typename Fits>
int FindLevel(int guess, Scaled* at_level, Fits fits) {
  Scaled s;
  int d = guess;
  if (d > kMaxScale) {
    if (!fits(kMaxScale, &s)) return kNoLevel;
    d = kMaxScale;
  } else if (!fits(d, &s)) {
    do {
      if (++d > kMaxScale) return kNoLevel;
    } while (!fits(d, &s));
    *at_level = s;
    return d;
  }
  *at_level = s;
  while (d > 0 && fits(d - 1, &s)) {
    --d;
    *at_level = s;
  }
  return d;
}

int DirectLevel(double v, int guess, Scaled* at_level) {
  return FindLevel(guess, at_level,
                   [v](int d, Scaled* s) { return Direct(v, d, s) && Small(s->c, kLevelUlps); });
}

int RunningLevel(double v, double prev, int guess) {
  Scaled unused;
  return FindLevel(guess, &unused, [v, prev](int d, Scaled* s) {
    return Running(v, prev, d, s) && Small(s->c, kLevelUlps);
  });
}

// The scale that trades exceptions (values above it) against the cost of
// extra digits on every changing value. levels[l] counts values of level l.
int ChooseScale(const std::array<uint32_t, kNoLevel + 1>& levels, uint64_t changed) {
  uint64_t over = 0;
  for (uint32_t count : levels) over += count;
  int best = 0;
  uint64_t best_cost = ~uint64_t{0};
  for (int d = 0; d <= kMaxScale; ++d) {
    over -= levels[d];
    const uint64_t cost =
        over * kExceptionBits16 + static_cast<uint64_t>(d) * kDigitBits16 * changed;
    if (cost < best_cost) {
      best_cost = cost;
      best = d;
    }
  }
  return best;
}

// Divides exact multiples of g: shift out the power of two, then multiply by
// the inverse of the odd part modulo 2^64.
class ExactDivider {
 public:
  explicit ExactDivider(uint64_t g) : shift_(std::countr_zero(g)) {
    const uint64_t odd = g >> shift_;
    uint64_t inverse = odd;  // Newton's iteration doubles the correct low bits
    for (int i = 0; i < 5; ++i) inverse *= 2 - odd * inverse;
    inverse_ = inverse;
  }
  int64_t operator()(int64_t multiple) const {
    return static_cast<int64_t>(static_cast<uint64_t>(multiple >> shift_) * inverse_);
  }

 private:
  int shift_;
  uint64_t inverse_;
};

// About the median of q[0..m), from at most 31 evenly spaced values.
int64_t SampledMedian(const int64_t* q, size_t m) {
  if (m == 0) return 0;
  std::array<int64_t, 31> pick;
  const size_t k = std::min(m, pick.size());
  for (size_t i = 0; i < k; ++i) pick[i] = q[i * m / k];
  std::nth_element(pick.begin(), pick.begin() + k / 2, pick.begin() + k);
  return pick[k / 2];
}

// One way to encode the values, with its estimated size.
struct Candidate {
  int scale = 0;
  bool running = false;
  bool order2 = false;
  DecimalCorrection form = DecimalCorrection::kNone;
  int x_code = kDecimalZeroCode;
  int c_code = kDecimalZeroCode;
  uint64_t step = 1;
  int64_t base = 0;
  std::vector<uint16_t> exceptions;  // positions
  // Per value sample j: x0, then (x_j - x_j-1) / step; and the corrections.
  int64_t* q = nullptr;
  uint64_t* c = nullptr;
  size_t count = 0;
  uint64_t bits16 = ~uint64_t{0};  // estimate, timestamps excluded
  uint64_t c_bits16 = 0;           // of which corrections

  // True if a correction is coded with every value.
  bool CorrectionStream() const {
    return form == DecimalCorrection::kPlain || form == DecimalCorrection::kDelta;
  }

  // What the x code stores for value sample j >= 1.
  uint64_t CodedX(size_t j) const {
    return order2 ? ZigZag(Diff(q[j], j > 1 ? q[j - 1] : 0)) : ZigZag(Diff(q[j], base));
  }
};

// Plans the encoding in a few passes over the samples, then writes it.
class Encoder {
 public:
  explicit Encoder(std::span<const Sample> samples);
  std::string Encode() const;

 private:
  // Evaluates one prediction at one scale; keeps it if it beats *best_.
  void Consider(bool running, int scale);
  // Fills k.q, k.c and k.exceptions for the prediction and scale of k, and
  // returns the OR of the corrections.
  uint64_t Predict(Candidate& k) const;
  // Writes the chunk into out; returns the bits of its stream.
  uint64_t Write(uint8_t* out) const;

  std::span<const Sample> samples_;
  // One allocation for the passes: each value's direct level, x and
  // correction at that level, and two candidates' arrays.
  std::unique_ptr<uint64_t[]> arena_;
  uint8_t* levels_ = nullptr;
  Scaled* at_level_ = nullptr;
  std::unique_ptr<Candidate> best_, other_;
  int t_code_ = 0;
};

Encoder::Encoder(std::span<const Sample> samples) : samples_(samples) {
  const size_t n = samples.size();
  arena_ = std::make_unique_for_overwrite<uint64_t[]>(6 * n + n / 8 + 1);
  uint64_t* a = arena_.get();
  at_level_ = reinterpret_cast<Scaled*>(a);  // 2n words
  best_ = std::make_unique<Candidate>();
  other_ = std::make_unique<Candidate>();
  best_->q = reinterpret_cast<int64_t*>(a + 2 * n);
  best_->c = a + 3 * n;
  other_->q = reinterpret_cast<int64_t*>(a + 4 * n);
  other_->c = a + 5 * n;
  levels_ = reinterpret_cast<uint8_t*>(a + 6 * n);

  // One pass: timestamp statistics and the direct level of every value.
  WidthHistogram t_hist;
  std::array<uint32_t, kNoLevel + 1> levels{};
  uint64_t changed = 0;
  int level = 0;
  for (size_t i = 0; i < n; ++i) {
    const double v = samples[i].v;
    if (i >= 2) {
      const int64_t t2 = samples[i].t, t1 = samples[i - 1].t, t0 = samples[i - 2].t;
      t_hist.Add(ZigZag(Diff(t2, t1) - Diff(t1, t0)));
    }
    if (i > 0) changed += Bits(v) != Bits(samples[i - 1].v);
    level = DirectLevel(v, level, &at_level_[i]);
    levels_[i] = static_cast<uint8_t>(level);
    ++levels[level];
  }
  t_code_ = ChooseCode(t_hist).code;

  Consider(false, ChooseScale(levels, changed));
  bool chainable_exception = false;
  for (uint16_t i : best_->exceptions) {
    chainable_exception |= DecimalChainable(Bits(samples[i].v));
  }
  if (best_->form != DecimalCorrection::kNone || chainable_exception) {
    // Values off the decimal grid: try predicting each from the last one.
    levels = {};
    double prev = 0;
    level = 0;
    for (const Sample& s : samples) {
      if (!DecimalChainable(Bits(s.v))) {
        ++levels[kNoLevel];
        continue;
      }
      level = RunningLevel(s.v, prev, level);
      ++levels[level];
      prev = s.v;
    }
    Consider(true, ChooseScale(levels, changed));
  }
  // Near the precision of a double, a digit too few can still pass as a
  // level with sizeable corrections; one more digit may remove them.
  if (best_->scale < kMaxScale && best_->c_bits16 > 16 * 6 * best_->count) {
    Consider(best_->running, best_->scale + 1);
  }
}

uint64_t Encoder::Predict(Candidate& k) const {
  k.exceptions.clear();
  size_t j = 0;
  uint64_t any_correction = 0;
  const auto keep = [&](const Scaled& s) {
    k.q[j] = s.x;
    k.c[j++] = s.c;
    any_correction |= s.c;
  };
  if (!k.running) {
    int64_t x_prev = 0;
    for (size_t i = 0; i < samples_.size(); ++i) {
      // Reuse the value's level search: at a larger scale, x grows by a power
      // of ten and, while double(x) stays exact, the correction is the same.
      const int level = levels_[i];
      Scaled s = at_level_[i];
      const bool reuse = level <= k.scale && std::abs(s.x) <= kExactBelow[k.scale - level];
      if (reuse) {
        s.x *= kPow10Int[k.scale - level];
      } else if (!Direct(samples_[i].v, k.scale, &s) || !Small(s.c, kMaxCorrection)) {
        k.exceptions.push_back(static_cast<uint16_t>(i));
        continue;
      }
      const int64_t x = s.x;
      s.x -= x_prev;  // |x| < 2^62: no overflow
      x_prev = x;
      keep(s);
    }
  } else {
    double prev = 0;
    for (size_t i = 0; i < samples_.size(); ++i) {
      const double v = samples_[i].v;
      if (!DecimalChainable(Bits(v))) {
        k.exceptions.push_back(static_cast<uint16_t>(i));
        continue;
      }
      Scaled s;
      const bool ok = Running(v, prev, k.scale, &s) && Small(s.c, kMaxCorrection);
      prev = v;
      if (!ok) {
        k.exceptions.push_back(static_cast<uint16_t>(i));
        continue;
      }
      keep(s);
    }
  }
  k.count = j;
  return any_correction;
}

void Encoder::Consider(bool running, int scale) {
  Candidate& k = *other_;
  k.scale = scale;
  k.running = running;
  const uint64_t any_correction = Predict(k);
  const size_t j = k.count;
  int64_t* q = k.q;
  const uint64_t* c = k.c;

  // Every x delta is a multiple of the step (4096 for page-sized gauges).
  uint64_t step = 0;
  for (size_t i = 1; i < j && step != 1; ++i) {
    step = std::gcd(step, static_cast<uint64_t>(q[i] < 0 ? -q[i] : q[i]));
  }
  k.step = step == 0 ? 1 : step;
  if (k.step != 1) {
    const ExactDivider divide(k.step);
    for (size_t i = 1; i < j; ++i) q[i] = divide(q[i]);
  }
  // Deltas are stored relative to about their median, which centres a
  // counter's increments on zero.
  k.base = j > 1 ? SampledMedian(q + 1, j - 1) : 0;
  WidthHistogram deltas, dods;
  int64_t last = 0;
  for (size_t i = 1; i < j; ++i) {
    deltas.Add(ZigZag(Diff(q[i], k.base)));
    dods.Add(ZigZag(Diff(q[i], last)));
    last = q[i];
  }
  const CodeChoice d = ChooseCode(deltas), dd = ChooseCode(dods);
  const uint64_t base_bits = VarLenBits(ZigZagSigned(k.base));
  k.order2 = dd.bits16 < d.bits16 + 16 * base_bits;
  k.x_code = k.order2 ? dd.code : d.code;
  const uint64_t x_bits16 = k.order2 ? dd.bits16 : d.bits16 + 16 * base_bits;

  k.form = DecimalCorrection::kNone;
  k.c_code = kDecimalZeroCode;
  k.c_bits16 = 0;
  if (any_correction != 0 && std::all_of(c + 1, c + j, [](uint64_t x) { return x == 0; })) {
    // Typical of running prediction: only the first value, predicted
    // directly, is off the grid.
    k.form = DecimalCorrection::kFirst;
    k.c_bits16 = 16 * VarLenBits(ZigZag(c[0]));
  } else if (any_correction != 0) {
    WidthHistogram plain, delta;
    uint64_t previous = 0;
    for (size_t i = 0; i < j; ++i) {
      plain.Add(ZigZag(c[i]));
      delta.Add(ZigZag(c[i] - previous));
      previous = c[i];
    }
    const CodeChoice p = ChooseCode(plain), dl = ChooseCode(delta);
    const bool use_delta = dl.bits16 < p.bits16;
    k.form = use_delta ? DecimalCorrection::kDelta : DecimalCorrection::kPlain;
    k.c_code = use_delta ? dl.code : p.code;
    k.c_bits16 = 16 * kDecimalCodeBits + (use_delta ? dl.bits16 : p.bits16);
  }
  const size_t e = k.exceptions.size();
  uint64_t fixed = VarLenBits(k.step);
  if (e > 0) fixed += VarLenBits(e - 1) + e * (PositionBits(samples_.size()) + 64);
  if (j > 0) fixed += VarLenBits(ZigZagSigned(q[0]));
  k.bits16 = x_bits16 + k.c_bits16 + 16 * fixed;
  if (k.bits16 < best_->bits16) std::swap(best_, other_);
}

uint64_t Encoder::Write(uint8_t* out) const {
  const Candidate& k = *best_;
  const size_t n = samples_.size();
  out[0] = static_cast<uint8_t>(Encoding::kDecimal);
  out[1] = static_cast<uint8_t>(n >> 8);
  out[2] = static_cast<uint8_t>(n & 0xff);
  BitWriter w(out, kHeaderBytes * 8);
  w.WriteBits((static_cast<uint64_t>(k.scale) << 16) | (uint64_t{k.order2} << 15) |
                  (uint64_t{k.running} << 14) | (static_cast<uint64_t>(k.form) << 12) |
                  (static_cast<uint64_t>(t_code_) << 6) | static_cast<uint64_t>(k.x_code),
              kDecimalParamBits);
  if (k.CorrectionStream()) w.WriteBits(static_cast<uint64_t>(k.c_code), kDecimalCodeBits);
  const size_t e = k.exceptions.size();
  w.WriteBit(e > 0);
  if (e > 0) WriteVarLen(w, e - 1);
  WriteVarLen(w, k.step);
  if (!k.order2) WriteVarLen(w, ZigZagSigned(k.base));
  const int position_bits = PositionBits(n);
  for (uint16_t i : k.exceptions) {
    w.WriteBits(i, position_bits);
    w.WriteBits(Bits(samples_[i].v), 64);
  }

  const bool c_stream = k.CorrectionStream();
  const bool c_delta = k.form == DecimalCorrection::kDelta;
  size_t next_exception = e > 0 ? k.exceptions[0] : n;
  size_t e_index = 0, j = 0;
  uint64_t last_c = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i >= 2) [[likely]] {
      const int64_t t2 = samples_[i].t, t1 = samples_[i - 1].t, t0 = samples_[i - 2].t;
      WriteDecimalCode(w, t_code_, ZigZag(Diff(t2, t1) - Diff(t1, t0)));
    } else if (i == 0) {
      WriteVarLen(w, ZigZagSigned(samples_[0].t));
    } else {
      WriteVarLen(w, ZigZag(Diff(samples_[1].t, samples_[0].t)));
    }
    if (i == next_exception) [[unlikely]] {
      ++e_index;
      next_exception = e_index < e ? k.exceptions[e_index] : n;
      continue;
    }
    if (j > 0) [[likely]] {
      WriteDecimalCode(w, k.x_code, k.CodedX(j));
    } else {
      WriteVarLen(w, ZigZagSigned(k.q[0]));
      if (k.form == DecimalCorrection::kFirst) WriteVarLen(w, ZigZag(k.c[0]));
    }
    if (c_stream) {
      const uint64_t c = k.c[j];
      WriteDecimalCode(w, k.c_code, ZigZag(c_delta ? c - last_c : c));
      last_c = c;
    }
    ++j;
  }
  w.Flush();
  return w.bit_pos() - kHeaderBytes * 8;
}

std::string Encoder::Encode() const {
  // Write into scratch sized for the worst case, then copy out exactly.
  const size_t n = samples_.size();
  const size_t bound = kHeaderBytes + BitWriter::kSlackBytes +
                       (1000 + 80 * best_->exceptions.size() + 3 * 69 * n) / 8;
  std::array<uint8_t, 4096> stack;
  std::unique_ptr<uint8_t[]> heap;
  uint8_t* scratch = stack.data();
  if (bound > stack.size()) {
    heap = std::make_unique_for_overwrite<uint8_t[]>(bound);
    scratch = heap.get();
  }
  const uint64_t bits = Write(scratch);
  return std::string(reinterpret_cast<const char*>(scratch), kHeaderBytes + (bits + 7) / 8);
}

}  // namespace

std::optional<std::string> EncodeDecimal(std::span<const Sample> samples) {
  if (samples.size() > kMaxSamples) return std::nullopt;
  return Encoder(samples).Encode();
}

}  // namespace pharos::tsdb
