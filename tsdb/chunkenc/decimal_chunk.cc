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
#include "tsdb/chunkenc/decimal_levels.h"
#include "tsdb/chunkenc/decimal_stats.h"

namespace pharos::tsdb {
namespace {

using decimal::Bits;
using decimal::Direct;
using decimal::DirectLevel;
using decimal::kLevelUlps;
using decimal::kMaxScale;
using decimal::kNoLevel;
using decimal::Running;
using decimal::RunningLevel;
using decimal::Scaled;
using decimal::Small;
using decimal::StripTrailingZeros;

constexpr size_t kHeaderBytes = 3;
constexpr size_t kMaxSamples = 65535;
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

uint64_t Diff(int64_t a, int64_t b) { return static_cast<uint64_t>(a) - static_cast<uint64_t>(b); }
uint64_t ZigZagSigned(int64_t x) { return ZigZag(static_cast<uint64_t>(x)); }
int PositionBits(size_t n) { return n > 1 ? static_cast<int>(std::bit_width(n - 1)) : 0; }

// Values counted by level, in four lanes like WidthHistogram's.
using LevelCounts = std::array<std::array<uint16_t, 4>, kNoLevel + 1>;

// The scale that trades exceptions (values above it) against the cost of
// extra digits on every changing value.
int ChooseScale(const LevelCounts& levels, uint64_t changed) {
  std::array<uint64_t, kNoLevel + 1> count;
  uint64_t over = 0;
  for (int l = 0; l <= kNoLevel; ++l) {
    count[l] = uint64_t{levels[l][0]} + levels[l][1] + levels[l][2] + levels[l][3];
    over += count[l];
  }
  int best = 0;
  uint64_t best_cost = ~uint64_t{0};
  for (int d = 0; d <= kMaxScale; ++d) {
    over -= count[d];
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

// About the median of q[0..m), from at most 15 evenly spaced values.
int64_t SampledMedian(const int64_t* q, size_t m) {
  if (m == 0) return 0;
  std::array<int64_t, 15> pick;
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
  size_t misfits = 0;              // values off the decimal grid at this scale

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
  // Finds the direct level of every value (levels_, at_level_), searching
  // from `guess`; returns their counts.
  LevelCounts Survey(int guess);
  // Evaluates one prediction at one scale; keeps it if it beats *best_.
  void Consider(bool running, int scale);
  // Considers running prediction at the scale its levels suggest.
  void ConsiderRunning(uint64_t changed);
  // True if no other scale is likely to encode k's values better.
  bool Settled(const Candidate& k) const;
  // Fills k.q, k.c and k.exceptions for the prediction and scale of k, and
  // returns the OR of the corrections.
  uint64_t Predict(Candidate& k) const;
  // Writes the chunk into out; returns the bits of its stream.
  uint64_t Write(uint8_t* out) const;

  std::span<const Sample> samples_;
  // One allocation for the passes: each value's direct level, x and
  // correction at that level, and two candidates' arrays.
  std::unique_ptr<uint64_t[]> arena_;
  bool surveyed_ = false;  // levels_ and at_level_ are set
  uint8_t* levels_ = nullptr;
  Scaled* at_level_ = nullptr;
  std::array<Candidate, 2> candidates_;
  Candidate* best_ = &candidates_[0];
  Candidate* other_ = &candidates_[1];
  int t_code_ = 0;
};

Encoder::Encoder(std::span<const Sample> samples) : samples_(samples) {
  const size_t n = samples.size();
  arena_ = std::make_unique_for_overwrite<uint64_t[]>(6 * n + n / 8 + 1);
  uint64_t* a = arena_.get();
  at_level_ = reinterpret_cast<Scaled*>(a);  // 2n words
  best_->q = reinterpret_cast<int64_t*>(a + 2 * n);
  best_->c = a + 3 * n;
  other_->q = reinterpret_cast<int64_t*>(a + 4 * n);
  other_->c = a + 5 * n;
  levels_ = reinterpret_cast<uint8_t*>(a + 6 * n);

  WidthHistogram t_hist;
  uint64_t changed = 0;
  for (size_t i = 1; i < n; ++i) {
    if (i >= 2) {
      const int64_t t2 = samples[i].t, t1 = samples[i - 1].t, t0 = samples[i - 2].t;
      t_hist.Add(ZigZag(Diff(t2, t1) - Diff(t1, t0)), i);
    }
    changed += Bits(samples[i].v) != Bits(samples[i - 1].v);
  }
  t_code_ = ChooseCode(t_hist).code;

  // Typical chunks are decimals at the largest level of a few probes. A
  // scale higher than needed costs nearly nothing: the step absorbs it.
  int guess = -1;
  Scaled unused;
  for (size_t i : {size_t{0}, n / 2, n - 1}) {
    if (i >= n) continue;
    const int level = DirectLevel(samples[i].v, std::max(guess, 0), &unused);
    if (level != kNoLevel) guess = std::max(guess, level);
  }
  bool settled = false;
  if (guess >= 0) {
    Consider(false, guess);
    settled = Settled(*best_);
  }
  bool chainable_exception = false;
  for (uint16_t i : best_->exceptions) {
    chainable_exception |= DecimalChainable(Bits(samples[i].v));
  }
  if (!settled || best_->form != DecimalCorrection::kNone || chainable_exception) {
    // Values off the decimal grid: try predicting each from the last one.
    ConsiderRunning(changed);
  }
  if (!settled && !Settled(*best_)) {
    // Find each value's level, and trade exceptions against digits.
    Consider(false, ChooseScale(Survey(guess >= 0 ? guess : kMaxScale), changed));
  }
  // Near the precision of a double, a digit too few can still pass as a
  // level with sizeable corrections; one more digit may remove them.
  if (best_->scale < kMaxScale && best_->c_bits16 > 16 * 6 * best_->count) {
    Consider(best_->running, best_->scale + 1);
  }
}

bool Encoder::Settled(const Candidate& k) const {
  // Values that are no decimal at any scale (NaN, infinities, -0.0) are
  // exceptions whatever the scale; so is, often, a running chunk's first.
  size_t numbers = 0;
  for (uint16_t i : k.exceptions) {
    const double v = samples_[i].v;
    numbers += std::isfinite(v) && Bits(v) != Bits(-0.0);
  }
  return k.misfits == 0 && numbers <= (k.running ? 1u : 0u);
}

void Encoder::ConsiderRunning(uint64_t changed) {
  LevelCounts levels{};
  double prev = 0;
  int level = 0;
  for (size_t i = 0; i < samples_.size(); ++i) {
    const double v = samples_[i].v;
    if (!DecimalChainable(Bits(v))) {
      ++levels[kNoLevel][i & 3];
      continue;
    }
    level = RunningLevel(v, prev, level);
    ++levels[level][i & 3];
    prev = v;
  }
  Consider(true, ChooseScale(levels, changed));
}

LevelCounts Encoder::Survey(int guess) {
  LevelCounts levels{};
  for (size_t i = 0; i < samples_.size(); ++i) {
    const double v = samples_[i].v;
    // Inline for the common case: v fits at the guess.
    Scaled& at = at_level_[i];
    const int level = Direct(v, guess, &at) && Small(at.c, kLevelUlps)
                          ? StripTrailingZeros(guess, &at)
                          : DirectLevel(v, guess, &at);
    levels_[i] = static_cast<uint8_t>(level);
    ++levels[level][i & 3];
  }
  surveyed_ = true;
  return levels;
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
  k.misfits = 0;
  if (!k.running) {
    int64_t x_prev = 0;
    for (size_t i = 0; i < samples_.size(); ++i) {
      // Reuse the value's level search: at a larger scale, x grows by a power
      // of ten and, while double(x) stays exact, the correction is the same.
      Scaled s;
      const int level = surveyed_ ? levels_[i] : kNoLevel;
      if (level <= k.scale && std::abs(at_level_[i].x) <= kExactBelow[k.scale - level]) {
        s = at_level_[i];
        s.x *= kPow10Int[k.scale - level];
      } else if (!Direct(samples_[i].v, k.scale, &s) || !Small(s.c, kMaxCorrection)) {
        k.exceptions.push_back(static_cast<uint16_t>(i));
        continue;
      } else {
        k.misfits += !Small(s.c, kLevelUlps);
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
      k.misfits += !Small(s.c, kLevelUlps);
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
    deltas.Add(ZigZag(Diff(q[i], k.base)), i);
    dods.Add(ZigZag(Diff(q[i], last)), i);
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
      plain.Add(ZigZag(c[i]), i);
      delta.Add(ZigZag(c[i] - previous), i);
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
  const bool regular = IsDecimalZeroCode(t_code_);  // no timestamp bits after t1
  for (size_t i = 0; i < n; ++i) {
    if (i >= 2) [[likely]] {
      if (!regular) {
        const int64_t t2 = samples_[i].t, t1 = samples_[i - 1].t, t0 = samples_[i - 2].t;
        WriteDecimalCode(w, t_code_, ZigZag(Diff(t2, t1) - Diff(t1, t0)));
      }
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
