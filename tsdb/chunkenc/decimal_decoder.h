// DecimalDecoder: the sample-by-sample decoder for decimal chunks.
// ChunkIterator drives it; other code should use ChunkIterator.
//
// The format is described in tsdb/chunkenc/decimal_chunk.h, the integer
// codes in tsdb/chunkenc/decimal_code.h.
//
// Thread-safety: a plain value; one thread per object.
#pragma once

#include <bit>
#include <cfloat>
#include <cstdint>

#include "tsdb/chunkenc/bit_stream.h"
#include "tsdb/chunkenc/decimal_code.h"
#include "tsdb/sample.h"

namespace pharos::tsdb {

// Values decode through double arithmetic that must round each operation
// to double, as the encoder did.
static_assert(FLT_EVAL_METHOD == 0,
              "decimal chunks need double arithmetic without excess precision");

inline constexpr double kDecimalPow10[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

// Bits of the fixed parameters that open a decimal bit stream.
inline constexpr int kDecimalParamBits = 20;
// Bits of a code number.
inline constexpr int kDecimalCodeBits = 6;

// Correction forms (2 bits of the parameters).
enum class DecimalCorrection : uint8_t {
  kNone = 0,   // every correction is 0: nothing stored
  kPlain = 1,  // zz(c_j)
  kDelta = 2,  // zz(c_j - c_j-1)
  kFirst = 3,  // only c_0 may be non-zero: zz(c_0) as VarLen
};

// True if a running prediction may start from v: finite and not subnormal,
// so adding to it rounds the same everywhere, flush-to-zero modes included.
inline bool DecimalChainable(uint64_t bits) {
  const uint64_t exponent = bits & 0x7ff0000000000000ULL;
  return exponent != 0x7ff0000000000000ULL && (exponent != 0 || (bits << 1) == 0);
}

class DecimalDecoder {
 public:
  // Reads the parameters and locates the exceptions of a chunk of n samples.
  // Returns nullptr on success, else a static description of the damage;
  // the caller also checks r.overrun().
  const char* Init(BitReader& r, uint32_t n) {
    const uint64_t p = r.Read(kDecimalParamBits);
    const int scale = static_cast<int>(p >> 16);
    if (scale > 9) return "bad decimal scale";
    divisor_ = kDecimalPow10[scale];
    const bool order2 = (p >> 15) & 1;
    order_mask_ = order2 ? ~uint64_t{0} : 0;
    running_ = (p >> 14) & 1;
    correction_ = static_cast<DecimalCorrection>((p >> 12) & 3);
    const int t_code = static_cast<int>((p >> 6) & 63), x_code = static_cast<int>(p & 63);
    t_zero_ = IsDecimalZeroCode(t_code);
    x_zero_ = IsDecimalZeroCode(x_code);
    t_code_ = &kDecimalCodes[t_code];
    x_code_ = &kDecimalCodes[x_code];
    c_stream_ =
        correction_ == DecimalCorrection::kPlain || correction_ == DecimalCorrection::kDelta;
    if (c_stream_) {
      const int c_code = static_cast<int>(r.Read(kDecimalCodeBits));
      c_zero_ = IsDecimalZeroCode(c_code);
      c_code_ = &kDecimalCodes[c_code];
    }
    exceptions_ = r.Read(1) ? ReadVarLen(r) + 1 : 0;
    if (exceptions_ > n) return "more decimal exceptions than samples";
    step_ = ReadVarLen(r);
    base_ = order2 ? 0 : UnZigZag(ReadVarLen(r));
    // The exceptions come first; the samples follow them.
    n_ = n;
    position_bits_ = n > 1 ? static_cast<int>(std::bit_width(n - 1)) : 0;
    exceptions_r_ = r;
    r.SkipLong(exceptions_ * (position_bits_ + 64));
    plain_ = !running_ && correction_ == DecimalCorrection::kNone && exceptions_ == 0;
    return NextExceptionPosition(0);
  }

  // Decodes sample number `index`; samples must be decoded in order from 0.
  // Returns nullptr on success, else a static description of the damage.
  // The caller checks r.overrun() afterwards.
  const char* Next(BitReader& r, uint32_t index) {
    if (plain_ && index >= 2) [[likely]] {
      // Direct prediction, no corrections or exceptions: values are x / 10^d.
      if (!t_zero_) dt_ += UnZigZag(ReadDecimalCode(r, *t_code_));
      t_ += dt_;
      const uint64_t z = x_zero_ ? 0 : UnZigZag(ReadDecimalCode(r, *x_code_));
      dx_ = (dx_ & order_mask_) + step_ * (base_ + z);
      x_ += dx_;
      // Casting to int64 is modular, so corrupt input cannot overflow.
      v_ = static_cast<double>(static_cast<int64_t>(x_)) / divisor_;
      return nullptr;
    }
    return NextInGeneral(r, index);
  }

  int64_t t() const { return static_cast<int64_t>(t_); }
  double v() const { return v_; }

  // Decodes every sample of the chunk Init() read into out[0, n), n as
  // passed to Init(); no sample may have been decoded yet. Returns nullptr
  // on success, else a static description of the damage (out then holds
  // garbage). The caller checks r.overrun() afterwards: a stream that ends
  // early reads as zero bits, and is only detected then.
  const char* DecodeAll(BitReader& r, Sample* out) {
    const uint32_t n = n_;
    const uint32_t head = n < 2 ? n : 2;
    for (uint32_t i = 0; i < head; ++i) {
      if (const char* err = NextInGeneral(r, i)) return err;
      out[i] = {t(), v_};
    }
    if (n <= 2) return nullptr;
    // The specialised loops between exceptions, the general decoder for
    // the exceptions themselves.
    const bool direct = !running_ && correction_ == DecimalCorrection::kNone;
    const int widest = (t_zero_ ? 0 : t_code_->bits[kDecimalEscapeBucket - 1]) +
                       (x_zero_ ? 0 : x_code_->bits[kDecimalEscapeBucket - 1]) +
                       (c_stream_ && !c_zero_ ? c_code_->bits[kDecimalEscapeBucket - 1] : 0);
    const bool one_refill = widest <= BitReader::kRefillBits;
    uint32_t i = 2;
    while (i < n) {
      if (j_ == 0 || i == exception_at_) [[unlikely]] {
        if (const char* err = NextInGeneral(r, i)) return err;
        out[i] = {t(), v_};
        ++i;
        continue;
      }
      const uint32_t end = exception_at_ < n ? exception_at_ : n;
      if (direct) {
        DecodePlainRange(r, out, i, end);
      } else if (one_refill) {
        DecodeGeneralRange<true>(r, out, i, end);
      } else {
        DecodeGeneralRange<false>(r, out, i, end);
      }
      i = end;
    }
    return nullptr;
  }

 private:
  static constexpr uint32_t kNoException = ~uint32_t{0};

  // Samples [from, to) of any chunk, none an exception: NextInGeneral()
  // with its state in locals. kOneRefill: the widest codes of one sample
  // fit in one refill. REQUIRES: from >= 2 and j_ > 0.
  template <bool kOneRefill>
  void DecodeGeneralRange(BitReader& r, Sample* out, uint32_t from, uint32_t to) {
    BitReader rr = r;
    uint64_t t = t_, dt = dt_, x = x_, dx = dx_, c_prev = c_;
    double prev = prev_, v = v_;
    const uint64_t mask = order_mask_, step = step_, base = base_;
    const double divisor = divisor_;
    const DecimalCode& tc = *t_code_;
    const DecimalCode& xc = *x_code_;
    const DecimalCode& cc = *c_code_;
    const bool t_zero = t_zero_, x_zero = x_zero_, c_stream = c_stream_, c_zero = c_zero_;
    const bool running = running_, delta = correction_ == DecimalCorrection::kDelta;
    const auto read = [&rr](const DecimalCode& code) [[gnu::always_inline]] {
      return kOneRefill ? ReadDecimalCodeNoRefill(rr, code) : ReadDecimalCode(rr, code);
    };
    for (uint32_t i = from; i < to; ++i) {
      if constexpr (kOneRefill) rr.Refill();
      if (!t_zero) dt += UnZigZag(read(tc));
      t += dt;
      const uint64_t z = x_zero ? 0 : UnZigZag(read(xc));
      dx = (dx & mask) + step * (base + z);
      x += dx;
      // Casting to int64 is modular, so corrupt input cannot overflow.
      const double q = running ? prev + static_cast<double>(static_cast<int64_t>(dx)) / divisor
                               : static_cast<double>(static_cast<int64_t>(x)) / divisor;
      uint64_t c = 0;
      if (c_stream) {
        c = c_zero ? 0 : UnZigZag(read(cc));
        if (delta) c += c_prev;
        c_prev = c;
      }
      v = std::bit_cast<double>(std::bit_cast<uint64_t>(q) + c);
      prev = v;
      out[i].t = static_cast<int64_t>(t);
      out[i].v = v;
    }
    r = rr;
    t_ = t;
    dt_ = dt;
    x_ = x;
    dx_ = dx;
    c_ = c_prev;
    prev_ = prev;
    v_ = v;
    j_ += to - from;
  }

  // Samples [from, to) without running prediction, corrections or
  // exceptions. REQUIRES: from >= 2 and j_ > 0.
  void DecodePlainRange(BitReader& r, Sample* out, uint32_t from, uint32_t to) {
    // Hoist every per-chunk choice out of the loop.
    const int variant = (t_zero_ ? 4 : 0) | (x_zero_ ? 2 : 0) | (divisor_ == 1 ? 1 : 0);
    switch (variant) {
      case 0: DecodePlain<false, false, false>(r, out, from, to); break;
      case 1: DecodePlain<false, false, true>(r, out, from, to); break;
      case 2: DecodePlain<false, true, false>(r, out, from, to); break;
      case 3: DecodePlain<false, true, true>(r, out, from, to); break;
      case 4: DecodePlain<true, false, false>(r, out, from, to); break;
      case 5: DecodePlain<true, false, true>(r, out, from, to); break;
      case 6: DecodePlain<true, true, false>(r, out, from, to); break;
      default: DecodePlain<true, true, true>(r, out, from, to); break;
    }
  }

  // The samples [from, to) of DecodePlainRange(). kTZero: every timestamp dod is 0 (no
  // timestamp bits at all); kXZero: no value bits; kUnit: scale 0, so the
  // division by 10^0 is skipped (exact either way).
  template <bool kTZero, bool kXZero, bool kUnit>
  void DecodePlain(BitReader& r, Sample* out, uint32_t from, uint32_t to) {
    BitReader rr = r;
    uint64_t t = t_, dt = dt_, x = x_, dx = dx_;
    const uint64_t mask = order_mask_, step = step_, base = base_;
    const double divisor = divisor_;
    const DecimalCode& tc = *t_code_;
    const DecimalCode& xc = *x_code_;
    const uint32_t n = to;
    const auto emit = [&](uint32_t i, uint64_t z) [[gnu::always_inline]] {
      t += dt;
      dx = (dx & mask) + step * (base + z);
      x += dx;
      // Casting to int64 is modular, so corrupt input cannot overflow.
      const double q = static_cast<double>(static_cast<int64_t>(x));
      out[i].t = static_cast<int64_t>(t);
      out[i].v = kUnit ? q : q / divisor;
    };
    // Most bits a code other than the escape takes; one refill guarantees
    // BitReader::kRefillBits.
    const int t_max = kTZero ? 0 : tc.bits[kDecimalEscapeBucket - 1];
    const int x_max = kXZero ? 0 : xc.bits[kDecimalEscapeBucket - 1];
    uint32_t i = from;
    if constexpr (kTZero && !kXZero) {
      if (2 * x_max <= BitReader::kRefillBits) {
        // Two values per refill.
        for (; i + 1 < n; i += 2) {
          rr.Refill();
          emit(i, UnZigZag(ReadDecimalCodeNoRefill(rr, xc)));
          emit(i + 1, UnZigZag(ReadDecimalCodeNoRefill(rr, xc)));
        }
      }
    } else if constexpr (!kTZero) {
      if (t_max + x_max <= BitReader::kRefillBits) {
        // One refill per sample.
        for (; i < n; ++i) {
          rr.Refill();
          dt += UnZigZag(ReadDecimalCodeNoRefill(rr, tc));
          uint64_t z = 0;
          if constexpr (!kXZero) z = UnZigZag(ReadDecimalCodeNoRefill(rr, xc));
          emit(i, z);
        }
      }
    }
    for (; i < n; ++i) {
      if constexpr (!kTZero) dt += UnZigZag(ReadDecimalCode(rr, tc));
      uint64_t z = 0;
      if constexpr (!kXZero) z = UnZigZag(ReadDecimalCode(rr, xc));
      emit(i, z);
    }
    r = rr;
    t_ = t;
    dt_ = dt;
    x_ = x;
    dx_ = dx;
  }

  // Next() for any chunk and sample.
  const char* NextInGeneral(BitReader& r, uint32_t index) {
    if (index >= 2) [[likely]] {
      if (!t_zero_) dt_ += UnZigZag(ReadDecimalCode(r, *t_code_));
      t_ += dt_;
    } else if (index == 0) {
      t_ = UnZigZag(ReadVarLen(r));
    } else {
      dt_ = UnZigZag(ReadVarLen(r));
      t_ += dt_;
    }
    if (index == exception_at_) [[unlikely]] {
      return ReadException(index);
    }
    double q;
    uint64_t c = 0;
    if (j_ > 0) [[likely]] {
      const uint64_t z = x_zero_ ? 0 : UnZigZag(ReadDecimalCode(r, *x_code_));
      dx_ = (dx_ & order_mask_) + step_ * (base_ + z);
      x_ += dx_;
      q = running_ ? prev_ + static_cast<double>(static_cast<int64_t>(dx_)) / divisor_
                   : static_cast<double>(static_cast<int64_t>(x_)) / divisor_;
    } else {
      x_ = UnZigZag(ReadVarLen(r));  // x_0 - x_-1, with x_-1 = 0
      dx_ = 0;                       // and the delta before x_1 counts as 0
      q = (running_ ? prev_ : 0.0) + static_cast<double>(static_cast<int64_t>(x_)) / divisor_;
      if (correction_ == DecimalCorrection::kFirst) c = UnZigZag(ReadVarLen(r));
    }
    ++j_;
    if (c_stream_) {
      c = c_zero_ ? 0 : UnZigZag(ReadDecimalCode(r, *c_code_));
      if (correction_ == DecimalCorrection::kDelta) c += c_;
      c_ = c;
    }
    v_ = std::bit_cast<double>(std::bit_cast<uint64_t>(q) + c);
    prev_ = v_;
    return nullptr;
  }

  // Reads where the next exception sits; it must come after sample `after`
  // (or be the first, when read_ == 0).
  const char* NextExceptionPosition(uint32_t after) {
    if (read_ == exceptions_) {
      exception_at_ = kNoException;
      return nullptr;
    }
    const uint32_t at =
        position_bits_ == 0 ? 0 : static_cast<uint32_t>(exceptions_r_.Read(position_bits_));
    if ((read_ > 0 && at <= after) || at >= n_) return "decimal exception out of order";
    exception_at_ = at;
    ++read_;
    return nullptr;
  }

  const char* ReadException(uint32_t index) {
    const uint64_t bits = exceptions_r_.ReadLong(64);
    v_ = std::bit_cast<double>(bits);
    if (DecimalChainable(bits)) prev_ = v_;
    if (exceptions_r_.overrun()) return "truncated decimal exceptions";
    return NextExceptionPosition(index);
  }

  const DecimalCode* t_code_ = &kDecimalCodes[0];
  const DecimalCode* x_code_ = &kDecimalCodes[0];
  const DecimalCode* c_code_ = &kDecimalCodes[0];
  bool t_zero_ = false;    // every timestamp dod is 0
  bool x_zero_ = false;    // every coded value is 0
  bool c_stream_ = false;  // corrections are coded with every value
  bool c_zero_ = false;    // every coded correction is 0
  bool running_ = false;
  bool plain_ = false;  // direct prediction, no corrections, no exceptions
  DecimalCorrection correction_ = DecimalCorrection::kNone;
  double divisor_ = 1;
  uint64_t order_mask_ = 0;  // all ones: values are delta-of-delta coded
  uint64_t step_ = 1;        // every value delta is a multiple of it
  uint64_t base_ = 0;        // added to each delta (delta order only)
  // Unsigned so corrupt input wraps instead of overflowing.
  uint64_t t_ = 0, dt_ = 0, x_ = 0, dx_ = 0;
  uint64_t c_ = 0;     // last correction
  double v_ = 0.0;     // the current value
  double prev_ = 0.0;  // running prediction base: the last chainable value
  uint32_t j_ = 0;     // value samples decoded
  // Exceptions: a second reader walks their list alongside the samples.
  BitReader exceptions_r_;
  uint64_t exceptions_ = 0;  // in the list
  uint64_t read_ = 0;        // positions read so far
  uint32_t exception_at_ = kNoException;
  uint32_t n_ = 0;  // samples in the chunk
  int position_bits_ = 0;
};

}  // namespace pharos::tsdb
